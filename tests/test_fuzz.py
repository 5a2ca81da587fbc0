"""Fuzzing the readers (issue 13): random bytes and random mutations of valid files, as the CSV table,
the XLSX table, dataset.yml and published.yml of a small dataset, each run through ``parlib validate``.

The contract, for every input: the command succeeds (exit 0), or it stops with exit code 2 and one
line of at most 300 characters; never a traceback, never past the limits (5 s of CPU, 500 MB).

Each input runs in a forked child, so that a crash, a hang or a memory blow-up is measured and
reported instead of taking the test run down: the child's CPU time and peak memory come from the
kernel (``os.wait4``). CPU time rather than wall time is asserted because the machines that run the
suite are shared; a child still running after 60 s of wall time is killed and fails the test.

``make test`` runs a short, derandomised pass (``PARLIB_FUZZ_EXAMPLES`` examples per target, 20 by
default); ``make fuzz`` runs a long random one.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parlib.cli  # noqa: F401 — imported once here, so that each forked child starts warm
import parlib.data.load  # noqa: F401
import parlib.data.published  # noqa: F401
import parlib.model.scoring  # noqa: F401

_spec = importlib.util.spec_from_file_location("make_corpus", Path(__file__).parent / "bad_inputs" / "make_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

EXAMPLES = int(os.environ.get("PARLIB_FUZZ_EXAMPLES", "20"))
LONG = "PARLIB_FUZZ_EXAMPLES" in os.environ
MAX_CPU_S = 5.0
MAX_RSS_MB = 500
WALL_KILL_S = 60.0

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

# Tokens a hostile or damaged file is made of: separators, quotes, encodings, YAML syntax, markup.
TOKENS = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xe2\x80\x8b",
    b"\xc3\x90",
    b'"',
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"sep=,\n",
    b"  ",
    b"\xa0",
    b",,,,,,,,,,,,,,,,",
    b"&a ",
    b"*a",
    b"<<: *a",
    b"[" * 40,
    b"{",
    b": ",
    b"- ",
    b".nan",
    b".inf",
    b"-1",
    b"1e308",
    b"99999999999999999999",
    b"75, 09",
    b"9.175,00",
    b"<!DOCTYPE html>",
    b"PK\x03\x04",
    b"%PDF",
    b"\\",
    b"'",
    b"#",
    b"!!python/object:os.system",
    b"x" * 300,
    b"\xe1\xbb\x9f",
    b"\x1b[31m",
]


def _mutate(data: bytes, ops: list[tuple[int, int, int, int]]) -> bytes:
    """Apply mutations: (kind, position, length, token index) — overwrite, insert, delete, duplicate."""
    buf = bytearray(data)
    for kind, pos, length, tok in ops:
        if not buf:
            buf += TOKENS[tok % len(TOKENS)]
            continue
        pos %= len(buf)
        if kind == 0:
            buf[pos : pos + len(TOKENS[tok % len(TOKENS)])] = TOKENS[tok % len(TOKENS)]
        elif kind == 1:
            buf[pos:pos] = TOKENS[tok % len(TOKENS)]
        elif kind == 2:
            del buf[pos : pos + length]
        else:
            buf[pos:pos] = buf[pos : pos + length] * (1 + tok % 50)
    return bytes(buf)


MUTATIONS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(1, 64), st.integers(0, 255)),
    min_size=1,
    max_size=8,
)


def _base_case(xlsx: bool = False):
    c = corpus.Case("fuzz", "fuzzed dataset")
    c.published = corpus.base_published()
    c.published["figures"].append(
        {"id": "mean", "measure": "mean_total", "level": "departments", "year": 2023, "printed": "77,64"}
    )
    if xlsx:
        c.files = {
            "2023/ket-qua-2023.xlsx": corpus.xlsx_bytes(
                [corpus.HEADER.split(",")] + [[x.strip('"') for x in r] for r in corpus.ROWS]
            )
        }
        c.table["file"] = "2023/ket-qua-2023.xlsx"
    return c


def _run_validate(folder: Path) -> dict:
    """``parlib validate folder`` in a forked child: its exit code, stderr, CPU seconds and peak RSS (MB)."""
    err_fd, err_path = tempfile.mkstemp(prefix="parlib-fuzz-err-")
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        code = 99
        try:
            os.dup2(err_fd, 2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8", write_through=True)
            sys.stdout = open(os.devnull, "w")
            from parlib.cli import main

            code = main(["validate", str(folder)])
        except BaseException:  # noqa: B036 — a traceback of any kind is what the test looks for
            sys.stderr.write("Traceback (fuzz child):\n" + traceback.format_exc())
            code = 99
        finally:
            try:
                sys.stderr.flush()
            finally:
                os._exit(code if isinstance(code, int) else 98)
    os.close(err_fd)
    start = time.monotonic()
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > WALL_KILL_S:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.01)
    stderr = Path(err_path).read_text(encoding="utf-8", errors="replace")
    Path(err_path).unlink(missing_ok=True)
    return {
        "code": os.waitstatus_to_exitcode(status),
        "stderr": stderr,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "wall": time.monotonic() - start,
    }


def _check_contract(r: dict, what: str) -> None:
    assert "Traceback" not in r["stderr"], f"{what}: traceback\n{r['stderr'][-3000:]}"
    assert r["code"] in (0, 2), f"{what}: exit code {r['code']}\n{r['stderr'][-2000:]}"
    if r["code"] == 2:
        # one line, or (several independent mistakes) one line per problem, at most 50 then
        # "and N more", then "N problems"; each line at most 300 characters
        lines = r["stderr"].splitlines()
        assert lines, f"{what}: exit 2 without a message"
        if len(lines) > 1:
            assert re.fullmatch(r"parlib: \d+ problems", lines[-1]), f"{what}: {len(lines)} lines\n{r['stderr'][:2000]}"
            assert len(lines) <= 52, f"{what}: {len(lines)} lines"
            lines = [x for x in lines[:-1] if not re.fullmatch(r"parlib: and \d+ more", x)]
        for line in lines:
            assert line.startswith("parlib: error: ") and len(line) <= 300, line
    assert r["wall"] < WALL_KILL_S, f"{what}: still running after {WALL_KILL_S} s"
    assert r["cpu"] <= MAX_CPU_S, f"{what}: {r['cpu']:.1f} s of CPU\n{r['stderr'][:500]}"
    assert r["rss_mb"] <= MAX_RSS_MB, f"{what}: {r['rss_mb']:.0f} MB\n{r['stderr'][:500]}"


def _write(c, tmp: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-", dir=tmp))
    c.write(folder)
    return folder


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_harness_sees_success_errors_and_tracebacks(tmp):
    """The harness itself: the valid base passes, a known bad case gives its line, a crash is caught."""
    ok = _run_validate(_write(_base_case(), tmp))
    assert ok["code"] == 0 and ok["stderr"] == "", ok
    bad = _run_validate(Path(__file__).parent / "bad_inputs" / "yaml-alias-bomb")
    _check_contract(bad, "alias bomb")
    assert bad["code"] == 2 and "anchors and aliases" in bad["stderr"]
    crash = _run_validate(tmp / "no-such-folder" / "\x00")  # a NUL in a path: ValueError inside pathlib
    assert crash["code"] in (2, 99)


def _table_case(data: bytes, xlsx: bool = False):
    c = _base_case(xlsx)
    c.files = {c.table["file"]: data}
    return c


@FUZZ
@given(data=st.binary(max_size=4000))
def test_fuzz_csv_random_bytes(tmp, data):
    _check_contract(_run_validate(_write(_table_case(data), tmp)), f"csv bytes {data[:80]!r}")


@FUZZ
@given(ops=MUTATIONS)
def test_fuzz_csv_mutations(tmp, ops):
    data = _mutate(corpus.csv_text(corpus.HEADER, corpus.ROWS).encode("utf-8"), ops)
    _check_contract(_run_validate(_write(_table_case(data), tmp)), f"csv mutation {ops}")


def _rezip(xlsx: bytes, member: str, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, new if info.filename == member else src.read(info.filename))
    return out.getvalue()


@FUZZ
@given(
    ops=MUTATIONS,
    member=st.sampled_from(
        ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", None]
    ),
)
def test_fuzz_xlsx_mutations(tmp, ops, member):
    base = _base_case(xlsx=True)
    xlsx = base.files[base.table["file"]]
    if member is None:  # the zip's bytes themselves
        data = _mutate(xlsx, ops)
    else:
        data = _rezip(xlsx, member, _mutate(zipfile.ZipFile(io.BytesIO(xlsx)).read(member), ops))
    _check_contract(_run_validate(_write(_table_case(data, xlsx=True), tmp)), f"xlsx {member} {ops}")


@FUZZ
@given(data=st.binary(max_size=3000))
def test_fuzz_xlsx_random_bytes(tmp, data):
    _check_contract(_run_validate(_write(_table_case(data, xlsx=True), tmp)), f"xlsx bytes {data[:80]!r}")


def _yaml_text(c) -> bytes:
    return corpus.dataset_text(c).encode("utf-8")


@FUZZ
@given(ops=MUTATIONS)
def test_fuzz_dataset_yml_mutations(tmp, ops):
    c = _base_case()
    c.raw_yml = _mutate(_yaml_text(c), ops)
    _check_contract(_run_validate(_write(c, tmp)), f"dataset.yml mutation {ops}")


@FUZZ
@given(data=st.binary(max_size=3000))
def test_fuzz_dataset_yml_random_bytes(tmp, data):
    c = _base_case()
    c.raw_yml = data
    _check_contract(_run_validate(_write(c, tmp)), f"dataset.yml bytes {data[:80]!r}")


@FUZZ
@given(ops=MUTATIONS)
def test_fuzz_published_yml_mutations(tmp, ops):
    c = _base_case()
    text = yaml.safe_dump(c.published, allow_unicode=True, sort_keys=False).encode("utf-8")
    c.published = None
    c.raw_published = _mutate(text, ops)
    _check_contract(_run_validate(_write(c, tmp)), f"published.yml mutation {ops}")


def test_fuzz_base_files_are_valid(tmp):
    """The files mutated above are valid to start with (else every mutation would fail early)."""
    for c in (_base_case(), _base_case(xlsx=True)):
        r = _run_validate(_write(c, tmp))
        assert r["code"] == 0, r["stderr"]
