"""pyproject.toml, requirements.lock and environment.yml name and pin the same packages."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_deps() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        names += extra
    return {_norm(re.split(r"[<>=!~;\[ ]", n, maxsplit=1)[0]) for n in names}


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        assert m, f"requirements.lock: {line!r} is not an exact pin name==version"
        pins[_norm(m.group(1))] = m.group(2)
    return pins


def _env() -> tuple[dict[str, str], list]:
    doc = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert doc["channels"] == ["conda-forge"]
    pins, pip = {}, []
    for dep in doc["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:==?([^\s=]+))?", dep.strip())
        assert m, f"environment.yml: {dep!r} is not 'name=version'"
        pins[_norm(m.group(1))] = m.group(2)
    return pins, pip


def test_every_dependency_is_pinned_in_the_lock():
    lock = _lock()
    missing = sorted(_pyproject_deps() - set(lock))
    assert not missing, f"not pinned in requirements.lock: {missing}"


@pytest.mark.parametrize("name", sorted(_pyproject_deps()))
def test_dependency_pinned_to_the_same_version_in_environment_yml(name):
    env, _ = _env()
    assert name in env, f"{name} is a dependency in pyproject.toml but not in environment.yml"
    assert env[name] == _lock()[name], f"{name}: environment.yml {env[name]} ≠ requirements.lock {_lock()[name]}"


def test_environment_yml_has_nothing_else():
    env, pip = _env()
    extra = sorted(set(env) - _pyproject_deps() - {"python", "pip"})
    assert not extra, f"environment.yml pins packages pyproject.toml does not name: {extra}"
    for name, version in env.items():
        if name not in ("python", "pip"):
            assert version == _lock()[name]
    assert pip == ["-e ."]


def test_python_version_agrees_with_pyproject():
    env, _ = _env()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert env["python"] == "3.11"
    assert ">=3.11" in requires and "<3.12" in requires
