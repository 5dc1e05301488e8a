"""Spending demands: sentences that state a defence-spending target or call for burden sharing.

The seed article ties its threat picture to a demand: allies must spend far more than 2% of GDP on
defence. :func:`spending_demands` finds such sentences with a small, stated dictionary, so that
whether threat frames and spending demands occur together can be measured
(:func:`toolkit.framing.cooccurrence.length_matched_cooccurrence`).

A sentence is a spending demand of kind

- ``"target"`` if it has a percentage (``2%``, ``3.5 per cent``, ``five percent``) together with a
  defence word (:data:`DEFENCE_PATTERN`: defence, military, NATO, allies, alliance) and a spending
  word (:data:`SPENDING_PATTERN`: spend, invest, budget, expenditure, GDP, pay, contribute); the
  percentage's value is ``target_pct``;
- ``"burden_sharing"`` if it says "burden sharing" / "share the burden" / "fair share" together
  with a defence word (alone, "fair share" is mostly about taxes in White House texts, and
  "burden sharing" about refugees in UN speeches: not the defence-spending argument).

This is a dictionary measure: it has not been validated against coders. It finds the stated
targets of NATO's spending debate (2%, 2.5%, 3.5%, 5%) and misses demands without a figure or a
burden-sharing phrase ("spend more on our defence"); a percentage about something else in a
sentence that also speaks of the military is a false positive. Read a sample of its matches
before relying on it (:func:`toolkit.kwic` on the sentences it returns).

Examples
--------
>>> s = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "start": [0, 60],
...                   "text": ["Allies must spend 3.5% of GDP on core defence.",
...                            "Inflation fell to 2 percent."]})
>>> spending_demands(s)[["doc_id", "sent_id", "kind", "match", "target_pct", "start"]].to_dict("records")
[{'doc_id': 'a', 'sent_id': 0, 'kind': 'target', 'match': '3.5%', 'target_pct': 3.5, 'start': 18}]
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from toolkit.errors import require_columns

__all__ = ["DEFENCE_PATTERN", "SPENDING_COLUMNS", "SPENDING_PATTERN", "spending_demands"]

#: Columns of :func:`spending_demands`, in order.
SPENDING_COLUMNS: tuple[str, ...] = ("doc_id", "sent_id", "kind", "match", "target_pct", "start",
                                     "end")

#: Words that put a sentence in the defence domain.
DEFENCE_PATTERN = r"\b(?:defen[cs]es?|military|militaries|NATO|allies|alliance|armed forces)\b"
#: Words of spending.
SPENDING_PATTERN = (r"\b(?:spend\w*|spent|invest\w*|budget\w*|expenditures?|GDP|gross domestic "
                    r"product|pay\w*|paid|contribut\w*)\b")

_WORD_NUMBERS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0}
# A percentage: digits or a small number word, optionally "and a half", then % / per cent / percent.
_PCT = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?|one|two|three|four|five|six)"
                  r"(?P<half>[- ]and[- ]a[- ]half)?\s*(?:%|per[- ]?cent\b)", re.IGNORECASE)
_BURDEN = re.compile(r"\bburden[- ]?shar\w*|\bshar\w* (?:of )?the burden\b", re.IGNORECASE)
_FAIR_SHARE = re.compile(r"\bfair share\b", re.IGNORECASE)
_DEFENCE = re.compile(DEFENCE_PATTERN, re.IGNORECASE)
_SPEND = re.compile(SPENDING_PATTERN, re.IGNORECASE)


def _value(m: re.Match) -> float:
    num = m.group("num").lower()
    v = _WORD_NUMBERS[num] if num in _WORD_NUMBERS else float(num)
    return v + 0.5 if m.group("half") else v


def spending_demands(sentences: pd.DataFrame) -> pd.DataFrame:
    """Every spending target and burden-sharing phrase in the sentences (see the module docstring).

    Parameters
    ----------
    sentences : DataFrame
        The sentences table (:func:`toolkit.sentences`): ``doc_id``, ``sent_id``, ``text`` and
        ``start`` (the sentence's offset in its document's text).

    Returns
    -------
    DataFrame
        One row per match, :data:`SPENDING_COLUMNS`: ``kind`` (``"target"`` or
        ``"burden_sharing"``), ``match`` (the matched text), ``target_pct`` (the percentage, NaN
        for burden sharing), ``start``/``end`` (character offsets of the match in the document's
        text). Sorted by ``doc_id``, ``sent_id``, ``start``.
    """
    require_columns(sentences, ["doc_id", "sent_id", "text", "start"],
                    name="spending_demands() sentences",
                    hint="pass the sentences table of toolkit.sentences()")
    rows = []
    for doc_id, sent_id, text, start in zip(sentences["doc_id"], sentences["sent_id"],
                                            sentences["text"], sentences["start"]):
        defence = _DEFENCE.search(text) is not None
        if defence and _SPEND.search(text):
            for m in _PCT.finditer(text):
                rows.append((doc_id, sent_id, "target", m.group(0), _value(m),
                             start + m.start(), start + m.end()))
        burden = [*_BURDEN.finditer(text), *_FAIR_SHARE.finditer(text)] if defence else []
        for m in burden:
            rows.append((doc_id, sent_id, "burden_sharing", m.group(0), np.nan,
                         start + m.start(), start + m.end()))
    out = pd.DataFrame(rows, columns=list(SPENDING_COLUMNS))
    out = out.astype({"sent_id": "int64", "target_pct": "float64", "start": "int64",
                      "end": "int64"})
    return out.sort_values(["doc_id", "sent_id", "start"], kind="stable").reset_index(drop=True)
