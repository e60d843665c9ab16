//! Purchase options and currencies (issue 14): the Lambda savings-plan rule (duration and
//! provisioned concurrency discounted, requests never), Cloud Run committed use discounts
//! (CPU, memory and requests), the purchase options each service offers, and figures shown
//! in another currency at the catalog's dated reference rate.

mod common;
use common::breakeven;

fn quote(args: &[&str]) -> serde_json::Value {
    let mut a = vec!["quote"];
    a.extend_from_slice(args);
    a.push("--json");
    let (code, out, err) = breakeven(&a);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

fn line<'v>(v: &'v serde_json::Value, item: &str) -> &'v serde_json::Value {
    v["bill"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["item"] == item)
        .unwrap_or_else(|| panic!("no `{item}` in {v}"))
}

const LAMBDA: &[&str] = &[
    "aws-lambda",
    "--requests",
    "3000000",
    "--duration-ms",
    "120",
    "--memory-mb",
    "1536",
];

#[test]
fn a_lambda_savings_plan_discounts_duration_and_provisioned_concurrency_never_requests() {
    let on_demand = quote(LAMBDA);
    let mut args = LAMBDA.to_vec();
    args.extend(["--purchase", "savings-1y"]);
    let plan = quote(&args);
    // requests: 2 M after the free million at $0.20 a million, discounted or not
    assert_eq!(line(&plan, "Requests"), line(&on_demand, "Requests"));
    assert_eq!(line(&plan, "Requests")["amount_usd"], 0.4);
    // duration: 140,000 GB-s after the free 400,000, at $0.0000166667 x (1 - 12 %)
    let d = line(&plan, "Duration");
    assert_eq!(d["unit_price_usd"], 0.000014666696);
    assert_eq!(d["amount_usd"], 2.05); // 140,000 x 0.000014666696 = 2.0533
    assert_eq!(line(&on_demand, "Duration")["amount_usd"], 2.33);
    assert_eq!(plan["total_usd"], 2.45);
    // three years: the FAQ's "up to 17 %"; provisioned concurrency is discounted too
    let mut args = LAMBDA.to_vec();
    args.extend([
        "--purchase",
        "savings-3y",
        "--provisioned",
        "2",
        "--provisioned-hours",
        "730",
        "--no-free-tier",
    ]);
    let plan = quote(&args);
    // 2 x 1.5 GB x 2,628,000 s x $0.0000041667 x 0.83 = $27.27
    assert_eq!(line(&plan, "Provisioned concurrency")["amount_usd"], 27.27);
    assert_eq!(line(&plan, "Requests")["amount_usd"], 0.6);
    // no Spot for functions
    let mut args = vec!["quote"];
    args.extend_from_slice(LAMBDA);
    args.extend(["--purchase", "spot"]);
    let (code, _, err) = breakeven(&args);
    assert_eq!(code, 2);
    assert!(err.contains("AWS Lambda has no Spot pricing"), "{err}");
}

#[test]
fn a_cloud_run_committed_use_discount_covers_cpu_memory_and_requests() {
    // the contract's form: usage given as vCPU-seconds and GiB-seconds
    let base = [
        "gcp-cloud-run",
        "--vcpu-seconds",
        "1000000",
        "--gib-seconds",
        "2000000",
        "--requests",
        "3000000",
    ];
    let od = quote(&base);
    assert_eq!(od["total_usd"], 24.18); // 820,000 x 0.000024 + 1,640,000 x 0.0000025 + 1 M x 0.0000004
    let mut args = base.to_vec();
    args.extend(["--purchase", "cud-1y"]);
    let cud = quote(&args);
    // 17 % off each line, free tier first: 16.33 + 3.40 + 0.33
    assert_eq!(line(&cud, "CPU (request-based)")["unit_price_usd"], 0.00001992);
    assert_eq!(line(&cud, "Requests")["unit_price_usd"], 0.000000332);
    assert_eq!(cud["total_usd"], 20.06);
    // instance-based billing takes the flexible CUD: 46 % over three years
    let v = quote(&[
        "gcp-cloud-run",
        "--vcpu-seconds",
        "1000000",
        "--gib-seconds",
        "2000000",
        "--instance-based",
        "--no-free-tier",
        "--purchase",
        "cud-3y",
    ]);
    // (1,000,000 x 0.000018 + 2,000,000 x 0.000002) x 0.54 = 9.72 + 2.16
    assert_eq!(v["total_usd"], 11.88);
    // the usage is given one way or the other
    let (code, _, err) = breakeven(&[
        "quote",
        "gcp-cloud-run",
        "--vcpu-seconds",
        "1",
        "--gib-seconds",
        "1",
        "--requests",
        "1",
        "--duration-ms",
        "100",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("either as --vcpu-seconds and --gib-seconds or with --duration-ms"),
        "{err}"
    );
}

/// wholebill.md (Azure savings plan for compute): Container Apps is covered; the catalog's
/// 15 % / 17 % are a user's figures (Unverified). The plan discounts the vCPU and memory
/// meters, never requests, and is sized in dollars an hour at the plan's rates.
#[test]
fn an_azure_container_apps_savings_plan_discounts_vcpu_and_memory_never_requests() {
    let base = [
        "azure-container-apps",
        "--hours",
        "730",
        "--vcpu",
        "1",
        "--memory-gb",
        "2",
        "--requests",
        "3000000",
    ];
    let od = quote(&base);
    // 2,628,000 - 180,000 free vCPU-s x $0.000024 + 4,896,000 GiB-s x $0.000003 + 1 M x $0.0000004
    assert_eq!(line(&od, "vCPU (active)")["amount_usd"], 58.75);
    assert_eq!(od["total_usd"], 73.84);
    let mut args = base.to_vec();
    args.extend(["--purchase", "savings-1y"]);
    let plan = quote(&args);
    assert_eq!(line(&plan, "vCPU (active)")["unit_price_usd"], 0.0000204);
    assert_eq!(line(&plan, "vCPU (active)")["amount_usd"], 49.94); // 2,448,000 x 0.0000204
    assert_eq!(line(&plan, "Memory")["amount_usd"], 12.48); // 4,896,000 x 0.00000255
    assert_eq!(line(&plan, "Requests"), line(&od, "Requests"));
    assert_eq!(plan["total_usd"], 62.82);
    // sized: $0.05/h at 15 % off covers $0.05 / 0.85 of on-demand usage an hour
    args.extend(["--commitment-per-hour", "0.05"]);
    let c = quote(&args);
    assert_eq!(line(&c, "Covered by the commitment")["amount_usd"], -42.35); // 720 x 0.0588235
    assert_eq!(
        line(&c, "Commitment (1-year savings plan for compute)")["amount_usd"],
        36.0
    );
    assert_eq!(c["total_usd"], 67.49); // 73.84 - 42.35 + 36
    // West Europe's dearer rates under the 3-year plan's 17 %
    let mut args = base.to_vec();
    args.extend(["--purchase", "savings-3y", "--region", "westeurope"]);
    let we = quote(&args);
    assert_eq!(line(&we, "vCPU (active)")["unit_price_usd"], 0.00002822); // 0.000034 x 0.83
    assert_eq!(line(&we, "vCPU (active)")["amount_usd"], 69.08);
    // no Spot on Container Apps
    let mut args = vec!["quote"];
    args.extend_from_slice(&base);
    args.extend(["--purchase", "spot"]);
    let (code, _, err) = breakeven(&args);
    assert_eq!(code, 2);
    assert!(err.contains("Azure Container Apps has no Spot pricing"), "{err}");
}

/// A simulated Container Apps platform under a savings plan: its compute lines discounted,
/// the platform marked as priced with an assumption.
#[test]
fn a_simulated_container_app_under_a_savings_plan_is_discounted_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("aca.ron");
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "aca", horizon_days: 30.0, seed: 3,
    traffic: Traffic(components: [Constant(rps: 20.0)]),
    workload: Workload(duration_ms: Fixed(200.0), cpu_fraction: 0.5, cold_start_ms: Fixed(200.0)),
    platforms: [
        Container(name: "On demand", service: "azure-container-apps", vcpu: 1.0, memory_gb: 2.0,
            concurrency: 10, min_replicas: 1, max_replicas: 10),
        Container(name: "Plan", service: "azure-container-apps", vcpu: 1.0, memory_gb: 2.0,
            concurrency: 10, min_replicas: 1, max_replicas: 10, purchase: Savings3y),
    ])"#,
    )
    .unwrap();
    let (code, out, err) = breakeven(&["run", f.to_str().unwrap(), "--fast", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (od, sp) = (&v["platforms"][0], &v["platforms"][1]);
    let amount = |p: &serde_json::Value, item: &str| line(p, item)["amount_usd"].as_f64().unwrap();
    for item in ["vCPU (active)", "Memory"] {
        let (a, b) = (amount(od, item), amount(sp, item));
        assert!(a > 50.0 && (b - a * 0.83).abs() < 0.02, "{item}: {a} -> {b}");
    }
    assert_eq!(amount(sp, "Requests"), amount(od, "Requests"));
    assert_eq!(
        sp["unverified_prices"][0],
        "savings 3y (Azure Container Apps (Consumption))"
    );
    assert!(od["unverified_prices"].as_array().unwrap().is_empty());
}

#[test]
fn a_scenario_platform_asks_only_for_purchase_options_its_service_offers() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.ron");
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "p", horizon_days: 1.0, seed: 1,
    traffic: Traffic(components: [Constant(rps: 1.0)]),
    workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.5, cold_start_ms: Fixed(200.0)),
    platforms: [
        Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, purchase: Savings1y),
        Function(name: "Azure", service: "azure-functions", memory_mb: 512, purchase: Savings1y),
        Container(name: "Cloud Run", service: "gcp-cloud-run", vcpu: 1.0, memory_gb: 1.0, concurrency: 10,
            min_replicas: 0, max_replicas: 3, purchase: Spot),
    ])"#,
    )
    .unwrap();
    let (code, _, err) = breakeven(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("platforms[1].purchase")
            && err.contains("Azure Functions (Consumption) does not offer Savings1y; it offers: OnDemand"),
        "{err}"
    );
    assert!(
        err.contains("platforms[2].purchase")
            && err.contains("does not offer Spot; it offers: OnDemand, Savings1y, Savings3y"),
        "{err}"
    );
    assert!(!err.contains("platforms[0]"), "{err}");
}

#[test]
fn figures_are_shown_in_another_currency_at_the_dated_reference_rate() {
    let mut args = LAMBDA.to_vec();
    args.extend(["--currency", "EUR"]);
    let v = quote(&args);
    // every *_usd field stays in dollars; the total in euros beside it
    assert_eq!(v["total_usd"], 2.73);
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["exchange_rate"], 0.8908685969); // 1 / 1.1225 (ECB, 2 October 2026)
    assert_eq!(v["rate_date"], "2026-10-02");
    assert_eq!(v["total"], 2.43);
    assert_eq!(line(&v, "Duration")["amount_usd"], 2.33);
    // yen have no cents: 9.60 x 157.6748 = 1513.68
    let v = quote(&[
        "aws-lambda",
        "--requests",
        "3000000",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
        "--no-free-tier",
        "--currency",
        "jpy",
    ]);
    assert_eq!(v["total"], 1514.0);
    // a rate of one's own
    let mut args = LAMBDA.to_vec();
    args.extend(["--currency", "CHF", "--exchange-rate", "0.8"]);
    let v = quote(&args);
    assert_eq!(
        (v["exchange_rate"].clone(), v["rate_date"].clone(), v["total"].clone()),
        (0.8.into(), "given".into(), 2.18.into())
    );
    // a rate that would show every amount as nothing is refused (exit 2), naming the range
    let mut a = vec!["quote"];
    a.extend_from_slice(LAMBDA);
    a.extend(["--currency", "EUR", "--exchange-rate", "1e-300"]);
    let (code, out, err) = breakeven(&a);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("1e-300: an exchange rate (units of --currency per US dollar) is from 0.0001"),
        "{err}"
    );
    // US dollars at a rate other than one would print dollars beside a doubled total
    let mut a = vec!["quote"];
    a.extend_from_slice(LAMBDA);
    a.extend(["--currency", "usd", "--exchange-rate", "2"]);
    let (code, out, err) = breakeven(&a);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("with --currency USD leave the rate out"), "{err}");
    a.pop();
    a.push("1");
    let (code, _, err) = breakeven(&a);
    assert_eq!(code, 0, "{err}");
    // tables print the currency and say which rate
    let mut a = vec!["quote"];
    a.extend_from_slice(LAMBDA);
    a.extend(["--currency", "GBP"]);
    let (code, out, _) = breakeven(&a);
    assert_eq!(code, 0);
    assert!(
        out.contains("£2.07")
            && out.contains("Amounts in GBP at 0.757532294 per US dollar (reference rate of 2026-10-02"),
        "{out}"
    );
    // run --json: each platform's total in the currency beside total_usd
    let (code, out, err) = breakeven(&[
        "run",
        "scenarios/flash-sale.ron",
        "--fast",
        "--json",
        "--currency",
        "INR",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["currency"], "INR");
    let rate = v["exchange_rate"].as_f64().unwrap();
    assert!((rate - 108.1245 / 1.1225).abs() < 1e-6);
    for p in v["platforms"].as_array().unwrap() {
        let (usd, inr) = (p["total_usd"].as_f64().unwrap(), p["total"].as_f64().unwrap());
        assert!((inr - usd * rate).abs() <= 0.006 + usd * 1e-9, "{usd} -> {inr}");
    }
    // unknown currency: exit 2 naming what the table has
    let mut a = vec!["quote"];
    a.extend_from_slice(LAMBDA);
    a.extend(["--currency", "XYZ"]);
    let (code, out, err) = breakeven(&a);
    assert_eq!(code, 2);
    assert!(
        out.is_empty() && err.contains("no exchange rate for `XYZ`") && err.contains("BRL, CAD, CHF"),
        "{err}"
    );
}

#[test]
fn a_simulated_function_under_a_savings_plan_is_discounted_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("sp.ron");
    let platforms = |purchase: &str| {
        format!(
            r#"Scenario(version: 1, name: "sp", horizon_days: 30.0, seed: 3,
    traffic: Traffic(components: [Constant(rps: 5.0)]),
    workload: Workload(duration_ms: Fixed(200.0), cpu_fraction: 0.5, cold_start_ms: Fixed(200.0)),
    platforms: [Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, free_tier: false, purchase: {purchase})])"#
        )
    };
    let run = |purchase: &str| {
        std::fs::write(&f, platforms(purchase)).unwrap();
        let (code, out, err) = breakeven(&["run", f.to_str().unwrap(), "--fast", "--json"]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["platforms"][0].clone()
    };
    let (od, sp) = (run("OnDemand"), run("Savings3y"));
    let item = |p: &serde_json::Value, name: &str| {
        p["bill"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["item"] == name)
            .unwrap()
            .clone()
    };
    // 12,960,000 requests at $0.20 a million either way; duration 17 % less
    assert_eq!(item(&sp, "Requests")["amount_usd"], item(&od, "Requests")["amount_usd"]);
    let (d_od, d_sp) = (
        item(&od, "Duration")["amount_usd"].as_f64().unwrap(),
        item(&sp, "Duration")["amount_usd"].as_f64().unwrap(),
    );
    assert!((d_sp - d_od * 0.83).abs() < 0.011, "{d_od} -> {d_sp}");
    assert!(
        item(&sp, "Duration")["note"]
            .as_str()
            .unwrap()
            .contains("3-year Compute Savings Plan: 17% off")
    );
    // the discount is an assumption: the platform is marked
    assert_eq!(sp["unverified_prices"][0], "savings 3y (AWS Lambda)");
    assert!(od["unverified_prices"].as_array().unwrap().is_empty());
}

/// wholebill.md CRCUD1 (Google's blog on Cloud Run CUDs): commit $1/h at 17 %; an hour with
/// $1.50 of on-demand usage costs 1 x 83 % + (1.5 - 1) = $1.33. A month of such hours:
/// 720 x $1.33. A savings plan is sized at its own rates instead.
#[test]
fn a_commitment_in_dollars_an_hour_is_billed_as_the_providers_bill_it() {
    let v = quote(&[
        "gcp-cloud-run",
        "--vcpu-seconds",
        "45000000", // x $0.000024 = $1,080 = $1.50 in each of 720 hours
        "--gib-seconds",
        "0",
        "--requests",
        "0",
        "--no-free-tier",
        "--purchase",
        "cud-1y",
        "--commitment-per-hour",
        "1",
    ]);
    assert_eq!(v["total_usd"], 957.6);
    assert_eq!(line(&v, "Covered by the commitment")["amount_usd"], -720.0);
    assert_eq!(
        line(&v, "Commitment (1-year committed use discount)")["amount_usd"],
        597.6
    );
    // a commitment larger than the usage is still paid in full: $2/h covers all $1.50
    let v = quote(&[
        "gcp-cloud-run",
        "--vcpu-seconds",
        "45000000",
        "--gib-seconds",
        "0",
        "--requests",
        "0",
        "--no-free-tier",
        "--purchase",
        "cud-1y",
        "--commitment-per-hour",
        "2",
    ]);
    assert_eq!(v["total_usd"], 1195.2); // 720 x $2 x 0.83 > the $1,080 on demand
    // EC2 m7g.large all month under a $0.05/h savings plan at 32 % off: it covers
    // $0.05 / 0.68 of on-demand usage an hour, and costs $0.05 an hour
    let v = quote(&[
        "aws-ec2",
        "--instance",
        "m7g.large",
        "--hours",
        "720",
        "--purchase",
        "savings-1y",
        "--commitment-per-hour",
        "0.05",
    ]);
    let od: f64 = 58.75; // 720 x 0.0816 = 58.752
    let covered = (0.05f64 / 0.68 * 720.0 * 100.0).round() / 100.0; // 52.94
    assert_eq!(line(&v, "Covered by the commitment")["amount_usd"], -covered);
    let want = ((od - covered + 36.0) * 100.0f64).round() / 100.0;
    assert_eq!(v["total_usd"], want);
    // a commitment needs a commitment purchase
    let (code, _, err) = breakeven(&[
        "quote",
        "aws-ec2",
        "--instance",
        "m7g.large",
        "--hours",
        "720",
        "--commitment-per-hour",
        "0.05",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("a commitment needs --purchase"), "{err}");
}

/// A scenario platform under a commitment: a fixed EC2 instance all month is billed as the
/// quote above (its usage is the same every hour); one without a commitment purchase is a
/// problem at the field.
#[test]
fn a_simulated_commitment_is_billed_hour_by_hour() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.ron");
    let text = |purchase: &str| {
        format!(
            r#"Scenario(version: 1, name: "c", horizon_days: 30.0, seed: 3,
    traffic: Traffic(components: [Constant(rps: 1.0)]),
    workload: Workload(duration_ms: Fixed(50.0), cpu_fraction: 0.2, cold_start_ms: Fixed(200.0)),
    platforms: [Vm(name: "EC2", service: "aws-ec2", instance: "m7g.large", concurrency: 100,
        min_instances: 1, max_instances: 1, purchase: {purchase}, commitment_usd_per_hour: 0.05)])"#
        )
    };
    std::fs::write(&f, text("Savings1y")).unwrap();
    let (code, out, err) = breakeven(&["run", f.to_str().unwrap(), "--fast", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p = &v["platforms"][0];
    assert_eq!(line(p, "Instance hours")["amount_usd"], 58.75); // 720 x 0.0816, on demand
    assert_eq!(line(p, "Covered by the commitment")["amount_usd"], -52.94); // 0.05 / 0.68 an hour
    assert_eq!(line(p, "Commitment (1-year savings plan)")["amount_usd"], 36.0);
    std::fs::write(&f, text("OnDemand")).unwrap();
    let (code, _, err) = breakeven(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("platforms[0].commitment_usd_per_hour: a commitment needs purchase: Savings1y or Savings3y"),
        "{err}"
    );
}

/// A negotiated discount takes its share off the whole bill of each platform of that
/// provider, after the catalog's discounts; other providers' bills are untouched.
#[test]
fn a_negotiated_discount_comes_off_the_providers_whole_bills() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.ron");
    let text = |discounts: &str| {
        format!(
            r#"Scenario(version: 1, name: "d", horizon_days: 30.0, seed: 3, {discounts}
    traffic: Traffic(components: [Constant(rps: 5.0)]),
    workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.3, cold_start_ms: Fixed(200.0), response_kb: 20.0),
    platforms: [
        Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, front_door: ApiGatewayHttp),
        Container(name: "Cloud Run", service: "gcp-cloud-run", vcpu: 1.0, memory_gb: 0.5, concurrency: 20,
            min_replicas: 0, max_replicas: 5),
    ])"#
        )
    };
    let totals = |discounts: &str| {
        std::fs::write(&f, text(discounts)).unwrap();
        let (code, out, err) = breakeven(&["run", f.to_str().unwrap(), "--fast", "--json"]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["platforms"].as_array().unwrap().clone()
    };
    let list = totals("");
    let deal = totals("discounts: [ProviderDiscount(provider: \"aws\", discount_pct: 10.0)],");
    let before = list[0]["total_usd"].as_f64().unwrap();
    // a line per category, each 10 % of that category (rounded to the cent), so no
    // category of the bill goes below zero
    let lines = deal[0]["bill"].as_array().unwrap();
    let off: Vec<&serde_json::Value> = lines.iter().filter(|l| l["item"] == "Negotiated discount").collect();
    let cats = deal[0]["cost_by_category"].as_object().unwrap();
    assert_eq!(off.len(), cats.len(), "{cats:?}");
    assert!(cats.len() >= 2, "network egress as well as compute: {cats:?}");
    for (c, after) in cats {
        let before_c = list[0]["cost_by_category"][c].as_f64().unwrap();
        let d = off
            .iter()
            .find(|l| l["category"].as_str().unwrap_or("compute") == c)
            .unwrap();
        assert_eq!(
            d["amount_usd"].as_f64().unwrap(),
            -((before_c * 10.0).round() / 100.0),
            "{c}"
        );
        assert!((after.as_f64().unwrap() - before_c * 0.9).abs() < 0.006, "{c}: {after}");
    }
    let d = line(&deal[0], "Negotiated discount");
    assert!(
        d["note"]
            .as_str()
            .unwrap()
            .starts_with("10% off this bill's compute (a negotiated discount on aws)")
    );
    assert!((deal[0]["total_usd"].as_f64().unwrap() - before * 0.9).abs() < 0.011);
    assert_eq!(deal[1]["total_usd"], list[1]["total_usd"]);
    // one per provider, a known provider, 0 to 100 %
    std::fs::write(
        &f,
        text("discounts: [ProviderDiscount(provider: \"oracle\", discount_pct: 5.0), ProviderDiscount(provider: \"gcp\", discount_pct: 150.0)],"),
    )
    .unwrap();
    let (code, _, err) = breakeven(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "discounts[0].provider: unknown provider `oracle`; a discount names one of: aws, gcp, azure, cloudflare"
        ),
        "{err}"
    );
    assert!(err.contains("discounts[1].discount_pct"), "{err}");
}

/// Fargate Spot at its typical observed discount (67 %: $0.01334053 against $0.04048 per
/// vCPU-hour), not AWS's "up to 70 %", on vCPU and memory alike.
#[test]
fn fargate_spot_is_priced_at_the_typical_observed_discount() {
    let args = ["aws-fargate", "--task-hours", "720", "--vcpu", "1", "--memory-gb", "2"];
    let od = quote(&args);
    let mut spot_args = args.to_vec();
    spot_args.extend(["--purchase", "spot"]);
    let spot = quote(&spot_args);
    // 720 h x 1 vCPU x $0.04048 = $29.15; 720 h x 2 GB x $0.004445 = $6.40
    assert_eq!(od["total_usd"].as_f64().unwrap(), 35.54);
    assert_eq!(line(&spot, "vCPU")["amount_usd"].as_f64().unwrap(), 9.62);
    assert_eq!(line(&spot, "Memory")["amount_usd"].as_f64().unwrap(), 2.11);
    assert_eq!(spot["total_usd"].as_f64().unwrap(), 11.73);
    let note = line(&spot, "vCPU")["note"].as_str().unwrap();
    assert!(
        note.contains("67% off") && note.contains("typical observed rate"),
        "{note}"
    );
}
