//! The metrics' values. With --stats: the kernel's flow table, read every tick, folded into counters per label
//! set; each read adds what each flow grew by since the last one, so a counter keeps what it counted after the
//! kernel's LRU evicts the flow (only what the flow counted between the last read and its eviction is lost; the
//! evictions are counted). With a capture: each packet counted as it comes, and every tick tcpdump's counters
//! and the flows of the capture's tally (`CaptureProgress`, fed by the capture loop). Label sets are few by design
//! (process, container, pod, direction, protocol, interface and the kind of remote side, never the 5-tuple) and
//! bounded: past `max_series`, new ones are counted in one overflow series per direction and protocol, so sums
//! over all series stay whole.

use std::{
    collections::HashSet,
    fmt,
    net::IpAddr,
    sync::{Arc, atomic::AtomicU64},
};

use foldhash::HashMap;
use prometheus_client::{
    encoding::{EncodeLabel, EncodeLabelSet, LabelSetEncoder},
    metrics::{counter::Counter, family::Family, gauge::Gauge},
    registry::Registry,
};

use crate::{
    enrich::pods::RemotePods,
    packet::{InterfaceId, ProcessContext},
    sink::{
        connections::InternalNetworks,
        stats::{Counts, ProtocolName},
    },
    source::live::{
        CaptureSummary,
        flows::{CountedFlow, FlowKey},
    },
};

/// The label value of the overflow series' process and remote side.
pub const OVERFLOW: &str = "(overflow)";

/// Where a flow's packets go, seen from this host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Direction {
    /// From one of this host's addresses.
    Sent,
    /// To one of this host's addresses.
    Received,
    /// Neither: routed or bridged through (a pod's traffic seen on the host's side of its veth).
    Forwarded,
}

impl Direction {
    fn name(self) -> &'static str {
        match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
            Direction::Forwarded => "forwarded",
        }
    }
}

/// One series' labels. Empty values (an unknown process, no container, no pod, no pid asked for) are left out, as
/// Prometheus takes an empty label for an absent one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SeriesLabels {
    direction: &'static str,
    protocol: String,
    process: String,
    pid: Option<u32>,
    container: String,
    pod: String,
    namespace: String,
    /// The interface a capture saw the packet on. With --stats, the one interface ptstat counts on; empty when it
    /// counts on several (`-i any`, several -i, --netns, cgroup-skb): the kernel's flow key has no interface, a
    /// flow's counts are summed over all of them.
    interface: String,
    /// The other end: `namespace/name` of a pod, else `host` (an address of this host), `internal` (in
    /// --internal-networks) or `external`.
    remote: String,
}

/// What a series is told apart by, before it is named: a flow of the kernel's table, or a packet of a capture.
pub struct Traffic<'a> {
    pub protocol: u8,
    pub source: IpAddr,
    pub destination: IpAddr,
    pub pid: u32,
    pub process: Option<&'a ProcessContext>,
    pub interface: &'a str,
}

/// A capture's packets of one flow on one interface go to the same counters: found by this, without naming
/// them again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PacketSeries {
    pub interface: InterfaceId,
    pub protocol: u8,
    pub source: IpAddr,
    pub destination: IpAddr,
    pub pid: u32,
}

/// How many flows a capture keeps the counters of at hand; past it they are looked up anew.
const CACHED_PACKET_SERIES: usize = 65_536;

impl EncodeLabelSet for SeriesLabels {
    fn encode(&self, encoder: &mut LabelSetEncoder) -> fmt::Result {
        let pid = self.pid.map(|pid| pid.to_string()).unwrap_or_default();
        let labels = [
            ("direction", self.direction),
            ("protocol", &self.protocol),
            ("process", &self.process),
            ("pid", &pid),
            ("container", &self.container),
            ("pod", &self.pod),
            ("namespace", &self.namespace),
            ("interface", &self.interface),
            ("remote", &self.remote),
        ];
        for label in labels.iter().filter(|(_, value)| !value.is_empty()) {
            label.encode(encoder.encode_label())?;
        }
        Ok(())
    }
}

/// What the labels are made of besides the flow.
pub struct Labelling {
    /// `--metrics-pid`: a `pid` label, a series per process rather than per process name.
    pub with_pid: bool,
    pub internal: InternalNetworks,
    pub remote_pods: Option<RemotePods>,
}

/// The metrics registered, and the state that makes their values.
pub struct Aggregate {
    packets: Family<SeriesLabels, Counter>,
    bytes: Family<SeriesLabels, Counter>,
    labelling: Labelling,
    max_series: usize,
    /// Label sets other than the overflow ones.
    labelled_series: usize,
    /// With --stats.
    kernel_table: Option<KernelTable>,
    /// With --stats: the `interface` label of every series, when ptstat counts on one interface only.
    counted_interface: String,
    /// With a capture: the counters of each flow seen lately.
    packet_series: HashMap<PacketSeries, (Counter, Counter)>,
}

/// The kernel's flow table: its own metrics, and what it held at the last read.
struct KernelTable {
    /// Packets and bytes per protocol as the kernel totals them, also of flows it never had room for.
    packets: Family<[(&'static str, String); 1], Counter>,
    bytes: Family<[(&'static str, String); 1], Counter>,
    flows_tracked: Gauge,
    evictions: RunningTotal,
    /// Each flow's counts at the last read.
    previous: HashMap<FlowKey, (u64, u64)>,
    previous_totals: HashMap<u8, (u64, u64)>,
}

impl KernelTable {
    fn new(registry: &mut Registry) -> KernelTable {
        let table = KernelTable {
            packets: Family::default(),
            bytes: Family::default(),
            flows_tracked: Gauge::default(),
            evictions: RunningTotal::register(
                registry,
                "ptstat_flow_table_evictions",
                "Flows the kernel's table evicted to make room (see --stats-entries)",
            ),
            previous: HashMap::default(),
            previous_totals: HashMap::default(),
        };
        registry.register("ptstat_kernel_packets", "Packets per protocol, as the kernel totals them", {
            table.packets.clone()
        });
        registry.register("ptstat_kernel_bytes", "Bytes per protocol, as the kernel totals them", table.bytes.clone());
        registry.register("ptstat_flows_tracked", "Flows in the kernel's table", table.flows_tracked.clone());
        table
    }

    /// The kernel's totals, its table's size and evictions as of `counts`.
    fn update(&mut self, counts: &Counts) {
        self.flows_tracked.set(counts.flows.len() as i64);
        self.evictions.reached(counts.evicted);
        for total in &counts.totals {
            let (packets_before, bytes_before) =
                self.previous_totals.insert(total.protocol, (total.packets, total.bytes)).unwrap_or_default();
            let protocol = [("protocol", ProtocolName(total.protocol).to_string())];
            self.packets.get_or_create(&protocol).inc_by(total.packets.saturating_sub(packets_before));
            self.bytes.get_or_create(&protocol).inc_by(total.bytes.saturating_sub(bytes_before));
        }
    }
}

/// A counter that follows a running total the kernel keeps: each reading adds what the total grew by since the
/// one before.
struct RunningTotal {
    counter: Counter,
    reached: u64,
}

impl RunningTotal {
    fn register(registry: &mut Registry, name: &str, help: &str) -> RunningTotal {
        let counter = Counter::<u64, AtomicU64>::default();
        registry.register(name, help, counter.clone());
        RunningTotal { counter, reached: 0 }
    }

    fn reached(&mut self, total: u64) {
        self.counter.inc_by(total.saturating_sub(self.reached));
        self.reached = self.reached.max(total);
    }
}

/// A capture's own counts, fed by the capture loop every tick: tcpdump's three counters, the very numbers of the
/// closing lines and of SIGUSR1's line (the ring buffer's losses are tcpdump's "dropped by kernel": the only
/// packets the kernel side loses), and the flows the capture's tally tells apart.
pub struct CaptureProgress {
    captured: RunningTotal,
    received_by_filter: RunningTotal,
    dropped_by_kernel: RunningTotal,
    flows_tracked: Gauge,
}

impl CaptureProgress {
    pub fn new(registry: &mut Registry) -> CaptureProgress {
        let flows_tracked = Gauge::default();
        registry.register(
            "ptstat_flows_tracked",
            "Flows the capture has told apart so far (those of its closing table of busiest flows)",
            flows_tracked.clone(),
        );
        CaptureProgress {
            captured: RunningTotal::register(
                registry,
                "ptstat_packets_captured",
                "Packets handed on: tcpdump's 'packets captured'",
            ),
            received_by_filter: RunningTotal::register(
                registry,
                "ptstat_packets_received_by_filter",
                "Packets the filter and process selection accepted: tcpdump's 'packets received by filter'",
            ),
            dropped_by_kernel: RunningTotal::register(
                registry,
                "ptstat_packets_dropped_by_kernel",
                "Accepted packets lost because the ring buffer (-B) was full: tcpdump's 'packets dropped by kernel'",
            ),
            flows_tracked,
        }
    }

    /// The capture's counts now, and how many flows its tally holds.
    pub fn update(&mut self, summary: &CaptureSummary, flows_tracked: usize) {
        self.captured.reached(summary.captured);
        self.received_by_filter.reached(summary.kernel.matched);
        self.dropped_by_kernel.reached(summary.kernel.dropped);
        self.flows_tracked.set(i64::try_from(flows_tracked).unwrap_or(i64::MAX));
    }
}

impl Aggregate {
    /// The metrics, registered in `registry`; those of the kernel's flow table with `kernel_table` (--stats).
    pub fn new(registry: &mut Registry, labelling: Labelling, max_series: usize, kernel_table: bool) -> Aggregate {
        let aggregate = Aggregate {
            packets: Family::default(),
            bytes: Family::default(),
            labelling,
            max_series,
            labelled_series: 0,
            kernel_table: kernel_table.then(|| KernelTable::new(registry)),
            counted_interface: String::new(),
            packet_series: HashMap::default(),
        };
        registry.register("ptstat_packets", "Packets counted per process, direction, protocol and remote side", {
            aggregate.packets.clone()
        });
        registry.register("ptstat_bytes", "Bytes counted per process, direction, protocol and remote side", {
            aggregate.bytes.clone()
        });
        aggregate
    }

    /// With --stats: ptstat counts on `interface` alone, which labels every series.
    pub fn count_on(&mut self, interface: &str) {
        self.counted_interface = interface.to_string();
    }

    /// Adds what grew since the last read of the kernel's table. `local` are this host's addresses; `context_of`
    /// names a flow's process.
    pub fn fold(
        &mut self,
        counts: Counts,
        local: &HashSet<IpAddr>,
        mut context_of: impl FnMut(&CountedFlow) -> Option<Arc<ProcessContext>>,
    ) {
        let Some(mut table) = self.kernel_table.take() else { return };
        table.update(&counts);
        let mut now = HashMap::with_capacity_and_hasher(counts.flows.len(), Default::default());
        for flow in counts.flows {
            let (packets_before, bytes_before) = table.previous.get(&flow.key).copied().unwrap_or_default();
            // Fewer than before: the kernel evicted the flow and counted it anew since, all of it new.
            let (packets, bytes) = match flow.packets >= packets_before && flow.bytes >= bytes_before {
                true => (flow.packets - packets_before, flow.bytes - bytes_before),
                false => (flow.packets, flow.bytes),
            };
            if packets > 0 || bytes > 0 {
                let context = context_of(&flow);
                let FlowKey { protocol, source, destination, pid, .. } = flow.key;
                let (process, interface) = (context.as_deref(), self.counted_interface.as_str());
                let traffic = Traffic { protocol, source, destination, pid, process, interface };
                let labels = self.bounded(self.labels(&traffic, local));
                self.packets.get_or_create(&labels).inc_by(packets);
                self.bytes.get_or_create(&labels).inc_by(bytes);
            }
            now.insert(flow.key, (flow.packets, flow.bytes));
        }
        table.previous = now;
        self.kernel_table = Some(table);
    }

    /// Counts one packet of a capture, of `bytes` bytes, if its flow's counters are at hand; `false` if not.
    pub fn count_known_packet(&self, series: &PacketSeries, bytes: u64) -> bool {
        let Some((packets, bytes_counter)) = self.packet_series.get(series) else { return false };
        packets.inc();
        bytes_counter.inc_by(bytes);
        true
    }

    /// Counts the first packet of a capture's flow (or one whose counters were let go), of `bytes` bytes.
    pub fn count_new_packet(&mut self, series: PacketSeries, traffic: &Traffic, bytes: u64, local: &HashSet<IpAddr>) {
        if self.packet_series.len() >= CACHED_PACKET_SERIES {
            self.packet_series.clear();
        }
        let labels = self.bounded(self.labels(traffic, local));
        let counters = (self.packets.get_or_create_owned(&labels), self.bytes.get_or_create_owned(&labels));
        self.packet_series.insert(series, counters);
        self.count_known_packet(&series, bytes);
    }

    fn labels(&self, traffic: &Traffic, local: &HashSet<IpAddr>) -> SeriesLabels {
        let Traffic { protocol, source, destination, pid, process, interface } = *traffic;
        let (direction, remote) = match (local.contains(&source), local.contains(&destination)) {
            (true, _) => (Direction::Sent, destination),
            (false, true) => (Direction::Received, source),
            (false, false) => (Direction::Forwarded, destination),
        };
        let named = |part: fn(&ProcessContext) -> Option<&String>| process.and_then(part).cloned().unwrap_or_default();
        SeriesLabels {
            direction: direction.name(),
            protocol: ProtocolName(protocol).to_string(),
            process: named(|context| Some(&context.name)),
            pid: self.labelling.with_pid.then_some(pid).filter(|&pid| pid != 0),
            container: named(|context| context.container.as_ref().map(|container| &container.name)),
            pod: named(|context| context.pod.as_ref().map(|pod| &pod.name)),
            namespace: named(|context| context.pod.as_ref().map(|pod| &pod.namespace)),
            interface: interface.to_string(),
            remote: self.remote(remote, local),
        }
    }

    fn remote(&self, remote: IpAddr, local: &HashSet<IpAddr>) -> String {
        if let Some(pod) = self.labelling.remote_pods.as_ref().and_then(|pods| pods.pod_of(remote)) {
            return format!("{}/{}", pod.namespace, pod.name);
        }
        let kind = match () {
            () if local.contains(&remote) => "host",
            () if self.labelling.internal.is_external(remote) => "external",
            () => "internal",
        };
        kind.to_string()
    }

    /// `labels`, or once `max_series` label sets are taken and these are new, the overflow series of their
    /// direction and protocol.
    fn bounded(&mut self, labels: SeriesLabels) -> SeriesLabels {
        if self.packets.get(&labels).is_some() {
            return labels;
        }
        if self.labelled_series < self.max_series {
            self.labelled_series += 1;
            return labels;
        }
        SeriesLabels {
            direction: labels.direction,
            protocol: labels.protocol,
            process: OVERFLOW.to_string(),
            pid: None,
            container: String::new(),
            pod: String::new(),
            namespace: String::new(),
            interface: String::new(),
            remote: OVERFLOW.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{net::Ipv4Addr, time::Duration};

    use super::*;
    use crate::sink::connections::DEFAULT_INTERNAL_NETWORKS;

    const HOST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

    fn aggregate(max_series: usize) -> Aggregate {
        let internal = DEFAULT_INTERNAL_NETWORKS.split(',').map(|network| network.parse().unwrap()).collect();
        let labelling = Labelling { with_pid: false, internal: InternalNetworks(internal), remote_pods: None };
        Aggregate::new(&mut Registry::default(), labelling, max_series, true)
    }

    /// A UDP flow between these addresses, from `pid` (named `process<pid>`), at these counts.
    fn flow(source: Ipv4Addr, destination: Ipv4Addr, pid: u32, packets: u64) -> CountedFlow {
        CountedFlow {
            key: FlowKey {
                netns: 1,
                protocol: 17,
                source: source.into(),
                destination: destination.into(),
                source_port: 40000,
                destination_port: 53,
                pid,
                cgroup_id: 0,
            },
            packets,
            bytes: packets * 100,
            comm: [0; 16],
            peer: Default::default(),
        }
    }

    /// Folds a read with these flows into `aggregate`, each flow's process named after its pid.
    fn read(aggregate: &mut Aggregate, flows: Vec<CountedFlow>) {
        let counts = Counts { elapsed: Duration::ZERO, flows, evicted: 0, totals: Vec::new() };
        let local = HashSet::from([IpAddr::V4(HOST)]);
        aggregate.fold(counts, &local, |flow| {
            let pid = flow.key.pid;
            Some(Arc::new(ProcessContext { pid, name: format!("process{pid}"), ..Default::default() }))
        });
    }

    /// Every series of the packet counter: (direction, process, remote) and its value, sorted.
    fn packet_series(aggregate: &Aggregate) -> Vec<(String, String, String, u64)> {
        values(&aggregate.packets)
    }

    /// Every series of `family` as Prometheus reads it: (direction, process, remote) and its value, sorted.
    fn values(family: &Family<SeriesLabels, Counter>) -> Vec<(String, String, String, u64)> {
        let mut registry = Registry::default();
        registry.register("counted", "", family.clone());
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &registry).unwrap();
        let label = |line: &str, key: &str| {
            let start = line.find(&format!("{key}=\"")).map(|at| at + key.len() + 2)?;
            Some(line[start..].split('"').next()?.to_string())
        };
        let mut series: Vec<_> = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| {
                let value = line.rsplit(' ').next().unwrap().parse().unwrap();
                let labels = ["direction", "process", "remote"].map(|key| label(line, key).unwrap_or_default());
                let [direction, process, remote] = labels;
                (direction, process, remote, value)
            })
            .collect();
        series.sort();
        series
    }

    fn series(direction: &str, process: &str, remote: &str, packets: u64) -> (String, String, String, u64) {
        (direction.into(), process.into(), remote.into(), packets)
    }

    #[test]
    fn counters_keep_what_evicted_flows_counted() {
        let mut aggregate = aggregate(100);
        let outside = Ipv4Addr::new(192, 0, 2, 9);
        read(&mut aggregate, vec![flow(HOST, outside, 7, 10)]);
        read(&mut aggregate, vec![flow(HOST, outside, 7, 15)]);
        // Evicted: gone from the table, then counted anew from nothing.
        read(&mut aggregate, vec![]);
        read(&mut aggregate, vec![flow(HOST, outside, 7, 2)]);
        assert_eq!(packet_series(&aggregate), [series("sent", "process7", "external", 17)]);
        assert_eq!(values(&aggregate.bytes), [series("sent", "process7", "external", 1700)]);
    }

    #[test]
    fn direction_and_remote_side_from_this_hosts_addresses() {
        let mut aggregate = aggregate(100);
        let (private, public) = (Ipv4Addr::new(192, 168, 1, 1), Ipv4Addr::new(192, 0, 2, 9));
        read(
            &mut aggregate,
            vec![flow(HOST, public, 1, 1), flow(public, HOST, 1, 2), flow(private, HOST, 2, 3), flow(HOST, HOST, 3, 4)],
        );
        read(&mut aggregate, vec![flow(Ipv4Addr::new(10, 0, 0, 5), private, 4, 5)]);
        assert_eq!(
            packet_series(&aggregate),
            [
                series("forwarded", "process4", "internal", 5),
                series("received", "process1", "external", 2),
                series("received", "process2", "internal", 3),
                series("sent", "process1", "external", 1),
                series("sent", "process3", "host", 4),
            ]
        );
    }

    #[test]
    fn series_beyond_the_bound_are_counted_in_the_overflow_series() {
        let mut aggregate = aggregate(2);
        let outside = Ipv4Addr::new(192, 0, 2, 9);
        read(&mut aggregate, (1..=5).map(|pid| flow(HOST, outside, pid, u64::from(pid))).collect());
        // A process that has its series keeps it; new ones overflow.
        read(&mut aggregate, vec![flow(HOST, outside, 1, 11), flow(HOST, outside, 6, 6)]);
        let all = packet_series(&aggregate);
        let labelled: Vec<_> = all.iter().filter(|(_, process, ..)| process != OVERFLOW).collect();
        assert_eq!(labelled.len(), 2, "{all:?}");
        assert_eq!(all.iter().map(|(.., packets)| packets).sum::<u64>(), 11 + 2 + 3 + 4 + 5 + 6, "{all:?}");
        assert!(all.contains(&series("sent", OVERFLOW, OVERFLOW, 3 + 4 + 5 + 6)), "{all:?}");
    }

    #[test]
    fn a_captures_packets_count_per_interface_and_past_the_bound_in_the_overflow_series() {
        let mut aggregate = aggregate(2);
        let local = HashSet::from([IpAddr::V4(HOST)]);
        let outside = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9));
        let process = ProcessContext { pid: 7, name: "curl".into(), ..Default::default() };
        let traffic = |interface| Traffic {
            protocol: 6,
            source: HOST.into(),
            destination: outside,
            pid: 7,
            process: Some(&process),
            interface,
        };
        // Three interfaces, three label sets for a bound of two; the first interface's flow comes back.
        for (interface, name) in [(0, "eth0"), (1, "eth1"), (2, "eth2"), (0, "eth0")] {
            let series = PacketSeries { interface, protocol: 6, source: HOST.into(), destination: outside, pid: 7 };
            if !aggregate.count_known_packet(&series, 60) {
                aggregate.count_new_packet(series, &traffic(name), 60, &local);
            }
        }
        let eth0 = aggregate.packets.get(&aggregate.labels(&traffic("eth0"), &local)).map(|counter| counter.get());
        assert_eq!(eth0, Some(2), "eth0's two packets in its series");
        assert_eq!(
            values(&aggregate.bytes),
            [
                series("sent", "(overflow)", "(overflow)", 60),
                series("sent", "curl", "external", 60),
                series("sent", "curl", "external", 120),
            ]
        );
    }
}
