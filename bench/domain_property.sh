#!/usr/bin/env bash
# The long run of the domain compiler's property test (see usage below). CI
# runs the same test with a fixed seed and 3,000 cases; this runs as many as
# asked, with any seed, to look for the rare domain the short run misses.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/domain_property.sh [SEED [CASES]] [--binary BIN] [--no-build] [--log FILE]

Runs src/orm/domain_property_pgtest.cpp (DomainPropertyPg) with
CITADEL_DOMAIN_SEED=SEED and CITADEL_DOMAIN_CASES=CASES: CASES random domains
over a data set generated from SEED, each selected once by the SQL the ORM
compiles (on a real PostgreSQL the test harness starts and stops) and once by
the independent in-memory evaluator, which reads the raw JSON domain itself
(src/orm/testing/domain_evaluator.hpp). Prints the test's summary line (cases,
time, mismatches, refusals, SQL errors) and exits non-zero on any mismatch.

  SEED            the seed of data and domains (default 20250101, CI's)
  CASES           how many domains (default 100000: about 4 minutes in
                  Release on 2 shared cores)
  --binary BIN    the test binary (default build/src/orm/orm_pgtest)
  --no-build      do not build it first (otherwise: ninja -C build
                  orm_pgtest, under the shared build lock)
  --log FILE      the full test output (default
                  /tmp/citadel-domain-property.<seed>.<cases>.log)

A mismatch prints the seed, the domain and both id sets: rerun with that seed
to reproduce; then decide by Odoo 18's semantics whether the compiler or the
evaluator is wrong.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seed=20250101 cases=100000 binary="$root/build/src/orm/orm_pgtest" build=1 log=""
positional=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --binary) binary=${2:?--binary needs a path}; build=0; shift ;;
    --no-build) build=0 ;;
    --log) log=${2:?--log needs a path}; shift ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) positional+=("$1") ;;
  esac
  shift
done
[[ ${#positional[@]} -ge 1 ]] && seed=${positional[0]}
[[ ${#positional[@]} -ge 2 ]] && cases=${positional[1]}
[[ ${#positional[@]} -le 2 ]] || { echo "error: at most SEED and CASES (see --help)" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ && $cases =~ ^[0-9]+$ ]] || { echo "error: SEED and CASES are numbers" >&2; exit 2; }
log=${log:-/tmp/citadel-domain-property.$seed.$cases.log}

if [[ $build -eq 1 ]]; then
  # Other engineers build in the same tree: one ninja at a time.
  flock /tmp/citadel-build.lock env CCACHE_DIR="${CCACHE_DIR:-$root/.ccache}" ninja -C "$root/build" orm_pgtest >&2
fi
[[ -x $binary ]] || { echo "error: $binary is not built (see --help)" >&2; exit 1; }

echo "seed $seed, $cases cases, load $(cut -d' ' -f1-3 /proc/loadavg); log: $log" >&2
status=0
CITADEL_DOMAIN_SEED=$seed CITADEL_DOMAIN_CASES=$cases \
  "$binary" --gtest_filter='DomainPropertyPg.*' >"$log" 2>&1 || status=$?
grep -F '[ domains  ]' "$log" || echo "error: no summary line; see $log" >&2
if [[ $status -ne 0 ]]; then
  # The first mismatches, as the test printed them.
  grep -A3 -E '^case [0-9]+|^  domain:' "$log" | head -40 >&2 || true
  echo "FAILED (exit $status); full output in $log" >&2
fi
exit $status
