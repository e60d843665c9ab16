//! What a desktop install needs from the binary (issue 17): the shell completions and the
//! manual page the package installs are the ones the current command line generates, the
//! help shows an example for every command, and a scenario given on the command line is
//! what the window opens.
//!
//! After changing the command line: `BREAKEVEN_UPDATE_ASSETS=1 cargo test --release --test
//! packaging` rewrites `assets/completions/` and `assets/man/`, then review the diff.

use std::path::{Path, PathBuf};

mod common;
use common::breakeven as run;

/// Every command (`help` aside).
const COMMANDS: [&str; 8] = [
    "quote",
    "check",
    "sweep",
    "report",
    "run",
    "import",
    "completions",
    "manpage",
];

fn asset(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join(rel)
}

/// `generated` is what the file `rel` holds (or, when updating, becomes).
fn matches_asset(rel: &str, generated: &[u8]) {
    let path = asset(rel);
    if std::env::var_os("BREAKEVEN_UPDATE_ASSETS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let shipped = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        shipped == generated,
        "{} is not what the command line generates now: run BREAKEVEN_UPDATE_ASSETS=1 cargo test --release --test packaging",
        path.display()
    );
}

#[test]
fn shipped_completions_and_manual_page_are_the_current_ones() {
    use clap_complete::Shell;
    matches_asset("completions/breakeven.bash", &breakeven::cli::completions(Shell::Bash));
    matches_asset("completions/_breakeven", &breakeven::cli::completions(Shell::Zsh));
    matches_asset("completions/breakeven.fish", &breakeven::cli::completions(Shell::Fish));
    matches_asset("man/breakeven.1", &breakeven::cli::manpage(None).unwrap());
    let commands = breakeven::cli::manpage_commands();
    assert_eq!(commands, COMMANDS, "every command has its page");
    for c in &commands {
        let page = breakeven::cli::manpage(Some(c)).unwrap();
        let text = String::from_utf8(page.clone()).unwrap();
        assert!(
            text.contains(&format!(".TH breakeven-{c} 1")),
            "{}",
            &text[..200.min(text.len())]
        );
        assert!(text.contains("Example"), "breakeven-{c}(1) has its examples");
        matches_asset(&format!("man/breakeven-{c}.1"), &page);
    }
    // no page left behind by a command that is gone
    for f in std::fs::read_dir(asset("man")).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        assert!(
            name == "breakeven.1" || commands.iter().any(|c| name == format!("breakeven-{c}.1")),
            "assets/man/{name} belongs to no command"
        );
    }
    // what they hold: every command, and the manual page's name section
    let bash = String::from_utf8(breakeven::cli::completions(Shell::Bash)).unwrap();
    for cmd in COMMANDS {
        assert!(bash.contains(cmd), "bash completion lacks {cmd}");
    }
    let man = String::from_utf8(breakeven::cli::manpage(None).unwrap()).unwrap();
    assert!(man.contains(".TH breakeven 1"), "{}", &man[..200.min(man.len())]);
    assert!(
        man.contains("Is serverless cheaper"),
        "the NAME section says what it is"
    );
}

#[test]
fn the_commands_print_completions_and_the_manual_page() {
    let (code, out, err) = run(&["completions", "fish"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("complete -c breakeven"), "{out}");
    let (code, out, err) = run(&["manpage"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(".ie \\n(.g .ds Aq"), "{}", &out[..80.min(out.len())]);
    let (code, out, err) = run(&["manpage", "sweep"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".TH breakeven-sweep 1"), "{out}");
    let (code, _, err) = run(&["manpage", "sweeep"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("sweeep") && err.contains("sweep"), "{err}");
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is bad input: {err}");
    assert!(err.contains("tcsh"), "{err}");
}

#[test]
fn help_shows_an_example_for_every_command() {
    for cmd in COMMANDS {
        let (code, out, err) = run(&["help", cmd]);
        assert_eq!(code, 0, "help {cmd}: {err}");
        assert!(
            out.contains("Example") && out.contains(&format!("breakeven {cmd}")),
            "help {cmd} has no example:\n{out}"
        );
    }
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("[FILE]") && out.contains("breakeven scenarios/flash-sale.ron"),
        "{out}"
    );
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("breakeven {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_file_on_the_command_line_is_for_the_window_and_commands_keep_their_names() {
    use breakeven::cli::{Cli, Command};
    use clap::Parser;
    let c = Cli::try_parse_from(["breakeven", "scenarios/flash-sale.ron"]).unwrap();
    assert!(c.command.is_none());
    assert_eq!(c.file.as_deref(), Some(Path::new("scenarios/flash-sale.ron")));
    let c = Cli::try_parse_from(["breakeven", "run", "scenarios/flash-sale.ron", "--fast"]).unwrap();
    assert!(c.file.is_none());
    assert!(matches!(c.command, Some(Command::Run { fast: true, .. })));
    let c = Cli::try_parse_from(["breakeven", "--pricing", "pricing", "run", "--fast", "x.ron"]).unwrap();
    assert!(c.file.is_none() && c.pricing.is_some());
    assert!(matches!(c.command, Some(Command::Run { fast: true, .. })));
    // a file and a command at once is not one thing to do: exit 2, saying so
    let (code, _, err) = run(&["scenarios/flash-sale.ron", "run", "scenarios/flash-sale.ron"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("before a command"), "{err}");
}
