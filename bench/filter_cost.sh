#!/usr/bin/env bash
# Kernel cost per packet of the capture program, with and without a filter expression, from BPF_PROG_TEST_RUN
# (`bpftool prog run ... repeat N`, which reports the average time of N runs): for a packet the filter keeps and
# one it drops, and for an empty TC program as the floor. Run as root, after `cargo build --release`.
#
# The capture program is the one ptstat loads for `-i` on a veth here (its Ethernet ingress program), run on a
# TCP packet to port 80 and a UDP packet to port 53. A kept packet costs the filter, the owner lookups and the copy
# to the ring buffer (which ptstat drains meanwhile; a large -B keeps it from filling); a dropped one the filter and
# the owner lookups, which every packet needs to keep flows attributed. A filter's own cost is its row's figure less
# the "no filter" row's for a kept packet, less the "--pid 1" row's (which drops both) for a dropped one. Each
# figure is the median of ROUNDS runs.
#
# Usage: bench/filter_cost.sh [REPEAT, default 20000] [ROUNDS, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."

repeat=${1:-20000}
rounds=${2:-5}
ptstat=${PTSTAT:-target/release/ptstat}
[ -x "$ptstat" ] || { echo "build first: cargo build --release" >&2; exit 1; }

dev=ptcost0 peer=ptcost1 pinned=/sys/fs/bpf/ptstat_cost_empty
ptstat_pid=
cleanup() {
    [ -z "$ptstat_pid" ] || { kill "$ptstat_pid" 2>/dev/null || true; wait "$ptstat_pid" 2>/dev/null || true; }
    ip link del "$dev" 2>/dev/null || true
    rm -f "$pinned"
    [ -z "${work:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
cleanup
work=$(mktemp -d)
ip link add "$dev" type veth peer name "$peer"
ip link set "$dev" up
ip link set "$peer" up

# Ethernet + IPv4 (10.0.0.2 -> 10.0.0.1) + TCP to port 80 with 20 bytes of payload; the same with UDP to port 53.
python3 - "$work" <<'PY'
import struct, sys
def frame(protocol, transport):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(transport), 1, 0x4000, 64, protocol, 0,
                     bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    return bytes.fromhex("020000000001" "020000000002" "0800") + ip + transport
tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 5 << 4, 0x18, 65535, 0, 0) + b"x" * 20
udp = struct.pack("!HHHH", 40000, 53, 8 + 20, 0) + b"y" * 20
open(sys.argv[1] + "/tcp80.bin", "wb").write(frame(6, tcp))
open(sys.argv[1] + "/udp53.bin", "wb").write(frame(17, udp))
PY

# The floor: a TC program that returns at once.
cat > "$work/empty.bpf.c" <<'C'
__attribute__((section("classifier"), used)) int empty(void *skb) { return -1; }
char LICENSE[] __attribute__((section("license"), used)) = "GPL";
C
clang -O2 -target bpf -c "$work/empty.bpf.c" -o "$work/empty.bpf.o"
bpftool prog load "$work/empty.bpf.o" "$pinned" type classifier

# Median average duration in ns of `bpftool prog run PROG... data_in PACKET repeat $repeat` over $rounds runs.
median_ns() {
    local packet=$1
    shift
    for _ in $(seq "$rounds"); do
        bpftool prog run "$@" data_in "$packet" repeat "$repeat" | sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p'
    done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The id of the capture_ingress program a running ptstat holds (from its file descriptors).
capture_program_id() {
    local id
    for id in $(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u); do
        if bpftool prog show id "$id" | grep -q 'name capture_ingress'; then
            echo "$id"
            return
        fi
    done
    echo "no capture_ingress program in ptstat $1" >&2
    exit 1
}

# Prints one table row: LABEL, then ns/packet for the TCP and the UDP packet, with ptstat run with ARGS.
measure() {
    local label=$1
    shift
    # Not truncated by the redirection below: that happens in the child, maybe after the first look at the file.
    rm -f "$work/stderr"
    "$ptstat" -i "$dev" -B 65536 -w /dev/null "$@" 2>"$work/stderr" &
    ptstat_pid=$!
    for _ in $(seq 100); do
        grep -qs listening "$work/stderr" && break
        sleep 0.1
    done
    grep -qs listening "$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    local id
    id=$(capture_program_id "$ptstat_pid")
    printf '%-52s %12s %12s\n' "$label" \
        "$(median_ns "$work/tcp80.bin" id "$id")" "$(median_ns "$work/udp53.bin" id "$id")"
    kill "$ptstat_pid"
    wait "$ptstat_pid" 2>/dev/null || true
    ptstat_pid=
}

twenty_ports=$(seq -s ' ' 1000 1019 | sed 's/\([0-9]*\)/port \1 or/g')
printf '%-52s %12s %12s\n' "ns per packet" "TCP port 80" "UDP port 53"
printf '%-52s %12s %12s\n' "empty TC program" "$(median_ns "$work/tcp80.bin" pinned "$pinned")" \
    "$(median_ns "$work/udp53.bin" pinned "$pinned")"
measure "capture, no filter"
# No process owns the test packets: this drops both after the owner lookups, as a filter that drops them does.
measure "capture, --pid 1 (no filter)" --pid 1
for expression in "tcp port 80" "host 10.0.0.1 and tcp port 80" "tcp[tcpflags] & tcp-push != 0"; do
    measure "capture, $expression" $expression
done
measure "capture, port 1000 or ... or port 1019 or port 80" $twenty_ports port 80
