"""Every mistake a user can make gets one line and a non-zero exit, or a sensible report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from factdiff.cli import app

runner = CliRunner()
ARTICLE = "The museum reopened on Sunday after a two-year renovation, the city said.\nVisitors queued for an hour."


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["compare", "-q", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        f"traceback: {result.exception!r}"
    return result.exit_code, result.output


def one_error_line(out: str) -> str:
    lines = [ln for ln in out.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, out
    assert "Traceback" not in out
    return lines[0]


def test_missing_path(tmp_path):
    code, out = run(str(tmp_path / "nope.txt"), str(tmp_path / "nope2.txt"))
    assert code != 0 and "no such file" in one_error_line(out)


def test_empty_file(tmp_path):
    (tmp_path / "a.txt").write_text("")
    (tmp_path / "b.txt").write_text(ARTICLE)
    code, out = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert code != 0 and "empty" in one_error_line(out)


def test_binary_file(tmp_path):
    (tmp_path / "a.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "b.txt").write_text(ARTICLE)
    code, out = run(str(tmp_path / "a.bin"), str(tmp_path / "b.txt"))
    assert code != 0 and "binary" in one_error_line(out)


def test_latin1_file_is_read(tmp_path):
    latin1 = "Le musée a rouvert dimanche après deux ans de travaux, a déclaré la ville.".encode("latin-1")
    (tmp_path / "a.txt").write_bytes(latin1)
    (tmp_path / "b.txt").write_text(ARTICLE)
    out = tmp_path / "r.json"
    code, _ = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-f", "json", "-o", str(out))
    assert code == 0
    data = json.loads(out.read_text())
    assert "musée" in data["documents"][0]["text"]


def test_huge_file(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.write(b"All work and no play makes a dull article. " * (50 * 1024 * 1024 // 43 + 1))
    (tmp_path / "b.txt").write_text(ARTICLE)
    code, out = run(str(big), str(tmp_path / "b.txt"))
    assert code != 0 and "limit" in one_error_line(out)


def test_one_article_only(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    code, out = run(str(tmp_path / "a.txt"))
    assert code != 0 and "at least two articles" in one_error_line(out)


def test_same_article_twice(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE)
    out = tmp_path / "r.json"
    code, _ = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-f", "json", "-o", str(out))
    assert code == 0
    data = json.loads(out.read_text())
    assert data["similarity"][0]["score"] == 1.0
    assert not [r for r in data["relations"] if r["label"] != "agree"]
    assert data["relations"] and not data["unique"]


def test_directory_without_articles(tmp_path):
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    code, out = run(str(tmp_path))
    assert code != 0 and "no articles" in one_error_line(out)


def test_hostile_html_is_extracted_and_escaped(tmp_path):
    hostile = ("<html><head><script>alert('head')</script></head><body><article><p>The museum reopened on "
               "Sunday after a two-year renovation.</p><p>Visitors saw &lt;script&gt;alert(1)&lt;/script&gt; "
               "painted on a banner.</p><script>document.write('pwned')</script></article></body></html>")
    (tmp_path / "a.html").write_text(hostile)
    (tmp_path / "b.txt").write_text(ARTICLE)
    out = tmp_path / "r.html"
    code, _ = run(str(tmp_path / "a.html"), str(tmp_path / "b.txt"), "-f", "html", "-o", str(out))
    assert code == 0
    page = out.read_text()
    assert "alert('head')" not in page and "pwned" not in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_invalid_jsonl_line(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"text": "One article about the museum."}\n{not json}\n')
    code, out = run(str(tmp_path / "in.jsonl"))
    assert code != 0 and "not valid JSON" in one_error_line(out)


def test_url_needs_fetch_flag():
    code, out = run("https://example.org/a", "https://example.org/b")
    assert code != 0 and "--fetch" in one_error_line(out)


def test_jsonl_from_stdin_in_a_real_process(tmp_path):
    lines = "\n".join(json.dumps({"text": t, "source": s}) for t, s in [
        ("The bridge reopened on Monday after three weeks of repairs.", "one"),
        ("The bridge reopened on Monday after five weeks of repairs.", "two"),
    ])
    proc = subprocess.run([sys.executable, "-m", "factdiff.cli", "compare", "-", "-f", "json", "-q"],
                          input=lines.encode(), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(proc.stdout)
    assert [r["kind"] for r in data["relations"] if r["label"] == "contradict"] == ["quantity"]


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json", "html"])
def test_every_format_renders(tmp_path, fmt):
    (tmp_path / "a.txt").write_text(ARTICLE)
    other = "The museum reopened on Saturday after a two-year renovation.\nVisitors queued for an hour."
    (tmp_path / "b.txt").write_text(other)
    code, out = run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-f", fmt)
    assert code == 0 and out.strip()


def test_version_and_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip().startswith("factdiff ")
    result = runner.invoke(app, ["compare", "--help"])
    assert result.exit_code == 0 and "--no-nli" in result.output


def test_fetch_honours_the_byte_limit_and_reads_html(tmp_path):
    """--fetch reads a page from a loopback server (the CLI user may name any address) within --max-bytes."""
    import http.server
    import threading

    page = ("<html><head><title>Bridge</title><script>alert(1)</script></head><body><article>"
            + "<p>The old bridge over the river reopened on Tuesday after two years of repairs.</p>" * 3
            + "</article></body></html>").encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = page * (40 if self.path == "/big" else 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        from factdiff.ingest import InputError, read_inputs

        doc, = read_inputs([f"{base}/ok"], fetch=True, max_bytes=len(page) + 100)
        assert "reopened on Tuesday" in doc.text and "alert" not in doc.text and doc.url == f"{base}/ok"
        code, out = run("--fetch", "--max-bytes", str(len(page) + 100), f"{base}/big", f"{base}/ok")
        assert code != 0 and "limit" in one_error_line(out)
        with pytest.raises(InputError, match="limit"):
            read_inputs([f"{base}/big"], fetch=True, max_bytes=len(page) + 100)
    finally:
        server.shutdown()
