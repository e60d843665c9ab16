//! The Workloads section: the application's workloads (add, duplicate, remove), which one
//! the Traffic and Workload sections edit, and its name.

use super::{Ed, grid};
use crate::gui::commands::Command;
use crate::gui::defaults;
use crate::gui::state::Problems;
use crate::model::Scenario;
use egui::{RichText, Ui};

/// Problems of the list itself and of the workloads' names.
pub(super) fn problem_count(problems: &Problems, s: &Scenario) -> usize {
    let names: usize = (0..s.workloads.len())
        .map(|i| problems.at(&format!("workloads[{i}].name")).count())
        .sum();
    problems.at("workloads").count() + names
}

pub(super) fn workloads(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario, selected: &mut usize) {
    ed.section_problems(ui, "workloads");
    let n = s.workloads.len();
    if n > 1 {
        ui.label(RichText::new("The Traffic and Workload sections below edit the selected workload.").weak());
    } else {
        ui.label(
            RichText::new("One workload. Add another to compare where each part of an application should run.").weak(),
        );
    }
    ui.horizontal_wrapped(|ui| {
        for (i, w) in s.workloads.iter().enumerate() {
            let problems = ed.cx.problems.count_under(&s.request_path(i));
            let mut text = RichText::new(&w.name);
            if problems > 0 {
                text = text.color(ui.visuals().error_fg_color);
            }
            if ui
                .selectable_label(*selected == i, text)
                .accessible_name(format!("Select workload {}", w.name))
                .on_hover_text(format!("Edit the traffic and requests of {}", w.name))
                .clicked()
            {
                *selected = i;
            }
        }
    });
    let sel = (*selected).min(n.saturating_sub(1));
    ui.horizontal(|ui| {
        if ui
            .button("➕ Add workload")
            .on_hover_text("A new workload: one request per second of a plain 100 ms request")
            .clicked()
        {
            ed.cmds.push(Command::AddWorkload);
        }
        if ui
            .add_enabled(n > 0, egui::Button::new("Duplicate workload"))
            .on_hover_text("A copy of the selected workload under a new name")
            .clicked()
        {
            ed.cmds.push(Command::DuplicateWorkload(sel));
        }
        if ui
            .add_enabled(n > 1, egui::Button::new("🗑 Remove workload"))
            .on_hover_text("Remove the selected workload (an application keeps at least one)")
            .on_disabled_hover_text("An application keeps at least one workload")
            .clicked()
        {
            ed.cmds.push(Command::RemoveWorkload(sel));
        }
    });
    let Some(w) = s.workloads.get(sel) else { return };
    let path = format!("workloads[{sel}].name");
    let mut name = w.name.clone();
    grid("workloads_grid").show(ui, |ui| {
        let help =
            "Name of the workload in triggers, pipelines, placements and results (unique); renaming updates them";
        let l = ui.label("Workload name").on_hover_text(help);
        let r = ui
            .add(egui::TextEdit::singleline(&mut name).desired_width(f32::INFINITY))
            .labelled_by(l.id)
            .on_hover_text(help);
        if r.changed() {
            defaults::rename_workload(s, sel, &name);
            // a version 1 file has no place for the name: keep it by writing version 2
            s.version = s.version.max(2);
        }
        ed.track(&r);
        ui.end_row();
        ed.problems(ui, &path);
    });
}
