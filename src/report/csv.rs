//! The CSV reports: bill lines in the layout of the providers' calculator exports, and
//! (optionally) the time series, one row per bucket. Each line says its category when the
//! report has lines beyond compute, and the managed services the requests call follow the
//! platforms' lines under their section's name. An application adds its per-workload
//! costs of each placement as rows under the same columns.

use super::Report;
use super::fmt::trim;
use crate::pricing::decimal::from_f64_exact;
use rust_decimal::Decimal;

/// Columns of the bill CSV.
pub const BILL_HEADER: [&str; 10] = [
    "estimate",
    "platform",
    "service",
    "region",
    "item",
    "quantity",
    "unit",
    "unit_price_usd",
    "monthly_cost_usd",
    "annual_cost_usd",
];

/// The column added after `BILL_HEADER` when some platform's bill has lines other than
/// compute, or the requests call managed services: each line's category (`compute`,
/// `network`, `logs`, `storage`, `services`). A compute-only report keeps its columns.
pub const CATEGORY_COLUMN: &str = "category";

/// The `platform` cell of the managed services' rows: their section, since they belong to
/// no platform (the same under every one, not in any platform's total).
pub const SERVICES_SECTION: &str = "Managed services the requests call";

/// A text cell as a spreadsheet will read it as text: a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets
/// (`=HYPERLINK(...)` in a platform name would run when the CSV is opened), so it gets a
/// leading `'`, which the spreadsheets show as text. Only text from scenarios and price
/// files goes through here; numbers are written as numbers.
pub fn text_cell(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    match w.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => String::from_utf8_lossy(e.into_inner().get_ref()).into_owned(),
    }
}

/// One row per bill line and platform. Quantities are for the simulated period; the
/// monthly cost scales the line to 30 days when the period is not 30 days (rounded to the
/// cent), and the annual cost is 12 times the monthly.
pub fn to_csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let categories = !super::content::extra_categories(r).is_empty() || !r.run.services.is_empty();
    let mut head: Vec<&str> = BILL_HEADER.to_vec();
    if categories {
        head.push(CATEGORY_COLUMN);
    }
    // in another currency: the converted monthly and annual amounts close each row
    let fx = r.currency.as_ref().filter(|fx| fx.code != "USD");
    let code = fx.map(|fx| fx.code.to_ascii_lowercase()).unwrap_or_default();
    let (monthly_col, annual_col) = (format!("monthly_cost_{code}"), format!("annual_cost_{code}"));
    if fx.is_some() {
        head.push(&monthly_col);
        head.push(&annual_col);
    }
    // writing to memory cannot fail; an error would only truncate the text
    let _ = w.write_record(&head);
    let days = from_f64_exact(r.horizon_days()).unwrap_or(Decimal::from(30));
    let to_month = if days > Decimal::ZERO && days != Decimal::from(30) {
        Some(Decimal::from(30) / days)
    } else {
        None
    };
    let bills = r
        .run
        .platforms
        .iter()
        .map(|p| (p.name.as_str(), &p.bill))
        .chain(r.run.services.iter().map(|b| (SERVICES_SECTION, b)));
    for (platform, bill) in bills {
        for l in &bill.lines {
            // checked: a bill near Decimal's limit must not panic here (it reads as its
            // own amount instead of a scaled one)
            let monthly = match to_month {
                Some(k) => l
                    .amount_usd
                    .checked_mul(k)
                    .map(crate::billing::cents)
                    .unwrap_or(l.amount_usd),
                None => l.amount_usd,
            };
            let annual = monthly.checked_mul(Decimal::from(12)).unwrap_or(monthly);
            let mut row = vec![
                text_cell(&r.scenario.name).into_owned(),
                text_cell(platform).into_owned(),
                text_cell(&bill.service).into_owned(),
                text_cell(&bill.region).into_owned(),
                text_cell(&l.item).into_owned(),
                l.quantity.round_dp(6).normalize().to_string(),
                text_cell(&l.unit).into_owned(),
                l.unit_price_usd.normalize().to_string(),
                format!("{:.2}", monthly),
                format!("{:.2}", annual),
            ];
            if categories {
                row.push(l.category.label().to_string());
            }
            push_converted(&mut row, fx, monthly, annual);
            let _ = w.write_record(&row);
        }
    }
    if super::content::is_application(r) {
        workload_rows(r, &mut w, to_month, categories, fx);
    }
    finish(w)
}

/// The converted amounts at the end of a row, in `fx`'s unit (cents, or yen).
fn push_converted(row: &mut Vec<String>, fx: Option<&crate::pricing::fx::Fx>, monthly: Decimal, annual: Decimal) {
    if let Some(fx) = fx {
        let places = fx.decimals() as usize;
        row.push(format!("{:.places$}", fx.amount(monthly)));
        row.push(format!("{:.places$}", fx.amount(annual)));
    }
}

/// An application's per-workload costs under the same columns as the bill lines, one
/// row per workload of each placement (the best first, then every all-on placement):
/// `estimate` is the placement, `item` the workload, `quantity` its requests. The rows
/// of one placement add up to its total (a shared fleet's cost split by CPU time).
fn workload_rows(
    r: &Report,
    w: &mut csv::Writer<Vec<u8>>,
    to_month: Option<Decimal>,
    categories: bool,
    fx: Option<&crate::pricing::fx::Fx>,
) {
    for p in super::content::compared_placements(r) {
        for wr in &p.workloads {
            let (service, region) = r
                .run
                .platforms
                .iter()
                .chain(p.platforms.iter())
                .find(|x| x.name == wr.platform)
                .map(|x| (x.bill.service.as_str(), x.bill.region.as_str()))
                .unwrap_or(("", ""));
            let cost = Decimal::try_from(wr.cost_usd).unwrap_or_default();
            let monthly = crate::billing::cents(match to_month {
                Some(k) => cost.checked_mul(k).unwrap_or(cost),
                None => cost,
            });
            let annual = monthly.checked_mul(Decimal::from(12)).unwrap_or(monthly);
            let mut row = vec![
                text_cell(&p.name).into_owned(),
                text_cell(&wr.platform).into_owned(),
                text_cell(service).into_owned(),
                text_cell(region).into_owned(),
                text_cell(&format!("workload {}", wr.workload)).into_owned(),
                wr.requests.to_string(),
                "request".to_string(),
                String::new(),
                format!("{:.2}", monthly),
                format!("{:.2}", annual),
            ];
            if categories {
                // a workload's share of its platform's bill, every category together
                row.push(String::new());
            }
            push_converted(&mut row, fx, monthly, annual);
            let _ = w.write_record(&row);
        }
    }
}

/// Linear interpolation of cumulative cost checkpoints `(t, usd)` at time `t`.
fn cost_at(points: &[(f64, f64)], t: f64) -> f64 {
    match points.iter().position(|p| p.0 >= t) {
        Some(0) => points[0].1,
        Some(k) => {
            let (a, b) = (points[k - 1], points[k]);
            let span = b.0 - a.0;
            if span <= 0.0 {
                b.1
            } else {
                a.1 + (b.1 - a.1) * (t - a.0) / span
            }
        }
        None => points.last().map(|p| p.1).unwrap_or(0.0),
    }
}

/// The time series: one row per display bucket (its start time), the offered traffic, and
/// per platform the busy, idle and starting instances (time averages), cold starts in the
/// bucket and the cumulative cost at the bucket's end (interpolated between the engine's
/// checkpoints).
pub fn to_series_csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["time_s".to_string(), "time_h".to_string(), "traffic_rps".to_string()];
    for p in &r.run.platforms {
        for col in ["busy", "idle", "starting", "cold_starts", "cumulative_cost_usd"] {
            head.push(text_cell(&format!("{} {col}", p.name)).into_owned());
        }
    }
    let _ = w.write_record(&head);
    let bs = r.run.bucket_s;
    let n = r
        .run
        .platforms
        .iter()
        .map(|p| p.series.busy.len())
        .max()
        .unwrap_or(0)
        .max(r.run.traffic.rate_rps.len());
    for b in 0..n {
        let t0 = b as f64 * bs;
        let t1 = ((b + 1) as f64 * bs).min(r.run.horizon_s);
        let mut row = vec![
            trim(t0, 3),
            trim(t0 / 3600.0, 4),
            trim(r.run.traffic.rate_rps.get(b).copied().unwrap_or(0.0), 4),
        ];
        for p in &r.run.platforms {
            let s = &p.series;
            let at = |v: &Vec<f64>| trim(v.get(b).copied().unwrap_or(0.0), 4);
            row.push(at(&s.busy));
            row.push(at(&s.idle));
            row.push(at(&s.starting));
            row.push(at(&s.cold_starts));
            row.push(trim(cost_at(&s.cost_usd, t1), 4));
        }
        let _ = w.write_record(&row);
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_cost_interpolates_between_checkpoints() {
        let pts = [(0.0, 0.0), (100.0, 10.0), (200.0, 30.0)];
        assert_eq!(cost_at(&pts, 50.0), 5.0);
        assert_eq!(cost_at(&pts, 150.0), 20.0);
        assert_eq!(cost_at(&pts, 500.0), 30.0);
        assert_eq!(cost_at(&[], 5.0), 0.0);
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for s in ["+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(text_cell(s), format!("'{s}"));
        }
        assert_eq!(text_cell("Lambda"), "Lambda");
        assert_eq!(text_cell(""), "");
        assert_eq!(text_cell("a=b"), "a=b");
    }
}
