//! OSPF's traffic engineering LSAs (RFC 3630, with GMPLS's RFC 4203 and DiffServ-TE's RFC 4124 additions), as
//! tcpdump's print-ospf.c prints them for OSPFv2's opaque LSAs and OSPFv3's intra-area TE LSAs: the router
//! address TLV, and the link TLV's sub-TLVs with their bandwidths in Mbps.

use std::fmt;

use super::{
    Line,
    captured::{Captured, Truncated},
    ospf::print_unknown_data,
};

const TLV_HEADER_LEN: u32 = 4;
const ROUTER_ADDRESS: u16 = 1;
const LINK: u16 = 2;

const LINK_TYPE: u16 = 1;
const LINK_ID: u16 = 2;
const LOCAL_ADDRESS: u16 = 3;
const REMOTE_ADDRESS: u16 = 4;
const TE_METRIC: u16 = 5;
const MAX_BANDWIDTH: u16 = 6;
const MAX_RESERVABLE_BANDWIDTH: u16 = 7;
const UNRESERVED_BANDWIDTH: u16 = 8;
const ADMIN_GROUP: u16 = 9;
const LINK_LOCAL_REMOTE_ID: u16 = 11;
const PROTECTION_TYPE: u16 = 14;
const SWITCHING_CAPABILITY: u16 = 15;
const SHARED_RISK_GROUP: u16 = 16;
const BANDWIDTH_CONSTRAINTS: u16 = 17;
/// Bandwidths for each of 8 classes or priorities.
const LEVELS: usize = 8;

/// The TLVs of a traffic engineering LSA, `len` bytes from `offset`. Returns whether they were all printed: a
/// length that does not fit or a cut found by checking stops them and the LSA.
pub(super) fn print(
    line: &mut Line,
    verbosity: u8,
    ospf: Captured,
    mut offset: usize,
    len: usize,
) -> Result<bool, Truncated> {
    let mut left = len as u32;
    while left != 0 {
        if !ospf.has(offset, TLV_HEADER_LEN as usize) {
            return Ok(false);
        }
        if left < TLV_HEADER_LEN {
            line.put(format_args!("\n\t    Remaining LS length {left} < 4"));
            return Ok(false);
        }
        let (tlv_type, mut tlv_len) = (ospf.be16(offset)?, u32::from(ospf.be16(offset + 2)?));
        offset += TLV_HEADER_LEN as usize;
        left -= TLV_HEADER_LEN;
        let name = match tlv_type {
            ROUTER_ADDRESS => "Router Address",
            LINK => "Link",
            _ => "unknown",
        };
        line.put(format_args!("\n\t    {name} TLV ({tlv_type}), length: {tlv_len}"));
        if tlv_len > left {
            line.put(format_args!("\n\t    Bogus length {tlv_len} > {left}"));
            return Ok(false);
        }
        if tlv_type == 0 || tlv_len == 0 {
            return Ok(false);
        }
        match tlv_type {
            LINK => {
                // Each sub-TLV moves on past itself; the TLV's length is all used up at the end.
                while tlv_len != 0 {
                    if tlv_len < TLV_HEADER_LEN {
                        line.put(format_args!("\n\t    Remaining TLV length {tlv_len} < 4"));
                        return Ok(false);
                    }
                    let (sub_type, sub_len) = (ospf.be16(offset)?, ospf.be16(offset + 2)?);
                    offset += TLV_HEADER_LEN as usize;
                    tlv_len -= TLV_HEADER_LEN;
                    if sub_type == 0 || sub_len == 0 {
                        line.push(" (invalid)");
                        return Ok(false);
                    }
                    line.put(format_args!(
                        "\n\t      {} subTLV ({sub_type}), length: {sub_len}",
                        sub_tlv_name(sub_type)
                    ));
                    if tlv_len < u32::from(sub_len) {
                        line.put(format_args!(
                            "\n\t    Remaining TLV length {} < {}",
                            tlv_len + TLV_HEADER_LEN,
                            u32::from(sub_len) + TLV_HEADER_LEN
                        ));
                        return Ok(false);
                    }
                    if !ospf.has(offset, sub_len.into()) {
                        return Ok(false);
                    }
                    if let Some(problem) = print_sub_tlv(line, verbosity, ospf, offset, sub_type, sub_len)? {
                        line.put(format_args!("{problem} (invalid)"));
                        return Ok(false);
                    }
                    if sub_type == SHARED_RISK_GROUP {
                        // tcpdump walks through the groups with the pointer it then moves past the sub-TLV
                        // again: what follows is read that much further on.
                        offset += usize::from(sub_len);
                    }
                    let padded_len = u32::from(sub_len).next_multiple_of(4);
                    if tlv_len < padded_len {
                        line.put(format_args!(
                            "\n\t    Remaining TLV length {} < {}",
                            tlv_len + TLV_HEADER_LEN,
                            padded_len + TLV_HEADER_LEN
                        ));
                        return Ok(false);
                    }
                    tlv_len -= padded_len;
                    offset += padded_len as usize;
                }
            }
            ROUTER_ADDRESS => {
                if tlv_len < 4 {
                    line.put(format_args!("\n\t    TLV length {tlv_len} < 4"));
                    return Ok(false);
                }
                line.put(format_args!(", {}", ospf.ipv4(offset)?));
            }
            _ if verbosity <= 1 => print_unknown_data(line, ospf, offset, tlv_len as usize, "\n\t      "),
            _ => {}
        }
        // TLVs are padded to 32 bits.
        let padded_len = tlv_len.next_multiple_of(4);
        if padded_len > left {
            line.put(format_args!("\n\t    Bogus padded length {padded_len} > {left}"));
            return Ok(false);
        }
        left -= padded_len;
        offset += padded_len as usize;
    }
    Ok(true)
}

fn sub_tlv_name(sub_type: u16) -> &'static str {
    match sub_type {
        LINK_TYPE => "Link Type",
        LINK_ID => "Link ID",
        LOCAL_ADDRESS => "Local Interface IP address",
        REMOTE_ADDRESS => "Remote Interface IP address",
        TE_METRIC => "Traffic Engineering Metric",
        MAX_BANDWIDTH => "Maximum Bandwidth",
        MAX_RESERVABLE_BANDWIDTH => "Maximum Reservable Bandwidth",
        UNRESERVED_BANDWIDTH => "Unreserved Bandwidth",
        ADMIN_GROUP => "Administrative Group",
        LINK_LOCAL_REMOTE_ID => "Link Local/Remote Identifier",
        PROTECTION_TYPE => "Link Protection Type",
        SWITCHING_CAPABILITY => "Interface Switching Capability",
        SHARED_RISK_GROUP => "Shared Risk Link Group",
        BANDWIDTH_CONSTRAINTS => "Bandwidth Constraints",
        _ => "unknown",
    }
}

/// Prints the value of a link sub-TLV `len` bytes long at `offset` (all captured); returns what is wrong with
/// its length, if something is, for ` != 4 (invalid)`.
fn print_sub_tlv(
    line: &mut Line,
    verbosity: u8,
    ospf: Captured,
    offset: usize,
    sub_type: u16,
    len: u16,
) -> Result<Option<String>, Truncated> {
    let wrong_len = |expected: u16| (len != expected).then(|| format!(" != {expected}"));
    match sub_type {
        ADMIN_GROUP
        | LOCAL_ADDRESS
        | REMOTE_ADDRESS
        | TE_METRIC
        | MAX_BANDWIDTH
        | MAX_RESERVABLE_BANDWIDTH
        | PROTECTION_TYPE
            if len != 4 =>
        {
            return Ok(wrong_len(4));
        }
        ADMIN_GROUP => line.put(format_args!(", 0x{:08x}", ospf.be32(offset)?)),
        LINK_ID | LINK_LOCAL_REMOTE_ID => {
            if len != 4 && len != 8 {
                return Ok(Some(" != 4 && != 8".to_owned()));
            }
            line.put(format_args!(", {} (0x{:08x})", ospf.ipv4(offset)?, ospf.be32(offset)?));
            if len == 8 {
                line.put(format_args!(", {} (0x{:08x})", ospf.ipv4(offset + 4)?, ospf.be32(offset + 4)?));
            }
        }
        LOCAL_ADDRESS | REMOTE_ADDRESS => line.put(format_args!(", {}", ospf.ipv4(offset)?)),
        MAX_BANDWIDTH | MAX_RESERVABLE_BANDWIDTH => line.put(format_args!(", {} Mbps", Mbps(ospf.be32(offset)?))),
        UNRESERVED_BANDWIDTH => {
            if len != 32 {
                return Ok(wrong_len(32));
            }
            for class in 0..LEVELS {
                line.put(format_args!("\n\t\tTE-Class {class}: {} Mbps", Mbps(ospf.be32(offset + class * 4)?)));
            }
        }
        BANDWIDTH_CONSTRAINTS => {
            if len < 4 {
                return Ok(Some(" < 4".to_owned()));
            }
            let model = ospf.u8(offset)?;
            let model_name = match model {
                0 => "Russian dolls",
                1 => "Maximum allocation",
                254 => "Maximum allocation with E-LSP support",
                _ => "unknown",
            };
            line.put(format_args!("\n\t\tBandwidth Constraints Model ID: {model_name} ({model})"));
            if !len.is_multiple_of(4) {
                return Ok(Some(format!("\n\t\tlength {len} != N x 4")));
            }
            if len > 36 {
                return Ok(Some(format!("\n\t\tlength {len} > 36")));
            }
            for class in 0..usize::from(len - 4) / 4 {
                let bandwidth = Mbps(ospf.be32(offset + 4 + class * 4)?);
                line.put(format_args!("\n\t\t  Bandwidth constraint CT{class}: {bandwidth} Mbps"));
            }
        }
        TE_METRIC => line.put(format_args!(", Metric {}", ospf.be32(offset)?)),
        PROTECTION_TYPE => {
            line.push(", ");
            let names = [
                (0x01, "Extra Traffic"),
                (0x02, "Unprotected"),
                (0x04, "Shared"),
                (0x08, "Dedicated 1:1"),
                (0x10, "Dedicated 1+1"),
                (0x20, "Enhanced"),
                (0x40, "Reserved"),
                (0x80, "Reserved"),
            ];
            line.put_flag_names(ospf.u8(offset)?.into(), &names);
        }
        SWITCHING_CAPABILITY => {
            if len < 36 {
                return Ok(Some(" < 36".to_owned()));
            }
            let capability = match ospf.u8(offset)? {
                1 => "Packet-Switch Capable-1",
                2 => "Packet-Switch Capable-2",
                3 => "Packet-Switch Capable-3",
                4 => "Packet-Switch Capable-4",
                51 => "Layer-2 Switch Capable",
                100 => "Time-Division-Multiplex",
                150 => "Lambda-Switch Capable",
                200 => "Fiber-Switch Capable",
                _ => "Unknown",
            };
            line.put(format_args!("\n\t\tInterface Switching Capability: {capability}"));
            let encoding = match ospf.u8(offset + 1)? {
                1 => "Packet",
                2 => "Ethernet V2/DIX",
                3 => "ANSI/ETSI PDH",
                5 => "SDH ITU-T G.707/SONET ANSI T1.105",
                4 | 6 | 10 => "Reserved",
                7 => "Digital Wrapper",
                8 => "Lambda (photonic)",
                9 => "Fiber",
                11 => "FiberChannel",
                _ => "Unknown",
            };
            line.put(format_args!("\n\t\tLSP Encoding: {encoding}\n\t\tMax LSP Bandwidth:"));
            for priority in 0..LEVELS {
                let bandwidth = Mbps(ospf.be32(offset + 4 + priority * 4)?);
                line.put(format_args!("\n\t\t  priority level {priority}: {bandwidth} Mbps"));
            }
        }
        LINK_TYPE => {
            if len != 1 {
                return Ok(wrong_len(1));
            }
            let link_type = ospf.u8(offset)?;
            let name = match link_type {
                1 => "Point-to-point",
                2 => "Multi-Access",
                _ => "unknown",
            };
            line.put(format_args!(", {name} ({link_type})"));
        }
        SHARED_RISK_GROUP => {
            if !len.is_multiple_of(4) {
                return Ok(Some(" != N x 4".to_owned()));
            }
            if len != 0 {
                line.push("\n\t\t  Shared risk group: ");
            }
            for index in 0..usize::from(len / 4) {
                if index > 0 {
                    line.push(", ");
                }
                line.put_decimal(ospf.be32(offset + index * 4)?);
            }
        }
        _ if verbosity <= 1 => print_unknown_data(line, ospf, offset, len.into(), "\n\t\t"),
        _ => {}
    }
    Ok(None)
}

/// A bandwidth field (an IEEE float of bytes per second) in megabits per second with three decimals, as C's
/// `%.3f` writes the single-precision product.
struct Mbps(u32);

impl fmt::Display for Mbps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let megabits = f32::from_bits(self.0) * 8.0 / 1_000_000.0;
        let sign = if megabits.is_sign_negative() { "-" } else { "" };
        if megabits.is_nan() { write!(f, "{sign}nan") } else { write!(f, "{:.3}", f64::from(megabits)) }
    }
}
