//! The HTML report: one self-contained file. Inline CSS and inline SVG charts, no scripts,
//! fonts, images or style sheets from anywhere else; the only links are the price sources'
//! web pages. Prints to PDF with a page per major section and no dark backgrounds.

use super::Report;
use super::content::{Block, Cell, Document, Table, document};
use chrono::{DateTime, Utc};

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1a1a1a;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 3px solid #1a1a1a; margin-bottom: 8px; }
h1 { font-size: 28px; margin: 0 0 4px; line-height: 1.2; }
.meta { color: #555555; margin: 0 0 14px; }
h2 { font-size: 21px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #cccccc; }
h3 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 8px 0; }
ul { margin: 6px 0; padding-left: 22px; }
li { margin: 3px 0; }
.callout { border-left: 5px solid #0072b2; background: #eef5fb; padding: 10px 14px; margin: 12px 0;
  font-size: 17px; font-weight: 600; }
.note { color: #555555; font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13.5px; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 5px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; border-bottom: 2px solid #bbbbbb; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.nw { white-space: nowrap; }
tfoot td { border-top: 2px solid #bbbbbb; border-bottom: none; }
td a { color: #0b57a4; word-break: break-all; }
#sources table { font-size: 12px; }
figure { margin: 12px 0; }
figure svg { display: block; width: 100%; height: auto; max-width: 960px; }
figcaption { font-size: 13px; color: #555555; margin-top: 4px; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid #cccccc; color: #555555; font-size: 12.5px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  section.page { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure, tr, .callout { break-inside: avoid; }
  table { font-size: 9pt; }
  #sources table { font-size: 7.5pt; }
  a { color: #1a1a1a; }
}
"#;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn is_web_link(href: &str) -> bool {
    let h = href.trim().to_ascii_lowercase();
    (h.starts_with("https://") || h.starts_with("http://")) && !h.contains(char::is_whitespace)
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(t) => esc(t),
        Cell::Strong(t) => format!("<strong>{}</strong>", esc(t)),
        Cell::Link { text, href } if is_web_link(href) => {
            format!("<a href=\"{}\">{}</a>", esc(href.trim()), esc(text))
        }
        Cell::Link { text, .. } => esc(text),
    }
}

fn table(t: &Table, o: &mut String) {
    let cls = |i: usize| {
        if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else if t.nowrap.get(i).copied().unwrap_or(false) {
            " class=\"nw\""
        } else {
            ""
        }
    };
    o.push_str("<table>\n<thead><tr>");
    for (i, h) in t.head.iter().enumerate() {
        o.push_str(&format!("<th{}>{}</th>", cls(i), esc(h)));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        o.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            o.push_str(&format!("<td{}>{}</td>", cls(i), cell(c)));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n");
    if let Some(f) = &t.foot {
        o.push_str("<tfoot><tr>");
        for (i, c) in f.iter().enumerate() {
            o.push_str(&format!("<td{}>{}</td>", cls(i), cell(c)));
        }
        o.push_str("</tr></tfoot>\n");
    }
    o.push_str("</table>\n");
}

/// Renders a document as one HTML5 page.
pub fn render(doc: &Document) -> String {
    let mut o = String::with_capacity(256 * 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str("<meta name=\"generator\" content=\"Breakeven\">\n");
    o.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&doc.title)
    ));
    o.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n</header>\n",
        esc(&doc.title),
        esc(&doc.meta)
    ));
    for s in &doc.sections {
        o.push_str(&format!(
            "<section id=\"{}\"{}>\n<h2>{}</h2>\n",
            s.id,
            if s.new_page { " class=\"page\"" } else { "" },
            esc(&s.title)
        ));
        for b in &s.blocks {
            match b {
                Block::Heading(h) => o.push_str(&format!("<h3>{}</h3>\n", esc(h))),
                Block::Para(p) => o.push_str(&format!("<p>{}</p>\n", esc(p))),
                Block::Callout(p) => o.push_str(&format!("<p class=\"callout\">{}</p>\n", esc(p))),
                Block::Note(p) => o.push_str(&format!("<p class=\"note\">{}</p>\n", esc(p))),
                Block::List(items) => {
                    o.push_str("<ul>\n");
                    for i in items {
                        o.push_str(&format!("<li>{}</li>\n", esc(i)));
                    }
                    o.push_str("</ul>\n");
                }
                Block::Table(t) => table(t, &mut o),
                Block::Chart(c) => match &c.svg {
                    Ok(svg) => o.push_str(&format!(
                        "<figure class=\"chart\" id=\"chart-{}\">\n{}<figcaption>{}</figcaption>\n</figure>\n",
                        c.key,
                        svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                            .trim_start(),
                        esc(&c.title)
                    )),
                    Err(e) => o.push_str(&format!(
                        "<p class=\"note\">Chart \u{201c}{}\u{201d} omitted: {}</p>\n",
                        esc(&c.title),
                        esc(e)
                    )),
                },
            }
        }
        o.push_str("</section>\n");
    }
    o.push_str(&format!("<footer>\n<p>{}</p>\n</footer>\n", esc(&doc.footer)));
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

/// The report as one self-contained HTML page, dated `generated`.
pub fn to_html(r: &Report, generated: DateTime<Utc>) -> String {
    render(&document(r, generated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_to_web_pages() {
        let ok = Cell::Link {
            text: "x".into(),
            href: "https://aws.amazon.com/lambda/pricing/".into(),
        };
        assert!(cell(&ok).starts_with("<a href=\"https://aws.amazon.com"));
        let bad = Cell::Link {
            text: "x\"<".into(),
            href: "javascript:alert(1)".into(),
        };
        assert_eq!(cell(&bad), "x&quot;&lt;");
    }
}
