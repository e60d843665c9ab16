//! The command line: a thin shell over the core. Parses arguments (clap), calls the core,
//! prints tables or JSON, and maps errors to exit codes: 0 success, 2 bad input, 1
//! internal error. See `../shared/contract/cli.md` for the stable forms.

mod buying;
mod run;
mod table;

use crate::analysis;
use crate::billing::Bill;
use crate::model::{self, Purchase};
use crate::pricing::{self, Arch, Catalog};
use crate::quote::{QuoteInput, quote};
use crate::sim::{self, Control, Mode, SimError, SimResult, TraceStore};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "breakeven",
    version,
    about = "Is serverless cheaper and good enough for this traffic? Cost and capacity planning across functions, containers and VMs.",
    long_about = None,
    after_help = "Without a command, opens the desktop application (on FILE when one is given, as a \
file manager does on a double-click; each launch opens its own window).\n\n\
Examples:\n  \
breakeven                                   open the window on the last scenario (or the built-in one)\n  \
breakeven scenarios/flash-sale.ron          open the window on this scenario\n  \
breakeven lambda-report.log.gz              open the window on a preview of these logs (File > Import logs)\n  \
breakeven run scenarios/steady-high.ron --fast\n  \
breakeven help run                          a command's options and an example"
)]
pub struct Cli {
    /// Folder of price files (*.ron) that override or add to the built-in catalog.
    #[arg(long, global = true, value_name = "DIR")]
    pub pricing: Option<PathBuf>,
    /// A scenario to open in the desktop application (or logs to import there, with a
    /// preview).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Price an average month on one service, the way the providers' calculators do.
    #[command(
        allow_negative_numbers = true,
        after_help = "Examples:\n  \
breakeven quote aws-lambda --requests 3000000 --duration-ms 120 --memory-mb 1536\n  \
breakeven quote aws-ec2 --instance t3.medium --hours 730 --cpu-utilization 0.5 --json"
    )]
    Quote(QuoteArgs),
    /// Validate scenario and pricing files.
    #[command(
        after_help = "Exit code 0 when every file is valid, 2 otherwise (each problem with its file, line and column).\n\n\
Example:\n  breakeven check scenarios/*.ron pricing/*.ron"
    )]
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Cost curves against traffic (or memory, duration, burstiness) and break-even points.
    #[command(after_help = "Examples:\n  \
breakeven sweep scenarios/startup-launch.ron\n  \
breakeven sweep scenarios/saas-backend.ron --workload api --json")]
    Sweep {
        file: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// What to vary.
        #[arg(long, value_enum, default_value = "traffic")]
        axis: AxisArg,
        /// Grid points (crossovers are refined between them).
        #[arg(long)]
        points: Option<usize>,
        /// Applications (several workloads): scale only this workload's traffic (and what
        /// it triggers); without it the whole application's traffic is scaled.
        #[arg(long, value_name = "NAME")]
        workload: Option<String>,
        #[command(flatten)]
        money: CurrencyArgs,
    },
    /// Write a report to share: HTML with charts, Markdown, CSV or JSON, by OUT's extension.
    #[command(after_help = "Examples:\n  \
breakeven report scenarios/startup-launch.ron -o launch.html\n  \
breakeven report scenarios/flash-sale.ron -o flash-sale.csv --series --fast")]
    Report {
        file: PathBuf,
        /// Output file: .html, .md, .csv or .json.
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Use the fast aggregate mode for the main run (sweeps and the map always do).
        #[arg(long)]
        fast: bool,
        /// CSV reports: also write the time series to OUT-series.csv.
        #[arg(long)]
        series: bool,
        #[command(flatten)]
        money: CurrencyArgs,
    },
    /// Simulate a scenario and print the comparison per platform.
    #[command(after_help = "Examples:\n  \
breakeven run scenarios/startup-launch.ron          every request simulated\n  \
breakeven run scenarios/steady-high.ron --fast --json")]
    Run {
        file: PathBuf,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Use the fast aggregate mode instead of simulating every request.
        #[arg(long)]
        fast: bool,
        #[command(flatten)]
        money: CurrencyArgs,
    },
    /// Read logs of what runs today and write a scenario fitted to them.
    #[command(
        after_help = "Reads AWS Lambda REPORT lines (CloudWatch Logs text with timestamps, export JSON, or \
Lambda's JSON log format), ALB access logs, nginx/Apache combined logs, Cloud Run request logs \
(Cloud Logging JSON lines) or CloudWatch metric CSV exports; the format is detected from the first \
file when --format is not given, gzip read as it is. Writes OUT and, beside it, OUT-trace.csv with \
the arrivals per second (or the export's periods). Bad lines are counted and the first are listed; \
exit 2 only when no request could be read.\n\n\
Examples:\n  \
breakeven import report-lines.log -o api.breakeven.ron\n  \
breakeven import logs/*.gz -o api.breakeven.ron --json"
    )]
    Import {
        /// Log files (several are read as one log).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The scenario to write (its trace goes beside it).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: PathBuf,
        /// The log format (detected from the first file when not given).
        #[arg(long, value_enum)]
        format: Option<ImportFormatArg>,
        /// Print what was found as JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (the Debian package installs them).
    #[command(after_help = "Examples:\n  \
breakeven completions bash > ~/.local/share/bash-completion/completions/breakeven\n  \
breakeven completions fish > ~/.config/fish/completions/breakeven.fish")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of breakeven or of one command.
    #[command(after_help = "Examples:\n  breakeven manpage | man -l -\n  breakeven manpage run | man -l -")]
    Manpage {
        /// The command whose page to print (breakeven's own without it).
        command: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ArchArg {
    #[value(name = "x86_64", alias = "x86")]
    X86_64,
    #[value(name = "arm64", alias = "arm")]
    Arm64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ImportFormatArg {
    /// AWS Lambda REPORT lines.
    #[value(name = "lambda-report")]
    LambdaReport,
    /// Elastic Load Balancing (ALB) access logs.
    #[value(name = "alb")]
    Alb,
    /// nginx/Apache combined (or common) log format.
    #[value(name = "combined")]
    Combined,
    /// Cloud Logging request-log JSON lines (Cloud Run).
    #[value(name = "cloudrun-json")]
    CloudRunJson,
    /// CloudWatch metric CSV export of per-period counts.
    #[value(name = "cloudwatch-csv")]
    CloudWatchCsv,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AxisArg {
    Traffic,
    Memory,
    Duration,
    Burstiness,
    /// Every platform moved to its provider's region in each place (N. Virginia,
    /// Frankfurt, Tokyo, ...).
    Region,
    /// On demand, 1- and 3-year commitments sized to the traffic, Spot; and the
    /// commitment that pays on each platform.
    Purchase,
}

/// The sweep's axis when it is a number (regions and purchase options are not).
fn numeric_axis(a: AxisArg) -> Option<analysis::Axis> {
    match a {
        AxisArg::Traffic => Some(analysis::Axis::TrafficScale),
        AxisArg::Memory => Some(analysis::Axis::MemoryMb),
        AxisArg::Duration => Some(analysis::Axis::DurationScale),
        AxisArg::Burstiness => Some(analysis::Axis::Burstiness),
        AxisArg::Region | AxisArg::Purchase => None,
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PurchaseArg {
    #[value(name = "on-demand")]
    OnDemand,
    /// The provider's one-year commitment: an AWS savings plan, a Google committed use
    /// discount (`cud-1y`).
    #[value(name = "savings-1y", alias = "cud-1y")]
    Savings1y,
    /// The provider's three-year commitment (`cud-3y` on Google Cloud).
    #[value(name = "savings-3y", alias = "cud-3y")]
    Savings3y,
    Spot,
}

/// Showing figures in another currency than the catalog's US dollars.
#[derive(Args, Debug, Clone, Default)]
pub struct CurrencyArgs {
    /// Show amounts in this currency (EUR, GBP, JPY, INR, AUD, CAD, CHF, BRL, ...) at the
    /// catalog's dated reference rate; JSON keeps every *_usd field and adds currency,
    /// exchange_rate, rate_date and total.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Units of --currency per US dollar, instead of the catalog's reference rate.
    #[arg(long, value_name = "RATE", requires = "currency", value_parser = positive_rate)]
    pub exchange_rate: Option<f64>,
}

fn positive_rate(s: &str) -> Result<f64, String> {
    let x: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number"))?;
    use crate::pricing::fx::{MAX_RATE, MIN_RATE, rate_in_range};
    if x.is_finite() && rate_in_range(crate::billing::dec(x)) {
        Ok(x)
    } else {
        Err(format!(
            "{s}: an exchange rate (units of --currency per US dollar) is from {MIN_RATE} up to {MAX_RATE}"
        ))
    }
}

/// The currency asked for (`None`: US dollars, as priced).
fn fx_of(cat: &crate::pricing::Catalog, a: &CurrencyArgs) -> Result<Option<crate::pricing::fx::Fx>, Failure> {
    let Some(code) = &a.currency else { return Ok(None) };
    let code = code.trim().to_ascii_uppercase();
    if let Some(rate) = a.exchange_rate {
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Failure::BadInput(format!(
                "error: --currency: `{code}` is not a three-letter ISO 4217 code"
            )));
        }
        // (prices are in US dollars: a dollar is one dollar)
        if code == "USD" && crate::billing::dec(rate) != rust_decimal::Decimal::ONE {
            return Err(Failure::BadInput(format!(
                "error: --exchange-rate: {rate} US dollars per US dollar: prices are in US dollars, so \
                 with --currency USD leave the rate out (or give 1)"
            )));
        }
        return Ok(Some(crate::pricing::fx::Fx {
            code,
            per_usd: crate::billing::dec(rate),
            date: "given".into(),
            source: "--exchange-rate".into(),
        }));
    }
    cat.fx(&code)
        .map(Some)
        .map_err(|e| Failure::BadInput(format!("error: --currency: {e}")))
}

/// The currency fields `run --json` and `quote --json` add beside `total_usd`.
fn add_currency(v: &mut serde_json::Value, fx: &crate::pricing::fx::Fx, total_usd: rust_decimal::Decimal) {
    v["currency"] = json!(fx.code);
    v["exchange_rate"] = json!(money(fx.per_usd));
    v["rate_date"] = json!(fx.date);
    v["total"] = json!(money(fx.amount(total_usd)));
}

#[derive(Args, Debug)]
pub struct QuoteArgs {
    /// Service id: aws-lambda, aws-api-gateway-http, aws-api-gateway-rest, aws-function-url,
    /// aws-alb, aws-fargate, aws-ec2, gcp-cloud-run, gcp-cloud-functions, azure-functions,
    /// azure-functions-flex, azure-container-apps, cloudflare-workers; the rest of the bill:
    /// aws-data-transfer, aws-nat-gateway, aws-public-ipv4, aws-ebs, aws-ec2-cpu-credits,
    /// aws-cloudwatch-logs, aws-dynamodb, aws-s3, aws-sqs, aws-sns, aws-step-functions,
    /// aws-step-functions-express, aws-eventbridge, gcp-data-transfer, gcp-cloud-logging,
    /// gcp-firestore, gcp-firestore-nam5, gcp-pubsub, gcp-cloud-tasks, gcp-cloud-vpn,
    /// azure-data-transfer, azure-monitor-logs, azure-cosmosdb, azure-service-bus,
    /// cloudflare-data-transfer, cloudflare-workers-logs, cloudflare-observability,
    /// cloudflare-queues. A flag the service does not read is an error.
    pub service: String,
    /// Requests (or executions, invocations) per month.
    #[arg(long, value_parser = whole_number)]
    pub requests: Option<f64>,
    /// Average request duration, ms.
    #[arg(long, value_parser = non_negative)]
    pub duration_ms: Option<f64>,
    /// Configured memory, MB.
    #[arg(long, value_parser = whole_number)]
    pub memory_mb: Option<f64>,
    #[arg(long, value_enum, default_value = "x86_64")]
    pub arch: ArchArg,
    /// Do not apply free tiers or included usage.
    #[arg(long)]
    pub no_free_tier: bool,
    /// Lambda ephemeral storage configured, MB (512 included).
    #[arg(long, value_parser = whole_number)]
    pub ephemeral_mb: Option<f64>,
    /// Lambda provisioned concurrency (environments); requests are then served by them.
    #[arg(long, value_parser = whole_number)]
    pub provisioned: Option<f64>,
    /// Hours per month provisioned concurrency is enabled.
    #[arg(long, value_parser = non_negative)]
    pub provisioned_hours: Option<f64>,
    /// API Gateway HTTP: payload per request (request + response), KB.
    #[arg(long, value_parser = non_negative)]
    pub request_kb: Option<f64>,
    /// API Gateway REST: response size, KB (billed as data transfer out).
    #[arg(long, value_parser = non_negative)]
    pub response_kb: Option<f64>,
    /// Fargate: task-hours per month (tasks x hours each).
    #[arg(long, value_parser = non_negative)]
    pub task_hours: Option<f64>,
    /// vCPU per task, replica or instance.
    #[arg(long, value_parser = non_negative)]
    pub vcpu: Option<f64>,
    /// With --purchase savings-1y|savings-3y (cud-1y|cud-3y): a commitment of this many
    /// dollars an hour, paid every hour of the month and covering usage up to it (AWS: at
    /// the plan's rates; Google: in on-demand dollars); usage above it pays on demand.
    #[arg(long, value_parser = non_negative, value_name = "USD")]
    pub commitment_per_hour: Option<f64>,
    /// Cloud Run: billable vCPU-seconds a month, given directly (with --gib-seconds;
    /// instead of --duration-ms and the instance shape).
    #[arg(long, value_parser = non_negative)]
    pub vcpu_seconds: Option<f64>,
    /// Cloud Run: billable GiB-seconds a month, given directly (with --vcpu-seconds).
    #[arg(long, value_parser = non_negative)]
    pub gib_seconds: Option<f64>,
    /// Memory per task or replica, GB (GiB).
    #[arg(long, value_parser = non_negative)]
    pub memory_gb: Option<f64>,
    /// Fargate ephemeral storage per task, GB (20 included).
    #[arg(long, value_parser = non_negative)]
    pub ephemeral_gb: Option<f64>,
    /// Fargate: Windows tasks.
    #[arg(long)]
    pub windows: bool,
    /// EC2 instance type, e.g. t3.medium.
    #[arg(long)]
    pub instance: Option<String>,
    #[command(flatten)]
    pub money: CurrencyArgs,
    /// Region to price in (eu-central-1, europe-west3, westeurope, ...); default: the
    /// provider's reference region (us-east-1, us-central1, eastus).
    #[arg(long)]
    pub region: Option<String>,
    /// Hours per month (EC2 instance-hours, ALB hours, Container Apps active replica-hours).
    #[arg(long, value_parser = non_negative)]
    pub hours: Option<f64>,
    /// Container Apps: idle replica-hours per month.
    #[arg(long, value_parser = non_negative)]
    pub idle_hours: Option<f64>,
    #[arg(long, value_enum, default_value = "on-demand")]
    pub purchase: PurchaseArg,
    /// Cloudflare Workers: CPU time per request, ms.
    #[arg(long, value_parser = non_negative)]
    pub cpu_ms: Option<f64>,
    /// Cloud Run: requests served at once per instance.
    #[arg(long, value_parser = whole_number)]
    pub concurrency: Option<f64>,
    /// Cloud Run: instance-based billing.
    #[arg(long)]
    pub instance_based: bool,
    /// ALB: average load balancer capacity units per hour.
    #[arg(long, value_parser = non_negative)]
    pub lcu: Option<f64>,
    /// Azure Flex Consumption: always-ready instances.
    #[arg(long, value_parser = whole_number)]
    pub always_ready: Option<f64>,
    /// Data transfer out to the internet, GB (GiB on Google Cloud).
    #[arg(long, value_parser = non_negative)]
    pub gb_out: Option<f64>,
    /// GB: NAT gateway data processed, Pub/Sub throughput, EBS volume size.
    #[arg(long, value_parser = non_negative)]
    pub gb: Option<f64>,
    /// Traffic between availability zones, GB (sent plus received).
    #[arg(long, value_parser = non_negative)]
    pub inter_az_gb: Option<f64>,
    /// Public IPv4 addresses (with --hours).
    #[arg(long, value_parser = whole_number)]
    pub addresses: Option<f64>,
    /// VPN tunnels (with --hours).
    #[arg(long, value_parser = whole_number)]
    pub tunnels: Option<f64>,
    /// Logs ingested, GB (custom logs on CloudWatch).
    #[arg(long, value_parser = non_negative)]
    pub ingest_gb: Option<f64>,
    /// Vended logs (Lambda function logs on CloudWatch, network logs on Cloud Logging), GB.
    #[arg(long, value_parser = non_negative)]
    pub vended_gb: Option<f64>,
    /// Logs archived or retained beyond the included period, GB-months.
    #[arg(long, value_parser = non_negative)]
    pub archive_gb: Option<f64>,
    /// CloudWatch Logs Insights data scanned, GB.
    #[arg(long, value_parser = non_negative)]
    pub insights_gb: Option<f64>,
    /// Data stored, GB-months.
    #[arg(long, value_parser = non_negative)]
    pub storage_gb: Option<f64>,
    /// Read requests (DynamoDB read request units, S3 GETs, Firestore reads, Queues reads).
    #[arg(long, value_parser = whole_number)]
    pub reads: Option<f64>,
    /// Write requests (DynamoDB write request units, S3 PUTs, Firestore writes, Queues writes).
    #[arg(long, value_parser = whole_number)]
    pub writes: Option<f64>,
    /// Deletes (Firestore, Queues).
    #[arg(long, value_parser = whole_number)]
    pub deletes: Option<f64>,
    /// Step Functions Standard state transitions.
    #[arg(long, value_parser = whole_number)]
    pub transitions: Option<f64>,
    /// Events (EventBridge events, Workers Logs events).
    #[arg(long, value_parser = whole_number)]
    pub events: Option<f64>,
    /// Cosmos DB serverless request units.
    #[arg(long, value_parser = whole_number)]
    pub request_units: Option<f64>,
    /// Payload per call, KB (SQS, EventBridge, Queues bill per started 64 KB).
    #[arg(long, value_parser = non_negative)]
    pub payload_kb: Option<f64>,
    /// EBS volume type: gp3 (default), gp2, io1.
    #[arg(long = "type", value_name = "TYPE")]
    pub volume_type: Option<String>,
    /// EBS provisioned IOPS.
    #[arg(long, value_parser = whole_number)]
    pub iops: Option<f64>,
    /// EBS provisioned throughput, MB/s.
    #[arg(long, value_parser = whole_number)]
    pub throughput: Option<f64>,
    /// EC2: a gp3 root volume of this many GB per instance.
    #[arg(long, value_parser = non_negative)]
    pub ebs_gb: Option<f64>,
    /// EC2: public IPv4 addresses per instance.
    #[arg(long = "public-ipv4", value_parser = whole_number)]
    pub public_ipv4: Option<f64>,
    /// EC2 burstable (T-family): average share of the vCPUs in use, 0 to 1; adds the surplus
    /// credits above the baseline (unlimited mode).
    #[arg(long, value_parser = non_negative)]
    pub cpu_utilization: Option<f64>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// A flag value that is a finite number, zero or more (clap reports the flag on error).
fn non_negative(s: &str) -> Result<f64, String> {
    let x: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number"))?;
    if !x.is_finite() {
        return Err(format!("{s} is not a finite number"));
    }
    if x < 0.0 {
        return Err(format!("{s} is negative; the value must be 0 or more"));
    }
    Ok(x)
}

/// A count: a whole number, zero or more. `1.5` requests is a typo; truncating it would
/// quote something the user did not ask for. `3e6` is a whole number.
fn whole_number(s: &str) -> Result<f64, String> {
    let x = non_negative(s)?;
    if x.fract() != 0.0 {
        return Err(format!("{s} is not a whole number"));
    }
    Ok(x)
}

/// Runs the program; returns the process exit code.
pub fn main() -> i32 {
    crate::util::install_panic_hook();
    let args: Vec<String> = std::env::args().collect();
    // a panic on this thread has been reported by the hook: exit 1 without a second line
    std::panic::catch_unwind(|| run_args(&args)).unwrap_or(1)
}

/// What the process should do, given its arguments (used by `main` and tests).
pub fn run_args(args: &[String]) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match execute(cli) {
        Ok(()) => 0,
        Err(Failure::BadInput(msg)) => {
            eprintln!("{msg}");
            2
        }
        Err(Failure::Internal(msg)) => {
            eprintln!("internal error: {msg}");
            1
        }
        Err(Failure::Cancelled) => {
            eprintln!("cancelled: the simulation was interrupted; nothing was written");
            130
        }
    }
}

pub enum Failure {
    /// The user's input is wrong: exit code 2.
    BadInput(String),
    /// A bug or environment failure: exit code 1.
    Internal(String),
    /// Interrupted by the user (Ctrl+C): exit code 130, the shells' code for SIGINT.
    Cancelled,
}

fn catalog(dir: Option<&PathBuf>) -> Result<Catalog, Failure> {
    let c = Catalog::builtin().map_err(|e| Failure::Internal(format!("built-in price catalog: {e}")))?;
    match dir {
        Some(d) => c.with_dir(d).map_err(|e| Failure::BadInput(format!("error: {e}"))),
        None => Ok(c),
    }
}

/// The shell completion script for `shell`, from the clap definitions.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "breakeven", &mut out);
    out
}

/// The manual page (roff) of `breakeven`, or of one of its commands (`breakeven-run`),
/// from the clap definitions. The date is the release's, so the pages do not change
/// from one build to the next.
pub fn manpage(command: Option<&str>) -> Result<Vec<u8>, String> {
    use clap::CommandFactory;
    let mut top = Cli::command();
    top.build();
    let cmd = match command {
        None => top,
        Some(name) => {
            let sub = top.find_subcommand(name).ok_or_else(|| {
                format!(
                    "error: `{name}` is not a command; the commands: {}",
                    manpage_commands().join(", ")
                )
            })?;
            let full = format!("breakeven-{}", sub.get_name());
            sub.clone()
                .name(full.clone())
                .display_name(full)
                .bin_name(format!("breakeven {name}"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .date(MANPAGE_DATE)
        .render(&mut out)
        .map_err(|e| format!("cannot write the manual page: {e}"))?;
    Ok(out)
}

/// The release date the manual pages carry.
const MANPAGE_DATE: &str = "2026-12-01";

/// The commands with a manual page of their own (all but `help`).
pub fn manpage_commands() -> Vec<String> {
    use clap::CommandFactory;
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect()
}

fn execute(cli: Cli) -> Result<(), Failure> {
    if let (Some(file), Some(_)) = (&cli.file, &cli.command) {
        return Err(Failure::BadInput(format!(
            "error: `{}` before a command: give a scenario to a command (`breakeven run FILE`), or a file alone to open it in the window",
            file.display()
        )));
    }
    let Some(command) = cli.command else {
        // No command: the desktop application. Its workers catch their own panics and
        // show the error, keeping the user's unsaved edits; the hook only reports.
        crate::util::exit_on_panic(false);
        let cat = catalog(cli.pricing.as_ref())?;
        return crate::gui::run(cat, cli.pricing.clone(), cli.file.clone()).map_err(Failure::Internal);
    };
    match command {
        Command::Completions { shell } => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&completions(shell))
                .map_err(|e| Failure::Internal(format!("cannot write: {e}")))
        }
        Command::Import {
            files,
            output,
            format,
            json,
        } => import_command(&files, &output, format, json, cli.pricing.as_ref()),
        Command::Manpage { command } => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&manpage(command.as_deref()).map_err(Failure::BadInput)?)
                .map_err(|e| Failure::Internal(format!("cannot write: {e}")))
        }
        Command::Quote(a) => {
            let cat = catalog(cli.pricing.as_ref())?;
            let fx = fx_of(&cat, &a.money)?;
            let bill = quote(&cat, &quote_input(&a)).map_err(|e| Failure::BadInput(format!("error: {e}")))?;
            if a.json {
                let mut v = bill_json(&bill);
                if let Some(fx) = &fx {
                    add_currency(&mut v, fx, bill.total_usd());
                }
                println!("{v}");
            } else {
                match &fx {
                    Some(fx) => {
                        print!("{}", table::bill_table_in(&bill, "30-day month", fx));
                        println!("{}", rate_line(fx));
                    }
                    None => print!("{}", table::bill_table(&bill, "30-day month")),
                }
            }
            Ok(())
        }
        Command::Check { files } => check(&files, cli.pricing.as_ref()),
        Command::Sweep {
            file,
            json,
            axis,
            points,
            workload,
            money: currency,
        } => {
            let cat = catalog(cli.pricing.as_ref())?;
            let fx = fx_of(&cat, &currency)?;
            // JSON in another currency: every *_usd field keeps its dollars and gains a twin
            let with_currency = |mut v: serde_json::Value| {
                if let Some(fx) = &fx {
                    buying::add_converted(&mut v, fx);
                    v["currency"] = json!(fx.code);
                    v["exchange_rate"] = json!(money(fx.per_usd));
                    v["rate_date"] = json!(fx.date);
                }
                v
            };
            let scenario = load(&file, &cat)?;
            let base = file.parent().map(|p| p.to_path_buf()).unwrap_or_default();
            let mut prepared = sim::prepare(&scenario, &base, &cat, &mut TraceStore::default()).map_err(sim_failure)?;
            let Some(numeric) = numeric_axis(axis) else {
                if points.is_some() || workload.is_some() {
                    return Err(Failure::BadInput(
                        "error: --axis region and --axis purchase price the scenario as it is: they take neither \
                         --points nor --workload"
                            .into(),
                    ));
                }
                let b = analysis::buying(&prepared, &cat).map_err(sim_failure)?;
                let period = sim::SimResult::period_adjective(prepared.profile.horizon_s);
                let period = format!("{period} totals");
                match (axis, json) {
                    (AxisArg::Region, true) => println!("{}", with_currency(buying::region_json(&b))),
                    (AxisArg::Region, false) => print!("{}", buying::region_table(&b, &period, fx.as_ref())),
                    (_, true) => println!("{}", with_currency(buying::purchase_json(&b))),
                    (_, false) => print!("{}", buying::purchase_table(&b, &period, fx.as_ref())),
                }
                if let (Some(fx), false) = (&fx, json) {
                    println!("\n{}", rate_line(fx));
                }
                return Ok(());
            };
            if let Some(name) = &workload {
                if !matches!(axis, AxisArg::Traffic) {
                    return Err(Failure::BadInput(
                        "error: --workload scales one workload's traffic: it goes with --axis traffic".into(),
                    ));
                }
                prepared = focus_workload(&prepared, &scenario, &file, name)?;
            }
            let axis = numeric;
            let mut opts = analysis::SweepOptions::for_axis(axis);
            if let Some(n) = points {
                if !(2..=2000).contains(&n) {
                    return Err(Failure::BadInput(format!(
                        "error: --points {n} is out of range: allowed 2 to 2000"
                    )));
                }
                opts.points = n;
            }
            let sw = analysis::sweep(&prepared, &cat, axis, &opts).map_err(sim_failure)?;
            if json {
                let mut v = run::sweep_json(&sw);
                if let Some(name) = &workload {
                    v["workload"] = json!(name);
                }
                println!("{}", with_currency(v));
            } else {
                print!("{}", run::sweep_table_in(&sw, workload.as_deref(), fx.as_ref()));
                if let Some(fx) = &fx {
                    println!("\n{}", rate_line(fx));
                }
            }
            Ok(())
        }
        Command::Report {
            file,
            output,
            fast,
            series,
            money: currency,
        } => report_command(&file, &output, fast, series, &currency, cli.pricing.as_ref()),
        Command::Run {
            file,
            json,
            fast,
            money: currency,
        } => {
            let cat = catalog(cli.pricing.as_ref())?;
            let fx = fx_of(&cat, &currency)?;
            let scenario = load(&file, &cat)?;
            let mode = if fast { Mode::Fast } else { Mode::Exact };
            let (prepared, result) = simulate_with_progress(&scenario, &file, &cat, mode)?;
            // the verdict needs the traffic sweep (fast mode, well under a second); an
            // application's verdict is its placement, which the run already holds
            let sweep = if prepared.app.is_some() {
                Ok(analysis::Sweep {
                    axis: analysis::Axis::TrafficScale,
                    platforms: result.platforms.iter().map(|p| p.name.clone()).collect(),
                    points: Vec::new(),
                    crossovers: Vec::new(),
                })
            } else {
                analysis::traffic_sweep(&prepared, &cat)
            };
            let verdict = sweep
                .and_then(|sweep| analysis::verdict(&prepared, &cat, &result, &sweep))
                .map_err(sim_failure)?;
            if json {
                let mut v = run::run_json(&result);
                v["verdict"] = serde_json::to_value(&verdict).unwrap_or_default();
                if let Some(fx) = &fx {
                    v["currency"] = json!(fx.code);
                    v["exchange_rate"] = json!(money(fx.per_usd));
                    v["rate_date"] = json!(fx.date);
                    if let Some(ps) = v["platforms"].as_array_mut() {
                        for (p, r) in ps.iter_mut().zip(&result.platforms) {
                            p["total"] = json!(money(fx.amount(r.bill.total_usd())));
                        }
                    }
                }
                println!("{v}");
            } else {
                match &fx {
                    Some(fx) => {
                        print!("{}", run::run_table_in(&result, fx));
                        println!("{}\n", rate_line(fx));
                    }
                    None => print!("{}", run::run_table(&result)),
                }
                match &fx {
                    Some(fx) => print!("{}", crate::report::fmt::dollars_in(&run::verdict_text(&verdict), fx)),
                    None => print!("{}", run::verdict_text(&verdict)),
                }
            }
            Ok(())
        }
    }
}

/// The prepared application whose traffic sweeps scale only workload `name`; exit 2
/// naming the workloads when there is no such workload or only one.
fn focus_workload(
    p: &sim::Prepared,
    s: &model::Scenario,
    file: &std::path::Path,
    name: &str,
) -> Result<sim::Prepared, Failure> {
    let names: Vec<String> = s.workloads.iter().map(|w| format!("`{}`", w.name)).collect();
    if s.workloads.len() < 2 {
        return Err(Failure::BadInput(format!(
            "error: --workload {name}: {} has one workload ({}), so its sweep already scales that \
             workload's traffic; leave out --workload",
            file.display(),
            names.join(", ")
        )));
    }
    if let Some(w) = s.workloads.iter().find(|w| w.name == name)
        && !w.traffic.components.is_empty()
        && w.traffic
            .components
            .iter()
            .all(|c| matches!(c, model::Component::Triggered { .. }))
    {
        let from: Vec<String> = w
            .traffic
            .components
            .iter()
            .filter_map(|c| match c {
                model::Component::Triggered { workload, .. } => Some(format!("`{workload}`")),
                _ => None,
            })
            .collect();
        return Err(Failure::BadInput(format!(
            "error: --workload {name}: in {} every request of `{name}` is triggered by {}, so it has no traffic \
             of its own to scale; sweep the workload that triggers it",
            file.display(),
            from.join(" and ")
        )));
    }
    s.workload_index(name).and_then(|w| p.focused(w)).ok_or_else(|| {
        Failure::BadInput(format!(
            "error: --workload {name}: {} has no workload named `{name}`; its workloads are {}",
            file.display(),
            names.join(", ")
        ))
    })
}

fn quote_input(a: &QuoteArgs) -> QuoteInput {
    QuoteInput {
        service: a.service.clone(),
        requests: a.requests,
        duration_ms: a.duration_ms,
        memory_mb: a.memory_mb,
        arch: match a.arch {
            ArchArg::X86_64 => Arch::X86_64,
            ArchArg::Arm64 => Arch::Arm64,
        },
        no_free_tier: a.no_free_tier,
        ephemeral_mb: a.ephemeral_mb,
        provisioned: a.provisioned,
        provisioned_hours: a.provisioned_hours,
        request_kb: a.request_kb,
        response_kb: a.response_kb,
        task_hours: a.task_hours,
        vcpu: a.vcpu,
        vcpu_seconds: a.vcpu_seconds,
        commitment_per_hour: a.commitment_per_hour,
        gib_seconds: a.gib_seconds,
        memory_gb: a.memory_gb,
        ephemeral_gb: a.ephemeral_gb,
        windows: a.windows,
        instance: a.instance.clone(),
        region: a.region.clone(),
        hours: a.hours,
        idle_hours: a.idle_hours,
        purchase: match a.purchase {
            PurchaseArg::OnDemand => Purchase::OnDemand,
            PurchaseArg::Savings1y => Purchase::Savings1y,
            PurchaseArg::Savings3y => Purchase::Savings3y,
            PurchaseArg::Spot => Purchase::Spot,
        },
        cpu_ms: a.cpu_ms,
        concurrency: a.concurrency,
        instance_based: a.instance_based,
        lcu: a.lcu,
        always_ready: a.always_ready,
        gb_out: a.gb_out,
        gb: a.gb,
        inter_az_gb: a.inter_az_gb,
        addresses: a.addresses,
        tunnels: a.tunnels,
        ingest_gb: a.ingest_gb,
        vended_gb: a.vended_gb,
        archive_gb: a.archive_gb,
        insights_gb: a.insights_gb,
        storage_gb: a.storage_gb,
        reads: a.reads,
        writes: a.writes,
        deletes: a.deletes,
        transitions: a.transitions,
        events: a.events,
        request_units: a.request_units,
        payload_kb: a.payload_kb,
        volume_type: a.volume_type.clone(),
        iops: a.iops,
        throughput: a.throughput,
        ebs_gb: a.ebs_gb,
        public_ipv4: a.public_ipv4,
        cpu_utilization: a.cpu_utilization,
    }
}

/// "Amounts in EUR at 0.8908685969 per US dollar (reference rate of 2026-10-02, …)".
fn rate_line(fx: &crate::pricing::fx::Fx) -> String {
    if fx.date == "given" {
        format!(
            "Amounts in {} at {} per US dollar (given with --exchange-rate).",
            fx.code,
            fx.per_usd.normalize()
        )
    } else {
        format!(
            "Amounts in {} at {} per US dollar (reference rate of {}, {}); prices are set in US dollars.",
            fx.code,
            fx.per_usd.normalize(),
            fx.date,
            fx.source
        )
    }
}

/// The `quote --json` shape of `../shared/contract/cli.md`.
pub fn bill_json(bill: &Bill) -> serde_json::Value {
    json!({
        "service": bill.service,
        "region": bill.region,
        "total_usd": money(bill.total_usd()),
        "bill": bill.lines,
    })
}

pub fn money(d: rust_decimal::Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// `1 platform`, `3 platforms`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What kind of file this is, from its first identifier.
fn looks_like_price_file(text: &str) -> bool {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map(|x| x.1).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map(|x| x.1).unwrap_or("");
        } else if let Some(r) = rest.strip_prefix("#![") {
            rest = r.split_once(']').map(|x| x.1).unwrap_or("");
        } else {
            break;
        }
    }
    rest.trim_start_matches('\u{feff}').starts_with("PriceFile")
}

fn check(files: &[PathBuf], pricing_dir: Option<&PathBuf>) -> Result<(), Failure> {
    let cat = catalog(pricing_dir)?;
    let mut failed = 0;
    for f in files {
        let shown = f.display().to_string();
        // capped: `/dev/zero` or a sparse 2 GB file is refused before it is read
        let text = match crate::util::read_capped(f, crate::util::MAX_TEXT_FILE_BYTES) {
            Ok(b) => String::from_utf8_lossy(&b).to_string(),
            Err(e) => {
                eprintln!("{shown}: {e}");
                failed += 1;
                continue;
            }
        };
        if looks_like_price_file(&text) {
            match pricing::parse_price_file(&text, &shown) {
                Ok(pf) => println!(
                    "ok: {shown}: price file for {}, {}{}",
                    pf.provider,
                    counted(pf.services.len(), "service", "services"),
                    if pf.extras.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", {} (network, logs, storage, services)",
                            counted(pf.extras.len(), "other entry", "other entries")
                        )
                    }
                ),
                Err(e) => {
                    eprintln!("{e}");
                    failed += 1;
                }
            }
        } else {
            match model::load_scenario_file(f, &cat) {
                // the traces a scenario names are read too: a bad row is a bad scenario
                Ok(s) => match sim::prepare(
                    &s,
                    f.parent().unwrap_or(std::path::Path::new("")),
                    &cat,
                    &mut sim::TraceStore::default(),
                ) {
                    Ok(_) => println!(
                        "ok: {shown}: scenario \"{}\", {}, {}",
                        s.name,
                        if s.workloads.len() > 1 {
                            format!(
                                "{} ({})",
                                counted(s.workloads.len(), "workload", "workloads"),
                                counted(s.pipelines.len(), "pipeline", "pipelines")
                            )
                        } else {
                            counted(s.traffic().components.len(), "traffic component", "traffic components")
                        },
                        counted(s.platforms.len(), "platform", "platforms")
                    ),
                    Err(SimError::Trace(l)) => {
                        eprintln!("{l} (a trace of {shown})");
                        failed += 1;
                    }
                    Err(e) => {
                        if let Failure::BadInput(m) | Failure::Internal(m) = sim_failure(e) {
                            eprintln!("{shown}: {m}");
                        }
                        failed += 1;
                    }
                },
                Err(e) => {
                    for p in e.problems() {
                        eprintln!("{p}");
                    }
                    failed += 1;
                }
            }
        }
    }
    if failed > 0 {
        Err(Failure::BadInput(if files.len() == 1 {
            "the file has problems".to_string()
        } else {
            let verb = if failed == 1 { "has" } else { "have" };
            format!("{failed} of {} files {verb} problems", files.len())
        }))
    } else {
        Ok(())
    }
}

fn load(file: &std::path::Path, cat: &Catalog) -> Result<model::Scenario, Failure> {
    model::load_scenario_file(file, cat).map_err(|e| {
        Failure::BadInput(
            e.problems()
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

fn sim_failure(e: SimError) -> Failure {
    match e {
        SimError::Trace(l) => Failure::BadInput(l.to_string()),
        SimError::Cancelled => Failure::Cancelled,
        SimError::Spec(m) => Failure::BadInput(format!("error: {m}")),
        // a volume too large to bill exactly is the input's fault: exit 2 naming the quantity
        SimError::Billing(b) if b.is_overflow() => Failure::BadInput(format!("error: {b}")),
        SimError::Billing(b) => Failure::Internal(b.to_string()),
    }
}

/// Runs the simulation on a worker thread; the main thread shows progress on a terminal
/// and turns Ctrl+C into a clean cancel.
fn simulate_with_progress(
    s: &model::Scenario,
    file: &std::path::Path,
    cat: &Catalog,
    mode: Mode,
) -> Result<(sim::Prepared, SimResult), Failure> {
    use std::io::{IsTerminal, Write};
    let base = file.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let prepared = sim::prepare(s, &base, cat, &mut TraceStore::default()).map_err(sim_failure)?;
    let ctl = Control::default();
    let c2 = ctl.clone();
    let _ = ctrlc::set_handler(move || c2.request_cancel());
    let expected = prepared.profile.expected_requests() * prepared.specs.len() as f64;
    let show = mode == Mode::Exact && expected > 2e7 && std::io::stderr().is_terminal();
    let mut bar = run::Monotone::default();
    let mut shown = false;
    let result = on_worker(
        || sim::run(&prepared, cat, mode, &ctl),
        |elapsed_s| {
            if show {
                let p = bar.update(ctl.progress());
                eprint!(
                    "\rsimulating {:.1e} requests: {:5.1} %  ({:.0} s, Ctrl+C cancels)",
                    expected,
                    p * 100.0,
                    elapsed_s
                );
                let _ = std::io::stderr().flush();
                shown = true;
            }
        },
    );
    if shown {
        eprintln!();
    }
    let result = result.ok_or_else(|| Failure::Internal("the simulation thread stopped unexpectedly".into()))?;
    Ok((prepared, result.map_err(sim_failure)?))
}

/// `import FILE... -o OUT`: reads the logs, fits them, checks the scenario it writes
/// (so `check` accepts it) and writes it with its trace beside it.
fn import_command(
    files: &[PathBuf],
    output: &std::path::Path,
    format: Option<ImportFormatArg>,
    json: bool,
    pricing_dir: Option<&PathBuf>,
) -> Result<(), Failure> {
    use crate::import::{self, Format, ImportError, fit};
    let bad = |e: ImportError| Failure::BadInput(format!("error: {e}"));
    let format = match format {
        Some(ImportFormatArg::LambdaReport) => Format::LambdaReport,
        Some(ImportFormatArg::Alb) => Format::Alb,
        Some(ImportFormatArg::Combined) => Format::Combined,
        Some(ImportFormatArg::CloudRunJson) => Format::CloudRunJson,
        Some(ImportFormatArg::CloudWatchCsv) => Format::CloudWatchCsv,
        None => import::detect(files).map_err(bad)?,
    };
    let dir = output.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(d) = dir
        && !d.is_dir()
    {
        return Err(Failure::BadInput(format!(
            "error: cannot write {}: {} is not a folder",
            output.display(),
            d.display()
        )));
    }
    let obs = import::read_files(files, format).map_err(bad)?;
    let cat = catalog(pricing_dir)?;
    let built = import::build::build(&obs, format, &import::build::stem_of(output), &cat).map_err(Failure::Internal)?;
    let side = built
        .write(output)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let trace_path = &side[0];
    let durations_path = side.get(1);
    let s = &built.summary;
    if obs.bad > 0 {
        eprintln!(
            "warning: {} of {} lines could not be read (not counted as requests); the first:",
            obs.bad, obs.lines
        );
        for b in &obs.bad_lines {
            eprintln!("  {}:{}: {}", b.file.display(), b.line, b.reason);
        }
    }
    if json {
        let mut v = serde_json::to_value(s).map_err(|e| Failure::Internal(e.to_string()))?;
        v["scenario"] = json!(output.display().to_string());
        v["trace"] = json!(trace_path.display().to_string());
        v["durations"] = json!(durations_path.map(|p| p.display().to_string()));
        v["calibration"] = serde_json::to_value(&built.calibration).map_err(|e| Failure::Internal(e.to_string()))?;
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| Failure::Internal(e.to_string()))?
        );
        return Ok(());
    }
    println!(
        "read {} request{} ({}) from {} file{} ({} line{}, {} bad)",
        s.requests,
        if s.requests == 1 { "" } else { "s" },
        s.format,
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        s.lines,
        if s.lines == 1 { "" } else { "s" },
        s.bad_lines
    );
    println!(
        "traffic: {:.1} h, {:.3} req/s on average",
        s.span_s / 3600.0,
        s.mean_rps
    );
    match (&s.duration_ms, &s.duration_fit, s.duration_mean_ms) {
        (Some(q), Some(f), _) => println!(
            "duration: p50 {} ms, p95 {} ms, p99 {} ms; log-normal median {} ms, p99 {} ms (Kolmogorov-Smirnov {:.3}{})",
            q.p50,
            q.p95,
            q.p99,
            f.median_ms,
            f.p99_ms,
            f.ks,
            if f.good { "" } else { ": a poor fit" }
        ),
        (_, _, Some(m)) => println!("duration: {m} ms on average (only a mean per period in the export)"),
        (Some(q), None, _) => println!("duration: p50 {} ms, p99 {} ms", q.p50, q.p99),
        (None, _, None) => println!(
            "duration: not in the logs ({} ms assumed in the scenario)",
            fit::ASSUMED_DURATION_MS
        ),
    }
    match (&s.init_ms, format) {
        (Some(q), _) => println!(
            "cold starts: {} ({:.2} % of requests), Init Duration p50 {} ms, p99 {} ms",
            s.cold_starts,
            s.cold_start_rate * 100.0,
            q.p50,
            q.p99
        ),
        (None, Format::LambdaReport) => println!(
            "cold starts: none in the logs ({} ms assumed in the scenario)",
            fit::ASSUMED_INIT_MS
        ),
        (None, _) => println!(
            "cold starts: not in these logs ({} ms assumed in the scenario)",
            fit::ASSUMED_INIT_MS
        ),
    }
    if let Some(kb) = s.response_kb {
        println!("responses: {kb} kB on average");
    }
    if let Some(m) = s.memory_mb {
        println!(
            "memory: {m} MB{}{}",
            s.max_memory_used_mb
                .map(|u| format!(", at most {u:.0} MB used"))
                .unwrap_or_default(),
            match s.memory_other_requests {
                0 => String::new(),
                1 => format!(" (the most common size; 1 request ran at another size, read as if at {m} MB)"),
                k => format!(" (the most common size; {k} requests ran at other sizes, read as if at {m} MB)"),
            }
        );
    }
    if let Some(a) = &s.memory_advice {
        println!("advice: {a}");
    }
    if let Some(c) = &built.calibration {
        print!("{}", calibration_table(c));
    }
    match durations_path {
        Some(d) => println!(
            "wrote {}, {} and {} (the observed duration quantiles: the log-normal fits them poorly)",
            output.display(),
            trace_path.display(),
            d.display()
        ),
        None => println!("wrote {} and {}", output.display(), trace_path.display()),
    }
    Ok(())
}

/// The calibration as the terminal shows it.
fn calibration_table(c: &crate::import::calibrate::Calibration) -> String {
    let mut out = format!(
        "calibration: the observed {:.1} h replayed through the simulation (peak concurrency averaged over {} s)\n",
        c.span_s / 3600.0,
        c.concurrency_bucket_s
    );
    let ka = |s: f64| format!("keep-alive {s:.0} s");
    out.push_str(&format!(
        "  {:<18} {:>14} {:>20} {:>20}\n",
        "",
        "observed",
        ka(c.keep_alive_s),
        ka(c.fitted_keep_alive_s)
    ));
    for r in &c.rows {
        let f = |x: f64| match r.unit {
            "USD" => format!("${x:.2}"),
            "%" => format!("{x:.2} %"),
            _ if x.fract() == 0.0 => format!("{x:.0}"),
            _ => crate::report::fmt::sig(x, 3),
        };
        out.push_str(&format!(
            "  {:<18} {:>14} {:>20} {:>20}\n",
            r.what,
            f(r.observed),
            f(r.simulated),
            f(r.fitted)
        ));
    }
    for n in &c.notes {
        out.push_str(&format!("  {n}\n"));
    }
    out
}

/// Runs `work` on a worker thread and returns as soon as it is done (`None` if it
/// panicked); meanwhile `tick` runs on this thread every 200 ms with the seconds elapsed
/// (progress on a terminal). Waiting on the result, not sleeping in steps, keeps a
/// millisecond command a millisecond command.
fn on_worker<T: Send>(work: impl FnOnce() -> T + Send, mut tick: impl FnMut(f64)) -> Option<T> {
    use std::sync::mpsc::{RecvTimeoutError, channel};
    std::thread::scope(|scope| {
        let (tx, rx) = channel::<()>();
        let h = scope.spawn(move || {
            let r = work();
            let _ = tx.send(());
            r
        });
        let start = std::time::Instant::now();
        loop {
            match rx.recv_timeout(std::time::Duration::from_millis(200)) {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => tick(start.elapsed().as_secs_f64()),
            }
        }
        h.join().ok()
    })
}

/// `report FILE -o OUT`: checks the output path first (format, folder), then runs
/// everything the report needs on a worker thread (Ctrl+C cancels) and writes it.
fn report_command(
    file: &std::path::Path,
    output: &std::path::Path,
    fast: bool,
    series: bool,
    currency: &CurrencyArgs,
    pricing_dir: Option<&PathBuf>,
) -> Result<(), Failure> {
    use crate::report::{self, Format};
    use std::io::{IsTerminal, Write};
    let format = Format::from_path(output).map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    if series && format != Format::Csv {
        return Err(Failure::BadInput(
            "error: --series writes the time series beside a .csv report; the output is not .csv".into(),
        ));
    }
    // a missing folder fails now rather than after the simulation
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Failure::BadInput(format!(
                    "error: cannot write {}: {} is not a folder",
                    output.display(),
                    dir.display()
                )));
            }
            Err(e) => {
                return Err(Failure::BadInput(format!(
                    "error: cannot write {}: {e}",
                    output.display()
                )));
            }
        }
    }
    let cat = catalog(pricing_dir)?;
    let fx = fx_of(&cat, currency)?;
    let mut scenario = load(file, &cat)?;
    let base = file.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let mut traces = TraceStore::default();
    let prepared = sim::prepare(&scenario, &base, &cat, &mut traces).map_err(sim_failure)?;
    // (`report api.ron -o api-trace.csv` wrote the report over the scenario's own trace)
    let mut inputs: Vec<PathBuf> = vec![file.to_path_buf()];
    inputs.extend(traces.paths().map(|p| base.join(p)));
    crate::model::empirical::for_each_dist(&mut scenario, |d, _| {
        if let crate::model::Dist::Empirical { path, .. } = d {
            inputs.push(base.join(&*path));
        }
    });
    let output_file = std::fs::canonicalize(output).ok();
    if let Some(o) = &output_file
        && let Some(same) = inputs
            .iter()
            .find(|i| std::fs::canonicalize(i).ok().as_ref() == Some(o))
    {
        return Err(Failure::BadInput(format!(
            "error: cannot write {}: it is a file the scenario reads ({}); choose another output name",
            output.display(),
            same.display()
        )));
    }
    let opts = report::Options {
        run_mode: if fast { Mode::Fast } else { Mode::Exact },
        ..report::Options::default()
    };
    let ctl = Control::default();
    let c2 = ctl.clone();
    let _ = ctrlc::set_handler(move || c2.request_cancel());
    let show = std::io::stderr().is_terminal();
    let mut bar = run::Monotone::default();
    let mut shown = false;
    let built = on_worker(
        || report::build(&prepared, &cat, &opts, &ctl),
        |elapsed_s| {
            let p = bar.update(ctl.progress());
            if show && elapsed_s > 1.0 {
                let stage = run::report_stage(p);
                eprint!("\r{stage} ({elapsed_s:.0} s, Ctrl+C cancels)\x1b[K");
                let _ = std::io::stderr().flush();
                shown = true;
            }
        },
    );
    if shown {
        eprint!("\r\x1b[K");
    }
    let built = built.ok_or_else(|| Failure::Internal("the report thread stopped unexpectedly".into()))?;
    let mut rep = built.map_err(sim_failure)?;
    rep.currency = fx;
    let written = report::write(&rep, output, chrono::Utc::now(), &report::WriteOptions { series })
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    for w in &written.warnings {
        eprintln!("warning: {w}");
    }
    for f in &written.files {
        println!("wrote {}", f.display());
    }
    Ok(())
}
