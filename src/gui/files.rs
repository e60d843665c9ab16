//! Files: opening and saving scenarios, trace files dropped or picked, the pricing folder,
//! where a report goes, and the native file dialogs.
//!
//! The native dialogs (rfd) block, so they run on a thread of their own and their answer
//! comes back through a channel; the window keeps repainting meanwhile. rfd returns
//! `None` both when the user cancels and when no dialog could be shown (no desktop portal,
//! no zenity); an answer that comes back faster than anyone could click is taken to mean
//! the latter, and the app offers a path field instead.
//!
//! Owns: every read and write of user files. Must not: draw, or change the app state (it
//! returns values; `commands` applies them).

use super::state::{ExportFormat, PathPurpose};
use crate::model::{self, Component, Scenario, TraceFormat};
use crate::pricing::Catalog;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// A dialog that answers faster than this was not shown to anyone.
pub const NO_DIALOG_BELOW: Duration = Duration::from_millis(250);

/// Reads and validates a scenario. On failure, one line per problem as
/// `file:line:col: field: message`.
pub fn open_scenario(path: &Path, catalog: &Catalog) -> Result<Scenario, Vec<String>> {
    model::load_scenario_file(path, catalog).map_err(|e| e.problems().iter().map(|p| p.to_string()).collect())
}

/// Saves atomically. Relative trace paths are rewritten when the folder changes, so the
/// saved file still finds its traces.
pub fn save_scenario(path: &Path, scenario: &Scenario, old_base: &Path) -> Result<Scenario, String> {
    let mut s = scenario.clone();
    let new_base = parent_dir(path);
    rebase_traces(&mut s, old_base, &new_base);
    model::save_scenario_file(path, &s).map_err(|e| e.to_string())?;
    Ok(s)
}

/// Folder of a file path ("." for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes the side files' paths (traces of every workload, `Empirical` quantile files)
/// that were relative to `old_base` work from `new_base`: kept relative when the file sits
/// under the new folder, absolute otherwise.
pub fn rebase_traces(s: &mut Scenario, old_base: &Path, new_base: &Path) {
    let same = canonical(old_base) == canonical(new_base);
    if same {
        return;
    }
    let rebase = |path: &mut String| {
        let p = Path::new(path.as_str());
        if !p.is_absolute() {
            let full = canonical(&old_base.join(p));
            *path = relative_to(&full, new_base);
        }
    };
    for w in &mut s.workloads {
        for c in &mut w.traffic.components {
            if let Component::Trace { path, .. } = c {
                rebase(path);
            }
        }
    }
    model::empirical::for_each_dist(s, |d, _| {
        if let model::Dist::Empirical { path, .. } = d {
            rebase(path);
        }
    });
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `full` relative to `base` when it lies under it, else `full` itself.
pub fn relative_to(full: &Path, base: &Path) -> String {
    let base = canonical(base);
    match full.strip_prefix(&base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().to_string(),
        _ => full.to_string_lossy().to_string(),
    }
}

pub fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Whether a file given to open or dropped is logs to import: not a scenario, in a format
/// `import` reads, and not a trace of Breakeven's own (`timestamp,count`, which a
/// CloudWatch export's header would otherwise match, or the Azure Functions layout).
pub fn is_log(path: &Path) -> bool {
    !has_extension(path, "ron")
        && !is_trace_csv(path)
        && crate::import::detect(std::slice::from_ref(&path.to_path_buf())).is_ok()
}

/// A CSV whose first line is a trace's header (`timestamp,count`, `HashOwner,...`) or
/// already a `time,count` row.
fn is_trace_csv(path: &Path) -> bool {
    use std::io::{BufRead, Read};
    if !has_extension(path, "csv") {
        return false;
    }
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut first = String::new();
    let mut r = std::io::BufReader::new(f.take(4096));
    if r.read_line(&mut first).is_err() {
        return false;
    }
    let first = first.trim_start_matches('\u{feff}').trim();
    let header = first.to_ascii_lowercase().replace(['"', ' '], "");
    header == "timestamp,count" || header.starts_with("hashowner,") || crate::sim::trace::is_row(first)
}

/// A Trace component for a CSV file, after checking that it parses. Azure Functions 2019
/// files (header `HashOwner,...`) are recognised; their rows are summed.
pub fn trace_component(path: &Path, base: &Path) -> Result<Component, Vec<String>> {
    let shown = path.display().to_string();
    let bytes = crate::util::read_capped(path, crate::util::MAX_TRACE_FILE_BYTES)
        .map_err(|e| vec![format!("{shown}: cannot read the trace: {e}")])?;
    let text = String::from_utf8_lossy(&bytes);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let format = if first.trim_start().starts_with("HashOwner") {
        TraceFormat::Azure2019
    } else {
        TraceFormat::Csv
    };
    let parsed = match format {
        TraceFormat::Csv => crate::sim::trace::parse_csv(&text, path).map(|_| ()),
        TraceFormat::Azure2019 => crate::sim::trace::parse_azure2019(&text, path, None, None).map(|_| ()),
    };
    parsed.map_err(|l| vec![l.to_string()])?;
    Ok(Component::Trace {
        path: relative_to(&canonical(path), base),
        format,
        function: None,
        app: None,
        scale: 1.0,
    })
}

/// The built-in catalog plus a user's folder of price files.
pub fn load_catalog(dir: &Path) -> Result<Catalog, String> {
    let builtin = Catalog::builtin().map_err(|e| format!("built-in price catalog: {e}"))?;
    builtin.with_dir(dir).map_err(|e| e.to_string())
}

/// A native dialog's answer.
pub struct DialogAnswer {
    pub purpose: PathPurpose,
    pub path: Option<PathBuf>,
    /// Answered too fast to have been shown: the dialog is unavailable.
    pub unavailable: bool,
}

/// Native dialogs on a helper thread, one at a time.
pub struct Dialogs {
    enabled: bool,
    busy: bool,
    tx: Sender<DialogAnswer>,
    rx: Receiver<DialogAnswer>,
    repaint: Option<egui::Context>,
}

impl Dialogs {
    /// `enabled: false` (tests) never calls rfd: every request is answered "unavailable".
    pub fn new(enabled: bool, repaint: Option<egui::Context>) -> Dialogs {
        let (tx, rx) = channel();
        Dialogs {
            enabled,
            busy: false,
            tx,
            rx,
            repaint,
        }
    }

    pub fn busy(&self) -> bool {
        self.busy
    }

    /// Asks for a path. `start` is the folder to start in, `name` a suggested file name.
    pub fn request(&mut self, purpose: PathPurpose, start: Option<PathBuf>, name: Option<String>) {
        if self.busy {
            return;
        }
        if !self.enabled {
            let _ = self.tx.send(DialogAnswer {
                purpose,
                path: None,
                unavailable: true,
            });
            return;
        }
        self.busy = true;
        let tx = self.tx.clone();
        let repaint = self.repaint.clone();
        let spawned = std::thread::Builder::new()
            .name("breakeven-dialog".into())
            .spawn(move || {
                let began = Instant::now();
                let mut d = rfd::FileDialog::new().set_title(purpose.title());
                if let Some(dir) = start {
                    d = d.set_directory(dir);
                }
                if let Some(n) = name {
                    d = d.set_file_name(n);
                }
                let path = match purpose {
                    PathPurpose::Open => d
                        .add_filter("Scenario (.ron)", &["ron"])
                        .add_filter("All files", &["*"])
                        .pick_file(),
                    PathPurpose::SaveAs | PathPurpose::ImportSave => {
                        d.add_filter("Scenario (.ron)", &["ron"]).save_file()
                    }
                    PathPurpose::ImportLogs => d
                        .add_filter("Logs", &["log", "gz", "json", "jsonl", "txt", "csv"])
                        .add_filter("All files", &["*"])
                        .pick_file(),
                    PathPurpose::Export(f) => d.add_filter(f.filter(), &[f.ext()]).save_file(),
                    PathPurpose::PricingDir => d.pick_folder(),
                    PathPurpose::Trace => d
                        .add_filter("Trace (.csv)", &["csv"])
                        .add_filter("All files", &["*"])
                        .pick_file(),
                };
                let unavailable = path.is_none() && began.elapsed() < NO_DIALOG_BELOW;
                let _ = tx.send(DialogAnswer {
                    purpose,
                    path,
                    unavailable,
                });
                if let Some(ctx) = repaint {
                    ctx.request_repaint();
                }
            });
        if spawned.is_err() {
            self.busy = false;
            let _ = self.tx.send(DialogAnswer {
                purpose,
                path: None,
                unavailable: true,
            });
        }
    }

    pub fn poll(&mut self) -> Option<DialogAnswer> {
        let a = self.rx.try_recv().ok()?;
        self.busy = false;
        Some(a)
    }
}

/// Save As adds `.ron` when the user typed a name without an extension.
pub fn with_ron_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension("ron")
    } else {
        path
    }
}

/// The scenario name as a file name stem: lower-case letters and digits joined by `-`.
fn slug(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    (!out.is_empty()).then(|| out.to_string())
}

/// A file name for Save As, from the scenario name.
pub fn suggested_file_name(s: &Scenario) -> String {
    match slug(&s.name) {
        Some(stem) => format!("{stem}.ron"),
        None => "scenario.ron".into(),
    }
}

/// A file name for a report: `{stem}-report.{ext}`, the stem from the scenario's file when
/// it has one (`startup-launch.ron` gives `startup-launch-report.html`), else from its name.
pub fn suggested_report_name(s: &Scenario, file: Option<&Path>, format: ExportFormat) -> String {
    let stem = file
        .and_then(|p| p.file_stem())
        .and_then(|n| slug(&n.to_string_lossy()))
        .or_else(|| slug(&s.name))
        .unwrap_or_else(|| "scenario".into());
    format!("{stem}-report.{}", format.ext())
}

/// Where a report chosen as `path` goes, and in which format: a report extension the user
/// typed (`.html`, `.md`, `.csv`, `.json`) decides the format; otherwise the chosen
/// format's extension is added (`costs` becomes `costs.csv`, `v1.2` becomes `v1.2.csv`).
pub fn report_path(path: PathBuf, chosen: ExportFormat) -> (PathBuf, ExportFormat) {
    if let Some(f) = ExportFormat::from_path(&path) {
        return (path, f);
    }
    let mut name = path.into_os_string();
    name.push(".");
    name.push(chosen.ext());
    (PathBuf::from(name), chosen)
}

/// A report can only go into a folder that exists: checked before the work starts, so a
/// mistyped folder fails at once rather than after the simulation.
pub fn check_report_folder(out: &Path) -> Result<(), String> {
    let dir = parent_dir(out);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(format!(
            "cannot write {}: {} is not a folder",
            out.display(),
            dir.display()
        )),
        Err(e) => Err(format!(
            "cannot write {}: the folder {}: {e}",
            out.display(),
            dir.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CloudWatch export is logs to import; Breakeven's own traces (whose header a
    /// metric export's would match) and scenarios are not.
    #[test]
    fn logs_are_told_from_traces() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let export = write(
            "metrics.csv",
            "Timestamp,Invocations,Duration\n2026-11-30T10:00:00Z,120,35.5\n",
        );
        let trace = write("trace.csv", "timestamp,count\n2026-11-30T10:00:00Z,120\n");
        let bare = write("bare.csv", "2026-11-30T10:00:00Z,120\n2026-11-30T10:01:00Z,80\n");
        let lambda = write(
            "fn.log",
            "REPORT RequestId: 1\tDuration: 12.5 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\n",
        );
        let ron = write("s.ron", "Scenario()");
        assert!(is_log(&export));
        assert!(is_log(&lambda));
        assert!(!is_log(&trace));
        assert!(!is_log(&bare));
        assert!(!is_log(&ron));
        assert!(!is_log(&dir.path().join("missing.csv")));
    }

    #[test]
    fn file_names_and_extensions() {
        let cat = Catalog::builtin().unwrap();
        let s = model::default_scenario(&cat).unwrap();
        assert_eq!(suggested_file_name(&s), "startup-launch-a-viral-post.ron");
        assert_eq!(with_ron_extension(PathBuf::from("/tmp/x")), PathBuf::from("/tmp/x.ron"));
        assert!(has_extension(Path::new("a/B.RON"), "ron"));
        assert_eq!(
            suggested_report_name(&s, None, ExportFormat::Html),
            "startup-launch-a-viral-post-report.html"
        );
        assert_eq!(
            suggested_report_name(&s, Some(Path::new("/x/startup-launch.ron")), ExportFormat::Markdown),
            "startup-launch-report.md"
        );
        let csv = ExportFormat::Csv;
        assert_eq!(
            report_path(PathBuf::from("/t/costs"), csv),
            (PathBuf::from("/t/costs.csv"), csv)
        );
        assert_eq!(
            report_path(PathBuf::from("/t/v1.2"), csv),
            (PathBuf::from("/t/v1.2.csv"), csv)
        );
        assert_eq!(
            report_path(PathBuf::from("/t/r.JSON"), csv),
            (PathBuf::from("/t/r.JSON"), ExportFormat::Json)
        );
        assert!(check_report_folder(Path::new("/nonexistent-folder-for-breakeven/r.html")).is_err());
        assert!(check_report_folder(&std::env::temp_dir().join("r.html")).is_ok());
    }

    /// Saved into another folder, an imported scenario still finds its quantile file, and
    /// an application's traces are found for every workload, not only the first.
    #[test]
    fn quantile_files_and_every_workloads_traces_follow_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("q.csv"), "quantile,value\n0,10\n0.5,20\n1,90\n").unwrap();
        std::fs::write(a.join("t.csv"), "timestamp,count\n0,1\n60,2\n").unwrap();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/shop-order-pipeline.ron"
        ))
        .unwrap();
        let cat = Catalog::builtin().unwrap();
        let mut s = model::parse_scenario(&text, "shop.ron", Some(&a), &cat).unwrap();
        s.workloads[0].request.duration_ms = model::Dist::Empirical {
            path: "q.csv".into(),
            knots: Default::default(),
        };
        model::empirical::resolve(&mut s, Some(&a));
        let last = s.workloads.len() - 1;
        assert!(last > 0);
        s.workloads[last]
            .traffic
            .components
            .push(trace_component(&a.join("t.csv"), &a).unwrap());
        let saved = save_scenario(&b.join("shop.ron"), &s, &a).unwrap();
        let model::Dist::Empirical { path, .. } = &saved.workloads[0].request.duration_ms else {
            panic!()
        };
        assert_eq!(Path::new(path), a.join("q.csv").canonicalize().unwrap());
        let Some(Component::Trace { path, .. }) = saved.workloads[last].traffic.components.last() else {
            panic!()
        };
        assert_eq!(Path::new(path), a.join("t.csv").canonicalize().unwrap());
        // and the saved file opens, its quantiles read
        let again = open_scenario(&b.join("shop.ron"), &cat).unwrap();
        assert_eq!(again.workloads[0].request.duration_ms.quantile(0.5), 20.0);
    }

    #[test]
    fn traces_follow_a_save_into_another_folder() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::create_dir_all(a.join("traces")).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("traces/t.csv"), "timestamp,count\n0,1\n60,2\n").unwrap();
        let c = trace_component(&a.join("traces/t.csv"), &a).unwrap();
        let Component::Trace { path, format, .. } = &c else {
            panic!()
        };
        assert_eq!(path, "traces/t.csv");
        assert_eq!(*format, TraceFormat::Csv);
        let cat = Catalog::builtin().unwrap();
        let mut s = model::default_scenario(&cat).unwrap();
        s.traffic_mut().components = vec![c];
        rebase_traces(&mut s, &a, &b);
        let Component::Trace { path, .. } = &s.traffic().components[0] else {
            panic!()
        };
        assert!(Path::new(path).is_absolute() && Path::new(path).is_file(), "{path}");
        // and a broken trace is refused with its position
        std::fs::write(a.join("bad.csv"), "timestamp,count\n0,1\n60,lots\n").unwrap();
        let e = trace_component(&a.join("bad.csv"), &a).unwrap_err();
        assert!(e[0].contains("bad.csv:3:"), "{e:?}");
    }
}
