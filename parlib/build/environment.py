"""The environment that shapes a report's bytes, as recorded in its manifest and compared by `verify`.

Python's version and every installed distribution's version; the system libraries WeasyPrint
lays the PDF out with (Pango, HarfBuzz, fontconfig), asked of the libraries themselves; and each
font file the report uses (the families of the report's stylesheet, as fontconfig resolves them,
and the font matplotlib draws the charts with): name, version and sha256. Two machines that agree
on all of these give the same bytes; when they do not, nobody can vouch for byte identity.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.metadata
import platform
from functools import lru_cache
from pathlib import Path
from typing import Any

from parlib.data.dataset import sha256_of

# The font families of parlib/report/templates/parlib_report/report.css, in every style the report
# prints (fontconfig patterns), and the family the charts are drawn in (parlib.report.charts.FONT).
CSS_FONT_PATTERNS = (
    "DejaVu Sans",
    "DejaVu Sans:bold",
    "DejaVu Sans:italic",
    "DejaVu Sans:bold:italic",
    "DejaVu Sans Mono",
)
CHART_FONT = "DejaVu Sans"


def get_packages() -> dict[str, str]:
    """Every installed distribution but parlib itself: lower-case name → version, sorted."""
    return dict(_installed_packages())


@lru_cache(maxsize=1)
def _installed_packages() -> tuple[tuple[str, str], ...]:
    # Once per process (a build asks for every year): reading 300 distributions' metadata costs
    # about 0.2 s, and each METADATA file is parsed once here (`dist.version` would parse it again).
    packages = {}
    for dist in importlib.metadata.distributions():
        meta = dist.metadata
        name = (meta["Name"] or "").lower()
        if name and name != "parlib":
            packages[name] = meta["Version"]
    return tuple(sorted(packages.items()))


def _load(*names: str) -> ctypes.CDLL | None:
    for name in names:
        path = ctypes.util.find_library(name) or None
        for candidate in (path, f"lib{name}.so.0", f"lib{name}.so.1", f"lib{name}.so"):
            if candidate is None:
                continue
            try:
                return ctypes.CDLL(candidate)
            except OSError:
                continue
    return None


def _version_string(lib: ctypes.CDLL | None, func: str) -> str | None:
    if lib is None or not hasattr(lib, func):
        return None
    fn = getattr(lib, func)
    fn.restype = ctypes.c_char_p
    fn.argtypes = []
    value = fn()
    return value.decode() if value else None


@lru_cache(maxsize=1)
def get_system_libraries() -> dict[str, str | None]:
    """The versions of the libraries that lay out and shape the PDF's text (None when not found)."""
    fc = _load("fontconfig")
    fc_version = None
    if fc is not None and hasattr(fc, "FcGetVersion"):
        fc.FcGetVersion.restype = ctypes.c_int
        v = fc.FcGetVersion()
        fc_version = f"{v // 10000}.{v // 100 % 100}.{v % 100}"
    return {
        "fontconfig": fc_version,
        "harfbuzz": _version_string(_load("harfbuzz"), "hb_version_string"),
        "pango": _version_string(_load("pango-1.0"), "pango_version_string"),
    }


def _fontconfig_file(pattern: str) -> str | None:
    """The font file fontconfig picks for a pattern such as 'DejaVu Sans:bold' (None if none)."""
    fc = _load("fontconfig")
    if fc is None:
        return None
    c_void_p = ctypes.c_void_p
    fc.FcInitLoadConfigAndFonts.restype = c_void_p
    fc.FcNameParse.restype = c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcConfigSubstitute.argtypes = [c_void_p, c_void_p, ctypes.c_int]
    fc.FcDefaultSubstitute.argtypes = [c_void_p]
    fc.FcFontMatch.restype = c_void_p
    fc.FcFontMatch.argtypes = [c_void_p, c_void_p, ctypes.POINTER(ctypes.c_int)]
    fc.FcPatternGetString.argtypes = [c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    fc.FcPatternDestroy.argtypes = [c_void_p]
    config = _fc_config(fc)
    pat = fc.FcNameParse(pattern.encode())
    if not pat:
        return None
    try:
        fc.FcConfigSubstitute(config, pat, 0)  # FcMatchPattern
        fc.FcDefaultSubstitute(pat)
        result = ctypes.c_int()
        match = fc.FcFontMatch(config, pat, ctypes.byref(result))
        if not match:
            return None
        try:
            out = ctypes.c_char_p()
            if fc.FcPatternGetString(match, b"file", 0, ctypes.byref(out)) != 0 or not out.value:
                return None
            return out.value.decode()
        finally:
            fc.FcPatternDestroy(match)
    finally:
        fc.FcPatternDestroy(pat)


_FC_CONFIG: list[int] = []


def _fc_config(fc: ctypes.CDLL) -> int:
    if not _FC_CONFIG:
        _FC_CONFIG.append(fc.FcInitLoadConfigAndFonts())
    return _FC_CONFIG[0]


def _chart_font_file() -> str | None:
    try:
        from matplotlib import font_manager

        return font_manager.findfont(font_manager.FontProperties(family=CHART_FONT), fallback_to_default=False)
    except Exception:  # no matplotlib, or no such font: recorded as unknown
        return None


def font_version(path: Path) -> str | None:
    """A font file's version string (its name table's entry 5, e.g. 'Version 2.37')."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(str(path), lazy=True) as font:
            name = font["name"].getDebugName(5)
        return name.strip() if name else None
    except Exception:  # not a font fontTools reads: the sha256 still identifies it
        return None


def _font_label(path: Path) -> str:
    """A font file's path as recorded: from the package down for a font a Python package ships
    (the virtual environment's own folder differs between machines), else the full path."""
    text = path.as_posix()
    return text.split("site-packages/", 1)[1] if "site-packages/" in text else text


@lru_cache(maxsize=1)
def get_fonts() -> list[dict[str, str | None]]:
    """Each font file the report uses: what it is for, the file's name, its version and sha256."""
    seen: dict[str, dict[str, Any]] = {}
    uses = [(p, _fontconfig_file(p)) for p in CSS_FONT_PATTERNS] + [(f"chart: {CHART_FONT}", _chart_font_file())]
    for use, file in uses:
        if file is None:
            seen.setdefault(f"missing: {use}", {"use": use, "file": None, "version": None, "sha256": None})
            continue
        path = Path(file)
        shown = _font_label(path)
        entry = seen.setdefault(
            shown,
            {
                "use": use,
                "file": shown,
                "version": font_version(path),
                "sha256": sha256_of(path) if path.is_file() else None,
            },
        )
        if use not in entry["use"].split("; "):
            entry["use"] += f"; {use}"
    return [seen[k] for k in sorted(seen)]


def get_environment() -> dict[str, Any]:
    """Everything of the machine that shapes a report's bytes (see the module's docstring)."""
    return {
        "python": platform.python_version(),
        "packages": get_packages(),
        "system_libraries": get_system_libraries(),
        "fonts": get_fonts(),
    }


def diff_environment(recorded: dict[str, Any], here: dict[str, Any]) -> list[str]:
    """One line per difference between a recorded environment and this one (empty when they agree)."""
    lines = []
    if recorded.get("python") != here.get("python"):
        lines.append(f"Python: built with {recorded.get('python')}, here {here.get('python')}")
    for kind, label in (("packages", "package"), ("system_libraries", "system library")):
        a, b = recorded.get(kind) or {}, here.get(kind) or {}
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                lines.append(f"{label} {name}: built with {a.get(name) or 'none'}, here {b.get(name) or 'none'}")
    fa = {f.get("file") or f.get("use"): f for f in recorded.get("fonts") or []}
    fb = {f.get("file") or f.get("use"): f for f in here.get("fonts") or []}
    if "fonts" not in recorded:
        lines.append("fonts: the manifest records none (written by an older parlib)")
    else:
        for name in sorted(set(fa) | set(fb)):
            a, b = fa.get(name), fb.get(name)
            if a is None or b is None:
                lines.append(f"font {name}: {'not used when built' if a is None else 'not found here'}")
            elif (a.get("sha256"), a.get("version")) != (b.get("sha256"), b.get("version")):
                lines.append(
                    f"font {name}: built with {a.get('version')} sha256 {str(a.get('sha256'))[:12]}…, "
                    f"here {b.get('version')} sha256 {str(b.get('sha256'))[:12]}…"
                )
    return lines
