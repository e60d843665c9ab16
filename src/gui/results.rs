//! The results area: display data derived once from a finished simulation, and the
//! central panel (tab bar, status banner, Overview tab with the bills).
//!
//! Owns: `ResultsView` (every string and plot point the tabs show, computed when a result
//! arrives) and the layout of the results. Must not: simulate or price (the worker does),
//! or compute anything per frame beyond laying out what `ResultsView` holds.

use super::analysis::{AnalysisState, BandsView};
use super::analysis_tabs;
use super::commands::Command;
use super::fmt;
use super::placements::{self, PlacementsView};
use super::plots;
use super::state::{Tab, UiState};
use super::{ExactRun, SimState};
use crate::billing::{Bill, Category, cents, group};
use crate::sim::{Mode, SimResult};
use egui::{Color32, RichText};
use egui_plot::PlotPoint;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::time::Duration;

/// Colours of the platforms, in scenario order (readable on light and dark backgrounds).
pub const PALETTE: [Color32; 8] = [
    Color32::from_rgb(66, 133, 244),
    Color32::from_rgb(230, 81, 0),
    Color32::from_rgb(52, 168, 83),
    Color32::from_rgb(171, 71, 188),
    Color32::from_rgb(0, 151, 167),
    Color32::from_rgb(219, 68, 55),
    Color32::from_rgb(190, 150, 0),
    Color32::from_rgb(121, 85, 72),
];

/// Latency histogram bins per decade: the fast mode's histogram is a smooth estimate at
/// coarser resolution than the exact mode's.
pub fn latency_bins_per_decade(mode: Mode) -> f64 {
    match mode {
        Mode::Fast => 10.0,
        Mode::Exact => 20.0,
    }
}

pub struct ResultsView {
    pub generation: u64,
    pub mode: Mode,
    pub elapsed: Duration,
    pub horizon_days: f64,
    pub slo_ms: Option<f64>,
    pub traffic: TrafficView,
    pub platforms: Vec<PlatformView>,
    /// Length of one series point, for axis labels ("per 60 min").
    pub bucket_min: f64,
    pub latency_bins_per_decade: f64,
    /// Highest total of any platform (the bar chart's scale).
    pub max_total_usd: f64,
    /// An application's placements (None for a single workload).
    pub placements: Option<PlacementsView>,
    /// Overview columns after Total splitting it by category (header, explanation); empty
    /// when every platform's bill is compute only.
    pub category_columns: Vec<(String, String)>,
    /// The managed services the requests call (None when they call none).
    pub services: Option<ServicesView>,
}

/// The application's own bills for the managed services its requests call: the same
/// whichever platform runs the code, so not in any platform's total.
pub struct ServicesView {
    pub bills: Vec<BillView>,
    pub total_usd: f64,
    /// "$12.34"
    pub total: String,
    /// What the total means next to the platforms' totals.
    pub explanation: String,
}

pub struct TrafficView {
    /// (label, value, explanation)
    pub summary: Vec<(String, String, String)>,
    /// Expected request rate, req/s by day.
    pub rate: Vec<PlotPoint>,
    /// The same with log10 of the rate (points at zero left out).
    pub rate_log: Vec<PlotPoint>,
    pub peak_rps: f64,
}

pub struct BillView {
    /// The service's name ("Amazon DynamoDB (on-demand)").
    pub name: String,
    pub heading: String,
    /// item, quantity, unit, unit price, amount, note
    pub lines: Vec<[String; 6]>,
    pub total: String,
    /// "compute $70.28 · network $97.34 · logs $22.22" when the bill has more than compute.
    pub by_category: Option<String>,
}

pub struct PlatformView {
    pub name: String,
    pub service: String,
    pub kind: &'static str,
    pub color: Color32,
    pub total_usd: f64,
    pub cheapest: bool,
    /// The cells of the Overview table, in `SUMMARY_COLUMNS` order after the name.
    pub cells: Vec<String>,
    /// The total by category, one cell per `ResultsView::category_columns` ("–": the bill
    /// has no line of that category).
    pub category_cells: Vec<String>,
    pub bill: BillView,
    pub notes: Vec<String>,
    /// "Priced with unverified figures: …" when the bill uses any (empty otherwise).
    pub unverified: String,
    /// The region the platform is priced in, for the name's tooltip.
    pub region: String,
    pub served: Vec<PlotPoint>,
    pub rejected: Vec<PlotPoint>,
    pub any_rejected: bool,
    /// Stacked instance bands: x (days), busy, busy + starting, busy + starting + idle.
    pub xs: Vec<f64>,
    pub zeros: Vec<f64>,
    pub busy: Vec<f64>,
    pub busy_starting: Vec<f64>,
    pub live: Vec<f64>,
    /// Cold starts (new environments or replicas) per hour.
    pub cold_per_hour: Vec<PlotPoint>,
    pub cold_total: u64,
    /// Cumulative cost, USD by day.
    pub cost: Vec<PlotPoint>,
    /// Latency histogram outline: x = log10(ms), y = % of requests per bin.
    pub latency: Vec<PlotPoint>,
    /// p50, p95, p99 in ms.
    pub percentiles: [f64; 3],
}

/// Overview table columns (header, explanation).
pub const SUMMARY_COLUMNS: [(&str, &str); 12] = [
    ("Platform", "Name in the scenario, and the service that runs it"),
    ("Total", "Itemised bill for the whole horizon, USD"),
    ("Per 1M requests", "Total divided by requests, per million"),
    ("Served", "Requests completed"),
    (
        "Rejected",
        "Throttled (concurrency or scaling limit), dropped (queue timeout) and failed (execution-time limit)",
    ),
    (
        "Cold starts",
        "New environments or replicas started, and their share of served requests",
    ),
    ("p50", "Median latency, cold starts and queueing included"),
    ("p95", "95th percentile latency"),
    ("p99", "99th percentile latency"),
    (
        "Over objective",
        "Share of served requests slower than the latency objective",
    ),
    (
        "Instances",
        "Mean and peak live instances (environments, replicas or VMs)",
    ),
    (
        "Utilisation",
        "Requests in flight over the capacity of the live instances",
    ),
];

fn qty(d: Decimal) -> String {
    group(d.round_dp(3).normalize())
}

fn usd_exact(d: Decimal) -> String {
    if fmt::currency_code() != "USD" {
        // converted from the exact amount, rounded to the currency's unit
        return fmt::text(&usd_exact_dollars(d));
    }
    usd_exact_dollars(d)
}

fn usd_exact_dollars(d: Decimal) -> String {
    let r = cents(d);
    let s = format!("{r:.2}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let n: Decimal = int.parse().unwrap_or_default();
    format!("${}.{frac}", group(n))
}

fn bill_view(b: &Bill, horizon_days: f64) -> BillView {
    BillView {
        name: b.service_name.clone(),
        heading: format!(
            "{} ({}), {}",
            b.service_name,
            if b.region.is_empty() { "region n/a" } else { &b.region },
            fmt::period(horizon_days)
        ),
        lines: b
            .lines
            .iter()
            .map(|l| {
                [
                    l.item.clone(),
                    qty(l.quantity),
                    l.unit.clone(),
                    fmt::text(&format!("${}", l.unit_price_usd.normalize())),
                    usd_exact(l.amount_usd),
                    l.note.clone(),
                ]
            })
            .collect(),
        total: usd_exact(b.total_usd()),
        by_category: b.category_summary(),
    }
}

/// The categories that split the platforms' totals in the Overview table: compute and
/// every other category some platform's bill has a line in (none when all are compute
/// only). Services are the application's own bills, never a platform's.
fn overview_categories(r: &SimResult) -> Vec<Category> {
    let any = |c: Category| r.platforms.iter().any(|p| p.bill.lines.iter().any(|l| l.category == c));
    let extra: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| !c.is_compute() && *c != Category::Services && any(*c))
        .collect();
    if extra.is_empty() {
        return extra;
    }
    std::iter::once(Category::Compute).chain(extra).collect()
}

fn category_help(c: Category) -> &'static str {
    match c {
        Category::Compute => "Functions, replicas, instances, their requests and front doors, USD",
        Category::Network => "Internet egress of the responses, NAT gateways, public IPv4 addresses, USD",
        Category::Logs => "Logs the requests write, priced by the provider's logging service, USD",
        Category::Storage => "EC2 root volumes, USD",
        Category::Services => "Managed services the requests call, USD",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn services_view(r: &SimResult, horizon_days: f64) -> Option<ServicesView> {
    if r.services.is_empty() {
        return None;
    }
    let bills = r
        .services
        .iter()
        .map(|b| BillView {
            by_category: None,
            ..bill_view(b, horizon_days)
        })
        .collect();
    let total = fmt::money(r.services_usd);
    Some(ServicesView {
        bills,
        total_usd: r.services_usd,
        explanation: format!(
            "The same under every platform, and not in the platforms' totals above: add {total} to a platform's total for the application's whole bill."
        ),
        total,
    })
}

/// Re-bins the engine's fine log histogram into `per_decade` bins per decade and returns
/// a step outline (x = log10 ms, y = % of requests).
pub fn latency_outline(bars: &[crate::sim::histogram::Bar], per_decade: f64) -> Vec<PlotPoint> {
    use std::collections::BTreeMap;
    let mut bins: BTreeMap<i64, f64> = BTreeMap::new();
    for b in bars {
        if !(b.low_ms > 0.0 && b.high_ms > 0.0 && b.share.is_finite()) {
            continue;
        }
        let mid = (b.low_ms * b.high_ms).sqrt();
        let k = (mid.log10() * per_decade).floor() as i64;
        *bins.entry(k).or_default() += b.share * 100.0;
    }
    let mut out = Vec::with_capacity(bins.len() * 4);
    let mut prev: Option<i64> = None;
    for (&k, &v) in &bins {
        let x0 = k as f64 / per_decade;
        let x1 = (k + 1) as f64 / per_decade;
        if prev != Some(k - 1) {
            if let Some(p) = prev {
                out.push(PlotPoint::new((p + 1) as f64 / per_decade, 0.0));
            }
            out.push(PlotPoint::new(x0, 0.0));
        }
        out.push(PlotPoint::new(x0, v));
        out.push(PlotPoint::new(x1, v));
        prev = Some(k);
    }
    if let Some(p) = prev {
        out.push(PlotPoint::new((p + 1) as f64 / per_decade, 0.0));
    }
    out
}

impl ResultsView {
    /// Everything the tabs draw, computed once when a result arrives.
    /// `runs`: each platform's `runs` list in the simulated scenario (empty: every workload).
    pub fn new(
        r: &SimResult,
        generation: u64,
        elapsed: Duration,
        slo_ms: Option<f64>,
        runs: &[(String, Vec<String>)],
    ) -> ResultsView {
        let day = 86_400.0;
        let horizon_days = r.horizon_s / day;
        let t = &r.traffic;
        let bs = r.bucket_s;
        let x_at = |b: usize| (b as f64 + 0.5) * bs / day;
        let rate: Vec<PlotPoint> = t
            .rate_rps
            .iter()
            .enumerate()
            .map(|(b, v)| PlotPoint::new(x_at(b), *v))
            .collect();
        let rate_log = t
            .rate_rps
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0.0)
            .map(|(b, v)| PlotPoint::new(x_at(b), v.log10()))
            .collect();
        let traffic = TrafficView {
            summary: vec![
                (
                    "Mean rate".into(),
                    format!("{} req/s", fmt::short(t.mean_rps)),
                    "Average over the horizon".into(),
                ),
                (
                    "Peak rate".into(),
                    format!("{} req/s", fmt::short(t.peak_rps)),
                    "Highest rate of any stretch of the profile".into(),
                ),
                (
                    "Peak / mean".into(),
                    format!("{:.1}", t.peak_to_mean),
                    "Burstiness: how far the peak is above the average".into(),
                ),
                (
                    "Idle share".into(),
                    fmt::pct(t.idle_share),
                    "Share of the time with (almost) no traffic: what pay-per-use saves".into(),
                ),
                (
                    "Requests".into(),
                    fmt::short(t.expected_requests),
                    "Expected requests over the horizon".into(),
                ),
                (
                    "Per 30 days".into(),
                    fmt::short(t.monthly_requests),
                    "Mean rate times a 30-day month".into(),
                ),
            ],
            rate,
            rate_log,
            peak_rps: t.peak_rps,
        };
        let cheapest = r.cheapest().map(|c| c.name.clone());
        let categories = overview_categories(r);
        let platforms = r
            .platforms
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let s = &p.series;
                let n = s.busy.len().min(s.starting.len()).min(s.idle.len());
                let pbs = if s.bucket_s > 0.0 { s.bucket_s } else { bs };
                let px = |b: usize| (b as f64 + 0.5) * pbs / day;
                let xs: Vec<f64> = (0..n).map(px).collect();
                let busy: Vec<f64> = s.busy[..n].to_vec();
                let busy_starting: Vec<f64> = (0..n).map(|b| s.busy[b] + s.starting[b]).collect();
                let live: Vec<f64> = (0..n).map(|b| busy_starting[b] + s.idle[b]).collect();
                let rejected: Vec<PlotPoint> = s
                    .rejected_rps
                    .iter()
                    .enumerate()
                    .map(|(b, v)| PlotPoint::new(px(b), *v))
                    .collect();
                let rejected_n = p.throttled + p.dropped + p.failed;
                let over = match p.latency_ms.over_slo {
                    Some(o) => fmt::pct(o),
                    None => "no objective".into(),
                };
                PlatformView {
                    name: p.name.clone(),
                    service: p.service.clone(),
                    kind: p.kind,
                    color: PALETTE[i % PALETTE.len()],
                    total_usd: p.total_usd,
                    cheapest: cheapest.as_deref() == Some(p.name.as_str()),
                    cells: vec![
                        fmt::money(p.total_usd),
                        fmt::money(p.cost_per_million_usd),
                        fmt::count(p.served),
                        if rejected_n == 0 {
                            "0".into()
                        } else {
                            format!(
                                "{} ({})",
                                fmt::count(rejected_n),
                                fmt::pct(rejected_n as f64 / p.requests.max(1) as f64)
                            )
                        },
                        format!("{} ({})", fmt::count(p.cold_starts), fmt::pct(p.cold_start_rate)),
                        fmt::ms(p.latency_ms.p50),
                        fmt::ms(p.latency_ms.p95),
                        fmt::ms(p.latency_ms.p99),
                        over,
                        format!("{:.1} / {}", p.mean_instances, p.peak_instances),
                        fmt::pct(p.utilization),
                    ],
                    category_cells: categories
                        .iter()
                        .map(|c| {
                            if p.bill.lines.iter().any(|l| l.category == *c) {
                                fmt::money(p.bill.category_usd(*c).to_f64().unwrap_or(0.0))
                            } else {
                                "–".into()
                            }
                        })
                        .collect(),
                    bill: bill_view(&p.bill, horizon_days),
                    notes: p.notes.clone(),
                    unverified: if p.unverified_prices.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "Priced with unverified figures (assumptions, or figures not found for its region and carried from the reference region): {}",
                            p.unverified_prices.join(", ")
                        )
                    },
                    region: p.bill.region.clone(),
                    served: s
                        .served_rps
                        .iter()
                        .enumerate()
                        .map(|(b, v)| PlotPoint::new(px(b), *v))
                        .collect(),
                    any_rejected: s.rejected_rps.iter().any(|v| *v > 0.0),
                    rejected,
                    zeros: vec![0.0; n],
                    xs,
                    busy,
                    busy_starting,
                    live,
                    cold_per_hour: s
                        .cold_starts
                        .iter()
                        .enumerate()
                        .map(|(b, v)| PlotPoint::new(px(b), v * 3600.0 / pbs))
                        .collect(),
                    cold_total: p.cold_starts,
                    cost: s
                        .cost_usd
                        .iter()
                        .map(|(t, usd)| PlotPoint::new(t / day, *usd))
                        .collect(),
                    latency: latency_outline(&p.histogram.bars(), latency_bins_per_decade(r.mode)),
                    percentiles: [p.latency_ms.p50, p.latency_ms.p95, p.latency_ms.p99],
                }
            })
            .collect();
        ResultsView {
            generation,
            mode: r.mode,
            elapsed,
            horizon_days,
            slo_ms,
            traffic,
            platforms,
            bucket_min: bs / 60.0,
            latency_bins_per_decade: latency_bins_per_decade(r.mode),
            max_total_usd: r.platforms.iter().map(|p| p.total_usd).fold(0.0, f64::max),
            placements: PlacementsView::new(r, runs),
            category_columns: categories
                .iter()
                .map(|c| (capitalised(c.label()), category_help(*c).to_string()))
                .collect(),
            services: services_view(r, horizon_days),
        }
    }
}

/// What the central panel needs besides the results.
pub struct Status<'a> {
    pub revision: u64,
    pub problems: usize,
    pub exact: Option<&'a ExactRun>,
    pub error: Option<&'a str>,
    /// The worker analyses the results (sweep, verdict, map, bands).
    pub analysis: bool,
}

impl Status<'_> {
    /// Why what is shown (`what`: "these are the last valid results") is out of date.
    pub fn stale_reason(&self, what: &str) -> String {
        if self.problems > 0 {
            format!(
                "Out of date: the scenario has {} problem{}; {what}",
                self.problems,
                if self.problems == 1 { "" } else { "s" }
            )
        } else if let Some(e) = self.error {
            format!("Out of date: {e}")
        } else {
            "Out of date: updating…".to_string()
        }
    }
}

/// Faded, as everything out of date is until the new numbers arrive.
pub const STALE_OPACITY: f32 = 0.45;

/// The central panel: a banner saying what the numbers are, the tab bar, the tab.
pub fn show(ui: &mut egui::Ui, sim: &SimState, st: &Status, state: &mut UiState, cmds: &mut Vec<Command>) {
    // the Placements tab is there for an application (several workloads) only
    let application = sim.view.as_ref().is_some_and(|v| v.placements.is_some());
    if !application && state.tab == Tab::Placements {
        state.tab = Tab::Overview;
    }
    ui.horizontal_wrapped(|ui| {
        for tab in Tab::ALL {
            if tab == Tab::Placements && !application {
                continue;
            }
            ui.selectable_value(&mut state.tab, tab, tab.title())
                .on_hover_text(tab.help());
        }
    });
    ui.separator();
    let Some(view) = &sim.view else {
        ui.add_space(20.0);
        ui.vertical_centered(|ui| {
            if st.problems > 0 {
                ui.label(format!(
                    "No results yet: the scenario has {} problem{} (see the editor and the notifications).",
                    st.problems,
                    if st.problems == 1 { "" } else { "s" }
                ));
            } else if let Some(e) = st.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            } else {
                ui.spinner();
                ui.label("Simulating…");
            }
        });
        return;
    };
    let stale = view.generation != st.revision;
    banner(ui, view, &sim.analysis, st, stale, cmds);
    ui.add_space(4.0);
    // the analysis tabs mark their own parts (they may lag behind the results)
    match state.tab {
        Tab::Breakeven => {
            let focus = analysis_tabs::Focus {
                choices: &state.sweep_choices,
                current: state.sweep_focus.as_deref(),
            };
            return analysis_tabs::breakeven(ui, &sim.analysis, st, &focus, &mut state.label_all_crossovers, cmds);
        }
        Tab::Map => return analysis_tabs::map(ui, &sim.analysis, st),
        Tab::Buying => return analysis_tabs::buying(ui, &sim.analysis, st),
        _ => {}
    }
    if stale {
        // visibly marked until the new numbers arrive
        ui.multiply_opacity(STALE_OPACITY);
    }
    match state.tab {
        Tab::Overview => overview(ui, view, &sim.analysis, st, stale),
        Tab::Placements => {
            if let Some(p) = &view.placements {
                placements::show(ui, p);
            }
        }
        Tab::Traffic => plots::traffic(ui, view, &mut state.traffic_log),
        Tab::Instances => plots::instances(ui, view, &mut state.instances_platform),
        Tab::Cost => plots::cumulative_cost(ui, view),
        Tab::Latency => plots::latency(ui, view),
        Tab::Breakeven | Tab::Map | Tab::Buying => {}
    }
}

fn banner(
    ui: &mut egui::Ui,
    view: &ResultsView,
    analysis: &AnalysisState,
    st: &Status,
    stale: bool,
    cmds: &mut Vec<Command>,
) {
    let visuals = ui.visuals().clone();
    let fill = if stale {
        visuals.warn_fg_color.gamma_multiply(0.15)
    } else {
        visuals.selection.bg_fill.gamma_multiply(0.25)
    };
    egui::Frame::new()
        .fill(fill)
        .corner_radius(4)
        .inner_margin(egui::Margin::symmetric(10, 6))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                let what = match view.mode {
                    Mode::Fast => "Fast estimate",
                    Mode::Exact => "Exact simulation",
                };
                ui.label(RichText::new(what).strong()).on_hover_text(match view.mode {
                    Mode::Fast => "Expected values per stretch of time; updates as you edit. Run the exact simulation (Ctrl+R) for exact cold starts, queues and tails.",
                    Mode::Exact => "Every request simulated.",
                });
                ui.label(format!(
                    "· {} · computed in {}",
                    fmt::period(view.horizon_days),
                    fmt::elapsed(view.elapsed)
                ));
                if stale {
                    let why = st.stale_reason("these are the last valid results");
                    ui.colored_label(visuals.warn_fg_color, RichText::new(why).strong());
                }
                if let Some(run) = st.exact {
                    ui.add(
                        egui::ProgressBar::new(run.control.progress() as f32)
                            .desired_width(140.0)
                            .show_percentage(),
                    )
                    .on_hover_text("Exact simulation running");
                    if ui.button("Cancel").on_hover_text("Stop the exact simulation").clicked() {
                        cmds.push(Command::CancelExact);
                    }
                }
            });
            verdict_line(ui, analysis, st, view.placements.is_some());
        });
}

/// The verdict's headline; the previous one, marked, while the new one is worked out.
fn verdict_line(ui: &mut egui::Ui, analysis: &AnalysisState, st: &Status, application: bool) {
    let Some(v) = &analysis.verdict else {
        if st.analysis {
            ui.label(RichText::new("Working out the verdict…").weak());
        }
        return;
    };
    let current = v.current(st.revision);
    ui.horizontal_wrapped(|ui| {
        if !current {
            ui.multiply_opacity(STALE_OPACITY);
        }
        match &v.value {
            Ok(verdict) => {
                let judged = match verdict.mode {
                    Mode::Fast => "Judged on the fast estimate",
                    Mode::Exact => "Judged on the exact simulation",
                };
                let what = if application {
                    "the cheapest placement of the workloads on the platforms in which every workload keeps up \
                     (at most 0.5 % of requests rejected, at most 5 % over its latency objective, none past an \
                     execution-time limit) and every pipeline meets its objective. The placements are on the \
                     Placements tab, the reasons on the Overview."
                } else {
                    "the cheapest platform that keeps up (at most 0.5 % of requests rejected, \
                     at most 5 % over the latency objective, none past an execution-time limit). \
                     The reasons are on the Overview."
                };
                ui.label(RichText::new(&verdict.headline).size(15.0).strong())
                    .on_hover_text(format!("{judged}: {what}"));
            }
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("No verdict: {e}"));
            }
        }
        if !current {
            ui.label(RichText::new("(verdict of an earlier version; updating…)").italics());
        }
    });
}

/// The verdict's reasons, each with the number behind it.
fn reasons(ui: &mut egui::Ui, analysis: &AnalysisState, st: &Status, results_stale: bool, application: bool) {
    let Some(v) = &analysis.verdict else { return };
    let Ok(verdict) = &v.value else { return };
    ui.scope(|ui| {
        if !v.current(st.revision) && !results_stale {
            ui.multiply_opacity(STALE_OPACITY);
        }
        let why = if application {
            "Why this placement".to_string()
        } else {
            format!("Why {}", verdict.recommendation.to_lowercase())
        };
        ui.label(RichText::new(why).strong())
            .on_hover_text(format!("Recommended: {}", verdict.platform));
        // the numbers in a right-aligned column as wide as the widest; each reason wraps
        // in the width left (a long reason in a grid cell would widen the whole page and
        // push the chart and tables past the window's edge)
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let value_w = verdict
            .reasons
            .iter()
            .map(|r| {
                ui.painter()
                    .layout_no_wrap(r.value.clone(), font.clone(), egui::Color32::WHITE)
                    .size()
                    .x
            })
            .fold(0.0, f32::max)
            + 6.0;
        for r in &verdict.reasons {
            ui.horizontal_top(|ui| {
                ui.allocate_ui_with_layout(
                    egui::vec2(value_w, 0.0),
                    egui::Layout::right_to_left(egui::Align::Min),
                    |ui| {
                        ui.set_min_width(value_w);
                        ui.label(RichText::new(&r.value).strong().monospace())
                            .on_hover_text(format!("{} = {}", r.metric, r.value));
                    },
                );
                ui.add_space(6.0);
                ui.vertical(|ui| {
                    ui.add(egui::Label::new(&r.text).wrap());
                });
            });
        }
    });
}

/// Monte Carlo bands per platform and how often each is the cheapest.
fn bands_table(ui: &mut egui::Ui, analysis: &AnalysisState, st: &Status, results_stale: bool) {
    let Some(b) = &analysis.bands else { return };
    let current = b.current(st.revision);
    let bands: &BandsView = match &b.value {
        Ok(Some(bands)) => bands,
        Ok(None) => return,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("No uncertainty bands: {e}"));
            return;
        }
    };
    ui.scope(|ui| {
        if !current && !results_stale {
            ui.multiply_opacity(STALE_OPACITY);
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Cost bands").strong());
            ui.label(
                RichText::new(format!(
                    "{} Monte Carlo samples of the uncertain inputs (computed in {}); the whiskers on the bars span p10 to p90",
                    bands.samples,
                    fmt::elapsed(b.elapsed)
                ))
                .weak(),
            );
            if !current {
                ui.label(RichText::new("(bands of an earlier version; updating…)").italics());
            }
        });
        egui::Grid::new("bands_table")
            .striped(true)
            .num_columns(5)
            .spacing([18.0, 3.0])
            .show(ui, |ui| {
                for (h, help) in [
                    ("Platform", "Name in the scenario"),
                    ("p10", "10 % of the samples cost less than this"),
                    ("Median", "Half of the samples cost less than this"),
                    ("p90", "90 % of the samples cost less than this"),
                    ("Cheapest in", "Share of the samples in which this platform is the cheapest"),
                ] {
                    ui.label(RichText::new(h).strong()).on_hover_text(help);
                }
                ui.end_row();
                for p in &bands.platforms {
                    ui.label(RichText::new(&p.name).color(p.color).strong());
                    for c in &p.cells {
                        ui.label(c);
                    }
                    ui.end_row();
                }
            });
    });
}

fn overview(ui: &mut egui::Ui, view: &ResultsView, analysis: &AnalysisState, st: &Status, stale: bool) {
    egui::ScrollArea::vertical()
        .id_salt("overview_scroll")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            reasons(ui, analysis, st, stale, view.placements.is_some());
            ui.add_space(6.0);
            plots::cost_bars(ui, view, analysis.bands_for(view.generation));
            bands_table(ui, analysis, st, stale);
            ui.add_space(6.0);
            egui::ScrollArea::horizontal().id_salt("summary_h").show(ui, |ui| {
                egui::Grid::new("summary_table")
                    .striped(true)
                    .num_columns(SUMMARY_COLUMNS.len() + view.category_columns.len())
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        for (i, (h, help)) in SUMMARY_COLUMNS.iter().enumerate() {
                            ui.label(RichText::new(*h).strong()).on_hover_text(*help);
                            if i == 1 {
                                // the total's parts, right after it
                                for (h, help) in &view.category_columns {
                                    ui.label(RichText::new(h).strong()).on_hover_text(help);
                                }
                            }
                        }
                        ui.end_row();
                        for p in &view.platforms {
                            ui.horizontal(|ui| {
                                let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                                ui.painter().rect_filled(rect, 2.0, p.color);
                                let name = if p.cheapest {
                                    RichText::new(&p.name).strong()
                                } else {
                                    RichText::new(&p.name)
                                };
                                ui.label(name)
                                    .on_hover_text(format!("{} ({}), priced in {}", p.service, p.kind, p.region));
                                if !p.unverified.is_empty() {
                                    ui.label(RichText::new("unverified").small().color(ui.visuals().warn_fg_color))
                                        .on_hover_text(&p.unverified);
                                }
                            });
                            for (i, c) in p.cells.iter().enumerate() {
                                if i == 0 && p.cheapest {
                                    ui.label(RichText::new(c).strong()).on_hover_text("Cheapest");
                                } else {
                                    ui.label(c);
                                }
                                if i == 0 {
                                    for (c, (h, _)) in p.category_cells.iter().zip(&view.category_columns) {
                                        ui.label(c).on_hover_text(format!("{}: {h}", p.name));
                                    }
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
            ui.add_space(8.0);
            ui.heading("Itemised bills");
            for p in &view.platforms {
                egui::CollapsingHeader::new(RichText::new(format!("{} — {}", p.name, p.bill.total)).strong())
                    .id_salt(("bill", &p.name))
                    .default_open(p.cheapest || view.platforms.len() <= 2)
                    .show(ui, |ui| {
                        bill(ui, ("bill_grid", &p.name), &p.bill);
                        for n in &p.notes {
                            ui.label(RichText::new(format!("Note: {n}")).color(ui.visuals().warn_fg_color));
                        }
                        if !p.unverified.is_empty() {
                            ui.label(RichText::new(&p.unverified).color(ui.visuals().warn_fg_color));
                        }
                    });
            }
            if let Some(sv) = &view.services {
                ui.add_space(8.0);
                ui.heading(format!("Managed services the requests call — {}", sv.total))
                    .on_hover_text(&sv.explanation);
                ui.label(RichText::new(&sv.explanation).weak());
                for b in &sv.bills {
                    egui::CollapsingHeader::new(RichText::new(format!("{} — {}", b.name, b.total)).strong())
                        .id_salt(("service_bill", &b.name))
                        .default_open(sv.bills.len() <= 2)
                        .show(ui, |ui| bill(ui, ("service_bill_grid", &b.heading), b));
                }
            }
        });
}

/// One itemised bill: its heading, its split by category, the lines and the total.
fn bill(ui: &mut egui::Ui, id: impl std::hash::Hash + std::fmt::Debug, b: &BillView) {
    ui.label(RichText::new(&b.heading).weak());
    if let Some(c) = &b.by_category {
        ui.label(format!("By category: {c}")).on_hover_text(
            "Compute: functions, replicas, instances, requests and front doors. Network: internet egress of the responses, NAT gateways, public IPv4. Logs: what the requests write. Storage: EC2 root volumes.",
        );
    }
    egui::Grid::new(id)
        .striped(true)
        .num_columns(6)
        .spacing([14.0, 3.0])
        .show(ui, |ui| {
            for h in ["Item", "Quantity", "Unit", "Unit price", "Amount", "Note"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for l in &b.lines {
                ui.label(&l[0]);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(&l[1]);
                });
                ui.label(&l[2]);
                ui.label(&l[3]);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(&l[4]);
                });
                // one line per bill line; the whole note on hover
                ui.add(egui::Label::new(RichText::new(&l[5]).weak()).truncate())
                    .on_hover_text(&l[5]);
                ui.end_row();
            }
            ui.label(RichText::new("Total").strong());
            ui.label("");
            ui.label("");
            ui.label("");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(RichText::new(&b.total).strong());
            });
            ui.label("");
            ui.end_row();
        });
}
