//! Burstable instances (T2, T3, T4g) in unlimited mode: CPU credits earned and spent, and
//! the surplus credits AWS charges.
//!
//! One credit is one vCPU at 100 % for one minute. An instance earns its size's credits
//! every hour and spends `vCPUs x utilisation x 60` an hour; earned credits accrue up to
//! 24 hours' worth. When they run out it borrows surplus credits, up to another 24 hours'
//! worth, which later earnings pay back first; surplus credits beyond that are charged at
//! the end of the hour, and a surplus balance left when the instance stops is charged then
//! (EC2 User Guide, unlimited mode concepts and examples).

use super::{Bill, BillingError, finish};
use crate::pricing::{AwsBurstCredits, BurstSize, Catalog, Extra, extra::ids};
use rust_decimal::Decimal;

/// Credits held at some moment.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CreditBalance {
    /// Earned credits not yet spent.
    pub earned: Decimal,
    /// Surplus credits spent and not yet paid back.
    pub surplus: Decimal,
}

impl CreditBalance {
    /// A T3/T4g launched in unlimited mode: no launch credits.
    pub fn launch() -> CreditBalance {
        CreditBalance::default()
    }

    /// Earned credits at their maximum (an instance that idled for a day).
    pub fn full(size: &BurstSize) -> CreditBalance {
        CreditBalance {
            earned: size.max_accrued,
            surplus: Decimal::ZERO,
        }
    }

    /// Where a month of constant utilisation `u` leaves an instance that ran the month
    /// before the same way: above the baseline the surplus balance is at its cap (so every
    /// credit over the baseline is charged), below it the earned balance is full.
    pub fn steady(size: &BurstSize, u: Decimal) -> CreditBalance {
        if u > size.baseline {
            CreditBalance {
                earned: Decimal::ZERO,
                surplus: size.max_accrued,
            }
        } else {
            CreditBalance::full(size)
        }
    }
}

/// A stretch of constant CPU utilisation (share of all the instance's vCPUs, 0 to 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CpuStretch {
    pub hours: Decimal,
    pub utilization: Decimal,
}

/// What the credit account did over a profile.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CreditOutcome {
    /// Credits spent (CPU use), earned (by the hour) and charged as surplus.
    pub spent: Decimal,
    pub earned: Decimal,
    pub charged: Decimal,
    /// The balance at the end.
    pub end: CreditBalance,
}

/// Runs the credit account over `stretches` from `start`. With `settle_at_end` the surplus
/// balance left at the end is charged too (the instance stops or is terminated then).
///
/// Within a stretch spending and earning are continuous (credits are metered by the
/// millisecond), so a stretch may be a whole hour of a simulation or a day of an example.
pub fn surplus_credits(
    size: &BurstSize,
    start: CreditBalance,
    stretches: &[CpuStretch],
    settle_at_end: bool,
) -> CreditOutcome {
    let mut o = CreditOutcome {
        end: start,
        ..CreditOutcome::default()
    };
    let per_vcpu_hour = Decimal::from(60) * Decimal::from(size.vcpu);
    let cap = size.max_accrued;
    for s in stretches {
        let hours = s.hours.max(Decimal::ZERO);
        let u = s.utilization.clamp(Decimal::ZERO, Decimal::ONE);
        let spend = u * per_vcpu_hour * hours;
        let earn = size.credits_per_hour * hours;
        o.spent += spend;
        o.earned += earn;
        let b = &mut o.end;
        if earn >= spend {
            // earnings first pay back surplus credits, then accrue up to the cap
            let mut gain = earn - spend;
            let pay = gain.min(b.surplus);
            b.surplus -= pay;
            gain -= pay;
            b.earned = (b.earned + gain).min(cap);
        } else {
            let mut need = spend - earn;
            let from_earned = need.min(b.earned);
            b.earned -= from_earned;
            need -= from_earned;
            let borrow = need.min((cap - b.surplus).max(Decimal::ZERO));
            b.surplus += borrow;
            o.charged += need - borrow;
        }
    }
    if settle_at_end {
        o.charged += o.end.surplus;
        o.end.surplus = Decimal::ZERO;
    }
    o
}

/// The same from one utilisation per hour (a simulation's hourly CPU busy share of one
/// instance). Values outside 0..1 are clamped; non-finite ones count as 0.
pub fn surplus_from_hourly(
    size: &BurstSize,
    start: CreditBalance,
    hourly_utilization: &[f64],
    settle_at_end: bool,
) -> CreditOutcome {
    let stretches: Vec<CpuStretch> = hourly_utilization
        .iter()
        .map(|u| CpuStretch {
            hours: Decimal::ONE,
            utilization: super::dec(if u.is_finite() { u.clamp(0.0, 1.0) } else { 0.0 }),
        })
        .collect();
    surplus_credits(size, start, &stretches, settle_at_end)
}

/// Surplus credits of a steady month at average utilisation `u` for `hours`: every credit
/// above the baseline (the planning form: `vCPUs x max(0, u - baseline) x 60 x hours`).
pub fn steady_state_surplus(size: &BurstSize, hours: Decimal, u: Decimal) -> Decimal {
    surplus_credits(
        size,
        CreditBalance::steady(size, u),
        &[CpuStretch { hours, utilization: u }],
        false,
    )
    .charged
}

/// The utilisation at which a burstable instance plus its surplus credits costs as much
/// as another instance (`other_hourly`): the baseline plus the price gap bought as surplus
/// vCPU-hours.
pub fn breakeven_utilization(
    size: &BurstSize,
    burst_hourly: Decimal,
    other_hourly: Decimal,
    surplus_per_vcpu_hour: Decimal,
) -> Option<Decimal> {
    let per_hour = Decimal::from(size.vcpu) * surplus_per_vcpu_hour;
    if per_hour <= Decimal::ZERO {
        return None;
    }
    Some(size.baseline + (other_hourly - burst_hourly) / per_hour)
}

/// The credits entry of the catalog.
pub fn credits_entry(cat: &Catalog) -> Result<&AwsBurstCredits, BillingError> {
    match cat.extra(ids::AWS_BURST_CREDITS) {
        Some(Extra::AwsBurstCredits(b)) => Ok(b),
        _ => Err(BillingError::Invalid {
            service: ids::AWS_BURST_CREDITS.into(),
            message: "not in the price catalog (an AwsBurstCredits entry under `extras`)".into(),
        }),
    }
}

/// The bill for `charged` surplus credits of an `instance` type (Linux): 60 credits are one
/// vCPU-hour.
pub fn surplus_bill(p: &AwsBurstCredits, instance: &str, charged: Decimal, note: &str) -> Result<Bill, BillingError> {
    let price = p.rate(instance).ok_or_else(|| BillingError::Invalid {
        service: p.id.clone(),
        message: format!(
            "`{instance}` is not a burstable type with a surplus rate (families: {})",
            p.families
                .iter()
                .map(|f| f.family.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })?;
    let vcpu_hours = charged.max(Decimal::ZERO) / Decimal::from(60);
    let line = super::priced_exact(
        "Surplus CPU credits",
        vcpu_hours,
        &price.unit,
        price.usd,
        &super::join_notes(
            &format!(
                "{instance}, unlimited mode: {} credits (60 per vCPU-hour)",
                charged.round_dp(2).normalize()
            ),
            note,
        ),
    );
    finish(&p.id, &p.name, &price.region, vec![line])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn size(name: &str) -> BurstSize {
        let cat = Catalog::builtin().unwrap();
        credits_entry(&cat).unwrap().size(name).unwrap().clone()
    }

    #[test]
    fn below_the_baseline_nothing_is_charged() {
        let s = size("t3.medium");
        let o = surplus_from_hourly(&s, CreditBalance::launch(), &[0.1; 720], true);
        assert_eq!(o.charged, d("0"));
        assert_eq!(o.end.earned, s.max_accrued);
        assert_eq!(steady_state_surplus(&s, d("730"), d("0.2")), d("0"));
    }

    #[test]
    fn a_day_of_surplus_is_borrowed_before_anything_is_charged() {
        let s = size("t3.medium"); // 24 credits an hour, 576 at most
        // 10 hours at 100 %: 120 spent, 24 earned an hour: 960 short; 576 borrowed, 384 charged
        let o = surplus_from_hourly(&s, CreditBalance::launch(), &[1.0; 10], false);
        assert_eq!(o.end.surplus, d("576"));
        assert_eq!(o.charged, d("384"));
        // settled when it stops: all 960
        let o = surplus_from_hourly(&s, CreditBalance::launch(), &[1.0; 10], true);
        assert_eq!(o.charged, d("960"));
        // hostile numbers are clamped, never a panic
        let o = surplus_from_hourly(&s, CreditBalance::launch(), &[f64::NAN, 7.0, -1.0], false);
        assert_eq!(o.spent, d("120"));
    }

    #[test]
    fn steady_state_is_the_planning_form() {
        // t3.medium at 50 % for 730 h: 2 x 0.3 x 730 = 438 vCPU-hours = 26,280 credits
        let s = size("t3.medium");
        assert_eq!(steady_state_surplus(&s, d("730"), d("0.5")), d("26280"));
        let cat = Catalog::builtin().unwrap();
        let b = surplus_bill(credits_entry(&cat).unwrap(), "t3.medium", d("26280"), "").unwrap();
        assert_eq!(b.total_usd(), d("21.90"));
        assert!(surplus_bill(credits_entry(&cat).unwrap(), "m7g.large", d("1"), "").is_err());
    }
}
