//! The submodels of ODD §7, one module each. Each is a function of a read-only
//! [`World`](crate::model::world::World), the parameters it carries and, where the model
//! is stochastic, `&mut SimRng`; it returns actions that the engine applies in index order.

pub mod attention;
pub mod drafting;
pub mod election;
pub mod forecast;
pub mod forum;
pub mod init;
pub mod membership;
pub mod negotiation;
pub mod reform;
pub mod seats;
pub mod vote;

#[cfg(test)]
mod tests;
