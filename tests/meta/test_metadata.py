"""Package metadata a user sees on the index: URLs, classifiers, license file."""

from __future__ import annotations

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[2]


def project() -> dict[str, object]:
    with open(ROOT / "pyproject.toml", "rb") as file:
        data: dict[str, object] = tomllib.load(file)["project"]
    return data


def test_classifiers_name_the_supported_pythons_and_typing() -> None:
    classifiers = project()["classifiers"]
    assert isinstance(classifiers, list)
    minimum = str(project()["requires-python"]).removeprefix(">=")
    assert f"Programming Language :: Python :: {minimum}" in classifiers
    for needed in ("Typing :: Typed", "Development Status :: 4 - Beta", "Framework :: AsyncIO"):
        assert needed in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX field says it


def test_urls_and_license_file() -> None:
    urls = project()["urls"]
    assert isinstance(urls, dict) and urls
    assert all(str(url).startswith("https://") for url in urls.values())
    assert project()["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
