//! Small helpers shared by the core and the shells.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: to a temporary file in the same folder, synced,
/// then renamed over the target. On error the target is untouched and no temporary
/// file is left behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Largest scenario or price file read (8 MiB). The shipped files are under 100 KB; the
/// cap keeps `/dev/zero`, a sparse multi-gigabyte file or a mistaken binary from being
/// pulled into memory.
pub const MAX_TEXT_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Largest trace file read (512 MiB): a day of the Azure Functions 2019 per-minute
/// dataset is about 150 MB.
pub const MAX_TRACE_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Reads a whole regular file of at most `cap` bytes. The file type and size are checked
/// before reading, and the read itself stops at `cap + 1` bytes (a file that grows while
/// being read), so memory stays bounded whatever the path names. The error is a message
/// without the file name, for the caller to prefix.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("is a folder, not a file".into());
    }
    if !meta.is_file() {
        return Err("is not a regular file (a device, pipe or socket); give the path of a file".into());
    }
    if meta.len() > cap {
        return Err(too_big(meta.len(), cap));
    }
    let f = std::fs::File::open(path).map_err(|e| io_message(&e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(cap + 1).read_to_end(&mut bytes).map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > cap {
        return Err(too_big(bytes.len() as u64, cap));
    }
    Ok(bytes)
}

/// The same, as UTF-8 text without a leading byte-order mark. Invalid UTF-8 is reported
/// with the line and column of the first bad byte: `(line, col, message)`.
pub fn read_text_capped(path: &Path, cap: u64) -> Result<String, TextError> {
    let bytes = read_capped(path, cap).map_err(TextError::Io)?;
    bytes_to_text(bytes)
}

/// Why a text file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum TextError {
    /// Missing, unreadable, too large or not a file.
    Io(String),
    /// Not UTF-8: where the first bad byte is.
    NotUtf8 { line: usize, col: usize },
}

/// UTF-8 text without a leading byte-order mark (some Windows editors write one).
pub fn bytes_to_text(bytes: Vec<u8>) -> Result<String, TextError> {
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = 1 + text.matches('\n').count();
        let col = 1 + text.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0);
        TextError::NotUtf8 { line, col }
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn too_big(len: u64, cap: u64) -> String {
    format!(
        "the file is too large ({} MiB; at most {} MiB is read)",
        len.div_ceil(1024 * 1024),
        cap / (1024 * 1024)
    )
}

/// Whether a panic ends the process at once (the command line) or is left to the code
/// that catches it (the desktop application's workers recover and show the error).
static EXIT_ON_PANIC: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// See `EXIT_ON_PANIC`: the desktop application turns it off before it starts.
pub fn exit_on_panic(on: bool) {
    EXIT_ON_PANIC.store(on, std::sync::atomic::Ordering::SeqCst);
}

/// Replaces Rust's panic output (a message and a backtrace hint, exit code 101) with one
/// line that says what failed and where, and, on the command line, exit code 1 from
/// whichever thread panicked (a rayon pool, a simulation worker).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_string());
        // the reader of our output went away (`breakeven run … | head`): not a failure,
        // the conventional quiet exit of a program whose pipe closed (128 + SIGPIPE)
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        let at = info.location().map(|l| (l.file().to_string(), l.line()));
        eprintln!("{}", panic_line(&message, at.as_ref().map(|(f, l)| (f.as_str(), *l))));
        if EXIT_ON_PANIC.load(std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(1);
        }
    }));
}

/// The one line a panic prints: what failed, where, and a request to report it.
pub fn panic_line(message: &str, at: Option<(&str, u32)>) -> String {
    let message = message.lines().next().unwrap_or("").trim();
    match at {
        Some((file, line)) => {
            format!("breakeven: internal error: {message} at {file}:{line}; please report it")
        }
        None => format!("breakeven: internal error: {message}; please report it"),
    }
}

/// A cell as an error message quotes it: at most 40 characters, control characters
/// shown as `?` (a binary file's "cell" can be megabytes long).
pub(crate) fn echo(cell: &str) -> String {
    let mut out: String = cell
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if cell.chars().nth(40).is_some() {
        out.push_str("...");
    }
    out
}

/// A number as an error message quotes it: as written in the usual range, in exponent
/// form beyond (a duration of 1e300 ms printed three hundred digits).
pub(crate) fn echo_num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-3..1e9).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_far_out_of_range_are_echoed_in_exponent_form() {
        assert_eq!(echo_num(1e300), "1e300");
        assert_eq!(echo_num(-2.5e-7), "-2.5e-7");
        assert_eq!(echo_num(1234.5), "1234.5");
        assert_eq!(echo_num(0.0), "0");
    }

    #[test]
    fn a_panic_is_one_line_naming_what_and_where() {
        assert_eq!(
            panic_line(
                "index out of bounds: the len is 3 but the index is 7",
                Some(("src/sim/fast.rs", 412))
            ),
            "breakeven: internal error: index out of bounds: the len is 3 but the index is 7 at src/sim/fast.rs:412; please report it"
        );
        assert_eq!(
            panic_line("first line\nsecond line", None),
            "breakeven: internal error: first line; please report it"
        );
    }

    #[test]
    fn capped_reads_refuse_folders_devices_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_capped(dir.path(), 10).unwrap_err(), "is a folder, not a file");
        assert!(
            read_capped(Path::new("/dev/zero"), 10)
                .unwrap_err()
                .contains("not a regular file")
        );
        assert_eq!(read_capped(&dir.path().join("nope"), 10).unwrap_err(), "no such file");
        let big = dir.path().join("big");
        std::fs::File::create(&big).unwrap().set_len(3 * 1024 * 1024).unwrap();
        assert_eq!(
            read_capped(&big, 1024 * 1024).unwrap_err(),
            "the file is too large (3 MiB; at most 1 MiB is read)"
        );
        assert_eq!(read_capped(&big, 4 * 1024 * 1024).unwrap().len(), 3 * 1024 * 1024);
    }

    #[test]
    fn text_drops_a_byte_order_mark_and_locates_bad_utf8() {
        assert_eq!(bytes_to_text(b"\xef\xbb\xbfScenario(".to_vec()).unwrap(), "Scenario(");
        assert_eq!(
            bytes_to_text(b"ab\ncd\xffe".to_vec()).unwrap_err(),
            TextError::NotUtf8 { line: 2, col: 3 }
        );
    }
}
