//! Command-line flags, named and behaving like tcpdump's where tcpdump has them.

use clap::{ArgAction, Parser};

use crate::{
    enrich::{
        ContextSelection,
        containers::{PodName, RuntimeSockets},
    },
    sink::{
        connections::{CONNECTION_LOG_SNAPLEN, DEFAULT_INTERNAL_NETWORKS, IpNetwork},
        print::{DumpStyle, PacketDump},
    },
    source::live::{
        Directions, MAX_SNAPLEN, TcMode,
        backend::{Backend, XdpMode},
    },
};

/// A duration: a number with a unit (`500ms`, `10s`, `2m`, `1h`), or plain seconds (`1.5`).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("invalid duration {text} (e.g. 500ms, 10s, 2m)")),
    };
    match number.parse::<f64>() {
        Ok(value) if value > 0.0 && value.is_finite() => Ok(std::time::Duration::from_secs_f64(value * scale)),
        _ => Err(format!("invalid duration {text} (e.g. 500ms, 10s, 2m)")),
    }
}

fn not_empty(text: &str) -> Result<String, String> {
    match text.is_empty() {
        true => Err("must not be empty".to_string()),
        false => Ok(text.to_string()),
    }
}

/// Docker shows its names with a leading slash in places (`/web`); people mean the same container either way.
fn container_name(text: &str) -> Result<String, String> {
    not_empty(text.strip_prefix('/').unwrap_or(text))
}

/// -C's size: millions of bytes, or KiB, MiB, GiB with a k, m or g suffix, as tcpdump reads it.
fn parse_file_size(text: &str) -> Result<u64, String> {
    let (number, unit) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 1 << 10),
        Some((at, 'm' | 'M')) => (&text[..at], 1 << 20),
        Some((at, 'g' | 'G')) => (&text[..at], 1 << 30),
        _ => (text, 1_000_000),
    };
    match number.parse::<u64>() {
        Ok(count) if count > 0 => Ok(count * unit),
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
    /// Capture on this interface (repeatable); `any` captures on every interface, also ones created later.
    /// Default: the first up, non-loopback interface.
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interfaces: Vec<String>,

    /// Capture on the interfaces of this network namespace (repeatable): /run/netns/NAME, /proc/PID/ns/net, or
    /// `any` for every namespace, also ones created later. -i then names interfaces inside them; without -i (or
    /// with -i any), all of their interfaces. Lines call them IFACE@NETNS.
    #[arg(long = "netns", value_name = "PATH", conflicts_with_all = ["stats", "read"])]
    pub netns: Vec<String>,

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

    /// Keep at most this many bytes of each packet; 0 means the default, 262144 (128 with --connections and
    /// no -w: the log reads headers only).
    #[arg(short = 's', long = "snapshot-length", value_name = "SNAPLEN",
          value_parser = clap::value_parser!(u32).range(0..=MAX_SNAPLEN as i64))]
    pub snaplen: Option<u32>,

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

    /// Print each packet in hex below its line, without its link-level header (-xx: with it).
    #[arg(short = 'x', action = ArgAction::Count)]
    pub hex: u8,

    /// Print each packet in hex and ASCII below its line, without its link-level header (-XX: with it).
    #[arg(short = 'X', action = ArgAction::Count)]
    pub hex_and_ascii: u8,

    /// Print each packet in ASCII below its line, without its link-level header (-AA: with it).
    #[arg(short = 'A', action = ArgAction::Count)]
    pub ascii: u8,

    /// Capture only the packets of this process (repeatable).
    #[arg(long = "pid", value_name = "PID")]
    pub pids: Vec<u32>,

    /// Capture only the packets of processes with this name (as in /proc/PID/comm: at most 15 characters).
    #[arg(long = "pname", value_name = "NAME")]
    pub process_name: Option<String>,

    /// Capture only the packets of processes of this user id.
    #[arg(long = "uid", value_name = "UID")]
    pub uid: Option<u32>,

    /// With --pid or --pname, also the packets of their children, born after ptstat started
    /// (ptcpdump's -f; tcpdump's -f, numeric foreign addresses, has no use in ptstat, which always prints numbers).
    #[arg(short = 'f', long = "follow-forks")]
    pub follow_forks: bool,

    /// Capture only the packets of processes in containers whose id starts with this (repeatable: any of them),
    /// also containers that start later.
    #[arg(long = "container-id", value_name = "PREFIX", value_parser = not_empty)]
    pub container_ids: Vec<String>,

    /// Capture only the packets of processes in containers of this name: Docker's, nerdctl's or Kubernetes'
    /// (repeatable: any of them), also containers that start later.
    #[arg(long = "container-name", value_name = "NAME", value_parser = container_name)]
    pub container_names: Vec<String>,

    /// Capture only the packets of processes in this Kubernetes pod's containers (repeatable: any of them), also
    /// containers that start later.
    #[arg(long = "pod-name", value_name = "NAME.NAMESPACE")]
    pub pod_names: Vec<PodName>,

    /// What to tell of each packet's process, in lines and PcapNG comments: a comma list of process, thread,
    /// parentproc, user, container, pod (repeatable; default: all; `--context=` for none, lines as tcpdump prints
    /// them).
    #[arg(long, value_name = "PARTS", value_delimiter = ',', num_args = 0..)]
    pub context: Option<Vec<String>>,

    /// Print more: more of each protocol's header and checksums (-vv, -vvv: still more), and the process,
    /// thread, user, parent, container and pod lines below each packet.
    #[arg(short = 'v', action = ArgAction::Count)]
    pub verbose: u8,

    /// Read the filter expression from this file (the expression arguments are then ignored, as in tcpdump).
    #[arg(short = 'F', value_name = "FILE")]
    pub filter_file: Option<String>,

    /// Print the compiled filter program and exit: -d readable, -dd as a C array, -ddd as decimal numbers.
    #[arg(short = 'd', action = ArgAction::Count)]
    pub dump_filter: u8,

    /// A pcap-filter(7) expression: only packets it accepts are captured (in the kernel) or read.
    #[arg(value_name = "EXPRESSION")]
    pub expression: Vec<String>,

    /// With -v: print everything about a packet on its one line (the process details and the verbose protocol
    /// text that otherwise take lines of their own).
    #[arg(long = "oneline")]
    pub one_line: bool,

    /// Run this command (after --) and capture only its traffic and its children's; stop when it exits.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,

    /// Start a new -w file once the current one is larger than this many millions of bytes
    /// (or with a suffix: k = KiB, m = MiB, g = GiB).
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

    /// Capture only packets received (in), sent (out), or both (inout, the default).
    #[arg(short = 'Q', long = "direction", value_enum, default_value_t = Directions::Inout)]
    pub directions: Directions,

    /// With -r: print only the number of packets (that match the filter).
    #[arg(long = "count")]
    pub count_only: bool,

    /// The link type to capture with: only each interface's own is available (EN10MB or RAW), as -L lists.
    #[arg(short = 'y', long = "linktype", value_name = "TYPE")]
    pub link_type: Option<String>,

    /// List the link types of the interface (-i) and exit.
    #[arg(short = 'L', long = "list-data-link-types")]
    pub list_link_types: bool,

    /// Accepted for tcpdump's sake: TC hooks see every packet the interface handles, promiscuous or not.
    #[arg(short = 'p', long = "no-promiscuous-mode")]
    pub no_promiscuous: bool,

    /// How to attach to TC: auto (TCX on kernel 6.6 and later, else clsact), tcx or clsact.
    #[arg(long, value_enum, default_value_t = TcMode::Auto)]
    pub tc_mode: TcMode,

    /// Docker's API socket, asked for the names, images and labels of containers (default /var/run/docker.sock,
    /// whose absence is no warning; a daemon that does not answer is one).
    #[arg(long, value_name = "PATH")]
    pub docker_address: Option<String>,

    /// containerd's API socket, asked about the containers of its namespaces default, moby and k8s.io (Kubernetes
    /// pods: from their CRI labels; default /run/containerd/containerd.sock, whose absence is no warning).
    #[arg(long, value_name = "PATH")]
    pub containerd_address: Option<String>,

    /// Statistics instead of packets: count packets and bytes per flow and process in the kernel (no event per
    /// packet) and print a table at exit (Ctrl-C, SIGTERM, --timeout), or JSON (--json), or a live view (--tui).
    #[arg(long)]
    pub stats: bool,

    /// Where the programs run: tc (ingress and egress of each interface), xdp (received packets only, before the
    /// kernel allocates anything) or cgroup-skb (the packets of a cgroup's sockets, any interface: --cgroup).
    #[arg(long, value_enum, default_value_t = Backend::Tc)]
    pub backend: Backend,

    /// How to attach XDP: auto (native where the driver can, else generic), generic, native or offload.
    #[arg(long, value_enum, default_value_t = XdpMode::Auto)]
    pub xdp_mode: XdpMode,

    /// With --backend cgroup-skb: the cgroup v2 directory whose processes' packets to see (default: the root,
    /// the whole host).
    #[arg(long, value_name = "PATH")]
    pub cgroup: Option<std::path::PathBuf>,

    /// Stop after this long (e.g. 30s, 5m): with --stats, print the table then.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<std::time::Duration>,

    /// With --stats: print the statistics as JSON (schema in README).
    #[arg(long, requires = "stats")]
    pub json: bool,

    /// With --stats: a live table in the terminal (keys in README), bitrates over the last refresh interval.
    #[arg(long, requires = "stats", conflicts_with = "json")]
    pub tui: bool,

    /// With --tui: how often to refresh (e.g. 500ms, 2s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub refresh: std::time::Duration,

    /// With --stats: how many flows the kernel's table holds; more flows evict the least recently counted (and
    /// the evictions are reported).
    #[arg(long, value_name = "FLOWS", default_value_t = 65536, value_parser = clap::value_parser!(u32).range(1..))]
    pub stats_entries: u32,

    /// The kernel's BTF (type information), for kernels without /sys/kernel/btf/vmlinux: CO-RE relocations, BTF
    /// programs and feature probes read it instead.
    #[arg(long, value_name = "FILE")]
    pub kernel_btf: Option<std::path::PathBuf>,

    /// Print ptstat's version and what this kernel offers it, and exit.
    #[arg(long)]
    pub version: bool,

    /// A connection log instead of packet lines: one JSON object a line for each new flow, with its process,
    /// container and pod, and the pod of the remote address (schema in README, "Connection log").
    #[arg(long, conflicts_with_all = ["stats", "print", "count_only"])]
    pub connections: bool,

    /// With --connections: each connection once, whatever the client's port: a connection is the protocol, the
    /// local and remote address and the server's port.
    #[arg(long, requires = "connections")]
    pub unique: bool,

    /// With --connections: only flows whose remote address is outside --internal-networks.
    #[arg(long, requires = "connections")]
    pub external: bool,

    /// With --external: the networks that are internal, a comma list of ADDRESS/PREFIX.
    #[arg(long, value_name = "CIDR,...", value_delimiter = ',', requires = "external",
          default_value = DEFAULT_INTERNAL_NETWORKS)]
    pub internal_networks: Vec<IpNetwork>,

    /// With --connections: the kubeconfig of the cluster whose pods name remote addresses (default: the files in
    /// KUBECONFIG, else the in-cluster service account, else none).
    #[arg(long, value_name = "PATH", requires = "connections")]
    pub kubeconfig: Option<std::path::PathBuf>,
}

/// `--time-stamp-precision`'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TimestampPrecision {
    Micro,
    Nano,
}

impl Cli {
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

    /// The filter expression from -F FILE or the arguments; `None` when there is none.
    pub fn filter_expression(&self) -> anyhow::Result<Option<String>> {
        let expression = match &self.filter_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|error| anyhow::anyhow!("{path}: {error}"))?;
                // tcpdump drops `#` comments from filter files.
                text.lines().map(|line| line.split('#').next().unwrap_or_default()).collect::<Vec<_>>().join(" ")
            }
            None => self.expression.join(" "),
        };
        Ok(Some(expression.trim().to_string()).filter(|expression| !expression.is_empty()))
    }

    pub fn context_selection(&self) -> Result<ContextSelection, String> {
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

    /// `-s 0` means the default, as in tcpdump. A connection log alone needs the headers only; a -w file beside
    /// it keeps whole packets.
    pub fn effective_snaplen(&self) -> u32 {
        match self.snaplen {
            None if self.connections && self.write.is_none() => CONNECTION_LOG_SNAPLEN,
            None | Some(0) => MAX_SNAPLEN,
            Some(snaplen) => snaplen,
        }
    }
}
