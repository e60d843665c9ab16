//! Managed services an application calls (DynamoDB, SQS, Step Functions, EventBridge, S3,
//! Firestore, Pub/Sub, Cosmos DB, Service Bus, Queues): one bill per service from the calls
//! per operation, the same under every placement.

use super::network::entry;
use super::{Bill, BillOptions, BillingError, FreeLedger, MeteredUse, metered};
use crate::pricing::Catalog;
use rust_decimal::Decimal;

/// Calls of one operation of one service over the period.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceCall {
    /// Catalog id (`aws-dynamodb`), as a scenario's `Call(service: ...)`.
    pub service: String,
    /// An operation the service meters (`read`, `send`), as `Call(operation: ...)`.
    pub operation: String,
    /// Calls (or units) over the period.
    pub count: Decimal,
    /// Payload per call, KB, for services billed per chunk (SQS, EventBridge: 64 KB).
    pub payload_kb: Option<f64>,
}

/// One bill per service, in the order services first appear in `calls`.
pub fn calls_bills(
    cat: &Catalog,
    calls: &[ServiceCall],
    opts: &BillOptions,
    ledger: &mut FreeLedger,
) -> Result<Vec<Bill>, BillingError> {
    let mut order: Vec<&str> = Vec::new();
    for c in calls {
        if !order.contains(&c.service.as_str()) {
            order.push(&c.service);
        }
    }
    order
        .into_iter()
        .map(|id| {
            let uses: Vec<MeteredUse> = calls
                .iter()
                .filter(|c| c.service == id)
                .map(|c| MeteredUse {
                    operation: c.operation.clone(),
                    quantity: c.count,
                    payload_kb: c.payload_kb,
                })
                .collect();
            metered(entry(cat, id)?, &uses, opts, ledger)
        })
        .collect()
}

/// Step Functions Express: `executions` of `duration_ms` each with `memory_mb`; duration is
/// billed per 100 ms (rounded up) per 64 MB (rounded up).
pub fn step_functions_express(
    cat: &Catalog,
    executions: u64,
    duration_ms: f64,
    memory_mb: u32,
    opts: &BillOptions,
) -> Result<Bill, BillingError> {
    let id = "aws-step-functions-express";
    if !duration_ms.is_finite() || duration_ms < 0.0 {
        return Err(BillingError::Invalid {
            service: id.into(),
            message: format!("duration {duration_ms} ms: must be a finite number, zero or more"),
        });
    }
    let steps = (duration_ms / 100.0).ceil().max(1.0);
    let chunks = memory_mb.div_ceil(64).max(1);
    let units = Decimal::from(executions) * super::dec(steps) * Decimal::from(chunks);
    metered(
        entry(cat, id)?,
        &[
            MeteredUse::new("request", Decimal::from(executions)),
            MeteredUse::new("duration", units),
        ],
        opts,
        &mut FreeLedger::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn calls_group_by_service_and_operation() {
        let cat = Catalog::builtin().unwrap();
        let call = |s: &str, o: &str, n: &str| ServiceCall {
            service: s.into(),
            operation: o.into(),
            count: d(n),
            payload_kb: None,
        };
        let bills = calls_bills(
            &cat,
            &[
                call("aws-dynamodb", "read", "2000000"),
                call("aws-sqs", "send", "500000"),
                call("aws-dynamodb", "write", "1000000"),
                call("aws-dynamodb", "read", "2000000"),
            ],
            &BillOptions::default(),
            &mut FreeLedger::new(),
        )
        .unwrap();
        assert_eq!(bills.len(), 2);
        assert_eq!(bills[0].service, "aws-dynamodb");
        // 4 M reads x $0.125/M = $0.50; 1 M writes x $0.625/M = $0.63 (half up)
        assert_eq!(bills[0].lines[0].quantity, d("4000000"));
        assert_eq!(bills[0].total_usd(), d("0.50") + d("0.63"));
        assert_eq!(bills[1].total_usd(), d("0"));
        let e = calls_bills(
            &cat,
            &[call("aws-nosuch", "read", "1")],
            &BillOptions::default(),
            &mut FreeLedger::new(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("aws-nosuch"), "{e}");
    }
}
