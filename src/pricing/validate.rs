//! Checks on price files beyond what the types enforce: every figure is non-negative,
//! cites a URL, names its unit and region; tiers ascend; ids are unique; every limit and
//! size is finite, in range and consistent (the engines and the billing rules divide by
//! them and size loops with them, so a bad one would panic in a worker thread or print
//! a bill of $1e14 rather than an error).

use super::extra::{Extra, QUOTE_FLAGS};
use super::{ContainerLimits, FunctionLimits, PriceFile, Rate, Service};
use crate::model::Problem;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashSet;

/// Highest rate accepted for one unit of anything, in USD. The dearest figure in the
/// shipped catalog is $5 (a month of Workers Paid); the largest EC2 instances cost a few
/// hundred dollars an hour.
pub const MAX_PRICE_USD: f64 = 100_000.0;
/// Highest free or included quantity accepted (per month, in the figure's unit).
pub const MAX_ALLOWANCE: f64 = 1e15;
/// Longest minimum billed time or rounding step accepted (one day).
pub const MAX_BILLING_STEP_S: u64 = 86_400;

pub fn validate_price_file(pf: &PriceFile) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for (i, s) in pf.services.iter().enumerate() {
        numbers(s, &format!("services[{i}]"), &mut out);
        if s.id().trim().is_empty() {
            out.push(Problem::new(format!("services[{i}].id"), "service id is empty"));
        } else if !ids.insert(format!("{}\u{0}{}", s.id(), s.region())) {
            out.push(Problem::new(
                format!("services[{i}].id"),
                format!(
                    "duplicate service id `{}` in region `{}` in this file",
                    s.id(),
                    s.region()
                ),
            ));
        }
        let v = match serde_json::to_value(s) {
            Ok(v) => v,
            Err(_) => continue,
        };
        // Externally tagged enum: {"AwsLambda": {...}}; RON writes the variant unwrapped.
        if let Value::Object(m) = &v {
            for inner in m.values() {
                walk(inner, &format!("services[{i}]"), &mut out);
                // a service is one region's prices: a figure of another region in it would
                // be billed as if it were this one's
                same_region(inner, &format!("services[{i}]"), s.region(), &mut out);
            }
        }
    }
    if let Some(t) = &pf.exchange_rates {
        for (path, msg) in t.problems() {
            out.push(Problem::new(path, msg));
        }
        if !(t.source.starts_with("https://") || t.source.starts_with("http://")) {
            out.push(Problem::new(
                "exchange_rates.source",
                "source must be a URL (http:// or https://)",
            ));
        }
    }
    for (i, x) in pf.extras.iter().enumerate() {
        let path = format!("extras[{i}]");
        extra_numbers(x, &path, &mut out);
        if x.id().trim().is_empty() {
            out.push(Problem::new(format!("{path}.id"), "id is empty"));
        } else if !ids.insert(x.id().to_string()) {
            out.push(Problem::new(
                format!("{path}.id"),
                format!("duplicate id `{}` in this file", x.id()),
            ));
        }
        if let Ok(Value::Object(m)) = serde_json::to_value(x) {
            for inner in m.values() {
                walk(inner, &path, &mut out);
            }
        }
    }
    out
}

/// Largest payload chunk accepted, KB (1 TB).
const MAX_CHUNK_KB: f64 = 1e9;

fn extra_numbers(x: &Extra, path: &str, out: &mut Vec<Problem>) {
    let mut n = Nums { out };
    let p = |field: &str| format!("{path}.{field}");
    match x {
        Extra::Metered(m) => {
            if m.meters.is_empty() {
                n.out.push(Problem::new(p("meters"), "at least one meter is needed"));
            }
            let mut ops = HashSet::new();
            for (i, meter) in m.meters.iter().enumerate() {
                let q = p(&format!("meters[{i}]"));
                if meter.operations.is_empty() {
                    n.out.push(Problem::new(
                        format!("{q}.operations"),
                        "name at least one operation (e.g. \"read\")",
                    ));
                }
                for (j, op) in meter.operations.iter().enumerate() {
                    if op.trim().is_empty() {
                        n.out
                            .push(Problem::new(format!("{q}.operations[{j}]"), "operation is empty"));
                    } else if !ops.insert(op.to_ascii_lowercase()) {
                        n.out.push(Problem::new(
                            format!("{q}.operations[{j}]"),
                            format!("operation `{op}` is named by two meters"),
                        ));
                    }
                }
                if meter.item.trim().is_empty() {
                    n.out
                        .push(Problem::new(format!("{q}.item"), "the bill line needs a label"));
                }
                for (j, f) in meter.flags.iter().enumerate() {
                    if !QUOTE_FLAGS.contains(&f.as_str()) {
                        n.out.push(Problem::new(
                            format!("{q}.flags[{j}]"),
                            format!("unknown quote flag `{f}`; known: {}", QUOTE_FLAGS.join(", ")),
                        ));
                    }
                }
                n.opt(format!("{q}.chunk_kb"), meter.chunk_kb, 0.0, true, MAX_CHUNK_KB);
                if meter.shared_free && m.shared_free.is_none() {
                    n.out.push(Problem::new(
                        format!("{q}.shared_free"),
                        "the meter draws on the service's shared_free pool, which the entry does not define",
                    ));
                }
                if meter.shared_free && meter.free.is_some() {
                    n.out.push(Problem::new(
                        format!("{q}.free"),
                        "a meter takes either its own free allowance or the shared pool, not both",
                    ));
                }
                if meter.tiers_after_free && !matches!(meter.rate, Rate::Tiered(_)) {
                    n.out.push(Problem::new(
                        format!("{q}.tiers_after_free"),
                        "tiers_after_free needs a Tiered rate",
                    ));
                }
            }
        }
        Extra::AwsEbs(e) => {
            n.u(p("minimum_s"), e.minimum_s, 0, MAX_BILLING_STEP_S);
            if e.volume_types.is_empty() {
                n.out
                    .push(Problem::new(p("volume_types"), "at least one volume type is needed"));
            }
            let mut names = HashSet::new();
            for (i, v) in e.volume_types.iter().enumerate() {
                let q = p(&format!("volume_types[{i}]"));
                if v.name.trim().is_empty() {
                    n.out
                        .push(Problem::new(format!("{q}.name"), "the volume type needs a name"));
                } else if !names.insert(v.name.as_str()) {
                    n.out.push(Problem::new(
                        format!("{q}.name"),
                        format!("volume type `{}` is listed twice", v.name),
                    ));
                }
                n.u(format!("{q}.included_iops"), v.included_iops, 0, 1_000_000_000);
                n.u(
                    format!("{q}.included_throughput_mbps"),
                    v.included_throughput_mbps,
                    0,
                    1_000_000_000,
                );
            }
        }
        Extra::AwsBurstCredits(b) => {
            if b.families.is_empty() {
                n.out
                    .push(Problem::new(p("families"), "at least one instance family is needed"));
            }
            let mut fams = HashSet::new();
            for (i, f) in b.families.iter().enumerate() {
                if f.family.trim().is_empty() || !fams.insert(f.family.as_str()) {
                    n.out.push(Problem::new(
                        p(&format!("families[{i}].family")),
                        format!("family `{}` is empty or listed twice", f.family),
                    ));
                }
            }
            if b.sizes.is_empty() {
                n.out
                    .push(Problem::new(p("sizes"), "at least one instance size is needed"));
            }
            let mut names = HashSet::new();
            for (i, z) in b.sizes.iter().enumerate() {
                let q = p(&format!("sizes[{i}]"));
                if z.name.trim().is_empty() || !names.insert(z.name.as_str()) {
                    n.out.push(Problem::new(
                        format!("{q}.name"),
                        format!("size `{}` is empty or listed twice", z.name),
                    ));
                }
                n.u(format!("{q}.vcpu"), z.vcpu as u64, 1, MAX_VCPU as u64);
                dec_range(&mut n, format!("{q}.credits_per_hour"), z.credits_per_hour, 1_000_000);
                dec_range(&mut n, format!("{q}.max_accrued"), z.max_accrued, 1_000_000_000);
                dec_range(&mut n, format!("{q}.baseline"), z.baseline, 1);
            }
        }
    }
}

/// A decimal within [0, hi].
fn dec_range(n: &mut Nums, path: String, x: Decimal, hi: i64) {
    if x < Decimal::ZERO || x > Decimal::from(hi) {
        n.out
            .push(Problem::new(path, format!("{x} is out of range: allowed 0 to {hi}")));
    }
}

fn walk(v: &Value, path: &str, out: &mut Vec<Problem>) {
    match v {
        // an enum variant (`rate: Flat(Price(...))`): RON paths do not name it
        Value::Object(m) if m.len() == 1 && m.keys().all(|k| k.starts_with(char::is_uppercase)) => {
            for child in m.values() {
                walk(child, path, out);
            }
        }
        Value::Object(m) => {
            let is_figure = m.contains_key("source");
            if is_figure {
                check_figure(m, path, out);
            }
            for (k, child) in m {
                walk(child, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                walk(child, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn same_region(v: &Value, path: &str, region: &str, out: &mut Vec<Problem>) {
    match v {
        Value::Object(m) if m.len() == 1 && m.keys().all(|k| k.starts_with(char::is_uppercase)) => {
            for child in m.values() {
                same_region(child, path, region, out);
            }
        }
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("region")
                && m.contains_key("source")
                && r != region
            {
                out.push(Problem::new(
                    format!("{path}.region"),
                    format!("region `{r}` differs from the service's region `{region}` (its first rate's); one entry prices one region"),
                ));
            }
            for (k, child) in m {
                same_region(child, &format!("{path}.{k}"), region, out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                same_region(child, &format!("{path}[{i}]"), region, out);
            }
        }
        _ => {}
    }
}

fn check_figure(m: &serde_json::Map<String, Value>, path: &str, out: &mut Vec<Problem>) {
    if let Some(Value::String(src)) = m.get("source")
        && !(src.starts_with("https://") || src.starts_with("http://"))
    {
        out.push(Problem::new(
            format!("{path}.source"),
            format!("source must be a URL (http:// or https://), found `{src}`"),
        ));
    }
    for key in ["unit", "region", "currency"] {
        if let Some(Value::String(s)) = m.get(key)
            && s.trim().is_empty()
        {
            out.push(Problem::new(format!("{path}.{key}"), format!("{key} is empty")));
        }
    }
    for key in ["usd", "quantity", "fraction"] {
        if let Some(x) = m.get(key).and_then(Value::as_f64)
            && x < 0.0
        {
            out.push(Problem::new(
                format!("{path}.{key}"),
                format!("{key} must be zero or more, found {}", short(x)),
            ));
        }
    }
    if let Some(x) = m.get("usd").and_then(Value::as_f64)
        && x > MAX_PRICE_USD
    {
        out.push(Problem::new(
            format!("{path}.usd"),
            format!(
                "{} USD per unit is above the {MAX_PRICE_USD} USD this program accepts",
                short(x)
            ),
        ));
    }
    if let Some(x) = m.get("quantity").and_then(Value::as_f64)
        && x > MAX_ALLOWANCE
    {
        out.push(Problem::new(
            format!("{path}.quantity"),
            format!(
                "{} is above the {} this program accepts",
                short(x),
                short(MAX_ALLOWANCE)
            ),
        ));
    }
    if let Some(x) = m.get("fraction").and_then(Value::as_f64)
        && x >= 1.0
    {
        out.push(Problem::new(
            format!("{path}.fraction"),
            format!("a discount must be below 1.0 (100 %), found {}", short(x)),
        ));
    }
    if let Some(Value::Array(tiers)) = m.get("tiers") {
        if tiers.is_empty() {
            out.push(Problem::new(format!("{path}.tiers"), "at least one tier is needed"));
        }
        let mut prev = 0.0;
        for (i, t) in tiers.iter().enumerate() {
            let last = i + 1 == tiers.len();
            match t.get("up_to").and_then(Value::as_f64) {
                Some(b) if last => out.push(Problem::new(
                    format!("{path}.tiers[{i}].up_to"),
                    format!("the last tier must be open-ended (up_to: None), found {}", short(b)),
                )),
                Some(b) if b <= prev => out.push(Problem::new(
                    format!("{path}.tiers[{i}].up_to"),
                    format!("tier bounds must increase: {} is not above {}", short(b), short(prev)),
                )),
                Some(b) => prev = b,
                None if !last => out.push(Problem::new(
                    format!("{path}.tiers[{i}].up_to"),
                    "only the last tier may be open-ended",
                )),
                None => {}
            }
            if let Some(x) = t.get("usd").and_then(Value::as_f64) {
                if x < 0.0 {
                    out.push(Problem::new(
                        format!("{path}.tiers[{i}].usd"),
                        format!("usd must be zero or more, found {}", short(x)),
                    ));
                } else if x > MAX_PRICE_USD {
                    out.push(Problem::new(
                        format!("{path}.tiers[{i}].usd"),
                        format!(
                            "{} USD per unit is above the {MAX_PRICE_USD} USD this program accepts",
                            short(x)
                        ),
                    ));
                }
            }
        }
    }
}

/// Collects problems with the plain numbers of one service (sizes, limits, steps).
struct Nums<'a> {
    out: &'a mut Vec<Problem>,
}

impl Nums<'_> {
    /// A finite number within [lo, hi] (above `lo` when `open_lo`).
    fn f(&mut self, path: String, x: f64, lo: f64, open_lo: bool, hi: f64) -> bool {
        let low_ok = if open_lo { x > lo } else { x >= lo };
        if !x.is_finite() {
            self.out
                .push(Problem::new(path, format!("must be a finite number, found {x}")));
            false
        } else if !low_ok || x > hi {
            let low = if open_lo { "above" } else { "at least" };
            self.out.push(Problem::new(
                path,
                format!(
                    "{} is out of range: must be {low} {} and at most {}",
                    short(x),
                    short(lo),
                    short(hi)
                ),
            ));
            false
        } else {
            true
        }
    }

    /// A whole number within [lo, hi].
    fn u(&mut self, path: String, x: u64, lo: u64, hi: u64) -> bool {
        if x < lo || x > hi {
            self.out
                .push(Problem::new(path, format!("{x} is out of range: allowed {lo} to {hi}")));
            false
        } else {
            true
        }
    }

    fn opt(&mut self, path: String, x: Option<f64>, lo: f64, open_lo: bool, hi: f64) {
        if let Some(x) = x {
            self.f(path, x, lo, open_lo, hi);
        }
    }

    /// `max` must not be below `min` (both already in range).
    fn order(&mut self, path: String, min_name: &str, min: f64, max: f64) {
        if max < min {
            self.out
                .push(Problem::new(path, format!("{max} is below {min_name} ({min})")));
        }
    }
}

const MAX_MEMORY_MB: u64 = 1_048_576; // 1 TiB
const MAX_MEMORY_GB: f64 = 1_048_576.0;
const MAX_VCPU: f64 = 1024.0;
const MAX_CONCURRENCY: u64 = 10_000_000;

fn numbers(s: &Service, path: &str, out: &mut Vec<Problem>) {
    let mut n = Nums { out };
    let p = |field: &str| format!("{path}.{field}");
    let step = MAX_BILLING_STEP_S;
    match s {
        Service::AwsLambda(l) => {
            n.u(p("provisioned_rounding_s"), l.provisioned_rounding_s, 1, step);
            n.u(
                p("ephemeral_included_mb"),
                l.ephemeral_included_mb as u64,
                0,
                MAX_MEMORY_MB,
            );
            function_limits(&mut n, &l.limits, &p("limits"));
        }
        Service::AwsApiGatewayHttp(g) => {
            n.u(p("metering_kb"), g.metering_kb as u64, 1, 1 << 30);
        }
        Service::AwsApiGatewayRest(_) | Service::AwsFunctionUrl(_) => {}
        Service::AwsAlb(a) => {
            for (name, x) in [
                ("lcu_new_connections_per_s", a.lcu_new_connections_per_s),
                ("lcu_active_connections_per_min", a.lcu_active_connections_per_min),
                ("lcu_gb_per_hour_instances", a.lcu_gb_per_hour_instances),
                ("lcu_gb_per_hour_lambda", a.lcu_gb_per_hour_lambda),
            ] {
                n.f(p(name), x, 0.0, true, 1e12);
            }
        }
        Service::AwsFargate(f) => {
            n.f(
                p("ephemeral_included_gb"),
                f.ephemeral_included_gb,
                0.0,
                false,
                MAX_MEMORY_GB,
            );
            n.u(p("minimum_s_linux"), f.minimum_s_linux, 0, step);
            n.u(p("minimum_s_windows"), f.minimum_s_windows, 0, step);
            container_limits(&mut n, &f.limits, &p("limits"));
        }
        Service::AwsEc2(e) => {
            n.u(p("minimum_s"), e.minimum_s, 0, step);
            if e.instances.is_empty() {
                n.out
                    .push(Problem::new(p("instances"), "at least one instance type is needed"));
            }
            let mut names = HashSet::new();
            for (i, inst) in e.instances.iter().enumerate() {
                let q = p(&format!("instances[{i}]"));
                if inst.name.trim().is_empty() {
                    n.out
                        .push(Problem::new(format!("{q}.name"), "the instance type needs a name"));
                } else if !names.insert(inst.name.as_str()) {
                    n.out.push(Problem::new(
                        format!("{q}.name"),
                        format!("instance type `{}` is listed twice", inst.name),
                    ));
                }
                n.f(format!("{q}.vcpu"), inst.vcpu, 0.0, true, MAX_VCPU);
                n.f(format!("{q}.memory_gib"), inst.memory_gib, 0.0, true, MAX_MEMORY_GB);
            }
        }
        Service::GcpCloudRun(r) => {
            n.u(p("rounding_ms"), r.rounding_ms, 1, step * 1000);
            container_limits(&mut n, &r.limits, &p("limits"));
            function_limits(&mut n, &r.function_limits, &p("function_limits"));
        }
        Service::GcpCloudFunctions(g) => {
            n.u(p("rounding_ms"), g.rounding_ms, 1, step * 1000);
            if g.tiers.is_empty() {
                n.out
                    .push(Problem::new(p("tiers"), "at least one memory tier is needed"));
            }
            let mut prev = 0;
            for (i, t) in g.tiers.iter().enumerate() {
                let q = p(&format!("tiers[{i}]"));
                if n.u(format!("{q}.memory_mb"), t.memory_mb as u64, 1, MAX_MEMORY_MB) {
                    if t.memory_mb <= prev {
                        n.out.push(Problem::new(
                            format!("{q}.memory_mb"),
                            format!("tiers must ascend by memory: {} is not above {prev}", t.memory_mb),
                        ));
                    }
                    prev = t.memory_mb;
                }
                n.f(format!("{q}.ghz"), t.ghz, 0.0, true, 100.0);
            }
            function_limits(&mut n, &g.limits, &p("limits"));
        }
        Service::AzureFunctions(a) => {
            n.u(p("memory_step_mb"), a.memory_step_mb as u64, 1, MAX_MEMORY_MB);
            n.u(p("minimum_ms"), a.minimum_ms, 0, step * 1000);
            function_limits(&mut n, &a.limits, &p("limits"));
        }
        Service::AzureFunctionsFlex(a) => {
            n.u(p("minimum_ms"), a.minimum_ms, 0, step * 1000);
            n.u(p("rounding_ms"), a.rounding_ms, 1, step * 1000);
            function_limits(&mut n, &a.limits, &p("limits"));
        }
        Service::AzureContainerApps(a) => container_limits(&mut n, &a.limits, &p("limits")),
        Service::CloudflareWorkers(c) => function_limits(&mut n, &c.limits, &p("limits")),
    }
}

fn function_limits(n: &mut Nums, l: &FunctionLimits, path: &str) {
    let p = |field: &str| format!("{path}.{field}");
    let a = n.u(p("memory_min_mb"), l.memory_min_mb as u64, 1, MAX_MEMORY_MB);
    let b = n.u(p("memory_max_mb"), l.memory_max_mb as u64, 1, MAX_MEMORY_MB);
    if a && b {
        n.order(
            p("memory_max_mb"),
            "memory_min_mb",
            l.memory_min_mb as f64,
            l.memory_max_mb as f64,
        );
    }
    for (i, m) in l.memory_sizes_mb.iter().enumerate() {
        if *m < l.memory_min_mb || *m > l.memory_max_mb {
            n.out.push(Problem::new(
                p(&format!("memory_sizes_mb[{i}]")),
                format!(
                    "{m} MB is outside memory_min_mb to memory_max_mb ({} to {})",
                    l.memory_min_mb, l.memory_max_mb
                ),
            ));
        }
    }
    n.f(p("max_duration_s"), l.max_duration_s, 0.0, true, 366.0 * 86_400.0);
    n.u(
        p("max_instance_concurrency"),
        l.max_instance_concurrency as u64,
        1,
        100_000,
    );
    n.u(
        p("default_max_concurrency"),
        l.default_max_concurrency as u64,
        1,
        MAX_CONCURRENCY,
    );
    n.opt(p("mb_per_vcpu"), l.mb_per_vcpu, 0.0, true, MAX_MEMORY_MB as f64);
    let mut prev = 0;
    for (i, row) in l.cpu_table.iter().enumerate() {
        let q = p(&format!("cpu_table[{i}]"));
        if n.u(format!("{q}.memory_mb"), row.memory_mb as u64, 1, MAX_MEMORY_MB) {
            if row.memory_mb <= prev {
                n.out.push(Problem::new(
                    format!("{q}.memory_mb"),
                    format!("rows must ascend by memory: {} is not above {prev}", row.memory_mb),
                ));
            }
            prev = row.memory_mb;
        }
        n.f(format!("{q}.vcpu"), row.vcpu, 0.0, true, MAX_VCPU);
    }
    n.f(p("max_vcpu"), l.max_vcpu, 0.0, true, MAX_VCPU);
    n.opt(p("max_cpu_s"), l.max_cpu_s, 0.0, true, 366.0 * 86_400.0);
    // (a bucket smaller than one environment would never let one start: every request
    // throttled)
    n.opt(p("scale_burst"), l.scale_burst, 1.0, false, MAX_CONCURRENCY as f64);
    n.opt(p("scale_per_s"), l.scale_per_s, 0.0, false, MAX_CONCURRENCY as f64);
    n.opt(
        p("cold_start_override_ms"),
        l.cold_start_override_ms,
        0.0,
        false,
        600_000.0,
    );
    n.f(
        p("default_keep_alive_s"),
        l.default_keep_alive_s,
        0.0,
        false,
        crate::model::Limits::MAX_KEEP_ALIVE_S,
    );
}

fn container_limits(n: &mut Nums, l: &ContainerLimits, path: &str) {
    let p = |field: &str| format!("{path}.{field}");
    let a = n.f(p("vcpu_min"), l.vcpu_min, 0.0, true, MAX_VCPU);
    let b = n.f(p("vcpu_max"), l.vcpu_max, 0.0, true, MAX_VCPU);
    if a && b {
        n.order(p("vcpu_max"), "vcpu_min", l.vcpu_min, l.vcpu_max);
    }
    let a = n.f(p("memory_min_gb"), l.memory_min_gb, 0.0, true, MAX_MEMORY_GB);
    let b = n.f(p("memory_max_gb"), l.memory_max_gb, 0.0, true, MAX_MEMORY_GB);
    if a && b {
        n.order(p("memory_max_gb"), "memory_min_gb", l.memory_min_gb, l.memory_max_gb);
    }
    n.u(
        p("max_instance_concurrency"),
        l.max_instance_concurrency as u64,
        1,
        100_000,
    );
    for (i, t) in l.sizes.iter().enumerate() {
        let q = p(&format!("sizes[{i}]"));
        n.f(format!("{q}.vcpu"), t.vcpu, 0.0, true, MAX_VCPU);
        let a = n.f(format!("{q}.memory_min_gb"), t.memory_min_gb, 0.0, true, MAX_MEMORY_GB);
        let b = n.f(format!("{q}.memory_max_gb"), t.memory_max_gb, 0.0, true, MAX_MEMORY_GB);
        if a && b {
            n.order(
                format!("{q}.memory_max_gb"),
                "memory_min_gb",
                t.memory_min_gb,
                t.memory_max_gb,
            );
        }
        n.f(format!("{q}.step_gb"), t.step_gb, 0.0, true, MAX_MEMORY_GB);
        for (j, v) in t.memory_values_gb.iter().enumerate() {
            n.f(format!("{q}.memory_values_gb[{j}]"), *v, 0.0, true, MAX_MEMORY_GB);
        }
    }
}

/// A number as a message shows it: `1e300`, not three hundred digits.
fn short(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}
