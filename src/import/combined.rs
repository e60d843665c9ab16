//! The nginx/Apache combined log format, one request a line: `host ident user
//! [10/Oct/2026:13:55:36 -0700] "GET /x HTTP/1.1" 200 2326 "referer" "agent"` (the common
//! log format, without referer and agent, is read too). A response size of `-` is 0 bytes.
//!
//! The request's time is read from the first unquoted field after the size (quoted ones,
//! such as referer, agent or `"$http_x_forwarded_for"`, are passed over):
//! - a number with a decimal point is nginx's `$request_time`, seconds (`0.123`); nginx
//!   logs `$time_local` when the request ends, so the arrival is that time less it;
//! - an integer is Apache's `%D`, microseconds (`123456`); Apache's `%t` is when the
//!   request was received, so that time is the arrival;
//! - anything else (or nothing) leaves the request without a duration, arriving at the
//!   logged time.
//!
//! Logged times have one-second resolution, so arrivals are known to the second.

use super::{Entry, Fields, MAX_BYTES, MAX_MS, Record, echo};

/// One line of an access log.
pub fn parse_line(line: &str) -> Entry {
    super::access_line(line, read)
}

fn read(t: &str) -> Result<Record, String> {
    let mut f = Fields::new(t, true);
    f.skip(2, "[time]")?; // host, ident
    // user, then the bracketed time (a user name with spaces takes a few fields)
    let mut time = None;
    for _ in 0..6 {
        match f.next_field() {
            Ok(Some((x, true))) => {
                time = Some(x);
                break;
            }
            Ok(Some(_)) => {}
            Ok(None) => return Err("the line ends before `[time]` (a truncated line?)".into()),
            Err(e) => return Err(format!("{e} at `[time]`")),
        }
    }
    let time = time.ok_or("no `[time]` field after host, ident and user")?;
    let logged_s =
        clf_time(time).ok_or_else(|| format!("`[{}]` is not a time like [10/Oct/2026:13:55:36 -0700]", echo(time)))?;
    match f.next_field() {
        Ok(Some((_, true))) => {}
        Ok(Some((r, false))) => return Err(format!("`{}` is not a quoted request line", echo(r))),
        Ok(None) => return Err("the line ends before the request (a truncated line?)".into()),
        Err(e) => return Err(format!("{e} at the request")),
    }
    let status = f.need("status")?;
    if status.len() != 3 || !status.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("status `{}` is not a three-digit code", echo(status)));
    }
    let size = f.need("size")?;
    let response_bytes = match size {
        "-" => 0.0,
        s => s
            .parse::<u64>()
            .ok()
            .map(|b| b as f64)
            .filter(|&b| b <= MAX_BYTES)
            .ok_or_else(|| format!("size `{}` is not a byte count (0 to {MAX_BYTES:e})", echo(s)))?,
    };
    // the request time: the first unquoted field after the size
    let mut time_ms = None;
    let mut ends_at_log_time = false;
    loop {
        match f.next_field() {
            Ok(Some((_, true))) => continue,
            Ok(Some((x, false))) => {
                if let Some((ms, at_end)) = request_time(x)? {
                    time_ms = Some(ms);
                    ends_at_log_time = at_end;
                }
                break;
            }
            // a field left open after the size (a truncated agent) is not needed
            Ok(None) | Err(_) => break,
        }
    }
    let arrival_s = if ends_at_log_time {
        logged_s - time_ms.unwrap_or(0.0) / 1000.0
    } else {
        logged_s
    };
    Ok(Record {
        arrival_s,
        duration_ms: time_ms,
        response_bytes: Some(response_bytes),
        ..Record::default()
    })
}

/// A request-time field: `Some((ms, logged at the end))` for nginx's seconds or Apache's
/// microseconds, `None` for another kind of field, `Err` for one out of range.
#[inline]
fn request_time(x: &str) -> Result<Option<(f64, bool)>, String> {
    let b = x.as_bytes();
    if b.is_empty() || !b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        return Ok(None);
    }
    let Ok(v) = x.parse::<f64>() else {
        return Ok(None);
    };
    let (ms, nginx) = if b.contains(&b'.') {
        (v * 1000.0, true)
    } else {
        (v / 1000.0, false)
    };
    if !(ms.is_finite() && (0.0..=MAX_MS).contains(&ms)) {
        let what = if nginx {
            "request time (nginx $request_time, s)"
        } else {
            "request time (Apache %D, µs)"
        };
        return Err(format!("{what} `{}` is outside 0 to {} s", echo(x), MAX_MS / 1000.0));
    }
    Ok(Some((ms, nginx)))
}

/// `10/Oct/2026:13:55:36 -0700` (the common log format's time) as Unix seconds, read
/// without a general parser (it runs once a line).
pub fn clf_time(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[14] != b':' || b[17] != b':' || b[20] != b' '
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b.get(r)?
            .iter()
            .try_fold(0i64, |a, &c| c.is_ascii_digit().then(|| a * 10 + (c - b'0') as i64))
    };
    let mo = match b.get(3..6)? {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    };
    let (d, y) = (num(0..2)?, num(7..11)?);
    let (h, mi, sec) = (num(12..14)?, num(15..17)?, num(18..20)?);
    if d < 1 || d > super::days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let sign = match b[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (zh, zm) = (num(22..24)?, num(24..26)?);
    if zh > 23 || zm > 59 {
        return None;
    }
    let local = super::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec.min(59);
    Some((local - sign * (zh * 3600 + zm * 60)) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_agrees_with_chrono() {
        for s in [
            "10/Oct/2026:13:55:36 -0700",
            "29/Feb/2024:23:59:59 +0000",
            "01/Jan/1970:00:00:00 +0000",
            "31/Dec/2026:23:00:00 +0530",
            "15/Jun/2031:08:01:02 -1130",
        ] {
            let c = chrono::DateTime::parse_from_str(s, "%d/%b/%Y:%H:%M:%S %z")
                .unwrap()
                .timestamp() as f64;
            assert_eq!(clf_time(s), Some(c), "{s}");
        }
        for s in [
            "29/Feb/2023:00:00:00 +0000",
            "10/Foo/2026:13:55:36 -0700",
            "10/Oct/2026:24:55:36 -0700",
            "10/Oct/2026:13:55:36 0700",
            "10/Oct/2026:13:55:36",
            "1é/Oct/2026:13:55:36 -0700",
        ] {
            assert_eq!(clf_time(s), None, "{s}");
        }
    }

    #[test]
    fn reads_nginx_apache_and_common_lines() {
        let nginx = r#"203.0.113.9 - alice [10/Oct/2026:13:55:36 -0700] "GET /x?q=\"y\" HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0 (X11)" 0.125"#;
        let Entry::Request(r) = parse_line(nginx) else {
            panic!("{:?}", parse_line(nginx))
        };
        let logged = clf_time("10/Oct/2026:13:55:36 -0700").unwrap();
        assert_eq!(r.duration_ms, Some(125.0));
        assert_eq!(r.response_bytes, Some(2326.0));
        assert!((r.arrival_s - (logged - 0.125)).abs() < 1e-9);
        // Apache %D after a quoted extra field: microseconds, logged at arrival
        let apache =
            r#"203.0.113.9 - - [10/Oct/2026:13:55:36 -0700] "POST /y HTTP/1.1" 201 - "-" "curl/8" "10.0.0.1" 48210"#;
        let Entry::Request(a) = parse_line(apache) else {
            panic!("{:?}", parse_line(apache))
        };
        assert_eq!(
            (a.duration_ms, a.response_bytes, a.arrival_s),
            (Some(48.21), Some(0.0), logged)
        );
        // common log format: no duration
        let common = r#"127.0.0.1 - frank [10/Oct/2026:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#;
        let Entry::Request(c) = parse_line(common) else {
            panic!()
        };
        assert_eq!((c.duration_ms, c.arrival_s), (None, logged));
        assert_eq!(parse_line("  "), Entry::Other);
    }

    #[test]
    fn unreadable_lines_say_why() {
        let bad = |l: &str| match parse_line(l) {
            Entry::Bad(why) => why,
            other => panic!("{other:?}"),
        };
        assert!(bad("2026/10/10 13:55:36 [error] 123#0: *1 open() failed").contains("is not a time"));
        assert!(bad(r#"h - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 2x0 12"#).contains("status"));
        assert!(bad(r#"h - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 -3"#).contains("size"));
        assert!(bad(r#"h - - [10/Oct/2026:13:55:36 -0700] "GET / HTT"#).contains("not closed"));
        assert!(
            bad(r#"h - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "-" 99999999.5"#).contains("outside")
        );
        assert!(bad("h - - [10/Oct/2026:13:5").contains("not closed"));
    }
}
