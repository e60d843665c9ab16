//! `breakeven quote` for the rest of the bill: every form of the contract's "The rest of the
//! bill: quotes" section and the GCP, Azure and Cloudflare counterparts, with real numbers,
//! through the binary.

mod common;
use common::breakeven as run;

/// `quote ARGS --json`, exit 0: the parsed JSON.
fn quote(args: &str) -> serde_json::Value {
    let mut v = vec!["quote"];
    v.extend(args.split_whitespace());
    v.push("--json");
    let (code, out, err) = run(&v);
    assert_eq!(code, 0, "{args}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn total(args: &str) -> f64 {
    quote(args)["total_usd"].as_f64().unwrap()
}

/// `quote ARGS`, expecting exit 2: stderr.
fn bad(args: &str) -> String {
    let mut v = vec!["quote"];
    v.extend(args.split_whitespace());
    let (code, out, err) = run(&v);
    assert_eq!(code, 2, "{args}: {out}{err}");
    assert!(out.is_empty(), "{args}: {out}");
    err
}

#[test]
fn contract_forms_and_their_totals() {
    // 1,124 GB out: 100 GB free (the account's), 1,024 GB x $0.09
    assert_eq!(total("aws-data-transfer --gb-out 1124"), 92.16);
    assert_eq!(total("aws-data-transfer --gb-out 1124 --no-free-tier"), 101.16);
    // 730 h x $0.045 + 2,216.5 GB x $0.045 = $32.85 + $99.74
    assert_eq!(total("aws-nat-gateway --hours 730 --gb 2216.5"), 132.59);
    // 2 x 730 address-hours x $0.005
    assert_eq!(total("aws-public-ipv4 --addresses 2 --hours 730"), 7.3);
    // 30 GB x 730 h / 720 h (30-day month) x $0.08 = $2.433
    assert_eq!(total("aws-ebs --gb 30 --hours 730"), 2.43);
    assert_eq!(total("aws-ebs --gb 30 --hours 730 --type gp3"), 2.43);
    assert_eq!(total("aws-ebs --gb 30 --hours 730 --type gp2"), 3.04);
    // m7g.large $59.57 + root volume $2.43 + one IPv4 address $3.65
    let v = quote("aws-ec2 --instance m7g.large --hours 730 --ebs-gb 30 --public-ipv4 1");
    assert_eq!(v["service"], "aws-ec2");
    assert_eq!(v["total_usd"].as_f64().unwrap(), 65.65);
    let items: Vec<&str> = v["bill"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["item"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["Instance hours", "gp3 storage", "Public IPv4 address hours"]);
    // t3.medium at 50 %: $30.37 + 2 vCPU x (50 % - 20 %) x 730 h = 438 vCPU-h x $0.05
    let v = quote("aws-ec2 --instance t3.medium --hours 730 --cpu-utilization 0.5");
    assert_eq!(v["total_usd"].as_f64().unwrap(), 52.27);
    assert_eq!(v["bill"][1]["quantity"].as_f64().unwrap(), 438.0);
    assert_eq!(v["bill"][1]["unit_price_usd"].as_f64().unwrap(), 0.05);
    // at or below the baseline: no surplus charge
    assert_eq!(
        total("aws-ec2 --instance t3.medium --hours 730 --cpu-utilization 0.2"),
        30.37
    );
    // t4g surplus is $0.04: 2 x 0.3 x 730 x 0.04 = $17.52 + 730 x $0.0336 = $24.53
    assert_eq!(
        total("aws-ec2 --instance t4g.medium --hours 730 --cpu-utilization 0.5"),
        42.05
    );
    // 30 GB ingested + 6 GB-month archived, 5 GB free: 25 x $0.50 + 6 x $0.03
    assert_eq!(total("aws-cloudwatch-logs --ingest-gb 30 --archive-gb 6"), 12.68);
    // Lambda logs in vended tiers; 60 TB (61,440 GB) = $12,800 without the free tier (CW4)
    assert_eq!(total("aws-cloudwatch-logs --vended-gb 61440 --no-free-tier"), 12800.0);
    // 1 M reads x $0.125/M ($0.13) + 1 M writes x $0.625/M ($0.63)
    assert_eq!(total("aws-dynamodb --reads 1000000 --writes 1000000"), 0.76);
    // the first million requests are free; 256 KB is four 64 KB chunks each
    assert_eq!(total("aws-sqs --requests 1000000"), 0.0);
    assert_eq!(total("aws-sqs --requests 1000000 --payload-kb 256"), 1.2);
    assert_eq!(total("aws-sqs --requests 1000000 --no-free-tier"), 0.4);
    // 3,000 transitions within the 4,000 free; 40,000 -> 36,000 x $0.000025
    assert_eq!(total("aws-step-functions --transitions 3000"), 0.0);
    assert_eq!(total("aws-step-functions --transitions 40000"), 0.9);
    assert_eq!(total("aws-eventbridge --events 5000000"), 5.0);
    // (30 M - 20 M included) x $0.60/M
    assert_eq!(total("cloudflare-workers-logs --events 30000000"), 6.0);
    // 500,000 RU x $0.25/M = $0.125 -> $0.13
    assert_eq!(total("azure-cosmosdb --request-units 500000"), 0.13);
}

#[test]
fn counterparts_on_the_other_providers() {
    // GCP egress 2,048 GiB: 1 free, 1,023 x $0.12 + 1,024 x $0.11
    assert_eq!(total("gcp-data-transfer --gb-out 2048"), 235.4);
    // Azure egress 1,000 GB: 100 free, 900 x $0.087
    assert_eq!(total("azure-data-transfer --gb-out 1000"), 78.3);
    assert_eq!(total("cloudflare-data-transfer --gb-out 1000"), 0.0);
    // Cloud Logging 60 GiB: 50 free per project, 10 x $0.50
    assert_eq!(total("gcp-cloud-logging --ingest-gb 60"), 5.0);
    // Azure Monitor 10 GB: 5 free, 5 x $2.30
    assert_eq!(total("azure-monitor-logs --ingest-gb 10"), 11.5);
    // Workers Observability (from 1 Dec 2026), example CFO1
    assert_eq!(total("cloudflare-observability --ingest-gb 75 --storage-gb 20"), 7.05);
    // Firestore nam5, example FS1
    assert_eq!(
        total("gcp-firestore-nam5 --storage-gb 100 --reads 100000000 --writes 50000000 --deletes 5000000"),
        166.72
    );
    // Firestore us-central1: 1.5 M reads free a month (50,000 a day); 2.5 M reads -> $0.30
    assert_eq!(total("gcp-firestore --reads 2500000"), 0.3);
    // Pub/Sub 20 GiB: 10 free, 10 x $40/TiB
    assert_eq!(total("gcp-pubsub --gb 20"), 0.39);
    // Cloud Tasks: 1 M free, 1 M tasks of 96 KB = 3 M ops -> 2 M x $0.40/M
    assert_eq!(total("gcp-cloud-tasks --requests 1000000 --payload-kb 96"), 0.8);
    // GVPN1: 2 tunnels x 720 h x $0.05 + 2,048 GiB x $0.11
    assert_eq!(total("gcp-cloud-vpn --tunnels 2 --hours 720 --gb-out 2048"), 297.28);
    // Service Bus Basic: 10 M operations x $0.05/M
    assert_eq!(total("azure-service-bus --requests 10000000"), 0.5);
    // Queues CFQ1: 30 M each way, 1 M included: $35.60
    assert_eq!(
        total("cloudflare-queues --writes 30000000 --reads 30000000 --deletes 30000000"),
        35.6
    );
    // S3: 1 M PUTs x $0.005/1,000 + 10 M GETs x $0.0004/1,000 + 100 GB x $0.023
    assert_eq!(total("aws-s3 --writes 1000000 --reads 10000000 --storage-gb 100"), 11.3);
    // SNS: 3 M publishes, 1 M free: $1.00
    assert_eq!(total("aws-sns --requests 3000000"), 1.0);
    // Step Functions Express, example SFN2: $0.01
    assert_eq!(
        total("aws-step-functions-express --requests 1000 --duration-ms 11300"),
        0.01
    );
    // surplus credits on their own: t3.nano at 100 % for 5 h, steady: 2 x 0.95 x 5 x $0.05
    assert_eq!(
        total("aws-ec2-cpu-credits --instance t3.nano --hours 5 --cpu-utilization 1"),
        0.48
    );
    // EBS1: gp3 2,000 GB, 10,000 IOPS, 500 MB/s for 12 h
    assert_eq!(
        total("aws-ebs --gb 2000 --hours 12 --iops 10000 --throughput 500"),
        3.63
    );
}

#[test]
fn tables_print_the_same_bill() {
    let (code, out, err) = run(&["quote", "aws-nat-gateway", "--hours", "730", "--gb", "2216.5"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("NAT gateway hours"), "{out}");
    assert!(out.contains("$32.85"), "{out}");
    assert!(out.contains("$132.59"), "{out}");
    let (code, out, _) = run(&["quote", "aws-data-transfer", "--gb-out", "1124"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("after 100 GB free (per account, all services and regions, monthly)"),
        "{out}"
    );
}

#[test]
fn bad_arguments_exit_2_naming_the_flag() {
    assert!(bad("aws-data-transfer --gb-out -5").contains("--gb-out"));
    assert!(bad("aws-data-transfer --gb-out NaN").contains("--gb-out"));
    assert!(bad("aws-data-transfer --gb-out 1e300").contains("--gb-out: 1e300 is out of range"));
    assert!(bad("aws-nat-gateway --hours inf").contains("--hours"));
    assert!(bad("aws-public-ipv4 --hours 730").contains("needs --addresses"));
    assert!(bad("aws-public-ipv4 --addresses 1.5 --hours 1").contains("--addresses"));
    assert!(bad("aws-ec2 --instance m7g.large --hours 730 --cpu-utilization 0.5").contains("not a burstable"));
    assert!(bad("aws-ec2 --instance t3.medium --hours 730 --cpu-utilization 1.5").contains("--cpu-utilization"));
    assert!(bad("aws-ec2 --instance t3.medium --hours 730 --ebs-gb 1e12").contains("--ebs-gb"));
    assert!(bad("aws-ebs --gb 30 --hours 730 --type st1").contains("--type: unknown volume type `st1`"));
    assert!(bad("aws-ebs --gb 30 --hours 730 --type gp2 --iops 4000").contains("no provisioned IOPS"));
    assert!(bad("aws-sqs --events 5").contains("--events does not apply to aws-sqs"));
    assert!(bad("aws-dynamodb").contains("aws-dynamodb needs a quantity: --reads, --writes, --storage-gb"));
    assert!(bad("aws-sqs --requests 1 --payload-kb 1e300").contains("--payload-kb"));
    assert!(bad("aws-lambda --requests 1 --duration-ms 1 --memory-mb 128 --gb-out 5").contains("--gb-out"));
    assert!(bad("aws-step-functions-express --requests 1").contains("--duration-ms"));
}
