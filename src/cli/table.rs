//! Plain-text tables for the terminal.

use crate::billing::{Bill, group};
use rust_decimal::Decimal;

/// The widest a text column is padded to: a longer cell (a name from a price folder, say)
/// runs past its column instead. Rust's format widths stop at 65,535, and a wider
/// column would fail to print at all.
pub(crate) const MAX_COLUMN_CHARS: usize = 200;

pub fn usd(d: Decimal) -> String {
    if d < Decimal::ZERO {
        return format!("-{}", usd(-d));
    }
    let r = crate::billing::cents(d);
    let s = format!("{:.2}", r);
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let n: Decimal = int.parse().unwrap_or_default();
    format!("${}.{frac}", group(n))
}

fn price(d: Decimal) -> String {
    if d < Decimal::ZERO {
        return format!("-${}", (-d).normalize());
    }
    format!("${}", d.normalize())
}

fn qty(d: Decimal) -> String {
    let r = d.round_dp(3).normalize();
    group(r)
}

/// An amount in `fx`'s currency, grouped: `€1,234.50`, `¥1,514`.
pub fn money_in(d: Decimal, fx: &crate::pricing::fx::Fx) -> String {
    if d < Decimal::ZERO {
        return format!("-{}", money_in(-d, fx));
    }
    let r = fx.amount(d);
    let places = fx.decimals() as usize;
    let s = format!("{:.places$}", r);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let n: Decimal = int.parse().unwrap_or_default();
    if frac.is_empty() {
        format!("{}{}", fx.symbol(), group(n))
    } else {
        format!("{}{}.{frac}", fx.symbol(), group(n))
    }
}

/// An itemised bill as an aligned table.
pub fn bill_table(b: &Bill, period: &str) -> String {
    bill_table_in(b, period, &crate::pricing::fx::Fx::usd())
}

/// The same, every unit price and amount in `fx`'s currency (the total converted from the
/// bill's US-dollar total, as `total` in JSON).
pub fn bill_table_in(b: &Bill, period: &str, fx: &crate::pricing::fx::Fx) -> String {
    let usd_shown = fx.code == "USD";
    let price = |d: Decimal| {
        if usd_shown {
            price(d)
        } else {
            format!("{}{}", fx.symbol(), fx.rate(d))
        }
    };
    let usd = |d: Decimal| if usd_shown { usd(d) } else { money_in(d, fx) };
    let mut rows: Vec<[String; 6]> = vec![[
        "Item".into(),
        "Quantity".into(),
        "Unit".into(),
        "Unit price".into(),
        "Amount".into(),
        "Note".into(),
    ]];
    for l in &b.lines {
        rows.push([
            l.item.clone(),
            qty(l.quantity),
            l.unit.clone(),
            price(l.unit_price_usd),
            usd(l.amount_usd),
            l.note.clone(),
        ]);
    }
    rows.push([
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        usd(b.total_usd()),
        String::new(),
    ]);
    let mut w = [0usize; 6];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count()).min(MAX_COLUMN_CHARS);
        }
    }
    let mut out = format!("{} - {} ({}), {period}\n", b.service, b.service_name, b.region);
    for r in &rows {
        let line = format!(
            "  {:<w0$}  {:>w1$}  {:<w2$}  {:>w3$}  {:>w4$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
