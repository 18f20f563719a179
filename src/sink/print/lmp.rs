//! LMP, the link management protocol (RFC 4204; tcpdump's print-lmp.c), printed when `-T lmp` asks for it:
//! `LMPv1 Hello Message, length: 24`; with -v the header's fields and each object on lines of their own, with
//! -vv (or for objects tcpdump does not decode) their bytes in hex too.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    hexdump,
};

const HEADER_LEN: usize = 8;
const OBJECT_HEADER_LEN: usize = 4;
const VERSION: u16 = 1;

const CONTROL_CHANNEL_ID: u8 = 1;
const NODE_ID: u8 = 2;
const LINK_ID: u8 = 3;
const INTERFACE_ID: u8 = 4;
const MESSAGE_ID: u8 = 5;
const CONFIG: u8 = 6;
const HELLO: u8 = 7;
const VERIFY_BEGIN: u8 = 8;
const VERIFY_BEGIN_ACK: u8 = 9;
const VERIFY_ID: u8 = 10;
const TE_LINK: u8 = 11;
const DATA_LINK: u8 = 12;
const CHANNEL_STATUS: u8 = 13;
const CHANNEL_STATUS_REQUEST: u8 = 14;
const ERROR_CODE: u8 = 20;
const SERVICE_CONFIG: u8 = 51;

const HEADER_FLAGS: [(u16, &str); 2] = [(0x01, "Control Channel Down"), (0x02, "LMP restart")];
const TE_LINK_FLAGS: [(u16, &str); 2] = [(0x01, "Fault Management Supported"), (0x02, "Link Verification Supported")];
const DATA_LINK_FLAGS: [(u16, &str); 3] =
    [(0x01, "Data Link Port"), (0x02, "Allocated for user traffic"), (0x04, "Failed link")];
const VERIFY_FLAGS: [(u16, &str); 2] = [(0x0001, "Verify all links"), (0x0002, "Data link type")];
const VERIFY_ERRORS: [(u16, &str); 5] = [
    (0x01, "Link Verification Procedure Not supported"),
    (0x02, "Unwilling to verify"),
    (0x04, "Unsupported verification transport mechanism"),
    (0x08, "Link-Id configuration error"),
    (0x10, "Unknown object c-type"),
];
const LINK_SUMMARY_ERRORS: [(u16, &str); 6] = [
    (0x01, "Unacceptable non-negotiable LINK-SUMMARY parameters"),
    (0x02, "Renegotiate LINK-SUMMARY parameters"),
    (0x04, "Invalid TE-LINK Object"),
    (0x08, "Invalid DATA-LINK Object"),
    (0x10, "Unknown TE-LINK Object c-type"),
    (0x20, "Unknown DATA-LINK Object c-type"),
];
const SIGNALING_PROTOCOLS: [(u16, &str); 2] = [(0x01, "RSVP Supported"), (0x02, "LDP Supported")];
const OVERHEAD_TRANSPARENCY: [(u16, &str); 3] = [
    (0x01, "Path/VC Overhead Transparency Supported"),
    (0x02, "Line/MS Overhead Transparency Supported"),
    (0x04, "Section/RS Overhead Transparency Supported"),
];
const CONCATENATION: [(u16, &str); 1] = [(0x01, "Contiguous Concatenation Types Supported")];
const HEADER_TRANSPARENCY: [(u16, &str); 2] =
    [(0x01, "Standard SOH/RSOH Transparency Supported"), (0x02, "Standard LOH/MSOH Transparency Supported")];
const TANDEM_MONITORING: [(u16, &str); 1] = [(0x01, "Transparent Tandem Connection Monitoring Supported")];
const DIVERSITY: [(u16, &str); 3] =
    [(0x01, "Node Diversity Supported"), (0x02, "Link Diversity Supported"), (0x04, "SRLG Diversity Supported")];

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let lmp = Captured::new(bytes, "lmp");
    lmp.require(0, HEADER_LEN)?;
    let version = lmp.be16(0)? >> 12;
    if version != VERSION {
        line.put(format_args!("LMP version {version} packet not supported"));
        return Ok(());
    }
    let message_type = lmp.u8(3)?;
    if verbosity == 0 {
        line.put(format_args!("LMPv{version} "));
        match message_name(message_type) {
            Some(name) => line.push(name),
            None => line.put(format_args!("unknown ({message_type})")),
        }
        line.put(format_args!(" Message, length: {length}"));
        return Ok(());
    }
    let mut left = u32::from(lmp.be16(4)?);
    line.put(format_args!("\n\tLMPv{version}, msg-type: "));
    match message_name(message_type) {
        Some(name) => line.push(name),
        None => line.put(format_args!("unknown, type: {message_type}")),
    }
    line.push(", Flags: [");
    line.put_flag_names(u16::from(lmp.u8(2)?), &HEADER_FLAGS);
    line.put(format_args!("], length: {left}"));
    if left < HEADER_LEN as u32 {
        line.push(" (too short)");
        return Ok(());
    }
    if left > length {
        line.push(" (too long)");
        left = length;
    }
    let mut offset = HEADER_LEN;
    // A message shorter than its header (whose length field is cut to the datagram's) leaves tcpdump a length
    // that wraps around: it reads objects until the capture ends.
    left = left.wrapping_sub(HEADER_LEN as u32);
    while left > 0 {
        let object_len = lmp.be16(offset + 2)?;
        let class_type = lmp.u8(offset)? & 0x7f;
        let class = lmp.u8(offset + 1)?;
        line.put(format_args!(
            "\n\t  {} Object ({class}), Class-Type: {} ({class_type}) Flags: [{}negotiable], length: {object_len}",
            object_name(class).unwrap_or("Unknown"),
            class_type_name(class, class_type).unwrap_or("Unknown"),
            if lmp.u8(offset)? & 0x80 != 0 { "" } else { "non-" }
        ));
        if object_len < OBJECT_HEADER_LEN as u16 {
            line.push(" (too short)");
            return Ok(());
        }
        if object_len % 4 != 0 {
            line.push(" (not a multiple of 4)");
            return Ok(());
        }
        let object_len = usize::from(object_len);
        lmp.require(offset, object_len)?;
        let body = Object { lmp, start: offset + OBJECT_HEADER_LEN, len: object_len - OBJECT_HEADER_LEN };
        let decoded = match class {
            CONTROL_CHANNEL_ID
            | NODE_ID
            | LINK_ID
            | INTERFACE_ID
            | MESSAGE_ID
            | CONFIG
            | HELLO
            | VERIFY_BEGIN
            | VERIFY_BEGIN_ACK
            | VERIFY_ID
            | TE_LINK
            | DATA_LINK
            | CHANNEL_STATUS
            | CHANNEL_STATUS_REQUEST
            | ERROR_CODE
            | SERVICE_CONFIG => body.print(line, class, class_type)?,
            // tcpdump shows an object of a class it does not know in hex at -v (and at -vv below).
            _ => {
                if verbosity <= 1 {
                    body.print_hex(line);
                }
                Decoded::Yes
            }
        };
        if verbosity > 1 || decoded == Decoded::No {
            body.print_hex(line);
        }
        if left < object_len as u32 {
            line.put(format_args!(" [remaining objects length {left} < {object_len}] (invalid)"));
            break;
        }
        offset += object_len;
        left -= object_len as u32;
    }
    Ok(())
}

/// Whether tcpdump decoded an object (or complained about its length), or shows it in hex.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decoded {
    Yes,
    No,
}

/// An object's body, captured whole: `len` bytes from `start` on.
struct Object<'a> {
    lmp: Captured<'a>,
    start: usize,
    len: usize,
}

impl Object<'_> {
    fn print_hex(&self, line: &mut Line) {
        hexdump::hex_indented(line, "\n\t    ", self.lmp.slice(self.start, self.len).unwrap_or_default());
    }

    fn be16(&self, offset: usize) -> Result<u16, Truncated> {
        self.lmp.be16(self.start + offset)
    }

    fn be32(&self, offset: usize) -> Result<u32, Truncated> {
        self.lmp.be32(self.start + offset)
    }

    fn u8(&self, offset: usize) -> Result<u8, Truncated> {
        self.lmp.u8(self.start + offset)
    }

    fn address(&self, offset: usize, ipv6: bool) -> Result<IpAddress, Truncated> {
        if ipv6 { self.lmp.ipv6(self.start + offset) } else { self.lmp.ipv4(self.start + offset) }
    }

    /// `10.0.0.1 (0x0a000001)`, or for an unnumbered one `7 (0x00000007)`: an id and its first 32 bits in hex.
    fn put_id(&self, line: &mut Line, offset: usize, kind: IdKind) -> Printed {
        let first_word = self.be32(offset)?;
        match kind {
            IdKind::Ipv4 => line.put(format_args!("{} (0x{first_word:08x})", self.address(offset, false)?)),
            IdKind::Ipv6 => line.put(format_args!("{} (0x{first_word:08x})", self.address(offset, true)?)),
            IdKind::Unnumbered => line.put(format_args!("{first_word} (0x{first_word:08x})")),
        }
        Ok(())
    }

    /// Whether the body has the length its type requires; tcpdump complains otherwise.
    fn fits(&self, line: &mut Line, fits: bool) -> bool {
        if !fits {
            line.push(" (not correct for object)");
        }
        fits
    }

    /// Prints the body of an object of a class tcpdump decodes.
    fn print(&self, line: &mut Line, class: u8, class_type: u8) -> Result<Decoded, Truncated> {
        let len = self.len;
        match (class, class_type) {
            (CONTROL_CHANNEL_ID, 1 | 2) => {
                if self.fits(line, len == 4) {
                    line.push("\n\t    Control Channel ID: ");
                    self.put_id(line, 0, IdKind::Unnumbered)?;
                }
            }
            (LINK_ID | INTERFACE_ID, 1..=6) => {
                let (kind, label, required) = match class_type {
                    1 | 2 => (IdKind::Ipv4, "IPv4 Link ID", 4),
                    3 | 4 => (IdKind::Ipv6, "IPv6 Link ID", 16),
                    _ => (IdKind::Unnumbered, "Link ID", 4),
                };
                if self.fits(line, len == required) {
                    line.put(format_args!("\n\t    {label}: "));
                    self.put_id(line, 0, kind)?;
                }
            }
            (MESSAGE_ID, 1 | 2) => {
                if self.fits(line, len == 4) {
                    line.push(if class_type == 1 { "\n\t    Message ID: " } else { "\n\t    Message ID Ack: " });
                    self.put_id(line, 0, IdKind::Unnumbered)?;
                }
            }
            (NODE_ID, 1 | 2) => {
                if self.fits(line, len == 4) {
                    line.push("\n\t    Node ID: ");
                    self.put_id(line, 0, IdKind::Ipv4)?;
                }
            }
            (CONFIG, 1) => {
                if self.fits(line, len == 4) {
                    let (interval, dead) = (self.be16(0)?, self.be16(2)?);
                    line.put(format_args!("\n\t    Hello Interval: {interval}\n\t    Hello Dead Interval: {dead}"));
                }
            }
            (HELLO, 1) => {
                if self.fits(line, len == 8) {
                    let (sent, received) = (self.be32(0)?, self.be32(4)?);
                    line.put(format_args!("\n\t    Tx Seq: {sent}, Rx Seq: {received}"));
                }
            }
            (TE_LINK | DATA_LINK, 1..=3) => return self.print_link(line, class, class_type),
            (VERIFY_BEGIN, 1) => {
                if self.fits(line, len == 20) {
                    self.print_verify_begin(line)?;
                }
            }
            (VERIFY_BEGIN_ACK, 1) => {
                if self.fits(line, len == 4) {
                    let (dead, response) = (self.be16(0)?, self.be16(2)?);
                    line.put(format_args!(
                        "\n\t    Verify Dead Interval: {dead}\n\t    Verify Transport Response: {response}"
                    ));
                }
            }
            (VERIFY_ID, 1) => {
                if self.fits(line, len == 4) {
                    line.put(format_args!("\n\t    Verify ID: {}", self.be32(0)?));
                }
            }
            (CHANNEL_STATUS, 1..=3) => {
                let kind = id_kind(class_type);
                let id_len = if kind == IdKind::Ipv6 { 16 } else { 4 };
                let mut offset = 0;
                while offset + id_len + 4 <= len {
                    line.push("\n\t    Interface ID: ");
                    self.put_id(line, offset, kind)?;
                    let status = self.be32(offset + id_len)?;
                    let allocated = status >> 31;
                    let transmit = (status >> 30) & 1;
                    let channel = status & 0x03ff_ffff;
                    line.put(format_args!(
                        "\n\t\t    Active: {} ({allocated})\n\t\t    Direction: {} ({transmit})\n\t\t    Channel Status: {} ({channel})",
                        if allocated != 0 { "Allocated" } else { "Non-allocated" },
                        if transmit != 0 { "Transmit" } else { "Receive" },
                        match channel {
                            1 => "Signal Okay",
                            2 => "Signal Degraded",
                            3 => "Signal Fail",
                            _ => "Unknown",
                        }
                    ));
                    offset += id_len + 4;
                }
            }
            (CHANNEL_STATUS_REQUEST, 1..=3) => {
                let kind = id_kind(class_type);
                let id_len = if kind == IdKind::Ipv6 { 16 } else { 4 };
                let mut offset = 0;
                while offset + id_len <= len {
                    line.push("\n\t    Interface ID: ");
                    self.put_id(line, offset, kind)?;
                    offset += id_len;
                }
            }
            (ERROR_CODE, 1 | 2) => {
                if self.fits(line, len == 4) {
                    let names: &[(u16, &str)] = if class_type == 1 { &VERIFY_ERRORS } else { &LINK_SUMMARY_ERRORS };
                    line.push("\n\t    Error Code: ");
                    line.put_flag_names(low_bits(self.be32(0)?), names);
                }
            }
            (SERVICE_CONFIG, 1..=4) => self.print_service_config(line, class_type)?,
            _ => return Ok(Decoded::No),
        }
        Ok(Decoded::Yes)
    }

    /// A TE link's or data link's flags and local and remote ids, and a data link's subobjects.
    fn print_link(&self, line: &mut Line, class: u8, class_type: u8) -> Result<Decoded, Truncated> {
        let kind = id_kind(class_type);
        let ids_len = if kind == IdKind::Ipv6 { 36 } else { 12 };
        let (fits, flags, noun): (bool, &[(u16, &str)], &str) = if class == TE_LINK {
            (self.len == ids_len, &TE_LINK_FLAGS, "Link-ID")
        } else {
            (self.len >= ids_len, &DATA_LINK_FLAGS, "Interface ID")
        };
        if !self.fits(line, fits) {
            return Ok(Decoded::Yes);
        }
        line.push("\n\t    Flags: [");
        line.put_flag_names(u16::from(self.u8(0)?), flags);
        line.push("]");
        let remote = if kind == IdKind::Ipv6 { 20 } else { 8 };
        line.put(format_args!("\n\t    Local {noun}: "));
        self.put_id(line, 4, kind)?;
        line.put(format_args!("\n\t    Remote {noun}: "));
        self.put_id(line, remote, kind)?;
        if class == DATA_LINK && !self.print_subobjects(line, ids_len)? {
            return Ok(Decoded::No);
        }
        Ok(Decoded::Yes)
    }

    /// A data link's subobjects from `offset` on; returns false at one of a type tcpdump does not decode.
    fn print_subobjects(&self, line: &mut Line, mut offset: usize) -> Result<bool, Truncated> {
        let mut left = self.len - offset;
        while left > 0 {
            let (subobject_type, subobject_len) = (self.u8(offset)?, self.u8(offset + 1)?);
            let name = match subobject_type {
                1 => "Interface Switching Type",
                2 => "Wavelength",
                _ => "Unknown",
            };
            line.put(format_args!("\n\t    Subobject, Type: {name} ({subobject_type}), Length: {subobject_len}"));
            let subobject_len = usize::from(subobject_len);
            if subobject_len < 4 {
                line.push(" (too short)");
                break;
            }
            if subobject_len % 4 != 0 {
                line.push(" (not a multiple of 4)");
                break;
            }
            if left < subobject_len {
                line.push(" (goes past the end of the object)");
                break;
            }
            match subobject_type {
                1 => {
                    let (switching, encoding) = (self.u8(offset + 2)?, self.u8(offset + 3)?);
                    line.put(format_args!(
                        "\n\t      Switching Type: {} ({switching})",
                        switching_name(switching).unwrap_or("Unknown")
                    ));
                    line.put(format_args!(
                        "\n\t      Encoding Type: {} ({encoding})",
                        encoding_name(encoding).unwrap_or("Unknown")
                    ));
                    line.put(format_args!(
                        "\n\t      Min Reservable Bandwidth: {:.3} Mbps",
                        megabits(self.be32(offset + 4)?)
                    ));
                    line.put(format_args!(
                        "\n\t      Max Reservable Bandwidth: {:.3} Mbps",
                        megabits(self.be32(offset + 8)?)
                    ));
                }
                2 => line.put(format_args!("\n\t      Wavelength: {}", self.be32(offset + 4)?)),
                _ => return Ok(false),
            }
            left -= subobject_len;
            offset += subobject_len;
        }
        Ok(true)
    }

    fn print_verify_begin(&self, line: &mut Line) -> Printed {
        line.push("\n\t    Flags: ");
        line.put_flag_names(self.be16(0)?, &VERIFY_FLAGS);
        line.put(format_args!("\n\t    Verify Interval: {}", self.be16(2)?));
        line.put(format_args!("\n\t    Data links: {}", self.be32(4)?));
        line.put(format_args!("\n\t    Encoding type: {}", encoding_name(self.u8(8)?).unwrap_or("Unknown")));
        let mechanism = self.be16(10)?;
        // tcpdump tests the bits of decimal 8000.
        let capable = if mechanism & 8000 != 0 { " (Payload test messages capable)" } else { "" };
        line.put(format_args!("\n\t    Verify Transport Mechanism: {mechanism} (0x{mechanism:x}){capable}"));
        line.put(format_args!("\n\t    Transmission Rate: {:.3} Mbps", megabits(self.be32(12)?)));
        line.put(format_args!("\n\t    Wavelength: {}", self.be32(16)?));
        Ok(())
    }

    fn print_service_config(&self, line: &mut Line, class_type: u8) -> Printed {
        let required = match class_type {
            1 | 4 => 4,
            2 => 16,
            _ => 8,
        };
        if !self.fits(line, self.len == required) {
            return Ok(());
        }
        match class_type {
            1 => {
                line.push("\n\t Flags: ");
                line.put_flag_names(u16::from(self.u8(0)?), &SIGNALING_PROTOCOLS);
                line.put(format_args!("\n\t  UNI Version: {}", self.u8(1)?));
            }
            2 => {
                let link_type = self.u8(0)?;
                let link_name = match link_type {
                    5 => "SDH ITU-T G.707",
                    6 => "SONET ANSI T1.105",
                    _ => "Unknown",
                };
                line.put(format_args!("\n\t Link Type: {link_name} ({link_type})"));
                if let 5 | 6 = link_type {
                    let signal = self.u8(1)?;
                    let name = signal_name(link_type == 5, signal).unwrap_or("Unknown");
                    line.put(format_args!("\n\t Signal Type: {name} ({signal})"));
                }
                line.push("\n\t Transparency: ");
                line.put_flag_names(u16::from(self.u8(2)?), &OVERHEAD_TRANSPARENCY);
                line.push("\n\t Contiguous Concatenation Types: ");
                line.put_flag_names(u16::from(self.u8(3)?), &CONCATENATION);
                line.put(format_args!("\n\t Minimum NCC: {}", self.be16(4)?));
                line.put(format_args!("\n\t Maximum NCC: {}", self.be16(6)?));
                line.put(format_args!("\n\t Minimum NVC:{}", self.be16(8)?));
                line.put(format_args!("\n\t Maximum NVC:{}", self.be16(10)?));
                line.push("\n\t    Local Interface ID: ");
                self.put_id(line, 12, IdKind::Ipv4)?;
            }
            3 => {
                line.push("\n\t Transparency Flags: ");
                line.put_flag_names(low_bits(self.be32(0)?), &HEADER_TRANSPARENCY);
                line.push("\n\t TCM Monitoring Flags: ");
                line.put_flag_names(u16::from(self.u8(7)?), &TANDEM_MONITORING);
            }
            _ => {
                line.push("\n\t Diversity: Flags: ");
                line.put_flag_names(u16::from(self.u8(3)?), &DIVERSITY);
            }
        }
        Ok(())
    }
}

/// How an object gives an id: an IPv4 or IPv6 address, or a number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdKind {
    Ipv4,
    Ipv6,
    Unnumbered,
}

/// The kind of id of the class types numbered IPv4 (1), IPv6 (2), unnumbered (3).
fn id_kind(class_type: u8) -> IdKind {
    match class_type {
        1 => IdKind::Ipv4,
        2 => IdKind::Ipv6,
        _ => IdKind::Unnumbered,
    }
}

/// The bits of a 32-bit flags field that the names tables cover (none past the 16th).
fn low_bits(flags: u32) -> u16 {
    (flags & 0xffff) as u16
}

/// A bandwidth in bytes per second as an IEEE float, in megabits per second, computed in single precision as
/// tcpdump does.
fn megabits(bits: u32) -> f64 {
    f64::from(f32::from_bits(bits) * 8.0 / 1_000_000.0)
}

fn message_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        1 => "Config",
        2 => "Config ACK",
        3 => "Config NACK",
        4 => "Hello",
        5 => "Begin Verify",
        6 => "Begin Verify ACK",
        7 => "Begin Verify NACK",
        8 => "End Verify",
        9 => "End Verify ACK",
        10 => "Test",
        11 => "Test Status Success",
        12 => "Test Status Failure",
        13 => "Test Status ACK",
        14 => "Link Summary",
        15 => "Link Summary ACK",
        16 => "Link Summary NACK",
        17 => "Channel Status",
        18 => "Channel Status ACK",
        19 => "Channel Status Request",
        20 => "Channel Status Response",
        50 => "Service Config",
        51 => "Service Config ACK",
        52 => "Service Config NACK",
        _ => return None,
    })
}

fn object_name(class: u8) -> Option<&'static str> {
    Some(match class {
        CONTROL_CHANNEL_ID => "Control Channel ID",
        NODE_ID => "Node ID",
        LINK_ID => "Link ID",
        INTERFACE_ID => "Interface ID",
        MESSAGE_ID => "Message ID",
        CONFIG => "Configuration",
        HELLO => "Hello",
        VERIFY_BEGIN => "Verify Begin",
        VERIFY_BEGIN_ACK => "Verify Begin ACK",
        VERIFY_ID => "Verify ID",
        TE_LINK => "TE Link",
        DATA_LINK => "Data Link",
        CHANNEL_STATUS => "Channel Status",
        CHANNEL_STATUS_REQUEST => "Channel Status Request",
        ERROR_CODE => "Error Code",
        SERVICE_CONFIG => "Service Config",
        _ => return None,
    })
}

fn class_type_name(class: u8, class_type: u8) -> Option<&'static str> {
    Some(match (class, class_type) {
        (CONTROL_CHANNEL_ID | NODE_ID, 1) => "Local",
        (CONTROL_CHANNEL_ID | NODE_ID, 2) => "Remote",
        (LINK_ID | INTERFACE_ID, 1) => "IPv4 Local",
        (LINK_ID | INTERFACE_ID, 2) => "IPv4 Remote",
        (LINK_ID | INTERFACE_ID, 3) => "IPv6 Local",
        (LINK_ID | INTERFACE_ID, 4) => "IPv6 Remote",
        (LINK_ID | INTERFACE_ID, 5) => "Unnumbered Local",
        (LINK_ID | INTERFACE_ID, 6) => "Unnumbered Remote",
        (MESSAGE_ID | ERROR_CODE, 1) | (CONFIG | HELLO | VERIFY_BEGIN | VERIFY_BEGIN_ACK | VERIFY_ID, 1) => "1",
        (MESSAGE_ID | ERROR_CODE, 2) => "2",
        (TE_LINK | DATA_LINK | CHANNEL_STATUS | CHANNEL_STATUS_REQUEST, 1) => "IPv4",
        (TE_LINK | DATA_LINK | CHANNEL_STATUS | CHANNEL_STATUS_REQUEST, 2) => "IPv6",
        (TE_LINK | DATA_LINK | CHANNEL_STATUS | CHANNEL_STATUS_REQUEST, 3) => "Unnumbered",
        (SERVICE_CONFIG, 1) => "1",
        (SERVICE_CONFIG, 2) => "2",
        (SERVICE_CONFIG, 3) => "3",
        (SERVICE_CONFIG, 4) => "4",
        _ => return None,
    })
}

/// GMPLS switching capabilities (RFC 3471).
fn switching_name(capability: u8) -> Option<&'static str> {
    Some(match capability {
        1 => "Packet-Switch Capable-1",
        2 => "Packet-Switch Capable-2",
        3 => "Packet-Switch Capable-3",
        4 => "Packet-Switch Capable-4",
        51 => "Layer-2 Switch Capable",
        100 => "Time-Division-Multiplex",
        150 => "Lambda-Switch Capable",
        200 => "Fiber-Switch Capable",
        _ => return None,
    })
}

/// GMPLS encoding types (RFC 3471).
fn encoding_name(encoding: u8) -> Option<&'static str> {
    Some(match encoding {
        1 => "Packet",
        2 => "Ethernet V2/DIX",
        3 => "ANSI/ETSI PDH",
        4 | 6 | 10 => "Reserved",
        5 => "SDH ITU-T G.707/SONET ANSI T1.105",
        7 => "Digital Wrapper",
        8 => "Lambda (photonic)",
        9 => "Fiber",
        11 => "FiberChannel",
        _ => return None,
    })
}

/// UNI 1.0's signal types of SDH or SONET links.
fn signal_name(sdh: bool, signal: u8) -> Option<&'static str> {
    let names: [&str; 8] = if sdh {
        ["VC-3", "VC-4", "STM-0", "STM-1", "STM-4", "STM-16", "STM-64", "STM-256"]
    } else {
        ["STS-1 SPE", "STS-3c SPE", "STS-1", "STM-3", "STM-12", "STM-48", "STM-192", "STM-768"]
    };
    names.get(usize::from(signal.checked_sub(5)?)).copied()
}
