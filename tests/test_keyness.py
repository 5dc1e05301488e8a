"""Keyness: G2/chi2/Log Ratio against hand computations, subcorpus filters, errors, real corpus."""
import math

import numpy as np
import pandas as pd
import pytest

from toolkit import tokens
from toolkit.keyness import KEYNESS_COLUMNS, keyness, plot_keyness, select_docs
from toolkit.kwic import token_index


def g2_by_hand(a, b, c, d):
    """Signed G2 of the 2x2 table [[a, b], [c, d]] (term / other words x target / reference)."""
    n = a + b + c + d
    cells = [(a, (a + b) * (a + c) / n), (b, (a + b) * (b + d) / n),
             (c, (c + d) * (a + c) / n), (d, (c + d) * (b + d) / n)]
    g2 = 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)
    return g2 if a / (a + c) > b / (b + d) else -g2


def chi2_by_hand(a, b, c, d):
    n = a + b + c + d
    return n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))


@pytest.fixture(scope="module")
def docs():
    # target: 10 x "threat" + 100 other words = 110 words; reference: 2 + 500 = 502 words
    target = " ".join(["threat"] * 10 + ["alpha"] * 100) + "."
    ref1 = " ".join(["threat"] * 2 + ["alpha"] * 300) + "."
    ref2 = " ".join(["beta"] * 200) + "."
    return pd.DataFrame({
        "doc_id": ["t", "r1", "r2"], "text": [target, ref1, ref2],
        "collection": ["seed", "whitehouse", "whitehouse"], "year": [2025, 2022, 2023],
    })


@pytest.fixture(scope="module")
def toks(docs):
    return tokens(docs, progress=False)


def test_g2_chi2_log_ratio_against_hand_computation(toks, docs):
    got = keyness(toks, docs, target={"collection": "seed"}, min_freq=1)
    assert list(got.columns) == KEYNESS_COLUMNS
    row = got.set_index("term").loc["threat"]
    a, b, c, d = 10, 2, 100, 500
    assert row[["freq_target", "freq_reference", "size_target", "size_reference"]].tolist() == [
        a, b, a + c, b + d]
    assert row["g2"] == pytest.approx(g2_by_hand(a, b, c, d))
    assert row["g2"] == pytest.approx(25.0132, abs=1e-4)
    assert row["chi2"] == pytest.approx(chi2_by_hand(a, b, c, d))  # no Yates correction
    assert row["log_ratio"] == pytest.approx(math.log2((a / (a + c)) / (b / (b + d))))
    assert row["p_value"] == pytest.approx(math.erfc(math.sqrt(row["g2"] / 2)))
    assert row["direction"] == "target"


def test_zero_frequency_terms_and_negative_direction(toks, docs):
    got = keyness(toks, docs, target={"collection": "seed"}, min_freq=1).set_index("term")
    beta = got.loc["beta"]  # 0 in the target, 200 in the reference
    assert beta["freq_target"] == 0 and beta["g2"] < 0 and beta["direction"] == "reference"
    assert beta["g2"] == pytest.approx(g2_by_hand(0, 200, 110, 302))
    # Log Ratio with 0.5 for the zero frequency
    assert beta["log_ratio"] == pytest.approx(math.log2((0.5 / 110) / (200 / 502)))
    alpha = got.loc["alpha"]  # 100/110 vs 300/502: overused in the target
    assert alpha["g2"] == pytest.approx(g2_by_hand(100, 300, 10, 202))


def test_yates_correction(toks, docs):
    got = keyness(toks, docs, target={"collection": "seed"}, min_freq=1, yates=True)
    row = got.set_index("term").loc["threat"]
    a, b, c, d = 10, 2, 100, 500
    n = a + b + c + d
    expected = n * max(abs(a * d - b * c) - n / 2, 0) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    assert row["chi2"] == pytest.approx(expected)


def test_sorted_by_measure_and_min_freq(toks, docs):
    got = keyness(toks, docs, target={"collection": "seed"}, min_freq=1)
    assert got["g2"].is_monotonic_decreasing
    assert got["term"].tolist() == ["alpha", "threat", "beta"]
    by_lr = keyness(toks, docs, target={"collection": "seed"}, min_freq=1, measure="log_ratio")
    assert by_lr["log_ratio"].is_monotonic_decreasing
    assert keyness(toks, docs, target={"collection": "seed"}, min_freq=13)["term"].tolist() == [
        "alpha", "beta"]
    assert got.attrs["target"] == "{'collection': 'seed'}"
    assert got.attrs["reference"] == "rest of the corpus"


@pytest.mark.parametrize("target", [
    {"collection": "seed"}, {"year": 2025}, {"year": [2025, 2030]}, "year == 2025", ["t"],
    lambda d: d["collection"] == "seed", lambda d: d[d["doc_id"] == "t"],
])
def test_filter_kinds_select_the_same_subcorpus(toks, docs, target):
    got = keyness(toks, docs, target=target, min_freq=1)
    assert got.set_index("term").loc["threat", "freq_target"] == 10
    assert got["size_reference"].iloc[0] == 502


def test_explicit_reference_subset(toks, docs):
    got = keyness(toks, docs, target=["t"], reference={"doc_id": "r1"}, min_freq=1)
    row = got.set_index("term").loc["threat"]
    assert row[["freq_reference", "size_reference"]].tolist() == [2, 302]
    assert "beta" not in set(got["term"])


def test_filter_selecting_no_documents_names_the_filter(toks, docs):
    with pytest.raises(ValueError, match=r"target filter \{'collection': 'nothing'\} selects no "
                                         r"documents"):
        keyness(toks, docs, target={"collection": "nothing"})
    with pytest.raises(ValueError, match=r"reference filter 'year == 1900' selects no documents"):
        keyness(toks, docs, target={"collection": "seed"}, reference="year == 1900")
    with pytest.raises(ValueError, match="selects no documents"):
        select_docs(docs, lambda d: d["year"] > 3000, name="target")


def test_overlap_empty_reference_and_bad_filters(toks, docs):
    with pytest.raises(ValueError, match="overlap in 1 documents"):
        keyness(toks, docs, target={"year": [2025, 2022]}, reference={"collection": "whitehouse"})
    with pytest.raises(ValueError, match="reference .* is empty"):
        keyness(toks, docs, target="year > 2000")
    with pytest.raises(ValueError, match="no column 'party'"):
        keyness(toks, docs, target={"party": "x"})
    with pytest.raises(ValueError, match="not a valid query"):
        keyness(toks, docs, target="year ===")
    with pytest.raises(ValueError, match="doc_id not in docs"):
        keyness(toks, docs, target=["t", "nope"])
    with pytest.raises(TypeError):
        keyness(toks, docs, target=42)
    with pytest.raises(ValueError, match="measure"):
        keyness(toks, docs, target=["t"], measure="dice")


def test_target_without_tokens_is_an_error(toks, docs):
    more = pd.concat([docs, pd.DataFrame({"doc_id": ["empty"], "text": ["."],
                                          "collection": ["x"], "year": [2020]})])
    with pytest.raises(ValueError, match="no word tokens"):
        keyness(toks, more, target={"collection": "x"})


def test_case_sensitive_terms():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["NATO NATO nato.", "nato nato."]})
    toks = tokens(docs, progress=False)
    got = keyness(toks, docs, target=["a"], min_freq=1, lowercase=False).set_index("term")
    assert got.loc["NATO", "freq_target"] == 2 and got.loc["nato", "freq_target"] == 1
    assert keyness(toks, docs, target=["a"], min_freq=1)["term"].tolist() == ["nato"]


def test_plot_keyness(toks, docs):
    got = keyness(toks, docs, target={"collection": "seed"}, min_freq=1)
    ax = plot_keyness(got, n=2)
    assert ax.get_xlabel() == "G² (signed log-likelihood)" and ax.get_ylabel() == "term"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["alpha", "threat", "beta"]
    ax = plot_keyness(got, measure="log_ratio")
    assert "Log Ratio" in ax.get_xlabel()


# ---------------------------------------------------------------------------------------------
# The real corpus
# ---------------------------------------------------------------------------------------------

def test_real_corpus_seed_vs_whitehouse(corpus_tokens, corpus_docs):
    index = token_index(corpus_tokens)
    got = keyness(index, corpus_docs, target={"collection": "seed"},
                  reference={"collection": "whitehouse"})
    table = got.set_index("term")
    for term in ("rutte", "hague", "vilnius"):
        assert table.loc[term, "g2"] > 0 and table.loc[term, "direction"] == "target"
    assert got["term"].iloc[0] == "rutte"
    seed_ids = corpus_docs.loc[corpus_docs["collection"] == "seed", "doc_id"]
    seed_words = int(corpus_tokens.loc[corpus_tokens["doc_id"].isin(seed_ids), "is_word"].sum())
    assert (got["size_target"] == seed_words).all()
    assert got.attrs["n_docs_reference"] == 1110
    # the other way round, by year, with the rest of the corpus as reference
    y2022 = keyness(index, corpus_docs, target={"year": 2022})
    assert {"russia", "ukraine", "putin"} <= set(y2022["term"].head(10))
    assert np.isfinite(y2022["log_ratio"]).all()
