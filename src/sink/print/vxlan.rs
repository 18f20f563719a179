//! VXLAN (RFC 7348): an Ethernet frame in a UDP datagram (tcpdump's print-vxlan.c).

use super::{
    Line, PrintState,
    captured::{Captured, Printed},
    link,
};

pub(super) const PORT: u16 = 4789;
const HEADER_LEN: usize = 8;
/// The I flag: the VNI is valid. The only flag VXLAN defines.
const VNI_VALID: u16 = 0x08;

/// Prints a VXLAN header and the frame after it: `bytes` were captured, `length` is what the UDP header leaves of
/// the datagram, `depth` counts the IP headers around the frame.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let vxlan = Captured::new(bytes, "vxlan");
    line.push("VXLAN");
    if length < HEADER_LEN as u32 {
        line.push(" (invalid)");
        return Ok(());
    }
    let flags = vxlan.u8(0)?;
    line.push(", flags [");
    line.put_flag_names_joined(flags.into(), &[(VNI_VALID, "I")], "", "invalid");
    line.put(format_args!("] (0x{flags:02x}), "));
    let [_, vni @ ..] = vxlan.array::<4>(3)?;
    line.put(format_args!("vni {}\n", u32::from_be_bytes([0, vni[0], vni[1], vni[2]])));
    // The reserved byte after the VNI must have been captured, though nothing reads it.
    vxlan.require(HEADER_LEN - 1, 1)?;
    link::print_ethernet(line, state, vxlan.rest(HEADER_LEN), length - HEADER_LEN as u32, depth)
}
