//! Analysis on top of the engine: sweeps and break-even points, the cheapest-platform map,
//! Monte Carlo bands over uncertain inputs, and the verdict with its reasons.
//!
//! Every point is a fast-mode simulation (`sim::fast_totals`); points run in parallel.
//! Break-even points are found by root finding on the engine, not read off the grid.

pub mod buying;
pub mod map;
pub(crate) mod root;
pub mod shape;
pub mod sweep;
pub mod uncertainty;
pub mod verdict;

pub use buying::{Buying, PurchaseLevel, buying};
pub use map::{CheapestMap, MapAxes, cheapest_map, cheapest_map_until};
pub use sweep::{Axis, Crossover, Sweep, SweepOptions, SweepPoint, sweep, traffic_sweep, traffic_sweep_progressive};
pub use uncertainty::{MonteCarlo, monte_carlo, monte_carlo_until};
pub use verdict::{Reason, Recommendation, Verdict, verdict};
