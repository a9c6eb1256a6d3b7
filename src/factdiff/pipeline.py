"""``compare``: the whole job, as a sequence of small named stages.

ingest → annotate (per article: text, sentences, repeats, noise, claims, embeddings, parse) →
compare_annotated (cues → entities across articles → align (candidates) → judge → report).
Models load once per process and stay loaded, so
a second ``compare`` in the same process is fast.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import logging
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from . import samefact
from . import similarity as sim_mod
from . import text as text_mod
from .align import (
    THRESHOLDS,
    Candidate,
    Thresholds,
    candidates_by_probability,
    frame_pairs,
    mutual_best,
    near_pairs,
    sole_pairs,
    structured_partners,
    value_pairs,
)
from .annotated import AnnotatedArticle, annotate
from .beside import map_in_two
from .config import DEFAULT, Config
from .cues import ClaimCues, polarity_from_parse, read_cues
from .doc import Claim, Document, Relation, Sentence
from .embed import DEFAULT_BACKEND, get_embedder
from .ingest import MAX_BYTES, InputError, read_inputs
from .judge import JudgeContext, beside_disagreements, judge_pair, nli_window, recurring_figures, restatements, run_nli
from .report import Report, group_facts, select_relations, unique_claims
from .samefact import SameFactModel

log = logging.getLogger("factdiff")
Progress = Callable[[str], None]


def _prefetch_parsers(docs: list[Document]) -> tuple[list[Document], dict[int, Future[tuple[str, Any]]]]:
    """The documents with their language detected (annotate then detects nothing again), and the parses
    (``entities.parse``) of those under ``entities.PARSE_CHUNK_FROM`` characters, by document index, being
    made in a background thread that first loads the spaCy pipelines they need; meanwhile the main thread
    reads sentences and claims and runs the sentence encoder (numpy, which releases the interpreter), so
    the two overlap. A longer text is parsed by ``annotate`` in the main thread (only the main thread forks
    the processes that parse its pieces). ``entities.load_model`` waits for a load in progress."""
    import threading

    from .entities import _MODELS, PARSE_CHUNK_FROM, PREFETCH_THREAD, load_model, model_language
    from .entities import parse as parse_document

    docs = [d if d.language not in ("", "und") else dataclasses.replace(d, language=text_mod.detect_language(d.text))
            for d in docs]
    langs = {lang for d in docs if (lang := model_language(d)) in _MODELS}
    parsed: dict[int, Future[tuple[str, Any]]] = {k: Future() for k, d in enumerate(docs)
                                                   if len(d.text) < PARSE_CHUNK_FROM}

    def work() -> None:
        for lang in sorted(langs):
            try:
                load_model(lang)
            except Exception:  # noqa: BLE001 - the parse below (or annotate) reports it
                pass
        for k, fut in parsed.items():
            try:
                fut.set_result(parse_document(docs[k]))
            except BaseException as exc:  # noqa: BLE001 - raised again where the parse is used
                fut.set_exception(exc)

    threading.Thread(target=work, daemon=True, name=PREFETCH_THREAD).start()
    return docs, parsed


def compare(
    inputs: Iterable[str | Path | Document],
    *,
    backend: str = DEFAULT_BACKEND,
    nli: bool = True,
    entities: bool = True,
    exhaustive: bool = False,
    fetch: bool = False,
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
    config: Config | None = None,
    samefact_model: SameFactModel | None = None,
) -> Report:
    """Cross-check two or more articles about one event: ``annotate`` each, then ``compare_annotated``.

    ``inputs`` are paths (text, HTML, JSONL, directories), ``-`` for stdin, URLs (only
    with ``fetch=True``) or ``Document`` objects. ``exhaustive`` sends every claim pair
    to the judge (the naive baseline the benchmarks compare against).
    """
    step = progress or (lambda _msg: None)
    clock = time.perf_counter()
    step("reading articles")
    docs = read_inputs(inputs, fetch=fetch, max_bytes=max_bytes)
    if len(docs) < 2:
        raise InputError(f"compare needs at least two articles; got {len(docs)}")
    read_s = time.perf_counter() - clock
    step("annotating articles")
    cfg = config or DEFAULT
    docs, parsed = _prefetch_parsers(docs)
    arts = []
    for k, d in enumerate(docs):
        art = annotate(d, backend=backend, config=cfg, parse=k not in parsed)
        if k in parsed:
            art.parse_lang, art.parse = parsed[k].result()
        arts.append(art)
    annotate_s = time.perf_counter() - clock - read_s
    report = compare_annotated(arts, nli=nli, entities=entities, exhaustive=exhaustive, progress=progress,
                               config=cfg, samefact_model=samefact_model)
    report.stats["timings_s"] = {"ingest": round(read_s, 4), "annotate": round(annotate_s, 4),
                                 **report.stats.get("timings_s", {})}
    return report


def compare_annotated(
    articles: list[AnnotatedArticle],
    *,
    nli: bool = True,
    entities: bool = True,
    exhaustive: bool = False,
    progress: Progress | None = None,
    config: Config | None = None,
    samefact_model: SameFactModel | None = None,
) -> Report:
    """The cross-document part of ``compare``, over articles ``annotate`` has read (or the store kept).

    Entities are always resolved: the roles, places and negation checks read them, so leaving
    entities out of the report (``entities=False``) changes no verdict.
    """
    step = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 4)
        clock = now

    if len(articles) < 2:
        raise InputError(f"compare needs at least two articles; got {len(articles)}")
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        raise InputError("two annotated articles share one id: " + ", ".join(sorted({i for i in ids
                                                                                     if ids.count(i) > 1})))
    cfg = config or DEFAULT
    prep = prepared_from(articles, step=step)
    docs = prep.docs
    claims, cues, annotation, sentences = prep.claims, prep.cues, prep.annotation, prep.sentences
    vectors, embedder = prep.vectors, prep.embedder
    lap("cues_entities")

    step("aligning claims")
    sf_model = samefact_model or samefact.load_model(cfg.encoders)
    probs = {k: sf_model.probability(t) for k, t in pair_tensors(prep).items()}
    cosine = THRESHOLDS[embedder.name]
    cos = {k: prep.vectors[k[0]] @ prep.vectors[k[1]].T for k in probs}
    cands, all_pairs = candidates_by_probability(claims, probs, cues, cfg.candidate_p, cfg.top_k, exhaustive,
                                                 cos=cos, structured_cos=cosine.structured)
    thresholds = Thresholds(candidate=cfg.candidate_p, structured=cfg.candidate_p / 2, related=cfg.related_p,
                            agree=cfg.agree_p, context=0.0, agree_values=cfg.agree_values_p,
                            agree_mutual=cfg.agree_mutual_p)
    holders = _holders(claims, annotation)
    frames = frame_pairs(claims, probs, cues, holders) if cfg.frame_pairs else []
    recurring = recurring_figures(claims, cues)
    values = value_pairs(claims, probs, cues, holders) if cfg.value_pairs else []
    frames += near_pairs(claims, probs, cues, cfg.near_ratio, holders)
    if cfg.sole_pairs:
        frames += sole_pairs(claims, probs, cues, holders)
    lap("align")

    step(f"judging {len(cands)} candidate pairs")
    places, place_names = _places(docs, claims, annotation)
    ctx = JudgeContext(cues=cues, thresholds=thresholds, roles=_role_checker(annotation),
                       partners=_other_holders(_partners(cands, cues, prep, thresholds, cosine, places)
                                               | {(a.id, b.id, kind) for a, b, _, kind in frames}, holders),
                       closest=mutual_best(cands), places=places, place_names=place_names,
                       recurring=recurring, holders=holders)
    judged_pairs = {(c.a.id, c.b.id) for c in cands}
    for a, b, p, kind in frames + values:  # claims that fill one fact slot are judged whatever their wording
        if (a.id, b.id) not in judged_pairs:
            judged_pairs.add((a.id, b.id))
            cands.append(Candidate(a, b, p, "value" if kind == "value" else "frame"))
    nli_used = False
    if nli:
        model = _load_nli(cfg.nli_model)
        if model is not None:
            ctx.nli_probs = run_nli(model, cands, nli_window(thresholds, ctx.nli_policy))
            ctx.nli_labels = tuple(model.labels)
            nli_used = True
    judged = [Relation(c.a, c.b, judge_pair(c, ctx), c.similarity) for c in cands]
    relations = select_relations([r for r in judged if r.verdict.label != "unrelated"])
    relations += restatements(relations, claims, ctx)
    relations += beside_disagreements(relations, ctx)
    relations.sort(key=lambda r: ({"contradict": 0, "tension": 1, "agree": 2}[r.verdict.label], r.a.doc, r.a.start))
    lap("judge")

    step("writing the report")
    sims = _similarities(docs, claims, vectors, annotation, relations, embedder.name)
    report = Report(
        documents=docs,
        sentences=sentences,
        claims=claims,
        relations=relations,
        unique=unique_claims(claims, relations),
        entities=annotation.entities if annotation is not None and entities else [],
        similarity=sims,
        facts=group_facts(claims, relations),
        noise=[s for d in docs for s in prep.noise.get(d.id, [])],
    )
    report.warnings = sanity_warnings(docs, sims, cfg)
    lap("report")
    report.stats = {
        "claims": sum(len(cs) for cs in claims.values()),
        "claim_pairs": all_pairs,
        "judge_calls": len(cands),
        "nli_pairs": len(ctx.nli_probs),
        "timings_s": timings,
    }
    report.options = {"backend": embedder.name, "nli": nli_used, "entities": entities,
                      "exhaustive": exhaustive, "config": cfg.to_json(),
                      "samefact_model": {"fitted_on": sf_model.meta.get("fitted_on"),
                                         "command": sf_model.meta.get("command")}}
    return report


@dataclasses.dataclass
class Prepared:
    """Everything read from each article before articles are compared."""

    docs: list[Document]
    sentences: dict[str, list[Sentence]]
    claims: dict[str, list[Claim]]
    cues: dict[str, ClaimCues]
    embedder: Any
    raw: dict[str, np.ndarray]  # one vector per claim, as encoded
    vectors: dict[str, np.ndarray]  # claim vectors with some of their sentence
    sentence_vectors: dict[str, dict[int, np.ndarray]]
    e5: dict[str, np.ndarray] | None
    annotation: Any
    noise: dict[str, list[Sentence]] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def claim_index(self) -> dict[str, int]:
        return {c.id: k for cs in self.claims.values() for k, c in enumerate(cs)}


def prepare(docs: list[Document], *, backend: str = DEFAULT_BACKEND, entities: bool = True,
            step: Progress | None = None, second_encoder: bool = False) -> Prepared:
    """Sentences, claims, cues, embeddings and entities of each article (``annotate`` then the
    cross-document reading of ``prepared_from``)."""
    cfg = Config(encoders="use+e5" if second_encoder else "use")
    arts = [annotate(d, backend=backend, config=cfg, parse=entities) for d in docs]
    return prepared_from(arts, step=step, entities=entities)


def prepared_from(arts: list[AnnotatedArticle], *, step: Progress | None = None,
                  entities: bool = True) -> Prepared:
    """Cues of every claim, vectors in context, and entities resolved across the articles."""
    step = step or (lambda _msg: None)
    backends = {a.options.get("backend", DEFAULT_BACKEND) for a in arts}
    if len(backends) != 1:
        raise InputError("the articles were annotated with different encoders: " + ", ".join(sorted(backends)))
    embedder = get_embedder(backends.pop())
    docs = [a.document for a in arts]
    sentences = {a.id: a.sentences for a in arts}
    claims = {a.id: a.claims for a in arts}
    noise = {a.id: a.noise_sentences for a in arts}
    if not any(claims.values()):
        raise InputError("no sentences found in the articles")
    step("reading figures, dates and polarity")
    every = [c for cs in claims.values() for c in cs]
    cues: dict[str, ClaimCues] = dict(zip((c.id for c in every), map_in_two(_cues_of, every), strict=True))
    raw: dict[str, np.ndarray] = {}
    vectors: dict[str, np.ndarray] = {}
    sentence_vectors: dict[str, dict[int, np.ndarray]] = {}
    for a in arts:
        d, cs = a.id, a.claims
        raw[d] = a.vectors.get(embedder.name, np.zeros((0, embedder.dim), np.float32))
        sentence_vectors[d] = _sentence_vectors(raw[d], cs)
        vectors[d] = _claim_vectors(raw[d], cs, sentence_vectors[d], sentences[d]) if cs else \
            np.zeros((0, embedder.dim), np.float32)
    other = "e5" if embedder.name == "use" else "use"
    e5 = {a.id: a.vectors[other] for a in arts} if all(other in a.vectors for a in arts) else None

    annotation = None
    if entities:
        step("finding entities")
        from . import entities as entities_mod

        annotation = entities_mod.annotate(docs, parsed={a.id: a.parse for a in arts if a.parse is not None})
        _polarity_from_parse(claims, cues, annotation)
    return Prepared(docs, sentences, claims, cues, embedder, raw, vectors, sentence_vectors, e5, annotation, noise)


def _cues_of(claim: Claim) -> ClaimCues:
    return read_cues(claim.text, claim.language)


CONTEXT_WEIGHT = 0.5  # how much of its sentence a split-off claim carries into its vector


def sanity_warnings(docs: list[Document], sims: list[tuple[str, str, float]], cfg: Config) -> list[str]:
    """What a reader must know before trusting the verdicts: identical inputs, articles that are
    probably not about one event, languages read without a parser."""
    from . import entities

    def has_parser(lang: str) -> bool:
        return lang in getattr(entities, "_MODELS", {})

    out = []
    for a, b, score in sims:
        if score >= 1.0:
            out.append(f"{a} and {b} are the same text: their agreements say nothing about the facts")
        elif score < cfg.same_event_similarity:
            out.append(f"{a} and {b} may not report the same event (article similarity {score:.2f})")
    for lang in sorted({d.language for d in docs if not has_parser(d.language)}):
        ids = ", ".join(d.id for d in docs if d.language == lang)
        out.append(f"no parser for language '{lang}' ({ids}): negation, roles and places are read "
                   "without one, less reliably")
    return out


def _partners(cands: list[Candidate], cues: dict[str, ClaimCues], prep: Prepared, thresholds: Thresholds,
              cosine: Thresholds, places: dict[str, frozenset[str]]) -> set[tuple[str, str, str]]:
    """Pairs whose figures, dates, places and polarity may be compared: mutual best by same-fact
    probability among claims that measure the same thing, and (for figures and dates) mutual best
    by the cosine of the sentences read with the one before, above ``cosine.context``: "the two
    leaders spoke for an hour" after a dinner elsewhere is then not weighed against "the meeting
    lasted two and a half hours"."""
    by_probability = structured_partners(cands, cues, None, thresholds, places=places, measured=True)
    context = _context_vectors(cands, cues, prep.sentence_vectors)
    by_cosine = [dataclasses.replace(c, similarity=float(prep.vectors[c.a.doc][_index(prep, c.a)]
                                                         @ prep.vectors[c.b.doc][_index(prep, c.b)])) for c in cands]
    return by_probability | structured_partners(by_cosine, cues, context, cosine, places=places)


def _index(prep: Prepared, claim: Claim) -> int:
    return prep.claim_index[claim.id]


def _polarity_from_parse(claims: dict[str, list[Claim]], cues: dict[str, ClaimCues], annotation: Any) -> None:
    """Where a document has a dependency parse, read negation from it rather than from word order."""
    for doc_id, cs in claims.items():
        parsed = annotation.parsed.get(doc_id)
        if parsed is None or not parsed.has_annotation("DEP"):
            continue
        for c in cs:
            span = parsed.char_span(c.start, c.end, alignment_mode="expand")
            if span is None:
                continue
            negated, affirmed, phrases = polarity_from_parse(span)
            cues[c.id] = dataclasses.replace(cues[c.id], negated=negated, affirmed=affirmed, negations=phrases)


def _sentence_vectors(raw: np.ndarray, cs: list[Claim]) -> dict[int, np.ndarray]:
    """A sentence's vector as the normalised sum of its claims' vectors: no second encoding pass."""
    sums: dict[int, np.ndarray] = {}
    for k, c in enumerate(cs):
        sums[c.sentence] = sums.get(c.sentence, 0) + raw[k]
    return {i: v / max(float(np.linalg.norm(v)), 1e-9) for i, v in sums.items()}


def _claim_vectors(raw: np.ndarray, cs: list[Claim], svecs: dict[int, np.ndarray],
                   sents: list[Sentence]) -> np.ndarray:
    """Claim vectors; a claim split off a longer sentence also carries some of the sentence,
    so that "adding that the meeting lasted two and a half hours" still knows which meeting."""
    vecs = raw.copy()
    for k, c in enumerate(cs):
        if c.text != sents[c.sentence].text:
            v = raw[k] + CONTEXT_WEIGHT * svecs[c.sentence]
            vecs[k] = v / max(float(np.linalg.norm(v)), 1e-9)
    return vecs


def _context_vectors(cands: list[Candidate], cues: dict[str, ClaimCues],
                     svecs: dict[str, dict[int, np.ndarray]]) -> dict[str, np.ndarray]:
    """A claim's sentence read with the one before it, for claims with numbers or dates."""
    out: dict[str, np.ndarray] = {}
    order = {d: sorted(v) for d, v in svecs.items()}
    for cand in cands:
        for c in (cand.a, cand.b):
            if c.id in out or not (cues[c.id].quantities or not cues[c.id].dates.empty()):
                continue
            out[c.id] = _with_previous(svecs[c.doc], c.sentence, 1.0, order[c.doc])
    return out


def _with_previous(svecs: dict[int, np.ndarray], sentence: int, weight: float,
                   order: list[int] | None = None) -> np.ndarray:
    """A sentence's vector plus ``weight`` times the previous sentence's, normalised.

    ``order``: ``sorted(svecs)``, for callers that ask about many sentences of one article."""
    v = svecs[sentence].copy()
    if order is None:
        prev = max((i for i in svecs if i < sentence), default=None)
    else:
        k = bisect.bisect_left(order, sentence)
        prev = order[k - 1] if k else None
    if prev is not None:
        v = v + weight * svecs[prev]
    return v / max(float(np.linalg.norm(v)), 1e-9)


LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|inside|à|au|aux|en|dans|près\s+de)\s+(?:the\s+|la\s+|le\s+|l')?)$",
                      re.IGNORECASE)


def _places(docs: list[Document], claims: dict[str, list[Claim]],
            annotation: Any) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Where each claim says its fact happens: place entities introduced by "in", "at", "à"...,
    as the actors they stand for."""
    if annotation is None:
        return {}, {}
    text = {d.id: d.text for d in docs}
    where: dict[str, frozenset[str]] = {}
    names: dict[str, str] = {}
    kinds = {e.id: e for e in annotation.entities if e.type in ("GPE", "LOC", "FAC")}
    # place mentions per document, sorted by start: each claim reads the mentions inside it from a
    # bisected window, in the order of a scan over entities then mentions (names: the last one wins)
    by_doc: dict[str, list[tuple[int, int, Any]]] = {}
    order = 0
    for ent in kinds.values():
        for m in ent.mentions:
            by_doc.setdefault(m.doc, []).append((m.start, order, ent))
            order += 1
    starts: dict[str, list[int]] = {}
    for doc_id, rows in by_doc.items():
        rows.sort(key=lambda r: (r[0], r[1]))
        starts[doc_id] = [r[0] for r in rows]
    for cs in claims.values():
        for c in cs:
            doc_rows = by_doc.get(c.doc)
            if not doc_rows:
                continue
            at = starts[c.doc]
            inside = doc_rows[bisect.bisect_left(at, c.start):bisect.bisect_left(at, c.end)]
            found: set[str] = set()
            for m_start, _, ent in sorted(inside, key=lambda r: r[1]):
                if LOCATIVE.search(text[c.doc][max(c.start, m_start - 20):m_start]):
                    actor = annotation.actor_of(ent.id)
                    found.add(actor)
                    names[actor] = ent.name
            if found:
                where[c.id] = frozenset(found)
    return where, names


HOLDER_TYPES = ("PERSON", "ORG")  # who a figure can belong to: "party A won 23 seats"


def _holders(claims: dict[str, list[Claim]], annotation: Any) -> dict[str, frozenset[str]]:
    """The people and organisations each claim names, as the actors they stand for."""
    if annotation is None:
        return {}
    kinds = {e.id for e in annotation.entities if e.type in HOLDER_TYPES}
    out: dict[str, frozenset[str]] = {}
    for cs in claims.values():
        for prev, c in zip([None, *cs[:-1]], cs, strict=True):
            found = {annotation.actor_of(e) for e in annotation.entities_in(c.span) if e in kinds}
            if found:
                out[c.id] = frozenset(found)
            elif prev is not None and prev.sentence == c.sentence and prev.id in out and c.text[:1].islower():
                # a clause split off its sentence without a subject ("..., securing 24 seats") is about
                # what the clause before it names
                out[c.id] = out[prev.id]
    return out


def _other_holders(partners: set[tuple[str, str, str]],
                   holders: dict[str, frozenset[str]]) -> set[tuple[str, str, str]]:
    """Figures are never compared across holders: two claims that each name who the figure belongs
    to, and name no one in common, keep their figures apart."""
    empty: frozenset[str] = frozenset()
    return {(a, b, kind) for a, b, kind in partners
            if kind != "quantity" or not (holders.get(a, empty) and holders.get(b, empty))
            or holders.get(a, empty) & holders.get(b, empty)}


def _role_checker(annotation: Any) -> Callable[[Claim, Claim], Any] | None:
    if annotation is None:
        return None
    try:
        from . import roles
    except ImportError:
        return None
    return lambda a, b: roles.check_roles(a, b, annotation)


def _load_nli(kind: str = "head") -> Any:
    """The shipped NLI model of ``kind`` (Config.nli_model), or None (with a warning) when it is not
    available."""
    if kind == "crossencoder":
        from . import crossencoder

        try:
            return crossencoder.load_crossencoder()
        except crossencoder.CrossEncoderError as exc:
            log.warning("cross-encoder unavailable, judging without it: %s", exc)
            return None
    if kind != "head":
        raise ValueError(f"unknown nli_model {kind!r}: head or crossencoder")
    try:
        from . import nli as nli_mod
    except ImportError:
        return None
    try:
        return nli_mod.load_nli()
    except nli_mod.NLIError as exc:
        log.warning("NLI model unavailable, judging without it: %s", exc)
        return None


def _similarities(docs: list[Document], claims: dict[str, list[Claim]], vectors: dict[str, np.ndarray],
                  annotation: Any, relations: list[Relation], backend: str) -> list[tuple[str, str, float]]:
    names: dict[str, set[str]] = {d.id: set() for d in docs}
    if annotation is not None:
        for ent in annotation.entities:
            for m in ent.mentions:
                names[m.doc].add(ent.name)
    profiles = {
        d.id: sim_mod.build_profile(d, [c.text for c in claims[d.id]], vectors[d.id],
                                    names[d.id] if annotation is not None else None, backend=backend)
        for d in docs
    }
    out = []
    for a, b in itertools.combinations([d.id for d in docs], 2):
        n_contra = sum(1 for r in relations if r.verdict.label == "contradict" and {r.a.doc, r.b.doc} == {a, b})
        score = 1.0 if _same_text(docs, a, b) else sim_mod.similarity(profiles[a], profiles[b], n_contra)
        out.append((a, b, float(score)))
    return out


def _same_text(docs: list[Document], a: str, b: str) -> bool:
    ta = next(d.text for d in docs if d.id == a)
    tb = next(d.text for d in docs if d.id == b)
    return text_mod.normalise(ta) == text_mod.normalise(tb)


__all__ = ["compare", "compare_annotated", "Candidate"]


def pair_tensors(prep: Prepared) -> dict[tuple[str, str], np.ndarray]:
    """Same-fact features (factdiff.samefact.FEATURES) of every claim pair, per pair of articles."""
    from . import samefact

    ids = [d.id for d in prep.docs]
    sketches = {d: samefact.sketch(prep.claims[d], [prep.cues[c.id] for c in prep.claims[d]]) for d in ids}
    idf = samefact.story_idf(list(sketches.values()))
    out: dict[tuple[str, str], np.ndarray] = {}
    for da, db in itertools.combinations(ids, 2):
        if not prep.claims[da] or not prep.claims[db]:
            continue
        e5 = (prep.e5[da], prep.e5[db]) if prep.e5 is not None else None
        out[(da, db)] = samefact.features(prep.claims[da], prep.claims[db], sketches[da], sketches[db],
                                          (prep.raw[da], prep.raw[db]), e5, idf,
                                          (_of_sentence(prep, da), _of_sentence(prep, db)),
                                          (_in_context(prep, da), _in_context(prep, db)))
    return out


def _of_sentence(prep: Prepared, doc: str) -> np.ndarray:
    """Each claim's whole-sentence vector."""
    return np.stack([prep.sentence_vectors[doc][c.sentence] for c in prep.claims[doc]])


def _in_context(prep: Prepared, doc: str) -> np.ndarray:
    """Each claim's sentence with half of the sentence before it."""
    order = sorted(prep.sentence_vectors[doc])
    return np.stack([_with_previous(prep.sentence_vectors[doc], c.sentence, 0.5, order) for c in prep.claims[doc]])
