//! Live capture: the eBPF programs on the chosen interfaces' TC hooks, and the ring buffer they fill. The
//! interfaces may be in other network namespaces than ptstat's (`--netns`): see `netns`.

pub mod attach;
pub mod backend;
mod bootstrap;
mod clock;
mod command;
pub mod event;
pub mod features;
pub mod filter;
pub mod interfaces;
mod kernel_context;
mod netlink;
mod netns;
pub mod privileges;
mod programs;
pub mod stats;
pub mod verifier;

use std::{
    collections::{HashMap, HashSet},
    io,
    path::PathBuf,
    time::Duration,
};

use anyhow::{Context, bail, ensure};
use aya::maps::{MapData, PerCpuHashMap, RingBuf};
use pcap_file::DataLink;
use tokio::{
    io::{Interest, unix::AsyncFd},
    signal::unix::{SignalKind, signal},
    time::MissedTickBehavior,
};

use attach::LegacyQdiscs;
pub use attach::{Directions, TcMode};
use backend::{Backend, XdpMode};
use clock::KernelClock;
use event::{InterfaceKey, PacketEvent, ProcessEvent};
use filter::CompiledFilter;
use interfaces::{LinkWatcher, SystemInterface};
use netns::Netns;
pub use privileges::User;
use programs::{CAPTURE_PROGRAMS, Purpose};
pub use programs::{CaptureCounters, MAX_SNAPLEN, ProcessSelection};

use crate::{
    enrich::{ContextSelection, Enricher, containers::RuntimeSockets},
    packet::{Interface, InterfaceId, InterfaceStatistics, Packet, Timestamp},
    sink::Sink,
};

/// Which interfaces to capture on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterfaceChoice {
    /// No `-i`: tcpdump's default interface.
    Default,
    /// `-i any`: every interface of the namespace, also those that appear later.
    Any,
    /// `-i NAME`, repeatable.
    Named(Vec<String>),
}

/// Which network namespaces' interfaces to capture on (`--netns`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceChoice {
    /// No `--netns`: ptstat's own.
    Own,
    /// `--netns PATH`, repeatable: `/run/netns/NAME`, `/proc/PID/ns/net`.
    Paths(Vec<PathBuf>),
    /// `--netns any`: every one, also those created later.
    Any,
}

#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// Which interfaces of each network namespace of `namespaces`.
    pub interfaces: InterfaceChoice,
    pub namespaces: NamespaceChoice,
    pub snaplen: u32,
    pub ring_buffer_bytes: u32,
    pub tc_mode: TcMode,
    /// `-c`: stop after this many packets.
    pub max_packets: Option<u64>,
    pub processes: ProcessSelection,
    /// `-Q`: which directions to capture.
    pub directions: Directions,
    /// `-Z`: the user to become once the programs are attached.
    pub drop_privileges_to: Option<User>,
    /// What of each packet's process to report.
    pub context: ContextSelection,
    /// Where to ask Docker and containerd about containers.
    pub container_runtimes: RuntimeSockets,
    /// A pcap-filter(7) expression, run in the kernel before anything is copied.
    pub filter: Option<String>,
    /// Where the programs run: TC, XDP or cgroup-skb.
    pub backend: Backend,
    pub xdp_mode: XdpMode,
    /// cgroup-skb: the cgroup v2 directory whose sockets' packets to capture; `None` = the root, the whole host.
    pub cgroup: Option<PathBuf>,
    /// `-- COMMAND ARGS`: run it, capture its traffic and its children's, stop when it exits.
    pub command: Option<CommandToRun>,
}

#[derive(Clone, Debug)]
pub struct CommandToRun {
    pub argv: Vec<String>,
    /// Its standard output goes to ptstat's standard error (when stdout carries `-w -`).
    pub stdout_to_stderr: bool,
}

/// tcpdump's closing counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureSummary {
    /// Packets handed to the sinks.
    pub captured: u64,
    pub kernel: CaptureCounters,
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
        format!("process attribution: {attribution}"),
    ]
    .map(|line| line + "\n")
    .concat()
}

/// Captures until Ctrl-C, SIGTERM or `max_packets`, feeding `sink`. The programs are detached before this returns,
/// on every path; the packets already in the ring buffer when capture stops are still delivered.
pub async fn capture(options: &LiveOptions, sink: &mut dyn Sink) -> anyhow::Result<CaptureSummary> {
    // Before anything is attached: a SIGTERM that comes as soon as "listening" is printed must stop the capture
    // cleanly, not kill the process with its output unwritten.
    let stop_signals =
        StopSignals { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? };
    let missing = privileges::missing_capabilities();
    if !missing.is_empty() {
        bail!("live capture needs the capabilities {} (run as root)", missing.join(", "));
    }
    ensure!(
        options.backend != Backend::Xdp || features::Features::get().xdp_load_bytes,
        "capture on XDP needs the helper bpf_xdp_load_bytes (Linux 5.18); --stats counts on XDP without it"
    );
    let places = choose_places(options)?;
    let raw_ip_chosen = options.backend == Backend::CgroupSkb
        || (!all_interfaces(options)
            && places
                .iter()
                .flat_map(|place| &place.interfaces)
                .any(|interface| interface.link_type() == Some(DataLink::RAW)));
    let filter = CompiledFilter::compile(options.filter.as_deref().unwrap_or_default(), raw_ip_chosen)?;
    let clock = KernelClock::from_kernel(features::Features::get().tai_clock).context("reading the kernel's clock")?;
    let mut processes = options.processes.clone();
    processes.follow_forks |= options.command.is_some();
    processes.pids_added_later = options.command.is_some();
    let purpose = Purpose::Capture { snaplen: options.snaplen, ring_buffer_bytes: options.ring_buffer_bytes };
    let mut ebpf = programs::load(purpose, &processes, &filter)?;
    let containers = programs::container_selection(&mut ebpf, &processes)?;
    start_attribution(&mut ebpf, places.iter().map(|place| &place.netns), "packets");
    let ring = RingBuf::try_from(ebpf.take_map(programs::EVENTS_MAP).context("no ring buffer map")?)?;
    let process_ring =
        RingBuf::try_from(ebpf.take_map(programs::PROCESS_EVENTS_MAP).context("no process events map")?)?;
    let counters: PerCpuHashMap<MapData, InterfaceKey, CaptureCounters> =
        PerCpuHashMap::try_from(ebpf.take_map(programs::COUNTERS_MAP).context("no counters map")?)?;
    // Declared after `ebpf` is moved into `session`, dropped after it: qdiscs go once their filters are gone.
    let mut qdiscs = LegacyQdiscs::default();
    let mut session = Session {
        ebpf: Some(ebpf),
        attached: HashMap::new(),
        refused: HashSet::new(),
        interfaces: Vec::new(),
        own_netns: Netns::own()?.cookie,
        options,
    };
    for place in &places {
        session.attach_all(&place.netns, &place.interfaces, &mut qdiscs)?;
    }
    let cgroup = match options.backend {
        Backend::CgroupSkb => {
            let ebpf = session.ebpf.as_mut().context("programs detached")?;
            Some(backend::attach_cgroup_skb(ebpf, &CAPTURE_PROGRAMS, options.cgroup.as_deref(), options.directions)?)
        }
        _ => None,
    };
    // Before privileges go (the runtimes' sockets are root's) and before "listening": the containers that run
    // now are known by the first packet.
    let enricher = Enricher::new(options.context, &options.container_runtimes, containers);
    // Privileges go once everything that needs them is done, and before the sinks open files (-Z).
    if let Some(user) = &options.drop_privileges_to {
        user.become_it()?;
    }
    session.announce(0, sink)?;
    let attached_to = match &cgroup {
        Some(cgroup) => format!("cgroup {} (cgroup-skb)", cgroup.display()),
        None => session.names(),
    };
    eprintln!("ptstat: listening on {attached_to}, snapshot length {} bytes", options.snaplen);

    let command = match &options.command {
        Some(command) => Some(command::start(command, session.ebpf.as_mut().context("programs detached")?)?),
        None => None,
    };
    let started = Timestamp::now();
    let mut delivery =
        Delivery { clock, captured: 0, captured_per_interface: Vec::new(), limit: options.max_packets, enricher };
    let wakeups = Wakeups { packets: watch(ring)?, processes: watch(process_ring)?, command, stop: stop_signals };
    let outcome = session.run(wakeups, &places, &mut delivery, sink, &mut qdiscs).await;
    // Whatever ended the loop, the programs are off the hooks by now (`run` drops them before draining).
    session.ebpf = None;
    drop(qdiscs);
    outcome?;
    let mut by_interface = HashMap::new();
    for entry in counters.iter() {
        let (interface, per_cpu) = entry.context("reading the capture counters")?;
        by_interface.insert(interface, CaptureCounters::sum(&per_cpu));
    }
    let ended = Timestamp::now();
    let mut keys = vec![InterfaceKey::default(); session.interfaces.len()];
    for (&key, &id) in &session.attached {
        keys[id] = key;
    }
    for (id, key) in keys.iter().enumerate() {
        let kernel = by_interface.get(key).copied().unwrap_or_default();
        let statistics = InterfaceStatistics {
            start: started,
            end: ended,
            received: kernel.seen,
            accepted: kernel.matched,
            dropped: kernel.dropped,
            delivered: delivery.captured_per_interface.get(id).copied().unwrap_or_default(),
        };
        sink.interface_statistics(id, &statistics)?;
    }
    let kernel = by_interface.into_values().fold(CaptureCounters::default(), CaptureCounters::plus);
    Ok(CaptureSummary { captured: delivery.captured, kernel })
}

/// Attaches the hooks that name processes, then tells the programs of the sockets that exist already (a socket
/// created in between is seen by the hooks). Either failing is a warning: `what` (packets, flows) go unnamed, in
/// part or in whole.
fn start_attribution<'a>(ebpf: &mut aya::Ebpf, namespaces: impl IntoIterator<Item = &'a Netns>, what: &str) {
    if let Err(error) = programs::attach_process_hooks(ebpf) {
        eprintln!("ptstat: warning: {what} will not name their processes: {error:#}");
    } else if let Err(error) = bootstrap::preload_owners_in(ebpf, namespaces) {
        eprintln!(
            "ptstat: warning: {what} of connections opened before ptstat started will not name their processes: {error:#}"
        );
    }
}

fn watch(ring: RingBuf<MapData>) -> std::io::Result<AsyncFd<RingBuf<MapData>>> {
    // SAFETY: the RingBuf owns its map's file descriptor, which stays open and unchanged until the RingBuf drops.
    unsafe { AsyncFd::register_with_interest(ring, Interest::READABLE) }.map_err(std::io::Error::from)
}

fn choose_interfaces(choice: &InterfaceChoice) -> anyhow::Result<Vec<SystemInterface>> {
    let system = interfaces::list().context("listing network interfaces")?;
    let chosen = match choice {
        InterfaceChoice::Default => vec![
            interfaces::default_interface(&system)
                .cloned()
                .context("no suitable device found (no interface is up; use -i)")?,
        ],
        InterfaceChoice::Any => system.into_iter().filter(|i| i.link_type().is_some()).collect(),
        InterfaceChoice::Named(names) => names
            .iter()
            .map(|name| {
                let interface = system
                    .iter()
                    .find(|interface| &interface.name == name)
                    .with_context(|| format!("{name}: No such device exists"))?;
                if interface.link_type().is_none() {
                    bail!("{name}: unsupported link type (ARPHRD {})", interface.hardware_type);
                }
                Ok(interface.clone())
            })
            .collect::<anyhow::Result<_>>()?,
    };
    Ok(chosen)
}

/// The interfaces chosen in one network namespace.
struct Place {
    netns: Netns,
    interfaces: Vec<SystemInterface>,
}

/// Where to attach at start: the chosen interfaces of ptstat's network namespace, or of each `--netns` one.
fn choose_places(options: &LiveOptions) -> anyhow::Result<Vec<Place>> {
    let namespaces = match &options.namespaces {
        NamespaceChoice::Own => {
            let interfaces = match (options.backend, &options.interfaces) {
                // Packets of any interface, from the IP header on: interfaces are announced as their packets come.
                (Backend::CgroupSkb, _) => Vec::new(),
                // `-i any`: the devices XDP can attach to.
                (Backend::Xdp, InterfaceChoice::Any) => {
                    choose_interfaces(&options.interfaces)?.into_iter().filter(backend::takes_xdp).collect()
                }
                _ => choose_interfaces(&options.interfaces)?,
            };
            return Ok(vec![Place { netns: Netns::own()?, interfaces }]);
        }
        NamespaceChoice::Paths(paths) => paths.iter().map(|path| Netns::open(path)).collect::<anyhow::Result<_>>()?,
        NamespaceChoice::Any => netns::every()?,
    };
    ensure!(options.backend != Backend::CgroupSkb, "--netns chooses interfaces: it needs --backend tc or xdp");
    if namespaces.iter().any(|netns| !netns.is_own()) {
        ensure!(
            features::Features::get().namespaces_known(),
            "--netns needs Linux 6.2 or later (the kfunc bpf_cast_to_kern_ctx tells each packet's network namespace)"
        );
        // aya takes clsact filters off by ifindex, from ptstat's own namespace; TCX and XDP links need no name.
        ensure!(
            options.backend != Backend::Tc || options.tc_mode.resolve() == TcMode::Tcx,
            "--netns needs TCX (Linux 6.6 or later, --tc-mode auto or tcx)"
        );
    }
    let mut places: Vec<Place> = Vec::new();
    for netns in namespaces {
        // One namespace given by two paths is attached to once.
        if places.iter().any(|place| place.netns.cookie == netns.cookie) {
            continue;
        }
        let listed = netns.within(interfaces::list)?.context("listing network interfaces")?;
        places.push(Place { interfaces: wanted_interfaces(options, listed), netns });
    }
    if let InterfaceChoice::Named(names) = &options.interfaces {
        for name in names {
            let found = places.iter().flat_map(|place| &place.interfaces).any(|interface| &interface.name == name);
            ensure!(found, "{name}: No such device exists in the network namespaces of --netns");
        }
    }
    Ok(places)
}

/// Of the interfaces of a namespace, those the flags want: the ones `-i` names, else every one the backend can
/// attach to.
fn wanted_interfaces(options: &LiveOptions, listed: Vec<SystemInterface>) -> Vec<SystemInterface> {
    let wanted = |interface: &SystemInterface| match &options.interfaces {
        InterfaceChoice::Named(names) => names.contains(&interface.name) && interface.link_type().is_some(),
        _ if options.backend == Backend::Xdp => backend::takes_xdp(interface),
        _ => interface.link_type().is_some(),
    };
    listed.into_iter().filter(wanted).collect()
}

/// Whether every interface of each namespace is wanted, also those that appear later: `-i any`, or `--netns`
/// without `-i`.
fn all_interfaces(options: &LiveOptions) -> bool {
    match options.interfaces {
        InterfaceChoice::Any => true,
        InterfaceChoice::Default => options.namespaces != NamespaceChoice::Own,
        InterfaceChoice::Named(_) => false,
    }
}

/// How often `--netns any` looks for new namespaces (and new interfaces in them): it has no notification to wait
/// for, and watching each namespace's links would keep every namespace alive as long as ptstat runs.
const RESCAN_INTERVAL: Duration = Duration::from_secs(1);

/// The loaded programs and the interfaces they are attached to.
struct Session<'a> {
    /// `None` once detached.
    ebpf: Option<aya::Ebpf>,
    /// An interface (network namespace and ifindex) → the id sinks know it by.
    attached: HashMap<InterfaceKey, InterfaceId>,
    /// Interfaces that could not be attached to (with a warning): not tried again.
    refused: HashSet<InterfaceKey>,
    interfaces: Vec<Interface>,
    /// The cookie of ptstat's own network namespace.
    own_netns: u64,
    options: &'a LiveOptions,
}

impl Session<'_> {
    /// Attaches to `interface` of `netns`; the sinks learn of it from `announce`.
    fn attach(&mut self, netns: &Netns, interface: &SystemInterface, qdiscs: &mut LegacyQdiscs) -> anyhow::Result<()> {
        let (Some(ebpf), Some(link_type)) = (self.ebpf.as_mut(), interface.link_type()) else {
            return Ok(());
        };
        let options = self.options;
        // Inside the namespace, where its interface names and indexes mean what they say.
        let attached = netns.within(|| match options.backend {
            Backend::Xdp => backend::attach_xdp(ebpf, &CAPTURE_PROGRAMS, interface, options.xdp_mode),
            _ => attach::attach(ebpf, &CAPTURE_PROGRAMS, interface, options.tc_mode, options.directions, qdiscs),
        })?;
        attached.map_err(|error| netns.in_context(error))?;
        let described = Interface {
            name: netns.interface_name(&interface.name),
            index: interface.index,
            link_type,
            snaplen: self.options.snaplen,
            description: netns.description(),
        };
        self.attached.insert(InterfaceKey::new(netns.cookie, interface.index), self.interfaces.len());
        self.interfaces.push(described);
        Ok(())
    }

    /// Attaches to those of `interfaces` (of `netns`) not attached to or refused yet. When every interface is
    /// wanted, one that fails (it may vanish between listing and attaching) is a warning, once; else an error.
    fn attach_all(
        &mut self,
        netns: &Netns,
        interfaces: &[SystemInterface],
        qdiscs: &mut LegacyQdiscs,
    ) -> anyhow::Result<()> {
        for interface in interfaces {
            let key = InterfaceKey::new(netns.cookie, interface.index);
            if self.attached.contains_key(&key) || self.refused.contains(&key) {
                continue;
            }
            match self.attach(netns, interface, qdiscs) {
                Err(error) if all_interfaces(self.options) => {
                    eprintln!("ptstat: warning: {error:#}");
                    self.refused.insert(key);
                }
                other => other?,
            }
        }
        Ok(())
    }

    /// Tells the sinks about the interfaces attached from id `first` on.
    fn announce(&self, first: InterfaceId, sink: &mut dyn Sink) -> anyhow::Result<()> {
        self.interfaces.iter().enumerate().skip(first).try_for_each(|(id, interface)| sink.add_interface(id, interface))
    }

    fn names(&self) -> String {
        let names = self.interfaces.iter().map(|interface| interface.name.as_str()).collect::<Vec<_>>().join(", ");
        match self.options.backend {
            Backend::Xdp => format!("{names} (XDP)"),
            _ => names,
        }
    }

    /// cgroup-skb: the id of the interface a packet came through, announced to the sinks on its first packet.
    fn interface_seen(&mut self, key: InterfaceKey, sink: &mut dyn Sink) -> anyhow::Result<InterfaceId> {
        let id = self.interfaces.len();
        let (name, description) = match key.netns == self.own_netns {
            true => (interfaces::name_of(key.ifindex), None),
            // The socket of a container, say: its interface's index means something in its namespace only.
            false => match netns::every().unwrap_or_default().into_iter().find(|netns| netns.cookie == key.netns) {
                Some(netns) => {
                    let name = netns.within(|| interfaces::name_of(key.ifindex)).ok().flatten();
                    (name.map(|name| netns.interface_name(&name)), netns.description())
                }
                None => (None, None),
            },
        };
        let interface = Interface {
            name: name.unwrap_or_else(|| format!("if{}", key.ifindex)),
            index: key.ifindex,
            link_type: DataLink::RAW,
            snaplen: self.options.snaplen,
            description,
        };
        sink.add_interface(id, &interface)?;
        self.attached.insert(key, id);
        self.interfaces.push(interface);
        Ok(id)
    }

    /// Every interface of `netns` wanted: attaches to those that appeared since the last look.
    fn attach_new(&mut self, netns: &Netns, sink: &mut dyn Sink, qdiscs: &mut LegacyQdiscs) -> anyhow::Result<()> {
        let first_new = self.interfaces.len();
        let listed = match netns.within(interfaces::list) {
            Ok(listed) => listed.context("listing network interfaces")?,
            // After -Z there is no way in any more.
            Err(error) => {
                eprintln!("ptstat: warning: {error:#}");
                return Ok(());
            }
        };
        self.attach_all(netns, &wanted_interfaces(self.options, listed), qdiscs)?;
        self.announce(first_new, sink)
    }

    /// `--netns any`: attaches in the namespaces, and to the interfaces, that appeared since the last look.
    fn attach_everywhere(&mut self, sink: &mut dyn Sink, qdiscs: &mut LegacyQdiscs) -> anyhow::Result<()> {
        for netns in netns::every()? {
            self.attach_new(&netns, sink, qdiscs)?;
        }
        Ok(())
    }

    async fn run(
        &mut self,
        wakeups: Wakeups,
        places: &[Place],
        delivery: &mut Delivery,
        sink: &mut dyn Sink,
        qdiscs: &mut LegacyQdiscs,
    ) -> anyhow::Result<()> {
        let Wakeups { packets: mut ring, processes: mut process_ring, mut command, stop: mut stop_signals } = wakeups;
        // Every interface wanted: a watcher of link changes in each namespace (made inside, it stays bound to it).
        // `--netns any` looks again every second instead.
        let rescanning = self.options.namespaces == NamespaceChoice::Any;
        let mut watchers = Vec::new();
        if all_interfaces(self.options) && !rescanning && self.options.backend != Backend::CgroupSkb {
            for place in places {
                watchers.push(place.netns.within(LinkWatcher::new)?.context("watching for new interfaces")?);
            }
        }
        // The place whose links changed.
        let link_changed = async || -> io::Result<usize> {
            if watchers.is_empty() {
                return std::future::pending().await;
            }
            let changes = watchers
                .iter()
                .enumerate()
                .map(|(at, watcher)| Box::pin(async move { watcher.changed().await.map(|()| at) }));
            futures_util::future::select_all(changes).await.0
        };
        let mut rescan = tokio::time::interval_at(tokio::time::Instant::now() + RESCAN_INTERVAL, RESCAN_INTERVAL);
        rescan.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut command_exited = async || match &mut command {
            Some(child) => child.wait().await,
            None => std::future::pending().await,
        };
        while !delivery.is_complete() {
            tokio::select! {
                // Process changes first: a packet's process may have just been born.
                biased;
                readable = process_ring.readable_mut() => {
                    // Cleared before draining: the kernel wakes a reader only when it has caught up, so a record
                    // that comes after the drain must find the readiness cleared, or its wakeup is lost.
                    let mut guard = readable?;
                    guard.clear_ready();
                    delivery.apply_process_events(guard.get_inner_mut());
                }
                readable = ring.readable_mut() => {
                    let mut guard = readable?;
                    loop {
                        guard.clear_ready();
                        delivery.apply_process_events(process_ring.get_mut());
                        let delivered = self.deliver_all(guard.get_inner_mut(), delivery, sink)?;
                        if delivered < BUSY_BATCH || delivery.is_complete() {
                            break;
                        }
                        // A flood: let packets gather before draining again. While ptstat lags behind, the kernel
                        // sends no wakeup per packet (it wakes only a reader that has caught up), which would cost
                        // the sender more than the copy does.
                        tokio::time::sleep(BUSY_PAUSE).await;
                    }
                }
                changed = link_changed() => {
                    self.attach_new(&places[changed?].netns, sink, qdiscs)?;
                }
                _ = rescan.tick(), if rescanning => self.attach_everywhere(sink, qdiscs)?,
                exited = command_exited() => {
                    exited.context("waiting for the command")?;
                    // Its last packets may still be on their way to the hooks.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    break;
                }
                _ = stop_signals.interrupt.recv() => break,
                _ = stop_signals.terminate.recv() => break,
            }
        }
        // Detach first, then empty the ring: nothing new arrives and nothing already captured is lost.
        self.ebpf = None;
        delivery.apply_process_events(process_ring.get_mut());
        self.deliver_all(ring.get_mut(), delivery, sink).map(drop)
    }

    fn deliver_all(
        &mut self,
        ring: &mut RingBuf<MapData>,
        delivery: &mut Delivery,
        sink: &mut dyn Sink,
    ) -> anyhow::Result<usize> {
        let mut delivered = 0;
        while !delivery.is_complete() {
            let Some(record) = ring.next() else { break };
            let Some(event) = PacketEvent::parse(&record) else { continue };
            let key = InterfaceKey::new(event.netns, event.ifindex);
            let id = match (self.attached.get(&key), self.options.backend) {
                (Some(&id), _) => id,
                (None, Backend::CgroupSkb) => self.interface_seen(key, sink)?,
                (None, _) => continue,
            };
            let process = delivery.enricher.context(&event.process);
            let packet = Packet {
                timestamp: delivery.clock.to_wall_clock(event.timestamp_ns),
                interface: id,
                direction: Some(event.direction),
                original_len: event.original_len,
                data: event.data,
                process: process.as_deref(),
            };
            sink.write_packet(&packet, &self.interfaces[id])?;
            delivery.captured += 1;
            if delivery.captured_per_interface.len() <= id {
                delivery.captured_per_interface.resize(id + 1, 0);
            }
            delivery.captured_per_interface[id] += 1;
            delivered += 1;
        }
        Ok(delivered)
    }
}

/// A drain of at least this many packets means a flood: pause `BUSY_PAUSE` before the next.
const BUSY_BATCH: usize = 64;
const BUSY_PAUSE: std::time::Duration = std::time::Duration::from_millis(1);

/// Ctrl-C and SIGTERM: stop capturing, keep what was captured.
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

/// What the capture loop waits on.
struct Wakeups {
    packets: AsyncFd<RingBuf<MapData>>,
    processes: AsyncFd<RingBuf<MapData>>,
    /// `-- COMMAND`: its exit ends the capture.
    command: Option<tokio::process::Child>,
    stop: StopSignals,
}

/// Turns events into packets for the sinks, and counts them against `-c`.
struct Delivery {
    clock: KernelClock,
    captured: u64,
    /// By interface id.
    captured_per_interface: Vec<u64>,
    limit: Option<u64>,
    enricher: Enricher,
}

impl Delivery {
    fn apply_process_events(&mut self, ring: &mut RingBuf<MapData>) {
        while let Some(record) = ring.next() {
            if let Some(event) = ProcessEvent::parse(&record) {
                self.enricher.process_changed(&event);
            }
        }
    }

    fn is_complete(&self) -> bool {
        self.limit.is_some_and(|limit| self.captured >= limit)
    }
}
