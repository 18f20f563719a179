use std::{
    io::{self, BufWriter, Write},
    path::PathBuf,
    process::ExitCode,
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use anyhow::Context;
use pcap_file::DataLink;
use ptstat::{
    cli::{
        Cli,
        check::{Checked, check},
    },
    enrich::{ContextSelection, SelectContext, containers::ContainerSelection, pods::RemotePods},
    packet::{Interface, InterfaceId, Packet},
    sink::{
        Sink, Sinks,
        capture_file::{CaptureFile, Format, Rotation},
        connections::{ConnectionLog, ConnectionLogOptions, InternalNetworks},
        filtered::Filtered,
        print::{Decoding, PrintOptions, Printer, TimestampFormat},
        stats::{json::write_json, table::write_table, tally::FlowTally, tui},
    },
    source::{
        file,
        live::{
            self, CaptureSummary, CommandToRun, InterfaceChoice, LiveOptions, NamespaceChoice, ProcessSelection,
            backend::Backend,
            interfaces,
            privileges::User,
            stats::{self, StatsCapture, StatsOptions},
            verifier,
        },
    },
};

use ptstat_filter::DumpStyle;

fn main() -> ExitCode {
    let checked = match check(std::env::args_os()) {
        Ok(checked) => checked,
        Err(stop) => return stop.report(),
    };
    match run(&checked) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("{}", verifier::fatal_error_report(&error));
            ExitCode::FAILURE
        }
    }
}

fn run(checked: &Checked) -> anyhow::Result<()> {
    let cli = &checked.cli;
    if cli.list_interfaces {
        let listing = interfaces::listing(&interfaces::list().context("listing network interfaces")?);
        return write_stdout(&listing);
    }
    if let Some(file) = &cli.kernel_btf {
        live::features::use_kernel_btf_file(file.clone());
    }
    if cli.version {
        return write_stdout(&version_report());
    }
    if cli.list_link_types {
        return list_link_types(cli);
    }
    let user = checked.user.clone();
    let filter = checked.filter.as_ref().map(|(expression, _)| expression.clone());
    if let Some((_, program)) = &checked.filter
        && cli.dump_filter > 0
    {
        let style = match cli.dump_filter {
            1 => DumpStyle::Readable,
            2 => DumpStyle::CArray,
            _ => DumpStyle::Decimal,
        };
        return write_stdout(&program.dump(style));
    }
    let selection = checked.context;
    if cli.stats {
        return count_live(cli, filter);
    }
    if let (Some(user), Some(_)) = (&user, &cli.read) {
        // Reading needs no privileges at all: give them up before any file is opened.
        user.become_it()?;
    }
    let mut sinks = sinks(cli)?;
    let outcome = match &cli.read {
        Some(path) => {
            let selected = SelectContext { selection, inner: &mut sinks };
            match filter {
                Some(expression) => file::read_capture(path, &mut Filtered::new(expression, selected), cli.count),
                None => file::read_capture(path, &mut { selected }, cli.count),
            }
            .map(|_| ())
        }
        None => capture_live(cli, selection, filter, user, &mut sinks),
    };
    // Files are flushed and closed on every path, also after an error: what was captured is kept.
    let finished = match outcome {
        Ok(()) => sinks.finish(),
        Err(_) => sinks.finish_after_failure(),
    };
    outcome.and(finished)
}

fn capture_live(
    cli: &Cli,
    context: ContextSelection,
    filter: Option<String>,
    user: Option<User>,
    sinks: &mut Sinks,
) -> anyhow::Result<()> {
    let options = LiveOptions {
        interfaces: interface_choice(cli),
        namespaces: namespace_choice(cli),
        snaplen: cli.effective_snaplen(),
        ring_buffer_bytes: cli.buffer_kib.saturating_mul(1024),
        tc_mode: cli.tc_mode,
        max_packets: cli.count,
        processes: process_selection(cli),
        backend: cli.backend,
        xdp_mode: cli.xdp_mode,
        cgroup: cli.cgroup.clone(),
        context,
        container_runtimes: cli.runtime_sockets(),
        filter,
        directions: cli.directions,
        drop_privileges_to: user,
        command: (!cli.command.is_empty())
            .then(|| CommandToRun { argv: cli.command.clone(), stdout_to_stderr: cli.write.as_deref() == Some("-") }),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let summary = runtime.block_on(live::capture(&options, sinks))?;
    report(&summary);
    Ok(())
}

/// `--stats`: counts in the kernel until Ctrl-C, SIGTERM or --timeout, then prints the table or JSON; or shows
/// the live view.
fn count_live(cli: &Cli, filter: Option<String>) -> anyhow::Result<()> {
    let stop = stats::stop_on_signals();
    let options = StatsOptions {
        interfaces: interface_choice(cli),
        backend: cli.backend,
        xdp_mode: cli.xdp_mode,
        cgroup: cli.cgroup.clone(),
        tc_mode: cli.tc_mode,
        directions: cli.directions,
        processes: process_selection(cli),
        filter,
        max_flows: cli.stats_entries,
        container_runtimes: cli.runtime_sockets(),
    };
    let mut counting = StatsCapture::start(&options)?;
    let deadline = cli.timeout.map(|timeout| Instant::now() + timeout);
    let stop_requested = || stop.load(Ordering::SeqCst) || deadline.is_some_and(|deadline| Instant::now() >= deadline);
    if cli.tui {
        return tui::run(cli.refresh, &stop_requested, &mut || {
            // -i any: also the interfaces created since.
            counting.attach_new_interfaces()?;
            counting.sample()
        });
    }
    eprintln!("ptstat: listening on {}, counting packets and bytes per flow", counting.attached_to());
    let mut last_look = Instant::now();
    while !stop_requested() {
        std::thread::sleep(Duration::from_millis(50));
        if last_look.elapsed() >= Duration::from_secs(1) {
            // -i any: also the interfaces created since.
            counting.attach_new_interfaces()?;
            last_look = Instant::now();
        }
    }
    let snapshot = counting.sample()?;
    // Detached before printing: nothing is counted after the numbers are taken.
    drop(counting);
    let mut output = io::stdout().lock();
    if cli.json {
        write_json(&mut output, &snapshot)?
    } else {
        write_table(&mut output, &snapshot)?
    }
    output.flush()?;
    Ok(())
}

fn interface_choice(cli: &Cli) -> InterfaceChoice {
    match cli.interfaces.as_slice() {
        [] => InterfaceChoice::Default,
        names if names.iter().any(|name| name == "any") => InterfaceChoice::Any,
        names => InterfaceChoice::Named(names.to_vec()),
    }
}

fn namespace_choice(cli: &Cli) -> NamespaceChoice {
    match cli.netns.as_slice() {
        [] => NamespaceChoice::Own,
        paths if paths.iter().any(|path| path == "any") => NamespaceChoice::Any,
        paths => NamespaceChoice::Paths(paths.iter().map(PathBuf::from).collect()),
    }
}

fn process_selection(cli: &Cli) -> ProcessSelection {
    ProcessSelection {
        pids: cli.pids.clone(),
        name: cli.process_name.clone(),
        uid: cli.uid,
        follow_forks: cli.follow_forks,
        pids_added_later: false,
        containers: ContainerSelection {
            ids: cli.container_ids.clone(),
            names: cli.container_names.clone(),
            pods: cli.pod_names.clone(),
        },
    }
}

/// `--count`: prints only how many packets there were, as tcpdump does.
struct PacketCounter(u64);

impl Sink for PacketCounter {
    fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
        Ok(())
    }

    fn write_packet(&mut self, _packet: &Packet, _interface: &Interface) -> anyhow::Result<()> {
        self.0 += 1;
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        write_stdout(&format!("{} packet{}\n", self.0, if self.0 == 1 { "" } else { "s" }))
    }
}

/// print! panics when stdout is a closed pipe or a full disk; this says so in one line instead.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    io::stdout().write_all(text.as_bytes()).and_then(|()| io::stdout().flush()).context("writing to standard output")
}

/// `--version`: ptstat's version, then the kernel and the features ptstat relies on, found as it would use them.
fn version_report() -> String {
    let kernel = aya::util::KernelVersion::current().map_or_else(|_| "unknown".to_string(), |v| v.to_string());
    let cgroup2 =
        ptstat::enrich::cgroups::cgroup2_root().map_or_else(|| "none".to_string(), |p| p.display().to_string());
    format!("ptstat {}\nkernel {kernel}\n{}cgroup v2: {cgroup2}\n", env!("CARGO_PKG_VERSION"), live::kernel_report())
}

/// `-L`: the link types of the interfaces, as tcpdump lists them; ptstat offers each interface its own only.
fn list_link_types(cli: &Cli) -> anyhow::Result<()> {
    let system = interfaces::list().context("listing network interfaces")?;
    let names = if cli.interfaces.is_empty() {
        interfaces::default_interface(&system).map(|interface| vec![interface.name.clone()]).unwrap_or_default()
    } else {
        cli.interfaces.clone()
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

/// tcpdump's closing lines, on stderr.
fn report(summary: &CaptureSummary) {
    let plural = |count: u64| if count == 1 { "" } else { "s" };
    let CaptureSummary { captured, kernel } = *summary;
    eprintln!("{captured} packet{} captured", plural(captured));
    eprintln!("{} packet{} received by filter", kernel.matched, plural(kernel.matched));
    eprintln!("{} packet{} dropped by kernel", kernel.dropped, plural(kernel.dropped));
}

/// `--connections`: JSON lines on stdout (stderr when stdout carries `-w -`), with the pods of remote addresses when
/// a cluster is configured.
fn connection_log(cli: &Cli, streaming_to_stdout: bool) -> anyhow::Result<Box<dyn Sink>> {
    let options = ConnectionLogOptions {
        unique: cli.unique,
        external_only: cli.external.then(|| InternalNetworks(cli.internal_networks.clone())),
        remote_pods: RemotePods::watch(cli.kubeconfig.as_deref())?,
    };
    Ok(match streaming_to_stdout {
        true => Box::new(ConnectionLog::new(io::stderr(), options)),
        false => Box::new(ConnectionLog::new(io::stdout(), options)),
    })
}

/// The sinks the flags ask for: a file writer for -w, the printer without -w or with --print (or the connection
/// log).
fn sinks(cli: &Cli) -> anyhow::Result<Sinks> {
    let mut sinks = Sinks::default();
    let streaming_to_stdout = cli.write.as_deref() == Some("-");
    if let Some(path) = &cli.write {
        let flush_each_packet = streaming_to_stdout || cli.packet_buffered;
        // cgroup-skb sees the packets of every interface.
        let spans_interfaces = cli.interfaces.len() > 1
            || cli.interfaces.iter().any(|name| name == "any")
            || !cli.netns.is_empty()
            || cli.backend == Backend::CgroupSkb;
        let rotation = Rotation {
            max_bytes: cli.file_size,
            max_files: cli.file_count,
            interval: cli.rotate_seconds.map(Duration::from_secs),
            post_rotate: cli.post_rotate.clone(),
        };
        let format = Format::for_path(path, spans_interfaces);
        sinks.0.push(Box::new(CaptureFile::new(path.clone(), format, flush_each_packet, rotation)));
    }
    if cli.count_only {
        sinks.0.push(Box::new(PacketCounter(0)));
        return Ok(sinks);
    }
    if cli.read.is_none() {
        // A live capture ends with its busiest flows, after tcpdump's counters.
        sinks.0.push(Box::new(FlowTally::default()));
    }
    if cli.connections {
        sinks.0.push(connection_log(cli, streaming_to_stdout)?);
    } else if cli.write.is_none() || cli.print {
        // With -w -, stdout carries the capture file: lines go to stderr.
        let output: Box<dyn Write + Send> =
            if streaming_to_stdout { Box::new(io::stderr()) } else { Box::new(BufWriter::new(io::stdout())) };
        let options = PrintOptions {
            line_buffered: cli.line_buffered,
            timestamp: TimestampFormat::from_t_count(cli.timestamp_style),
            nanos: cli.nanosecond_timestamps(),
            process_details: cli.verbose > 0,
            numbered: cli.number,
            decoding: Decoding {
                verbosity: cli.verbose,
                quick: cli.quick,
                link_header: cli.link_header,
                absolute_tcp_sequence: cli.absolute_tcp_sequence,
            },
            dump: cli.packet_dump(),
            one_line: cli.one_line,
        };
        sinks.0.push(Box::new(Printer::new(output, options)));
    }
    Ok(sinks)
}
