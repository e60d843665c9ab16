//! The providers' official worked examples, reproduced to the cent through the public
//! billing API (usage records) — see ../shared/reference/pricing.md §8.

use breakeven::billing::{
    AlbUsage, ApiGatewayHttpUsage, ApiGatewayRestUsage, AzureFunctionsUsage, Bill, BillOptions, FargateUsage,
    LambdaUsage, Os, Usage, WorkersUsage, bill,
};
use breakeven::pricing::{Arch, Catalog};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn priced(service: &str, u: Usage, free_tier: bool) -> Bill {
    let cat = Catalog::builtin().expect("built-in catalog");
    let svc = cat.get(service).expect("service in catalog");
    bill(
        svc,
        &u,
        &BillOptions {
            free_tier,
            ..BillOptions::default()
        },
    )
    .expect("bill")
}

fn amount(b: &Bill, item: &str) -> Decimal {
    b.lines
        .iter()
        .find(|l| l.item == item)
        .unwrap_or_else(|| panic!("no line {item} in {b:#?}"))
        .amount_usd
}

#[test]
fn lambda_example_1_mobile_backend() {
    // 3M requests x 120 ms, 1536 MB, x86, free tier applied: $2.33 + $0.40 = $2.73
    let b = priced(
        "aws-lambda",
        Usage::Lambda(LambdaUsage {
            arch: Arch::X86_64,
            memory_mb: 1536,
            on_demand_requests: 3_000_000,
            on_demand_billed_ms: 3_000_000 * 120,
            ephemeral_mb: 512,
            ..Default::default()
        }),
        true,
    );
    assert_eq!(amount(&b, "Duration"), d("2.33"));
    assert_eq!(amount(&b, "Requests"), d("0.40"));
    assert_eq!(b.total_usd(), d("2.73"));
    let dur = b.lines.iter().find(|l| l.item == "Duration").unwrap();
    assert_eq!(dur.quantity, d("140000"));
}

#[test]
fn lambda_example_2_telemetry_without_free_tier() {
    // 7.44M x 2 s at 1 GB, no free tier: $1.49 + $248.00 = $249.49
    let b = priced(
        "aws-lambda",
        Usage::Lambda(LambdaUsage {
            memory_mb: 1024,
            on_demand_requests: 7_440_000,
            on_demand_billed_ms: 7_440_000 * 2000,
            ephemeral_mb: 512,
            ..Default::default()
        }),
        false,
    );
    assert_eq!(amount(&b, "Requests"), d("1.49"));
    assert_eq!(amount(&b, "Duration"), d("248.00"));
    assert_eq!(b.total_usd(), d("249.49"));
}

#[test]
fn lambda_example_3_ephemeral_storage() {
    // 6M x 280 ms, 4096 MB, 2048 MB ephemeral: $105.33 + $1.00 + $0.08 = $106.41
    let b = priced(
        "aws-lambda",
        Usage::Lambda(LambdaUsage {
            memory_mb: 4096,
            on_demand_requests: 6_000_000,
            on_demand_billed_ms: 6_000_000 * 280,
            ephemeral_mb: 2048,
            ..Default::default()
        }),
        true,
    );
    assert_eq!(amount(&b, "Duration"), d("105.33"));
    assert_eq!(amount(&b, "Requests"), d("1.00"));
    assert_eq!(amount(&b, "Ephemeral storage"), d("0.08"));
    assert_eq!(b.total_usd(), d("106.41"));
}

#[test]
fn lambda_provisioned_example_1_launch_day() {
    // PC 100 x 1536 MB for 8 h; 500k requests at 100 ms on PC; 2.5M at 120 ms on demand.
    let b = priced(
        "aws-lambda",
        Usage::Lambda(LambdaUsage {
            memory_mb: 1536,
            on_demand_requests: 2_500_000,
            provisioned_requests: 500_000,
            on_demand_billed_ms: 2_500_000 * 120,
            provisioned_billed_ms: 500_000 * 100,
            provisioned_concurrency: 100,
            provisioned_enabled_s: 8 * 3600,
            ephemeral_mb: 512,
            ..Default::default()
        }),
        true,
    );
    assert_eq!(amount(&b, "Provisioned concurrency"), d("18.00"));
    assert_eq!(amount(&b, "Requests"), d("0.40"));
    assert_eq!(amount(&b, "Duration (provisioned)"), d("0.73"));
    assert_eq!(amount(&b, "Duration"), d("0.83"));
    assert_eq!(b.total_usd(), d("19.96"));
}

#[test]
fn lambda_provisioned_example_2_cyber_monday() {
    // PC 7 x 4096 MB for 24 h, 2M requests at 280 ms all on PC: no free tier applies.
    let b = priced(
        "aws-lambda",
        Usage::Lambda(LambdaUsage {
            memory_mb: 4096,
            provisioned_requests: 2_000_000,
            provisioned_billed_ms: 2_000_000 * 280,
            provisioned_concurrency: 7,
            provisioned_enabled_s: 24 * 3600,
            ephemeral_mb: 512,
            ..Default::default()
        }),
        true,
    );
    assert_eq!(amount(&b, "Provisioned concurrency"), d("10.08"));
    assert_eq!(amount(&b, "Duration (provisioned)"), d("21.78"));
    assert_eq!(amount(&b, "Requests"), d("0.40"));
    assert_eq!(b.total_usd(), d("32.26"));
}

#[test]
fn lambda_provisioned_time_rounds_up_to_five_minutes() {
    let u = |s| {
        Usage::Lambda(LambdaUsage {
            memory_mb: 1024,
            provisioned_concurrency: 1000,
            provisioned_enabled_s: s,
            ephemeral_mb: 512,
            ..Default::default()
        })
    };
    let a = priced("aws-lambda", u(301), false);
    let b = priced("aws-lambda", u(600), false);
    assert_eq!(
        amount(&a, "Provisioned concurrency"),
        amount(&b, "Provisioned concurrency")
    );
    let c = priced("aws-lambda", u(300), false);
    assert!(amount(&c, "Provisioned concurrency") < amount(&a, "Provisioned concurrency"));
}

#[test]
fn lambda_arm_uses_graviton_rate_and_volume_tiers_apply() {
    // Durable Functions example compute line: 31.6M GB-s x $0.0000133334 = $421.34 (Arm)
    let b = priced(
        "aws-lambda",
        Usage::Lambda(LambdaUsage {
            arch: Arch::Arm64,
            memory_mb: 1024,
            on_demand_requests: 2_000_000,
            on_demand_billed_ms: 1_000_000 * 32_000,
            ephemeral_mb: 512,
            ..Default::default()
        }),
        true,
    );
    assert_eq!(amount(&b, "Duration"), d("421.34"));
    assert_eq!(amount(&b, "Requests"), d("0.20"));
    // 7 billion GB-s on x86: 6B at tier 1 + 1B at tier 2.
    let big = priced(
        "aws-lambda",
        Usage::Lambda(LambdaUsage {
            memory_mb: 1024,
            on_demand_billed_ms: 7_000_000_000_000,
            ephemeral_mb: 512,
            ..Default::default()
        }),
        false,
    );
    assert_eq!(amount(&big, "Duration, tier 1"), d("100000.20"));
    assert_eq!(amount(&big, "Duration, tier 2"), d("15000.00"));
}

#[test]
fn api_gateway_http_examples() {
    // Example 1: 432M requests of 58 KB: $300 + $118.80 = $418.80
    let b = priced(
        "aws-api-gateway-http",
        Usage::ApiGatewayHttp(ApiGatewayHttpUsage {
            requests: 432_000_000,
            kb_per_request: 58.0,
        }),
        true,
    );
    assert_eq!(b.total_usd(), d("418.80"));
    // Example 2: 25 uploads/min of 4.5 MB, metered in 512 KB steps: 9,720,000 x $1/M
    let calls = 25 * 60 * 24 * 30;
    let b = priced(
        "aws-api-gateway-http",
        Usage::ApiGatewayHttp(ApiGatewayHttpUsage {
            requests: calls,
            kb_per_request: 4.5 * 1024.0,
        }),
        true,
    );
    assert_eq!(b.lines[0].quantity, d("9720000"));
    assert_eq!(b.total_usd(), d("9.72"));
}

#[test]
fn api_gateway_rest_examples() {
    let b = priced(
        "aws-api-gateway-rest",
        Usage::ApiGatewayRest(ApiGatewayRestUsage {
            requests: 5_000_000,
            response_kb: 3.0,
        }),
        true,
    );
    assert_eq!(amount(&b, "API requests (REST API)"), d("17.50"));
    assert_eq!(amount(&b, "Data transfer out"), d("1.29"));
    assert_eq!(b.total_usd(), d("18.79"));
    let b = priced(
        "aws-api-gateway-rest",
        Usage::ApiGatewayRest(ApiGatewayRestUsage {
            requests: 15_000_000_000,
            response_kb: 4.0,
        }),
        true,
    );
    assert_eq!(amount(&b, "API requests (REST API), tier 1"), d("1165.50"));
    assert_eq!(amount(&b, "API requests (REST API), tier 2"), d("1867.60"));
    assert_eq!(amount(&b, "API requests (REST API), tier 3"), d("33320.00"));
    assert_eq!(amount(&b, "Data transfer out"), d("5149.84"));
    assert_eq!(b.total_usd(), d("41502.94"));
}

fn fargate(tasks: u64, secs_per_day: u64, vcpu: &str, mem: &str, eph: &str, arch: Arch, os: Os) -> Bill {
    priced(
        "aws-fargate",
        Usage::Fargate(FargateUsage {
            arch,
            os,
            vcpu: d(vcpu),
            memory_gb: d(mem),
            ephemeral_gb: d(eph),
            task_seconds: tasks * secs_per_day * 30,
            purchase: Default::default(),
        }),
        true,
    )
}

#[test]
fn fargate_examples() {
    let b = fargate(5, 600, "1", "2", "30", Arch::X86_64, Os::Linux);
    assert_eq!(
        (
            amount(&b, "vCPU"),
            amount(&b, "Memory"),
            amount(&b, "Ephemeral storage")
        ),
        (d("1.01"), d("0.22"), d("0.03"))
    );
    assert_eq!(b.total_usd(), d("1.26"));
    let b = fargate(5, 600, "1", "2", "30", Arch::Arm64, Os::Linux);
    assert_eq!(b.total_usd(), d("1.02"));
    let b = fargate(10, 3600, "0.25", "1", "20", Arch::X86_64, Os::Linux);
    assert_eq!((amount(&b, "vCPU"), amount(&b, "Memory")), (d("3.04"), d("1.33")));
    assert_eq!(b.total_usd(), d("4.37"));
    let b = fargate(10, 3600, "1", "2", "20", Arch::X86_64, Os::Windows);
    assert_eq!(amount(&b, "vCPU"), d("27.45"));
    assert_eq!(amount(&b, "Windows OS licence"), d("13.80"));
    assert_eq!(amount(&b, "Memory"), d("6.00"));
    assert_eq!(b.total_usd(), d("47.25"));
}

#[test]
fn cloudflare_workers_examples() {
    let w = |requests, cpu_ms| {
        priced(
            "cloudflare-workers",
            Usage::Workers(WorkersUsage { requests, cpu_ms }),
            true,
        )
        .total_usd()
    };
    assert_eq!(w(15_000_000, 7 * 15_000_000), d("8.00"));
    assert_eq!(w(3_000_000, 7 * 3_000_000), d("5.00"));
    assert_eq!(w(720, 180_000 * 720), d("6.99"));
    assert_eq!(w(100_000_000, 7 * 100_000_000), d("45.40"));
}

#[test]
fn azure_functions_consumption_example() {
    // 3M executions x 1 s x 512 MB with the free grant: $17.60 + $0.40 = $18.00
    let b = priced(
        "azure-functions",
        Usage::AzureFunctions(AzureFunctionsUsage {
            executions: 3_000_000,
            mb_ms: 3_000_000 * 1000 * 512,
        }),
        true,
    );
    assert_eq!(amount(&b, "Execution time"), d("17.60"));
    assert_eq!(b.total_usd(), d("18.00"));
    // Microsoft's metric conversion: 1.11e9 MB-ms = 1,083.98 GB-s
    let b = priced(
        "azure-functions",
        Usage::AzureFunctions(AzureFunctionsUsage {
            executions: 0,
            mb_ms: 1_110_000_000,
        }),
        false,
    );
    assert_eq!(b.lines[1].quantity.round_dp(2), d("1083.98"));
}

#[test]
fn alb_hours_plus_capacity_units() {
    // 1.08 LCU every hour for 720 hours: $16.20 + $6.22
    let b = priced(
        "aws-alb",
        Usage::Alb(AlbUsage {
            hours: 720,
            lcu_hours: d("1.08") * Decimal::from(720),
        }),
        true,
    );
    assert_eq!(amount(&b, "Load balancer hours"), d("16.20"));
    assert_eq!(amount(&b, "Load balancer capacity units"), d("6.22"));
    assert_eq!(b.total_usd(), d("22.42"));
}

#[test]
fn free_tier_scales_with_the_period_and_can_be_switched_off() {
    let cat = Catalog::builtin().unwrap();
    let svc = cat.get("aws-lambda").unwrap();
    let u = Usage::Lambda(LambdaUsage {
        memory_mb: 1024,
        on_demand_requests: 1_000_000,
        on_demand_billed_ms: 0,
        ephemeral_mb: 512,
        ..Default::default()
    });
    let month = bill(svc, &u, &BillOptions::new(true, 30.0)).unwrap();
    assert_eq!(month.total_usd(), d("0"));
    let half = bill(svc, &u, &BillOptions::new(true, 15.0)).unwrap();
    assert_eq!(half.total_usd(), d("0.10"));
    let off = bill(svc, &u, &BillOptions::new(false, 30.0)).unwrap();
    assert_eq!(off.total_usd(), d("0.20"));
}

#[test]
fn mismatched_usage_is_an_error_not_a_panic() {
    let cat = Catalog::builtin().unwrap();
    let svc = cat.get("aws-ec2").unwrap();
    assert!(bill(svc, &Usage::FunctionUrl { requests: 1 }, &BillOptions::default()).is_err());
}
