//! Built-in name tables, so that compiling never reads /etc or asks a resolver.
//!
//! The service and protocol entries agree with Debian's netbase (/etc/services and
//! /etc/protocols), which is what tcpdump consults on the machines this project targets.

/// The transport protocols a service name is registered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceProtocols {
    Tcp,
    Udp,
    /// Registered for both TCP and UDP on the same port: libpcap then matches any of TCP, UDP
    /// and SCTP, as for a plain number.
    Any,
}

use ServiceProtocols::{Any, Tcp, Udp};

/// Service names and aliases with their port.
const SERVICES: &[(&str, u16, ServiceProtocols)] = &[
    ("tcpmux", 1, Tcp),
    ("echo", 7, Any),
    ("discard", 9, Any),
    ("sink", 9, Any),
    ("null", 9, Any),
    ("daytime", 13, Any),
    ("chargen", 19, Any),
    ("ftp-data", 20, Tcp),
    ("ftp", 21, Tcp),
    ("ssh", 22, Tcp),
    ("telnet", 23, Tcp),
    ("smtp", 25, Tcp),
    ("mail", 25, Tcp),
    ("time", 37, Any),
    ("whois", 43, Tcp),
    ("nicname", 43, Tcp),
    ("tacacs", 49, Any),
    ("domain", 53, Any),
    ("bootps", 67, Udp),
    ("bootpc", 68, Udp),
    ("tftp", 69, Udp),
    ("gopher", 70, Tcp),
    ("finger", 79, Tcp),
    ("http", 80, Tcp),
    ("www", 80, Tcp),
    ("kerberos", 88, Any),
    ("kerberos5", 88, Any),
    ("krb5", 88, Any),
    ("pop3", 110, Tcp),
    ("pop-3", 110, Tcp),
    ("sunrpc", 111, Any),
    ("portmapper", 111, Any),
    ("auth", 113, Tcp),
    ("ident", 113, Tcp),
    ("nntp", 119, Tcp),
    ("ntp", 123, Udp),
    ("netbios-ns", 137, Udp),
    ("netbios-dgm", 138, Udp),
    ("netbios-ssn", 139, Tcp),
    ("imap2", 143, Tcp),
    ("imap", 143, Tcp),
    ("snmp", 161, Any),
    ("snmp-trap", 162, Any),
    ("snmptrap", 162, Any),
    ("bgp", 179, Tcp),
    ("ldap", 389, Any),
    ("https", 443, Any),
    ("microsoft-ds", 445, Tcp),
    ("submissions", 465, Tcp),
    ("ssmtp", 465, Tcp),
    ("smtps", 465, Tcp),
    ("isakmp", 500, Udp),
    ("syslog", 514, Any),
    ("printer", 515, Tcp),
    ("route", 520, Udp),
    ("dhcpv6-client", 546, Udp),
    ("dhcpv6-server", 547, Udp),
    ("rtsp", 554, Any),
    ("submission", 587, Tcp),
    ("ipp", 631, Tcp),
    ("ldaps", 636, Any),
    ("domain-s", 853, Any),
    ("rsync", 873, Tcp),
    ("ftps-data", 989, Tcp),
    ("ftps", 990, Tcp),
    ("telnets", 992, Tcp),
    ("imaps", 993, Tcp),
    ("pop3s", 995, Tcp),
    ("socks", 1080, Tcp),
    ("openvpn", 1194, Any),
    ("ms-sql-s", 1433, Tcp),
    ("radius", 1812, Any),
    ("radius-acct", 1813, Any),
    ("nfs", 2049, Any),
    ("mysql", 3306, Tcp),
    ("ms-wbt-server", 3389, Tcp),
    ("ipsec-nat-t", 4500, Udp),
    ("sip", 5060, Any),
    ("sip-tls", 5061, Any),
    ("xmpp-client", 5222, Tcp),
    ("xmpp-server", 5269, Tcp),
    ("mdns", 5353, Udp),
    ("postgresql", 5432, Tcp),
    ("postgres", 5432, Tcp),
    ("x11", 6000, Tcp),
    ("redis", 6379, Tcp),
    ("ircd", 6667, Tcp),
    ("http-alt", 8080, Tcp),
    ("webcache", 8080, Tcp),
    ("git", 9418, Tcp),
];

/// IP protocol numbers by name (`ip proto \tcp`, `ip6 proto \ipv6-icmp`).
const IP_PROTOCOLS: &[(&str, u32)] = &[
    ("ip", 0),
    ("hopopt", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ipencap", 4),
    ("tcp", 6),
    ("egp", 8),
    ("igp", 9),
    ("udp", 17),
    ("dccp", 33),
    ("ipv6", 41),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("rsvp", 46),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("ipv6-icmp", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("eigrp", 88),
    ("ospf", 89),
    ("ipip", 94),
    ("etherip", 97),
    ("encap", 98),
    ("pim", 103),
    ("ipcomp", 108),
    ("vrrp", 112),
    ("l2tp", 115),
    ("isis", 124),
    ("sctp", 132),
    ("mobility-header", 135),
    ("udplite", 136),
    ("mpls-in-ip", 137),
];

/// Ethernet types by name (`ether proto \arp`), those libpcap knows without LLC handling.
const ETHER_TYPES: &[(&str, u32)] = &[
    ("ip", 0x0800),
    ("ip6", 0x86dd),
    ("arp", 0x0806),
    ("rarp", 0x8035),
    ("loopback", 0x9000),
    ("mopdl", 0x6001),
    ("moprc", 0x6002),
    ("decnet", 0x6003),
    ("lat", 0x6004),
    ("sca", 0x6007),
];

/// The port of a service name, and the transport protocols it is registered for.
pub fn service(name: &str) -> Option<(u16, ServiceProtocols)> {
    SERVICES.iter().find(|(known, _, _)| *known == name).map(|&(_, port, protocols)| (port, protocols))
}

/// The IP protocol number of a name.
pub fn ip_protocol(name: &str) -> Option<u32> {
    lookup(IP_PROTOCOLS, name)
}

/// The Ethernet type of a name.
pub fn ether_type(name: &str) -> Option<u32> {
    lookup(ETHER_TYPES, name)
}

fn lookup(table: &[(&str, u32)], name: &str) -> Option<u32> {
    table.iter().find(|(known, _)| *known == name).map(|&(_, value)| value)
}

/// Every service name and alias `port` and `portrange` accept, with its port.
pub fn services() -> impl Iterator<Item = (&'static str, u16, ServiceProtocols)> {
    SERVICES.iter().copied()
}

/// Every IP protocol name `proto` accepts (escaped, as in `ip proto \tcp`), with its number.
pub fn ip_protocols() -> impl Iterator<Item = (&'static str, u32)> {
    IP_PROTOCOLS.iter().copied()
}

/// Every Ethernet type name `ether proto` accepts, with its value.
pub fn ether_types() -> impl Iterator<Item = (&'static str, u32)> {
    ETHER_TYPES.iter().copied()
}
