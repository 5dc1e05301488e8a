"""Aggregate actor sentiment: per actor and group (document, period, speaker, ...), with
bootstrap confidence intervals, and the sentences behind the numbers.

Both functions take the *actor sentiment* table of :func:`toolkit.sentiment.actor_sentiment`
(one row per ``doc_id``, ``sent_id``, ``actor``; ``score`` in ``[-1, 1]``). The unit of
observation is that row: an actor mentioned twice in one sentence counts once (its mentions were
averaged), an actor mentioned in ten sentences of one document counts ten times.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.bootstrap import DEFAULT_N_BOOT, DEFAULT_RANDOM_STATE, cluster_ratio_ci
from toolkit.errors import check_choice
from toolkit.periods import period_of

__all__ = ["BY_CHOICES", "REDUCTION_COLUMNS", "SENTIMENT_BY_COLUMNS", "sentiment_by",
           "sentiment_by_from_reductions", "sentiment_evidence", "sentiment_reductions"]

#: Named groupings of :func:`sentiment_by` (a list of document columns is accepted too).
BY_CHOICES: tuple[str, ...] = (
    "doc", "month", "quarter", "year", "speaker", "country", "collection",
)
By = Literal["doc", "month", "quarter", "year", "speaker", "country", "collection"]

#: Statistic columns of :func:`sentiment_by`, after ``actor`` and the group columns.
SENTIMENT_BY_COLUMNS = [
    "n", "n_docs", "mean", "ci_low", "ci_high", "n_negative", "n_neutral", "n_positive",
]

_PERIODS = ("month", "quarter", "year")


def _require(df: object, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"the {what} table lacks column(s) {missing}; it has {list(df.columns)}")


def _period(docs: pd.DataFrame, unit: str) -> pd.Series:
    """Period of each document (:func:`toolkit.periods.period_of`: a date known only to the
    year has no month or quarter)."""
    if "date" not in docs.columns:
        raise ValueError(f"by={unit!r} needs a 'date' column in docs; it has {list(docs.columns)}")
    return period_of(docs, unit)


def _group_columns(
    actor_sent: pd.DataFrame, docs: pd.DataFrame, by: str | Sequence[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Join the grouping columns onto ``actor_sent``; return the table and their names."""
    names = [by] if isinstance(by, str) else list(by)
    if isinstance(by, str):
        check_choice("by", by, BY_CHOICES)
    if not names:
        raise ValueError("by must name at least one grouping")
    _require(docs, ["doc_id"], "docs")
    if docs["doc_id"].duplicated().any():
        dup = docs.loc[docs["doc_id"].duplicated(), "doc_id"].iloc[0]
        raise ValueError(f"docs has duplicate doc_id {dup!r}")
    known = set(docs["doc_id"])
    missing = [d for d in pd.unique(actor_sent["doc_id"]) if d not in known]
    if missing:
        raise ValueError(
            f"{len(missing)} doc_id(s) of the actor sentiment table are not in docs, e.g. "
            f"{missing[:5]}"
        )
    cols: list[str] = []
    extra = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy()})
    for name in names:
        if name == "doc":
            cols.append("doc_id")
        elif name in _PERIODS:
            extra[name] = _period(docs, name).reset_index(drop=True)
            cols.append(name)
        elif name in actor_sent.columns and name not in ("doc_id", "sent_id", "actor"):
            cols.append(name)  # e.g. a per-sentence speaker the caller joined on
        elif name in docs.columns:
            extra[name] = docs[name].reset_index(drop=True)
            cols.append(name)
        elif name in BY_CHOICES:
            raise ValueError(
                f"by={name!r} needs a {name!r} column in docs; it has {list(docs.columns)}"
            )
        else:
            valid = [*BY_CHOICES, *[c for c in docs.columns if c not in ("doc_id", "text")]]
            check_choice("by", name, valid)
    cols = list(dict.fromkeys(cols))
    add = [c for c in extra.columns if c != "doc_id" and c in cols and c not in actor_sent.columns]
    table = actor_sent.merge(extra[["doc_id", *add]], on="doc_id", how="left", validate="m:1")
    return table, cols


def sentiment_by(
    actor_sent: pd.DataFrame,
    docs: pd.DataFrame,
    by: By | Sequence[str] = "doc",
    *,
    n_boot: int = DEFAULT_N_BOOT,
    ci: float = 0.95,
    cluster: bool = True,
    random_state: int = DEFAULT_RANDOM_STATE,
) -> pd.DataFrame:
    """Mean sentiment score per actor and group, with a bootstrap confidence interval.

    Parameters
    ----------
    actor_sent : DataFrame
        The actor sentiment table (``doc_id``, ``sent_id``, ``actor``, ``score``, ``label``).
    docs : DataFrame
        The documents table (``doc_id`` and the grouping columns; ``date`` and, if present,
        ``date_precision`` for periods).
    by : str or list of str, default "doc"
        ``"doc"`` (per document), ``"month"``, ``"quarter"``, ``"year"`` (periods of the
        document ``date``), ``"speaker"``, ``"country"``, ``"collection"``, or a list of these
        and/or other document columns (e.g. ``["collection", "year"]``). A grouping column that
        ``actor_sent`` itself carries (e.g. a per-sentence ``speaker`` joined from the sentences
        table) is used instead of the document's.
    n_boot : int, default 1000
        Bootstrap resamples per group (:func:`toolkit.bootstrap.bootstrap_ci`).
    ci : float, default 0.95
    cluster : bool, default True
        Resample whole documents (cluster bootstrap by ``doc_id``), because sentences of one
        document are not independent. Ignored (rows are resampled) when grouping by document.
    random_state : int, default 0
        Same input and seed give the same table.

    Returns
    -------
    DataFrame
        One row per actor and group, sorted by them: ``actor``, the group columns (``doc_id`` for
        ``"doc"``; ``month`` as ``"2024-03"``, ``quarter`` as ``"2024Q1"``, ``year`` as the
        integer ``2024``), then ``n`` (actor-sentence rows), ``n_docs`` (documents), ``mean`` (mean
        ``score``), ``ci_low``, ``ci_high``, ``n_negative``, ``n_neutral``, ``n_positive`` (rows
        per label). Rows whose group is missing (no date, a date coarser than the period, no
        speaker) are left out with a warning.

    Examples
    --------
    >>> a = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "sent_id": [0, 1, 0],
    ...                   "actor": ["RUS"] * 3, "score": [-0.5, -0.1, 0.3],
    ...                   "label": ["negative", "neutral", "positive"]})
    >>> d = pd.DataFrame({"doc_id": ["d1", "d2"], "country": ["USA", "USA"]})
    >>> sentiment_by(a, d, "country", n_boot=200)[["actor", "country", "n", "mean",
    ...     "n_negative", "n_positive"]].round(2).to_dict("records")
    [{'actor': 'RUS', 'country': 'USA', 'n': 3, 'mean': -0.1, 'n_negative': 1, 'n_positive': 1}]
    """
    _require(actor_sent, ["doc_id", "sent_id", "actor", "score", "label"], "actor sentiment")
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot!r}")
    red, cols = _reductions(actor_sent, docs, by, cluster=cluster)
    return sentiment_by_from_reductions(red, cols, n_boot=int(n_boot), ci=ci,
                                        random_state=random_state, stacklevel=3)


#: Columns of :func:`sentiment_reductions` after ``actor`` and the group columns.
REDUCTION_COLUMNS = ["doc_id", "unit", "n", "s", "n_negative", "n_neutral", "n_positive"]


def sentiment_reductions(actor_sent: pd.DataFrame, docs: pd.DataFrame,
                         by: By | Sequence[str] = "year", *, cluster: bool = True
                         ) -> pd.DataFrame:
    """The per-document sufficient statistics :func:`sentiment_by` is computed from.

    One row per actor, group and document (per actor-sentence row when the bootstrap resamples
    rows: ``by="doc"`` or ``cluster=False``): ``actor``, the group columns, ``doc_id``, ``unit``
    (0, or the row's position when rows are the units), ``n`` (rows), ``s`` (sum of ``score``),
    ``n_negative``, ``n_neutral``, ``n_positive``. Rows whose group is missing are kept (with a
    missing group) so that :func:`sentiment_by_from_reductions` can count what it leaves out.
    The chunked engines compute this per partition and concatenate: because the bootstrap needs
    only these sums, every engine gets the same table from the same code.

    Examples
    --------
    >>> a = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "sent_id": [0, 1, 0],
    ...                   "actor": ["RUS"] * 3, "score": [-0.5, -0.1, 0.3],
    ...                   "label": ["negative", "neutral", "positive"]})
    >>> d = pd.DataFrame({"doc_id": ["d1", "d2"], "country": ["USA", "USA"]})
    >>> sentiment_reductions(a, d, "country")[["doc_id", "n", "s", "n_negative"]].to_dict("records")
    [{'doc_id': 'd1', 'n': 2, 's': -0.6, 'n_negative': 1}, {'doc_id': 'd2', 'n': 1, 's': 0.3, 'n_negative': 0}]
    """
    _require(actor_sent, ["doc_id", "sent_id", "actor", "score", "label"], "actor sentiment")
    return _reductions(actor_sent, docs, by, cluster=cluster)[0]


def _reductions(actor_sent: pd.DataFrame, docs: pd.DataFrame, by, *, cluster: bool
                ) -> tuple[pd.DataFrame, list[str]]:
    table, cols = _group_columns(actor_sent, docs, by)
    row_units = not cluster or "doc_id" in cols
    groups = [c for c in cols if c != "doc_id"]
    t = pd.DataFrame({"actor": table["actor"].to_numpy(), "doc_id": table["doc_id"].to_numpy()})
    for c in groups:
        t[c] = table[c].to_numpy()
    t["unit"] = np.arange(len(t), dtype="int64") if row_units else np.zeros(len(t), "int64")
    t["score"] = table["score"].to_numpy(dtype=float)
    for lab in ("negative", "neutral", "positive"):
        t[f"n_{lab}"] = (table["label"] == lab).to_numpy().astype("int64")
    keys = ["actor", *groups, "doc_id", "unit"]
    g = t.groupby(keys, sort=False, dropna=False)
    out = g.agg(n=("score", "size"), s=("score", "sum"), n_negative=("n_negative", "sum"),
                n_neutral=("n_neutral", "sum"), n_positive=("n_positive", "sum")).reset_index()
    out["n"] = out["n"].astype("int64")
    return out[["actor", *groups, *REDUCTION_COLUMNS]], cols


def sentiment_by_from_reductions(red: pd.DataFrame, by_columns: Sequence[str] = ("year",), *,
                                 n_boot: int | None = None, ci: float = 0.95,
                                 random_state: int | None = None,
                                 stacklevel: int = 2) -> pd.DataFrame:
    """:func:`sentiment_by` from (concatenated) :func:`sentiment_reductions` tables.

    ``by_columns`` are the group columns (``["doc_id"]`` for ``by="doc"``). The cluster
    bootstrap of :func:`toolkit.bootstrap.cluster_ratio_ci` needs only each document's score sum
    and row count; units are taken in ``doc_id`` order, so the random draws, and the intervals,
    do not depend on how the corpus was split into partitions.
    """
    n_boot = DEFAULT_N_BOOT if n_boot is None else int(n_boot)
    random_state = DEFAULT_RANDOM_STATE if random_state is None else random_state
    cols = list(by_columns)
    keys = ["actor", *cols]
    dropped = red[cols].isna().any(axis=1)
    if dropped.any():
        warnings.warn(
            f"{int(red.loc[dropped, 'n'].sum())} of {int(red['n'].sum())} actor sentiment rows "
            f"have no value for {cols} (missing, or a date coarser than the period) and are "
            f"left out", UserWarning, stacklevel=stacklevel)
        red = red.loc[~dropped]
    out_cols = [*keys, *SENTIMENT_BY_COLUMNS]
    if red.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in out_cols}).astype(
            {"n": "int64", "n_docs": "int64", "n_negative": "int64", "n_neutral": "int64",
             "n_positive": "int64"})
    red = red.sort_values("doc_id", kind="stable")
    rng = np.random.default_rng(random_state)
    alpha = (1 - ci) / 2
    rows = []
    for key, part in red.groupby(keys, sort=True, dropna=False):
        sums = part["s"].to_numpy(dtype=float)
        counts = part["n"].to_numpy(dtype=float)
        n = int(counts.sum())
        mean = float(sums.sum() / n)
        if n <= 1:
            lo = hi = mean
        else:
            lo, hi = cluster_ratio_ci(rng, sums, counts, n_boot, alpha)
        rows.append((*key, n, part["doc_id"].nunique(), mean, float(lo), float(hi),
                     int(part["n_negative"].sum()), int(part["n_neutral"].sum()),
                     int(part["n_positive"].sum())))
    out = pd.DataFrame(rows, columns=out_cols)
    for c in ("n", "n_docs", "n_negative", "n_neutral", "n_positive"):
        out[c] = out[c].astype("int64")
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def sentiment_evidence(
    actor_sent: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    actor: str | Sequence[str] | None = None,
    n: int = 5,
    direction: Literal["both", "negative", "positive"] = "both",
) -> pd.DataFrame:
    """The sentences that portray each actor most strongly, to read behind the averages.

    Parameters
    ----------
    actor_sent : DataFrame
        The actor sentiment table.
    sentences : DataFrame
        The sentences table (``doc_id``, ``sent_id``, ``text``).
    actor : str or list of str, optional
        Only these actors (each must occur in ``actor_sent``); default all.
    n : int, default 5
        Sentences per actor.
    direction : {"both", "negative", "positive"}, default "both"
        ``"both"``: largest ``|score|``; ``"negative"``: lowest scores; ``"positive"``: highest.

    Returns
    -------
    DataFrame
        ``actor``, ``rank`` (1 = strongest), ``doc_id``, ``sent_id``, ``text``, ``score``,
        ``label``; per actor at most ``n`` rows. Ties are broken by ``doc_id``, ``sent_id``.

    Examples
    --------
    >>> a = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [0, 1, 2], "actor": ["RUS"] * 3,
    ...                   "score": [-0.2, 0.9, -0.6], "label": ["neutral", "positive", "negative"]})
    >>> s = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [0, 1, 2], "text": ["a", "b", "c"]})
    >>> sentiment_evidence(a, s, n=2)[["rank", "sent_id", "score"]].to_dict("records")
    [{'rank': 1, 'sent_id': 1, 'score': 0.9}, {'rank': 2, 'sent_id': 2, 'score': -0.6}]
    """
    _require(actor_sent, ["doc_id", "sent_id", "actor", "score", "label"], "actor sentiment")
    _require(sentences, ["doc_id", "sent_id", "text"], "sentences")
    check_choice("direction", direction, ("both", "negative", "positive"))
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    table = actor_sent
    if actor is not None:
        wanted = [actor] if isinstance(actor, str) else list(actor)
        present = sorted(pd.unique(actor_sent["actor"]).tolist(), key=str)
        for a in wanted:
            check_choice("actor", a, present)
        table = table.loc[table["actor"].isin(wanted)]
    cols = ["actor", "rank", "doc_id", "sent_id", "text", "score", "label"]
    table = table[["doc_id", "sent_id", "actor", "score", "label"]].copy()
    key = {"both": -table["score"].abs(), "negative": table["score"],
           "positive": -table["score"]}[direction]
    table["_key"] = key.to_numpy(dtype=float)
    table = table.sort_values(["actor", "_key", "doc_id", "sent_id"], kind="stable")
    table = table.groupby("actor", sort=False).head(int(n)).copy()
    table["rank"] = table.groupby("actor", sort=False).cumcount().astype("int64") + 1
    text = sentences[["doc_id", "sent_id", "text"]].drop_duplicates(["doc_id", "sent_id"])
    out = table.merge(text, on=["doc_id", "sent_id"], how="left", validate="m:1")
    if out["text"].isna().any():
        bad = out.loc[out["text"].isna()].iloc[0]
        raise ValueError(
            f"sentence doc_id={bad['doc_id']!r}, sent_id={int(bad['sent_id'])} of the actor "
            "sentiment table is not in the sentences table"
        )
    return out[cols].reset_index(drop=True)

