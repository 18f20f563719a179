//! DHCPv6 (tcpdump's print-dhcp6.c), on UDP ports 546 and 547: `dhcp6 solicit`; with -v the transaction id
//! (or a relay's addresses) and every option in parentheses, `(client-ID hwaddr type 1 0242ac110002)`.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
};

const RENEW: u8 = 5;
const INFORMATION_REQUEST: u8 = 11;
const RELAY_FORWARD: u8 = 12;
const RELAY_REPLY: u8 = 13;
/// The transaction id is the low three bytes of the first word.
const TRANSACTION_ID_MASK: u32 = 0x00ff_ffff;
/// A relay message's type, hop count and two addresses.
const RELAY_HEADER_LEN: usize = 34;
const OPTION_HEADER_LEN: usize = 4;

// The options printed by code of their own.
const CLIENT_ID: u16 = 1;
const SERVER_ID: u16 = 2;
const IA_NA: u16 = 3;
const IA_TA: u16 = 4;
const IA_ADDRESS: u16 = 5;
const OPTION_REQUEST: u16 = 6;
const PREFERENCE: u16 = 7;
const ELAPSED_TIME: u16 = 8;
const RELAY_MESSAGE: u16 = 9;
const AUTHENTICATION: u16 = 11;
const STATUS_CODE: u16 = 13;
const INTERFACE_ID: u16 = 18;
const RECONFIGURE_MESSAGE: u16 = 19;
const SIP_SERVER_DOMAINS: u16 = 21;
const SIP_SERVER_ADDRESSES: u16 = 22;
const DNS_SERVERS: u16 = 23;
const DOMAIN_LIST: u16 = 24;
const IA_PD: u16 = 25;
const IA_PREFIX: u16 = 26;
const NIS_SERVERS: u16 = 27;
const NISP_SERVERS: u16 = 28;
const SNTP_SERVERS: u16 = 31;
const LIFETIME: u16 = 32;
const BCMCS_SERVER_ADDRESSES: u16 = 34;
const REMOTE_ID: u16 = 37;
const SUBSCRIBER_ID: u16 = 38;
const PANA_AGENT: u16 = 40;
const POSIX_TIMEZONE: u16 = 41;
const TZDB_TIMEZONE: u16 = 42;
const ECHO_REQUEST: u16 = 43;
const LEASE_QUERY: u16 = 44;
const CLIENT_DATA: u16 = 45;
const CLIENT_LAST_TRANSACTION_TIME: u16 = 46;
const RELAY_DATA: u16 = 47;
const CLIENT_LINK: u16 = 48;
const NTP_SERVER: u16 = 56;
const AFTR_NAME: u16 = 64;
const MUD_URL: u16 = 112;

/// The longest domain name tcpdump prints whole.
const MAX_NAME_LEN: usize = 255;

fn message_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        1 => "solicit",
        2 => "advertise",
        3 => "request",
        4 => "confirm",
        RENEW => "renew",
        6 => "rebind",
        7 => "reply",
        8 => "release",
        9 => "decline",
        10 => "reconfigure",
        INFORMATION_REQUEST => "inf-req",
        RELAY_FORWARD => "relay-fwd",
        RELAY_REPLY => "relay-reply",
        14 => "leasequery",
        15 => "leasequery-reply",
        _ => return None,
    })
}

fn option_name(code: u16) -> Option<&'static str> {
    Some(match code {
        CLIENT_ID => "client-ID",
        SERVER_ID => "server-ID",
        IA_NA => "IA_NA",
        IA_TA => "IA_TA",
        IA_ADDRESS => "IA_ADDR",
        OPTION_REQUEST => "option-request",
        PREFERENCE => "preference",
        ELAPSED_TIME => "elapsed-time",
        RELAY_MESSAGE => "relay-message",
        AUTHENTICATION => "authentication",
        12 => "server-unicast",
        STATUS_CODE => "status-code",
        14 => "rapid-commit",
        15 => "user-class",
        16 => "vendor-class",
        17 => "vendor-specific-info",
        INTERFACE_ID => "interface-ID",
        RECONFIGURE_MESSAGE => "reconfigure-message",
        20 => "reconfigure-accept",
        SIP_SERVER_DOMAINS => "SIP-servers-domain",
        SIP_SERVER_ADDRESSES => "SIP-servers-address",
        DNS_SERVERS => "DNS-server",
        DOMAIN_LIST => "DNS-search-list",
        IA_PD => "IA_PD",
        IA_PREFIX => "IA_PD-prefix",
        SNTP_SERVERS => "SNTP-servers",
        LIFETIME => "lifetime",
        NIS_SERVERS => "NIS-server",
        NISP_SERVERS => "NIS+-server",
        29 => "NIS-domain-name",
        30 => "NIS+-domain-name",
        33 => "BCMCS-domain-name",
        BCMCS_SERVER_ADDRESSES => "BCMCS-server",
        36 => "Geoconf-Civic",
        REMOTE_ID => "Remote-ID",
        SUBSCRIBER_ID => "Subscriber-ID",
        39 => "Client-FQDN",
        PANA_AGENT => "PANA-agent",
        POSIX_TIMEZONE => "POSIX-timezone",
        TZDB_TIMEZONE => "POSIX-tz-database",
        ECHO_REQUEST => "Echo-request-option",
        LEASE_QUERY => "Lease-query",
        CLIENT_DATA => "LQ-client-data",
        CLIENT_LAST_TRANSACTION_TIME => "Clt-time",
        RELAY_DATA => "LQ-relay-data",
        CLIENT_LINK => "LQ-client-link",
        NTP_SERVER => "NTP-server",
        AFTR_NAME => "AFTR-Name",
        MUD_URL => "MUD-URL",
        _ => return None,
    })
}

fn put_option_name(line: &mut Line, code: u16) {
    match option_name(code) {
        Some(name) => line.push(name),
        None => line.put(format_args!("opt_{code}")),
    }
}

fn status_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0 => "Success",
        1 => "UnspecFail",
        2 => "NoAddrsAvail",
        3 => "NoBinding",
        4 => "NotOnLink",
        5 => "UseMulticast",
        6 => "NoPrefixAvail",
        7 => "UnknownQueryType",
        8 => "MalformedQuery",
        9 => "NotConfigured",
        10 => "NotAllowed",
        _ => return None,
    })
}

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    // Bytes past the message's length are read (for a name or a relay's header) but hold none of its options.
    let dhcp6 = Captured::new(bytes, "dhcp6");
    match print_header(line, verbosity, dhcp6, 0, length as usize)? {
        Some(options) => print_options(line, options),
        None => Ok(()),
    }
}

/// Options from `offset` to `end` in `dhcp6` (whose end is where the message that holds them ends), and what
/// follows their last one: the closing parentheses of the option or message that holds them.
struct Options<'a> {
    dhcp6: Captured<'a>,
    offset: usize,
    end: usize,
    closing: &'static str,
}

/// `dhcp6 solicit`, and at -v the transaction id or a relay's addresses: ` (xid=5e2f91`. Returns the options
/// to print after them (none without -v).
fn print_header<'a>(
    line: &mut Line,
    verbosity: u8,
    dhcp6: Captured<'a>,
    start: usize,
    len: usize,
) -> Result<Option<Options<'a>>, Truncated> {
    line.push("dhcp6");
    dhcp6.check(start, 4)?;
    let kind = dhcp6.u8(start)?;
    line.push(" ");
    match message_name(kind) {
        Some(name) => line.push(name),
        None => line.put(format_args!("msgtype-{kind}")),
    }
    if verbosity == 0 {
        return Ok(None);
    }
    line.push(" (");
    let options_start = if kind == RELAY_FORWARD || kind == RELAY_REPLY {
        let link = dhcp6.ipv6(start + 2)?;
        line.put(format_args!("linkaddr={link}"));
        line.put(format_args!(" peeraddr={}", dhcp6.ipv6(start + 18)?));
        start + RELAY_HEADER_LEN
    } else {
        line.put(format_args!("xid={:x}", dhcp6.be32(start)? & TRANSACTION_ID_MASK));
        start + 4
    };
    let end = (start + len).min(dhcp6.len());
    Ok(Some(Options { dhcp6, offset: options_start, end, closing: ")" }))
}

/// Prints each option ` (name ...)`, those inside options after the ones that hold them. An option running
/// past its container's end ends the container's options with the truncation marker, and the container goes
/// on. Relayed messages and options inside options nest as deep as a datagram allows: a stack of the options
/// still to print, not recursion, keeps track of them.
fn print_options<'a>(line: &mut Line, message: Options<'a>) -> Printed {
    let mut nesting = vec![message];
    while let Some(options) = nesting.last_mut() {
        let (dhcp6, offset, end) = (options.dhcp6, options.offset, options.end);
        if offset >= end {
            line.push(options.closing);
            nesting.pop();
            continue;
        }
        let len = if end < offset + OPTION_HEADER_LEN { None } else { Some(usize::from(dhcp6.be16(offset + 2)?)) };
        let data_start = offset + OPTION_HEADER_LEN;
        let Some(len) = len.filter(|len| data_start + len <= end) else {
            dhcp6.truncated().print(line);
            options.offset = end;
            continue;
        };
        options.offset = data_start + len;
        let code = dhcp6.be16(offset)?;
        line.push(" (");
        put_option_name(line, code);
        let option = DhcpOption { dhcp6, data: dhcp6.slice(data_start, len)?, start: data_start };
        match option.print(line, code)? {
            Body::Printed => {}
            Body::Cut => {
                dhcp6.truncated().print(line);
                options.offset = end;
            }
            Body::Inner(inner_start) if len > inner_start => {
                nesting.push(Options { dhcp6, offset: data_start + inner_start, end: data_start + len, closing: ")" })
            }
            Body::Inner(_) => line.push(")"),
            Body::Relayed => {
                line.push(" (");
                // The relayed message ends where the option does, for the names in it too.
                let relayed = dhcp6.limit(data_start + len);
                match print_header(line, 1, relayed, data_start, len) {
                    Ok(Some(message)) => nesting.push(Options { closing: "))", ..message }),
                    Ok(None) => line.push(")"),
                    Err(cut) if !cut.abandons_packet => {
                        cut.print(line);
                        line.push(")");
                    }
                    Err(cut) => return Err(cut),
                }
            }
        }
    }
    Ok(())
}

/// What printing an option's data left to do.
enum Body {
    /// The data and the closing parenthesis are printed.
    Printed,
    /// A name in the data was cut, which ends the options that hold this one.
    Cut,
    /// Options follow from this offset in the data (if it has more), then the closing parenthesis.
    Inner(usize),
    /// A relayed message is the data.
    Relayed,
}

/// One option's data, captured whole, at `start` in the message.
struct DhcpOption<'a> {
    dhcp6: Captured<'a>,
    data: &'a [u8],
    start: usize,
}

impl DhcpOption<'_> {
    fn len(&self) -> usize {
        self.data.len()
    }

    fn end(&self) -> usize {
        self.start + self.data.len()
    }

    fn u32_at(&self, offset: usize) -> u32 {
        self.data.get(offset..).and_then(|rest| rest.first_chunk()).map_or(0, |word| u32::from_be_bytes(*word))
    }

    fn ipv6_at(&self, offset: usize) -> IpAddress {
        IpAddress::V6(self.data.get(offset..).and_then(|rest| rest.first_chunk()).copied().unwrap_or_default())
    }

    /// ` ?)`: the data do not fit the option.
    fn malformed(line: &mut Line) -> Result<Body, Truncated> {
        line.push(" ?)");
        Ok(Body::Printed)
    }

    /// Prints the data, and the closing parenthesis unless options inside or a relayed message follow.
    fn print(&self, line: &mut Line, code: u16) -> Result<Body, Truncated> {
        let len = self.len();
        match code {
            CLIENT_ID | SERVER_ID => return self.print_duid(line),
            IA_ADDRESS => {
                if len < 24 {
                    return Self::malformed(line);
                }
                line.put(format_args!(" {} pltime:{} vltime:{}", self.ipv6_at(0), self.u32_at(16), self.u32_at(20)));
                return Ok(Body::Inner(24));
            }
            OPTION_REQUEST | ECHO_REQUEST => {
                if !len.is_multiple_of(2) {
                    return Self::malformed(line);
                }
                for pair in self.data.chunks_exact(2) {
                    line.push(" ");
                    put_option_name(line, u16::from_be_bytes([pair[0], pair[1]]));
                }
            }
            PREFERENCE => match self.data {
                [preference] => line.put(format_args!(" {preference}")),
                _ => return Self::malformed(line),
            },
            ELAPSED_TIME => match self.data {
                [high, low] => line.put(format_args!(" {}", u16::from_be_bytes([*high, *low]))),
                _ => return Self::malformed(line),
            },
            RELAY_MESSAGE => return Ok(Body::Relayed),
            AUTHENTICATION => {
                if len < 11 {
                    return Self::malformed(line);
                }
                self.print_authentication(line);
            }
            INTERFACE_ID | SUBSCRIBER_ID => self.print_hex_start(line, " ", 0),
            REMOTE_ID => {
                if len < 4 {
                    return Self::malformed(line);
                }
                self.print_hex_start(line, &format!(" {} ", self.u32_at(0)), 4);
            }
            RELAY_DATA => {
                if len < 16 {
                    return Self::malformed(line);
                }
                self.print_hex_start(line, &format!(" {} ", self.ipv6_at(0)), 16);
            }
            RECONFIGURE_MESSAGE => match self.data {
                [RENEW] => line.push(" for renew"),
                [INFORMATION_REQUEST] => line.push(" for inf-req"),
                [other] => line.put(format_args!(" for ???({other:02x})")),
                _ => return Self::malformed(line),
            },
            SIP_SERVER_ADDRESSES
            | DNS_SERVERS
            | SNTP_SERVERS
            | NIS_SERVERS
            | NISP_SERVERS
            | BCMCS_SERVER_ADDRESSES
            | PANA_AGENT
            | CLIENT_LINK => {
                if !len.is_multiple_of(16) {
                    return Self::malformed(line);
                }
                for offset in (0..len).step_by(16) {
                    line.put(format_args!(" {}", self.ipv6_at(offset)));
                }
            }
            SIP_SERVER_DOMAINS | DOMAIN_LIST => {
                let mut offset = self.start;
                while offset < self.end() {
                    line.push(" ");
                    match print_name(line, self.dhcp6, offset, self.end())? {
                        Some(next) => offset = next,
                        None => return Ok(Body::Cut),
                    }
                }
            }
            STATUS_CODE => {
                if len < 2 {
                    return Self::malformed(line);
                }
                let status = u16::from_be_bytes([self.data[0], self.data[1]]);
                match status_name(status) {
                    _ if status > 255 => line.push(" INVALID code"),
                    Some(name) => line.put(format_args!(" {name}")),
                    None => line.put(format_args!(" code{status}")),
                }
            }
            IA_NA | IA_PD => {
                if len < 12 {
                    return Self::malformed(line);
                }
                line.put(format_args!(" IAID:{} T1:{} T2:{}", self.u32_at(0), self.u32_at(4), self.u32_at(8)));
                return Ok(Body::Inner(12));
            }
            IA_TA => {
                if len < 4 {
                    return Self::malformed(line);
                }
                line.put(format_args!(" IAID:{}", self.u32_at(0)));
                return Ok(Body::Inner(4));
            }
            IA_PREFIX => {
                if len < 25 {
                    return Self::malformed(line);
                }
                let prefix_len = self.data[8];
                line.put(format_args!(" {}/{prefix_len}", self.ipv6_at(9)));
                line.put(format_args!(" pltime:{} vltime:{}", self.u32_at(0), self.u32_at(4)));
                return Ok(Body::Inner(25));
            }
            LIFETIME | CLIENT_LAST_TRANSACTION_TIME => {
                if len != 4 {
                    return Self::malformed(line);
                }
                line.put(format_args!(" {}", self.u32_at(0)));
            }
            LEASE_QUERY => {
                if len < 17 {
                    return Self::malformed(line);
                }
                match self.data[0] {
                    1 => line.push(" by-address"),
                    2 => line.push(" by-clientID"),
                    other => line.put(format_args!(" type_{other}")),
                }
                line.put(format_args!(" {}", self.ipv6_at(1)));
                return Ok(Body::Inner(17));
            }
            CLIENT_DATA => return Ok(Body::Inner(0)),
            NTP_SERVER => {
                if len < 4 {
                    return Self::malformed(line);
                }
                if !self.print_ntp_server(line)? {
                    return Ok(Body::Cut);
                }
            }
            AFTR_NAME => {
                if len < 3 {
                    return Self::malformed(line);
                }
                self.print_aftr_name(line);
            }
            POSIX_TIMEZONE | TZDB_TIMEZONE | MUD_URL => {
                if len < 5 {
                    return Self::malformed(line);
                }
                line.push(" ");
                put_up_to_zero(line, self.data);
            }
            _ => {}
        }
        line.push(")");
        Ok(Body::Printed)
    }

    /// A DUID (RFC 8415): link-layer address plus time, enterprise number, or link-layer address.
    fn print_duid(&self, line: &mut Line) -> Result<Body, Truncated> {
        let [high, low, rest @ ..] = self.data else { return Self::malformed(line) };
        match u16::from_be_bytes([*high, *low]) {
            1 if rest.len() >= 6 => {
                let hardware = u16::from_be_bytes([rest[0], rest[1]]);
                line.put(format_args!(" hwaddr/time type {hardware} time {} ", self.u32_at(4)));
                put_hex(line, &rest[6..]);
            }
            2 if rest.len() >= 8 => {
                line.push(" vid ");
                put_hex(line, &rest[..8]);
            }
            3 if rest.len() >= 2 => {
                line.put(format_args!(" hwaddr type {} ", u16::from_be_bytes([rest[0], rest[1]])));
                put_hex(line, &rest[2..]);
            }
            1..=3 => return Self::malformed(line),
            other => line.put(format_args!(" type {other}")),
        }
        line.push(")");
        Ok(Body::Printed)
    }

    /// Up to ten bytes from `offset` in hex after `prefix`, then `...`: their encoding is anyone's guess.
    fn print_hex_start(&self, line: &mut Line, prefix: &str, offset: usize) {
        line.push(prefix);
        let rest = self.data.get(offset..).unwrap_or_default();
        put_hex(line, rest.get(..10).unwrap_or(rest));
        line.push("...");
    }

    /// RFC 3118's authentication: protocol, algorithm, replay detection, and the protocol's own part.
    fn print_authentication(&self, line: &mut Line) {
        const DELAYED: u8 = 2;
        const RECONFIGURE_KEY: u8 = 3;
        let data = self.data;
        match data[0] {
            DELAYED => line.push(" proto: delayed"),
            RECONFIGURE_KEY => line.push(" proto: reconfigure"),
            other => line.put(format_args!(" proto: {other}")),
        }
        match data[1] {
            1 => line.push(", alg: HMAC-MD5"),
            other => line.put(format_args!(", alg: {other}")),
        }
        match data[2] {
            0 => line.push(", RDM: mono"),
            other => line.put(format_args!(", RDM: {other}")),
        }
        line.push(", RD:");
        for pair in data[3..11].chunks_exact(2) {
            line.put(format_args!(" {:02x}{:02x}", pair[0], pair[1]));
        }
        let information = &data[11..];
        let words = |line: &mut Line, offset: usize| {
            for word in 0..4 {
                line.put(format_args!(" {:08x}", self.u32_at(offset + 4 * word)));
            }
        };
        match data[0] {
            DELAYED if information.is_empty() => {}
            DELAYED if information.len() < 20 => line.push(" ??"),
            DELAYED => {
                let realm_len = information.len() - 20;
                if realm_len > 0 {
                    line.push(", realm: ");
                }
                put_hex(line, &information[..realm_len]);
                line.put(format_args!(", key ID: {:08x}", self.u32_at(11 + realm_len)));
                line.push(", HMAC-MD5:");
                words(line, 15 + realm_len);
            }
            RECONFIGURE_KEY if information.len() == 17 => {
                match information[0] {
                    1 => line.push(" reconfig-key"),
                    2 => line.push(" type: HMAC-MD5"),
                    _ => line.push(" type: ??"),
                }
                line.push(" value:");
                words(line, 12);
            }
            _ => line.push(" ??"),
        }
    }

    /// RFC 5908's NTP server sub-options: addresses and names; false if a sub-option runs past the option.
    fn print_ntp_server(&self, line: &mut Line) -> Result<bool, Truncated> {
        // As tcpdump has it, a sub-option starts only more than four bytes before the option's end.
        let mut offset = self.start;
        while offset + 4 < self.end() {
            let code = self.dhcp6.be16(offset)?;
            let len = usize::from(self.dhcp6.be16(offset + 2)?);
            offset += 4;
            if offset + len > self.end() {
                return Ok(false);
            }
            line.put(format_args!(" subopt:{code}"));
            match code {
                1 | 2 if len == 16 => line.put(format_args!(" {}", self.dhcp6.ipv6(offset)?)),
                3 => {
                    line.push(" ");
                    if print_name(line, self.dhcp6, offset, offset + len)?.is_none() {
                        return Ok(false);
                    }
                }
                _ => line.push(" ?"),
            }
            offset += len;
        }
        Ok(true)
    }

    /// RFC 6334's tunnel end: labels with dots between them, ` ?` for one that runs past the option.
    fn print_aftr_name(&self, line: &mut Line) {
        line.push(" ");
        let mut rest = self.data;
        while let [label_len, after @ ..] = rest {
            if *label_len == 0 {
                break;
            }
            let label_len = usize::from(*label_len);
            if label_len >= rest.len() - 1 {
                line.push(" ?");
                break;
            }
            put_up_to_zero(line, &after[..label_len]);
            rest = &after[label_len..];
            if rest.first().is_some_and(|&next| next != 0) {
                line.push(".");
            }
        }
    }
}

fn put_hex(line: &mut Line, bytes: &[u8]) {
    bytes.iter().for_each(|byte| line.put(format_args!("{byte:02x}")));
}

/// Text that ends at a zero byte if it has one.
fn put_up_to_zero(line: &mut Line, text: &[u8]) {
    let len = text.iter().position(|&byte| byte == 0).unwrap_or(text.len());
    line.put_escaped(&text[..len]);
}

/// A domain name in DNS's wire format at `offset`, `example.com.`, as tcpdump's `fqdn_print` reads it with
/// `base` (the end of the option that holds it) as the start compression pointers count from. Returns where
/// the name ends, or none (after any error text) if it is malformed or cut.
fn print_name(line: &mut Line, dhcp6: Captured, offset: usize, base: usize) -> Result<Option<usize>, Truncated> {
    const LABEL_KIND: u8 = 0xc0;
    const POINTER: u8 = 0xc0;
    const EXTENDED: u8 = 0x40;
    const RESERVED: u8 = 0x80;
    /// RFC 2673's extended label of bits.
    const BIT_LABEL: u8 = 0x41;
    let label = |line: &mut Line, position: usize| -> Result<Option<u8>, Truncated> {
        if !dhcp6.has(position, 1) {
            return Ok(None);
        }
        let length = dhcp6.u8(position)?;
        match length & LABEL_KIND {
            EXTENDED if length == BIT_LABEL => Ok(dhcp6.has(position + 1, 1).then_some(length)),
            EXTENDED => {
                line.put(format_args!("<ELT {}>", length & !LABEL_KIND));
                Ok(None)
            }
            RESERVED => {
                line.push("<BAD LABEL TYPE>");
                Ok(None)
            }
            _ => Ok(Some(length)),
        }
    };
    let Some(mut length) = label(line, offset)? else { return Ok(None) };
    if length == 0 {
        line.push(".");
        return Ok(Some(offset + 1));
    }
    let mut end = None;
    let mut position = offset;
    // A pointer must point before the previous one; the first may point anywhere past the base.
    let mut limit = usize::MAX;
    let mut name_len = 0;
    while length != 0 {
        if length & LABEL_KIND == POINTER {
            end.get_or_insert(position + 2);
            if !dhcp6.has(position + 1, 1) {
                return Ok(None);
            }
            let target = usize::from(u16::from_be_bytes([length, dhcp6.u8(position + 1)?]) & 0x3fff);
            if target >= limit {
                line.push("<BAD PTR>");
                return Ok(None);
            }
            limit = target;
            position = base + target;
        } else if length == BIT_LABEL {
            position += 1 + print_bit_label(line, dhcp6, position + 1)?;
            if name_len <= MAX_NAME_LEN {
                line.push(".");
            }
            name_len += 1;
        } else {
            let text = dhcp6.rest(position + 1);
            let shown = usize::from(length).min(MAX_NAME_LEN.saturating_sub(name_len));
            line.put_escaped(text.get(..shown).unwrap_or(text));
            if text.len() < shown {
                return Ok(None);
            }
            name_len += usize::from(length);
            position += 1 + usize::from(length);
            if name_len <= MAX_NAME_LEN {
                line.push(".");
            }
            name_len += 1;
        }
        let Some(next) = label(line, position)? else { return Ok(None) };
        length = next;
    }
    if name_len > MAX_NAME_LEN {
        line.push("<DOMAIN NAME TOO LONG>");
    }
    Ok(Some(end.unwrap_or(position + 1)))
}

/// RFC 2673's label of bits at `offset` (its length in bits, then the bits): `\[xc0a8/16]`, its hex digits as
/// tcpdump shows them. Returns the label's length after its type byte.
fn print_bit_label(line: &mut Line, dhcp6: Captured, offset: usize) -> Result<usize, Truncated> {
    let bit_count = match dhcp6.u8(offset)? {
        0 => 256,
        count => usize::from(count),
    };
    // tcpdump reads whole bytes only up to as many as the label has hex digits.
    let digits_end = offset + 1 + bit_count.div_ceil(4);
    line.push("\\[x");
    let mut position = offset + 1;
    let mut bits_left = bit_count;
    while position < digits_end && bits_left > 7 {
        line.put(format_args!("{:02x}", dhcp6.u8(position)?));
        position += 1;
        bits_left -= 8;
    }
    if bits_left > 4 {
        line.put(format_args!("{:02x}", dhcp6.u8(position)? & (0xff << (8 - bits_left))));
    } else if bits_left > 0 {
        line.put(format_args!("{:x}", (dhcp6.u8(position)? >> 4) & (0x0f << (4 - bits_left))));
    }
    line.put(format_args!("/{bit_count}]"));
    Ok(bit_count.div_ceil(8) + 1)
}
