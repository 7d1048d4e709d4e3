//! forumsim: agent-based simulation of forum shopping in global cyber governance.

pub mod engine;
pub mod experiment;
pub mod model;
pub mod output;
pub mod plot;
pub mod report;
pub mod scenario;
