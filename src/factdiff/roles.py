"""Who did what to whom: swapped or different participants of one action.

Why: "Zelensky asked Bennett to mediate" and "Israel asked Kyiv to mediate" share words, an
action and even entities, so similarity and NLI call them agreeing. Reading the dependency
parse gives (agent, action, recipient); mapping agent and recipient to the *actor* they
speak for (``EntityAnnotation.actor_of``) shows Ukraine→Israel against Israel→Ukraine.

The check is deliberately conservative: it returns ``None`` unless both claims give an agent
and a recipient that resolve to known entities for the same, non-symmetric, non-negated action.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from factdiff.data.countries import COUNTRIES
from factdiff.doc import Claim, Span, Verdict
from factdiff.entities import EntityAnnotation, names_look_alike

# cross-lingual action classes (lemma -> canonical action); other lemmas stand for themselves
_ACTION = {
    "ask": "ask", "request": "ask", "urge": "ask", "demander": "ask", "solliciter": "ask", "prier": "ask",
    "exhorter": "ask", "pedir": "ask", "solicitar": "ask", "chiedere": "ask", "vragen": "ask",
    "invite": "invite", "inviter": "invite", "invitar": "invite", "invitare": "invite",
    "call": "call", "phone": "call", "telephone": "call", "appeler": "call", "telephoner": "call",
    "llamar": "call", "chiamare": "call",
    "condemn": "condemn", "condamner": "condemn", "condenar": "condemn", "condannare": "condemn",
    "attack": "attack", "attaquer": "attack", "atacar": "attack", "attaccare": "attack",
    "accuse": "accuse", "accuser": "accuse", "acusar": "accuse", "accusare": "accuse",
    "criticize": "criticize", "criticise": "criticize", "critiquer": "criticize", "criticar": "criticize",
    "inform": "inform", "informer": "inform", "brief": "inform", "informar": "inform",
    "warn": "warn", "avertir": "warn", "prevenir": "warn", "advertir": "warn",
    "threaten": "threaten", "menacer": "threaten", "amenazar": "threaten", "minacciare": "threaten",
    "invade": "invade", "envahir": "invade", "invadir": "invade", "invadere": "invade",
    "support": "support", "soutenir": "support", "apoyar": "support", "sostenere": "support",
    "sanction": "sanction", "sanctionner": "sanction", "sancionar": "sanction",
    "thank": "thank", "remercier": "thank", "agradecer": "thank", "ringraziare": "thank",
    "reject": "reject", "rebuff": "reject", "rejeter": "reject", "refuser": "reject", "rechazar": "reject",
    "offer": "offer", "proposer": "offer", "offrir": "offer", "ofrecer": "offer", "offrire": "offer",
    "help": "help", "aider": "help", "ayudar": "help", "aiutare": "help",
    "defeat": "defeat", "beat": "defeat", "vaincre": "defeat", "battre": "defeat", "derrotar": "defeat",
    "kill": "kill", "tuer": "kill", "matar": "kill", "uccidere": "kill",
    "arrest": "arrest", "arreter": "arrest", "detener": "arrest", "arrestare": "arrest",
    "fire": "fire", "dismiss": "fire", "limoger": "fire", "renvoyer": "fire", "sack": "fire",
    "appoint": "appoint", "nommer": "appoint", "nombrar": "appoint", "nominare": "appoint",
    "visit": "visit", "visiter": "visit", "visitar": "visit", "visitare": "visit",
    "host": "host", "receive": "host", "recevoir": "host", "accueillir": "host", "recibir": "host",
    "sue": "sue", "poursuivre": "sue", "demandar": "sue",
    "pay": "pay", "payer": "pay", "pagar": "pay", "pagare": "pay",
    "buy": "buy", "acquire": "buy", "acheter": "buy", "racheter": "buy", "comprar": "buy",
}
# actions whose participants can be swapped without changing the fact ("A met B" = "B met A")
_SYMMETRIC = {"meet", "rencontrer", "talk", "speak", "discuss", "negotiate", "agree", "sign", "cooperate",
              "coordinate", "parler", "discuter", "negocier", "entretenir", "reunir", "marry", "fight",
              "trade", "ally", "reunirse", "hablar", "incontrare", "parlare", "ontmoeten", "praten"}
# too generic to carry a fact about participants
_GENERIC = {"be", "have", "do", "say", "make", "get", "go", "take", "come", "give", "put", "let", "seem",
            "become", "try", "want", "need", "etre", "avoir", "faire", "dire", "aller", "pouvoir",
            "vouloir", "devoir", "ser", "estar", "tener", "hacer", "essere", "avere", "fare", "zijn",
            "hebben", "tell", "add", "report", "state", "claim", "declare", "indiquer", "affirmer"}
# verbs whose object is the subject of their complement ("asked Kyiv to mediate": Kyiv mediates)
_OBJECT_CONTROL = {"ask", "invite", "urge", "warn", "help", "tell", "persuade", "force", "allow"}
_ROLE_NOUNS = {"ask": ("asker", "asked"), "invite": ("inviter", "invited"), "call": ("caller", "called"),
               "attack": ("attacker", "attacked"), "accuse": ("accuser", "accused"),
               "inform": ("informer", "informed"), "warn": ("warner", "warned"),
               "invade": ("invader", "invaded"), "defeat": ("winner", "defeated"),
               "help": ("helper", "helped"), "offer": ("offerer", "offered to"),
               "visit": ("visitor", "visited"), "host": ("host", "guest"), "pay": ("payer", "payee"),
               "buy": ("buyer", "bought"), "condemn": ("condemner", "condemned")}
_NEGATORS = {"not", "n't", "never", "no", "pas", "jamais", "plus", "nunca", "mai", "niet", "nooit"}
_REL_PRONOUNS = {"which", "who", "that", "qui", "lequel", "laquelle", "que", "cui", "die", "dat"}

_SUBJ = {"nsubj", "nsubj:xsubj"}
_PASS_SUBJ = {"nsubjpass", "nsubj:pass"}
_OBJ = {"dobj", "obj", "dative", "iobj", "obl:arg"}


@dataclass(frozen=True)
class Triple:
    """(agent, action, recipient) of one verb; agent/recipient are sets of actor keys (None: unread)."""

    agent: frozenset[str] | None
    action: str
    recipient: frozenset[str] | None
    negated: bool
    verb: str


def _action_of(tok: Any) -> str:
    lemma = tok.lemma_.lower() or tok.lower_
    from factdiff.entities import normalise

    lemma = normalise(lemma)
    return _ACTION.get(lemma, lemma)


def _children(tok: Any, deps: set[str]) -> list[Any]:
    return [c for c in tok.children if c.dep_ in deps]


def _is_passive(verb: Any) -> bool:
    return any(c.dep_ in _PASS_SUBJ | {"auxpass", "aux:pass"} for c in verb.children)


def _passive_agent(verb: Any) -> list[Any]:
    out = []
    for c in verb.children:
        if c.dep_ == "agent":  # English: "by" -> pobj
            out.extend(_children(c, {"pobj"}))
        elif c.dep_ in ("obl:agent", "obl:mod", "obl") and any(
                g.dep_ == "case" and g.lower_ in ("par", "por", "da", "door") for g in c.children):
            out.append(c)
    return out


def _recipients(verb: Any) -> list[Any]:
    out = []
    for c in verb.children:
        if c.dep_ in ("dobj", "obj", "dative", "iobj"):
            out.append(c)
        elif c.dep_ == "obl:arg" and any(g.dep_ == "case" and g.lower_ in ("a", "à") for g in c.children):
            out.append(c)
    return out


def _subjects(verb: Any) -> list[Any]:
    subj = _children(verb, _SUBJ)
    if subj and subj[0].lower_ in _REL_PRONOUNS and verb.dep_ in ("relcl", "acl:relcl"):
        return [verb.head]
    return subj


def _nominal_key(tok: Any) -> str:
    """Key for an unnamed participant: lemmas of its compounds and head ("np:coast guard")."""
    parts = [c for c in tok.children if c.dep_ in ("compound", "flat", "fixed") and c.i < tok.i] + [tok]
    return "np:" + " ".join((c.lemma_ or c.text).lower() for c in parts)


class _Reader:
    """Maps tokens of one parsed document to actor keys through the entity annotation."""

    def __init__(self, ann: EntityAnnotation, doc_id: str) -> None:
        self.ann = ann
        self.doc_id = doc_id

    def _ents_at(self, tok: Any) -> list[str]:
        return self.ann.entities_in(Span(self.doc_id, tok.idx, tok.idx + len(tok.text)))

    def actors(self, toks: Iterable[Any]) -> frozenset[str] | None:
        """Actor keys for noun heads (and their conjuncts); None if any of them cannot be resolved."""
        keys: set[str] = set()
        heads: list[Any] = []
        for t in toks:
            heads.append(t)
            heads.extend(t.conjuncts)
        if not heads:
            return None
        for t in heads:
            ents = self._ents_at(t)
            if not ents:  # "the government of the Jewish state", "Mr. Bennett's office"
                for c in t.children:
                    if c.dep_ in ("compound", "flat", "flat:name", "poss", "nmod", "appos", "amod"):
                        ents = self._ents_at(c)
                    elif c.dep_ == "prep" and c.lower_ in ("of", "de"):
                        for g in c.children:
                            ents = ents or self._ents_at(g)
                    if ents:
                        break
            if ents:
                keys.add(self.ann.actor_of(ents[0]))
            elif t.pos_ in ("NOUN", "PROPN") and t.lower_ not in _REL_PRONOUNS:
                keys.add(_nominal_key(t))  # "the coast guard": no entity, but the same phrase both sides
            else:
                return None  # a pronoun or something we cannot read
        return frozenset(keys)


def _triples(claim: Claim, ann: EntityAnnotation) -> list[Triple]:
    sdoc = ann.parsed.get(claim.doc)
    if sdoc is None or not sdoc.has_annotation("DEP"):
        return []
    span = sdoc.char_span(claim.start, claim.end, alignment_mode="expand")
    if span is None:
        return []
    reader = _Reader(ann, claim.doc)
    out: list[Triple] = []
    for verb in span:
        if verb.pos_ != "VERB":
            continue
        action = _action_of(verb)
        if action in _GENERIC or action in _SYMMETRIC:
            continue
        if _is_passive(verb):
            agent_toks, rec_toks = _passive_agent(verb), _children(verb, _PASS_SUBJ)
        else:
            agent_toks, rec_toks = _subjects(verb), _recipients(verb)
        head = verb.head
        if not agent_toks and verb.dep_ == "conj" and head.pos_ == "VERB" and not _is_passive(head):
            agent_toks = _subjects(head)
        if not agent_toks and verb.dep_ == "xcomp" and head.pos_ == "VERB":
            agent_toks = _recipients(head) if _action_of(head) in _OBJECT_CONTROL else _subjects(head)
        negated = any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in _NEGATORS)
                      for c in verb.children)
        out.append(Triple(reader.actors(agent_toks) if agent_toks else None, action,
                          reader.actors(rec_toks) if rec_toks else None, negated, verb.text))
    return out


def _names(keys: frozenset[str], ann: EntityAnnotation) -> str:
    return "+".join(sorted(k[3:] if k.startswith("np:") else ann.actor_name(k) for k in keys))


def _alike(a: frozenset[str], b: frozenset[str], ann: EntityAnnotation) -> bool:
    """Agents whose names look like variants of each other: maybe one person the resolver split."""
    return any(names_look_alike(ann.actor_name(x), ann.actor_name(y)) for x in a for y in b)


def _people_or_states(keys: frozenset[str], ann: EntityAnnotation) -> bool:
    """Only people and governments make a "different person" verdict (not laws, products, parties)."""
    for k in keys:
        ent = ann.entity(k)
        if not (k in COUNTRIES or (ent is not None and ent.type == "PERSON")):
            return False
    return True


def _actors_mentioned(claim: Claim, ann: EntityAnnotation) -> set[str]:
    return {ann.actor_of(e) for e in ann.entities_in(claim.span)}


def check_roles(a: Claim, b: Claim, ann: EntityAnnotation) -> Verdict | None:
    """Contradiction when the same action has swapped (kind "roles") or different (kind "person") agents.

    Returns None when roles cannot be read on both sides, or agree: a false contradiction costs
    the reader more than a missed one.
    """
    ta, tb = _triples(a, ann), _triples(b, ann)
    swapped: tuple[Triple, Triple] | None = None
    other_agent: tuple[Triple, Triple] | None = None
    for x in ta:
        for y in tb:
            if x.action != y.action or x.negated != y.negated:
                continue
            if x.agent and y.agent and x.recipient and y.recipient:
                if x.agent == y.agent and x.recipient == y.recipient:
                    return None  # the same participants in the same roles: nothing to report
                if (x.agent == y.recipient and x.recipient == y.agent and x.agent.isdisjoint(x.recipient)):
                    swapped = swapped or (x, y)
                    continue
            if (x.agent and y.agent and x.recipient and x.recipient == y.recipient
                    and x.agent.isdisjoint(y.agent) and x.agent.isdisjoint(x.recipient)
                    and x.agent.isdisjoint(_actors_mentioned(b, ann))
                    and y.agent.isdisjoint(_actors_mentioned(a, ann))
                    and not _alike(x.agent, y.agent, ann)
                    and _people_or_states(x.agent | y.agent, ann)):
                other_agent = other_agent or (x, y)
    if swapped is not None:
        x, y = swapped
        assert x.agent and x.recipient and y.agent and y.recipient
        who, whom = _ROLE_NOUNS.get(x.action, ("agent", "recipient"))
        return Verdict(
            label="contradict", kind="roles", confidence=0.85,
            explanation=(f"{who}/{whom} swapped: {_names(x.agent, ann)}→{_names(x.recipient, ann)} vs "
                         f"{_names(y.agent, ann)}→{_names(y.recipient, ann)} ({x.verb} / {y.verb})"),
            source="roles")
    if other_agent is not None:
        x, y = other_agent
        assert x.agent and y.agent and x.recipient
        return Verdict(
            label="contradict", kind="person", confidence=0.6,
            explanation=(f"different agent of '{x.action}' towards {_names(x.recipient, ann)}: "
                         f"{_names(x.agent, ann)} vs {_names(y.agent, ann)}"),
            source="roles")
    return None
