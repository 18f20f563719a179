//! IGMP (tcpdump's print-igmp.c), IP protocol 2: `igmp query v2`, `igmp v3 report, 2 group record(s)` and the
//! groups' sources at -v and -vv, multicast traceroute's `mtrace` and `mresp`.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed},
    checksum::Checksum,
    dns::Duration,
    dvmrp, pim,
};

const QUERY: u8 = 0x11;
const V1_REPORT: u8 = 0x12;
const V2_REPORT: u8 = 0x16;
const V3_REPORT: u8 = 0x22;
const LEAVE: u8 = 0x17;
const MTRACE_RESPONSE: u8 = 0x1e;
const MTRACE: u8 = 0x1f;
const DVMRP: u8 = 0x13;
const PIM_V1: u8 = 0x14;

/// The length of IGMPv1 and v2 messages; a query at least `V3_QUERY_LEN` long is a v3 one.
const MESSAGE_LEN: u32 = 8;
const V3_QUERY_LEN: u32 = 12;
const V3_REPORT_MIN_LEN: u32 = 16;
/// The fixed part of an IGMPv3 group record: type, auxiliary data length, number of sources, group.
const GROUP_RECORD_LEN: usize = 8;
/// An mtrace query after IGMP's header: source, destination, response address, response TTL, query id.
const MTRACE_LEN: u32 = MESSAGE_LEN + 16;
/// The response time a v2 query has unless it says otherwise, in tenths of a second.
const DEFAULT_MAX_RESPONSE: u8 = 100;

/// Prints a message `length` bytes long (as the IP header gives it), of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, quick: bool, bytes: &[u8], length: u32) -> Printed {
    if quick {
        line.push("igmp");
        return Ok(());
    }
    let igmp = Captured::new(bytes, "igmp");
    match igmp.u8(0)? {
        QUERY => {
            line.push("igmp query");
            if length >= V3_QUERY_LEN {
                print_v3_query(line, igmp, verbosity, length)?;
            } else {
                print_query(line, igmp, length)?;
            }
        }
        V1_REPORT => {
            line.put(format_args!("igmp v1 report {}", igmp.ipv4(4)?));
            print_odd_length(line, length);
        }
        V2_REPORT => line.put(format_args!("igmp v2 report {}", igmp.ipv4(4)?)),
        LEAVE => line.put(format_args!("igmp leave {}", igmp.ipv4(4)?)),
        V3_REPORT => {
            line.push("igmp v3 report");
            print_v3_report(line, igmp, verbosity, length)?;
        }
        MTRACE_RESPONSE => print_mtrace(line, igmp, "mresp", length)?,
        MTRACE => print_mtrace(line, igmp, "mtrace", length)?,
        DVMRP => {
            line.push("igmp dvmrp");
            if length < MESSAGE_LEN {
                line.put(format_args!(" [len {length}]"));
            } else {
                dvmrp::print(line, verbosity, bytes, length)?;
            }
        }
        PIM_V1 => {
            line.push("igmp pimv1");
            pim::print_v1(line, verbosity, bytes, length)?;
        }
        other => line.put(format_args!("igmp-{other}")),
    }
    if verbosity > 0
        && length >= 4
        && let Ok(message) = igmp.slice(0, length as usize)
        && Checksum::default().add(message).finish() != 0
    {
        line.put(format_args!(" bad igmp cksum {:x}!", igmp.be16(2)?));
    }
    Ok(())
}

/// ` [len 10]` for an IGMPv1 or v2 message that is not 8 bytes long.
fn print_odd_length(line: &mut Line, length: u32) {
    if length != MESSAGE_LEN {
        line.put(format_args!(" [len {length}]"));
    }
}

/// An IGMPv1 or v2 query: v2's has a response time, and either may name a group.
fn print_query(line: &mut Line, igmp: Captured, length: u32) -> Printed {
    match igmp.u8(1)? {
        0 => line.push(" v1"),
        max_response => {
            line.push(" v2");
            if max_response != DEFAULT_MAX_RESPONSE {
                line.put(format_args!(" [max resp time {max_response}]"));
            }
        }
    }
    let group = igmp.array(4)?;
    if group != [0; 4] {
        line.put(format_args!(" [gaddr {}]", IpAddress::V4(group)));
    }
    print_odd_length(line, length);
    Ok(())
}

/// ` v3 [max resp time 2.5s] [gaddr 239.1.2.3, 3 source(s)]`: the sources themselves at -vv.
fn print_v3_query(line: &mut Line, igmp: Captured, verbosity: u8, length: u32) -> Printed {
    line.push(" v3");
    if !length.is_multiple_of(4) {
        line.put(format_args!(" [invalid len {length}]"));
        return Ok(());
    }
    let code = igmp.u8(1)?;
    if code != DEFAULT_MAX_RESPONSE {
        // Codes from 128 on are a floating-point number: a 4-bit mantissa and a 3-bit exponent.
        let tenths =
            if code < 128 { u32::from(code) } else { (u32::from(code & 0x0f) | 0x10) << (((code & 0x70) >> 4) + 3) };
        line.push(" [max resp time ");
        if tenths < 600 {
            line.put(format_args!("{:.1}s", f64::from(tenths) * 0.1));
        } else {
            line.put(format_args!("{}", Duration(tenths / 10)));
        }
        line.push("]");
    }
    let group = igmp.array(4)?;
    if group == [0; 4] {
        return Ok(());
    }
    line.put(format_args!(" [gaddr {}", IpAddress::V4(group)));
    let sources = igmp.be16(10)?;
    if sources > 0 {
        if length < V3_QUERY_LEN + u32::from(sources) * 4 {
            // tcpdump closes the group's bracket here too, unlike a report's.
            line.push(" [invalid number of sources]]");
            return Ok(());
        }
        print_sources(line, igmp, verbosity, 12, sources)?;
    }
    line.push("]");
    Ok(())
}

/// `, 3 source(s)`, or at -vv the addresses: `{ 10.0.0.7 10.0.0.8 }`.
fn print_sources(line: &mut Line, igmp: Captured, verbosity: u8, offset: usize, sources: u16) -> Printed {
    if verbosity < 2 {
        line.put(format_args!(", {sources} source(s)"));
        return Ok(());
    }
    line.push(" {");
    for index in 0..usize::from(sources) {
        line.put(format_args!(" {}", igmp.ipv4(offset + index * 4)?));
    }
    line.push(" }");
    Ok(())
}

/// `, 2 group record(s)`, and at -v the records: `[gaddr 239.1.2.3 is_in, 2 source(s)]`.
fn print_v3_report(line: &mut Line, igmp: Captured, verbosity: u8, length: u32) -> Printed {
    if length < V3_REPORT_MIN_LEN || !length.is_multiple_of(4) {
        line.put(format_args!(" [invalid len {length}]"));
        return Ok(());
    }
    let records = igmp.be16(6)?;
    line.put(format_args!(", {records} group record(s)"));
    if verbosity == 0 {
        return Ok(());
    }
    let length = length as usize;
    let mut record = 8;
    for _ in 0..records {
        if length < record + GROUP_RECORD_LEN {
            line.push(" [invalid number of groups]");
            return Ok(());
        }
        line.put(format_args!(" [gaddr {}", igmp.ipv4(record + 4)?));
        match igmp.u8(record)? {
            record_type if let Some(name) = record_type_name(record_type) => line.put(format_args!(" {name}")),
            other => line.put(format_args!("  [v3-report-#{other}]")),
        }
        let sources = igmp.be16(record + 2)?;
        let end = record + GROUP_RECORD_LEN + usize::from(sources) * 4;
        if length < end {
            line.put(format_args!(" [invalid number of sources {sources}]"));
            return Ok(());
        }
        print_sources(line, igmp, verbosity, record + GROUP_RECORD_LEN, sources)?;
        record = end;
        line.push("]");
    }
    Ok(())
}

/// tcpdump's names of the group record types IGMPv3 and MLDv2 share (RFC 3376, RFC 3810).
pub(super) fn record_type_name(record_type: u8) -> Option<&'static str> {
    Some(match record_type {
        1 => "is_in",
        2 => "is_ex",
        3 => "to_in",
        4 => "to_ex",
        5 => "allow",
        6 => "block",
        _ => return None,
    })
}

/// `mtrace 42: 10.0.0.7 to 10.0.0.1 reply-to 10.0.0.1`, and the response's TTL for a multicast reply address.
fn print_mtrace(line: &mut Line, igmp: Captured, name: &str, length: u32) -> Printed {
    if length < MTRACE_LEN {
        line.put(format_args!(" [invalid len {length}]"));
        return Ok(());
    }
    let query_id = u32::from_be_bytes([0, igmp.u8(21)?, igmp.u8(22)?, igmp.u8(23)?]);
    let (source, destination, reply_to) = (igmp.ipv4(8)?, igmp.ipv4(12)?, igmp.array(16)?);
    line.put(format_args!("{name} {query_id}: {source} to {destination} reply-to {}", IpAddress::V4(reply_to)));
    // Class D: a multicast group.
    if reply_to[0] & 0xf0 == 0xe0 {
        line.put(format_args!(" with-ttl {}", igmp.u8(20)?));
    }
    Ok(())
}
