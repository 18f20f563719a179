//! tcpdump-like lines: for each packet the text `tcpdump -n` 4.99 prints, with its flags for verbosity (`-v`...),
//! brevity (`-q`), link-layer headers (`-e`), sequence numbers (`-S`), dumps (`-x`, `-X`, `-A`) and numbering
//! (`-#`), then with `-v` the packet's process in full.
//!
//! One module per protocol, like tcpdump's print-*.c files. Each reads its header field by field from the
//! captured bytes ([`Captured`]), writing as it goes, so a packet cut short prints what tcpdump prints for it: the
//! fields before the cut and a `[|protocol]` marker. That is why the printers read bytes rather than etherparse's
//! slices, which exist only for complete headers; [`crate::decode`] finds where the link-layer header ends.

mod address;
mod ah;
mod aodv;
mod application;
mod arp;
mod bfd;
mod bgp;
mod bootp;
mod captured;
mod carp;
mod checksum;
mod cnfp;
mod dccp;
mod dhcp6;
mod dns;
mod dvmrp;
mod eap;
mod esp;
mod geneve;
mod gre;
mod hexdump;
mod icmp;
mod icmp6;
mod igmp;
mod igrp;
mod ip;
mod ip6;
mod ipcomp;
mod isakmp;
mod l2tp;
mod link;
pub mod listening;
mod lldp;
mod lmp;
mod m3ua;
mod mobile;
mod mpls;
mod mptcp;
mod nfs;
mod nsh;
mod ntp;
mod ospf;
mod ospf6;
mod ospf_te;
mod oui;
mod pgm;
mod pim;
mod ppp;
mod ppp_auth;
mod ppp_control;
mod pppoe;
mod process;
mod ptp;
mod radius;
mod resp;
mod rip;
mod ripng;
mod rtp;
mod sctp;
mod slow;
mod snmp;
mod ssh;
mod stp;
mod sunrpc;
mod syslog;
mod tcp;
mod telnet;
mod text;
mod tftp;
mod time;
mod udp;
mod vrrp;
mod vxlan;
mod vxlan_gpe;
mod wb;
mod zmtp1;

use std::{
    fmt,
    io::{self, Write},
};

use anyhow::Context;
use pcap_file::DataLink;

use crate::{
    packet::{Direction, Interface, InterfaceId, Packet},
    sink::Sink,
};
pub use application::PacketType;
pub use hexdump::{DumpStyle, PacketDump};
pub use time::TimestampFormat;

/// How lines look and when they are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrintOptions {
    /// Flush after every line (`-l`), for a reader at the other end of a pipe.
    pub line_buffered: bool,
    pub timestamp: TimestampFormat,
    /// Nine fractional digits instead of six (`--nano`).
    pub nanos: bool,
    /// Indented lines below each packet naming its process, thread, user, parent, container and pod in full (`-v`).
    pub process_details: bool,
    /// The packet's number before its line (`-#`).
    pub numbered: bool,
    /// How much of each protocol the lines tell (`-v`, `-q`, `-e`, `-S`).
    pub decoding: Decoding,
    /// The packet's bytes below its line (`-x`, `-X`, `-A`).
    pub dump: Option<PacketDump>,
    /// Everything about a packet on one line: what -v and the process details put on lines of their own is
    /// joined with spaces (`--oneline`), for grep and other line-by-line readers.
    pub one_line: bool,
}

/// What tcpdump's flags ask of the protocol printers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Decoding {
    /// How many times `-v` was given: more header fields, checksums, a line of their own for IPv4 headers.
    pub verbosity: u8,
    /// Less of each protocol (`-q`).
    pub quick: bool,
    /// The link-layer header (`-e`).
    pub link_header: bool,
    /// TCP sequence numbers as they are rather than relative to a conversation's first (`-S`).
    pub absolute_tcp_sequence: bool,
    /// The protocol every TCP and UDP payload is taken for, whatever its ports (`-T`).
    pub packet_type: Option<PacketType>,
    /// BGP's AS numbers above 65535 in asdot notation, `65536` as `1.0` (`-b`).
    pub asdot: bool,
}

/// The sink that prints a line per packet.
pub struct Printer {
    out: Box<dyn Write + Send>,
    line_buffered: bool,
    process_details: bool,
    one_line: bool,
    numbered: bool,
    /// Packets so far, for `-#`.
    packets: u64,
    dump: Option<PacketDump>,
    timestamps: time::TimestampPrinter,
    /// Reused for every packet, so printing allocates nothing once it has grown to the longest line.
    line: Line,
    state: PrintState,
}

impl Printer {
    pub fn new(out: Box<dyn Write + Send>, options: PrintOptions) -> Printer {
        Printer {
            out,
            line_buffered: options.line_buffered,
            process_details: options.process_details,
            one_line: options.one_line,
            numbered: options.numbered,
            packets: 0,
            dump: options.dump,
            timestamps: time::TimestampPrinter::new(options.timestamp, options.nanos),
            line: Line::default(),
            state: PrintState {
                decoding: options.decoding,
                // -q asks for less, and -x/-X dump every packet anyway (tcpdump's "suppress default print").
                dumps_unknown_payloads: !options.decoding.quick
                    && !options.dump.is_some_and(|dump| dump.style != DumpStyle::Ascii),
                shows_command_bytes: options.decoding.verbosity > 2
                    && options.dump.is_some_and(|dump| dump.style == DumpStyle::HexAndAscii),
                tcp: tcp::Conversations::default(),
                interface_names: link::InterfaceNames::default(),
                nfs: nfs::Transactions::default(),
                isakmp: isakmp::Initiators::default(),
            },
        }
    }
}

impl Sink for Printer {
    fn add_interface(&mut self, _id: InterfaceId, _interface: &Interface) -> anyhow::Result<()> {
        Ok(())
    }

    fn write_packet(&mut self, packet: &Packet, interface: &Interface) -> anyhow::Result<()> {
        self.line.clear();
        self.packets += 1;
        if self.numbered {
            self.line.put(format_args!("{:5}  ", self.packets));
        }
        if !print_invalid_header(&mut self.line, packet) {
            self.timestamps.print(&mut self.line, packet.timestamp);
            // A Linux cooked v2 header names the interface and direction itself, and tcpdump prints them.
            if !interface.name.is_empty() && interface.link_type != DataLink::LINUX_SLL2 {
                print_interface(&mut self.line, &interface.name, packet, direction_name(packet.direction));
            }
            let link_header_len = link::print(&mut self.line, &mut self.state, interface.link_type, packet);
            let ends = [(packet.process, process::OWNER), (packet.peer, process::PEER)];
            for (process, end) in ends {
                if let Some(process) = process {
                    process::print_owners(&mut self.line, process, end);
                }
            }
            if let Some(dump) = self.dump {
                dump.print(&mut self.line, packet.data, link_header_len);
            }
            if self.process_details {
                for (process, end) in ends {
                    if let Some(process) = process {
                        process::print_details(&mut self.line, process, end);
                    }
                }
            }
        }
        if self.one_line {
            self.line.join_lines();
        }
        self.line.push("\n");
        self.out.write_all(self.line.text.as_bytes()).context("writing a packet line")?;
        if self.line_buffered {
            self.out.flush().context("writing a packet line")?;
        }
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        match self.out.flush() {
            // Nobody reads the lines any more (`ptstat | head`): not worth an error.
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other.context("writing packet lines"),
        }
    }
}

/// What the protocol printers are asked to print, and what they remember from one packet to the next.
struct PrintState {
    decoding: Decoding,
    /// Whether payloads without a printer are dumped in hex after the line.
    dumps_unknown_payloads: bool,
    /// With -X and -vvv, tcpdump's Telnet printer shows each command's bytes in hex before it.
    shows_command_bytes: bool,
    tcp: tcp::Conversations,
    interface_names: link::InterfaceNames,
    /// The NFS calls whose replies can be decoded.
    nfs: nfs::Transactions,
    /// IKEv1 initiators seen, to tell which side later packets come from.
    isakmp: isakmp::Initiators,
}

/// The text of one line being built. Writing into a `String` cannot fail, so neither can these methods.
#[derive(Default)]
struct Line {
    text: String,
}

impl Line {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn push_char(&mut self, character: char) {
        self.text.push(character);
    }

    /// Bytes of text whose content nobody vouches for, as tcpdump writes them: `M-` for the high bit, `^X` for
    /// control characters.
    fn put_escaped(&mut self, text: &[u8]) {
        for &byte in text {
            let mut byte = byte;
            if !byte.is_ascii() {
                self.push("M-");
                byte &= 0x7f;
            }
            if byte.is_ascii_graphic() || byte == b' ' {
                self.push_char(char::from(byte));
            } else {
                self.push_char('^');
                self.push_char(char::from(byte ^ 0x40));
            }
        }
    }

    /// `value` as C's `%#x` writes it: `0x1f`, but `0` for zero.
    fn put_prefixed_hex(&mut self, value: u32) {
        if value == 0 {
            self.push_char('0');
        } else {
            self.put(format_args!("{value:#x}"));
        }
    }

    /// Takes what was written after `len` off the line.
    fn split_off(&mut self, len: usize) -> String {
        self.text.split_off(len)
    }

    /// The names of the bits of `flags` that are set, `a, b`, or `none`.
    fn put_flag_names(&mut self, flags: u16, names: &[(u16, &str)]) {
        self.put_flag_names_joined(flags, names, ", ", "none");
    }

    /// The names of the bits of `flags` that are set with `separator` between them, or `no_flags` if none of
    /// them is (tcpdump's `bittok2str` and `bittok2str_nosep`).
    fn put_flag_names_joined(&mut self, flags: u16, names: &[(u16, &str)], separator: &str, no_flags: &str) {
        let start = self.len();
        for (_, name) in names.iter().filter(|(flag, _)| flags & flag != 0) {
            if self.len() > start {
                self.push(separator);
            }
            self.push(name);
        }
        if self.len() == start {
            self.push(no_flags);
        }
    }

    /// `value` in decimal, as `{}` writes it.
    fn put_decimal(&mut self, value: impl itoa::Integer) {
        self.put_zero_padded(value, 0);
    }

    /// `value` in decimal with zeros before it up to `width` digits, as `{:0width$}` writes it.
    fn put_zero_padded(&mut self, value: impl itoa::Integer, width: usize) {
        let mut buffer = itoa::Buffer::new();
        let digits = buffer.format(value);
        (digits.len()..width).for_each(|_| self.push_char('0'));
        // Digit by digit: numbers in a line are a few digits long, and copying them as a slice calls memmove.
        digits.bytes().for_each(|digit| self.push_char(char::from(digit)));
    }

    /// `text` with spaces after it up to `width` characters, as `{:<width$}` writes it.
    fn put_left_aligned(&mut self, text: &str, width: usize) {
        self.push(text);
        (text.chars().count()..width).for_each(|_| self.push_char(' '));
    }

    /// `address` as its `Display` writes it; IPv4 addresses, the common case, without the formatting machinery.
    fn put_address(&mut self, address: &address::IpAddress) {
        match address {
            address::IpAddress::V4([first, rest @ ..]) => {
                self.put_decimal(*first);
                for byte in rest {
                    self.push_char('.');
                    self.put_decimal(*byte);
                }
            }
            address::IpAddress::V6(_) => self.put(format_args!("{address}")),
        }
    }

    fn put(&mut self, args: fmt::Arguments<'_>) {
        // `fmt::Write for String` only fails if a `Display` implementation does; none of ours do.
        let _ = fmt::Write::write_fmt(&mut self.text, args);
    }

    fn len(&self) -> usize {
        self.text.len()
    }

    /// Forgets what was written after `len`.
    fn truncate(&mut self, len: usize) {
        self.text.truncate(len);
    }

    fn clear(&mut self) {
        self.text.clear();
    }

    /// Turns the line breaks (and the indentation after them) into single spaces.
    fn join_lines(&mut self) {
        if self.text.contains('\n') {
            let joined = self.text.split('\n').map(str::trim_start).collect::<Vec<_>>().join(" ");
            self.text = joined;
        }
    }
}

/// Width of the interface name column, as tcpdump's `-i any` lines have it.
const INTERFACE_NAME_WIDTH: usize = 5;
/// Width of the direction column.
const DIRECTION_WIDTH: usize = 3;

/// `eth0  Out ` — the columns tcpdump prints for a Linux cooked v2 capture — with the packet's process between
/// them when it has one: `eth0 curl.4242 Out `, and both ends when its peer is known too:
/// `lo curl.4242 > python3.777 Out `.
fn print_interface(line: &mut Line, name: &str, packet: &Packet, direction: &str) {
    line.put_left_aligned(name, INTERFACE_NAME_WIDTH);
    line.push_char(' ');
    if packet.process.is_some() || packet.peer.is_some() {
        process::print_names(line, packet.process, packet.peer, packet.direction);
    }
    line.put_left_aligned(direction, DIRECTION_WIDTH);
    line.push_char(' ');
}

/// tcpdump prints `?` for a packet type it does not know; a packet of unknown direction is the closest case.
fn direction_name(direction: Option<Direction>) -> &'static str {
    match direction {
        Some(Direction::In) => "In",
        Some(Direction::Out) => "Out",
        None => "?",
    }
}

/// tcpdump's limit on the length of a packet it prints.
const MAXIMUM_SNAPLEN: u32 = 262_144;

/// Prints tcpdump's complaint about lengths no capture could have produced, instead of the packet. Returns
/// whether there was one.
fn print_invalid_header(line: &mut Line, packet: &Packet) -> bool {
    let captured = u32::try_from(packet.data.len()).unwrap_or(u32::MAX);
    let wire = packet.original_len;
    let start = line.len();
    let complain = |line: &mut Line, problem: fmt::Arguments<'_>| {
        line.push(if line.len() == start { "[Invalid header: " } else { ", " });
        line.put(problem);
    };
    if captured == 0 {
        complain(line, format_args!("caplen==0"));
    }
    if wire == 0 {
        complain(line, format_args!("len==0"));
    } else if wire < captured {
        complain(line, format_args!("len({wire}) < caplen({captured})"));
    }
    if captured > MAXIMUM_SNAPLEN {
        complain(line, format_args!("caplen({captured}) > {MAXIMUM_SNAPLEN}"));
    }
    if wire > MAXIMUM_SNAPLEN {
        complain(line, format_args!("len({wire}) > {MAXIMUM_SNAPLEN}"));
    }
    if line.len() == start {
        return false;
    }
    line.push("]");
    true
}

#[cfg(test)]
mod tests;
