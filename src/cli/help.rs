//! The command line as people read it: `-h` is tcpdump's short usage, a line a flag; `--help` and the man page
//! (from the same definition: `ptstat-docs`) tell everything.

use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;

/// `Cli`'s command, with each flag's help split: `-h` shows its summary, `--help` the whole paragraph. clap does
/// that split itself only for doc comments of several paragraphs. Lines are not wrapped: with a width, clap puts
/// every help of `-h` below its flag as soon as one is too long for the width.
pub fn command() -> Command {
    Cli::command().term_width(0).mut_args(short_and_long_help)
}

fn short_and_long_help(arg: Arg) -> Arg {
    let Some(help) = arg.get_help().filter(|_| arg.get_long_help().is_none()).map(ToString::to_string) else {
        return arg;
    };
    let summary = summary(&help).to_string();
    match summary.len() == help.len() {
        true => arg,
        false => arg.help(summary).long_help(help),
    }
}

/// The help up to its first semicolon, colon, or full stop before a capital (`e.g. 30s` goes on), outside
/// parentheses, without it, as clap leaves short helps. A leading condition (`With --stats: ...`) is kept.
fn summary(text: &str) -> &str {
    let mut depth = 0_usize;
    let mut condition_open = text.starts_with("With ");
    for (at, c) in text.char_indices() {
        let after = &text[at + c.len_utf8()..];
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 || !after.starts_with(' ') => {}
            ':' if condition_open => condition_open = false,
            ';' | ':' => return &text[..at],
            '.' if after[1..].starts_with(char::is_uppercase) => return &text[..at],
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        assert_eq!(summary("Capture here. Default: there"), "Capture here");
        assert_eq!(summary("Capture here (repeatable); `any`: everywhere"), "Capture here (repeatable)");
        assert_eq!(summary("Stop after this long (e.g. 30s, 5m)"), "Stop after this long (e.g. 30s, 5m)");
        assert_eq!(summary("Only one."), "Only one.");
        assert_eq!(summary("Print JSON (as: said): more"), "Print JSON (as: said)");
        assert_eq!(summary("With --x: this: more"), "With --x: this");
    }
}
