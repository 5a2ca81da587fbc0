"""A report's memory grows no worse than linearly with the level's size (issue 14): a report of a
150-unit level (synthetic, scripts/bench_data.py) stays under a fixed bound. Before charts had a canvas
of their own, seaborn built a full-size renderer per tick label and this report took 4.3 GB.
Memory only: speed is the benchmark's business (`make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_data  # noqa: E402

LIMIT_MB = 700  # the goal at 500 units is 1 GB; 150 units at linear growth need far less

# Runs the build and prints the largest resident set of it and of the processes it waited for
# (the notebook's kernel): ru_maxrss of RUSAGE_CHILDREN, in kilobytes on Linux.
WRAPPER = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": proc.returncode, "err": proc.stderr[-2000:],
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def test_report_of_150_units_stays_within_memory(tmp_path):
    ds = bench_data.make_dataset(tmp_path / "ds", 150)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "parlib",
        "build",
        str(ds),
        "--year",
        "2023",
        "--lang",
        "vi",
        "--jobs",
        "1",
        "--out",
        str(out),
        "--processed",
        str(tmp_path / "processed"),
    ]
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], cwd=ROOT, capture_output=True, text=True, timeout=900)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert r["rc"] == 0, r["err"]
    assert (out / "bench-150" / "2023" / "report.vi.pdf").is_file()
    assert r["peak_mb"] < LIMIT_MB, f"peak resident memory {r['peak_mb']:.0f} MB"
