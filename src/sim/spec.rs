//! Platforms resolved against the catalog: the numbers an engine needs, with every
//! provider rule (CPU share by memory, rounding, minimums, limits) looked up once.

use super::rng::Sampler;
use crate::model::{Arch, ContainerBilling, Dist, FrontDoor, Platform, Purchase, Scenario};
use crate::pricing::{Catalog, Service};

/// How an idle environment's keep-alive is decided.
#[derive(Clone, Debug)]
pub enum KeepAlive {
    Fixed(f64),
    Random(Sampler, Dist),
}

/// How a function service meters usage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FnMetering {
    /// Each request rounded up to 1 ms; INIT of on-demand cold starts billed (Lambda).
    Lambda { init_billed: bool },
    /// Each invocation rounded up to `step_ms` (Cloud Functions 1st gen).
    PerInvocation { step_ms: u64 },
    /// Each execution rounded up to 1 ms with a minimum (Azure Consumption).
    PerExecutionMin { min_ms: u64 },
    /// Each environment's activity period rounded up to `step_ms`, at least `min_ms`
    /// (Cloud Run, Flex Consumption).
    ActivePeriod { step_ms: u64, min_ms: u64 },
    /// CPU time only (Cloudflare Workers).
    CpuTime,
}

#[derive(Clone, Debug)]
pub struct FunctionSpec {
    pub index: usize,
    /// A commitment the function is billed under (savings plan, committed use discount).
    pub purchase: Purchase,
    pub name: String,
    pub service_id: String,
    /// Where the service and its front door are priced (`None`: the reference region).
    pub region: Option<String>,
    /// A commitment in dollars an hour (with a savings or CUD purchase), billed hour by hour.
    pub commitment_per_hour: Option<f64>,
    pub arch: Arch,
    pub memory_mb: u32,
    pub per_env: u32,
    pub keep_alive: KeepAlive,
    pub max_in_flight: u32,
    pub provisioned: u32,
    /// Scaling-rate token bucket (burst, refill per second).
    pub scale: Option<(f64, f64)>,
    pub max_duration_ms: f64,
    pub max_cpu_ms: Option<f64>,
    /// Wall time of a request = workload duration x slowdown (CPU share at this size).
    pub slowdown: f64,
    pub duration: Sampler,
    pub duration_dist: Dist,
    pub cold: Sampler,
    pub cold_dist: Dist,
    pub cpu_fraction: f64,
    pub metering: FnMetering,
    pub free_tier: bool,
    pub ephemeral_mb: u32,
    pub front_door: FrontDoor,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FleetMetering {
    /// Fargate: per-second task time with a per-task minimum.
    Fargate,
    /// EC2: per-second instance time with a per-launch minimum.
    Ec2,
    /// Cloud Run services.
    CloudRun(ContainerBilling),
    /// Azure Container Apps: active and idle rates.
    ContainerApps,
}

#[derive(Clone, Debug)]
pub struct FleetSpec {
    pub index: usize,
    pub name: String,
    pub service_id: String,
    /// Where the service and its front door are priced (`None`: the reference region).
    pub region: Option<String>,
    /// A commitment in dollars an hour (with a savings or CUD purchase), billed hour by hour.
    pub commitment_per_hour: Option<f64>,
    pub is_vm: bool,
    pub arch: Arch,
    pub vcpu: f64,
    pub memory_gb: f64,
    pub instance: String,
    /// Requests one replica serves at once: min(concurrency, vCPU / CPU share).
    pub slots: u32,
    pub slowdown: f64,
    pub duration: Sampler,
    pub duration_dist: Dist,
    pub min: u32,
    pub max: u32,
    pub target: f64,
    pub startup_s: f64,
    pub window_s: f64,
    pub cooldown_s: f64,
    pub queue_timeout_s: f64,
    pub min_billed_s: f64,
    pub metering: FleetMetering,
    pub purchase: Purchase,
    pub ephemeral_gb: f64,
    pub free_tier: bool,
    pub front_door: FrontDoor,
}

#[derive(Clone, Debug)]
pub enum Spec {
    Function(FunctionSpec),
    Fleet(FleetSpec),
}

impl Spec {
    pub fn index(&self) -> usize {
        match self {
            Spec::Function(f) => f.index,
            Spec::Fleet(f) => f.index,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Spec::Function(f) => &f.name,
            Spec::Fleet(f) => &f.name,
        }
    }
}

/// Replica capacity from CPU: a request needs `cpu_fraction` of one vCPU on average while
/// in service, so a replica with `vcpu` vCPUs serves about vcpu / cpu_fraction at once
/// (after the single-request slowdown on sub-vCPU sizes), never more than `concurrency`.
pub fn fleet_slots(concurrency: u32, vcpu: f64, cpu_fraction: f64) -> (u32, f64) {
    let speed = vcpu.clamp(1e-3, 1.0);
    let slowdown = (1.0 - cpu_fraction) + cpu_fraction / speed;
    if cpu_fraction <= 0.0 {
        return (concurrency.max(1), slowdown);
    }
    let by_cpu = (vcpu * slowdown / cpu_fraction + 1e-9).floor().max(1.0);
    ((by_cpu as u32).min(concurrency).max(1), slowdown)
}

/// The fleet at the start of the period: sized by the autoscaler for the opening demand
/// (a running service is not deployed at the first second of the month), or the fixed
/// fleet.
pub fn initial_replicas(f: &FleetSpec, rate0: f64) -> u32 {
    if f.min >= f.max {
        return f.max;
    }
    let a = rate0 * f.duration_dist.mean() * f.slowdown / 1000.0;
    ((a / (f.slots.max(1) as f64 * f.target)).ceil().min(f.max as f64) as u32).clamp(f.min, f.max)
}

/// Resolves the enabled platforms. The scenario must be valid (see `validate_scenario`).
pub fn resolve(s: &Scenario, catalog: &Catalog) -> Result<Vec<Spec>, String> {
    resolve_with(s, s.workload(), catalog)
}

/// Every enabled platform running requests of workload `w` (an application resolves
/// each of its workloads this way).
pub fn resolve_with(s: &Scenario, w: &crate::model::Workload, catalog: &Catalog) -> Result<Vec<Spec>, String> {
    let duration = Sampler::new(&w.duration_ms);
    let mut out = Vec::new();
    for (index, p) in s.platforms.iter().enumerate() {
        if !p.enabled() {
            continue;
        }
        let service = catalog
            .get_in(p.service(), p.region())
            .ok_or_else(|| match p.region() {
                Some(r) if catalog.get(p.service()).is_some() => format!(
                    "platform `{}`: the catalog has no prices of `{}` for region `{r}` (it has: {})",
                    p.name(),
                    p.service(),
                    catalog.regions(p.service()).join(", ")
                ),
                _ => format!(
                    "platform `{}`: service `{}` is not in the catalog",
                    p.name(),
                    p.service()
                ),
            })?;
        match p {
            Platform::Function(f) => {
                let lim = service
                    .function_limits()
                    .ok_or_else(|| format!("platform `{}`: `{}` cannot host a function", f.name, f.service))?;
                let speed = lim.cpu_speed(f.memory_mb);
                let slowdown = match service {
                    Service::CloudflareWorkers(_) => 1.0,
                    _ => (1.0 - w.cpu_fraction) + w.cpu_fraction / speed,
                };
                let cold_dist = match lim.cold_start_override_ms {
                    Some(ms) => Dist::Fixed(ms),
                    None => w.cold_start_ms.clone(),
                };
                let metering = match service {
                    Service::AwsLambda(l) => FnMetering::Lambda {
                        init_billed: today() >= l.init_billed_from,
                    },
                    Service::GcpCloudFunctions(g) => FnMetering::PerInvocation { step_ms: g.rounding_ms },
                    Service::AzureFunctions(a) => FnMetering::PerExecutionMin { min_ms: a.minimum_ms },
                    Service::AzureFunctionsFlex(x) => FnMetering::ActivePeriod {
                        step_ms: x.rounding_ms,
                        min_ms: x.minimum_ms,
                    },
                    Service::GcpCloudRun(r) => FnMetering::ActivePeriod {
                        step_ms: r.rounding_ms,
                        min_ms: 0,
                    },
                    Service::CloudflareWorkers(_) => FnMetering::CpuTime,
                    _ => return Err(format!("platform `{}`: `{}` cannot host a function", f.name, f.service)),
                };
                let keep_alive = match &f.keep_alive_dist_s {
                    Some(d) => KeepAlive::Random(Sampler::new(d), d.clone()),
                    None => KeepAlive::Fixed(f.keep_alive_s),
                };
                out.push(Spec::Function(FunctionSpec {
                    index,
                    purchase: f.purchase,
                    name: f.name.clone(),
                    service_id: f.service.clone(),
                    region: f.region.clone(),
                    commitment_per_hour: f.commitment_usd_per_hour,
                    arch: f.arch,
                    memory_mb: f.memory_mb,
                    per_env: f.concurrency.max(1),
                    keep_alive,
                    max_in_flight: f.max_concurrency.max(1),
                    provisioned: f.provisioned,
                    scale: lim.scale_burst.zip(lim.scale_per_s),
                    max_duration_ms: lim.max_duration_s * 1000.0,
                    max_cpu_ms: lim.max_cpu_s.map(|s| s * 1000.0),
                    slowdown,
                    duration: duration.clone(),
                    duration_dist: w.duration_ms.clone(),
                    cold: Sampler::new(&cold_dist),
                    cold_dist,
                    cpu_fraction: w.cpu_fraction,
                    metering,
                    free_tier: f.free_tier,
                    ephemeral_mb: f.ephemeral_mb,
                    front_door: f.front_door,
                }));
            }
            Platform::Container(c) => {
                let (slots, slowdown) = fleet_slots(c.concurrency, c.vcpu, w.cpu_fraction);
                let (metering, min_billed_s) = match service {
                    Service::AwsFargate(fg) => (FleetMetering::Fargate, fg.minimum_s_linux as f64),
                    Service::GcpCloudRun(_) => (FleetMetering::CloudRun(c.billing), 0.0),
                    Service::AzureContainerApps(_) => (FleetMetering::ContainerApps, 0.0),
                    _ => {
                        return Err(format!(
                            "platform `{}`: `{}` cannot host a container",
                            c.name, c.service
                        ));
                    }
                };
                out.push(Spec::Fleet(FleetSpec {
                    index,
                    name: c.name.clone(),
                    service_id: c.service.clone(),
                    region: c.region.clone(),
                    commitment_per_hour: c.commitment_usd_per_hour,
                    is_vm: false,
                    arch: c.arch,
                    vcpu: c.vcpu,
                    memory_gb: c.memory_gb,
                    instance: String::new(),
                    slots,
                    slowdown,
                    duration: duration.clone(),
                    duration_dist: w.duration_ms.clone(),
                    min: c.min_replicas,
                    max: c.max_replicas.max(1),
                    target: c.target_utilization,
                    startup_s: c.startup_s,
                    window_s: c.metric_window_s,
                    cooldown_s: c.scale_in_cooldown_s,
                    queue_timeout_s: c.queue_timeout_s,
                    min_billed_s,
                    metering,
                    purchase: c.purchase,
                    ephemeral_gb: c.ephemeral_gb,
                    free_tier: c.free_tier,
                    front_door: c.front_door,
                }));
            }
            Platform::Vm(v) => {
                let Service::AwsEc2(ec2) = service else {
                    return Err(format!("platform `{}`: `{}` cannot host a VM", v.name, v.service));
                };
                let inst = ec2
                    .instances
                    .iter()
                    .find(|i| i.name == v.instance)
                    .ok_or_else(|| format!("platform `{}`: unknown instance type `{}`", v.name, v.instance))?;
                let (slots, slowdown) = fleet_slots(v.concurrency, inst.vcpu, w.cpu_fraction);
                out.push(Spec::Fleet(FleetSpec {
                    index,
                    name: v.name.clone(),
                    service_id: v.service.clone(),
                    region: v.region.clone(),
                    commitment_per_hour: v.commitment_usd_per_hour,
                    is_vm: true,
                    arch: inst.arch,
                    vcpu: inst.vcpu,
                    memory_gb: inst.memory_gib,
                    instance: v.instance.clone(),
                    slots,
                    slowdown,
                    duration: duration.clone(),
                    duration_dist: w.duration_ms.clone(),
                    min: v.min_instances,
                    max: v.max_instances.max(1),
                    target: v.target_utilization,
                    startup_s: v.startup_s,
                    window_s: v.metric_window_s,
                    cooldown_s: v.scale_in_cooldown_s,
                    queue_timeout_s: v.queue_timeout_s,
                    min_billed_s: ec2.minimum_s as f64,
                    metering: FleetMetering::Ec2,
                    purchase: v.purchase,
                    ephemeral_gb: 0.0,
                    free_tier: false,
                    front_door: v.front_door,
                }));
            }
        }
    }
    Ok(out)
}

/// The date prices are applied for. Fixed so that results do not change with the clock:
/// the catalog's rules in force on this date are used.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replica_slots_follow_cpu() {
        assert_eq!(fleet_slots(40, 2.0, 0.5), (4, 1.0));
        let (s, slow) = fleet_slots(40, 0.5, 0.5);
        assert_eq!(s, 1);
        assert!((slow - 1.5).abs() < 1e-12);
        assert_eq!(fleet_slots(3, 2.0, 0.1).0, 3);
        assert_eq!(fleet_slots(10, 1.0, 0.0).0, 10);
    }
}
