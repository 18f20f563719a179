//! The built-in service and protocol tables must agree with the system databases tcpdump
//! consults, where the machine has them.

use ptstat_filter::names::{self, ServiceProtocols};
use std::collections::BTreeMap;

/// `name or alias → (port, protocols)` from an /etc/services text.
fn parse_services(text: &str) -> BTreeMap<String, Vec<(u16, String)>> {
    let mut entries: BTreeMap<String, Vec<(u16, String)>> = BTreeMap::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        let (Some(name), Some(port_protocol)) = (fields.next(), fields.next()) else { continue };
        let Some((port, protocol)) = port_protocol.split_once('/') else { continue };
        let Ok(port) = port.parse() else { continue };
        for alias in std::iter::once(name).chain(fields) {
            entries.entry(alias.to_string()).or_default().push((port, protocol.to_string()));
        }
    }
    entries
}

#[test]
fn services_agree_with_etc_services() {
    let Ok(text) = std::fs::read_to_string("/etc/services") else {
        eprintln!("skipping: no /etc/services on this machine");
        return;
    };
    let system = parse_services(&text);
    for (name, port, protocols) in names::services() {
        let entries = system.get(name).unwrap_or_else(|| panic!("{name} is not in /etc/services"));
        let registered =
            |wanted: &str| entries.iter().any(|(known_port, protocol)| *known_port == port && protocol == wanted);
        let expected = match (registered("tcp"), registered("udp")) {
            (true, true) => ServiceProtocols::Any,
            (true, false) => ServiceProtocols::Tcp,
            (false, true) => ServiceProtocols::Udp,
            (false, false) => panic!("{name} is not port {port} in /etc/services"),
        };
        assert_eq!(protocols, expected, "{name}");
    }
}

#[test]
fn protocols_agree_with_etc_protocols() {
    let Ok(text) = std::fs::read_to_string("/etc/protocols") else {
        eprintln!("skipping: no /etc/protocols on this machine");
        return;
    };
    let system: BTreeMap<&str, u32> = text
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('#').next()?.split_whitespace();
            Some((fields.next()?, fields.next()?.parse().ok()?))
        })
        .collect();
    for (name, number) in names::ip_protocols() {
        assert_eq!(system.get(name), Some(&number), "{name}");
    }
}
