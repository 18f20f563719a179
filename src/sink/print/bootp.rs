//! BOOTP and DHCP (tcpdump's print-bootp.c), on UDP ports 67 and 68: `BOOTP/DHCP, Request from
//! 02:42:ac:11:00:02, length 300`; with -v the header's fields and the vendor area (RFC 1048 options, or CMU's
//! fixed layout) on lines of their own.

use super::{
    Line,
    address::{IpAddress, LinkAddress},
    captured::{Captured, Printed},
    hexdump,
};

const REQUEST: u8 = 1;
const REPLY: u8 = 2;
const HARDWARE_ETHERNET: u8 = 1;
const ETHERNET_ADDRESS_LEN: u8 = 6;
const BROADCAST_FLAG: u16 = 0x8000;

// Where the fixed header's fields lie.
const HARDWARE_TYPE: usize = 1;
const HARDWARE_LEN: usize = 2;
const HOPS: usize = 3;
const TRANSACTION_ID: usize = 4;
const SECONDS: usize = 8;
const FLAGS: usize = 10;
const CLIENT_IP: usize = 12;
const CLIENT_HARDWARE_ADDRESS: usize = 28;
const SERVER_NAME: usize = 44;
const SERVER_NAME_LEN: usize = 64;
const FILE: usize = 108;
const FILE_LEN: usize = 128;
const VENDOR: usize = 236;

/// The first four bytes of the vendor area say how the rest is laid out.
const RFC1048_COOKIE: [u8; 4] = [99, 130, 83, 99];
const CMU_COOKIE: [u8; 4] = *b"CMU\0";
/// CMU's flag that its subnet mask field holds a mask.
const CMU_SUBNET_MASK_VALID: u8 = 1;

// The options printed by code of their own.
const PAD: u8 = 0;
const END: u8 = 255;
const NETBIOS_NODE: u8 = 46;
const OPTION_OVERLOAD: u8 = 52;
const DHCP_MESSAGE: u8 = 53;
const PARAMETER_REQUEST: u8 = 55;
const CLIENT_ID: u8 = 61;
const USER_CLASS: u8 = 77;
const CLIENT_FQDN: u8 = 81;
const AGENT_INFORMATION: u8 = 82;
const CLASSLESS_STATIC_ROUTE: u8 = 121;
const CLASSLESS_STATIC_ROUTE_MICROSOFT: u8 = 249;

/// How an option's value is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// IPv4 addresses, comma-separated.
    Addresses,
    /// Pairs of IPv4 addresses: `(10.0.0.0:10.0.0.1)`.
    AddressPairs,
    Unsigned32,
    Signed32,
    Unsigned16,
    /// Decimal bytes joined by dots.
    Bytes,
    /// `Y`, `N`, or the value and `?`.
    Booleans,
    Text,
    /// An option with code of its own.
    Special,
}

/// tcpdump's name and format of option `tag`.
fn option(tag: u8) -> Option<(&'static str, Format)> {
    use Format::*;
    Some(match tag {
        PAD => ("PAD", Bytes),
        1 => ("Subnet-Mask", Addresses),
        2 => ("Time-Zone", Signed32),
        3 => ("Default-Gateway", Addresses),
        4 => ("Time-Server", Addresses),
        5 => ("IEN-Name-Server", Addresses),
        6 => ("Domain-Name-Server", Addresses),
        7 => ("LOG", Addresses),
        8 => ("CS", Addresses),
        9 => ("LPR-Server", Addresses),
        10 => ("IM", Addresses),
        11 => ("RL", Addresses),
        12 => ("Hostname", Text),
        13 => ("BS", Unsigned16),
        END => ("END", Bytes),
        14 => ("DP", Text),
        15 => ("Domain-Name", Text),
        16 => ("SS", Addresses),
        17 => ("RP", Text),
        18 => ("EP", Text),
        19 => ("IPF", Booleans),
        20 => ("SRT", Booleans),
        21 => ("PF", AddressPairs),
        22 => ("RSZ", Unsigned16),
        23 => ("TTL", Bytes),
        24 => ("MTU-Timeout", Unsigned32),
        25 => ("MTU-Table", Unsigned16),
        26 => ("MTU", Unsigned16),
        27 => ("LSN", Booleans),
        28 => ("BR", Addresses),
        29 => ("MD", Booleans),
        30 => ("MS", Booleans),
        31 => ("Router-Discovery", Booleans),
        32 => ("RSA", Addresses),
        33 => ("Static-Route", AddressPairs),
        34 => ("UT", Booleans),
        35 => ("AT", Unsigned32),
        36 => ("IE", Booleans),
        37 => ("TT", Bytes),
        38 => ("KI", Unsigned32),
        39 => ("KG", Booleans),
        40 => ("YD", Text),
        41 => ("YS", Addresses),
        42 => ("NTP", Addresses),
        43 => ("Vendor-Option", Bytes),
        44 => ("Netbios-Name-Server", Addresses),
        45 => ("WDD", Addresses),
        NETBIOS_NODE => ("Netbios-Node", Special),
        47 => ("Netbios-Scope", Text),
        48 => ("XFS", Addresses),
        49 => ("XDM", Addresses),
        64 => ("N+D", Unsigned16),
        65 => ("N+S", Addresses),
        68 => ("MH", Addresses),
        69 => ("SMTP", Addresses),
        70 => ("POP3", Addresses),
        71 => ("NNTP", Addresses),
        72 => ("WWW", Addresses),
        73 => ("FG", Addresses),
        74 => ("IRC", Addresses),
        75 => ("STS", Addresses),
        76 => ("STDA", Addresses),
        50 => ("Requested-IP", Addresses),
        51 => ("Lease-Time", Unsigned32),
        OPTION_OVERLOAD => ("OO", Special),
        66 => ("TFTP", Text),
        67 => ("BF", Text),
        DHCP_MESSAGE => ("DHCP-Message", Bytes),
        54 => ("Server-ID", Addresses),
        PARAMETER_REQUEST => ("Parameter-Request", Bytes),
        56 => ("MSG", Text),
        57 => ("MSZ", Unsigned16),
        58 => ("RN", Unsigned32),
        59 => ("RB", Unsigned32),
        60 => ("Vendor-Class", Text),
        CLIENT_ID => ("Client-ID", Special),
        98 => ("UAP", Text),
        116 => ("NOAUTO", Booleans),
        78 => ("SLP-DA", Bytes),
        79 => ("SLP-SCOPE", Bytes),
        117 => ("NSSEARCH", Unsigned16),
        USER_CLASS => ("User-Class", Special),
        118 => ("SUBNET", Addresses),
        CLASSLESS_STATIC_ROUTE => ("Classless-Static-Route", Special),
        CLASSLESS_STATIC_ROUTE_MICROSOFT => ("Classless-Static-Route-Microsoft", Special),
        150 => ("TFTP-Server-Address", Addresses),
        80 => ("SLP-NA", Text),
        CLIENT_FQDN => ("FQDN", Special),
        AGENT_INFORMATION => ("Agent-Information", Special),
        83 => ("ARMT", Bytes),
        88 => ("TZSTR", Text),
        89 => ("FQDNS", Bytes),
        90 => ("AUTH", Bytes),
        91 => ("Last-Transaction-Time", Signed32),
        92 => ("Associated-IP", Addresses),
        93 => ("ARCH", Unsigned16),
        94 => ("NDI", Bytes),
        97 => ("GUID", Bytes),
        95 => ("LDAP", Text),
        100 => ("POSIX-TZ", Text),
        101 => ("TZ-Name", Text),
        112 => ("NI", Addresses),
        113 => ("NITAG", Text),
        114 => ("URL", Text),
        161 => ("MUD-URL", Text),
        _ => return None,
    })
}

/// The format tcpdump guesses for an option it does not know, by its length.
fn format_by_length(len: usize) -> Format {
    if len & 1 != 0 {
        Format::Bytes
    } else if len & 2 != 0 {
        Format::Unsigned16
    } else {
        Format::Unsigned32
    }
}

fn dhcp_message_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NACK",
        7 => "Release",
        8 => "Inform",
        10 => "LeaseQuery",
        11 => "LeaseUnassigned",
        12 => "LeaseUnknown",
        13 => "LeaseActive",
        _ => return None,
    })
}

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let bootp = Captured::new(bytes, "bootp");
    let operation = bootp.u8(0)?;
    match operation {
        REQUEST => line.push("BOOTP/DHCP, Request"),
        REPLY => line.push("BOOTP/DHCP, Reply"),
        _ => line.put(format_args!("BOOTP/DHCP, unknown (0x{operation:02x})")),
    }
    let hardware_type = bootp.u8(HARDWARE_TYPE)?;
    let hardware_len = bootp.u8(HARDWARE_LEN)?;
    let is_ethernet = hardware_type == HARDWARE_ETHERNET && hardware_len == ETHERNET_ADDRESS_LEN;
    if is_ethernet && operation == REQUEST {
        let address = bootp.slice(CLIENT_HARDWARE_ADDRESS, usize::from(ETHERNET_ADDRESS_LEN))?;
        line.put(format_args!(" from {}", LinkAddress(address)));
    }
    line.put(format_args!(", length {length}"));
    if verbosity == 0 {
        return Ok(());
    }
    bootp.check(SECONDS, 2)?;
    if hardware_type != HARDWARE_ETHERNET {
        line.put(format_args!(", htype {hardware_type}"));
    }
    if !is_ethernet {
        line.put(format_args!(", hlen {hardware_len}"));
    }
    // Only the fields that say something.
    let hops = bootp.u8(HOPS)?;
    if hops != 0 {
        line.put(format_args!(", hops {hops}"));
    }
    let transaction_id = bootp.be32(TRANSACTION_ID)?;
    if transaction_id != 0 {
        line.put(format_args!(", xid 0x{transaction_id:x}"));
    }
    let seconds = bootp.be16(SECONDS)?;
    if seconds != 0 {
        line.put(format_args!(", secs {seconds}"));
    }
    let flags = bootp.be16(FLAGS)?;
    line.push(", Flags [");
    line.put_flag_names(flags, &[(BROADCAST_FLAG, "Broadcast")]);
    line.push("]");
    if verbosity > 1 {
        line.put(format_args!(" (0x{flags:04x})"));
    }
    let addresses = ["Client-IP", "Your-IP", "Server-IP", "Gateway-IP"];
    for (index, label) in addresses.into_iter().enumerate() {
        let address = bootp.array::<4>(CLIENT_IP + 4 * index)?;
        if address != [0; 4] {
            line.put(format_args!("\n\t  {label} {}", IpAddress::V4(address)));
        }
    }
    if is_ethernet {
        let address = bootp.slice(CLIENT_HARDWARE_ADDRESS, usize::from(ETHERNET_ADDRESS_LEN))?;
        line.put(format_args!("\n\t  Client-Ethernet-Address {}", LinkAddress(address)));
    }
    print_field_text(line, bootp, "sname", SERVER_NAME, SERVER_NAME_LEN)?;
    print_field_text(line, bootp, "file", FILE, FILE_LEN)?;
    bootp.check(VENDOR, 4)?;
    match bootp.array::<4>(VENDOR)? {
        RFC1048_COOKIE => print_rfc1048(line, verbosity, bootp.next_layer(VENDOR, "bootp")),
        CMU_COOKIE => print_cmu(line, bootp.next_layer(VENDOR, "bootp")),
        other => {
            let value = u32::from_be_bytes(other);
            if value != 0 {
                line.put(format_args!("\n\t  Vendor-#0x{value:x}"));
            }
            Ok(())
        }
    }
}

/// The server name or boot file, a string with a zero after it in a fixed-size field: `\n\t  file "pxelinux.0"`,
/// none if the field starts with a zero; a string with no zero in the field counts as a cut.
fn print_field_text(line: &mut Line, bootp: Captured, label: &str, offset: usize, len: usize) -> Printed {
    if bootp.u8(offset)? == 0 {
        return Ok(());
    }
    line.put(format_args!("\n\t  {label} \""));
    let field = bootp.rest(offset);
    let field = field.get(..len).unwrap_or(field);
    let text_len = field.iter().position(|&byte| byte == 0);
    line.put_escaped(&field[..text_len.unwrap_or(field.len())]);
    line.push("\"");
    match text_len {
        Some(_) => Ok(()),
        None => Err(bootp.truncated()),
    }
}

/// The options of RFC 1048's vendor area, after its magic cookie.
fn print_rfc1048(line: &mut Line, verbosity: u8, vendor: Captured) -> Printed {
    line.push("\n\t  Vendor-rfc1048 Extensions");
    line.put(format_args!("\n\t    Magic Cookie 0x{:08x}", vendor.be32(0)?));
    let mut offset = 4;
    while vendor.has(offset, 1) {
        let tag = vendor.u8(offset)?;
        offset += 1;
        // PAD and END show only at -vvv, where the options after END are printed too.
        if verbosity < 3 && tag == PAD {
            continue;
        }
        if verbosity < 3 && tag == END {
            return Ok(());
        }
        let len = if tag == PAD || tag == END {
            0
        } else {
            offset += 1;
            usize::from(vendor.u8(offset - 1)?)
        };
        let (name, format) = option(tag).unwrap_or(("Unknown", format_by_length(len)));
        line.put(format_args!("\n\t    {name} ({tag}), length {len}{}", if len > 0 { ": " } else { "" }));
        if tag == PAD {
            let pads = vendor.rest(offset).iter().take_while(|&&byte| byte == PAD).count();
            offset += pads;
            if pads > 0 {
                line.put(format_args!(", occurs {}", pads + 1));
            }
        }
        vendor.check(offset, len)?;
        let value = vendor.slice(offset, len)?;
        offset += len;
        let left_over = match tag {
            DHCP_MESSAGE if len == 1 => {
                match dhcp_message_name(value[0]) {
                    Some(name) => line.push(name),
                    None => line.put(format_args!("Unknown ({})", value[0])),
                }
                0
            }
            PARAMETER_REQUEST => {
                print_parameter_request(line, value);
                0
            }
            _ if format == Format::Special => print_special(line, tag, value),
            _ => print_value(line, format, value),
        };
        if left_over > 0 {
            line.put(format_args!("\n\t  trailing data length {left_over}"));
        }
    }
    Ok(())
}

/// The options a client asks for, by name, four a line.
fn print_parameter_request(line: &mut Line, tags: &[u8]) {
    for (index, &tag) in tags.iter().enumerate() {
        line.push(if index % 4 == 0 { "\n\t      " } else { ", " });
        let (name, _) = option(tag).unwrap_or(("Unknown", Format::Special));
        line.put(format_args!("{name} ({tag})"));
    }
}

/// Prints `value` in `format`; returns how many bytes at its end fit no element.
fn print_value(line: &mut Line, format: Format, value: &[u8]) -> usize {
    let (element_len, separator) = match format {
        Format::Addresses | Format::Unsigned32 | Format::Signed32 => (4, ","),
        Format::AddressPairs => (8, ","),
        Format::Unsigned16 => (2, ","),
        Format::Booleans => (1, ","),
        Format::Text => {
            line.push("\"");
            line.put_escaped(value);
            line.push("\"");
            return 0;
        }
        Format::Bytes | Format::Special => (1, "."),
    };
    let elements = value.chunks_exact(element_len);
    let left_over = elements.remainder().len();
    for (index, element) in elements.enumerate() {
        if index > 0 {
            line.push(separator);
        }
        let word = || u32::from_be_bytes([element[0], element[1], element[2], element[3]]);
        match format {
            Format::Addresses => line.put_address(&IpAddress::V4([element[0], element[1], element[2], element[3]])),
            Format::AddressPairs => line.put(format_args!(
                "({}:{})",
                IpAddress::V4([element[0], element[1], element[2], element[3]]),
                IpAddress::V4([element[4], element[5], element[6], element[7]])
            )),
            Format::Unsigned32 => line.put_decimal(word()),
            Format::Signed32 => line.put_decimal(word() as i32),
            Format::Unsigned16 => line.put_decimal(u16::from_be_bytes([element[0], element[1]])),
            Format::Booleans => match element[0] {
                0 => line.push("N"),
                1 => line.push("Y"),
                other => line.put(format_args!("{other}?")),
            },
            Format::Bytes | Format::Special | Format::Text => line.put_decimal(element[0]),
        }
    }
    left_over
}

/// The options tcpdump has code of its own for; returns how many bytes of `value` were left unread.
fn print_special(line: &mut Line, tag: u8, value: &[u8]) -> usize {
    match tag {
        NETBIOS_NODE | OPTION_OVERLOAD => {
            let Some((&kind, rest)) = value.split_first() else {
                line.push("[ERROR: length < 1 bytes]");
                return 0;
            };
            let name = match (tag, kind) {
                (NETBIOS_NODE, 1) => "b-node",
                (NETBIOS_NODE, 2) => "p-node",
                (NETBIOS_NODE, 4) => "m-node",
                (NETBIOS_NODE, 8) => "h-node",
                (OPTION_OVERLOAD, 1) => "file",
                (OPTION_OVERLOAD, 2) => "sname",
                (OPTION_OVERLOAD, 3) => "file+sname",
                _ => {
                    line.put(format_args!("#{kind}"));
                    return rest.len();
                }
            };
            line.push(name);
            rest.len()
        }
        CLIENT_FQDN => {
            print_client_fqdn(line, value);
            0
        }
        CLIENT_ID => {
            print_client_id(line, value);
            0
        }
        AGENT_INFORMATION => print_agent_information(line, value),
        USER_CLASS => {
            print_user_class(line, value);
            0
        }
        _ => {
            print_classless_routes(line, value);
            0
        }
    }
}

/// RFC 4702's client FQDN: its flags, the old response codes if set, and the name.
fn print_client_fqdn(line: &mut Line, value: &[u8]) {
    let [flags, first_code, second_code, name @ ..] = value else {
        line.push("[ERROR: length < 3 bytes]");
        return;
    };
    if flags & 0xf0 != 0 {
        line.put(format_args!("[ERROR: MBZ nibble 0x{:x} != 0] ", flags >> 4));
    }
    if flags & 0x0f != 0 {
        line.push("[");
        for (bit, letter) in [(0x01, 'S'), (0x02, 'O'), (0x04, 'E'), (0x08, 'N')] {
            if flags & bit != 0 {
                line.push_char(letter);
            }
        }
        line.push("] ");
    }
    if *first_code != 0 || *second_code != 0 {
        line.put(format_args!("{first_code}/{second_code} "));
    }
    line.push("\"");
    line.put_escaped(name);
    line.push("\"");
}

/// A client identifier: text after a type of zero, else a hardware type and address.
fn print_client_id(line: &mut Line, value: &[u8]) {
    let Some((&kind, identifier)) = value.split_first() else {
        line.push("[ERROR: length < 1 bytes]");
        return;
    };
    if kind == 0 {
        line.push("\"");
        line.put_escaped(identifier);
        line.push("\"");
        return;
    }
    match kind {
        0x01 => line.push("ether "),
        0x06 => line.push("ieee802 "),
        0x07 => line.push("arcnet "),
        0x0f => line.push("frelay "),
        0x17 => line.push("strip "),
        0x18 => line.push("ieee1394 "),
        _ => line.put(format_args!("hardware-type {kind}, ")),
    }
    for (index, byte) in identifier.iter().enumerate() {
        line.put(format_args!("{}{byte:02x}", if index > 0 { ":" } else { "" }));
    }
}

/// A relay agent's sub-options (RFC 3046): the circuit, remote and subscriber ids as text, others in hex;
/// returns the byte left over that cannot start one.
fn print_agent_information(line: &mut Line, mut value: &[u8]) -> usize {
    while let [kind, len, rest @ ..] = value {
        let name = match kind {
            1 => "Circuit-ID",
            2 => "Remote-ID",
            6 => "Subscriber-ID",
            _ => "Unknown",
        };
        line.put(format_args!("\n\t      {name} SubOption {kind}, length {len}: "));
        let Some((data, after)) = rest.split_at_checked(usize::from(*len)) else {
            line.push("length goes past end of option");
            return 0;
        };
        match kind {
            1 | 2 | 6 => line.put_escaped(data),
            _ => hexdump::hex_indented(line, "\n\t\t", data),
        }
        value = after;
    }
    value.len()
}

/// RFC 3004's user classes: each a length and text.
fn print_user_class(line: &mut Line, mut value: &[u8]) {
    if value.len() < 2 {
        line.push("[ERROR: length < 2 bytes]");
        return;
    }
    let mut instance = 1;
    while let [len, rest @ ..] = value {
        line.put(format_args!("\n\t      instance#{instance}: "));
        if *len == 0 {
            line.push("[ERROR: suboption length must be non-zero]");
            return;
        }
        let Some((class, after)) = rest.split_at_checked(usize::from(*len)) else {
            line.push("[ERROR: invalid option]");
            return;
        };
        line.push("\"");
        line.put_escaped(class);
        line.put(format_args!("\", length {len}"));
        instance += 1;
        value = after;
    }
}

/// RFC 3442's routes: each a prefix length, the prefix's significant bytes and a router,
/// `(10.0.0.0/8:10.0.0.1),(default:10.0.0.254)`.
fn print_classless_routes(line: &mut Line, mut value: &[u8]) {
    if value.len() < 5 {
        line.push("[ERROR: length < 5 bytes]");
        return;
    }
    let mut first = true;
    while let [width, rest @ ..] = value {
        if !first {
            line.push(",");
        }
        first = false;
        if *width > 32 {
            line.put(format_args!("[ERROR: Mask width ({width}) > 32]"));
            return;
        }
        let significant = usize::from(width.div_ceil(8));
        let Some((prefix, after)) = rest.split_at_checked(significant) else {
            line.put(format_args!("[ERROR: Remaining length ({}) < {} bytes]", rest.len(), significant + 4));
            return;
        };
        let Some((router, after)) = after.split_first_chunk::<4>() else {
            line.put(format_args!("[ERROR: Remaining length ({}) < {} bytes]", rest.len(), significant + 4));
            return;
        };
        line.push("(");
        if *width == 0 {
            line.push("default");
        } else {
            let mut network = [0; 4];
            network[..significant].copy_from_slice(prefix);
            line.put(format_args!("{}/{width}", IpAddress::V4(network)));
        }
        line.put(format_args!(":{})", IpAddress::V4(*router)));
        value = after;
    }
}

/// CMU's vendor area: flags and addresses at fixed places, those that are set.
fn print_cmu(line: &mut Line, vendor: Captured) -> Printed {
    line.push(" vend-cmu");
    vendor.check(4, 4)?;
    let flags = vendor.u8(4)?;
    // Only flags beyond the one for the subnet mask are news.
    if flags & !CMU_SUBNET_MASK_VALID != 0 {
        line.put(format_args!(" F:0x{flags:x}"));
    }
    let subnet_mask = if flags & CMU_SUBNET_MASK_VALID != 0 { "SM" } else { "SM*" };
    let fields =
        [("DG", 12), (subnet_mask, 8), ("NS1", 16), ("NS2", 20), ("IEN1", 24), ("IEN2", 28), ("TS1", 32), ("TS2", 36)];
    for (label, offset) in fields {
        vendor.check(offset, 4)?;
        let address = vendor.array::<4>(offset)?;
        if address != [0; 4] {
            line.put(format_args!(" {label}:{}", IpAddress::V4(address)));
        }
    }
    Ok(())
}
