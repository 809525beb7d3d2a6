#!/usr/bin/env bash
# The exploration run: every property test (hypothesis) with new seeds and many more examples than the
# normal, deterministic test run draws. Run by hand or on a schedule, never as part of the README's
# test command. Each failure it reports is a bug: fix it and keep the falsifying example as an explicit
# test (@example or a plain test), so the normal run checks it every time; never pin a seed to hide it.
#   benchmarks/explore.sh                 10x the examples, one round
#   benchmarks/explore.sh 20 3            20x the examples, three rounds (new seeds each)
#   benchmarks/explore.sh 10 1 tests/test_properties.py    only these tests
# Failures are kept in /tmp/focusgen-hypothesis (hypothesis's database), so the next round tries them first.
set -uo pipefail
cd "$(dirname "$0")/.."
factor=${1:-10}
rounds=${2:-1}
shift $(( $# > 2 ? 2 : $# ))
status=0
for ((i = 1; i <= rounds; i++)); do
    echo "explore: round $i of $rounds, ${factor}x the examples"
    .venv/bin/python -m pytest -q -p no:cacheprovider --explore="$factor" "$@" || status=1
done
exit $status
