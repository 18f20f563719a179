//! The programs attached: to which interfaces (and which network namespaces), following `-i any` and
//! `--netns any` as interfaces and namespaces come, and the delivery of what the ring buffers bring.

use std::{
    collections::{HashMap, HashSet},
    io,
    os::fd::OwnedFd,
    time::Duration,
};

use anyhow::{Context, bail};
use aya::maps::{MapData, RingBuf};
use pcap_file::DataLink;
use tokio::{
    io::unix::{AsyncFd, AsyncFdReadyMutGuard},
    time::MissedTickBehavior,
};

use super::{
    AttachOptions, CaptureCounters, CaptureSummary, InterfaceChoice, LivePacket, NamespaceChoice, Records, StopSignals,
    attach::{self, LegacyQdiscs, TcMode},
    backend::{self, Backend},
    clock::KernelClock,
    event::{InterfaceKey, PacketEvent, ProcessEvent},
    features,
    flows::FlowTable,
    interfaces::{self, LinkWatcher, SystemInterface},
    netns::{self, Netns},
    programs::HookPrograms,
};
use crate::packet::{Interface, InterfaceId};

/// The interfaces chosen in one network namespace.
pub struct Place {
    pub netns: Netns,
    pub interfaces: Vec<SystemInterface>,
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

/// Where to attach at start: the chosen interfaces of ptstat's network namespace, or of each `--netns` one.
pub fn choose_places(options: &AttachOptions) -> anyhow::Result<Vec<Place>> {
    let interface_choice = options.interface_choice();
    let namespaces = match options.namespace_choice() {
        NamespaceChoice::Own => {
            let interfaces = match (options.backend, &interface_choice) {
                // Packets of any interface, from the IP header on: interfaces are announced as their packets come.
                (Backend::CgroupSkb, _) => Vec::new(),
                // `-i any`: the devices XDP can attach to.
                (Backend::Xdp, InterfaceChoice::Any) => {
                    choose_interfaces(&interface_choice)?.into_iter().filter(backend::takes_xdp).collect()
                }
                _ => choose_interfaces(&interface_choice)?,
            };
            return Ok(vec![Place { netns: Netns::own()?, interfaces }]);
        }
        NamespaceChoice::Paths(paths) => paths.iter().map(|path| Netns::open(path)).collect::<anyhow::Result<_>>()?,
        NamespaceChoice::Any => netns::every()?,
    };
    anyhow::ensure!(
        options.backend != Backend::CgroupSkb,
        "--netns chooses interfaces: it needs --backend tc, xdp, socket-filter or tp-btf"
    );
    if namespaces.iter().any(|netns| !netns.is_own()) {
        anyhow::ensure!(
            features::Features::get().namespaces_known(),
            "--netns needs Linux 6.2 or later (the kfunc bpf_cast_to_kern_ctx tells each packet's network namespace)"
        );
        // aya takes clsact filters off by ifindex, from ptstat's own namespace; TCX and XDP links need no name.
        anyhow::ensure!(
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
    if let InterfaceChoice::Named(names) = &interface_choice {
        for name in names {
            let found = places.iter().flat_map(|place| &place.interfaces).any(|interface| &interface.name == name);
            anyhow::ensure!(found, "{name}: No such device exists in the network namespaces of --netns");
        }
    }
    Ok(places)
}

/// Of the interfaces of a namespace, those the flags want: the ones `-i` names, else every one the backend can
/// attach to.
fn wanted_interfaces(options: &AttachOptions, listed: Vec<SystemInterface>) -> Vec<SystemInterface> {
    let choice = options.interface_choice();
    let wanted = |interface: &SystemInterface| match &choice {
        InterfaceChoice::Named(names) => names.contains(&interface.name) && interface.link_type().is_some(),
        _ if options.backend == Backend::Xdp => backend::takes_xdp(interface),
        _ => interface.link_type().is_some(),
    };
    listed.into_iter().filter(wanted).collect()
}

/// Whether every interface of each namespace is wanted, also those that appear later: `-i any`, or `--netns`
/// without `-i`.
pub fn all_interfaces(options: &AttachOptions) -> bool {
    match options.interface_choice() {
        InterfaceChoice::Any => true,
        InterfaceChoice::Default => options.namespace_choice() != NamespaceChoice::Own,
        InterfaceChoice::Named(_) => false,
    }
}

/// Whether the tp-btf programs trace every interface of every network namespace (`-i any`, `--netns any` without
/// `-i`): interfaces are then announced as their first packets come, and none needs looking for.
pub fn traces_every_interface(options: &AttachOptions) -> bool {
    options.backend == Backend::TpBtf
        && match options.interface_choice() {
            InterfaceChoice::Any => true,
            InterfaceChoice::Default => options.namespace_choice() == NamespaceChoice::Any,
            InterfaceChoice::Named(_) => false,
        }
}

/// The loaded programs and the interfaces they are attached to.
pub struct Session {
    /// `None` once detached.
    pub ebpf: Option<aya::Ebpf>,
    /// `--backend socket-filter`: the packet sockets whose filters run the programs, one per interface; closed
    /// (which takes the filters off) when the programs are detached.
    packet_sockets: Vec<OwnedFd>,
    /// Which of the programs attach: capture's or counting's.
    pub programs: HookPrograms,
    /// An interface (network namespace and ifindex) → the id it is known by downstream.
    pub attached: HashMap<InterfaceKey, InterfaceId>,
    /// Interfaces that could not be attached to (with a warning): not tried again.
    refused: HashSet<InterfaceKey>,
    pub interfaces: Vec<Interface>,
    /// Where the programs were attached at start.
    pub places: Vec<Place>,
    /// The cookie of ptstat's own network namespace.
    own_netns: u64,
    /// What interfaces report as their snapshot length.
    snaplen: u32,
    pub options: AttachOptions,
    /// Each attached interface's own drops (`interfaces::receive_drops`): when first read, and last read.
    interface_drops: HashMap<InterfaceKey, (u64, u64)>,
}

impl Session {
    pub fn new(ebpf: aya::Ebpf, programs: HookPrograms, options: AttachOptions, snaplen: u32) -> anyhow::Result<Self> {
        Ok(Session {
            places: Vec::new(),
            ebpf: Some(ebpf),
            packet_sockets: Vec::new(),
            programs,
            attached: HashMap::new(),
            refused: HashSet::new(),
            interfaces: Vec::new(),
            own_netns: Netns::own()?.cookie,
            snaplen,
            options,
            interface_drops: HashMap::new(),
        })
    }

    /// The packets the attached interfaces dropped themselves (tcpdump's "dropped by interface"), each since it was
    /// first read: at the start, or for an interface attached later at the first read after. An interface that is
    /// gone, or whose namespace cannot be read now, keeps what it dropped until then.
    pub fn interface_dropped(&mut self) -> u64 {
        let namespaces: HashSet<u64> = self.attached.keys().map(|key| key.netns).collect();
        for cookie in namespaces {
            let drops = match self.places.iter().find(|place| place.netns.cookie == cookie) {
                Some(place) => place.netns.within(interfaces::receive_drops),
                None if cookie == self.own_netns => Ok(interfaces::receive_drops()),
                None => continue,
            };
            let Ok(Ok(drops)) = drops else { continue };
            for key in self.attached.keys().filter(|key| key.netns == cookie) {
                if let Some(&dropped) = drops.get(&key.ifindex) {
                    self.interface_drops.entry(*key).or_insert((dropped, dropped)).1 = dropped;
                }
            }
        }
        self.interface_drops.values().map(|(first, last)| last.saturating_sub(*first)).sum()
    }

    /// Attaches to `interface` of `netns`; downstream learns of it from `announce`.
    fn attach(&mut self, netns: &Netns, interface: &SystemInterface, qdiscs: &mut LegacyQdiscs) -> anyhow::Result<()> {
        let (Some(ebpf), Some(link_type)) = (self.ebpf.as_mut(), interface.link_type()) else {
            return Ok(());
        };
        let (options, programs) = (&self.options, &self.programs);
        let key = InterfaceKey::new(netns.cookie, interface.index);
        let attached = match options.backend {
            // Nothing to attach: the tracepoints see every interface, and trace those in their map.
            Backend::TpBtf => backend::trace_interface(ebpf, key).map(|()| None),
            // Inside the namespace, where its interface names and indexes mean what they say.
            backend => netns.within(|| match backend {
                Backend::Xdp => backend::attach_xdp(ebpf, programs, interface, options.xdp_mode).map(|()| None),
                // Made inside the namespace, the socket sees its interfaces wherever it is used.
                Backend::SocketFilter => backend::attach_socket_filter(ebpf, programs, interface).map(Some),
                _ => attach::attach(ebpf, programs, interface, options.tc_mode, options.directions, qdiscs)
                    .map(|()| None),
            })?,
        };
        let socket = attached.map_err(|error| netns.in_context(error))?;
        self.packet_sockets.extend(socket);
        let described = Interface {
            name: netns.interface_name(&interface.name),
            index: interface.index,
            link_type,
            snaplen: self.snaplen,
            description: netns.description(),
        };
        self.attached.insert(key, self.interfaces.len());
        self.interfaces.push(described);
        Ok(())
    }

    /// Attaches to those of `interfaces` (of `netns`) not attached to or refused yet. When every interface is
    /// wanted, one that fails (it may vanish between listing and attaching) is a warning, once; else an error.
    pub fn attach_all(
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
                Err(error) if all_interfaces(&self.options) => {
                    eprintln!("ptstat: warning: {error:#}");
                    self.refused.insert(key);
                }
                other => other?,
            }
        }
        Ok(())
    }

    /// Takes the programs off every hook and socket: nothing new reaches the ring buffers after this.
    pub fn detach(&mut self) {
        self.ebpf = None;
        self.packet_sockets.clear();
    }

    /// Tells downstream about the interfaces attached from id `first` on.
    pub fn announce(&self, first: InterfaceId, records: &mut dyn Records) -> anyhow::Result<()> {
        let mut interfaces = self.interfaces.iter().enumerate().skip(first);
        interfaces.try_for_each(|(id, interface)| records.interface_added(id, interface))
    }

    /// The interfaces attached to, with their link types, for the "listening on" line.
    pub fn listening_on(&self) -> Vec<(String, DataLink)> {
        self.interfaces.iter().map(|interface| (interface.name.clone(), interface.link_type)).collect()
    }

    /// cgroup-skb and tp-btf: the id of the interface a packet came through, announced on its first packet; `None`
    /// (and its packets left out) for a tp-btf interface whose link type ptstat cannot decode, or that vanished
    /// before it could be told.
    fn interface_seen(&mut self, key: InterfaceKey, records: &mut dyn Records) -> anyhow::Result<Option<InterfaceId>> {
        // The interface of a container, say: its index means something in its namespace only.
        let netns = match key.netns == self.own_netns {
            true => Netns::own().ok(),
            false => netns::every().unwrap_or_default().into_iter().find(|netns| netns.cookie == key.netns),
        };
        let device = netns.as_ref().and_then(|netns| {
            let listed = netns.within(interfaces::list).ok()?.ok()?;
            listed.into_iter().find(|interface| interface.index == key.ifindex)
        });
        // cgroup-skb's packets start at the IP header whatever the device; the tracepoints' as the device's do.
        let link_type = match (self.options.backend, device.as_ref().and_then(SystemInterface::link_type)) {
            (Backend::CgroupSkb, _) => DataLink::RAW,
            (_, Some(link_type)) => link_type,
            (_, None) => {
                self.refused.insert(key);
                return Ok(None);
            }
        };
        let id = self.interfaces.len();
        let interface = Interface {
            name: match (&netns, &device) {
                (Some(netns), Some(device)) => netns.interface_name(&device.name),
                _ => format!("if{}", key.ifindex),
            },
            index: key.ifindex,
            link_type,
            snaplen: self.snaplen,
            description: netns.as_ref().and_then(Netns::description),
        };
        records.interface_added(id, &interface)?;
        self.attached.insert(key, id);
        self.interfaces.push(interface);
        Ok(Some(id))
    }

    /// Every interface of `netns` wanted: attaches to those that appeared since the last look.
    pub fn attach_new(
        &mut self,
        netns: &Netns,
        records: &mut dyn Records,
        qdiscs: &mut LegacyQdiscs,
    ) -> anyhow::Result<()> {
        let first_new = self.interfaces.len();
        let listed = match netns.within(interfaces::list) {
            Ok(listed) => listed.context("listing network interfaces")?,
            // After -Z there is no way in any more.
            Err(error) => {
                eprintln!("ptstat: warning: {error:#}");
                return Ok(());
            }
        };
        self.attach_all(netns, &wanted_interfaces(&self.options, listed), qdiscs)?;
        self.announce(first_new, records)
    }

    /// `--netns any`: attaches in the namespaces, and to the interfaces, that appeared since the last look.
    pub fn attach_everywhere(&mut self, records: &mut dyn Records, qdiscs: &mut LegacyQdiscs) -> anyhow::Result<()> {
        for netns in netns::every()? {
            self.attach_new(&netns, records, qdiscs)?;
        }
        Ok(())
    }

    /// Hands on the packets in `ring`; returns how many.
    pub fn deliver_all(
        &mut self,
        ring: &mut RingBuf<MapData>,
        delivery: &mut Delivery,
        records: &mut dyn Records,
    ) -> anyhow::Result<usize> {
        let mut delivered = 0;
        // Packets come in runs from one interface: the last one's id saves a hash lookup per packet.
        let mut last: Option<(InterfaceKey, InterfaceId)> = None;
        while !delivery.is_complete() {
            let Some(record) = ring.next() else { break };
            let Some(event) = PacketEvent::parse(&record) else { continue };
            let key = InterfaceKey::new(event.netns, event.ifindex);
            let id = match last {
                Some((last_key, id)) if last_key == key => id,
                _ => match (self.attached.get(&key), self.options.backend) {
                    (Some(&id), _) => id,
                    (None, Backend::CgroupSkb | Backend::TpBtf) if !self.refused.contains(&key) => {
                        match self.interface_seen(key, records)? {
                            Some(id) => id,
                            None => continue,
                        }
                    }
                    (None, _) => continue,
                },
            };
            last = Some((key, id));
            let packet = LivePacket {
                interface: id,
                timestamp: delivery.clock.to_wall_clock(event.timestamp_ns),
                direction: event.direction,
                original_len: event.original_len,
                data: event.data,
                process: &event.process,
                peer: &event.peer,
            };
            records.packet(&packet)?;
            delivery.count(id);
            delivered += 1;
        }
        Ok(delivered)
    }
}

/// What the loop waits on.
pub struct Wakeups {
    /// `Collect::Packets`: the ring buffer of packets.
    pub packets: Option<AsyncFd<RingBuf<MapData>>>,
    pub processes: AsyncFd<RingBuf<MapData>>,
    /// `-- COMMAND`: its exit ends the capture.
    pub command: Option<tokio::process::Child>,
    pub stop: StopSignals,
}

/// Turns events into packets, and counts them against `-c`.
pub struct Delivery {
    pub clock: KernelClock,
    pub captured: u64,
    /// By interface id.
    pub captured_per_interface: Vec<u64>,
    pub limit: Option<u64>,
}

impl Delivery {
    pub fn apply_process_events(ring: &mut RingBuf<MapData>, records: &mut dyn Records) {
        while let Some(record) = ring.next() {
            if let Some(event) = ProcessEvent::parse(&record) {
                records.process_changed(&event);
            }
        }
    }

    fn count(&mut self, id: InterfaceId) {
        self.captured += 1;
        if self.captured_per_interface.len() <= id {
            self.captured_per_interface.resize(id + 1, 0);
        }
        self.captured_per_interface[id] += 1;
    }

    pub fn is_complete(&self) -> bool {
        self.limit.is_some_and(|limit| self.captured >= limit)
    }
}

/// How often `--netns any` looks for new namespaces (and new interfaces in them): it has no notification to wait
/// for, and watching each namespace's links would keep every namespace alive as long as ptstat runs.
pub const RESCAN_INTERVAL: Duration = Duration::from_secs(1);

/// Without a wakeup per packet, packets wait at most this long in the ring (besides the wakeup once it is partly
/// full): short enough for lines and files to keep up with what a user watches, long enough to cost nothing.
pub const BATCH_DELAY: Duration = Duration::from_millis(100);

/// A drain of at least this many packets means a flood: pause `BUSY_PAUSE` before the next.
pub const BUSY_BATCH: usize = 64;
pub const BUSY_PAUSE: Duration = Duration::from_millis(1);

/// When the loop looks up from its ring buffers.
pub struct Timers {
    /// `--timeout`.
    pub deadline: Option<tokio::time::Instant>,
    /// `Records::tick`'s interval.
    pub tick: Option<Duration>,
    /// How often to drain the packets' ring when the kernel does not wake ptstat for each packet.
    pub drain: Option<Duration>,
}

/// What the programs count besides the packets they copy, for `Records::tick` and SIGUSR1.
pub enum Collected<'a> {
    /// Capture: the kernel's counters (packets seen, matched, dropped), summed over the interfaces.
    Packets(&'a dyn Fn() -> anyhow::Result<CaptureCounters>),
    /// Counting: the flow table.
    Flows(&'a mut FlowTable),
}

impl Collected<'_> {
    /// The packets the selection kept so far, as the kernel counts them (those still in the ring included).
    fn selected_packets(&self) -> anyhow::Result<u64> {
        Ok(match self {
            Collected::Packets(kernel) => kernel()?.matched,
            Collected::Flows(flows) => flows.read()?.totals.iter().map(|total| total.packets).sum(),
        })
    }
}

/// What `Records::tick` can look at: the flow table when counting; tcpdump's counts so far when capturing.
pub struct SoFar<'a, 'b> {
    collected: &'a mut Collected<'b>,
    /// Packets handed on so far.
    captured: u64,
    /// Where the interfaces' own drops are read.
    session: &'a mut Session,
}

impl SoFar<'_, '_> {
    pub fn flows(&mut self) -> Option<&mut FlowTable> {
        match self.collected {
            Collected::Packets(_) => None,
            Collected::Flows(flows) => Some(flows),
        }
    }

    /// Capture: tcpdump's counts now. Packets in the ring buffer are received and not yet captured.
    pub fn capture_summary(&mut self) -> Option<anyhow::Result<CaptureSummary>> {
        match &*self.collected {
            Collected::Packets(kernel) => Some(kernel().map(|kernel| CaptureSummary {
                captured: self.captured,
                kernel,
                interface_dropped: self.session.interface_dropped(),
            })),
            Collected::Flows(_) => None,
        }
    }

    /// SIGUSR1's line: tcpdump's counts joined as tcpdump joins them then; when counting, the packets and flows
    /// counted so far.
    fn progress(&mut self) -> anyhow::Result<String> {
        if let Some(summary) = self.capture_summary() {
            return Ok(summary?.counters().join(", "));
        }
        let counts = self.flows().context("neither capturing nor counting")?.read()?;
        let packets: u64 = counts.totals.iter().map(|total| total.packets).sum();
        let plural = |count: u64| if count == 1 { "" } else { "s" };
        let flows = counts.flows.len() as u64;
        Ok(format!("{packets} packet{} counted in {flows} flow{}", plural(packets), plural(flows)))
    }
}

impl Session {
    /// Hands on what the ring buffers bring (and, every tick, the flow table or the counts; on SIGUSR1, the counts)
    /// until something ends the capture; then detaches the programs and delivers what is left in the rings.
    pub async fn run(
        &mut self,
        wakeups: Wakeups,
        delivery: &mut Delivery,
        records: &mut dyn Records,
        qdiscs: &mut LegacyQdiscs,
        timers: Timers,
        mut collected: Collected<'_>,
    ) -> anyhow::Result<()> {
        let Wakeups { packets: mut ring, processes: mut process_ring, mut command, stop: mut stop_signals } = wakeups;
        if let Collected::Packets(_) = collected {
            // The interfaces' drops count from now, as tcpdump's do from its start.
            self.interface_dropped();
        }
        // Every interface wanted: a watcher of link changes in each namespace (made inside, it stays bound to it).
        // `--netns any` looks again every second instead.
        let announced_as_seen = self.options.backend == Backend::CgroupSkb || traces_every_interface(&self.options);
        let rescanning = self.options.namespace_choice() == NamespaceChoice::Any && !announced_as_seen;
        let mut watchers = Vec::new();
        if all_interfaces(&self.options) && !rescanning && !announced_as_seen {
            for place in &self.places {
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
        let mut rescan = interval(Some(RESCAN_INTERVAL));
        let mut tick = interval(timers.tick);
        let mut drain = interval(timers.drain);
        let timed_out = async || match timers.deadline {
            Some(deadline) => tokio::time::sleep_until(deadline).await,
            None => std::future::pending().await,
        };
        let mut command_exited = async || match &mut command {
            Some(child) => child.wait().await,
            None => std::future::pending().await,
        };
        // Once the command has exited: its connections finishing.
        let mut linger: Option<Linger> = None;
        let mut linger_check = None;
        while !delivery.is_complete() {
            tokio::select! {
                // Process changes first: a packet's process may have just been born.
                biased;
                readable = process_ring.readable_mut() => {
                    // Cleared before draining: the kernel wakes a reader only when it has caught up, so a record
                    // that comes after the drain must find the readiness cleared, or its wakeup is lost.
                    let mut guard = readable?;
                    guard.clear_ready();
                    Delivery::apply_process_events(guard.get_inner_mut(), records);
                }
                readable = packets_readable(&mut ring) => {
                    let mut guard = readable?;
                    loop {
                        guard.clear_ready();
                        Delivery::apply_process_events(process_ring.get_mut(), records);
                        let delivered = self.deliver_all(guard.get_inner_mut(), delivery, records)?;
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
                    let changed = changed?;
                    // Taken out for the call, which needs all of the session.
                    let places = std::mem::take(&mut self.places);
                    let attached = self.attach_new(&places[changed].netns, records, qdiscs);
                    self.places = places;
                    attached?;
                }
                _ = tick_of(&mut rescan), if rescanning => self.attach_everywhere(records, qdiscs)?,
                _ = tick_of(&mut drain) => {
                    if let Some(ring) = &mut ring {
                        Delivery::apply_process_events(process_ring.get_mut(), records);
                        self.deliver_all(ring.get_mut(), delivery, records)?;
                    }
                }
                _ = tick_of(&mut tick) => {
                    Delivery::apply_process_events(process_ring.get_mut(), records);
                    let mut so_far = SoFar { collected: &mut collected, captured: delivery.captured, session: self };
                    if !records.tick(&mut so_far)? {
                        break;
                    }
                }
                // Its exit status is the command's business: ptstat's own tells how the capture went.
                exited = command_exited(), if linger.is_none() => {
                    exited.context("waiting for the command")?;
                    linger = Some(Linger::new(collected.selected_packets()?));
                    linger_check = interval(Some(LINGER_CHECK));
                }
                _ = tick_of(&mut linger_check) => {
                    let packets = collected.selected_packets()?;
                    if linger.as_mut().is_some_and(|linger| linger.over(packets)) {
                        break;
                    }
                }
                _ = timed_out() => break,
                _ = stop_signals.interrupt.recv() => break,
                _ = stop_signals.terminate.recv() => break,
                _ = stop_signals.counters.recv() => {
                    // The packets waiting in the ring first: the kernel counted them as received, so they count as
                    // captured too.
                    if let Some(ring) = &mut ring {
                        Delivery::apply_process_events(process_ring.get_mut(), records);
                        self.deliver_all(ring.get_mut(), delivery, records)?;
                    }
                    let mut so_far = SoFar { collected: &mut collected, captured: delivery.captured, session: self };
                    eprintln!("ptstat: {}", so_far.progress()?);
                }
            }
        }
        // Detach first, then empty the rings: nothing new arrives and nothing already captured is lost.
        self.detach();
        Delivery::apply_process_events(process_ring.get_mut(), records);
        if let Some(ring) = &mut ring {
            self.deliver_all(ring.get_mut(), delivery, records)?;
        }
        Ok(())
    }
}

/// After `-- COMMAND` exits, the capture goes on while its connections finish: the FIN its exit sends, the peer's
/// answers in flight, its FIN and the last ACK. There is no telling from here which of them are still to come (a
/// connection may be reset, half-closed, or handed to a child that lives on), so the end is a quiet moment instead:
/// no packet selected for `LINGER_QUIET`, and at most `LINGER_MOST` after the exit. The kernel keeps the exited
/// processes selected (exited_pids in ebpf/processes.h), so these packets are still theirs.
const LINGER_QUIET: Duration = Duration::from_millis(500);
const LINGER_MOST: Duration = Duration::from_secs(3);
/// How often the linger looks at the kernel's count of selected packets.
const LINGER_CHECK: Duration = Duration::from_millis(100);

struct Linger {
    exited: tokio::time::Instant,
    /// The selected packets counted at the last change, and when it was seen.
    packets: u64,
    changed: tokio::time::Instant,
}

impl Linger {
    fn new(packets: u64) -> Linger {
        let now = tokio::time::Instant::now();
        Linger { exited: now, packets, changed: now }
    }

    /// Whether the capture may end, given the count of selected packets now.
    fn over(&mut self, packets: u64) -> bool {
        let now = tokio::time::Instant::now();
        if packets != self.packets {
            (self.packets, self.changed) = (packets, now);
        }
        now - self.changed >= LINGER_QUIET || now - self.exited >= LINGER_MOST
    }
}

/// The packets' ring buffer, readable; never without one (counting).
async fn packets_readable(
    ring: &mut Option<AsyncFd<RingBuf<MapData>>>,
) -> io::Result<AsyncFdReadyMutGuard<'_, RingBuf<MapData>>> {
    match ring {
        Some(ring) => ring.readable_mut().await,
        None => std::future::pending().await,
    }
}

/// A timer that first fires one `period` from now; `None`: never.
fn interval(period: Option<Duration>) -> Option<tokio::time::Interval> {
    let period = period?;
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    Some(interval)
}

async fn tick_of(interval: &mut Option<tokio::time::Interval>) {
    match interval {
        Some(interval) => drop(interval.tick().await),
        None => std::future::pending().await,
    }
}
