#!/usr/bin/env bash
# The kernel time ptstat's programs take under real traffic, as the kernel counts it (kernel.bpf_stats_enabled:
# run_time_ns over run_cnt of each program): while ptstat captures on lo (-s 96 -w FILE, then --stats), iperf3
# floods lo with 64-byte UDP datagrams for SECONDS to a server this script started. Printed for each of ptstat's
# programs that ran for most datagrams: its runs, ns per run, runs per datagram the server got and ns per datagram;
# and the ns per datagram of all its programs together. The send and receive hooks (owner_send, owner_recv; on
# kernels before 6.3 their fentry or kprobe twins) run for every send and receive of any process on the host while
# ptstat runs, captured or not: what ptstat costs traffic it does not even look at. bench/filter_cost.sh's
# BPF_PROG_TEST_RUN figures leave out what real traffic adds (cold caches, maps shared by two CPUs); these include
# it, and bpf_stats' own cost too (two clock reads a run, some tens of ns): compare them within one run, or between
# builds (PTSTAT=...) run one after the other. tcpdump runs no such programs. Run as root, after
# `cargo build --release` (or with PTSTAT=path/to/ptstat).
#
# Usage: bench/hooks.sh [SECONDS, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

seconds=${1:-5}
bench_init

# Not iperf3's default port, nor cpu.sh's.
port=5298
stats_were=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
    kill_capturer
    stop_iperf3_server
    sysctl -qw kernel.bpf_stats_enabled="$stats_were"
    [ -z "${work:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
work=$(mktemp -d)

start_iperf3_server 127.0.0.1 "$port"
sysctl -qw kernel.bpf_stats_enabled=1

echo "ptstat's programs under a ${seconds} s flood of 64-byte UDP datagrams on lo (kernel.bpf_stats_enabled)"
printf '%-9s %-22s %10s %9s %12s %12s\n' mode program runs ns/run runs/packet ns/packet
# measure MODE ARGS...: ptstat with ARGS on lo during the flood; one line per program of its that ran.
measure() {
    local mode=$1
    shift
    # ptstat's programs are those loaded after this (bpftool here cannot tell which process holds a program).
    local before
    before=$(bpftool -j prog show | python3 -c 'import json, sys; print(max([p["id"] for p in json.load(sys.stdin)], default=0))')
    start_capturer "$mode" "$ptstat" -i lo "$@"
    timeout $((seconds + 30)) iperf3 -c 127.0.0.1 -p "$port" -u -l 64 -b 0 -t "$seconds" -J >"$work/iperf3.json"
    # Read while ptstat runs: its programs go with it.
    bpftool -j prog show >"$work/programs.json"
    python3 - "$work/programs.json" "$work/iperf3.json" "$before" "$mode" <<'PY'
import json, sys
programs, flood, before, mode = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3]), sys.argv[4]
end = flood["end"]["sum"]
received = end["packets"] - end["lost_packets"]
total = 0
for program in programs:
    runs, ns = program.get("run_cnt", 0), program.get("run_time_ns", 0)
    total += ns if program["id"] > before else 0
    # Programs that run per packet; the others (socket creation, process events) ran a few times.
    if program["id"] > before and runs >= received / 100:
        print(f"{mode:<9} {program['name']:<22} {runs:>10} {ns / runs:>9.1f} {runs / received:>12.2f} {ns / received:>12.1f}")
print(f"{mode:<9} {'all of them':<22} {'':>10} {'':>9} {'':>12} {total / received:>12.1f}")
print(f"{mode:<9} ({received} datagrams received of {end['packets']} sent)")
PY
    stop_capturer "$mode"
}
measure write -s 96 -w "$work/capture.pcapng"
measure stats --stats
