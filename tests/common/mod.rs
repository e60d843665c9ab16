//! Helpers shared by the integration tests that call the binary.

use std::process::Command;

/// Runs `breakeven ARGS` from the crate's folder: (exit code, stdout, stderr).
pub fn breakeven(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_breakeven"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run breakeven");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
