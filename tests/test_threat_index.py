"""Threat indices per document and attribution tables (toolkit.threat_index)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.threat import threat_frames, threat_roles
from toolkit.threat_index import framers, threat_attributions, threat_index

DOCS = pd.DataFrame({
    "doc_id": ["wh/a.md", "wh/b.md", "ungd/UKR_77_2022.txt", "ungd/FIN_77_2022.txt"],
    "collection": ["whitehouse", "whitehouse", "ungd", "ungd"],
    "date": pd.to_datetime(["2022-02-24", "2022-05-10", "2022-09-21", "2022-09-22"]),
    "year": [2022, 2022, 2022, 2022],
    "iso3": [None, None, "UKR", "FIN"],
    "speaker": [None, None, "Zelenskyy", "Niinistö"],
    "country": [None, None, "Ukraine", "Finland"],
})
TEXTS = {
    "wh/a.md": ["Russia invaded Ukraine.", "We met our Allies in Brussels today."],
    "wh/b.md": ["Russia remains a threat to NATO.", "Iran threatens Israel.", "We signed a deal."],
    "ungd/UKR_77_2022.txt": ["Russia’s war against Ukraine continues.", "Thank you."],
    "ungd/FIN_77_2022.txt": ["Finland supports the United Nations."],
}
ACTORS = {"Russia": "RUS", "Ukraine": "UKR", "NATO": "NATO", "Iran": "IRN", "Israel": "ISR",
          "Finland": "FIN", "United Nations": "UN"}


def tables():
    sents, ments = [], []
    for doc_id, texts in TEXTS.items():
        pos = 0
        for i, t in enumerate(texts):
            sents.append({"doc_id": doc_id, "sent_id": i, "start": pos, "end": pos + len(t),
                          "text": t})
            for name, actor in ACTORS.items():
                j = t.find(name)
                if j >= 0:
                    ments.append({"doc_id": doc_id, "sent_id": i, "actor": actor, "surface": name,
                                  "start": pos + j, "end": pos + j + len(name), "kind": "name"})
            pos += len(t) + 1
    sents, ments = pd.DataFrame(sents), pd.DataFrame(ments)
    frames = threat_frames(sents, ments, progress=False)
    return sents, ments, frames, threat_roles(frames, ments, sents)


def test_threat_index_per_document():
    sents, _, frames, _ = tables()
    idx = threat_index(frames, DOCS, sents)
    assert idx["doc_id"].tolist() == DOCS["doc_id"].tolist()
    got = idx[["n_sentences", "n_threat", "share", "n_words", "per_1000_words", "n_military",
               "n_present", "n_future"]].to_dict("records")
    assert got == [
        {"n_sentences": 2, "n_threat": 1, "share": 0.5, "n_words": 10, "per_1000_words": 100.0,
         "n_military": 1, "n_present": 1, "n_future": 0},
        {"n_sentences": 3, "n_threat": 2, "share": 2 / 3, "n_words": 13,
         "per_1000_words": 1000 * 2 / 13, "n_military": 2, "n_present": 2, "n_future": 0},
        {"n_sentences": 2, "n_threat": 1, "share": 0.5, "n_words": 8, "per_1000_words": 125.0,
         "n_military": 1, "n_present": 1, "n_future": 0},
        {"n_sentences": 1, "n_threat": 0, "share": 0.0, "n_words": 5, "per_1000_words": 0.0,
         "n_military": 0, "n_present": 0, "n_future": 0},
    ]
    assert {"collection", "date", "year", "iso3", "n_nuclear", "n_other", "n_past",
            "mean_score"} <= set(idx.columns)


def test_threat_index_from_tokens_and_documents_without_sentences():
    sents, _, frames, _ = tables()
    toks = pd.DataFrame({"doc_id": ["wh/a.md"] * 4, "is_word": [True, True, True, False]})
    docs = pd.concat([DOCS, pd.DataFrame({"doc_id": ["empty"], "collection": ["whitehouse"]})],
                     ignore_index=True)
    idx = threat_index(frames, docs, toks).set_index("doc_id")
    assert idx.loc["wh/a.md", "n_words"] == 3
    assert idx.loc["empty", "n_sentences"] == 0
    assert np.isnan(idx.loc["empty", "share"]) and np.isnan(idx.loc["empty", "per_1000_words"])
    with pytest.raises(ValueError, match="word counts"):
        threat_index(frames, DOCS, pd.DataFrame({"doc_id": ["x"]}))


def test_framers():
    f = framers(DOCS)
    assert f.tolist() == ["USA", "USA", "UKR", "FIN"]
    assert framers(DOCS, {"whitehouse": "XXX"}).tolist()[0] == "XXX"


def test_attributions_by_collection():
    _, _, frames, roles = tables()
    att = threat_attributions(roles, DOCS, by="collection", frames=frames, n_boot=200)
    assert list(att.columns) == ["collection", "framer", "actor", "n_threat", "n_source",
                                 "n_referent", "share_source", "ci_low", "ci_high",
                                 "share_referent"]
    rows = att[["collection", "framer", "actor", "n_threat", "n_source", "n_referent",
                "share_source"]].values.tolist()
    assert rows == [
        ["ungd", "UKR", "RUS", 1, 1, 0, 1.0],
        ["ungd", "UKR", "UKR", 1, 0, 1, 0.0],
        ["whitehouse", "USA", "RUS", 3, 2, 0, 2 / 3],
        ["whitehouse", "USA", "IRN", 3, 1, 0, 1 / 3],
        ["whitehouse", "USA", "ISR", 3, 0, 1, 0.0],
        ["whitehouse", "USA", "NATO", 3, 0, 1, 0.0],
        ["whitehouse", "USA", "UKR", 3, 0, 1, 0.0],
    ]
    assert (att["ci_low"] <= att["share_source"]).all()
    assert (att["share_source"] <= att["ci_high"]).all()
    # the interval is the same for the same seed
    again = threat_attributions(roles, DOCS, by="collection", frames=frames, n_boot=200)
    pd.testing.assert_frame_equal(att, again)


def test_attributions_groupings():
    _, _, frames, roles = tables()
    by_doc = threat_attributions(roles, DOCS, frames=frames, n_boot=50)
    assert by_doc.columns[:3].tolist() == ["doc_id", "framer", "actor"]
    assert set(by_doc["doc_id"]) == {"wh/a.md", "wh/b.md", "ungd/UKR_77_2022.txt"}
    month = threat_attributions(roles, DOCS, by="month", frames=frames, n_boot=50)
    assert sorted(set(month["month"])) == ["2022-02", "2022-05", "2022-09"]
    quarter = threat_attributions(roles, DOCS, by="quarter", frames=frames, n_boot=50)
    assert sorted(set(quarter["quarter"])) == ["2022Q1", "2022Q2", "2022Q3"]
    framer = threat_attributions(roles, DOCS, by="framer", frames=frames, n_boot=50)
    assert framer.columns[:2].tolist() == ["framer", "actor"]
    year = threat_attributions(roles, DOCS, by="year", with_framer=False, n_boot=50)
    # without frames the denominator is the threat sentences that mention an actor (all 4 here)
    assert year.loc[year["actor"] == "RUS", ["n_threat", "n_source"]].values.tolist() == [[4, 3]]
    with pytest.raises(ValueError, match="valid values"):
        threat_attributions(roles, DOCS, by="decade")
    with pytest.raises(ValueError, match="speaker"):
        threat_attributions(roles, DOCS.drop(columns="speaker"), by="speaker")


def test_attributions_without_threats():
    _, _, frames, roles = tables()
    none = roles.assign(role="none", threat=False)
    out = threat_attributions(none, DOCS, frames=frames.assign(threat=False))
    assert len(out) == 0 and "share_source" in out.columns


def test_attributions_by_year_are_integers():
    _, _, frames, roles = tables()
    docs = DOCS.assign(year=DOCS["year"].astype(float))
    docs.loc[len(docs)] = {"doc_id": "nodate", "collection": "whitehouse"}
    out = threat_attributions(roles, docs, by="year", frames=frames, n_boot=20)
    assert out["year"].dtype == "int64" and set(out["year"]) == {2022}


def test_word_counts_are_the_same_from_tokens_counts_or_sentences():
    from toolkit import tokens
    from toolkit.segment import token_counts

    texts = ["Russia’s long-term build-up in the U.S.", "It can’t last, can it?"]
    sents = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": [0, 1], "text": texts,
                          "start": [0, len(texts[0]) + 1],
                          "end": [len(texts[0]), len(texts[0]) + 1 + len(texts[1])]})
    frames = threat_frames(sents, progress=False)
    docs = pd.DataFrame({"doc_id": ["d"]})
    by_tokens = threat_index(frames, docs, tokens(sents, progress=False))
    by_counts = threat_index(frames, docs, token_counts(sents, progress=False))
    by_sents = threat_index(frames, docs, sents)
    # NLTK's tokens: Russia ’s long-term build-up in the U.S. | It ca n’t last , can it ?
    assert by_tokens.loc[0, "n_words"] == 7 + 6
    pd.testing.assert_frame_equal(by_counts, by_tokens)
    pd.testing.assert_frame_equal(by_sents, by_tokens)
