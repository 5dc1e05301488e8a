"""Inter-coder agreement on codebook gold files, and merging adjudicated disagreements into one
gold file.

Two or more coders label the same sentences, one codebook JSONL file each (format:
``docs/codebook.md``, read with :func:`toolkit.evaluation.evaluate.read_codebook`). This module

- measures how well they agree (:func:`codebook_agreement`: Cohen's kappa for two coders,
  Krippendorff's alpha for any number, and the observed share of agreement, per field);
- lists every disagreement for a third person to decide (:func:`disagreements`,
  :func:`write_disagreements`: a CSV with an empty ``adjudicated`` column);
- merges the coders' files and the decided CSV into one gold file (:func:`merge_adjudicated`).

The two coefficients (:func:`cohen_kappa`, :func:`krippendorff_alpha`) are general: any labels,
nominal level.

Undefined coefficients
----------------------
Kappa and alpha are ``(observed - chance) / (1 - chance)`` agreements. When every value falls in
one category, chance agreement is 1 and the ratio is 0/0: such data cannot show whether the coders
can tell categories apart. Both functions then return ``nan`` (as Krippendorff defines alpha, and
as :func:`sklearn.metrics.cohen_kappa_score` does), and also for data with no (pairable) units.
:func:`codebook_agreement` reports ``None`` there (JSON has no NaN) with the reason in ``note``.

Command line
------------
``toolkit agreement A.jsonl B.jsonl [C.jsonl ...] [--disagreements OUT.csv]
[--merge ADJUDICATED.csv --out GOLD.jsonl]`` calls :func:`cli_agreement`, which prints the result
of :func:`codebook_agreement` as one JSON object on the last line of stdout::

    {"coders": ["alice", "bob"], "n_sentences": 238, "threat": {"kappa": 0.96, ...}, ...}

The workflow: run it with ``--disagreements OUT.csv``, fill the CSV's ``adjudicated`` column, run
it again with ``--merge OUT.csv --out GOLD.jsonl``.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from fractions import Fraction
from itertools import combinations
from pathlib import Path
from typing import Any, Literal, TextIO

import numpy as np
import pandas as pd

from toolkit.errors import CorpusError, check_choice, require_columns
from toolkit.evaluation.evaluate import SENTIMENT_LABELS, read_codebook
from toolkit.framing.threat import HORIZONS, ROLES, THREAT_TYPES

__all__ = [
    "ACTOR_PRESENCE",
    "AGREEMENT_FIELDS",
    "DISAGREEMENT_COLUMNS",
    "DISAGREEMENT_FIELDS",
    "LEVELS",
    "add_agreement_arguments",
    "cli_agreement",
    "codebook_agreement",
    "cohen_kappa",
    "disagreements",
    "krippendorff_alpha",
    "merge_adjudicated",
    "write_disagreements",
]

#: Levels of measurement :func:`krippendorff_alpha` implements.
LEVELS: tuple[str, ...] = ("nominal",)

Level = Literal["nominal"]

#: Fields of :func:`disagreements` (the ``field`` column), in the order rows are listed.
DISAGREEMENT_FIELDS: tuple[str, ...] = ("threat", "threat_type", "horizon", "actor_pairs", "role",
                                        "sentiment")

#: Keys of :func:`codebook_agreement` that hold one field's agreement.
AGREEMENT_FIELDS: tuple[str, ...] = ("threat", "threat_type", "horizon", "actor_pairs",
                                     "source_pairs", "role", "sentiment")

#: Values of the ``actor_pairs`` field: whether a coder found the actor in the sentence.
ACTOR_PRESENCE: tuple[str, str] = ("present", "absent")

#: Columns of :func:`disagreements`, in order; one column per coder (named after the coder) sits
#: between ``sentence`` and ``adjudicated``.
DISAGREEMENT_COLUMNS: tuple[str, ...] = ("id", "field", "actor", "sentence", "adjudicated")

# Valid values of each field as they appear in the disagreements table and the adjudicated CSV.
_VALID: dict[str, tuple[str, ...]] = {
    "threat": ("true", "false"),
    "threat_type": tuple(THREAT_TYPES),
    "horizon": tuple(HORIZONS),
    "actor_pairs": ACTOR_PRESENCE,
    "role": tuple(ROLES),
    "sentiment": tuple(SENTIMENT_LABELS),
}
_SENTENCE_FIELDS = ("threat", "threat_type", "horizon")
_SHOW = 5  # ids or keys quoted in an error message before "..."


# ---------------------------------------------------------------------------------------------
# The coefficients
# ---------------------------------------------------------------------------------------------


def _is_missing(value: Any, where: str) -> bool:
    if value is None:
        return True
    if not pd.api.types.is_scalar(value):
        raise ValueError(f"{where}: a value must be a single label, got {type(value).__name__} "
                         f"{value!r}")
    return bool(pd.isna(value))


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones, so categories compare and print as the user wrote them."""
    return value.item() if isinstance(value, np.generic) else value


def cohen_kappa(a: Sequence[Any], b: Sequence[Any], *,
                labels: Collection[Any] | None = None) -> float:
    """Cohen's kappa of two coders on nominal labels.

    ``kappa = (p_o - p_e) / (1 - p_e)``, with ``p_o`` the share of units both coders label alike
    and ``p_e = sum_c p_a(c) p_b(c)`` the agreement expected from each coder's own label shares.
    Computed in exact fractions.

    Parameters
    ----------
    a, b : sequence
        One label per unit from each coder, in the same unit order. Missing values are not
        allowed (use :func:`krippendorff_alpha` for incomplete data).
    labels : collection, optional
        The valid labels; a value outside them raises. Unused labels do not change kappa.

    Returns
    -------
    float
        In ``[-1, 1]``; ``nan`` when undefined: no units, or both coders use one and the same
        label only (chance agreement is 1; see the module notes).

    Raises
    ------
    ValueError
        Lengths differ, a value is missing or not one of ``labels``.

    Examples
    --------
    The example of Wikipedia's "Cohen's kappa" article: 50 proposals, both say yes to 20, A yes
    and B no to 5, A no and B yes to 10, both no to 15:

    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohen_kappa(a, b), 3)
    0.4
    """
    a, b = [_plain(v) for v in a], [_plain(v) for v in b]
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa: a has {len(a)} labels but b has {len(b)}; give one label "
                         f"per unit from each coder")
    valid = None if labels is None else set(labels)
    for name, seq in (("a", a), ("b", b)):
        for i, v in enumerate(seq):
            if _is_missing(v, f"cohen_kappa: {name}[{i}]"):
                raise ValueError(f"cohen_kappa: {name}[{i}] is missing; kappa needs a label from "
                                 f"both coders on every unit (krippendorff_alpha allows missing "
                                 f"values)")
            if valid is not None and v not in valid:
                raise ValueError(f"cohen_kappa: {name}[{i}] = {v!r} is not one of the labels "
                                 f"{sorted(map(repr, valid))}")
    n = len(a)
    if n == 0:
        return math.nan
    observed = Fraction(sum(x == y for x, y in zip(a, b)), n)
    ca, cb = Counter(a), Counter(b)
    expected = Fraction(sum(ca[c] * cb[c] for c in ca), n * n)
    if expected == 1:
        return math.nan
    return float((observed - expected) / (1 - expected))


def _units_table(data: Any) -> list[list[Any]]:
    """Rows of a units x coders table as lists of plain values."""
    if isinstance(data, pd.DataFrame):
        rows = [list(r) for r in data.itertuples(index=False, name=None)]
    elif isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise ValueError(f"krippendorff_alpha: data must be 2-D (units x coders), got an "
                             f"array of shape {data.shape}")
        rows = data.tolist()
    else:
        rows = []
        for i, r in enumerate(data):
            if isinstance(r, (str, bytes)) or not isinstance(r, Iterable):
                raise ValueError(f"krippendorff_alpha: data must be 2-D (units x coders); unit "
                                 f"{i} is {r!r}, not a sequence of coder values")
            rows.append(list(r))
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        first = len(rows[0])
        bad = next(i for i, r in enumerate(rows) if len(r) != first)
        raise ValueError(f"krippendorff_alpha: every unit needs one cell per coder (None when "
                         f"missing); unit 0 has {first}, unit {bad} has {len(rows[bad])}")
    return [[_plain(v) for v in r] for r in rows]


def krippendorff_alpha(data: Any, *, level: Level = "nominal") -> float:
    """Krippendorff's alpha of any number of coders, from the coincidence matrix.

    Each unit ``u`` with ``m_u >= 2`` values adds ``1 / (m_u - 1)`` to the coincidence
    ``o[c, k]`` for every ordered pair of its values from different coders; ``n_c`` are the
    matrix's margins and ``n`` its total (the pairable values). At the nominal level

    ``alpha = 1 - (n - 1) * sum_{c != k} o[c, k] / sum_{c != k} n_c n_k``.

    Units with fewer than two values cannot be paired and are left out, as Krippendorff
    does. Computed in exact fractions.

    Parameters
    ----------
    data : DataFrame or 2-D sequence
        Units in rows, coders in columns (the transpose of Krippendorff's layout); ``None`` or
        NaN where a coder gave no value.
    level : {"nominal"}, default "nominal"
        Level of measurement; only nominal is implemented.

    Returns
    -------
    float
        1 for perfect agreement, 0 for chance agreement; ``nan`` when undefined: no pairable
        unit, or every pairable value is the same (see the module notes).

    Raises
    ------
    ValueError
        ``level`` is not one of :data:`LEVELS`; ``data`` is not a rectangular 2-D table of
        single values.

    Examples
    --------
    Two coders, four units; the third has one value only and is left out:

    >>> round(krippendorff_alpha([["a", "a"], ["a", "b"], ["b", None], ["b", "b"]]), 4)
    0.4444
    """
    try:
        check_choice("level", level, LEVELS)
    except ValueError as err:
        raise ValueError(f"krippendorff_alpha: {err} (ordinal, interval and ratio alpha are not "
                         f"implemented)") from None
    rows = _units_table(data)
    diagonal = Fraction(0)  # sum_c o[c, c]
    margins: Counter = Counter()  # n_c
    for i, row in enumerate(rows):
        values = [v for j, v in enumerate(row)
                  if not _is_missing(v, f"krippendorff_alpha: unit {i}, coder {j}")]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        diagonal += Fraction(sum(k * (k - 1) for k in counts.values()), m - 1)
        margins.update(counts)
    n = sum(margins.values())
    # expected-by-chance pairs of unlike values: n(n-1) minus the like pairs sum n_c(n_c-1)
    like = sum(k * (k - 1) for k in margins.values())
    expected = n * (n - 1) - like
    if n == 0 or expected == 0:
        return math.nan
    observed_unlike = n - diagonal  # sum_{c != k} o[c, k]
    return float(1 - (n - 1) * observed_unlike / expected)


# ---------------------------------------------------------------------------------------------
# Reading the coders' files
# ---------------------------------------------------------------------------------------------


def _quote(items: Iterable[Any]) -> str:
    items = list(items)
    head = ", ".join(repr(x) for x in items[:_SHOW])
    return head + (f", ... ({len(items)} in all)" if len(items) > _SHOW else "")


def _load(paths: Sequence[str | Path], labels: Sequence[str] | None, *, named: bool = True
          ) -> tuple[list[str], list[Path], list[dict[str, dict]], list[str]]:
    """Coder names, files, ``{id: row}`` per coder and the ids in the first file's order.

    ``named=False`` (the merge, which names no coder) skips the checks of the names.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = [Path(p) for p in paths]
    if len(files) < 2:
        raise CorpusError(f"agreement needs two or more codebook files, one per coder; got "
                          f"{len(files)}: {', '.join(map(str, files)) or 'none'}")
    if not named:
        names = [str(f) for f in files]
    elif labels is None:
        names = [f.stem for f in files]
        twins = [n for n, k in Counter(names).items() if k > 1]
        if twins:
            raise CorpusError(f"files {', '.join(str(f) for f in files if f.stem in twins)} have "
                              f"the same name {twins[0]!r}; coders are named after their files, "
                              f"so rename them or give coder names (labels=, --coders)")
    else:
        names = [str(x) for x in labels]
        if len(names) != len(files):
            raise ValueError(f"labels: {len(names)} coder names for {len(files)} files; give one "
                             f"name per file")
        if len(set(names)) != len(names):
            raise ValueError(f"labels: coder names must differ, got {names}")
    clash = [n for n in names if n in DISAGREEMENT_COLUMNS]
    if named and clash:
        raise ValueError(f"coder name {clash[0]!r} is a column of the disagreements table "
                         f"({', '.join(DISAGREEMENT_COLUMNS)}); rename the file or give coder "
                         f"names (labels=, --coders)")
    coded = [{row["id"]: row for row in read_codebook(f)} for f in files]
    order = list(coded[0])
    ref = set(order)
    problems = []
    for f, rows in zip(files[1:], coded[1:]):
        missing = [i for i in order if i not in rows]
        extra = [i for i in rows if i not in ref]
        if missing:
            problems.append(f"{f} lacks {len(missing)} id(s) that {files[0]} has: "
                            f"{_quote(missing)}")
        if extra:
            problems.append(f"{f} has {len(extra)} id(s) that {files[0]} lacks: {_quote(extra)}")
    if problems:
        raise CorpusError("the coders' files must hold the same sentences (ids): "
                          + "; ".join(problems) + ". Add or remove those lines so that every "
                          "file codes every id")
    for f, rows in zip(files[1:], coded[1:]):
        for i in order:
            if rows[i]["sentence"] != coded[0][i]["sentence"]:
                raise CorpusError(f"{f}: id {i!r} has another sentence than in {files[0]} "
                                  f"({rows[i]['sentence'][:60]!r} vs "
                                  f"{coded[0][i]['sentence'][:60]!r}); the coders must code the "
                                  f"same sentences")
    return names, files, coded, order


def _union_actors(coded: list[dict[str, dict]], sid: str) -> list[str]:
    """Actors any coder found in sentence ``sid``: the first coder's order, then the others'."""
    seen: dict[str, None] = {}
    for rows in coded:
        seen.update(dict.fromkeys(rows[sid]["actors"]))
    return list(seen)


def _items(coded: list[dict[str, dict]], order: list[str]) -> list[tuple[str, str, str | None,
                                                                          list[str | None]]]:
    """Every coded unit as ``(id, field, actor, [value per coder])``.

    Values are the strings of :data:`_VALID`; ``None`` where a coder has no value: the sentence
    type and horizon of a coder who marks no threat, the role and sentiment of an actor the
    coder did not find. Units where no coder has a value are left out.
    """
    out = []
    for sid in order:
        rows = [c[sid] for c in coded]
        out.append((sid, "threat", None, ["true" if r["threat"] else "false" for r in rows]))
        for fld in ("threat_type", "horizon"):
            # a non-threat line's type and horizon mean nothing (read_codebook lets them through)
            vals = [r.get(fld) if r["threat"] else None for r in rows]
            if any(v is not None for v in vals):
                out.append((sid, fld, None, vals))
        for actor in _union_actors(coded, sid):
            anns = [r["actors"].get(actor) for r in rows]
            out.append((sid, "actor_pairs", actor,
                        [ACTOR_PRESENCE[0] if a is not None else ACTOR_PRESENCE[1] for a in anns]))
            for fld in ("role", "sentiment"):
                out.append((sid, fld, actor, [a[fld] if a is not None else None for a in anns]))
    return out


# ---------------------------------------------------------------------------------------------
# Agreement
# ---------------------------------------------------------------------------------------------


def _number(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _field_stats(units: list[list[Any]]) -> dict[str, Any]:
    """kappa (two coders), alpha, unanimous share, n and why a coefficient is undefined."""
    n = len(units)
    m = len(units[0]) if units else 0
    kappa = None
    if m == 2:
        kappa = _number(cohen_kappa([u[0] for u in units], [u[1] for u in units]))
    alpha = _number(krippendorff_alpha(units)) if units else None
    note = None
    if not n:
        note = "no units: nothing to compare"
    elif alpha is None:
        note = (f"every value is {units[0][0]!r}: with one category, chance agreement is 1 and "
                f"kappa and alpha are undefined")
    return {"kappa": kappa, "alpha": alpha,
            "agreement": (sum(len(set(u)) == 1 for u in units) / n) if n else None,
            "n": n, "note": note}


def _f1(x: set, y: set) -> float | None:
    return 2 * len(x & y) / (len(x) + len(y)) if x or y else None


def _pair_stats(names: list[str], sets: list[set]) -> dict[str, Any]:
    """Agreement on the presence of pairs in the union of the coders' pair sets, plus F1."""
    union = sorted(set().union(*sets))
    present, absent = ACTOR_PRESENCE
    stats = _field_stats([[present if p in s else absent for s in sets] for p in union])
    pairwise = [{"coders": [names[i], names[j]], "f1": _f1(sets[i], sets[j])}
                for i, j in combinations(range(len(names)), 2)]
    stats["f1"] = pairwise[0]["f1"] if len(names) == 2 else None
    stats["pairwise_f1"] = pairwise
    return stats


def codebook_agreement(paths: Sequence[str | Path], *,
                       labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Agreement of two or more coders on the same codebook sentences, field by field.

    Parameters
    ----------
    paths : sequence of str or Path
        Codebook JSONL files (``docs/codebook.md``), one per coder, with the same ids (and
        sentences); lines are matched by ``id``.
    labels : sequence of str, optional
        The coders' names, one per file; default the file names without extension.

    Returns
    -------
    dict
        JSON-ready (plain floats, ints, str, None):

        - ``coders``: the names; ``n_sentences``: sentences per file;
        - one entry per field of :data:`AGREEMENT_FIELDS`, each ``{"kappa", "alpha",
          "agreement", "n", "note"}``: Cohen's kappa (exactly two coders, else None),
          Krippendorff's nominal alpha, the share of units on which all coders agree, the number
          of units and, when a coefficient is undefined (None), why;
        - the units: ``threat``: every sentence; ``threat_type``, ``horizon``: the sentences all
          coders mark as threats; ``actor_pairs``: every (sentence, actor) pair any coder found,
          coded found/not found (pairs nobody found are not counted, so alpha and kappa here are
          lower than on all conceivable pairs); ``source_pairs``: the same for pairs any coder
          codes as threat ``source``; ``role``, ``sentiment``: the pairs every coder found;
        - ``actor_pairs`` and ``source_pairs`` also hold ``f1`` (F1 between the two coders'
          pair sets; None unless exactly two coders) and ``pairwise_f1`` (``[{"coders": [A, B],
          "f1": ...}, ...]`` for every pair of coders).

    Raises
    ------
    CorpusError
        Fewer than two files; a file fails :func:`~toolkit.evaluation.evaluate.read_codebook`;
        the files' ids differ (the message names each file and the ids it lacks or adds) or an
        id has different sentences; two files have the same name and no ``labels``.

    Examples
    --------
    >>> import json, pathlib, shutil, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> def line(i, threat, rus):
    ...     return json.dumps({"id": i, "source": "seed", "sentence": "Russia warned Finland.",
    ...         "threat": threat, "threat_type": "military" if threat else None,
    ...         "horizon": "future" if threat else None, "actors": {"RUS": {"sentiment": rus,
    ...         "role": "source" if threat else "none", "mentions": []}}})
    >>> _ = (d / "ann.jsonl").write_text(line("s1", True, "negative") + "\\n"
    ...                                  + line("s2", False, "neutral") + "\\n")
    >>> _ = (d / "bob.jsonl").write_text(line("s1", True, "negative") + "\\n"
    ...                                  + line("s2", True, "negative") + "\\n")
    >>> res = codebook_agreement([d / "ann.jsonl", d / "bob.jsonl"])
    >>> res["coders"], res["threat"]["agreement"], res["sentiment"]["agreement"]
    (['ann', 'bob'], 0.5, 0.5)
    >>> res["threat_type"]
    ... # doctest: +NORMALIZE_WHITESPACE
    {'kappa': None, 'alpha': None, 'agreement': 1.0, 'n': 1,
     'note': "every value is 'military': with one category, chance agreement is 1 and kappa and
     alpha are undefined"}
    >>> shutil.rmtree(d)
    """
    names, _, coded, order = _load(paths, labels)
    items = _items(coded, order)
    out: dict[str, Any] = {"coders": names, "n_sentences": len(order)}
    for fld in ("threat", "threat_type", "horizon"):
        out[fld] = _field_stats([v for _, f, _, v in items
                                 if f == fld and all(x is not None for x in v)])
    out["actor_pairs"] = _pair_stats(names, [{(sid, a) for sid in order for a in c[sid]["actors"]}
                                             for c in coded])
    out["source_pairs"] = _pair_stats(names, [{(sid, a) for sid in order
                                               for a, ann in c[sid]["actors"].items()
                                               if ann["role"] == "source"} for c in coded])
    for fld in ("role", "sentiment"):
        out[fld] = _field_stats([v for _, f, _, v in items
                                 if f == fld and all(x is not None for x in v)])
    return out


# ---------------------------------------------------------------------------------------------
# Disagreements and adjudication
# ---------------------------------------------------------------------------------------------


def disagreements(paths: Sequence[str | Path], *,
                  labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Every unit on which the coders differ, one row each, for adjudication.

    Parameters
    ----------
    paths : sequence of str or Path
        Codebook JSONL files, one per coder (as for :func:`codebook_agreement`).
    labels : sequence of str, optional
        The coders' names, one per file; default the file names without extension.

    Returns
    -------
    DataFrame
        Columns :data:`DISAGREEMENT_COLUMNS` with one column per coder before ``adjudicated``:

        - ``id``: the sentence; ``sentence``: its text;
        - ``field``: one of :data:`DISAGREEMENT_FIELDS`; ``actor``: the actor id for
          ``actor_pairs``, ``role`` and ``sentiment``, else None;
        - each coder's value as written in the CSV: ``threat`` ``true``/``false``,
          ``actor_pairs`` ``present``/``absent`` (did the coder find the actor), else the label;
          None where the coder has none (the type and horizon when the coder marks no threat, the
          role and sentiment of an actor the coder did not find), so a sentence one coder marks
          as a threat has ``threat``, ``threat_type`` and ``horizon`` rows;
        - ``adjudicated``: empty, for the decision (see :func:`merge_adjudicated`).

        Rows go by sentence (first file's order): ``threat``, ``threat_type``, ``horizon``, then
        per actor ``actor_pairs``, ``role``, ``sentiment``.

    Raises
    ------
    CorpusError
        As :func:`codebook_agreement`.

    Examples
    --------
    >>> import json, pathlib, shutil, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> def line(rus):
    ...     return json.dumps({"id": "s1", "source": "seed", "sentence": "Russia voted.",
    ...         "threat": False, "actors": {"RUS": {"sentiment": rus, "role": "none",
    ...         "mentions": []}}}) + "\\n"
    >>> _ = (d / "ann.jsonl").write_text(line("neutral"))
    >>> _ = (d / "bob.jsonl").write_text(line("negative"))
    >>> disagreements([d / "ann.jsonl", d / "bob.jsonl"]).to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'id': 's1', 'field': 'sentiment', 'actor': 'RUS', 'sentence': 'Russia voted.',
      'ann': 'neutral', 'bob': 'negative', 'adjudicated': None}]
    >>> shutil.rmtree(d)
    """
    names, _, coded, order = _load(paths, labels)
    rows = []
    for sid, fld, actor, vals in _items(coded, order):
        if len(set(vals)) > 1:
            rows.append({"id": sid, "field": fld, "actor": actor,
                         "sentence": coded[0][sid]["sentence"], **dict(zip(names, vals)),
                         "adjudicated": None})
    columns = list(DISAGREEMENT_COLUMNS[:-1]) + names + [DISAGREEMENT_COLUMNS[-1]]
    # object dtype keeps None (no value) apart from text; pandas would make it NaN
    return pd.DataFrame(rows, columns=columns, dtype=object)


def write_disagreements(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a :func:`disagreements` table as UTF-8 CSV (None as an empty cell).

    Fill the ``adjudicated`` column and give the file to :func:`merge_adjudicated`.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> df = pd.DataFrame([{"id": "s1", "field": "threat", "actor": None, "sentence": "S.",
    ...                     "ann": "true", "bob": "false", "adjudicated": None}])
    >>> p = write_disagreements(df, d / "dis.csv")
    >>> p.read_text(encoding="utf-8").splitlines()
    ['id,field,actor,sentence,ann,bob,adjudicated', 's1,threat,,S.,true,false,']
    >>> shutil.rmtree(d)
    """
    require_columns(df, DISAGREEMENT_COLUMNS, name="disagreements",
                    hint="Build it with toolkit.evaluation.agreement.disagreements.")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(p, index=False, encoding="utf-8", lineterminator="\n")
    return p


def _read_adjudicated(path: Path, ids: Collection[str], actor_ids: Collection[str]
                      ) -> dict[tuple[str, str, str | None], tuple[int, str | None]]:
    """``{(id, field, actor): (csv line, decided value or None)}`` of an adjudicated CSV."""
    if not path.is_file():
        raise CorpusError(f"{path}: no such adjudicated CSV; write one with write_disagreements "
                          f"(toolkit agreement ... --disagreements FILE.csv) and fill its "
                          f"'adjudicated' column")
    out: dict[tuple[str, str, str | None], tuple[int, str | None]] = {}
    # utf-8-sig: spreadsheet programs often save the CSV with a byte-order mark
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise CorpusError(f"{path}: empty file; expected the CSV of write_disagreements")
        needed = ("id", "field", "actor", "adjudicated")
        missing = [c for c in needed if c not in header]
        if missing:
            raise CorpusError(f"{path}, line 1: missing column(s) {', '.join(missing)}; expected "
                              f"the CSV of write_disagreements (columns "
                              f"{', '.join(DISAGREEMENT_COLUMNS)} and one per coder)")
        col = {c: header.index(c) for c in needed}
        start = reader.line_num + 1
        for rec in reader:
            line, start = start, reader.line_num + 1  # a quoted cell may span lines
            if not any(cell.strip() for cell in rec):
                continue
            where = f"{path}, line {line}"
            if len(rec) != len(header):
                raise CorpusError(f"{where}: {len(rec)} cells but the header has {len(header)}")
            sid, fld, actor, value = (rec[col[c]].strip() for c in needed)
            if sid not in ids:
                raise CorpusError(f"{where}: id {sid!r} is not in the coders' files")
            if fld not in _VALID:
                raise CorpusError(f"{where}: field {fld!r} is not one of "
                                  f"{', '.join(DISAGREEMENT_FIELDS)}")
            if fld in _SENTENCE_FIELDS:
                if actor:
                    raise CorpusError(f"{where}: actor must be empty for field {fld}, got "
                                      f"{actor!r}")
                key = (sid, fld, None)
            else:
                if not actor:
                    raise CorpusError(f"{where}: field {fld} needs an actor id in column actor")
                if actor not in actor_ids:
                    close = difflib.get_close_matches(actor, list(actor_ids), n=3)
                    hint = f" (did you mean {', '.join(close)}?)" if close else ""
                    raise CorpusError(f"{where}: actor {actor!r} is not an actor id of the "
                                      f"gazetteer{hint}; ids are in "
                                      f"toolkit/data/actors/gazetteer.yaml")
                key = (sid, fld, actor)
            if key in out:
                raise CorpusError(f"{where}: {fld} of id {sid!r}"
                                  + (f", actor {actor!r}" if actor else "")
                                  + f" is already decided on line {out[key][0]}")
            decided = None
            if value:
                decided = value.lower() if fld == "threat" else value
                if decided not in _VALID[fld]:
                    raise CorpusError(f"{where}: adjudicated {fld} {value!r} is not valid; "
                                      f"valid values are {', '.join(_VALID[fld])}")
            out[key] = (line, decided)
    return out


def merge_adjudicated(paths: Sequence[str | Path], adjudicated_csv: str | Path,
                      out_path: str | Path, *, gazetteer: Any = None) -> list[dict]:
    """Merge the coders' files into one gold file, taking decided values where they differ.

    Every label on which all coders agree is kept; every unit of :func:`disagreements` takes the
    ``adjudicated`` value of its CSV row. The lines keep the first file's other fields
    (``source``, ``doc``, ``before``, ``sentence``, ``after``, ...) and line order; an actor's
    ``mentions`` come from the first file (in ``paths`` order) that has the actor.

    Decisions follow the codebook's order: a sentence adjudicated not a threat has no type or
    horizon (leave those rows empty) and an actor adjudicated ``absent`` no role or sentiment
    (leave those empty); otherwise every row must be decided.

    Parameters
    ----------
    paths : sequence of str or Path
        The coders' codebook JSONL files (as for :func:`disagreements`).
    adjudicated_csv : str or Path
        The CSV of :func:`write_disagreements` for these files with ``adjudicated`` filled:
        ``true``/``false`` for ``threat``, ``present``/``absent`` for ``actor_pairs``, else a
        codebook label. Only the ``id``, ``field``, ``actor`` and ``adjudicated`` columns are
        read.
    out_path : str or Path
        The gold JSONL file to write (replaced only once the merge has succeeded).
    gazetteer : Gazetteer, optional
        Whose actor ids are valid; default :func:`toolkit.actors.load_gazetteer` (pass your own
        for extra actors).

    Returns
    -------
    list of dict
        The merged lines, as :func:`~toolkit.evaluation.evaluate.read_codebook` reads them back.

    Raises
    ------
    CorpusError
        The coders' files fail as in :func:`codebook_agreement`; a CSV line names an unknown
        id, field or value, an actor id outside the gazetteer, a unit on which the coders agree,
        or repeats a unit (the message names the CSV file, line, field and the valid values); a
        needed decision is empty (names the CSV line) or a moot one is filled; a disagreement has
        no CSV row; a non-threat sentence is given a role other than ``none``; a coder's file
        names an actor outside the gazetteer.

    Examples
    --------
    >>> import json, pathlib, shutil, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> def line(rus):
    ...     return json.dumps({"id": "s1", "source": "seed", "sentence": "Russia voted.",
    ...         "threat": False, "actors": {"RUS": {"sentiment": rus, "role": "none",
    ...         "mentions": [{"mention": "Russia", "from": 0, "to": 6}]}}}) + "\\n"
    >>> _ = (d / "ann.jsonl").write_text(line("neutral"))
    >>> _ = (d / "bob.jsonl").write_text(line("negative"))
    >>> coders = [d / "ann.jsonl", d / "bob.jsonl"]
    >>> dis = disagreements(coders)
    >>> dis["adjudicated"] = ["neutral"]
    >>> _ = write_disagreements(dis, d / "dis.csv")
    >>> gold = merge_adjudicated(coders, d / "dis.csv", d / "gold.jsonl")
    >>> gold[0]["actors"]["RUS"]["sentiment"]
    'neutral'
    >>> shutil.rmtree(d)
    """
    _, files, coded, order = _load(paths, None, named=False)
    if gazetteer is None:
        from toolkit.actors import load_gazetteer

        gazetteer = load_gazetteer()
    actor_ids = set(gazetteer.actors)
    for f, rows in zip(files, coded):
        for sid in order:
            unknown = [a for a in rows[sid]["actors"] if a not in actor_ids]
            if unknown:
                raise CorpusError(f"{f}: id {sid!r}: actor {unknown[0]!r} is not an actor id of "
                                  f"the gazetteer; correct it (ids are in "
                                  f"toolkit/data/actors/gazetteer.yaml) or pass a gazetteer "
                                  f"that has it")
    csv_path = Path(adjudicated_csv)
    decided = _read_adjudicated(csv_path, set(order), actor_ids)
    items = {(sid, fld, actor): vals for sid, fld, actor, vals in _items(coded, order)}
    differ = {k for k, vals in items.items() if len(set(vals)) > 1}
    for key, (line, _) in decided.items():
        if key not in differ:
            sid, fld, actor = key
            what = f"{fld} of id {sid!r}" + (f", actor {actor!r}" if actor else "")
            why = "the coders agree on it" if key in items else "no coder has a value for it"
            raise CorpusError(f"{csv_path}, line {line}: {what} is not a disagreement ({why}); "
                              f"remove the line (only disagreements are adjudicated)")
    absent = [k for k in items if k in differ and k not in decided]
    if absent:
        shown = [f"{s}/{f}" + (f"/{a}" if a else "") for s, f, a in absent]
        raise CorpusError(f"{csv_path}: {len(absent)} disagreement(s) of the coders' files have "
                          f"no line: {_quote(shown)}; the CSV was written for other files? Write "
                          f"it again with write_disagreements")

    def value(key: tuple[str, str, str | None], needed: bool) -> str | None:
        vals = items.get(key)
        if vals is not None and key not in differ:
            return vals[0]
        if vals is None:
            return None
        line, v = decided[key]
        sid, fld, actor = key
        what = f"{fld} of id {sid!r}" + (f", actor {actor!r}" if actor else "")
        if needed and v is None:
            raise CorpusError(f"{csv_path}, line {line}: {what} is not decided; fill the "
                              f"adjudicated column with one of {', '.join(_VALID[fld])}")
        if not needed and v is not None:
            reason = ("the sentence is not a threat frame" if fld in _SENTENCE_FIELDS
                      else f"actor {actor!r} is adjudicated absent")
            raise CorpusError(f"{csv_path}, line {line}: {what} is decided as {v!r} but "
                              f"{reason}; leave the adjudicated cell empty")
        return v

    merged = []
    for sid in order:
        row = dict(coded[0][sid])
        threat = value((sid, "threat", None), True) == "true"
        row["threat"] = threat
        for fld in ("threat_type", "horizon"):
            row[fld] = value((sid, fld, None), threat)
        actors = {}
        for actor in _union_actors(coded, sid):
            if value((sid, "actor_pairs", actor), True) != ACTOR_PRESENCE[0]:
                value((sid, "role", actor), False)
                value((sid, "sentiment", actor), False)
                continue
            first = next(c[sid]["actors"][actor] for c in coded if actor in c[sid]["actors"])
            ann = dict(first)
            for fld in ("sentiment", "role"):
                ann[fld] = value((sid, fld, actor), True)
            if not threat and ann["role"] != "none":
                # only a decided role can be other than none here: coders who agree on a
                # source or referent all mark a threat, and then the threat is agreed
                line = decided.get((sid, "role", actor), ("?",))[0]
                raise CorpusError(f"{csv_path}, line {line}: role of id {sid!r}, actor "
                                  f"{actor!r} is {ann['role']!r} but the sentence is not a "
                                  f"threat frame; a non-threat sentence has role none")
            actors[actor] = ann
        row["actors"] = actors
        merged.append(row)

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    # write beside the target and check it before replacing, so a failed merge leaves no gold
    with tmp.open("w", encoding="utf-8") as fh:
        for row in merged:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    try:
        rows = read_codebook(tmp)
    except CorpusError as err:
        tmp.unlink()
        raise CorpusError(str(err).replace(str(tmp), str(out))) from None
    os.replace(tmp, out)
    return rows


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def add_agreement_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of ``toolkit agreement`` to ``parser`` (a sub-command parser).

    Examples
    --------
    >>> p = add_agreement_arguments(argparse.ArgumentParser(prog="toolkit agreement"))
    >>> args = p.parse_args(["a.jsonl", "b.jsonl", "--disagreements", "dis.csv"])
    >>> args.files, args.disagreements, args.merge
    (['a.jsonl', 'b.jsonl'], 'dis.csv', None)
    """
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="codebook JSONL files, one per coder (two or more), matched by id")
    parser.add_argument("--coders", nargs="+", metavar="NAME", default=None,
                        help="the coders' names, one per file (default: the file names)")
    parser.add_argument("--disagreements", metavar="OUT.csv", default=None,
                        help="write every disagreement to this CSV, with an empty 'adjudicated' "
                             "column to fill")
    parser.add_argument("--merge", metavar="ADJUDICATED.csv", default=None,
                        help="merge the files into one gold file, taking the filled "
                             "'adjudicated' column of this CSV where the coders differ "
                             "(needs --out)")
    parser.add_argument("--out", metavar="GOLD.jsonl", default=None,
                        help="the merged gold file of --merge")
    return parser


def cli_agreement(args: Any, *, stdout: TextIO | None = None) -> int:
    """Run ``toolkit agreement FILE FILE [...]`` and print one JSON object.

    Parameters
    ----------
    args : argparse.Namespace
        From a parser made by :func:`add_agreement_arguments`: ``files`` and optionally
        ``coders``, ``disagreements`` (CSV to write), ``merge`` (adjudicated CSV) and ``out``
        (gold file of the merge).
    stdout : file, optional
        Where the JSON goes (default ``sys.stdout``); what was written is said on stderr.

    Returns
    -------
    int
        Exit status 0. Errors propagate (``CorpusError``/``ValueError``) for the CLI to report.
    """
    merge, out_path = getattr(args, "merge", None), getattr(args, "out", None)
    if (merge is None) != (out_path is None):
        raise ValueError("--merge ADJUDICATED.csv and --out GOLD.jsonl go together")
    coders = getattr(args, "coders", None)
    result = codebook_agreement(args.files, labels=coders)
    if getattr(args, "disagreements", None):
        df = disagreements(args.files, labels=coders)
        path = write_disagreements(df, args.disagreements)
        print(f"wrote {len(df)} disagreement(s) to {path}", file=sys.stderr)
    if merge is not None:
        rows = merge_adjudicated(args.files, merge, out_path)
        print(f"wrote {len(rows)} merged sentence(s) to {out_path}", file=sys.stderr)
    out = stdout if stdout is not None else sys.stdout
    out.write(json.dumps(result, allow_nan=False) + "\n")
    out.flush()
    return 0
