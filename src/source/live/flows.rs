//! Counting (`Collect::Counts`): the per-flow table the programs of `ebpf/stats.h` fill, read by batch.

use std::{
    net::{IpAddr, Ipv6Addr},
    os::fd::{AsFd, AsRawFd},
    time::{Duration, Instant},
};

use anyhow::Context;
use aya::{
    Ebpf, Pod,
    maps::{Map, MapData, PerCpuArray},
};

use super::{
    event::{KernelProcess, PROCESS_CONTEXT_LEN},
    programs,
};

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
#[derive(Clone, Copy, Debug)]
struct KernelFlowCounts {
    packets: u64,
    bytes: u64,
    comm: [u8; 16],
    /// `struct process_context`.
    peer: [u8; PROCESS_CONTEXT_LEN],
}

impl Default for KernelFlowCounts {
    fn default() -> Self {
        KernelFlowCounts { packets: 0, bytes: 0, comm: [0; 16], peer: [0; PROCESS_CONTEXT_LEN] }
    }
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

const _: () = assert!(size_of::<KernelFlowKey>() == 64 && size_of::<KernelFlowCounts>() == 72);

/// What one flow row is counted under: the kernel's key (ebpf/stats.h `struct flow_stats_key`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    /// Cookie of the network namespace the packet was seen in.
    pub netns: u64,
    pub protocol: u8,
    pub source: IpAddr,
    pub destination: IpAddr,
    /// TCP/UDP ports; for ICMP and ICMPv6 the type (source) and code (destination); 0 otherwise.
    pub source_port: u16,
    pub destination_port: u16,
    /// The local process the packets belong to; 0 when unknown.
    pub pid: u32,
    /// cgroup v2 id of that process; 0 when unknown.
    pub cgroup_id: u64,
}

/// One flow as the kernel counted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountedFlow {
    pub key: FlowKey,
    pub packets: u64,
    pub bytes: u64,
    /// The name of the thread whose packet added the flow.
    pub comm: [u8; 16],
    /// The process at the flow's other end, when it is on this host too (pid 0: none).
    pub peer: KernelProcess,
}

impl CountedFlow {
    /// The process the packets belong to (pid 0: unknown), as the kernel knows it.
    pub fn process(&self) -> KernelProcess {
        let FlowKey { pid, cgroup_id, .. } = self.key;
        KernelProcess { pid, tid: pid, uid: 0, cgroup_id, comm: self.comm }
    }
}

/// Packets and bytes of one IP protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolCount {
    pub protocol: u8,
    pub packets: u64,
    pub bytes: u64,
}

/// The table at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts<Flow = CountedFlow> {
    /// Time since counting started.
    pub elapsed: Duration,
    pub flows: Vec<Flow>,
    /// Flows pushed out of the kernel's table to make room for new ones: their counts are lost from the rows (not
    /// from the protocol totals).
    pub evicted: u64,
    /// Packets and bytes per protocol, exact even when flows were evicted.
    pub totals: Vec<ProtocolCount>,
}

impl<Flow> Default for Counts<Flow> {
    fn default() -> Self {
        Counts { elapsed: Duration::ZERO, flows: Vec::new(), evicted: 0, totals: Vec::new() }
    }
}

/// The counting programs' maps.
pub struct FlowTable {
    flows: MapData,
    protocol_totals: PerCpuArray<MapData, KernelProtocolTotal>,
    flows_added: PerCpuArray<MapData, u64>,
    started: Instant,
}

impl FlowTable {
    pub(super) fn take_from(ebpf: &mut Ebpf) -> anyhow::Result<FlowTable> {
        let mut take = |name| ebpf.take_map(name).with_context(|| format!("no map {name}"));
        let Map::PerCpuLruHashMap(flows) = take(programs::FLOW_STATS_MAP)? else {
            anyhow::bail!("flow_stats is not a per-CPU LRU hash")
        };
        Ok(FlowTable {
            flows,
            protocol_totals: PerCpuArray::try_from(take(programs::PROTOCOL_TOTALS_MAP)?)?,
            flows_added: PerCpuArray::try_from(take(programs::FLOWS_ADDED_MAP)?)?,
            started: Instant::now(),
        })
    }

    /// Counting starts now: the elapsed time is measured from here.
    pub(super) fn restart_clock(&mut self) {
        self.started = Instant::now();
    }

    /// The counts now.
    pub fn read(&self) -> anyhow::Result<Counts> {
        let elapsed = self.started.elapsed();
        let entries = lookup_batch(&self.flows)?;
        let added: u64 = self.flows_added.get(&0, 0).context("reading flows_added")?.iter().sum();
        let evicted = added.saturating_sub(entries.len() as u64);
        let flows = entries.into_iter().map(|(key, counts)| counted(key, counts)).collect();
        let mut totals = Vec::new();
        for protocol in 0..=u8::MAX {
            let per_cpu = self.protocol_totals.get(&u32::from(protocol), 0).context("reading protocol totals")?;
            let (packets, bytes) = per_cpu.iter().fold((0, 0), |(p, b), cpu| (p + cpu.packets, b + cpu.bytes));
            if packets > 0 {
                totals.push(ProtocolCount { protocol, packets, bytes });
            }
        }
        Ok(Counts { elapsed, flows, evicted, totals })
    }
}

fn counted(key: KernelFlowKey, counts: KernelFlowCounts) -> CountedFlow {
    CountedFlow {
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
        comm: counts.comm,
        peer: KernelProcess::parse(&counts.peer),
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
                // Each CPU names the peer it found first; any will do.
                if sum.peer == [0; PROCESS_CONTEXT_LEN] {
                    sum.peer = cpu.peer;
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
