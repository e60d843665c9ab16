//! Metered services (network, logs, managed services): a quantity per operation, a flat or
//! tiered rate, a free allowance that may be shared with other usage, payload chunks.

use super::{Bill, BillLine, BillOptions, BillingError, finish, free_note, group, join_notes, priced, tiered_lines};
use crate::pricing::{Free, Meter, Metered, Per, Rate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What was used of one operation over the period.
#[derive(Clone, Debug, PartialEq)]
pub struct MeteredUse {
    /// An operation the service's meter names (`read`, `send`, `internet-out`).
    pub operation: String,
    /// Calls, GB, hours: the meter's unit (before chunking).
    pub quantity: Decimal,
    /// Payload per call, KB: a chunked meter counts each call once per started chunk.
    pub payload_kb: Option<f64>,
}

impl MeteredUse {
    pub fn new(operation: &str, quantity: Decimal) -> MeteredUse {
        MeteredUse {
            operation: operation.to_string(),
            quantity,
            payload_kb: None,
        }
    }

    pub fn with_payload_kb(mut self, kb: f64) -> MeteredUse {
        self.payload_kb = Some(kb);
        self
    }
}

/// Free allowances already used, so that an allowance is applied once per scope.
///
/// A free allowance belongs to a scope (`pricing::Scope`): AWS's 100 GB of data transfer
/// out is one per account across every service and region, Cloud Logging's 50 GiB one per
/// project. Bill everything that shares a scope through one ledger (one ledger per account
/// for an application's bills); a fresh ledger gives every bill the whole allowance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FreeLedger {
    used: BTreeMap<String, Decimal>,
}

impl FreeLedger {
    pub fn new() -> FreeLedger {
        FreeLedger::default()
    }

    /// Takes up to `want` from an allowance of `total` under `key`; returns what was free.
    pub fn take(&mut self, key: &str, total: Decimal, want: Decimal) -> Decimal {
        let used = self.used.entry(key.to_string()).or_insert(Decimal::ZERO);
        let left = (total - *used).max(Decimal::ZERO);
        let take = left.min(want.max(Decimal::ZERO));
        *used += take;
        take
    }

    /// How much of the allowance under `key` has been used.
    pub fn used(&self, key: &str) -> Decimal {
        self.used.get(key).copied().unwrap_or(Decimal::ZERO)
    }
}

/// An allowance over the period: monthly ones scale with `period_days / 30`, daily ones
/// with `period_days` (usage taken as spread evenly over the days: a daily quota left
/// unused one day does not carry to the next, so a bursty day can pay where this does
/// not); zero when free tiers are off.
pub fn allowance(free: &Free, opts: &BillOptions) -> Decimal {
    if !opts.free_tier {
        return Decimal::ZERO;
    }
    match free.per {
        Per::Month => free.quantity * opts.months(),
        Per::Day => free.quantity * opts.period_days,
    }
}

/// The ledger key of a meter's allowance.
pub fn free_key(service_id: &str, meter: &Meter) -> String {
    if meter.shared_free {
        format!("{service_id}/shared")
    } else {
        format!(
            "{service_id}/{}",
            meter.operations.first().map(String::as_str).unwrap_or("")
        )
    }
}

/// Calls counted per started chunk: `ceil(payload / chunk)`, at least one.
fn chunks(payload_kb: Option<f64>, chunk_kb: Option<f64>, id: &str) -> Result<Decimal, BillingError> {
    match (payload_kb, chunk_kb) {
        (Some(kb), Some(chunk)) => {
            if !kb.is_finite() || kb < 0.0 {
                return Err(BillingError::Invalid {
                    service: id.to_string(),
                    message: format!("payload of {kb} KB: must be a finite number, zero or more"),
                });
            }
            let n = (kb / chunk.max(f64::MIN_POSITIVE)).ceil().max(1.0);
            if n > 1e15 {
                return Err(BillingError::Invalid {
                    service: id.to_string(),
                    message: format!("payload of {kb} KB is more than 1e15 chunks of {chunk} KB"),
                });
            }
            Ok(Decimal::from(n as u64))
        }
        _ => Ok(Decimal::ONE),
    }
}

/// Prices `uses` with the service's meters. Uses of one operation (or of operations one
/// meter names) add up into one line; meters keep the catalog's order.
pub fn metered(
    p: &Metered,
    uses: &[MeteredUse],
    opts: &BillOptions,
    ledger: &mut FreeLedger,
) -> Result<Bill, BillingError> {
    let mut per_meter: Vec<Option<(Decimal, Decimal)>> = vec![None; p.meters.len()];
    for u in uses {
        let Some(i) = p
            .meters
            .iter()
            .position(|m| m.operations.iter().any(|o| o.eq_ignore_ascii_case(&u.operation)))
        else {
            return Err(BillingError::Invalid {
                service: p.id.clone(),
                message: format!(
                    "no operation `{}`; it meters: {}",
                    u.operation,
                    p.meters
                        .iter()
                        .map(|m| m.operations.join("/"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        };
        if u.quantity < Decimal::ZERO {
            return Err(BillingError::Invalid {
                service: p.id.clone(),
                message: format!("`{}`: negative quantity {}", u.operation, u.quantity),
            });
        }
        let n = chunks(u.payload_kb, p.meters[i].chunk_kb, &p.id)?;
        let billed = u.quantity.checked_mul(n).ok_or_else(|| overflow(p, &p.meters[i]))?;
        let (q, calls) = per_meter[i].get_or_insert((Decimal::ZERO, Decimal::ZERO));
        *q = q.checked_add(billed).ok_or_else(|| overflow(p, &p.meters[i]))?;
        *calls = calls.checked_add(u.quantity).ok_or_else(|| overflow(p, &p.meters[i]))?;
    }
    let mut lines = Vec::new();
    for (meter, used) in p.meters.iter().zip(per_meter) {
        let Some((quantity, calls)) = used else { continue };
        let chunk_note = match meter.chunk_kb {
            Some(kb) if quantity != calls => format!("{} calls counted per started {kb} KB", group(calls)),
            _ => String::new(),
        };
        lines.extend(meter_lines(p, meter, quantity, &chunk_note, opts, ledger));
    }
    finish(&p.id, &p.name, &super_region(p), lines)
}

fn super_region(p: &Metered) -> String {
    p.meters
        .first()
        .map(|m| m.rate.region().to_string())
        .unwrap_or_default()
}

fn overflow(p: &Metered, m: &Meter) -> BillingError {
    BillingError::Overflow {
        service: p.id.clone(),
        item: m.item.clone(),
    }
}

fn meter_lines(
    p: &Metered,
    meter: &Meter,
    quantity: Decimal,
    extra_note: &str,
    opts: &BillOptions,
    ledger: &mut FreeLedger,
) -> Vec<BillLine> {
    let free = if meter.shared_free {
        p.shared_free.as_ref()
    } else {
        meter.free.as_ref()
    };
    let used_free = match free {
        Some(f) => ledger.take(&free_key(&p.id, meter), allowance(f, opts), quantity),
        None => Decimal::ZERO,
    };
    // "after 100 GB free (per account, all services and regions, monthly)"
    let free_text = |unit: &str| match free {
        Some(f) if used_free > Decimal::ZERO => {
            let per = match f.per {
                Per::Month => "monthly",
                Per::Day => "daily",
            };
            format!("{} ({}, {per})", free_note(used_free, unit), f.scope.label())
        }
        _ => String::new(),
    };
    match &meter.rate {
        Rate::Flat(price) => {
            let note = join_notes(&free_text(&price.unit), extra_note);
            vec![priced(&meter.item, quantity - used_free, &price.unit, price.usd, &note)]
        }
        Rate::Tiered(t) if meter.tiers_after_free => {
            let note = join_notes(&free_text(&t.unit), extra_note);
            let mut out = tiered_lines(&meter.item, quantity - used_free, Decimal::ZERO, t, opts, &note);
            if used_free > Decimal::ZERO
                && let Some(first) = out.first_mut()
            {
                first.note = join_notes(&first.note, "tiers count usage beyond the free allowance");
            }
            out
        }
        Rate::Tiered(t) => {
            let mut out = tiered_lines(&meter.item, quantity, used_free, t, opts, extra_note);
            // tiered_lines says "after N free": add the allowance's scope
            if used_free > Decimal::ZERO
                && let Some(first) = out.first_mut()
            {
                first.note = first
                    .note
                    .replacen(&free_note(used_free, &t.unit), &free_text(&t.unit), 1);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::Catalog;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn ledger_applies_an_allowance_once() {
        let mut l = FreeLedger::new();
        assert_eq!(l.take("k", d("100"), d("80")), d("80"));
        assert_eq!(l.take("k", d("100"), d("80")), d("20"));
        assert_eq!(l.take("k", d("100"), d("80")), d("0"));
        assert_eq!(l.used("k"), d("100"));
        assert_eq!(l.take("other", d("100"), d("-5")), d("0"));
    }

    #[test]
    fn chunked_calls_and_unknown_operations() {
        let cat = Catalog::builtin().unwrap();
        let sqs = cat.metered("aws-sqs").unwrap();
        let opts = BillOptions::default();
        // 1 M sends of 256 KB: 4 M requests, 1 M free, 3 M x $0.40/M = $1.20
        let b = metered(
            sqs,
            &[MeteredUse::new("send", d("1000000")).with_payload_kb(256.0)],
            &opts,
            &mut FreeLedger::new(),
        )
        .unwrap();
        assert_eq!(b.total_usd(), d("1.20"));
        assert_eq!(b.lines[0].quantity, d("3000000"));
        assert!(
            b.lines[0].note.contains("counted per started 64 KB"),
            "{}",
            b.lines[0].note
        );
        let e = metered(sqs, &[MeteredUse::new("scan", d("1"))], &opts, &mut FreeLedger::new()).unwrap_err();
        assert!(e.to_string().contains("no operation `scan`"), "{e}");
        let e = metered(
            sqs,
            &[MeteredUse::new("send", d("1")).with_payload_kb(f64::NAN)],
            &opts,
            &mut FreeLedger::new(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("payload"), "{e}");
        // an absurd volume is an overflow error, not a panic
        let e = metered(
            sqs,
            &[MeteredUse::new("send", Decimal::MAX).with_payload_kb(1e9)],
            &opts,
            &mut FreeLedger::new(),
        )
        .unwrap_err();
        assert!(e.is_overflow(), "{e}");
    }

    #[test]
    fn daily_allowances_scale_with_days() {
        let cat = Catalog::builtin().unwrap();
        let fs = cat.metered("gcp-firestore").unwrap();
        let week = BillOptions::new(true, 7.0);
        // 50,000 free reads a day: 350,000 in a week; 400,000 reads leave 50,000 x $0.03/100k
        let b = metered(
            fs,
            &[MeteredUse::new("read", d("400000"))],
            &week,
            &mut FreeLedger::new(),
        )
        .unwrap();
        assert_eq!(b.lines[0].quantity, d("50000"));
        assert_eq!(b.total_usd(), d("0.02"));
        assert!(b.lines[0].note.contains("(per database, daily)"), "{}", b.lines[0].note);
    }
}
