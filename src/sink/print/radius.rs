//! RADIUS (tcpdump's print-radius.c), UDP ports 1645, 1646, 1700, 1812, 1813 and 3799:
//! `RADIUS, Access-Request (1), id: 0x2a length: 92`; at -v the authenticator and each attribute on a line of
//! its own, decoded as tcpdump decodes it, and at -vv each attribute's bytes in hex too.

use chrono::DateTime;

use super::{
    Line,
    captured::{Captured, Printed},
    eap, hexdump, ntp,
};

pub(super) const PORTS: [u16; 6] = [1645, 1812, 1646, 1813, 1700, 3799];

const HEADER_LEN: usize = 20;
const AUTHENTICATOR_LEN: usize = 16;
const ATTRIBUTE_HEADER_LEN: usize = 2;

fn code_name(code: u8) -> &'static str {
    match code {
        1 => "Access-Request",
        2 => "Access-Accept",
        3 => "Access-Reject",
        4 => "Accounting-Request",
        5 => "Accounting-Response",
        11 => "Access-Challenge",
        12 => "Status-Server",
        13 => "Status-Client",
        40 => "Disconnect-Request",
        41 => "Disconnect-ACK",
        42 => "Disconnect-NAK",
        43 => "CoA-Request",
        44 => "CoA-ACK",
        45 => "CoA-NAK",
        255 => "Reserved",
        _ => "Unknown Command",
    }
}

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let radius = Captured::new(bytes, "radius");
    radius.check(0, HEADER_LEN)?;
    let (code, id) = (radius.u8(0)?, radius.u8(1)?);
    let message_len = usize::from(radius.be16(2)?);
    if message_len < HEADER_LEN {
        return Err(radius.truncated());
    }
    let message_len = message_len.min(length as usize);
    let name = code_name(code);
    if verbosity == 0 {
        line.put(format_args!("RADIUS, {name} ({code}), id: 0x{id:02x} length: {message_len}"));
        return Ok(());
    }
    line.put(format_args!("RADIUS, length: {message_len}\n\t{name} ({code}), id: 0x{id:02x}, Authenticator: "));
    for byte in radius.slice(4, AUTHENTICATOR_LEN)? {
        line.put(format_args!("{byte:02x}"));
    }
    print_attributes(line, verbosity, radius, message_len)
}

/// The attributes between the header and the message's end.
fn print_attributes(line: &mut Line, verbosity: u8, radius: Captured, message_len: usize) -> Printed {
    let mut offset = HEADER_LEN;
    while offset < message_len {
        let remaining = message_len - offset;
        if remaining < ATTRIBUTE_HEADER_LEN {
            return Err(radius.truncated());
        }
        radius.check(offset, ATTRIBUTE_HEADER_LEN)?;
        let (attribute_type, attribute_len) = (radius.u8(offset)?, radius.u8(offset + 1)?);
        let attribute = ATTRIBUTES.get(usize::from(attribute_type));
        let name = attribute.filter(|_| attribute_type != 0).map_or("Unknown", |attribute| attribute.name);
        line.put(format_args!("\n\t  {name} Attribute ({attribute_type}), length: {attribute_len}"));
        let attribute_len = usize::from(attribute_len);
        if attribute_len < ATTRIBUTE_HEADER_LEN {
            line.push(" (bogus, must be >= 2)");
            return Ok(());
        }
        if attribute_len > remaining {
            line.push(" (bogus, goes past end of packet)");
            return Ok(());
        }
        line.push(", Value: ");
        let value_offset = offset + ATTRIBUTE_HEADER_LEN;
        let value_len = attribute_len - ATTRIBUTE_HEADER_LEN;
        if let Some(attribute) = attribute.filter(|_| value_len > 0) {
            let value = Value { radius, offset: value_offset, len: value_len, attribute_type };
            attribute.value.print(line, value)?;
        }
        if verbosity > 1 {
            let available = radius.rest(value_offset);
            hexdump::hex_indented(line, "\n\t    ", available.get(..value_len).unwrap_or(available));
        }
        offset += attribute_len;
    }
    Ok(())
}

/// An attribute's value: where it lies in the message and of which attribute it is.
#[derive(Clone, Copy)]
struct Value<'a> {
    radius: Captured<'a>,
    offset: usize,
    len: usize,
    attribute_type: u8,
}

impl Value<'_> {
    fn u8(&self, index: usize) -> Result<u8, super::captured::Truncated> {
        self.radius.u8(self.offset + index)
    }

    fn be32(&self, index: usize) -> Result<u32, super::captured::Truncated> {
        self.radius.be32(self.offset + index)
    }

    /// The 3 bytes after a leading tag byte.
    fn be24_after_tag(&self) -> Result<u32, super::captured::Truncated> {
        let bytes: [u8; 3] = self.radius.array(self.offset + 1)?;
        Ok(u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]))
    }

    /// Whether the whole value was captured; if not, the truncation marker is written and the attributes go on
    /// (tcpdump's check inside an attribute's printer returns from that printer only).
    fn captured_whole(&self, line: &mut Line) -> bool {
        let whole = self.radius.has(self.offset, self.len);
        if !whole {
            self.radius.truncated().print(line);
        }
        whole
    }

    /// `ERROR: length 5 != 4` unless the value is `expected` bytes long.
    fn has_len(&self, line: &mut Line, expected: usize) -> bool {
        if self.len != expected {
            line.put(format_args!("ERROR: length {} != {expected}", self.len));
        }
        self.len == expected
    }
}

/// How tcpdump prints an attribute's value.
#[derive(Clone, Copy)]
enum ValueKind {
    /// Nothing: tcpdump leaves `Value: ` empty.
    Unprinted,
    /// Text up to a NUL, with some attributes' tag or other leading byte decoded first.
    Text,
    /// A 4-byte number; with names for its values counted from `first` when there are names.
    Number {
        first: u32,
        names: &'static [&'static str],
    },
    Ipv4,
    Ipv6,
    Ipv6Prefix,
    Vendor,
    Time,
    FeatureVector,
    HomeLinkPrefix,
    OperatorName,
    LocationInformation,
    LocationData,
    LocationPolicyRules,
    /// ARAP's fields and Error-Cause.
    Special,
}

use ValueKind::*;

struct Attribute {
    name: &'static str,
    value: ValueKind,
}

const fn attribute(name: &'static str, value: ValueKind) -> Attribute {
    Attribute { name, value }
}

const NUMBER: ValueKind = Number { first: 0, names: &[] };

const SERVICE_TYPES: [&str; 19] = [
    "Login",
    "Framed",
    "Callback Login",
    "Callback Framed",
    "Outbound",
    "Administrative",
    "NAS Prompt",
    "Authenticate Only",
    "Callback NAS Prompt",
    "Call Check",
    "Callback Administrative",
    "Voice",
    "Fax",
    "Modem Relay",
    "IAPP-Register",
    "IAPP-AP-Check",
    "Authorize Only",
    "Framed-Management",
    "Additional-Authorization",
];
const FRAMED_PROTOCOLS: [&str; 7] =
    ["PPP", "SLIP", "ARAP", "Gandalf proprietary", "Xylogics IPX/SLIP", "X.75 Synchronous", "GPRS PDP Context"];
const FRAMED_ROUTINGS: [&str; 4] = ["None", "Send", "Listen", "Send&Listen"];
const FRAMED_COMPRESSIONS: [&str; 4] = ["None", "VJ TCP/IP", "IPX", "Stac-LZS"];
const LOGIN_SERVICES: [&str; 9] = [
    "Telnet",
    "Rlogin",
    "TCP Clear",
    "PortMaster(proprietary)",
    "LAT",
    "X.25-PAD",
    "X.25-T3POS",
    "Unassigned",
    "TCP Clear Quiet",
];
const TERMINATION_ACTIONS: [&str; 2] = ["Default", "RADIUS-Request"];
const INGRESS_FILTERS: [&str; 2] = ["Enabled", "Disabled"];
const NAS_PORT_TYPES: [&str; 44] = [
    "Async",
    "Sync",
    "ISDN Sync",
    "ISDN Async V.120",
    "ISDN Async V.110",
    "Virtual",
    "PIAFS",
    "HDLC Clear Channel",
    "X.25",
    "X.75",
    "G.3 Fax",
    "SDSL",
    "ADSL-CAP",
    "ADSL-DMT",
    "ISDN-DSL",
    "Ethernet",
    "xDSL",
    "Cable",
    "Wireless - Other",
    "Wireless - IEEE 802.11",
    "Token-Ring",
    "FDDI",
    "Wireless - CDMA200",
    "Wireless - UMTS",
    "Wireless - 1X-EV",
    "IAPP",
    "FTTP",
    "Wireless - IEEE 802.16",
    "Wireless - IEEE 802.20",
    "Wireless - IEEE 802.22",
    "PPPoA",
    "PPPoEoA",
    "PPPoEoE",
    "PPPoEoVLAN",
    "PPPoEoQinQ",
    "xPON",
    "Wireless - XGP",
    "WiMAX Pre-Release 8 IWK Function",
    "WIMAX-WIFI-IWK",
    "WIMAX-SFF",
    "WIMAX-HA-LMA",
    "WIMAX-DHCP",
    "WIMAX-LBS",
    "WIMAX-WVS",
];
const ACCT_STATUS_TYPES: [&str; 15] = [
    "Start",
    "Stop",
    "Interim-Update",
    "Unassigned",
    "Unassigned",
    "Unassigned",
    "Accounting-On",
    "Accounting-Off",
    "Tunnel-Start",
    "Tunnel-Stop",
    "Tunnel-Reject",
    "Tunnel-Link-Start",
    "Tunnel-Link-Stop",
    "Tunnel-Link-Reject",
    "Failed",
];
const ACCT_AUTHENTICS: [&str; 4] = ["RADIUS", "Local", "Remote", "Diameter"];
const ACCT_TERMINATE_CAUSES: [&str; 23] = [
    "User Request",
    "Lost Carrier",
    "Lost Service",
    "Idle Timeout",
    "Session Timeout",
    "Admin Reset",
    "Admin Reboot",
    "Port Error",
    "NAS Error",
    "NAS Request",
    "NAS Reboot",
    "Port Unneeded",
    "Port Preempted",
    "Port Suspended",
    "Service Unavailable",
    "Callback",
    "User Error",
    "Host Request",
    "Supplicant Restart",
    "Reauthentication Failure",
    "Port Reinitialized",
    "Port Administratively Disabled",
    "Lost Power",
];
const TUNNEL_TYPES: [&str; 13] = [
    "PPTP",
    "L2F",
    "L2TP",
    "ATMP",
    "VTP",
    "AH",
    "IP-IP",
    "MIN-IP-IP",
    "ESP",
    "GRE",
    "DVS",
    "IP-in-IP Tunneling",
    "VLAN",
];
const TUNNEL_MEDIUMS: [&str; 15] = [
    "IPv4",
    "IPv6",
    "NSAP",
    "HDLC",
    "BBN 1822",
    "802",
    "E.163",
    "E.164",
    "F.69",
    "X.121",
    "IPX",
    "Appletalk",
    "Decnet IV",
    "Banyan Vines",
    "E.164 with NSAP subaddress",
];
const ARAP_ZONE_ACCESSES: [&str; 4] =
    ["Only access to dfl zone", "Use zone filter inc.", "Not used", "Use zone filter exc."];
const PROMPTS: [&str; 2] = ["No Echo", "Echo"];

/// tcpdump's attributes, by type (0 is no attribute).
const ATTRIBUTES: [Attribute; 130] = [
    attribute("", Unprinted),
    attribute("User-Name", Text),
    attribute("User-Password", Unprinted),
    attribute("CHAP-Password", Unprinted),
    attribute("NAS-IP-Address", Ipv4),
    attribute("NAS-Port", NUMBER),
    attribute("Service-Type", Number { first: 1, names: &SERVICE_TYPES }),
    attribute("Framed-Protocol", Number { first: 1, names: &FRAMED_PROTOCOLS }),
    attribute("Framed-IP-Address", Ipv4),
    attribute("Framed-IP-Netmask", Ipv4),
    attribute("Framed-Routing", Number { first: 0, names: &FRAMED_ROUTINGS }),
    attribute("Filter-Id", Text),
    attribute("Framed-MTU", NUMBER),
    attribute("Framed-Compression", Number { first: 0, names: &FRAMED_COMPRESSIONS }),
    attribute("Login-IP-Host", Ipv4),
    attribute("Login-Service", Number { first: 0, names: &LOGIN_SERVICES }),
    attribute("Login-TCP-Port", NUMBER),
    attribute("Unassigned", Unprinted),
    attribute("Reply-Message", Text),
    attribute("Callback-Number", Text),
    attribute("Callback-Id", Text),
    attribute("Unassigned", Unprinted),
    attribute("Framed-Route", Text),
    attribute("Framed-IPX-Network", NUMBER),
    attribute("State", Text),
    attribute("Class", Text),
    attribute("Vendor-Specific", Vendor),
    attribute("Session-Timeout", NUMBER),
    attribute("Idle-Timeout", NUMBER),
    attribute("Termination-Action", Number { first: 0, names: &TERMINATION_ACTIONS }),
    attribute("Called-Station-Id", Text),
    attribute("Calling-Station-Id", Text),
    attribute("NAS-Identifier", Text),
    attribute("Proxy-State", Text),
    attribute("Login-LAT-Service", Text),
    attribute("Login-LAT-Node", Text),
    attribute("Login-LAT-Group", Text),
    attribute("Framed-AppleTalk-Link", NUMBER),
    attribute("Framed-AppleTalk-Network", NUMBER),
    attribute("Framed-AppleTalk-Zone", Text),
    attribute("Acct-Status-Type", Number { first: 1, names: &ACCT_STATUS_TYPES }),
    attribute("Acct-Delay-Time", NUMBER),
    attribute("Acct-Input-Octets", NUMBER),
    attribute("Acct-Output-Octets", NUMBER),
    attribute("Acct-Session-Id", Text),
    attribute("Acct-Authentic", Number { first: 1, names: &ACCT_AUTHENTICS }),
    attribute("Acct-Session-Time", NUMBER),
    attribute("Acct-Input-Packets", NUMBER),
    attribute("Acct-Output-Packets", NUMBER),
    attribute("Acct-Terminate-Cause", Number { first: 1, names: &ACCT_TERMINATE_CAUSES }),
    attribute("Acct-Multi-Session-Id", Text),
    attribute("Acct-Link-Count", NUMBER),
    attribute("Acct-Input-Gigawords", NUMBER),
    attribute("Acct-Output-Gigawords", NUMBER),
    attribute("Unassigned", Unprinted),
    attribute("Event-Timestamp", Time),
    attribute("Egress-VLANID", NUMBER),
    attribute("Ingress-Filters", Number { first: 1, names: &INGRESS_FILTERS }),
    attribute("Egress-VLAN-Name", Text),
    attribute("User-Priority-Table", Unprinted),
    attribute("CHAP-Challenge", Text),
    attribute("NAS-Port-Type", Number { first: 0, names: &NAS_PORT_TYPES }),
    attribute("Port-Limit", NUMBER),
    attribute("Login-LAT-Port", Text),
    attribute("Tunnel-Type", Number { first: 1, names: &TUNNEL_TYPES }),
    attribute("Tunnel-Medium-Type", Number { first: 1, names: &TUNNEL_MEDIUMS }),
    attribute("Tunnel-Client-Endpoint", Text),
    attribute("Tunnel-Server-Endpoint", Text),
    attribute("Acct-Tunnel-Connection", Text),
    attribute("Tunnel-Password", Text),
    attribute("ARAP-Password", Special),
    attribute("ARAP-Features", Special),
    attribute("ARAP-Zone-Access", Number { first: 1, names: &ARAP_ZONE_ACCESSES }),
    attribute("ARAP-Security", Text),
    attribute("ARAP-Security-Data", Text),
    attribute("Password-Retry", NUMBER),
    attribute("Prompt", Number { first: 0, names: &PROMPTS }),
    attribute("Connect-Info", Text),
    attribute("Configuration-Token", Text),
    attribute("EAP-Message", Text),
    attribute("Message-Authenticator", Text),
    attribute("Tunnel-Private-Group-ID", Text),
    attribute("Tunnel-Assignment-ID", Text),
    attribute("Tunnel-Preference", NUMBER),
    attribute("ARAP-Challenge-Response", Special),
    attribute("Acct-Interim-Interval", NUMBER),
    attribute("Acct-Tunnel-Packets-Lost", NUMBER),
    attribute("NAS-Port-Id", Text),
    attribute("Framed-Pool", Text),
    attribute("CUI", Text),
    attribute("Tunnel-Client-Auth-ID", Text),
    attribute("Tunnel-Server-Auth-ID", Text),
    attribute("NAS-Filter-Rule", Text),
    attribute("Unassigned", Unprinted),
    attribute("Originating-Line-Info", Unprinted),
    attribute("NAS-IPv6-Address", Ipv6),
    attribute("Framed-Interface-ID", Unprinted),
    attribute("Framed-IPv6-Prefix", Ipv6Prefix),
    attribute("Login-IPv6-Host", Ipv6),
    attribute("Framed-IPv6-Route", Text),
    attribute("Framed-IPv6-Pool", Text),
    attribute("Error-Cause", Special),
    attribute("EAP-Key-Name", Unprinted),
    attribute("Digest-Response", Text),
    attribute("Digest-Realm", Text),
    attribute("Digest-Nonce", Text),
    attribute("Digest-Response-Auth", Text),
    attribute("Digest-Nextnonce", Text),
    attribute("Digest-Method", Text),
    attribute("Digest-URI", Text),
    attribute("Digest-Qop", Text),
    attribute("Digest-Algorithm", Text),
    attribute("Digest-Entity-Body-Hash", Text),
    attribute("Digest-CNonce", Text),
    attribute("Digest-Nonce-Count", Text),
    attribute("Digest-Username", Text),
    attribute("Digest-Opaque", Text),
    attribute("Digest-Auth-Param", Text),
    attribute("Digest-AKA-Auts", Text),
    attribute("Digest-Domain", Text),
    attribute("Digest-Stale", Text),
    attribute("Digest-HA1", Text),
    attribute("SIP-AOR", Text),
    attribute("Delegated-IPv6-Prefix", Ipv6Prefix),
    attribute("MIP6-Feature-Vector", FeatureVector),
    attribute("MIP6-Home-Link-Prefix", HomeLinkPrefix),
    attribute("Operator-Name", OperatorName),
    attribute("Location-Information", LocationInformation),
    attribute("Location-Data", LocationData),
    attribute("Basic-Location-Policy-Rules", LocationPolicyRules),
];

const FRAMED_IP_ADDRESS: u8 = 8;
const LOGIN_IP_HOST: u8 = 14;
const FRAMED_IPX_NETWORK: u8 = 23;
const SESSION_TIMEOUT: u8 = 27;
const IDLE_TIMEOUT: u8 = 28;
const FRAMED_APPLETALK_LINK: u8 = 37;
const FRAMED_APPLETALK_NETWORK: u8 = 38;
const ACCT_DELAY_TIME: u8 = 41;
const ACCT_SESSION_TIME: u8 = 46;
const EGRESS_VLAN_ID: u8 = 56;
const EGRESS_VLAN_NAME: u8 = 58;
const TUNNEL_TYPE: u8 = 64;
const TUNNEL_MEDIUM_TYPE: u8 = 65;
const TUNNEL_PASSWORD: u8 = 69;
const ARAP_PASSWORD: u8 = 70;
const ARAP_FEATURES: u8 = 71;
const EAP_MESSAGE: u8 = 79;
const TUNNEL_PREFERENCE: u8 = 83;
const ARAP_CHALLENGE_RESPONSE: u8 = 84;
const ACCT_INTERIM_INTERVAL: u8 = 85;
/// Tunnel attributes whose text may start with a tag (RFC 2868).
const TAGGED_TEXT: [u8; 6] = [66, 67, 81, 82, 90, 91];
const ERROR_CAUSE: u8 = 101;
/// The largest tag: a first byte above it is the text's own.
const MAX_TAG: u8 = 0x1f;
/// What tcpdump calls the addresses a NAS or a user picks.
const USER_SELECTED: u32 = 0xffff_ffff;
const NAS_SELECT: u32 = 0xffff_fffe;

impl ValueKind {
    fn print(self, line: &mut Line, value: Value) -> Printed {
        match self {
            Unprinted => {}
            Text => print_text(line, value)?,
            Number { first, names } => print_number(line, value, first, names)?,
            Ipv4 if value.has_len(line, 4) => match (value.attribute_type, value.be32(0)?) {
                (FRAMED_IP_ADDRESS | LOGIN_IP_HOST, USER_SELECTED) => line.push("User Selected"),
                (FRAMED_IP_ADDRESS | LOGIN_IP_HOST, NAS_SELECT) => line.push("NAS Select"),
                _ => line.put(format_args!("{}", value.radius.ipv4(value.offset)?)),
            },
            Ipv6 if value.len != 16 => line.put(format_args!("ERROR: length {} != 16", value.len)),
            Ipv6 => line.put(format_args!("{}", value.radius.ipv6(value.offset)?)),
            Ipv6Prefix => print_ipv6_prefix(line, value)?,
            Vendor => print_vendor(line, value)?,
            Time if value.has_len(line, 4) => {
                // ctime's format, in the local time (UTC in tests).
                let seconds = i64::from(value.be32(0)?);
                if let Some(time) = DateTime::from_timestamp(seconds, 0) {
                    line.put(format_args!("{}", time.with_timezone(&chrono::Local).format("%a %b %e %H:%M:%S %Y")));
                }
            }
            FeatureVector if value.has_len(line, 8) => {
                line.push("[");
                let vector = u64::from(value.be32(0)?) << 32 | u64::from(value.be32(4)?);
                let names = FEATURES.iter().filter(|(bit, _)| vector & bit != 0).map(|(_, name)| *name);
                line.put(format_args!("{}]", names.collect::<Vec<_>>().join(", ")));
            }
            HomeLinkPrefix if value.has_len(line, 17) && value.captured_whole(line) => {
                let prefix_len = value.u8(0)?;
                if prefix_len > 128 {
                    line.put(format_args!("ERROR: netmask {prefix_len} not in range (0..128)"));
                } else {
                    line.put(format_args!("{}/{prefix_len}", value.radius.ipv6(value.offset + 1)?));
                }
            }
            OperatorName if value.captured_whole(line) => {
                if value.len < 2 {
                    line.put(format_args!("ERROR: length {} < 2", value.len));
                    return Ok(());
                }
                match value.u8(0)? {
                    0x30 => line.push("[TADIG] "),
                    0x31 => line.push("[REALM] "),
                    0x32 => line.push("[E212] "),
                    0x33 => line.push("[ICC] "),
                    other => line.put(format_args!("[unknown namespace {other}] ")),
                }
                line.put_escaped(value.radius.slice(value.offset + 1, value.len - 1)?);
            }
            LocationInformation => print_location_information(line, value)?,
            LocationData if value.captured_whole(line) => {
                if value.len < 3 {
                    line.put(format_args!("ERROR: length {} < 3", value.len));
                    return Ok(());
                }
                line.put(format_args!("index {}, location", value.radius.be16(value.offset)?));
                let location = value.radius.slice(value.offset + 2, value.len - 2)?;
                hexdump::hex_and_ascii_indented(line, "\n\t    ", location);
            }
            LocationPolicyRules => print_location_policy_rules(line, value)?,
            Special => print_special(line, value)?,
            _ => {}
        }
        Ok(())
    }
}

/// Text up to its first NUL, non-printable bytes as `.`; some attributes start with a byte of their own.
fn print_text(line: &mut Line, value: Value) -> Printed {
    if !value.captured_whole(line) {
        return Ok(());
    }
    let mut skipped = 0;
    let first = value.u8(0)?;
    match value.attribute_type {
        TUNNEL_PASSWORD => {
            if value.len < 3 {
                value.radius.truncated().print(line);
                return Ok(());
            }
            print_tag(line, if first <= MAX_TAG { first } else { 0 });
            line.put(format_args!("Salt {} ", value.radius.be16(value.offset + 1)?));
            skipped = 3;
        }
        tagged if TAGGED_TEXT.contains(&tagged) && first <= MAX_TAG => {
            print_tag(line, first);
            skipped = 1;
        }
        EGRESS_VLAN_NAME => {
            print_vlan_tagging(line, first);
            skipped = 1;
        }
        EAP_MESSAGE => return eap::print(line, value.radius.next_layer(value.offset, "radius"), value.len),
        _ => {}
    }
    let text = value.radius.slice(value.offset + skipped, value.len - skipped)?;
    for &byte in text.iter().take_while(|&&byte| byte != 0) {
        line.push_char(printable_or_dot(byte));
    }
    Ok(())
}

fn printable_or_dot(byte: u8) -> char {
    if byte.is_ascii_graphic() || byte == b' ' { char::from(byte) } else { '.' }
}

/// `Tag[3] `, or `Tag[Unused] ` for tag 0.
fn print_tag(line: &mut Line, tag: u8) {
    match tag {
        0 => line.push("Tag[Unused] "),
        tag => line.put(format_args!("Tag[{tag}] ")),
    }
}

/// RFC 4675's first byte of a VLAN attribute: `Tagged (0x31) `.
fn print_vlan_tagging(line: &mut Line, tagging: u8) {
    let name = match tagging {
        0x31 => "Tagged",
        0x32 => "Untagged",
        _ => "Unknown tag",
    };
    line.put(format_args!("{name} (0x{tagging:02x}) "));
}

fn print_number(line: &mut Line, value: Value, first: u32, names: &[&str]) -> Printed {
    if !value.has_len(line, 4) {
        return Ok(());
    }
    if !names.is_empty() {
        let number = if matches!(value.attribute_type, TUNNEL_TYPE | TUNNEL_MEDIUM_TYPE) {
            print_tag(line, value.u8(0)?);
            value.be24_after_tag()?
        } else {
            value.be32(0)?
        };
        match number.checked_sub(first).and_then(|index| names.get(index as usize)) {
            Some(name) => line.push(name),
            None => line.put(format_args!("#{number}")),
        }
        return Ok(());
    }
    let number = value.be32(0)?;
    match value.attribute_type {
        FRAMED_IPX_NETWORK if number == NAS_SELECT => line.push("NAS Select"),
        SESSION_TIMEOUT | IDLE_TIMEOUT | ACCT_DELAY_TIME | ACCT_SESSION_TIME | ACCT_INTERIM_INTERVAL => {
            // A duration: `45 secs`, `10:00 min`, `01:02:05 hours`.
            match number {
                0..60 => line.put(format_args!("{number:02} secs")),
                60..3600 => line.put(format_args!("{:02}:{:02} min", number / 60, number % 60)),
                _ => {
                    line.put(format_args!("{:02}:{:02}:{:02} hours", number / 3600, (number % 3600) / 60, number % 60))
                }
            }
        }
        FRAMED_APPLETALK_LINK if number == 0 => line.push("Unnumbered"),
        FRAMED_APPLETALK_NETWORK if number == 0 => line.push("NAS assigned"),
        TUNNEL_PREFERENCE => {
            print_tag(line, value.u8(0)?);
            line.put(format_args!("{}", value.be24_after_tag()?));
        }
        EGRESS_VLAN_ID => {
            print_vlan_tagging(line, value.u8(0)?);
            line.put(format_args!("{}", value.be24_after_tag()?));
        }
        _ => line.put(format_args!("{number}")),
    }
    Ok(())
}

/// `2001:db8::/64`: a reserved byte, the prefix length, and as many bytes of the prefix as it needs.
fn print_ipv6_prefix(line: &mut Line, value: Value) -> Printed {
    if !(2..=18).contains(&value.len) {
        line.put(format_args!("ERROR: length {} not in range (2..18)", value.len));
        return Ok(());
    }
    if !value.captured_whole(line) {
        return Ok(());
    }
    let prefix_len = value.u8(1)?;
    if prefix_len > 128 {
        line.put(format_args!("ERROR: netmask {prefix_len} not in range (0..128)"));
        return Ok(());
    }
    let mut prefix = [0; 16];
    prefix[..value.len - 2].copy_from_slice(value.radius.slice(value.offset + 2, value.len - 2)?);
    line.put(format_args!("{}/{prefix_len}", super::address::IpAddress::V6(prefix)));
    if usize::from(prefix_len) > 8 * (value.len - 2) {
        line.push(" (inconsistent prefix length)");
    }
    Ok(())
}

/// `Vendor: Cisco (9)` and the vendor's own attributes, each on a line of its own.
fn print_vendor(line: &mut Line, value: Value) -> Printed {
    if value.len < 4 {
        value.radius.truncated().print(line);
        return Ok(());
    }
    let vendor = value.be32(0)?;
    line.put(format_args!("Vendor: {} ({vendor})", vendor_name(vendor).unwrap_or("Unknown")));
    let mut offset = value.offset + 4;
    let mut remaining = value.len - 4;
    while remaining >= 2 {
        let (vendor_type, vendor_len) = (value.radius.u8(offset)?, value.radius.u8(offset + 1)?);
        if vendor_len < 2 {
            line.put(format_args!(
                "\n\t    Vendor Attribute: {vendor_type}, Length: {vendor_len} (bogus, must be >= 2)"
            ));
            return Ok(());
        }
        let vendor_len = usize::from(vendor_len);
        if vendor_len > remaining {
            line.put(format_args!(
                "\n\t    Vendor Attribute: {vendor_type}, Length: {vendor_len} (bogus, goes past end of vendor-specific \
                 attribute)"
            ));
            return Ok(());
        }
        let data_len = vendor_len - 2;
        if !value.radius.has(offset + 2, data_len) {
            value.radius.truncated().print(line);
            return Ok(());
        }
        line.put(format_args!("\n\t    Vendor Attribute: {vendor_type}, Length: {data_len}, Value: "));
        for &byte in value.radius.slice(offset + 2, data_len)? {
            line.push_char(printable_or_dot(byte));
        }
        offset += vendor_len;
        remaining -= vendor_len;
    }
    Ok(())
}

/// tcpdump's names of SMI enterprise numbers (its `smi_values`).
fn vendor_name(vendor: u32) -> Option<&'static str> {
    Some(match vendor {
        0 => "IETF (reserved)",
        5 => "ACC",
        9 => "Cisco",
        11 => "Hewlett Packard",
        42 => "Sun Microsystems",
        61 => "Merit",
        74 => "AT&T",
        161 => "Motorola",
        166 => "Shiva",
        193 => "Ericsson AB",
        255 => "Cisco VPN 5000",
        307 => "Livingston",
        311 => "Microsoft",
        429 => "3Com",
        529 => "Ascend",
        1584 => "Bay Networks",
        1991 => "Foundry",
        2180 => "Versanet",
        2352 => "Redback",
        2636 => "Juniper Networks",
        2637 => "Aptis",
        2937 => "Deutsche Telekom AG",
        3054 => "Ixia Communications",
        3076 => "Cisco VPN 3000",
        3085 => "CoSine Communications",
        3199 => "Shasta",
        3224 => "Netscreen",
        3309 => "Nomadix",
        3414 | 6490 => "T-Mobile",
        3561 => "The Broadband Forum",
        3902 => "ZTE",
        4329 => "Siemens",
        4491 => "CableLabs",
        4874 => "Unisphere Networks",
        5263 => "Cisco BBSM",
        5535 => "3rd Generation Partnership Project 2 (3GPP2)",
        5806 => "SK Telecom",
        5925 => "ipUnplugged",
        5948 => "Issanni Communications",
        5951 => "Netscaler",
        6618 => "Quintum",
        6728 => "Interlink",
        7951 => "CNCTC",
        8164 => "Starent Networks",
        8744 => "Colubris",
        10415 => "3GPP",
        10529 => "Gemtek-Systems",
        10704 => "Barracuda Networks",
        10923 => "Ericsson AB - Packet Core Networks",
        11665 => "dacom",
        11862 => "Columbia University",
        12356 => "Fortinet",
        12951 => "Verizon Wireless",
        13745 => "Plixer",
        14122 => "Wi-Fi Alliance",
        16787 => "T-Systems Nova",
        20942 => "China Telecom - Guangzhou Research Institute",
        26866 => "Gigamon Systems",
        32622 => "CACE Technologies",
        35632 => "ntop",
        46098 => "Ericsson Canada",
        _ => return None,
    })
}

/// MIP6-Feature-Vector's capabilities (RFC 5447 and on).
const FEATURES: [(u64, &str); 12] = [
    (0x0000_0000_0000_0001, "MIP6_INTEGRATED"),
    (0x0000_0000_0000_0002, "LOCAL_HOME_AGENT_ASSIGNMENT"),
    (0x0000_0100_0000_0000, "PMIP6_SUPPORTED"),
    (0x0000_0200_0000_0000, "IP4_HOA_SUPPORTED"),
    (0x0000_0400_0000_0000, "LOCAL_MAG_ROUTING_SUPPORTED"),
    (0x0000_0800_0000_0000, "ASSIGN_LOCAL_IP"),
    (0x0000_1000_0000_0000, "MIP4_SUPPORTED"),
    (0x0000_2000_0000_0000, "OPTIMIZED_IDLE_MODE_MOBILITY"),
    (0x0000_4000_0000_0000, "GTPv2_SUPPORTED"),
    (0x0000_8000_0000_0000, "IP4_TRANSPORT_SUPPORTED"),
    (0x0001_0000_0000_0000, "IP4_HOA_ONLY_SUPPORTED"),
    (0x0002_0000_0000_0000, "INTER_MAG_ROUTING_SUPPORTED"),
];

/// RFC 5580's Location-Information: index, code, entity, two NTP times and the method.
fn print_location_information(line: &mut Line, value: Value) -> Printed {
    if !value.captured_whole(line) {
        return Ok(());
    }
    if value.len < 21 {
        line.put(format_args!("ERROR: length {} < 21", value.len));
        return Ok(());
    }
    let code = match value.u8(2)? {
        0 => "Civic".to_string(),
        1 => "Geospatial".to_string(),
        other => format!("Unknown ({other})"),
    };
    let entity = match value.u8(3)? {
        0 => "User".to_string(),
        1 => "RADIUS".to_string(),
        other => format!("Unknown ({other})"),
    };
    line.put(format_args!("index {}, code {code}, entity {entity}, ", value.radius.be16(value.offset)?));
    line.push("sighting time ");
    ntp::print_timestamp_at(line, value.radius, value.offset + 4)?;
    line.push(", time to live ");
    ntp::print_timestamp_at(line, value.radius, value.offset + 12)?;
    line.push(", method \"");
    line.put_escaped(value.radius.slice(value.offset + 20, value.len - 20)?);
    line.push("\"");
    Ok(())
}

/// Retransmission flag as the top bit, the rest must be zero.
const POLICY_FLAGS: [(u16, &str); 16] = [
    (0x0001, "MBZ-15"),
    (0x0002, "MBZ-14"),
    (0x0004, "MBZ-13"),
    (0x0008, "MBZ-12"),
    (0x0010, "MBZ-11"),
    (0x0020, "MBZ-10"),
    (0x0040, "MBZ-9"),
    (0x0080, "MBZ-8"),
    (0x0100, "MBZ-7"),
    (0x0200, "MBZ-6"),
    (0x0400, "MBZ-5"),
    (0x0800, "MBZ-4"),
    (0x1000, "MBZ-3"),
    (0x2000, "MBZ-2"),
    (0x4000, "MBZ-1"),
    (0x8000, "Retransmission Allowed"),
];

/// RFC 5580's Basic-Location-Policy-Rules: flags, retention time, and a note.
fn print_location_policy_rules(line: &mut Line, value: Value) -> Printed {
    if !value.captured_whole(line) {
        return Ok(());
    }
    if value.len < 10 {
        line.put(format_args!("ERROR: length {} < 10", value.len));
        return Ok(());
    }
    line.push("flags [");
    line.put_flag_names(value.radius.be16(value.offset)?, &POLICY_FLAGS);
    line.push("], retention expires ");
    ntp::print_timestamp_at(line, value.radius, value.offset + 2)?;
    if value.len > 10 {
        line.push(", note well \"");
        line.put_escaped(value.radius.slice(value.offset + 10, value.len - 10)?);
        line.push("\"");
    }
    Ok(())
}

/// ARAP's password, features and challenge response, in upper-case hex; Error-Cause by name.
fn print_special(line: &mut Line, value: Value) -> Printed {
    // Byte by byte, as far as captured.
    let put_hex = |line: &mut Line, index: usize, len: usize| -> Printed {
        for byte_index in index..index + len {
            line.put(format_args!("{:02X}", value.u8(byte_index)?));
        }
        Ok(())
    };
    match value.attribute_type {
        ARAP_PASSWORD if value.has_len(line, 16) => {
            line.push("User_challenge (");
            put_hex(line, 0, 8)?;
            line.push(") User_resp(");
            put_hex(line, 8, 8)?;
            line.push(")");
        }
        ARAP_FEATURES if value.has_len(line, 14) => {
            let change = if value.u8(0)? != 0 { "can" } else { "cannot" };
            line.put(format_args!("User {change} change password"));
            line.put(format_args!(", Min password length: {}", value.u8(1)?));
            line.push(", created at: ");
            put_hex(line, 2, 4)?;
            line.push(", expires in: ");
            put_hex(line, 6, 4)?;
            line.push(", Current Time: ");
            put_hex(line, 10, 4)?;
        }
        ARAP_CHALLENGE_RESPONSE if value.len < 8 => line.put(format_args!("ERROR: length {} != 8", value.len)),
        ARAP_CHALLENGE_RESPONSE => put_hex(line, 0, 8)?,
        ERROR_CAUSE if value.len != 4 => line.put(format_args!("Error: length {} != 4", value.len)),
        ERROR_CAUSE => {
            let cause = value.be32(0)?;
            line.put(format_args!("Error cause {cause}: "));
            match error_cause_name(cause) {
                Some(name) => line.push(name),
                None => line.put(format_args!("Error-Cause {cause} not known")),
            }
        }
        _ => {}
    }
    Ok(())
}

fn error_cause_name(cause: u32) -> Option<&'static str> {
    Some(match cause {
        201 => "Residual Session Context Removed",
        202 => "Invalid EAP Packet (Ignored)",
        401 => "Unsupported Attribute",
        402 => "Missing Attribute",
        403 => "NAS Identification Mismatch",
        404 => "Invalid Request",
        405 => "Unsupported Service",
        406 => "Unsupported Extension",
        407 => "Invalid Attribute Value",
        501 => "Administratively Prohibited",
        502 => "Request Not Routable (Proxy)",
        503 => "Session Context Not Found",
        504 => "Session Context Not Removable",
        505 => "Other Proxy Processing Error",
        506 => "Resources Unavailable",
        507 => "Request Initiated",
        508 => "Multiple Session Selection Unsupported",
        509 => "Location Info Required",
        _ => return None,
    })
}
