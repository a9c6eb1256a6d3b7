"""`factdiff ingest / stories / story` on invented articles: bad lines, bad URLs, stdin, kill -9 and rerun."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factdiff.cli import app

STREAM = Path(__file__).resolve().parent.parent / "examples" / "stream" / "articles.jsonl"
runner = CliRunner()


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in STREAM.read_text(encoding="utf-8").splitlines() if line.strip()]


def _db(tmp_path: Path, name: str = "t.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def _stories(db: str, level: str = "story") -> dict[str, object]:
    res = runner.invoke(app, ["stories", "--db", db, "-f", "json", "--level", level])
    assert res.exit_code == 0, res.stderr
    data: dict[str, object] = json.loads(res.stdout)
    return data


def test_malformed_line_is_reported_with_its_number_and_the_rest_ingested(tmp_path: Path) -> None:
    rows = _rows()[:3]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([json.dumps(rows[0]), '{"id": "broken", "text": ', json.dumps(rows[1]),
                               json.dumps({"id": "empty", "text": "  "}), json.dumps(rows[2])]) + "\n",
                    encoding="utf-8")
    db = _db(tmp_path)
    res = runner.invoke(app, ["ingest", str(path), "--db", db, "--no-check"])
    assert res.exit_code == 1
    assert f"{path}:2: not valid JSON" in res.stderr
    assert f"{path}:4: each line needs a non-empty \"text\" field" in res.stderr
    assert "3 new articles" in res.stderr and "2 inputs skipped" in res.stderr
    stored = {a["id"] for s in _stories(db)["stories"] for a in s["articles"]}  # type: ignore[attr-defined]
    assert stored == {rows[0]["id"], rows[1]["id"], rows[2]["id"]}


@pytest.mark.parametrize("url, message", [
    ("mysql://someone@localhost/news", "unsupported database 'mysql'"),
    ("postgresql://nobody@127.0.0.1:1/nothing", "cannot open database"),
])
@pytest.mark.parametrize("command", [["ingest", str(STREAM), "--no-check"], ["stories"], ["story", "1"]])
def test_wrong_database_url_is_one_line_and_exit_2(command: list[str], url: str, message: str) -> None:
    res = runner.invoke(app, [*command, "--db", url])
    assert res.exit_code == 2
    assert message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr


def test_newer_schema_is_refused_in_one_line(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert runner.invoke(app, ["stories", "--db", db]).exit_code == 0
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    res = runner.invoke(app, ["ingest", str(STREAM), "--db", db])
    assert res.exit_code == 2 and "newer than this factdiff" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_stdin_and_batch_lines_when_piped(tmp_path: Path) -> None:
    feed = "\n".join(json.dumps(r) for r in _rows()[:4]) + "\n"
    db = _db(tmp_path)
    res = runner.invoke(app, ["ingest", "-", "--db", db, "--no-check", "--batch-size", "2"], input=feed)
    assert res.exit_code == 0, res.stderr
    assert [line.split(":")[0] for line in res.stderr.splitlines() if line.startswith("batch")] == \
        ["batch 1", "batch 2"]
    assert "4 new articles, 0 already stored" in res.stderr
    again = runner.invoke(app, ["ingest", "-", "--db", db, "--no-check"], input=feed)
    assert "0 new articles, 4 already stored" in again.stderr


def test_directory_skips_factdiff_outputs(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.txt").write_text("A small invented report about a lighthouse that was repainted red.\n",
                                     encoding="utf-8")
    (folder / "report.json").write_text(json.dumps({"factdiff_version": "0.1.0", "documents": []}), encoding="utf-8")
    res = runner.invoke(app, ["ingest", str(folder), "--db", _db(tmp_path), "--no-check"])
    assert res.exit_code == 0, res.stderr
    assert f"skipped {folder / 'report.json'}" in res.stderr.replace("\n", "")
    assert "1 new articles" in res.stderr


def test_ingest_stories_story_end_to_end(tmp_path: Path) -> None:
    """Two reports of one invented event, cross-checked on ingest; the story renders in every format."""
    rows = [r for r in _rows() if r["id"] in ("diario-observatorio-1", "wire-observatory-2")]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    db = _db(tmp_path)
    res = runner.invoke(app, ["ingest", str(path), "--db", db, "--no-nli"])
    assert res.exit_code == 0, res.stderr
    assert "1 reports updated" in res.stderr
    (entry,) = _stories(db)["stories"]  # type: ignore[misc]
    assert [a["id"] for a in entry["articles"]] == ["diario-observatorio-1", "wire-observatory-2"]
    assert entry["languages"] == ["en", "es"]
    report = runner.invoke(app, ["story", str(entry["id"]), "--db", db, "-f", "json"])
    data = json.loads(report.stdout)
    assert [d["id"] for d in data["documents"]] == ["diario-observatorio-1", "wire-observatory-2"]
    assert entry["contradictions"] == data["summary"]["contradictions"]
    md = runner.invoke(app, ["story", str(entry["id"]), "--db", db, "-f", "markdown"])
    assert md.exit_code == 0 and md.stdout.startswith("# factdiff report")
    html = runner.invoke(app, ["story", str(entry["id"]), "--db", db, "-f", "html"])
    assert "<html" in html.stdout
    term = runner.invoke(app, ["story", str(entry["id"]), "--db", db])
    assert term.exit_code == 0 and "factdiff" in term.stdout
    missing = runner.invoke(app, ["story", "999", "--db", db])
    assert missing.exit_code == 2 and "no story 999" in missing.stderr


def _long_stream(tmp_path: Path) -> Path:
    """60 invented articles: five follow-ups of each bundled one (distinct text, same event)."""
    out = []
    for r in _rows():
        for k in range(5):
            out.append({**r, "id": f"{r['id']}-u{k}", "url": f"{r['url']}?update={k}",
                        "text": r["text"] + f" Update {k + 1}: more details are expected later today."})
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in out) + "\n", encoding="utf-8")
    return path


def _count(db_file: Path) -> int:
    try:
        with sqlite3.connect(db_file, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_9_mid_ingest_then_rerun_gives_the_uninterrupted_store(tmp_path: Path) -> None:
    feed = _long_stream(tmp_path)
    ref = _db(tmp_path, "ref.db")
    assert runner.invoke(app, ["ingest", str(feed), "--db", ref, "--no-check", "-q"]).exit_code == 0
    killed_file = tmp_path / "killed.db"
    cmd = [sys.executable, "-c", "from factdiff.cli import main; main()", "ingest", str(feed),
           "--db", f"sqlite:///{killed_file}", "--no-check", "--batch-size", "1", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    read_while_writing = None
    while proc.poll() is None and _count(killed_file) < 10:
        if read_while_writing is None and _count(killed_file) >= 3:
            read_while_writing = _stories(f"sqlite:///{killed_file}")  # a reader is not blocked by the writer
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.fail(f"ingest ended before it could be killed: {proc.stderr.read().decode() if proc.stderr else ''}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _count(killed_file)
    assert 10 <= partial < 60
    assert read_while_writing is not None and read_while_writing["stories"]
    res = runner.invoke(app, ["ingest", str(feed), "--db", f"sqlite:///{killed_file}", "--no-check", "-q"])
    assert res.exit_code == 0, res.stderr
    with sqlite3.connect(killed_file) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone() == (60, 60)
    assert _stories(f"sqlite:///{killed_file}") == _stories(ref)
    assert _stories(f"sqlite:///{killed_file}", "topic") == _stories(ref, "topic")
