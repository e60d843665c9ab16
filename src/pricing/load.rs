//! Reading price files: the embedded defaults and a user's folder.

use super::PriceFile;
use crate::model::Locator;
use std::path::Path;
use thiserror::Error;

/// The default catalog, compiled in. Order matters only for `origins`.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("pricing/aws-lambda.ron", include_str!("../../pricing/aws-lambda.ron")),
    (
        "pricing/aws-front-doors.ron",
        include_str!("../../pricing/aws-front-doors.ron"),
    ),
    ("pricing/aws-fargate.ron", include_str!("../../pricing/aws-fargate.ron")),
    ("pricing/aws-ec2.ron", include_str!("../../pricing/aws-ec2.ron")),
    ("pricing/gcp.ron", include_str!("../../pricing/gcp.ron")),
    ("pricing/azure.ron", include_str!("../../pricing/azure.ron")),
    ("pricing/cloudflare.ron", include_str!("../../pricing/cloudflare.ron")),
    ("pricing/aws-network.ron", include_str!("../../pricing/aws-network.ron")),
    ("pricing/aws-storage.ron", include_str!("../../pricing/aws-storage.ron")),
    ("pricing/aws-logs.ron", include_str!("../../pricing/aws-logs.ron")),
    (
        "pricing/aws-services.ron",
        include_str!("../../pricing/aws-services.ron"),
    ),
    ("pricing/gcp-extras.ron", include_str!("../../pricing/gcp-extras.ron")),
    (
        "pricing/azure-extras.ron",
        include_str!("../../pricing/azure-extras.ron"),
    ),
    (
        "pricing/cloudflare-extras.ron",
        include_str!("../../pricing/cloudflare-extras.ron"),
    ),
    (
        "pricing/exchange-rates.ron",
        include_str!("../../pricing/exchange-rates.ron"),
    ),
    // other regions: after the files above, whose regions are the reference ones
    (
        "pricing/regions/aws-lambda.ron",
        include_str!("../../pricing/regions/aws-lambda.ron"),
    ),
    (
        "pricing/regions/aws-front-doors.ron",
        include_str!("../../pricing/regions/aws-front-doors.ron"),
    ),
    (
        "pricing/regions/aws-fargate.ron",
        include_str!("../../pricing/regions/aws-fargate.ron"),
    ),
    (
        "pricing/regions/aws-ec2.ron",
        include_str!("../../pricing/regions/aws-ec2.ron"),
    ),
    ("pricing/regions/gcp.ron", include_str!("../../pricing/regions/gcp.ron")),
    (
        "pricing/regions/azure.ron",
        include_str!("../../pricing/regions/azure.ron"),
    ),
];

#[derive(Debug, Error, Clone, PartialEq)]
pub enum PricingError {
    /// The file or folder could not be read; `message` says why (`no such file`).
    #[error("{file}: {message}")]
    Io { file: String, message: String },
    #[error("{file}:{line}:{col}: {}", field_and(.field, .message))]
    Parse {
        file: String,
        line: usize,
        col: usize,
        field: String,
        message: String,
    },
}

/// `field: message`, or the message alone where no field is at fault (the whole file).
fn field_and(field: &str, message: &str) -> String {
    if field.is_empty() {
        message.to_string()
    } else {
        format!("{field}: {message}")
    }
}

pub fn parse_price_file(text: &str, file: &str) -> Result<PriceFile, PricingError> {
    // a byte-order mark (some Windows editors write one) is not RON
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let opts = crate::model::ron_options();
    let parsed: Result<PriceFile, _> = opts.from_str(text);
    let pf = match parsed {
        Ok(pf) => pf,
        Err(e) => {
            let loc = Locator::new(text);
            let (field, message) = crate::model::describe_ron_error(&e, &loc);
            let message = crate::model::refine_ron_message(text, &e, message);
            return Err(PricingError::Parse {
                file: file.to_string(),
                line: e.span.start.line,
                col: e.span.start.col,
                field,
                message,
            });
        }
    };
    let problems = super::validate_price_file(&pf);
    if let Some(p) = problems.first() {
        let loc = Locator::new(text);
        let pos = loc.position(&p.path);
        let all: Vec<String> = problems
            .iter()
            .map(|p| {
                let pos = loc.position(&p.path);
                format!("{}:{}: {}: {}", pos.line, pos.col, p.path, p.message)
            })
            .collect();
        return Err(PricingError::Parse {
            file: file.to_string(),
            line: pos.line,
            col: pos.col,
            field: p.path.clone(),
            message: if all.len() == 1 {
                p.message.clone()
            } else {
                format!("{} (and {} more: {})", p.message, all.len() - 1, all[1..].join("; "))
            },
        });
    }
    Ok(pf)
}

pub(super) fn read_dir_files(dir: &Path) -> Result<Vec<(String, String)>, PricingError> {
    let shown = dir.display().to_string();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(PricingError::Io {
                file: shown,
                message: "is not a folder: --pricing takes a folder of .ron price files".into(),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(PricingError::Io {
                file: shown,
                message: "no such folder".into(),
            });
        }
        Err(e) => {
            return Err(PricingError::Io {
                file: shown,
                message: format!("cannot read: {e}"),
            });
        }
    }
    let rd = std::fs::read_dir(dir).map_err(|e| PricingError::Io {
        file: shown.clone(),
        message: format!("cannot read: {e}"),
    })?;
    let mut paths: Vec<_> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(PricingError::Io {
            file: shown,
            message: "no .ron price files in this folder".into(),
        });
    }
    paths.into_iter().map(|p| read_price_text(&p)).collect()
}

/// Reads one price file (at most `util::MAX_TEXT_FILE_BYTES`, UTF-8, a leading
/// byte-order mark dropped): `(shown name, text)`.
pub fn read_price_text(path: &Path) -> Result<(String, String), PricingError> {
    let name = path.display().to_string();
    match crate::util::read_text_capped(path, crate::util::MAX_TEXT_FILE_BYTES) {
        Ok(t) => Ok((name, t)),
        Err(crate::util::TextError::Io(message)) => Err(PricingError::Io { file: name, message }),
        Err(crate::util::TextError::NotUtf8 { line, col }) => Err(PricingError::Parse {
            file: name,
            line,
            col,
            field: String::new(),
            message: "the file is not UTF-8 text".into(),
        }),
    }
}

/// An error at `field` of a price file, positioned where the field is written.
fn located(text: &str, file: &str, field: String, message: String) -> PricingError {
    let pos = Locator::new(text).position(&field);
    PricingError::Parse {
        file: file.to_string(),
        line: pos.line,
        col: pos.col,
        field,
        message,
    }
}

/// For a service id defined twice in one folder: the error at the second definition,
/// naming the first file.
pub(super) fn duplicate_id(text: &str, file: &str, list: &str, index: usize, id: &str, first: &str) -> PricingError {
    located(
        text,
        file,
        format!("{list}[{index}].id"),
        format!("service id `{id}` is also defined in {first}; one folder may define an id only once"),
    )
}

/// An entry replacing one of another kind: the bills read an id as the kind they know it
/// by, so an `aws-alb` given as a Lambda entry silently dropped every load balancer line.
pub(super) fn kind_changed(
    text: &str,
    file: &str,
    list: &str,
    index: usize,
    id: &str,
    kind: &str,
    was: &str,
) -> PricingError {
    located(
        text,
        file,
        format!("{list}[{index}].id"),
        format!(
            "`{id}` is {} {was} entry in the catalog and the bills read it as one, but this is {} {kind} \
             entry: write `{was}(...)` to replace its prices, or give this entry an id of its own",
            article(was),
            article(kind)
        ),
    )
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// A metered entry replacing one without a meter the bills use.
pub(super) fn meter_missing(
    text: &str,
    file: &str,
    index: usize,
    new: &super::extra::Metered,
    operation: &str,
    old: &super::extra::Metered,
) -> PricingError {
    // each meter by its canonical (first) operation
    let names = |m: &super::extra::Metered| -> Vec<String> {
        m.meters.iter().filter_map(|x| x.operations.first().cloned()).collect()
    };
    let has = names(new);
    located(
        text,
        file,
        format!("extras[{index}].meters"),
        format!(
            "`{}` has no meter for `{operation}`, which the bills use: a replacement keeps every meter of \
             the entry it replaces ({}) and may add more; this one meters {}",
            new.id,
            names(old).join(", "),
            if has.is_empty() {
                "nothing".to_string()
            } else {
                has.join(", ")
            }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_text_is_named_without_an_empty_field() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.ron");
        std::fs::write(&f, b"Service(\xff)").unwrap();
        let e = read_price_text(&f).unwrap_err().to_string();
        assert!(e.ends_with("a.ron:1:9: the file is not UTF-8 text"), "{e}");
        let e = PricingError::Parse {
            file: "b.ron".into(),
            line: 3,
            col: 4,
            field: "services[0].id".into(),
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "b.ron:3:4: services[0].id: bad");
    }
}
