//! The rest of the bill: network, logs, storage, burstable CPU credits and the managed
//! services an application calls. These are not platforms (nothing runs on them), so they
//! live beside `Service` in a price file's `extras` list rather than in it.
//!
//! Most of them are counted the same way (a quantity per operation, a flat or tiered rate,
//! a free allowance, sometimes a payload chunk), so one `Metered` shape holds them and a
//! price file can add a managed service without new code. EBS volumes (per-second
//! proration, included performance) and burstable credits (an accrual account) have their
//! own shapes.

use super::{Price, Status, Tiered, decimal};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Who shares a free allowance. The billing applies it once per ledger
/// (`billing::FreeLedger`); the scope says which usage belongs in one ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// One allowance per account across every service and region (AWS's 100 GB of data
    /// transfer out).
    Global,
    /// One per account for this service (SQS's first million requests).
    Account,
    /// One per account and region (CloudWatch's free tier).
    AccountRegion,
    /// One per billing account (Azure Monitor's 5 GB, Pub/Sub's 10 GiB).
    BillingAccount,
    /// One per project (Cloud Logging's 50 GiB).
    Project,
    /// One per database (Firestore's free quota: the default database only).
    Database,
}

impl Scope {
    pub fn label(self) -> &'static str {
        match self {
            Scope::Global => "per account, all services and regions",
            Scope::Account => "per account",
            Scope::AccountRegion => "per account and region",
            Scope::BillingAccount => "per billing account",
            Scope::Project => "per project",
            Scope::Database => "per database",
        }
    }
}

/// How often a free allowance renews.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Per {
    #[default]
    Month,
    Day,
}

/// A free or included quantity with its scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Free {
    #[serde(with = "decimal")]
    pub quantity: Decimal,
    pub unit: String,
    pub scope: Scope,
    #[serde(default)]
    pub per: Per,
    pub region: String,
    pub effective: NaiveDate,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A flat or volume-tiered rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Rate {
    Flat(Price),
    Tiered(Tiered),
}

impl Rate {
    pub fn unit(&self) -> &str {
        match self {
            Rate::Flat(p) => &p.unit,
            Rate::Tiered(t) => &t.unit,
        }
    }

    pub fn region(&self) -> &str {
        match self {
            Rate::Flat(p) => &p.region,
            Rate::Tiered(t) => &t.region,
        }
    }
}

/// One billed dimension of a metered service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meter {
    /// Names a scenario's `Call(operation: ...)` or the billing may use for this meter;
    /// the first is its canonical name.
    pub operations: Vec<String>,
    /// The bill line's label.
    pub item: String,
    pub rate: Rate,
    /// The `quote` flags whose product is this meter's quantity (`["addresses", "hours"]`).
    #[serde(default)]
    pub flags: Vec<String>,
    /// This meter's own free allowance.
    #[serde(default)]
    pub free: Option<Free>,
    /// Draws on the service's `shared_free` pool instead (CloudWatch's 5 GB covers
    /// ingestion, archive and queries together).
    #[serde(default)]
    pub shared_free: bool,
    /// Tier bounds count usage beyond the free allowance ("first 10 TB / month data
    /// transfer out beyond the global free tier"); otherwise they count all usage and the
    /// free quantity comes out of the first tier.
    #[serde(default)]
    pub tiers_after_free: bool,
    /// Each call counts once per started chunk of this many KB (SQS: 64).
    #[serde(default)]
    pub chunk_kb: Option<f64>,
}

/// A service billed by quantities per operation (requests, GB, hours).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metered {
    pub id: String,
    pub name: String,
    pub meters: Vec<Meter>,
    #[serde(default)]
    pub shared_free: Option<Free>,
}

impl Metered {
    /// The meter an operation name selects.
    pub fn meter(&self, operation: &str) -> Option<&Meter> {
        self.meters
            .iter()
            .find(|m| m.operations.iter().any(|o| o.eq_ignore_ascii_case(operation)))
    }
}

/// One EBS volume type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsVolumeType {
    pub name: String,
    /// Per GB-month of provisioned storage.
    pub storage: Price,
    /// Per provisioned IOPS-month above `included_iops`.
    #[serde(default)]
    pub iops: Option<Price>,
    #[serde(default)]
    pub included_iops: u64,
    /// Per provisioned MB/s-month above `included_throughput_mbps`.
    #[serde(default)]
    pub throughput: Option<Price>,
    #[serde(default)]
    pub included_throughput_mbps: u64,
}

/// Amazon EBS volumes, billed per second of provisioning over a 30-day month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsEbs {
    pub id: String,
    pub name: String,
    pub volume_types: Vec<EbsVolumeType>,
    /// Billing minimum per volume, seconds.
    pub minimum_s: u64,
}

/// Credit figures of one burstable instance size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurstSize {
    pub name: String,
    pub vcpu: u32,
    /// CPU credits earned per hour (one credit = one vCPU at 100 % for one minute).
    #[serde(with = "decimal")]
    pub credits_per_hour: Decimal,
    /// Most earned credits the instance can hold (24 hours of earning).
    #[serde(with = "decimal")]
    pub max_accrued: Decimal,
    /// Baseline utilisation per vCPU, as a share (0.2 = 20 %).
    #[serde(with = "decimal")]
    pub baseline: Decimal,
}

/// The surplus-credit rate of one instance family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyRate {
    /// Family prefix of the instance name (`t3` for `t3.medium`).
    pub family: String,
    /// Per vCPU-hour of surplus credits (60 credits), Linux.
    pub surplus_linux: Price,
}

/// Burstable instances (T2, T3, T4g) in unlimited mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsBurstCredits {
    pub id: String,
    pub name: String,
    pub families: Vec<FamilyRate>,
    pub sizes: Vec<BurstSize>,
    /// Where the credit figures come from (EC2 User Guide).
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl AwsBurstCredits {
    pub fn size(&self, instance: &str) -> Option<&BurstSize> {
        self.sizes.iter().find(|s| s.name == instance)
    }

    /// The surplus rate of an instance type's family (`t3.medium` -> `t3`).
    pub fn rate(&self, instance: &str) -> Option<&Price> {
        let family = instance.split('.').next().unwrap_or("");
        self.families
            .iter()
            .find(|f| f.family == family)
            .map(|f| &f.surplus_linux)
    }
}

/// A priced item that is not a platform: network, logs, storage, credits, managed services.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum Extra {
    Metered(Metered),
    AwsEbs(AwsEbs),
    AwsBurstCredits(AwsBurstCredits),
}

impl Extra {
    /// The entry's kind as written in a price file (`Metered(...)`).
    pub fn kind(&self) -> &'static str {
        match self {
            Extra::Metered(_) => "Metered",
            Extra::AwsEbs(_) => "AwsEbs",
            Extra::AwsBurstCredits(_) => "AwsBurstCredits",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Extra::Metered(m) => &m.id,
            Extra::AwsEbs(e) => &e.id,
            Extra::AwsBurstCredits(b) => &b.id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Extra::Metered(m) => &m.name,
            Extra::AwsEbs(e) => &e.name,
            Extra::AwsBurstCredits(b) => &b.name,
        }
    }

    /// Region of the main rate, for bills.
    pub fn region(&self) -> &str {
        match self {
            Extra::Metered(m) => m.meters.first().map(|x| x.rate.region()).unwrap_or(""),
            Extra::AwsEbs(e) => e.volume_types.first().map(|v| v.storage.region.as_str()).unwrap_or(""),
            Extra::AwsBurstCredits(b) => b
                .families
                .first()
                .map(|f| f.surplus_linux.region.as_str())
                .unwrap_or(""),
        }
    }
}

/// The `quote` flags a meter may read its quantity from.
pub const QUOTE_FLAGS: &[&str] = &[
    "gb-out",
    "gb",
    "inter-az-gb",
    "hours",
    "addresses",
    "tunnels",
    "ingest-gb",
    "vended-gb",
    "archive-gb",
    "insights-gb",
    "storage-gb",
    "requests",
    "reads",
    "writes",
    "deletes",
    "transitions",
    "events",
    "request-units",
];

/// Catalog ids the billing and the quotes look up by name.
pub mod ids {
    pub const AWS_DATA_TRANSFER: &str = "aws-data-transfer";
    pub const AWS_NAT_GATEWAY: &str = "aws-nat-gateway";
    pub const AWS_PUBLIC_IPV4: &str = "aws-public-ipv4";
    pub const AWS_EBS: &str = "aws-ebs";
    pub const AWS_BURST_CREDITS: &str = "aws-ec2-cpu-credits";
    pub const AWS_CLOUDWATCH_LOGS: &str = "aws-cloudwatch-logs";
    pub const GCP_DATA_TRANSFER: &str = "gcp-data-transfer";
    pub const GCP_CLOUD_LOGGING: &str = "gcp-cloud-logging";
    pub const AZURE_DATA_TRANSFER: &str = "azure-data-transfer";
    pub const AZURE_MONITOR_LOGS: &str = "azure-monitor-logs";
    pub const CLOUDFLARE_DATA_TRANSFER: &str = "cloudflare-data-transfer";
    pub const CLOUDFLARE_WORKERS_LOGS: &str = "cloudflare-workers-logs";
    pub const CLOUDFLARE_OBSERVABILITY: &str = "cloudflare-observability";

    /// Metered entries a platform bills by itself (network, logs, storage, credits, VPN);
    /// every other metered entry is a managed service an application's requests call.
    pub const INFRASTRUCTURE: &[&str] = &[
        AWS_DATA_TRANSFER,
        AWS_NAT_GATEWAY,
        AWS_PUBLIC_IPV4,
        AWS_EBS,
        AWS_BURST_CREDITS,
        AWS_CLOUDWATCH_LOGS,
        GCP_DATA_TRANSFER,
        GCP_CLOUD_LOGGING,
        AZURE_DATA_TRANSFER,
        AZURE_MONITOR_LOGS,
        CLOUDFLARE_DATA_TRANSFER,
        CLOUDFLARE_WORKERS_LOGS,
        CLOUDFLARE_OBSERVABILITY,
        "gcp-cloud-vpn",
    ];
}

#[cfg(test)]
mod tests {
    use crate::pricing::{PricingError, parse_price_file};

    const GOOD_PRICE: &str = r#"Price(usd: 0.01, unit: "GB", region: "r", currency: "USD", effective: "2026-01-01", source: "https://example.com/", status: Primary)"#;

    fn file(meter_extra: &str, rate: &str) -> String {
        format!(
            "PriceFile(provider: \"X\", extras: [\n  Metered(id: \"x-svc\", name: \"X\", meters: [\n    Meter(operations: [\"op\"], item: \"Op\",\n      rate: Flat{},\n      {meter_extra}\n    ),\n  ]),\n])",
            rate.strip_prefix("Price").unwrap_or(rate)
        )
    }

    fn err(text: &str) -> (String, usize) {
        match parse_price_file(text, "x.ron") {
            Err(PricingError::Parse {
                field, line, message, ..
            }) => (format!("{field}: {message}"), line),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_extra_loads() {
        let pf = parse_price_file(&file("", GOOD_PRICE), "x.ron").unwrap();
        assert_eq!(pf.extras.len(), 1);
        assert!(pf.services.is_empty());
    }

    #[test]
    fn hostile_extras_are_errors_with_positions() {
        let (e, line) = err(&file("", &GOOD_PRICE.replace("0.01", "-1")));
        assert!(
            e.contains("extras[0].meters[0].rate.usd: usd must be zero or more"),
            "{e}"
        );
        assert_eq!(line, 4);
        let (e, _) = err(&file("", &GOOD_PRICE.replace("https://example.com/", "example")));
        assert!(e.contains("source must be a URL"), "{e}");
        let (e, _) = err(&file("chunk_kb: Some(-3.0),", GOOD_PRICE));
        assert!(e.contains("chunk_kb"), "{e}");
        let (e, _) = err(&file("chunk_kb: Some(inf),", GOOD_PRICE));
        assert!(e.contains("chunk_kb"), "{e}");
        let (e, _) = err(&file("shared_free: true,", GOOD_PRICE));
        assert!(e.contains("shared_free pool"), "{e}");
        let (e, _) = err(&file("flags: [\"bogus\"],", GOOD_PRICE));
        assert!(e.contains("unknown quote flag `bogus`"), "{e}");
        let (e, _) = err(&file("tiers_after_free: true,", GOOD_PRICE));
        assert!(e.contains("needs a Tiered rate"), "{e}");
        let (e, _) = err(&file(
            "free: Some(quantity: 1e300, unit: \"GB\", scope: Global, region: \"r\", effective: \"2026-01-01\", source: \"https://example.com/\", status: Primary),",
            GOOD_PRICE,
        ));
        assert!(e.contains("quantity"), "{e}");
        let (e, _) = err(&file("", GOOD_PRICE).replace("[\"op\"]", "[]"));
        assert!(e.contains("operations"), "{e}");
        let (e, _) = err(&file("", GOOD_PRICE).replace("meters: [", "meters: [], old: ["));
        assert!(!e.is_empty());
    }

    #[test]
    fn hostile_credit_tables_are_errors() {
        let text = format!(
            "PriceFile(provider: \"X\", extras: [AwsBurstCredits(id: \"c\", name: \"C\", families: [FamilyRate(family: \"t3\", surplus_linux: {GOOD_PRICE})], sizes: [BurstSize(name: \"t3.x\", vcpu: 0, credits_per_hour: -1, max_accrued: 1e10, baseline: 2)], source: \"https://example.com/\")])"
        );
        let (e, _) = err(&text);
        for f in ["vcpu", "credits_per_hour", "max_accrued", "baseline"] {
            assert!(e.contains(f), "{f}: {e}");
        }
        // an id defined as a service and as an extra in one file
        let text = format!(
            "PriceFile(provider: \"X\", extras: [Metered(id: \"x\", name: \"X\", meters: [Meter(operations: [\"a\"], item: \"A\", rate: Flat{})]), Metered(id: \"x\", name: \"Y\", meters: [Meter(operations: [\"a\"], item: \"A\", rate: Flat{})])])",
            &GOOD_PRICE[5..],
            &GOOD_PRICE[5..]
        );
        assert!(err(&text).0.contains("duplicate id `x`"));
    }
}
