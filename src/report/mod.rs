//! Reports people can share: one comparison gathered once (`build`), rendered as HTML
//! with inline SVG charts, Markdown, CSV or JSON.
//!
//! `build` runs the simulation, the traffic sweep, the cheapest-platform map, Monte Carlo
//! bands (when the scenario states its uncertainty) and the verdict, and collects the
//! price sources of every service used. The renderers are pure: they take a `Report` and
//! the generated date and return text, so the same report renders the same bytes.
//! `write` is the only part that touches files: atomically, and leaving nothing behind on
//! failure.

pub mod charts;
pub mod content;
pub mod csv;
pub mod fmt;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sources;
pub mod write;

pub use content::Document;
pub use csv::{to_csv, to_series_csv};
pub use html::to_html;
pub use json::{to_json, to_json_value};
pub use markdown::{ChartLinks, Markdown, to_markdown};
pub use sources::{PriceSource, price_sources};
pub use write::{WriteOptions, Written, write};

use crate::analysis::{self, Axis, CheapestMap, MapAxes, MonteCarlo, Sweep, SweepOptions, Verdict};
use crate::model::Scenario;
use crate::pricing::Catalog;
use crate::sim::{self, Control, Mode, Prepared, SimError, SimResult};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Version of the JSON report's shape (`report_version`).
pub const REPORT_VERSION: u32 = 1;

/// What to compute for a report.
#[derive(Clone, Debug)]
pub struct Options {
    /// Fidelity of the main run (the CLI uses `Exact` unless `--fast`). Sweeps, the map
    /// and Monte Carlo always use the fast mode.
    pub run_mode: Mode,
    /// Grid points of the traffic sweep (crossovers are refined between them).
    pub sweep_points: usize,
    /// Cells of the cheapest-platform map along traffic volume and burstiness.
    pub map_nx: usize,
    pub map_ny: usize,
    /// Run Monte Carlo when the scenario has an `uncertainty` block.
    pub monte_carlo: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            run_mode: Mode::Exact,
            sweep_points: SweepOptions::default().points,
            map_nx: 17,
            map_ny: 9,
            monte_carlo: true,
        }
    }
}

/// Everything a report shows, computed once.
#[derive(Clone, Debug)]
pub struct Report {
    /// The scenario as simulated (assumptions).
    pub scenario: Scenario,
    pub run: SimResult,
    /// Cost against traffic scale, with break-even points (fast mode).
    pub sweep: Sweep,
    /// Cheapest platform over traffic volume and peak-to-mean ratio (fast mode).
    pub map: CheapestMap,
    pub monte_carlo: Option<MonteCarlo>,
    pub verdict: Verdict,
    /// Every figure of the catalog the services used depend on, with its source.
    pub sources: Vec<PriceSource>,
    /// The price files the catalog was assembled from.
    pub pricing_files: Vec<String>,
    /// Show amounts in this currency (None: US dollars, as the catalog prices). JSON and
    /// CSV keep every US-dollar field and add the converted ones.
    pub currency: Option<crate::pricing::fx::Fx>,
}

impl Report {
    /// Days in the simulated period.
    pub fn horizon_days(&self) -> f64 {
        self.run.horizon_s / 86_400.0
    }
}

/// Runs everything a report needs. `ctl` cancels the main run; cancelling is also checked
/// between the stages that follow it.
pub fn build(p: &Prepared, catalog: &Catalog, opts: &Options, ctl: &Control) -> Result<Report, SimError> {
    let run = sim::run(p, catalog, opts.run_mode, ctl)?;
    build_with_run(p, catalog, run, opts, ctl)
}

/// As `build`, around a run already made (of the same prepared scenario).
pub fn build_with_run(
    p: &Prepared,
    catalog: &Catalog,
    run: SimResult,
    opts: &Options,
    ctl: &Control,
) -> Result<Report, SimError> {
    let check = || {
        if ctl.cancelled() {
            Err(SimError::Cancelled)
        } else {
            Ok(())
        }
    };
    check()?;
    let sweep_opts = SweepOptions {
        points: opts.sweep_points.clamp(2, 2000),
        ..SweepOptions::default()
    };
    let sweep = analysis::sweep(p, catalog, Axis::TrafficScale, &sweep_opts)?;
    check()?;
    let map = analysis::cheapest_map(
        p,
        catalog,
        MapAxes::VolumeByBurstiness,
        opts.map_nx.clamp(2, 200),
        opts.map_ny.clamp(2, 200),
    )?;
    check()?;
    let monte_carlo = match (&p.scenario.uncertainty, opts.monte_carlo) {
        (Some(u), true) => Some(analysis::monte_carlo(p, catalog, u, Some(&sweep))?),
        _ => None,
    };
    check()?;
    let mut verdict = analysis::verdict(p, catalog, &run, &sweep)?;
    check()?;
    if let Some(b) = verdict.buying.as_mut() {
        b.maps = analysis::buying::buying_maps(p, catalog, &analysis::buying::map_scales())?;
    }
    Ok(Report {
        scenario: p.scenario.clone(),
        sources: price_sources(&p.scenario, catalog),
        // the files of the rest of the bill (egress, logs, storage, services) price lines too
        pricing_files: catalog
            .origins
            .iter()
            .chain(if p.scenario.platforms.iter().any(|x| x.region().is_some()) {
                &catalog.regional_origins[..]
            } else {
                &[]
            })
            .chain(&catalog.extra_origins)
            .cloned()
            .collect(),
        run,
        sweep,
        map,
        monte_carlo,
        verdict,
        currency: None,
    })
}

/// The output formats, chosen by the output file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    Csv,
    Json,
}

impl Format {
    /// The extensions a report can be written as, for messages.
    pub const ALLOWED: &'static str = ".html, .md, .csv or .json";

    /// The format for `path`'s extension (case-insensitive).
    pub fn from_path(path: &Path) -> Result<Format, ReportError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "html" => Ok(Format::Html),
            "md" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(ReportError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

#[derive(Debug, Error)]
pub enum ReportError {
    #[error("cannot tell the report format from {path:?}: the output must end in {allowed}", allowed = Format::ALLOWED)]
    UnknownFormat { path: PathBuf },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Sim(#[from] SimError),
}

/// How the generated date reads in reports.
pub fn date_label(generated: DateTime<Utc>) -> String {
    generated.format("%Y-%m-%d %H:%M UTC").to_string()
}
