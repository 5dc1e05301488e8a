"""Tables for reading: numbers formatted as text, missing values shown as missing.

A pandas ``Styler`` renders as HTML in JupyterLab but as ``<pandas.io.formats.style.Styler at
0x...>`` wherever a notebook is read as text (a diff, a terminal, a converted report), so the
notebooks show :func:`formatted` tables instead: a DataFrame of strings that reads the same in
every view. Use it for display only; compute on the numeric table.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

__all__ = ["MISSING", "formatted"]

#: How a missing value is shown (an en dash, not ``nan`` or ``nan%``).
MISSING = "–"


def _one(fmt: str | Callable, value, na_rep: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return na_rep
    text = fmt(value) if callable(fmt) else fmt.format(value)
    # a rounded negative zero ("-0.0%") reads as a sign the data do not have
    return text.replace("-", "", 1) if text.lstrip("-").strip("0.,%+ ") == "" else text


def formatted(table: pd.DataFrame, formats: str | Mapping[str, str | Callable], *,
              na_rep: str = MISSING) -> pd.DataFrame:
    """``table`` with the ``formats`` columns as formatted strings (index and other columns kept).

    Parameters
    ----------
    table : DataFrame
    formats : str or mapping
        A format string for every numeric column (``"{:.1%}"``), or ``{column: format string or
        callable}``.
    na_rep : str, default "–"
        Shown for missing values (:data:`MISSING`).

    Examples
    --------
    >>> t = pd.DataFrame({"share": [0.1234, None, -0.0001], "n": [3, 4, 5]})
    >>> formatted(t, {"share": "{:.1%}"})["share"].tolist()
    ['12.3%', '–', '0.0%']
    """
    if isinstance(formats, str):
        formats = {c: formats for c in table.columns if pd.api.types.is_numeric_dtype(table[c])}
    unknown = [c for c in formats if c not in table.columns]
    if unknown:
        raise KeyError(f"formatted(): no column {unknown} in the table; its columns are "
                       f"{list(table.columns)}")
    out = table.copy()
    for col, fmt in formats.items():
        out[col] = [_one(fmt, v, na_rep) for v in table[col]]
    return out
