//! Command-line flags, named and behaving like tcpdump's where tcpdump has them.

use clap::{ArgAction, Parser};

use crate::source::live::{MAX_SNAPLEN, TcMode};

#[derive(Parser, Debug)]
#[command(
    name = "ptstat",
    version,
    disable_version_flag = true,
    about = "Capture packets with eBPF and name the process, container and pod of each (tcpdump's flags)"
)]
pub struct Cli {
    /// Capture on this interface (repeatable); `any` captures on every interface, also ones created later.
    /// Default: the first up, non-loopback interface.
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interfaces: Vec<String>,

    /// List the interfaces ptstat can capture on, like tcpdump -D.
    #[arg(short = 'D', long = "list-interfaces")]
    pub list_interfaces: bool,

    /// Read packets from a pcap or PcapNG file (`-` = standard input) instead of capturing.
    #[arg(short = 'r', value_name = "FILE")]
    pub read: Option<String>,

    /// Write packets to a file: PcapNG, or classic pcap if the name ends in .pcap; `-` streams PcapNG to stdout.
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<String>,

    /// Print packet lines even while writing a file with -w.
    #[arg(long)]
    pub print: bool,

    /// Exit after this many packets.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,

    /// Keep at most this many bytes of each packet; 0 means the default, 262144.
    #[arg(short = 's', long = "snapshot-length", value_name = "SNAPLEN", default_value_t = MAX_SNAPLEN,
          value_parser = clap::value_parser!(u32).range(0..=MAX_SNAPLEN as i64))]
    pub snaplen: u32,

    /// Kernel ring buffer size in KiB (rounded up to a power of two).
    #[arg(short = 'B', long = "buffer-size", value_name = "KIB", default_value_t = 8192)]
    pub buffer_kib: u32,

    /// Do not resolve addresses or ports (accepted for tcpdump's sake: ptstat always prints numbers).
    #[arg(short = 'n', action = ArgAction::Count)]
    pub numeric: u8,

    /// Flush standard output after every line.
    #[arg(short = 'l')]
    pub line_buffered: bool,

    /// Flush the -w file after every packet (always done for -w -).
    #[arg(short = 'U', long = "packet-buffered")]
    pub packet_buffered: bool,

    /// Timestamps: -t none, -tt seconds since the epoch, -ttt delta to the previous packet,
    /// -tttt date and time, -ttttt delta to the first packet.
    #[arg(short = 't', action = ArgAction::Count)]
    pub timestamp_style: u8,

    /// Print timestamps with nanoseconds.
    #[arg(long)]
    pub nano: bool,

    /// How to attach to TC: auto (TCX on kernel 6.6 and later, else clsact), tcx or clsact.
    #[arg(long, value_enum, default_value_t = TcMode::Auto)]
    pub tc_mode: TcMode,

    /// Print the version.
    #[arg(long, action = ArgAction::Version)]
    pub version: (),
}

impl Cli {
    /// `-s 0` means the default, as in tcpdump.
    pub fn effective_snaplen(&self) -> u32 {
        if self.snaplen == 0 { MAX_SNAPLEN } else { self.snaplen }
    }
}
