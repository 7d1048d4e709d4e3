//! Scenario files: TOML (and CSV state tables) -> validated [`crate::model::Scenario`].
