//! The Traffic section: arrivals and the list of traffic components.

use super::{Ed, grid};
use crate::gui::commands::Command;
use crate::gui::defaults::{self, COMPONENT_KINDS};
use crate::model::{Arrivals, Component, Limits, Scenario, TraceFormat};
use egui::{RichText, Ui};

pub(super) fn traffic(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario, sel: usize) {
    s.traffic_mut(); // there is always a workload to edit
    let sel = sel.min(s.workloads.len() - 1);
    let base = s.traffic_path(sel);
    // the workloads a Triggered component of this one may follow
    let others: Vec<String> = s
        .workloads
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != sel)
        .map(|(_, w)| w.name.clone())
        .collect();
    let horizon = s.horizon_days;
    let t = &mut s.workloads[sel].traffic;
    ed.section_problems(ui, &format!("{base}.components"));
    grid("arrivals_grid").show(ui, |ui| {
        ed.choice(
            ui,
            "arrivals",
            "Arrivals",
            "How requests are placed in time at a given rate",
            &format!("{base}.arrivals"),
            &mut t.arrivals,
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
                (
                    Arrivals::Counted,
                    "Counted (a trace as counted)".into(),
                    "Each second (trace row) gets exactly its count, at random times within it: replays observed traffic; what Import logs writes".into(),
                ),
            ],
            true,
        );
    });
    ui.label(RichText::new("Components add up; Growth multiplies their sum.").weak());
    let n = t.components.len();
    for (i, c) in t.components.iter_mut().enumerate() {
        let path = format!("{base}.components[{i}]");
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
            grid(("component", i)).show(ui, |ui| component(ui, ed, c, &path, i, horizon, &others));
        });
    }
    ui.horizontal(|ui| {
        ui.menu_button("➕ Add component", |ui| {
            for (kind, tip) in COMPONENT_KINDS {
                if ui.button(kind).on_hover_text(tip).clicked() {
                    if let Some(c) = defaults::new_component(kind, horizon) {
                        ed.cmds.push(Command::AddComponent(c));
                    }
                    ui.close();
                }
            }
            if let Some(first) = others.first()
                && ui
                    .button("Triggered")
                    .on_hover_text("Requests caused by another workload's completed requests (a chain, a fan-out, a filter)")
                    .clicked()
            {
                ed.cmds.push(Command::AddComponent(Component::Triggered {
                    workload: first.clone(),
                    per_request: 1.0,
                    delay_ms: 0.0,
                }));
                ui.close();
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
        Component::Triggered { .. } => ("Triggered", "Requests caused by another workload's completed requests"),
    }
}

#[allow(clippy::too_many_arguments)]
fn component(ui: &mut Ui, ed: &mut Ed, c: &mut Component, path: &str, i: usize, horizon: f64, others: &[String]) {
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
        Component::Triggered {
            workload,
            per_request,
            delay_ms,
        } => {
            trigger_picker(ui, ed, workload, &p("workload"), i, others);
            ed.num(
                ui,
                "Per request",
                "Requests here for each completed upstream request (0.3: 30 % of them; 2: a fan-out of two)",
                &p("per_request"),
                per_request,
                0.0,
                100.0,
                "×",
            );
            ed.num(
                ui,
                "Delay",
                "Time from the upstream completion to this request (queue or event delivery)",
                &p("delay_ms"),
                delay_ms,
                0.0,
                Limits::MAX_DURATION_MS,
                "ms",
            );
        }
    }
}

/// The upstream workload of a Triggered component: one of the other workloads, picked
/// from a list (a typed name could name nothing).
fn trigger_picker(ui: &mut Ui, ed: &mut Ed, v: &mut String, path: &str, i: usize, others: &[String]) {
    let help = "The workload whose completed requests cause these requests";
    let l = ui.label("Triggered by").on_hover_text(help);
    let current = if others.contains(v) {
        v.clone()
    } else if v.is_empty() {
        "(choose a workload)".to_string()
    } else {
        format!("{v} (no such workload)")
    };
    let mut changed = false;
    egui::ComboBox::from_id_salt(("trigger", i))
        .selected_text(current)
        .width(ui.available_width().min(260.0))
        .show_ui(ui, |ui| {
            for name in others {
                if ui.selectable_label(v == name, name).clicked() && v != name {
                    *v = name.clone();
                    changed = true;
                }
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(help);
    ed.discrete(changed);
    ui.end_row();
    ed.problems(ui, path);
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
