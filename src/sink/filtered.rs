//! `ptstat -r FILE EXPRESSION`: the filter run in userspace on packets read from a file, with the same compiled
//! program the kernel runs on live packets. Each interface gets the program compiled for its link type.

use anyhow::{Context, bail};
use pcap_file::DataLink;
use ptstat_filter::{LinkType, Program};

use super::Sink;
use crate::packet::{Interface, InterfaceId, InterfaceStatistics, Packet};

/// Passes on only the packets `expression` accepts.
pub struct Filtered<S> {
    expression: String,
    /// The program per interface id.
    programs: Vec<Program>,
    inner: S,
}

impl<S: Sink> Filtered<S> {
    pub fn new(expression: String, inner: S) -> Self {
        Filtered { expression, programs: Vec::new(), inner }
    }
}

impl<S: Sink> Sink for Filtered<S> {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        let link = match interface.link_type {
            DataLink::ETHERNET => LinkType::Ethernet,
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => LinkType::RawIp,
            other => bail!("filter expressions are not supported on link type {other:?}"),
        };
        let program = ptstat_filter::compile(&self.expression, link).context("filter expression")?;
        // Ids count up from 0 (the Sink contract), so the program of interface `id` sits at index `id`.
        self.programs.truncate(id);
        self.programs.push(program);
        self.inner.add_interface(id, interface)
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        let accepted = self
            .programs
            .get(packet.interface)
            .is_some_and(|program| program.matches(packet.data, packet.original_len));
        if accepted { self.inner.write_packet(packet, interface) } else { Ok(()) }
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
