"""docs/ARCHITECTURE.md's table of tables matches the column constants the code builds them with."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.actors import MENTION_COLUMNS
from toolkit.codebook.scores import SCORE_COLUMNS
from toolkit.corpus.reader import DOC_COLUMNS
from toolkit.framing.spending import SPENDING_COLUMNS
from toolkit.framing.threat import FRAME_COLUMNS, ROLE_COLUMNS
from toolkit.sentiment import ACTOR_SENTIMENT_COLUMNS
from toolkit.text.segment import SENTENCE_COLUMNS, TOKEN_COLUMNS, TOKEN_COUNT_COLUMNS

DOC = Path(__file__).resolve().parents[1] / "docs" / "ARCHITECTURE.md"

CONSTANTS = {
    "documents": DOC_COLUMNS,
    "sentences": SENTENCE_COLUMNS,
    "tokens": TOKEN_COLUMNS,
    "token counts": TOKEN_COUNT_COLUMNS,
    "mentions": MENTION_COLUMNS,
    "codebook scores": SCORE_COLUMNS,
    "threat frames": FRAME_COLUMNS,
    "threat roles": ROLE_COLUMNS,
    "actor sentiment": ACTOR_SENTIMENT_COLUMNS,
    "spending demands": SPENDING_COLUMNS,
}


def _rows() -> dict[str, tuple[list[str], list[str]]]:
    """``{table: (key columns, listed columns)}`` of the Markdown table under "## Tables"."""
    text = DOC.read_text(encoding="utf-8").split("## Tables", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 4 or cells[0] in ("table", "---") or set(cells[0]) <= {"-"}:
            continue
        name, _, key, cols = cells
        # what a parenthesis says about a column (its values, its dtype) is not a column
        while re.search(r"\([^()]*\)", cols):
            cols = re.sub(r"\([^()]*\)", "", cols)
        out[name] = (re.findall(r"`([^`]+)`", key), re.findall(r"`([^`]+)`", cols))
    return out


ROWS = _rows()


def test_every_table_with_a_constant_is_documented():
    assert set(CONSTANTS) <= set(ROWS), sorted(set(CONSTANTS) - set(ROWS))


@pytest.mark.parametrize("table", sorted(CONSTANTS))
def test_documented_columns_are_the_constant(table):
    keys, listed = ROWS[table]
    constant = list(CONSTANTS[table])
    # a row lists either every column, or only those after its key columns
    assert listed in (constant, [c for c in constant if c not in keys]), (
        f"{table}: ARCHITECTURE.md lists {listed}; the code's constant is {constant}")
