//! IPv6 and its extension headers (tcpdump's print-ip6.c, print-ip6opts.c, print-frag6.c, print-rt6.c).

use super::{
    Line, PrintState,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
    ip::{self, IpEnvelope, ProtocolName},
};

const HEADER_LEN: usize = 40;
const HEADER_LEN_U32: u32 = HEADER_LEN as u32;
const FRAGMENT_HEADER_LEN: usize = 8;
/// The fragment offset, in bytes: the 13-bit field counts 8-byte units and sits above 3 flag bits.
const FRAGMENT_OFFSET_BYTES: u16 = 0xfff8;

const HOP_BY_HOP: u8 = 0;
const ROUTING: u8 = 43;
const FRAGMENT: u8 = 44;
const DESTINATION_OPTIONS: u8 = 60;

/// Prints an IPv6 packet: `bytes` were captured, `length` is its length on the wire as far as the layer below
/// knows. `depth` counts the IP headers around it.
pub(super) fn print(line: &mut Line, state: &mut PrintState, bytes: &[u8], length: u32, depth: usize) -> Printed {
    let ip6 = Captured::new(bytes, "ip6");
    ip6.check(0, HEADER_LEN)?;
    if length < HEADER_LEN_U32 {
        line.put(format_args!("truncated-ip6 {length}"));
        return Ok(());
    }
    if !state.decoding.link_header {
        line.push("IP6 ");
    }
    let version = ip6.u8(0)? >> 4;
    if version != 6 {
        line.put(format_args!("version error: {version} != 6"));
        return Ok(());
    }
    let header_payload_len = u32::from(ip6.be16(4)?);
    // Bytes from the current header to the end of the packet. A payload length of zero means a jumbogram, whose
    // length a hop-by-hop option gives; until then tcpdump takes what the link layer says.
    let mut remaining = if header_payload_len != 0 {
        let total = header_payload_len + HEADER_LEN_U32;
        if length < total {
            line.put(format_args!("truncated-ip6 - {} bytes missing!", total - length));
        }
        total
    } else {
        length.saturating_add(HEADER_LEN_U32)
    };
    let ip6 = ip6.limit(remaining as usize);
    let verbose = state.decoding.verbosity > 0;
    if verbose {
        print_header_fields(line, ip6)?;
    }
    let mut next_header = ip6.u8(6)?;
    let destination = ip6.ipv6(24)?;
    let mut envelope = IpEnvelope {
        source: ip6.ipv6(8)?,
        destination,
        checksum_destination: destination,
        names_transport: ip::prints_own_addresses(next_header),
        fragmented: false,
        depth,
        hop_limit: ip6.u8(7)?,
    };
    let mut jumbo_len = None;
    let mut found_extension_header = false;
    let mut found_hop_by_hop = false;
    let mut found_routing = false;
    let mut header_start = 0;
    let mut header_len = HEADER_LEN;
    while header_start < ip6.len() {
        if remaining < header_len as u32 {
            return Err(ip6.truncated());
        }
        header_start += header_len;
        remaining -= header_len as u32;
        if header_start == HEADER_LEN && !envelope.names_transport {
            envelope.print_addresses(line);
            line.push(" ");
        }
        header_len = match next_header {
            HOP_BY_HOP => {
                if found_hop_by_hop {
                    line.push("[The Hop-by-Hop Options header was already found] (invalid)");
                    return Ok(());
                }
                if header_start != HEADER_LEN {
                    line.push("[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)");
                    return Ok(());
                }
                let header = ip6.next_layer(header_start, "hbhopt");
                let len = extension_header_len(header)?;
                let options = OptionsContext { ipv6_payload_len: header_payload_len, verbose };
                let well_formed = print_hop_by_hop(line, header, len, &options, &mut jumbo_len)?;
                if !well_formed {
                    header.truncated().print(line);
                }
                if header_payload_len == 0 && jumbo_len.is_none() {
                    line.push("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)");
                    return Ok(());
                }
                if !well_formed {
                    return Ok(());
                }
                found_hop_by_hop = true;
                len
            }
            DESTINATION_OPTIONS => {
                let header = ip6.next_layer(header_start, "dstopt");
                let options = OptionsContext { ipv6_payload_len: header_payload_len, verbose };
                match print_destination_options(line, header, &options)? {
                    Some(len) => len,
                    None => return Err(header.truncated()),
                }
            }
            FRAGMENT => {
                let fragment = ip6.next_layer(header_start, "frag6");
                let Some(len) = print_fragment(line, fragment, header_payload_len, header_start, verbose)? else {
                    return Ok(());
                };
                // tcpdump stops quietly when nothing was captured after the fragment header.
                if ip6.len() <= header_start + len {
                    return Ok(());
                }
                envelope.fragmented = true;
                len
            }
            ROUTING => {
                ip6.check(header_start, 1)?;
                match print_routing(line, ip6.next_layer(header_start, "rt6"), verbose)? {
                    RoutingHeader::Valid { len, final_destination } => {
                        // tcpdump takes the pseudo-header's destination from the first routing header only.
                        if !found_routing {
                            envelope.checksum_destination = final_destination.unwrap_or(destination);
                        }
                        found_routing = true;
                        len
                    }
                    RoutingHeader::Invalid => return Ok(()),
                }
            }
            transport => {
                let payload = ip6.next_layer(header_start, "ip6");
                let length = if let Some(jumbo_len) = jumbo_len {
                    let total = jumbo_len.saturating_add(HEADER_LEN_U32);
                    if total < header_start as u32 {
                        return Err(ip6.truncated());
                    }
                    if length < total {
                        line.put(format_args!("truncated-ip6 - {} bytes missing!", total - length));
                    }
                    total - header_start as u32
                } else if header_payload_len == 0 {
                    // No jumbo option: nothing follows the header, whatever the link layer carried.
                    if found_extension_header {
                        return Err(ip6.truncated());
                    }
                    0
                } else {
                    remaining
                };
                return ip::demux(line, state, payload.limit(length as usize).bytes(), length, &envelope, transport);
            }
        };
        found_extension_header = true;
        next_header = ip6.u8(header_start)?;
    }
    Ok(())
}

/// The length of a hop-by-hop or destination options header, from its length field (in 8-byte units, not
/// counting the first 8 bytes).
fn extension_header_len(header: Captured) -> Result<usize, Truncated> {
    Ok((usize::from(header.u8(1)?) + 1) * 8)
}

/// `(flowlabel 0x12345, hlim 64, next-header UDP (17) payload length: 8) ` (-v).
fn print_header_fields(line: &mut Line, ip6: Captured) -> Printed {
    let first_word = ip6.be32(0)?;
    line.push("(");
    let traffic_class = (first_word >> 20) & 0xff;
    if traffic_class != 0 {
        line.put(format_args!("class 0x{traffic_class:02x}, "));
    }
    let flow_label = first_word & 0xf_ffff;
    if flow_label != 0 {
        line.put(format_args!("flowlabel 0x{flow_label:05x}, "));
    }
    let next_header = ip6.u8(6)?;
    line.put(format_args!(
        "hlim {}, next-header {} ({next_header}) payload length: {}) ",
        ip6.u8(7)?,
        ProtocolName(next_header),
        ip6.be16(4)?
    ));
    Ok(())
}

/// What printing the options of a hop-by-hop or destination options header needs to know.
struct OptionsContext {
    /// The IPv6 header's payload length, which must be 0 for a Jumbo Payload option to count.
    ipv6_payload_len: u32,
    /// -v: print the options, not only what is wrong with them.
    verbose: bool,
}

/// `HBH ` and its options, after checking that the header was captured. Returns whether the header is complete
/// and its options well-formed; sets `jumbo_len` when it finds a valid Jumbo Payload option.
fn print_hop_by_hop(
    line: &mut Line,
    header: Captured,
    len: usize,
    context: &OptionsContext,
    jumbo_len: &mut Option<u32>,
) -> Result<bool, Truncated> {
    if !header.has(0, len) {
        return Ok(false);
    }
    line.push("HBH ");
    print_options(line, header.limit(len).next_layer(2, "hbhopt"), context, jumbo_len)
}

/// `DSTOPT ` and its options; returns the header's length, or `None` if its options are malformed.
fn print_destination_options(
    line: &mut Line,
    header: Captured,
    context: &OptionsContext,
) -> Result<Option<usize>, Truncated> {
    let len = extension_header_len(header)?;
    header.check(0, len)?;
    line.push("DSTOPT ");
    // Without -v tcpdump does not look inside.
    if context.verbose && !print_options(line, header.limit(len).next_layer(2, "dstopt"), context, &mut None)? {
        return Ok(None);
    }
    Ok(Some(len))
}

const OPTION_PAD1: u8 = 0x00;
const OPTION_PADN: u8 = 0x01;
const OPTION_ROUTER_ALERT: u8 = 0x05;
const OPTION_JUMBO: u8 = 0xc2;
const OPTION_HOME_ADDRESS: u8 = 0xc9;
/// Smaller payloads fit the IPv6 header's own length field, so a Jumbo Payload option for them is invalid.
const MIN_JUMBO_PAYLOAD: u32 = 65_536;

/// Walks the options of a hop-by-hop or destination options header, printing them with -v and what is wrong
/// with them always (`(rtalert: 0x0000) (padn) `); returns whether they are well-formed.
fn print_options(
    line: &mut Line,
    options: Captured,
    context: &OptionsContext,
    jumbo_len: &mut Option<u32>,
) -> Result<bool, Truncated> {
    let len = options.len();
    let mut seen_jumbo = false;
    let mut offset = 0;
    while offset < len {
        let option_type = options.u8(offset)?;
        // Pad1 is a lone byte; every other option has a length byte after its type.
        let (option_len, declared_len) = if option_type == OPTION_PAD1 {
            (1, 0)
        } else if offset + 1 < len {
            let declared_len = options.u8(offset + 1)?;
            (usize::from(declared_len) + 2, declared_len)
        } else {
            return Ok(false);
        };
        if offset + option_len > len {
            return Ok(false);
        }
        // Options whose data has a fixed form: tcpdump's name, the bytes they need, whether the length fits.
        let form = match option_type {
            OPTION_ROUTER_ALERT => Some(("rtalert", 4, declared_len == 2)),
            OPTION_JUMBO => Some(("jumbo", 6, declared_len == 4)),
            OPTION_HOME_ADDRESS => Some(("homeaddr", 18, declared_len >= 16)),
            _ => None,
        };
        if let Some((name, min_len, len_fits)) = form {
            if len - offset < min_len {
                line.put(format_args!("({name}: trunc)"));
                return Ok(false);
            }
            if !len_fits {
                line.put(format_args!("({name}: invalid len {declared_len})"));
                return Ok(false);
            }
        }
        if option_type == OPTION_JUMBO {
            // Only the first Jumbo Payload option counts, and only if the IPv6 header's payload length is 0.
            let value = options.be32(offset + 2)?;
            let problem = if seen_jumbo {
                " - already seen"
            } else if context.ipv6_payload_len != 0 {
                " - payload len != 0"
            } else if value < MIN_JUMBO_PAYLOAD {
                " - < 65536"
            } else {
                *jumbo_len = Some(value);
                ""
            };
            seen_jumbo = true;
            if context.verbose {
                line.put(format_args!("(jumbo: {value}{problem}) "));
            }
        } else if context.verbose {
            match option_type {
                OPTION_PAD1 => line.push("(pad1)"),
                OPTION_PADN => line.push("(padn)"),
                OPTION_ROUTER_ALERT => line.put(format_args!("(rtalert: 0x{:04x}) ", options.be16(offset + 2)?)),
                OPTION_HOME_ADDRESS => line.put(format_args!("(homeaddr: {})", options.ipv6(offset + 2)?)),
                other => line.put(format_args!("(opt_type 0x{other:02x}: len={declared_len})")),
            }
        }
        offset += option_len;
    }
    if context.verbose {
        line.push(" ");
    }
    Ok(true)
}

/// `frag (0|1448) `, with -v `frag (0xcafef00d:0|1448) ` — the identification, offset and the length of the
/// fragment's payload. Returns the header's length if the payload starts with a header worth printing (first
/// fragments only).
fn print_fragment(
    line: &mut Line,
    header: Captured,
    ipv6_payload_len: u32,
    header_start: usize,
    verbose: bool,
) -> Result<Option<usize>, Truncated> {
    let offset = header.be16(2)? & FRAGMENT_OFFSET_BYTES;
    // tcpdump computes this in unsigned arithmetic, wrapping when the payload length is too small.
    let fragment_payload_len = (u64::from(ipv6_payload_len) + HEADER_LEN as u64)
        .wrapping_sub(header_start as u64 + FRAGMENT_HEADER_LEN as u64);
    let identification = if verbose { Some(header.be32(4)?) } else { None };
    line.push("frag (");
    if let Some(identification) = identification {
        line.put(format_args!("0x{identification:08x}:"));
    }
    line.put(format_args!("{offset}|{fragment_payload_len})"));
    if offset != 0 {
        return Ok(None);
    }
    line.push(" ");
    Ok(Some(FRAGMENT_HEADER_LEN))
}

const ROUTING_TYPE_SOURCE_ROUTE: u8 = 0;
const ROUTING_TYPE_MOBILE_IPV6: u8 = 2;
const ROUTING_TYPE_SEGMENT_ROUTING: u8 = 4;

/// What a routing header turned out to be.
enum RoutingHeader {
    Valid {
        len: usize,
        /// Where the packet finally goes: the address tcpdump puts in checksum pseudo-headers.
        final_destination: Option<IpAddress>,
    },
    /// Of an unknown type or length, which ends the line.
    Invalid,
}

/// `RT6 (len=2, type=0 [Deprecated], segleft=1, [0]2001:db8::1) ` (with -v also reserved bits and flags when
/// they are zero).
fn print_routing(line: &mut Line, header: Captured, verbose: bool) -> Result<RoutingHeader, Truncated> {
    line.push("RT6");
    let len = header.u8(1)?;
    line.put(format_args!(" (len={len}"));
    let routing_type = header.u8(2)?;
    line.put(format_args!(", type={routing_type}"));
    if routing_type == ROUTING_TYPE_SOURCE_ROUTE {
        line.push(" [Deprecated]");
    }
    line.put(format_args!(", segleft={}", header.u8(3)?));
    match routing_type {
        ROUTING_TYPE_SOURCE_ROUTE | ROUTING_TYPE_MOBILE_IPV6 => {
            let reserved = header.be32(4)?;
            if reserved != 0 || verbose {
                line.put(format_args!(", rsv=0x{reserved:x}"));
            }
        }
        ROUTING_TYPE_SEGMENT_ROUTING => {
            line.put(format_args!(", last-entry={}", header.u8(4)?));
            let flags = header.u8(5)?;
            if flags != 0 || verbose {
                line.put(format_args!(", flags=0x{flags:x}"));
            }
            line.put(format_args!(", tag={:x}", header.be16(6)?));
        }
        _ => {
            line.push(" (unknown type) (invalid)");
            return Ok(RoutingHeader::Invalid);
        }
    }
    if len % 2 == 1 {
        line.put(format_args!(" (invalid length {len}) (invalid)"));
        return Ok(RoutingHeader::Invalid);
    }
    // Addresses (or segments) from byte 8 on, two length units each. A segment routing header lists the final
    // destination first, the others last.
    let mut final_destination = None;
    for index in 0..usize::from(len / 2) {
        let address = header.ipv6(8 + 16 * index)?;
        line.put(format_args!(", [{index}]{address}"));
        if index == 0 || routing_type != ROUTING_TYPE_SEGMENT_ROUTING {
            final_destination = Some(address);
        }
    }
    line.push(") ");
    Ok(RoutingHeader::Valid { len: (usize::from(len) + 1) * 8, final_destination })
}
