//! PcapNG output (`-w FILE`, `-w -`): one Interface Description Block per announced interface, so a capture on
//! several interfaces keeps each packet's interface, link type and direction.

use std::{borrow::Cow, io::Write, time::Duration};

use anyhow::Context;
use pcap_file::{
    Endianness,
    pcapng::{
        self,
        blocks::{
            enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption},
            interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption, InterfaceTsResolution},
            interface_statistics::{InterfaceStatisticsBlock, InterfaceStatisticsOption},
            opt_common::CommonOption,
            section_header::{SectionHeaderBlock, SectionHeaderOption},
        },
    },
};

use super::Sink;
use crate::packet::{Interface, InterfaceId, InterfaceStatistics, Packet};

/// Writes a PcapNG stream to `output` (a buffered file, or stdout for `-w -`).
///
/// Blocks are serialized into a reused buffer and handed to `output` with one `write_all` each: `new` touches no
/// output (so it cannot fail), and an unbuffered output such as stdout gets one write per block instead of one
/// per field.
pub struct PcapNgWriter<W: Write> {
    /// pcap-file's writer, over the bytes not yet handed to `output`. It keeps the section's interfaces, so
    /// packets on an interface that was never described are refused instead of written.
    blocks: pcapng::PcapNgWriter<Vec<u8>>,
    output: W,
    /// Flush `output` after every packet (and interface), for `-w -` and `-U`: readers see each packet at once.
    flush_each_packet: bool,
}

impl<W: Write> PcapNgWriter<W> {
    /// The section header (ptstat, the kernel, the machine) is written to `output` with the first interface, or
    /// by `finish` if none comes.
    pub fn new(output: W, flush_each_packet: bool) -> Self {
        let blocks = pcapng::PcapNgWriter::with_section_header(Vec::new(), section_header())
            .expect("a section header with short options always serializes into a Vec");
        PcapNgWriter { blocks, output, flush_each_packet }
    }

    /// Hands the serialized blocks to `output`. The buffer is emptied even when writing fails: after an error the
    /// stream is broken anyway, and the caller hears of it.
    fn write_pending(&mut self, flush: bool) -> anyhow::Result<()> {
        let pending = self.blocks.get_mut();
        let written = self.output.write_all(pending);
        pending.clear();
        written.context("writing the PcapNG output")?;
        if flush {
            self.output.flush().context("flushing the PcapNG output")?;
        }
        Ok(())
    }
}

/// Native byte order (tools read either; `SectionHeaderBlock::default()` is big-endian), and what wrote the file.
fn section_header() -> SectionHeaderBlock<'static> {
    let mut options =
        vec![SectionHeaderOption::UserApplication(Cow::Borrowed(concat!("ptstat ", env!("CARGO_PKG_VERSION"))))];
    if let Some(system) = SystemName::of_this_host() {
        options.push(SectionHeaderOption::OS(Cow::Owned(format!("{} {}", system.kernel, system.release))));
        options.push(SectionHeaderOption::Hardware(Cow::Owned(system.machine)));
    }
    SectionHeaderBlock { endianness: Endianness::native(), options, ..SectionHeaderBlock::default() }
}

/// What uname(2) says about this host: `Linux`, `6.18.44`, `x86_64`.
struct SystemName {
    kernel: String,
    release: String,
    machine: String,
}

impl SystemName {
    fn of_this_host() -> Option<SystemName> {
        // SAFETY: utsname is plain arrays of C chars, for which all-zero bytes are a valid value.
        let mut names: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: uname writes only into the struct it is given, which lives until the end of this function.
        if unsafe { libc::uname(&raw mut names) } != 0 {
            return None;
        }
        Some(SystemName {
            kernel: c_chars_to_string(&names.sysname),
            release: c_chars_to_string(&names.release),
            machine: c_chars_to_string(&names.machine),
        })
    }
}

/// A NUL-terminated C char array as a String, without trusting the terminator to be there.
fn c_chars_to_string(chars: &[libc::c_char]) -> String {
    let bytes: Vec<u8> = chars.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

impl<W: Write> Sink for PcapNgWriter<W> {
    fn add_interface(&mut self, id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        // EPBs name their interface by position among the IDBs, so ids must arrive as 0, 1, 2, ...
        let expected = self.blocks.interfaces().len();
        anyhow::ensure!(
            id == expected,
            "PcapNG: interface {} announced as id {id}, expected {expected}",
            interface.name
        );
        let mut options = Vec::with_capacity(3);
        if !interface.name.is_empty() {
            options.push(InterfaceDescriptionOption::IfName(Cow::Borrowed(interface.name.as_str())));
        }
        if let Some(description) = &interface.description {
            options.push(InterfaceDescriptionOption::IfDescription(Cow::Borrowed(description.as_str())));
        }
        options.push(InterfaceDescriptionOption::IfTsResol(InterfaceTsResolution::NANO));
        let block = InterfaceDescriptionBlock { linktype: interface.link_type, snaplen: interface.snaplen, options };
        self.blocks.write_pcapng_block(block).with_context(|| format!("PcapNG: interface {}", interface.name))?;
        self.write_pending(self.flush_each_packet)
    }

    fn write_packet(&mut self, packet: &Packet, _interface: &Interface) -> anyhow::Result<()> {
        let block = EnhancedPacketBlock {
            interface_id: u32::try_from(packet.interface).context("PcapNG: interface id beyond 32 bits")?,
            timestamp: Duration::from_nanos(packet.timestamp.0),
            original_len: packet.wire_len_covering_data(),
            data: Cow::Borrowed(packet.data),
            // pcap-file keeps options in a Vec tied to the packet's lifetime, so this small Vec cannot be
            // reused across packets without copying every packet's data into an owned buffer instead.
            options: packet
                .direction
                .map(|direction| EnhancedPacketOption::Flags(direction.epb_flags()))
                .into_iter()
                .chain(packet.process.map(|process| {
                    EnhancedPacketOption::Common(CommonOption::Comment(Cow::Borrowed(process.comment())))
                }))
                .collect(),
        };
        self.blocks.write_pcapng_block(block).context("PcapNG: packet")?;
        self.write_pending(self.flush_each_packet)
    }

    /// An Interface Statistics Block, as dumpcap writes them at the end of a capture; Wireshark's capture file
    /// properties show its counts. tcpdump's "received by filter" is isb_filteraccept, its "dropped by kernel"
    /// isb_ifdrop (where Wireshark looks for drops) and isb_osdrop.
    fn interface_statistics(&mut self, id: InterfaceId, statistics: &InterfaceStatistics) -> anyhow::Result<()> {
        let at = |timestamp: crate::packet::Timestamp| Duration::from_nanos(timestamp.0);
        let block = InterfaceStatisticsBlock {
            interface_id: u32::try_from(id).context("PcapNG: interface id beyond 32 bits")?,
            timestamp: at(statistics.end),
            options: vec![
                InterfaceStatisticsOption::IsbStartTime(at(statistics.start)),
                InterfaceStatisticsOption::IsbEndTime(at(statistics.end)),
                InterfaceStatisticsOption::IsbIfRecv(statistics.received),
                InterfaceStatisticsOption::IsbIfDrop(statistics.dropped),
                InterfaceStatisticsOption::IsbFilterAccept(statistics.accepted),
                InterfaceStatisticsOption::IsbOsDrop(statistics.dropped),
                InterfaceStatisticsOption::IsbUsrDeliv(statistics.delivered),
            ],
        };
        self.blocks.write_pcapng_block(block).context("PcapNG: interface statistics")?;
        self.write_pending(self.flush_each_packet)
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.write_pending(true)
    }
}
