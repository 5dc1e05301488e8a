"""Collocations and collocates: hand-computed measures, NLTK agreement, numeric guards."""
import math

import numpy as np
import pandas as pd
import pytest
from nltk.metrics import BigramAssocMeasures, TrigramAssocMeasures

from toolkit import tokens
from toolkit.collocations import (COLLOCATE_COLUMNS, association, collocates, collocations,
                                  contingency, plot_collocates)
from toolkit.kwic import token_index


def toks_of(*texts):
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})
    return tokens(docs, progress=False)


def g2(cells, expected):
    return 2 * sum(o * math.log(o / e) for o, e in zip(cells, expected) if o > 0)


NEW_YORK = toks_of("New York is big. New York is old. I love New York.")


def test_bigram_table_exact_by_hand():
    got = collocations(NEW_YORK, min_freq=2, stopwords=None)
    assert got["ngram"].tolist() == ["new york", "york is"]
    assert got[["w1", "w2", "freq", "freq_w1", "freq_w2"]].values.tolist() == [
        ["new", "york", 3, 3, 3], ["york", "is", 2, 3, 2]]
    # "new york": n_ii=3, n_ix=3, n_xi=3, N=12 words (punctuation is not a word)
    n = 12
    row = got.iloc[0]
    assert row["pmi"] == pytest.approx(math.log2(3 * n / (3 * 3)))  # = 2
    assert row["t_score"] == pytest.approx((3 - 3 * 3 / n) / math.sqrt(3))
    cells = [3, 0, 0, 9]
    expected = [3 * 3 / n, 3 * 9 / n, 9 * 3 / n, 9 * 9 / n]
    assert row["llr"] == pytest.approx(g2(cells, expected))
    # "york is": n_ii=2, n_ix=3, n_xi=2
    cells = [2, 0, 1, 9]
    expected = [3 * 2 / n, 9 * 2 / n, 3 * 10 / n, 9 * 10 / n]
    assert got.iloc[1]["llr"] == pytest.approx(g2(cells, expected))
    assert got.attrs["n_words"] == n


def test_sentence_boundary_respected_by_default():
    got = collocations(NEW_YORK, min_freq=1, stopwords=None)
    assert "big new" not in set(got["ngram"])
    across = collocations(NEW_YORK, min_freq=1, stopwords=None, boundary="document")
    assert {"big new", "old i"} <= set(across["ngram"])


def test_stopwords_filter_bigrams_and_trigram_edges():
    toks = toks_of("The war of aggression went on. The war of aggression ended. "
                   "A war of aggression.")
    bigrams = collocations(toks, min_freq=2)
    assert bigrams["ngram"].tolist() == []  # every bigram has "the", "of" or "a"
    assert collocations(toks, min_freq=2, stopwords=None)["ngram"].tolist()[:1] != []
    trigrams = collocations(toks, n=3, min_freq=2)
    assert trigrams["ngram"].tolist() == ["war of aggression"]
    assert list(trigrams.columns) == ["ngram", "w1", "w2", "w3", "freq", "freq_w1", "freq_w2",
                                      "freq_w3", "pmi", "llr", "t_score"]
    # a custom list replaces NLTK's: "the" is no longer a stopword, "war" is
    assert collocations(toks, n=3, min_freq=2, stopwords={"war"})["ngram"].tolist() == [
        "the war of"]


def test_numpy_and_nltk_engines_agree(seed_docs):
    toks = tokens(seed_docs, progress=False)
    for opts in ({"n": 2}, {"n": 2, "window": 4}, {"n": 3}, {"n": 2, "stopwords": None}):
        a = collocations(toks, min_freq=2, **opts)
        b = collocations(toks, min_freq=2, engine="nltk", **opts)
        assert len(a) > 0
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_measures_match_nltk_on_ordinary_counts():
    for n_ii, n_ix, n_xi, n_xx in [(3, 10, 8, 1000), (50, 60, 400, 10_000), (1, 1, 1, 5)]:
        cont = contingency(np.array([n_ii]), (np.array([n_ix]), np.array([n_xi])), n_xx)
        got = association(np.array([n_ii]), (np.array([n_ix]), np.array([n_xi])), n_xx, cont, 2)
        assert got["pmi"][0] == pytest.approx(BigramAssocMeasures.pmi(n_ii, (n_ix, n_xi), n_xx))
        assert abs(got["llr"][0]) == pytest.approx(
            BigramAssocMeasures.likelihood_ratio(n_ii, (n_ix, n_xi), n_xx))
        assert got["t_score"][0] == pytest.approx(
            BigramAssocMeasures.student_t(n_ii, (n_ix, n_xi), n_xx))
    marg = (2, (3, 2, 4), (10, 12, 9), 500)
    cont = contingency(np.array([2]), [np.array([m]) for m in (*marg[1], *marg[2])], 500, 3)
    got = association(np.array([2]), [np.array([m]) for m in marg[2]], 500, cont, 3)
    assert got["pmi"][0] == pytest.approx(TrigramAssocMeasures.pmi(*marg))
    assert abs(got["llr"][0]) == pytest.approx(TrigramAssocMeasures.likelihood_ratio(*marg))
    assert got["t_score"][0] == pytest.approx(TrigramAssocMeasures.student_t(*marg))


def test_tiny_counts_nltk_fails_we_return_nan():
    # The sentence "a a": the bigram (a, a) with n_ii = 1, n_ix = n_xi = N = 2. A marginal
    # equals the total, the contingency table gets a negative cell and NLTK takes log(<0).
    with pytest.raises(ValueError, match="math domain"):
        BigramAssocMeasures.likelihood_ratio(1, (2, 2), 2)
    with pytest.raises(ZeroDivisionError):
        BigramAssocMeasures.chi_sq(1, (2, 2), 2)
    toks = toks_of("a a.")
    for engine in ("numpy", "nltk"):
        got = collocations(toks, min_freq=1, stopwords=None, engine=engine)
        assert got[["ngram", "freq"]].values.tolist() == [["a a", 1]]
        assert math.isnan(got.loc[0, "llr"])
        assert got.loc[0, "pmi"] == pytest.approx(-1.0)  # log2(1*2 / (2*2)): defined
        assert got.loc[0, "t_score"] == pytest.approx(-1.0)


def test_zero_total_and_zero_marginals_give_nan_not_errors():
    with pytest.raises(ValueError):
        TrigramAssocMeasures.pmi(0, (1, 1, 1), (1, 1, 1), 0)
    with pytest.raises(ZeroDivisionError):
        TrigramAssocMeasures.likelihood_ratio(1, (1, 1, 1), (1, 1, 1), 0)
    cont = contingency(np.array([1.0]), [np.array([1.0])] * 6, 0.0, 3)
    got = association(np.array([1.0]), [np.array([1.0])] * 3, 0.0, cont, 3)
    assert all(math.isnan(v[0]) for v in got.values())
    cont = contingency(np.array([0.0]), (np.array([0.0]), np.array([5.0])), 10.0)
    got = association(np.array([0.0]), (np.array([0.0]), np.array([5.0])), 10.0, cont, 2)
    assert math.isnan(got["pmi"][0]) and math.isnan(got["t_score"][0])
    assert got["llr"][0] == pytest.approx(0.0)  # a valid (empty) row: 0·ln 0 = 0


def test_window_counts_are_scaled_like_nltk():
    toks = toks_of("a b c a b c")
    got = collocations(toks, min_freq=1, stopwords=None, window=3)
    row = got.set_index("ngram").loc["a b"]
    assert row["freq"] == 2
    # NLTK scales n_ii by 1/(window-1): pmi = log2(1 * 6 / (2 * 2))
    assert row["pmi"] == pytest.approx(math.log2(1 * 6 / 4))


def test_empty_and_bad_input():
    got = collocations(NEW_YORK, min_freq=100)
    assert len(got) == 0
    assert list(got.columns) == ["ngram", "w1", "w2", "freq", "freq_w1", "freq_w2", "pmi",
                                 "llr", "t_score"]
    none = collocations(toks_of("."), min_freq=1)
    assert len(none) == 0 and none.attrs["n_words"] == 0
    with pytest.raises(ValueError, match="measure"):
        collocations(NEW_YORK, measures=["dice"])
    with pytest.raises(ValueError, match="window"):
        collocations(NEW_YORK, n=3, window=4)
    with pytest.raises(ValueError, match="window"):
        collocations(NEW_YORK, window=1)
    with pytest.raises(ValueError, match="min_freq"):
        collocations(NEW_YORK, min_freq=0)
    with pytest.raises(ValueError, match="n="):
        collocations(NEW_YORK, n=4)


# ---------------------------------------------------------------------------------------------
# collocates
# ---------------------------------------------------------------------------------------------

PEACE = toks_of("Russia is a threat to peace. China is no threat. Peace is fragile.")


def test_collocates_exact_by_hand():
    got = collocates(PEACE, "threat", window=(2, 2), min_freq=1, stopwords=None,
                     measure="pmi")
    # windows: "is a" | "to peace" (sentence 1), "is no" | - (sentence 2); 6 positions
    table = got.set_index("collocate")
    assert sorted(table.index) == ["a", "is", "no", "peace", "to"]
    assert table.loc["is", ["freq", "freq_left", "freq_right", "node_freq",
                            "collocate_freq"]].tolist() == [2, 2, 0, 2, 3]
    assert table.loc["peace", ["freq", "freq_left", "freq_right"]].tolist() == [1, 0, 1]
    n, w = 13, 6  # words in the text, positions in the windows
    o, c = 2, 3
    e = w * c / n
    assert table.loc["is", "expected"] == pytest.approx(e)
    assert table.loc["is", "pmi"] == pytest.approx(math.log2(o / e))
    assert table.loc["is", "t_score"] == pytest.approx((o - e) / math.sqrt(o))
    cells = [o, w - o, c - o, n - w - c + o]
    exp = [w * c / n, w * (n - c) / n, (n - w) * c / n, (n - w) * (n - c) / n]
    assert table.loc["is", "llr"] == pytest.approx(g2(cells, exp))
    assert list(got.columns) == COLLOCATE_COLUMNS
    assert got["pmi"].is_monotonic_decreasing


def test_collocates_windows_stop_at_sentences_unless_document():
    got = collocates(PEACE, "peace", window=(0, 3), min_freq=1, stopwords=None)
    assert set(got["collocate"]) == {"is", "fragile"}  # the second "peace" only
    across = collocates(PEACE, "peace", window=(0, 3), min_freq=1, stopwords=None,
                        boundary="document")
    assert set(across["collocate"]) == {"china", "is", "no", "fragile"}


def test_collocates_overlapping_windows_count_positions_once():
    toks = toks_of("threat x threat")
    got = collocates(toks, "threat", window=2, min_freq=1, stopwords=None)
    assert got[["collocate", "freq", "freq_left", "freq_right"]].values.tolist() == [
        ["x", 1, 1, 1]]
    # node positions are never collocates of themselves
    assert "threat" not in set(got["collocate"])


def test_collocates_phrase_glob_and_negative_association_sign():
    got = collocates(PEACE, "threat*", window=5, min_freq=1, stopwords=None)
    assert got.attrs["node"] == "threat*"
    assert (got["llr"] < 0).eq(got["freq"] < got["expected"]).all()
    phrase = collocates(PEACE, "is a threat", window=1, min_freq=1, stopwords=None)
    assert set(phrase["collocate"]) == {"russia", "to"}


def test_collocates_empty_and_bad_input():
    got = collocates(PEACE, "absent", min_freq=1)
    assert len(got) == 0 and list(got.columns) == COLLOCATE_COLUMNS
    with pytest.raises(ValueError, match="window"):
        collocates(PEACE, "peace", window=(0, 0))
    with pytest.raises(ValueError, match="window"):
        collocates(PEACE, "peace", window=(-1, 2))
    with pytest.raises(ValueError, match="empty pattern"):
        collocates(PEACE, "")
    with pytest.raises(ValueError, match="measure"):
        collocates(PEACE, "peace", measure="dice")
    with pytest.raises(ValueError, match="stopwords"):
        collocates(PEACE, "peace", stopwords="klingon")


def test_plot_collocates():
    ax = plot_collocates(collocates(PEACE, "threat", min_freq=1, stopwords=None), n=3)
    assert ax.get_xlabel() == "llr" and ax.get_ylabel() == "collocate"
    assert len(ax.patches) == 3
    ax = plot_collocates(collocations(NEW_YORK, min_freq=1, stopwords=None, measures=["pmi"]))
    assert ax.get_xlabel() == "pmi"


# ---------------------------------------------------------------------------------------------
# The real corpus
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_index(corpus_tokens):
    return token_index(corpus_tokens)


def test_real_corpus_collocates_of_threat(corpus_index):
    got = collocates(corpus_index, "threat")
    top = got["collocate"].head(10).tolist()
    assert "existential" in top[:3] and {"poses", "pose"} <= set(top)
    ex = got.set_index("collocate").loc["existential"]
    assert ex["freq_left"] > ex["freq_right"] and ex["pmi"] > 5


def test_real_corpus_bigrams(corpus_index):
    got = collocations(corpus_index, measures=["t_score", "llr"], min_freq=20)
    top = got["ngram"].head(20).tolist()
    assert {"united nations", "climate change", "human rights"} <= set(top)
    assert got["freq"].min() >= 20
