//! Quick quotes: the average-usage estimate the providers' calculators give (no
//! simulation, no cold starts, no scaling). The fastest way to sanity-check a number, and
//! the way the official worked examples are stated.
//!
//! `extras` quotes the rest of the bill (network, logs, storage, credits, managed
//! services) and the extra lines of an EC2 quote (root volume, public IPv4, surplus credits).

mod extras;

use crate::billing::{
    self, AlbUsage, ApiGatewayHttpUsage, ApiGatewayRestUsage, AzureContainerAppsUsage, AzureFlexUsage,
    AzureFunctionsUsage, Bill, BillOptions, CloudFunctionsUsage, CloudRunUsage, Ec2Usage, FargateUsage, LambdaUsage,
    Os, Usage, WorkersUsage, dec,
};
use crate::model::{ContainerBilling, Purchase};
use crate::pricing::{Arch, Catalog, FunctionLimits, Service};
use thiserror::Error;

/// Calculator inputs; which ones a service needs is checked by `quote`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuoteInput {
    pub service: String,
    pub requests: Option<f64>,
    pub duration_ms: Option<f64>,
    pub memory_mb: Option<f64>,
    pub arch: Arch,
    pub no_free_tier: bool,
    pub ephemeral_mb: Option<f64>,
    pub provisioned: Option<f64>,
    pub provisioned_hours: Option<f64>,
    pub request_kb: Option<f64>,
    pub response_kb: Option<f64>,
    pub task_hours: Option<f64>,
    pub vcpu: Option<f64>,
    /// A commitment of this many dollars an hour (with a savings or CUD `purchase`).
    pub commitment_per_hour: Option<f64>,
    pub vcpu_seconds: Option<f64>,
    pub gib_seconds: Option<f64>,
    pub memory_gb: Option<f64>,
    pub ephemeral_gb: Option<f64>,
    pub windows: bool,
    pub instance: Option<String>,
    /// Region to price in (`None`: the service's reference region).
    pub region: Option<String>,
    pub hours: Option<f64>,
    pub idle_hours: Option<f64>,
    pub purchase: Purchase,
    pub cpu_ms: Option<f64>,
    pub concurrency: Option<f64>,
    pub instance_based: bool,
    pub lcu: Option<f64>,
    pub always_ready: Option<f64>,
    // The rest of the bill (see `extras`).
    pub gb_out: Option<f64>,
    pub gb: Option<f64>,
    pub inter_az_gb: Option<f64>,
    pub addresses: Option<f64>,
    pub tunnels: Option<f64>,
    pub ingest_gb: Option<f64>,
    pub vended_gb: Option<f64>,
    pub archive_gb: Option<f64>,
    pub insights_gb: Option<f64>,
    pub storage_gb: Option<f64>,
    pub reads: Option<f64>,
    pub writes: Option<f64>,
    pub deletes: Option<f64>,
    pub transitions: Option<f64>,
    pub events: Option<f64>,
    pub request_units: Option<f64>,
    pub payload_kb: Option<f64>,
    /// EBS volume type (`--type`).
    pub volume_type: Option<String>,
    pub iops: Option<f64>,
    pub throughput: Option<f64>,
    /// EC2: a gp3 root volume of this size per instance.
    pub ebs_gb: Option<f64>,
    /// EC2: public IPv4 addresses per instance.
    pub public_ipv4: Option<f64>,
    /// EC2 burstable: average share of the instance's vCPUs in use.
    pub cpu_utilization: Option<f64>,
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum QuoteError {
    #[error("unknown service `{0}`; known services: {1}")]
    UnknownService(String, String),
    #[error("{service} needs --{option}")]
    Missing { service: String, option: &'static str },
    #[error("{service} needs a quantity: {options}")]
    NeedsOne { service: String, options: String },
    #[error("--{option}: {message}")]
    Invalid { option: &'static str, message: String },
    /// A flag the service does not read: silently ignoring it would quote something else.
    #[error("--{option} does not apply to {service}; it takes: {takes}")]
    NotApplicable {
        service: String,
        option: &'static str,
        takes: String,
    },
    /// An integer usage quantity past u64: the bill would be capped, not exact.
    #[error("{0}")]
    Overflow(String),
    #[error("{0}")]
    Billing(#[from] billing::BillingError),
    /// A region the catalog does not price the service in: no silent fallback.
    #[error("--region: the catalog has no prices of `{service}` for region `{region}`; it has: {known}")]
    Region {
        service: String,
        region: String,
        known: String,
    },
}

/// A flag value as the user would type it back (`1e15`, `900000`, `2.5`).
fn shown(x: f64) -> String {
    if x.abs() >= 1e7 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The error for an integer usage quantity that does not fit: names the flags behind it.
fn overflow(inputs: &[(&str, f64)], quantity: &str, unit: &str) -> QuoteError {
    let lhs = inputs
        .iter()
        .map(|(o, v)| format!("--{o} {}", shown(*v)))
        .collect::<Vec<_>>()
        .join(" x ");
    QuoteError::Overflow(format!(
        "{lhs}: {quantity} overflow (more than 1.8e19 {unit}); reduce the volume"
    ))
}

/// `a * b` exactly, or the overflow error for `quantity`.
fn mul(a: u64, b: u64, inputs: &[(&str, f64)], quantity: &str, unit: &str) -> Result<u64, QuoteError> {
    a.checked_mul(b).ok_or_else(|| overflow(inputs, quantity, unit))
}

/// A non-negative decimal rounded to the nearest integer, or the overflow error.
fn dec_u64(x: rust_decimal::Decimal, inputs: &[(&str, f64)], quantity: &str, unit: &str) -> Result<u64, QuoteError> {
    use rust_decimal::prelude::ToPrimitive;
    x.round().to_u64().ok_or_else(|| overflow(inputs, quantity, unit))
}

/// The flags each kind of service reads (besides `--no-free-tier` and `--json`, which
/// every quote takes). Anything else given is an error rather than silently ignored.
pub fn flags_of(service: &Service) -> &'static [&'static str] {
    match service {
        Service::AwsLambda(_) => &[
            "requests",
            "duration-ms",
            "memory-mb",
            "arch",
            "ephemeral-mb",
            "provisioned",
            "provisioned-hours",
            "purchase",
            "commitment-per-hour",
        ],
        Service::AwsApiGatewayHttp(_) => &["requests", "request-kb"],
        Service::AwsApiGatewayRest(_) => &["requests", "response-kb"],
        Service::AwsFunctionUrl(_) => &["requests"],
        Service::AwsAlb(_) => &["hours", "lcu"],
        Service::AwsFargate(_) => &[
            "task-hours",
            "vcpu",
            "memory-gb",
            "ephemeral-gb",
            "arch",
            "windows",
            "purchase",
            "commitment-per-hour",
        ],
        Service::AwsEc2(_) => &[
            "instance",
            "hours",
            "purchase",
            "commitment-per-hour",
            "ebs-gb",
            "public-ipv4",
            "cpu-utilization",
        ],
        Service::GcpCloudRun(_) => &[
            "requests",
            "duration-ms",
            "vcpu",
            "memory-gb",
            "concurrency",
            "instance-based",
            "vcpu-seconds",
            "gib-seconds",
            "purchase",
            "commitment-per-hour",
        ],
        Service::GcpCloudFunctions(_) | Service::AzureFunctions(_) => &["requests", "duration-ms", "memory-mb"],
        Service::AzureFunctionsFlex(_) => &["requests", "duration-ms", "memory-mb", "always-ready"],
        Service::AzureContainerApps(_) => &[
            "hours",
            "idle-hours",
            "vcpu",
            "memory-gb",
            "requests",
            "purchase",
            "commitment-per-hour",
        ],
        Service::CloudflareWorkers(_) => &["requests", "cpu-ms"],
    }
}

impl QuoteInput {
    /// The service-specific flags this input sets (a default arch or purchase counts as
    /// not given: it changes nothing).
    pub fn given(&self) -> Vec<&'static str> {
        let opt = [
            ("requests", self.requests.is_some()),
            ("duration-ms", self.duration_ms.is_some()),
            ("memory-mb", self.memory_mb.is_some()),
            ("arch", self.arch != Arch::default()),
            ("ephemeral-mb", self.ephemeral_mb.is_some()),
            ("provisioned", self.provisioned.is_some()),
            ("provisioned-hours", self.provisioned_hours.is_some()),
            ("request-kb", self.request_kb.is_some()),
            ("response-kb", self.response_kb.is_some()),
            ("task-hours", self.task_hours.is_some()),
            ("vcpu", self.vcpu.is_some()),
            ("vcpu-seconds", self.vcpu_seconds.is_some()),
            ("commitment-per-hour", self.commitment_per_hour.is_some()),
            ("gib-seconds", self.gib_seconds.is_some()),
            ("memory-gb", self.memory_gb.is_some()),
            ("ephemeral-gb", self.ephemeral_gb.is_some()),
            ("windows", self.windows),
            ("instance", self.instance.is_some()),
            ("hours", self.hours.is_some()),
            ("idle-hours", self.idle_hours.is_some()),
            ("purchase", self.purchase != Purchase::default()),
            ("cpu-ms", self.cpu_ms.is_some()),
            ("concurrency", self.concurrency.is_some()),
            ("instance-based", self.instance_based),
            ("lcu", self.lcu.is_some()),
            ("always-ready", self.always_ready.is_some()),
            ("gb-out", self.gb_out.is_some()),
            ("gb", self.gb.is_some()),
            ("inter-az-gb", self.inter_az_gb.is_some()),
            ("addresses", self.addresses.is_some()),
            ("tunnels", self.tunnels.is_some()),
            ("ingest-gb", self.ingest_gb.is_some()),
            ("vended-gb", self.vended_gb.is_some()),
            ("archive-gb", self.archive_gb.is_some()),
            ("insights-gb", self.insights_gb.is_some()),
            ("storage-gb", self.storage_gb.is_some()),
            ("reads", self.reads.is_some()),
            ("writes", self.writes.is_some()),
            ("deletes", self.deletes.is_some()),
            ("transitions", self.transitions.is_some()),
            ("events", self.events.is_some()),
            ("request-units", self.request_units.is_some()),
            ("payload-kb", self.payload_kb.is_some()),
            ("type", self.volume_type.is_some()),
            ("iops", self.iops.is_some()),
            ("throughput", self.throughput.is_some()),
            ("ebs-gb", self.ebs_gb.is_some()),
            ("public-ipv4", self.public_ipv4.is_some()),
            ("cpu-utilization", self.cpu_utilization.is_some()),
        ];
        opt.iter().filter(|(_, g)| *g).map(|(n, _)| *n).collect()
    }
}

fn need(v: Option<f64>, service: &str, option: &'static str) -> Result<f64, QuoteError> {
    v.ok_or(QuoteError::Missing {
        service: service.to_string(),
        option,
    })
}

/// A finite number within [lo, hi].
fn check(x: f64, option: &'static str, lo: f64, hi: f64) -> Result<f64, QuoteError> {
    if !x.is_finite() || x < lo || x > hi {
        return Err(QuoteError::Invalid {
            option,
            message: {
                let n = crate::model::validate::fmt;
                format!("{} is out of range: allowed {} to {}", n(x), n(lo), n(hi))
            },
        });
    }
    Ok(x)
}

/// A count: a whole number (a fraction of a request or an environment is a typo, not
/// something to round away).
/// `--duration-ms` and `--memory-mb` of a function, within its service's limits.
fn duration_and_memory(q: &QuoteInput, id: &str, limits: &FunctionLimits) -> Result<(f64, u32), QuoteError> {
    let d = check(
        need(q.duration_ms, id, "duration-ms")?,
        "duration-ms",
        0.0,
        limits.max_duration_s * 1000.0,
    )?;
    let mem = whole(
        check(
            need(q.memory_mb, id, "memory-mb")?,
            "memory-mb",
            limits.memory_min_mb as f64,
            limits.memory_max_mb as f64,
        )?,
        "memory-mb",
    )? as u32;
    Ok((d, mem))
}

fn whole(x: f64, option: &'static str) -> Result<f64, QuoteError> {
    if x.fract() != 0.0 {
        return Err(QuoteError::Invalid {
            option,
            message: format!("{x} is not a whole number"),
        });
    }
    Ok(x)
}

fn count(v: Option<f64>, service: &str, option: &'static str) -> Result<u64, QuoteError> {
    let x = whole(check(need(v, service, option)?, option, 0.0, 1e15)?, option)?;
    Ok(x as u64)
}

fn opt_count(v: Option<f64>, option: &'static str, default: f64, hi: f64) -> Result<f64, QuoteError> {
    whole(check(v.unwrap_or(default), option, 0.0, hi)?, option)
}

fn opt_real(v: Option<f64>, option: &'static str, default: f64, hi: f64) -> Result<f64, QuoteError> {
    check(v.unwrap_or(default), option, 0.0, hi)
}

/// Prices an average month of usage on one service.
pub fn quote(catalog: &Catalog, q: &QuoteInput) -> Result<Bill, QuoteError> {
    let mut bill = match q.commitment_per_hour {
        None => quote_priced(catalog, q)?,
        Some(per_hour) => committed(catalog, q, per_hour)?,
    };
    // a region of a price group (Google's tiers) is billed at another's prices, under its own name
    if let Some(r) = &q.region {
        bill.region = r.clone();
    }
    Ok(bill)
}

/// A purchase option the service does not offer (Spot on Lambda, Cloud Run or Container
/// Apps) is an error naming, as flags, the ones it does (`Purchase::offered_by`).
fn offered(service: &Service, purchase: Purchase) -> Result<(), QuoteError> {
    let offers = Purchase::offered_by(service);
    if offers.contains(&purchase) {
        return Ok(());
    }
    let google = matches!(service, Service::GcpCloudRun(_));
    let flag = |p: &Purchase| match p {
        Purchase::OnDemand => "on-demand",
        Purchase::Savings1y if google => "cud-1y",
        Purchase::Savings3y if google => "cud-3y",
        Purchase::Savings1y => "savings-1y",
        Purchase::Savings3y => "savings-3y",
        Purchase::Spot => "spot",
    };
    let flags: Vec<&str> = offers.iter().map(flag).collect();
    let takes = match flags.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => flags.join(""),
    };
    let what = if purchase == Purchase::Spot {
        "Spot"
    } else {
        "commitment"
    };
    // (without the plan in brackets: "Azure Container Apps (Consumption)")
    let name = service.name().split(" (").next().unwrap_or_default();
    Err(QuoteError::Invalid {
        option: "purchase",
        message: format!("{name} has no {what} pricing; it takes {takes}"),
    })
}

/// Hours of the month a quote prices (30 days, as the providers' examples).
const QUOTE_HOURS: usize = 720;

/// A quote under a commitment of `per_hour` dollars an hour: the usage priced on demand,
/// spread evenly over the month's hours (a calculator's average), then the commitment
/// billed hour by hour (`billing::commitment`).
fn committed(catalog: &Catalog, q: &QuoteInput, per_hour: f64) -> Result<Bill, QuoteError> {
    let per_hour = check(per_hour, "commitment-per-hour", 0.0, 1e6)?;
    if !matches!(q.purchase, Purchase::Savings1y | Purchase::Savings3y) {
        return Err(QuoteError::Invalid {
            option: "commitment-per-hour",
            message: "a commitment needs --purchase savings-1y or savings-3y (cud-1y or cud-3y on Google Cloud)".into(),
        });
    }
    let on_demand = QuoteInput {
        purchase: Purchase::OnDemand,
        commitment_per_hour: None,
        ..q.clone()
    };
    let mut bill = quote_priced(catalog, &on_demand)?;
    let service = catalog
        .get_in(&q.service, q.region.as_deref())
        .ok_or_else(|| QuoteError::UnknownService(q.service.clone(), String::new()))?;
    let billing = if q.instance_based {
        ContainerBilling::InstanceBased
    } else {
        ContainerBilling::RequestBased
    };
    let terms = billing::commitment::terms(service, q.purchase, billing).ok_or_else(|| QuoteError::Invalid {
        option: "commitment-per-hour",
        message: format!("the catalog has no commitment terms for {}", q.service),
    })?;
    billing::commitment::apply(&mut bill.lines, &terms, dec(per_hour), &[1.0; QUOTE_HOURS]);
    Ok(bill)
}

fn quote_priced(catalog: &Catalog, q: &QuoteInput) -> Result<Bill, QuoteError> {
    let id = q.service.as_str();
    if catalog.get(id).is_none()
        && let Some(x) = catalog.extra(id)
    {
        if let Some(r) = &q.region
            && r != x.region()
        {
            return Err(QuoteError::Region {
                service: id.to_string(),
                region: r.clone(),
                known: x.region().to_string(),
            });
        }
        return extras::quote_extra(catalog, x, q);
    }
    let base = catalog.get(id).ok_or_else(|| {
        let mut known: Vec<&str> = catalog.ids().collect();
        known.extend(catalog.extras().map(|x| x.id()));
        known.sort_unstable();
        QuoteError::UnknownService(id.to_string(), known.join(", "))
    })?;
    let service = match q.region.as_deref() {
        None => base,
        Some(r) => catalog.get_in(id, Some(r)).ok_or_else(|| QuoteError::Region {
            service: id.to_string(),
            region: r.to_string(),
            known: catalog.regions(id).join(", "),
        })?,
    };
    let takes = flags_of(service);
    if let Some(option) = q.given().into_iter().find(|f| !takes.contains(f)) {
        return Err(QuoteError::NotApplicable {
            service: id.to_string(),
            option,
            takes: takes.iter().map(|f| format!("--{f}")).collect::<Vec<_>>().join(", "),
        });
    }
    offered(service, q.purchase)?;
    let opts = BillOptions {
        free_tier: !q.no_free_tier,
        ..BillOptions::default()
    };
    let usage = match service {
        Service::AwsLambda(p) => {
            let requests = count(q.requests, id, "requests")?;
            let (d, mem) = duration_and_memory(q, id, &p.limits)?;
            let eph = whole(
                check(q.ephemeral_mb.unwrap_or(512.0), "ephemeral-mb", 512.0, 10240.0)?,
                "ephemeral-mb",
            )? as u32;
            let billed = mul(
                requests,
                d.ceil() as u64,
                &[("requests", requests as f64), ("duration-ms", d)],
                "billed milliseconds",
                "ms",
            )?;
            let pc = opt_count(q.provisioned, "provisioned", 0.0, 1e6)? as u32;
            let mut u = LambdaUsage {
                arch: q.arch,
                memory_mb: mem,
                ephemeral_mb: eph,
                purchase: q.purchase,
                ..Default::default()
            };
            if pc > 0 {
                let hours = check(
                    need(q.provisioned_hours, id, "provisioned-hours")?,
                    "provisioned-hours",
                    0.0,
                    744.0,
                )?;
                u.provisioned_concurrency = pc;
                u.provisioned_enabled_s = (hours * 3600.0).round() as u64;
                u.provisioned_requests = requests;
                u.provisioned_billed_ms = billed;
            } else {
                u.on_demand_requests = requests;
                u.on_demand_billed_ms = billed;
            }
            Usage::Lambda(u)
        }
        Service::AwsApiGatewayHttp(_) => Usage::ApiGatewayHttp(ApiGatewayHttpUsage {
            requests: count(q.requests, id, "requests")?,
            kb_per_request: opt_real(q.request_kb, "request-kb", 1.0, 1e7)?,
        }),
        Service::AwsApiGatewayRest(_) => Usage::ApiGatewayRest(ApiGatewayRestUsage {
            requests: count(q.requests, id, "requests")?,
            response_kb: opt_real(q.response_kb, "response-kb", 0.0, 1e7)?,
        }),
        Service::AwsFunctionUrl(_) => Usage::FunctionUrl {
            requests: count(q.requests, id, "requests")?,
        },
        Service::AwsAlb(_) => {
            let hours = check(need(q.hours, id, "hours")?, "hours", 0.0, 1e6)?.ceil() as u64;
            let lcu = check(need(q.lcu, id, "lcu")?, "lcu", 0.0, 1e6)?;
            Usage::Alb(AlbUsage {
                hours,
                lcu_hours: dec(lcu) * rust_decimal::Decimal::from(hours),
            })
        }
        Service::AwsFargate(p) => {
            let task_hours = check(need(q.task_hours, id, "task-hours")?, "task-hours", 0.0, 1e9)?;
            let vcpu = check(need(q.vcpu, id, "vcpu")?, "vcpu", p.limits.vcpu_min, p.limits.vcpu_max)?;
            let mem = check(
                need(q.memory_gb, id, "memory-gb")?,
                "memory-gb",
                p.limits.memory_min_gb,
                p.limits.memory_max_gb,
            )?;
            // (the task sizes Fargate sells, as a scenario is held to)
            if let Some((field, message)) =
                crate::model::validate::task_size_problem(&p.limits, "AWS Fargate", vcpu, mem)
            {
                return Err(QuoteError::Invalid {
                    option: if field == "vcpu" { "vcpu" } else { "memory-gb" },
                    message,
                });
            }
            let eph = check(
                q.ephemeral_gb.unwrap_or(p.ephemeral_included_gb),
                "ephemeral-gb",
                0.0,
                200.0,
            )?;
            Usage::Fargate(FargateUsage {
                arch: q.arch,
                os: if q.windows { Os::Windows } else { Os::Linux },
                vcpu: dec(vcpu),
                memory_gb: dec(mem),
                ephemeral_gb: dec(eph),
                task_seconds: (task_hours * 3600.0).round() as u64,
                purchase: q.purchase,
            })
        }
        Service::AwsEc2(p) => {
            let instance = q.instance.clone().ok_or(QuoteError::Missing {
                service: id.into(),
                option: "instance",
            })?;
            if !p.instances.iter().any(|i| i.name == instance) {
                return Err(QuoteError::Invalid {
                    option: "instance",
                    message: format!(
                        "unknown instance type `{instance}`{}; the catalog has: {}",
                        match &q.region {
                            Some(r) => format!(" in {r}"),
                            None => String::new(),
                        },
                        p.instances
                            .iter()
                            .map(|i| i.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            let hours = check(need(q.hours, id, "hours")?, "hours", 0.0, 1e9)?;
            let instance_seconds = (hours * 3600.0).round() as u64;
            let extra = extras::ec2_extras(catalog, q, &instance, hours, instance_seconds)?;
            let mut bill = billing::bill(
                service,
                &Usage::Ec2(Ec2Usage {
                    instance,
                    instance_seconds,
                    purchase: q.purchase,
                }),
                &opts,
            )?;
            for b in extra {
                bill.extend(b);
            }
            return Ok(bill);
        }
        Service::GcpCloudRun(p) => {
            let billing = if q.instance_based {
                ContainerBilling::InstanceBased
            } else {
                ContainerBilling::RequestBased
            };
            if q.vcpu_seconds.is_some() || q.gib_seconds.is_some() {
                // usage given as totals: one second of an "instance" that large
                for f in ["duration-ms", "vcpu", "memory-gb", "concurrency"] {
                    if q.given().contains(&f) {
                        return Err(QuoteError::Invalid {
                            option: "vcpu-seconds",
                            message: format!(
                                "give the usage either as --vcpu-seconds and --gib-seconds or with --{f}, not both"
                            ),
                        });
                    }
                }
                let vcpu_s = check(need(q.vcpu_seconds, id, "vcpu-seconds")?, "vcpu-seconds", 0.0, 1e15)?;
                let gib_s = check(need(q.gib_seconds, id, "gib-seconds")?, "gib-seconds", 0.0, 1e15)?;
                let requests = match billing {
                    ContainerBilling::RequestBased => count(q.requests, id, "requests")?,
                    ContainerBilling::InstanceBased => opt_count(q.requests, "requests", 0.0, 1e15)? as u64,
                };
                Usage::CloudRun(CloudRunUsage {
                    billing,
                    vcpu: dec(vcpu_s),
                    memory_gib: dec(gib_s),
                    billable_ms: 1000,
                    idle_min_instance_ms: 0,
                    requests,
                    purchase: q.purchase,
                    direct: true,
                })
            } else {
                let requests = count(q.requests, id, "requests")?;
                let d = check(need(q.duration_ms, id, "duration-ms")?, "duration-ms", 0.0, 3.6e6)?;
                let vcpu = check(q.vcpu.unwrap_or(1.0), "vcpu", p.limits.vcpu_min, p.limits.vcpu_max)?;
                let mem = check(
                    q.memory_gb.unwrap_or(0.5),
                    "memory-gb",
                    p.limits.memory_min_gb,
                    p.limits.memory_max_gb,
                )?;
                let c = whole(
                    check(
                        q.concurrency.unwrap_or(1.0),
                        "concurrency",
                        1.0,
                        p.limits.max_instance_concurrency as f64,
                    )?,
                    "concurrency",
                )? as u64;
                // Calculator view: requests packed `c` at a time, each period rounded to 100 ms.
                let step = p.rounding_ms.max(1);
                let per = (d.ceil() as u64).div_ceil(step) * step;
                let all_ms = mul(
                    requests,
                    per,
                    &[("requests", requests as f64), ("duration-ms", d)],
                    "billable instance milliseconds",
                    "ms",
                )?;
                // exact integer division, rounded half up
                let billable_ms = all_ms / c + u64::from(all_ms % c * 2 >= c);
                Usage::CloudRun(CloudRunUsage {
                    billing,
                    vcpu: dec(vcpu),
                    memory_gib: dec(mem),
                    billable_ms,
                    idle_min_instance_ms: 0,
                    requests,
                    purchase: q.purchase,
                    direct: false,
                })
            }
        }
        Service::GcpCloudFunctions(p) => {
            let requests = count(q.requests, id, "requests")?;
            let (d, mem) = duration_and_memory(q, id, &p.limits)?;
            let step = p.rounding_ms.max(1);
            let per = ((d.ceil() as u64).div_ceil(step) * step).max(step);
            Usage::CloudFunctions(CloudFunctionsUsage {
                memory_mb: mem,
                invocations: requests,
                billed_ms: mul(
                    requests,
                    per,
                    &[("requests", requests as f64), ("duration-ms", d)],
                    "billed milliseconds",
                    "ms",
                )?,
            })
        }
        Service::AzureFunctions(p) => {
            let requests = count(q.requests, id, "requests")?;
            let d = check(
                need(q.duration_ms, id, "duration-ms")?,
                "duration-ms",
                0.0,
                p.limits.max_duration_s * 1000.0,
            )?;
            let mem = whole(
                check(
                    need(q.memory_mb, id, "memory-mb")?,
                    "memory-mb",
                    1.0,
                    p.limits.memory_max_mb as f64,
                )?,
                "memory-mb",
            )? as u32;
            let mb = azure_billed_mb(mem, p.memory_step_mb);
            let ms = (d.ceil() as u64).max(p.minimum_ms);
            let inputs = [
                ("requests", requests as f64),
                ("duration-ms", d),
                ("memory-mb", mem as f64),
            ];
            let billed_ms = mul(requests, ms, &inputs, "billed milliseconds", "ms")?;
            Usage::AzureFunctions(AzureFunctionsUsage {
                executions: requests,
                mb_ms: mul(billed_ms, mb as u64, &inputs, "execution units", "MB-ms")?,
            })
        }
        Service::AzureFunctionsFlex(p) => {
            let requests = count(q.requests, id, "requests")?;
            let d = check(
                need(q.duration_ms, id, "duration-ms")?,
                "duration-ms",
                0.0,
                p.limits.max_duration_s * 1000.0,
            )?;
            let mem = q.memory_mb.unwrap_or(2048.0);
            if !p.limits.memory_sizes_mb.iter().any(|m| *m as f64 == mem) {
                return Err(QuoteError::Invalid {
                    option: "memory-mb",
                    message: format!(
                        "Flex Consumption instance sizes are {:?} MB, found {mem}",
                        p.limits.memory_sizes_mb
                    ),
                });
            }
            let per = flex_billed_ms(d, p.minimum_ms, p.rounding_ms);
            let busy_ms = mul(
                requests,
                per,
                &[("requests", requests as f64), ("duration-ms", d)],
                "billed milliseconds",
                "ms",
            )?;
            let ar = opt_count(q.always_ready, "always-ready", 0.0, 1000.0)? as u32;
            let mut u = AzureFlexUsage {
                instance_mb: mem as u32,
                ..Default::default()
            };
            if ar > 0 {
                u.always_ready_instances = ar;
                u.always_ready_s = 30 * 86_400;
                u.always_ready_executions = requests;
                u.always_ready_busy_ms = busy_ms;
            } else {
                u.on_demand_executions = requests;
                u.on_demand_ms = busy_ms;
            }
            Usage::AzureFlex(u)
        }
        Service::AzureContainerApps(p) => {
            let hours = check(need(q.hours, id, "hours")?, "hours", 0.0, 1e9)?;
            let idle = check(q.idle_hours.unwrap_or(0.0), "idle-hours", 0.0, 1e9)?;
            let vcpu = check(q.vcpu.unwrap_or(0.5), "vcpu", p.limits.vcpu_min, p.limits.vcpu_max)?;
            let mem = check(
                q.memory_gb.unwrap_or(1.0),
                "memory-gb",
                p.limits.memory_min_gb,
                p.limits.memory_max_gb,
            )?;
            Usage::AzureContainerApps(AzureContainerAppsUsage {
                vcpu: dec(vcpu),
                memory_gib: dec(mem),
                active_ms: (hours * 3.6e6).round() as u64,
                idle_ms: (idle * 3.6e6).round() as u64,
                requests: match q.requests {
                    Some(_) => count(q.requests, id, "requests")?,
                    None => 0,
                },
                purchase: q.purchase,
            })
        }
        Service::CloudflareWorkers(p) => {
            let requests = count(q.requests, id, "requests")?;
            let max_cpu_ms = p.limits.max_cpu_s.unwrap_or(300.0) * 1000.0;
            let cpu = check(need(q.cpu_ms, id, "cpu-ms")?, "cpu-ms", 0.0, max_cpu_ms)?;
            // exact: a decimal product of the count and the (binary-exact) CPU time
            let cpu_ms = dec_u64(
                rust_decimal::Decimal::from(requests) * dec(cpu),
                &[("requests", requests as f64), ("cpu-ms", cpu)],
                "CPU milliseconds",
                "ms",
            )?;
            Usage::Workers(WorkersUsage { requests, cpu_ms })
        }
    };
    Ok(billing::bill(service, &usage, &opts)?)
}

/// Azure Consumption bills memory rounded up to 128 MB steps, at least one step.
pub fn azure_billed_mb(memory_mb: u32, step_mb: u32) -> u32 {
    let step = step_mb.max(1);
    memory_mb.div_ceil(step).max(1) * step
}

/// Flex Consumption bills each activity period for at least 1 s, then in 100 ms steps.
pub fn flex_billed_ms(duration_ms: f64, minimum_ms: u64, rounding_ms: u64) -> u64 {
    let step = rounding_ms.max(1);
    let ms = duration_ms.max(0.0).ceil() as u64;
    // at most an hour of duration (the flags' range): no overflow
    (ms.div_ceil(step) * step).max(minimum_ms)
}
