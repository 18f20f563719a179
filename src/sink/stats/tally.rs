//! The statistics a capture keeps too: packets and bytes per flow and process, counted from the packets the
//! capture delivered, and the busiest flows printed on stderr at the end (after tcpdump's counters). `-r --stats`
//! takes the whole table from it: the same rows as the kernel's counts, from a file.

use std::{io::Write, time::Duration};

use foldhash::HashMap;

use super::{
    FlowKey, FlowPeer, FlowStats, ProtocolTotal, Snapshot,
    table::{write_rows, write_totals},
    table_order,
};
use crate::{
    decode::decode,
    packet::{Interface, InterfaceId, Packet, Timestamp},
    sink::Sink,
};

/// How many flows the closing table shows.
const TOP_FLOWS: usize = 10;
/// How many flows are told apart: a long capture of a scan must not grow without end. Packets of later flows
/// are counted as untallied.
const MAX_FLOWS: usize = 65536;

#[derive(Default)]
pub struct FlowTally {
    /// Every flow so far, in the order of its first packet.
    flows: Vec<FlowStats>,
    /// Where each flow is in `flows`.
    positions: HashMap<FlowKey, usize>,
    /// Where the last packet's flow is: packets come in runs of one flow's (a transfer, a flood), and comparing
    /// keys costs less than hashing one.
    last_flow: Option<usize>,
    first: Option<Timestamp>,
    last: Timestamp,
    /// Packets and bytes per protocol, of every packet counted (also those of untallied flows), as the kernel's
    /// totals are exact beyond its table.
    totals: Vec<ProtocolTotal>,
    untallied_packets: u64,
}

impl FlowTally {
    /// Every flow and the totals, in the table's order, with bitrates over the time between the first and last
    /// packet counted.
    pub fn snapshot(&self) -> Snapshot {
        let mut flows = self.flows.clone();
        flows.sort_by(table_order);
        let mut totals = self.totals.clone();
        totals.sort_by_key(|total| total.protocol);
        let elapsed = Duration::from_nanos(self.last.0.saturating_sub(self.first.unwrap_or(self.last).0));
        Snapshot { elapsed, flows, evicted: 0, totals }
    }

    /// How many flows are told apart so far.
    pub fn flow_count(&self) -> usize {
        self.flows.len()
    }

    /// The `TOP_FLOWS` flows with the most bytes, and the totals of all.
    fn top_flows(&self) -> Snapshot {
        let mut snapshot = self.snapshot();
        snapshot.flows.truncate(TOP_FLOWS);
        snapshot
    }

    /// Says on `output` how many packets the table lacks, if any.
    pub fn write_untallied(&self, output: &mut dyn Write) -> std::io::Result<()> {
        if self.untallied_packets > 0 {
            writeln!(
                output,
                "{} packets of flows beyond the first {MAX_FLOWS} are not in the table",
                self.untallied_packets
            )?;
        }
        Ok(())
    }

    fn add_to_totals(&mut self, protocol: u8, bytes: u64) {
        match self.totals.iter_mut().find(|total| total.protocol == protocol) {
            Some(total) => (total.packets, total.bytes) = (total.packets + 1, total.bytes + bytes),
            None => self.totals.push(ProtocolTotal { protocol, packets: 1, bytes }),
        }
    }
}

impl Sink for FlowTally {
    fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
        Ok(())
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        let Some(tuple) =
            decode(interface.link_type, packet.data, packet.original_len).ok().and_then(|decoded| decoded.tuple())
        else {
            return Ok(());
        };
        self.first.get_or_insert(packet.timestamp);
        self.last = self.last.max(packet.timestamp);
        self.add_to_totals(tuple.protocol, u64::from(packet.original_len));
        let process = packet.process;
        let key = FlowKey {
            netns: 0,
            protocol: tuple.protocol,
            source: tuple.source,
            destination: tuple.destination,
            source_port: tuple.source_port,
            destination_port: tuple.destination_port,
            pid: process.map_or(0, |process| process.pid),
            cgroup_id: process.map_or(0, |process| process.cgroup_id),
        };
        let same_as_last = self.last_flow.filter(|&at| self.flows.get(at).is_some_and(|flow| flow.key == key));
        let position = match same_as_last.or_else(|| self.positions.get(&key).copied()) {
            Some(position) => position,
            None if self.flows.len() >= MAX_FLOWS => {
                self.untallied_packets += 1;
                return Ok(());
            }
            None => {
                self.positions.insert(key.clone(), self.flows.len());
                self.flows.push(FlowStats::named(key, process, packet.peer));
                self.flows.len() - 1
            }
        };
        self.last_flow = Some(position);
        if let Some(flow) = self.flows.get_mut(position) {
            flow.packets += 1;
            flow.bytes += u64::from(packet.original_len);
            // The first packets of a flow may not know its peer yet (see peer_of_flow in ebpf/flows.h).
            if flow.peer.is_none() {
                flow.peer = packet.peer.map(FlowPeer::of);
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if self.flows.is_empty() {
            return Ok(());
        }
        let top = self.top_flows();
        let mut stderr = std::io::stderr().lock();
        writeln!(stderr, "\nTop {} of {} flows by bytes:", top.flows.len(), self.flows.len())?;
        write_rows(&mut stderr, &top)?;
        write_totals(&mut stderr, &top)?;
        Ok(self.write_untallied(&mut stderr)?)
    }
}

#[cfg(test)]
mod tests {
    use pcap_file::DataLink;

    use super::*;

    /// A raw IPv4 UDP datagram from 10.0.0.1 to 10.0.0.2, 28 bytes long and as many more as `extra`.
    fn datagram(source_port: u16, destination_port: u16, extra: u8) -> Vec<u8> {
        let len = 28 + extra;
        let mut bytes = vec![0x45, 0, 0, len, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        bytes.extend_from_slice(&source_port.to_be_bytes());
        bytes.extend_from_slice(&destination_port.to_be_bytes());
        bytes.extend_from_slice(&[0, len - 20, 0, 0]);
        bytes.resize(usize::from(len), 0);
        bytes
    }

    /// The tally of datagrams between these ports, each longer than the shortest by its source port modulo 8.
    fn tally(ports: impl IntoIterator<Item = (u16, u16)>) -> FlowTally {
        let interface =
            Interface { name: "tun0".into(), index: 1, link_type: DataLink::RAW, snaplen: 0, description: None };
        let mut tally = FlowTally::default();
        for (n, (source_port, destination_port)) in ports.into_iter().enumerate() {
            let bytes = datagram(source_port, destination_port, (source_port % 8) as u8);
            let packet = Packet {
                timestamp: Timestamp(n as u64),
                interface: 0,
                direction: None,
                original_len: bytes.len() as u32,
                data: &bytes,
                process: None,
                peer: None,
            };
            tally.write_packet(&packet, &interface).unwrap();
        }
        tally
    }

    #[test]
    fn counts_each_flow_in_runs_and_interleaved() {
        let top = tally([1, 1, 2, 1, 3, 3, 1].map(|port| (port, 53))).top_flows();
        let counted: Vec<_> = top.flows.iter().map(|flow| (flow.key.source_port, flow.packets, flow.bytes)).collect();
        assert_eq!(counted, [(1, 4, 4 * 29), (3, 2, 2 * 31), (2, 1, 30)]);
        assert_eq!(top.totals.iter().map(|total| (total.packets, total.bytes)).collect::<Vec<_>>(), [(7, 208)]);
        assert_eq!(top.elapsed, Duration::from_nanos(6));
    }

    #[test]
    fn flows_beyond_the_limit_are_untallied() {
        assert_eq!(MAX_FLOWS, 1 << 16, "one flow from each source port fills the table");
        let tally = tally((0..=u16::MAX).map(|port| (port, 0)).chain([(0, 1), (0, 1), (0, 0)]));
        assert_eq!((tally.flows.len(), tally.untallied_packets), (MAX_FLOWS, 2));
        assert_eq!(tally.flows[0].packets, 2, "a known flow is still counted once the table is full");
        let totals = tally.snapshot().totals;
        assert_eq!(totals.iter().map(|total| total.packets).collect::<Vec<_>>(), [65536 + 3], "totals count all");
    }
}
