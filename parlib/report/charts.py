"""Charts of the report: ``plot_*`` functions return matplotlib figures; :func:`png_bytes` saves one.

Every chart is static (WeasyPrint runs no JavaScript), drawn in DejaVu Sans (full Vietnamese
coverage), labelled in the report's language with numbers formatted by :mod:`parlib.i18n`, and
saved as PNG without the ``Software`` tag, so that the same data gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from PIL import Image  # noqa: E402

from parlib.report.i18n import fmt_number, t  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

FONT = "DejaVu Sans"
DPI = 150
WIDTH_IN = 7.0
# Colour-blind-safe palettes. Band colours, best band first: ColorBrewer's diverging RdYlBu (5
# classes, marked colour-blind safe by ColorBrewer), blue for the best band to red for the last; a
# rule with fewer bands takes them in order and always gives its last band the last colour. Rises
# and falls: the Okabe–Ito blue and vermilion. Heatmaps: viridis, one scale per measure for every
# level of a report.
BAND_COLOURS = ("#2c7bb6", "#abd9e9", "#ffffbf", "#fdae61", "#d7191c")
UP, DOWN, PREV = "#0072B2", "#D55E00", "#9e9e9e"
HEAT_CMAP = "viridis"
EDGE = "#4d4d4d"

_RC: dict[RcKeyType, Any] = {
    "font.family": FONT,
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "parlib",
    "figure.dpi": DPI,
    # Names are data, not markup: "$x^2$" in a unit or field name is shown as typed, not as math.
    "text.parse_math": False,
}


def band_colours(band_ids: Sequence[str]) -> dict[str, str]:
    """A colour per band id, best band first."""
    n = len(band_ids)
    if n == 0:
        return {}
    if n == 1:
        return {band_ids[0]: BAND_COLOURS[0]}
    idx = (
        np.linspace(0, len(BAND_COLOURS) - 1, n).round().astype(int)
        if n > len(BAND_COLOURS)
        else (list(range(n - 1)) + [len(BAND_COLOURS) - 1])
    )
    return {b: BAND_COLOURS[i] for b, i in zip(band_ids, idx)}


class _LayoutCanvas(FigureCanvasAgg):
    """An Agg canvas whose ``draw()`` lays the figure out without painting a pixel.

    seaborn's heatmap draws the whole figure once (``fig.canvas.draw()``) only to measure its tick
    labels and turn them if they overlap; painting that draw was a third of a heatmap's time
    (every annotation's glyphs rasterised for nothing). Laid out, the labels have the same sizes,
    so seaborn decides the same. Saving is unaffected: savefig paints with ``FigureCanvasAgg.draw``."""

    def draw(self) -> None:
        self.figure.draw_without_rendering()


def _new_figure(height: float) -> tuple[Figure, Axes]:
    with plt.rc_context(_RC):
        fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
        # A canvas of its own: without one, every text measurement (seaborn's tick-label overlap
        # check, tight_layout) builds a new full-size renderer, so memory grew with units².
        _LayoutCanvas(fig)
        ax = fig.add_subplot()
    return fig, ax


def _wrap(text: str, width: int, max_lines: int = 2) -> str:
    """A label wrapped to ``width`` characters on at most ``max_lines`` lines (then shortened with
    "…"), so that a very long name cannot overlap its neighbours; tables show names in full."""
    return "\n".join(textwrap.wrap(text, width, max_lines=max_lines, placeholder=" …")) or text


# The most rows one chart holds: 30 rows keep a chart near 9 inches, shorter than a printed page; a
# longer level is drawn as several charts of consecutive rows (see chunks()).
MAX_ROWS = 30
NO_BAND = "#4575b4"


def chunks(n: int, size: int = MAX_ROWS) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive slices of ``n`` rows, each at most ``size`` long and as even
    as possible: 63 rows → 21 + 21 + 21; 500 → 17 slices of 29 or 30; 30 rows → one slice."""
    if size < 1:
        raise ValueError(f"a chart holds at least one row, not {size}")
    if n <= size:
        return [(0, n)]
    k = -(-n // size)
    bounds = [round(i * n / k) for i in range(k + 1)]
    return list(zip(bounds[:-1], bounds[1:]))


def plot_ranked_bar(
    names: Sequence[str],
    totals: Sequence[float],
    bands: Sequence[str],
    band_labels: dict[str, str],
    *,
    lang: str,
    max_total: float,
    decimals: int,
    title: str,
) -> Figure:
    """Horizontal bars of each unit's total from zero, best at the top, coloured by band, value at the end.

    ``names``, ``totals`` and ``bands`` are in rank order; ``band_labels`` maps every band id of
    the rule (best first) to its name in the report's language; only bands present are in the legend
    (none, and one colour, without a band rule). The title is above the legend, never under it. At
    most :data:`MAX_ROWS` rows read well: callers split a longer level with :func:`chunks`.
    """
    with plt.rc_context(_RC):
        n = len(names)
        shown = set(bands)
        present = [b for b in band_labels if b in shown]
        fig, ax = _new_figure(max(2.0, 0.26 * n + (1.3 if present else 1.0)))
        colours = band_colours(list(band_labels))
        y = np.arange(n)
        ax.barh(
            y,
            totals,
            color=[colours.get(b, PREV) if band_labels else NO_BAND for b in bands],
            height=0.72,
            edgecolor=EDGE,
            linewidth=0.4,
        )
        ax.set_yticks(y, [_wrap(s, 42) for s in names])
        ax.invert_yaxis()
        # Bars start at zero: a cut axis would make a 5-point gap look like a doubling. The
        # differences are read from the printed values and the tables.
        ax.set_xlim(0, max_total * 1.08)
        ax.set_xticks(np.linspace(0, max_total, 6))
        for yi, v in zip(y.tolist(), totals):
            ax.text(v + max_total * 0.005, yi, fmt_number(v, lang, decimals), va="center", fontsize=7)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
        ax.set_xlabel(t("ax_total", lang, max=fmt_number(max_total, lang, 0)))
        if present:
            # The title is the figure's, at the very top; the legend is one row between it and the
            # bars, from the left, so that a long title and a wide legend never overprint.
            fig.suptitle(title, x=0.01, ha="left", fontsize=9)
            ax.legend(
                handles=[
                    Patch(facecolor=colours[b], edgecolor=EDGE, linewidth=0.4, label=band_labels[b]) for b in present
                ],
                title=t("legend_band", lang),
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncol=min(len(present), 5),
                frameon=False,
                title_fontsize=7.5,
                alignment="left",
            )
        else:
            ax.set_title(title, loc="left")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.tight_layout()
    return fig


def pct_label(value: float, lang: str) -> str:
    """A % of maximum for a heatmap cell: whole numbers, except that a value that is not 100 (or
    not 0) is never shown as 100 (or 0): 99,6 stays 99,6."""
    text = fmt_number(value, lang, 0)
    if (text == "100" and value < 100) or (text == "0" and value > 0):
        text = fmt_number(value, lang, 1)
        if text == fmt_number(100, lang, 1) and value < 100:
            text = fmt_number(value, lang, 2)
    return text


def plot_heatmap(table: pd.DataFrame, *, lang: str, title: str, vmin: float = 0.0) -> Figure:
    """Heatmap of % of maximum: rows units (labels = index), columns fields (labels = columns),
    each cell annotated in the report's number format (:func:`pct_label`); viridis from ``vmin``
    to 100, the same scale for every level of a report."""
    with plt.rc_context(_RC):
        rows, cols = table.shape
        fig, ax = _new_figure(max(2.5, 0.28 * rows + 1.9))
        annot = table.map(lambda v: "" if pd.isna(v) else pct_label(v, lang))
        sns.heatmap(
            table.astype(float),
            ax=ax,
            cmap=HEAT_CMAP,
            vmin=vmin,
            vmax=100,
            annot=annot.values,
            fmt="",
            annot_kws={"fontsize": 6.5},
            linewidths=0.4,
            linecolor="white",
            cbar_kws={"label": t("ax_pct", lang), "shrink": 0.8},
        )
        ax.set_xticks(np.arange(cols) + 0.5, [_wrap(c, 16) for c in table.columns], rotation=0, fontsize=8)
        ax.set_yticks(np.arange(rows) + 0.5, [_wrap(str(i), 40) for i in table.index], rotation=0)
        ax.xaxis.tick_top()
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(length=0)
        fig.suptitle(title, x=0.01, ha="left", fontsize=9)
        fig.tight_layout()
    return fig


def plot_dumbbell(
    names: Sequence[str],
    previous: Sequence[float],
    current: Sequence[float],
    *,
    lang: str,
    prev_year: int,
    year: int,
    max_total: float,
    title: str,
    xlim: tuple[float, float] | None = None,
) -> Figure:
    """One row per unit: a grey dot for last year's total, a coloured dot for this year's, joined
    by a line (green when the total rose, red when it fell). Rows in the order given. ``xlim``
    (default: from the rows, see :func:`dumbbell_xlim`) keeps one scale across the charts of a long
    level split with :func:`chunks`."""
    with plt.rc_context(_RC):
        n = len(names)
        fig, ax = _new_figure(max(2.0, 0.26 * n + 1.1))
        y = np.arange(n)
        prev, cur = np.asarray(previous, float), np.asarray(current, float)
        colour = np.where(cur >= prev, UP, DOWN)
        ax.hlines(y, prev, cur, colors=colour.tolist(), linewidth=2)
        ax.scatter(prev, y, color=PREV, s=22, zorder=3, label=t("legend_year", lang, year=prev_year))
        ax.scatter(cur, y, color=colour, s=26, zorder=4)
        ax.set_yticks(y, [_wrap(s, 42) for s in names])
        ax.invert_yaxis()
        ax.set_xlim(*(xlim or dumbbell_xlim(prev, cur, max_total)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
        ax.set_xlabel(t("ax_total", lang, max=fmt_number(max_total, lang, 0)))
        ax.set_title(title, loc="left")
        handles = [
            Line2D([], [], marker="o", color=PREV, linestyle="", label=t("legend_year", lang, year=prev_year)),
            Line2D([], [], marker="o", color=UP, label=f"{t('legend_year', lang, year=year)}: {t('legend_up', lang)}"),
            Line2D(
                [], [], marker="o", color=DOWN, label=f"{t('legend_year', lang, year=year)}: {t('legend_down', lang)}"
            ),
        ]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(1.0, 0.0), frameon=False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.tight_layout()
    return fig


def dumbbell_xlim(previous: npt.ArrayLike, current: npt.ArrayLike, max_total: float) -> tuple[float, float]:
    """The dumbbell chart's scale: from 3 points below the lowest total to 3 above the highest,
    widened to multiples of 5 and kept within 0 and the maximum."""
    prev, cur = np.asarray(previous, float), np.asarray(current, float)
    lo = max(0.0, float(np.floor((min(prev.min(), cur.min()) - 3) / 5) * 5))
    hi = min(float(max_total), float(np.ceil((max(prev.max(), cur.max()) + 3) / 5) * 5))
    return lo, hi


def plot_cuts(
    names: Sequence[str], cuts: Sequence[float], *, lang: str, title: str, decimals: int = 3, top: float | None = None
) -> Figure:
    """Horizontal bars of the points cut by appraisal per unit, largest at the top. ``top`` (default:
    the largest cut given) keeps one scale across the charts of a long level."""
    with plt.rc_context(_RC):
        n = len(names)
        fig, ax = _new_figure(max(2.0, 0.26 * n + 1.0))
        y = np.arange(n)
        ax.barh(y, cuts, color=DOWN, height=0.7)
        ax.set_yticks(y, [_wrap(s, 42) for s in names])
        ax.invert_yaxis()
        top = top if top is not None else (max(cuts) if n else 1.0)
        ax.set_xlim(0, top * 1.15 if top > 0 else 1)
        for yi, v in zip(y.tolist(), cuts):
            ax.text(v + top * 0.01, yi, fmt_number(v, lang, decimals), va="center", fontsize=7)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 1)))
        ax.set_xlabel(t("ax_cut", lang))
        ax.set_title(title, loc="left")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        fig.tight_layout()
    return fig


def _grow(fig: Figure, bottom_in: float, top_in: float) -> None:
    """Add room below and above a laid-out figure without moving what is drawn."""
    h = fig.get_figheight()
    new = h + bottom_in + top_in
    fig.set_figheight(new)
    for ax in fig.axes:
        pos = ax.get_position()
        ax.set_position((pos.x0, (pos.y0 * h + bottom_in) / new, pos.width, pos.height * h / new))
    for text in fig.texts:
        x, y = text.get_position()
        text.set_y((y * h + bottom_in) / new)


def stamp(fig: Figure, source: str, mark: str = "") -> None:
    """Write the source line under a chart and, for illustrative data, the mark above it, inside
    the image (a chart saved from the page keeps both)."""
    with plt.rc_context(_RC):
        _grow(fig, 0.28, 0.3 if mark else 0.0)
        fig.text(0.01, 0.012, _wrap(source, 150, 2), fontsize=6, color="#444444", ha="left", va="bottom")
        if mark:
            fig.text(
                0.99,
                0.995,
                mark,
                fontsize=7.5,
                fontweight="bold",
                color="#6b4e00",
                ha="right",
                va="top",
                bbox={"facecolor": "#fff3cd", "edgecolor": "#e0b100", "boxstyle": "square,pad=0.3", "linewidth": 0.8},
            )


def plot_rank_uncertainty(
    names: Sequence[str],
    nominal: Sequence[int],
    median: Sequence[int],
    p5: Sequence[int],
    p95: Sequence[int],
    *,
    labels: dict[str, str],
    title: str,
    max_rank: int | None = None,
) -> Figure:
    """COINr's ``plot_uncertainty``, turned on its side for long names: one row per unit in
    nominal order (best at the top), a bar from its 5 % to its 95 % rank, a dot at its median
    rank and a cross at its printed rank; rank 1 on the left. ``labels`` gives the texts of the
    axis (``axis``) and the legend (``interval``, ``median``, ``nominal``). ``max_rank`` (default:
    the rows' own) keeps one rank axis across the charts of a long level split with :func:`chunks`."""
    with plt.rc_context(_RC):
        n = len(names)
        fig, ax = _new_figure(max(2.2, 0.26 * n + 1.2))
        y = np.arange(n)
        lo, hi = np.asarray(p5, float), np.asarray(p95, float)
        ax.hlines(y, lo - 0.3, hi + 0.3, color="#9ecae1", linewidth=6, label=labels["interval"], zorder=1)
        ax.scatter(median, y, s=22, color="#08519c", zorder=3, label=labels["median"])
        ax.scatter(nominal, y, s=26, marker="x", color="#d73027", linewidths=1.2, zorder=4, label=labels["nominal"])
        ax.set_yticks(y, [_wrap(s, 42) for s in names])
        ax.invert_yaxis()
        top = max(n, int(hi.max()) if n else 1, max_rank or 0)
        ax.set_xlim(0.3, top + 0.7)
        step = max(1, int(np.ceil(top / 20)))
        ax.set_xticks(np.arange(1, top + 1, step))
        ax.set_xlabel(labels["axis"])
        ax.set_title(title, loc="left")
        ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
        ax.set_axisbelow(True)
        # Inside the axes, top right: ranked units run from the top left to the bottom right, so that
        # corner is empty; clear of the title, and of the source line stamped under the chart.
        ax.legend(loc="upper right", frameon=True, framealpha=0.9, edgecolor="#dddddd")
        fig.tight_layout()
    return fig


def plot_correlations(table: pd.DataFrame, *, lang: str, title: str, label: str) -> Figure:
    """Heatmap of a correlation matrix (fields × fields, labels = index and columns), from −1 (red)
    to +1 (blue), each cell annotated with two decimals in the report's number format; the upper
    triangle is left blank (it repeats the lower)."""
    with plt.rc_context(_RC):
        k = table.shape[0]
        fig, ax = _new_figure(max(2.4, 0.32 * k + 1.6))
        mask = np.triu(np.ones(table.shape, bool), k=1)
        annot = table.map(lambda v: fmt_number(v, lang, 2))
        sns.heatmap(
            table.astype(float),
            ax=ax,
            mask=mask,
            cmap="RdBu",
            vmin=-1,
            vmax=1,
            center=0,
            annot=annot.values,
            fmt="",
            annot_kws={"fontsize": 6.5},
            linewidths=0.4,
            linecolor="white",
            square=False,
            cbar_kws={"label": label, "shrink": 0.8},
        )
        ax.set_xticks(np.arange(k) + 0.5, [_wrap(str(c), 12) for c in table.columns], rotation=0, fontsize=8)
        ax.set_yticks(np.arange(k) + 0.5, [_wrap(str(i), 12) for i in table.index], rotation=0, fontsize=8)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(length=0)
        ax.set_title(title, loc="left")
        fig.tight_layout()
    return fig


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes (RGB when it is opaque, as every chart here is), with its resolution
    and no other metadata: the same figure gives the same bytes."""
    # fig.tight_layout() leaves a do-nothing layout engine behind, and savefig lays out a figure
    # with an engine by drawing it once without output before the real draw: a second full text
    # layout of every chart for nothing. The layout is done, so the engine goes (same bytes).
    fig.set_layout_engine(None)
    fig.savefig(io.BytesIO(), format="rgba", dpi=DPI)  # paints the canvas; its copy is not needed
    assert isinstance(fig.canvas, FigureCanvasAgg)  # every chart has one (_new_figure)
    # the pixels savefig painted are the canvas's (matplotlib leaves buffer_rgba unannotated)
    image = Image.fromarray(np.asarray(fig.canvas.buffer_rgba()), "RGBA")  # type: ignore[no-untyped-call]
    # Every chart is drawn on an opaque figure: its alpha channel says nothing, yet a PDF printer
    # must split it out as a mask and compress it again (WeasyPrint: a second image per chart).
    # Without it the pixels are the same and the PNG smaller and quicker to write and to print.
    if image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="png", dpi=(DPI, DPI))
    return out.getvalue()
