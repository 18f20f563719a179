//! PcapNG output (`-w FILE`, `-w -`): one Interface Description Block per announced interface, so a capture on
//! several interfaces keeps each packet's interface, link type and direction.

use std::{borrow::Cow, io::Write, time::Duration};

use anyhow::Context;
use pcap_file::{
    Endianness,
    pcapng::{
        self,
        blocks::{
            interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption, InterfaceTsResolution},
            interface_statistics::{InterfaceStatisticsBlock, InterfaceStatisticsOption},
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
    /// pcap-file's writer, over the bytes not yet handed to `output` (packet blocks are appended to them by hand).
    /// It keeps the section's interfaces, so packets on an interface that was never described are refused
    /// instead of written.
    blocks: pcapng::PcapNgWriter<Vec<u8>>,
    output: W,
    /// Flush `output` after every packet (and interface), for `-w -` and `-U`: readers see each packet at once.
    flush_each_packet: bool,
    /// Blocks are kept until they make this many bytes, then handed to `output` together (0: each at once).
    hand_over_at: usize,
}

impl<W: Write> PcapNgWriter<W> {
    /// The section header (ptstat, the kernel, the machine) is written to `output` with the first interface, or
    /// by `finish` if none comes.
    pub fn new(output: W, flush_each_packet: bool) -> Self {
        let blocks = pcapng::PcapNgWriter::with_section_header(Vec::new(), section_header())
            .expect("a section header with short options always serializes into a Vec");
        PcapNgWriter { blocks, output, flush_each_packet, hand_over_at: 0 }
    }

    /// Keeps the blocks until they make `bytes`, then hands them to `output` in one write: over an unbuffered
    /// output (a file), this writer's buffer serves as the file's, and each block is copied once on its way to
    /// the kernel instead of twice (into this buffer, then a BufWriter's). `finish` hands over the rest.
    pub fn handing_over_at(self, bytes: usize) -> Self {
        PcapNgWriter { hand_over_at: bytes, ..self }
    }

    /// Hands the serialized blocks to `output`, once they make `hand_over_at` bytes or when `flush`. The buffer is
    /// emptied even when writing fails: after an error the stream is broken anyway, and the caller hears of it.
    fn write_pending(&mut self, flush: bool) -> anyhow::Result<()> {
        let pending = self.blocks.get_mut();
        if !flush && pending.len() < self.hand_over_at {
            return Ok(());
        }
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

/// PcapNG's block type of an Enhanced Packet Block, and the option codes ptstat writes in one.
const ENHANCED_PACKET_BLOCK: u32 = 6;
const OPT_ENDOFOPT: u16 = 0;
const OPT_COMMENT: u16 = 1;
const EPB_FLAGS: u16 = 2;
/// Block type, block length, interface id, timestamp (two words), captured length, original length.
const EPB_HEADER_LEN: usize = 28;
/// The block length again, after the options.
const EPB_TRAILER_LEN: usize = 4;
/// An option's code and length, before its value.
const OPTION_HEADER_LEN: usize = 4;
/// The longest value an option's 16-bit length can announce.
const MAX_OPTION_LEN: usize = u16::MAX as usize;

/// Appends `packet`'s Enhanced Packet Block to `block`, in this host's byte order, byte for byte as pcap-file
/// writes it in a section of `section_header` and an interface of `InterfaceTsResolution::NANO`: the timestamp in
/// nanoseconds, the data padded to 32 bits, then epb_flags (the direction) and opt_comment (the process and its
/// peer) if known, closed by opt_endofopt. Done by hand because this runs for every packet, and pcap-file's writer
/// built and dropped a Vec of options and divided 128-bit numbers for each.
///
/// A process comment longer than an option can hold (a command line of tens of kilobytes) is cut short at a
/// character boundary, rather than failing the capture.
fn append_enhanced_packet_block(block: &mut Vec<u8>, packet: &Packet) -> anyhow::Result<()> {
    let interface_id = u32::try_from(packet.interface).context("PcapNG: interface id beyond 32 bits")?;
    let captured_len = u32::try_from(packet.data.len()).context("PcapNG: packet longer than 4 GiB")?;
    let flags = packet.direction.map(|direction| direction.epb_flags().to_ne_bytes());
    let comment = packet.comment_pieces().map(truncated_to_option);
    let options: [Option<(u16, OptionValue)>; 2] = [
        flags.as_ref().map(|flags| (EPB_FLAGS, [&flags[..], &[], &[]])),
        comment.map(|pieces| (OPT_COMMENT, pieces.map(str::as_bytes))),
    ];
    let options_len =
        match options.iter().flatten().map(|(_, value)| OPTION_HEADER_LEN + padded_len(joined_len(value))).sum() {
            0 => 0,
            listed => listed + OPTION_HEADER_LEN, // and opt_endofopt
        };
    let block_len = EPB_HEADER_LEN + padded_len(packet.data.len()) + options_len + EPB_TRAILER_LEN;
    let block_len_word = u32::try_from(block_len).context("PcapNG: packet block longer than 4 GiB")?;
    // The timestamp is a 64-bit count of if_tsresol units, nanoseconds here: the count itself, high word first.
    let nanoseconds = packet.timestamp.0;

    block.reserve(block_len);
    for word in [
        ENHANCED_PACKET_BLOCK,
        block_len_word,
        interface_id,
        (nanoseconds >> 32) as u32,
        nanoseconds as u32,
        captured_len,
        packet.wire_len_covering_data(),
    ] {
        block.extend_from_slice(&word.to_ne_bytes());
    }
    extend_padded(block, packet.data);
    for (code, value) in options.iter().flatten() {
        append_option(block, *code, value);
    }
    if options_len > 0 {
        append_option(block, OPT_ENDOFOPT, &[&[], &[], &[]]);
    }
    block.extend_from_slice(&block_len_word.to_ne_bytes());
    Ok(())
}

/// An option's code, length and value (its pieces one after the other), padded to 32 bits. `value` is at most
/// `MAX_OPTION_LEN` bytes long.
fn append_option(block: &mut Vec<u8>, code: u16, value: &OptionValue) {
    let len = joined_len(value);
    block.extend_from_slice(&code.to_ne_bytes());
    block.extend_from_slice(&(len as u16).to_ne_bytes());
    for piece in value {
        block.extend_from_slice(piece);
    }
    block.extend_from_slice(&[0; 3][..padded_len(len) - len]);
}

/// An option's value, in pieces written one after the other.
type OptionValue<'a> = [&'a [u8]; 3];

/// The length of pieces written one after the other.
fn joined_len(pieces: &OptionValue) -> usize {
    pieces.iter().map(|piece| piece.len()).sum()
}

/// `bytes`, then zeros up to the next multiple of 4 bytes.
fn extend_padded(block: &mut Vec<u8>, bytes: &[u8]) {
    block.extend_from_slice(bytes);
    block.extend_from_slice(&[0; 3][..padded_len(bytes.len()) - bytes.len()]);
}

fn padded_len(len: usize) -> usize {
    len.next_multiple_of(4)
}

/// The longest start of the text `pieces` make together that fits an option's value without splitting a
/// character (a boundary of the whole within a piece is one of that piece, each being UTF-8 on its own).
fn truncated_to_option(pieces: [&str; 3]) -> [&str; 3] {
    let mut room = MAX_OPTION_LEN;
    pieces.map(|piece| {
        let kept = &piece[..piece.floor_char_boundary(room)];
        room -= kept.len();
        kept
    })
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
        // What pcap-file checks before it writes a packet block: EPBs name interfaces that were described.
        let interface_count = self.blocks.interfaces().len();
        anyhow::ensure!(
            packet.interface < interface_count,
            "PcapNG: packet on interface {}, but {interface_count} described",
            packet.interface
        );
        append_enhanced_packet_block(self.blocks.get_mut(), packet)?;
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

#[cfg(test)]
mod tests {
    use pcap_file::{
        DataLink,
        pcapng::{
            PcapNgReader,
            blocks::{
                Block,
                enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption},
                opt_common::CommonOption,
            },
        },
    };

    use super::*;
    use crate::packet::{Direction, ProcessContext, Timestamp};

    fn interface(name: &str) -> Interface {
        Interface { name: name.into(), index: 1, link_type: DataLink::ETHERNET, snaplen: 96, description: None }
    }

    /// The block pcap-file writes for `packet`.
    fn pcap_file_block<'a>(packet: &Packet<'a>) -> EnhancedPacketBlock<'a> {
        let flags = packet.direction.map(|direction| EnhancedPacketOption::Flags(direction.epb_flags()));
        let comment = packet.comment().map(|comment| EnhancedPacketOption::Common(CommonOption::Comment(comment)));
        EnhancedPacketBlock {
            interface_id: packet.interface as u32,
            timestamp: Duration::from_nanos(packet.timestamp.0),
            original_len: packet.wire_len_covering_data(),
            data: Cow::Borrowed(packet.data),
            options: flags.into_iter().chain(comment).collect(),
        }
    }

    #[test]
    fn packet_blocks_are_those_pcap_file_writes() {
        let process = ProcessContext {
            pid: 4242,
            name: "iperf3".into(),
            cmd: "/usr/bin/iperf3".into(),
            args: "iperf3 -c 127.0.0.1 -u".into(),
            ..Default::default()
        };
        let odd_comment = ProcessContext { pid: 7, name: "é".into(), ..Default::default() };
        let bytes: Vec<u8> = (0..=255).collect();
        let packets: Vec<Packet> = [0, 1, 2, 3, 4, 5, 63, 96, 255]
            .into_iter()
            .enumerate()
            .map(|(n, len)| Packet {
                timestamp: Timestamp(1_733_460_000_123_456_789 + (n as u64) * 4_294_967_311),
                interface: n % 2,
                direction: [None, Some(Direction::In), Some(Direction::Out)][n % 3],
                original_len: if n == 4 { 1500 } else { len as u32 },
                data: &bytes[..len],
                process: [None, Some(&process), Some(&odd_comment)][(n / 3) % 3],
                peer: [None, Some(&odd_comment)][n % 2],
            })
            .chain([Packet {
                timestamp: Timestamp(u64::MAX),
                interface: 0,
                direction: None,
                original_len: 0,
                data: &bytes[..3],
                process: None,
                peer: None,
            }])
            .collect();

        let mut ours = PcapNgWriter::new(Vec::new(), false);
        ours.add_interface(0, &interface("lo")).unwrap();
        ours.add_interface(1, &interface("eth0")).unwrap();
        let headers_len = ours.output.len();
        let mut theirs = pcapng::PcapNgWriter::with_section_header(Vec::new(), section_header()).unwrap();
        for _ in 0..2 {
            let options = vec![InterfaceDescriptionOption::IfTsResol(InterfaceTsResolution::NANO)];
            let described = InterfaceDescriptionBlock { linktype: DataLink::ETHERNET, snaplen: 96, options };
            theirs.write_pcapng_block(described).unwrap();
        }
        let their_headers_len = theirs.get_ref().len();
        for packet in &packets {
            ours.write_packet(packet, &interface("lo")).unwrap();
            theirs.write_pcapng_block(pcap_file_block(packet)).unwrap();
        }
        ours.finish().unwrap();
        assert_eq!(ours.output[headers_len..], theirs.get_ref()[their_headers_len..]);
    }

    #[test]
    fn a_comment_too_long_for_an_option_is_cut_at_a_character() {
        // Its two pieces together are too long, the peer's piece is cut.
        let args = "é".repeat(20_000);
        let process =
            ProcessContext { pid: 1, name: "java".into(), cmd: "/bin/java".into(), args, ..Default::default() };
        let packet = Packet {
            timestamp: Timestamp(1),
            interface: 0,
            direction: Some(Direction::Out),
            original_len: 3,
            data: &[1, 2, 3],
            process: Some(&process),
            peer: Some(&process),
        };
        let mut writer = PcapNgWriter::new(Vec::new(), false);
        writer.add_interface(0, &interface("lo")).unwrap();
        writer.write_packet(&packet, &interface("lo")).unwrap();
        writer.finish().unwrap();

        let mut reader = PcapNgReader::new(&writer.output[..]).unwrap();
        let mut comments = Vec::new();
        while let Some(block) = reader.next_block() {
            if let (Block::EnhancedPacket(block), _) = block.unwrap() {
                for option in block.options {
                    if let EnhancedPacketOption::Common(CommonOption::Comment(comment)) = option {
                        comments.push(comment.into_owned());
                    }
                }
            }
        }
        let [comment] = &comments[..] else { panic!("one comment: {comments:?}") };
        assert!((MAX_OPTION_LEN - 1..=MAX_OPTION_LEN).contains(&comment.len()), "{} bytes", comment.len());
        assert!(packet.comment().unwrap().starts_with(comment.as_str()));
        assert!(comment.contains("PeerPID: 1\n"), "the peer's piece is there, cut");
    }

    #[test]
    fn blocks_kept_until_they_make_the_hand_over_size_are_the_same_bytes() {
        let data = [7; 60];
        let packet = Packet {
            timestamp: Timestamp(1),
            interface: 0,
            direction: Some(Direction::In),
            original_len: 60,
            data: &data,
            process: None,
            peer: None,
        };
        let mut each_at_once = PcapNgWriter::new(Vec::new(), false);
        let mut kept = PcapNgWriter::new(Vec::new(), false).handing_over_at(1000);
        for writer in [&mut each_at_once, &mut kept] {
            writer.add_interface(0, &interface("lo")).unwrap();
        }
        assert!(kept.output.is_empty(), "the headers are kept too");
        let mut handed_over = Vec::new();
        for _ in 0..20 {
            for writer in [&mut each_at_once, &mut kept] {
                writer.write_packet(&packet, &interface("lo")).unwrap();
            }
            handed_over.push(kept.output.len());
        }
        assert!(handed_over.iter().all(|&len| len == 0 || len >= 1000), "handed over only in runs: {handed_over:?}");
        assert!(handed_over.last() > Some(&0));
        for writer in [&mut each_at_once, &mut kept] {
            writer.finish().unwrap();
        }
        assert_eq!(kept.output, each_at_once.output);
    }

    #[test]
    fn refuses_packets_of_undescribed_interfaces() {
        let packet = Packet {
            timestamp: Timestamp(1),
            interface: 1,
            direction: None,
            original_len: 0,
            data: &[],
            process: None,
            peer: None,
        };
        let mut writer = PcapNgWriter::new(Vec::new(), false);
        writer.add_interface(0, &interface("lo")).unwrap();
        assert!(writer.write_packet(&packet, &interface("eth0")).is_err());
    }
}
