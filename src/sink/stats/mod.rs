//! Per-flow traffic statistics: what the kernel counted per flow (stats mode) or what a capture saw, named with
//! processes and containers, shown as a table at exit, as JSON, or in a live terminal view.

pub mod group;
pub mod json;
pub mod table;
pub mod tally;
pub mod threshold;
pub mod tui;

use std::{
    cmp::Ordering,
    collections::HashMap,
    fmt,
    io::{self, Write},
    time::Duration,
};

use group::GroupBy;

use crate::packet::ProcessContext;

/// IP protocol numbers ptstat names.
pub const IPPROTO_ICMP: u8 = 1;
pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_UDP: u8 = 17;
pub const IPPROTO_ICMPV6: u8 = 58;

/// One flow's counts, and who it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowStats {
    pub key: FlowKey,
    pub packets: u64,
    /// Bytes as the hook saw them: with the link-layer header at TC and XDP, from the IP header on at cgroup-skb.
    pub bytes: u64,
    /// The process's name (comm); empty when unknown.
    pub comm: String,
    /// cgroup path below the cgroup v2 root; empty when unknown.
    pub cgroup: String,
    /// The container's name, when the process runs in one.
    pub container: Option<String>,
    /// The container's Kubernetes pod, `NAME.NAMESPACE`.
    pub pod: Option<String>,
    /// The process at the flow's other end, when that end is on this host too.
    pub peer: Option<FlowPeer>,
}

impl FlowStats {
    /// A flow not counted yet, named by the context of its process and of its peer (unnamed without them).
    pub fn named(key: FlowKey, context: Option<&ProcessContext>, peer: Option<&ProcessContext>) -> FlowStats {
        FlowStats {
            key,
            packets: 0,
            bytes: 0,
            comm: context.map(|context| context.name.clone()).unwrap_or_default(),
            cgroup: context.map(|context| context.cgroup.clone()).unwrap_or_default(),
            container: context.and_then(|context| context.container.as_ref()).map(|container| container.name.clone()),
            pod: context.and_then(|context| context.pod.as_ref()).map(|pod| format!("{}.{}", pod.name, pod.namespace)),
            peer: peer.map(FlowPeer::of),
        }
    }
}

/// The process at a flow's other end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowPeer {
    pub pid: u32,
    pub comm: String,
    pub container: Option<String>,
}

impl FlowPeer {
    pub fn of(process: &ProcessContext) -> FlowPeer {
        FlowPeer {
            pid: process.pid,
            comm: process.name.clone(),
            container: process.container.as_ref().map(|container| container.name.clone()),
        }
    }
}

/// `python3.777`, and its container in brackets: `nginx.12 [web]`.
impl fmt::Display for FlowPeer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.comm, self.pid)?;
        match &self.container {
            Some(container) => write!(f, " [{container}]"),
            None => Ok(()),
        }
    }
}

/// The counts at one moment, each flow named.
pub type Snapshot = Counts<FlowStats>;
pub use crate::source::live::flows::{Counts, FlowKey, ProtocolCount as ProtocolTotal};

/// Bits per second of `bytes` over `interval`; 0 for an empty interval.
pub fn bitrate(bytes: u64, interval: Duration) -> f64 {
    let seconds = interval.as_secs_f64();
    if seconds > 0.0 { bytes as f64 * 8.0 / seconds } else { 0.0 }
}

/// The name of an IP protocol as pktstat and tcpdump write it (`tcp`, `udp`, `icmp`, `icmp6`), else its number.
pub struct ProtocolName(pub u8);

impl fmt::Display for ProtocolName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IPPROTO_ICMP => f.write_str("icmp"),
            IPPROTO_TCP => f.write_str("tcp"),
            IPPROTO_UDP => f.write_str("udp"),
            IPPROTO_ICMPV6 => f.write_str("icmp6"),
            2 => f.write_str("igmp"),
            132 => f.write_str("sctp"),
            other => write!(f, "{other}"),
        }
    }
}

/// Bits per second with a unit, as pktstat shows them: `812 bps`, `1.50 Kbps`, `23.27 Mbps`, `9.41 Gbps`.
pub struct Bitrate(pub f64);

impl fmt::Display for Bitrate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = [(1e9, "Gbps"), (1e6, "Mbps"), (1e3, "Kbps")];
        match units.iter().find(|(scale, _)| self.0 >= *scale) {
            Some((scale, unit)) => write!(f, "{:.2} {unit}", self.0 / scale),
            None => write!(f, "{:.0} bps", self.0),
        }
    }
}

/// The order of the exit table: bitrate, then packets, both descending, then the tuple.
pub fn table_order(a: &FlowStats, b: &FlowStats) -> Ordering {
    b.bytes.cmp(&a.bytes).then(b.packets.cmp(&a.packets)).then_with(|| a.key.cmp(&b.key))
}

/// Writes `snapshot` as the table or (`json`) the JSON document, of flows or of their groups by `group_by`.
pub fn write_stats(output: &mut dyn Write, snapshot: &Snapshot, json: bool, group_by: &[GroupBy]) -> io::Result<()> {
    match (json, group_by.is_empty()) {
        (true, true) => json::write_json(output, snapshot),
        (true, false) => json::write_grouped_json(output, snapshot, group_by),
        (false, true) => table::write_table(output, snapshot),
        (false, false) => table::write_grouped_table(output, snapshot, group_by),
    }
}

/// The bytes each flow gained between one snapshot and the next, for bitrates over the last interval.
#[derive(Debug, Default)]
pub struct RecentBytes {
    previous: HashMap<FlowKey, u64>,
    previous_elapsed: Duration,
}

impl RecentBytes {
    /// The bytes each flow of `snapshot` (in its order) gained since the previous call (a new flow: all its bytes),
    /// and the time between the two.
    pub fn update(&mut self, snapshot: &Snapshot) -> (Vec<u64>, Duration) {
        let gained = snapshot
            .flows
            .iter()
            .map(|flow| flow.bytes.saturating_sub(self.previous.get(&flow.key).copied().unwrap_or_default()))
            .collect();
        let interval = snapshot.elapsed.saturating_sub(self.previous_elapsed);
        self.previous = snapshot.flows.iter().map(|flow| (flow.key.clone(), flow.bytes)).collect();
        self.previous_elapsed = snapshot.elapsed;
        (gained, interval)
    }
}
