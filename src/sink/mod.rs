//! The last stage of the pipeline: where packets go (terminal lines, capture files, statistics).

pub mod capture_file;
pub mod connections;
pub mod filtered;
pub mod metrics;
pub mod pcap;
pub mod pcapng;
pub mod print;
pub mod stats;

pub use crate::packet::Sink;
use crate::packet::{Interface, InterfaceId, InterfaceStatistics, Packet};

/// Every sink the user asked for, fed in turn: `-w FILE --print` writes a file and prints lines.
#[derive(Default)]
pub struct Sinks(pub Vec<Box<dyn Sink>>);

impl Sink for Sinks {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        self.0.iter_mut().try_for_each(|sink| sink.add_interface(id, interface))
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        self.0.iter_mut().try_for_each(|sink| sink.write_packet(packet, interface))
    }

    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        self.0.iter_mut().try_for_each(|sink| sink.interface_statistics(id, statistics))
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.finish_each(|sink| sink.finish())
    }

    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        self.finish_each(|sink| sink.finish_after_failure())
    }
}

impl Sinks {
    /// Finishes every sink even when one fails, so one broken pipe does not cost the file its last packets.
    fn finish_each(&mut self, finish: impl Fn(&mut dyn Sink) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let mut first_error = None;
        for sink in &mut self.0 {
            if let Err(error) = finish(sink.as_mut()) {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
