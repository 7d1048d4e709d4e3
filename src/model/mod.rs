//! The model's vocabulary: the policy space, parameters and the validated scenario.

pub mod params;
pub mod policy;
pub mod spec;

pub use params::{PARAM_DEFS, ParamDef, Params};
pub use policy::{Camp, Kind, KindSet, Pos, utility};
pub use spec::*;
pub mod generate;
pub mod outcome;
pub mod rng;
pub mod rules;
pub mod setup;
pub mod stats;
pub mod testkit;
pub mod world;
