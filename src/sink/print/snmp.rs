//! SNMP (tcpdump's print-snmp.c), on UDP ports 161 and 162: the BER-encoded message element by element, OIDs
//! in numbers (tcpdump without libsmi, at -n), `{ SNMPv1 ... }` braces around each level at -v.
//!
//! tcpdump's printer stops at the first element it cannot take (printing why, or `[|snmp]` where the capture
//! ends) and returns from one level at a time, each still printing its closing brace: so do these functions.
//! A message whose first element was not captured whole prints only `[|snmp]`.

use super::{
    Line,
    captured::{Captured, Printed, Truncated},
};

/// The context-specific tags of the PDUs.
const GET_REQUEST: u8 = 0;
const GET_NEXT_REQUEST: u8 = 1;
const SET_REQUEST: u8 = 3;
const TRAP: u8 = 4;
const GET_BULK: u8 = 5;
const INFORM: u8 = 6;
const V2_TRAP: u8 = 7;
const REPORT: u8 = 8;

const UNIVERSAL_NAMES: [&str; 18] = [
    "U-0",
    "Boolean",
    "Integer",
    "Bitstring",
    "String",
    "Null",
    "ObjID",
    "ObjectDes",
    "U-8",
    "U-9",
    "U-10",
    "U-11",
    "U-12",
    "U-13",
    "U-14",
    "U-15",
    "Sequence",
    "Set",
];
const APPLICATION_NAMES: [&str; 7] = ["IpAddress", "Counter", "Gauge", "TimeTicks", "Opaque", "C-5", "Counter64"];
const CONTEXT_NAMES: [&str; 9] =
    ["GetRequest", "GetNextRequest", "GetResponse", "SetRequest", "Trap", "GetBulk", "Inform", "V2Trap", "Report"];
const PRIVATE_NAMES: [&str; 1] = ["P-0"];
const EXCEPTION_NAMES: [&str; 3] = ["noSuchObject", "noSuchInstance", "endOfMibView"];
/// The type names of each class by number. tcpdump names every class `x` in its complaints (a macro of its that
/// was meant to turn each class's name into a string).
const CLASSES: [&[&str]; 4] = [&UNIVERSAL_NAMES, &APPLICATION_NAMES, &CONTEXT_NAMES, &PRIVATE_NAMES];
const UNIVERSAL: u8 = 0;
const APPLICATION: u8 = 1;
const CONTEXT: u8 = 2;
const CONSTRUCTED: u8 = 1;

const ERROR_STATUS_NAMES: [&str; 19] = [
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
];
const GENERIC_TRAP_NAMES: [&str; 7] =
    ["coldStart", "warmStart", "linkDown", "linkUp", "authenticationFailure", "egpNeighborLoss", "enterpriseSpecific"];
const ENTERPRISE_SPECIFIC: i32 = 6;
const VERSION_NAMES: [&str; 4] = ["SNMPv1", "SNMPv2c", "SNMPv2u", "SNMPv3"];
const VERSION_1: i32 = 0;
const VERSION_2C: i32 = 1;
const VERSION_3: i32 = 3;
const DEFAULT_COMMUNITY: &[u8] = b"public";
const USER_SECURITY_MODEL: i32 = 3;

/// What an element holds, as tcpdump sorts them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    /// A context-specific primitive tag that is none of the exceptions.
    Any,
    Null,
    /// A type SNMP does not use, printed in hex.
    Octet,
    Oid,
    Integer(i32),
    Unsigned(u32),
    Unsigned64(u64),
    String,
    Sequence,
    IpAddress,
    Pdu,
    Exception,
}

/// One BER element: its tag number, its contents and their length.
struct Element<'a> {
    id: u8,
    len: u32,
    contents: &'a [u8],
    value: Value,
}

/// A cursor over the elements of one level: the captured bytes from here and the length left by the lengths
/// that enclose it.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    bytes: &'a [u8],
    len: u32,
    /// The bytes the last element parsed took.
    last_len: u32,
}

impl<'a> Cursor<'a> {
    /// Parses the next element, or prints why it cannot and returns `None`.
    fn parse(&mut self, line: &mut Line) -> Option<Element<'a>> {
        self.parse_captured(line).unwrap_or_else(|truncated| {
            truncated.print(line);
            None
        })
    }

    /// Parses the next element: `Err` when the capture ended inside it.
    fn parse_captured(&mut self, line: &mut Line) -> Result<Option<Element<'a>>, Truncated> {
        let Some((element, consumed)) = parse_element(line, Captured::new(self.bytes, "snmp"), self.len)? else {
            return Ok(None);
        };
        self.bytes = self.bytes.get(consumed as usize..).unwrap_or_default();
        self.len -= consumed;
        self.last_len = consumed;
        Ok(Some(element))
    }

    /// The next element if it holds `expected`; otherwise prints `[complaint]` and the element and returns None.
    fn expect(&mut self, line: &mut Line, expected: Value, complaint: &str) -> Option<Element<'a>> {
        let element = self.parse(line)?;
        if std::mem::discriminant(&element.value) != std::mem::discriminant(&expected) {
            line.put(format_args!("[{complaint}]"));
            print_element(line, &element);
            return None;
        }
        Some(element)
    }

    fn integer(&mut self, line: &mut Line, complaint: &str) -> Option<i32> {
        match self.expect(line, Value::Integer(0), complaint)?.value {
            Value::Integer(value) => Some(value),
            _ => None,
        }
    }

    /// `[12 extra after usm SEQ]`: tcpdump counts bytes left after the last element, less that element's own.
    fn print_extra(&self, line: &mut Line, what: &str) {
        if self.last_len < self.len {
            line.put(format_args!("[{} extra after {what}]", self.len - self.last_len));
        }
    }

    /// The level inside a constructed element.
    fn inside(element: &Element<'a>) -> Cursor<'a> {
        Cursor { bytes: element.contents, len: element.len, last_len: 0 }
    }
}

/// Prints a message `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    line.push(" ");
    let mut message = Cursor { bytes, len: length, last_len: 0 };
    // Only the first element can be cut short: the others lie inside it, which tcpdump checks was captured.
    let Some(sequence) = message.parse_captured(line)? else { return Ok(()) };
    print_message(line, verbosity, sequence, message);
    Ok(())
}

/// The message: a sequence of the version and what that version puts after it.
fn print_message(line: &mut Line, verbosity: u8, sequence: Element, message: Cursor) {
    if sequence.value != Value::Sequence {
        line.push("[!init SEQ]");
        print_element(line, &sequence);
        return;
    }
    if message.len > 0 {
        line.put(format_args!("[{} extra after iSEQ]", message.len));
    }
    let mut fields = Cursor::inside(&sequence);
    let Some(version) = fields.integer(line, "version!=INT") else { return };
    match version {
        VERSION_1 | VERSION_2C | VERSION_3 => {
            if verbosity > 0 {
                line.put(format_args!("{{ {} ", VERSION_NAMES[version as usize]));
            }
        }
        _ => {
            line.put(format_args!("SNMP [version = {version}]"));
            return;
        }
    }
    if version == VERSION_3 {
        print_v3_message(line, verbosity, fields);
    } else {
        print_community(line, verbosity, fields, version);
    }
    if verbosity > 0 {
        line.push("} ");
    }
}

/// SNMPv1 and v2c: the community (not shown when it is `public`), then the PDU.
fn print_community(line: &mut Line, verbosity: u8, mut fields: Cursor, version: i32) {
    let Some(community) = fields.expect(line, Value::String, "comm!=STR") else { return };
    if community.contents != DEFAULT_COMMUNITY || community.len as usize != DEFAULT_COMMUNITY.len() {
        line.push("C=");
        print_element(line, &community);
        line.push(" ");
    }
    print_pdu(line, verbosity, fields, version);
}

/// SNMPv3: the header's flags, the user-based security parameters and the scoped PDU.
fn print_v3_message(line: &mut Line, verbosity: u8, fields: Cursor) {
    let mut after_header = fields;
    let Some(header) = after_header.expect(line, Value::Sequence, "!message") else { return };
    let mut header = Cursor::inside(&header);
    if verbosity > 0 {
        line.push("{ ");
    }
    if header.integer(line, "msgID!=INT").is_none() || header.integer(line, "msgMaxSize!=INT").is_none() {
        return;
    }
    let Some(flags) = header.expect(line, Value::String, "msgFlags!=STR") else { return };
    let &[flags] = flags.contents else {
        line.put(format_args!("[msgFlags size {}]", flags.len));
        return;
    };
    if ![0x00, 0x01, 0x03, 0x04, 0x05, 0x07].contains(&flags) {
        line.put(format_args!("[msgFlags=0x{flags:02X}]"));
        return;
    }
    let flag = |bit: u8, letter: &'static str| if flags & bit != 0 { letter } else { "" };
    line.put(format_args!("F={}{}{} ", flag(0x01, "a"), flag(0x02, "p"), flag(0x04, "r")));
    let Some(model) = header.integer(line, "msgSecurityModel!=INT") else { return };
    header.print_extra(line, "message SEQ");
    if verbosity > 0 {
        line.push("} ");
    }
    if model != USER_SECURITY_MODEL {
        line.put(format_args!("[security model {model}]"));
        return;
    }
    if verbosity > 0 {
        line.push("{ USM ");
    }
    // tcpdump goes on from where it stopped inside the header: bytes left in it are taken for what follows.
    let position = fields.len - after_header.len - header.len;
    let mut fields = Cursor {
        bytes: fields.bytes.get(position as usize..).unwrap_or_default(),
        len: fields.len - position,
        last_len: 0,
    };
    let Some(parameters) = fields.expect(line, Value::String, "msgSecurityParameters!=STR") else { return };
    print_user_security(line, verbosity, Cursor::inside(&parameters));
    if verbosity > 0 {
        line.push("} ");
        line.push("{ ScopedPDU ");
    }
    print_scoped_pdu(line, verbosity, fields);
    if verbosity > 0 {
        line.push("} ");
    }
}

/// The user-based security model's parameters (RFC 3414): engine boots and time at -v, and the user.
fn print_user_security(line: &mut Line, verbosity: u8, mut parameters: Cursor) {
    let Some(sequence) = parameters.expect(line, Value::Sequence, "!usm") else { return };
    let mut fields = Cursor::inside(&sequence);
    if fields.expect(line, Value::String, "msgAuthoritativeEngineID!=STR").is_none() {
        return;
    }
    let Some(boots) = fields.integer(line, "msgAuthoritativeEngineBoots!=INT") else { return };
    if verbosity > 0 {
        line.put(format_args!("B={boots} "));
    }
    let Some(time) = fields.integer(line, "msgAuthoritativeEngineTime!=INT") else { return };
    if verbosity > 0 {
        line.put(format_args!("T={time} "));
    }
    let Some(user) = fields.expect(line, Value::String, "msgUserName!=STR") else { return };
    line.push("U=");
    print_element(line, &user);
    line.push(" ");
    for complaint in ["msgAuthenticationParameters!=STR", "msgPrivacyParameters!=STR"] {
        if fields.expect(line, Value::String, complaint).is_none() {
            return;
        }
    }
    fields.print_extra(line, "usm SEQ");
}

/// The scoped PDU: context engine in hex, context name, then the PDU.
fn print_scoped_pdu(line: &mut Line, verbosity: u8, mut scoped: Cursor) {
    let Some(sequence) = scoped.expect(line, Value::Sequence, "!scoped PDU") else { return };
    let mut fields = Cursor::inside(&sequence);
    let Some(engine) = fields.expect(line, Value::String, "contextEngineID!=STR") else { return };
    line.push("E=");
    for byte in engine.contents {
        line.put(format_args!("_{byte:02x}"));
    }
    line.push(" ");
    let Some(name) = fields.expect(line, Value::String, "contextName!=STR") else { return };
    line.push("C=");
    print_element(line, &name);
    line.push(" ");
    print_pdu(line, verbosity, fields, VERSION_3);
}

/// A PDU: its name and length, then its fields.
fn print_pdu(line: &mut Line, verbosity: u8, mut fields: Cursor, version: i32) {
    let Some(pdu) = fields.parse(line) else { return };
    if pdu.value != Value::Pdu {
        line.push("[no PDU]");
        return;
    }
    if fields.len > 0 {
        line.put(format_args!("[{} extra after PDU]", fields.len));
    }
    if verbosity > 0 {
        line.push("{ ");
    }
    print_element(line, &pdu);
    line.push(" ");
    if version == VERSION_1 && [GET_BULK, INFORM, V2_TRAP, REPORT].contains(&pdu.id) {
        line.push("[v2 PDU in v1 message]");
        return;
    }
    if version == VERSION_2C && pdu.id == TRAP {
        line.push("[v1 PDU in v2 message]");
        return;
    }
    if pdu.id == TRAP {
        print_trap(line, Cursor::inside(&pdu));
    } else {
        print_request(line, verbosity, pdu.id, Cursor::inside(&pdu));
    }
    if verbosity > 0 {
        line.push(" } ");
    }
}

/// Whether a PDU's error status and index must be zero.
fn is_request(pdu: u8) -> bool {
    [GET_REQUEST, GET_NEXT_REQUEST, SET_REQUEST, INFORM, V2_TRAP, REPORT].contains(&pdu)
}

/// Every PDU but SNMPv1's trap: request id (at -v), error status and index (for GetBulk, non-repeaters and
/// max-repetitions), then the variable bindings.
fn print_request(line: &mut Line, verbosity: u8, pdu: u8, mut fields: Cursor) {
    let Some(request_id) = fields.integer(line, "reqId!=INT") else { return };
    if verbosity > 0 {
        line.put(format_args!("R={request_id} "));
    }
    let Some(status) = fields.integer(line, "errorStatus!=INT") else { return };
    let status_name = |status: i32| match ERROR_STATUS_NAMES.get(status as usize) {
        Some(name) if status >= 0 => (*name).to_string(),
        _ => format!("err={}", status as u32),
    };
    let mut error = 0;
    if is_request(pdu) && status != 0 {
        line.put(format_args!("[errorStatus({})!=0]", status_name(status)));
    } else if pdu == GET_BULK {
        line.put(format_args!(" N={status}"));
    } else if status != 0 {
        line.put(format_args!(" {}", status_name(status)));
        error = status;
    }
    let Some(index) = fields.integer(line, "errorIndex!=INT") else { return };
    if is_request(pdu) && index != 0 {
        line.put(format_args!("[errorIndex({index})!=0]"));
    } else if pdu == GET_BULK {
        line.put(format_args!(" M={index}"));
    } else if index != 0 {
        if error == 0 {
            line.put(format_args!("[errorIndex({index}) w/o errorStatus]"));
        } else {
            line.put(format_args!("@{index}"));
        }
    } else if error != 0 {
        line.push("[errorIndex==0]");
    }
    print_bindings(line, pdu, fields);
}

/// SNMPv1's trap: enterprise, agent address, generic and specific trap, time stamp, then the variable bindings.
fn print_trap(line: &mut Line, mut fields: Cursor) {
    line.push(" ");
    let Some(enterprise) = fields.expect(line, Value::Oid, "enterprise!=OID") else { return };
    print_element(line, &enterprise);
    line.push(" ");
    let Some(agent) = fields.expect(line, Value::IpAddress, "agent-addr!=INETADDR") else { return };
    print_element(line, &agent);
    let Some(generic) = fields.integer(line, "generic-trap!=INT") else { return };
    match GENERIC_TRAP_NAMES.get(generic as usize) {
        Some(name) if generic >= 0 => line.put(format_args!(" {name}")),
        _ => line.put(format_args!(" gt={generic}")),
    }
    let Some(specific) = fields.integer(line, "specific-trap!=INT") else { return };
    if generic != ENTERPRISE_SPECIFIC {
        if specific != 0 {
            line.put(format_args!("[specific-trap({specific})!=0]"));
        }
    } else {
        line.put(format_args!(" s={specific}"));
    }
    line.push(" ");
    let Some(time) = fields.expect(line, Value::Unsigned(0), "time-stamp!=TIMETICKS") else { return };
    print_element(line, &time);
    print_bindings(line, TRAP, fields);
}

/// The variable bindings: ` name` in requests, ` name=value` in the others.
fn print_bindings(line: &mut Line, pdu: u8, mut fields: Cursor) {
    let Some(list) = fields.expect(line, Value::Sequence, "!SEQ of varbind") else { return };
    if fields.len > 0 {
        line.put(format_args!("[{} extra after SEQ of varbind]", fields.len));
    }
    let mut bindings = Cursor::inside(&list);
    let asks = [GET_REQUEST, GET_NEXT_REQUEST, GET_BULK].contains(&pdu);
    while bindings.len > 0 {
        line.push(" ");
        let Some(binding) = bindings.expect(line, Value::Sequence, "!varbind") else { return };
        let mut binding = Cursor::inside(&binding);
        let Some(name) = binding.expect(line, Value::Oid, "objName!=OID") else { return };
        print_element(line, &name);
        if !asks {
            line.push("=");
        }
        let Some(value) = binding.parse(line) else { return };
        if asks {
            if value.value != Value::Null {
                line.push("[objVal!=NULL]");
                print_element(line, &value);
            }
        } else if value.value != Value::Null {
            print_element(line, &value);
        }
    }
}

/// Parses the element at the start of `bytes` (captured) within `len` bytes (as the lengths say): the element
/// and the bytes it takes, or `None` after printing why not.
fn parse_element<'a>(line: &mut Line, ber: Captured<'a>, len: u32) -> Result<Option<(Element<'a>, u32)>, Truncated> {
    if len < 1 {
        line.push("[nothing to parse]");
        return Ok(None);
    }
    let tag = ber.u8(0)?;
    let mut id = tag & 0x1f;
    let form = (tag & 0x20) >> 5;
    let class = (tag & 0xc0) >> 6;
    let mut header: u32 = 1;
    if id == 0x1f {
        // The tag number follows in 7-bit groups; tcpdump keeps only the low 8 bits of it.
        id = 0;
        loop {
            let byte = ber.u8(header as usize)?;
            if len <= header {
                line.push("[Xtagfield?]");
                return Ok(None);
            }
            id = (id << 7) | (byte & 0x7f);
            header += 1;
            if byte & 0x80 == 0 {
                break;
            }
        }
    }
    if len <= header {
        line.push("[no asnlen]");
        return Ok(None);
    }
    let first_len = ber.u8(header as usize)?;
    header += 1;
    let mut contents_len = u32::from(first_len);
    if first_len & 0x80 != 0 {
        let octets = u32::from(first_len & 0x7f);
        let left = len - header;
        if left < octets {
            line.put(format_args!("[asnlen? {left}<{octets}]"));
            return Ok(None);
        }
        // tcpdump only checks for the length's own octets.
        ber.check(header as usize, octets as usize)?;
        contents_len = 0;
        for _ in 0..octets {
            contents_len = (contents_len << 8) | u32::from(ber.u8(header as usize)?);
            header += 1;
        }
    }
    let left = len - header;
    if left < contents_len {
        line.put(format_args!("[len{}<asnlen{contents_len}]", left as i32));
        return Ok(None);
    }
    let names = CLASSES[usize::from(class)];
    let form_letter = if form == CONSTRUCTED { 'C' } else { 'P' };
    let Some(type_name) = names.get(usize::from(id)) else {
        line.put(format_args!("[id?{form_letter}/x/{id}]"));
        return Ok(None);
    };
    let contents = ber.slice(header as usize, contents_len as usize).map_err(|_| ber.truncated())?;
    let value = match (form, class, id) {
        (CONSTRUCTED, UNIVERSAL, 16) => Value::Sequence,
        (CONSTRUCTED, CONTEXT, _) => Value::Pdu,
        (CONSTRUCTED, UNIVERSAL, _) => {
            line.put(format_args!("C/U/{type_name}"));
            Value::Octet
        }
        (CONSTRUCTED, _, _) => {
            line.put(format_args!("C/x/{type_name}"));
            Value::Octet
        }
        (_, UNIVERSAL, 4) => Value::String,
        (_, UNIVERSAL, 2) => {
            if contents.is_empty() {
                line.push("[asnlen=0]");
                return Ok(None);
            }
            let negative = contents.first().is_some_and(|byte| byte & 0x80 != 0);
            let start = if negative { -1 } else { 0 };
            Value::Integer(contents.iter().fold(start, |value: i32, &byte| (value << 8) | i32::from(byte)))
        }
        (_, UNIVERSAL, 6) => Value::Oid,
        (_, UNIVERSAL, 5) => Value::Null,
        (_, UNIVERSAL, _) => {
            line.put(format_args!("[P/U/{type_name}]"));
            Value::Octet
        }
        (_, APPLICATION, 0) => Value::IpAddress,
        (_, APPLICATION, 1..=3) => {
            Value::Unsigned(contents.iter().fold(0, |value: u32, &byte| (value << 8).wrapping_add(u32::from(byte))))
        }
        (_, APPLICATION, 6) => {
            Value::Unsigned64(contents.iter().fold(0, |value: u64, &byte| (value << 8) | u64::from(byte)))
        }
        (_, APPLICATION, _) => {
            line.put(format_args!("[P/A/{type_name}]"));
            Value::Octet
        }
        (_, CONTEXT, 0..=2) => Value::Exception,
        (_, CONTEXT, _) => Value::Any,
        _ => {
            line.put(format_args!("[P/x/{type_name}]"));
            Value::Octet
        }
    };
    Ok(Some((Element { id, len: contents_len, contents, value }, header + contents_len)))
}

/// Prints an element's value.
fn print_element(line: &mut Line, element: &Element) {
    match element.value {
        Value::Octet => {
            for byte in element.contents {
                line.put(format_args!("_{byte:02x}"));
            }
        }
        Value::Null => {}
        Value::Oid => print_oid(line, element),
        Value::Integer(value) => line.put_decimal(value),
        Value::Unsigned(value) => line.put_decimal(value),
        Value::Unsigned64(value) => line.put_decimal(value),
        Value::String => {
            if element.contents.iter().all(|byte| byte.is_ascii_graphic() || *byte == b' ') {
                line.push("\"");
                line.put_escaped(element.contents);
                line.push("\"");
            } else {
                for (index, byte) in element.contents.iter().enumerate() {
                    line.put(format_args!("{}{byte:02x}", if index == 0 { "" } else { "_" }));
                }
            }
        }
        Value::Sequence => line.put(format_args!("Seq({})", element.len)),
        Value::IpAddress => {
            if element.len != 4 {
                line.push("[inetaddr len!=4]");
            }
            for (index, byte) in element.contents.iter().enumerate() {
                line.put(format_args!("{}{byte}", if index == 0 { "" } else { "." }));
            }
        }
        Value::Exception => line.put(format_args!("[{}]", EXCEPTION_NAMES[usize::from(element.id)])),
        Value::Pdu => line.put(format_args!("{}({})", CONTEXT_NAMES[usize::from(element.id)], element.len)),
        Value::Any => line.push("[BE_ANY!?]"),
    }
}

/// An OID in numbers: `.1.3.6.1.2.1.1.1.0`, the first byte standing for two of them.
fn print_oid(line: &mut Line, element: &Element) {
    let mut number: u32 = 0;
    let mut first = true;
    for &byte in element.contents {
        number = (number << 7).wrapping_add(u32::from(byte & 0x7f));
        if byte & 0x80 != 0 {
            continue;
        }
        if first {
            first = false;
            let arc = ((number as i32) / 40).min(2);
            line.put(format_args!(".{}", arc as u32));
            number = number.wrapping_sub((arc * 40) as u32);
        }
        line.put(format_args!(".{number}"));
        number = 0;
    }
}
