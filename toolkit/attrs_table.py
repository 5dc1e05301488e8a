"""Tables stored in a DataFrame's ``attrs`` (skipped-file reports, per-term statistics).

pandas does two things with ``attrs`` that a DataFrame value breaks: it compares the ``attrs`` of
its inputs in ``concat``, ``nsmallest`` and other operations (``a.attrs == b.attrs`` raises "The
truth value of a DataFrame is ambiguous"), and ``to_parquet`` writes them as JSON (a DataFrame is
not JSON serialisable). So ``pd.concat([docs_a, docs_b])`` or ``docs.to_parquet(...)`` would fail.

:class:`AttrsTable` is a list of row dicts -- comparable, deep-copyable and JSON-serialisable --
that reads like the table it holds: a column name (``t["reason"]``), any DataFrame attribute
(``t.empty``, ``t.iloc[0]``, ``t.to_csv(...)``) or :meth:`AttrsTable.to_frame` gives the
DataFrame, with its columns and dtypes. An integer or slice indexes the rows as a list does.
"""
from __future__ import annotations

import pandas as pd


class AttrsTable(list):
    """Rows of a small table, as dicts, that behave like the DataFrame they came from.

    Parameters
    ----------
    frame : DataFrame
        The table. Its values must be plain scalars (str, int, float, bool, None).

    Examples
    --------
    >>> t = AttrsTable(pd.DataFrame({"path": ["x.md", "y.md"], "reason": ["empty", "binary"]}))
    >>> len(t), t["reason"].tolist(), t.empty, t[0]
    (2, ['empty', 'binary'], False, {'path': 'x.md', 'reason': 'empty'})
    >>> import json; json.dumps(t)
    '[{"path": "x.md", "reason": "empty"}, {"path": "y.md", "reason": "binary"}]'
    """

    def __init__(self, frame: pd.DataFrame | None = None) -> None:
        frame = pd.DataFrame() if frame is None else frame
        super().__init__(pd.DataFrame(frame).astype(object)
                         .where(frame.notna(), None).to_dict("records"))
        self.columns_ = [str(c) for c in frame.columns]
        self.dtypes_ = {str(c): str(t) for c, t in frame.dtypes.items()}

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame (a new one each call), with its original columns and dtypes."""
        df = pd.DataFrame(list(self), columns=self.columns_)
        for c, t in self.dtypes_.items():
            try:
                df[c] = df[c].astype(t)
            except (TypeError, ValueError):  # e.g. object columns holding None: keep as is
                pass
        return df

    def __getitem__(self, key):
        if isinstance(key, (int, slice)):
            return super().__getitem__(key)
        return self.to_frame()[key]

    def __getattr__(self, name: str):
        # Called only for names a list lacks: delegate to the DataFrame (empty, iloc, to_csv...).
        if name.startswith("__") or name in ("columns_", "dtypes_"):
            raise AttributeError(name)
        return getattr(self.to_frame(), name)

    def __repr__(self) -> str:
        return repr(self.to_frame())

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()
