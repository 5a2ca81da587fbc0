"""parlib.report.printer: the PDF is printed in a process of its own (issue 14: a 500-unit report's
peak memory), with the same bytes as WeasyPrint in the build's own process, and one clear line when
it cannot be."""

from __future__ import annotations

import base64
import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pandas as pd
import pytest

from parlib.report import printer, render
from parlib.report.render import ReportError, export_pdf, start_printer

PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo</title>
<style>@page { size: A4 } body { font-family: "DejaVu Sans" }</style></head>
<body><h1>Chỉ số CCHC 2023</h1><p>Sở Nội vụ: 90,77 điểm, xếp hạng 1/19.</p>
<table><tr><th>Đơn vị</th><th>Điểm</th></tr><tr><td>Sở Tư pháp</td><td>89,02</td></tr></table></body></html>"""


def test_the_printer_writes_the_bytes_weasyprint_writes_in_process(tmp_path):
    from weasyprint import HTML

    page = tmp_path / "report.vi.html"
    page.write_text(PAGE, encoding="utf-8")
    export_pdf(start_printer(), page, tmp_path / "report.vi.pdf", tmp_path, "t 2023 vi")
    expected = HTML(string=PAGE, base_url=str(tmp_path)).write_pdf()
    assert (tmp_path / "report.vi.pdf").read_bytes() == expected
    assert expected.startswith(b"%PDF-")


def test_a_page_that_cannot_be_read_is_one_line_naming_the_report(tmp_path):
    with pytest.raises(ReportError) as e:
        export_pdf(start_printer(), tmp_path / "missing.html", tmp_path / "out.pdf", tmp_path, "backan 2023 vi")
    message = str(e.value)
    assert message.startswith("report backan 2023 vi: the PDF could not be written: FileNotFoundError: ")
    assert "missing.html" in message and "\n" not in message and "Traceback" not in message
    assert not (tmp_path / "out.pdf").exists()


def test_with_no_job_the_printer_ends_without_printing(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "parlib.report.printer"], input="", capture_output=True, text=True, cwd=tmp_path
    )
    assert (r.returncode, r.stderr) == (0, "")
    assert list(tmp_path.iterdir()) == []


def test_a_report_failing_before_its_page_stops_its_printer(tmp_path, monkeypatch):
    started: list[subprocess.Popen[str]] = []

    def printer() -> subprocess.Popen[str]:
        started.append(start_printer())
        return started[-1]

    def failing_notebook(*args: object) -> None:
        raise ReportError("report t 2023 vi: notebook cell 'ranking' failed")

    monkeypatch.setattr(render, "start_printer", printer)
    monkeypatch.setattr(render, "execute_notebook", failing_notebook)
    ds = type("DatasetStandIn", (), {"id": "t"})()
    with pytest.raises(ReportError, match="cell 'ranking' failed"):
        render.render_report(ds, 2023, "vi", tmp_path)  # type: ignore[arg-type]
    assert len(started) == 1 and started[0].poll() is not None  # not left running
    assert not any(p.suffix == ".pdf" for p in Path(tmp_path).iterdir())


# --- a chart's PNG rows embedded as stored (issue 14: WeasyPrint decoded every chart and compressed
# it again, a tenth of a 500-unit report's PDF time) ------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int, height: int, *, depth: int = 8, colour: int = 2, interlace: int = 0, rows: bytes) -> bytes:
    """A PNG made by hand: IHDR, one IDAT holding ``rows`` compressed, IEND."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


# two RGB pixels, red then blue, each row led by filter byte 0 (none): the rows a PDF image reads
TWO_PIXELS = b"\x00" + bytes([255, 0, 0, 0, 0, 255])


def test_the_stored_rows_of_an_8_bit_rgb_or_grey_png_are_its_idat_chunks_joined():
    rgb = _png(2, 1, rows=TWO_PIXELS)
    mode, rows = printer.get_stored_png_rows(rgb) or ("", b"")
    assert mode == "RGB" and zlib.decompress(rows) == TWO_PIXELS
    grey = _png(3, 1, colour=0, rows=b"\x00\x10\x20\x30")
    assert printer.get_stored_png_rows(grey) == ("L", zlib.compress(b"\x00\x10\x20\x30"))
    # the IDAT split in two chunks that follow one another: joined in order
    whole = zlib.compress(TWO_PIXELS)
    split = rgb[:33] + _chunk(b"IDAT", whole[:3]) + _chunk(b"IDAT", whole[3:]) + rgb[-12:]
    assert printer.get_stored_png_rows(split) == ("RGB", whole)


@pytest.mark.parametrize(
    "png",
    [
        _png(2, 1, colour=6, rows=b"\x00" + bytes(8)),  # RGBA: WeasyPrint splits the alpha out
        _png(2, 1, colour=3, rows=b"\x00\x00\x01"),  # palette
        _png(2, 1, colour=4, rows=b"\x00" + bytes(4)),  # grey with alpha
        _png(1, 1, depth=16, rows=b"\x00" + bytes(6)),  # 16 bits a sample
        _png(2, 1, interlace=1, rows=TWO_PIXELS),  # Adam7: rows stored in seven passes
        _png(2, 1, rows=TWO_PIXELS)[:-12],  # no IEND: cut short
        _png(2, 1, rows=TWO_PIXELS)[:41] + b"\xff" + _png(2, 1, rows=TWO_PIXELS)[42:],  # a damaged IDAT (CRC fails)
        # a chunk shaped like an IHDR, but not one, first
        b"\x89PNG\r\n\x1a\n" + _chunk(b"tEXt", bytes(8) + b"\x08\x02\x00\x00\x00") + _png(2, 1, rows=TWO_PIXELS)[8:],
        _png(2, 1, rows=TWO_PIXELS)[:33] + _chunk(b"IEND", b""),  # no pixels
        # the pixels split by another chunk (Pillow stops at it and pads the image)
        _png(2, 1, rows=TWO_PIXELS)[:33]
        + _chunk(b"IDAT", zlib.compress(TWO_PIXELS)[:3])
        + _chunk(b"tEXt", b"k\x00v")
        + _chunk(b"IDAT", zlib.compress(TWO_PIXELS)[3:])
        + _chunk(b"IEND", b""),
        _png(2, 2, rows=TWO_PIXELS),  # one row of the two the header says
        _png(2, 1, rows=TWO_PIXELS + b"\x00\x00\x00\x00\x00\x00\x00"),  # a row too many
        # a stream cut short, its chunk's CRC made to match
        _png(2, 1, rows=TWO_PIXELS)[:33] + _chunk(b"IDAT", zlib.compress(TWO_PIXELS)[:-4]) + _chunk(b"IEND", b""),
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBB", 2, 1, 8, 2, 0, 0)),  # IHDR cut short
        b"\x89PNG\r\n\x1a\x00" + _png(2, 1, rows=TWO_PIXELS)[8:],  # not PNG's signature
        b"GIF89a" + bytes(40),
    ],
    ids=[
        "rgba",
        "palette",
        "grey-alpha",
        "16-bit",
        "interlaced",
        "cut",
        "bad-crc",
        "no-ihdr",
        "no-idat",
        "split-idat",
        "rows-missing",
        "row-extra",
        "stream-cut",
        "short",
        "signature",
        "gif",
    ],
)
def test_any_other_png_is_compressed_again_as_weasyprint_does(png, monkeypatch):
    from PIL import Image
    from weasyprint.images import RasterImage

    assert printer.get_stored_png_rows(png) is None

    def outcome(get_png_data: object) -> object:
        try:
            return get_png_data(Image.open(io.BytesIO(png)))  # type: ignore[operator]
        except Exception as exc:  # Pillow cannot read it: WeasyPrint says so, patched or not
            return type(exc)

    weasyprint_own = RasterImage._get_png_data
    expected = outcome(weasyprint_own)
    monkeypatch.setattr(RasterImage, "_get_png_data", RasterImage.__dict__["_get_png_data"])
    printer.use_stored_png_rows()
    assert RasterImage._get_png_data is not weasyprint_own
    assert outcome(RasterImage._get_png_data) == expected


def _pixels(mode: str, width: int, height: int, rows: bytes) -> bytes:
    """The pixels a PDF reader gets from an image's rows (FlateDecode, PNG predictors), decoded by
    Pillow as the PNG they are."""
    from PIL import Image

    colour = {"L": 0, "RGB": 2}[mode]
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")
    return Image.open(io.BytesIO(png)).tobytes()


def test_a_png_not_written_by_pillow_keeps_its_rows_and_gives_weasyprint_s_pixels():
    """Filter "Sub" on the second row and zlib level 9: not what Pillow writes, so the rows differ
    from WeasyPrint's re-encoding, but the pixels a PDF reader decodes are the same."""
    from PIL import Image
    from weasyprint.images import RasterImage

    # 2 × 2 RGB: row 1 red, blue (filter 0); row 2 the same pixels with filter 1 (Sub: each byte
    # minus the byte 3 before it), i.e. 255 0 0 then 0−255, 0−0, 255−0 = 1, 0, 255 (mod 256)
    raw = b"\x00" + bytes([255, 0, 0, 0, 0, 255]) + b"\x01" + bytes([255, 0, 0, 1, 0, 255])
    png = _png(2, 2, rows=raw)[:33] + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")
    mode, rows = printer.get_stored_png_rows(png) or ("", b"")
    assert rows == zlib.compress(raw, 9)
    weasyprint_rows = RasterImage._get_png_data(Image.open(io.BytesIO(png)))
    expected = bytes([255, 0, 0, 0, 0, 255]) * 2  # both rows red, blue
    assert _pixels(mode, 2, 2, rows) == _pixels("RGB", 2, 2, weasyprint_rows) == expected


def test_a_chart_s_rows_are_the_bytes_weasyprint_makes_by_encoding_it_again(tmp_path, monkeypatch):
    from PIL import Image
    from weasyprint.images import RasterImage

    from parlib.report import charts

    fig = charts.plot_heatmap(
        pd.DataFrame({"Cải cách thể chế": [100.0, 62.5], "Tài chính công": [80.0, 41.0]}, index=["Sở A", "Sở B"]),
        lang="vi",
        title="Tỷ lệ điểm đạt được",
    )
    png = charts.png_bytes(fig)
    weasyprint_own = RasterImage._get_png_data
    expected = weasyprint_own(Image.open(io.BytesIO(png)))
    monkeypatch.setattr(RasterImage, "_get_png_data", RasterImage.__dict__["_get_png_data"])
    printer.use_stored_png_rows()
    printer.use_stored_png_rows()  # a second call does not wrap the patch again
    assert RasterImage._get_png_data(Image.open(io.BytesIO(png))) == expected
    assert getattr(RasterImage._get_png_data, "parlib_stored_rows", False)
    # opened from a file, not from bytes in memory (WeasyPrint does not, but another caller may)
    (tmp_path / "chart.png").write_bytes(png)
    assert RasterImage._get_png_data(Image.open(tmp_path / "chart.png")) == expected


def test_a_page_with_a_chart_prints_to_the_bytes_weasyprint_writes_unpatched(tmp_path):
    from weasyprint import HTML

    from parlib.report import charts

    fig = charts.plot_heatmap(
        pd.DataFrame({"Cải cách thể chế": [100.0, 62.5, 71.25]}, index=["Sở A", "Sở B", "Sở C"]),
        lang="vi",
        title="Tỷ lệ điểm đạt được",
    )
    image = base64.b64encode(charts.png_bytes(fig)).decode("ascii")
    page_text = PAGE.replace("</body>", f'<img src="data:image/png;base64,{image}" style="width:120mm"></body>')
    page = tmp_path / "report.vi.html"
    page.write_text(page_text, encoding="utf-8")
    export_pdf(start_printer(), page, tmp_path / "report.vi.pdf", tmp_path, "t 2023 vi")
    expected = HTML(string=page_text, base_url=str(tmp_path)).write_pdf()  # this process: not patched
    assert b"/Predictor 15" in expected
    assert (tmp_path / "report.vi.pdf").read_bytes() == expected
