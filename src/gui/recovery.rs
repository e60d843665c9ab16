//! The working copy: unsaved edits kept on disk so that a crash, a kill or a power cut does
//! not lose them, and offered back on the next start.
//!
//! Each running window owns one working copy, `working-copy-<id>.ron`, and holds an
//! exclusive lock on `working-copy-<id>.lock` for as long as it runs. A working copy whose
//! lock can be taken belongs to a window that is gone (the operating system releases a
//! dead process's locks), so it is offered for recovery; one whose lock is held belongs to
//! another window that is still open and is left alone. The copy is written while the
//! document has unsaved changes and removed once it has none (saved, or changes
//! discarded), so a clean exit leaves nothing behind.
//!
//! Owns: the files in the recovery folder. Must not: draw or change the app state (it
//! returns values; `commands` applies them).

use crate::model::{self, Scenario};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often the working copy is rewritten while edits go on: often enough that little is
/// lost, rare enough that a slider drag does not write hundreds of files.
pub const WRITE_EVERY: Duration = Duration::from_secs(2);

/// Working copies are scenario files: the same cap as a scenario read from disk.
const MAX_BYTES: u64 = crate::util::MAX_TEXT_FILE_BYTES;

/// What is written to disk.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorkingCopy {
    pub version: u32,
    /// When it was written (local time, RFC 3339), to tell the user how old it is.
    pub saved_at: String,
    /// The file the edits belong to, if it was ever saved.
    pub path: Option<PathBuf>,
    /// The scenario as RON text, written as Save writes it: a scenario that has problems
    /// (flagged in the editor) still round-trips and is recovered as it was.
    pub scenario: String,
}

/// A working copy left behind by a window that is gone.
#[derive(Clone, Debug)]
pub struct Orphan {
    pub file: PathBuf,
    /// When it was kept, as people read it ("Mon 30 Nov 2026, 21:20").
    pub saved_at: String,
    /// The RFC 3339 time it was written, to put the newest first.
    pub stamp: String,
    pub path: Option<PathBuf>,
    pub scenario: Scenario,
}

/// This window's working copy.
pub struct Recovery {
    dir: PathBuf,
    id: String,
    /// Held while the window runs; dropping it (or dying) releases the lock.
    _lock: Option<File>,
    /// The document revision last written (None: nothing on disk).
    written: Option<u64>,
    last_write: Option<Instant>,
}

impl Recovery {
    /// Claims a working copy in `dir` (created if missing). Fails only when the folder
    /// cannot be created or locked; the app then runs without a working copy and says so.
    pub fn claim(dir: &Path) -> Result<Recovery, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let id = format!("{}-{nanos:09}", std::process::id());
        let lock_path = dir.join(format!("working-copy-{id}.lock"));
        let lock = File::create(&lock_path).map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
        lock.try_lock()
            .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
        Ok(Recovery {
            dir: dir.to_path_buf(),
            id,
            _lock: Some(lock),
            written: None,
            last_write: None,
        })
    }

    pub fn file(&self) -> PathBuf {
        self.dir.join(format!("working-copy-{}.ron", self.id))
    }

    /// Writes the working copy when `revision` is not on disk yet and the last write is
    /// `WRITE_EVERY` old (or `now` is set: the gesture ended). Returns an error message
    /// for the user once per failure.
    pub fn keep(
        &mut self,
        scenario: &Scenario,
        path: Option<&Path>,
        revision: u64,
        force: bool,
    ) -> Result<bool, String> {
        if self.written == Some(revision) {
            return Ok(false);
        }
        if !force && self.last_write.is_some_and(|t| t.elapsed() < WRITE_EVERY) {
            return Ok(false);
        }
        self.last_write = Some(Instant::now());
        self.written = Some(revision);
        let text = model::scenario_to_ron(scenario)?;
        let copy = WorkingCopy {
            version: 1,
            saved_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            path: path.map(Path::to_path_buf),
            scenario: text,
        };
        let body = ron::ser::to_string_pretty(&copy, ron::ser::PrettyConfig::default())
            .map_err(|e| format!("cannot write the working copy: {e}"))?;
        let file = self.file();
        crate::util::write_atomic(&file, body.as_bytes())
            .map_err(|e| format!("cannot write the working copy {}: {e}", file.display()))?;
        Ok(true)
    }

    /// The document has no unsaved changes: nothing to recover.
    pub fn clear(&mut self) {
        if self.written.take().is_some() {
            let _ = std::fs::remove_file(self.file());
        }
        self.last_write = None;
    }

    /// True when `revision` is what is on disk (or was tried and failed).
    pub fn is_current(&self, revision: u64) -> bool {
        self.written == Some(revision)
    }
}

impl Drop for Recovery {
    /// A window that closes normally has nothing unsaved left (it asked first): its files go.
    fn drop(&mut self) {
        // the working copy stays only if it still holds changes the user did not discard
        if self.written.is_none() {
            let _ = std::fs::remove_file(self.file());
        }
        self._lock = None;
        let _ = std::fs::remove_file(self.dir.join(format!("working-copy-{}.lock", self.id)));
    }
}

/// Working copies in `dir` whose window is gone, newest first. Files that cannot be read
/// or parsed are skipped (and reported as `bad`), never fatal.
pub fn orphans(dir: &Path, own: Option<&Recovery>) -> (Vec<Orphan>, Vec<String>) {
    let mut found = Vec::new();
    let mut bad = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (found, bad);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        // the lock of a window that was killed with nothing unsaved: nothing to offer
        if let Some(id) = name.strip_prefix("working-copy-").and_then(|r| r.strip_suffix(".lock"))
            && own.is_none_or(|o| o.id != id)
            && !dir.join(format!("working-copy-{id}.ron")).exists()
            && !held(&e.path())
        {
            let _ = std::fs::remove_file(e.path());
            continue;
        }
        let Some(id) = name.strip_prefix("working-copy-").and_then(|r| r.strip_suffix(".ron")) else {
            continue;
        };
        if own.is_some_and(|o| o.id == id) || held(&dir.join(format!("working-copy-{id}.lock"))) {
            continue;
        }
        match read(&e.path()) {
            Ok(o) => found.push(o),
            Err(msg) => {
                // set aside, so it is reported once and not at every start
                let aside = e.path().with_extension("unreadable");
                let kept = match std::fs::rename(e.path(), &aside) {
                    Ok(()) => format!(" (kept as {})", aside.display()),
                    Err(_) => String::new(),
                };
                bad.push(format!("{msg}{kept}"));
            }
        }
    }
    found.sort_by(|a, b| b.stamp.cmp(&a.stamp));
    (found, bad)
}

/// True when another live window holds this lock.
fn held(lock: &Path) -> bool {
    match File::options().write(true).open(lock) {
        Ok(f) => matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

fn read(file: &Path) -> Result<Orphan, String> {
    let text = crate::util::read_text_capped(file, MAX_BYTES).map_err(|e| match e {
        crate::util::TextError::Io(m) => format!("{}: {m}", file.display()),
        crate::util::TextError::NotUtf8 { .. } => format!("{}: not a working copy (not text)", file.display()),
    })?;
    let copy: WorkingCopy = model::ron_options()
        .from_str(&text)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let scenario: Scenario = model::ron_options()
        .from_str(&copy.scenario)
        .map_err(|e| format!("{}: the scenario inside: {e}", file.display()))?;
    let saved_at = match chrono::DateTime::parse_from_rfc3339(&copy.saved_at) {
        Ok(t) => t.format("%a %-d %b %Y, %H:%M").to_string(),
        Err(_) => copy.saved_at.clone(),
    };
    Ok(Orphan {
        file: file.to_path_buf(),
        stamp: copy.saved_at,
        saved_at,
        path: copy.path,
        scenario,
    })
}

/// Removes a recovered or discarded working copy and its lock file.
pub fn remove(orphan: &Orphan) {
    let _ = std::fs::remove_file(&orphan.file);
    let _ = std::fs::remove_file(orphan.file.with_extension("lock"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        let catalog = crate::pricing::Catalog::builtin().unwrap();
        model::default_scenario(&catalog).unwrap()
    }

    #[test]
    fn a_live_window_is_not_an_orphan_and_a_dead_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = scenario();
        s.name = "Edited".into();
        let mut live = Recovery::claim(dir.path()).unwrap();
        assert!(live.keep(&s, Some(Path::new("/x/a.ron")), 5, true).unwrap());
        // written once per revision
        assert!(!live.keep(&s, None, 5, true).unwrap());
        let other = Recovery::claim(dir.path()).unwrap();
        assert!(orphans(dir.path(), Some(&other)).0.is_empty(), "held by a live window");

        // a window that dies keeps its copy on disk; its lock is released
        let file = live.file();
        live._lock = None;
        std::mem::forget(live);
        let (found, bad) = orphans(dir.path(), Some(&other));
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, file);
        assert_eq!(found[0].scenario, s);
        assert_eq!(found[0].path.as_deref(), Some(Path::new("/x/a.ron")));
        assert!(found[0].saved_at.contains(", "), "{}", found[0].saved_at);
        remove(&found[0]);
        assert!(orphans(dir.path(), None).0.is_empty());
    }

    #[test]
    fn clear_and_clean_drop_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Recovery::claim(dir.path()).unwrap();
        r.keep(&scenario(), None, 2, true).unwrap();
        assert!(r.file().exists());
        r.clear();
        assert!(!r.file().exists());
        drop(r);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn broken_or_foreign_files_are_skipped_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("working-copy-1-1.ron"), "garbage").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
        // the lock of a killed window with nothing unsaved is cleaned up
        std::fs::write(dir.path().join("working-copy-2-2.lock"), "").unwrap();
        let (found, bad) = orphans(dir.path(), None);
        assert!(!dir.path().join("working-copy-2-2.lock").exists());
        assert!(found.is_empty());
        assert_eq!(bad.len(), 1);
        assert!(bad[0].contains("working-copy-1-1.ron"), "{bad:?}");
        assert!(bad[0].contains("kept as"), "{bad:?}");
        // reported once
        assert!(orphans(dir.path(), None).1.is_empty());
    }
}
