//! From what the logs hold to the files of a scenario, without writing anything where
//! the user will look until asked: the scenario and its side files (the trace, the
//! observed duration quantiles) are checked and calibrated in a scratch folder, so a
//! preview can show everything before "Create scenario" and the CLI writes only what
//! loads.

use super::calibrate::{self, Calibration};
use super::fit::{self, Extra, Summary};
use super::{Format, Observed};
use crate::model::{self, Scenario};
use crate::pricing::Catalog;
use std::path::{Path, PathBuf};

/// A scenario ready to be written.
#[derive(Clone, Debug)]
pub struct Built {
    pub text: String,
    /// Files that go beside the scenario: (file name, contents).
    pub side_files: Vec<(String, String)>,
    pub summary: Summary,
    pub calibration: Option<Calibration>,
    /// The scenario as it loads (its trace read from the scratch folder, since gone).
    pub scenario: Scenario,
    /// The logs it was read from: `write` never writes over one of them.
    pub inputs: Vec<PathBuf>,
}

/// Builds the scenario `stem` (side files are named after it) from `o`, read as
/// `format`, and calibrates it when the logs are Lambda's.
pub fn build(o: &Observed, format: Format, stem: &str, catalog: &Catalog) -> Result<Built, String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("cannot make a scratch folder: {e}"))?;
    let name = format!("Imported: {stem}");
    let trace_name = format!("{stem}-trace.csv");
    let mut side_files = vec![(trace_name.clone(), fit::trace_csv(o))];
    let durations_name = format!("{stem}-durations.csv");
    let slowdown = (format == Format::LambdaReport)
        .then(|| fit::lambda_slowdown(catalog, o.memory_mb().unwrap_or(128).clamp(128, 10_240)));
    let empirical = fit::empirical_durations(o, slowdown.unwrap_or(1.0));
    if let Some(csv) = empirical {
        side_files.push((durations_name.clone(), csv));
    }
    for (file, contents) in &side_files {
        std::fs::write(scratch.path().join(file), contents).map_err(|e| format!("cannot write {file}: {e}"))?;
    }
    let mut extra = Extra {
        durations_file: (side_files.len() > 1).then_some(durations_name.as_str()),
        keep_alive_s: None,
        slowdown,
    };
    let load = |text: &str| {
        model::parse_scenario(text, &format!("{stem}.breakeven.ron"), Some(scratch.path()), catalog)
            .map_err(|e| format!("the fitted scenario does not load: {e}"))
    };
    let mut text = fit::scenario_text(o, &name, &trace_name, &extra);
    let mut scenario = load(&text)?;
    let calibration = if format == Format::LambdaReport && o.cold_starts + o.requests > 0 {
        calibrate::calibrate(o, &scenario, scratch.path(), catalog)?
    } else {
        None
    };
    if let Some(c) = &calibration
        && c.fit_inside_range
    {
        extra.keep_alive_s = Some(c.fitted_keep_alive_s);
        text = fit::scenario_text(o, &name, &trace_name, &extra);
        scenario = load(&text)?;
    }
    Ok(Built {
        text,
        side_files,
        summary: fit::summary(o),
        calibration,
        scenario,
        inputs: o.files.clone(),
    })
}

impl Built {
    /// Writes the side files beside `output`, then the scenario; on failure removes
    /// what it wrote. Returns the side files' paths.
    pub fn write(&self, output: &Path) -> Result<Vec<PathBuf>, String> {
        let dir = output.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(d) = dir
            && !d.is_dir()
        {
            return Err(format!(
                "cannot write {}: {} is not a folder",
                output.display(),
                d.display()
            ));
        }
        let beside = |file: &str| dir.map(|d| d.join(file)).unwrap_or_else(|| PathBuf::from(file));
        // (`import api.log -o api.log` wrote the scenario over the log, and on a later
        // failure the clean-up would have removed a log a side file had replaced)
        let inputs: Vec<PathBuf> = self
            .inputs
            .iter()
            .filter_map(|f| std::fs::canonicalize(f).ok())
            .collect();
        let targets = std::iter::once(output.to_path_buf()).chain(self.side_files.iter().map(|(f, _)| beside(f)));
        for t in targets {
            if let Ok(c) = std::fs::canonicalize(&t)
                && inputs.contains(&c)
            {
                return Err(format!(
                    "cannot write {}: it is one of the logs being imported; choose another output name (nothing was written)",
                    t.display()
                ));
            }
        }
        let mut written: Vec<PathBuf> = Vec::new();
        let undo = |written: &[PathBuf]| written.iter().for_each(|w| drop(std::fs::remove_file(w)));
        for (file, contents) in &self.side_files {
            let path = beside(file);
            if let Err(e) = crate::util::write_atomic(&path, contents.as_bytes()) {
                undo(&written);
                return Err(format!("cannot write {}: {e}", path.display()));
            }
            written.push(path);
        }
        if let Err(e) = crate::util::write_atomic(output, self.text.as_bytes()) {
            undo(&written);
            return Err(format!("cannot write {}: {e}", output.display()));
        }
        Ok(written)
    }
}

/// The stem side files are named after: `api` for `api.breakeven.ron`, `api.ron` or
/// `api.log.gz`.
pub fn stem_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = name.as_str();
    for ext in [".gz", ".ron", ".breakeven", ".log", ".json", ".jsonl", ".csv", ".txt"] {
        stem = stem.strip_suffix(ext).unwrap_or(stem);
    }
    if stem.is_empty() {
        "imported".into()
    } else {
        stem.to_string()
    }
}
