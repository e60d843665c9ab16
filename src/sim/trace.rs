//! Recorded traffic traces: CSV `timestamp,count` at any step, and the Azure Functions
//! 2019 per-minute invocation format. Every bad row is an error with its line and column;
//! nothing is skipped silently (blank lines aside).

use crate::model::{Limits, Located, TraceFormat};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A trace as counts over consecutive intervals, replayed from its first timestamp.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Start of each interval, seconds from the first.
    pub starts_s: Vec<f64>,
    pub counts: Vec<f64>,
    /// Length of one replay: the last start plus the last interval.
    pub period_s: f64,
    /// Cumulative counts at each start (prefix sums), for integrating the rate.
    cumulative: Vec<f64>,
    /// Highest rate of one interval, req/s, and the line and column of its count (to
    /// place the error when a component's `scale` lifts it above the limit).
    peak: (f64, usize, usize),
}

impl Trace {
    fn new(starts_s: Vec<f64>, counts: Vec<f64>, period_s: f64, peak: (f64, usize, usize)) -> Trace {
        let mut cumulative = Vec::with_capacity(counts.len() + 1);
        let mut acc = 0.0;
        cumulative.push(0.0);
        for c in &counts {
            acc += c;
            cumulative.push(acc);
        }
        Trace {
            starts_s,
            counts,
            period_s,
            cumulative,
            peak,
        }
    }

    /// Highest rate of one interval, req/s.
    pub fn peak_rps(&self) -> f64 {
        self.peak.0
    }

    /// Where the count of the busiest interval is: (line, column).
    pub fn peak_position(&self) -> (usize, usize) {
        (self.peak.1, self.peak.2)
    }

    pub fn total(&self) -> f64 {
        *self.cumulative.last().unwrap_or(&0.0)
    }

    /// Smallest interval, for choosing the profile's resolution.
    pub fn min_step_s(&self) -> f64 {
        let mut m = self.period_s - self.starts_s.last().copied().unwrap_or(0.0);
        for w in self.starts_s.windows(2) {
            m = m.min(w[1] - w[0]);
        }
        m
    }

    /// Requests in [0, t) of the repeated trace (counts spread evenly in each interval).
    pub fn cumulative_at(&self, t: f64) -> f64 {
        if self.period_s <= 0.0 || t <= 0.0 {
            return 0.0;
        }
        let reps = (t / self.period_s).floor();
        let r = t - reps * self.period_s;
        let i = match self.starts_s.binary_search_by(|s| s.total_cmp(&r)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let end = self.starts_s.get(i + 1).copied().unwrap_or(self.period_s);
        let len = (end - self.starts_s[i]).max(1e-9);
        let within = ((r - self.starts_s[i]) / len).clamp(0.0, 1.0) * self.counts[i];
        reps * self.total() + self.cumulative[i] + within
    }
}

fn err(file: &Path, line: usize, col: usize, field: &str, message: impl Into<String>) -> Located {
    Located {
        file: file.display().to_string(),
        line,
        col,
        field: field.to_string(),
        message: message.into(),
    }
}

/// Fields of a line with the 1-based column each starts at; at most `max` of them (a
/// line of a hundred million commas must not become a hundred million fields).
fn fields(line: &str, max: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut col = 1;
    for f in line.split(',').take(max) {
        out.push((col, f.trim().trim_matches('"')));
        col += f.chars().count() + 1;
    }
    out
}

pub(crate) use crate::util::echo;

fn parse_time(s: &str) -> Option<f64> {
    if let Ok(x) = s.parse::<f64>() {
        return x.is_finite().then_some(x);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis() as f64 / 1000.0);
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .map(|d| d.and_utc().timestamp_millis() as f64 / 1000.0)
}

fn parse_count(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
}

/// Whether `line` is a row of `parse_csv` (a time, then a count), not a header.
pub fn is_row(line: &str) -> bool {
    match fields(line, 3).as_slice() {
        [(_, t), (_, c)] => parse_time(t).is_some() && parse_count(c).is_some(),
        _ => false,
    }
}

/// `timestamp,count` rows: RFC 3339 (or `YYYY-MM-DD HH:MM:SS`) or seconds; any step,
/// possibly irregular; an optional header line.
pub fn parse_csv(text: &str, file: &Path) -> Result<Trace, Located> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(err(file, 1, 1, "", "the trace is empty: add `timestamp,count` lines"));
    }
    let mut times: Vec<f64> = Vec::new();
    let mut counts = Vec::new();
    let mut total = 0.0;
    // the previous row's count and where it is, checked as a rate once its interval is known
    let mut prev_at = (0, 0);
    let mut peak = (0.0, 1, 1);
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f = fields(line, 3);
        if times.is_empty()
            && counts.is_empty()
            && f.len() == 2
            && parse_count(f[1].1).is_none()
            && parse_time(f[0].1).is_none()
        {
            continue; // header
        }
        if f.len() != 2 {
            return Err(err(
                file,
                n,
                1,
                "",
                if f.len() > 2 {
                    "expected 2 fields `timestamp,count`, found more".to_string()
                } else {
                    format!("expected 2 fields `timestamp,count`, found {}", f.len())
                },
            ));
        }
        let t = parse_time(f[0].1).ok_or_else(|| {
            err(
                file,
                n,
                f[0].0,
                "timestamp",
                format!("`{}` is not an RFC 3339 timestamp or a number of seconds", echo(f[0].1)),
            )
        })?;
        let c = parse_count(f[1].1).ok_or_else(|| {
            err(
                file,
                n,
                f[1].0,
                "count",
                format!("`{}` is not a count (a finite number of zero or more)", echo(f[1].1)),
            )
        })?;
        if let (Some(prev), Some(prev_c)) = (times.last(), counts.last()) {
            if t <= *prev {
                return Err(err(
                    file,
                    n,
                    f[0].0,
                    "timestamp",
                    "timestamps must increase from row to row",
                ));
            }
            let step = t - prev;
            // (a timestamp in 2026 as seconds carries about 0.2 µs of rounding, so rows
            // written exactly 1 ms apart subtract to 0.99993 ms: a microsecond's slack)
            if step < Limits::MIN_TRACE_STEP_S - 1e-6 {
                return Err(err(
                    file,
                    n,
                    f[0].0,
                    "timestamp",
                    match (step * 1e6).round() / 1e3 {
                        0.0 => "less than 0.001 ms after the previous row: rows must be at least 1 ms apart".into(),
                        ms => format!("{ms} ms after the previous row: rows must be at least 1 ms apart"),
                    },
                ));
            }
            if t - times[0] > Limits::MAX_HORIZON_DAYS * 86_400.0 {
                return Err(err(
                    file,
                    n,
                    f[0].0,
                    "timestamp",
                    format!(
                        "the trace spans more than {} days (the longest horizon)",
                        Limits::MAX_HORIZON_DAYS
                    ),
                ));
            }
            peak = check_rate(file, *prev_c, step, prev_at, peak)?;
            total = check_total(file, total + prev_c, prev_at)?;
        }
        if times.len() >= Limits::MAX_TRACE_ROWS {
            return Err(err(
                file,
                n,
                1,
                "",
                format!(
                    "the trace has more than {} rows; aggregate it to a coarser step",
                    Limits::MAX_TRACE_ROWS
                ),
            ));
        }
        prev_at = (n, f[1].0);
        times.push(t);
        counts.push(c);
    }
    if times.is_empty() {
        return Err(err(
            file,
            1,
            1,
            "",
            "the trace has no rows: add `timestamp,count` lines",
        ));
    }
    let t0 = times[0];
    let starts: Vec<f64> = times.iter().map(|t| t - t0).collect();
    let last_step = if starts.len() >= 2 {
        starts[starts.len() - 1] - starts[starts.len() - 2]
    } else {
        60.0
    };
    peak = check_rate(file, counts[counts.len() - 1], last_step, prev_at, peak)?;
    check_total(file, total + counts[counts.len() - 1], prev_at)?;
    let period = starts[starts.len() - 1] + last_step;
    Ok(Trace::new(starts, counts, period, peak))
}

/// The running total of requests, up to the row at `at`, held to `Limits::MAX_REQUESTS`
/// (checked after the row's rate, the more telling message for one absurd count).
fn check_total(file: &Path, total: f64, at: (usize, usize)) -> Result<f64, Located> {
    if total > Limits::MAX_REQUESTS {
        return Err(err(
            file,
            at.0,
            at.1,
            "count",
            format!(
                "the trace holds more than {:e} requests up to this row, above the limit",
                Limits::MAX_REQUESTS
            ),
        ));
    }
    Ok(total)
}

/// A count over an interval of `step_s` is a rate, held to the limit on `Constant`
/// traffic; returns the new peak (rate, line, column).
fn check_rate(
    file: &Path,
    count: f64,
    step_s: f64,
    at: (usize, usize),
    peak: (f64, usize, usize),
) -> Result<(f64, usize, usize), Located> {
    let rate = count / step_s;
    if rate > Limits::MAX_RPS {
        return Err(err(
            file,
            at.0,
            at.1,
            "count",
            format!(
                "{count:e} requests in {step_s} s is {rate:.3e} req/s, above the {:e} req/s limit",
                Limits::MAX_RPS
            ),
        ));
    }
    Ok(if rate > peak.0 { (rate, at.0, at.1) } else { peak })
}

/// Azure Functions 2019 `invocations_per_function_md` file: one row per function, 1,440
/// per-minute counts. `function` selects a row by HashFunction, `app` sums an app's rows;
/// with neither, every row is summed.
pub fn parse_azure2019(text: &str, file: &Path, function: Option<&str>, app: Option<&str>) -> Result<Trace, Located> {
    const MINUTES: usize = 1440;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut counts = vec![0.0; MINUTES];
    let mut peak = (0.0, 1, 1);
    let mut rows = 0;
    let mut saw_header = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f = fields(line, 4 + MINUTES + 1);
        if !saw_header {
            if f.len() < 4
                || f[0].1 != "HashOwner"
                || f[1].1 != "HashApp"
                || f[2].1 != "HashFunction"
                || f[3].1 != "Trigger"
            {
                return Err(err(
                    file,
                    n,
                    1,
                    "",
                    "expected the header `HashOwner,HashApp,HashFunction,Trigger,1,...,1440`",
                ));
            }
            if f.len() != 4 + MINUTES {
                return Err(err(
                    file,
                    n,
                    1,
                    "",
                    if f.len() > 4 + MINUTES {
                        "the header has more than 1444 columns; expected 4 + 1440".to_string()
                    } else {
                        format!("the header has {} columns; expected 4 + 1440", f.len())
                    },
                ));
            }
            saw_header = true;
            continue;
        }
        if f.len() != 4 + MINUTES {
            return Err(err(
                file,
                n,
                1,
                "",
                if f.len() > 4 + MINUTES {
                    "row has more than 1444 fields; expected 1444 (4 ids and 1440 minutes)".to_string()
                } else {
                    format!("row has {} fields; expected 1444 (4 ids and 1440 minutes)", f.len())
                },
            ));
        }
        let take = match (function, app) {
            (Some(h), _) => f[2].1 == h,
            (None, Some(a)) => f[1].1 == a,
            (None, None) => true,
        };
        // Every row is checked, selected or not: a broken file is reported, not half-read.
        for (m, (col, v)) in f[4..].iter().enumerate() {
            let c = parse_count(v).ok_or_else(|| {
                err(
                    file,
                    n,
                    *col,
                    &format!("minute {}", m + 1),
                    format!("`{}` is not a count", echo(v)),
                )
            })?;
            if take {
                counts[m] += c;
                // the sum of the selected rows, as a rate over the minute
                peak = check_rate(file, counts[m], 60.0, (n, *col), peak)?;
            } else {
                check_rate(file, c, 60.0, (n, *col), peak)?;
            }
        }
        if take {
            rows += 1;
        }
    }
    if !saw_header {
        return Err(err(
            file,
            1,
            1,
            "",
            "the trace is empty: expected the header `HashOwner,HashApp,HashFunction,Trigger,1,...,1440`",
        ));
    }
    if rows == 0 {
        let what = match (function, app) {
            (Some(h), _) => format!("no row has HashFunction `{h}`"),
            (None, Some(a)) => format!("no row has HashApp `{a}`"),
            _ => "the trace has no rows".to_string(),
        };
        return Err(err(file, 1, 1, "", what));
    }
    let starts = (0..MINUTES).map(|m| m as f64 * 60.0).collect();
    Ok(Trace::new(starts, counts, MINUTES as f64 * 60.0, peak))
}

/// Parsed traces by file, reloaded only when the file changes (the GUI re-simulates on
/// every edit; reading the disk each time would put I/O on the hot path).
type TraceKey = (PathBuf, TraceFormat, Option<String>, Option<String>);

#[derive(Default)]
pub struct TraceStore {
    cache: HashMap<TraceKey, (Option<SystemTime>, Arc<Trace>)>,
}

impl TraceStore {
    /// The files read so far.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.cache.keys().map(|k| k.0.as_path())
    }

    pub fn get(
        &mut self,
        path: &Path,
        format: TraceFormat,
        function: Option<&str>,
        app: Option<&str>,
    ) -> Result<Arc<Trace>, Located> {
        let key = (
            path.to_path_buf(),
            format,
            function.map(str::to_string),
            app.map(str::to_string),
        );
        let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if let Some((t, tr)) = self.cache.get(&key)
            && *t == mtime
            && mtime.is_some()
        {
            return Ok(tr.clone());
        }
        let bytes = crate::util::read_capped(path, crate::util::MAX_TRACE_FILE_BYTES)
            .map_err(|e| err(path, 0, 0, "path", format!("cannot read the trace: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        let trace = Arc::new(match format {
            TraceFormat::Csv => parse_csv(&text, path)?,
            TraceFormat::Azure2019 => parse_azure2019(&text, path, function, app)?,
        });
        self.cache.insert(key, (mtime, trace.clone()));
        Ok(trace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows written 1 ms apart are 1 ms apart, though their timestamps as seconds since
    /// 1970 subtract to 0.99993 ms; rows closer than that are refused in ms.
    #[test]
    fn rows_exactly_one_ms_apart_are_accepted() {
        let t = parse_csv(
            "timestamp,count\n2026-01-05T00:00:00.000Z,5\n2026-01-05T00:00:00.001Z,5\n2026-01-05T00:00:00.002Z,5\n",
            Path::new("t.csv"),
        )
        .unwrap();
        assert_eq!(t.counts, vec![5.0, 5.0, 5.0]);
        let e = parse_csv("0,1\n0.0005,1\n", Path::new("t.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.csv:2:1: timestamp: 0.5 ms after the previous row: rows must be at least 1 ms apart"),
            "{e}"
        );
    }

    #[test]
    fn csv_with_header_and_rfc3339() {
        let t = parse_csv(
            "timestamp,count\n2026-01-05T00:00:00Z,120\n2026-01-05T00:01:00Z,180\n\n",
            Path::new("t.csv"),
        )
        .unwrap();
        assert_eq!(t.counts, vec![120.0, 180.0]);
        assert_eq!(t.period_s, 120.0);
        assert_eq!(t.cumulative_at(30.0), 60.0);
        assert_eq!(t.cumulative_at(120.0), 300.0);
        assert_eq!(t.cumulative_at(240.0 + 90.0), 600.0 + 120.0 + 90.0);
    }

    #[test]
    fn a_binary_cell_is_quoted_short() {
        let junk = format!("\u{1}PK{},5", "x".repeat(100_000));
        let e = parse_csv(&junk, Path::new("t.csv")).unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "`?PK{}...` is not an RFC 3339 timestamp or a number of seconds",
                "x".repeat(37)
            )
        );
    }

    #[test]
    fn csv_errors_name_line_and_column() {
        let e = parse_csv("timestamp,count\n0,5\n60,-3\n", Path::new("t.csv")).unwrap_err();
        assert_eq!((e.line, e.col, e.field.as_str()), (3, 4, "count"));
        let e = parse_csv("0,5\n0,6\n", Path::new("t.csv")).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "timestamp"));
        let e = parse_csv("timestamp,count\n", Path::new("t.csv")).unwrap_err();
        assert!(e.message.contains("no rows"));
        let e = parse_csv("0,5,7\n", Path::new("t.csv")).unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn azure_rows_selected_by_function_or_app() {
        let mut header = "HashOwner,HashApp,HashFunction,Trigger".to_string();
        for m in 1..=1440 {
            header.push_str(&format!(",{m}"));
        }
        let row = |app: &str, f: &str, v: u32| {
            let mut r = format!("o,{app},{f},http");
            for _ in 0..1440 {
                r.push_str(&format!(",{v}"));
            }
            r
        };
        let text = format!(
            "{header}\n{}\n{}\n{}\n",
            row("a1", "f1", 1),
            row("a1", "f2", 2),
            row("a2", "f3", 4)
        );
        let p = Path::new("az.csv");
        assert_eq!(
            parse_azure2019(&text, p, Some("f2"), None).unwrap().total(),
            2.0 * 1440.0
        );
        assert_eq!(
            parse_azure2019(&text, p, None, Some("a1")).unwrap().total(),
            3.0 * 1440.0
        );
        assert_eq!(parse_azure2019(&text, p, None, None).unwrap().total(), 7.0 * 1440.0);
        assert!(
            parse_azure2019(&text, p, Some("zz"), None)
                .unwrap_err()
                .message
                .contains("zz")
        );
        let bad = text.replacen("a2,f3,http,4", "a2,f3,http,x", 1);
        let e = parse_azure2019(&bad, p, None, None).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.field.starts_with("minute"));
    }
}
