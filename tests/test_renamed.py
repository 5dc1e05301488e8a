"""Earlier keyword names (k, seed, topics_k, group) still work, warn, and name the new one."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import analyze, run_topics
from toolkit.plots.sentiment import plot_sentiment_by_country
from toolkit.renamed import take_renamed


def test_old_name_moves_to_the_new_one_with_a_warning():
    with pytest.warns(FutureWarning, match=r"run_topics\(seed=\.\.\.\) is now "
                                           r"run_topics\(random_state=\.\.\.\)"):
        got = take_renamed("run_topics", {"seed": 3}, {"seed": "random_state"},
                           {"random_state": 0}, {"random_state": 0})
    assert got == {"random_state": 3}


def test_both_names_or_an_unknown_name_are_errors():
    with pytest.raises(TypeError, match="give n_topics= only"):
        take_renamed("f", {"k": 3}, {"k": "n_topics"}, {"n_topics": 5}, {"n_topics": 20})
    with pytest.raises(TypeError, match="unexpected keyword argument 'topic_k'"):
        take_renamed("f", {"topic_k": 3}, {"k": "n_topics"}, {"n_topics": 20}, {"n_topics": 20})


def test_analyze_rejects_a_misspelt_keyword_before_any_work(tmp_path):
    with pytest.raises(TypeError, match="unexpected keyword argument 'n_topic'"):
        analyze(tmp_path / "nothing", tmp_path / "out", n_topic=3)


def test_run_topics_old_names_fit_the_same_model(tmp_path):
    words = ["missile defence alliance", "trade tariff market", "climate emission warming"]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(30)], "collection": "c",
                         "year": 2024, "date": pd.Timestamp("2024-05-01"),
                         "text": [f"{words[i % 3]} {words[i % 3]} report {i}." for i in range(30)]})
    kw = dict(model="nmf", progress=False, use_cache=False, figures=False, min_df=1, max_df=1.0)
    new = run_topics(docs, n_topics=3, random_state=1, out=tmp_path / "new", **kw)
    with pytest.warns(FutureWarning) as caught:
        old = run_topics(docs, k=3, seed=1, out=tmp_path / "old", **kw)
    assert sorted(str(w.message).split(" is now ")[1].split(";")[0] for w in caught) == [
        "run_topics(n_topics=...)", "run_topics(random_state=...)"]
    pd.testing.assert_frame_equal(new["topic_terms"], old["topic_terms"])
    assert new["topic_terms"]["topic"].nunique() == 3


def test_plot_by_country_takes_by_and_the_old_group():
    t = pd.DataFrame({"actor": ["RUS", "RUS"], "country": ["FRA", "DEU"],
                      "mean": [-0.4, -0.1], "ci_low": [-0.6, -0.3], "ci_high": [-0.2, 0.1]})
    fig = plot_sentiment_by_country(t, by="country", source=None)
    assert [x.get_text() for x in fig.axes[0].get_yticklabels()] == ["FRA", "DEU"]
    with pytest.warns(FutureWarning, match="group="):
        fig = plot_sentiment_by_country(t, group="country", source=None)
    assert [x.get_text() for x in fig.axes[0].get_yticklabels()] == ["FRA", "DEU"]


def test_plots_are_named_for_their_tables_and_keep_their_earlier_names():
    import toolkit
    from toolkit.plots import threat

    assert toolkit.plot_term_frequency is toolkit.plot_frequency
    assert threat.plot_threat_attributions is threat.plot_attributions
    assert "plot_term_frequency" in toolkit.__all__
