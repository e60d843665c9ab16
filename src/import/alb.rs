//! Elastic Load Balancing access logs, one request a line, space-separated with quoted
//! fields: `type time elb client:port target:port request_processing_time
//! target_processing_time response_processing_time elb_status_code target_status_code
//! received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol
//! target_group_arn "trace_id" "domain_name" "chosen_cert_arn" matched_rule_priority
//! request_creation_time "actions_executed" …` (Application Load Balancer; the fields after
//! `request_creation_time` are not read, so later additions do not matter). A Classic Load
//! Balancer's line (no `type`, nothing after `ssl_protocol`) is read the same way.
//!
//! `time` is when the load balancer sent the response; the arrival is
//! `request_creation_time` when the line has it, else `time` less the three processing
//! times (`time` and the other two are read only then). The request's duration is `target_processing_time` (the backend's time); `-1`
//! (the request was not dispatched, or the target closed the connection) is a request
//! with no duration. The response is `sent_bytes`.

use super::{Entry, Fields, MAX_BYTES, MAX_MS, Record, echo, parse_time};

/// The request types an ALB line starts with.
const TYPES: [&str; 6] = ["http", "https", "h2", "grpcs", "ws", "wss"];

/// One line of an access log.
pub fn parse_line(line: &str) -> Entry {
    super::access_line(line, read)
}

fn read(t: &str) -> Result<Record, String> {
    let mut f = Fields::new(t, false);
    let first = f.need("type")?;
    // an ALB line starts with its type; a Classic Load Balancer's with its time
    let (classic, time) = if TYPES.contains(&first) {
        (false, f.need("time")?)
    } else if first.len() >= 20 && first.as_bytes().get(4) == Some(&b'-') {
        (true, first)
    } else {
        return Err(format!(
            "`{}` is not an access-log request type (http, https, h2, grpcs, ws or wss)",
            echo(first)
        ));
    };
    f.skip(3, "request_processing_time")?; // elb, client:port, target:port
    // `time` and the other two processing times are read only when the line has no
    // request_creation_time (they give the arrival then)
    let request = f.need("request_processing_time")?;
    let target = seconds(f.need("target_processing_time")?, "target_processing_time")?;
    let response = f.need("response_processing_time")?;
    f.skip(3, "sent_bytes")?; // elb_status_code, target_status_code, received_bytes
    let sent = f.need("sent_bytes")?;
    let sent_bytes = match sent {
        "-" => 0.0,
        s => s
            .parse::<u64>()
            .ok()
            .map(|b| b as f64)
            .filter(|&b| b <= MAX_BYTES)
            .ok_or_else(|| format!("`sent_bytes` `{}` is not a byte count (0 to {MAX_BYTES:e})", echo(s)))?,
    };
    let mut created = None;
    if !classic {
        // "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id"
        // "domain_name" "chosen_cert_arn" matched_rule_priority, then request_creation_time
        // (older lines end before it; every ALB line has the fields to target_group_arn)
        f.skip(5, "target_group_arn")?;
        let mut ended = false;
        for _ in 0..4 {
            match f.next_field() {
                Ok(Some(_)) => {}
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(e) => return Err(format!("{e} before `request_creation_time`")),
            }
        }
        if !ended {
            match f.next_field() {
                Ok(Some(("-", _))) | Ok(None) => {}
                Ok(Some((c, _))) => {
                    created = Some(
                        parse_time(c)
                            .ok_or_else(|| format!("`request_creation_time` `{}` is not a timestamp", echo(c)))?,
                    )
                }
                Err(e) => return Err(format!("{e} at `request_creation_time`")),
            }
        }
    }
    let arrival_s = match created {
        Some(c) => c,
        None => {
            let end_s = parse_time(time).ok_or_else(|| format!("`time` `{}` is not a timestamp", echo(time)))?;
            let request = seconds(request, "request_processing_time")?;
            let response = seconds(response, "response_processing_time")?;
            end_s - [request, target, response].iter().map(|x| x.max(0.0)).sum::<f64>()
        }
    };
    if !arrival_s.is_finite() {
        return Err("the arrival is not a finite time".into());
    }
    Ok(Record {
        arrival_s,
        duration_ms: (target >= 0.0).then_some(target * 1000.0),
        response_bytes: Some(sent_bytes),
        ..Record::default()
    })
}

/// A processing time, s: `-1` (not dispatched) or 0 to a day.
#[inline]
fn seconds(s: &str, name: &str) -> Result<f64, String> {
    if s == "-1" {
        return Ok(-1.0);
    }
    if let Some(x) = super::plain_decimal(s)
        && x <= MAX_MS / 1000.0
    {
        return Ok(x);
    }
    let numeric = s.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    match s.parse::<f64>() {
        Ok(x) if numeric && x.is_finite() && (0.0..=MAX_MS / 1000.0).contains(&x) => Ok(x),
        Ok(x) if numeric => Err(format!(
            "`{name}` {} s is outside 0 to {} s (or -1)",
            crate::util::echo_num(x),
            MAX_MS / 1000.0
        )),
        _ => Err(format!("`{name}` `{}` is not a number of seconds", echo(s))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"https 2026-11-30T22:23:00.186641Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.086 0.001 200 200 34 366 "GET https://www.example.com:443/a?b=\"c\" HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337364-23a8c76965a2ef7629b185e3" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2026-11-30T22:23:00.099000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234"#;

    #[test]
    fn reads_an_alb_line() {
        let Entry::Request(r) = parse_line(LINE) else {
            panic!("{:?}", parse_line(LINE))
        };
        assert_eq!(r.duration_ms, Some(86.0));
        assert_eq!(r.response_bytes, Some(366.0));
        assert_eq!(r.arrival_s, parse_time("2026-11-30T22:23:00.099Z").unwrap());
        // without request_creation_time: time less the three processing times
        let short = LINE.split(" 1 2026-11-30T22:23:00.099000Z").next().unwrap();
        let Entry::Request(s) = parse_line(short) else {
            panic!("{:?}", parse_line(short))
        };
        assert!((s.arrival_s - (parse_time("2026-11-30T22:23:00.186641Z").unwrap() - 0.087)).abs() < 1e-6);
        // not dispatched: an arrival without a duration
        let lost = LINE.replace(" 0.000 0.086 0.001 200 200", " -1 -1 -1 502 -");
        let Entry::Request(l) = parse_line(&lost) else { panic!() };
        assert_eq!(l.duration_ms, None);
        // a Classic Load Balancer's line
        let classic = r#"2026-11-30T22:23:00.186641Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#;
        let Entry::Request(c) = parse_line(classic) else {
            panic!("{:?}", parse_line(classic))
        };
        assert!((c.duration_ms.unwrap() - 1.048).abs() < 1e-9);
        assert_eq!(parse_line(""), Entry::Other);
    }

    #[test]
    fn unreadable_lines_say_which_field() {
        let bad = |l: &str| match parse_line(l) {
            Entry::Bad(why) => why,
            other => panic!("{other:?}"),
        };
        assert!(bad("ftp 2026-11-30T22:23:00Z x").contains("request type"));
        let short = LINE.split(" 1 2026-11-30T22:23:00.099000Z").next().unwrap();
        assert!(bad(&short.replace("2026-11-30T22:23:00.186641Z", "yesterday")).contains("`time`"));
        assert!(bad(&short.replace(" 0.000 ", " -2 ")).contains("request_processing_time"));
        assert!(bad(&LINE.replace("0.086", "NaN")).contains("target_processing_time"));
        assert!(bad(&LINE.replace("0.086", "1e9")).contains("outside"));
        assert!(bad(&LINE.replace(" 366 ", " -5 ")).contains("sent_bytes"));
        assert!(bad(&LINE[..120]).contains("truncated"));
        assert!(bad(&LINE[..198]).contains("truncated"));
        assert!(bad(&LINE[..180]).contains("not closed"));
        assert!(bad(&LINE[..215]).contains("target_group_arn"));
        assert!(bad(&LINE.replace("2026-11-30T22:23:00.099000Z", "soon")).contains("request_creation_time"));
    }
}
