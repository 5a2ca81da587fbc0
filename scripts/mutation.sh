#!/usr/bin/env bash
# Mutation testing of the engine (parlib/data, parlib/model), the published-figure check (parlib/check)
# and the build (parlib/build): `make mutation`. Not part of `make test` (it takes long).
# mutmut (configured under [tool.mutmut] in pyproject.toml) copies the project to mutants/, and for
# each mutant runs only the fast tests that reach the mutated function. The layers run one chunk at
# a time; MUTATION_CHUNKS picks chunks (mutant-name globs), MUTATION_SELECT instead runs the mutants
# matching its globs in one run (e.g. "parlib.model.compare.x_series_id*"), MUTATION_JOBS the parallel workers,
# MUTATION_RESUME=1 keeps mutants/ and the results already there. The summary lands in
# mutation-results.txt (one line per mutant) and is printed per module; docs/testing.md records a run.
# mutmut copies the whole tests/ folder, and the bad-input corpus holds a symbolic link that loops
# (a case of issue 13), which its copy cannot follow; so mutmut runs in a copy of the project without
# that corpus (MUTATION_DIR, default build/mutation/), which also leaves the working tree free to edit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$(cd "${VENV:-.venv}/bin" && pwd)
WORK=${MUTATION_DIR:-build/mutation}
mkdir -p "$WORK"
# The copy keeps each file's time, and mutmut makes a file's mutants again only when its source is newer
# than them: a source changed since the last copy is marked new, or a resumed run would test old mutants.
changed=$(find parlib -name '*.py' | while read -r f; do cmp -s "$f" "$WORK/$f" || echo "$f"; done)
tar -C "$ROOT" -cf - --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./mutants \
  --exclude=./tests/bad_inputs --exclude=./outputs --exclude=./data/processed . | tar -C "$WORK" -xf -
for f in $changed; do touch "$WORK/$f"; done
cd "$WORK"
# mutmut copies parlib's other files (the schemas, the report's templates) into mutants/ only when they
# are missing there: one changed since the last copy is put in here, or the run tests the old one.
if [ -d mutants/parlib ]; then
  find parlib -type f ! -name '*.py' ! -path '*/__pycache__/*' | while read -r f; do
    cmp -s "$f" "mutants/$f" || { mkdir -p "mutants/$(dirname "$f")" && cp -p "$f" "mutants/$f"; }
  done
fi
CHUNKS=${MUTATION_CHUNKS:-"parlib.model.* parlib.check.* parlib.build.* parlib.data.*"}
JOBS=${MUTATION_JOBS:-2}
# mutmut's type check (type_check_command in pyproject.toml) runs `python`: this virtualenv's.
export PATH="$BIN:$PATH"
[ "${MUTATION_RESUME:-0}" = 1 ] || rm -rf mutants
# Run the mutants matching the globs given. mutmut runs again every mutant a glob names, done or not;
# so when resuming, only those without a result are named (scripts/mutation_summary.py --pending).
run_mutants() {
  local names=("$@")
  export MUTATION_TYPECHECK_GLOBS="$*"  # scripts/mutation_mypy.py: only these modules' type errors
  if [ "${MUTATION_RESUME:-0}" = 1 ] && [ -n "$(find mutants -name '*.meta' -print -quit 2>/dev/null)" ]; then
    # (an empty line when nothing is pending: mutmut would take "" for a glob that matches nothing and stop)
    mapfile -t names < <("$BIN/python" scripts/mutation_summary.py --pending mutants "$@" | sed '/^$/d')
    if [ "${#names[@]}" = 0 ]; then
      echo "mutation: nothing left to run in $*"
      return
    fi
  fi
  "$BIN/mutmut" run --max-children "$JOBS" "${names[@]}" | tr '\r' '\n' | grep -v '^\s*$' | tee -a mutmut-run.log | tail -n 2
}
if [ -n "${MUTATION_SELECT:-}" ]; then
  # shellcheck disable=SC2086
  run_mutants $MUTATION_SELECT
  CHUNKS=""
fi
for chunk in $CHUNKS; do
  echo "mutation: $chunk"
  run_mutants "$chunk"
done
"$BIN/mutmut" results --all true > "$ROOT/mutation-results.txt" || true
"$BIN/python" scripts/mutation_summary.py "$ROOT/mutation-results.txt"
