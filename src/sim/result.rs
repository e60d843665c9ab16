//! Results per platform: the bill, counts, percentiles and time series.

use super::extras::ExtrasUse;
use super::meter;
use super::run::*;
use super::spec::Spec;
use super::traffic::RateProfile;
use super::{Histogram, Mode, SimError};
use crate::billing::{Bill, BillOptions, Usage};
use crate::model::Scenario;
use crate::pricing::Catalog;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct LatencySummary {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
    /// Share of served requests slower than the objective (None without an objective).
    pub over_slo: Option<f64>,
}

/// Time series at display resolution (`bucket_s` per point).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Series {
    pub bucket_s: f64,
    /// Requests arriving per second.
    pub arrivals_rps: Vec<f64>,
    /// Served, and rejected (throttled, dropped or failed), per second.
    pub served_rps: Vec<f64>,
    pub rejected_rps: Vec<f64>,
    /// Cold starts (function environments created, replicas launched) per bucket.
    pub cold_starts: Vec<f64>,
    /// Time-average instances: busy (serving), starting, idle.
    pub busy: Vec<f64>,
    pub starting: Vec<f64>,
    pub idle: Vec<f64>,
    /// Requests in flight and waiting in a queue (time averages).
    pub in_flight: Vec<f64>,
    pub queue: Vec<f64>,
    /// Cumulative cost at the end of selected buckets: (seconds, USD).
    pub cost_usd: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlatformResult {
    pub name: String,
    pub service: String,
    pub kind: &'static str,
    pub total_usd: f64,
    pub cost_per_million_usd: f64,
    pub requests: u64,
    pub served: u64,
    pub throttled: u64,
    pub dropped: u64,
    /// Requests that ran past the platform's execution-time limit.
    pub failed: u64,
    pub cold_starts: u64,
    pub cold_start_rate: f64,
    pub mean_instances: f64,
    pub peak_instances: u64,
    pub mean_busy: f64,
    pub utilization: f64,
    pub latency_ms: LatencySummary,
    /// Why this platform is not good enough (None when it is): the rule of `shortfall`,
    /// judged on this result's own counts.
    pub shortfall: Option<Shortfall>,
    pub bill: Bill,
    #[serde(skip)]
    pub histogram: Histogram,
    #[serde(skip)]
    pub usage: Usage,
    #[serde(skip)]
    pub series: Series,
    pub notes: Vec<String>,
    /// The catalog figures of this platform's bill without a source of their own for its
    /// region and purchase option (status Unverified), as `item (service)`; filled by
    /// `report::sources::mark_unverified` after the run, empty when every figure is sourced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unverified_prices: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TrafficSummary {
    pub mean_rps: f64,
    pub peak_rps: f64,
    pub expected_requests: f64,
    pub monthly_requests: f64,
    pub idle_share: f64,
    pub peak_to_mean: f64,
    #[serde(skip)]
    pub rate_rps: Vec<f64>,
}

impl TrafficSummary {
    pub fn new(p: &RateProfile, bucket_s: f64) -> TrafficSummary {
        let n = (p.horizon_s / bucket_s).ceil().max(1.0) as usize;
        let rate_rps = p.bucket_means(bucket_s, n);
        let expected = p.expected_requests();
        let mean = if p.horizon_s > 0.0 { expected / p.horizon_s } else { 0.0 };
        let peak = p.peak_rps();
        TrafficSummary {
            mean_rps: mean,
            peak_rps: peak,
            expected_requests: expected,
            monthly_requests: mean * crate::model::SECONDS_PER_MONTH,
            idle_share: p.idle_share(),
            peak_to_mean: if mean > 0.0 { peak / mean } else { 0.0 },
            rate_rps,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SimResult {
    pub scenario: String,
    pub mode: Mode,
    pub seed: u64,
    pub horizon_s: f64,
    pub bucket_s: f64,
    pub traffic: TrafficSummary,
    pub platforms: Vec<PlatformResult>,
    /// Placements compared: one per platform for a single workload; for an application,
    /// every "all on one platform" placement and the best one.
    pub placements: Vec<super::app::PlacementResult>,
    /// The cheapest good-enough placement's name (None when none is good enough).
    pub best_placement: Option<String>,
    /// How an application's best placement was searched for.
    pub search: Option<super::app::SearchSummary>,
    /// The managed services the requests call (`calls`): the application's own bills, the
    /// same under every platform and placement, not in the platforms' totals.
    pub services: Vec<crate::billing::Bill>,
    /// Their total.
    pub services_usd: f64,
}

impl SimResult {
    /// Bills the managed services the requests of scenario `s` call (`requests[w]`:
    /// workload `w`'s requests over the horizon).
    pub(super) fn set_services(&mut self, s: &Scenario, requests: &[f64], catalog: &Catalog) -> Result<(), SimError> {
        self.services = super::extras::services_bills(s, requests, catalog, self.horizon_s)?;
        self.services_usd = self.services.iter().map(|b| usd(b.total_usd())).sum();
        Ok(())
    }
    /// The simulated period as it reads everywhere (tables, reports, the verdict, the
    /// GUI): `45 seconds`, `10 minutes`, `1 hour`, `6 hours`, `1 day`, `7.5 days`.
    pub fn period_label(horizon_s: f64) -> String {
        let (n, one, many) = period_parts(horizon_s);
        format!("{n} {}", if n == "1" { one } else { many })
    }

    /// The same period as an adjective: `10-minute`, `1-hour`, `2-day`, `7.5-day` (as in
    /// "for the 2-day period").
    pub fn period_adjective(horizon_s: f64) -> String {
        let (n, one, _) = period_parts(horizon_s);
        format!("{n}-{one}")
    }

    /// This run's period, as `period_label` says it.
    pub fn period(&self) -> String {
        SimResult::period_label(self.horizon_s)
    }

    /// The cheapest platform that is good enough (None when none copes).
    pub fn cheapest(&self) -> Option<&PlatformResult> {
        self.platforms
            .iter()
            .filter(|p| p.shortfall.is_none())
            .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd))
    }
}

/// Lambda's synchronous invocation payload limit (6 MB each way).
pub const SYNC_PAYLOAD_KB: f64 = 6.0 * 1024.0;
/// At most this share of requests may be throttled or dropped.
pub const MAX_REJECTED_SHARE: f64 = 0.005;
/// At most this share of served requests may be slower than the latency objective.
pub const MAX_OVER_SLO_SHARE: f64 = 0.05;

/// The counts the "good enough" rule judges: taken from a finished `PlatformResult` or
/// straight from an engine's `RawRun` (sweeps never build a full result), so both read
/// the same numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Coping {
    pub requests: f64,
    pub throttled: f64,
    pub dropped: f64,
    pub failed: f64,
    /// Share of served requests slower than the objective (None without an objective).
    pub over_slo: Option<f64>,
}

impl Coping {
    pub fn of_result(p: &PlatformResult) -> Coping {
        Coping {
            requests: p.requests as f64,
            throttled: p.throttled as f64,
            dropped: p.dropped as f64,
            failed: p.failed as f64,
            over_slo: p.latency_ms.over_slo,
        }
    }

    pub fn of_raw(raw: &RawRun, s: &Scenario) -> Coping {
        Coping {
            requests: raw.requests,
            throttled: raw.throttled,
            dropped: raw.dropped,
            failed: raw.failed,
            over_slo: s.workload().latency_slo_ms.map(|_| {
                if raw.served.round() > 0.0 {
                    raw.over_slo / raw.served
                } else {
                    0.0
                }
            }),
        }
    }
}

/// Why a platform is not good enough: the first rule it breaks, with the number.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
/// Serialised with the rule's metric key as `rule` (the verdict's reason keys).
#[serde(tag = "rule")]
pub enum Shortfall {
    /// Requests run past the execution-time limit and fail (`share` of requests).
    #[serde(rename = "failed_share")]
    Failed { share: f64 },
    /// Payloads (the larger of request and response, KB) exceed Lambda's synchronous limit.
    #[serde(rename = "payload_kb")]
    Payload { kb: f64 },
    /// More than 0.5 % of requests throttled or dropped (`share` of requests).
    #[serde(rename = "rejected_share")]
    Rejected { share: f64 },
    /// More than 5 % of served requests slower than the objective.
    #[serde(rename = "over_slo_share")]
    OverSlo { share: f64, slo_ms: f64 },
}

impl Shortfall {
    /// Stable key for reports and tests.
    pub fn metric(&self) -> &'static str {
        match self {
            Shortfall::Failed { .. } => "failed_share",
            Shortfall::Payload { .. } => "payload_kb",
            Shortfall::Rejected { .. } => "rejected_share",
            Shortfall::OverSlo { .. } => "over_slo_share",
        }
    }

    /// The number that broke the rule (a share, or kilobytes for payloads).
    pub fn value(&self) -> f64 {
        match *self {
            Shortfall::Failed { share } | Shortfall::Rejected { share } | Shortfall::OverSlo { share, .. } => share,
            Shortfall::Payload { kb } => kb,
        }
    }

    /// What the platform does wrong, as words that follow its name: "serves only 20 % of
    /// requests".
    pub fn phrase(&self) -> String {
        match *self {
            Shortfall::Failed { share } => {
                format!("fails {} % of requests past its execution-time limit", share_pct(share))
            }
            Shortfall::Payload { kb } => {
                format!("cannot take {kb:.0} KB payloads (Lambda's synchronous limit is 6 MB)")
            }
            Shortfall::Rejected { share } => format!("serves only {} % of requests", share_pct(1.0 - share)),
            Shortfall::OverSlo { share, slo_ms } => format!(
                "is slower than the {slo_ms:.0} ms objective for {} % of requests",
                share_pct(share)
            ),
        }
    }
}

/// A percentage with enough digits that a share near a limit does not read as the limit.
fn share_pct(share: f64) -> String {
    let v = (share * 100.0).clamp(0.0, 100.0);
    // a share that rounds to 0.0 or 100.0 but is not: say which side of it
    if v > 0.0 && v < 0.05 {
        "under 0.1".to_string()
    } else if v > 99.95 && v < 100.0 {
        "over 99.9".to_string()
    } else if !(10.0..99.0).contains(&v) {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// The "good enough" rule, the one place it is written: no request past the
/// execution-time limit, no payload over Lambda's synchronous limit behind a front door,
/// at most 0.5 % throttled or dropped, at most 5 % over the latency objective. `None`
/// when the platform copes.
pub fn shortfall(spec: &Spec, c: &Coping, s: &Scenario) -> Option<Shortfall> {
    shortfall_for(spec, c, s.workload())
}

/// The rule for the requests of one workload `w` (an application judges each of its
/// workloads by it).
pub fn shortfall_for(spec: &Spec, c: &Coping, w: &crate::model::Workload) -> Option<Shortfall> {
    let requests = c.requests.max(1.0);
    // counts are rounded in results: a fraction of an expected failure is not one
    if c.failed >= 0.5 {
        return Some(Shortfall::Failed {
            share: c.failed / requests,
        });
    }
    if let Spec::Function(f) = spec
        && f.service_id == "aws-lambda"
        && f.front_door != crate::model::FrontDoor::None
        && (w.request_kb > SYNC_PAYLOAD_KB || w.response_kb > SYNC_PAYLOAD_KB)
    {
        return Some(Shortfall::Payload {
            kb: w.request_kb.max(w.response_kb),
        });
    }
    let rejected = (c.throttled + c.dropped) / requests;
    if rejected > MAX_REJECTED_SHARE {
        return Some(Shortfall::Rejected { share: rejected });
    }
    if let (Some(over), Some(slo_ms)) = (c.over_slo, w.latency_slo_ms)
        && over > MAX_OVER_SLO_SHARE
    {
        return Some(Shortfall::OverSlo { share: over, slo_ms });
    }
    None
}

/// One platform's total in the fast totals: the bill and whether it copes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Total {
    pub cost_usd: f64,
    /// The compute lines alone (functions, replicas, instances, requests, front doors):
    /// what the bill would be without the rest (network, logs, storage).
    #[serde(skip)]
    pub compute_usd: f64,
    /// Why it is not good enough (None when it is).
    pub shortfall: Option<Shortfall>,
}

impl Total {
    pub fn good_enough(&self) -> bool {
        self.shortfall.is_none()
    }
}

fn usd(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

#[allow(clippy::too_many_arguments)] // one call site per purpose; a struct would only rename them
fn bill_for(
    spec: &Spec,
    acc_tot: &[f64; meter::NF],
    hourly: &[f64],
    mean_latency_s: f64,
    s: &Scenario,
    horizon: f64,
    period_s: f64,
    catalog: &Catalog,
    extras: &ExtrasUse,
    ledger: &mut crate::billing::FreeLedger,
    hour_weights: &[f64],
) -> Result<(Bill, Usage), SimError> {
    let mut usage = meter::platform_usage(spec, acc_tot, horizon, catalog)?;
    let (commitment, purchase, billing) = match spec {
        Spec::Function(f) => (
            f.commitment_per_hour,
            f.purchase,
            crate::model::ContainerBilling::RequestBased,
        ),
        Spec::Fleet(f) => (
            f.commitment_per_hour,
            f.purchase,
            match f.metering {
                super::spec::FleetMetering::CloudRun(b) => b,
                _ => crate::model::ContainerBilling::RequestBased,
            },
        ),
    };
    // a commitment sized in dollars an hour: price on demand, then bill it hour by hour
    if commitment.is_some() {
        on_demand(&mut usage);
    }
    let (service_id, region, fd, free, is_fn) = match spec {
        Spec::Function(f) => (&f.service_id, f.region.as_deref(), f.front_door, f.free_tier, true),
        Spec::Fleet(f) => (&f.service_id, f.region.as_deref(), f.front_door, f.free_tier, false),
    };
    // the ALB's LCU sizes are the load balancer's of the platform's region
    let alb = match catalog.get_in("aws-alb", region) {
        Some(crate::pricing::Service::AwsAlb(a)) => Some(a),
        _ => None,
    };
    let front = meter::front_door_usage(fd, is_fn, hourly, horizon, s.workload(), mean_latency_s, alb)?;
    // Free allowances and tiers are prorated over the whole billing period, also when
    // billing a prefix of it: the allowance is consumed first, so cost accrued to any time
    // never falls and ends at the bill's total.
    let opts = BillOptions::new(free, period_s / 86_400.0);
    let mut bill = meter::price(catalog, service_id, region, &usage, front.as_ref(), &opts)?;
    if let Some(per_hour) = commitment
        && let Some(service) = catalog.get_in(service_id, region)
        && let Some(terms) = crate::billing::commitment::terms(service, purchase, billing)
    {
        crate::billing::commitment::apply(&mut bill.lines, &terms, crate::billing::dec(per_hour), hour_weights);
    }
    // a region of a price group (Google's tiers) is billed at another's prices, under its own name
    if let Some(r) = region {
        bill.region = r.to_string();
    }
    for b in super::extras::extra_lines(spec, s, extras, catalog, &opts, ledger)? {
        bill.lines.extend(b.lines);
    }
    negotiated(&mut bill, service_id, s);
    Ok((bill, usage))
}

/// A negotiated discount of the platform's provider, off its whole bill (after the
/// catalog's commitments and Spot): a negative line per category of the bill, so each
/// category shows what it costs after the discount (one line booked against compute
/// made the compute category negative on a bill mostly network and logs).
fn negotiated(bill: &mut Bill, service_id: &str, s: &Scenario) {
    let provider = service_id.split('-').next().unwrap_or("");
    let Some(d) = s.discounts.iter().find(|d| d.provider == provider) else {
        return;
    };
    if !(d.discount_pct.is_finite() && d.discount_pct > 0.0) {
        return;
    }
    let pct = crate::billing::dec(d.discount_pct.min(100.0));
    let rate = pct / Decimal::from(100);
    for (category, total) in bill.by_category() {
        if total <= Decimal::ZERO {
            continue;
        }
        bill.lines.push(crate::billing::BillLine {
            item: "Negotiated discount".into(),
            quantity: total,
            unit: "USD".into(),
            unit_price_usd: -rate,
            amount_usd: -crate::billing::cents(total * rate),
            note: format!(
                "{}% off this bill's {} (a negotiated discount on {provider}), after commitments and Spot",
                pct.normalize(),
                category.label()
            ),
            category,
        });
    }
}

/// The hour weights of a platform under a commitment (empty otherwise: nothing to spread).
fn commitment_weights(spec: &Spec, raw: &RawRun, horizon: f64) -> Vec<f64> {
    let committed = match spec {
        Spec::Function(f) => f.commitment_per_hour.is_some(),
        Spec::Fleet(f) => f.commitment_per_hour.is_some(),
    };
    if committed {
        hour_weights(spec, raw, horizon)
    } else {
        Vec::new()
    }
}

/// Usage billed at on-demand rates (a commitment is then billed on top, hour by hour).
fn on_demand(u: &mut Usage) {
    use crate::model::Purchase::OnDemand;
    match u {
        Usage::Lambda(l) => l.purchase = OnDemand,
        Usage::Fargate(f) => f.purchase = OnDemand,
        Usage::Ec2(e) => e.purchase = OnDemand,
        Usage::CloudRun(c) => c.purchase = OnDemand,
        Usage::AzureContainerApps(a) => a.purchase = OnDemand,
        _ => {}
    }
}

/// How a platform's covered usage spreads over the hours of the run: its live replicas
/// (fleets) or busy environments (functions) per hour, from the display buckets (a bucket
/// longer than an hour spreads evenly over its hours).
pub(crate) fn hour_weights(spec: &Spec, raw: &RawRun, horizon: f64) -> Vec<f64> {
    let k = match spec {
        Spec::Function(_) => super::run::BUSY,
        Spec::Fleet(_) => super::run::LIVE,
    };
    let hours = (horizon / 3600.0).ceil().max(1.0) as usize;
    let mut w = vec![0.0; hours];
    let bs = raw.areas.bucket_s.max(1.0);
    for (i, b) in raw.areas.buckets.iter().enumerate() {
        let (t0, t1) = (i as f64 * bs, ((i + 1) as f64 * bs).min(horizon.max(bs)));
        let area = b[k];
        if !(area.is_finite() && area > 0.0) || t1 <= t0 {
            continue;
        }
        let mut t = t0;
        while t < t1 {
            let h = (t / 3600.0) as usize;
            let end = (((h + 1) as f64) * 3600.0).min(t1);
            if let Some(x) = w.get_mut(h) {
                *x += area * (end - t) / (t1 - t0);
            }
            t = end;
        }
    }
    w
}

/// Just the total bill of a run and whether the platform copes (sweeps, the map, Monte
/// Carlo): judged by the same rule as the verdict, so no analysis calls a platform cheap
/// where the verdict would rule it out.
pub(super) fn total_only(
    spec: &Spec,
    raw: &RawRun,
    s: &Scenario,
    horizon: f64,
    catalog: &Catalog,
) -> Result<Total, SimError> {
    let bill = bill_only(spec, raw, s, horizon, catalog)?;
    Ok(Total {
        cost_usd: usd(bill.total_usd()),
        compute_usd: usd(bill.category_usd(crate::billing::Category::Compute)),
        shortfall: shortfall(spec, &Coping::of_raw(raw, s), s),
    })
}

/// The bill of a run over the whole horizon (no cost series).
pub(super) fn bill_only(
    spec: &Spec,
    raw: &RawRun,
    s: &Scenario,
    horizon: f64,
    catalog: &Catalog,
) -> Result<Bill, SimError> {
    let tot = raw.acc.totals();
    let (bill, _) = bill_for(
        spec,
        &tot,
        &raw.hourly_arrivals,
        raw.hist.mean() / 1000.0,
        s,
        horizon,
        horizon,
        catalog,
        &ExtrasUse::of_run(raw, spec, s, usize::MAX, usize::MAX),
        &mut crate::billing::FreeLedger::new(),
        &commitment_weights(spec, raw, horizon),
    )?;
    Ok(bill)
}

pub(super) fn finish(
    spec: &Spec,
    raw: RawRun,
    s: &Scenario,
    horizon: f64,
    catalog: &Catalog,
) -> Result<PlatformResult, SimError> {
    finish_with(spec, raw, s, horizon, catalog, &mut crate::billing::FreeLedger::new())
}

/// As `finish`, the free allowances shared with the bills already priced through
/// `ledger` (the other platforms of an application's placement: one account).
pub(super) fn finish_with(
    spec: &Spec,
    raw: RawRun,
    s: &Scenario,
    horizon: f64,
    catalog: &Catalog,
    ledger: &mut crate::billing::FreeLedger,
) -> Result<PlatformResult, SimError> {
    let before = ledger.clone();
    let weights = commitment_weights(spec, &raw, horizon);
    let mean_latency_s = raw.hist.mean() / 1000.0;
    let tot = raw.acc.totals();
    let (bill, usage) = bill_for(
        spec,
        &tot,
        &raw.hourly_arrivals,
        mean_latency_s,
        s,
        horizon,
        horizon,
        catalog,
        &ExtrasUse::of_run(&raw, spec, s, usize::MAX, usize::MAX),
        ledger,
        &weights,
    )?;
    let total = usd(bill.total_usd());

    // cumulative cost at up to 30 checkpoints (daily over a month)
    let nb = raw.acc.buckets.len();
    let every = nb.div_ceil(30).max(1);
    let mut cost = vec![(0.0, 0.0)];
    let hours_per_bucket = raw.acc.bucket_s / 3600.0;
    let mut k = every;
    while k <= nb {
        let pre = raw.acc.prefix(k);
        let h_upto = ((k as f64 * hours_per_bucket).ceil() as usize).min(raw.hourly_arrivals.len());
        let t = (k as f64 * raw.acc.bucket_s).min(horizon);
        let (b, _) = bill_for(
            spec,
            &pre,
            &raw.hourly_arrivals[..h_upto],
            mean_latency_s,
            s,
            t.max(1.0),
            horizon,
            catalog,
            &ExtrasUse::of_run(&raw, spec, s, k, h_upto),
            &mut before.clone(),
            &weights[..h_upto.clamp(weights.len().min(1), weights.len())],
        )
        .map(|x| (x.0, ()))?;
        cost.push((t, usd(b.total_usd())));
        if k == nb {
            break;
        }
        k = (k + every).min(nb);
    }

    let bs = raw.areas.bucket_s;
    let n = raw.areas.buckets.len();
    let mut series = Series {
        bucket_s: bs,
        cost_usd: cost,
        ..Default::default()
    };
    for b in 0..n {
        let len = ((b + 1) as f64 * bs).min(horizon) - b as f64 * bs;
        let len = len.max(1e-9);
        let a = raw.areas.buckets[b];
        let c = raw.counts[b];
        series.arrivals_rps.push(c[C_ARRIVALS] / len);
        series.served_rps.push(c[C_SERVED] / len);
        series.rejected_rps.push(c[C_REJECTED] / len);
        series.cold_starts.push(c[C_COLD]);
        let starting = a[STARTING] / len;
        let busy = (a[BUSY] / len
            - if matches!(spec, Spec::Function(_)) {
                starting
            } else {
                0.0
            })
        .max(0.0);
        let live = a[LIVE] / len;
        series.busy.push(busy);
        series.starting.push(starting);
        series.idle.push((live - busy - starting).max(0.0));
        series.in_flight.push(a[IN_FLIGHT] / len);
        series.queue.push(a[QUEUE] / len);
    }

    let mean_instances = raw.areas.total(LIVE) / horizon.max(1e-9);
    let mean_busy = raw.areas.total(BUSY) / horizon.max(1e-9);
    let in_flight = raw.areas.total(IN_FLIGHT) / horizon.max(1e-9);
    let slots = match spec {
        Spec::Function(f) => f.per_env as f64,
        Spec::Fleet(f) => f.slots as f64,
    };
    let utilization = if mean_instances > 0.0 {
        (in_flight / (mean_instances * slots)).min(1.0)
    } else {
        0.0
    };
    let served = raw.served.round().max(0.0);
    let mut notes = raw.notes.clone();
    limits_notes(spec, &raw, &mut notes);
    let (name, service, kind) = match spec {
        Spec::Function(f) => (f.name.clone(), f.service_id.clone(), "function"),
        Spec::Fleet(f) => (
            f.name.clone(),
            f.service_id.clone(),
            if f.is_vm { "vm" } else { "container" },
        ),
    };
    let requests = raw.requests.round().max(0.0);
    let mut result = PlatformResult {
        name,
        service,
        kind,
        total_usd: total,
        cost_per_million_usd: if requests > 0.0 { total / requests * 1e6 } else { 0.0 },
        requests: requests as u64,
        served: served as u64,
        throttled: raw.throttled.round().max(0.0) as u64,
        dropped: raw.dropped.round().max(0.0) as u64,
        failed: raw.failed.round().max(0.0) as u64,
        cold_starts: raw.cold_starts.round().max(0.0) as u64,
        cold_start_rate: cold_start_rate(raw.cold_starts, served),
        mean_instances,
        peak_instances: raw.peak_instances.ceil().max(0.0) as u64,
        mean_busy,
        utilization,
        latency_ms: LatencySummary {
            p50: raw.hist.quantile(0.5),
            p95: raw.hist.quantile(0.95),
            p99: raw.hist.quantile(0.99),
            mean: raw.hist.mean(),
            over_slo: s
                .workload()
                .latency_slo_ms
                .map(|_| if served > 0.0 { raw.over_slo / raw.served } else { 0.0 }),
        },
        shortfall: None,
        bill,
        histogram: raw.hist,
        usage,
        series,
        notes,
        unverified_prices: s
            .platforms
            .get(spec.index())
            .map(|p| crate::report::sources::unverified_figures(p, catalog))
            .unwrap_or_default(),
    };
    result.shortfall = shortfall(spec, &Coping::of_result(&result), s);
    Ok(result)
}

/// The share of served requests that met a cold start, in [0, 1]. An environment can start
/// for a request that is never served (rejected, or still running at the horizon's end)
/// and the fast mode's expectations can put a few more cold starts than completions in a
/// short run: counting those would read as a rate above 100 %. Nothing served is 0.
pub fn cold_start_rate(cold_starts: f64, served: f64) -> f64 {
    if served > 0.0 && cold_starts > 0.0 {
        (cold_starts / served).min(1.0)
    } else {
        0.0
    }
}

/// The period's number (one decimal at most) and its unit, singular and plural: the
/// largest unit of which the period is at least one.
fn period_parts(horizon_s: f64) -> (String, &'static str, &'static str) {
    let h = if horizon_s.is_finite() { horizon_s.max(0.0) } else { 0.0 };
    let (n, one, many) = if h < 60.0 {
        (h, "second", "seconds")
    } else if h < 3600.0 {
        (h / 60.0, "minute", "minutes")
    } else if h < 86_400.0 {
        (h / 3600.0, "hour", "hours")
    } else {
        (h / 86_400.0, "day", "days")
    };
    let r = format!("{n:.1}");
    let r = r.strip_suffix(".0").map(str::to_string).unwrap_or(r);
    (r, one, many)
}

/// `1 request`, `12 requests`: a rounded count with its noun in the right number.
fn counted(n: f64, one: &str, many: &str) -> String {
    let r = n.round();
    format!("{r:.0} {}", if r == 1.0 { one } else { many })
}

fn limits_notes(spec: &Spec, raw: &RawRun, notes: &mut Vec<String>) {
    if raw.throttled >= 0.5 {
        notes.push(format!(
            "{} throttled ({:.3} % of arrivals): concurrency limit or scaling rate reached",
            counted(raw.throttled, "request", "requests"),
            100.0 * raw.throttled / raw.requests.max(1.0)
        ));
    }
    if raw.dropped >= 0.5 {
        notes.push(format!(
            "{} dropped ({:.3} %) after waiting longer than the queue timeout",
            counted(raw.dropped, "request", "requests"),
            100.0 * raw.dropped / raw.requests.max(1.0)
        ));
    }
    if raw.failed >= 0.5 {
        let limit = match spec {
            Spec::Function(f) => format!("{:.0} s", f.max_duration_ms / 1000.0),
            Spec::Fleet(_) => "the limit".into(),
        };
        notes.push(format!(
            "{} past the {limit} execution-time limit and failed",
            if raw.failed.round() == 1.0 {
                "1 request ran".to_string()
            } else {
                format!("{:.0} requests ran", raw.failed)
            }
        ));
    }
    if let Spec::Fleet(f) = spec
        && raw.peak_instances >= f.max as f64
        && f.max > f.min
    {
        notes.push(format!("scaled to its maximum of {} replicas", f.max));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule's limits are inclusive: 0.5 % rejected and 5 % over the objective still
    /// cope; half an expected failure (a result rounds it to one) does not.
    #[test]
    fn the_rule_holds_at_its_limits_and_breaks_just_past_them() {
        let cat = Catalog::builtin().unwrap();
        let mut s = crate::model::default_scenario(&cat).unwrap();
        let specs = super::super::spec::resolve(&s, &cat).unwrap();
        let lambda = &specs[0]; // aws-lambda behind API Gateway
        let c = |throttled: f64, dropped: f64, failed: f64, over: f64| Coping {
            requests: 10_000.0,
            throttled,
            dropped,
            failed,
            over_slo: Some(over),
        };
        assert_eq!(shortfall(lambda, &c(25.0, 25.0, 0.4, 0.05), &s), None);
        assert_eq!(
            shortfall(lambda, &c(26.0, 25.0, 0.0, 0.0), &s),
            Some(Shortfall::Rejected { share: 0.0051 })
        );
        assert_eq!(
            shortfall(lambda, &c(0.0, 0.0, 0.5, 0.0), &s),
            Some(Shortfall::Failed { share: 0.00005 })
        );
        let slo_ms = s.workload().latency_slo_ms.unwrap();
        assert_eq!(
            shortfall(lambda, &c(0.0, 0.0, 0.0, 0.0501), &s),
            Some(Shortfall::OverSlo { share: 0.0501, slo_ms })
        );
        // failures come first, then payloads, then rejections
        assert!(matches!(
            shortfall(lambda, &c(5000.0, 0.0, 1.0, 0.9), &s),
            Some(Shortfall::Failed { .. })
        ));
        s.workload_mut().response_kb = 7000.0;
        assert_eq!(
            shortfall(lambda, &c(5000.0, 0.0, 0.0, 0.9), &s),
            Some(Shortfall::Payload { kb: 7000.0 })
        );
        assert_eq!(
            Shortfall::Rejected { share: 0.8 }.phrase(),
            "serves only 20 % of requests"
        );
        assert_eq!(
            Shortfall::Rejected { share: 0.006 }.phrase(),
            "serves only 99.4 % of requests"
        );
        assert_eq!(
            Shortfall::Rejected { share: 0.99999 }.phrase(),
            "serves only under 0.1 % of requests"
        );
        assert_eq!(
            Shortfall::Failed { share: 0.00002 }.phrase(),
            "fails under 0.1 % of requests past its execution-time limit"
        );
        assert_eq!(
            Shortfall::OverSlo {
                share: 0.062,
                slo_ms: 500.0
            }
            .phrase(),
            "is slower than the 500 ms objective for 6.2 % of requests"
        );
    }

    #[test]
    fn periods_read_in_their_own_unit() {
        let l = SimResult::period_label;
        assert_eq!(l(45.0), "45 seconds");
        assert_eq!(l(1.0), "1 second");
        assert_eq!(l(300.0), "5 minutes");
        assert_eq!(l(600.0), "10 minutes");
        assert_eq!(l(60.0), "1 minute");
        assert_eq!(l(3600.0), "1 hour");
        assert_eq!(l(6.0 * 3600.0), "6 hours");
        assert_eq!(l(86_400.0), "1 day");
        assert_eq!(l(7.5 * 86_400.0), "7.5 days");
        assert_eq!(l(30.0 * 86_400.0), "30 days");
        assert_eq!(l(f64::NAN), "0 seconds");
        let a = SimResult::period_adjective;
        assert_eq!(a(300.0), "5-minute");
        assert_eq!(a(3600.0), "1-hour");
        assert_eq!(a(2.0 * 86_400.0), "2-day");
        assert_eq!(a(7.5 * 86_400.0), "7.5-day");
    }

    #[test]
    fn cold_start_rate_is_a_share() {
        assert_eq!(cold_start_rate(5.0, 1000.0), 0.005);
        // more environments started than requests finished (short horizon, fluid math)
        assert_eq!(cold_start_rate(3.0, 2.0), 1.0);
        assert_eq!(cold_start_rate(1.0, 0.0), 0.0);
        assert_eq!(cold_start_rate(0.0, 0.0), 0.0);
        assert_eq!(cold_start_rate(f64::NAN, 10.0), 0.0);
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(1.0, "request", "requests"), "1 request");
        assert_eq!(counted(0.6, "request", "requests"), "1 request");
        assert_eq!(counted(2.0, "request", "requests"), "2 requests");
        assert_eq!(counted(0.0, "request", "requests"), "0 requests");
    }
}
