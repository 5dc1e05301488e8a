"""Evaluation against gold data: NewsMTSC target sentiment (and, later, the codebook).

The scoring helpers (:func:`confusion`, :func:`prf_table`, :func:`classification_scores`) work
for any label set and are meant to be reused by other evaluations in this module.

Command line
------------
``toolkit evaluate newsmtsc FILE.jsonl [--method NAME]`` calls :func:`cli_evaluate`, which
prints the result of :func:`evaluate_newsmtsc` as one JSON object on the last line of stdout
(progress bars go to stderr)::

    {"n": 343, "macro_f1": 0.70, "accuracy": 0.72, "f1_per_class": {...}, "method": "sklearn"}
"""
from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from toolkit.errors import CorpusError, check_choice

__all__ = [
    "NEWSMTSC_FIELDS",
    "classification_scores",
    "cli_evaluate",
    "confusion",
    "evaluate_newsmtsc",
    "prf_table",
    "read_newsmtsc",
]

SENTIMENT_LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")

#: Fields every NewsMTSC line must have (``id`` is optional).
NEWSMTSC_FIELDS: tuple[str, ...] = ("sentence", "mention", "from", "to", "polarity")


# ---------------------------------------------------------------------------------------------
# Reusable scoring helpers
# ---------------------------------------------------------------------------------------------


def confusion(y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any]) -> np.ndarray:
    """Confusion matrix: rows are true labels, columns predicted labels, in ``labels`` order.

    Raises
    ------
    ValueError
        Lengths differ, or a label is not in ``labels``.

    Examples
    --------
    >>> confusion(["a", "b", "b"], ["a", "a", "b"], ["a", "b"]).tolist()
    [[1, 0], [1, 1]]
    """
    t, p = list(y_true), list(y_pred)
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} labels but y_pred has {len(p)}")
    index = {lab: i for i, lab in enumerate(labels)}
    m = np.zeros((len(index), len(index)), dtype=np.int64)
    for i, (a, b) in enumerate(zip(t, p)):
        for what, v in (("y_true", a), ("y_pred", b)):
            if v not in index:
                raise ValueError(f"row {i}: {what} label {v!r} is not one of {list(labels)}")
        m[index[a], index[b]] += 1
    return m


def prf_table(y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any]) -> pd.DataFrame:
    """Precision, recall, F1 and support per label.

    A ratio with a zero denominator is 0 (a label never predicted has precision 0; a label never
    true has recall 0), as scikit-learn's ``zero_division=0``.

    Returns
    -------
    DataFrame
        ``label``, ``precision``, ``recall``, ``f1``, ``support``, ``n_pred``.

    Examples
    --------
    >>> prf_table(["a", "b", "b"], ["a", "a", "b"], ["a", "b"]).round(3).to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'label': 'a', 'precision': 0.5, 'recall': 1.0, 'f1': 0.667, 'support': 1, 'n_pred': 2},
     {'label': 'b', 'precision': 1.0, 'recall': 0.5, 'f1': 0.667, 'support': 2, 'n_pred': 1}]
    """
    from toolkit.evaluation.score_intervals import prf_from_confusion

    return prf_from_confusion(confusion(y_true, y_pred, labels), labels)


def classification_scores(
    y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any]
) -> dict[str, Any]:
    """``n``, ``macro_f1`` (unweighted mean of the labels' F1), ``accuracy`` and
    ``f1_per_class`` (``{label: f1}``), all plain Python numbers.

    Examples
    --------
    >>> classification_scores(["a", "b", "b"], ["a", "a", "b"], ["a", "b"])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'n': 3, 'macro_f1': 0.6666666666666666, 'accuracy': 0.6666666666666666,
     'f1_per_class': {'a': 0.6666666666666666, 'b': 0.6666666666666666}}
    """
    table = prf_table(y_true, y_pred, labels)
    n = int(table["support"].sum())
    correct = int(np.diag(confusion(y_true, y_pred, labels)).sum())
    return {
        "n": n,
        "macro_f1": float(table["f1"].mean()) if len(table) else float("nan"),
        "accuracy": correct / n if n else float("nan"),
        "f1_per_class": {str(k): float(v) for k, v in zip(table["label"], table["f1"])},
    }


# ---------------------------------------------------------------------------------------------
# NewsMTSC
# ---------------------------------------------------------------------------------------------


def read_newsmtsc(path: str | Path) -> pd.DataFrame:
    """Read a NewsMTSC JSONL file (one target per line).

    Parameters
    ----------
    path : str or Path
        A file such as ``toolkit/data/newsmtsc/dev_rw.jsonl``: one JSON object a line with
        ``sentence``, ``mention``, ``from``, ``to`` (character offsets of the mention in the
        sentence) and ``polarity`` (-1, 0, 1); ``id`` is optional. Blank lines are skipped.

    Returns
    -------
    DataFrame
        ``id`` (the file's id, else ``"<file>:<line>"``), ``sentence``, ``mention``, ``start``,
        ``end``, ``polarity`` (int), ``label`` (``negative``/``neutral``/``positive``), ``line``.

    Raises
    ------
    CorpusError
        The file is missing or empty, a line is not a JSON object, lacks a field, has a field of
        the wrong type, a polarity other than -1/0/1, or ``sentence[from:to] != mention``. The
        message names the file and line.

    Examples
    --------
    >>> from toolkit.resources import data_path
    >>> df = read_newsmtsc(data_path("newsmtsc", "dev_rw.jsonl"))
    >>> len(df), list(df.columns)
    (343, ['id', 'sentence', 'mention', 'start', 'end', 'polarity', 'label', 'line'])
    """
    p = Path(path)
    if not p.is_file():
        raise CorpusError(f"{p}: no such NewsMTSC file")
    rows = []
    try:
        handle = p.open(encoding="utf-8")
    except OSError as err:
        raise CorpusError(f"{p}: cannot be read ({err})") from None
    with handle:
        try:
            lines = list(handle)
        except UnicodeDecodeError as err:
            raise CorpusError(f"{p}: not UTF-8 text ({err})") from None
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{p}, line {lineno}"
        try:
            rec = json.loads(raw)
        except json.JSONDecodeError as err:
            raise CorpusError(
                f"{where}: malformed JSON ({err.msg} at column {err.colno})"
            ) from None
        if not isinstance(rec, dict):
            raise CorpusError(f"{where}: expected a JSON object, got {type(rec).__name__}")
        missing = [f for f in NEWSMTSC_FIELDS if f not in rec]
        if missing:
            raise CorpusError(f"{where}: missing field(s) {missing}")
        sent, mention, a, b, pol = (rec[f] for f in NEWSMTSC_FIELDS)
        if not isinstance(sent, str) or not sent.strip():
            raise CorpusError(f"{where}: 'sentence' must be a non-empty string")
        if not isinstance(mention, str):
            raise CorpusError(f"{where}: 'mention' must be a string")
        for name, v in (("from", a), ("to", b)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise CorpusError(f"{where}: {name!r} must be an integer, got {v!r}")
        if isinstance(pol, bool) or pol not in (-1, 0, 1):
            raise CorpusError(f"{where}: 'polarity' must be -1, 0 or 1, got {pol!r}")
        if not 0 <= a < b <= len(sent):
            raise CorpusError(
                f"{where}: span from={a}, to={b} is empty or outside the sentence "
                f"(length {len(sent)})"
            )
        if sent[a:b] != mention:
            raise CorpusError(
                f"{where}: span mismatch: sentence[{a}:{b}] is {sent[a:b]!r} but mention is "
                f"{mention!r}"
            )
        rows.append(
            {
                "id": str(rec.get("id", f"{p.name}:{lineno}")),
                "sentence": sent,
                "mention": mention,
                "start": a,
                "end": b,
                "polarity": int(pol),
                "label": SENTIMENT_LABELS[int(pol) + 1],
                "line": lineno,
            }
        )
    if not rows:
        raise CorpusError(f"{p}: no targets (the file is empty)")
    return pd.DataFrame(rows).astype({"start": "int64", "end": "int64", "polarity": "int64",
                                      "line": "int64"})


def evaluate_newsmtsc(
    path: str | Path, *, method: str = "neural", progress: bool = False
) -> dict[str, Any]:
    """Score a sentiment method on a NewsMTSC file.

    Parameters
    ----------
    path : str or Path
        NewsMTSC JSONL file (see :func:`read_newsmtsc`).
    method : {"neural", "sklearn", "lexicon"}, default "neural"
    progress : bool, default False

    Returns
    -------
    dict
        ``n`` (targets), ``macro_f1`` (mean F1 over negative, neutral, positive), ``accuracy``,
        ``f1_per_class`` (``{"negative": ..., "neutral": ..., "positive": ...}``), all fractions
        in ``[0, 1]``, and ``method``.

    Examples
    --------
    >>> from toolkit.resources import data_path
    >>> r = evaluate_newsmtsc(data_path("newsmtsc", "dev_rw.jsonl"), method="lexicon")
    >>> sorted(r), r["n"]
    (['accuracy', 'f1_per_class', 'macro_f1', 'method', 'n'], 343)
    """
    from toolkit.sentiment import METHODS, score_targets

    check_choice("method", method, METHODS)
    gold = read_newsmtsc(path)
    pred = score_targets(
        gold["sentence"].tolist(), gold["start"].tolist(), gold["end"].tolist(),
        method=method, progress=progress,
    )["label"]
    scores = classification_scores(gold["label"].tolist(), pred.tolist(), SENTIMENT_LABELS)
    return {**scores, "method": method}


#: Datasets of ``toolkit evaluate DATASET FILE``.
EVALUATIONS: tuple[str, ...] = ("newsmtsc",)


def cli_evaluate(args: Any, *, stdout: TextIO | None = None) -> int:
    """Run ``toolkit evaluate DATASET FILE [--method NAME]`` and print one JSON object.

    Parameters
    ----------
    args : argparse.Namespace
        ``dataset`` (one of :data:`EVALUATIONS`), ``file`` (path) and optionally ``method``
        (default ``"neural"``) and ``progress`` (default False).
    stdout : file, optional
        Where the JSON goes (default ``sys.stdout``).

    Returns
    -------
    int
        Exit status 0. Errors propagate (``ValueError``/``CorpusError`` for bad input,
        ``ModelNotFoundError`` for a missing model) for the CLI to report.
    """
    dataset = getattr(args, "dataset", "newsmtsc")
    check_choice("dataset", dataset, EVALUATIONS)
    method = getattr(args, "method", None) or "neural"
    result = evaluate_newsmtsc(args.file, method=method,
                               progress=bool(getattr(args, "progress", False)))
    out = stdout if stdout is not None else sys.stdout
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0

# --------------------------------------------------------------------------------------------------
# Codebook gold sets: threat framing, threat roles, actor mentions and actor sentiment
# (docs/codebook.md). This block is maintained with toolkit/threat.py.
# --------------------------------------------------------------------------------------------------

#: Bootstrap resamples of ``toolkit evaluate codebook``'s intervals.
DEFAULT_N_BOOT = 1000

#: Fields of one line of a codebook gold file; the optional ones may be absent or null.
CODEBOOK_REQUIRED = ("id", "source", "sentence", "threat", "actors")
CODEBOOK_OPTIONAL = ("doc", "date", "title", "before", "after", "threat_type", "horizon")

__all__ += ["CODEBOOK_OPTIONAL", "CODEBOOK_REQUIRED", "DEFAULT_N_BOOT", "cli_evaluate_codebook",
            "codebook_predictions", "evaluate_codebook", "read_codebook"]


def read_codebook(path: str | Path) -> list[dict]:
    """Read and check a codebook gold file (JSONL, one annotated sentence a line).

    The format is documented in ``docs/codebook.md``. Blank lines are skipped.

    Raises
    ------
    CorpusError
        The file is missing, a line is not JSON, a required field is missing, a value is not one
        of the codebook's (the message names the file, the line and the field), or an id repeats.
    """
    from toolkit.threat import HORIZONS, ROLES, THREAT_TYPES

    p = Path(path)
    if not p.exists():
        raise CorpusError(f"{p}: no such file; give a JSONL file of annotated sentences "
                          f"(format: docs/codebook.md)")
    rows, seen = [], set()
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{p}, line {n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise CorpusError(f"{where}: not valid JSON ({err.msg})") from None
            if not isinstance(row, dict):
                raise CorpusError(f"{where}: each line must be a JSON object")
            missing = [k for k in CODEBOOK_REQUIRED if k not in row]
            if missing:
                raise CorpusError(f"{where}: missing field(s) {', '.join(missing)}")
            unknown = [k for k in row if k not in CODEBOOK_REQUIRED + CODEBOOK_OPTIONAL]
            if unknown:
                raise CorpusError(f"{where}: unknown field(s) {', '.join(unknown)}; valid fields "
                                  f"are {', '.join(CODEBOOK_REQUIRED + CODEBOOK_OPTIONAL)}")
            if row["id"] in seen:
                raise CorpusError(f"{where}: id {row['id']!r} appears twice")
            seen.add(row["id"])
            if not isinstance(row["sentence"], str):
                raise CorpusError(f"{where}: sentence must be a string")
            if not isinstance(row["threat"], bool):
                raise CorpusError(f"{where}: threat must be true or false")
            if row["threat"]:
                for key, valid in (("threat_type", THREAT_TYPES), ("horizon", HORIZONS)):
                    if row.get(key) not in valid:
                        raise CorpusError(f"{where}: {key} must be one of {', '.join(valid)} when "
                                          f"threat is true; got {row.get(key)!r}")
            if not isinstance(row["actors"], dict):
                raise CorpusError(f"{where}: actors must be an object {{ACTOR_ID: {{...}}}}")
            for actor, ann in row["actors"].items():
                if not isinstance(ann, dict):
                    raise CorpusError(f"{where}: actors.{actor} must be an object")
                if ann.get("sentiment") not in SENTIMENT_LABELS:
                    raise CorpusError(f"{where}: actors.{actor}.sentiment must be one of "
                                      f"{', '.join(SENTIMENT_LABELS)}")
                if ann.get("role") not in ROLES:
                    raise CorpusError(f"{where}: actors.{actor}.role must be one of "
                                      f"{', '.join(ROLES)}")
                if not row["threat"] and ann["role"] != "none":
                    raise CorpusError(f"{where}: actors.{actor}.role must be none in a sentence "
                                      f"that is not a threat frame")
            rows.append(row)
    if not rows:
        raise CorpusError(f"{p}: no annotated sentences")
    return rows


def _codebook_tables(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents and sentences tables of gold lines: one document per line.

    The document text is ``before``, the sentence and ``after`` joined by blank lines (context for
    anything that reads the document); the sentences table holds only the annotated sentence.
    """
    from toolkit.corpus import parse_date

    docs, sents = [], []
    for row in rows:
        before = row.get("before") or ""
        after = row.get("after") or ""
        head = before + "\n\n" if before else ""
        text = head + row["sentence"] + ("\n\n" + after if after else "")
        source = row.get("source")
        doc = row.get("doc") or ""
        # UN General Debate documents are ISO3_SESSION_YEAR: the speaking state comes first
        iso3 = doc[:3] if source == "ungd" and len(doc) > 3 and doc[3] == "_" \
            and doc[:3].isalpha() and doc[:3].isupper() else None
        parsed = parse_date(row["date"]) if row.get("date") else None
        date = parsed[0] if parsed else pd.NaT
        docs.append({"doc_id": row["id"], "collection": source, "path": doc,
                     "title": row.get("title"), "date": date,
                     "year": date.year if not pd.isna(date) else None,
                     "iso3": iso3, "text": text})
        start = len(head)
        sents.append({"doc_id": row["id"], "sent_id": 0, "start": start,
                      "end": start + len(row["sentence"]), "text": row["sentence"],
                      "speaker": None, "para_id": 0})
    docs_df = pd.DataFrame(docs)
    docs_df["date"] = pd.to_datetime(docs_df["date"])
    sents_df = pd.DataFrame(sents).astype({"sent_id": "int64", "start": "int64", "end": "int64",
                                           "para_id": "int64"})
    return docs_df, sents_df


def _prf(pred: set, gold: set) -> dict:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def codebook_predictions(path: str | Path, *, sentiment_method: str | None = None,
                         threat_method: str = "model", codebook_skip: str = "no_candidates",
                         threshold: float | None = None,
                         lexicon=None, progress: bool = False,
                         prior_correction: bool = True, use_roles: bool = True,
                         use_speakers: bool = True) -> dict:
    """Run the toolkit on a codebook gold file and return the gold lines and predicted tables.

    The tables behind :func:`evaluate_codebook`, for error analysis: ``rows`` (the gold lines),
    ``docs``, ``sentences``, ``mentions``, ``frames``, ``roles`` and ``sentiment``.
    ``prior_correction``, ``use_roles`` and ``use_speakers`` (all on by default) are passed to
    :func:`toolkit.sentiment.actor_sentiment` (``use_roles`` passes the ``roles`` table,
    ``use_speakers`` the documents' speakers from :func:`toolkit.actors.speaker_actors`); turn
    them off to score the bare sentiment model.
    """
    from toolkit.engine.graph import GraphRun
    from toolkit.framing.model_frames import FRAME_METHODS
    from toolkit.sentiment import ACTOR_METHODS, DEFAULT_ACTOR_METHOD

    method = DEFAULT_ACTOR_METHOD if sentiment_method is None else sentiment_method
    check_choice("sentiment_method", method, ACTOR_METHODS)
    check_choice("threat_method", threat_method, FRAME_METHODS)
    rows = read_codebook(path)
    docs, sents = _codebook_tables(rows)
    # The gold lines run through the same stage graph as a corpus (one document per line).
    graph = GraphRun({"documents": docs, "sentences": sents}, use_cache=False, progress=progress,
                     params={"threat_method": threat_method, "codebook_skip": codebook_skip,
                             "threat_threshold": threshold,
                             "threat_lexicon": lexicon,
                             "sentiment_method": method,
                             "sentiment_prior_correction": prior_correction,
                             "sentiment_use_roles": use_roles,
                             "sentiment_use_speakers": use_speakers})
    ments, frames, roles, senti = (graph[n] for n in ("mentions", "threat_frames",
                                                        "threat_roles", "actor_sentiment"))
    return {"rows": rows, "docs": docs, "sentences": sents, "mentions": ments, "frames": frames,
            "roles": roles, "sentiment": senti, "scores": graph.get("codebook_scores")}


def evaluate_codebook(path: str | Path, *, sentiment_method: str | None = None,
                      threat_method: str = "model", codebook_skip: str = "no_candidates",
                      threshold: float | None = None,
                      lexicon=None, progress: bool = False,
                      prior_correction: bool = True, use_roles: bool = True,
                      use_speakers: bool = True, n_boot: int = 0, ci: float = 0.95,
                      random_state: int = 0) -> dict:
    """Score threat framing, threat sources, actor mentions and actor sentiment on a gold file.

    Every line of the file is one annotated sentence (format: ``docs/codebook.md``). The toolkit
    runs on the sentence as it would on a corpus: its own actor detection
    (:func:`toolkit.actors.mentions`, with the line's ``source`` as the collection and, for UN
    General Debate lines, the speaking state read from ``doc``), :func:`toolkit.threat.threat_frames`,
    :func:`toolkit.threat.threat_roles` and :func:`toolkit.sentiment.actor_sentiment`. ``before``
    and ``after`` are context only (they are in the document text, not in the scored sentence);
    the gold actors are the reference, never an input.

    Parameters
    ----------
    path : str or Path
        The JSONL gold file, e.g. ``toolkit/data/eval/threat_dev.jsonl``.
    sentiment_method : str, optional
        Method of :func:`toolkit.sentiment.actor_sentiment`; default the toolkit's default
        (``"codebook"``, the codebook model).
    threat_method : {"model", "rules"}, default "model"
        Method of :func:`toolkit.threat_frames` and :func:`toolkit.threat_roles`:
        the codebook model or the threat lexicon.
    codebook_skip : {"no_candidates", "none"}, default "no_candidates"
        Sentences the codebook model leaves out, as in :func:`toolkit.analyze` (the default
        scores the toolkit as the pipeline runs it).
    threshold : float, optional
        Threat threshold; default the model's calibrated one (``"model"``) or 0.5 (``"rules"``).
    lexicon : optional
        Threat lexicon (see :func:`toolkit.threat.load_threat_lexicon`).
    progress : bool, default False
        Show progress bars.
    prior_correction : bool, default True
        Correct the sentiment model's class prior to the real-world one
        (:func:`toolkit.sentiment.apply_prior_correction`; neural method only).
    use_roles : bool, default True
        Make actor sentiment consistent with the predicted threat roles
        (:func:`toolkit.sentiment.apply_threat_roles`: a threat source is negative, a neutral
        victim of another actor's threat is positive), as the codebook defines them.
    use_speakers : bool, default True
        Label a speaker's mentions of itself neutral
        (:func:`toolkit.sentiment.apply_self_portrayal`), as the codebook does.
    n_boot : int, default 0
        Bootstrap resamples of gold sentences for the ``intervals`` entry (0: none). The CLI
        uses 1,000: a 238-sentence file gives intervals several points wide.
    ci : float, default 0.95
        Coverage of the intervals.
    random_state : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    dict
        Fractions in [0, 1] (0.0 where undefined), as in section 5 of the codebook, all
        computed from :func:`toolkit.evaluation.score_intervals.codebook_counts`:

        - ``n_sentences``: lines scored;
        - ``threat``: ``precision``, ``recall``, ``f1`` of the sentence flag;
        - ``threat_type``, ``horizon``: ``accuracy`` and ``n``, over gold threat sentences that
          the toolkit also marks as threats;
        - ``source``: ``precision``, ``recall``, ``f1`` over (sentence, actor) pairs with role
          ``source``;
        - ``sentiment``: ``macro_f1`` (negative/neutral/positive), ``accuracy`` and ``n`` over
          (sentence, actor) pairs found by both the gold and the toolkit;
        - ``actors``: ``precision``, ``recall``, ``f1`` of (sentence, actor) pairs;
        - ``intervals`` (only with ``n_boot``): ``[low, high]`` per score of
          :data:`~toolkit.evaluation.score_intervals.SCORE_NAMES`, with ``ci``, ``n_boot``,
          ``random_state`` and ``unit``.

    Examples
    --------
    >>> from toolkit.resources import data_path
    >>> res = evaluate_codebook(data_path("eval", "threat_dev.jsonl"), sentiment_method="lexicon")
    >>> sorted(res)
    ['actors', 'horizon', 'n_sentences', 'sentiment', 'source', 'threat', 'threat_type']
    """
    out = codebook_predictions(path, sentiment_method=sentiment_method,
                               threat_method=threat_method, codebook_skip=codebook_skip,
                               threshold=threshold,
                               lexicon=lexicon, progress=progress,
                               prior_correction=prior_correction, use_roles=use_roles,
                               use_speakers=use_speakers)
    from toolkit.evaluation.score_intervals import codebook_counts, scores_from_counts

    counts = codebook_counts(out)
    s = scores_from_counts(counts)
    tot = counts.drop(columns="id").sum()
    n_typed = int(sum(tot[c] for c in tot.index if c.startswith("threat_type:")))
    n_pairs = int(sum(tot[c] for c in tot.index if c.startswith("sentiment:")))

    def prf(what: str) -> dict:
        return {k: s[f"{what}_{k}"] for k in ("precision", "recall", "f1")}

    result = {
        "n_sentences": len(out["rows"]),
        "threat": prf("threat"),
        "threat_type": {"accuracy": s["type_accuracy"], "n": n_typed},
        "horizon": {"accuracy": s["horizon_accuracy"], "n": n_typed},
        "source": prf("source"),
        "sentiment": {"macro_f1": s["sentiment_macro_f1"], "accuracy": s["sentiment_accuracy"],
                      "n": n_pairs},
        "actors": prf("actors"),
    }
    if n_boot:
        from toolkit.evaluation.score_intervals import bootstrap_scores

        ci_table = bootstrap_scores(counts, n_boot=n_boot, ci=ci, random_state=random_state)
        result["intervals"] = {
            "ci": ci, "n_boot": int(n_boot), "random_state": random_state,
            "unit": "sentence",
            **{r.score: [float(r.ci_low), float(r.ci_high)] for r in ci_table.itertuples()}}
    return result


def cli_evaluate_codebook(args: Any, *, stdout: TextIO | None = None) -> int:
    """Run ``toolkit evaluate codebook FILE [--method NAME]`` and print one JSON object.

    ``args`` has ``file`` and optionally ``method`` (the sentiment method; default the toolkit's
    default), ``threat_method``, ``n_boot`` (default 1000 bootstrap resamples for the
    ``intervals`` entry; 0 for none), ``seed`` and ``progress``. Errors propagate for the CLI
    to report.
    """
    n_boot = getattr(args, "n_boot", None)
    result = evaluate_codebook(args.file, sentiment_method=getattr(args, "method", None),
                               threat_method=getattr(args, "threat_method", None) or "model",
                               progress=bool(getattr(args, "progress", False)),
                               n_boot=DEFAULT_N_BOOT if n_boot is None else int(n_boot),
                               random_state=int(getattr(args, "seed", None) or 0))
    out = stdout if stdout is not None else sys.stdout
    out.write(json.dumps(result) + "\n")
    out.flush()
    return 0
