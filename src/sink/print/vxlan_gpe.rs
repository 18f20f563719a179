//! VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe): VXLAN's header with a next-protocol field, so the tunnel carries IP
//! packets and NSH as well as Ethernet frames (tcpdump's print-vxlan-gpe.c).

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    ip, ip6, link, nsh,
};

pub(super) const PORT: u16 = 4790;
const HEADER_LEN: usize = 8;
/// tcpdump's names of the flags: VNI valid, next protocol present, OAM.
const FLAG_NAMES: [(u16, &str); 3] = [(0x08, "I"), (0x04, "P"), (0x01, "O")];

/// The next-protocol values (NSH's field has the same ones).
const NEXT_IPV4: u8 = 1;
const NEXT_IPV6: u8 = 2;
const NEXT_ETHERNET: u8 = 3;
const NEXT_NSH: u8 = 4;

/// Prints a VXLAN-GPE header and the packet after it: `bytes` were captured, `length` is what the UDP header
/// leaves of the datagram, `depth` counts the IP headers around the payload.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let gpe = Captured::new(bytes, "vxlan_gpe");
    line.push("VXLAN-GPE, ");
    if length < HEADER_LEN as u32 {
        line.put(format_args!(" (len {length} < {HEADER_LEN}) (invalid)"));
        return Ok(());
    }
    let flags = gpe.u8(0)?;
    line.push("flags [");
    line.put_flag_names_joined(flags.into(), &FLAG_NAMES, "", "none");
    line.push("], ");
    let next_protocol = gpe.u8(3)?;
    let [high, middle, low] = gpe.array::<3>(4)?;
    // The reserved byte after the VNI must have been captured, though nothing reads it.
    gpe.require(HEADER_LEN - 1, 1)?;
    line.put(format_args!("vni {}", u32::from_be_bytes([0, high, middle, low])));
    line.push(if state.decoding.verbosity > 0 { "\n    " } else { ": " });
    let (payload, payload_len) = (gpe.rest(HEADER_LEN), length - HEADER_LEN as u32);
    if next_protocol == NEXT_NSH {
        return nsh::print(line, state, payload, payload_len, depth);
    }
    print_inner(line, state, next_protocol, payload, payload_len, depth).unwrap_or_else(|| {
        line.push("ERROR: unknown-next-protocol (invalid)");
        Ok(())
    })
}

/// Prints an IPv4 or IPv6 packet or an Ethernet frame, as both VXLAN-GPE and NSH name them; `None` for any other
/// protocol.
pub(super) fn print_inner(
    line: &mut Line,
    state: &mut PrintState,
    next_protocol: u8,
    payload: &[u8],
    length: u32,
    depth: usize,
) -> Option<Printed> {
    Some(match next_protocol {
        NEXT_IPV4 => ip::print(line, state, payload, length, depth),
        NEXT_IPV6 => ip6::print(line, state, payload, length, depth),
        NEXT_ETHERNET => link::print_ethernet(line, state, payload, length, depth),
        _ => return None,
    })
}
