//! LLDP (tcpdump's print-lldp.c), EtherType 0x88cc: `LLDP, length 99: switch1.example.com`; at -v each TLV on a
//! line of its own with what tcpdump decodes of it, at -vv each TLV's bytes in hex too.

use super::{
    Line,
    address::{self, LinkAddress},
    captured::{Captured, Printed, Truncated},
    hexdump, oui,
};

pub(super) const ETHERTYPE: u16 = 0x88cc;
const TLV_HEADER_LEN: usize = 2;

const TLV_CHASSIS_ID: u8 = 1;
const TLV_PORT_ID: u8 = 2;
const TLV_TIME_TO_LIVE: u8 = 3;
const TLV_PORT_DESCRIPTION: u8 = 4;
const TLV_SYSTEM_NAME: u8 = 5;
const TLV_SYSTEM_DESCRIPTION: u8 = 6;
const TLV_SYSTEM_CAPABILITIES: u8 = 7;
const TLV_MANAGEMENT_ADDRESS: u8 = 8;
const TLV_ORGANIZATION_SPECIFIC: u8 = 127;

const OUI_LEN: usize = 3;
const OUI_IEEE_8021: u32 = 0x0080c2;
const OUI_IEEE_8023: u32 = 0x00120f;
const OUI_IANA: u32 = 0x00005e;
const OUI_TIA: u32 = 0x0012bb;
const OUI_DCBX: u32 = 0x001b21;
const IANA_MUD_URL: u8 = 1;

const CHASSIS_MAC_ADDRESS: u8 = 4;
const CHASSIS_NETWORK_ADDRESS: u8 = 5;
const PORT_MAC_ADDRESS: u8 = 3;
const PORT_NETWORK_ADDRESS: u8 = 4;

const FAMILY_IPV4: u8 = 1;
const FAMILY_IPV6: u8 = 2;
const FAMILY_802: u8 = 6;
/// A management address TLV's interface numbering: subtype and number.
const INTERFACE_NUMBERING_LEN: usize = 5;

const CAPABILITIES: [(u16, &str); 8] = [
    (0x01, "Other"),
    (0x02, "Repeater"),
    (0x04, "Bridge"),
    (0x08, "WLAN AP"),
    (0x10, "Router"),
    (0x20, "Telephone"),
    (0x40, "Docsis"),
    (0x80, "Station Only"),
];

/// Prints an LLDP data unit `length` bytes long, of which `bytes` were captured.
pub(super) fn print(line: &mut Line, verbosity: u8, bytes: &[u8], length: u32) -> Printed {
    let lldp = Captured::new(bytes, "lldp");
    line.put(format_args!("LLDP, length {length}"));
    let end = length as usize;
    let mut offset = 0;
    while offset + TLV_HEADER_LEN <= end {
        lldp.check(offset, TLV_HEADER_LEN)?;
        let header = lldp.be16(offset)?;
        let (tlv_type, tlv_len) = ((header >> 9) as u8, usize::from(header & 0x01ff));
        offset += TLV_HEADER_LEN;
        if verbosity > 0 {
            line.put(format_args!("\n\t{} TLV ({tlv_type}), length {tlv_len}", TlvName(tlv_type)));
        }
        // The end TLV, or one that would make no progress.
        if tlv_type == 0 || tlv_len == 0 {
            break;
        }
        lldp.check(offset, tlv_len)?;
        if end - offset < tlv_len {
            return Err(lldp.truncated());
        }
        let value = lldp.next_layer(offset, "lldp").limit(tlv_len);
        let hexdump = if verbosity > 0 {
            print_tlv(line, verbosity, tlv_type, value)?
        } else {
            if tlv_type == TLV_SYSTEM_NAME {
                line.push(": ");
                line.put_escaped(value.bytes());
            }
            false
        };
        if verbosity > 1 || (verbosity > 0 && hexdump) {
            hexdump::hex_indented(line, "\n\t  ", value.bytes());
        }
        offset += tlv_len;
    }
    Ok(())
}

/// What tcpdump decodes of a TLV's value at -v; returns whether it dumps the value in hex instead.
fn print_tlv(line: &mut Line, verbosity: u8, tlv_type: u8, value: Captured) -> Result<bool, Truncated> {
    let len = value.len();
    match tlv_type {
        TLV_CHASSIS_ID | TLV_PORT_ID => {
            if len < 2 {
                return Err(value.truncated());
            }
            let subtype = value.u8(0)?;
            let is_chassis = tlv_type == TLV_CHASSIS_ID;
            let name = if is_chassis { chassis_subtype_name(subtype) } else { port_subtype_name(subtype) };
            line.put(format_args!("\n\t  Subtype {} ({subtype}): ", name.unwrap_or("Unknown")));
            let (mac, network) = if is_chassis {
                (CHASSIS_MAC_ADDRESS, CHASSIS_NETWORK_ADDRESS)
            } else {
                (PORT_MAC_ADDRESS, PORT_NETWORK_ADDRESS)
            };
            match subtype {
                _ if subtype == mac => {
                    if len < 7 {
                        return Err(value.truncated());
                    }
                    line.put(format_args!("{}", LinkAddress(value.slice(1, 6)?)));
                }
                _ if subtype == network => print_network_address(line, value.next_layer(1, "lldp"))?,
                _ if name.is_some() => line.put_escaped(value.rest(1)),
                _ => return Ok(true),
            }
        }
        TLV_TIME_TO_LIVE => {
            if len < 2 {
                return Err(value.truncated());
            }
            line.put(format_args!(": TTL {}s", value.be16(0)?));
        }
        TLV_PORT_DESCRIPTION | TLV_SYSTEM_NAME => {
            line.push(": ");
            line.put_escaped(value.bytes());
        }
        TLV_SYSTEM_DESCRIPTION => {
            line.push("\n\t  ");
            line.put_escaped(value.bytes());
        }
        TLV_SYSTEM_CAPABILITIES => {
            if len < 4 {
                return Err(value.truncated());
            }
            let (capabilities, enabled) = (value.be16(0)?, value.be16(2)?);
            line.push("\n\t  System  Capabilities [");
            line.put_flag_names(capabilities, &CAPABILITIES);
            line.put(format_args!("] (0x{capabilities:04x})\n\t  Enabled Capabilities ["));
            line.put_flag_names(enabled, &CAPABILITIES);
            line.put(format_args!("] (0x{enabled:04x})"));
        }
        TLV_MANAGEMENT_ADDRESS => print_management_address(line, value)?,
        TLV_ORGANIZATION_SPECIFIC => return print_organization_specific(line, verbosity, value),
        _ => return Ok(true),
    }
    Ok(false)
}

/// An organisation's TLV: its OUI, a subtype and what tcpdump decodes of IEEE 802.1's, 802.3's, IANA's and
/// TIA's (LLDP-MED) and DCBX's; returns whether tcpdump dumps the value in hex.
fn print_organization_specific(line: &mut Line, verbosity: u8, value: Captured) -> Result<bool, Truncated> {
    if value.len() < OUI_LEN {
        return Err(value.truncated());
    }
    let oui = u32::from_be_bytes([0, value.u8(0)?, value.u8(1)?, value.u8(2)?]);
    line.put(format_args!(": OUI {} (0x{oui:06x})", oui::name(oui).unwrap_or("Unknown")));
    match oui {
        OUI_IEEE_8021 => print_ieee_8021(line, value),
        OUI_IEEE_8023 => print_ieee_8023(line, value),
        OUI_IANA => print_iana(line, value),
        OUI_TIA => print_tia(line, value),
        OUI_DCBX => print_dcbx(line, verbosity, value),
        _ => Ok(true),
    }
}

/// The subtype that follows the OUI, named; `None` when the value is shorter than `min_len`, which tcpdump
/// passes over in silence.
fn put_subtype(line: &mut Line, value: Captured, min_len: usize, name: fn(u8) -> Option<&'static str>) -> Option<u8> {
    if value.len() < min_len {
        return None;
    }
    let subtype = value.u8(OUI_LEN).ok()?;
    line.put(format_args!("\n\t  {} Subtype ({subtype})", name(subtype).unwrap_or("unknown")));
    Some(subtype)
}

/// IEEE 802.1's TLVs (802.1AB annex E and the data center bridging ones); returns whether tcpdump dumps the
/// value in hex.
fn print_ieee_8021(line: &mut Line, value: Captured) -> Result<bool, Truncated> {
    let Some(subtype) = put_subtype(line, value, OUI_LEN + 1, ieee_8021_subtype_name) else {
        return Ok(false);
    };
    let len = value.len();
    match subtype {
        1 if len >= 6 => line.put(format_args!("\n\t    port vlan id (PVID): {}", value.be16(4)?)),
        2 if len >= 7 => {
            let flags = value.u8(4)?;
            line.put(format_args!("\n\t    port and protocol vlan id (PPVID): {}, flags [", value.be16(5)?));
            line.put_flag_names(flags.into(), &[(0x02, "supported"), (0x04, "enabled")]);
            line.put(format_args!("] (0x{flags:02x})"));
        }
        3 if len >= 6 => {
            line.put(format_args!("\n\t    vlan id (VID): {}", value.be16(4)?));
            let name = len.checked_sub(7).and_then(|rest| Some(usize::from(value.u8(6).ok()?)).filter(|&n| n <= rest));
            if let Some(name_len) = name {
                line.push("\n\t    vlan name: ");
                put_string(line, value.slice(7, name_len)?);
            }
        }
        4 if len >= 5 => {
            let identity_len = usize::from(value.u8(4)?);
            if len - 5 >= identity_len {
                line.push("\n\t    protocol identity: ");
                put_string(line, value.slice(5, identity_len)?);
            }
        }
        7 if len >= 9 => put_link_aggregation(line, value)?,
        8 if len >= 6 => {
            put_priority_bits(line, "\n\t    Pre-Priority CNPV Indicator", value.u8(4)?);
            put_priority_bits(line, "\n\t    Pre-Priority Ready Indicator", value.u8(5)?);
        }
        9 | 10 if len >= 25 => {
            let flags = value.u8(4)?;
            if subtype == 9 {
                // tcpdump masks the CBS bit with 0x02 after the shift, so it prints 0 or 2.
                let (willing, cbs, reserved, max_tcs) =
                    (flags >> 7, (flags >> 6) & 0x02, (flags >> 3) & 0x07, flags & 0x07);
                line.put(format_args!("\n\t    Willing:{willing}, CBS:{cbs}, RES:{reserved}, Max TCs:{max_tcs}"));
            } else {
                line.put(format_args!("\n\t    RES: {flags}"));
            }
            let priorities = value.array::<4>(5)?;
            let nibbles: [u8; 8] = std::array::from_fn(|i| {
                let byte = priorities[i / 2];
                if i % 2 == 0 { byte >> 4 } else { byte & 0x0f }
            });
            put_table(line, "Priority Assignment Table\n\t     Priority : ", "\n\t     Value    : ", nibbles);
            put_table(line, "TC Bandwidth Table\n\t     TC%   : ", "\n\t     Value : ", value.array(9)?);
            put_table(
                line,
                "TSA Assignment Table\n\t     Traffic Class: ",
                "\n\t     Value        : ",
                value.array(17)?,
            );
        }
        11 if len >= 6 => {
            let flags = value.u8(4)?;
            let (willing, mbc, reserved, capability) =
                (flags >> 7, (flags >> 6) & 0x01, (flags >> 4) & 0x03, flags & 0x0f);
            line.put(format_args!("\n\t    Willing: {willing}, MBC: {mbc}, RES: {reserved}, PFC cap:{capability} "));
            put_priority_bits(line, "\n\t    PFC Enable", value.u8(5)?);
        }
        12 if len >= 5 => {
            line.put(format_args!("\n\t    RES: {}", value.u8(4)?));
            let table_len = len - 5;
            if table_len > 0 && table_len.is_multiple_of(3) {
                line.push("\n\t    Application Priority Table");
                for entry in (5..len).step_by(3) {
                    let flags = value.u8(entry)?;
                    let (priority, reserved, selector) = (flags >> 5, (flags >> 3) & 0x03, flags & 0x07);
                    let protocol = value.be16(entry + 1)?;
                    line.put(format_args!(
                        "\n\t      Priority: {priority}, RES: {reserved}, Sel: {selector}, Protocol ID: {protocol}"
                    ));
                }
            }
        }
        13 if len >= 9 => {
            let [bridge, station, retries, mode, keep_alive] = value.array::<5>(4)?;
            line.put(format_args!(
                "\n\t    EVB Bridge Status\n\t      RES: {}, BGID: {}, RRCAP: {}, RRCTR: {}",
                bridge >> 3,
                (bridge >> 2) & 0x01,
                (bridge >> 1) & 0x01,
                bridge & 0x01
            ));
            line.put(format_args!(
                "\n\t    EVB Station Status\n\t      RES: {}, SGID: {}, RRREQ: {},RRSTAT: {}",
                station >> 4,
                (station >> 3) & 0x01,
                (station >> 2) & 0x01,
                station & 0x03
            ));
            let evb_mode = ["Not Supported", "EVB Bridge", "EVB Station", "Reserved for future Standardization"];
            line.put(format_args!(
                "\n\t    R: {}, RTE: {}, EVB Mode: {} [{}]\n\t    ROL: {}, RWD: {}, RES: {}, ROL: {}, RKA: {}",
                retries >> 5,
                retries & 0x1f,
                evb_mode[usize::from(mode >> 6)],
                mode >> 6,
                (mode >> 5) & 0x01,
                mode & 0x1f,
                keep_alive >> 6,
                (keep_alive >> 5) & 0x01,
                keep_alive & 0x1f
            ));
        }
        14 if len >= 8 => {
            let flags = value.u8(4)?;
            line.put(format_args!(
                "\n\t    Role: {}, RES: {}, Scomp: {} ChnCap: {}",
                flags >> 7,
                (flags >> 4) & 0x07,
                (flags >> 3) & 0x01,
                value.be16(6)? & 0x0fff
            ));
            if (len - 8).is_multiple_of(3) {
                for entry in (8..len).step_by(3) {
                    let [high, middle, low] = value.array::<3>(entry)?;
                    let channel = u32::from_be_bytes([0, high, middle, low]);
                    line.put(format_args!("\n\t    SCID: {}, SVID: {}", channel >> 12, channel & 0x0fff));
                }
            }
        }
        1..=4 | 7..=14 => {}
        _ => return Ok(true),
    }
    Ok(false)
}

/// IEEE 802.3's TLVs (802.3 annex 79); returns whether tcpdump dumps the value in hex.
fn print_ieee_8023(line: &mut Line, value: Captured) -> Result<bool, Truncated> {
    let Some(subtype) = put_subtype(line, value, OUI_LEN + 1, ieee_8023_subtype_name) else {
        return Ok(false);
    };
    let len = value.len();
    match subtype {
        1 if len >= 9 => {
            let autonegotiation = value.u8(4)?;
            line.push("\n\t    autonegotiation [");
            line.put_flag_names(autonegotiation.into(), &[(0x01, "supported"), (0x02, "enabled")]);
            let capabilities = value.be16(5)?;
            line.put(format_args!("] (0x{autonegotiation:02x})\n\t    PMD autoneg capability ["));
            line.put_flag_names_joined(capabilities, &PMD_CAPABILITIES, ", ", "unknown");
            let mau_type = value.be16(7)?;
            let mau_name = MAU_TYPES.get(usize::from(mau_type)).unwrap_or(&"unknown");
            line.put(format_args!("] (0x{capabilities:04x})\n\t    MAU type {mau_name} (0x{mau_type:04x})"));
        }
        2 if len >= 7 => {
            let [support, pairs, class] = value.array::<3>(4)?;
            line.push("\n\t    MDI power support [");
            let support_names = [(0x01, "PSE"), (0x02, "supported"), (0x04, "enabled"), (0x08, "can be controlled")];
            line.put_flag_names(support.into(), &support_names);
            let pairs_name = match pairs {
                1 => "signal",
                2 => "spare",
                _ => "unknown",
            };
            let class_name = ["class0", "class1", "class2", "class3", "class4"].get(usize::from(class).wrapping_sub(1));
            line.put(format_args!("], power pair {pairs_name}, power class {}", class_name.unwrap_or(&"unknown")));
        }
        3 if len >= 9 => put_link_aggregation(line, value)?,
        4 if len >= 6 => line.put(format_args!("\n\t    MTU size {}", value.be16(4)?)),
        1..=4 => {}
        _ => return Ok(true),
    }
    Ok(false)
}

/// IANA's TLV: the URL of a manufacturer usage description (RFC 8520).
fn print_iana(line: &mut Line, value: Captured) -> Result<bool, Truncated> {
    let name = |subtype| (subtype == IANA_MUD_URL).then_some("MUD-URL");
    match put_subtype(line, value, 8, name) {
        Some(IANA_MUD_URL) => {
            line.push("\n\t  MUD-URL=");
            line.put_escaped(value.rest(OUI_LEN + 1));
            Ok(false)
        }
        Some(_) => Ok(true),
        None => Ok(false),
    }
}

/// TIA's LLDP-MED TLVs (ANSI/TIA-1057); returns whether tcpdump dumps the value in hex.
fn print_tia(line: &mut Line, value: Captured) -> Result<bool, Truncated> {
    let Some(subtype) = put_subtype(line, value, OUI_LEN + 1, tia_subtype_name) else {
        return Ok(false);
    };
    let len = value.len();
    match subtype {
        1 if len >= 7 => {
            let capabilities = value.be16(4)?;
            line.push("\n\t    Media capabilities [");
            line.put_flag_names(capabilities, &MED_CAPABILITIES);
            let device_type = value.u8(6)?;
            let device_name = ["endpoint class 1", "endpoint class 2", "endpoint class 3", "network connectivity"]
                .get(usize::from(device_type).wrapping_sub(1));
            line.put(format_args!(
                "] (0x{capabilities:04x})\n\t    Device type [{}] (0x{device_type:02x})",
                device_name.unwrap_or(&"unknown")
            ));
        }
        2 if len >= 8 => {
            let application = value.u8(4)?;
            let application_name = APPLICATION_TYPES.get(usize::from(application).wrapping_sub(1));
            line.put(format_args!(
                "\n\t    Application type [{}] (0x{application:02x}), Flags [",
                application_name.unwrap_or(&"none")
            ));
            line.put_flag_names(value.u8(5)?.into(), &[(0x80, "Unknown"), (0x40, "Tagged"), (0x20, "reserved")]);
            let (vlan, priority) = (value.be16(5)?, value.be16(6)?);
            line.put(format_args!(
                "]\n\t    Vlan id {}, L2 priority {}, DSCP value {}",
                (vlan & 0x1ffe) >> 1,
                (priority & 0x01ff) >> 6,
                priority & 0x003f
            ));
        }
        3 if len >= 5 => print_tia_location(line, value)?,
        4 if len >= 7 => {
            let power = value.u8(4)?;
            // tcpdump tests `power & 0xC0 >> 6`, which C reads as `power & 3`.
            let power_type = if power & 0x03 != 0 { "PD device" } else { "PSE device" };
            let source = ["PSE - primary power source", "local - backup power source", "PSE+local - reserved"]
                .get(usize::from((power & 0x30) >> 4).wrapping_sub(1));
            let priority = power & 0x0f;
            let priority_name = ["critical", "high", "low"].get(usize::from(priority).wrapping_sub(1));
            line.put(format_args!(
                "\n\t    Power type [{power_type}], Power source [{}]\n\t    Power priority [{}] (0x{priority:02x})",
                source.unwrap_or(&"none"),
                priority_name.unwrap_or(&"none")
            ));
            let watts = value.be16(5)?;
            if watts < 1024 {
                line.put(format_args!(", Power {}.{} Watts", watts / 10, watts % 10));
            } else {
                line.put(format_args!(", Power {watts} (Reserved)"));
            }
        }
        5..=11 => {
            let inventory = ["Hardware revision", "Firmware revision", "Software revision", "Serial number"]
                .into_iter()
                .chain(["Manufacturer name", "Model name", "Asset ID"])
                .nth(usize::from(subtype - 5))
                .unwrap_or_default();
            line.put(format_args!("\n\t  {inventory} "));
            put_string(line, value.rest(4));
        }
        1..=4 => {}
        _ => return Ok(true),
    }
    Ok(false)
}

/// An LLDP-MED location: coordinates, a civic address or an emergency call's ELIN.
fn print_tia_location(line: &mut Line, value: Captured) -> Printed {
    let len = value.len();
    let format = value.u8(4)?;
    let format_name =
        ["coordinate-based LCI", "civic address LCI", "ECS ELIN"].get(usize::from(format).wrapping_sub(1));
    line.put(format_args!("\n\t    Location data format {} (0x{format:02x})", format_name.unwrap_or(&"unknown")));
    match format {
        1 if len >= 21 => {
            let coordinate = |offset| -> Result<(u8, u64), Truncated> {
                let first = value.u8(offset)?;
                Ok((first >> 2, u64::from(first & 0x03) << 32 | u64::from(value.be32(offset + 1)?)))
            };
            let (latitude_resolution, latitude) = coordinate(5)?;
            let (longitude_resolution, longitude) = coordinate(10)?;
            let altitude_type = value.u8(15)? >> 4;
            let altitude_name = ["meters", "floors"].get(usize::from(altitude_type).wrapping_sub(1));
            let datum = value.u8(20)?;
            let datum_name = ["World Geodesic System 1984", "North American Datum 1983 (NAVD88)"]
                .into_iter()
                .chain(["North American Datum 1983 (MLLW)"])
                .nth(usize::from(datum).wrapping_sub(1));
            line.put(format_args!(
                "\n\t    Latitude resolution {latitude_resolution}, latitude value {latitude}\
                 \n\t    Longitude resolution {longitude_resolution}, longitude value {longitude}\
                 \n\t    Altitude type {} ({altitude_type})\
                 \n\t    Altitude resolution {}, altitude value 0x{:x}\
                 \n\t    Datum {} (0x{datum:02x})",
                altitude_name.unwrap_or(&"unknown"),
                (value.be16(15)? >> 6) & 0x3f,
                value.be32(16)? & 0x3fff_ffff,
                datum_name.unwrap_or("unknown"),
            ));
        }
        2 if len >= 6 => {
            let lci_len = usize::from(value.u8(5)?);
            if lci_len < 3 || len < 7 + lci_len {
                return Ok(());
            }
            let what = value.u8(6)?;
            let what_name = match what {
                0 => "location of DHCP server",
                1 => "location of the network element believed to be closest to the client",
                2 => "location of the client",
                _ => "unknown",
            };
            line.put(format_args!("\n\t    LCI length {lci_len}, LCI what {what_name} (0x{what:02x}), Country-code "));
            put_string(line, value.slice(7, 2)?);
            // The LCI length counts the "what" byte and the country code before the elements.
            let (mut offset, end) = (9, 6 + lci_len);
            while offset < end && end - offset >= 2 {
                let (element_type, element_len) = (value.u8(offset)?, usize::from(value.u8(offset + 1)?));
                offset += 2;
                let type_name = CIVIC_ADDRESS_TYPES.get(usize::from(element_type).wrapping_sub(1));
                line.put(format_args!(
                    "\n\t      CA type '{}' ({element_type}), length {element_len}: ",
                    type_name.unwrap_or(&"unknown")
                ));
                if element_type == 0 || element_len == 0 || end - offset < element_len {
                    break;
                }
                put_string(line, value.slice(offset, element_len)?);
                offset += element_len;
            }
        }
        3 => {
            line.push("\n\t    ECS ELIN id ");
            put_string(line, value.rest(5));
        }
        1 | 2 => {}
        _ => {
            line.push("\n\t    Location ID ");
            hexdump::hex_indented(line, "\n\t      ", value.rest(5));
        }
    }
    Ok(())
}

/// DCBX's TLVs (the data center bridging exchange before 802.1Qaz): TLVs of their own inside, each dumped in
/// hex at -vv; returns whether tcpdump dumps the whole value in hex, as it does the first revision's and when
/// the last feature is one it does not know.
fn print_dcbx(line: &mut Line, verbosity: u8, value: Captured) -> Result<bool, Truncated> {
    let name = |subtype| match subtype {
        1 => Some("DCB Capability Exchange Protocol Rev 1"),
        2 => Some("DCB Capability Exchange Protocol Rev 1.01"),
        _ => None,
    };
    match put_subtype(line, value, OUI_LEN + 1, name) {
        None => return Ok(false),
        Some(1) => return Ok(true),
        Some(_) => {}
    }
    let (len, mut offset, mut hexdump) = (value.len(), OUI_LEN + 1, false);
    while len - offset >= TLV_HEADER_LEN {
        let header = value.be16(offset)?;
        let (tlv_type, tlv_len) = (header >> 9, usize::from(header & 0x01ff));
        offset += TLV_HEADER_LEN;
        hexdump = false;
        let minimum_len = match tlv_type {
            1 => 10,
            2 => 17,
            3 => 6,
            4 => 4,
            _ => 0,
        };
        // tcpdump stops at an end TLV and at one too short for its fields, printing nothing of it.
        if tlv_type == 0 || tlv_len == 0 || len - offset < tlv_len || tlv_len < minimum_len {
            break;
        }
        let feature = value.next_layer(offset, "lldp").limit(tlv_len);
        match tlv_type {
            1 => line.put(format_args!(
                "\n\t    Control - Protocol Control (type 0x1, length {tlv_len})\n\t      Oper_Version: {}\
                 \n\t      Max_Version: {}\n\t      Sequence Number: {}\n\t      Acknowledgement Number: {}",
                feature.u8(0)?,
                feature.u8(1)?,
                feature.be32(2)?,
                feature.be32(6)?
            )),
            2 => {
                line.put(format_args!("\n\t    Feature - Priority Group (type 0x2, length {tlv_len})"));
                put_dcbx_feature_header(line, feature)?;
                line.push("\n\t      Priority Allocation");
                let groups = feature.be32(4)?;
                for priority in 0..8 {
                    line.put(format_args!("\n\t          PgId_{priority}: {}", (groups >> (28 - 4 * priority)) & 0x0f));
                }
                line.push("\n\t      Priority Group Allocation");
                for group in 0..8 {
                    line.put(format_args!("\n\t          Pg percentage[{group}]: {}", feature.u8(8 + group)?));
                }
                line.put(format_args!("\n\t      NumTCsSupported: {}", feature.u8(16)?));
            }
            3 => {
                line.put(format_args!("\n\t    Feature - Priority Flow Control (type 0x3, length {tlv_len})"));
                put_dcbx_feature_header(line, feature)?;
                let enabled = feature.u8(4)?;
                line.put(format_args!("\n\t      PFC Config (0x{enabled:02X})"));
                for priority in 0..8 {
                    let state = if enabled & (1 << priority) != 0 { "Enabled" } else { "Disabled" };
                    line.put(format_args!("\n\t          Priority Bit {priority}: {state}"));
                }
                line.put(format_args!("\n\t      NumTCPFCSupported: {}", feature.u8(5)?));
            }
            4 => {
                line.put(format_args!("\n\t    Feature - Application (type 0x4, length {tlv_len})"));
                put_dcbx_feature_header(line, feature)?;
                for application in (4..tlv_len).step_by(6).take_while(|start| tlv_len - start >= 6) {
                    let [high, middle, low] = feature.array::<3>(application + 2)?;
                    let selector_and_oui = u32::from_be_bytes([0, high, middle, low]);
                    let selector = selector_and_oui >> 22;
                    let kind = if selector != 0 { "Socket Number" } else { "L2 EtherType" };
                    line.put(format_args!(
                        "\n\t      Application Value\n\t          Application Protocol ID: 0x{:04x}\
                         \n\t          SF (0x{selector:x}) Application Protocol ID is {kind}\
                         \n\t          OUI: 0x{:06x}\n\t          User Priority Map: 0x{:02x}",
                        feature.be16(application)?,
                        selector_and_oui & 0x3f_ffff,
                        feature.u8(application + 5)?
                    ));
                }
            }
            _ => hexdump = true,
        }
        if verbosity > 1 || hexdump {
            hexdump::hex_indented(line, "\n\t    ", feature.bytes());
        }
        offset += tlv_len;
    }
    Ok(hexdump)
}

/// The versions, the enable, willing and error bits and the subtype that begin each DCBX feature.
fn put_dcbx_feature_header(line: &mut Line, feature: Captured) -> Printed {
    let [oper_version, max_version, info, subtype] = feature.array::<4>(0)?;
    line.put(format_args!(
        "\n\t      Oper_Version: {oper_version}\n\t      Max_Version: {max_version}\n\t      Info block(0x{info:02X}): \
         Enable bit: {}, Willing bit: {}, Error Bit: {}\n\t      SubType: {subtype}",
        info >> 7,
        (info >> 6) & 1,
        (info >> 5) & 1
    ));
    Ok(())
}

/// `supported`/`enabled` and the port ID of a link aggregation, in 802.1's and 802.3's TLVs alike.
fn put_link_aggregation(line: &mut Line, value: Captured) -> Printed {
    let status = value.u8(4)?;
    line.push("\n\t    aggregation status [");
    line.put_flag_names(status.into(), &[(0x01, "supported"), (0x02, "enabled")]);
    line.put(format_args!("], aggregation port ID {}", value.be32(5)?));
    Ok(())
}

/// One 0 or 1 under each of the eight priorities, from bit 0 up.
fn put_priority_bits(line: &mut Line, title: &str, bits: u8) {
    line.push(title);
    line.push("\n\t     Priority : 0  1  2  3  4  5  6  7\n\t     Value    : ");
    for bit in 0..8 {
        line.put(format_args!("{:<2} ", (bits >> bit) & 1));
    }
}

/// A table of eight columns numbered 0 to 7 under `header`, `values` under them after `values_label`.
fn put_table(line: &mut Line, header: &str, values_label: &str, values: [u8; 8]) {
    line.push("\n\t    ");
    line.push(header);
    line.push("0   1   2   3   4   5   6   7");
    line.push(values_label);
    for (column, value) in values.iter().enumerate() {
        let separator = if column == 0 { "" } else { " " };
        line.put(format_args!("{separator}{value:<3}"));
    }
}

/// A string up to its first NUL, escaped (tcpdump's `nd_printjnp`).
fn put_string(line: &mut Line, text: &[u8]) {
    line.put_escaped(text.split(|&byte| byte == 0).next().unwrap_or_default());
}

/// `AFI IPv4 (1): 10.0.0.1` from an address family number and an address.
fn print_network_address(line: &mut Line, address: Captured) -> Printed {
    let family = address.u8(0).map_err(|_| address.truncated())?;
    let available = address.len() - 1;
    let name = address::family_name(family.into()).unwrap_or("Unknown");
    let printed = match family {
        FAMILY_IPV4 if available >= 4 => address.ipv4(1)?.to_string(),
        FAMILY_IPV6 if available >= 16 => address.ipv6(1)?.to_string(),
        FAMILY_802 if available >= 6 => LinkAddress(address.slice(1, 6)?).to_string(),
        FAMILY_IPV4 | FAMILY_IPV6 | FAMILY_802 => return Err(address.truncated()),
        _ => {
            line.put(format_args!("AFI {name} ({family}), no AF printer !"));
            return Ok(());
        }
    };
    line.put(format_args!("AFI {name} ({family}): {printed}"));
    Ok(())
}

/// The management address, the interface it belongs to and an OID.
fn print_management_address(line: &mut Line, value: Captured) -> Printed {
    let address_len = usize::from(value.u8(0).map_err(|_| value.truncated())?);
    if value.len() - 1 < address_len {
        return Err(value.truncated());
    }
    let address = value.next_layer(1, "lldp").limit(address_len);
    let start = line.len();
    line.put(format_args!("\n\t  Management Address length {address_len}, "));
    if let Err(truncated) = print_network_address(line, address) {
        // tcpdump composes the address before printing the line.
        line.truncate(start);
        return Err(truncated);
    }
    let numbering = 1 + address_len;
    if value.len() - numbering < INTERFACE_NUMBERING_LEN {
        return Err(value.truncated());
    }
    let subtype = value.u8(numbering)?;
    let subtype_name = match subtype {
        1 => "Unknown",
        2 => "Interface Index",
        3 => "System Port Number",
        _ => "Unknown",
    };
    line.put(format_args!("\n\t  {subtype_name} Interface Numbering ({subtype}): {}", value.be32(numbering + 1)?));
    let oid = numbering + INTERFACE_NUMBERING_LEN;
    if value.len() > oid {
        let oid_len = usize::from(value.u8(oid)?);
        if value.len() - oid < 1 + oid_len {
            return Err(value.truncated());
        }
        if oid_len > 0 {
            line.put(format_args!("\n\t  OID length {oid_len}"));
            line.put_escaped(value.slice(oid + 1, oid_len)?);
        }
    }
    Ok(())
}

fn chassis_subtype_name(subtype: u8) -> Option<&'static str> {
    Some(match subtype {
        1 => "Chassis component",
        2 => "Interface alias",
        3 => "Port component",
        CHASSIS_MAC_ADDRESS => "MAC address",
        CHASSIS_NETWORK_ADDRESS => "Network address",
        6 => "Interface name",
        7 => "Local",
        _ => return None,
    })
}

fn port_subtype_name(subtype: u8) -> Option<&'static str> {
    Some(match subtype {
        1 => "Interface alias",
        2 => "Port component",
        PORT_MAC_ADDRESS => "MAC address",
        PORT_NETWORK_ADDRESS => "Network Address",
        5 => "Interface Name",
        6 => "Agent circuit ID",
        7 => "Local",
        _ => return None,
    })
}

fn ieee_8021_subtype_name(subtype: u8) -> Option<&'static str> {
    const NAMES: [&str; 14] = [
        "Port VLAN Id",
        "Port and Protocol VLAN ID",
        "VLAN name",
        "Protocol Identity",
        "",
        "",
        "Link aggregation",
        "Congestion Notification",
        "ETS Configuration",
        "ETS Recommendation",
        "Priority Flow Control Configuration",
        "Application Priority",
        "EVB",
        "CDCP",
    ];
    NAMES.get(usize::from(subtype).wrapping_sub(1)).copied().filter(|name| !name.is_empty())
}

fn ieee_8023_subtype_name(subtype: u8) -> Option<&'static str> {
    const NAMES: [&str; 4] = ["MAC/PHY configuration/status", "Power via MDI", "Link aggregation", "Max frame size"];
    NAMES.get(usize::from(subtype).wrapping_sub(1)).copied()
}

fn tia_subtype_name(subtype: u8) -> Option<&'static str> {
    Some(match subtype {
        1 => "LLDP-MED Capabilities",
        2 => "Network policy",
        3 => "Location identification",
        4 => "Extended power-via-MDI",
        5 => "Inventory - hardware revision",
        6 => "Inventory - firmware revision",
        7 => "Inventory - software revision",
        8 => "Inventory - serial number",
        9 => "Inventory - manufacturer name",
        10 => "Inventory - model name",
        11 => "Inventory - asset ID",
        _ => return None,
    })
}

const MED_CAPABILITIES: [(u16, &str); 6] = [
    (0x01, "LLDP-MED capabilities"),
    (0x02, "network policy"),
    (0x04, "location identification"),
    (0x08, "extended power via MDI-PSE"),
    (0x10, "extended power via MDI-PD"),
    (0x20, "Inventory"),
];

const APPLICATION_TYPES: [&str; 8] = [
    "voice",
    "voice signaling",
    "guest voice",
    "guest voice signaling",
    "softphone voice",
    "video conferencing",
    "streaming video",
    "video signaling",
];

/// ANSI/TIA-1057 annex B's civic address elements tcpdump names.
const CIVIC_ADDRESS_TYPES: [&str; 6] = [
    "national subdivisions (state,canton,region,province,prefecture)",
    "county, parish, gun, district",
    "city, township, shi",
    "city division, borough, city district, ward chou",
    "neighborhood, block",
    "street",
];

/// The PMD auto-negotiation capabilities (RFC 3636's ifMauAutoNegCapAdvertisedBits) tcpdump names.
const PMD_CAPABILITIES: [(u16, &str); 15] = [
    (1 << 14, "10BASE-T hdx"),
    (1 << 13, "10BASE-T fdx"),
    (1 << 12, "100BASE-T4"),
    (1 << 11, "100BASE-TX hdx"),
    (1 << 10, "100BASE-TX fdx"),
    (1 << 9, "100BASE-T2 hdx"),
    (1 << 8, "100BASE-T2 fdx"),
    (1 << 7, "Pause for fdx links"),
    (1 << 6, "Asym PAUSE for fdx"),
    (1 << 5, "Sym PAUSE for fdx"),
    (1 << 4, "Asym and Sym PAUSE for fdx"),
    (1 << 3, "1000BASE-{X LX SX CX} hdx"),
    (1 << 2, "1000BASE-{X LX SX CX} fdx"),
    (1 << 1, "1000BASE-T hdx"),
    (1 << 0, "1000BASE-T fdx"),
];

/// RFC 3636's MAU types, by number, as tcpdump names them.
const MAU_TYPES: [&str; 41] = [
    "Unknown",
    "AUI",
    "10BASE_5",
    "FOIRL",
    "10BASE2",
    "10BASET duplex mode unknown",
    "10BASEFP",
    "10BASEFB",
    "10BASEFL duplex mode unknown",
    "10BROAD36",
    "10BASET hdx",
    "10BASET fdx",
    "10BASEFL hdx",
    "10BASEFL fdx",
    "100BASET4",
    "100BASETX hdx",
    "100BASETX fdx",
    "100BASEFX hdx",
    "100BASEFX fdx",
    "100BASET2 hdx",
    "100BASET2 fdx",
    "1000BASEX hdx",
    "1000BASEX fdx",
    "1000BASELX hdx",
    "1000BASELX fdx",
    "1000BASESX hdx",
    "1000BASESX fdx",
    "1000BASECX hdx",
    "1000BASECX fdx",
    "1000BASET hdx",
    "1000BASET fdx",
    "10GBASEX",
    "10GBASELX4",
    "10GBASER",
    "10GBASEER",
    "10GBASELR",
    "10GBASESR",
    "10GBASEW",
    "10GBASEEW",
    "10GBASELW",
    "10GBASESW",
];

/// tcpdump's names of the TLV types.
struct TlvName(u8);

impl std::fmt::Display for TlvName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            0 => "End",
            TLV_CHASSIS_ID => "Chassis ID",
            TLV_PORT_ID => "Port ID",
            TLV_TIME_TO_LIVE => "Time to Live",
            TLV_PORT_DESCRIPTION => "Port Description",
            TLV_SYSTEM_NAME => "System Name",
            TLV_SYSTEM_DESCRIPTION => "System Description",
            TLV_SYSTEM_CAPABILITIES => "System Capabilities",
            TLV_MANAGEMENT_ADDRESS => "Management Address",
            TLV_ORGANIZATION_SPECIFIC => "Organization specific",
            _ => "Unknown",
        })
    }
}
