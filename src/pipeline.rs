//! The pipeline, composed in one place: a source (a capture file, or the live eBPF programs) → enrich (process,
//! container and pod of each packet or flow) → sinks (printer, capture files, statistics, connection log). No
//! stage knows the ones after it; this module wires them for what the flags ask.

use std::{
    io::{self, BufWriter, Write},
    time::Instant,
};

use anyhow::Context;
use pcap_file::DataLink;

use crate::{
    cli::{Cli, StatsFlags, check::Checked},
    enrich::{ContextSelection, Enricher, pods::RemotePods},
    packet::{Interface, InterfaceId, InterfaceStatistics, Packet, ProcessContext},
    sink::{
        Sink, Sinks,
        capture_file::{CaptureFile, Format},
        connections::{ConnectionLog, ConnectionLogOptions, InternalNetworks},
        filtered::Filtered,
        metrics::{
            self, Metrics,
            aggregate::{CaptureProgress, Labelling},
        },
        print::{Printer, listening::listening_line},
        stats::{
            FlowStats, Snapshot,
            tally::FlowTally,
            threshold::{ThresholdCrossed, Watch},
            tui::{self, LiveView, Sample},
            write_stats,
        },
    },
    source::{
        file,
        live::{
            CaptureSummary, Collect, CommandToRun, LiveOptions, LivePacket, LiveSource, Records, SoFar,
            backend::Backend,
            event::ProcessEvent,
            flows::{Counts, FlowTable},
            privileges::User,
        },
    },
};

/// Runs what the flags ask for, once the early exits (-D, -L, --version, -d) are past.
pub fn run(checked: &Checked) -> anyhow::Result<()> {
    let Checked { cli, user, filter, context } = checked;
    let filter = filter.as_ref().map(|(expression, _)| expression.clone());
    if let (Some(user), Some(_)) = (user, &cli.files.read) {
        // Reading needs no privileges at all: give them up before any file is opened.
        user.become_it()?;
    }
    if cli.stats.stats {
        return match &cli.files.read {
            Some(path) => count_file(cli, path, filter),
            None => count_live(cli, filter, user.clone()),
        };
    }
    let mut pods = PodWatcher::default();
    let mut metrics = serve_metrics(cli, &mut pods)?;
    let capture_progress = metrics.as_mut().and_then(Metrics::take_capture_progress);
    let mut sinks = sinks(cli, metrics, &mut pods)?;
    let outcome = match &cli.files.read {
        Some(path) => {
            let selected = SelectContext { selection: *context, inner: &mut sinks };
            read_file(path, filter, selected, cli.capture.count)
        }
        None => capture_live(cli, *context, filter, user.clone(), &mut sinks, capture_progress),
    };
    // Files are flushed and closed on every path, also after an error: what was captured is kept.
    let finished = match outcome {
        Ok(()) => sinks.finish(),
        Err(_) => sinks.finish_after_failure(),
    };
    outcome.and(finished)
}

/// Reads the capture at `path` into `sink`, through the filter expression when there is one.
fn read_file(path: &str, filter: Option<String>, mut sink: impl Sink, max_packets: Option<u64>) -> anyhow::Result<()> {
    match filter {
        Some(expression) => file::read_capture(path, &mut Filtered::new(expression, sink), max_packets),
        None => file::read_capture(path, &mut sink, max_packets),
    }
    .map(drop)
}

/// print! panics when stdout is a closed pipe or a full disk; this says so in one line instead.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).context("writing to standard output")
}

/// Applies `--context` to packets read from a file, whose comments carry whatever their writer put there.
struct SelectContext<S> {
    selection: ContextSelection,
    inner: S,
}

impl<S: Sink> Sink for SelectContext<S> {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        self.inner.add_interface(id, interface)
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        if self.selection == ContextSelection::ALL {
            return self.inner.write_packet(packet, interface);
        }
        let restrict = |process: Option<&ProcessContext>| process.and_then(|process| self.selection.restrict(process));
        let (process, peer) = (restrict(packet.process), restrict(packet.peer));
        self.inner.write_packet(&Packet { process: process.as_ref(), peer: peer.as_ref(), ..*packet }, interface)
    }

    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        self.inner.interface_statistics(id, statistics)
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.inner.finish()
    }

    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        self.inner.finish_after_failure()
    }
}

/// What the live source needs from the flags, for either mode.
fn live_options(cli: &Cli, filter: Option<String>, collect: Collect) -> LiveOptions {
    let command = &cli.context.command;
    LiveOptions {
        attach: cli.attach.clone(),
        processes: cli.processes.clone(),
        filter,
        collect,
        duration: cli.capture.timeout,
        command: (!command.is_empty())
            .then(|| CommandToRun { argv: command.clone(), stdout_to_stderr: cli.files.streaming_to_stdout() }),
        // The live view steps often; --exit-over looks at the counts every --refresh, --metrics reads them every
        // READ_INTERVAL (the first of the two when both are on: bitrates are over the time between two looks).
        tick: match cli.stats.tui {
            true => Some(tui::STEP),
            false => {
                [cli.stats.exit_over.map(|_| cli.stats.refresh), cli.metrics.metrics.map(|_| metrics::READ_INTERVAL)]
                    .into_iter()
                    .flatten()
                    .min()
            }
        },
    }
}

/// Starts the live source, and once it is attached: the enricher (which learns of containers for the kernel's
/// selection), privileges dropped (-Z), the "listening" line; then runs it to the end.
fn run_live<R: Records>(
    options: LiveOptions,
    context: ContextSelection,
    cli: &Cli,
    user: Option<User>,
    listening: impl FnOnce(&LiveSource) -> Option<String>,
    records: impl FnOnce(Enricher) -> R,
) -> anyhow::Result<CaptureSummary> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut source = LiveSource::start(options)?;
        // Before privileges go (the runtimes' sockets are root's) and before "listening": the containers that run
        // now are known by the first packet.
        let enricher = Enricher::new(context, &cli.context.runtime_sockets(), source.take_container_selection());
        // Privileges go once everything that needs them is done, and before the sinks open files (-Z).
        if let Some(user) = &user {
            user.become_it()?;
        }
        let mut records = records(enricher);
        source.announce(&mut records)?;
        if let Some(line) = listening(&source) {
            eprintln!("{line}");
        }
        source.run(&mut records).await
    })
}

/// What a live source is attached to, as the "listening on" line names it.
enum AttachedTo {
    /// cgroup-skb: `cgroup PATH (cgroup-skb)`.
    Cgroup(String),
    /// The interfaces with their link types (XDP marked).
    Interfaces(Vec<(String, DataLink)>),
}

impl AttachedTo {
    fn of(source: &LiveSource, backend: Backend) -> AttachedTo {
        if let Some(cgroup) = source.cgroup() {
            return AttachedTo::Cgroup(format!("cgroup {} (cgroup-skb)", cgroup.display()));
        }
        let interfaces = source.interfaces().into_iter();
        AttachedTo::Interfaces(match backend {
            Backend::Xdp => interfaces.map(|(name, link_type)| (format!("{name} (XDP)"), link_type)).collect(),
            Backend::TpBtf => interfaces.map(|(name, link_type)| (format!("{name} (tp-btf)"), link_type)).collect(),
            _ => interfaces.collect(),
        })
    }
}

fn capture_live(
    cli: &Cli,
    context: ContextSelection,
    filter: Option<String>,
    user: Option<User>,
    sinks: &mut Sinks,
    capture_progress: Option<CaptureProgress>,
) -> anyhow::Result<()> {
    let snaplen = cli.effective_snaplen();
    let collect = Collect::Packets {
        snaplen,
        ring_buffer_bytes: cli.capture.buffer_kib.saturating_mul(1024),
        counted_interfaces: cli.capture.counters_entries,
        max_packets: cli.capture.count,
        wake_per_packet: cli.wants_each_packet_at_once(),
    };
    let options = live_options(cli, filter, collect);
    let backend = options.attach.backend;
    // The live view takes the terminal: no line on it.
    let listening = |source: &LiveSource| {
        (!cli.stats.tui).then(|| match AttachedTo::of(source, backend) {
            AttachedTo::Cgroup(cgroup) => format!("ptstat: listening on {cgroup}, snapshot length {snaplen} bytes"),
            // tcpdump's words.
            AttachedTo::Interfaces(interfaces) => listening_line(&interfaces, snaplen),
        })
    };
    // The flows of what is captured: shown as it goes by --tui, counted by --metrics, and the busiest at the end.
    let mut tally = (cli.stats.tui || !cli.output.count_only).then(FlowTally::default);
    let outcome = run_live(options, context, cli, user, listening, |enricher| Capturing {
        enricher,
        sinks,
        interfaces: Vec::new(),
        tally: tally.as_mut(),
        view: None,
        capture_progress,
        stats: &cli.stats,
        started: Instant::now(),
    });
    // Its busiest flows after tcpdump's counters (once --tui's view is gone).
    if let Some(tally) = tally {
        sinks.0.push(Box::new(tally));
    }
    report(&outcome?);
    Ok(())
}

/// Steps the live view; the first step (once the programs are attached) starts it with a first sample.
fn step_view(
    view: &mut Option<LiveView>,
    flags: &StatsFlags,
    sample: &mut dyn FnMut() -> anyhow::Result<Sample>,
) -> anyhow::Result<bool> {
    let view = match view {
        Some(view) => view,
        None => view.insert(LiveView::start(flags.refresh, sample()?, &flags.group_by)?),
    };
    view.step(sample)
}

/// Capture: each packet, with its process, to the sinks and the tally of flows.
struct Capturing<'a> {
    enricher: Enricher,
    sinks: &'a mut Sinks,
    /// By id.
    interfaces: Vec<Interface>,
    /// The flows of the packets captured so far (not with --count).
    tally: Option<&'a mut FlowTally>,
    /// `--tui`, from its first step on.
    view: Option<LiveView>,
    /// `--metrics`: tcpdump's counters and the tally's flows, fed every tick.
    capture_progress: Option<CaptureProgress>,
    stats: &'a StatsFlags,
    /// When the capture started: the live view's bitrates are over the time between its samples, not between
    /// packets.
    started: Instant,
}

impl Records for Capturing<'_> {
    fn interface_added(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        self.interfaces.push(interface.clone());
        self.sinks.add_interface(id, interface)
    }

    fn process_changed(&mut self, event: &ProcessEvent) {
        self.enricher.process_changed(event);
    }

    fn packet(&mut self, packet: &LivePacket) -> anyhow::Result<()> {
        let process = self.enricher.context(packet.process);
        let peer = self.enricher.context(packet.peer);
        let enriched = Packet {
            timestamp: packet.timestamp,
            interface: packet.interface,
            direction: Some(packet.direction),
            original_len: packet.original_len,
            data: packet.data,
            process: process.as_deref(),
            peer: peer.as_deref(),
        };
        let interface = &self.interfaces[packet.interface];
        self.sinks.write_packet(&enriched, interface)?;
        match &mut self.tally {
            Some(tally) => tally.write_packet(&enriched, interface),
            None => Ok(()),
        }
    }

    fn tick(&mut self, so_far: &mut SoFar) -> anyhow::Result<bool> {
        // Read once a tick (the kernel's counters, a netlink dump per namespace for the interfaces' drops), by
        // whichever of the metrics and the live view asks first.
        let mut summary = None;
        if let (Some(progress), Some(read)) = (&mut self.capture_progress, so_far.capture_summary()) {
            let read = read?;
            progress.update(&read, self.tally.as_ref().map_or(0, |tally| tally.flow_count()));
            summary = Some(read);
        }
        let Some(tally) = self.tally.as_ref().filter(|_| self.stats.tui) else { return Ok(true) };
        let started = self.started;
        step_view(&mut self.view, self.stats, &mut || {
            let flows = Snapshot { elapsed: started.elapsed(), ..tally.snapshot() };
            let capture = match summary {
                Some(read) => Some(read),
                None => so_far.capture_summary().transpose()?,
            };
            Ok(Sample { flows, capture })
        })
    }

    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        self.sinks.interface_statistics(id, statistics)
    }

    fn end(&mut self, _flows: Option<&mut FlowTable>) -> anyhow::Result<()> {
        Ok(())
    }
}

/// `--stats`: counts in the kernel until Ctrl-C, SIGTERM or --timeout, then prints the table or JSON; or shows
/// the live view.
fn count_live(cli: &Cli, filter: Option<String>, user: Option<User>) -> anyhow::Result<()> {
    let options = live_options(cli, filter, Collect::Counts { max_flows: cli.stats.stats_entries });
    let backend = options.attach.backend;
    let tui = cli.stats.tui;
    // The live view takes the terminal: no line on it.
    let listening = |source: &LiveSource| {
        let names = match AttachedTo::of(source, backend) {
            AttachedTo::Cgroup(cgroup) => cgroup,
            AttachedTo::Interfaces(interfaces) => {
                interfaces.into_iter().map(|(name, _)| name).collect::<Vec<_>>().join(", ")
            }
        };
        (!tui).then(|| format!("ptstat: listening on {names}, counting packets and bytes per flow"))
    };
    let watch = cli.stats.exit_over.map(|limit| Watch::new(limit, &cli.stats.group_by));
    let metrics = serve_metrics(cli, &mut PodWatcher::default())?;
    let records = |enricher| Counting { enricher, view: None, metrics, cli, watch, crossed: None };
    // A flow's row tells its process, cgroup and container: not the thread, parent or user of one packet.
    let context = ContextSelection { thread: false, parent: false, user: false, ..ContextSelection::ALL };
    run_live(options, context, cli, user, listening, records).map(drop)
}

/// `--metrics`: its port bound (before capture starts, so that a busy one stops ptstat at once) and served; the
/// kernel's flow table read into it with --stats, else the capture's packets.
fn serve_metrics(cli: &Cli, pods: &mut PodWatcher) -> anyhow::Result<Option<Metrics>> {
    let Some(address) = cli.metrics.metrics else { return Ok(None) };
    let labelling = Labelling {
        with_pid: cli.metrics.metrics_pid,
        internal: InternalNetworks(cli.connections.internal_networks.clone()),
        remote_pods: pods.remote_pods(cli)?,
    };
    Metrics::serve(address, labelling, cli.metrics.metrics_max_series as usize, cli.stats.stats).map(Some)
}

/// The watch of the cluster's pods, started by the first that asks for it (--metrics, --connections) and shared
/// with the others: one list and one watch of the API server, one index.
#[derive(Default)]
struct PodWatcher(Option<Option<RemotePods>>);

impl PodWatcher {
    fn remote_pods(&mut self, cli: &Cli) -> anyhow::Result<Option<RemotePods>> {
        if let Some(pods) = &self.0 {
            return Ok(pods.clone());
        }
        let pods = RemotePods::watch(cli.kubernetes.kubeconfig.as_deref())?;
        Ok(self.0.insert(pods).clone())
    }
}

/// Statistics: the flow table, named, to the live view as it goes or to the table or JSON at the end.
struct Counting<'a> {
    enricher: Enricher,
    /// `--tui`, from its first step on.
    view: Option<LiveView>,
    metrics: Option<Metrics>,
    cli: &'a Cli,
    /// `--exit-over`, and what crossed it.
    watch: Option<Watch>,
    crossed: Option<ThresholdCrossed>,
}

impl Counting<'_> {
    fn snapshot(enricher: &mut Enricher, flows: &FlowTable) -> anyhow::Result<Snapshot> {
        let Counts { elapsed, flows, evicted, totals } = flows.read()?;
        let flows = flows
            .into_iter()
            .map(|flow| {
                let context = enricher.context(&flow.process());
                let peer = enricher.context(&flow.peer);
                FlowStats {
                    packets: flow.packets,
                    bytes: flow.bytes,
                    ..FlowStats::named(flow.key, context.as_deref(), peer.as_deref())
                }
            })
            .collect();
        Ok(Snapshot { elapsed, flows, evicted, totals })
    }
}

impl Records for Counting<'_> {
    fn interface_added(&mut self, _id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        // The kernel's flow key has no interface: the metrics name it only when there is one.
        if let Some(metrics) = self.metrics.as_mut().filter(|_| !self.cli.attach.spans_interfaces()) {
            metrics.count_on(&interface.name);
        }
        Ok(())
    }

    fn process_changed(&mut self, event: &ProcessEvent) {
        self.enricher.process_changed(event);
    }

    fn packet(&mut self, _packet: &LivePacket) -> anyhow::Result<()> {
        Ok(())
    }

    fn tick(&mut self, so_far: &mut SoFar) -> anyhow::Result<bool> {
        let Some(flows) = so_far.flows() else { return Ok(true) };
        let enricher = &mut self.enricher;
        if let Some(metrics) = &mut self.metrics {
            metrics.fold(flows, |flow| enricher.context(&flow.process()))?;
        }
        if let Some(watch) = &mut self.watch {
            self.crossed = watch.check(&Self::snapshot(enricher, flows)?);
            return Ok(self.crossed.is_none());
        }
        if !self.cli.stats.tui {
            return Ok(true);
        }
        step_view(&mut self.view, &self.cli.stats, &mut || Self::snapshot(enricher, flows).map(Sample::from))
    }

    fn interface_statistics(&mut self, _id: InterfaceId, _statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        Ok(())
    }

    fn end(&mut self, flows: Option<&mut FlowTable>) -> anyhow::Result<()> {
        // The live view showed the counts (its terminal is restored when it drops); the table and JSON are for the
        // others.
        if self.cli.stats.tui {
            return Ok(());
        }
        let snapshot = Self::snapshot(&mut self.enricher, flows.context("no flow table")?)?;
        write_statistics(&self.cli.stats, &snapshot)?;
        let crossed =
            self.watch.as_mut().and_then(|watch| self.crossed.take().or_else(|| watch.check_final(&snapshot)));
        crossed.map_or(Ok(()), |crossed| Err(crossed.into()))
    }
}

/// `-r --stats`: the file's packets (those the filter expression accepts) counted per flow and process, as the
/// kernel counts them live, with the processes its comments name; bitrates over its first to last packet. Packets
/// before a truncated or corrupt part are shown, then the error.
fn count_file(cli: &Cli, path: &str, filter: Option<String>) -> anyhow::Result<()> {
    let mut tally = FlowTally::default();
    let outcome = read_file(path, filter, &mut tally, cli.capture.count);
    let snapshot = tally.snapshot();
    if outcome.is_ok() || !snapshot.flows.is_empty() {
        write_statistics(&cli.stats, &snapshot)?;
        tally.write_untallied(&mut io::stderr().lock())?;
    }
    outcome?;
    let crossed = cli.stats.exit_over.and_then(|limit| Watch::new(limit, &cli.stats.group_by).check_final(&snapshot));
    crossed.map_or(Ok(()), |crossed| Err(crossed.into()))
}

/// The statistics table, or with `--json` their JSON document, grouped as `--group-by` asks, on stdout.
fn write_statistics(flags: &StatsFlags, snapshot: &Snapshot) -> anyhow::Result<()> {
    let mut output = io::stdout().lock();
    write_stats(&mut output, snapshot, flags.json, &flags.group_by)?;
    output.flush()?;
    Ok(())
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

/// tcpdump's closing lines, on stderr.
fn report(summary: &CaptureSummary) {
    eprintln!("{}", summary.counters().join("\n"));
}

/// `--connections`: JSON lines on stdout (stderr when stdout carries `-w -`), with the pods of remote addresses when
/// a cluster is configured.
fn connection_log(cli: &Cli, pods: &mut PodWatcher) -> anyhow::Result<Box<dyn Sink>> {
    let flags = &cli.connections;
    let options = ConnectionLogOptions {
        unique: flags.unique,
        external_only: flags.external.then(|| InternalNetworks(flags.internal_networks.clone())),
        remote_pods: pods.remote_pods(cli)?,
    };
    Ok(match cli.files.streaming_to_stdout() {
        true => Box::new(ConnectionLog::new(io::stderr(), options)),
        false => Box::new(ConnectionLog::new(io::stdout(), options)),
    })
}

/// The sinks the flags ask for: a file writer for -w, `metrics`, the printer without -w or with --print (or the
/// connection log).
fn sinks(cli: &Cli, metrics: Option<Metrics>, pods: &mut PodWatcher) -> anyhow::Result<Sinks> {
    let mut sinks = Sinks::default();
    let streaming_to_stdout = cli.files.streaming_to_stdout();
    if let Some(path) = &cli.files.write {
        let flush_each_packet = streaming_to_stdout || cli.files.packet_buffered;
        let format = Format::for_path(path, cli.attach.spans_interfaces());
        sinks.0.push(Box::new(CaptureFile::new(path.clone(), format, flush_each_packet, cli.files.rotation())));
    }
    if let Some(metrics) = metrics {
        sinks.0.push(Box::new(metrics));
    }
    if cli.output.count_only {
        sinks.0.push(Box::new(PacketCounter(0)));
        return Ok(sinks);
    }
    if cli.connections.connections {
        sinks.0.push(connection_log(cli, pods)?);
    } else if cli.files.write.is_none() || cli.output.print {
        // With -w -, stdout carries the capture file: lines go to stderr.
        let output: Box<dyn Write + Send> =
            if streaming_to_stdout { Box::new(io::stderr()) } else { Box::new(BufWriter::new(io::stdout())) };
        sinks.0.push(Box::new(Printer::new(output, cli.output.print_options())));
    }
    Ok(sinks)
}
