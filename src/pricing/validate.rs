//! Checks on price files beyond what the types enforce: every figure is non-negative,
//! cites a URL, names its unit and region; tiers ascend; ids are unique.

use super::PriceFile;
use crate::model::Problem;
use serde_json::Value;
use std::collections::HashSet;

pub fn validate_price_file(pf: &PriceFile) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for (i, s) in pf.services.iter().enumerate() {
        if s.id().trim().is_empty() {
            out.push(Problem::new(format!("services[{i}].id"), "service id is empty"));
        } else if !ids.insert(s.id().to_string()) {
            out.push(Problem::new(
                format!("services[{i}].id"),
                format!("duplicate service id `{}` in this file", s.id()),
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
            }
        }
    }
    out
}

fn walk(v: &Value, path: &str, out: &mut Vec<Problem>) {
    match v {
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
                format!("{key} must be zero or more, found {x}"),
            ));
        }
    }
    if let Some(x) = m.get("fraction").and_then(Value::as_f64)
        && x >= 1.0
    {
        out.push(Problem::new(
            format!("{path}.fraction"),
            format!("a discount must be below 1.0 (100 %), found {x}"),
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
                    format!("the last tier must be open-ended (up_to: None), found {b}"),
                )),
                Some(b) if b <= prev => out.push(Problem::new(
                    format!("{path}.tiers[{i}].up_to"),
                    format!("tier bounds must increase: {b} is not above {prev}"),
                )),
                Some(b) => prev = b,
                None if !last => out.push(Problem::new(
                    format!("{path}.tiers[{i}].up_to"),
                    "only the last tier may be open-ended",
                )),
                None => {}
            }
            if let Some(x) = t.get("usd").and_then(Value::as_f64)
                && x < 0.0
            {
                out.push(Problem::new(
                    format!("{path}.tiers[{i}].usd"),
                    format!("usd must be zero or more, found {x}"),
                ));
            }
        }
    }
}
