"""The web app (``factdiff serve``): the store's stories, articles and search, and an unstored compare.

Pages render the Jinja2 templates in ``templates/`` (autoescaped, every one); ``/api/...`` returns
the same data as JSON. Read-only unless ``allow_ingest``; URL reading off unless ``allow_fetch``.
Every response carries a Content-Security-Policy that allows only the package's own script and
style files; request bodies are capped before they are read.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, time, timedelta
from time import perf_counter
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..doc import Document
from ..ingest import MAX_BYTES, InputError
from ..store import Store, StoreError, open_store
from .view import LABEL_WORDS, build_view, safe_url

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
MAX_QUERY = 200
MAX_TEXTS = 12  # articles in one /compare
MAX_TEXT_BYTES = 200_000  # one pasted or uploaded article
MAX_BODY = 4_000_000  # any request body
COMPARE_WAIT_S = 120.0  # a compare waits this long for the one running before it
FACETS_TTL_S = 60.0  # the filter lists may lag new articles by this long


class SecurityHeaders:
    """ASGI middleware: the Content-Security-Policy and friends on every response, and a Server-Timing
    header (the time until the response started, in ms: what ``bench/web.py`` reads)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        start = perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                timing = f"app;dur={(perf_counter() - start) * 1000:.1f}".encode()
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names] + [(b"server-timing", timing)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def make_environment() -> Environment:
    from .templating import environment

    base = environment()
    env = Environment(loader=PackageLoader("factdiff.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(base.globals)
    env.filters.update(base.filters)
    return env


def _date(value: str | None, name: str, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d")
    except ValueError:
        raise HTTPException(400, f"{name} must be a date like 2031-03-02, not {value[:40]!r}") from None
    return day + timedelta(days=1) - timedelta(microseconds=1) if end else datetime.combine(day.date(), time())


def create_app(db_url: str | None = None, *, allow_ingest: bool = False, allow_fetch: bool = False,
               store: Store | None = None, allowed_hosts: list[str] | None = None, max_body: int = MAX_BODY,
               max_texts: int = MAX_TEXTS, max_text_bytes: int = MAX_TEXT_BYTES, page_size: int = PAGE_SIZE,
               compare_options: dict[str, Any] | None = None) -> FastAPI:
    """The app over the store at ``db_url`` (or an open ``store``); opening it may raise ``StoreError``.

    ``allowed_hosts`` limits the Host header (``factdiff serve`` on a loopback address allows only
    loopback names, against DNS rebinding); ``compare_options`` go to ``factdiff.compare`` in ``/compare``.
    """
    st = store or open_store(db_url)
    app = FastAPI(title="factdiff", version=__version__, docs_url=None, redoc_url=None, openapi_url=None,
                  max_body_size=max_body, telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.store = st
    env = make_environment()
    templates = Jinja2Templates(env=env)
    env.globals["url_for"] = lambda name, **params: str(app.url_path_for(name, **params))
    env.globals["allow_ingest"] = allow_ingest
    env.globals["allow_fetch"] = allow_fetch
    compare_lock = asyncio.Lock()
    ingest_lock = asyncio.Lock()
    limits = {"max_texts": max_texts, "max_text_kb": max_text_bytes // 1000}

    if store is None:
        app.router.on_shutdown.append(st.close)
    app.mount("/static", StaticFiles(packages=[("factdiff.web", "static")]), name="static")
    app.add_middleware(SecurityHeaders)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    def page(request: Request, name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, ctx, status_code=code)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path[:200]}"
        if is_api(request):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return page(request, "error.html", exc.status_code, status=exc.status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        err = (exc.errors() or [{}])[0]
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        message = f"bad value for {where or 'the request'}: {err.get('msg', 'invalid')}"
        if is_api(request):
            return JSONResponse({"error": message}, status_code=400)
        return page(request, "error.html", 400, status=400, message=message)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        if is_api(request):
            return JSONResponse({"error": str(exc)}, status_code=503)
        return page(request, "error.html", 503, status=503, message=str(exc))

    # --- stories -------------------------------------------------------------------------------------

    facet_cache: dict[str, Any] = {"at": -math.inf, "value": None}

    def facets() -> dict[str, list[str]]:
        """The filters' languages and outlets: a scan of every article, so computed at most once a minute."""
        if perf_counter() - facet_cache["at"] > FACETS_TTL_S:
            facet_cache["value"], facet_cache["at"] = st.facets(), perf_counter()
        return facet_cache["value"]  # type: ignore[no-any-return]

    def story_filters(since: str | None, until: str | None, language: str | None, outlet: str | None,
                      contradictions: bool) -> dict[str, Any]:
        return {"since": _date(since, "since"), "until": _date(until, "until", end=True),
                "language": (language or "").strip()[:16] or None, "outlet": (outlet or "").strip()[:400] or None,
                "contradictions": contradictions}

    Since = Query(None, max_length=40, description="stories active on or after this date (YYYY-MM-DD)")
    Until = Query(None, max_length=40, description="stories that began on or before this date")
    Lang = Query(None, max_length=40)
    Outlet = Query(None, max_length=400)
    PAGE_NO = 1_000_000  # the highest page number accepted

    @app.get("/", response_class=HTMLResponse, name="index")
    def index(request: Request, since: str | None = Since, until: str | None = Until, language: str | None = Lang,
              outlet: str | None = Outlet, contradictions: bool = False,
              page_no: int = Query(1, alias="page", ge=1, le=PAGE_NO)) -> Response:
        f = story_filters(since, until, language, outlet, contradictions)
        total, stories, tensions = st.story_page(**f, offset=(page_no - 1) * page_size, limit=page_size)
        pages = max(1, math.ceil(total / page_size))
        rows = [{**s, "tensions": tensions.get(s["id"], 0),
                 "outlets": sorted({a["source"] for a in s["articles"]})} for s in stories]
        shown = {"since": since or "", "until": until or "", "language": language or "", "outlet": outlet or "",
                 "contradictions": contradictions}
        shown["active"] = any(shown.values())
        keep = {k: v for k, v in shown.items() if k != "active" and v}
        if keep.get("contradictions"):
            keep["contradictions"] = "1"

        def page_url(n: int) -> str:
            return str(app.url_path_for("index")) + "?" + urlencode({**keep, "page": n})

        return page(request, "index.html", stories=rows, total=total, page=page_no, pages=pages, f=shown,
                    facets=facets(), page_url=page_url)

    @app.get("/api/stories", name="api_stories")
    def api_stories(since: str | None = Since, until: str | None = Until, language: str | None = Lang,
                    outlet: str | None = Outlet, contradictions: bool = False,
                    page_no: int = Query(1, alias="page", ge=1, le=PAGE_NO),
                    per_page: int = Query(50, ge=1, le=MAX_PAGE_SIZE)) -> dict[str, Any]:
        """``{"stories": [...]}`` as ``factdiff stories -f json`` shapes each story, one page of them."""
        f = story_filters(since, until, language, outlet, contradictions)
        total, stories, _ = st.story_page(**f, offset=(page_no - 1) * per_page, limit=per_page)
        return {"stories": stories, "total": total, "page": page_no, "per_page": per_page,
                "pages": max(1, math.ceil(total / per_page))}

    @app.get("/topics", response_class=HTMLResponse, name="topics_page")
    def topics_page(request: Request, since: str | None = Since,
                    page_no: int = Query(1, alias="page", ge=1, le=PAGE_NO)) -> Response:
        day = _date(since, "since")
        total = st.count_topics(day)
        shown = st.list_topics(day, limit=page_size, offset=(page_no - 1) * page_size)
        titles = st.story_titles(sorted({sid for t in shown for sid in t["stories"]}))
        keep = {"since": since} if since else {}

        def page_url(n: int) -> str:
            return str(app.url_path_for("topics_page")) + "?" + urlencode({**keep, "page": n})

        return page(request, "topics.html", topics=shown, total=total, titles=titles, since=since or "",
                    page=page_no, pages=max(1, math.ceil(total / page_size)), page_url=page_url)

    @app.get("/api/topics", name="api_topics")
    def api_topics(since: str | None = Since, page_no: int | None = Query(None, alias="page", ge=1, le=PAGE_NO),
                   per_page: int = Query(50, ge=1, le=MAX_PAGE_SIZE)) -> dict[str, Any]:
        """``{"topics": [...]}`` as ``factdiff stories --level topic -f json`` prints it: all of them, or with
        ``page`` one page of ``per_page`` (and ``total``, ``page``, ``per_page``, ``pages``, as /api/stories)."""
        day = _date(since, "since")
        if page_no is None:
            return {"topics": st.list_topics(day)}
        total = st.count_topics(day)
        return {"topics": st.list_topics(day, limit=per_page, offset=(page_no - 1) * per_page), "total": total,
                "page": page_no, "per_page": per_page, "pages": max(1, math.ceil(total / per_page))}

    def load_story(story_id: int) -> dict[str, Any]:
        found = st.get_story(story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id} in this store")
        return found

    @app.get("/stories/{story_id:int}", response_class=HTMLResponse, name="story_page")
    def story_page(request: Request, story_id: int) -> Response:
        found = load_story(story_id)
        if found["id"] != story_id:  # merged into another story
            return RedirectResponse(str(app.url_path_for("story_page", story_id=found["id"])), status_code=308)
        data = found.pop("report")
        if not data:
            return page(request, "story.html", story=found, no_report=True, v={"title": found["title"]})
        from ..stories import report_from_json

        report = report_from_json(data)
        ids = st.article_ids([d.id for d in report.documents])
        view = build_view(report, story=found, title=found["title"],
                          article_href=lambda ext: str(app.url_path_for("article_page", article_id=ids[ext]))
                          if ext in ids else "")
        return page(request, "story.html", story=found, no_report=False, v=view)

    @app.get("/api/stories/{story_id:int}", name="api_story")
    def api_story(story_id: int) -> Any:
        """The story's report (the JSON report contract), as ``factdiff story ID -f json`` prints it."""
        found = load_story(story_id)
        data = found.pop("report")
        return data if data else {**found, "report": None}

    # --- articles ------------------------------------------------------------------------------------

    def load_article(article_id: int) -> dict[str, Any]:
        art = st.get_article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id} in this store")
        return art

    def article_view(art: dict[str, Any]) -> tuple[list[Any], list[dict[str, Any]]]:
        """The article's text in pieces (claims marked) and its claims with their counterparts."""
        data = (st.get_story(art["story_id"]) or {}).get("report") if art["story_id"] is not None else None
        if data and any(str(d.get("id")) == art["ext_id"] for d in data.get("documents", [])):
            from ..stories import report_from_json

            report = report_from_json(data)
            ids = st.article_ids([d.id for d in report.documents])
            view = build_view(report, article_href=lambda ext: str(app.url_path_for(
                "article_page", article_id=ids[ext])) if ext in ids else "")
            col = next(c for c in view["columns"] if c["id"] == art["ext_id"])
            rels = view["contradictions"] + view["tensions"] + view["agreements"]
            claims = []
            for _text, sv in col["pieces"]:
                if sv is None:
                    continue
                links = []
                for r in rels:
                    if sv.key not in (r["a"]["key"], r["b"]["key"]):
                        continue
                    other = r["b"] if r["a"]["key"] == sv.key else r["a"]
                    links.append({"label": r["label"], "words": LABEL_WORDS[r["label"]][1],
                                  "outlet": other["doc"]["outlet"], "text": other["text"],
                                  "href": f"{other['doc']['href']}#{other['key']}" if other["doc"]["href"] else "",
                                  "explanation": r["explanation"], "confidence": r["confidence"]})
                claims.append({"key": sv.key, "text": sv.text, "links": links, "unique": "unique" in sv.kinds})
            return col["pieces"], claims
        return [(art["text"], None)], []

    @app.get("/articles/{article_id:int}", response_class=HTMLResponse, name="article_page")
    def article_page(request: Request, article_id: int) -> Response:
        art = load_article(article_id)
        pieces, claims = article_view(art)
        return page(request, "article.html", a={**art, "url": safe_url(art["url"])}, pieces=pieces, claims=claims)

    @app.get("/api/articles/{article_id:int}", name="api_article")
    def api_article(article_id: int) -> dict[str, Any]:
        art = load_article(article_id)
        _pieces, claims = article_view(art)
        return {**art, "claims": [
            {"text": c["text"], "unique": c["unique"],
             "relations": [{k: link[k] for k in ("label", "outlet", "text", "explanation", "confidence")}
                           for link in c["links"]]} for c in claims]}

    # --- search --------------------------------------------------------------------------------------

    SEARCH_LIMIT = 50

    @app.get("/search", response_class=HTMLResponse, name="search_page")
    def search_page(request: Request, q: str = Query("", max_length=MAX_QUERY)) -> Response:
        hits = st.search_hits(q, SEARCH_LIMIT) if q.strip() else []
        return page(request, "search.html", q=q, hits=hits, limit=SEARCH_LIMIT)

    @app.get("/api/search", name="api_search")
    def api_search(q: str = Query(..., min_length=1, max_length=MAX_QUERY),
                   limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
        return {"query": q, "results": st.search_hits(q, limit)}

    # --- compare (nothing stored) --------------------------------------------------------------------

    empty_form = {"text": [], "source": [], "urls": ""}

    @app.get("/compare", response_class=HTMLResponse, name="compare_form")
    def compare_form(request: Request) -> Response:
        return page(request, "compare.html", error="", form=empty_form, limits=limits)

    async def read_compare_form(request: Request) -> tuple[list[Document], dict[str, Any]]:
        form = await request.form(max_files=max_texts, max_fields=3 * max_texts + 4, max_part_size=max_text_bytes)
        texts = [v for v in form.getlist("text") if isinstance(v, str)]
        sources = [v for v in form.getlist("source") if isinstance(v, str)]
        urls = str(form.get("urls") or "")
        shown = {"text": texts, "source": sources, "urls": urls}
        docs: list[Document] = []
        for i, text in enumerate(texts):
            if text.strip():
                if len(text.encode("utf-8")) > max_text_bytes:
                    raise InputError(f"text {i + 1} is over the {max_text_bytes // 1000} kB limit")
                name = (sources[i] if i < len(sources) else "").strip()[:200] or f"text {i + 1}"
                docs.append(Document(id="", source=name, text=text))
        from ..ingest import _from_bytes

        for upload in form.getlist("files"):
            if isinstance(upload, str) or not upload.filename:
                continue
            data = await upload.read(max_text_bytes + 1)
            if not data:
                continue
            name = upload.filename.rsplit("/", 1)[-1][:200]
            got = _from_bytes(data, name, max_text_bytes, jsonl_ok=False)
            for d in got:
                d.source = name
            docs.extend(got)
        lines = [u.strip() for u in urls.splitlines() if u.strip()]
        if lines and not allow_fetch:
            raise InputError("this server does not download URLs (start it with --allow-fetch); paste the text")
        if len(docs) + len(lines) > max_texts:
            raise InputError(f"at most {max_texts} articles in one comparison")
        if lines:
            from .fetch import fetch_document

            for url in lines:
                docs.append(await run_in_threadpool(fetch_document, url, min(MAX_BYTES, 5 * max_text_bytes), ""))
        if len(docs) < 2:
            raise InputError("give at least two texts to compare")
        for i, d in enumerate(docs):
            d.id = f"a{i + 1}"
        return docs, shown

    @app.post("/compare", response_class=HTMLResponse, name="compare_run")
    async def compare_run(request: Request) -> Response:
        from ..pipeline import compare

        shown: dict[str, Any] = empty_form
        try:
            docs, shown = await read_compare_form(request)
            try:
                await asyncio.wait_for(compare_lock.acquire(), COMPARE_WAIT_S)
            except TimeoutError:
                raise HTTPException(503, "the server is busy with another comparison; try again shortly") from None
            try:
                report = await run_in_threadpool(compare, docs, **(compare_options or {}))
            finally:
                compare_lock.release()
        except InputError as exc:
            return page(request, "compare.html", 400, error=str(exc), form=shown, limits=limits)
        except (ValueError, KeyError) as exc:  # a malformed multipart body
            return page(request, "compare.html", 400, error=f"unreadable form: {exc}"[:300], form=shown,
                        limits=limits)
        view = build_view(report, title=f"Comparison of {len(docs)} texts")
        return page(request, "compare_result.html", v=view)

    # --- ingest (only with --allow-ingest) -----------------------------------------------------------

    @app.post("/api/ingest", name="api_ingest")
    async def api_ingest(request: Request) -> dict[str, Any]:
        """JSONL articles (one JSON object a line, as ``factdiff ingest`` reads) into the store."""
        if not allow_ingest:
            raise HTTPException(403, "this server is read-only; start it with --allow-ingest to add articles")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("application/x-ndjson", "application/jsonl", "application/json"):
            raise HTTPException(415, "send JSONL as application/x-ndjson")  # no simple cross-site form post
        body = await request.body()
        from io import BytesIO

        from ..stories import ingest

        async with ingest_lock:
            result = await run_in_threadpool(ingest, ["-"], store=st, stdin=BytesIO(body),
                                             compare_options=compare_options)
        facet_cache["at"] = -math.inf
        return {"read": result.read, "added": result.added, "duplicates": result.duplicates,
                "stories_new": result.stories_new, "reports": result.reports, "errors": result.errors}

    return app
