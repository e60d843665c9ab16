//! CloudWatch metric exports as CSV: requests counted per period, not requests. A header
//! row names the columns; each row after it is a period. Read:
//! - a time column: `Timestamp`, `Timestamps`, `Time…` or `Date…` (RFC 3339, `YYYY-MM-DD
//!   HH:MM[:SS]` UTC, `YYYY/MM/DD HH:MM[:SS]` UTC, or Unix seconds or milliseconds): when
//!   the period starts;
//! - a count column, the first of `Invocations`, `RequestCount`, `Requests`,
//!   `SampleCount`, `Sum` or `Count` (a header cell containing the word, so the
//!   console's `Invocations (Sum)` or `my-fn Invocations` match; `Errors` and
//!   `Throttles` never do);
//! - optionally a mean request time: a cell containing `Duration` (Lambda's, ms; not
//!   `Init…`), `Latency` (ms) or `TargetResponseTime` (the load balancer's, s).
//!
//! This is what the console's "Download as .csv" of a graphed metric gives, and what
//! `aws cloudwatch get-metric-data` gives once its timestamps and values are written as
//! rows under such a header (`GET_METRIC_DATA_HINT`). Empty periods are left out by CloudWatch (they count as
//! zero); an empty count cell is a period without data and is passed over.

use super::{Entry, MAX_MS, Period, echo, parse_time};

/// The header expected, for messages.
pub const EXPECTED: &str = "a header row with a time column (Timestamp, Time or Date) and a count column (Invocations, RequestCount, Requests, SampleCount, Sum or Count), optionally a mean duration column (Duration or Latency in ms, TargetResponseTime in s), e.g. `Timestamp,Invocations,Duration`";

/// How to turn `get-metric-data`'s JSON into rows this reads.
pub const GET_METRIC_DATA_HINT: &str = r#"aws cloudwatch get-metric-data … --output json | jq -r '"Timestamp,Invocations", (.MetricDataResults[0] | [.Timestamps, .Values] | transpose[] | @csv)' > invocations.csv"#;

/// Most requests one period may hold (`Limits::MAX_REQUESTS`).
const MAX_COUNT: f64 = crate::model::Limits::MAX_REQUESTS;

#[derive(Clone, Debug)]
struct Columns {
    time: usize,
    count: usize,
    /// The duration column and its unit, ms per unit.
    duration: Option<(usize, f64)>,
}

/// Reading state of one file: its header's columns once read.
#[derive(Clone, Debug, Default)]
pub struct State {
    columns: Option<Columns>,
}

impl State {
    /// One line: the header (the first line that is not blank), then periods; `Err` when
    /// the header is not one this reads.
    pub fn parse_line(&mut self, line: &str) -> Result<Entry, String> {
        let t = line.trim().trim_start_matches('\u{feff}');
        if t.is_empty() {
            return Ok(Entry::Other);
        }
        match &self.columns {
            None => {
                let c = header(t).ok_or_else(|| {
                    let hint = if t.starts_with('{') || t.starts_with('[') {
                        format!(" (get-metric-data's JSON can be written so: {GET_METRIC_DATA_HINT})")
                    } else {
                        String::new()
                    };
                    format!("`{}` is not the header expected: {EXPECTED}{hint}", echo(t))
                })?;
                self.columns = Some(c);
                Ok(Entry::Other)
            }
            Some(c) => Ok(row(c, t)),
        }
    }
}

/// A CSV line's cells (double quotes around a cell, with `""` inside, honoured), trimmed.
fn cells(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
        if out.len() > 256 {
            break;
        }
    }
    out.push(cur.trim().to_string());
    out
}

fn header(t: &str) -> Option<Columns> {
    let names: Vec<String> = cells(t).iter().map(|c| c.to_ascii_lowercase()).collect();
    if names.len() < 2 {
        return None;
    }
    let time = names
        .iter()
        .position(|c| c == "timestamps" || c.starts_with("time") || c.starts_with("date"))?;
    let candidate = |i: usize, c: &str| {
        i != time
            && !["error", "throttl", "duration", "latency", "responsetime"]
                .iter()
                .any(|w| c.contains(w))
    };
    let count = ["invocations", "requestcount", "requests", "samplecount", "sum", "count"]
        .iter()
        .find_map(|w| {
            names
                .iter()
                .enumerate()
                .position(|(i, c)| candidate(i, c) && c.contains(w))
        })?;
    let duration = names.iter().enumerate().find_map(|(i, c)| {
        if i == time || i == count {
            None
        } else if c.contains("targetresponsetime") || c.contains("target response time") {
            Some((i, 1000.0))
        } else if (c.contains("duration") && !c.contains("init")) || c.contains("latency") {
            Some((i, 1.0))
        } else {
            None
        }
    });
    Some(Columns { time, count, duration })
}

fn row(c: &Columns, t: &str) -> Entry {
    let cells = cells(t);
    let get = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
    let time = get(c.time);
    let Some(start_s) = period_time(time) else {
        return Entry::Bad(format!("the time `{}` is not a timestamp", echo(time)));
    };
    let count = get(c.count);
    if count.is_empty() {
        return Entry::Other;
    }
    let numeric = |s: &str| s.starts_with(|ch: char| ch.is_ascii_digit() || ch == '.');
    let count = match count.parse::<f64>() {
        Ok(x) if numeric(count) && x.is_finite() && (0.0..=MAX_COUNT).contains(&x) => x,
        Ok(_) if numeric(count) => return Entry::Bad(format!("the count {count} is outside 0 to {MAX_COUNT:e}")),
        _ => return Entry::Bad(format!("the count `{}` is not a number", echo(count))),
    };
    let mean_duration_ms = match c.duration.map(|(i, unit)| (get(i), unit)) {
        None | Some(("", _)) => None,
        Some((d, unit)) => match d.parse::<f64>() {
            Ok(x) if numeric(d) && (x * unit).is_finite() && (0.0..=MAX_MS).contains(&(x * unit)) => Some(x * unit),
            _ => {
                return Entry::Bad(format!(
                    "the mean duration `{}` is not a number of {} from 0 to a day",
                    echo(d),
                    if unit == 1.0 { "ms" } else { "s" }
                ));
            }
        },
    };
    Entry::Period(Period {
        start_s,
        count,
        mean_duration_ms,
    })
}

/// A period's start: the import's usual forms, and the console's `YYYY/MM/DD HH:MM[:SS]`
/// and `YYYY-MM-DD HH:MM` (UTC).
fn period_time(s: &str) -> Option<f64> {
    if let Some(t) = parse_time(s) {
        return Some(t);
    }
    for f in ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, f) {
            let t = d.and_utc().timestamp() as f64;
            return (0.0..=1e11).contains(&t).then_some(t);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(s: &mut State, l: &str) -> Period {
        match s.parse_line(l) {
            Ok(Entry::Period(p)) => p,
            other => panic!("{l}: {other:?}"),
        }
    }

    #[test]
    fn reads_the_header_then_periods() {
        let mut s = State::default();
        assert_eq!(s.parse_line("Timestamp,Invocations,Duration"), Ok(Entry::Other));
        let p = period(&mut s, "2026-11-30T10:00:00Z,120,85.5");
        assert_eq!((p.count, p.mean_duration_ms), (120.0, Some(85.5)));
        assert_eq!(p.start_s, parse_time("2026-11-30T10:00:00Z").unwrap());
        assert_eq!(period(&mut s, "2026/11/30 10:01,7,").mean_duration_ms, None);
        assert_eq!(s.parse_line("2026-11-30T10:02:00Z,,"), Ok(Entry::Other));
        // the console's labels, quoted, and an ALB's seconds
        let mut s = State::default();
        s.parse_line(r#""Time","my-alb RequestCount (Sum)","TargetResponseTime (Average)""#)
            .unwrap();
        let p = period(&mut s, r#""2026-11-30 10:00:00","3000","0.08""#);
        assert_eq!((p.count, p.mean_duration_ms), (3000.0, Some(80.0)));
        // get-metric-data's rows as jq's @csv writes them (newest first, with an offset)
        let mut s = State::default();
        s.parse_line("Timestamp,Invocations").unwrap();
        let p = period(&mut s, r#""2026-11-30T10:05:00+00:00",120"#);
        assert_eq!(
            (p.start_s, p.count),
            (parse_time("2026-11-30T10:05:00Z").unwrap(), 120.0)
        );
        assert!(State::default().parse_line("{").unwrap_err().contains("jq -r"));
        // Errors is not the count
        let mut s = State::default();
        s.parse_line("Date,Errors,Invocations").unwrap();
        assert_eq!(period(&mut s, "1796032800,1,50").count, 50.0);
    }

    #[test]
    fn a_wrong_header_or_row_says_what_was_expected() {
        let mut s = State::default();
        let e = s.parse_line("when,how many").unwrap_err();
        assert!(e.contains("Timestamp,Invocations"), "{e}");
        let mut s = State::default();
        s.parse_line("Timestamp,Sum").unwrap();
        let bad = |s: &mut State, l: &str| match s.parse_line(l) {
            Ok(Entry::Bad(why)) => why,
            other => panic!("{other:?}"),
        };
        assert!(bad(&mut s, "yesterday,4").contains("not a timestamp"));
        assert!(bad(&mut s, "2026-11-30T10:00:00Z,-4").contains("not a number"));
        assert!(bad(&mut s, "2026-11-30T10:00:00Z,1e300").contains("outside"));
        assert!(bad(&mut s, "2026-11-30T10:00:00Z,NaN").contains("not a number"));
    }
}
