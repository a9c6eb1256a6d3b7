"""The Jinja2 environment shared by the web app and ``render.to_html`` (no FastAPI import here)."""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import __version__
from ..report import Report
from .view import build_view


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("factdiff.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),  # every template, every string
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["pct"] = lambda x: f"{round(100 * float(x))} %"
    env.filters["score"] = lambda x: "" if x is None else f"{float(x):.2f}"
    return env


@functools.cache
def asset(name: str) -> str:
    """A static file shipped in the package (``factdiff.css``, ``factdiff.js``)."""
    return resources.files("factdiff.web").joinpath("static", name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def standalone_html(report: Report, title: str = "") -> str:
    """The reading view as one self-contained file: CSS and JS inlined, allowed by hash in a meta CSP."""
    css, js = asset("factdiff.css"), asset("factdiff.js")
    csp = (f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(js)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    view = build_view(report, title=title)
    ctx: dict[str, Any] = {"v": view, "css": css, "js": js, "csp": csp, "mode": "file"}
    return environment().get_template("standalone.html").render(ctx)
