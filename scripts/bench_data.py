"""Seeded synthetic PAR Index datasets for the benchmark (``scripts/bench.py``).

A generated dataset is a normal parlib dataset folder (docs/data-format.md):

- one level ``communes`` of ``n_units`` units named like Vietnamese communes ("Xã Hòa Bình 000123"),
  English name "Commune 000123";
- one methodology: 8 fields × 5 criteria = 40 criteria, 100 points (7 appraisal fields of 10 points,
  1 survey field of 30 points), 2 printed decimals, five bands by total (90/80/70/50/0);
- two years (2022, 2023), one semicolon-separated UTF-8 CSV per year at the *per-criterion*
  granularity (the PAR Index software's export): ``Tên đơn vị;Lĩnh vực;Tiêu chí;Điểm tối đa;
  Điểm tự đánh giá;Điểm thẩm định;Điểm điều tra XHH``, one row per unit and criterion, fields by
  Vietnamese name, numbers with a decimal comma, the survey criteria with survey points only;
- every unit of the level in both years except 1 %: 0,5 % only in 2022 (missing in 2023), 0,5 % only
  in 2023 (new); in the 2023 table 5 % of the units' names are printed in capitals (matched without case).

Scores: each unit has an ability a ~ U(0.45, 1); a criterion's appraised points are
max × clip(a + N(0, 0.12), 0, 1), rounded to 2 decimals; self-assessed points are the appraised
points plus a cut of 0 to 15 % of the maximum (capped at the maximum); 2023 moves the ability by
N(0, 0.05). Everything comes from ``numpy.random.default_rng(seed)``, so the same arguments give
the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

FIELDS = [  # id, Vietnamese name, English name, max, component
    ("chi-dao", "Công tác chỉ đạo, điều hành", "Direction of PAR", 10, "appraisal"),
    ("the-che", "Xây dựng và tổ chức thực hiện thể chế", "Institutions", 10, "appraisal"),
    ("tthc", "Cải cách thủ tục hành chính", "Administrative procedures", 10, "appraisal"),
    ("bo-may", "Cải cách tổ chức bộ máy", "Organisation", 10, "appraisal"),
    ("cong-vu", "Cải cách chế độ công vụ", "Civil service", 10, "appraisal"),
    ("tai-chinh", "Cải cách tài chính công", "Public finance", 10, "appraisal"),
    ("so-hoa", "Xây dựng và phát triển Chính quyền số", "Digital government", 10, "appraisal"),
    ("khao-sat", "Điều tra xã hội học", "Satisfaction survey", 30, "survey"),
]
CRITERIA_PER_FIELD = 5
YEARS = (2022, 2023)
_PLACES = [
    "Hòa Bình",
    "Phúc Lộc",
    "Tân Sơn",
    "Đồng Tâm",
    "Quang Trung",
    "Nghĩa Tá",
    "Bằng Lũng",
    "Yên Thịnh",
    "Cẩm Giàng",
    "Thượng Quan",
    "Xuân Dương",
    "Lương Bằng",
    "Đức Vân",
    "Nà Phặc",
    "Vân Tùng",
    "Bộc Bố",
]


def unit_names(n_units: int) -> list[str]:
    """The Vietnamese name of each unit (unique: the number is part of the name)."""
    return [f"Xã {_PLACES[i % len(_PLACES)]} {i + 1:06d}" for i in range(n_units)]


def _table(rng: np.random.Generator, names: np.ndarray, ability: np.ndarray) -> pd.DataFrame:
    n = len(names)
    per_field = []
    for fi, (_fid, fname, _en, fmax, comp) in enumerate(FIELDS):
        cmax = fmax / CRITERIA_PER_FIELD
        for c in range(CRITERIA_PER_FIELD):
            pts = np.round(cmax * np.clip(ability + rng.normal(0, 0.12, n), 0, 1), 2)
            if comp == "survey":
                frame = pd.DataFrame({"max": cmax, "self": np.nan, "appraised": np.nan, "survey": pts})
            else:
                cut = np.round(cmax * rng.uniform(0, 0.15, n), 2)
                frame = pd.DataFrame(
                    {"max": cmax, "self": np.minimum(pts + cut, cmax), "appraised": pts, "survey": np.nan}
                )
            frame.insert(0, "criterion", f"{fi + 1}.{c + 1}")
            frame.insert(0, "field", fname)
            frame.insert(0, "unit", names)
            frame.insert(0, "order", np.arange(n) * len(FIELDS) * CRITERIA_PER_FIELD + fi * CRITERIA_PER_FIELD + c)
            per_field.append(frame)
    table = pd.concat(per_field, ignore_index=True).sort_values("order", kind="stable").drop(columns="order")
    table.columns = [
        "Tên đơn vị",
        "Lĩnh vực",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Điểm điều tra XHH",
    ]
    return table


def _yaml_text(ds_id: str, n_units: int, sha: dict[int, str]) -> str:
    lines = [
        "# SYNTHETIC BENCHMARK DATA, made by scripts/bench_data.py (seeded); not real scores.",
        f"id: {ds_id}",
        f'title: {{vi: "Chỉ số CCHC cấp xã (dữ liệu tổng hợp {n_units} đơn vị)", en: "Commune PAR Index '
        f'(synthetic, {n_units} units)"}}',
        "publisher: {vi: Dữ liệu tổng hợp cho kiểm thử hiệu năng, en: Synthetic data for the benchmark}",
        'date_published: "2024-01-31"',
        "assumptions:",
        "  - {vi: Toàn bộ số liệu là tổng hợp ngẫu nhiên., en: Every figure is synthetic (random).}",
        "levels:",
        "  - id: communes",
        "    name: {vi: Cấp xã, en: Commune level}",
        "    noun: {vi: xã, en: communes}",
        "    units:",
    ]
    for i, name in enumerate(unit_names(n_units)):
        lines.append(f"      - {{id: u{i + 1:06d}, name: {{vi: {name}, en: Commune {i + 1:06d}}}}}")
    lines += [
        "methodologies:",
        "  - id: synthetic",
        "    title: {vi: Bộ tiêu chí tổng hợp, en: Synthetic criteria set}",
        "    max_total: 100",
        "    survey_max: 30",
        "    decimals: 2",
        "    fields:",
    ]
    for fid, vi, en, fmax, comp in FIELDS:
        lines.append(
            f"      - {{id: {fid}, name: {{vi: '{vi}', en: '{en}'}}, max: {fmax}"
            + (", component: survey}" if comp == "survey" else "}")
        )
    lines += [
        "    bands:",
        "      - {id: xuat-sac, name: {vi: Xuất sắc, en: Excellent}, min_total: 90}",
        "      - {id: tot, name: {vi: Tốt, en: Good}, min_total: 80}",
        "      - {id: kha, name: {vi: Khá, en: Fair}, min_total: 70}",
        "      - {id: trung-binh, name: {vi: Trung bình, en: Average}, min_total: 50}",
        "      - {id: yeu, name: {vi: Yếu, en: Weak}, min_total: 0}",
        "sources:",
        "  - id: synthetic",
        "    title: scripts/bench_data.py",
        "    url: https://example.invalid/parlib-benchmark",
        "    publisher: parlib benchmark",
        '    date_published: "2024-01-31"',
        '    date_accessed: "2024-01-31"',
        "    provenance: illustrative",
        "years:",
    ]
    for y in YEARS:
        lines += [
            f"  - year: {y}",
            "    tables:",
            f"      - file: {y}/communes.csv",
            "        level: communes",
            "        methodology: synthetic",
            "        source: synthetic",
            f"        sha256: {sha[y]}",
        ]
    return "\n".join(lines) + "\n"


def make_dataset(folder: Path, n_units: int, seed: int = 14) -> Path:
    """Write the synthetic dataset of ``n_units`` units into ``folder`` (made if needed); returns it.

    Skipped when ``folder`` already holds the dataset of these arguments (a stamp file records them).
    """
    folder = Path(folder)
    stamp = folder / ".generated"
    key = f"bench_data v1 n_units={n_units} seed={seed}"
    if stamp.is_file() and stamp.read_text() == key:
        return folder
    rng = np.random.default_rng(seed)
    names = np.array(unit_names(n_units), dtype=object)
    ability = rng.uniform(0.45, 1.0, n_units)
    idx = rng.permutation(n_units)
    k = n_units // 200
    only_2022, only_2023 = set(idx[:k].tolist()), set(idx[k : 2 * k].tolist())
    sha = {}
    for y in YEARS:
        keep = np.array([i not in (only_2023 if y == 2022 else only_2022) for i in range(n_units)])
        if y == 2023:
            ability = np.clip(ability + rng.normal(0, 0.05, n_units), 0, 1)
        printed = names.copy()
        if y == 2023:
            caps = rng.random(n_units) < 0.05
            printed[caps] = [s.upper() for s in printed[caps]]
        table = _table(rng, printed[keep], ability[keep])
        path = folder / str(y) / "communes.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(path, sep=";", index=False, decimal=",", float_format="%.2f", lineterminator="\n")
        sha[y] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "dataset.yml").write_text(_yaml_text(f"bench-{n_units}", n_units, sha), encoding="utf-8")
    stamp.write_text(key)
    return folder
