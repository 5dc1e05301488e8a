"""Frequencies by period and group, dispersion statistics and plots."""
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit import tokens
from toolkit.frequency import (HIT_COLUMNS, dispersion, dispersion_stats, plot_dispersion,
                               plot_frequency, term_frequency)
from toolkit.kwic import token_index


@pytest.fixture(scope="module")
def docs():
    return pd.DataFrame({
        "doc_id": ["d1", "d2", "d3"],
        "text": ["War and threat. The war of aggression.", "Peace now.", "War war war threat."],
        "collection": ["A", "B", "A"],
        "date": pd.to_datetime(["2020-03-15", "2020-11-02", "2021-01-01"]),
        "date_precision": ["day", "day", "year"],
        "year": pd.array([2020, 2020, 2021], dtype="Int64"),
        "speaker": ["Ann", None, "Bob"],
    })


@pytest.fixture(scope="module")
def toks(docs):
    return tokens(docs, progress=False)


TERMS = ["war", "threat*", "war of aggression"]


def test_by_year_exact_table(toks, docs):
    got = term_frequency(toks, docs, TERMS, by="year")
    expected = pd.DataFrame({
        "year": [2020, 2020, 2020, 2021, 2021, 2021],
        "term": TERMS * 2,
        "count": [2, 1, 1, 3, 1, 0],
        "total_tokens": [9, 9, 9, 4, 4, 4],  # word tokens: punctuation is not counted
    })
    expected["per_10k"] = expected["count"] / expected["total_tokens"] * 10_000
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got.attrs["rate_column"] == "per_10k"


def test_by_collection_and_list_of_groups(toks, docs):
    got = term_frequency(toks, docs, "war", by="collection")
    assert got[["collection", "count", "total_tokens"]].values.tolist() == [
        ["A", 5, 11], ["B", 0, 2]]
    both = term_frequency(toks, docs, "war", by=["collection", "year"])
    assert both[["collection", "year", "count", "total_tokens"]].values.tolist() == [
        ["A", 2020, 2, 7], ["A", 2021, 3, 4], ["B", 2020, 0, 2]]


def test_by_month_leaves_out_year_only_dates(toks, docs):
    with pytest.warns(UserWarning, match="1 documents dated only to the year"):
        got = term_frequency(toks, docs, "war", by="month")
    assert got["month"].tolist() == list(pd.to_datetime(["2020-03-01", "2020-11-01"]))
    assert got["count"].tolist() == [2, 0]
    with pytest.warns(UserWarning):
        q = term_frequency(toks, docs, "war", by="quarter")
    assert q["quarter"].tolist() == list(pd.to_datetime(["2020-01-01", "2020-10-01"]))


def test_missing_group_values_left_out_and_per(toks, docs):
    got = term_frequency(toks, docs, "war", by="speaker", per=1_000)
    assert got[["speaker", "count", "total_tokens"]].values.tolist() == [["Ann", 2, 7],
                                                                         ["Bob", 3, 4]]
    assert got["per_1k"].tolist() == pytest.approx([2 / 7 * 1000, 3 / 4 * 1000])
    assert term_frequency(toks, docs, "war", per=1_000_000).columns[-1] == "per_1m"


def test_bad_input(toks, docs):
    with pytest.raises(ValueError, match="by='party'"):
        term_frequency(toks, docs, "war", by="party")
    with pytest.raises(ValueError, match="empty pattern"):
        term_frequency(toks, docs, "")
    with pytest.raises(ValueError, match="per"):
        term_frequency(toks, docs, "war", per=0)
    with pytest.raises(ValueError, match="by is empty"):
        term_frequency(toks, docs, "war", by=[])


def test_plot_frequency(toks, docs):
    ax = plot_frequency(term_frequency(toks, docs, TERMS))
    assert ax.get_xlabel() == "year" and ax.get_ylabel() == "per 10,000 words"
    assert len(ax.get_lines()) >= 3
    ax = plot_frequency(term_frequency(toks, docs, TERMS, by="collection"))
    assert ax.get_xlabel() == "collection" and len(ax.patches) >= 4


# ---------------------------------------------------------------------------------------------
# Dispersion
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_docs():
    return pd.DataFrame({"doc_id": ["x", "y"],
                         "text": ["war a b c d e f g h i war", "a b c d e f g h i j k"],
                         "title": ["X", "Y"]})


def test_dispersion_hits_exact(two_docs):
    hits = dispersion(tokens(two_docs, progress=False), "war")
    expected = pd.DataFrame([["x", 0, 0, 0, 3, "war", "war", 11, 0.0],
                             ["x", 0, 10, 22, 25, "war", "war", 11, 1.0]], columns=HIT_COLUMNS)
    pd.testing.assert_frame_equal(hits, expected, check_dtype=False)


def test_dispersion_statistics_by_hand(two_docs):
    hits = dispersion(tokens(two_docs, progress=False), "war", docs=two_docs)
    stats = hits.attrs["stats"].iloc[0]
    assert stats[["freq", "range", "n_docs"]].tolist() == [2, 1, 2]
    # sizes 11 and 11 -> s = (0.5, 0.5); hits v = (1, 0): DP = 0.5 |1-0.5| + 0.5 |0-0.5| = 0.5
    assert stats["dp"] == pytest.approx(0.5)
    assert stats["dp_norm"] == pytest.approx(0.5 / (1 - 0.5))
    # p = (2/11, 0): sd / mean = 1 -> D = 1 - 1 / sqrt(1) = 0
    assert stats["juilland_d"] == pytest.approx(0.0)
    assert hits["title"].tolist() == ["X", "X"]
    even = dispersion_stats(np.array([1, 1]), np.array([11, 11]))
    assert even["dp"] == pytest.approx(0.0) and even["juilland_d"] == pytest.approx(1.0)
    uneven = dispersion_stats(np.array([3, 1]), np.array([30, 10]))  # proportional to size
    assert uneven["dp"] == pytest.approx(0.0) and uneven["dp_norm"] == pytest.approx(0.0)
    none = dispersion_stats(np.array([0, 0]), np.array([5, 5]))
    assert none["range"] == 0 and math.isnan(none["dp"]) and math.isnan(none["juilland_d"])


def test_dispersion_parts_from_docs_include_untokenized_documents(two_docs):
    toks = tokens(two_docs, progress=False)
    more = pd.concat([two_docs, pd.DataFrame({"doc_id": ["z"], "text": ["."]})])
    stats = dispersion(toks, ["war", "a"], docs=more).attrs["stats"]
    assert stats["term"].tolist() == ["war", "a"] and stats["n_docs"].tolist() == [3, 3]
    assert stats.loc[1, "range"] == 2 and stats.loc[1, "dp"] == pytest.approx(0.0)


def test_dispersion_empty_and_plot(two_docs):
    toks = tokens(two_docs, progress=False)
    none = dispersion(toks, "peace")
    assert len(none) == 0 and list(none.columns) == HIT_COLUMNS
    assert none.attrs["stats"]["freq"].tolist() == [0]
    ax = plot_dispersion(dispersion(toks, ["war", "k"], docs=two_docs))
    assert ax.get_xlabel() == "relative position in document (0 = start, 1 = end)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["X", "Y"]
    assert ax.get_ylabel() == "document"


# ---------------------------------------------------------------------------------------------
# The real corpus
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_index(corpus_tokens):
    return token_index(corpus_tokens)


def test_real_corpus_by_year_and_dispersion(corpus_index, corpus_tokens, corpus_docs):
    got = term_frequency(corpus_index, corpus_docs, ["threat*", "war of aggression"], by="year")
    assert got["year"].min() == 2014 and got["year"].max() >= 2025
    totals = got.drop_duplicates("year")["total_tokens"].sum()
    assert totals == int(corpus_tokens["is_word"].sum())
    phrase = got[got["term"] == "war of aggression"].set_index("year")["count"]
    assert phrase.loc[2022] > phrase.loc[2016]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        monthly = term_frequency(corpus_index, corpus_docs, "nato", by="month")
    assert monthly["month"].min() >= pd.Timestamp("2021-01-01")  # UN speeches: year only
    hits = dispersion(corpus_index, "rutte", docs=corpus_docs)
    stats = hits.attrs["stats"].iloc[0]
    assert stats["n_docs"] == len(corpus_docs) and stats["range"] == hits["doc_id"].nunique()
    assert 0.9 < stats["dp"] <= 1 and hits["position"].between(0, 1).all()
    assert "seed" in set(hits["collection"])
