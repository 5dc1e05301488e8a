"""Finding gold lines' sentences in a corpus."""
from __future__ import annotations

import pandas as pd

from toolkit.evaluation.evaluate import read_codebook
from toolkit.evaluation.locate import LOCATE_COLUMNS, locate_gold
from toolkit.resources import data_path

TEXT = "Mr. President,\nWe condemn the attack.  It was brutal. KIRBY:\u00a0So, two things. Thanks."


def _tables():
    docs = pd.DataFrame({"doc_id": ["un/Session 1/ABC_1_2020.txt", "wh/b.md"],
                         "collection": ["un", "wh"],
                         "path": ["corpus/un/Session 1/ABC_1_2020.txt", "corpus/wh/b.md"],
                         "text": [TEXT, "Nothing here."]})
    # the toolkit keeps "KIRBY:" out of its sentence and joins the address to the next line
    spans = []
    for piece in ("Mr. President,\nWe condemn the attack.", "It was brutal.", "So, two things.",
                  "Thanks."):
        start = TEXT.index(piece)
        spans.append((start, start + len(piece)))
    sents = pd.DataFrame({"doc_id": ["un/Session 1/ABC_1_2020.txt"] * 4 + ["wh/b.md"],
                          "sent_id": [0, 1, 2, 3, 0],
                          "start": [s for s, _ in spans] + [0],
                          "end": [e for _, e in spans] + [13],
                          "text": [TEXT[s:e] for s, e in spans] + ["Nothing here."]})
    return docs, sents


def test_exact_contained_overlapping_and_missing_lines_are_all_reported():
    docs, sents = _tables()
    rows = [
        {"id": "1", "source": "un", "doc": "ABC_1_2020", "sentence": "It was  brutal."},
        {"id": "2", "source": "un", "doc": "ABC_1_2020", "sentence": "We condemn the attack."},
        {"id": "3", "source": "un", "doc": "ABC_1_2020", "sentence": "KIRBY: So, two things."},
        {"id": "4", "source": "wh", "doc": "b.md", "sentence": "Something else."},
        {"id": "5", "source": "wh", "doc": "c.md", "sentence": "Nothing here."},
        {"id": "6", "source": "un", "doc": "Session 1/ABC_1_2020.txt", "sentence": "Thanks."},
    ]
    got = locate_gold(rows, docs, sents)
    assert list(got.columns) == LOCATE_COLUMNS
    assert got[["id", "sent_id", "match"]].astype(object).where(got.notna(), None).values.tolist() == [
        ["1", 1, "exact"], ["2", 0, "contained"], ["3", 2, "contained"],
        ["4", None, "not_found"], ["5", None, "not_found"], ["6", 3, "exact"]]
    assert got.loc[3, "reason"] == "sentence text not found in the document"
    assert got.loc[4, "reason"] == "document not in the corpus"


def test_every_dev_line_is_found_in_the_corpus(corpus_docs, corpus_sentences):
    rows = read_codebook(data_path("eval", "threat_dev.jsonl"))
    got = locate_gold(rows, corpus_docs, corpus_sentences)
    assert len(got) == len(rows) and (got["match"] != "not_found").all()
    assert (got["match"] == "exact").sum() > 200
    # the located sentence holds the gold sentence's words
    texts = corpus_sentences.set_index(["doc_id", "sent_id"])["text"]
    for r, (d, s) in zip(rows[:40], zip(got["doc_id"][:40], got["sent_id"][:40])):
        words = r["sentence"].split()
        assert words[-1] in texts[(d, int(s))] or words[0] in texts[(d, int(s))]
