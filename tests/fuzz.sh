#!/usr/bin/env bash
# A long fuzzing campaign over mqtk's user-text parsers (src/cli/fuzz.rs): the same properties as the
# short run in `cargo test`, with many more cases, in a release build. Any panic fails the run and
# proptest prints the smallest input that causes it.
#
#   bash tests/fuzz.sh            # 100,000 cases per parser
#   bash tests/fuzz.sh 1000000    # a night's worth
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
echo "fuzzing with $cases cases per parser" >&2
MQTK_FUZZ_CASES=$cases cargo test --release --locked --bin mqtk cli::fuzz -- --test-threads "$(nproc)"
