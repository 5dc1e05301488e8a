"""Tests of actor sentiment aggregation: exact tables on hand-built inputs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.aggregate import SENTIMENT_BY_COLUMNS, sentiment_by, sentiment_evidence
from toolkit.bootstrap import bootstrap_ci

DOCS = pd.DataFrame(
    {
        "doc_id": ["d1", "d2", "d3", "d4"],
        "collection": ["whitehouse", "whitehouse", "ungd", "ungd"],
        "date": pd.to_datetime(["2024-01-15", "2024-02-03", "2024-04-01", "2023-01-01"]),
        "date_precision": ["day", "day", "month", "year"],
        "speaker": ["Biden", "Biden", "Macron", None],
        "country": ["USA", "USA", "FRA", "FRA"],
        "text": ["...", "...", "...", "..."],
    }
)

ACTOR_SENT = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d1", "d2", "d2", "d3", "d4"],
        "sent_id": [0, 1, 1, 0, 2, 0, 0],
        "actor": ["RUS", "RUS", "UKR", "RUS", "UKR", "RUS", "RUS"],
        "n_mentions": [1, 2, 1, 1, 1, 1, 1],
        "label": ["negative", "negative", "positive", "neutral", "neutral", "negative", "positive"],
        "score": [-0.8, -0.4, 0.6, 0.0, 0.2, -0.6, 0.4],
        "method": "sklearn",
    }
)

SENTENCES = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d2", "d2", "d3", "d4"],
        "sent_id": [0, 1, 0, 2, 0, 0],
        "text": ["s1.0", "s1.1", "s2.0", "s2.2", "s3.0", "s4.0"],
    }
)


def records(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(r) for r in df[cols].round(6).itertuples(index=False)]


def test_by_year_exact():
    out = sentiment_by(ACTOR_SENT, DOCS, "year", n_boot=200)
    assert list(out.columns) == ["actor", "year", *SENTIMENT_BY_COLUMNS]
    assert records(out, ["actor", "year", "n", "n_docs", "mean", "n_negative", "n_neutral",
                         "n_positive"]) == [
        ("RUS", 2023, 1, 1, 0.4, 0, 0, 1),
        ("RUS", 2024, 4, 3, -0.45, 3, 1, 0),
        ("UKR", 2024, 2, 2, 0.4, 0, 1, 1),
    ]
    single = out.iloc[0]
    assert single["ci_low"] == single["ci_high"] == single["mean"]
    assert (out["ci_low"] <= out["mean"] + 1e-12).all()
    assert (out["mean"] <= out["ci_high"] + 1e-12).all()
    assert out["n"].dtype == "int64" and out["n_negative"].dtype == "int64"


def test_by_month_and_quarter_respect_date_precision():
    with pytest.warns(UserWarning, match="1 of 7 actor sentiment rows"):
        month = sentiment_by(ACTOR_SENT, DOCS, "month", n_boot=200)
    assert records(month, ["actor", "month", "n", "mean"]) == [
        ("RUS", "2024-01", 2, -0.6),
        ("RUS", "2024-02", 1, 0.0),
        ("RUS", "2024-04", 1, -0.6),
        ("UKR", "2024-01", 1, 0.6),
        ("UKR", "2024-02", 1, 0.2),
    ]
    with pytest.warns(UserWarning, match="left out"):
        quarter = sentiment_by(ACTOR_SENT, DOCS, "quarter", n_boot=200)
    assert records(quarter, ["actor", "quarter", "n", "mean", "n_negative"]) == [
        ("RUS", "2024Q1", 3, -0.4, 2),
        ("RUS", "2024Q2", 1, -0.6, 1),
        ("UKR", "2024Q1", 2, 0.4, 0),
    ]


def test_by_doc_speaker_country_collection_and_lists():
    doc = sentiment_by(ACTOR_SENT, DOCS, "doc", n_boot=100)
    assert records(doc, ["actor", "doc_id", "n", "mean"]) == [
        ("RUS", "d1", 2, -0.6), ("RUS", "d2", 1, 0.0), ("RUS", "d3", 1, -0.6),
        ("RUS", "d4", 1, 0.4), ("UKR", "d1", 1, 0.6), ("UKR", "d2", 1, 0.2),
    ]
    country = sentiment_by(ACTOR_SENT, DOCS, "country", n_boot=100)
    assert records(country, ["actor", "country", "n", "n_docs", "mean"]) == [
        ("RUS", "FRA", 2, 2, -0.1), ("RUS", "USA", 3, 2, -0.4), ("UKR", "USA", 2, 2, 0.4),
    ]
    with pytest.warns(UserWarning, match="1 of 7"):
        speaker = sentiment_by(ACTOR_SENT, DOCS, "speaker", n_boot=100)
    assert records(speaker, ["actor", "speaker", "n"]) == [
        ("RUS", "Biden", 3), ("RUS", "Macron", 1), ("UKR", "Biden", 2)]
    both = sentiment_by(ACTOR_SENT, DOCS, ["collection", "year"], n_boot=100)
    assert records(both, ["actor", "collection", "year", "n", "mean"]) == [
        ("RUS", "ungd", 2023, 1, 0.4), ("RUS", "ungd", 2024, 1, -0.6),
        ("RUS", "whitehouse", 2024, 3, -0.4), ("UKR", "whitehouse", 2024, 2, 0.4),
    ]


def test_sentence_level_column_wins_over_the_document():
    a = ACTOR_SENT.assign(speaker=["Q", "Q", "A", "A", "A", "A", "A"])
    out = sentiment_by(a, DOCS, "speaker", n_boot=50)
    assert records(out, ["actor", "speaker", "n"]) == [
        ("RUS", "A", 3), ("RUS", "Q", 2), ("UKR", "A", 2)]


def test_bootstrap_is_reproducible_and_clustered_by_document():
    a = sentiment_by(ACTOR_SENT, DOCS, "country", n_boot=500, random_state=7)
    b = sentiment_by(ACTOR_SENT, DOCS, "country", n_boot=500, random_state=7)
    pd.testing.assert_frame_equal(a, b)
    # the same numbers as the toolkit's bootstrap, resampling whole documents
    table = ACTOR_SENT.merge(DOCS[["doc_id", "country"]], on="doc_id")
    ref = bootstrap_ci(table, "score", ["actor", "country"], n_boot=500, random_state=7,
                       cluster="doc_id")
    np.testing.assert_allclose(a[["ci_low", "ci_high"]], ref[["ci_low", "ci_high"]])
    rows = sentiment_by(ACTOR_SENT, DOCS, "country", n_boot=500, random_state=7, cluster=False)
    ref_rows = bootstrap_ci(table, "score", ["actor", "country"], n_boot=500, random_state=7)
    np.testing.assert_allclose(rows[["ci_low", "ci_high"]], ref_rows[["ci_low", "ci_high"]])
    # another seed gives another interval (on a table large enough for it to show)
    rng = np.random.default_rng(0)
    big = pd.DataFrame({"doc_id": rng.choice(["d1", "d2", "d3", "d4"], 200),
                        "sent_id": np.arange(200), "actor": "RUS",
                        "score": rng.uniform(-1, 1, 200), "label": "neutral"})
    s7 = sentiment_by(big, DOCS, "collection", n_boot=200, random_state=7, cluster=False)
    s8 = sentiment_by(big, DOCS, "collection", n_boot=200, random_state=8, cluster=False)
    pd.testing.assert_frame_equal(s7[["actor", "collection", "n", "mean"]],
                                  s8[["actor", "collection", "n", "mean"]])
    assert not np.allclose(s7[["ci_low", "ci_high"]], s8[["ci_low", "ci_high"]])


def test_sentiment_by_errors():
    with pytest.raises(ValueError, match="invalid by='weekday'; valid values are: 'doc', 'month'"):
        sentiment_by(ACTOR_SENT, DOCS, "weekday")
    with pytest.raises(ValueError, match="invalid by='colour'"):
        sentiment_by(ACTOR_SENT, DOCS, ["collection", "colour"])
    with pytest.raises(ValueError, match="by='country' needs a 'country' column"):
        sentiment_by(ACTOR_SENT, DOCS.drop(columns="country"), "country")
    with pytest.raises(ValueError, match=r"not in docs, e.g. \['d4'\]"):
        sentiment_by(ACTOR_SENT, DOCS.iloc[:3], "year")
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['score'\]"):
        sentiment_by(ACTOR_SENT.drop(columns="score"), DOCS, "year")


def test_sentiment_by_empty():
    out = sentiment_by(ACTOR_SENT.iloc[:0], DOCS, "year")
    assert list(out.columns) == ["actor", "year", *SENTIMENT_BY_COLUMNS] and len(out) == 0


def test_evidence_exact():
    out = sentiment_evidence(ACTOR_SENT, SENTENCES, n=2)
    assert list(out.columns) == ["actor", "rank", "doc_id", "sent_id", "text", "score", "label"]
    assert records(out, ["actor", "rank", "doc_id", "sent_id", "text", "score", "label"]) == [
        ("RUS", 1, "d1", 0, "s1.0", -0.8, "negative"),
        ("RUS", 2, "d3", 0, "s3.0", -0.6, "negative"),
        ("UKR", 1, "d1", 1, "s1.1", 0.6, "positive"),
        ("UKR", 2, "d2", 2, "s2.2", 0.2, "neutral"),
    ]
    pos = sentiment_evidence(ACTOR_SENT, SENTENCES, actor="RUS", n=1, direction="positive")
    assert records(pos, ["actor", "doc_id", "score"]) == [("RUS", "d4", 0.4)]
    neg = sentiment_evidence(ACTOR_SENT, SENTENCES, actor=["UKR"], direction="negative")
    assert records(neg, ["rank", "score"]) == [(1, 0.2), (2, 0.6)]


def test_evidence_errors():
    with pytest.raises(ValueError, match="invalid actor='CHN'; valid values are: 'RUS', 'UKR'"):
        sentiment_evidence(ACTOR_SENT, SENTENCES, actor="CHN")
    with pytest.raises(ValueError, match="doc_id='d3', sent_id=0 of the actor sentiment table"):
        sentiment_evidence(ACTOR_SENT, SENTENCES.iloc[:3])
    with pytest.raises(ValueError, match="invalid direction"):
        sentiment_evidence(ACTOR_SENT, SENTENCES, direction="up")
