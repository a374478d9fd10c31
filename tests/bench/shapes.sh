#!/usr/bin/env bash
# bench against the broker's ceiling, and traffic shapes, in one run against one private mosquitto:
#   ceiling  tests/bench/ceiling.rs at QoS 0: what an ideal publisher (prebuilt packets, bulk
#            writes) gets the broker to take, no subscriber: the most any publisher can see here
#   1→1      mqtk bench --pubs 1 --subs 1 -q 0 --count N1
#   10→10    mqtk bench --pubs 10 --subs 10 -q 0 -t 'b/%i' --sub-topic 'b/%i' --count N1/10 (pairs)
#   fan-out  mqtk bench --pubs 1 --subs 100 -q 0 --rate FANOUT_RATE --duration 5 (×100 deliveries)
#   fan-in   mqtk bench --pubs 100 --subs 1 -q 0 --rate FANIN_RATE --duration 5
# and the bench's own CPU per 100,000 msg/s received. ROUNDS rounds, medians. The machine is shared:
# the load average is printed with the results.
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

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_broker
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

declare -A RATE CPU
run_case() {
    local name=$1
    shift
    local out="$WORK/$name.json"
    "$MQTK" bench -h 127.0.0.1 -p "$PORT" -I "$name" --json "$@" >"$out" ||
        die "$name failed: $(cat "$out")"
    RATE[$name]+="$(jq -r '.msgs_per_s | floor' "$out") "
    CPU[$name]+="$(jq -r '.cpu_percent | floor' "$out") "
}
CEILING=
for round in $(seq 1 "$ROUNDS"); do
    step "round $round"
    CEILING+="$("$CEILING_PROBE" 127.0.0.1 "$PORT" 0 "$N1" 20 64) "
    run_case one --pubs 1 --subs 1 -q 0 --count "$N1"
    run_case ten --pubs 10 --subs 10 -q 0 -t 'b/%i' --sub-topic 'b/%i' --count $((N1 / 10))
    run_case fanout --pubs 1 --subs 100 -q 0 --rate "$FANOUT_RATE" --duration 5 --warmup 1 --connect-rate 500
    run_case fanin --pubs 100 --subs 1 -q 0 --rate "$FANIN_RATE" --duration 5 --warmup 1 --connect-rate 500
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

ceiling=$(tr ' ' '\n' <<<"$CEILING" | grep . | median)
echo
echo "mqtk bench shapes, QoS 0, 64 B, medians of $ROUNDS rounds"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER ($(nproc) cores, shared machine)"
{
    printf 'case\tmsg/s received\tvs ceiling\tbench CPU %%\tCPU %% per 100k msg/s\n'
    printf 'ceiling (ideal publisher, no subscriber)\t%s\t1.00\t\t\n' "$ceiling"
    for name in one ten fanout fanin; do
        rate=$(tr ' ' '\n' <<<"${RATE[$name]}" | grep . | median)
        cpu=$(tr ' ' '\n' <<<"${CPU[$name]}" | grep . | median)
        awk -v n="$name" -v r="$rate" -v c="$cpu" -v ceil="$ceiling" 'BEGIN {
            label["one"] = "1→1"; label["ten"] = "10→10 (pairs)";
            label["fanout"] = "fan-out 1→100"; label["fanin"] = "fan-in 100→1";
            printf "%s\t%d\t%.2f\t%d\t%.0f\n", label[n], r, r / ceil, c, (r > 0 ? c / (r / 100000) : 0)
        }'
    done
} | column -t -s $'\t'
