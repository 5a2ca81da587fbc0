#!/usr/bin/env bash
# Mutation testing of the engine (parlib/data, parlib/model), the published-figure check (parlib/check)
# and the build (parlib/build): `make mutation`. Not part of `make test` (it takes long).
# mutmut (configured under [tool.mutmut] in pyproject.toml) copies the project to mutants/, and for
# each mutant runs only the fast tests that reach the mutated function. The layers run one chunk at
# a time; MUTATION_CHUNKS picks chunks (mutant-name globs), MUTATION_SELECT instead runs the mutants
# matching its globs in one run (e.g. "parlib.model.compare.x_series_id*"), MUTATION_JOBS the parallel workers,
# MUTATION_RESUME=1 keeps mutants/ and the results already there. The summary lands in
# mutation-results.txt (one line per mutant) and is printed per module; docs/testing.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
CHUNKS=${MUTATION_CHUNKS:-"parlib.model.* parlib.check.* parlib.build.* parlib.data.*"}
JOBS=${MUTATION_JOBS:-2}
[ "${MUTATION_RESUME:-0}" = 1 ] || rm -rf mutants
if [ -n "${MUTATION_SELECT:-}" ]; then
  # shellcheck disable=SC2086
  "$BIN/mutmut" run --max-children "$JOBS" $MUTATION_SELECT | tr '\r' '\n' | grep -v '^\s*$' | tail -n 2
  CHUNKS=""
fi
for chunk in $CHUNKS; do
  echo "mutation: $chunk"
  "$BIN/mutmut" run --max-children "$JOBS" "$chunk" | tr '\r' '\n' | grep -v '^\s*$' | tail -n 2
done
"$BIN/mutmut" results --all true > mutation-results.txt || true
"$BIN/python" scripts/mutation_summary.py mutation-results.txt
