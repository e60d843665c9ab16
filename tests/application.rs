//! Applications of several workloads (scenario format version 2): reading, checking and
//! saving. Through the public API and the binary.

mod common;

use breakeven::model::{self, Component, Scenario};
use breakeven::pricing::Catalog;
use common::breakeven;
use std::path::Path;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

fn load(path: &str) -> Scenario {
    model::load_scenario_file(Path::new(path), &catalog()).unwrap()
}

#[test]
fn the_contract_example_of_version_2_is_accepted() {
    let (code, out, err) = breakeven(&["check", "../shared/contract/scenario-v2.ron"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("4 workloads (1 pipeline), 3 platforms"), "{out}");
    let s = load("../shared/contract/scenario-v2.ron");
    let names: Vec<&str> = s.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["api", "inventory", "payment", "report"]);
    assert_eq!(s.pipelines[0].steps, ["inventory", "payment"]);
    assert_eq!(s.workloads[0].request.calls.len(), 3);
    assert_eq!(s.workloads[0].request.log_kb, 1.5);
    assert!(matches!(
        s.workloads[1].traffic.components[0],
        Component::Triggered { ref workload, per_request, delay_ms } if workload == "api" && per_request == 0.02 && delay_ms == 0.0
    ));
    assert!(s.platforms[1].may_run("report") && !s.platforms[1].runs().is_empty());
    assert!(s.platforms[0].may_run("report"), "no `runs` means every workload");
}

#[test]
fn a_version_1_file_is_one_workload_and_saves_as_version_1() {
    let s = load("scenarios/nightly-report.ron");
    assert_eq!(s.version, 1);
    assert_eq!(s.workloads.len(), 1);
    assert_eq!(s.workloads[0].name, model::WORKLOAD_V1_NAME);
    let text = model::scenario_to_ron(&s).unwrap();
    assert!(text.starts_with("// Breakeven scenario (format version 1)"), "{text}");
    assert!(
        text.contains("traffic: Traffic(") && text.contains("workload: Workload("),
        "{text}"
    );
    assert!(!text.contains("workloads"), "{text}");
    let back = model::parse_scenario(&text, "saved.ron", None, &catalog()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn a_second_workload_makes_a_version_1_scenario_version_2() {
    let mut s = load("scenarios/nightly-report.ron");
    let mut w = s.workloads[0].clone();
    w.name = "other".into();
    s.workloads.push(w);
    let text = model::scenario_to_ron(&s).unwrap();
    assert!(text.contains("version: 2") && text.contains("workloads: ["), "{text}");
    let back = model::parse_scenario(&text, "saved.ron", None, &catalog()).unwrap();
    assert_eq!(back.workloads.len(), 2);
    assert_eq!(back.version, 2);
    assert_eq!(back.workloads[1].name, "other");
}

#[test]
fn a_version_2_file_round_trips() {
    let s = load("tests/fixtures/app/shop.ron");
    let text = model::scenario_to_ron(&s).unwrap();
    let back = model::parse_scenario(&text, "saved.ron", None, &catalog()).unwrap();
    assert_eq!(back, s);
    assert!(text.starts_with("// Breakeven scenario (format version 2)"));
}

fn check_fails(path: &str) -> String {
    let (code, out, err) = breakeven(&["check", path]);
    assert_eq!(code, 2, "{out}{err}");
    err
}

#[test]
fn unknown_workload_names_are_named_with_their_position() {
    let err = check_fails("tests/fixtures/app/unknown.ron");
    assert!(
        err.contains(
            "unknown.ron:8:58: workloads[1].traffic.components[0].workload: unknown workload `apii`; the workloads are: api, worker"
        ),
        "{err}"
    );
    assert!(
        err.contains("unknown.ron:11:96: platforms[0].runs[1]: unknown workload `wrker`"),
        "{err}"
    );
    assert!(err.contains("no enabled platform may run workload `worker`"), "{err}");
}

#[test]
fn a_cycle_of_triggers_is_refused() {
    let err = check_fails("tests/fixtures/app/cycle.ron");
    assert!(
        err.contains("cycle.ron:8:58: workloads[1].traffic.components[0].workload"),
        "{err}"
    );
    assert!(err.contains("is in a cycle of triggers"), "{err}");
}

#[test]
fn pipeline_steps_must_be_triggered_in_order() {
    let err = check_fails("tests/fixtures/app/pipeline-order.ron");
    assert!(
        err.contains(
            "pipeline-order.ron:11:58: pipelines[0].steps[1]: step `a` is not triggered by the step before it (`b`)"
        ),
        "{err}"
    );
}

#[test]
fn version_2_fields_in_a_version_1_file_are_explained() {
    let text = std::fs::read_to_string("tests/fixtures/app/shop.ron")
        .unwrap()
        .replace("version: 2", "version: 1");
    let e = model::parse_scenario(&text, "v1.ron", None, &catalog()).unwrap_err();
    assert!(
        e.to_string()
            .contains("v1.ron:3:5: version: `workloads` and `pipelines` are version 2 fields: set `version: 2`"),
        "{e}"
    );
    let text = std::fs::read_to_string("scenarios/nightly-report.ron")
        .unwrap()
        .replace(
            "components: [",
            "components: [Triggered(workload: \"x\", per_request: 1.0), ",
        );
    let e = model::parse_scenario(&text, "v1.ron", None, &catalog()).unwrap_err();
    assert!(
        e.to_string().contains("Triggered traffic comes from another workload"),
        "{e}"
    );
}

#[test]
fn both_shapes_at_once_or_neither_are_parse_errors() {
    let text = std::fs::read_to_string("tests/fixtures/app/shop.ron").unwrap().replace(
        "pipelines:",
        "traffic: Traffic(components: [Constant(rps: 1.0)]), pipelines:",
    );
    let e = model::parse_scenario(&text, "both.ron", None, &catalog()).unwrap_err();
    assert!(
        e.to_string()
            .contains("either `workloads` (version 2) or `traffic` and `workload`"),
        "{e}"
    );
    let text = "Scenario(version: 2, name: \"x\", workloads: [], platforms: [])";
    let e = model::parse_scenario(text, "empty.ron", None, &catalog()).unwrap_err();
    assert!(e.to_string().contains("`workloads` is empty"), "{e}");
}
