"""Actor mentions: a gazetteer of states, organisations and armed groups, and one-pass matching.

The gazetteer is data (``toolkit/data/actors/gazetteer.yaml`` and the files it includes; schema and
ambiguity handling in ``toolkit/data/actors/README.md``). :func:`load_gazetteer` reads it, merges
user files and checks them; :class:`Gazetteer` compiles every surface form into ONE regular
expression (a character trie, so the longest form wins at each position) and scans each sentence
once. :func:`mentions` builds the *mentions* table from the sentences table; :func:`find_mentions`
runs the same matcher on one string.

Matching, in order, for every span the trie finds:

1. case-sensitive, longest match at the leftmost position ("North Korea" not "Korea", "the Russian
   Federation" not "Russian"); phrases under ``exclude`` ("Washington State", "South China Sea")
   match like forms and produce nothing, so the shorter form inside them is not found either;
2. per-form ``rules`` (Georgia the US state, Jordan/Chad as a person's name, Turkey the bird, WWII
   "Allies") and per-kind rules (a capital used only as a place; an office title followed by "of")
   may drop the span;
3. ``office`` forms ("the President") resolve to the document's home actor (its ``home_actor``
   column, from ``collection.yaml`` or ``read_corpus(metadata=...)``; else ``home_actors``:
   whitehouse -> USA by default) and are dropped where it has none (UN speeches: "Mr. President"
   is never a mention);
4. a form with several candidate actors is resolved by the leader's years of office (from the
   document date), then as declared under ``ambiguous`` (the speaking state, the actors the
   document mentions unambiguously), then the first listed candidate.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from toolkit.errors import ToolkitError
from toolkit.resources import data_path

#: Kinds of surface forms (the ``kind`` column of the mentions table).
KINDS = ("name", "demonym", "capital", "leader", "organisation", "office")
#: Types of actors.
ACTOR_TYPES = ("state", "organisation", "armed_group")
#: Columns of the mentions table, in order.
MENTION_COLUMNS = ["doc_id", "sent_id", "actor", "surface", "start", "end", "kind"]

_TOP_FIELDS = {"version", "include", "home_actors", "titles", "default_offices", "ambiguous",
               "exclude", "rules", "kind_rules", "actors"}
_FORM_KINDS = ("name", "demonym", "capital", "organisation", "office")
_ACTOR_FIELDS = {"display", "type", "leaders", "note", *_FORM_KINDS}
_LEADER_FIELDS = {"name", "short", "titled", "office", "from", "to", "forms", "note"}
_FORM_FIELDS = {"form", "collections"}
_AMBIGUOUS_FIELDS = {"forms", "kind", "actors", "resolve", "note"}
_RESOLVE = ("speaker", "home", "context")
_RULE_FIELDS = {"forms", "home", "collections", "drop", "drop_if_before", "drop_if_after",
                "drop_if_sentence", "keep_if_sentence", "person_name", "note"}
_KIND_RULE_FIELDS = {"drop_if_before", "drop_if_after", "drop_if_sentence", "keep_if_sentence",
                     "place_chain", "note"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HYPHENS = "-\u2010\u2011\u2013"
_NORM_TABLE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-",
                             "\u2013": "-"})
_WS = re.compile(r"\s+")

# Context windows (characters) handed to before/after rules.
_BEFORE_WINDOW = 120
_AFTER_WINDOW = 80


class GazetteerError(ToolkitError, ValueError):
    """A gazetteer file is invalid; the message names the file and the entry."""


def _key(text: str) -> str:
    """Lookup key of a surface form or a matched span: one space for any whitespace, ASCII
    apostrophes and hyphens; case is kept (matching is case-sensitive)."""
    return _WS.sub(" ", text.translate(_NORM_TABLE)).strip()


def _atoms(form: str) -> list[str]:
    """Regex pieces of one surface form: whitespace matches any whitespace (line breaks inside a
    sentence), an apostrophe matches ' and its typographic variant, a hyphen any dash."""
    out: list[str] = []
    for ch in _key(form):
        if ch == " ":
            out.append(r"\s+")
        elif ch == "'":
            out.append("['\u2019\u2018]")
        elif ch == "-":
            out.append("[" + re.escape(_HYPHENS) + "]")
        else:
            out.append(re.escape(ch))
    return out


def _trie_pattern(forms: Iterable[str]) -> re.Pattern:
    """One regex for all forms, built as a trie: at each node the longer continuations are tried
    first, so the longest form at a position wins (backtracking to shorter ones only when the
    longer one does not end on a word boundary)."""
    trie: dict = {}
    for f in forms:
        node = trie
        for a in _atoms(f):
            node = node.setdefault(a, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [a + emit(child) for a, child in node.items() if a]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return "(?:" + body + ")?" if len(alts) > 1 or len(body) > 1 else body + "?"
        return body

    return re.compile(r"(?<!\w)" + emit(trie) + r"(?!\w)")


# --------------------------------------------------------------------------------------------------
# Reading and checking gazetteer files
# --------------------------------------------------------------------------------------------------

def _parse_when(value: Any, *, end: bool, where: str, source: str) -> pd.Timestamp | None:
    """A leader's ``from``/``to``: a year (whole year) or an ISO date; None for open."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return pd.Timestamp(year=value, month=12, day=31) if end else pd.Timestamp(year=value,
                                                                                   month=1, day=1)
    if isinstance(value, (_dt.date, str)):
        try:
            ts = pd.Timestamp(value)
        except (ValueError, TypeError):
            pass
        else:
            if isinstance(value, str) and re.fullmatch(r"\d{4}", value.strip()):
                return _parse_when(int(value), end=end, where=where, source=source)
            return ts
    raise GazetteerError(f"{source}: {where}: invalid year or date {value!r} "
                         "(use a year such as 2021 or a date such as 2024-10-01)")


def _as_list(value: Any, where: str, source: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    if isinstance(value, list):
        return value
    raise GazetteerError(f"{source}: {where}: expected a list, got {type(value).__name__}")


def _check_fields(obj: Any, valid: set[str], where: str, source: str) -> Mapping:
    if not isinstance(obj, Mapping):
        raise GazetteerError(f"{source}: {where}: expected a mapping, got {type(obj).__name__}")
    unknown = sorted(set(obj) - valid)
    if unknown:
        raise GazetteerError(f"{source}: {where}: unknown field {unknown[0]!r}; valid fields are: "
                             + ", ".join(sorted(valid)))
    return obj


def _compile(regex: Any, where: str, source: str) -> re.Pattern | None:
    if regex is None:
        return None
    if not isinstance(regex, str):
        raise GazetteerError(f"{source}: {where}: a rule pattern must be a string")
    try:
        return re.compile(regex)
    except re.error as err:
        raise GazetteerError(f"{source}: {where}: invalid regular expression: {err}") from None


def _read(obj: str | Path | Mapping, seen: set[Path]) -> list[tuple[dict, str, Path | None]]:
    """A file (and the files it includes, first) or a mapping, as (data, source name, path)."""
    if isinstance(obj, Mapping):
        return [(dict(obj), "<mapping>", None)]
    p = Path(obj)
    if not p.exists():
        raise GazetteerError(f"{p}: no such gazetteer file")
    rp = p.resolve()
    if rp in seen:
        return []
    seen.add(rp)
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as err:
        raise GazetteerError(f"{p}: not valid YAML: {err}") from None
    data = {} if data is None else data
    if not isinstance(data, Mapping):
        raise GazetteerError(f"{p}: a gazetteer file must be a YAML mapping")
    _check_fields(data, _TOP_FIELDS, "top level", str(p))
    out: list[tuple[dict, str, Path | None]] = [(dict(data), str(p), rp)]
    for inc in _as_list(data.get("include"), "include", str(p)):
        out.extend(_read(p.parent / str(inc), seen))
    return out


@dataclass(frozen=True)
class _Cand:
    """One reading of a surface form."""

    actor: str | None          # None: an excluded phrase
    kind: str
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    collections: frozenset | None = None
    source: str = ""
    entry: str = ""


@dataclass
class _Rule:
    forms: frozenset | None
    home: frozenset | None = None
    collections: frozenset | None = None
    drop: bool = False
    before: re.Pattern | None = None
    after: re.Pattern | None = None
    sentence: re.Pattern | None = None
    keep: re.Pattern | None = None
    person_name: bool = False
    place_chain: re.Pattern | None = None


@dataclass
class _Ambiguous:
    actors: tuple[str, ...]
    kind: str
    resolve: tuple[str, ...]


_PERSON_TITLES = frozenset(
    "Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Rep Rep. Sen Sen. Gov Gov. Senator Congressman Congresswoman "
    "Representative Chairman Chairwoman Coach Judge Justice Rev Rev. Reverend Pastor Officer "
    "Sergeant Sgt. Lt. Captain Capt. Colonel Col. General Gen. Admiral Adm. Professor Prof. "
    "Mayor Commissioner Councilman Councilwoman Sheriff Detective Brother Sister Uncle Aunt "
    "Dear".split())
_FUNCTION_WORDS = frozenset(
    "The A An And Or But Nor Of In On At To For From With By As Into Onto Upon Over Under About "
    "Against Between Among Through During Before After Since Until Like Unlike Including Both "
    "Neither Either Also Only Even Then Than That This These Those Our Their Its His Her My Your "
    "We They He She It I You If When While Where Whether Because Although Though So Yet Not No "
    "All Every Each Some Many Most Neighbouring Neighboring Visiting Including Excluding Kingdom "
    "King Queen Hashemite Republic State Government President Minister Prime Foreign Northern "
    "Southern Eastern Western Central Greater Lake River Mount Today Yesterday Tomorrow Meanwhile "
    "Thus Hence Indeed However Therefore Now Here There Finally Support Help Thank Thanks Welcome "
    "Congratulations Did Does Do Has Have Had Is Was Were Are Will Would Can Could Should Shall "
    "May "
    "Might Must Let Why What How Who Whom Whose Which Yes Okay Oh Well Please Unlike Until Via "
    "Per Post Pre Anti Pro Non Dear Sovereign Independent Democratic Modern Free Brotherly "
    "Friendly Sisterly Neighbourly Fellow Royal Hashemite".split())
_NAME_FOLLOWERS = frozenset(
    "President Prime Minister Ministers Government King Queen Foreign Armed Army Air Navy "
    "Defence Defense Embassy Ambassador Parliament National Republic State Authority Authorities "
    "Council Ministry Office".split())
_LEADER_FOLLOWERS = frozenset(
    "Administration Doctrine Regime Jr Sr II III Said Says Told".split())
_VOCATIVE_BEFORE = re.compile(r"(?:\b(?:ahead|[Yy]es|[Yy]eah|[Oo]kay|OK|[Ss]ure|[Tt]hanks|"
                              r"[Tt]hank\s+you|[Hh]i|[Hh]ey|[Pp]lease))\s*,\s*$")
_VOCATIVE_AFTER = re.compile(
    r"^(?:['\u2019]s\s+question|,\s+(?:you|go\s+ahead|please)\b|\s*\?\s*$)")
_WORD_BEFORE = re.compile(r"([\w.'\u2019-]+)\s+$")
_WORD_AFTER = re.compile(r"^\s+([\w.'\u2019-]+)")


def _person_name(text: str, s: int, e: int) -> bool:
    """Whether the span text[s:e] is (part of) a person's name: a personal title or a capitalised
    first name before it (not at the start of the sentence), a capitalised surname after it, or a
    reporter called on by name ("Go ahead, Jordan.")."""
    before = text[max(0, s - _BEFORE_WINDOW):s]
    after = text[e:e + _AFTER_WINDOW]
    if _VOCATIVE_BEFORE.search(before) or _VOCATIVE_AFTER.match(after):
        return True
    m = _WORD_BEFORE.search(before)
    if m and before[m.start():m.end()].count("\n") == 0:
        w = m.group(1)
        if w in _PERSON_TITLES:
            return True
        if (w[:1].isupper() and w.isalpha() and not w.isupper() and w not in _FUNCTION_WORDS):
            return True
    m = _WORD_AFTER.match(after)
    if m and "\n" not in after[:m.start(1)]:
        w = m.group(1)
        if (w[:1].isupper() and w.isalpha() and not w.isupper() and w not in _NAME_FOLLOWERS
                and w not in _FUNCTION_WORDS):
            return True
    return False


def _other_person(text: str, e: int) -> bool:
    """A capitalised word (not an office or government word) right after a one-word leader form:
    the form is someone else's first name ("Abe Lurie")."""
    m = _WORD_AFTER.match(text[e:e + _AFTER_WINDOW])
    if not m or "\n" in text[e:e + m.start(1)]:
        return False
    w = m.group(1)
    return (w[:1].isupper() and w.isalpha() and not w.isupper() and w not in _NAME_FOLLOWERS
            and w not in _FUNCTION_WORDS and w not in _LEADER_FOLLOWERS)


def _when_key(date: Any) -> pd.Timestamp | None:
    """A document date as a Timestamp (a bare year means the middle of that year)."""
    if date is None:
        return None
    if isinstance(date, pd.Timestamp):
        return None if pd.isna(date) else date
    if isinstance(date, (int, float)) and not isinstance(date, bool):
        if pd.isna(date):
            return None
        return pd.Timestamp(year=int(date), month=7, day=1)
    if isinstance(date, str):
        d = date.strip()
        if not d:
            return None
        if re.fullmatch(r"\d{4}", d):
            return pd.Timestamp(year=int(d), month=7, day=1)
        try:
            ts = pd.Timestamp(d)
        except (ValueError, TypeError):
            return None
        return None if pd.isna(ts) else ts
    try:
        ts = pd.Timestamp(date)
    except (ValueError, TypeError):
        return None
    return None if pd.isna(ts) else ts


@dataclass
class Gazetteer:
    """A compiled actor gazetteer; build it with :func:`load_gazetteer`.

    Attributes
    ----------
    actors : dict
        ``{actor_id: {"display": ..., "type": ...}}``.
    forms : dict
        ``{surface form key: [candidate readings]}`` (internal).
    home_actors : dict
        ``{collection: actor_id}``: whose office titles "the President", "the administration" name.
    sources : list of str
        The files read, in order.
    pattern : re.Pattern
        The one compiled regular expression over all surface forms.

    Examples
    --------
    >>> gaz = load_gazetteer()
    >>> [(m["surface"], m["actor"]) for m in gaz.find("North Korea and Moscow said so.")]
    [('North Korea', 'PRK'), ('Moscow', 'RUS')]
    """

    actors: dict[str, dict]
    forms: dict[str, list[_Cand]]
    home_actors: dict[str, str]
    offices: dict[str, frozenset]
    default_offices: frozenset
    ambiguous: dict[str, _Ambiguous]
    rules: dict[str, list[_Rule]]
    kind_rules: dict[str, _Rule]
    sources: list[str] = field(default_factory=list)
    pattern: re.Pattern | None = None

    def __post_init__(self) -> None:
        if self.pattern is None:
            self.pattern = _trie_pattern(self.forms)

    def __repr__(self) -> str:
        return (f"Gazetteer({len(self.actors)} actors, {len(self.forms)} surface forms, "
                f"sources={self.sources})")

    # -- one sentence --------------------------------------------------------------------------
    def scan(self, text: str, *, collection: str | None = None, home: str | None = None,
             date: Any = None, iso3: str | None = None) -> list[list]:
        """Raw matches of one sentence: ``[start, end, surface, kind, actor or candidates]``.

        ``actor`` is a tuple of candidate ids when the form is ambiguous and could not be decided
        from the sentence alone (see :meth:`resolve`).
        """
        out: list[list] = []
        if not isinstance(text, str) or not text:
            return out
        when = _when_key(date)
        last_place_end = -10
        for m in self.pattern.finditer(text):
            s, e = m.span()
            surface = m.group()
            key = _key(surface)
            cands = self.forms.get(key)
            if not cands:
                continue
            real = [c for c in cands if c.actor is not None]
            if not real:
                if not any(c.kind == "office" for c in cands):
                    continue  # an excluded phrase
                kind = "office"
            else:
                kind = real[0].kind
                if collection is not None or any(c.collections for c in real):
                    real = [c for c in real
                            if c.collections is None or collection in c.collections]
                    if not real:
                        continue
            if kind == "capital":
                kr = self.kind_rules.get("capital")
                if kr is not None and (self._capital_place(kr, text, s, e, last_place_end)
                                       or self._dropped(key, kind, text, s, e, collection, home,
                                                        only_kind=True)):
                    last_place_end = e
                    continue
                if self._dropped(key, kind, text, s, e, collection, home, only_form=True):
                    continue
            elif self._dropped(key, kind, text, s, e, collection, home):
                continue
            if kind == "office":
                if home is None:
                    continue
                allowed = self.offices.get(home, self.default_offices)
                if key not in allowed:
                    continue
                out.append([s, e, surface, kind, home])
                continue
            if kind == "leader" and " " not in key and _other_person(text, e):
                continue  # "Abe Lurie": the surname of a leader is another person's first name
            actor = self._choose(key, real, when, iso3, home)
            if isinstance(actor, str):
                kind = next(c.kind for c in real if c.actor == actor)
            out.append([s, e, surface, kind, actor])
        return out

    def _dropped(self, key: str, kind: str, text: str, s: int, e: int,
                 collection: str | None, home: str | None, *, only_kind: bool = False,
                 only_form: bool = False) -> bool:
        rules = [] if only_kind else list(self.rules.get(key, ()))
        kr = None if only_form else self.kind_rules.get(kind)
        if kr is not None:
            rules.append(kr)
        for r in rules:
            if r.home is not None and home not in r.home:
                continue
            if r.collections is not None and collection not in r.collections:
                continue
            hit = r.drop
            if not hit and r.before is not None:
                hit = r.before.search(text[max(0, s - _BEFORE_WINDOW):s]) is not None
            if not hit and r.after is not None:
                hit = r.after.match(text[e:e + _AFTER_WINDOW]) is not None
            if not hit and r.sentence is not None:
                hit = r.sentence.search(text) is not None
            if not hit and r.person_name:
                hit = _person_name(text, s, e)
            if hit and r.keep is not None and r.keep.search(text):
                hit = False
            if hit:
                return True
        return False

    @staticmethod
    def _capital_place(kr: _Rule, text: str, s: int, e: int, last_place_end: int) -> bool:
        """A capital in a list right after a capital used as a place is a place too
        ("in Moscow and Beijing")."""
        if kr.place_chain is None or last_place_end < 0:
            return False
        gap = text[last_place_end:s]
        return len(gap) < 12 and kr.place_chain.fullmatch(gap) is not None

    def _choose(self, key: str, cands: list[_Cand], when: pd.Timestamp | None,
                iso3: str | None, home: str | None) -> str | tuple:
        actors = list(dict.fromkeys(c.actor for c in cands))
        dated = any(c.start is not None or c.end is not None for c in cands)
        if len(actors) > 1 and when is not None and dated:
            # leader forms shared by two actors: the one in office at the date, else the nearest
            def distance(c: _Cand) -> float:
                lo = c.start if c.start is not None else pd.Timestamp.min
                hi = c.end if c.end is not None else pd.Timestamp.max
                if lo <= when <= hi:
                    return 0.0
                return abs(((lo if when < lo else hi) - when).days)
            best = min(distance(c) for c in cands)
            actors = list(dict.fromkeys(c.actor for c in cands if distance(c) == best))
        if len(actors) == 1:
            return actors[0]
        amb = self.ambiguous.get(key)
        order = amb.actors if amb is not None else tuple(actors)
        order = tuple(a for a in order if a in actors) or tuple(actors)
        resolve = amb.resolve if amb is not None else ("speaker", "home", "context")
        if "speaker" in resolve and iso3 in order:
            return iso3
        if "home" in resolve and home in order:
            return home
        if "context" in resolve:
            return order
        return order[0]

    @staticmethod
    def resolve(rows: list[list], context: Iterable[str]) -> None:
        """Decide the ambiguous rows of one document in place: the candidate the document mentions
        unambiguously elsewhere (if exactly one is), else the first candidate."""
        ctx = set(context)
        for r in rows:
            a = r[4]
            if isinstance(a, tuple):
                seen = [x for x in a if x in ctx]
                r[4] = seen[0] if len(seen) == 1 else a[0]

    def find(self, text: str, *, collection: str | None = None, date: Any = None,
             iso3: str | None = None, home_actors: Mapping[str, str] | None = None) -> list[dict]:
        """Mentions in one string, as a list of dicts (``actor``, ``surface``, ``start``,
        ``end``, ``kind``); offsets are into ``text``.

        Examples
        --------
        >>> gaz = load_gazetteer()
        >>> [m["actor"] for m in gaz.find("The President met Allies.", collection="whitehouse")]
        ['USA', 'NATO']
        """
        homes = self.home_actors if home_actors is None else {**self.home_actors, **home_actors}
        home = homes.get(collection) if collection is not None else None
        rows = self.scan(text, collection=collection, home=home, date=date, iso3=iso3)
        self.resolve(rows, [r[4] for r in rows if isinstance(r[4], str)])
        return [{"actor": r[4], "surface": r[2], "start": r[0], "end": r[1], "kind": r[3]}
                for r in rows]


# --------------------------------------------------------------------------------------------------
# Building a Gazetteer from parsed files
# --------------------------------------------------------------------------------------------------

class _Builder:
    def __init__(self) -> None:
        self.actors: dict[str, dict] = {}
        self.actor_source: dict[str, str] = {}
        self.forms: dict[str, list[_Cand]] = {}
        self.auto: dict[str, list[_Cand]] = {}    # generated variants (The X, ALL CAPS, titles)
        self.home_actors: dict[str, str] = {}
        self.titles: dict[str, list[str]] = {}
        self.offices: dict[str, set[str]] = {}
        self.default_offices: set[str] = set()
        self.ambiguous: dict[str, _Ambiguous] = {}
        self.rules: dict[str, list[_Rule]] = {}
        self.kind_rules: dict[str, _Rule] = {}
        self.pending_leaders: list[tuple[str, Mapping, str, str]] = []
        self.sources: list[str] = []

    # -- pass 1: sections that later sections refer to ----------------------------------------
    def header(self, data: Mapping, src: str) -> None:
        self.sources.append(src)
        homes = data.get("home_actors") or {}
        if not isinstance(homes, Mapping):
            raise GazetteerError(f"{src}: home_actors: expected a mapping collection -> actor id")
        self.home_actors.update({str(k): str(v) for k, v in homes.items()})
        titles = data.get("titles") or {}
        if not isinstance(titles, Mapping):
            raise GazetteerError(f"{src}: titles: expected a mapping office -> list of titles")
        for office, ts in titles.items():
            self.titles[str(office)] = [str(t) for t in _as_list(ts, f"titles.{office}", src)]

    def actor(self, aid: str, spec: Any, src: str) -> None:
        where = f"actor {aid}"
        spec = _check_fields(spec, _ACTOR_FIELDS, where, src)
        if aid not in self.actors:
            for req in ("display", "type"):
                if req not in spec:
                    raise GazetteerError(f"{src}: {where}: a new actor needs '{req}'")
            self.actors[aid] = {}
            self.actor_source[aid] = src
        info = self.actors[aid]
        if "display" in spec:
            info["display"] = str(spec["display"])
        if "type" in spec:
            if spec["type"] not in ACTOR_TYPES:
                raise GazetteerError(f"{src}: {where}: invalid type {spec['type']!r}; valid values "
                                     "are: " + ", ".join(ACTOR_TYPES))
            info["type"] = spec["type"]
        for kind in _FORM_KINDS:
            for item in _as_list(spec.get(kind), f"{where}.{kind}", src):
                form, colls = self._form_item(item, f"{where}.{kind}", src)
                if kind == "office":
                    self.offices.setdefault(aid, set()).add(_key(form))
                    self._add(form, _Cand(None, "office"), src, where, office=True)
                    continue
                self._add(form, _Cand(aid, kind, collections=colls, source=src, entry=where),
                          src, where)
        for i, ld in enumerate(_as_list(spec.get("leaders"), f"{where}.leaders", src)):
            self.pending_leaders.append((aid, ld, src, f"{where}.leaders[{i}]"))

    @staticmethod
    def _form_item(item: Any, where: str, src: str) -> tuple[str, frozenset | None]:
        if isinstance(item, str):
            form, colls = item, None
        elif isinstance(item, Mapping):
            _check_fields(item, _FORM_FIELDS, where, src)
            if "form" not in item:
                raise GazetteerError(f"{src}: {where}: a form mapping needs 'form'")
            form = str(item["form"])
            cs = item.get("collections")
            colls = frozenset(str(c) for c in _as_list(cs, where, src)) if cs else None
        else:
            raise GazetteerError(f"{src}: {where}: a surface form must be a string, got {item!r}")
        if not _key(form) or not re.match(r"\w", _key(form)):
            raise GazetteerError(f"{src}: {where}: invalid surface form {item!r} (must start with "
                                 "a letter or digit)")
        return form, colls

    def leader(self, aid: str, ld: Any, src: str, where: str) -> None:
        ld = _check_fields(ld, _LEADER_FIELDS, where, src)
        if "name" not in ld:
            raise GazetteerError(f"{src}: {where}: a leader needs 'name'")
        name = str(ld["name"])
        where = f"{where} ({name})"
        start = _parse_when(ld.get("from"), end=False, where=where, source=src)
        end = _parse_when(ld.get("to"), end=True, where=where, source=src)
        cand = _Cand(aid, "leader", start, end, None, src, where)
        literal = [name, *[str(f) for f in _as_list(ld.get("forms"), where, src)]]
        short = ld.get("short")
        if short:
            literal.append(str(short))
        for f in literal:
            self._add(f, cand, src, where)
        office = ld.get("office")
        if office is not None and str(office) not in self.titles:
            raise GazetteerError(f"{src}: {where}: unknown office {office!r}; valid offices are: "
                                 + ", ".join(sorted(self.titles)))
        titled = ld.get("titled", short)
        for t in self.titles.get(str(office), []) if office is not None else []:
            for base in {name, *( [str(titled)] if titled else [])}:
                self._add(f"{t} {base}", cand, src, where, auto=True)

    def _add(self, form: str, cand: _Cand, src: str, where: str, *, auto: bool = False,
             office: bool = False) -> None:
        key = _key(form)
        table = self.auto if auto else self.forms
        lst = table.setdefault(key, [])
        if office:
            if not any(c.kind == "office" for c in lst):
                lst.append(cand)
            return
        if any(c.actor == cand.actor and c.kind == cand.kind and c.start == cand.start
               and c.end == cand.end for c in lst):
            return
        lst.append(cand)

    def ambiguous_entry(self, item: Any, src: str, where: str) -> None:
        item = _check_fields(item, _AMBIGUOUS_FIELDS, where, src)
        actors = tuple(str(a) for a in _as_list(item.get("actors"), where, src))
        kind = str(item.get("kind", "name"))
        if kind not in KINDS or kind == "office":
            raise GazetteerError(f"{src}: {where}: invalid kind {kind!r}")
        if len(actors) < 2:
            raise GazetteerError(f"{src}: {where}: an ambiguous form needs two or more actors")
        resolve = tuple(str(r) for r in _as_list(item.get("resolve", list(_RESOLVE)), where, src))
        for r in resolve:
            if r not in _RESOLVE:
                raise GazetteerError(f"{src}: {where}: invalid resolve {r!r}; valid values are: "
                                     + ", ".join(_RESOLVE))
        for f in _as_list(item.get("forms"), where, src):
            form, colls = self._form_item(f, where, src)
            self.ambiguous[_key(form)] = _Ambiguous(actors, kind, resolve)
            for a in actors:
                self._add(form, _Cand(a, kind, collections=colls, source=src,
                                      entry=f"{where} ({form})"), src, where)

    def exclude(self, items: Any, src: str) -> None:
        for f in _as_list(items, "exclude", src):
            form, _ = self._form_item(f, "exclude", src)
            lst = self.forms.setdefault(_key(form), [])
            if not any(c.actor is None and c.kind == "exclude" for c in lst):
                lst.append(_Cand(None, "exclude", source=src, entry="exclude"))

    def rule(self, item: Any, src: str, where: str, *, kind_rule: bool = False) -> _Rule:
        item = _check_fields(item, _KIND_RULE_FIELDS if kind_rule else _RULE_FIELDS, where, src)
        def fs(name: str) -> frozenset | None:
            v = item.get(name)
            return frozenset(str(x) for x in _as_list(v, where, src)) if v else None
        forms = None if kind_rule else frozenset(
            _key(str(f)) for f in _as_list(item.get("forms"), where, src))
        if not kind_rule and not forms:
            raise GazetteerError(f"{src}: {where}: a rule needs 'forms'")
        r = _Rule(forms=forms, home=None if kind_rule else fs("home"),
                  collections=None if kind_rule else fs("collections"),
                  drop=bool(item.get("drop", False)),
                  before=_compile(item.get("drop_if_before"), f"{where}.drop_if_before", src),
                  after=_compile(item.get("drop_if_after"), f"{where}.drop_if_after", src),
                  sentence=_compile(item.get("drop_if_sentence"), f"{where}.drop_if_sentence", src),
                  keep=_compile(item.get("keep_if_sentence"), f"{where}.keep_if_sentence", src),
                  person_name=bool(item.get("person_name", False)),
                  place_chain=_compile(item.get("place_chain"), f"{where}.place_chain", src))
        if r.before is not None and not r.before.pattern.endswith("$"):
            raise GazetteerError(f"{src}: {where}: drop_if_before must end with '$' (it is "
                                 "searched in the text just before the form)")
        return r

    # -- finishing -------------------------------------------------------------------------------
    def check(self) -> None:
        for aid, info in self.actors.items():
            if "display" not in info or "type" not in info:
                raise GazetteerError(f"{self.actor_source[aid]}: actor {aid}: needs display, type")
        for collection, aid in self.home_actors.items():
            if aid not in self.actors:
                raise GazetteerError(f"home_actors: collection {collection!r} names unknown actor "
                                     f"{aid!r}")
        for key, amb in self.ambiguous.items():
            for a in amb.actors:
                if a not in self.actors:
                    raise GazetteerError(f"ambiguous: form {key!r} names unknown actor {a!r}")
        for key, cands in self.forms.items():
            real = [c for c in cands if c.actor is not None]
            if any(c.actor is None and c.kind == "exclude" for c in cands) and real:
                c = real[0]
                raise GazetteerError(f"{c.source}: {c.entry}: surface form {key!r} is also listed "
                                     "under exclude")
            if key in self.ambiguous:
                continue
            actors = {c.actor for c in real}
            if len(actors) < 2:
                continue
            # two actors: allowed only for leaders whose years of office do not overlap
            for i, a in enumerate(real):
                for b in real[i + 1:]:
                    if a.actor == b.actor:
                        continue
                    if a.kind == "leader" and b.kind == "leader" and not _overlap(a, b):
                        continue
                    raise GazetteerError(
                        f"{b.source}: {b.entry}: surface form {key!r} maps to {b.actor} but is "
                        f"already mapped to {a.actor} ({a.source}: {a.entry}); list it under "
                        "'ambiguous' with the candidate actors, or remove one of them")

    def build(self) -> Gazetteer:
        for aid, ld, src, where in self.pending_leaders:
            self.leader(aid, ld, src, where)
        self.check()
        forms = {k: list(v) for k, v in self.forms.items()}
        # generated variants: titled leader forms, "The X" for "the X", ALL CAPS names; skipped
        # where they would collide with a listed form or with each other
        for key, cands in self.auto.items():
            if key in forms:
                continue
            forms[key] = cands
        for key, cands in list(forms.items()):
            real = [c for c in cands if c.actor is not None or c.kind in ("office", "exclude")]
            if not real:
                continue
            variants = []
            if key[:1].islower() and " " in key:
                # a form starting with a lower-case word ("the Alliance", "this President",
                # "al-Qaida") also starts a sentence
                variants.append(key[:1].upper() + key[1:])
            kind = real[0].kind
            letters = re.sub(r"[^A-Za-z]", "", key)
            curated_leader = kind == "leader" and real[0].source == self.sources[0]
            if (kind in ("name", "exclude") or curated_leader) and len(letters) >= 4 \
                    and key.upper() != key:
                variants.append(key.upper())
            for v in variants:
                vk = _key(v)
                if vk not in forms:
                    forms[vk] = cands
                    if key in self.ambiguous:
                        self.ambiguous[vk] = self.ambiguous[key]
                    for r in list(self.rules.get(key, ())):
                        self.rules.setdefault(vk, []).append(r)
                    for aid, offs in list(self.offices.items()):
                        if key in offs:
                            offs.add(vk)
                    if key in self.default_offices:
                        self.default_offices.add(vk)
        return Gazetteer(actors=self.actors, forms=forms, home_actors=dict(self.home_actors),
                         offices={a: frozenset(v) for a, v in self.offices.items()},
                         default_offices=frozenset(self.default_offices),
                         ambiguous=self.ambiguous, rules=self.rules, kind_rules=self.kind_rules,
                         sources=self.sources)


def _overlap(a: _Cand, b: _Cand) -> bool:
    lo = max(a.start or pd.Timestamp.min, b.start or pd.Timestamp.min)
    hi = min(a.end or pd.Timestamp.max, b.end or pd.Timestamp.max)
    # sharing the hand-over year (to: 2019 / from: 2019) is not an overlap
    return (hi - lo).days > 366


def _apply(b: _Builder, data: Mapping, src: str) -> None:
    for aid, spec in (data.get("actors") or {}).items():
        b.actor(str(aid), spec, src)
    for i, item in enumerate(_as_list(data.get("ambiguous"), "ambiguous", src)):
        b.ambiguous_entry(item, src, f"ambiguous[{i}]")
    b.exclude(data.get("exclude"), src)
    for f in _as_list(data.get("default_offices"), "default_offices", src):
        form, _ = b._form_item(f, "default_offices", src)
        b.default_offices.add(_key(form))
        b._add(form, _Cand(None, "office"), src, "default_offices", office=True)
    for i, item in enumerate(_as_list(data.get("rules"), "rules", src)):
        r = b.rule(item, src, f"rules[{i}]")
        for k in r.forms or ():
            b.rules.setdefault(k, []).append(r)
    kr = data.get("kind_rules") or {}
    if not isinstance(kr, Mapping):
        raise GazetteerError(f"{src}: kind_rules: expected a mapping kind -> rule")
    for kind, item in kr.items():
        if kind not in KINDS:
            raise GazetteerError(f"{src}: kind_rules: invalid kind {kind!r}; valid values are: "
                                 + ", ".join(KINDS))
        b.kind_rules[str(kind)] = b.rule(item, src, f"kind_rules.{kind}", kind_rule=True)


def load_gazetteer(path: str | Path | Mapping | None = None, *,
                   extra: str | Path | Mapping | Sequence[str | Path | Mapping] | None = None
                   ) -> Gazetteer:
    """Read, check and compile an actor gazetteer.

    Parameters
    ----------
    path : str, Path or mapping, optional
        The base gazetteer file (its ``include`` files are read too). Default: the packaged
        ``toolkit/data/actors/gazetteer.yaml`` (states of the UN General Debate corpus, NATO, EU,
        UN, G7, AU, ASEAN and the armed groups of the codebook, with leaders from
        ``ungd_leaders.yaml``).
    extra : str, Path, mapping or list of them, optional
        User files merged on top, in order: new actors, more forms, leaders, ``exclude`` phrases,
        ``ambiguous`` forms, ``rules`` and ``home_actors`` (see ``toolkit/data/actors/README.md``).

    Returns
    -------
    Gazetteer

    Raises
    ------
    GazetteerError (a ValueError)
        An unknown field, a surface form mapped to two actors (other than leaders whose years of
        office do not overlap, or forms declared under ``ambiguous``), an invalid rule pattern;
        the message names the file and the entry.

    Examples
    --------
    >>> gaz = load_gazetteer(extra={"actors": {"QUAD": {"display": "Quad",
    ...                                                "type": "organisation", "name": ["Quad"]}}})
    >>> [m["actor"] for m in gaz.find("The Quad met in Tokyo.")]
    ['QUAD']
    """
    base = data_path("actors", "gazetteer.yaml") if path is None else path
    extras: list = []
    if extra is not None:
        extras = list(extra) if isinstance(extra, (list, tuple)) else [extra]
    b = _Builder()
    seen: set[Path] = set()
    parsed: list[tuple[dict, str]] = []
    for obj in [base, *extras]:
        for data, src, _ in _read(obj, seen):
            if src == "<mapping>":
                _check_fields(data, _TOP_FIELDS, "top level", src)
            parsed.append((data, src))
    for data, src in parsed:
        b.header(data, src)
    for data, src in parsed:
        _apply(b, data, src)
    return b.build()


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return load_gazetteer()


#: The shipped gazetteer (``load_gazetteer()``), loaded once per process and then reused.
default_gazetteer = _default_gazetteer


def _resolve_gazetteer(gazetteer: Gazetteer | str | Path | Mapping | None) -> Gazetteer:
    if gazetteer is None:
        return _default_gazetteer()
    if isinstance(gazetteer, Gazetteer):
        return gazetteer
    return load_gazetteer(extra=gazetteer)


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------

def _empty() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": pd.Series(dtype=object), "sent_id": pd.Series(dtype="int64"),
                         "actor": pd.Series(dtype=object), "surface": pd.Series(dtype=object),
                         "start": pd.Series(dtype="int64"), "end": pd.Series(dtype="int64"),
                         "kind": pd.Series(dtype=object)})


def _require(df: Any, columns: list[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} needs columns {columns}; missing {missing}")


def _clean(v: Any) -> Any:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def suggest_actors(actor: Any, gazetteer: Gazetteer | str | Path | Mapping | None = None) -> str:
    """A hint for an unknown actor id: ``" (did you mean 'RUS' (Russia)?)"``, or ``""``.

    A name or surface form of an actor ("Russia", "the Kremlin") suggests that actor; a mistyped
    id or name suggests the closest ones.

    Examples
    --------
    >>> suggest_actors("Russia")
    " (did you mean 'RUS' (Russia)?)"
    """
    import difflib

    gaz = _resolve_gazetteer(gazetteer)
    found: list[str] = []
    try:
        found += [m["actor"] for m in gaz.find(str(actor)) if isinstance(m["actor"], str)]
    except Exception:  # noqa: BLE001 - a suggestion must never hide the real error
        pass
    if not found:  # a mistyped id ("RUZ") or name ("Rusia")
        by_name = {str(v.get("display", "")).lower(): k for k, v in gaz.actors.items()}
        found += [by_name[n] for n in difflib.get_close_matches(str(actor).lower(),
                                                                 list(by_name), n=2,
                                                                 cutoff=0.75)]
        found += difflib.get_close_matches(str(actor).upper(), list(gaz.actors), n=3,
                                           cutoff=0.6)
    seen = list(dict.fromkeys(found))[:3]
    if not seen:
        return ""
    listed = ", ".join(f"{a!r} ({gaz.actors[a].get('display', a)})" for a in seen)
    return f" (did you mean {listed}?)"


def _doc_homes(gaz: Gazetteer, docs: pd.DataFrame) -> list[Any]:
    """The documents' own ``home_actor`` column (None where empty or absent), checked against the
    gazetteer: an unknown id raises, naming the documents and close ids."""
    if "home_actor" not in docs.columns:
        return [None] * len(docs)
    values = [_clean(v) for v in docs["home_actor"]]
    bad: dict[Any, list] = {}
    for d, v in zip(docs["doc_id"], values):
        if v is not None and v not in gaz.actors:
            bad.setdefault(v, []).append(d)
    if bad:
        v, ids = next(iter(bad.items()))
        more = f" and {len(ids) - 1} more" if len(ids) > 1 else ""
        raise ValueError(f"docs: home_actor {v!r} of document {ids[0]!r}{more} is not an actor "
                         f"id of the gazetteer{suggest_actors(v, gaz)}; fix the collection's "
                         "collection.yaml or read_corpus(metadata=...), or add the actor to the "
                         "gazetteer (load_gazetteer(extra=...))")
    return values


def _homes(gaz: Gazetteer, home_actors: Mapping[str, str] | None) -> dict[str, str]:
    """The gazetteer's ``home_actors`` updated with the caller's (checked against the actors)."""
    homes = dict(gaz.home_actors)
    for c, a in (home_actors or {}).items():
        if a not in gaz.actors:
            raise ValueError(f"home_actors: collection {c!r} names unknown actor {a!r}; "
                             "add it to the gazetteer first")
        homes[str(c)] = str(a)
    return homes


def speaker_actors(docs: pd.DataFrame, *,
                   gazetteer: Gazetteer | str | Path | Mapping | None = None,
                   home_actors: Mapping[str, str] | None = None) -> pd.Series:
    """The actor each document speaks for: its ``home_actor`` (from ``collection.yaml`` or
    ``read_corpus(metadata=...)``), else the speaking state of a UN speech (``iso3``), else the
    home actor of the document's collection (``{"whitehouse": "USA"}``), else missing.

    This is who "we" and the office titles refer to (:func:`mentions`); actor sentiment uses it
    to recognise a speaker's mentions of itself (:func:`toolkit.sentiment.actor_sentiment`,
    ``speakers``).

    Parameters
    ----------
    docs : DataFrame
        The documents table (``doc_id``; ``home_actor``, ``iso3`` and ``collection`` where
        known).
    gazetteer, home_actors
        As in :func:`mentions` (an ``iso3`` that is not an actor of the gazetteer is ignored).

    Returns
    -------
    Series
        Indexed by ``doc_id``, the actor id or ``None``; named ``speaker_actor``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "collection": ["whitehouse", "ungd", "x"],
    ...                      "iso3": [None, "FRA", None]})
    >>> speaker_actors(docs).tolist()
    ['USA', 'FRA', None]
    >>> speaker_actors(docs.assign(home_actor=[None, None, "RUS"])).tolist()
    ['USA', 'FRA', 'RUS']
    """
    _require(docs, ["doc_id"], "docs")
    gaz = _resolve_gazetteer(gazetteer)
    homes = _homes(gaz, home_actors)
    n = len(docs)
    coll = docs["collection"] if "collection" in docs.columns else [None] * n
    iso = docs["iso3"] if "iso3" in docs.columns else [None] * n
    own = _doc_homes(gaz, docs)
    out = []
    for c, i, h in zip(coll, iso, own):
        i, c = _clean(i), _clean(c)
        out.append(h if h is not None else i if i is not None and i in gaz.actors
                   else homes.get(c) if c is not None else None)
    return pd.Series(out, index=pd.Index(docs["doc_id"], name="doc_id"), dtype=object,
                     name="speaker_actor")


def mentions(sentences: pd.DataFrame, docs: pd.DataFrame | None = None, *,
             gazetteer: Gazetteer | str | Path | Mapping | None = None,
             home_actors: Mapping[str, str] | None = None,
             progress: bool = True) -> pd.DataFrame:
    """Actor mentions in every sentence: the *mentions* table.

    Parameters
    ----------
    sentences : DataFrame
        The sentences table (``doc_id``, ``sent_id``, ``start``, ``text``), e.g. from
        :func:`toolkit.segment.sentences`.
    docs : DataFrame, optional
        The documents table, for per-document context: ``home_actor`` (whom the office titles
        "the President", "the administration" name; ``read_corpus`` fills it from a collection's
        ``collection.yaml`` or ``metadata=``), else ``collection`` (see ``home_actors``),
        ``date`` (or ``year``: picks
        between two actors sharing a leader's name by years of office) and ``iso3`` (the speaking
        state of a UN speech: "Korea" in a speech of the DPRK is PRK). Without it, office titles
        are not resolved.
    gazetteer : Gazetteer, path or mapping, optional
        A gazetteer from :func:`load_gazetteer`; a path or mapping is merged into the packaged one
        (``load_gazetteer(extra=...)``). Default: the packaged gazetteer.
    home_actors : mapping, optional
        ``{collection: actor_id}`` added to (and overriding) the gazetteer's ``home_actors``
        (packaged: ``{"whitehouse": "USA"}``), e.g. ``{"kremlin": "RUS"}``. A document's own
        ``home_actor`` comes first.
    progress : bool, default True
        Show a progress bar.

    Raises
    ------
    ValueError
        A table lacks columns, or a document's ``home_actor`` is not an actor of the gazetteer
        (the message names the document and close ids).

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``sent_id``, ``actor``, ``surface``, ``start``, ``end``, ``kind``: one
        row per mention, sorted by ``doc_id`` and ``start``. ``start``/``end`` are offsets into the
        document's ``text`` (the sentence's ``start`` plus the offset in the sentence); ``kind``
        is one of :data:`KINDS`.

    Examples
    --------
    >>> import pandas as pd
    >>> sents = pd.DataFrame({"doc_id": ["d1"], "sent_id": [0], "start": [10],
    ...                       "text": ["The President spoke to Moscow and Kyiv."]})
    >>> docs = pd.DataFrame({"doc_id": ["d1"], "collection": ["whitehouse"]})
    >>> mentions(sents, docs, progress=False)[["actor", "surface", "start", "kind"]]
      actor        surface  start     kind
    0   USA  The President     10   office
    1   RUS         Moscow     33  capital
    2   UKR           Kyiv     44  capital
    """
    from tqdm.auto import tqdm

    _require(sentences, ["doc_id", "sent_id", "text"], "sentences")
    gaz = _resolve_gazetteer(gazetteer)
    homes = _homes(gaz, home_actors)
    meta: dict[Any, tuple] = {}
    if docs is not None:
        _require(docs, ["doc_id"], "docs")
        n = len(docs)
        coll = docs["collection"] if "collection" in docs.columns else [None] * n
        if "date" in docs.columns:
            dates = docs["date"]
        elif "year" in docs.columns:
            dates = docs["year"]
        else:
            dates = [None] * n
        years = docs["year"] if "year" in docs.columns else [None] * n
        prec = docs["date_precision"] if "date_precision" in docs.columns else [None] * n
        iso = docs["iso3"] if "iso3" in docs.columns else [None] * n
        own = _doc_homes(gaz, docs)
        for d, c, dt, y, p, i, h in zip(docs["doc_id"], coll, dates, years, prec, iso, own):
            dt = _clean(dt)
            if _clean(p) == "year" and _clean(y) is not None:
                dt = int(y)
            elif dt is None and _clean(y) is not None:
                dt = int(y)
            c = _clean(c)
            if h is None and c is not None:
                h = homes.get(c)
            meta[d] = (c, h, _when_key(dt), _clean(i))
    n = len(sentences)
    starts = sentences["start"].tolist() if "start" in sentences.columns else [0] * n
    it = zip(sentences["doc_id"].tolist(), sentences["sent_id"].tolist(), starts,
             sentences["text"].tolist())
    if progress:
        it = tqdm(it, total=n, desc="mentions", unit="sent")
    rows: list[list] = []
    doc_rows: list[list] = []
    current = object()
    for d, sid, s0, text in it:
        if d != current:
            if doc_rows:
                Gazetteer.resolve(doc_rows, [r[4] for r in doc_rows if isinstance(r[4], str)])
                rows.extend(doc_rows)
                doc_rows = []
            current = d
            c, home, dt, i = meta.get(d, (None, None, None, None))
        s0 = int(s0)
        for s, e, surface, kind, actor in gaz.scan(text, collection=c, home=home, date=dt,
                                                    iso3=i):
            doc_rows.append([d, int(sid), surface, kind, actor, s0 + s, s0 + e])
    if doc_rows:
        Gazetteer.resolve(doc_rows, [r[4] for r in doc_rows if isinstance(r[4], str)])
        rows.extend(doc_rows)
    if not rows:
        return _empty()
    out = pd.DataFrame(rows, columns=["doc_id", "sent_id", "surface", "kind", "actor", "start",
                                      "end"])
    out = out[MENTION_COLUMNS].sort_values(["doc_id", "start"], kind="stable")
    return out.reset_index(drop=True)


def find_mentions(text: str, *, collection: str | None = None, date: Any = None,
                  iso3: str | None = None,
                  gazetteer: Gazetteer | str | Path | Mapping | None = None,
                  home_actors: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Actor mentions in one string (a sentence), with the matcher of :func:`mentions`.

    Parameters
    ----------
    text : str
        The sentence.
    collection : str, optional
        The collection the sentence comes from ("whitehouse", "ungd", ...): office titles resolve
        to its home actor (``home_actors``); forms restricted to collections apply.
    date : str, Timestamp or int, optional
        The document date ("2024", "2025-06-02"): picks between actors sharing a leader's name.
    iso3 : str, optional
        The speaking state (UN speeches).
    gazetteer : Gazetteer, path or mapping, optional
        As in :func:`mentions`.
    home_actors : mapping, optional
        ``{collection: actor_id}`` added to the gazetteer's ``home_actors``.

    Returns
    -------
    DataFrame
        Columns ``actor``, ``surface``, ``start``, ``end``, ``kind`` (offsets into ``text``),
        sorted by ``start``; ambiguous forms are resolved with the rest of the string as context.

    Examples
    --------
    >>> find_mentions("Rutte said the Alliance must deter Russia.", date="2025-06-02")
      actor       surface  start  end    kind
    0  NATO         Rutte      0    5  leader
    1  NATO  the Alliance     11   23    name
    2   RUS        Russia     35   41    name
    """
    gaz = _resolve_gazetteer(gazetteer)
    found = gaz.find(text, collection=collection, date=date, iso3=iso3, home_actors=home_actors)
    cols = ["actor", "surface", "start", "end", "kind"]
    if not found:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else object)
                             for c in cols})
    return pd.DataFrame(found, columns=cols)


__all__ = ["ACTOR_TYPES", "Gazetteer", "GazetteerError", "KINDS", "MENTION_COLUMNS",
           "default_gazetteer", "find_mentions", "load_gazetteer", "mentions", "speaker_actors",
           "suggest_actors"]
