#!/usr/bin/env bash
# bench against the broker's ceiling, and traffic shapes, in one run against one private mosquitto:
#   ceiling 1→1, 10→10  tests/bench/ceiling_pubsub.rs at QoS 0: what ideal clients (prebuilt
#            packets and 256 KiB writes on the publishing side, 256 KiB reads that only count on
#            the subscribing side) drive through the broker, in and out, with as many
#            publisher/subscriber pairs and the same topics as the bench case it is compared with;
#            timed like bench, from the first publish to the last arrival
#   ceiling publish-only  tests/bench/ceiling.rs: an ideal publisher, no subscriber (the broker
#            reads and drops): what the broker takes in, for reference
#   1→1      mqtk bench --pubs 1 --subs 1 -q 0 --count N1
#   10→10    mqtk bench --pubs 10 --subs 10 -q 0 -t 'b/%i' --sub-topic 'b/%i' --count N1/10 (pairs)
#   fan-out  mqtk bench --pubs 1 --subs 100 -q 0 --rate FANOUT_RATE --duration 5 (×100 deliveries)
#   fan-in   mqtk bench --pubs 100 --subs 1 -q 0 --rate FANIN_RATE --duration 5
# and the bench's own CPU per 100,000 msg/s received. ROUNDS rounds, medians (each ratio is the
# median of the per-round ratios, the bench case against the probe run just before it). The
# machine is shared: the load average is printed with the results, and the broker's CPU time per
# message (perf stat on the broker) shows whether the bench made it work harder than the probe did.
#
#   bash tests/bench/shapes.sh
#
# Environment knobs (defaults in brackets): N1 [300000], ROUNDS [3], FANOUT_RATE [1000],
# FANIN_RATE [20000], MQTK [built here].
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh

N1=${N1:-300000}
ROUNDS=${ROUNDS:-3}
FANOUT_RATE=${FANOUT_RATE:-1000}
FANIN_RATE=${FANIN_RATE:-20000}
command -v jq >/dev/null || die "jq not found"

CEILING_PROBE="$WORK/ceiling"
HOME="$REAL_HOME" rustc -O --edition 2021 tests/bench/ceiling.rs -o "$CEILING_PROBE" >&2 ||
    die "tests/bench/ceiling.rs did not compile"
PUBSUB_PROBE="$WORK/ceiling_pubsub"
HOME="$REAL_HOME" rustc -O --edition 2021 tests/bench/ceiling_pubsub.rs -o "$PUBSUB_PROBE" >&2 ||
    die "tests/bench/ceiling_pubsub.rs did not compile"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_broker
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

declare -A RATE CPU BROKER_US CLIENT_US RATIO
# The broker's CPU time per message received, µs, while CMD… ran: `broker_us N FILE CMD…`.
broker_us() {
    local n=$1 file=$2
    shift 2
    perf stat -e task-clock -x, -o "$file.perf" -p "$BROKER_PID" -- "$@" >"$file"
    awk -F, -v n="$n" '/task-clock/ {printf "%.2f", $1 * 1000 / n}' "$file.perf"
}
run_case() {
    local name=$1 n=$2
    shift 2
    local out="$WORK/$name.json"
    BROKER_US[$name]+="$(broker_us "$n" "$out" "$MQTK" bench -h 127.0.0.1 -p "$PORT" -I "$name" \
        --json "$@") " || die "$name failed: $(cat "$out")"
    RATE[$name]+="$(jq -r '.msgs_per_s | floor' "$out") "
    CPU[$name]+="$(jq -r '.cpu_percent | floor' "$out") "
    CLIENT_US[$name]+="$(jq -r '.raw.cpu_seconds * 1e6 / ([.received, 1] | max) * 100 | round / 100' "$out") "
}
# `probe NAME PAIRS TOPIC`: the like-for-like ceiling for the bench case run next.
probe() {
    local out="$WORK/probe-$1"
    BROKER_US[probe-$1]+="$(broker_us "$N1" "$out" perf stat -e task-clock -x, -o "$out.self" -- \
        "$PUBSUB_PROBE" 127.0.0.1 "$PORT" "$2" "$N1" 64 "$3") "
    RATE[probe-$1]+="$(cat "$out") "
    CLIENT_US[probe-$1]+="$(awk -F, -v n="$N1" '/task-clock/ {printf "%.2f", $1 * 1000 / n}' "$out.self") "
}
# The ratio of the last bench run of NAME to the last probe run before it.
ratio() {
    local b p
    b=$(tr ' ' '\n' <<<"${RATE[$1]}" | grep . | tail -1)
    p=$(tr ' ' '\n' <<<"${RATE[probe-$1]}" | grep . | tail -1)
    RATIO[$1]+="$(awk -v b="$b" -v p="$p" 'BEGIN {printf "%.3f", b / p}') "
}
CEILING=
for round in $(seq 1 "$ROUNDS"); do
    step "round $round"
    CEILING+="$("$CEILING_PROBE" 127.0.0.1 "$PORT" 0 "$N1" 20 64) "
    probe one 1 mqtk/bench
    run_case one "$N1" --pubs 1 --subs 1 -q 0 --count "$N1"
    ratio one
    probe ten 10 b
    run_case ten "$N1" --pubs 10 --subs 10 -q 0 -t 'b/%i' --sub-topic 'b/%i' --count $((N1 / 10))
    ratio ten
    run_case fanout $((FANOUT_RATE * 100 * 6)) --pubs 1 --subs 100 -q 0 --rate "$FANOUT_RATE" --duration 5 --warmup 1 --connect-rate 500
    run_case fanin $((FANIN_RATE * 6)) --pubs 100 --subs 1 -q 0 --rate "$FANIN_RATE" --duration 5 --warmup 1 --connect-rate 500
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

med() { tr ' ' '\n' <<<"$1" | { grep . || true; } | median; }
ceiling=$(med "$CEILING")
echo
echo "mqtk bench shapes, QoS 0, 64 B, medians of $ROUNDS rounds"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER ($(nproc) cores, shared machine)"
{
    printf 'case\tmsg/s received\tvs ceiling\tbroker µs/msg\tclients µs/msg\tbench CPU %%\tCPU %% per 100k msg/s\n'
    printf 'ceiling publish-only (no subscriber)\t%s\t\t\t\t\t\n' "$ceiling"
    for name in one ten fanout fanin; do
        if [ -n "${RATE[probe-$name]:-}" ]; then
            printf 'ceiling pubsub %s\t%s\t1.00\t%s\t%s\t\t\n' "$([ "$name" = one ] && echo '1→1' || echo '10→10')" \
                "$(med "${RATE[probe-$name]}")" "$(med "${BROKER_US[probe-$name]}")" \
                "$(med "${CLIENT_US[probe-$name]}")"
        fi
        rate=$(med "${RATE[$name]}")
        cpu=$(med "${CPU[$name]}")
        ratio=$(med "${RATIO[$name]:-}")
        awk -v n="$name" -v r="$rate" -v c="$cpu" -v q="${ratio:-}" -v b="$(med "${BROKER_US[$name]}")" \
            -v u="$(med "${CLIENT_US[$name]}")" 'BEGIN {
            label["one"] = "1→1"; label["ten"] = "10→10 (pairs)";
            label["fanout"] = "fan-out 1→100 (rate-limited)"; label["fanin"] = "fan-in 100→1 (rate-limited)";
            printf "%s\t%d\t%s\t%s\t%s\t%d\t%.0f\n", label[n], r, (q == "" ? "" : sprintf("%.2f", q)), b, u, c,
                (r > 0 ? c / (r / 100000) : 0)
        }'
    done
} | column -t -s $'\t'
echo
echo "vs ceiling: the median of each round's bench rate over the like-for-like probe's just before it."
echo "broker µs/msg: the broker's CPU time per message received (fan rows: per message offered)."
echo "clients µs/msg: the CPU time of the probe (all its threads), or of the bench, per message received."
