//! ISAKMP, IKEv1 and IKEv2 (tcpdump's print-isakmp.c), UDP port 500 (and 7500, 8500), and 4500 where NAT
//! traversal puts ESP and IKE on one port (RFC 3948): `isakmp: phase 1 I ident`, `isakmp: parent_sa
//! ikev2_init[I]`; at -v the version, message id and the chain of payloads, each on a line of its own and nested
//! as proposals hold transforms, at -vv the cookies and more of each payload's data, at -vvv all of it.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    esp,
    ip::IpEnvelope,
};

pub(super) const PORT: u16 = 500;
pub(super) const NAT_TRAVERSAL_PORT: u16 = 4500;
/// Ports tcpdump also takes for ISAKMP, though no standard names them.
pub(super) const NONSTANDARD_PORTS: [u16; 2] = [7500, 8500];

const HEADER_LEN: usize = 28;
/// Every payload's generic header: next payload, critical bit, length.
const GENERIC_LEN: usize = 4;

const FLAG_ENCRYPTED: u8 = 0x01;
const FLAG_COMMIT: u8 = 0x02;
const FLAG_INITIATOR: u8 = 0x08;
const FLAG_VERSION: u8 = 0x10;
const FLAG_RESPONSE: u8 = 0x20;

const PAYLOAD_SA: u8 = 1;
const PAYLOAD_PROPOSAL: u8 = 2;
const PAYLOAD_TRANSFORM: u8 = 3;
const PAYLOAD_V2_ENCRYPTED: u8 = 46;

/// How many initiators tcpdump remembers, to tell which side later packets come from.
const REMEMBERED_INITIATORS: usize = 20;

/// The IKEv1 initiators seen so far (tcpdump's cookie cache): each initiator cookie with the addresses of the
/// exchange's first packet. Like tcpdump's, it starts with all-zero entries, and new ones replace the oldest.
pub(super) struct Initiators {
    entries: [Initiator; REMEMBERED_INITIATORS],
    next: usize,
}

#[derive(Clone, Copy, Default)]
struct Initiator {
    cookie: [u8; 8],
    /// The initiator's and the responder's address; none for the entries nothing was recorded in.
    addresses: Option<(IpAddress, IpAddress)>,
}

impl Default for Initiators {
    fn default() -> Self {
        Initiators { entries: [Initiator::default(); REMEMBERED_INITIATORS], next: 0 }
    }
}

impl Initiators {
    fn find(&self, cookie: [u8; 8]) -> Option<usize> {
        self.entries.iter().position(|entry| entry.cookie == cookie)
    }

    fn record(&mut self, cookie: [u8; 8], source: IpAddress, destination: IpAddress) {
        if let Some(index) = self.find(cookie) {
            self.next = (index + 1) % REMEMBERED_INITIATORS;
            return;
        }
        self.entries[self.next] = Initiator { cookie, addresses: Some((source, destination)) };
        self.next = (self.next + 1) % REMEMBERED_INITIATORS;
    }

    /// ` I`, ` R` or ` ?`: which side of the exchange sent the packet, as far as the initiators seen tell.
    fn side(
        &mut self,
        cookie: [u8; 8],
        responder_cookie_is_zero: bool,
        source: IpAddress,
        destination: IpAddress,
    ) -> &'static str {
        let Some(index) = self.find(cookie) else {
            if responder_cookie_is_zero {
                // An exchange's first packet.
                self.record(cookie, source, destination);
                return " I";
            }
            return " ?";
        };
        match self.entries[index].addresses {
            Some((initiator, _)) if initiator == source => " I",
            Some((_, responder)) if responder == source => " R",
            _ => " ?",
        }
    }
}

/// The IP addresses a datagram came between.
/// Prints a datagram on the NAT traversal port, `length` bytes long, of which `bytes` were captured: a
/// keep-alive, IKE after four zero bytes, or ESP.
pub(super) fn print_nat_traversal(
    line: &mut Line,
    verbosity: u8,
    initiators: &mut Initiators,
    envelope: &IpEnvelope,
    bytes: &[u8],
    length: u32,
) -> Printed {
    let datagram = Captured::new(bytes, "isakmp_rfc3948");
    if length == 1 && datagram.u8(0)? == 0xff {
        line.push("isakmp-nat-keep-alive");
        return Ok(());
    }
    if length < 4 {
        return Err(datagram.truncated());
    }
    if datagram.be32(0)? == 0 {
        line.push("NONESP-encap: ");
        return print(line, verbosity, initiators, envelope, datagram.rest(4), length - 4);
    }
    line.push("UDP-encap: ");
    esp::print(line, bytes, length)
}

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(
    line: &mut Line,
    verbosity: u8,
    initiators: &mut Initiators,
    envelope: &IpEnvelope,
    bytes: &[u8],
    length: u32,
) -> Printed {
    let isakmp = Captured::new(bytes, "isakmp");
    if !isakmp.has(0, HEADER_LEN) {
        return Err(isakmp.truncated());
    }
    line.push("isakmp");
    let version = isakmp.u8(17)?;
    let (major, minor) = (version >> 4, version & 0x0f);
    if verbosity > 0 {
        line.put(format_args!(" {major}.{minor} msgid "));
        put_hex(line, isakmp.slice(20, 4)?);
    }
    if verbosity > 1 {
        line.push(" cookie ");
        put_hex(line, isakmp.slice(0, 8)?);
        line.push("->");
        put_hex(line, isakmp.slice(8, 8)?);
    }
    line.push(":");
    let message = Message { isakmp, verbosity, is_v2: major == 2 };
    let flags = isakmp.u8(19)?;
    let phase = if isakmp.be32(20)? == 0 { 1 } else { 2 };
    match major {
        1 => {
            line.push(if phase == 1 { " phase 1" } else { " phase 2/others" });
            let responder_cookie_is_zero = isakmp.slice(8, 8)?.iter().all(|&byte| byte == 0);
            let cookie = isakmp.array(0)?;
            line.push(initiators.side(cookie, responder_cookie_is_zero, envelope.source, envelope.destination));
            line.put(format_args!(" {}", ExchangeType(isakmp.u8(18)?)));
            if flags != 0 {
                line.push("[");
                if flags & FLAG_ENCRYPTED != 0 {
                    line.push("E");
                }
                if flags & FLAG_COMMIT != 0 {
                    line.push("C");
                }
                line.push("]");
            }
        }
        2 => {
            line.push(if phase == 1 { " parent_sa" } else { " child_sa " });
            line.put(format_args!(" {}", ExchangeType(isakmp.u8(18)?)));
            if flags != 0 {
                line.push("[");
                for (flag, name) in [(FLAG_INITIATOR, "I"), (FLAG_VERSION, "V"), (FLAG_RESPONSE, "R")] {
                    if flags & flag != 0 {
                        line.push(name);
                    }
                }
                line.push("]");
            }
        }
        _ => return Ok(()),
    }
    if verbosity == 0 {
        return Ok(());
    }
    line.push(":");
    let next = isakmp.u8(16)?;
    if flags & FLAG_ENCRYPTED != 0 {
        // Nothing to decode without the keys.
        line.put(format_args!(" [encrypted {}]", PayloadName(next)));
    } else {
        let top = Payload { offset: 0, len: HEADER_LEN, payload_type: next, protocol: 0, depth: 0 };
        message.print_chain(line, next, HEADER_LEN, top)?;
    }
    let declared = isakmp.be32(24)?;
    if declared != length {
        line.put(format_args!(" (len mismatch: isakmp {declared}/ip {length})"));
    }
    Ok(())
}

fn put_hex(line: &mut Line, bytes: &[u8]) {
    bytes.iter().for_each(|byte| line.put(format_args!("{byte:02x}")));
}

/// tcpdump's names of payload types: `sa`, `v2nonce`, `pay20`, `#49`.
struct PayloadName(u8);

impl std::fmt::Display for PayloadName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 49] = [
            "none", "sa", "p", "t", "ke", "id", "cert", "cr", "hash", "sig", "nonce", "n", "d", "vid", "pay14",
            "pay15", "pay16", "pay17", "pay18", "pay19", "pay20", "pay21", "pay22", "pay23", "pay24", "pay25", "pay26",
            "pay27", "pay28", "pay29", "pay30", "pay31", "pay32", "v2sa", "v2ke", "v2IDi", "v2IDr", "v2cert", "v2cr",
            "v2auth", "v2nonce", "v2n", "v2d", "v2vid", "v2TSi", "v2TSr", "v2e", "v2cp", "v2eap",
        ];
        match NAMES.get(usize::from(self.0)) {
            Some(name) => f.write_str(name),
            None => write!(f, "#{}", self.0),
        }
    }
}

/// `name`, or `#7` for a value the table has no name for (tcpdump's `STR_OR_ID`).
struct NameOrNumber(&'static [Option<&'static str>], u32);

impl std::fmt::Display for NameOrNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.get(self.1 as usize).copied().flatten() {
            Some(name) => f.write_str(name),
            None => write!(f, "#{}", self.1),
        }
    }
}

struct ExchangeType(u8);

impl std::fmt::Display for ExchangeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.0 {
            0 => "none",
            1 => "base",
            2 => "ident",
            3 => "auth",
            4 => "agg",
            5 => "inf",
            32 => "oakley-quick",
            33 => "oakley-newgroup",
            34 => "ikev2_init",
            35 => "ikev2_auth",
            36 => "child_sa",
            37 => "inf2",
            other => return write!(f, "#{other}"),
        };
        f.write_str(name)
    }
}

const PROTOCOL_IDS: &[Option<&str>] = &[None, Some("isakmp"), Some("ipsec-ah"), Some("ipsec-esp"), Some("ipcomp")];
const DH_GROUPS: &[Option<&str>] = &[
    None,
    Some("modp768"),
    Some("modp1024"),
    Some("EC2N 2^155"),
    Some("EC2N 2^185"),
    Some("modp1536"),
    Some("iana-grp06"),
    Some("iana-grp07"),
    Some("iana-grp08"),
    Some("iana-grp09"),
    Some("iana-grp10"),
    Some("iana-grp11"),
    Some("iana-grp12"),
    Some("iana-grp13"),
    Some("modp2048"),
    Some("modp3072"),
    Some("modp4096"),
    Some("modp6144"),
    Some("modp8192"),
];
const ESP_TRANSFORMS: &[Option<&str>] = &[
    None,
    Some("1des-iv64"),
    Some("1des"),
    Some("3des"),
    Some("rc5"),
    Some("idea"),
    Some("cast"),
    Some("blowfish"),
    Some("3idea"),
    Some("1des-iv32"),
    Some("rc4"),
    Some("null"),
    Some("aes"),
];
const AH_TRANSFORMS: &[Option<&str>] = &[
    None,
    Some("(reserved)"),
    Some("md5"),
    Some("sha"),
    Some("1des"),
    Some("sha2-256"),
    Some("sha2-384"),
    Some("sha2-512"),
];
const IPCOMP_TRANSFORMS: &[Option<&str>] = &[None, Some("oui"), Some("deflate"), Some("lzs")];
const IKE_TRANSFORMS: &[Option<&str>] = &[None, Some("ike")];
const V2_TRANSFORM_TYPES: &[Option<&str>] = &[None, Some("encr"), Some("prf"), Some("integ"), Some("dh"), Some("esn")];
const PRF_TRANSFORMS: &[Option<&str>] =
    &[None, Some("hmac-md5"), Some("hmac-sha"), Some("hmac-tiger"), Some("aes128_xcbc")];
const INTEGRITY_TRANSFORMS: &[Option<&str>] =
    &[None, Some("hmac-md5"), Some("hmac-sha"), Some("dec-mac"), Some("kpdk-md5"), Some("aes-xcbc")];
const ESN_TRANSFORMS: &[Option<&str>] = &[Some("no-esn"), Some("esn")];
const CERTIFICATE_TYPES: &[Option<&str>] = &[
    Some("none"),
    Some("pkcs7"),
    Some("pgp"),
    Some("dns"),
    Some("x509sign"),
    Some("x509ke"),
    Some("kerberos"),
    Some("crl"),
    Some("arl"),
    Some("spki"),
    Some("x509attr"),
];

/// A transform attribute type: its name and the names of its values, if it has any.
type AttributeType = Option<(&'static str, &'static [Option<&'static str>])>;

const LIFE_TYPES: &[Option<&str>] = &[None, Some("sec"), Some("kb")];
const IPSEC_ATTRIBUTES: &[AttributeType] = &[
    None,
    Some(("lifetype", LIFE_TYPES)),
    Some(("life", &[])),
    Some(("group desc", DH_GROUPS)),
    Some(("enc mode", &[None, Some("tunnel"), Some("transport")])),
    Some(("auth", &[None, Some("hmac-md5"), Some("hmac-sha1"), Some("1des-mac"), Some("keyed")])),
    Some(("keylen", &[])),
    Some(("rounds", &[])),
    Some(("dictsize", &[])),
    Some(("privalg", &[])),
];
const OAKLEY_ATTRIBUTES: &[AttributeType] = &[
    None,
    Some((
        "enc",
        &[None, Some("1des"), Some("idea"), Some("blowfish"), Some("rc5"), Some("3des"), Some("cast"), Some("aes")],
    )),
    Some((
        "hash",
        &[None, Some("md5"), Some("sha1"), Some("tiger"), Some("sha2-256"), Some("sha2-384"), Some("sha2-512")],
    )),
    Some(("auth", &[None, Some("preshared"), Some("dss"), Some("rsa sig"), Some("rsa enc"), Some("rsa enc revised")])),
    Some(("group desc", DH_GROUPS)),
    Some(("group type", &[None, Some("MODP"), Some("ECP"), Some("EC2N")])),
    Some(("group prime", &[])),
    Some(("group gen1", &[])),
    Some(("group gen2", &[])),
    Some(("group curve A", &[])),
    Some(("group curve B", &[])),
    Some(("lifetype", LIFE_TYPES)),
    Some(("lifeduration", &[])),
    Some(("prf", &[])),
    Some(("keylen", &[])),
    Some(("field", &[])),
    Some(("order", &[])),
];
/// IKEv2's encryption transforms have one attribute, the key length (type 14).
const ENCRYPTION_ATTRIBUTES: &[AttributeType] =
    &[None, None, None, None, None, None, None, None, None, None, None, None, None, None, Some(("keylen", &[]))];

/// Where a payload's printing left the chain: the offset of the next payload, or `None` where tcpdump stops
/// printing the chain (the mark, if any, already printed).
type Chained = Result<Option<usize>, Truncated>;

/// A message's captured bytes (offsets from the ISAKMP header's start; what was captured past the message
/// counts, as in tcpdump) and how it is printed.
#[derive(Clone, Copy)]
struct Message<'a> {
    isakmp: Captured<'a>,
    verbosity: u8,
    is_v2: bool,
}

impl Message<'_> {
    /// The end of the captured bytes, which tcpdump's payload printers measure data against.
    fn end(&self) -> usize {
        self.isakmp.len()
    }

    /// The bytes in hex if all were captured (tcpdump's `rawprint`); whether they were.
    fn raw(&self, line: &mut Line, offset: usize, len: usize) -> bool {
        match self.isakmp.slice(offset, len) {
            Ok(bytes) => {
                put_hex(line, bytes);
                true
            }
            Err(_) => false,
        }
    }

    /// ` data=(0102...0a0b)`: the first 10 captured bytes from `offset` and the last 20 of the capture.
    fn show_some_data(&self, line: &mut Line, offset: usize) -> bool {
        let end = self.end();
        if offset > end {
            line.push(" data=(");
            return false;
        }
        let len = (end - offset).min(10);
        let (tail, tail_len) =
            if end < offset + len + 20 { (offset + len, end - offset - len) } else { (end - 20, 20) };
        line.push(" data=(");
        if !self.raw(line, offset, len) {
            return false;
        }
        line.push("...");
        if tail_len > 0 && !self.raw(line, tail, tail_len) {
            return false;
        }
        line.push(")");
        true
    }

    /// A chain of payloads from `offset`, the first of type `first`, each on a line of its own one level deeper
    /// than `context` (whose protocol they are printed in).
    fn print_chain(&self, line: &mut Line, first: u8, mut offset: usize, context: Payload) -> Chained {
        let isakmp = self.isakmp;
        let mut next = first;
        while next != 0 {
            let payload_type = next;
            if !isakmp.has(offset, GENERIC_LEN) {
                line.put(format_args!(" [|{}]", PayloadName(payload_type)));
                return Ok(None);
            }
            let item_len = usize::from(isakmp.be16(offset + 2)?);
            if !isakmp.has(offset, item_len) {
                line.put(format_args!(" [|{}]", PayloadName(payload_type)));
                return Ok(None);
            }
            line.push("\n");
            (0..=context.depth).for_each(|_| line.push("    "));
            line.push("(");
            let after = if item_len <= GENERIC_LEN {
                None
            } else {
                let payload = Payload { offset, len: item_len, payload_type, depth: context.depth + 1, ..context };
                self.print_payload(line, payload)?
            };
            line.push(")");
            let Some(after) = after else { return Ok(None) };
            next = isakmp.u8(offset)?;
            offset = after;
        }
        Ok(Some(offset))
    }

    fn print_payload(&self, line: &mut Line, payload: Payload) -> Chained {
        let payload_type = payload.payload_type;
        match payload_type {
            PAYLOAD_V2_ENCRYPTED if self.is_v2 => self.print_v2_encrypted(line, payload),
            PAYLOAD_SA => self.print_v1_sa(line, payload),
            PAYLOAD_PROPOSAL => self.print_v1_proposal(line, payload),
            PAYLOAD_TRANSFORM => self.print_v1_transform(line, payload),
            4 => self.print_v1_key_exchange(line, payload),
            5 => self.print_v1_identification(line, payload),
            6 | 7 => self.print_v1_certificate(line, payload),
            8 | 9 | 13 => self.print_v1_opaque(line, payload),
            10 => self.print_v1_nonce(line, payload),
            11 => self.print_v1_notification(line, payload),
            12 => self.print_v1_delete(line, payload),
            33 => self.print_v2_sa(line, payload),
            34 => self.print_v2_key_exchange(line, payload),
            35 | 36 => self.print_v2_identification(line, payload),
            37 | 38 | 42 | 44 | 45 | 47 | 48 => self.print_v2_generic(line, payload),
            39 => self.print_v2_authentication(line, payload),
            40 => self.print_v2_nonce(line, payload),
            41 => self.print_v2_notification(line, payload),
            43 => self.print_v2_vendor(line, payload),
            _ => {
                line.put(format_args!("{}", PayloadName(payload_type)));
                Ok(Some(payload.offset + payload.len))
            }
        }
    }

    /// ` [|sa]`: the payload was cut short.
    fn cut(&self, line: &mut Line, payload_type: u8) -> Chained {
        line.put(format_args!(" [|{}]", PayloadName(payload_type)));
        Ok(None)
    }

    fn print_v1_sa(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        line.push("sa:");
        if !isakmp.has(offset, 12) {
            return self.cut(line, PAYLOAD_SA);
        }
        let (doi, situation) = (isakmp.be32(offset + 4)?, isakmp.be32(offset + 8)?);
        if doi != 1 {
            line.put(format_args!(" doi={doi} situation={situation}"));
            return Ok(Some(offset + 12));
        }
        line.push(" doi=ipsec situation=");
        let names = [(1, "identity"), (2, "secrecy"), (4, "integrity")];
        let present: Vec<&str> = names.iter().filter(|(bit, _)| situation & bit != 0).map(|(_, name)| *name).collect();
        line.push(&present.join("+"));
        let mut proposals = offset + 12;
        if situation != 1 {
            // tcpdump reads its "ident" 4 bytes into the payload, where the DOI is.
            line.put(format_args!(" ident={}", isakmp.be32(offset + 4)?));
            proposals += 4;
        }
        if !isakmp.has(proposals, GENERIC_LEN) {
            return self.cut(line, PAYLOAD_SA);
        }
        self.print_chain(line, PAYLOAD_PROPOSAL, proposals, payload)
    }

    fn print_v1_proposal(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        line.push("p:");
        if !isakmp.has(offset, 8) {
            return self.cut(line, PAYLOAD_PROPOSAL);
        }
        let protocol = isakmp.u8(offset + 5)?;
        line.put(format_args!(
            " #{} protoid={} transform={}",
            isakmp.u8(offset + 4)?,
            NameOrNumber(PROTOCOL_IDS, protocol.into()),
            isakmp.u8(offset + 7)?
        ));
        let spi_len = usize::from(isakmp.u8(offset + 6)?);
        if spi_len > 0 {
            line.push(" spi=");
            if !self.raw(line, offset + 8, spi_len) {
                return self.cut(line, PAYLOAD_PROPOSAL);
            }
        }
        let transforms = offset + 8 + spi_len;
        if !isakmp.has(transforms, GENERIC_LEN) {
            return self.cut(line, PAYLOAD_PROPOSAL);
        }
        self.print_chain(line, PAYLOAD_TRANSFORM, transforms, Payload { protocol, ..payload })
    }

    fn print_v1_transform(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        line.push("t:");
        if !isakmp.has(offset, 8) {
            return self.cut(line, PAYLOAD_TRANSFORM);
        }
        let (number, id) = (isakmp.u8(offset + 4)?, isakmp.u8(offset + 5)?);
        let (names, attributes): (&[Option<&str>], &[AttributeType]) = match payload.protocol {
            1 => (IKE_TRANSFORMS, OAKLEY_ATTRIBUTES),
            2 => (AH_TRANSFORMS, IPSEC_ATTRIBUTES),
            3 => (ESP_TRANSFORMS, IPSEC_ATTRIBUTES),
            4 => (IPCOMP_TRANSFORMS, IPSEC_ATTRIBUTES),
            _ => {
                line.put(format_args!(" #{number} id={id} "));
                return self.print_attributes(line, payload, offset + 8, None);
            }
        };
        line.put(format_args!(" #{number} id={} ", NameOrNumber(names, id.into())));
        self.print_attributes(line, payload, offset + 8, Some(attributes))
    }

    /// A transform's attributes from `offset` to the payload's end, named by `attributes` if given.
    fn print_attributes(
        &self,
        line: &mut Line,
        payload: Payload,
        mut offset: usize,
        attributes: Option<&[AttributeType]>,
    ) -> Chained {
        let payload_end = payload.offset + payload.len;
        while offset < self.end() && offset < payload_end {
            match self.print_attribute(line, offset, payload_end, attributes)? {
                Some(next) => offset = next,
                None => return self.cut(line, payload.payload_type),
            }
        }
        if self.end() < payload_end {
            line.push("...");
        }
        Ok(Some(offset))
    }

    /// `(type=enc value=aes)` or `(type=#14 len=2 value=0100)`; where the next attribute starts, or `None` if
    /// this one's bytes were not captured.
    fn print_attribute(
        &self,
        line: &mut Line,
        offset: usize,
        end: usize,
        attributes: Option<&[AttributeType]>,
    ) -> Chained {
        let isakmp = self.isakmp;
        let first = isakmp.u8(offset)?;
        let is_short = first & 0x80 != 0;
        let total = if is_short { 4 } else { 4 + usize::from(isakmp.be16(offset + 2)?) };
        if end < offset + total {
            line.push("[|attr]");
            return Ok(Some(end + 1));
        }
        line.push("(");
        let attribute_type = isakmp.be16(offset)? & 0x7fff;
        let known = attributes.and_then(|table| table.get(usize::from(attribute_type)).copied().flatten());
        match known {
            Some((name, _)) => line.put(format_args!("type={name} ")),
            None => line.put(format_args!("type=#{attribute_type} ")),
        }
        if is_short {
            line.push("value=");
            let value = isakmp.be16(offset + 2)?;
            match known.and_then(|(_, values)| values.get(usize::from(value)).copied().flatten()) {
                Some(name) => line.push(name),
                None => {
                    if !self.raw(line, offset + 2, 2) {
                        line.push(")");
                        return Ok(None);
                    }
                }
            }
        } else {
            line.put(format_args!("len={} value=", total - 4));
            if !self.raw(line, offset + 4, total - 4) {
                line.push(")");
                return Ok(None);
            }
        }
        line.push(")");
        Ok(Some(offset + total))
    }

    /// Data after the generic header in hex at -vvv.
    fn print_raw_at_vvv(&self, line: &mut Line, payload: Payload, start: usize) -> Chained {
        let end = payload.offset + payload.len;
        if self.verbosity > 2 && end > start {
            line.push(" ");
            if !self.raw(line, start, end - start) {
                return self.cut(line, payload.payload_type);
            }
        }
        Ok(Some(end))
    }

    fn print_v1_key_exchange(&self, line: &mut Line, payload: Payload) -> Chained {
        line.put(format_args!("ke: key len={}", payload.len - 4));
        self.print_raw_at_vvv(line, payload, payload.offset + 4)
    }

    /// Hash, signature and vendor id: only their length, and their bytes at -vvv.
    fn print_v1_opaque(&self, line: &mut Line, payload: Payload) -> Chained {
        line.put(format_args!("{}: len={}", PayloadName(payload.payload_type), payload.len - 4));
        self.print_raw_at_vvv(line, payload, payload.offset + 4)
    }

    fn print_v1_certificate(&self, line: &mut Line, payload: Payload) -> Chained {
        line.put(format_args!("{}:", PayloadName(payload.payload_type)));
        // tcpdump's structure counts the first byte of the data too.
        if !self.isakmp.has(payload.offset, 6) {
            return self.cut(line, payload.payload_type);
        }
        let encoding = self.isakmp.u8(payload.offset + 4)?;
        line.put(format_args!(" len={} type={}", payload.len - 4, NameOrNumber(CERTIFICATE_TYPES, encoding.into())));
        self.print_raw_at_vvv(line, payload, payload.offset + 4)
    }

    fn print_v1_nonce(&self, line: &mut Line, payload: Payload) -> Chained {
        line.put(format_args!("nonce: n len={}", payload.len - 4));
        let data = payload.offset + 4;
        if self.verbosity > 2 {
            return self.print_raw_at_vvv(line, payload, data);
        }
        if self.verbosity > 1 {
            line.push(" ");
            if !self.show_some_data(line, data) {
                return self.cut(line, payload.payload_type);
            }
        }
        Ok(Some(payload.offset + payload.len))
    }

    fn print_v1_identification(&self, line: &mut Line, payload: Payload) -> Chained {
        const ID_TYPES: &[Option<&str>] = &[
            None,
            Some("IPv4"),
            Some("FQDN"),
            Some("user FQDN"),
            Some("IPv4net"),
            Some("IPv6"),
            Some("IPv6net"),
            Some("IPv4range"),
            Some("IPv6range"),
            Some("ASN1 DN"),
            Some("ASN1 GN"),
            Some("keyid"),
        ];
        let (isakmp, offset) = (self.isakmp, payload.offset);
        line.push("id:");
        if !isakmp.has(offset, 8) {
            return self.cut(line, payload.payload_type);
        }
        let id_type = isakmp.u8(offset + 4)?;
        line.put(format_args!(" idtype={}", NameOrNumber(ID_TYPES, id_type.into())));
        line.put(format_args!(" protoid={} port={}", isakmp.u8(offset + 5)?, isakmp.be16(offset + 6)?));
        let data = offset + 8;
        let mut len = payload.len.saturating_sub(8);
        if len == 0 {
            return Ok(Some(offset + payload.len));
        }
        if !isakmp.has(data, len) {
            return self.cut(line, payload.payload_type);
        }
        let bad = |line: &mut Line, minimum: usize| line.put(format_args!(" len={len} [bad: < {minimum}]"));
        match id_type {
            1 if len < 4 => bad(line, 4),
            1 => line.put(format_args!(" len={len} {}", isakmp.ipv4(data)?)),
            2 | 3 => {
                line.put(format_args!(" len={len} "));
                line.put_escaped(isakmp.slice(data, len)?);
            }
            4 if len < 8 => bad(line, 8),
            4 => {
                let [a, b, c, d]: [u8; 4] = isakmp.array(data + 4)?;
                line.put(format_args!(" len={len} {}/{a}.{b}.{c}.{d}", isakmp.ipv4(data)?));
            }
            5 if len < 16 => bad(line, 16),
            5 => line.put(format_args!(" len={len} {}", isakmp.ipv6(data)?)),
            6 if len < 32 => bad(line, 32),
            6 => {
                line.put(format_args!(" len={len} {}/0x", isakmp.ipv6(data)?));
                put_hex(line, isakmp.slice(data + 16, 16)?);
            }
            7 if len < 8 => bad(line, 8),
            7 => line.put(format_args!(" len={len} {}-{}", isakmp.ipv4(data)?, isakmp.ipv4(data + 4)?)),
            8 if len < 32 => bad(line, 32),
            8 => line.put(format_args!(" len={len} {}-{}", isakmp.ipv6(data)?, isakmp.ipv6(data + 16)?)),
            _ => {}
        }
        if (1..=8).contains(&id_type) {
            len = 0;
        }
        if len > 0 {
            line.put(format_args!(" len={len}"));
            return self.print_raw_at_vvv(line, payload, data);
        }
        Ok(Some(offset + payload.len))
    }

    fn print_v1_notification(&self, line: &mut Line, payload: Payload) -> Chained {
        const ERRORS: &[Option<&str>] = &[
            None,
            Some("INVALID-PAYLOAD-TYPE"),
            Some("DOI-NOT-SUPPORTED"),
            Some("SITUATION-NOT-SUPPORTED"),
            Some("INVALID-COOKIE"),
            Some("INVALID-MAJOR-VERSION"),
            Some("INVALID-MINOR-VERSION"),
            Some("INVALID-EXCHANGE-TYPE"),
            Some("INVALID-FLAGS"),
            Some("INVALID-MESSAGE-ID"),
            Some("INVALID-PROTOCOL-ID"),
            Some("INVALID-SPI"),
            Some("INVALID-TRANSFORM-ID"),
            Some("ATTRIBUTES-NOT-SUPPORTED"),
            Some("NO-PROPOSAL-CHOSEN"),
            Some("BAD-PROPOSAL-SYNTAX"),
            Some("PAYLOAD-MALFORMED"),
            Some("INVALID-KEY-INFORMATION"),
            Some("INVALID-ID-INFORMATION"),
            Some("INVALID-CERT-ENCODING"),
            Some("INVALID-CERTIFICATE"),
            Some("CERT-TYPE-UNSUPPORTED"),
            Some("INVALID-CERT-AUTHORITY"),
            Some("INVALID-HASH-INFORMATION"),
            Some("AUTHENTICATION-FAILED"),
            Some("INVALID-SIGNATURE"),
            Some("ADDRESS-NOTIFICATION"),
            Some("NOTIFY-SA-LIFETIME"),
            Some("CERTIFICATE-UNAVAILABLE"),
            Some("UNSUPPORTED-EXCHANGE-TYPE"),
            Some("UNEQUAL-PAYLOAD-LENGTHS"),
        ];
        const IPSEC_ERRORS: &[Option<&str>] = &[Some("RESERVED")];
        const STATUSES: &[Option<&str>] = &[Some("CONNECTED")];
        const IPSEC_STATUSES: &[Option<&str>] =
            &[Some("RESPONDER-LIFETIME"), Some("REPLAY-STATUS"), Some("INITIAL-CONTACT")];
        const RESPONDER_LIFETIME: u16 = 24576;
        const REPLAY_STATUS: u16 = 24577;
        let (isakmp, offset) = (self.isakmp, payload.offset);
        line.push("n:");
        if !isakmp.has(offset, 12) {
            return self.cut(line, payload.payload_type);
        }
        let (doi, protocol) = (isakmp.be32(offset + 4)?, isakmp.u8(offset + 8)?);
        let is_ipsec = doi == 1;
        if is_ipsec {
            line.put(format_args!(" doi=ipsec proto={}", NameOrNumber(PROTOCOL_IDS, protocol.into())));
        } else {
            line.put(format_args!(" doi={doi} proto={protocol}"));
        }
        let notify_type = isakmp.be16(offset + 10)?;
        let value = u32::from(notify_type);
        match notify_type {
            0..8192 => line.put(format_args!(" type={}", NameOrNumber(ERRORS, value))),
            8192..16384 if is_ipsec => line.put(format_args!(" type={}", NameOrNumber(IPSEC_ERRORS, value - 8192))),
            16384..24576 => line.put(format_args!(" type={}", NameOrNumber(STATUSES, value - 16384))),
            24576..32768 if is_ipsec => line.put(format_args!(" type={}", NameOrNumber(IPSEC_STATUSES, value - 24576))),
            _ => line.put(format_args!(" type=#{notify_type}")),
        }
        let spi_len = usize::from(isakmp.u8(offset + 9)?);
        if spi_len > 0 {
            line.push(" spi=");
            if !self.raw(line, offset + 12, spi_len) {
                return self.cut(line, payload.payload_type);
            }
        }
        let data = offset + 12 + spi_len;
        if !is_ipsec {
            return Ok(Some(data));
        }
        let payload_end = offset + payload.len;
        if data < self.end() {
            match notify_type {
                RESPONDER_LIFETIME => {
                    line.push(" attrs=(");
                    let mut at = data;
                    while at < self.end() && at < payload_end {
                        match self.print_attribute(line, at, payload_end, Some(OAKLEY_ATTRIBUTES))? {
                            Some(next) => at = next,
                            None => {
                                line.push(")");
                                return self.cut(line, payload.payload_type);
                            }
                        }
                    }
                    line.push(")");
                }
                REPLAY_STATUS => {
                    let state = if isakmp.be32(data)? != 0 { "en" } else { "dis" };
                    line.put(format_args!(" status=(replay detection {state}abled)"));
                }
                _ if self.verbosity > 3 => {
                    line.push(" data=(");
                    if !self.raw(line, data, self.end() - data) {
                        return self.cut(line, payload.payload_type);
                    }
                    line.push(")");
                }
                _ => {
                    if !self.show_some_data(line, data) {
                        return self.cut(line, payload.payload_type);
                    }
                }
            }
        }
        Ok(Some(payload_end))
    }

    fn print_v1_delete(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        line.push("d:");
        if !isakmp.has(offset, 12) {
            return self.cut(line, payload.payload_type);
        }
        let (doi, protocol) = (isakmp.be32(offset + 4)?, isakmp.u8(offset + 8)?);
        if doi == 1 {
            line.put(format_args!(" doi=ipsec proto={}", NameOrNumber(PROTOCOL_IDS, protocol.into())));
        } else {
            line.put(format_args!(" doi={doi} proto={protocol}"));
        }
        let spi_len = usize::from(isakmp.u8(offset + 9)?);
        let spis = isakmp.be16(offset + 10)?;
        line.put(format_args!(" spilen={spi_len} nspi={spis} spi="));
        let mut at = offset + 12;
        for index in 0..spis {
            if index != 0 {
                line.push(",");
            }
            if !self.raw(line, at, spi_len) {
                return self.cut(line, payload.payload_type);
            }
            at += spi_len;
        }
        Ok(Some(at))
    }

    /// `v2nonce[C]:`: a v2 payload's name, marked if critical.
    fn put_v2_name(&self, line: &mut Line, name: &dyn std::fmt::Display, offset: usize) -> Printed {
        let critical = self.isakmp.u8(offset + 1)? & 0x80 != 0;
        line.put(format_args!("{name}{}:", if critical { "[C]" } else { "" }));
        Ok(())
    }

    /// Certificates, requests, deletes, traffic selectors, configuration and EAP: their length, and their bytes
    /// at -vvv.
    fn print_v2_generic(&self, line: &mut Line, payload: Payload) -> Chained {
        self.put_v2_name(line, &PayloadName(payload.payload_type), payload.offset)?;
        line.put(format_args!(" len={}", payload.len - 4));
        self.print_raw_at_vvv(line, payload, payload.offset + 4)
    }

    fn print_v2_sa(&self, line: &mut Line, payload: Payload) -> Chained {
        self.put_v2_name(line, &"sa", payload.offset)?;
        let mut remaining = payload.len - 4;
        line.put(format_args!(" len={remaining}"));
        self.print_v2_substructures(line, payload, payload.offset + 4, &mut remaining, PAYLOAD_PROPOSAL)
    }

    /// The proposals of an SA or the transforms of a proposal, each nested a level deeper; `remaining` is what
    /// the enclosing length leaves for them.
    fn print_v2_substructures(
        &self,
        line: &mut Line,
        payload: Payload,
        mut offset: usize,
        remaining: &mut usize,
        first: u8,
    ) -> Chained {
        let isakmp = self.isakmp;
        let mut next = first;
        let mut count = 0;
        while next != 0 {
            count += 1;
            if *remaining < GENERIC_LEN {
                offset += *remaining;
                self.cut(line, payload.payload_type)?;
                return Ok(Some(offset));
            }
            if !isakmp.has(offset, GENERIC_LEN) {
                return self.cut(line, payload.payload_type);
            }
            let item_len = usize::from(isakmp.be16(offset + 2)?);
            if item_len <= GENERIC_LEN {
                return self.cut(line, payload.payload_type);
            }
            if *remaining < item_len {
                offset += *remaining;
                self.cut(line, payload.payload_type)?;
                return Ok(Some(offset));
            }
            if !isakmp.has(offset, item_len) {
                return self.cut(line, payload.payload_type);
            }
            line.push("\n");
            (0..=payload.depth).for_each(|_| line.push("    "));
            line.push("(");
            let inner = Payload { offset, len: item_len, payload_type: next, depth: payload.depth + 1, ..payload };
            let after = match (first, next) {
                (PAYLOAD_PROPOSAL, PAYLOAD_PROPOSAL) => self.print_v2_proposal(line, inner)?,
                (PAYLOAD_TRANSFORM, PAYLOAD_TRANSFORM) => self.print_v2_transform(line, inner, count)?,
                _ => {
                    line.put(format_args!("{}", PayloadName(next)));
                    Some(offset + item_len)
                }
            };
            let Some(after) = after else { return Ok(None) };
            line.push(")");
            *remaining -= item_len;
            next = isakmp.u8(offset)?;
            offset = after;
        }
        Ok(Some(offset))
    }

    fn print_v2_proposal(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        if !isakmp.has(offset, 8) {
            return self.cut(line, PAYLOAD_PROPOSAL);
        }
        self.put_v2_name(line, &"p", offset)?;
        let mut remaining = payload.len - 4;
        line.put(format_args!(
            " #{} protoid={} transform={} len={}",
            isakmp.u8(offset + 4)?,
            NameOrNumber(PROTOCOL_IDS, isakmp.u8(offset + 5)?.into()),
            isakmp.u8(offset + 7)?,
            payload.len
        ));
        let spi_len = usize::from(isakmp.u8(offset + 6)?);
        let mut transforms = offset + 8;
        if spi_len > 0 {
            if remaining < spi_len {
                self.cut(line, PAYLOAD_PROPOSAL)?;
                return Ok(Some(transforms + remaining));
            }
            line.push(" spi=");
            if !self.raw(line, transforms, spi_len) {
                return self.cut(line, PAYLOAD_PROPOSAL);
            }
            transforms += spi_len;
            remaining -= spi_len;
        }
        let proposal = Payload { payload_type: PAYLOAD_PROPOSAL, ..payload };
        self.print_v2_substructures(line, proposal, transforms, &mut remaining, PAYLOAD_TRANSFORM)
    }

    fn print_v2_transform(&self, line: &mut Line, payload: Payload, number: usize) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        if !isakmp.has(offset, 8) {
            return self.cut(line, PAYLOAD_TRANSFORM);
        }
        self.put_v2_name(line, &"t", offset)?;
        let transform_type = isakmp.u8(offset + 4)?;
        let id = isakmp.be16(offset + 6)?;
        let (names, attributes): (&[Option<&str>], Option<&[AttributeType]>) = match transform_type {
            1 => (ESP_TRANSFORMS, Some(ENCRYPTION_ATTRIBUTES)),
            2 => (PRF_TRANSFORMS, None),
            3 => (INTEGRITY_TRANSFORMS, None),
            4 => (DH_GROUPS, None),
            5 => (ESN_TRANSFORMS, None),
            _ => (&[], None),
        };
        let type_name = NameOrNumber(V2_TRANSFORM_TYPES, transform_type.into());
        if names.is_empty() {
            line.put(format_args!(" #{number} type={type_name} id={id} "));
        } else {
            line.put(format_args!(" #{number} type={type_name} id={} ", NameOrNumber(names, id.into())));
        }
        let transform = Payload { payload_type: PAYLOAD_TRANSFORM, ..payload };
        self.print_attributes(line, transform, offset + 8, attributes)
    }

    fn print_v2_key_exchange(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        if !isakmp.has(offset, 8) {
            return self.cut(line, payload.payload_type);
        }
        self.put_v2_name(line, &PayloadName(payload.payload_type), offset)?;
        if payload.len < 8 {
            line.put(format_args!(" len={} < 8", payload.len));
            return Ok(Some(offset + payload.len));
        }
        line.put(format_args!(
            " len={} group={}",
            payload.len - 8,
            NameOrNumber(DH_GROUPS, isakmp.be16(offset + 4)?.into())
        ));
        self.print_raw_at_vvv(line, payload, offset + 8)
    }

    fn print_v2_identification(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        if !isakmp.has(offset, 8) {
            return self.cut(line, payload.payload_type);
        }
        self.put_v2_name(line, &PayloadName(payload.payload_type), offset)?;
        line.put(format_args!(" len={}", payload.len - 4));
        if self.print_raw_at_vvv(line, payload, offset + 4)?.is_none() {
            return Ok(None);
        }
        let (data, data_len) = (offset + 8, payload.len.wrapping_sub(8));
        let (label, as_text) = match isakmp.u8(offset + 4)? {
            1 => ("ipv4", false),
            2 => ("fqdn", true),
            3 => ("rfc822", true),
            5 => ("ipv6", false),
            9 => ("dn", false),
            10 => ("gn", false),
            11 => ("keyid", false),
            _ => return Ok(Some(offset + payload.len)),
        };
        line.put(format_args!(" {label}:"));
        let Ok(bytes) = isakmp.slice(data, data_len) else { return self.cut(line, payload.payload_type) };
        if as_text {
            bytes.iter().for_each(|&byte| line.push_char(printable_or_dot(byte)));
        } else {
            put_hex(line, bytes);
        }
        Ok(Some(offset + payload.len))
    }

    fn print_v2_authentication(&self, line: &mut Line, payload: Payload) -> Chained {
        const METHODS: &[Option<&str>] = &[Some("invalid"), Some("rsasig"), Some("shared-secret"), Some("dsssig")];
        let (isakmp, offset) = (self.isakmp, payload.offset);
        if !isakmp.has(offset, 8) {
            return self.cut(line, payload.payload_type);
        }
        self.put_v2_name(line, &PayloadName(payload.payload_type), offset)?;
        line.put(format_args!(
            " len={} method={}",
            payload.len - 4,
            NameOrNumber(METHODS, isakmp.u8(offset + 4)?.into())
        ));
        let data = offset + 8;
        if self.verbosity > 1 {
            line.push(" authdata=(");
            if !self.raw(line, data, payload.len.wrapping_sub(8)) {
                return self.cut(line, payload.payload_type);
            }
            line.push(") ");
        } else if !self.show_some_data(line, data) {
            return self.cut(line, payload.payload_type);
        }
        Ok(Some(offset + payload.len))
    }

    fn print_v2_nonce(&self, line: &mut Line, payload: Payload) -> Chained {
        self.put_v2_name(line, &"nonce", payload.offset)?;
        line.put(format_args!(" len={}", payload.len - 4));
        let data = payload.offset + 4;
        if self.verbosity > 1 {
            line.push(" nonce=(");
            if !self.raw(line, data, payload.len - 4) {
                return self.cut(line, payload.payload_type);
            }
            line.push(") ");
        } else if !self.show_some_data(line, data) {
            return self.cut(line, payload.payload_type);
        }
        Ok(Some(payload.offset + payload.len))
    }

    fn print_v2_notification(&self, line: &mut Line, payload: Payload) -> Chained {
        let (isakmp, offset) = (self.isakmp, payload.offset);
        if !isakmp.has(offset, 8) {
            return self.cut(line, 11);
        }
        self.put_v2_name(line, &"n", offset)?;
        line.put(format_args!(" prot_id={}", NameOrNumber(PROTOCOL_IDS, isakmp.u8(offset + 4)?.into())));
        let notify_type = isakmp.be16(offset + 6)?;
        let (name, shows_spi, shows_data) = notification_type(notify_type);
        line.put(format_args!(" type={notify_type}({name})"));
        let spi_len = usize::from(isakmp.u8(offset + 5)?);
        if shows_spi && spi_len > 0 {
            line.push(" spi=");
            if !self.raw(line, offset + 8, spi_len) {
                return self.cut(line, 11);
            }
        }
        let data = offset + 8 + spi_len;
        if data < self.end() {
            let captured = self.end() - data;
            if self.verbosity > 3 || (shows_data && captured < 30) {
                line.push(" data=(");
                if !self.raw(line, data, captured) {
                    return self.cut(line, 11);
                }
                line.push(")");
            } else if shows_data && !self.show_some_data(line, data) {
                return self.cut(line, 11);
            }
        }
        Ok(Some(offset + payload.len))
    }

    fn print_v2_vendor(&self, line: &mut Line, payload: Payload) -> Chained {
        self.put_v2_name(line, &PayloadName(payload.payload_type), payload.offset)?;
        let len = payload.len - 4;
        line.put(format_args!(" len={len} vid="));
        let Ok(vendor) = self.isakmp.slice(payload.offset + 4, len) else {
            return self.cut(line, payload.payload_type);
        };
        vendor.iter().for_each(|&byte| line.push_char(printable_or_dot(byte)));
        if len > 4 {
            return self.print_raw_at_vvv(line, payload, payload.offset + 4);
        }
        Ok(Some(payload.offset + payload.len))
    }

    /// The encrypted payload ends the chain: without keys nothing in it can be read.
    fn print_v2_encrypted(&self, line: &mut Line, payload: Payload) -> Chained {
        self.put_v2_name(line, &PayloadName(payload.payload_type), payload.offset)?;
        let len = payload.len - 4;
        line.put(format_args!(" len={len}"));
        if len > 4 && self.print_raw_at_vvv(line, payload, payload.offset + 4)?.is_none() {
            return Ok(None);
        }
        if !self.isakmp.has(payload.offset + 4, len) {
            return self.cut(line, payload.payload_type);
        }
        Ok(None)
    }
}

/// An IKEv2 notification type's name, whether tcpdump shows its SPI, and whether some of its data.
fn notification_type(notify_type: u16) -> (&'static str, bool, bool) {
    match notify_type {
        1 => ("unsupported_critical_payload", false, false),
        4 => ("invalid_ike_spi", true, false),
        5 => ("invalid_major_version", false, false),
        7 => ("invalid_syntax", true, false),
        9 => ("invalid_message_id", true, false),
        11 => ("invalid_spi", true, false),
        14 => ("no_protocol_chosen", true, false),
        17 => ("invalid_ke_payload", true, false),
        24 => ("authentication_failed", true, false),
        34 => ("single_pair_required", true, false),
        35 => ("no_additional_sas", false, false),
        36 => ("internal_address_failure", false, false),
        37 => ("failed:cp_required", false, false),
        39 => ("invalid_selectors", false, false),
        16384 => ("initial_contact", false, false),
        16385 => ("set_window_size", false, false),
        16386 => ("additional_ts_possible", false, false),
        16387 => ("ipcomp_supported", false, false),
        16388 => ("nat_detection_source_ip", true, false),
        16389 => ("nat_detection_destination_ip", true, false),
        16390 => ("cookie", true, true),
        16391 => ("use_transport_mode", false, false),
        16392 => ("http_cert_lookup_supported", false, false),
        16393 => ("rekey_sa", true, false),
        16394 => ("tfc_padding_not_supported", false, false),
        16395 => ("non_first_fragment_also", false, false),
        _ => {
            let kind = match notify_type {
                0..8192 => "error",
                8192..16384 => "private-error",
                16384..40960 => "status",
                _ => "private-status",
            };
            (kind, true, false)
        }
    }
}

fn printable_or_dot(byte: u8) -> char {
    if byte.is_ascii_graphic() || byte == b' ' { char::from(byte) } else { '.' }
}

/// One payload in a chain: where it is, its type, and what the payloads around it say.
#[derive(Clone, Copy)]
struct Payload {
    offset: usize,
    len: usize,
    payload_type: u8,
    /// The protocol of the proposal a transform is in, which names its attributes.
    protocol: u8,
    /// How deeply it is nested, for the indentation of what it holds.
    depth: usize,
}
