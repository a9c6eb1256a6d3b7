"""Stored report JSON back into a ``Report`` for the renderers (``Report.from_json``)."""

from __future__ import annotations

from typing import Any

from ..report import Report


def report_from_json(data: dict[str, Any]) -> Report:
    return Report.from_json(data)
