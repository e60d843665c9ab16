//! The analyses as the app shows them: the break-even chart and its sentences, the
//! cheapest-platform map, the verdict with its reasons, and the Monte Carlo bands.
//!
//! Each part arrives from the worker on its own, stamped with the generation (document
//! revision) it was computed for, and is turned into display data once, here: plot points
//! on log axes, labels, sentences and hover read-outs. The tabs only lay them out.
//!
//! Owns: `AnalysisState` (which part of which generation is shown) and the formatting of
//! scales, rates, volumes and log ticks. Must not: draw, simulate or analyse (the worker
//! calls `crate::analysis`).

use super::fmt;
use super::results::PALETTE;
use super::worker::{AnalysisReply, Part};
use crate::analysis::{CheapestMap, Crossover, MonteCarlo, Sweep, Verdict};
use crate::model::SECONDS_PER_MONTH;
use crate::sim::Mode;
use egui::Color32;
use egui_plot::PlotPoint;
use std::sync::Arc;
use std::time::Duration;

/// Costs below this are drawn on the bottom line of the log cost axis.
pub const COST_FLOOR_USD: f64 = 0.01;

/// One part of the analyses, for the generation it was computed for.
pub struct Stamped<T> {
    pub generation: u64,
    pub elapsed: Duration,
    /// The display data, or why the analysis failed.
    pub value: Result<T, String>,
}

impl<T> Stamped<T> {
    pub fn current(&self, revision: u64) -> bool {
        self.generation == revision
    }
}

/// What the analysis tabs show. Parts of older generations stay until newer ones arrive
/// and are then marked out of date, as the results are.
#[derive(Default)]
pub struct AnalysisState {
    pub sweep: Option<Stamped<SweepView>>,
    pub verdict: Option<Stamped<VerdictView>>,
    pub map: Option<Stamped<MapView>>,
    /// `Ok(None)`: the scenario has no uncertainty block.
    pub bands: Option<Stamped<Option<BandsView>>>,
}

fn newer<T>(have: &Option<Stamped<T>>, generation: u64) -> bool {
    have.as_ref().is_none_or(|h| h.generation <= generation)
}

impl AnalysisState {
    /// Takes one finished stage; replies older than what is shown are dropped.
    pub fn accept(&mut self, r: AnalysisReply) {
        let g = r.generation;
        let elapsed = r.elapsed;
        fn stamped<T>(generation: u64, elapsed: Duration, value: Result<T, String>) -> Stamped<T> {
            Stamped {
                generation,
                elapsed,
                value,
            }
        }
        match r.part {
            Part::Sweep {
                horizon_days,
                focus,
                outcome,
            } => {
                if newer(&self.sweep, g) {
                    self.sweep = Some(stamped(
                        g,
                        elapsed,
                        outcome
                            .map(|s| SweepView::focused(s, horizon_days, focus))
                            .map_err(|e| e.to_string()),
                    ));
                }
            }
            Part::Verdict { mode, outcome } => {
                let keep = self.verdict.as_ref().is_some_and(|v| {
                    v.generation > g || (v.generation == g && v.mode() == Some(Mode::Exact) && mode == Mode::Fast)
                });
                if !keep {
                    self.verdict = Some(Stamped {
                        generation: g,
                        elapsed: r.elapsed,
                        value: outcome.map(|v| VerdictView::new(&v, mode)).map_err(|e| e.to_string()),
                    });
                }
            }
            Part::Map {
                today_peak_to_mean,
                today_monthly_requests,
                outcome,
            } => {
                if newer(&self.map, g) {
                    self.map = Some(stamped(
                        g,
                        elapsed,
                        outcome
                            .map(|m| MapView::new(&m, today_peak_to_mean, today_monthly_requests))
                            .map_err(|e| e.to_string()),
                    ));
                }
            }
            Part::MonteCarlo(outcome) => {
                if newer(&self.bands, g) {
                    let sweep = self
                        .sweep
                        .as_ref()
                        .filter(|s| s.generation == g)
                        .and_then(|s| s.value.as_ref().ok());
                    self.bands = Some(Stamped {
                        generation: g,
                        elapsed: r.elapsed,
                        value: outcome
                            .map(|m| m.map(|m| BandsView::new(&m, sweep)))
                            .map_err(|e| e.to_string()),
                    });
                }
            }
        }
    }

    /// The Monte Carlo bands of `generation`, if they are known.
    pub fn bands_for(&self, generation: u64) -> Option<&BandsView> {
        self.bands
            .as_ref()
            .filter(|b| b.generation == generation)
            .and_then(|b| b.value.as_ref().ok())
            .and_then(Option::as_ref)
    }
}

impl Stamped<VerdictView> {
    fn mode(&self) -> Option<Mode> {
        self.value.as_ref().ok().map(|v| v.mode)
    }
}

// --- numbers as they read on the analysis tabs ---

/// A traffic scale: "3.1x", "0.34x", "39x", "0.0012x".
pub fn scale(x: f64) -> String {
    if !x.is_finite() || x <= 0.0 {
        "–".into()
    } else if x >= 10.0 {
        format!("{x:.0}x")
    } else if x >= 1.0 {
        format!("{x:.1}x")
    } else {
        let decimals = ((-x.log10()).ceil() as usize + 1).min(12);
        format!("{x:.decimals$}x")
    }
}

/// A volume in two or three significant figures: "28 M", "5.5 M", "514", "20 k", "2.1 B".
pub fn volume(n: f64) -> String {
    if !n.is_finite() {
        return "–".into();
    }
    let (v, unit) = if n >= 1e9 {
        (n / 1e9, " B")
    } else if n >= 1e6 {
        (n / 1e6, " M")
    } else if n >= 1e3 {
        (n / 1e3, " k")
    } else {
        (n, "")
    };
    if v >= 10.0 || unit.is_empty() {
        format!("{v:.0}{unit}")
    } else {
        format!("{v:.1}{unit}")
    }
}

/// A request rate: "10.9 req/s", "0.717 req/s", "0.000198 req/s".
pub fn rate(rps: f64) -> String {
    let body = if !rps.is_finite() {
        "–".to_string()
    } else if rps >= 100.0 {
        format!("{rps:.0}")
    } else if rps >= 10.0 {
        format!("{rps:.1}")
    } else if rps >= 1.0 {
        format!("{rps:.2}")
    } else if rps > 0.0 {
        let decimals = ((-rps.log10()).ceil() as usize + 2).min(12);
        format!("{rps:.decimals$}")
    } else {
        "0".to_string()
    };
    format!("{body} req/s")
}

/// A round number on a log axis, without trailing zeros: 0.001, 0.5, 2, 20, 1000.
fn round_number(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        let decimals = ((-v.log10()).ceil() as usize + 1).min(12);
        let s = format!("{v:.decimals$}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Tick label of the traffic-scale axis at log10 value `lv`: "0.1x", "1x", "10x".
pub fn scale_tick(lv: f64) -> String {
    let v = 10f64.powf(lv);
    if !v.is_finite() || v <= 0.0 {
        String::new()
    } else if v < 1e-6 {
        format!("1e{}x", lv.round())
    } else {
        format!("{}x", round_number(v))
    }
}

/// Tick label of the log cost axis at log10 value `lv`: "$0.01", "$1", "$100", "$1k", "$2M".
pub fn money_tick(lv: f64) -> String {
    // the axis plots US dollars; its labels read in the shown currency
    let v = fmt::money_value(10f64.powf(lv));
    if !v.is_finite() || v <= 0.0 {
        return String::new();
    }
    let (n, unit) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    format!("{}{}{unit}", fmt::symbol(), round_number(n))
}

/// What a cost is for: "/month" over a 30-day horizon, else " for 7 days".
pub fn period_suffix(horizon_days: f64) -> String {
    if (horizon_days - 30.0).abs() < 1e-9 {
        "/month".into()
    } else {
        format!(" for {}", fmt::period(horizon_days))
    }
}

/// "Lambda and EC2 cross at 3.1x today's traffic: 28 M requests/month (10.9 req/s),
/// $40.10/month; Lambda is cheaper below". With `focus` (one workload's traffic scaled):
/// "… cross at 3.1x today's api traffic: 28 M requests/month in all (10.9 req/s), …".
pub fn crossover_sentence(c: &Crossover, horizon_days: f64, focus: Option<&str>) -> String {
    let mut s = format!(
        "{} and {} cross at {} today's {}: {} requests/month{} ({}), {}{}; {} is cheaper below",
        c.between[0],
        c.between[1],
        scale(c.x),
        traffic_words(focus),
        volume(c.monthly_requests),
        if focus.is_some() { " in all" } else { "" },
        rate(c.mean_rps),
        fmt::money(c.cost_usd),
        period_suffix(horizon_days),
        c.cheaper_below
    );
    if let Some(w) = c.caveat_for(c.cheaper_above()) {
        s.push_str(&format!(
            ". Not a real break-even: {} is cheaper above, but {w}",
            c.cheaper_above()
        ));
    }
    s
}

/// What the traffic axis scales: "traffic", or "api traffic" for one workload's.
pub fn traffic_words(focus: Option<&str>) -> String {
    match focus {
        Some(w) => format!("{w} traffic"),
        None => "traffic".into(),
    }
}

/// One entry of the Break-even tab's "Scale traffic of" list.
#[derive(Clone, Debug, PartialEq)]
pub struct FocusChoice {
    pub workload: String,
    /// As listed: the name, or "consumer (triggered by api)" when it is not offered.
    pub label: String,
    /// The workload has traffic of its own to scale (not only requests triggered by
    /// others); the others are listed, disabled, with `why`.
    pub offered: bool,
    pub why: String,
}

/// The workloads an application's break-even sweep can scale one at a time (empty for a
/// single workload: its sweep already scales its traffic). Derived once per revision.
pub fn focus_choices(s: &crate::model::Scenario) -> Vec<FocusChoice> {
    use crate::model::Component;
    if s.workloads.len() < 2 {
        return Vec::new();
    }
    s.workloads
        .iter()
        .map(|w| {
            let by: Vec<String> = w
                .traffic
                .components
                .iter()
                .filter_map(|c| match c {
                    Component::Triggered { workload, .. } => Some(workload.clone()),
                    _ => None,
                })
                .collect();
            let offered = w
                .traffic
                .components
                .iter()
                .any(|c| !matches!(c, Component::Triggered { .. }));
            let why = if offered {
                format!(
                    "Scale {}'s own traffic (and what it triggers); the other workloads stay as they are",
                    w.name
                )
            } else if by.is_empty() {
                format!("{} has no traffic to scale", w.name)
            } else {
                format!(
                    "Every request of {} is triggered by {}: it has no traffic of its own to scale; choose the workload that triggers it",
                    w.name,
                    by.join(" and ")
                )
            };
            let label = match (offered, by.is_empty()) {
                (true, _) => w.name.clone(),
                (false, true) => format!("{} (no traffic)", w.name),
                (false, false) => format!("{} (triggered by {})", w.name, by.join(" and ")),
            };
            FocusChoice {
                workload: w.name.clone(),
                label,
                offered,
                why,
            }
        })
        .collect()
}

/// The index of the workload `focus` names if the sweep can scale it on its own (it is
/// among `choices` and offered); None means the whole application.
pub fn focus_index(s: &crate::model::Scenario, choices: &[FocusChoice], focus: Option<&str>) -> Option<usize> {
    let f = focus?;
    choices.iter().find(|c| c.workload == f && c.offered)?;
    s.workload_index(f)
}

fn log_cost(usd: f64) -> f64 {
    usd.max(COST_FLOOR_USD).log10()
}

// --- the break-even chart ---

pub struct Curve {
    pub name: String,
    pub color: Color32,
    /// (log10 scale, log10 cost), costs under a cent on the floor.
    pub points: Vec<PlotPoint>,
    /// The curve in runs: solid where the platform is good enough (`true`), drawn thin
    /// and dashed where it is not (a stretch fails when either end does).
    pub runs: Vec<(bool, Vec<PlotPoint>)>,
}

pub struct CrossoverView {
    pub between: [String; 2],
    pub scale: f64,
    /// (log10 scale, log10 cost).
    pub point: PlotPoint,
    /// "28 M req/month\n10.9 req/s"
    pub label: String,
    pub sentence: String,
    /// The cheapest platform changes here (the two crossing curves are the lowest of the
    /// platforms that cope, and both cope).
    pub changes_cheapest: bool,
    /// Both platforms are good enough here; otherwise the label and sentence say which fails.
    pub good_enough: bool,
}

/// One stretch of the traffic axis and the platform that is cheapest on it.
pub struct Stretch {
    pub platform: String,
    pub color: Color32,
    pub from: f64,
    pub to: f64,
}

pub struct SweepView {
    pub sweep: Arc<Sweep>,
    pub horizon_days: f64,
    /// The workload whose own traffic the sweep scales (None: all the traffic).
    pub focus: Option<String>,
    /// "traffic" or "api traffic": what "3.1x today's …" multiplies.
    pub traffic: String,
    /// The chart's axis titles: "traffic, × today's (log scale)" or "api traffic, × today's
    /// (log scale)", and "requests per month" (of the whole application when focused).
    pub x_label: String,
    pub volume_label: String,
    pub curves: Vec<Curve>,
    /// In the order of the engine (by scale).
    pub crossovers: Vec<CrossoverView>,
    /// Plot points of the crossovers where the cheapest platform changes, and of the
    /// others, with their index in `crossovers` (hover read-outs find them by index).
    pub key_points: Vec<PlotPoint>,
    pub key_index: Vec<usize>,
    pub other_points: Vec<PlotPoint>,
    pub other_index: Vec<usize>,
    /// The crossovers the chart labels (`key_index`, or all of them with "Label every
    /// break-even point"), one per distinct label: platforms with the same curve cross a
    /// third at the same scale, and the same volume written five times over hid the chart.
    pub labels_key: Vec<usize>,
    pub labels_all: Vec<usize>,
    /// Requests per second and per month at scale 1 (focused: the part that scales, the
    /// focused workload's own and what it triggers).
    pub today_rps: f64,
    pub today_monthly: f64,
    /// Requests per second that do not scale (the other workloads' when focused; else 0):
    /// the rate at scale x is `fixed_rps + today_rps * x`.
    pub fixed_rps: f64,
    /// log10 of the swept range and of the costs drawn.
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// Some cost is below the floor (drawn on the bottom line).
    pub floored: bool,
    /// "Cheapest: Cloud Run below 0.34x · Lambda 0.34x–2.1x · …"
    pub cheapest_along: String,
    /// The title of the cheapest stretches: "Cheapest:", or "Cheapest by api traffic:".
    pub cheapest_title: String,
    pub stretches: Vec<Stretch>,
    /// "No break-even point between 0.001x and 1000x today's traffic" when there is none.
    pub none_text: Option<String>,
}

/// Ties within this are not a change of the cheapest platform.
const TIE_USD: f64 = 0.005;

impl SweepView {
    pub fn new(sweep: Arc<Sweep>, horizon_days: f64) -> SweepView {
        SweepView::focused(sweep, horizon_days, None)
    }

    /// The view of a sweep that scales only workload `focus`'s own traffic (None: all of it).
    pub fn focused(sweep: Arc<Sweep>, horizon_days: f64, focus: Option<String>) -> SweepView {
        let s = &sweep;
        let traffic = traffic_words(focus.as_deref());
        let colors: Vec<Color32> = (0..s.platforms.len()).map(|i| PALETTE[i % PALETTE.len()]).collect();
        let mut floored = false;
        let curves: Vec<Curve> = s
            .platforms
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let pts: Vec<&crate::analysis::SweepPoint> = s.points.iter().filter(|p| p.x > 0.0).collect();
                let points: Vec<PlotPoint> = pts
                    .iter()
                    .map(|p| {
                        let c = p.costs_usd.get(i).copied().unwrap_or(0.0);
                        floored |= c < COST_FLOOR_USD;
                        PlotPoint::new(p.x.log10(), log_cost(c))
                    })
                    .collect();
                let good: Vec<bool> = pts
                    .iter()
                    .map(|p| p.good_enough.get(i).copied().unwrap_or(true))
                    .collect();
                let mut runs: Vec<(bool, Vec<PlotPoint>)> = Vec::new();
                for k in 1..points.len() {
                    let ok = good[k - 1] && good[k];
                    match runs.last_mut() {
                        Some((g, line)) if *g == ok => line.push(points[k]),
                        _ => runs.push((ok, vec![points[k - 1], points[k]])),
                    }
                }
                Curve {
                    name: name.clone(),
                    color: colors[i],
                    points,
                    runs,
                }
            })
            .collect();
        let (today_rps, today_monthly, fixed_rps) = match focus {
            None => s
                .points
                .iter()
                .find(|p| p.x > 0.0)
                .map(|p| (p.mean_rps / p.x, p.monthly_requests / p.x, 0.0))
                .unwrap_or((0.0, 0.0, 0.0)),
            // the others' rate stays, the focused part grows with x: a line through the
            // first and last points
            Some(_) => match (s.points.iter().find(|p| p.x > 0.0), s.points.last()) {
                (Some(a), Some(b)) if b.x > a.x => {
                    let per_x = ((b.mean_rps - a.mean_rps) / (b.x - a.x)).max(0.0);
                    let fixed = (a.mean_rps - per_x * a.x).max(0.0);
                    (per_x, per_x * SECONDS_PER_MONTH, fixed)
                }
                _ => (0.0, 0.0, 0.0),
            },
        };
        // the lowest cost of the platforms that cope at x
        let min_at = |x: f64| -> f64 {
            (0..s.platforms.len())
                .filter(|i| s.shortfall_at(*i, x).is_none())
                .filter_map(|i| s.cost_at(i, x))
                .fold(f64::INFINITY, f64::min)
        };
        let crossovers: Vec<CrossoverView> = s
            .crossovers
            .iter()
            .map(|c| {
                let lowest = min_at(c.x);
                let failing: Vec<&str> = c
                    .between
                    .iter()
                    .zip(&c.shortfalls)
                    .filter(|(_, sf)| sf.is_some())
                    .map(|(n, _)| n.as_str())
                    .collect();
                CrossoverView {
                    between: c.between.clone(),
                    scale: c.x,
                    point: PlotPoint::new(c.x.log10(), log_cost(c.cost_usd)),
                    label: match failing.as_slice() {
                        [] => format!("{} req/month\n{}", volume(c.monthly_requests), rate(c.mean_rps)),
                        [one] => format!(
                            "{} req/month\n{}\n{one} fails here",
                            volume(c.monthly_requests),
                            rate(c.mean_rps)
                        ),
                        _ => format!(
                            "{} req/month\n{}\nboth fail here",
                            volume(c.monthly_requests),
                            rate(c.mean_rps)
                        ),
                    },
                    sentence: crossover_sentence(c, horizon_days, focus.as_deref()),
                    changes_cheapest: c.good_enough
                        && (!lowest.is_finite() || c.cost_usd <= lowest + TIE_USD.max(0.01 * lowest)),
                    good_enough: c.good_enough,
                }
            })
            .collect();
        let (mut key_points, mut key_index, mut other_points, mut other_index) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, c) in crossovers.iter().enumerate() {
            if c.changes_cheapest {
                key_points.push(c.point);
                key_index.push(i);
            } else {
                other_points.push(c.point);
                other_index.push(i);
            }
        }
        let distinct = |idx: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
            let mut seen = std::collections::HashSet::new();
            idx.filter(|&k| seen.insert(crossovers[k].label.as_str())).collect()
        };
        let labels_key = distinct(&mut key_index.iter().copied());
        let labels_all = distinct(&mut (0..crossovers.len()));
        let xs: Vec<f64> = curves.iter().flat_map(|c| c.points.iter().map(|p| p.x)).collect();
        let ys: Vec<f64> = curves.iter().flat_map(|c| c.points.iter().map(|p| p.y)).collect();
        let range = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if lo.is_finite() && hi.is_finite() {
                (lo, hi)
            } else {
                (-1.0, 1.0)
            }
        };
        let x_range = range(&xs);
        let y_range = range(&ys);
        let stretches = cheapest_stretches(s, &colors);
        let cheapest_along = match stretches.as_slice() {
            [] => String::new(),
            [one] => format!(
                "{} is the cheapest from {} to {} today's {traffic}",
                one.platform,
                scale(one.from),
                scale(one.to)
            ),
            many => {
                let last = many.len() - 1;
                let parts: Vec<String> = many
                    .iter()
                    .enumerate()
                    .map(|(k, st)| match k {
                        0 => format!("{} below {}", st.platform, scale(st.to)),
                        k if k == last => format!("{} above {}", st.platform, scale(st.from)),
                        _ => format!("{} {}–{}", st.platform, scale(st.from), scale(st.to)),
                    })
                    .collect();
                match &focus {
                    Some(_) => format!("Cheapest by {traffic}: {}", parts.join(" · ")),
                    None => format!("Cheapest: {}", parts.join(" · ")),
                }
            }
        };
        let none_text = crossovers.is_empty().then(|| {
            format!(
                "No two platforms' costs cross between {} and {} today's {traffic}.",
                scale(10f64.powf(x_range.0)),
                scale(10f64.powf(x_range.1))
            )
        });
        let (x_label, volume_label) = match &focus {
            Some(_) => (
                format!("{traffic}, × today's (log scale)"),
                "requests per month, all workloads".to_string(),
            ),
            None => (
                "traffic, × today's (log scale)".to_string(),
                "requests per month".to_string(),
            ),
        };
        let cheapest_title = match &focus {
            Some(_) => format!("Cheapest by {traffic}:"),
            None => "Cheapest:".to_string(),
        };
        SweepView {
            horizon_days,
            cheapest_title,
            focus,
            traffic,
            x_label,
            volume_label,
            fixed_rps,
            curves,
            crossovers,
            key_points,
            key_index,
            other_points,
            other_index,
            labels_key,
            labels_all,
            today_rps,
            today_monthly,
            x_range,
            y_range,
            floored,
            cheapest_along,
            stretches,
            none_text,
            sweep,
        }
    }

    /// The hover read-out at log10 scale `lx`: scale, rate, volume and every platform's
    /// cost there (interpolated between the sweep's points).
    pub fn readout(&self, lx: f64) -> Option<String> {
        let x = 10f64.powf(lx);
        let s = &self.sweep;
        let (first, last) = (s.points.first()?.x, s.points.last()?.x);
        if !(x.is_finite() && x >= first && x <= last) {
            return None;
        }
        let costs: Vec<Option<f64>> = (0..s.platforms.len()).map(|i| s.cost_at(i, x)).collect();
        let short: Vec<_> = (0..s.platforms.len()).map(|i| s.shortfall_at(i, x)).collect();
        // only a platform that copes here can be the cheapest
        let best = costs
            .iter()
            .enumerate()
            .filter(|(i, _)| short[*i].is_none())
            .filter_map(|(i, c)| c.map(|c| (i, c)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i);
        let mut out = format!(
            "{} today's {}\n{} · {} requests/month{}",
            scale(x),
            self.traffic,
            rate(self.rps_at(x)),
            volume(self.monthly_at(x)),
            if self.focus.is_some() { " in all" } else { "" }
        );
        for (i, name) in s.platforms.iter().enumerate() {
            if let Some(c) = costs[i] {
                let tag = match (short[i], Some(i) == best) {
                    (Some(sf), _) => format!("  (not good enough: {})", sf.phrase()),
                    (None, true) => "  (cheapest)".to_string(),
                    (None, false) => String::new(),
                };
                out.push_str(&format!(
                    "\n{name}: {}{}{tag}",
                    fmt::money(c),
                    period_suffix(self.horizon_days),
                ));
            }
        }
        if best.is_none() {
            out.push_str("\nNo platform is good enough here.");
        }
        Some(out)
    }

    /// Requests per second at scale `x` (every workload).
    pub fn rps_at(&self, x: f64) -> f64 {
        self.fixed_rps + self.today_rps * x
    }

    /// Requests per 30-day month at scale `x` (every workload).
    pub fn monthly_at(&self, x: f64) -> f64 {
        self.rps_at(x) * SECONDS_PER_MONTH
    }

    pub fn crossover_readout(&self, i: usize) -> Option<String> {
        let c = self.crossovers.get(i)?;
        Some(format!(
            "{}{}",
            c.sentence,
            if c.changes_cheapest {
                "\nThe cheapest platform changes here."
            } else {
                ""
            }
        ))
    }
}

/// What a stretch where no platform is good enough is called.
pub const NONE_COPES: &str = "no platform copes";

/// The cheapest platform that is good enough along the swept axis, stretch by stretch
/// (ties keep the platform that was cheapest before; where none copes, a grey stretch
/// says so).
fn cheapest_stretches(s: &Sweep, colors: &[Color32]) -> Vec<Stretch> {
    let mut out: Vec<Stretch> = Vec::new();
    let mut prev_x = None;
    let none = NONE_COPES.to_string();
    for p in &s.points {
        let good = |i: usize| p.good_enough.get(i).copied().unwrap_or(true);
        let best = p
            .costs_usd
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| good(*i))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let best = match (best, out.last()) {
            (Some((best, cost)), Some(cur)) => {
                let i = s.platforms.iter().position(|n| *n == cur.platform).unwrap_or(best);
                if good(i) && p.costs_usd.get(i).is_some_and(|c| *c <= cost + TIE_USD) {
                    Some(i)
                } else {
                    Some(best)
                }
            }
            (best, _) => best.map(|b| b.0),
        };
        let name = best.map(|b| &s.platforms[b]).unwrap_or(&none);
        match out.last_mut() {
            Some(cur) if cur.platform == *name => cur.to = p.x,
            _ => {
                // the change lies between the grid points: at the crossover if one fits
                let from = match (out.last(), prev_x) {
                    (Some(cur), Some(px)) => s
                        .crossovers
                        .iter()
                        .find(|c| {
                            c.between.contains(name) && c.between.contains(&cur.platform) && c.x >= px && c.x <= p.x
                        })
                        .map(|c| c.x)
                        .unwrap_or(f64::sqrt(px * p.x)),
                    _ => p.x,
                };
                if let Some(cur) = out.last_mut() {
                    cur.to = from;
                }
                out.push(Stretch {
                    platform: name.clone(),
                    color: best.and_then(|b| colors.get(b).copied()).unwrap_or(Color32::GRAY),
                    from,
                    to: p.x,
                });
            }
        }
        prev_x = Some(p.x);
    }
    out
}

// --- the verdict ---

pub struct ReasonView {
    /// The number behind the reason, formatted for its metric.
    pub value: String,
    pub metric: String,
    pub text: String,
}

pub struct VerdictView {
    pub headline: String,
    pub recommendation: &'static str,
    pub platform: String,
    pub reasons: Vec<ReasonView>,
    /// The simulation judged: the fast estimate or the exact run.
    pub mode: Mode,
    /// Every platform in each place and under each purchase option (Where to buy).
    pub buying: Option<super::buying::BuyingView>,
}

/// The number of a verdict reason, as it reads next to the reason.
pub fn metric_value(metric: &str, value: f64) -> String {
    match metric {
        "failed_share" | "rejected_share" | "over_slo_share" | "cold_start_rate" | "hybrid_saving"
        | "placement_saving" => fmt::pct(value),
        "workload_cost_usd"
        | "alone_on_fleet_usd"
        | "cheapest_place_saving_usd"
        | "commitment_saving_usd"
        | "purchase_changes_answer" => fmt::money(value),
        "place_changes_answer" => fmt::pct(value),
        "places_changing_answer" => fmt::num(value),
        "pipeline_p99_ms" => fmt::ms(value),
        "peak_to_mean" | "cost_ratio_today" | "cost_ratio_10x" => fmt::times(value),
        "nearest_crossover_scale" | "compute_only_crossover_scale" if !value.is_finite() => "none".into(),
        "nearest_crossover_scale" | "compute_only_crossover_scale" => scale(value),
        "payload_kb" => format!("{} KB", fmt::num(value.round())),
        _ => fmt::num(value),
    }
}

impl VerdictView {
    pub fn new(v: &Verdict, mode: Mode) -> VerdictView {
        VerdictView {
            headline: fmt::text(&v.headline),
            recommendation: v.recommendation.label(),
            platform: v.platform.clone(),
            reasons: v
                .reasons
                .iter()
                .map(|r| ReasonView {
                    value: metric_value(&r.metric, r.value),
                    metric: r.metric.clone(),
                    text: fmt::text(&r.text),
                })
                .collect(),
            mode,
            buying: v.buying.as_deref().map(super::buying::BuyingView::new),
        }
    }
}

// --- the cheapest-platform map ---

pub struct MapCellView {
    /// The cell's corners in (log10 x, log10 y).
    pub corners: [PlotPoint; 4],
    pub fill: Color32,
    /// Diagonal hatching (segments in log10 coordinates) where a platform that is not good
    /// enough would be cheaper, or none copes; empty otherwise.
    pub hatch: Vec<[PlotPoint; 2]>,
}

/// Fill of a cell where no platform copes.
pub const NONE_COPES_FILL: Color32 = Color32::from_gray(150);

/// Three diagonal strokes across the cell at (x0, y0) of size (sx, sy).
fn hatch_cell(x0: f64, y0: f64, sx: f64, sy: f64) -> Vec<[PlotPoint; 2]> {
    [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
        .iter()
        .map(|d: &f64| {
            // the line u + v = d in cell units (u, v in 0..1), clipped to the cell
            let (u0, v0) = (d.min(1.0), (d - 1.0).max(0.0));
            let (u1, v1) = ((d - 1.0).max(0.0), d.min(1.0));
            [
                PlotPoint::new(x0 + u0 * sx, y0 + v0 * sy),
                PlotPoint::new(x0 + u1 * sx, y0 + v1 * sy),
            ]
        })
        .collect()
}

pub struct MapLegendEntry {
    pub name: String,
    pub color: Color32,
    /// "Lambda: cheapest in 42 of 160 cells"
    pub text: String,
}

pub struct MapView {
    pub x_label: String,
    pub y_label: String,
    pub nx: usize,
    pub ny: usize,
    pub cells: Vec<MapCellView>,
    /// The hover read-out of each cell, row by row.
    pub readouts: Vec<String>,
    pub legend: Vec<MapLegendEntry>,
    /// log10 of the lower-left corner of the first cell and the size of a cell.
    pub origin: (f64, f64),
    pub step: (f64, f64),
    /// Where the scenario itself is: (log10 1, log10 peak-to-mean), when on the map.
    pub today: Option<PlotPoint>,
    pub today_monthly: f64,
    /// Says what hatched cells mean, when there are any.
    pub hatch_note: Option<String>,
}

/// How strongly a cell shows its platform's colour: faint when the runner-up is within
/// 1 %, full when it costs twice as much or more.
pub fn margin_intensity(margin: f64) -> f32 {
    if margin.is_nan() || margin <= 0.01 {
        return 0.0;
    }
    if !margin.is_finite() {
        return 1.0;
    }
    ((margin * 100.0).log10() / 2.0).clamp(0.0, 1.0) as f32
}

/// The fill of a map cell: the platform's colour, from 25 % (a close call) to full.
pub fn cell_fill(color: Color32, margin: f64) -> Color32 {
    color.gamma_multiply(0.25 + 0.75 * margin_intensity(margin))
}

fn grid_step(v: &[f64]) -> f64 {
    if v.len() >= 2 && v[0] > 0.0 && v[1] > 0.0 {
        (v[1] / v[0]).log10()
    } else {
        1.0
    }
}

fn margin_text(cell: &crate::analysis::map::MapCell) -> String {
    let margin = cell.margin;
    if cell.costs_usd.len() > 1 && cell.good_enough.iter().filter(|g| **g).count() == 1 {
        "the only platform that copes here".into()
    } else if margin.is_infinite() {
        "free, while the others cost something".into()
    } else {
        format!("the runner-up costs {} more", fmt::pct(margin))
    }
}

impl MapView {
    pub fn new(m: &CheapestMap, today_peak_to_mean: f64, today_monthly: f64) -> MapView {
        let (nx, ny) = (m.x.len(), m.y.len());
        let (sx, sy) = (grid_step(&m.x), grid_step(&m.y));
        let lx0 = m.x.first().map(|x| x.max(1e-12).log10()).unwrap_or(0.0) - sx / 2.0;
        let ly0 = m.y.first().map(|y| y.max(1e-12).log10()).unwrap_or(0.0) - sy / 2.0;
        let colors: Vec<Color32> = (0..m.platforms.len()).map(|i| PALETTE[i % PALETTE.len()]).collect();
        let mut counts = vec![0usize; m.platforms.len()];
        let (mut hatched, mut none) = (0usize, 0usize);
        let mut cells = Vec::with_capacity(nx * ny);
        let mut readouts = Vec::with_capacity(nx * ny);
        for (iy, row) in m.cells.iter().enumerate().take(ny) {
            for (ix, cell) in row.iter().enumerate().take(nx) {
                let (x0, y0) = (lx0 + ix as f64 * sx, ly0 + iy as f64 * sy);
                let color = colors.get(cell.cheapest).copied().unwrap_or(Color32::GRAY);
                if !cell.none_copes
                    && let Some(n) = counts.get_mut(cell.cheapest)
                {
                    *n += 1;
                }
                let flagged = cell.none_copes || cell.cheapest_any != cell.cheapest;
                hatched += usize::from(flagged && !cell.none_copes);
                none += usize::from(cell.none_copes);
                cells.push(MapCellView {
                    corners: [
                        PlotPoint::new(x0, y0),
                        PlotPoint::new(x0 + sx, y0),
                        PlotPoint::new(x0 + sx, y0 + sy),
                        PlotPoint::new(x0, y0 + sy),
                    ],
                    fill: if cell.none_copes {
                        NONE_COPES_FILL
                    } else {
                        cell_fill(color, cell.margin)
                    },
                    hatch: if flagged {
                        hatch_cell(x0, y0, sx, sy)
                    } else {
                        Vec::new()
                    },
                });
                let mut text = format!(
                    "{} today's traffic ({} requests/month)\npeak {} the mean rate",
                    scale(m.x[ix]),
                    volume(today_monthly * m.x[ix]),
                    fmt::times(m.y[iy])
                );
                let name_of = |i: usize| m.platforms.get(i).map(String::as_str).unwrap_or("?");
                if cell.none_copes {
                    text.push_str("\nNo platform is good enough here");
                } else {
                    text.push_str(&format!(
                        "\n{}: {}, {}",
                        if cell.good_enough.iter().all(|g| *g) {
                            "Cheapest"
                        } else {
                            "Cheapest that copes"
                        },
                        name_of(cell.cheapest),
                        margin_text(cell)
                    ));
                    if cell.cheapest_any != cell.cheapest {
                        text.push_str(&format!(
                            "\n{} would be cheaper, but it is not good enough here",
                            name_of(cell.cheapest_any)
                        ));
                    }
                }
                let mut order: Vec<usize> = (0..cell.costs_usd.len()).collect();
                order.sort_by(|a, b| cell.costs_usd[*a].total_cmp(&cell.costs_usd[*b]));
                for i in order {
                    text.push_str(&format!("\n{}: {}", name_of(i), fmt::money(cell.costs_usd[i])));
                    if let Some(Some(sf)) = cell.shortfalls.get(i) {
                        text.push_str(&format!("  (not good enough: {})", sf.phrase()));
                    }
                }
                readouts.push(text);
            }
        }
        let total = nx * ny;
        let mut legend: Vec<MapLegendEntry> = m
            .platforms
            .iter()
            .enumerate()
            .map(|(i, name)| MapLegendEntry {
                name: name.clone(),
                color: colors[i],
                text: format!("{name}: cheapest in {} of {total} cells", counts[i]),
            })
            .collect();
        if none > 0 {
            legend.push(MapLegendEntry {
                name: NONE_COPES.into(),
                color: NONE_COPES_FILL,
                text: format!("No platform copes in {none} of {total} cells (grey, hatched)"),
            });
        }
        let hatch_note = (hatched > 0).then(|| {
            format!(
                "Hatched ({hatched} of {total} cells): a platform that is not good enough there would be cheaper; \
                 the colour is the cheapest that copes"
            )
        });
        let (ly_min, ly_max) = (ly0, ly0 + ny as f64 * sy);
        let today = (today_peak_to_mean.is_finite() && today_peak_to_mean > 0.0)
            .then(|| PlotPoint::new(0.0, today_peak_to_mean.log10()))
            .filter(|p| p.y >= ly_min && p.y <= ly_max);
        MapView {
            x_label: m.x_label.clone(),
            y_label: m.y_label.clone(),
            nx,
            ny,
            cells,
            readouts,
            legend,
            origin: (lx0, ly0),
            step: (sx, sy),
            today,
            today_monthly,
            hatch_note,
        }
    }

    /// The read-out of the cell under (log10 x, log10 y).
    pub fn readout(&self, lx: f64, ly: f64) -> Option<&str> {
        let fx = (lx - self.origin.0) / self.step.0;
        let fy = (ly - self.origin.1) / self.step.1;
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        let (ix, iy) = (fx.floor() as usize, fy.floor() as usize);
        if ix >= self.nx || iy >= self.ny {
            return None;
        }
        self.readouts.get(iy * self.nx + ix).map(String::as_str)
    }
}

// --- Monte Carlo bands ---

pub struct PlatformBandView {
    pub name: String,
    pub color: Color32,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// p10, median, p90, share of samples in which it is the cheapest.
    pub cells: [String; 4],
}

pub struct CrossoverBandView {
    /// Index into the sweep's crossovers.
    pub crossover: usize,
    /// The band drawn on the break-even chart: p10 to p90 at the crossover's cost.
    pub line: Vec<PlotPoint>,
    /// "p10–p90 2.5x–3.2x (median 2.8x)"
    pub text: String,
}

pub struct BandsView {
    pub samples: usize,
    pub platforms: Vec<PlatformBandView>,
    pub crossovers: Vec<CrossoverBandView>,
}

impl BandsView {
    /// `sweep`: the sweep of the same scenario, to place the crossover bands.
    pub fn new(m: &MonteCarlo, sweep: Option<&SweepView>) -> BandsView {
        let platforms = m
            .platforms
            .iter()
            .enumerate()
            .map(|(i, b)| PlatformBandView {
                name: b.name.clone(),
                color: PALETTE[i % PALETTE.len()],
                p10: b.p10_usd,
                p50: b.p50_usd,
                p90: b.p90_usd,
                cells: [
                    fmt::money(b.p10_usd),
                    fmt::money(b.p50_usd),
                    fmt::money(b.p90_usd),
                    fmt::pct(b.p_cheapest),
                ],
            })
            .collect();
        let mut crossovers = Vec::new();
        if let Some(sw) = sweep {
            for b in &m.crossovers {
                let Some(k) = sw.crossovers.iter().position(|c| {
                    c.between == b.between && (c.scale - b.base_scale).abs() <= 1e-9 * c.scale.abs().max(1e-12)
                }) else {
                    continue;
                };
                let y = sw.crossovers[k].point.y;
                let (lo, hi) = (b.p10_scale.max(1e-12).log10(), b.p90_scale.max(1e-12).log10());
                crossovers.push(CrossoverBandView {
                    crossover: k,
                    line: vec![PlotPoint::new(lo, y), PlotPoint::new(hi, y)],
                    text: format!(
                        "with the uncertainty: {}–{} (p10–p90), median {}",
                        scale(b.p10_scale),
                        scale(b.p90_scale),
                        scale(b.p50_scale)
                    ),
                });
            }
        }
        BandsView {
            samples: m.samples,
            platforms,
            crossovers,
        }
    }

    pub fn for_crossover(&self, k: usize) -> Option<&CrossoverBandView> {
        self.crossovers.iter().find(|b| b.crossover == k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Shortfall;

    fn crossover(x: f64, rps: f64, cost: f64) -> Crossover {
        Crossover {
            between: ["Lambda".into(), "EC2".into()],
            x,
            mean_rps: rps,
            monthly_requests: rps * 2_592_000.0,
            cost_usd: cost,
            cheaper_below: "Lambda".into(),
            good_enough: true,
            shortfalls: [None, None],
        }
    }

    #[test]
    fn log_tick_labels_read_as_real_values() {
        let ticks: Vec<String> = (-3..=3).map(|d| scale_tick(d as f64)).collect();
        assert_eq!(ticks, ["0.001x", "0.01x", "0.1x", "1x", "10x", "100x", "1000x"]);
        assert_eq!(scale_tick(2f64.log10()), "2x");
        assert_eq!(scale_tick(0.5f64.log10()), "0.5x");
        let money: Vec<String> = (-2..=7).map(|d| money_tick(d as f64)).collect();
        assert_eq!(
            money,
            [
                "$0.01", "$0.1", "$1", "$10", "$100", "$1k", "$10k", "$100k", "$1M", "$10M"
            ]
        );
        assert_eq!(money_tick(5000f64.log10()), "$5k");
        assert_eq!(money_tick(0.05f64.log10()), "$0.05");
    }

    #[test]
    fn scales_rates_and_volumes() {
        assert_eq!(scale(3.1144), "3.1x");
        assert_eq!(scale(0.3376), "0.34x");
        assert_eq!(scale(38.77), "39x");
        assert_eq!(scale(0.0192), "0.019x");
        assert_eq!(scale(0.00123), "0.0012x");
        assert_eq!(volume(28_181_184.0), "28 M");
        assert_eq!(volume(5_504_190.0), "5.5 M");
        assert_eq!(volume(514.0), "514");
        assert_eq!(volume(20_034.0), "20 k");
        assert_eq!(volume(2.1e9), "2.1 B");
        assert_eq!(rate(10.872), "10.9 req/s");
        assert_eq!(rate(0.717), "0.717 req/s");
        assert_eq!(rate(4.462), "4.46 req/s");
        assert_eq!(rate(0.000198), "0.000198 req/s");
        assert_eq!(rate(129.7), "130 req/s");
    }

    #[test]
    fn crossover_sentences() {
        let c = crossover(3.1144, 10.872, 40.1);
        assert_eq!(
            crossover_sentence(&c, 30.0, None),
            "Lambda and EC2 cross at 3.1x today's traffic: 28 M requests/month (10.9 req/s), $40.10/month; \
             Lambda is cheaper below"
        );
        // one workload's traffic scaled: the volume is the whole application's
        assert_eq!(
            crossover_sentence(&c, 30.0, Some("api")),
            "Lambda and EC2 cross at 3.1x today's api traffic: 28 M requests/month in all (10.9 req/s), \
             $40.10/month; Lambda is cheaper below"
        );
        let c = crossover(0.34, 0.717, 2.03);
        assert_eq!(
            crossover_sentence(&c, 7.0, None),
            "Lambda and EC2 cross at 0.34x today's traffic: 1.9 M requests/month (0.717 req/s), $2.03 for 7 days; \
             Lambda is cheaper below"
        );
    }

    #[test]
    fn reason_numbers_read_in_their_unit() {
        assert_eq!(metric_value("peak_to_mean", 70.19), "70×");
        assert_eq!(metric_value("rejected_share", 0.0584), "5.8 %");
        assert_eq!(metric_value("cost_ratio_today", 1.2028), "1.2×");
        assert_eq!(metric_value("nearest_crossover_scale", 2.101), "2.1x");
        assert_eq!(metric_value("nearest_crossover_scale", f64::INFINITY), "none");
        // (the break-even on compute alone: a scale as well, not a bare number)
        assert_eq!(metric_value("compute_only_crossover_scale", 0.3378), "0.34x");
        assert_eq!(metric_value("compute_only_crossover_scale", f64::INFINITY), "none");
        assert_eq!(metric_value("cold_start_rate", 0.00027), "0.03 %");
        assert_eq!(metric_value("payload_kb", 8192.4), "8192 KB");
        assert_eq!(metric_value("something_new", 0.5), "0.5");
    }

    #[test]
    fn map_intensity_follows_the_margin() {
        assert_eq!(margin_intensity(0.0), 0.0);
        assert_eq!(margin_intensity(0.01), 0.0);
        assert!((margin_intensity(0.1) - 0.5).abs() < 1e-6);
        assert_eq!(margin_intensity(1.0), 1.0);
        assert_eq!(margin_intensity(5.0), 1.0);
        assert_eq!(margin_intensity(f64::INFINITY), 1.0);
        assert_eq!(margin_intensity(f64::NAN), 0.0);
    }

    fn sweep() -> Sweep {
        use crate::analysis::{Axis, SweepPoint};
        // A falls from cheaper to dearer than B at x = 2; C is always dearest
        let points = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0]
            .iter()
            .map(|&x| SweepPoint {
                x,
                mean_rps: 2.0 * x,
                monthly_requests: 2.0 * x * 2_592_000.0,
                costs_usd: vec![10.0 * x, 20.0, 100.0 * x],
                compute_usd: vec![10.0 * x, 20.0, 100.0 * x],
                good_enough: vec![true; 3],
                shortfalls: vec![None; 3],
                simulated: true,
            })
            .collect();
        Sweep {
            axis: Axis::TrafficScale,
            platforms: vec!["A".into(), "B".into(), "C".into()],
            points,
            crossovers: vec![
                Crossover {
                    between: ["A".into(), "B".into()],
                    x: 2.0,
                    mean_rps: 4.0,
                    monthly_requests: 4.0 * 2_592_000.0,
                    cost_usd: 20.0,
                    cheaper_below: "A".into(),
                    good_enough: true,
                    shortfalls: [None, None],
                },
                Crossover {
                    between: ["B".into(), "C".into()],
                    x: 0.2,
                    mean_rps: 0.4,
                    monthly_requests: 0.4 * 2_592_000.0,
                    cost_usd: 20.0,
                    cheaper_below: "C".into(),
                    good_enough: true,
                    shortfalls: [None, None],
                },
            ],
        }
    }

    #[test]
    fn crossovers_at_one_volume_are_labelled_once() {
        // a platform D with B's curve: A crosses both at x = 2, with the same label
        let mut sw = sweep();
        let mut twin = sw.crossovers[0].clone();
        twin.between = ["A".into(), "D".into()];
        sw.crossovers.insert(1, twin);
        let v = SweepView::new(Arc::new(sw), 30.0);
        assert_eq!(v.crossovers[0].label, v.crossovers[1].label);
        assert_eq!(v.key_index.len(), 2, "both are marked");
        assert_eq!(v.labels_key, [0]);
        assert_eq!(v.labels_all, [0, 2]);
    }

    #[test]
    fn sweep_view_marks_where_the_cheapest_changes_and_reads_out_costs() {
        let v = SweepView::new(Arc::new(sweep()), 30.0);
        assert_eq!(v.curves.len(), 3);
        assert!(v.crossovers[0].changes_cheapest);
        assert!(!v.crossovers[1].changes_cheapest, "B and C cross above A");
        assert_eq!(v.key_index, [0]);
        assert_eq!(v.other_index, [1]);
        assert_eq!(v.crossovers[0].label, "10 M req/month\n4.00 req/s");
        assert_eq!(v.cheapest_along, "Cheapest: A below 2.0x · B above 2.0x");
        assert!((v.today_rps - 2.0).abs() < 1e-12);
        let r = v.readout(0.0).unwrap();
        assert!(
            r.starts_with("1.0x today's traffic\n2.00 req/s · 5.2 M requests/month"),
            "{r}"
        );
        assert!(r.contains("A: $10.00/month  (cheapest)"), "{r}");
        assert!(r.contains("B: $20.00/month"), "{r}");
        assert!(v.readout(2.0).is_none(), "outside the swept range");
        assert_eq!(v.x_label, "traffic, × today's (log scale)");
    }

    #[test]
    fn only_workloads_with_traffic_of_their_own_are_offered_for_a_sweep() {
        use crate::model::{Component, Traffic};
        let mut s = crate::model::default_scenario(&crate::pricing::Catalog::builtin().unwrap()).unwrap();
        assert!(focus_choices(&s).is_empty(), "one workload: nothing to choose");
        let mut consumer = s.workloads[0].clone();
        consumer.name = "consumer".into();
        consumer.traffic = Traffic {
            components: vec![Component::Triggered {
                workload: "workload".into(),
                per_request: 0.2,
                delay_ms: 0.0,
            }],
            ..consumer.traffic.clone()
        };
        let mut mixed = consumer.clone();
        mixed.name = "mixed".into();
        mixed.traffic.components.push(Component::Constant { rps: 1.0 });
        s.workloads.push(consumer);
        s.workloads.push(mixed);
        let c = focus_choices(&s);
        let offered: Vec<(&str, bool)> = c.iter().map(|c| (c.label.as_str(), c.offered)).collect();
        assert_eq!(
            offered,
            [
                ("workload", true),
                ("consumer (triggered by workload)", false),
                ("mixed", true)
            ]
        );
        assert!(
            c[1].why
                .starts_with("Every request of consumer is triggered by workload")
        );
        assert_eq!(focus_index(&s, &c, Some("mixed")), Some(2));
        assert_eq!(focus_index(&s, &c, Some("consumer")), None, "not offered");
        assert_eq!(focus_index(&s, &c, Some("gone")), None);
        assert_eq!(focus_index(&s, &c, None), None);
    }

    #[test]
    fn a_sweep_of_one_workload_says_so_and_keeps_the_others_rate() {
        // the other workloads: 3 req/s whatever x; the focused one: 2 req/s times x
        let mut sw = sweep();
        for p in &mut sw.points {
            p.mean_rps = 3.0 + 2.0 * p.x;
            p.monthly_requests = p.mean_rps * 2_592_000.0;
        }
        let v = SweepView::focused(Arc::new(sw), 30.0, Some("api".into()));
        assert_eq!(v.x_label, "api traffic, × today's (log scale)");
        assert_eq!(v.volume_label, "requests per month, all workloads");
        assert!((v.today_rps - 2.0).abs() < 1e-9, "{}", v.today_rps);
        assert!((v.fixed_rps - 3.0).abs() < 1e-9, "{}", v.fixed_rps);
        assert!((v.monthly_at(1.0) - 5.0 * 2_592_000.0).abs() < 1e-3);
        assert_eq!(v.cheapest_along, "Cheapest by api traffic: A below 2.0x · B above 2.0x");
        assert!(
            v.crossovers[0]
                .sentence
                .starts_with("A and B cross at 2.0x today's api traffic: ")
        );
        let r = v.readout(0.0).unwrap();
        assert!(
            r.starts_with("1.0x today's api traffic\n5.00 req/s · 13 M requests/month in all"),
            "{r}"
        );
    }

    #[test]
    fn map_view_finds_the_cell_under_the_pointer() {
        use crate::analysis::MapAxes;
        use crate::analysis::map::MapCell;
        let cell = |cheapest: usize, margin: f64| MapCell {
            cheapest,
            margin,
            costs_usd: if cheapest == 0 { vec![1.0, 2.0] } else { vec![3.0, 1.5] },
            good_enough: vec![true; 2],
            shortfalls: vec![None; 2],
            none_copes: false,
            cheapest_any: cheapest,
        };
        let m = CheapestMap {
            axes: MapAxes::VolumeByBurstiness,
            x_label: "traffic scale".into(),
            y_label: "peak-to-mean ratio".into(),
            x: vec![0.1, 1.0, 10.0],
            y: vec![1.0, 10.0],
            platforms: vec!["Lambda".into(), "EC2".into()],
            cells: vec![
                vec![cell(0, 1.0), cell(0, 0.5), cell(1, 1.0)],
                vec![cell(0, 1.0), cell(0, 0.0), cell(1, 1.0)],
            ],
        };
        let v = MapView::new(&m, 4.0, 1e6);
        assert_eq!(v.legend[0].text, "Lambda: cheapest in 4 of 6 cells");
        assert_eq!(v.legend[1].text, "EC2: cheapest in 2 of 6 cells");
        let r = v.readout(1.0, 0.0).unwrap();
        assert!(
            r.starts_with("10x today's traffic (10 M requests/month)\npeak 1.0× the mean rate"),
            "{r}"
        );
        assert!(
            r.contains("Cheapest: EC2, the runner-up costs 100 % more\nEC2: $1.50\nLambda: $3.00"),
            "{r}"
        );
        assert!(v.readout(-0.6, 1.0).unwrap().starts_with("0.10x today's traffic"));
        assert!(v.readout(2.0, 0.0).is_none());
        assert_eq!(v.today, Some(PlotPoint::new(0.0, 4f64.log10())));
    }

    #[test]
    fn a_crossover_with_a_failing_platform_says_so() {
        let mut c = crossover(17.1, 0.0002, 0.45);
        c.good_enough = false;
        c.shortfalls = [None, Some(Shortfall::Rejected { share: 0.88 })];
        assert_eq!(
            crossover_sentence(&c, 30.0, None),
            "Lambda and EC2 cross at 17x today's traffic: 518 requests/month (0.000200 req/s), $0.45/month; \
             Lambda is cheaper below. Not a real break-even: EC2 is cheaper above, but it serves only 12 % of \
             requests there"
        );
    }

    #[test]
    fn sweep_view_never_calls_a_failing_platform_cheapest() {
        // B stops coping at 8x: 70 % of its requests are rejected there
        let mut sw = sweep();
        let last = sw.points.len() - 1;
        sw.points[last].good_enough[1] = false;
        sw.points[last].shortfalls[1] = Some(Shortfall::Rejected { share: 0.3 });
        let v = SweepView::new(Arc::new(sw), 30.0);
        assert_eq!(v.cheapest_along, "Cheapest: A below 2.0x · B 2.0x–5.7x · A above 5.7x");
        // B's curve: solid to 4x, dashed from 4x to 8x
        let runs: Vec<(bool, usize)> = v.curves[1].runs.iter().map(|(ok, r)| (*ok, r.len())).collect();
        assert_eq!(runs, [(true, 6), (false, 2)]);
        assert!(v.curves[0].runs.iter().all(|(ok, _)| *ok));
        let r = v.readout(8f64.log10()).unwrap();
        assert!(r.contains("A: $80.00/month  (cheapest)"), "{r}");
        assert!(
            r.contains("B: $20.00/month  (not good enough: serves only 70 % of requests)"),
            "{r}"
        );
    }

    #[test]
    fn map_cells_where_a_failing_platform_is_cheaper_are_hatched() {
        use crate::analysis::MapAxes;
        use crate::analysis::map::MapCell;
        use crate::sim::Total;
        let ok = |c: f64| Total {
            cost_usd: c,
            compute_usd: c,
            shortfall: None,
        };
        let bad = |c: f64| Total {
            cost_usd: c,
            compute_usd: c,
            shortfall: Some(Shortfall::Rejected { share: 0.5 }),
        };
        let m = CheapestMap {
            axes: MapAxes::VolumeByBurstiness,
            x_label: "traffic scale".into(),
            y_label: "peak-to-mean ratio".into(),
            x: vec![1.0, 10.0, 100.0],
            y: vec![1.0],
            platforms: vec!["Lambda".into(), "EC2".into()],
            cells: vec![vec![
                MapCell::of_totals(&[ok(1.0), ok(2.0)]),
                MapCell::of_totals(&[ok(10.0), bad(2.0)]),
                MapCell::of_totals(&[bad(100.0), bad(2.0)]),
            ]],
        };
        assert_eq!(m.cells[0][1].cheapest, 0);
        assert_eq!(m.cells[0][1].cheapest_any, 1);
        assert!(m.cells[0][2].none_copes);
        let v = MapView::new(&m, 1.0, 1e6);
        assert!(v.cells[0].hatch.is_empty());
        assert!(!v.cells[1].hatch.is_empty());
        assert_eq!(v.cells[2].fill, NONE_COPES_FILL);
        assert_eq!(v.legend[0].text, "Lambda: cheapest in 2 of 3 cells");
        assert_eq!(v.legend[1].text, "EC2: cheapest in 0 of 3 cells");
        assert_eq!(v.legend[2].text, "No platform copes in 1 of 3 cells (grey, hatched)");
        assert!(
            v.hatch_note
                .as_deref()
                .is_some_and(|n| n.starts_with("Hatched (1 of 3 cells)"))
        );
        let r = v.readout(1.0, 0.0).unwrap();
        assert!(
            r.contains(
                "Cheapest that copes: Lambda, the only platform that copes here\n\
                 EC2 would be cheaper, but it is not good enough here\n\
                 EC2: $2.00  (not good enough: serves only 50 % of requests)\nLambda: $10.00"
            ),
            "{r}"
        );
        assert!(v.readout(2.0, 0.0).unwrap().contains("No platform is good enough here"));
    }
}
