"""Codebook scores from per-sentence counts: point estimates, bootstrap intervals, per-class tables.

Every score of :func:`toolkit.evaluation.evaluate.evaluate_codebook` is a ratio of sums over
sentences (true positives, predictions, gold labels, confusion cells). :func:`codebook_counts`
writes those counts once per gold sentence; :func:`scores_from_counts` turns column sums into the
scores. The point estimate sums every sentence once; the bootstrap (:func:`bootstrap_scores`)
sums each resample, so both come from one implementation, and the (sentence, actor) pairs of a
sentence are resampled with it (pairs of one sentence are not independent).

A 238-sentence gold set gives intervals several points wide (threat F1 about +-0.05, threat-source
F1 about +-0.10); a 300-sentence coding sample of a new corpus is no better. Report the interval,
not the point alone.

Examples
--------
>>> from toolkit.resources import data_path
>>> from toolkit.evaluation.evaluate import codebook_predictions
>>> pred = codebook_predictions(data_path("eval", "threat_dev.jsonl"), threat_method="rules",
...                             sentiment_method="lexicon")
>>> counts = codebook_counts(pred)
>>> len(counts)
238
>>> ci = bootstrap_scores(counts, n_boot=200)
>>> list(ci.columns)
['score', 'estimate', 'ci_low', 'ci_high', 'n_boot', 'ci']
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import require_columns

__all__ = [
    "COUNT_COLUMNS",
    "INTERVAL_COLUMNS",
    "PER_CLASS_COLUMNS",
    "SCORE_NAMES",
    "bootstrap_scores",
    "codebook_counts",
    "confusion_table",
    "per_class_table",
    "prf_from_confusion",
    "scores_from_counts",
]

SENTIMENT_LABELS = ("negative", "neutral", "positive")

#: Confusion fields of the per-sentence counts and their label sets (gold rows, predicted columns).
_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "sentiment": SENTIMENT_LABELS,
    "role": ("source", "referent", "none"),
}


def _labels() -> dict[str, tuple[str, ...]]:
    from toolkit.framing.threat import HORIZONS, THREAT_TYPES

    return {"threat_type": tuple(THREAT_TYPES), "horizon": tuple(HORIZONS), **_CONFUSIONS}


def _cells(field: str, labels: tuple[str, ...]) -> list[str]:
    return [f"{field}:{g}>{p}" for g in labels for p in labels]


def _count_columns() -> list[str]:
    cols = ["id"]
    for what in ("threat", "source", "actors"):
        cols += [f"{what}_tp", f"{what}_pred", f"{what}_gold"]
    for field, labels in _labels().items():
        cols += _cells(field, labels)
    return cols


#: Columns of :func:`codebook_counts`: ``id``; ``threat_tp/_pred/_gold`` (the sentence flag),
#: ``source_*`` and ``actors_*`` (threat-source and actor (sentence, actor) pairs); then one
#: column per confusion cell ``FIELD:GOLD>PRED`` of ``threat_type`` and ``horizon`` (sentences
#: both gold and toolkit mark as threats) and of ``sentiment`` and ``role`` (pairs both found).
COUNT_COLUMNS: list[str] = _count_columns()

#: Scores :func:`scores_from_counts` returns, in order.
SCORE_NAMES: tuple[str, ...] = (
    "threat_precision", "threat_recall", "threat_f1",
    "source_precision", "source_recall", "source_f1",
    "actors_precision", "actors_recall", "actors_f1",
    "type_accuracy", "horizon_accuracy",
    "sentiment_macro_f1", "sentiment_accuracy", "role_macro_f1",
)

#: Columns of :func:`bootstrap_scores`.
INTERVAL_COLUMNS = ["score", "estimate", "ci_low", "ci_high", "n_boot", "ci"]
#: Columns of :func:`per_class_table`.
PER_CLASS_COLUMNS = ["field", "label", "precision", "recall", "f1", "support", "n_pred"]


def codebook_counts(predictions: Mapping[str, Any]) -> pd.DataFrame:
    """One row of counts per gold sentence, from the tables of
    :func:`~toolkit.evaluation.evaluate.codebook_predictions`.

    Parameters
    ----------
    predictions : mapping
        Needs ``rows`` (the gold lines), ``frames``, ``roles``, ``mentions`` and ``sentiment``
        (documents are gold lines: ``doc_id`` is the line's ``id``).

    Returns
    -------
    DataFrame
        :data:`COUNT_COLUMNS`, one row per gold line in file order, integer counts.
    """
    for key in ("rows", "frames", "roles", "mentions", "sentiment"):
        if key not in predictions:
            raise KeyError(f"predictions: missing {key!r}; pass the dict codebook_predictions "
                           f"returns")
    rows = predictions["rows"]
    frames, roles, ments, senti = (predictions[k] for k in ("frames", "roles", "mentions",
                                                             "sentiment"))
    require_columns(frames, ["doc_id", "threat", "threat_type", "horizon"], name="frames")
    require_columns(roles, ["doc_id", "actor", "role"], name="roles")
    require_columns(ments, ["doc_id", "actor"], name="mentions")
    require_columns(senti, ["doc_id", "actor", "label"], name="sentiment")
    fr = {d: (bool(t), ty, ho) for d, t, ty, ho in zip(frames["doc_id"], frames["threat"],
                                                      frames["threat_type"], frames["horizon"])}
    pred_role: dict[tuple, str] = {}
    for d, a, r in zip(roles["doc_id"], roles["actor"], roles["role"]):
        # a pair the roles table lists twice counts as source if any row says so (the
        # evaluation's set semantics)
        if pred_role.get((d, a)) != "source":
            pred_role[(d, a)] = r
    pred_act: dict[str, set] = {}
    for d, a in zip(ments["doc_id"], ments["actor"]):
        pred_act.setdefault(d, set()).add(a)
    label = dict(zip(zip(senti["doc_id"], senti["actor"]), senti["label"]))
    labels = _labels()
    index = {c: i for i, c in enumerate(COUNT_COLUMNS)}
    out = np.zeros((len(rows), len(COUNT_COLUMNS) - 1), dtype=np.int64)

    def add(i: int, col: str, v: int = 1) -> None:
        out[i, index[col] - 1] += v

    for i, row in enumerate(rows):
        d = row["id"]
        t, ty, ho = fr.get(d, (False, None, None))
        g = bool(row["threat"])
        add(i, "threat_tp", int(t and g))
        add(i, "threat_pred", int(t))
        add(i, "threat_gold", int(g))
        if t and g:
            for field, pv in (("threat_type", ty), ("horizon", ho)):
                gv = row.get(field)
                if gv in labels[field] and pv in labels[field]:
                    add(i, f"{field}:{gv}>{pv}")
                elif gv in labels[field]:
                    # no prediction counts as wrong: the first other label keeps accuracy honest
                    other = next(x for x in labels[field] if x != gv)
                    add(i, f"{field}:{gv}>{other}")
        gold_act = row["actors"]
        p_act = pred_act.get(d, set())
        add(i, "actors_tp", len(p_act & set(gold_act)))
        add(i, "actors_pred", len(p_act))
        add(i, "actors_gold", len(gold_act))
        p_src = {a for (dd, a), r in pred_role.items() if dd == d and r == "source"}
        g_src = {a for a, v in gold_act.items() if v["role"] == "source"}
        add(i, "source_tp", len(p_src & g_src))
        add(i, "source_pred", len(p_src))
        add(i, "source_gold", len(g_src))
        for a, v in gold_act.items():
            if (d, a) in label and label[(d, a)] in SENTIMENT_LABELS:
                add(i, f"sentiment:{v['sentiment']}>{label[(d, a)]}")
            if a in p_act:
                pr = pred_role.get((d, a), "none")
                add(i, f"role:{v['role']}>{pr}")
    df = pd.DataFrame(out, columns=COUNT_COLUMNS[1:])
    df.insert(0, "id", [r["id"] for r in rows])
    return df


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)


def _f1(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    return _ratio(2 * p * r, p + r)


def _macro_f1(m: np.ndarray) -> np.ndarray:
    """Macro-F1 of stacked confusion matrices ``m`` (..., k, k), zero_division=0."""
    tp = np.diagonal(m, axis1=-2, axis2=-1)
    prec = _ratio(tp, m.sum(axis=-2))
    rec = _ratio(tp, m.sum(axis=-1))
    return _f1(prec, rec).mean(axis=-1)


def _score_matrix(totals: np.ndarray) -> np.ndarray:
    """Scores (columns in :data:`SCORE_NAMES` order) of count totals (rows: resamples)."""
    t = np.atleast_2d(totals).astype(float)
    col = {c: i for i, c in enumerate(COUNT_COLUMNS[1:])}
    out = []
    for what in ("threat", "source", "actors"):
        tp, pr, go = (t[:, col[f"{what}_{k}"]] for k in ("tp", "pred", "gold"))
        p, r = _ratio(tp, pr), _ratio(tp, go)
        out += [p, r, _f1(p, r)]
    mats = {}
    for field, labels in _labels().items():
        k = len(labels)
        idx = [col[c] for c in _cells(field, labels)]
        mats[field] = t[:, idx].reshape(-1, k, k)
    for field in ("threat_type", "horizon"):
        m = mats[field]
        out.append(_ratio(np.trace(m, axis1=1, axis2=2), m.sum(axis=(1, 2))))
    m = mats["sentiment"]
    out += [_macro_f1(m), _ratio(np.trace(m, axis1=1, axis2=2), m.sum(axis=(1, 2)))]
    out.append(_macro_f1(mats["role"]))
    return np.column_stack(out)


def scores_from_counts(counts: pd.DataFrame) -> dict[str, float]:
    """The codebook scores of the summed counts, as plain floats keyed by :data:`SCORE_NAMES`.

    A ratio with a zero denominator is 0.0 (as ``evaluate_codebook`` and scikit-learn's
    ``zero_division=0``).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame(0, index=[0, 1], columns=COUNT_COLUMNS[1:])
    >>> c[["threat_tp", "threat_pred", "threat_gold"]] = [[1, 1, 1], [0, 1, 0]]
    >>> s = scores_from_counts(c)
    >>> s["threat_precision"], s["threat_recall"], round(s["threat_f1"], 3)
    (0.5, 1.0, 0.667)
    """
    require_columns(counts, COUNT_COLUMNS[1:], name="counts",
                    hint="Build it with codebook_counts().")
    totals = counts[COUNT_COLUMNS[1:]].to_numpy().sum(axis=0)
    return {k: float(v) for k, v in zip(SCORE_NAMES, _score_matrix(totals)[0])}


def bootstrap_scores(counts: pd.DataFrame, *, n_boot: int = 1000, ci: float = 0.95,
                     random_state: int = 0) -> pd.DataFrame:
    """Percentile bootstrap intervals of every codebook score, resampling gold sentences.

    Parameters
    ----------
    counts : DataFrame
        :func:`codebook_counts` of a gold file.
    n_boot : int, default 1000
        Resamples. 1,000 gives interval ends stable to about 0.005 on dev.
    ci : float, default 0.95
        Coverage of the interval.
    random_state : int, default 0
        Seed of the resampling; same counts and seed, same table.

    Returns
    -------
    DataFrame
        :data:`INTERVAL_COLUMNS`: one row per score of :data:`SCORE_NAMES`; ``estimate`` is the
        score on the whole file.
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot!r}")
    require_columns(counts, COUNT_COLUMNS[1:], name="counts",
                    hint="Build it with codebook_counts().")
    x = counts[COUNT_COLUMNS[1:]].to_numpy(dtype=float)
    n = len(x)
    if n == 0:
        raise ValueError("counts: no gold sentences to resample")
    rng = np.random.default_rng(random_state)
    # each resample is a multinomial count of how often every sentence is drawn
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=int(n_boot))
    boot = _score_matrix(weights @ x)
    point = _score_matrix(x.sum(axis=0))[0]
    alpha = (1 - ci) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha], axis=0)
    return pd.DataFrame({"score": list(SCORE_NAMES), "estimate": point, "ci_low": low,
                         "ci_high": high, "n_boot": int(n_boot), "ci": float(ci)})


def _matrix(counts: pd.DataFrame, field: str) -> tuple[np.ndarray, tuple[str, ...]]:
    from toolkit.errors import check_choice

    labels = _labels()
    check_choice("field", field, list(labels))
    lab = labels[field]
    cells = _cells(field, lab)
    require_columns(counts, cells, name="counts", hint="Build it with codebook_counts().")
    return counts[cells].to_numpy().sum(axis=0).reshape(len(lab), len(lab)), lab


def prf_from_confusion(m: np.ndarray, labels: Sequence[Any]) -> pd.DataFrame:
    """Precision, recall, F1, support and number predicted per label of a confusion matrix (rows
    true labels, columns predicted, in ``labels`` order); a zero denominator gives 0.
    :func:`toolkit.evaluation.evaluate.prf_table` builds the matrix from label lists.

    Examples
    --------
    >>> prf_from_confusion(np.array([[1, 0], [1, 1]]), ["a", "b"])["support"].tolist()
    [1, 2]
    """
    m = np.asarray(m)
    tp = np.diag(m).astype(float)
    support = m.sum(axis=1)
    n_pred = m.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(n_pred > 0, tp / np.maximum(n_pred, 1), 0.0)
        recall = np.where(support > 0, tp / np.maximum(support, 1), 0.0)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / np.where(denom > 0, denom, 1), 0.0)
    return pd.DataFrame(
        {
            "label": list(labels),
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support.astype("int64"),
            "n_pred": n_pred.astype("int64"),
        }
    )


def confusion_table(counts: pd.DataFrame, field: str) -> pd.DataFrame:
    """Tidy confusion matrix of one field: ``gold``, ``predicted``, ``n``.

    ``field`` is ``"sentiment"`` or ``"role"`` ((sentence, actor) pairs both gold and toolkit
    found), or ``"threat_type"`` or ``"horizon"`` (sentences both mark as threats).
    :func:`toolkit.plots.plot_confusion` draws it.
    """
    m, lab = _matrix(counts, field)
    return pd.DataFrame([{"gold": g, "predicted": p, "n": int(m[i, j])}
                         for i, g in enumerate(lab) for j, p in enumerate(lab)])


def per_class_table(counts: pd.DataFrame, fields=("sentiment", "role", "threat_type",
                                                  "horizon")) -> pd.DataFrame:
    """Precision, recall, F1, support and number predicted per label of each field.

    Returns
    -------
    DataFrame
        :data:`PER_CLASS_COLUMNS`, fields in the order given, labels in the codebook's order.
    """
    frames = []
    for field in ([fields] if isinstance(fields, str) else fields):
        m, lab = _matrix(counts, field)
        frames.append(prf_from_confusion(m, lab).assign(field=field))
    return pd.concat(frames, ignore_index=True)[PER_CLASS_COLUMNS]
