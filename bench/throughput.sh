#!/usr/bin/env bash
# Throughput cost of capturing and of counting, measured in one run against tcpdump (run as root, after
# `cargo build --release`).
#
# A veth pair joins this namespace to a private one with an iperf3 server. For TCP (iperf3 default) and a UDP
# flood of 64-byte datagrams, it measures throughput with nothing attached, with `tcpdump -w`, with `ptstat -w`
# (same snaplen, same disk) and with `ptstat --stats` (in-kernel counting), and prints each as a ratio of the
# unattached figure (measured before and after the others, averaged), with the capturer's drop count.
# Figures vary run to run by about 10%: compare within one run.
#
# Usage: bench/throughput.sh [SECONDS per measurement, default 5] [SNAPLEN, default 96]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-5}
snaplen=${2:-96}
ptstat=${PTSTAT:-target/release/ptstat}
[ -x "$ptstat" ] || { echo "build first: cargo build --release" >&2; exit 1; }

ns=ptstat-bench host_if=ptbenchh peer_if=ptbenchp host_ip=10.78.0.1 peer_ip=10.78.0.2
cleanup() {
    pkill -f "iperf3 -s -B $peer_ip" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    ip link del "$host_if" 2>/dev/null || true
    [ -z "${work:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
cleanup
work=$(mktemp -d)
ip netns add "$ns"
ip link add "$host_if" type veth peer name "$peer_if" netns "$ns"
ip addr add "$host_ip/24" dev "$host_if"
ip link set "$host_if" up
ip -n "$ns" addr add "$peer_ip/24" dev "$peer_if"
ip -n "$ns" link set "$peer_if" up
ip -n "$ns" link set lo up
ip netns exec "$ns" iperf3 -s -B "$peer_ip" -D
sleep 0.5

# Prints "TCP-bits-per-second UDP-packets-per-second" as received by the server.
measure() {
    local tcp udp
    tcp=$(iperf3 -c "$peer_ip" -t "$seconds" -J | python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])')
    udp=$(iperf3 -c "$peer_ip" -u -l 64 -b 0 -t "$seconds" -J | python3 -c '
import json, sys
s = json.load(sys.stdin)["end"]["sum"]
print((s["packets"] - s["lost_packets"]) / s["seconds"])')
    echo "$tcp $udp"
}

# Runs measure() while CAPTURER captures; prints "TCP UDP DROPS".
measure_with() {
    local name=$1; shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    local pid=$!
    for _ in $(seq 100); do grep -qs "listening on" "$work/$name.err" && break; sleep 0.1; done
    local figures
    figures=$(measure)
    kill -INT "$pid"; wait "$pid" || true
    local drops
    drops=$(awk '/dropped by kernel/ {print $1}' "$work/$name.err")
    echo "$figures ${drops:-?}"
}

read -r base1_tcp base1_udp <<<"$(measure)"
read -r tcpdump_tcp tcpdump_udp tcpdump_drops <<<"$(measure_with tcpdump tcpdump -i "$host_if" -s "$snaplen" -w "$work/tcpdump.pcap")"
read -r ptstat_tcp ptstat_udp ptstat_drops <<<"$(measure_with ptstat "$ptstat" -i "$host_if" -s "$snaplen" -w "$work/ptstat.pcapng")"
read -r stats_tcp stats_udp _ <<<"$(measure_with stats "$ptstat" --stats -i "$host_if")"
read -r base2_tcp base2_udp <<<"$(measure)"

python3 - "$base1_tcp" "$base1_udp" "$base2_tcp" "$base2_udp" "$tcpdump_tcp" "$tcpdump_udp" "$tcpdump_drops" \
    "$ptstat_tcp" "$ptstat_udp" "$ptstat_drops" "$stats_tcp" "$stats_udp" "$snaplen" <<'PY'
import sys
b1_tcp, b1_udp, b2_tcp, b2_udp, td_tcp, td_udp = map(float, sys.argv[1:7])
td_drops = sys.argv[7]
pt_tcp, pt_udp = map(float, sys.argv[8:10])
pt_drops = sys.argv[10]
st_tcp, st_udp = map(float, sys.argv[11:13])
snaplen = sys.argv[13]
base_tcp, base_udp = (b1_tcp + b2_tcp) / 2, (b1_udp + b2_udp) / 2
print(f"nothing attached, before and after: TCP {b1_tcp/1e9:.2f} and {b2_tcp/1e9:.2f} Gbit/s, "
      f"UDP {b1_udp/1e3:.1f} and {b2_udp/1e3:.1f} kpps")
print(f"veth, snaplen {snaplen}; ratios are of the figure with nothing attached")
print(f"{'':22}{'TCP Gbit/s':>12}{'ratio':>8}{'UDP64 kpps':>12}{'ratio':>8}{'drops':>10}")
print(f"{'nothing attached':22}{base_tcp/1e9:12.2f}{1:8.2f}{base_udp/1e3:12.1f}{1:8.2f}{'-':>10}")
print(f"{'tcpdump -w':22}{td_tcp/1e9:12.2f}{td_tcp/base_tcp:8.2f}{td_udp/1e3:12.1f}{td_udp/base_udp:8.2f}{td_drops:>10}")
print(f"{'ptstat -w':22}{pt_tcp/1e9:12.2f}{pt_tcp/base_tcp:8.2f}{pt_udp/1e3:12.1f}{pt_udp/base_udp:8.2f}{pt_drops:>10}")
print(f"{'ptstat --stats':22}{st_tcp/1e9:12.2f}{st_tcp/base_tcp:8.2f}{st_udp/1e3:12.1f}{st_udp/base_udp:8.2f}{'-':>10}")
print(f"ptstat / tcpdump: TCP {pt_tcp/td_tcp:.2f}, UDP {pt_udp/td_udp:.2f}")
print(f"ptstat --stats / tcpdump: TCP {st_tcp/td_tcp:.2f}, UDP {st_udp/td_udp:.2f}; "
      f"--stats costs {100*(1-st_tcp/base_tcp):.1f}% of TCP throughput")
PY
