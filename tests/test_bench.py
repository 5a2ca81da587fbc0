"""The benchmark (`make bench`, scripts/bench.py) runs: its smallest case only, and no timing is asserted
(speed goals live in the benchmark's table, never in a timed test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_data  # noqa: E402


def test_benchmark_runs_on_its_smallest_case(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--smoke", "--work", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("machine: ")
    assert any(ln.startswith("| case ") and "| goal " in ln and "| ratio " in ln for ln in lines)
    assert any(ln.startswith("| engine 200 units × 40 criteria × 2 years ") and " s " in ln for ln in lines)
    assert any(ln.startswith("| engine 200 units ") and " MB " in ln for ln in lines)


def test_generated_dataset_is_seeded_and_valid(tmp_path):
    """Same arguments, same bytes; the dataset loads, with 40 criteria per unit and 1 % of units in one year only."""
    a = bench_data.make_dataset(tmp_path / "a", 400)
    b = bench_data.make_dataset(tmp_path / "b", 400)
    for rel in ("2022/communes.csv", "2023/communes.csv"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
    from parlib.data.load import load_dataset
    from parlib.model.scoring import score_dataset

    scores = score_dataset(load_dataset(a))
    u23 = scores.level_units(2023, "communes")
    assert len(u23) == 398  # 400 minus the 2 units (0.5 %) present in 2022 only
    assert len(scores.level_fields(2023, "communes")) == 398 * 8
    header = (a / "2023/communes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "Tên đơn vị;Lĩnh vực;Tiêu chí;Điểm tối đa;Điểm tự đánh giá;Điểm thẩm định;Điểm điều tra XHH"
    assert sum(1 for _ in (a / "2023/communes.csv").open(encoding="utf-8")) == 1 + 398 * 40
