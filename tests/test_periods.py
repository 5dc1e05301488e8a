"""One period rule for every table: a date known only to the year has no month or quarter."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from toolkit import sentiment_by, threat_attributions
from toolkit.periods import period_of, too_coarse

DOCS = pd.DataFrame({
    "doc_id": ["wh", "un", "nodate"],
    "collection": ["whitehouse", "ungd", "whitehouse"],
    "iso3": [None, "LTU", None],
    "date": pd.to_datetime(["2024-03-05", "2022-01-01", None]),
    "date_precision": ["day", "year", None],
})


def test_period_labels_and_starts():
    assert period_of(DOCS, "month").tolist() == ["2024-03", None, None]
    assert period_of(DOCS, "quarter").tolist() == ["2024Q1", None, None]
    assert period_of(DOCS, "year").tolist()[:2] == [2024, 2022]
    assert pd.isna(period_of(DOCS, "year").iloc[2])
    starts = period_of(DOCS, "quarter", kind="start")
    assert starts.iloc[0] == pd.Timestamp("2024-01-01") and starts.iloc[1:].isna().all()
    assert too_coarse(DOCS, "month").tolist() == [False, True, False]
    assert too_coarse(DOCS, "year").tolist() == [False, False, False]
    with pytest.raises(ValueError, match="'month', 'quarter', 'year'"):
        period_of(DOCS, "week")


def test_year_only_documents_are_left_out_of_monthly_tables_everywhere():
    sent = pd.DataFrame({"doc_id": ["wh", "un"], "sent_id": [0, 0], "actor": ["RUS", "RUS"],
                         "score": [-0.5, 0.5], "label": ["negative", "positive"]})
    with pytest.warns(UserWarning, match="1 of 2 actor sentiment rows"):
        by_month = sentiment_by(sent, DOCS, "month", n_boot=50)
    assert by_month[["actor", "month", "n"]].values.tolist() == [["RUS", "2024-03", 1]]
    roles = pd.DataFrame({"doc_id": ["wh", "un"], "sent_id": [0, 0], "actor": ["RUS", "RUS"],
                          "role": ["source", "source"], "threat": [True, True]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        months = threat_attributions(roles, DOCS, by="month", n_boot=50)
        years = threat_attributions(roles, DOCS, by="year", n_boot=50)
    # Before the single period rule the UN speech of 2022 landed in January 2022.
    assert months["month"].tolist() == ["2024-03"]
    assert sorted(years["year"].tolist()) == [2022, 2024]
