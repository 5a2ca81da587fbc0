"""Shared pytest hooks.

At the end of the session, report how many bad inputs were tried and gave a clear error
(tests/test_bad_inputs.py) and how many examples each property test ran (tests/test_properties.py).
"""

from __future__ import annotations

import sys


def _module(suffix: str):
    for name, mod in list(sys.modules.items()):
        if name == suffix or name.endswith("." + suffix):
            return mod
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    bad = _module("test_bad_inputs")
    if bad is not None and hasattr(bad, "bad_input_counts"):
        tried, clear = bad.bad_input_counts()
        if tried:
            terminalreporter.write_line(f"bad inputs: {tried} tried, {clear} gave one clear error line (exit code 2)")
    props = _module("test_properties")
    if props is not None and getattr(props, "EXAMPLES", None):
        counts = props.EXAMPLES
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        terminalreporter.write_line(f"property examples: {sum(counts.values())} run ({detail})")


import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """backan 2023 (vi, en) and vn-ministries 2023 (vi) built once for the whole session with
    `parlib build` into a temporary folder (reports, figures.json, manifest; tables beside them)."""
    out = tmp_path_factory.mktemp("reports")
    for args in (["backan", "--lang", "vi", "--lang", "en"], ["vn-ministries", "--lang", "vi"]):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "parlib",
                "build",
                *args,
                "--year",
                "2023",
                "--out",
                str(out),
                "--processed",
                str(out / "_processed"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == 0, proc.stderr
    return out
