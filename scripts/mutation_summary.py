"""Count mutmut's results per module and per layer: mutants made, run, killed, survived, no tests.

Reads either the output of `mutmut results --all true` (lines "parlib.model.compare.x_f__mutmut_3:
killed"), or, given a folder, mutmut's own result files under it (mutants/**/*.meta, readable while
a run is still going: `python scripts/mutation_summary.py build/mutation/mutants`).

- made: every mutant; run: made minus those not run yet (not checked) or skipped;
- killed: a test failed, or the tests timed out (a mutant that hangs them is caught by them);
- survived: every test that reaches the mutated function passed;
- no tests: no selected test reaches the function (counted as not killed);
- other: suspicious, segfault, interrupted (counted as not killed).
"killed %" is killed / run: a mutant reached by no test counts against it.

`python scripts/mutation_summary.py --pending FOLDER GLOB...` prints the mutants matching the globs
that have no result yet, one argument per line, for `mutmut run` (scripts/mutation.sh resumes with
it: mutmut itself runs again every mutant a glob names, done or not). A function none of whose
mutants has run is given as one glob (``...x_f__mutmut_*``), the others by name; a glob that names no
mutant with a result file yet (a module whose mutants are to be made again) is given as it is.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

KILLED = {"killed", "timeout", "caught by type check"}
NOT_RUN = {"not checked", "skipped"}
# mutmut 3's exit codes (mutmut/stats.py): anything else is "suspicious"
STATUS_BY_EXIT_CODE = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    2: "check was interrupted by user",
    None: "not checked",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    37: "caught by type check",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    -11: "segfault",
    -9: "segfault",
}
COLUMNS = ("made", "run", "killed", "survived", "no tests", "other", "killed %")


def module_of(mutant: str) -> str:
    """'parlib.data.xlsx.x_read__mutmut_3' → 'parlib.data.xlsx' (a function name holds no dot)."""
    return mutant.split("__mutmut_", 1)[0].rsplit(".", 1)[0]


def read_results(path: Path) -> dict[str, str]:
    """Each mutant's status, from a `mutmut results --all true` listing or a folder of .meta files."""
    if path.is_dir():
        out: dict[str, str] = {}
        for meta in sorted(path.rglob("*.meta")):
            codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
            out.update({k: STATUS_BY_EXIT_CODE.get(v, "suspicious") for k, v in codes.items()})
        return out
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            out[name] = status.strip()
    return out


def count(statuses: Counter) -> dict[str, object]:
    made = sum(statuses.values())
    killed = sum(statuses[s] for s in KILLED)
    run = made - sum(statuses[s] for s in NOT_RUN)
    survived, no_tests = statuses["survived"], statuses["no tests"]
    return {
        "made": made,
        "run": run,
        "killed": killed,
        "survived": survived,
        "no tests": no_tests,
        "other": run - killed - survived - no_tests,
        "killed %": f"{100 * killed / run:.1f}" if run else "-",
    }


def summary(results: dict[str, str]) -> list[tuple[str, dict[str, object]]]:
    """Rows (name, counts): each module, then each layer (parlib.data, ...), then the total."""
    per: dict[str, Counter] = defaultdict(Counter)
    layer: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    for name, status in results.items():
        mod = module_of(name)
        per[mod][status] += 1
        layer[".".join(mod.split(".")[:2]) + " (layer)"][status] += 1
        total[status] += 1
    rows = [(m, count(per[m])) for m in sorted(per)]
    rows += [(lv, count(layer[lv])) for lv in sorted(layer)]
    return rows + [("total", count(total))]


def pending(results: dict[str, str], globs: list[str]) -> list[str]:
    """The arguments for `mutmut run` that run exactly the mutants matching ``globs`` not run yet."""
    todo: dict[str, list[str]] = defaultdict(list)
    done: set[str] = set()
    for name, status in results.items():
        if not any(fnmatch.fnmatchcase(name, g) for g in globs):
            continue
        function = name.rsplit("__mutmut_", 1)[0]
        if status == "not checked":
            todo[function].append(name)
        else:
            done.add(function)
    # a glob none of whose mutants has a result file yet (its module's mutants are made in this run)
    out = [g for g in globs if not any(fnmatch.fnmatchcase(name, g) for name in results)]
    for function in sorted(todo):
        out += sorted(todo[function]) if function in done else [function + "__mutmut_*"]
    return out


def main(arg: str) -> None:
    rows = summary(read_results(Path(arg)))
    print(f"{'module':34}" + "".join(f"{c:>10}" for c in COLUMNS))
    for name, c in rows:
        print(f"{name:34}" + "".join(f"{c[col]!s:>10}" for col in COLUMNS))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--pending"]:
        print("\n".join(pending(read_results(Path(sys.argv[2])), sys.argv[3:])))
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "mutation-results.txt")
