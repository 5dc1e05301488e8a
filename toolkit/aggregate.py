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

import pandas as pd

from toolkit.bootstrap import DEFAULT_N_BOOT, DEFAULT_RANDOM_STATE, bootstrap_ci
from toolkit.errors import check_choice

__all__ = ["BY_CHOICES", "SENTIMENT_BY_COLUMNS", "sentiment_by", "sentiment_evidence"]

#: Named groupings of :func:`sentiment_by` (a list of document columns is accepted too).
BY_CHOICES: tuple[str, ...] = (
    "doc", "month", "quarter", "year", "speaker", "country", "collection",
)
By = Literal["doc", "month", "quarter", "year", "speaker", "country", "collection"]

#: Statistic columns of :func:`sentiment_by`, after ``actor`` and the group columns.
SENTIMENT_BY_COLUMNS = [
    "n", "n_docs", "mean", "ci_low", "ci_high", "n_negative", "n_neutral", "n_positive",
]

_PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
# A document dated only to a year cannot be placed in a month or quarter.
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
_NEEDED_RANK = {"month": 1, "quarter": 1, "year": 2}


def _require(df: object, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what} must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"the {what} table lacks column(s) {missing}; it has {list(df.columns)}")


def _period(docs: pd.DataFrame, unit: str) -> pd.Series:
    """Period of each document's ``date``: ``"2024-03"`` (month), ``"2024Q1"`` (quarter) or
    ``2024`` (year, an integer); missing if the date is missing or coarser than ``unit`` (per
    ``date_precision``: a date known only to the year has no month or quarter)."""
    if "date" not in docs.columns:
        raise ValueError(f"by={unit!r} needs a 'date' column in docs; it has {list(docs.columns)}")
    date = pd.to_datetime(docs["date"], errors="coerce")
    ok = date.notna()
    if "date_precision" in docs.columns:
        rank = docs["date_precision"].map(_PRECISION_RANK).fillna(0)
        ok &= rank <= _NEEDED_RANK[unit]
    if unit == "year":
        return date.dt.year.astype("Int64").where(ok)
    label = date.dt.to_period(_PERIODS[unit]).astype(str)
    return label.where(ok, None).astype(object)


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
    table, cols = _group_columns(actor_sent, docs, by)
    keys = ["actor", *cols]
    dropped = table[cols].isna().any(axis=1)
    if dropped.any():
        warnings.warn(
            f"{int(dropped.sum())} of {len(table)} actor sentiment rows have no value for "
            f"{cols} (missing, or a date coarser than the period) and are left out",
            UserWarning,
            stacklevel=2,
        )
        table = table.loc[~dropped]
    out_cols = [*keys, *SENTIMENT_BY_COLUMNS]
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in out_cols}).astype(
            {"n": "int64", "n_docs": "int64", "n_negative": "int64", "n_neutral": "int64",
             "n_positive": "int64"}
        )
    by_doc = "doc_id" in cols
    stats = bootstrap_ci(
        table,
        "score",
        keys,
        n_boot=int(n_boot),
        ci=ci,
        random_state=random_state,
        cluster="doc_id" if cluster and not by_doc else None,
    )
    counts = (
        table.groupby(keys, sort=True, dropna=False)
        .agg(
            n_docs=("doc_id", "nunique"),
            n_negative=("label", lambda s: int((s == "negative").sum())),
            n_neutral=("label", lambda s: int((s == "neutral").sum())),
            n_positive=("label", lambda s: int((s == "positive").sum())),
        )
        .reset_index()
    )
    out = stats.merge(counts, on=keys, how="left", validate="1:1")
    for c in ("n", "n_docs", "n_negative", "n_neutral", "n_positive"):
        out[c] = out[c].astype("int64")
    return out[out_cols].sort_values(keys, kind="stable").reset_index(drop=True)


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

