//! The rest of a platform's bill, from what its run did: internet egress of the responses
//! it served, the logs its requests wrote, NAT gateways and public IPv4 addresses from its
//! `network`, VM root volumes, and the surplus CPU credits of burstable instances from the
//! run's CPU use. Each becomes lines of the platform's own bill, in their category, so
//! totals, sweeps, the map and reports all include them (egress and logs grow with
//! traffic; NAT hours do not). Managed-service calls are the application's own bill, the
//! same under every platform (`services_bills`).
//!
//! Quantities come from the run's totals and its prefixes (the cost over time), so the
//! same function bills the horizon and any stretch of it.

use super::run::{IN_FLIGHT, LIVE, RawRun};
use super::spec::Spec;
use crate::billing::burst::{CpuStretch, CreditBalance, credits_entry, surplus_credits};
use crate::billing::network::{egress_id_for, internet_egress, kb_to_billed_gb, nat_gateway, public_ipv4};
use crate::billing::services::{ServiceCall, calls_bills};
use crate::billing::{Bill, BillOptions, BillingError, Category, FreeLedger, dec, logs::log_ingestion};
use crate::model::{Platform, Scenario};
use crate::pricing::Catalog;
use rust_decimal::Decimal;

/// EC2 root volume when a Vm entry gives none (the default size of Amazon Linux AMIs).
pub const DEFAULT_ROOT_VOLUME_GB: f64 = 8.0;

/// What a run (or a stretch of it from its start) did, as the rest of the bill reads it.
#[derive(Clone, Debug, Default)]
pub struct ExtrasUse {
    /// Requests that arrived from outside (the front door's count) and all requests.
    pub outside: f64,
    pub requests: f64,
    pub served: f64,
    /// Replica (task, instance) seconds; 0 for functions.
    pub replica_s: f64,
    /// Seconds billed (the horizon, or the stretch).
    pub elapsed_s: f64,
    /// CPU use of one instance of a VM fleet, stretch by stretch: (hours, utilization)
    /// (burstable credits; kept as floats until a burstable size reads them, since most
    /// instances are not and the search bills thousands of runs).
    pub cpu: Vec<(f64, f64)>,
    /// Mean instances over the stretches of `cpu`.
    pub mean_instances: f64,
}

impl ExtrasUse {
    /// From a run's first `upto` buckets (all of them: `usize::MAX`) and the outside
    /// arrivals of its first `hours` hours.
    pub fn of_run(raw: &RawRun, spec: &Spec, s: &Scenario, upto: usize, hours: usize) -> ExtrasUse {
        let nb = raw.acc.buckets.len().min(upto);
        let elapsed_s = (nb as f64 * raw.acc.bucket_s).min(raw.areas.bucket_s * raw.areas.buckets.len() as f64);
        let served: f64 = raw.counts.iter().take(nb).map(|c| c[super::run::C_SERVED]).sum();
        let requests: f64 = raw.counts.iter().take(nb).map(|c| c[super::run::C_ARRIVALS]).sum();
        let outside: f64 = raw.hourly_arrivals.iter().take(hours).sum();
        let replica_s: f64 = raw
            .acc
            .buckets
            .iter()
            .take(nb)
            .map(|b| b[super::meter::REPLICA_S])
            .sum();
        let mut u = ExtrasUse {
            outside,
            requests,
            served,
            replica_s,
            elapsed_s,
            ..ExtrasUse::default()
        };
        if let Spec::Fleet(f) = spec
            && f.is_vm
            && f.vcpu > 0.0
        {
            let cpu_fraction = s.workload().cpu_fraction.clamp(0.0, 1.0);
            let (mut live_s, mut span) = (0.0, 0.0);
            for (b, a) in raw.areas.buckets.iter().take(nb).enumerate() {
                let len = (raw.areas.bucket_s)
                    .min(elapsed_s - b as f64 * raw.areas.bucket_s)
                    .max(0.0);
                if len <= 0.0 {
                    continue;
                }
                let live = a[LIVE] / len;
                let util = if live > 0.0 {
                    (a[IN_FLIGHT] / len * cpu_fraction / (live * f.vcpu)).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                live_s += a[LIVE];
                span += len;
                u.cpu.push((len / 3600.0, util));
            }
            u.mean_instances = if span > 0.0 { live_s / span } else { 0.0 };
        }
        u
    }
}

/// The extra lines of `spec`'s bill (`s`: the scenario, or for an application the view of
/// the workloads the platform hosts). Empty when nothing applies: no responses, no logs,
/// no network, a function or container (no root volume), a non-burstable instance.
/// `ledger`: the free allowances already used by the other platforms of the same account
/// (an application's placement bills all its platforms through one; a fresh ledger gives
/// this bill the whole allowance).
pub fn extra_lines(
    spec: &Spec,
    s: &Scenario,
    u: &ExtrasUse,
    catalog: &Catalog,
    opts: &BillOptions,
    ledger: &mut FreeLedger,
) -> Result<Vec<Bill>, BillingError> {
    let (service_id, index) = match spec {
        Spec::Function(f) => (f.service_id.as_str(), f.index),
        Spec::Fleet(f) => (f.service_id.as_str(), f.index),
    };
    let w = s.workload();
    let platform = s.platforms.get(index);
    let network = platform.and_then(|p| p.network()).unwrap_or_default();
    // a Vm entry has no free-tier switch (EC2's own free tier is not modelled), but the
    // account's always-free allowances (egress, logs) apply to it as to every platform
    let vm_opts;
    let opts = match spec {
        Spec::Fleet(f) if f.is_vm => {
            vm_opts = BillOptions {
                free_tier: true,
                period_days: opts.period_days,
            };
            &vm_opts
        }
        _ => opts,
    };
    let mut bills = Vec::new();
    let served_share = if u.requests > 0.0 {
        (u.served / u.requests).clamp(0.0, 1.0)
    } else {
        0.0
    };
    // responses to outside requests leave for the internet (`egress_share` of them)
    let egress_kb = u.outside * served_share * w.response_kb * s.egress_share;
    let egress_gb = kb_to_billed_gb(service_id, dec(egress_kb)).round_dp(6);
    if egress_kb > 0.0
        && let Some(id) = egress_id_for(service_id)
        && catalog.metered(id).is_some()
    {
        bills.push(internet_egress(catalog, id, egress_gb, opts, ledger)?.in_category(Category::Network));
    }
    let log_kb = u.served * w.log_kb;
    if log_kb > 0.0
        && let Some(b) = log_ingestion(
            catalog,
            service_id,
            kb_to_billed_gb(service_id, dec(log_kb)).round_dp(6),
            opts,
            ledger,
        )?
    {
        bills.push(b.in_category(Category::Logs));
    }
    if network.vpc && network.nat_gateways > 0 {
        let hours = dec(network.nat_gateways as f64 * u.elapsed_s / 3600.0).round_dp(6);
        bills.push(nat_gateway(catalog, hours, egress_gb, opts)?.in_category(Category::Network));
    }
    if network.public_ipv4 && u.replica_s > 0.0 {
        bills.push(public_ipv4(catalog, dec(u.replica_s / 3600.0).round_dp(6), opts)?.in_category(Category::Network));
    }
    if let (Spec::Fleet(f), Some(Platform::Vm(vm))) = (spec, platform)
        && f.is_vm
        && u.replica_s > 0.0
    {
        let gb = vm.root_volume_gb.unwrap_or(DEFAULT_ROOT_VOLUME_GB);
        if gb > 0.0 {
            bills.push(
                crate::billing::storage::root_volumes(catalog, dec(gb), u.replica_s.round() as u64, 1)?
                    .in_category(Category::Storage),
            );
        }
        if let Ok(credits) = credits_entry(catalog)
            && let Some(size) = credits.size(&f.instance)
            && !u.cpu.is_empty()
        {
            // (the stretches are display buckets, all but the last as long as the others:
            // their length is converted once)
            let mut last: Option<(u64, Decimal)> = None;
            let cpu: Vec<CpuStretch> = u
                .cpu
                .iter()
                .map(|&(h, util)| {
                    let hours = match last {
                        Some((bits, d)) if bits == h.to_bits() => d,
                        _ => {
                            let d = dec(h);
                            last = Some((h.to_bits(), d));
                            d
                        }
                    };
                    CpuStretch {
                        hours,
                        utilization: dec(util),
                    }
                })
                .collect();
            let total_h: Decimal = cpu.iter().map(|c| c.hours).sum();
            let mean_u = if total_h > Decimal::ZERO {
                cpu.iter().map(|c| c.hours * c.utilization).sum::<Decimal>() / total_h
            } else {
                Decimal::ZERO
            };
            let o = surplus_credits(size, CreditBalance::steady(size, mean_u), &cpu, false);
            let charged = o.charged * dec(u.mean_instances);
            if charged > Decimal::ZERO {
                let note = format!(
                    "{} surplus credits per instance, {:.1} instances on average, from the simulated CPU use (mean {:.0} % of the vCPUs)",
                    o.charged.round_dp(1),
                    u.mean_instances,
                    (mean_u * Decimal::from(100)).round_dp(0)
                );
                bills.push(
                    crate::billing::burst::surplus_bill(credits, &f.instance, charged, &note)?
                        .in_category(Category::Compute),
                );
            }
        }
    }
    Ok(bills)
}

/// The managed services the application's requests call (`calls`), one bill per service:
/// the same under every platform and placement (a platform that is good enough serves all
/// but a sliver of the requests), so it is the application's own bill, shown beside the
/// platforms' so the total is the whole bill. `requests[w]`: workload `w`'s requests over
/// the horizon.
pub fn services_bills(
    s: &Scenario,
    requests: &[f64],
    catalog: &Catalog,
    horizon_s: f64,
) -> Result<Vec<Bill>, BillingError> {
    let mut calls: Vec<ServiceCall> = Vec::new();
    for (w, n) in s.workloads.iter().zip(requests) {
        for c in &w.request.calls {
            let count = dec(n * c.per_request).round_dp(0);
            if count <= Decimal::ZERO {
                continue;
            }
            match calls
                .iter_mut()
                .find(|x| x.service == c.service && x.operation.eq_ignore_ascii_case(&c.operation))
            {
                Some(x) => x.count += count,
                None => calls.push(ServiceCall {
                    service: c.service.clone(),
                    operation: c.operation.clone(),
                    count,
                    payload_kb: Some(w.request.request_kb).filter(|kb| *kb > 0.0),
                }),
            }
        }
    }
    if calls.is_empty() {
        return Ok(Vec::new());
    }
    let opts = BillOptions::new(true, horizon_s / 86_400.0);
    let bills = calls_bills(catalog, &calls, &opts, &mut FreeLedger::new())?;
    Ok(bills.into_iter().map(|b| b.in_category(Category::Services)).collect())
}
