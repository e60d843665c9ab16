//! Breakeven: is serverless cheaper and good enough for this traffic, and where does a
//! container or a VM win?
//!
//! The core (`model`, `pricing`, `billing`, `quote`, and later `sim`, `analysis`,
//! `report`) is pure and deterministic and has no GUI dependency; `cli` and `gui` are
//! thin shells over it. See ARCHITECTURE.md.

pub mod analysis;
pub mod billing;
pub mod cli;
pub mod gui;
pub mod import;
pub mod model;
pub mod pricing;
pub mod quote;
pub mod report;
pub mod sim;
pub mod util;
