"""Shared fixtures: paths to the bundled example and to ../shared, which tests skip without."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "ferry"


def shared_or_skip(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared (seeds, gold, data) is not beside this checkout")
    return path


def load_score_gold() -> ModuleType:
    path = shared_or_skip("tools", "score_gold.py")
    spec = importlib.util.spec_from_file_location("score_gold", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(report_json: dict, gold: dict) -> dict[str, tuple[int, int]]:
    """score_gold.py's result as {measure: (found, of)}."""
    sg = load_score_gold()
    res = sg.score(sg.Report(report_json, gold), gold)
    return {k: (sum(ok for ok, _ in v), len(v)) for k, v in res.items()}


def as_summary(result: dict[str, tuple[int, int]]) -> dict[str, dict[str, int]]:
    return {k: {"ok": ok, "of": of} for k, (ok, of) in result.items()}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
