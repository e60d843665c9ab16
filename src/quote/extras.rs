//! Quotes for the rest of the bill: a metered service from its flags (each meter names the
//! flags whose product is its quantity), EBS volumes, surplus credits, and the extra lines
//! of an EC2 quote.

use super::{QuoteError, QuoteInput, check, need, whole};
use crate::billing::burst::{credits_entry, steady_state_surplus, surplus_bill};
use crate::billing::network::public_ipv4;
use crate::billing::services::step_functions_express;
use crate::billing::storage::{EbsUsage, ebs, ebs_entry, root_volumes};
use crate::billing::{Bill, BillOptions, FreeLedger, MeteredUse, dec, metered};
use crate::pricing::extra::QUOTE_FLAGS;
use crate::pricing::{AwsBurstCredits, AwsEbs, Catalog, Extra, Metered};
use rust_decimal::Decimal;

/// Largest quantity a flag takes (GB, hours, calls): past it the input is a typo.
const MAX_QUANTITY: f64 = 1e15;

/// Flags that count things: a fraction is a typo.
const WHOLE: &[&str] = &[
    "addresses",
    "tunnels",
    "requests",
    "reads",
    "writes",
    "deletes",
    "transitions",
    "events",
    "request-units",
];

impl QuoteInput {
    /// The value of a quantity flag by name.
    fn quantity(&self, flag: &str) -> Option<f64> {
        match flag {
            "gb-out" => self.gb_out,
            "gb" => self.gb,
            "inter-az-gb" => self.inter_az_gb,
            "hours" => self.hours,
            "addresses" => self.addresses,
            "tunnels" => self.tunnels,
            "ingest-gb" => self.ingest_gb,
            "vended-gb" => self.vended_gb,
            "archive-gb" => self.archive_gb,
            "insights-gb" => self.insights_gb,
            "storage-gb" => self.storage_gb,
            "requests" => self.requests,
            "reads" => self.reads,
            "writes" => self.writes,
            "deletes" => self.deletes,
            "transitions" => self.transitions,
            "events" => self.events,
            "request-units" => self.request_units,
            _ => None,
        }
    }
}

fn opts(q: &QuoteInput) -> BillOptions {
    BillOptions {
        free_tier: !q.no_free_tier,
        ..BillOptions::default()
    }
}

/// The flag's name with a static lifetime (errors carry `&'static str`).
fn flag_name(f: &str) -> &'static str {
    QUOTE_FLAGS.iter().find(|k| **k == f).copied().unwrap_or("?")
}

/// Rejects flags the entry does not read.
fn only(q: &QuoteInput, id: &str, takes: &[&str]) -> Result<(), QuoteError> {
    if let Some(option) = q.given().into_iter().find(|f| !takes.contains(f)) {
        return Err(QuoteError::NotApplicable {
            service: id.to_string(),
            option,
            takes: takes.iter().map(|f| format!("--{f}")).collect::<Vec<_>>().join(", "),
        });
    }
    Ok(())
}

/// A flag's value, checked: finite, zero or more, at most 1e15, whole for counts.
fn value(q: &QuoteInput, flag: &'static str) -> Result<Option<f64>, QuoteError> {
    match q.quantity(flag) {
        None => Ok(None),
        Some(x) => {
            let x = check(x, flag, 0.0, MAX_QUANTITY)?;
            if WHOLE.contains(&flag) {
                whole(x, flag)?;
            }
            Ok(Some(x))
        }
    }
}

pub(super) fn quote_extra(cat: &Catalog, x: &Extra, q: &QuoteInput) -> Result<Bill, QuoteError> {
    match x {
        Extra::Metered(m) if m.id == "aws-step-functions-express" => express(cat, m, q),
        Extra::Metered(m) => quote_metered(m, q),
        Extra::AwsEbs(e) => quote_ebs(e, q),
        Extra::AwsBurstCredits(b) => quote_credits(b, q),
    }
}

fn quote_metered(m: &Metered, q: &QuoteInput) -> Result<Bill, QuoteError> {
    let mut takes: Vec<&str> = Vec::new();
    for meter in &m.meters {
        for f in &meter.flags {
            let f = flag_name(f);
            if !takes.contains(&f) {
                takes.push(f);
            }
        }
    }
    let chunked = m.meters.iter().any(|x| x.chunk_kb.is_some() && !x.flags.is_empty());
    if chunked {
        takes.push("payload-kb");
    }
    only(q, &m.id, &takes)?;
    let payload = match q.payload_kb {
        Some(kb) => Some(check(kb, "payload-kb", 0.0, 1e9)?),
        None => None,
    };
    let mut uses = Vec::new();
    for meter in m.meters.iter().filter(|x| !x.flags.is_empty()) {
        let flags: Vec<&'static str> = meter.flags.iter().map(|f| flag_name(f)).collect();
        let values = flags.iter().map(|f| value(q, f)).collect::<Result<Vec<_>, _>>()?;
        if values.iter().all(Option::is_none) {
            continue;
        }
        let mut quantity = Decimal::ONE;
        for (f, v) in flags.iter().zip(&values) {
            let v = need(*v, &m.id, f)?;
            quantity = quantity.checked_mul(dec(v)).ok_or_else(|| QuoteError::Invalid {
                option: f,
                message: "the product of the flags overflows".into(),
            })?;
        }
        let op = meter.operations.first().cloned().unwrap_or_default();
        let mut u = MeteredUse::new(&op, quantity);
        if meter.chunk_kb.is_some() {
            u.payload_kb = payload;
        }
        uses.push(u);
    }
    if uses.is_empty() {
        return Err(QuoteError::NeedsOne {
            service: m.id.clone(),
            options: takes
                .iter()
                .filter(|f| **f != "payload-kb")
                .map(|f| format!("--{f}"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(metered(m, &uses, &opts(q), &mut FreeLedger::new())?)
}

fn express(cat: &Catalog, m: &Metered, q: &QuoteInput) -> Result<Bill, QuoteError> {
    only(q, &m.id, &["requests", "duration-ms", "memory-mb"])?;
    let n = whole(
        check(need(q.requests, &m.id, "requests")?, "requests", 0.0, MAX_QUANTITY)?,
        "requests",
    )? as u64;
    let d = check(need(q.duration_ms, &m.id, "duration-ms")?, "duration-ms", 0.0, 3.0e5)?;
    let mb = whole(check(q.memory_mb.unwrap_or(64.0), "memory-mb", 1.0, 1e6)?, "memory-mb")? as u32;
    Ok(step_functions_express(cat, n, d, mb, &opts(q))?)
}

fn quote_ebs(e: &AwsEbs, q: &QuoteInput) -> Result<Bill, QuoteError> {
    only(q, &e.id, &["gb", "hours", "type", "iops", "throughput"])?;
    let gb = check(need(q.gb, &e.id, "gb")?, "gb", 0.0, 1e9)?;
    let hours = check(need(q.hours, &e.id, "hours")?, "hours", 0.0, 1e9)?;
    let volume_type = q.volume_type.clone().unwrap_or_else(|| "gp3".into());
    if !e.volume_types.iter().any(|t| t.name == volume_type) {
        return Err(QuoteError::Invalid {
            option: "type",
            message: format!(
                "unknown volume type `{volume_type}`; the catalog has: {}",
                e.volume_types
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let int = |v: Option<f64>, f: &'static str| -> Result<Option<u64>, QuoteError> {
        v.map(|x| whole(check(x, f, 0.0, 1e9)?, f).map(|x| x as u64))
            .transpose()
    };
    let u = EbsUsage {
        volume_type,
        gb: dec(gb),
        iops: int(q.iops, "iops")?,
        throughput_mbps: int(q.throughput, "throughput")?,
        volume_seconds: (hours * 3600.0).round() as u64,
        volumes: 1,
    };
    Ok(ebs(e, &u)?)
}

fn quote_credits(b: &AwsBurstCredits, q: &QuoteInput) -> Result<Bill, QuoteError> {
    only(q, &b.id, &["instance", "hours", "cpu-utilization"])?;
    let instance = q.instance.clone().ok_or(QuoteError::Missing {
        service: b.id.clone(),
        option: "instance",
    })?;
    let hours = check(need(q.hours, &b.id, "hours")?, "hours", 0.0, 1e9)?;
    surplus(b, q, &instance, hours)?.ok_or_else(|| QuoteError::Missing {
        service: b.id.clone(),
        option: "cpu-utilization",
    })
}

/// The surplus-credit bill of a steady month at `--cpu-utilization`, if given.
fn surplus(b: &AwsBurstCredits, q: &QuoteInput, instance: &str, hours: f64) -> Result<Option<Bill>, QuoteError> {
    let Some(u) = q.cpu_utilization else {
        return Ok(None);
    };
    let u = check(u, "cpu-utilization", 0.0, 1.0)?;
    let size = b
        .size(instance)
        .filter(|_| b.rate(instance).is_some())
        .ok_or_else(|| QuoteError::Invalid {
            option: "cpu-utilization",
            message: format!(
                "`{instance}` is not a burstable (T-family) instance with credits in the catalog; burstable sizes: {}",
                b.sizes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        })?;
    let credits = steady_state_surplus(size, dec(hours), dec(u));
    let note = format!(
        "steady month at {}% average CPU, baseline {}%",
        (dec(u) * Decimal::from(100)).normalize(),
        (size.baseline * Decimal::from(100)).normalize()
    );
    Ok(Some(surplus_bill(b, instance, credits, &note)?))
}

/// The extra lines of `quote aws-ec2`: a gp3 root volume (`--ebs-gb`), public IPv4
/// addresses (`--public-ipv4`, per instance) and surplus credits (`--cpu-utilization`).
pub(super) fn ec2_extras(
    cat: &Catalog,
    q: &QuoteInput,
    instance: &str,
    hours: f64,
    instance_seconds: u64,
) -> Result<Vec<Bill>, QuoteError> {
    let mut out = Vec::new();
    if let Some(gb) = q.ebs_gb {
        let gb = check(gb, "ebs-gb", 1.0, 65_536.0)?;
        ebs_entry(cat)?;
        out.push(root_volumes(cat, dec(gb), instance_seconds, 1)?);
    }
    if let Some(n) = q.public_ipv4 {
        let n = whole(check(n, "public-ipv4", 0.0, 1e6)?, "public-ipv4")?;
        out.push(public_ipv4(cat, dec(n) * dec(hours), &opts(q))?);
    }
    if q.cpu_utilization.is_some() {
        let b = credits_entry(cat)?;
        if let Some(bill) = surplus(b, q, instance, hours)? {
            out.push(bill);
        }
    }
    Ok(out)
}
