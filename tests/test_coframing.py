"""Co-framing of several actors in one sentence or document (toolkit.coframing)."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit.coframing import AXIS, coframing, coframing_by

M = pd.DataFrame({
    "doc_id": ["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "c"],
    "sent_id": [0, 0, 0, 0, 0, 1, 0, 1, 2, 3, 0],
    "actor": ["RUS", "CHN", "PRK", "IRN", "RUS", "UKR", "RUS", "CHN", "PRK", "IRN", "RUS"],
})
FRAMES = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "b", "b", "c", "d"],
                       "sent_id": [0, 1, 0, 1, 2, 3, 0, 0],
                       "threat": [True, False, False, True, False, False, True, False]})
DOCS = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "year": [2024, 2024, 2025, 2025],
                     "collection": ["wh", "un", "wh", "un"]})


def test_sentence_level_all_four():
    out = coframing(M, frames=FRAMES)
    assert out.to_dict("records") == [
        {"doc_id": "a", "sent_id": 0, "n_actors": 4, "actors": "CHN|IRN|PRK|RUS", "threat": True}]


def test_document_level_and_min_actors():
    out = coframing(M, unit="document", frames=FRAMES)
    assert out[["doc_id", "n_actors", "n_coframing_sentences", "n_threat"]].values.tolist() == [
        ["a", 4, 1, 1], ["b", 4, 0, 0]]
    two = coframing(M, actors=["RUS", "CHN"], min_actors=2)
    assert two[["doc_id", "sent_id", "actors"]].values.tolist() == [["a", 0, "CHN|RUS"]]


def test_no_match_gives_empty_table_with_columns():
    out = coframing(M[M["actor"] == "RUS"])
    assert out.empty and list(out.columns) == ["doc_id", "sent_id", "n_actors", "actors"]


def test_by_year_counts_every_document():
    out = coframing_by(M, DOCS, "year", frames=FRAMES, n_boot=100)
    assert out[["year", "n_docs", "docs_coframing", "docs_coframing_sentence",
                "sentences_coframing", "n_sentences", "sentences_coframing_threat"]
               ].values.tolist() == [[2024, 2, 2, 1, 1, 6, 1], [2025, 2, 0, 0, 0, 2, 0]]
    assert out["share_docs"].tolist() == [1.0, 0.0]
    assert out["per_10k_sentences"].round(3).tolist() == [1666.667, 0.0]


def test_by_two_columns_is_sorted_and_deterministic():
    a = coframing_by(M, DOCS, ["collection", "year"], n_boot=200, random_state=1)
    b = coframing_by(M, DOCS, ["collection", "year"], n_boot=200, random_state=1)
    pd.testing.assert_frame_equal(a, b)
    assert a[["collection", "year", "docs_coframing"]].values.tolist() == [
        ["un", 2024, 1], ["un", 2025, 0], ["wh", 2024, 1], ["wh", 2025, 0]]


def test_bad_arguments():
    with pytest.raises(ValueError, match="unit"):
        coframing(M, unit="paragraph")
    with pytest.raises(ValueError, match="min_actors"):
        coframing(M, min_actors=5)
    with pytest.raises(ValueError, match="at least two"):
        coframing(M, actors=["RUS"])
    with pytest.raises(ValueError, match="year"):
        coframing_by(M, DOCS.drop(columns="year"))


def test_seed_article_names_the_four_together(seed_docs):
    import toolkit

    sents = toolkit.sentences(seed_docs, progress=False)
    m = toolkit.mentions(sents, seed_docs, progress=False)
    out = coframing(m, unit="document")
    assert len(out) == 1 and out["actors"].iloc[0] == "|".join(AXIS)
    assert out["n_coframing_sentences"].iloc[0] >= 1
