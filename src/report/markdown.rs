//! The Markdown report: the same document as the HTML, as headings, text and tables.
//! Charts are separate SVG files beside the `.md`, linked by relative name; when they
//! cannot be written the report says so instead of linking.

use super::Report;
use super::content::{Block, Cell, Document, Table, document};
use chrono::{DateTime, Utc};

/// Where the charts are.
#[derive(Clone, Debug, PartialEq)]
pub enum ChartLinks {
    /// Written beside the report as `{prefix}-{key}.svg`; `prefix` is the report's file
    /// stem (links are relative).
    Files { prefix: String },
    /// Not written, with the reason.
    Omitted { reason: String },
}

/// The Markdown text and the chart files it links to.
#[derive(Clone, Debug, PartialEq)]
pub struct Markdown {
    pub text: String,
    /// (file name, SVG) for each chart linked (empty when charts are omitted).
    pub charts: Vec<(String, String)>,
}

/// Escapes the characters Markdown would read as formatting (`#` only where it would
/// start a heading).
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    if s.starts_with('#') {
        o.push('\\');
    }
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' => {
                o.push('\\');
                o.push(ch);
            }
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(t) if t.is_empty() => String::new(),
        Cell::Text(t) => esc(t),
        Cell::Strong(t) if t.is_empty() => String::new(),
        Cell::Strong(t) => format!("**{}**", esc(t)),
        Cell::Link { text, href } => {
            let h = href.trim();
            let web = (h.starts_with("https://") || h.starts_with("http://"))
                && !h.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
            if web && text == href {
                format!("<{h}>")
            } else if web {
                format!("[{}](<{h}>)", esc(text))
            } else {
                esc(text)
            }
        }
    }
}

fn table(t: &Table, o: &mut String) {
    o.push_str(&format!(
        "| {} |\n",
        t.head.iter().map(|h| esc(h)).collect::<Vec<_>>().join(" | ")
    ));
    let rule: Vec<&str> = (0..t.head.len())
        .map(|i| {
            if t.numeric.get(i).copied().unwrap_or(false) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    o.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in t.rows.iter().chain(t.foot.iter()) {
        o.push_str(&format!(
            "| {} |\n",
            row.iter().map(cell).collect::<Vec<_>>().join(" | ")
        ));
    }
    o.push('\n');
}

/// Renders a document; chart blocks become image links (or notes) per `links`.
pub fn render(doc: &Document, links: &ChartLinks) -> Markdown {
    let mut o = String::new();
    let mut charts = Vec::new();
    o.push_str(&format!("# {}\n\n{}\n\n", esc(&doc.title), esc(&doc.meta)));
    if let ChartLinks::Omitted { reason } = links {
        o.push_str(&format!("*Charts omitted: {}.*\n\n", esc(reason)));
    }
    for s in &doc.sections {
        o.push_str(&format!("## {}\n\n", esc(&s.title)));
        for b in &s.blocks {
            match b {
                Block::Heading(h) => o.push_str(&format!("### {}\n\n", esc(h))),
                Block::Para(p) => o.push_str(&format!("{}\n\n", esc(p))),
                Block::Callout(p) => o.push_str(&format!("> **{}**\n\n", esc(p))),
                Block::Note(p) => o.push_str(&format!("*{}*\n\n", esc(p))),
                Block::List(items) => {
                    for i in items {
                        o.push_str(&format!("- {}\n", esc(i)));
                    }
                    o.push('\n');
                }
                Block::Table(t) => table(t, &mut o),
                Block::Chart(c) => match (links, &c.svg) {
                    (ChartLinks::Files { prefix }, Ok(svg)) => {
                        let name = format!("{prefix}-{}.svg", c.key);
                        o.push_str(&format!("![{}](<{}>)\n\n", esc(&c.title), name));
                        charts.push((name, svg.clone()));
                    }
                    (ChartLinks::Files { .. }, Err(e)) => {
                        o.push_str(&format!(
                            "*Chart \u{201c}{}\u{201d} omitted: {}.*\n\n",
                            esc(&c.title),
                            esc(e)
                        ));
                    }
                    (ChartLinks::Omitted { .. }, _) => {
                        o.push_str(&format!(
                            "*Chart \u{201c}{}\u{201d} not included (see above).*\n\n",
                            esc(&c.title)
                        ));
                    }
                },
            }
        }
    }
    o.push_str(&format!("---\n\n*{}*\n", esc(&doc.footer)));
    Markdown { text: o, charts }
}

/// The report as Markdown, dated `generated`.
pub fn to_markdown(r: &Report, generated: DateTime<Utc>, links: &ChartLinks) -> Markdown {
    render(&document(r, generated), links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(esc("a|b\nc_d"), "a\\|b c\\_d");
        let l = Cell::Link {
            text: "https://x.test/a_b".into(),
            href: "https://x.test/a_b".into(),
        };
        assert_eq!(cell(&l), "<https://x.test/a_b>");
        let bad = Cell::Link {
            text: "see [here]".into(),
            href: "javascript:x".into(),
        };
        assert_eq!(cell(&bad), "see \\[here\\]");
    }
}
