"""The web app (factdiff serve) through FastAPI's TestClient, over a store of invented articles."""

from __future__ import annotations

import http.server
import re
import socket
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from webstore import HOSTILE_SOURCE, HOSTILE_TITLE, store_copy  # noqa: E402

from factdiff.store import open_store  # noqa: E402
from factdiff.stories import list_stories  # noqa: E402
from factdiff.web import create_app  # noqa: E402
from factdiff.web.fetch import FetchRefused, fetch_bytes, is_public, resolve  # noqa: E402


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, Any]]] = []
        self.inline_scripts = 0
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.inline_scripts += 1


def tags(page: str) -> Tags:
    t = Tags()
    t.feed(page)
    return t


def assert_safe(page: str) -> None:
    """No markup from an article: no event handler attribute, no inline or foreign script."""
    t = tags(page)
    assert all(not k.lower().startswith("on") for _, a in t.tags for k in a)
    assert t.inline_scripts == 0
    assert all(a.get("src", "").startswith("/static/") for tag, a in t.tags if tag == "script")
    assert all(not (a.get("href") or "").lower().startswith("javascript") for _, a in t.tags)
    assert "<script>alert" not in page and "<img src=x" not in page


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return store_copy(tmp_path_factory, "web")


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    app = create_app(db, compare_options={"nli": False})
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def stories(db: str) -> dict[str, dict[str, Any]]:
    data = list_stories(db)["stories"]
    return {"library": next(s for s in data if "Velmora" in s["title"]),
            "fair": next(s for s in data if "Doloran" in s["title"])}


# --- the list -------------------------------------------------------------------------------------


def test_list_page_shows_every_story_with_its_counts(client: TestClient, stories: dict) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    for s in stories.values():
        assert f'href="/stories/{s["id"]}"' in page
    row = re.search(rf'href="/stories/{stories["library"]["id"]}">.*?</tr>', page, re.S).group(0)
    assert "Valley Post" in row and "Lakeside Gazette" in row and "2032-05-10T08:00:00" in row
    assert f'<td class="num n-contradict">{stories["library"]["contradictions"]}</td>' in row
    assert stories["library"]["contradictions"] >= 1
    assert "en fr" in page  # the fair's languages
    assert_safe(page)


def test_every_response_carries_a_policy_without_inline_script(client: TestClient) -> None:
    for path in ("/", "/api/stories", "/nope", "/static/factdiff.css"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    r = client.get("/static/factdiff.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"] and "addEventListener" in r.text


@pytest.mark.parametrize("query,expect", [
    ("language=fr", {"fair"}),
    ("language=en", {"fair", "library"}),
    ("contradictions=1", {"library"}),
    ("outlet=Valley+Post", {"library"}),
    ("outlet=Le+Journal+de+Doloran", {"fair"}),
    ("since=2032-05-11", {"fair"}),
    ("until=2032-05-10", {"library"}),
    ("since=2032-05-10&until=2032-05-12", {"fair", "library"}),
    ("language=de", set()),
])
def test_list_filters(client: TestClient, stories: dict, query: str, expect: set[str]) -> None:
    page = client.get(f"/?{query}").text
    shown = {name for name, s in stories.items() if f'href="/stories/{s["id"]}"' in page}
    assert shown == expect
    api = client.get(f"/api/stories?{query}").json()
    assert {s["id"] for s in api["stories"]} == {stories[n]["id"] for n in expect} and api["total"] == len(expect)
    if not expect:
        assert "No stories match these filters" in page


def test_list_paging(db: str, stories: dict) -> None:
    with TestClient(create_app(db, page_size=1)) as c:
        first, second = c.get("/").text, c.get("/?page=2").text
        assert "page 1 of 2" in first and 'rel="next" href="/?page=2"' in first
        assert f'href="/stories/{stories["fair"]["id"]}"' in first  # newest activity first
        assert f'href="/stories/{stories["library"]["id"]}"' in second and 'rel="prev"' in second
        assert 'href="/?language=en&amp;page=2"' in c.get("/?language=en").text  # filters survive paging
        assert "No stories" in c.get("/?page=9").text


def test_api_stories_has_the_cli_shape(client: TestClient, db: str) -> None:
    api = client.get("/api/stories?per_page=1&page=2").json()
    cli = list_stories(db)["stories"]
    assert api["stories"] == cli[1:2] and (api["total"], api["pages"], api["page"]) == (2, 2, 2)
    assert client.get("/api/stories").json()["stories"] == cli


def test_api_topics_has_the_cli_shape(client: TestClient, db: str) -> None:
    api = client.get("/api/topics").json()
    cli = list_stories(db, level="topic")
    assert api == cli and api["topics"]
    stories = {s["id"] for s in list_stories(db)["stories"]}
    assert {sid for t in api["topics"] for sid in t["stories"]} == stories
    assert client.get("/api/topics?since=2999-01-01").json() == {"topics": []}


def test_topics_page_links_each_topic_to_its_stories(client: TestClient, db: str) -> None:
    html = client.get("/topics").text
    topics = list_stories(db, level="topic")["topics"]
    stories = {s["id"]: s for s in list_stories(db)["stories"]}
    assert f"{len(topics)} topic" in html
    for t in topics:
        for sid in t["stories"]:
            assert f'href="/stories/{sid}"' in html
    assert_safe(html)
    assert {sid for t in topics for sid in t["stories"]} == set(stories)
    assert "No topics active since then" in client.get("/topics?since=2999-01-01").text
    assert client.get("/topics?since=soon").status_code == 400


@pytest.mark.parametrize("path", ["/?since=yesterday", "/?until=2032-13-40", "/?page=0", "/?page=x",
                                  "/api/topics?since=soon",
                                  "/api/stories?per_page=100000", "/api/search", "/search?q=" + "a" * 201])
def test_bad_parameters_are_400_with_one_line(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 400
    if path.startswith("/api/"):
        message = r.json()["error"]
    else:
        message = re.search(r'<p class="error">(.*?)</p>', r.text).group(1)
    assert message and "\n" not in message and "Traceback" not in r.text


# --- one story ------------------------------------------------------------------------------------


def test_story_page_puts_articles_side_by_side(client: TestClient, stories: dict, db: str) -> None:
    s = stories["library"]
    r = client.get(f"/stories/{s['id']}")
    assert r.status_code == 200
    page = r.text
    t = tags(page)
    cols = [a for tag, a in t.tags if tag == "article" and "doc" in (a.get("class") or "")]
    assert len(cols) == len(s["articles"]) == 3
    assert "Contradictions (" in page and "14 d vs 35 d: duration" in page or "35 d vs 14 d: duration" in page
    assert "Agreements (" in page and "Sources × facts (" in page and "Entities (" in page
    assert "None found" in page  # the story has no tensions
    # both spans of every relation are on the page
    ids = {a["id"] for _, a in t.tags if a.get("id")}
    rels = [(a["data-a"], a["data-b"]) for tag, a in t.tags if tag == "li" and a.get("data-a")]
    assert rels and all(x in ids and y in ids for x, y in rels)
    # each article links to its own page, by database id
    with open_store(db) as st:
        art_ids = st.article_ids([a["id"] for a in s["articles"]])
    for aid in art_ids.values():
        assert f'href="/articles/{aid}"' in page
    assert_safe(page)
    assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in page  # shown as text
    assert "Evil&#34; onmouseover=&#34;alert(1)" in page  # the hostile outlet's name, as text


def test_story_api_is_the_report_contract(client: TestClient, stories: dict, db: str) -> None:
    s = stories["library"]
    data = client.get(f"/api/stories/{s['id']}").json()
    assert set(data) >= {"documents", "relations", "unique", "duplicates", "entities", "similarity"}
    with open_store(db) as st:
        assert data == st.get_story(s["id"])["report"]


@pytest.mark.parametrize("path,code", [("/stories/999", 404), ("/stories/abc", 404), ("/stories/-1", 404),
                                       ("/api/stories/999", 404), ("/articles/999", 404), ("/api/articles/0", 404),
                                       ("/articles/%22onmouseover=alert(1)", 404), ("/nope", 404)])
def test_unknown_ids_are_404(client: TestClient, path: str, code: int) -> None:
    r = client.get(path)
    assert r.status_code == code
    if path.startswith("/api/"):
        assert "no " in r.json()["error"]
    else:
        assert_safe(r.text)


# --- articles -------------------------------------------------------------------------------------


def test_article_page_lists_claims_and_counterparts(client: TestClient, stories: dict, db: str) -> None:
    s = stories["library"]
    with open_store(db) as st:
        ids = st.article_ids(["gazette-library-1", "post-library-2"])
    r = client.get(f"/articles/{ids['gazette-library-1']}")
    assert r.status_code == 200
    page = r.text
    assert f'href="/stories/{s["id"]}"' in page
    assert "contradicted by" in page and "Valley Post" in page
    assert re.search(rf'href="/articles/{ids["post-library-2"]}#s\d+"', page)  # to the counterpart claim
    assert_safe(page)
    data = client.get(f"/api/articles/{ids['gazette-library-1']}").json()
    assert data["story_id"] == s["id"] and data["source"] == "Lakeside Gazette"
    labels = {rel["label"] for c in data["claims"] for rel in c["relations"]}
    assert {"contradict", "agree"} <= labels


def test_hostile_article_page_is_text(client: TestClient, db: str) -> None:
    with open_store(db) as st:
        aid = st.article_ids(['x" onmouseover="alert(2)'])['x" onmouseover="alert(2)']
    r = client.get(f"/articles/{aid}")
    assert r.status_code == 200
    assert_safe(r.text)
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in r.text
    api = client.get(f"/api/articles/{aid}").json()
    assert api["title"] == HOSTILE_TITLE and api["source"] == HOSTILE_SOURCE


# --- search ---------------------------------------------------------------------------------------


def test_search_finds_a_claim_and_links_into_its_story(client: TestClient, stories: dict) -> None:
    page = client.get("/search?q=five+weeks").text
    assert "remain closed for five weeks" in page
    assert f'href="/stories/{stories["library"]["id"]}"' in page
    api = client.get("/api/search?q=five weeks").json()
    hit = next(h for h in api["results"] if h["kind"] == "claim")
    assert hit["story_id"] == stories["library"]["id"] and hit["source"] == "Valley Post"
    titles = client.get("/api/search?q=Doloran").json()["results"]
    assert any(h["kind"] == "article" and h["story_id"] == stories["fair"]["id"] for h in titles)


@pytest.mark.parametrize("q", ['"', "AND OR NOT", "*", "a\" OR 1=1 --", "<script>alert(1)</script>", "NEAR(x y)",
                               "ünïcödé", "'"])
def test_search_survives_hostile_queries(client: TestClient, q: str) -> None:
    r = client.get("/search", params={"q": q})
    assert r.status_code == 200
    assert_safe(r.text)
    assert client.get("/api/search", params={"q": q}).status_code == 200


# --- compare --------------------------------------------------------------------------------------


def test_compare_form_and_its_refusals(client: TestClient) -> None:
    assert "Cross-check" in client.get("/compare").text
    r = client.post("/compare", data={"text": ["Only one text here."]})
    assert r.status_code == 400 and "at least two texts" in r.text
    r = client.post("/compare", data={"text": ["One.", "Two."], "urls": "http://example.org/a"})
    assert r.status_code == 400 and "--allow-fetch" in r.text
    r = client.post("/compare", data={"text": ["x" * 250_000, "y"]})
    assert r.status_code in (400, 413)


def test_compare_body_limit(db: str) -> None:
    with TestClient(create_app(db, max_body=10_000)) as c:
        r = c.post("/compare", data={"text": ["x" * 20_000, "y" * 10]})
        assert r.status_code == 413
        r = c.post("/compare", files={"files": ("big.txt", b"x" * 20_000, "text/plain")})
        assert r.status_code == 413


def test_compare_runs_the_pipeline_and_stores_nothing(client: TestClient, db: str) -> None:
    with open_store(db) as st:
        before = st.counts()
    r = client.post("/compare", data={
        "source": ["Paper One", "Paper Two"],
        "text": ["The Orlen dam was opened on Friday. It holds 40 million cubic metres of water.",
                 "The Orlen dam opened on Friday. Officials said it holds 90 million cubic metres of water."]},
        files={"files": ("third <b>.txt", b"The Orlen dam was opened on Friday by the mayor.", "text/plain")})
    assert r.status_code == 200
    page = r.text
    assert "Comparison of 3 texts" in page and "Paper One" in page and "third &lt;b&gt;.txt" in page
    assert len([a for t, a in tags(page).tags if t == "article"]) == 3
    assert_safe(page)
    with open_store(db) as st:
        assert st.counts() == before


# --- ingest ---------------------------------------------------------------------------------------


def test_ingest_is_refused_unless_enabled(client: TestClient, db: str) -> None:
    line = b'{"id": "n1", "title": "New", "source": "S", "text": "A new invented article about nothing."}\n'
    r = client.post("/api/ingest", content=line, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 403 and "--allow-ingest" in r.json()["error"]
    with open_store(db) as st:
        assert st.article_ids(["n1"]) == {}


def test_ingest_when_enabled(tmp_path_factory: pytest.TempPathFactory) -> None:
    url = store_copy(tmp_path_factory, "ingest")
    line = (b'{"id": "n1", "title": "Quarry reopens", "source": "Hill News", "language": "en", '
            b'"published": "2032-06-01T10:00:00Z", "text": "The Brask quarry reopened on Tuesday after a year."}\n')
    with TestClient(create_app(url, allow_ingest=True, compare_options={"nli": False})) as c:
        assert c.post("/api/ingest", content=line, headers={"content-type": "text/plain"}).status_code == 415
        r = c.post("/api/ingest", content=line, headers={"content-type": "application/x-ndjson"})
        assert r.status_code == 200 and r.json()["added"] == 1
        assert "Quarry reopens" in c.get("/").text


def test_host_header_is_checked_when_asked(db: str) -> None:
    with TestClient(create_app(db, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"host": "rebound.example"}).status_code == 400


# --- URL fetching ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ip,public", [("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False),
                                       ("172.16.5.5", False), ("169.254.169.254", False), ("100.64.0.1", False),
                                       ("0.0.0.0", False), ("::1", False), ("fe80::1", False),
                                       ("fd00:ec2::254", False), ("::ffff:127.0.0.1", False), ("224.0.0.1", False),
                                       ("93.184.215.14", True), ("2606:4700::1111", True), ("not-an-ip", False)])
def test_is_public(ip: str, public: bool) -> None:
    assert is_public(ip) is public


def test_resolve_checks_every_address(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"mixed.example": ["93.184.215.14", "127.0.0.1"], "ok.example": ["93.184.215.14"]}

    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    assert resolve("ok.example", 80) == "93.184.215.14"
    with pytest.raises(FetchRefused, match="127.0.0.1"):
        resolve("mixed.example", 80)


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://[::1]:8000/", "http://169.254.169.254/latest/meta-data",
                                 "http://10.0.0.1/", "file:///etc/passwd", "ftp://example.org/",
                                 "http://user:pw@example.org/", "http://localhost/"])
def test_fetch_refuses_without_connecting(url: str) -> None:
    with pytest.raises(FetchRefused):
        fetch_bytes(url, 1000)


@pytest.fixture()
def local_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server: /redirect goes to a private address, /big sends 5 kB, /ok a short page."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "http://10.0.0.7/secret")
                self.end_headers()
            elif self.path == "/hop":
                self.send_response(301)
                self.send_header("Location", "/ok")
                self.end_headers()
            else:
                body = b"x" * 5000 if self.path == "/big" else b"An invented page."
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_fetch_checks_every_redirect_and_the_byte_limit(local_server: tuple[str, list[str]]) -> None:
    base, hits = local_server

    def this_server_only(ip: str) -> bool:  # the test server stands in for a public host
        return ip == "127.0.0.1"

    body, _ctype, final = fetch_bytes(f"{base}/hop", 1000, allowed=this_server_only)
    assert body == b"An invented page." and final.endswith("/ok")
    with pytest.raises(FetchRefused, match="10.0.0.7"):
        fetch_bytes(f"{base}/redirect", 1000, allowed=this_server_only)
    with pytest.raises(FetchRefused, match="limit"):
        fetch_bytes(f"{base}/big", 1000, allowed=this_server_only)
    with pytest.raises(FetchRefused):  # the real policy refuses the loopback server itself
        fetch_bytes(f"{base}/ok", 1000)
    assert hits == ["/hop", "/ok", "/redirect", "/big"]


# --- factdiff serve -------------------------------------------------------------------------------


def test_serve_defaults_to_loopback_and_read_only(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from factdiff.cli import app as cli

    seen: dict[str, Any] = {}

    def fake_run(web_app: Any, **kwargs: Any) -> None:
        seen.update(kwargs, app=web_app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(cli, ["serve", "--db", db])
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8000)
    with TestClient(seen["app"], base_url="http://127.0.0.1:8000") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"host": "rebound.example"}).status_code == 400  # loopback names only
        r = c.post("/api/ingest", content=b"{}", headers={"content-type": "application/x-ndjson"})
        assert r.status_code == 403


def test_serve_with_a_bad_database_is_one_line(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from factdiff.cli import app as cli

    for db in (f"sqlite:///{tmp_path}/no/such/dir/x.db", f"sqlite:///{tmp_path}/typo.db"):
        result = CliRunner().invoke(cli, ["serve", "--db", db])
        assert result.exit_code == 2
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: no database at")
    assert not (tmp_path / "typo.db").exists()  # serve never creates a store


def test_topics_paging(db: str) -> None:
    topics = list_stories(db, level="topic")["topics"]
    assert len(topics) >= 2, "the test store should hold more than one topic"
    with TestClient(create_app(db, page_size=1)) as c:
        first, second = c.get("/topics").text, c.get("/topics?page=2").text
        assert f"page 1 of {len(topics)}" in first and 'rel="next" href="/topics?page=2"' in first
        for html, t in ((first, topics[0]), (second, topics[1])):  # newest activity first, one a page
            shown = {sid for sid in (s for tt in topics for s in tt["stories"]) if f'href="/stories/{sid}"' in html}
            assert shown == set(t["stories"])
        assert 'rel="prev" href="/topics?page=1"' in second
        assert 'href="/topics?since=2032-01-01&amp;page=2"' in c.get("/topics?since=2032-01-01").text
        assert f"No topics on page {len(topics) + 1}" in c.get(f"/topics?page={len(topics) + 1}").text
        assert c.get("/topics?page=0").status_code == 400
        api = c.get("/api/topics?page=2&per_page=1").json()
        assert api["topics"] == topics[1:2] and (api["total"], api["pages"], api["page"]) == (len(topics),) * 2 + (2,)
        assert c.get("/api/topics").json() == {"topics": topics}  # without a page: all of them, the CLI shape
