# Sourced by the bench scripts: the checks and the capturer handling they share. Each script stops only the
# processes it started, by the pid it kept, and removes only the interfaces and namespaces it made.

# Refuses to go on unless root, and sets $ptstat to the binary to measure ($PTSTAT, else the release build).
bench_init() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "$0: run as root (it captures, loads eBPF programs and may make interfaces)" >&2
        exit 1
    fi
    ptstat=${PTSTAT:-target/release/ptstat}
    if [ ! -x "$ptstat" ]; then
        echo "$0: no $ptstat: cargo build --release, or PTSTAT=path/to/ptstat" >&2
        exit 1
    fi
}

# How long a capturer may take to say "listening on" (ptstat loads and attaches its programs first: seconds), and to
# exit once interrupted (it drains what the kernel still holds).
capturer_start_timeout=60
capturer_stop_timeout=60
capturer_pid=

# start_capturer NAME COMMAND...: runs COMMAND in the background with its stdout in $work/NAME.out and its stderr
# in $work/NAME.err, keeps its pid in $capturer_pid, and waits for its "listening on" line (tcpdump and ptstat both
# print one once they capture). A capturer that exits first or stays silent is an error, with its stderr.
start_capturer() {
    local name=$1
    shift
    # Removed first: the redirection below truncates it in the child, perhaps after the first look at it.
    rm -f "$work/$name.err"
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    capturer_pid=$!
    local deadline=$((SECONDS + capturer_start_timeout))
    while ! grep -qs "listening on" "$work/$name.err"; do
        if ! kill -0 "$capturer_pid" 2>/dev/null; then
            local status=0
            wait "$capturer_pid" || status=$?
            capturer_pid=
            echo "$0: $name exited (status $status) before it was listening: $*" >&2
            sed 's/^/    /' "$work/$name.err" >&2
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "$0: $name did not say it was listening within ${capturer_start_timeout} s: $*" >&2
            sed 's/^/    /' "$work/$name.err" >&2
            exit 1 # cleanup stops it
        fi
        sleep 0.1
    done
}

# stop_capturer NAME: interrupts the capturer as Ctrl-C would (both then print their packet counts) and waits for
# it to exit; one that does not is killed, and that is an error.
stop_capturer() {
    local name=$1
    kill -INT "$capturer_pid"
    local deadline=$((SECONDS + capturer_stop_timeout))
    while kill -0 "$capturer_pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "$0: $name did not exit within ${capturer_stop_timeout} s of SIGINT" >&2
            sed 's/^/    /' "$work/$name.err" >&2
            exit 1 # cleanup kills it
        fi
        sleep 0.1
    done
    local status=0
    wait "$capturer_pid" || status=$?
    capturer_pid=
    if [ "$status" -ne 0 ]; then
        echo "$0: $name exited with status $status" >&2
        sed 's/^/    /' "$work/$name.err" >&2
        exit 1
    fi
}

# kill_capturer: for cleanup; stops a capturer still running (after an error), by its pid.
kill_capturer() {
    if [ -n "$capturer_pid" ]; then
        kill -KILL "$capturer_pid" 2>/dev/null || true
        wait "$capturer_pid" 2>/dev/null || true
        capturer_pid=
    fi
}

# The "N packets dropped by kernel" figure of a capturer's stderr, or "?" when it printed none.
drops_of() {
    local drops
    drops=$(awk '/packets? dropped by kernel/ { print $1 }' "$work/$1.err")
    echo "${drops:-?}"
}

# start_iperf3_server ADDRESS PORT [NAMESPACE]: an iperf3 server on ADDRESS:PORT (in network namespace NAMESPACE if
# given), its log in $work/iperf3-server.log, and waits until it listens. In the background, not daemonized (-D), so
# that its pid, kept in $server_pid, stops it (stop_iperf3_server); `ip netns exec` execs it, so the pid is iperf3's.
# One that exits first is an error, with its log.
server_pid=
start_iperf3_server() {
    local address=$1 port=$2 in_namespace=()
    [ -z "${3:-}" ] || in_namespace=(ip netns exec "$3")
    "${in_namespace[@]}" iperf3 -s -B "$address" -p "$port" >"$work/iperf3-server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        [ -z "$("${in_namespace[@]}" ss -Hltn "sport = :$port")" ] || break
        kill -0 "$server_pid" 2>/dev/null || { echo "$0: iperf3 -s exited:" >&2; cat "$work/iperf3-server.log" >&2; exit 1; }
        sleep 0.1
    done
}

# stop_iperf3_server: for cleanup; stops the server start_iperf3_server started, if any, by its pid.
stop_iperf3_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
