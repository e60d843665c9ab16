//! Everything around the editor and the results: keyboard shortcuts, the menu bar, the
//! status bar, the notifications panel and the modal dialogs.
//!
//! Owns: desktop conventions (menus, shortcuts, prompts). Must not: change state itself;
//! it only pushes commands (and edits the text of an open path prompt).

use super::commands::Command;
use super::fmt;
use super::state::{
    ExportChoice, ExportFormat, Level, Notifications, PathPrompt, PathPurpose, Pending, Problems, Settings, ThemeChoice,
};
use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use std::path::PathBuf;

pub const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const SAVE_AS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
pub const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
pub const REDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
pub const REDO_SHIFT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
pub const RUN_EXACT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::R);
pub const EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
pub const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);

/// Shortcuts, consumed before any widget sees them (the more specific first).
pub fn shortcuts(ctx: &egui::Context, modal_open: bool, cmds: &mut Vec<Command>) {
    if modal_open {
        return;
    }
    ctx.input_mut(|i| {
        let table: [(&KeyboardShortcut, Command); 10] = [
            (&SAVE_AS, Command::SaveAs),
            (&SAVE, Command::Save),
            (&REDO_SHIFT, Command::Redo),
            (&REDO, Command::Redo),
            (&UNDO, Command::Undo),
            (&NEW, Command::New),
            (&OPEN, Command::Open),
            (&RUN_EXACT, Command::RunExact),
            (&EXPORT, Command::ExportReport),
            (&QUIT, Command::Quit),
        ];
        for (s, c) in table {
            if i.consume_shortcut(s) {
                cmds.push(c);
            }
        }
    });
}

/// What the menus need to know.
pub struct MenuInfo<'a> {
    pub settings: &'a Settings,
    pub can_undo: bool,
    pub can_redo: bool,
    pub exact_running: bool,
    pub can_simulate: bool,
    /// A report export is running.
    pub exporting: bool,
    pub custom_pricing: Option<&'a PathBuf>,
    pub editor_open: &'a mut bool,
    pub show_about: &'a mut bool,
}

fn item(ui: &mut Ui, text: &str, shortcut: Option<&KeyboardShortcut>, enabled: bool) -> egui::Response {
    let mut b = egui::Button::new(text);
    if let Some(s) = shortcut {
        b = b.shortcut_text(ui.ctx().format_shortcut(s));
    }
    ui.add_enabled(enabled, b)
}

pub fn menu_bar(ui: &mut Ui, m: MenuInfo, cmds: &mut Vec<Command>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if item(ui, "New", Some(&NEW), true).on_hover_text("Start from the built-in scenario").clicked() {
                cmds.push(Command::New);
                ui.close();
            }
            if item(ui, "Open…", Some(&OPEN), true).clicked() {
                cmds.push(Command::Open);
                ui.close();
            }
            ui.add_enabled_ui(!m.settings.recent.is_empty(), |ui| {
                ui.menu_button("Open Recent", |ui| {
                    for p in &m.settings.recent {
                        let exists = p.is_file();
                        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                        let r = ui
                            .add_enabled(exists, egui::Button::new(name))
                            .on_hover_text(p.display().to_string())
                            .on_disabled_hover_text(format!("{} (no longer exists)", p.display()));
                        if r.clicked() {
                            cmds.push(Command::OpenPath(p.clone()));
                            ui.close();
                        }
                    }
                });
            });
            if item(ui, "Import logs…", None, true)
                .on_hover_text("Start from what runs today: read Lambda REPORT lines (or other logs), fit the traffic and durations, check them against the logs, then create a scenario. Dropping log files on the window does the same.")
                .clicked()
            {
                cmds.push(Command::ImportLogs);
                ui.close();
            }
            ui.separator();
            if item(ui, "Save", Some(&SAVE), true).clicked() {
                cmds.push(Command::Save);
                ui.close();
            }
            if item(ui, "Save As…", Some(&SAVE_AS), true).clicked() {
                cmds.push(Command::SaveAs);
                ui.close();
            }
            ui.separator();
            if item(ui, "Load pricing folder…", None, true)
                .on_hover_text("Price files (*.ron) that override built-in entries with the same id or add new ones (another region, a negotiated discount)")
                .clicked()
            {
                cmds.push(Command::LoadPricing);
                ui.close();
            }
            if item(ui, "Use built-in prices", None, m.custom_pricing.is_some()).clicked() {
                cmds.push(Command::BuiltinPricing);
                ui.close();
            }
            ui.separator();
            if item(ui, "Export report…", Some(&EXPORT), m.can_simulate && !m.exporting)
                .on_hover_text("Write a report to share (HTML, Markdown, CSV or JSON): the costs, bills, break-even points, cheapest map, verdict and price sources")
                .on_disabled_hover_text(if m.exporting {
                    "a report is being exported (see the status bar)"
                } else {
                    "fix the scenario's problems first: there are no valid results to export"
                })
                .clicked()
            {
                cmds.push(Command::ExportReport);
                ui.close();
            }
            ui.separator();
            if item(ui, "Quit", Some(&QUIT), true).clicked() {
                cmds.push(Command::Quit);
                ui.close();
            }
        });
        ui.menu_button("Edit", |ui| {
            if item(ui, "Undo", Some(&UNDO), m.can_undo).clicked() {
                cmds.push(Command::Undo);
                ui.close();
            }
            if item(ui, "Redo", Some(&REDO), m.can_redo)
                .on_hover_text(format!("Also {}", ui.ctx().format_shortcut(&REDO_SHIFT)))
                .clicked()
            {
                cmds.push(Command::Redo);
                ui.close();
            }
        });
        ui.menu_button("Simulation", |ui| {
            if item(ui, "Run exact simulation", Some(&RUN_EXACT), !m.exact_running && m.can_simulate)
                .on_hover_text("Simulate every request: exact cold starts, queues and tails (seconds to minutes)")
                .on_disabled_hover_text(if m.exact_running { "already running" } else { "fix the scenario's problems first" })
                .clicked()
            {
                cmds.push(Command::RunExact);
                ui.close();
            }
            if item(ui, "Cancel exact simulation", None, m.exact_running).clicked() {
                cmds.push(Command::CancelExact);
                ui.close();
            }
        });
        ui.menu_button("View", |ui| {
            let mut theme = m.settings.theme;
            if ui.radio_value(&mut theme, ThemeChoice::Dark, "Dark theme").clicked()
                || ui.radio_value(&mut theme, ThemeChoice::Light, "Light theme").clicked()
            {
                cmds.push(Command::SetTheme(theme));
                ui.close();
            }
            ui.separator();
            ui.menu_button("Currency", |ui| {
                let now = if m.settings.currency.is_empty() { "USD" } else { m.settings.currency.as_str() };
                for code in super::CURRENCIES {
                    if ui
                        .radio(now == code, code)
                        .on_hover_text("Show every amount in this currency, at the catalog's dated reference rate")
                        .clicked()
                    {
                        cmds.push(Command::SetCurrency(code.to_string()));
                        ui.close();
                    }
                }
            });
            ui.separator();
            ui.checkbox(m.editor_open, "Scenario editor");
            let mut ft = m.settings.show_frame_time;
            if ui.checkbox(&mut ft, "Frame time").on_hover_text("Show how long the last frames took to build").changed() {
                cmds.push(Command::ToggleFrameTime);
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("About Breakeven").clicked() {
                *m.show_about = true;
                ui.close();
            }
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (icon, next, tip) = match m.settings.theme {
                ThemeChoice::Dark => ("☀", ThemeChoice::Light, "Switch to the light theme"),
                ThemeChoice::Light => ("🌙", ThemeChoice::Dark, "Switch to the dark theme"),
            };
            if ui.button(icon).accessible_name("Toggle theme").on_hover_text(tip).clicked() {
                cmds.push(Command::SetTheme(next));
            }
            let run = ui
                .add_enabled(!m.exact_running && m.can_simulate, egui::Button::new("▶ Run exact"))
                .on_hover_text(format!(
                    "Simulate every request ({}); the numbers shown while editing are fast estimates",
                    ui.ctx().format_shortcut(&RUN_EXACT)
                ));
            if run.clicked() {
                cmds.push(Command::RunExact);
            }
        });
    });
}

/// The status bar: document, simulation state, prices, frame time.
pub struct StatusInfo<'a> {
    pub file: String,
    pub dirty: bool,
    pub sim: String,
    pub exact_progress: Option<f64>,
    pub export: Option<ExportStatus>,
    pub pricing: &'a str,
    pub frame_ms: Option<(f64, f64)>,
}

pub fn status_bar(ui: &mut Ui, s: StatusInfo, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{}{}", s.file, if s.dirty { " (unsaved changes)" } else { "" })).weak());
        ui.separator();
        ui.label(&s.sim);
        if let Some(p) = s.exact_progress {
            ui.add(egui::ProgressBar::new(p as f32).desired_width(160.0).show_percentage())
                .on_hover_text("Exact simulation progress");
            if ui
                .small_button("Cancel")
                .accessible_name("Cancel the exact simulation")
                .on_hover_text("Stop the exact simulation")
                .clicked()
            {
                cmds.push(Command::CancelExact);
            }
        }
        if let Some(e) = &s.export {
            ui.separator();
            ui.label(&e.text).on_hover_text(&e.hover);
            if let Some(p) = e.progress {
                ui.add(egui::ProgressBar::new(p as f32).desired_width(120.0).show_percentage())
                    .on_hover_text("Exact simulation for the report");
            }
            if !e.cancelling
                && ui
                    .small_button("Cancel")
                    .accessible_name("Cancel the export")
                    .on_hover_text("Stop the export; nothing is written")
                    .clicked()
            {
                cmds.push(Command::CancelExport);
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some((last, worst)) = s.frame_ms {
                ui.label(
                    RichText::new(format!("frame {last:.1} ms (max {worst:.1})"))
                        .monospace()
                        .weak(),
                )
                .on_hover_text("Time to build the last frame's UI, and the slowest of the last 120 frames");
                ui.separator();
            }
            ui.label(RichText::new(s.pricing).weak())
                .on_hover_text("Where the prices come from");
        });
    });
}

/// The status bar's view of a running export.
pub struct ExportStatus {
    pub text: String,
    pub hover: String,
    /// Progress of an exact main run, while it lasts.
    pub progress: Option<f64>,
    pub cancelling: bool,
}

/// What the status bar says about a running export.
pub fn export_status(run: &super::ExportRun) -> ExportStatus {
    let secs = run.started.elapsed().as_secs();
    let p = run.control.progress();
    let (text, progress) = if run.cancelling {
        ("Cancelling the export…".to_string(), None)
    } else if p < 1.0 && run.mode == crate::sim::Mode::Exact {
        (format!("Exporting report… exact simulation, {secs} s"), Some(p))
    } else if p < 1.0 {
        (format!("Exporting report… simulating, {secs} s"), None)
    } else {
        (
            format!("Exporting report… break-even sweep and cheapest map, {secs} s"),
            None,
        )
    };
    ExportStatus {
        text,
        hover: format!("Writing {}", run.path.display()),
        progress,
        cancelling: run.cancelling,
    }
}

/// Notifications and the current scenario's problems. Never takes focus.
pub fn notifications(ui: &mut Ui, notes: &Notifications, problems: &Problems, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Notifications").strong());
        if !notes.items.is_empty() && ui.small_button("Clear all").clicked() {
            cmds.push(Command::ClearNotifications);
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("notes_scroll")
        .auto_shrink([false, true])
        .stick_to_bottom(true)
        .show(ui, |ui| {
            if !problems.is_empty() {
                let color = ui.visuals().warn_fg_color;
                ui.label(
                    RichText::new(format!(
                        "⚠ The scenario has {} problem{}; it is not simulated until they are fixed:",
                        problems.len(),
                        if problems.len() == 1 { "" } else { "s" }
                    ))
                    .color(color),
                );
                for p in &problems.list {
                    ui.label(
                        RichText::new(format!("    {}: {}", p.path, p.message))
                            .monospace()
                            .color(color),
                    );
                }
            }
            for n in &notes.items {
                let (icon, color) = match n.level {
                    Level::Info => ("ℹ", ui.visuals().text_color()),
                    Level::Warning => ("⚠", ui.visuals().warn_fg_color),
                    Level::Error => ("✖", ui.visuals().error_fg_color),
                };
                ui.horizontal(|ui| {
                    if ui
                        .small_button("×")
                        .accessible_name(format!("Dismiss: {}", n.title))
                        .on_hover_text("Dismiss")
                        .clicked()
                    {
                        cmds.push(Command::Dismiss(n.id));
                    }
                    ui.label(RichText::new(format!("{icon} {}", n.title)).color(color));
                });
                for l in &n.lines {
                    ui.add(egui::Label::new(RichText::new(format!("      {l}")).monospace().color(color)).wrap());
                }
            }
        });
}

/// The unsaved-changes question.
pub fn confirm_modal(ctx: &egui::Context, pending: &Pending, name: &str, cmds: &mut Vec<Command>) {
    let action = match pending {
        Pending::New => "starting a new scenario",
        Pending::OpenDialog | Pending::OpenPath(_) => "opening another scenario",
        Pending::Quit => "quitting",
    };
    let r = egui::Modal::new(egui::Id::unique("unsaved_changes")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.heading("Unsaved changes");
        ui.label(format!(
            "“{name}” has changes that are not saved. Save them before {action}?"
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                cmds.push(Command::SaveThen(pending.clone()));
            }
            if ui.button("Don't save").on_hover_text("Discard the changes").clicked() {
                cmds.push(Command::Discard(pending.clone()));
            }
            if ui.button("Cancel").clicked() {
                cmds.push(Command::CancelPending);
            }
        });
    });
    if r.should_close()
        && !cmds
            .iter()
            .any(|c| matches!(c, Command::SaveThen(_) | Command::Discard(_)))
    {
        cmds.push(Command::CancelPending);
    }
}

/// Offers the unsaved edits an earlier window left behind (it crashed or was killed).
pub fn recover_modal(ctx: &egui::Context, o: &super::recovery::Orphan, count: usize, cmds: &mut Vec<Command>) {
    egui::Modal::new(egui::Id::unique("recover_edits")).show(ctx, |ui| {
        ui.set_max_width(480.0);
        ui.heading("Recover unsaved edits?");
        let file = match &o.path {
            Some(p) => format!("of {}", p.display()),
            None => "of a scenario that was never saved".to_string(),
        };
        ui.label(format!(
            "Breakeven closed without saving the edits to “{}” ({file}). The last copy was kept at {}.",
            o.scenario.name, o.saved_at
        ));
        if count > 1 {
            ui.label(format!("{} more sets of unsaved edits follow.", count - 1));
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .button("Recover")
                .on_hover_text("Open the edits as unsaved changes (save them to keep them)")
                .clicked()
            {
                cmds.push(Command::Recover);
            }
            if ui
                .button("Discard")
                .on_hover_text("Delete the kept copy; the file on disk is not changed")
                .clicked()
            {
                cmds.push(Command::DiscardRecovered);
            }
        });
    });
}

/// File > Export report…: the format, the series option and the main run's fidelity,
/// then "Choose file…". Changes are pushed as commands.
pub fn export_modal(ctx: &egui::Context, current: &ExportChoice, name: &str, cmds: &mut Vec<Command>) {
    let mut c = *current;
    let (mut choose, mut close) = (false, false);
    let r = egui::Modal::new(egui::Id::unique("export_report")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading("Export report");
        ui.label(format!(
            "A report of “{name}” to share: cost per platform, itemised bills, break-even points, the cheapest-platform map, the verdict and the price sources."
        ));
        ui.add_space(6.0);
        ui.label(RichText::new("Format").strong());
        for f in ExportFormat::ALL {
            ui.horizontal(|ui| {
                ui.radio_value(&mut c.format, f, f.label())
                    .on_hover_text(format!("A .{} file: {}", f.ext(), f.help()));
                ui.label(RichText::new(f.help()).weak());
            });
            if f == ExportFormat::Csv {
                ui.indent("export_series", |ui| {
                    ui.add_enabled_ui(c.format == ExportFormat::Csv, |ui| {
                        ui.checkbox(&mut c.series, "Also write the time series")
                            .on_hover_text(
                                "Rates, instances and cost over time, to NAME-series.csv beside the report NAME.csv",
                            )
                            .on_disabled_hover_text("only for CSV reports");
                    });
                });
            }
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Main run").strong());
        ui.radio_value(&mut c.exact, false, "Fast estimate")
            .on_hover_text("The numbers shown while editing (seconds)");
        ui.radio_value(&mut c.exact, true, "Exact simulation")
            .on_hover_text("Simulate every request: exact cold starts, queues and tails");
        ui.label(
            RichText::new(
                "Exact takes longer (seconds to minutes). The break-even sweep, the map and the uncertainty bands always use the fast estimate.",
            )
            .weak(),
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .button("Choose file…")
                .on_hover_text(format!(
                    "Pick where to write the .{} file; the export then runs in the background",
                    c.format.ext()
                ))
                .clicked()
            {
                choose = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    // the choice first, so "Choose file…" uses it
    if c != *current {
        cmds.push(Command::SetExportChoice(c));
    }
    if choose {
        cmds.push(Command::ExportChooseFile);
    } else if close || r.should_close() {
        cmds.push(Command::CloseExport);
    }
}

/// A path field, when the native dialog is unavailable.
pub fn path_modal(ctx: &egui::Context, prompt: &mut PathPrompt, cmds: &mut Vec<Command>) {
    let verb = match prompt.purpose {
        PathPurpose::Open => "Open",
        PathPurpose::SaveAs => "Save",
        PathPurpose::PricingDir => "Load",
        PathPurpose::Trace => "Add",
        PathPurpose::ImportLogs => "Import",
        PathPurpose::ImportSave => "Create",
        PathPurpose::Export(_) => "Export",
    };
    let r = egui::Modal::new(egui::Id::unique("path_prompt")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading(prompt.purpose.title());
        ui.label(RichText::new(&prompt.reason).weak());
        ui.add_space(4.0);
        let l = ui.label("Path");
        let te = ui
            .add(
                egui::TextEdit::singleline(&mut prompt.text)
                    .hint_text(prompt.purpose.hint())
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id)
            .on_hover_text("An absolute path, or one relative to the folder Breakeven was started in; ~/ is your home folder. Enter confirms.");
        let enter = te.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        if !prompt.focused {
            // type straight away; later the user may move the focus elsewhere
            te.request_focus();
            prompt.focused = true;
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button(verb).clicked() || enter {
                cmds.push(Command::SubmitPath);
            }
            if ui.button("Cancel").clicked() {
                cmds.push(Command::ClosePrompt);
            }
        });
    });
    if r.should_close() && !cmds.contains(&Command::SubmitPath) {
        cmds.push(Command::ClosePrompt);
    }
}

pub fn about(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("About Breakeven")
        .open(open)
        .resizable(false)
        .collapsible(false)
        .default_width(380.0)
        .show(ctx, |ui| {
            ui.label(RichText::new("Breakeven").heading());
            ui.label(format!("version {}", env!("CARGO_PKG_VERSION")));
            ui.label("For this traffic, is serverless cheaper and good enough — and where does a container or VM win?");
            ui.add_space(6.0);
            ui.label("Shortcuts:");
            for (k, what) in [
                (&NEW, "new scenario"),
                (&OPEN, "open"),
                (&SAVE, "save"),
                (&SAVE_AS, "save as"),
                (&UNDO, "undo"),
                (&REDO, "redo (also Ctrl+Shift+Z)"),
                (&RUN_EXACT, "run the exact simulation"),
                (&EXPORT, "export a report"),
                (&QUIT, "quit"),
            ] {
                ui.label(format!("  {}  {what}", ctx.format_shortcut(k)));
            }
        });
}

/// Text for the status bar about the simulation.
pub fn sim_status(
    fresh: bool,
    has_view: bool,
    problems: usize,
    elapsed: Option<std::time::Duration>,
    error: Option<&str>,
) -> String {
    if problems > 0 {
        return format!(
            "Not simulated: {problems} problem{}",
            if problems == 1 { "" } else { "s" }
        );
    }
    if let Some(e) = error {
        return format!("Simulation failed: {e}");
    }
    match (fresh, has_view, elapsed) {
        (true, true, Some(d)) => format!("Up to date (computed in {})", fmt::elapsed(d)),
        _ => "Simulating…".into(),
    }
}
