//! Maps field paths (`platforms[0].memory_mb`) to positions in RON source text, and back.
//!
//! Serde forgets where a value came from, but a validation message must name the line and
//! column of the offending field. This is a small, forgiving scanner over RON: it never
//! fails (a broken file simply yields fewer positions) and knows only enough grammar to
//! follow nesting: named fields, lists, maps, tuples, strings and comments.

use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Clone, Debug)]
struct Entry {
    path: String,
    start: Pos,
    end: Pos,
}

/// Positions of every value in a RON document, keyed by field path.
#[derive(Clone, Debug, Default)]
pub struct Locator {
    by_path: HashMap<String, Pos>,
    entries: Vec<Entry>,
}

impl Locator {
    pub fn new(src: &str) -> Locator {
        let mut s = Scanner {
            chars: src.chars().collect(),
            i: 0,
            line: 1,
            col: 1,
            out: Locator::default(),
            depth: 0,
        };
        s.value("");
        s.out
    }

    /// Where the value at `path` starts. Falls back to the nearest enclosing path that is
    /// known (a missing field is reported at its parent), then to the file's start.
    pub fn position(&self, path: &str) -> Pos {
        let mut p = path.to_string();
        loop {
            if let Some(pos) = self.by_path.get(&p) {
                return *pos;
            }
            match parent(&p) {
                Some(q) => p = q,
                None => return Pos { line: 1, col: 1 },
            }
        }
    }

    /// The innermost field path whose value spans `pos` (used to name the field of a
    /// parse error that only has a position).
    pub fn path_at(&self, pos: Pos) -> Option<&str> {
        self.entries
            .iter()
            .filter(|e| e.start <= pos && pos <= e.end && !e.path.is_empty())
            .max_by_key(|e| (e.start, std::cmp::Reverse(e.end)))
            .map(|e| e.path.as_str())
    }
}

impl Locator {
    /// As `path_at`, but a value that ends exactly at `pos` does not contain it: a
    /// struct's closing parenthesis right after its last field belongs to the struct.
    pub fn path_enclosing(&self, pos: Pos) -> Option<&str> {
        self.entries
            .iter()
            .filter(|e| e.start <= pos && pos < e.end && !e.path.is_empty())
            .max_by_key(|e| (e.start, std::cmp::Reverse(e.end)))
            .map(|e| e.path.as_str())
    }

    /// The field whose value ends last at or before `pos`: for a syntax error between two
    /// fields, the one just before it.
    pub fn path_before(&self, pos: Pos) -> Option<&str> {
        self.entries
            .iter()
            .filter(|e| e.end <= pos && !e.path.is_empty())
            .max_by_key(|e| (e.end, std::cmp::Reverse(e.start)))
            .map(|e| e.path.as_str())
    }
}

fn parent(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}

struct Scanner {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
    out: Locator,
    depth: usize,
}

const MAX_DEPTH: usize = 128;

impl Scanner {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }
    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn skip_ws(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    let mut nest = 1;
                    while nest > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => return,
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                nest -= 1;
                            }
                            (Some('/'), Some('*')) => {
                                self.bump();
                                self.bump();
                                nest += 1;
                            }
                            _ => {
                                self.bump();
                            }
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn ident(&mut self) -> String {
        let mut s = String::new();
        if self.peek() == Some('r') && self.peek_at(1) == Some('#') {
            self.bump();
            self.bump();
        }
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' {
                s.push(c);
                self.bump();
            } else {
                break;
            }
        }
        s
    }

    fn string(&mut self) {
        // Raw strings: r"..." or r#"..."#
        if self.peek() == Some('r') {
            self.bump();
            let mut hashes = 0;
            while self.peek() == Some('#') {
                self.bump();
                hashes += 1;
            }
            self.bump(); // opening quote
            loop {
                match self.bump() {
                    None => return,
                    Some('"') => {
                        let mut k = 0;
                        while k < hashes && self.peek() == Some('#') {
                            self.bump();
                            k += 1;
                        }
                        if k == hashes {
                            return;
                        }
                    }
                    _ => {}
                }
            }
        }
        let quote = self.bump();
        while let Some(c) = self.bump() {
            if c == '\\' {
                self.bump();
            } else if Some(c) == quote {
                return;
            }
        }
    }

    fn record(&mut self, path: &str, start: Pos) {
        self.out.by_path.entry(path.to_string()).or_insert(start);
        let end = self.pos();
        self.out.entries.push(Entry {
            path: path.to_string(),
            start,
            end,
        });
    }

    /// Scans one value whose path is `path` and records its span.
    fn value(&mut self, path: &str) {
        self.skip_ws();
        let start = self.pos();
        if self.depth > MAX_DEPTH {
            self.i = self.chars.len();
            return;
        }
        self.depth += 1;
        match self.peek() {
            None => {}
            Some('[') => {
                self.bump();
                self.seq(path, ']');
            }
            Some('{') => {
                self.bump();
                self.map(path);
            }
            Some('(') => {
                self.bump();
                self.body(path);
            }
            Some('"') | Some('\'') => self.string(),
            Some('r') if matches!(self.peek_at(1), Some('"') | Some('#')) => {
                if self.peek_at(1) == Some('#') && self.peek_at(2).is_some_and(|c| c.is_alphabetic()) {
                    self.ident();
                    self.after_ident(path);
                } else {
                    self.string();
                }
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                self.ident();
                self.after_ident(path);
            }
            Some(_) => {
                // number, sign, or something unexpected: consume up to a delimiter
                let mut any = false;
                while let Some(c) = self.peek() {
                    if matches!(c, ',' | ')' | ']' | '}' | '(' | '[' | '{') || c.is_whitespace() {
                        break;
                    }
                    self.bump();
                    any = true;
                }
                if !any {
                    self.bump();
                }
            }
        }
        self.depth -= 1;
        self.record(path, start);
    }

    fn after_ident(&mut self, path: &str) {
        let save = (self.i, self.line, self.col);
        self.skip_ws();
        if self.peek() == Some('(') {
            self.bump();
            self.body(path);
        } else {
            (self.i, self.line, self.col) = save;
        }
    }

    /// Inside `( ... )`: named fields `a: v, ...` or positional values.
    fn body(&mut self, path: &str) {
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some(')') => {
                    self.bump();
                    return;
                }
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            // named field?
            let save = (self.i, self.line, self.col);
            if self.peek().is_some_and(|c| c.is_alphabetic() || c == '_') {
                let key_pos = self.pos();
                let name = self.ident();
                self.skip_ws();
                if self.peek() == Some(':') {
                    self.bump();
                    let child = join(path, &name);
                    self.out.by_path.entry(child.clone()).or_insert(key_pos);
                    self.value(&child);
                    // the field spans from its name: a parser error just after the colon
                    // (`median: "x"` where a number belongs) is inside this field
                    if let Some(e) = self.out.entries.last_mut()
                        && e.path == child
                    {
                        e.start = key_pos;
                    }
                    continue;
                }
                (self.i, self.line, self.col) = save;
            }
            let before = self.i;
            self.value(path);
            if self.i == before {
                self.bump();
            }
        }
    }

    fn seq(&mut self, path: &str, close: char) {
        let mut idx = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some(c) if c == close => {
                    self.bump();
                    return;
                }
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let child = format!("{path}[{idx}]");
            let before = self.i;
            self.value(&child);
            if self.i == before {
                self.bump();
            }
            idx += 1;
        }
    }

    fn map(&mut self, path: &str) {
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some('}') => {
                    self.bump();
                    return;
                }
                Some(',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let key_start = self.i;
            let before = self.i;
            self.value(path);
            let key: String = self.chars[key_start..self.i]
                .iter()
                .collect::<String>()
                .trim()
                .trim_matches('"')
                .to_string();
            self.skip_ws();
            if self.peek() == Some(':') {
                self.bump();
                let child = join(path, &key);
                self.value(&child);
            } else if self.i == before {
                self.bump();
            }
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"// comment
Scenario(
    version: 1,
    name: "a (b) \"c\"",
    traffic: Traffic(
        components: [
            Constant(rps: 2.0),
            /* block ( */ Spike(day: 3.0, hour: 18.0),
        ],
    ),
    workload: Workload(duration_ms: LogNormal(median: 120.0, p99: 900.0), latency_slo_ms: Some(500.0)),
    map: {"k": 1},
)"#;

    #[test]
    fn finds_nested_fields() {
        let l = Locator::new(SRC);
        assert_eq!(l.position("version"), Pos { line: 3, col: 5 });
        assert_eq!(l.position("traffic.components[0].rps"), Pos { line: 7, col: 22 });
        assert_eq!(l.position("traffic.components[1].hour"), Pos { line: 8, col: 43 });
        assert_eq!(l.position("workload.duration_ms.p99"), Pos { line: 11, col: 62 });
        assert_eq!(l.position("workload.latency_slo_ms"), Pos { line: 11, col: 75 });
        assert_eq!(l.position("map.k"), Pos { line: 12, col: 16 });
    }

    #[test]
    fn unknown_paths_fall_back_to_parent() {
        let l = Locator::new(SRC);
        assert_eq!(
            l.position("traffic.components[1].missing"),
            l.position("traffic.components[1]")
        );
        // the root value starts after the leading comment
        assert_eq!(l.position("nope.nothing"), Pos { line: 2, col: 1 });
    }

    #[test]
    fn path_at_finds_innermost() {
        let l = Locator::new(SRC);
        assert_eq!(l.path_at(Pos { line: 7, col: 28 }), Some("traffic.components[0].rps"));
    }

    #[test]
    fn never_panics_on_garbage() {
        for src in ["", "(", "((((", "[,,,]", "r#", "\"unterminated", "a: (b: [c: {", "/* x"] {
            let _ = Locator::new(src);
        }
    }
}
