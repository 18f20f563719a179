//! Capture files for `ptstat -r`: classic pcap (either byte order, micro- or nanosecond timestamps) and PcapNG
//! (either byte order, any if_tsresol, several interfaces and sections; EPB, SPB and the obsolete PB; options that
//! pcap-file refuses are dropped, as libpcap skips them, and the block kept). Standard input (`-`) cannot seek, so
//! the format is told from the first four bytes, which stay buffered for the parser.

use std::{
    borrow::Cow,
    fmt,
    fs::File,
    io::{self, Read},
    time::Duration,
};

use anyhow::{anyhow, bail};
use pcap_file::pcap::{PcapParseError, PcapParser, PcapTsResolution};
use pcap_file::pcapng::{
    Block, PcapNgParseError, PcapNgParser, PcapNgState, RawBlock,
    blocks::{
        ENHANCED_PACKET_BLOCK, INTERFACE_DESCRIPTION_BLOCK, PACKET_BLOCK, SECTION_HEADER_BLOCK, SIMPLE_PACKET_BLOCK,
        enhanced_packet::EnhancedPacketOption,
        interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption},
        opt_common::CommonOption,
        packet::PacketOption,
    },
};
use pcap_file::{DataLink, Endianness};

use crate::packet::{Direction, Interface, InterfaceId, Packet, ProcessContext, Sink, Timestamp};

/// The first four bytes, read big-endian, of a classic pcap: microsecond or nanosecond timestamps, written
/// big-endian or (byte-swapped magic) little-endian.
const PCAP_MAGICS: [u32; 4] = [0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1];
/// A PcapNG file starts with a Section Header Block, whose type reads the same in both byte orders.
const PCAPNG_SECTION_HEADER: u32 = 0x0A0D_0D0A;

const PCAP_RECORD_HEADER_LEN: usize = 16;
/// A PcapNG block: type, length, body, length again.
const BLOCK_TYPE_AND_LENGTH_LEN: usize = 8;
const MIN_BLOCK_LEN: usize = 12;
/// Nanoseconds per unit of a pcap record's fractional timestamp.
const NANOS_PER_MICRO: u64 = 1_000;
const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Bytes asked of the reader at a time.
const READ_CHUNK: usize = 128 * 1024;
/// The largest record (pcap packet or PcapNG block) ptstat buffers, like libpcap's 16 MiB block limit: a corrupt
/// length field fails at once instead of reading gigabytes of standard input in search of its end.
const MAX_RECORD_LEN: usize = 16 * 1024 * 1024;

/// Reads the capture at `path` (`-`: standard input) into `sink`, announcing each interface before its first
/// packet, and stops after `max_packets`. Returns the number of packets delivered. Errors name the file; packets
/// before a truncated or corrupt part are delivered first. The caller finishes the sink.
pub fn read_capture(path: &str, sink: &mut dyn Sink, max_packets: Option<u64>) -> anyhow::Result<u64> {
    if path == "-" {
        read_from("stdin", io::stdin().lock(), sink, max_packets)
    } else {
        let file = File::open(path).map_err(|error| anyhow!("{path}: {error}"))?;
        read_from(path, file, sink, max_packets)
    }
}

/// The link type of the first interface the capture at `path` announces (`None`: it announces none), read before
/// the capture itself, e.g. to compile a filter for it.
pub fn first_link_type(path: &str) -> anyhow::Result<Option<DataLink>> {
    let mut first = FirstInterface(None);
    read_capture(path, &mut first, Some(0))?;
    Ok(first.0)
}

/// Notes the link type of the first interface a file announces.
struct FirstInterface(Option<DataLink>);

impl Sink for FirstInterface {
    fn add_interface(&mut self, _id: InterfaceId, interface: &Interface) -> anyhow::Result<()> {
        self.0.get_or_insert(interface.link_type);
        Ok(())
    }

    fn write_packet(&mut self, _packet: &Packet, _interface: &Interface) -> anyhow::Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

fn read_from(name: &str, reader: impl Read, sink: &mut dyn Sink, max_packets: Option<u64>) -> anyhow::Result<u64> {
    let mut input = Input { name, reader, buffer: vec![0; READ_CHUNK], start: 0, end: 0 };
    let mut delivery = Delivery { sink, interfaces: Vec::new(), delivered: 0, limit: max_packets };
    // Four bytes tell the format; a file too short for them is too short for either.
    input.buffer_at_least(4)?;
    let Some(&magic) = input.unparsed().first_chunk::<4>() else {
        bail!("{name}: {}", Truncation::FileHeader { needed: 4, got: input.unparsed().len() });
    };
    match u32::from_be_bytes(magic) {
        magic if PCAP_MAGICS.contains(&magic) => read_pcap(&mut input, &mut delivery)?,
        PCAPNG_SECTION_HEADER => read_pcapng(&mut input, &mut delivery)?,
        _ => bail!("{name}: unknown file format"),
    }
    Ok(delivery.delivered)
}

fn read_pcap(input: &mut Input<impl Read>, delivery: &mut Delivery) -> anyhow::Result<()> {
    let name = input.name;
    let parser = input.next_record(|bytes| match PcapParser::new(bytes) {
        Ok((rest, parser)) => Ok(Parsed::Record { len: bytes.len() - rest.len(), value: parser }),
        Err(PcapParseError::IncompleteBuffer(needed, got)) => {
            Ok(Parsed::Incomplete(Truncation::FileHeader { needed, got }))
        }
        Err(PcapParseError::Validation(error)) => Err(corrupt(name, error)),
    })?;
    let header = parser.header();
    let nanos_per_fraction = match header.ts_resolution {
        PcapTsResolution::MicroSecond => NANOS_PER_MICRO,
        PcapTsResolution::NanoSecond => 1,
    };
    // Classic pcap does not name its one interface.
    let interface = delivery.add_interface(Interface {
        name: String::new(),
        index: 0,
        link_type: header.datalink,
        snaplen: header.snaplen,
        description: None,
    })?;
    while !delivery.is_complete() && input.has_more()? {
        // The raw form, as libpcap reads: a fraction beyond one second or a record longer than the snaplen is
        // odd, not a reason to stop reading.
        input.next_record(|bytes| match parser.next_raw_packet(bytes) {
            Ok((rest, record)) => {
                delivery.deliver(&Packet {
                    timestamp: Timestamp(
                        u64::from(record.ts_sec) * NANOS_PER_SECOND + u64::from(record.ts_frac) * nanos_per_fraction,
                    ),
                    interface,
                    direction: None,
                    original_len: record.orig_len,
                    data: &record.data,
                    process: None,
                    peer: None,
                })?;
                Ok(Parsed::Record { len: bytes.len() - rest.len(), value: () })
            }
            Err(PcapParseError::IncompleteBuffer(needed, got)) => {
                Ok(Parsed::Incomplete(if bytes.len() < PCAP_RECORD_HEADER_LEN {
                    Truncation::PacketHeader { got }
                } else {
                    Truncation::PacketData { needed, got }
                }))
            }
            Err(PcapParseError::Validation(error)) => Err(corrupt(name, error)),
        })?;
    }
    Ok(())
}

fn read_pcapng(input: &mut Input<impl Read>, delivery: &mut Delivery) -> anyhow::Result<()> {
    let name = input.name;
    let mut parser = input.next_record(|bytes| match PcapNgParser::new(bytes) {
        Ok((rest, parser)) => Ok(Parsed::Record { len: bytes.len() - rest.len(), value: parser }),
        Err(PcapNgParseError::BlockConversion(error)) => {
            // The section's own byte order is told by its magic, whatever the default state says.
            let frame = BlockFrame::of(bytes, Endianness::Big);
            let kept = frame.as_ref().and_then(|frame| frame.without_unparsable_options(&PcapNgState::default()));
            match (frame, kept.as_deref().map(PcapNgParser::new)) {
                (Some(frame), Some(Ok((_, parser)))) => Ok(Parsed::Record { len: frame.len, value: parser }),
                _ => Err(corrupt(name, error)),
            }
        }
        Err(error) => pcapng_failure(name, error),
    })?;
    // Interface ids in a block count from 0 in each section; the sink's ids count on across sections.
    let mut section_interfaces: Vec<InterfaceId> = Vec::new();
    while !delivery.is_complete() && input.has_more()? {
        input.next_record(|bytes| match parser.next_block(bytes) {
            Ok((rest, block)) => {
                handle_block(name, block, &mut section_interfaces, delivery)?;
                Ok(Parsed::Record { len: bytes.len() - rest.len(), value: () })
            }
            Err(PcapNgParseError::BlockConversion(error)) => {
                let Some(frame) = BlockFrame::of(bytes, parser.section().endianness) else {
                    return Err(corrupt(name, error));
                };
                match frame.without_unparsable_options(parser.state()).map(|kept| {
                    let (_, block) = parser.next_block(&kept).map_err(|reparse| corrupt(name, reparse))?;
                    handle_block(name, block, &mut section_interfaces, delivery)
                }) {
                    Some(handled) => handled?,
                    None if frame.describes_interfaces_or_packets() => return Err(corrupt(name, error)),
                    // A statistics, name resolution, journal or custom block, which libpcap steps over unread.
                    None => {}
                }
                Ok(Parsed::Record { len: frame.len, value: () })
            }
            Err(error) => pcapng_failure(name, error),
        })?;
    }
    Ok(())
}

/// Announces the interfaces and delivers the packets of one PcapNG block; `section_interfaces` maps the current
/// section's interface ids to the sink's.
fn handle_block(
    name: &str,
    block: Block,
    section_interfaces: &mut Vec<InterfaceId>,
    delivery: &mut Delivery,
) -> anyhow::Result<()> {
    let section_interface = |id_in_section: u32| {
        usize::try_from(id_in_section)
            .ok()
            .and_then(|index| section_interfaces.get(index).copied())
            // pcap-file already refuses ids its section has not described; this would be ptstat's own bug.
            .ok_or_else(|| anyhow!("{name}: packet on interface {id_in_section}, which its section does not describe"))
    };
    match block {
        Block::SectionHeader(_) => section_interfaces.clear(),
        Block::InterfaceDescription(description) => {
            let id = delivery.add_interface(interface_described_by(&description))?;
            section_interfaces.push(id);
        }
        Block::EnhancedPacket(packet) => {
            let flags = packet.options.iter().find_map(|option| match option {
                EnhancedPacketOption::Flags(flags) => Some(*flags),
                _ => None,
            });
            // ptstat's own files name the packet's process, and its peer, in a comment; ptcpdump's in several.
            let comments = packet.options.iter().filter_map(|option| match option {
                EnhancedPacketOption::Common(CommonOption::Comment(comment)) => Some(comment.as_ref()),
                _ => None,
            });
            let process = ProcessContext::from_comments(comments.clone());
            let peer = ProcessContext::peer_from_comments(comments);
            delivery.deliver(&Packet {
                timestamp: timestamp_of(packet.timestamp),
                interface: section_interface(packet.interface_id)?,
                direction: flags.and_then(Direction::from_epb_flags),
                original_len: packet.original_len,
                data: &packet.data,
                process: process.as_ref(),
                peer: peer.as_ref(),
            })?;
        }
        // Simple Packet Blocks belong to the section's first interface and carry no timestamp.
        Block::SimplePacket(packet) => delivery.deliver(&Packet {
            timestamp: Timestamp(0),
            interface: section_interface(0)?,
            direction: None,
            original_len: packet.original_len,
            data: &packet.data,
            process: None,
            peer: None,
        })?,
        // The obsolete Packet Block: an EPB with a 16-bit interface id and a drop count.
        Block::Packet(packet) => {
            let flags = packet.options.iter().find_map(|option| match option {
                PacketOption::Flags(flags) => Some(*flags),
                _ => None,
            });
            delivery.deliver(&Packet {
                timestamp: timestamp_of(packet.timestamp),
                interface: section_interface(u32::from(packet.interface_id))?,
                direction: flags.and_then(Direction::from_epb_flags),
                original_len: packet.original_len,
                data: &packet.data,
                process: None,
                peer: None,
            })?;
        }
        // Statistics, name resolution, journal and custom blocks carry nothing a sink takes.
        _ => {}
    }
    Ok(())
}

/// A PcapNG parse that did not produce a block: the bytes end inside one, or the file is corrupt.
fn pcapng_failure<T>(name: &str, error: PcapNgParseError) -> anyhow::Result<Parsed<T>> {
    match error {
        // Short of a minimal block, pcap-file asks for one. Past that, its count is libpcap's: what the block
        // needs after its type and length fields, against what there is.
        PcapNgParseError::IncompleteBuffer(needed, got) => Ok(Parsed::Incomplete(Truncation::PcapNgBlock {
            needed,
            got: if got < MIN_BLOCK_LEN { got } else { got - BLOCK_TYPE_AND_LENGTH_LEN },
        })),
        error => Err(corrupt(name, error)),
    }
}

fn interface_described_by(block: &InterfaceDescriptionBlock) -> Interface {
    let mut interface = Interface {
        name: String::new(),
        index: 0,
        link_type: block.linktype,
        snaplen: block.snaplen,
        description: None,
    };
    for option in &block.options {
        match option {
            InterfaceDescriptionOption::IfName(name) => interface.name = name.to_string(),
            InterfaceDescriptionOption::IfDescription(description) => {
                interface.description = Some(description.to_string());
            }
            _ => {}
        }
    }
    interface
}

/// Nanoseconds since the epoch; a u64 of them ends in 2554, and later (corrupt) times are pinned there.
fn timestamp_of(since_epoch: Duration) -> Timestamp {
    Timestamp(u64::try_from(since_epoch.as_nanos()).unwrap_or(u64::MAX))
}

fn corrupt(name: &str, error: impl std::error::Error + Send + Sync + 'static) -> anyhow::Error {
    anyhow!("{name}: bad dump file: {:#}", anyhow::Error::new(error))
}

/// Option code of the end of a PcapNG block's options.
const OPT_ENDOFOPT: u16 = 0;
/// An option's code and length fields.
const OPTION_HEADER_LEN: usize = 4;

/// A whole PcapNG block whose frame (type, lengths) pcap-file read but whose contents it refused. It refuses a
/// block for any one option it cannot take (a name or comment that is not UTF-8, an option of another size than
/// it expects), where libpcap reads only the few options it needs (if_tsresol, if_tsoffset) and skips the rest:
/// tcpdump then prints the block's packets, and ptstat should too.
struct BlockFrame<'b> {
    type_: u32,
    /// The section's byte order; a Section Header Block's own.
    endianness: Endianness,
    /// Type, length, body and length again.
    len: usize,
    body: &'b [u8],
}

impl<'b> BlockFrame<'b> {
    /// The block at the start of `bytes`, in a section of byte order `section`; None if its frame is not whole.
    fn of(bytes: &'b [u8], section: Endianness) -> Option<Self> {
        let type_ = u32_at(bytes, 0, section)?;
        let endianness = if type_ == SECTION_HEADER_BLOCK {
            match bytes.get(BLOCK_TYPE_AND_LENGTH_LEN..)?.first_chunk::<4>()? {
                [0x1A, 0x2B, 0x3C, 0x4D] => Endianness::Big,
                [0x4D, 0x3C, 0x2B, 0x1A] => Endianness::Little,
                _ => return None,
            }
        } else {
            section
        };
        let len = usize::try_from(u32_at(bytes, 4, endianness)?).ok()?;
        let body = bytes.get(BLOCK_TYPE_AND_LENGTH_LEN..len.checked_sub(4)?)?;
        Some(BlockFrame { type_, endianness, len, body })
    }

    /// Whether ptstat reads the block rather than stepping over it.
    fn describes_interfaces_or_packets(&self) -> bool {
        [SECTION_HEADER_BLOCK, INTERFACE_DESCRIPTION_BLOCK, ENHANCED_PACKET_BLOCK, PACKET_BLOCK, SIMPLE_PACKET_BLOCK]
            .contains(&self.type_)
    }

    /// The block again, in its byte order, with only the options pcap-file parses. None when there is none to
    /// drop, or the fault is elsewhere (the fields before the options, options that overrun the block): the
    /// block's refusal stands.
    fn without_unparsable_options(&self, state: &PcapNgState) -> Option<Vec<u8>> {
        let fixed = self.body.get(..self.fixed_len()?)?;
        let mut options = &self.body[fixed.len()..];
        let mut kept = Vec::new();
        let mut dropped = false;
        while u16_at(options, 0, self.endianness).is_some_and(|code| code != OPT_ENDOFOPT) {
            let len = usize::from(u16_at(options, 2, self.endianness)?);
            let option = options.get(..OPTION_HEADER_LEN + len.next_multiple_of(4))?;
            options = &options[option.len()..];
            // Alone after the fixed fields, an option parses as it would among the others.
            let alone = [fixed, option].concat();
            let alone_len = self.frame_len(alone.len());
            let parses =
                RawBlock { type_: self.type_, initial_len: alone_len, body: Cow::Owned(alone), trailer_len: alone_len }
                    .try_into_block(state)
                    .is_ok();
            // pcap-file takes a code it does not know as an unknown option: only malformed ones are dropped.
            if parses {
                kept.extend_from_slice(option);
            }
            dropped |= !parses;
        }
        if !dropped {
            return None;
        }
        if !kept.is_empty() {
            kept.extend_from_slice(&[0; OPTION_HEADER_LEN]);
        }
        let len = self.frame_len(fixed.len() + kept.len());
        let mut block = Vec::with_capacity(self.len);
        for field in [self.type_, len] {
            block.extend_from_slice(&u32_bytes(field, self.endianness));
        }
        block.extend_from_slice(fixed);
        block.extend_from_slice(&kept);
        block.extend_from_slice(&u32_bytes(len, self.endianness));
        Some(block)
    }

    /// The length of the fields before the options, for the blocks whose options ptstat may have to drop.
    fn fixed_len(&self) -> Option<usize> {
        match self.type_ {
            // Magic, versions, section length.
            SECTION_HEADER_BLOCK => Some(16),
            // Link type, reserved, snaplen.
            INTERFACE_DESCRIPTION_BLOCK => Some(8),
            // Interface, timestamp, captured and original lengths, then the padded packet bytes.
            ENHANCED_PACKET_BLOCK | PACKET_BLOCK => {
                let captured = usize::try_from(u32_at(self.body, 12, self.endianness)?).ok()?;
                20usize.checked_add(captured.checked_next_multiple_of(4)?)
            }
            _ => None,
        }
    }

    /// A block's length field for a body of `body_len` bytes.
    fn frame_len(&self, body_len: usize) -> u32 {
        u32::try_from(body_len + MIN_BLOCK_LEN).unwrap_or(u32::MAX)
    }
}

fn u16_at(bytes: &[u8], offset: usize, endianness: Endianness) -> Option<u16> {
    let field = *bytes.get(offset..)?.first_chunk::<2>()?;
    Some(match endianness {
        Endianness::Big => u16::from_be_bytes(field),
        Endianness::Little => u16::from_le_bytes(field),
    })
}

fn u32_at(bytes: &[u8], offset: usize, endianness: Endianness) -> Option<u32> {
    let field = *bytes.get(offset..)?.first_chunk::<4>()?;
    Some(match endianness {
        Endianness::Big => u32::from_be_bytes(field),
        Endianness::Little => u32::from_le_bytes(field),
    })
}

fn u32_bytes(value: u32, endianness: Endianness) -> [u8; 4] {
    match endianness {
        Endianness::Big => value.to_be_bytes(),
        Endianness::Little => value.to_le_bytes(),
    }
}

/// The capture's bytes, read and not yet parsed. pcap-file's parsers work on slices and tell how many bytes a
/// record lacks, which is what tcpdump-style truncation messages are made of (its readers only say "EOF").
struct Input<'n, R> {
    /// The path, or "stdin", to put in front of every error.
    name: &'n str,
    reader: R,
    /// Zeroed once, grown only for records bigger than a chunk, and reused: reads land in `buffer[end..]`.
    buffer: Vec<u8>,
    /// The unparsed bytes are `buffer[start..end]`.
    start: usize,
    end: usize,
}

/// What a parser made of the unparsed bytes.
enum Parsed<T> {
    /// A record of `len` bytes, already handled; `value` is whatever the caller keeps of it.
    Record { len: usize, value: T },
    /// The bytes end inside a record: more must be read, or the file ends there.
    Incomplete(Truncation),
}

impl<R: Read> Input<'_, R> {
    fn unparsed(&self) -> &[u8] {
        &self.buffer[self.start..self.end]
    }

    /// Offers the unparsed bytes to `parse` until it takes a record, reading more while the record is incomplete.
    /// `parse` may run several times on a growing prefix, and handles the record only when it is complete.
    fn next_record<T>(&mut self, mut parse: impl FnMut(&[u8]) -> anyhow::Result<Parsed<T>>) -> anyhow::Result<T> {
        loop {
            let truncation = match parse(self.unparsed())? {
                Parsed::Record { len, value } => {
                    self.start += len;
                    return Ok(value);
                }
                Parsed::Incomplete(truncation) => truncation,
            };
            if truncation.record_len() > MAX_RECORD_LEN {
                bail!(
                    "{}: bad dump file: a record of {} bytes, more than the {MAX_RECORD_LEN} ptstat accepts",
                    self.name,
                    truncation.record_len()
                );
            }
            if !self.read_more()? {
                bail!("{}: {truncation}", self.name);
            }
        }
    }

    /// Whether any bytes are left, reading if needed.
    fn has_more(&mut self) -> anyhow::Result<bool> {
        self.buffer_at_least(1)
    }

    /// Reads until `len` bytes are unparsed; false if the input ends first.
    fn buffer_at_least(&mut self, len: usize) -> anyhow::Result<bool> {
        while self.unparsed().len() < len {
            if !self.read_more()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Reads up to a chunk after the unparsed bytes (moved to the front first); false at the end of the input.
    fn read_more(&mut self) -> anyhow::Result<bool> {
        self.buffer.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.buffer.len() - self.end < READ_CHUNK {
            self.buffer.resize(self.end + READ_CHUNK, 0);
        }
        let count = loop {
            match self.reader.read(&mut self.buffer[self.end..]) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => break result.map_err(|error| anyhow!("{}: {error}", self.name))?,
            }
        };
        self.end += count;
        Ok(count > 0)
    }
}

/// Where a capture ends early, in tcpdump's words.
#[derive(Debug)]
enum Truncation {
    /// Inside the magic number or the pcap file header.
    FileHeader { needed: usize, got: usize },
    /// Inside a pcap record header.
    PacketHeader { got: usize },
    /// Inside a pcap record's packet bytes.
    PacketData { needed: usize, got: usize },
    /// Inside a PcapNG block: past its type and length fields, what follows them.
    PcapNgBlock { needed: usize, got: usize },
}

impl Truncation {
    /// How long the record being read is, as far as known.
    fn record_len(&self) -> usize {
        match *self {
            Truncation::FileHeader { needed, .. } => needed,
            Truncation::PacketHeader { .. } => PCAP_RECORD_HEADER_LEN,
            Truncation::PacketData { needed, .. } => PCAP_RECORD_HEADER_LEN.saturating_add(needed),
            Truncation::PcapNgBlock { needed, .. } => BLOCK_TYPE_AND_LENGTH_LEN.saturating_add(needed),
        }
    }
}

impl fmt::Display for Truncation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Truncation::FileHeader { needed, got } => {
                write!(f, "truncated dump file; tried to read {needed} file header bytes, only got {got}")
            }
            Truncation::PacketHeader { got } => {
                write!(f, "truncated dump file; tried to read {PCAP_RECORD_HEADER_LEN} header bytes, only got {got}")
            }
            Truncation::PacketData { needed, got } => {
                write!(f, "truncated dump file; tried to read {needed} captured bytes, only got {got}")
            }
            Truncation::PcapNgBlock { needed, got } => {
                write!(f, "truncated pcapng dump file; tried to read {needed} bytes, only got {got}")
            }
        }
    }
}

/// Hands packets to the sink: announces interfaces, and counts packets against the limit.
struct Delivery<'s> {
    sink: &'s mut dyn Sink,
    /// Indexed by the sink's interface ids.
    interfaces: Vec<Interface>,
    delivered: u64,
    limit: Option<u64>,
}

impl Delivery<'_> {
    fn add_interface(&mut self, interface: Interface) -> anyhow::Result<InterfaceId> {
        let id = self.interfaces.len();
        self.sink.add_interface(id, &interface)?;
        self.interfaces.push(interface);
        Ok(id)
    }

    fn deliver(&mut self, packet: &Packet) -> anyhow::Result<()> {
        let interface = self
            .interfaces
            .get(packet.interface)
            .ok_or_else(|| anyhow!("packet on interface {}, which was never announced", packet.interface))?;
        self.sink.write_packet(packet, interface)?;
        self.delivered += 1;
        Ok(())
    }

    fn is_complete(&self) -> bool {
        self.limit.is_some_and(|limit| self.delivered >= limit)
    }
}

#[cfg(test)]
mod tests {
    use pcap_file::DataLink;

    use std::{borrow::Cow, time::Duration};

    use pcap_file::{
        pcap::{PcapPacket, PcapWriter},
        pcapng::{
            PcapNgWriter,
            blocks::{enhanced_packet::EnhancedPacketBlock, interface_description::InterfaceDescriptionBlock},
        },
    };

    use super::*;

    /// Hands out one byte per read, as a pipe may when its writer is slow.
    struct OneByteAtATime<'a>(&'a [u8]);

    impl Read for OneByteAtATime<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&byte, rest)), Some(slot)) => {
                    *slot = byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// Interface, timestamp, direction and bytes of every packet delivered.
    #[derive(Default)]
    struct Collected(Vec<(InterfaceId, Timestamp, Option<Direction>, Vec<u8>)>);

    impl Sink for Collected {
        fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
            Ok(())
        }

        fn write_packet(&mut self, packet: &Packet, _interface: &Interface) -> anyhow::Result<()> {
            self.0.push((packet.interface, packet.timestamp, packet.direction, packet.data.to_vec()));
            Ok(())
        }

        fn finish(&mut self) -> anyhow::Result<()> {
            Ok(())
        }
    }

    /// Three packets of raw IP, 40 to 42 bytes, a nanosecond apart.
    fn three_packets() -> impl Iterator<Item = (Duration, Vec<u8>)> {
        (0..3u8).map(|sequence| {
            let timestamp = Duration::from_nanos(1_700_000_000_000_000_000 + u64::from(sequence));
            (timestamp, vec![0x45 ^ sequence; 40 + usize::from(sequence)])
        })
    }

    /// The packets as pcap-file writes them, independently of ptstat's writers.
    fn pcapng_file() -> Vec<u8> {
        let mut writer = PcapNgWriter::new(Vec::new()).unwrap();
        let interface = InterfaceDescriptionBlock { linktype: DataLink::RAW, snaplen: 65_535, options: Vec::new() };
        writer.write_pcapng_block(interface).unwrap();
        for (timestamp, data) in three_packets() {
            let original_len = data.len() as u32;
            let packet = EnhancedPacketBlock {
                interface_id: 0,
                timestamp,
                original_len,
                data: Cow::Owned(data),
                options: vec![],
            };
            writer.write_pcapng_block(packet).unwrap();
        }
        writer.into_inner()
    }

    fn pcap_file() -> Vec<u8> {
        let mut writer = PcapWriter::new(Vec::new()).unwrap();
        for (timestamp, data) in three_packets() {
            writer.write_packet(&PcapPacket::new(timestamp, data.len() as u32, &data).unwrap()).unwrap();
        }
        writer.into_inner()
    }

    /// The process of every packet delivered.
    #[derive(Default)]
    struct Processes(Vec<Option<ProcessContext>>);

    impl Sink for Processes {
        fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
            Ok(())
        }

        fn write_packet(&mut self, packet: &Packet, _interface: &Interface) -> anyhow::Result<()> {
            self.0.push(packet.process.cloned());
            Ok(())
        }

        fn finish(&mut self) -> anyhow::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_comments_of_a_packet_are_read_together() {
        // As ptcpdump writes them: the process in one comment, its container in another.
        let comments = ["PID: 31\nCmd: /usr/bin/nc\nArgs: nc -u 10.0.0.2 53", "ContainerName: dns\nContainerId: 5e"];
        let mut writer = PcapNgWriter::new(Vec::new()).unwrap();
        let interface = InterfaceDescriptionBlock { linktype: DataLink::RAW, snaplen: 65_535, options: Vec::new() };
        writer.write_pcapng_block(interface).unwrap();
        let options = comments.map(|comment| EnhancedPacketOption::Common(CommonOption::Comment(comment.into())));
        let data = vec![0x45; 20];
        let original_len = data.len() as u32;
        let packet = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: Duration::from_secs(1_700_000_000),
            original_len,
            data: Cow::Owned(data),
            options: options.to_vec(),
        };
        writer.write_pcapng_block(packet).unwrap();
        let mut processes = Processes::default();
        read_from("ptcpdump", &writer.into_inner()[..], &mut processes, None).unwrap();
        let process = processes.0[0].clone().expect("a process");
        assert_eq!((process.pid, process.name.as_str(), process.args.as_str()), (31, "nc", "nc -u 10.0.0.2 53"));
        assert_eq!(
            process.container.map(|container| (container.name, container.id)),
            Some(("dns".into(), "5e".into()))
        );
    }

    #[test]
    fn input_that_comes_a_byte_at_a_time_reads_like_a_whole_file() {
        for bytes in [pcapng_file(), pcap_file()] {
            let (mut whole, mut trickled) = (Collected::default(), Collected::default());
            assert_eq!(read_from("whole", &bytes[..], &mut whole, None).unwrap(), 3);
            assert_eq!(read_from("trickle", OneByteAtATime(&bytes), &mut trickled, None).unwrap(), 3);
            assert_eq!(whole.0, trickled.0);
        }
    }
}
