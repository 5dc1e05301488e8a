"""How a documents table shows in Jupyter (toolkit.corpus.display): its summary, its HTML, and
the IPython printer that shows it without changing the table (type, equality, text repr).

The printer is registered here on a fresh IPython ``DisplayFormatter`` (no shell is started);
tests/test_jupyterlab.py checks it in a real kernel behind a JupyterLab server.
"""
from __future__ import annotations

import sys
from types import SimpleNamespace

import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

import toolkit
from toolkit.attrs_table import AttrsTable
from toolkit.corpus import summary
from toolkit.corpus.display import documents_html, is_documents_table, register_ipython_display

LONG = "Russia remains\n\n  the most significant and direct threat " + "to the Alliance " * 20


def _docs() -> pd.DataFrame:
    docs = pd.DataFrame({
        "doc_id": ["un/1", "un/2", "wh/1", "wh/2"],
        "collection": ["un", "un", "whitehouse", "whitehouse"],
        "date": pd.to_datetime(["2024-09-30", "2023-09-19", "2021-03-04", None]),
        "text": [LONG, "Short text.", "Another text.", "Undated text."],
    })
    docs.attrs["skipped"] = AttrsTable(pd.DataFrame({
        "path": ["un/x.pdf", "wh/y.md"], "line": pd.array([None, None], dtype="Int64"),
        "reason": ["no text layer", "empty file: no text"]}))
    return docs


def _shell() -> SimpleNamespace:
    return SimpleNamespace(display_formatter=DisplayFormatter())


def test_summary_counts_documents_per_collection_dates_and_skipped_files():
    assert str(summary(_docs())) == (
        '4 documents in 2 collections, dated 2021-03-04 to 2024-09-30 (1 undated); '
        '2 files skipped when read (docs.attrs["skipped"])\n'
        "collection  documents  first date  last date\n"
        "un                  2  2023-09-19  2024-09-30\n"
        "whitehouse          2  2021-03-04  2021-03-04")
    one = _docs().iloc[[1]]  # a selection keeps attrs["skipped"]: the counts of the read
    assert summary(one).headline() == (
        '1 document in 1 collection, dated 2023-09-19 to 2023-09-19; '
        '2 files skipped when read (docs.attrs["skipped"])')
    undated = _docs().iloc[[3]]
    undated.attrs = {}
    assert summary(undated).headline() == (
        '1 document in 1 collection, none dated; 0 files skipped when read '
        '(docs.attrs["skipped"])')
    with pytest.raises(ValueError, match="documents table"):
        summary(pd.DataFrame({"doc_id": ["a"]}))


def test_documents_html_is_the_summary_above_the_table_with_text_on_one_short_line():
    docs = _docs()
    before = docs.copy()
    html = documents_html(docs)
    assert html.startswith("<div class='toolkit-documents'><div class='toolkit-documents-summary'>"
                           "<p style='margin:0 0 4px 0'>4 documents in 2 collections, dated "
                           "2021-03-04 to 2024-09-30 (1 undated); 2 files skipped when read "
                           "(docs.attrs[&quot;skipped&quot;])</p>")
    assert ("<tr><td style='padding:1px 8px;text-align:left;'>un</td>"
            "<td style='padding:1px 8px;text-align:right;'>2</td>"
            "<td style='padding:1px 8px;text-align:left;'>2023-09-19</td>"
            "<td style='padding:1px 8px;text-align:left;'>2024-09-30</td></tr>") in html
    # the table is pandas' own, its text cut below display.max_colwidth (50), on one line
    assert "class=\"dataframe\"" in html and "<td>un/1</td>" in html
    assert "<td>Russia remains the most significant and direct t…</td>" in html
    assert "<td>Short text.</td>" in html and "to the Alliance to the Alliance" not in html
    assert "<td>Short t…</td>" in documents_html(docs, width=8)
    with pd.option_context("display.max_colwidth", None):
        assert ("<td>Russia remains the most significant and direct threat to the Alliance to "
                "the Al…</td>") in documents_html(docs)  # TEXT_WIDTH, 80 characters
    pd.testing.assert_frame_equal(docs, before)  # the table itself is untouched
    assert docs.attrs == before.attrs


def test_documents_tables_are_recognised_and_nothing_else(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "one.md").write_text("---\ntitle: One\ndate: 2021-03-04\n---\n"
                                           "Russia is a threat. China is a challenge.\n")
    (tmp_path / "b" / "two.txt").write_text("Plain text without a date.\n")
    (tmp_path / "b" / "empty.md").write_text("")
    docs = toolkit.read_corpus(tmp_path, progress=False)
    assert type(docs) is pd.DataFrame  # noqa: E721 - the exact type: read_corpus is unchanged
    assert str(summary(docs)) == (
        '2 documents in 2 collections, dated 2021-03-04 to 2021-03-04 (1 undated); '
        '1 file skipped when read (docs.attrs["skipped"])\n'
        "collection  documents  first date  last date\n"
        "a                   1  2021-03-04  2021-03-04\n"
        "b                   1")
    assert is_documents_table(docs) and is_documents_table(docs[docs["collection"] == "a"])
    docs.to_parquet(tmp_path / "docs.parquet")
    back = pd.read_parquet(tmp_path / "docs.parquet")
    assert is_documents_table(back) and summary(back).n_skipped == 1
    assert not is_documents_table(docs[["doc_id", "text"]])
    assert not is_documents_table(toolkit.sentences(docs, progress=False))
    assert not is_documents_table(toolkit.kwic(docs, "threat"))
    plain = pd.DataFrame(docs)
    plain.attrs = {}
    assert not is_documents_table(plain)  # not read by read_corpus (no skipped report)
    assert not is_documents_table(docs["text"])


def test_the_ipython_printer_shows_documents_with_their_summary_and_other_frames_as_before():
    shell = _shell()
    assert register_ipython_display(shell) is True
    printer = shell.display_formatter.formatters["text/html"].type_printers[pd.DataFrame]
    assert register_ipython_display(shell) is True  # a second import registers nothing new
    assert shell.display_formatter.formatters["text/html"].type_printers[pd.DataFrame] is printer

    docs = _docs()
    data, _ = shell.display_formatter.format(docs)
    assert data["text/html"] == documents_html(docs)
    assert data["text/plain"] == repr(docs)  # the text view is pandas' own
    frame = pd.DataFrame({"a": [1, 2]})
    assert shell.display_formatter.format(frame)[0]["text/html"] == frame._repr_html_()
    toks = toolkit.tokens(toolkit.read_corpus("corpus/seed", progress=False), progress=False)
    lines = toolkit.kwic(toks, "threat*")
    html = shell.display_formatter.format(lines)[0]["text/html"]
    assert html == lines._repr_html_() and html.startswith("<div><table")  # the concordance view
    with pd.option_context("display.notebook_repr_html", False):
        assert "text/html" not in shell.display_formatter.format(docs)[0]


def test_the_printer_hands_other_frames_to_the_printer_registered_before_it():
    shell = _shell()
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, lambda df: f"<p>{len(df)} rows, the user's printer</p>")
    register_ipython_display(shell)
    assert html(pd.DataFrame({"a": [1, 2]})) == "<p>2 rows, the user's printer</p>"
    assert html(_docs()).startswith("<div class='toolkit-documents'>")


def test_a_frame_that_only_looks_like_documents_falls_back_to_the_plain_view():
    shell = _shell()
    register_ipython_display(shell)
    odd = pd.DataFrame({"doc_id": ["a"], "collection": ["c"], "date": ["not a date"],
                        "text": ["x"]})
    odd.attrs["skipped"] = []
    assert is_documents_table(odd)
    assert shell.display_formatter.format(odd)[0]["text/html"] == odd._repr_html_()


def test_nothing_is_registered_without_an_ipython_shell(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert register_ipython_display() is False
    monkeypatch.delitem(sys.modules, "IPython")  # a script that never imported IPython
    assert register_ipython_display() is False
    assert "IPython" not in sys.modules  # ... does not import it
