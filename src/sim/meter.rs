//! Usage accumulation during a run, and its conversion to billing usage records.
//!
//! Engines add metered quantities (integer-valued in the exact mode, expectations in the
//! fast mode) into per-bucket accumulators; f64 sums of integers are exact below 2^53, so
//! a billion requests do not drift. The billing core prices the totals once at the end,
//! and prefixes of the buckets for the cost-over-time series.

use super::spec::{FleetMetering, FleetSpec, FnMetering, FunctionSpec, Spec};
use crate::billing::{
    self, AlbUsage, ApiGatewayHttpUsage, ApiGatewayRestUsage, AzureContainerAppsUsage, AzureFlexUsage,
    AzureFunctionsUsage, Bill, BillOptions, BillingError, CloudFunctionsUsage, CloudRunUsage, Ec2Usage, FargateUsage,
    LambdaUsage, Os, Usage, WorkersUsage, dec,
};
use crate::model::{ContainerBilling, FrontDoor, Workload};
use crate::pricing::{Catalog, Service};
use rust_decimal::Decimal;

pub const REQ_OD: usize = 0;
pub const REQ_PC: usize = 1;
pub const MS_OD: usize = 2;
pub const MS_INIT: usize = 3;
pub const MS_PC: usize = 4;
pub const ACTIVE_MS: usize = 5;
pub const ACTIVE_MS_PC: usize = 6;
pub const CPU_US: usize = 7;
pub const IDLE_MIN_MS: usize = 8;
pub const REPLICA_S: usize = 9;
/// Requests arriving (served or not): front doors bill these.
pub const ARRIVALS: usize = 10;
pub const NF: usize = 11;

/// Metered quantities per time bucket.
#[derive(Clone, Debug)]
pub struct Acc {
    pub bucket_s: f64,
    pub buckets: Vec<[f64; NF]>,
}

impl Acc {
    pub fn new(bucket_s: f64, n: usize) -> Acc {
        Acc {
            bucket_s,
            buckets: vec![[0.0; NF]; n.max(1)],
        }
    }

    #[inline(always)]
    pub fn bucket(&self, t: f64) -> usize {
        ((t / self.bucket_s) as usize).min(self.buckets.len() - 1)
    }

    #[inline(always)]
    pub fn add(&mut self, t: f64, field: usize, v: f64) {
        let b = self.bucket(t);
        self.buckets[b][field] += v;
    }

    /// Sums of buckets `0..upto`.
    pub fn prefix(&self, upto: usize) -> [f64; NF] {
        let mut s = [0.0; NF];
        for b in &self.buckets[..upto.min(self.buckets.len())] {
            for (a, x) in s.iter_mut().zip(b) {
                *a += x;
            }
        }
        s
    }

    pub fn totals(&self) -> [f64; NF] {
        self.prefix(self.buckets.len())
    }
}

/// 2^64: the first total an integer usage quantity cannot hold.
const U64_END: f64 = 18_446_744_073_709_551_616.0;

/// Converts accumulated totals to the integer units billing takes, failing (rather than
/// capping at u64::MAX, which would bill far too little) on a total that does not fit.
struct Conv<'a> {
    platform: &'a str,
}

impl Conv<'_> {
    /// A total rounded to an integer; zero for nothing (or an engine's tiny negative).
    fn u(&self, x: f64, quantity: &'static str, unit: &'static str) -> Result<u64, BillingError> {
        let r = x.round();
        if r.is_nan() || r <= 0.0 {
            Ok(0)
        } else if r < U64_END {
            Ok(r as u64)
        } else {
            Err(BillingError::UsageOverflow {
                platform: self.platform.to_string(),
                quantity,
                unit,
            })
        }
    }

    fn requests(&self, x: f64) -> Result<u64, BillingError> {
        self.u(x, "requests", "requests")
    }

    fn ms(&self, x: f64) -> Result<u64, BillingError> {
        self.u(x, "billed milliseconds", "ms")
    }
}

/// The platform's own usage record from accumulated totals; an error names a quantity too
/// large to bill exactly.
pub fn platform_usage(spec: &Spec, tot: &[f64; NF], horizon_s: f64, catalog: &Catalog) -> Result<Usage, BillingError> {
    match spec {
        Spec::Function(f) => function_usage(f, tot, horizon_s, catalog),
        Spec::Fleet(f) => fleet_usage(f, tot),
    }
}

fn function_usage(f: &FunctionSpec, tot: &[f64; NF], horizon_s: f64, catalog: &Catalog) -> Result<Usage, BillingError> {
    let c = Conv { platform: &f.name };
    let requests = c.requests(tot[REQ_OD] + tot[REQ_PC])?;
    Ok(match f.metering {
        FnMetering::Lambda { .. } => Usage::Lambda(LambdaUsage {
            arch: f.arch,
            memory_mb: f.memory_mb,
            on_demand_requests: c.requests(tot[REQ_OD])?,
            provisioned_requests: c.requests(tot[REQ_PC])?,
            on_demand_billed_ms: c.ms(tot[MS_OD])?,
            init_billed_ms: c.ms(tot[MS_INIT])?,
            provisioned_billed_ms: c.ms(tot[MS_PC])?,
            provisioned_concurrency: f.provisioned,
            provisioned_enabled_s: if f.provisioned > 0 { horizon_s.ceil() as u64 } else { 0 },
            ephemeral_mb: f.ephemeral_mb,
            purchase: f.purchase,
        }),
        FnMetering::PerInvocation { .. } => Usage::CloudFunctions(CloudFunctionsUsage {
            memory_mb: f.memory_mb,
            invocations: requests,
            billed_ms: c.ms(tot[MS_OD] + tot[MS_PC])?,
        }),
        FnMetering::PerExecutionMin { .. } => {
            let step = match catalog.get_in(&f.service_id, f.region.as_deref()) {
                Some(Service::AzureFunctions(a)) => a.memory_step_mb,
                _ => 128,
            };
            let mb = crate::quote::azure_billed_mb(f.memory_mb, step) as f64;
            Usage::AzureFunctions(AzureFunctionsUsage {
                executions: requests,
                mb_ms: c.u((tot[MS_OD] + tot[MS_PC]) * mb, "execution units", "MB-ms")?,
            })
        }
        FnMetering::ActivePeriod { .. } => match catalog.get_in(&f.service_id, f.region.as_deref()) {
            Some(Service::AzureFunctionsFlex(_)) => Usage::AzureFlex(AzureFlexUsage {
                instance_mb: f.memory_mb,
                on_demand_executions: c.requests(tot[REQ_OD])?,
                on_demand_ms: c.ms(tot[ACTIVE_MS])?,
                always_ready_instances: f.provisioned,
                always_ready_s: if f.provisioned > 0 { horizon_s.ceil() as u64 } else { 0 },
                always_ready_executions: c.requests(tot[REQ_PC])?,
                always_ready_busy_ms: c.ms(tot[ACTIVE_MS_PC])?,
            }),
            Some(Service::GcpCloudRun(r)) => Usage::CloudRun(CloudRunUsage {
                billing: ContainerBilling::RequestBased,
                vcpu: dec(r.function_limits.vcpu_for_memory(f.memory_mb)),
                memory_gib: Decimal::from(f.memory_mb) / Decimal::from(1024),
                billable_ms: c.ms(tot[ACTIVE_MS] + tot[ACTIVE_MS_PC])?,
                idle_min_instance_ms: c.ms(tot[IDLE_MIN_MS])?,
                requests,
                purchase: f.purchase,
                direct: false,
            }),
            _ => Usage::FunctionUrl { requests },
        },
        FnMetering::CpuTime => Usage::Workers(WorkersUsage {
            requests,
            cpu_ms: c.u(tot[CPU_US] / 1000.0, "CPU milliseconds", "ms")?,
        }),
    })
}

fn fleet_usage(f: &FleetSpec, tot: &[f64; NF]) -> Result<Usage, BillingError> {
    let c = Conv { platform: &f.name };
    Ok(match f.metering {
        FleetMetering::Fargate => Usage::Fargate(FargateUsage {
            arch: f.arch,
            os: Os::Linux,
            vcpu: dec(f.vcpu),
            memory_gb: dec(f.memory_gb),
            ephemeral_gb: dec(f.ephemeral_gb.max(20.0)),
            task_seconds: c.u(tot[REPLICA_S], "task seconds", "s")?,
            purchase: f.purchase,
        }),
        FleetMetering::Ec2 => Usage::Ec2(Ec2Usage {
            instance: f.instance.clone(),
            instance_seconds: c.u(tot[REPLICA_S], "instance seconds", "s")?,
            purchase: f.purchase,
        }),
        FleetMetering::CloudRun(billing) => Usage::CloudRun(CloudRunUsage {
            billing,
            vcpu: dec(f.vcpu),
            memory_gib: dec(f.memory_gb),
            billable_ms: match billing {
                ContainerBilling::RequestBased => c.ms(tot[ACTIVE_MS])?,
                ContainerBilling::InstanceBased => c.ms(tot[REPLICA_S] * 1000.0)?,
            },
            idle_min_instance_ms: match billing {
                ContainerBilling::RequestBased => c.ms(tot[IDLE_MIN_MS])?,
                ContainerBilling::InstanceBased => 0,
            },
            requests: c.requests(tot[REQ_OD])?,
            purchase: f.purchase,
            direct: false,
        }),
        FleetMetering::ContainerApps => Usage::AzureContainerApps(AzureContainerAppsUsage {
            vcpu: dec(f.vcpu),
            memory_gib: dec(f.memory_gb),
            active_ms: c.ms(tot[ACTIVE_MS])?,
            idle_ms: c.ms(tot[IDLE_MIN_MS])?,
            requests: c.requests(tot[REQ_OD])?,
            purchase: f.purchase,
        }),
    })
}

/// The front door's usage: API Gateway and function URLs count requests; the ALB
/// bills every hour plus the largest LCU dimension in each hour.
pub fn front_door_usage(
    fd: FrontDoor,
    is_function: bool,
    hourly_arrivals: &[f64],
    horizon_s: f64,
    w: &Workload,
    mean_latency_s: f64,
    alb: Option<&crate::pricing::AwsAlb>,
) -> Result<Option<(String, Usage)>, BillingError> {
    let total: f64 = hourly_arrivals.iter().sum();
    let c = Conv { platform: "front door" };
    let requests = c.requests(total)?;
    Ok(match fd {
        FrontDoor::None => None,
        FrontDoor::FunctionUrl => Some(("aws-function-url".into(), Usage::FunctionUrl { requests })),
        FrontDoor::ApiGatewayHttp => Some((
            "aws-api-gateway-http".into(),
            Usage::ApiGatewayHttp(ApiGatewayHttpUsage {
                requests,
                kb_per_request: (w.request_kb + w.response_kb).max(0.001),
            }),
        )),
        FrontDoor::ApiGatewayRest => Some((
            "aws-api-gateway-rest".into(),
            Usage::ApiGatewayRest(ApiGatewayRestUsage {
                requests,
                response_kb: w.response_kb,
            }),
        )),
        FrontDoor::Alb => {
            let Some(alb) = alb else {
                return Ok(None);
            };
            let gb_per_lcu = if is_function {
                alb.lcu_gb_per_hour_lambda
            } else {
                alb.lcu_gb_per_hour_instances
            };
            let kb = w.request_kb + w.response_kb;
            let mut lcu_hours = 0.0;
            for &n in hourly_arrivals {
                let new_conn_per_s = n / 3600.0 / w.requests_per_connection.max(1.0);
                let active_per_min =
                    new_conn_per_s * 60.0 * (w.requests_per_connection * mean_latency_s / 60.0).max(1.0 / 60.0);
                let gb = n * kb / (1024.0 * 1024.0);
                let lcu = (new_conn_per_s / alb.lcu_new_connections_per_s)
                    .max(active_per_min / alb.lcu_active_connections_per_min)
                    .max(gb / gb_per_lcu);
                lcu_hours += lcu;
            }
            Some((
                "aws-alb".into(),
                Usage::Alb(AlbUsage {
                    hours: (horizon_s / 3600.0).ceil() as u64,
                    lcu_hours: dec((lcu_hours * 1e6).round() / 1e6),
                }),
            ))
        }
    })
}

/// Prices the platform and its front door together.
pub fn price(
    catalog: &Catalog,
    service_id: &str,
    region: Option<&str>,
    usage: &Usage,
    front: Option<&(String, Usage)>,
    opts: &BillOptions,
) -> Result<Bill, BillingError> {
    let missing = |id: &str, what: &str| BillingError::Invalid {
        service: id.into(),
        message: match region {
            Some(r) => format!("{what} not priced in region `{r}`"),
            None => format!("{what} not in the catalog"),
        },
    };
    let service = catalog
        .get_in(service_id, region)
        .ok_or_else(|| missing(service_id, "service"))?;
    let mut b = billing::bill(service, usage, opts)?;
    if let Some((id, fu)) = front {
        let fs = catalog.get_in(id, region).ok_or_else(|| missing(id, "front door"))?;
        let fb = billing::bill(
            fs,
            fu,
            &BillOptions {
                free_tier: false,
                ..opts.clone()
            },
        )?;
        b.extend(fb);
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_past_u64_are_errors_not_caps() {
        let c = Conv { platform: "Lambda" };
        assert_eq!(c.ms(1.8e19), Ok(18_000_000_000_000_000_000));
        assert_eq!(c.ms(-0.2), Ok(0));
        assert_eq!(c.ms(f64::NAN), Ok(0));
        let e = c.ms(1.9e19).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Lambda: billed milliseconds overflow (more than 1.8e19 ms over the horizon); \
             reduce the traffic or the horizon"
        );
        assert!(e.is_overflow());
        assert!(c.ms(f64::INFINITY).is_err());
    }
}
