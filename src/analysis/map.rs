//! Which platform is cheapest, and by how much, over two axes at once.

use super::shape;
use super::sweep::with_memory;
use crate::pricing::Catalog;
use crate::sim::{Prepared, Shortfall, SimError, Total, fast_totals};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MapAxes {
    /// Monthly volume (traffic scale) by peak-to-mean ratio.
    VolumeByBurstiness,
    /// Function memory (MB) by request duration scale.
    MemoryByDuration,
}

#[derive(Clone, Debug, Serialize)]
pub struct MapCell {
    /// Index into `platforms` of the cheapest platform that is good enough here; when none
    /// is (`none_copes`), of the cheapest of all, only so the cell has a colour.
    pub cheapest: usize,
    /// How much dearer the good-enough runner-up is, as a fraction of the cheapest (0.25 =
    /// 25 %); infinite when no other platform copes, 0 when none does.
    pub margin: f64,
    pub costs_usd: Vec<f64>,
    /// Whether each platform is good enough here (the verdict's rule).
    pub good_enough: Vec<bool>,
    /// Why each platform is not good enough here (None where it is).
    pub shortfalls: Vec<Option<Shortfall>>,
    /// No platform is good enough in this cell.
    pub none_copes: bool,
    /// The cheapest platform regardless of the rule: differs from `cheapest` where a
    /// platform that does not cope would be cheaper.
    pub cheapest_any: usize,
}

impl MapCell {
    /// The cell from each platform's total: the cheapest good-enough platform wins.
    pub fn of_totals(totals: &[Total]) -> MapCell {
        let costs: Vec<f64> = totals.iter().map(|t| t.cost_usd).collect();
        let by_cost = |v: &mut Vec<usize>| v.sort_by(|a, b| costs[*a].total_cmp(&costs[*b]));
        let mut all: Vec<usize> = (0..costs.len()).collect();
        by_cost(&mut all);
        let mut good: Vec<usize> = all.iter().copied().filter(|i| totals[*i].good_enough()).collect();
        by_cost(&mut good);
        let cheapest_any = all.first().copied().unwrap_or(0);
        let margin = match (good.first(), good.get(1)) {
            (Some(a), Some(b)) if costs[*a] > 0.0 => costs[*b] / costs[*a] - 1.0,
            (Some(_), Some(b)) if costs[*b] > 0.0 => f64::INFINITY,
            (Some(_), Some(_)) => 0.0,
            // the only one that copes: no alternative at any price
            (Some(_), None) if costs.len() > 1 => f64::INFINITY,
            _ => 0.0,
        };
        MapCell {
            cheapest: good.first().copied().unwrap_or(cheapest_any),
            margin,
            costs_usd: costs,
            good_enough: totals.iter().map(Total::good_enough).collect(),
            shortfalls: totals.iter().map(|t| t.shortfall).collect(),
            none_copes: good.is_empty(),
            cheapest_any,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CheapestMap {
    pub axes: MapAxes,
    pub x_label: String,
    pub y_label: String,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub platforms: Vec<String>,
    /// Row-major: `cells[iy][ix]`.
    pub cells: Vec<Vec<MapCell>>,
}

fn log_grid(min: f64, max: f64, n: usize) -> Vec<f64> {
    let n = n.max(2);
    (0..n)
        .map(|i| (min.ln() + (max.ln() - min.ln()) * i as f64 / (n - 1) as f64).exp())
        .collect()
}

pub fn cheapest_map(
    p: &Prepared,
    catalog: &Catalog,
    axes: MapAxes,
    nx: usize,
    ny: usize,
) -> Result<CheapestMap, SimError> {
    cheapest_map_until(p, catalog, axes, nx, ny, &|| false)
}

/// As `cheapest_map`, giving up with `SimError::Cancelled` once `cancelled` says so
/// (asked before every row's reshaping and every cell): an application's map can take
/// a minute, and the app wants the next edit's, not this one's.
pub fn cheapest_map_until(
    p: &Prepared,
    catalog: &Catalog,
    axes: MapAxes,
    nx: usize,
    ny: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<CheapestMap, SimError> {
    let check = || if cancelled() { Err(SimError::Cancelled) } else { Ok(()) };
    let (x, y, xl, yl) = match axes {
        MapAxes::VolumeByBurstiness => (
            log_grid(1e-2, 1e2, nx),
            log_grid(1.0, 100.0, ny),
            "traffic scale",
            "peak-to-mean ratio",
        ),
        MapAxes::MemoryByDuration => (
            log_grid(128.0, 10240.0, nx),
            log_grid(0.1, 10.0, ny),
            "function memory (MB)",
            "duration scale",
        ),
    };
    // the traffic reshaped at every cell from the fast mode's coarse profile (as the
    // burstiness sweep does): several times quicker than from the one-minute profile,
    // for the same cells
    let base = crate::sim::fast::fast_profile(&p.profile);
    // each row's shape once (a row shares its peak-to-mean ratio)
    let shaped: Vec<crate::sim::RateProfile> = match axes {
        MapAxes::VolumeByBurstiness if p.app.is_none() => {
            y.par_iter().map(|r| shape::with_peak_to_mean(&base, *r)).collect()
        }
        _ => Vec::new(),
    };
    // an application's rows: its workloads' own traffic reshaped together (each keeps its
    // volume), what they trigger following
    let shaped_apps: Vec<Prepared> = match (axes, p.app.as_deref()) {
        (MapAxes::VolumeByBurstiness, Some(ap)) => y
            .par_iter()
            .map(|r| {
                check()?;
                p.with_own_traffic(shape::own_with_peak_to_mean(ap, *r)?)
            })
            .collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    let cells_flat: Vec<Vec<Total>> = (0..y.len() * x.len())
        .into_par_iter()
        .map(|k| {
            check()?;
            let (iy, ix) = (k / x.len(), k % x.len());
            match axes {
                MapAxes::VolumeByBurstiness => match shaped_apps.get(iy) {
                    Some(q) => fast_totals(q, &q.profile.scaled(x[ix]), catalog),
                    None => fast_totals(p, &shaped[iy].scaled(x[ix]), catalog),
                },
                MapAxes::MemoryByDuration => {
                    let mut s = with_memory(&p.scenario, x[ix], catalog);
                    for w in s.workloads.iter_mut() {
                        w.request.duration_ms = w.request.duration_ms.scaled(y[iy]);
                    }
                    let q = p.with_scenario(s, catalog)?;
                    fast_totals(&q, &q.profile, catalog)
                }
            }
        })
        .collect::<Result<_, _>>()?;
    let cells = (0..y.len())
        .map(|iy| {
            (0..x.len())
                .map(|ix| MapCell::of_totals(&cells_flat[iy * x.len() + ix]))
                .collect()
        })
        .collect();
    Ok(CheapestMap {
        axes,
        x_label: xl.to_string(),
        y_label: yl.to_string(),
        x,
        y,
        platforms: p.specs.iter().map(|s| s.name().to_string()).collect(),
        cells,
    })
}
