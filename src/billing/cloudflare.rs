//! Cloudflare Workers (Standard usage model): subscription, requests, CPU time.

use super::{BillLine, BillOptions, line, line_after_free};
use crate::pricing::CloudflareWorkers;
use rust_decimal::Decimal;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkersUsage {
    pub requests: u64,
    pub cpu_ms: u64,
}

pub(super) fn workers(p: &CloudflareWorkers, u: &WorkersUsage, opts: &BillOptions) -> Vec<BillLine> {
    vec![
        line(
            "Subscription (Workers Paid)",
            opts.months(),
            &p.subscription,
            "minimum charge per account",
        ),
        line_after_free(
            "Requests",
            Decimal::from(u.requests),
            opts.allowance(&p.included_requests),
            &p.requests,
            "",
        ),
        line_after_free(
            "CPU time",
            Decimal::from(u.cpu_ms),
            opts.allowance(&p.included_cpu_time),
            &p.cpu_time,
            "CPU time only; wall-clock duration is free",
        ),
    ]
}
