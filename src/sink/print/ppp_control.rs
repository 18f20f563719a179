//! PPP's control protocols (part of tcpdump's print-ppp.c): LCP, IPCP, IP6CP and the others sharing their packet
//! format, `LCP, Conf-Request (0x01), id 1, length 20`; at -v the encoded length and the configuration options
//! or the data the code carries, and at -vv each option's bytes in hex as well.

use super::{
    Line,
    address::LinkAddress,
    captured::{Captured, Printed, Truncated},
    hexdump, oui,
    ppp::{
        self, PROTOCOL_BACP, PROTOCOL_CCP, PROTOCOL_CHAP, PROTOCOL_EAP, PROTOCOL_IP6CP, PROTOCOL_IPCP, PROTOCOL_LCP,
        PROTOCOL_LQM,
    },
};

const VENDOR_EXTENSION: u8 = 0;
const CONFIGURE_REQUEST: u8 = 1;
const CONFIGURE_REJECT: u8 = 4;
const TERMINATE_REQUEST: u8 = 5;
const CODE_REJECT: u8 = 7;
const PROTOCOL_REJECT: u8 = 8;
const ECHO_REQUEST: u8 = 9;
const DISCARD_REQUEST: u8 = 11;
const IDENTIFICATION: u8 = 12;
const TIME_REMAINING: u8 = 13;
/// Code, identifier and length.
const HEADER_LEN: u32 = 4;
/// Option type and length.
const OPTION_HEADER_LEN: u32 = 2;
const OPTIONS_INDENT: &str = "\n\t    ";

/// Prints a control packet of `protocol` (named by tcpdump) that is `length` bytes long; `from_protocol` starts
/// two bytes before its code, where the hex dumps start.
pub(super) fn print(line: &mut Line, verbosity: u8, protocol: u16, from_protocol: Captured, length: u32) -> Printed {
    let name = ppp::protocol_name(protocol).unwrap_or_default();
    line.put(format_args!("{name}, "));
    let packet = from_protocol.next_layer(2, "ppp");
    if length < HEADER_LEN || !packet.has(0, 2) {
        line.put(format_args!("[|{name}]"));
        return Ok(());
    }
    let code = packet.u8(0)?;
    line.put(format_args!("{} (0x{code:02x}), id {}, length {}", code_name(code), packet.u8(1)?, length + 2));
    if verbosity == 0 {
        return Ok(());
    }
    let encoded = u32::from(packet.be16(2)?);
    if encoded < HEADER_LEN {
        line.put(format_args!("\n\tencoded length {encoded} (< 4))"));
        return Ok(());
    }
    if encoded > length {
        line.put(format_args!("\n\tencoded length {encoded} (> packet length {length}))"));
        return Ok(());
    }
    line.put(format_args!("\n\tencoded length {encoded} (=Option(s) length {})", encoded - HEADER_LEN));
    if encoded == HEADER_LEN {
        return Ok(());
    }
    if verbosity > 1 {
        hexdump::hex(line, from_protocol.limit(6).bytes());
    }
    let data = packet.next_layer(HEADER_LEN as usize, "ppp");
    match code {
        VENDOR_EXTENSION if encoded >= 11 => {
            line.put(format_args!("\n\t  Magic-Num 0x{:08x}", data.be32(0)?));
            print_vendor(line, "", data, 4)?;
        }
        CONFIGURE_REQUEST..=CONFIGURE_REJECT => print_options(line, verbosity, protocol, data, encoded)?,
        VENDOR_EXTENSION | TERMINATE_REQUEST..=CODE_REJECT => {}
        PROTOCOL_REJECT if encoded >= 6 => {
            let rejected = data.be16(0)?;
            line.put(format_args!(
                "\n\t  Rejected {} Protocol (0x{rejected:04x})",
                ppp::protocol_name(rejected).unwrap_or("unknown")
            ));
            if encoded > 6 {
                line.push("\n\t  Rejected Packet");
                // tcpdump dumps two bytes more than the packet holds, if they were captured.
                hexdump::hex_indented(
                    line,
                    OPTIONS_INDENT,
                    data.next_layer(2, "ppp").limit(encoded as usize - 2).bytes(),
                );
            }
        }
        ECHO_REQUEST..=DISCARD_REQUEST if encoded >= 8 => {
            line.put(format_args!("\n\t  Magic-Num 0x{:08x}", data.be32(0)?));
            if encoded > 8 {
                line.push("\n\t  -----trailing data-----");
                let trailing_len = encoded as usize - 8;
                if !data.has(4, trailing_len) {
                    line.put(format_args!("[|{name}]"));
                    return Ok(());
                }
                hexdump::hex_indented(line, "\n\t  ", data.slice(4, trailing_len)?);
            }
        }
        IDENTIFICATION if encoded >= 8 => {
            line.put(format_args!("\n\t  Magic-Num 0x{:08x}", data.be32(0)?));
            if encoded > 8 {
                line.push("\n\t  Message\n\t    ");
                // tcpdump prints four bytes more than the message has, as far as they were captured.
                let message = data.next_layer(4, "ppp");
                let message_len = encoded as usize - HEADER_LEN as usize;
                line.put_escaped(message.limit(message_len).bytes());
                if message.len() < message_len {
                    line.put(format_args!("[|{name}]"));
                }
            }
        }
        TIME_REMAINING if encoded >= 12 => {
            line.put(format_args!("\n\t  Magic-Num 0x{:08x}", data.be32(0)?));
            line.put(format_args!(", Seconds-Remaining {}s", data.be32(4)?));
        }
        PROTOCOL_REJECT..=TIME_REMAINING => {}
        _ => {
            if verbosity <= 1 {
                hexdump::hex_indented(line, "\n\t  ", from_protocol.limit(encoded as usize + 2).bytes());
            }
        }
    }
    Ok(())
}

/// tcpdump's names of the codes.
fn code_name(code: u8) -> &'static str {
    match code {
        VENDOR_EXTENSION => "Vendor-Extension",
        CONFIGURE_REQUEST => "Conf-Request",
        2 => "Conf-Ack",
        3 => "Conf-Nack",
        CONFIGURE_REJECT => "Conf-Reject",
        TERMINATE_REQUEST => "Term-Request",
        6 => "Term-Ack",
        CODE_REJECT => "Code-Reject",
        PROTOCOL_REJECT => "Prot-Reject",
        ECHO_REQUEST => "Echo-Request",
        10 => "Echo-Reply",
        DISCARD_REQUEST => "Disc-Req",
        IDENTIFICATION => "Ident",
        TIME_REMAINING => "Time-Rem",
        14 => "Reset-Req",
        15 => "Reset-Ack",
        _ => "Unknown Opcode",
    }
}

/// A printer of one configuration option: it gets the options from this one on and the packet's encoded
/// length (tcpdump bounds each option by that, not by what is left), and returns the option's length, 0 to stop.
type OptionPrinter = fn(&mut Line, u8, Captured, u32) -> Result<u32, Truncated>;

/// The configuration options of a Configure-Request, -Ack, -Nak or -Reject; tcpdump prints those of LCP, IPCP,
/// IP6CP, CCP and BACP only.
fn print_options(line: &mut Line, verbosity: u8, protocol: u16, options: Captured, encoded: u32) -> Printed {
    let print_option: OptionPrinter = match protocol {
        PROTOCOL_LCP => print_lcp_option,
        PROTOCOL_IPCP => print_ipcp_option,
        PROTOCOL_IP6CP => print_ip6cp_option,
        PROTOCOL_CCP => print_ccp_option,
        PROTOCOL_BACP => print_bacp_option,
        _ => return Ok(()),
    };
    let mut remaining = encoded - HEADER_LEN;
    let mut offset = 0;
    while remaining != 0 {
        let advance = print_option(line, verbosity, options.next_layer(offset, "ppp"), encoded)?;
        if advance == 0 {
            break;
        }
        if remaining < advance {
            line.put(format_args!(" [remaining options length {remaining} < {advance}] (invalid)"));
            break;
        }
        remaining -= advance;
        offset += advance as usize;
    }
    Ok(())
}

/// An option's type and length, or `None` where tcpdump stops: the option would not fit in `encoded`, or its
/// first two bytes were not captured (then with `marker`, tcpdump's `[|lcp]`).
fn option_header(
    line: &mut Line,
    option: Captured,
    encoded: u32,
    marker: &str,
) -> Result<Option<(u8, u32)>, Truncated> {
    if encoded < OPTION_HEADER_LEN {
        return Ok(None);
    }
    if !option.has(0, 2) {
        line.push(marker);
        return Ok(None);
    }
    let (kind, len) = (option.u8(0)?, u32::from(option.u8(1)?));
    Ok((encoded >= len).then_some((kind, len)))
}

/// `\n\t  MRU Option (0x01), length 4`, with tcpdump's complaint if the length is below the option header's.
fn print_option_name(line: &mut Line, name: &str, kind: u8, len: u32) {
    line.put(format_args!("\n\t  {name} Option (0x{kind:02x}), length {len}"));
    if len < OPTION_HEADER_LEN {
        line.push(" (length bogus, should be >= 2)");
    }
}

/// The option's value in hex, as tcpdump dumps it at -vv (and at any verbosity for options it cannot decode).
fn dump_value(line: &mut Line, option: Captured, len: u32) {
    hexdump::hex_indented(line, OPTIONS_INDENT, option.next_layer(2, "ppp").limit(len as usize - 2).bytes());
}

/// The length an option has to have: if it has another, tcpdump's complaint and what tcpdump returns then (the
/// option's length to go on if `goes_on`, else 0 to stop).
fn expect_len(line: &mut Line, len: u32, wanted: u32, goes_on: bool) -> Option<u32> {
    (len != wanted).then(|| {
        line.put(format_args!(" (length bogus, should be = {wanted})"));
        if goes_on { len } else { 0 }
    })
}

/// The minimum length an option has to have, like [`expect_len`].
fn expect_min_len(line: &mut Line, len: u32, minimum: u32, goes_on: bool) -> Option<u32> {
    (len < minimum).then(|| {
        line.put(format_args!(" (length bogus, should be >= {minimum})"));
        if goes_on { len } else { 0 }
    })
}

const LCP_OPTION_NAMES: [&str; 31] = [
    "Vend-Ext",
    "MRU",
    "ACCM",
    "Auth-Prot",
    "Qual-Prot",
    "Magic-Num",
    "deprecated(6)",
    "PFC",
    "ACFC",
    "FCS-Alt",
    "SDP",
    "Num-Mode",
    "deprecated(12)",
    "Call-Back",
    "deprecated(14)",
    "deprecated(15)",
    "deprecated(16)",
    "MRRU",
    "12-Bit seq #",
    "End-Disc",
    "Proprietary",
    "DCE-Id",
    "MP+",
    "Link-Disc",
    "LCP-Auth-Opt",
    "COBS",
    "Prefix-elision",
    "Multilink-header-Form",
    "I18N",
    "SDL-over-SONET/SDH",
    "PPP-Muxing",
];
const LCP_MRU: u8 = 1;
const LCP_ACCM: u8 = 2;
const LCP_AUTHENTICATION: u8 = 3;
const LCP_QUALITY: u8 = 4;
const LCP_MAGIC_NUMBER: u8 = 5;
const LCP_PROTOCOL_COMPRESSION: u8 = 7;
const LCP_ADDRESS_COMPRESSION: u8 = 8;
const LCP_CALLBACK: u8 = 13;
const LCP_MRRU: u8 = 17;
const LCP_ENDPOINT_DISCRIMINATOR: u8 = 19;
const LCP_LINK_DISCRIMINATOR: u8 = 23;

fn print_lcp_option(line: &mut Line, verbosity: u8, option: Captured, encoded: u32) -> Result<u32, Truncated> {
    let Some((kind, len)) = option_header(line, option, encoded, "[|lcp]")? else {
        return Ok(0);
    };
    let Some(name) = LCP_OPTION_NAMES.get(usize::from(kind)) else {
        line.put(format_args!("\n\tunknown LCP option 0x{kind:02x}"));
        return Ok(if len < OPTION_HEADER_LEN { 0 } else { len });
    };
    print_option_name(line, name, kind, len);
    if len < OPTION_HEADER_LEN {
        return Ok(0);
    }
    match kind {
        VENDOR_EXTENSION => {
            if let Some(advance) = expect_min_len(line, len, 6, true) {
                return Ok(advance);
            }
            print_vendor(line, ":", option, 2)?;
        }
        LCP_MRU | LCP_MRRU => {
            if let Some(advance) = expect_len(line, len, 4, kind == LCP_MRU) {
                return Ok(advance);
            }
            line.put(format_args!(": {}", option.be16(2)?));
        }
        LCP_ACCM | LCP_MAGIC_NUMBER => {
            if let Some(advance) = expect_len(line, len, 6, kind == LCP_ACCM) {
                return Ok(advance);
            }
            line.put(format_args!(": 0x{:08x}", option.be32(2)?));
        }
        LCP_AUTHENTICATION => {
            if let Some(advance) = expect_min_len(line, len, 4, true) {
                return Ok(advance);
            }
            print_authentication(line, option, len)?;
        }
        LCP_QUALITY => {
            if let Some(advance) = expect_min_len(line, len, 4, false) {
                return Ok(advance);
            }
            line.push(if option.be16(2)? == PROTOCOL_LQM { ": LQR" } else { ": unknown" });
        }
        LCP_PROTOCOL_COMPRESSION | LCP_ADDRESS_COMPRESSION => {}
        LCP_LINK_DISCRIMINATOR => {
            if let Some(advance) = expect_len(line, len, 4, false) {
                return Ok(advance);
            }
            line.put(format_args!(": 0x{:04x}", option.be16(2)?));
        }
        LCP_CALLBACK => {
            if let Some(advance) = expect_min_len(line, len, 3, false) {
                return Ok(advance);
            }
            line.push(": ");
            let operation = option.u8(2)?;
            line.put(format_args!(": Callback Operation {} ({operation})", callback_name(operation)));
        }
        LCP_ENDPOINT_DISCRIMINATOR => {
            if let Some(advance) = expect_min_len(line, len, 3, false) {
                return Ok(advance);
            }
            if let Some(advance) = print_endpoint_discriminator(line, option, len)? {
                return Ok(advance);
            }
        }
        _ => print_undecoded(line, verbosity, option, len),
    }
    Ok(finish_option(line, verbosity, option, len))
}

/// After an option's value: its bytes at -vv; its length, to go on with the next option.
fn finish_option(line: &mut Line, verbosity: u8, option: Captured, len: u32) -> u32 {
    if verbosity > 1 {
        dump_value(line, option, len);
    }
    len
}

/// An option tcpdump does not decode: its bytes, unless [`finish_option`] dumps them anyway.
fn print_undecoded(line: &mut Line, verbosity: u8, option: Captured, len: u32) {
    if verbosity < 2 {
        dump_value(line, option, len);
    }
}

/// `prefix` and ` Vendor: Cisco (12)`: the OUI at `offset` (nothing if it was not captured whole).
fn print_vendor(line: &mut Line, prefix: &str, bytes: Captured, offset: usize) -> Printed {
    let oui = u32::from_be_bytes([0, bytes.u8(offset)?, bytes.u8(offset + 1)?, bytes.u8(offset + 2)?]);
    line.put(format_args!("{prefix} Vendor: {} ({oui})", oui::name(oui).unwrap_or("Unknown")));
    Ok(())
}

/// `: CHAP, MD5`: the authentication protocol an LCP option asks for.
fn print_authentication(line: &mut Line, option: Captured, len: u32) -> Result<(), Truncated> {
    let protocol = option.be16(2)?;
    line.put(format_args!(": {}", ppp::protocol_name(protocol).unwrap_or("Unknown Auth Proto (0x04x)")));
    match protocol {
        PROTOCOL_CHAP => {
            let algorithm = option.u8(4)?;
            match algorithm {
                5 => line.push(", MD5"),
                0x80 => line.push(", MS-CHAPv1"),
                0x81 => line.push(", MS-CHAPv2"),
                other => line.put(format_args!(", Unknown Auth Alg {other}")),
            }
        }
        ppp::PROTOCOL_PAP | PROTOCOL_EAP | ppp::PROTOCOL_SPAP | ppp::PROTOCOL_SPAP_OLD => {}
        _ => hexdump::hex(line, option.limit(len as usize).bytes()),
    }
    Ok(())
}

fn callback_name(operation: u8) -> &'static str {
    match operation {
        0 => "UserAuth",
        1 => "DialString",
        2 => "LocalID",
        3 => "E.164",
        4 => "X.500",
        6 => "CBCP",
        _ => "Unknown",
    }
}

/// The multilink endpoint discriminator: its class, and the address of the classes that have one.
fn print_endpoint_discriminator(line: &mut Line, option: Captured, len: u32) -> Result<Option<u32>, Truncated> {
    match option.u8(2)? {
        0 => line.push(": Null"),
        1 => line.push(": Local"),
        2 => {
            if let Some(advance) = expect_len(line, len, 7, false) {
                return Ok(Some(advance));
            }
            line.put(format_args!(": IPv4 {}", option.ipv4(3)?));
        }
        3 => {
            if let Some(advance) = expect_len(line, len, 9, false) {
                return Ok(Some(advance));
            }
            line.put(format_args!(": MAC {}", LinkAddress(option.slice(3, 6)?)));
        }
        4 => line.push(": Magic-Num-Block"),
        5 => line.push(": PSNDN"),
        other => line.put(format_args!(": Unknown class {other}")),
    }
    Ok(None)
}

const IPCP_ADDRESSES: u8 = 1;
const IPCP_COMPRESSION: u8 = 2;
const IPCP_ADDRESS: u8 = 3;
const IPCP_HOME_ADDRESS: u8 = 4;
const IPCP_PRIMARY_DNS: u8 = 129;
const IPCP_SECONDARY_NBNS: u8 = 132;
const VAN_JACOBSON: u16 = 0x002d;
const HEADER_COMPRESSION: u16 = 0x61;
/// Header compression's option up to its suboptions.
const HEADER_COMPRESSION_LEN: u32 = 14;

fn ipcp_option_name(kind: u8) -> &'static str {
    match kind {
        IPCP_ADDRESSES => "IP-Addrs",
        IPCP_COMPRESSION => "IP-Comp",
        IPCP_ADDRESS => "IP-Addr",
        IPCP_HOME_ADDRESS => "Home-Addr",
        IPCP_PRIMARY_DNS => "Pri-DNS",
        130 => "Pri-NBNS",
        131 => "Sec-DNS",
        IPCP_SECONDARY_NBNS => "Sec-NBNS",
        _ => "unknown",
    }
}

fn print_ipcp_option(line: &mut Line, verbosity: u8, option: Captured, encoded: u32) -> Result<u32, Truncated> {
    let Some((kind, len)) = option_header(line, option, encoded, "[|ipcp]")? else {
        return Ok(0);
    };
    print_option_name(line, ipcp_option_name(kind), kind, len);
    if len < OPTION_HEADER_LEN {
        return Ok(0);
    }
    match kind {
        IPCP_ADDRESSES => {
            if let Some(advance) = expect_len(line, len, 10, true) {
                return Ok(advance);
            }
            line.put(format_args!(": src {}, dst {}", option.ipv4(2)?, option.ipv4(6)?));
        }
        IPCP_COMPRESSION => {
            if let Some(advance) = expect_min_len(line, len, 4, false) {
                return Ok(advance);
            }
            return match print_ip_compression(line, option, len)? {
                // tcpdump dumps the bytes after where its walk through the suboptions ended.
                Ok(moved_to) if verbosity > 1 && !option.has(moved_to + 2, 0) => {
                    line.push(OPTIONS_INDENT);
                    line.push("Dissector error: print_unknown_data called with pointer past end of packet");
                    Ok(len)
                }
                Ok(moved_to) => Ok(finish_option(line, verbosity, option.next_layer(moved_to, "ppp"), len)),
                Err(advance) => Ok(advance),
            };
        }
        IPCP_ADDRESS | IPCP_HOME_ADDRESS | IPCP_PRIMARY_DNS..=IPCP_SECONDARY_NBNS => {
            if let Some(advance) = expect_len(line, len, 6, false) {
                return Ok(advance);
            }
            line.put(format_args!(": {}", option.ipv4(2)?));
        }
        _ => print_undecoded(line, verbosity, option, len),
    }
    Ok(finish_option(line, verbosity, option, len))
}

/// IPCP's IP compression protocol option: Van Jacobson's (no parameters printed) or header compression with its
/// parameters and suboptions. Returns where tcpdump's walk through the suboptions ended (from the option's
/// start), or what tcpdump returns after a complaint.
fn print_ip_compression(line: &mut Line, option: Captured, len: u32) -> Result<Result<usize, u32>, Truncated> {
    let protocol = option.be16(2)?;
    let name = match protocol {
        VAN_JACOBSON => "VJ-Comp",
        HEADER_COMPRESSION => "IP Header Compression",
        _ => "Unknown",
    };
    line.put(format_args!(": {name} (0x{protocol:02x}):"));
    if protocol != HEADER_COMPRESSION {
        return Ok(Ok(0));
    }
    if let Some(advance) = expect_min_len(line, len, HEADER_COMPRESSION_LEN, false) {
        return Ok(Err(advance));
    }
    if !option.has(2, HEADER_COMPRESSION_LEN as usize) {
        line.push("[|ipcp]");
        return Ok(Err(0));
    }
    line.put(format_args!(
        "\n\t    TCP Space {}, non-TCP Space {}, maxPeriod {}, maxTime {}, maxHdr {}",
        option.be16(4)?,
        option.be16(6)?,
        option.be16(8)?,
        option.be16(10)?,
        option.be16(12)?
    ));
    if len == HEADER_COMPRESSION_LEN {
        return Ok(Ok(0));
    }
    let mut remaining = len - HEADER_COMPRESSION_LEN;
    let mut offset = HEADER_COMPRESSION_LEN as usize;
    line.put(format_args!("\n\t      Suboptions, length {remaining}"));
    while remaining >= 2 {
        if !option.has(offset, 2) {
            line.push("[|ipcp]");
            return Ok(Err(0));
        }
        let (suboption, suboption_len) = (option.u8(offset)?, u32::from(option.u8(offset + 1)?));
        if suboption == 0 || suboption_len == 0 {
            break;
        }
        let name = match suboption {
            1 => "RTP-Compression",
            2 => "Enhanced RTP-Compression",
            _ => "Unknown",
        };
        line.put(format_args!("\n\t\t{name} Suboption #{suboption}, length {suboption_len}"));
        if remaining < suboption_len {
            line.put(format_args!(" [remaining suboptions length {remaining} < {suboption_len}] (invalid)"));
            break;
        }
        remaining -= suboption_len;
        offset += suboption_len as usize;
    }
    Ok(Ok(offset))
}

const IP6CP_INTERFACE_ID: u8 = 1;

fn print_ip6cp_option(line: &mut Line, verbosity: u8, option: Captured, encoded: u32) -> Result<u32, Truncated> {
    let Some((kind, len)) = option_header(line, option, encoded, "[|ip6cp]")? else {
        return Ok(0);
    };
    let name = if kind == IP6CP_INTERFACE_ID { "Interface-ID" } else { "unknown" };
    print_option_name(line, name, kind, len);
    if len < OPTION_HEADER_LEN {
        return Ok(0);
    }
    if kind != IP6CP_INTERFACE_ID {
        print_undecoded(line, verbosity, option, len);
    } else if let Some(advance) = expect_len(line, len, 10, true) {
        return Ok(advance);
    } else if !option.has(2, 8) {
        line.push("[|ip6cp]");
        return Ok(0);
    } else {
        let id = [option.be16(2)?, option.be16(4)?, option.be16(6)?, option.be16(8)?];
        line.put(format_args!(": {:04x}:{:04x}:{:04x}:{:04x}", id[0], id[1], id[2], id[3]));
    }
    Ok(finish_option(line, verbosity, option, len))
}

const CCP_BSD_COMPRESS: u8 = 21;
const CCP_MAGNALINK: u8 = 24;
const CCP_DEFLATE: u8 = 26;

fn ccp_option_name(kind: u8) -> &'static str {
    match kind {
        0 => "OUI",
        1 => "Pred-1",
        2 => "Pred-2",
        3 => "Puddle",
        16 => "HP-PPC",
        17 => "Stac-LZS",
        18 => "MPPC",
        19 => "Gand-FZA",
        20 => "V.42bis",
        CCP_BSD_COMPRESS => "BSD-Comp",
        23 => "LZS-DCP",
        CCP_MAGNALINK => "MVRCA",
        25 => "DEC",
        CCP_DEFLATE => "Deflate",
        255 => "Reserved",
        _ => "Unknown",
    }
}

fn print_ccp_option(line: &mut Line, verbosity: u8, option: Captured, encoded: u32) -> Result<u32, Truncated> {
    let Some((kind, len)) = option_header(line, option, encoded, "[|ccp]")? else {
        return Ok(0);
    };
    print_option_name(line, ccp_option_name(kind), kind, len);
    if len < OPTION_HEADER_LEN {
        return Ok(0);
    }
    match kind {
        CCP_BSD_COMPRESS => {
            if let Some(advance) = expect_min_len(line, len, 3, true) {
                return Ok(advance);
            }
            let parameters = option.u8(2)?;
            line.put(format_args!(": Version: {}, Dictionary Bits: {}", parameters >> 5, parameters & 0x1f));
        }
        CCP_MAGNALINK => {
            if let Some(advance) = expect_min_len(line, len, 4, true) {
                return Ok(advance);
            }
            let (parameters, contexts) = (option.u8(2)?, option.u8(3)?);
            let packet_by_packet = if parameters & 0x20 != 0 { "Enabled" } else { "Disabled" };
            line.put(format_args!(
                ": Features: {}, PxP: {packet_by_packet}, History: {}, #CTX-ID: {contexts}",
                parameters >> 6,
                parameters & 0x1f
            ));
        }
        CCP_DEFLATE => {
            if let Some(advance) = expect_min_len(line, len, 4, true) {
                return Ok(advance);
            }
            let (window, check) = (option.u8(2)?, option.u8(3)?);
            let method = window & 0x0f;
            line.put(format_args!(
                ": Window: {}K, Method: {} (0x{method:x}), MBZ: {}, CHK: {}",
                window >> 4,
                if method == 8 { "zlib" } else { "unknown" },
                check >> 2,
                check & 0x03
            ));
        }
        _ => print_undecoded(line, verbosity, option, len),
    }
    Ok(finish_option(line, verbosity, option, len))
}

const BACP_FAVORED_PEER: u8 = 1;

fn print_bacp_option(line: &mut Line, verbosity: u8, option: Captured, encoded: u32) -> Result<u32, Truncated> {
    let Some((kind, len)) = option_header(line, option, encoded, "[|bacp]")? else {
        return Ok(0);
    };
    let name = if kind == BACP_FAVORED_PEER { "Favored-Peer" } else { "Unknown" };
    print_option_name(line, name, kind, len);
    if len < OPTION_HEADER_LEN {
        return Ok(0);
    }
    if kind != BACP_FAVORED_PEER {
        print_undecoded(line, verbosity, option, len);
    } else if let Some(advance) = expect_len(line, len, 6, true) {
        return Ok(advance);
    } else {
        line.put(format_args!(": Magic-Num 0x{:08x}", option.be32(2)?));
    }
    Ok(finish_option(line, verbosity, option, len))
}
