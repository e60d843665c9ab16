//! AWS billing rules: Lambda, API Gateway, ALB, Fargate, EC2.

use super::{BillLine, BillOptions, BillingError, dec, join_notes, line, line_after_free, priced, tiered_lines};
use crate::pricing::{Arch, AwsAlb, AwsApiGatewayHttp, AwsApiGatewayRest, AwsEc2, AwsFargate, AwsLambda, Discount};
use rust_decimal::Decimal;

/// Lambda usage over the period. Durations are already rounded up to 1 ms per request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LambdaUsage {
    pub arch: Arch,
    pub memory_mb: u32,
    /// Requests served by on-demand environments.
    pub on_demand_requests: u64,
    /// Requests served by provisioned-concurrency environments.
    pub provisioned_requests: u64,
    /// Billed duration of on-demand requests, including billed INIT time.
    pub on_demand_billed_ms: u64,
    /// The INIT part of `on_demand_billed_ms` (for the bill's note only).
    pub init_billed_ms: u64,
    /// Billed duration of requests served by provisioned environments.
    pub provisioned_billed_ms: u64,
    /// Provisioned concurrency configured...
    pub provisioned_concurrency: u32,
    /// ...and how long it was enabled (rounded up to 5 minutes when billed).
    pub provisioned_enabled_s: u64,
    pub ephemeral_mb: u32,
    /// A Compute Savings Plan discounts duration and provisioned concurrency, not requests.
    pub purchase: crate::model::Purchase,
}

const MB_PER_GB: i64 = 1024;

fn gb_seconds(ms: Decimal, memory_mb: u32) -> Decimal {
    ms * Decimal::from(memory_mb) / Decimal::from(MB_PER_GB) / Decimal::from(1000)
}

pub(super) fn lambda(p: &AwsLambda, u: &LambdaUsage, opts: &BillOptions) -> Vec<BillLine> {
    let mut out = Vec::new();
    let arch = u.arch.label();
    // Requests: the free allowance covers on-demand requests only; requests served by
    // provisioned environments are billed in full (the page's PC examples 1 and 2).
    // added as decimals: two u64 counts may sum past u64
    let total = Decimal::from(u.on_demand_requests) + Decimal::from(u.provisioned_requests);
    let free_req = opts
        .allowance(&p.free_requests)
        .min(Decimal::from(u.on_demand_requests));
    out.push(line_after_free("Requests", total, free_req, &p.requests, ""));

    let od_gb_s = gb_seconds(Decimal::from(u.on_demand_billed_ms), u.memory_mb);
    let (tiers, pc, pc_dur) = match u.arch {
        Arch::X86_64 => (
            &p.duration_x86_64,
            &p.provisioned_x86_64,
            &p.provisioned_duration_x86_64,
        ),
        Arch::Arm64 => (&p.duration_arm64, &p.provisioned_arm64, &p.provisioned_duration_arm64),
    };
    let init_note = if u.init_billed_ms > 0 {
        format!(
            "{arch}, {} MB; includes {} s of billed INIT (cold starts)",
            u.memory_mb,
            super::group(Decimal::from(u.init_billed_ms) / Decimal::from(1000))
        )
    } else {
        format!("{arch}, {} MB", u.memory_mb)
    };
    if u.on_demand_requests > 0 || u.on_demand_billed_ms > 0 || u.provisioned_concurrency == 0 {
        out.extend(tiered_lines(
            "Duration",
            od_gb_s,
            opts.allowance(&p.free_compute),
            tiers,
            opts,
            &init_note,
        ));
    }
    if u.provisioned_concurrency > 0 {
        let step = p.provisioned_rounding_s.max(1);
        let enabled_s = Decimal::from(u.provisioned_enabled_s.div_ceil(step)) * Decimal::from(step);
        let pc_gb_s = Decimal::from(u.provisioned_concurrency) * Decimal::from(u.memory_mb) / Decimal::from(MB_PER_GB)
            * enabled_s;
        out.push(line(
            "Provisioned concurrency",
            pc_gb_s,
            pc,
            &format!(
                "{} environments x {} MB x {} s enabled",
                u.provisioned_concurrency, u.memory_mb, enabled_s
            ),
        ));
        out.push(line(
            "Duration (provisioned)",
            gb_seconds(Decimal::from(u.provisioned_billed_ms), u.memory_mb),
            pc_dur,
            "requests served while provisioned concurrency is enabled",
        ));
    }
    if u.ephemeral_mb > p.ephemeral_included_mb {
        let extra_mb = u.ephemeral_mb - p.ephemeral_included_mb;
        let gb_s = gb_seconds(
            Decimal::from(u.on_demand_billed_ms) + Decimal::from(u.provisioned_billed_ms),
            extra_mb,
        );
        out.push(line(
            "Ephemeral storage",
            gb_s,
            &p.ephemeral_storage,
            &format!("{extra_mb} MB above the {} MB included", p.ephemeral_included_mb),
        ));
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiGatewayHttpUsage {
    pub requests: u64,
    /// Payload per request (request + response), KB; metered in 512 KB steps.
    pub kb_per_request: f64,
}

impl ApiGatewayHttpUsage {
    /// Metered requests: each call counts once per started 512 KB. A decimal: the product
    /// may pass u64 and must not be capped.
    pub fn metered(&self, metering_kb: u32) -> Decimal {
        let steps = (self.kb_per_request / metering_kb.max(1) as f64).ceil().max(1.0);
        Decimal::from(self.requests) * dec(steps)
    }
}

pub(super) fn api_gateway_http(p: &AwsApiGatewayHttp, u: &ApiGatewayHttpUsage, opts: &BillOptions) -> Vec<BillLine> {
    let metered = u.metered(p.metering_kb);
    let note = if metered != Decimal::from(u.requests) {
        format!(
            "{} calls metered in {} KB steps",
            super::group(Decimal::from(u.requests)),
            p.metering_kb
        )
    } else {
        String::new()
    };
    tiered_lines(
        "API requests (HTTP API)",
        metered,
        Decimal::ZERO,
        &p.requests,
        opts,
        &note,
    )
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiGatewayRestUsage {
    pub requests: u64,
    pub response_kb: f64,
}

pub(super) fn api_gateway_rest(p: &AwsApiGatewayRest, u: &ApiGatewayRestUsage, opts: &BillOptions) -> Vec<BillLine> {
    let mut out = tiered_lines(
        "API requests (REST API)",
        Decimal::from(u.requests),
        Decimal::ZERO,
        &p.requests,
        opts,
        "",
    );
    if u.response_kb > 0.0 {
        let gb = Decimal::from(u.requests) * dec(u.response_kb) / Decimal::from(1024 * 1024);
        out.push(line(
            "Data transfer out",
            gb,
            &p.data_transfer_out,
            "responses; 1 GB = 1024 x 1024 KB",
        ));
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlbUsage {
    /// Load-balancer hours (each partial hour is a full hour).
    pub hours: u64,
    /// Sum over hours of the largest LCU dimension in that hour.
    pub lcu_hours: Decimal,
}

pub(super) fn alb(p: &AwsAlb, u: &AlbUsage) -> Vec<BillLine> {
    vec![
        line("Load balancer hours", Decimal::from(u.hours), &p.hourly, ""),
        line(
            "Load balancer capacity units",
            u.lcu_hours,
            &p.lcu,
            "largest LCU dimension in each hour",
        ),
    ]
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Os {
    #[default]
    Linux,
    Windows,
}

/// What a Fargate task fleet used. `task_seconds` is summed over tasks, each rounded up to
/// the second with the per-task minimum applied.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FargateUsage {
    pub arch: Arch,
    pub os: Os,
    pub vcpu: Decimal,
    pub memory_gb: Decimal,
    pub ephemeral_gb: Decimal,
    pub task_seconds: u64,
    pub purchase: crate::model::Purchase,
}

fn discounted(usd: Decimal, d: Option<&Discount>) -> Decimal {
    match d {
        Some(d) => usd * (Decimal::ONE - d.fraction),
        None => usd,
    }
}

fn purchase_label(purchase: crate::model::Purchase, d: Option<&Discount>) -> String {
    use crate::model::Purchase::*;
    let name = match purchase {
        OnDemand => return String::new(),
        Savings1y => "1-year savings plan",
        Savings3y => "3-year savings plan",
        Spot => "Spot",
    };
    match d {
        Some(d) => format!(
            "{name}: {}% off on-demand ({}, see catalog)",
            (d.fraction * Decimal::from(100)).normalize(),
            match d.status {
                crate::pricing::Status::Unverified => "assumption",
                _ if purchase == Spot => "typical observed rate; Spot varies and can be interrupted",
                _ => "sourced",
            }
        ),
        None => name.to_string(),
    }
}

pub(super) fn fargate(p: &AwsFargate, u: &FargateUsage) -> Vec<BillLine> {
    use crate::model::Purchase::*;
    let disc = match u.purchase {
        OnDemand => None,
        Savings1y => Some(&p.savings_1y),
        Savings3y => Some(&p.savings_3y),
        Spot => Some(&p.spot),
    };
    let tag = purchase_label(u.purchase, disc);
    let s = Decimal::from(u.task_seconds);
    let (cpu, mem) = match (u.os, u.arch) {
        (Os::Windows, _) => (&p.vcpu_windows, &p.memory_windows),
        (Os::Linux, Arch::X86_64) => (&p.vcpu_x86_64, &p.memory_x86_64),
        (Os::Linux, Arch::Arm64) => (&p.vcpu_arm64, &p.memory_arm64),
    };
    let os = match u.os {
        Os::Linux => format!("Linux/{}", u.arch.label()),
        Os::Windows => "Windows/x86_64".to_string(),
    };
    let mut out = vec![
        priced(
            "vCPU",
            s * u.vcpu,
            &cpu.unit,
            discounted(cpu.usd, disc),
            &join_notes(&format!("{os}, {} vCPU per task", u.vcpu.normalize()), &tag),
        ),
        priced(
            "Memory",
            s * u.memory_gb,
            &mem.unit,
            discounted(mem.usd, disc),
            &join_notes(&format!("{} GB per task", u.memory_gb.normalize()), &tag),
        ),
    ];
    if u.os == Os::Windows {
        out.push(line("Windows OS licence", s * u.vcpu, &p.windows_license, ""));
    }
    let extra = u.ephemeral_gb - dec(p.ephemeral_included_gb);
    if extra > Decimal::ZERO {
        out.push(line(
            "Ephemeral storage",
            s * extra,
            &p.ephemeral_storage,
            &format!(
                "{} GB above the {} GB included",
                extra.normalize(),
                p.ephemeral_included_gb
            ),
        ));
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ec2Usage {
    pub instance: String,
    /// Summed over instances, each with the per-launch minimum applied.
    pub instance_seconds: u64,
    pub purchase: crate::model::Purchase,
}

pub(super) fn ec2(p: &AwsEc2, u: &Ec2Usage) -> Result<Vec<BillLine>, BillingError> {
    use crate::model::Purchase::*;
    let inst = p
        .instances
        .iter()
        .find(|i| i.name == u.instance)
        .ok_or_else(|| BillingError::UnknownInstance {
            service: p.id.clone(),
            instance: u.instance.clone(),
        })?;
    let disc = match u.purchase {
        OnDemand => None,
        Savings1y => Some(&p.savings_1y),
        Savings3y => Some(&p.savings_3y),
        Spot => Some(&p.spot),
    };
    let hours = Decimal::from(u.instance_seconds) / Decimal::from(3600);
    let rate = discounted(inst.hourly.usd, disc);
    let note = join_notes(
        &format!("{}, {} vCPU, {} GiB, Linux", inst.name, inst.vcpu, inst.memory_gib),
        &purchase_label(u.purchase, disc),
    );
    Ok(vec![priced("Instance hours", hours, &inst.hourly.unit, rate, &note)])
}
