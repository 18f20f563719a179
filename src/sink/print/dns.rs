//! DNS (tcpdump's print-domain.c) over UDP and TCP port 53: `4660+ A? example.com. (29)` for a query,
//! `4660 2/0/0 CNAME example.com., A 93.184.216.34 (61)` for a response. With -v records name their owner, with
//! -vv the question and the authority and additional sections are printed too, with -vvv the records' TTLs.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
};

const HEADER_LEN: usize = 12;
/// Type, class, TTL and data length: what follows a record's owner name.
const RECORD_FIXED_LEN: usize = 10;

const RESPONSE: u16 = 0x8000;
const AUTHORITATIVE: u16 = 0x0400;
const TRUNCATED: u16 = 0x0200;
const RECURSION_DESIRED: u16 = 0x0100;
const RECURSION_AVAILABLE: u16 = 0x0080;
const CHECKING_DISABLED: u16 = 0x0010;
/// Bits tcpdump does not expect in a query: AA, TC, RA, Z and the response code. With any of them set, it prints
/// all the flags.
const UNEXPECTED_QUERY_BITS: u16 = 0x06cf;
const OPCODE_INVERSE_QUERY: u16 = 1;

const TYPE_A: u16 = 1;
const TYPE_NS: u16 = 2;
const TYPE_CNAME: u16 = 5;
const TYPE_SOA: u16 = 6;
const TYPE_PTR: u16 = 12;
const TYPE_MX: u16 = 15;
const TYPE_TXT: u16 = 16;
const TYPE_AAAA: u16 = 28;
const TYPE_SRV: u16 = 33;
const TYPE_A6: u16 = 38;
const TYPE_DNAME: u16 = 39;
const TYPE_OPT: u16 = 41;
const TYPE_UNSPECA: u16 = 104;
const CLASS_IN: u16 = 1;
/// mDNS's flag in a class: unicast response wanted (question), cache flush (record).
const MDNS_CLASS_FLAG: u16 = 0x8000;

/// A DNS message over TCP starts with its length.
const TCP_LENGTH_PREFIX: u32 = 2;

/// Prints a DNS message carried by TCP: `bytes` were captured of a payload `length` bytes long, which starts with
/// the message's length.
pub(super) fn print_tcp(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    if length < TCP_LENGTH_PREFIX {
        line.put(format_args!(" [DNS over TCP: length {length} < {TCP_LENGTH_PREFIX}] (invalid)"));
        return Ok(());
    }
    let message_len = u32::from(Captured::new(bytes, "domain").be16(0)?);
    if message_len != length - TCP_LENGTH_PREFIX {
        line.put(format_args!(" [prefix length({message_len}) != length({})] (invalid)", length - TCP_LENGTH_PREFIX));
        return Ok(());
    }
    line.push(" ");
    print(line, verbosity, bytes.get(2..).unwrap_or_default(), message_len)
}

/// Prints a DNS message: `bytes` were captured of a message `length` bytes long.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    print_either(line, verbosity, bytes, length, false)
}

/// Prints a multicast DNS message (UDP port 5353), whose classes' top bit asks for a unicast response in a
/// question and says to flush caches in a record.
pub(super) fn print_mdns(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    print_either(line, verbosity, bytes, length, true)
}

fn print_either(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32, multicast: bool) -> Printed {
    if length < HEADER_LEN as u32 {
        line.put(format_args!("domain [length {length} < {HEADER_LEN}] (invalid)"));
        return Ok(());
    }
    let message = Message { bytes: Captured::new(bytes, "domain"), verbosity, multicast };
    // tcpdump's DNS printer checks every read itself: a cut never makes it give up on the packet as a whole.
    print_message(line, &message, length).map_err(|_| message.bytes.truncated())
}

fn print_message(line: &mut Line, message: &Message, length: u32) -> Printed {
    message.bytes.check(0, HEADER_LEN)?;
    let id = message.bytes.be16(0)?;
    let flags = message.bytes.be16(2)?;
    let counts = Counts {
        questions: message.bytes.be16(4)?,
        answers: message.bytes.be16(6)?,
        authority: message.bytes.be16(8)?,
        additional: message.bytes.be16(10)?,
    };
    let opcode = flags >> 11 & 0x0f;
    if flags & RESPONSE != 0 {
        line.put(format_args!("{id}{}{}", OpcodeName(opcode), ResponseCode(message.response_code(flags, &counts))));
        for (flag, set, mark) in [(AUTHORITATIVE, true, "*"), (RECURSION_AVAILABLE, false, "-"), (TRUNCATED, true, "|")]
        {
            if (flags & flag != 0) == set {
                line.push(mark);
            }
        }
        if counts.questions != 1 {
            line.put(format_args!(" [{}q]", counts.questions));
        }
        message.print_response_sections(line, &counts)?;
    } else {
        line.put(format_args!("{id}{}", OpcodeName(opcode)));
        if flags & RECURSION_DESIRED != 0 {
            line.push("+");
        }
        if flags & CHECKING_DISABLED != 0 {
            line.push("%");
        }
        if flags & UNEXPECTED_QUERY_BITS != 0 {
            line.put(format_args!(" [b2&3=0x{flags:x}]"));
        }
        if opcode == OPCODE_INVERSE_QUERY {
            if counts.questions != 0 {
                line.put(format_args!(" [{}q]", counts.questions));
            }
            if counts.answers != 1 {
                line.put(format_args!(" [{}a]", counts.answers));
            }
        } else {
            if counts.answers != 0 {
                line.put(format_args!(" [{}a]", counts.answers));
            }
            if counts.questions != 1 {
                line.put(format_args!(" [{}q]", counts.questions));
            }
        }
        if counts.authority != 0 {
            line.put(format_args!(" [{}n]", counts.authority));
        }
        if counts.additional != 0 {
            line.put(format_args!(" [{}au]", counts.additional));
        }
        message.print_query_sections(line, &counts)?;
    }
    line.put(format_args!(" ({length})"));
    Ok(())
}

/// The number of entries in each section.
struct Counts {
    questions: u16,
    answers: u16,
    authority: u16,
    additional: u16,
}

/// A message being printed.
struct Message<'a> {
    bytes: Captured<'a>,
    verbosity: u8,
    /// Multicast DNS: a class's top bit is a flag.
    multicast: bool,
}

impl Message<'_> {
    /// A question's or record's class, without mDNS's flag.
    fn class_without_flag(&self, class: u16) -> u16 {
        if self.multicast { class & !MDNS_CLASS_FLAG } else { class }
    }

    /// The questions (with -vv), the counts and the answers; with -vv the authority and additional records.
    fn print_response_sections(&self, line: &mut Line, counts: &Counts) -> Printed {
        let mut offset = HEADER_LEN;
        if self.verbosity > 1 {
            // The label comes with the first question, so none without questions.
            if counts.questions > 0 {
                line.push(" q:");
            }
            offset = self.print_questions(line, offset, counts.questions)?;
        } else {
            for index in 0..counts.questions {
                if index != 0 {
                    line.push(",");
                }
                offset = self.skip_name(offset)? + 4;
            }
        }
        line.put(format_args!(" {}/{}/{}", counts.answers, counts.authority, counts.additional));
        offset = self.print_records(line, offset, counts.answers, "")?;
        if self.verbosity > 1 {
            offset = self.print_records(line, offset, counts.authority, " ns:")?;
            self.print_records(line, offset, counts.additional, " ar:")?;
        }
        Ok(())
    }

    /// The questions; with -vv the answer, authority and additional records.
    fn print_query_sections(&self, line: &mut Line, counts: &Counts) -> Printed {
        let mut offset = self.print_questions(line, HEADER_LEN, counts.questions)?;
        if self.verbosity > 1 {
            offset = self.print_records(line, offset, counts.answers, "")?;
            offset = self.print_records(line, offset, counts.authority, " ns:")?;
            self.print_records(line, offset, counts.additional, " ar:")?;
        }
        Ok(())
    }

    /// ` A? example.com. AAAA? example.com.`; returns where the section ends.
    fn print_questions(&self, line: &mut Line, mut offset: usize, count: u16) -> Result<usize, Truncated> {
        for index in 0..count {
            // Questions left when the capture ends make the marker too.
            if index > 0 && offset >= self.bytes.len() {
                return Err(self.bytes.truncated());
            }
            // The type and class come after the name, and are printed before it.
            let fixed = self.skip_name(offset)?;
            self.bytes.check(fixed, 4)?;
            line.put(format_args!(" {}", TypeName(self.bytes.be16(fixed)?)));
            let class = self.bytes.be16(fixed + 2)?;
            if self.class_without_flag(class) != CLASS_IN {
                line.put(format_args!(" {}", ClassName(self.class_without_flag(class))));
            }
            if self.multicast {
                line.push(if class & MDNS_CLASS_FLAG != 0 { " (QU)" } else { " (QM)" });
            }
            line.push("? ");
            self.print_name(line, offset)?;
            offset = fixed + 4;
        }
        Ok(offset)
    }

    /// `count` records after `label`, separated by commas; returns where they end. A record whose fixed fields
    /// were not captured ends the section quietly if it is the last, else with the marker.
    fn print_records(&self, line: &mut Line, mut offset: usize, count: u16, label: &str) -> Result<usize, Truncated> {
        if count == 0 {
            return Ok(offset);
        }
        // tcpdump starts the authority and additional sections (not the answers) only where bytes remain.
        if !label.is_empty() && offset >= self.bytes.len() {
            return Err(self.bytes.truncated());
        }
        line.push(label);
        for index in 0..count {
            if index > 0 {
                if offset >= self.bytes.len() {
                    return Err(self.bytes.truncated());
                }
                line.push(",");
            }
            offset = self.print_record(line, offset)?.unwrap_or(self.bytes.len());
        }
        Ok(offset)
    }

    /// ` A 93.184.216.34` (with -v ` example.com. A ...`); returns where the record ends, or `None` if its fixed
    /// fields were not captured.
    fn print_record(&self, line: &mut Line, offset: usize) -> Result<Option<usize>, Truncated> {
        let fixed = if self.verbosity > 0 {
            line.push(" ");
            self.print_name(line, offset)?
        } else {
            // A name that cannot be skipped, cut or of a kind tcpdump does not know, ends the section quietly.
            let Ok(fixed) = self.skip_name(offset) else { return Ok(None) };
            fixed
        };
        if !self.bytes.has(fixed, RECORD_FIXED_LEN) {
            return Ok(None);
        }
        let record_type = self.bytes.be16(fixed)?;
        let flagged_class = self.bytes.be16(fixed + 2)?;
        let class = self.class_without_flag(flagged_class);
        if class != CLASS_IN && record_type != TYPE_OPT {
            line.put(format_args!(" {}", ClassName(class)));
        }
        if self.multicast && flagged_class & MDNS_CLASS_FLAG != 0 {
            line.push(" (Cache flush)");
        }
        if record_type != TYPE_OPT && self.verbosity > 2 {
            line.put(format_args!(" [{}]", Duration(self.bytes.be32(fixed + 4)?)));
        }
        let data_len = usize::from(self.bytes.be16(fixed + 8)?);
        let data = fixed + RECORD_FIXED_LEN;
        line.put(format_args!(" {}", TypeName(record_type)));
        self.bytes.check(data, data_len)?;
        let end = data + data_len;
        match record_type {
            TYPE_A => line.put(format_args!(" {}", self.bytes.ipv4(data)?)),
            TYPE_AAAA => line.put(format_args!(" {}", self.bytes.ipv6(data)?)),
            TYPE_NS | TYPE_CNAME | TYPE_PTR | TYPE_DNAME => {
                line.push(" ");
                self.print_name(line, data)?;
            }
            TYPE_SOA if self.verbosity > 0 => {
                line.push(" ");
                let responsible = self.print_name(line, data)?;
                line.push(" ");
                let numbers = self.print_name(line, responsible)?;
                self.bytes.check(numbers, 20)?;
                for field in 0..5 {
                    line.put(format_args!(" {}", self.bytes.be32(numbers + field * 4)?));
                }
            }
            TYPE_MX => {
                line.push(" ");
                self.print_name(line, data + 2)?;
                line.put(format_args!(" {}", self.bytes.be16(data)?));
            }
            TYPE_TXT => {
                let mut string = data;
                while string < end {
                    line.push(" \"");
                    string = self.print_character_string(line, string)?;
                    line.push("\"");
                }
            }
            TYPE_SRV => {
                line.push(" ");
                self.print_name(line, data + 6)?;
                let [priority, weight, port] = [0, 2, 4].map(|field| self.bytes.be16(data + field));
                line.put(format_args!(":{} {} {}", port?, priority?, weight?));
            }
            TYPE_OPT => {
                line.put(format_args!(" UDPsize={class}"));
                if self.bytes.be16(fixed + 6)? & 0x8000 != 0 {
                    line.push(" DO");
                }
                if data_len > 0 {
                    line.push(" [");
                    self.print_edns_options(line, data, end)?;
                    line.push("]");
                }
            }
            TYPE_UNSPECA => line.put_escaped(self.bytes.slice(data, data_len)?),
            TYPE_A6 => self.print_a6(line, data)?,
            _ => {}
        }
        Ok(Some(end))
    }

    /// ` 64 ::1:2:3:4 prefix.example.`: an A6 record's prefix length, address suffix and prefix name.
    fn print_a6(&self, line: &mut Line, data: usize) -> Printed {
        const ADDRESS_LEN: usize = 16;
        let prefix_len = self.bytes.u8(data)?;
        if prefix_len > 128 {
            line.put(format_args!(" {prefix_len}(bad plen)"));
            return Ok(());
        }
        // The suffix has the address's bytes from the one the prefix ends in.
        let prefix_bytes = usize::from(prefix_len / 8);
        let suffix = data + 1;
        if prefix_len < 128 {
            let mut octets = [0; ADDRESS_LEN];
            octets[prefix_bytes..].copy_from_slice(self.bytes.slice(suffix, ADDRESS_LEN - prefix_bytes)?);
            line.put(format_args!(" {prefix_len} {}", IpAddress::V6(octets)));
        }
        if prefix_len > 0 {
            line.push(" ");
            self.print_name(line, suffix + ADDRESS_LEN - prefix_bytes)?;
        }
        Ok(())
    }

    /// `COOKIE 0102030405060708,PADDING (3)`: the options of an OPT record, from `start` to `end`.
    fn print_edns_options(&self, line: &mut Line, start: usize, end: usize) -> Printed {
        let mut offset = start;
        while offset < end {
            if offset > start {
                line.push(",");
            }
            let code = self.bytes.be16(offset)?;
            let len = usize::from(self.bytes.be16(offset + 2)?);
            line.put(format_args!("{}", EdnsOptionName(code)));
            let data = self.bytes.slice(offset + 4, len)?;
            if !data.is_empty() {
                line.push(" ");
                let valid = match code {
                    OPTION_CLIENT_SUBNET => print_client_subnet(line, data),
                    OPTION_COOKIE if len == 8 || (16..=40).contains(&len) => print_hex(line, data),
                    OPTION_EXPIRE => <[u8; 4]>::try_from(data)
                        .map(|seconds| line.put(format_args!("{}", u32::from_be_bytes(seconds))))
                        .is_ok(),
                    OPTION_KEEPALIVE => <[u8; 2]>::try_from(data)
                        .map(|tenths| {
                            let tenths = u16::from_be_bytes(tenths);
                            line.put(format_args!("{}.{} sec", tenths / 10, tenths % 10));
                        })
                        .is_ok(),
                    OPTION_PADDING => {
                        line.put(format_args!("({len})"));
                        true
                    }
                    OPTION_ALGORITHMS_UNDERSTOOD => print_algorithms(line, data, dnssec_algorithm_name),
                    OPTION_DS_HASHES_UNDERSTOOD => print_algorithms(line, data, ds_hash_name),
                    OPTION_NSEC3_HASHES_UNDERSTOOD => {
                        print_algorithms(line, data, |hash| (hash == 1).then_some("SHA-1"))
                    }
                    OPTION_KEY_TAG if len.is_multiple_of(2) => {
                        for (index, tag) in data.chunks_exact(2).enumerate() {
                            let separator = if index == 0 { "" } else { " " };
                            line.put(format_args!("{separator}{}", u16::from_be_bytes([tag[0], tag[1]])));
                        }
                        true
                    }
                    OPTION_CHAIN => {
                        self.print_name(line, offset + 4)?;
                        true
                    }
                    OPTION_COOKIE => false,
                    _ => print_hex(line, data),
                };
                if !valid {
                    line.push(" (invalid)");
                }
            }
            offset += 4 + len;
        }
        Ok(())
    }

    /// A length byte and as many characters; returns where it ends.
    fn print_character_string(&self, line: &mut Line, offset: usize) -> Result<usize, Truncated> {
        let len = usize::from(self.bytes.u8(offset)?);
        print_text_captured(line, self.bytes, offset + 1, len)?;
        Ok(offset + 1 + len)
    }

    /// The response code, extended by an OPT record's upper bits if the additional section has one.
    fn response_code(&self, flags: u16, counts: &Counts) -> u16 {
        let code = flags & 0x000f;
        let extension = || -> Result<Option<u16>, Truncated> {
            let mut offset = HEADER_LEN;
            for _ in 0..counts.questions {
                offset = self.skip_name(offset)? + 4;
            }
            for _ in 0..u32::from(counts.answers) + u32::from(counts.authority) {
                offset = self.skip_record(offset)?;
            }
            for _ in 0..counts.additional {
                let fixed = self.skip_name(offset)?;
                if self.bytes.be16(fixed)? == TYPE_OPT {
                    return Ok(Some(u16::from(self.bytes.u8(fixed + 4)?)));
                }
                offset = self.skip_record(offset)?;
            }
            Ok(None)
        };
        match extension() {
            Ok(Some(upper_bits)) => upper_bits << 4 | code,
            _ => code,
        }
    }

    /// Where the record at `offset` ends.
    fn skip_record(&self, offset: usize) -> Result<usize, Truncated> {
        let fixed = self.skip_name(offset)?;
        Ok(fixed + RECORD_FIXED_LEN + usize::from(self.bytes.be16(fixed + 8)?))
    }

    /// Where the name at `offset` ends, without following compression pointers.
    fn skip_name(&self, mut offset: usize) -> Result<usize, Truncated> {
        loop {
            let length = self.bytes.u8(offset)?;
            offset += 1;
            match length & LABEL_KIND {
                0 if length == 0 => return Ok(offset),
                0 => offset += usize::from(length),
                // A pointer's second byte is not read.
                POINTER => return Ok(offset + 1),
                _ => return Err(self.bytes.truncated()),
            }
        }
    }

    /// `www.example.com.`, following compression pointers, which must point backwards; returns where the name
    /// ends at `offset`.
    fn print_name(&self, line: &mut Line, offset: usize) -> Result<usize, Truncated> {
        let mut end = None;
        // Each pointer must point before the previous one (or the name itself): that ends every loop.
        let mut limit = offset;
        let mut position = offset;
        let mut length = self.label_length(line, position)?;
        if length == 0 {
            line.push(".");
            return Ok(offset + 1);
        }
        while length != 0 {
            if length & LABEL_KIND == POINTER {
                end.get_or_insert(position + 2);
                let target = usize::from(u16::from_be_bytes([length, self.bytes.u8(position + 1)?]) & 0x3fff);
                if target >= limit {
                    line.push("<BAD PTR>");
                    return Err(self.bytes.truncated());
                }
                limit = target;
                position = target;
                length = self.label_length(line, position)?;
                continue;
            }
            // A label of which not a byte was captured ends the name quietly: what follows it is then cut.
            if position + 1 >= self.bytes.len() {
                return Ok(self.bytes.len());
            }
            print_text_captured(line, self.bytes, position + 1, usize::from(length))?;
            line.push(".");
            position += 1 + usize::from(length);
            length = self.label_length(line, position)?;
        }
        Ok(end.unwrap_or(position + 1))
    }

    /// The length byte of the label at `offset` (a pointer's first byte for a pointer); tcpdump gives up on the
    /// extended label types, `<ELT 1>`.
    fn label_length(&self, line: &mut Line, offset: usize) -> Result<u8, Truncated> {
        self.bytes.check(offset, 1)?;
        let length = self.bytes.u8(offset)?;
        if length & LABEL_KIND == EXTENDED_LABEL {
            line.put(format_args!("<ELT {}>", length & !LABEL_KIND));
            return Err(self.bytes.truncated());
        }
        if length & LABEL_KIND == RESERVED_LABEL {
            line.push("<BAD LABEL TYPE>");
            return Err(self.bytes.truncated());
        }
        Ok(length)
    }
}

/// The top bits of a label's length byte say what kind of label it is.
const LABEL_KIND: u8 = 0xc0;
const POINTER: u8 = 0xc0;
const EXTENDED_LABEL: u8 = 0x40;
const RESERVED_LABEL: u8 = 0x80;

/// `len` bytes from `offset` as text, as far as they were captured (failing where the capture ends).
fn print_text_captured(line: &mut Line, bytes: Captured, offset: usize, len: usize) -> Printed {
    let available = bytes.rest(offset);
    line.put_escaped(available.get(..len).unwrap_or(available));
    if available.len() < len { Err(bytes.truncated()) } else { Ok(()) }
}

const OPTION_ALGORITHMS_UNDERSTOOD: u16 = 5;
const OPTION_DS_HASHES_UNDERSTOOD: u16 = 6;
const OPTION_NSEC3_HASHES_UNDERSTOOD: u16 = 7;
const OPTION_CLIENT_SUBNET: u16 = 8;
const OPTION_EXPIRE: u16 = 9;
const OPTION_COOKIE: u16 = 10;
const OPTION_KEEPALIVE: u16 = 11;
const OPTION_PADDING: u16 = 12;
const OPTION_CHAIN: u16 = 13;
const OPTION_KEY_TAG: u16 = 14;

/// `RSASHA256 ED25519 Alg_99`: algorithm numbers by name; always valid.
fn print_algorithms(line: &mut Line, data: &[u8], name: impl Fn(u8) -> Option<&'static str>) -> bool {
    for (index, &algorithm) in data.iter().enumerate() {
        let separator = if index == 0 { "" } else { " " };
        match name(algorithm) {
            Some(name) => line.put(format_args!("{separator}{name}")),
            None => line.put(format_args!("{separator}Alg_{algorithm}")),
        }
    }
    true
}

/// tcpdump's names of DNSSEC algorithms.
fn dnssec_algorithm_name(algorithm: u8) -> Option<&'static str> {
    Some(match algorithm {
        0 => "DELETE",
        1 => "RSAMD5",
        2 => "DH",
        3 => "DS",
        5 => "RSASHA1",
        6 => "DSA-NSEC3-SHA1",
        7 => "RSASHA1-NSEC3-SHA1",
        8 => "RSASHA256",
        10 => "RSASHA512",
        12 => "ECC-GOST",
        13 => "ECDSAP256SHA256",
        14 => "ECDSAP384SHA384",
        15 => "ED25519",
        16 => "ED448",
        252 => "INDIRECT",
        253 => "PRIVATEDNS",
        254 => "PRIVATEOID",
        _ => return None,
    })
}

/// tcpdump's names of DS digest algorithms.
fn ds_hash_name(hash: u8) -> Option<&'static str> {
    Some(match hash {
        1 => "SHA-1",
        2 => "SHA-256",
        3 => "GOST_R_34.11-94",
        4 => "SHA-384",
        _ => return None,
    })
}

/// Bytes in hex, without separators; always valid.
fn print_hex(line: &mut Line, data: &[u8]) -> bool {
    for byte in data {
        line.put(format_args!("{byte:02x}"));
    }
    true
}

/// `192.0.2.0/24/0`: an EDNS client subnet, its source and scope prefix lengths; whether it is valid.
fn print_client_subnet(line: &mut Line, data: &[u8]) -> bool {
    let Some((&[family_high, family_low, source_len, scope_len], address)) = data.split_first_chunk::<4>() else {
        return false;
    };
    // The address is cut to the source prefix's bytes.
    let mut octets = [0; 16];
    let (bits, full_len) = match u16::from_be_bytes([family_high, family_low]) {
        1 => (32, 4),
        2 => (128, 16),
        _ => return false,
    };
    if address.len() > full_len || source_len > bits || scope_len > bits {
        return false;
    }
    if usize::from(source_len).div_ceil(8) != address.len() {
        return false;
    }
    octets[..address.len()].copy_from_slice(address);
    let address = match full_len {
        4 => IpAddress::V4([octets[0], octets[1], octets[2], octets[3]]),
        _ => IpAddress::V6(octets),
    };
    line.put(format_args!("{address}/{source_len}/{scope_len}"));
    true
}

/// tcpdump's names of EDNS options.
struct EdnsOptionName(u16);

impl std::fmt::Display for EdnsOptionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            1 => "LLQ",
            2 => "UL",
            3 => "NSID",
            OPTION_ALGORITHMS_UNDERSTOOD => "DAU",
            OPTION_DS_HASHES_UNDERSTOOD => "DHU",
            OPTION_NSEC3_HASHES_UNDERSTOOD => "N3U",
            OPTION_CLIENT_SUBNET => "ECS",
            OPTION_EXPIRE => "EXPIRE",
            OPTION_COOKIE => "COOKIE",
            OPTION_KEEPALIVE => "KEEPALIVE",
            OPTION_PADDING => "PADDING",
            OPTION_CHAIN => "CHAIN",
            OPTION_KEY_TAG => "KEY-TAG",
            16 => "CLIENT-TAG",
            17 => "SERVER-TAG",
            other => return write!(f, "Opt{other}"),
        })
    }
}

/// ` inv_q`, ` notify`...: nothing for a standard query.
struct OpcodeName(u16);

impl std::fmt::Display for OpcodeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            0 => "",
            1 => " inv_q",
            2 => " stat",
            4 => " notify",
            5 => " update",
            9 => " updateA",
            10 => " updateD",
            11 => " updateDA",
            12 => " updateM",
            13 => " updateMA",
            14 => " zoneInit",
            15 => " zoneRef",
            other => return write!(f, " op{other}"),
        })
    }
}

/// ` NXDomain`...: nothing for success.
struct ResponseCode(u16);

impl std::fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            0 => "",
            1 => " FormErr",
            2 => " ServFail",
            3 => " NXDomain",
            4 => " NotImp",
            5 => " Refused",
            6 => " YXDomain",
            7 => " YXRRSet",
            8 => " NXRRSet",
            9 => " NotAuth",
            10 => " NotZone",
            15 => " NoChange",
            16 => " BadVers",
            // tcpdump's table lacks the space here.
            17 => "Resp17",
            23 => " BadCookie",
            other => return write!(f, " Resp{other}"),
        })
    }
}

/// tcpdump's names of record types.
struct TypeName(u16);

impl std::fmt::Display for TypeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 49] = [
            "Type0", "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR", "NULL", "WKS", "PTR", "HINFO", "MINFO",
            "MX", "TXT", "RP", "AFSDB", "X25", "ISDN", "RT", "NSAP", "NSAP_PTR", "SIG", "KEY", "PX", "GPOS", "AAAA",
            "LOC", "NXT", "EID", "NIMLOC", "SRV", "ATMA", "NAPTR", "KX", "CERT", "A6", "DNAME", "SINK", "OPT", "APL",
            "DS", "SSHFP", "IPSECKEY", "RRSIG", "NSEC", "DNSKEY",
        ];
        let name = match self.0 {
            known @ 0..=48 => NAMES[usize::from(known)],
            99 => "SPF",
            100 => "UINFO",
            101 => "UID",
            102 => "GID",
            103 => "UNSPEC",
            TYPE_UNSPECA => "UNSPECA",
            249 => "TKEY",
            250 => "TSIG",
            251 => "IXFR",
            252 => "AXFR",
            253 => "MAILB",
            254 => "MAILA",
            255 => "ANY",
            256 => "URI",
            other => return write!(f, "Type{other}"),
        };
        f.write_str(name)
    }
}

/// tcpdump's names of classes other than IN.
struct ClassName(u16);

impl std::fmt::Display for ClassName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            CLASS_IN => f.write_str("IN"),
            3 => f.write_str("CHAOS"),
            4 => f.write_str("HS"),
            255 => f.write_str("ANY"),
            other => write!(f, "(Class {other})"),
        }
    }
}

/// A TTL as tcpdump writes durations: `1h1m1s`, `0s`.
pub(super) struct Duration(pub u32);

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const UNITS: [(u32, &str); 6] =
            [(31_536_000, "y"), (604_800, "w"), (86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (seconds, unit) in UNITS {
            if rest >= seconds {
                write!(f, "{}{unit}", rest / seconds)?;
                rest %= seconds;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(verbosity: u8, message: &[u8]) -> String {
        let mut line = Line::default();
        if let Err(truncated) = print(&mut line, verbosity, message, message.len() as u32) {
            truncated.print(&mut line);
        }
        line.text
    }

    /// A response to `A? a.` with one answer, whose owner name points back at the question's.
    const RESPONSE: [u8; 33] = [
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, b'a', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10,
        0, 4, 10, 0,
    ];

    #[test]
    fn responses_by_verbosity() {
        let mut response = RESPONSE.to_vec();
        response.extend_from_slice(&[0, 1]);
        assert_eq!(printed(0, &response), "4660 1/0/0 A 10.0.0.1 (35)");
        assert_eq!(printed(1, &response), "4660 1/0/0 a. A 10.0.0.1 (35)");
        assert_eq!(printed(2, &response), "4660 q: A? a. 1/0/0 a. A 10.0.0.1 (35)");
        assert_eq!(printed(3, &response), "4660 q: A? a. 1/0/0 a. [1h] A 10.0.0.1 (35)");
        assert_eq!(printed(0, &RESPONSE), "4660 1/0/0 A [|domain]");
    }

    #[test]
    fn pointers_must_point_backwards() {
        let mut query = RESPONSE[..12].to_vec();
        query[2..4].copy_from_slice(&[0x01, 0x00]);
        query[7] = 0;
        query.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert_eq!(printed(0, &query), "4660+ A? <BAD PTR> [|domain]");
    }

    #[test]
    fn durations() {
        assert_eq!(Duration(0).to_string(), "0s");
        assert_eq!(Duration(90_061).to_string(), "1d1h1m1s");
        assert_eq!(Duration(u32::MAX).to_string(), "136y10w6h28m15s");
    }
}
