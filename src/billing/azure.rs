//! Azure billing rules: Functions Consumption and Flex Consumption, Container Apps.

use super::{BillLine, BillOptions, line, line_after_free};
use crate::pricing::{AzureContainerApps, AzureFunctions, AzureFunctionsFlex};
use rust_decimal::Decimal;

/// Consumption plan: execution units in MB-ms (memory rounded up to 128 MB, time to 1 ms
/// with a 100 ms minimum, per execution), as Azure's `FunctionExecutionUnits` metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AzureFunctionsUsage {
    pub executions: u64,
    pub mb_ms: u64,
}

pub(super) fn functions(p: &AzureFunctions, u: &AzureFunctionsUsage, opts: &BillOptions) -> Vec<BillLine> {
    let gb_s = Decimal::from(u.mb_ms) / Decimal::from(1_024_000);
    vec![
        line_after_free(
            "Executions",
            Decimal::from(u.executions),
            opts.allowance(&p.free_executions),
            &p.executions,
            "",
        ),
        line_after_free(
            "Execution time",
            gb_s,
            opts.allowance(&p.free_execution_time),
            &p.execution_time,
            "GB-s = MB-ms / 1,024,000",
        ),
    ]
}

/// Flex Consumption: on-demand activity and always-ready instances.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AzureFlexUsage {
    pub instance_mb: u32,
    pub on_demand_executions: u64,
    /// Billable activity of on-demand instances (each period at least 1 s, 100 ms steps).
    pub on_demand_ms: u64,
    pub always_ready_instances: u32,
    /// How long the always-ready instances were configured (the period).
    pub always_ready_s: u64,
    pub always_ready_executions: u64,
    pub always_ready_busy_ms: u64,
}

pub(super) fn flex(p: &AzureFunctionsFlex, u: &AzureFlexUsage, opts: &BillOptions) -> Vec<BillLine> {
    let gb = Decimal::from(u.instance_mb) / Decimal::from(1024);
    let mut out = vec![
        line_after_free(
            "On-demand executions",
            Decimal::from(u.on_demand_executions),
            opts.allowance(&p.free_on_demand_executions),
            &p.on_demand_executions,
            "",
        ),
        line_after_free(
            "On-demand execution time",
            Decimal::from(u.on_demand_ms) / Decimal::from(1000) * gb,
            opts.allowance(&p.free_on_demand_time),
            &p.on_demand_time,
            &format!("{} MB instances", u.instance_mb),
        ),
    ];
    if u.always_ready_instances > 0 {
        out.push(line(
            "Always-ready baseline",
            Decimal::from(u.always_ready_instances) * gb * Decimal::from(u.always_ready_s),
            &p.always_ready_baseline,
            &format!("{} instances x {} s", u.always_ready_instances, u.always_ready_s),
        ));
        out.push(line(
            "Always-ready execution time",
            Decimal::from(u.always_ready_busy_ms) / Decimal::from(1000) * gb,
            &p.always_ready_time,
            "",
        ));
        out.push(line(
            "Always-ready executions",
            Decimal::from(u.always_ready_executions),
            &p.always_ready_executions,
            "",
        ));
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AzureContainerAppsUsage {
    pub vcpu: Decimal,
    pub memory_gib: Decimal,
    /// Replica time at the active rate (serving, or above the minimum).
    pub active_ms: u64,
    /// Replica time at the idle rate (minimum replicas not serving).
    pub idle_ms: u64,
    pub requests: u64,
    /// A savings plan without a size discounts the vCPU and memory lines (applied by
    /// `billing::bill` through `commitment::terms`).
    pub purchase: crate::model::Purchase,
}

pub(super) fn container_apps(p: &AzureContainerApps, u: &AzureContainerAppsUsage, opts: &BillOptions) -> Vec<BillLine> {
    let active = Decimal::from(u.active_ms) / Decimal::from(1000);
    let idle = Decimal::from(u.idle_ms) / Decimal::from(1000);
    let free_cpu = opts.allowance(&p.free_vcpu);
    let active_cpu = active * u.vcpu;
    let free_used_active = free_cpu.min(active_cpu);
    let mut out = vec![line_after_free(
        "vCPU (active)",
        active_cpu,
        free_used_active,
        &p.vcpu_active,
        &format!(
            "{} vCPU, {} GiB per replica",
            u.vcpu.normalize(),
            u.memory_gib.normalize()
        ),
    )];
    if u.idle_ms > 0 {
        out.push(line_after_free(
            "vCPU (idle)",
            idle * u.vcpu,
            free_cpu - free_used_active,
            &p.vcpu_idle,
            "",
        ));
    }
    out.push(line_after_free(
        "Memory",
        (active + idle) * u.memory_gib,
        opts.allowance(&p.free_memory),
        &p.memory,
        "",
    ));
    out.push(line_after_free(
        "Requests",
        Decimal::from(u.requests),
        opts.allowance(&p.free_requests),
        &p.requests,
        "",
    ));
    out
}
