//! User actions. Drawing code only *collects* commands during a frame; `App::apply` runs
//! them after it, in order. This is the one place (besides the editor's in-place value
//! edits, which end in `Edited`) where the document changes.
//!
//! Owns: what each action does to the app state. Must not: draw.

use super::App;
use super::defaults::{self, Kind};
use super::files;
use super::state::{ExportChoice, ExportFormat, Level, PathPrompt, PathPurpose, Pending, ThemeChoice};
use crate::model::{Component, Scenario};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    // files
    New,
    Open,
    OpenPath(PathBuf),
    Save,
    SaveAs,
    SaveAsPath(PathBuf),
    LoadPricing,
    LoadPricingPath(PathBuf),
    BuiltinPricing,
    /// Files dropped on the window.
    Dropped(Vec<PathBuf>),
    /// File → Import logs…: ask for the log files.
    ImportLogs,
    /// Read these logs and show the preview.
    ImportLogsPaths(Vec<PathBuf>),
    /// Stop the import in progress, or close its preview.
    CancelImport,
    /// "Create scenario…" in the preview: ask where to save it.
    CreateImported,
    CreateImportedPath(PathBuf),
    /// Typed into the path field shown when no native dialog is available.
    SubmitPath,
    ClosePrompt,
    // unsaved-changes prompt
    SaveThen(Pending),
    Discard(Pending),
    CancelPending,
    Quit,
    // unsaved edits of an earlier session (the first one offered)
    Recover,
    DiscardRecovered,
    // editing
    /// A value was edited in place; `group` is the widget id of a continuous gesture.
    Edited {
        group: Option<u64>,
    },
    /// Adds to the selected workload's traffic (as do the other component commands).
    AddComponent(Component),
    AddTrace,
    AddTracePath(PathBuf),
    RemoveComponent(usize),
    /// Adds a call to a managed service to the selected workload's requests.
    AddCall(crate::model::Call),
    RemoveCall(usize),
    MoveComponent {
        from: usize,
        to: usize,
    },
    AddPlatform {
        kind: Kind,
        service: String,
        instance: Option<String>,
    },
    RemovePlatform(usize),
    MovePlatform {
        from: usize,
        to: usize,
    },
    /// The service (or size) of platform `i` changed: fit its other fields.
    FitPlatform(usize),
    /// A new workload (one request per second, a plain request profile), selected. The
    /// scenario becomes version 2 (several workloads); an undo brings version 1 back.
    AddWorkload,
    /// A copy of workload `i` under a new name, selected.
    DuplicateWorkload(usize),
    /// Removes workload `i` (never the last one) and the mentions of it in `runs` and
    /// pipeline steps; components triggered by it are left for the user to fix.
    RemoveWorkload(usize),
    AddPipeline,
    RemovePipeline(usize),
    /// The Break-even tab's sweep scales this workload's own traffic (None: the whole
    /// application). Not an edit of the scenario: no undo step, the same revision.
    SetSweepFocus(Option<String>),
    Undo,
    Redo,
    // simulation
    RunExact,
    CancelExact,
    // report export
    /// File > Export report…: the window with the format and run choices.
    ExportReport,
    /// A choice in that window changed.
    SetExportChoice(ExportChoice),
    CloseExport,
    /// "Choose file…": the save dialog (or the path field) for the chosen format.
    ExportChooseFile,
    /// Export to this file with the current choices (its extension may pick the format).
    ExportTo(PathBuf),
    CancelExport,
    // view
    SetTheme(ThemeChoice),
    /// Show amounts in this currency ("USD", "EUR"): every view is derived again.
    SetCurrency(String),
    ToggleFrameTime,
    Dismiss(u64),
    ClearNotifications,
}

impl App {
    pub fn apply(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            self.apply_one(c);
        }
    }

    fn apply_one(&mut self, cmd: Command) {
        match cmd {
            Command::New => self.guarded(Pending::New),
            Command::Open => self.guarded(Pending::OpenDialog),
            Command::OpenPath(p) => self.guarded(Pending::OpenPath(p)),
            Command::Quit => self.guarded(Pending::Quit),
            Command::Save => self.save(None),
            Command::SaveAs => self.ask_path(PathPurpose::SaveAs),
            Command::SaveAsPath(p) => self.save_as(p),
            Command::LoadPricing => self.ask_path(PathPurpose::PricingDir),
            Command::LoadPricingPath(p) => self.load_pricing(Some(p)),
            Command::BuiltinPricing => self.load_pricing(None),
            Command::Dropped(paths) => self.dropped(paths),
            Command::ImportLogs => self.ask_path(PathPurpose::ImportLogs),
            Command::ImportLogsPaths(files) => self.start_import(files),
            Command::CancelImport => {
                if let Some(run) = &self.import_run {
                    run.control.request_cancel();
                }
                self.import_preview = None;
            }
            Command::CreateImported => self.ask_path(PathPurpose::ImportSave),
            Command::CreateImportedPath(p) => self.create_imported(p),
            Command::SubmitPath => self.submit_prompt(),
            Command::ClosePrompt => {
                self.ui.prompt = None;
                // a Save As abandoned: whatever waited for the save does not happen
                self.after_save = None;
            }
            Command::SaveThen(p) => {
                self.ui.confirm = None;
                if self.doc.path.is_some() {
                    self.save(None);
                    if !self.doc.dirty() {
                        self.run_pending(p);
                    }
                } else {
                    self.after_save = Some(p);
                    self.ask_path(PathPurpose::SaveAs);
                }
            }
            Command::Discard(p) => {
                self.ui.confirm = None;
                self.run_pending(p);
            }
            Command::Recover => self.recover(),
            Command::DiscardRecovered => {
                if !self.ui.recover.is_empty() {
                    let o = self.ui.recover.remove(0);
                    super::recovery::remove(&o);
                    self.notes
                        .info(format!("Discarded the unsaved edits of {}", o.scenario.name));
                }
            }
            Command::CancelPending => {
                self.ui.confirm = None;
                self.after_save = None;
            }
            Command::Edited { group } => self.commit(group),
            Command::AddComponent(c) => {
                self.selected_traffic().components.push(c);
                self.commit(None);
            }
            Command::AddCall(c) => {
                self.selected_request().calls.push(c);
                self.commit(None);
            }
            Command::RemoveCall(i) => {
                let v = &mut self.selected_request().calls;
                if i < v.len() {
                    v.remove(i);
                    self.commit(None);
                }
            }
            Command::AddTrace => self.ask_path(PathPurpose::Trace),
            Command::AddTracePath(p) => self.add_trace(&p),
            Command::RemoveComponent(i) => {
                let v = &mut self.selected_traffic().components;
                if i < v.len() {
                    v.remove(i);
                    self.commit(None);
                }
            }
            Command::MoveComponent { from, to } => {
                let v = &mut self.selected_traffic().components;
                if from < v.len() && to < v.len() && from != to {
                    let c = v.remove(from);
                    v.insert(to, c);
                    self.commit(None);
                }
            }
            Command::AddPlatform {
                kind,
                service,
                instance,
            } => match defaults::new_platform(kind, &service, instance.as_deref(), &self.doc.scenario, &self.catalog) {
                Some(p) => {
                    self.doc.scenario.platforms.push(p);
                    self.commit(None);
                }
                None => self.notes.error(
                    format!("Cannot add a {} on `{service}`", kind.label()),
                    vec!["the service is not in the catalog or cannot host this kind of platform".into()],
                ),
            },
            Command::RemovePlatform(i) => {
                if i < self.doc.scenario.platforms.len() {
                    self.doc.scenario.platforms.remove(i);
                    self.commit(None);
                }
            }
            Command::MovePlatform { from, to } => {
                let v = &mut self.doc.scenario.platforms;
                if from < v.len() && to < v.len() && from != to {
                    let p = v.remove(from);
                    v.insert(to, p);
                    self.commit(None);
                }
            }
            Command::FitPlatform(i) => {
                if let Some(p) = self.doc.scenario.platforms.get_mut(i) {
                    defaults::fit_to_service(p, &self.catalog);
                }
                self.commit(None);
            }
            Command::AddWorkload => {
                let w = defaults::new_workload(&self.doc.scenario);
                self.doc.scenario.workloads.push(w);
                self.doc.scenario.version = self.doc.scenario.version.max(2);
                self.ui.workload = self.doc.scenario.workloads.len() - 1;
                self.commit(None);
            }
            Command::DuplicateWorkload(i) => {
                if let Some(w) = defaults::duplicate_workload(&self.doc.scenario, i) {
                    self.doc.scenario.workloads.insert(i + 1, w);
                    self.doc.scenario.version = self.doc.scenario.version.max(2);
                    self.ui.workload = i + 1;
                    self.commit(None);
                }
            }
            Command::RemoveWorkload(i) => {
                if defaults::remove_workload(&mut self.doc.scenario, i) {
                    if self.ui.workload > i {
                        self.ui.workload -= 1;
                    }
                    self.ui.workload = self
                        .ui
                        .workload
                        .min(self.doc.scenario.workloads.len().saturating_sub(1));
                    self.commit(None);
                }
            }
            Command::AddPipeline => {
                let p = defaults::new_pipeline(&self.doc.scenario);
                self.doc.scenario.pipelines.push(p);
                self.doc.scenario.version = self.doc.scenario.version.max(2);
                self.commit(None);
            }
            Command::RemovePipeline(i) => {
                if i < self.doc.scenario.pipelines.len() {
                    self.doc.scenario.pipelines.remove(i);
                    self.commit(None);
                }
            }
            Command::SetSweepFocus(w) => {
                if w != self.ui.sweep_focus {
                    self.ui.sweep_focus = w;
                    // the same scenario again, for its sweep of the chosen traffic
                    self.revalidate_and_simulate();
                }
            }
            Command::Undo => {
                if let Some(prev) = self.history.undo(self.doc.scenario.clone()) {
                    self.replace_scenario(prev);
                }
            }
            Command::Redo => {
                if let Some(next) = self.history.redo(self.doc.scenario.clone()) {
                    self.replace_scenario(next);
                }
            }
            Command::RunExact => self.run_exact(),
            Command::CancelExact => {
                if let Some(run) = self.sim.exact.take() {
                    run.control.request_cancel();
                    self.notes.info("Exact run cancelled");
                }
            }
            Command::ExportReport => self.open_export(),
            Command::SetExportChoice(c) => self.settings.export = c,
            Command::CloseExport => self.ui.export_open = false,
            Command::ExportChooseFile => {
                self.ui.export_open = false;
                self.ask_path(PathPurpose::Export(self.settings.export.format));
            }
            Command::ExportTo(p) => self.start_export(p, self.settings.export.format),
            Command::CancelExport => {
                if let Some(run) = &mut self.export
                    && !run.cancelling
                {
                    run.control.request_cancel();
                    run.cancelling = true;
                }
            }
            Command::SetTheme(t) => self.settings.theme = t,
            Command::SetCurrency(code) => {
                let fx = super::currency_of(&self.catalog, &code);
                if code != "USD" && fx.is_none() {
                    self.notes
                        .warn(format!("No exchange rate for {code} in the catalog"), Vec::new());
                    return;
                }
                if let Some(fx) = &fx {
                    self.notes.info(format!(
                        "Amounts in {} at {} per US dollar (reference rate of {})",
                        fx.code,
                        fx.per_usd.round_dp(4).normalize(),
                        fx.date
                    ));
                }
                super::fmt::set_currency(fx);
                self.settings.currency = if code == "USD" { String::new() } else { code };
                // the views hold their text: derive them again, in the new currency
                self.doc.revision += 1;
                self.revalidate_and_simulate();
            }
            Command::ToggleFrameTime => self.settings.show_frame_time = !self.settings.show_frame_time,
            Command::Dismiss(id) => self.notes.dismiss(id),
            Command::ClearNotifications => self.notes.clear(),
        }
    }

    /// Runs `p` now, or asks first when it would discard unsaved changes.
    fn guarded(&mut self, p: Pending) {
        if self.doc.dirty() {
            self.ui.confirm = Some(p);
        } else {
            self.run_pending(p);
        }
    }

    pub(crate) fn run_pending(&mut self, p: Pending) {
        match p {
            Pending::New => match crate::model::default_scenario(&self.catalog) {
                Ok(s) => {
                    self.set_document(s, None);
                    self.notes.info("New scenario (the built-in default)");
                }
                Err(e) => self.notes.error(
                    "The built-in scenario does not validate with this catalog",
                    e.problems().iter().map(|p| p.to_string()).collect(),
                ),
            },
            Pending::OpenDialog => self.ask_path(PathPurpose::Open),
            Pending::OpenPath(path) => self.open_path(&path),
            Pending::Quit => {
                self.ui.allow_close = true;
                self.close_requested = true;
            }
        }
    }

    /// Opens the first offered working copy as the document: its file (if any) as the
    /// path, and as "saved" what that file holds now, so the edits show as unsaved.
    fn recover(&mut self) {
        if self.ui.recover.is_empty() {
            return;
        }
        let o = self.ui.recover.remove(0);
        let on_disk = o
            .path
            .as_deref()
            .and_then(|p| files::open_scenario(p, &self.catalog).ok());
        // a working copy holds the names of its quantile files, not their values: read
        // them from the scenario's folder, as opening it would
        let mut scenario = o.scenario.clone();
        let base = o.path.as_deref().map(files::parent_dir);
        let unread = crate::model::empirical::resolve(&mut scenario, base.as_deref());
        if !unread.is_empty() {
            self.notes.warn(
                "Some quantile files of the recovered edits cannot be read",
                unread.iter().map(|p| format!("{}: {}", p.path, p.message)).collect(),
            );
        }
        self.set_document(scenario, o.path.clone());
        self.doc.saved = on_disk;
        // this window's working copy holds them now; the old one can go
        self.keep_working_copy(true);
        super::recovery::remove(&o);
        self.notes.info(format!(
            "Recovered the unsaved edits of “{}” from {}",
            o.scenario.name, o.saved_at
        ));
    }

    fn open_path(&mut self, path: &std::path::Path) {
        match files::open_scenario(path, &self.catalog) {
            Ok(s) => {
                self.set_document(s, Some(path.to_path_buf()));
                self.settings.remember(path);
                self.notes.info(format!("Opened {}", path.display()));
            }
            Err(lines) => {
                // the current scenario stays as it is
                self.notes.error(format!("Cannot open {}", path.display()), lines);
            }
        }
    }

    fn save(&mut self, path: Option<PathBuf>) {
        let Some(path) = path.or_else(|| self.doc.path.clone()) else {
            self.ask_path(PathPurpose::SaveAs);
            return;
        };
        let old_base = self.doc.base_dir();
        match files::save_scenario(&path, &self.doc.scenario, &old_base) {
            Ok(saved) => {
                let moved = saved != self.doc.scenario;
                if moved {
                    // trace paths were rewritten for the new folder: that is the document now
                    self.doc.scenario = saved.clone();
                    self.committed = saved.clone();
                    self.bump();
                }
                self.doc.path = Some(path.clone());
                self.doc.saved = Some(saved);
                self.settings.remember(&path);
                if !self.problems.is_empty() {
                    self.notes.warn(
                        format!("Saved {} with {} problems", path.display(), self.problems.len()),
                        vec!["fix them before the file can be opened again or simulated".into()],
                    );
                } else {
                    self.notes.info(format!("Saved {}", path.display()));
                }
                if moved {
                    self.revalidate_and_simulate();
                }
                if let Some(p) = self.after_save.take() {
                    self.run_pending(p);
                }
            }
            Err(e) => {
                self.after_save = None;
                self.notes.error(format!("Cannot save {}", path.display()), vec![e]);
            }
        }
    }

    fn save_as(&mut self, path: PathBuf) {
        let path = files::with_ron_extension(path);
        self.save(Some(path));
    }

    fn load_pricing(&mut self, dir: Option<PathBuf>) {
        let loaded = match &dir {
            Some(d) => files::load_catalog(d),
            None => crate::pricing::Catalog::builtin().map_err(|e| e.to_string()),
        };
        match loaded {
            Ok(cat) => {
                self.catalog_view = defaults::CatalogView::new(&cat);
                self.catalog = Arc::new(cat);
                self.bump();
                self.notes.info(match &dir {
                    Some(d) => format!("Prices from {} (on top of the built-in catalog)", d.display()),
                    None => "Built-in prices".to_string(),
                });
                self.pricing_dir = dir;
                self.revalidate_and_simulate();
            }
            Err(e) => self
                .notes
                .error("Cannot load the pricing folder; prices unchanged", vec![e]),
        }
    }

    fn dropped(&mut self, paths: Vec<PathBuf>) {
        let mut logs = Vec::new();
        for p in paths {
            if files::has_extension(&p, "ron") {
                self.apply_one(Command::OpenPath(p));
            } else if files::has_extension(&p, "csv") && !files::is_log(&p) {
                self.add_trace(&p);
            } else if p.is_file() {
                // anything else that is a file: logs to import (all dropped together, one log)
                logs.push(p);
            } else {
                self.notes.warn(
                    format!("Ignored {}", p.display()),
                    vec!["drop a scenario (.ron), a trace (.csv) or log files".into()],
                );
            }
        }
        if !logs.is_empty() {
            self.start_import(logs);
        }
    }

    /// Reads `files` in the background; the preview opens when they are read.
    fn start_import(&mut self, files: Vec<PathBuf>) {
        if self.import_run.is_some() {
            self.notes.warn(
                "Logs are being imported already",
                vec!["wait for the preview, or cancel it, then import again".into()],
            );
            return;
        }
        self.imports += 1;
        let job = super::import::ImportJob {
            id: self.imports,
            files: files.clone(),
            catalog: self.catalog.clone(),
            control: crate::sim::Control::default(),
            lines: Default::default(),
        };
        self.import_preview = None;
        self.import_run = Some(super::import::ImportRun {
            id: job.id,
            files,
            control: job.control.clone(),
            lines: job.lines.clone(),
            started: std::time::Instant::now(),
        });
        self.worker.import(job);
    }

    /// Writes the previewed scenario and its side files at `path`, then opens it (asking
    /// first about unsaved changes).
    fn create_imported(&mut self, path: PathBuf) {
        let path = files::with_ron_extension(path);
        let Some(p) = &self.import_preview else {
            return;
        };
        match p.built.write(&path) {
            Ok(side) => {
                let mut lines = vec![format!("wrote {}", path.display())];
                lines.extend(side.iter().map(|f| format!("wrote {}", f.display())));
                self.notes
                    .push(Level::Info, format!("Created {} from the logs", path.display()), lines);
                self.import_preview = None;
                self.apply_one(Command::OpenPath(path));
            }
            Err(e) => self.notes.error(
                format!("Cannot create {}", path.display()),
                vec![e, "nothing was written; the preview stays open".into()],
            ),
        }
    }

    fn add_trace(&mut self, path: &std::path::Path) {
        match files::trace_component(path, &self.doc.base_dir()) {
            Ok(c) => {
                self.selected_traffic().components.push(c);
                self.commit(None);
                self.notes.info(format!("Added trace {}", path.display()));
            }
            Err(lines) => self
                .notes
                .error(format!("Cannot use {} as a trace", path.display()), lines),
        }
    }

    /// Shows the native dialog, or the path field when there is none.
    pub(crate) fn ask_path(&mut self, purpose: PathPurpose) {
        if self.dialogs.busy() {
            return;
        }
        let start = Some(self.doc.base_dir());
        let name = match purpose {
            PathPurpose::SaveAs => Some(
                self.doc
                    .path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| files::suggested_file_name(&self.doc.scenario)),
            ),
            PathPurpose::Export(f) => Some(self.report_name(f)),
            PathPurpose::ImportSave => self
                .import_preview
                .as_ref()
                .map(|p| format!("{}.breakeven.ron", p.stem)),
            _ => None,
        };
        self.dialogs.request(purpose, start, name);
    }

    pub(crate) fn dialog_answer(&mut self, a: files::DialogAnswer) {
        match a.path {
            Some(p) => self.use_path(a.purpose, p),
            None if a.unavailable => {
                self.notes.push(
                    Level::Warning,
                    "The system file dialog is unavailable",
                    vec!["no desktop portal or zenity answered; type a path instead".into()],
                );
                let text = match a.purpose {
                    PathPurpose::SaveAs => {
                        self.doc
                            .path
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_else(|| {
                                self.doc
                                    .base_dir()
                                    .join(files::suggested_file_name(&self.doc.scenario))
                                    .display()
                                    .to_string()
                            })
                    }
                    PathPurpose::Export(f) => self.doc.base_dir().join(self.report_name(f)).display().to_string(),
                    PathPurpose::ImportSave => match &self.import_preview {
                        Some(p) => self
                            .doc
                            .base_dir()
                            .join(format!("{}.breakeven.ron", p.stem))
                            .display()
                            .to_string(),
                        None => String::new(),
                    },
                    _ => String::new(),
                };
                self.ui.prompt = Some(PathPrompt {
                    purpose: a.purpose,
                    text,
                    reason: "The system file dialog is unavailable: type a path.".into(),
                    focused: false,
                });
            }
            None => {
                // cancelled by the user
                self.after_save = None;
            }
        }
    }

    fn submit_prompt(&mut self) {
        let Some(prompt) = self.ui.prompt.take() else { return };
        let text = prompt.text.trim();
        if text.is_empty() {
            self.ui.prompt = Some(prompt);
            return;
        }
        let path = expand_home(text);
        self.use_path(prompt.purpose, path);
    }

    fn use_path(&mut self, purpose: PathPurpose, p: PathBuf) {
        match purpose {
            // the unsaved-changes question was asked before the dialog
            PathPurpose::Open => self.open_path(&p),
            PathPurpose::SaveAs => self.save_as(p),
            PathPurpose::PricingDir => self.load_pricing(Some(p)),
            PathPurpose::Trace => self.add_trace(&p),
            PathPurpose::ImportLogs => self.start_import(vec![p]),
            PathPurpose::ImportSave => self.create_imported(p),
            PathPurpose::Export(f) => self.start_export(p, f),
        }
    }

    /// The traffic of the workload the editor has selected (the first one when the
    /// selection is out of range, e.g. after an undo removed a workload).
    fn selected_request(&mut self) -> &mut crate::model::Workload {
        let n = self.doc.scenario.workloads.len();
        if n == 0 {
            return self.doc.scenario.workload_mut();
        }
        if self.ui.workload >= n {
            self.ui.workload = 0;
        }
        &mut self.doc.scenario.workloads[self.ui.workload].request
    }

    fn selected_traffic(&mut self) -> &mut crate::model::Traffic {
        let n = self.doc.scenario.workloads.len();
        if n == 0 {
            return self.doc.scenario.traffic_mut();
        }
        if self.ui.workload >= n {
            self.ui.workload = 0;
        }
        &mut self.doc.scenario.workloads[self.ui.workload].traffic
    }

    /// Records an edit of the scenario (already applied in place) as one undo step, or
    /// merges it into the open gesture, then re-validates and re-simulates.
    pub(crate) fn commit(&mut self, group: Option<u64>) {
        if self.doc.scenario == self.committed {
            return;
        }
        let before = std::mem::replace(&mut self.committed, self.doc.scenario.clone());
        self.history.record(before, group);
        self.bump();
        self.revalidate_and_simulate();
    }

    fn replace_scenario(&mut self, s: Scenario) {
        self.doc.scenario = s.clone();
        self.committed = s;
        self.bump();
        self.revalidate_and_simulate();
    }

    pub(crate) fn set_document(&mut self, s: Scenario, path: Option<PathBuf>) {
        self.doc = super::state::Document::new(s.clone(), path);
        // another file: its workloads are not the ones chosen from
        self.ui.sweep_focus = None;
        self.bump();
        self.committed = s;
        self.history.clear();
        self.revalidate_and_simulate();
    }

    /// A new revision number for the document. Revisions keep increasing across
    /// documents, so a late result of the previous document is never taken for the new one.
    pub(crate) fn bump(&mut self) {
        self.revisions += 1;
        self.doc.revision = self.revisions;
    }

    /// The suggested file name of a report in format `f`.
    fn report_name(&self, f: ExportFormat) -> String {
        files::suggested_report_name(&self.doc.scenario, self.doc.path.as_deref(), f)
    }

    /// Why a report cannot be exported now, if it cannot.
    fn export_blocked(&self) -> Option<(String, Vec<String>)> {
        if self.export.is_some() {
            return Some(("A report is already being exported".into(), Vec::new()));
        }
        if !self.problems.is_empty() {
            return Some((
                "Fix the scenario's problems before exporting a report".into(),
                self.problems
                    .list
                    .iter()
                    .map(|p| format!("{}: {}", p.path, p.message))
                    .collect(),
            ));
        }
        None
    }

    fn open_export(&mut self) {
        match self.export_blocked() {
            Some((title, lines)) => self.notes.warn(title, lines),
            None => self.ui.export_open = true,
        }
    }

    /// Builds and writes the report of the scenario as it is now, in the background. A
    /// report extension typed in `path` picks the format; without one, `format`'s is added.
    fn start_export(&mut self, path: PathBuf, format: ExportFormat) {
        if let Some((title, lines)) = self.export_blocked() {
            self.notes.warn(title, lines);
            return;
        }
        let (path, format) = files::report_path(path, format);
        let choice = self.settings.export;
        let mode = if choice.exact {
            crate::sim::Mode::Exact
        } else {
            crate::sim::Mode::Fast
        };
        self.exports += 1;
        let job = super::worker::ExportJob {
            id: self.exports,
            scenario: self.doc.scenario.clone(),
            base_dir: self.doc.base_dir(),
            catalog: self.catalog.clone(),
            options: crate::report::Options {
                run_mode: mode,
                ..crate::report::Options::default()
            },
            path: path.clone(),
            write: crate::report::WriteOptions {
                series: choice.series && format == ExportFormat::Csv,
            },
            control: crate::sim::Control::default(),
        };
        self.export = Some(super::ExportRun {
            id: job.id,
            path,
            mode,
            control: job.control.clone(),
            started: std::time::Instant::now(),
            cancelling: false,
        });
        self.worker.export(job);
    }

    fn run_exact(&mut self) {
        if self.sim.exact.is_some() {
            return;
        }
        if !self.problems.is_empty() {
            self.notes.warn(
                "Fix the scenario's problems before running the exact simulation",
                self.problems
                    .list
                    .iter()
                    .map(|p| format!("{}: {}", p.path, p.message))
                    .collect(),
            );
            return;
        }
        let job = self.job(crate::sim::Mode::Exact);
        self.sim.exact = Some(super::ExactRun {
            generation: job.generation,
            control: job.control.clone(),
            started: std::time::Instant::now(),
        });
        self.worker.submit(job);
    }
}

/// `~/x` means the home folder, as in a shell.
fn expand_home(text: &str) -> PathBuf {
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(text)
}
