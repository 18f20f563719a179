//! Everything a command line can be refused for before anything is attached, created or started: clap's parse
//! and value parsers, then the checks that take several flags together or a look outside (the -F file, the
//! filter's compilation, the -Z user, the -w pattern of -G). Run first, so that a bad command line is one line
//! and exit status 1 whatever it asks for, and callable in-process, so that tests can feed it any arguments.

use std::{ffi::OsString, process::ExitCode};

use clap::{FromArgMatches, error::ErrorKind};
use ptstat_filter::{CaptureSource, LinkType, Program};

use crate::{
    cli::{Cli, help},
    enrich::ContextSelection,
    sink::filtered::FileTerms,
    source::live::{privileges::User, terms::KernelTerms},
};

/// A command line that passed every check, with what the checks found.
#[derive(Debug)]
pub struct Checked {
    pub cli: Cli,
    /// -Z's user, looked up.
    pub user: Option<User>,
    /// The filter expression (from -F or the arguments) and its program, compiled for the first link type the
    /// packets will have: the -r file's first interface's, else Ethernet.
    pub filter: Option<(String, Program)>,
    /// --context's parts.
    pub context: ContextSelection,
}

/// Why the program stops before doing anything.
#[derive(Debug)]
pub enum Stop {
    /// -h or --help: clap's text, printed on stdout; exit status 0.
    Help(clap::Error),
    /// What is wrong, on one line; exit status 1.
    Refused(String),
}

impl Stop {
    /// Prints the help or the `ptstat: ...` line, as tcpdump would, and gives the exit status.
    pub fn report(&self) -> ExitCode {
        match self {
            Stop::Help(help) => {
                let _ = help.print();
                ExitCode::SUCCESS
            }
            Stop::Refused(message) => {
                eprintln!("ptstat: {message}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Parses `args` (the program's name first) and runs every check that needs nothing attached, created or started.
pub fn check<I, T>(args: I) -> Result<Checked, Stop>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = help::command().try_get_matches_from(args).and_then(|matches| Cli::from_arg_matches(&matches)).map_err(
        |error| match error.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Stop::Help(error),
            _ => Stop::Refused(clap_error_line(&error)),
        },
    )?;
    let refused = |error: anyhow::Error| Stop::Refused(format!("{error:#}"));
    if let Some(wanted) = &cli.capture.link_type
        && !["EN10MB", "RAW"].contains(&wanted.to_ascii_uppercase().as_str())
    {
        return Err(Stop::Refused(format!(
            "{wanted}: link type not supported (ptstat captures each interface with its own: EN10MB or RAW)"
        )));
    }
    if let (Some(pattern), Some(_)) = (&cli.files.write, cli.files.rotate_seconds) {
        strftime_pattern(pattern).map_err(Stop::Refused)?;
    }
    if cli.stats.tui && !cli.stats.stats && (cli.files.write.is_none() || cli.files.streaming_to_stdout()) {
        return Err(Stop::Refused(
            "--tui takes the terminal: use it with --stats, or while writing packets to a file (-w FILE), not with \
             packet lines on it"
                .into(),
        ));
    }
    let user = cli.files.user.as_deref().map(User::by_name).transpose().map_err(refused)?;
    let filter = match cli.filter.expression().map_err(refused)? {
        Some(expression) => {
            let program = compile_filter(&cli, &expression).map_err(refused)?;
            Some((expression, program))
        }
        None => None,
    };
    let context = cli.context.selection().map_err(Stop::Refused)?;
    Ok(Checked { cli, user, filter, context })
}

/// A bad expression is refused before any file is created or anything attached, and so are process terms that
/// name a user, namespace or cgroup that does not exist.
fn compile_filter(cli: &Cli, expression: &str) -> anyhow::Result<Program> {
    let source = if cli.files.read.is_some() { CaptureSource::File } else { CaptureSource::Live };
    let program = ptstat_filter::compile_for(expression, first_link_type(cli)?, source)?;
    // -d only prints the program.
    if !program.terms.is_empty() && cli.filter.dump_filter == 0 {
        match source {
            CaptureSource::File => drop(FileTerms::resolve(&program.terms)?),
            CaptureSource::Live => drop(KernelTerms::resolve(&program.terms)?),
        }
    }
    Ok(program)
}

/// The link type a filter is compiled for before capture: the first interface's of the `-r` file, else Ethernet.
/// Standard input is not read ahead: its packets are for the capture itself.
fn first_link_type(cli: &Cli) -> anyhow::Result<LinkType> {
    let Some(path) = cli.files.read.as_deref().filter(|path| *path != "-") else { return Ok(LinkType::Ethernet) };
    let link = crate::source::file::first_link_type(path)?;
    Ok(link.and_then(|link| LinkType::from_pcap_linktype(u32::from(link))).unwrap_or(LinkType::Ethernet))
}

/// clap's message on one line, as tcpdump names a problem: clap's runs on over indented lines (e.g. the missing
/// arguments) until a blank line and the usage.
fn clap_error_line(error: &clap::Error) -> String {
    let message = error.to_string();
    let first_paragraph: Vec<&str> =
        message.lines().take_while(|line| !line.trim().is_empty()).map(str::trim).collect();
    first_paragraph.join(" ").trim_start_matches("error: ").to_string()
}

/// -w's name with -G: an strftime(3) pattern, refused here rather than when the first file is named (chrono's
/// `to_string` panics on a sequence it cannot format: unknown ones, and parsing-only ones like `%#z`). Usable as a
/// clap value parser.
pub fn strftime_pattern(text: &str) -> Result<String, String> {
    use std::fmt::Write;
    let mut name = String::new();
    match write!(name, "{}", chrono::Local::now().format(text)) {
        Ok(()) => Ok(text.to_string()),
        Err(_) => Err(format!("{text}: invalid strftime pattern (see strftime(3): %Y, %m, %d, %H, %M, %S, ...)")),
    }
}
