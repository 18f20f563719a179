//! Command-line flags, named and behaving like tcpdump's where tcpdump has them, grouped under the headings of
//! `--help`. Each group is a struct clap builds; the stages take theirs whole.

pub mod check;
pub mod help;

use std::{io::IsTerminal, path::PathBuf, time::Duration};

use clap::{ArgAction, Args, Parser};

use crate::{
    enrich::{ContextSelection, containers::RuntimeSockets},
    sink::{
        capture_file::Rotation,
        connections::{CONNECTION_LOG_SNAPLEN, DEFAULT_INTERNAL_NETWORKS, IpNetwork},
        print::{Decoding, DumpStyle, PacketDump, PacketType, PrintOptions, TimestampFormat},
        stats::{
            group::GroupBy,
            threshold::{ExitOver, parse_exit_over},
        },
    },
    source::live::{AttachOptions, MAX_SNAPLEN, ProcessSelection},
};

/// A duration: humantime's forms (`500ms`, `10s`, `2m`, `1h30m`), or plain seconds (`1.5`). At most a year: the
/// deadlines added to the clock must not overflow it.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    const EXAMPLES: &str = "e.g. 500ms, 10s, 2m, 1h30m, or seconds: 1.5";
    const LONGEST: std::time::Duration = std::time::Duration::from_secs(366 * 24 * 3600);
    let too_long = || "must be at most a year".to_string();
    let duration = if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit() || byte == b'.') {
        let seconds = text.parse().map_err(|_| format!("not a duration ({EXAMPLES})"))?;
        std::time::Duration::try_from_secs_f64(seconds).map_err(|_| too_long())?
    } else {
        humantime::parse_duration(text).map_err(|error| format!("{error} ({EXAMPLES})"))?
    };
    match duration {
        duration if duration.is_zero() => Err("must be longer than zero".to_string()),
        duration if duration > LONGEST => Err(too_long()),
        duration => Ok(duration),
    }
}

/// -C's size: millions of bytes, or KiB, MiB, GiB with a k, m or g suffix, as tcpdump reads it.
fn parse_file_size(text: &str) -> Result<u64, String> {
    let (number, unit) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 1 << 10),
        Some((at, 'm' | 'M')) => (&text[..at], 1 << 20),
        Some((at, 'g' | 'G')) => (&text[..at], 1 << 30),
        _ => (text, 1_000_000),
    };
    match number.parse::<u64>().ok().and_then(|count| count.checked_mul(unit)) {
        Some(bytes) if bytes > 0 => Ok(bytes),
        _ => Err(format!("invalid file size {text}")),
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "ptstat",
    version,
    disable_version_flag = true,
    about = "Capture packets with eBPF and name the process, container and pod of each (tcpdump's flags)"
)]
pub struct Cli {
    #[command(flatten)]
    pub capture: CaptureFlags,

    #[command(flatten)]
    pub filter: FilterFlags,

    #[command(flatten)]
    pub output: OutputFlags,

    #[command(flatten)]
    pub files: FileFlags,

    #[command(flatten)]
    pub processes: ProcessSelection,

    #[command(flatten)]
    pub context: ContextFlags,

    #[command(flatten)]
    pub stats: StatsFlags,

    #[command(flatten)]
    pub metrics: MetricsFlags,

    #[command(flatten)]
    pub connections: ConnectionFlags,

    #[command(flatten)]
    pub kubernetes: KubernetesFlags,

    /// Its -i, --netns and -Q stand under "Capture" (the heading is already there), its hooks under "Kernel".
    #[command(flatten)]
    pub attach: AttachOptions,

    #[command(flatten)]
    pub kernel: KernelFlags,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Capture")]
pub struct CaptureFlags {
    /// List the interfaces ptstat can capture on, like tcpdump -D.
    #[arg(short = 'D', long = "list-interfaces")]
    pub list_interfaces: bool,

    /// Exit after this many packets.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,

    /// Keep at most this many bytes of each packet; 0 means the default, 262144.
    ///
    /// 128 with --connections and no -w: the log reads headers only.
    #[arg(short = 's', long = "snapshot-length", value_name = "SNAPLEN",
          value_parser = clap::value_parser!(u32).range(0..=MAX_SNAPLEN as i64))]
    pub snaplen: Option<u32>,

    /// Kernel ring buffer size in KiB (rounded up to a power of two).
    #[arg(short = 'B', long = "buffer-size", value_name = "KIB", default_value_t = 8192)]
    pub buffer_kib: u32,

    /// How many interfaces the kernel counts apart for the closing statistics (hidden: for the tests of a full map).
    #[arg(long, value_name = "N", default_value_t = 4096, hide = true)]
    pub counters_entries: u32,

    /// Stop after this long (e.g. 30s, 5m); with --stats, print the table then.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// The link type to capture with: only each interface's own is available (EN10MB or RAW), as -L lists.
    #[arg(short = 'y', long = "linktype", value_name = "TYPE")]
    pub link_type: Option<String>,

    /// List the link types of the interface (-i) and exit.
    #[arg(short = 'L', long = "list-data-link-types")]
    pub list_link_types: bool,

    /// Accepted for tcpdump's sake: TC hooks see every packet the interface handles, promiscuous or not.
    #[arg(short = 'p', long = "no-promiscuous-mode")]
    pub no_promiscuous: bool,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Filter")]
pub struct FilterFlags {
    /// A pcap-filter(7) expression: only packets it accepts are captured (in the kernel) or read.
    ///
    /// Besides libpcap's primitives it takes process terms, combined with them by and/or/not and parentheses:
    /// `pid N`, `ppid N` (children of N), `pname NAME` (the kernel's name, at most 15 bytes), `uid N`, `user NAME`,
    /// `cgroup PATH` (a cgroup v2 directory, from the root or under /sys/fs/cgroup, and everything below it),
    /// `netns NAME` (/run/netns/NAME, with --netns), `container NAME` (Docker's, nerdctl's or Kubernetes' name),
    /// `container id PREFIX`, `pod NAME.NAMESPACE` and `pod label KEY=VALUE` (the pod's CRI labels), decided in the
    /// kernel before anything is copied, e.g. 'pname curl or (container web and tcp port 443)'. Containers are
    /// learnt from Docker and containerd as they are created, so one that starts later is selected from its first
    /// packet. With -r every term but netns is decided from the comments ptstat wrote. --stats counts by them too.
    /// The words are keywords only when a value follows: `host pid` is still the host called pid.
    #[arg(value_name = "EXPRESSION")]
    pub expression: Vec<String>,

    /// Read the filter expression from this file (the expression arguments are then ignored, as in tcpdump).
    #[arg(short = 'F', value_name = "FILE")]
    pub filter_file: Option<String>,

    /// Print the compiled filter program and exit: -d readable, -dd as a C array, -ddd as decimal numbers.
    ///
    /// A process term is a load of the word of matched terms, `ld [process terms]`, and a `jset` of its bit,
    /// followed in -d by `; TERM`.
    #[arg(short = 'd', action = ArgAction::Count)]
    pub dump_filter: u8,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Output")]
pub struct OutputFlags {
    /// Do not resolve addresses or ports (accepted for tcpdump's sake: ptstat always prints numbers).
    #[arg(short = 'n', action = ArgAction::Count)]
    pub numeric: u8,

    /// Flush standard output after every line.
    #[arg(short = 'l')]
    pub line_buffered: bool,

    /// Timestamps: -t none, -tt seconds since the epoch, -ttt delta to the previous packet, -tttt date and time,
    /// -ttttt delta to the first packet.
    #[arg(short = 't', action = ArgAction::Count)]
    pub timestamp_style: u8,

    /// Print timestamps with nanoseconds.
    #[arg(long, overrides_with_all = ["micro", "time_stamp_precision"])]
    pub nano: bool,

    /// Print timestamps with microseconds (the default; it undoes an earlier --nano).
    #[arg(long, overrides_with_all = ["nano", "time_stamp_precision"])]
    pub micro: bool,

    /// Print timestamps with microseconds or nanoseconds (like --micro and --nano).
    #[arg(long, value_enum, value_name = "PRECISION", overrides_with_all = ["nano", "micro"])]
    pub time_stamp_precision: Option<TimestampPrecision>,

    /// Print the packet's number at the start of its line.
    #[arg(short = '#', long = "number")]
    pub number: bool,

    /// Print the link-level header on each line.
    #[arg(short = 'e')]
    pub link_header: bool,

    /// Print less protocol information.
    #[arg(short = 'q')]
    pub quick: bool,

    /// Print absolute TCP sequence numbers, not relative to the start of the connection.
    #[arg(short = 'S', long = "absolute-tcp-sequence-numbers")]
    pub absolute_tcp_sequence: bool,

    /// Print every TCP and UDP payload as this protocol, whatever its ports.
    ///
    /// As tcpdump's -T: a payload the protocol does not travel in (RESP over UDP, TFTP over TCP) is not printed,
    /// nor, for UDP, its ports.
    #[arg(short = 'T', value_enum, value_name = "TYPE", ignore_case = true)]
    pub packet_type: Option<PacketType>,

    /// Print BGP's AS numbers above 65535 in asdot notation: 65536 as 1.0.
    #[arg(short = 'b')]
    pub asdot: bool,

    /// Print more: more of each protocol's header and checksums (-vv, -vvv: still more).
    ///
    /// Also the process, thread, user, parent, container and pod lines below each packet.
    #[arg(short = 'v', action = ArgAction::Count)]
    pub verbose: u8,

    /// With -v: print everything about a packet on its one line.
    ///
    /// The process details and the verbose protocol text that otherwise take lines of their own.
    #[arg(long = "oneline")]
    pub one_line: bool,

    /// Print each packet in hex below its line, without its link-level header (-xx: with it).
    #[arg(short = 'x', action = ArgAction::Count)]
    pub hex: u8,

    /// Print each packet in hex and ASCII below its line, without its link-level header (-XX: with it).
    #[arg(short = 'X', action = ArgAction::Count)]
    pub hex_and_ascii: u8,

    /// Print each packet in ASCII below its line, without its link-level header (-AA: with it).
    #[arg(short = 'A', action = ArgAction::Count)]
    pub ascii: u8,

    /// Print only the number of packets (that match the filter).
    #[arg(long = "count")]
    pub count_only: bool,

    /// Print packet lines even while writing a file with -w.
    #[arg(long)]
    pub print: bool,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Files")]
pub struct FileFlags {
    /// Read packets from a pcap or PcapNG file (`-` = standard input) instead of capturing.
    #[arg(short = 'r', value_name = "FILE")]
    pub read: Option<String>,

    /// Write packets to a file: PcapNG, or classic pcap if the name ends in .pcap; `-` streams PcapNG to stdout.
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<String>,

    /// Flush the -w file after every packet (always done for -w -).
    #[arg(short = 'U', long = "packet-buffered")]
    pub packet_buffered: bool,

    /// Start a new -w file once the current one is larger than this many millions of bytes.
    ///
    /// Or with a suffix: k = KiB, m = MiB, g = GiB.
    #[arg(short = 'C', value_name = "SIZE", value_parser = parse_file_size)]
    pub file_size: Option<u64>,

    /// With -C: keep at most this many files, named FILE0, FILE1, ... and reused in turn.
    #[arg(short = 'W', value_name = "COUNT", value_parser = clap::value_parser!(u32).range(1..))]
    pub file_count: Option<u32>,

    /// Start a new -w file every SECONDS; the file name is an strftime(3) pattern.
    #[arg(short = 'G', value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub rotate_seconds: Option<u64>,

    /// Run `COMMAND FILE` on each -w file once -C or -G closed it (e.g. -z gzip).
    #[arg(short = 'z', value_name = "COMMAND")]
    pub post_rotate: Option<String>,

    /// Become this user once the programs are attached: files are then created as that user.
    #[arg(short = 'Z', long = "relinquish-privileges", value_name = "USER")]
    pub user: Option<String>,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Processes and containers")]
pub struct ContextFlags {
    /// What to tell of each packet's process, in lines and PcapNG comments (default: all).
    ///
    /// A comma list of process, thread, parentproc, user, container, pod (repeatable); `--context=` for none,
    /// lines as tcpdump prints them. When the packet's other end is a process of this host too, the same parts of it
    /// as its peer: `curl.4242 > python3.777` (sender first) in lines, `PeerProc (...)` with -v, `Peer` keys
    /// (`PeerPID`, `PeerComm`, ...) in comments.
    #[arg(long, value_name = "PARTS", value_delimiter = ',', num_args = 0..)]
    pub context: Option<Vec<String>>,

    /// Run this command (after --) and capture only its traffic and its children's; stop once it has exited and
    /// its connections have finished.
    ///
    /// Its conversations with local processes are kept whole: their answers name it as their peer. After it exits,
    /// the capture goes on until none of its packets has come for half a second (at most 3 seconds), so the FIN its
    /// exit sends, the answers still in flight and the last ACK are kept and still named after it, as tcpdump run
    /// beside it shows them. ptstat's exit status does not follow the command's.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    /// Docker's API socket, asked for the names, images and labels of containers.
    ///
    /// Default /var/run/docker.sock, whose absence is no warning; a daemon that does not answer is one.
    #[arg(long, value_name = "PATH")]
    pub docker_address: Option<String>,

    /// containerd's API socket, asked about the containers of its namespaces default, moby and k8s.io.
    ///
    /// Kubernetes pods: from their CRI labels. Default /run/containerd/containerd.sock, whose absence is no
    /// warning.
    #[arg(long, value_name = "PATH")]
    pub containerd_address: Option<String>,
}

/// --stats or --tui, what --group-by groups.
const STATS_OR_VIEW: &str = "stats_or_view";

#[derive(Args, Debug)]
#[command(next_help_heading = "Statistics")]
#[command(group = clap::ArgGroup::new(STATS_OR_VIEW).args(["stats", "tui"]).multiple(true))]
pub struct StatsFlags {
    /// Statistics instead of packets: count packets and bytes per flow and process in the kernel.
    ///
    /// No event per packet. Prints a table at exit (Ctrl-C, SIGTERM, --timeout), or JSON (--json), or a live
    /// view (--tui). SIGUSR1 prints the packets and flows counted so far on stderr and counting goes on (while
    /// capturing, it prints tcpdump's counters so).
    ///
    /// With -r: the same table or JSON from a capture file, of the packets the filter expression accepts (and the
    /// first -c), each flow with the process, cgroup and container its PcapNG comments name (ptstat's or
    /// ptcpdump's; none in a pcap file); bitrates and the duration over the time from its first to its last
    /// packet; netns is 0 (a file does not record it).
    #[arg(long)]
    pub stats: bool,

    /// With --stats: print the statistics as JSON (schema in README).
    #[arg(long, requires = "stats")]
    pub json: bool,

    /// A live table in the terminal (keys in README): with --stats the kernel's counts; with -w FILE the capture's
    /// flows and drops.
    ///
    /// Bitrates are over the last refresh interval. While capturing (-w FILE --tui): the flows of the packets
    /// captured, and tcpdump's counters live: packets captured, received by filter, dropped by kernel (the ring
    /// buffer was full, see -B), dropped by interface (the devices' own rx_missed_errors and rx_fifo_errors since
    /// the start, as libpcap counts them; tcpdump prints that line only when it is not 0); at the end tcpdump's
    /// closing lines and the busiest flows, as without --tui. The view takes the terminal: no packet lines then (not
    /// with -w -, --print, --count or --connections). Not with -r: a file is counted at once, its table printed.
    #[arg(long, conflicts_with_all = ["json", "read", "print", "count_only", "connections"])]
    pub tui: bool,

    /// With --tui: how often to refresh (e.g. 500ms, 2s); with --exit-over, how often to check.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub refresh: Duration,

    /// With --stats: how many flows the kernel's table holds; more flows evict the least recently counted.
    ///
    /// The evictions are reported.
    #[arg(long, value_name = "FLOWS", default_value_t = 65536, value_parser = clap::value_parser!(u32).range(1..))]
    pub stats_entries: u32,

    /// With --stats or --tui: sum the flows into groups, a row each: process, container, pod, remote, proto.
    ///
    /// Repeat it or separate keys with commas (`--group-by process,remote`) to group by several. Packets, bytes and
    /// bitrates are the sums of the group's flows; JSON has `groups` in place of `flows`. In --tui (counting, or
    /// capturing with -w FILE) the view starts so grouped, and Tab or g cycles through the groupings; a capture's
    /// closing lines still list its busiest flows.
    #[arg(
        long,
        value_name = "KEY",
        value_enum,
        value_delimiter = ',',
        action = ArgAction::Append,
        requires = STATS_OR_VIEW
    )]
    pub group_by: Vec<GroupBy>,

    /// With --stats: stop, print the table or JSON and exit with code 2 once a group (a flow without --group-by)
    /// crosses this.
    ///
    /// A size counts the bytes since the start: 500000, 10K, 10M, 1G (powers of 1000, also KB, MB, GB) or 64KiB,
    /// 10MiB, 1GiB (powers of 1024). A rate compares the bitrate over the last --refresh interval: 5Mbit/s, 800Kbps,
    /// 2MB/s (bytes). Checked every --refresh and at the end; exit code 0 when nothing crossed it.
    #[arg(long, value_name = "SIZE|RATE", value_parser = parse_exit_over, requires = "stats", conflicts_with = "tui")]
    pub exit_over: Option<ExitOver>,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Metrics")]
pub struct MetricsFlags {
    /// Serve Prometheus metrics at http://ADDRESS/metrics (e.g. 127.0.0.1:9464, [::]:9464), live only.
    ///
    /// Counters ptstat_packets_total and ptstat_bytes_total per direction (sent from, received by or forwarded
    /// past this host's addresses), protocol, process, container, pod and namespace, remote side (a pod's
    /// namespace/name, host, internal, external: see --internal-networks) and interface. With --stats the
    /// kernel's flow table is read every second (counters keep what evicted flows counted), with the kernel's
    /// totals per protocol, the flows tracked (gauge) and evictions; its flows have no interface, so the label
    /// names the one interface counted on, and is left out when there are several (-i any, several -i, --netns,
    /// cgroup-skb): their counts are summed over them. Without --stats the captured packets are counted, with
    /// tcpdump's counters as its closing lines give them (ptstat_packets_captured_total,
    /// ptstat_packets_received_by_filter_total, ptstat_packets_dropped_by_kernel_total: lost to a full ring buffer,
    /// see -B) and the flows tracked (gauge). OpenMetrics when the Accept header asks for it; /healthz answers ok. A
    /// busy port is an error.
    #[arg(long, value_name = "ADDRESS", conflicts_with = "read")]
    pub metrics: Option<std::net::SocketAddr>,

    /// With --metrics: at most this many label sets; traffic of further ones is counted in the overflow series
    /// (process and remote "(overflow)") of its direction and protocol.
    #[arg(long, value_name = "SERIES", default_value_t = 2000, requires = "metrics",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub metrics_max_series: u32,

    /// With --metrics: a pid label too, a series per process instead of per process name.
    #[arg(long, requires = "metrics")]
    pub metrics_pid: bool,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Connection log")]
pub struct ConnectionFlags {
    /// A connection log instead of packet lines: one JSON object a line for each new flow.
    ///
    /// With its process, container and pod, and the pod of the remote address (schema in README, "Connection
    /// log").
    #[arg(long, conflicts_with_all = ["stats", "print", "count_only"])]
    pub connections: bool,

    /// With --connections: each connection once, whatever the client's port.
    ///
    /// A connection is then the protocol, the local and remote address and the server's port.
    #[arg(long, requires = "connections")]
    pub unique: bool,

    /// With --connections: only flows whose remote address is outside --internal-networks.
    #[arg(long, requires = "connections")]
    pub external: bool,

    /// With --external: the networks that are internal, a comma list of ADDRESS/PREFIX.
    #[arg(long, value_name = "CIDR,...", value_delimiter = ',', requires = "external",
          default_value = DEFAULT_INTERNAL_NETWORKS)]
    pub internal_networks: Vec<IpNetwork>,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Kubernetes")]
pub struct KubernetesFlags {
    /// With --connections: the kubeconfig of the cluster whose pods name remote addresses.
    ///
    /// Default: the files in KUBECONFIG, else the in-cluster service account, else none.
    #[arg(long, value_name = "PATH", requires = "connections")]
    pub kubeconfig: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Kernel")]
pub struct KernelFlags {
    /// The kernel's BTF (type information), for kernels without /sys/kernel/btf/vmlinux.
    ///
    /// CO-RE relocations, BTF programs and feature probes read it instead.
    #[arg(long, value_name = "FILE")]
    pub kernel_btf: Option<PathBuf>,

    /// Print ptstat's version and what this kernel offers it, and exit.
    #[arg(long)]
    pub version: bool,
}

/// `--time-stamp-precision`'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TimestampPrecision {
    Micro,
    Nano,
}

impl OutputFlags {
    /// Whether timestamps have nanoseconds: `--nano`, `--micro` and `--time-stamp-precision`, the last given
    /// counting.
    pub fn nanosecond_timestamps(&self) -> bool {
        self.nano || self.time_stamp_precision == Some(TimestampPrecision::Nano)
    }

    /// The dump below each line that -x, -X or -A ask for (-X first, then -x, as in tcpdump).
    pub fn packet_dump(&self) -> Option<PacketDump> {
        let (style, count) =
            [(DumpStyle::HexAndAscii, self.hex_and_ascii), (DumpStyle::Hex, self.hex), (DumpStyle::Ascii, self.ascii)]
                .into_iter()
                .find(|&(_, count)| count > 0)?;
        Some(PacketDump { style, link_header: count > 1 })
    }

    /// What the printer is to print, and how.
    pub fn print_options(&self) -> PrintOptions {
        PrintOptions {
            line_buffered: self.line_buffered,
            timestamp: TimestampFormat::from_t_count(self.timestamp_style),
            nanos: self.nanosecond_timestamps(),
            process_details: self.verbose > 0,
            numbered: self.number,
            decoding: Decoding {
                verbosity: self.verbose,
                quick: self.quick,
                link_header: self.link_header,
                absolute_tcp_sequence: self.absolute_tcp_sequence,
                packet_type: self.packet_type,
                asdot: self.asdot,
            },
            dump: self.packet_dump(),
            one_line: self.one_line,
        }
    }
}

impl FilterFlags {
    /// The filter expression from -F FILE or the arguments; `None` when there is none.
    pub fn expression(&self) -> anyhow::Result<Option<String>> {
        let expression = match &self.filter_file {
            Some(path) => {
                let text = read_filter_file(path).map_err(|error| anyhow::anyhow!("{path}: {error}"))?;
                // tcpdump drops `#` comments from filter files.
                text.lines().map(|line| line.split('#').next().unwrap_or_default()).collect::<Vec<_>>().join(" ")
            }
            None => self.expression.join(" "),
        };
        Ok(Some(expression.trim().to_string()).filter(|expression| !expression.is_empty()))
    }
}

/// The most of a -F file that is read: a filter is a line or a few, and /dev/zero must not fill the memory.
const FILTER_FILE_LIMIT: u64 = 1 << 20;

fn read_filter_file(path: &str) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?.take(FILTER_FILE_LIMIT + 1).read_to_string(&mut text)?;
    match text.len() as u64 > FILTER_FILE_LIMIT {
        true => Err(std::io::Error::other(format!("longer than {FILTER_FILE_LIMIT} bytes: not a filter"))),
        false => Ok(text),
    }
}

impl FileFlags {
    /// How -w files are rotated.
    pub fn rotation(&self) -> Rotation {
        Rotation {
            max_bytes: self.file_size,
            max_files: self.file_count,
            interval: self.rotate_seconds.map(Duration::from_secs),
            post_rotate: self.post_rotate.clone(),
        }
    }

    /// Whether stdout carries the capture file (`-w -`).
    pub fn streaming_to_stdout(&self) -> bool {
        self.write.as_deref() == Some("-")
    }
}

impl ContextFlags {
    pub fn selection(&self) -> Result<ContextSelection, String> {
        let Some(parts) = &self.context else { return Ok(ContextSelection::ALL) };
        let mut selection = ContextSelection::NONE;
        for part in parts.iter().filter(|part| !part.is_empty()) {
            match part.as_str() {
                "process" => selection.process = true,
                "thread" => selection.thread = true,
                "parentproc" => selection.parent = true,
                "user" => selection.user = true,
                "container" => selection.container = true,
                "pod" => selection.pod = true,
                other => {
                    return Err(format!(
                        "--context: unknown part '{other}' (process, thread, parentproc, user, container, pod)"
                    ));
                }
            }
        }
        Ok(selection)
    }

    pub fn runtime_sockets(&self) -> RuntimeSockets {
        RuntimeSockets { docker: self.docker_address.clone(), containerd: self.containerd_address.clone() }
    }
}

impl Cli {
    /// `-s 0` means the default, as in tcpdump. A connection log alone needs the headers only; a -w file beside
    /// it keeps whole packets.
    pub fn effective_snaplen(&self) -> u32 {
        match self.capture.snaplen {
            None if self.connections.connections && self.files.write.is_none() => CONNECTION_LOG_SNAPLEN,
            None | Some(0) => MAX_SNAPLEN,
            Some(snaplen) => snaplen,
        }
    }

    /// Whether each packet must reach its output as it comes rather than in batches: `-U`, `-w -` and `-l` ask
    /// for it, and so do lines (or the connection log) on a terminal, where someone watches (tcpdump sets its
    /// immediate mode alike).
    pub fn wants_each_packet_at_once(&self) -> bool {
        let writes_lines = self.files.write.is_none() || self.output.print || self.connections.connections;
        self.files.packet_buffered
            || self.files.streaming_to_stdout()
            || self.output.line_buffered
            || (writes_lines && std::io::stdout().is_terminal())
    }
}
