//! Cloud Logging request logs as JSON lines, one `LogEntry` a line (Cloud Run's request
//! log, or any entry with an `httpRequest`): `{"httpRequest": {"requestMethod": "GET",
//! "status": 200, "responseSize": "456", "latency": "0.012345s", …}, "timestamp":
//! "2026-11-30T10:00:01.123456Z", "resource": {"type": "cloud_run_revision", …}, …}`.
//!
//! The arrival is the entry's `timestamp` (a request log's entry is stamped when the
//! request was received); the duration is `latency` (a protobuf Duration: seconds with an
//! `s`), the response `responseSize` (a string or a number). An entry without
//! `httpRequest` (the service's own output) is not a request. `gcloud logging read
//! --format=json` prints one JSON array: a file that starts with `[` is refused with how
//! to turn it into lines, rather than read as hundreds of bad lines.

use super::{Entry, MAX_BYTES, MAX_MS, Record, echo, parse_time};
use serde::Deserialize;
use std::borrow::Cow;

/// Reading state of one file: whether its first line has been seen.
#[derive(Clone, Debug, Default)]
pub struct State {
    started: bool,
}

#[derive(Deserialize)]
struct LogEntry<'a> {
    #[serde(rename = "httpRequest", borrow, default)]
    http_request: Option<HttpRequest<'a>>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct HttpRequest<'a> {
    #[serde(borrow, default)]
    latency: Option<Cow<'a, str>>,
    #[serde(rename = "responseSize", default)]
    response_size: Option<serde_json::Value>,
}

/// How to turn gcloud's JSON array into lines.
pub const JSON_LINES_HINT: &str = "this is a JSON array (gcloud's --format=json); import reads JSON lines, one entry a line: export them with `gcloud logging read '…' --format=json | jq -c '.[]' > requests.jsonl`";

impl State {
    /// One line; `Err` when the file is a JSON array.
    pub fn parse_line(&mut self, line: &str) -> Result<Entry, String> {
        let t = line.trim();
        if t.is_empty() {
            return Ok(Entry::Other);
        }
        if !self.started {
            self.started = true;
            if t.starts_with('[') {
                return Err(JSON_LINES_HINT.into());
            }
        }
        Ok(parse_line(t))
    }
}

/// One JSON line.
pub fn parse_line(line: &str) -> Entry {
    let t = line.trim();
    if t.is_empty() {
        return Entry::Other;
    }
    if !t.starts_with('{') {
        return Entry::Bad(format!("`{}` is not a JSON object (one log entry a line)", echo(t)));
    }
    let e: LogEntry = match serde_json::from_str(t) {
        Ok(e) => e,
        Err(err) => return Entry::Bad(format!("not a readable log entry: {err}")),
    };
    let Some(http) = e.http_request else {
        return Entry::Other;
    };
    let Some(ts) = e.timestamp else {
        return Entry::Bad("an `httpRequest` entry without a `timestamp`".into());
    };
    let Some(arrival_s) = parse_time(&ts) else {
        return Entry::Bad(format!("`timestamp` `{}` is not a time", echo(&ts)));
    };
    let duration_ms = match http.latency.as_deref().map(latency_ms) {
        None => None,
        Some(Ok(ms)) => Some(ms),
        Some(Err(why)) => return Entry::Bad(why),
    };
    let response_bytes = match &http.response_size {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => match s.parse::<u64>() {
            Ok(b) if (b as f64) <= MAX_BYTES => Some(b as f64),
            _ => {
                return Entry::Bad(format!(
                    "`httpRequest.responseSize` `{}` is not a byte count (0 to {MAX_BYTES:e})",
                    echo(s)
                ));
            }
        },
        Some(serde_json::Value::Number(n)) => match n.as_f64() {
            Some(b) if b.is_finite() && (0.0..=MAX_BYTES).contains(&b) => Some(b),
            _ => {
                return Entry::Bad(format!(
                    "`httpRequest.responseSize` {n} is not a byte count (0 to {MAX_BYTES:e})"
                ));
            }
        },
        Some(other) => {
            return Entry::Bad(format!(
                "`httpRequest.responseSize` `{}` is not a byte count",
                echo(&other.to_string())
            ));
        }
    };
    if !arrival_s.is_finite() {
        return Entry::Bad("the timestamp is not a finite time".into());
    }
    Entry::Request(Record {
        arrival_s,
        duration_ms,
        response_bytes,
        ..Record::default()
    })
}

/// `"0.012345s"` as ms.
fn latency_ms(s: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "`httpRequest.latency` `{}` is not a duration like \"0.012345s\"",
            echo(s)
        )
    };
    let num = s.strip_suffix('s').ok_or_else(bad)?;
    if !num.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    let ms = num.parse::<f64>().map_err(|_| bad())? * 1000.0;
    if !(ms.is_finite() && (0.0..=MAX_MS).contains(&ms)) {
        return Err(format!(
            "`httpRequest.latency` {} is outside 0 to {} s",
            echo(s),
            MAX_MS / 1000.0
        ));
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"httpRequest":{"requestMethod":"GET","requestUrl":"https://api-x.a.run.app/v1","requestSize":"312","status":200,"responseSize":"456","userAgent":"curl/8","remoteIp":"203.0.113.9","serverIp":"216.239.32.53","latency":"0.012345s","protocol":"HTTP/1.1"},"insertId":"abc","labels":{"instanceId":"00f4"},"logName":"projects/p/logs/run.googleapis.com%2Frequests","receiveTimestamp":"2026-11-30T10:00:01.300Z","resource":{"labels":{"service_name":"api"},"type":"cloud_run_revision"},"severity":"INFO","timestamp":"2026-11-30T10:00:01.123456Z","trace":"projects/p/traces/1"}"#;

    #[test]
    fn reads_a_request_log_entry() {
        let Entry::Request(r) = parse_line(LINE) else {
            panic!("{:?}", parse_line(LINE))
        };
        assert!((r.duration_ms.unwrap() - 12.345).abs() < 1e-9);
        assert_eq!(r.response_bytes, Some(456.0));
        assert_eq!(r.arrival_s, parse_time("2026-11-30T10:00:01.123456Z").unwrap());
        let number = LINE.replace(r#""responseSize":"456""#, r#""responseSize":456"#);
        assert!(matches!(parse_line(&number), Entry::Request(r) if r.response_bytes == Some(456.0)));
        let app = r#"{"textPayload":"listening on 8080","timestamp":"2026-11-30T10:00:01Z","resource":{"type":"cloud_run_revision"}}"#;
        assert_eq!(parse_line(app), Entry::Other);
        let mut s = State::default();
        assert!(s.parse_line("[").unwrap_err().contains("jq -c"));
    }

    #[test]
    fn unreadable_entries_say_why() {
        let bad = |l: &str| match parse_line(l) {
            Entry::Bad(why) => why,
            other => panic!("{other:?}"),
        };
        assert!(bad(&LINE.replace("0.012345s", "12ms")).contains("latency"));
        assert!(bad(&LINE.replace("0.012345s", "-1s")).contains("latency"));
        assert!(bad(&LINE.replace("0.012345s", "1e99s")).contains("outside"));
        assert!(bad(&LINE.replace(r#""456""#, r#""lots""#)).contains("responseSize"));
        assert!(bad(&LINE.replace("2026-11-30T10:00:01.123456Z", "then")).contains("timestamp"));
        assert!(bad(&LINE[..200]).contains("not a readable"));
        assert!(bad("hello").contains("not a JSON object"));
    }
}
