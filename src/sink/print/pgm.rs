//! PGM, pragmatic general multicast (RFC 3208; tcpdump's print-pgm.c): IP protocol 113, or over UDP when `-T pgm`
//! asks for it. `10.0.0.1.7500 > 239.1.1.1.7500: PGM, length 32`; with -v the global source id, the packet's
//! type and fields, and its options. With `-T pgm_zmtp1` the data of ODATA and RDATA packets is ZeroMQ's.

use super::{
    Line, PacketType, PrintState,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    ip::IpEnvelope,
    zmtp1,
};

pub(super) const PROTOCOL: u8 = 113;
const HEADER_LEN: usize = 16;

const SOURCE_PATH: u8 = 0;
const POLL: u8 = 1;
const POLL_RESPONSE: u8 = 2;
const ORIGINAL_DATA: u8 = 4;
const REPAIR_DATA: u8 = 5;
const NAK: u8 = 8;
const NULL_NAK: u8 = 9;
const NAK_CONFIRMATION: u8 = 10;
const ACK: u8 = 11;
const SOURCE_PATH_REQUEST: u8 = 12;

/// The header's options bit: options follow the type's fields.
const OPTIONS_PRESENT: u8 = 0x01;
const OPTION_TYPE_MASK: u8 = 0x7f;
/// The last option has this bit in its type.
const OPTION_END: u8 = 0x80;
const MIN_OPTION_LEN: u8 = 4;

const OPTION_LENGTH: u8 = 0x00;
const OPTION_FRAGMENT: u8 = 0x01;
const OPTION_NAK_LIST: u8 = 0x02;
const OPTION_JOIN: u8 = 0x03;
const OPTION_NAK_BACKOFF_INTERVAL: u8 = 0x04;
const OPTION_NAK_BACKOFF_RANGE: u8 = 0x05;
const OPTION_REDIRECT: u8 = 0x07;
const OPTION_PARITY_PARAMETERS: u8 = 0x08;
const OPTION_PARITY_GROUP: u8 = 0x09;
const OPTION_CURRENT_GROUP_SIZE: u8 = 0x0a;
const OPTION_NEIGHBOR_UNREACHABLE: u8 = 0x0b;
const OPTION_PATH_NLA: u8 = 0x0c;
const OPTION_SYN: u8 = 0x0d;
const OPTION_FIN: u8 = 0x0e;
const OPTION_RESET: u8 = 0x0f;
const OPTION_CONGESTION_REPORT: u8 = 0x10;
const OPTION_CONGESTION_REPORT_REQUEST: u8 = 0x11;
const OPTION_PGMCC_DATA: u8 = 0x12;
const OPTION_PGMCC_FEEDBACK: u8 = 0x13;

const FAMILY_IPV4: u16 = 1;
const FAMILY_IPV6: u16 = 2;

/// Prints a packet `length` bytes long (as the layer below gives it), of which `bytes` were captured; it came
/// straight in IP, or (`-T pgm`) in UDP.
pub(super) fn print(
    line: &mut Line,
    state: &PrintState,
    bytes: &[u8],
    length: u32,
    envelope: &IpEnvelope,
    over_ip: bool,
) -> Printed {
    let pgm = Captured::new(bytes, "pgm");
    if !pgm.has(0, 4) {
        envelope.print_addresses(line);
        return Err(pgm.truncated());
    }
    let (source_port, destination_port) = (pgm.be16(0)?, pgm.be16(2)?);
    // tcpdump names the hosts only when IP's protocol field says PGM (so not over UDP, nor after IPv6's
    // extension headers, which ptstat does not tell apart here).
    if over_ip {
        envelope.print_addressed_endpoints(line, source_port, destination_port);
    } else {
        line.put(format_args!("{source_port} > {destination_port}: "));
    }
    pgm.check(0, HEADER_LEN)?;
    let pgm_length = pgm.be16(14)?;
    line.put(format_args!("PGM, length {pgm_length}"));
    let verbosity = state.decoding.verbosity;
    if verbosity == 0 {
        return Ok(());
    }
    let packet_type = pgm.u8(4)?;
    line.push(" 0x");
    for byte in pgm.slice(8, 6)? {
        line.put(format_args!("{byte:02x}"));
    }
    line.push(" ");
    let Some(options_start) = print_type_fields(line, pgm, packet_type)? else { return Err(pgm.truncated()) };
    let mut data_start = options_start;
    if pgm.u8(5)? & OPTIONS_PRESENT != 0 {
        match print_options(line, pgm, options_start)? {
            OptionsEnd::At(offset) => data_start = offset,
            OptionsEnd::Stopped => return Ok(()),
            OptionsEnd::Cut => return Err(pgm.truncated()),
        }
    }
    line.put(format_args!(" [{length}]"));
    let zmtp1 = state.decoding.packet_type == Some(PacketType::PgmZmtp1);
    if zmtp1 && matches!(packet_type, ORIGINAL_DATA | REPAIR_DATA) {
        zmtp1::print_datagram(line, verbosity, pgm.rest(data_start), u32::from(pgm_length))?;
    }
    Ok(())
}

/// Prints the fields of the packet's type; returns where its options start, or `None` where the capture (or an
/// address family tcpdump does not know) cut it short.
fn print_type_fields(line: &mut Line, pgm: Captured, packet_type: u8) -> Result<Option<usize>, Truncated> {
    let fields = HEADER_LEN;
    Ok(Some(match packet_type {
        SOURCE_PATH => {
            if !pgm.has(fields, 16) {
                return Ok(None);
            }
            let Some((address, end)) = network_address(pgm, fields + 12, fields + 16)? else { return Ok(None) };
            line.put(format_args!(
                "SPM seq {} trail {} lead {} nla {address}",
                pgm.be32(fields)?,
                pgm.be32(fields + 4)?,
                pgm.be32(fields + 8)?
            ));
            end
        }
        POLL => {
            if !pgm.has(fields, 12) {
                return Ok(None);
            }
            let Some((address, end)) = network_address(pgm, fields + 8, fields + 12)? else { return Ok(None) };
            let (interval, random, mask) = (pgm.be32(end)?, pgm.be32(end + 4)?, pgm.be32(end + 8)?);
            line.put(format_args!(
                "POLL seq {} round {} nla {address} ivl {interval} rnd 0x{random:08x} mask 0x{mask:08x}",
                pgm.be32(fields)?,
                pgm.be16(fields + 4)?
            ));
            end + 12
        }
        POLL_RESPONSE => {
            if !pgm.has(fields, 8) {
                return Ok(None);
            }
            line.put(format_args!("POLR seq {} round {}", pgm.be32(fields)?, pgm.be16(fields + 4)?));
            fields + 8
        }
        ORIGINAL_DATA | REPAIR_DATA => {
            if !pgm.has(fields, 8) {
                return Ok(None);
            }
            let name = if packet_type == ORIGINAL_DATA { "ODATA" } else { "RDATA" };
            line.put(format_args!("{name} trail {} seq {}", pgm.be32(fields + 4)?, pgm.be32(fields)?));
            fields + 8
        }
        NAK | NULL_NAK | NAK_CONFIRMATION => {
            if !pgm.has(fields, 8) {
                return Ok(None);
            }
            let Some((source, source_end)) = network_address(pgm, fields + 4, fields + 8)? else { return Ok(None) };
            // tcpdump skips the group's family and reserved field, then takes the group address's first two
            // bytes for its family.
            let group_start = source_end + 4;
            let Some((group, end)) = network_address(pgm, group_start, group_start)? else { return Ok(None) };
            let name = match packet_type {
                NAK => "NAK",
                NULL_NAK => "NNAK",
                _ => "NCF",
            };
            line.put(format_args!("{name} ({source} -> {group}), seq {}", pgm.be32(fields)?));
            end
        }
        ACK => {
            if !pgm.has(fields, 8) {
                return Ok(None);
            }
            line.put(format_args!("ACK seq {}", pgm.be32(fields)?));
            fields + 8
        }
        SOURCE_PATH_REQUEST => {
            // tcpdump then looks for options at the start of the header.
            line.push("SPMR");
            0
        }
        other => {
            line.put(format_args!("UNKNOWN type 0x{other:02x}"));
            0
        }
    }))
}

/// The network-layer address whose family is at `family` and which starts at `start`, and where it ends; `None`
/// for a family other than IPv4's and IPv6's, or an address cut short.
fn network_address(pgm: Captured, family: usize, start: usize) -> Result<Option<(IpAddress, usize)>, Truncated> {
    Ok(match pgm.be16(family)? {
        FAMILY_IPV4 if pgm.has(start, 4) => Some((pgm.ipv4(start)?, start + 4)),
        FAMILY_IPV6 if pgm.has(start, 16) => Some((pgm.ipv6(start)?, start + 16)),
        _ => None,
    })
}

/// How the options ended.
enum OptionsEnd {
    /// At the end of the last option (or where a bad one stopped them): the packet's data starts there.
    At(usize),
    /// A malformed option: tcpdump prints nothing more of the packet.
    Stopped,
    /// The capture ended inside an option, or an address family was unknown.
    Cut,
}

/// Prints the options starting at `offset`: first the total length, then each option.
fn print_options(line: &mut Line, pgm: Captured, mut offset: usize) -> Result<OptionsEnd, Truncated> {
    if !pgm.has(offset, usize::from(MIN_OPTION_LEN)) {
        return Ok(OptionsEnd::Cut);
    }
    let first_type = pgm.u8(offset)? & OPTION_TYPE_MASK;
    if first_type != OPTION_LENGTH {
        line.put(format_args!("[First option bad, should be PGM_OPT_LENGTH, is {first_type}]"));
        return Ok(OptionsEnd::Stopped);
    }
    let first_len = pgm.u8(offset + 1)?;
    if first_len != 4 {
        line.put(format_args!("[Bad OPT_LENGTH option, length {first_len} != 4]"));
        return Ok(OptionsEnd::Stopped);
    }
    let mut left = u32::from(pgm.be16(offset + 2)?);
    offset += 4;
    if left < 4 {
        line.put(format_args!("[Bad total option length {left} < 4]"));
        return Ok(OptionsEnd::Stopped);
    }
    line.put(format_args!(" OPTS LEN {left}"));
    left -= 4;
    while left != 0 {
        if left < u32::from(MIN_OPTION_LEN) {
            line.push("[Total option length leaves no room for final option]");
            return Ok(OptionsEnd::Stopped);
        }
        let option_type = pgm.u8(offset)?;
        let option_len = pgm.u8(offset + 1)?;
        offset += 2;
        if option_len < MIN_OPTION_LEN {
            line.put(format_args!("[Bad option, length {option_len} < {MIN_OPTION_LEN}]"));
            break;
        }
        if left < u32::from(option_len) {
            line.push("[Total option length leaves no room for final option]");
            return Ok(OptionsEnd::Stopped);
        }
        if !pgm.has(offset, usize::from(option_len) - 2) {
            return Ok(OptionsEnd::Cut);
        }
        let option = PgmOption { pgm, offset, len: option_len };
        let step = match option_type & OPTION_TYPE_MASK {
            OPTION_LENGTH => option.fixed(line, "OPT_LENGTH", 4, |line| {
                line.put(format_args!(" OPTS LEN (extra?) {}", pgm.be16(offset)?));
                Ok(2)
            })?,
            OPTION_FRAGMENT => option.fixed(line, "OPT_FRAGMENT", 16, |line| {
                let (sequence, start, len) = (pgm.be32(offset + 2)?, pgm.be32(offset + 6)?, pgm.be32(offset + 10)?);
                line.put(format_args!(" FRAG seq {sequence} off {start} len {len}"));
                Ok(14)
            })?,
            OPTION_NAK_LIST => {
                line.push(" NAK LIST");
                let mut list_left = option_len - 4;
                let mut entry = offset + 2;
                while list_left != 0 {
                    if list_left < 4 {
                        line.push("[Option length not a multiple of 4]");
                        return Ok(OptionsEnd::Stopped);
                    }
                    line.put(format_args!(" {}", pgm.be32(entry)?));
                    entry += 4;
                    list_left -= 4;
                    // tcpdump counts the entries off the options' length, but not the option's header.
                    left -= 4;
                }
                Step::Next { bytes: entry - offset, counted: 0 }
            }
            OPTION_JOIN => option.fixed(line, "OPT_JOIN", 8, |line| {
                line.put(format_args!(" JOIN {}", pgm.be32(offset + 2)?));
                Ok(6)
            })?,
            OPTION_NAK_BACKOFF_INTERVAL => option.fixed(line, "OPT_NAK_BO_IVL", 12, |line| {
                let (interval, sequence) = (pgm.be32(offset + 2)?, pgm.be32(offset + 6)?);
                line.put(format_args!(" BACKOFF ivl {interval} ivlseq {sequence}"));
                Ok(10)
            })?,
            OPTION_NAK_BACKOFF_RANGE => option.fixed(line, "OPT_NAK_BO_RNG", 12, |line| {
                let (maximum, minimum) = (pgm.be32(offset + 2)?, pgm.be32(offset + 6)?);
                line.put(format_args!(" BACKOFF max {maximum} min {minimum}"));
                Ok(10)
            })?,
            OPTION_REDIRECT => {
                option.with_address(line, ["OPT_REDIRECT", "OPT_REDIRECT"], false, |line, _, address| {
                    line.put(format_args!(" REDIRECT {address}"));
                })?
            }
            OPTION_PARITY_PARAMETERS => option.fixed(line, "OPT_PARITY_PRM", 8, |line| {
                line.put(format_args!(" PARITY MAXTGS {}", pgm.be32(offset + 2)?));
                Ok(6)
            })?,
            OPTION_PARITY_GROUP => option.fixed(line, "OPT_PARITY_GRP", 8, |line| {
                line.put(format_args!(" PARITY GROUP {}", pgm.be32(offset + 2)?));
                Ok(6)
            })?,
            OPTION_CURRENT_GROUP_SIZE => option.fixed(line, "OPT_CURR_TGSIZE", 8, |line| {
                line.put(format_args!(" PARITY ATGS {}", pgm.be32(offset + 2)?));
                Ok(6)
            })?,
            OPTION_NEIGHBOR_UNREACHABLE => option.flag(line, "OPT_NBR_UNREACH", " NBR_UNREACH")?,
            OPTION_SYN => option.flag(line, "OPT_SYN", " SYN")?,
            OPTION_FIN => option.flag(line, "OPT_FIN", " FIN")?,
            OPTION_RESET => option.flag(line, "OPT_RST", " RST")?,
            OPTION_CONGESTION_REPORT_REQUEST => option.flag(line, "OPT_CRQST", " CRQST")?,
            OPTION_PATH_NLA => {
                line.put(format_args!(" PATH_NLA [{option_len}]"));
                option.skipped()
            }
            OPTION_CONGESTION_REPORT => {
                line.push(" CR");
                option.skipped()
            }
            OPTION_PGMCC_DATA => {
                option.with_address(line, ["OPT_PGMCC_DATA", "OPT_PGMCC_DATA"], true, |line, value, address| {
                    line.put(format_args!(" PGMCC DATA {value} {address}"));
                })?
            }
            OPTION_PGMCC_FEEDBACK => option.with_address(
                line,
                ["PGM_OPT_PGMCC_FEEDBACK", "OPT_PGMCC_FEEDBACK"],
                true,
                |line, value, address| line.put(format_args!(" PGMCC FEEDBACK {value} {address}")),
            )?,
            _ => {
                line.put(format_args!(" OPT_{option_type:02X} [{option_len}] "));
                option.skipped()
            }
        };
        match step {
            Step::Next { bytes, counted } => {
                offset += bytes;
                left -= counted;
            }
            Step::Stop => return Ok(OptionsEnd::Stopped),
            Step::Cut => return Ok(OptionsEnd::Cut),
        }
        if option_type & OPTION_END != 0 {
            break;
        }
    }
    Ok(OptionsEnd::At(offset))
}

/// What an option's printing leads to.
enum Step {
    /// On to the next option: the reader moved `bytes` past the option's type and length (tcpdump's `bp`, not
    /// always the option's end), and `counted` bytes were taken off the options' length.
    Next { bytes: usize, counted: u32 },
    /// A malformed option: tcpdump prints nothing more of the packet.
    Stop,
    /// Cut short (or of an unknown address family).
    Cut,
}

/// An option whose type and length were read and whose bytes were captured; `offset` is just past its type and
/// length.
struct PgmOption<'a> {
    pgm: Captured<'a>,
    offset: usize,
    len: u8,
}

impl PgmOption<'_> {
    /// An option of `expected_len` bytes, whose fields `print` prints, returning how far it read.
    fn fixed(
        &self,
        line: &mut Line,
        name: &str,
        expected_len: u8,
        print: impl FnOnce(&mut Line) -> Result<usize, Truncated>,
    ) -> Result<Step, Truncated> {
        if self.len != expected_len {
            line.put(format_args!("[Bad {name} option, length {} != {expected_len}]", self.len));
            return Ok(Step::Stop);
        }
        Ok(Step::Next { bytes: print(line)?, counted: u32::from(expected_len) })
    }

    /// An option with no fields but a reserved one: its name is all there is to print.
    fn flag(&self, line: &mut Line, name: &str, shown: &str) -> Result<Step, Truncated> {
        self.fixed(line, name, 4, |line| {
            line.push(shown);
            Ok(2)
        })
    }

    /// An option tcpdump steps over by its length (counted from past its type and length).
    fn skipped(&self) -> Step {
        Step::Next { bytes: usize::from(self.len), counted: u32::from(self.len) }
    }

    /// An option with a reserved field, maybe a 32-bit `value`, then an address and its family; `names` are the
    /// ones tcpdump gives it in its complaints about a length too short and one that does not fit the address.
    fn with_address(
        &self,
        line: &mut Line,
        names: [&str; 2],
        has_value: bool,
        print: impl FnOnce(&mut Line, u32, IpAddress),
    ) -> Result<Step, Truncated> {
        let fixed_len: u8 = if has_value { 12 } else { 8 };
        if self.len < fixed_len {
            line.put(format_args!("[Bad {} option, length {} < {fixed_len}]", names[0], self.len));
            return Ok(Step::Stop);
        }
        let mut reader = self.offset + 2;
        let mut value = 0;
        if has_value {
            value = self.pgm.be32(reader)?;
            reader += 4;
        }
        let family = self.pgm.be16(reader)?;
        reader += 4;
        let address_len = match family {
            FAMILY_IPV4 => 4,
            FAMILY_IPV6 => 16,
            _ => return Ok(Step::Cut),
        };
        if usize::from(self.len) != usize::from(fixed_len) + address_len {
            line.put(format_args!("[Bad {} option, length {} != {fixed_len} + address size]", names[1], self.len));
            return Ok(Step::Stop);
        }
        if !self.pgm.has(reader, address_len) {
            return Ok(Step::Cut);
        }
        let address = if address_len == 4 { self.pgm.ipv4(reader)? } else { self.pgm.ipv6(reader)? };
        print(line, value, address);
        Ok(Step::Next { bytes: reader + address_len - self.offset, counted: u32::from(fixed_len) + address_len as u32 })
    }
}
