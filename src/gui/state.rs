//! The application state that is not the results: the open document, the settings that
//! persist between runs, notifications, the current validation problems and the small
//! bits of UI state (tab, open dialogs).
//!
//! Owns: plain data and the few rules on it (dirty, title, recent list). Must not: draw,
//! read or write files, or simulate.

use crate::model::{Problem, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The scenario being edited and where it lives.
pub struct Document {
    pub scenario: Scenario,
    pub path: Option<PathBuf>,
    /// The scenario as last opened or saved; `None` when it was never saved (a new
    /// document counts as saved until it is edited).
    pub saved: Option<Scenario>,
    /// Bumped on every change of `scenario`; results carry the revision they were
    /// computed for, so stale ones can be told apart.
    pub revision: u64,
}

impl Document {
    pub fn new(scenario: Scenario, path: Option<PathBuf>) -> Document {
        Document {
            saved: Some(scenario.clone()),
            scenario,
            path,
            revision: 1,
        }
    }

    pub fn dirty(&self) -> bool {
        self.saved.as_ref() != Some(&self.scenario)
    }

    /// Window title: the scenario name, with `*` while there are unsaved changes.
    pub fn title(&self) -> String {
        let name = if self.scenario.name.trim().is_empty() {
            "Untitled scenario"
        } else {
            self.scenario.name.trim()
        };
        if self.dirty() {
            format!("{name} *")
        } else {
            name.to_string()
        }
    }

    /// Folder that relative trace paths are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        match self.path.as_ref().and_then(|p| p.parent()) {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    pub fn file_name(&self) -> String {
        self.path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "not saved yet".into())
    }
}

/// Settings kept between runs (eframe persistence). The window size is kept by eframe.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    /// The scenario open when the app last closed; reopened if it still loads.
    pub last_path: Option<PathBuf>,
    pub theme: ThemeChoice,
    pub show_frame_time: bool,
    /// The choices of the last report export.
    pub export: ExportChoice,
    /// The currency amounts are shown in (empty: US dollars), at the catalog's dated rate.
    pub currency: String,
}

pub const MAX_RECENT: usize = 10;

impl Settings {
    pub fn remember(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path.clone());
        self.recent.truncate(MAX_RECENT);
        self.last_path = Some(path);
    }
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum ThemeChoice {
    #[default]
    Dark,
    Light,
}

/// The file formats of File > Export report…
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum ExportFormat {
    #[default]
    Html,
    Markdown,
    Csv,
    Json,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Html,
        ExportFormat::Markdown,
        ExportFormat::Csv,
        ExportFormat::Json,
    ];
    /// The file extension (without the dot); the report writer picks the format by it.
    pub fn ext(self) -> &'static str {
        match self {
            ExportFormat::Html => "html",
            ExportFormat::Markdown => "md",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Html => "HTML",
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Csv => "CSV",
            ExportFormat::Json => "JSON",
        }
    }
    /// What the format is good for, next to its name.
    pub fn help(self) -> &'static str {
        match self {
            ExportFormat::Html => "one self-contained page with charts, to open in a browser or send",
            ExportFormat::Markdown => "text for a wiki or a pull request; charts as .svg files beside it",
            ExportFormat::Csv => "the itemised bills, for a spreadsheet",
            ExportFormat::Json => "every number, for other programs",
        }
    }
    /// The native dialog's filter name.
    pub fn filter(self) -> &'static str {
        match self {
            ExportFormat::Html => "HTML report (.html)",
            ExportFormat::Markdown => "Markdown report (.md)",
            ExportFormat::Csv => "CSV report (.csv)",
            ExportFormat::Json => "JSON report (.json)",
        }
    }
    /// The format a file name asks for by its extension (case-insensitive).
    pub fn from_path(path: &Path) -> Option<ExportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        ExportFormat::ALL.into_iter().find(|f| f.ext() == ext)
    }
}

/// What File > Export report… writes; kept between runs.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ExportChoice {
    pub format: ExportFormat,
    /// CSV: also write the time series beside the report.
    pub series: bool,
    /// Simulate every request for the main run (slower) rather than the fast estimate.
    pub exact: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Clone, Debug)]
pub struct Note {
    pub id: u64,
    pub level: Level,
    pub title: String,
    /// Details, one per line (e.g. file:line:col messages).
    pub lines: Vec<String>,
    pub at: Instant,
}

/// Messages for the user. They are listed in a panel of their own and never take focus.
#[derive(Default)]
pub struct Notifications {
    pub items: Vec<Note>,
    next_id: u64,
}

/// Information fades after this; warnings and errors stay until dismissed.
pub const INFO_LIFETIME: Duration = Duration::from_secs(8);
const MAX_NOTES: usize = 50;

impl Notifications {
    pub fn push(&mut self, level: Level, title: impl Into<String>, lines: Vec<String>) {
        self.next_id += 1;
        self.items.push(Note {
            id: self.next_id,
            level,
            title: title.into(),
            lines,
            at: Instant::now(),
        });
        if self.items.len() > MAX_NOTES {
            self.items.remove(0);
        }
    }
    pub fn info(&mut self, title: impl Into<String>) {
        self.push(Level::Info, title, Vec::new());
    }
    pub fn warn(&mut self, title: impl Into<String>, lines: Vec<String>) {
        self.push(Level::Warning, title, lines);
    }
    pub fn error(&mut self, title: impl Into<String>, lines: Vec<String>) {
        self.push(Level::Error, title, lines);
    }
    pub fn dismiss(&mut self, id: u64) {
        self.items.retain(|n| n.id != id);
    }
    pub fn clear(&mut self) {
        self.items.clear();
    }
    /// Drops information older than `INFO_LIFETIME`; true while some is still shown.
    pub fn expire(&mut self, now: Instant) -> bool {
        self.items
            .retain(|n| n.level != Level::Info || now.duration_since(n.at) < INFO_LIFETIME);
        self.items.iter().any(|n| n.level == Level::Info)
    }
}

/// The validation problems of the current scenario, by field path.
#[derive(Default, Clone, Debug)]
pub struct Problems {
    pub list: Vec<Problem>,
    by_path: HashMap<String, Vec<usize>>,
}

impl Problems {
    pub fn new(list: Vec<Problem>) -> Problems {
        let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in list.iter().enumerate() {
            by_path.entry(p.path.clone()).or_default().push(i);
        }
        Problems { list, by_path }
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    pub fn len(&self) -> usize {
        self.list.len()
    }
    /// Messages for exactly this field.
    pub fn at(&self, path: &str) -> impl Iterator<Item = &str> {
        self.by_path
            .get(path)
            .into_iter()
            .flatten()
            .map(|&i| self.list[i].message.as_str())
    }
    /// How many problems concern this field or anything inside it.
    pub fn count_under(&self, prefix: &str) -> usize {
        self.list
            .iter()
            .filter(|p| {
                p.path == prefix
                    || p.path
                        .strip_prefix(prefix)
                        .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
            })
            .count()
    }
}

/// The tabs of the results area. Add a variant and a line in `ALL` to add a tab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Overview,
    /// An application's placements: workloads by platforms (shown only for applications).
    Placements,
    Traffic,
    Instances,
    Cost,
    Latency,
    Breakeven,
    Map,
    /// Every platform in each place and under each purchase option.
    Buying,
}

impl Tab {
    pub const ALL: [Tab; 9] = [
        Tab::Overview,
        Tab::Placements,
        Tab::Breakeven,
        Tab::Map,
        Tab::Buying,
        Tab::Traffic,
        Tab::Instances,
        Tab::Cost,
        Tab::Latency,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Placements => "Placements",
            Tab::Traffic => "Traffic",
            Tab::Instances => "Instances",
            Tab::Cost => "Cumulative cost",
            Tab::Latency => "Latency",
            Tab::Breakeven => "Break-even",
            Tab::Map => "Cheapest map",
            Tab::Buying => "Where to buy",
        }
    }
    pub fn help(self) -> &'static str {
        match self {
            Tab::Overview => "Cost per platform, the itemised bills, cold starts and latency percentiles",
            Tab::Placements => {
                "Where each workload should run: each workload's cost on each platform, the placements compared, and the best one's workloads and pipelines"
            }
            Tab::Traffic => "Request rate over the horizon, and what each platform served or rejected",
            Tab::Instances => "Busy, starting and idle instances and cold starts over time, per platform",
            Tab::Cost => "How each platform's bill accumulates over the horizon",
            Tab::Latency => "Distribution of request latency (log scale), with the objective",
            Tab::Breakeven => {
                "Cost per platform as the traffic grows or shrinks (log scales), and the points where two platforms cost the same"
            }
            Tab::Map => "The cheapest platform for each monthly volume and burstiness (peak-to-mean ratio)",
            Tab::Buying => {
                "Every platform priced in each place (N. Virginia, Frankfurt, Tokyo, ...) and under each purchase option, and the commitment that pays"
            }
        }
    }
}

/// An action that would discard unsaved changes, waiting for the user's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    New,
    OpenDialog,
    OpenPath(PathBuf),
    Quit,
}

/// What a typed path is for, when the native dialog is unavailable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    Open,
    SaveAs,
    PricingDir,
    Trace,
    /// Log files to import.
    ImportLogs,
    /// Where to create the scenario imported from logs.
    ImportSave,
    /// Where to write a report in this format.
    Export(ExportFormat),
}

impl PathPurpose {
    pub fn title(self) -> &'static str {
        match self {
            PathPurpose::Open => "Open scenario",
            PathPurpose::SaveAs => "Save scenario as",
            PathPurpose::PricingDir => "Load pricing folder",
            PathPurpose::Trace => "Add trace file",
            PathPurpose::ImportLogs => "Import logs",
            PathPurpose::ImportSave => "Create scenario from logs",
            PathPurpose::Export(_) => "Export report",
        }
    }
    pub fn hint(self) -> &'static str {
        match self {
            PathPurpose::Open => "path/to/scenario.ron",
            PathPurpose::SaveAs => "path/to/scenario.ron",
            PathPurpose::PricingDir => "path/to/pricing-folder",
            PathPurpose::Trace => "path/to/trace.csv",
            PathPurpose::ImportLogs => "path/to/function.log.gz",
            PathPurpose::ImportSave => "path/to/imported.breakeven.ron",
            PathPurpose::Export(f) => match f {
                ExportFormat::Html => "path/to/report.html",
                ExportFormat::Markdown => "path/to/report.md",
                ExportFormat::Csv => "path/to/report.csv",
                ExportFormat::Json => "path/to/report.json",
            },
        }
    }
}

pub struct PathPrompt {
    pub purpose: PathPurpose,
    pub text: String,
    /// Why the prompt is shown (e.g. the dialog is unavailable).
    pub reason: String,
    /// The text field has been given the keyboard focus once.
    pub focused: bool,
}

#[derive(Default)]
pub struct UiState {
    pub tab: Tab,
    /// The workload the Traffic and Workload sections edit (index into the scenario's
    /// workloads; clamped when the list shrinks).
    pub workload: usize,
    /// Platform shown on the Instances tab (index into the results).
    pub instances_platform: usize,
    /// Traffic tab: logarithmic rate axis.
    pub traffic_log: bool,
    /// Break-even tab: label every break-even point, not only where the cheapest changes.
    pub label_all_crossovers: bool,
    /// Break-even tab of an application: the workload whose own traffic the sweep scales
    /// (None: the whole application). Kept by name and dropped when no offered choice
    /// has it (the workload was removed or renamed, or another file was opened).
    pub sweep_focus: Option<String>,
    /// The workloads that list offers, derived once per revision (empty for one workload).
    pub sweep_choices: Vec<super::analysis::FocusChoice>,
    pub confirm: Option<Pending>,
    pub prompt: Option<PathPrompt>,
    /// Unsaved edits left by windows that closed unexpectedly, newest first, each offered
    /// in turn before anything else.
    pub recover: Vec<super::recovery::Orphan>,
    /// The Export report window is open.
    pub export_open: bool,
    pub show_about: bool,
    pub allow_close: bool,
    pub editor_open: bool,
}
