//! The page: one HTML file, its script and its style sheet, compiled into the binary
//! so that the server needs no files beside it and the page no network.

pub const INDEX: &str = include_str!("../../assets/serve/index.html");
pub const APP_JS: &str = include_str!("../../assets/serve/app.js");
pub const STYLE_CSS: &str = include_str!("../../assets/serve/style.css");
