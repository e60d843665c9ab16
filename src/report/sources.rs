//! Price sources: every catalog figure behind the services a scenario uses (its platforms
//! and their front doors) and the rest of the bill its bills use (egress, logs, NAT,
//! IPv4, root volumes, burstable credits, the managed services it calls), with rate,
//! region, effective date, status and source.
//!
//! The catalog entries are walked generically (through their serde form), so a field added
//! to a price file shows up here without changes. Figures that cannot apply to the
//! scenario are left out: the other CPU architecture, Windows rates, purchase options and
//! Cloud Run billing modes nobody chose, EC2 instance types not used, and new-customer
//! offers the billing does not apply.

use crate::billing::logs::logs_for;
use crate::billing::network::egress_id_for;
use crate::model::{AppWorkload, Component, ContainerBilling, FrontDoor, Platform, Purchase, Scenario};
use crate::pricing::extra::{Extra, Free, Per, Rate, ids};
use crate::pricing::{Arch, Catalog};
use crate::sim::extras::DEFAULT_ROOT_VOLUME_GB;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriceSource {
    /// Service id (`aws-lambda`).
    pub service: String,
    pub service_name: String,
    /// Which figure: the catalog field, readable (`duration arm64`, `t4g.small hourly`).
    pub item: String,
    /// The figure itself: `$0.0000002 per request`, tiers, an allowance, a discount; empty
    /// for limits.
    pub rate: String,
    pub region: String,
    /// Date the figure was read from its source (in force then); `None` for limits.
    pub effective: Option<String>,
    /// `Primary`, `Derived`, `Secondary` or `Unverified`; `None` for limits.
    pub status: Option<String>,
    pub source: String,
    pub note: String,
}

/// What the scenario asks of one service: used to leave out figures that cannot apply.
#[derive(Default)]
struct Use {
    archs: BTreeSet<&'static str>,
    purchases: BTreeSet<&'static str>,
    billing: BTreeSet<&'static str>,
    instances: BTreeSet<String>,
    as_function: bool,
    /// Environments or replicas kept warm (provisioned concurrency, always-ready, Cloud
    /// Run minimum instances): their rates can apply.
    kept_warm: bool,
    /// Leave out the rates of warm capacity nobody keeps (marks name only what a bill
    /// can use; the report's source list keeps them).
    only_billed: bool,
}

fn arch_key(a: Arch) -> &'static str {
    match a {
        Arch::X86_64 => "x86_64",
        Arch::Arm64 => "arm64",
    }
}

fn purchase_key(p: Purchase) -> Option<&'static str> {
    match p {
        Purchase::OnDemand => None,
        Purchase::Savings1y => Some("savings_1y"),
        Purchase::Savings3y => Some("savings_3y"),
        Purchase::Spot => Some("spot"),
    }
}

/// The catalog id of a front door's service.
pub fn front_door_service(fd: FrontDoor) -> Option<&'static str> {
    match fd {
        FrontDoor::None => None,
        FrontDoor::FunctionUrl => Some("aws-function-url"),
        FrontDoor::ApiGatewayHttp => Some("aws-api-gateway-http"),
        FrontDoor::ApiGatewayRest => Some("aws-api-gateway-rest"),
        FrontDoor::Alb => Some("aws-alb"),
    }
}

/// A service in a region (`None`: its reference region).
type Key = (String, Option<String>);

/// The services the scenario's enabled platforms use, in first-use order, with how they
/// are used.
fn uses(s: &Scenario) -> Vec<(Key, Use)> {
    uses_of(s.platforms.iter().filter(|p| p.enabled()))
}

fn uses_of<'p>(platforms: impl Iterator<Item = &'p Platform>) -> Vec<(Key, Use)> {
    let mut order: Vec<Key> = Vec::new();
    let mut map: BTreeMap<Key, Use> = BTreeMap::new();
    fn entry<'m>(order: &mut Vec<Key>, map: &'m mut BTreeMap<Key, Use>, id: &str, region: Option<&str>) -> &'m mut Use {
        let key = (id.to_string(), region.map(str::to_string));
        if !map.contains_key(&key) {
            order.push(key.clone());
        }
        map.entry(key).or_default()
    }
    for p in platforms {
        let u = entry(&mut order, &mut map, p.service(), p.region());
        match p {
            Platform::Function(f) => {
                u.archs.insert(arch_key(f.arch));
                u.as_function = true;
                u.kept_warm |= f.provisioned > 0;
                u.purchases.extend(purchase_key(f.purchase));
                u.billing.insert("request_based");
            }
            Platform::Container(c) => {
                u.archs.insert(arch_key(c.arch));
                u.kept_warm |= c.min_replicas > 0;
                u.purchases.extend(purchase_key(c.purchase));
                u.billing.insert(match c.billing {
                    ContainerBilling::RequestBased => "request_based",
                    ContainerBilling::InstanceBased => "instance_based",
                });
            }
            Platform::Vm(v) => {
                u.purchases.extend(purchase_key(v.purchase));
                u.instances.insert(v.instance.clone());
            }
        }
        if let Some(fd) = front_door_service(p.front_door()) {
            entry(&mut order, &mut map, fd, p.region());
        }
    }
    order
        .into_iter()
        .map(|id| {
            let u = map.remove(&id).unwrap_or_default();
            (id, u)
        })
        .collect()
}

/// Whether a catalog field can matter for this use of the service.
fn applies(key: &str, u: &Use) -> bool {
    for arch in ["x86_64", "arm64"] {
        if key.ends_with(&format!("_{arch}")) && !u.archs.is_empty() && !u.archs.contains(arch) {
            return false;
        }
    }
    if key.contains("windows") || key.starts_with("new_customer") {
        return false;
    }
    if matches!(key, "spot" | "savings_1y" | "savings_3y") && !u.purchases.contains(key) {
        return false;
    }
    // Google's committed use discounts: the request-based one, or the flexible one for
    // instance-based billing, of the term chosen
    if let Some(term) = key.strip_prefix("flex_cud_") {
        if !u.purchases.contains(format!("savings_{term}").as_str()) || !u.billing.contains("instance_based") {
            return false;
        }
    } else if let Some(term) = key.strip_prefix("cud_")
        && (!u.purchases.contains(format!("savings_{term}").as_str()) || !u.billing.contains("request_based"))
    {
        return false;
    }
    for mode in ["request_based", "instance_based"] {
        if key.ends_with(mode) && !u.billing.is_empty() && !u.billing.contains(mode) {
            return false;
        }
    }
    if key == "function_limits" && !u.as_function {
        return false;
    }
    let warm = key.contains("provisioned") || key.contains("idle_min") || key.starts_with("always_ready");
    if u.only_billed && warm && !u.kept_warm {
        return false;
    }
    true
}

/// Every sourced figure behind the services the scenario uses, then those of the rest of
/// the bill its platforms' bills and its calls use (`extra_sources`).
pub fn price_sources(s: &Scenario, catalog: &Catalog) -> Vec<PriceSource> {
    let mut out = platform_sources(s, catalog);
    out.extend(extra_sources(s, catalog));
    out
}

fn platform_sources(s: &Scenario, catalog: &Catalog) -> Vec<PriceSource> {
    sources_of(uses(s), catalog)
}

/// The figures of one platform and its front door that carry no source of their own for
/// its region (status Unverified: assumptions, or another region's figure carried), as
/// `item (service)`; the app and reports mark a platform priced with any.
pub fn unverified_figures(p: &Platform, catalog: &Catalog) -> Vec<String> {
    let mut uses = uses_of(std::iter::once(p));
    for (_, u) in &mut uses {
        u.only_billed = true;
    }
    sources_of(uses, catalog)
        .into_iter()
        .filter(|f| f.status.as_deref() == Some("Unverified"))
        .map(|f| format!("{} ({})", f.item, f.service_name))
        .collect()
}

fn sources_of(uses: Vec<(Key, Use)>, catalog: &Catalog) -> Vec<PriceSource> {
    let mut out = Vec::new();
    for ((id, region), u) in uses {
        let Some(service) = catalog.get_in(&id, region.as_deref()) else {
            continue;
        };
        let Ok(v) = serde_json::to_value(service) else {
            continue;
        };
        // `{"AwsLambda": {...}}`: the variant wraps the fields
        let Some(fields) = v.as_object().and_then(|o| o.values().next()).and_then(Value::as_object) else {
            continue;
        };
        let ctx = Ctx {
            id: &id,
            name: service.name(),
            region: service.region(),
            u: &u,
        };
        walk_object(fields, "", &ctx, &mut out);
    }
    out
}

/// The workloads a platform may run (all when its `runs` is empty).
fn hosted<'s>(s: &'s Scenario, p: &Platform) -> impl Iterator<Item = &'s AppWorkload> {
    let runs: Vec<String> = p.runs().to_vec();
    s.workloads
        .iter()
        .filter(move |w| runs.is_empty() || runs.contains(&w.name))
}

/// A catalog entry and meter of the rest of the bill, as the simulation's bills use them
/// (`sim::extras`): each platform's egress when responses to outside requests leave, its
/// provider's logging when requests write logs, NAT gateways and public IPv4 addresses
/// when its `network` asks for them, gp3 root volumes and burstable credits for VMs; then
/// the meters of the operations the requests call. In first-use order, each once.
fn extra_uses(s: &Scenario, catalog: &Catalog) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut add = |id: &str, op: Option<&str>| {
        let key = (id.to_string(), op.map(str::to_string));
        if !out.contains(&key) {
            out.push(key);
        }
    };
    for p in s.platforms.iter().filter(|p| p.enabled()) {
        let service = p.service();
        // egress counts the responses of outside requests only (not triggered ones)
        let outside = |w: &&AppWorkload| {
            w.traffic
                .components
                .iter()
                .any(|c| !matches!(c, Component::Triggered { .. }))
        };
        if s.egress_share > 0.0
            && hosted(s, p).filter(outside).any(|w| w.request.response_kb > 0.0)
            && let Some(id) = egress_id_for(service)
        {
            add(id, Some("internet-out"));
        }
        if hosted(s, p).any(|w| w.request.log_kb > 0.0)
            && let Some((id, op)) = logs_for(service)
        {
            add(id, Some(op));
        }
        let network = p.network().unwrap_or_default();
        if network.vpc && network.nat_gateways > 0 {
            add(ids::AWS_NAT_GATEWAY, Some("hour"));
            add(ids::AWS_NAT_GATEWAY, Some("gb-processed"));
        }
        // functions have no replicas to give addresses to
        if network.public_ipv4 && !matches!(p, Platform::Function(_)) {
            add(ids::AWS_PUBLIC_IPV4, Some("address-hour"));
        }
        if let Platform::Vm(vm) = p {
            if vm.root_volume_gb.unwrap_or(DEFAULT_ROOT_VOLUME_GB) > 0.0 {
                add(ids::AWS_EBS, Some("gp3"));
            }
            if let Some(Extra::AwsBurstCredits(c)) = catalog.extra(ids::AWS_BURST_CREDITS)
                && c.size(&vm.instance).is_some()
            {
                add(ids::AWS_BURST_CREDITS, Some(&vm.instance));
            }
        }
    }
    for w in &s.workloads {
        for c in w.request.calls.iter().filter(|c| c.per_request > 0.0) {
            add(&c.service, Some(&c.operation));
        }
    }
    out
}

/// The figures behind the rest of the bill the scenario uses: each meter's rate and its
/// free allowance (its own, or the service's shared pool), the gp3 storage rate, a
/// burstable size's credit figures and its family's surplus rate.
pub fn extra_sources(s: &Scenario, catalog: &Catalog) -> Vec<PriceSource> {
    let mut out: Vec<PriceSource> = Vec::new();
    let none = Use::default();
    for (id, op) in extra_uses(s, catalog) {
        let Some(extra) = catalog.extra(&id) else {
            continue;
        };
        let ctx = Ctx {
            id: &id,
            name: extra.name(),
            region: extra.region(),
            u: &none,
        };
        let mut push = |p: PriceSource| {
            if !out.iter().any(|q| q.service == p.service && q.item == p.item) {
                out.push(p);
            }
        };
        match extra {
            Extra::Metered(m) => {
                let Some(meter) = op.as_deref().and_then(|o| m.meter(o)) else {
                    continue;
                };
                if let Some(rate) = inner(&meter.rate) {
                    let mut f = figure(&rate, &meter.item, &ctx);
                    if let Some(kb) = meter.chunk_kb {
                        f.note = join(
                            &f.note,
                            &format!("each {} KB chunk of a payload counts as one", super::fmt::trim(kb, 3)),
                        );
                    }
                    push(f);
                }
                let free = meter.free.as_ref().or(if meter.shared_free {
                    m.shared_free.as_ref()
                } else {
                    None
                });
                if let Some(free) = free {
                    let label = if meter.shared_free && meter.free.is_none() {
                        "Free allowance, shared by the service's meters".to_string()
                    } else {
                        format!("{}: free allowance", meter.item)
                    };
                    push(free_figure(free, &label, &ctx));
                }
            }
            Extra::AwsEbs(e) => {
                let Some(v) = e.volume_types.iter().find(|v| Some(v.name.as_str()) == op.as_deref()) else {
                    continue;
                };
                if let Ok(Value::Object(o)) = serde_json::to_value(&v.storage) {
                    push(figure(&o, &format!("{} storage (root volumes)", v.name), &ctx));
                }
            }
            Extra::AwsBurstCredits(c) => {
                let Some(instance) = op.as_deref() else { continue };
                if let Some(size) = c.size(instance) {
                    // the credit figures have a source but no price, date or status of their own
                    push(PriceSource {
                        service: id.clone(),
                        service_name: c.name.clone(),
                        item: format!("{instance} credits"),
                        rate: format!(
                            "earns {} credits an hour (baseline {} % of each of {} vCPUs), holds at most {}",
                            size.credits_per_hour.normalize(),
                            (size.baseline * rust_decimal::Decimal::from(100)).normalize(),
                            size.vcpu,
                            size.max_accrued.normalize()
                        ),
                        region: "all regions".into(),
                        effective: None,
                        status: None,
                        source: c.source.clone(),
                        note: c.note.clone(),
                    });
                }
                if let Some(price) = c.rate(instance)
                    && let Ok(Value::Object(o)) = serde_json::to_value(price)
                {
                    let family = instance.split('.').next().unwrap_or(instance);
                    push(figure(&o, &format!("{family} surplus credits (Linux)"), &ctx));
                }
            }
        }
    }
    out
}

/// A rate's fields (`{"Flat": {...}}` -> `{...}`).
fn inner(rate: &Rate) -> Option<Map<String, Value>> {
    match serde_json::to_value(rate).ok()? {
        Value::Object(o) => o.into_iter().next().and_then(|(_, v)| match v {
            Value::Object(i) => Some(i),
            _ => None,
        }),
        _ => None,
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

/// A free allowance: "100 GB a month, per account, all services and regions".
fn free_figure(free: &Free, label: &str, ctx: &Ctx) -> PriceSource {
    let mut f = match serde_json::to_value(free) {
        Ok(Value::Object(o)) => figure(&o, label, ctx),
        _ => figure(&Map::new(), label, ctx),
    };
    f.rate = format!(
        "{} {} free a {}, {}",
        crate::billing::group(free.quantity.normalize()),
        crate::billing::plural(&free.unit),
        match free.per {
            Per::Month => "month",
            Per::Day => "day",
        },
        free.scope.label()
    );
    f
}

struct Ctx<'a> {
    id: &'a str,
    name: &'a str,
    region: &'a str,
    u: &'a Use,
}

fn walk_object(o: &Map<String, Value>, prefix: &str, ctx: &Ctx, out: &mut Vec<PriceSource>) {
    for (key, v) in o {
        if !applies(key, ctx.u) {
            continue;
        }
        let label = if prefix.is_empty() {
            key.replace('_', " ")
        } else {
            format!("{prefix} {}", key.replace('_', " "))
        };
        match v {
            Value::Object(inner) if inner.get("source").is_some_and(Value::is_string) => {
                out.push(figure(inner, &label, ctx));
            }
            Value::Object(inner) => walk_object(inner, &label, ctx, out),
            Value::Array(items) => {
                for item in items {
                    let Some(obj) = item.as_object() else { continue };
                    // named entries (EC2 instance types): only those the scenario uses
                    let name = obj.get("name").and_then(Value::as_str);
                    if let Some(n) = name
                        && !ctx.u.instances.is_empty()
                        && !ctx.u.instances.contains(n)
                    {
                        continue;
                    }
                    walk_object(obj, name.unwrap_or(&label), ctx, out);
                }
            }
            Value::String(url) if key.ends_with("_source") => {
                // a dated rule with its own source (Lambda: INIT billed from a date)
                let stem = key.trim_end_matches("_source");
                let from = o
                    .get(&format!("{stem}_from"))
                    .and_then(Value::as_str)
                    .map(|d| format!("from {d}"))
                    .unwrap_or_default();
                out.push(PriceSource {
                    service: ctx.id.to_string(),
                    service_name: ctx.name.to_string(),
                    item: stem.replace('_', " ").replacen("init", "INIT", 1),
                    rate: from,
                    region: ctx.region.to_string(),
                    effective: None,
                    status: None,
                    source: url.clone(),
                    note: String::new(),
                });
            }
            _ => {}
        }
    }
}

fn text(o: &Map<String, Value>, k: &str) -> String {
    o.get(k).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// A number from the catalog as it was written (the catalog's decimals serialise as f64,
/// which print back as the literal).
fn lit(v: &Value) -> String {
    match v.as_f64() {
        Some(x) => crate::pricing::decimal::from_f64_exact(x)
            .map(|d| d.normalize().to_string())
            .unwrap_or_else(|| x.to_string()),
        None => v.to_string(),
    }
}

fn grouped(v: &Value) -> String {
    let s = lit(v);
    match s.parse::<rust_decimal::Decimal>() {
        Ok(d) => crate::billing::group(d),
        Err(_) => s,
    }
}

/// `request` -> `requests`, `GB-second` -> `GB-seconds` (catalog units are singular).
fn plural(unit: &str) -> String {
    if unit.ends_with(|c: char| c.is_ascii_alphabetic()) && !unit.ends_with('s') {
        format!("{unit}s")
    } else {
        unit.to_string()
    }
}

fn figure(o: &Map<String, Value>, label: &str, ctx: &Ctx) -> PriceSource {
    let unit = text(o, "unit");
    let rate = if let Some(usd) = o.get("usd") {
        format!("${} per {unit}", lit(usd))
    } else if let Some(tiers) = o.get("tiers").and_then(Value::as_array) {
        let parts: Vec<String> = tiers
            .iter()
            .map(|t| {
                let usd = t.get("usd").map(lit).unwrap_or_default();
                match t.get("up_to") {
                    Some(b) if !b.is_null() => format!("${usd} up to {} {unit}", grouped(b)),
                    _ => format!("${usd} above"),
                }
            })
            .collect();
        format!("per {unit}: {}", parts.join("; "))
    } else if let Some(q) = o.get("quantity") {
        format!("{} {} a month", grouped(q), plural(&unit))
    } else if let Some(f) = o.get("fraction").and_then(Value::as_f64) {
        format!("{} % off on-demand", super::fmt::trim(f * 100.0, 2))
    } else {
        String::new()
    };
    let region = match text(o, "region") {
        r if r.is_empty() => ctx.region.to_string(),
        r => r,
    };
    PriceSource {
        service: ctx.id.to_string(),
        service_name: ctx.name.to_string(),
        item: label.to_string(),
        rate,
        region,
        effective: o.get("effective").and_then(Value::as_str).map(str::to_string),
        status: o.get("status").and_then(Value::as_str).map(str::to_string),
        source: text(o, "source"),
        note: text(o, "note"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scenario_lists_only_what_applies() {
        let cat = Catalog::builtin().unwrap();
        let s = crate::model::default_scenario(&cat).unwrap();
        let src = price_sources(&s, &cat);
        let services: BTreeSet<&str> = src.iter().map(|p| p.service.as_str()).collect();
        for p in s.platforms.iter().filter(|p| p.enabled()) {
            assert!(services.contains(p.service()), "{}", p.service());
        }
        for p in &src {
            assert!(!p.source.is_empty(), "{p:?}");
            // a burstable size's credit figures have a source but no date or status
            let credit_figures = p.service == ids::AWS_BURST_CREDITS && p.rate.starts_with("earns ");
            if !p.rate.is_empty() && !p.rate.starts_with("from") && !credit_figures {
                assert!(p.effective.is_some() && p.status.is_some(), "{p:?}");
            }
            assert!(!p.item.contains("windows"), "{p:?}");
        }
        // every EC2 figure is for an instance type the scenario uses
        let used: BTreeSet<String> = s
            .platforms
            .iter()
            .filter_map(|p| match p {
                Platform::Vm(v) => Some(v.instance.clone()),
                _ => None,
            })
            .collect();
        for p in src.iter().filter(|p| p.service == "aws-ec2") {
            assert!(used.iter().any(|i| p.item.starts_with(i.as_str())), "{p:?}");
        }
    }

    #[test]
    fn arm64_lambda_leaves_out_x86_rates() {
        let u = Use {
            archs: ["arm64"].into_iter().collect(),
            ..Use::default()
        };
        assert!(!applies("duration_x86_64", &u));
        assert!(applies("duration_arm64", &u));
        assert!(applies("requests", &u));
        assert!(!applies("spot", &u));
        assert!(!applies("function_limits", &u));
    }
}
