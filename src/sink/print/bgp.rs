//! BGP (tcpdump's print-bgp.c), TCP port 179: `: BGP` after the TCP header, and from -v on each message the
//! segment holds on lines of its own: OPEN with its capabilities, UPDATE with its withdrawn routes, path
//! attributes and routes, NOTIFICATION with its error, ROUTE-REFRESH. From -vv the bytes of capabilities and
//! attributes in hex too. `-b` writes 4-octet AS numbers in asdot notation.

use std::fmt;

use super::{
    Decoding, Line,
    address::{self, IpAddress},
    captured::{Captured, Printed, Truncated},
    hexdump,
};

pub(super) const PORT: u16 = 179;

/// Every message starts with sixteen bytes of ones, which is how tcpdump finds messages in a segment.
const MARKER: [u8; 16] = [0xff; 16];
const HEADER_LEN: usize = 19;
const LENGTH_FIELD: usize = 16;
const TYPE_FIELD: usize = 18;
const OPEN_LEN: usize = 29;
const NOTIFICATION_LEN: usize = 21;
const ROUTE_REFRESH_LEN: usize = 23;

const OPEN: u8 = 1;
const UPDATE: u8 = 2;
const NOTIFICATION: u8 = 3;
const KEEPALIVE: u8 = 4;
const ROUTE_REFRESH: u8 = 5;

const OPTION_CAPABILITIES: u8 = 2;

const CAPABILITY_MULTIPROTOCOL: u8 = 1;
const CAPABILITY_ROUTE_REFRESH: u8 = 2;
const CAPABILITY_MULTIPLE_LABELS: u8 = 8;
const CAPABILITY_GRACEFUL_RESTART: u8 = 64;
const CAPABILITY_FOUR_OCTET_AS: u8 = 65;
const CAPABILITY_ADD_PATH: u8 = 69;
const CAPABILITY_LONG_LIVED_GRACEFUL_RESTART: u8 = 71;
const CAPABILITY_ROUTE_REFRESH_CISCO: u8 = 128;

const ATTRIBUTE_ORIGIN: u8 = 1;
const ATTRIBUTE_AS_PATH: u8 = 2;
const ATTRIBUTE_NEXT_HOP: u8 = 3;
const ATTRIBUTE_MULTI_EXIT_DISC: u8 = 4;
const ATTRIBUTE_LOCAL_PREF: u8 = 5;
const ATTRIBUTE_ATOMIC_AGGREGATE: u8 = 6;
const ATTRIBUTE_AGGREGATOR: u8 = 7;
const ATTRIBUTE_COMMUNITIES: u8 = 8;
const ATTRIBUTE_ORIGINATOR_ID: u8 = 9;
const ATTRIBUTE_CLUSTER_LIST: u8 = 10;
const ATTRIBUTE_MP_REACH_NLRI: u8 = 14;
const ATTRIBUTE_MP_UNREACH_NLRI: u8 = 15;
const ATTRIBUTE_AS4_PATH: u8 = 17;
const ATTRIBUTE_EXTENDED_COMMUNITIES: u8 = 16;
const ATTRIBUTE_AGGREGATOR4: u8 = 18;
const ATTRIBUTE_PMSI_TUNNEL: u8 = 22;
const ATTRIBUTE_AIGP: u8 = 26;
const ATTRIBUTE_LARGE_COMMUNITY: u8 = 32;
const ATTRIBUTE_ATTR_SET: u8 = 128;
/// The attribute flag saying its length takes two bytes.
const EXTENDED_LENGTH: u8 = 0x10;
/// How deep tcpdump follows ATTR_SETs inside ATTR_SETs.
const MAX_ATTR_SET_NESTING: u8 = 10;

const AS_SET: u8 = 1;
const AS_SEQUENCE: u8 = 2;
const AS_CONFED_SEQUENCE: u8 = 3;
const AS_CONFED_SET: u8 = 4;

const AIGP_TLV: u8 = 1;

const MVPN_INTRA_AS_I_PMSI: u8 = 1;
const MVPN_INTER_AS_I_PMSI: u8 = 2;
const MVPN_S_PMSI: u8 = 3;
const MVPN_SOURCE_ACTIVE: u8 = 5;
const MVPN_SHARED_TREE_JOIN: u8 = 6;
const MVPN_SOURCE_TREE_JOIN: u8 = 7;

const PMSI_RSVP_TE_P2MP: u8 = 1;
const PMSI_LDP_P2MP: u8 = 2;
const PMSI_PIM_SSM: u8 = 3;
const PMSI_PIM_SM: u8 = 4;
const PMSI_PIM_BIDIR: u8 = 5;
const PMSI_INGRESS_REPLICATION: u8 = 6;
const PMSI_LDP_MP2MP: u8 = 7;

/// OSPF route types of extended communities that tcpdump marks `E1`.
const OSPF_ROUTE_EXTERNAL: u8 = 5;
const OSPF_ROUTE_NSSA: u8 = 7;

const NOTIFY_MESSAGE_HEADER: u8 = 1;
const NOTIFY_OPEN: u8 = 2;
const NOTIFY_UPDATE: u8 = 3;
const NOTIFY_FSM: u8 = 5;
const NOTIFY_CEASE: u8 = 6;
const NOTIFY_CAPABILITY: u8 = 7;
const CEASE_MAX_PREFIXES: u8 = 1;
const CEASE_SHUTDOWN: u8 = 2;
const CEASE_RESET: u8 = 4;
/// What may follow a maximum-prefixes cease: AFI, SAFI and the maximum.
const MAX_PREFIXES_LEN: usize = 7;

const AFI_IPV4: u16 = 1;
const AFI_IPV6: u16 = 2;
const AFI_NSAP: u16 = 3;
const AFI_VPLS: u16 = 25;
const AFI_L2VPN: u16 = 196;
const SAFI_UNICAST: u8 = 1;
const SAFI_MULTICAST: u8 = 2;
const SAFI_UNICAST_MULTICAST: u8 = 3;
const SAFI_LABELED_UNICAST: u8 = 4;
const SAFI_VPN_UNICAST: u8 = 128;
const SAFI_VPN_MULTICAST: u8 = 129;
const SAFI_VPN_UNICAST_MULTICAST: u8 = 130;
const SAFI_MULTICAST_VPN: u8 = 5;
const SAFI_VPLS: u8 = 65;
const SAFI_MDT: u8 = 66;
const SAFI_ROUTE_TARGET: u8 = 132;
const ROUTE_DISTINGUISHER_LEN: usize = 8;
/// The longest NSAP address tcpdump writes, and the longest prefix of one it decodes.
const NSAP_MAX_LEN: usize = 20;
const NSAP_PREFIX_MAX_BITS: u8 = 152;
const NSAP_PREFIX_MAX_LEN: usize = 19;
/// An L2VPN auto-discovery route: route distinguisher and a PE's address.
const L2VPN_AUTO_DISCOVERY_LEN: usize = 12;
/// An older-format L2VPN route's fields before its TLVs: route distinguisher, CE ID, label block offset and base.
const L2VPN_FIXED_LEN: usize = 15;
const L2VPN_CIRCUIT_STATUS_VECTOR: u8 = 1;
/// An MDT route's route distinguisher, address and group.
const MDT_LEN: usize = 16;
/// SAFIs above this are vendor-specific.
const SAFI_LAST_STANDARD: u8 = 128;

/// Prints a TCP payload to or from the BGP port, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, decoding: Decoding, bytes: &[u8]) -> Printed {
    line.push(": BGP");
    if decoding.verbosity == 0 {
        return Ok(());
    }
    let payload = Captured::new(bytes, "bgp");
    let (mut offset, mut next_expected) = (0, 0);
    while offset < payload.len() {
        if payload.u8(offset)? != MARKER[0] {
            offset += 1;
            continue;
        }
        if !payload.has(offset, MARKER.len()) {
            break;
        }
        if payload.slice(offset, MARKER.len())? != MARKER {
            offset += 1;
            continue;
        }
        payload.check(offset, HEADER_LEN)?;
        // Bytes before the marker: the end of a message that started in an earlier segment.
        if offset != next_expected {
            payload.truncated().print(line);
        }
        let length = usize::from(payload.be16(offset + LENGTH_FIELD)?);
        if length < HEADER_LEN {
            line.put(format_args!("\nmessage length {length} < {HEADER_LEN} (invalid)"));
            break;
        }
        if !payload.has(offset, length) {
            let name = message_name(payload.u8(offset + TYPE_FIELD)?).unwrap_or("Unknown Message Type");
            line.put(format_args!("\n[|BGP {name}]"));
            break;
        }
        let message = Message { bytes: payload.next_layer(offset, "bgp"), length, decoding };
        let printed = message.print(line);
        end_part(line, printed)?;
        offset += length;
        next_expected = offset;
    }
    Ok(())
}

/// One message, captured whole: `bytes` from its marker to the end of the capture, which tcpdump reads past the
/// message's `length` where a field inside it says so.
struct Message<'a> {
    bytes: Captured<'a>,
    length: usize,
    decoding: Decoding,
}

impl Message<'_> {
    fn print(&self, line: &mut Line) -> Printed {
        let message_type = self.bytes.u8(TYPE_FIELD)?;
        line.put(format_args!(
            "\n\t{} Message ({message_type}), length: {}",
            message_name(message_type).unwrap_or("Unknown"),
            self.length
        ));
        match message_type {
            OPEN => self.print_open(line),
            UPDATE => self.print_update(line),
            NOTIFICATION => self.print_notification(line),
            KEEPALIVE => Ok(()),
            ROUTE_REFRESH => self.print_route_refresh(line),
            _ => {
                line.put(format_args!("\n\t  no Message {message_type} decoder"));
                print_unknown_data(line, self.bytes, 0, "\n\t  ", self.length);
                Ok(())
            }
        }
    }

    fn as_number(&self, value: u32) -> AsNumber {
        AsNumber { value, asdot: self.decoding.asdot }
    }

    fn print_open(&self, line: &mut Line) -> Printed {
        let open = self.bytes;
        open.check(0, OPEN_LEN)?;
        if self.length < OPEN_LEN {
            return Err(open.truncated());
        }
        line.put(format_args!(
            "\n\t  Version {}, my AS {}, Holdtime {}s, ID {}",
            open.u8(19)?,
            self.as_number(open.be16(20)?.into()),
            open.be16(22)?,
            open.ipv4(24)?
        ));
        let options_len = usize::from(open.u8(28)?);
        line.put(format_args!("\n\t  Optional parameters, length: {options_len}"));
        let remaining = self.length - OPEN_LEN;
        let mut index = 0;
        while index < options_len {
            let option = OPEN_LEN + index;
            open.check(option, 2)?;
            if remaining < 2 + index {
                return Err(open.truncated());
            }
            let option_type = open.u8(option)?;
            let option_len = usize::from(open.u8(option + 1)?);
            if 2 + index + option_len > options_len {
                line.put(format_args!(
                    "\n\t     Option {option_type}, length: {option_len}, goes past the end of the options"
                ));
                break;
            }
            let name = match option_type {
                1 => "Authentication Information",
                OPTION_CAPABILITIES => "Capabilities Advertisement",
                _ => "Unknown",
            };
            line.put(format_args!("\n\t    Option {name} ({option_type}), length: {option_len}"));
            if option_type == OPTION_CAPABILITIES {
                let printed = self.print_capabilities(line, option + 2, option_len);
                end_part(line, printed)?;
            } else {
                line.put(format_args!("\n\t      no decoder for option {option_type}"));
            }
            index += 2 + option_len;
        }
        Ok(())
    }

    /// The capabilities of an OPEN's option, `len` bytes from `start`.
    fn print_capabilities(&self, line: &mut Line, start: usize, len: usize) -> Printed {
        let open = self.bytes;
        let mut index = 0;
        while index < len {
            let at = start + index;
            open.check(at, 2)?;
            let code = open.u8(at)?;
            let value_len = usize::from(open.u8(at + 1)?);
            line.put(format_args!(
                "\n\t      {} ({code}), length: {value_len}",
                capability_name(code).unwrap_or("Unknown")
            ));
            let value = at + 2;
            open.check(value, value_len)?;
            let end = value + value_len;
            match code {
                CAPABILITY_MULTIPROTOCOL => {
                    if value_len < 4 {
                        line.push(" (too short, < 4)");
                        return Ok(());
                    }
                    line.put(format_args!("\n\t\t{}", AfiSafi(open.be16(value)?, open.u8(value + 3)?)));
                }
                CAPABILITY_MULTIPLE_LABELS => {
                    for_each_family(open, value, end, |afi, safi, count| {
                        line.put(format_args!("\n\t\t{}, Count: {count}", AfiSafi(afi, safi)));
                    })?;
                }
                CAPABILITY_GRACEFUL_RESTART => {
                    if value_len < 2 {
                        line.push(" (too short, < 2)");
                        return Ok(());
                    }
                    line.put(format_args!(
                        "\n\t\tRestart Flags: [{}], Restart Time {}s",
                        if open.u8(value)? & 0x80 != 0 { "R" } else { "none" },
                        open.be16(value)? & 0xfff
                    ));
                    for_each_family(open, value + 2, end, |afi, safi, flags| {
                        line.put(format_args!(
                            "\n\t\t  {}, Forwarding state preserved: {}",
                            AfiSafi(afi, safi),
                            if flags & 0x80 != 0 { "yes" } else { "no" }
                        ));
                    })?;
                }
                CAPABILITY_ROUTE_REFRESH | CAPABILITY_LONG_LIVED_GRACEFUL_RESTART | CAPABILITY_ROUTE_REFRESH_CISCO => {}
                CAPABILITY_FOUR_OCTET_AS => {
                    if value_len < 4 {
                        line.push(" (too short, < 4)");
                        return Ok(());
                    }
                    line.put(format_args!("\n\t\t 4 Byte AS {}", self.as_number(open.be32(value)?)));
                }
                CAPABILITY_ADD_PATH if value_len == 0 => line.push(" (bogus)"),
                CAPABILITY_ADD_PATH => {
                    for_each_family(open, value, end, |afi, safi, direction| {
                        line.put(format_args!("\n\t\t{}, Send/Receive: ", AfiSafi(afi, safi)));
                        match direction {
                            1 => line.push("Receive"),
                            2 => line.push("Send"),
                            3 => line.push("Both"),
                            other => line.put(format_args!("Bogus (0x{other:02x})")),
                        }
                    })?;
                    if !value_len.is_multiple_of(4) {
                        line.push(" (invalid)");
                    }
                }
                _ => {
                    line.put(format_args!("\n\t\tno decoder for Capability {code}"));
                    if self.decoding.verbosity <= 1 {
                        print_unknown_data(line, open, value, "\n\t\t", value_len);
                    }
                }
            }
            if self.decoding.verbosity > 1 && value_len != 0 {
                print_unknown_data(line, open, value, "\n\t\t", value_len);
            }
            index += 2 + value_len;
        }
        Ok(())
    }

    fn print_update(&self, line: &mut Line) -> Printed {
        let update = self.bytes;
        let cut = Err(update.truncated());
        let mut at = HEADER_LEN;
        let mut length = self.length - HEADER_LEN;
        update.check(at, 2)?;
        if length < 2 {
            return cut;
        }
        let mut withdrawn_len = usize::from(update.be16(at)?);
        at += 2;
        length -= 2;
        update.check(at, withdrawn_len)?;
        if length < withdrawn_len {
            return cut;
        }
        if withdrawn_len > 1 {
            line.push("\n\t  Withdrawn routes:");
            let path_ids = has_path_ids(update, at, withdrawn_len, Family::V4);
            while withdrawn_len != 0 {
                let mut path_id = None;
                if path_ids {
                    if withdrawn_len < 4 {
                        at += withdrawn_len;
                        length -= withdrawn_len;
                        break;
                    }
                    path_id = Some(update.be32(at)?);
                    at += 4;
                    length -= 4;
                    withdrawn_len -= 4;
                }
                let Some(prefix_len) = print_ipv4_route(line, update, at, withdrawn_len, path_id)? else { break };
                at += prefix_len;
                length -= prefix_len;
                withdrawn_len -= prefix_len;
            }
        } else {
            at += withdrawn_len;
            length -= withdrawn_len;
        }

        update.check(at, 2)?;
        if length < 2 {
            return cut;
        }
        let mut attributes_len = usize::from(update.be16(at)?);
        at += 2;
        length -= 2;
        if withdrawn_len == 0 && attributes_len == 0 && length == 0 {
            line.push("\n\t  End-of-Rib Marker (empty NLRI)");
            return Ok(());
        }
        if attributes_len > 0 && length < attributes_len {
            return cut;
        }
        while attributes_len > 0 {
            update.check(at, 2)?;
            if length < 2 {
                return cut;
            }
            let header_len = if attributes_len < 2 {
                None
            } else {
                let flags = update.u8(at)?;
                let attribute_type = update.u8(at + 1)?;
                at += 2;
                attributes_len -= 2;
                length -= 2;
                let len_len = if flags & EXTENDED_LENGTH != 0 { 2 } else { 1 };
                update.check(at, len_len)?;
                if length < len_len {
                    return cut;
                }
                (attributes_len >= len_len).then_some((flags, attribute_type, len_len))
            };
            let Some((flags, attribute_type, len_len)) = header_len else {
                line.push("\n\t  [path attrs too short]");
                at += attributes_len;
                length -= attributes_len;
                break;
            };
            let attribute_len = if len_len == 2 { usize::from(update.be16(at)?) } else { usize::from(update.u8(at)?) };
            at += len_len;
            attributes_len -= len_len;
            length -= len_len;
            line.put(format_args!(
                "\n\t  {} ({attribute_type}), length: {attribute_len}",
                attribute_name(attribute_type).unwrap_or("Unknown Attribute")
            ));
            if flags != 0 {
                print_attribute_flags(line, flags);
                line.push(": ");
            }
            if attributes_len < attribute_len {
                line.push(" [path attrs too short]");
                at += attributes_len;
                length -= attributes_len;
                break;
            }
            if length < attribute_len {
                return cut;
            }
            self.print_attribute(line, attribute_type, update.next_layer(at, "bgp"), attribute_len, 0)?;
            at += attribute_len;
            attributes_len -= attribute_len;
            length -= attribute_len;
        }

        if length > 0 {
            let path_ids = has_path_ids(update, at, length, Family::V4);
            line.push("\n\t  Updated routes:");
            while length != 0 {
                let mut path_id = None;
                if path_ids {
                    update.check(at, 4)?;
                    if length < 4 {
                        return cut;
                    }
                    path_id = Some(update.be32(at)?);
                    at += 4;
                    length -= 4;
                }
                let Some(prefix_len) = print_ipv4_route(line, update, at, length, path_id)? else { break };
                at += prefix_len;
                length -= prefix_len;
            }
        }
        Ok(())
    }

    /// A path attribute's value, `len` bytes at the start of `attribute`, inside `nesting` ATTR_SETs.
    fn print_attribute(
        &self,
        line: &mut Line,
        attribute_type: u8,
        attribute: Captured,
        len: usize,
        nesting: u8,
    ) -> Printed {
        let cut = Err(attribute.truncated());
        // What is left of the value once decoded, which -vv dumps from its start: all of it, except for the
        // attributes whose decoding counts it down.
        let mut dumped_len = len;
        match attribute_type {
            ATTRIBUTE_ORIGIN if len != 1 => line.push("invalid len"),
            ATTRIBUTE_ORIGIN => line.push(match attribute.u8(0)? {
                0 => "IGP",
                1 => "EGP",
                2 => "Incomplete",
                _ => "Unknown Origin Typecode",
            }),
            ATTRIBUTE_AS_PATH | ATTRIBUTE_AS4_PATH if !len.is_multiple_of(2) => line.push("invalid len"),
            ATTRIBUTE_AS_PATH | ATTRIBUTE_AS4_PATH if len == 0 => line.push("empty"),
            ATTRIBUTE_AS_PATH | ATTRIBUTE_AS4_PATH => {
                let as_size = if attribute_type == ATTRIBUTE_AS4_PATH { 4 } else { as_size(attribute, len)? };
                let mut at = 0;
                while at < len {
                    let segment_type = attribute.u8(at)?;
                    let (open, close) = match segment_type {
                        AS_SET => ("{ ", "}"),
                        AS_SEQUENCE => ("", ""),
                        AS_CONFED_SEQUENCE => ("( ", ")"),
                        AS_CONFED_SET => ("({ ", "})"),
                        _ => ("?", "?"),
                    };
                    line.push(open);
                    let count = usize::from(attribute.u8(at + 1)?);
                    for number in 0..count {
                        let field = at + 2 + number * as_size;
                        attribute.check(field, as_size)?;
                        let value = if as_size == 2 { attribute.be16(field)?.into() } else { attribute.be32(field)? };
                        line.put(format_args!("{} ", self.as_number(value)));
                    }
                    line.push(close);
                    at += 2 + count * as_size;
                }
            }
            ATTRIBUTE_NEXT_HOP | ATTRIBUTE_ORIGINATOR_ID if len != 4 => line.push("invalid len"),
            ATTRIBUTE_NEXT_HOP | ATTRIBUTE_ORIGINATOR_ID => line.put_address(&attribute.ipv4(0)?),
            ATTRIBUTE_MULTI_EXIT_DISC | ATTRIBUTE_LOCAL_PREF if len != 4 => line.push("invalid len"),
            ATTRIBUTE_MULTI_EXIT_DISC | ATTRIBUTE_LOCAL_PREF => line.put_decimal(attribute.be32(0)?),
            ATTRIBUTE_ATOMIC_AGGREGATE if len != 0 => line.push("invalid len"),
            ATTRIBUTE_ATOMIC_AGGREGATE => {}
            ATTRIBUTE_AGGREGATOR if len != 6 && len != 8 => line.push("invalid len"),
            ATTRIBUTE_AGGREGATOR4 if len != 8 => line.push("invalid len"),
            ATTRIBUTE_AGGREGATOR | ATTRIBUTE_AGGREGATOR4 => {
                attribute.check(0, len)?;
                let (number, origin) = if len == 6 { (attribute.be16(0)?.into(), 2) } else { (attribute.be32(0)?, 4) };
                line.put(format_args!(" AS #{}, origin {}", self.as_number(number), attribute.ipv4(origin)?));
            }
            ATTRIBUTE_COMMUNITIES if !len.is_multiple_of(4) => line.push("invalid len"),
            ATTRIBUTE_COMMUNITIES => {
                for at in (0..len).step_by(4) {
                    attribute.check(at, 4)?;
                    match attribute.be32(at)? {
                        0xffff_ff01 => line.push(" NO_EXPORT"),
                        0xffff_ff02 => line.push(" NO_ADVERTISE"),
                        0xffff_ff03 => line.push(" NO_EXPORT_SUBCONFED"),
                        community => line.put(format_args!(
                            "{}:{}{}",
                            community >> 16,
                            community & 0xffff,
                            if len - at > 4 { ", " } else { "" }
                        )),
                    }
                }
            }
            ATTRIBUTE_CLUSTER_LIST if !len.is_multiple_of(4) => line.push("invalid len"),
            ATTRIBUTE_CLUSTER_LIST => {
                for at in (0..len).step_by(4) {
                    line.put(format_args!("{}{}", attribute.ipv4(at)?, if len - at > 4 { ", " } else { "" }));
                }
            }
            ATTRIBUTE_MP_REACH_NLRI => {
                attribute.check(0, 3)?;
                if len < 3 {
                    return cut;
                }
                if let Some(nlri) = self.print_address_family(line, attribute, len)? {
                    self.print_mp_reach(line, attribute, len, nlri)?;
                }
            }
            ATTRIBUTE_MP_UNREACH_NLRI => {
                attribute.check(0, 3)?;
                if let Some(nlri) = self.print_address_family(line, attribute, len)? {
                    if len == 3 {
                        line.push("\n\t      End-of-Rib Marker (empty NLRI)");
                    }
                    self.print_nlri(line, attribute, 3, len, nlri)?;
                }
            }
            ATTRIBUTE_EXTENDED_COMMUNITIES if !len.is_multiple_of(8) => line.push("invalid len"),
            ATTRIBUTE_EXTENDED_COMMUNITIES => {
                for at in (0..len).step_by(8) {
                    attribute.check(at, 2)?;
                    let community_type = attribute.be16(at)?;
                    line.put(format_args!(
                        "\n\t    {} (0x{community_type:04x}), Flags [",
                        extended_community_name(community_type).unwrap_or("unknown extd community typecode")
                    ));
                    line.put_flag_names(community_type, &[(0x8000, "vendor-specific"), (0x4000, "non-transitive")]);
                    line.push("]");
                    attribute.check(at, 8)?;
                    line.push(": ");
                    self.print_extended_community(line, attribute.next_layer(at, "bgp"))?;
                }
            }
            ATTRIBUTE_PMSI_TUNNEL => {
                attribute.check(0, 5)?;
                if len < 5 {
                    return cut;
                }
                let flags = attribute.u8(0)?;
                let tunnel_type = attribute.u8(1)?;
                line.put(format_args!(
                    "\n\t    Tunnel-type {} ({tunnel_type}), Flags [{}], MPLS Label {}",
                    pmsi_tunnel_name(tunnel_type).unwrap_or("Unknown"),
                    if flags & 0x01 != 0 { "Leaf Information required" } else { "none" },
                    be24(attribute, 2)? >> 4
                ));
                match tunnel_type {
                    PMSI_PIM_SM | PMSI_PIM_BIDIR => line.put(format_args!(
                        "\n\t      Sender {}, P-Group {}",
                        attribute.ipv4(5)?,
                        attribute.ipv4(9)?
                    )),
                    PMSI_PIM_SSM => line.put(format_args!(
                        "\n\t      Root-Node {}, P-Group {}",
                        attribute.ipv4(5)?,
                        attribute.ipv4(9)?
                    )),
                    PMSI_INGRESS_REPLICATION => {
                        line.put(format_args!("\n\t      Tunnel-Endpoint {}", attribute.ipv4(5)?))
                    }
                    PMSI_LDP_P2MP | PMSI_LDP_MP2MP => line.put(format_args!(
                        "\n\t      Root-Node {}, LSP-ID 0x{:08x}",
                        attribute.ipv4(5)?,
                        attribute.be32(9)?
                    )),
                    PMSI_RSVP_TE_P2MP => line.put(format_args!(
                        "\n\t      Extended-Tunnel-ID {}, P2MP-ID 0x{:08x}",
                        attribute.ipv4(5)?,
                        attribute.be32(9)?
                    )),
                    _ if self.decoding.verbosity <= 1 => print_unknown_data(line, attribute, 5, "\n\t      ", len - 5),
                    _ => {}
                }
            }
            ATTRIBUTE_AIGP => {
                let mut at = 0;
                while len - at >= 3 {
                    let tlv_type = attribute.u8(at)?;
                    let tlv_len = usize::from(attribute.be16(at + 1)?);
                    at += 3;
                    let name = if tlv_type == AIGP_TLV { "AIGP" } else { "Unknown" };
                    line.put(format_args!("\n\t    {name} TLV ({tlv_type}), length {tlv_len}"));
                    // The length counts the type and length fields too.
                    let Some(value_len) = tlv_len.checked_sub(3).filter(|&value_len| value_len <= len - at) else {
                        return cut;
                    };
                    if tlv_type == AIGP_TLV {
                        if value_len < 8 {
                            return cut;
                        }
                        let metric = u64::from_be_bytes(attribute.array(at)?);
                        line.put(format_args!(", metric {metric}"));
                    } else if self.decoding.verbosity <= 1 {
                        print_unknown_data(line, attribute, at, "\n\t      ", value_len);
                    }
                    at += value_len;
                }
            }
            ATTRIBUTE_ATTR_SET => {
                attribute.check(0, 4)?;
                if len < 4 {
                    return cut;
                }
                line.put(format_args!("\n\t    Origin AS: {}", self.as_number(attribute.be32(0)?)));
                dumped_len = self.print_attribute_set(line, attribute, len, nesting)?;
            }
            ATTRIBUTE_LARGE_COMMUNITY if len == 0 || !len.is_multiple_of(12) => line.push("invalid len"),
            ATTRIBUTE_LARGE_COMMUNITY => {
                line.push("\n\t    ");
                for at in (0..len).step_by(12) {
                    let (global, first, second) =
                        (attribute.be32(at)?, attribute.be32(at + 4)?, attribute.be32(at + 8)?);
                    line.put(format_args!("{global}:{first}:{second}{}", if len - at > 12 { ", " } else { "" }));
                }
                dumped_len = 0;
            }
            _ => {
                attribute.check(0, len)?;
                line.put(format_args!("\n\t    no Attribute {attribute_type} decoder"));
                if self.decoding.verbosity <= 1 {
                    print_unknown_data(line, attribute, 0, "\n\t    ", len);
                }
            }
        }
        if self.decoding.verbosity > 1 && dumped_len > 0 {
            attribute.check(0, dumped_len)?;
            print_unknown_data(line, attribute, 0, "\n\t    ", dumped_len);
        }
        Ok(())
    }

    /// RFC 4360's extended community: its 8 bytes at the start of `community` by its type.
    fn print_extended_community(&self, line: &mut Line, community: Captured) -> Printed {
        match community.be16(0)? {
            0x0002 | 0x0003 | 0x000a => {
                line.put(format_args!("{}:{} (= {})", community.be16(2)?, community.be32(4)?, community.ipv4(4)?))
            }
            0x0102 | 0x0103 | 0xf10a | 0x010b => {
                line.put(format_args!("{}:{}", community.ipv4(2)?, community.be16(6)?))
            }
            0x0202 | 0x0203 => line.put(format_args!("{}:{}", self.as_number(community.be32(2)?), community.be16(6)?)),
            0x4004 => {
                // An IEEE float of bytes a second, which tcpdump turns to Mbit/s in single precision.
                let bytes_per_second = f32::from_bits(community.be32(4)?);
                line.put(format_args!("bandwidth: {:.3} Mbps", f64::from(bytes_per_second * 8.0 / 1_000_000.0)));
            }
            0x0005 | 0x0105 | 0x0205 | 0x8005 | 0x0107 | 0x8001 => line.put_address(&community.ipv4(2)?),
            0x0306 | 0x8000 => {
                let route_type = community.u8(6)?;
                line.put(format_args!("area:{}, router-type:", community.ipv4(2)?));
                match route_type {
                    1 => line.push("Router"),
                    2 => line.push("Network"),
                    3 => line.push("Summary"),
                    OSPF_ROUTE_EXTERNAL => line.push("External"),
                    OSPF_ROUTE_NSSA => line.push("NSSA External"),
                    129 => line.push("MPLS-VPN Sham"),
                    other => line.put(format_args!("unknown (0x{other:02x})")),
                }
                line.put(format_args!(
                    ", metric-type:{}{}",
                    if community.u8(7)? & 0x01 != 0 { "E2" } else { "" },
                    if matches!(route_type, OSPF_ROUTE_EXTERNAL | OSPF_ROUTE_NSSA) { "E1" } else { "" }
                ));
            }
            0x800a => line.put(format_args!(
                "{} Control Flags [0x{:02x}]:MTU {}",
                layer2_encapsulation_name(community.u8(2)?).unwrap_or("unknown encaps"),
                community.u8(3)?,
                community.be16(4)?
            )),
            0x0009 => line.put(format_args!("AS {}", community.be16(2)?)),
            0x030c => line.put(format_args!(
                "Tunnel type: {}",
                tunnel_encapsulation_name(community.be16(6)?).unwrap_or("unknown encaps")
            )),
            _ => {
                for byte in community.slice(2, 6)? {
                    line.put(format_args!("{byte:02x}"));
                }
            }
        }
        Ok(())
    }

    /// The attributes an ATTR_SET holds after its origin AS; returns how many of its `len` bytes are left when
    /// they end early.
    fn print_attribute_set(&self, line: &mut Line, set: Captured, len: usize, nesting: u8) -> Result<usize, Truncated> {
        let mut at = 4;
        let mut remaining = len - 4;
        while remaining > 0 {
            set.check(at, 2)?;
            if remaining < 2 {
                line.push(" [path attr too short]");
                return Ok(remaining);
            }
            let flags = set.u8(at)?;
            let attribute_type = set.u8(at + 1)?;
            at += 2;
            remaining -= 2;
            let len_len = if flags & EXTENDED_LENGTH != 0 { 2 } else { 1 };
            set.check(at, len_len)?;
            if remaining < len_len {
                line.push(" [path attr too short]");
                return Ok(remaining);
            }
            let attribute_len = if len_len == 2 { usize::from(set.be16(at)?) } else { usize::from(set.u8(at)?) };
            at += len_len;
            remaining -= len_len;
            line.put(format_args!(
                "\n\t      {} ({attribute_type}), length: {attribute_len}",
                attribute_name(attribute_type).unwrap_or("Unknown Attribute")
            ));
            if flags != 0 {
                print_attribute_flags(line, flags);
            }
            line.push(": ");
            if remaining < attribute_len {
                line.push(" [path attr too short]");
                return Ok(remaining);
            }
            if nesting == MAX_ATTR_SET_NESTING {
                line.push("(too many nested levels, not recursing)");
            } else {
                self.print_attribute(line, attribute_type, set.next_layer(at, "bgp"), attribute_len, nesting + 1)?;
            }
            at += attribute_len;
            remaining -= attribute_len;
        }
        Ok(0)
    }

    /// The AFI and SAFI an MP_REACH_NLRI or MP_UNREACH_NLRI starts with; what its prefixes are, if ptstat
    /// decodes them.
    fn print_address_family(
        &self,
        line: &mut Line,
        attribute: Captured,
        len: usize,
    ) -> Result<Option<Nlri>, Truncated> {
        let afi = attribute.be16(0)?;
        let safi = attribute.u8(2)?;
        line.put(format_args!(
            "\n\t    AFI: {} ({afi}), {}SAFI: {} ({safi})",
            address::family_name(afi).unwrap_or("Unknown AFI"),
            if safi > SAFI_LAST_STANDARD { "vendor specific " } else { "" },
            safi_name(safi).unwrap_or("Unknown SAFI")
        ));
        let family = match afi {
            AFI_IPV4 => Some(Family::V4),
            AFI_IPV6 => Some(Family::V6),
            _ => None,
        };
        const UNICAST_OR_MULTICAST: std::ops::RangeInclusive<u8> = SAFI_UNICAST..=SAFI_UNICAST_MULTICAST;
        const VPN: std::ops::RangeInclusive<u8> = SAFI_VPN_UNICAST..=SAFI_VPN_UNICAST_MULTICAST;
        let nlri = match (family, safi) {
            (Some(family), safi) if UNICAST_OR_MULTICAST.contains(&safi) => Nlri::Plain(family),
            (Some(family), SAFI_LABELED_UNICAST) => Nlri::Labeled(family),
            (Some(family), safi) if VPN.contains(&safi) => Nlri::Vpn(family),
            (Some(Family::V4), SAFI_ROUTE_TARGET) => Nlri::RouteTarget,
            (Some(Family::V4), SAFI_MDT) => Nlri::Mdt,
            (Some(Family::V4), SAFI_MULTICAST_VPN) => Nlri::MulticastVpn,
            (None, SAFI_VPLS) if afi == AFI_VPLS => Nlri::L2vpn,
            (None, safi) if afi == AFI_L2VPN && VPN.contains(&safi) => Nlri::L2vpn,
            (None, safi) if afi == AFI_NSAP && UNICAST_OR_MULTICAST.contains(&safi) => Nlri::Nsap,
            (None, safi) if afi == AFI_NSAP && VPN.contains(&safi) => Nlri::NsapVpn,
            _ => {
                attribute.check(0, len)?;
                line.put(format_args!("\n\t    no AFI {afi} / SAFI {safi} decoder"));
                if self.decoding.verbosity <= 1 {
                    print_unknown_data(line, attribute, 0, "\n\t    ", len);
                }
                return Ok(None);
            }
        };
        Ok(Some(nlri))
    }

    /// An MP_REACH_NLRI after its AFI and SAFI: next hops, SNPAs and prefixes.
    fn print_mp_reach(&self, line: &mut Line, attribute: Captured, len: usize, nlri: Nlri) -> Printed {
        let cut = Err(attribute.truncated());
        let mut at = 3;
        attribute.check(at, 1)?;
        if len - at < 1 {
            return cut;
        }
        let next_hops_len = usize::from(attribute.u8(at)?);
        at += 1;
        if next_hops_len > 0 {
            if len - at < next_hops_len {
                return cut;
            }
            line.push("\n\t    nexthop: ");
            let end = at + next_hops_len;
            let mut first = true;
            while at < end {
                if !first {
                    line.push(", ");
                }
                first = false;
                at = self.print_next_hop(line, attribute, at, end, nlri)?;
            }
        }
        line.put(format_args!(", nh-length: {next_hops_len}"));
        // RFC 2858's Subnetwork Points of Attachment, a reserved byte since RFC 4760.
        if len - at < 1 {
            return cut;
        }
        let snpas = attribute.u8(at)?;
        at += 1;
        if snpas == 0 {
            line.push(", no SNPA");
        } else {
            line.put(format_args!("\n\t    {snpas} SNPA"));
            for _ in 0..snpas {
                if len - at < 1 {
                    return cut;
                }
                let snpa_len = usize::from(attribute.u8(at)?);
                line.put(format_args!("\n\t      {snpa_len} bytes"));
                at += 1;
                if len - at < snpa_len {
                    return cut;
                }
                attribute.check(at, snpa_len)?;
                at += snpa_len;
            }
        }
        self.print_nlri(line, attribute, at, len, nlri)
    }

    /// A next hop at `at`, of those up to `end`; returns where the next one starts.
    fn print_next_hop(
        &self,
        line: &mut Line,
        attribute: Captured,
        at: usize,
        end: usize,
        nlri: Nlri,
    ) -> Result<usize, Truncated> {
        let (family, distinguished) = match nlri {
            Nlri::Plain(family) | Nlri::Labeled(family) => (family, false),
            // VPNs' next hops start with a route distinguisher.
            Nlri::Vpn(family) => (family, true),
            Nlri::RouteTarget | Nlri::Mdt | Nlri::MulticastVpn | Nlri::L2vpn => (Family::V4, false),
            // An NSAP address takes all the next hops' bytes.
            Nlri::Nsap => {
                line.put(format_args!("{}", NsapAddress(attribute.slice(at, end - at)?)));
                return Ok(end);
            }
            Nlri::NsapVpn => {
                if end - at < ROUTE_DISTINGUISHER_LEN + 1 {
                    line.push("invalid len");
                    return Ok(end);
                }
                attribute.check(at, end - at)?;
                let address = at + ROUTE_DISTINGUISHER_LEN;
                line.put(format_args!(
                    "RD: {}, {}",
                    self.route_distinguisher(attribute, at)?,
                    NsapAddress(attribute.slice(address, end - address)?)
                ));
                // NSAP addresses that hold an IP address: RFC 986's IPv4, RFC 1888's IPv6.
                if attribute.be32(address)? == 0x4700_0601 {
                    line.put(format_args!(" = {}", attribute.ipv4(address + 4)?));
                } else if be24(attribute, address)? == 0x35_0000 {
                    line.put(format_args!(" = {}", attribute.ipv6(address + 3)?));
                }
                return Ok(end);
            }
        };
        let distinguisher_len = if distinguished { ROUTE_DISTINGUISHER_LEN } else { 0 };
        if end - at < distinguisher_len + family.address_len() {
            line.push("invalid len");
            return Ok(end);
        }
        if distinguished {
            line.put(format_args!("RD: {}, ", self.route_distinguisher(attribute, at)?));
        }
        line.put(format_args!("{}", family.address(attribute, at + distinguisher_len)?));
        Ok(at + distinguisher_len + family.address_len())
    }

    /// The prefixes that end an MP_REACH_NLRI or MP_UNREACH_NLRI, from `start` to the attribute's `len`.
    fn print_nlri(&self, line: &mut Line, attribute: Captured, start: usize, len: usize, nlri: Nlri) -> Printed {
        // An MP_UNREACH_NLRI shorter than its AFI and SAFI has no room left, which tcpdump computes unsigned.
        let room = len.checked_sub(start).unwrap_or(usize::MAX);
        // tcpdump looks for path IDs only before plain prefixes.
        let path_ids = match nlri {
            Nlri::Plain(family) => has_path_ids(attribute, start, room, family),
            _ => false,
        };
        let mut at = start;
        while at < len {
            let advance = match nlri {
                Nlri::RouteTarget => self.print_route_target_membership(line, attribute, at)?,
                Nlri::Mdt => self.print_mdt(line, attribute, at)?,
                Nlri::MulticastVpn => self.print_multicast_vpn(line, attribute, at)?,
                Nlri::L2vpn => self.print_l2vpn(line, attribute, at)?,
                _ => self.print_prefix(line, attribute, at, len, nlri, path_ids)?,
            };
            let Some(advance) = advance else { break };
            at += advance;
        }
        Ok(())
    }

    /// A prefix of `nlri`'s kind at `at`, after its path ID if `path_ids`; returns its length, or `None` if the
    /// prefixes end there.
    fn print_prefix(
        &self,
        line: &mut Line,
        attribute: Captured,
        at: usize,
        len: usize,
        nlri: Nlri,
        path_ids: bool,
    ) -> Result<Option<usize>, Truncated> {
        let mut path_id = None;
        let mut prefix_at = at;
        if path_ids {
            path_id = Some(attribute.be32(at)?);
            prefix_at += 4;
        }
        // tcpdump bounds each prefix by the attribute's whole length, not by what is left of it.
        let decoded = match nlri {
            Nlri::Labeled(family) => decode_labeled_prefix(attribute, prefix_at, len, family)?,
            Nlri::Vpn(family) => self.decode_vpn_prefix(attribute, prefix_at, Some(family))?,
            Nlri::Nsap => decode_nsap_prefix(attribute, prefix_at)?,
            Nlri::NsapVpn => self.decode_vpn_prefix(attribute, prefix_at, None)?,
            Nlri::Plain(family) => decode_prefix(attribute, prefix_at, len, family)?,
            Nlri::RouteTarget | Nlri::Mdt | Nlri::MulticastVpn | Nlri::L2vpn => return Ok(None),
        };
        let prefix_len = match decoded {
            Decoded::IllegalLength => {
                line.push("\n\t    (illegal prefix length)");
                None
            }
            // Too few bytes for a labeled prefix just end the prefixes.
            Decoded::Short if matches!(nlri, Nlri::Labeled(_)) => return Ok(None),
            Decoded::Short => return Err(attribute.truncated()),
            Decoded::Prefix(prefix) => {
                line.put(format_args!("\n\t      {prefix}"));
                Some(prefix.len)
            }
        };
        print_path_id(line, path_id);
        // With a path ID, tcpdump steps over an illegal prefix length as if it were a 3-byte prefix.
        Ok(match (prefix_len, path_ids) {
            (Some(prefix_len), false) => Some(prefix_len),
            (Some(prefix_len), true) => Some(prefix_len + 4),
            (None, true) => Some(3),
            (None, false) => None,
        })
    }

    /// RFC 4684's route target membership at `at`: origin AS and a prefix of a route target extended community;
    /// returns its length, or `None` if the prefixes end there.
    fn print_route_target_membership(
        &self,
        line: &mut Line,
        attribute: Captured,
        at: usize,
    ) -> Result<Option<usize>, Truncated> {
        let bits = attribute.u8(at)?;
        if bits == 0 {
            line.push("\n\t      default route target");
            return Ok(Some(1));
        }
        if bits < 32 {
            line.push("\n\t      (illegal prefix length)");
            return Ok(None);
        }
        let origin = self.as_number(attribute.be32(at + 1)?);
        let bits = bits - 32;
        if bits > 64 {
            line.push("\n\t      (illegal prefix length)");
            return Ok(None);
        }
        let target_len = usize::from(bits).div_ceil(8);
        let mut target = [0; 8];
        target[..target_len].copy_from_slice(attribute.slice(at + 5, target_len)?);
        if !bits.is_multiple_of(8) {
            target[target_len - 1] &= 0xff << (8 - bits % 8);
        }
        line.put(format_args!("\n\t      origin AS: {origin}, "));
        if bits == 0 {
            line.push("route-target: 0:0/0");
            return Ok(Some(5));
        }
        let hex = GroupedHex(&target[..target_len]);
        if bits < 16 {
            line.put(format_args!("route-target: partial-type: ({hex}/{bits})"));
            return Ok(Some(5 + target_len));
        }
        let [type_high, type_low, a, b, c, d, e, g] = target;
        let last_two = u16::from_be_bytes([e, g]);
        match u16::from_be_bytes([type_high, type_low]) {
            0x0002 => line.put(format_args!(
                "route-target: {}:{}/{bits} ({hex})",
                u16::from_be_bytes([a, b]),
                u32::from_be_bytes([c, d, e, g])
            )),
            0x0102 => line.put(format_args!("route-target: {a}.{b}.{c}.{d}:{last_two}/{bits} ({hex})")),
            0x0202 => line.put(format_args!(
                "route-target: {}:{last_two}/{bits} ({hex})",
                self.as_number(u32::from_be_bytes([a, b, c, d]))
            )),
            other => line.put(format_args!("route target: unknown-type({other:04x}) ({hex}/{bits})")),
        }
        Ok(Some(5 + target_len))
    }

    /// An RFC 6514 multicast VPN route at `at`: its type, length and what tcpdump shows of its fields; returns
    /// its length.
    fn print_multicast_vpn(&self, line: &mut Line, attribute: Captured, at: usize) -> Result<Option<usize>, Truncated> {
        use fmt::Write;
        let route_type = attribute.u8(at)?;
        let route_len = attribute.u8(at + 1)?;
        let fields = at + 2;
        let mut text = RouteText::default();
        let _ = write!(
            text,
            "Route-Type: {} ({route_type}), length: {route_len}",
            multicast_vpn_route_name(route_type).unwrap_or("Unknown")
        );
        match route_type {
            MVPN_INTRA_AS_I_PMSI => {
                attribute.check(fields, ROUTE_DISTINGUISHER_LEN)?;
                // The originator's length in bits, as tcpdump computes it from the route's.
                let originator_bits = (i32::from(route_len) - ROUTE_DISTINGUISHER_LEN as i32).wrapping_shl(3) as u32;
                let _ = write!(
                    text,
                    ", RD: {}, Originator {}",
                    self.route_distinguisher(attribute, fields)?,
                    vpn_address(attribute, fields + ROUTE_DISTINGUISHER_LEN, originator_bits)?
                );
            }
            MVPN_INTER_AS_I_PMSI | MVPN_SHARED_TREE_JOIN | MVPN_SOURCE_TREE_JOIN => {
                attribute.check(fields, ROUTE_DISTINGUISHER_LEN + 4)?;
                let _ = write!(
                    text,
                    ", RD: {}, Source-AS {}",
                    self.route_distinguisher(attribute, fields)?,
                    self.as_number(attribute.be32(fields + ROUTE_DISTINGUISHER_LEN)?)
                );
                if route_type != MVPN_INTER_AS_I_PMSI {
                    source_and_group(&mut text, attribute, fields + ROUTE_DISTINGUISHER_LEN + 4)?;
                }
            }
            MVPN_S_PMSI | MVPN_SOURCE_ACTIVE => {
                attribute.check(fields, ROUTE_DISTINGUISHER_LEN)?;
                let _ = write!(text, ", RD: {}", self.route_distinguisher(attribute, fields)?);
                let after = fields + ROUTE_DISTINGUISHER_LEN;
                let source_and_group_len = source_and_group(&mut text, attribute, after)?;
                if route_type == MVPN_S_PMSI {
                    // tcpdump reads the originator where the source starts, as long as what the route's length
                    // leaves for it (computed unsigned).
                    let originator_len = u32::from(route_len).wrapping_sub(source_and_group_len);
                    attribute.check(after, originator_len as usize)?;
                    let originator = vpn_address(attribute, after, originator_len.wrapping_shl(3))?;
                    let _ = write!(text, ", Originator {originator}");
                }
            }
            _ => {}
        }
        line.put(format_args!("\n\t      {}", text.text));
        Ok(Some(usize::from(route_len) + 2))
    }

    /// An RFC 4761 L2VPN or VPLS route at `at`: its length in two bytes, then an auto-discovery route (12 bytes)
    /// or an older-format one with TLVs (more than 17); returns its length.
    fn print_l2vpn(&self, line: &mut Line, attribute: Captured, at: usize) -> Result<Option<usize>, Truncated> {
        use fmt::Write;
        let route_len = usize::from(attribute.be16(at)?);
        let fields = at + 2;
        let mut text = RouteText::default();
        if route_len == L2VPN_AUTO_DISCOVERY_LEN {
            attribute.check(fields, L2VPN_AUTO_DISCOVERY_LEN)?;
            let _ = write!(
                text,
                "RD: {}, BGPNH: {}",
                self.route_distinguisher(attribute, fields)?,
                attribute.ipv4(fields + ROUTE_DISTINGUISHER_LEN)?
            );
        } else if route_len > L2VPN_FIXED_LEN + 2 {
            attribute.check(fields, L2VPN_FIXED_LEN)?;
            let _ = write!(
                text,
                "RD: {}, CE-ID: {}, Label-Block Offset: {}, Label Base {}",
                self.route_distinguisher(attribute, fields)?,
                attribute.be16(fields + 8)?,
                attribute.be16(fields + 10)?,
                be24(attribute, fields + 12)? >> 4
            );
            l2vpn_tlvs(&mut text, attribute, fields + L2VPN_FIXED_LEN, route_len - L2VPN_FIXED_LEN)?;
        } else {
            return Err(attribute.truncated());
        }
        line.put(format_args!("\n\t      {}", text.text));
        Ok(Some(route_len + 2))
    }

    /// An RFC 6037 MDT SAFI route at `at`: route distinguisher, VPN address and multicast group; returns its
    /// length, or `None` if the prefixes end there.
    fn print_mdt(&self, line: &mut Line, attribute: Captured, at: usize) -> Result<Option<usize>, Truncated> {
        if usize::from(attribute.u8(at)?) != MDT_LEN * 8 {
            line.push("\n\t    (illegal prefix length)");
            return Ok(None);
        }
        attribute.check(at + 1, ROUTE_DISTINGUISHER_LEN)?;
        line.put(format_args!(
            "\n\t      RD: {}, VPN IP Address: {}, MC Group Address: {}",
            self.route_distinguisher(attribute, at + 1)?,
            attribute.ipv4(at + 9)?,
            attribute.ipv4(at + 13)?
        ));
        Ok(Some(MDT_LEN + 1))
    }

    /// A VPN prefix at `at`: its length in bits counting the label's 24 and the route distinguisher's 64, the
    /// label, the route distinguisher and the address (tcpdump's `decode_labeled_vpn_prefix4` and `...6`, which
    /// check no room).
    /// A VPN prefix of `family`, or of NSAP addresses.
    fn decode_vpn_prefix(&self, data: Captured, at: usize, family: Option<Family>) -> Result<Decoded, Truncated> {
        let max_bits = family.map_or(NSAP_PREFIX_MAX_BITS, Family::max_bits);
        let Some(bits) = data.u8(at)?.checked_sub(88).filter(|&bits| bits <= max_bits) else {
            return Ok(Decoded::IllegalLength);
        };
        let address = prefix_address(data, at + 12, bits, family)?;
        let route_distinguisher = Some(self.route_distinguisher(data, at + 4)?);
        let label = Some(label(data, at + 1)?);
        let len = 12 + usize::from(bits).div_ceil(8);
        Ok(Decoded::Prefix(Prefix { address, bits, len, label, route_distinguisher }))
    }

    fn route_distinguisher(&self, data: Captured, at: usize) -> Result<RouteDistinguisher, Truncated> {
        Ok(RouteDistinguisher { bytes: data.array(at)?, asdot: self.decoding.asdot })
    }

    fn print_notification(&self, line: &mut Line) -> Printed {
        let notification = self.bytes;
        notification.check(0, NOTIFICATION_LEN)?;
        if self.length < NOTIFICATION_LEN {
            return Ok(());
        }
        let code = notification.u8(19)?;
        let subcode = notification.u8(20)?;
        let name = match code {
            NOTIFY_MESSAGE_HEADER => "Message Header Error",
            NOTIFY_OPEN => "OPEN Message Error",
            NOTIFY_UPDATE => "UPDATE Message Error",
            4 => "Hold Timer Expired",
            NOTIFY_FSM => "Finite State Machine Error",
            NOTIFY_CEASE => "Cease",
            NOTIFY_CAPABILITY => "Capability Message Error",
            _ => "Unknown Error",
        };
        line.put(format_args!(", {name} ({code})"));
        let subcode_names: &[&str] = match code {
            NOTIFY_MESSAGE_HEADER => &["", "Connection Not Synchronized", "Bad Message Length", "Bad Message Type"],
            NOTIFY_OPEN => &[
                "",
                "Unsupported Version Number",
                "Bad Peer AS",
                "Bad BGP Identifier",
                "Unsupported Optional Parameter",
                "Authentication Failure",
                "Unacceptable Hold Time",
                "Capability Message Error",
            ],
            NOTIFY_UPDATE => &[
                "",
                "Malformed Attribute List",
                "Unrecognized Well-known Attribute",
                "Missing Well-known Attribute",
                "Attribute Flags Error",
                "Attribute Length Error",
                "Invalid ORIGIN Attribute",
                "AS Routing Loop",
                "Invalid NEXT_HOP Attribute",
                "Optional Attribute Error",
                "Invalid Network Field",
                "Malformed AS_PATH",
            ],
            NOTIFY_FSM => &["Unspecified Error", "In OpenSent State", "In OpenConfirm State", "In Established State"],
            NOTIFY_CAPABILITY => &[
                "",
                "Invalid Action Value",
                "Invalid Capability Length",
                "Malformed Capability Value",
                "Unsupported Capability Code",
            ],
            NOTIFY_CEASE => &[
                "",
                "Maximum Number of Prefixes Reached",
                "Administrative Shutdown",
                "Peer Unconfigured",
                "Administrative Reset",
                "Connection Rejected",
                "Other Configuration Change",
                "Connection Collision Resolution",
            ],
            _ => return Ok(()),
        };
        let subcode_name = subcode_names.get(usize::from(subcode)).filter(|name| !name.is_empty());
        // As tcpdump has it: no comma before the subcodes of these two.
        let separator = if matches!(code, NOTIFY_FSM | NOTIFY_CAPABILITY) { "" } else { "," };
        line.put(format_args!("{separator} subcode {} ({subcode})", subcode_name.unwrap_or(&"Unknown")));
        if code != NOTIFY_CEASE {
            return Ok(());
        }
        let data = NOTIFICATION_LEN;
        if subcode == CEASE_MAX_PREFIXES && self.length >= NOTIFICATION_LEN + MAX_PREFIXES_LEN {
            line.put(format_args!(
                ", {}, Max Prefixes: {}",
                AfiSafi(notification.be16(data)?, notification.u8(data + 2)?),
                notification.be32(data + 3)?
            ));
        }
        // RFC 9003's Shutdown Communication, text for people.
        if matches!(subcode, CEASE_SHUTDOWN | CEASE_RESET) && self.length > NOTIFICATION_LEN {
            let text_len = notification.u8(data)?;
            let mut skipped: u8 = 0;
            if usize::from(text_len) > self.length - (NOTIFICATION_LEN + 1) {
                line.push(", invalid Shutdown Communication length");
            } else if text_len == 0 {
                line.push(", empty Shutdown Communication");
                skipped = 1;
            } else {
                line.put(format_args!(", Shutdown Communication (length: {text_len}): \""));
                line.put_escaped(notification.slice(data + 1, text_len.into())?);
                line.push("\"");
                // tcpdump counts this in a byte, which a 255-byte text overflows.
                skipped = text_len.wrapping_add(1);
            }
            let trailing_len = self.length - NOTIFICATION_LEN - usize::from(skipped);
            if trailing_len > 0 {
                line.put(format_args!(", Data: (length: {trailing_len})"));
                hexdump::hex_indented(line, "\n\t\t", notification.slice(data + usize::from(skipped), trailing_len)?);
            }
        }
        Ok(())
    }

    fn print_route_refresh(&self, line: &mut Line) -> Printed {
        let refresh = self.bytes;
        refresh.check(0, ROUTE_REFRESH_LEN)?;
        if self.length < ROUTE_REFRESH_LEN {
            return Ok(());
        }
        line.put(format_args!("\n\t  {}", AfiSafi(refresh.be16(19)?, refresh.u8(22)?)));
        if self.decoding.verbosity > 1 {
            print_unknown_data(line, refresh, 0, "\n\t  ", self.length);
        }
        Ok(())
    }
}

/// Calls `print` with the AFI, SAFI and one more byte of each 4-byte entry from `first` to `end`, as far as
/// whole entries go.
fn for_each_family(open: Captured, first: usize, end: usize, mut print: impl FnMut(u16, u8, u8)) -> Printed {
    let mut at = first;
    while end - at >= 4 {
        print(open.be16(at)?, open.u8(at + 2)?, open.u8(at + 3)?);
        at += 4;
    }
    Ok(())
}

/// A cut that tcpdump's own checks find inside a part of a message ends only that part: its marker, and the
/// caller goes on with the next part.
fn end_part(line: &mut Line, printed: Printed) -> Printed {
    match printed {
        Err(cut) if !cut.abandons_packet => {
            cut.print(line);
            Ok(())
        }
        other => other,
    }
}

/// The TLVs of an older-format L2VPN route, `len` bytes at `at` by its length: as tcpdump reads them, counting
/// only their values against the length, and not stepping over the values of those it does not know.
fn l2vpn_tlvs(text: &mut RouteText, data: Captured, at: usize, len: usize) -> Printed {
    use fmt::Write;
    let mut field = at;
    let mut remaining = len;
    while remaining != 0 {
        if remaining < 3 {
            let _ = text.write_str("\n\t\tran past the end");
            return Ok(());
        }
        let tlv_type = data.u8(field)?;
        let bits = data.be16(field + 1)?;
        field += 3;
        let mut value_len = usize::from(bits).div_ceil(8);
        if tlv_type == L2VPN_CIRCUIT_STATUS_VECTOR {
            let _ = write!(text, "\n\t\tcircuit status vector ({tlv_type}) length: {bits}: 0x");
            while value_len != 0 {
                if remaining < 1 {
                    let _ = text.write_str(" (ran past the end)");
                    return Ok(());
                }
                data.check(field, 1)?;
                // Once its buffer is full, tcpdump stops reading the vector's bytes too.
                if !text.is_full() {
                    let _ = write!(text, "{:02x}", data.u8(field)?);
                    field += 1;
                }
                value_len -= 1;
                remaining -= 1;
            }
        } else {
            let _ = write!(text, "\n\t\tunknown TLV #{tlv_type}, length: {bits}");
            if remaining < value_len {
                let _ = text.write_str(" (ran past the end)");
                return Ok(());
            }
            remaining -= value_len;
        }
    }
    Ok(())
}

/// tcpdump's buffer for a route's text, MAXHOSTNAMELEN + 100 bytes with the NUL: what does not fit is lost.
struct RouteText {
    text: String,
    /// Bytes left, the NUL's included.
    room: usize,
}

impl Default for RouteText {
    fn default() -> Self {
        RouteText { text: String::new(), room: 164 }
    }
}

impl RouteText {
    fn is_full(&self) -> bool {
        self.room == 0
    }
}

impl fmt::Write for RouteText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if text.len() < self.room {
            self.text.push_str(text);
            self.room -= text.len();
        } else if self.room > 0 {
            // What tcpdump writes is ASCII: any byte is a character boundary.
            self.text.push_str(text.get(..self.room - 1).unwrap_or_default());
            self.room = 0;
        }
        Ok(())
    }
}

/// A multicast VPN route's source and group at `at`, each an address length in bits and the address, as
/// `, Source 10.0.0.1, Group 232.1.1.1`; returns how many bytes tcpdump counts them, which stops short where
/// the capture does.
fn source_and_group(text: &mut RouteText, data: Captured, at: usize) -> Result<u32, Truncated> {
    use fmt::Write;
    let mut counted = 0;
    let mut field = at;
    for name in ["Source", "Group"] {
        let bits = data.u8(field)?;
        field += 1;
        let address_len = usize::from(bits >> 3);
        if !data.has(field, address_len) {
            break;
        }
        counted += address_len as u32 + 1;
        if bits != 0 {
            let _ = write!(text, ", {name} {}", vpn_address(data, field, bits.into())?);
            field += address_len;
        }
    }
    Ok(counted)
}

/// An address `bits` long at `at`, if that is an IPv4 or IPv6 address's length.
fn vpn_address(data: Captured, at: usize, bits: u32) -> Result<VpnAddress, Truncated> {
    Ok(match bits {
        32 => VpnAddress::Address(data.ipv4(at)?),
        128 => VpnAddress::Address(data.ipv6(at)?),
        _ => VpnAddress::Bogus(bits),
    })
}

enum VpnAddress {
    Address(IpAddress),
    Bogus(u32),
}

impl fmt::Display for VpnAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VpnAddress::Address(address) => write!(f, "{address}"),
            VpnAddress::Bogus(bits) => write!(f, "bogus address length {bits}"),
        }
    }
}

/// An MPLS label and whether it has the bottom-of-stack bit, from its 3 bytes at `at`.
fn label(data: Captured, at: usize) -> Result<(u32, bool), Truncated> {
    let field = be24(data, at)?;
    Ok((field >> 4, field & 1 != 0))
}

fn be24(data: Captured, at: usize) -> Result<u32, Truncated> {
    let [high, middle, low] = data.array(at)?;
    Ok(u32::from_be_bytes([0, high, middle, low]))
}

/// An UPDATE's withdrawn or updated IPv4 route at `at`, within `room` bytes, and its path id: the route's length,
/// or `None` for a prefix length longer than an address (printed so: it ends the list).
fn print_ipv4_route(
    line: &mut Line,
    update: Captured,
    at: usize,
    room: usize,
    path_id: Option<u32>,
) -> Result<Option<usize>, Truncated> {
    match decode_prefix(update, at, room, Family::V4)? {
        Decoded::IllegalLength => {
            line.push("\n\t    (illegal prefix length)");
            Ok(None)
        }
        Decoded::Short => Err(update.truncated()),
        Decoded::Prefix(prefix) => {
            line.put(format_args!("\n\t    {prefix}"));
            print_path_id(line, path_id);
            Ok(Some(prefix.len))
        }
    }
}

fn print_path_id(line: &mut Line, path_id: Option<u32>) {
    if let Some(path_id) = path_id {
        line.put(format_args!("   Path Id: {path_id}"));
    }
}

/// `, Flags [OT+1]`: the optional, transitive, partial and extended-length flags, and any others in hex.
fn print_attribute_flags(line: &mut Line, flags: u8) {
    line.push(", Flags [");
    for (flag, letter) in [(0x80, 'O'), (0x40, 'T'), (0x20, 'P'), (EXTENDED_LENGTH, 'E')] {
        if flags & flag != 0 {
            line.push_char(letter);
        }
    }
    if flags & 0x0f != 0 {
        line.put(format_args!("+{:x}", flags & 0x0f));
    }
    line.push("]");
}

/// Whether an AS_PATH's numbers take 4 bytes: tcpdump tries 2 and takes 4 if the segments do not then end
/// exactly where the attribute does.
fn as_size(attribute: Captured, len: usize) -> Result<usize, Truncated> {
    let mut at = 0;
    while at < len {
        if !(AS_SET..=AS_CONFED_SET).contains(&attribute.u8(at)?) {
            return Ok(4);
        }
        at += 2 + usize::from(attribute.u8(at + 1)?) * 2;
    }
    Ok(if at == len { 2 } else { 4 })
}

/// Whether the prefixes, `length` bytes at `start`, carry RFC 7911 path IDs: only the OPEN messages say, so
/// tcpdump guesses as its `check_add_path` does, from whether they make sense with path IDs and without.
fn has_path_ids(data: Captured, start: usize, length: usize, family: Family) -> bool {
    if length < 5 {
        return false;
    }
    let prefix_bytes = |bits: u8| 1 + usize::from(bits).div_ceil(8);
    let mut offset = 0;
    while offset < length {
        offset += 4;
        let Ok(bits) = data.u8(start + offset) else { break };
        if bits > family.max_bits() {
            return false;
        }
        offset += prefix_bytes(bits);
    }
    if offset > length {
        return false;
    }
    offset = 0;
    while offset < length {
        let Ok(bits) = data.u8(start + offset) else { break };
        // A default route among others is unlikely without path IDs.
        if bits < 1 || bits > family.max_bits() {
            return true;
        }
        offset += prefix_bytes(bits);
    }
    offset > length
}

/// What a prefix's bytes hold.
enum Decoded {
    Prefix(Prefix),
    /// A length longer than the address.
    IllegalLength,
    /// Fewer bytes left than the prefix needs.
    Short,
}

/// `10.1.0.0/16`, and how many bytes it took.
struct Prefix {
    address: PrefixAddress,
    bits: u8,
    len: usize,
    /// RFC 3107's MPLS label before the prefix, and whether it has the bottom-of-stack bit.
    label: Option<(u32, bool)>,
    /// RFC 4364's, before a VPN's prefix.
    route_distinguisher: Option<RouteDistinguisher>,
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(route_distinguisher) = &self.route_distinguisher {
            write!(f, "RD: {route_distinguisher}, ")?;
        }
        write!(f, "{}/{}", self.address, self.bits)?;
        match self.label {
            Some((label, true)) => write!(f, ", label:{label} (bottom)"),
            Some((label, false)) => write!(f, ", label:{label} (BOGUS: Bottom of Stack NOT set!)"),
            None => Ok(()),
        }
    }
}

enum PrefixAddress {
    Ip(IpAddress),
    /// The prefix's bytes of an NSAP address, and how many there are.
    Nsap([u8; NSAP_PREFIX_MAX_LEN], usize),
}

impl fmt::Display for PrefixAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrefixAddress::Ip(address) => write!(f, "{address}"),
            PrefixAddress::Nsap(bytes, len) => write!(f, "{}", NsapAddress(&bytes[..*len])),
        }
    }
}

/// An NSAP prefix at `at`: its length in bits, three bytes tcpdump skips, and as many bytes of address as it
/// needs, of which tcpdump counts only the length's and the address's (its `decode_clnp_prefix`).
fn decode_nsap_prefix(data: Captured, at: usize) -> Result<Decoded, Truncated> {
    let bits = data.u8(at)?;
    if bits > NSAP_PREFIX_MAX_BITS {
        return Ok(Decoded::IllegalLength);
    }
    let address = prefix_address(data, at + 4, bits, None)?;
    let len = 1 + usize::from(bits).div_ceil(8);
    Ok(Decoded::Prefix(Prefix { address, bits, len, label: None, route_distinguisher: None }))
}

/// A prefix at `at`, whose length in bits is followed by as many bytes of address as it needs, out of `room`
/// bytes (tcpdump's `decode_prefix4` and `decode_prefix6`).
fn decode_prefix(data: Captured, at: usize, room: usize, family: Family) -> Result<Decoded, Truncated> {
    if room < 1 {
        return Ok(Decoded::Short);
    }
    let bits = data.u8(at)?;
    if bits > family.max_bits() {
        return Ok(Decoded::IllegalLength);
    }
    let address_len = usize::from(bits).div_ceil(8);
    if room - 1 < address_len {
        return Ok(Decoded::Short);
    }
    let address = prefix_address(data, at + 1, bits, Some(family))?;
    Ok(Decoded::Prefix(Prefix { address, bits, len: 1 + address_len, label: None, route_distinguisher: None }))
}

/// A labeled prefix at `at`: its length in bits counting the label's 24, the label, and the address (tcpdump's
/// `decode_labeled_prefix4` and `decode_labeled_prefix6`, of which only the first checks the address's room).
fn decode_labeled_prefix(data: Captured, at: usize, room: usize, family: Family) -> Result<Decoded, Truncated> {
    data.check(at, 4)?;
    if room < 4 {
        return Ok(Decoded::Short);
    }
    let Some(bits) = data.u8(at)?.checked_sub(24).filter(|&bits| bits <= family.max_bits()) else {
        return Ok(Decoded::IllegalLength);
    };
    let address_len = usize::from(bits).div_ceil(8);
    if family == Family::V4 && room - 4 < address_len {
        return Ok(Decoded::Short);
    }
    let address = prefix_address(data, at + 4, bits, Some(family))?;
    let label = Some(label(data, at + 1)?);
    Ok(Decoded::Prefix(Prefix { address, bits, len: 4 + address_len, label, route_distinguisher: None }))
}

/// The address of a prefix `bits` long at `at`, of `family` or else an NSAP address: as many bytes as it needs,
/// zeros after them and after its bits.
fn prefix_address(data: Captured, at: usize, bits: u8, family: Option<Family>) -> Result<PrefixAddress, Truncated> {
    let address_len = usize::from(bits).div_ceil(8);
    let mut address = [0; NSAP_PREFIX_MAX_LEN];
    address[..address_len].copy_from_slice(data.slice(at, address_len)?);
    if !bits.is_multiple_of(8) {
        address[address_len - 1] &= 0xff << (8 - bits % 8);
    }
    Ok(match family {
        Some(Family::V4) => PrefixAddress::Ip(IpAddress::V4([address[0], address[1], address[2], address[3]])),
        Some(Family::V6) => {
            let mut bytes = [0; 16];
            bytes.copy_from_slice(&address[..16]);
            PrefixAddress::Ip(IpAddress::V6(bytes))
        }
        None => PrefixAddress::Nsap(address, address_len),
    })
}

/// The prefixes of an MP_REACH_NLRI or MP_UNREACH_NLRI that ptstat decodes, by AFI and SAFI.
#[derive(Clone, Copy)]
enum Nlri {
    Plain(Family),
    /// RFC 3107's, with an MPLS label.
    Labeled(Family),
    /// RFC 4364's, with an MPLS label and a route distinguisher.
    Vpn(Family),
    /// RFC 4684's route target membership (IPv4 only).
    RouteTarget,
    /// RFC 6037's multicast distribution trees (IPv4 only).
    Mdt,
    /// RFC 6514's multicast VPN routes (IPv4 only).
    MulticastVpn,
    /// RFC 4761's L2VPN and VPLS routes.
    L2vpn,
    /// ISO's NSAP prefixes, plain and of VPNs.
    Nsap,
    NsapVpn,
}

/// An NSAP address as tcpdump writes it: `49.0001.0203.04`.
struct NsapAddress<'a>(&'a [u8]);

impl fmt::Display for NsapAddress<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() || self.0.len() > NSAP_MAX_LEN {
            return f.write_str("isonsap_string: illegal length");
        }
        for (index, byte) in self.0.iter().enumerate() {
            write!(f, "{byte:02x}")?;
            if index % 2 == 0 && index + 1 < self.0.len() {
                f.write_str(".")?;
            }
        }
        Ok(())
    }
}

/// RFC 4364's route distinguisher: a type and a value of an AS or address and a number.
struct RouteDistinguisher {
    bytes: [u8; ROUTE_DISTINGUISHER_LEN],
    asdot: bool,
}

impl fmt::Display for RouteDistinguisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [type_high, type_low, a, b, c, d, e, g] = self.bytes;
        let last_two = u16::from_be_bytes([e, g]);
        match u16::from_be_bytes([type_high, type_low]) {
            0 => write!(f, "{}:{} (= {c}.{d}.{e}.{g})", u16::from_be_bytes([a, b]), u32::from_be_bytes([c, d, e, g])),
            1 => write!(f, "{a}.{b}.{c}.{d}:{last_two}"),
            2 => {
                let number = AsNumber { value: u32::from_be_bytes([a, b, c, d]), asdot: self.asdot };
                write!(f, "{number}:{last_two} ({a}.{b}.{c}.{d}:{last_two})")
            }
            _ => f.write_str("unknown RD format"),
        }
    }
}

/// The address family of prefixes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

impl Family {
    fn address_len(self) -> usize {
        match self {
            Family::V4 => 4,
            Family::V6 => 16,
        }
    }

    fn max_bits(self) -> u8 {
        (self.address_len() * 8) as u8
    }

    fn address(self, data: Captured, at: usize) -> Result<IpAddress, Truncated> {
        match self {
            Family::V4 => data.ipv4(at),
            Family::V6 => data.ipv6(at),
        }
    }
}

/// Bytes in hex, in groups of two: `0002 fde9 00`.
struct GroupedHex<'a>(&'a [u8]);

impl fmt::Display for GroupedHex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, byte) in self.0.iter().enumerate() {
            if index > 0 && index % 2 == 0 {
                f.write_str(" ")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// An AS number, in asdot notation (`1.10`) above 65535 if `-b` asks for it.
struct AsNumber {
    value: u32,
    asdot: bool,
}

impl fmt::Display for AsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.asdot && self.value > 0xffff {
            write!(f, "{}.{}", self.value >> 16, self.value & 0xffff)
        } else {
            write!(f, "{}", self.value)
        }
    }
}

/// `AFI IPv4 (1), SAFI Unicast (1)`.
struct AfiSafi(u16, u8);

impl fmt::Display for AfiSafi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let AfiSafi(afi, safi) = *self;
        write!(
            f,
            "AFI {} ({afi}), SAFI {} ({safi})",
            address::family_name(afi).unwrap_or("Unknown"),
            safi_name(safi).unwrap_or("Unknown")
        )
    }
}

/// tcpdump's print_unknown_data: `len` bytes at `at` in hex, as many as were captured.
fn print_unknown_data(line: &mut Line, data: Captured, at: usize, indent: &str, len: usize) {
    if at > data.len() {
        line.put(format_args!("{indent}Dissector error: print_unknown_data called with pointer past end of packet"));
        return;
    }
    let available = data.rest(at);
    hexdump::hex_indented(line, indent, available.get(..len).unwrap_or(available));
}

fn message_name(message_type: u8) -> Option<&'static str> {
    Some(match message_type {
        OPEN => "Open",
        UPDATE => "Update",
        NOTIFICATION => "Notification",
        KEEPALIVE => "Keepalive",
        ROUTE_REFRESH => "Route Refresh",
        _ => return None,
    })
}

fn capability_name(code: u8) -> Option<&'static str> {
    Some(match code {
        CAPABILITY_MULTIPROTOCOL => "Multiprotocol Extensions",
        CAPABILITY_ROUTE_REFRESH => "Route Refresh",
        3 => "Cooperative Route Filtering",
        4 => "Multiple Routes to a Destination",
        5 => "Extended Next Hop Encoding",
        CAPABILITY_MULTIPLE_LABELS => "Multiple Labels",
        CAPABILITY_GRACEFUL_RESTART => "Graceful Restart",
        CAPABILITY_FOUR_OCTET_AS => "32-Bit AS Number",
        67 => "Dynamic Capability",
        68 => "Multisession BGP",
        CAPABILITY_ADD_PATH => "Multiple Paths",
        70 => "Enhanced Route Refresh",
        CAPABILITY_LONG_LIVED_GRACEFUL_RESTART => "Long-lived Graceful Restart",
        CAPABILITY_ROUTE_REFRESH_CISCO => "Route Refresh (Cisco)",
        _ => return None,
    })
}

fn attribute_name(attribute_type: u8) -> Option<&'static str> {
    Some(match attribute_type {
        ATTRIBUTE_ORIGIN => "Origin",
        ATTRIBUTE_AS_PATH => "AS Path",
        ATTRIBUTE_NEXT_HOP => "Next Hop",
        ATTRIBUTE_MULTI_EXIT_DISC => "Multi Exit Discriminator",
        ATTRIBUTE_LOCAL_PREF => "Local Preference",
        ATTRIBUTE_ATOMIC_AGGREGATE => "Atomic Aggregate",
        ATTRIBUTE_AGGREGATOR => "Aggregator",
        ATTRIBUTE_COMMUNITIES => "Community",
        ATTRIBUTE_ORIGINATOR_ID => "Originator ID",
        ATTRIBUTE_CLUSTER_LIST => "Cluster List",
        11 => "DPA",
        12 => "Advertisers",
        13 => "RCID Path / Cluster ID",
        ATTRIBUTE_MP_REACH_NLRI => "Multi-Protocol Reach NLRI",
        ATTRIBUTE_MP_UNREACH_NLRI => "Multi-Protocol Unreach NLRI",
        ATTRIBUTE_EXTENDED_COMMUNITIES => "Extended Community",
        ATTRIBUTE_AS4_PATH => "AS4 Path",
        ATTRIBUTE_AGGREGATOR4 => "Aggregator4",
        ATTRIBUTE_PMSI_TUNNEL => "PMSI Tunnel",
        23 => "Tunnel Encapsulation",
        24 => "Traffic Engineering",
        25 => "IPv6 Extended Community",
        ATTRIBUTE_AIGP => "Accumulated IGP Metric",
        27 => "PE Distinguisher Label",
        28 => "Entropy Label",
        ATTRIBUTE_LARGE_COMMUNITY => "Large Community",
        ATTRIBUTE_ATTR_SET => "Attribute Set",
        255 => "Reserved for development",
        _ => return None,
    })
}

fn safi_name(safi: u8) -> Option<&'static str> {
    Some(match safi {
        0 => "Reserved",
        SAFI_UNICAST => "Unicast",
        SAFI_MULTICAST => "Multicast",
        SAFI_UNICAST_MULTICAST => "Unicast+Multicast",
        SAFI_LABELED_UNICAST => "labeled Unicast",
        SAFI_MULTICAST_VPN => "Multicast VPN",
        64 => "Tunnel",
        SAFI_VPLS => "VPLS",
        SAFI_MDT => "MDT",
        70 => "EVPN",
        SAFI_VPN_UNICAST => "labeled VPN Unicast",
        SAFI_VPN_MULTICAST => "labeled VPN Multicast",
        SAFI_VPN_UNICAST_MULTICAST => "labeled VPN Unicast+Multicast",
        SAFI_ROUTE_TARGET => "Route Target Routing Information",
        _ => return None,
    })
}

fn extended_community_name(community_type: u16) -> Option<&'static str> {
    Some(match community_type {
        0x0002 | 0x0102 | 0x0202 => "target",
        0x0003 | 0x0103 | 0x0203 => "origin",
        0x4004 => "link-BW",
        0x0005 | 0x0105 | 0x0205 | 0x8005 => "ospf-domain",
        0x0306 | 0x8000 => "ospf-route-type",
        0x030c => "encapsulation",
        0x0107 | 0x8001 => "ospf-router-id",
        0x800a => "layer2-info",
        0x8800 => "eigrp-general-route (flag, tag)",
        0x8801 => "eigrp-route-metric (AS, delay)",
        0x8802 => "eigrp-route-metric (reliability, nexthop, bandwidth)",
        0x8803 => "eigrp-route-metric (load, MTU)",
        0x8804 => "eigrp-external-route (remote-AS, remote-ID)",
        0x8805 => "eigrp-external-route (remote-proto, remote-metric)",
        0x0009 => "source-AS",
        0x010b => "vrf-route-import",
        0x000a | 0xf10a => "l2vpn-id",
        _ => return None,
    })
}

/// RFC 5512's tunnel types.
fn tunnel_encapsulation_name(tunnel_type: u16) -> Option<&'static str> {
    const NAMES: [&str; 17] = [
        "L2TPv3 over IP",
        "GRE",
        "Transmit Tunnel",
        "IPsec",
        "IP in IP with IPsec",
        "MPLS in IP with IPsec",
        "IP in IP",
        "VXLAN",
        "NVGRE",
        "MPLS",
        "MPLS in GRE",
        "VXLAN GPE",
        "MPLS in UDP",
        "IPv6",
        "SR TE",
        "Bare",
        "SR",
    ];
    NAMES.get(usize::from(tunnel_type).checked_sub(1)?).copied()
}

/// RFC 6624's layer 2 encapsulation types.
fn layer2_encapsulation_name(encapsulation: u8) -> Option<&'static str> {
    Some(match encapsulation {
        0 => "Reserved",
        1 => "Frame Relay",
        2 => "ATM AAL5 SDU VCC transport",
        3 => "ATM transparent cell transport",
        4 => "Ethernet (VLAN) Tagged Mode",
        5 => "Ethernet Raw Mode",
        6 => "Cisco HDLC",
        7 => "PPP",
        8 => "SONET/SDH Circuit Emulation Service over MPLS",
        9 => "ATM n-to-one VCC cell transport",
        10 => "ATM n-to-one VPC cell transport",
        11 => "IP layer 2 transport",
        15 => "Frame Relay Port mode",
        17 => "Structure-agnostic E1 over packet",
        18 => "Structure-agnostic T1 (DS1) over packet",
        19 => "VPLS",
        20 => "Structure-agnostic T3 (DS3) over packet",
        21 => "Nx64kbit/s Basic Service using Structure-aware",
        25 => "Frame Relay DLCI",
        40 => "Structure-agnostic E3 over packet",
        41 => "Octet-aligned playload for Structure-agnostic DS1 circuits",
        42 => "E1 Nx64kbit/s with CAS using Structure-aware",
        43 => "DS1 (ESF) Nx64kbit/s with CAS using Structure-aware",
        44 => "DS1 (SF) Nx64kbit/s with CAS using Structure-aware",
        _ => return None,
    })
}

fn pmsi_tunnel_name(tunnel_type: u8) -> Option<&'static str> {
    Some(match tunnel_type {
        PMSI_RSVP_TE_P2MP => "RSVP-TE P2MP LSP",
        PMSI_LDP_P2MP => "LDP P2MP LSP",
        PMSI_PIM_SSM => "PIM-SSM Tree",
        PMSI_PIM_SM => "PIM-SM Tree",
        PMSI_PIM_BIDIR => "PIM-Bidir Tree",
        PMSI_INGRESS_REPLICATION => "Ingress Replication",
        PMSI_LDP_MP2MP => "LDP MP2MP LSP",
        _ => return None,
    })
}

fn multicast_vpn_route_name(route_type: u8) -> Option<&'static str> {
    Some(match route_type {
        MVPN_INTRA_AS_I_PMSI => "Intra-AS I-PMSI",
        MVPN_INTER_AS_I_PMSI => "Inter-AS I-PMSI",
        MVPN_S_PMSI => "S-PMSI",
        4 => "Intra-AS Segment-Leaf",
        MVPN_SOURCE_ACTIVE => "Source-Active",
        MVPN_SHARED_TREE_JOIN => "Shared Tree Join",
        MVPN_SOURCE_TREE_JOIN => "Source Tree Join",
        _ => return None,
    })
}
