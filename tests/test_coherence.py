"""NPMI and topic diversity, checked against hand computations."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from toolkit.coherence import Reference, as_reference, npmi, npmi_per_topic, topic_diversity

# Three reference documents (already tokenised; stopwords gone).
TEXTS = [["nato", "russia", "nato", "summit"],           # L=4
         ["russia", "ukraine"],                           # L=2
         ["summit", "ukraine", "trade", "trade", "trade"]]  # L=5
EPS = 1e-12


def test_window_counts_by_hand():
    # window = 3. A document of L >= 3 terms gives L - 3 + 1 windows, a shorter one is one window:
    #   d1: [nato russia nato] [russia nato summit]                    -> 2 windows
    #   d2: [russia ukraine]                                          -> 1 window
    #   d3: [summit ukraine trade] [ukraine trade trade] [trade trade trade] -> 3 windows
    # N = 6. Boolean counts (a window counts once however often the word is in it):
    #   nato 2 (d1: both), russia 3 (d1: both; d2), summit 2 (d1 w2; d3 w1),
    #   ukraine 3 (d2; d3 w1, w2), trade 3 (d3: all three)
    ref = Reference.from_texts(TEXTS)
    occ, co, n = ref.window_counts(["nato", "russia", "summit", "ukraine", "trade"], window=3)
    assert n == 6 == ref.n_windows(3)
    assert occ.tolist() == [2, 3, 2, 3, 3]
    assert co[0, 1] == 2  # nato & russia: both windows of d1
    assert co[0, 2] == 1  # nato & summit: d1's second window
    assert co[1, 2] == 1  # russia & summit: d1's second window
    assert co[0, 3] == 0  # nato & ukraine never share a window
    assert co[3, 4] == 2  # ukraine & trade: d3's first two windows
    assert np.array_equal(co, co.T) and np.array_equal(np.diag(co), occ)


def test_npmi_by_hand():
    # npmi(a, b) = log((p(a,b) + eps) / (p(a) p(b))) / -log(p(a,b) + eps), p = count / N, N = 6
    #   nato-russia:  log((2/6) / ((2/6)(3/6))) / -log(2/6) = log 2 / log 3     = 0.630930
    #   nato-summit:  log((1/6) / ((2/6)(2/6))) / -log(1/6) = log 1.5 / log 6   = 0.226294
    #   russia-summit: log((1/6) / ((3/6)(2/6))) / -log(1/6) = log 1 / log 6    = 0
    # topic A = mean of the three pairs = 0.285741
    #   ukraine-nato never co-occur: log(eps / ((3/6)(2/6))) / -log(eps)
    #     = (log 1e-12 - log(1/6)) / -log 1e-12 = (-27.631021 + 1.791759) / 27.631021 = -0.935154
    # the model's NPMI is the mean over topics.
    a = (math.log(2) / math.log(3) + math.log(1.5) / math.log(6) + 0.0) / 3
    b = math.log(EPS / ((3 / 6) * (2 / 6))) / -math.log(EPS)
    assert round(a, 6) == 0.285741 and round(b, 6) == -0.935154
    ref = Reference.from_texts(TEXTS)
    table = npmi_per_topic([["nato", "russia", "summit"], ["ukraine", "nato"]], ref, window=3)
    assert table["npmi"].tolist() == pytest.approx([a, b], abs=1e-9)
    assert table["n_terms"].tolist() == [3, 2]
    assert npmi([["nato", "russia", "summit"], ["ukraine", "nato"]], ref, window=3) \
        == pytest.approx((a + b) / 2, abs=1e-9)


def test_npmi_default_window_whole_short_documents():
    # window 10 > every document: each document is one window, N = 3
    #   nato 1, russia 2, co 1 -> log((1/3) / ((1/3)(2/3))) / -log(1/3) = log 1.5 / log 3 = 0.369070
    ref = Reference.from_texts(TEXTS)
    assert npmi([["nato", "russia"]], ref) == pytest.approx(math.log(1.5) / math.log(3), abs=1e-9)


def test_gensim_compatible_counting_of_repeated_words():
    # [a x a y z], window 3: windows [a x a] [x a y] [a y z] all contain "a" (exact count 3).
    # gensim updates its window set incrementally and drops "a" when position 0 leaves the
    # window, although the "a" at position 2 is still inside, and never adds it back: count 1.
    ref = Reference.from_texts([["a", "x", "a", "y", "z"]])
    assert ref.window_counts(["a"], 3)[0].tolist() == [3]
    assert ref.window_counts(["a"], 3, gensim_compatible=True)[0].tolist() == [1]
    # without repeats within a window the two agree
    ref2 = Reference.from_texts([["a", "b", "c", "d", "e"], ["b", "c"], ["e", "a"]])
    for topic in (["a", "b"], ["b", "c", "e"], ["a", "e", "d"]):
        assert npmi([topic], ref2, window=3) == npmi([topic], ref2, window=3,
                                                      gensim_compatible=True)


def test_missing_terms_are_left_out_and_reported():
    ref = Reference.from_texts(TEXTS)
    table = npmi_per_topic([["nato", "russia", "u.s."], ["nato", "zzz"]], ref)
    assert table.loc[0, "missing"] == "u.s." and table.loc[0, "n_terms"] == 2
    assert math.isnan(table.loc[1, "npmi"])  # fewer than two terms left
    assert npmi([["nato", "russia", "u.s."], ["nato", "zzz"]], ref) == table.loc[0, "npmi"]


def test_topic_tables_are_accepted():
    ref = Reference.from_texts(TEXTS)
    tt = pd.DataFrame({"topic": [0, 0, 1, 1], "rank": [2, 1, 1, 2],
                       "term": ["russia", "nato", "ukraine", "nato"],
                       "kind": ["prob"] * 4})
    assert npmi(tt, ref) == pytest.approx(npmi([["nato", "russia"], ["ukraine", "nato"]], ref))


def test_topic_diversity_by_hand():
    # top-3 of two topics: {a, b, c} and {a, d, e}: 5 unique of 6 listed = 0.8333
    assert topic_diversity([["a", "b", "c"], ["a", "d", "e"]], top_n=3) == pytest.approx(5 / 6)
    # top_n cuts the lists: top-2 -> {a, b}, {a, d}: 3 of 4
    assert topic_diversity([["a", "b", "c"], ["a", "d", "e"]], top_n=2) == 0.75
    assert topic_diversity([["a", "b"], ["a", "b"]], top_n=2) == 0.5  # identical topics: 1/k
    with pytest.raises(ValueError):
        topic_diversity([[], []])


def test_reference_validation_and_conversion():
    with pytest.raises(ValueError, match="offsets"):
        Reference(np.array([0, 1]), np.array([0, 3]), ["a", "b"])
    ref = as_reference(TEXTS)
    assert (ref.n_docs, ref.n_tokens) == (3, 11)
    with pytest.raises(ValueError, match="window"):
        ref.window_counts(["nato"], 0)
    with pytest.raises(ValueError, match="reference"):
        as_reference(None)
