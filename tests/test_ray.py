"""`factdiff ingest --ray`: the same stories and reports as the local path, a killed worker, bad records.

One local Ray (2 CPUs) is shared by the module; the tests that need it skip when Ray is not installed.
The articles below are invented for these tests (places, people and events do not exist).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from factdiff.cli import app
from factdiff.store import models as m
from factdiff.store import open_store
from factdiff.stories import ingest, list_stories

runner = CliRunner()

ARTICLES = [
    {"id": "post-dam-1", "source": "Vellmoor Post", "published": "2032-05-10T07:30:00Z", "language": "en",
     "url": "https://post.example/dam-1",
     "title": "Ashcombe Reservoir spillway opened as heavy rain fills dam",
     "text": "Engineers opened the spillway of the Ashcombe Reservoir near Vellmoor on Monday morning after three "
             "days of heavy rain raised the water to within half a metre of the crest. The regional water board "
             "said 1,200 residents downstream were told to move their cars away from the river banks. No homes "
             "have been flooded so far, according to the board's director, Ines Halloran."},
    {"id": "diario-presa-2", "source": "Diario del Norte", "published": "2032-05-10T11:00:00Z", "language": "es",
     "url": "https://diario.example/presa-2",
     "title": "Abren el aliviadero del embalse de Ashcombe por las lluvias",
     "text": "Los ingenieros abrieron el lunes el aliviadero del embalse de Ashcombe, cerca de Vellmoor, después "
             "de tres días de lluvias intensas. La junta regional del agua pidió a 1.200 vecinos que retiraran "
             "sus coches de las orillas del río. Según su directora, Ines Halloran, ninguna vivienda se ha "
             "inundado."},
    {"id": "post-library-3", "source": "Vellmoor Post", "published": "2032-05-10T20:00:00Z", "language": "en",
     "url": "https://post.example/library-3",
     "title": "Fire destroys reading room of Tarrow public library",
     "text": "A fire broke out late on Monday in the reading room of the Tarrow public library, destroying about "
             "8,000 books. Firefighters from three stations brought the blaze under control within two hours. "
             "Nobody was injured, the fire service said, and the cause is under investigation."},
    {"id": "wire-ferry-4", "source": "Coastal Wire", "published": "2032-05-11T06:00:00Z", "language": "en",
     "url": "https://wire.example/ferry-4",
     "title": "Quillan ferry crews walk out over pay",
     "text": "Crews on the Quillan island ferries began a 48-hour strike on Tuesday in a dispute over pay, "
             "leaving about 3,000 daily passengers without a crossing. The union said talks with the operator, "
             "Northsound Lines, broke down on Sunday."},
    {"id": "herald-library-5", "source": "Tarrow Herald", "published": "2032-05-11T08:00:00Z", "language": "en",
     "url": "https://herald.example/library-5",
     "title": "Tarrow library fire: 8,000 books lost, cause still unknown",
     "text": "Investigators were on Tuesday still trying to find what started the fire that gutted the reading "
             "room of Tarrow's public library on Monday night. Around 8,000 books were lost. The town's mayor, "
             "Peter Osgood, said the library would reopen in temporary rooms next month."},
    {"id": "post-dam-6", "source": "Vellmoor Post", "published": "2032-05-11T09:15:00Z", "language": "en",
     "url": "https://post.example/dam-6",
     "title": "Vellmoor river peaks below flood level after Ashcombe dam release",
     "text": "The river through Vellmoor peaked on Tuesday about 40 centimetres below flood level, a day after "
             "engineers released water from the Ashcombe Reservoir spillway. Ines Halloran of the regional water "
             "board said 2,000 residents had been warned, and that the release would continue until Thursday."},
    {"id": "diario-ferry-7", "source": "Diario del Norte", "published": "2032-05-11T10:30:00Z", "language": "es",
     "url": "https://diario.example/ferry-7",
     "title": "Huelga de los transbordadores de Quillan por los salarios",
     "text": "Las tripulaciones de los transbordadores de la isla de Quillan iniciaron el martes una huelga de 72 "
             "horas por una disputa salarial. Unos 3.000 pasajeros diarios se quedaron sin servicio. El sindicato "
             "dijo que las negociaciones con la naviera Northsound Lines se rompieron el domingo."},
    {"id": "gazette-ferry-8", "source": "Island Gazette", "published": "2032-05-11T12:00:00Z", "language": "en",
     "url": "https://gazette.example/ferry-8",
     "title": "Quillan ferry crews walk out over pay",  # a title repeated in a later batch: encoded once
     "text": "Ferry crews serving Quillan island stopped work on Tuesday in a pay dispute with Northsound Lines. "
             "About 3,000 people use the ferries every day. The strike is planned to last 48 hours."},
]
EVENTS = [{"post-dam-1", "diario-presa-2", "post-dam-6"}, {"post-library-3", "herald-library-5"},
          {"wire-ferry-4", "diario-ferry-7", "gazette-ferry-8"}]
BATCH = 3  # several batches, so the encoder calls and the stored annotations cross batch boundaries
CHECK = {"nli": False}  # reports without the NLI model: the same code path, a quicker test


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _clear_encoder_cache() -> None:
    """The local path's encoder keeps a per-process cache; a fresh run (a new process) starts without one."""
    from factdiff.embed import get_embedder

    get_embedder("use")._cache.clear()  # type: ignore[attr-defined]


def snapshot(db: str) -> dict[str, Any]:
    """What a user can see in the store: stories, topics, each article's clustering features and vector and its stored
    annotation (made by the first cross-check that read it), each story's report."""
    st = open_store(db)
    try:
        with st.session() as s:
            ann = {ext: (data, bytes(vec), article) for ext, data, vec, article in s.execute(
                select(m.Article.ext_id, m.Annotation.data, m.Annotation.vector, m.Annotation.article)
                .join(m.Annotation, m.Annotation.article_id == m.Article.id))}
            reports = {sid: data for sid, data in s.execute(select(m.Report.story_id, m.Report.data))}
        for data in reports.values():
            data.get("stats", {}).pop("timings_s", None)  # wall-clock times differ run to run
        return {"stories": list_stories(store=st), "topics": list_stories(store=st, level="topic"),
                "annotations": ann, "reports": reports}
    finally:
        st.close()


def membership(snap: dict[str, Any]) -> list[tuple[int, list[str]]]:
    return [(s["id"], [a["id"] for a in s["articles"]]) for s in snap["stories"]["stories"]]


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    from factdiff.scale import ray_available, start_ray

    if not ray_available():
        pytest.skip('Ray is not installed (pip install "factdiff[ray]"): the --ray tests are skipped')
    started = start_ray(num_cpus=2)
    yield
    if started:
        import ray

        ray.shutdown()


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("ray") / "stream.jsonl", ARTICLES)


@pytest.fixture(scope="module")
def local(stream: Path) -> dict[str, Any]:
    """The local path's store for the stream, with cross-check reports."""
    db = f"sqlite:///{stream.parent / 'local.db'}"
    _clear_encoder_cache()
    result = ingest([stream], db, batch_size=BATCH, compare_options=CHECK)
    assert (result.added, result.errors) == (len(ARTICLES), [])
    snap = snapshot(db)
    assert sorted((set(ids) for _, ids in membership(snap)), key=sorted) == sorted(EVENTS, key=sorted)
    assert len(snap["reports"]) == 3
    return snap


def test_ray_gives_the_local_stories_annotations_and_reports(ray_session: None, local: dict[str, Any],
                                                              stream: Path) -> None:
    db = f"sqlite:///{stream.parent / 'ray.db'}"
    result = ingest([stream], db, batch_size=BATCH, compare_options=CHECK, ray=True)
    assert (result.read, result.added, result.duplicates, result.errors) == (len(ARTICLES), len(ARTICLES), 0, [])
    got = snapshot(db)
    assert got["stories"] == local["stories"]  # membership, ids, titles, times, languages, contradictions
    assert got["annotations"] == local["annotations"]  # bit for bit: the same encoder calls
    assert got["reports"] == local["reports"]
    again = ingest([stream], db, batch_size=BATCH, compare_options=CHECK, ray=True)
    assert (again.added, again.duplicates) == (0, len(ARTICLES))


def test_ray_workers_parse_and_read_in_one_process_each(ray_session: None) -> None:
    """The actors are the parallelism: in a worker started like the pipeline's actors, a long article's parse
    and per-claim work are not split into forked processes (a fork would copy the worker's own threads)."""
    import ray

    from factdiff.scale.pipeline import ONE_PROCESS

    @ray.remote(runtime_env=ONE_PROCESS)
    def processes() -> int:
        from factdiff.entities import parse_processes

        return parse_processes()

    assert ray.get(processes.remote()) == 1


def test_parquet_and_a_killed_worker_give_the_same_store(ray_session: None, local: dict[str, Any],
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stream as Parquet (the JSONL fields as columns), and an embedding worker that dies once mid-run."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from factdiff.scale.pipeline import FAULT_ENV

    feed = tmp_path / "stream.parquet"
    pq.write_table(pa.Table.from_pylist(ARTICLES), feed)
    marker = tmp_path / "killed"
    monkeypatch.setenv(FAULT_ENV, str(marker))  # the first embedding call kills its worker (os._exit), once
    db = f"sqlite:///{tmp_path / 'killed.db'}"
    result = ingest([feed], db, batch_size=BATCH, cross_check=False, ray=True, ray_workers=1)
    assert marker.exists(), "the fault was not injected"
    assert (result.added, result.errors) == (len(ARTICLES), [])
    got = snapshot(db)
    assert membership(got) == membership(local)
    assert {k: v[:2] for k, v in got["annotations"].items()} == {k: v[:2] for k, v in local["annotations"].items()}


def test_bad_records_are_reported_and_the_rest_ingested(ray_session: None, tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    (folder / "sub").mkdir(parents=True)
    good = ARTICLES[:4]
    (folder / "a.jsonl").write_text(
        json.dumps(good[0]) + "\n" + '{"id": "cut-off", "text": "The line ends \n' + json.dumps(good[1]) + "\n"
        + json.dumps({"id": "blank", "text": "   "}) + "\n" + json.dumps(good[2]) + "\n", encoding="utf-8")
    (folder / "scan.txt").write_bytes(bytes(range(256)) * 8)  # binary data with a text suffix
    (folder / "sub" / "b.jsonl").write_text(json.dumps(good[3]) + "\n", encoding="utf-8")
    (folder / "sub" / "old-report.json").write_text(json.dumps({"factdiff_version": "0.1.0"}), encoding="utf-8")
    _clear_encoder_cache()
    ref = ingest([folder], f"sqlite:///{tmp_path / 'local.db'}", batch_size=BATCH, cross_check=False)
    got = ingest([folder], f"sqlite:///{tmp_path / 'ray.db'}", batch_size=BATCH, cross_check=False, ray=True)
    assert got.errors == ref.errors == [
        f"{folder / 'a.jsonl'}:2: not valid JSON (Unterminated string starting at)",
        f"{folder / 'a.jsonl'}:4: each line needs a non-empty \"text\" field",
        f"{folder / 'scan.txt'}: looks like a binary file, not an article"]
    assert got.skipped_files == ref.skipped_files == [str(folder / "sub" / "old-report.json")]
    assert (got.read, got.added) == (ref.read, ref.added) == (4, 4)
    assert snapshot(f"sqlite:///{tmp_path / 'ray.db'}") == snapshot(f"sqlite:///{tmp_path / 'local.db'}")


def test_cli_ray_flag_without_an_address(ray_session: None, local: dict[str, Any], stream: Path,
                                         tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    res = runner.invoke(app, ["ingest", "--ray", str(stream), "--db", db, "--no-check", "--batch-size", str(BATCH)])
    assert res.exit_code == 0, res.stderr
    assert f"{len(ARTICLES)} new articles" in res.stderr
    assert membership(snapshot(db)) == membership(local)


def test_without_ray_the_flag_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, stream: Path,
                                                      tmp_path: Path) -> None:
    import factdiff.scale

    monkeypatch.setattr(factdiff.scale, "ray_available", lambda: False)
    res = runner.invoke(app, ["ingest", str(stream), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--ray"])
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == ['error: Ray is not installed; run: pip install "factdiff[ray]"']


@pytest.mark.parametrize("word, address", [("local", True), ("auto", True), ("ray://head:10001", True),
                                           ("10.0.0.5:6379", True), ("feed.jsonl", False), ("-", False),
                                           ("news/2032", False)])
def test_what_follows_ray_is_an_address_only_when_it_looks_like_one(word: str, address: bool) -> None:
    from factdiff.scale import is_address

    assert is_address(word) is address
