//! The Pipelines section: chains of workloads whose end-to-end latency is reported and
//! held to an objective (name, ordered steps picked from the workloads, objective).

use super::{Ed, grid};
use crate::gui::commands::Command;
use crate::model::{Component, Scenario};
use egui::{RichText, Ui};

pub(super) fn pipelines(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ed.section_problems(ui, "pipelines");
    ui.label(
        RichText::new("Each step is triggered by the step before it; a workload belongs to at most one pipeline.")
            .weak(),
    );
    let names: Vec<String> = s.workloads.iter().map(|w| w.name.clone()).collect();
    // (upstream, downstream) of every trigger, to suggest the next step of a chain
    let triggers: Vec<(String, String)> = s
        .workloads
        .iter()
        .flat_map(|w| {
            w.traffic.components.iter().filter_map(move |c| match c {
                Component::Triggered { workload, .. } => Some((workload.clone(), w.name.clone())),
                _ => None,
            })
        })
        .collect();
    for (k, p) in s.pipelines.iter_mut().enumerate() {
        let base = format!("pipelines[{k}]");
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("Pipeline {}", k + 1)).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .small_button("🗑")
                        .accessible_name(format!("Remove pipeline {}", k + 1))
                        .on_hover_text("Remove this pipeline")
                        .clicked()
                    {
                        ed.cmds.push(Command::RemovePipeline(k));
                    }
                });
            });
            grid(("pipeline_grid", k)).show(ui, |ui| {
                ed.text(
                    ui,
                    "Pipeline name",
                    "Name of the pipeline in the results",
                    &format!("{base}.name"),
                    &mut p.name,
                );
                ed.problems(ui, &format!("{base}.steps"));
                let mut remove: Option<usize> = None;
                // (step, step it trades places with)
                let mut swap: Option<(usize, usize)> = None;
                let n = p.steps.len();
                for (j, step) in p.steps.iter_mut().enumerate() {
                    let help = "The workload at this step of the chain";
                    let l = ui.label(format!("Step {}", j + 1)).on_hover_text(help);
                    ui.horizontal(|ui| {
                        let current = if names.contains(step) {
                            step.clone()
                        } else {
                            format!("{step} (no such workload)")
                        };
                        let mut changed = false;
                        egui::ComboBox::from_id_salt(("pipeline_step", k, j))
                            .selected_text(current)
                            .width(ui.available_width().min(200.0))
                            .show_ui(ui, |ui| {
                                for name in &names {
                                    if ui.selectable_label(step == name, name).clicked() && step != name {
                                        *step = name.clone();
                                        changed = true;
                                    }
                                }
                            })
                            .response
                            .labelled_by(l.id)
                            .on_hover_text(help);
                        ed.discrete(changed);
                        if ui
                            .add_enabled(j > 0, egui::Button::new("⏶").small())
                            .accessible_name(format!("Move step {} of pipeline {} up", j + 1, k + 1))
                            .on_hover_text("Move this step earlier in the chain")
                            .on_disabled_hover_text("This is the first step")
                            .clicked()
                        {
                            swap = Some((j, j - 1));
                        }
                        if ui
                            .add_enabled(j + 1 < n, egui::Button::new("⏷").small())
                            .accessible_name(format!("Move step {} of pipeline {} down", j + 1, k + 1))
                            .on_hover_text("Move this step later in the chain")
                            .on_disabled_hover_text("This is the last step")
                            .clicked()
                        {
                            swap = Some((j, j + 1));
                        }
                        if ui
                            .small_button("🗑")
                            .accessible_name(format!("Remove step {} of pipeline {}", j + 1, k + 1))
                            .on_hover_text("Remove this step")
                            .clicked()
                        {
                            remove = Some(j);
                        }
                    });
                    ui.end_row();
                    ed.problems(ui, &format!("{base}.steps[{j}]"));
                }
                if let Some(j) = remove {
                    p.steps.remove(j);
                    ed.discrete(true);
                } else if let Some((a, b)) = swap
                    && a.max(b) < p.steps.len()
                {
                    // an edit like any other: one undo step; validation says when the
                    // new order no longer follows the triggers
                    p.steps.swap(a, b);
                    ed.discrete(true);
                }
                ui.label("");
                if ui
                    .button("➕ Add step")
                    .on_hover_text("Add the next workload of the chain")
                    .clicked()
                {
                    // the workload the last step triggers, if there is one; else the first
                    // workload not in the chain yet
                    let last = p.steps.last().cloned();
                    let next = triggers
                        .iter()
                        .find(|(u, d)| Some(u) == last.as_ref() && !p.steps.contains(d))
                        .map(|(_, d)| d)
                        .or_else(|| names.iter().find(|n| !p.steps.contains(n)))
                        .or(names.first())
                        .cloned();
                    if let Some(n) = next {
                        p.steps.push(n);
                        ed.discrete(true);
                    }
                }
                ui.end_row();
                ed.optional_ms(
                    ui,
                    (
                        "Pipeline objective",
                        "End-to-end latency objective: pipeline runs slower than this are counted",
                        &format!("Objective of pipeline {}", k + 1),
                    ),
                    &format!("{base}.latency_slo_ms"),
                    &mut p.latency_slo_ms,
                    3000.0,
                );
            });
        });
    }
    if ui
        .button("➕ Add pipeline")
        .on_hover_text("Follow a chain of workloads end to end")
        .clicked()
    {
        ed.cmds.push(Command::AddPipeline);
    }
}
