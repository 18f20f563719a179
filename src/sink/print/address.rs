//! Addresses as tcpdump writes them with `-n`.

use std::{fmt, net::Ipv4Addr};

/// An IP address of either version. Ordered like the bytes (tcpdump compares addresses with `memcmp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum IpAddress {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl IpAddress {
    pub fn octets(&self) -> &[u8] {
        match self {
            IpAddress::V4(bytes) => bytes,
            IpAddress::V6(bytes) => bytes,
        }
    }
}

impl fmt::Display for IpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpAddress::V4(bytes) => write!(f, "{}", Ipv4Addr::from(*bytes)),
            IpAddress::V6(bytes) => format_ipv6(bytes, f),
        }
    }
}

const IPV6_WORDS: usize = 8;

/// RFC 4291 text as tcpdump's `addrtostr6` writes it: the longest run of two or more zero words (the first of
/// equally long ones) becomes `::`, and an address whose first 96 bits are zero, or that is IPv4-mapped, ends in
/// dotted decimal. (The standard library writes IPv4-compatible addresses such as `::1.2.3.4` in hex.)
fn format_ipv6(bytes: &[u8; 16], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut words = [0u16; IPV6_WORDS];
    for (word, pair) in words.iter_mut().zip(bytes.chunks_exact(2)) {
        *word = u16::from_be_bytes([pair[0], pair[1]]);
    }
    let zero_run = longest_zero_run(&words).filter(|run| run.len() >= 2);
    let mut index = 0;
    while index < IPV6_WORDS {
        if let Some(run) = zero_run.as_ref().filter(|run| run.contains(&index)) {
            f.write_str(if run.end == IPV6_WORDS { "::" } else { ":" })?;
            index = run.end;
            continue;
        }
        if index != 0 {
            f.write_str(":")?;
        }
        let ends_in_ipv4 = index == 6
            && zero_run
                .as_ref()
                .is_some_and(|run| run.start == 0 && (run.end == 6 || (run.end == 5 && words[5] == 0xffff)));
        if ends_in_ipv4 {
            return write!(f, "{}", Ipv4Addr::new(bytes[12], bytes[13], bytes[14], bytes[15]));
        }
        write!(f, "{:x}", words[index])?;
        index += 1;
    }
    Ok(())
}

fn longest_zero_run(words: &[u16; IPV6_WORDS]) -> Option<std::ops::Range<usize>> {
    let mut longest: Option<std::ops::Range<usize>> = None;
    let mut start = None;
    for index in 0..=IPV6_WORDS {
        match (words.get(index) == Some(&0), start) {
            (true, None) => start = Some(index),
            (false, Some(run_start)) => {
                if longest.as_ref().is_none_or(|run| index - run_start > run.len()) {
                    longest = Some(run_start..index);
                }
                start = None;
            }
            _ => {}
        }
    }
    longest
}

/// A link-layer address (Ethernet's or of any other length): hex bytes joined by colons, `0a:1b:2c:3d:4e:5f`;
/// `<empty>` if it has none.
pub(super) struct LinkAddress<'a>(pub &'a [u8]);

impl fmt::Display for LinkAddress<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((first, rest)) = self.0.split_first() else { return f.write_str("<empty>") };
        write!(f, "{first:02x}")?;
        rest.iter().try_for_each(|byte| write!(f, ":{byte:02x}"))
    }
}

/// IANA's address family numbers as tcpdump names them (LLDP's management addresses, BGP's AFIs).
pub(super) fn family_name(family: u16) -> Option<&'static str> {
    const NAMES: [&str; 16] = [
        "Reserved",
        "IPv4",
        "IPv6",
        "NSAP",
        "HDLC",
        "BBN 1822",
        "802",
        "E.163",
        "E.164",
        "F.69",
        "X.121",
        "Novell IPX",
        "Appletalk",
        "Decnet IV",
        "Banyan Vines",
        "E.164 with NSAP subaddress",
    ];
    match family {
        25 => Some("VPLS"),
        196 => Some("Layer-2 VPN"),
        _ => NAMES.get(usize::from(family)).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    fn ipv6(text: &str) -> String {
        IpAddress::V6(text.parse::<Ipv6Addr>().expect("valid address").octets()).to_string()
    }

    #[test]
    fn ipv6_text_like_tcpdump() {
        assert_eq!(ipv6("::"), "::");
        assert_eq!(ipv6("::1"), "::1");
        assert_eq!(ipv6("fe80::1"), "fe80::1");
        assert_eq!(ipv6("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
        assert_eq!(ipv6("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
        assert_eq!(ipv6("1::"), "1::");
        assert_eq!(ipv6("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(ipv6("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
        assert_eq!(ipv6("ff02::1:ff00:2"), "ff02::1:ff00:2");
    }

    #[test]
    fn link_addresses() {
        assert_eq!(LinkAddress(&[0, 0x1b, 2, 3, 4, 0xff]).to_string(), "00:1b:02:03:04:ff");
        assert_eq!(LinkAddress(&[]).to_string(), "<empty>");
        assert_eq!(LinkAddress(&[1, 0xab]).to_string(), "01:ab");
        assert_eq!(IpAddress::V4([10, 0, 0, 1]).to_string(), "10.0.0.1");
    }
}
