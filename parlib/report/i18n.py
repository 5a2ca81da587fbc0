"""Every word of the report in Vietnamese and English, and numbers formatted for each language.

- :data:`STRINGS` holds every heading, sentence, axis label, legend and table header, as
  ``key -> {"vi": ..., "en": ...}`` with ``str.format`` placeholders; :func:`t` fills one in.
- Numbers are formatted by Babel (CLDR data), never by string replacement: 90,766 in ``vi``,
  90.766 in ``en``. Values are rounded half up first, as publishers round (0,0005 → 0,001).
- Counts are written in Vietnamese administrative style, zero-padded: "05/08", "19/19", "03".
- Names of bands, levels, units and fields come from the dataset in the language asked.

All text returned is in Unicode NFC.
"""

from __future__ import annotations

import functools
import unicodedata
from decimal import Decimal
from typing import Any

import pandas as pd
from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from parlib.data.numbers import round_half_up

LANGS: tuple[str, ...] = ("vi", "en")

STRINGS: dict[str, dict[str, str]] = {
    # title block
    "report_title": {"vi": "Báo cáo thường niên {index} năm {year}", "en": "{index} {year}: annual report"},
    "report_subtitle": {"vi": "{title}", "en": "{title}"},
    "report_publisher": {
        "vi": "Cơ quan công bố: {publisher}. Báo cáo được parlib lập lại từ số liệu đã công bố.",
        "en": "Published by: {publisher}. Report rebuilt by parlib from the published figures.",
    },
    "report_publisher_illustrative": {
        "vi": "Cơ quan công bố: {publisher}. Báo cáo được parlib lập từ số liệu minh họa, dựng sao cho khớp với các số liệu đã công bố.",
        "en": "Published by: {publisher}. Report made by parlib from illustrative rows built to match the published figures.",
    },
    "banner_illustrative": {
        "vi": "DỮ LIỆU MINH HỌA — một số dòng số liệu của báo cáo này là minh họa, không phải số liệu đã công bố.",
        "en": "ILLUSTRATIVE DATA — some rows behind this report are illustrative, not published figures.",
    },
    "banner_mismatch": {
        "vi": "SỐ LIỆU KHÔNG KHỚP ({bad}/{n}; lập với --allow-mismatch).",
        "en": "FIGURES DO NOT MATCH ({bad} of {n}; built with --allow-mismatch).",
    },
    "banner_mismatch_detail": {
        "vi": "{bad}/{n} số liệu đã công bố không khớp với số liệu tính lại (xem phần “Đối chiếu số liệu đã công bố”). Lệnh parlib build dừng lại khi có số liệu không khớp; báo cáo này vẫn được lập vì có --allow-mismatch.",
        "en": "{bad} of {n} published figures do not match the recomputed values (see “Published-figure check”). parlib build stops when a figure does not match; this report was built anyway with --allow-mismatch.",
    },
    "banner_illustrative_detail": {
        "vi": "Các bảng có dòng minh họa: {tables}. Chỉ các số liệu có trong phần “Đối chiếu số liệu đã công bố” là số liệu thật.",
        "en": "Tables with illustrative rows: {tables}. Only the figures listed under “Published-figure check” are real.",
    },
    # page: table of contents, numbering, downloads, footer, commentary
    "toc": {"vi": "Mục lục", "en": "Contents"},
    "num_figure": {"vi": "Hình {n}.", "en": "Figure {n}."},
    "num_table": {"vi": "Bảng {n}.", "en": "Table {n}."},
    "link_mark": {"vi": "Liên kết đến mục này", "en": "Link to this item"},
    "csv_download": {"vi": "Tải CSV", "en": "Download CSV"},
    "footer": {
        "vi": "Báo cáo do parlib {version} tạo (commit {commit}).",
        "en": "Report made by parlib {version} (commit {commit}).",
    },
    "footer_no_commit": {"vi": "không rõ", "en": "unknown"},
    "footer_dirty": {"vi": "{commit}, có sửa đổi chưa commit", "en": "{commit}, with uncommitted changes"},
    "commentary_label": {"vi": "Nhận xét của nhóm nghiên cứu", "en": "Researchers' commentary"},
    "chart_source": {
        "vi": "Nguồn: {sources}. Bộ dữ liệu {dataset}, năm {year}; biểu đồ: parlib.",
        "en": "Source: {sources}. Dataset {dataset}, {year}; chart: parlib.",
    },
    "chart_illustrative": {"vi": "MINH HỌA — không phải số liệu đã công bố", "en": "ILLUSTRATIVE — not published data"},
    "table_illustrative": {"vi": "minh họa", "en": "illustrative"},
    "cap_ranking": {"vi": "{level}: bảng xếp hạng năm {year}", "en": "{level}: ranking, {year}"},
    "cap_fields": {
        "vi": "{level}: % điểm tối đa theo lĩnh vực, năm {year} (trung vị, thấp nhất, cao nhất)",
        "en": "{level}: % of maximum by field, {year} (median, lowest, highest)",
    },
    "cap_transitions": {
        "vi": "{level}: số đơn vị theo xếp loại năm {prev} (dòng) và năm {year} (cột)",
        "en": "{level}: units by band in {prev} (rows) and {year} (columns)",
    },
    "cap_published": {
        "vi": "Số liệu đã công bố về năm {year} và số liệu tính lại",
        "en": "Published figures about {year} and the recomputed values",
    },
    "h_profiles": {"vi": "Phụ lục: hồ sơ từng đơn vị", "en": "Appendix: unit profiles"},
    "pf_note": {
        "vi": "Mỗi thanh là % điểm tối đa của đơn vị trong một lĩnh vực; vạch đứng là trung vị của cấp; thanh màu cam: thấp hơn trung vị.",
        "en": "Each bar is the unit's % of maximum in a field; the vertical line is the level median; an orange bar is below the median.",
    },
    "pf_rank": {"vi": "Hạng {rank}", "en": "Rank {rank}"},
    "pf_bar": {
        "vi": "{field}: {value}% điểm tối đa (trung vị {median}%)",
        "en": "{field}: {value}% of maximum (median {median}%)",
    },
    "pf_total": {"vi": "{total} điểm", "en": "{total} points"},
    "pf_change": {"vi": "{change} điểm so với năm {prev} ({rank})", "en": "{change} points on {prev} ({rank})"},
    # section headings
    "h_summary": {"vi": "Tóm tắt", "en": "Summary"},
    "h_ranking": {"vi": "Bảng xếp hạng", "en": "Ranking"},
    "h_strengths": {"vi": "Điểm mạnh, điểm yếu theo lĩnh vực", "en": "Strengths and weaknesses by field"},
    "h_yoy": {"vi": "So sánh với năm {prev}", "en": "Compared with {prev}"},
    "h_yoy_none": {"vi": "So sánh với năm trước", "en": "Compared with the year before"},
    "h_appraisal": {"vi": "Kết quả thẩm định", "en": "Appraisal"},
    "h_methods": {"vi": "Phương pháp và dữ liệu", "en": "Methods and data"},
    "h_published": {"vi": "Đối chiếu số liệu đã công bố", "en": "Published-figure check"},
    "h_level": {"vi": "{level}", "en": "{level}"},
    "h_sources": {"vi": "Nguồn dữ liệu", "en": "Sources"},
    "h_files": {"vi": "Tệp số liệu và mã kiểm tra (sha256)", "en": "Data files and checksums (sha256)"},
    "h_assumptions": {"vi": "Giả định", "en": "Assumptions"},
    "h_methodology": {"vi": "Phương pháp áp dụng", "en": "Methodology in force"},
    "h_movers": {"vi": "Thay đổi lớn nhất", "en": "Biggest movers"},
    "h_transitions": {"vi": "Chuyển xếp loại", "en": "Band transitions"},
    "h_unit_sw": {"vi": "Từng đơn vị", "en": "Unit by unit"},
    # national context of a unit (dataset.yml 'context:'), every figure from the other dataset
    "h_context": {"vi": "{unit} trong {index} của các {noun}", "en": "{unit} in the national {index} of {noun}"},
    "c_year": {"vi": "Năm {year}, {unit} đạt {pct}%{rank}", "en": "In {year}, {unit} scored {pct}%{rank}"},
    "c_rank": {"vi": ", xếp thứ {rank}/{size} {noun}", "en": ", ranked {rank} of {size} {noun}"},
    "c_prev": {
        "vi": " (năm {prev}: {ppct}%, thứ {prank}/{size})",
        "en": " ({prev}: {ppct}%, ranked {prank} of {size})",
    },
    "c_change": {"vi": "; so với năm {prev}, {dir} {points} điểm", "en": "; against {prev}, {dir} {points} points"},
    "c_places": {"vi": " và {dir} {places} bậc", "en": " and {dir} {places} place{s}"},
    "c_mean": {
        "vi": ". Điểm trung bình của các {noun} năm {year} là {mean}%{inferred}, {unit} {cmp} {gap} điểm.",
        "en": ". The mean of the {noun} in {year} was {mean}%{inferred}; {unit} was {gap} points {cmp} it.",
    },
    "c_mean_same": {
        "vi": ". Điểm trung bình của các {noun} năm {year} là {mean}%{inferred}, bằng {unit}.",
        "en": ". The mean of the {noun} in {year} was {mean}%{inferred}, the same as {unit}.",
    },
    "c_below": {"vi": "thấp hơn", "en": "below"},
    "c_above": {"vi": "cao hơn", "en": "above"},
    "c_inferred": {"vi": " (số suy ra)", "en": " (inferred)"},
    "c_source": {
        "vi": "Số liệu lấy từ bộ dữ liệu {id} ({title}); bảng chỉ công bố một phần, thứ hạng là thứ hạng đã công bố, điểm trung bình là số đã công bố.",
        "en": "Figures read from the dataset {id} ({title}); a partial table: ranks are the printed ranks, the mean is the published one.",
    },
    # summary sentences
    "s_partial": {
        "vi": "Số liệu năm {year} chỉ được công bố một phần: {count} {noun}; điểm trung bình và số lượng theo xếp loại không tính được.",
        "en": "The {year} figures were published only in part: {count} {noun}; the mean and the counts per band cannot be computed.",
    },
    "s_partial_nosize": {
        "vi": "Số liệu năm {year} chỉ được công bố một phần: {count} {noun} đã công bố; điểm trung bình và số lượng không tính được, các câu dưới đây chỉ nói về các {noun} đã công bố.",
        "en": "The {year} figures were published only in part: {count} printed {noun}; the mean and the counts cannot be computed, and what follows speaks of the printed {noun} only.",
    },
    "s_top_printed": {
        "vi": "{unit} đứng đầu các {noun} đã công bố với tổng số điểm đạt {total}{change}.",
        "en": "First of the printed {noun}: {unit}, with a total of {total}{change}.",
    },
    "unchecked_partial": {
        "vi": "không đối chiếu được (bảng công bố một phần)",
        "en": "cannot be checked (partial table)",
    },
    "s_mean": {
        "vi": "{level}: tổng điểm trung bình đạt {mean}/{max} điểm{cmp}.",
        "en": "{level}: the mean total was {mean} of {max} points{cmp}.",
    },
    "s_mean_up": {
        "vi": ", cao hơn so với năm {prev} (năm {prev} đạt {pmean} điểm)",
        "en": ", up from {pmean} in {prev}",
    },
    "s_mean_down": {
        "vi": ", thấp hơn so với năm {prev} (năm {prev} đạt {pmean} điểm)",
        "en": ", down from {pmean} in {prev}",
    },
    "s_mean_same": {"vi": ", bằng năm {prev}", "en": ", the same as in {prev}"},
    "s_mean_partial": {
        "vi": " (năm {prev} chỉ được công bố một phần nên không so sánh được điểm trung bình)",
        "en": " ({prev} was published only in part, so the means cannot be compared)",
    },
    "s_at_least": {
        "vi": "{count} {noun} đạt từ {threshold} điểm trở lên.",
        "en": "{count} {noun} scored {threshold} points or more.",
    },
    "s_at_least_band": {
        "vi": "{count} {noun} đạt từ {threshold} điểm trở lên, đều xếp loại {band} ({range}).",
        "en": "{count} {noun} scored {threshold} points or more, all rated {band} ({range}).",
    },
    "s_top_partial": {
        "vi": "{unit} đứng đầu các {noun} với tổng số điểm đạt {total}{change}.",
        "en": "First of the {noun}: {unit}, with a total of {total}{change}.",
    },
    "s_bands": {"vi": "Xếp loại: {items}.", "en": "Bands: {items}."},
    "s_band_item": {"vi": "{count} {noun} xếp loại {band} ({range})", "en": "{count} {noun} rated {band} ({range})"},
    "s_range_one": {"vi": "{lo} điểm", "en": "{lo} points"},
    "s_range": {"vi": "từ {lo} đến {hi} điểm", "en": "{lo} to {hi} points"},
    "s_best_band_none": {
        "vi": "Năm {year}, không có {noun} nào xếp loại {band}",
        "en": "In {year}, no {noun} were rated {band}",
    },
    "s_best_band_some": {
        "vi": "Năm {year}, {count} {noun} xếp loại {band}",
        "en": "In {year}, {count} {noun} {were} rated {band}",
    },
    "s_best_band_prev": {"vi": " (năm {prev} có {count} {noun} xếp loại {band})", "en": " ({count} in {prev})"},
    "s_best_band_prev_none": {
        "vi": " (năm {prev} cũng không có {noun} nào xếp loại {band})",
        "en": " (none in {prev} either)",
    },
    "s_best_band_prev_partial": {
        "vi": " (năm {prev} chỉ được công bố một phần)",
        "en": " ({prev} was published only in part)",
    },
    "s_top": {
        "vi": "{unit} đứng đầu {n} {noun} với tổng số điểm đạt {total}{change}.",
        "en": "First of {n} {noun}: {unit}, with a total of {total}{change}.",
    },
    "s_top_change": {
        "vi": ", {dir} {points} điểm{rank} so với năm {prev}",
        "en": ", {dir} {points} points{rank} on {prev}",
    },
    "s_top_rank": {"vi": " và {dir} {places} bậc", "en": " and {dir} {places} place{s}"},
    "s_top_rank_same": {"vi": ", giữ nguyên thứ hạng", "en": ", keeping its rank"},
    "s_top_new": {"vi": " (không có điểm năm {prev} để so sánh)", "en": " (no {prev} score to compare with)"},
    "s_survey_top": {
        "vi": "Điểm điều tra xã hội học cao nhất là của {unit} ({survey} điểm).",
        "en": "Highest survey score: {unit} ({survey} points).",
    },
    "s_bottom": {
        "vi": "Ở cuối bảng, {unit} có tổng điểm thấp nhất ({total} điểm).",
        "en": "Last: {unit}, with {total} points.",
    },
    "up": {"vi": "tăng", "en": "up"},
    "down": {"vi": "giảm", "en": "down"},
    # ranking table
    "col_rank": {"vi": "Hạng", "en": "Rank"},
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_total": {"vi": "Tổng điểm", "en": "Total"},
    "col_pct": {"vi": "% tối đa", "en": "% of max."},
    "col_band": {"vi": "Xếp loại", "en": "Band"},
    "col_change": {"vi": "Thay đổi điểm", "en": "Change (points)"},
    "col_rank_change": {"vi": "Thay đổi hạng", "en": "Change (places)"},
    "col_appraised": {"vi": "Điểm thẩm định", "en": "Appraised"},
    "col_survey": {"vi": "Điểm điều tra XHH", "en": "Survey"},
    "col_self": {"vi": "Tự đánh giá", "en": "Self-assessed"},
    "col_cut": {"vi": "Điểm bị trừ", "en": "Points cut"},
    "col_cut_pct": {"vi": "% bị trừ", "en": "% cut"},
    "col_field": {"vi": "Lĩnh vực", "en": "Field"},
    "col_max": {"vi": "Điểm tối đa", "en": "Max. points"},
    "col_median_pct": {"vi": "Trung vị % tối đa", "en": "Median % of max."},
    "col_min_pct": {"vi": "Thấp nhất", "en": "Lowest"},
    "col_max_pct": {"vi": "Cao nhất", "en": "Highest"},
    "col_prev": {"vi": "Năm {prev}", "en": "{prev}"},
    "col_from_to": {"vi": "Từ \\ Sang", "en": "From \\ To"},
    "col_figure": {"vi": "Số liệu", "en": "Figure"},
    "col_sentence": {"vi": "Câu đã công bố", "en": "Published sentence"},
    "col_printed": {"vi": "Số in", "en": "Printed"},
    "col_computed": {"vi": "Tính lại", "en": "Computed"},
    "col_match": {"vi": "Khớp", "en": "Match"},
    "col_source": {"vi": "Nguồn", "en": "Source"},
    "col_file": {"vi": "Tệp", "en": "File"},
    "col_year": {"vi": "Năm", "en": "Year"},
    "col_level": {"vi": "Cấp", "en": "Level"},
    "col_provenance": {"vi": "Loại số liệu", "en": "Provenance"},
    "col_status": {"vi": "Tình trạng", "en": "Status"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "KHÔNG", "en": "NO"},
    "dash": {"vi": "—", "en": "—"},
    "status_new": {"vi": "mới", "en": "new"},
    "status_missing": {"vi": "không có năm {year}", "en": "absent in {year}"},
    "status_unpublished": {"vi": "chưa công bố", "en": "not published"},
    "status_merged": {"vi": "đã sáp nhập", "en": "merged"},
    "prov_published": {"vi": "đã công bố", "en": "published"},
    "prov_inferred": {"vi": "suy ra", "en": "inferred"},
    "prov_illustrative": {"vi": "minh họa", "en": "illustrative"},
    "gran_totals": {"vi": "tổng điểm", "en": "totals"},
    "gran_components": {
        "vi": "tổng điểm và điểm thành phần (thẩm định, điều tra XHH)",
        "en": "totals and components (appraisal, survey)",
    },
    "gran_fields": {"vi": "điểm theo lĩnh vực", "en": "points per field"},
    "gran_criteria": {"vi": "điểm theo tiêu chí", "en": "points per criterion"},
    # charts
    "ax_total": {"vi": "Tổng điểm (tối đa {max})", "en": "Total (maximum {max})"},
    "ax_pct": {"vi": "% điểm tối đa", "en": "% of maximum"},
    "ax_cut": {"vi": "Điểm bị trừ khi thẩm định", "en": "Points cut by appraisal"},
    "chart_bar_title_plain": {"vi": "{level}: tổng điểm năm {year}", "en": "{level}: total in {year}"},
    "chart_part": {
        "vi": " (phần {i}/{k}: dòng {first}–{last} trong {n})",
        "en": " (part {i} of {k}: rows {first}–{last} of {n})",
    },
    "chart_bar_title": {
        "vi": "{level}: tổng điểm năm {year}, theo xếp loại",
        "en": "{level}: total in {year}, by band",
    },
    "chart_heat_title": {
        "vi": "{level}: % điểm tối đa theo lĩnh vực, năm {year}",
        "en": "{level}: % of maximum by field, {year}",
    },
    "chart_dumbbell_title": {
        "vi": "{level}: tổng điểm năm {prev} và năm {year}",
        "en": "{level}: total in {prev} and {year}",
    },
    "chart_cut_title": {
        "vi": "{level}: điểm tự đánh giá bị trừ khi thẩm định, năm {year}",
        "en": "{level}: self-assessed points cut by appraisal, {year}",
    },
    "legend_up": {"vi": "tăng", "en": "rose"},
    "legend_down": {"vi": "giảm", "en": "fell"},
    "legend_year": {"vi": "Năm {year}", "en": "{year}"},
    "legend_band": {"vi": "Xếp loại", "en": "Band"},
    "alt_bar_plain": {"vi": "Biểu đồ cột: tổng điểm từng đơn vị", "en": "Bar chart: each unit's total"},
    "alt_bar": {
        "vi": "Biểu đồ cột: tổng điểm từng đơn vị, tô màu theo xếp loại",
        "en": "Bar chart: each unit's total, coloured by band",
    },
    "alt_heat": {
        "vi": "Bản đồ nhiệt: % điểm tối đa theo đơn vị và lĩnh vực",
        "en": "Heatmap: % of maximum by unit and field",
    },
    "alt_dumbbell": {
        "vi": "Biểu đồ quả tạ: tổng điểm hai năm của từng đơn vị",
        "en": "Dumbbell chart: each unit's total in both years",
    },
    "alt_cut": {"vi": "Biểu đồ cột: điểm bị trừ khi thẩm định", "en": "Bar chart: points cut by appraisal"},
    # strengths and weaknesses
    "sw_level": {
        "vi": "Lĩnh vực mạnh nhất của {level} là {strong} (trung vị {spct}% điểm tối đa); yếu nhất là {weak} (trung vị {wpct}%).",
        "en": "The strongest field of {level} is {strong} (median {spct}% of maximum); the weakest is {weak} (median {wpct}%).",
    },
    "h_synthesis": {"vi": "Tổng hợp", "en": "The level as a whole"},
    "syn_weakest": {
        "vi": "Điểm yếu chung: {field} là lĩnh vực thấp nhất (theo % điểm tối đa) của {n}/{of} {noun}.",
        "en": "A common weakness: {field} is the lowest field (by % of maximum) of {n} of {of} {noun}.",
    },
    "syn_spread": {
        "vi": "Các đơn vị chênh lệch nhiều nhất ở {field}: từ {lo}% đến {hi}% điểm tối đa, cách nhau {spread} điểm phần trăm.",
        "en": "Units differ most in {field}: from {lo}% to {hi}% of maximum, {spread} pp apart.",
    },
    "syn_moved": {
        "vi": "So với năm {prev}, tổng điểm lĩnh vực bình quân của cấp {dir} {total} điểm; lĩnh vực thay đổi nhiều nhất là {field} ({change} điểm bình quân mỗi đơn vị).",
        "en": "Against {prev}, the level's mean points over fields {dir} {total}; the field that moved most is {field} ({change} points per unit on average).",
    },
    "syn_survey": {
        "vi": "Điều tra xã hội học và thẩm định {agree}: hệ số tương quan thứ hạng Spearman giữa hai phần là {rho} trên {n} {noun}{pcts}.",
        "en": "The survey and the appraisal {agree}: Spearman's rank correlation between them is {rho} over {n} {noun}{pcts}.",
    },
    "syn_survey_pcts": {
        "vi": "; điểm điều tra đạt bình quân {s}% điểm tối đa, điểm thẩm định {ap}%",
        "en": "; the survey averages {s}% of its maximum, the appraisal {ap}%",
    },
    "syn_agree_high": {"vi": "xếp các đơn vị khá giống nhau", "en": "rank the units much alike"},
    "syn_agree_some": {"vi": "chỉ xếp các đơn vị giống nhau một phần", "en": "rank the units alike only in part"},
    "syn_agree_none": {"vi": "gần như không liên quan đến nhau", "en": "hardly agree at all"},
    "syn_agree_neg": {"vi": "xếp các đơn vị ngược chiều nhau", "en": "rank the units in opposite ways"},
    "sw_unit": {"vi": "{unit}: {strong}; {weak}.", "en": "{unit}: {strong}; {weak}."},
    "sw_strong": {"vi": "mạnh nhất ở {items}", "en": "strongest in {items}"},
    "sw_weak": {"vi": "yếu nhất ở {items}", "en": "weakest in {items}"},
    "sw_strong_none": {"vi": "không có lĩnh vực nào trên trung vị của cấp", "en": "no field above the level median"},
    "sw_weak_none": {"vi": "không có lĩnh vực nào dưới trung vị của cấp", "en": "no field below the level median"},
    "sw_and": {"vi": " và ", "en": " and "},
    "sw_item_above": {
        "vi": "{field} ({pct}% điểm tối đa, cao hơn trung vị {gap} điểm phần trăm)",
        "en": "{field} ({pct}% of maximum, {gap} pp above the median)",
    },
    "sw_item_below": {
        "vi": "{field} ({pct}% điểm tối đa, thấp hơn trung vị {gap} điểm phần trăm)",
        "en": "{field} ({pct}% of maximum, {gap} pp below the median)",
    },
    "field_key": {"vi": "Lĩnh vực: {items}.", "en": "Fields: {items}."},
    "sw_note": {
        "vi": "Mức chênh tính bằng điểm phần trăm so với trung vị của cấp trong từng lĩnh vực; chỉ nêu mức chênh từ {gap} điểm phần trăm trở lên (nhỏ hơn thế không coi là điểm mạnh hay điểm yếu).",
        "en": "Gaps are in percentage points (pp) against the level's median in each field; only gaps of {gap} pp or more are named (a smaller gap is not called a strength or a weakness).",
    },
    "sw_rest": {
        "vi": "{n} {noun} không có lĩnh vực nào lệch khỏi trung vị từ {gap} điểm phần trăm trở lên: {units}.",
        "en": "{n} {noun} {have} no field {gap} pp or more from the median: {units}.",
    },
    "missing_fields": {
        "vi": "{level}: phần này được lược bỏ vì bảng số liệu năm {year} chỉ có {granularity}, không có điểm theo lĩnh vực.",
        "en": "{level}: this section is left out because the {year} table has {granularity} only, no points per field.",
    },
    "missing_appraisal": {
        "vi": "{level}: phần này được lược bỏ vì số liệu năm {year} không có cả điểm tự đánh giá và điểm thẩm định.",
        "en": "{level}: this section is left out because the {year} data does not have both self-assessed and appraised points.",
    },
    "missing_prev": {
        "vi": "Phần này được lược bỏ vì bộ dữ liệu không có năm trước năm {year}.",
        "en": "This section is left out because the dataset has no year before {year}.",
    },
    "missing_prev_level": {
        "vi": "{level}: phần này được lược bỏ vì năm {prev} không có số liệu của cấp này.",
        "en": "{level}: this section is left out because {prev} has no data for this level.",
    },
    "missing_published": {
        "vi": "Phần này được lược bỏ vì bộ dữ liệu không có số liệu đã công bố nào về năm {year} để đối chiếu.",
        "en": "This section is left out because the dataset lists no published figure about {year} to check.",
    },
    "missing_dumbbell": {
        "vi": "Không có đơn vị nào có điểm cả hai năm nên không vẽ biểu đồ.",
        "en": "No unit has a score in both years, so no chart is drawn.",
    },
    "yoy_counts": {
        "vi": "Trong {n} {noun} có điểm cả hai năm: {points}; {ranks}.",
        "en": "Of {n} {noun} scored in both years: {points}; {ranks}.",
    },
    "yoy_c_up": {"vi": "{n} tăng điểm", "en": "{n} rose"},
    "yoy_c_down": {"vi": "{n} giảm điểm", "en": "{n} fell"},
    "yoy_c_same": {"vi": "{n} giữ nguyên điểm", "en": "{n} kept the same total"},
    "yoy_c_rank_up": {"vi": "{n} tăng hạng", "en": "{n} moved up the ranking"},
    "yoy_c_rank_down": {"vi": "{n} giảm hạng", "en": "{n} moved down"},
    "yoy_c_rank_same": {"vi": "{n} giữ nguyên thứ hạng", "en": "{n} kept their rank"},
    "yoy_groups": {"vi": "Năm {year} có {n} {noun}: {groups}.", "en": "In {year}, {n} {noun}: {groups}."},
    "yoy_g_both": {"vi": "{n} có điểm cả hai năm", "en": "{n} scored in both years"},
    "yoy_g_ranked_only": {
        "vi": "{n} chỉ có thứ hạng, không có điểm năm {prev} ({units})",
        "en": "{n} with a {prev} rank but no {prev} score ({units})",
    },
    "yoy_g_new": {"vi": "{n} mới, không có trong năm {prev} ({units})", "en": "{n} new, absent in {prev} ({units})"},
    "yoy_g_unpublished": {
        "vi": "{n} không có điểm năm {prev} được công bố ({units})",
        "en": "{n} without a published {prev} score ({units})",
    },
    "yoy_g_gone": {
        "vi": "Ngoài ra, {n} {noun} có trong năm {prev} nhưng không còn trong năm {year}: {units}.",
        "en": "Besides, {n} {noun} of {prev} {are} absent in {year}: {units}.",
    },
    "yoy_up": {"vi": "Tăng nhiều nhất: {items}.", "en": "Largest rises: {items}."},
    "yoy_down": {"vi": "Giảm nhiều nhất: {items}.", "en": "Largest falls: {items}."},
    "yoy_none_down": {"vi": "Không có đơn vị nào giảm điểm.", "en": "No unit fell."},
    "yoy_none_up": {"vi": "Không có đơn vị nào tăng điểm.", "en": "No unit rose."},
    "yoy_item": {"vi": "{unit} ({change} điểm, {rank})", "en": "{unit} ({change} points, {rank})"},
    "inferred_mark": {"vi": " (suy ra)", "en": " (inferred)"},
    "inferred_note": {
        "vi": "(suy ra): giá trị không được in trong nguồn mà được suy ra từ một số liệu đã công bố; xem phần Giả định.",
        "en": "(inferred): a value the source does not print, derived from a published figure; see Assumptions.",
    },
    "summary_illustrative": {
        "vi": "minh họa: số liệu có dấu † được tính từ các dòng minh họa và không được trích dẫn như số liệu thật. Bảng điểm từng đơn vị là minh họa; chỉ các số liệu trong phần “Đối chiếu số liệu đã công bố” là số liệu đã công bố.",
        "en": "illustrative: a figure marked † comes from illustrative rows and must not be quoted as real. The per-unit rows are illustrative; only the figures listed in the published-figure check are published.",
    },
    "yoy_item_no_rank": {
        "vi": "{unit} ({change} điểm; thứ hạng năm trước không được công bố)",
        "en": "{unit} ({change} points; last year's rank not published)",
    },
    "rank_up": {"vi": "tăng {n} bậc", "en": "up {n} place{s}"},
    "rank_down": {"vi": "giảm {n} bậc", "en": "down {n} place{s}"},
    "rank_same": {"vi": "giữ hạng", "en": "same rank"},
    "yoy_transitions_none": {"vi": "Không đơn vị nào chuyển xếp loại.", "en": "No unit changed band."},
    "yoy_transition_item": {"vi": "{unit}: {frm} → {to}", "en": "{unit}: {frm} → {to}"},
    "yoy_transitions": {"vi": "Các đơn vị đổi xếp loại: {items}.", "en": "Units that changed band: {items}."},
    "yoy_method_changed": {
        "vi": "Lưu ý: phương pháp năm {prev} ({m0}) khác năm {year} ({m1}).",
        "en": "Note: the {prev} methodology ({m0}) differs from {year}'s ({m1}).",
    },
    "appraisal_top": {
        "vi": "Đơn vị tự chấm cao hơn kết quả thẩm định nhiều nhất: {items}.",
        "en": "Units that claimed most beyond what was appraised: {items}.",
    },
    "appraisal_item": {
        "vi": "{unit} ({cut} điểm, {pct}% điểm tự đánh giá)",
        "en": "{unit} ({cut} points, {pct}% of self-assessed)",
    },
    "appraisal_total": {
        "vi": "Qua thẩm định, {n} {noun} bị trừ tổng cộng {cut} điểm, bình quân {avg} điểm/đơn vị.",
        "en": "In all, appraisal cut {cut} points from {n} {noun}, {avg} points per unit on average.",
    },
    "appraisal_fields_caption": {
        "vi": "{level}: điểm bị trừ khi thẩm định theo đơn vị và lĩnh vực, năm {year}",
        "en": "{level}: points cut by appraisal per unit and field, {year}",
    },
    # methods
    "m_methodology": {
        "vi": "{level}, năm {year}: {title}. Tổng điểm tối đa {max}; điểm in với {dec} chữ số thập phân.",
        "en": "{level}, {year}: {title}. Maximum total {max}; points printed with {dec} decimals.",
    },
    "m_bands": {"vi": "Quy tắc xếp loại: {items}.", "en": "Band rule: {items}."},
    "m_band_item_total": {"vi": "{band} từ {min} điểm", "en": "{band} from {min} points"},
    "m_band_item_below_total": {"vi": "{band} dưới {min} điểm", "en": "{band} below {min} points"},
    "m_band_item_below_pct": {"vi": "{band} dưới {min}% điểm tối đa", "en": "{band} below {min}% of maximum"},
    "m_gran_totals": {"vi": "Số liệu năm {year} chỉ có tổng điểm.", "en": "The {year} data has totals only."},
    "m_gran_components": {
        "vi": "Số liệu năm {year} có tổng điểm và điểm thành phần (thẩm định, điều tra XHH).",
        "en": "The {year} data has totals and components (appraisal, survey).",
    },
    "m_gran_fields": {
        "vi": "Số liệu năm {year} được chấm đến từng lĩnh vực.",
        "en": "The {year} data is scored field by field.",
    },
    "m_gran_criteria": {
        "vi": "Số liệu năm {year} được chấm đến từng tiêu chí.",
        "en": "The {year} data is scored criterion by criterion.",
    },
    "m_band_item_pct": {"vi": "{band} từ {min}% điểm tối đa", "en": "{band} from {min}% of maximum"},
    "m_band_field": {"vi": ", mọi lĩnh vực từ {min}%", "en": ", every field at least {min}%"},
    "m_band_survey": {"vi": ", điểm điều tra XHH từ {min}", "en": ", survey at least {min} points"},
    "m_rank": {
        "vi": "Xếp hạng: 1 là cao nhất trong từng cấp; các đơn vị bằng điểm cùng hạng cao nhất (1, 2, 2, 4). Điểm trung bình là trung bình cộng tổng điểm của các đơn vị trong cấp.",
        "en": "Ranks: 1 is the highest within each level; tied totals share the best rank (1, 2, 2, 4). A mean is the plain mean of the totals of a level's units.",
    },
    "m_source_item": {
        "vi": "{title} — {publisher}, công bố {published}, truy cập {accessed} ({provenance}).",
        "en": "{title} — {publisher}, published {published}, accessed {accessed} ({provenance}).",
    },
    "m_reproduce_folder": {
        "vi": "Tái lập: parlib build {folder} --year {year} --lang {language} --out <thư mục báo cáo> --processed <thư mục bảng số liệu>, chạy từ thư mục chứa {folder}/ (bộ dữ liệu nằm ngoài dự án). Báo cáo không dùng thời gian thực khi tạo nên hai lần chạy cho cùng kết quả từng byte.",
        "en": "To reproduce: parlib build {folder} --year {year} --lang {language} --out <report folder> --processed <tables folder>, run from the folder that holds {folder}/ (the dataset is kept outside the project). Nothing in the report depends on the time it was made, so two runs give the same bytes.",
    },
    "m_reproduce": {
        "vi": "Tái lập: parlib build {dataset} --year {year} --lang {language}. Báo cáo không dùng thời gian thực khi tạo nên hai lần chạy cho cùng kết quả từng byte.",
        "en": "To reproduce: parlib build {dataset} --year {year} --lang {language}. Nothing in the report depends on the time it was made, so two runs give the same bytes.",
    },
    "pub_summary": {
        "vi": "{ok}/{n} số liệu đã công bố khớp với số liệu tính lại ở độ chính xác đã in.",
        "en": "{ok} of {n} published figures match the recomputed value at the printed precision.",
    },
    "pub_mismatch": {
        "vi": "{bad} số liệu không khớp (các dòng được đánh dấu trong bảng dưới đây). Lệnh parlib build dừng lại khi có số liệu không khớp; báo cáo này được lập với --allow-mismatch.",
        "en": "{bad} figure(s) do not match (the rows marked in the table below). parlib build stops when a figure does not match; this report was built with --allow-mismatch.",
    },
    "pub_note": {
        "vi": "Câu đã công bố được giữ nguyên ngôn ngữ gốc.",
        "en": "Published sentences are quoted in their original language.",
    },
    # the section "How robust are the ranks" (parlib.report.robustness_text)
    "rb_h_robustness": {"vi": "Độ tin cậy của xếp hạng", "en": "How robust are the ranks"},
    "rb_h_coherence": {"vi": "Tính nhất quán của các lĩnh vực", "en": "Coherence of the fields"},
    "rb_h_sensitivity": {
        "vi": "Lựa chọn nào làm thứ hạng thay đổi nhiều nhất",
        "en": "Which choice moves the ranks most",
    },
    "rb_intro": {
        "vi": "Thứ hạng công bố được in như thể mọi số liệu và mọi lựa chọn phía sau đều chính xác tuyệt đối. "
        "Để biết mỗi thứ hạng chắc chắn đến đâu, bảng xếp hạng được tính lại {draws} lần (mô phỏng Monte Carlo "
        "với hạt giống ngẫu nhiên {seed}, nên kết quả lặp lại y hệt ở mỗi lần lập báo cáo), mỗi lần thay đổi "
        "ngẫu nhiên: {what}. Khoảng 5–95% của một đơn vị chứa 90% số thứ hạng ở giữa mà đơn vị đó nhận được.",
        "en": "Published ranks are printed as if every number and every choice behind them were exact. To see how "
        "sure each rank is, the ranking was recomputed {draws} times (a Monte Carlo simulation with seed "
        "{seed}, so every build of the report gives the same results), each time varying at random: {what}. "
        "A unit's 5–95% interval holds the middle 90% of the ranks it took.",
    },
    "rb_v_weights": {
        "vi": "trọng số của từng lĩnh vực (điểm tối đa của mỗi lĩnh vực nhân với một hệ số trong khoảng ±{pct}%, "
        "rồi quy đổi tổng điểm về lại thang điểm tối đa)",
        "en": "the weight of each field (each field's maximum multiplied by a factor within ±{pct}%, the totals "
        "then rescaled to the methodology's maximum)",
    },
    "rb_v_survey": {
        "vi": "tỷ trọng của điểm điều tra xã hội học so với điểm thẩm định (nhân với một hệ số từ {lo} đến {hi})",
        "en": "the weight of the survey against the appraisal (multiplied by a factor from {lo} to {hi})",
    },
    "rb_v_rounding": {
        "vi": "phần làm tròn của các số đã in (giá trị thật của mỗi số có thể lệch tới nửa đơn vị của chữ số cuối "
        "cùng được in)",
        "en": "the rounding of printed values (each true value may lie up to half a unit of the last printed "
        "digit away)",
    },
    "rb_and": {"vi": " và ", "en": " and "},
    "rb_n_totals": {
        "vi": "Bảng chỉ có tổng điểm nên chỉ phần làm tròn được thay đổi: không có trọng số lĩnh vực hay phần "
        "điều tra xã hội học riêng nào để thay đổi.",
        "en": "The table gives totals only, so only the rounding varies: there are no field weights and no "
        "separate survey points to vary.",
    },
    "rb_n_no_fields": {
        "vi": "Bảng không có điểm từng lĩnh vực nên trọng số lĩnh vực không được thay đổi.",
        "en": "The table gives no points per field, so field weights are not varied.",
    },
    "rb_n_no_survey": {
        "vi": "Bảng không có điểm điều tra xã hội học riêng nên tỷ trọng của phần này không được thay đổi.",
        "en": "The table has no separate survey points, so the survey's weight is not varied.",
    },
    "rb_n_off": {"vi": "Không thay đổi: {what}.", "en": "Not varied: {what}."},
    "rb_n_survey_assumed": {
        "vi": "Điểm tối đa của phần điều tra xã hội học không được công bố: tỷ trọng của phần này trong điểm tối "
        "đa được lấy bằng tỷ trọng của nó trong tổng điểm bình quân ({pct}%).",
        "en": "The survey's maximum is not published: its share of the maximum is taken as its share of the "
        "mean total ({pct}%).",
    },
    "rb_r_partial": {
        "vi": "Năm {year}, nguồn chỉ công bố một phần bảng xếp hạng {noun}: thứ hạng là thứ hạng đã in, không "
        "tính lại được, nên không đánh giá được độ tin cậy của chúng.",
        "en": "In {year} the sources print only part of the ranking of {noun}: the ranks are the printed ones "
        "and cannot be recomputed, so how sure they are cannot be assessed.",
    },
    "rb_r_too_few_units": {
        "vi": "Chỉ có {n} đơn vị có tổng điểm: không có gì để so sánh thứ hạng.",
        "en": "Only {n} unit(s) with a total: there is nothing to rank against.",
    },
    "rb_s_first_all": {"vi": "{unit} xếp thứ nhất trong mọi lần mô phỏng.", "en": "{unit} ranks first in every draw."},
    "rb_s_first": {
        "vi": "{unit} xếp thứ nhất trong {pct} số lần mô phỏng",
        "en": "{unit} ranks first in {pct} of the draws",
    },
    "rb_s_first_other": {
        "vi": "; {unit} vượt lên đứng đầu trong {pct} số lần",
        "en": "; {unit} takes first place in {pct}",
    },
    "rb_s_last_all": {
        "vi": "Không lần mô phỏng nào đưa {unit} ra khỏi vị trí cuối bảng.",
        "en": "No draw moves {unit} out of last place.",
    },
    "rb_s_last": {
        "vi": "{unit} đứng cuối bảng trong {pct} số lần mô phỏng.",
        "en": "{unit} is last in {pct} of the draws.",
    },
    "rb_s_groups": {
        "vi": "Không phân biệt được thứ tự giữa các {noun} xếp hạng {ranges}: trong mỗi nhóm, khoảng 5–95% của "
        "từng đơn vị chồng lên khoảng của đơn vị đứng đầu nhóm.",
        "en": "The {noun} ranked {ranges} cannot be told apart: within each group, every unit's 5–95% interval "
        "overlaps that of the group's first.",
    },
    "rb_range": {"vi": "từ {a} đến {b}", "en": "{a} to {b}"},
    "rb_s_groups_none": {
        "vi": "Mọi thứ hạng đều tách biệt: không khoảng 5–95% nào chồng lên khoảng của đơn vị xếp trên.",
        "en": "Every rank stands clear: no unit's 5–95% interval overlaps that of the unit above it.",
    },
    "rb_s_wide": {
        "vi": "{n} {noun} có khoảng 5–95% rộng hơn {wide} bậc; bình quân, thứ hạng của một đơn vị lệch {shift} "
        "bậc so với thứ hạng công bố.",
        "en": "{n} {noun} have a 5–95% interval wider than {wide} places; on average, a unit's rank moves "
        "{shift} places from the published one.",
    },
    "rb_s_band_all": {
        "vi": "Mọi đơn vị giữ nguyên xếp loại trong mọi lần mô phỏng.",
        "en": "Every unit keeps its band in every draw.",
    },
    "rb_s_band_some": {"vi": "Xếp loại kém chắc chắn nhất: {items}.", "en": "The least certain bands: {items}."},
    "rb_s_band_item": {
        "vi": "{unit} giữ xếp loại {band} trong {pct} số lần mô phỏng",
        "en": "{unit} keeps its band ({band}) in {pct} of the draws",
    },
    "rb_s_band_sure": {
        "vi": "Các đơn vị còn lại giữ xếp loại trong ít nhất 95% số lần mô phỏng.",
        "en": "Every other unit keeps its band in at least 95% of the draws.",
    },
    "rb_s_sens": {
        "vi": "Lựa chọn làm thứ hạng thay đổi nhiều nhất là {input}: hiệu ứng toàn phần {st}, hiệu ứng bậc nhất {s1} "
        "(trên thang từ 0 đến 1).",
        "en": "The choice that moves the ranks most is {input}: total effect {st}, first-order effect {s1} "
        "(on a scale of 0 to 1).",
    },
    "rb_s_sens_none": {"vi": "Không lựa chọn nào làm thay đổi thứ hạng.", "en": "None of the choices moves any rank."},
    "rb_sens_note": {
        "vi": "Độ nhạy là phần phương sai của mức lệch thứ hạng bình quân do từng lựa chọn gây ra, ước lượng theo "
        "Saltelli (2010, bậc nhất) và Jansen (1999, toàn phần) từ hai mẫu {m} lần mô phỏng. Hiệu ứng bậc nhất "
        "là phần của riêng lựa chọn đó; hiệu ứng toàn phần gồm cả tương tác với các lựa chọn khác. Giá trị ước "
        "lượng hơi nhỏ hơn 0 hoặc hơi lớn hơn 1 là do sai số ước lượng và được ghi thành 0 hoặc 1.",
        "en": "Sensitivity is the share of the variance of the mean rank shift due to each choice, estimated with "
        "Saltelli's (2010, first order) and Jansen's (1999, total) estimators from two samples of {m} draws. "
        "The first-order effect is the choice's own share; the total effect adds its interactions with the "
        "other choices. Estimates slightly below 0 or above 1 are estimation error and are shown as 0 or 1.",
    },
    "rb_in_weights": {"vi": "trọng số lĩnh vực", "en": "the field weights"},
    "rb_in_survey": {"vi": "tỷ trọng điều tra xã hội học", "en": "the survey's weight"},
    "rb_in_rounding": {"vi": "phần làm tròn số liệu", "en": "the rounding"},
    "rb_col_rank": {"vi": "Hạng công bố", "en": "Published rank"},
    "rb_col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "rb_col_median": {"vi": "Hạng trung vị", "en": "Median rank"},
    "rb_col_interval": {"vi": "Khoảng 5–95%", "en": "5–95% interval"},
    "rb_col_band": {"vi": "Giữ xếp loại", "en": "Keeps band"},
    "rb_col_first": {"vi": "Đứng đầu", "en": "First"},
    "rb_col_input": {"vi": "Lựa chọn", "en": "Choice"},
    "rb_col_s1": {"vi": "Hiệu ứng bậc nhất", "en": "First-order effect"},
    "rb_col_st": {"vi": "Hiệu ứng toàn phần", "en": "Total effect"},
    "rb_ax_rank": {"vi": "Thứ hạng (1 = cao nhất)", "en": "Rank (1 = highest)"},
    "rb_lg_interval": {"vi": "Khoảng 5–95%", "en": "5–95% interval"},
    "rb_lg_median": {"vi": "Hạng trung vị", "en": "Median rank"},
    "rb_lg_nominal": {"vi": "Hạng công bố", "en": "Published rank"},
    "rb_chart_title": {
        "vi": "{level}: hạng công bố và khoảng 5–95%, năm {year}",
        "en": "{level}: published rank and 5–95% interval, {year}",
    },
    "rb_alt_chart": {
        "vi": "Biểu đồ: hạng công bố, hạng trung vị và khoảng 5–95% của từng đơn vị",
        "en": "Chart: each unit's published rank, median rank and 5–95% interval",
    },
    "rb_c_no_fields": {
        "vi": "Bảng không có điểm từng lĩnh vực nên không kiểm tra được tính nhất quán giữa các lĩnh vực.",
        "en": "The table gives no points per field, so the coherence of the fields cannot be checked.",
    },
    "rb_c_too_few_units": {
        "vi": "Chỉ có {n} đơn vị có điểm từng lĩnh vực: quá ít để tính tương quan.",
        "en": "Only {n} units have points per field: too few for correlations.",
    },
    "rb_c_too_few_fields": {
        "vi": "Phương pháp chỉ có {k} lĩnh vực: không có gì để so sánh.",
        "en": "The methodology has {k} field only: there is nothing to compare.",
    },
    "rb_c_alpha_high": {
        "vi": "Hệ số Cronbach's alpha của {k} lĩnh vực là {alpha}, từ ngưỡng 0,7 thường dùng trở lên: các lĩnh vực "
        "cùng chiều và tổng điểm đo một đại lượng khá nhất quán.",
        "en": "Cronbach's alpha of the {k} fields is {alpha}, at or above the usual threshold of 0.7: the fields "
        "move together and the total measures one fairly consistent thing.",
    },
    "rb_c_alpha_low": {
        "vi": "Hệ số Cronbach's alpha của {k} lĩnh vực là {alpha}, dưới ngưỡng 0,7 thường dùng: các lĩnh vực đo những "
        "mặt khá khác nhau của công tác cải cách hành chính, và đơn vị mạnh ở lĩnh vực này chưa chắc mạnh ở "
        "lĩnh vực khác.",
        "en": "Cronbach's alpha of the {k} fields is {alpha}, below the usual threshold of 0.7: the fields measure "
        "rather different sides of administrative reform, and a unit strong in one is not necessarily strong "
        "in another.",
    },
    "rb_c_rest_negative": {
        "vi": "Tương quan nghịch với tổng các lĩnh vực còn lại (hệ số Spearman): {items}; đơn vị mạnh ở đó thường "
        "yếu hơn ở phần còn lại.",
        "en": "Negatively correlated with the total of the other fields (Spearman's rho): {items}; units strong "
        "there tend to be weaker elsewhere.",
    },
    "rb_c_flat": {
        "vi": "{field} hầu như không phân biệt được các {noun}: {n} đạt từ {thr}% điểm tối đa trở lên.",
        "en": "{field} barely separates the {noun}: {n} score {thr}% of its maximum or more.",
    },
    "rb_c_tiny": {
        "vi": "{field} hầu như không phân biệt được các {noun}: độ lệch chuẩn của % điểm tối đa chỉ là {sd} điểm.",
        "en": "{field} barely separates the {noun}: its % of maximum has a standard deviation of only {sd} points.",
    },
    "rb_c_all_discriminate": {
        "vi": "Mọi lĩnh vực đều phân biệt được các {noun}: không lĩnh vực nào có từ {share}% số đơn vị trở lên đạt "
        "{thr}% điểm tối đa, hay có độ lệch chuẩn dưới {sd} điểm phần trăm.",
        "en": "Every field separates the {noun}: in none do {share}% or more of the units score {thr}% of the "
        "maximum or more, and none has a standard deviation below {sd} points of %.",
    },
    "rb_c_skew": {
        "vi": "Phân phối của {field} lệch mạnh (độ lệch {skew}, độ nhọn {kurt}, vượt ngưỡng 2 và 3,5 của COINr): có "
        "thể có giá trị ngoại lai.",
        "en": "{field} is strongly skewed (skew {skew}, kurtosis {kurt}, beyond COINr's thresholds of 2 and 3.5): "
        "it may hold outliers.",
    },
    "rb_c_outliers": {
        "vi": "Điểm khác thường (điểm z vững vượt ±3,5 so với trung vị của lĩnh vực): {items}.",
        "en": "Unusual scores (a robust z-score beyond ±3.5 from the field's median): {items}.",
    },
    "rb_c_outlier_item": {"vi": "{unit} ở lĩnh vực {num} (z = {z})", "en": "{unit} in field {num} (z = {z})"},
    "rb_c_outliers_more": {"vi": " và {n} trường hợp khác", "en": " and {n} more"},
    "rb_c_outliers_none": {
        "vi": "Không có điểm khác thường (điểm z vững vượt ±3,5).",
        "en": "No unusual score (a robust z-score beyond ±3.5).",
    },
    "rb_c_illustrative": {
        "vi": "Điểm từng lĩnh vực của bảng này là minh họa: các nhận định về lĩnh vực dưới đây chỉ minh họa cách "
        "phân tích, không được trích dẫn.",
        "en": "This table's field points are illustrative: the statements about fields below only illustrate the "
        "analysis and may not be quoted.",
    },
    "rb_corr_title": {
        "vi": "{level}: tương quan hạng Spearman giữa các lĩnh vực, năm {year}",
        "en": "{level}: Spearman rank correlation between fields, {year}",
    },
    "rb_corr_label": {"vi": "Hệ số Spearman", "en": "Spearman's rho"},
    "rb_alt_corr": {
        "vi": "Bản đồ nhiệt: hệ số tương quan hạng Spearman giữa từng cặp lĩnh vực",
        "en": "Heatmap: Spearman rank correlation of every pair of fields",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``values`` filled in, in NFC."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    return nfc(STRINGS[key][lang].format(**values))


#: Vietnamese words of a unit's name written in lower case inside a sentence ("huyện Ba Bể").
_LOWER_INSIDE = ("Huyện ", "Thành phố ", "Thị xã ", "Quận ", "Tỉnh ", "Xã ", "Phường ")


def in_sentence(name: str, lang: str) -> str:
    """A unit's name as written inside a sentence: Vietnamese administrative words in lower case
    ("Thành phố Bắc Kạn" → "thành phố Bắc Kạn"); other names unchanged.

    >>> in_sentence("Huyện Pác Nặm", "vi"), in_sentence("Sở Y tế", "vi"), in_sentence("Ba Bể District", "en")
    ('huyện Pác Nặm', 'Sở Y tế', 'Ba Bể District')
    """
    name = nfc(name)
    if lang == "vi":
        for word in _LOWER_INSIDE:
            if name.startswith(word):
                return word.lower() + name[len(word) :]
    return name


def fmt_date(text: object, lang: str) -> str:
    """A date of dataset.yml as each language writes it: "2026-11-26" → "26/11/2026" (vi),
    "26 November 2026" (en); a year or year-month ("2024", "2023-04") as "2024", "04/2023" / "April 2023"."""
    from datetime import date

    from babel.dates import format_date

    s = str(text).strip()
    parts = s.split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        return nfc(s)
    if len(nums) == 3:
        d = date(*nums)
        return nfc(f"{d.day:02d}/{d.month:02d}/{d.year}" if lang == "vi" else format_date(d, "d MMMM y", locale="en"))
    if len(nums) == 2:
        d = date(nums[0], nums[1], 1)
        return nfc(f"{d.month:02d}/{d.year}" if lang == "vi" else format_date(d, "MMMM y", locale="en"))
    return nfc(s)


def nfc(text: object) -> str:
    """Text in Unicode NFC."""
    return unicodedata.normalize("NFC", str(text))


@functools.lru_cache(maxsize=64)
def _number_format(pattern: str, lang: str) -> tuple[NumberPattern, Locale]:
    """Babel's parsed number pattern and locale, made once: Babel's ``format_decimal`` parses both
    on every call, half its time (a 500-unit report formats 28,000 numbers)."""
    return parse_pattern(pattern), Locale.parse(lang)


def fmt_number(value: float, lang: str, decimals: int = 2, *, sign: bool = False, trim: bool = False) -> str:
    """A number for ``lang`` with Babel: rounded half up to ``decimals`` places; ``trim`` drops
    trailing zeros (87,450 → 87,45, as an article prints); ``sign`` writes + before positives.

    >>> fmt_number(90.766, "vi", 3), fmt_number(90.766, "en", 3)
    ('90,766', '90.766')
    """
    if is_missing(value):
        return "—"
    rounded = Decimal(repr(round_half_up(float(value), decimals))) + Decimal(0)
    frac = ("#" if trim else "0") * decimals
    body = "#,##0" + (f".{frac}" if decimals else "")
    pattern = f"+{body};-{body}" if sign else body
    if rounded == 0:
        pattern = body
    number_pattern, locale = _number_format(pattern, lang)
    # what babel.numbers.format_decimal(rounded, format=pattern, locale=lang, decimal_quantization=True) does
    return nfc(
        number_pattern.apply(rounded, locale, decimal_quantization=True, group_separator=True, numbering_system="latn")
    )


def noun_for(noun: str, count: int, lang: str) -> str:
    """A level's noun agreeing with a count: a Vietnamese noun does not change; an English plural is
    made singular for one ("1 department", "1 ministry", "1 province"); a noun of several words
    ("departments, boards and agencies") is left whole."""
    if lang != "en" or count != 1 or "," in noun or " and " in noun:
        return noun
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def verbs_for(count: int) -> dict[str, str]:
    """The English verbs that agree with a count, for sentences that take ``{were}``, ``{are}``
    or ``{have}`` (Vietnamese sentences have no such placeholder)."""
    one = count == 1
    return {"were": "was" if one else "were", "are": "is" if one else "are", "have": "has" if one else "have"}


def fmt_count(count: int, total: int | None = None, lang: str = "vi") -> str:
    """A count as each language writes it: in Vietnamese administrative style, zero-padded to two
    digits ("05", "05/08", "19/19"); in English unpadded ("5", "5/8", "19/19")."""
    spec = "02d" if lang == "vi" else "d"
    return f"{int(count):{spec}}" + (f"/{int(total):{spec}}" if total is not None else "")


def fmt_rank_change(n: float | None, lang: str) -> str:
    """A change of rank in words: "tăng 6 bậc" / "up 6 places" ("—" when missing: None, NaN or NA)."""
    if n is None or is_missing(n):
        return "—"
    k = int(n)
    if k > 0:
        return t("rank_up", lang, n=k, s="" if k == 1 else "s")
    if k < 0:
        return t("rank_down", lang, n=-k, s="" if k == -1 else "s")
    return t("rank_same", lang)


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' NA."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
