"""How a documents table shows in Jupyter: a compact summary above the table.

A documents table (:func:`toolkit.read_corpus`) stays a plain :class:`pandas.DataFrame`: its type,
equality, parquet round trip and ``text/plain`` repr are untouched. What changes is its HTML in an
IPython shell (a Jupyter kernel): importing :mod:`toolkit.corpus` there registers an HTML printer
for DataFrames (:func:`register_ipython_display`) that shows, for a documents table,

* a line with the number of documents and collections, the date range (and how many documents
  have no date) and how many files were skipped when the corpus was read
  (``docs.attrs["skipped"]``),
* the documents per collection with their first and last date,
* the table itself with ``text`` shortened to one line.

Every other DataFrame (a sentences table, a :class:`~toolkit.instruments.kwic.Concordance`, any
frame of the user's) is shown as before: the printer hands it to the printer registered before it,
or to the frame's own ``_repr_html_``. Outside IPython nothing is registered.

:func:`summary` gives the summary as an object (``print`` it for text, or let Jupyter show it).

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a", "b"], "collection": ["seed", "seed"],
...                      "date": pd.to_datetime(["2025-06-02", None]), "text": ["x", "y"]})
>>> docs.attrs["skipped"] = [{"path": "seed/empty.md", "line": None, "reason": "empty file"}]
>>> print(summary(docs))
2 documents in 1 collection, dated 2025-06-02 to 2025-06-02 (1 undated); 1 file skipped when read (docs.attrs["skipped"])
collection  documents  first date  last date
seed                2  2025-06-02  2025-06-02
"""
from __future__ import annotations

import html
import sys
from dataclasses import dataclass

import pandas as pd

__all__ = ["DOCUMENT_MARKERS", "DocumentsSummary", "documents_html", "is_documents_table",
           "register_ipython_display", "summary"]

#: Columns a DataFrame needs (with ``attrs["skipped"]``, which :func:`toolkit.read_corpus` sets) to
#: be shown as a documents table.
DOCUMENT_MARKERS = ("doc_id", "collection", "date", "text")
#: Columns of the tables derived from documents (sentences, tokens), which keep the plain view.
_DERIVED_MARKERS = ("sent_id", "token_id")
#: Characters of ``text`` shown per document (at most pandas' ``display.max_colwidth``).
TEXT_WIDTH = 80
#: Collections listed in the summary (a line says how many more there are).
MAX_COLLECTIONS = 20


def is_documents_table(obj: object) -> bool:
    """Whether ``obj`` is a documents table as :func:`toolkit.read_corpus` returns it (or a
    selection of its rows): a DataFrame, without an HTML view of its own class, with
    ``attrs["skipped"]`` and the ``doc_id``, ``collection``, ``date`` and ``text`` columns, and
    neither ``sent_id`` nor ``token_id``."""
    if not isinstance(obj, pd.DataFrame) or type(obj)._repr_html_ is not pd.DataFrame._repr_html_:
        return False
    columns = set(obj.columns)
    return ("skipped" in obj.attrs and set(DOCUMENT_MARKERS) <= columns
            and not columns & set(_DERIVED_MARKERS))


def _day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class DocumentsSummary:
    """The counts of a documents table (see :func:`summary`)."""

    n_documents: int
    first_date: str
    last_date: str
    n_undated: int
    n_skipped: int
    #: One row per collection (in name order): ``collection``, ``documents``, ``first date``,
    #: ``last date`` (ISO dates, ``""`` when the collection has none).
    collections: pd.DataFrame

    def headline(self) -> str:
        """The summary's first line."""
        parts = [f"{_plural(self.n_documents, 'document')} in "
                 f"{_plural(len(self.collections), 'collection')}"]
        if self.first_date:
            parts[0] += f", dated {self.first_date} to {self.last_date}"
            if self.n_undated:
                parts[0] += f" ({self.n_undated:,} undated)"
        elif self.n_documents:
            parts[0] += ", none dated"
        parts.append(f"{_plural(self.n_skipped, 'file')} skipped when read "
                     '(docs.attrs["skipped"])')
        return "; ".join(parts)

    def _shown(self) -> tuple[pd.DataFrame, int]:
        shown = self.collections.head(MAX_COLLECTIONS)
        return shown, len(self.collections) - len(shown)

    def to_text(self) -> str:
        """The headline and the collections as aligned plain text."""
        shown, more = self._shown()
        lines = [self.headline()]
        if len(shown):
            cells = [list(shown.columns)] + [
                [f"{v:,}" if c == "documents" else str(v) for c, v in r.items()]
                for _, r in shown.iterrows()]
            widths = [max(len(row[i]) for row in cells) for i in range(len(shown.columns))]
            for row in cells:
                lines.append("  ".join(v.rjust(w) if c == "documents" else v.ljust(w)
                                       for c, v, w in zip(shown.columns, row, widths)))
        if more:
            lines.append(f"... {_plural(more, 'more collection')}")
        return "\n".join(line.rstrip() for line in lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        shown, more = self._shown()
        esc = html.escape
        cell = "padding:1px 8px;text-align:{};"
        head = "".join(f"<th style='{cell.format('right' if c == 'documents' else 'left')}'>"
                       f"{esc(c)}</th>" for c in shown.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td style='{cell.format('right' if c == 'documents' else 'left')}'>"
                             f"{esc(f'{v:,}' if c == 'documents' else str(v))}</td>"
                             for c, v in r.items()) + "</tr>"
            for _, r in shown.iterrows())
        if more:
            rows += (f"<tr><td colspan='{len(shown.columns)}' style='{cell.format('left')}'>"
                     f"… {esc(_plural(more, 'more collection'))}</td></tr>")
        return (f"<div class='toolkit-documents-summary'><p style='margin:0 0 4px 0'>"
                f"{esc(self.headline())}</p>"
                f"<table style='border-collapse:collapse;margin:0 0 8px 0'>"
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def summary(docs: pd.DataFrame) -> DocumentsSummary:
    """The compact summary of a documents table: documents per collection, date range, files
    skipped when it was read (``docs.attrs["skipped"]``).

    ``print(summary(docs))`` gives it as text; in Jupyter it shows as HTML (a documents table shows
    it above its rows anyway, see the module docstring).
    """
    missing = [c for c in ("collection", "date") if c not in docs.columns]
    if missing:
        raise ValueError(f"summary() needs a documents table (toolkit.read_corpus); missing "
                         f"columns {missing}")
    dates = pd.to_datetime(docs["date"])
    by = pd.DataFrame({"collection": docs["collection"].astype(object).fillna("(none)").to_numpy(),
                       "date": dates.to_numpy()})
    groups = by.groupby("collection", sort=True)["date"]
    collections = pd.DataFrame({
        "collection": [str(c) for c in groups.size().index],
        "documents": groups.size().to_numpy(dtype="int64"),
        "first date": [_day(v) for v in groups.min()],
        "last date": [_day(v) for v in groups.max()],
    })
    skipped = docs.attrs.get("skipped")
    return DocumentsSummary(
        n_documents=len(docs),
        first_date=_day(dates.min()) if dates.notna().any() else "",
        last_date=_day(dates.max()) if dates.notna().any() else "",
        n_undated=int(dates.isna().sum()),
        n_skipped=0 if skipped is None else len(skipped),
        collections=collections,
    )


def _one_line(text: object, width: int) -> object:
    if not isinstance(text, str):
        return text
    s = " ".join(text[:width * 4].split())  # never scan a whole long text
    return s if len(s) <= width and len(text) <= width * 4 else s[:width - 1] + "…"


def documents_html(docs: pd.DataFrame, *, width: int | None = None) -> str:
    """The HTML a documents table shows in Jupyter: :func:`summary` above the table (pandas' own
    HTML, same display options), whose ``text`` is cut to ``width`` characters on one line
    (default: :data:`TEXT_WIDTH`, kept below pandas' ``display.max_colwidth`` so that pandas does
    not cut it again)."""
    if width is None:
        limit = pd.get_option("display.max_colwidth")  # pandas cuts a value of this length
        width = TEXT_WIDTH if not limit else min(TEXT_WIDTH, limit - 1)
    shortened = docs.assign(text=docs["text"].map(lambda t: _one_line(t, width)))
    table = pd.DataFrame._repr_html_(shortened) or ""
    return f"<div class='toolkit-documents'>{summary(docs)._repr_html_()}{table}</div>"


def _html_printer(previous):
    def documents_printer(obj):
        if is_documents_table(obj) and pd.get_option("display.notebook_repr_html"):
            try:
                return documents_html(obj)
            except Exception:  # noqa: BLE001 - a frame that only looks like documents: show it
                pass           # as any other DataFrame rather than break its display
        if previous is not None:
            return previous(obj)
        method = getattr(obj, "_repr_html_", None)
        return method() if callable(method) else None

    documents_printer._toolkit_documents = True
    return documents_printer


def register_ipython_display(shell=None) -> bool:
    """Show documents tables with their summary in an IPython shell (a Jupyter kernel).

    Registers an HTML printer for :class:`pandas.DataFrame` with the shell's display formatter
    (``shell.display_formatter.formatters["text/html"].for_type``); other DataFrames go to the
    printer registered before it or to their own ``_repr_html_``. Registering twice changes
    nothing. Without ``shell``, the running IPython shell is used; when there is none (a script,
    the command line, the tests), nothing is registered and IPython is not imported.

    Returns
    -------
    bool
        Whether the printer is registered.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")
        get = getattr(ipython, "get_ipython", None)
        shell = get() if get is not None else None
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", None)
    if not formatters or "text/html" not in formatters:
        return False
    formatter = formatters["text/html"]
    previous = formatter.for_type(pd.DataFrame)
    if getattr(previous, "_toolkit_documents", False):
        return True
    formatter.for_type(pd.DataFrame, _html_printer(previous))
    return True
