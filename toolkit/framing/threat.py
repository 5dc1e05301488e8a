"""Threat framing: which sentences present a danger, of what kind, how soon, and who poses it to whom.

The construct is the one of the project codebook (``docs/codebook.md``): a sentence is a *threat
frame* when it presents something as a danger to the security, survival or well-being of a referent.
Three functions build the tables of the pipeline:

:func:`threat_frames`
    One row per sentence: ``threat``, ``threat_score`` (probability-like, in [0, 1]),
    ``threat_type``, ``horizon``, ``scored`` and ``cues`` (the evidence, with offsets).
:func:`threat_cues`
    The ``cues`` lists as a long table, one row per cue.
:func:`threat_roles`
    One row per (sentence, actor): ``role`` = ``source`` (poses the threat), ``referent``
    (threatened) or ``none``.

How the score is made
---------------------
The score is a transparent rule-based logistic score: ``threat_score = 1 / (1 + exp(-(bias + sum
of cue effects)))``. Cues come from the packaged lexicon ``toolkit/data/threat/lexicon.yaml``
(documented in ``toolkit/data/threat/README.md``): terms per threat type in three strength classes,
regular-expression patterns for implicit frames (build-up, reconstitution, "cannot defend", nuclear
sabre-rattling, weaponised energy...), hostile alignment of adversaries ("China, Russia, North
Korea and Iran are working together"), reassurance ("poses no threat", "we are not at war", which
lower the score) and negation, future and historical markers. Nothing is fitted: the weights are the
lexicon's strength classes, chosen so that one explicit cue ("threat", "aggression", "invasion") or
one conflict cue ("war", "attack") makes a frame, one weak cue ("military", "security", "risk")
does not, and a call to respond alone ("we must spend more on defence") stays below the threshold.
Users add their own terms with :func:`load_threat_lexicon`.

Sentences that cannot be scored (empty, longer than ``limits.max_words`` words, or not English)
get ``scored=False``, ``threat=False``, ``threat_score`` NaN, no type or horizon and no cues. A
sentence is not English when its document's ``language`` (``documents=``, from
:func:`toolkit.read_corpus`) is another language, or, for documents without one and for the
sentences of English documents (a quotation in French), when its letters and stopwords say so.
"""
from __future__ import annotations

import bisect
import copy
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from toolkit.errors import ToolkitError, check_choice
from toolkit.resources import data_path
from toolkit.segment import replace_chars

__all__ = [
    "HORIZONS",
    "ROLES",
    "THREAT_TYPES",
    "ThreatLexicon",
    "ThreatLexiconError",
    "load_threat_lexicon",
    "threat_cues",
    "threat_frames",
    "threat_roles",
]

#: Threat types of the codebook, in its order (also the tie-break order).
THREAT_TYPES = ("military", "nuclear", "hybrid", "terrorism", "economic", "other")
#: Horizons of the codebook.
HORIZONS = ("present", "future", "past")
#: Threat roles of an actor.
ROLES = ("source", "referent", "none")
#: Strength classes of lexicon terms.
STRENGTHS = ("strong", "medium", "weak")
#: Columns of the frames table, in order.
FRAME_COLUMNS = ["doc_id", "sent_id", "threat", "threat_score", "threat_type", "horizon", "scored",
                 "cues"]
#: Columns of the cues table, in order.
CUE_COLUMNS = ["doc_id", "sent_id", "cue", "type", "rule", "start", "end", "effect", "threat"]
#: Columns of the roles table, in order.
ROLE_COLUMNS = ["doc_id", "sent_id", "actor", "role", "rule", "threat"]

DEFAULT_LEXICON = ("threat", "lexicon.yaml")

# Straight twins of curly quotes and dashes that join words; same length, so offsets are unchanged.
_NORM = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-",
                       "\u2011": "-", "\u00a0": " "})


def _normalise(text: str) -> str:
    """Lower case with ``_NORM`` applied (``text.lower().translate(_NORM)``, faster)."""
    return replace_chars(text.lower(), _NORM)


_TOKEN = re.compile(r"\w+(?:['-]\w+)*|'s\b|[^\w\s]")
_CLAUSE_PUNCT = frozenset(".;:?!")
_WORD_RUN = re.compile(r"\w+")
_WORDS = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f]")
_CAPITALISED = re.compile(r"\b[A-Z][\w'-]*")


class ThreatLexiconError(ToolkitError, ValueError):
    """A threat lexicon file or extension is invalid; the message names the entry."""


# --------------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------------

# The fields a lexicon may have: nested dicts are sections, strings name the leaf kind.
_SCHEMA: dict[str, Any] = {
    "version": "int",
    "scoring": {"bias": "float", "weights": {s: "float" for s in STRENGTHS}, "negated": "float",
                "past_factor": "float"},
    "terms": {t: {s: "list" for s in STRENGTHS} for t in ("generic", *THREAT_TYPES)},
    "patterns": "patterns",
    "alignment": {"type": "type", "strength": "strength", "adversaries": "list", "phrases": "list"},
    "neutral": "list",
    "neutral_patterns": "list",
    "reassurance": {"effect": "float", "patterns": "list"},
    "markers": {"negation": "list", "future_strong": "list", "future_weak": "list",
                "present": "list", "past": "list", "negation_window": "int",
                "future_window": "int", "past_window": "int"},
    "roles": {"source_after": "list", "referent_after": "list", "of_source": "list",
              "referent_before": "list", "agent_suffixes": "list", "defend_verbs": "list",
              "oppose_verbs": "list", "list_separators": "list", "max_gap": "int",
              "gap_breakers": "list", "agent_verbs": "list", "patient_nouns": "list"},
    "default_type": {"actors": "mapping", "with_actor": "type", "without_actor": "type"},
    "limits": {"max_words": "int", "min_english_share": "float"},
}
_PATTERN_FIELDS = ("name", "type", "strength", "regex")


def _validate(node: Any, schema: Any, where: str, source: str) -> None:
    """Check ``node`` against ``schema``; raise :class:`ThreatLexiconError` naming the entry."""
    if isinstance(schema, dict):
        if not isinstance(node, Mapping):
            raise ThreatLexiconError(f"{source}: {where or 'the lexicon'} must be a mapping, got "
                                     f"{type(node).__name__}")
        for key, value in node.items():
            try:
                check_choice(f"field in {where or 'the top level'}", key, schema)
            except ValueError as err:
                entry = f"{where}.{key}" if where else str(key)
                raise ThreatLexiconError(f"{source}: unknown field {entry!r}: {err}") from None
            _validate(value, schema[key], f"{where}.{key}" if where else str(key), source)
        return
    kind = schema
    bad = None
    if kind == "list":
        if not isinstance(node, list) or not all(isinstance(x, str) and x.strip() for x in node):
            bad = "a list of non-empty strings"
    elif kind == "float":
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            bad = "a number"
    elif kind == "int":
        if isinstance(node, bool) or not isinstance(node, int) or node < 0:
            bad = "a non-negative integer"
    elif kind == "type":
        if node not in THREAT_TYPES:
            bad = f"one of {', '.join(THREAT_TYPES)}"
    elif kind == "strength":
        if node not in STRENGTHS:
            bad = f"one of {', '.join(STRENGTHS)}"
    elif kind == "mapping":
        if not isinstance(node, Mapping) or not all(v in THREAT_TYPES for v in node.values()):
            bad = f"a mapping of actor ids to one of {', '.join(THREAT_TYPES)}"
    elif kind == "patterns":
        if not isinstance(node, list):
            bad = "a list of patterns"
        else:
            for i, pat in enumerate(node):
                name = pat.get("name", f"#{i}") if isinstance(pat, Mapping) else f"#{i}"
                entry = f"{where}[{name}]"
                if not isinstance(pat, Mapping):
                    raise ThreatLexiconError(f"{source}: {entry} must be a mapping with fields "
                                             f"{', '.join(_PATTERN_FIELDS)}")
                for key in pat:
                    if key not in _PATTERN_FIELDS:
                        raise ThreatLexiconError(
                            f"{source}: unknown field {entry + '.' + str(key)!r}; valid fields "
                            f"are: {', '.join(_PATTERN_FIELDS)}")
                missing = [k for k in _PATTERN_FIELDS if k not in pat]
                if missing:
                    raise ThreatLexiconError(f"{source}: {entry} lacks {', '.join(missing)}")
                if pat["type"] not in ("generic", *THREAT_TYPES):
                    raise ThreatLexiconError(f"{source}: {entry}.type must be one of generic, "
                                             f"{', '.join(THREAT_TYPES)}; got {pat['type']!r}")
                if pat["strength"] not in STRENGTHS:
                    raise ThreatLexiconError(f"{source}: {entry}.strength must be one of "
                                             f"{', '.join(STRENGTHS)}; got {pat['strength']!r}")
                _compile(pat["regex"], entry, source)
    if bad:
        raise ThreatLexiconError(f"{source}: {where} must be {bad}; got {node!r}")
    if kind == "list" and where.endswith(("patterns", "negation", "future_strong", "future_weak",
                                          "present", "past")):
        for i, rx in enumerate(node):
            _compile(rx, f"{where}[{i}]", source)


def _compile(regex: str, entry: str, source: str) -> re.Pattern:
    try:
        return re.compile(regex)
    except (re.error, TypeError) as err:
        raise ThreatLexiconError(f"{source}: {entry}: invalid regular expression {regex!r}: "
                                 f"{err}") from None


def _merge(base: dict, extra: Mapping) -> dict:
    """Extend ``base`` by ``extra``: lists are appended, mappings merged, scalars replaced."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_yaml(obj: str | Path | Mapping, what: str) -> tuple[dict, str]:
    if isinstance(obj, Mapping):
        return dict(obj), f"{what} (mapping)"
    p = Path(obj)
    if not p.exists():
        raise ThreatLexiconError(f"{p}: no such lexicon file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ThreatLexiconError(f"{p}: not valid YAML: {err}") from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ThreatLexiconError(f"{p}: the lexicon must be a YAML mapping")
    return dict(data), str(p)


def _term_atoms(term: str) -> list[str]:
    """Regex pieces of one lexicon term (see the lexicon's header for the term syntax)."""
    atoms: list[str] = []
    t = term.strip().lower().translate(_NORM)
    for i, ch in enumerate(t):
        if ch == "*":
            atoms.append(r"\w*")
        elif ch == "-":
            atoms.append(r"[-\s]?")
        elif ch.isspace():
            if atoms and atoms[-1] == r"\s+":
                continue
            atoms.append(r"\s+")
        else:
            atoms.append(re.escape(ch))
    return atoms


def _trie_regex(terms: Iterable[str]) -> re.Pattern | None:
    """One regex matching any of ``terms`` as whole words, built as a trie (fast on long lists)."""
    trie: dict = {}
    for term in terms:
        node = trie
        for atom in _term_atoms(term):
            node = node.setdefault(atom, {})
        node[""] = True
    if not trie:
        return None

    def emit_safe(node: dict) -> str:
        alts = [atom + emit_safe(child) for atom, child in node.items() if atom]
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return re.compile(r"(?<![\w])" + emit_safe(trie) + r"(?![\w])")


def _key(text: str) -> str:
    """Lookup key of a term or a matched span: lower case without spaces, hyphens, apostrophes."""
    return re.sub(r"[-\s'*]+", "", text.lower().translate(_NORM))


@dataclass
class _TermTable:
    """Terms of one kind: a trie regex and a lookup from matched text to the entry's payload."""

    regex: re.Pattern | None
    exact: dict[str, Any]
    prefixes: list[tuple[str, Any]]

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Any]]) -> _TermTable:
        exact: dict[str, Any] = {}
        prefixes: list[tuple[str, Any]] = []
        terms = []
        for term, payload in entries:
            terms.append(term)
            if term.strip().endswith("*"):
                prefixes.append((_key(term), payload))
            else:
                exact[_key(term)] = payload
        prefixes.sort(key=lambda x: -len(x[0]))
        return cls(_trie_regex(terms), exact, prefixes)

    def lookup(self, text: str) -> Any:
        k = _key(text)
        if k in self.exact:
            return self.exact[k]
        for p, payload in self.prefixes:
            if k.startswith(p):
                return payload
        return None

    def finditer(self, text: str) -> Iterable[tuple[int, int, Any]]:
        if self.regex is None:
            return
        for m in self.regex.finditer(text):
            payload = self.lookup(m.group(0))
            if payload is not None:
                yield m.start(), m.end(), payload


def _alternation(regexes: Iterable[str]) -> re.Pattern | None:
    """One pattern matching any of ``regexes`` (tried in order at each position).

    Consecutive alternatives that start with ``\\b`` share one ``\\b`` (``\\b(?:no\\b|never\\b)``):
    the same matches, but the engine rejects a position inside a word once instead of once per
    alternative, which makes the marker patterns two to three times faster.
    """
    regexes = list(regexes)
    if not regexes:
        return None
    parts: list[str] = []
    run: list[str] = []
    for r in regexes:
        if _leading_boundary(r):
            run.append(r[2:])
            continue
        if run:
            parts.append(r"\b(?:" + "|".join(f"(?:{x})" for x in run) + ")")
            run = []
        parts.append(r)
    if run:
        parts.append(r"\b(?:" + "|".join(f"(?:{x})" for x in run) + ")")
    return re.compile("|".join(f"(?:{r})" for r in parts))


def _has_backreference(regex: str) -> bool:
    """``regex`` refers back to a group (``\\1``, ``(?P=name)``, ``(?(1)...)``): its group
    numbers would change inside a combined pattern."""
    from re import _constants as c, _parser as sre_parse  # noqa: PLC0415

    def walk(items) -> bool:
        for op, av in items:
            if op in (c.GROUPREF, c.GROUPREF_EXISTS, c.GROUPREF_IGNORE):
                return True
            for x in av if isinstance(av, (list, tuple)) else [av]:
                if isinstance(x, sre_parse.SubPattern) and walk(x):
                    return True
                if isinstance(x, (list, tuple)) and any(
                        isinstance(y, sre_parse.SubPattern) and walk(y) for y in x):
                    return True
        return False

    return walk(sre_parse.parse(regex))


def _leading_boundary(regex: str) -> bool:
    """``regex`` is equivalent to ``\\b(?:<regex without its first \\b>)``.

    True when the parser puts a word boundary first: either there is no top-level ``|``, or
    every branch starts with ``\\b`` (the parser factors a prefix common to all branches; the
    other branches keep their own, redundant ``\\b``)."""
    if not regex.startswith(r"\b"):
        return False
    try:
        from re import _constants as c, _parser as sre_parse  # noqa: PLC0415

        items = list(sre_parse.parse(regex))
    except (ImportError, re.error):
        return False
    return bool(items) and items[0] == (c.AT, c.AT_BOUNDARY)


@dataclass
class ThreatLexicon:
    """A validated, compiled threat lexicon. Build it with :func:`load_threat_lexicon`.

    Attributes
    ----------
    config : dict
        The merged lexicon as read from YAML (see ``toolkit/data/threat/README.md``).
    sources : list of str
        The files (or mappings) it was built from, in order.
    """

    config: dict
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        c = self.config
        sc = c["scoring"]
        self.bias = float(sc["bias"])
        self.weights = {s: float(sc["weights"][s]) for s in STRENGTHS}
        self.negated = float(sc["negated"])
        self.past_factor = float(sc["past_factor"])
        entries: list[tuple[str, Any]] = []
        for typ, by_strength in c["terms"].items():
            for strength, terms in by_strength.items():
                for t in terms:
                    entries.append((t, ("cue", typ, strength)))
        for t in c.get("neutral", []):
            entries.append((t, ("neutral", None, None)))
        # Later entries win on identical keys, so an extension can move a term to another type.
        self.terms = _TermTable.build(entries)
        self.patterns = [(p["name"], p["type"], p["strength"], re.compile(p["regex"]))
                         for p in c.get("patterns", [])]
        # One search over all patterns tells whether any of them can match: most sentences match
        # none, and one pass costs less than one per pattern. None where the patterns cannot be
        # combined (e.g. back-references); then every pattern is tried.
        try:
            self.patterns_any = (None if any(_has_backreference(rx.pattern)
                                             for _, _, _, rx in self.patterns)
                                 else _alternation(rx.pattern for _, _, _, rx in self.patterns))
        except re.error:  # e.g. a global flag such as (?i) inside: not combinable
            self.patterns_any = None
        self.neutral_patterns = _alternation(c.get("neutral_patterns", []))
        rs = c["reassurance"]
        self.reassurance_effect = float(rs["effect"])
        self.reassurance = _alternation(rs["patterns"])
        mk = c["markers"]
        self.marker_res = {k: _alternation(mk[k]) for k in
                           ("negation", "future_strong", "future_weak", "present", "past")}
        self.negation_window = int(mk["negation_window"])
        self.future_window = int(mk["future_window"])
        self.past_window = int(mk["past_window"])
        al = c["alignment"]
        self.alignment_type = al["type"]
        self.alignment_strength = al["strength"]
        self.adversaries = frozenset(al["adversaries"])
        self.alignment_phrases = _trie_regex(al["phrases"])
        ro = c["roles"]
        self.role_terms = _TermTable.build(
            [(t, "defend") for t in ro["defend_verbs"]] + [(t, "oppose") for t in ro["oppose_verbs"]])
        self.source_after = _alternation(
            [rf"\s*,?\s*{_words_regex(w)}\s+(?:(?:the|a|an|its|their|his|her)\s+)?"
             r"(?:[\w'-]+\s+){0,2}?" for w in ro["source_after"]])
        # "threat to X", "the threat arising in X", "a war waged not only against X"
        self.referent_after = _alternation(
            [rf"\s*(?:\w+(?:ing|ed)\s+)?(?:not\s+only\s+)?{_words_regex(w)}\s+(?:[\w'-]+\s+){{0,5}}?"
             for w in ro["referent_after"]])
        # "the invasion of X", "the occupation of the territory of X"
        self.of_gap = re.compile(r"\s*of\s+(?:(?:the|a|an|its|their)\s+)?(?:[\w'-]+\s+)?"
                                 r"(?:of\s+(?:the\s+)?)?")
        self.of_source = frozenset(_key(t) for t in ro["of_source"])
        self.referent_before = frozenset(_key(t) for t in ro["referent_before"])
        self.agent_suffix = re.compile(
            r"\s*-\s*(?:" + "|".join(re.escape(w) for w in ro["agent_suffixes"]) + r")\b[\w\s-]{0,30}$")
        seps = sorted(ro["list_separators"], key=len, reverse=True)
        self.list_sep = re.compile(r"^\s*(?:" + "|".join(
            re.escape(s) if not s[0].isalpha() else rf"\b{re.escape(s)}\b" for s in seps)
            + r")?\s*(?:(?:,|and)\s*)?(?:the\s+)?$")
        self.max_gap = int(ro["max_gap"])
        self.gap_breakers = frozenset(w.lower().translate(_NORM) for w in ro["gap_breakers"])
        self.agent_verbs = frozenset(w.lower().translate(_NORM) for w in ro["agent_verbs"])
        self.patient_nouns = frozenset(w.lower().translate(_NORM) for w in ro["patient_nouns"])
        dt = c["default_type"]
        self.default_by_actor = dict(dt["actors"])
        self.default_with_actor = dt["with_actor"]
        self.default_without_actor = dt["without_actor"]
        self.max_words = int(c["limits"]["max_words"])
        self.min_english_share = float(c["limits"]["min_english_share"])


def _words_regex(phrase: str) -> str:
    return r"\s+".join(re.escape(w) for w in phrase.lower().split())


def load_threat_lexicon(path: str | Path | None = None, *,
                        extra: str | Path | Mapping | Iterable[str | Path | Mapping] | None = None
                        ) -> ThreatLexicon:
    """Read the threat lexicon, optionally extended by the user's own terms.

    Parameters
    ----------
    path : str or Path, optional
        A complete lexicon YAML file. Default: the packaged
        ``toolkit/data/threat/lexicon.yaml``.
    extra : str, Path, mapping, or a list of them, optional
        Extensions merged into the lexicon in order: lists are appended (new terms, patterns,
        neutral phrases, markers), mappings merged, numbers replaced. The typical extension adds
        terms per type::

            terms:
              hybrid:
                strong: [troll farm*, "bot network"]
              other:
                medium: [wildfire smoke]

    Returns
    -------
    ThreatLexicon

    Raises
    ------
    ThreatLexiconError
        A file is missing or not YAML, a field is unknown (the message names the entry, e.g.
        ``terms.militray``), a value has the wrong kind, or a regular expression does not compile.

    Examples
    --------
    >>> lex = load_threat_lexicon(extra={"terms": {"hybrid": {"strong": ["troll farm*"]}}})
    >>> lex.terms.lookup("troll farms")
    ('cue', 'hybrid', 'strong')
    """
    base, source = _read_yaml(path if path is not None else data_path(*DEFAULT_LEXICON), "lexicon")
    _validate(base, _SCHEMA, "", source)
    sources = [source]
    missing = [k for k in _SCHEMA if k not in base and k != "version"]
    if path is not None and missing:
        raise ThreatLexiconError(f"{source}: a complete lexicon needs the sections "
                                 f"{', '.join(missing)} (to add terms to the packaged lexicon, "
                                 f"pass the file as extra=)")
    config = base
    if extra is not None:
        extras = [extra] if isinstance(extra, (str, Path, Mapping)) else list(extra)
        for e in extras:
            data, src = _read_yaml(e, "extra")
            _validate(data, _SCHEMA, "", src)
            config = _merge(config, data)
            sources.append(src)
    if path is None and extra is None:
        return _default_lexicon()
    return ThreatLexicon(config, sources)


@lru_cache(maxsize=1)
def _default_lexicon() -> ThreatLexicon:
    p = data_path(*DEFAULT_LEXICON)
    data, source = _read_yaml(p, "lexicon")
    _validate(data, _SCHEMA, "", source)
    return ThreatLexicon(data, [source])


#: The shipped threat lexicon (``load_threat_lexicon()``), loaded once per process and then reused.
default_lexicon = _default_lexicon


def _resolve_lexicon(lexicon: ThreatLexicon | str | Path | Mapping | None) -> ThreatLexicon:
    if lexicon is None:
        return _default_lexicon()
    if isinstance(lexicon, ThreatLexicon):
        return lexicon
    if isinstance(lexicon, (str, Path, Mapping)):
        return load_threat_lexicon(extra=lexicon)
    raise TypeError(f"lexicon must be a ThreatLexicon, a YAML path or a mapping of extra terms, "
                    f"got {type(lexicon).__name__}")


# --------------------------------------------------------------------------------------------------
# Scoring one sentence
# --------------------------------------------------------------------------------------------------

@dataclass
class _Cue:
    start: int  # relative to the sentence
    end: int
    type: str  # a threat type, "generic", or a marker kind
    rule: str
    strength: str | None = None
    effect: float = 0.0
    horizon: str | None = None
    role_all: tuple[str, ...] = ()  # actors the cue makes sources (alignment)


@dataclass
class _Frame:
    scored: bool
    threat: bool = False
    score: float = float("nan")
    type: str | None = None
    horizon: str | None = None
    cues: list[_Cue] = field(default_factory=list)


@lru_cache(maxsize=1)
def _stopword_sets() -> dict[str, frozenset[str]]:
    from toolkit.resources import nltk_stopwords

    langs = ["english", "french", "spanish", "portuguese", "german", "italian", "dutch",
             "indonesian", "turkish", "swedish"]
    return {lang: words for lang in langs if (words := nltk_stopwords(lang))}


def _is_english(text: str, min_share: float) -> bool:
    """Latin script and, for longer sentences, more English than other stopwords."""
    if not text.isascii():
        n_letters = len(_LETTER.findall(text))
        if not n_letters or 1 - len(_NON_LATIN.findall(text)) / n_letters < min_share:
            return False
    words = _WORDS.findall(text.lower())
    if not words:
        return False
    if len(words) < 6:
        return True
    sets = _stopword_sets()
    en = sets.get("english")
    if not en:
        return True
    en_share = sum(map(en.__contains__, words)) / len(words)
    if en_share >= 0.15:
        return True
    best = max((sum(map(s.__contains__, words)) / len(words) for lang, s in sets.items()
                if lang != "english"), default=0.0)
    return best <= en_share or best < 0.3


class _Sentence:
    """A normalised sentence with its tokens and clause numbers."""

    def __init__(self, text: str, norm: str | None = None) -> None:
        self.text = text
        self.norm = norm if norm is not None else _normalise(text)
        toks = [m.span() for m in _TOKEN.finditer(self.norm)]
        self.tok_starts = [a for a, _ in toks]
        self.tok_ends = [b for _, b in toks]
        clause = []
        c = 0
        norm = self.norm
        for a, b in toks:
            if (b - a == 1 and norm[a] in _CLAUSE_PUNCT) or norm[a:b] == "but":
                c += 1
            clause.append(c)
        self.clause = clause

    def tok_range(self, start: int, end: int) -> tuple[int, int]:
        """First and last token index of a character span."""
        i = bisect.bisect_right(self.tok_starts, start) - 1
        j = bisect.bisect_left(self.tok_ends, end)
        i = max(i, 0)
        j = min(max(j, i), len(self.tok_ends) - 1)
        return i, j

    def words_between(self, start: int, end: int) -> list[str]:
        return [self.norm[m.start() + start:m.end() + start]
                for m in _TOKEN.finditer(self.norm[start:end])]


def _find_markers(sent: _Sentence, lex: ThreatLexicon) -> dict[str, list[tuple[int, int]]]:
    out = {}
    for kind, rx in lex.marker_res.items():
        out[kind] = [] if rx is None else [m.span() for m in rx.finditer(sent.norm)
                                           if m.end() > m.start()]
    return out


def _gap(sent: _Sentence, a: tuple[int, int], b: tuple[int, int]) -> int | None:
    """Tokens strictly between spans ``a`` and ``b`` (either order) if in one clause, else None."""
    ai, aj = sent.tok_range(*a)
    bi, bj = sent.tok_range(*b)
    if aj < bi:
        lo, hi = aj, bi
    elif bj < ai:
        lo, hi = bj, ai
    else:
        return 0
    if sent.clause[lo] != sent.clause[hi] and not (sent.norm[sent.tok_starts[lo]] in _CLAUSE_PUNCT):
        return None
    # a clause boundary token between them
    for k in range(lo + 1, hi):
        tok = sent.norm[sent.tok_starts[k]:sent.tok_ends[k]]
        if tok in _CLAUSE_PUNCT or tok == "but":
            return None
    return hi - lo - 1


def _alignment_cues(sent: _Sentence, mentions: list[tuple[int, int, str]],
                    lex: ThreatLexicon) -> list[_Cue]:
    """Hostile alignment: a list of >= 2 adversaries joined by an alignment phrase."""
    if lex.alignment_phrases is None or not mentions:
        return []
    phrases = [m.span() for m in lex.alignment_phrases.finditer(sent.norm)]
    if not phrases:
        return []
    out = []
    for run in _mention_runs(sent, mentions, lex):
        actors = {a for _, _, a in run}
        if len(actors & lex.adversaries) < 2:
            continue
        rs, re_ = run[0][0], run[-1][1]
        for ps, pe in phrases:
            gap = _gap(sent, (rs, re_), (ps, pe))
            if gap is not None and gap <= 4:
                out.append(_Cue(min(rs, ps), max(re_, pe), lex.alignment_type, "alignment",
                                lex.alignment_strength, role_all=tuple(sorted(actors))))
                break
    return out


def _mention_runs(sent: _Sentence, mentions: list[tuple[int, int, str]],
                  lex: ThreatLexicon) -> list[list[tuple[int, int, str]]]:
    """Mentions joined by list separators ("Russia, China, North Korea and Iran")."""
    ms = sorted(mentions)
    runs: list[list[tuple[int, int, str]]] = []
    for m in ms:
        if runs and m[0] >= runs[-1][-1][1] and lex.list_sep.match(sent.norm[runs[-1][-1][1]:m[0]]):
            runs[-1].append(m)
        elif runs and m[0] < runs[-1][-1][1]:
            runs[-1].append(m)  # overlapping mentions of one span
        else:
            runs.append([m])
    return runs


def _frame_sentence(text: Any, mentions: list[tuple[int, int, str]] | None,
                    lex: ThreatLexicon, threshold: float) -> _Frame:
    """Score one sentence; spans in the result are relative to ``text``."""
    if not isinstance(text, str) or not text.strip():
        return _Frame(scored=False)
    if len(text) > lex.max_words and len(_WORD_RUN.findall(text)) > lex.max_words:
        return _Frame(scored=False)
    if not _is_english(text, lex.min_english_share):
        return _Frame(scored=False)
    norm = _normalise(text)
    sent = None

    # 1. Cue candidates: patterns, then terms (dropped where they overlap a pattern or neutral phrase).
    cues: list[_Cue] = []
    taken: list[tuple[int, int]] = []
    patterns = lex.patterns
    if lex.patterns_any is not None and lex.patterns_any.search(norm) is None:
        patterns = []
    for name, typ, strength, rx in patterns:
        for m in rx.finditer(norm):
            cues.append(_Cue(m.start(), m.end(), typ, f"patterns.{name}", strength))
            taken.append(m.span())
    if mentions and lex.alignment_phrases is not None and lex.alignment_phrases.search(norm):
        sent = _Sentence(text, norm)
        for c in _alignment_cues(sent, mentions, lex):
            cues.append(c)
            taken.append((c.start, c.end))
    if lex.neutral_patterns is not None:
        taken.extend(m.span() for m in lex.neutral_patterns.finditer(norm))
    reassure: list[_Cue] = []
    if lex.reassurance is not None:
        for m in lex.reassurance.finditer(norm):
            reassure.append(_Cue(m.start(), m.end(), "reassurance", "reassurance",
                                 effect=lex.reassurance_effect))
    for s, e, (kind, typ, strength) in lex.terms.finditer(norm):
        if kind == "neutral" or any(s < te and ts < e for ts, te in taken):
            continue
        cues.append(_Cue(s, e, typ, f"terms.{typ}.{strength}", strength))
    if not cues and not reassure:
        return _Frame(scored=True, score=_logistic(lex.bias))
    if sent is None:
        sent = _Sentence(text, norm)

    # 2. Cue effects: negation, reassurance spans, historical scope; horizon of each cue.
    markers = _find_markers(sent, lex)
    used_markers: set[tuple[int, int, str]] = set()
    for c in cues:
        # a cue inside a reassurance span ("no threat to") counts only through the reassurance
        if any(r.start <= c.start and c.end <= r.end for r in reassure):
            c.effect = 0.0
            continue
        w = lex.weights[c.strength]
        neg = _nearest(sent, c, markers["negation"], before=lex.negation_window, after=-1)
        if neg is not None:
            c.effect = lex.negated
            used_markers.add((*neg[1], "negation"))
            continue
        c.horizon, span = _cue_horizon(sent, c, markers, lex)
        if span is not None:
            used_markers.add((*span, c.horizon))
        c.effect = w * (lex.past_factor if c.horizon == "past" else 1.0)
    logit = lex.bias + sum(c.effect for c in cues) + sum(r.effect for r in reassure)
    score = _logistic(logit)
    frame = _Frame(scored=True, score=score, threat=score >= threshold)
    positive = [c for c in cues if c.effect > 0]
    if frame.threat:
        frame.type = _sentence_type(positive, mentions, lex, text)
        frame.horizon = _sentence_horizon(positive)
    kept = [c for c in cues if c.effect != 0.0] + reassure
    for s, e, kind in used_markers:
        kept.append(_Cue(s, e, kind, f"markers.{kind}"))
    kept.sort(key=lambda c: (c.start, c.end))
    frame.cues = kept
    return frame


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _nearest(sent: _Sentence, cue: _Cue, spans: list[tuple[int, int]], *, before: int,
             after: int) -> tuple[int, tuple[int, int]] | None:
    """The nearest marker span within ``before`` tokens before / ``after`` tokens after the cue."""
    best = None
    for s, e in spans:
        if e <= cue.start:
            limit = before
        elif s >= cue.end:
            limit = after
        else:
            continue
        if limit < 0:
            continue
        g = _gap(sent, (s, e), (cue.start, cue.end))
        if g is not None and g <= limit and (best is None or g < best[0]):
            best = (g, (s, e))
    return best


def _cue_horizon(sent: _Sentence, cue: _Cue, markers: dict, lex: ThreatLexicon
                 ) -> tuple[str, tuple[int, int] | None]:
    """The horizon of one cue: the nearest horizon marker in its clause (default present)."""
    cands = []
    order = {"present": 0, "past": 1, "future": 2}
    for kind, spans, before, after in (
        ("present", markers["present"], lex.future_window, lex.future_window),
        ("past", markers["past"], lex.past_window, lex.past_window),
        ("future", markers["future_strong"], lex.future_window, lex.future_window),
        ("future", markers["future_weak"], 3, -1),
    ):
        hit = _nearest(sent, cue, spans, before=before, after=after)
        if hit is not None:
            cands.append((hit[0], order[kind], kind, hit[1]))
    if not cands:
        return "present", None
    _, _, kind, span = min(cands)
    return kind, span


def _sentence_type(positive: list[_Cue], mentions, lex: ThreatLexicon, text: str) -> str:
    totals = {t: 0.0 for t in THREAT_TYPES}
    for c in positive:
        if c.type in totals:
            totals[c.type] += c.effect
    best = max(THREAT_TYPES, key=lambda t: (totals[t], -THREAT_TYPES.index(t)))
    if totals[best] > 0:
        return best
    if mentions is None:
        # actors unknown: a capitalised word after the first one stands for a named actor
        stop = _stopword_sets().get("english", frozenset())
        has_actor = any(m.group(0).lower() not in stop for m in _CAPITALISED.finditer(text))
    else:
        for _, _, a in mentions:
            if a in lex.default_by_actor:
                return lex.default_by_actor[a]
        has_actor = bool(mentions)
    return lex.default_with_actor if has_actor else lex.default_without_actor


def _sentence_horizon(positive: list[_Cue]) -> str:
    totals = {h: 0.0 for h in HORIZONS}
    for c in positive:
        totals[c.horizon or "present"] += c.effect
    return max(HORIZONS, key=lambda h: (totals[h], -HORIZONS.index(h)))


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------

def _require(df: pd.DataFrame, columns: list[str], what: str, hint: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}() needs a DataFrame, got {type(df).__name__}. {hint}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}() needs columns {columns}; missing {missing}. {hint}")


def _objects(col: pd.Series) -> np.ndarray:
    """A column as an object array: iterating pandas' Arrow-backed strings costs ~50x more."""
    return col.to_numpy(dtype=object)


def _mentions_by_sentence(mentions: pd.DataFrame | None, sentences: pd.DataFrame
                          ) -> dict[tuple[Any, int], list[tuple[int, int, str]]]:
    """Mentions per (doc_id, sent_id) with spans relative to the sentence."""
    if mentions is None or len(mentions) == 0:
        return {}
    _require(mentions, ["doc_id", "sent_id", "actor", "start", "end"], "threat_frames",
             "Pass the table from toolkit.actors.mentions().")
    starts = dict(zip(zip(_objects(sentences["doc_id"]), sentences["sent_id"]),
                      sentences["start"] if "start" in sentences.columns else [0] * len(sentences)))
    out: dict[tuple[Any, int], list[tuple[int, int, str]]] = {}
    for d, s, a, ms, me in zip(_objects(mentions["doc_id"]), mentions["sent_id"],
                               _objects(mentions["actor"]), mentions["start"], mentions["end"]):
        key = (d, int(s))
        off = starts.get(key)
        if off is None or not isinstance(a, str):
            continue
        out.setdefault(key, []).append((int(ms) - int(off), int(me) - int(off), a))
    return out


def _lazy_mentions(text: str) -> list[tuple[int, int, str]] | None:
    """Actor mentions of one sentence from toolkit.actors, if that module is available."""
    try:
        from toolkit.actors import find_mentions
    except ImportError:
        return None
    found = find_mentions(text)
    return [(int(s), int(e), a) for s, e, a in zip(found["start"], found["end"], found["actor"])]


def threat_frames(sentences: pd.DataFrame, mentions: pd.DataFrame | None = None, *,
                  documents: pd.DataFrame | None = None,
                  lexicon: ThreatLexicon | str | Path | Mapping | None = None,
                  threshold: float = 0.5, progress: bool = True) -> pd.DataFrame:
    """Threat frame of every sentence: whether it presents a danger, what kind, and how soon.

    Parameters
    ----------
    sentences : DataFrame
        The sentences table (``doc_id``, ``sent_id``, ``text``; ``start`` gives document offsets,
        default 0), e.g. from :func:`toolkit.segment.sentences`.
    mentions : DataFrame, optional
        The mentions table of :func:`toolkit.actors.mentions`. Used for hostile alignment
        ("China, Russia, North Korea and Iran are working together") and for the type of a threat
        named only by actor ("the threat of ISIS"). Without it, sentences with an alignment phrase
        are looked up with :func:`toolkit.actors.find_mentions` when that is available.
    documents : DataFrame, optional
        The documents table: the sentences of a document whose ``language`` is set and is not
        English are not scored (the lexicon is English), whatever their words.
    lexicon : ThreatLexicon, path or mapping, optional
        The lexicon; a path or mapping is read as an extension of the packaged lexicon
        (``load_threat_lexicon(extra=...)``). Default: the packaged lexicon.
    threshold : float, default 0.5
        ``threat`` is ``threat_score >= threshold``. Raise it for precision, lower it for recall.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    DataFrame
        One row per sentence, in input order: ``doc_id``, ``sent_id``, ``threat`` (bool),
        ``threat_score`` (float in [0, 1]; NaN when not scored), ``threat_type`` (one of
        :data:`THREAT_TYPES`, None when not a threat), ``horizon`` (one of :data:`HORIZONS`, None
        when not a threat), ``scored`` (False for empty, non-English or over-long sentences and
        for the sentences of non-English documents, which get ``threat`` False and no cues) and
        ``cues`` (list of dicts ``cue``, ``type``, ``rule``,
        ``start``, ``end``, ``effect``; offsets into the document text; ``effect`` is the cue's
        signed contribution to the logit of the score, 0 for horizon and negation markers).

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "start": [0],
    ...                       "text": ["Russia remains a long-term threat to NATO."]})
    >>> f = threat_frames(sents, progress=False)
    >>> bool(f.loc[0, "threat"]), f.loc[0, "threat_type"], f.loc[0, "horizon"]
    (True, 'military', 'present')
    >>> docs = pd.DataFrame({"doc_id": ["d"], "language": ["de"]})
    >>> bool(threat_frames(sents, documents=docs, progress=False).loc[0, "scored"])
    False
    """
    from tqdm.auto import tqdm

    _require(sentences, ["doc_id", "sent_id", "text"], "threat_frames",
             "Pass the table from toolkit.segment.sentences().")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be a number between 0 and 1 (exclusive), got {threshold!r}")
    from toolkit.corpus.language import non_english_documents

    lex = _resolve_lexicon(lexicon)
    by_sent = _mentions_by_sentence(mentions, sentences)
    lazy = mentions is None
    foreign = non_english_documents(documents)
    starts = (sentences["start"].to_numpy() if "start" in sentences.columns
              else np.zeros(len(sentences), int))
    rows_threat, rows_score, rows_type, rows_hor, rows_scored, rows_cues = [], [], [], [], [], []
    for doc_id, sent_id, s0, text in tqdm(
            zip(_objects(sentences["doc_id"]), sentences["sent_id"], starts,
                _objects(sentences["text"])),
            total=len(sentences), desc="threat frames", disable=not progress, unit="sent"):
        if doc_id in foreign:
            fr = _Frame(scored=False)
        else:
            ms = by_sent.get((doc_id, int(sent_id)))
            if lazy and isinstance(text, str) and lex.alignment_phrases is not None \
                    and lex.alignment_phrases.search(_normalise(text)):
                ms = _lazy_mentions(text)
            fr = _frame_sentence(text, ms, lex, threshold)
        off = int(s0)
        rows_threat.append(bool(fr.threat))
        rows_score.append(fr.score)
        rows_type.append(fr.type)
        rows_hor.append(fr.horizon)
        rows_scored.append(fr.scored)
        rows_cues.append([{"cue": text[c.start:c.end], "type": c.type, "rule": c.rule,
                           "start": off + c.start, "end": off + c.end,
                           "effect": round(float(c.effect), 4)} for c in fr.cues])
    out = pd.DataFrame({
        "doc_id": sentences["doc_id"].to_numpy(),
        "sent_id": sentences["sent_id"].to_numpy(dtype="int64"),
        "threat": np.asarray(rows_threat, dtype=bool),
        "threat_score": np.asarray(rows_score, dtype=float),
        "threat_type": pd.Series(rows_type, dtype=object),
        "horizon": pd.Series(rows_hor, dtype=object),
        "scored": np.asarray(rows_scored, dtype=bool),
        "cues": pd.Series(rows_cues, dtype=object),
    })
    out.attrs["threshold"] = float(threshold)
    return out


def threat_cues(frames: pd.DataFrame) -> pd.DataFrame:
    """The cues of :func:`threat_frames` as a long table, one row per cue.

    Returns
    -------
    DataFrame
        ``doc_id``, ``sent_id``, ``cue`` (the text), ``type`` (a threat type, ``generic``,
        ``reassurance``, ``negation``, ``present``, ``future`` or ``past``), ``rule`` (the lexicon
        entry, e.g. ``terms.military.strong`` or ``patterns.cannot-defend``), ``start``, ``end``
        (document offsets), ``effect`` and ``threat`` (the sentence's flag).

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "start": [0],
    ...                       "text": ["Iran threatens its neighbours."]})
    >>> threat_cues(threat_frames(sents, progress=False))[["cue", "type"]].values.tolist()
    [['threatens', 'generic']]
    """
    _require(frames, ["doc_id", "sent_id", "cues"], "threat_cues",
             "Pass the table from threat_frames().")
    rows = []
    flags = frames["threat"] if "threat" in frames.columns else [False] * len(frames)
    for d, s, cues, t in zip(frames["doc_id"], frames["sent_id"], frames["cues"], flags):
        for c in cues or []:
            rows.append((d, int(s), c["cue"], c["type"], c["rule"], int(c["start"]), int(c["end"]),
                         float(c["effect"]), bool(t)))
    out = pd.DataFrame(rows, columns=CUE_COLUMNS)
    return out.astype({"sent_id": "int64", "start": "int64", "end": "int64", "effect": float,
                       "threat": bool, "cue": object, "type": object, "rule": object})


# --------------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------------

def threat_roles(frames: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame, *,
                 lexicon: ThreatLexicon | str | Path | Mapping | None = None) -> pd.DataFrame:
    """Threat role of every actor mentioned in a sentence: source, referent or none.

    In a threat sentence an actor is the ``source`` when it poses the threat: possessor or
    adjective of a threat cue ("Russia's war", "Russian aggression", "Chinese build-up"), subject of
    a threat verb or predicate ("Russia invaded", "Russia remains a threat"), after "from/by/posed
    by" ("threats from Iran") or "the threat of" ("the threat of Hamas"), object of a verb of
    opposition or of "defend ... against" ("deter Russia", "defend ourselves against Russia", "a war
    with Russia"), joined to the cue by "-backed"/"-sponsored" ("Iran-backed threats"), or part of a
    hostile alignment. It is the ``referent`` when it is threatened: after "to/against/on/in" a cue
    ("threat to NATO", "aggression against Ukraine", "war in Syria"), object of a threat verb
    ("invaded Ukraine"), subject of a passive threat verb or of a victim cue ("Ukraine was invaded",
    "Pakistan is vulnerable to"), or subject/object of a verb of defence ("Ukraine defending
    itself", "protect Israel"). Actors joined in one list ("Russia, China, North Korea and Iran")
    share the role found for any of them. An actor that is both takes ``source``; every other actor,
    and every actor of a sentence that is not a threat frame, is ``none``.

    Parameters
    ----------
    frames : DataFrame
        From :func:`threat_frames`.
    mentions : DataFrame
        From :func:`toolkit.actors.mentions` (``doc_id``, ``sent_id``, ``actor``, ``start``,
        ``end``; offsets into the document text).
    sentences : DataFrame
        The sentences table the frames were built from (``doc_id``, ``sent_id``, ``start``,
        ``text``).
    lexicon : optional
        As in :func:`threat_frames`.

    Returns
    -------
    DataFrame
        One row per (sentence, actor), ordered as the mentions: ``doc_id``, ``sent_id``,
        ``actor``, ``role`` (one of :data:`ROLES`), ``rule`` (the evidence: ``possessive``,
        ``adjacent`` (an adjective or subject right before the cue), ``agent``, ``source-prep``,
        ``of-source``, ``agent-suffix``, ``predicative``, ``opposed``, ``alignment``,
        ``referent-prep``, ``object``, ``patient``, ``defender``, ``defended``, ``list``; None for
        ``none``) and ``threat`` (the sentence's flag).
    """
    _require(frames, ["doc_id", "sent_id", "threat", "cues"], "threat_roles",
             "Pass the table from threat_frames().")
    _require(mentions, ["doc_id", "sent_id", "actor", "start", "end"], "threat_roles",
             "Pass the table from toolkit.actors.mentions().")
    _require(sentences, ["doc_id", "sent_id", "text"], "threat_roles",
             "Pass the sentences table the frames were built from.")
    lex = _resolve_lexicon(lexicon)
    by_sent = _mentions_by_sentence(mentions, sentences)
    info = {}
    starts = sentences["start"] if "start" in sentences.columns else [0] * len(sentences)
    for d, s, s0, t in zip(_objects(sentences["doc_id"]), sentences["sent_id"], starts,
                           _objects(sentences["text"])):
        info[(d, int(s))] = (int(s0), t)
    flags = {(d, int(s)): (bool(t), c) for d, s, t, c in
             zip(_objects(frames["doc_id"]), frames["sent_id"], frames["threat"], frames["cues"])}
    rows = []
    seen: set = set()
    for d, s in dict.fromkeys(zip(_objects(mentions["doc_id"]),
                                  mentions["sent_id"].astype("int64"))):
        key = (d, int(s))
        if key in seen:
            continue
        seen.add(key)
        ms = by_sent.get(key, [])
        actors = list(dict.fromkeys(a for _, _, a in sorted(ms)))
        threat, cues = flags.get(key, (False, []))
        if not threat or key not in info:
            rows.extend((d, int(s), a, "none", None, bool(threat)) for a in actors)
            continue
        s0, text = info[key]
        roles = _sentence_roles(text, s0, cues, ms, lex)
        for a in actors:
            role, rule = roles.get(a, ("none", None))
            rows.append((d, int(s), a, role, rule, True))
    return pd.DataFrame({
        "doc_id": pd.Series([r[0] for r in rows], dtype=object),
        "sent_id": np.asarray([r[1] for r in rows], dtype="int64"),
        "actor": pd.Series([r[2] for r in rows], dtype=object),
        "role": pd.Series([r[3] for r in rows], dtype=object),
        "rule": pd.Series([r[4] for r in rows], dtype=object),
        "threat": np.asarray([r[5] for r in rows], dtype=bool),
    })


_AUX = frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will",
                  "would", "can", "could", "may", "might", "must", "should", "shall", "do", "does",
                  "did", "remains", "remain", "'s", "'re"})
_PASSIVE_AUX = frozenset({"was", "were", "been", "being", "is", "are", "be", "got", "get", "gets"})
_PREPOSITIONS = frozenset({"of", "to", "in", "on", "at", "from", "with", "for", "by", "against",
                           "about", "between", "among", "into", "toward", "towards", "over",
                           "under", "across", "through", "during", "throughout", "upon", "within"})
_POSES = re.compile(r"\s+(?:\w+\s+)?(?:poses?|posed|posing|presents?|represents?|constitutes?)\b")
_RELATIVE = re.compile(r"\s+(?:that|which)\s+(?:the\s+)?")
_VERB_OBJECT = re.compile(r"\s+(?:(?:the|a|an|its|their|our|his|her)\s+)?")
_FIRST_WORD = re.compile(r"[\w'-]*")
_AND_ITS = re.compile(r"\s*,?\s*and\s+(?:its|their|his|her)\s+(?:[\w'-]+\s+){0,2}")
_AS_A = re.compile(r"\s+as\s+(?:(?:a|an|the)\s+)?(?:[\w'-]+\s+){0,2}")
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "our", "his", "her"})
_NP_OPENERS = _DETERMINERS | {"this", "these", "those", "such", "another", "new", "more"}
_ADVERBS = frozenset({"also", "again", "still", "now", "already", "just", "even", "further", "once",
                      "today", "yet", "then", "ever", "never", "not"})
_VICTIM_GAP = frozenset({"is", "are", "was", "were", "has", "have", "had", "been", "become", "became",
                         "becomes", "remains", "remain", "the", "a", "an", "first", "and", "foremost",
                         "one", "of", "most", "among", "particularly", "especially", "increasingly",
                         "still", "also", "now", "already", "being", "today", "very", "extremely",
                         "highly", "deeply", "states", "countries", "'s", ","})


def _role_cues(sent: _Sentence, s0: int, cues: list[dict], lex: ThreatLexicon
               ) -> list[tuple[int, int, str, str, str]]:
    """Cues roles are read from: (start, end, type, rule, key), relative to the sentence.

    The frame's positive strong and medium cues, patterns and alignments, plus the strong and
    medium lexicon terms that a pattern's span hid from the score ("instruments of Russia's
    warfare"), minus negated ones. Weak cues ("American troops", "U.S. weapons") name no threat
    and give no role, except the victim cues of ``roles.referent_before`` ("the most vulnerable").
    """
    out = {}
    negated = [(c["start"] - s0, c["end"] - s0) for c in cues if c["effect"] < 0]
    for c in cues:
        if c["effect"] > 0 and c["type"] in ("generic", *THREAT_TYPES):
            a, b = c["start"] - s0, c["end"] - s0
            key = _key(sent.norm[a:b])
            if c["rule"].endswith(".weak") and key not in lex.referent_before:
                continue
            out[(a, b)] = (a, b, c["type"], c["rule"], key)
    for a, b, (kind, typ, strength) in lex.terms.finditer(sent.norm):
        if kind == "cue" and strength != "weak" and (a, b) not in out \
                and not any(a < ne and na < b for na, ne in negated):
            out[(a, b)] = (a, b, typ, f"terms.{typ}.{strength}", _key(sent.norm[a:b]))
    return sorted(out.values())


def _sentence_roles(text: str, s0: int, cues: list[dict], ms: list[tuple[int, int, str]],
                    lex: ThreatLexicon) -> dict[str, tuple[str, str]]:
    """Roles of the actors of one threat sentence: {actor: (role, rule)}."""
    sent = _Sentence(text)
    norm = sent.norm
    ms = sorted(ms)
    found: dict[int, tuple[str, str]] = {}  # mention index -> (role, rule)

    def assign(i: int, role: str, rule: str) -> None:
        old = found.get(i)
        if old is None or (old[0] == "referent" and role == "source"):
            found[i] = (role, rule)

    between = _between_checker(ms)
    runs = _mention_runs(sent, ms, lex)
    run_start = {}
    for run in runs:
        for m in run:
            run_start[m] = run[0][0]
    for i, m in enumerate(ms):
        ms_, me_, _ = m
        prev = _previous_word(norm, run_start.get(m, ms_))
        after_prep = prev in _PREPOSITIONS
        for cs, ce, ctype, crule, ckey in _role_cues(sent, s0, cues, lex):
            if crule == "alignment":
                if ms_ >= cs and me_ <= ce:
                    assign(i, "source", "alignment")
                continue
            if ms_ < ce and cs < me_:  # the mention is (part of) the cue: "ISIS", "al-Qaida"
                if crule.startswith("terms.") and ctype in THREAT_TYPES:
                    assign(i, "source", "agent")
                continue
            if me_ <= cs and not between(me_, cs):
                role = _role_before(sent, me_, cs, ckey, after_prep, lex)
            elif ms_ >= ce and not between(ce, ms_):
                role = _role_after(sent, ce, ms_, me_, ckey, ctype, lex)
            else:
                role = None
            if role:
                assign(i, *role)
    # Verbs of defence and opposition.
    for rs, re_, kind in lex.role_terms.finditer(norm):
        for i, (ms_, me_, _) in enumerate(ms):
            if ms_ >= re_ and not between(re_, ms_):
                words = sent.words_between(re_, ms_)
                if len(words) > 4 or any(w in _CLAUSE_PUNCT for w in words):
                    continue
                if any(w in lex.gap_breakers and w not in ("against", "from") for w in words):
                    continue
                if kind == "oppose" or "against" in words or "from" in words:
                    assign(i, "source", "opposed")
                elif all(w in _DETERMINERS for w in words):
                    assign(i, "referent", "defended")
            elif me_ <= rs and kind == "defend" and not between(me_, rs):
                words = sent.words_between(me_, rs)
                if len(words) <= 4 and not any(w in lex.gap_breakers or w in _CLAUSE_PUNCT
                                                for w in words):
                    assign(i, "referent", "defender")
    # Lists share roles.
    for run in runs:
        idx = [ms.index(m) for m in run]
        roles = [found[i] for i in idx if i in found]
        if not roles:
            continue
        role = ("source", "list") if any(r[0] == "source" for r in roles) else ("referent", "list")
        for i in idx:
            if i not in found:
                found[i] = role
    out: dict[str, tuple[str, str]] = {}
    for i, (role, rule) in found.items():
        actor = ms[i][2]
        old = out.get(actor)
        if old is None or (old[0] == "referent" and role == "source"):
            out[actor] = (role, rule)
    return out


def _previous_word(norm: str, pos: int) -> str | None:
    """The word before ``pos``, skipping "the"."""
    words = re.findall(r"[\w']+", norm[max(0, pos - 40):pos])
    while words and words[-1] == "the":
        words.pop()
    return words[-1] if words else None


def _role_before(sent: _Sentence, me_: int, cs: int, ckey: str, after_prep: bool,
                 lex: ThreatLexicon) -> tuple[str, str] | None:
    """Role of an actor mentioned before a cue: possessor, adjective, subject or patient."""
    norm = sent.norm
    gap = norm[me_:cs]
    if lex.agent_suffix.match(gap):
        return "source", "agent-suffix"
    words = sent.words_between(me_, cs)
    if any(w in _CLAUSE_PUNCT for w in words):
        return None
    if _AND_ITS.fullmatch(gap) and ckey not in lex.referent_before:
        return "source", "possessive"
    if ckey in lex.referent_before:
        if len(words) <= lex.max_gap and all(w in _VICTIM_GAP for w in words):
            return "referent", "patient"
        return None
    if _AS_A.fullmatch(gap):
        return "source", "predicative"
    content = [w for w in words if w != ","]
    if len(content) > lex.max_gap or any(w in lex.gap_breakers for w in content):
        return None
    participle = _FIRST_WORD.match(norm, cs).group(0).endswith("ed")
    if any(w in lex.patient_nouns for w in content):
        # "Ukrainian territory occupied", "Palestinian land was seized": the actor's people, land
        # or cities suffer the cue
        if participle:
            return "referent", "patient"
        return None
    if content and content[-1] in _PASSIVE_AUX and participle:
        return "referent", "patient"
    possessive = bool(content) and content[0] == "'s"
    if after_prep:
        # "against Russian aggression", "in Russia's war": only an attribute, never a subject
        rest = content[1:] if possessive else content
        if len(rest) > 2 or any(w in _AUX for w in rest):
            return None
    elif not possessive and not _subject_gap(content, lex):
        return None
    return "source", "possessive" if possessive else "adjacent" if not content else "agent"


def _subject_gap(words: list[str], lex: ThreatLexicon) -> bool:
    """Whether the words between a subject and a cue leave the cue its predicate.

    Allowed: auxiliaries, ``roles.agent_verbs`` and adverbs ("Russia has repeatedly launched"),
    then a noun phrase opened by a determiner ("remains a long-term threat"). Any other word is
    taken for a verb the subject does instead ("the President is following the war").
    """
    in_np = 0
    for w in words:
        if w in _NP_OPENERS:
            in_np = 1
        elif in_np:
            in_np += 1
            if in_np > 4:
                return False
        elif not (w in lex.agent_verbs or w in _AUX or w.endswith("ly") or w in _ADVERBS):
            return False
    return True


def _role_after(sent: _Sentence, ce: int, ms_: int, me_: int, ckey: str, ctype: str,
                lex: ThreatLexicon) -> tuple[str, str] | None:
    """Role of an actor mentioned after a cue: "threat from X", "threat to X", "invaded X"."""
    norm = sent.norm
    gap = norm[ce:ms_]
    if any(w in _CLAUSE_PUNCT for w in sent.words_between(ce, ms_)):
        return None
    if lex.source_after is not None and lex.source_after.fullmatch(gap):
        return "source", "source-prep"
    if lex.of_gap.fullmatch(gap):
        if ckey in lex.of_source or ctype == "generic":
            return "source", "of-source"
        return "referent", "referent-prep"
    if lex.referent_after is not None and lex.referent_after.fullmatch(gap):
        return "referent", "referent-prep"
    if _RELATIVE.fullmatch(gap) and _POSES.match(norm, me_):  # "the threat that China poses"
        return "source", "agent"
    if _VERB_OBJECT.fullmatch(gap):
        if _POSES.match(norm, me_):  # "the threat Russia poses"
            return "source", "agent"
        if ckey not in lex.referent_before:
            return "referent", "object"
    return None


def _between_checker(ms: list[tuple[int, int, str]]):
    """A function telling whether a mention lies wholly between two offsets."""
    starts = [m[0] for m in ms]

    def between(a: int, b: int) -> bool:
        i = bisect.bisect_left(starts, a)
        return i < len(starts) and starts[i] < b and ms[i][1] <= b
    return between
