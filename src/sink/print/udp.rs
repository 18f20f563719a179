//! UDP (tcpdump's print-udp.c). tcpdump hands the payload of well-known ports (DNS, DHCP, NTP, ...) to their
//! own printers; ptstat has some of them (application.rs picks one), and prints other datagrams as plain UDP.

use super::{
    Line, PrintState,
    address::IpAddress,
    application::{Application, PacketType},
    captured::{Captured, Printed},
    checksum,
    ip::{IpEnvelope, MAX_ENCAPSULATION_DEPTH, PROTOCOL_UDP},
    nfs, sunrpc,
};

const HEADER_LEN: u16 = 8;
/// IPv6 jumbograms (RFC 2675) carry UDP with a length field of 0: the IP layer's length counts.
const MAX_NON_JUMBO_LEN: u32 = 65_535;

/// Prints a UDP datagram: `bytes` were captured, `length` is its length as the IP header gives it.
pub(super) fn print(
    line: &mut Line,
    state: &mut PrintState,
    bytes: &[u8],
    length: u32,
    envelope: &IpEnvelope,
) -> Printed {
    let udp = Captured::new(bytes, "udp");
    if !udp.has(0, 4) {
        if envelope.names_transport {
            envelope.print_addresses(line);
            line.push(" ");
        }
        return Err(udp.truncated());
    }
    let source_port = udp.be16(0)?;
    let destination_port = udp.be16(2)?;
    let endpoints_start = line.len();
    envelope.print_endpoints(line, source_port, destination_port);
    if length < u32::from(HEADER_LEN) {
        line.put(format_args!("truncated-udp {length}"));
        return Ok(());
    }
    udp.check(4, 2)?;
    let mut udp_len = u32::from(udp.be16(4)?);
    if udp_len == 0 && length > MAX_NON_JUMBO_LEN {
        udp_len = length;
    }
    if udp_len < u32::from(HEADER_LEN) {
        line.put(format_args!("truncated-udplength {udp_len}"));
        return Ok(());
    }
    udp.check(0, usize::from(HEADER_LEN))?;
    let claimed = udp_len - u32::from(HEADER_LEN);
    let available = (length - u32::from(HEADER_LEN)).min(claimed);
    // As in tcpdump, a printer may read past the datagram's length field (to the IP packet's end): only
    // `available` tells it where the message ends.
    let message = udp.rest(usize::from(HEADER_LEN));
    let packet_type = state.decoding.packet_type;
    let ports = (source_port, destination_port);
    if packet_type == Some(PacketType::Rpc) {
        line.truncate(endpoints_start);
        return sunrpc::print(line, state, message, available, envelope);
    }
    // tcpdump looks for NFS before any other port's printer.
    if packet_type.is_none()
        && !state.decoding.quick
        && let Some(printed) = nfs::print_udp(line, state, message, available, envelope, ports)
    {
        return printed;
    }
    // Past the nesting limit, a tunnel's datagram prints as plain UDP.
    let application = Application::for_udp(packet_type, source_port, destination_port)
        .filter(|application| !application.is_tunnel() || envelope.depth < MAX_ENCAPSULATION_DEPTH);
    if packet_type.is_some() {
        // tcpdump's -T: no checksum, -q or not; for a type UDP does not carry, not even the ports.
        match application {
            Some(application) => application.print(line, state, message, available, envelope)?,
            None => line.truncate(endpoints_start),
        }
        return Ok(());
    }
    print_checksum(line, state, udp, available as usize + usize::from(HEADER_LEN), envelope)?;
    if let Some(application) = application.filter(|_| !state.decoding.quick) {
        application.print(line, state, message, available, envelope)?;
    } else if claimed > available && !envelope.fragmented {
        line.put(format_args!("UDP, bad length {claimed} > {available}"));
    } else {
        line.push("UDP, length ");
        line.put_decimal(claimed);
    }
    Ok(())
}

/// `[udp sum ok] ` or `[bad udp cksum 0x1234 -> 0x5678!] `: tcpdump checks UDP over IPv6 (where the sum is
/// mandatory) at -v, over IPv4 at -vv, in both only datagrams captured whole and not fragmented.
fn print_checksum(line: &mut Line, state: &PrintState, udp: Captured, len: usize, envelope: &IpEnvelope) -> Printed {
    let is_ipv4 = matches!(envelope.source, IpAddress::V4(_));
    let verbosity = state.decoding.verbosity;
    if envelope.fragmented || verbosity == 0 || (is_ipv4 && verbosity < 2) {
        return Ok(());
    }
    let field = udp.be16(6)?;
    if is_ipv4 && field == 0 {
        line.push("[no cksum] ");
        return Ok(());
    }
    let Ok(datagram) = udp.slice(0, len) else { return Ok(()) };
    let computed = checksum::with_pseudo_header(envelope, PROTOCOL_UDP, datagram);
    if computed == 0 {
        line.push("[udp sum ok] ");
    } else {
        line.put(format_args!("[bad udp cksum 0x{field:04x} -> 0x{:04x}!] ", checksum::expected(field, computed)));
    }
    Ok(())
}
