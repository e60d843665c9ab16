//! The desktop application (eframe/egui): a thin shell over the core. It edits a
//! `Scenario`, hands it to a background worker, and draws the results.
//!
//! One `App` holds all state. A frame: take what the worker and the file dialogs have
//! finished; read shortcuts, dropped files and close requests; draw the panels (which only
//! *collect* `Command`s, plus the editor's in-place value edits); apply the commands; close
//! the undo gesture if the drag or typing ended. Nothing is computed while drawing: the
//! worker simulates and analyses; `ResultsView` and `AnalysisState` derive every string
//! and plot point once, when a result or an analysis arrives.
//!
//! Files: `state` (plain data), `commands` (actions), `worker` (background simulation and
//! analyses), `undo` (history), `editor` (left panel), `results` (derived data + central
//! panel), `plots` (the charts), `analysis` (derived analysis data: break-even, map,
//! verdict, bands), `analysis_tabs` (the Break-even and Cheapest map tabs), `placements`
//! (an application's placement matrix, derived once per result, and its tab), `chrome`
//! (menus, shortcuts, status, notifications, dialogs), `files` (reading and writing, native
//! dialogs), `defaults` (catalog-aware defaults and sourced rates), `fmt` (number formatting).

pub mod analysis;
pub mod analysis_tabs;
pub mod buying;
pub mod chrome;
pub mod commands;
pub mod defaults;
pub mod editor;
pub mod files;
pub mod fmt;
pub mod import;
pub mod placements;
pub mod plots;
pub mod recovery;
pub mod results;
pub mod state;
pub mod undo;
pub mod worker;

pub use commands::Command;
pub use results::ResultsView;

use crate::model::{self, Scenario};
use crate::pricing::Catalog;
use crate::sim::{Control, Mode, SimError};
use state::{Document, Notifications, Problems, Settings, ThemeChoice, UiState};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use undo::History;
pub use worker::AnalysisPlan;
use worker::{Delivery, Job, Reply, Worker};

/// The currencies View > Currency offers (the catalog's table has more; these are the
/// ones planners ask for).
pub const CURRENCIES: [&str; 9] = ["USD", "EUR", "GBP", "JPY", "INR", "AUD", "CAD", "CHF", "BRL"];

/// `code`'s rate from the catalog's table (None: US dollars, or a code it lacks).
pub fn currency_of(catalog: &Catalog, code: &str) -> Option<crate::pricing::fx::Fx> {
    if code.is_empty() || code == "USD" {
        return None;
    }
    catalog.fx(code).ok()
}

/// Key of the settings in eframe's storage.
pub const SETTINGS_KEY: &str = "breakeven-settings";

/// Opens the window on the last scenario (or the built-in default) and runs until it is
/// closed.
pub fn run(catalog: Catalog, pricing_dir: Option<PathBuf>, open: Option<PathBuf>) -> Result<(), String> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Breakeven")
        .with_app_id("breakeven")
        .with_inner_size([1560.0, 960.0])
        .with_min_inner_size([900.0, 600.0])
        .with_drag_and_drop(true);
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "Breakeven",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, catalog, pricing_dir, open)))),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

/// The application icon (assets/, the 256 px rendering the desktop entry also uses).
pub fn window_icon() -> Option<egui::IconData> {
    const PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/io.github.breakeven.Breakeven.png");
    eframe::icon_data::from_png_bytes(PNG).ok()
}

/// An exact simulation in progress.
pub struct ExactRun {
    pub generation: u64,
    pub control: Control,
    pub started: Instant,
}

/// A report being built and written in the background.
pub struct ExportRun {
    pub id: u64,
    pub path: PathBuf,
    pub mode: Mode,
    pub control: Control,
    pub started: Instant,
    /// Cancel was asked for; the export stops at its next check.
    pub cancelling: bool,
}

/// What the results area shows.
#[derive(Default)]
pub struct SimState {
    pub view: Option<ResultsView>,
    pub exact: Option<ExactRun>,
    /// The engine's error for a revision.
    pub error: Option<(u64, String)>,
    /// Break-even, map, verdict and bands, each part stamped with its generation.
    pub analysis: analysis::AnalysisState,
}

/// How an `App` is set up (tests use an inline worker and no native dialogs).
pub struct Options {
    pub inline_worker: bool,
    pub native_dialogs: bool,
    pub settings: Settings,
    /// Asked to repaint when a background result or dialog answer is ready.
    pub repaint: Option<egui::Context>,
    /// Which analyses follow each fast result (tests of editing leave them off).
    pub analysis: AnalysisPlan,
    /// Where unsaved edits are kept while the window runs and looked for at start
    /// (`recovery`); None keeps no working copy (tests that are not about it).
    pub recovery_dir: Option<PathBuf>,
    /// A scenario to open at start instead of the last one (the command line's FILE).
    pub open: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inline_worker: true,
            native_dialogs: false,
            settings: Settings::default(),
            repaint: None,
            analysis: AnalysisPlan::OFF,
            recovery_dir: None,
            open: None,
        }
    }
}

/// Build times of the last frames.
#[derive(Default)]
pub struct FrameStats {
    times: std::collections::VecDeque<Duration>,
}

impl FrameStats {
    const KEEP: usize = 120;
    fn record(&mut self, d: Duration) {
        self.times.push_back(d);
        if self.times.len() > Self::KEEP {
            self.times.pop_front();
        }
    }
    /// (last, slowest) in ms.
    pub fn summary(&self) -> Option<(f64, f64)> {
        let last = self.times.back()?;
        let max = self.times.iter().max()?;
        Some((last.as_secs_f64() * 1e3, max.as_secs_f64() * 1e3))
    }
}

pub struct App {
    pub(crate) catalog: Arc<Catalog>,
    /// The editor's view of the catalog (choices, sourced tooltips), rebuilt with it.
    pub(crate) catalog_view: defaults::CatalogView,
    pub(crate) pricing_dir: Option<PathBuf>,
    pub(crate) doc: Document,
    /// The scenario as of the last recorded undo step.
    pub(crate) committed: Scenario,
    pub(crate) history: History<Scenario>,
    pub(crate) problems: Problems,
    pub(crate) sim: SimState,
    pub(crate) worker: Worker,
    pub(crate) dialogs: files::Dialogs,
    pub(crate) notes: Notifications,
    pub(crate) settings: Settings,
    pub(crate) ui: UiState,
    /// What to do once a Save As started from the unsaved-changes prompt succeeds.
    pub(crate) after_save: Option<state::Pending>,
    /// The report export in progress (one at a time).
    pub(crate) export: Option<ExportRun>,
    /// Exports started so far (identifies their replies).
    pub(crate) exports: u64,
    /// Logs being read (one import at a time)...
    pub(crate) import_run: Option<import::ImportRun>,
    /// ...and what they hold, shown before a scenario is created from them.
    pub(crate) import_preview: Option<Box<import::Preview>>,
    /// Imports started so far (identifies their replies).
    pub(crate) imports: u64,
    pub(crate) close_requested: bool,
    pub(crate) revisions: u64,
    /// This window's working copy of unsaved edits (None: not kept).
    pub(crate) recovery: Option<recovery::Recovery>,
    last_title: String,
    applied_theme: Option<ThemeChoice>,
    frames: FrameStats,
}

/// A scenario with no platforms, the last resort when nothing else parses.
const MINIMAL: &str = "Scenario(version: 1, name: \"Untitled scenario\", traffic: Traffic(components: [Constant(rps: 1.0)]), \
    workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.5, cold_start_ms: Fixed(300.0)), platforms: [])";

/// Both texts are fixed at compile time and a unit test parses them.
fn catalog_free_minimal() -> Scenario {
    match model::ron_options().from_str(MINIMAL) {
        Ok(s) => s,
        Err(e) => panic!("the built-in minimal scenario must parse: {e}"),
    }
}

/// The built-in scenario without validation, for a catalog it does not fit (a user's
/// pricing folder may replace a service): shown with its problems rather than not at all.
fn default_unvalidated() -> Option<Scenario> {
    const TEXT: &str = include_str!("../../scenarios/startup-launch.ron");
    model::ron_options().from_str(TEXT).ok()
}

impl App {
    /// The application as eframe starts it: settings from storage, a background worker.
    /// `open`: a scenario given on the command line (a file manager's double-click), opened
    /// instead of the last one.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        catalog: Catalog,
        pricing_dir: Option<PathBuf>,
        open: Option<PathBuf>,
    ) -> App {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        App::with_options(
            catalog,
            pricing_dir,
            Options {
                inline_worker: false,
                native_dialogs: true,
                settings,
                repaint: Some(cc.egui_ctx.clone()),
                analysis: AnalysisPlan::FULL,
                recovery_dir: eframe::storage_dir("breakeven").map(|d| d.join("recovery")),
                open,
            },
        )
    }

    /// The application for tests: built-in prices, default settings, results computed
    /// inline (deterministic), no native dialogs, no analyses.
    pub fn for_tests() -> App {
        App::for_tests_with(AnalysisPlan::OFF)
    }

    /// As `for_tests`, with these analyses (computed inline, on the frame after each result).
    pub fn for_tests_with(analysis: AnalysisPlan) -> App {
        let catalog = Catalog::builtin().unwrap_or_default();
        App::with_options(
            catalog,
            None,
            Options {
                analysis,
                ..Options::default()
            },
        )
    }

    pub fn with_options(catalog: Catalog, pricing_dir: Option<PathBuf>, opts: Options) -> App {
        let mut notes = Notifications::default();
        let mut settings = opts.settings;
        // a log file given to open is imported (with its preview), as when it is dropped
        let (open, import_logs) = match opts.open {
            Some(f) if files::is_log(&f) => (None, Some(f)),
            other => (other, None),
        };
        let (scenario, path) = initial_document(&catalog, &mut settings, &mut notes, open.as_deref());
        // amounts in the currency chosen last time (US dollars when the table lacks it)
        fmt::set_currency(currency_of(&catalog, &settings.currency));
        let recovery = opts
            .recovery_dir
            .as_deref()
            .and_then(|d| match recovery::Recovery::claim(d) {
                Ok(r) => Some(r),
                Err(e) => {
                    notes.warn(
                        "Unsaved edits cannot be kept on disk in case the app closes unexpectedly",
                        vec![e],
                    );
                    None
                }
            });
        let (orphans, unreadable) = match &opts.recovery_dir {
            Some(d) => recovery::orphans(d, recovery.as_ref()),
            None => (Vec::new(), Vec::new()),
        };
        if !unreadable.is_empty() {
            notes.warn("Some unsaved edits from an earlier session cannot be read", unreadable);
        }
        let worker = if opts.inline_worker {
            Worker::inline(opts.analysis)
        } else {
            Worker::threaded(opts.repaint.clone(), opts.analysis)
        };
        let mut app = App {
            catalog_view: defaults::CatalogView::new(&catalog),
            catalog: Arc::new(catalog),
            pricing_dir,
            committed: scenario.clone(),
            doc: Document::new(scenario, path),
            history: History::default(),
            problems: Problems::default(),
            sim: SimState::default(),
            worker,
            dialogs: files::Dialogs::new(opts.native_dialogs, opts.repaint),
            notes,
            settings,
            ui: UiState {
                editor_open: true,
                recover: orphans,
                ..Default::default()
            },
            after_save: None,
            export: None,
            exports: 0,
            import_run: None,
            import_preview: None,
            imports: 0,
            close_requested: false,
            revisions: 1,
            recovery,
            last_title: String::new(),
            applied_theme: None,
            frames: FrameStats::default(),
        };
        app.revalidate_and_simulate();
        if let Some(f) = import_logs {
            app.apply(vec![Command::ImportLogsPaths(vec![f])]);
        }
        app
    }

    // --- read access (tests, benchmarks) ---

    pub fn scenario(&self) -> &Scenario {
        &self.doc.scenario
    }
    pub fn path(&self) -> Option<&std::path::Path> {
        self.doc.path.as_deref()
    }
    pub fn is_dirty(&self) -> bool {
        self.doc.dirty()
    }
    pub fn title(&self) -> String {
        self.doc.title()
    }
    pub fn results(&self) -> Option<&ResultsView> {
        self.sim.view.as_ref()
    }
    /// The analyses shown (each part with the generation it was computed for).
    pub fn analysis(&self) -> &analysis::AnalysisState {
        &self.sim.analysis
    }
    /// The document revision that results and analyses are compared against.
    pub fn revision(&self) -> u64 {
        self.doc.revision
    }
    /// True when the shown results are for the scenario as it is now.
    pub fn results_current(&self) -> bool {
        self.sim
            .view
            .as_ref()
            .is_some_and(|v| v.generation == self.doc.revision)
    }
    pub fn problems(&self) -> &Problems {
        &self.problems
    }
    pub fn notifications(&self) -> &[state::Note] {
        &self.notes.items
    }
    pub fn undo_steps(&self) -> usize {
        self.history.undo_len()
    }
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    pub fn frame_stats(&self) -> &FrameStats {
        &self.frames
    }
    /// True while a report is being exported.
    pub fn exporting(&self) -> bool {
        self.export.is_some()
    }

    /// A job for the current scenario.
    pub(crate) fn job(&self, mode: Mode) -> Job {
        Job {
            generation: self.doc.revision,
            mode,
            scenario: self.doc.scenario.clone(),
            base_dir: self.doc.base_dir(),
            catalog: self.catalog.clone(),
            control: Control::default(),
            sweep_focus: analysis::focus_index(
                &self.doc.scenario,
                &self.ui.sweep_choices,
                self.ui.sweep_focus.as_deref(),
            ),
        }
    }

    /// The workload the break-even sweep scales on its own (None: the whole scenario).
    pub fn sweep_focus(&self) -> Option<&str> {
        self.ui.sweep_focus.as_deref()
    }

    /// Validates the current scenario; simulates it (fast) when it is valid. A running
    /// exact simulation of an older revision is cancelled.
    pub(crate) fn revalidate_and_simulate(&mut self) {
        let base = self.doc.base_dir();
        self.problems = Problems::new(model::validate_scenario(&self.doc.scenario, &self.catalog, Some(&base)));
        self.ui.sweep_choices = analysis::focus_choices(&self.doc.scenario);
        if analysis::focus_index(
            &self.doc.scenario,
            &self.ui.sweep_choices,
            self.ui.sweep_focus.as_deref(),
        )
        .is_none()
        {
            // removed, renamed, now triggered only, or a single workload: the whole traffic
            self.ui.sweep_focus = None;
        }
        if let Some(run) = self.sim.exact.take() {
            if run.generation == self.doc.revision {
                self.sim.exact = Some(run);
            } else {
                run.control.request_cancel();
                self.notes.info("Exact simulation cancelled: the scenario changed");
            }
        }
        if self.problems.is_empty() {
            let job = self.job(Mode::Fast);
            self.worker.submit(job);
        }
    }

    fn on_reply(&mut self, r: Reply) {
        let slo = r.slo_ms;
        match r.mode {
            Mode::Exact => {
                if self.sim.exact.as_ref().is_some_and(|e| e.generation == r.generation) {
                    self.sim.exact = None;
                }
                match r.outcome {
                    Err(SimError::Cancelled) => {}
                    Err(e) => self.notes.error("The exact simulation failed", vec![e.to_string()]),
                    Ok(res) if r.generation == self.doc.revision => {
                        self.sim.view = Some(ResultsView::new(&res, r.generation, r.elapsed, slo, &r.runs));
                        self.notes
                            .info(format!("Exact simulation done in {}", fmt::elapsed(r.elapsed)));
                    }
                    Ok(_) => {}
                }
            }
            Mode::Fast => match r.outcome {
                Ok(res) => {
                    if let Some(v) = &self.sim.view
                        && (v.generation > r.generation || (v.generation == r.generation && v.mode == Mode::Exact))
                    {
                        return;
                    }
                    self.sim.view = Some(ResultsView::new(&res, r.generation, r.elapsed, slo, &r.runs));
                    if self.sim.error.as_ref().is_some_and(|e| e.0 <= r.generation) {
                        self.sim.error = None;
                    }
                }
                Err(SimError::Cancelled) => {}
                Err(e) => {
                    let msg = e.to_string();
                    if self.sim.error.as_ref().map(|x| &x.1) != Some(&msg) {
                        self.notes.error("The simulation failed", vec![msg.clone()]);
                    }
                    self.sim.error = Some((r.generation, msg));
                }
            },
        }
    }

    /// An export finished, failed or stopped: say exactly what was written, or why not.
    fn on_import(&mut self, r: import::ImportReply) {
        if self.import_run.as_ref().is_some_and(|i| i.id == r.id) {
            self.import_run = None;
        } else {
            return;
        }
        let names = r
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        match r.outcome {
            Ok(p) => self.import_preview = Some(p),
            Err(None) => self.notes.info(format!("Import of {names} cancelled")),
            Err(Some(e)) => self.notes.error(
                format!("Cannot import {names}"),
                vec![e, "nothing was created; the scenario is unchanged".into()],
            ),
        }
    }

    fn on_export(&mut self, r: worker::ExportReply) {
        if self.export.as_ref().is_some_and(|e| e.id == r.id) {
            self.export = None;
        }
        match r.outcome {
            Ok(written) => {
                let mut lines: Vec<String> = written.files.iter().map(|f| format!("wrote {}", f.display())).collect();
                lines.extend(written.warnings.iter().map(|w| format!("warning: {w}")));
                let title = format!(
                    "Exported the report to {} (in {})",
                    r.path.display(),
                    fmt::elapsed(r.elapsed)
                );
                if written.warnings.is_empty() {
                    self.notes.push(state::Level::Info, title, lines);
                } else {
                    self.notes.warn(title, lines);
                }
            }
            Err(None) => self
                .notes
                .info(format!("Export cancelled; nothing written to {}", r.path.display())),
            Err(Some(e)) => self.notes.error(
                format!("Cannot export the report to {}", r.path.display()),
                vec![e, "nothing was written; the scenario is unchanged".into()],
            ),
        }
    }

    /// Keeps the working copy in step with the document: written (at most every
    /// `recovery::WRITE_EVERY` during a gesture, at once after it) while there are unsaved
    /// changes, removed when there are none. True when a write is still due.
    fn keep_working_copy(&mut self, settled: bool) -> bool {
        let Some(r) = &mut self.recovery else {
            return false;
        };
        if !self.doc.dirty() {
            r.clear();
            return false;
        }
        match r.keep(&self.doc.scenario, self.doc.path.as_deref(), self.doc.revision, settled) {
            Ok(_) => {}
            Err(e) => {
                self.notes.warn("Cannot keep a copy of the unsaved edits", vec![e]);
                // do not retry every frame: a new revision tries again
            }
        }
        !r.is_current(self.doc.revision)
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.applied_theme != Some(self.settings.theme) {
            ctx.set_theme(match self.settings.theme {
                ThemeChoice::Dark => egui::Theme::Dark,
                ThemeChoice::Light => egui::Theme::Light,
            });
            self.applied_theme = Some(self.settings.theme);
        }
    }

    /// One frame of the whole UI. Used by eframe and by the tests.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        self.apply_theme(&ctx);

        // 1. what finished in the background
        for d in self.worker.poll() {
            match d {
                Delivery::Sim(r) => self.on_reply(r),
                Delivery::Analysis(a) => self.sim.analysis.accept(a),
                Delivery::Export(r) => self.on_export(r),
                Delivery::Import(r) => self.on_import(r),
            }
        }
        while let Some(a) = self.dialogs.poll() {
            self.dialog_answer(a);
        }
        let info_shown = self.notes.expire(Instant::now());

        // 2. input that is not a widget's
        let mut cmds: Vec<Command> = Vec::new();
        let modal_open = self.ui.confirm.is_some()
            || self.ui.prompt.is_some()
            || self.ui.export_open
            || !self.ui.recover.is_empty()
            || self.import_run.is_some()
            || self.import_preview.is_some();
        chrome::shortcuts(&ctx, modal_open, &mut cmds);
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            cmds.push(Command::Dropped(dropped));
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.ui.allow_close && self.doc.dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            cmds.push(Command::Quit);
        }

        // 3. draw (collecting commands)
        let fresh = self.results_current();
        egui::Panel::top("menu_bar").show(ui, |ui| {
            chrome::menu_bar(
                ui,
                chrome::MenuInfo {
                    settings: &self.settings,
                    can_undo: self.history.can_undo(),
                    can_redo: self.history.can_redo(),
                    exact_running: self.sim.exact.is_some(),
                    can_simulate: self.problems.is_empty(),
                    exporting: self.export.is_some(),
                    custom_pricing: self.pricing_dir.as_ref(),
                    editor_open: &mut self.ui.editor_open,
                    show_about: &mut self.ui.show_about,
                },
                &mut cmds,
            )
        });
        let error_now = self
            .sim
            .error
            .as_ref()
            .filter(|e| e.0 == self.doc.revision)
            .map(|e| e.1.clone());
        let pricing = match &self.pricing_dir {
            Some(d) => format!("prices: built-in + {}", d.display()),
            None => "prices: built-in catalog".to_string(),
        };
        let pricing = match fmt::currency_code().as_str() {
            "USD" => pricing,
            code => format!("{pricing} · amounts in {code} (View > Currency)"),
        };
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            chrome::status_bar(
                ui,
                chrome::StatusInfo {
                    file: self.doc.file_name(),
                    dirty: self.doc.dirty(),
                    sim: chrome::sim_status(
                        fresh,
                        self.sim.view.is_some(),
                        self.problems.len(),
                        self.sim.view.as_ref().map(|v| v.elapsed),
                        error_now.as_deref(),
                    ),
                    exact_progress: self.sim.exact.as_ref().map(|e| e.control.progress()),
                    export: self.export.as_ref().map(chrome::export_status),
                    pricing: &pricing,
                    frame_ms: if self.settings.show_frame_time {
                        self.frames.summary()
                    } else {
                        None
                    },
                },
                &mut cmds,
            )
        });
        if self.ui.editor_open {
            egui::Panel::left("editor")
                .resizable(true)
                .default_size(440.0)
                .size_range(320.0..=900.0)
                .show(ui, |ui| {
                    editor::show(
                        ui,
                        &mut self.doc.scenario,
                        &mut self.ui.workload,
                        &editor::EditorCtx {
                            catalog: &self.catalog,
                            view: &self.catalog_view,
                            problems: &self.problems,
                        },
                        &mut cmds,
                    )
                });
        }
        if !self.notes.items.is_empty() || !self.problems.is_empty() {
            egui::Panel::bottom("notifications")
                .resizable(true)
                .default_size(110.0)
                .size_range(60.0..=420.0)
                .show(ui, |ui| {
                    chrome::notifications(ui, &self.notes, &self.problems, &mut cmds)
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            results::show(
                ui,
                &self.sim,
                &results::Status {
                    revision: self.doc.revision,
                    problems: self.problems.len(),
                    exact: self.sim.exact.as_ref(),
                    error: error_now.as_deref(),
                    analysis: self.worker.plan().enabled,
                },
                &mut self.ui,
                &mut cmds,
            )
        });
        if let Some(o) = self.ui.recover.first() {
            chrome::recover_modal(&ctx, o, self.ui.recover.len(), &mut cmds);
        } else if let Some(p) = &self.ui.confirm {
            chrome::confirm_modal(&ctx, p, &self.doc.title(), &mut cmds);
        }
        if self.ui.export_open {
            chrome::export_modal(&ctx, &self.settings.export, &self.doc.title(), &mut cmds);
        }
        if let Some(run) = &self.import_run {
            import::progress_window(&ctx, run, &mut cmds);
            // the line count moves while the thread reads
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        } else if let Some(p) = &self.import_preview {
            import::window(&ctx, p, &mut cmds);
        }
        if let Some(p) = &mut self.ui.prompt {
            chrome::path_modal(&ctx, p, &mut cmds);
        }
        if self.ui.show_about {
            chrome::about(&ctx, &mut self.ui.show_about);
        }
        drop_overlay(&ctx);

        // 4. apply
        self.apply(cmds);
        let dragged = ctx.dragged_id().map(|i| i.value());
        let focused = ctx.memory(|m| m.focused()).map(|i| i.value());
        self.history.settle(|g| Some(g) == dragged || Some(g) == focused);

        let gesture_open = self.history.gesture_open();
        let keep_soon = self.keep_working_copy(!gesture_open);

        if self.close_requested {
            self.close_requested = false;
            // closing was confirmed (saved, or the changes discarded): nothing to recover
            if let Some(r) = &mut self.recovery {
                r.clear();
            }
            if let Some(run) = self.sim.exact.take() {
                run.control.request_cancel();
            }
            if let Some(run) = self.export.take() {
                run.control.request_cancel();
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let title = self.doc.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
        if self.worker.has_ready() {
            ctx.request_repaint();
        } else if self.sim.exact.is_some() || self.export.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        } else if info_shown {
            ctx.request_repaint_after(Duration::from_secs(1));
        } else if keep_soon {
            ctx.request_repaint_after(recovery::WRITE_EVERY);
        }
        self.frames.record(started.elapsed());
    }
}

/// The built-in scenario, or the last file if it still loads.
fn initial_document(
    catalog: &Catalog,
    settings: &mut Settings,
    notes: &mut Notifications,
    open: Option<&std::path::Path>,
) -> (Scenario, Option<PathBuf>) {
    if let Some(file) = open {
        match files::open_scenario(file, catalog) {
            Ok(s) => {
                settings.remember(file);
                notes.info(format!("Opened {}", file.display()));
                return (s, Some(file.to_path_buf()));
            }
            // the window still opens (a double-click must not fail silently): on the last
            // scenario or the built-in one, with what is wrong with this file
            Err(lines) => notes.error(format!("Cannot open {}", file.display()), lines),
        }
    }
    if let Some(last) = settings.last_path.clone() {
        match files::open_scenario(&last, catalog) {
            Ok(s) => return (s, Some(last)),
            Err(lines) => {
                notes.warn(
                    format!(
                        "Could not reopen {}; starting from the built-in scenario",
                        last.display()
                    ),
                    lines,
                );
                settings.last_path = None;
            }
        }
    }
    match model::default_scenario(catalog) {
        Ok(s) => (s, None),
        Err(e) => {
            notes.error(
                "The built-in scenario does not fit the loaded prices",
                e.problems().iter().map(|p| p.to_string()).collect(),
            );
            let s = default_unvalidated().unwrap_or_else(catalog_free_minimal);
            (s, None)
        }
    }
}

/// A hint over the window while files are dragged onto it.
fn drop_overlay(ctx: &egui::Context) {
    let hovering: Vec<String> = ctx.input(|i| {
        i.raw
            .hovered_files
            .iter()
            .filter_map(|f| {
                f.path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().to_string())
            })
            .collect()
    });
    if ctx.input(|i| i.raw.hovered_files.is_empty()) {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
    let text = if hovering.is_empty() {
        "Drop a scenario (.ron) to open it, or a trace (.csv) to add it".to_string()
    } else {
        format!(
            "Drop {}: a scenario (.ron) opens, a trace (.csv) is added to the traffic",
            hovering.join(", ")
        )
    };
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(20.0),
        egui::Color32::WHITE,
    );
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.last_path = self
            .doc
            .path
            .as_ref()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()));
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(run) = self.sim.exact.take() {
            run.control.request_cancel();
        }
        if let Some(run) = self.export.take() {
            run.control.request_cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fallback_scenarios_parse() {
        assert!(super::default_unvalidated().is_some());
        assert_eq!(super::catalog_free_minimal().name, "Untitled scenario");
    }
}
