//! The billing core: a pure function from a usage record to an itemised bill.
//!
//! Usage comes in integer units (requests, billed milliseconds, seconds) so that a billion
//! requests add up exactly; money is `Decimal`. Each line is rounded half-up to the cent
//! and the total is the sum of the rounded lines, as the providers' worked examples do.
//! Monthly allowances, volume tiers and monthly fees are scaled to the billing period
//! (`period_days / 30`).

mod aws;
mod azure;
pub mod burst;
mod cloudflare;
pub mod commitment;
mod gcp;
pub mod logs;
pub mod metered;
pub mod network;
pub mod services;
pub mod storage;

pub use aws::{AlbUsage, ApiGatewayHttpUsage, ApiGatewayRestUsage, Ec2Usage, FargateUsage, LambdaUsage, Os};
pub use azure::{AzureContainerAppsUsage, AzureFlexUsage, AzureFunctionsUsage};
pub use cloudflare::WorkersUsage;
pub use gcp::{CloudFunctionsUsage, CloudRunUsage};
pub use metered::{FreeLedger, MeteredUse, metered};

use crate::pricing::{Allowance, Price, Service, Tiered};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use thiserror::Error;

/// One line of a bill.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BillLine {
    pub item: String,
    #[serde(serialize_with = "as_f64")]
    pub quantity: Decimal,
    pub unit: String,
    #[serde(serialize_with = "as_f64")]
    pub unit_price_usd: Decimal,
    #[serde(serialize_with = "as_f64")]
    pub amount_usd: Decimal,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// What the line pays for, so bills can show what the rest of the bill adds to the
    /// compute (omitted from JSON for compute lines, which every bill had before).
    #[serde(skip_serializing_if = "Category::is_compute")]
    pub category: Category,
}

/// What a bill line pays for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Functions, replicas, instances, their requests and front doors.
    #[default]
    Compute,
    /// Internet egress, NAT gateways, public IPv4 addresses.
    Network,
    /// Log ingestion.
    Logs,
    /// Volumes (EC2 root volumes).
    Storage,
    /// Managed services the application calls.
    Services,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Compute,
        Category::Network,
        Category::Logs,
        Category::Storage,
        Category::Services,
    ];

    pub fn is_compute(&self) -> bool {
        *self == Category::Compute
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Compute => "compute",
            Category::Network => "network",
            Category::Logs => "logs",
            Category::Storage => "storage",
            Category::Services => "services",
        }
    }
}

/// An itemised bill for one service over the billing period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bill {
    pub service: String,
    pub service_name: String,
    pub region: String,
    pub lines: Vec<BillLine>,
}

impl Bill {
    pub fn total_usd(&self) -> Decimal {
        self.lines.iter().map(|l| l.amount_usd).sum()
    }

    /// The lines of one category, added up.
    pub fn category_usd(&self, c: Category) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.category == c)
            .map(|l| l.amount_usd)
            .sum()
    }

    /// What each category adds up to, in `Category::ALL` order, categories with lines
    /// only.
    pub fn by_category(&self) -> Vec<(Category, Decimal)> {
        Category::ALL
            .iter()
            .filter(|c| self.lines.iter().any(|l| l.category == **c))
            .map(|c| (*c, self.category_usd(*c)))
            .collect()
    }

    /// "compute $70.28 · network $97.34 · logs $22.22": what the rest of the bill adds to
    /// the compute (None when the bill is compute only).
    pub fn category_summary(&self) -> Option<String> {
        let parts = self.by_category();
        if parts.iter().all(|(c, _)| c.is_compute()) {
            return None;
        }
        Some(
            parts
                .iter()
                .map(|(c, usd)| {
                    let sign = if usd.is_sign_negative() && !usd.round_dp(2).is_zero() {
                        "-"
                    } else {
                        ""
                    };
                    format!("{} {sign}${:.2}", c.label(), usd.abs().round_dp(2))
                })
                .collect::<Vec<_>>()
                .join(" · "),
        )
    }

    /// The same bill with every line in category `c`.
    pub fn in_category(mut self, c: Category) -> Bill {
        for l in &mut self.lines {
            l.category = c;
        }
        self
    }

    /// Appends another service's lines (a front door billed with its backend).
    pub fn extend(&mut self, other: Bill) {
        self.lines.extend(other.lines);
    }
}

pub fn as_f64<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.to_f64().unwrap_or(0.0))
}

#[derive(Clone, Debug, PartialEq)]
pub struct BillOptions {
    /// Apply monthly free allowances and included usage.
    pub free_tier: bool,
    /// Length of the billing period in days (30 = one month as in the providers' examples).
    pub period_days: Decimal,
}

impl Default for BillOptions {
    fn default() -> Self {
        BillOptions {
            free_tier: true,
            period_days: Decimal::from(30),
        }
    }
}

impl BillOptions {
    pub fn new(free_tier: bool, period_days: f64) -> BillOptions {
        BillOptions {
            free_tier,
            period_days: crate::pricing::decimal::from_f64_exact(period_days).unwrap_or(Decimal::from(30)),
        }
    }

    /// Share of a month that the period covers.
    pub fn months(&self) -> Decimal {
        self.period_days / Decimal::from(30)
    }

    /// An allowance scaled to the period, or zero when free tiers are off.
    pub fn allowance(&self, a: &Allowance) -> Decimal {
        if self.free_tier {
            a.quantity * self.months()
        } else {
            Decimal::ZERO
        }
    }
}

/// What a platform consumed over the period, in the units its provider meters.
#[derive(Clone, Debug, PartialEq)]
pub enum Usage {
    Lambda(LambdaUsage),
    ApiGatewayHttp(ApiGatewayHttpUsage),
    ApiGatewayRest(ApiGatewayRestUsage),
    FunctionUrl { requests: u64 },
    Alb(AlbUsage),
    Fargate(FargateUsage),
    Ec2(Ec2Usage),
    CloudRun(CloudRunUsage),
    CloudFunctions(CloudFunctionsUsage),
    AzureFunctions(AzureFunctionsUsage),
    AzureFlex(AzureFlexUsage),
    AzureContainerApps(AzureContainerAppsUsage),
    Workers(WorkersUsage),
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum BillingError {
    #[error("usage of kind {usage} cannot be billed by service `{service}`")]
    Mismatch { service: String, usage: &'static str },
    #[error("service `{service}` has no instance type `{instance}`")]
    UnknownInstance { service: String, instance: String },
    #[error("service `{service}`: {message}")]
    Invalid { service: String, message: String },
    /// A line's amount (or the total) is past what a decimal holds (about 7.9e28): the
    /// usage or a price is absurd. Bad input, not a bug.
    #[error("service `{service}`: the amount of `{item}` overflows (more than 7.9e28 USD); reduce the volume")]
    Overflow { service: String, item: String },
    /// A metered integer quantity past u64 (about 1.8e19): billing it capped would print a
    /// total far too small.
    #[error(
        "{platform}: {quantity} overflow (more than 1.8e19 {unit} over the horizon); reduce the traffic or the horizon"
    )]
    UsageOverflow {
        platform: String,
        quantity: &'static str,
        unit: &'static str,
    },
}

impl BillingError {
    /// Whether the input (usage volume or a price) is at fault rather than the program.
    pub fn is_overflow(&self) -> bool {
        matches!(self, BillingError::Overflow { .. } | BillingError::UsageOverflow { .. })
    }
}

impl Usage {
    fn kind(&self) -> &'static str {
        match self {
            Usage::Lambda(_) => "Lambda",
            Usage::ApiGatewayHttp(_) => "ApiGatewayHttp",
            Usage::ApiGatewayRest(_) => "ApiGatewayRest",
            Usage::FunctionUrl { .. } => "FunctionUrl",
            Usage::Alb(_) => "Alb",
            Usage::Fargate(_) => "Fargate",
            Usage::Ec2(_) => "Ec2",
            Usage::CloudRun(_) => "CloudRun",
            Usage::CloudFunctions(_) => "CloudFunctions",
            Usage::AzureFunctions(_) => "AzureFunctions",
            Usage::AzureFlex(_) => "AzureFlex",
            Usage::AzureContainerApps(_) => "AzureContainerApps",
            Usage::Workers(_) => "Workers",
        }
    }
}

/// Prices `usage` with the rates of `service`.
pub fn bill(service: &Service, usage: &Usage, opts: &BillOptions) -> Result<Bill, BillingError> {
    let lines = match (service, usage) {
        (Service::AwsLambda(p), Usage::Lambda(u)) => aws::lambda(p, u, opts),
        (Service::AwsApiGatewayHttp(p), Usage::ApiGatewayHttp(u)) => aws::api_gateway_http(p, u, opts),
        (Service::AwsApiGatewayRest(p), Usage::ApiGatewayRest(u)) => aws::api_gateway_rest(p, u, opts),
        (Service::AwsFunctionUrl(p), Usage::FunctionUrl { requests }) => {
            vec![line(
                "Function URL requests",
                Decimal::from(*requests),
                &p.requests,
                "no extra charge",
            )]
        }
        (Service::AwsAlb(p), Usage::Alb(u)) => aws::alb(p, u),
        (Service::AwsFargate(p), Usage::Fargate(u)) => aws::fargate(p, u),
        (Service::AwsEc2(p), Usage::Ec2(u)) => aws::ec2(p, u)?,
        (Service::GcpCloudRun(p), Usage::CloudRun(u)) => gcp::cloud_run(p, u, opts),
        (Service::GcpCloudFunctions(p), Usage::CloudFunctions(u)) => gcp::cloud_functions(p, u, opts)?,
        (Service::AzureFunctions(p), Usage::AzureFunctions(u)) => azure::functions(p, u, opts),
        (Service::AzureFunctionsFlex(p), Usage::AzureFlex(u)) => azure::flex(p, u, opts),
        (Service::AzureContainerApps(p), Usage::AzureContainerApps(u)) => azure::container_apps(p, u, opts),
        (Service::CloudflareWorkers(p), Usage::Workers(u)) => cloudflare::workers(p, u, opts),
        (s, u) => {
            return Err(BillingError::Mismatch {
                service: s.id().to_string(),
                usage: u.kind(),
            });
        }
    };
    let mut lines = lines;
    // a savings plan or CUD without a size: the commitment's discount on all it covers
    // (Fargate and EC2 price their own purchase options, Spot included)
    let committed = match usage {
        Usage::Lambda(u) => Some((u.purchase, crate::model::ContainerBilling::RequestBased)),
        Usage::CloudRun(u) => Some((u.purchase, u.billing)),
        Usage::AzureContainerApps(u) => Some((u.purchase, crate::model::ContainerBilling::RequestBased)),
        _ => None,
    };
    if let Some((purchase, billing)) = committed
        && let Some(t) = commitment::terms(service, purchase, billing)
    {
        let label = discount_label(t.name, t.discount);
        discount_lines(&mut lines, t.covers, t.discount, &label);
    }
    finish(service.id(), service.name(), service.region(), lines)
}

/// A bill from its lines, or the overflow error: `priced` marks an amount that did not fit
/// with Decimal::MAX, and the sum must fit too.
pub(crate) fn finish(id: &str, name: &str, region: &str, lines: Vec<BillLine>) -> Result<Bill, BillingError> {
    let mut total = Decimal::ZERO;
    for l in &lines {
        match total.checked_add(l.amount_usd) {
            Some(t) if l.amount_usd != Decimal::MAX => total = t,
            _ => {
                return Err(BillingError::Overflow {
                    service: id.to_string(),
                    item: l.item.clone(),
                });
            }
        }
    }
    Ok(Bill {
        service: id.to_string(),
        service_name: name.to_string(),
        region: region.to_string(),
        lines,
    })
}

/// A line whose exact quantity has many digits (a prorated GB-month): the amount is the
/// exact product rounded to the cent, the quantity shown to six decimals.
pub(crate) fn priced_exact(item: &str, quantity: Decimal, unit: &str, unit_price: Decimal, note: &str) -> BillLine {
    let mut l = priced(item, quantity, unit, unit_price, note);
    l.quantity = quantity.round_dp(6).normalize();
    l
}

/// Half-up to the cent, as the providers' examples round each line.
pub fn cents(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

pub(crate) fn dec(x: f64) -> Decimal {
    crate::pricing::decimal::from_f64_exact(x).unwrap_or(Decimal::ZERO)
}

/// A line at a single rate.
pub(crate) fn line(item: &str, quantity: Decimal, price: &Price, note: &str) -> BillLine {
    priced(item, quantity, &price.unit, price.usd, note)
}

pub(crate) fn priced(item: &str, quantity: Decimal, unit: &str, unit_price: Decimal, note: &str) -> BillLine {
    let quantity = quantity.normalize();
    BillLine {
        item: item.to_string(),
        quantity,
        unit: unit.to_string(),
        unit_price_usd: unit_price.normalize(),
        // Decimal::MAX marks an overflow; `bill` turns it into an error
        amount_usd: quantity.checked_mul(unit_price).map(cents).unwrap_or(Decimal::MAX),
        note: note.to_string(),
        category: Category::Compute,
    }
}

/// Applies a commitment or Spot discount to the lines `covers` selects: their rate becomes
/// the discounted one (amounts rounded to the cent again), their note says which discount.
pub(crate) fn discount_lines(
    lines: &mut [BillLine],
    covers: impl Fn(&BillLine) -> bool,
    d: &crate::pricing::Discount,
    label: &str,
) {
    let keep = Decimal::ONE - d.fraction;
    for l in lines.iter_mut().filter(|l| covers(l)) {
        l.unit_price_usd = (l.unit_price_usd * keep).normalize();
        l.amount_usd = l
            .quantity
            .checked_mul(l.unit_price_usd)
            .map(cents)
            .unwrap_or(Decimal::MAX);
        l.note = join_notes(&l.note, label);
    }
}

/// "1-year savings plan: 12% off on-demand (Unverified, see the catalog)".
pub(crate) fn discount_label(name: &str, d: &crate::pricing::Discount) -> String {
    format!(
        "{name}: {}% off on-demand ({:?}, see the catalog)",
        (d.fraction * Decimal::from(100)).normalize(),
        d.status
    )
}

/// A line after subtracting a free allowance; the note says how much was free.
pub(crate) fn line_after_free(item: &str, gross: Decimal, free: Decimal, price: &Price, extra_note: &str) -> BillLine {
    let used_free = free.min(gross).max(Decimal::ZERO);
    let note = join_notes(&free_note(used_free, &price.unit), extra_note);
    line(item, gross - used_free, price, &note)
}

pub(crate) fn free_note(used_free: Decimal, unit: &str) -> String {
    if used_free > Decimal::ZERO {
        format!("after {} {} free", group(used_free.round_dp(3)), plural(unit))
    } else {
        String::new()
    }
}

/// `request` -> `requests`, `GB-second` -> `GB-seconds`.
pub fn plural(unit: &str) -> String {
    if unit.ends_with('s') || unit == "GB" || unit == "GiB" || unit.ends_with("-hour") && unit.starts_with("LCU") {
        unit.to_string()
    } else {
        format!("{unit}s")
    }
}

pub(crate) fn join_notes(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}; {b}"),
    }
}

/// Thousands separators for notes (`1,000,000`).
pub fn group(x: Decimal) -> String {
    let s = x.normalize().to_string();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (s.clone(), String::new()),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", int),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}{frac}")
}

/// Lines for a volume-tiered rate. Tier bounds are scaled to the period; the free
/// allowance is taken from the first tiers.
pub(crate) fn tiered_lines(
    item: &str,
    gross: Decimal,
    free: Decimal,
    t: &Tiered,
    opts: &BillOptions,
    extra_note: &str,
) -> Vec<BillLine> {
    let months = opts.months();
    let mut out = Vec::new();
    let mut lower = Decimal::ZERO;
    let mut free_left = free.min(gross).max(Decimal::ZERO);
    let used_free = free_left;
    let multi = t.tiers.len() > 1 && t.tiers[0].up_to.is_some_and(|b| gross > b * months);
    for (i, tier) in t.tiers.iter().enumerate() {
        let upper = tier.up_to.map(|b| b * months);
        let in_tier = match upper {
            Some(u) => (gross.min(u) - lower).max(Decimal::ZERO),
            None => (gross - lower).max(Decimal::ZERO),
        };
        let take = free_left.min(in_tier);
        free_left -= take;
        let billable = in_tier - take;
        if (i == 0) || in_tier > Decimal::ZERO {
            let name = if multi {
                format!("{item}, tier {}", i + 1)
            } else {
                item.to_string()
            };
            // (a bound scaled to a period of days is a repeating decimal: 70 million
            // requests over 7 days of a month printed as 69,999,999.99999999999999999999)
            let bound = |b: Decimal| group(b.round_dp(3));
            let range = match upper {
                Some(u) => format!("{} to {} {}", bound(lower), bound(u), t.unit),
                None => format!("above {} {}", bound(lower), t.unit),
            };
            let mut note = if i == 0 {
                free_note(used_free, &t.unit)
            } else {
                String::new()
            };
            if multi {
                note = join_notes(&note, &range);
            }
            if i == 0 {
                note = join_notes(&note, extra_note);
            }
            out.push(priced(&name, billable, &t.unit, tier.usd, &note));
        }
        match upper {
            Some(u) if gross > u => lower = u,
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_category_summary_puts_a_minus_before_the_dollar() {
        let line = |usd: &str, category: Category| BillLine {
            item: "x".into(),
            quantity: Decimal::ONE,
            unit: "USD".into(),
            unit_price_usd: Decimal::ONE,
            amount_usd: Decimal::from_str(usd).unwrap(),
            note: String::new(),
            category,
        };
        let bill = Bill {
            service: "s".into(),
            service_name: "S".into(),
            region: "r".into(),
            lines: vec![
                line("12.346", Category::Compute),
                line("-3.5", Category::Network),
                line("-0.001", Category::Logs),
            ],
        };
        assert_eq!(
            bill.category_summary().unwrap(),
            "compute $12.35 · network -$3.50 · logs $0.00"
        );
    }

    #[test]
    fn cents_round_half_up() {
        assert_eq!(
            cents(Decimal::from_str("2.333338").unwrap()),
            Decimal::from_str("2.33").unwrap()
        );
        assert_eq!(
            cents(Decimal::from_str("0.077868").unwrap()),
            Decimal::from_str("0.08").unwrap()
        );
        assert_eq!(
            cents(Decimal::from_str("1.005").unwrap()),
            Decimal::from_str("1.01").unwrap()
        );
        assert_eq!(
            cents(Decimal::from_str("7.8125").unwrap()),
            Decimal::from_str("7.81").unwrap()
        );
    }

    #[test]
    fn grouping() {
        assert_eq!(group(Decimal::from(1_000_000)), "1,000,000");
        assert_eq!(group(Decimal::from(999)), "999");
        assert_eq!(group(Decimal::from_str("1234.5").unwrap()), "1,234.5");
    }
}
