//! The two file shapes of a scenario and the one in-memory `Scenario` they map to.
//!
//! Version 1 holds one workload as top-level `traffic` and `workload`; version 2 holds a
//! list of named `workloads` (traffic and request fields side by side), `pipelines` and
//! the rest of the bill. One struct reads both so that serde's messages (unknown field,
//! missing field, with positions) keep working; which fields belong to which version is
//! checked here (structural) and in `validate` (everything with a position).

use super::{
    AppWorkload, Call, Dist, Pipeline, Platform, ProviderDiscount, Scenario, Traffic, Uncertainty, WORKLOAD_V1_NAME,
    Workload,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
pub struct ScenarioFile {
    version: u32,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_horizon_days")]
    horizon_days: f64,
    #[serde(default)]
    seed: u64,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    egress_share: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    discounts: Vec<ProviderDiscount>,
    #[serde(
        default,
        deserialize_with = "present",
        serialize_with = "inner",
        skip_serializing_if = "Option::is_none"
    )]
    traffic: Option<Traffic>,
    #[serde(
        default,
        deserialize_with = "present",
        serialize_with = "inner",
        skip_serializing_if = "Option::is_none"
    )]
    workload: Option<Workload>,
    #[serde(
        default,
        deserialize_with = "present",
        serialize_with = "inner",
        skip_serializing_if = "Option::is_none"
    )]
    workloads: Option<Vec<WorkloadEntry>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pipelines: Vec<Pipeline>,
    platforms: Vec<Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uncertainty: Option<Uncertainty>,
}

/// A version 2 workload: its name and traffic beside version 1's `Workload` fields.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Workload", deny_unknown_fields)]
struct WorkloadEntry {
    name: String,
    traffic: Traffic,
    duration_ms: Dist,
    cpu_fraction: f64,
    cold_start_ms: Dist,
    #[serde(default)]
    request_kb: f64,
    #[serde(default)]
    response_kb: f64,
    #[serde(default)]
    latency_slo_ms: Option<f64>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    requests_per_connection: f64,
    #[serde(default, skip_serializing_if = "is_zero")]
    log_kb: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    calls: Vec<Call>,
}

/// A field that is there (written without `Some(...)`): absent fields take the default.
pub(super) fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

pub(super) fn inner<S: serde::Serializer, T: Serialize>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => x.serialize(s),
        None => s.serialize_none(),
    }
}

fn default_horizon_days() -> f64 {
    30.0
}
fn one() -> f64 {
    1.0
}
fn is_one(x: &f64) -> bool {
    *x == 1.0
}
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl TryFrom<ScenarioFile> for Scenario {
    type Error = String;

    fn try_from(f: ScenarioFile) -> Result<Scenario, String> {
        let workloads = match (f.workloads, f.traffic, f.workload) {
            (Some(list), None, None) => {
                if list.is_empty() {
                    return Err("`workloads` is empty: an application needs at least one workload".into());
                }
                list.into_iter().map(AppWorkload::from).collect()
            }
            (Some(_), _, _) => {
                return Err(
                    "a scenario has either `workloads` (version 2) or `traffic` and `workload` (version 1), not both"
                        .into(),
                );
            }
            (None, Some(traffic), Some(request)) => vec![AppWorkload {
                name: WORKLOAD_V1_NAME.into(),
                traffic,
                request,
            }],
            (None, None, _) => return Err("missing field `traffic` (or `workloads` in a version 2 scenario)".into()),
            (None, Some(_), None) => return Err("missing field `workload`".into()),
        };
        Ok(Scenario {
            version: f.version,
            name: f.name,
            description: f.description,
            horizon_days: f.horizon_days,
            seed: f.seed,
            egress_share: f.egress_share,
            discounts: f.discounts,
            workloads,
            pipelines: f.pipelines,
            platforms: f.platforms,
            uncertainty: f.uncertainty,
        })
    }
}

impl From<Scenario> for ScenarioFile {
    fn from(s: Scenario) -> ScenarioFile {
        let v1 = s.writes_v1();
        let (traffic, workload, workloads) = if v1 {
            let w = s.workloads.into_iter().next();
            (w.as_ref().map(|w| w.traffic.clone()), w.map(|w| w.request), None)
        } else {
            (
                None,
                None,
                Some(s.workloads.into_iter().map(WorkloadEntry::from).collect()),
            )
        };
        ScenarioFile {
            // a second workload makes a version 1 scenario version 2
            version: if v1 { s.version } else { s.version.max(2) },
            name: s.name,
            description: s.description,
            horizon_days: s.horizon_days,
            seed: s.seed,
            egress_share: s.egress_share,
            discounts: s.discounts,
            traffic,
            workload,
            workloads,
            pipelines: s.pipelines,
            platforms: s.platforms,
            uncertainty: s.uncertainty,
        }
    }
}

impl From<WorkloadEntry> for AppWorkload {
    fn from(w: WorkloadEntry) -> AppWorkload {
        AppWorkload {
            name: w.name,
            traffic: w.traffic,
            request: Workload {
                duration_ms: w.duration_ms,
                cpu_fraction: w.cpu_fraction,
                cold_start_ms: w.cold_start_ms,
                request_kb: w.request_kb,
                response_kb: w.response_kb,
                latency_slo_ms: w.latency_slo_ms,
                requests_per_connection: w.requests_per_connection,
                log_kb: w.log_kb,
                calls: w.calls,
            },
        }
    }
}

impl From<AppWorkload> for WorkloadEntry {
    fn from(w: AppWorkload) -> WorkloadEntry {
        let r = w.request;
        WorkloadEntry {
            name: w.name,
            traffic: w.traffic,
            duration_ms: r.duration_ms,
            cpu_fraction: r.cpu_fraction,
            cold_start_ms: r.cold_start_ms,
            request_kb: r.request_kb,
            response_kb: r.response_kb,
            latency_slo_ms: r.latency_slo_ms,
            requests_per_connection: r.requests_per_connection,
            log_kb: r.log_kb,
            calls: r.calls,
        }
    }
}
