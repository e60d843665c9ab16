//! Google Cloud billing rules: Cloud Run (request- and instance-based) and Cloud
//! Functions 1st gen.

use super::{BillLine, BillOptions, BillingError, line, line_after_free};
use crate::model::ContainerBilling;
use crate::pricing::{GcpCloudFunctions, GcpCloudRun};
use rust_decimal::Decimal;

/// Cloud Run usage. Times are summed over instances, each billable period already rounded
/// up to 100 ms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CloudRunUsage {
    pub billing: ContainerBilling,
    pub vcpu: Decimal,
    pub memory_gib: Decimal,
    /// Request-based: instance time while serving (and starting); instance-based: the
    /// whole instance lifetime.
    pub billable_ms: u64,
    /// Request-based only: idle time of instances kept by minimum instances.
    pub idle_min_instance_ms: u64,
    pub requests: u64,
    /// A committed use discount covers CPU, memory and requests (not networking).
    pub purchase: crate::model::Purchase,
    /// vCPU-seconds and GiB-seconds were given as such (a quote): `vcpu` and `memory_gib`
    /// are then those totals over one second, not an instance's shape.
    pub direct: bool,
}

/// On-demand lines; a committed use discount is applied by `billing::bill` (`commitment::terms`).
pub(super) fn cloud_run(p: &GcpCloudRun, u: &CloudRunUsage, opts: &BillOptions) -> Vec<BillLine> {
    let s = Decimal::from(u.billable_ms) / Decimal::from(1000);
    let shape = if u.direct {
        "vCPU-seconds and GiB-seconds as given".to_string()
    } else {
        format!(
            "{} vCPU, {} GiB per instance",
            u.vcpu.normalize(),
            u.memory_gib.normalize()
        )
    };
    match u.billing {
        ContainerBilling::RequestBased => {
            let mut out = vec![
                line_after_free(
                    "CPU (request-based)",
                    s * u.vcpu,
                    opts.allowance(&p.free_cpu_request_based),
                    &p.cpu_request_based,
                    &shape,
                ),
                line_after_free(
                    "Memory (request-based)",
                    s * u.memory_gib,
                    opts.allowance(&p.free_memory_request_based),
                    &p.memory_request_based,
                    "",
                ),
                line_after_free(
                    "Requests",
                    Decimal::from(u.requests),
                    opts.allowance(&p.free_requests),
                    &p.requests,
                    "",
                ),
            ];
            if u.idle_min_instance_ms > 0 {
                let idle = Decimal::from(u.idle_min_instance_ms) / Decimal::from(1000);
                out.push(line(
                    "CPU (idle minimum instances)",
                    idle * u.vcpu,
                    &p.cpu_idle_min_instances,
                    "",
                ));
                out.push(line(
                    "Memory (idle minimum instances)",
                    idle * u.memory_gib,
                    &p.memory_idle_min_instances,
                    "",
                ));
            }
            out
        }
        ContainerBilling::InstanceBased => vec![
            line_after_free(
                "CPU (instance-based)",
                s * u.vcpu,
                opts.allowance(&p.free_cpu_instance_based),
                &p.cpu_instance_based,
                &shape,
            ),
            line_after_free(
                "Memory (instance-based)",
                s * u.memory_gib,
                opts.allowance(&p.free_memory_instance_based),
                &p.memory_instance_based,
                "",
            ),
        ],
    }
}

/// Cloud Functions 1st gen: invocations and billed time (rounded up to 100 ms each).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CloudFunctionsUsage {
    pub memory_mb: u32,
    pub invocations: u64,
    pub billed_ms: u64,
}

pub(super) fn cloud_functions(
    p: &GcpCloudFunctions,
    u: &CloudFunctionsUsage,
    opts: &BillOptions,
) -> Result<Vec<BillLine>, BillingError> {
    let tier = p
        .tiers
        .iter()
        .find(|t| t.memory_mb >= u.memory_mb)
        .ok_or_else(|| BillingError::Invalid {
            service: p.id.clone(),
            message: format!("no memory tier holds {} MB", u.memory_mb),
        })?;
    let s = Decimal::from(u.billed_ms) / Decimal::from(1000);
    let gb = Decimal::from(tier.memory_mb) / Decimal::from(1024);
    let ghz = super::dec(tier.ghz);
    Ok(vec![
        line_after_free(
            "Invocations",
            Decimal::from(u.invocations),
            opts.allowance(&p.free_invocations),
            &p.invocations,
            "",
        ),
        line_after_free(
            "Memory",
            s * gb,
            opts.allowance(&p.free_memory),
            &p.memory,
            &format!("{} MB tier", tier.memory_mb),
        ),
        line_after_free(
            "CPU",
            s * ghz,
            opts.allowance(&p.free_cpu),
            &p.cpu,
            &format!("{} GHz tier", tier.ghz),
        ),
    ])
}
