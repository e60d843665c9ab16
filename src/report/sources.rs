//! Price sources: every catalog figure behind the services a scenario uses (its platforms
//! and their front doors), with rate, region, effective date, status and source.
//!
//! The catalog entries are walked generically (through their serde form), so a field added
//! to a price file shows up here without changes. Figures that cannot apply to the
//! scenario are left out: the other CPU architecture, Windows rates, purchase options and
//! Cloud Run billing modes nobody chose, EC2 instance types not used, and new-customer
//! offers the billing does not apply.

use crate::model::{ContainerBilling, FrontDoor, Platform, Purchase, Scenario};
use crate::pricing::{Arch, Catalog};
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

/// The services the scenario's enabled platforms use, in first-use order, with how they
/// are used.
fn uses(s: &Scenario) -> Vec<(String, Use)> {
    let mut order: Vec<String> = Vec::new();
    let mut map: BTreeMap<String, Use> = BTreeMap::new();
    fn entry<'m>(order: &mut Vec<String>, map: &'m mut BTreeMap<String, Use>, id: &str) -> &'m mut Use {
        if !map.contains_key(id) {
            order.push(id.to_string());
        }
        map.entry(id.to_string()).or_default()
    }
    for p in s.platforms.iter().filter(|p| p.enabled()) {
        let u = entry(&mut order, &mut map, p.service());
        match p {
            Platform::Function(f) => {
                u.archs.insert(arch_key(f.arch));
                u.as_function = true;
                u.billing.insert("request_based");
            }
            Platform::Container(c) => {
                u.archs.insert(arch_key(c.arch));
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
            entry(&mut order, &mut map, fd);
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
    for mode in ["request_based", "instance_based"] {
        if key.ends_with(mode) && !u.billing.is_empty() && !u.billing.contains(mode) {
            return false;
        }
    }
    if key == "function_limits" && !u.as_function {
        return false;
    }
    true
}

/// Every sourced figure behind the services the scenario uses.
pub fn price_sources(s: &Scenario, catalog: &Catalog) -> Vec<PriceSource> {
    let mut out = Vec::new();
    for (id, u) in uses(s) {
        let Some(service) = catalog.get(&id) else {
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
            if !p.rate.is_empty() && !p.rate.starts_with("from") {
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
