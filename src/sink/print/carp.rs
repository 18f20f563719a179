//! CARP, OpenBSD's common address redundancy protocol (tcpdump's print-carp.c). It shares IP protocol 112 with
//! VRRP, and tcpdump takes the protocol for CARP only when `-T carp` asks for it:
//! `CARPv2-advertise 36: vhid=1 advbase=1 advskew=0 authlen=7 counter=42`.

use super::{
    Line,
    captured::{Captured, Printed},
    checksum::Checksum,
    ip::IpEnvelope,
};

const ADVERTISEMENT: u8 = 1;
/// The TTL or hop limit every CARP packet is sent with; tcpdump points out others.
const REQUIRED_TTL: u8 = 255;

/// Prints a packet `length` bytes long (as the IP header gives it), of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32, envelope: &IpEnvelope) -> Printed {
    let carp = Captured::new(bytes, "carp");
    let first = carp.u8(0)?;
    let (version, message_type) = (first >> 4, first & 0x0f);
    let type_name = if message_type == ADVERTISEMENT { "advertise" } else { "unknown" };
    line.put(format_args!("CARPv{version}-{type_name} {length}: "));
    if envelope.hop_limit != REQUIRED_TTL {
        line.put(format_args!("[ttl={}!] ", envelope.hop_limit));
    }
    if version != 2 || message_type != ADVERTISEMENT {
        return Ok(());
    }
    let (host_id, base, skew, auth_len) = (carp.u8(1)?, carp.u8(5)?, carp.u8(2)?, carp.u8(3)?);
    line.put(format_args!("vhid={host_id} advbase={base} advskew={skew} authlen={auth_len} "));
    if verbosity > 0
        && let Ok(message) = carp.slice(0, length as usize)
        && Checksum::default().add(message).finish() != 0
    {
        line.put(format_args!(" (bad carp cksum {:x}!)", carp.be16(6)?));
    }
    line.put(format_args!("counter={}", u64::from_be_bytes(carp.array(8)?)));
    Ok(())
}
