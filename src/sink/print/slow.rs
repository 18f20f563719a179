//! The slow protocols (tcpdump's print-slow.c), EtherType 0x8809: LACP and Marker, `LACPv1, length 110`, with
//! their TLVs at -v and each TLV's bytes in hex at -vv.

use super::{
    Line,
    address::LinkAddress,
    captured::{Captured, Printed},
    hexdump,
};

pub(super) const ETHERTYPE: u16 = 0x8809;
const LACP: u8 = 1;
const MARKER: u8 = 2;
const OAM: u8 = 3;
const VERSION: u8 = 1;
const TLV_HEADER_LEN: usize = 2;
/// OAM's flags and code, after the subtype.
const OAM_HEADER_LEN: u32 = 3;
const TERMINATOR: u8 = 0;
const ACTOR_INFORMATION: u8 = 1;
const PARTNER_INFORMATION: u8 = 2;
const COLLECTOR_INFORMATION: u8 = 3;
const MARKER_INFORMATION: u8 = 1;
/// The values of the TLVs tcpdump decodes, after type and length.
const PARTY_INFORMATION_LEN: usize = 18;
const COLLECTOR_INFORMATION_LEN: usize = 14;
const MARKER_INFORMATION_LEN: usize = 14;

const STATE_FLAGS: [(u16, &str); 8] = [
    (0x01, "Activity"),
    (0x02, "Timeout"),
    (0x04, "Aggregation"),
    (0x08, "Synchronization"),
    (0x10, "Collecting"),
    (0x20, "Distributing"),
    (0x40, "Default"),
    (0x80, "Expired"),
];

/// Prints a slow protocol's PDU `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let slow = Captured::new(bytes, "slow");
    let too_short = |line: &mut Line| {
        line.push(if verbosity == 0 { " (packet is too short)" } else { "\n\t\t packet is too short" });
        Ok(())
    };
    if length < 1 {
        return too_short(line);
    }
    let subtype = slow.u8(0)?;
    let name = match subtype {
        LACP => "LACP",
        MARKER => "MARKER",
        OAM => "OAM",
        other => {
            line.put(format_args!("unknown ({other}), length {length}"));
            hexdump::hex(line, slow.limit(length as usize).bytes());
            return Ok(());
        }
    };
    if subtype == OAM {
        // OAM has no version. ptstat does not decode its PDUs, only finds one too short for its header.
        line.put(format_args!("{name}, length {length}"));
        if verbosity > 0 && length - 1 < OAM_HEADER_LEN {
            return too_short(line);
        }
        return Ok(());
    }
    if length < 2 {
        return too_short(line);
    }
    let version = slow.u8(1)?;
    if version != VERSION {
        line.put(format_args!("{name} version {version} packet not supported"));
        return Ok(());
    }
    line.put(format_args!("{name}v{version}, length {length}"));
    if verbosity == 0 {
        return Ok(());
    }
    let mut offset = 2;
    let end = length as usize;
    while offset < end {
        if end - offset < TLV_HEADER_LEN {
            return too_short(line);
        }
        let (tlv_type, tlv_len) = (slow.u8(offset)?, usize::from(slow.u8(offset + 1)?));
        let known = match (subtype, tlv_type) {
            (_, TERMINATOR) => Some("Terminator"),
            (LACP, ACTOR_INFORMATION) => Some("Actor Information"),
            (LACP, PARTNER_INFORMATION) => Some("Partner Information"),
            (LACP, COLLECTOR_INFORMATION) => Some("Collector Information"),
            (MARKER, MARKER_INFORMATION) => Some("Marker Information"),
            _ => None,
        };
        line.put(format_args!("\n\t{} TLV (0x{tlv_type:02x}), length {tlv_len}", known.unwrap_or("Unknown")));
        if tlv_type == TERMINATOR {
            return Ok(());
        }
        if tlv_len < TLV_HEADER_LEN {
            line.put(format_args!("\n\t    ERROR: illegal length - should be >= {TLV_HEADER_LEN}"));
            return Ok(());
        }
        if end - offset < tlv_len {
            return too_short(line);
        }
        slow.require(offset, tlv_len)?;
        let value = slow.next_layer(offset + TLV_HEADER_LEN, "slow").limit(tlv_len - TLV_HEADER_LEN);
        let expected_len = match known {
            Some(_) if subtype == MARKER => Some(MARKER_INFORMATION_LEN),
            Some(_) if tlv_type == COLLECTOR_INFORMATION => Some(COLLECTOR_INFORMATION_LEN),
            Some(_) => Some(PARTY_INFORMATION_LEN),
            None => None,
        };
        match expected_len {
            Some(expected) if value.len() != expected => {
                line.put(format_args!("\n\t    ERROR: illegal length - should be {}", TLV_HEADER_LEN + expected));
            }
            Some(_) if subtype == MARKER => line.put(format_args!(
                "\n\t  Request System {}, Request Port {}, Request Transaction ID 0x{:08x}",
                LinkAddress(value.slice(2, 6)?),
                value.be16(0)?,
                value.be32(8)?
            )),
            Some(_) if tlv_type == COLLECTOR_INFORMATION => {
                line.put(format_args!("\n\t  Max Delay {}", value.be16(0)?));
            }
            Some(_) => {
                line.put(format_args!(
                    "\n\t  System {}, System Priority {}, Key {}, Port {}, Port Priority {}\n\t  State Flags [",
                    LinkAddress(value.slice(2, 6)?),
                    value.be16(0)?,
                    value.be16(8)?,
                    value.be16(12)?,
                    value.be16(10)?
                ));
                line.put_flag_names(value.u8(14)?.into(), &STATE_FLAGS);
                line.push("]");
            }
            None if verbosity == 1 => hexdump::hex_indented(line, "\n\t  ", value.bytes()),
            None => {}
        }
        if verbosity > 1 {
            hexdump::hex_indented(line, "\n\t  ", value.bytes());
        }
        offset += tlv_len;
    }
    Ok(())
}
