"""Print a report's HTML page to PDF with WeasyPrint, in a process of its own
(``python -m parlib.report.printer``).

:func:`parlib.report.render.render_report` starts this process before it runs the notebook. The
printer imports WeasyPrint and prints a one-line page (fontconfig and Pango start up then) while
the notebook runs in its kernel, then waits for one job on its standard input: a JSON line
``{"html": …, "pdf": …, "base": …}``. An empty input (the report failed before its page was
written) ends it without printing.

Why a process and not a call: WeasyPrint holds the layout of every page until the PDF is written
(740 MB for a 500-unit level's 213 pages), and the build process already holds pandas, the
notebook and the page, so the report's peak memory was their sum (1,068 MB); here it is the
layout and the page alone (874 MB, the same bytes). The printer embeds each chart's PNG rows as
the PNG stores them (:func:`use_stored_png_rows`) rather than letting WeasyPrint decode and compress
every chart again (0.6 s of backan's PDF, 8 s of a 500-unit level's; the same bytes). A failure is one line on standard error,
``parlib-printer: <what>``, and exit code 1.
"""

from __future__ import annotations

import io
import json
import signal
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

PREFIX = "parlib-printer: "

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types whose rows a PDF image takes as they are: grey (0) and RGB (2), 8 bits a sample
_PASSABLE_COLOUR_TYPES = {0: "L", 2: "RGB"}


def get_stored_png_rows(data: bytes) -> tuple[str, bytes] | None:
    """The Pillow mode and the compressed pixel rows (the IDAT chunks joined) of a PNG file when a
    PDF image can use the rows unchanged, else None.

    A PDF image with ``/FlateDecode`` and PNG predictors (``/Predictor 15``) reads exactly the zlib
    stream of a non-interlaced PNG: each row starts with its filter byte. That holds for 8-bit grey
    and RGB files whose chunks check out, whose IDAT chunks follow one another, and whose stream
    ends after exactly ``height`` rows; any other file (palette, 16 bits, interlaced, alpha, a
    damaged or short image, which Pillow would pad) gives None and goes WeasyPrint's own way.
    """
    if not data.startswith(_PNG_SIGNATURE):
        return None
    rows: list[bytes] = []
    pos, mode, width, height, last = len(_PNG_SIGNATURE), "", 0, 0, b""
    while pos + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        end = pos + 12 + length
        if end > len(data):
            return None
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack_from(">I", data, end - 4)[0]:
            return None
        if not mode:
            if kind != b"IHDR" or length != 13:
                return None
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in _PASSABLE_COLOUR_TYPES or interlace:
                return None
            mode = _PASSABLE_COLOUR_TYPES[colour]
        elif kind == b"IDAT":
            if rows and last != b"IDAT":
                return None  # the pixels split by another chunk: Pillow stops at the first part
            rows.append(body)
        elif kind == b"IEND":
            stream = b"".join(rows)
            return (mode, stream) if rows and _holds_rows(stream, width, height, len(mode)) else None
        pos, last = end, kind
    return None


def _holds_rows(stream: bytes, width: int, height: int, channels: int) -> bool:
    """Whether a zlib stream is whole and holds exactly ``height`` rows of ``width`` pixels (a
    filter byte and ``channels`` bytes a pixel each), nothing more."""
    inflate = zlib.decompressobj()
    try:
        size = len(inflate.decompress(stream)) + len(inflate.flush())
    except zlib.error:
        return False
    return inflate.eof and not inflate.unused_data and size == height * (1 + width * channels)


def _stored_rows_first(reencode: Any) -> Any:
    """WeasyPrint's ``RasterImage._get_png_data`` (decode a PNG, encode it again, keep its rows) made
    to take the rows as stored when the image is a PNG it may use unchanged."""

    def get_png_data(pillow_image: Any) -> bytes:
        source = getattr(pillow_image, "fp", None)
        if isinstance(source, io.BytesIO):
            stored = get_stored_png_rows(source.getvalue())
            if stored is not None:
                return stored[1]
        return bytes(reencode(pillow_image))

    return get_png_data


def use_stored_png_rows() -> None:
    """Make WeasyPrint embed a chart's PNG rows as the PNG stores them instead of decoding the image
    and compressing it again (a tenth of a 500-unit report's PDF time). Same bytes for the charts
    parlib writes: WeasyPrint encodes again with Pillow's defaults, as parlib.report.charts does."""
    from weasyprint.images import RasterImage

    if not getattr(RasterImage._get_png_data, "parlib_stored_rows", False):
        patched = _stored_rows_first(RasterImage._get_png_data)
        patched.parlib_stored_rows = True
        RasterImage._get_png_data = staticmethod(patched)


def print_pdf(html_path: Path, pdf_path: Path, base: Path) -> None:
    """The HTML page printed to A4 PDF by WeasyPrint (fonts embedded as subsets)."""
    from weasyprint import HTML

    use_stored_png_rows()
    HTML(string=html_path.read_text(encoding="utf-8"), base_url=str(base)).write_pdf(str(pdf_path))


def _warm_up() -> None:
    from weasyprint import HTML

    HTML(string='<html lang="vi"><p>Chỉ số 1,5</p></html>').write_pdf()


def main() -> int:
    # Ctrl-C is the build's: it stops this process when it stops the report
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _warm_up()
    except Exception:  # only a head start: the job itself says what is wrong
        pass
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    try:
        job = json.loads(line)
        print_pdf(Path(job["html"]), Path(job["pdf"]), Path(job["base"]))
    except Exception as exc:  # one line for the report's error message, no traceback
        print(f"{PREFIX}{type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
