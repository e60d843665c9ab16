//! Number formatting shared by the verdict, tables, tooltips and plot axes.
//!
//! Owns: how money, shares, counts and durations read on screen. Must not: compute
//! anything but text.

use crate::pricing::fx::Fx;
use std::cell::RefCell;

thread_local! {
    /// The currency amounts are shown in (View > Currency); None: US dollars. Set on the
    /// UI thread, where every view is derived and drawn.
    static CURRENCY: RefCell<Option<Fx>> = const { RefCell::new(None) };
}

/// Shows amounts in `fx`'s currency from now on (None: US dollars).
pub fn set_currency(fx: Option<Fx>) {
    CURRENCY.with(|c| *c.borrow_mut() = fx.filter(|f| f.code != "USD"));
}

/// The code amounts are shown in ("USD", "EUR").
pub fn currency_code() -> String {
    CURRENCY.with(|c| {
        c.borrow()
            .as_ref()
            .map(|f| f.code.clone())
            .unwrap_or_else(|| "USD".into())
    })
}

/// (symbol, units per US dollar, decimals) of the shown currency.
fn shown() -> (String, f64, usize) {
    CURRENCY.with(|c| match c.borrow().as_ref() {
        Some(f) => {
            use rust_decimal::prelude::ToPrimitive;
            (f.symbol(), f.per_usd.to_f64().unwrap_or(1.0), f.decimals() as usize)
        }
        None => ("$".into(), 1.0, 2),
    })
}

/// The dollar amounts of a text from the core (verdict reasons) in the shown currency.
pub fn text(s: &str) -> String {
    CURRENCY.with(|c| match c.borrow().as_ref() {
        Some(f) => crate::report::fmt::dollars_in(s, f),
        None => s.to_string(),
    })
}

/// `name` in at most `max_chars` characters: whole when it fits, else its start and an
/// ellipsis (a label under a narrow bar).
pub fn shortened(name: &str, max_chars: usize) -> String {
    if name.chars().count() <= max_chars {
        name.to_string()
    } else {
        let keep: String = name.chars().take(max_chars.saturating_sub(1).max(1)).collect();
        format!("{}…", keep.trim_end())
    }
}

/// An amount in US dollars as a number in the shown currency.
pub fn money_value(usd: f64) -> f64 {
    usd * shown().1
}

/// The currency symbol amounts are shown with ("$", "€", "CHF ").
pub fn symbol() -> String {
    shown().0
}

/// An amount in US dollars, shown in the chosen currency: cents below 1,000, whole units
/// with thousands separators above (whole yen always).
pub fn money(usd: f64) -> String {
    if !usd.is_finite() {
        return "–".into();
    }
    let (sym, rate, places) = shown();
    let x = usd * rate;
    let neg = x < 0.0;
    let a = x.abs();
    let body = if a >= 1000.0 || (places == 0 && a >= 0.5) {
        group_thousands(a.round() as u64)
    } else if a >= 0.01 || a == 0.0 {
        format!("{a:.2}")
    } else {
        format!("{a:.4}")
    };
    format!("{}{sym}{body}", if neg { "-" } else { "" })
}

/// A share in 0..1 as a percentage with sensible precision ("0.42 %", "<0.01 %").
pub fn pct(share: f64) -> String {
    if !share.is_finite() {
        return "–".into();
    }
    let p = share * 100.0;
    if p == 0.0 {
        "0 %".into()
    } else if p < 0.01 {
        "<0.01 %".into()
    } else if p < 1.0 {
        format!("{p:.2} %")
    } else if p < 10.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// Whole numbers with thousands separators.
pub fn count(n: u64) -> String {
    group_thousands(n)
}

/// Large quantities in short form: 950, 12.3 k, 4.56 M, 1.2 B.
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a >= 1e9 {
        format!("{:.3} B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.3} M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1} k", x / 1e3)
    } else if a >= 100.0 || x == x.round() {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Milliseconds, switching to seconds above 10 s.
pub fn ms(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v >= 10_000.0 {
        let s = v / 1000.0;
        if (s - s.round()).abs() < 1e-9 {
            format!("{s:.0} s")
        } else {
            format!("{s:.1} s")
        }
    } else if v >= 100.0 || (v >= 1.0 && (v - v.round()).abs() < 1e-9) {
        format!("{v:.0} ms")
    } else if v >= 1.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.2} ms")
    }
}

/// A computing time: milliseconds below a second, then seconds.
pub fn elapsed(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{} min {:.0} s", (ms / 60_000.0).floor(), (ms % 60_000.0) / 1000.0)
    }
}

/// The simulated period, as the CLI and reports say it: "10 minutes", "1 hour", "7 days".
pub fn period(horizon_days: f64) -> String {
    crate::sim::SimResult::period_label(horizon_days * 86_400.0)
}

/// A ratio such as "3.2×"; no ratio (a zero denominator) reads "–", never "∞×".
pub fn times(r: f64) -> String {
    if !r.is_finite() {
        "–".into()
    } else if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.1}×")
    }
}

/// A plain number without trailing zeros, for tooltips ("0.5", "1000", "1.25").
pub fn num(x: f64) -> String {
    if x == x.round() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(shortened("Cloud Run", 9), "Cloud Run");
        assert_eq!(shortened("Cloud Run (europe-west1)", 9), "Cloud Ru…");
        assert_eq!(shortened("Lambda arm64", 7), "Lambda…");
        assert_eq!(shortened("Élan", 1), "É…");
        assert_eq!(money(1234.4), "$1,234");
        assert_eq!(money(12.345), "$12.35");
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(0.004), "$0.0040");
        assert_eq!(pct(0.0042), "0.42 %");
        assert_eq!(pct(0.00001), "<0.01 %");
        assert_eq!(pct(0.25), "25 %");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(short(2_500_000.0), "2.500 M");
        assert_eq!(ms(1234.0), "1234 ms");
        assert_eq!(ms(12_345.0), "12.3 s");
        assert_eq!(ms(10.0), "10 ms");
        assert_eq!(ms(10_000.0), "10 s");
        assert_eq!(ms(12.26), "12.3 ms");
        assert_eq!(times(3.21), "3.2×");
        assert_eq!(times(f64::INFINITY), "–");
        assert_eq!(period(7.0), "7 days");
        assert_eq!(period(300.0 / 86_400.0), "5 minutes");
        assert_eq!(elapsed(std::time::Duration::from_millis(6306)), "6.3 s");
        assert_eq!(elapsed(std::time::Duration::from_millis(36)), "36 ms");
        assert_eq!(elapsed(std::time::Duration::from_secs(75)), "1 min 15 s");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(1000.0), "1000");
    }
}
