import numpy as np
import pandas as pd
import pytest

from toolkit import bootstrap_ci


def test_exact_means_counts_and_reproducibility():
    df = pd.DataFrame({"g": ["a"] * 4 + ["b"], "x": [1.0, 0.0, 1.0, 0.0, 1.0]})
    got = bootstrap_ci(df, "x", "g", random_state=3)
    assert got[["g", "n", "mean"]].to_dict("records") == [{"g": "a", "n": 4, "mean": 0.5},
                                                          {"g": "b", "n": 1, "mean": 1.0}]
    assert got.loc[1, "ci_low"] == got.loc[1, "ci_high"] == 1.0  # one observation
    assert 0.0 <= got.loc[0, "ci_low"] <= 0.5 <= got.loc[0, "ci_high"] <= 1.0
    pd.testing.assert_frame_equal(got, bootstrap_ci(df, "x", "g", random_state=3))


def test_interval_covers_known_mean():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(2.0, 1.0, 400)})
    got = bootstrap_ci(df, "x")
    assert got.loc[0, "ci_low"] < 2.0 < got.loc[0, "ci_high"]
    assert got.loc[0, "ci_high"] - got.loc[0, "ci_low"] == pytest.approx(2 * 1.96 / 20, rel=0.25)


def test_cluster_bootstrap_is_wider_for_clustered_data():
    # two documents, each internally identical: rows are not independent
    df = pd.DataFrame({"doc": ["a"] * 50 + ["b"] * 50, "x": [1.0] * 50 + [0.0] * 50})
    rows = bootstrap_ci(df, "x")
    clustered = bootstrap_ci(df, "x", cluster="doc")
    width = lambda t: t.loc[0, "ci_high"] - t.loc[0, "ci_low"]  # noqa: E731
    assert width(clustered) > width(rows)


def test_bad_arguments():
    df = pd.DataFrame({"x": [1.0]})
    with pytest.raises(KeyError, match="column 'y' not in the table"):
        bootstrap_ci(df, "y")
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        bootstrap_ci(df, "x", ci=95)
