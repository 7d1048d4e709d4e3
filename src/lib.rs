//! forumsim: agent-based simulation of forum shopping in global cyber governance.

pub mod animate;
pub mod calibrate;
pub mod engine;
pub mod experiment;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
pub mod output;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod validate;
