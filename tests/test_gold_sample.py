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
