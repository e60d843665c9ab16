//! What the catalog says about a platform, in the editor's terms: sensible settings for a
//! platform added from the catalog, fitting a platform's fields to a newly chosen service,
//! and the sourced rates shown in tooltips.
//!
//! Owns: those rules (pure functions of the catalog). Must not: draw, or price anything.

use super::fmt;
use crate::model::{
    AppWorkload, Arch, Arrivals, Call, Component, ContainerBilling, ContainerPlatform, Dist, FrontDoor,
    FunctionPlatform, Network, Pipeline, Platform, Purchase, Scenario, Traffic, VmPlatform, Workload,
};
use crate::pricing::{Allowance, Catalog, Price, Service, ServiceRole, TaskSize, Tiered};
use std::collections::HashMap;

/// The platform kinds, in the order of the Add menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Function,
    Container,
    Vm,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Function, Kind::Container, Kind::Vm];
    pub fn role(self) -> ServiceRole {
        match self {
            Kind::Function => ServiceRole::Function,
            Kind::Container => ServiceRole::Container,
            Kind::Vm => ServiceRole::Vm,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Function => "Function",
            Kind::Container => "Container",
            Kind::Vm => "VM",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn of(p: &Platform) -> Kind {
        match p {
            Platform::Function(_) => Kind::Function,
            Platform::Container(_) => Kind::Container,
            Platform::Vm(_) => Kind::Vm,
        }
    }
}

/// `base`, or `base 2`, `base 3`... whichever no platform uses yet.
pub fn unique_name(base: &str, s: &Scenario) -> String {
    let taken = |n: &str| s.platforms.iter().any(|p| p.name() == n);
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base} {i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| base.to_string())
}

/// A short display name for a service ("AWS Lambda" -> "Lambda").
pub fn short_name(service: &Service) -> String {
    let n = service.name();
    for prefix in ["AWS ", "Amazon ", "Google ", "Azure ", "Cloudflare "] {
        if let Some(rest) = n.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    n.to_string()
}

/// A new platform of `kind` on `service_id` (for a VM, `instance` picks the type), with
/// settings that validate: the provider's defaults where it has them.
pub fn new_platform(
    kind: Kind,
    service_id: &str,
    instance: Option<&str>,
    s: &Scenario,
    cat: &Catalog,
) -> Option<Platform> {
    let service = cat.get(service_id)?;
    let name = unique_name(&short_name(service), s);
    match kind {
        Kind::Function => {
            let lim = service.function_limits()?;
            let mut f = FunctionPlatform {
                name,
                service: service_id.to_string(),
                arch: Arch::X86_64,
                memory_mb: 1024,
                keep_alive_s: lim.default_keep_alive_s,
                keep_alive_dist_s: None,
                max_concurrency: lim.default_max_concurrency.max(1),
                provisioned: 0,
                free_tier: true,
                front_door: FrontDoor::None,
                concurrency: 1,
                ephemeral_mb: 512,
                enabled: true,
                runs: Vec::new(),
                purchase: Purchase::OnDemand,
                region: None,
                commitment_usd_per_hour: None,
                network: None,
            };
            fit_function(&mut f, service);
            Some(Platform::Function(f))
        }
        Kind::Container => {
            let lim = service.container_limits()?;
            let mut c = ContainerPlatform {
                name,
                service: service_id.to_string(),
                arch: Arch::X86_64,
                vcpu: 1.0,
                memory_gb: 2.0,
                concurrency: 80.min(lim.max_instance_concurrency).max(1),
                min_replicas: if matches!(service, Service::AwsFargate(_)) {
                    1
                } else {
                    0
                },
                max_replicas: 10,
                target_utilization: 0.7,
                startup_s: 30.0,
                front_door: FrontDoor::None,
                metric_window_s: 60.0,
                scale_in_cooldown_s: 300.0,
                queue_timeout_s: 30.0,
                ephemeral_gb: 0.0,
                billing: ContainerBilling::RequestBased,
                purchase: Purchase::OnDemand,
                free_tier: true,
                enabled: true,
                runs: Vec::new(),
                region: None,
                commitment_usd_per_hour: None,
                network: None,
            };
            fit_container(&mut c, service);
            Some(Platform::Container(c))
        }
        Kind::Vm => {
            let Service::AwsEc2(ec2) = service else { return None };
            let inst = instance
                .and_then(|n| ec2.instances.iter().find(|i| i.name == n))
                .or_else(|| ec2.instances.first())?;
            Some(Platform::Vm(VmPlatform {
                name: unique_name(&format!("EC2 {}", inst.name), s),
                service: service_id.to_string(),
                instance: inst.name.clone(),
                concurrency: (inst.vcpu * 25.0).round().max(1.0) as u32,
                min_instances: 1,
                max_instances: 1,
                purchase: Purchase::OnDemand,
                front_door: FrontDoor::None,
                target_utilization: 0.7,
                startup_s: 180.0,
                metric_window_s: 300.0,
                scale_in_cooldown_s: 600.0,
                queue_timeout_s: 30.0,
                enabled: true,
                runs: Vec::new(),
                root_volume_gb: None,
                region: None,
                commitment_usd_per_hour: None,
                network: None,
            }))
        }
    }
}

/// Adjusts the fields of a platform whose service changed so that they fit the new
/// service's limits and options (memory sizes, vCPU sizes, billing modes...).
pub fn fit_to_service(p: &mut Platform, cat: &Catalog) {
    // a region the new service is not priced in goes back to its reference region
    let region = p.region().map(str::to_string);
    if region.is_some() && cat.get_in(p.service(), region.as_deref()).is_none() {
        *p.region_mut() = None;
    }
    let Some(service) = cat.get_in(p.service(), p.region()) else {
        return;
    };
    // the catalog prices NAT gateways and public IPv4 addresses for AWS only
    if !p.service().starts_with("aws-")
        && let Some(n) = defaults_network_mut(p)
    {
        n.nat_gateways = 0;
        n.public_ipv4 = false;
    }
    match p {
        Platform::Function(f) => fit_function(f, service),
        Platform::Container(c) => fit_container(c, service),
        Platform::Vm(v) => {
            if let Service::AwsEc2(ec2) = service
                && !ec2.instances.iter().any(|i| i.name == v.instance)
                && let Some(first) = ec2.instances.first()
            {
                v.instance = first.name.clone();
            }
        }
    }
}

/// The platform's network block, if it has one.
fn defaults_network_mut(p: &mut Platform) -> Option<&mut Network> {
    match p {
        Platform::Function(f) => f.network.as_mut(),
        Platform::Container(c) => c.network.as_mut(),
        Platform::Vm(v) => v.network.as_mut(),
    }
}

/// A new call of a workload: the first operation of the first managed service in the
/// catalog, once per request (None when the catalog prices no managed service).
pub fn new_call(view: &CatalogView) -> Option<Call> {
    let (service, _, _) = view.call_services.first()?;
    let (operation, _, _) = view.call_operations(service).first()?;
    Some(Call {
        service: service.clone(),
        operation: operation.clone(),
        per_request: 1.0,
    })
}

fn fit_function(f: &mut FunctionPlatform, service: &Service) {
    let Some(lim) = service.function_limits() else { return };
    if lim.memory_sizes_mb.is_empty() {
        f.memory_mb = f.memory_mb.clamp(lim.memory_min_mb, lim.memory_max_mb);
    } else if !lim.memory_sizes_mb.contains(&f.memory_mb) {
        f.memory_mb = nearest_u32(&lim.memory_sizes_mb, f.memory_mb).unwrap_or(lim.memory_min_mb);
    }
    f.concurrency = f.concurrency.clamp(1, lim.max_instance_concurrency.max(1));
    f.max_concurrency = f.max_concurrency.max(1);
    if matches!(service, Service::CloudflareWorkers(_)) {
        f.provisioned = 0;
    }
    f.provisioned = f.provisioned.min(f.max_concurrency);
    if f.front_door == FrontDoor::FunctionUrl && !matches!(service, Service::AwsLambda(_)) {
        f.front_door = FrontDoor::None;
    }
    f.ephemeral_mb = f.ephemeral_mb.clamp(512, 10240);
    if !Purchase::offered_by(service).contains(&f.purchase) {
        f.purchase = Purchase::OnDemand;
    }
}

fn fit_container(c: &mut ContainerPlatform, service: &Service) {
    let Some(lim) = service.container_limits() else { return };
    if lim.sizes.is_empty() {
        c.vcpu = c.vcpu.clamp(lim.vcpu_min, lim.vcpu_max);
        c.memory_gb = c.memory_gb.clamp(lim.memory_min_gb, lim.memory_max_gb);
    } else {
        let size = lim
            .sizes
            .iter()
            .min_by(|a, b| (a.vcpu - c.vcpu).abs().total_cmp(&(b.vcpu - c.vcpu).abs()));
        if let Some(size) = size {
            c.vcpu = size.vcpu;
            if !size.allows(c.memory_gb) {
                let allowed = memory_choices(size);
                c.memory_gb = allowed
                    .iter()
                    .copied()
                    .min_by(|a, b| (a - c.memory_gb).abs().total_cmp(&(b - c.memory_gb).abs()))
                    .unwrap_or(size.memory_min_gb);
            }
        }
    }
    c.concurrency = c.concurrency.clamp(1, lim.max_instance_concurrency.max(1));
    if c.billing == ContainerBilling::InstanceBased && !matches!(service, Service::GcpCloudRun(_)) {
        c.billing = ContainerBilling::RequestBased;
    }
    if !Purchase::offered_by(service).contains(&c.purchase) {
        c.purchase = Purchase::OnDemand;
    }
    if c.front_door == FrontDoor::FunctionUrl {
        c.front_door = FrontDoor::None;
    }
}

/// The memory sizes (GB) a fixed task size allows.
pub fn memory_choices(size: &TaskSize) -> Vec<f64> {
    if !size.memory_values_gb.is_empty() {
        return size.memory_values_gb.clone();
    }
    let mut out = Vec::new();
    if size.step_gb <= 0.0 {
        return vec![size.memory_min_gb];
    }
    let mut k = 0.0;
    loop {
        let m = size.memory_min_gb + k * size.step_gb;
        if m > size.memory_max_gb + 1e-9 || out.len() > 1000 {
            break;
        }
        out.push((m * 1000.0).round() / 1000.0);
        k += 1.0;
    }
    out
}

fn nearest_u32(values: &[u32], x: u32) -> Option<u32> {
    values.iter().copied().min_by_key(|v| v.abs_diff(x))
}

/// Default settings for a new traffic component of each kind.
pub fn new_component(kind: &str, horizon_days: f64) -> Option<Component> {
    Some(match kind {
        "Constant" => Component::Constant { rps: 1.0 },
        "Diurnal" => Component::Diurnal {
            peak_rps: 5.0,
            trough_rps: 0.5,
            peak_hour: 14.0,
        },
        "Spike" => Component::Spike {
            day: (horizon_days / 2.0).floor().max(0.0),
            hour: 12.0,
            duration_min: 60.0,
            requests: 100_000.0,
        },
        "Scheduled" => Component::Scheduled {
            every_hours: 24.0,
            at_hour: 2.0,
            duration_min: 30.0,
            rps: 20.0,
        },
        "Growth" => Component::Growth { monthly_pct: 10.0 },
        _ => return None,
    })
}

pub const COMPONENT_KINDS: [(&str, &str); 5] = [
    ("Constant", "A flat rate all the time"),
    ("Diurnal", "A daily cycle between a trough and a peak"),
    ("Spike", "A one-off burst of requests"),
    ("Scheduled", "A job that runs every few hours"),
    ("Growth", "Compound growth of the whole rate"),
];

// ---------------------------------------------------------------------------------------
// Sourced rates for tooltips

fn price_line(label: &str, p: &Price) -> String {
    format!(
        "{label}: ${} per {} ({}, {}; {:?}) — {}",
        p.usd.normalize(),
        p.unit,
        p.region,
        p.effective,
        p.status,
        p.source
    )
}

fn tiered_line(label: &str, t: &Tiered) -> String {
    let first = t
        .tiers
        .first()
        .map(|x| x.usd.normalize().to_string())
        .unwrap_or_default();
    let more = if t.tiers.len() > 1 {
        format!(", {} volume tiers", t.tiers.len())
    } else {
        String::new()
    };
    format!(
        "{label}: ${first} per {}{more} ({}, {}; {:?}) — {}",
        t.unit, t.region, t.effective, t.status, t.source
    )
}

fn allowance_line(label: &str, a: &Allowance) -> String {
    format!(
        "{label}: {} {} free per month ({}; {:?}) — {}",
        fmt::short(rust_decimal::prelude::ToPrimitive::to_f64(&a.quantity).unwrap_or(0.0)),
        a.unit,
        a.effective,
        a.status,
        a.source
    )
}

/// The main rates of a service with their source, one per line, for tooltips.
pub fn rates(service: &Service, arch: Arch, instance: Option<&str>) -> Vec<String> {
    let arm = arch == Arch::Arm64;
    match service {
        Service::AwsLambda(s) => vec![
            price_line("Requests", &s.requests),
            tiered_line("Duration", if arm { &s.duration_arm64 } else { &s.duration_x86_64 }),
            price_line(
                "Provisioned concurrency",
                if arm {
                    &s.provisioned_arm64
                } else {
                    &s.provisioned_x86_64
                },
            ),
            allowance_line("Free requests", &s.free_requests),
            allowance_line("Free compute", &s.free_compute),
        ],
        Service::AwsApiGatewayHttp(s) => vec![tiered_line("Requests", &s.requests)],
        Service::AwsApiGatewayRest(s) => vec![
            tiered_line("Requests", &s.requests),
            price_line("Data out", &s.data_transfer_out),
        ],
        Service::AwsFunctionUrl(s) => vec![price_line("Requests", &s.requests)],
        Service::AwsAlb(s) => vec![price_line("Hours", &s.hourly), price_line("LCU", &s.lcu)],
        Service::AwsFargate(s) => vec![
            price_line("vCPU", if arm { &s.vcpu_arm64 } else { &s.vcpu_x86_64 }),
            price_line("Memory", if arm { &s.memory_arm64 } else { &s.memory_x86_64 }),
            price_line("Ephemeral storage", &s.ephemeral_storage),
        ],
        Service::AwsEc2(s) => s
            .instances
            .iter()
            .filter(|i| instance.is_none_or(|n| n == i.name))
            .map(|i| {
                price_line(
                    &format!("{} ({} vCPU, {} GiB)", i.name, fmt::num(i.vcpu), fmt::num(i.memory_gib)),
                    &i.hourly,
                )
            })
            .collect(),
        Service::GcpCloudRun(s) => vec![
            price_line("vCPU (request-based)", &s.cpu_request_based),
            price_line("Memory (request-based)", &s.memory_request_based),
            price_line("Requests", &s.requests),
            price_line("vCPU (instance-based)", &s.cpu_instance_based),
            price_line("Memory (instance-based)", &s.memory_instance_based),
        ],
        Service::GcpCloudFunctions(s) => vec![
            price_line("Invocations", &s.invocations),
            price_line("Memory", &s.memory),
            price_line("CPU", &s.cpu),
        ],
        Service::AzureFunctions(s) => vec![
            price_line("Execution time", &s.execution_time),
            price_line("Executions", &s.executions),
            allowance_line("Free executions", &s.free_executions),
        ],
        Service::AzureFunctionsFlex(s) => vec![
            price_line("On-demand time", &s.on_demand_time),
            price_line("On-demand executions", &s.on_demand_executions),
            price_line("Always-ready baseline", &s.always_ready_baseline),
        ],
        Service::AzureContainerApps(s) => vec![
            price_line("vCPU active", &s.vcpu_active),
            price_line("vCPU idle", &s.vcpu_idle),
            price_line("Memory", &s.memory),
            price_line("Requests", &s.requests),
        ],
        Service::CloudflareWorkers(s) => vec![
            price_line("Subscription", &s.subscription),
            price_line("Requests", &s.requests),
            price_line("CPU time", &s.cpu_time),
        ],
    }
}

/// The catalog id that prices a front door.
pub fn front_door_service(fd: FrontDoor) -> Option<&'static str> {
    match fd {
        FrontDoor::None => None,
        FrontDoor::FunctionUrl => Some("aws-function-url"),
        FrontDoor::ApiGatewayHttp => Some("aws-api-gateway-http"),
        FrontDoor::ApiGatewayRest => Some("aws-api-gateway-rest"),
        FrontDoor::Alb => Some("aws-alb"),
    }
}

/// Choices for a combo box: (value, text, tooltip).
pub type Choices<T> = Vec<(T, String, String)>;

/// An entry of the Add platform menu.
pub struct AddEntry {
    pub id: String,
    pub label: String,
    pub tip: String,
    /// VM services: one entry per instance type (name, text, tooltip).
    pub instances: Choices<String>,
}

/// An EC2 instance type as a choice: its shape and on-demand rate, the rate's provenance.
fn instance_choice(inst: &crate::pricing::Ec2Instance) -> (String, String, String) {
    (
        inst.name.clone(),
        format!(
            "{} — {} vCPU, {} GiB, ${}/h",
            inst.name,
            fmt::num(inst.vcpu),
            fmt::num(inst.memory_gib),
            inst.hourly.usd.normalize()
        ),
        format!(
            "{}, on demand, {}; effective {}; {} ({:?})",
            inst.arch.label(),
            inst.hourly.region,
            inst.hourly.effective,
            inst.hourly.source,
            inst.hourly.status
        ),
    )
}

/// The regions a service is priced in, as choices: the reference region (stored as no
/// `region` at all, so files keep their shape) and then the others, each saying at whose
/// prices it is billed when that is another region's (Google's tiers).
fn region_choices(cat: &Catalog, id: &str) -> Choices<Option<String>> {
    let regions = cat.regions(id);
    let mut out = Vec::new();
    for (i, r) in regions.iter().enumerate() {
        let priced = cat.priced_as(id, r);
        let group = cat
            .region_groups
            .iter()
            .find(|g| g.services.iter().any(|s| s == id) && g.regions.iter().any(|x| x == r));
        let mut tip = match group {
            Some(g) if priced != *r => format!("{}: billed at {priced}'s prices ({})", g.name, g.source),
            Some(g) => format!("{}: prices read for this region ({})", g.name, g.source),
            None => "prices read for this region".to_string(),
        };
        if i == 0 {
            tip.push_str("; the catalog's reference region, used when a platform names none");
            out.push((None, format!("{r} (default)"), tip));
        } else {
            out.push((Some(r.to_string()), r.to_string(), tip));
        }
    }
    out
}

/// Everything the editor shows about the catalog — combo box choices and sourced-rate
/// tooltips — built once when the catalog is loaded, not per frame.
pub struct CatalogView {
    services: [Choices<String>; 3],
    pub add_menu: Vec<(Kind, Vec<AddEntry>)>,
    pub front_doors_lambda: Choices<FrontDoor>,
    pub front_doors: Choices<FrontDoor>,
    pub arch: Choices<Arch>,
    pub purchase: Choices<Purchase>,
    service_tips: HashMap<(String, Arch), String>,
    instances: HashMap<String, Choices<String>>,
    /// EC2 instance types priced in a region other than the reference one, by (id, region).
    regional_instances: HashMap<(String, String), Choices<String>>,
    instance_tips: HashMap<(String, String), String>,
    /// The purchase options each service offers.
    purchases: HashMap<String, Choices<Purchase>>,
    /// The regions each service is priced in: `None` (its reference region) first.
    regions: HashMap<String, Choices<Option<String>>>,
    fn_memory: HashMap<String, Choices<u32>>,
    vcpu_sizes: HashMap<String, Choices<f64>>,
    task_memory: HashMap<(String, u64), Choices<f64>>,
    /// The managed services a workload's calls may name, and each one's operations (the
    /// first name of each meter).
    pub call_services: Choices<String>,
    call_operations: HashMap<String, Choices<String>>,
}

fn vcpu_key(v: f64) -> u64 {
    (v * 1000.0).round() as u64
}

impl CatalogView {
    pub fn new(cat: &Catalog) -> CatalogView {
        let mut services: [Choices<String>; 3] = Default::default();
        let mut add_menu = Vec::new();
        let mut instances = HashMap::new();
        let mut regional_instances = HashMap::new();
        let mut regions = HashMap::new();
        let mut purchase_services = Vec::new();
        let mut instance_tips = HashMap::new();
        for kind in Kind::ALL {
            let mut entries = Vec::new();
            for id in cat.ids_for(kind.role()) {
                let Some(s) = cat.get(id) else { continue };
                let tip = rates(s, Arch::X86_64, None).join("\n");
                services[kind.index()].push((id.to_string(), format!("{} ({id})", s.name()), tip.clone()));
                let mut inst_choices = Vec::new();
                regions.insert(id.to_string(), region_choices(cat, id));
                purchase_services.push((id.to_string(), Purchase::offered_by(s)));
                // by region name, the reference region's too (a file may name it)
                for r in cat.regions(id) {
                    if let Some(Service::AwsEc2(ec2)) = cat.get_in(id, Some(r)) {
                        let c = ec2.instances.iter().map(instance_choice).collect();
                        regional_instances.insert((id.to_string(), r.to_string()), c);
                    }
                }
                if let Service::AwsEc2(ec2) = s {
                    for inst in &ec2.instances {
                        inst_choices.push(instance_choice(inst));
                        instance_tips.insert(
                            (id.to_string(), inst.name.clone()),
                            format!(
                                "Instance type and its on-demand rate:\n{}",
                                rates(s, Arch::X86_64, Some(&inst.name)).join("\n")
                            ),
                        );
                    }
                    instances.insert(id.to_string(), inst_choices.clone());
                }
                entries.push(AddEntry {
                    id: id.to_string(),
                    label: if kind == Kind::Vm {
                        s.name().to_string()
                    } else {
                        format!("{} ({id})", s.name())
                    },
                    tip,
                    instances: inst_choices,
                });
            }
            add_menu.push((kind, entries));
        }
        let mut service_tips = HashMap::new();
        let mut fn_memory = HashMap::new();
        let mut vcpu_sizes = HashMap::new();
        let mut task_memory = HashMap::new();
        for s in cat.services() {
            for arch in [Arch::X86_64, Arch::Arm64] {
                service_tips.insert(
                    (s.id().to_string(), arch),
                    format!(
                        "The service that runs this platform. Rates from the catalog:\n{}",
                        rates(s, arch, None).join("\n")
                    ),
                );
            }
            if let Some(lim) = s.function_limits()
                && !lim.memory_sizes_mb.is_empty()
            {
                let choices = lim
                    .memory_sizes_mb
                    .iter()
                    .map(|m| {
                        (
                            *m,
                            format!("{m} MB"),
                            format!("{} vCPU", fmt::num(lim.vcpu_for_memory(*m))),
                        )
                    })
                    .collect();
                fn_memory.insert(s.id().to_string(), choices);
            }
            if let Some(lim) = s.container_limits()
                && !lim.sizes.is_empty()
            {
                let choices = lim
                    .sizes
                    .iter()
                    .map(|t| {
                        (
                            t.vcpu,
                            format!("{} vCPU", fmt::num(t.vcpu)),
                            format!(
                                "{} to {} GB memory",
                                fmt::num(t.memory_min_gb),
                                fmt::num(t.memory_max_gb)
                            ),
                        )
                    })
                    .collect();
                vcpu_sizes.insert(s.id().to_string(), choices);
                for t in &lim.sizes {
                    let mem = memory_choices(t)
                        .into_iter()
                        .map(|m| (m, format!("{} GB", fmt::num(m)), String::new()))
                        .collect();
                    task_memory.insert((s.id().to_string(), vcpu_key(t.vcpu)), mem);
                }
            }
        }
        let front = |lambda: bool| {
            let mut out = vec![(
                FrontDoor::None,
                "None".to_string(),
                "Reached directly (or by an event trigger); nothing extra billed".to_string(),
            )];
            for (fd, text) in [
                (FrontDoor::FunctionUrl, "Lambda function URL"),
                (FrontDoor::ApiGatewayHttp, "API Gateway HTTP API"),
                (FrontDoor::ApiGatewayRest, "API Gateway REST API"),
                (FrontDoor::Alb, "Application Load Balancer"),
            ] {
                if fd == FrontDoor::FunctionUrl && !lambda {
                    continue;
                }
                let tip = front_door_service(fd)
                    .and_then(|id| cat.get(id))
                    .map(|s| rates(s, Arch::X86_64, None).join("\n"))
                    .unwrap_or_else(|| "not in the loaded catalog".into());
                out.push((fd, text.to_string(), tip));
            }
            out
        };
        let mut call_services = Vec::new();
        let mut call_operations = HashMap::new();
        for id in cat.service_call_ids() {
            let Some(m) = cat.metered(id) else { continue };
            let ops: Choices<String> = m
                .meters
                .iter()
                .filter_map(|meter| {
                    let op = meter.operations.first()?;
                    let rate = match &meter.rate {
                        crate::pricing::Rate::Flat(p) => format!(
                            "${} per {} ({}, effective {}; {})",
                            p.usd.normalize(),
                            p.unit,
                            p.region,
                            p.effective,
                            p.source
                        ),
                        crate::pricing::Rate::Tiered(t) => {
                            format!("tiered, per {} ({})", t.unit, t.region)
                        }
                    };
                    let also = if meter.operations.len() > 1 {
                        format!("\nAlso named: {}", meter.operations[1..].join(", "))
                    } else {
                        String::new()
                    };
                    Some((op.clone(), op.clone(), format!("{}: {rate}{also}", meter.item)))
                })
                .collect();
            let tip = ops
                .iter()
                .map(|o| format!("{}: {}", o.0, o.2))
                .collect::<Vec<_>>()
                .join("\n");
            call_services.push((id.to_string(), format!("{} ({id})", m.name), tip));
            call_operations.insert(id.to_string(), ops);
        }
        let purchase: Choices<Purchase> = vec![
            (Purchase::OnDemand, "On demand".into(), "List price".into()),
            (
                Purchase::Savings1y,
                "Commitment, 1 year".into(),
                "A 1-year savings plan (AWS) or committed use discount (Google): the catalog's discount on what the commitment covers (Lambda: duration and provisioned concurrency, not requests; Cloud Run: CPU, memory and requests)".into(),
            ),
            (
                Purchase::Savings3y,
                "Commitment, 3 years".into(),
                "A 3-year savings plan or committed use discount, as above".into(),
            ),
            (
                Purchase::Spot,
                "Spot".into(),
                "Spare capacity at a discount; can be interrupted (not simulated)".into(),
            ),
        ];
        let purchases = purchase_services
            .into_iter()
            .map(|(id, offers)| {
                let c = purchase.iter().filter(|o| offers.contains(&o.0)).cloned().collect();
                (id, c)
            })
            .collect();
        CatalogView {
            purchases,
            services,
            add_menu,
            front_doors_lambda: front(true),
            front_doors: front(false),
            arch: vec![
                (Arch::X86_64, "x86_64".into(), "Intel/AMD".into()),
                (
                    Arch::Arm64,
                    "arm64 (Graviton)".into(),
                    "AWS Graviton: cheaper per GB-second or vCPU-hour on Lambda and Fargate".into(),
                ),
            ],
            purchase,
            service_tips,
            instances,
            regional_instances,
            instance_tips,
            regions,
            fn_memory,
            vcpu_sizes,
            task_memory,
            call_services,
            call_operations,
        }
    }

    /// The operations a call to managed service `id` may name (empty: not in the catalog).
    pub fn call_operations(&self, id: &str) -> &[(String, String, String)] {
        self.call_operations.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn services(&self, kind: Kind) -> &[(String, String, String)] {
        &self.services[kind.index()]
    }

    pub fn service_tip(&self, id: &str, arch: Arch) -> &str {
        self.service_tips
            .get(&(id.to_string(), arch))
            .map(String::as_str)
            .unwrap_or("The service that runs this platform (not in the loaded catalog)")
    }

    /// The instance types priced in `region` (`None`: the reference region).
    pub fn instances(&self, id: &str, region: Option<&str>) -> &[(String, String, String)] {
        match region {
            None => self.instances.get(id),
            Some(r) => self.regional_instances.get(&(id.to_string(), r.to_string())),
        }
        .map(Vec::as_slice)
        .unwrap_or(&[])
    }

    /// The purchase options service `id` offers (on demand only when unknown).
    pub fn purchases(&self, id: &str) -> &[(Purchase, String, String)] {
        self.purchases.get(id).map(Vec::as_slice).unwrap_or(&self.purchase[..1])
    }

    /// The regions `id` is priced in, its reference region (`None`) first.
    pub fn regions(&self, id: &str) -> &[(Option<String>, String, String)] {
        self.regions.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn instance_tip(&self, id: &str, instance: &str) -> &str {
        self.instance_tips
            .get(&(id.to_string(), instance.to_string()))
            .map(String::as_str)
            .unwrap_or("Instance type (not in the loaded catalog)")
    }

    /// Fixed memory sizes of a function service (None: any size in its range).
    pub fn function_memory(&self, id: &str) -> Option<&[(u32, String, String)]> {
        self.fn_memory.get(id).map(Vec::as_slice)
    }

    /// Fixed task sizes of a container service (None: any vCPU in its range).
    pub fn vcpu_sizes(&self, id: &str) -> Option<&[(f64, String, String)]> {
        self.vcpu_sizes.get(id).map(Vec::as_slice)
    }

    pub fn task_memory(&self, id: &str, vcpu: f64) -> &[(f64, String, String)] {
        self.task_memory
            .get(&(id.to_string(), vcpu_key(vcpu)))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

// ---------------------------------------------------------------------------------------
// Workloads and pipelines of an application

/// `base`, or `base 2`, `base 3`… : the first that no workload is called yet.
pub fn unique_workload_name(s: &Scenario, base: &str) -> String {
    let base = base.trim();
    let base = if base.is_empty() { "workload" } else { base };
    if s.workload_index(base).is_none() {
        return base.to_string();
    }
    (2..)
        .map(|k| format!("{base} {k}"))
        .find(|n| s.workload_index(n).is_none())
        .unwrap_or_else(|| base.to_string())
}

/// A new workload: one request per second of a plain 100 ms request.
pub fn new_workload(s: &Scenario) -> AppWorkload {
    AppWorkload {
        name: unique_workload_name(s, "workload"),
        traffic: Traffic {
            arrivals: Arrivals::Poisson,
            components: vec![Component::Constant { rps: 1.0 }],
        },
        request: Workload {
            duration_ms: Dist::Fixed(100.0),
            cpu_fraction: 0.5,
            cold_start_ms: Dist::Fixed(300.0),
            request_kb: 1.0,
            response_kb: 1.0,
            latency_slo_ms: None,
            requests_per_connection: 1.0,
            log_kb: 0.0,
            calls: Vec::new(),
        },
    }
}

/// A copy of workload `i` named `<name> copy` (made unique).
pub fn duplicate_workload(s: &Scenario, i: usize) -> Option<AppWorkload> {
    let w = s.workloads.get(i)?;
    let mut copy = w.clone();
    copy.name = unique_workload_name(s, &format!("{} copy", w.name));
    Some(copy)
}

/// Removes workload `i` unless it is the last one, with its mentions in platforms' `runs`
/// and pipeline steps (a pipeline left without steps goes too). True when removed.
pub fn remove_workload(s: &mut Scenario, i: usize) -> bool {
    if s.workloads.len() <= 1 || i >= s.workloads.len() {
        return false;
    }
    let name = s.workloads.remove(i).name;
    if s.workload_index(&name).is_none() {
        // a platform that ran only this workload is left with an empty list: every workload
        for p in &mut s.platforms {
            runs_mut(p).retain(|r| r != &name);
        }
        for p in &mut s.pipelines {
            p.steps.retain(|st| st != &name);
        }
        s.pipelines.retain(|p| !p.steps.is_empty());
    }
    true
}

/// The workloads a platform may run (empty: all).
pub fn runs_mut(p: &mut Platform) -> &mut Vec<String> {
    match p {
        Platform::Function(f) => &mut f.runs,
        Platform::Container(c) => &mut c.runs,
        Platform::Vm(v) => &mut v.runs,
    }
}

/// Renames a workload and every mention of it (triggers, `runs`, pipeline steps), unless
/// another workload already goes by the new name (then only the workload itself).
pub fn rename_workload(s: &mut Scenario, i: usize, new: &str) {
    let Some(old) = s.workloads.get(i).map(|w| w.name.clone()) else {
        return;
    };
    if old == new {
        return;
    }
    let taken = s.workloads.iter().enumerate().any(|(j, w)| j != i && w.name == new);
    s.workloads[i].name = new.to_string();
    if taken || s.workloads.iter().any(|w| w.name == old) {
        return;
    }
    for w in &mut s.workloads {
        for c in &mut w.traffic.components {
            if let Component::Triggered { workload, .. } = c
                && *workload == old
            {
                *workload = new.to_string();
            }
        }
    }
    for p in &mut s.platforms {
        for r in runs_mut(p).iter_mut() {
            if *r == old {
                *r = new.to_string();
            }
        }
    }
    for p in &mut s.pipelines {
        for st in &mut p.steps {
            if *st == old {
                *st = new.to_string();
            }
        }
    }
}

/// A new pipeline: the first trigger chain found (an upstream workload and the one it
/// triggers), or the first workload alone.
pub fn new_pipeline(s: &Scenario) -> Pipeline {
    let mut names: Vec<&str> = s.pipelines.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    let name = std::iter::once("pipeline".to_string())
        .chain((2..).map(|k| format!("pipeline {k}")))
        .find(|n| !names.contains(&n.as_str()))
        .unwrap_or_else(|| "pipeline".into());
    let chain = s.workloads.iter().find_map(|w| {
        w.traffic.components.iter().find_map(|c| match c {
            Component::Triggered { workload, .. } if s.workload_index(workload).is_some() => {
                Some(vec![workload.clone(), w.name.clone()])
            }
            _ => None,
        })
    });
    Pipeline {
        name,
        steps: chain.unwrap_or_else(|| s.workloads.iter().take(1).map(|w| w.name.clone()).collect()),
        latency_slo_ms: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, validate_scenario};

    /// Every platform the Add menu can create validates, on every service that fits.
    #[test]
    fn every_addable_platform_validates() {
        let cat = Catalog::builtin().unwrap();
        let base = default_scenario(&cat).unwrap();
        for kind in Kind::ALL {
            for id in cat.ids_for(kind.role()) {
                let instances: Vec<Option<String>> = match cat.get(id) {
                    Some(Service::AwsEc2(e)) => e.instances.iter().map(|i| Some(i.name.clone())).collect(),
                    _ => vec![None],
                };
                for inst in instances {
                    let mut s = base.clone();
                    let p = new_platform(kind, id, inst.as_deref(), &s, &cat).unwrap();
                    s.platforms.push(p);
                    let problems = validate_scenario(&s, &cat, None);
                    assert!(problems.is_empty(), "{kind:?} {id} {inst:?}: {problems:?}");
                }
            }
        }
    }

    /// NAT gateways and public IPv4 are priced for AWS only: moving a platform elsewhere
    /// drops them (and keeps the private subnets, which cost nothing by themselves).
    #[test]
    fn fitting_off_aws_clears_nat_and_ipv4() {
        let cat = Catalog::builtin().unwrap();
        let mut s = default_scenario(&cat).unwrap();
        let i = s.platforms.iter().position(|p| p.name() == "Fargate").unwrap();
        let Platform::Container(c) = &mut s.platforms[i] else {
            panic!("Fargate is a container")
        };
        c.network = Some(Network {
            vpc: true,
            nat_gateways: 2,
            public_ipv4: true,
        });
        fit_to_service(&mut s.platforms[i], &cat);
        assert_eq!(
            s.platforms[i].network().map(|n| n.nat_gateways),
            Some(2),
            "still on AWS"
        );
        let Platform::Container(c) = &mut s.platforms[i] else {
            unreachable!()
        };
        c.service = "gcp-cloud-run".into();
        fit_to_service(&mut s.platforms[i], &cat);
        assert_eq!(
            s.platforms[i].network(),
            Some(Network {
                vpc: true,
                nat_gateways: 0,
                public_ipv4: false
            })
        );
        assert!(validate_scenario(&s, &cat, None).is_empty());
    }

    #[test]
    fn a_new_call_is_one_priced_read_of_the_first_managed_service() {
        let cat = Catalog::builtin().unwrap();
        let view = CatalogView::new(&cat);
        let c = new_call(&view).unwrap();
        assert_eq!(
            (c.service.as_str(), c.operation.as_str(), c.per_request),
            ("aws-dynamodb", "read", 1.0)
        );
        let ops: Vec<&str> = view
            .call_operations("aws-dynamodb")
            .iter()
            .map(|o| o.0.as_str())
            .collect();
        assert_eq!(ops, ["read", "write", "storage"]);
        assert!(
            view.call_operations("aws-dynamodb")[0]
                .2
                .contains("$0.000000125 per read request unit")
        );
        assert!(view.call_services.iter().all(|(id, _, _)| cat.metered(id).is_some()));
        assert!(view.call_operations("no-such-service").is_empty());
    }

    /// Switching a platform to another service of its kind keeps it valid.
    #[test]
    fn fitting_to_another_service_validates() {
        let cat = Catalog::builtin().unwrap();
        let base = default_scenario(&cat).unwrap();
        for (i, p) in base.platforms.iter().enumerate() {
            for id in cat.ids_for(Kind::of(p).role()) {
                let mut s = base.clone();
                match &mut s.platforms[i] {
                    Platform::Function(f) => f.service = id.to_string(),
                    Platform::Container(c) => c.service = id.to_string(),
                    Platform::Vm(v) => v.service = id.to_string(),
                }
                fit_to_service(&mut s.platforms[i], &cat);
                let problems = validate_scenario(&s, &cat, None);
                assert!(problems.is_empty(), "{} -> {id}: {problems:?}", p.name());
            }
        }
        let names: Vec<String> = Kind::ALL.iter().map(|k| k.label().to_string()).collect();
        assert_eq!(names, ["Function", "Container", "VM"]);
        assert_eq!(unique_name("Lambda", &base), "Lambda 2");
    }

    #[test]
    fn rates_name_their_source() {
        let cat = Catalog::builtin().unwrap();
        for s in cat.services() {
            let lines = rates(s, Arch::X86_64, None);
            assert!(!lines.is_empty(), "{}", s.id());
            assert!(lines.iter().all(|l| l.contains("http")), "{}: {lines:?}", s.id());
        }
    }

    fn app() -> Scenario {
        let text = include_str!("../../tests/fixtures/app/shop.ron");
        crate::model::ron_options().from_str(text).expect("shop fixture parses")
    }

    #[test]
    fn new_and_copied_workloads_get_unused_names() {
        let mut s = app();
        assert_eq!(unique_workload_name(&s, "api"), "api 2");
        assert_eq!(unique_workload_name(&s, "report"), "report");
        let w = new_workload(&s);
        assert_eq!(w.name, "workload");
        s.workloads.push(w);
        assert_eq!(new_workload(&s).name, "workload 2");
        let copy = duplicate_workload(&s, 0).unwrap();
        assert_eq!(copy.name, "api copy");
        assert_eq!(copy.traffic, s.workloads[0].traffic);
        assert!(duplicate_workload(&s, 9).is_none());
    }

    #[test]
    fn renaming_a_workload_renames_its_triggers_runs_and_steps() {
        let mut s = app();
        runs_mut(&mut s.platforms[1]).push("api".into());
        rename_workload(&mut s, 0, "store");
        assert_eq!(s.workloads[0].name, "store");
        assert!(matches!(&s.workloads[1].traffic.components[0],
            Component::Triggered { workload, .. } if workload == "store"));
        assert_eq!(s.platforms[1].runs(), ["store".to_string()]);
        assert_eq!(s.pipelines[0].steps, ["store", "worker"]);
        // a name another workload has: only this one changes, the mentions stay
        rename_workload(&mut s, 0, "worker");
        assert_eq!(s.pipelines[0].steps, ["store", "worker"]);
    }

    #[test]
    fn removing_a_workload_keeps_the_last_and_drops_its_mentions() {
        let mut s = app();
        runs_mut(&mut s.platforms[1]).extend(["api".to_string(), "worker".to_string()]);
        assert!(remove_workload(&mut s, 1));
        assert_eq!(s.workloads.len(), 1);
        assert_eq!(s.platforms[1].runs(), ["api".to_string()]);
        assert_eq!(s.pipelines[0].steps, ["api"]);
        assert!(!remove_workload(&mut s, 0), "the last workload stays");
        assert_eq!(s.workloads.len(), 1);
    }

    #[test]
    fn a_new_pipeline_follows_a_trigger_chain() {
        let mut s = app();
        let p = new_pipeline(&s);
        assert_eq!(p.name, "pipeline");
        assert_eq!(p.steps, ["api", "worker"]);
        s.pipelines.push(p);
        assert_eq!(new_pipeline(&s).name, "pipeline 2");
    }
}
