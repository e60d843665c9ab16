//! The Placements tab of an application (several workloads): the matrix of workloads by
//! platforms with each workload's cost in the "all on one platform" placements, the best
//! placement's cells marked, every placement compared, and the best placement's workloads
//! and pipelines.
//!
//! Owns: `PlacementsView` (derived once per result) and its drawing. Must not: simulate,
//! price or search placements (the core does).

use super::fmt;
use super::results::PALETTE;
use crate::sim::SimResult;
use crate::sim::app::PlacementResult;
use egui::{Color32, RichText};

/// The mark of the best placement's cells and row.
pub const BEST_MARK: &str = "★";

/// What a cell reads when the platform's `runs` list leaves the workload out.
pub const NOT_ALLOWED: &str = "not allowed";
/// What a cell reads when the workload may run there but no simulated placement put it
/// there (the platform does not run every workload, so there is no all-on placement).
pub const NOT_SIMULATED: &str = "—";

pub struct CellView {
    pub text: String,
    /// The best placement puts this workload on this platform.
    pub best: bool,
    /// The platform may run this workload (its `runs` list is empty or names it).
    pub allowed: bool,
    pub tip: String,
}

pub struct PlacementRow {
    pub name: String,
    pub total: String,
    pub status: String,
    pub good_enough: bool,
    pub best: bool,
    pub tip: String,
}

pub struct PlacementsView {
    pub workloads: Vec<String>,
    /// Columns: the platforms, with their colours.
    pub platforms: Vec<(String, Color32)>,
    /// `cells[w][p]`: workload `w` on platform `p`.
    pub cells: Vec<Vec<CellView>>,
    /// The all-on placements' totals, per platform ("—" where a platform may not run all).
    pub totals: Vec<CellView>,
    pub rows: Vec<PlacementRow>,
    /// The best placement's name and total (None when no placement is good enough).
    pub best: Option<(String, String)>,
    /// The best placement's workloads: workload, platform, cost, requests, p50, p99, cold
    /// starts, status.
    pub best_workloads: Vec<[String; 8]>,
    /// The best placement's pipelines: name, p50, p95, p99, over objective, status.
    pub best_pipelines: Vec<[String; 6]>,
    /// The placement search, in a sentence.
    pub search: String,
}

/// Column headers of the best placement's workload table (header, explanation).
pub const WORKLOAD_COLUMNS: [(&str, &str); 8] = [
    ("Workload", "Name in the scenario"),
    ("Platform", "Where the best placement runs it"),
    (
        "Cost",
        "Its share of the bill: a function's own usage; a shared fleet split by the CPU time each workload uses",
    ),
    ("Requests", "Requests of this workload (triggered ones included)"),
    ("p50", "Median latency, cold starts and queueing included"),
    ("p99", "99th percentile latency"),
    (
        "Cold starts",
        "Share of its requests that waited for a new environment or replica",
    ),
    ("Status", "Good enough: few rejected, few over the objective"),
];

pub const PIPELINE_COLUMNS: [(&str, &str); 6] = [
    ("Pipeline", "Name in the scenario"),
    (
        "p50",
        "Median end-to-end latency (each step's latency, trigger delays included)",
    ),
    ("p95", "95th percentile end-to-end latency"),
    ("p99", "99th percentile end-to-end latency"),
    ("Over objective", "Share of pipeline runs slower than its objective"),
    ("Status", "Good enough: at most 5 % over the objective"),
];

fn status(good: bool, shortfall: Option<String>) -> String {
    if good {
        "good enough".into()
    } else {
        match shortfall {
            Some(s) => format!("not good enough: {s}"),
            None => "not good enough".into(),
        }
    }
}

impl PlacementsView {
    /// The view of an application's result; None for a single workload. `runs`: each
    /// platform's `runs` list in the simulated scenario (empty or missing: every workload).
    pub fn new(r: &SimResult, runs: &[(String, Vec<String>)]) -> Option<PlacementsView> {
        let first = r.placements.iter().max_by_key(|p| p.assignment.len())?;
        if first.assignment.len() < 2 {
            return None;
        }
        let workloads: Vec<String> = first.assignment.iter().map(|(w, _)| w.clone()).collect();
        let platforms: Vec<(String, Color32)> = r
            .platforms
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), PALETTE[i % PALETTE.len()]))
            .collect();
        let best: Option<&PlacementResult> = r
            .best_placement
            .as_ref()
            .and_then(|n| r.placements.iter().find(|p| &p.name == n));
        let all_on = |platform: &str| r.placements.iter().find(|p| p.name == format!("All on {platform}"));
        let runs_of = |platform: &str| -> &[String] {
            runs.iter()
                .find(|(n, _)| n == platform)
                .map(|(_, r)| r.as_slice())
                .unwrap_or(&[])
        };
        let may_run = |platform: &str, w: &str| {
            let r = runs_of(platform);
            r.is_empty() || r.iter().any(|x| x == w)
        };
        let only = |platform: &str| {
            runs_of(platform)
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let cells = workloads
            .iter()
            .map(|w| {
                platforms
                    .iter()
                    .map(|(pname, _)| {
                        let in_best =
                            best.and_then(|b| b.workloads.iter().find(|x| &x.workload == w && &x.platform == pname));
                        let alone = all_on(pname).and_then(|p| p.workloads.iter().find(|x| &x.workload == w));
                        let allowed = may_run(pname, w);
                        let text = match (alone, in_best) {
                            (Some(a), _) => fmt::money(a.cost_usd),
                            // no all-on placement here, but the best one uses this cell
                            (None, Some(b)) => fmt::money(b.cost_usd),
                            (None, None) if !allowed => NOT_ALLOWED.into(),
                            (None, None) => NOT_SIMULATED.into(),
                        };
                        let mut tip = match alone {
                            Some(a) => format!(
                                "{w} with every workload on {pname}: {} (p99 {}{})",
                                fmt::money(a.cost_usd),
                                fmt::ms(a.latency_ms.p99),
                                if a.good_enough { "" } else { ", not good enough" }
                            ),
                            None if !allowed => format!(
                                "Not allowed: {pname} may not run {w} (its Runs list names only {}); no placement puts {w} there",
                                only(pname)
                            ),
                            None => format!(
                                "Not simulated: {pname} may run {w}, but it does not run every workload (its Runs list names only {}), so there is no all-on placement to price {w} in, and the best placement puts {w} elsewhere",
                                only(pname)
                            ),
                        };
                        if let Some(b) = in_best {
                            text_best(&mut tip, b.cost_usd);
                        }
                        CellView {
                            text: if in_best.is_some() {
                                format!("{BEST_MARK} {text}")
                            } else {
                                text
                            },
                            best: in_best.is_some(),
                            allowed,
                            tip,
                        }
                    })
                    .collect()
            })
            .collect();
        let totals = platforms
            .iter()
            .map(|(pname, _)| match all_on(pname) {
                Some(p) => CellView {
                    text: if p.good_enough {
                        fmt::money(p.total_usd)
                    } else {
                        format!("{} ⚠", fmt::money(p.total_usd))
                    },
                    best: best.is_some_and(|b| b.name == p.name),
                    allowed: true,
                    tip: status(p.good_enough, shortfall_of(p)),
                },
                None => CellView {
                    text: NOT_SIMULATED.into(),
                    best: false,
                    allowed: true,
                    tip: format!(
                        "No all-on placement: {pname} does not run every workload (its Runs list names only {})",
                        only(pname)
                    ),
                },
            })
            .collect();
        let mut sorted: Vec<&PlacementResult> = r.placements.iter().collect();
        sorted.sort_by(|a, b| a.total_usd.total_cmp(&b.total_usd));
        let rows = sorted
            .iter()
            .map(|p| {
                let is_best = best.is_some_and(|b| b.name == p.name);
                PlacementRow {
                    name: if is_best {
                        format!("{BEST_MARK} {}", p.name)
                    } else {
                        p.name.clone()
                    },
                    total: fmt::money(p.total_usd),
                    status: status(p.good_enough, shortfall_of(p)),
                    good_enough: p.good_enough,
                    best: is_best,
                    tip: p
                        .assignment
                        .iter()
                        .map(|(w, pl)| format!("{w} on {pl}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                }
            })
            .collect();
        let best_workloads = best
            .map(|b| {
                b.workloads
                    .iter()
                    .map(|w| {
                        [
                            w.workload.clone(),
                            w.platform.clone(),
                            fmt::money(w.cost_usd),
                            fmt::count(w.requests),
                            fmt::ms(w.latency_ms.p50),
                            fmt::ms(w.latency_ms.p99),
                            format!("{} ({})", fmt::count(w.cold_starts), fmt::pct(w.cold_start_rate)),
                            status(w.good_enough, w.shortfall.as_ref().map(|s| s.phrase())),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default();
        let best_pipelines = best
            .map(|b| {
                b.pipelines
                    .iter()
                    .map(|q| {
                        [
                            q.name.clone(),
                            fmt::ms(q.latency_ms.p50),
                            fmt::ms(q.latency_ms.p95),
                            fmt::ms(q.latency_ms.p99),
                            match q.over_slo_share {
                                Some(o) => fmt::pct(o),
                                None => "no objective".into(),
                            },
                            status(q.good_enough, None),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default();
        let search = match &r.search {
            Some(s) if s.exhaustive => format!(
                "Every one of the {} possible assignments was priced (fast estimate); the best one and the all-on placements were then simulated.",
                s.assignments
            ),
            Some(s) => format!(
                "{} assignments were priced by a local search (too many to price them all); the best one and the all-on placements were then simulated.",
                s.assignments
            ),
            None => String::new(),
        };
        Some(PlacementsView {
            workloads,
            platforms,
            cells,
            totals,
            rows,
            best: best.map(|b| (b.name.clone(), fmt::money(b.total_usd))),
            best_workloads,
            best_pipelines,
            search,
        })
    }
}

fn text_best(tip: &mut String, cost_usd: f64) {
    tip.push_str(&format!(
        "\n{BEST_MARK} The best placement runs it here: {} as its share there",
        fmt::money(cost_usd)
    ));
}

/// What keeps a placement from being good enough, in words.
fn shortfall_of(p: &PlacementResult) -> Option<String> {
    if let Some(w) = p.workloads.iter().find(|w| !w.good_enough) {
        return Some(match &w.shortfall {
            Some(s) => format!("{} {}", w.workload, s.phrase()),
            None => format!("{} falls short", w.workload),
        });
    }
    p.pipelines
        .iter()
        .find(|q| !q.good_enough)
        .map(|q| format!("the {} pipeline is over its objective", q.name))
}

/// The Placements tab.
pub fn show(ui: &mut egui::Ui, v: &PlacementsView) {
    egui::ScrollArea::vertical()
        .id_salt("placements_scroll")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            ui.heading("Where each workload should run");
            ui.label(
                RichText::new(format!(
                    "Each cell: the workload's cost when every workload runs on that platform (a shared fleet split by CPU time). {BEST_MARK} marks the best placement's choice for each workload; its own costs there are in its table below. \"{NOT_ALLOWED}\": the platform's Runs list leaves the workload out; {NOT_SIMULATED}: no placement simulated puts it there."
                ))
                .weak(),
            );
            ui.add_space(4.0);
            let best_fill = ui.visuals().selection.bg_fill.gamma_multiply(0.5);
            let best_stroke = egui::Stroke::new(1.5, ui.visuals().selection.stroke.color);
            egui::ScrollArea::horizontal().id_salt("matrix_h").show(ui, |ui| {
                egui::Grid::new("placement_matrix")
                    .striped(true)
                    .num_columns(v.platforms.len() + 1)
                    .spacing([18.0, 4.0])
                    .min_col_width(90.0)
                    .show(ui, |ui| {
                        ui.label(RichText::new("Workload").strong());
                        for (name, color) in &v.platforms {
                            ui.label(RichText::new(name).strong().color(*color));
                        }
                        ui.end_row();
                        for (w, row) in v.workloads.iter().zip(&v.cells) {
                            ui.label(w);
                            for c in row {
                                cell(ui, c, best_fill, best_stroke);
                            }
                            ui.end_row();
                        }
                        ui.label(RichText::new("All on one platform").strong())
                            .on_hover_text("The total of each all-on placement; ⚠ = not good enough");
                        for c in &v.totals {
                            cell(ui, c, best_fill, best_stroke);
                        }
                        ui.end_row();
                    });
            });
            ui.add_space(10.0);
            ui.label(RichText::new("Placements compared").strong());
            egui::Grid::new("placements_table")
                .striped(true)
                .num_columns(3)
                .spacing([18.0, 3.0])
                .show(ui, |ui| {
                    for h in ["Placement", "Total", "Status"] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for p in &v.rows {
                        let name = if p.best {
                            RichText::new(&p.name).strong()
                        } else {
                            RichText::new(&p.name)
                        };
                        ui.label(name).on_hover_text(&p.tip);
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if p.best {
                                ui.label(RichText::new(&p.total).strong());
                            } else {
                                ui.label(&p.total);
                            }
                        });
                        if p.good_enough {
                            ui.label(&p.status);
                        } else {
                            ui.colored_label(ui.visuals().warn_fg_color, &p.status);
                        }
                        ui.end_row();
                    }
                });
            if !v.search.is_empty() {
                ui.label(RichText::new(&v.search).weak());
            }
            ui.add_space(10.0);
            let Some((name, total)) = &v.best else {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "No placement is good enough: every one rejects or delays too many requests (see the statuses).",
                );
                return;
            };
            ui.label(RichText::new(format!("Best placement: {name}, {total}")).strong());
            table(ui, "best_workloads", &WORKLOAD_COLUMNS, &v.best_workloads, &[2, 3, 4, 5]);
            if !v.best_pipelines.is_empty() {
                ui.add_space(8.0);
                ui.label(RichText::new("Pipelines (end to end)").strong());
                table(ui, "best_pipelines", &PIPELINE_COLUMNS, &v.best_pipelines, &[1, 2, 3, 4]);
            }
        });
}

fn cell(ui: &mut egui::Ui, c: &CellView, fill: Color32, stroke: egui::Stroke) {
    if c.best {
        egui::Frame::new()
            .fill(fill)
            .stroke(stroke)
            .corner_radius(3)
            .inner_margin(egui::Margin::symmetric(6, 1))
            .show(ui, |ui| {
                ui.label(RichText::new(&c.text).strong()).on_hover_text(&c.tip);
            });
    } else if c.text == NOT_ALLOWED || c.text == NOT_SIMULATED {
        ui.label(RichText::new(&c.text).weak().italics()).on_hover_text(&c.tip);
    } else {
        ui.label(&c.text).on_hover_text(&c.tip);
    }
}

fn table<const N: usize>(
    ui: &mut egui::Ui,
    id: &str,
    columns: &[(&str, &str); N],
    rows: &[[String; N]],
    right: &[usize],
) {
    egui::Grid::new(id)
        .striped(true)
        .num_columns(N)
        .spacing([16.0, 3.0])
        .show(ui, |ui| {
            for (h, help) in columns {
                ui.label(RichText::new(*h).strong()).on_hover_text(*help);
            }
            ui.end_row();
            for r in rows {
                for (i, c) in r.iter().enumerate() {
                    if right.contains(&i) {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(c);
                        });
                    } else {
                        ui.label(c);
                    }
                }
                ui.end_row();
            }
        });
}
