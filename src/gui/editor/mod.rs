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
//!
//! This module holds the shared row widgets (`Ed`) and the section frame; each section's
//! fields live in their own submodule and build only from those widgets.

mod fleet;
mod function;
mod pipelines;
mod platforms;
mod scenario;
mod traffic;
mod uncertainty;
mod workload;
mod workloads;

use super::commands::Command;
use super::defaults::{CatalogView, Kind};
use super::fmt;
use super::state::Problems;
use crate::model::{Arch, Dist, Scenario};
use crate::pricing::Catalog;
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

    /// An optional objective in ms, as a grid row: a checkbox that turns it on at
    /// `default_ms`, and its value; `value_name` names the value for screen readers and
    /// tests. Problems of `path` follow in the row below.
    fn optional_ms(
        &mut self,
        ui: &mut Ui,
        (label, help, value_name): (&str, &str, &str),
        path: &str,
        v: &mut Option<f64>,
        default_ms: f64,
    ) {
        let mut on = v.is_some();
        let l = ui.label(label).on_hover_text(help);
        ui.horizontal(|ui| {
            let r = ui.checkbox(&mut on, "").labelled_by(l.id).on_hover_text(help);
            if r.changed() {
                *v = if on { Some(default_ms) } else { None };
                self.discrete(true);
            }
            if let Some(v) = v {
                let speed = (*v * 0.01).max(1.0);
                let r = ui
                    .add(
                        egui::DragValue::new(v)
                            .range(1.0..=crate::model::Limits::MAX_DURATION_MS)
                            .clamp_existing_to_range(false)
                            .speed(speed)
                            .suffix(" ms"),
                    )
                    .accessible_name(value_name)
                    .on_hover_text("Objective, ms");
                if r.changed() {
                    *v = if v.is_finite() {
                        v.clamp(1.0, crate::model::Limits::MAX_DURATION_MS)
                    } else {
                        default_ms
                    };
                }
                self.track(&r);
            }
        });
        ui.end_row();
        self.problems(ui, path);
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

    /// The commitment's size in dollars an hour, for a savings or CUD purchase: 0 means
    /// none (the discount applies to all the usage it covers).
    fn commitment(&mut self, ui: &mut Ui, purchase: crate::model::Purchase, v: &mut Option<f64>, path: &str) {
        use crate::model::Purchase::*;
        if !matches!(purchase, Savings1y | Savings3y) {
            return;
        }
        let mut x = v.unwrap_or(0.0);
        let before = x;
        self.num(
            ui,
            "Commitment",
            "The commitment's size in dollars an hour, paid every hour and covering usage up to it; usage above it pays on demand (AWS: at the plan's rates; Google: in on-demand dollars). 0: no fixed size, the discount applies to all the usage it covers.",
            &format!("{path}.commitment_usd_per_hour"),
            &mut x,
            0.0,
            1e6,
            "$/h",
        );
        if x != before {
            *v = if x > 0.0 { Some(x) } else { None };
        }
    }

    /// The region picker: the regions the catalog prices `service` in.
    fn region(&mut self, ui: &mut Ui, service: &str, region: &mut Option<String>, path: &str, i: usize) {
        let view = self.cx.view;
        let options = view.regions(service);
        let help = "Region the platform runs in: its compute and front door are priced there (network, logs and managed services stay at the provider's reference-region rates). Only regions the catalog has prices for are offered; a platform billed with a figure not found for its region is marked in the results.";
        // the instance types and limits priced there may differ
        if self.choice(
            ui,
            (path, "region"),
            "Region",
            help,
            &format!("{path}.region"),
            region,
            options,
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
        let mut kinds = vec![
            ("Fixed", "The same value every time"),
            ("Exponential", "Memoryless: many short, a few long (given by its mean)"),
            (
                "LogNormal",
                "Skewed with a long tail, given by its median and 99th percentile (what dashboards show)",
            ),
            ("Uniform", "Anywhere between a minimum and a maximum"),
        ];
        if matches!(d, Dist::Empirical { .. }) {
            // only a file of observed quantiles makes one (`breakeven import` writes it)
            kinds.push((
                "Empirical",
                "The quantiles observed in logs, read from the file named below",
            ));
        }
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
            Dist::Empirical { path: file, knots } => {
                let k = knots.clone();
                ui.label("    quantiles");
                ui.label(format!(
                    "{file}: median {} {unit}, p99 {} {unit}",
                    fmt::num(round_sig(k.quantile(0.5))),
                    fmt::num(round_sig(k.quantile(0.99)))
                ))
                .on_hover_text(format!(
                    "{} quantiles observed in logs, read from {file} beside the scenario (`quantile,value` rows). Choose another kind above to edit it by hand.",
                    k.0.len()
                ));
                ui.end_row();
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
        _ => d.clone(),
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

/// The editor. Edits `s` in place and pushes commands. `selected` is the workload the
/// Traffic and Workload sections edit (UI state, clamped here to the list).
pub fn show(ui: &mut Ui, s: &mut Scenario, selected: &mut usize, cx: &EditorCtx, cmds: &mut Vec<Command>) {
    let mut ed = Ed { cx, cmds };
    let n = s.workloads.len();
    if *selected >= n {
        *selected = n.saturating_sub(1);
    }
    let sel = *selected;
    let several = n > 1;
    // the section titles name the workload they edit once there are several
    let of = |title: &str| match s.workloads.get(sel) {
        Some(w) if several => format!("{title}: {}", w.name),
        _ => title.to_string(),
    };
    let (traffic_title, workload_title) = (of("Traffic"), of("Workload"));
    let traffic_path = s.traffic_path(sel);
    let request_path = s.request_path(sel);
    let request_problems = if s.writes_v1() {
        cx.problems.count_under(&request_path)
    } else {
        // workloads[i] holds the traffic and the name too, counted in their own sections
        cx.problems
            .count_under(&request_path)
            .saturating_sub(cx.problems.count_under(&traffic_path))
            .saturating_sub(cx.problems.count_under(&format!("{request_path}.name")))
    };
    egui::ScrollArea::vertical()
        .id_salt("editor_scroll")
        .auto_shrink([false; 2])
        .show(ui, |ui| {
            ui.add_space(4.0);
            section(
                ui,
                "Scenario",
                cx.problems.count_under("name")
                    + cx.problems.count_under("horizon_days")
                    + cx.problems.count_under("egress_share"),
                |ui| scenario::scenario_fields(ui, &mut ed, s),
            );
            section(ui, "Workloads", workloads::problem_count(cx.problems, s), |ui| {
                workloads::workloads(ui, &mut ed, s, selected)
            });
            section_with_id(
                ui,
                "Traffic",
                &traffic_title,
                cx.problems.count_under(&traffic_path),
                |ui| traffic::traffic(ui, &mut ed, s, sel),
            );
            section_with_id(ui, "Workload", &workload_title, request_problems, |ui| {
                workload::workload(ui, &mut ed, s, sel)
            });
            section(ui, "Platforms", cx.problems.count_under("platforms"), |ui| {
                platforms::platforms(ui, &mut ed, s)
            });
            if several || !s.pipelines.is_empty() {
                section(ui, "Pipelines", cx.problems.count_under("pipelines"), |ui| {
                    pipelines::pipelines(ui, &mut ed, s)
                });
            }
            let n = cx.problems.count_under("uncertainty");
            egui::CollapsingHeader::new(section_title(ui, "Uncertainty", n))
                .id_salt(("section", "Uncertainty"))
                .default_open(n > 0)
                .show(ui, |ui| uncertainty::uncertainty(ui, &mut ed, s));
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
    section_with_id(ui, title, title, problems, body);
}

/// A section whose title may change (it names the selected workload) while it keeps its
/// open or closed state under `id`.
fn section_with_id(ui: &mut Ui, id: &str, title: &str, problems: usize, body: impl FnOnce(&mut Ui)) {
    egui::CollapsingHeader::new(section_title(ui, title, problems))
        .id_salt(("section", id))
        .default_open(true)
        .show(ui, body);
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
