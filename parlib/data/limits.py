"""The limits parlib enforces on its inputs, before the expensive work (docs/data-format.md, "Limits").

A real PAR Index table holds tens to a few thousand rows of a few dozen short cells; a dataset.yml
lists tens to thousands of units. These limits are far above that and keep a malformed or hostile
file (a YAML alias bomb, a CSV padded with 100,000 columns, an XLSX of millions of styled empty
cells) from taking more than a few seconds and a few hundred megabytes before it is refused with
one clear line. Each limit is checked before the work it protects.
"""

from __future__ import annotations

import os

MB = 1 << 20


def _limit(name: str, default: int) -> int:
    """A limit, raised (or lowered) for a genuinely large dataset by the environment variable
    PARLIB_<NAME> (e.g. PARLIB_MAX_ROWS=5000000); the defaults bound a hostile file to seconds."""
    value = os.environ.get(f"PARLIB_{name}", "")
    return int(value) if value.isdigit() else default


# dataset.yml and published.yml
MAX_YAML_BYTES = _limit("MAX_YAML_BYTES", 5 * MB)  # file size
MAX_YAML_ITEMS = _limit("MAX_YAML_ITEMS", 400_000)  # values and keys (estimated from the separators before parsing)
MAX_YAML_DEPTH = _limit("MAX_YAML_DEPTH", 100)  # nesting of mappings and lists (libyaml itself stops at 1000)

# score tables (CSV and XLSX)
MAX_TABLE_BYTES = _limit("MAX_TABLE_BYTES", 20 * MB)  # file size of a table (an XLSX: compressed)
MAX_ROWS = _limit("MAX_ROWS", 200_000)  # rows, blank ones included
MAX_COLUMNS = _limit("MAX_COLUMNS", 500)  # columns
MAX_CELLS = _limit("MAX_CELLS", 1_000_000)  # rows × columns of a table
MAX_CELL_CHARS = _limit("MAX_CELL_CHARS", 10_000)  # characters in one cell (a 2,000-character unit name is fine)
MAX_XLSX_SHEET_BYTES = _limit(
    "MAX_XLSX_SHEET_BYTES", 100 * MB
)  # the first sheet's XML once uncompressed (an XLSX is a zip)
MAX_XLSX_CELLS = _limit("MAX_XLSX_CELLS", 1_000_000)  # cells and rows in the sheet's XML, formatted empty ones included
MAX_XLSX_VALUES = _limit("MAX_XLSX_VALUES", 500_000)  # cells that hold a value

__all__ = [n for n in dir() if n.startswith("MAX_")]
