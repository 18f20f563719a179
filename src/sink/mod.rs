//! The last stage of the pipeline: where packets go (terminal lines, capture files, statistics).

pub mod print;

use crate::packet::{Interface, InterfaceId, Packet};

/// A consumer of packets. Sources announce every interface before the first packet that uses it, with ids
/// counting up from 0, so a sink may keep interfaces in a `Vec` indexed by id.
pub trait Sink {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()>;
    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()>;
    /// Flush and close. Called once, on every exit path that still has data to keep.
    fn finish(&mut self) -> anyhow::Result<()>;
}
