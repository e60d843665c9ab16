//! The rest of the bill in the simulation (issue 13): egress from served responses, logs,
//! NAT gateways and public IPv4 from a platform's network, EC2 root volumes, burstable
//! credits from the simulated CPU use, and the managed services the requests call.

use breakeven::analysis;
use breakeven::billing::Category;
use breakeven::model::parse_scenario;
use breakeven::pricing::Catalog;
use breakeven::sim::{Control, Mode, Prepared, SimResult, TraceStore, prepare, run};
use std::path::Path;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

fn prepared(text: &str) -> Prepared {
    let cat = catalog();
    let s = parse_scenario(text, "t.ron", None, &cat).unwrap_or_else(|e| panic!("{e}"));
    prepare(&s, Path::new("."), &cat, &mut TraceStore::default()).unwrap()
}

fn fast(text: &str) -> SimResult {
    run(&prepared(text), &catalog(), Mode::Fast, &Control::default()).unwrap()
}

/// Steady evenly spaced traffic, one workload: `extra` is spliced into the workload and
/// `platforms` are the platforms.
fn scenario(rps: f64, extra: &str, platforms: &str) -> String {
    format!(
        r#"Scenario(version: 2, name: "bill", horizon_days: 30.0, seed: 3,
            workloads: [Workload(name: "api",
                traffic: Traffic(arrivals: Deterministic, components: [Constant(rps: {rps})]),
                duration_ms: Fixed(100.0), cpu_fraction: 0.5, cold_start_ms: Fixed(200.0){extra})],
            platforms: [{platforms}])"#
    )
}

const PLATFORMS: &str = r#"
    Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024),
    Container(name: "Fargate", service: "aws-fargate", vcpu: 1.0, memory_gb: 2.0, concurrency: 40, min_replicas: 1, max_replicas: 10),
    Container(name: "Cloud Run", service: "gcp-cloud-run", vcpu: 1.0, memory_gb: 1.0, concurrency: 40, min_replicas: 0, max_replicas: 10),
    Vm(name: "EC2", service: "aws-ec2", instance: "m7g.large", concurrency: 80, min_instances: 1, max_instances: 1)"#;

fn line_usd(r: &SimResult, platform: &str, item_starts: &str) -> f64 {
    let p = r.platforms.iter().find(|p| p.name == platform).unwrap();
    p.bill
        .lines
        .iter()
        .filter(|l| l.item.starts_with(item_starts))
        .map(|l| l.amount_usd.to_string().parse::<f64>().unwrap())
        .sum()
}

fn line_quantity(r: &SimResult, platform: &str, item_starts: &str) -> f64 {
    let p = r.platforms.iter().find(|p| p.name == platform).unwrap();
    p.bill
        .lines
        .iter()
        .filter(|l| l.item.starts_with(item_starts))
        .map(|l| l.quantity.to_string().parse::<f64>().unwrap())
        .sum()
}

/// No responses, no logs, no network and no calls: compute lines only (and an EC2 root
/// volume, whose default is 8 GB of gp3), so every total is what it was before the rest
/// of the bill was priced.
#[test]
fn without_responses_logs_network_or_calls_the_bill_is_compute_only() {
    let r = fast(&scenario(5.0, "", PLATFORMS));
    assert!(r.services.is_empty());
    assert_eq!(r.services_usd, 0.0);
    for p in &r.platforms {
        for l in &p.bill.lines {
            let expected = if p.name == "EC2" && l.item == "gp3 storage" {
                Category::Storage
            } else {
                Category::Compute
            };
            assert_eq!(l.category, expected, "{}: {}", p.name, l.item);
        }
        let compute: f64 = p.bill.category_usd(Category::Compute).to_string().parse().unwrap();
        if p.name != "EC2" {
            assert!((p.total_usd - compute).abs() < 1e-9, "{}", p.name);
        }
    }
    // one m7g.large all month: 8 GB x $0.08 per GB-month
    assert_eq!(line_usd(&r, "EC2", "gp3 storage"), 0.64);
}

/// Responses leave for the internet: 20 req/s x 10 KB over 30 days is 494.38 GB; AWS
/// bills it after the 100 GB free at $0.09/GB; GCP after its free GiB in tiers. Logs: 1 KB
/// per request is 49.44 GB, 5 GB free on CloudWatch.
#[test]
fn egress_and_logs_follow_the_served_requests() {
    let r = fast(&scenario(20.0, ", response_kb: 10.0, log_kb: 1.0", PLATFORMS));
    let gb: f64 = 20.0 * 86_400.0 * 30.0 * 10.0 / 1024.0 / 1024.0;
    assert!((gb - 494.3848).abs() < 1e-3);
    for aws in ["Lambda", "Fargate", "EC2"] {
        let q = line_quantity(&r, aws, "Data transfer out");
        assert!((q - (gb - 100.0)).abs() < 0.01, "{aws}: {q}");
        assert_eq!(line_usd(&r, aws, "Data transfer out"), 35.49, "{aws}");
        let logs_gb = gb / 10.0;
        assert!(
            (line_quantity(&r, aws, "Log ingestion") - (logs_gb - 5.0)).abs() < 0.01,
            "{aws}"
        );
        assert_eq!(line_usd(&r, aws, "Log ingestion"), 22.22, "{aws}");
    }
    assert!(line_usd(&r, "Cloud Run", "Internet egress") > 0.0);
    // half the responses stay inside the provider's network
    let half =
        fast(&scenario(20.0, ", response_kb: 10.0", PLATFORMS).replacen("seed: 3,", "seed: 3, egress_share: 0.5,", 1));
    let q = line_quantity(&half, "Fargate", "Data transfer out");
    assert!((q - (gb / 2.0 - 100.0)).abs() < 0.01, "{q}");
}

/// NAT gateways bill every hour whatever the traffic, and each GB they pass; public IPv4
/// addresses bill per replica-hour. Twice the traffic doubles the GB, not the hours.
#[test]
fn nat_hours_stay_while_egress_grows_with_traffic() {
    let platforms = r#"
        Container(name: "Fargate", service: "aws-fargate", vcpu: 1.0, memory_gb: 2.0, concurrency: 40,
                  min_replicas: 2, max_replicas: 2, network: Network(vpc: true, nat_gateways: 2, public_ipv4: true))"#;
    let one = fast(&scenario(10.0, ", response_kb: 10.0", platforms));
    let two = fast(&scenario(20.0, ", response_kb: 10.0", platforms));
    for r in [&one, &two] {
        assert_eq!(line_quantity(r, "Fargate", "NAT gateway hours"), 1440.0);
        assert_eq!(line_usd(r, "Fargate", "NAT gateway hours"), 64.8);
        // two tasks all month: 1,440 address-hours at $0.005
        assert!((line_quantity(r, "Fargate", "Public IPv4") - 1440.0).abs() < 0.01);
        assert_eq!(line_usd(r, "Fargate", "Public IPv4"), 7.2);
    }
    let gb1 = line_quantity(&one, "Fargate", "NAT gateway data");
    let gb2 = line_quantity(&two, "Fargate", "NAT gateway data");
    assert!((gb2 / gb1 - 2.0).abs() < 1e-6, "{gb1} {gb2}");
    let p = &one.platforms[0];
    let network: f64 = p.bill.category_usd(Category::Network).to_string().parse().unwrap();
    assert!(network > 64.8 + 7.2);
    assert!(p.bill.category_summary().unwrap().contains("network $"));
}

/// A t3.medium kept busy at half its two vCPUs (20 req/s x 0.1 s x 0.5 CPU = 1 vCPU) spends
/// 0.3 x 2 x 60 = 36 credits an hour above its 20 % baseline: 25,920 credits a month, 432
/// vCPU-hours at $0.05 = $21.60 in unlimited mode.
#[test]
fn a_hot_burstable_instance_pays_surplus_credits_from_the_simulated_cpu() {
    let platforms = r#"Vm(name: "T3", service: "aws-ec2", instance: "t3.medium", concurrency: 80, min_instances: 1, max_instances: 1)"#;
    let r = fast(&scenario(20.0, "", platforms));
    assert_eq!(line_usd(&r, "T3", "Surplus CPU credits"), 21.6);
    // idle below its baseline: nothing
    let r = fast(&scenario(2.0, "", platforms));
    assert_eq!(line_usd(&r, "T3", "Surplus CPU credits"), 0.0);
}

/// Managed services bill once for the application: 5 req/s for 30 days is 12,960,000
/// requests; two DynamoDB reads each at $0.125 per million read request units = $3.24.
#[test]
fn calls_to_managed_services_are_the_applications_own_bill() {
    let r = fast(&scenario(
        5.0,
        r#", calls: [Call(service: "aws-dynamodb", operation: "read", per_request: 2.0)]"#,
        PLATFORMS,
    ));
    assert_eq!(r.services.len(), 1);
    assert_eq!(r.services[0].service, "aws-dynamodb");
    assert!((r.services_usd - 3.24).abs() < 1e-9, "{}", r.services_usd);
    assert!(r.services[0].lines.iter().all(|l| l.category == Category::Services));
    // not in any platform's total
    for p in &r.platforms {
        assert!(p.bill.lines.iter().all(|l| l.category != Category::Services));
    }
}

/// With two NAT gateways in front of Fargate, Lambda (outside any VPC) stays cheaper up to
/// a higher traffic: the gateways' $64.80 a month moves the break-even.
#[test]
fn a_crossover_moves_when_nat_is_added() {
    let cat = catalog();
    let base = |network: &str| {
        scenario(
            1.0,
            ", response_kb: 4.0",
            &format!(
                r#"Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, free_tier: false),
                   Container(name: "Fargate", service: "aws-fargate", vcpu: 1.0, memory_gb: 2.0, concurrency: 40,
                             min_replicas: 1, max_replicas: 1{network})"#
            ),
        )
    };
    let plain = analysis::traffic_sweep(&prepared(&base("")), &cat).unwrap();
    let nat =
        analysis::traffic_sweep(&prepared(&base(", network: Network(vpc: true, nat_gateways: 2)")), &cat).unwrap();
    let first = |sw: &analysis::Sweep| {
        sw.crossovers
            .iter()
            .find(|c| c.between.contains(&"Lambda".to_string()))
            .map(|c| c.x)
            .unwrap()
    };
    let (x0, x1) = (first(&plain), first(&nat));
    assert!(x1 > x0 * 1.5, "without NAT at {x0}x, with NAT at {x1}x");
}

/// The verdict names the hidden cost when it moves the answer: Fargate's two NAT gateways
/// keep Lambda cheaper to a much higher traffic than compute alone says.
#[test]
fn the_verdict_names_a_hidden_cost_that_moves_the_break_even() {
    let cat = catalog();
    let text = r#"Scenario(version: 2, name: "NAT", horizon_days: 30.0, seed: 3,
        workloads: [Workload(name: "api",
            traffic: Traffic(components: [Diurnal(peak_rps: 3.0, trough_rps: 0.5, peak_hour: 15.0)]),
            duration_ms: LogNormal(median: 80.0, p99: 400.0), cpu_fraction: 0.4, cold_start_ms: Fixed(300.0), response_kb: 4.0)],
        platforms: [
            Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024),
            Container(name: "Fargate", service: "aws-fargate", vcpu: 0.5, memory_gb: 1.0, concurrency: 40,
                      min_replicas: 1, max_replicas: 10, network: Network(vpc: true, nat_gateways: 2)),
        ])"#;
    let p = prepared(text);
    let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    let v = analysis::verdict(&p, &cat, &r, &sw).unwrap();
    let nearest = v
        .reasons
        .iter()
        .find(|x| x.metric == "nearest_crossover_scale")
        .unwrap();
    let hidden = v
        .reasons
        .iter()
        .find(|x| x.metric == "compute_only_crossover_scale")
        .unwrap_or_else(|| panic!("{:#?}", v.reasons));
    assert!(
        hidden.value < nearest.value / 2.0,
        "{} vs {}",
        hidden.value,
        nearest.value
    );
    assert!(
        hidden.text.contains("Fargate's network lines (NAT gateway hours"),
        "{}",
        hidden.text
    );
    assert!(hidden.text.contains("Lambda stays cheaper up to"), "{}", hidden.text);
    // both pay the same egress out of AWS: not a line that makes the difference
    assert!(!hidden.text.contains("data transfer out"), "{}", hidden.text);
    // without the gateways nothing is hidden enough to say
    let p = prepared(&text.replace(", network: Network(vpc: true, nat_gateways: 2)", ""));
    let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    let v = analysis::verdict(&p, &cat, &r, &sw).unwrap();
    assert!(
        v.reasons.iter().all(|x| x.metric != "compute_only_crossover_scale"),
        "{:#?}",
        v.reasons
    );
}

/// One account: a placement's AWS platforms share AWS's 100 GB of free egress. The first
/// platform's 494.38 GB use it all; the second pays for every one of its 247.19 GB.
#[test]
fn a_placements_platforms_share_the_accounts_free_egress() {
    let text = r#"Scenario(version: 2, name: "two", horizon_days: 30.0, seed: 5,
        workloads: [
            Workload(name: "a", traffic: Traffic(arrivals: Deterministic, components: [Constant(rps: 20.0)]),
                duration_ms: Fixed(50.0), cpu_fraction: 0.3, cold_start_ms: Fixed(200.0), response_kb: 10.0),
            Workload(name: "b", traffic: Traffic(arrivals: Deterministic, components: [Constant(rps: 10.0)]),
                duration_ms: Fixed(50.0), cpu_fraction: 0.3, cold_start_ms: Fixed(200.0), response_kb: 10.0),
        ],
        platforms: [
            Function(name: "Lambda", service: "aws-lambda", memory_mb: 512, runs: ["a"]),
            Container(name: "Fargate", service: "aws-fargate", vcpu: 1.0, memory_gb: 2.0, concurrency: 40,
                      min_replicas: 1, max_replicas: 4, runs: ["b"]),
        ])"#;
    let r = fast(text);
    let best = r
        .placements
        .iter()
        .find(|p| Some(&p.name) == r.best_placement.as_ref())
        .unwrap_or_else(|| panic!("{:?}", r.placements.iter().map(|p| &p.name).collect::<Vec<_>>()));
    assert_eq!(best.assignment.len(), 2);
    let gb = |rps: f64| rps * 86_400.0 * 30.0 * 10.0 / 1024.0 / 1024.0;
    // the platforms' own entries (each alone in the account) each get the 100 GB
    let alone: f64 = ["Lambda", "Fargate"]
        .iter()
        .map(|n| line_usd(&r, n, "Data transfer out"))
        .sum();
    let want_alone =
        ((gb(20.0) - 100.0) * 0.09 * 100.0).round() / 100.0 + ((gb(10.0) - 100.0) * 0.09 * 100.0).round() / 100.0;
    assert!((alone - want_alone).abs() < 0.011, "{alone} vs {want_alone}");
    // the placement bills them as one account: 9.00 more than the two alone
    let in_placement = best.total_usd - r.platforms.iter().map(|p| p.total_usd).sum::<f64>();
    assert!((in_placement - 9.0).abs() < 0.02, "{in_placement}");
}

/// The shipped image-processing scenario (storage-triggered): one S3 GET of the original
/// and four PUTs of the resized copies per image, at $0.0004 and $0.005 per 1,000:
/// 1,068,720 images a month give $0.43 + $21.37 = $21.80; nothing goes back to the
/// internet (`egress_share: 0.0`), so no platform pays egress.
#[test]
fn the_image_pipeline_pays_its_s3_requests_and_no_egress() {
    let cat = catalog();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/image-processing.ron");
    let s = breakeven::model::load_scenario_file(&path, &cat).unwrap();
    let p = prepare(&s, path.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
    let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    assert_eq!(r.services.len(), 1);
    let s3 = &r.services[0];
    assert_eq!(s3.service, "aws-s3");
    let qty = |prefix: &str| -> f64 {
        s3.lines
            .iter()
            .filter(|l| l.item.starts_with(prefix))
            .map(|l| l.quantity.to_string().parse::<f64>().unwrap())
            .sum()
    };
    assert_eq!(qty("GET"), 1_068_720.0);
    assert_eq!(qty("PUT"), 4.0 * 1_068_720.0);
    assert!((r.services_usd - 21.80).abs() < 1e-9, "{}", r.services_usd);
    for p in &r.platforms {
        assert!(
            p.bill.lines.iter().all(|l| l.category != Category::Network),
            "{}: {:?}",
            p.name,
            p.bill.lines
        );
    }
}
