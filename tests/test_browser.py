"""The web UI in a real browser: Playwright driving Debian's chromium (never a downloaded browser).

A uvicorn server on 127.0.0.1 (a free port) serves a store of invented articles (tests/webstore.py),
one of them hostile. Skips with a message where chromium or Playwright is absent (`.ci/run`
installs chromium with apt).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None)
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install chromium); the browser tests need it",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
uvicorn = pytest.importorskip("uvicorn")

from webstore import HOSTILE_ID, store_copy  # noqa: E402

from factdiff.render import to_html  # noqa: E402
from factdiff.store import open_store  # noqa: E402
from factdiff.stories import list_stories, story_report  # noqa: E402
from factdiff.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return store_copy(tmp_path_factory, "browser")


@pytest.fixture(scope="module")
def server(db: str) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the uvicorn test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A page that records every dialog (alert, confirm, prompt) and every script error."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.errors = []

    def on_dialog(d: Any) -> None:
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def library(db: str) -> dict[str, Any]:
    return next(s for s in list_stories(db)["stories"] if "Velmora" in s["title"])


def test_story_list_loads(page: Any, server: str) -> None:
    page.goto(server + "/")
    rows = page.locator("table.stories tbody tr")
    sync_api.expect(rows).to_have_count(2)
    sync_api.expect(page.locator("table.stories")).to_contain_text("Velmora library closed after pipe bursts")
    page.select_option("select[name=language]", "fr")
    page.click("form.filters button")
    sync_api.expect(rows).to_have_count(1)
    sync_api.expect(rows).to_contain_text("Doloran")
    assert page.errors == []


def test_story_page_shows_articles_side_by_side(page: Any, server: str, library: dict) -> None:
    page.goto(f"{server}/stories/{library['id']}")
    cols = page.locator("#cols article.doc")
    sync_api.expect(cols).to_have_count(3)
    boxes = [cols.nth(i).bounding_box() for i in range(3)]
    assert all(b is not None for b in boxes)
    assert len({round(b["y"]) for b in boxes}) == 1  # one row
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] and boxes[1]["x"] + boxes[1]["width"] <= boxes[2]["x"]
    sync_api.expect(cols.nth(1)).to_contain_text("Valley Post")
    assert page.errors == []


def _outline(page: Any, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).outlineStyle")


def test_clicking_a_contradiction_outlines_both_spans(page: Any, server: str, library: dict) -> None:
    page.goto(f"{server}/stories/{library['id']}")
    rel = page.locator("#contradictions li.rel").first
    a, b = rel.get_attribute("data-a"), rel.get_attribute("data-b")
    assert a and b and a != b
    assert _outline(page, f"#{a}") == "none"
    rel.locator("a.jump").first.click()
    for span in (a, b):
        sync_api.expect(page.locator(f"#{span}")).to_have_class(lambda_re("outlined"))
        assert _outline(page, f"#{span}") == "solid"
    sync_api.expect(rel).to_have_class(lambda_re("current"))
    # clicking a claim in an article outlines it and its counterparts, and shows the links
    page.keyboard.press("Escape")
    assert page.locator(".outlined").count() == 0
    page.locator(f"#{b}").click()
    sync_api.expect(page.locator(f"#{a}")).to_have_class(lambda_re("outlined"))
    sync_api.expect(page.locator("#detail")).to_be_visible()
    assert page.errors == []


def lambda_re(word: str) -> Any:
    import re

    return re.compile(rf"(^|\s){word}(\s|$)")


def test_search_finds_a_claim(page: Any, server: str, library: dict) -> None:
    page.goto(server + "/")
    page.fill("input[name=q]", "five weeks")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=five+weeks")
    hits = page.locator("ol.hits li")
    sync_api.expect(hits.first).to_contain_text("remain closed for five weeks")
    hits.first.locator(f'a[href="/stories/{library["id"]}"]').click()
    page.wait_for_url(f"**/stories/{library['id']}")
    sync_api.expect(page.locator("h1")).to_contain_text("Velmora")


def test_hostile_article_runs_no_script(page: Any, server: str, library: dict, db: str) -> None:
    with open_store(db) as st:
        hostile = st.article_ids([HOSTILE_ID])[HOSTILE_ID]
    for path in ("/", f"/stories/{library['id']}", f"/articles/{hostile}", "/search?q=script",
                 "/search?q=%3Cscript%3Ealert(9)%3C%2Fscript%3E", f"/api/articles/{hostile}"):
        page.goto(server + path)
        for el in page.locator("span.c, td, h1, h3, a").all()[:60]:  # hover whatever could carry a handler
            if el.is_visible():
                el.hover(timeout=2000)
    page.goto(f"{server}/stories/{library['id']}")
    page.locator("#cols span.c").first.click()
    sync_api.expect(page.locator("#cols")).to_contain_text('<script>alert("body")</script>')  # shown as text
    assert page.dialogs == []
    assert page.errors == []


def test_self_contained_file_works_and_runs_no_injected_script(page: Any, db: str, library: dict,
                                                               tmp_path: Path) -> None:
    report = story_report(library["id"], db)
    assert report is not None
    path = tmp_path / "report.html"
    path.write_text(to_html(report), encoding="utf-8")
    page.goto(path.as_uri())
    rel = page.locator("#contradictions li.rel").first
    rel.locator("a.jump").first.click()  # the inlined script runs under the page's hash-only policy
    for span in (rel.get_attribute("data-a"), rel.get_attribute("data-b")):
        sync_api.expect(page.locator(f"#{span}")).to_have_class(lambda_re("outlined"))
        assert _outline(page, f"#{span}") == "solid"  # the inlined style sheet applies under the policy too
    for el in page.locator("span.c").all():
        el.hover(timeout=2000)
    assert page.dialogs == [] and page.errors == []


def test_picking_articles_when_more_than_three(page: Any, tmp_path: Path) -> None:
    from test_render import _synthetic

    from factdiff.stories import report_from_json

    path = tmp_path / "five.html"
    path.write_text(to_html(report_from_json(_synthetic(5))), encoding="utf-8")
    page.goto(path.as_uri())
    cols = page.locator("#cols article.doc")
    sync_api.expect(cols).to_have_count(5)
    assert [cols.nth(i).is_visible() for i in range(5)] == [True, True, True, False, False]
    page.locator("input.pick").nth(3).check()
    assert cols.nth(3).is_visible()
    page.locator("input.pick").nth(0).uncheck()
    assert not cols.nth(0).is_visible()
    # a link to a claim in a hidden article brings that article back
    page.locator("#agreements li.rel a.jump").first.click()
    assert cols.nth(0).is_visible()
    assert page.errors == []
