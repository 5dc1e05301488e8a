"""The one place where documents are put into periods (month, quarter, year).

Every table by period (:func:`toolkit.sentiment_by`, :func:`toolkit.threat_attributions`,
:func:`toolkit.term_frequency`, :func:`toolkit.topics_over_time`) asks :func:`period_of`, so all of
them treat dates the same way:

- the period comes from the document's ``date``; a document without a date has no period;
- a date is only as precise as its ``date_precision`` (``day``, ``month`` or ``year``, as
  :func:`toolkit.read_corpus` sets it): a document dated only to the year (a UN General Debate
  speech) has a ``year`` but **no month and no quarter**. It is left out of monthly and quarterly
  tables (never put in January); the table functions warn or count how many were left out;
- without a ``date`` column, ``year`` falls back to a ``year`` column.
"""
from __future__ import annotations

from typing import Literal

import pandas as pd

from toolkit.errors import check_choice

__all__ = ["FREQS", "Freq", "period_of", "too_coarse"]

#: Period lengths.
FREQS: tuple[str, ...] = ("month", "quarter", "year")
Freq = Literal["month", "quarter", "year"]

_CODES = {"month": "M", "quarter": "Q", "year": "Y"}
# How precise a date must be for each period (lower is more precise).
_RANK = {"day": 0, "month": 1, "year": 2}
_NEEDED = {"month": 1, "quarter": 1, "year": 2}


def too_coarse(docs: pd.DataFrame, freq: Freq) -> pd.Series:
    """True for documents with a date less precise than ``freq`` (per ``date_precision``)."""
    check_choice("freq", freq, FREQS)
    if "date_precision" not in docs.columns or "date" not in docs.columns:
        return pd.Series(False, index=docs.index)
    dated = pd.to_datetime(docs["date"], errors="coerce").notna()
    rank = docs["date_precision"].map(_RANK).fillna(0)
    return dated & (rank > _NEEDED[freq])


def period_of(docs: pd.DataFrame, freq: Freq, *,
              kind: Literal["label", "start"] = "label") -> pd.Series:
    """The period of every document, aligned with ``docs``' index.

    Parameters
    ----------
    docs : DataFrame
        Documents with ``date`` (and ``date_precision`` when known), or ``year`` for years.
    freq : {"month", "quarter", "year"}
    kind : {"label", "start"}, default "label"
        ``"label"``: ``"2024-03"`` (month), ``"2024Q1"`` (quarter), the integer ``2024`` (year,
        nullable ``Int64``); ``"start"``: the period's first day as a Timestamp.

    Returns
    -------
    Series
        Missing (``None``/``NA``/``NaT``) where the document has no date or one coarser than
        ``freq``.

    Examples
    --------
    >>> docs = pd.DataFrame({"date": pd.to_datetime(["2024-03-05", "2019-01-01"]),
    ...                      "date_precision": ["day", "year"]})
    >>> period_of(docs, "month").tolist(), period_of(docs, "year").tolist()
    (['2024-03', None], [2024, 2019])
    """
    check_choice("freq", freq, FREQS)
    check_choice("kind", kind, ("label", "start"))
    if "date" not in docs.columns:
        if freq == "year" and "year" in docs.columns and kind == "label":
            return pd.to_numeric(docs["year"], errors="coerce").astype("Int64")
        raise ValueError(f"periods by {freq!r} need a 'date' column in the documents; they have "
                         f"{[c for c in docs.columns if c != 'text']}")
    date = pd.to_datetime(docs["date"], errors="coerce")
    ok = date.notna() & ~too_coarse(docs, freq)
    per = date.dt.to_period(_CODES[freq])
    if kind == "start":
        return per.dt.start_time.where(ok)
    if freq == "year":
        return date.dt.year.astype("Int64").where(ok)
    labels = per.astype(str)
    return pd.Series([v if k else None for v, k in zip(labels, ok)], index=docs.index,
                     dtype=object)
