//! The one-line, plain-language verdict shown above the results.
//!
//! Owns: choosing which platform to recommend from a finished simulation and saying why
//! in one sentence. Must not: draw, or compute costs (they come from the engine).

use super::fmt;
use crate::sim::SimResult;

/// A platform "keeps up" when it rejects at most this share of requests...
pub const MAX_REJECTED_SHARE: f64 = 0.001;
/// ...and, with a latency objective, at most this share is slower than the objective.
pub const MAX_OVER_SLO_SHARE: f64 = 0.01;

/// What the verdict needs to know about one platform.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub name: String,
    pub total_usd: f64,
    pub cost_per_million_usd: f64,
    pub requests: u64,
    /// Throttled, dropped and failed requests.
    pub rejected: u64,
    pub cold_start_rate: f64,
    pub p99_ms: f64,
    /// Share of served requests slower than the objective (None without one).
    pub over_slo: Option<f64>,
}

impl Candidate {
    fn rejected_share(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.rejected as f64 / self.requests as f64
        }
    }

    /// Why this platform is not good enough, if it is not.
    fn shortfall(&self, slo_ms: Option<f64>) -> Option<String> {
        let rej = self.rejected_share();
        if rej > MAX_REJECTED_SHARE {
            return Some(format!("rejects {} of requests", fmt::pct(rej)));
        }
        if let (Some(slo), Some(over)) = (slo_ms, self.over_slo)
            && over > MAX_OVER_SLO_SHARE
        {
            return Some(format!(
                "{} of requests are slower than the {} objective",
                fmt::pct(over),
                fmt::ms(slo)
            ));
        }
        None
    }
}

pub fn candidates(r: &SimResult) -> Vec<Candidate> {
    r.platforms
        .iter()
        .map(|p| Candidate {
            name: p.name.clone(),
            total_usd: p.total_usd,
            cost_per_million_usd: p.cost_per_million_usd,
            requests: p.requests,
            rejected: p.throttled + p.dropped + p.failed,
            cold_start_rate: p.cold_start_rate,
            p99_ms: p.latency_ms.p99,
            over_slo: p.latency_ms.over_slo,
        })
        .collect()
}

/// The verdict for a finished simulation.
pub fn verdict_for(r: &SimResult, slo_ms: Option<f64>) -> String {
    verdict(&candidates(r), slo_ms, r.horizon_s / 86_400.0)
}

/// One sentence: the cheapest platform that keeps up, by how much it beats the next one,
/// its cold-start share against the latency objective, and the cheaper platforms that
/// were passed over and why.
pub fn verdict(cands: &[Candidate], slo_ms: Option<f64>, horizon_days: f64) -> String {
    if cands.is_empty() {
        return "No platform is enabled: enable or add one to compare.".into();
    }
    let mut sorted: Vec<&Candidate> = cands.iter().collect();
    sorted.sort_by(|a, b| a.total_usd.total_cmp(&b.total_usd));
    let period = if (horizon_days - 30.0).abs() < 1e-9 {
        "a 30-day month".to_string()
    } else {
        format!("{} days", fmt::num(horizon_days))
    };
    let ok: Vec<&Candidate> = sorted
        .iter()
        .copied()
        .filter(|c| c.shortfall(slo_ms).is_none())
        .collect();
    let Some(best) = ok.first().copied() else {
        let cheapest = sorted[0];
        let why = cheapest.shortfall(slo_ms).unwrap_or_default();
        return format!(
            "No platform keeps up: {} is cheapest at {} for {period} but {why}.",
            cheapest.name,
            fmt::money(cheapest.total_usd)
        );
    };

    let mut s = format!(
        "{} is cheapest{}: {} for {period} ({} per million requests)",
        best.name,
        if cands.len() > 1 && ok.len() < cands.len() {
            " among the platforms that keep up"
        } else {
            ""
        },
        fmt::money(best.total_usd),
        fmt::money(best.cost_per_million_usd)
    );
    // the next platform that keeps up, or any other if none does
    if let Some(next) = ok
        .get(1)
        .copied()
        .or_else(|| sorted.iter().copied().find(|c| c.name != best.name))
    {
        if best.total_usd <= 0.0 {
            s += &format!(", against {} for {}", fmt::money(next.total_usd), next.name);
        } else {
            let ratio = next.total_usd / best.total_usd;
            if ratio < 1.1 {
                s += &format!(
                    ", a close call with {} ({}, {} more)",
                    next.name,
                    fmt::money(next.total_usd),
                    fmt::pct(ratio - 1.0)
                );
            } else {
                s += &format!(
                    ", {} less than {} ({})",
                    fmt::times(ratio),
                    next.name,
                    fmt::money(next.total_usd)
                );
            }
        }
    }
    s += "; ";
    // cold starts against the objective
    s += &match (slo_ms, best.over_slo) {
        (Some(slo), Some(over)) => format!(
            "{} of its requests are cold starts and {} miss the {} objective",
            fmt::pct(best.cold_start_rate),
            fmt::pct(over),
            fmt::ms(slo)
        ),
        _ => format!(
            "{} of its requests are cold starts (p99 {}; no latency objective set)",
            fmt::pct(best.cold_start_rate),
            fmt::ms(best.p99_ms)
        ),
    };
    // cheaper platforms passed over
    let passed: Vec<String> = sorted
        .iter()
        .take_while(|c| c.total_usd < best.total_usd)
        .filter_map(|c| {
            c.shortfall(slo_ms)
                .map(|why| format!("{} costs less but {why}", c.name))
        })
        .collect();
    if !passed.is_empty() {
        s += "; ";
        s += &passed.join("; ");
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(name: &str, total: f64) -> Candidate {
        Candidate {
            name: name.into(),
            total_usd: total,
            cost_per_million_usd: total / 2.0,
            requests: 2_000_000,
            rejected: 0,
            cold_start_rate: 0.004,
            p99_ms: 640.0,
            over_slo: Some(0.002),
        }
    }

    #[test]
    fn names_the_cheapest_and_by_how_much() {
        let v = verdict(
            &[cand("Fargate", 31.0), cand("Lambda", 9.5), cand("EC2", 28.0)],
            Some(1000.0),
            30.0,
        );
        assert_eq!(
            v,
            "Lambda is cheapest: $9.50 for a 30-day month ($4.75 per million requests), 2.9× less than EC2 ($28.00); \
             0.40 % of its requests are cold starts and 0.20 % miss the 1000 ms objective."
        );
    }

    #[test]
    fn passes_over_a_cheaper_platform_that_misses_the_objective() {
        let mut lambda = cand("Lambda", 5.0);
        lambda.over_slo = Some(0.08);
        lambda.cold_start_rate = 0.09;
        let v = verdict(&[lambda, cand("Cloud Run", 7.0), cand("EC2", 7.2)], Some(200.0), 7.0);
        assert!(
            v.starts_with("Cloud Run is cheapest among the platforms that keep up: $7.00 for 7 days"),
            "{v}"
        );
        assert!(v.contains("a close call with EC2 ($7.20, 2.9 % more)"), "{v}");
        assert!(
            v.ends_with("Lambda costs less but 8.0 % of requests are slower than the 200 ms objective."),
            "{v}"
        );
    }

    #[test]
    fn no_platform_keeps_up_and_free_tier_and_no_objective() {
        let mut a = cand("Lambda", 3.0);
        a.rejected = 30_000;
        let v = verdict(std::slice::from_ref(&a), None, 30.0);
        assert_eq!(
            v,
            "No platform keeps up: Lambda is cheapest at $3.00 for a 30-day month but rejects 1.5 % of requests."
        );

        let mut free = cand("Workers", 0.0);
        free.over_slo = None;
        let v = verdict(&[free, cand("EC2", 15.0)], None, 30.0);
        assert!(v.starts_with("Workers is cheapest: $0.00 for a 30-day month"), "{v}");
        assert!(v.contains("against $15.00 for EC2"), "{v}");
        assert!(v.contains("(p99 640 ms; no latency objective set)"), "{v}");
        assert_eq!(
            verdict(&[], None, 30.0),
            "No platform is enabled: enable or add one to compare."
        );
    }
}
