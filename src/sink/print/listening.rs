//! The line a live capture starts with, worded as tcpdump's: `listening on lo, link-type EN10MB (Ethernet),
//! snapshot length 262144 bytes`. Scripts and people who know tcpdump wait for it.

use pcap_file::DataLink;

/// tcpdump's (libpcap's) name and description of a link type: `("EN10MB", "Ethernet")`; None for the ones
/// ptstat neither captures with nor reads often enough to need a name.
pub fn link_type_names(link_type: DataLink) -> Option<(&'static str, &'static str)> {
    match link_type {
        DataLink::ETHERNET => Some(("EN10MB", "Ethernet")),
        DataLink::RAW => Some(("RAW", "Raw IP")),
        DataLink::LINUX_SLL => Some(("LINUX_SLL", "Linux cooked v1")),
        DataLink::LINUX_SLL2 => Some(("LINUX_SLL2", "Linux cooked v2")),
        _ => None,
    }
}

/// `ptstat: listening on ...` for `interfaces` (name, link type) and the snapshot length. tcpdump listens on one
/// interface; several are grouped by link type, each group worded as tcpdump words its one interface, the groups
/// apart by semicolons: `eth0 and lo, link-type EN10MB (Ethernet); tun0, link-type RAW (Raw IP), snapshot length
/// 262144 bytes`.
pub fn listening_line(interfaces: &[(String, DataLink)], snaplen: u32) -> String {
    let mut groups: Vec<(DataLink, Vec<&str>)> = Vec::new();
    for (name, link_type) in interfaces {
        match groups.iter_mut().find(|(group_type, _)| group_type == link_type) {
            Some((_, names)) => names.push(name),
            None => groups.push((*link_type, vec![name])),
        }
    }
    let described: Vec<String> = groups
        .iter()
        .map(|(link_type, names)| {
            // libpcap has no name for it: tcpdump prints the number.
            let link_type = match link_type_names(*link_type) {
                Some((name, description)) => format!("{name} ({description})"),
                None => u32::from(*link_type).to_string(),
            };
            format!("{}, link-type {link_type}", in_words(names))
        })
        .collect();
    // `-i any` in a namespace whose interfaces are all still to come.
    let listening_on = if described.is_empty() { "no interface yet".to_string() } else { described.join("; ") };
    format!("ptstat: listening on {listening_on}, snapshot length {snaplen} bytes")
}

/// `a`, `a and b`, `a, b and c`.
fn in_words(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, others)) => format!("{} and {last}", others.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(interfaces: &[(&str, DataLink)]) -> String {
        let interfaces: Vec<(String, DataLink)> =
            interfaces.iter().map(|&(name, link_type)| (name.to_string(), link_type)).collect();
        listening_line(&interfaces, 262_144)
    }

    #[test]
    fn one_interface_reads_as_tcpdumps_line() {
        assert_eq!(
            line(&[("lo", DataLink::ETHERNET)]),
            "ptstat: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes"
        );
        assert_eq!(
            line(&[("wg0", DataLink::RAW)]),
            "ptstat: listening on wg0, link-type RAW (Raw IP), snapshot length 262144 bytes"
        );
        assert_eq!(
            listening_line(&[("any".into(), DataLink::LINUX_SLL2)], 128),
            "ptstat: listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 128 bytes"
        );
    }

    #[test]
    fn several_interfaces_are_grouped_by_link_type_in_the_order_given() {
        assert_eq!(
            line(&[("eth0", DataLink::ETHERNET), ("tun0", DataLink::RAW), ("lo", DataLink::ETHERNET)]),
            "ptstat: listening on eth0 and lo, link-type EN10MB (Ethernet); tun0, link-type RAW (Raw IP), snapshot \
             length 262144 bytes"
        );
        assert_eq!(
            line(&[("eth0", DataLink::ETHERNET), ("eth1", DataLink::ETHERNET), ("veth0@blue", DataLink::ETHERNET)]),
            "ptstat: listening on eth0, eth1 and veth0@blue, link-type EN10MB (Ethernet), snapshot length 262144 bytes"
        );
    }

    #[test]
    fn a_link_type_without_a_name_is_its_number_and_no_interface_is_said() {
        assert_eq!(
            line(&[("can0", DataLink::from(227))]),
            "ptstat: listening on can0, link-type 227, snapshot length 262144 bytes"
        );
        assert_eq!(line(&[]), "ptstat: listening on no interface yet, snapshot length 262144 bytes");
    }
}
