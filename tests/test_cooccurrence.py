"""Length-matched co-occurrence of two document features."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.framing.cooccurrence import COOCCURRENCE_COLUMNS, length_matched_cooccurrence


def _docs() -> pd.DataFrame:
    # short documents: 2 exposed (1 with the outcome), 2 unexposed (0 with it);
    # long documents: 1 exposed (with it), 2 unexposed (both with it)
    return pd.DataFrame({
        "collection": ["a"] * 7,
        "threat": [True, True, False, False, True, False, False],
        "spending": [True, False, False, False, True, True, True],
        "n_words": [10, 20, 15, 25, 500, 600, 700],
    })


def test_direct_standardisation_to_the_exposed_documents():
    t = length_matched_cooccurrence(_docs(), exposure="threat", outcome="spending", n_strata=2,
                                    n_boot=0)
    assert list(t.columns) == list(COOCCURRENCE_COLUMNS)
    r = t.iloc[0]
    assert (r.n_docs, r.n_exposed, r.n_outcome, r.n_both, r.n_strata, r.n_unmatched) == (
        7, 3, 4, 2, 2, 0)
    assert r.p_exposed == pytest.approx(2 / 3)
    assert r.p_unexposed == pytest.approx(2 / 4)
    # short stratum: 2 exposed x rate 0/2; long stratum: 1 exposed x rate 2/2 -> 1/3
    assert r.p_unexposed_matched == pytest.approx(1 / 3)
    assert r.difference == pytest.approx(1 / 3)
    assert r.ratio == pytest.approx(2.0)
    assert np.isnan(r.ci_low) and np.isnan(r.ci_high)


def test_strata_without_both_kinds_are_unmatched_and_left_out():
    d = _docs()
    d.loc[d.n_words >= 500, "threat"] = False  # the long stratum has no exposed document
    t = length_matched_cooccurrence(d, exposure="threat", outcome="spending", n_strata=2,
                                    n_boot=0).iloc[0]
    assert t.n_unmatched == 3
    assert t.p_exposed == pytest.approx(1 / 2)
    assert t.p_unexposed_matched == pytest.approx(0.0)
    assert np.isnan(t.ratio)  # no outcome among the matched unexposed: no ratio


def test_groups_are_stratified_on_their_own():
    d = pd.concat([_docs(), _docs().assign(collection="b", spending=False)], ignore_index=True)
    t = length_matched_cooccurrence(d, exposure="threat", outcome="spending", by="collection",
                                    n_strata=2, n_boot=0)
    assert list(t.columns) == ["collection", *COOCCURRENCE_COLUMNS]
    assert t.collection.tolist() == ["a", "b"]
    assert t.p_unexposed_matched.round(4).tolist() == [0.3333, 0.0]
    assert t.n_both.tolist() == [2, 0]


def test_bootstrap_interval_is_reproducible_and_brackets_the_estimate():
    rng = np.random.default_rng(1)
    n = 400
    length = rng.integers(50, 5000, n)
    threat = rng.random(n) < length / 5000          # longer documents: more threat frames
    spending = rng.random(n) < 0.1 + 0.3 * threat    # the exposure adds 0.3
    d = pd.DataFrame({"threat": threat, "spending": spending, "n_words": length})
    a = length_matched_cooccurrence(d, exposure="threat", outcome="spending", n_boot=300,
                                    random_state=3)
    b = length_matched_cooccurrence(d, exposure="threat", outcome="spending", n_boot=300,
                                    random_state=3)
    pd.testing.assert_frame_equal(a, b)
    r = a.iloc[0]
    assert r.ci_low < r.difference < r.ci_high
    assert r.ci_low < 0.3 < r.ci_high
    assert r.ratio_ci_low < r.ratio < r.ratio_ci_high
    assert a.attrs["exposure"] == "threat" and a.attrs["n_strata"] == 5


@pytest.mark.parametrize("kwargs, message", [
    ({"exposure": "frame"}, "frame"),
    ({"n_strata": 0}, "n_strata"),
    ({"ci": 95}, "ci=95"),
])
def test_bad_arguments_say_what_to_give(kwargs, message):
    args = {"exposure": "threat", "outcome": "spending", **kwargs}
    with pytest.raises((KeyError, ValueError), match=message):
        length_matched_cooccurrence(_docs(), **args)


def test_missing_lengths_are_an_error_not_a_drop():
    d = _docs()
    d.loc[0, "n_words"] = np.nan
    with pytest.raises(ValueError, match="1 documents have no 'n_words'"):
        length_matched_cooccurrence(d, exposure="threat", outcome="spending")
