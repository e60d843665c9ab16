//! Where in the world: the providers' regions that serve the same metropolitan area, so
//! an analysis can ask "what would this cost in Frankfurt?" of every platform at once.
//!
//! A provider without a region in a place has `None` there (AWS has none in Iowa or the
//! Netherlands, Google none in Ireland): an analysis then leaves that provider's platforms
//! out of the place rather than price them somewhere else. Cloudflare's Workers run
//! everywhere at one price (`global`). Which regions the catalog prices is the catalog's
//! business: a place can name a region the catalog lacks (Azure outside East US and West
//! Europe), and the analysis says so.
//!
//! Sources (the providers' region lists, read 2026-11): AWS
//! <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html>,
//! Google Cloud <https://cloud.google.com/about/locations>, Azure
//! <https://learn.microsoft.com/en-us/azure/reliability/regions-list>.

/// A metropolitan area and each provider's region there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub name: &'static str,
    pub aws: Option<&'static str>,
    pub gcp: Option<&'static str>,
    pub azure: Option<&'static str>,
}

/// The places the analyses compare, the reference regions' first.
pub const LOCATIONS: &[Location] = &[
    Location {
        name: "N. Virginia",
        aws: Some("us-east-1"),
        gcp: Some("us-east4"),
        azure: Some("eastus"),
    },
    Location {
        name: "Iowa",
        aws: None,
        gcp: Some("us-central1"),
        azure: Some("centralus"),
    },
    Location {
        name: "Oregon",
        aws: Some("us-west-2"),
        gcp: Some("us-west1"),
        azure: Some("westus2"),
    },
    Location {
        name: "Ireland",
        aws: Some("eu-west-1"),
        gcp: None,
        azure: Some("northeurope"),
    },
    Location {
        name: "Netherlands",
        aws: None,
        gcp: Some("europe-west4"),
        azure: Some("westeurope"),
    },
    Location {
        name: "Frankfurt",
        aws: Some("eu-central-1"),
        gcp: Some("europe-west3"),
        azure: Some("germanywestcentral"),
    },
    Location {
        name: "Mumbai",
        aws: Some("ap-south-1"),
        gcp: Some("asia-south1"),
        azure: Some("westindia"),
    },
    Location {
        name: "Singapore",
        aws: Some("ap-southeast-1"),
        gcp: Some("asia-southeast1"),
        azure: Some("southeastasia"),
    },
    Location {
        name: "Tokyo",
        aws: Some("ap-northeast-1"),
        gcp: Some("asia-northeast1"),
        azure: Some("japaneast"),
    },
];

impl Location {
    /// The region of `service_id`'s provider here (by the id's prefix: `aws-`, `gcp-`,
    /// `azure-`, `cloudflare-`); None where that provider has no region here.
    pub fn region_for(&self, service_id: &str) -> Option<&'static str> {
        match service_id.split('-').next().unwrap_or("") {
            "aws" => self.aws,
            "gcp" => self.gcp,
            "azure" => self.azure,
            "cloudflare" => Some("global"),
            _ => None,
        }
    }

    pub fn by_name(name: &str) -> Option<&'static Location> {
        LOCATIONS.iter().find(|l| l.name.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_region_is_named_once() {
        for pick in [|l: &Location| l.aws, |l: &Location| l.gcp, |l: &Location| l.azure] {
            let mut seen: Vec<&str> = LOCATIONS.iter().filter_map(pick).collect();
            let n = seen.len();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), n);
        }
    }

    #[test]
    fn regions_by_provider_prefix() {
        let f = Location::by_name("frankfurt").unwrap();
        assert_eq!(f.region_for("aws-fargate"), Some("eu-central-1"));
        assert_eq!(f.region_for("gcp-cloud-run"), Some("europe-west3"));
        assert_eq!(f.region_for("azure-container-apps"), Some("germanywestcentral"));
        assert_eq!(f.region_for("cloudflare-workers"), Some("global"));
        assert_eq!(Location::by_name("Iowa").unwrap().region_for("aws-lambda"), None);
    }

    #[test]
    fn the_catalog_prices_every_aws_region_named() {
        let cat = crate::pricing::Catalog::builtin().unwrap();
        for l in LOCATIONS {
            if let Some(r) = l.aws {
                assert!(cat.get_in("aws-lambda", Some(r)).is_some(), "{r}");
                assert!(cat.get_in("aws-fargate", Some(r)).is_some(), "{r}");
            }
            if let Some(r) = l.gcp {
                assert!(cat.get_in("gcp-cloud-run", Some(r)).is_some(), "{r}");
            }
        }
    }
}
