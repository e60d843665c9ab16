//! EBS volumes: provisioned GB, IOPS and throughput, prorated per second over a 30-day
//! month as the EBS pricing page's examples do, each volume billed for at least a minute.

use super::{Bill, BillingError, finish, priced_exact};
use crate::pricing::{AwsEbs, Catalog, Extra, extra::ids};
use rust_decimal::Decimal;

/// Seconds in the 30-day month of the EBS examples.
pub const MONTH_S: u64 = 30 * 86_400;

#[derive(Clone, Debug, PartialEq)]
pub struct EbsUsage {
    /// `gp3`, `gp2`, `io1`.
    pub volume_type: String,
    /// Provisioned size of each volume, GB.
    pub gb: Decimal,
    /// Provisioned IOPS of each volume; `None` = the type's included baseline.
    pub iops: Option<u64>,
    /// Provisioned throughput of each volume, MB/s; `None` = the included baseline.
    pub throughput_mbps: Option<u64>,
    /// Seconds each volume existed, summed over volumes (a root volume per instance: the
    /// instance-seconds).
    pub volume_seconds: u64,
    /// Volumes (for the one-minute minimum per volume).
    pub volumes: u64,
}

/// The EBS entry of the catalog.
pub fn ebs_entry(cat: &Catalog) -> Result<&AwsEbs, BillingError> {
    match cat.extra(ids::AWS_EBS) {
        Some(Extra::AwsEbs(e)) => Ok(e),
        _ => Err(BillingError::Invalid {
            service: ids::AWS_EBS.into(),
            message: "not in the price catalog (an AwsEbs entry under `extras`)".into(),
        }),
    }
}

pub fn ebs(p: &AwsEbs, u: &EbsUsage) -> Result<Bill, BillingError> {
    let invalid = |message: String| BillingError::Invalid {
        service: p.id.clone(),
        message,
    };
    let t = p.volume_types.iter().find(|t| t.name == u.volume_type).ok_or_else(|| {
        invalid(format!(
            "no volume type `{}`; the catalog has: {}",
            u.volume_type,
            p.volume_types
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    if u.gb < Decimal::ZERO {
        return Err(invalid(format!("negative size {} GB", u.gb)));
    }
    let min_s = Decimal::from(p.minimum_s) * Decimal::from(u.volumes);
    let seconds = Decimal::from(u.volume_seconds).max(if u.volume_seconds > 0 { min_s } else { Decimal::ZERO });
    let months = seconds / Decimal::from(MONTH_S);
    let over = |x: Decimal| {
        x.checked_mul(months).ok_or_else(|| BillingError::Overflow {
            service: p.id.clone(),
            item: t.name.clone(),
        })
    };
    let prorate = "prorated per second over a 30-day month";
    let mut lines = vec![priced_exact(
        &format!("{} storage", t.name),
        over(u.gb)?,
        &t.storage.unit,
        t.storage.usd,
        &format!("{} GB; {prorate}", u.gb.normalize()),
    )];
    if let Some(iops) = u.iops {
        let extra = iops.saturating_sub(t.included_iops);
        match &t.iops {
            Some(price) if extra > 0 => {
                let note = if t.included_iops > 0 {
                    format!("{iops} IOPS, {} included", t.included_iops)
                } else {
                    format!("{iops} IOPS")
                };
                lines.push(priced_exact(
                    &format!("{} IOPS", t.name),
                    over(Decimal::from(extra))?,
                    &price.unit,
                    price.usd,
                    &note,
                ));
            }
            None if iops > 0 => {
                return Err(invalid(format!("{} volumes have no provisioned IOPS", t.name)));
            }
            _ => {}
        }
    }
    if let Some(mbps) = u.throughput_mbps {
        let extra = mbps.saturating_sub(t.included_throughput_mbps);
        match &t.throughput {
            Some(price) if extra > 0 => {
                lines.push(priced_exact(
                    &format!("{} throughput", t.name),
                    over(Decimal::from(extra))?,
                    &price.unit,
                    price.usd,
                    &format!("{mbps} MB/s, {} included", t.included_throughput_mbps),
                ));
            }
            None if mbps > 0 => {
                return Err(invalid(format!("{} volumes have no provisioned throughput", t.name)));
            }
            _ => {}
        }
    }
    finish(&p.id, &p.name, &t.storage.region, lines)
}

/// Root volumes of a VM fleet: `gb` each for `instance_seconds` (summed over instances).
pub fn root_volumes(cat: &Catalog, gb: Decimal, instance_seconds: u64, instances: u64) -> Result<Bill, BillingError> {
    ebs(
        ebs_entry(cat)?,
        &EbsUsage {
            volume_type: "gp3".into(),
            gb,
            iops: None,
            throughput_mbps: None,
            volume_seconds: instance_seconds,
            volumes: instances.max(1),
        },
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
    fn a_month_of_a_root_volume() {
        let cat = Catalog::builtin().unwrap();
        let b = root_volumes(&cat, d("30"), MONTH_S, 1).unwrap();
        assert_eq!(b.total_usd(), d("2.40"));
        // the one-minute minimum
        let b = root_volumes(&cat, d("1000"), 1, 1).unwrap();
        assert_eq!(b.lines[0].quantity, d("0.023148"));
    }

    #[test]
    fn bad_types_and_dimensions_are_errors() {
        let cat = Catalog::builtin().unwrap();
        let p = ebs_entry(&cat).unwrap();
        let u = EbsUsage {
            volume_type: "st9".into(),
            gb: d("1"),
            iops: None,
            throughput_mbps: None,
            volume_seconds: 60,
            volumes: 1,
        };
        assert!(ebs(p, &u).unwrap_err().to_string().contains("gp3, gp2, io1"));
        let u = EbsUsage {
            volume_type: "gp2".into(),
            iops: Some(5000),
            ..u
        };
        assert!(ebs(p, &u).unwrap_err().to_string().contains("no provisioned IOPS"));
    }
}
