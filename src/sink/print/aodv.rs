//! AODV, ad hoc on-demand distance vector routing (RFC 3561; tcpdump's print-aodv.c), printed when `-T aodv`
//! asks for it: ` aodv rreq 24  hops 0 id 0x00000001` and on a line of its own `dst 10.0.0.9 seq 0 src 10.0.0.1 seq 7`.
//! Over IPv6 the addresses are IPv6 ones; the IPv6 draft's message types have their own layout.

use super::{
    Line,
    address::IpAddress,
    captured::{Captured, Printed, Truncated},
};

const ROUTE_REQUEST: u8 = 1;
const ROUTE_REPLY: u8 = 2;
const ROUTE_ERROR: u8 = 3;
const ROUTE_REPLY_ACK: u8 = 4;
const DRAFT_ROUTE_REQUEST: u8 = 16;
const DRAFT_ROUTE_REPLY: u8 = 17;
const DRAFT_ROUTE_ERROR: u8 = 18;
const DRAFT_ROUTE_REPLY_ACK: u8 = 19;

const EXTENSION_HEADER_LEN: u32 = 2;
const HELLO: u8 = 1;
const HELLO_LEN: u32 = 6;
const ERROR_HEADER_LEN: usize = 4;

/// Where a message's addresses and sequence numbers are, which differs between IPv4, IPv6 and the IPv6 draft.
#[derive(Clone, Copy)]
struct Layout {
    address_len: usize,
    /// The draft puts the sequence numbers (a request's two, a reply's one) before the addresses.
    numbers_first: bool,
}

impl Layout {
    fn of(over_ipv6: bool, message_type: u8) -> Layout {
        let draft = message_type >= DRAFT_ROUTE_REQUEST;
        Layout { address_len: if over_ipv6 || draft { 16 } else { 4 }, numbers_first: draft }
    }

    fn address(self, aodv: &Captured, offset: usize) -> Result<IpAddress, Truncated> {
        if self.address_len == 4 { aodv.ipv4(offset) } else { aodv.ipv6(offset) }
    }

    /// The offsets of a request's destination, its sequence number, the originator and its sequence number.
    fn request_offsets(self, start: usize) -> [usize; 4] {
        let address = self.address_len;
        if self.numbers_first {
            [start + 8, start, start + 8 + address, start + 4]
        } else {
            [start, start + address, start + address + 4, start + 2 * address + 4]
        }
    }

    /// The offsets of a reply's destination, its sequence number, the originator and the lifetime.
    fn reply_offsets(self, start: usize) -> [usize; 4] {
        let address = self.address_len;
        if self.numbers_first {
            [start + 4, start, start + 4 + address, start + 4 + 2 * address]
        } else {
            [start, start + address, start + address + 4, start + 2 * address + 4]
        }
    }

    /// The length of a request (`fixed` is what precedes the addresses) or reply.
    fn message_len(self, fixed: usize) -> u32 {
        (fixed + 2 * self.address_len + 8) as u32
    }
}

/// Prints a message `length` bytes long, of which `bytes` were captured, that came over IPv6 or IPv4.
pub(super) fn print(line: &mut Line, bytes: &[u8], length: u32, over_ipv6: bool) -> Printed {
    let aodv = Captured::new(bytes, "aodv");
    let message_type = aodv.u8(0)?;
    line.push(" aodv");
    let layout = Layout::of(over_ipv6, message_type);
    match message_type {
        ROUTE_REQUEST | DRAFT_ROUTE_REQUEST => print_request(line, aodv, length, layout, message_type, over_ipv6),
        ROUTE_REPLY | DRAFT_ROUTE_REPLY => print_reply(line, aodv, length, layout),
        ROUTE_ERROR | DRAFT_ROUTE_ERROR => print_error(line, aodv, length, layout),
        ROUTE_REPLY_ACK | DRAFT_ROUTE_REPLY_ACK => {
            line.put(format_args!(" rrep-ack {length}"));
            Ok(())
        }
        other => {
            line.put(format_args!(" type {other} {length}"));
            Ok(())
        }
    }
}

/// ` rreq 24 [G] hops 1 id 0x00000002` and the addresses.
fn print_request(
    line: &mut Line,
    aodv: Captured,
    length: u32,
    layout: Layout,
    message_type: u8,
    over_ipv6: bool,
) -> Printed {
    let message_len = layout.message_len(8);
    aodv.check(0, message_len as usize)?;
    if length < message_len {
        return Err(aodv.truncated());
    }
    // tcpdump takes the flags from the type byte, not from the flags byte.
    let flags = message_type;
    let version = if over_ipv6 && message_type == ROUTE_REQUEST { " v6" } else { "" };
    line.put(format_args!(
        "{version} rreq {length} {}{}{}{}{}hops {} id 0x{:08x}\n\t",
        if flags & 0x80 != 0 { "[J]" } else { "" },
        if flags & 0x40 != 0 { "[R]" } else { "" },
        if flags & 0x20 != 0 { "[G]" } else { "" },
        if flags & 0x10 != 0 { "[D]" } else { "" },
        if flags & 0x08 != 0 { "[U] " } else { " " },
        aodv.u8(3)?,
        aodv.be32(4)?
    ));
    let [destination, destination_seq, origin, origin_seq] = layout.request_offsets(8);
    line.put(format_args!(
        "dst {} seq {} src {} seq {}",
        layout.address(&aodv, destination)?,
        aodv.be32(destination_seq)?,
        layout.address(&aodv, origin)?,
        aodv.be32(origin_seq)?
    ));
    print_extension(line, aodv, message_len, length - message_len)
}

/// ` rrep 20 prefix 0 hops 2` and the addresses.
fn print_reply(line: &mut Line, aodv: Captured, length: u32, layout: Layout) -> Printed {
    let message_len = layout.message_len(4);
    aodv.check(0, message_len as usize)?;
    if length < message_len {
        return Err(aodv.truncated());
    }
    // As for requests, the flags tcpdump shows are the type byte's.
    let flags = aodv.u8(0)?;
    line.put(format_args!(
        " rrep {length} {}{}prefix {} hops {}\n\t",
        if flags & 0x80 != 0 { "[R]" } else { "" },
        if flags & 0x40 != 0 { "[A] " } else { " " },
        aodv.u8(2)? & 0x1f,
        aodv.u8(3)?
    ));
    let [destination, destination_seq, origin, lifetime] = layout.reply_offsets(4);
    line.put(format_args!(
        "dst {} dseq {} src {} {} ms",
        layout.address(&aodv, destination)?,
        aodv.be32(destination_seq)?,
        layout.address(&aodv, origin)?,
        aodv.be32(lifetime)?
    ));
    print_extension(line, aodv, message_len, length - message_len)
}

/// ` rerr [D] [items 2] [28]: {10.0.0.9}(4) {10.0.0.8}(6)`.
fn print_error(line: &mut Line, aodv: Captured, length: u32, layout: Layout) -> Printed {
    aodv.check(0, ERROR_HEADER_LEN)?;
    if length < ERROR_HEADER_LEN as u32 {
        return Err(aodv.truncated());
    }
    let count = aodv.u8(3)?;
    line.put(format_args!(" rerr {} [items {count}] [{length}]:", if aodv.u8(1)? & 0x80 != 0 { "[D]" } else { "" }));
    let item_len = layout.address_len + 4;
    let mut left = length as usize - ERROR_HEADER_LEN;
    let mut offset = ERROR_HEADER_LEN;
    for _ in 0..count {
        aodv.check(offset, item_len)?;
        if left < item_len {
            return Err(aodv.truncated());
        }
        line.put(format_args!(" {{{}}}({})", layout.address(&aodv, offset)?, aodv.be32(offset + layout.address_len)?));
        offset += item_len;
        left -= item_len;
    }
    Ok(())
}

/// The extension after a request or reply, `left` bytes from `offset` on, if there is room for one: a hello
/// interval, or any other's type and length.
fn print_extension(line: &mut Line, aodv: Captured, offset: u32, left: u32) -> Printed {
    if left < EXTENSION_HEADER_LEN {
        return Ok(());
    }
    let offset = offset as usize;
    aodv.check(offset, EXTENSION_HEADER_LEN as usize)?;
    let (extension_type, extension_len) = (aodv.u8(offset)?, aodv.u8(offset + 1)?);
    if extension_type != HELLO {
        line.put(format_args!("\n\text {extension_type} {extension_len}"));
        return Ok(());
    }
    aodv.check(offset, HELLO_LEN as usize)?;
    if left < HELLO_LEN {
        return Err(aodv.truncated());
    }
    if extension_len < 4 {
        line.put(format_args!("\n\text HELLO - bad length {extension_len}"));
    } else {
        line.put(format_args!("\n\text HELLO {} ms", aodv.be32(offset + 2)?));
    }
    Ok(())
}
