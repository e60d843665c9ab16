//! Log lines: the provider's logging service priced from the GB (or events) a platform
//! writes. Lambda's function logs are vended logs (tiered) from 1 May 2025; other AWS
//! platforms write custom logs.

use super::network::{Provider, entry, provider};
use super::{Bill, BillOptions, BillingError, FreeLedger, MeteredUse, metered};
use crate::pricing::{Catalog, extra::ids};
use rust_decimal::Decimal;

/// The logging entry and operation for logs written by a platform on `service_id`.
pub fn logs_for(service_id: &str) -> Option<(&'static str, &'static str)> {
    match provider(service_id)? {
        Provider::Aws if service_id == "aws-lambda" => Some((ids::AWS_CLOUDWATCH_LOGS, "lambda")),
        Provider::Aws => Some((ids::AWS_CLOUDWATCH_LOGS, "ingest")),
        Provider::Gcp => Some((ids::GCP_CLOUD_LOGGING, "ingest")),
        Provider::Azure => Some((ids::AZURE_MONITOR_LOGS, "ingest")),
        Provider::Cloudflare => Some((ids::CLOUDFLARE_OBSERVABILITY, "ingest")),
    }
}

/// Ingestion of `gb` of logs written by a platform on `service_id` (GB in the provider's
/// unit: see `network::kb_to_billed_gb`). `None` for a provider without a logging entry.
pub fn log_ingestion(
    cat: &Catalog,
    service_id: &str,
    gb: Decimal,
    opts: &BillOptions,
    ledger: &mut FreeLedger,
) -> Result<Option<Bill>, BillingError> {
    let Some((id, op)) = logs_for(service_id) else {
        return Ok(None);
    };
    metered(entry(cat, id)?, &[MeteredUse::new(op, gb)], opts, ledger).map(Some)
}

/// CloudWatch Logs with every dimension: custom and vended (Lambda) ingestion, archive
/// GB-months, Logs Insights GB scanned; the 5 GB free tier covers them together.
pub fn cloudwatch_logs(
    cat: &Catalog,
    custom_gb: Decimal,
    vended_gb: Decimal,
    archive_gb_months: Decimal,
    insights_gb: Decimal,
    opts: &BillOptions,
    ledger: &mut FreeLedger,
) -> Result<Bill, BillingError> {
    let mut uses = Vec::new();
    for (op, q) in [
        ("ingest", custom_gb),
        ("vended", vended_gb),
        ("archive", archive_gb_months),
        ("insights", insights_gb),
    ] {
        if q > Decimal::ZERO {
            uses.push(MeteredUse::new(op, q));
        }
    }
    metered(entry(cat, ids::AWS_CLOUDWATCH_LOGS)?, &uses, opts, ledger)
}

/// Cloudflare Workers Logs billed per event (the pricing until 30 Nov 2026).
pub fn workers_log_events(cat: &Catalog, events: Decimal, opts: &BillOptions) -> Result<Bill, BillingError> {
    metered(
        entry(cat, ids::CLOUDFLARE_WORKERS_LOGS)?,
        &[MeteredUse::new("event", events)],
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
    fn each_provider_logs_somewhere() {
        let cat = Catalog::builtin().unwrap();
        let opts = BillOptions::default();
        let cases = [
            ("aws-lambda", "10", "2.50"),         // 5 GB free, 5 at $0.50 (vended tier 1)
            ("aws-fargate", "10", "2.50"),        // custom logs, same rate
            ("gcp-cloud-run", "60", "5.00"),      // 50 GiB free per project, 10 at $0.50
            ("azure-functions", "10", "11.50"),   // 5 GB free, 5 at $2.30
            ("cloudflare-workers", "60", "2.50"), // 50 GB included, 10 at $0.25
        ];
        for (svc, gb, usd) in cases {
            let b = log_ingestion(&cat, svc, d(gb), &opts, &mut FreeLedger::new())
                .unwrap()
                .unwrap();
            assert_eq!(b.total_usd(), d(usd), "{svc}: {b:#?}");
        }
        assert!(
            log_ingestion(&cat, "ibm-x", d("1"), &opts, &mut FreeLedger::new())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_cloudwatch_free_tier_is_one_pool() {
        let cat = Catalog::builtin().unwrap();
        let opts = BillOptions::default();
        // 3 GB custom + 3 GB archive + 3 GB scanned: 5 GB free in that order
        let b = cloudwatch_logs(&cat, d("3"), d("0"), d("3"), d("3"), &opts, &mut FreeLedger::new()).unwrap();
        assert_eq!(b.lines[0].amount_usd, d("0"));
        assert_eq!(b.lines[1].quantity, d("1"));
        assert_eq!(b.lines[2].quantity, d("3"));
        assert_eq!(b.total_usd(), d("0.03") + d("0.02"));
    }
}
