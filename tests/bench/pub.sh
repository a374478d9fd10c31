#!/usr/bin/env bash
# Benchmark: mqtk pub against mosquitto_pub, same broker, same run.
#
#   bash tests/bench/pub.sh
#
# Starts a private mosquitto on a free loopback port, builds mqtk in release mode, then measures
#   (a) one-shot `pub -m` at QoS 0 and 1 with hyperfine: wall time (mean +- sd) and the CPU time
#       (user + system) per run, the start-up budget: mqtk may use no more than mosquitto_pub;
#   (b) `pub -l` throughput at QoS 0, 1 and 2 from a file of 64-byte lines, delivered: each run is
#       timed until the broker has read every message and closed the connection after DISCONNECT
#       (the client's socket leaves FIN-WAIT), not until the client exits, exactly as the ceiling
#       probe times itself. Median of ROUNDS runs, the broker's CPU share, and each client's CPU
#       time per message;
#   (c) the broker's ceiling: the rate an ideal publisher gets (tests/bench/ceiling.rs: prebuilt
#       packets, one write per window, the same 20 in flight, a topic of the clients' shape, timed
#       like them from its start), the target for (b), and the broker's CPU time per message fed by
#       each of the three: unlike the rates, that holds under load;
#   (d) at QoS 1 and 2, the same runs with a mosquitto_sub -C N attached (the broker also delivers
#       each message): rate until the subscriber has every message, median of ROUNDS;
#   (e) CPU per message at QoS 0 against a discarding sink (tests/bench/sink.rs), without the
#       broker in the way.
# Prints a table with the targets of issue 17 and whether each is met, and the load average.
#
# Environment knobs (defaults in brackets):
#   RUNS [200]  WARMUP [20]  hyperfine runs and warmup runs per one-shot command
#   N0 [200000]  N1 [60000]  N2 [50000]  lines per -l run at QoS 0, 1, 2. Keep N1 and N2 at
#       most 65535: mosquitto_pub 2.0.11 -l at QoS 1/2 matches the last message by its mid, mids wrap
#       at 65535, so with more lines it can disconnect early (100000 lines: ~34,470 delivered, exit 0).
#   ROUNDS [3]  -l runs per client and QoS (the median is reported)
#   ONESHOT_ROUNDS [5]  alternating hyperfine rounds per one-shot case, RUNS split between them
#   MQTK [built here]  path of an mqtk binary to use instead of building one
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh

RUNS=${RUNS:-200}
WARMUP=${WARMUP:-20}
N0=${N0:-200000}
N1=${N1:-60000}
N2=${N2:-50000}
ROUNDS=${ROUNDS:-3}
ONESHOT_ROUNDS=${ONESHOT_ROUNDS:-5}
PAYLOAD_BYTES=64
SUB_TIMEOUT=60


as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
for tool in mosquitto mosquitto_pub mosquitto_sub; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found: apt-get install mosquitto mosquitto-clients"
done
if ! command -v hyperfine >/dev/null 2>&1; then
    step "Installing hyperfine"
    export DEBIAN_FRONTEND=noninteractive
    { as_root apt-get update -q && as_root apt-get install -y -q hyperfine; } ||
        die "hyperfine is missing and could not be installed (apt-get install hyperfine)"
fi

MOSQ_PUB=$(command -v mosquitto_pub)
# The broker-ceiling probe, std only (rustup needs the real home to find its toolchain).
CEILING_PROBE="$WORK/ceiling"
HOME="$REAL_HOME" rustc -O --edition 2021 tests/bench/ceiling.rs -o "$CEILING_PROBE" >&2 ||
    die "tests/bench/ceiling.rs did not compile"
# The discarding sink for (e), std only as well.
HOME="$REAL_HOME" rustc -O --edition 2021 tests/bench/sink.rs -o "$WORK/sink" >&2 ||
    die "tests/bench/sink.rs did not compile"

# ---------------------------------------------------------------------------------------------
# Broker
# ---------------------------------------------------------------------------------------------

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
step "Starting mosquitto"
start_broker
echo "broker: $(mosquitto -h 2>&1 | head -n 1 || true), 127.0.0.1:$PORT" >&2

# ---------------------------------------------------------------------------------------------
# Input: one file of 64-byte lines (distinct payloads) per size
# ---------------------------------------------------------------------------------------------
make_lines() { awk -v n="$1" -v w="$PAYLOAD_BYTES" 'BEGIN { for (i = 1; i <= n; i++) printf "%0" w "d\n", i }'; }
make_lines "$N0" >"$WORK/lines0"
make_lines "$N1" >"$WORK/lines1"
make_lines "$N2" >"$WORK/lines2"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Starts `mosquitto_sub -C count` on topic at qos, and returns once the broker logged the subscription.
start_checker() {
    local topic=$1 qos=$2 count=$3 id=$4 mark
    mark=$(wc -c <"$BROKER_LOG")
    mosquitto_sub -h 127.0.0.1 -p "$PORT" -i "$id" -t "$topic" -q "$qos" -C "$count" \
        >"$WORK/sub.out" 2>"$WORK/sub.err" &
    SUB_PID=$!
    local i
    for i in $(seq 1 1000); do
        if tail -c +"$((mark + 1))" "$BROKER_LOG" | grep -q ": $id $qos $topic\$"; then
            return 0
        fi
        kill -0 "$SUB_PID" 2>/dev/null || break
        sleep 0.01
    done
    cat "$WORK/sub.err" >&2
    die "checking subscriber $id did not subscribe"
}

# Waits for the checker to receive everything (or SUB_TIMEOUT); sets RECEIVED to its line count.
finish_checker() {
    local i
    for i in $(seq 1 $((SUB_TIMEOUT * 1000))); do
        kill -0 "$SUB_PID" 2>/dev/null || break
        sleep 0.001
    done
    kill "$SUB_PID" 2>/dev/null || true
    wait "$SUB_PID" 2>/dev/null || true
    SUB_PID=
    RECEIVED=$(wc -l <"$WORK/sub.out")
}

# Whether a publisher's connection to the broker is still being read: the client has closed its
# end (its socket is in FIN-WAIT-1/2, /proc/net/tcp states 04/05, remote port PORT) and the broker
# has not yet read up to that end and closed its own (CLOSE-WAIT, 08, local port PORT). A running
# checker subscriber stays ESTABLISHED and does not count.
PORT_HEX=
draining() {
    awk -v port="$PORT_HEX" 'FNR > 1 {
        split($2, l, ":"); split($3, r, ":")
        if ((r[2] == port && ($4 == "04" || $4 == "05")) || (l[2] == port && $4 == "08")) found = 1
    } END { exit !found }' /proc/net/tcp
}
wait_drained() {
    local i
    for i in $(seq 1 $((SUB_TIMEOUT * 1000))); do
        draining || return 0
        sleep 0.001
    done
    echo "warning: the broker was still reading a closed connection after ${SUB_TIMEOUT}s" >&2
}

# CPU time (user + system, in clock ticks) the broker has used so far.
broker_ticks() { awk '{ print $14 + $15 }' "/proc/$BROKER_PID/stat"; }
TICKS=$(getconf CLK_TCK)

# Runs a client command with stdin from $1, its CPU time (user + system, seconds) into CPU_TAKEN and
# its exit status into STATUS; stdout is discarded, stderr kept in $WORK/pub.err.
timed() {
    local input=$1
    shift
    STATUS=0
    local TIMEFORMAT='%3U %3S'
    { time "$@" <"$input" >/dev/null 2>"$WORK/pub.err" || STATUS=$?; } 2>"$WORK/cpu"
    CPU_TAKEN=$(awk '{ print $1 + $2 }' "$WORK/cpu")
}

client_cmd() {
    if [ "$1" = mosquitto ]; then
        CMD=("$MOSQ_PUB")
    else
        CMD=("$MQTK" pub)
    fi
}

# One -l run against the broker: SECONDS_TAKEN until the broker has read everything (or, checked,
# until the subscriber has everything), CPU_TAKEN of the client, RECEIVED when checked ("-" otherwise).
run_lines() {
    local client=$1 qos=$2 n=$3 tag=$4 check=$5 topic start end
    topic="bench/$client/q$qos/$tag"
    RECEIVED=-
    if [ "$check" = check ]; then
        start_checker "$topic" "$qos" "$n" "bench-check-$client-$qos-$tag"
    fi
    client_cmd "$client"
    start=$(now)
    timed "$WORK/lines$qos" "${CMD[@]}" -h 127.0.0.1 -p "$PORT" -t "$topic" -q "$qos" -l
    wait_drained
    if [ "$check" = check ]; then
        finish_checker
    fi
    end=$(now)
    if [ "$STATUS" -ne 0 ]; then
        cat "$WORK/pub.err" >&2
        echo "warning: $client pub -l -q $qos exited with $STATUS" >&2
    fi
    SECONDS_TAKEN=$(calc '%.6f' "$end - $start")
}

# ---------------------------------------------------------------------------------------------
# (a) One-shot publish
# ---------------------------------------------------------------------------------------------
declare -A ONESHOT ONESHOT_CPU ONESHOT_FAULTS ONESHOT_INSTR
# ONESHOT_ROUNDS rounds of RUNS/ONESHOT_ROUNDS runs, the two clients in alternating order, and the
# median of the rounds' means: a few milliseconds per run drift with the machine (one long
# hyperfine of each, one after the other, differed by up to 30 % between identical re-runs).
per_round=$(((RUNS + ONESHOT_ROUNDS - 1) / ONESHOT_ROUNDS))
oneshot_cmd() { # CLIENT QOS
    if [ "$1" = mosquitto ]; then
        echo "$MOSQ_PUB -h 127.0.0.1 -p $PORT -t bench/oneshot -q $2 -m hello"
    else
        echo "$MQTK pub -h 127.0.0.1 -p $PORT -t bench/oneshot -q $2 -m hello"
    fi
}
for qos in 0 1; do
    step "One-shot pub -m -q $qos: hyperfine, $ONESHOT_ROUNDS alternating rounds of $WARMUP warmup + $per_round runs each"
    for client in mosquitto mqtk; do : >"$WORK/os.mean.$client.$qos"; : >"$WORK/os.sd.$client.$qos"; : >"$WORK/os.cpu.$client.$qos"; done
    for round in $(seq 1 "$ONESHOT_ROUNDS"); do
        if [ $((round % 2)) -eq 1 ]; then order="mosquitto mqtk"; else order="mqtk mosquitto"; fi
        args=()
        for client in $order; do args+=(-n "$client" "$(oneshot_cmd "$client" "$qos")"); done
        csv="$WORK/oneshot$qos.$round.csv"
        hyperfine -N --style basic --warmup "$WARMUP" --runs "$per_round" --export-csv "$csv" "${args[@]}" >&2
        # CSV columns: command,mean,stddev,median,user,system,min,max (seconds; user and system are means).
        while IFS=, read -r name mean stddev _ user system _; do
            echo "$mean" >>"$WORK/os.mean.$name.$qos"
            echo "$stddev" >>"$WORK/os.sd.$name.$qos"
            echo "$(calc '%.6f' "$user + $system")" >>"$WORK/os.cpu.$name.$qos"
        done < <(tail -n +2 "$csv")
    done
    for client in mosquitto mqtk; do
        ONESHOT[$client,$qos]="$(median <"$WORK/os.mean.$client.$qos") $(median <"$WORK/os.sd.$client.$qos")"
        ONESHOT_CPU[$client,$qos]=$(median <"$WORK/os.cpu.$client.$qos")
        # Counts the load does not change: page faults (perf's software counter) and, when
        # valgrind is installed, instructions executed (callgrind), each of one run.
        read -r -a cmd <<<"$(oneshot_cmd "$client" "$qos")"
        ONESHOT_FAULTS[$client,$qos]=""
        if command -v perf >/dev/null 2>&1; then
            ONESHOT_FAULTS[$client,$qos]=$(perf stat -x, -e page-faults "${cmd[@]}" 2>&1 >/dev/null |
                awk -F, '/page-faults/ { print $1 }' || true)
        fi
        ONESHOT_INSTR[$client,$qos]=""
        if command -v valgrind >/dev/null 2>&1; then
            ONESHOT_INSTR[$client,$qos]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
                "${cmd[@]}" 2>&1 >/dev/null | awk '/Collected/ { print $NF }' || true)
        fi
    done
done

# ---------------------------------------------------------------------------------------------
# (b), (c), (d) -l throughput
# ---------------------------------------------------------------------------------------------
PORT_HEX=$(printf '%04X' "$PORT")
declare -A SECS CPU CHECKED RECV BROKER_CPU BROKER_US CEILING
N=([0]=$N0 [1]=$N1 [2]=$N2)
for qos in 0 1 2; do
    n=${N[$qos]}
    step "pub -l -q $qos: $n lines of $PAYLOAD_BYTES bytes, $ROUNDS rounds, clients alternating"
    declare -A BUSY WALL
    for client in mosquitto mqtk; do
        : >"$WORK/times.$client.$qos"
        : >"$WORK/cpu.$client.$qos"
        : >"$WORK/checked.$client.$qos"
        BUSY[$client]=0
        WALL[$client]=0
        RECV[$client,$qos]=$n
    done
    : >"$WORK/ceiling.$qos"
    BUSY[ceiling]=0
    for round in $(seq 1 "$ROUNDS"); do
        for client in mosquitto mqtk; do
            before=$(broker_ticks)
            run_lines "$client" "$qos" "$n" "$round" nocheck
            BUSY[$client]=$((BUSY[$client] + $(broker_ticks) - before))
            WALL[$client]=$(calc '%.6f' "${WALL[$client]} + $SECONDS_TAKEN")
            echo "$SECONDS_TAKEN" >>"$WORK/times.$client.$qos"
            echo "$(calc '%.3f' "1000000 * $CPU_TAKEN / $n")" >>"$WORK/cpu.$client.$qos"
            printf '  round %d %-9s %8.3f s  %10.0f msgs/s delivered  %6.2f us CPU/msg\n' "$round" \
                "$client" "$SECONDS_TAKEN" "$(calc '%.0f' "$n / $SECONDS_TAKEN")" \
                "$(calc '%.2f' "1000000 * $CPU_TAKEN / $n")" >&2
        done
        # Like for like: the probe publishes to a topic of the clients' shape (the broker's work
        # per message grows with the topic's levels) and is timed as they are, from its start to
        # the broker having read everything, its start-up and connection included (its own
        # figure, from CONNACK on, is shown in brackets).
        before=$(broker_ticks)
        start=$(now)
        own=$("$CEILING_PROBE" 127.0.0.1 "$PORT" "$qos" "$n" 20 "$PAYLOAD_BYTES" \
            "bench/ceiling/q$qos/$round") || die "the ceiling probe failed"
        wait_drained
        end=$(now)
        BUSY[ceiling]=$((BUSY[ceiling] + $(broker_ticks) - before))
        rate=$(calc '%.0f' "$n / ($end - $start)")
        echo "$rate" >>"$WORK/ceiling.$qos"
        printf '  round %d %-9s %21.0f msgs/s (own timing %s)\n' "$round" ceiling "$rate" "$own" >&2
        if [ "$qos" -gt 0 ]; then
            for client in mosquitto mqtk; do
                run_lines "$client" "$qos" "$n" "checked$round" check
                echo "$SECONDS_TAKEN" >>"$WORK/checked.$client.$qos"
                [ "$RECEIVED" -ge "${RECV[$client,$qos]}" ] || RECV[$client,$qos]=$RECEIVED
                printf '  round %d %-9s %8.3f s  %10.0f msgs/s with a subscriber (received %s of %d)\n' \
                    "$round" "$client" "$SECONDS_TAKEN" "$(calc '%.0f' "$n / $SECONDS_TAKEN")" \
                    "$RECEIVED" "$n" >&2
            done
        fi
    done
    CEILING[$qos]=$(median <"$WORK/ceiling.$qos")
    # The broker's CPU time per message, whoever feeds it: a load-insensitive view of the ceiling
    # (a client that costs the broker no more than the ideal publisher leaves only CPU share between
    # its rate and the ceiling's).
    for who in mosquitto mqtk ceiling; do
        BROKER_US[$who,$qos]=$(calc '%.2f' "1000000 * ${BUSY[$who]} / $TICKS / ($ROUNDS * $n)")
    done
    for client in mosquitto mqtk; do
        SECS[$client,$qos]=$(median <"$WORK/times.$client.$qos")
        CPU[$client,$qos]=$(median <"$WORK/cpu.$client.$qos")
        BROKER_CPU[$client,$qos]=$(calc '%.0f' "100 * ${BUSY[$client]} / $TICKS / ${WALL[$client]}")
        if [ "$qos" -gt 0 ]; then
            CHECKED[$client,$qos]=$(median <"$WORK/checked.$client.$qos")
        fi
    done
done

# ---------------------------------------------------------------------------------------------
# (e) CPU per message against a discarding sink
# ---------------------------------------------------------------------------------------------
step "pub -l -q 0 into a discarding sink: $N0 lines, $ROUNDS rounds, CPU per message"
"$WORK/sink" >"$WORK/sink.port" &
SINK_PID=$!
trap 'kill "$SINK_PID" 2>/dev/null || true; cleanup' EXIT
SINK_PORT=
for i in $(seq 1 500); do
    read -r SINK_PORT <"$WORK/sink.port" || true
    [ -n "$SINK_PORT" ] && break
    sleep 0.01
done
[ -n "$SINK_PORT" ] || die "the sink did not start"
declare -A SINK_CPU
for client in mosquitto mqtk; do : >"$WORK/sink.$client"; done
for round in $(seq 1 "$ROUNDS"); do
    for client in mosquitto mqtk; do
        client_cmd "$client"
        timed "$WORK/lines0" "${CMD[@]}" -h 127.0.0.1 -p "$SINK_PORT" -t bench/sink -q 0 -l
        [ "$STATUS" -eq 0 ] || { cat "$WORK/pub.err" >&2; die "$client exited $STATUS into the sink"; }
        echo "$(calc '%.3f' "1000000 * $CPU_TAKEN / $N0")" >>"$WORK/sink.$client"
        printf '  round %d %-9s %6.3f us CPU/msg\n' "$round" "$client" \
            "$(calc '%.3f' "1000000 * $CPU_TAKEN / $N0")" >&2
    done
done
kill "$SINK_PID" 2>/dev/null || true
wait "$SINK_PID" 2>/dev/null || true
for client in mosquitto mqtk; do SINK_CPU[$client]=$(median <"$WORK/sink.$client"); done

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
verdict() { awk "BEGIN { print ($1) ? \"met\" : \"MISSED\" }"; }
row() { printf '%-26s %-20s %-20s %-14s %-22s %s\n' "$@"; }

echo
echo "mqtk pub vs mosquitto_pub: $(nproc) cores, $(uname -sr), $(mosquitto -h 2>&1 | head -n 1 || true)"
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mqtk: $("$MQTK" --version 2>/dev/null || echo "?"); one-shot: median of $ONESHOT_ROUNDS alternating hyperfine rounds ($per_round runs each) of the mean +- sd;" \
    "-l: median of $ROUNDS rounds, $PAYLOAD_BYTES-byte payloads, rates until the broker has read every message"
echo
row case mosquitto_pub "mqtk pub" mqtk/mosquitto target result
row ---- ------------- -------- -------------- ------ ------
for qos in 0 1; do
    read -r m_mean m_sd <<<"${ONESHOT[mosquitto,$qos]}"
    read -r k_mean k_sd <<<"${ONESHOT[mqtk,$qos]}"
    row "one-shot -m -q $qos" \
        "$(calc '%.2f +- %.2f ms' "$m_mean * 1000, $m_sd * 1000")" \
        "$(calc '%.2f +- %.2f ms' "$k_mean * 1000, $k_sd * 1000")" \
        "$(calc '%.2fx time' "$k_mean / $m_mean")" "<= 1.00x" "$(verdict "$k_mean <= $m_mean")"
    m=${ONESHOT_CPU[mosquitto,$qos]}
    k=${ONESHOT_CPU[mqtk,$qos]}
    row "  CPU per run (budget)" "$(calc '%.2f ms' "$m * 1000")" "$(calc '%.2f ms' "$k * 1000")" \
        "$(calc '%.2fx' "$k / $m")" "<= 1.00x" "$(verdict "$k <= $m")"
    m=${ONESHOT_FAULTS[mosquitto,$qos]}
    k=${ONESHOT_FAULTS[mqtk,$qos]}
    if [ -n "$m" ] && [ -n "$k" ]; then
        row "  page faults per run" "$m" "$k" "$(calc '%.2fx' "$k / $m")" "" ""
    fi
    m=${ONESHOT_INSTR[mosquitto,$qos]}
    k=${ONESHOT_INSTR[mqtk,$qos]}
    if [ -n "$m" ] && [ -n "$k" ]; then
        row "  instructions (callgrind)" "$m" "$k" "$(calc '%.2fx' "$k / $m")" "" ""
    fi
done
for qos in 0 1 2; do
    n=${N[$qos]}
    m=${SECS[mosquitto,$qos]}
    k=${SECS[mqtk,$qos]}
    ceiling=${CEILING[$qos]}
    row "-l -q $qos ($n)" \
        "$(calc '%.3f s %7.0f/s' "$m, $n / $m")" \
        "$(calc '%.3f s %7.0f/s' "$k, $n / $k")" \
        "$(calc '%.2fx msgs/s' "$m / $k")" \
        "$(calc '>= 0.95x ceiling %.0f/s' "$ceiling")" \
        "$(verdict "$n / $k >= 0.95 * $ceiling"): $(calc '%.2fx' "$n / $k / $ceiling") of the ceiling"
    row "  client CPU per message" "${CPU[mosquitto,$qos]} us" "${CPU[mqtk,$qos]} us" \
        "$(calc '%.2fx' "${CPU[mqtk,$qos]} / ${CPU[mosquitto,$qos]}")"
    row "  broker CPU" "${BROKER_CPU[mosquitto,$qos]} %" "${BROKER_CPU[mqtk,$qos]} %"
    row "  broker CPU per message" "${BROKER_US[mosquitto,$qos]} us" "${BROKER_US[mqtk,$qos]} us" \
        "$(calc '%.2fx' "${BROKER_US[mqtk,$qos]} / ${BROKER_US[mosquitto,$qos]}")" \
        "ceiling's ${BROKER_US[ceiling,$qos]} us" \
        "mqtk costs the broker $(calc '%.2fx' "${BROKER_US[mqtk,$qos]} / ${BROKER_US[ceiling,$qos]}") of it"
    if [ "$qos" -gt 0 ]; then
        m=${CHECKED[mosquitto,$qos]}
        k=${CHECKED[mqtk,$qos]}
        result=$(verdict "$m >= $k")
        [ "${RECV[mosquitto,$qos]}" -eq "$n" ] ||
            result="$result; mosquitto_pub: ${RECV[mosquitto,$qos]} of $n delivered"
        [ "${RECV[mqtk,$qos]}" -eq "$n" ] || result="MISSED: mqtk: ${RECV[mqtk,$qos]} of $n DELIVERED"
        row "  + subscriber" \
            "$(calc '%.3f s %7.0f/s' "$m, $n / $m")" \
            "$(calc '%.3f s %7.0f/s' "$k, $n / $k")" \
            "$(calc '%.2fx msgs/s' "$m / $k")" ">= 1.00x" "$result"
    fi
done
m=${SINK_CPU[mosquitto]}
k=${SINK_CPU[mqtk]}
row "-l -q 0 into a sink" "$m us CPU/msg" "$k us CPU/msg" "$(calc '%.2fx' "$k / $m")" "<= 0.50x" \
    "$(verdict "$k <= 0.5 * $m")"
