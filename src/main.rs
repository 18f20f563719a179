use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, error::ErrorKind};
use pcap_file::DataLink;
use ptstat::{
    cli::Cli,
    pipeline,
    source::live::{self, interfaces, verifier},
};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // tcpdump's convention: one line naming the problem, exit status 1.
            // clap's message runs on over indented lines (e.g. the missing arguments) until a blank line and usage.
            let message = error.to_string();
            let first_paragraph: Vec<&str> =
                message.lines().take_while(|line| !line.trim().is_empty()).map(str::trim).collect();
            eprintln!("ptstat: {}", first_paragraph.join(" ").trim_start_matches("error: "));
            return ExitCode::FAILURE;
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{}", verifier::fatal_error_report(&error));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    if cli.capture.list_interfaces {
        print!("{}", interfaces::listing(&interfaces::list().context("listing network interfaces")?));
        return Ok(());
    }
    if let Some(file) = &cli.kernel.kernel_btf {
        live::features::use_kernel_btf_file(file.clone());
    }
    if cli.kernel.version {
        print!("{}", version_report());
        return Ok(());
    }
    if cli.capture.list_link_types {
        return list_link_types(cli);
    }
    if let Some(wanted) = &cli.capture.link_type
        && !["EN10MB", "RAW"].contains(&wanted.to_ascii_uppercase().as_str())
    {
        anyhow::bail!("{wanted}: link type not supported (ptstat captures each interface with its own: EN10MB or RAW)");
    }
    pipeline::run(cli)
}

/// `--version`: ptstat's version, then the kernel and the features ptstat relies on, found as it would use them.
fn version_report() -> String {
    let kernel = aya::util::KernelVersion::current().map_or_else(|_| "unknown".to_string(), |v| v.to_string());
    let cgroup2 =
        ptstat::source::live::cgroup2::cgroup2_root().map_or_else(|| "none".to_string(), |p| p.display().to_string());
    format!("ptstat {}\nkernel {kernel}\n{}cgroup v2: {cgroup2}\n", env!("CARGO_PKG_VERSION"), live::kernel_report())
}

/// `-L`: the link types of the interfaces, as tcpdump lists them; ptstat offers each interface its own only.
fn list_link_types(cli: &Cli) -> anyhow::Result<()> {
    let system = interfaces::list().context("listing network interfaces")?;
    let names = if cli.attach.interfaces.is_empty() {
        interfaces::default_interface(&system).map(|interface| vec![interface.name.clone()]).unwrap_or_default()
    } else {
        cli.attach.interfaces.clone()
    };
    for name in names {
        let interface = system.iter().find(|interface| interface.name == name);
        let link_type = interface
            .and_then(|interface| interface.link_type())
            .with_context(|| format!("{name}: No such device exists"))?;
        let (short, long) = link_type_names(link_type);
        // tcpdump lists them on stderr.
        eprintln!("Data link types for {name} (use option -y to set):\n  {short} ({long})");
    }
    Ok(())
}

/// tcpdump's names for the link types ptstat captures with.
fn link_type_names(link_type: DataLink) -> (&'static str, &'static str) {
    match link_type {
        DataLink::RAW => ("RAW", "Raw IP"),
        _ => ("EN10MB", "Ethernet"),
    }
}
