//! Stats mode: the counting programs of `ebpf/stats.h` on the chosen hooks, and their per-flow table, read by
//! batch and named (process, cgroup, container) into `Snapshot`s.

use std::{
    net::{IpAddr, Ipv6Addr},
    os::fd::{AsFd, AsRawFd},
    path::PathBuf,
    sync::atomic::{AtomicBool, Ordering},
    time::Instant,
};

use anyhow::{Context, bail};
use aya::{
    Ebpf, Pod,
    maps::{MapData, PerCpuArray, RingBuf},
};

use super::{
    InterfaceChoice,
    attach::{self, Directions, LegacyQdiscs, TcMode},
    backend::{self, Backend, XdpMode},
    choose_interfaces,
    event::{KernelProcess, ProcessEvent},
    filter::CompiledFilter,
    interfaces::{self, SystemInterface},
    privileges,
    programs::{self, ProcessSelection, Purpose, STATS_PROGRAMS},
};
use crate::{
    enrich::{ContextSelection, Enricher, containers::RuntimeSockets},
    sink::stats::{FlowKey, FlowStats, ProtocolTotal, Snapshot},
};

#[derive(Clone, Debug)]
pub struct StatsOptions {
    pub interfaces: InterfaceChoice,
    pub backend: Backend,
    pub xdp_mode: XdpMode,
    /// cgroup-skb: the cgroup v2 directory to count; `None` = the root, the whole host.
    pub cgroup: Option<PathBuf>,
    pub tc_mode: TcMode,
    pub directions: Directions,
    pub processes: ProcessSelection,
    /// A pcap-filter(7) expression: only the packets it accepts are counted.
    pub filter: Option<String>,
    /// Size of the kernel's flow table: more flows evict the least recently counted.
    pub max_flows: u32,
    pub container_runtimes: RuntimeSockets,
}

/// `struct flow_stats_key` of ebpf/stats.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct KernelFlowKey {
    netns: u64,
    cgroup_id: u64,
    source: [u8; 16],
    destination: [u8; 16],
    pid: u32,
    source_port: u16,
    destination_port: u16,
    protocol: u8,
    reserved: [u8; 7],
}

/// `struct flow_counts` of ebpf/stats.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct KernelFlowCounts {
    packets: u64,
    bytes: u64,
    comm: [u8; 16],
}

/// `struct protocol_total` of ebpf/stats.h.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct KernelProtocolTotal {
    packets: u64,
    bytes: u64,
}

// SAFETY: plain integers and byte arrays without padding; every bit pattern is valid.
unsafe impl Pod for KernelProtocolTotal {}

const _: () = assert!(size_of::<KernelFlowKey>() == 64 && size_of::<KernelFlowCounts>() == 32);

/// The counting programs, attached, and what names their flows.
pub struct StatsCapture {
    /// Declared before `qdiscs`: dropped (detached) first, so a clsact qdisc goes once its filters are gone.
    ebpf: Ebpf,
    qdiscs: LegacyQdiscs,
    started: Instant,
    /// cgroup-skb: the cgroup counted.
    cgroup: Option<PathBuf>,
    /// (ifindex, name) of the interfaces attached to.
    interfaces: Vec<(u32, String)>,
    options: StatsOptions,
    process_events: RingBuf<MapData>,
    protocol_totals: PerCpuArray<MapData, KernelProtocolTotal>,
    flows_added: PerCpuArray<MapData, u64>,
    enricher: Enricher,
}

impl StatsCapture {
    /// Loads the counting programs and attaches them where `options` say; counting starts now.
    pub fn start(options: &StatsOptions) -> anyhow::Result<StatsCapture> {
        let missing = privileges::missing_capabilities();
        if !missing.is_empty() {
            bail!("counting needs the capabilities {} (run as root)", missing.join(", "));
        }
        let chosen = match options.backend {
            Backend::CgroupSkb => Vec::new(),
            Backend::Xdp if options.interfaces == InterfaceChoice::Any => {
                choose_interfaces(&options.interfaces)?.into_iter().filter(backend::takes_xdp).collect()
            }
            _ => choose_interfaces(&options.interfaces)?,
        };
        let filter = CompiledFilter::compile(
            options.filter.as_deref().unwrap_or_default(),
            options.backend == Backend::CgroupSkb,
        )?;
        let mut ebpf = programs::load(Purpose::Stats { max_flows: options.max_flows }, &options.processes, &filter)?;
        let containers = programs::container_selection(&mut ebpf, &options.processes)?;
        super::start_attribution(&mut ebpf, [&super::Netns::own()?], "flows");
        let cgroup = match options.backend {
            Backend::CgroupSkb => {
                let cgroup = options.cgroup.as_deref();
                Some(backend::attach_cgroup_skb(&mut ebpf, &STATS_PROGRAMS, cgroup, options.directions)?)
            }
            _ => None,
        };
        let process_events =
            RingBuf::try_from(ebpf.take_map(programs::PROCESS_EVENTS_MAP).context("no process ring")?)?;
        let protocol_totals =
            PerCpuArray::try_from(ebpf.take_map(programs::PROTOCOL_TOTALS_MAP).context("no protocol totals map")?)?;
        let flows_added =
            PerCpuArray::try_from(ebpf.take_map(programs::FLOWS_ADDED_MAP).context("no flows_added map")?)?;
        let context = ContextSelection { thread: false, parent: false, user: false, ..ContextSelection::ALL };
        let enricher = Enricher::new(context, &options.container_runtimes, containers);
        let mut counting = StatsCapture {
            ebpf,
            qdiscs: LegacyQdiscs::default(),
            started: Instant::now(),
            cgroup,
            interfaces: Vec::new(),
            process_events,
            protocol_totals,
            flows_added,
            enricher,
            options: options.clone(),
        };
        for interface in &chosen {
            match counting.attach(interface) {
                // `-i any`: an interface may vanish between listing and attaching.
                Err(error) if options.interfaces == InterfaceChoice::Any => eprintln!("ptstat: warning: {error:#}"),
                other => other?,
            }
        }
        counting.started = Instant::now();
        Ok(counting)
    }

    fn attach(&mut self, interface: &SystemInterface) -> anyhow::Result<()> {
        let options = &self.options;
        match options.backend {
            Backend::Xdp => backend::attach_xdp(&mut self.ebpf, &STATS_PROGRAMS, interface, options.xdp_mode)?,
            _ => attach::attach(
                &mut self.ebpf,
                &STATS_PROGRAMS,
                interface,
                options.tc_mode,
                options.directions,
                &mut self.qdiscs,
            )?,
        }
        self.interfaces.push((interface.index, interface.name.clone()));
        Ok(())
    }

    /// `-i any`: attaches to the interfaces that appeared since the last call. One that fails is a warning.
    pub fn attach_new_interfaces(&mut self) -> anyhow::Result<()> {
        if self.options.interfaces != InterfaceChoice::Any || self.options.backend == Backend::CgroupSkb {
            return Ok(());
        }
        for interface in interfaces::list().context("listing network interfaces")? {
            let fits = match self.options.backend {
                Backend::Xdp => backend::takes_xdp(&interface),
                _ => interface.link_type().is_some(),
            };
            if fits
                && !self.interfaces.iter().any(|(index, _)| *index == interface.index)
                && let Err(error) = self.attach(&interface)
            {
                eprintln!("ptstat: warning: {error:#}");
            }
        }
        Ok(())
    }

    /// Where the programs count, for the "listening on ..." line.
    pub fn attached_to(&self) -> String {
        if let Some(cgroup) = &self.cgroup {
            return format!("cgroup {} (cgroup-skb)", cgroup.display());
        }
        let names = self.interfaces.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>().join(", ");
        match self.options.backend {
            Backend::Xdp => format!("{names} (XDP)"),
            _ => names,
        }
    }

    /// The counts now.
    pub fn sample(&mut self) -> anyhow::Result<Snapshot> {
        let elapsed = self.started.elapsed();
        while let Some(record) = self.process_events.next() {
            if let Some(event) = ProcessEvent::parse(&record) {
                self.enricher.process_changed(&event);
            }
        }
        let map = self.ebpf.map(programs::FLOW_STATS_MAP).context("no flow_stats map")?;
        let aya::maps::Map::PerCpuLruHashMap(data) = map else { bail!("flow_stats is not a per-CPU LRU hash") };
        let entries = lookup_batch(data)?;
        let added: u64 = self.flows_added.get(&0, 0).context("reading flows_added")?.iter().sum();
        let evicted = added.saturating_sub(entries.len() as u64);
        let flows = entries.into_iter().map(|(key, counts)| self.named(key, counts)).collect();
        let mut totals = Vec::new();
        for protocol in 0..=u8::MAX {
            let per_cpu = self.protocol_totals.get(&u32::from(protocol), 0).context("reading protocol totals")?;
            let (packets, bytes) = per_cpu.iter().fold((0, 0), |(p, b), cpu| (p + cpu.packets, b + cpu.bytes));
            if packets > 0 {
                totals.push(ProtocolTotal { protocol, packets, bytes });
            }
        }
        Ok(Snapshot { elapsed, flows, evicted, totals })
    }

    fn named(&mut self, key: KernelFlowKey, counts: KernelFlowCounts) -> FlowStats {
        let process = KernelProcess { pid: key.pid, tid: key.pid, uid: 0, cgroup_id: key.cgroup_id, comm: counts.comm };
        let context = self.enricher.context(&process);
        FlowStats {
            key: FlowKey {
                netns: key.netns,
                protocol: key.protocol,
                source: address(key.source),
                destination: address(key.destination),
                source_port: key.source_port,
                destination_port: key.destination_port,
                pid: key.pid,
                cgroup_id: key.cgroup_id,
            },
            packets: counts.packets,
            bytes: counts.bytes,
            comm: context.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            cgroup: context.as_ref().map(|c| c.cgroup.clone()).unwrap_or_default(),
            container: context.as_ref().and_then(|c| c.container.as_ref()).map(|c| c.name.clone()),
        }
    }
}

/// IPv4 is kept as ::ffff:a.b.c.d.
fn address(bytes: [u8; 16]) -> IpAddr {
    let v6 = Ipv6Addr::from(bytes);
    v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)
}

/// `BPF_MAP_LOOKUP_BATCH` (include/uapi/linux/bpf.h), which aya 0.14 does not wrap.
const BPF_MAP_LOOKUP_BATCH: libc::c_long = 24;

/// The batch part of `union bpf_attr`.
#[repr(C)]
#[derive(Default)]
struct BatchAttr {
    in_batch: u64,
    out_batch: u64,
    keys: u64,
    values: u64,
    count: u32,
    map_fd: u32,
    elem_flags: u64,
    flags: u64,
}

/// Flows read per system call.
const BATCH: usize = 4096;

/// Every flow of the per-CPU table, its counts summed over the CPUs: a few system calls however many flows there
/// are, where walking the keys costs two per flow.
fn lookup_batch(map: &MapData) -> anyhow::Result<Vec<(KernelFlowKey, KernelFlowCounts)>> {
    let cpus = aya::util::nr_cpus().map_err(|(path, error)| anyhow::anyhow!("{path}: {error}"))?;
    let mut keys = vec![KernelFlowKey::default(); BATCH];
    let mut values = vec![KernelFlowCounts::default(); BATCH * cpus];
    // The kernel's position in the table between calls: a bucket number for hash maps.
    let (mut token, mut next_token) = (0u64, 0u64);
    let mut first = true;
    let mut flows = Vec::new();
    loop {
        let mut attr = BatchAttr {
            in_batch: if first { 0 } else { &mut token as *mut u64 as u64 },
            out_batch: &mut next_token as *mut u64 as u64,
            keys: keys.as_mut_ptr() as u64,
            values: values.as_mut_ptr() as u64,
            count: BATCH as u32,
            map_fd: map.fd().as_fd().as_raw_fd() as u32,
            ..Default::default()
        };
        // SAFETY: `attr` points at buffers for `count` keys and `count` × CPUs values, which outlive the call;
        // the kernel writes at most that much.
        let result = unsafe {
            libc::syscall(libc::SYS_bpf, BPF_MAP_LOOKUP_BATCH, &mut attr as *mut BatchAttr, size_of::<BatchAttr>())
        };
        let error = (result < 0).then(std::io::Error::last_os_error);
        if let Some(error) = &error
            && error.raw_os_error() != Some(libc::ENOENT)
        {
            return Err(anyhow::anyhow!("reading the flow table: {error}"));
        }
        for (at, key) in keys.iter().take(attr.count as usize).enumerate() {
            let per_cpu = &values[at * cpus..(at + 1) * cpus];
            let mut sum = KernelFlowCounts::default();
            for cpu in per_cpu {
                sum.packets += cpu.packets;
                sum.bytes += cpu.bytes;
                // Only the CPU that added the flow wrote its name.
                if sum.comm[0] == 0 {
                    sum.comm = cpu.comm;
                }
            }
            flows.push((*key, sum));
        }
        // ENOENT: that was the last batch.
        if error.is_some() {
            return Ok(flows);
        }
        token = next_token;
        first = false;
    }
}

/// Set by SIGINT and SIGTERM once `stop_on_signals` ran: the counting loops poll it.
static STOP_REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_signal: libc::c_int) {
    STOP_REQUESTED.store(true, Ordering::SeqCst);
}

/// From now on, Ctrl-C and SIGTERM ask the counting loop to stop (and print what it counted) instead of killing
/// ptstat; returns the flag to poll.
pub fn stop_on_signals() -> &'static AtomicBool {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the handler only stores into an atomic, which is async-signal-safe.
        unsafe { libc::signal(signal, request_stop as *const () as libc::sighandler_t) };
    }
    &STOP_REQUESTED
}
