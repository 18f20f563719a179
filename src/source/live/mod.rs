//! The live source: the eBPF programs on the chosen hooks (TC, XDP, cgroup-skb or tracepoints, in ptstat's network
//! namespace or others: see `netns`), and what they report, handed on as `Records`. One engine serves every mode;
//! what a mode collects (packets in a ring buffer, or counts per flow in a map) is its `Collect`.

pub mod attach;
pub mod backend;
mod bootstrap;
pub mod cgroup2;
mod clock;
mod command;
pub mod event;
pub mod features;
pub mod filter;
pub mod flows;
pub mod interfaces;
mod kernel_context;
mod netlink;
mod netns;
pub mod privileges;
mod programs;
pub mod selection;
mod session;
pub mod terms;
pub mod verifier;

use std::{path::PathBuf, time::Duration};

use anyhow::{Context, bail, ensure};
use aya::maps::{MapData, PerCpuArray, PerCpuHashMap, RingBuf};
use pcap_file::DataLink;
use tokio::{
    io::{Interest, unix::AsyncFd},
    signal::unix::{SignalKind, signal},
};

use attach::LegacyQdiscs;
pub use attach::{Directions, TcMode};
use backend::{Backend, XdpMode};
pub use bootstrap::interface_addresses;
use clock::KernelClock;
use event::{InterfaceKey, ProcessEvent};
use filter::CompiledFilter;
use flows::FlowTable;
use netns::Netns;
pub use privileges::User;
use programs::{CAPTURE_PROGRAMS, Purpose, STATS_PROGRAMS};
pub use programs::{CaptureCounters, MAX_SNAPLEN};
pub use selection::{KernelSelection, ProcessSelection};
pub use session::SoFar;
use session::{Collected, Delivery, Session, Timers, Wakeups};

use crate::packet::{Direction, Interface, InterfaceId, InterfaceStatistics, Timestamp};

/// Where the programs run: the hooks, interfaces and network namespaces (`-i`, `--netns`, `-Q`, `--backend`).
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct AttachOptions {
    /// Capture on this interface (repeatable); `any` captures on every interface, also ones created later.
    ///
    /// Default: the first up, non-loopback interface.
    #[arg(short = 'i', long = "interface", value_name = "IFACE", help_heading = "Capture", display_order = 0)]
    pub interfaces: Vec<String>,

    /// Capture on the interfaces of this network namespace (repeatable; `any`: every one, also ones created later).
    ///
    /// PATH is /run/netns/NAME or /proc/PID/ns/net. -i then names interfaces inside them; without -i (or with
    /// -i any), all of their interfaces. Lines call them IFACE@NETNS.
    #[arg(long = "netns", value_name = "PATH", conflicts_with = "read", help_heading = "Capture", display_order = 0)]
    pub netns: Vec<String>,

    /// Capture only packets received (in), sent (out), or both (inout, the default).
    #[arg(short = 'Q', long = "direction", value_enum, default_value_t = Directions::Inout, help_heading = "Capture")]
    pub directions: Directions,

    /// Where the programs run: tc (both directions of each interface), xdp (received packets, before the kernel
    /// allocates anything), cgroup-skb (the packets of a cgroup's sockets, any interface: --cgroup), socket-filter
    /// (a packet socket per interface, as tcpdump's) or tp-btf (the netif_receive_skb and net_dev_queue tracepoints:
    /// every interface of every network namespace).
    ///
    /// socket-filter attaches nothing to TC or XDP, so it runs beside any other program there. Its packet
    /// sockets see packets where tcpdump's do: received ones before TC ingress, sent ones after TC egress, as they
    /// reach the device (so what a TC program drops on egress is not seen, and what one drops on ingress is).
    /// Ethernet, loopback and layer-3 devices, -i any, -Q and --netns as with tc; on loopback each packet is taken
    /// once, as sent. The copies a packet socket gets no longer name their socket, so packets are named by their
    /// flow: a cgroup-skb program at the cgroup v2 root's egress learns each sent packet's flow from its socket,
    /// before the packet reaches the device.
    ///
    /// tp-btf attaches nothing to any interface and coexists with anything; -i and --netns choose the interfaces in the
    /// kernel, and -i any takes every interface of every network namespace (IFACE@NETNS), new ones too (ptstat's own
    /// only before Linux 6.2, whose packets cannot tell their namespace). Received packets are seen in
    /// netif_receive_skb, after GRO (as one large packet) and before packet sockets and TC ingress; sent ones in
    /// net_dev_queue, after TC egress (what TC drops or redirects is not seen) and before the qdisc. Ethernet devices
    /// and loopback give Ethernet frames (loopback's packets once, as sent: none with -Q in), layer-3 devices (tun,
    /// wireguard, ipip, gre) raw IP. Only the packet's linear part is copied: payload the kernel keeps in pages (TCP
    /// data as sent, large GRO packets) is cut off, as by -s. The filter expression runs on a copy of the packet's
    /// first 512 bytes (of its linear part): a load beyond them rejects the packet, as one beyond its end does.
    #[arg(long, value_enum, default_value_t = Backend::Tc, help_heading = "Kernel")]
    pub backend: Backend,

    /// How to attach XDP: auto (native where the driver can, else generic), generic, native or offload.
    #[arg(long, value_enum, default_value_t = XdpMode::Auto, help_heading = "Kernel")]
    pub xdp_mode: XdpMode,

    /// How to attach to TC: auto (TCX on kernel 6.6 and later, else clsact), tcx or clsact.
    #[arg(long, value_enum, default_value_t = TcMode::Auto, help_heading = "Kernel")]
    pub tc_mode: TcMode,

    /// With --backend cgroup-skb: the cgroup v2 directory whose processes' packets to see.
    ///
    /// Default: the root, the whole host.
    #[arg(long, value_name = "PATH", help_heading = "Kernel")]
    pub cgroup: Option<PathBuf>,
}

/// Which interfaces to attach to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterfaceChoice {
    /// No `-i`: tcpdump's default interface.
    Default,
    /// `-i any`: every interface of the namespace, also those that appear later.
    Any,
    /// `-i NAME`, repeatable.
    Named(Vec<String>),
}

/// Which network namespaces' interfaces to attach to (`--netns`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceChoice {
    /// No `--netns`: ptstat's own.
    Own,
    /// `--netns PATH`, repeatable: `/run/netns/NAME`, `/proc/PID/ns/net`.
    Paths(Vec<PathBuf>),
    /// `--netns any`: every one, also those created later.
    Any,
}

impl AttachOptions {
    pub fn interface_choice(&self) -> InterfaceChoice {
        match self.interfaces.as_slice() {
            [] => InterfaceChoice::Default,
            names if names.iter().any(|name| name == "any") => InterfaceChoice::Any,
            names => InterfaceChoice::Named(names.to_vec()),
        }
    }

    pub fn namespace_choice(&self) -> NamespaceChoice {
        match self.netns.as_slice() {
            [] => NamespaceChoice::Own,
            paths if paths.iter().any(|path| path == "any") => NamespaceChoice::Any,
            paths => NamespaceChoice::Paths(paths.iter().map(PathBuf::from).collect()),
        }
    }

    /// Whether packets may come from more than one interface (a capture file then needs PcapNG's interfaces).
    pub fn spans_interfaces(&self) -> bool {
        // cgroup-skb sees the packets of every interface.
        self.interfaces.len() > 1
            || self.interface_choice() == InterfaceChoice::Any
            || !self.netns.is_empty()
            || self.backend == Backend::CgroupSkb
    }
}

/// What the programs collect: the one thing capture and statistics do differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collect {
    /// A copy of the first `snaplen` bytes of each packet, through a ring buffer of `ring_buffer_bytes`; the
    /// capture ends after `max_packets` (`-c`). The kernel counts what `counted_interfaces` interfaces see apart
    /// (the packets of more are counted together). `wake_per_packet`: deliver each packet as it comes (-U, -w -,
    /// lines to a terminal); otherwise packets are delivered in batches, at most `BATCH_DELAY` late.
    Packets {
        snaplen: u32,
        ring_buffer_bytes: u32,
        counted_interfaces: u32,
        max_packets: Option<u64>,
        wake_per_packet: bool,
    },
    /// Packets and bytes per flow, counted in the kernel in a table of `max_flows` flows: no event per packet.
    Counts { max_flows: u32 },
}

#[derive(Clone, Debug)]
pub struct LiveOptions {
    pub attach: AttachOptions,
    pub processes: ProcessSelection,
    /// A pcap-filter(7) expression, run in the kernel before anything is copied or counted.
    pub filter: Option<String>,
    pub collect: Collect,
    /// `--timeout`: stop after this long.
    pub duration: Option<Duration>,
    /// `-- COMMAND ARGS`: run it, capture its traffic and its children's, stop when it exits.
    pub command: Option<CommandToRun>,
    /// How often `Records::tick` is called; `None`: never.
    pub tick: Option<Duration>,
}

#[derive(Clone, Debug)]
pub struct CommandToRun {
    pub argv: Vec<String>,
    /// Its standard output goes to ptstat's standard error (when stdout carries `-w -`).
    pub stdout_to_stderr: bool,
}

/// One packet the kernel copied, borrowing the ring buffer's bytes.
#[derive(Debug)]
pub struct LivePacket<'a> {
    pub interface: InterfaceId,
    pub timestamp: Timestamp,
    pub direction: Direction,
    pub original_len: u32,
    pub data: &'a [u8],
    /// The process whose socket the packet belongs to, as the kernel recorded it.
    pub process: &'a event::KernelProcess,
    /// The process at the packet's other end, when that end is a socket of this host too (pid 0: none).
    pub peer: &'a event::KernelProcess,
}

/// What the live source hands downstream, in the order it happens.
pub trait Records {
    /// An interface attached to (or, with cgroup-skb and tp-btf, seen for the first time), before any of its packets.
    fn interface_added(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()>;
    /// A process started, exec'd or exited: packets after this see it changed.
    fn process_changed(&mut self, event: &ProcessEvent);
    /// `Collect::Packets`: one packet.
    fn packet(&mut self, packet: &LivePacket) -> anyhow::Result<()>;
    /// Every `LiveOptions::tick`, with the flow table when counting and tcpdump's counts when capturing; `false`
    /// ends the capture.
    fn tick(&mut self, so_far: &mut SoFar) -> anyhow::Result<bool>;
    /// `Collect::Packets`, at the end: the kernel's counts for an interface.
    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()>;
    /// The end, after the programs are detached and every packet is delivered; with the flow table when counting.
    fn end(&mut self, flows: Option<&mut FlowTable>) -> anyhow::Result<()>;
}

/// tcpdump's closing counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureSummary {
    /// Packets handed on.
    pub captured: u64,
    pub kernel: CaptureCounters,
    /// Packets the captured interfaces dropped themselves since the capture began (`interfaces::receive_drops`).
    pub interface_dropped: u64,
}

impl CaptureSummary {
    /// tcpdump's counts in its words: `N packets captured`, `N packets received by filter`, `N packets dropped by
    /// kernel`, and `N packets dropped by interface` when there are any. tcpdump prints them a line each at exit,
    /// and on one line, joined by commas, on SIGUSR1.
    pub fn counters(&self) -> Vec<String> {
        let mut counters = Vec::from(self.every_counter());
        if self.interface_dropped == 0 {
            counters.pop();
        }
        counters
    }

    /// The four counts, `N packets dropped by interface` even when N is 0 (the live view shows what is lost always).
    pub fn every_counter(&self) -> [String; 4] {
        let counted = |count: u64, what: &str| format!("{count} packet{} {what}", if count == 1 { "" } else { "s" });
        [
            counted(self.captured, "captured"),
            counted(self.kernel.matched, "received by filter"),
            counted(self.kernel.dropped, "dropped by kernel"),
            counted(self.interface_dropped, "dropped by interface"),
        ]
    }
}

/// What this kernel offers ptstat and which path ptstat takes for each feature, a line each, for `--version`.
pub fn kernel_report() -> String {
    let features = features::Features::get();
    let btf = match features::kernel_btf() {
        Ok(_) => features::kernel_btf_source(),
        Err(error) => format!("missing: {error:#}"),
    };
    let choose = |present: bool, yes: &str, no: &str| if present { yes.to_string() } else { no.to_string() };
    let attribution = match programs::probe_socket_use_hooks() {
        Ok(hooks) => format!("cgroup socket hooks, {hooks}"),
        Err(error) => format!("cgroup socket hooks only ({error:#})"),
    };
    [
        format!("BTF: {btf}"),
        format!("TC hook: {}", choose(features.tcx, "tcx", "clsact (TCX needs Linux 6.6)")),
        format!(
            "packet namespaces: {}",
            choose(
                features.namespaces_known(),
                "yes (kfunc bpf_cast_to_kern_ctx); --netns available",
                "no (kfunc bpf_cast_to_kern_ctx, Linux 6.2): packets are taken to be in ptstat's; --netns refused",
            )
        ),
        format!(
            "timestamps: {}",
            choose(
                features.tai_clock,
                "CLOCK_TAI (bpf_ktime_get_tai_ns)",
                "CLOCK_BOOTTIME and an offset measured at start (bpf_ktime_get_tai_ns needs Linux 6.1)",
            )
        ),
        format!(
            "XDP: {}",
            choose(
                features.xdp_load_bytes,
                "capture and statistics (bpf_xdp_load_bytes)",
                "statistics only (capture needs bpf_xdp_load_bytes, Linux 5.18)",
            )
        ),
        format!(
            "tp-btf: {}",
            choose(
                features.packet_tracepoints,
                "capture and statistics (tracepoints net_dev_queue, netif_receive_skb)",
                "missing (tracepoints net_dev_queue, netif_receive_skb in the kernel's BTF)",
            )
        ),
        format!("process attribution: {attribution}"),
    ]
    .map(|line| line + "\n")
    .concat()
}

/// Attaches the hooks that name processes, then tells the programs of the sockets that exist already (a socket
/// created in between is seen by the hooks). Either failing is a warning: `what` (packets, flows) go unnamed, in
/// part or in whole.
fn start_attribution<'a>(ebpf: &mut aya::Ebpf, namespaces: impl IntoIterator<Item = &'a Netns>, what: &str) {
    if let Err(error) = programs::attach_process_hooks(ebpf) {
        eprintln!("ptstat: warning: {what} will not name their processes: {error:#}");
        return;
    }
    if let Err(error) = bootstrap::preload_owners_in(ebpf, namespaces) {
        eprintln!(
            "ptstat: warning: {what} of connections opened before ptstat started will not name their processes: {error:#}"
        );
    }
    if let Err(error) = netns::every().and_then(|every| bootstrap::load_namespace_addresses(ebpf, &every)) {
        eprintln!(
            "ptstat: warning: {what} to servers listening on every address of another network namespace will name \
             that end only from its first send or receive: {error:#}"
        );
    }
}

/// Ctrl-C and SIGTERM: stop, keep what was captured or counted. SIGUSR1: print the counts so far and go on, as
/// tcpdump does.
pub struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
    counters: tokio::signal::unix::Signal,
}

/// What the programs fill, by mode.
enum Collector {
    Packets {
        ring: RingBuf<MapData>,
        counters: PerCpuHashMap<MapData, InterfaceKey, CaptureCounters>,
        counters_by_ifindex: PerCpuArray<MapData, CaptureCounters>,
    },
    Counts(FlowTable),
}

/// The programs loaded and attached where the options say, ready to `run`.
pub struct LiveSource {
    /// Declared before `qdiscs`: dropped (detached) first, so a clsact qdisc goes once its filters are gone.
    session: Session,
    qdiscs: LegacyQdiscs,
    collector: Collector,
    process_ring: RingBuf<MapData>,
    /// The kernel's container selection, for whoever learns of containers (`take_container_selection`).
    containers: Option<KernelSelection>,
    clock: KernelClock,
    stop: StopSignals,
    /// cgroup-skb: the cgroup attached to.
    cgroup: Option<PathBuf>,
    options: LiveOptions,
}

impl LiveSource {
    /// Loads the programs for `options.collect` and attaches them; they run from now on. Must run inside a tokio
    /// runtime (it listens for signals).
    pub fn start(options: LiveOptions) -> anyhow::Result<LiveSource> {
        // Before anything is attached: a SIGTERM that comes as soon as "listening" is printed must stop cleanly,
        // not kill the process with its output unwritten.
        let stop = StopSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            counters: signal(SignalKind::user_defined1())?,
        };
        let attach = &options.attach;
        let missing = privileges::missing_capabilities();
        if !missing.is_empty() {
            bail!("live capture needs the capabilities {} (run as root)", missing.join(", "));
        }
        let (purpose, programs, snaplen) = match options.collect {
            Collect::Packets { snaplen, ring_buffer_bytes, counted_interfaces, wake_per_packet, .. } => {
                ensure!(
                    attach.backend != Backend::Xdp || features::Features::get().xdp_load_bytes,
                    "capture on XDP needs the helper bpf_xdp_load_bytes (Linux 5.18); --stats counts on XDP without it"
                );
                let purpose = Purpose::Capture { snaplen, ring_buffer_bytes, counted_interfaces, wake_per_packet };
                (purpose, CAPTURE_PROGRAMS, snaplen)
            }
            Collect::Counts { max_flows } => (Purpose::Stats { max_flows }, STATS_PROGRAMS, 0),
        };
        ensure!(
            attach.backend != Backend::TpBtf || features::Features::get().packet_tracepoints,
            "--backend tp-btf needs the tracepoints net_dev_queue and netif_receive_skb in the kernel's BTF (Linux 5.5)"
        );
        let places = session::choose_places(attach)?;
        let raw_ip_chosen = attach.backend == Backend::CgroupSkb
            || (!session::all_interfaces(attach)
                && places
                    .iter()
                    .flat_map(|place| &place.interfaces)
                    .any(|interface| interface.link_type() == Some(DataLink::RAW)));
        let filter = CompiledFilter::compile(options.filter.as_deref().unwrap_or_default(), raw_ip_chosen)?;
        let clock =
            KernelClock::from_kernel(features::Features::get().tai_clock).context("reading the kernel's clock")?;
        let mut processes = options.processes.clone();
        processes.follow_forks |= options.command.is_some();
        processes.pids_added_later = options.command.is_some();
        let mut ebpf = programs::load(purpose, &processes, &filter, attach.directions)?;
        let containers = programs::container_selection(&mut ebpf, &processes, filter.terms())?;
        let what = match options.collect {
            Collect::Packets { .. } => "packets",
            Collect::Counts { .. } => "flows",
        };
        // The tracepoints see every namespace (ptstat's own among them): the sockets open in each are named from
        // the start.
        let every_namespace = match session::traces_every_interface(attach) {
            true => netns::every()?,
            false => Vec::new(),
        };
        let places_namespaces = places.iter().map(|place| &place.netns);
        match every_namespace.is_empty() {
            true => start_attribution(&mut ebpf, places_namespaces, what),
            false => start_attribution(&mut ebpf, &every_namespace, what),
        }
        if attach.backend == Backend::SocketFilter
            && let Err(error) = backend::attach_socket_flow_teacher(&mut ebpf)
        {
            eprintln!("ptstat: warning: sent {what} will be named by the flows of connected sockets only: {error:#}");
        }
        // Loading and relocating the programs freed some 15 MiB of the heap, which glibc keeps unless asked. Handed
        // back before the rings are mapped (an 8 MiB ring is 16 MiB of resident memory, mapped twice), the peak of
        // resident memory stays under what both would make (72 MiB before, 56 after, by default).
        // SAFETY: malloc_trim only returns free heap memory to the kernel.
        unsafe { libc::malloc_trim(0) };
        let process_ring = RingBuf::try_from(take_map(&mut ebpf, programs::PROCESS_EVENTS_MAP)?)?;
        let mut collector = match options.collect {
            Collect::Packets { .. } => Collector::Packets {
                ring: RingBuf::try_from(take_map(&mut ebpf, programs::EVENTS_MAP)?)?,
                counters: PerCpuHashMap::try_from(take_map(&mut ebpf, programs::COUNTERS_MAP)?)?,
                counters_by_ifindex: PerCpuArray::try_from(take_map(&mut ebpf, programs::COUNTERS_BY_IFINDEX_MAP)?)?,
            },
            Collect::Counts { .. } => Collector::Counts(FlowTable::take_from(&mut ebpf)?),
        };
        let mut session = Session::new(ebpf, programs, attach.clone(), snaplen)?;
        let mut qdiscs = LegacyQdiscs::default();
        for place in &places {
            session.attach_all(&place.netns, &place.interfaces, &mut qdiscs)?;
        }
        session.places = places;
        let cgroup = match attach.backend {
            Backend::CgroupSkb => {
                let ebpf = session.ebpf.as_mut().context("programs detached")?;
                Some(backend::attach_cgroup_skb(ebpf, &programs, attach.cgroup.as_deref(), attach.directions)?)
            }
            Backend::TpBtf => {
                let ebpf = session.ebpf.as_mut().context("programs detached")?;
                if session::traces_every_interface(attach) {
                    backend::trace_every_interface(ebpf)?;
                }
                backend::attach_tracepoints(ebpf, &programs, attach.directions)?;
                None
            }
            _ => None,
        };
        if let Collector::Counts(flows) = &mut collector {
            // Counting starts once everything is attached.
            flows.restart_clock();
        }
        Ok(LiveSource { session, qdiscs, collector, process_ring, containers, clock, stop, cgroup, options })
    }

    /// The maps that select containers in the kernel, for the stage that learns of containers; `None` when no
    /// container was asked for, or once taken.
    pub fn take_container_selection(&mut self) -> Option<KernelSelection> {
        self.containers.take()
    }

    /// What the "listening on" line names: the interfaces with their link types; empty with cgroup-skb.
    pub fn interfaces(&self) -> Vec<(String, DataLink)> {
        self.session.listening_on()
    }

    /// With cgroup-skb: the cgroup attached to.
    pub fn cgroup(&self) -> Option<&std::path::Path> {
        self.cgroup.as_deref()
    }

    /// Tells `records` of the interfaces attached to so far.
    pub fn announce(&self, records: &mut dyn Records) -> anyhow::Result<()> {
        self.session.announce(0, records)
    }

    /// Runs until Ctrl-C, SIGTERM, `--timeout`, `-c`, the command's exit or `records` asks to stop, handing on
    /// what the kernel reports. The programs are detached before this returns, on every path; what is in the ring
    /// buffer when capture stops is still delivered.
    pub async fn run(mut self, records: &mut dyn Records) -> anyhow::Result<CaptureSummary> {
        let command = match &self.options.command {
            Some(command) => Some(command::start(command, self.session.ebpf.as_mut().context("programs detached")?)?),
            None => None,
        };
        let started = Timestamp::now();
        let (limit, batched) = match self.options.collect {
            Collect::Packets { max_packets, wake_per_packet, .. } => (max_packets, !wake_per_packet),
            Collect::Counts { .. } => (None, false),
        };
        let mut delivery = Delivery { clock: self.clock, captured: 0, captured_per_interface: Vec::new(), limit };
        let (packets, mut collector) = match self.collector {
            Collector::Packets { ring, counters, counters_by_ifindex } => {
                (Some(watch(ring)?), Ok((counters, counters_by_ifindex)))
            }
            Collector::Counts(flows) => (None, Err(flows)),
        };
        let wakeups = Wakeups { packets, processes: watch(self.process_ring)?, command, stop: self.stop };
        let timers = Timers {
            deadline: self.options.duration.map(|duration| tokio::time::Instant::now() + duration),
            tick: self.options.tick,
            drain: batched.then_some(session::BATCH_DELAY),
        };
        let own_netns = bootstrap::netns_cookie().context("reading the network namespace cookie")?;
        let kernel_totals;
        let collected = match &mut collector {
            Ok((by_key, by_ifindex)) => {
                kernel_totals = move || {
                    let by_interface = programs::interface_counters(by_key, by_ifindex, own_netns)?;
                    Ok(by_interface.into_values().fold(CaptureCounters::default(), CaptureCounters::plus))
                };
                Collected::Packets(&kernel_totals)
            }
            Err(flows) => Collected::Flows(flows),
        };
        let outcome = self.session.run(wakeups, &mut delivery, records, &mut self.qdiscs, timers, collected).await;
        // Whatever ended the loop, the programs are off the hooks by now (`run` drops them before draining).
        self.session.detach();
        drop(self.qdiscs);
        outcome?;
        let (by_key, by_ifindex) = match &mut collector {
            Err(flows) => {
                records.end(Some(flows))?;
                return Ok(CaptureSummary::default());
            }
            Ok(counters) => counters,
        };
        let by_interface = programs::interface_counters(by_key, by_ifindex, own_netns)?;
        let uncounted = by_interface.get(&programs::UNCOUNTED_INTERFACES).map_or(0, |counters| counters.seen);
        if let (true, Collect::Packets { counted_interfaces, .. }) = (uncounted > 0, self.options.collect) {
            eprintln!(
                "ptstat: warning: {uncounted} packets came on interfaces beyond the {counted_interfaces} the kernel \
                 counts apart: they are in the totals, not in any interface's statistics"
            );
        }
        let ended = Timestamp::now();
        let mut keys = vec![InterfaceKey::default(); self.session.interfaces.len()];
        for (&key, &id) in &self.session.attached {
            keys[id] = key;
        }
        for (id, key) in keys.iter().enumerate() {
            // Once the map was full, an interface without an entry was counted with others: no statistics, not zeros.
            let Some(kernel) = by_interface.get(key).copied().or((uncounted == 0).then(CaptureCounters::default))
            else {
                continue;
            };
            let statistics = InterfaceStatistics {
                start: started,
                end: ended,
                received: kernel.seen,
                accepted: kernel.matched,
                dropped: kernel.dropped,
                delivered: delivery.captured_per_interface.get(id).copied().unwrap_or_default(),
            };
            records.interface_statistics(id, &statistics)?;
        }
        records.end(None)?;
        let kernel = by_interface.into_values().fold(CaptureCounters::default(), CaptureCounters::plus);
        let interface_dropped = self.session.interface_dropped();
        Ok(CaptureSummary { captured: delivery.captured, kernel, interface_dropped })
    }
}

fn take_map(ebpf: &mut aya::Ebpf, name: &str) -> anyhow::Result<aya::maps::Map> {
    ebpf.take_map(name).with_context(|| format!("no map {name}"))
}

fn watch(ring: RingBuf<MapData>) -> std::io::Result<AsyncFd<RingBuf<MapData>>> {
    // SAFETY: the RingBuf owns its map's file descriptor, which stays open and unchanged until the RingBuf drops.
    unsafe { AsyncFd::register_with_interest(ring, Interest::READABLE) }.map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interfaces_drops_are_told_as_tcpdump_tells_them_only_when_there_are_some() {
        let kernel = CaptureCounters { seen: 5, matched: 4, dropped: 1 };
        let none = CaptureSummary { captured: 3, kernel, interface_dropped: 0 };
        assert_eq!(
            none.counters(),
            ["3 packets captured", "4 packets received by filter", "1 packet dropped by kernel"]
        );
        assert_eq!(none.every_counter()[3], "0 packets dropped by interface");
        let some = CaptureSummary { interface_dropped: 1, ..none };
        assert_eq!(some.counters()[3..], ["1 packet dropped by interface"]);
    }
}
