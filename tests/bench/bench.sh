#!/usr/bin/env bash
# Benchmark figures for `mqtk bench` (issue 5), all against one private mosquitto in one run.
#
#   bash tests/bench/bench.sh
#
# Builds mqtk in release mode, starts mosquitto on a free loopback port, then measures
#   (a) QoS 0, one publisher and one subscriber, N0 messages of 64 bytes:
#       `mosquitto_pub -l` → `mosquitto_sub -C N0` against `mqtk bench --pubs 1 --subs 1 -q 0 --count N0`,
#       alternating, ROUNDS rounds, medians. Both rates are "first publish to last receive": the
#       pipeline's clock starts when mosquitto_pub is started (with mosquitto_sub already subscribed)
#       and stops when mosquitto_sub has received the N0th message and exited; the bench's msgs_per_s is
#       N0 over the span from its first (intended) send to its last receive. Target: mqtk ≥ pipeline.
#   (b) in the same runs, CPU: the broker's (utime + stime from /proc/PID/stat, before and after) and
#       the clients' (bash `time`: user + sys), each over the same wall time. Target: the bench uses
#       less CPU than the broker.
#   (c) QoS 1 and QoS 2 at an unlimited and at a fixed rate: rate, loss and latency percentiles.
#   (d) `mqtk bench conn --clients CLIENTS`, all at once and paced.
# Then prints a table with the exact commands.
#
# Environment knobs (defaults in brackets):
#   N0 [500000]       QoS 0 messages per run in (a)
#   ROUNDS [3]        rounds of (a)
#   DURATION [5]      seconds measured in (c), after WARMUP [1] excluded seconds
#   RATE [5000]       the fixed offered rate in (c), msg/s over all publishers
#   CLIENTS [1000]    connections in (d), all at once and at CONNECT_RATE [5000] per second
#   BROKER_NODELAY [0] 1: `set_tcp_nodelay true` in mosquitto.conf. By default mosquitto writes to
#                     subscribers with Nagle's algorithm, which holds messages back at moderate
#                     rates (q0 at 50000 msg/s: p50 ~6.5 ms instead of ~0.15 ms on loopback)
#   MQTK [built here] path of an mqtk binary to use instead of building one
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh

N0=${N0:-500000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
RATE=${RATE:-5000}
CLIENTS=${CLIENTS:-1000}
CONNECT_RATE=${CONNECT_RATE:-5000}
BROKER_NODELAY=${BROKER_NODELAY:-0}
SIZE=64
SUB_TIMEOUT=120


for tool in mosquitto mosquitto_pub mosquitto_sub awk; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found: apt-get install mosquitto mosquitto-clients"
done


# ---------------------------------------------------------------------------------------------
# Broker
# ---------------------------------------------------------------------------------------------

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
step "Starting mosquitto"
start_broker
BROKER_VERSION=$(mosquitto -h 2>&1 | head -n 1 || true)
echo "broker: $BROKER_VERSION, 127.0.0.1:$PORT, pid $BROKER_PID" >&2

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
TICKS=$(getconf CLK_TCK)
now() { echo "$EPOCHREALTIME"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The broker's CPU time so far, in seconds (utime + stime; the command name has no spaces).
broker_cpu() { awk -v hz="$TICKS" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$BROKER_PID/stat"; }
# Reads a value from mqtk's pretty-printed --json output: jget FILE latency_us.p99
jget() {
    awk -v want="$2" '
        match($0, /^ */) { depth = RLENGTH / 2 }
        match($0, /"[^"]+":/) {
            path[depth] = substr($0, RSTART + 1, RLENGTH - 3)
            p = path[1]
            for (i = 2; i <= depth; i++) p = p "." path[i]
            if (p == want) {
                v = substr($0, RSTART + RLENGTH + 1)
                sub(/,$/, "", v)
                gsub(/"/, "", v)
                print v
                exit
            }
        }' "$1"
}
# Runs a command under bash's `time`; CPU_S gets its user + sys seconds, WALL_S its wall time.
timed() {
    local out="$1" status=0
    shift
    { TIMEFORMAT='%R %U %S'; time "$@" >"$out" 2>"$out.err"; } 2>"$out.time" || status=$?
    read -r WALL_S u s <"$out.time"
    CPU_S=$(calc '%.3f' "$u + $s")
    return "$status"
}

# Runs `mqtk bench ARGS --json`, measuring the broker's CPU over the same wall time; sets BROKER_PCT,
# BENCH_PCT (from `time`) and OUT (the JSON file). A non-zero exit (loss) is reported, not fatal.
RUN_ID=0
bench() {
    RUN_ID=$((RUN_ID + 1))
    OUT="$WORK/bench$RUN_ID.json"
    local b0 b1 status=0
    b0=$(broker_cpu)
    timed "$OUT" "$MQTK" bench -h 127.0.0.1 -p "$PORT" "$@" --json || status=$?
    b1=$(broker_cpu)
    BROKER_PCT=$(calc '%.0f' "100 * ($b1 - $b0) / $WALL_S")
    BENCH_PCT=$(calc '%.0f' "100 * $CPU_S / $WALL_S")
    if [ "$status" -ne 0 ]; then
        echo "warning: mqtk bench $* exited with $status: $(cat "$OUT.err")" >&2
    fi
}

# ---------------------------------------------------------------------------------------------
# (a) + (b): QoS 0, 1 → 1
# ---------------------------------------------------------------------------------------------
awk -v n="$N0" -v w="$SIZE" 'BEGIN { for (i = 1; i <= n; i++) printf "%0" w "d\n", i }' >"$WORK/lines"
PIPE_CMD="mosquitto_sub -h 127.0.0.1 -p $PORT -t bench/pipe -q 0 -C $N0 >/dev/null & (once subscribed) mosquitto_pub -h 127.0.0.1 -p $PORT -t bench/pipe -q 0 -l <$N0 lines of $SIZE bytes"
BENCH_Q0=(--pubs 1 --subs 1 -q 0 --count "$N0" --size "$SIZE")

# One pipeline run; sets PIPE_RATE, PIPE_BROKER_PCT, PIPE_CLIENT_PCT.
pipeline() {
    local round=$1 id="bench-pipe-$1" topic="bench/pipe" mark i t0 t1 b0 b1 status=0 su ss pu ps
    mark=$(wc -c <"$BROKER_LOG")
    {
        TIMEFORMAT='%U %S'
        time mosquitto_sub -h 127.0.0.1 -p "$PORT" -i "$id" -t "$topic" -q 0 -C "$N0" -W "$SUB_TIMEOUT" >/dev/null
    } 2>"$WORK/sub.time" &
    SUB_PID=$!
    for i in $(seq 1 1000); do
        tail -c +"$((mark + 1))" "$BROKER_LOG" | grep -q ": $id 0 $topic\$" && break
        kill -0 "$SUB_PID" 2>/dev/null || die "mosquitto_sub exited early: $(cat "$WORK/sub.time")"
        sleep 0.01
    done
    b0=$(broker_cpu)
    t0=$(now)
    { TIMEFORMAT='%U %S'; time mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "$topic" -q 0 -l <"$WORK/lines"; } 2>"$WORK/pub.time"
    wait "$SUB_PID" || status=$?
    t1=$(now)
    b1=$(broker_cpu)
    SUB_PID=
    [ "$status" -eq 0 ] || echo "warning: mosquitto_sub exited with $status (27: not all $N0 messages within ${SUB_TIMEOUT}s)" >&2
    read -r su ss < <(tail -n 1 "$WORK/sub.time")
    read -r pu ps < <(tail -n 1 "$WORK/pub.time")
    PIPE_RATE=$(calc '%.0f' "$N0 / ($t1 - $t0)")
    PIPE_BROKER_PCT=$(calc '%.0f' "100 * ($b1 - $b0) / ($t1 - $t0)")
    PIPE_CLIENT_PCT=$(calc '%.0f' "100 * ($su + $ss + $pu + $ps) / ($t1 - $t0)")
}

step "(a)+(b) QoS 0, 1 publisher → 1 subscriber, $N0 × $SIZE B, $ROUNDS rounds alternating"
for round in $(seq 1 "$ROUNDS"); do
    pipeline "$round"
    echo "$PIPE_RATE" >>"$WORK/pipe.rate"
    echo "$PIPE_BROKER_PCT" >>"$WORK/pipe.broker"
    echo "$PIPE_CLIENT_PCT" >>"$WORK/pipe.client"
    printf '  round %d  mosquitto pipeline %8s msg/s   broker CPU %3s %%   clients CPU %3s %%\n' \
        "$round" "$PIPE_RATE" "$PIPE_BROKER_PCT" "$PIPE_CLIENT_PCT" >&2
    bench "${BENCH_Q0[@]}"
    rate=$(calc '%.0f' "$(jget "$OUT" msgs_per_s)")
    [ "$(jget "$OUT" received)" = "$N0" ] || echo "warning: the bench received $(jget "$OUT" received) of $N0" >&2
    echo "$rate" >>"$WORK/mqtk.rate"
    echo "$BROKER_PCT" >>"$WORK/mqtk.broker"
    echo "$BENCH_PCT" >>"$WORK/mqtk.client"
    calc '%.0f\n' "$(jget "$OUT" cpu_percent)" >>"$WORK/mqtk.self"
    printf '  round %d  mqtk bench         %8s msg/s   broker CPU %3s %%   bench CPU   %3s %% (self-reported %s %%)\n' \
        "$round" "$rate" "$BROKER_PCT" "$BENCH_PCT" "$(tail -n 1 "$WORK/mqtk.self")" >&2
done

# ---------------------------------------------------------------------------------------------
# (c) QoS 1 and 2; (d) connections
# ---------------------------------------------------------------------------------------------
declare -a ROWS CMDS
row() {
    # One table row from the last bench run: label, then the command that produced it.
    local l="latency_us"
    ROWS+=("$(printf '%-28s %9.0f %6s %9.0f %9.0f %9.0f %9.0f %9.0f %6s %6s' "$1" \
        "$(jget "$OUT" msgs_per_s)" "$(jget "$OUT" lost)$(jget "$OUT" connect_failures | awk '$1 > 0 { printf "/%s", $1 }')" \
        "$(jget "$OUT" $l.p50)" "$(jget "$OUT" $l.p90)" "$(jget "$OUT" $l.p99)" "$(jget "$OUT" $l.p999)" \
        "$(jget "$OUT" $l.max)" "$BENCH_PCT%" "$BROKER_PCT%")")
    CMDS+=("$2")
}
for qos in 1 2; do
    step "(c) QoS $qos: unlimited, then $RATE msg/s; $DURATION s after $WARMUP s warm-up"
    args=(-q "$qos" --duration "$DURATION" --warmup "$WARMUP")
    bench "${args[@]}"
    row "pubsub q$qos unlimited" "mqtk bench -h 127.0.0.1 -p $PORT ${args[*]} --json"
    args=(-q "$qos" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP")
    bench "${args[@]}"
    row "pubsub q$qos $RATE msg/s" "mqtk bench -h 127.0.0.1 -p $PORT ${args[*]} --json"
done
step "(c') QoS 0 at 50000 msg/s, for latency without queueing"
args=(-q 0 --rate 50000 --duration "$DURATION" --warmup "$WARMUP")
bench "${args[@]}"
row "pubsub q0 50000 msg/s" "mqtk bench -h 127.0.0.1 -p $PORT ${args[*]} --json"
step "(d) $CLIENTS connections: all at once, then $CONNECT_RATE/s"
# All at once overflows mosquitto's listen backlog (100): the clients whose SYN is dropped retry after
# the kernel's 1 s SYN timeout, which shows in p90-max. Paced, the accept rate shows instead.
args=(conn --clients "$CLIENTS")
bench "${args[@]}"
row "conn $CLIENTS at once (conn/s)" "mqtk bench -h 127.0.0.1 -p $PORT ${args[*]} --json"
args=(conn --clients "$CLIENTS" --connect-rate "$CONNECT_RATE")
bench "${args[@]}"
row "conn $CLIENTS at $CONNECT_RATE/s" "mqtk bench -h 127.0.0.1 -p $PORT ${args[*]} --json"

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
verdict() { awk "BEGIN { print ($1) ? \"met\" : \"MISSED\" }"; }
pipe_rate=$(median <"$WORK/pipe.rate")
mqtk_rate=$(median <"$WORK/mqtk.rate")
pipe_broker=$(median <"$WORK/pipe.broker")
mqtk_broker=$(median <"$WORK/mqtk.broker")
pipe_client=$(median <"$WORK/pipe.client")
mqtk_client=$(median <"$WORK/mqtk.client")
mqtk_self=$(median <"$WORK/mqtk.self")

echo
echo "mqtk bench figures: $(nproc) cores, $(uname -sr), $BROKER_VERSION on 127.0.0.1:$PORT"
echo "mqtk: $("$MQTK" --version 2>/dev/null || echo "?"); load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU is percent of one core over the client's wall time (broker: utime+stime from /proc)."
echo "broker set_tcp_nodelay: $([ "$BROKER_NODELAY" = 1 ] && echo true || echo "false (mosquitto's default)")"
echo
echo "(a)+(b) QoS 0, 1 publisher -> 1 subscriber, $N0 x $SIZE B, median of $ROUNDS rounds (per round: $(paste -sd, "$WORK/pipe.rate") vs $(paste -sd, "$WORK/mqtk.rate"))"
printf '  %-34s %10s %12s %12s\n' case "msg/s" "broker CPU" "client CPU"
printf '  %-34s %10s %11s%% %11s%%\n' "mosquitto_pub -l | mosquitto_sub" "$pipe_rate" "$pipe_broker" "$pipe_client"
printf '  %-34s %10s %11s%% %11s%%\n' "mqtk bench pubsub" "$mqtk_rate" "$mqtk_broker" "$mqtk_client"
echo "  target mqtk rate >= pipeline rate: $(verdict "$mqtk_rate >= $pipe_rate") ($(calc '%.2f' "$mqtk_rate / $pipe_rate")x)"
echo "  target bench CPU < broker CPU:     $(verdict "$mqtk_client < $mqtk_broker") (bench $mqtk_client% by time(1), $mqtk_self% self-reported; broker $mqtk_broker%)"
echo "  commands:"
echo "    $PIPE_CMD"
echo "    mqtk bench -h 127.0.0.1 -p $PORT ${BENCH_Q0[*]} --json"
echo
echo "(c)+(d) latency in microseconds (conn: CONNECT -> CONNACK); lost[/connect failures]"
printf '  %-28s %9s %6s %9s %9s %9s %9s %9s %6s %6s\n' case "msg/s" lost p50 p90 p99 p99.9 max bench broker
for i in "${!ROWS[@]}"; do
    echo "  ${ROWS[$i]}"
done
echo "  commands:"
for i in "${!CMDS[@]}"; do
    echo "    ${CMDS[$i]}"
done
