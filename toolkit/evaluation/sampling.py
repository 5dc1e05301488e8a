"""Draw a sample of sentences for hand-coding, from any corpus, and write it for coders.

The codebook (``docs/codebook.md``, "Hand-coding a sample") asks for sentences drawn at random,
stratified because threat frames are rare: the shipped gold sets took about 45% of sentences
with an actor and a security word, 35% with an actor only and 20% of any sentence. This module
draws such a sample from the tables of any corpus and records the design, so that estimates
from the coded sample can be re-weighted to the corpus.

Strata
------
:func:`sentence_strata` puts every sentence in one stratum of :data:`SAMPLE_STRATA`, defined as
the toolkit defines a *candidate* sentence (``skip="no_candidates"`` of
:func:`toolkit.codebook.codebook_scores`):

- ``actor_cue``: at least one actor mention (:func:`toolkit.actors.mentions`) and at least one
  threat-lexicon cue (a non-empty ``cues`` list of :func:`toolkit.framing.threat.threat_frames`;
  cues include weak terms such as "military" and "missiles", reassurance and negated cues);
- ``actor_only``: an actor mention and no cue;
- ``other``: no actor mention (with or without a cue).

The design
----------
:func:`sample_for_coding` draws ``n`` sentences in three steps, without replacement throughout:

1. ``n_actor_cue`` sentences by simple random sampling (SRS) from stratum ``actor_cue``;
2. ``n_actor_only`` by SRS from stratum ``actor_only``;
3. ``n_any`` by SRS from *all* eligible sentences not drawn in steps 1 and 2 (every stratum).

The asked sizes are ``shares`` times ``n`` (rounded by largest remainder, so they add up to
``n``). A stratum with fewer sentences than asked is taken whole, with a warning, and its
shortfall is added to ``n_any``, so the sample always has ``n`` sentences. Only sentences with at
least ``min_words`` words are eligible (headings and "Thank you." are not worth coding); the
strata sizes ``N_h`` count eligible sentences only, and estimates generalise to them.

All sizes are fixed before drawing, so the inclusion probability of every eligible sentence is
exact, not estimated. With ``N_h``, ``n_h`` the size and the step-1/2 sample of its stratum
(``n_other = 0``), ``N_any = N - n_actor_cue - n_actor_only`` the sentences left for step 3 and
``n_any`` its sample::

    pi = n_h / N_h + (1 - n_h / N_h) * n_any / N_any

(a sentence not drawn in its stratum is one of the ``N_any`` left, each drawn with probability
``n_any / N_any``). Every row of the sample carries ``stratum``, ``stratum_drawn``,
``stratum_N`` (``N_h``), ``stratum_n`` (``n_h``), ``any_N``, ``any_n`` and
``inclusion_probability``, so it can be re-weighted on its own: the Horvitz-Thompson weight of a
coded sentence is ``1 / inclusion_probability`` (e.g. the corpus share of threat frames is
``sum(w * threat) / sum(w)``).

Files for coders
----------------
:func:`write_coding_sample` writes ``sample.jsonl`` (the codebook format; fill in the labels and
score the toolkit with ``toolkit evaluate codebook sample.jsonl``), ``sample.csv`` (one row per
sentence and suggested actor, for a spreadsheet) and ``design.json`` (the design, for
re-weighting). :mod:`toolkit.evaluation.labelstudio` turns the same sample into Label Studio tasks.
The command line (``toolkit sample CORPUS --n 300 --out coding/``) is
:func:`toolkit.evaluation.sample_command.cli_sample`.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.errors import require_columns

__all__ = [
    "DEFAULT_SHARES",
    "DRAWS",
    "SAMPLE_COLUMNS",
    "SAMPLE_STRATA",
    "codebook_rows",
    "parse_shares",
    "sample_for_coding",
    "sentence_strata",
    "write_codebook_jsonl",
    "write_coding_sample",
]

#: Strata of :func:`sentence_strata` (every sentence is in exactly one).
SAMPLE_STRATA: tuple[str, ...] = ("actor_cue", "actor_only", "other")
Stratum = Literal["actor_cue", "actor_only", "other"]
#: The draws of :func:`sample_for_coding`, in the order they are made (``stratum_drawn``).
DRAWS: tuple[str, ...] = ("actor_cue", "actor_only", "any")
Draw = Literal["actor_cue", "actor_only", "any"]
#: Shares of the shipped gold sets (``docs/codebook.md``).
DEFAULT_SHARES: dict[str, float] = {"actor_cue": 0.45, "actor_only": 0.35, "any": 0.20}

#: Columns of :func:`sample_for_coding`, in order.
SAMPLE_COLUMNS: tuple[str, ...] = (
    "id", "doc_id", "sent_id", "start", "end", "stratum", "stratum_drawn", "stratum_N",
    "stratum_n", "any_N", "any_n", "inclusion_probability", "source", "doc", "path", "date",
    "title", "before", "sentence", "after", "threat", "threat_type", "horizon", "actors")

#: Fields of a line of ``sample.jsonl``, in order (the codebook's; docs/codebook.md).
JSONL_FIELDS: tuple[str, ...] = (
    "id", "source", "doc", "date", "title", "before", "sentence", "after", "threat",
    "threat_type", "horizon", "actors")

#: Columns of ``sample.csv``, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "id", "doc_id", "sent_id", "stratum", "stratum_drawn", "inclusion_probability", "source",
    "doc", "date", "title", "before", "sentence", "after", "threat", "threat_type", "horizon",
    "actor", "mentions", "sentiment", "role")

# A word has a letter: "2024" and "--" are not words.
_WORD = re.compile(r"\w*[^\W\d_]\w*")


# ---------------------------------------------------------------------------------------------
# Strata
# ---------------------------------------------------------------------------------------------


def _has_cues(cues: Any) -> bool:
    # as codebook_scores(skip="no_candidates"), also for cues read back from Parquet (arrays)
    if isinstance(cues, (list, tuple, np.ndarray)):
        return len(cues) > 0
    return False


def _keys(df: pd.DataFrame) -> list[tuple[Any, int]]:
    return list(zip(df["doc_id"].to_numpy(dtype=object), df["sent_id"].to_numpy(dtype="int64")))


def sentence_strata(sentences: pd.DataFrame, mentions: pd.DataFrame,
                    frames: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sampling stratum of every sentence: actor and lexicon cue, actor only, or other.

    Parameters
    ----------
    sentences : DataFrame
        The sentences table (``doc_id``, ``sent_id``; ``text`` when ``frames`` is None), from
        :func:`toolkit.segment.sentences`.
    mentions : DataFrame
        The mentions table of the same sentences (``doc_id``, ``sent_id``), from
        :func:`toolkit.actors.mentions`. Mentions of sentences not in ``sentences`` are ignored.
    frames : DataFrame, optional
        Threat frames of the same sentences with their ``cues`` (from
        :func:`toolkit.framing.threat.threat_frames`, or the model's frames, which carry the same
        lexicon cues). Default: the lexicon's frames, computed here.

    Returns
    -------
    DataFrame
        One row per sentence, in input order: ``doc_id``, ``sent_id``, ``stratum`` (one of
        :data:`SAMPLE_STRATA`), ``has_actor`` (at least one mention), ``has_cue`` (at least one
        lexicon cue). ``has_actor | has_cue`` is the toolkit's "candidate" sentence of
        :func:`toolkit.codebook.codebook_scores` (``skip="no_candidates"``).

    Raises
    ------
    ValueError
        A table lacks a column, a sentence appears twice, or ``frames`` lacks a sentence.

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [0, 1, 2]})
    >>> ments = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": [0, 1]})
    >>> frames = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [0, 1, 2],
    ...                        "cues": [[{"cue": "threat"}], [], [{"cue": "war"}]]})
    >>> sentence_strata(sents, ments, frames)
      doc_id  sent_id     stratum  has_actor  has_cue
    0      d        0   actor_cue       True     True
    1      d        1  actor_only       True    False
    2      d        2       other      False     True
    """
    require_columns(sentences, ["doc_id", "sent_id"], name="sentences",
                    hint="Pass the table from toolkit.sentences().")
    require_columns(mentions, ["doc_id", "sent_id"], name="mentions",
                    hint="Pass the table from toolkit.mentions().")
    keys = _keys(sentences)
    if len(set(keys)) != len(keys):
        raise ValueError("sentences: a (doc_id, sent_id) appears twice; pass one sentences table "
                         "from toolkit.sentences()")
    if frames is None:
        from toolkit.framing.threat import threat_frames

        frames = threat_frames(sentences, mentions, progress=False)
    require_columns(frames, ["doc_id", "sent_id", "cues"], name="frames",
                    hint="Pass the table from toolkit.threat.threat_frames().")
    cue_of = dict(zip(_keys(frames), (_has_cues(c) for c in frames["cues"])))
    missing = [k for k in keys if k not in cue_of]
    if missing:
        raise ValueError(f"frames: {len(missing)} sentence(s) have no row, the first "
                         f"{missing[0]}; build frames from the same sentences "
                         "(threat_frames(sentences, mentions))")
    with_actor = set(_keys(mentions))
    has_actor = np.array([k in with_actor for k in keys], dtype=bool)
    has_cue = np.array([cue_of[k] for k in keys], dtype=bool)
    stratum = np.where(has_actor & has_cue, "actor_cue",
                       np.where(has_actor, "actor_only", "other"))
    return pd.DataFrame({"doc_id": sentences["doc_id"].to_numpy(),
                         "sent_id": sentences["sent_id"].to_numpy(dtype="int64"),
                         "stratum": pd.Series(stratum, dtype=object),
                         "has_actor": has_actor, "has_cue": has_cue})


# ---------------------------------------------------------------------------------------------
# The draw
# ---------------------------------------------------------------------------------------------


def parse_shares(shares: Mapping[str, float] | str | None) -> dict[str, float]:
    """Check ``shares`` (a mapping or ``"actor_cue=0.45,actor_only=0.35,any=0.2"``).

    Keys are :data:`DRAWS` (a missing key is 0); the values are non-negative and add up to 1.

    Examples
    --------
    >>> parse_shares("actor_cue=0.5,any=0.5")
    {'actor_cue': 0.5, 'actor_only': 0.0, 'any': 0.5}
    """
    if shares is None:
        return dict(DEFAULT_SHARES)
    if isinstance(shares, str):
        parsed: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in shares.split(","))):
            key, sep, value = part.partition("=")
            try:
                parsed[key.strip()] = float(value)
            except ValueError:
                sep = ""
            if not sep:
                raise ValueError(f"shares: {part!r} is not NAME=FRACTION; write e.g. "
                                 "actor_cue=0.45,actor_only=0.35,any=0.2") from None
        shares = parsed
    unknown = [k for k in shares if k not in DRAWS]
    if unknown:
        raise ValueError(f"shares: unknown key(s) {unknown}; valid keys are {list(DRAWS)}")
    out = {k: float(shares.get(k, 0.0)) for k in DRAWS}
    if any(not math.isfinite(v) or v < 0 for v in out.values()):
        raise ValueError(f"shares must be non-negative fractions, got {out}")
    if abs(sum(out.values()) - 1.0) > 1e-6:
        raise ValueError(f"shares must add up to 1, got {out} (sum {sum(out.values()):g})")
    return out


def _allocate(n: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder rounding of ``n * shares`` (ties in :data:`DRAWS` order)."""
    raw = {k: n * shares[k] for k in DRAWS}
    size = {k: int(math.floor(raw[k] + 1e-9)) for k in DRAWS}
    left = n - sum(size.values())
    for k in sorted(DRAWS, key=lambda k: (-(raw[k] - size[k]), DRAWS.index(k)))[:left]:
        size[k] += 1
    return size


def _draw(strata: np.ndarray, asked: dict[str, int], rng: np.random.Generator
          ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Positions drawn (in draw order), the draw of each, and the sizes of the design.

    ``strata`` gives the stratum of every eligible sentence, in a fixed (sorted) order.
    """
    chosen: list[np.ndarray] = []
    drawn_in: list[np.ndarray] = []
    sizes: dict[str, Any] = {"N": {h: int((strata == h).sum()) for h in SAMPLE_STRATA},
                             "n": {h: 0 for h in SAMPLE_STRATA}, "short": {}}
    extra = 0
    taken = np.zeros(len(strata), dtype=bool)
    for h in DRAWS[:2]:
        pool = np.flatnonzero(strata == h)
        want = asked[h]
        if want >= len(pool):
            pick = pool  # the whole stratum: no random choice to make
            if want > len(pool):
                sizes["short"][h] = want - len(pool)
                extra += want - len(pool)
        else:
            pick = np.sort(pool[rng.choice(len(pool), size=want, replace=False)])
        taken[pick] = True
        sizes["n"][h] = int(len(pick))
        chosen.append(pick)
        drawn_in.append(np.full(len(pick), h, dtype=object))
    pool = np.flatnonzero(~taken)
    n_any = asked["any"] + extra
    pick = np.sort(pool[rng.choice(len(pool), size=n_any, replace=False)])
    chosen.append(pick)
    drawn_in.append(np.full(len(pick), "any", dtype=object))
    sizes["any_N"], sizes["any_n"] = int(len(pool)), int(n_any)
    return np.concatenate(chosen), np.concatenate(drawn_in), sizes


def _inclusion(stratum: str, sizes: dict[str, Any]) -> float:
    """``n_h / N_h + (1 - n_h / N_h) * n_any / N_any`` (see the module docstring)."""
    big, small = sizes["N"][stratum], sizes["n"][stratum]
    p_h = small / big if big else 0.0
    p_any = sizes["any_n"] / sizes["any_N"] if sizes["any_N"] else 0.0
    return p_h + (1.0 - p_h) * p_any


def _doc_name(doc_id: str, collection: Any) -> str:
    """The codebook's ``doc``: the path inside the collection; a UN speech's file stem
    (``ISO3_SESSION_YEAR``, from which the evaluation reads the speaking state)."""
    from toolkit.corpus import UNGD_NAME

    name = str(doc_id)
    prefix = f"{collection}/"
    if isinstance(collection, str) and name.startswith(prefix):
        name = name[len(prefix):]
    base = name.rsplit("/", 1)[-1]
    if UNGD_NAME.match(base):
        return base[: -len(".txt")]
    return name


def _date_text(date: Any, precision: Any) -> str | None:
    if date is None or (not isinstance(date, str) and pd.isna(date)):
        return None
    ts = pd.Timestamp(date)
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(precision if isinstance(precision, str) else "",
                                               "%Y-%m-%d")
    return ts.strftime(fmt)


def _text_or_none(v: Any) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return str(v)


def sample_for_coding(
    docs: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    frames: pd.DataFrame | None = None,
    *,
    n: int = 300,
    shares: Mapping[str, float] | str | None = None,
    random_state: int = 0,
    min_words: int = 5,
    context: int = 1,
) -> pd.DataFrame:
    """Draw a stratified random sample of sentences for hand-coding (see the module docstring).

    Parameters
    ----------
    docs : DataFrame
        The documents table (``doc_id``, ``collection``; ``path``, ``title``, ``date``,
        ``date_precision`` when there), from :func:`toolkit.read_corpus`.
    sentences : DataFrame
        The sentences table of the documents (``doc_id``, ``sent_id``, ``start``, ``end``,
        ``text``), from :func:`toolkit.segment.sentences`.
    mentions : DataFrame
        The actor mentions of the sentences (``doc_id``, ``sent_id``, ``actor``, ``start``,
        ``end``; document offsets), from :func:`toolkit.actors.mentions`: the strata and the
        suggested actors.
    frames : DataFrame, optional
        Threat frames with ``cues`` (see :func:`sentence_strata`); default the lexicon's.
    n : int, default 300
        Sentences to draw; at most the number of eligible sentences.
    shares : mapping or str, optional
        Share of ``n`` drawn in each step of :data:`DRAWS`; default :data:`DEFAULT_SHARES`
        (0.45, 0.35, 0.20). See :func:`parse_shares`.
    random_state : int, default 0
        Seed of ``numpy.random.default_rng``: the same tables and seed give the same sample.
    min_words : int, default 5
        Sentences with fewer words (runs of word characters with a letter) are not eligible.
    context : int, default 1
        Sentences of the same document given before and after (joined by a space; empty at the
        document's edges).

    Returns
    -------
    DataFrame
        One row per drawn sentence, in random order (so coders do not meet the strata in blocks),
        columns :data:`SAMPLE_COLUMNS`:

        - ``id`` (``"{doc_id}:{sent_id}"``, stable), ``doc_id``, ``sent_id``, ``start``, ``end``
          (document offsets of the sentence);
        - the design: ``stratum`` (:data:`SAMPLE_STRATA`), ``stratum_drawn`` (:data:`DRAWS`:
          the step that drew it), ``stratum_N`` and ``stratum_n`` (``N_h``, ``n_h`` of its
          stratum; ``n_other`` is 0), ``any_N``, ``any_n`` (sentences left for, and drawn by, the
          ``any`` step) and ``inclusion_probability``;
        - the codebook fields: ``source`` (the collection), ``doc`` (path inside the collection;
          a UN speech's ``ISO3_SESSION_YEAR``), ``path`` (the document's file), ``date``
          (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as precise as the document's date), ``title``,
          ``before``, ``sentence``, ``after``, the empty labels ``threat``, ``threat_type``,
          ``horizon`` (None) and ``actors``: the detected actors as suggestions, ``{actor:
          {"sentiment": None, "role": None, "mentions": [{"mention", "from", "to"}]}}`` (offsets
          into the sentence), in order of first mention.

        ``attrs["design"]`` holds the design (for ``design.json``).

    Raises
    ------
    ValueError
        ``n`` is not a positive integer or exceeds the eligible sentences, ``shares`` is
        invalid, a table lacks a column, or a sentence's document is not in ``docs``.

    Warns
    -----
    UserWarning
        A stratum has fewer sentences than asked: it is taken whole and the shortfall drawn in
        the ``any`` step.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["news/a.md"], "collection": ["news"], "title": ["A"],
    ...                      "date": [pd.Timestamp("2024-05-01")], "date_precision": ["day"],
    ...                      "text": ["Russia is a threat to NATO. Italy and Spain met today. "
    ...                               "The weather stayed mild all week long."]})
    >>> sents = pd.DataFrame({"doc_id": ["news/a.md"] * 3, "sent_id": [0, 1, 2],
    ...                       "start": [0, 28, 55], "end": [27, 54, 93],
    ...                       "text": ["Russia is a threat to NATO.", "Italy and Spain met today.",
    ...                                "The weather stayed mild all week long."]})
    >>> ments = pd.DataFrame({"doc_id": ["news/a.md"] * 4, "sent_id": [0, 0, 1, 1],
    ...                       "actor": ["RUS", "NATO", "ITA", "ESP"],
    ...                       "start": [0, 22, 28, 38], "end": [6, 26, 33, 43]})
    >>> frames = pd.DataFrame({"doc_id": ["news/a.md"] * 3, "sent_id": [0, 1, 2],
    ...                        "cues": [[{"cue": "threat"}], [], []]})
    >>> s = sample_for_coding(docs, sents, ments, frames, n=2, min_words=3,
    ...                       shares={"actor_cue": 0.5, "any": 0.5})
    >>> cols = ["id", "stratum", "stratum_drawn", "inclusion_probability"]
    >>> print(s.sort_values("sent_id")[cols].to_string(index=False))
             id   stratum stratum_drawn  inclusion_probability
    news/a.md:0 actor_cue     actor_cue                    1.0
    news/a.md:2     other           any                    0.5
    >>> s.set_index("sent_id").at[0, "actors"]["NATO"]
    {'sentiment': None, 'role': None, 'mentions': [{'mention': 'NATO', 'from': 22, 'to': 26}]}
    """
    require_columns(docs, ["doc_id", "collection"], name="docs",
                    hint="Pass the table from toolkit.read_corpus().")
    require_columns(sentences, ["doc_id", "sent_id", "start", "end", "text"], name="sentences",
                    hint="Pass the table from toolkit.sentences().")
    require_columns(mentions, ["doc_id", "sent_id", "actor", "start", "end"], name="mentions",
                    hint="Pass the table from toolkit.mentions().")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    for name, v in (("min_words", min_words), ("context", context)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    share = parse_shares(shares)
    strata_table = sentence_strata(sentences, mentions, frames)

    texts = sentences["text"].to_numpy(dtype=object)
    words = np.array([len(_WORD.findall(t)) if isinstance(t, str) else 0 for t in texts])
    eligible = np.flatnonzero(words >= min_words)
    n_eligible = len(eligible)
    if n > n_eligible:
        raise ValueError(
            f"n={n} but the corpus has only {n_eligible} eligible sentences (of "
            f"{len(sentences)}, in {sentences['doc_id'].nunique()} documents, with at least "
            f"min_words={min_words} words); lower n, lower min_words, or use a larger corpus")

    # A fixed order of the eligible sentences, whatever the row order of the input tables.
    doc_ids = sentences["doc_id"].to_numpy(dtype=object)
    sent_ids = sentences["sent_id"].to_numpy(dtype="int64")
    order = sorted(eligible, key=lambda i: (str(doc_ids[i]), int(sent_ids[i])))
    eligible = np.asarray(order, dtype=np.int64)
    stratum_of = strata_table["stratum"].to_numpy(dtype=object)
    asked = _allocate(int(n), share)
    rng = np.random.default_rng(random_state)
    pos, drawn_in, sizes = _draw(stratum_of[eligible], asked, rng)
    for h, short in sizes["short"].items():
        warnings.warn(
            f"stratum {h!r} has only {sizes['N'][h]} eligible sentences, fewer than the "
            f"{asked[h]} asked ({share[h]:.0%} of n={n}): all {sizes['N'][h]} are taken and the "
            f"missing {short} drawn in the 'any' step instead, so the sample has fewer {h} "
            f"sentences than the shares ask; lower n (or shares[{h!r}]) to keep the shares",
            UserWarning, stacklevel=2)
    perm = rng.permutation(len(pos))  # presentation order
    rows = eligible[pos][perm]
    drawn_in = drawn_in[perm]

    # Context: the neighbours in the full sentences table, by document and sent_id.
    by_doc: dict[Any, list[tuple[int, str]]] = {}
    for d, s, t in zip(doc_ids, sent_ids, texts):
        by_doc.setdefault(d, []).append((int(s), t if isinstance(t, str) else ""))
    place: dict[tuple[Any, int], int] = {}
    for d, items in by_doc.items():
        items.sort()
        place.update({(d, s): j for j, (s, _) in enumerate(items)})

    # Suggested actors: mentions by sentence.
    starts = sentences["start"].to_numpy(dtype="int64")
    ends = sentences["end"].to_numpy(dtype="int64")
    wanted = {(doc_ids[i], int(sent_ids[i])): i for i in rows}
    found: dict[int, list[tuple[int, int, str]]] = {}
    for d, s, a, ms, me in zip(mentions["doc_id"].to_numpy(dtype=object),
                               mentions["sent_id"].to_numpy(dtype="int64"),
                               mentions["actor"].to_numpy(dtype=object),
                               mentions["start"].to_numpy(dtype="int64"),
                               mentions["end"].to_numpy(dtype="int64")):
        i = wanted.get((d, int(s)))
        if i is None:
            continue
        if not starts[i] <= ms < me <= ends[i]:
            raise ValueError(
                f"mentions: the mention of {a!r} at {ms}:{me} is outside sentence ({d!r}, {s}) "
                f"at {starts[i]}:{ends[i]}; build the mentions from the same sentences table")
        found.setdefault(i, []).append((int(ms - starts[i]), int(me - starts[i]), str(a)))

    meta = docs.drop_duplicates("doc_id").set_index("doc_id")

    def col(name: str, d: Any) -> Any:
        return meta.at[d, name] if name in meta.columns else None

    missing = sorted({str(doc_ids[i]) for i in rows} - set(map(str, meta.index)))
    if missing:
        raise ValueError(f"docs: no row for document(s) {missing[:3]} of the sentences; pass the "
                         "documents table the sentences were split from")

    records = []
    for i, how in zip(rows, drawn_in):
        d, s = doc_ids[i], int(sent_ids[i])
        text = texts[i]
        items = by_doc[d]
        j = place[(d, s)]
        lo = max(0, j - context)
        before = " ".join(t for _, t in items[lo:j]) if context else ""
        after = " ".join(t for _, t in items[j + 1:j + 1 + context]) if context else ""
        actors: dict[str, dict[str, Any]] = {}
        for a0, b0, actor in sorted(set(found.get(i, []))):
            entry = actors.setdefault(actor, {"sentiment": None, "role": None, "mentions": []})
            entry["mentions"].append({"mention": text[a0:b0], "from": a0, "to": b0})
        h = stratum_of[i]
        coll = col("collection", d)
        records.append({
            "id": f"{d}:{s}", "doc_id": d, "sent_id": s, "start": int(starts[i]),
            "end": int(ends[i]), "stratum": h, "stratum_drawn": how,
            "stratum_N": sizes["N"][h], "stratum_n": sizes["n"][h], "any_N": sizes["any_N"],
            "any_n": sizes["any_n"], "inclusion_probability": _inclusion(h, sizes),
            "source": _text_or_none(coll), "doc": _doc_name(d, coll),
            "path": _text_or_none(col("path", d)),
            "date": _date_text(col("date", d), col("date_precision", d)),
            "title": _text_or_none(col("title", d)), "before": before, "sentence": text,
            "after": after, "threat": None, "threat_type": None, "horizon": None,
            "actors": actors,
        })
    out = pd.DataFrame(records, columns=list(SAMPLE_COLUMNS))
    for c in ("sent_id", "start", "end", "stratum_N", "stratum_n", "any_N", "any_n"):
        out[c] = out[c].astype("int64")
    for c in ("threat", "threat_type", "horizon"):
        out[c] = pd.Series([None] * len(out), dtype=object)
    dates = pd.to_datetime(docs["date"], errors="coerce") if "date" in docs.columns else None
    out.attrs["design"] = {
        "design": "stratified: SRS of n_h from strata actor_cue and actor_only, then SRS of "
                  "n_any from all eligible sentences not yet drawn",
        "inclusion_probability": "n_h/N_h + (1 - n_h/N_h) * any_n/any_N (n_other = 0)",
        "draw_order": list(DRAWS),
        "n": int(n), "shares": share, "asked": asked, "random_state": random_state,
        "min_words": int(min_words), "context": int(context),
        "strata": {h: {"N": sizes["N"][h], "n": sizes["n"][h],
                       "n_total": int(sum(stratum_of[r] == h for r in rows))}
                   for h in SAMPLE_STRATA},
        "any": {"N": sizes["any_N"], "n": sizes["any_n"]},
        "short": dict(sizes["short"]),
        "corpus": {"n_documents": int(docs["doc_id"].nunique()),
                   "n_sentences": int(len(sentences)), "n_eligible": int(n_eligible),
                   "date_min": None if dates is None or dates.isna().all()
                   else dates.min().strftime("%Y-%m-%d"),
                   "date_max": None if dates is None or dates.isna().all()
                   else dates.max().strftime("%Y-%m-%d"),
                   "collections": sorted(map(str, docs["collection"].dropna().unique()))},
    }
    return out


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def codebook_rows(sample: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict]:
    """The sample as codebook JSONL rows (the fields :data:`JSONL_FIELDS`, in that order).

    ``sample`` is a table of :func:`sample_for_coding` or rows that already are codebook rows
    (they are copied with their fields in order; other fields are dropped).

    Examples
    --------
    >>> rows = codebook_rows([{"id": "x", "source": "news", "sentence": "Hi there.",
    ...                        "threat": None, "actors": {}, "stratum": "other"}])
    >>> rows[0]["id"], rows[0]["doc"], "stratum" in rows[0]
    ('x', None, False)
    """
    records = sample.to_dict("records") if isinstance(sample, pd.DataFrame) else list(sample)
    out = []
    for r in records:
        row = {k: r.get(k) for k in JSONL_FIELDS}
        for k in ("before", "after"):
            row[k] = row[k] if isinstance(row[k], str) else ""
        for k in ("threat", "threat_type", "horizon"):
            if row[k] is not None and not isinstance(row[k], str | bool) and pd.isna(row[k]):
                row[k] = None
        row["actors"] = json.loads(json.dumps(row["actors"] or {}))  # a deep, plain copy
        out.append(row)
    return out


def _plain(v: Any) -> Any:
    """JSON-ready: numpy scalars as Python numbers."""
    if isinstance(v, np.generic):
        return v.item()
    raise TypeError(f"{type(v).__name__} is not JSON serialisable")


def write_codebook_jsonl(rows: Sequence[Mapping[str, Any]], path: str | Path) -> Path:
    """Write codebook rows as JSONL (UTF-8, one object a line), creating the folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_codebook_jsonl([{"id": "x"}], pathlib.Path(tempfile.mkdtemp()) / "a.jsonl")
    >>> p.read_text()
    '{"id": "x"}\\n'
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=_plain) + "\n")
    return p


def _toolkit_version() -> str:
    from toolkit import __version__

    return __version__


def write_coding_sample(sample: pd.DataFrame, out_dir: str | Path, *,
                        corpus: str | Path | None = None) -> dict[str, Path]:
    """Write a sample of :func:`sample_for_coding` for coders: JSONL, CSV and the design.

    Files in ``out_dir`` (created):

    ``sample.jsonl``
        One line per sentence in the codebook format (``docs/codebook.md``; fields
        :data:`JSONL_FIELDS`), with ``threat``, ``threat_type``, ``horizon`` and every actor's
        ``sentiment`` and ``role`` null and the detected actors as suggestions. Once coders have
        filled in the labels (and corrected the actors), it is what ``toolkit evaluate codebook
        sample.jsonl`` reads (:func:`toolkit.evaluation.evaluate.read_codebook` checks it). The
        ``id`` is ``"{doc_id}:{sent_id}"``, which links a line to the corpus and to
        ``design.json``.
    ``sample.csv``
        The same sentences for a spreadsheet, one row per (sentence, suggested actor), columns
        :data:`CSV_COLUMNS`: the sentence's fields repeat on each of its rows; a sentence without
        a suggestion has one row with an empty ``actor``; ``mentions`` lists the actor's spans as
        ``text [from:to]`` joined by ``; ``. It also carries ``stratum``, ``stratum_drawn`` and
        ``inclusion_probability``.
    ``design.json``
        ``toolkit_version``, ``created`` (UTC), ``corpus`` (``path`` when given, documents,
        sentences, eligible sentences, date range, collections), the design of
        ``sample.attrs["design"]`` (strata with ``N`` and ``n``, the ``any`` step, shares,
        ``random_state``, ``min_words``, the formula) and ``units``: for every sentence ``id``,
        ``doc_id``, ``sent_id``, ``stratum``, ``stratum_drawn``, ``inclusion_probability``.

    Parameters
    ----------
    sample : DataFrame
        From :func:`sample_for_coding` (its ``attrs["design"]`` is needed).
    out_dir : str or Path
    corpus : str or Path, optional
        The corpus path, recorded in ``design.json``.

    Returns
    -------
    dict
        ``{"jsonl": path, "csv": path, "design": path}``.
    """
    design = sample.attrs.get("design")
    if not isinstance(design, dict):
        raise ValueError("sample: no design in sample.attrs['design']; pass the table returned "
                         "by sample_for_coding() (not a copy rebuilt from its rows)")
    require_columns(sample, list(SAMPLE_COLUMNS), name="sample",
                    hint="Pass the table from sample_for_coding().")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"jsonl": write_codebook_jsonl(codebook_rows(sample), out / "sample.jsonl"),
             "csv": out / "sample.csv", "design": out / "design.json"}

    with paths["csv"].open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        for r in sample.to_dict("records"):
            base = {k: r.get(k) for k in CSV_COLUMNS}
            base["inclusion_probability"] = repr(float(r["inclusion_probability"]))
            actors = r["actors"] or {}
            for actor, ann in (actors.items() if actors else [(None, {})]):
                row = dict(base, actor=actor or "", sentiment=ann.get("sentiment"),
                           role=ann.get("role"),
                           mentions="; ".join(f"{m['mention']} [{m['from']}:{m['to']}]"
                                              for m in ann.get("mentions", [])))
                writer.writerow({k: "" if v is None else v for k, v in row.items()})

    info = dict(design)
    info["corpus"] = {"path": None if corpus is None else str(corpus), **design.get("corpus", {})}
    units = [{"id": r["id"], "doc_id": r["doc_id"], "sent_id": int(r["sent_id"]),
              "stratum": r["stratum"], "stratum_drawn": r["stratum_drawn"],
              "inclusion_probability": float(r["inclusion_probability"])}
             for r in sample.to_dict("records")]
    doc = {"toolkit_version": _toolkit_version(),
           "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
           **info, "units": units}
    paths["design"].write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=_plain)
                               + "\n", encoding="utf-8")
    return paths
