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

# The broker-ceiling probe (pub.sh), std only: built here while rustup still sees the real home.
CEILING_PROBE="$WORK/ceiling"
rustc -O --edition 2021 tests/bench/ceiling.rs -o "$CEILING_PROBE" >&2 ||
    die "tests/bench/ceiling.rs did not compile"

# An empty home (after building: rustup needs the real one), so a ~/.config/mosquitto_pub or
# mosquitto_sub options file cannot change what the clients do.
mkdir -p "$WORK/home"
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
