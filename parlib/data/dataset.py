"""Load and validate a dataset folder: dataset.yml, its methodologies, units and score tables.

A dataset is a folder (see docs/data-format.md):

- ``dataset.yml``: id, titles, publisher, levels with their units (stable ids, names, aliases,
  renames and mergers), methodologies (fields, maxima, band rule, rank rule, printed decimals),
  years with their score tables (file, level, methodology, source, provenance, sha256), sources;
- one folder per year with the score tables it lists;
- optionally ``published.yml``: figures as the publisher printed them (see :mod:`parlib.published`).

Nothing here writes a file. Every problem is a :class:`~parlib.errors.DataError` naming the file
and the key (or row and column) at fault.
"""

from __future__ import annotations

import builtins
import hashlib
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

import pandas as pd

from parlib.data.schema import schema_errors
from parlib.data.text import clean_name, name_key, name_keys
from parlib.data.yaml_io import read_yaml
from parlib.errors import DataError, raise_all, shorten, show

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EMBEDDED_ROOT = PROJECT_ROOT / "data" / "raw"
LANGS = ("vi", "en")
PROVENANCES = ("published", "inferred", "illustrative")
COMPONENTS = ("appraisal", "survey")
RANK_RULES = ("min", "printed")
DEFAULT_INDEX = {"vi": "Chỉ số CCHC", "en": "PAR Index"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Field:
    """One field (lĩnh vực) of a methodology: its maximum points and the component scoring it."""

    id: str
    name: dict[str, str]
    max: float
    component: Literal["appraisal", "survey"] = "appraisal"


@dataclass(frozen=True)
class Band:
    """One band (xếp loại) of a band rule. A unit gets the first band, best first, whose
    conditions it all meets: total at least ``min_total`` points or ``min_pct`` % of the maximum,
    every field at least ``min_field_pct`` % of its maximum, survey points at least ``min_survey``."""

    id: str
    name: dict[str, str]
    min_total: float | None = None
    min_pct: float | None = None
    min_field_pct: float | None = None
    min_survey: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Methodology:
    """How one level is scored in one year: fields, maxima, band rule, rank rule, printed decimals.

    ``bands`` may be empty: the methodology has no band rule (no band column, sentence or colour).
    ``rank_ties``: ``min`` (tied totals share the best rank: 1, 2, 2, 4) or ``printed`` (the
    table's printed ranks are the ranks; the publisher may break ties, still checked against the
    totals). ``highlight_threshold`` (points) is the line sentences count units at or above when
    there is no band rule to take it from.
    """

    id: str
    title: dict[str, str]
    max_total: float
    decimals: int
    fields: tuple[Field, ...]
    bands: tuple[Band, ...]
    rank_ties: Literal["min", "printed"] = "min"
    decision: str = ""
    survey_max: float | None = None
    notes: tuple[dict[str, str], ...] = ()
    highlight_threshold: float | None = None

    @property
    def has_bands(self) -> bool:
        return bool(self.bands)

    def threshold(self) -> float | None:
        """The line (points) that sentences count units at or above ("19/19 đạt từ 80 điểm trở lên"):
        ``highlight_threshold`` when given; else, from the band rule, the threshold of the second band
        when there are three bands or more (Tốt at 80 under Xuất sắc at 90; Nhóm B at 80 % under
        Nhóm A), or of the best band when there are two; else None (no such sentence)."""
        if self.highlight_threshold is not None:
            return self.highlight_threshold
        if len(self.bands) < 2:
            return None
        b = self.bands[1] if len(self.bands) >= 3 else self.bands[0]
        x = b.min_total if b.min_total is not None else (b.min_pct or 0) * self.max_total / 100
        return x if x > 0 else None

    def field_ids(self) -> list[str]:
        return [f.id for f in self.fields]

    def band_names(self) -> dict[str, str]:
        """Band id for every name a band may be printed under (its id, Vietnamese and English
        names), keyed by :func:`~parlib.text.name_key`."""
        return {name_key(n): b.id for b in self.bands for n in (b.id, b.name["vi"], b.name["en"], *b.aliases)}

    def band_id_for(self, name: str) -> str | None:
        """The id of the band printed as ``name`` ("Tốt", "Good", "tot"), or None."""
        return self.band_names().get(name_key(name))

    def band(self, band_id: str) -> Band:
        for b in self.bands:
            if b.id == band_id:
                return b
        raise KeyError(band_id)


@dataclass(frozen=True)
class Unit:
    """A scored unit with a stable id; ``aliases`` are the other names publishers print for it."""

    id: str
    level: str
    name: dict[str, str]
    aliases: tuple[str, ...] = ()
    renamed_to: str | None = None
    merged_into: str | None = None
    since: int | None = None


@dataclass(frozen=True)
class Level:
    """A level ranked on its own (departments, districts, ministries, provinces).

    ``size``: how many units the level has in full (63 provinces), when a partial table prints
    fewer; used for "57/63" and to check printed ranks. ``from_table``: the level lists no units in
    dataset.yml; its units are the names printed in its tables (ids by :func:`unit_id_from_name`),
    ``name_aliases`` mapping a name to its other spellings.
    """

    id: str
    name: dict[str, str]
    noun: dict[str, str]
    units: tuple[Unit, ...]
    size: int | None = None
    from_table: bool = False
    name_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def unit_names(self) -> dict[str, str]:
        """Unit id for every name a unit of this level may be printed under (its names and
        aliases), keyed by :func:`~parlib.text.name_key`. A new dict each call; the keys are
        computed once per level (a level of 10,000 units has 30,000 names, and every table of the
        level looks them up)."""
        return dict(self._unit_names)

    @cached_property
    def _unit_names(self) -> dict[str, str]:
        # a plain dict, not a read-only proxy: a Level is pickled to the report processes
        pairs = [(n, u.id) for u in self.units for n in (*u.name.values(), *u.aliases)]
        keys = name_keys(pd.Series([n for n, _ in pairs], dtype=object)).tolist()
        return dict(zip(keys, (i for _, i in pairs), strict=True))


@dataclass(frozen=True)
class Source:
    """Where raw files come from, with the dates and provenance an auditor needs."""

    id: str
    #: title and publisher per language (a single text in dataset.yml stands for both)
    title: dict[str, str]
    url: str
    publisher: dict[str, str]
    date_published: str
    date_accessed: str
    provenance: str
    copy: Path | None = None  # a local copy or excerpt of the source, inside the dataset folder
    copy_rel: str = ""
    copy_sha256: str = ""
    license: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One score table file of one year and level."""

    path: Path
    rel: str
    year: int
    level: str
    methodology: str
    source: str
    provenance: str
    sha256: str
    partial: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    ignore_columns: tuple[str, ...] = ()
    filter: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """Another dataset (embedded id) and one of its units, shown as context in this dataset's
    reports: ``context: {dataset: vn-provinces, unit: bac-kan}``."""

    dataset: str
    unit: str


@dataclass(frozen=True)
class Dataset:
    """A loaded, validated dataset (no scores yet: see :func:`parlib.tables.load_scores`)."""

    id: str
    root: Path
    title: dict[str, str]
    publisher: dict[str, str]
    date_published: str
    levels: tuple[Level, ...]
    methodologies: dict[str, Methodology]
    tables: tuple[TableSpec, ...]
    sources: dict[str, Source]
    assumptions: tuple[dict[str, str], ...]
    published_path: Path | None
    index: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_INDEX))
    context: Context | None = None

    @property
    def years(self) -> list[int]:
        return sorted({t.year for t in self.tables})

    def level(self, level_id: str) -> Level:
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        raise KeyError(level_id)

    def units(self) -> dict[str, Unit]:
        return {u.id: u for lv in self.levels for u in lv.units}

    def methodology_for(self, year: int, level: str) -> Methodology:
        for t in self.tables:
            if t.year == year and t.level == level:
                return self.methodologies[t.methodology]
        raise KeyError((year, level))

    def levels_in(self, year: int) -> list[str]:
        present = {t.level for t in self.tables if t.year == year}
        return [lv.id for lv in self.levels if lv.id in present]

    def is_illustrative(self, year: int | None = None) -> bool:
        return any(t.provenance == "illustrative" for t in self.tables if year is None or t.year == year)

    def previous_year(self, year: int) -> int | None:
        earlier = [y for y in self.years if y < year]
        return max(earlier) if earlier else None


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def resolve_dataset_path(dataset: str | Path) -> Path:
    """The folder of a dataset given as an embedded id (under data/raw/) or as a path."""
    p = Path(dataset)
    if (p / "dataset.yml").is_file():
        return p.resolve()
    embedded = EMBEDDED_ROOT / str(dataset)
    if _ID.match(str(dataset)) and (embedded / "dataset.yml").is_file():
        return embedded
    known = ", ".join(embedded_datasets()) or "none"
    raise DataError(
        f"no dataset {str(dataset)!r}", f"give an embedded id ({known}) or a folder that holds a dataset.yml"
    )


def is_embedded(ds: Dataset) -> bool:
    """Whether ``ds`` is the dataset shipped under data/raw/ with its id (built as ``parlib build
    <id>``), not a copy or another dataset kept elsewhere."""
    return ds.root.resolve() == (EMBEDDED_ROOT / ds.id).resolve()


def embedded_datasets() -> list[str]:
    """Ids of the datasets shipped under data/raw/."""
    if not EMBEDDED_ROOT.is_dir():
        return []
    return sorted(p.name for p in EMBEDDED_ROOT.iterdir() if (p / "dataset.yml").is_file())


_D = TypeVar("_D")


class _Reader:
    """Typed access to a YAML mapping, with errors naming the file and key path."""

    def __init__(self, path: Path, data: Any, where: str = ""):
        self.path, self.where = path, where
        if not isinstance(data, dict):
            raise DataError(
                f"{where or 'the document'} must be a mapping of keys to values",
                "see docs/data-format.md for the layout",
                path,
                column=where or None,
            )
        self.data = data

    def _err(self, key: str, what: str, todo: str) -> DataError:
        return DataError(what, todo, self.path, column=f"{self.where}.{key}".strip("."))

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(
        self,
        key: str,
        default: Any = ...,
    ) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise self._err(key, "required key is missing", f"add '{key}:' (see docs/data-format.md)")
            return default
        return self.data[key]

    @overload
    def str(self, key: builtins.str) -> builtins.str: ...
    @overload
    def str(self, key: builtins.str, default: _D) -> builtins.str | _D: ...

    def str(self, key: builtins.str, default: Any = ...) -> Any:
        v = self.raw(key, default)
        if v is default and default is not ...:
            return v
        if isinstance(v, (dict, list)):
            raise self._err(key, "must be a text", "write a single value")
        return clean_name(v)

    def ident(self, key: builtins.str) -> builtins.str:
        v = self.str(key)
        if not _ID.match(v):
            raise self._err(key, f"{v!r} is not a valid id", "use lower-case letters, digits, '-' and '_'")
        return v

    @overload
    def num(self, key: builtins.str) -> float: ...
    @overload
    def num(self, key: builtins.str, default: _D) -> float | _D: ...

    def num(self, key: builtins.str, default: Any = ...) -> Any:
        v = self.raw(key, default)
        if v is None or (v is default and default is not ...):
            return v
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self._err(key, f"{v!r} is not a number", "write a plain number with a decimal point, e.g. 12.5")
        if not math.isfinite(v):
            raise self._err(
                key,
                f"{v!r} is not a finite number (YAML reads .nan and .inf as numbers; every "
                "comparison with them would pass or fail silently)",
                "write a plain number, e.g. 100",
            )
        if v < 0:
            raise self._err(key, f"{v} is negative", "write a number of points or a percentage ≥ 0")
        return float(v)

    @overload
    def text(self, key: builtins.str) -> dict[builtins.str, builtins.str]: ...
    @overload
    def text(self, key: builtins.str, default: _D) -> dict[builtins.str, builtins.str] | _D: ...

    def text(self, key: builtins.str, default: Any = ...) -> Any:
        v = self.raw(key, default)
        if v is default and default is not ...:
            return v
        if isinstance(v, str):
            return {lang: clean_name(v) for lang in LANGS}
        if not isinstance(v, dict) or not all(lang in v and v[lang] for lang in LANGS):
            raise self._err(key, "needs a text in Vietnamese and in English", f"write '{key}: {{vi: ..., en: ...}}'")
        return {lang: clean_name(v[lang]) for lang in LANGS}

    @overload
    def list(self, key: builtins.str) -> builtins.list[Any]: ...
    @overload
    def list(self, key: builtins.str, default: _D) -> builtins.list[Any] | _D: ...

    def list(self, key: builtins.str, default: Any = ...) -> Any:
        v = self.raw(key, default)
        if v is default and default is not ...:
            return v
        if not isinstance(v, list):
            raise self._err(key, "must be a list", f"write '{key}:' followed by '- ' items")
        return v

    def sub(self, key: builtins.str, data: Any) -> _Reader:
        return _Reader(self.path, data, f"{self.where}.{key}".strip("."))


def _parse_methodology(r: _Reader) -> Methodology:
    mid = r.ident("id")
    max_total = r.num("max_total")
    decimals = r.raw("decimals")
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        raise r._err("decimals", f"{decimals!r} is not a number of decimals", "write an integer from 0 to 6")
    fields = []
    for i, f in enumerate(r.list("fields", [])):
        fr = r.sub(f"fields[{i}]", f)
        component = fr.str("component", "appraisal")
        if component not in COMPONENTS:
            raise fr._err("component", f"{component!r} is not a component", "write 'appraisal' or 'survey'")
        fields.append(Field(fr.ident("id"), fr.text("name"), fr.num("max"), component))  # type: ignore[arg-type]
    ids = [f.id for f in fields]
    if len(set(ids)) != len(ids):
        dup = next(x for x in ids if ids.count(x) > 1)
        raise r._err("fields", f"field id {dup!r} appears twice", "give every field its own id")
    if fields:
        total = sum(f.max for f in fields)
        if abs(total - max_total) > 1e-9:
            raise r._err(
                "fields",
                f"field maxima sum to {total:g}, not to max_total {max_total:g}",
                "correct the field maxima or max_total so that they agree",
            )
    bands = []
    for i, b in enumerate(r.list("bands", [])):
        br = r.sub(f"bands[{i}]", b)
        band = Band(
            br.ident("id"),
            br.text("name"),
            br.num("min_total", None),
            br.num("min_pct", None),
            br.num("min_field_pct", None),
            br.num("min_survey", None),
            tuple(clean_name(a) for a in br.list("aliases", [])),
        )
        if band.min_total is not None and band.min_pct is not None:
            raise br._err("min_total", "give min_total or min_pct, not both", "keep one threshold per band")
        bands.append(band)
    if r.has("bands") and not bands:
        raise r._err(
            "bands",
            "a band rule needs at least one band",
            "list the bands best first, or leave 'bands:' out for a methodology without bands",
        )
    thresholds = [(b.min_total if b.min_total is not None else (b.min_pct or 0) * max_total / 100) for b in bands]
    for i in range(1, len(bands)):
        if thresholds[i] > thresholds[i - 1] or (
            thresholds[i] == thresholds[i - 1] and _extra(bands[i - 1]) <= _extra(bands[i])
        ):
            raise r._err(
                f"bands[{i}]",
                f"band {bands[i].id!r} has a threshold at or above the band before it "
                f"({thresholds[i]:g} ≥ {thresholds[i - 1]:g}): bands overlap or are out of order",
                "list bands best first, each with a lower threshold than the one before",
            )
    if bands and thresholds[-1] > 0:
        raise r._err(
            f"bands[{len(bands) - 1}]",
            "the last band must take every score (threshold 0)",
            "give the lowest band min_total: 0",
        )
    band_ids = [b.id for b in bands]
    if len(set(band_ids)) != len(band_ids):
        raise r._err("bands", "two bands share an id", "give every band its own id")
    ties = r.str("rank_ties", "min")
    if ties not in RANK_RULES:
        raise r._err(
            "rank_ties",
            f"{ties!r} is not a rank rule parlib knows",
            "write 'min' (tied totals share the best rank: 1, 2, 2, 4) or 'printed' (the printed ranks "
            "are the ranks, ties broken by the publisher)",
        )
    highlight = r.num("highlight_threshold", None)
    if highlight is not None and highlight > max_total:
        raise r._err(
            "highlight_threshold",
            f"{highlight:g} is above max_total {max_total:g}",
            "give a number of points between 0 and max_total",
        )
    notes = tuple(r.sub(f"notes[{i}]", {"text": n}).text("text") for i, n in enumerate(r.list("notes", [])))
    return Methodology(
        mid,
        r.text("title"),
        max_total,
        decimals,
        tuple(fields),
        tuple(bands),
        ties,  # type: ignore[arg-type]
        r.str("decision", ""),
        r.num("survey_max", None),
        notes,
        highlight,
    )


def _table_path(tr: _Reader, root: Path, rel: str) -> Path:
    """A table file's real path: symbolic links are followed, and must end inside the dataset folder at
    a regular file (a link loop, a link out of the folder, a folder or a device is refused)."""
    if root not in Path(os.path.abspath(root / rel)).parents:
        raise tr._err("file", f"{rel!r} is outside the dataset folder", "keep table files inside it")
    try:
        fpath = (root / rel).resolve(strict=True)
    except FileNotFoundError:
        raise tr._err(
            "file", f"table file {rel!r} not found", "check the path, relative to the dataset folder"
        ) from None
    except (RuntimeError, OSError) as exc:  # RuntimeError: "Symlink loop" (Python 3.11); OSError: ELOOP
        raise tr._err(
            "file",
            f"{rel!r} cannot be resolved: a symbolic link that points to itself or loops ({type(exc).__name__})",
            "replace the link with the table file itself",
        ) from None
    if root not in fpath.parents:
        raise tr._err(
            "file",
            f"{rel!r} is a symbolic link to {str(fpath)!r}, outside the dataset folder",
            "keep table files inside it (copy the file in rather than linking to it)",
        )
    if not fpath.is_file():
        raise tr._err("file", f"{rel!r} is not a regular file", "give the path of the table file")
    return fpath


def _extra(band: Band) -> int:
    """How many conditions besides the total a band has (a band may share a threshold with the
    next one only if it asks for more)."""
    return sum(x is not None for x in (band.min_field_pct, band.min_survey))


# Set to 1 only by `parlib verify` for its rebuild in a temporary folder, so that a raw file changed
# without its new sha256 recorded is rebuilt and compared (and reported as a changed input) rather
# than refused inside the report notebook. Builds never set it.
SKIP_CHECKSUMS_ENV = "PARLIB_SKIP_CHECKSUMS"


def _checksums_wanted(verify_checksums: bool | None) -> bool:
    if verify_checksums is not None:
        return verify_checksums
    return os.environ.get(SKIP_CHECKSUMS_ENV) != "1"


def _checked_file(r: _Reader, root: Path, key: str, sha_key: str, verify: bool, what: str) -> tuple[Path, str, str]:
    """A file a dataset.yml entry names besides a score table (a source's local copy): inside the
    dataset folder, present, and its recorded sha256 (either case) checked against the file's bytes
    when ``verify``, as a table's is."""
    rel = r.str(key)
    fpath = (root / rel).resolve()
    if root not in fpath.parents:
        raise r._err(key, f"{rel!r} is outside the dataset folder", f"keep {what}s inside it")
    if not fpath.is_file():
        raise r._err(key, f"{what} {rel!r} not found", "check the path, relative to the dataset folder")
    digest = r.str(sha_key, "").lower()
    if verify:
        actual = sha256_of(fpath)
        if not digest:
            raise r._err(
                sha_key,
                f"no checksum recorded for {rel}",
                f"add '{sha_key}: {actual}' after checking the file is the one you mean",
            )
        if actual != digest:
            raise DataError(
                f"{what} has changed: its sha256 is {actual}, dataset.yml records {shorten(digest, 13)}",
                f"raw files are read-only: restore it, or record the new {sha_key} deliberately",
                fpath,
            )
    return fpath, rel, digest


def read_dataset(dataset: str | Path, *, verify_checksums: bool | None = None) -> Dataset:
    """Read and validate a dataset's dataset.yml (not its published.yml: see :func:`parlib.data.load.load_dataset`);
    check every table file and source copy exists and, unless told not to (or the environment
    variable :data:`SKIP_CHECKSUMS_ENV` is 1, as in `parlib verify`'s rebuild), that its sha256
    matches the one recorded."""
    verify_checksums = _checksums_wanted(verify_checksums)
    root = resolve_dataset_path(dataset)
    path = root / "dataset.yml"
    doc = read_yaml(path)
    raise_all(schema_errors("dataset", doc, path))  # every schema error at once, with its path
    r = _Reader(path, doc)
    did = r.ident("id")
    title, publisher = r.text("title"), r.text("publisher")
    date_published = str(r.raw("date_published"))
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", date_published):
        raise r._err("date_published", f"{date_published!r} is not a date", "write it as YYYY-MM-DD")

    levels, seen_units = [], set()
    alias_owner: dict[tuple[str, str], str] = {}  # (level, name key) → the unit that has the name
    for i, lv in enumerate(r.list("levels")):
        lr = r.sub(f"levels[{i}]", lv)
        lid = lr.ident("id")
        size = lr.raw("size", None)
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
            raise lr._err(
                "size", f"{size!r} is not a number of units", "write the level's full number of units, e.g. 63"
            )
        if not lr.has("units"):
            levels.append(Level(lid, lr.text("name"), lr.text("noun"), (), size, True, _name_aliases(lr)))
            continue
        if lr.has("aliases"):
            raise lr._err(
                "aliases",
                "a level that lists its units gives aliases under each unit",
                "move each spelling to 'aliases:' of its unit",
            )
        units = []
        level_names: dict[str, str] = {}  # name key → unit id, as Level._unit_names makes it
        for j, u in enumerate(lr.list("units")):
            ur = lr.sub(f"units[{j}]", u)
            uid = ur.ident("id")
            if uid in seen_units:
                raise ur._err("id", f"unit id {uid!r} appears twice", "give every unit its own id")
            seen_units.add(uid)
            aliases = tuple(clean_name(a) for a in ur.list("aliases", []))
            unit = Unit(
                uid,
                lid,
                ur.text("name"),
                aliases,
                ur.str("renamed_to", None),
                ur.str("merged_into", None),
                ur.raw("since", None),
            )
            for name in (*unit.name.values(), *aliases):
                key = name_key(name)
                level_names[key] = uid
                owner = alias_owner.setdefault((lid, key), uid)
                if owner != uid:
                    raise ur._err(
                        "aliases",
                        f"the name {name!r} is given to both {owner!r} and {uid!r}",
                        "each name must point to one unit",
                    )
            units.append(unit)
        if size is not None and size < len(units):
            raise lr._err("size", f"size {size} is below the {len(units)} units listed", "give the level's full size")
        lv_listed = Level(lid, lr.text("name"), lr.text("noun"), tuple(units), size)
        # Every name's key was just made to find a name given to two units: the level's name lookup
        # is that map, not made again from 30,000 names (10,000 units) by the first table read.
        lv_listed.__dict__["_unit_names"] = level_names
        levels.append(lv_listed)
    for lv in levels:
        for u in lv.units:
            for target in (u.renamed_to, u.merged_into):
                if target and target not in seen_units:
                    raise DataError(
                        f"unit {u.id!r} points to unknown unit {target!r}",
                        "renamed_to and merged_into must name a unit id of the dataset",
                        path,
                    )

    methodologies = {}
    for i, m in enumerate(r.list("methodologies")):
        meth = _parse_methodology(r.sub(f"methodologies[{i}]", m))
        if meth.id in methodologies:
            raise DataError(f"methodology id {meth.id!r} appears twice", "give each its own id", path)
        methodologies[meth.id] = meth

    sources = {}
    for i, s in enumerate(r.list("sources")):
        sr = r.sub(f"sources[{i}]", s)
        prov = sr.str("provenance")
        if prov not in PROVENANCES:
            raise sr._err("provenance", f"{prov!r} is not a provenance", f"write one of {', '.join(PROVENANCES)}")
        copy, copy_rel, copy_sha = None, "", ""
        if sr.has("copy"):
            copy, copy_rel, copy_sha = _checked_file(sr, root, "copy", "copy_sha256", verify_checksums, "source copy")
        src = Source(
            sr.ident("id"),
            sr.text("title"),
            sr.str("url"),
            sr.text("publisher"),
            str(sr.raw("date_published")),
            str(sr.raw("date_accessed")),
            prov,
            copy,
            copy_rel,
            copy_sha,
            str(sr.raw("license", "")),
        )
        sources[src.id] = src
        if sr.has("file"):  # a copied file the source's figures come from (not a score table): read-only too
            _check_source_file(root, sr, verify_checksums)

    level_ids = {lv.id for lv in levels}
    tables, listed = [], set()
    used_by: dict[Path, list[tuple[str, dict[str, str]]]] = {}
    for i, y in enumerate(r.list("years")):
        yr = r.sub(f"years[{i}]", y)
        year = yr.raw("year")
        if not isinstance(year, int) or not 1990 <= year <= 2100:
            raise yr._err("year", f"{year!r} is not a year", "write a four-digit year")
        for j, t in enumerate(yr.list("tables")):
            tr = yr.sub(f"tables[{j}]", t)
            rel = tr.str("file")
            level = tr.str("level")
            if level not in level_ids:
                raise tr._err("level", f"unknown level {level!r}", f"use one of {', '.join(sorted(level_ids))}")
            mid = tr.str("methodology")
            if mid not in methodologies:
                raise tr._err(
                    "methodology",
                    f"no methodology {mid!r} for {year} {level}",
                    "add it under 'methodologies:' or name one that is there",
                )
            sid = tr.str("source")
            if sid not in sources:
                raise tr._err("source", f"unknown source {sid!r}", "add it under 'sources:'")
            prov = tr.str("provenance", sources[sid].provenance)
            if prov not in PROVENANCES:
                raise tr._err("provenance", f"{prov!r} is not a provenance", f"write one of {', '.join(PROVENANCES)}")
            fpath = _table_path(tr, root, rel)
            digest = tr.str("sha256", "")
            if digest and not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
                raise tr._err(
                    "sha256",
                    f"{show(digest)} is not a sha256 (64 hexadecimal digits)",
                    f"write the digest `sha256sum {rel}` prints",
                )
            digest = digest.lower()  # Windows' certutil prints it in upper case: the same digest
            if verify_checksums:
                actual = sha256_of(fpath)
                if not digest:
                    raise tr._err(
                        "sha256",
                        f"no checksum recorded for {rel}",
                        f"add 'sha256: {actual}' after checking the file is the one you mean",
                    )
                if actual != digest:
                    raise DataError(
                        f"raw file has changed: its sha256 is {actual}, dataset.yml records {shorten(digest, 13)}",
                        "raw files are read-only: restore it, or record the new sha256 deliberately",
                        fpath,
                    )
            columns = tr.raw("columns", {})
            if not isinstance(columns, dict):
                raise tr._err(
                    "columns", "must map parlib's column names to the table's headers", "see docs/data-format.md"
                )
            partial = tr.raw("partial", False)
            row_filter = tr.raw("filter", {})
            if not isinstance(row_filter, dict):
                raise tr._err("filter", "must map a column to the value rows must have", "e.g. 'filter: {year: 2022}'")
            tables.append(
                TableSpec(
                    fpath,
                    rel,
                    year,
                    level,
                    mid,
                    sid,
                    prov,
                    digest,
                    bool(partial),
                    {str(k): clean_name(v) for k, v in columns.items()},
                    tuple(clean_name(c) for c in tr.list("ignore_columns", [])),
                    {clean_name(k): clean_name(v) for k, v in row_filter.items()},
                )
            )
            if (year, level) in listed:
                raise tr._err("level", f"two tables for {year} {level}", "give one table per year and level")
            listed.add((year, level))
            # One file may hold several tables only when each takes its own rows through a filter.
            spec_filter = tables[-1].filter
            for other, other_filter in used_by.get(fpath, []):
                if not spec_filter or not other_filter or spec_filter == other_filter:
                    raise tr._err(
                        "file",
                        f"{rel!r} is already the table of {other}: one file cannot be the table of two years or levels",
                        "give each its own file, or each its own 'filter:' (e.g. filter: {year: \"2022\"})",
                    )
            used_by.setdefault(fpath, []).append((f"{year} {level}", spec_filter))
    if not tables:
        raise r._err("years", "the dataset lists no score table", "add a year with at least one table")

    for child in sorted(root.iterdir()):
        if child.is_dir() and re.fullmatch(r"\d{4}", child.name) and int(child.name) not in {t.year for t in tables}:
            raise DataError(
                f"year folder {child.name}/ has no entry under 'years:' and so no methodology",
                f"add year {child.name} with its tables and methodology to dataset.yml, or remove the folder",
                path,
            )

    assumptions = tuple(
        r.sub(f"assumptions[{i}]", {"text": a}).text("text") for i, a in enumerate(r.list("assumptions", []))
    )
    index = r.text("index", dict(DEFAULT_INDEX))
    context = None
    if r.has("context"):
        cr = r.sub("context", r.raw("context"))
        context = Context(cr.ident("dataset"), cr.ident("unit"))
        if context.dataset == did:
            raise cr._err("dataset", "a dataset cannot be its own context", "name another embedded dataset")
    published = root / "published.yml"
    ds = Dataset(
        did,
        root,
        title,
        publisher,
        date_published,
        tuple(levels),
        methodologies,
        tuple(tables),
        sources,
        assumptions,
        published if published.is_file() else None,
        index,
        context,
    )
    return ds


def _check_source_file(root: Path, sr: _Reader, verify: bool) -> None:
    rel = sr.str("file")
    fpath = (root / rel).resolve()
    if root not in fpath.parents or not fpath.is_file():
        raise sr._err("file", f"source file {rel!r} not found in the dataset folder", "check the path, relative to it")
    digest = sr.str("sha256", "")
    if verify and sha256_of(fpath) != digest:
        raise DataError(
            f"source file {rel} has changed or has no checksum: its sha256 is {sha256_of(fpath)}",
            f"raw files are read-only: restore it, or record 'sha256: {sha256_of(fpath)}' deliberately",
            fpath,
        )


def _name_aliases(lr: _Reader) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``aliases`` of a level without units: a map from a name to its other spellings."""
    raw = lr.raw("aliases", {})
    if not isinstance(raw, dict):
        raise lr._err(
            "aliases",
            "must map a unit's name to its other spellings",
            "write 'aliases: {Thừa Thiên Huế: [TT Huế, Thừa Thiên - Huế]}'",
        )
    out = []
    for name, spellings in raw.items():
        if isinstance(spellings, str):
            spellings = [spellings]
        if not isinstance(spellings, list) or not spellings:
            raise lr._err(f"aliases.{name}", "must list the other spellings of this name", "write '[spelling, ...]'")
        out.append((clean_name(name), tuple(clean_name(a) for a in spellings)))
    return tuple(out)


_DIACRITIC_FREE = str.maketrans({"đ": "d", "Đ": "d"})


def unit_id_from_name(name: str) -> str:
    """The id of a unit known only by its printed name (a level without ``units:``): the name in
    NFC, lower case, đ → d, diacritics removed, every other character that is not a–z or 0–9 → "-",
    runs of "-" made one and trimmed. "Bắc Kạn" → "bac-kan"; "Bà Rịa - Vũng Tàu" → "ba-ria-vung-tau";
    "Thành phố Hồ Chí Minh" → "thanh-pho-ho-chi-minh"."""
    text = unicodedata.normalize("NFC", clean_name(name)).lower().translate(_DIACRITIC_FREE)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", text)).strip("-")


def units_from_names(level: Level, names: Sequence[tuple[str, str | Path]], path: Path) -> Level:
    """A level without ``units:`` completed from the names printed in its tables (``names``: each
    printed name with the file it was read from, in file order). Aliases fold spellings into one
    unit; two different names that make the same id are an error naming both."""
    alias_of = {}
    for name, spellings in level.name_aliases:
        for sp in spellings:
            alias_of[name_key(sp)] = name
    by_id: dict[str, Unit] = {}
    first_name: dict[str, str] = {}
    seen_keys: set[str] = set()
    for printed, source in names:
        name = alias_of.get(name_key(printed), clean_name(printed))
        if not name or name_key(name) in seen_keys:
            continue
        seen_keys.add(name_key(name))
        uid = unit_id_from_name(name)
        if not uid:
            raise DataError(
                f"the name {printed!r} gives no id (no letter or digit)",
                "list the level's units under 'units:' with their ids",
                source,
            )
        if uid in by_id:
            raise DataError(
                f"the names {first_name[uid]!r} and {name!r} of level {level.id!r} both make the id {uid!r}",
                f"'aliases: {{{first_name[uid]}: [{name}]}}' under the level makes them one unit; "
                "if they are two, list them under 'units:' with their ids",
                source,
            )
        first_name[uid] = name
        by_id[uid] = Unit(
            uid,
            level.id,
            {"vi": name, "en": name},
            tuple(sp for n, sps in level.name_aliases if name_key(n) == name_key(name) for sp in sps),
        )
    known = {name_key(n) for n, _ in level.name_aliases}
    unused = sorted(n for n, _ in level.name_aliases if name_key(n) not in seen_keys)
    del known
    if unused:
        raise DataError(
            f"aliases of level {level.id!r} are given for {unused[0]!r}, a name no table prints",
            "use the name as the tables print it",
            path,
            column=f"levels.{level.id}.aliases",
        )
    return replace(level, units=tuple(by_id.values()))
