//! The statistics a capture keeps too: packets and bytes per flow and process, counted from the packets the
//! capture delivered, and the busiest flows printed on stderr at the end (after tcpdump's counters).

use std::{io::Write, time::Duration};

use foldhash::HashMap;

use super::{
    FlowKey, FlowStats, ProtocolTotal, Snapshot,
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
    flows: HashMap<FlowKey, FlowStats>,
    first: Option<Timestamp>,
    last: Timestamp,
    untallied_packets: u64,
}

impl FlowTally {
    /// The `TOP_FLOWS` flows with the most bytes and the totals of all, with bitrates over the time between the
    /// first and last packet.
    fn top_flows(&self) -> Snapshot {
        let mut flows: Vec<FlowStats> = self.flows.values().cloned().collect();
        flows.sort_by(table_order);
        let mut totals: Vec<ProtocolTotal> = Vec::new();
        for flow in &flows {
            match totals.iter_mut().find(|total| total.protocol == flow.key.protocol) {
                Some(total) => (total.packets, total.bytes) = (total.packets + flow.packets, total.bytes + flow.bytes),
                None => {
                    totals.push(ProtocolTotal { protocol: flow.key.protocol, packets: flow.packets, bytes: flow.bytes })
                }
            }
        }
        totals.sort_by_key(|total| total.protocol);
        flows.truncate(TOP_FLOWS);
        let elapsed = Duration::from_nanos(self.last.0.saturating_sub(self.first.unwrap_or(self.last).0));
        Snapshot { elapsed, flows, evicted: 0, totals }
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
        if self.flows.len() >= MAX_FLOWS && !self.flows.contains_key(&key) {
            self.untallied_packets += 1;
            return Ok(());
        }
        let flow = self.flows.entry(key).or_insert_with_key(|key| FlowStats {
            key: key.clone(),
            packets: 0,
            bytes: 0,
            comm: process.map(|process| process.name.clone()).unwrap_or_default(),
            cgroup: process.map(|process| process.cgroup.clone()).unwrap_or_default(),
            container: process.and_then(|process| process.container.as_ref()).map(|c| c.name.clone()),
        });
        flow.packets += 1;
        flow.bytes += u64::from(packet.original_len);
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
        if self.untallied_packets > 0 {
            writeln!(
                stderr,
                "{} packets of flows beyond the first {MAX_FLOWS} are not in the table",
                self.untallied_packets
            )?;
        }
        Ok(())
    }
}
