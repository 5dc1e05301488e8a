"""Dates of documents: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or any date pandas reads, with
their precision."""
from __future__ import annotations

import re

import pandas as pd

__all__ = ["parse_date"]


def parse_date(value) -> tuple[pd.Timestamp, str] | None:
    """Parse a date and tell its precision (``day``, ``month`` or ``year``).

    Examples
    --------
    >>> parse_date("2024")
    (Timestamp('2024-01-01 00:00:00'), 'year')
    >>> parse_date("2025-06-02")
    (Timestamp('2025-06-02 00:00:00'), 'day')
    """
    if isinstance(value, (int,)) and 1000 <= value <= 9999:
        return pd.Timestamp(year=value, month=1, day=1), "year"
    s = str(value).strip()
    if re.fullmatch(r"\d{4}", s):
        return pd.Timestamp(year=int(s), month=1, day=1), "year"
    if re.fullmatch(r"\d{4}-\d{1,2}", s):
        y, mth = map(int, s.split("-"))
        try:
            return pd.Timestamp(year=y, month=mth, day=1), "month"
        except ValueError:
            return None
    try:
        ts = pd.Timestamp(s)
    except (ValueError, TypeError):
        return None
    if pd.isna(ts):
        return None
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize(), "day"
