#!/usr/bin/env bash
# Benchmark: sub CPU per message with --decode (issue 15), beside plain sub and beside --json-path /
# --where on the same data as JSON.
#
#   bash tests/bench/decode.sh
#
# Starts a private mosquitto on a free loopback port, builds mqtk in release mode, then for each round
# runs each subscriber alone (QoS 0, -C N, stdout to /dev/null), waits until the broker has logged its
# subscription, publishes N messages with one `mqtk pub -l` (`--encode` for the binary ones) and reads
# the subscriber's CPU time (user+sys, `perf stat -e task-clock`). The data: a ~200-byte map (JSON, and
# the same map as MessagePack) and a 10-metric Sparkplug B DDATA (Tahu JSON, and encoded). Target from
# the issue: --decode msgpack / sparkplug with a --where within 2x of plain sub on the same bytes.
#
# Then, with valgrind installed, instructions per message (callgrind, whole process, the first INSTR
# messages; load does not move them) for the same cases.
#
# Knobs: N [50000, a multiple of 100] messages per round, ROUNDS [3], INSTR [3000, 0 to skip], MQTK [built here].
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
N=${N:-50000}
ROUNDS=${ROUNDS:-3}
INSTR=${INSTR:-3000}

# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh
step "Starting mosquitto"
start_broker

python3 - "$N" "$WORK" <<'PY'
import json, sys
n, work = int(sys.argv[1]), sys.argv[2]
with open(f"{work}/map.json", "w") as maps, open(f"{work}/ddata.json", "w") as dd:
    for i in range(n):
        m = {"device": "press-07", "site": "plant1", "line": 3, "shift": "B", "status": "running",
             "temperature": 20 + i % 100 / 10, "humidity": 40.5, "pressure": 1013.25, "rpm": 1450 + i % 7,
             "vibration": [0.12, 0.08, 0.15, 0.11], "alarms": {"high": False, "low": False},
             "operator": "ana", "batch": "B-2026-12-07-0042", "n": i, "ok": True}
        maps.write(json.dumps(m, separators=(",", ":")) + "\n")
        metrics = [{"name": "temp", "alias": 1, "timestamp": 1765065600000 + i, "dataType": "Double",
                    "value": 20 + i % 100 / 10}]
        for k in range(9):
            metrics.append({"name": f"m{k}", "alias": k + 2, "timestamp": 1765065600000 + i,
                            "dataType": "Int32" if k % 2 else "Float", "value": k * 3 + i % 5})
        dd.write(json.dumps({"timestamp": 1765065600000 + i, "seq": i % 256, "metrics": metrics},
                            separators=(",", ":")) + "\n")
PY

# one_run NAME DATA ENCODE CMD...: subscribe CMD alone, publish the N lines of DATA (encoded as
# ENCODE unless it is "-"), record its CPU time.
one_run() {
    local name=$1 data=$2 encode=$3; shift 3
    start_measured "$name" 'spBv1.0/#' "$@"
    local topic=spBv1.0/plant1/DDATA/edge1/dev1
    if [ "$encode" = - ]; then
        "$MQTK" pub -p "$PORT" -t "$topic" -l < "$WORK/$data"
    else
        "$MQTK" pub -p "$PORT" -t "$topic" -l --encode "$encode" < "$WORK/$data"
    fi
    finish_measured "$name"
}
any=("$MQTK" sub -p "$PORT" -t 'spBv1.0/#')
sub=("${any[@]}" -C "$N")
where_map='$[?@.temperature > 0]'
where_sp='$.metrics[?@.name=="temp" && @.value > 0]'
# The same filters, selective: 9 messages in 100 pass (temperature 29.1-29.9 of 20.0-29.9); the
# subscriber stops at the last one, which is the last message when N is a multiple of 100.
some_map='$[?@.temperature > 29]'
some_sp='$.metrics[?@.name=="temp" && @.value > 29]'
passing=$(python3 -c "print(sum(1 for i in range($N) if i % 100 >= 91))")
for round in $(seq "$ROUNDS"); do
    step "Round $round (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    one_run plain_json map.json - "${sub[@]}"
    one_run jsonpath_json map.json - "${sub[@]}" --json-path '$.temperature'
    one_run where_json map.json - "${sub[@]}" --where "$where_map"
    one_run plain_msgpack map.json msgpack "${sub[@]}"
    one_run only_msgpack map.json msgpack "${sub[@]}" --decode msgpack
    one_run decode_msgpack map.json msgpack "${sub[@]}" --decode msgpack --where "$where_map"
    one_run some_msgpack map.json msgpack "${any[@]}" --decode msgpack --where "$some_map" -C "$passing"
    one_run plain_tahu ddata.json - "${sub[@]}"
    one_run where_tahu ddata.json - "${sub[@]}" --where "$where_sp"
    one_run plain_sparkplug ddata.json sparkplug "${sub[@]}"
    one_run only_sparkplug ddata.json sparkplug "${sub[@]}" --decode sparkplug
    one_run decode_sparkplug ddata.json sparkplug "${sub[@]}" --decode sparkplug --where "$where_sp"
    one_run some_sparkplug ddata.json sparkplug "${any[@]}" --decode sparkplug --where "$some_sp" \
        -C "$passing"
done
names=(plain_json jsonpath_json where_json plain_msgpack only_msgpack decode_msgpack some_msgpack plain_tahu
    where_tahu plain_sparkplug only_sparkplug decode_sparkplug some_sparkplug)
args=()
for n in "${names[@]}"; do args+=("$n=${CPU_TOTAL[$n]}"); done
python3 - "$N" "$ROUNDS" "$(cut -d' ' -f1-3 /proc/loadavg)" "${args[@]}" <<'PY'
import sys
n, rounds, load = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
t = {k: float(v) * 1e6 / (n * rounds) for k, v in (a.split("=") for a in sys.argv[4:])}
print(f"\nsub CPU (user+sys) per message, QoS 0, {n} messages x {rounds} rounds, load at the end {load}:")
rows = [
    ("200-byte map as JSON: plain sub", "plain_json", None),
    ("  --json-path '$.temperature'", "jsonpath_json", "plain_json"),
    ("  --where '$[?@.temperature > 0]'", "where_json", "plain_json"),
    ("same map as MessagePack: plain sub", "plain_msgpack", None),
    ("  --decode msgpack (printed as JSON)", "only_msgpack", "plain_msgpack"),
    ("  --decode msgpack --where …", "decode_msgpack", "plain_msgpack"),
    ("  --decode msgpack --where, 9 in 100 pass", "some_msgpack", "plain_msgpack"),
    ("10-metric DDATA as Tahu JSON: plain sub", "plain_tahu", None),
    ("  --where '$.metrics[?@.name==\"temp\" && @.value > 0]'", "where_tahu", "plain_tahu"),
    ("same DDATA as Sparkplug B: plain sub", "plain_sparkplug", None),
    ("  --decode sparkplug (printed as JSON)", "only_sparkplug", "plain_sparkplug"),
    ("  --decode sparkplug --where …", "decode_sparkplug", "plain_sparkplug"),
    ("  --decode sparkplug --where, 9 in 100 pass", "some_sparkplug", "plain_sparkplug"),
]
for label, key, base in rows:
    ratio = f"  {t[key] / t[base]:4.2f}x plain sub on the same bytes" if base else ""
    print(f"  {label:58s} {t[key]:6.2f} µs{ratio}")
print("target: --decode … --where within 2x of plain sub")
PY

# Instruction counts: each case again, its subscriber under callgrind, for the first INSTR messages.
if [ "$INSTR" -gt 0 ] && command -v valgrind > /dev/null; then
    step "Instructions per message (callgrind, $INSTR messages)"
    head -n "$INSTR" "$WORK/map.json" > "$WORK/map.instr"
    head -n "$INSTR" "$WORK/ddata.json" > "$WORK/ddata.instr"
    # instr_run NAME DATA ENCODE ARGS...: like one_run, counting instructions instead of time.
    instr_run() {
        local name=$1 data=$2 encode=$3 before
        shift 3
        before=$(grep -c 'spBv1.0/#' "$BROKER_LOG" || true)
        valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.$name" \
            "$MQTK" sub -p "$PORT" -t 'spBv1.0/#' -C "$INSTR" "$@" > /dev/null 2> "$WORK/vg.$name" &
        local pid=$!
        for _ in $(seq 2000); do
            [ "$(grep -c 'spBv1.0/#' "$BROKER_LOG" || true)" -gt "$before" ] && break
            sleep 0.025
        done
        local enc=()
        [ "$encode" = - ] || enc=(--encode "$encode")
        "$MQTK" pub -p "$PORT" -t spBv1.0/plant1/DDATA/edge1/dev1 -l -q 1 "${enc[@]}" < "$WORK/$data"
        wait "$pid"
        local total
        total=$(grep -E '^(summary|totals):' "$WORK/cg.$name" | head -n 1 | awk '{print $2}')
        INSTR_PER[$name]=$((total / INSTR))
        local base=${INSTR_BASE:-}
        if [ -n "$base" ]; then
            printf '  %-18s %8d instructions per message, %s x %s\n' "$name" "${INSTR_PER[$name]}" \
                "$(python3 -c "print(f'{${INSTR_PER[$name]} / ${INSTR_PER[$base]}:.2f}')")" "$base"
        else
            printf '  %-18s %8d instructions per message\n' "$name" "${INSTR_PER[$name]}"
        fi
    }
    declare -A INSTR_PER
    INSTR_BASE='' instr_run plain_json map.instr -
    INSTR_BASE=plain_json instr_run where_json map.instr - --where "$where_map"
    INSTR_BASE='' instr_run plain_msgpack map.instr msgpack
    INSTR_BASE=plain_msgpack instr_run decode_msgpack map.instr msgpack --decode msgpack --where "$where_map"
    INSTR_BASE='' instr_run plain_sparkplug ddata.instr sparkplug
    INSTR_BASE=plain_sparkplug instr_run only_sparkplug ddata.instr sparkplug --decode sparkplug
    INSTR_BASE=plain_sparkplug instr_run decode_sparkplug ddata.instr sparkplug --decode sparkplug \
        --where "$where_sp"
fi
