//! The last stage of the pipeline: where packets go (terminal lines, capture files, statistics).

pub mod capture_file;
pub mod connections;
pub mod filtered;
pub mod pcap;
pub mod pcapng;
pub mod print;
pub mod stats;

use crate::packet::{Interface, InterfaceId, InterfaceStatistics, Packet};

/// A consumer of packets. Sources announce every interface before the first packet that uses it, with ids
/// counting up from 0, so a sink may keep interfaces in a `Vec` indexed by id.
pub trait Sink {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()>;
    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()>;
    /// What a live capture counted on interface `id`, once, after its last packet and before `finish`. Only
    /// PcapNG keeps it.
    fn interface_statistics(&mut self, _id: InterfaceId, _statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        Ok(())
    }
    /// Flush and close. Called once, on every exit path that still has data to keep.
    fn finish(&mut self) -> anyhow::Result<()>;
    /// `finish`, after the run failed: what was written is kept, but nothing new is started (a capture file that
    /// was never opened, because the capture failed to start, is not created).
    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        self.finish()
    }
}

/// Lets a borrowed sink stand where an owned one is expected.
impl<S: Sink + ?Sized> Sink for &mut S {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        (**self).add_interface(id, interface)
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        (**self).write_packet(packet, interface)
    }

    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        (**self).interface_statistics(id, statistics)
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        (**self).finish()
    }

    fn finish_after_failure(&mut self) -> anyhow::Result<()> {
        (**self).finish_after_failure()
    }
}

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
