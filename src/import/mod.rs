//! Start from what runs today: read a service's logs, summarise them in flat memory
//! (`sketch`), fit the traffic and the request profile and write a scenario beside its
//! trace (`fit`). Pure: files in, values out; the CLI prints and writes.
//!
//! Read so far: AWS Lambda REPORT lines (`lambda`), in CloudWatch's text, export JSON and
//! Lambda's JSON log format, plain or gzip. Every line is either a request, another line
//! (START, END, the function's own output) or a bad line, counted with its number and the
//! reason; nothing is dropped silently, and reading fails only when no request is found.

pub mod build;
pub mod calibrate;
pub mod fit;
pub mod lambda;
pub mod sketch;

use sketch::{Counts, LogSketch};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

/// Log formats `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    LambdaReport,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::LambdaReport => "lambda-report",
        }
    }
}

/// Longest time in flight counted for one request in the observed concurrency, seconds.
pub const BUSY_SPAN_MAX_S: f64 = 3_600.0;
/// Bad lines reported by number (the rest are counted).
pub const BAD_LINES_LISTED: usize = 20;
/// Longest line read, bytes (a longer one is a bad line, read past without holding it).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// A bad line: where and why.
#[derive(Clone, Debug, PartialEq)]
pub struct BadLine {
    pub file: PathBuf,
    pub line: u64,
    pub reason: String,
}

/// One request as a log tells it, whatever the format: when it arrived and what the log
/// says about it (`None` where the format does not record it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// Unix seconds.
    pub arrival_s: f64,
    /// The request's own time (Lambda's Duration, a load balancer's target time, a web
    /// server's request time), ms.
    pub duration_ms: Option<f64>,
    pub billed_ms: Option<f64>,
    /// Present on an observed cold start: the environment's initialisation, ms.
    pub init_ms: Option<f64>,
    pub memory_mb: Option<f64>,
    pub max_used_mb: Option<f64>,
    /// Bytes sent back to the client.
    pub response_bytes: Option<f64>,
}

impl From<lambda::Report> for Record {
    fn from(r: lambda::Report) -> Record {
        Record {
            arrival_s: r.arrival_s(),
            duration_ms: Some(r.duration_ms),
            billed_ms: r.billed_ms,
            init_ms: r.init_ms,
            memory_mb: r.memory_mb,
            max_used_mb: r.max_used_mb,
            response_bytes: None,
        }
    }
}

/// What the logs hold, summarised.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub files: Vec<PathBuf>,
    pub lines: u64,
    pub requests: u64,
    /// Requests per interval (arrivals: the end of each invocation less its time).
    pub arrivals: Counts,
    /// Milliseconds of requests in flight per interval (duration plus initialisation,
    /// split across the intervals a request spans): the observed concurrency.
    pub busy_ms: Counts,
    pub durations: LogSketch,
    pub billed: LogSketch,
    pub init: LogSketch,
    pub cold_starts: u64,
    pub memory_mb: Vec<(u32, u64)>,
    pub max_used: LogSketch,
    /// Response sizes, bytes.
    pub responses: LogSketch,
    pub bad: u64,
    /// The first `BAD_LINES_LISTED` bad lines.
    pub bad_lines: Vec<BadLine>,
}

impl Observed {
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// The memory size most requests ran with, MB.
    pub fn memory_mb(&self) -> Option<u32> {
        self.memory_mb.iter().max_by_key(|(_, n)| *n).map(|(m, _)| *m)
    }

    fn bad_line(&mut self, file: &Path, line: u64, reason: String) {
        self.bad += 1;
        if self.bad_lines.len() < BAD_LINES_LISTED {
            self.bad_lines.push(BadLine {
                file: file.to_path_buf(),
                line,
                reason,
            });
        }
    }

    fn add(&mut self, file: &Path, line: u64, r: Record) {
        if let Err(e) = self.arrivals.add(r.arrival_s) {
            self.bad_line(file, line, e);
            return;
        }
        self.requests += 1;
        if let Some(d) = r.duration_ms {
            self.durations.add(d.max(1e-3));
            self.add_busy(r.arrival_s, d + r.init_ms.unwrap_or(0.0));
        }
        if let Some(b) = r.billed_ms {
            self.billed.add(b.max(1e-3));
        }
        if let Some(i) = r.init_ms {
            self.cold_starts += 1;
            self.init.add(i.max(1e-3));
        }
        if let Some(m) = r.memory_mb {
            let m = m.round() as u32;
            if let Some(e) = self.memory_mb.iter_mut().find(|(x, _)| *x == m) {
                e.1 += 1;
            } else if self.memory_mb.len() < 64 {
                self.memory_mb.push((m, 1));
            }
        }
        if let Some(u) = r.max_used_mb {
            self.max_used.add(u.max(1e-3));
        }
        if let Some(b) = r.response_bytes {
            self.responses.add(b.max(1.0));
        }
    }
}

impl Observed {
    /// Spreads a request's time in flight over the seconds it spans (most requests lie
    /// within one second: one addition). Only the first `BUSY_SPAN_MAX_S` of a request
    /// count, so a log of day-long requests costs no more than a log of hour-long ones.
    fn add_busy(&mut self, start_s: f64, ms: f64) {
        let mut t = start_s;
        let end = start_s + (ms / 1000.0).min(BUSY_SPAN_MAX_S);
        while t < end {
            let next = (t.floor() + 1.0).min(end);
            let part = ((next - t) * 1000.0).round() as u64;
            // an arrival already counted lies within the span: this cannot fail
            if part > 0 && self.busy_ms.add_n(t, part).is_err() {
                return;
            }
            t = next;
        }
    }
}

/// Why nothing could be imported.
#[derive(Debug)]
pub enum ImportError {
    /// A file cannot be opened or read.
    Io(PathBuf, String),
    /// No requests in any file: what was found instead.
    Nothing(String),
    /// The caller stopped the reading.
    Cancelled,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            ImportError::Nothing(s) => f.write_str(s),
            ImportError::Cancelled => f.write_str("cancelled"),
        }
    }
}

/// Reads `files` (gzip read as it is, by its magic bytes) as `format`.
pub fn read_files(files: &[PathBuf], format: Format) -> Result<Observed, ImportError> {
    read_files_with(files, format, &|_| true)
}

/// Lines read between two calls of the progress callback.
pub const PROGRESS_EVERY_LINES: u64 = 1 << 16;

/// `read_files`, calling `go_on` with the lines read so far every
/// `PROGRESS_EVERY_LINES`; reading stops (`ImportError::Cancelled`) when it says false.
pub fn read_files_with(
    files: &[PathBuf],
    format: Format,
    go_on: &dyn Fn(u64) -> bool,
) -> Result<Observed, ImportError> {
    let mut obs = Observed {
        files: files.to_vec(),
        ..Observed::default()
    };
    for f in files {
        let res = match open_log(f)? {
            LogReader::Plain(r) => read_lines(r, f, format, &mut obs, go_on),
            LogReader::Gzip(r) => read_lines(r, f, format, &mut obs, go_on),
        };
        match res {
            Ok(true) => {}
            Ok(false) => return Err(ImportError::Cancelled),
            Err(e) => return Err(ImportError::Io(f.clone(), e)),
        }
    }
    if obs.requests() == 0 {
        let what = if obs.lines == 0 {
            "the files are empty".to_string()
        } else if obs.bad > 0 {
            let first = &obs.bad_lines[0];
            format!(
                "{} lines, none a readable {} request; {} bad, the first at {}:{}: {}",
                obs.lines,
                format.name(),
                obs.bad,
                first.file.display(),
                first.line,
                first.reason
            )
        } else {
            format!(
                "{} lines, none a {} request (Lambda's REPORT lines, with their timestamps)",
                obs.lines,
                format.name()
            )
        };
        return Err(ImportError::Nothing(format!("nothing to import: {what}")));
    }
    Ok(obs)
}

/// A log file as text: gzip (by its magic bytes) decompressed as it is read. An enum, not
/// a boxed reader, so the line loop is compiled for each and reads without indirection.
enum LogReader {
    Plain(std::io::BufReader<std::fs::File>),
    Gzip(std::io::BufReader<flate2::bufread::MultiGzDecoder<std::io::BufReader<std::fs::File>>>),
}

fn open_log(f: &Path) -> Result<LogReader, ImportError> {
    let io = |e: std::io::Error| ImportError::Io(f.to_path_buf(), e.to_string());
    let mut reader = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(f).map_err(io)?);
    let gz = reader.fill_buf().map(|b| b.starts_with(&[0x1f, 0x8b])).map_err(io)?;
    Ok(if gz {
        let dec = flate2::bufread::MultiGzDecoder::new(reader);
        LogReader::Gzip(std::io::BufReader::with_capacity(1 << 16, dec))
    } else {
        LogReader::Plain(reader)
    })
}

/// Reads every line; `Ok(false)` when `go_on` stopped it.
fn read_lines<R: BufRead>(
    mut r: R,
    file: &Path,
    format: Format,
    obs: &mut Observed,
    go_on: &dyn Fn(u64) -> bool,
) -> Result<bool, String> {
    let mut buf: Vec<u8> = Vec::with_capacity(512);
    let mut n: u64 = 0;
    loop {
        buf.clear();
        let read = (&mut r)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        if read == 0 {
            return Ok(true);
        }
        n += 1;
        obs.lines += 1;
        if obs.lines.is_multiple_of(PROGRESS_EVERY_LINES) && !go_on(obs.lines) {
            return Ok(false);
        }
        if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            // skip the rest of this overlong line
            loop {
                buf.clear();
                let more = (&mut r)
                    .take(MAX_LINE_BYTES as u64)
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| format!("line {n}: {e}"))?;
                if more == 0 || buf.last() == Some(&b'\n') {
                    break;
                }
            }
            obs.bad_line(file, n, format!("longer than {MAX_LINE_BYTES} bytes"));
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            obs.bad_line(file, n, "not UTF-8 text".into());
            continue;
        };
        match format {
            Format::LambdaReport => match lambda::parse_line(text.trim_end_matches(['\n', '\r'])) {
                lambda::Line::Report(rep) => obs.add(file, n, rep.into()),
                lambda::Line::Other => {}
                lambda::Line::Bad(why) => obs.bad_line(file, n, why),
            },
        }
    }
}

/// RFC 3339 (with any offset), `YYYY-MM-DD HH:MM:SS[.fff]` (UTC), or Unix seconds or
/// milliseconds as a number.
pub fn parse_time(s: &str) -> Option<f64> {
    if let Some(t) = utc_fast(s) {
        return Some(t);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_micros() as f64 / 1e6);
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc().timestamp_micros() as f64 / 1e6);
        }
    }
    let x: f64 = s.parse().ok()?;
    // 10^11 s is year 5138: a larger number is milliseconds
    let secs = if x.abs() >= 1e11 { x / 1000.0 } else { x };
    (secs.is_finite() && (0.0..=1e11).contains(&secs)).then_some(secs)
}

/// `YYYY-MM-DDTHH:MM:SS[.f…]Z`, the form CloudWatch and Lambda write, without a general
/// parser (it runs once a line); anything else is left to chrono.
fn utc_fast(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if *b.last()? != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter()
            .try_fold(0i64, |a, &c| c.is_ascii_digit().then(|| a * 10 + (c - b'0') as i64))
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let frac = &b[19..b.len() - 1];
    let mut f = 0.0;
    if !frac.is_empty() {
        if frac[0] != b'.' || frac.len() < 2 || frac.len() > 10 {
            return None;
        }
        let digits = &frac[1..];
        let v = digits
            .iter()
            .try_fold(0i64, |a, &c| c.is_ascii_digit().then(|| a * 10 + (c - b'0') as i64))?;
        f = v as f64 / 10f64.powi(digits.len() as i32);
    }
    // days from 1970-01-01 (Howard Hinnant's days_from_civil)
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + sec) as f64 + f)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An RFC 3339 rendering of Unix seconds (UTC, to the millisecond).
pub fn rfc3339(t_s: f64) -> String {
    chrono::DateTime::from_timestamp_millis((t_s * 1000.0).round() as i64)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| format!("{t_s} s"))
}

/// User text in a message: the trace reader's quoting (40 characters, control characters
/// shown as `?`).
pub(crate) use crate::sim::trace::echo;

/// Detects the format from the first lines of the first file (only REPORT lines are
/// read so far: anything else is an error that says so).
pub fn detect(files: &[PathBuf]) -> Result<Format, ImportError> {
    let Some(f) = files.first() else {
        return Err(ImportError::Nothing("no files given".into()));
    };
    let mut head = Vec::new();
    let limit = 1 << 20;
    let res = match open_log(f)? {
        LogReader::Plain(r) => r.take(limit).read_to_end(&mut head),
        LogReader::Gzip(r) => r.take(limit).read_to_end(&mut head),
    };
    res.map_err(|e| ImportError::Io(f.clone(), e.to_string()))?;
    let text = String::from_utf8_lossy(&head);
    if text.contains("REPORT RequestId:") || text.contains("platform.report") {
        return Ok(Format::LambdaReport);
    }
    Err(ImportError::Nothing(format!(
        "{}: not a log this version reads: `import` reads AWS Lambda REPORT lines (CloudWatch text or JSON, plain or gzip) so far; give --format lambda-report to read it as one anyway",
        f.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path reads what chrono reads, to the microsecond; other forms fall back.
    #[test]
    fn the_fast_timestamp_path_agrees_with_chrono() {
        for s in [
            "2026-11-30T10:00:01.500Z",
            "2026-11-30T10:00:01Z",
            "2024-02-29T23:59:59.123456Z",
            "1970-01-01T00:00:00.000Z",
            "2000-03-01T00:00:00.1Z",
            "1999-12-31T23:59:59.999999999Z",
        ] {
            let chrono = chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros() as f64 / 1e6;
            let fast = utc_fast(s).unwrap();
            assert!((fast - chrono).abs() < 1e-6, "{s}: {fast} vs {chrono}");
        }
        for s in [
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-30T24:00:00Z",
            "2026-11-30T10:00:01+01:00",
            "2026-11-30T10:00:01.Z",
        ] {
            assert_eq!(utc_fast(s), None, "{s}");
        }
        assert_eq!(
            parse_time("2026-11-30T11:00:01+01:00"),
            utc_fast("2026-11-30T10:00:01Z")
        );
        assert_eq!(parse_time("2023-02-29T00:00:00Z"), None);
    }
}
