#!/usr/bin/env bash
# CPU per captured packet and memory of the capturer, measured in one run against tcpdump (issue 13, targets 2 and
# 5). Run as root, after `cargo build --release` (or with PTSTAT=path/to/ptstat).
#
# The capturer runs as a child of the helper below, on lo. Once it says "listening on", iperf3 sends a fixed
# flood of PACKETS 64-byte UDP datagrams as fast as it can (-b 0) to a server on 127.0.0.1 that this script
# started; when the capturer has gone idle (it has taken all the kernel holds), it gets SIGINT, as from Ctrl-C,
# and its resource usage comes from wait4(2): user + system time of all its threads, and its maximum RSS. CPU per
# packet is that time over the packets it says it captured ("N packets captured", which tcpdump prints too). The
# time spent in the kernel's BPF programs and socket filters is the sender's, not the capturer's: see
# bench/throughput.sh and bench/filter_cost.sh for that.
#
# Modes (tcpdump and ptstat in turn, with the same arguments, at their default settings otherwise: ptstat with
# process context on):
#   write: -i lo -s 96 -w FILE (a pcap for tcpdump, a PcapNG with process comments for ptstat)
#   print: -i lo -n, its lines into a pipe (a `cat >/dev/null` the helper starts)
# Printed for each: CPU µs per captured packet over the whole run and after "listening on" (without the start,
# where ptstat loads its programs and reads /proc), the ratio ptstat / tcpdump, packets captured and dropped by
# kernel, the receiver's loss (datagrams the iperf3 server got of those sent), and the maximum RSS.
# In write mode also the bytes each wrote per captured packet (file size / packets: ptstat's PcapNG blocks carry
# the process comments, tcpdump's pcap records none), and the floor for those bytes: the CPU that this script
# itself spends (getrusage, user + system; the least of three tries) writing a file of that size to the same
# directory in the capturer's write(2) size (tcpdump's stdio writes st_blksize, 4 KiB here; ptstat
# FILE_BUFFER_BYTES, 256 KiB), per packet.
# What a capturer spends above its floor is its own: reading the kernel's buffer, decoding, attributing, encoding.
# Other traffic on lo during the run is captured too: run it on a quiet machine.
#
# Usage: bench/cpu.sh [PACKETS, default 1000000] [MODES, default write,print]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

packets=${1:-1000000}
modes=${2:-write,print}
bench_init

# Not iperf3's default port, which other work on this machine may use.
port=5299
cleanup() {
    stop_iperf3_server
    [ -z "${work:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
work=$(mktemp -d)

start_iperf3_server 127.0.0.1 "$port"

python3 - "$ptstat" "$work" "$port" "$packets" "$modes" <<'PY'
import json, os, re, resource, signal, subprocess, sys, time

ptstat, work, port, packets, modes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
START_TIMEOUT = 60   # ptstat loads and attaches its programs before it listens: seconds
STOP_TIMEOUT = 60    # to exit once interrupted, after writing what it holds
FLOOD_TIMEOUT = 120 + packets / 20000  # iperf3 sends well over 20k datagrams a second here
TICK = os.sysconf("SC_CLK_TCK")
# The size of ptstat's writes to a capture file: FILE_BUFFER_BYTES in src/sink/capture_file.rs.
PTSTAT_WRITE_BYTES = 256 * 1024

class Failed(Exception):
    pass

def cpu_seconds(pid):
    """User + system time of all of PID's threads so far, from /proc (to a clock tick, 10 ms)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK

def stderr_of(path):
    with open(path, errors="replace") as f:
        return "".join("    " + line for line in f)

def flood():
    """Sends the flood; returns iperf3's "sum": the datagrams sent and those the server lost of them."""
    try:
        client = subprocess.run(
            ["iperf3", "-c", "127.0.0.1", "-p", port, "-u", "-l", "64", "-b", "0", "-n", str(64 * packets), "-J"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=FLOOD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failed(f"the iperf3 flood did not end within {FLOOD_TIMEOUT:.0f} s")
    if client.returncode != 0:
        raise Failed(f"iperf3 -c failed (status {client.returncode}):\n{client.stdout}{client.stderr}")
    return json.loads(client.stdout)["end"]["sum"]

def write_floor(directory, total, write_bytes):
    """CPU seconds (user + system) this process spends writing TOTAL bytes to a new file in DIRECTORY, WRITE_BYTES
    at a time: what writing a capturer's output costs the kernel without any capturing. The least of three tries,
    each after sync(2), so that writing back the capturers' files (or other work) weighs on none of them."""
    return min(write_once(directory, total, write_bytes) for _ in range(3))

def write_once(directory, total, write_bytes):
    os.sync()
    block = bytes(write_bytes)
    path = f"{directory}/floor"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        before = resource.getrusage(resource.RUSAGE_SELF)
        left = total
        while left > 0:
            left -= os.write(fd, block[:left] if left < write_bytes else block)
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        os.close(fd)
        os.unlink(path)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def run(name, argv, printing, output=None):
    """Runs one capturer through the flood; returns its figures."""
    err_path = f"{work}/{name}.err"
    err = open(err_path, "w")
    cat = None
    if printing:
        # Its lines go into a pipe, as to a pager or grep; cat's own time is not the capturer's.
        read_end, write_end = os.pipe()
        cat = subprocess.Popen(["cat"], stdin=read_end, stdout=subprocess.DEVNULL)
        os.close(read_end)
        stdout = write_end
    else:
        stdout = subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err)
    if printing:
        os.close(stdout)
    err.close()
    reaped = False
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "listening on" not in open(err_path, errors="replace").read():
            if proc.poll() is not None:
                reaped = True
                raise Failed(f"{name} exited (status {proc.returncode}) before it was listening: "
                             f"{' '.join(argv)}\n{stderr_of(err_path)}")
            if time.monotonic() > deadline:
                raise Failed(f"{name} did not say it was listening within {START_TIMEOUT} s: {' '.join(argv)}\n"
                             f"{stderr_of(err_path)}")
            time.sleep(0.05)
        cpu_at_start = cpu_seconds(proc.pid)

        sent = flood()

        # The capturer may still be writing what the kernel holds: wait until it has gone idle (no more CPU for
        # 1.5 s, longer than tcpdump's 1 s buffer timeout, after which the kernel hands it its last partial block),
        # at most STOP_TIMEOUT.
        deadline = time.monotonic() + STOP_TIMEOUT
        before, quiet = cpu_seconds(proc.pid), 0
        while quiet < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
            now = cpu_seconds(proc.pid)
            quiet = quiet + 1 if now - before < 0.01 else 0
            before = now

        proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + STOP_TIMEOUT
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                raise Failed(f"{name} did not exit within {STOP_TIMEOUT} s of SIGINT\n{stderr_of(err_path)}")
            time.sleep(0.05)
        reaped = True
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise Failed(f"{name} exited with status {proc.returncode}\n{stderr_of(err_path)}")
    finally:
        if not reaped:
            proc.kill()
            proc.wait()
        if cat:
            try:
                cat.wait(timeout=STOP_TIMEOUT)  # EOF once the capturer has exited
            except subprocess.TimeoutExpired:
                cat.kill()
                cat.wait()

    text = open(err_path, errors="replace").read()
    def count(what):
        m = re.search(rf"^(\d+) packets? {what}", text, re.M)
        if not m:
            raise Failed(f"{name} printed no \"packets {what}\" line:\n{stderr_of(err_path)}")
        return int(m.group(1))
    captured = count("captured")
    if captured == 0:
        raise Failed(f"{name} captured nothing:\n{stderr_of(err_path)}")
    cpu = usage.ru_utime + usage.ru_stime
    written = os.path.getsize(output) if output else 0
    return {
        "bytes": written / captured,
        "cpu": cpu,
        "us": 1e6 * cpu / captured,
        "us_flood": 1e6 * max(cpu - cpu_at_start, 0) / captured,
        "captured": captured,
        "dropped": count("dropped by kernel"),
        "sent": sent["packets"],
        "lost": sent["lost_packets"],
        "rss": usage.ru_maxrss / 1024,  # KiB on Linux
    }

def received(sent, lost):
    return f"{sent - lost:11}/{sent:<9}{100 * lost / sent if sent else 0:6.1f}%"

def row(name, r):
    return (f"{name:10}{r['us']:9.3f}{r['us_flood']:10.3f}{r['cpu']:8.2f}{r['captured']:11}{r['dropped']:10}"
            f"{received(r['sent'], r['lost'])}{r['rss']:9.1f}")

arguments = {
    "write": (["-i", "lo", "-s", "96", "-w", "FILE"], False),
    "print": (["-i", "lo", "-n"], True),
}
try:
    print(f"lo, a flood of {packets} 64-byte UDP datagrams (iperf3 -b 0); CPU: user + system of the capturer, "
          f"µs per captured packet, over its whole run and without its start (until it was listening)")
    # The receiver's loss with nothing attached, to compare the capturers' with (a flood on lo loses some anyway).
    alone = flood()
    print(f"nothing attached: the receiver got {received(alone['packets'], alone['lost_packets']).strip()}")
    rss_ok = True
    for mode in modes.split(","):
        if mode not in arguments:
            raise Failed(f"no mode {mode!r}: write or print")
        args, printing = arguments[mode]
        files = {"tcpdump": f"{work}/tcpdump.pcap", "ptstat": f"{work}/ptstat.pcapng"} if "FILE" in args else {}
        td = run("tcpdump", ["tcpdump"] + [files.get("tcpdump") if a == "FILE" else a for a in args], printing,
                 files.get("tcpdump"))
        pt = run("ptstat", [ptstat] + [files.get("ptstat") if a == "FILE" else a for a in args], printing,
                 files.get("ptstat"))
        if mode == "print":
            rss_ok = rss_ok and pt["rss"] < 64
        shown = " ".join(args) + (" | cat >/dev/null" if printing else "")
        print()
        print(f"{mode}: {shown}")
        print(f"{'':10}{'µs/pkt':>9}{'w/o start':>10}{'cpu s':>8}{'captured':>11}{'dropped':>10}"
              f"{'receiver got/sent':>21}{'loss':>7}{'RSS MiB':>9}")
        print(row("tcpdump", td))
        print(row("ptstat", pt))
        if files:
            # Each capturer's file is removed first: its pages are no longer in the page cache to be written back.
            floors = {}
            writes = [("tcpdump", td, os.stat(work).st_blksize), ("ptstat", pt, PTSTAT_WRITE_BYTES)]
            for name, r, write_bytes in writes:
                os.unlink(files[name])
                floors[name] = 1e6 * write_floor(work, round(r["bytes"] * r["captured"]), write_bytes) / r["captured"]
            print(f"bytes written per packet: tcpdump {td['bytes']:.0f}, ptstat {pt['bytes']:.0f}; "
                  f"floor (writing those bytes alone, µs/pkt): tcpdump {floors['tcpdump']:.3f}, "
                  f"ptstat {floors['ptstat']:.3f}; above the floor without the start: "
                  f"tcpdump {td['us_flood'] - floors['tcpdump']:.3f}, ptstat {pt['us_flood'] - floors['ptstat']:.3f}")
        ratio, ratio_flood = pt["us"] / td["us"], pt["us_flood"] / td["us_flood"] if td["us_flood"] else float("nan")
        print(f"ptstat / tcpdump: CPU per packet {ratio:.2f} (target <= 1: {'ok' if ratio <= 1 else 'MISSED'}), "
              f"without the start {ratio_flood:.2f}; RSS {pt['rss'] / td['rss']:.2f}")
    print()
    print("targets: CPU per captured packet <= tcpdump's in the same run (write and print); "
          f"ptstat's RSS < 64 MiB under a flood at default settings (print): {'ok' if rss_ok else 'MISSED'}")
except Failed as e:
    print(f"bench/cpu.sh: {e}", file=sys.stderr)
    sys.exit(1)
PY
