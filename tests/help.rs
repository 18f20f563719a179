//! The man page and completions ptstat-docs makes, and `-h` against `--help`: all from the one command-line
//! definition, so every flag must show in each of them.

mod common;

use std::{path::Path, process::Command};

use common::{PTSTAT, tool_available};

const PTSTAT_DOCS: &str = env!("CARGO_BIN_EXE_ptstat-docs");

/// The flags of the command line, as `--long` or `-s`, without clap's own --help.
fn flags() -> Vec<(String, clap::Arg)> {
    let command = ptstat::cli::help::command();
    command
        .get_arguments()
        // Hidden flags (for tests) are left out of -h, --help and the man page on purpose.
        .filter(|arg| arg.get_id() != "help" && !arg.is_positional() && !arg.is_hide_set())
        .map(|arg| {
            let flag = match (arg.get_long(), arg.get_short()) {
                (Some(long), _) => format!("--{long}"),
                (None, Some(short)) => format!("-{short}"),
                (None, None) => unreachable!("{} is not positional", arg.get_id()),
            };
            (flag, arg.clone())
        })
        .collect()
}

/// Runs `script` with `sh -c`, asserting success; its stdout.
fn shell(script: &str) -> String {
    let output = Command::new("sh").args(["-c", script]).output().expect("sh");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{script}: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write_docs(directory: &Path) {
    let output = Command::new(PTSTAT_DOCS).arg(directory).output().expect("ptstat-docs");
    assert!(output.status.success(), "ptstat-docs: {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn man_page_renders_and_tells_every_long_flag() {
    if !tool_available("man") || !tool_available("col") {
        return;
    }
    let directory = tempfile::tempdir().unwrap();
    write_docs(directory.path());
    let page = directory.path().join("ptstat.1");
    // man-db formats for a terminal; col -b leaves the text. Warnings (an overlong default) do not fail man.
    let text = shell(&format!("MANWIDTH=100 man -l '{}' | col -b", page.display()));
    assert!(text.contains("NAME") && text.contains("OPTIONS"), "{text}");
    for (flag, arg) in flags() {
        if arg.get_long().is_some() {
            assert!(text.contains(&flag), "the man page lacks {flag}");
        }
    }
}

#[test]
fn completions_parse_and_complete_flags() {
    let directory = tempfile::tempdir().unwrap();
    write_docs(directory.path());
    let bash = directory.path().join("ptstat.bash");
    shell(&format!("bash -n '{}'", bash.display()));
    let completed = shell(&format!(
        r#"bash -c 'source "{}"; COMP_WORDS=(ptstat --sta); COMP_CWORD=1; _ptstat ptstat --sta ptstat; printf "%s\n" "${{COMPREPLY[@]}}"'"#,
        bash.display()
    ));
    assert!(completed.lines().any(|line| line == "--stats"), "bash completes --sta as {completed:?}");
    if tool_available("zsh") {
        let zsh = directory.path().join("_ptstat");
        shell(&format!("zsh -n '{}'", zsh.display()));
        assert!(std::fs::read_to_string(&zsh).unwrap().contains("'--stats["), "zsh completion lacks --stats");
    }
    if tool_available("fish") {
        let fish = directory.path().join("ptstat.fish");
        shell(&format!("fish -n '{}'", fish.display()));
        // Sourced, not just parsed: a flag fish misreads is an error only then.
        let completed = shell(&format!(r#"fish -c 'source "{}"; complete -C"ptstat --sta"' 2>&1"#, fish.display()));
        assert!(completed.lines().any(|line| line.starts_with("--stats\t")), "fish completes --sta as {completed:?}");
        assert!(!completed.contains("error") && !completed.contains("requires"), "fish: {completed}");
    }
}

fn help_text(flag: &str) -> String {
    let output = Command::new(PTSTAT).arg(flag).output().expect("ptstat");
    assert!(output.status.success() && output.stderr.is_empty(), "ptstat {flag}");
    String::from_utf8(output.stdout).unwrap()
}

/// A line of `-h` that names a flag: `  -i, --interface <IFACE>  Capture on ...`.
fn is_flag_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    line.starts_with("  ") && (trimmed.starts_with('-') || trimmed.starts_with('['))
}

fn is_heading(line: &str) -> bool {
    !line.starts_with(' ') && line.ends_with(':')
}

/// Each flag `-h` names (`-i`, `--interface`, ...), with the heading it stands under.
fn flags_listed(short_help: &str) -> Vec<(String, Option<String>)> {
    let mut heading = None;
    let mut listed = Vec::new();
    for line in short_help.lines() {
        if is_heading(line) {
            heading = Some(line.trim_end_matches(':').to_string());
        } else if is_flag_line(line) {
            // The flags and their values, up to the two spaces before the help.
            let spec = line.trim_start().split("  ").next().unwrap_or_default();
            for flag in spec.split([',', ' ']).filter(|word| word.starts_with('-')) {
                listed.push((flag.trim_end_matches("...").to_string(), heading.clone()));
            }
        }
    }
    listed
}

#[test]
fn short_help_is_a_line_a_flag_and_long_help_tells_all() {
    let short = help_text("-h");
    for line in short.lines().skip(1).filter(|line| !line.is_empty()) {
        assert!(is_heading(line) || line.starts_with("Usage: ") || is_flag_line(line), "-h line {line:?} is no flag's");
    }
    let listed = flags_listed(&short);
    let long = help_text("--help");
    // --help: each flag's line, its whole help below it, and a blank line.
    assert!(long.lines().count() > short.lines().count() * 2, "--help is hardly longer than -h");
    for (flag, arg) in flags() {
        assert_eq!(listed.iter().filter(|(listed, _)| *listed == flag).count(), 1, "-h lists {flag} once");
        // clap's long help of an argument: the whole paragraph, as --help and the man page show it.
        let told = arg.get_long_help().or(arg.get_help()).unwrap().to_string();
        // Each paragraph on a line of its own (not wrapped), indented below the flag.
        for paragraph in told.split("\n\n") {
            assert!(long.contains(paragraph), "--help lacks {flag}'s help {paragraph:?}");
        }
    }
}

/// Every flag has a help heading (capture, filter, output, ...), and `-h` lists it below that heading.
#[test]
fn every_flag_is_under_its_heading() {
    let listed = flags_listed(&help_text("-h"));
    for (flag, arg) in flags() {
        let wanted = arg.get_help_heading();
        assert!(wanted.is_some(), "{flag} has no help heading");
        let shown_under = listed.iter().find(|(listed, _)| *listed == flag).and_then(|(_, heading)| heading.as_deref());
        assert_eq!(shown_under, wanted, "-h shows {flag} under another heading");
    }
}
