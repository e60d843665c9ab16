//! Reading and writing scenario files, with errors that name file, line, column and field.

use super::{Locator, Scenario, validate_scenario};
use crate::pricing::Catalog;
use std::fmt;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// One thing wrong with a value, by field path (`platforms[0].memory_mb`).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A problem placed in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // not a position in the text: the file itself (missing, too large, a folder)
            if self.field.is_empty() {
                write!(f, "{}: {}", self.file, self.message)
            } else {
                write!(f, "{}: {}: {}", self.file, self.field, self.message)
            }
        } else if self.field.is_empty() {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file, self.line, self.col, self.field, self.message
            )
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum LoadError {
    /// The file could not be read or written; `message` says why (`no such file`).
    #[error("{file}: {message}")]
    Io { file: String, message: String },
    /// The text is not a valid scenario (syntax, unknown field, wrong type).
    #[error("{0}")]
    Parse(Located),
    /// The scenario parsed but some values are out of range or inconsistent; all listed.
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Located>),
}

impl LoadError {
    /// Every located problem (one for a parse error, all for validation).
    pub fn problems(&self) -> Vec<Located> {
        match self {
            LoadError::Io { file, message } => vec![Located {
                file: file.clone(),
                line: 0,
                col: 0,
                field: String::new(),
                message: message.clone(),
            }],
            LoadError::Parse(l) => vec![l.clone()],
            LoadError::Invalid(v) => v.clone(),
        }
    }
}

/// RON options shared by every file the program reads and writes: newtype variants are
/// written without a second pair of parentheses (`Function(name: ...)`).
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// A readable message and the field it concerns, for a RON parse error.
/// The field at fault when a scenario's fields do not make a version 1 or a version 2
/// scenario (the messages of `TryFrom<ScenarioFile>`), with the message to show.
fn whole_scenario_problem(code: &ron::error::Error) -> Option<(&'static str, String)> {
    let ron::error::Error::Message(m) = code else {
        return None;
    };
    let field = if m.starts_with("missing field `workload`") {
        return Some((
            "workload",
            format!(
                "{m}: a version 1 scenario describes its requests in `workload: Workload(duration_ms: ..., \
                 cpu_fraction: ..., cold_start_ms: ...)` (version 2: `workloads: [...]`)"
            ),
        ));
    } else if m.starts_with("missing field `traffic`") {
        "traffic"
    } else if m.starts_with("a scenario has either") || m.starts_with("`workloads` is empty") {
        "workloads"
    } else {
        return None;
    };
    Some((field, m.clone()))
}

pub fn describe_ron_error(e: &ron::error::SpannedError, loc: &Locator) -> (String, String) {
    use ron::error::Error as E;
    let pos = super::locate::Pos {
        line: e.span.start.line,
        col: e.span.start.col,
    };
    let here = loc.path_at(pos).unwrap_or("").to_string();
    match &e.code {
        E::NoSuchStructField { expected, found, outer } => {
            // the position is at the unknown name, which is itself a field of the scan
            // A capitalised name is a type, never a field: a block wrapped in `Some(...)`
            // that names its own type (`Some(Uncertainty(traffic: ...))`). The files list
            // such a block's fields directly inside `Some(...)`, and ron then reads the
            // type's name as a field (naming the wrong struct as `outer`).
            if found.starts_with(|c: char| c.is_ascii_uppercase()) {
                let field = here
                    .strip_suffix(found.as_str())
                    .map(|p| p.trim_end_matches('.').to_string())
                    .unwrap_or(here);
                let first = expected.first().copied().unwrap_or("...");
                return (
                    field,
                    format!(
                        "`{found}(` is not written here: inside `Some(...)` list the block's fields \
                         directly, as `Some({first}: ...)`; its fields: {}",
                        expected.join(", ")
                    ),
                );
            }
            let field = if here == *found || here.ends_with(&format!(".{found}")) {
                here
            } else {
                join(&parent_of(&here), found)
            };
            (
                field,
                format!(
                    "unknown field `{found}`{}; expected one of: {}",
                    outer.as_ref().map(|o| format!(" in {o}")).unwrap_or_default(),
                    expected.join(", ")
                ),
            )
        }
        E::MissingStructField { field, outer } => (
            join(loc.path_enclosing(pos).unwrap_or(""), field),
            format!(
                "missing field `{field}`{}",
                outer.as_ref().map(|o| format!(" in {o}")).unwrap_or_default()
            ),
        ),
        E::NoSuchEnumVariant { expected, found, outer } => (
            here,
            format!(
                "unknown variant `{found}`{}; expected one of: {}",
                outer.as_ref().map(|o| format!(" for {o}")).unwrap_or_default(),
                expected.join(", ")
            ),
        ),
        E::ExpectedOption => (
            here,
            "this field is optional: write its value inside `Some(...)` (as `Some(600.0)`), or `None`".to_string(),
        ),
        E::IntegerOutOfBounds => (
            here,
            "number out of range for this field (a whole number of zero or more is expected)".to_string(),
        ),
        other => {
            // A syntax error between values: name the field just before it.
            let innermost_is_container = loc.path_before(pos).is_some_and(|b| b.starts_with(&here) && b != here);
            if (here.is_empty() || innermost_is_container)
                && let Some(before) = loc.path_before(pos)
            {
                return (before.to_string(), format!("{other} (just after field `{before}`)"));
            }
            (here, other.to_string())
        }
    }
}

/// A clearer message for one common mistake: a fraction or an exponent where a whole
/// number belongs (`memory_mb: 5.5` reads as `5` followed by junk, "Expected comma").
pub fn refine_ron_message(text: &str, e: &ron::error::SpannedError, message: String) -> String {
    if !matches!(e.code, ron::error::Error::ExpectedComma) {
        return message;
    }
    let Some(line) = text.lines().nth(e.span.start.line.saturating_sub(1)) else {
        return message;
    };
    let before: Vec<char> = line.chars().take(e.span.start.col.saturating_sub(1)).collect();
    let here = line.chars().nth(e.span.start.col.saturating_sub(1));
    if matches!(here, Some('.' | 'e' | 'E')) && before.last().is_some_and(|c| c.is_ascii_digit()) {
        return "a whole number is expected here, without a fraction or exponent".to_string();
    }
    message
}

fn parent_of(path: &str) -> String {
    // The error position of an unknown field is at the field name, inside its parent's
    // span; `path_at` returns the innermost value containing it, which is the parent.
    path.to_string()
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// Parses and validates scenario text. `file` names it in messages; `base_dir` resolves
/// trace paths (None: trace files are not checked).
pub fn parse_scenario(
    text: &str,
    file: &str,
    base_dir: Option<&Path>,
    catalog: &Catalog,
) -> Result<Scenario, LoadError> {
    // a byte-order mark (some Windows editors write one) is not RON
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let opts = ron_options();
    let mut scenario: Scenario = match opts.from_str(text) {
        Ok(s) => s,
        Err(e) => {
            let loc = Locator::new(text);
            let (mut line, mut col) = (e.span.start.line, e.span.start.col);
            let (field, message) = match whole_scenario_problem(&e.code) {
                // which of the version's fields is missing or doubled: named as such, at
                // that field where it is written (ron puts it at the file's end, after the
                // last field, which it would name instead)
                Some((field, message)) => {
                    if text.contains(&format!("{field}:")) {
                        let p = loc.position(field);
                        (line, col) = (p.line, p.col);
                    }
                    (field.to_string(), message)
                }
                None => describe_ron_error(&e, &loc),
            };
            let message = if text.trim().is_empty() {
                "the file is empty; a scenario starts with `Scenario(` (see scenarios/ for examples)".to_string()
            } else {
                refine_ron_message(text, &e, message)
            };
            return Err(LoadError::Parse(Located {
                file: file.to_string(),
                line,
                col,
                field,
                message,
            }));
        }
    };
    let mut problems = super::empirical::resolve(&mut scenario, base_dir);
    // a quantile file that could not be read is said once, by `resolve`, with its reason
    let unread: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
    problems.extend(
        validate_scenario(&scenario, catalog, base_dir)
            .into_iter()
            .filter(|p| !unread.contains(&p.path)),
    );
    if problems.is_empty() {
        return Ok(scenario);
    }
    let loc = Locator::new(text);
    Err(LoadError::Invalid(
        problems
            .into_iter()
            .map(|p| {
                let pos = loc.position(&p.path);
                Located {
                    file: file.to_string(),
                    line: pos.line,
                    col: pos.col,
                    field: p.path,
                    message: p.message,
                }
            })
            .collect(),
    ))
}

pub fn load_scenario_file(path: &Path, catalog: &Catalog) -> Result<Scenario, LoadError> {
    let shown = path.display().to_string();
    let text = crate::util::read_text_capped(path, crate::util::MAX_TEXT_FILE_BYTES).map_err(|e| match e {
        crate::util::TextError::Io(message) => LoadError::Io {
            file: shown.clone(),
            message,
        },
        crate::util::TextError::NotUtf8 { line, col } => LoadError::Parse(Located {
            file: shown.clone(),
            line,
            col,
            field: String::new(),
            message: "the file is not UTF-8 text".into(),
        }),
    })?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    parse_scenario(&text, &shown, Some(&base), catalog)
}

/// Pretty RON in the layout of the contract example.
pub fn scenario_to_ron(s: &Scenario) -> Result<String, String> {
    let cfg = ron::ser::PrettyConfig::default()
        .struct_names(true)
        .indentor("    ".to_string());
    ron_options()
        .to_string_pretty(s, cfg)
        .map(|t| {
            let version = if s.writes_v1() { s.version } else { s.version.max(2) };
            format!("// Breakeven scenario (format version {version})\n{t}\n")
        })
        .map_err(|e| e.to_string())
}

/// Writes atomically: a temporary file beside the target, flushed, then renamed over it,
/// so a crash or full disk never leaves a half-written scenario.
pub fn save_scenario_file(path: &Path, s: &Scenario) -> Result<(), LoadError> {
    let shown = path.display().to_string();
    let io = |e: std::io::Error| LoadError::Io {
        file: shown.clone(),
        message: format!("cannot write: {e}"),
    };
    let text = scenario_to_ron(s).map_err(|m| LoadError::Io {
        file: shown.clone(),
        message: format!("cannot write: {m}"),
    })?;
    crate::util::write_atomic(path, text.as_bytes()).map_err(io)
}

pub const DEFAULT_SCENARIO_NAME: &str = "scenarios/startup-launch.ron";
const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/startup-launch.ron");

/// The built-in scenario the application opens on.
pub fn default_scenario(catalog: &Catalog) -> Result<Scenario, LoadError> {
    parse_scenario(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, None, catalog)
}
