# Shared by the benchmark scripts in this folder (sourced from the repository root): messages, a
# work directory removed on exit with the broker and subscriber it started, the mqtk binary to
# measure (built in release mode unless MQTK is set), an empty HOME so no options file changes the
# clients, and a TCP port probe.

step() { printf '\n==> %s\n' "$*" >&2; }
die() {
    echo "error: $*" >&2
    exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mqtk-bench.XXXXXX")
BROKER_PID=
SUB_PID=
cleanup() {
    [ -n "$SUB_PID" ] && kill "$SUB_PID" 2>/dev/null || true
    if [ -n "$BROKER_PID" ]; then
        kill "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${MQTK:-}" ]; then
    [ -x "$MQTK" ] || die "MQTK=$MQTK is not an executable"
else
    step "Building mqtk (release)"
    cargo build --release --locked >&2
    target_dir=$(cargo metadata --format-version 1 --no-deps |
        grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)
    MQTK="$target_dir/release/mqtk"
fi

# An empty home (after building: rustup needs the real one), so a ~/.config/mosquitto_pub or
# mosquitto_sub options file cannot change what the clients do.
# REAL_HOME is for rustup (building anything else).
REAL_HOME=$HOME
mkdir -p "$WORK/home"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts a private mosquitto on a free loopback port (sets PORT and BROKER_PID; its log is
# BROKER_LOG). No persistence, no $SYS updates mid-measurement, `subscribe` logging so a script can
# tell when a subscriber is ready, and room for every QoS 1/2 message of a subscriber that falls
# behind (the default of 1000 drops them). BROKER_NODELAY=1 adds `set_tcp_nodelay true`.
BROKER_LOG="$WORK/mosquitto.log"
start_broker() {
    local attempt i conf="$WORK/mosquitto.conf"
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        PORT=$((20000 + RANDOM % 40000))
        port_open "$PORT" && continue
        {
            echo "listener $PORT 127.0.0.1"
            echo "allow_anonymous true"
            # As root mosquitto drops to user `mosquitto`, which cannot write our log.
            [ "$(id -u)" -eq 0 ] && echo "user root"
            echo "persistence false"
            echo "sys_interval 0"
            echo "max_queued_messages 1000000"
            [ "${BROKER_NODELAY:-0}" = 1 ] && echo "set_tcp_nodelay true"
            echo "log_dest file $BROKER_LOG"
            for t in error warning notice information subscribe; do echo "log_type $t"; done
        } >"$conf"
        : >"$BROKER_LOG"
        mosquitto -c "$conf" 2>>"$WORK/mosquitto.stderr" &
        BROKER_PID=$!
        for i in $(seq 1 500); do
            kill -0 "$BROKER_PID" 2>/dev/null || break
            if grep -q ' running' "$BROKER_LOG" && port_open "$PORT"; then
                return 0
            fi
            sleep 0.01
        done
        kill "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
        BROKER_PID=
        grep -q 'Address already in use' "$BROKER_LOG" "$WORK/mosquitto.stderr" 2>/dev/null && continue
        cat "$BROKER_LOG" "$WORK/mosquitto.stderr" >&2
        die "mosquitto did not start"
    done
    die "no free port for mosquitto after 10 attempts"
}

# CPU time of one process: `measure FILE CMD…` runs CMD under `perf stat -e task-clock` (which
# counts in nanoseconds; GNU time's 10 ms ticks are too coarse), `cpu_of FILE` prints its CPU
# seconds (user+sys).
command -v perf >/dev/null || apt-get install -y -q linux-perf >/dev/null
cpu_of() { awk -F, '/task-clock/ {printf "%.4f", $1 / 1000}' "$1"; }
measure() { local out=$1; shift; perf stat -e task-clock -x, -o "$out" "$@"; }

# One measured subscriber at a time: `start_measured NAME FILTER CMD…` starts CMD under `measure`
# (into $WORK/t.NAME) and returns once the broker has logged one more subscription to FILTER (an
# event, not a guess); publish, then `finish_measured NAME` waits for CMD to exit and adds its CPU
# seconds to CPU_TOTAL[NAME].
declare -gA CPU_TOTAL
start_measured() {
    local name=$1 filter=$2 before
    shift 2
    before=$(grep -c "$filter" "$BROKER_LOG" || true)
    measure "$WORK/t.$name" "$@" > /dev/null &
    MEASURED_PID=$!
    for _ in $(seq 400); do
        [ "$(grep -c "$filter" "$BROKER_LOG" || true)" -gt "$before" ] && return
        sleep 0.025
    done
}
finish_measured() {
    wait "$MEASURED_PID"
    CPU_TOTAL[$1]=$(python3 -c "print(${CPU_TOTAL[$1]:-0} + $(cpu_of "$WORK/t.$1"))")
}
