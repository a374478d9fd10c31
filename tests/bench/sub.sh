#!/usr/bin/env bash
# Benchmark: CPU per received message, mqtk sub against mosquitto_sub, same broker, same run.
#
#   bash tests/bench/sub.sh
#
# Starts a private mosquitto on a free loopback port, builds mqtk in release mode, then for each
# round runs mosquitto_sub, mqtk sub and mqtk sub --json-path one after the other (QoS 0, -C N,
# output to /dev/null): waits until the broker has logged the subscription, publishes N small JSON
# messages with one mosquitto_pub -l, and reads the subscriber's CPU time
# (`perf stat -e task-clock`, which counts in nanoseconds; GNU time's 10 ms ticks are too coarse). Prints CPU µs per message and the ratios; targets from the issue:
#   mqtk sub CPU/msg <= mosquitto_sub CPU/msg;  mqtk sub --json-path CPU/msg <= 2 x mqtk sub.
#
# Knobs: N [200000] messages per round, ROUNDS [3], MQTK [built here].
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
N=${N:-200000}
ROUNDS=${ROUNDS:-3}

# shellcheck source=tests/bench/common.sh
source tests/bench/common.sh
step "Starting mosquitto"
start_broker
work=$WORK
port=$PORT

python3 - "$N" > "$work/lines" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print('{"temperature":%.1f,"humidity":40,"name":"ana","n":%d}' % (20 + i % 100 / 10, i))
PY

# one_run NAME CMD...: subscribe CMD alone, publish N messages, record its CPU time.
one_run() {
    local name=$1; shift
    start_measured "$name" 'b/#' "$@"
    mosquitto_pub -p "$port" -t b/x -l < "$work/lines"
    finish_measured "$name"
}
for round in $(seq "$ROUNDS"); do
    # One subscriber at a time, so they do not compete for the two cores.
    one_run mosquitto mosquitto_sub -p "$port" -t 'b/#' -C "$N"
    one_run mqtk "$MQTK" sub -p "$port" -t 'b/#' -C "$N"
    one_run jsonpath "$MQTK" sub -p "$port" -t 'b/#' -C "$N" --json-path '$.temperature'
    printf 'round %d: mosquitto_sub %ss  mqtk sub %ss  mqtk sub --json-path %ss (CPU, %d messages)\n' \
        "$round" "$(cpu_of "$work/t.mosquitto")" "$(cpu_of "$work/t.mqtk")" "$(cpu_of "$work/t.jsonpath")" "$N"
done
python3 - "$N" "$ROUNDS" "${CPU_TOTAL[mosquitto]}" "${CPU_TOTAL[mqtk]}" "${CPU_TOTAL[jsonpath]}" <<'PY'
import sys
n, rounds = int(sys.argv[1]), int(sys.argv[2])
mosq, mqtk, jp = (float(x) * 1e6 / (n * rounds) for x in sys.argv[3:6])
print(f"\nCPU per received message (QoS 0, {n} messages x {rounds} rounds, mean):")
print(f"  mosquitto_sub                 {mosq:6.2f} µs")
print(f"  mqtk sub                      {mqtk:6.2f} µs   ratio to mosquitto_sub {mqtk / mosq:4.2f}  (target <= 1)")
print(f"  mqtk sub --json-path          {jp:6.2f} µs   ratio to mqtk sub      {jp / mqtk:4.2f}  (target <= 2)")
PY
