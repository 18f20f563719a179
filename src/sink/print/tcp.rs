//! TCP (tcpdump's print-tcp.c): flags, sequence numbers relative to the start of the conversation, window,
//! options and payload length.

use foldhash::HashMap;

use super::{
    Line, PrintState,
    address::IpAddress,
    application::Application,
    captured::{Captured, Printed, Truncated},
    checksum,
    ip::{IpEnvelope, PROTOCOL_TCP},
    mptcp, nfs,
};

const MIN_HEADER_LEN: usize = 20;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const RST: u8 = 0x04;
const URG: u8 = 0x20;
const ACK: u8 = 0x10;
/// The flags and their letters, in the order tcpdump writes them.
const FLAG_LETTERS: [(u8, char); 8] =
    [(FIN, 'F'), (SYN, 'S'), (RST, 'R'), (0x08, 'P'), (ACK, '.'), (URG, 'U'), (0x40, 'E'), (0x80, 'W')];

/// Prints a TCP segment: `bytes` were captured, `length` is the segment's length as the IP header gives it.
pub(super) fn print(
    line: &mut Line,
    state: &mut PrintState,
    bytes: &[u8],
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let mut tcp = Captured::new(bytes, "tcp");
    if !tcp.has(0, 4) {
        envelope.print_addresses(line);
        return Err(tcp.truncated());
    }
    let source_port = tcp.be16(0)?;
    let destination_port = tcp.be16(2)?;
    envelope.print_endpoints(line, source_port, destination_port);
    tcp.check(0, MIN_HEADER_LEN)?;
    let header_len = usize::from(tcp.u8(12)? >> 4) * 4;
    if header_len < MIN_HEADER_LEN {
        line.put(format_args!(
            " tcp {} [bad hdr length {header_len} - too short, < {MIN_HEADER_LEN}]",
            length.wrapping_sub(header_len as u32)
        ));
        return Ok(());
    }
    let seq = tcp.be32(4)?;
    let ack = tcp.be32(8)?;
    let window = tcp.be16(14)?;
    let urgent = tcp.be16(18)?;
    let flags = tcp.u8(13)?;
    let decoding = state.decoding;
    if decoding.quick {
        line.put(format_args!("tcp {}", length.wrapping_sub(header_len as u32)));
        if header_len as u32 > length {
            print_too_long(line, header_len, length);
        }
        return Ok(());
    }
    line.push("Flags [");
    if flags == 0 {
        line.push("none");
    }
    for (flag, letter) in FLAG_LETTERS {
        if flags & flag != 0 {
            line.put(format_args!("{letter}"));
        }
    }
    line.push("]");

    let numbering = if flags & ACK != 0 && !decoding.absolute_tcp_sequence {
        state.tcp.numbering(envelope, source_port, destination_port, flags & SYN != 0, seq, ack)
    } else {
        Numbering::default()
    };
    let seq = seq.wrapping_sub(numbering.seq_origin);
    let ack = ack.wrapping_sub(numbering.ack_origin);
    if header_len as u32 > length {
        print_too_long(line, header_len, length);
        return Ok(());
    }
    // tcpdump checks the sum only of segments captured whole, and not of fragments, whose rest it does not have.
    if decoding.verbosity > 0 && !envelope.fragmented && tcp.has(0, length as usize) {
        let field = tcp.be16(16)?;
        line.put(format_args!(", cksum 0x{field:04x}"));
        let computed = checksum::with_pseudo_header(envelope, PROTOCOL_TCP, tcp.slice(0, length as usize)?);
        if computed == 0 {
            line.push(" (correct)");
        } else {
            line.put(format_args!(" (incorrect -> 0x{:04x})", checksum::expected(field, computed)));
        }
    }
    let payload_len = length - header_len as u32;
    if payload_len > 0 || flags & (SYN | FIN | RST) != 0 || decoding.verbosity > 1 {
        line.put(format_args!(", seq {seq}"));
        if payload_len > 0 {
            line.put(format_args!(":{}", seq.wrapping_add(payload_len)));
        }
    }
    if flags & ACK != 0 {
        line.put(format_args!(", ack {ack}"));
    }
    line.put(format_args!(", win {window}"));
    if flags & URG != 0 {
        line.put(format_args!(", urg {urgent}"));
    }
    if header_len > MIN_HEADER_LEN {
        let options = tcp.limit(header_len).next_layer(MIN_HEADER_LEN, "tcp");
        let context =
            OptionContext { sack_origin: numbering.sack_origin, segment: tcp, length: payload_len, header_len, flags };
        match print_options(line, options, header_len - MIN_HEADER_LEN, &context)? {
            OptionsEnd::Closed { cut_marker } => tcp = tcp.next_layer(0, cut_marker),
            OptionsEnd::Stopped => return Ok(()),
        }
    }
    line.put(format_args!(", length {payload_len}"));
    if payload_len > 0 && !tcp.has(0, header_len) {
        line.put(format_args!(" [remaining caplen({}) < header length({header_len})]", tcp.len()));
        return Err(tcp.abandoned());
    }
    let payload = tcp.limit(length as usize).rest(header_len);
    if flags & RST != 0 && decoding.verbosity > 0 && payload_len > 0 {
        print_reset_reason(line, payload, payload_len as usize);
    } else if payload_len > 0
        && let Some(application) = Application::for_tcp(decoding.packet_type, source_port, destination_port)
    {
        application.print(line, state, payload, payload_len, envelope)?;
    } else if payload_len > 0
        && decoding.packet_type.is_none()
        && (source_port == nfs::PORT || destination_port == nfs::PORT)
    {
        // Last of tcpdump's port checks.
        nfs::print_tcp(line, state, payload, payload_len, envelope, (source_port, destination_port))?;
    }
    Ok(())
}

/// ` [bad hdr length 60 - too long, > 40]`.
fn print_too_long(line: &mut Line, header_len: usize, length: u32) {
    line.put(format_args!(" [bad hdr length {header_len} - too long, > {length}]"));
}

/// tcpdump prints at most this many bytes of a reset's data.
const MAX_RESET_REASON_LEN: usize = 30;

/// ` [RST connection refused]`: the data of a reset, which RFC 1122 suggests may tell why, as text (-v). `data`
/// holds what was captured of its `len` bytes; `!` marks data not captured whole, `+` data longer than printed.
fn print_reset_reason(line: &mut Line, data: &[u8], len: usize) {
    line.push(if data.len() < len { " [!RST" } else { " [RST" });
    if len > MAX_RESET_REASON_LEN {
        line.push("+");
    }
    line.push(" ");
    line.put_escaped(data.get(..MAX_RESET_REASON_LEN).unwrap_or(data));
    line.push("]");
}

/// What option printing needs to know of the segment.
struct OptionContext<'a> {
    /// What SACK blocks are counted from.
    sack_origin: u32,
    segment: Captured<'a>,
    /// Payload length.
    length: u32,
    header_len: usize,
    /// The segment's flags: MPTCP's options take their form from them.
    flags: u8,
}

enum OptionsEnd {
    /// `]` closed the list; the line goes on, a cut in the rest of the segment marked with `cut_marker`.
    Closed { cut_marker: &'static str },
    /// tcpdump gave up on a malformed or cut-off option, and on the rest of the line.
    Stopped,
}

const OPTION_EOL: u8 = 0;
const OPTION_NOP: u8 = 1;
const OPTION_MSS: u8 = 2;
const OPTION_WINDOW_SCALE: u8 = 3;
const OPTION_SACK_PERMITTED: u8 = 4;
const OPTION_SACK: u8 = 5;
const OPTION_ECHO: u8 = 6;
const OPTION_ECHO_REPLY: u8 = 7;
const OPTION_TIMESTAMP: u8 = 8;
const OPTION_CC: u8 = 11;
const OPTION_CC_NEW: u8 = 12;
const OPTION_CC_ECHO: u8 = 13;
const OPTION_MD5_SIGNATURE: u8 = 19;
const OPTION_SCPS: u8 = 20;
const OPTION_USER_TIMEOUT: u8 = 28;
const OPTION_AUTHENTICATION: u8 = 29;
const OPTION_MPTCP: u8 = 30;
const OPTION_FAST_OPEN: u8 = 34;
const OPTION_EXPERIMENTAL: u8 = 254;
const MD5_SIGNATURE_LEN: usize = 16;
/// RFC 6994's experiment id for TCP Fast Open.
const FAST_OPEN_EXPERIMENT_ID: u16 = 0xf989;

/// tcpdump's name for an option kind; `None` for kinds it calls `unknown-N`.
fn option_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        OPTION_EOL => "eol",
        OPTION_NOP => "nop",
        OPTION_MSS => "mss",
        OPTION_WINDOW_SCALE => "wscale",
        OPTION_SACK_PERMITTED => "sackOK",
        OPTION_SACK => "sack",
        OPTION_ECHO => "echo",
        OPTION_ECHO_REPLY => "echoreply",
        OPTION_TIMESTAMP => "TS",
        OPTION_CC => "cc",
        OPTION_CC_NEW => "ccnew",
        OPTION_CC_ECHO => "",
        OPTION_MD5_SIGNATURE => "md5",
        OPTION_SCPS => "scps",
        OPTION_USER_TIMEOUT => "uto",
        OPTION_AUTHENTICATION => "tcp-ao",
        OPTION_MPTCP => "mptcp",
        OPTION_FAST_OPEN => "tfo",
        OPTION_EXPERIMENTAL => "exp",
        _ => return None,
    })
}

/// Why an option's data could not be printed.
pub(super) enum OptionFailure {
    /// The option claims more bytes than the header has left: tcpdump's `[bad opt]`.
    Bad,
    /// Its bytes were not captured.
    Truncated,
}

/// `, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]`. `options` holds the `remaining` bytes after the
/// fixed header (as far as captured).
fn print_options(
    line: &mut Line,
    mut options: Captured,
    mut remaining: usize,
    context: &OptionContext,
) -> Result<OptionsEnd, Truncated> {
    line.push(", options [");
    let mut offset = 0;
    let mut first = true;
    while remaining > 0 {
        if !first {
            line.push(",");
        }
        let kind = options.u8(offset)?;
        offset += 1;
        let has_length_byte = !matches!(kind, OPTION_EOL | OPTION_NOP);
        let mut option_len = 1;
        if has_length_byte {
            option_len = usize::from(options.u8(offset)?);
            offset += 1;
            if option_len < 2 || option_len > remaining {
                return Ok(stop_bad(line, first));
            }
            remaining -= 1;
        }
        remaining -= 1;
        match option_name(kind) {
            Some(name) => line.push(name),
            None => line.put(format_args!("unknown-{kind}")),
        }
        let data = OptionData { bytes: options, start: offset, remaining };
        let data_len = match print_option_data(line, kind, option_len, &data, context) {
            Ok(data_len) => data_len,
            Err(OptionFailure::Bad) => return Ok(stop_bad(line, first)),
            Err(OptionFailure::Truncated) => {
                options.truncated().print(line);
                if !first {
                    line.push(">");
                }
                return Ok(OptionsEnd::Stopped);
            }
        };
        offset += data_len;
        remaining = remaining.saturating_sub(data_len);
        if kind == OPTION_MPTCP {
            // tcpdump's MPTCP printer leaves its name as the one a later cut in the segment is marked with.
            options = options.next_layer(0, "mptcp");
        }
        let printed_len = data_len + if has_length_byte { 2 } else { 1 };
        if printed_len != option_len {
            line.put(format_args!("[len {option_len}]"));
        }
        first = false;
        if kind == OPTION_EOL {
            break;
        }
    }
    line.push("]");
    Ok(OptionsEnd::Closed { cut_marker: options.truncated().protocol })
}

/// `[bad opt]`, closing the list only if an option came before (as tcpdump does).
fn stop_bad(line: &mut Line, first: bool) -> OptionsEnd {
    line.push("[bad opt]");
    if !first {
        line.push("]");
    }
    OptionsEnd::Stopped
}

impl From<Truncated> for OptionFailure {
    fn from(_: Truncated) -> Self {
        OptionFailure::Truncated
    }
}

/// The data of one option: from `start` in `bytes`, with `remaining` bytes of header left.
struct OptionData<'a> {
    bytes: Captured<'a>,
    start: usize,
    remaining: usize,
}

impl OptionData<'_> {
    /// Checks that `len` bytes of data are within the header and were captured (tcpdump's LENCHECK).
    fn check(&self, len: usize) -> Result<(), OptionFailure> {
        if len > self.remaining {
            return Err(OptionFailure::Bad);
        }
        self.bytes.check(self.start, len).map_err(|_| OptionFailure::Truncated)
    }

    fn u8(&self, offset: usize) -> Result<u8, OptionFailure> {
        self.bytes.u8(self.start + offset).map_err(|_| OptionFailure::Truncated)
    }

    fn be16(&self, offset: usize) -> Result<u16, OptionFailure> {
        self.bytes.be16(self.start + offset).map_err(|_| OptionFailure::Truncated)
    }

    fn be32(&self, offset: usize) -> Result<u32, OptionFailure> {
        self.bytes.be32(self.start + offset).map_err(|_| OptionFailure::Truncated)
    }

    /// Checks and prints `len` bytes of data in hex, without separators.
    fn print_hex(&self, line: &mut Line, range: std::ops::Range<usize>) -> Result<(), OptionFailure> {
        for index in range {
            self.check(index + 1)?;
            line.put(format_args!("{:02x}", self.u8(index)?));
        }
        Ok(())
    }
}

/// Prints what follows an option's name; returns how many data bytes tcpdump takes the option to have.
fn print_option_data(
    line: &mut Line,
    kind: u8,
    option_len: usize,
    data: &OptionData,
    context: &OptionContext,
) -> Result<usize, OptionFailure> {
    // What the length byte announces; options of fixed form take their own size instead.
    let declared = option_len.saturating_sub(2);
    let data_len = match kind {
        OPTION_EOL | OPTION_NOP | OPTION_SACK_PERMITTED => 0,
        OPTION_MSS => {
            data.check(2)?;
            line.put(format_args!(" {}", data.be16(0)?));
            2
        }
        OPTION_WINDOW_SCALE => {
            data.check(1)?;
            line.put(format_args!(" {}", data.u8(0)?));
            1
        }
        OPTION_SACK => {
            if !declared.is_multiple_of(8) {
                line.push(" invalid sack");
            } else {
                line.put(format_args!(" {} ", declared / 8));
                for block in (0..declared).step_by(8) {
                    data.check(block + 4)?;
                    let start = data.be32(block)?;
                    data.check(block + 8)?;
                    let end = data.be32(block + 4)?;
                    line.put(format_args!(
                        "{{{}:{}}}",
                        start.wrapping_sub(context.sack_origin),
                        end.wrapping_sub(context.sack_origin)
                    ));
                }
            }
            declared
        }
        OPTION_CC | OPTION_CC_NEW | OPTION_CC_ECHO | OPTION_ECHO | OPTION_ECHO_REPLY => {
            data.check(4)?;
            line.put(format_args!(" {}", data.be32(0)?));
            4
        }
        OPTION_TIMESTAMP => {
            data.check(8)?;
            line.put(format_args!(" val {} ecr {}", data.be32(0)?, data.be32(4)?));
            8
        }
        OPTION_MD5_SIGNATURE => {
            data.check(MD5_SIGNATURE_LEN)?;
            // tcpdump can verify the signature only with the secret (-M), which ptstat never has.
            let payload_captured = context.segment.has(context.header_len, context.length as usize);
            line.push(if payload_captured { " shared secret not supplied with -M, " } else { " snaplen too short, " });
            line.push("can't check - ");
            data.print_hex(line, 0..MD5_SIGNATURE_LEN)?;
            MD5_SIGNATURE_LEN
        }
        OPTION_SCPS => {
            data.check(2)?;
            line.put(format_args!(" cap {:02x} id {}", data.u8(0)?, data.u8(1)?));
            2
        }
        OPTION_AUTHENTICATION => {
            if declared < 2 {
                line.push(" (invalid)");
            } else {
                data.check(1)?;
                line.put(format_args!(" keyid {}", data.u8(0)?));
                data.check(2)?;
                line.put(format_args!(" rnextkeyid {}", data.u8(1)?));
                if declared > 2 {
                    line.push(" mac 0x");
                    data.print_hex(line, 2..declared)?;
                }
            }
            declared
        }
        OPTION_USER_TIMEOUT => {
            data.check(2)?;
            let value = data.be16(0)?;
            // The low bit says whether the rest counts minutes or seconds.
            let seconds = if value & 1 != 0 { u32::from(value >> 1) * 60 } else { u32::from(value >> 1) };
            line.put(format_args!(" 0x{value:x} {seconds}"));
            2
        }
        OPTION_FAST_OPEN => {
            data.check(declared)?;
            line.push(" ");
            print_fast_open_cookie(line, data, 0, declared)?;
            declared
        }
        OPTION_EXPERIMENTAL => {
            data.check(declared)?;
            if declared < 2 {
                return Err(OptionFailure::Bad);
            }
            let experiment = data.be16(0)?;
            line.push("-");
            if experiment == FAST_OPEN_EXPERIMENT_ID {
                line.push("tfo");
                print_fast_open_cookie(line, data, 2, declared - 2)?;
            } else {
                line.put(format_args!("{experiment:04x}"));
            }
            declared
        }
        OPTION_MPTCP => {
            data.check(declared)?;
            let option = data.bytes.slice(data.start.saturating_sub(2), option_len)?;
            mptcp::print_option(line, Captured::new(option, "mptcp"), context.flags)?;
            declared
        }
        // Unknown kinds: the data in hex.
        _ => {
            if declared > 0 {
                line.push(" 0x");
            }
            data.print_hex(line, 0..declared)?;
            declared
        }
    };
    Ok(data_len)
}

/// ` cookiereq`, ` cookie 0123abcd`, or ` (invalid)`: the cookie is `len` bytes at `start` (already checked).
fn print_fast_open_cookie(line: &mut Line, data: &OptionData, start: usize, len: usize) -> Result<(), OptionFailure> {
    if len == 0 {
        line.push(" cookiereq");
    } else if !len.is_multiple_of(2) || !(4..=16).contains(&len) {
        line.push(" (invalid)");
    } else {
        line.push(" cookie ");
        data.print_hex(line, start..start + len)?;
    }
    Ok(())
}

/// tcpdump's memory of conversations' initial sequence numbers, so that later segments show numbers relative to
/// them. It forgets everything once it holds this many, so that a long capture cannot exhaust memory; a
/// conversation seen after that prints absolute numbers once, like a new one.
const MAX_CONVERSATIONS: usize = 1 << 20;

/// Initial sequence numbers by conversation, as tcpdump keeps them.
#[derive(Default)]
pub(super) struct Conversations {
    bases: HashMap<Conversation, SequenceBases>,
}

/// Both directions of a TCP connection share one entry: the endpoint with the lower port (then the lower
/// address) comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Conversation {
    first: IpAddress,
    second: IpAddress,
    /// First port in the high half, second in the low.
    ports: u32,
}

impl Conversation {
    /// The conversation a segment belongs to, and whether it goes from the second endpoint to the first.
    fn of_segment(envelope: &IpEnvelope, source_port: u16, destination_port: u16) -> (Self, bool) {
        let reversed = source_port > destination_port
            || (source_port == destination_port && envelope.source > envelope.destination);
        let (first, second, first_port, second_port) = if reversed {
            (envelope.destination, envelope.source, destination_port, source_port)
        } else {
            (envelope.source, envelope.destination, source_port, destination_port)
        };
        let ports = u32::from(first_port) << 16 | u32::from(second_port);
        (Conversation { first, second, ports }, reversed)
    }
}

/// The sequence numbers a conversation's numbers count from: `seq` for the first endpoint's, `ack` for the
/// second's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SequenceBases {
    seq: u32,
    ack: u32,
}

/// What tcpdump subtracts from a segment's numbers before printing them (zero: printed as they are).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Numbering {
    seq_origin: u32,
    ack_origin: u32,
    /// SACK blocks acknowledge the other side's data, so they count from its first number: even in the segment
    /// that starts a conversation's numbering, whose own numbers print as they are.
    sack_origin: u32,
}

impl Conversations {
    /// For a segment with ACK set: the numbering of its conversation, first remembered (again, on SYN) by this
    /// segment if need be.
    fn numbering(
        &mut self,
        envelope: &IpEnvelope,
        source_port: u16,
        destination_port: u16,
        syn: bool,
        seq: u32,
        ack: u32,
    ) -> Numbering {
        let (conversation, reversed) = Conversation::of_segment(envelope, source_port, destination_port);
        if !syn && let Some(bases) = self.bases.get(&conversation) {
            let (seq_origin, ack_origin) = if reversed { (bases.ack, bases.seq) } else { (bases.seq, bases.ack) };
            return Numbering { seq_origin, ack_origin, sack_origin: ack_origin };
        }
        let bases = if reversed {
            SequenceBases { seq: ack.wrapping_sub(1), ack: seq }
        } else {
            SequenceBases { seq, ack: ack.wrapping_sub(1) }
        };
        if self.bases.len() >= MAX_CONVERSATIONS && !self.bases.contains_key(&conversation) {
            self.bases.clear();
        }
        self.bases.insert(conversation, bases);
        Numbering { seq_origin: 0, ack_origin: 0, sack_origin: ack.wrapping_sub(1) }
    }
}
