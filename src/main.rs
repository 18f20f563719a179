use std::{
    io::{self, Write},
    process::ExitCode,
};

use anyhow::Context;
use ptstat::{
    cli::{
        Cli,
        check::{Checked, check},
    },
    pipeline,
    sink::{print::listening::link_type_names, stats::threshold::ThresholdCrossed},
    source::live::{self, interfaces, verifier},
};
use ptstat_filter::DumpStyle;

fn main() -> ExitCode {
    let checked = match check(std::env::args_os()) {
        Ok(checked) => checked,
        Err(stop) => return stop.report(),
    };
    match run(&checked) {
        Ok(()) => ExitCode::SUCCESS,
        // --exit-over: for scripts, apart from failures.
        Err(error) if error.is::<ThresholdCrossed>() => {
            eprintln!("ptstat: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprint!("{}", verifier::fatal_error_report(&error));
            ExitCode::FAILURE
        }
    }
}

fn run(checked: &Checked) -> anyhow::Result<()> {
    let cli = &checked.cli;
    if cli.capture.list_interfaces {
        let listing = interfaces::listing(&interfaces::list().context("listing network interfaces")?);
        return pipeline::write_stdout(&listing);
    }
    if let Some(file) = &cli.kernel.kernel_btf {
        live::features::use_kernel_btf_file(file.clone());
    }
    if cli.kernel.version {
        return pipeline::write_stdout(&version_report());
    }
    if cli.capture.list_link_types {
        return list_link_types(cli);
    }
    if let Some((_, program)) = &checked.filter
        && cli.filter.dump_filter > 0
    {
        let style = match cli.filter.dump_filter {
            1 => DumpStyle::Readable,
            2 => DumpStyle::CArray,
            _ => DumpStyle::Decimal,
        };
        return pipeline::write_stdout(&program.dump(style));
    }
    pipeline::run(checked)
}

/// `--version`: ptstat's version, then the kernel and the features ptstat relies on, found as it would use them.
fn version_report() -> String {
    let kernel = aya::util::KernelVersion::current().map_or_else(|_| "unknown".to_string(), |v| v.to_string());
    let cgroup2 = live::cgroup2::cgroup2_root().map_or_else(|| "none".to_string(), |p| p.display().to_string());
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
    let mut listing = io::stderr().lock();
    for name in names {
        let interface = system.iter().find(|interface| interface.name == name);
        let link_type = interface
            .and_then(|interface| interface.link_type())
            .with_context(|| format!("{name}: No such device exists"))?;
        let (short, long) = link_type_names(link_type).unwrap_or(("EN10MB", "Ethernet"));
        // tcpdump lists them on stderr.
        writeln!(listing, "Data link types for {name} (use option -y to set):\n  {short} ({long})")?;
    }
    Ok(())
}
