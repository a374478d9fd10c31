#!/usr/bin/env bash
# 100,000 held connections on one machine whose processes may each open only 20,000 files (the
# hard limit, bench's and the broker's alike): the multi-host mechanism run on one host. INSTANCES
# private mosquittos (max_connections -1), each on its own loopback port, and as many
# `mqtk bench conn --clients CLIENTS --duration HOLD` processes, instance i against broker i from
# ADDRS source addresses of its own (127.1.i.1, 127.1.i.2, …), all starting together with one `--start-at`; then one
# `mqtk bench merge` of their --json summaries: what one bench holding every connection would
# have reported. Reports the merged summary, and per instance and in total: connections held,
# bench RSS per connection, bench CPU while holding, and the brokers' peak RSS and CPU.
#
#   bash tests/bench/conn100k.sh                       # 6 × 17,000 = 102,000 connections
#   INSTANCES=2 CLIENTS=1000 bash tests/bench/conn100k.sh
#
# Environment knobs (defaults in brackets):
#   INSTANCES [6]        brokers and bench processes (each bench with its broker and address)
#   CLIENTS [17000]      connections per bench process (below the 20,000 open-files hard limit)
#   HOLD [10]            seconds every connection is held once all of its instance's are up
#   KEEPALIVE [60]       keepalive of each connection, seconds
#   CONNECT_RATE [1000]  new connections per second per instance (paced: the listen backlog)
#   ADDRS [2]            source addresses per instance. Each has the whole ephemeral range (~28,000
#                        ports) to each broker (mqtk binds with IP_BIND_ADDRESS_NO_PORT), but the
#                        kernel's port search is cheap only in the half connect() prefers: past
#                        ~14,000 per address, connecting costs the kernel seconds of CPU
#   LEAD [5]             seconds from starting the processes to --start-at
#   KEEP [unset]         a directory to copy the brokers' logs and the --json summaries to
#   MQTK [built here]    path of an mqtk binary to use instead of building one
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh

INSTANCES=${INSTANCES:-6}
CLIENTS=${CLIENTS:-17000}
HOLD=${HOLD:-10}
KEEPALIVE=${KEEPALIVE:-60}
CONNECT_RATE=${CONNECT_RATE:-1000}
LEAD=${LEAD:-5}
ADDRS=${ADDRS:-2}

for tool in mosquitto jq; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
[ "$INSTANCES" -ge 1 ] && [ "$INSTANCES" -le 250 ] || die "INSTANCES must be 1..250"
[ "$ADDRS" -ge 1 ] && [ "$ADDRS" -le 250 ] || die "ADDRS must be 1..250"

# Every broker inherits this shell's limit: as many open files as the hard limit allows.
ulimit -n "$(ulimit -Hn)"
BROKER_EXTRA="max_connections -1"
PORTS=()
BROKERS=()
stop_brokers() {
    local pid
    for pid in "${BROKERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${BROKERS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
keep() {
    [ -n "${KEEP:-}" ] || return 0
    mkdir -p "$KEEP" && cp "$WORK"/*.log "$WORK"/*.json "$WORK"/*.err "$KEEP"/ 2>/dev/null || true
}
trap 'stop_brokers; keep; cleanup' EXIT

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
step "Starting $INSTANCES brokers (open files: $(ulimit -n) each)"
for i in $(seq 1 "$INSTANCES"); do
    BROKER_LOG="$WORK/mosquitto-$i.log"
    start_broker
    PORTS+=("$PORT")
    BROKERS+=("$BROKER_PID")
    # start_broker's cleanup would stop only the last one: stop_brokers stops them all.
    BROKER_PID=
done

# utime + stime of a process in clock ticks; a process's peak RSS in KiB.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
HZ=$(getconf CLK_TCK)

declare -A BROKER_TICKS
for pid in "${BROKERS[@]}"; do BROKER_TICKS[$pid]=$(ticks "$pid"); done
AT=$(date -u -d "+$LEAD seconds" +%Y-%m-%dT%H:%M:%SZ)
step "$INSTANCES × bench conn --clients $CLIENTS --duration $HOLD, starting at $AT"
start=$(date +%s.%N)
BENCHES=()
for i in $(seq 1 "$INSTANCES"); do
    ifaddrs=$(seq -f "127.1.$i.%g" -s, 1 "$ADDRS")
    "$MQTK" bench conn -h 127.0.0.1 -p "${PORTS[$((i - 1))]}" --clients "$CLIENTS" \
        --duration "$HOLD" -k "$KEEPALIVE" --connect-rate "$CONNECT_RATE" --ifaddr "$ifaddrs" \
        -I "c$i" --start-at "$AT" --json >"$WORK/run-$i.json" 2>"$WORK/run-$i.err" &
    BENCHES+=("$!")
done
failed=0
for i in $(seq 1 "$INSTANCES"); do
    wait "${BENCHES[$((i - 1))]}" || {
        echo "instance $i failed: $(cat "$WORK/run-$i.err")" >&2
        failed=1
    }
done
end=$(date +%s.%N)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

ROWS=()
broker_hwm_total=0
broker_ticks_total=0
for i in $(seq 1 "$INSTANCES"); do
    pid=${BROKERS[$((i - 1))]}
    hwm=$(hwm_kib "$pid")
    t=$(($(ticks "$pid") - ${BROKER_TICKS[$pid]}))
    broker_hwm_total=$((broker_hwm_total + hwm))
    broker_ticks_total=$((broker_ticks_total + t))
    ROWS+=("$(jq -r --arg i "$i" --arg hwm "$hwm" --arg clients "$CLIENTS" '
        [$i, .held.connected_at_end, .held.drops, (.msgs_per_s | floor),
         (.latency_us.p50 / 1000 * 10 | round / 10), (.latency_us.p99 / 1000 * 10 | round / 10),
         (.held.rss_per_connection_bytes / 1024 * 10 | round / 10),
         (.held.rss_peak_bytes / 1048576 | round), (.held.cpu_percent * 100 | round / 100),
         (($hwm | tonumber) / ($clients | tonumber) * 10 | round / 10)]
        | map(tostring) | join("\t")' "$WORK/run-$i.json")")
done

echo
echo "$INSTANCES × mqtk bench conn --clients $CLIENTS, held ${HOLD}s, keepalive ${KEEPALIVE}s,"
echo "$CONNECT_RATE connections/s each, one broker and $ADDRS source addresses each, --start-at $AT"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER ($(nproc) cores, shared machine)"
{
    printf 'instance\theld\tdrops\tconn/s\tCONNACK p50 ms\tp99 ms\tbench KiB/conn\tbench peak MiB\tbench CPU %% holding\tbroker peak KiB/conn\n'
    printf '%s\n' "${ROWS[@]}"
} | column -t -s $'\t'
awk -v t="$broker_ticks_total" -v hz="$HZ" -v s="$start" -v e="$end" -v m="$broker_hwm_total" \
    -v n="$((INSTANCES * CLIENTS))" 'BEGIN {
        printf "brokers: %.0f MiB peak RSS together (%.1f KiB per connection), %.1f %% of one core together over the run (%.0f s)\n",
            m / 1024, m / n, 100 * t / hz / (e - s), e - s
    }'
echo
echo "merged (mqtk bench merge run-*.json):"
"$MQTK" bench merge "$WORK"/run-*.json || failed=1
"$MQTK" bench merge --json "$WORK"/run-*.json >"$WORK/merged.json" || true
jq -r '"held in total: \(.held.connected_at_end) of \(.config.clients), \(.held.drops) dropped; bench RSS \(.held.rss_per_connection_bytes / 1024 * 10 | round / 10) KiB per connection, \(.held.rss_peak_bytes / 1048576 | round) MiB peak together; bench CPU holding \(.held.cpu_percent * 100 | round / 100) % of one core together"' \
    "$WORK/merged.json" || true
[ "$failed" = 0 ] || die "an instance failed (see above)"
