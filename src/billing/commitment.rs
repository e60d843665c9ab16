//! Commitments sized in money per hour, as the providers bill them: each hour the
//! commitment is paid whatever the usage, covers on-demand usage up to its size, and usage
//! above it pays on demand. So the hour-by-hour usage matters: a commitment sized to the
//! average pays for idle hours and leaves the peaks on demand.
//!
//! Google states a committed use discount in on-demand dollars an hour (commit $1/h at
//! 17 %: pay $0.83 every hour, covering $1 of on-demand usage); AWS and Azure state a
//! savings plan in dollars an hour at the plan's rates (commit $1/h at 12 % off: pay $1,
//! covering $1/0.88 of on-demand usage).

use super::{BillLine, Category, cents, join_notes};
use crate::model::{ContainerBilling, Purchase};
use crate::pricing::{Discount, Service};
use rust_decimal::Decimal;

/// How a provider states the size of a commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// On-demand dollars of usage covered an hour (Google's committed use discounts).
    OnDemandValue,
    /// Dollars an hour at the plan's discounted rates (AWS and Azure savings plans).
    PlanRate,
}

/// The commitment a purchase option means on a service: its discount, its name, how it
/// is sized and which bill lines it covers.
pub struct Terms<'a> {
    pub discount: &'a Discount,
    pub name: &'static str,
    pub basis: Basis,
    pub covers: fn(&BillLine) -> bool,
}

fn lambda_items(l: &BillLine) -> bool {
    l.item.starts_with("Duration") || l.item == "Provisioned concurrency"
}
fn fargate_items(l: &BillLine) -> bool {
    l.item == "vCPU" || l.item == "Memory"
}
fn ec2_items(l: &BillLine) -> bool {
    l.item == "Instance hours"
}
fn container_apps_items(l: &BillLine) -> bool {
    l.item.starts_with("vCPU") || l.item == "Memory"
}
fn cloud_run_items(l: &BillLine) -> bool {
    l.item.starts_with("CPU") || l.item.starts_with("Memory") || l.item == "Requests"
}

/// The one- or three-year discount of a pair the catalog may leave out.
fn of_term<'a>(three: bool, one_year: &'a Option<Discount>, three_years: &'a Option<Discount>) -> Option<&'a Discount> {
    if three { three_years.as_ref() } else { one_year.as_ref() }
}

/// The commitment `purchase` buys on `service` (None: on demand, Spot, or a service
/// without commitments in the catalog).
pub fn terms(service: &Service, purchase: Purchase, billing: ContainerBilling) -> Option<Terms<'_>> {
    use Purchase::*;
    let three = match purchase {
        Savings1y => false,
        Savings3y => true,
        OnDemand | Spot => return None,
    };
    let pick = |one: &'static str, three_name: &'static str| if three { three_name } else { one };
    match service {
        Service::AwsLambda(p) => Some(Terms {
            discount: of_term(three, &p.savings_1y, &p.savings_3y)?,
            name: pick("1-year Compute Savings Plan", "3-year Compute Savings Plan"),
            basis: Basis::PlanRate,
            covers: lambda_items,
        }),
        Service::AwsFargate(p) => Some(Terms {
            discount: if three { &p.savings_3y } else { &p.savings_1y },
            name: pick("1-year Compute Savings Plan", "3-year Compute Savings Plan"),
            basis: Basis::PlanRate,
            covers: fargate_items,
        }),
        Service::AwsEc2(p) => Some(Terms {
            discount: if three { &p.savings_3y } else { &p.savings_1y },
            name: pick("1-year savings plan", "3-year savings plan"),
            basis: Basis::PlanRate,
            covers: ec2_items,
        }),
        Service::GcpCloudRun(p) => {
            let (d, name) = match billing {
                ContainerBilling::RequestBased => (
                    of_term(three, &p.cud_1y, &p.cud_3y)?,
                    pick("1-year committed use discount", "3-year committed use discount"),
                ),
                ContainerBilling::InstanceBased => (
                    of_term(three, &p.flex_cud_1y, &p.flex_cud_3y)?,
                    pick(
                        "1-year flexible committed use discount",
                        "3-year flexible committed use discount",
                    ),
                ),
            };
            Some(Terms {
                discount: d,
                name,
                basis: Basis::OnDemandValue,
                covers: cloud_run_items,
            })
        }
        Service::AzureContainerApps(p) => Some(Terms {
            discount: of_term(three, &p.savings_1y, &p.savings_3y)?,
            name: pick("1-year savings plan for compute", "3-year savings plan for compute"),
            basis: Basis::PlanRate,
            covers: container_apps_items,
        }),
        _ => None,
    }
}

/// Bills a commitment of `per_hour` (in the provider's `Basis`) over `hours`, the covered
/// lines already priced on demand and their usage spread over the hours by `weights`
/// (any non-negative numbers, one per hour; all zero means evenly). Adds two lines: the
/// on-demand usage the commitment covered (negative), and the commitment itself.
pub fn apply(lines: &mut Vec<BillLine>, t: &Terms, per_hour: Decimal, weights: &[f64]) {
    let hours = weights.len().max(1);
    let od: Decimal = lines.iter().filter(|l| (t.covers)(l)).map(|l| l.amount_usd).sum();
    let keep = Decimal::ONE - t.discount.fraction;
    let (covers_per_hour, pays_per_hour) = match t.basis {
        Basis::OnDemandValue => (per_hour, per_hour * keep),
        Basis::PlanRate if keep > Decimal::ZERO => (per_hour / keep, per_hour),
        Basis::PlanRate => (per_hour, per_hour),
    };
    let total_w: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    let mut covered = Decimal::ZERO;
    for h in 0..hours {
        let share = if total_w > 0.0 {
            let w = weights.get(h).copied().unwrap_or(0.0);
            if w.is_finite() && w > 0.0 { w / total_w } else { 0.0 }
        } else {
            1.0 / hours as f64
        };
        let used = od * super::dec(share);
        covered += used.min(covers_per_hour);
    }
    let covered = cents(covered.min(od));
    let hours_d = Decimal::from(hours as u64);
    lines.push(BillLine {
        item: "Covered by the commitment".into(),
        quantity: covered,
        unit: "USD of on-demand usage".into(),
        unit_price_usd: -Decimal::ONE,
        amount_usd: -covered,
        note: format!(
            "the on-demand usage above, up to ${} of it in each hour",
            covers_per_hour.round_dp(6).normalize()
        ),
        category: Category::Compute,
    });
    lines.push(BillLine {
        item: format!("Commitment ({})", t.name),
        quantity: hours_d,
        unit: "hour".into(),
        unit_price_usd: pays_per_hour.round_dp(10).normalize(),
        amount_usd: cents(hours_d * pays_per_hour),
        note: join_notes(
            &format!(
                "{}% off on-demand ({:?}, see the catalog); paid every hour, used or not",
                (t.discount.fraction * Decimal::from(100)).normalize(),
                t.discount.status
            ),
            match t.basis {
                Basis::OnDemandValue => "sized in on-demand dollars an hour",
                Basis::PlanRate => "sized in dollars an hour at the plan's rates",
            },
        ),
        category: Category::Compute,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::priced;
    use std::str::FromStr;

    fn cud() -> Discount {
        Discount {
            fraction: Decimal::from_str("0.17").unwrap(),
            effective: chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            source: "https://cloud.google.com/run/cud".into(),
            status: crate::pricing::Status::Primary,
            note: String::new(),
        }
    }

    fn total(lines: &[BillLine]) -> Decimal {
        lines.iter().map(|l| l.amount_usd).sum()
    }

    /// wholebill.md CRCUD1 (Google's blog on Cloud Run CUDs): commit $1/h at 17 %; the
    /// minimum is $1 x 83 % = $0.83 an hour, and an hour with $1.50 of on-demand usage
    /// costs 1 x 83 % + (1.5 - 1) = $1.33.
    #[test]
    fn the_cloud_run_commitment_example() {
        let d = cud();
        let t = Terms {
            discount: &d,
            name: "1-year committed use discount",
            basis: Basis::OnDemandValue,
            covers: cloud_run_items,
        };
        let usage = |usd: &str| {
            vec![priced(
                "CPU (request-based)",
                Decimal::from_str(usd).unwrap(),
                "USD",
                Decimal::ONE,
                "",
            )]
        };
        let mut busy = usage("1.50");
        apply(&mut busy, &t, Decimal::ONE, &[1.0]);
        assert_eq!(total(&busy).to_string(), "1.33");
        // below the commitment: the commitment is still paid
        let mut quiet = usage("0.40");
        apply(&mut quiet, &t, Decimal::ONE, &[1.0]);
        assert_eq!(total(&quiet).to_string(), "0.83");
        // two hours, $3.00 of usage all in the first: $0.83 + $2.00 in it, $0.83 in the other
        let mut peaky = usage("3.00");
        apply(&mut peaky, &t, Decimal::ONE, &[1.0, 0.0]);
        assert_eq!(total(&peaky).to_string(), "3.66");
        // the same usage evenly spread is all covered but the hour's $0.50 above
        let mut even = usage("3.00");
        apply(&mut even, &t, Decimal::ONE, &[1.0, 1.0]);
        assert_eq!(total(&even).to_string(), "2.66");
    }

    /// A savings plan is sized at its own rates: $0.88/h at 12 % off covers $1 of
    /// on-demand usage an hour.
    #[test]
    fn a_savings_plan_is_sized_at_plan_rates() {
        let mut d = cud();
        d.fraction = Decimal::from_str("0.12").unwrap();
        let t = Terms {
            discount: &d,
            name: "1-year Compute Savings Plan",
            basis: Basis::PlanRate,
            covers: lambda_items,
        };
        let mut lines = vec![
            priced(
                "Requests",
                Decimal::from(1_000_000),
                "request",
                Decimal::from_str("0.0000002").unwrap(),
                "",
            ),
            priced("Duration", Decimal::from_str("1.5").unwrap(), "USD", Decimal::ONE, ""),
        ];
        apply(&mut lines, &t, Decimal::from_str("0.88").unwrap(), &[1.0]);
        // requests $0.20 untouched; duration: $0.88 + ($1.50 - $1.00)
        assert_eq!(total(&lines).to_string(), "1.58");
    }
}
