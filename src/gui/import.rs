//! File → Import logs…: read a service's logs on a thread of their own, then show what
//! they hold before anything is created: the fitted distributions over the observed
//! histograms, the traffic over time and the calibration table, with "Create scenario…".
//!
//! `run` (the worker side) does all the computing, including the plot data; `window`
//! only draws and pushes commands.

use super::commands::Command;
use super::fmt;
use crate::import::{self, build::Built, sketch::LogSketch};
use crate::model::Dist;
use crate::pricing::Catalog;
use crate::sim::Control;
use egui::RichText;
use egui_plot::{Bar, BarChart, Corner, Legend, Line, Plot, PlotPoints};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Logs to read.
#[derive(Clone)]
pub struct ImportJob {
    pub id: u64,
    pub files: Vec<PathBuf>,
    pub catalog: Arc<Catalog>,
    pub control: Control,
    /// Lines read so far (for the progress line).
    pub lines: Arc<AtomicU64>,
}

pub struct ImportReply {
    pub id: u64,
    pub files: Vec<PathBuf>,
    /// `Err(None)`: cancelled.
    pub outcome: Result<Box<Preview>, Option<String>>,
    pub elapsed: Duration,
}

/// An import in progress.
pub struct ImportRun {
    pub id: u64,
    pub files: Vec<PathBuf>,
    pub control: Control,
    pub lines: Arc<AtomicU64>,
    pub started: Instant,
}

/// A histogram on a log10 axis, with the fitted density over it.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    /// (log10 centre, log10 width, share of values per unit of log10).
    pub bars: Vec<(f64, f64, f64)>,
    /// The fitted distribution's density on the same scale.
    pub fit: Vec<[f64; 2]>,
    pub fit_label: String,
}

/// Everything the preview shows.
pub struct Preview {
    pub built: Built,
    pub format: &'static str,
    /// The stem the scenario's side files are named after.
    pub stem: String,
    pub durations: Option<Histogram>,
    pub init: Option<Histogram>,
    /// Requests per second over time: (hours from the first request, req/s), averaged
    /// per point (at most `TRAFFIC_POINTS`).
    pub traffic: Vec<[f64; 2]>,
    pub traffic_step_s: f64,
    pub bad_lines: Vec<String>,
}

const TRAFFIC_POINTS: usize = 1_500;

/// Reads, fits and calibrates on this thread.
pub fn run(job: &ImportJob) -> ImportReply {
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_preview(job))).unwrap_or_else(|_| {
        Err(Some(
            "internal error: the import stopped unexpectedly (please report these logs)".into(),
        ))
    });
    ImportReply {
        id: job.id,
        files: job.files.clone(),
        outcome,
        elapsed: start.elapsed(),
    }
}

fn build_preview(job: &ImportJob) -> Result<Box<Preview>, Option<String>> {
    let format = import::detect(&job.files).map_err(|e| Some(e.to_string()))?;
    let go_on = |lines: u64| {
        job.lines.store(lines, Ordering::Relaxed);
        !job.control.cancelled()
    };
    let obs = import::read_files_with(&job.files, format, &go_on).map_err(|e| match e {
        import::ImportError::Cancelled => None,
        e => Some(e.to_string()),
    })?;
    job.lines.store(obs.lines, Ordering::Relaxed);
    let stem = job
        .files
        .first()
        .map(|f| import::build::stem_of(f))
        .unwrap_or_else(|| "imported".into());
    let built = import::build::build(&obs, format, &stem, &job.catalog).map_err(Some)?;
    if job.control.cancelled() {
        return Err(None);
    }
    let w = &built.scenario.workloads[0].request;
    // the scenario holds durations at one full vCPU: the fit is drawn at the logs' speed
    let slowdown = if format == import::Format::LambdaReport {
        import::fit::lambda_slowdown(&job.catalog, obs.memory_mb().unwrap_or(128).clamp(128, 10_240))
    } else {
        1.0
    };
    let label = match w.duration_ms {
        Dist::Empirical { .. } => "the scenario's observed quantiles",
        _ => "the scenario's fit",
    };
    let durations = histogram(&obs.durations, &w.duration_ms, slowdown, label);
    let init = (obs.init.n > 0).then(|| histogram(&obs.init, &w.cold_start_ms, 1.0, "the scenario's fit"));
    let (traffic, traffic_step_s) = traffic_points(&obs.arrivals);
    let bad_lines = obs
        .bad_lines
        .iter()
        .map(|b| format!("{}:{}: {}", b.file.display(), b.line, b.reason))
        .collect();
    Ok(Box::new(Preview {
        built,
        format: format.name(),
        stem,
        durations: (obs.durations.n > 0).then_some(durations),
        init,
        traffic,
        traffic_step_s,
        bad_lines,
    }))
}

/// The observed values per log10 bin (about 20 per decade) and the density of `dist`
/// (times `scale`) on the same axis.
fn histogram(s: &LogSketch, dist: &Dist, scale: f64, label: &str) -> Histogram {
    const PER_DECADE: f64 = 20.0;
    let mut merged: Vec<(i64, u64)> = Vec::new();
    for (lo, hi, c) in s.bins() {
        let k = ((lo * hi).sqrt().log10() * PER_DECADE).floor() as i64;
        match merged.last_mut() {
            Some((kk, cc)) if *kk == k => *cc += c,
            _ => merged.push((k, c)),
        }
    }
    let n = s.n.max(1) as f64;
    let width = 1.0 / PER_DECADE;
    let bars = merged
        .iter()
        .map(|&(k, c)| ((k as f64 + 0.5) * width, width, c as f64 / n / width))
        .collect();
    // density per unit of log10(x): d F / d log10 x, from the quantile function
    let mut fit = Vec::new();
    let steps = 400;
    for i in 1..steps {
        let (p0, p1) = ((i - 1) as f64 / steps as f64, i as f64 / steps as f64);
        let (x0, x1) = (
            dist.quantile(p0.max(1e-4)) * scale,
            dist.quantile(p1.min(1.0 - 1e-4)) * scale,
        );
        if x0 > 0.0 && x1 > x0 {
            let (l0, l1) = (x0.log10(), x1.log10());
            fit.push([(l0 + l1) / 2.0, (p1 - p0) / (l1 - l0)]);
        }
    }
    Histogram {
        bars,
        fit,
        fit_label: label.to_string(),
    }
}

/// Arrivals per second over time, averaged to at most `TRAFFIC_POINTS` points.
fn traffic_points(c: &import::sketch::Counts) -> (Vec<[f64; 2]>, f64) {
    let Some((a, b)) = c.used() else {
        return (Vec::new(), 0.0);
    };
    let n = b - a + 1;
    let per = n.div_ceil(TRAFFIC_POINTS).max(1);
    let step_s = (per as i64 * c.step_s) as f64;
    let mut out = Vec::with_capacity(n / per + 1);
    let mut i = a;
    while i <= b {
        let j = (i + per).min(b + 1);
        let sum: u64 = c.counts[i..j].iter().sum();
        let hours = (c.start_s(i) - c.start_s(a)) / 3600.0;
        out.push([hours, sum as f64 / ((j - i) as i64 * c.step_s) as f64]);
        i = j;
    }
    (out, step_s)
}

/// The progress window while logs are read.
pub fn progress_window(ctx: &egui::Context, run: &ImportRun, cmds: &mut Vec<Command>) {
    egui::Modal::new(egui::Id::unique("import_progress")).show(ctx, |ui| {
        ui.set_width(420.0);
        ui.heading("Importing logs");
        for f in &run.files {
            ui.label(RichText::new(f.display().to_string()).monospace());
        }
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "{} lines read, {}",
                fmt::count(run.lines.load(Ordering::Relaxed)),
                fmt::elapsed(run.started.elapsed())
            ));
        });
        ui.label(
            RichText::new("Then the traffic and durations are fitted and replayed through the simulation.").weak(),
        );
        if ui
            .button("Cancel")
            .on_hover_text("Stop reading; nothing is created")
            .clicked()
        {
            cmds.push(Command::CancelImport);
        }
    });
}

/// Why a preview has no calibration table: only Lambda's REPORT lines say which requests
/// started an environment and what was billed, the two things a replay is checked against.
const NO_CALIBRATION: &str = "Not calibrated: only Lambda's REPORT lines say which requests were cold starts and what was billed, which a replay of the traffic is checked against. Cold starts are assumed as the description says.";

/// Why this preview has no calibration table: too few requests in Lambda's logs, or logs
/// that do not say which requests were cold.
fn no_calibration(p: &Preview) -> String {
    let n = p.built.summary.requests;
    let min = import::calibrate::MIN_REQUESTS;
    if p.format == "lambda-report" && n < min {
        format!(
            "Not calibrated: the logs hold {n} request{}; a replay is checked against {min} or more (fewer cold starts and billed milliseconds tell no keep-alive). Cold starts are assumed as the description says.",
            if n == 1 { "" } else { "s" }
        )
    } else {
        NO_CALIBRATION.to_string()
    }
}

/// The preview: what the logs hold, the fit, the calibration; "Create scenario…".
pub fn window(ctx: &egui::Context, p: &Preview, cmds: &mut Vec<Command>) {
    let s = &p.built.summary;
    egui::Modal::new(egui::Id::unique("import_preview")).show(ctx, |ui| {
        ui.set_width((ctx.content_rect().width() - 80.0).clamp(600.0, 1100.0));
        ui.heading(format!("Import logs: {}", p.stem));
        ui.label(format!(
            "{} requests in {} lines ({} bad), {} format, over {}: {} req/s on average.",
            fmt::count(s.requests),
            fmt::count(s.lines),
            fmt::count(s.bad_lines),
            p.format,
            span_text(s.span_s),
            fmt::num(s.mean_rps)
        ));
        if !p.bad_lines.is_empty() {
            ui.collapsing(
                format!("{} bad lines (the first {})", s.bad_lines, p.bad_lines.len()),
                |ui| {
                    for b in &p.bad_lines {
                        ui.label(RichText::new(b).monospace().small());
                    }
                },
            );
        }
        egui::ScrollArea::vertical()
            .max_height(ctx.content_rect().height() * 0.7)
            .show(ui, |ui| {
                // room for the scroll bar
                ui.set_max_width(ui.available_width() - 16.0);
                ui.columns(2, |cols| {
                    if let Some(h) = &p.durations {
                        cols[0].label(RichText::new("Request durations").strong());
                        hist_plot(&mut cols[0], "import_durations", h);
                        if let Some(f) = &s.duration_fit {
                            cols[0].label(
                            RichText::new(format!(
                                "Log-normal by maximum likelihood: median {}, p99 {}; Kolmogorov-Smirnov {:.3} ({})",
                                fmt::ms(f.median_ms),
                                fmt::ms(f.p99_ms),
                                f.ks,
                                if f.good {
                                    "a good fit"
                                } else {
                                    "a poor fit: the observed quantiles are kept"
                                }
                            ))
                            .weak(),
                        );
                        }
                    }
                    cols[1].label(RichText::new("Traffic over time").strong());
                    Plot::new("import_traffic")
                        .height(200.0)
                        .include_y(0.0)
                        .x_axis_label("hours from the first request")
                        .y_axis_label(format!("req/s (mean per {})", span_text(p.traffic_step_s)))
                        .allow_scroll(false)
                        .show(&mut cols[1], |pu| {
                            pu.line(Line::new("arrivals", PlotPoints::from(p.traffic.clone())).width(1.5));
                        });
                });
                ui.columns(2, |cols| {
                    if let Some(h) = &p.init {
                        cols[0].label(RichText::new("Cold starts (Init Duration)").strong());
                        hist_plot(&mut cols[0], "import_init", h);
                    }
                    match &p.built.calibration {
                        Some(c) => calibration(&mut cols[1], c),
                        None => {
                            cols[1].label(RichText::new("Calibration").strong());
                            cols[1].label(RichText::new(no_calibration(p)).weak());
                        }
                    }
                });
                ui.label(RichText::new("What was fitted and what was assumed").strong())
                    .on_hover_text("The scenario's description: edit the assumptions once it is created");
                ui.label(RichText::new(&p.built.scenario.description).weak());
                if let Some(a) = &s.memory_advice {
                    ui.label(RichText::new(format!("Memory: {a}")).weak());
                }
                ui.collapsing("The scenario to be created", |ui| {
                    ui.label(RichText::new(&p.built.text).monospace().small());
                });
            });
        ui.separator();
        ui.horizontal(|ui| {
            if ui
                .button("Create scenario…")
                .on_hover_text(format!(
                    "Choose where to save it; {} go beside it",
                    p.built
                        .side_files
                        .iter()
                        .map(|(f, _)| f.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ))
                .clicked()
            {
                cmds.push(Command::CreateImported);
            }
            if ui.button("Cancel").on_hover_text("Close; nothing is created").clicked() {
                cmds.push(Command::CancelImport);
            }
        });
    });
}

fn calibration(ui: &mut egui::Ui, c: &import::calibrate::Calibration) {
    ui.add_space(6.0);
    ui.label(RichText::new("Calibration: the observed traffic replayed through the simulation").strong())
        .on_hover_text("Simulated with the scenario as it will be created, first with its keep-alive, then with one fitted to the observed cold starts");
    egui::Grid::new("import_calibration").striped(true).show(ui, |ui| {
        ui.label("");
        ui.label(RichText::new("observed").strong());
        ui.label(RichText::new(format!("keep-alive {}", span_text(c.keep_alive_s))).strong())
            .on_hover_text("The scenario's keep-alive before the fit");
        ui.label(RichText::new(format!("keep-alive {}", span_text(c.fitted_keep_alive_s))).strong())
            .on_hover_text("The keep-alive that gives the observed cold starts");
        ui.end_row();
        for r in &c.rows {
            let v = |x: f64| match r.unit {
                "USD" => fmt::money(x),
                "%" => format!("{} %", crate::report::fmt::sig(x, 3)),
                _ if x.fract() == 0.0 => fmt::count(x as u64),
                _ => crate::report::fmt::sig(x, 4),
            };
            let label = ui.label(r.what);
            if r.what == "peak concurrency" {
                label.on_hover_text(format!(
                    "Requests in flight, averaged over {} (the simulation's time step), at the busiest step",
                    span_text(c.concurrency_bucket_s)
                ));
            }
            ui.label(v(r.observed));
            ui.label(v(r.simulated));
            ui.label(v(r.fitted));
            ui.end_row();
        }
    });
    for n in &c.notes {
        ui.label(n);
    }
}

fn hist_plot(ui: &mut egui::Ui, id: &str, h: &Histogram) {
    Plot::new(id)
        .height(200.0)
        .include_y(0.0)
        .legend(Legend::default().position(Corner::RightTop))
        .x_axis_label("ms (log scale)")
        .y_axis_label("share per decade")
        .x_grid_spacer(super::plots::log10_grid)
        .x_axis_formatter(|m, r| super::plots::log_tick_value(m, r).map(fmt::ms).unwrap_or_default())
        .allow_scroll(false)
        .show(ui, |pu| {
            let bars = h.bars.iter().map(|&(x, w, y)| Bar::new(x, y).width(w)).collect();
            pu.bar_chart(BarChart::new("observed", bars).color(egui::Color32::from_rgb(120, 150, 200)));
            pu.line(
                Line::new(h.fit_label.clone(), PlotPoints::from(h.fit.clone()))
                    .color(egui::Color32::from_rgb(230, 120, 40))
                    .width(2.0),
            );
        });
}

/// A length of time as people say it: "600 s", "40 min", "2.0 h", "20 days".
fn span_text(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7_200.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 3.0 * 86_400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}
