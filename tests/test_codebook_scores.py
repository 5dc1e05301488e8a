"""The codebook model's scores as tables: codebook_scores, the frames/roles/sentiment read off
them, the `method=` switches, and the stage graph running them."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.codebook import CodebookModel
from toolkit.codebook.scores import ACTOR_SCORE_KEYS, SCORE_COLUMNS, codebook_scores, \
    model_threshold
from toolkit.engine.graph import GraphRun
from toolkit.framing.model_frames import frames_from_scores, roles_from_scores, threat_frames, \
    threat_roles
from toolkit.framing.threat import FRAME_COLUMNS, ROLE_COLUMNS
from toolkit.framing.threat import threat_frames as lexicon_threat_frames
from toolkit.sentiment import ACTOR_SENTIMENT_COLUMNS, actor_sentiment
from toolkit.sentiment.codebook import _COLUMNS, sentiment_from_scores

TEXT = ("Russia launched a massive missile attack on Ukraine, killing dozens of civilians. "
        "The delegation thanked the host country for its warm hospitality during the visit. "
        "France and Germany signed a trade agreement on Tuesday.")


@pytest.fixture(scope="module")
def tables():
    docs = pd.DataFrame({"doc_id": ["d1"], "collection": ["whitehouse"], "text": [TEXT],
                         "date": pd.to_datetime(["2024-05-01"]), "year": [2024]})
    sents = toolkit.sentences(docs, progress=False)
    ments = toolkit.mentions(sents, docs, progress=False)
    return docs, sents, ments


@pytest.fixture(scope="module")
def scores(tables):
    docs, sents, ments = tables
    return codebook_scores(sents, ments, docs, progress=False)


def test_scores_table(tables, scores):
    _, sents, _ = tables
    assert list(scores.columns) == list(SCORE_COLUMNS)
    assert scores["sent_id"].tolist() == [0, 1, 2] == sents["sent_id"].tolist()
    assert scores["encoded"].tolist() == [True, True, True]
    assert [[a["actor"] for a in acts] for acts in scores["actors"]] == [
        ["RUS", "UKR"], [], ["FRA", "DEU"]]
    for acts in scores["actors"]:
        for a in acts:
            assert tuple(a) == ACTOR_SCORE_KEYS and a["n_mentions"] == 1
            assert abs(a["p_negative"] + a["p_neutral"] + a["p_positive"] - 1) < 1e-5
    p = scores["threat_p"].to_numpy()
    assert p[0] > model_threshold() > max(p[1], p[2])
    assert scores.loc[0, "threat_type"] == "military"


def test_frames_roles_and_sentiment_read_off_the_scores(tables, scores):
    _, sents, ments = tables
    frames = frames_from_scores(scores)
    assert list(frames.columns) == FRAME_COLUMNS
    assert frames["threat"].tolist() == [True, False, False]
    assert frames["threat_type"].tolist() == ["military", None, None]
    roles = roles_from_scores(frames, scores, ments)
    assert list(roles.columns) == ROLE_COLUMNS
    assert roles[["actor", "role", "rule"]].values.tolist() == [
        ["RUS", "source", "model"], ["UKR", "referent", "model"], ["FRA", "none", None],
        ["DEU", "none", None]]
    senti = sentiment_from_scores(scores)
    assert list(senti.columns) == ACTOR_SENTIMENT_COLUMNS == _COLUMNS
    assert senti["actor"].tolist() == ["RUS", "UKR", "FRA", "DEU"]
    assert senti.loc[0, "label"] == "negative" and set(senti["method"]) == {"codebook"}
    np.testing.assert_allclose(senti["score"], senti["p_positive"] - senti["p_negative"])
    # A stricter threshold than any probability leaves no threat and no role.
    none = frames_from_scores(scores, threshold=0.999999)
    assert not none["threat"].any()
    assert set(roles_from_scores(none, scores, ments)["role"]) == {"none"}


def test_method_switches(tables, scores):
    docs, sents, ments = tables
    model = threat_frames(sents, ments, docs, progress=False)
    rules = threat_frames(sents, ments, docs, method="rules", progress=False)
    pd.testing.assert_frame_equal(rules, lexicon_threat_frames(sents, ments, progress=False))
    # the model's frames keep the lexicon's cues as evidence
    assert model["cues"].tolist() == rules["cues"].tolist()
    np.testing.assert_allclose(model["threat_score"], scores["threat_p"])
    r = threat_roles(model, ments, sents, docs, scores=scores)
    assert r["role"].tolist()[:2] == ["source", "referent"]
    s = actor_sentiment(sents, ments, scores=scores, progress=False)
    pd.testing.assert_frame_equal(s, sentiment_from_scores(scores))
    with pytest.raises(ValueError, match="valid values are: 'model', 'rules'"):
        threat_frames(sents, ments, method="lexicon", progress=False)
    with pytest.raises(ValueError, match="needs the mentions table"):
        threat_frames(sents, progress=False)


def test_scores_do_not_depend_on_the_other_sentences(tables, scores):
    docs, sents, ments = tables
    one = codebook_scores(sents.iloc[[2]], ments[ments["sent_id"] == 2], docs, progress=False)
    assert one["threat_p"].iat[0] == scores["threat_p"].iat[2]
    assert one["actors"].iat[0] == scores["actors"].iat[2]


def test_lexicon_scored_flag_and_the_skip_option(tables):
    docs, sents, ments = tables
    frames = lexicon_threat_frames(sents, ments, progress=False)
    frames.loc[0, "scored"] = False  # as for a non-English sentence
    s = codebook_scores(sents, ments, docs, frames=frames, progress=False)
    assert s["encoded"].tolist() == [False, True, True]
    assert np.isnan(s.loc[0, "threat_p"]) and s.loc[0, "actors"] == []
    frames = lexicon_threat_frames(sents, ments, progress=False)
    skip = codebook_scores(sents, ments, docs, frames=frames, skip="no_candidates",
                           progress=False)
    # sentence 1 has no actor and (for the lexicon) no threat cue
    assert not frames.loc[1, "cues"]
    assert skip["encoded"].tolist() == [True, False, True]
    with pytest.raises(ValueError, match="needs the lexicon frames"):
        codebook_scores(sents, ments, skip="no_candidates", progress=False)
    with pytest.raises(ValueError, match="'none', 'no_candidates'"):
        codebook_scores(sents, ments, skip="all", progress=False)


def test_bad_tables(tables):
    docs, sents, ments = tables
    with pytest.raises(ValueError, match="mentions:? needs columns"):
        codebook_scores(sents, ments.drop(columns="actor"), progress=False)
    stray = ments.assign(sent_id=9)
    with pytest.raises(ValueError, match=r"sentence \('d1', 9\)"):
        codebook_scores(sents, stray, progress=False)


def test_speaker_flag_changes_the_speakers_own_actor(tables):
    docs, sents, ments = tables
    s = "The United States will defend every inch of NATO territory."
    d = pd.DataFrame({"doc_id": ["w"], "collection": ["whitehouse"], "text": [s]})
    st = toolkit.sentences(d, progress=False)
    m = toolkit.mentions(st, d, progress=False)
    assert "USA" in set(m["actor"])
    with_speaker = codebook_scores(st, m, d, progress=False)
    without = codebook_scores(st, m, progress=False)
    usa = [a for a in with_speaker["actors"].iat[0] if a["actor"] == "USA"][0]
    usa0 = [a for a in without["actors"].iat[0] if a["actor"] == "USA"][0]
    assert usa["p_neutral"] != usa0["p_neutral"]


def test_graph_runs_the_model_once_for_frames_roles_and_sentiment(tables):
    docs, _, _ = tables
    run = GraphRun({"documents": docs}, use_cache=False, progress=False)
    run.build(["threat_frames", "threat_roles", "actor_sentiment"])
    assert run.executed.count("codebook_scores") == 1
    assert set(run["actor_sentiment"]["method"]) == {"codebook"}
    assert run["threat_roles"]["role"].tolist()[:2] == ["source", "referent"]
    # the rule-based run never builds the scores, and its keys do not depend on the model
    rules = GraphRun({"documents": docs}, use_cache=False, progress=False,
                     params={"threat_method": "rules", "sentiment_method": "lexicon"})
    rules.build(["threat_frames", "threat_roles", "actor_sentiment"])
    assert "codebook_scores" not in rules.executed
    assert rules.key("threat_roles") != run.key("threat_roles")


def test_a_model_folder_is_keyed_by_its_weights(tables, tmp_path):
    import shutil

    from toolkit.codebook import default_model_dir

    docs, _, _ = tables
    d = tmp_path / "m"
    shutil.copytree(default_model_dir(), d)
    a = GraphRun({"documents": docs}, use_cache=False, params={"codebook_model": str(d)})
    k1 = a.key("codebook_scores")
    cfg = (d / "config.json").read_text(encoding="utf-8")
    (d / "config.json").write_text(cfg.replace('"threshold": ', '"threshold":  '),
                                   encoding="utf-8")
    b = GraphRun({"documents": docs}, use_cache=False, params={"codebook_model": str(d)})
    assert b.key("codebook_scores") != k1
    assert CodebookModel(d).get_params()["model_dir"] == d
