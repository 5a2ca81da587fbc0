"""The JSON Schemas of dataset.yml and published.yml, and every schema error of a file at once.

The schemas (``dataset.schema.json``, ``published.schema.json`` beside this file, copied to
docs/schema/) are the one model of the two files' shape: editors read them to complete and check a
dataset.yml as it is typed (``# yaml-language-server: $schema=...``), and :func:`schema_errors`
validates a loaded file with them through ``jsonschema``. What a schema cannot say (a band order, a
unit id that must exist, a file's checksum) is checked afterwards by :mod:`parlib.data.dataset`.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parlib.errors import DataError

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

SCHEMA_DIR = Path(__file__).resolve().parent
SCHEMAS = ("dataset", "published")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of ``dataset`` (dataset.yml) or ``published`` (published.yml)."""
    with open(SCHEMA_DIR / f"{name}.schema.json", encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def _validator(name: str) -> Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def yaml_path(parts: Iterable[str | int]) -> str:
    """A path into a YAML document as written in messages: ``levels[0].units[3].id``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


_TYPE_WORDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
}


def _what(error: ValidationError, figure_prefix: str) -> tuple[str, str, str]:
    """(path, what is wrong, what to do) for one jsonschema error."""
    path = list(error.absolute_path)
    v, schema = error.instance, error.schema
    if error.validator == "required":
        key = re.match(r"'([^']+)'", error.message).group(1)  # type: ignore[union-attr]
        return yaml_path([*path, key]), "required key is missing", f"add '{key}:' (see docs/data-format.md)"
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in v if k not in allowed) if isinstance(v, dict) else []
        key = extra[0] if extra else "?"
        close = difflib.get_close_matches(str(key), allowed, n=1)
        todo = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(allowed)}"
        return yaml_path([*path, key]), f"unknown key {key!r}", todo
    key = path[-1] if path and isinstance(path[-1], str) else ""
    label = f"{key} " if key and figure_prefix else ""
    if error.validator == "enum":
        what = (
            f"unknown {key or 'value'} {v!r}"
            if figure_prefix
            else f"{v!r} is not a {schema.get('x-name', key or 'value')} parlib knows"
        )
        return yaml_path(path), what, f"use one of: {', '.join(map(str, schema['enum']))}"
    if isinstance(v, dict) and "vi" in v and any(k not in ("vi", "en") and v[k] is None for k in v):
        # {vi: sở, ngành, en: departments}: YAML split the text at its comma and read "ngành" as a key
        cut = next(k for k in v if k not in ("vi", "en") and v[k] is None)
        lang = (
            "vi"
            if list(v).index(cut) > list(v).index("vi") and ("en" not in v or list(v).index(cut) < list(v).index("en"))
            else "en"
        )
        return (
            yaml_path(path),
            f"YAML cut the text at a comma: it read {cut!r} as a key, not as part of the {lang} text",
            f'put the text in quotes: {lang}: "{v.get(lang)}, {cut}"',
        )
    if key == "printed" and isinstance(v, (int, float, datetime.date)):
        # the same words as parlib.data.published's check, which the schema reaches first
        kind = {bool: "true/false value", int: "whole number", float: "number"}.get(type(v), "date")
        return (
            yaml_path(path),
            f"printed value {v!r} is not in quotes, so YAML read it as a {kind}, losing what "
            "was printed (82.560 becomes 82.56, 05 becomes 5)",
            'quote it exactly as printed: printed: "82,560"',
        )
    if isinstance(v, (datetime.date, datetime.datetime)):
        return yaml_path(path), f"{v} is read by YAML as a date, not a text", f'put it in quotes: "{v}"'
    what = schema.get("x-what") or _TYPE_WORDS.get(str(schema.get("type")), "valid")
    if error.validator in ("minimum", "maximum", "minLength", "minItems", "pattern", "oneOf", "type"):
        if error.validator == "minItems":
            return yaml_path(path), "the list is empty", "give at least one item"
        if error.validator in ("minimum", "maximum") and what in ("a number ≥ 0",):
            return yaml_path(path), f"{v} is negative", "write a number of points or a percentage ≥ 0"
        return yaml_path(path), f"{label}{v!r} is not {what}", "see docs/data-format.md"
    return yaml_path(path), error.message.splitlines()[0], "see docs/data-format.md"


_PLAIN_UNIT_KEYS = frozenset({"id", "name"})
_NAME_KEYS = frozenset({"vi", "en"})


@cache
def _plain_unit_id() -> re.Pattern[str] | None:
    """The id pattern of a level's unit when the schema's ``units`` list says nothing but the shape of
    its items (so that items the schema surely accepts can be left out of its run), else None."""
    units = load_schema("dataset")["properties"]["levels"]["items"]["properties"]["units"]
    if set(units) - {"type", "items", "x-what", "description"}:
        return None
    pattern = units["items"]["properties"]["id"].get("pattern")
    return re.compile(pattern) if isinstance(pattern, str) else None


def is_plain_unit(unit: Any, id_pattern: re.Pattern[str]) -> bool:
    """True when ``unit`` is ``{id, name}`` and nothing else, its id a text matching ``id_pattern``
    (searched as jsonschema does), its name a non-empty text or ``{vi, en}`` of two non-empty texts:
    a unit the dataset schema surely accepts. Anything else (aliases, renames, a wrong type) is left
    to jsonschema."""
    if type(unit) is not dict or unit.keys() != _PLAIN_UNIT_KEYS:
        return False
    uid, name = unit["id"], unit["name"]
    if type(uid) is not str or id_pattern.search(uid) is None:
        return False
    if type(name) is str:
        return len(name) >= 1
    return (
        type(name) is dict and name.keys() == _NAME_KEYS and all(type(v) is str and len(v) >= 1 for v in name.values())
    )


def _without_plain_units(document: Any) -> tuple[Any, dict[int, list[int]]]:
    """``document`` with the plain units of every level left out (see :func:`is_plain_unit`), and for
    each level whose list was shortened, the original index of every unit kept. Validating a level
    of 10,000 units item by item cost jsonschema most of a second per thousand."""
    pattern = _plain_unit_id()
    levels = document.get("levels") if isinstance(document, dict) else None
    if pattern is None or not isinstance(levels, list):
        return document, {}
    kept_at: dict[int, list[int]] = {}
    new_levels = []
    for li, level in enumerate(levels):
        units = level.get("units") if isinstance(level, dict) else None
        if isinstance(units, list):
            keep = [k for k, u in enumerate(units) if not is_plain_unit(u, pattern)]
            if len(keep) < len(units):
                kept_at[li] = keep
                level = {**level, "units": [units[k] for k in keep]}
        new_levels.append(level)
    return ({**document, "levels": new_levels} if kept_at else document), kept_at


def _restore_unit_index(error: ValidationError, kept_at: dict[int, list[int]]) -> None:
    path = error.relative_path
    if len(path) >= 4 and path[0] == "levels" and path[2] == "units" and path[1] in kept_at:
        path[3] = kept_at[path[1]][path[3]]


def schema_errors(name: str, document: Any, file: Path) -> list[DataError]:
    """Every place where ``document`` (a loaded dataset.yml or published.yml) breaks its schema, one
    :class:`~parlib.errors.DataError` each, located by its path (``levels[0].units[3].id``)."""
    errors = []
    kept_at: dict[int, list[int]] = {}
    if name == "dataset":
        document, kept_at = _without_plain_units(document)
    raw = list(_validator(name).iter_errors(document))
    for error in raw:
        _restore_unit_index(error, kept_at)
    # A misspelt key ("nmae") is one mistake: its "unknown key" line says "did you mean 'name'?", so
    # the missing 'name' it stands for is not reported again.
    misspelt: set[tuple[tuple[str | int, ...], str]] = set()
    for error in raw:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list(error.schema.get("properties", {}))
            for k in error.instance:
                if k not in allowed:
                    misspelt.update(
                        (tuple(error.absolute_path), m) for m in difflib.get_close_matches(str(k), allowed, n=1)
                    )
    for error in raw:
        if error.validator == "required":
            key = re.match(r"'([^']+)'", error.message)
            if key and (tuple(error.absolute_path), key.group(1)) in misspelt:
                continue
        path, what, todo = _what(error, "figure" if name == "published" else "")
        if name == "published":
            fig = _figure_id(document, list(error.absolute_path))
            if fig:
                what = f"figure {fig!r}: {what}"
        if not path:
            what = "the document must be a mapping of keys to values" if error.validator == "type" else what
        errors.append(DataError(what, todo, file, column=path or None))
    return errors


def _figure_id(document: Any, path: list[str | int]) -> str | None:
    if len(path) >= 2 and path[0] == "figures" and isinstance(path[1], int):
        try:
            fid = document["figures"][path[1]].get("id")
        except (AttributeError, IndexError, KeyError, TypeError):
            return None
        return str(fid) if fid is not None else None
    return None
