//! Writing a report to files: the only part of `report` that touches the disk. Every file
//! is written atomically (`util::write_atomic`); when the report itself cannot be written,
//! the files written with it so far are removed, so a failure leaves nothing behind.

use super::{ChartLinks, Format, Report, ReportError, to_csv, to_html, to_json, to_markdown, to_series_csv};
use crate::util::write_atomic;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// CSV: also write the time series to `{stem}-series.csv` beside the report.
    pub series: bool,
}

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// The report first, then the files beside it.
    pub files: Vec<PathBuf>,
    /// Things the reader should know.
    pub warnings: Vec<String>,
}

/// `{stem}{suffix}` in the folder of `out`.
fn beside(out: &Path, suffix: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    out.with_file_name(format!("{stem}{suffix}"))
}

fn put(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_atomic(path, bytes).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Removes files written for a report that then failed.
fn undo(files: &[PathBuf]) {
    for f in files {
        let _ = std::fs::remove_file(f);
    }
}

/// Writes `r` to `out` in the format of its extension, dated `generated`.
///
/// Markdown charts go beside the report as `{stem}-{chart}.svg`; if one cannot be written,
/// everything written so far is removed and the error names that file. With `opts.series`,
/// a CSV report gets `{stem}-series.csv` as well (same rule).
pub fn write(r: &Report, out: &Path, generated: DateTime<Utc>, opts: &WriteOptions) -> Result<Written, ReportError> {
    let format = Format::from_path(out)?;
    let mut done = Written::default();
    // The report first (a folder that refuses it is named as the report's), then the
    // files beside it; when one of those fails, everything written is removed: a Markdown
    // report with broken chart links would pass for a complete one.
    let (main, side): (Vec<u8>, Vec<(PathBuf, String)>) = match format {
        Format::Html => (to_html(r, generated).into_bytes(), Vec::new()),
        Format::Json => (to_json(r, generated).into_bytes(), Vec::new()),
        Format::Csv if opts.series => (
            to_csv(r).into_bytes(),
            vec![(beside(out, "-series.csv"), to_series_csv(r))],
        ),
        Format::Csv => (to_csv(r).into_bytes(), Vec::new()),
        Format::Markdown => {
            let prefix = out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "report".into());
            let md = to_markdown(r, generated, &ChartLinks::Files { prefix });
            let charts = md
                .charts
                .into_iter()
                .map(|(name, svg)| (out.with_file_name(name), svg))
                .collect();
            (md.text.into_bytes(), charts)
        }
    };
    put(out, &main)?;
    done.files.push(out.to_path_buf());
    for (path, text) in side {
        if let Err(e) = put(&path, text.as_bytes()) {
            undo(&done.files);
            return Err(e);
        }
        done.files.push(path);
    }
    Ok(done)
}
