"""datapackage.json: the processed tables of one dataset and year as a Frictionless Tabular Data Package.

Written beside the tables in ``data/processed/<dataset>/<year>/`` by `parlib build`, so that anyone
can load the results with common open-data tools (frictionless, pandas, R's frictionless, Excel via
CSV). Each table is a resource with its sha256 and size, and a Table Schema: every column with its
type, its unit and a description in English and Vietnamese (``description`` in English, then the
Vietnamese after " / "; ``description_vi`` alone; ``unit`` as a custom property).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

DATAPACKAGE = "datapackage.json"

# table → (English, Vietnamese)
TABLES: dict[str, tuple[str, str]] = {
    "units": (
        "One row per unit: scores as loaded, total, % of maximum, rank and band.",
        "Mỗi dòng một đơn vị: điểm như đã nhập, tổng điểm, % điểm tối đa, thứ hạng và xếp loại.",
    ),
    "fields": (
        "One row per unit and field: points, maximum and % of maximum.",
        "Mỗi dòng một đơn vị và một lĩnh vực: điểm, điểm tối đa và % điểm tối đa.",
    ),
    "year_on_year": (
        "One row per unit: this year against the previous year (change of total, rank and band).",
        "Mỗi dòng một đơn vị: so sánh với năm trước (thay đổi tổng điểm, thứ hạng, xếp loại).",
    ),
    "strengths_weaknesses": (
        "The fields above (strengths) and below (weaknesses) the level's median, per unit.",
        "Các lĩnh vực trên (điểm mạnh) và dưới (điểm yếu) trung vị của cấp, theo đơn vị.",
    ),
    "appraisal": (
        "Per unit and field: self-assessed points, appraised points and the cut between them.",
        "Theo đơn vị và lĩnh vực: điểm tự đánh giá, điểm thẩm định và mức chênh lệch.",
    ),
    "rank_uncertainty": (
        "One row per unit: how sure its rank is, over seeded Monte Carlo draws of the field "
        "weights, the survey's weight and the rounding (parlib.model.robustness).",
        "Mỗi dòng một đơn vị: độ chắc chắn của thứ hạng qua các lần mô phỏng Monte Carlo (hạt giống "
        "cố định) thay đổi trọng số lĩnh vực, tỷ trọng điều tra xã hội học và phần làm tròn.",
    ),
    "rank_sensitivity": (
        "One row per varied choice: its first-order and total effect on the mean absolute rank shift of a draw.",
        "Mỗi dòng một lựa chọn được thay đổi: hiệu ứng bậc nhất và hiệu ứng toàn phần của nó "
        "lên mức thay đổi thứ hạng tuyệt đối trung bình của một lần mô phỏng.",
    ),
    "field_coherence": (
        "One row per field: spread and shape of its % of maximum, whether it discriminates, "
        "its correlation with the other fields and the level's Cronbach's alpha "
        "(parlib.model.coherence).",
        "Mỗi dòng một lĩnh vực: độ phân tán và hình dạng phân phối của % điểm tối đa, lĩnh vực "
        "có phân biệt được các đơn vị không, tương quan với các lĩnh vực còn lại và hệ số "
        "Cronbach's alpha của cấp.",
    ),
    "field_correlations": (
        "One row per pair of fields: the Spearman rank correlation of their points.",
        "Mỗi dòng một cặp lĩnh vực: hệ số tương quan hạng Spearman giữa điểm của hai lĩnh vực.",
    ),
    "field_outliers": (
        "Units whose robust z-score in a field is beyond 3.5.",
        "Các đơn vị có điểm z bền vững (robust z-score) trong một lĩnh vực vượt quá 3,5.",
    ),
}

# column → (unit, English, Vietnamese); the unit is "" for text, ids and flags
COLUMNS: dict[str, tuple[str, str, str]] = {
    "year": ("year", "Year of the index", "Năm đánh giá"),
    "level": ("", "Level id (e.g. departments, districts, ministries)", "Mã cấp đánh giá (sở, huyện, bộ)"),
    "unit_id": ("", "Unit id, as in dataset.yml", "Mã đơn vị, theo dataset.yml"),
    "name_printed": ("", "The unit's name as printed in the table", "Tên đơn vị như in trong bảng"),
    "row": ("row", "Row of the raw table the value comes from", "Dòng của bảng gốc chứa số liệu"),
    "provenance": (
        "",
        "published, inferred or illustrative",
        "published (đã công bố), inferred (suy ra) hoặc illustrative (minh họa)",
    ),
    "self_assessed": ("points", "Self-assessed points", "Điểm tự đánh giá"),
    "appraised": ("points", "Appraised points", "Điểm thẩm định"),
    "survey": ("points", "Survey points (sociological survey)", "Điểm điều tra xã hội học"),
    "parts_total": ("points", "Sum of the parts (fields or components)", "Tổng các thành phần"),
    "n_parts": ("count", "Number of parts summed", "Số thành phần được cộng"),
    "printed_total": ("points", "Total as printed in the table, if any", "Tổng điểm như in trong bảng (nếu có)"),
    "printed_index": ("percent", "Index (% of maximum) as printed, if any", "Chỉ số (% điểm tối đa) như in (nếu có)"),
    "printed_rank": ("rank", "Rank as printed, if any", "Thứ hạng như in (nếu có)"),
    "printed_band": ("", "Band as printed, if any", "Xếp loại như in (nếu có)"),
    "total": ("points", "Total points", "Tổng điểm"),
    "partial": (
        "",
        "True when the year's table is partial (not every unit printed)",
        "True khi bảng của năm chỉ có một phần",
    ),
    "max_total": ("points", "Maximum total of the methodology", "Tổng điểm tối đa theo phương pháp"),
    "total_printed": (
        "points",
        "Total rounded half up to the printed decimals (used for ranks and bands)",
        "Tổng điểm làm tròn theo số chữ số thập phân đã in (dùng để xếp hạng, xếp loại)",
    ),
    "pct": ("percent", "Percent of the maximum", "Phần trăm so với điểm tối đa"),
    "min_field_pct": (
        "percent",
        "Lowest % of maximum over the unit's fields",
        "% điểm tối đa thấp nhất trong các lĩnh vực",
    ),
    "rank": (
        "rank",
        "Rank within the level (1 = best; ties share a rank)",
        "Thứ hạng trong cấp (1 = cao nhất; bằng điểm cùng hạng)",
    ),
    "band": ("", "Band id of the methodology", "Mã xếp loại theo phương pháp"),
    "field_id": ("", "Field id of the methodology", "Mã lĩnh vực theo phương pháp"),
    "max": ("points", "Maximum points of the field", "Điểm tối đa của lĩnh vực"),
    "points": ("points", "Points of the field", "Điểm của lĩnh vực"),
    "total_prev": ("points", "Total of the previous year", "Tổng điểm năm trước"),
    "rank_prev": ("rank", "Rank of the previous year", "Thứ hạng năm trước"),
    "band_prev": ("", "Band of the previous year", "Xếp loại năm trước"),
    "status": (
        "",
        "both, new, missing, renamed or merged (the unit in the two years)",
        "both, new, missing, renamed hoặc merged (đơn vị qua hai năm)",
    ),
    "merged_into": ("", "Unit id the unit was merged into, if any", "Mã đơn vị được sáp nhập vào (nếu có)"),
    "change": ("points", "Change of total since the previous year", "Thay đổi tổng điểm so với năm trước"),
    "rank_change": (
        "rank",
        "Places gained since the previous year (positive = up)",
        "Số bậc tăng so với năm trước (dương = tăng)",
    ),
    "band_changed": ("", "True when the band changed", "True khi xếp loại thay đổi"),
    "kind": ("", "strength or weakness", "strength (điểm mạnh) hoặc weakness (điểm yếu)"),
    "order": (
        "rank",
        "Order among the unit's strengths or weaknesses",
        "Thứ tự trong các điểm mạnh hoặc yếu của đơn vị",
    ),
    "median_pct": (
        "percent",
        "Median % of maximum of the field over the level",
        "Trung vị % điểm tối đa của lĩnh vực trong cấp",
    ),
    "gap": ("percentage points", "Unit's % minus the level's median %", "% của đơn vị trừ trung vị % của cấp"),
    "cut": ("points", "Self-assessed minus appraised points", "Điểm tự đánh giá trừ điểm thẩm định"),
    # rank_uncertainty and rank_sensitivity (parlib.model.robustness)
    "nominal_rank": ("rank", "Published (nominal) rank", "Thứ hạng công bố"),
    "median_rank": ("rank", "Median rank over the draws", "Thứ hạng trung vị qua các lần mô phỏng"),
    "p5": (
        "rank",
        "5th percentile of the rank over the draws (a rank that occurred)",
        "Phân vị 5% của thứ hạng qua các lần mô phỏng (một thứ hạng đã xuất hiện)",
    ),
    "p95": (
        "rank",
        "95th percentile of the rank over the draws (a rank that occurred)",
        "Phân vị 95% của thứ hạng qua các lần mô phỏng (một thứ hạng đã xuất hiện)",
    ),
    "width": ("rank", "Width of the 5–95% interval (p95 minus p5)", "Độ rộng của khoảng 5–95% (p95 trừ p5)"),
    "best": ("rank", "Best rank drawn", "Thứ hạng cao nhất trong các lần mô phỏng"),
    "worst": ("rank", "Worst rank drawn", "Thứ hạng thấp nhất trong các lần mô phỏng"),
    "p_band": (
        "share",
        "Share of the draws in which the unit keeps its band",
        "Tỷ lệ số lần mô phỏng đơn vị giữ nguyên xếp loại",
    ),
    "p_first": ("share", "Share of the draws in which the unit ranks first", "Tỷ lệ số lần mô phỏng đơn vị đứng đầu"),
    "p_last": ("share", "Share of the draws in which the unit ranks last", "Tỷ lệ số lần mô phỏng đơn vị đứng cuối"),
    "draws": ("count", "Number of Monte Carlo draws", "Số lần mô phỏng Monte Carlo"),
    "seed": (
        "",
        "Seed of the random draws (the same seed gives the same numbers)",
        "Hạt giống ngẫu nhiên (cùng hạt giống cho cùng kết quả)",
    ),
    "input": (
        "",
        "The choice varied: weights (field weights), survey (the survey's weight) or rounding",
        "Lựa chọn được thay đổi: weights (trọng số lĩnh vực), survey (tỷ trọng điều tra xã hội học) "
        "hoặc rounding (phần làm tròn)",
    ),
    "first_order": (
        "share",
        "First-order effect on the mean absolute rank shift (Saltelli 2010)",
        "Hiệu ứng bậc nhất lên mức thay đổi thứ hạng tuyệt đối trung bình (Saltelli 2010)",
    ),
    "total_effect": (
        "share",
        "Total effect on the mean absolute rank shift (Jansen 1999)",
        "Hiệu ứng toàn phần lên mức thay đổi thứ hạng tuyệt đối trung bình (Jansen 1999)",
    ),
    # field_coherence, field_correlations and field_outliers (parlib.model.coherence)
    "mean_pct": (
        "percent",
        "Mean % of maximum of the field over the level's units",
        "% điểm tối đa trung bình của lĩnh vực trong cấp",
    ),
    "min_pct": (
        "percent",
        "Lowest % of maximum of the field over the level's units",
        "% điểm tối đa thấp nhất của lĩnh vực trong cấp",
    ),
    "sd_pct": (
        "percentage points",
        "Standard deviation of the field's % of maximum",
        "Độ lệch chuẩn của % điểm tối đa của lĩnh vực",
    ),
    "n_near_max": (
        "count",
        "Units at 95% of the field's maximum or above",
        "Số đơn vị đạt từ 95% điểm tối đa của lĩnh vực trở lên",
    ),
    "n_units": ("count", "Units of the level", "Số đơn vị của cấp"),
    "share_near_max": (
        "share",
        "Share of the units at 95% of the field's maximum or above",
        "Tỷ lệ đơn vị đạt từ 95% điểm tối đa của lĩnh vực trở lên",
    ),
    "skew": (
        "",
        "Skewness of the field's % of maximum (adjusted Fisher–Pearson)",
        "Độ lệch (skewness) của % điểm tối đa của lĩnh vực (Fisher–Pearson hiệu chỉnh)",
    ),
    "kurt": (
        "",
        "Excess kurtosis of the field's % of maximum",
        "Độ nhọn vượt (excess kurtosis) của % điểm tối đa của lĩnh vực",
    ),
    "outlier_flag": (
        "",
        "True when |skewness| > 2 and kurtosis > 3.5 (COINr's rule)",
        "True khi |độ lệch| > 2 và độ nhọn > 3,5 (quy tắc của COINr)",
    ),
    "non_discriminating": (
        "",
        "True when the field hardly tells the units apart (see reason)",
        "True khi lĩnh vực hầu như không phân biệt được các đơn vị (xem reason)",
    ),
    "reason": (
        "",
        "near_max (most units near the maximum), tiny_spread (spread under 2 points of %) or empty",
        "near_max (phần lớn đơn vị gần điểm tối đa), tiny_spread (độ phân tán dưới 2 điểm %) hoặc để trống",
    ),
    "field_vs_rest": (
        "",
        "Spearman correlation of the field with the total of the other fields",
        "Hệ số tương quan Spearman giữa lĩnh vực và tổng điểm các lĩnh vực còn lại",
    ),
    "cronbach_alpha": (
        "",
        "Cronbach's alpha of the level's fields (the same on every row of a level)",
        "Hệ số Cronbach's alpha của các lĩnh vực trong cấp (như nhau ở mọi dòng của một cấp)",
    ),
    "field_a": ("", "Field id of the pair's first field", "Mã lĩnh vực thứ nhất của cặp"),
    "field_b": ("", "Field id of the pair's second field", "Mã lĩnh vực thứ hai của cặp"),
    "spearman": (
        "",
        "Spearman rank correlation between the two fields' points",
        "Hệ số tương quan hạng Spearman giữa điểm của hai lĩnh vực",
    ),
    "robust_z": (
        "",
        "Robust z-score: (points − median) / (1.4826 × MAD)",
        "Điểm z bền vững: (điểm − trung vị) / (1,4826 × MAD)",
    ),
}
UNDESCRIBED = ("", "(not described yet)", "(chưa có mô tả)")


def field_type(series: pd.Series) -> str:
    """The Table Schema type of a column as pandas writes it to CSV."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    values = series.dropna()
    if len(values) and values.map(lambda v: isinstance(v, bool)).all():
        return "boolean"
    return "string"


def table_schema(frame: pd.DataFrame) -> dict[str, Any]:
    """The Table Schema of one processed table (a column with no value at all is typed by its
    meaning: a number when it has a unit, else text)."""
    fields = []
    for col in frame.columns:
        unit, en, vi = COLUMNS.get(str(col), UNDESCRIBED)
        kind = field_type(frame[col]) if frame[col].notna().any() else ("number" if unit else "string")
        f: dict[str, Any] = {"name": str(col), "type": kind, "description": f"{en} / {vi}", "description_vi": vi}
        if unit:
            f["unit"] = unit
        fields.append(f)
    return {"fields": fields, "missingValues": [""]}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_datapackage(
    ds_id: str,
    title: dict[str, str],
    year: int,
    sources: list[dict[str, str]],
    tables: dict[str, pd.DataFrame],
    folder: Path,
    illustrative: bool,
) -> dict[str, Any]:
    """The datapackage.json document for tables already written as ``<name>.csv`` in ``folder``."""
    resources = []
    for name, frame in sorted(tables.items()):
        path = folder / f"{name}.csv"
        en, vi = TABLES.get(name, UNDESCRIBED[1:])
        resources.append(
            {
                "name": name.replace("_", "-"),
                "path": path.name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": en,
                "description": f"{en} / {vi}",
                "description_vi": vi,
                "hash": f"sha256:{_sha256(path)}",
                "bytes": path.stat().st_size,
                "schema": table_schema(frame),
            }
        )
    note = (
        " ILLUSTRATIVE: some rows are made up (see the dataset's dataset.yml), not published figures."
        if illustrative
        else ""
    )
    return {
        "profile": "tabular-data-package",
        "name": f"parlib-{ds_id}-{year}".lower(),
        "title": f"{title['en']} — {year}",
        "description": (
            f"Tidy tables computed by parlib from the {ds_id} dataset for {year}.{note} / "
            f"{title['vi']} — {year}: bảng dữ liệu do parlib tính."
        ),
        "sources": [{"title": s["title"], "path": s["path"]} for s in sources],
        "resources": resources,
    }
