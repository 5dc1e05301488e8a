"""Measurement-error-corrected group means (DSL): coverage in simulation, exact small tables,
inclusion probabilities of overlapping strata, input errors and the plot."""
from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from toolkit.evaluation.corrected import (CORRECTED_COLUMNS, corrected_mean,  # noqa: E402
                                          inclusion_probabilities)
from toolkit.plots.validation import plot_corrected_mean  # noqa: E402

Z95 = 1.959963984540054  # NormalDist().inv_cdf(0.975)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# Simulation: coverage of the corrected and the uncorrected intervals
# ---------------------------------------------------------------------------------------------

STRATA = ("actor+security", "actor only")


def _simulate_stratified(seed: int, reps: int = 500, n_per_group: int = 2000,
                         sizes: tuple[int, int, int] = (250, 250, 500)):
    """500 corpora x 2 groups, 0/1 classifier with 10 points more false positives in group 1,
    and per corpus a fixed-size stratified sample: ``sizes[0]`` from "actor+security",
    ``sizes[1]`` from "actor only" and ``sizes[2]`` from the units not drawn yet, all without
    replacement (the design of the toolkit's coding sample, ``combine="sequential"``)."""
    rng = np.random.default_rng(seed)
    group = np.repeat([0, 1], n_per_group)
    n_units = len(group)
    # The design features (which sentences name an actor and a security word) are the fixed
    # sampling frame; sentence labels and predictions are redrawn in each replication.
    actor = rng.random(n_units) < 0.4
    security = actor & (rng.random(n_units) < 0.35)
    stratum = np.where(security, STRATA[0], np.where(actor, STRATA[1], "none"))
    prevalence = {0: {STRATA[0]: 0.45, STRATA[1]: 0.10, "none": 0.03},
                  1: {STRATA[0]: 0.35, STRATA[1]: 0.06, "none": 0.02}}
    p_unit = np.array([prevalence[g][s] for g, s in zip(group, stratum)])
    truth = np.array([p_unit[group == g].mean() for g in (0, 1)])  # known true prevalence
    false_pos = np.where(group == 1, 0.15, 0.05)

    frame = pd.DataFrame({"stratum": stratum})
    pi = inclusion_probabilities(
        frame, strata="stratum", any_stratum="any",
        sample_sizes={STRATA[0]: sizes[0], STRATA[1]: sizes[1], "any": sizes[2]}).to_numpy()

    y = rng.random((reps, n_units)) < p_unit
    yhat = np.where(y, rng.random((reps, n_units)) < 0.8,
                    rng.random((reps, n_units)) < false_pos).astype(float)
    coded = np.zeros((reps, n_units), dtype=bool)
    rows = np.arange(reps)[:, None]
    for h, n_h in zip(STRATA, sizes[:2]):
        idx = np.flatnonzero(stratum == h)
        # n_h smallest of uniform keys = a simple random sample without replacement per row
        pick = np.argpartition(rng.random((reps, len(idx))), n_h - 1, axis=1)[:, :n_h]
        coded[rows, idx[pick]] = True
    keys = np.where(coded, np.inf, rng.random((reps, n_units)))  # the rest: not drawn yet
    pick = np.argpartition(keys, sizes[2] - 1, axis=1)[:, :sizes[2]]
    assert not coded[rows, pick].any()
    coded[rows, pick] = True
    assert (coded.sum(axis=1) == sum(sizes)).all()
    units = pd.DataFrame({"rep": np.repeat(np.arange(reps), n_units),
                          "group": np.tile(group, reps), "pred": yhat.ravel(),
                          "gold": np.where(coded, y, np.nan).ravel(), "pi": np.tile(pi, reps)})
    return units, truth


def test_corrected_intervals_cover_the_truth_where_uncorrected_ones_miss():
    units, truth = _simulate_stratified(seed=2023)
    t = corrected_mean(units, prediction="pred", gold="gold", pi="pi", by=["rep", "group"])
    assert len(t) == 1000 and t["corrected"].all()
    tr = truth[t["group"].to_numpy()]
    cover = ((t["ci_low"] <= tr) & (tr <= t["ci_high"])).groupby(t["group"]).mean()
    naive = ((t["uncorrected_ci_low"] <= tr) & (tr <= t["uncorrected_ci_high"])).groupby(
        t["group"]).mean()
    bias = (t["estimate"] - tr).groupby(t["group"]).mean()
    naive_bias = (t["uncorrected"] - tr).groupby(t["group"]).mean()
    sd = t.groupby("group")["estimate"].std()
    se = t.groupby("group")["se"].mean()
    print(f"\ntruth {truth.round(4)}; corrected coverage {cover.tolist()}, uncorrected "
          f"{naive.tolist()}; bias corrected {bias.round(4).tolist()}, uncorrected "
          f"{naive_bias.round(4).tolist()}; sd of estimates {sd.round(4).tolist()}, "
          f"mean se {se.round(4).tolist()}")
    assert (cover >= 0.93).all(), cover
    assert naive[1] < 0.5, naive  # the biased group: the naive interval misses the truth
    assert naive[0] < cover[0]
    # unbiased within Monte Carlo error, and the standard error matches the estimates' spread
    assert (bias.abs() < 3 * sd / math.sqrt(500)).all(), bias
    assert naive_bias[1] > 0.08
    assert np.allclose(se, sd, rtol=0.15), (se, sd)


def test_cluster_robust_intervals_cover_when_sentences_of_a_document_are_alike():
    """100 documents of 20 sentences, 30% of documents threat-heavy (prevalence 0.40, else
    0.05), Poisson sampling with pi = 0.2: unit-level intervals are too narrow, clustered ones
    cover."""
    rng = np.random.default_rng(7)
    reps, docs, m, pi = 500, 100, 20, 0.2
    n_units = docs * m
    heavy = rng.random((reps, docs)) < 0.3
    y = rng.random((reps, n_units)) < np.repeat(np.where(heavy, 0.40, 0.05), m, axis=1)
    truth = 0.3 * 0.40 + 0.7 * 0.05
    yhat = np.where(y, rng.random((reps, n_units)) < 0.8,
                    rng.random((reps, n_units)) < 0.1).astype(float)
    coded = rng.random((reps, n_units)) < pi
    units = pd.DataFrame({"rep": np.repeat(np.arange(reps), n_units),
                          "doc_id": np.tile(np.repeat(np.arange(docs), m), reps),
                          "pred": yhat.ravel(), "gold": np.where(coded, y, np.nan).ravel(),
                          "pi": pi})
    cover = {}
    for cluster in (None, "doc_id"):
        t = corrected_mean(units, prediction="pred", gold="gold", pi="pi", by="rep",
                           cluster=cluster)
        cover[cluster] = float(((t["ci_low"] <= truth) & (truth <= t["ci_high"])).mean())
    assert (t["n_clusters"] == docs).all()
    print(f"\ncoverage unit-level {cover[None]}, clustered by document {cover['doc_id']}")
    assert cover["doc_id"] >= 0.93
    assert cover[None] < 0.90


# ---------------------------------------------------------------------------------------------
# Exact small tables
# ---------------------------------------------------------------------------------------------


def _small() -> pd.DataFrame:
    return pd.DataFrame({
        "g": ["a"] * 4 + ["b"] * 3 + ["c"] * 2,
        "doc": ["d1", "d1", "d2", "d3", "d4", "d4", "d5", "d3", "d3"],
        "pred": [0.5, 0.5, 0.25, 0.75, 1.0, 0.0, 1.0, 0.3, 0.5],
        "gold": [1.0, np.nan, 0.0, np.nan, 0.0, 0.0, np.nan, np.nan, np.nan],
        # pi of units not coded is ignored (NaN or any value)
        "pi": [0.5, np.nan, 0.25, 0.9, 1.0, 0.5, np.nan, np.nan, 0.7],
    })


def test_exact_small_table_by_hand():
    # Y_tilde = pred + (gold - pred) / pi on coded units, = pred elsewhere.
    # a: 0.5 + 0.5/0.5 = 1.5, 0.5, 0.25 - 0.25/0.25 = -0.75, 0.75 -> mean 2.0/4 = 0.5;
    #    deviations 1, 0, -1.25, 0.25 -> squares sum 2.625 -> V = 2.625/(4*3) = 0.21875.
    #    uncorrected: mean 0.5, deviations 0, 0, -0.25, 0.25 -> V = 0.125/12.
    # b: 1 + (0-1)/1 = 0, 0 + 0/0.5 = 0, 1 -> mean 1/3; deviations -1/3, -1/3, 2/3 ->
    #    squares 6/9 -> V = (2/3)/(3*2) = 1/9, se 1/3. uncorrected 2/3, also se 1/3.
    # c: no coded unit: 0.3, 0.5 -> mean 0.4, V = 0.02/(2*1) = 0.01, se 0.1, not corrected.
    with pytest.warns(UserWarning, match=r"1 of 3 groups have no hand-coded unit.*g='c'.*"
                                         r"hand-code units from these groups"):
        t = corrected_mean(_small(), prediction="pred", gold="gold", pi="pi", by="g")
    assert list(t.columns) == ["g", *CORRECTED_COLUMNS]
    assert t["g"].tolist() == ["a", "b", "c"]
    assert t["n"].tolist() == [4, 3, 2]
    assert t["n_coded"].tolist() == [2, 2, 0]
    assert t["n_clusters"].tolist() == [4, 3, 2]
    assert t["corrected"].tolist() == [True, True, False]
    se = [math.sqrt(0.21875), 1 / 3, 0.1]
    est = [0.5, 1 / 3, 0.4]
    assert t["estimate"].tolist() == pytest.approx(est)
    assert t["se"].tolist() == pytest.approx(se)
    assert t["ci_low"].tolist() == pytest.approx([e - Z95 * s for e, s in zip(est, se)])
    assert t["ci_high"].tolist() == pytest.approx([e + Z95 * s for e, s in zip(est, se)])
    assert t["uncorrected"].tolist() == pytest.approx([0.5, 2 / 3, 0.4])
    assert t["uncorrected_se"].tolist() == pytest.approx([math.sqrt(0.125 / 12), 1 / 3, 0.1])
    assert t["uncorrected_ci_low"].tolist() == pytest.approx(
        [0.5 - Z95 * math.sqrt(0.125 / 12), 2 / 3 - Z95 / 3, 0.4 - Z95 * 0.1])
    assert t.attrs["ci"] == 0.95 and t.attrs["cluster"] is None


def test_exact_small_table_clustered():
    # a: deviations summed per document: d1 1 + 0 = 1, d2 -1.25, d3 0.25 -> squares 2.625;
    #    G = 3 -> V = 3/2 * 2.625 / 4^2 = 0.24609375. uncorrected: d1 0, d2 -0.25, d3 0.25 ->
    #    V = 3/2 * 0.125 / 16 = 0.01171875.
    # b: d4 -1/3 - 1/3 = -2/3, d5 2/3 -> V = 2/1 * (8/9) / 3^2 = 16/81, se 4/9.
    # c: one document (d3, also in group a: clusters are counted per group) -> se NaN.
    with pytest.warns(UserWarning, match="no hand-coded unit"):
        t = corrected_mean(_small(), prediction="pred", gold="gold", pi="pi", by="g",
                           cluster="doc", ci=0.9)
    z90 = 1.6448536269514722
    assert t["n_clusters"].tolist() == [3, 2, 1]
    assert t["estimate"].tolist() == pytest.approx([0.5, 1 / 3, 0.4])
    assert t["se"].tolist()[:2] == pytest.approx([math.sqrt(0.24609375), 4 / 9])
    assert np.isnan(t["se"].iloc[2]) and np.isnan(t["ci_low"].iloc[2])
    assert t["uncorrected_se"].iloc[0] == pytest.approx(math.sqrt(0.01171875))
    assert t["ci_high"].iloc[1] == pytest.approx(1 / 3 + z90 * 4 / 9)
    assert t.attrs["cluster"] == "doc" and t.attrs["ci"] == 0.9


def test_whole_table_bounds_and_constant_pi_is_ppi():
    u = _small().iloc[4:7]  # group b alone
    t = corrected_mean(u, prediction="pred", gold="gold", pi="pi")
    assert list(t.columns) == list(CORRECTED_COLUMNS) and len(t) == 1
    assert t["estimate"].iloc[0] == pytest.approx(1 / 3)
    # bounds clip the interval, never the estimate
    t = corrected_mean(u, prediction="pred", gold="gold", pi="pi", bounds=(0, 1))
    assert t["ci_low"].iloc[0] == 0.0  # 1/3 - 1.96/3 < 0
    assert t["ci_high"].iloc[0] == pytest.approx(1 / 3 + Z95 / 3)  # inside: unchanged
    assert t["estimate"].iloc[0] == pytest.approx(1 / 3)
    assert t["uncorrected_ci_high"].iloc[0] == 1.0  # 2/3 + 1.96/3 > 1
    assert t.attrs["bounds"] == (0, 1)
    # with pi = n/N for every unit the estimate is PPI's: mean(pred) + mean(gold - pred | coded)
    rng = np.random.default_rng(0)
    pred = rng.random(40)
    gold = np.where(np.arange(40) < 10, (rng.random(40) < 0.5).astype(float), np.nan)
    u = pd.DataFrame({"pred": pred, "gold": gold, "pi": 10 / 40})
    t = corrected_mean(u, prediction="pred", gold="gold", pi="pi")
    assert t["estimate"].iloc[0] == pytest.approx(pred.mean() + (gold[:10] - pred[:10]).mean())


def test_several_by_columns_nan_group_and_bool_gold():
    u = pd.DataFrame({"c": ["x", "x", "y", "y", None], "year": [2021, 2022, 2021, 2021, 2021],
                      "pred": [0.2, 0.4, 0.6, 0.8, 1.0],
                      "gold": [True, None, False, None, True], "pi": [0.5, 0, 0.5, None, 1]})
    with pytest.warns(UserWarning) as record:
        t = corrected_mean(u, prediction="pred", gold="gold", pi="pi", by=["c", "year"])
    messages = " ".join(str(w.message) for w in record)
    assert "1 units have pi=0" in messages and "c='x', year=2022" in messages
    # sorted by the by columns; the unit without a collection is its own group, last
    assert t["c"].tolist()[:3] == ["x", "x", "y"] and pd.isna(t["c"].iloc[3])
    assert t["year"].tolist() == [2021, 2022, 2021, 2021]
    # x/2021: 0.2 + 0.8/0.5 = 1.8; y/2021: 0.6 - 0.6/0.5 = -0.6 and 0.8 -> 0.1; NaN/2021: 1.0
    assert t["estimate"].tolist() == pytest.approx([1.8, 0.4, 0.1, 1.0])
    assert t["n_coded"].tolist() == [1, 0, 1, 1]


def test_empty_table_keeps_the_columns():
    u = pd.DataFrame({"g": pd.Series(dtype=str), "pred": pd.Series(dtype=float),
                      "gold": pd.Series(dtype=float), "pi": pd.Series(dtype=float)})
    t = corrected_mean(u, prediction="pred", gold="gold", pi="pi", by="g")
    assert t.empty and list(t.columns) == ["g", *CORRECTED_COLUMNS]


# ---------------------------------------------------------------------------------------------
# Inclusion probabilities
# ---------------------------------------------------------------------------------------------


def test_inclusion_probabilities_overlapping_strata():
    # N = 6; A: 1 of 2, B: 1 of 3, any: 1 more.
    # sequential (any from the 4 not drawn): A 1/2 + (1/2)(1/4) = 5/8, B 1/3 + (2/3)(1/4) = 1/2,
    #                                        unlabelled 1/4; sum 3 = units drawn
    # independent (any from all 6):  A 1 - (1/2)(5/6) = 7/12, B 1 - (2/3)(5/6) = 4/9, 1/6
    # additive:                      A 1/2 + 1/6 = 2/3,      B 1/3 + 1/6 = 1/2,      1/6
    units = pd.DataFrame({"stratum": ["A", "A", "B", "B", "B", None]},
                         index=[10, 11, 12, 13, 14, 15])
    sizes = {"A": 1, "B": 1, "any": 1}
    seq = inclusion_probabilities(units, strata="stratum", sample_sizes=sizes,
                                  any_stratum="any")
    assert seq.name == "pi" and seq.index.tolist() == units.index.tolist()
    assert seq.tolist() == pytest.approx([5 / 8] * 2 + [1 / 2] * 3 + [1 / 4])
    assert seq.sum() == pytest.approx(3)
    indep = inclusion_probabilities(units, strata="stratum", sample_sizes=sizes,
                                    any_stratum="any", combine="independent")
    assert indep.tolist() == pytest.approx([7 / 12] * 2 + [4 / 9] * 3 + [1 / 6])
    additive = inclusion_probabilities(units, strata="stratum", sample_sizes=sizes,
                                       any_stratum="any", combine="additive")
    assert additive.tolist() == pytest.approx([2 / 3] * 2 + [1 / 2] * 3 + [1 / 6])
    assert additive.sum() == pytest.approx(3)  # additive = expected draws
    # no 'any' draw: a unit outside the sampled strata cannot be drawn
    only = inclusion_probabilities(units, strata="stratum", sample_sizes={"A": 2})
    assert only.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    # a unit labelled as the 'any' key is in no specific stratum
    units2 = pd.DataFrame({"stratum": ["A", "A", "any", "any"]})
    pi2 = inclusion_probabilities(units2, strata="stratum", sample_sizes={"A": 1, "any": 2},
                                  any_stratum="any", combine="independent")
    assert pi2.tolist() == pytest.approx([1 - 0.5 * 0.5] * 2 + [0.5] * 2)


@pytest.mark.parametrize("kwargs, match", [
    (dict(strata="layer", sample_sizes={"A": 1}), r"missing \['layer'\].*strata='layer'"),
    (dict(strata="stratum", sample_sizes={"Z": 1}), r"stratum 'Z'.*column 'stratum'"),
    (dict(strata="stratum", sample_sizes={"A": 3}),
     r"sample_sizes\['A'\]=3.*only 2 units.*whole corpus"),
    (dict(strata="stratum", sample_sizes={"A": 1}, any_stratum="any"),
     r"any_stratum='any' is not a key"),
    (dict(strata="stratum", sample_sizes={"A": -1}), r"non-negative int"),
    (dict(strata="stratum", sample_sizes={"A": 1.5}), r"non-negative int"),
    (dict(strata="stratum", sample_sizes={"any": 7}, any_stratum="any"),
     r"\['any'\]=7 but only 6 units are left"),
    (dict(strata="stratum", sample_sizes={"A": 2, "B": 3, "any": 2}, any_stratum="any"),
     r"only 1 units are left.*less those the strata drew"),
    (dict(strata="stratum", sample_sizes={"A": 2, "any": 1}, any_stratum="any",
          combine="additive"), r"above 1.*combine='sequential'"),
    (dict(strata="stratum", sample_sizes={"A": 1}, combine="sum"), r"invalid combine"),
    (dict(strata="stratum", sample_sizes={}), r"non-empty dict"),
])
def test_inclusion_probabilities_errors(kwargs, match):
    units = pd.DataFrame({"stratum": ["A", "A", "B", "B", "B", None]})
    with pytest.raises(ValueError, match=match):
        inclusion_probabilities(units, **kwargs)


# ---------------------------------------------------------------------------------------------
# Bad input to corrected_mean
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, kwargs, match", [
    ({}, dict(by="year"), r"missing \['year'\].*inclusion_probabilities"),
    ({}, dict(cluster="doc_id"), r"missing \['doc_id'\]"),
    ({"pi": [np.nan, 0.5, np.nan, 1.0]}, {},
     r"pi column 'pi': 1 hand-coded units.*0 or NaN.*rows 0.*inclusion_probabilities\(\)"),
    ({"pi": [0.0, 0.5, np.nan, 1.0]}, {}, r"'pi'.*0 or NaN.*set 'gold' to NaN"),
    ({"pi": [1.5, 0.5, np.nan, 1.0]}, {}, r"'pi'.*above 1.*inverse"),
    ({"pred": [0.1, np.nan, 0.2, 0.3]}, {}, r"prediction column 'pred'.*rows 1.*predict every"),
    ({"gold": ["yes", None, None, "no"]}, {}, r"gold column 'gold' must be numeric"),
    ({"gold": [np.inf, None, None, 1.0]}, {}, r"gold column 'gold' has infinite"),
    ({}, dict(ci=0), r"ci=0.*between 0 and 1"),
    ({}, dict(ci=1.0), r"ci=1.0.*between 0 and 1"),
    ({}, dict(ci=95), r"ci=95.*ci=0.95"),
    ({}, dict(bounds=(1, 0)), r"bounds=\(1, 0\).*low < high"),
    ({"doc": ["d", None, "d", "e"]}, dict(cluster="doc"), r"cluster column 'doc'.*rows 1"),
])
def test_corrected_mean_errors(change, kwargs, match):
    u = pd.DataFrame({"pred": [0.1, 0.9, 0.2, 0.3], "gold": [1.0, None, None, 0.0],
                      "pi": [0.5, 0.5, np.nan, 1.0], "doc": ["d", "d", "e", "e"]})
    for col, values in change.items():
        u[col] = values
    with pytest.raises(ValueError, match=match):
        corrected_mean(u, prediction="pred", gold="gold", pi="pi", **kwargs)


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="needs a DataFrame"):
        corrected_mean([1, 2], prediction="p", gold="g", pi="pi")


# ---------------------------------------------------------------------------------------------
# Plot
# ---------------------------------------------------------------------------------------------


def _table(by="g"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return corrected_mean(_small(), prediction="pred", gold="gold", pi="pi", by=by)


def _points(container) -> int:
    return len(container.lines[0].get_xdata())


def test_plot_corrected_mean_points_offsets_and_labels():
    t = _table()
    ax = plot_corrected_mean(t)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert len(ax.containers) == 2
    corr, raw = ax.containers
    # group c has no coded unit: only its uncorrected marker, labelled
    assert _points(corr) == 2 and _points(raw) == 3
    assert corr.has_yerr and raw.has_yerr
    assert list(corr.lines[0].get_ydata()) == pytest.approx([0.5, 1 / 3])
    x_corr, x_raw = corr.lines[0].get_xdata(), raw.lines[0].get_xdata()
    assert np.all(x_corr < x_raw[:2]) and x_raw[0] - x_corr[0] < 0.5  # offset, same category
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "g" and ax.get_ylabel() == "estimate"
    assert "95% CI" in ax.get_title()
    assert [x.get_text() for x in ax.get_legend().get_texts()] == [
        "corrected (DSL)", "uncorrected (predictions)"]
    assert any(a.get_text() == "not coded" for a in ax.texts)


def test_plot_corrected_mean_honours_ax_hue_and_numeric_x():
    u = pd.DataFrame({"coll": ["u", "u", "w", "w"] * 2, "year": [2021, 2022] * 4,
                      "pred": [0.2, 0.3, 0.4, 0.5, 0.1, 0.3, 0.5, 0.7],
                      "gold": [0, np.nan, 1, np.nan, 0, 1, np.nan, 1.0],
                      "pi": [0.5, np.nan, 0.5, np.nan, 0.5, 0.5, np.nan, 0.5]})
    t = corrected_mean(u, prediction="pred", gold="gold", pi="pi", by=["coll", "year"])
    fig, axes = plt.subplots(1, 2)
    ax = plot_corrected_mean(t, x="year", hue="coll", ax=axes[1], percent=True, title="T")
    assert ax is axes[1] and not axes[0].containers
    assert len(ax.containers) == 4  # corrected and uncorrected per collection
    assert [_points(c) for c in ax.containers] == [2, 2, 2, 2]
    xs = np.concatenate([c.lines[0].get_xdata() for c in ax.containers])
    assert np.all((xs > 2020.5) & (xs < 2022.5))  # numeric axis around the years
    assert ax.get_ylabel() == "estimate (%)" and ax.get_title() == "T"
    assert ax.containers[0].lines[0].get_ydata()[0] == pytest.approx(
        100 * t["estimate"].iloc[0])
    # two rows at one x without hue= is refused, naming the other column
    with pytest.raises(ValueError, match=r"share an x position.*\['coll'\]"):
        plot_corrected_mean(t, x="year")
    with pytest.raises(ValueError, match="missing"):
        plot_corrected_mean(t.drop(columns="ci_low"))
    # no group column: one position labelled "all"
    whole = corrected_mean(u, prediction="pred", gold="gold", pi="pi")
    ax = plot_corrected_mean(whole)
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["all"]
