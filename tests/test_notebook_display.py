"""What a notebook shows: progress bars as widgets (no TqdmWarning) and a concordance as HTML.

The cells run in a real Jupyter kernel (nbclient, the executor JupyterLab's kernels speak to).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def _run(*sources: str) -> list[list[dict]]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return [c.outputs for c in nb.cells]


def _texts(outputs: list[dict]) -> str:
    parts = []
    for o in outputs:
        parts.append(o.get("text", ""))
        parts.extend(str(v) for v in o.get("data", {}).values())
    return "\n".join(parts)


def test_progress_bars_are_widgets_and_a_concordance_is_an_html_table():
    bars, lines = _run(
        "from toolkit import read_corpus, sentences\n"
        "docs = read_corpus('../corpus/seed')\n"
        "sents = sentences(docs)",
        "from toolkit import kwic\n"
        "kwic(docs, 'threat*')",
    )
    text = _texts(bars)
    assert "TqdmWarning" not in text and "IProgress not found" not in text
    # the bars are ipywidgets views, not text drawn on stderr
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in bars)
    html = next(o["data"]["text/html"] for o in lines if "text/html" in o.get("data", {}))
    # the keyword is its own centred, highlighted cell between right- and left-aligned context
    assert "<table" in html and "2 concordance lines" in html
    assert re.search(r"text-align:right'>[^<]*growing security</td><td style='[^']*"
                     r"text-align:center;font-weight:bold[^']*'>threats</td>", html)
