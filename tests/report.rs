//! Reports: golden files (insta) for Markdown, CSV and JSON on a small fixed scenario and
//! date; the HTML parsed as HTML5, with its sections and charts and no external
//! references; atomic writing and its errors; the `report` command through the binary.

use breakeven::analysis;
use breakeven::model;
use breakeven::pricing::Catalog;
use breakeven::report::{self, ChartLinks, Format, Report, ReportError, WriteOptions};
use breakeven::sim::{self, Control, Mode, TraceStore};
use chrono::{DateTime, TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod common;
use common::breakeven;

const FIXTURE: &str = "tests/fixtures/report/small-shop.ron";

fn date() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 9, 30, 0)
        .single()
        .expect("a valid date")
}

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

/// The fixture's report, built once: fast mode, a small sweep and map.
fn fixture() -> &'static Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let cat = Catalog::builtin().unwrap();
        let path = fixture_path();
        let s = model::load_scenario_file(&path, &cat).unwrap();
        let base = path.parent().unwrap().to_path_buf();
        let p = sim::prepare(&s, &base, &cat, &mut TraceStore::default()).unwrap();
        let opts = report::Options {
            run_mode: Mode::Fast,
            sweep_points: 24,
            map_nx: 6,
            map_ny: 4,
            monte_carlo: true,
        };
        report::build(&p, &cat, &opts, &Control::default()).unwrap()
    })
}

// ---------------------------------------------------------------------------------------
// Golden files

#[test]
fn markdown_golden() {
    let md = report::to_markdown(
        fixture(),
        date(),
        &ChartLinks::Files {
            prefix: "small-shop".into(),
        },
    );
    insta::assert_snapshot!("small_shop_markdown", md.text);
    let names: Vec<&str> = md.charts.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "small-shop-costs.svg",
            "small-shop-crossovers.svg",
            "small-shop-map.svg",
            "small-shop-bands.svg"
        ]
    );
    for (name, svg) in &md.charts {
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}");
        assert!(md.text.contains(&format!("(<{name}>)")), "{name} is linked");
    }
}

#[test]
fn markdown_without_chart_files_says_so() {
    let md = report::to_markdown(
        fixture(),
        date(),
        &ChartLinks::Omitted {
            reason: "the folder is read-only".into(),
        },
    );
    assert!(md.charts.is_empty());
    assert!(md.text.contains("Charts omitted: the folder is read-only"));
    assert!(!md.text.contains(".svg"));
    // the same tables are there
    assert!(md.text.contains("## Itemised bills") && md.text.contains("## Pricing sources"));
}

#[test]
fn csv_golden_and_annual_is_twelve_months() {
    let text = report::to_csv(fixture());
    insta::assert_snapshot!("small_shop_bill_csv", text);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    // the fixture's bills have network and storage lines: each line says its category
    assert_eq!(head[..10], report::csv::BILL_HEADER);
    assert_eq!(head[10..], [report::csv::CATEGORY_COLUMN]);
    let r = fixture();
    let mut rows = 0;
    for rec in rd.records() {
        let rec = rec.unwrap();
        let expected = if rec[4].starts_with("Data transfer") || rec[4].starts_with("Internet egress") {
            "network"
        } else if rec[4] == *"gp3 storage" {
            "storage"
        } else {
            "compute"
        };
        assert_eq!(&rec[10], expected, "{rec:?}");
        let monthly: f64 = rec[8].parse().unwrap();
        let annual: f64 = rec[9].parse().unwrap();
        assert!((annual - 12.0 * monthly).abs() < 1e-9, "{rec:?}");
        assert_eq!(&rec[0], r.scenario.name);
        rows += 1;
    }
    let lines: usize = r.run.platforms.iter().map(|p| p.bill.lines.len()).sum();
    assert_eq!(rows, lines);
    // a 2-day period: the monthly cost is 15 times the period's, to the cent
    let sum_monthly: f64 = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap()[8].parse::<f64>().unwrap())
        .sum();
    let sum_period: f64 = r.run.platforms.iter().map(|p| p.total_usd).sum();
    assert!(
        (sum_monthly - 15.0 * sum_period).abs() < 0.01 * lines as f64,
        "{sum_monthly} vs {sum_period}"
    );
}

#[test]
fn series_csv_has_a_row_per_bucket_and_cumulative_cost() {
    let r = fixture();
    let text = report::to_series_csv(r);
    let head: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("small_shop_series_csv_head", head);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let cols: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(cols.len(), 3 + 5 * r.run.platforms.len());
    assert_eq!(&cols[..3], ["time_s", "time_h", "traffic_rps"]);
    let rows: Vec<Vec<f64>> = rd
        .records()
        .map(|x| x.unwrap().iter().map(|v| v.parse::<f64>().unwrap()).collect())
        .collect();
    let buckets = (r.run.horizon_s / r.run.bucket_s).ceil() as usize;
    assert_eq!(rows.len(), buckets);
    for (k, p) in r.run.platforms.iter().enumerate() {
        let col = 3 + 5 * k + 4;
        assert!(
            rows.windows(2).all(|w| w[1][col] >= w[0][col] - 1e-9),
            "{} cost falls",
            p.name
        );
        let last = rows.last().unwrap()[col];
        assert!(
            (last - p.total_usd).abs() < 0.011,
            "{}: {last} vs {}",
            p.name,
            p.total_usd
        );
    }
}

#[test]
fn json_golden_holds_run_and_sweep_shapes() {
    let r = fixture();
    let mut v = report::to_json_value(r, date());
    // holds exactly what `run --json` and `sweep --json` give
    let run = report::json::run_json(&r.run);
    for (k, val) in run.as_object().unwrap() {
        assert_eq!(&v[k], val, "run --json field {k}");
    }
    assert_eq!(v["sweep"], report::json::sweep_json(&r.sweep));
    assert_eq!(v["report_version"], 1);
    assert_eq!(v["generated"], "2026-01-15T09:30:00Z");
    for key in ["verdict", "map", "monte_carlo", "price_sources", "inputs"] {
        assert!(!v[key].is_null(), "{key}");
    }
    assert!(v["sweep"]["crossovers"].as_array().is_some_and(|c| !c.is_empty()));
    // the text form is the same value
    let text: serde_json::Value = serde_json::from_str(&report::to_json(r, date())).unwrap();
    assert_eq!(text, v);
    v["breakeven_version"] = "[version]".into();
    insta::assert_snapshot!("small_shop_json", serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn renderers_are_deterministic() {
    let r = fixture();
    assert_eq!(report::to_html(r, date()), report::to_html(r, date()));
    assert_eq!(report::to_json(r, date()), report::to_json(r, date()));
}

// ---------------------------------------------------------------------------------------
// HTML

fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "<link",
        "@import",
        "<script",
        "url(",
        "<iframe",
        "<img",
        "<object",
        "<embed",
        "@font-face",
    ] {
        assert!(!lower.contains(bad), "the HTML contains {bad}");
    }
}

#[test]
fn html_is_valid_html5_with_every_section_and_no_external_references() {
    use scraper::{Html, Selector};
    let html = report::to_html(fixture(), date());
    let doc = Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "HTML5 parse errors: {:?}", doc.errors);
    let sel = |s: &str| Selector::parse(s).unwrap();
    for id in [
        "summary",
        "verdict",
        "assumptions",
        "costs",
        "bills",
        "performance",
        "crossovers",
        "map",
        "uncertainty",
        "sources",
    ] {
        assert_eq!(
            doc.select(&sel(&format!("section#{id} > h2"))).count(),
            1,
            "section {id}"
        );
    }
    for chart in ["costs", "crossovers", "map", "bands"] {
        assert_eq!(
            doc.select(&sel(&format!("figure#chart-{chart} > svg"))).count(),
            1,
            "chart {chart} is an inline <svg>"
        );
    }
    // the generated date, the verdict and every platform's bill
    let title = doc.select(&sel("h1")).next().unwrap().text().collect::<String>();
    assert!(title.contains("a small shop's API"), "{title}");
    assert!(html.contains("Generated 2026-01-15 09:30 UTC"));
    let r = fixture();
    assert!(html.contains(&report::html::esc(&r.verdict.headline)));
    assert_eq!(doc.select(&sel("section#bills table")).count(), r.run.platforms.len());
    // names are escaped (one platform is "EC2 & ALB")
    assert!(html.contains("EC2 &amp; ALB") && !html.contains("EC2 & ALB"));
    // links: only to the price sources' web pages, one per source row
    let links: Vec<_> = doc.select(&sel("a")).collect();
    assert_eq!(links.len(), r.sources.len());
    for a in links {
        let href = a.value().attr("href").unwrap_or("");
        assert!(href.starts_with("https://"), "{href}");
    }
    // effective dates and statuses of the sources are printed
    let sources = doc
        .select(&sel("section#sources"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert!(
        sources.contains("2026-07-10") && sources.contains("Primary"),
        "{sources}"
    );
    assert_self_contained(&html);
    // printing: sections start new pages, no dark backgrounds
    assert!(html.contains("@media print") && html.contains("break-before: page"));
}

#[test]
fn html_without_uncertainty_has_no_uncertainty_section() {
    let mut r = fixture().clone();
    r.monte_carlo = None;
    let html = report::to_html(&r, date());
    assert!(!html.contains("id=\"uncertainty\""));
    assert!(scraper::Html::parse_document(&html).errors.is_empty());
}

#[test]
fn escaping_holds_in_every_format() {
    let mut r = fixture().clone();
    r.scenario.name = "A <b>bold</b> | \"quoted\" & *starred*".into();
    r.scenario.description = "# not a heading\n<script>alert(1)</script>".into();
    let html = report::to_html(&r, date());
    assert!(scraper::Html::parse_document(&html).errors.is_empty());
    assert!(!html.contains("<b>bold</b>") && !html.contains("<script>"));
    assert_self_contained(&html);
    let md = report::to_markdown(&r, date(), &ChartLinks::Files { prefix: "x".into() }).text;
    assert!(
        md.contains("A \\<b\\>bold\\</b\\> \\| \"quoted\" & \\*starred\\*"),
        "{md}"
    );
    assert!(md.contains("\\# not a heading"));
    let csv = report::to_csv(&r);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let first = rd.records().next().unwrap().unwrap();
    assert_eq!(&first[0], r.scenario.name);
}

// ---------------------------------------------------------------------------------------
// Writing

#[test]
fn format_follows_the_extension() {
    assert_eq!(Format::from_path(Path::new("a/b.html")).unwrap(), Format::Html);
    assert_eq!(Format::from_path(Path::new("B.MD")).unwrap(), Format::Markdown);
    assert_eq!(Format::from_path(Path::new("x.csv")).unwrap(), Format::Csv);
    assert_eq!(Format::from_path(Path::new("x.json")).unwrap(), Format::Json);
    for bad in ["x.pdf", "x", "x.html.bak"] {
        let e = Format::from_path(Path::new(bad)).unwrap_err().to_string();
        assert!(e.contains(".html, .md, .csv or .json"), "{e}");
    }
}

#[test]
fn every_format_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let r = fixture();
    let opts = WriteOptions::default();
    let w = report::write(r, &dir.path().join("r.html"), date(), &opts).unwrap();
    assert_eq!(w.files, [dir.path().join("r.html")]);
    let w = report::write(r, &dir.path().join("r.md"), date(), &opts).unwrap();
    assert_eq!(w.files.len(), 5, "{:?}", w.files);
    assert!(w.warnings.is_empty());
    for f in &w.files {
        assert!(f.is_file(), "{f:?}");
    }
    assert!(dir.path().join("r-crossovers.svg").is_file());
    report::write(r, &dir.path().join("r.json"), date(), &opts).unwrap();
    let w = report::write(r, &dir.path().join("r.csv"), date(), &WriteOptions { series: true }).unwrap();
    assert_eq!(w.files, [dir.path().join("r.csv"), dir.path().join("r-series.csv")]);
    // nothing else: no temporary files left
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "r-bands.svg",
            "r-costs.svg",
            "r-crossovers.svg",
            "r-map.svg",
            "r-series.csv",
            "r.csv",
            "r.html",
            "r.json",
            "r.md"
        ]
    );
}

/// A folder nobody can write to: a read-only temporary folder, or (when running as root,
/// which ignores permissions) `/sys`. `None` when neither refuses a write.
fn read_only_dir() -> Option<(PathBuf, tempfile::TempDir)> {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let ro = t.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = ro.join("probe");
    if std::fs::write(&probe, b"x").is_err() {
        return Some((ro, t));
    }
    let _ = std::fs::remove_file(&probe);
    let sys = PathBuf::from("/sys");
    if std::fs::write(sys.join("breakeven-probe"), b"x").is_err() {
        return Some((sys, t));
    }
    eprintln!("skipped: no folder refuses writes here");
    None
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn unwritable_paths_fail_cleanly_and_leave_nothing() {
    let r = fixture();
    let t = tempfile::tempdir().unwrap();
    let missing = t.path().join("no-such-folder").join("r.md");
    match report::write(r, &missing, date(), &WriteOptions::default()) {
        Err(ReportError::Write { path, source }) => {
            assert_eq!(path, missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(entries(t.path()).is_empty());

    let Some((ro, _keep)) = read_only_dir() else { return };
    let before = entries(&ro);
    for name in ["r.html", "r.md", "r.csv", "r.json"] {
        let out = ro.join(name);
        let e = report::write(r, &out, date(), &WriteOptions { series: true }).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains(&out.display().to_string()), "{msg}");
        assert!(msg.contains("os error"), "{msg}");
        assert_eq!(entries(&ro), before, "{name}: nothing left behind");
    }
}

// ---------------------------------------------------------------------------------------
// The command

#[test]
fn report_command_writes_each_format() {
    let t = tempfile::tempdir().unwrap();
    let out = |n: &str| t.path().join(n).display().to_string();
    let (code, so, se) = breakeven(&["report", FIXTURE, "-o", &out("r.html"), "--fast"]);
    assert_eq!(code, 0, "{se}");
    assert!(so.contains(&format!("wrote {}", out("r.html"))), "{so}");
    let html = std::fs::read_to_string(out("r.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(scraper::Html::parse_document(&html).errors.is_empty());
    assert_self_contained(&html);

    let (code, so, se) = breakeven(&["report", FIXTURE, "-o", &out("r.md"), "--fast"]);
    assert_eq!(code, 0, "{se}");
    assert!(so.contains("r-crossovers.svg"), "{so}");
    let md = std::fs::read_to_string(out("r.md")).unwrap();
    assert!(md.starts_with("# Breakeven report: "));
    assert!(md.contains("(<r-costs.svg>)") && Path::new(&out("r-costs.svg")).is_file());

    let (code, _, se) = breakeven(&["report", FIXTURE, "--output", &out("r.csv"), "--fast", "--series"]);
    assert_eq!(code, 0, "{se}");
    let csv = std::fs::read_to_string(out("r.csv")).unwrap();
    assert!(csv.starts_with(
        "estimate,platform,service,region,item,quantity,unit,unit_price_usd,monthly_cost_usd,annual_cost_usd"
    ));
    assert!(
        std::fs::read_to_string(out("r-series.csv"))
            .unwrap()
            .starts_with("time_s,time_h,traffic_rps,")
    );

    let (code, _, se) = breakeven(&["report", FIXTURE, "-o", &out("r.json"), "--fast"]);
    assert_eq!(code, 0, "{se}");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out("r.json")).unwrap()).unwrap();
    assert_eq!(v["report_version"], 1);
    assert_eq!(v["mode"], "Fast");
    // the run part is what `run --fast --json` prints
    let (code, run, se) = breakeven(&["run", FIXTURE, "--fast", "--json"]);
    assert_eq!(code, 0, "{se}");
    let run: serde_json::Value = serde_json::from_str(&run).unwrap();
    for (k, val) in run.as_object().unwrap() {
        assert_eq!(&v[k], val, "{k}");
    }
    let (code, sweep, _) = breakeven(&["sweep", FIXTURE, "--json"]);
    assert_eq!(code, 0);
    let sweep: serde_json::Value = serde_json::from_str(&sweep).unwrap();
    assert_eq!(v["sweep"]["platforms"], sweep["platforms"]);
    assert!(v["sweep"]["crossovers"].is_array() && v["verdict"]["headline"].is_string());
}

#[test]
fn report_command_rejects_bad_outputs_with_exit_code_2() {
    let t = tempfile::tempdir().unwrap();
    let pdf = t.path().join("r.pdf").display().to_string();
    let (code, _, se) = breakeven(&["report", FIXTURE, "-o", &pdf, "--fast"]);
    assert_eq!(code, 2);
    assert!(se.contains(".html, .md, .csv or .json") && se.contains("r.pdf"), "{se}");
    assert!(entries(t.path()).is_empty());

    let html = t.path().join("r.html").display().to_string();
    let (code, _, se) = breakeven(&["report", FIXTURE, "-o", &html, "--series"]);
    assert_eq!(code, 2);
    assert!(se.contains("--series"), "{se}");

    let missing = t.path().join("nope").join("r.html").display().to_string();
    let (code, _, se) = breakeven(&["report", FIXTURE, "-o", &missing, "--fast"]);
    assert_eq!(code, 2);
    assert!(se.contains(&missing) && se.contains("os error 2"), "{se}");
    assert!(entries(t.path()).is_empty());

    if let Some((ro, _keep)) = read_only_dir() {
        let before = entries(&ro);
        let out = ro.join("r.html").display().to_string();
        let (code, so, se) = breakeven(&["report", FIXTURE, "-o", &out, "--fast"]);
        assert_eq!(code, 2, "{so}{se}");
        assert!(se.contains(&out) && se.contains("os error"), "{se}");
        assert_eq!(entries(&ro), before);
    }

    let (code, _, se) = breakeven(&["report", "tests/fixtures/report/missing.ron", "-o", &html, "--fast"]);
    assert_eq!(code, 2, "{se}");
    assert!(!Path::new(&html).exists());
}

#[test]
fn default_scenario_builds_a_report_in_fast_mode() {
    // every shipped scenario would be slow; the default one checks a real-sized report
    let cat = Catalog::builtin().unwrap();
    let s = model::default_scenario(&cat).unwrap();
    let p = sim::prepare(&s, Path::new("scenarios"), &cat, &mut TraceStore::default()).unwrap();
    let opts = report::Options {
        run_mode: Mode::Fast,
        ..report::Options::default()
    };
    let r = report::build(&p, &cat, &opts, &Control::default()).unwrap();
    assert!(r.monte_carlo.is_none());
    assert_eq!(r.map.x.len(), opts.map_nx);
    assert!(!r.sweep.crossovers.is_empty());
    let html = report::to_html(&r, date());
    assert!(scraper::Html::parse_document(&html).errors.is_empty());
    assert_self_contained(&html);
    // the same verdict the analysis gives
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    assert_eq!(
        r.verdict.headline,
        analysis::verdict(&p, &cat, &r.run, &sw).unwrap().headline
    );
}

// ---------------------------------------------------------------------------------------
// Applications (scenario version 2): placements in every format

const APP_FIXTURE: &str = "tests/fixtures/app/shop.ron";

/// The two-workload application's report (`api` at 2 req/s, `worker` triggered by half of
/// its completions, a `flow` pipeline; Lambda or one Fargate replica; 2 days), fast mode.
fn app_report() -> &'static Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let cat = Catalog::builtin().unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(APP_FIXTURE);
        let s = model::load_scenario_file(&path, &cat).unwrap();
        let base = path.parent().unwrap().to_path_buf();
        let p = sim::prepare(&s, &base, &cat, &mut TraceStore::default()).unwrap();
        let opts = report::Options {
            run_mode: Mode::Fast,
            sweep_points: 24,
            map_nx: 6,
            map_ny: 4,
            monte_carlo: true,
        };
        report::build(&p, &cat, &opts, &Control::default()).unwrap()
    })
}

/// The numbers every format shows: two all-on placements, Lambda the best; per-workload
/// costs add up to each total; one Fargate replica (the minimum, kept up the whole time)
/// split by CPU time: api 345,600 x 100 ms x 0.3 = 10,368 CPU-s, worker 172,800 x 200 ms
/// x 0.5 = 17,280 CPU-s, so api pays 10,368 / 27,648 = 37.5 % of it.
#[test]
fn application_placements_add_up() {
    let r = app_report();
    let names: Vec<&str> = r.run.placements.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["All on Lambda", "All on Fargate"]);
    assert_eq!(r.run.best_placement.as_deref(), Some("All on Lambda"));
    for p in &r.run.placements {
        let sum: f64 = p.workloads.iter().map(|w| w.cost_usd).sum();
        assert!((sum - p.total_usd).abs() < 1e-6, "{}: {sum} vs {}", p.name, p.total_usd);
        let req: Vec<u64> = p.workloads.iter().map(|w| w.requests).collect();
        assert_eq!(req, [345_600, 172_800], "{}", p.name);
    }
    let (lambda, fargate) = (&r.run.placements[0], &r.run.placements[1]);
    assert_eq!(lambda.total_usd, 1.14);
    assert_eq!(fargate.total_usd, 2.37);
    assert!((fargate.workloads[0].cost_usd - 0.375 * 2.37).abs() < 1e-6);
    assert!((fargate.workloads[1].cost_usd - 0.625 * 2.37).abs() < 1e-6);
    let content = report::content::document(r, date());
    let ids: Vec<&str> = content.sections.iter().map(|s| s.id).collect();
    assert_eq!(&ids[..4], ["summary", "verdict", "placements", "assumptions"]);
}

#[test]
fn application_markdown_has_placements_workloads_and_pipelines() {
    let md = report::to_markdown(app_report(), date(), &ChartLinks::Omitted { reason: "test".into() }).text;
    for line in [
        "## Placements",
        "| **All on Lambda (best)** | $1.14 | best | yes |",
        "| All on Fargate | $2.37 | 2.1x | yes |",
        "| Workload | Best: runs on | All on Lambda (best) | All on Fargate |",
        "| **api** | Lambda | $0.54 | $0.89 |",
        "| **worker** | Lambda | $0.60 | $1.48 |",
        "| **Total** |  | **$1.14** | **$2.37** |",
        "### All on Lambda, workload by workload",
        "### Workload api",
        "### Workload worker",
        "| Traffic: constant | 2 req/s all the time |",
        "| Traffic: triggered | 50 % of the requests that complete in api each trigger one, 20 ms after it completes |",
        "| Arrivals | when the triggering requests complete |",
        "| **flow** | api \u{2192} worker | 2,000 ms |",
        "| **Lambda** | aws-lambda | function | every workload |",
    ] {
        assert!(md.lines().any(|l| l.starts_with(line)), "missing {line:?} in\n{md}");
    }
    // the pipeline on each placement, against its objective
    let flow: Vec<&str> = md.lines().filter(|l| l.starts_with("| **flow** | All on")).collect();
    assert_eq!(flow.len(), 2, "{md}");
    assert!(flow.iter().all(|l| l.contains("0 % over 2,000 ms | yes |")), "{flow:?}");
    // a single-workload report has none of this
    let single = report::to_markdown(fixture(), date(), &ChartLinks::Omitted { reason: "test".into() }).text;
    assert!(!single.contains("## Placements") && !single.contains("### Workloads"));
}

#[test]
fn application_html_has_the_placements_section() {
    use scraper::{Html, Selector};
    let html = report::to_html(app_report(), date());
    let doc = Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "HTML5 parse errors: {:?}", doc.errors);
    assert_self_contained(&html);
    let sel = Selector::parse("section#placements table").unwrap();
    let tables: Vec<String> = doc
        .select(&sel)
        .map(|t| t.text().collect::<Vec<_>>().join("|"))
        .collect();
    assert_eq!(
        tables.len(),
        4,
        "placements, costs per workload, the best one, pipelines"
    );
    assert!(
        tables[0].contains("All on Lambda (best)") && tables[0].contains("$2.37"),
        "{}",
        tables[0]
    );
    assert!(
        tables[1].contains("$0.89") && tables[1].contains("$1.48"),
        "{}",
        tables[1]
    );
}

/// CSV: the bill lines as before, then one row per workload of each placement (the best
/// first) under the same columns; a placement's rows add up to its platform's bill
/// (monthly: the 2 days scaled to 30).
#[test]
fn application_csv_has_per_workload_rows() {
    let text = report::to_csv(app_report());
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        report::csv::BILL_HEADER
    );
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let workload_rows: Vec<[&str; 4]> = rows
        .iter()
        .filter(|r| r[4].starts_with("workload "))
        .map(|r| [r[0].as_str(), r[4].as_str(), r[5].as_str(), r[8].as_str()])
        .collect();
    assert_eq!(
        workload_rows,
        [
            ["All on Lambda", "workload api", "345600", "8.05"],
            ["All on Lambda", "workload worker", "172800", "9.05"],
            ["All on Fargate", "workload api", "345600", "13.33"],
            ["All on Fargate", "workload worker", "172800", "22.22"],
        ]
    );
    let sum = |estimate: &str, platform: &str, workload: bool| -> f64 {
        rows.iter()
            .filter(|r| r[0] == estimate && r[1] == platform && r[4].starts_with("workload ") == workload)
            .map(|r| r[8].parse::<f64>().unwrap())
            .sum()
    };
    for (platform, estimate, monthly) in [("Lambda", "All on Lambda", 17.10), ("Fargate", "All on Fargate", 35.55)] {
        let bill = sum("App test", platform, false);
        let parts = sum(estimate, platform, true);
        assert!((bill - monthly).abs() < 1e-9, "{platform}: bill {bill}");
        assert!((parts - monthly).abs() < 0.015, "{platform}: {parts} vs {monthly}");
    }
}

#[test]
fn application_json_holds_the_run_json_placements() {
    let r = app_report();
    let v = report::to_json_value(r, date());
    let run = report::json::run_json(&r.run);
    for k in ["placements", "best_placement", "placement_search", "platforms"] {
        assert_eq!(v[k], run[k], "{k}");
    }
    assert_eq!(v["best_placement"], "All on Lambda");
    assert_eq!(v["placements"][1]["assignment"]["worker"], "Fargate");
    assert_eq!(v["placements"][1]["total_usd"], 2.37);
    assert_eq!(v["placements"][0]["pipelines"][0]["name"], "flow");
    assert_eq!(v["placement_search"]["assignments"], 4);
    assert_eq!(v["inputs"]["workloads"].as_array().map(Vec::len), Some(2));
}

// ---------------------------------------------------------------------------------------
// The rest of the bill: categories, managed services, their price sources

const CONTRACT_V2: &str = "tests/fixtures/contract/scenario-v2.ron";
const COMPUTE_ONLY: &str = "tests/fixtures/report/compute-only.ron";

/// A report of `path` in the fast mode, with a small sweep and map and no Monte Carlo.
fn quick_report(path: &str) -> Report {
    let cat = Catalog::builtin().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let s = model::load_scenario_file(&path, &cat).unwrap();
    let base = path.parent().unwrap().to_path_buf();
    let p = sim::prepare(&s, &base, &cat, &mut TraceStore::default()).unwrap();
    let opts = report::Options {
        run_mode: Mode::Fast,
        sweep_points: 6,
        map_nx: 3,
        map_ny: 2,
        monte_carlo: false,
    };
    report::build(&p, &cat, &opts, &Control::default()).unwrap()
}

/// The contract's application: api's 57,024,000 requests (a 40 to 4 req/s daily cycle
/// over 30 days) with 12 KB responses, 1.5 KB of logs, DynamoDB and SQS calls; EC2 in
/// private subnets behind two NAT gateways with 30 GB root volumes.
fn contract_report() -> &'static Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| quick_report(CONTRACT_V2))
}

fn md_of(r: &Report) -> String {
    report::to_markdown(r, date(), &ChartLinks::Omitted { reason: "test".into() }).text
}

/// By hand: 57,024,000 x 12 KB = 652.588 GB out (KB / 1,024^2), 100 GB free, 552.588 GB at
/// $0.09 = $49.73 on every AWS platform. EC2 adds 2 NAT gateways x 720 h x $0.045 = $64.80
/// and 652.588 GB processed x $0.045 = $29.37 (network $143.90), and 2 x 30 GB of gp3 at
/// $0.08 per GB-month = $4.80 of storage. The calls: 114,048,000 DynamoDB reads x
/// $0.125/M = $14.26, 28,512,000 writes x $0.625/M = $17.82; 5,702,400 SQS sends, the
/// first million free, 4,702,400 x $0.40/M = $1.88; $33.96 under every platform.
#[test]
fn categories_and_managed_services_in_every_format() {
    let r = contract_report();
    let md = md_of(r);
    assert!(
        md.contains(
            "| Platform | Service | Kind | Compute | Network | Logs | Storage | Total | Per million requests | Compared with the cheapest |"
        ),
        "{md}"
    );
    let row = |name: &str| -> Vec<String> {
        let l = md
            .lines()
            .find(|l| l.starts_with(&format!("| **{name}** | ")) && l.contains(" | $"))
            .unwrap_or_else(|| panic!("no cost row for {name}"));
        l.split(" | ")
            .map(|c| c.trim_matches(|ch| ch == '|' || ch == ' ').to_string())
            .collect()
    };
    for p in &r.run.platforms {
        let cells = row(&p.name);
        // compute + network + logs + storage = the total, in the columns
        let logs = format!(
            "${}",
            p.bill.category_usd(breakeven::billing::Category::Logs).round_dp(2)
        );
        let network = if p.name == "EC2" { "$143.90" } else { "$49.73" };
        assert_eq!(cells[4], network, "{}: {cells:?}", p.name);
        assert_eq!(cells[5], logs, "{}", p.name);
        assert_eq!(cells[7], format!("**{}**", report::fmt::usd(p.total_usd)), "{}", p.name);
    }
    let ec2 = row("EC2");
    assert_eq!((ec2[4].as_str(), ec2[6].as_str()), ("$143.90", "$4.80"));
    assert_eq!(row("Lambda")[6], "\u{2014}", "no storage on a function");
    // itemised bills: each line's category, the subtotals beneath
    for line in [
        "| network | NAT gateway hours | 1,440 | NAT gateway-hour | $0.045 | $64.80 |",
        "| network | NAT gateway data processed | 652.588 | GB | $0.045 | $29.37 |",
        "| storage | gp3 storage | 60 | GB-month | $0.08 | $4.80 |",
        "| network | Data transfer out to the internet | 552.588 | GB | $0.09 | $49.73 |",
    ] {
        assert!(md.lines().any(|l| l.starts_with(line)), "missing {line:?}");
    }
    let ec2_sub = md
        .lines()
        .find(|l| l.starts_with("*By category: compute ") && l.contains("storage $4.80"))
        .expect("EC2's subtotals");
    assert!(ec2_sub.contains("network $143.90"), "{ec2_sub}");
    // the services: their own section, not in any platform's total
    assert_eq!(r.run.services_usd, 33.96);
    for line in [
        "## Managed services the requests call",
        "| **Amazon DynamoDB (on-demand)** | us-east-1 | $32.08 |",
        "| **Amazon SQS** | us-east-1 | $1.88 |",
        "| **Total, under every platform** |  | **$33.96** |",
        "| Read request units | 114,048,000 | read request unit | $0.000000125 | $14.26 |",
        "| Write request units | 28,512,000 | write request unit | $0.000000625 | $17.82 |",
        "| Standard queue requests | 4,702,400 | request | $0.0000004 | $1.88 |",
    ] {
        assert!(md.lines().any(|l| l.starts_with(line)), "missing {line:?} in\n{md}");
    }
    let fargate = r.run.platforms.iter().find(|p| p.name == "Fargate").unwrap();
    let whole = format!(
        "| **Fargate** | {} | $33.96 | **{}** |",
        report::fmt::usd(fargate.total_usd),
        report::fmt::usd(fargate.total_usd + 33.96)
    );
    assert!(md.contains(&whole), "{whole}");
    assert!(md.contains("not in the platform totals"));

    // HTML: the same section, parsed
    let html = report::to_html(r, date());
    let doc = scraper::Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let sel = scraper::Selector::parse("section#services table").unwrap();
    assert_eq!(doc.select(&sel).count(), 4, "services, whole bill, DynamoDB, SQS");
    let costs = scraper::Selector::parse("section#costs th").unwrap();
    let heads: Vec<String> = doc.select(&costs).map(|h| h.text().collect()).collect();
    assert_eq!(&heads[3..8], ["Compute", "Network", "Logs", "Storage", "Total"]);

    // CSV: every line's category; the services' rows under their section's name
    let text = report::to_csv(r);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&head[..10], report::csv::BILL_HEADER);
    assert_eq!(head[10], "category");
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    let nat: Vec<&Vec<String>> = rows.iter().filter(|x| x[4].starts_with("NAT gateway")).collect();
    assert_eq!(nat.len(), 2);
    assert!(nat.iter().all(|x| x[1] == "EC2" && x[10] == "network"));
    let svc: Vec<[&str; 4]> = rows
        .iter()
        .filter(|x| x[1] == report::csv::SERVICES_SECTION)
        .map(|x| [x[2].as_str(), x[4].as_str(), x[8].as_str(), x[10].as_str()])
        .collect();
    assert_eq!(
        svc,
        [
            ["aws-dynamodb", "Read request units", "14.26", "services"],
            ["aws-dynamodb", "Write request units", "17.82", "services"],
            ["aws-sqs", "Standard queue requests", "1.88", "services"],
        ]
    );
    assert!(
        rows.iter()
            .filter(|x| x[4] == "gp3 storage")
            .all(|x| x[10] == "storage")
    );

    // JSON: the run's fields, plus the services by service and each whole bill
    let v = report::to_json_value(r, date());
    assert_eq!(v["services_usd"], 33.96);
    assert_eq!(v["services_summary"][0]["service"], "aws-dynamodb");
    assert_eq!(v["services_summary"][0]["total_usd"], 32.08);
    assert_eq!(v["services_summary"][1]["total_usd"], 1.88);
    assert_eq!(v["platforms"][2]["cost_by_category"]["storage"], 4.8);
    assert_eq!(v["platforms"][2]["cost_by_category"]["network"], 143.9);
    let whole = v["whole_bill_usd"]["Fargate"].as_f64().unwrap();
    assert!((whole - (fargate.total_usd + 33.96)).abs() < 1e-9, "{whole}");
}

/// A compute-only comparison keeps the tables it had: no category columns, no category in
/// the bills or the CSV, no services section, no price sources of the rest of the bill.
#[test]
fn compute_only_reports_keep_their_shape() {
    let r = quick_report(COMPUTE_ONLY);
    assert!(report::content::extra_categories(&r).is_empty());
    let md = md_of(&r);
    assert!(md.contains(
        "| Platform | Service | Kind | Cost | Per 30 days | Per million requests | Compared with the cheapest |"
    ));
    assert!(md.contains("| Item | Quantity | Unit | Unit price | Amount | Note |"));
    for absent in [
        "Managed services",
        "By category",
        "| Category |",
        "| Compute |",
        ": free allowance",
    ] {
        assert!(!md.contains(absent), "{absent}");
    }
    let html = report::to_html(&r, date());
    assert!(!html.contains("id=\"services\""));
    let text = report::to_csv(&r);
    let head = text.lines().next().unwrap();
    assert_eq!(head, report::csv::BILL_HEADER.join(","));
    let v = report::to_json_value(&r, date());
    assert_eq!(v["services_summary"], serde_json::json!([]));
    assert_eq!(v["services_usd"], 0.0);
    let services: std::collections::BTreeSet<&str> = r.sources.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, ["aws-lambda", "gcp-cloud-run"].into_iter().collect());
}

/// The sources table lists the prices the rest of the bill used, each with its unit,
/// region, date, status and source: egress and its global free allowance, CloudWatch,
/// the NAT gateway, gp3 and the DynamoDB and SQS meters called; not IPv4 (no platform
/// asks for it) nor burstable credits (m7g.large is not burstable).
#[test]
fn price_sources_list_the_rest_of_the_bill() {
    let r = contract_report();
    let find = |service: &str, item: &str| {
        r.sources
            .iter()
            .find(|s| s.service == service && s.item == item)
            .unwrap_or_else(|| panic!("no {service} {item} in {:#?}", r.sources))
    };
    let egress = find("aws-data-transfer", "Data transfer out to the internet");
    assert_eq!(
        egress.rate,
        "per GB: $0.09 up to 10,240 GB; $0.085 up to 51,200 GB; $0.07 up to 153,600 GB; $0.05 above"
    );
    assert_eq!(egress.region, "us-east-1");
    assert_eq!(egress.effective.as_deref(), Some("2026-07-30"));
    assert_eq!(egress.status.as_deref(), Some("Secondary"));
    assert_eq!(egress.source, "https://aws.amazon.com/ec2/pricing/on-demand/");
    let free = find("aws-data-transfer", "Data transfer out to the internet: free allowance");
    assert_eq!(free.rate, "100 GB free a month, per account, all services and regions");
    assert_eq!(free.region, "global");
    let reads = find("aws-dynamodb", "Read request units");
    assert_eq!(reads.rate, "$0.000000125 per read request unit");
    assert_eq!(reads.source, "https://aws.amazon.com/dynamodb/pricing/on-demand/");
    assert_eq!(reads.effective.as_deref(), Some("2026-10-04"));
    assert_eq!(
        find("aws-dynamodb", "Write request units").rate,
        "$0.000000625 per write request unit"
    );
    assert_eq!(
        find("aws-nat-gateway", "NAT gateway hours").rate,
        "$0.045 per NAT gateway-hour"
    );
    assert_eq!(
        find("aws-nat-gateway", "NAT gateway data processed").rate,
        "$0.045 per GB"
    );
    assert_eq!(find("aws-ebs", "gp3 storage (root volumes)").rate, "$0.08 per GB-month");
    assert_eq!(
        find("aws-cloudwatch-logs", "Log ingestion (Standard, custom logs)").rate,
        "$0.5 per GB"
    );
    let sqs = find("aws-sqs", "Standard queue requests");
    assert!(sqs.note.contains("each 64 KB chunk"), "{}", sqs.note);
    assert_eq!(
        find("aws-sqs", "Free allowance, shared by the service's meters").rate,
        "1,000,000 requests free a month, per account"
    );
    // each figure once, though three platforms pay egress
    assert_eq!(r.sources.iter().filter(|s| s.service == "aws-data-transfer").count(), 2);
    assert!(
        !r.sources
            .iter()
            .any(|s| s.service == "aws-public-ipv4" || s.service == "aws-ec2-cpu-credits")
    );
    // the HTML links each to its page
    let html = report::to_html(r, date());
    for url in [
        "https://aws.amazon.com/ec2/pricing/on-demand/",
        "https://aws.amazon.com/dynamodb/pricing/on-demand/",
        "https://aws.amazon.com/vpc/pricing/",
    ] {
        assert!(html.contains(&format!("<a href=\"{url}\">")), "{url}");
    }

    // public IPv4 when a fleet asks for it; burstable credits for a t3 instance
    let cat = Catalog::builtin().unwrap();
    let mut s = r.scenario.clone();
    for p in &mut s.platforms {
        if let model::Platform::Vm(vm) = p {
            vm.instance = "t3.micro".into();
            vm.network = Some(model::Network {
                vpc: false,
                nat_gateways: 0,
                public_ipv4: true,
            });
        }
    }
    let src = report::price_sources(&s, &cat);
    let item = |service: &str, item: &str| src.iter().find(|x| x.service == service && x.item == item);
    assert_eq!(
        item("aws-public-ipv4", "Public IPv4 address hours").map(|x| x.rate.as_str()),
        Some("$0.005 per IP-hour")
    );
    assert_eq!(
        item("aws-ec2-cpu-credits", "t3 surplus credits (Linux)").map(|x| x.rate.as_str()),
        Some("$0.05 per vCPU-hour")
    );
    assert_eq!(
        item("aws-ec2-cpu-credits", "t3.micro credits").map(|x| x.rate.as_str()),
        Some("earns 12 credits an hour (baseline 10 % of each of 2 vCPUs), holds at most 288")
    );
    assert!(
        item("aws-nat-gateway", "NAT gateway hours").is_none(),
        "no NAT any more"
    );
}
