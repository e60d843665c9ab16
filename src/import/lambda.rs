//! AWS Lambda's REPORT lines, one per invocation, as CloudWatch Logs holds them: text
//! (`<timestamp> [stream] REPORT RequestId: … Duration: 102.25 ms Billed Duration: 103 ms
//! Memory Size: 1024 MB Max Memory Used: 81 MB [Init Duration: 240.12 ms]`), the JSON of
//! a log export (`{"timestamp": <ms>, "message": "REPORT …"}`) or Lambda's JSON log format
//! (`{"time": "…", "type": "platform.report", "record": {"metrics": {"durationMs": …}}}`).
//! Other lines (START, END, the function's own output, other platform events) are not
//! requests; a REPORT line that cannot be read is a bad line, with the reason.

use crate::util::echo_num;

/// One invocation as its REPORT line tells it.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// When the line was logged (the end of the invocation), Unix seconds.
    pub end_s: f64,
    pub duration_ms: f64,
    pub billed_ms: Option<f64>,
    pub memory_mb: Option<f64>,
    pub max_used_mb: Option<f64>,
    /// Present on a cold start: the environment's initialisation.
    pub init_ms: Option<f64>,
}

impl Report {
    /// When the request arrived: the end less the initialisation and the duration.
    pub fn arrival_s(&self) -> f64 {
        self.end_s - (self.duration_ms + self.init_ms.unwrap_or(0.0)) / 1000.0
    }
}

/// What one line is.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    Report(Report),
    /// Not a request (START, END, the function's output, blank).
    Other,
    /// A REPORT line that cannot be read: why.
    Bad(String),
}

/// Longest duration or initialisation accepted, ms (Lambda stops a function at 15 minutes;
/// a day leaves room for other log sources without accepting nonsense).
const MAX_MS: f64 = 86_400_000.0;
/// Largest memory size accepted, MB (Lambda allows 10,240).
const MAX_MB: f64 = 1_048_576.0;
/// The memory sizes Lambda offers, MB.
const LAMBDA_MIN_MB: f64 = 128.0;
const LAMBDA_MAX_MB: f64 = 10_240.0;

static REPORT: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("REPORT RequestId:"));

pub fn parse_line(line: &str) -> Line {
    let t = line.trim_start();
    if t.starts_with('{') {
        return parse_json(t);
    }
    let Some(at) = REPORT.find(t.as_bytes()) else {
        return Line::Other;
    };
    let Some(ts) = t.split_whitespace().next() else {
        return Line::Bad("no timestamp before REPORT".into());
    };
    let Some(end_s) = super::parse_time(ts) else {
        return Line::Bad(format!(
            "`{}` is not a timestamp: REPORT lines need the time CloudWatch logged them at (export with timestamps)",
            super::echo(ts)
        ));
    };
    report_from_text(end_s, &t[at..])
}

/// `REPORT RequestId: …` as Lambda writes it: tab-separated `Label: value unit` fields,
/// read in one pass (the general path below searches for each label).
fn report_from_tabs(end_s: f64, msg: &str) -> Option<Line> {
    let mut r = Report {
        end_s,
        duration_ms: f64::NAN,
        billed_ms: None,
        memory_mb: None,
        max_used_mb: None,
        init_ms: None,
    };
    let mut seen_duration = false;
    for seg in msg.split('\t').skip(1) {
        let Some((label, rest)) = seg.split_once(':') else {
            continue;
        };
        let slot = match label.trim() {
            "Duration" => None,
            "Billed Duration" => Some(&mut r.billed_ms),
            "Memory Size" => Some(&mut r.memory_mb),
            "Max Memory Used" => Some(&mut r.max_used_mb),
            "Init Duration" => Some(&mut r.init_ms),
            _ => continue,
        };
        let num = rest.split_whitespace().next().unwrap_or("");
        // (`NaN` and `inf` parse as floats but are not numbers a log writes)
        let numeric = num.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
        let Some(v) = num.parse::<f64>().ok().filter(|_| numeric) else {
            // the general path words the message
            return None;
        };
        match slot {
            None => {
                r.duration_ms = v;
                seen_duration = true;
            }
            Some(s) => *s = Some(v),
        }
    }
    seen_duration.then(|| checked(r))
}

fn report_from_text(end_s: f64, msg: &str) -> Line {
    if let Some(line) = report_from_tabs(end_s, msg) {
        return line;
    }
    let duration_ms = match plain_duration(msg) {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Line::Bad(e),
        None => return Line::Bad("REPORT without `Duration: … ms`".into()),
    };
    let opt = |name: &str| -> Result<Option<f64>, String> { field(msg, name).transpose() };
    let parsed = (|| -> Result<Report, String> {
        Ok(Report {
            end_s,
            duration_ms,
            billed_ms: opt("Billed Duration:")?,
            memory_mb: opt("Memory Size:")?,
            max_used_mb: opt("Max Memory Used:")?,
            init_ms: opt("Init Duration:")?,
        })
    })();
    match parsed {
        Ok(r) => checked(r),
        Err(e) => Line::Bad(e),
    }
}

/// The number after `Duration:` that is not `Billed Duration:` or `Init Duration:`.
fn plain_duration(msg: &str) -> Option<Result<f64, String>> {
    let (at, _) = msg.match_indices("Duration:").find(|(i, _)| {
        let before = msg[..*i].trim_end();
        !(before.ends_with("Billed") || before.ends_with("Init"))
    })?;
    field(&msg[at..], "Duration:")
}

/// The number after `name` (a unit may follow).
fn field(msg: &str, name: &str) -> Option<Result<f64, String>> {
    let at = msg.find(name)? + name.len();
    let rest = msg[at..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+'))
        .unwrap_or(rest.len());
    let num = &rest[..end];
    // the whole word in the message when it does not start like a number (`banana`)
    let word = if num.is_empty() {
        rest.split_whitespace().next().unwrap_or("")
    } else {
        num
    };
    Some(
        num.parse::<f64>()
            .map_err(|_| format!("`{}` after `{}` is not a number", super::echo(word), name.trim())),
    )
}

fn checked(r: Report) -> Line {
    let ms_ok = |x: f64| x.is_finite() && (0.0..=MAX_MS).contains(&x);
    if !ms_ok(r.duration_ms) {
        return Line::Bad(format!(
            "Duration {} ms is outside 0 to {MAX_MS} ms",
            echo_num(r.duration_ms)
        ));
    }
    // (a cold start longer than the scenario's limit would make a scenario that does not load)
    let init_max = crate::model::Limits::MAX_COLD_START_MS;
    if let Some(i) = r.init_ms
        && !(i.is_finite() && (0.0..=init_max).contains(&i))
    {
        return Line::Bad(format!(
            "Init Duration {} ms is outside 0 to {init_max} ms",
            echo_num(i)
        ));
    }
    if let Some(b) = r.billed_ms
        && !ms_ok(b)
    {
        return Line::Bad(format!(
            "Billed Duration {} ms is outside 0 to {MAX_MS} ms",
            echo_num(b)
        ));
    }
    for (name, v) in [("Memory Size", r.memory_mb), ("Max Memory Used", r.max_used_mb)] {
        if let Some(m) = v
            && !(m.is_finite() && (0.0..=MAX_MB).contains(&m))
        {
            return Line::Bad(format!("{name} {} MB is outside 0 to {MAX_MB} MB", echo_num(m)));
        }
    }
    // (a size Lambda does not offer, or more memory used than the function has, is not a
    // report Lambda writes: the right-sizing advice and the CPU share would follow it)
    if let Some(m) = r.memory_mb
        && !(LAMBDA_MIN_MB..=LAMBDA_MAX_MB).contains(&m)
    {
        return Line::Bad(format!(
            "Memory Size {m} MB is not a Lambda size ({LAMBDA_MIN_MB} to {LAMBDA_MAX_MB} MB)"
        ));
    }
    if let (Some(m), Some(u)) = (r.memory_mb, r.max_used_mb)
        && u > m
    {
        return Line::Bad(format!("Max Memory Used {u} MB is more than the Memory Size {m} MB"));
    }
    if !r.end_s.is_finite() {
        return Line::Bad("the timestamp is not a finite time".into());
    }
    Line::Report(r)
}

fn parse_json(t: &str) -> Line {
    let v: serde_json::Value = match serde_json::from_str(t) {
        Ok(v) => v,
        Err(e) => {
            // a JSON line that does not mention a report is someone else's line
            return if t.contains("REPORT") || t.contains("platform.report") {
                Line::Bad(format!("not valid JSON: {e}"))
            } else {
                Line::Other
            };
        }
    };
    // Lambda's JSON log format
    if v.get("type").and_then(|x| x.as_str()) == Some("platform.report") {
        let Some(end_s) = v.get("time").and_then(|x| x.as_str()).and_then(super::parse_time) else {
            return Line::Bad("platform.report without a readable `time`".into());
        };
        let m = v.pointer("/record/metrics");
        let num = |k: &str| m.and_then(|m| m.get(k)).and_then(|x| x.as_f64());
        let Some(duration_ms) = num("durationMs") else {
            return Line::Bad("platform.report without `record.metrics.durationMs`".into());
        };
        return checked(Report {
            end_s,
            duration_ms,
            billed_ms: num("billedDurationMs"),
            memory_mb: num("memorySizeMB"),
            max_used_mb: num("maxMemoryUsedMB"),
            init_ms: num("initDurationMs"),
        });
    }
    // a log export: a message with its timestamp (ms)
    if let Some(msg) = v.get("message").and_then(|x| x.as_str()) {
        let Some(at) = msg.find("REPORT RequestId:") else {
            return Line::Other;
        };
        let end_s = match v.get("timestamp") {
            Some(serde_json::Value::Number(n)) => n.as_f64().map(|ms| ms / 1000.0),
            Some(serde_json::Value::String(s)) => super::parse_time(s),
            _ => None,
        };
        let Some(end_s) = end_s else {
            return Line::Bad("REPORT message without a `timestamp`".into());
        };
        return report_from_text(end_s, &msg[at..]);
    }
    Line::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_shapes_of_a_report() {
        let text = "2026-11-30T10:00:01.500Z 2026/11/30/[$LATEST]ab12 REPORT RequestId: 8f5a\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 1024 MB\tMax Memory Used: 81 MB\tInit Duration: 240.12 ms\t";
        let Line::Report(r) = parse_line(text) else { panic!() };
        assert_eq!(r.duration_ms, 102.25);
        assert_eq!(r.billed_ms, Some(103.0));
        assert_eq!(r.memory_mb, Some(1024.0));
        assert_eq!(r.max_used_mb, Some(81.0));
        assert_eq!(r.init_ms, Some(240.12));
        assert!((r.arrival_s() - (r.end_s - 0.34237)).abs() < 1e-9);
        let export = r#"{"timestamp": 1796032801500, "message": "REPORT RequestId: 8f5a\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 1024 MB\tMax Memory Used: 81 MB\t"}"#;
        let Line::Report(e) = parse_line(export) else { panic!() };
        assert_eq!((e.end_s, e.init_ms), (r.end_s, None));
        let json = r#"{"time":"2026-11-30T10:00:01.500Z","type":"platform.report","record":{"requestId":"8f5a","metrics":{"durationMs":102.25,"billedDurationMs":103,"memorySizeMB":1024,"maxMemoryUsedMB":81,"initDurationMs":240.12},"status":"success"}}"#;
        assert_eq!(parse_line(json), Line::Report(r));
        assert_eq!(
            parse_line("2026-11-30T10:00:01Z START RequestId: 8f5a Version: $LATEST"),
            Line::Other
        );
        assert_eq!(
            parse_line(r#"{"time":"2026-11-30T10:00:01Z","type":"platform.start"}"#),
            Line::Other
        );
        assert_eq!(parse_line(""), Line::Other);
    }

    #[test]
    fn unreadable_reports_say_why() {
        let bad = |l: &str| match parse_line(l) {
            Line::Bad(why) => why,
            other => panic!("{other:?}"),
        };
        assert!(bad("REPORT RequestId: x\tDuration: 1 ms").contains("not a timestamp"));
        assert!(bad("2026-11-30T10:00:01Z REPORT RequestId: x\tBilled Duration: 3 ms").contains("without `Duration"));
        assert!(bad("2026-11-30T10:00:01Z REPORT RequestId: x\tDuration: NaN ms").contains("not a number"));
        assert!(bad("2026-11-30T10:00:01Z REPORT RequestId: x\tDuration: -4 ms").contains("outside"));
        assert!(bad("2026-11-30T10:00:01Z REPORT RequestId: x\tDuration: 1e300 ms").contains("outside"));
        assert!(bad(r#"{"type":"platform.report","record":{}}"#).contains("time"));
        assert!(bad(r#"{"message": "REPORT RequestId: x	Duration: 1 ms"#).contains("not valid JSON"));
    }
}
