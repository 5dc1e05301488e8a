"""The dev set as the coded sample of a corpus: units, labels and inclusion probabilities."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from toolkit.engine import GraphRun
from toolkit.project.gold_sample import DEV_DESIGN, dev_sample_units

TEXTS = {
    "wh/a.md": "Russia threatens our allies with missiles. We met in Paris. Russia is a partner.",
    "wh/b.md": "The weather was fine. Iran attacked the ships.",
}


@pytest.fixture()
def tables():
    docs = pd.DataFrame({"doc_id": list(TEXTS), "collection": "wh",
                         "path": [f"corpus/{d}" for d in TEXTS], "year": 2024,
                         "text": list(TEXTS.values())})
    run = GraphRun({"documents": docs}, use_cache=False, progress=False,
                   params={"threat_method": "rules", "sentiment_method": "lexicon"})
    return {n: run[n] for n in ("documents", "sentences", "mentions", "lexicon_frames",
                                "threat_frames", "threat_roles")}


def test_units_carry_predictions_labels_and_probabilities(tables, tmp_path):
    gold = tmp_path / "gold.jsonl"
    line = {"id": "g1", "source": "wh", "doc": "a.md", "sentence": "We met in Paris.",
            "threat": False, "actors": {}}
    line2 = {"id": "g2", "source": "wh", "doc": "b.md", "sentence": "Iran attacked the ships.",
             "threat": True, "threat_type": "military", "horizon": "past",
             "actors": {"IRN": {"sentiment": "negative", "role": "source", "mentions": []}}}
    gold.write_text(json.dumps(line) + "\n" + json.dumps(line2) + "\n", encoding="utf-8")
    units = dev_sample_units(tables, gold=gold, source_actors=["IRN", "RUS"])
    assert len(units) == len(tables["sentences"]) == 5
    coded = units[units["gold_threat"].notna()]
    assert coded[["doc_id", "sent_id", "gold_threat"]].values.tolist() == [
        ["wh/a.md", 1, 0.0], ["wh/b.md", 1, 1.0]]
    iran = units[units["doc_id"] == "wh/b.md"].set_index("sent_id")
    assert iran.at[1, "gold_source_IRN"] == 1.0 and iran.at[1, "gold_source_RUS"] == 0.0
    # one source of the two is no co-framing; uncoded sentences have no gold co-framing
    assert iran.at[1, "gold_coframing"] == 0.0 and iran.at[1, "coframing"] == 0.0
    assert units.loc[units["gold_threat"].isna(), "gold_coframing"].isna().all()
    assert units["coframing"].notna().all()
    # two coded sentences: round(0.45 * 2) = 1 from actor + cue, round(0.35 * 2) = 1 from actor
    # only, none from any sentence: pi = 1/N_h in the two strata, 0 elsewhere
    strata = units["stratum"].value_counts()
    for stratum, share in (("actor_cue", DEV_DESIGN["actor_cue"]),
                           ("actor_only", DEV_DESIGN["actor_only"])):
        got = units.loc[units["stratum"] == stratum, "pi"]
        assert got.eq(round(share * 2) / strata[stratum]).all()
    assert units.loc[units["stratum"] == "other", "pi"].eq(0).all()


def test_corrected_shares_report_only_groups_with_enough_coded_sentences(recwarn):
    import numpy as np

    from toolkit.evaluation import corrected_mean
    from toolkit.project.gold_sample import SHARE_COLUMNS, corrected_shares

    rng = np.random.default_rng(0)
    n = 400
    year = np.repeat([2021, 2022], n // 2)
    truth = (rng.random(n) < 0.3).astype(float)
    pred = np.where(rng.random(n) < 0.85, truth, 1 - truth)
    coded = np.zeros(n, bool)
    coded[rng.choice(n // 2, 60, replace=False)] = True          # 60 coded in 2021
    coded[n // 2 + rng.choice(n // 2, 5, replace=False)] = True  # 5 in 2022
    units = pd.DataFrame({"doc_id": [f"d{i // 4}" for i in range(n)], "year": year,
                          "threat": pred, "gold_threat": np.where(coded, truth, np.nan),
                          "pi": np.where(year == 2021, 60 / 200, 5 / 200)})
    # a year without any coded sentence: flagged in the table, not warned about
    units = pd.concat([units, pd.DataFrame({"doc_id": "e", "year": [2023] * 4,
                                            "threat": [1.0, 0, 0, 0], "gold_threat": np.nan,
                                            "pi": 0.1})], ignore_index=True)
    t = corrected_shares(units, {"threat sentences": "threat"}, by="year")
    assert list(t.columns) == ["measure", "year", *SHARE_COLUMNS]
    assert t["reported"].tolist() == [True, False, False]
    assert t["n_coded"].tolist() == [60, 5, 0] and t.loc[2, "uncorrected"] == 0.25
    assert np.isnan(t.loc[1:, ["estimate", "ci_low", "ci_high"]].astype(float).to_numpy()).all()
    assert t["uncorrected"].tolist() == pytest.approx(
        [pred[year == 2021].mean(), pred[year == 2022].mean(), 0.25])
    with pytest.warns(UserWarning, match="1 of 3 groups have no hand-coded unit"):
        direct = corrected_mean(units, prediction="threat", gold="gold_threat", pi="pi",
                                by="year", cluster="doc_id", bounds=(0, 1))
    assert t.loc[0, "estimate"] == pytest.approx(direct.loc[0, "estimate"])
    assert t.loc[0, "ci_low"] <= t.loc[0, "estimate"] <= t.loc[0, "ci_high"]
    assert not [w for w in recwarn if "groups have no hand-coded" in str(w.message)]
