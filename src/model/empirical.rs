//! `Empirical` distributions: the quantile files they name are read when a scenario is
//! loaded, so that everything after loading (engines, analyses, the GUI) works on values
//! and never touches the disk. A file that cannot be read is a problem of the field that
//! names it, with the file's own line and column in the message.

use super::{Dist, Knots, Platform, Problem, Scenario};
use crate::util::echo;
use std::path::Path;

/// Most rows one quantile file may hold (`import` writes about a hundred).
pub const MAX_ROWS: usize = 10_000;
/// Largest quantile file read, bytes.
pub const MAX_BYTES: u64 = 1 << 20;

/// Reads the quantile file of every `Empirical` distribution in `s`, relative to
/// `base_dir` (the current folder without one).
pub fn resolve(s: &mut Scenario, base_dir: Option<&Path>) -> Vec<Problem> {
    let base = base_dir.unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for_each_dist(s, |d, field| resolve_one(d, field, base, &mut out));
    out
}

/// Calls `f` with every distribution of `s` that may name a quantile file, and its field
/// path: the one list of them, for reading the files and for moving a scenario between
/// folders (`gui::files` rewrites the paths).
pub fn for_each_dist(s: &mut Scenario, mut f: impl FnMut(&mut Dist, &str)) {
    for i in 0..s.workloads.len() {
        let at = s.request_path(i);
        let r = &mut s.workloads[i].request;
        f(&mut r.duration_ms, &format!("{at}.duration_ms"));
        f(&mut r.cold_start_ms, &format!("{at}.cold_start_ms"));
    }
    for (i, p) in s.platforms.iter_mut().enumerate() {
        if let Platform::Function(fp) = p
            && let Some(d) = fp.keep_alive_dist_s.as_mut()
        {
            f(d, &format!("platforms[{i}].keep_alive_dist_s"));
        }
    }
    if let Some(u) = s.uncertainty.as_mut() {
        for (name, d) in [
            ("traffic", &mut u.traffic),
            ("duration", &mut u.duration),
            ("cold_start", &mut u.cold_start),
            ("keep_alive", &mut u.keep_alive),
        ] {
            if let Some(d) = d.as_mut() {
                f(d, &format!("uncertainty.{name}"));
            }
        }
    }
}

fn resolve_one(d: &mut Dist, field: &str, base: &Path, out: &mut Vec<Problem>) {
    let Dist::Empirical { path, knots } = d else {
        return;
    };
    match read(&base.join(&*path)) {
        Ok(k) => *knots = k,
        Err(e) => out.push(Problem::new(format!("{field}.path"), e)),
    }
}

/// Reads `quantile,value` rows (a header row is allowed): quantiles rising strictly from
/// exactly 0 to exactly 1, values finite, not negative and never falling.
pub fn read(file: &Path) -> Result<Knots, String> {
    let shown = file.display();
    let text = crate::util::read_text_capped(file, MAX_BYTES).map_err(|e| match e {
        crate::util::TextError::Io(m) => format!("{shown}: {m}"),
        crate::util::TextError::NotUtf8 { line, col } => format!("{shown}:{line}:{col}: not UTF-8 text"),
    })?;
    parse(&text).map_err(|(line, col, m)| format!("{shown}:{line}:{col}: {m}"))
}

/// The rows of a quantile file; errors carry (line, column, message).
pub fn parse(text: &str) -> Result<Knots, (usize, usize, String)> {
    let mut knots: Vec<(f64, f64)> = Vec::new();
    let mut last_line = 1;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        last_line = line;
        let row = raw.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let (a, b) =
            row.split_once(',')
                .ok_or((line, 1, format!("expected `quantile,value`, found `{}`", echo(row))))?;
        let col_b = raw.find(',').map(|c| c + 2).unwrap_or(1);
        let (a, b) = (a.trim(), b.trim());
        let p: f64 = match a.parse() {
            Ok(p) => p,
            // a header row names the columns
            Err(_) if knots.is_empty() && !a.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-') => {
                continue;
            }
            Err(_) => return Err((line, 1, format!("the quantile `{}` is not a number", echo(a)))),
        };
        let v: f64 = b
            .parse()
            .map_err(|_| (line, col_b, format!("the value `{}` is not a number", echo(b))))?;
        if !(0.0..=1.0).contains(&p) {
            return Err((line, 1, format!("the quantile {p} is outside 0 to 1")));
        }
        if !v.is_finite() || !(0.0..=1e12).contains(&v) {
            return Err((line, col_b, format!("the value {v} is outside 0 to 1e12")));
        }
        if let Some(&(pp, pv)) = knots.last() {
            if p <= pp {
                return Err((line, 1, format!("quantile {p} after {pp}: quantiles must rise")));
            }
            if v < pv {
                return Err((line, col_b, format!("value {v} after {pv}: values must not fall")));
            }
        } else if p != 0.0 {
            return Err((
                line,
                1,
                format!("the first quantile is {p}: the file must start at 0 (the smallest value)"),
            ));
        }
        if knots.len() == MAX_ROWS {
            return Err((line, 1, format!("more than {MAX_ROWS} rows")));
        }
        knots.push((p, v));
    }
    match knots.last() {
        None => Err((last_line, 1, "no `quantile,value` rows".into())),
        Some(&(p, _)) if p != 1.0 => Err((
            last_line,
            1,
            format!("the last quantile is {p}: the file must end at 1 (the largest value)"),
        )),
        Some(_) if knots.len() < 2 => Err((last_line, 1, "at least two rows (0 and 1) are needed".into())),
        Some(_) => Ok(Knots(knots.into())),
    }
}

/// The rows `import` writes: the quantiles at 0, 0.1 %, 0.5 %, 1 %, 2 %, …, 99 %,
/// 99.5 %, 99.9 %, 99.99 % and 1 of `quantile` (a function of the probability).
pub fn write(quantile: impl Fn(f64) -> f64) -> String {
    let mut ps = vec![0.0, 0.001, 0.005];
    ps.extend((1..=99).map(|i| i as f64 / 100.0));
    ps.extend([0.995, 0.999, 0.9999, 1.0]);
    let mut out = String::from("quantile,value\n");
    let mut last = 0.0f64;
    for p in ps {
        let v = quantile(p).max(last);
        last = v;
        out.push_str(&format!("{p},{}\n", (v * 1000.0).round() / 1000.0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A distribution whose file was never read is a problem of its field (once, with
    /// the reason, when the file cannot be read at load), never a silent 0.
    #[test]
    fn an_unread_quantile_file_is_a_problem_said_once() {
        let cat = crate::pricing::Catalog::builtin().unwrap();
        let mut s = crate::model::default_scenario(&cat).unwrap();
        s.workloads[0].request.duration_ms = Dist::Empirical {
            path: "missing.csv".into(),
            knots: Knots::default(),
        };
        let problems = crate::model::validate_scenario(&s, &cat, None);
        let unread: Vec<_> = problems
            .iter()
            .filter(|p| p.path.ends_with("duration_ms.path"))
            .collect();
        assert_eq!(unread.len(), 1, "{problems:?}");
        assert!(unread[0].message.contains("has not been read"), "{}", unread[0].message);
        // loading a file that names a missing one: the reason, once
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/steady-high.ron")).unwrap();
        let start = text.find("duration_ms:").unwrap();
        let end = start + text[start..].find('\n').unwrap();
        let text = format!(
            "{}duration_ms: Empirical(path: \"missing.csv\"),{}",
            &text[..start],
            &text[end..]
        );
        let e = crate::model::parse_scenario(&text, "s.ron", Some(dir.path()), &cat)
            .unwrap_err()
            .to_string();
        assert_eq!(e.matches("duration_ms.path").count(), 1, "{e}");
        assert!(e.contains("missing.csv"), "{e}");
    }

    #[test]
    fn reads_rows_and_says_where_a_file_is_wrong() {
        let k = parse("quantile,value\n0,1\n0.5,2\n# note\n1,10\n").unwrap();
        assert_eq!(&*k.0, &[(0.0, 1.0), (0.5, 2.0), (1.0, 10.0)]);
        let err = |t: &str| parse(t).unwrap_err();
        assert_eq!(err("0,1\n0.5,x\n1,2").0, 2);
        assert_eq!(err("0,1\n0.5,x\n1,2").1, 5);
        assert!(err("0,1\n0.5,3\n0.4,4\n1,5").2.contains("must rise"));
        assert!(err("0,3\n0.5,2\n1,5").2.contains("must not fall"));
        assert!(err("0.1,3\n1,5").2.contains("start at 0"));
        assert!(err("0,3\n0.9,5").2.contains("end at 1"));
        assert!(err("0,3\n1,NaN").2.contains("outside"));
        assert!(err("0,-3\n1,5").2.contains("outside"));
        assert!(err("").2.contains("no `quantile"));
        assert!(err("0,1\n1,2\n2,3").2.contains("outside 0 to 1"));
    }

    #[test]
    fn what_import_writes_reads_back() {
        let text = write(|p| 10.0 + 100.0 * p * p);
        let k = parse(&text).unwrap();
        assert_eq!(k.0.len(), 106);
        assert!((k.quantile(0.5) - 35.0).abs() < 1e-9);
        assert!((k.quantile(0.99) - (10.0 + 100.0 * 0.9801)).abs() < 1e-3);
    }
}
