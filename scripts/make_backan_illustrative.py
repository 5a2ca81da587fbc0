"""Make the ILLUSTRATIVE per-unit tables of the embedded `backan` dataset (Bắc Kạn, 2022 and 2023).

Bắc Kạn's per-unit tables are not public in any source the project can reach. What is public (the
Báo Bắc Kạn article, see ../shared/reference/published-figures.md) is a set of figures: level means,
band counts, the top unit of each level with its total, change and survey score. This script makes
per-field tables that reproduce EVERY one of those figures exactly, from documented assumptions, so
that every section of the report has data. The rows are illustrative: no unit's field scores, and
no unit's total other than those named below, is a published value.

Assumptions (also in data/raw/backan/dataset.yml):
- units: the 19 departments and 8 districts of ../shared/reference/domain.md;
- fields: the 7 fields of Decision 1679/QĐ-UBND (2021) scored by appraisal, plus the sociological
  survey as an eighth "field"; maxima below are assumed (the real ones are not published);
- band rule: Xuất sắc needs a total ≥ 90 AND every field (survey included) ≥ 90 % of its maximum;
  Tốt ≥ 80; Khá ≥ 70; Trung bình ≥ 50; Yếu below. (A department with 95,476 was rated Tốt, so
  Xuất sắc needs more than a total of 90.)
- published anchors reproduced exactly: department means 90,766 (2023) and 87,45 (2022); 19/19
  departments ≥ 80 and Tốt in 2023; 5 departments Xuất sắc in 2022, none in 2023; Sở Giao thông vận
  tải first in 2023 with 95,476, +15,356 (so 80,120 in 2022), highest survey score of the
  departments; district means 82,609 and 83,77; 5 districts Tốt and 3 Khá in 2023; Thành phố Bắc
  Kạn first with 87,46 (87,460), +5,651 (81,809 in 2022), up 6 places (7th in 2022), survey 12,071
  the highest of the districts.

Run: .venv/bin/python scripts/make_backan_illustrative.py   (seeded: the same files every run)
It prints each file's sha256 for dataset.yml. All arithmetic is in integer thousandths of a point.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

SEED = 20240301
OUT = Path(__file__).resolve().parents[1] / "data" / "raw" / "backan"

FIELDS = [
    "Công tác chỉ đạo, điều hành CCHC",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
]
SURVEY = "Điều tra xã hội học"
MAXIMA = {  # thousandths; appraisal fields then survey
    "departments": [10000, 10000, 14000, 8000, 12000, 8000, 18000, 20000],
    "districts": [10000, 10000, 15000, 8000, 12000, 9000, 21000, 15000],
}
DEPARTMENTS = [
    "Sở Giao thông vận tải",
    "Sở Công Thương",
    "Sở Kế hoạch và Đầu tư",
    "Ban Quản lý các Khu công nghiệp tỉnh",
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra tỉnh",
    "Ban Dân tộc",
]
DISTRICTS = [
    "Thành phố Bắc Kạn",
    "Huyện Ba Bể",
    "Huyện Bạch Thông",
    "Huyện Chợ Đồn",
    "Huyện Chợ Mới",
    "Huyện Na Rì",
    "Huyện Ngân Sơn",
    "Huyện Pác Nặm",
]


def spread_to_sum(rng: np.random.Generator, n: int, total: int, lo: int, hi: int) -> np.ndarray:
    """n distinct integers in [lo, hi] summing to ``total`` exactly (rejection sampling, seeded)."""
    for _ in range(100000):
        x = rng.integers(lo, hi + 1, size=n)
        x[-1] = total - x[:-1].sum()
        if lo <= x[-1] <= hi and len(set(x.tolist())) == n:
            return x
    raise RuntimeError("no spread found")


def split_fields(rng, total: int, survey: int, maxima: list[int], excellent: bool) -> list[int]:
    """Field points (thousandths) summing to total − survey, each within its maximum; with every field
    ≥ 90 % of its maximum when ``excellent``, else (for totals ≥ 90) at least one field below 90 %."""
    appraisal_max = maxima[:-1]
    deficit = sum(appraisal_max) - (total - survey)
    assert deficit >= 0, (total, survey)
    for _ in range(100000):
        # Near-proportional deficits keep every field ≥ 90 % for an excellent unit; otherwise uneven.
        conc = 400.0 if excellent else 2.0
        w = rng.dirichlet(np.ones(len(appraisal_max)) * conc) * np.array(appraisal_max)
        d = np.floor(deficit * w / w.sum()).astype(int)
        d[int(rng.integers(len(d)))] += deficit - d.sum()
        pts = np.array(appraisal_max) - d
        if (pts < 0).any() or (d < 0).any():
            continue
        pct_ok = (pts * 10 >= np.array(appraisal_max) * 9).all() and survey * 10 >= maxima[-1] * 9
        if excellent == pct_ok or (not excellent and total < 90000):
            return [int(p) for p in pts] + [survey]
    raise RuntimeError("no split found")


def make_level(rng, names, totals, surveys, maxima, excellent: set[str]) -> list[list[str]]:
    rows = []
    for name, total, survey in zip(names, totals, surveys):
        pts = split_fields(rng, int(total), int(survey), maxima, name in excellent)
        for field, mx, p in zip(FIELDS + [SURVEY], maxima, pts):
            if field == SURVEY:
                rows.append([name, field, fmt(mx), "", "", fmt(p), "illustrative"])
            else:
                cut = int(rng.integers(0, min(mx - p, mx // 8) + 1)) if rng.random() < 0.7 else 0
                rows.append([name, field, fmt(mx), fmt(p + cut), fmt(p), "", "illustrative"])
    return rows


def fmt(thousandths: int) -> str:
    """A number as Vietnamese tables print it: decimal comma, three decimals."""
    return f"{thousandths // 1000},{thousandths % 1000:03d}"


def write(path: Path, rows: list[list[str]]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "Tên đơn vị",
                "Lĩnh vực",
                "Điểm tối đa",
                "Điểm tự đánh giá",
                "Điểm thẩm định",
                "Điểm điều tra XHH",
                "provenance",
            ]
        )
        w.writerows(rows)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    rng = np.random.default_rng(SEED)
    n_dep, n_dis = len(DEPARTMENTS), len(DISTRICTS)

    # Departments 2023: mean exactly 90,766; GTVT first with 95,476 and the highest survey score;
    # all ≥ 80 (Tốt), none Xuất sắc.
    dep23 = np.concatenate([[95476], spread_to_sum(rng, n_dep - 1, 90766 * n_dep - 95476, 86000, 94800)])
    sur23 = np.concatenate([[19350], rng.integers(15500, 19200, size=n_dep - 1)])
    # Departments 2022: mean 87,45 (sum 1661,550); GTVT 80,120; five Xuất sắc (≥ 90, every field ≥ 90 %).
    top5 = np.array([93910, 92840, 91770, 91260, 90530])
    rest = spread_to_sum(rng, n_dep - 6, 1661550 - 80120 - top5.sum(), 81000, 89900)
    dep22 = np.concatenate([[80120], top5, rest])
    sur22 = np.concatenate([[15800], [19400, 19100, 18900, 18600, 18300], rng.integers(14500, 18500, size=n_dep - 6)])
    excellent22 = set(DEPARTMENTS[1:6])

    # Districts 2023: mean exactly 82,609; city first with 87,460 and the highest survey, 12,071;
    # 5 Tốt (≥ 80), 3 Khá ([70, 80)).
    good = spread_to_sum(rng, 4, 342000, 80500, 86900)
    fair = np.array([79120, 77050])
    fair = np.append(fair, 82609 * n_dis - 87460 - good.sum() - fair.sum())
    dis23 = np.concatenate([[87460], good, fair])
    sur23d = np.concatenate([[12071], rng.integers(9000, 12000, size=n_dis - 1)])
    # Districts 2022: mean 83,77 (sum 670,160); city 81,809, 7th of 8: six above, one below.
    above = spread_to_sum(rng, 6, 670160 - 81809 - 76480, 82100, 89600)
    dis22 = np.concatenate([[81809], above, [76480]])
    sur22d = rng.integers(9000, 12500, size=n_dis)

    checks = {
        "dep23 mean": dep23.sum() / n_dep,
        "dep22 mean": dep22.sum() / n_dep,
        "dis23 mean": dis23.sum() / n_dis,
        "dis22 mean": dis22.sum() / n_dis,
    }
    assert dep23.sum() == 90766 * n_dep and dep23.max() == 95476 and (dep23 >= 80000).all()
    assert round(dep22.sum() / n_dep / 1000, 2) == 87.45
    assert dis23.sum() == 82609 * n_dis and dis23.max() == 87460 and (dis23 >= 80000).sum() == 5
    assert ((dis23 >= 70000) & (dis23 < 80000)).sum() == 3
    assert round(dis22.sum() / n_dis / 1000, 2) == 83.77 and (dis22 > 81809).sum() == 6
    assert sur23.argmax() == 0 and sur23d.argmax() == 0

    files = {
        "2023/departments.csv": make_level(rng, DEPARTMENTS, dep23, sur23, MAXIMA["departments"], set()),
        "2022/departments.csv": make_level(rng, DEPARTMENTS, dep22, sur22, MAXIMA["departments"], excellent22),
        "2023/districts.csv": make_level(rng, DISTRICTS, dis23, sur23d, MAXIMA["districts"], set()),
        "2022/districts.csv": make_level(rng, DISTRICTS, dis22, sur22d, MAXIMA["districts"], set()),
    }
    for rel, rows in files.items():
        print(f"{rel}: sha256 {write(OUT / rel, rows)}")
    print({k: round(float(v) / 1000, 4) for k, v in checks.items()})


if __name__ == "__main__":
    main()
