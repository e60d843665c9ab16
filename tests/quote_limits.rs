//! `quote` at the edges: volumes whose usage passes u64, fractional counts, values that
//! are not numbers, and flags a service does not read. Each is exit 2 with a message
//! naming the flag or the quantity; a quote that succeeds is exact.

mod common;
use common::breakeven as run;

fn quote(args: &[&str]) -> (i32, String, String) {
    let mut v = vec!["quote"];
    v.extend_from_slice(args);
    run(&v)
}

fn total(args: &[&str]) -> f64 {
    let mut v = args.to_vec();
    v.push("--json");
    let (code, out, err) = quote(&v);
    assert_eq!(code, 0, "{args:?}: {err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    j["total_usd"].as_f64().unwrap()
}

#[test]
fn billed_time_past_u64_is_an_error_naming_the_flags() {
    // 1e15 requests x 900,000 ms = 9e20 billed ms: before, capped at 1.8e19 and billed
    // about 50 times too little
    let (code, out, err) = quote(&[
        "aws-lambda",
        "--requests",
        "1e15",
        "--duration-ms",
        "900000",
        "--memory-mb",
        "1024",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        err.trim(),
        "error: --requests 1e15 x --duration-ms 900000: billed milliseconds overflow (more than 1.8e19 ms); reduce the volume"
    );
    let (code, _, err) = quote(&[
        "azure-functions",
        "--requests",
        "1e15",
        "--duration-ms",
        "10000",
        "--memory-mb",
        "1536",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--requests 1e15 x --duration-ms 10000 x --memory-mb 1536: execution units overflow (more than 1.8e19 MB-ms)"),
        "{err}"
    );
    let (code, _, err) = quote(&["cloudflare-workers", "--requests", "1e15", "--cpu-ms", "300000"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--requests 1e15 x --cpu-ms 300000: CPU milliseconds overflow"),
        "{err}"
    );
    let (code, _, err) = quote(&["gcp-cloud-run", "--requests", "1e15", "--duration-ms", "3600000"]);
    assert_eq!(code, 2);
    assert!(err.contains("billable instance milliseconds overflow"), "{err}");
}

#[test]
fn volumes_just_inside_the_limit_are_billed_exactly() {
    // 1e13 requests x 900,000 ms = 9e18 ms (inside u64) at 1024 MB: 9e15 GB-s. Tiers per
    // month: 6e9 GB-s at $0.0000166667, 9e9 at $0.0000150000, the rest at $0.0000133334.
    let t = total(&[
        "aws-lambda",
        "--requests",
        "1e13",
        "--duration-ms",
        "900000",
        "--memory-mb",
        "1024",
        "--no-free-tier",
    ]);
    let expected = 1e13 * 0.0000002 + 6e9 * 0.0000166667 + 9e9 * 0.000015 + (9e15 - 15e9) * 0.0000133334;
    assert!((t - expected).abs() < 1.0, "{t} vs {expected}");
    // API Gateway HTTP meters each call per started 512 KB: 1e15 calls of 10,000,000 KB
    // are 19,532 metered requests each, 1.9532e19 in all, past u64; billed exactly, not
    // capped: the first 300 million at $1.00 per million, the rest at $0.90.
    let t = total(&["aws-api-gateway-http", "--requests", "1e15", "--request-kb", "10000000"]);
    let metered = 1e15 * 19_532.0;
    let expected = 300.0 + (metered - 3e8) * 0.9e-6;
    assert!((t - expected).abs() / expected < 1e-12, "{t} vs {expected}");
    // a whole number may be written with an exponent
    let a = total(&[
        "aws-lambda",
        "--requests",
        "3e6",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
    ]);
    let b = total(&[
        "aws-lambda",
        "--requests",
        "3000000",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
    ]);
    assert_eq!(a, 2.73);
    assert_eq!(a, b);
}

#[test]
fn fractional_counts_are_rejected_not_truncated() {
    for (flag, args) in [
        (
            "--provisioned",
            &[
                "aws-lambda",
                "--requests",
                "1000",
                "--duration-ms",
                "100",
                "--memory-mb",
                "512",
                "--provisioned",
                "2.5",
                "--provisioned-hours",
                "24",
            ][..],
        ),
        (
            "--requests",
            &[
                "aws-lambda",
                "--requests",
                "1.5",
                "--duration-ms",
                "100",
                "--memory-mb",
                "512",
            ][..],
        ),
        (
            "--memory-mb",
            &[
                "aws-lambda",
                "--requests",
                "10",
                "--duration-ms",
                "100",
                "--memory-mb",
                "512.5",
            ][..],
        ),
        (
            "--concurrency",
            &[
                "gcp-cloud-run",
                "--requests",
                "10",
                "--duration-ms",
                "100",
                "--concurrency",
                "7.9",
            ][..],
        ),
        (
            "--always-ready",
            &[
                "azure-functions-flex",
                "--requests",
                "10",
                "--duration-ms",
                "100",
                "--always-ready",
                "0.5",
            ][..],
        ),
    ] {
        let (code, out, err) = quote(args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(err.contains("is not a whole number"), "{args:?}: {err}");
    }
}

#[test]
fn negative_nan_and_infinite_values_name_the_flag() {
    for (flag, value, why) in [
        ("--duration-ms", "-1", "is negative"),
        ("--duration-ms", "NaN", "is not a finite number"),
        ("--duration-ms", "inf", "is not a finite number"),
        ("--requests", "-5", "is negative"),
        ("--requests", "1e400", "is not a finite number"),
        ("--memory-mb", "twelve", "is not a number"),
    ] {
        let mut args = vec![
            "aws-lambda",
            "--requests",
            "10",
            "--duration-ms",
            "100",
            "--memory-mb",
            "512",
        ];
        let i = args.iter().position(|a| *a == flag).unwrap();
        args[i + 1] = value;
        let (code, _, err) = quote(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(flag) && err.contains(why), "{args:?}: {err}");
    }
    for (service, flag) in [("aws-ec2", "--hours"), ("aws-fargate", "--vcpu"), ("aws-alb", "--lcu")] {
        let (code, _, err) = quote(&[service, flag, "-0.5"]);
        assert_eq!(code, 2, "{service} {flag}");
        assert!(err.contains(flag) && err.contains("is negative"), "{err}");
    }
}

#[test]
fn flags_a_service_does_not_read_are_rejected() {
    let (code, out, err) = quote(&[
        "aws-fargate",
        "--task-hours",
        "25",
        "--vcpu",
        "1",
        "--memory-gb",
        "2",
        "--cpu-ms",
        "7",
    ]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        err.trim(),
        "error: --cpu-ms does not apply to aws-fargate; it takes: --task-hours, --vcpu, --memory-gb, \
         --ephemeral-gb, --arch, --windows, --purchase, --commitment-per-hour"
    );
    let (code, _, err) = quote(&[
        "cloudflare-workers",
        "--requests",
        "10",
        "--cpu-ms",
        "7",
        "--memory-mb",
        "128",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--memory-mb does not apply to cloudflare-workers; it takes: --requests, --cpu-ms"),
        "{err}"
    );
    let (code, _, err) = quote(&[
        "aws-lambda",
        "--requests",
        "10",
        "--duration-ms",
        "100",
        "--memory-mb",
        "512",
        "--windows",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--windows does not apply to aws-lambda"), "{err}");
    // every quote takes --no-free-tier ($5 subscription + 15 M requests at $0.30 per
    // million + 105 M CPU-ms at $0.02 per million); an unknown service is still named first
    assert_eq!(
        total(&[
            "cloudflare-workers",
            "--requests",
            "15000000",
            "--cpu-ms",
            "7",
            "--no-free-tier"
        ]),
        11.6
    );
    let (code, _, err) = quote(&["aws-nothing", "--cpu-ms", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown service `aws-nothing`"), "{err}");
}

#[test]
fn a_run_whose_usage_overflows_exits_2_naming_the_quantity() {
    let (code, out, err) = run(&["run", "tests/fixtures/degenerate/usage-overflow.ron", "--fast"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        err.trim(),
        "error: Azure: execution units overflow (more than 1.8e19 MB-ms over the horizon); \
         reduce the traffic or the horizon"
    );
}

/// A quote is held to the task sizes Fargate sells, as a scenario is (it priced 0.3 vCPU
/// with 7.77 GB, which `check` refuses).
#[test]
fn fargate_quotes_take_only_the_sizes_fargate_sells() {
    let (code, _, err) = run(&[
        "quote",
        "aws-fargate",
        "--vcpu",
        "0.3",
        "--memory-gb",
        "2",
        "--task-hours",
        "720",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--vcpu: AWS Fargate offers these vCPU sizes: 0.25, 0.5, 1"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "quote",
        "aws-fargate",
        "--vcpu",
        "0.5",
        "--memory-gb",
        "7.77",
        "--task-hours",
        "720",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--memory-gb: with 0.5 vCPU, AWS Fargate allows 1 to 4 GB"),
        "{err}"
    );
    let (code, out, err) = run(&[
        "quote",
        "aws-fargate",
        "--vcpu",
        "0.5",
        "--memory-gb",
        "2",
        "--task-hours",
        "720",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Total"), "{out}");
}
