//! The scenario editor (left panel): scenario, traffic, workload and platforms.
//!
//! Values are edited in place on the document's scenario (the egui way); every change
//! emits `Command::Edited` (with the widget id while a drag or typing goes on, so the
//! history can merge it into one step). Structural changes — adding, removing, moving —
//! are emitted as commands and applied after the frame. Widgets clamp what they can
//! (ranges from the model's limits and the service's limits); what they cannot (a p99
//! below the median, min above max) is flagged next to the field from the validation
//! problems, and such a scenario is not simulated.
//!
//! Owns: the editor's layout, labels, units and tooltips. Must not: validate, simulate or
//! touch files (it reads the problems computed by the app).

use super::commands::Command;
use super::defaults::{self, COMPONENT_KINDS, CatalogView, Kind};
use super::fmt;
use super::state::Problems;
use crate::model::{
    Arch, Arrivals, Component, ContainerBilling, ContainerPlatform, Dist, FunctionPlatform, Limits, Platform, Scenario,
    TraceFormat, Uncertainty, VmPlatform,
};
use crate::pricing::{Catalog, Service};
use egui::{Response, RichText, Ui};

pub struct EditorCtx<'a> {
    pub catalog: &'a Catalog,
    /// Choices and tooltips from the catalog, built once per catalog.
    pub view: &'a CatalogView,
    pub problems: &'a Problems,
}

struct Ed<'a, 'b> {
    cx: &'a EditorCtx<'b>,
    cmds: &'a mut Vec<Command>,
}

impl Ed<'_, '_> {
    /// A changed value: part of a gesture while the widget is dragged or being typed into.
    fn track(&mut self, r: &Response) {
        if r.changed() {
            let group = (r.dragged() || r.has_focus()).then(|| r.id.value());
            self.cmds.push(Command::Edited { group });
        }
    }

    /// A discrete change (checkbox, combo box): always its own undo step.
    fn discrete(&mut self, changed: bool) {
        if changed {
            self.cmds.push(Command::Edited { group: None });
        }
    }

    /// The problems of field `path`, in the grid row below it.
    fn problems(&self, ui: &mut Ui, path: &str) {
        for msg in self.cx.problems.at(path) {
            ui.label("");
            ui.add(egui::Label::new(RichText::new(format!("⚠ {msg}")).color(ui.visuals().error_fg_color)).wrap());
            ui.end_row();
        }
    }

    /// Problems of a whole section (not tied to one field), above it.
    fn section_problems(&self, ui: &mut Ui, path: &str) {
        for msg in self.cx.problems.at(path) {
            ui.add(egui::Label::new(RichText::new(format!("⚠ {msg}")).color(ui.visuals().error_fg_color)).wrap());
        }
    }

    /// A labelled number in a grid row.
    #[allow(clippy::too_many_arguments)]
    fn num(&mut self, ui: &mut Ui, label: &str, help: &str, path: &str, v: &mut f64, lo: f64, hi: f64, unit: &str) {
        let l = ui.label(label).on_hover_text(help);
        let speed = (v.abs() * 0.01).max((hi - lo) * 1e-6).max(1e-3);
        let r = ui
            .add(
                egui::DragValue::new(v)
                    .range(lo..=hi)
                    .clamp_existing_to_range(false)
                    .speed(speed)
                    .max_decimals(4)
                    .suffix(unit_suffix(unit)),
            )
            .labelled_by(l.id)
            .on_hover_text(help);
        if r.changed() {
            // typed or set by assistive technology: the range holds for every input path
            *v = if v.is_finite() { v.clamp(lo, hi) } else { lo };
        }
        self.track(&r);
        ui.end_row();
        self.problems(ui, path);
    }

    #[allow(clippy::too_many_arguments)]
    fn int(&mut self, ui: &mut Ui, label: &str, help: &str, path: &str, v: &mut u32, lo: u32, hi: u32, unit: &str) {
        let l = ui.label(label).on_hover_text(help);
        let speed = (*v as f64 * 0.02).max(0.05);
        let r = ui
            .add(
                egui::DragValue::new(v)
                    .range(lo..=hi)
                    .clamp_existing_to_range(false)
                    .speed(speed)
                    .suffix(unit_suffix(unit)),
            )
            .labelled_by(l.id)
            .on_hover_text(help);
        if r.changed() {
            *v = (*v).clamp(lo, hi);
        }
        self.track(&r);
        ui.end_row();
        self.problems(ui, path);
    }

    /// A share in 0..1 shown as a percentage slider.
    #[allow(clippy::too_many_arguments)]
    fn share(&mut self, ui: &mut Ui, label: &str, help: &str, path: &str, v: &mut f64, lo: f64, hi: f64) {
        let l = ui.label(label).on_hover_text(help);
        let mut pct = *v * 100.0;
        let r = ui
            .add(
                egui::Slider::new(&mut pct, lo * 100.0..=hi * 100.0)
                    .clamping(egui::SliderClamping::Edits)
                    .suffix(" %")
                    .max_decimals(1),
            )
            .labelled_by(l.id)
            .on_hover_text(help);
        if r.changed() {
            *v = if pct.is_finite() {
                (pct / 100.0).clamp(lo, hi)
            } else {
                lo
            };
        }
        self.track(&r);
        ui.end_row();
        self.problems(ui, path);
    }

    fn checkbox(&mut self, ui: &mut Ui, label: &str, help: &str, path: &str, v: &mut bool) {
        let l = ui.label(label).on_hover_text(help);
        let r = ui.checkbox(v, "").labelled_by(l.id).on_hover_text(help);
        self.discrete(r.changed());
        ui.end_row();
        self.problems(ui, path);
    }

    fn text(&mut self, ui: &mut Ui, label: &str, help: &str, path: &str, v: &mut String) {
        let l = ui.label(label).on_hover_text(help);
        let r = ui
            .add(egui::TextEdit::singleline(v).desired_width(f32::INFINITY))
            .labelled_by(l.id)
            .on_hover_text(help);
        self.track(&r);
        ui.end_row();
        self.problems(ui, path);
    }

    /// The rows every platform starts with: its name, and its service from the catalog
    /// (a new service refits the platform's settings to it).
    fn name_and_service(
        &mut self,
        ui: &mut Ui,
        (name, service): (&mut String, &mut String),
        arch: Arch,
        kind: Kind,
        path: &str,
        i: usize,
    ) {
        self.text(
            ui,
            "Name",
            "Name of the platform in the results (unique)",
            &format!("{path}.name"),
            name,
        );
        let view = self.cx.view;
        if self.choice(
            ui,
            (path, "service"),
            "Service",
            view.service_tip(service, arch),
            &format!("{path}.service"),
            service,
            view.services(kind),
            true,
        ) {
            self.cmds.push(Command::FitPlatform(i));
        }
    }

    /// A combo box over `options` (value, text, tooltip).
    #[allow(clippy::too_many_arguments)]
    fn choice<T: PartialEq + Clone>(
        &mut self,
        ui: &mut Ui,
        id: impl std::hash::Hash + std::fmt::Debug,
        label: &str,
        help: &str,
        path: &str,
        v: &mut T,
        options: &[(T, String, String)],
        enabled: bool,
    ) -> bool {
        let l = ui.label(label).on_hover_text(help);
        let current = options
            .iter()
            .find(|o| &o.0 == v)
            .map(|o| o.1.clone())
            .unwrap_or_else(|| "(not in the catalog)".into());
        let mut changed = false;
        let r = ui
            .add_enabled_ui(enabled, |ui| {
                egui::ComboBox::from_id_salt(id)
                    .selected_text(current)
                    .width(ui.available_width().min(260.0))
                    .show_ui(ui, |ui| {
                        for (value, text, tip) in options {
                            let r = ui.selectable_label(v == value, text);
                            let r = if tip.is_empty() { r } else { r.on_hover_text(tip) };
                            if r.clicked() && v != value {
                                *v = value.clone();
                                changed = true;
                            }
                        }
                    })
                    .response
            })
            .inner
            .labelled_by(l.id)
            .on_hover_text(help);
        let _ = r;
        self.discrete(changed);
        ui.end_row();
        self.problems(ui, path);
        changed
    }

    /// A distribution: its kind, then its parameters.
    #[allow(clippy::too_many_arguments)]
    fn dist(
        &mut self,
        ui: &mut Ui,
        id: &str,
        label: &str,
        help: &str,
        path: &str,
        d: &mut Dist,
        unit: &str,
        allow_zero: bool,
        max: f64,
    ) {
        let kinds = [
            ("Fixed", "The same value every time"),
            ("Exponential", "Memoryless: many short, a few long (given by its mean)"),
            (
                "LogNormal",
                "Skewed with a long tail, given by its median and 99th percentile (what dashboards show)",
            ),
            ("Uniform", "Anywhere between a minimum and a maximum"),
        ];
        let l = ui.label(label).on_hover_text(help);
        let mut kind = d.kind_name();
        let before = kind;
        egui::ComboBox::from_id_salt((id, "kind"))
            .selected_text(kind)
            .show_ui(ui, |ui| {
                for (k, tip) in kinds {
                    ui.selectable_value(&mut kind, k, k).on_hover_text(tip);
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(format!("{help}\nShape of the distribution."));
        if kind != before {
            *d = convert_dist(d, kind);
            self.discrete(true);
        }
        ui.end_row();
        let lo = if allow_zero { 0.0 } else { 1e-3 };
        let what = label.trim().to_lowercase();
        match d {
            Dist::Fixed(x) => self.num(ui, "    value", &format!("The {what}, {unit}"), path, x, lo, max, unit),
            Dist::Exponential { mean } => self.num(
                ui,
                "    mean",
                &format!("Mean {what}, {unit}"),
                &format!("{path}.mean"),
                mean,
                lo,
                max,
                unit,
            ),
            Dist::LogNormal { median, p99 } => {
                self.num(
                    ui,
                    "    median",
                    &format!("Median {what} (half are below), {unit}"),
                    &format!("{path}.median"),
                    median,
                    lo,
                    max,
                    unit,
                );
                self.num(
                    ui,
                    "    p99",
                    &format!("99th percentile of the {what} (1 in 100 is above), {unit}; at least the median"),
                    &format!("{path}.p99"),
                    p99,
                    lo,
                    max,
                    unit,
                );
            }
            Dist::Uniform { min, max: hi } => {
                self.num(
                    ui,
                    "    min",
                    &format!("Shortest {what}, {unit}"),
                    &format!("{path}.min"),
                    min,
                    lo,
                    max,
                    unit,
                );
                self.num(
                    ui,
                    "    max",
                    &format!("Longest {what}, {unit}; at least the minimum"),
                    &format!("{path}.max"),
                    hi,
                    lo,
                    max,
                    unit,
                );
            }
        }
        ui.label("");
        ui.label(RichText::new(format!("mean {} {unit}", fmt::num(round_sig(d.mean())))).weak())
            .on_hover_text("The mean of this distribution (what a bill of average requests uses)");
        ui.end_row();
    }
}

fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

/// A distribution of another kind with about the same centre and spread.
pub fn convert_dist(d: &Dist, kind: &str) -> Dist {
    let q50 = round_sig(d.quantile(0.5).max(0.0));
    let q99 = round_sig(d.quantile(0.99).max(q50));
    let spread = if q99 > q50 * 1.01 { q99 } else { q50 * 3.0 };
    match kind {
        "Fixed" => Dist::Fixed(q50),
        "Exponential" => Dist::Exponential {
            mean: round_sig(d.mean()).max(1e-3),
        },
        "LogNormal" => Dist::LogNormal {
            median: q50.max(1e-3),
            p99: spread.max(1e-3),
        },
        "Uniform" => Dist::Uniform {
            min: (q50 * 0.5).max(0.0),
            max: (q50 * 1.5).max(1e-3),
        },
        _ => *d,
    }
}

/// Rounds to 4 significant digits (a converted parameter reads 80, not 79.99999999999997).
fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let k = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * k).round() / k
}

fn grid(id: impl std::hash::Hash + std::fmt::Debug) -> egui::Grid {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([10.0, 5.0])
        .min_col_width(120.0)
}

/// The editor. Edits `s` in place and pushes commands.
pub fn show(ui: &mut Ui, s: &mut Scenario, cx: &EditorCtx, cmds: &mut Vec<Command>) {
    let mut ed = Ed { cx, cmds };
    egui::ScrollArea::vertical()
        .id_salt("editor_scroll")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            ui.add_space(4.0);
            section(
                ui,
                "Scenario",
                cx.problems.count_under("name") + cx.problems.count_under("horizon_days"),
                |ui| scenario_fields(ui, &mut ed, s),
            );
            section(ui, "Traffic", cx.problems.count_under("traffic"), |ui| {
                traffic(ui, &mut ed, s)
            });
            section(ui, "Workload", cx.problems.count_under("workload"), |ui| {
                workload(ui, &mut ed, s)
            });
            section(ui, "Platforms", cx.problems.count_under("platforms"), |ui| {
                platforms(ui, &mut ed, s)
            });
            let n = cx.problems.count_under("uncertainty");
            egui::CollapsingHeader::new(section_title(ui, "Uncertainty", n))
                .id_salt(("section", "Uncertainty"))
                .default_open(n > 0)
                .show(ui, |ui| uncertainty(ui, &mut ed, s));
            ui.add_space(20.0);
        });
}

fn section_title(ui: &Ui, title: &str, problems: usize) -> RichText {
    if problems > 0 {
        RichText::new(format!("{title}  ⚠ {problems}"))
            .strong()
            .size(15.0)
            .color(ui.visuals().error_fg_color)
    } else {
        RichText::new(title).strong().size(15.0)
    }
}

fn section(ui: &mut Ui, title: &str, problems: usize, body: impl FnOnce(&mut Ui)) {
    egui::CollapsingHeader::new(section_title(ui, title, problems))
        .id_salt(("section", title))
        .default_open(true)
        .show(ui, body);
}

/// Uncertain inputs for the analysis' Monte Carlo bands: multipliers around 1.
fn uncertainty(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ui.label(
        RichText::new(
            "Multipliers drawn per Monte Carlo sample, for bands around the costs (Overview) and the \
             break-even points (Break-even tab). The other results are for the scenario as written.",
        )
        .weak(),
    );
    let help = "Draw uncertain inputs from distributions (multipliers around 1) for Monte Carlo bands";
    let mut on = s.uncertainty.is_some();
    let r = ui.checkbox(&mut on, "Monte Carlo bands").on_hover_text(help);
    if r.changed() {
        s.uncertainty = on.then_some(Uncertainty {
            traffic: Some(Dist::LogNormal { median: 1.0, p99: 2.0 }),
            duration: None,
            cold_start: None,
            keep_alive: None,
            samples: 200,
        });
        ed.discrete(true);
    }
    let Some(u) = &mut s.uncertainty else { return };
    grid("uncertainty_grid").show(ui, |ui| {
        let factors: [(&str, &str, &str, &mut Option<Dist>); 4] = [
            (
                "traffic",
                "Traffic volume",
                "Multiplies the whole traffic volume",
                &mut u.traffic,
            ),
            (
                "duration",
                "Request duration",
                "Multiplies request durations",
                &mut u.duration,
            ),
            (
                "cold_start",
                "Cold-start time",
                "Multiplies cold-start times",
                &mut u.cold_start,
            ),
            (
                "keep_alive",
                "Keep-alive",
                "Multiplies function keep-alive times",
                &mut u.keep_alive,
            ),
        ];
        for (key, label, help, d) in factors {
            let mut vary = d.is_some();
            let l = ui.label(label).on_hover_text(help);
            let r = ui
                .checkbox(&mut vary, "uncertain")
                .labelled_by(l.id)
                .on_hover_text(format!("{help}; off: fixed as written"));
            if r.changed() {
                *d = vary.then_some(Dist::LogNormal { median: 1.0, p99: 1.5 });
                ed.discrete(true);
            }
            ui.end_row();
            if let Some(d) = d {
                ed.dist(
                    ui,
                    &format!("unc_{key}"),
                    "    factor",
                    &format!("{help}: a multiplier, 1 = as written"),
                    &format!("uncertainty.{key}"),
                    d,
                    "×",
                    false,
                    1000.0,
                );
            }
        }
        ed.int(
            ui,
            "Samples",
            "Monte Carlo samples (1 to 5,000); more give smoother bands and take longer",
            "uncertainty.samples",
            &mut u.samples,
            1,
            5000,
            "",
        );
    });
}

fn scenario_fields(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ed.section_problems(ui, "version");
    grid("scenario_grid").show(ui, |ui| {
        ed.text(ui, "Scenario name", "Shown in the title bar and in reports", "name", &mut s.name);
        let l = ui.label("Description").on_hover_text("What this scenario describes (free text)");
        let r = ui
            .add(egui::TextEdit::multiline(&mut s.description).desired_rows(2).desired_width(f32::INFINITY))
            .labelled_by(l.id)
            .on_hover_text("What this scenario describes (free text)");
        ed.track(&r);
        ui.end_row();
        ed.num(
            ui,
            "Horizon",
            "Length of the simulated period, days. Bills are for this period; monthly allowances and volume tiers scale with horizon / 30.",
            "horizon_days",
            &mut s.horizon_days,
            1.0 / 24.0,
            Limits::MAX_HORIZON_DAYS,
            "days",
        );
        let l = ui.label("Seed").on_hover_text("Seed of the random generator: the same scenario and seed give the same numbers");
        let r = ui
            .add(egui::DragValue::new(&mut s.seed).speed(1.0))
            .labelled_by(l.id)
            .on_hover_text("Seed of the random generator: the same scenario and seed give the same numbers");
        ed.track(&r);
        ui.end_row();
    });
}

fn traffic(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ed.section_problems(ui, "traffic.components");
    grid("arrivals_grid").show(ui, |ui| {
        ed.choice(
            ui,
            "arrivals",
            "Arrivals",
            "How requests are placed in time at a given rate",
            "traffic.arrivals",
            &mut s.traffic.arrivals,
            &[
                (
                    Arrivals::Poisson,
                    "Poisson (random)".into(),
                    "Independent arrivals: realistic for user traffic".into(),
                ),
                (
                    Arrivals::Deterministic,
                    "Deterministic (evenly spaced)".into(),
                    "Evenly spaced at the current rate: timers, batch feeders, load tests".into(),
                ),
            ],
            true,
        );
    });
    ui.label(RichText::new("Components add up; Growth multiplies their sum.").weak());
    let n = s.traffic.components.len();
    let horizon = s.horizon_days;
    for (i, c) in s.traffic.components.iter_mut().enumerate() {
        let path = format!("traffic.components[{i}]");
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let (kind, tip) = component_kind(c);
                ui.label(RichText::new(format!("{}. {kind}", i + 1)).strong())
                    .on_hover_text(tip);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .small_button("🗑")
                        .accessible_name(format!("Remove component {}", i + 1))
                        .on_hover_text("Remove this component")
                        .clicked()
                    {
                        ed.cmds.push(Command::RemoveComponent(i));
                    }
                    if ui
                        .add_enabled(i + 1 < n, egui::Button::new("⏷").small())
                        .accessible_name(format!("Move component {} down", i + 1))
                        .on_hover_text("Move down")
                        .clicked()
                    {
                        ed.cmds.push(Command::MoveComponent { from: i, to: i + 1 });
                    }
                    if ui
                        .add_enabled(i > 0, egui::Button::new("⏶").small())
                        .accessible_name(format!("Move component {} up", i + 1))
                        .on_hover_text("Move up")
                        .clicked()
                    {
                        ed.cmds.push(Command::MoveComponent { from: i, to: i - 1 });
                    }
                });
            });
            grid(("component", i)).show(ui, |ui| component(ui, ed, c, &path, i, horizon));
        });
    }
    ui.horizontal(|ui| {
        ui.menu_button("➕ Add component", |ui| {
            for (kind, tip) in COMPONENT_KINDS {
                if ui.button(kind).on_hover_text(tip).clicked() {
                    if let Some(c) = defaults::new_component(kind, s) {
                        ed.cmds.push(Command::AddComponent(c));
                    }
                    ui.close();
                }
            }
            if ui
                .button("Trace file…")
                .on_hover_text("Replay a recorded trace: CSV `timestamp,count`, or an Azure Functions 2019 per-minute file. You can also drop a .csv on the window.")
                .clicked()
            {
                ed.cmds.push(Command::AddTrace);
                ui.close();
            }
        })
        .response
        .on_hover_text("Add a term to the request rate");
    });
}

fn component_kind(c: &Component) -> (&'static str, &'static str) {
    match c {
        Component::Constant { .. } => ("Constant", "A flat rate all the time"),
        Component::Diurnal { .. } => ("Diurnal", "A daily cycle: a cosine between the trough and the peak"),
        Component::Spike { .. } => ("Spike", "A one-off burst, spread evenly over its duration"),
        Component::Scheduled { .. } => ("Scheduled", "A job that runs every few hours at a fixed rate"),
        Component::Growth { .. } => ("Growth", "Compound growth of the whole rate"),
        Component::Trace { .. } => (
            "Trace",
            "A recorded trace, replayed from the start and repeated to fill the horizon",
        ),
    }
}

fn component(ui: &mut Ui, ed: &mut Ed, c: &mut Component, path: &str, i: usize, horizon: f64) {
    let max = Limits::MAX_RPS;
    let p = |f: &str| format!("{path}.{f}");
    match c {
        Component::Constant { rps } => {
            ed.num(
                ui,
                "Rate",
                "Requests per second, all the time",
                &p("rps"),
                rps,
                0.0,
                max,
                "req/s",
            );
        }
        Component::Diurnal {
            peak_rps,
            trough_rps,
            peak_hour,
        } => {
            ed.num(
                ui,
                "Peak rate",
                "Highest rate of the daily cycle, requests per second",
                &p("peak_rps"),
                peak_rps,
                0.0,
                max,
                "req/s",
            );
            ed.num(
                ui,
                "Trough rate",
                "Lowest rate of the daily cycle (12 h from the peak), requests per second; at most the peak",
                &p("trough_rps"),
                trough_rps,
                0.0,
                max,
                "req/s",
            );
            ed.num(
                ui,
                "Peak hour",
                "Hour of the day with the peak rate, 0–24 (UTC of the simulated clock)",
                &p("peak_hour"),
                peak_hour,
                0.0,
                24.0,
                "h",
            );
        }
        Component::Spike {
            day,
            hour,
            duration_min,
            requests,
        } => {
            ed.num(
                ui,
                "Day",
                "Day of the horizon the spike starts (0 = first day)",
                &p("day"),
                day,
                0.0,
                horizon.max(0.0),
                "",
            );
            ed.num(
                ui,
                "Hour",
                "Hour of that day the spike starts, 0–24",
                &p("hour"),
                hour,
                0.0,
                24.0,
                "h",
            );
            ed.num(
                ui,
                "Duration",
                "How long the burst lasts, minutes; requests are spread evenly over it",
                &p("duration_min"),
                duration_min,
                0.1,
                7.0 * 1440.0,
                "min",
            );
            ed.num(
                ui,
                "Requests",
                "Extra requests in the burst (on top of the other components)",
                &p("requests"),
                requests,
                0.0,
                1e13,
                "",
            );
        }
        Component::Scheduled {
            every_hours,
            at_hour,
            duration_min,
            rps,
        } => {
            ed.num(
                ui,
                "Every",
                "Time between runs, hours (24 = daily)",
                &p("every_hours"),
                every_hours,
                1.0 / 60.0,
                24.0 * 366.0,
                "h",
            );
            ed.num(
                ui,
                "First run at",
                "Hour of the first run from the start of the horizon",
                &p("at_hour"),
                at_hour,
                0.0,
                24.0 * 366.0,
                "h",
            );
            ed.num(
                ui,
                "Duration",
                "How long each run lasts, minutes; shorter than the time between runs",
                &p("duration_min"),
                duration_min,
                0.1,
                7.0 * 1440.0,
                "min",
            );
            ed.num(
                ui,
                "Rate",
                "Requests per second while the job runs",
                &p("rps"),
                rps,
                0.0,
                max,
                "req/s",
            );
        }
        Component::Growth { monthly_pct } => {
            ed.num(
                ui,
                "Growth per 30 days",
                "Compound growth of the whole rate, percent per 30 days (negative: decline, down to -99 %)",
                &p("monthly_pct"),
                monthly_pct,
                -99.0,
                Limits::MAX_GROWTH_PCT,
                "%",
            );
        }
        Component::Trace {
            path: file,
            format,
            function,
            app,
            scale,
        } => {
            ed.text(
                ui,
                "File",
                "Trace file, relative to the scenario file's folder (or absolute)",
                &p("path"),
                file,
            );
            ed.choice(
                ui,
                ("trace_format", i),
                "Format",
                "How the trace file is laid out",
                &p("format"),
                format,
                &[
                    (TraceFormat::Csv, "CSV (timestamp,count)".into(), "Rows of `timestamp,count` at any fixed step; RFC 3339 timestamps or seconds".into()),
                    (
                        TraceFormat::Azure2019,
                        "Azure Functions 2019".into(),
                        "HashOwner,HashApp,HashFunction,Trigger,1..1440: per-minute invocations, one row per function per day".into(),
                    ),
                ],
                true,
            );
            if *format == TraceFormat::Azure2019 {
                opt_text(
                    ui,
                    ed,
                    "Function",
                    "Replay only the function with this HashFunction (empty: all rows)",
                    &p("function"),
                    function,
                );
                opt_text(
                    ui,
                    ed,
                    "App",
                    "Sum every function of the app with this HashApp (empty: all rows)",
                    &p("app"),
                    app,
                );
            }
            ed.num(
                ui,
                "Scale",
                "Multiplies the recorded counts (1 replays them as recorded)",
                &p("scale"),
                scale,
                0.0,
                1e6,
                "×",
            );
        }
    }
}

fn opt_text(ui: &mut Ui, ed: &mut Ed, label: &str, help: &str, path: &str, v: &mut Option<String>) {
    let mut text = v.clone().unwrap_or_default();
    let l = ui.label(label).on_hover_text(help);
    let r = ui
        .add(egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY))
        .labelled_by(l.id)
        .on_hover_text(help);
    if r.changed() {
        *v = if text.trim().is_empty() { None } else { Some(text) };
    }
    ed.track(&r);
    ui.end_row();
    ed.problems(ui, path);
}

fn workload(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    let w = &mut s.workload;
    grid("workload_grid").show(ui, |ui| {
        ed.dist(
            ui,
            "duration",
            "Duration",
            "Handler time of a warm request on one full vCPU, ms. Platforms with less CPU stretch its CPU-bound share.",
            "workload.duration_ms",
            &mut w.duration_ms,
            "ms",
            false,
            Limits::MAX_DURATION_MS,
        );
        ed.share(
            ui,
            "CPU share",
            "Share of the duration that is CPU work at one full vCPU; the rest (I/O, waiting) does not speed up with more CPU. Decides how memory (and so CPU) changes the duration on Lambda.",
            "workload.cpu_fraction",
            &mut w.cpu_fraction,
            0.0,
            1.0,
        );
        ed.dist(
            ui,
            "cold",
            "Cold start",
            "Extra time a request waits when it has to create an environment (INIT), ms. Cloudflare Workers use their own fixed value.",
            "workload.cold_start_ms",
            &mut w.cold_start_ms,
            "ms",
            true,
            600_000.0,
        );
        ed.num(
            ui,
            "Request size",
            "Payload of a request, KB (API Gateway HTTP meters in 512 KB steps; ALB LCUs count bytes)",
            "workload.request_kb",
            &mut w.request_kb,
            0.0,
            Limits::MAX_PAYLOAD_KB,
            "KB",
        );
        ed.num(
            ui,
            "Response size",
            "Payload of a response, KB (REST API data transfer out; ALB LCUs)",
            "workload.response_kb",
            &mut w.response_kb,
            0.0,
            Limits::MAX_PAYLOAD_KB,
            "KB",
        );
        let help = "Latency objective: requests slower than this are counted (share over the objective, verdict)";
        let mut on = w.latency_slo_ms.is_some();
        let l = ui.label("Latency objective").on_hover_text(help);
        ui.horizontal(|ui| {
            let r = ui.checkbox(&mut on, "").labelled_by(l.id).on_hover_text(help);
            if r.changed() {
                w.latency_slo_ms = if on { Some(1000.0) } else { None };
                ed.discrete(true);
            }
            if let Some(v) = &mut w.latency_slo_ms {
                let speed = (*v * 0.01).max(1.0);
                let r = ui
                    .add(
                        egui::DragValue::new(v)
                            .range(1.0..=Limits::MAX_DURATION_MS)
                            .clamp_existing_to_range(false)
                            .speed(speed)
                            .suffix(" ms"),
                    )
                    .accessible_name("Latency objective value")
                    .on_hover_text("Objective, ms");
                if r.changed() {
                    *v = if v.is_finite() { v.clamp(1.0, Limits::MAX_DURATION_MS) } else { 1000.0 };
                }
                ed.track(&r);
            }
        });
        ui.end_row();
        ed.problems(ui, "workload.latency_slo_ms");
        ed.num(
            ui,
            "Requests per connection",
            "Requests a client sends over one connection before it closes; ALB LCUs count new connections (1 = a new connection per request)",
            "workload.requests_per_connection",
            &mut w.requests_per_connection,
            1.0,
            1e9,
            "",
        );
    });
}

// ---------------------------------------------------------------------------------------
// Platforms

fn platforms(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ed.section_problems(ui, "platforms");
    let n = s.platforms.len();
    for (i, p) in s.platforms.iter_mut().enumerate() {
        let path = format!("platforms[{i}]");
        let problems = ed.cx.problems.count_under(&path);
        let service_name = ed
            .cx
            .catalog
            .get(p.service())
            .map(|sv| sv.name().to_string())
            .unwrap_or_else(|| p.service().to_string());
        let mut title = format!("{} — {}", p.name(), service_name);
        if !p.enabled() {
            title += " (disabled)";
        }
        let mut text = RichText::new(title).strong();
        if problems > 0 {
            text = text.color(ui.visuals().error_fg_color);
        } else if !p.enabled() {
            text = text.weak();
        }
        egui::CollapsingHeader::new(text)
            .id_salt(("platform", i))
            .default_open(true)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let enabled = match p {
                        Platform::Function(f) => &mut f.enabled,
                        Platform::Container(c) => &mut c.enabled,
                        Platform::Vm(v) => &mut v.enabled,
                    };
                    let r = ui
                        .checkbox(enabled, "Enabled")
                        .accessible_name(format!("Enable {}", p_name_hint(i)))
                        .on_hover_text("Include this platform in the comparison");
                    ed.discrete(r.changed());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .small_button("🗑")
                            .accessible_name(format!("Remove platform {}", i + 1))
                            .on_hover_text("Remove this platform")
                            .clicked()
                        {
                            ed.cmds.push(Command::RemovePlatform(i));
                        }
                        if ui
                            .add_enabled(i + 1 < n, egui::Button::new("⏷").small())
                            .accessible_name(format!("Move platform {} down", i + 1))
                            .on_hover_text("Move down")
                            .clicked()
                        {
                            ed.cmds.push(Command::MovePlatform { from: i, to: i + 1 });
                        }
                        if ui
                            .add_enabled(i > 0, egui::Button::new("⏶").small())
                            .accessible_name(format!("Move platform {} up", i + 1))
                            .on_hover_text("Move up")
                            .clicked()
                        {
                            ed.cmds.push(Command::MovePlatform { from: i, to: i - 1 });
                        }
                    });
                });
                grid(("platform_grid", i)).show(ui, |ui| match p {
                    Platform::Function(f) => function(ui, ed, f, &path, i),
                    Platform::Container(c) => container(ui, ed, c, &path, i),
                    Platform::Vm(v) => vm(ui, ed, v, &path, i),
                });
            });
    }
    ui.horizontal(|ui| {
        ui.menu_button("➕ Add platform", |ui| add_platform_menu(ui, ed))
            .response
            .on_hover_text("Add a function, container or VM platform from the price catalog");
    });
}

fn p_name_hint(i: usize) -> String {
    format!("platform {}", i + 1)
}

fn add_platform_menu(ui: &mut Ui, ed: &mut Ed) {
    let view = ed.cx.view;
    for (kind, entries) in &view.add_menu {
        let kind = *kind;
        ui.menu_button(kind.label(), |ui| {
            for e in entries {
                if e.instances.is_empty() {
                    if ui.button(&e.label).on_hover_text(&e.tip).clicked() {
                        ed.cmds.push(Command::AddPlatform {
                            kind,
                            service: e.id.clone(),
                            instance: None,
                        });
                        ui.close();
                    }
                    continue;
                }
                ui.menu_button(&e.label, |ui| {
                    for (name, text, tip) in &e.instances {
                        if ui.button(text).on_hover_text(tip).clicked() {
                            ed.cmds.push(Command::AddPlatform {
                                kind,
                                service: e.id.clone(),
                                instance: Some(name.clone()),
                            });
                            ui.close();
                        }
                    }
                });
            }
        });
    }
}

fn function(ui: &mut Ui, ed: &mut Ed, f: &mut FunctionPlatform, path: &str, i: usize) {
    let cat = ed.cx.catalog;
    let p = |x: &str| format!("{path}.{x}");
    ed.name_and_service(ui, (&mut f.name, &mut f.service), f.arch, Kind::Function, path, i);
    let view = ed.cx.view;
    let service = cat.get(&f.service);
    let lim = service.and_then(|s| s.function_limits());
    let is_lambda = matches!(service, Some(Service::AwsLambda(_)));
    ed.choice(
        ui,
        ("fn_arch", i),
        "Architecture",
        "CPU architecture: priced differently on AWS Lambda (arm64 is cheaper per GB-second); other function services ignore it",
        &p("arch"),
        &mut f.arch,
        &view.arch,
        true,
    );
    match (lim, view.function_memory(&f.service)) {
        (Some(lim), Some(opts)) => {
            ed.choice(
                ui,
                ("fn_mem", i),
                "Memory (MB)",
                &format!(
                    "Memory of an environment, MB. This service offers fixed sizes only. Source: {}",
                    lim.source
                ),
                &p("memory_mb"),
                &mut f.memory_mb,
                opts,
                true,
            );
        }
        (Some(lim), None) => {
            let help = format!(
                "Memory of an environment, MB ({} to {} MB); the CPU grows with it{}. Billed per GB-second. Source: {}",
                lim.memory_min_mb,
                lim.memory_max_mb,
                lim.mb_per_vcpu
                    .map(|m| format!(" (1 vCPU at {} MB)", fmt::num(m)))
                    .unwrap_or_default(),
                lim.source
            );
            ed.int(
                ui,
                "Memory (MB)",
                &help,
                &p("memory_mb"),
                &mut f.memory_mb,
                lim.memory_min_mb,
                lim.memory_max_mb,
                "MB",
            );
        }
        (None, _) => {
            ed.int(
                ui,
                "Memory (MB)",
                "Memory of an environment, MB",
                &p("memory_mb"),
                &mut f.memory_mb,
                128,
                32768,
                "MB",
            );
        }
    }
    let src = lim.map(|l| l.source.as_str()).unwrap_or("the catalog");
    let ka_default = lim.map(|l| l.default_keep_alive_s).unwrap_or(600.0);
    let mut random = f.keep_alive_dist_s.is_some();
    let help =
        "Draw each environment's keep-alive from a distribution instead of a fixed value: providers do not promise one";
    let l = ui.label("Random keep-alive").on_hover_text(help);
    let r = ui.checkbox(&mut random, "").labelled_by(l.id).on_hover_text(help);
    if r.changed() {
        f.keep_alive_dist_s = if random {
            Some(Dist::Uniform {
                min: (f.keep_alive_s * 0.5).max(0.0),
                max: f.keep_alive_s.max(1.0),
            })
        } else {
            None
        };
        ed.discrete(true);
    }
    ui.end_row();
    match &mut f.keep_alive_dist_s {
        Some(d) => ed.dist(
            ui,
            &format!("ka{i}"),
            "Keep-alive",
            "Idle time after its last request before an environment is reclaimed, seconds (drawn per environment)",
            &p("keep_alive_dist_s"),
            d,
            "s",
            true,
            Limits::MAX_KEEP_ALIVE_S,
        ),
        None => ed.num(
            ui,
            "Keep-alive",
            &format!(
                "Idle time after its last request before an environment is reclaimed, seconds. Provider default assumed: {} s (undocumented by most providers). Source: {src}",
                fmt::num(ka_default)
            ),
            &p("keep_alive_s"),
            &mut f.keep_alive_s,
            0.0,
            Limits::MAX_KEEP_ALIVE_S,
            "s",
        ),
    }
    let max_default = lim.map(|l| l.default_max_concurrency).unwrap_or(1000);
    ed.int(
        ui,
        "Max concurrency",
        &format!(
            "Account or reserved concurrency: requests beyond it are throttled. Provider default: {max_default}. Source: {src}"
        ),
        &p("max_concurrency"),
        &mut f.max_concurrency,
        1,
        1_000_000,
        "",
    );
    ed.int(
        ui,
        "Provisioned",
        "Environments kept initialised all the time (Lambda provisioned concurrency, Flex always-ready, Cloud Run min instances); billed whether used or not",
        &p("provisioned"),
        &mut f.provisioned,
        0,
        f.max_concurrency.max(1),
        "",
    );
    let max_conc = lim.map(|l| l.max_instance_concurrency).unwrap_or(1);
    ed.int(
        ui,
        "Requests per environment",
        &format!("Requests one environment serves at once (1 to {max_conc} on this service). Source: {src}"),
        &p("concurrency"),
        &mut f.concurrency,
        1,
        max_conc.max(1),
        "",
    );
    ed.int(
        ui,
        "Ephemeral storage",
        "Ephemeral storage (/tmp) configured, MB (512 to 10,240); Lambda bills above 512 MB",
        &p("ephemeral_mb"),
        &mut f.ephemeral_mb,
        512,
        10240,
        "MB",
    );
    ed.choice(
        ui,
        ("fn_fd", i),
        "Front door",
        "How the platform is reached from the internet; often decides the answer",
        &p("front_door"),
        &mut f.front_door,
        if is_lambda {
            &view.front_doors_lambda
        } else {
            &view.front_doors
        },
        true,
    );
    ed.checkbox(
        ui,
        "Free tier",
        "Apply the provider's monthly free allowance (off: you have used it elsewhere)",
        &p("free_tier"),
        &mut f.free_tier,
    );
}

fn container(ui: &mut Ui, ed: &mut Ed, c: &mut ContainerPlatform, path: &str, i: usize) {
    let cat = ed.cx.catalog;
    let p = |x: &str| format!("{path}.{x}");
    ed.name_and_service(ui, (&mut c.name, &mut c.service), c.arch, Kind::Container, path, i);
    let view = ed.cx.view;
    let service = cat.get(&c.service);
    let lim = service.and_then(|s| s.container_limits());
    let is_fargate = matches!(service, Some(Service::AwsFargate(_)));
    let is_run = matches!(service, Some(Service::GcpCloudRun(_)));
    ed.choice(
        ui,
        ("ct_arch", i),
        "Architecture",
        "CPU architecture: Fargate prices arm64 (Graviton) lower; other services ignore it",
        &p("arch"),
        &mut c.arch,
        &view.arch,
        true,
    );
    let src = lim.map(|l| l.source.as_str()).unwrap_or("the catalog");
    match (lim, view.vcpu_sizes(&c.service)) {
        (Some(_), Some(opts)) => {
            if ed.choice(
                ui,
                ("ct_vcpu", i),
                "vCPU",
                &format!("vCPUs per replica; this service offers fixed task sizes. Source: {src}"),
                &p("vcpu"),
                &mut c.vcpu,
                opts,
                true,
            ) {
                ed.cmds.push(Command::FitPlatform(i));
            }
            let mem = view.task_memory(&c.service, c.vcpu);
            ed.choice(
                ui,
                ("ct_mem", i),
                "Memory (GB)",
                &format!("Memory per replica, GB: the sizes allowed with this many vCPUs. Source: {src}"),
                &p("memory_gb"),
                &mut c.memory_gb,
                mem,
                true,
            );
        }
        _ => {
            let (vlo, vhi, mlo, mhi) = lim
                .map(|l| (l.vcpu_min, l.vcpu_max, l.memory_min_gb, l.memory_max_gb))
                .unwrap_or((0.25, 16.0, 0.5, 120.0));
            ed.num(
                ui,
                "vCPU",
                &format!("vCPUs per replica ({vlo} to {vhi}). Source: {src}"),
                &p("vcpu"),
                &mut c.vcpu,
                vlo,
                vhi,
                "vCPU",
            );
            ed.num(
                ui,
                "Memory (GB)",
                &format!("Memory per replica, GB ({mlo} to {mhi}). Source: {src}"),
                &p("memory_gb"),
                &mut c.memory_gb,
                mlo,
                mhi,
                "GB",
            );
        }
    }
    let max_conc = lim.map(|l| l.max_instance_concurrency).unwrap_or(1000);
    ed.int(
        ui,
        "Requests per replica",
        &format!(
            "Requests one replica serves at once (1 to {max_conc}); CPU-bound work is also limited by its vCPUs. Source: {src}"
        ),
        &p("concurrency"),
        &mut c.concurrency,
        1,
        max_conc.max(1),
        "",
    );
    fleet_common(
        ui,
        ed,
        path,
        &mut FleetFields {
            min: &mut c.min_replicas,
            max: &mut c.max_replicas,
            what: "replicas",
            target: &mut c.target_utilization,
            startup: &mut c.startup_s,
            window: &mut c.metric_window_s,
            cooldown: &mut c.scale_in_cooldown_s,
            queue: &mut c.queue_timeout_s,
        },
    );
    ed.num(
        ui,
        "Ephemeral storage",
        "Ephemeral storage per replica, GB (Fargate includes 20 GB and bills the rest; 0 = the included amount)",
        &p("ephemeral_gb"),
        &mut c.ephemeral_gb,
        0.0,
        200.0,
        "GB",
    );
    ed.choice(
        ui,
        ("ct_billing", i),
        "Billing",
        "Cloud Run billing mode: request-based bills only while serving (100 ms steps); instance-based bills the whole life of each instance at a lower rate. Other services: n/a",
        &p("billing"),
        &mut c.billing,
        &[
            (ContainerBilling::RequestBased, "Request-based".into(), "Billed only while serving requests (plus start-up)".into()),
            (ContainerBilling::InstanceBased, "Instance-based".into(), "Billed for the whole life of each instance, at a lower rate".into()),
        ],
        is_run,
    );
    ed.choice(
        ui,
        ("ct_purchase", i),
        "Purchase",
        "Purchase option; Savings plans and Spot apply to Fargate (discounts from the catalog)",
        &p("purchase"),
        &mut c.purchase,
        &view.purchase,
        is_fargate,
    );
    ed.choice(
        ui,
        ("ct_fd", i),
        "Front door",
        "How the platform is reached from the internet; an ALB adds an hourly charge plus LCUs",
        &p("front_door"),
        &mut c.front_door,
        &view.front_doors,
        true,
    );
    ed.checkbox(
        ui,
        "Free tier",
        "Apply the provider's monthly free allowance",
        &p("free_tier"),
        &mut c.free_tier,
    );
}

struct FleetFields<'a> {
    min: &'a mut u32,
    max: &'a mut u32,
    what: &'static str,
    target: &'a mut f64,
    startup: &'a mut f64,
    window: &'a mut f64,
    cooldown: &'a mut f64,
    queue: &'a mut f64,
}

fn fleet_common(ui: &mut Ui, ed: &mut Ed, path: &str, f: &mut FleetFields) {
    let p = |x: &str| format!("{path}.{x}");
    let w = f.what;
    ed.int(
        ui,
        &format!("Min {w}"),
        &format!("Fewest {w} kept running (0 scales to zero where the service allows it); at most the maximum"),
        &p(&format!("min_{w}")),
        f.min,
        0,
        Limits::MAX_REPLICAS,
        "",
    );
    ed.int(
        ui,
        &format!("Max {w}"),
        &format!("Most {w} the autoscaler may run (equal to the minimum: a fixed fleet)"),
        &p(&format!("max_{w}")),
        f.max,
        1,
        Limits::MAX_REPLICAS,
        "",
    );
    ed.share(
        ui,
        "Target utilisation",
        "Busy share of capacity the autoscaler aims for (5 % to 100 %); lower keeps headroom for bursts",
        &p("target_utilization"),
        f.target,
        0.05,
        1.0,
    );
    ed.num(
        ui,
        "Start-up time",
        "Time from a scale-out decision until the new instance serves (and is billed from), seconds",
        &p("startup_s"),
        f.startup,
        0.0,
        3600.0,
        "s",
    );
    ed.num(
        ui,
        "Metric window",
        "Averaging window of the utilisation metric the autoscaler reads, seconds",
        &p("metric_window_s"),
        f.window,
        1.0,
        3600.0,
        "s",
    );
    ed.num(
        ui,
        "Scale-in cooldown",
        "Minimum time between scale-in steps, seconds",
        &p("scale_in_cooldown_s"),
        f.cooldown,
        0.0,
        86_400.0,
        "s",
    );
    ed.num(
        ui,
        "Queue timeout",
        "Requests that wait longer than this for a free slot are dropped (client timeout), seconds",
        &p("queue_timeout_s"),
        f.queue,
        0.0,
        3600.0,
        "s",
    );
}

fn vm(ui: &mut Ui, ed: &mut Ed, v: &mut VmPlatform, path: &str, i: usize) {
    let p = |x: &str| format!("{path}.{x}");
    ed.name_and_service(ui, (&mut v.name, &mut v.service), Arch::X86_64, Kind::Vm, path, i);
    let view = ed.cx.view;
    ed.choice(
        ui,
        ("vm_inst", i),
        "Instance",
        view.instance_tip(&v.service, &v.instance),
        &p("instance"),
        &mut v.instance,
        view.instances(&v.service),
        true,
    );
    ed.int(
        ui,
        "Requests per instance",
        "Requests one instance serves at once (1 to 100,000); CPU-bound work is also limited by its vCPUs",
        &p("concurrency"),
        &mut v.concurrency,
        1,
        100_000,
        "",
    );
    fleet_common(
        ui,
        ed,
        path,
        &mut FleetFields {
            min: &mut v.min_instances,
            max: &mut v.max_instances,
            what: "instances",
            target: &mut v.target_utilization,
            startup: &mut v.startup_s,
            window: &mut v.metric_window_s,
            cooldown: &mut v.scale_in_cooldown_s,
            queue: &mut v.queue_timeout_s,
        },
    );
    ed.choice(
        ui,
        ("vm_purchase", i),
        "Purchase",
        "Purchase option: savings plans and Spot discounts come from the catalog (planning assumptions unless you load your own rates)",
        &p("purchase"),
        &mut v.purchase,
        &view.purchase,
        true,
    );
    ed.choice(
        ui,
        ("vm_fd", i),
        "Front door",
        "How the VMs are reached; an ALB adds an hourly charge plus LCUs",
        &p("front_door"),
        &mut v.front_door,
        &view.front_doors,
        true,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converting_a_distribution_keeps_its_centre() {
        let d = Dist::LogNormal {
            median: 80.0,
            p99: 600.0,
        };
        assert_eq!(convert_dist(&d, "Fixed"), Dist::Fixed(80.0));
        assert_eq!(
            convert_dist(&Dist::Fixed(100.0), "LogNormal"),
            Dist::LogNormal {
                median: 100.0,
                p99: 300.0
            }
        );
        assert_eq!(
            convert_dist(&Dist::Fixed(100.0), "Uniform"),
            Dist::Uniform { min: 50.0, max: 150.0 }
        );
        assert_eq!(
            convert_dist(&Dist::Fixed(0.0), "Exponential"),
            Dist::Exponential { mean: 1e-3 }
        );
    }
}
