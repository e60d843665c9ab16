//! The scenario: what a user describes (traffic, workload, platforms) and saves to a file.
//!
//! One in-memory `Scenario` for both file formats: version 1 (one workload: top-level
//! `traffic` and `workload`, `../shared/contract/scenario-v1.ron`) and version 2 (an
//! application: `workloads`, `pipelines`, `runs`; `../shared/contract/scenario-v2.ron`).
//! `file.rs` maps between the two file shapes and this one, so everything downstream
//! sees a list of workloads. Field names are a stable interface: new fields may be added
//! with a default, existing ones are never renamed. Serde rejects unknown fields so that
//! a typo in a file is an error with a position, not a silently ignored setting.

mod dist;
pub mod empirical;
mod file;
mod load;
mod locate;
pub mod validate;

pub use dist::{Dist, Knots, lognormal_params, normal_quantile};
pub use load::{
    DEFAULT_SCENARIO_NAME, LoadError, Problem, default_scenario, load_scenario_file, parse_scenario,
    save_scenario_file, scenario_to_ron,
};
pub use locate::{Locator, Pos};
pub use validate::{Limits, validate_scenario};

use serde::{Deserialize, Serialize};

/// The newest scenario format version this build reads and writes (it reads 1 and 2).
pub const SCENARIO_VERSION: u32 = 2;
/// Most workloads one application may hold (the placement search and the GUI's matrix
/// stay readable; real applications modelled here have a handful).
pub const MAX_WORKLOADS: usize = 32;
/// Most platforms one scenario may compare: the analyses look at every pair (a sweep
/// root-finds each pair's crossings) and an application keeps a result per workload and
/// platform, so this bounds their time and memory; comparisons people make have a few.
pub const MAX_PLATFORMS: usize = 16;
/// Most workload-platform-months one application may hold (workloads x enabled platforms
/// x 30-day months of horizon): its analyses simulate every workload on every platform at
/// each point, and 32 workloads on 16 platforms over a year took ten minutes and 3.7 GB
/// for a report. This allows the largest application over two months, or ten workloads on
/// eight platforms over a year.
pub const MAX_APP_WORK: f64 = 1024.0;
/// Most traffic components one workload may add up (each is evaluated over the whole
/// horizon; a Scheduled job every minute for a year is half a million windows).
pub const MAX_COMPONENTS: usize = 64;

/// Seconds in the 30-day month used for "monthly" figures, as in the providers' worked
/// examples (AWS: "× 30 days").
pub const SECONDS_PER_MONTH: f64 = 30.0 * 86_400.0;

/// A scenario: an application of one or more workloads and the platforms that may run
/// them. Read and written through `file::ScenarioFile`, which knows both file versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "file::ScenarioFile", into = "file::ScenarioFile")]
pub struct Scenario {
    /// The file's format version: 1 (one workload) or 2. Saving keeps it, except that a
    /// version 1 scenario with a second workload is written as version 2.
    pub version: u32,
    pub name: String,
    pub description: String,
    /// Length of the simulated period. Bills are for this period; monthly allowances and
    /// volume tiers are scaled by `horizon_days / 30`.
    pub horizon_days: f64,
    /// Seed of the random generator: the same scenario and seed give the same numbers.
    pub seed: u64,
    /// Share of response bytes that leave the provider's network to the internet.
    pub egress_share: f64,
    /// Negotiated discounts off a provider's list prices (enterprise agreements), at most
    /// one per provider.
    pub discounts: Vec<ProviderDiscount>,
    /// At least one; a version 1 file's single workload is named `WORKLOAD_V1_NAME`.
    pub workloads: Vec<AppWorkload>,
    pub pipelines: Vec<Pipeline>,
    pub platforms: Vec<Platform>,
    /// Uncertain inputs, for Monte Carlo bands around costs and crossovers.
    pub uncertainty: Option<Uncertainty>,
}

/// A negotiated discount off everything a provider bills a platform (compute, front door
/// and the rest of its bill), applied after the catalog's commitments and Spot, as
/// enterprise agreements apply to the remaining spend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDiscount {
    /// `aws`, `gcp`, `azure` or `cloudflare`: the prefix of the provider's service ids.
    pub provider: String,
    pub discount_pct: f64,
}

/// The providers a negotiated discount can name: service-id prefix and display name.
pub const PROVIDERS: [(&str, &str); 4] = [
    ("aws", "AWS"),
    ("gcp", "Google Cloud"),
    ("azure", "Azure"),
    ("cloudflare", "Cloudflare"),
];

/// The name a version 1 file's one workload goes by (placements, per-workload costs).
pub const WORKLOAD_V1_NAME: &str = "workload";

/// One part of an application: its own traffic and request profile.
#[derive(Clone, Debug, PartialEq)]
pub struct AppWorkload {
    pub name: String,
    pub traffic: Traffic,
    pub request: Workload,
}

/// A chain of workloads, each triggered by the one before, whose end-to-end latency is
/// reported and held to an objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    pub name: String,
    pub steps: Vec<String>,
    #[serde(default)]
    pub latency_slo_ms: Option<f64>,
}

/// A managed service each request of a workload calls (priced once for the application,
/// the same under every placement).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub service: String,
    pub operation: String,
    pub per_request: f64,
}

/// Where a platform sits on the network (default: public subnets, no NAT, no public IPv4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    #[serde(default)]
    pub vpc: bool,
    #[serde(default)]
    pub nat_gateways: u32,
    #[serde(default)]
    pub public_ipv4: bool,
}

/// Multipliers drawn per Monte Carlo sample (each a distribution of a factor around 1;
/// leave one out to keep that input fixed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// Multiplies the whole traffic volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<Dist>,
    /// Multiplies request durations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dist>,
    /// Multiplies cold-start times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<Dist>,
    /// Multiplies function keep-alive times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_alive: Option<Dist>,
    /// Number of Monte Carlo samples.
    #[serde(default = "default_samples")]
    pub samples: u32,
}

fn default_samples() -> u32 {
    200
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    #[serde(default)]
    pub arrivals: Arrivals,
    pub components: Vec<Component>,
}

/// How requests are placed in time at a given rate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arrivals {
    /// Independent arrivals (a non-homogeneous Poisson process): realistic for user traffic.
    #[default]
    Poisson,
    /// Evenly spaced at the current rate: timers, batch feeders, load tests.
    Deterministic,
    /// Each piece of the rate (a trace's row) gives exactly its expected count (rounded
    /// at random when fractional), at independent uniform times within it: an observed
    /// trace replayed as it was counted. Poisson would redraw each second's count, so a
    /// second that held one request would hold none a third of the time and open a gap
    /// (a false cold start); even spacing would hide the chance overlaps that make a
    /// busy function's cold starts. `import` writes it.
    Counted,
}

/// One term of the request rate. Components add up, except `Growth`, which multiplies
/// the sum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Component {
    /// A flat rate all the time.
    Constant { rps: f64 },
    /// A daily cycle: a cosine between `trough_rps` and `peak_rps`, highest at `peak_hour`.
    Diurnal {
        peak_rps: f64,
        trough_rps: f64,
        peak_hour: f64,
    },
    /// A one-off burst of `requests`, spread evenly over `duration_min` from day `day`
    /// (0-based) at `hour`.
    Spike {
        day: f64,
        hour: f64,
        duration_min: f64,
        requests: f64,
    },
    /// A job that runs every `every_hours`, first at `at_hour`, for `duration_min` at `rps`.
    Scheduled {
        every_hours: f64,
        at_hour: f64,
        duration_min: f64,
        rps: f64,
    },
    /// Compound growth of the whole rate, in percent per 30 days.
    Growth { monthly_pct: f64 },
    /// One request for every `per_request` completed requests of another workload of the
    /// application (0.3: 30 % of them; 2.0: a fan-out of two), `delay_ms` after each
    /// completion. Throttled, dropped or failed requests trigger nothing. Version 2 only.
    Triggered {
        workload: String,
        per_request: f64,
        #[serde(default)]
        delay_ms: f64,
    },
    /// A recorded trace, replayed from the start of the horizon and repeated to fill it.
    Trace {
        /// Relative to the scenario file's folder.
        path: String,
        format: TraceFormat,
        /// Azure 2019 format: replay only the function with this `HashFunction`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        function: Option<String>,
        /// Azure 2019 format: sum every function of the app with this `HashApp`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        app: Option<String>,
        /// Multiplies the recorded counts (1.0 replays them as recorded).
        #[serde(default = "one", skip_serializing_if = "is_one")]
        scale: f64,
    },
}

fn one() -> f64 {
    1.0
}
fn is_one(x: &f64) -> bool {
    *x == 1.0
}
fn is_true(x: &bool) -> bool {
    *x
}
fn yes() -> bool {
    true
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TraceFormat {
    /// `timestamp,count` rows at any fixed step (RFC 3339 timestamps or seconds).
    Csv,
    /// Azure Functions 2019 per-minute invocations:
    /// `HashOwner,HashApp,HashFunction,Trigger,1..1440`.
    Azure2019,
}

/// What one request does, independent of where it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Handler time of a warm request on one full vCPU, in milliseconds.
    pub duration_ms: Dist,
    /// Share of `duration_ms` that is CPU work at one full vCPU; the rest (I/O, waiting)
    /// does not speed up with more CPU.
    pub cpu_fraction: f64,
    /// Extra time a request waits when it has to create an environment (INIT), in ms.
    pub cold_start_ms: Dist,
    #[serde(default)]
    pub request_kb: f64,
    #[serde(default)]
    pub response_kb: f64,
    /// Latency objective; requests slower than this are counted.
    #[serde(default)]
    pub latency_slo_ms: Option<f64>,
    /// Requests sent over one client connection before it closes (load-balancer LCUs
    /// count new connections).
    #[serde(default = "default_requests_per_connection")]
    pub requests_per_connection: f64,
    /// Log written per request, KB (priced by the provider's logging service).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub log_kb: f64,
    /// Managed services each request calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<Call>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn default_requests_per_connection() -> f64 {
    1.0
}

pub use crate::pricing::Arch;

/// How the platform is reached from the internet; often decides the answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrontDoor {
    #[default]
    None,
    /// Lambda function URL: no extra charge.
    FunctionUrl,
    ApiGatewayHttp,
    ApiGatewayRest,
    /// Application Load Balancer: hourly charge plus LCUs.
    Alb,
}

impl Purchase {
    /// How a purchase reads in a table cell beside its amount ("1-year", "Spot").
    pub fn short_label(self) -> &'static str {
        match self {
            Purchase::OnDemand => "on demand",
            Purchase::Savings1y => "1-year",
            Purchase::Savings3y => "3-year",
            Purchase::Spot => "Spot",
        }
    }

    /// The purchase options a service offers: what its bills can discount (Lambda and
    /// Cloud Run have commitments but no Spot).
    pub fn offered_by(service: &crate::pricing::Service) -> &'static [Purchase] {
        use crate::pricing::Service;
        use Purchase::*;
        match service {
            Service::AwsFargate(_) | Service::AwsEc2(_) => &[OnDemand, Savings1y, Savings3y, Spot],
            Service::AwsLambda(_) | Service::GcpCloudRun(_) | Service::AzureContainerApps(_) => {
                &[OnDemand, Savings1y, Savings3y]
            }
            _ => &[OnDemand],
        }
    }
}

fn is_on_demand(p: &Purchase) -> bool {
    *p == Purchase::OnDemand
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purchase {
    #[default]
    OnDemand,
    Savings1y,
    Savings3y,
    Spot,
}

/// Cloud Run (and similar) billing mode for containers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContainerBilling {
    /// Billed only while serving requests (plus start-up), in 100 ms steps.
    #[default]
    RequestBased,
    /// Billed for the whole life of each instance, at a lower rate.
    InstanceBased,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Platform {
    /// A function-as-a-service platform: environments created per demand.
    Function(FunctionPlatform),
    /// Managed containers with autoscaling replicas.
    Container(ContainerPlatform),
    /// Virtual machines, autoscaled or a fixed fleet.
    Vm(VmPlatform),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionPlatform {
    pub name: String,
    pub service: String,
    #[serde(default)]
    pub arch: Arch,
    pub memory_mb: u32,
    /// Idle time after its last request before an environment is reclaimed.
    #[serde(default = "default_keep_alive_s")]
    pub keep_alive_s: f64,
    /// When set, each environment's keep-alive is drawn from this distribution (seconds)
    /// instead of the fixed `keep_alive_s`: providers do not promise a fixed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_alive_dist_s: Option<Dist>,
    /// Account or reserved concurrency: requests beyond it are throttled.
    #[serde(default = "default_max_concurrency")]
    pub max_concurrency: u32,
    /// Environments kept initialised all the time (Lambda provisioned concurrency,
    /// Flex always-ready, Cloud Run min instances).
    #[serde(default)]
    pub provisioned: u32,
    #[serde(default = "yes")]
    pub free_tier: bool,
    #[serde(default)]
    pub front_door: FrontDoor,
    /// Requests one environment serves at once (1 on Lambda; up to 1000 on Cloud Run).
    #[serde(default = "default_one_u32")]
    pub concurrency: u32,
    /// Ephemeral storage (/tmp) configured, in MB; Lambda bills above 512 MB.
    #[serde(default = "default_ephemeral_mb")]
    pub ephemeral_mb: u32,
    /// A commitment the function is billed under (Lambda: a Compute Savings Plan on
    /// duration and provisioned concurrency; Cloud Run functions: a committed use discount).
    #[serde(default, skip_serializing_if = "is_on_demand")]
    pub purchase: Purchase,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Workloads this platform may run (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<String>,
    /// With a `Savings1y`/`Savings3y` purchase: the commitment's size in dollars an hour
    /// (AWS: at the plan's rates; Google: in on-demand dollars), paid every hour and
    /// covering usage up to it, usage above it on demand. Unset: the discount applies to
    /// all the usage it covers (a commitment sized to it).
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub commitment_usd_per_hour: Option<f64>,
    /// Region the platform runs in (`eu-central-1`, `europe-west3`, `westeurope`); unset
    /// means the service's reference region in the catalog (us-east-1, us-central1,
    /// eastus). Its compute and front door are priced there.
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub region: Option<String>,
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub network: Option<Network>,
}

fn default_keep_alive_s() -> f64 {
    600.0
}
fn default_max_concurrency() -> u32 {
    1000
}
fn default_one_u32() -> u32 {
    1
}
fn default_ephemeral_mb() -> u32 {
    512
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerPlatform {
    pub name: String,
    pub service: String,
    #[serde(default)]
    pub arch: Arch,
    pub vcpu: f64,
    pub memory_gb: f64,
    /// Requests one replica serves at once (also bounded by its vCPUs, see ARCHITECTURE.md).
    pub concurrency: u32,
    pub min_replicas: u32,
    pub max_replicas: u32,
    /// Busy share of capacity the autoscaler aims for.
    #[serde(default = "default_target_utilization")]
    pub target_utilization: f64,
    /// Time from a scale-out decision until the replica serves (and is billed from).
    #[serde(default = "default_container_startup_s")]
    pub startup_s: f64,
    #[serde(default)]
    pub front_door: FrontDoor,
    /// Averaging window of the utilisation metric the autoscaler reads.
    #[serde(default = "default_metric_window_s")]
    pub metric_window_s: f64,
    /// Minimum time between scale-in steps.
    #[serde(default = "default_container_cooldown_s")]
    pub scale_in_cooldown_s: f64,
    /// Requests that wait longer than this for a free slot are dropped (client timeout).
    #[serde(default = "default_queue_timeout_s")]
    pub queue_timeout_s: f64,
    /// Ephemeral storage configured per replica, GB (Fargate includes 20 GB and bills the
    /// rest; 0 means the included amount).
    #[serde(default)]
    pub ephemeral_gb: f64,
    #[serde(default)]
    pub billing: ContainerBilling,
    #[serde(default)]
    pub purchase: Purchase,
    #[serde(default = "yes")]
    pub free_tier: bool,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Workloads this fleet may host (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<String>,
    /// With a `Savings1y`/`Savings3y` purchase: the commitment's size in dollars an hour
    /// (AWS: at the plan's rates; Google: in on-demand dollars), paid every hour and
    /// covering usage up to it, usage above it on demand. Unset: the discount applies to
    /// all the usage it covers (a commitment sized to it).
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub commitment_usd_per_hour: Option<f64>,
    /// Region the platform runs in (`eu-central-1`, `europe-west3`, `westeurope`); unset
    /// means the service's reference region in the catalog (us-east-1, us-central1,
    /// eastus). Its compute and front door are priced there.
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub region: Option<String>,
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub network: Option<Network>,
}

fn default_target_utilization() -> f64 {
    0.7
}
fn default_container_startup_s() -> f64 {
    30.0
}
fn default_metric_window_s() -> f64 {
    60.0
}
fn default_container_cooldown_s() -> f64 {
    300.0
}
fn default_queue_timeout_s() -> f64 {
    30.0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmPlatform {
    pub name: String,
    pub service: String,
    /// Instance type in the catalog, e.g. `t4g.small`.
    pub instance: String,
    /// Requests one instance serves at once (also bounded by its vCPUs).
    pub concurrency: u32,
    pub min_instances: u32,
    /// Equal to `min_instances`: a fixed fleet.
    pub max_instances: u32,
    #[serde(default)]
    pub purchase: Purchase,
    #[serde(default)]
    pub front_door: FrontDoor,
    #[serde(default = "default_target_utilization")]
    pub target_utilization: f64,
    #[serde(default = "default_vm_startup_s")]
    pub startup_s: f64,
    #[serde(default = "default_vm_metric_window_s")]
    pub metric_window_s: f64,
    #[serde(default = "default_vm_cooldown_s")]
    pub scale_in_cooldown_s: f64,
    #[serde(default = "default_queue_timeout_s")]
    pub queue_timeout_s: f64,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Workloads this fleet may host (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<String>,
    /// Root volume per instance, GB (gp3); unset means EC2's default of 8 GB.
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub root_volume_gb: Option<f64>,
    /// With a `Savings1y`/`Savings3y` purchase: the commitment's size in dollars an hour
    /// (AWS: at the plan's rates; Google: in on-demand dollars), paid every hour and
    /// covering usage up to it, usage above it on demand. Unset: the discount applies to
    /// all the usage it covers (a commitment sized to it).
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub commitment_usd_per_hour: Option<f64>,
    /// Region the platform runs in (`eu-central-1`, `europe-west3`, `westeurope`); unset
    /// means the service's reference region in the catalog (us-east-1, us-central1,
    /// eastus). Its compute and front door are priced there.
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub region: Option<String>,
    #[serde(
        default,
        deserialize_with = "file::present",
        serialize_with = "file::inner",
        skip_serializing_if = "Option::is_none"
    )]
    pub network: Option<Network>,
}

fn default_vm_startup_s() -> f64 {
    180.0
}
fn default_vm_metric_window_s() -> f64 {
    300.0
}
fn default_vm_cooldown_s() -> f64 {
    600.0
}

impl Platform {
    pub fn name(&self) -> &str {
        match self {
            Platform::Function(p) => &p.name,
            Platform::Container(p) => &p.name,
            Platform::Vm(p) => &p.name,
        }
    }
    pub fn service(&self) -> &str {
        match self {
            Platform::Function(p) => &p.service,
            Platform::Container(p) => &p.service,
            Platform::Vm(p) => &p.service,
        }
    }
    pub fn enabled(&self) -> bool {
        match self {
            Platform::Function(p) => p.enabled,
            Platform::Container(p) => p.enabled,
            Platform::Vm(p) => p.enabled,
        }
    }
    pub fn front_door(&self) -> FrontDoor {
        match self {
            Platform::Function(p) => p.front_door,
            Platform::Container(p) => p.front_door,
            Platform::Vm(p) => p.front_door,
        }
    }
    /// Workloads this platform may run; empty means all.
    pub fn runs(&self) -> &[String] {
        match self {
            Platform::Function(p) => &p.runs,
            Platform::Container(p) => &p.runs,
            Platform::Vm(p) => &p.runs,
        }
    }
    pub fn may_run(&self, workload: &str) -> bool {
        let r = self.runs();
        r.is_empty() || r.iter().any(|w| w == workload)
    }
    /// The commitment's size in dollars an hour, when one is set.
    pub fn commitment_usd_per_hour(&self) -> Option<f64> {
        match self {
            Platform::Function(p) => p.commitment_usd_per_hour,
            Platform::Container(p) => p.commitment_usd_per_hour,
            Platform::Vm(p) => p.commitment_usd_per_hour,
        }
    }
    /// The purchase option (functions, containers and VMs alike).
    pub fn purchase(&self) -> Purchase {
        match self {
            Platform::Function(p) => p.purchase,
            Platform::Container(p) => p.purchase,
            Platform::Vm(p) => p.purchase,
        }
    }
    /// The region asked for; `None` means the service's reference region.
    pub fn region(&self) -> Option<&str> {
        match self {
            Platform::Function(p) => p.region.as_deref(),
            Platform::Container(p) => p.region.as_deref(),
            Platform::Vm(p) => p.region.as_deref(),
        }
    }
    pub fn region_mut(&mut self) -> &mut Option<String> {
        match self {
            Platform::Function(p) => &mut p.region,
            Platform::Container(p) => &mut p.region,
            Platform::Vm(p) => &mut p.region,
        }
    }
    pub fn network(&self) -> Option<Network> {
        match self {
            Platform::Function(p) => p.network,
            Platform::Container(p) => p.network,
            Platform::Vm(p) => p.network,
        }
    }
    /// `function`, `container` or `vm`, as in the `run --json` output.
    pub fn kind(&self) -> &'static str {
        match self {
            Platform::Function(_) => "function",
            Platform::Container(_) => "container",
            Platform::Vm(_) => "vm",
        }
    }
}

impl Scenario {
    pub fn horizon_s(&self) -> f64 {
        self.horizon_days * 86_400.0
    }

    /// The first workload's request profile: all of a version 1 scenario, and what the
    /// single-workload views (the editor's workload section, memory and duration sweeps)
    /// show for an application.
    pub fn workload(&self) -> &Workload {
        &self.first().request
    }
    pub fn workload_mut(&mut self) -> &mut Workload {
        &mut self.first_mut().request
    }
    /// The first workload's traffic (see `workload`).
    pub fn traffic(&self) -> &Traffic {
        &self.first().traffic
    }
    pub fn traffic_mut(&mut self) -> &mut Traffic {
        &mut self.first_mut().traffic
    }
    fn first(&self) -> &AppWorkload {
        // a scenario always holds a workload: reading one ensures it, and the editor never
        // removes the last; an empty list (built in code) reads as the default workload
        self.workloads.first().unwrap_or(&EMPTY_WORKLOAD)
    }
    fn first_mut(&mut self) -> &mut AppWorkload {
        if self.workloads.is_empty() {
            self.workloads.push(EMPTY_WORKLOAD.clone());
        }
        &mut self.workloads[0]
    }

    /// Whether the file is written in the version 1 shape (one workload at the top level).
    pub fn writes_v1(&self) -> bool {
        self.version <= 1 && self.workloads.len() <= 1 && self.pipelines.is_empty()
    }

    /// The field path of workload `i` in the file (`workload` in a version 1 file,
    /// `workloads[i]` in version 2), for messages that point into it.
    pub fn request_path(&self, i: usize) -> String {
        if self.writes_v1() {
            "workload".into()
        } else {
            format!("workloads[{i}]")
        }
    }
    /// The field path of workload `i`'s traffic in the file.
    pub fn traffic_path(&self, i: usize) -> String {
        if self.writes_v1() {
            "traffic".into()
        } else {
            format!("workloads[{i}].traffic")
        }
    }

    /// Index of the workload called `name`.
    pub fn workload_index(&self, name: &str) -> Option<usize> {
        self.workloads.iter().position(|w| w.name == name)
    }
}

static EMPTY_WORKLOAD: std::sync::LazyLock<AppWorkload> = std::sync::LazyLock::new(|| AppWorkload {
    name: WORKLOAD_V1_NAME.into(),
    traffic: Traffic {
        arrivals: Arrivals::Poisson,
        components: Vec::new(),
    },
    request: Workload {
        duration_ms: Dist::Fixed(100.0),
        cpu_fraction: 0.5,
        cold_start_ms: Dist::Fixed(250.0),
        request_kb: 0.0,
        response_kb: 0.0,
        latency_slo_ms: None,
        requests_per_connection: 1.0,
        log_kb: 0.0,
        calls: Vec::new(),
    },
});

pub use load::{Located, describe_ron_error, refine_ron_message, ron_options};
