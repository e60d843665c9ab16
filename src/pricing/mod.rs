//! The price catalog: every rate, allowance and limit the billing core uses, with its
//! unit, region, currency, effective date and source.
//!
//! Prices live in `pricing/*.ron` (one file per provider family), compiled into the
//! binary as the default catalog. A user can load a folder of their own files: an entry
//! with an existing `id` replaces the built-in one, a new `id` adds a service that
//! scenarios can name (another region, a negotiated discount).
//!
//! The types are per service rather than a generic list of meters so that the billing
//! rules can rely on every rate they need being present: a catalog that loads is a
//! catalog that can price.

pub mod decimal;
pub mod extra;
pub mod fx;
mod load;
pub mod location;
mod validate;

pub use extra::{
    AwsBurstCredits, AwsEbs, BurstSize, EbsVolumeType, Extra, FamilyRate, Free, Meter, Metered, Per, Rate, Scope,
};
pub use load::{BUILTIN_FILES, PricingError, parse_price_file, read_price_text};
pub use validate::validate_price_file;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// CPU architecture, as priced by AWS (x86_64 and Graviton arm64 rates differ).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Arch {
    #[default]
    X86_64,
    Arm64,
}

impl Arch {
    pub fn label(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// How well a figure is sourced (see `../shared/reference/pricing.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Verbatim from the provider's own page or docs.
    Primary,
    /// Simple arithmetic on a primary figure.
    Derived,
    /// Quoted by third parties; the provider text itself was not seen.
    Secondary,
    /// An assumption or illustration; replace it with your own figure.
    Unverified,
}

/// Where a figure comes from and when it was in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub region: String,
    pub currency: String,
    /// Date of the source copy the figure was read from (in force on that date).
    pub effective: NaiveDate,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One rate: `usd` per one `unit`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    #[serde(with = "decimal")]
    pub usd: Decimal,
    pub unit: String,
    pub region: String,
    pub currency: String,
    pub effective: NaiveDate,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A volume-tiered rate. Tiers are consecutive; `up_to` is the cumulative quantity at
/// which a tier ends (`None` for the last).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiered {
    pub unit: String,
    pub tiers: Vec<Tier>,
    pub region: String,
    pub currency: String,
    pub effective: NaiveDate,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[serde(with = "decimal::option", default)]
    pub up_to: Option<Decimal>,
    #[serde(with = "decimal")]
    pub usd: Decimal,
}

/// A monthly free or included quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowance {
    #[serde(with = "decimal")]
    pub quantity: Decimal,
    pub unit: String,
    pub region: String,
    pub effective: NaiveDate,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A fractional discount off the on-demand rate (savings plans, spot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discount {
    #[serde(with = "decimal")]
    pub fraction: Decimal,
    pub effective: NaiveDate,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Platform limits a scenario is checked against and the engine enforces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionLimits {
    pub memory_min_mb: u32,
    pub memory_max_mb: u32,
    /// Allowed memory sizes when the service offers fixed sizes only (empty: any size in
    /// the range).
    #[serde(default)]
    pub memory_sizes_mb: Vec<u32>,
    /// Longest a single request may run; longer requests fail.
    pub max_duration_s: f64,
    /// Requests one environment may serve at once.
    pub max_instance_concurrency: u32,
    /// Default account concurrency (throttling above it).
    pub default_max_concurrency: u32,
    /// Memory at which the environment has one full vCPU (CPU follows memory).
    /// `None`: the CPU does not depend on the memory setting.
    #[serde(default)]
    pub mb_per_vcpu: Option<f64>,
    /// vCPU by memory size for services that fix CPU per memory tier: the entry with the
    /// smallest `memory_mb` at or above the configured memory applies.
    #[serde(default)]
    pub cpu_table: Vec<MemoryCpu>,
    /// Most vCPU one request can use (a single-threaded handler uses at most one).
    #[serde(default = "default_max_vcpu")]
    pub max_vcpu: f64,
    /// Longest CPU time a single request may use (Cloudflare Workers limit CPU, not wall
    /// time), in seconds.
    #[serde(default)]
    pub max_cpu_s: Option<f64>,
    /// Scaling-rate token bucket: environments that can start at once...
    #[serde(default)]
    pub scale_burst: Option<f64>,
    /// ...and the continuous refill rate, environments per second.
    #[serde(default)]
    pub scale_per_s: Option<f64>,
    /// A fixed cold start replacing the workload's (e.g. V8 isolates), in ms.
    #[serde(default)]
    pub cold_start_override_ms: Option<f64>,
    /// Default idle keep-alive, seconds (undocumented by most providers).
    pub default_keep_alive_s: f64,
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

fn default_max_vcpu() -> f64 {
    1.0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryCpu {
    pub memory_mb: u32,
    pub vcpu: f64,
}

impl FunctionLimits {
    /// vCPUs of an environment with this much memory (before the per-request cap).
    pub fn vcpu_for_memory(&self, memory_mb: u32) -> f64 {
        if let Some(row) = self.cpu_table.iter().find(|r| r.memory_mb >= memory_mb) {
            return row.vcpu;
        }
        if let Some(last) = self.cpu_table.last() {
            return last.vcpu;
        }
        match self.mb_per_vcpu {
            Some(per) if per > 0.0 => memory_mb as f64 / per,
            _ => 1.0,
        }
    }

    /// The speed of one request's CPU work relative to one full vCPU (at most 1).
    pub fn cpu_speed(&self, memory_mb: u32) -> f64 {
        self.vcpu_for_memory(memory_mb).min(self.max_vcpu).max(1e-3)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerLimits {
    pub vcpu_min: f64,
    pub vcpu_max: f64,
    pub memory_min_gb: f64,
    pub memory_max_gb: f64,
    /// Valid (vCPU, memory) combinations; empty means any within the ranges.
    #[serde(default)]
    pub sizes: Vec<TaskSize>,
    pub max_instance_concurrency: u32,
    pub source: String,
}

/// For a vCPU value, the memory range (GB) allowed and its step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSize {
    pub vcpu: f64,
    pub memory_min_gb: f64,
    pub memory_max_gb: f64,
    pub step_gb: f64,
    /// Explicit allowed values, when they are not an even range.
    #[serde(default)]
    pub memory_values_gb: Vec<f64>,
}

impl TaskSize {
    pub fn allows(&self, memory_gb: f64) -> bool {
        if !self.memory_values_gb.is_empty() {
            return self.memory_values_gb.iter().any(|v| (v - memory_gb).abs() < 1e-9);
        }
        if memory_gb < self.memory_min_gb - 1e-9 || memory_gb > self.memory_max_gb + 1e-9 {
            return false;
        }
        let k = (memory_gb - self.memory_min_gb) / self.step_gb;
        (k - k.round()).abs() < 1e-6
    }
}

// ---------------------------------------------------------------------------------------
// Services

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsLambda {
    pub id: String,
    pub name: String,
    pub requests: Price,
    pub duration_x86_64: Tiered,
    pub duration_arm64: Tiered,
    pub provisioned_x86_64: Price,
    pub provisioned_arm64: Price,
    pub provisioned_duration_x86_64: Price,
    pub provisioned_duration_arm64: Price,
    /// Provisioned concurrency time is rounded up to this many seconds.
    pub provisioned_rounding_s: u64,
    pub ephemeral_storage: Price,
    pub ephemeral_included_mb: u32,
    pub free_requests: Allowance,
    pub free_compute: Allowance,
    /// From this date INIT time of on-demand ZIP functions on managed runtimes is billed.
    pub init_billed_from: NaiveDate,
    pub init_billed_source: String,
    pub limits: FunctionLimits,
    /// Compute Savings Plans: they discount duration and provisioned concurrency, never
    /// requests (the Lambda FAQ).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub savings_1y: Option<Discount>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub savings_3y: Option<Discount>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsApiGatewayHttp {
    pub id: String,
    pub name: String,
    pub requests: Tiered,
    /// Requests are metered in steps of this size (a 513 KB request counts as two).
    pub metering_kb: u32,
    /// 12-month free tier for new accounts only; listed, not applied.
    pub new_customer_free_requests: Allowance,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsApiGatewayRest {
    pub id: String,
    pub name: String,
    pub requests: Tiered,
    pub data_transfer_out: Price,
    pub new_customer_free_requests: Allowance,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsFunctionUrl {
    pub id: String,
    pub name: String,
    pub requests: Price,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsAlb {
    pub id: String,
    pub name: String,
    pub hourly: Price,
    pub lcu: Price,
    /// LCU dimensions: one LCU is this much of each; the largest dimension is billed.
    pub lcu_new_connections_per_s: f64,
    pub lcu_active_connections_per_min: f64,
    pub lcu_gb_per_hour_instances: f64,
    pub lcu_gb_per_hour_lambda: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsFargate {
    pub id: String,
    pub name: String,
    pub vcpu_x86_64: Price,
    pub memory_x86_64: Price,
    pub vcpu_arm64: Price,
    pub memory_arm64: Price,
    pub vcpu_windows: Price,
    pub windows_license: Price,
    pub memory_windows: Price,
    pub ephemeral_storage: Price,
    pub ephemeral_included_gb: f64,
    pub minimum_s_linux: u64,
    pub minimum_s_windows: u64,
    pub spot: Discount,
    pub savings_1y: Discount,
    pub savings_3y: Discount,
    pub limits: ContainerLimits,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2Instance {
    pub name: String,
    pub vcpu: f64,
    pub memory_gib: f64,
    pub arch: Arch,
    pub hourly: Price,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsEc2 {
    pub id: String,
    pub name: String,
    pub instances: Vec<Ec2Instance>,
    /// Linux instances are billed per second with this minimum per launch.
    pub minimum_s: u64,
    pub savings_1y: Discount,
    pub savings_3y: Discount,
    pub spot: Discount,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcpCloudRun {
    pub id: String,
    pub name: String,
    pub cpu_request_based: Price,
    pub memory_request_based: Price,
    pub requests: Price,
    pub cpu_idle_min_instances: Price,
    pub memory_idle_min_instances: Price,
    pub cpu_instance_based: Price,
    pub memory_instance_based: Price,
    pub free_cpu_request_based: Allowance,
    pub free_memory_request_based: Allowance,
    pub free_requests: Allowance,
    pub free_cpu_instance_based: Allowance,
    pub free_memory_instance_based: Allowance,
    /// Billable time is rounded up to this step.
    pub rounding_ms: u64,
    pub limits: ContainerLimits,
    /// Limits when deployed as a function (Cloud Run functions).
    pub function_limits: FunctionLimits,
    /// Committed use discounts on request-based services and functions (CPU, memory and
    /// requests; not networking), one- and three-year.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cud_1y: Option<Discount>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cud_3y: Option<Discount>,
    /// Flexible committed use discounts on instance-based services, one- and three-year.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub flex_cud_1y: Option<Discount>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub flex_cud_3y: Option<Discount>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcfTier {
    pub memory_mb: u32,
    pub ghz: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcpCloudFunctions {
    pub id: String,
    pub name: String,
    pub invocations: Price,
    pub memory: Price,
    pub cpu: Price,
    pub tiers: Vec<GcfTier>,
    pub free_invocations: Allowance,
    pub free_memory: Allowance,
    pub free_cpu: Allowance,
    pub rounding_ms: u64,
    pub limits: FunctionLimits,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureFunctions {
    pub id: String,
    pub name: String,
    pub execution_time: Price,
    pub executions: Price,
    pub free_executions: Allowance,
    pub free_execution_time: Allowance,
    pub memory_step_mb: u32,
    pub minimum_ms: u64,
    pub limits: FunctionLimits,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureFunctionsFlex {
    pub id: String,
    pub name: String,
    pub on_demand_time: Price,
    pub on_demand_executions: Price,
    pub free_on_demand_time: Allowance,
    pub free_on_demand_executions: Allowance,
    pub always_ready_baseline: Price,
    pub always_ready_time: Price,
    pub always_ready_executions: Price,
    pub minimum_ms: u64,
    pub rounding_ms: u64,
    pub limits: FunctionLimits,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureContainerApps {
    pub id: String,
    pub name: String,
    pub vcpu_active: Price,
    pub vcpu_idle: Price,
    pub memory: Price,
    pub requests: Price,
    pub free_vcpu: Allowance,
    pub free_memory: Allowance,
    pub free_requests: Allowance,
    pub limits: ContainerLimits,
    /// Azure savings plan for compute: it discounts the vCPU and memory meters, not
    /// requests (a meter of the front end, not compute).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub savings_1y: Option<Discount>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub savings_3y: Option<Discount>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudflareWorkers {
    pub id: String,
    pub name: String,
    pub subscription: Price,
    pub requests: Price,
    pub cpu_time: Price,
    pub included_requests: Allowance,
    pub included_cpu_time: Allowance,
    pub limits: FunctionLimits,
}

/// One priced service. The variant decides which billing rules apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)] // a catalog holds a dozen of these
pub enum Service {
    AwsLambda(AwsLambda),
    AwsApiGatewayHttp(AwsApiGatewayHttp),
    AwsApiGatewayRest(AwsApiGatewayRest),
    AwsFunctionUrl(AwsFunctionUrl),
    AwsAlb(AwsAlb),
    AwsFargate(AwsFargate),
    AwsEc2(AwsEc2),
    GcpCloudRun(GcpCloudRun),
    GcpCloudFunctions(GcpCloudFunctions),
    AzureFunctions(AzureFunctions),
    AzureFunctionsFlex(AzureFunctionsFlex),
    AzureContainerApps(AzureContainerApps),
    CloudflareWorkers(CloudflareWorkers),
}

/// What kind of platform a service can host in a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceRole {
    Function,
    Container,
    /// Cloud Run: either a function (Cloud Run functions) or a container service.
    FunctionOrContainer,
    Vm,
    FrontDoor,
}

impl Service {
    /// The entry's kind as written in a price file (`AwsLambda(...)`).
    pub fn kind(&self) -> &'static str {
        match self {
            Service::AwsLambda(_) => "AwsLambda",
            Service::AwsApiGatewayHttp(_) => "AwsApiGatewayHttp",
            Service::AwsApiGatewayRest(_) => "AwsApiGatewayRest",
            Service::AwsFunctionUrl(_) => "AwsFunctionUrl",
            Service::AwsAlb(_) => "AwsAlb",
            Service::AwsFargate(_) => "AwsFargate",
            Service::AwsEc2(_) => "AwsEc2",
            Service::GcpCloudRun(_) => "GcpCloudRun",
            Service::GcpCloudFunctions(_) => "GcpCloudFunctions",
            Service::AzureFunctions(_) => "AzureFunctions",
            Service::AzureFunctionsFlex(_) => "AzureFunctionsFlex",
            Service::AzureContainerApps(_) => "AzureContainerApps",
            Service::CloudflareWorkers(_) => "CloudflareWorkers",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Service::AwsLambda(s) => &s.id,
            Service::AwsApiGatewayHttp(s) => &s.id,
            Service::AwsApiGatewayRest(s) => &s.id,
            Service::AwsFunctionUrl(s) => &s.id,
            Service::AwsAlb(s) => &s.id,
            Service::AwsFargate(s) => &s.id,
            Service::AwsEc2(s) => &s.id,
            Service::GcpCloudRun(s) => &s.id,
            Service::GcpCloudFunctions(s) => &s.id,
            Service::AzureFunctions(s) => &s.id,
            Service::AzureFunctionsFlex(s) => &s.id,
            Service::AzureContainerApps(s) => &s.id,
            Service::CloudflareWorkers(s) => &s.id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Service::AwsLambda(s) => &s.name,
            Service::AwsApiGatewayHttp(s) => &s.name,
            Service::AwsApiGatewayRest(s) => &s.name,
            Service::AwsFunctionUrl(s) => &s.name,
            Service::AwsAlb(s) => &s.name,
            Service::AwsFargate(s) => &s.name,
            Service::AwsEc2(s) => &s.name,
            Service::GcpCloudRun(s) => &s.name,
            Service::GcpCloudFunctions(s) => &s.name,
            Service::AzureFunctions(s) => &s.name,
            Service::AzureFunctionsFlex(s) => &s.name,
            Service::AzureContainerApps(s) => &s.name,
            Service::CloudflareWorkers(s) => &s.name,
        }
    }

    pub fn role(&self) -> ServiceRole {
        match self {
            Service::AwsLambda(_)
            | Service::GcpCloudFunctions(_)
            | Service::AzureFunctions(_)
            | Service::AzureFunctionsFlex(_)
            | Service::CloudflareWorkers(_) => ServiceRole::Function,
            Service::GcpCloudRun(_) => ServiceRole::FunctionOrContainer,
            Service::AwsFargate(_) | Service::AzureContainerApps(_) => ServiceRole::Container,
            Service::AwsEc2(_) => ServiceRole::Vm,
            Service::AwsApiGatewayHttp(_)
            | Service::AwsApiGatewayRest(_)
            | Service::AwsFunctionUrl(_)
            | Service::AwsAlb(_) => ServiceRole::FrontDoor,
        }
    }

    /// Function limits, for services that can host a function platform.
    pub fn function_limits(&self) -> Option<&FunctionLimits> {
        match self {
            Service::AwsLambda(s) => Some(&s.limits),
            Service::GcpCloudRun(s) => Some(&s.function_limits),
            Service::GcpCloudFunctions(s) => Some(&s.limits),
            Service::AzureFunctions(s) => Some(&s.limits),
            Service::AzureFunctionsFlex(s) => Some(&s.limits),
            Service::CloudflareWorkers(s) => Some(&s.limits),
            _ => None,
        }
    }

    pub fn container_limits(&self) -> Option<&ContainerLimits> {
        match self {
            Service::AwsFargate(s) => Some(&s.limits),
            Service::GcpCloudRun(s) => Some(&s.limits),
            Service::AzureContainerApps(s) => Some(&s.limits),
            _ => None,
        }
    }

    /// Region of the service's main rate, for bill exports.
    pub fn region(&self) -> &str {
        match self {
            Service::AwsLambda(s) => &s.requests.region,
            Service::AwsApiGatewayHttp(s) => &s.requests.region,
            Service::AwsApiGatewayRest(s) => &s.requests.region,
            Service::AwsFunctionUrl(s) => &s.requests.region,
            Service::AwsAlb(s) => &s.hourly.region,
            Service::AwsFargate(s) => &s.vcpu_x86_64.region,
            Service::AwsEc2(s) => s.instances.first().map(|i| i.hourly.region.as_str()).unwrap_or(""),
            Service::GcpCloudRun(s) => &s.cpu_request_based.region,
            Service::GcpCloudFunctions(s) => &s.invocations.region,
            Service::AzureFunctions(s) => &s.executions.region,
            Service::AzureFunctionsFlex(s) => &s.on_demand_executions.region,
            Service::AzureContainerApps(s) => &s.requests.region,
            Service::CloudflareWorkers(s) => &s.requests.region,
        }
    }
}

/// An optional figure written without `Some(...)`: present means given.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A pricing file: one provider family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceFile {
    pub provider: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub services: Vec<Service>,
    /// Network, logs, storage, credits and managed services (see `extra`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<Extra>,
    /// Regions billed at another region's prices (Google's price tiers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub region_groups: Vec<RegionGroup>,
    /// Reference exchange rates for showing figures in other currencies (the last file
    /// that gives a table wins).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub exchange_rates: Option<fx::ExchangeRates>,
}

/// Regions a provider bills at one price level: `services` in any of `regions` cost what
/// they cost in `priced_as` (Google Cloud's Tier 1 and Tier 2). Only the region whose
/// prices were read is stored; the group says which others share them, with its source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionGroup {
    pub name: String,
    pub services: Vec<String>,
    pub priced_as: String,
    pub regions: Vec<String>,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// All services by id. Built from the embedded files, optionally overlaid with a user's.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Each service in its reference region (the first region a file gave it: us-east-1,
    /// us-central1, eastus), which a platform without `region` uses.
    services: BTreeMap<String, Service>,
    /// The same services in other regions, by (id, region). Kept apart so that every
    /// lookup without a region stays what it was, and a region the catalog lacks is a
    /// miss, never the reference prices under another name.
    regional: BTreeMap<(String, String), Service>,
    /// (service id, region) -> the region whose prices it is billed at, from the files'
    /// region groups.
    priced_as: BTreeMap<(String, String), String>,
    /// The groups themselves, for listings and reports.
    pub region_groups: Vec<RegionGroup>,
    extras: BTreeMap<String, Extra>,
    /// The files the catalog was assembled from, in order (for reports: price sources).
    pub origins: Vec<String>,
    /// The files that added network, logs, storage, credits or managed-service entries
    /// (`extras`), in order; kept apart so that reports list them once they bill them.
    pub extra_origins: Vec<String>,
    /// The files that priced services in regions other than their reference one, listed
    /// by reports only when a platform names a region.
    pub regional_origins: Vec<String>,
    /// The reference exchange rates (`fx`), from the last file that gave a table.
    pub exchange_rates: Option<fx::ExchangeRates>,
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn builtin() -> Result<Catalog, PricingError> {
        let mut c = Catalog::default();
        for (name, text) in BUILTIN_FILES {
            let file = parse_price_file(text, name)?;
            c.add_file(file, name);
        }
        Ok(c)
    }

    /// Overlays every `*.ron` file in `dir` (sorted by name): same id replaces, new id adds.
    pub fn with_dir(mut self, dir: &std::path::Path) -> Result<Catalog, PricingError> {
        let files = load::read_dir_files(dir)?;
        // an id may replace a built-in one, but two files of the folder defining it is
        // a mistake: which one wins would depend on the file names
        let mut defined: BTreeMap<String, String> = BTreeMap::new();
        for (path, text) in files {
            let file = parse_price_file(&text, &path)?;
            for (i, s) in file.services.iter().enumerate() {
                // one id may be priced in several regions, once each
                let key = format!("{} in {}", s.id(), s.region());
                if let Some(first) = defined.get(&key) {
                    let first = format!("{first} (region {})", s.region());
                    return Err(load::duplicate_id(&text, &path, "services", i, s.id(), &first));
                }
                defined.insert(key, path.clone());
                if let Some(was) = self.kind_of(s.id())
                    && was != s.kind()
                {
                    return Err(load::kind_changed(&text, &path, "services", i, s.id(), s.kind(), was));
                }
            }
            for (i, x) in file.extras.iter().enumerate() {
                if let Some(first) = defined.get(x.id()) {
                    return Err(load::duplicate_id(&text, &path, "extras", i, x.id(), first));
                }
                defined.insert(x.id().to_string(), path.clone());
                if let Some(was) = self.kind_of(x.id())
                    && was != x.kind()
                {
                    return Err(load::kind_changed(&text, &path, "extras", i, x.id(), x.kind(), was));
                }
                // the bills ask a metered entry for its meters by operation: a replacement
                // must keep every one the entry it replaces has (it may add more)
                if let (Extra::Metered(new), Some(Extra::Metered(old))) = (x, self.extras.get(x.id()))
                    && let Some(missing) = old
                        .meters
                        .iter()
                        .filter_map(|m| m.operations.first())
                        .find(|op| new.meter(op).is_none())
                {
                    return Err(load::meter_missing(&text, &path, i, new, missing, old));
                }
            }
            self.add_file(file, &path);
        }
        Ok(self)
    }

    /// The kind of the entry `id` names so far (a service or an extra), if any.
    fn kind_of(&self, id: &str) -> Option<&'static str> {
        self.services
            .get(id)
            .map(Service::kind)
            .or_else(|| self.extras.get(id).map(Extra::kind))
    }

    pub fn add_file(&mut self, file: PriceFile, origin: &str) {
        let has_extras = !file.extras.is_empty();
        let (mut has_services, mut has_regional) = (false, false);
        // an id names one thing: a service replacing an extra (or the reverse) replaces it
        for s in file.services {
            self.extras.remove(s.id());
            match self.services.get(s.id()) {
                Some(base) if base.region() != s.region() => {
                    has_regional = true;
                    self.regional.insert((s.id().to_string(), s.region().to_string()), s);
                }
                _ => {
                    has_services = true;
                    self.services.insert(s.id().to_string(), s);
                }
            }
        }
        for x in file.extras {
            self.services.remove(x.id());
            self.extras.insert(x.id().to_string(), x);
        }
        let has_rates = file.exchange_rates.is_some();
        if has_rates {
            self.exchange_rates = file.exchange_rates;
        }
        for g in file.region_groups {
            for id in &g.services {
                for r in &g.regions {
                    self.priced_as.insert((id.clone(), r.clone()), g.priced_as.clone());
                }
            }
            self.region_groups
                .retain(|o| o.name != g.name || o.services != g.services);
            self.region_groups.push(g);
        }
        if has_regional {
            self.regional_origins.push(origin.to_string());
        }
        if has_services || (!has_extras && !has_regional && !has_rates) {
            self.origins.push(origin.to_string());
        }
        if has_extras {
            self.extra_origins.push(origin.to_string());
        }
    }

    /// How to show figures in `code` (`USD`: as priced), from the catalog's reference rates.
    pub fn fx(&self, code: &str) -> Result<fx::Fx, String> {
        if code.trim().eq_ignore_ascii_case("USD") {
            return Ok(fx::Fx::usd());
        }
        match &self.exchange_rates {
            Some(t) => t.fx(code),
            None => Err("the loaded catalog has no exchange-rate table".into()),
        }
    }

    /// The service in its reference region.
    pub fn get(&self, id: &str) -> Option<&Service> {
        self.services.get(id)
    }

    /// The service priced in `region` (`None`: the reference region). `None` when the
    /// catalog has no prices of that service for that region.
    pub fn get_in(&self, id: &str, region: Option<&str>) -> Option<&Service> {
        let base = self.services.get(id)?;
        let r = match region {
            None => return Some(base),
            Some(r) => r,
        };
        let key = (id.to_string(), r.to_string());
        let r = match self.regional.get(&key) {
            Some(s) => return Some(s),
            None => self.priced_as.get(&key).map(String::as_str).unwrap_or(r),
        };
        if r == base.region() {
            Some(base)
        } else {
            self.regional.get(&(id.to_string(), r.to_string()))
        }
    }

    /// The region whose prices `region` is billed at for `id` (itself unless a region
    /// group says otherwise).
    pub fn priced_as<'a>(&'a self, id: &str, region: &'a str) -> &'a str {
        self.priced_as
            .get(&(id.to_string(), region.to_string()))
            .map(String::as_str)
            .unwrap_or(region)
    }

    /// The regions the catalog prices `id` in: the reference region first, then the others
    /// by name. Empty when the id is unknown.
    pub fn regions(&self, id: &str) -> Vec<&str> {
        let Some(base) = self.services.get(id) else {
            return Vec::new();
        };
        let mut others: BTreeSet<&str> = self
            .regional
            .iter()
            .filter(|((sid, _), _)| sid == id)
            .map(|((_, r), _)| r.as_str())
            .collect();
        // regions of a group count when the region they are priced as is priced
        for ((sid, r), to) in &self.priced_as {
            if sid == id && (to == base.region() || others.contains(to.as_str())) {
                others.insert(r.as_str());
            }
        }
        others.remove(base.region());
        let mut out = vec![base.region()];
        out.extend(others);
        out
    }

    /// Every region entry of every service, reference regions included (price listings).
    pub fn all_regional(&self) -> impl Iterator<Item = &Service> {
        self.services.values().chain(self.regional.values())
    }

    /// A network, logs, storage, credits or managed-service entry.
    pub fn extra(&self, id: &str) -> Option<&Extra> {
        self.extras.get(id)
    }

    pub fn extras(&self) -> impl Iterator<Item = &Extra> {
        self.extras.values()
    }

    /// The metered entry `id` (network, logs, managed services).
    pub fn metered(&self, id: &str) -> Option<&Metered> {
        match self.extras.get(id) {
            Some(Extra::Metered(m)) => Some(m),
            _ => None,
        }
    }

    /// Ids of the managed services a workload's `calls` may name.
    pub fn service_call_ids(&self) -> Vec<&str> {
        self.extras
            .iter()
            .filter(|(id, e)| matches!(e, Extra::Metered(_)) && !extra::ids::INFRASTRUCTURE.contains(&id.as_str()))
            .map(|(id, _)| id.as_str())
            .collect()
    }

    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.values()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(|s| s.as_str())
    }

    /// The ids that can host a platform of this role, for editors and messages.
    pub fn ids_for(&self, want: ServiceRole) -> Vec<&str> {
        self.services
            .values()
            .filter(|s| {
                let r = s.role();
                r == want
                    || (r == ServiceRole::FunctionOrContainer
                        && matches!(want, ServiceRole::Function | ServiceRole::Container))
            })
            .map(|s| s.id())
            .collect()
    }
}
