//! `sweep --axis region` and `--axis purchase`: the scenario in every place and under
//! every purchase option, as tables and JSON.

use crate::analysis::buying::{Buying, PlaceRow, PurchaseRow};
use crate::model::Purchase;
use crate::pricing::fx::Fx;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

fn per_platform<T>(b: &Buying, f: impl Fn(usize) -> T) -> Value
where
    T: Into<Value>,
{
    let mut m = Map::new();
    for (i, n) in b.platforms.iter().enumerate() {
        m.insert(n.clone(), f(i).into());
    }
    Value::Object(m)
}

pub fn purchase_id(p: Purchase) -> &'static str {
    match p {
        Purchase::OnDemand => "on-demand",
        Purchase::Savings1y => "savings-1y",
        Purchase::Savings3y => "savings-3y",
        Purchase::Spot => "spot",
    }
}

fn cheapest_name(b: &Buying, i: Option<usize>) -> Value {
    i.and_then(|i| b.platforms.get(i))
        .map(|n| json!(n))
        .unwrap_or(Value::Null)
}

fn configured(b: &Buying) -> Value {
    json!({
        "costs_usd": per_platform(b, |i| b.configured_usd[i]),
        "good_enough": per_platform(b, |i| b.configured_good_enough[i]),
        "cheapest": cheapest_name(b, b.configured_cheapest()),
    })
}

pub fn region_json(b: &Buying) -> Value {
    let place = |r: &PlaceRow| {
        json!({
            "location": r.location,
            "regions": per_platform(b, |i| r.regions[i].clone().map(Value::from).unwrap_or(Value::Null)),
            "costs_usd": per_platform(b, |i| r.costs_usd[i].map(Value::from).unwrap_or(Value::Null)),
            "good_enough": per_platform(b, |i| r.good_enough[i]),
            "missing": per_platform(b, |i| r.missing[i].clone().map(Value::from).unwrap_or(Value::Null)),
            "cheapest": cheapest_name(b, r.cheapest()),
        })
    };
    json!({
        "axis": "region",
        "platforms": b.platforms,
        "configured": configured(b),
        "points": b.places.iter().map(place).collect::<Vec<_>>(),
    })
}

pub fn purchase_json(b: &Buying) -> Value {
    let row = |r: &PurchaseRow| {
        json!({
            "purchase": r.level,
            "label": r.label,
            "options": per_platform(b, |i| purchase_id(r.options[i])),
            "commitment_usd_per_hour": per_platform(b, |i| r.commitment_usd_per_hour[i].map(Value::from).unwrap_or(Value::Null)),
            "costs_usd": per_platform(b, |i| r.costs_usd[i]),
            "good_enough": per_platform(b, |i| r.good_enough[i]),
            "cheapest": cheapest_name(b, r.cheapest()),
        })
    };
    let commitments: Vec<Value> = b
        .commitments
        .iter()
        .map(|c| {
            json!({
                "platform": c.platform,
                "purchase": purchase_id(c.purchase),
                "name": c.name,
                "discount_pct": c.discount_pct,
                "basis": c.basis,
                "break_even_utilization": c.break_even_utilization,
                "covered_usd": c.covered_usd,
                "best_usd_per_hour": c.best_usd_per_hour,
                "utilization": c.utilization,
                "saving_usd": c.saving_usd,
                "saving_at_mean_usd": c.saving_at_mean_usd,
                "unverified": c.unverified,
            })
        })
        .collect();
    json!({
        "axis": "purchase",
        "platforms": b.platforms,
        "configured": configured(b),
        "points": b.purchases.iter().map(row).collect::<Vec<_>>(),
        "commitments": commitments,
    })
}

/// The table's dollar amounts in `fx`'s currency (before the columns are measured).
fn converted(rows: Vec<Vec<String>>, fx: Option<&Fx>) -> Vec<Vec<String>> {
    match fx {
        Some(fx) => rows
            .into_iter()
            .map(|r| r.iter().map(|c| crate::report::fmt::dollars_in(c, fx)).collect())
            .collect(),
        None => rows,
    }
}

/// Every `*_usd` field of a JSON value (a number, or an object of numbers keyed by
/// platform) gets a twin without the suffix in `fx`'s currency: `costs_usd` -> `costs`,
/// as `run --currency` adds `total` beside `total_usd`.
pub fn add_converted(v: &mut Value, fx: &Fx) {
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    let conv = |x: f64| {
        rust_decimal::Decimal::from_f64(x)
            .map(|d| fx.amount(d).to_f64().unwrap_or(f64::NAN))
            .map(Value::from)
            .unwrap_or(Value::Null)
    };
    match v {
        Value::Object(m) => {
            let mut add = Vec::new();
            for (k, x) in m.iter() {
                let Some(base) = k.strip_suffix("_usd") else { continue };
                let twin = match x {
                    Value::Number(n) => n.as_f64().map(conv).unwrap_or(Value::Null),
                    Value::Object(o) => Value::Object(
                        o.iter()
                            .map(|(name, c)| (name.clone(), c.as_f64().map(conv).unwrap_or(Value::Null)))
                            .collect(),
                    ),
                    _ => continue,
                };
                add.push((base.to_string(), twin));
            }
            for (k, x) in add {
                m.entry(k).or_insert(x);
            }
            for x in m.values_mut() {
                add_converted(x, fx);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| add_converted(x, fx)),
        _ => {}
    }
}

/// Columns of `cells` under a header, the first column left-aligned.
fn grid(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut w = vec![0usize; n];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count()).min(super::table::MAX_COLUMN_CHARS);
        }
    }
    let mut o = String::new();
    for r in rows {
        let mut line = String::from(" ");
        for (i, c) in r.iter().enumerate() {
            if i == 0 {
                let _ = write!(line, " {:<w$}", c, w = w[0]);
            } else {
                let _ = write!(line, "  {:>w$}", c, w = w[i]);
            }
        }
        o.push_str(line.trim_end());
        o.push('\n');
    }
    o
}

fn cell(usd: Option<f64>, good: bool, cheapest: bool) -> String {
    match usd {
        None => "—".into(),
        Some(c) => format!(
            "${c:.2}{}{}",
            if good { "" } else { "*" },
            if cheapest { " <" } else { "" }
        ),
    }
}

fn signed_usd(x: f64) -> String {
    if x < -0.005 {
        format!("-${:.2}", -x)
    } else {
        format!("${:.2}", x.max(0.0))
    }
}

const FOOT: &str = "  < the cheapest that copes in the row; * not good enough there (the verdict's rule)\n";

pub fn region_table(b: &Buying, period: &str, fx: Option<&Fx>) -> String {
    let mut o = format!(
        "Cost per platform in each place, every platform moved to its provider's region there \
         (purchase options as configured; fast mode, {period})\n\n"
    );
    let mut rows = vec![{
        let mut h = vec!["Place".to_string()];
        h.extend(b.platforms.iter().cloned());
        h
    }];
    let base = b.configured_cheapest();
    let mut r = vec!["As configured".to_string()];
    for i in 0..b.platforms.len() {
        r.push(cell(
            Some(b.configured_usd[i]),
            b.configured_good_enough[i],
            base == Some(i),
        ));
    }
    rows.push(r);
    for p in &b.places {
        let w = p.cheapest();
        let mut r = vec![p.location.clone()];
        for i in 0..b.platforms.len() {
            r.push(cell(p.costs_usd[i], p.good_enough[i], w == Some(i)));
        }
        rows.push(r);
        let mut regions = vec![String::new()];
        regions.extend((0..b.platforms.len()).map(|i| p.regions[i].clone().unwrap_or_else(|| "not offered".into())));
        rows.push(regions);
    }
    o.push_str(&grid(&converted(rows, fx)));
    o.push('\n');
    o.push_str(FOOT);
    for l in b.missing_lines() {
        o.push_str(&format!("  — {l}\n"));
    }
    o
}

pub fn purchase_table(b: &Buying, period: &str, fx: Option<&Fx>) -> String {
    let mut o = format!(
        "Cost per platform under each purchase option, taken where the platform's service offers it \
         (commitments sized to this traffic, billed hour by hour; fast mode, {period})\n\n"
    );
    let mut rows = vec![{
        let mut h = vec!["Purchase".to_string()];
        h.extend(b.platforms.iter().cloned());
        h
    }];
    for p in &b.purchases {
        let w = p.cheapest();
        let mut r = vec![p.label.clone()];
        for i in 0..b.platforms.len() {
            r.push(cell(Some(p.costs_usd[i]), p.good_enough[i], w == Some(i)));
        }
        rows.push(r);
        let mut how = vec![String::new()];
        how.extend(
            (0..b.platforms.len()).map(|i| match (p.options[i], p.commitment_usd_per_hour[i]) {
                (o, Some(c)) => format!("{} ${c:.4}/h", purchase_id(o)),
                (o, None) => purchase_id(o).to_string(),
            }),
        );
        rows.push(how);
    }
    o.push_str(&grid(&converted(rows, fx)));
    o.push('\n');
    o.push_str(FOOT);
    if !b.commitments.is_empty() {
        o.push_str("\nCommitments (the size that costs least for this traffic's hour-by-hour usage)\n\n");
        let mut rows = vec![
            [
                "Platform",
                "Commitment",
                "Discount",
                "Break-even use",
                "Best size",
                "Used",
                "Saves",
                "At the mean",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for c in &b.commitments {
            rows.push(vec![
                c.platform.clone(),
                c.name.clone(),
                format!("{:.0} %{}", c.discount_pct, if c.unverified { "?" } else { "" }),
                format!("{:.0} %", c.break_even_utilization * 100.0),
                format!(
                    "${:.4}/h{}",
                    c.best_usd_per_hour,
                    if c.basis == "plan_rate" { "" } else { " on-demand" }
                ),
                format!("{:.0} %", c.utilization * 100.0),
                signed_usd(c.saving_usd),
                signed_usd(c.saving_at_mean_usd),
            ]);
        }
        o.push_str(&grid(&converted(rows, fx)));
        o.push_str(
            "\n  Break-even use: the share of the commitment that must be used for it to cost no more than on \
             demand.\n  At the mean: what a commitment sized to the mean hourly usage would save (negative: it \
             costs more).\n  ? the catalog's discount for it is unverified.\n",
        );
    }
    o
}

#[cfg(test)]
mod tests {
    /// A cell wider than a column may be runs past it: Rust's format widths stop at
    /// 65,535, and a region or instance name from a price folder can be longer.
    #[test]
    fn a_cell_wider_than_any_column_prints() {
        let long = "r".repeat(70_000);
        let out = super::grid(&[
            vec!["Region".into(), "Total".into()],
            vec![long.clone(), "$1.00".into()],
        ]);
        assert!(out.contains(&format!("  {long}  $1.00")), "{}", &out[..80]);
        assert!(out.starts_with(&format!(
            "  Region{}  Total",
            " ".repeat(super::super::table::MAX_COLUMN_CHARS - 6)
        )));
    }
}
