//! How numbers read in reports: money, counts, rates, shares, durations. Text only.

use rust_decimal::Decimal;

/// Thousands separators on the integer part of a decimal string (`1234567.5` ->
/// `1,234,567.5`).
fn group_str(s: &str) -> String {
    let (sign, s) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut out = String::from(sign);
    let n = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Removes a negative zero (`-0.0` prints as `-0`).
fn nz(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x }
}

/// Every dollar amount in `text` (`$` then digits, thousands commas and decimals) in
/// `fx`'s currency: reports are composed in US dollars, as the catalog prices, and shown
/// in another currency by converting what they say. An amount keeps its decimals when it
/// has more than two (unit prices, `$0.0014/h`), and takes the currency's otherwise
/// (none for the yen).
pub fn dollars_in(text: &str, fx: &crate::pricing::fx::Fx) -> String {
    if fx.code == "USD" || !text.contains('$') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(k) = rest.find('$') {
        out.push_str(&rest[..k]);
        let after = &rest[k + 1..];
        let len = after
            .char_indices()
            .take_while(|(i, c)| c.is_ascii_digit() || ((*c == ',' || *c == '.') && *i > 0))
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        // a trailing comma or full stop ends the sentence, not the number
        let num = after[..len].trim_end_matches([',', '.']);
        // a number too long for a decimal, or whose conversion would overflow one (a
        // scenario's own text can say anything), stays as it is
        let parsed: Option<Decimal> = num
            .replace(',', "")
            .parse::<Decimal>()
            .ok()
            .filter(|d| d.checked_mul(fx.per_usd).is_some());
        match parsed {
            Some(d) if !num.is_empty() => {
                let places = num.split_once('.').map(|(_, f)| f.len() as u32).unwrap_or(0).min(12);
                let v = if places > 2 {
                    (d * fx.per_usd).round_dp(places)
                } else {
                    fx.amount(d)
                };
                let shown = if places > 2 {
                    format!("{:.*}", places as usize, v)
                } else {
                    format!("{:.*}", fx.decimals() as usize, v)
                };
                out.push_str(&fx.symbol());
                out.push_str(&group_str(&shown));
                rest = &after[num.len()..];
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `$1,234.56`; non-finite values read as `n/a`.
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let s = group_str(&format!("{:.2}", nz(x).abs()));
    if x < -0.004 { format!("-${s}") } else { format!("${s}") }
}

/// Money from an exact decimal, rounded to the cent.
pub fn usd_dec(d: Decimal) -> String {
    let r = crate::billing::cents(d);
    let s = group_str(&format!("{:.2}", r.abs()));
    if r.is_sign_negative() && !r.is_zero() {
        format!("-${s}")
    } else {
        format!("${s}")
    }
}

/// Short money for chart labels: `$0.42`, `$12`, `$1.2k`, `$3.4M`.
pub fn usd_short(x: f64) -> String {
    let x = nz(x);
    let a = x.abs();
    if !x.is_finite() {
        "n/a".into()
    } else if a >= 1e6 {
        format!("${}M", trim(x / 1e6, 1))
    } else if a >= 1e3 {
        format!("${}k", trim(x / 1e3, 1))
    } else if a >= 10.0 {
        format!("${x:.0}")
    } else if a >= 0.01 || a == 0.0 {
        format!("${}", trim(x, 2))
    } else {
        format!("${}", sig(x, 1))
    }
}

/// A unit price: exact, without trailing zeros (`$0.0000166667`).
pub fn price(d: Decimal) -> String {
    format!("${}", d.normalize())
}

/// A decimal quantity rounded to 3 places, grouped (`384,025.957`).
pub fn qty(d: Decimal) -> String {
    group_str(&d.round_dp(3).normalize().to_string())
}

/// An integer count with separators.
pub fn count(n: u64) -> String {
    group_str(&n.to_string())
}

/// A number with `dp` decimals and trailing zeros removed.
pub fn trim(x: f64, dp: usize) -> String {
    let s = format!("{:.*}", dp, nz(x));
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// `n` significant digits, plain notation.
pub fn sig(x: f64, n: usize) -> String {
    let x = nz(x);
    if x == 0.0 || !x.is_finite() {
        return trim(x, 0);
    }
    let mag = x.abs().log10().floor() as i32;
    let dp = (n as i32 - 1 - mag).max(0) as usize;
    trim(x, dp)
}

/// A number grouped with `dp` decimals, trailing zeros removed (`5,504,190`, `2.12`).
pub fn num(x: f64, dp: usize) -> String {
    group_str(&trim(x, dp))
}

/// A request rate: three significant digits, at most three decimals (`0.717`, `149`).
pub fn rps(x: f64) -> String {
    let x = nz(x);
    if !x.is_finite() {
        "n/a".into()
    } else if x == 0.0 {
        "0".into()
    } else if x.abs() < 0.001 {
        sig(x, 2)
    } else {
        let mag = x.abs().log10().floor() as i32;
        num(x, (2 - mag).clamp(0, 3) as usize)
    }
}

/// A large count in words: `5.5 million`, `907 thousand`, `1.2 billion`.
pub fn big(x: f64) -> String {
    let x = nz(x);
    if x >= 1e9 {
        format!("{} billion", trim(x / 1e9, 1))
    } else if x >= 1e6 {
        format!("{} million", trim(x / 1e6, 1))
    } else if x >= 1e4 {
        format!("{} thousand", trim(x / 1e3, 0))
    } else {
        num(x, 0)
    }
}

/// A large count, short: `5.5M`, `907k`, `1.2B`, `850`.
pub fn big_short(x: f64) -> String {
    let x = nz(x);
    if x >= 1e9 {
        format!("{}B", sig(x / 1e9, 2))
    } else if x >= 1e6 {
        format!("{}M", sig(x / 1e6, 2))
    } else if x >= 1e3 {
        format!("{}k", sig(x / 1e3, 2))
    } else {
        sig(x, 2)
    }
}

/// A share as a percentage with `dp` decimals: `0.0029` -> `0.29 %` (dp 2).
pub fn pct(share: f64, dp: usize) -> String {
    if !share.is_finite() {
        return "n/a".into();
    }
    format!("{} %", trim(share * 100.0, dp))
}

/// Milliseconds: `98 ms`, `1.2 s` past a second, `30.3 s`.
pub fn ms(x: f64) -> String {
    if !x.is_finite() {
        "n/a".into()
    } else if x >= 1000.0 {
        format!("{} s", trim(x / 1000.0, 1))
    } else if x >= 10.0 {
        format!("{x:.0} ms")
    } else {
        format!("{} ms", trim(x, 1))
    }
}

/// Seconds as they read best: `45 s`, `10 min`, `3 h`.
pub fn secs(x: f64) -> String {
    if x >= 7200.0 && (x / 3600.0).fract().abs() < 1e-9 {
        format!("{} h", trim(x / 3600.0, 0))
    } else if x >= 120.0 && (x / 60.0).fract().abs() < 1e-9 {
        format!("{} min", trim(x / 60.0, 0))
    } else {
        format!("{} s", trim(x, 2))
    }
}

/// Hour of the day as a clock time: `15.5` -> `15:30`.
pub fn clock(hour: f64) -> String {
    let m = (hour.rem_euclid(24.0) * 60.0).round() as i64;
    format!("{:02}:{:02}", (m / 60) % 24, m % 60)
}

/// A factor: `70x`, `2.4x`, `0.34x`.
pub fn times(x: f64) -> String {
    if !x.is_finite() {
        "n/a".into()
    } else if x >= 10.0 {
        format!("{}x", trim(x, 0))
    } else {
        format!("{}x", sig(x, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_and_counts_read_well() {
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(-0.0), "$0.00");
        assert_eq!(usd(f64::INFINITY), "n/a");
        assert_eq!(usd_dec(Decimal::from_str("11.525").unwrap()), "$11.53");
        assert_eq!(usd_short(1234.0), "$1.2k");
        assert_eq!(usd_short(0.004), "$0.004");
        assert_eq!(usd_short(12.3), "$12");
        assert_eq!(count(5_504_190), "5,504,190");
        assert_eq!(qty(Decimal::from_str("384025.95712").unwrap()), "384,025.957");
        assert_eq!(big(5_504_190.0), "5.5 million");
        assert_eq!(big_short(1_858_243.0), "1.9M");
        assert_eq!(rps(0.7169147), "0.717");
        assert_eq!(rps(149.067), "149");
        assert_eq!(rps(0.000123), "0.00012");
        assert_eq!(pct(0.00029, 3), "0.029 %");
        assert_eq!(ms(30139.0), "30.1 s");
        assert_eq!(ms(97.6), "98 ms");
        assert_eq!(secs(600.0), "10 min");
        assert_eq!(secs(45.0), "45 s");
        assert_eq!(clock(15.5), "15:30");
        assert_eq!(times(70.2), "70x");
        assert_eq!(trim(-0.0001, 2), "0");
    }

    #[test]
    fn dollar_amounts_convert_in_text() {
        let eur = crate::pricing::fx::Fx {
            code: "EUR".into(),
            per_usd: Decimal::new(85, 2),
            date: "2026-10-02".into(),
            source: String::new(),
        };
        assert_eq!(
            dollars_in("Lambda costs $1,234.50 a month, $0.0014/h, $request_time, $.", &eur),
            "Lambda costs €1,049.33 a month, €0.0012/h, $request_time, $."
        );
        let jpy = crate::pricing::fx::Fx {
            code: "JPY".into(),
            per_usd: Decimal::new(150, 0),
            date: String::new(),
            source: String::new(),
        };
        assert_eq!(dollars_in("at $11.44 and $3.", &jpy), "at ¥1,716 and ¥450.");
        assert_eq!(dollars_in("-$2.00", &jpy), "-¥300");
        // hostile text: too long to be a decimal, or too large to convert, stays
        let huge = "$99999999999999999999999999999999 and $9999999999999999999999999999";
        assert_eq!(dollars_in(huge, &jpy), huge);
        assert_eq!(dollars_in("$1.0000000000000000000001", &jpy), "¥150.000000000000");
    }
}
