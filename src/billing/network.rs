//! Network lines: internet egress (tiers, a free allowance per account), traffic between
//! zones, NAT gateways and public IPv4 addresses. Thin typed wrappers over `metered` with
//! the catalog ids of `pricing::extra::ids`.

use super::{Bill, BillOptions, BillingError, FreeLedger, MeteredUse, metered};
use crate::pricing::{Catalog, Metered, extra::ids};
use rust_decimal::Decimal;

/// The metered catalog entry `id`, or an error naming it.
pub(crate) fn entry<'c>(cat: &'c Catalog, id: &str) -> Result<&'c Metered, BillingError> {
    cat.metered(id).ok_or_else(|| BillingError::Invalid {
        service: id.to_string(),
        message: "not in the price catalog (a metered entry under `extras`)".into(),
    })
}

/// The egress entry of the provider that runs `service_id` (`aws-lambda` ->
/// `aws-data-transfer`); `None` for an unknown provider.
pub fn egress_id_for(service_id: &str) -> Option<&'static str> {
    match provider(service_id)? {
        Provider::Aws => Some(ids::AWS_DATA_TRANSFER),
        Provider::Gcp => Some(ids::GCP_DATA_TRANSFER),
        Provider::Azure => Some(ids::AZURE_DATA_TRANSFER),
        Provider::Cloudflare => Some(ids::CLOUDFLARE_DATA_TRANSFER),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Provider {
    Aws,
    Gcp,
    Azure,
    Cloudflare,
}

pub(crate) fn provider(service_id: &str) -> Option<Provider> {
    let p = service_id.split('-').next()?;
    match p {
        "aws" => Some(Provider::Aws),
        "gcp" => Some(Provider::Gcp),
        "azure" => Some(Provider::Azure),
        "cloudflare" => Some(Provider::Cloudflare),
        _ => None,
    }
}

/// KB (1,024 bytes) summed over responses, in the unit the provider bills: AWS's GB and
/// GCP's GiB are 1,024 x 1,024 KB (the AWS examples divide KB by 1,024 x 1,024); Azure's
/// GB is 10^9 bytes.
pub fn kb_to_billed_gb(service_id: &str, kb: Decimal) -> Decimal {
    match provider(service_id) {
        Some(Provider::Azure) => kb * Decimal::from(1024) / Decimal::from(1_000_000_000u64),
        _ => kb / Decimal::from(1024 * 1024),
    }
}

/// Internet egress billed by `egress_id` (`aws-data-transfer`, `gcp-data-transfer`, ...).
///
/// Pass the account's whole egress at once: AWS's tiers and its 100 GB free allowance count
/// data transfer out across every service and region of the account, so billing each
/// service separately would restart the tiers. `ledger` carries the free allowance to
/// other bills of the same account.
pub fn internet_egress(
    cat: &Catalog,
    egress_id: &str,
    gb_out: Decimal,
    opts: &BillOptions,
    ledger: &mut FreeLedger,
) -> Result<Bill, BillingError> {
    metered(
        entry(cat, egress_id)?,
        &[MeteredUse::new("internet-out", gb_out)],
        opts,
        ledger,
    )
}

/// Traffic between availability zones of one region (`gb`: sent plus received, AWS charges
/// each direction).
pub fn inter_zone(cat: &Catalog, egress_id: &str, gb: Decimal, opts: &BillOptions) -> Result<Bill, BillingError> {
    let p = entry(cat, egress_id)?;
    let op = if p.meter("inter-az").is_some() {
        "inter-az"
    } else {
        "inter-zone"
    };
    metered(p, &[MeteredUse::new(op, gb)], opts, &mut FreeLedger::new())
}

/// NAT gateways: `gateway_hours` summed over gateways (each partial hour a full hour) and
/// the GB they processed (both directions). The data processed is billed in addition to
/// the egress it becomes.
pub fn nat_gateway(
    cat: &Catalog,
    gateway_hours: Decimal,
    gb_processed: Decimal,
    opts: &BillOptions,
) -> Result<Bill, BillingError> {
    metered(
        entry(cat, ids::AWS_NAT_GATEWAY)?,
        &[
            MeteredUse::new("hour", gateway_hours),
            MeteredUse::new("gb-processed", gb_processed),
        ],
        opts,
        &mut FreeLedger::new(),
    )
}

/// Public IPv4 addresses: address-hours, in use or idle alike.
pub fn public_ipv4(cat: &Catalog, address_hours: Decimal, opts: &BillOptions) -> Result<Bill, BillingError> {
    metered(
        entry(cat, ids::AWS_PUBLIC_IPV4)?,
        &[MeteredUse::new("address-hour", address_hours)],
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
    fn aws_tiers_count_beyond_the_free_100_gb() {
        let cat = Catalog::builtin().unwrap();
        let opts = BillOptions::default();
        // 10,340 GB: 100 free, then the first 10,240 GB at $0.09, 0 at $0.085
        let b = internet_egress(&cat, "aws-data-transfer", d("10340"), &opts, &mut FreeLedger::new()).unwrap();
        assert_eq!(b.lines.len(), 1, "{b:#?}");
        assert_eq!(b.total_usd(), d("921.60"));
        // 10,440 GB: 100 free, 10,240 at $0.09 and 100 at $0.085
        let b = internet_egress(&cat, "aws-data-transfer", d("10440"), &opts, &mut FreeLedger::new()).unwrap();
        assert_eq!(b.total_usd(), d("921.60") + d("8.50"));
        assert!(
            b.lines[0].note.contains("per account, all services and regions"),
            "{}",
            b.lines[0].note
        );
    }

    #[test]
    fn gcp_and_azure_tiers_count_all_usage() {
        let cat = Catalog::builtin().unwrap();
        let opts = BillOptions::default();
        // GCP: 2,048 GiB: 1 free, 1,023 at $0.12, 1,024 at $0.11
        let b = internet_egress(&cat, "gcp-data-transfer", d("2048"), &opts, &mut FreeLedger::new()).unwrap();
        assert_eq!(b.total_usd(), d("122.76") + d("112.64"));
        // Azure: 1,000 GB: 100 free, 900 at $0.087
        let b = internet_egress(&cat, "azure-data-transfer", d("1000"), &opts, &mut FreeLedger::new()).unwrap();
        assert_eq!(b.total_usd(), d("78.30"));
        let b = internet_egress(
            &cat,
            "cloudflare-data-transfer",
            d("1000"),
            &opts,
            &mut FreeLedger::new(),
        )
        .unwrap();
        assert_eq!(b.total_usd(), d("0"));
    }

    #[test]
    fn units_and_providers() {
        assert_eq!(egress_id_for("aws-lambda"), Some("aws-data-transfer"));
        assert_eq!(egress_id_for("gcp-cloud-run"), Some("gcp-data-transfer"));
        assert_eq!(egress_id_for("azure-functions"), Some("azure-data-transfer"));
        assert_eq!(egress_id_for("cloudflare-workers"), Some("cloudflare-data-transfer"));
        assert_eq!(egress_id_for("other"), None);
        assert_eq!(kb_to_billed_gb("aws-lambda", d("1048576")), d("1"));
        assert_eq!(kb_to_billed_gb("azure-functions", d("1000000")), d("1.024"));
    }

    #[test]
    fn nat_and_ipv4_by_the_hour() {
        let cat = Catalog::builtin().unwrap();
        let opts = BillOptions::default();
        let b = nat_gateway(&cat, d("730"), d("0"), &opts).unwrap();
        assert_eq!(b.total_usd(), d("32.85"));
        let b = public_ipv4(&cat, d("730"), &opts).unwrap();
        assert_eq!(b.total_usd(), d("3.65"));
        let b = inter_zone(&cat, "aws-data-transfer", d("100"), &opts).unwrap();
        assert_eq!(b.total_usd(), d("1.00"));
    }
}
