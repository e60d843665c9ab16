//! Start from what runs today: read a service's logs, summarise them in flat memory
//! (`sketch`), fit the traffic and the request profile and write a scenario beside its
//! trace (`fit`). Pure: files in, values out; the CLI prints and writes.
//!
//! Formats read (`Format`), one module each, plain or gzip: AWS Lambda REPORT lines
//! (`lambda`), Elastic Load Balancing access logs (`alb`), the nginx/Apache combined log
//! format (`combined`), Cloud Logging request-log JSON lines (`cloudrun`) and CloudWatch
//! metric CSV exports of per-period counts (`cloudwatch`). Every line is a request, a
//! period (a metric export's row), another line (START, END, a header, the function's own
//! output) or a bad line, counted with its number and the reason; nothing is dropped
//! silently, and reading fails only when nothing usable is found.

pub mod alb;
pub mod build;
pub mod calibrate;
pub mod cloudrun;
pub mod cloudwatch;
pub mod combined;
pub mod fit;
pub mod lambda;
pub mod sketch;

use sketch::{Counts, LogSketch};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

/// Log formats `import` reads (names as in `../shared/contract/cli.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    LambdaReport,
    Alb,
    Combined,
    CloudRunJson,
    CloudWatchCsv,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::LambdaReport,
        Format::Alb,
        Format::Combined,
        Format::CloudRunJson,
        Format::CloudWatchCsv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::LambdaReport => "lambda-report",
            Format::Alb => "alb",
            Format::Combined => "combined",
            Format::CloudRunJson => "cloudrun-json",
            Format::CloudWatchCsv => "cloudwatch-csv",
        }
    }

    /// What the format is, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Format::LambdaReport => {
                "AWS Lambda REPORT lines (CloudWatch Logs text with timestamps, export JSON or Lambda's JSON log format)"
            }
            Format::Alb => "Elastic Load Balancing (ALB) access logs",
            Format::Combined => "nginx/Apache combined (or common) log format lines",
            Format::CloudRunJson => "Cloud Logging request-log JSON lines (Cloud Run), one entry per line",
            Format::CloudWatchCsv => {
                "a CloudWatch metric CSV export of per-period counts (a header row, a time column and a count column)"
            }
        }
    }
}

/// Longest request time accepted from any log, ms (a day: the scenario's limit).
pub const MAX_MS: f64 = crate::model::Limits::MAX_DURATION_MS;
/// Largest response accepted, bytes (10 GiB: the scenario's payload limit, so that the
/// fitted scenario always loads).
pub const MAX_BYTES: f64 = crate::model::Limits::MAX_PAYLOAD_KB * 1024.0;
/// Latest time accepted, Unix seconds (year 5138; earliest: 1970, the epoch): the
/// traces the import writes must read back.
pub const MAX_UNIX_S: f64 = 1e11;

/// Whether a time (Unix seconds) is one the import reads: from 1970 to `MAX_UNIX_S`.
fn readable_time(t: f64) -> bool {
    t.is_finite() && (0.0..=MAX_UNIX_S).contains(&t)
}

/// Why a line whose `what` falls at `t` is not read (outside `readable_time`).
fn unreadable_time(what: &str, t: f64) -> String {
    format!("{what} {t} s from 1970: only times from 1970 to year 5138 are read")
}

/// What one line of a log is, whatever the format.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    Request(Record),
    /// A metric export's row: requests counted over a period.
    Period(Period),
    /// Not a request (a header, a comment, another event, a blank line).
    Other,
    /// A line of the format that cannot be read: why.
    Bad(String),
}

/// An access log's line (ALB, combined): blank and `#` lines are other lines, the rest a
/// request as `read` finds it or a bad line with why.
pub(crate) fn access_line(line: &str, read: impl FnOnce(&str) -> Result<Record, String>) -> Entry {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return Entry::Other;
    }
    match read(t) {
        Ok(r) => Entry::Request(r),
        Err(why) => Entry::Bad(why),
    }
}

/// A metric export's row: `count` requests in the period starting at `start_s`.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    /// Unix seconds.
    pub start_s: f64,
    pub count: f64,
    /// The period's mean request time, when the export has one, ms.
    pub mean_duration_ms: Option<f64>,
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

/// A metric export's period as kept: start (Unix seconds), count, mean duration (ms).
pub type PeriodRow = (i64, f64, Option<f64>);

/// What the logs hold, summarised.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub format: Format,
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
    /// Of the bad lines, those more than 366 days from the lines kept (and the first).
    pub far: u64,
    far_first: Option<BadLine>,
    /// The first `BAD_LINES_LISTED` bad lines.
    pub bad_lines: Vec<BadLine>,
    /// A metric export's periods (sorted and merged once read, at most
    /// `Limits::MAX_TRACE_ROWS`): `(start s, count, mean duration ms)`.
    pub periods: Vec<PeriodRow>,
    /// The export's step (the smallest gap between two periods; 60 s for a single one).
    pub period_step_s: i64,
    /// Where each period was read (file index, line), until they are merged.
    period_at: Vec<(usize, u64)>,
    period_min_max: Option<(i64, i64)>,
}

impl Observed {
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// The memory size most requests ran with, MB.
    pub fn memory_mb(&self) -> Option<u32> {
        self.memory_mb.iter().max_by_key(|(_, n)| *n).map(|(m, _)| *m)
    }

    /// A line too far in time from those kept: bad, and counted apart (a log whose first
    /// line is a stray from years before would otherwise keep it and drop the rest).
    fn far_line(&mut self, file: &Path, line: u64, reason: String) {
        self.far += 1;
        if self.far_first.is_none() {
            self.far_first = Some(BadLine {
                file: file.to_path_buf(),
                line,
                reason: reason.clone(),
            });
        }
        self.bad_line(file, line, reason);
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

    /// Counts a metric export's row (the requests are counted once all are read).
    fn add_period(&mut self, file: (usize, &Path), line: u64, p: Period) {
        if !readable_time(p.start_s) {
            self.bad_line(file.1, line, unreadable_time("the period starts", p.start_s));
            return;
        }
        if self.periods.len() >= crate::model::Limits::MAX_TRACE_ROWS {
            let n = crate::model::Limits::MAX_TRACE_ROWS;
            self.bad_line(
                file.1,
                line,
                format!("more than {n} periods: export at a coarser period"),
            );
            return;
        }
        let t = p.start_s.floor() as i64;
        let (lo, hi) = match self.period_min_max {
            Some((a, b)) => (a.min(t), b.max(t)),
            None => (t, t),
        };
        if hi - lo >= sketch::SPAN_MAX_S {
            let why = format!(
                "the period at {} lies more than 366 days from the others",
                rfc3339(p.start_s)
            );
            self.far_line(file.1, line, why);
            return;
        }
        self.period_min_max = Some((lo, hi));
        self.periods.push((t, p.count, p.mean_duration_ms));
        self.period_at.push((file.0, line));
    }

    /// Once every file is read: periods sorted, those of the same start merged, the step
    /// found (coarsened so the trace stays within `Limits::MAX_TRACE_ROWS`), periods above
    /// the request-rate limit turned into bad lines, and the requests counted.
    fn finish_periods(&mut self) {
        if self.periods.is_empty() {
            return;
        }
        type Row = (PeriodRow, (usize, u64));
        let mut rows: Vec<Row> = self.periods.drain(..).zip(self.period_at.drain(..)).collect();
        rows.sort_by_key(|r| r.0.0);
        let step = rows
            .windows(2)
            .map(|w| w[1].0.0 - w[0].0.0)
            .filter(|&g| g > 0)
            .min()
            .unwrap_or(60)
            .max(1);
        let (first, last) = (rows[0].0.0, rows[rows.len() - 1].0.0);
        let max_rows = crate::model::Limits::MAX_TRACE_ROWS as i64;
        let mut step_s = step;
        while (last - first) / step_s + 1 > max_rows {
            step_s += step;
        }
        // (start, count, sum of count x mean, count with a mean)
        let mut merged: Vec<(i64, f64, f64, f64)> = Vec::new();
        for ((t, count, mean), at) in rows {
            let slot = first + (t - first) / step_s * step_s;
            let rate = count / step_s as f64;
            if rate > crate::model::Limits::MAX_RPS {
                let file = self.files.get(at.0).cloned().unwrap_or_default();
                let why = format!(
                    "{count} requests in a {step_s} s period is above the {:e} req/s limit",
                    crate::model::Limits::MAX_RPS
                );
                self.bad_line(&file, at.1, why);
                continue;
            }
            let (ds, dw) = mean.map(|m| (m * count, count)).unwrap_or((0.0, 0.0));
            match merged.last_mut() {
                Some(last) if last.0 == slot => {
                    last.1 += count;
                    last.2 += ds;
                    last.3 += dw;
                }
                _ => merged.push((slot, count, ds, dw)),
            }
        }
        // a merged slot above the limit (several files' periods summed) is kept at it
        let cap = crate::model::Limits::MAX_RPS * step_s as f64;
        let merged: Vec<PeriodRow> = merged
            .into_iter()
            .map(|(t, c, ds, dw)| (t, c.min(cap), (dw > 0.0).then(|| ds / dw)))
            .collect();
        self.period_step_s = step_s;
        self.requests = merged
            .iter()
            .map(|p| p.1.round() as u64)
            .fold(0u64, u64::saturating_add);
        self.periods = merged;
    }

    /// The mean request time over the periods that have one, weighted by their counts.
    pub fn period_mean_duration_ms(&self) -> Option<f64> {
        let (mut sum, mut n) = (0.0, 0.0);
        for &(_, c, m) in &self.periods {
            if let Some(m) = m {
                sum += m * c;
                n += c;
            }
        }
        (n > 0.0).then(|| sum / n)
    }

    fn add(&mut self, file: &Path, line: u64, r: Record) {
        // (an arrival before 1970, a time less a long duration, has no trace row)
        if !readable_time(r.arrival_s) {
            self.bad_line(file, line, unreadable_time("the request arrives at", r.arrival_s));
            return;
        }
        if let Err(e) = self.arrivals.add(r.arrival_s) {
            self.far_line(file, line, e);
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
    /// A file that is not of its format as a whole (a JSON array where JSON lines are
    /// read, a CSV without the header expected): what to do instead.
    Format(PathBuf, String),
    /// No requests in any file: what was found instead.
    Nothing(String),
    /// The caller stopped the reading.
    Cancelled,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Io(p, e) | ImportError::Format(p, e) => write!(f, "{}: {e}", p.display()),
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
        format,
        files: files.to_vec(),
        ..Observed::default()
    };
    for (i, f) in files.iter().enumerate() {
        match open_log(f)? {
            LogReader::Plain(r) => read_lines(r, (i, f), format, &mut obs, go_on)?,
            LogReader::Gzip(r) => read_lines(r, (i, f), format, &mut obs, go_on)?,
        }
    }
    obs.finish_periods();
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
                "{} lines, none a {} request ({})",
                obs.lines,
                format.name(),
                format.what()
            )
        };
        return Err(ImportError::Nothing(format!("nothing to import: {what}")));
    }
    // the lines kept are those near the first read: when more lie far from them, the
    // first were the strays
    let kept = if obs.periods.is_empty() {
        obs.requests()
    } else {
        obs.periods.len() as u64
    };
    if let Some(first) = obs.far_first.as_ref().filter(|_| obs.far > kept) {
        return Err(ImportError::Nothing(format!(
            "the logs span more than 366 days: {kept} {} kept near the first one read, and {} lie more than \
             366 days from {} (the first at {}:{}: {}); an import covers at most 366 days: remove the \
             stray lines, or import each period on its own",
            if kept == 1 { "line was" } else { "lines were" },
            obs.far,
            if kept == 1 { "it" } else { "them" },
            first.file.display(),
            first.line,
            first.reason
        )));
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

/// One file's reader of its format: the formats that need a state (a header, the first
/// line) keep it here. An enum, so the line loop stays monomorphic.
enum Parser {
    Lambda,
    Alb,
    Combined,
    CloudRun(cloudrun::State),
    CloudWatch(cloudwatch::State),
}

impl Parser {
    fn new(format: Format) -> Parser {
        match format {
            Format::LambdaReport => Parser::Lambda,
            Format::Alb => Parser::Alb,
            Format::Combined => Parser::Combined,
            Format::CloudRunJson => Parser::CloudRun(cloudrun::State::default()),
            Format::CloudWatchCsv => Parser::CloudWatch(cloudwatch::State::default()),
        }
    }

    /// The line's entry; `Err` when the file as a whole is not of the format.
    #[inline]
    fn line(&mut self, text: &str) -> Result<Entry, String> {
        Ok(match self {
            Parser::Lambda => match lambda::parse_line(text) {
                lambda::Line::Report(rep) => Entry::Request(rep.into()),
                lambda::Line::Other => Entry::Other,
                lambda::Line::Bad(why) => Entry::Bad(why),
            },
            Parser::Alb => alb::parse_line(text),
            Parser::Combined => combined::parse_line(text),
            Parser::CloudRun(s) => s.parse_line(text)?,
            Parser::CloudWatch(s) => s.parse_line(text)?,
        })
    }
}

/// Reads every line; `ImportError::Cancelled` when `go_on` stops it.
fn read_lines<R: BufRead>(
    mut r: R,
    (index, file): (usize, &Path),
    format: Format,
    obs: &mut Observed,
    go_on: &dyn Fn(u64) -> bool,
) -> Result<(), ImportError> {
    let io = |e: String| ImportError::Io(file.to_path_buf(), e);
    let mut parser = Parser::new(format);
    let mut buf: Vec<u8> = Vec::with_capacity(512);
    let mut n: u64 = 0;
    loop {
        buf.clear();
        let read = (&mut r)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| io(format!("line {}: {e}", n + 1)))?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        obs.lines += 1;
        if obs.lines.is_multiple_of(PROGRESS_EVERY_LINES) && !go_on(obs.lines) {
            return Err(ImportError::Cancelled);
        }
        if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            // skip the rest of this overlong line
            loop {
                buf.clear();
                let more = (&mut r)
                    .take(MAX_LINE_BYTES as u64)
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| io(format!("line {n}: {e}")))?;
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
        match parser.line(text.trim_end_matches(['\n', '\r'])) {
            Ok(Entry::Request(rec)) => obs.add(file, n, rec),
            Ok(Entry::Period(p)) => obs.add_period((index, file), n, p),
            Ok(Entry::Other) => {}
            Ok(Entry::Bad(why)) => obs.bad_line(file, n, why),
            Err(e) => return Err(ImportError::Format(file.to_path_buf(), format!("line {n}: {e}"))),
        }
    }
}

/// A line's fields separated by spaces, a field in double quotes (backslash escapes
/// inside), or in square brackets when `brackets`, read whole: the access logs' shape,
/// read without copying.
pub(crate) struct Fields<'a> {
    s: &'a str,
    pos: usize,
    brackets: bool,
}

impl<'a> Fields<'a> {
    /// `brackets`: a field starting with `[` runs to the next `]` (the common log
    /// format's time); otherwise `[` is an ordinary character (an IPv6 address).
    pub(crate) fn new(s: &'a str, brackets: bool) -> Fields<'a> {
        Fields { s, pos: 0, brackets }
    }

    /// The next field (without its quotes or brackets), `Ok(None)` at the end, `Err` on a
    /// quote or bracket that is not closed. The bool says whether it was quoted.
    #[inline]
    pub(crate) fn next_field(&mut self) -> Result<Option<(&'a str, bool)>, &'static str> {
        let b = self.s.as_bytes();
        let mut i = self.pos;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            self.pos = i;
            return Ok(None);
        };
        if c == b'"' {
            let start = i + 1;
            let mut j = start;
            loop {
                let Some(k) = b.get(j..).and_then(|rest| memchr::memchr2(b'"', b'\\', rest)) else {
                    return Err("a quoted field is not closed (a truncated line?)");
                };
                let at = j + k;
                if b.get(at) == Some(&b'\\') {
                    j = at + 2;
                    continue;
                }
                self.pos = at + 1;
                return Ok(self.s.get(start..at).map(|f| (f, true)));
            }
        }
        if c == b'[' && self.brackets {
            let start = i + 1;
            let Some(k) = b.get(start..).and_then(|rest| memchr::memchr(b']', rest)) else {
                return Err("a bracketed field is not closed (a truncated line?)");
            };
            self.pos = start + k + 1;
            return Ok(self.s.get(start..start + k).map(|f| (f, true)));
        }
        // (unquoted fields are short: a plain loop beats a vector search's set-up)
        let end = b
            .get(i..)
            .and_then(|rest| rest.iter().position(|&c| c == b' '))
            .map(|k| i + k)
            .unwrap_or(b.len());
        self.pos = end;
        Ok(self.s.get(i..end).map(|f| (f, false)))
    }

    /// The next field, or why it is missing (naming it).
    #[inline]
    pub(crate) fn need(&mut self, name: &str) -> Result<&'a str, String> {
        match self.next_field() {
            Ok(Some((f, _))) => Ok(f),
            Ok(None) => Err(format!("the line ends before `{name}` (a truncated line?)")),
            Err(e) => Err(format!("{e} before `{name}`")),
        }
    }

    /// Skips `n` fields.
    #[inline]
    pub(crate) fn skip(&mut self, n: usize, before: &str) -> Result<(), String> {
        for _ in 0..n {
            self.need(before)?;
        }
        Ok(())
    }
}

/// A plain decimal (`0.086`, `12`, `.5`: digits and at most one point, 18 digits at
/// most) without the general float parser; `None` for anything else (the caller falls
/// back to it). Within an ulp of the correctly rounded value.
#[inline]
pub(crate) fn plain_decimal(s: &str) -> Option<f64> {
    const POW10: [f64; 19] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ];
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let (mut v, mut frac, mut point, mut digits) = (0u64, 0usize, false, 0usize);
    for &c in b {
        if c.is_ascii_digit() {
            v = v * 10 + (c - b'0') as u64;
            digits += 1;
            if point {
                frac += 1;
            }
        } else if c == b'.' && !point {
            point = true;
        } else {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    Some(v as f64 / *POW10.get(frac)?)
}

/// RFC 3339 (with any offset), `YYYY-MM-DD HH:MM:SS[.fff]` (UTC), or Unix seconds or
/// milliseconds as a number.
pub fn parse_time(s: &str) -> Option<f64> {
    let t = parse_time_any(s)?;
    // (from 1970 to year 5138, whatever the form)
    readable_time(t).then_some(t)
}

fn parse_time_any(s: &str) -> Option<f64> {
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
    Some(if x.abs() >= MAX_UNIX_S { x / 1000.0 } else { x })
}

/// `YYYY-MM-DDTHH:MM:SS[.f…]Z`, the form CloudWatch and Lambda write, without a general
/// parser (it runs once a line); anything else is left to chrono.
pub(crate) fn utc_fast(s: &str) -> Option<f64> {
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
    Some((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec) as f64 + f)
}

/// Days from 1970-01-01 to a valid date (Howard Hinnant's days_from_civil).
pub(crate) fn days_from_civil(y: i64, mo: i64, d: i64) -> i64 {
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
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

/// Detects the format from the first lines of the first file (1 MiB read at most); an
/// error lists the formats read when none matches.
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
    if let Some(found) = detect_text(&text) {
        return Ok(found);
    }
    let names: Vec<String> = Format::ALL
        .iter()
        .map(|f| format!("  {}: {}", f.name(), f.what()))
        .collect();
    Err(ImportError::Nothing(format!(
        "{}: not a log format `import` reads (gzip is read as it is); the formats are:\n{}\ngive --format to read it as one of them anyway",
        f.display(),
        names.join("\n")
    )))
}

/// The format of a file's first lines, if any matches.
pub fn detect_text(text: &str) -> Option<Format> {
    if text.contains("REPORT RequestId:") || text.contains("platform.report") {
        return Some(Format::LambdaReport);
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty()).take(50);
    let first = lines.clone().next()?;
    if (first.starts_with('{') || first.starts_with('[')) && text.contains("\"httpRequest\"") {
        return Some(Format::CloudRunJson);
    }
    // the access logs' shapes are strict, a CSV header loose: the access logs first
    if lines.clone().any(|l| matches!(alb::parse_line(l), Entry::Request(_))) {
        return Some(Format::Alb);
    }
    if lines.any(|l| matches!(combined::parse_line(l), Entry::Request(_))) {
        return Some(Format::Combined);
    }
    cloudwatch::State::default()
        .parse_line(first)
        .is_ok()
        .then_some(Format::CloudWatchCsv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path reads what chrono reads, to the microsecond; other forms fall back.
    #[test]
    fn every_format_is_detected_from_its_first_lines() {
        let cases = [
            (
                "2026-11-30T10:00:01Z 2026/11/30/[$LATEST]ab REPORT RequestId: x\tDuration: 1 ms",
                Format::LambdaReport,
            ),
            (
                r#"{"time":"2026-11-30T10:00:01Z","type":"platform.report","record":{}}"#,
                Format::LambdaReport,
            ),
            (
                r#"h2 2026-11-30T22:23:00.186641Z app/lb/50 [2001:db8::1]:2817 10.0.0.1:80 0.000 0.086 0.001 200 200 34 366 "GET https://x:443/ HTTP/2.0" "curl" ECDHE TLSv1.2 arn:tg "Root=1" "x" "-" 1 2026-11-30T22:23:00.099000Z "forward""#,
                Format::Alb,
            ),
            (
                r#"::1 - - [30/Nov/2026:00:00:00 +0000] "GET /?a=1,time=2,count=3 HTTP/1.1" 200 12 "-" "x""#,
                Format::Combined,
            ),
            (
                r#"{"httpRequest":{"latency":"0.1s"},"timestamp":"2026-11-30T10:00:01Z"}"#,
                Format::CloudRunJson,
            ),
            ("[\n  {\n    \"httpRequest\": {}\n  }\n]", Format::CloudRunJson),
            ("Timestamp,Invocations\n2026-11-30T10:00:00Z,4", Format::CloudWatchCsv),
        ];
        for (text, want) in cases {
            assert_eq!(detect_text(text), Some(want), "{text}");
        }
        assert_eq!(detect_text("hello\nworld"), None);
        assert_eq!(detect_text(""), None);
    }

    #[test]
    fn plain_decimals_agree_with_the_float_parser() {
        for s in [
            "0.086",
            "0",
            "12",
            ".5",
            "5.",
            "0.000001",
            "86400.000",
            "123456789012345678",
            "3.14159265358979",
        ] {
            let want: f64 = s.parse().unwrap();
            let got = plain_decimal(s).unwrap();
            assert!(
                (got - want).abs() <= want.abs() * 2.0 * f64::EPSILON,
                "{s}: {got} vs {want}"
            );
        }
        for s in ["", ".", "-1", "1e3", "1.2.3", "NaN", "12345678901234567890", "1 "] {
            assert_eq!(plain_decimal(s), None, "{s}");
        }
    }

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
