"""How a chart becomes PNG bytes (parlib.report.charts, issue 14): the pixels are matplotlib's own,
whatever the figure's size; an opaque chart is written as RGB (no alpha channel for a PDF printer
to split out), a transparent one keeps its alpha; and a heatmap laid out without the painted
draw seaborn asks for comes out the same. The oracle is matplotlib's own PNG writer."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from parlib.report import charts


def _matplotlib_png(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.set_layout_engine(None)
    fig.savefig(buf, format="png", dpi=charts.DPI)
    return np.asarray(Image.open(buf))


def _bars(n: int):
    frame = pd.DataFrame(
        {"label": [f"Xã số {i}" for i in range(n)], "value": np.linspace(40, 95.5, n), "band": ["tot"] * n}
    )
    return frame


@pytest.mark.parametrize("height", [1.0, 1.26, 2.3, 4.5, 9.12])  # 1.26, 2.3: the box is 1 pixel short of the canvas
def test_an_opaque_figure_is_written_as_rgb_with_matplotlibs_pixels(height):
    fig, ax = charts._new_figure(height)
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("Chỉ số CCHC")
    charts._grow(fig, 0.31, 0.17)  # a stamped chart's height: not a whole number of pixels
    expected = _matplotlib_png(fig)
    fig2, ax2 = charts._new_figure(height)
    ax2.plot([0, 1, 2], [2, 0, 1])
    ax2.set_title("Chỉ số CCHC")
    charts._grow(fig2, 0.31, 0.17)
    image = Image.open(io.BytesIO(charts.png_bytes(fig2)))
    assert image.mode == "RGB"
    assert (expected[..., 3] == 255).all()
    assert np.asarray(image).shape == expected[..., :3].shape
    assert (np.asarray(image) == expected[..., :3]).all()
    assert set(image.info) == {"dpi"}  # no Software tag, nothing that changes between runs


def test_a_figure_with_transparency_keeps_its_alpha():
    fig, ax = charts._new_figure(2.0)
    fig.patch.set_alpha(0.0)
    ax.patch.set_alpha(0.0)
    ax.bar([0, 1], [1, 2])
    expected = _matplotlib_png(fig)
    image = Image.open(io.BytesIO(charts.png_bytes(fig)))
    assert image.mode == "RGBA"
    assert (np.asarray(image) == expected).all()


def test_the_same_figure_gives_the_same_bytes():
    def draw():
        fig, ax = charts._new_figure(1.5)
        ax.barh(["a", "b"], [3, 4])
        return charts.png_bytes(fig)

    assert draw() == draw()


def _heatmap_png(paint: bool, monkeypatch) -> bytes:
    if paint:  # the canvas as matplotlib makes it: draw() paints every pixel
        monkeypatch.setattr(charts._LayoutCanvas, "draw", FigureCanvasAgg.draw)
    else:
        monkeypatch.undo()
    # long, overlapping column names: seaborn's measurement turns them, so the draw it asks for matters
    names = [f"Lĩnh vực thứ {i} có tên rất dài" for i in range(8)]
    rng = np.random.default_rng(7)
    table = pd.DataFrame(rng.uniform(0, 100, (12, 8)).round(1), index=[f"Phường {i}" for i in range(12)], columns=names)
    return charts.png_bytes(charts.plot_heatmap(table, lang="vi", title="Tỷ lệ % điểm tối đa"))


def test_a_heatmap_laid_out_without_painting_is_the_same_image(monkeypatch):
    assert _heatmap_png(False, monkeypatch) == _heatmap_png(True, monkeypatch)


def test_the_layout_canvas_paints_nothing_until_saved():
    fig, ax = charts._new_figure(1.0)
    ax.plot([0, 1], [0, 1])
    fig.canvas.draw()  # what seaborn calls
    assert not np.asarray(fig.canvas.buffer_rgba())[..., 3].any()  # not a pixel painted: all transparent
    assert ax.get_xticklabels()[0].get_window_extent().width > 0  # yet the labels have their sizes
    Image.open(io.BytesIO(charts.png_bytes(fig))).verify()
