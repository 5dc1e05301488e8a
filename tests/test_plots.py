"""The plotting modules of the figures: each takes a tidy table and returns a labelled Figure."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from toolkit.plots_corpus import corpus_by_year, plot_corpus_over_time  # noqa: E402
from toolkit.plots_sentiment import plot_sentiment_by_country, plot_sentiment_over_time  # noqa
from toolkit.plots_threat import (plot_attributions, plot_coframing, plot_percentile,  # noqa
                                  plot_threat_over_time, plot_threat_types,
                                  plot_topic_association, plot_validation)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _labels(fig):
    return [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes]


def test_corpus_by_year_table_and_plot():
    d = pd.DataFrame({"doc_id": list("abcd"), "collection": ["ungd", "ungd", "whitehouse", "x"],
                      "year": [2021, 2022, 2022, None]})
    t = corpus_by_year(d, pd.Series({"a": 100, "b": 50, "c": 10}))
    assert t.values.tolist() == [["ungd", 2021, 1, 100], ["ungd", 2022, 1, 50],
                                 ["whitehouse", 2022, 1, 10]]
    fig = plot_corpus_over_time(t, source="Source: corpus/")
    assert _labels(fig) == [("year", "documents"), ("year", "words (thousands)")]
    assert any("Source: corpus/" in t.get_text() for t in fig.texts)
    # no source line unless one is given: the general plots know no corpus
    assert not plot_corpus_over_time(t).texts


def test_threat_plots():
    t = pd.DataFrame({"collection": ["ungd", "ungd", "whitehouse"], "year": [2021, 2022, 2022],
                      "mean": [0.1, 0.2, 0.15], "ci_low": [0.05, 0.1, 0.1],
                      "ci_high": [0.2, 0.3, 0.2]})
    fig = plot_threat_over_time(t)
    assert fig.axes[0].get_xlabel() == "year" and "%" in fig.axes[0].get_ylabel()
    types = pd.DataFrame({"collection": ["ungd"] * 2, "year": [2021] * 2,
                          "threat_type": ["military", "nuclear"], "share": [0.7, 0.3]})
    assert plot_threat_types(types).axes[0].get_ylabel() == "% of threat sentences"
    att = pd.DataFrame({"framer": ["USA", "USA"], "year": [2021, 2022], "actor": ["RUS", "RUS"],
                        "share_source": [0.1, 0.2], "ci_low": [0.0, 0.1], "ci_high": [0.2, 0.3]})
    fig = plot_attributions(att)
    assert fig.axes[0].get_title() == "USA" and fig.axes[0].get_xlabel() == "year"
    co = pd.DataFrame({"collection": ["ungd", "ungd"], "year": [2021, 2022],
                       "share_docs": [0.0, 0.5], "ci_low": [0, 0.1], "ci_high": [0, 0.9],
                       "sentences_coframing": [0, 3]})
    assert plot_coframing(co).axes[1].get_ylabel() == "sentences naming all four (count)"
    pc = pd.DataFrame({"doc_id": ["a", "b", "s"], "collection": ["ungd", "ungd", "seed"],
                       "per_1000_words": [1.0, 2.0, 3.0], "highlight": [False, False, True],
                       "percentile": [None, None, 100.0], "label": ["", "", "seed"]})
    fig = plot_percentile(pc)
    assert fig.axes[0].get_xlabel() == "threat sentences per 1,000 words"
    assert any("percentile 100" in t.get_text() for t in fig.axes[0].texts)
    ta = pd.DataFrame({"topic": [0, 1], "label": ["war", "trade"], "weighted_mean": [0.3, 0.1],
                       "mean": [0.2, 0.2]})
    assert "threat" in plot_topic_association(ta).axes[0].get_xlabel()
    v = pd.DataFrame({"measure": ["threat"], "toolkit": [0.9], "coders": [0.98]})
    assert plot_validation(v).axes[0].get_xlabel() == "score (0-1)"


def test_sentiment_plots():
    t = pd.DataFrame({"actor": ["RUS", "RUS", "CHN"], "collection": ["ungd"] * 3,
                      "year": [2021, 2022, 2022], "mean": [-0.1, -0.4, 0.0],
                      "ci_low": [-0.2, -0.5, -0.1], "ci_high": [0.0, -0.3, 0.1]})
    fig = plot_sentiment_over_time(t)
    assert fig.axes[0].get_ylabel() == "mean sentiment score (-1 to 1)"
    c = pd.DataFrame({"actor": ["RUS", "RUS"], "iso3": ["LTU", "FRA"], "mean": [-0.6, -0.2],
                      "ci_low": [-0.8, -0.3], "ci_high": [-0.4, -0.1]})
    fig = plot_sentiment_by_country(c)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["LTU", "FRA"]


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="share_docs"):
        plot_coframing(pd.DataFrame({"collection": [], "year": []}))


def test_threat_over_time_leaves_out_small_years_and_names_them():
    t = pd.DataFrame({"collection": ["whitehouse"] * 3, "year": [2024, 2025, 2026],
                      "mean": [0.1, 0.2, 0.9], "ci_low": [0.05, 0.1, 0.0],
                      "ci_high": [0.15, 0.3, 1.0], "n_docs": [245, 37, 6]})
    fig = plot_threat_over_time(t, min_docs=30, source="Source: test")
    xs = fig.axes[0].lines[0].get_xdata().tolist()
    assert xs == [2024, 2025]
    notes = " ".join(x.get_text() for x in fig.texts)
    assert "fewer than 30 documents: White House (NATO docs) 2026 (6 documents)" in notes
    assert "Source: test" in notes
    # the y label is on two lines so that it fits the 4-inch figure
    assert plot_threat_over_time(t).axes[0].get_ylabel().count("\n") == 1
    assert plot_threat_over_time(t).axes[0].lines[0].get_xdata().tolist() == [2024, 2025, 2026]
    with pytest.raises(ValueError, match="n_docs"):
        plot_threat_over_time(t.drop(columns="n_docs"), min_docs=30)
    # every year too small: an empty plot that says so, and no legend warning
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_threat_over_time(t, min_docs=1000)
    assert [x.get_text() for x in fig.axes[0].texts] == ["no year to show"]


def test_single_axes_plots_draw_on_the_callers_axes():
    t = pd.DataFrame({"collection": ["ungd", "ungd"], "year": [2021, 2022], "mean": [0.1, 0.2],
                      "ci_low": [0.05, 0.1], "ci_high": [0.2, 0.3]})
    v = pd.DataFrame({"measure": ["threat F1"], "toolkit": [0.8], "coders": [0.9]})
    pc = pd.DataFrame({"doc_id": ["a", "b", "s"], "collection": ["ungd", "ungd", "seed"],
                       "per_1000_words": [1.0, 2.0, 3.0], "highlight": [False, False, True]})
    ta = pd.DataFrame({"topic": [0, 1], "label": ["war", "trade"], "weighted_mean": [0.3, 0.1],
                       "mean": [0.2, 0.2]})
    fig, axes = plt.subplots(2, 2)
    for ax, (f, table) in zip(axes.flat, [(plot_threat_over_time, t), (plot_validation, v),
                                          (plot_percentile, pc), (plot_topic_association, ta)]):
        assert f(table, ax=ax) is ax
        assert ax.has_data()
    assert len(fig.axes) == 4 and not fig.texts  # nothing added outside the given axes
