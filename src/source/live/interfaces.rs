//! The network interfaces of ptstat's network namespace: listing (`-D`), choosing (`-i`, `-i any`, the default),
//! and noticing new ones while `-i any` runs.

use std::{collections::HashMap, io};

use netlink_packet_route::{
    RouteNetlinkMessage,
    link::{LinkAttribute, LinkMessage},
};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_ROUTE};
use pcap_file::DataLink;
use tokio::io::{Interest, unix::AsyncFd};

use super::netlink;

/// A kernel interface, as getifaddrs(3) reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemInterface {
    pub name: String,
    pub index: u32,
    /// ARPHRD_* hardware type: decides how its packets begin.
    pub hardware_type: u16,
    pub flags: u32,
}

const ARPHRD_ETHER: u16 = 1;
const ARPHRD_LOOPBACK: u16 = 772;
/// Layer-3 devices whose packets start with the IP header: ipip, sit, gre, ip6tnl, ip6gre, tun/wireguard.
const RAW_IP_HARDWARE_TYPES: [u16; 6] = [768, 776, 778, 769, 823, 65534];

impl SystemInterface {
    pub fn is_up(&self) -> bool {
        self.flags & libc::IFF_UP as u32 != 0
    }

    fn is_running(&self) -> bool {
        self.flags & libc::IFF_RUNNING as u32 != 0
    }

    pub fn is_loopback(&self) -> bool {
        self.flags & libc::IFF_LOOPBACK as u32 != 0
    }

    /// How the bytes a TC program sees on this device begin, or `None` for devices ptstat cannot decode.
    pub fn link_type(&self) -> Option<DataLink> {
        match self.hardware_type {
            ARPHRD_ETHER | ARPHRD_LOOPBACK => Some(DataLink::ETHERNET),
            raw if RAW_IP_HARDWARE_TYPES.contains(&raw) => Some(DataLink::RAW),
            _ => None,
        }
    }

    /// tcpdump -D's bracketed status: `[Up, Running, Connected]`, `[Up, Running, Loopback]`, `[none]`.
    fn status(&self) -> String {
        let mut words = Vec::new();
        if self.is_up() {
            words.push("Up");
        }
        if self.is_running() {
            words.push("Running");
        }
        if self.is_loopback() {
            words.push("Loopback");
        } else if self.is_up() {
            let lower_up = self.flags & libc::IFF_LOWER_UP as u32 != 0;
            words.push(if lower_up { "Connected" } else { "Disconnected" });
        }
        if words.is_empty() { "[none]".to_string() } else { format!("[{}]", words.join(", ")) }
    }
}

/// Every interface of the current network namespace, in ifindex order (rtnetlink: getifaddrs(3) leaves out
/// devices without a link-layer address, such as tun).
pub fn list() -> io::Result<Vec<SystemInterface>> {
    let mut interfaces = Vec::new();
    each_link(|link| {
        let name = link.attributes.into_iter().find_map(|attribute| match attribute {
            LinkAttribute::IfName(name) => Some(name),
            _ => None,
        });
        if let Some(name) = name {
            interfaces.push(SystemInterface {
                name,
                index: link.header.index,
                hardware_type: link.header.link_layer_type.into(),
                flags: link.header.flags.bits(),
            });
        }
    })?;
    interfaces.sort_by_key(|interface| interface.index);
    Ok(interfaces)
}

/// What each interface of the current network namespace dropped itself, by ifindex: libpcap's "dropped by
/// interface" on Linux, the packets the device had no room for (rx_missed_errors + rx_fifo_errors). Not rx_dropped,
/// which also counts packets the stack dropped after every capture saw them (an unknown protocol, say).
pub fn receive_drops() -> io::Result<HashMap<u32, u64>> {
    let mut drops = HashMap::new();
    each_link(|link| {
        let statistics = link.attributes.iter().find_map(|attribute| match attribute {
            LinkAttribute::Stats64(statistics) => Some(statistics),
            _ => None,
        });
        if let Some(statistics) = statistics {
            drops.insert(link.header.index, statistics.rx_missed_errors + statistics.rx_fifo_errors);
        }
    })?;
    Ok(drops)
}

/// Every link of the current network namespace, as rtnetlink describes it.
fn each_link(mut visit: impl FnMut(LinkMessage)) -> io::Result<()> {
    let request = RouteNetlinkMessage::GetLink(LinkMessage::default());
    netlink::dump(NETLINK_ROUTE, request, |answer| {
        if let RouteNetlinkMessage::NewLink(link) = answer {
            visit(link);
        }
    })
}

/// The name of interface `index` in this network namespace, if it exists.
pub fn name_of(index: u32) -> Option<String> {
    let mut name = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: if_indextoname writes at most IF_NAMESIZE bytes, NUL included, into `name`.
    let found = unsafe { libc::if_indextoname(index, name.as_mut_ptr()) };
    if found.is_null() {
        return None;
    }
    // SAFETY: on success `name` holds a NUL-terminated string.
    Some(unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }.to_string_lossy().into_owned())
}

/// tcpdump's choice when no `-i` is given: the first up, running, non-loopback interface.
pub fn default_interface(interfaces: &[SystemInterface]) -> Option<&SystemInterface> {
    interfaces
        .iter()
        .find(|interface| interface.is_up() && interface.is_running() && !interface.is_loopback())
        .or_else(|| interfaces.iter().find(|interface| interface.is_up() && !interface.is_loopback()))
}

/// The `-D` listing, numbered like tcpdump's: live interfaces first, then `any`, then loopback and the rest.
pub fn listing(interfaces: &[SystemInterface]) -> String {
    let mut ordered: Vec<&SystemInterface> = interfaces.iter().filter(|i| i.link_type().is_some()).collect();
    ordered.sort_by_key(|interface| (!(interface.is_up() && interface.is_running()), interface.is_loopback()));
    let live_count = ordered.iter().filter(|i| i.is_up() && i.is_running() && !i.is_loopback()).count();
    let mut lines: Vec<String> = ordered.iter().map(|i| format!("{} {}", i.name, i.status())).collect();
    lines.insert(live_count, "any (Pseudo-device that captures on all interfaces) [Up, Running]".to_string());
    lines.iter().enumerate().map(|(number, line)| format!("{}.{line}\n", number + 1)).collect()
}

/// Wakes up when links are added, removed or change (rtnetlink RTMGRP_LINK), so `-i any` can attach to new ones.
pub struct LinkWatcher {
    socket: AsyncFd<Socket>,
}

impl LinkWatcher {
    pub fn new() -> io::Result<Self> {
        let mut socket = Socket::new(NETLINK_ROUTE)?;
        socket.bind(&SocketAddr::new(0, libc::RTMGRP_LINK as u32))?;
        socket.set_non_blocking(true)?;
        // SAFETY: the AsyncFd owns the socket, which stays open and unchanged for the AsyncFd's whole life.
        let socket = unsafe { AsyncFd::register_with_interest(socket, Interest::READABLE) }?;
        Ok(LinkWatcher { socket })
    }

    /// Waits for the next batch of link notifications and discards them: the caller lists interfaces anew.
    pub async fn changed(&self) -> io::Result<()> {
        let mut guard = self.socket.readable().await?;
        let mut buffer = [0u8; 8192];
        loop {
            let Err(error) = self.socket.get_ref().recv(&mut &mut buffer[..], 0) else { continue };
            match error.kind() {
                io::ErrorKind::WouldBlock => {
                    guard.clear_ready();
                    return Ok(());
                }
                io::ErrorKind::Interrupted => continue,
                // ENOBUFS: notifications were lost; listing anew catches up all the same.
                _ if error.raw_os_error() == Some(libc::ENOBUFS) => continue,
                _ => return Err(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interface(name: &str, index: u32, hardware_type: u16, flags: i32) -> SystemInterface {
        SystemInterface { name: name.into(), index, hardware_type, flags: flags as u32 }
    }

    const UP_RUNNING: i32 = libc::IFF_UP | libc::IFF_RUNNING | libc::IFF_LOWER_UP;

    #[test]
    fn lists_like_tcpdump() {
        let interfaces = [
            interface("lo", 1, ARPHRD_LOOPBACK, UP_RUNNING | libc::IFF_LOOPBACK),
            interface("ifb0", 2, ARPHRD_ETHER, 0),
            interface("eth0", 3, ARPHRD_ETHER, UP_RUNNING),
            interface("tun0", 4, 65534, libc::IFF_UP),
            interface("can0", 5, 280, UP_RUNNING),
        ];
        assert_eq!(
            listing(&interfaces),
            "1.eth0 [Up, Running, Connected]\n\
             2.any (Pseudo-device that captures on all interfaces) [Up, Running]\n\
             3.lo [Up, Running, Loopback]\n\
             4.ifb0 [none]\n\
             5.tun0 [Up, Disconnected]\n"
        );
        assert_eq!(default_interface(&interfaces).map(|i| i.name.as_str()), Some("eth0"));
    }

    #[test]
    fn finds_loopback_in_this_namespace() {
        let interfaces = list().unwrap();
        let lo = interfaces.iter().find(|i| i.name == "lo").expect("lo exists in every namespace");
        assert!(lo.is_loopback());
        assert_eq!(lo.link_type(), Some(DataLink::ETHERNET));
    }
}
