#!/usr/bin/env bash
# What holding connections costs the bench: `mqtk bench conn --clients N --duration HOLD` against a
# private mosquitto (max_connections -1, open-files limit raised to the hard limit), for each N in
# COUNTS. Reports, per N: how many were connected through the hold, drops, the connection rate,
# CONNECT → CONNACK percentiles, the bench's RSS per held connection (growth from before connecting
# to the end of the hold, over the connections then open) and its CPU while holding (keepalives
# only), with the broker's CPU over the whole run for comparison. A flat RSS per connection
# from the smallest to the largest N shows the cost is linear.
#
#   bash tests/bench/conn.sh                    # COUNTS="1000 19000"
#   COUNTS="1000 5000" HOLD=10 bash tests/bench/conn.sh
#
# Environment knobs (defaults in brackets):
#   COUNTS ["1000 19000"]  connection counts, one run each (the hard open-files limit, ulimit -Hn,
#                          caps one process, the broker's too: 20,000 here)
#   HOLD [10]              seconds every connection is held once all are up
#   KEEPALIVE [60]         keepalive of each connection, seconds
#   CONNECT_RATE [2000]    new connections per second (paced: a burst overflows the listen backlog)
#   IFADDRS [127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4]  source addresses, used in turn
#   MQTK [built here]      path of an mqtk binary to use instead of building one
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh

COUNTS=${COUNTS:-1000 19000}
HOLD=${HOLD:-10}
KEEPALIVE=${KEEPALIVE:-60}
CONNECT_RATE=${CONNECT_RATE:-2000}
IFADDRS=${IFADDRS:-127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4}

for tool in mosquitto jq; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

# The broker inherits this shell's limit: as many open files as the hard limit allows.
ulimit -n "$(ulimit -Hn)"
BROKER_EXTRA="max_connections -1"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
step "Starting mosquitto (open files: $(ulimit -n))"
start_broker

# utime + stime of a process in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

ROWS=()
for n in $COUNTS; do
    step "bench conn --clients $n, held ${HOLD}s"
    out="$WORK/conn-$n.json"
    broker_ticks_before=$(ticks "$BROKER_PID")
    start=$(date +%s.%N)
    "$MQTK" bench conn -h 127.0.0.1 -p "$PORT" --clients "$n" --duration "$HOLD" -k "$KEEPALIVE" \
        --connect-rate "$CONNECT_RATE" --ifaddr "$IFADDRS" -I "c$n" --json >"$out" ||
        die "bench conn --clients $n failed: $(cat "$out")"
    end=$(date +%s.%N)
    broker_ticks=$(($(ticks "$BROKER_PID") - broker_ticks_before))
    # The broker's CPU over the whole run (connecting, holding, closing), percent of one core.
    broker_cpu=$(awk -v t="$broker_ticks" -v hz="$HZ" -v s="$start" -v e="$end" \
        'BEGIN {printf "%.1f", 100 * t / hz / (e - s)}')
    ROWS+=("$(jq -r --arg n "$n" --arg bcpu "$broker_cpu" '
        [$n, .held.connected_at_end, .held.drops, (.msgs_per_s | floor),
         (.latency_us.p50 / 1000 * 10 | round / 10), (.latency_us.p99 / 1000 * 10 | round / 10),
         (.held.rss_per_connection_bytes / 1024 * 10 | round / 10),
         (.held.rss_peak_bytes / 1048576 | round),
         (.held.cpu_percent * 100 | round / 100),
         (.held.cpu_percent / ($n | tonumber) * 1000 * 1000 | round / 1000), $bcpu]
        | map(tostring) | join("\t")' "$out")")
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "mqtk bench conn, held ${HOLD}s, keepalive ${KEEPALIVE}s, $CONNECT_RATE connections/s over $IFADDRS"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER ($(nproc) cores, shared machine)"
{
    printf 'clients\theld\tdrops\tconn/s\tCONNACK p50 ms\tp99 ms\tbench KiB/conn\tbench peak MiB\tbench CPU %% holding\t%% per 1000\tbroker CPU %% (run)\n'
    printf '%s\n' "${ROWS[@]}"
} | column -t -s $'\t'
echo
echo "commands: $MQTK bench conn -h 127.0.0.1 -p PORT --clients N --duration $HOLD -k $KEEPALIVE --connect-rate $CONNECT_RATE --ifaddr $IFADDRS --json"
