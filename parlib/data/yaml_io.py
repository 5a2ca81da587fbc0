"""dataset.yml and published.yml read strictly: a mistake is an error with its line, never a guess.

- the file is UTF-8 (a byte-order mark is accepted); another encoding is reported with its line;
- at most :data:`~parlib.data.limits.MAX_YAML_BYTES` bytes and about
  :data:`~parlib.data.limits.MAX_YAML_ITEMS` values, counted before parsing;
- anchors and aliases (``&x`` / ``*x``) are refused: a few hundred bytes of nested aliases
  expand into gigabytes;
- nesting deeper than :data:`~parlib.data.limits.MAX_YAML_DEPTH` is refused;
- a key given twice in one mapping is an error (YAML would keep the last one silently).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import yaml

from parlib.data.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_ITEMS
from parlib.errors import DataError, show

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML was built with it


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader, with the two calls its composer makes for every node made cheaper.

    A 10,000-unit dataset.yml holds 90,000 nodes; for each, the composer calls ``resolve`` (a plain
    scalar's tag from its first character) and ``descend_resolver``/``ascend_resolver`` (for path
    resolvers, which a safe loader has none of). PyYAML's versions build a list per scalar and look
    the path resolvers up on the class twice per node: about a fifth of composing such a file."""

    # Pinned here: a path resolver added to PyYAML's own classes by other code does not reach parlib.
    yaml_path_resolvers: dict[Any, Any] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        if implicit[0]:
            # PyYAML looks up "" for an empty scalar and its first character otherwise: value[:1]
            # is both. The safe loader has no resolver for any first character (key None).
            for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                if regexp.match(value):
                    return tag
            if None in self.yaml_implicit_resolvers:
                return super().resolve(kind, value, implicit)
        return self.DEFAULT_SCALAR_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class _YamlRefused(Exception):
    def __init__(self, what: str, todo: str, mark: Any):
        super().__init__(what)
        self.what, self.todo = what, todo
        self.line = mark.line + 1 if mark is not None else None


def _refuse_duplicate_keys(node: yaml.MappingNode) -> None:
    scalar_keys = [(k.tag, k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    if len(set(scalar_keys)) == len(scalar_keys):
        return
    keys: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = (key_node.tag, key_node.value)
            if key in keys:
                raise _YamlRefused(
                    f"the key {show(key_node.value)} is given twice in one mapping (first at "
                    f"line {keys[key]}); YAML would silently keep the last",
                    "keep one of them",
                    key_node.start_mark,
                )
            keys[key] = key_node.start_mark.line + 1


def _too_deep(node: yaml.Node) -> _YamlRefused:
    return _YamlRefused(
        f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep",
        "flatten the structure as docs/data-format.md shows",
        node.start_mark,
    )


def _check_nodes(root: yaml.Node, *, aliases_possible: bool = True) -> None:
    """Refuse, in document order, nesting deeper than MAX_YAML_DEPTH, a node met twice (an alias:
    ``*name`` is the anchored node itself again) and a key given twice in one mapping. Walked
    without recursion: a hostile file must not exhaust the stack. Made on the node tree before
    anything is constructed, so the constructor stays PyYAML's own (overriding it per node cost a
    10,000-unit dataset.yml about 0.1 s of its 1 s).

    With ``aliases_possible=False`` (the text has no "&", so no anchor, so no alias: an alias
    without its anchor is already a syntax error) a scalar can only be refused for its depth, so
    only the mappings and lists are walked: a 10,000-unit dataset.yml holds 90,000 nodes, 70,000 of
    them scalars. The first node too deep is then the first child of the first list or mapping at
    the limit, the same node the full walk meets first."""
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    seen: set[yaml.Node] = set()
    while stack:
        n, d = stack.pop()
        if d > MAX_YAML_DEPTH:
            raise _too_deep(n)
        if aliases_possible:
            if n in seen:  # nodes hash by identity
                raise _YamlRefused(
                    "YAML anchors and aliases (&name, *name) are not accepted: a few of them can expand into gigabytes",
                    "write the value out in full where the alias is",
                    n.start_mark,
                )
            seen.add(n)
        if isinstance(n, yaml.SequenceNode):
            children = list(n.value)
        elif isinstance(n, yaml.MappingNode):
            _refuse_duplicate_keys(n)
            children = [c for pair in n.value for c in pair]
        else:
            continue
        if aliases_possible:
            stack.extend((c, d + 1) for c in reversed(children))
        elif children:
            if d + 1 > MAX_YAML_DEPTH:
                raise _too_deep(children[0])
            stack.extend((c, d + 1) for c in reversed(children) if not isinstance(c, yaml.ScalarNode))


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")  # "<<" and "=": PyYAML rewrites them


def _construct(node: yaml.Node, loader: Any) -> Any:
    """What PyYAML's safe constructor makes of a checked node tree (no alias, bounded depth), the
    strings, lists and plain-keyed mappings that are most of a dataset.yml built here directly:
    PyYAML's per-node machinery took 0.7 s of a 10,000-unit dataset.yml's 1.6 s. Every other node
    (numbers, dates, booleans, null, merge keys, other tags, keys that are not scalars) is PyYAML's
    own, so the values and the errors are PyYAML's."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else _pyyaml_value(node, loader)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct(child, loader) for child in node.value]
    if (
        isinstance(node, yaml.MappingNode)
        and node.tag == _MAP
        and all(isinstance(k, yaml.ScalarNode) and k.tag not in _SPECIAL_KEYS for k, _ in node.value)
    ):
        return {_construct(k, loader): _construct(v, loader) for k, v in node.value}
    return _pyyaml_value(node, loader)


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _pyyaml_value(node: yaml.Node, loader: Any) -> Any:
    """PyYAML's own value of a node. A value its constructor cannot make is refused at its line:
    an unquoted date with no such day (``2024-02-30``) raised a bare ValueError, a traceback, and so
    did garbage under an explicit tag."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, LookupError, TypeError, AttributeError) as exc:
        # e.g. ``!!bool maybe`` (KeyError), ``!!int ""`` (IndexError), ``!!timestamp foo`` (AttributeError)
        if isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
            why = f" ({exc})" if isinstance(exc, ValueError) else ""  # not PyYAML's regex's None
            raise _YamlRefused(
                f"{show(node.value)} is written as a date but is not one{why}",
                "write a real date as YYYY-MM-DD, or put the value in quotes to keep it as text",
                node.start_mark,
            ) from None
        raise _YamlRefused(
            f"a value YAML cannot make ({exc})", "correct it, or put it in quotes to keep it as text", node.start_mark
        ) from None


def read_yaml(path: Path) -> Any:
    """Read a YAML file strictly (see the module's docstring), every problem as one located line."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise DataError(
                f"the file is {size:,} bytes; parlib reads YAML files of at most {MAX_YAML_BYTES:,}",
                "is this the right file? a dataset.yml of thousands of units is well under 1 MB",
                path,
            )
        with open(path, "rb") as fh:
            data = fh.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise DataError("file not found", "create it as docs/data-format.md describes", path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a file", "give the YAML file", path) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or type(exc).__name__})", "check the file", path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 text (byte {data[exc.start]:#04x}; perhaps Windows-1258 or another legacy encoding)",
            "save the file as UTF-8, e.g. iconv -f CP1258 -t UTF-8",
            path,
            line,
        ) from None
    items = sum(text.count(c) for c in ",:-\n[{")
    if items > MAX_YAML_ITEMS:
        raise DataError(
            f"the file holds about {items:,} values; parlib reads YAML files of at most {MAX_YAML_ITEMS:,}",
            "is this the right file? split it or remove what is not needed",
            path,
        )
    loader = _Loader(text)
    # The node tree holds no cycle, yet its 90,000 nodes and 180,000 marks (10,000 units) make the
    # cyclic collector walk it again and again as it grows: about a sixth of composing it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, aliases_possible="&" in text)
        return _construct(node, loader)
    except _YamlRefused as exc:
        raise DataError(exc.what, exc.todo, path, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        row = mark.line + 1 if mark is not None else None
        problem = exc.problem or str(exc).splitlines()[0]
        if "nesting depth" in problem:
            problem = f"{problem} (more than 1000 levels)"
        raise DataError(f"YAML syntax error: {problem}", "fix the YAML syntax at that line", path, row) from None
    except yaml.reader.ReaderError as exc:
        row = text[: exc.position].count("\n") + 1
        cp = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
        raise DataError(
            f"a character YAML does not allow (U+{cp:04X}, a control character)",
            "remove it; save the file as plain UTF-8 text",
            path,
            row,
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"YAML error: {str(exc).splitlines()[0]}", "fix the YAML syntax", path) from None
    except RecursionError:
        raise DataError(
            "the YAML is nested too deeply", "flatten the structure as docs/data-format.md shows", path
        ) from None
    finally:
        if collecting:
            gc.enable()
        loader.dispose()
