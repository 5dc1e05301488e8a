"""Tests of target-dependent sentiment: the sklearn and lexicon models, the method registry,
``score_targets`` and the actor sentiment table."""
from __future__ import annotations

import sys
import types
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

import toolkit  # noqa: F401 - puts the packaged VADER lexicon on nltk.data.path
from toolkit import sentiment as S
from toolkit.errors import ModelNotFoundError
from toolkit.evaluate import read_newsmtsc
from toolkit.resources import data_path
from toolkit.sentiment import (
    ACTOR_SENTIMENT_COLUMNS,
    LABELS,
    METHODS,
    LexiconTargetSentiment,
    TargetSentimentClassifier,
    actor_sentiment,
    clause_span,
    get_sentiment_model,
    load_sklearn_model,
    score_targets,
)

WAR = "Russia's brutal war against Ukraine"
MIXED = "Putin threatened Europe, while Zelensky thanked Europe for its generous help."


def targets(*rows: tuple[str, str]) -> pd.DataFrame:
    """Targets table from (sentence, target text) pairs (first occurrence)."""
    out = []
    for s, t in rows:
        a = s.index(t)
        out.append({"sentence": s, "start": a, "end": a + len(t)})
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def sk() -> TargetSentimentClassifier:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the shipped model loads without any warning
        return load_sklearn_model()


@pytest.fixture(scope="module")
def small_train() -> pd.DataFrame:
    return read_newsmtsc(data_path("newsmtsc", "train.jsonl")).iloc[:200]


# -- estimator contract ---------------------------------------------------------------------------


def test_estimator_contract(small_train):
    clf = TargetSentimentClassifier(C=1.0, char_ngram_range=None, min_df=1)
    assert clf.get_params()["random_state"] == 0
    assert not [k for k in vars(clf) if k.endswith("_")]  # __init__ only stores parameters
    X, y = small_train[["sentence", "start", "end"]], small_train["polarity"]
    assert clf.fit(X, y) is clf
    assert list(clf.classes_) == list(LABELS)
    p = clf.predict_proba(X.iloc[:5])
    assert p.shape == (5, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert set(clf.predict(X)) <= set(LABELS)
    assert 0 <= clf.score(X, y) <= 1

    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert "model_" not in vars(twin)
    assert twin.set_params(C=2.0) is twin and twin.C == 2.0
    with pytest.raises(ValueError, match="invalid parameter"):
        twin.set_params(colour="red")
    # the same data and seed give the same model; a list of dicts works like a DataFrame
    again = clone(clf).fit(X.to_dict("records"), small_train["label"])
    np.testing.assert_allclose(again.predict_proba(X.iloc[:5]), p)


def test_unfitted_model_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="fit"):
        TargetSentimentClassifier().predict(targets((WAR, "Russia")))


def test_fit_rejects_bad_labels(small_train):
    X = small_train[["sentence", "start", "end"]].iloc[:3]
    with pytest.raises(ValueError, match="row 1: invalid label 'angry'"):
        TargetSentimentClassifier().fit(X, ["negative", "angry", "neutral"])
    with pytest.raises(ValueError, match="at least two"):
        TargetSentimentClassifier().fit(X, ["neutral"] * 3)


# -- the shipped sklearn model --------------------------------------------------------------------


def test_shipped_model_is_target_dependent(sk):
    p = sk.predict_proba(targets((WAR, "Russia"), (WAR, "Ukraine")))
    score = p[:, 2] - p[:, 0]
    assert score[0] < score[1]  # RUS more negative than UKR
    assert sk.predict(targets((WAR, "Russia")))[0] == "negative"
    labels = sk.predict(targets((MIXED, "Putin"), (MIXED, "Zelensky")))
    assert list(labels) == ["negative", "positive"]


def test_shipped_model_provenance(sk):
    import json

    import sklearn

    meta = json.loads(data_path("sentiment", "sklearn_tsc.json").read_text())
    assert meta["sklearn_version"] == sk.sklearn_version_ == sklearn.__version__
    assert len(meta["train_sha256"]) == 64
    assert meta["dev_scores"]["dev_rw"]["macro_f1"] >= 0.65
    assert data_path("sentiment", "sklearn_tsc.joblib").stat().st_size < 15e6


def test_missing_or_corrupt_model_says_how_to_rebuild(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"missing.*make model.*method=\"lexicon\""):
        load_sklearn_model(tmp_path / "nope.joblib")
    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelNotFoundError, match=r"corrupted.*train_sentiment_sklearn.py"):
        load_sklearn_model(bad)
    other = tmp_path / "other.joblib"
    joblib.dump({"a": 1}, other)
    with pytest.raises(ModelNotFoundError, match="TargetSentimentClassifier"):
        load_sklearn_model(other)


def test_version_mismatch_warns(small_train, tmp_path):
    old = TargetSentimentClassifier(char_ngram_range=None, min_df=1)
    old.fit(small_train[["sentence", "start", "end"]], small_train["label"])
    old.sklearn_version_ = "0.0.1"
    path = tmp_path / "old.joblib"
    joblib.dump(old, path)
    with pytest.warns(UserWarning, match=r"scikit-learn 0\.0\.1.*make model"):
        load_sklearn_model(path)


# -- the lexicon model ----------------------------------------------------------------------------


def test_clause_span():
    a, b = clause_span(MIXED, 31, 39)
    assert MIXED[a:b] == " Zelensky thanked Europe for its generous help."
    a, b = clause_span(MIXED, 0, 5)
    assert MIXED[a:b] == "Putin threatened Europe"
    s = "Iran is a threat - but Oman is a partner; Qatar too"
    a, b = clause_span(s, s.index("Oman"), s.index("Oman") + 4)
    assert s[a:b] == " Oman is a partner"


def test_lexicon_scopes_to_the_clause_and_negates():
    lex = LexiconTargetSentiment()
    assert lex.fit() is lex
    assert lex.get_params() == {"threshold": 0.05, "sharpness": 4.0}
    assert list(lex.predict(targets((MIXED, "Putin"), (MIXED, "Zelensky")))) == [
        "negative", "positive"]
    # "trust" (VADER 2.3) negated: 2.3 * -0.74 = -1.702 -> -1.702 / sqrt(1.702**2 + 15)
    c = LexiconTargetSentiment.compound("We do not trust Russia.", 16, 22)
    assert c == pytest.approx(-1.702 / np.sqrt(1.702**2 + 15))
    assert LexiconTargetSentiment.compound("Germany met France.", 0, 7) == 0.0
    # the target's own words do not count
    assert LexiconTargetSentiment.compound("Terrorists met.", 0, 10) == 0.0


def test_lexicon_probabilities_follow_the_thresholds():
    lex = LexiconTargetSentiment(threshold=0.2, sharpness=4.0)
    X = targets(("Germany met France.", "Germany"), (MIXED, "Putin"), (MIXED, "Zelensky"))
    c = lex.decision_function(X)
    p = lex.predict_proba(X)
    z = np.column_stack([-4 * c, np.full(3, 0.8), 4 * c])
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, expected)
    assert list(lex.predict(X)) == ["neutral", "negative", "positive"]


# -- registry and score_targets -------------------------------------------------------------------


def test_registry():
    assert METHODS == ("neural", "sklearn", "lexicon") and S.DEFAULT_METHOD == "neural"
    assert get_sentiment_model("sklearn") is get_sentiment_model("sklearn")
    assert isinstance(get_sentiment_model("lexicon"), LexiconTargetSentiment)
    with pytest.raises(ValueError, match="invalid method='vader'.*'neural', 'sklearn', 'lexicon'"):
        get_sentiment_model("vader")
    with pytest.raises(ValueError, match="invalid method"):
        score_targets([WAR], [0], [6], method="vader")


def test_score_targets_table():
    res = score_targets([WAR, WAR, MIXED], [0, 28, 31], [6, 35, 39], method="sklearn",
                        progress=False)
    assert list(res.columns) == ["label", "score", "p_negative", "p_neutral", "p_positive"]
    assert len(res) == 3
    p = res[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(res["score"], p[:, 2] - p[:, 0])
    assert list(res["label"]) == [LABELS[i] for i in p.argmax(axis=1)]
    assert res["score"].between(-1, 1).all()
    assert res["score"][0] < res["score"][1]
    empty = score_targets([], [], [], method="lexicon", progress=False)
    assert list(empty.columns) == list(res.columns) and len(empty) == 0


def test_score_targets_chunks_never_split_a_sentence(monkeypatch):
    s1 = "Putin threatened Europe, while Zelensky thanked Europe for its generous help."
    s2 = "Russia's brutal war against Ukraine must end."
    s3 = "The mayor praised the firefighters."
    sents = [s1, s1, s1, s2, s2, s3]
    starts, ends = [0, 18, 31, 0, 28, 22], [5, 24, 39, 6, 35, 34]
    whole = score_targets(sents, starts, ends, method="neural", progress=False)
    seen = []
    real = S._predict_proba

    def spy(model, method, s, a, b):
        seen.append(len(s))
        return real(model, method, s, a, b)

    monkeypatch.setattr(S, "CHUNK_SIZE", 2)
    monkeypatch.setattr(S, "_predict_proba", spy)
    chunked = score_targets(sents, starts, ends, method="neural", progress=False)
    assert seen == [3, 2, 1]  # chunks of 2, each extended to the end of its sentence
    # ... so a model sharing one pass among a sentence's targets gives the same bits
    pd.testing.assert_frame_equal(chunked, whole, check_exact=True)


def test_score_targets_accepts_numpy_and_series():
    res = score_targets(pd.Series([WAR]), np.array([0]), np.array([6.0]), method="lexicon",
                        progress=False)
    assert res["label"].tolist() == ["negative"]


@pytest.mark.parametrize(
    ("sentences", "starts", "ends", "message"),
    [
        ([WAR, ""], [0, 0], [6, 1], "row 1: sentence is empty"),
        ([WAR, "   "], [0, 0], [6, 1], "row 1: sentence is empty"),
        ([WAR, WAR], [0, 30], [6, 99], r"row 1: target span \[30, 99\) is empty or outside"),
        ([WAR, WAR], [0, 5], [6, 5], r"row 1: target span \[5, 5\) is empty"),
        ([WAR, WAR], [0, -1], [6, 3], r"row 1: target span \[-1, 3\)"),
        ([WAR, WAR], [0, 8], [6, 9], r"row 1: target span \[8, 9\) holds only whitespace"),
        ([WAR, None], [0, 0], [6, 1], "row 1: sentence must be a string, got NoneType"),
        ([WAR, 42], [0, 0], [6, 1], "row 1: sentence must be a string, got int"),
        ([WAR, WAR], [0, "a"], [6, 3], "row 1: start must be an integer"),
        ([WAR, WAR], [0, 1.5], [6, 3], "row 1: start must be an integer"),
        ([WAR], [0, 1], [6], "same length"),
        (WAR, [0], [6], "not a single string"),
    ],
)
def test_score_targets_bad_input(sentences, starts, ends, message):
    for method in ("sklearn", "lexicon"):
        with pytest.raises(ValueError, match=message):
            score_targets(sentences, starts, ends, method=method, progress=False)


def test_neural_method_is_lazy_and_adapted(monkeypatch):
    """The neural model is imported only for method="neural" and called with (s, a, b)."""
    calls = []

    class FakeNeural:
        classes_ = np.array(LABELS)

        def __init__(self, progress=True):
            self.progress = progress

        def load(self):
            return self

        def predict_proba(self, sentences, starts, ends):
            calls.append((list(sentences), list(starts), list(ends)))
            return np.tile([0.7, 0.2, 0.1], (len(sentences), 1))

    fake = types.ModuleType("toolkit.sentiment_neural")
    fake.NeuralTargetSentiment = FakeNeural
    monkeypatch.setitem(sys.modules, "toolkit.sentiment_neural", fake)
    monkeypatch.setattr(S, "_MODELS", {})
    res = score_targets([WAR], [0], [6], progress=False)  # default method: neural
    assert calls == [([WAR], [0], [6])]
    assert res.loc[0, "label"] == "negative"
    assert res.loc[0, "score"] == pytest.approx(-0.6)


def test_import_does_not_load_heavy_models():
    """Module-level imports stay light: sklearn, scipy and the neural model load on first use."""
    import ast

    tree = ast.parse(open(S.__file__, encoding="utf-8").read())
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            top.add(node.module or "")
    assert not {m for m in top if m.split(".")[0] in ("sklearn", "scipy", "onnxruntime")}
    assert "toolkit.sentiment_neural" not in top


# -- actor_sentiment ------------------------------------------------------------------------------

DOC = "Intro. " + MIXED + " Putin, Putin and NATO."
SENTS = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d1"],
        "sent_id": [0, 1, 2],
        "start": [0, 7, 7 + len(MIXED) + 1],
        "end": [6, 7 + len(MIXED), len(DOC)],
        "text": ["Intro.", MIXED, "Putin, Putin and NATO."],
        "speaker": [None, None, None],
    }
)


def mention_rows(*spec: tuple[int, str, str]) -> pd.DataFrame:
    """Mentions from (sent_id, actor, surface, nth occurrence in the document)."""
    rows = []
    for sent_id, actor, surface, nth in spec:
        s0 = int(SENTS.loc[sent_id, "start"])
        i = s0 - 1
        for _ in range(nth + 1):
            i = DOC.index(surface, i + 1)
        rows.append({"doc_id": "d1", "sent_id": sent_id, "actor": actor, "surface": surface,
                     "start": i, "end": i + len(surface), "kind": "name"})
    return pd.DataFrame(rows)


MENTIONS = mention_rows(
    (1, "RUS", "Putin", 0), (1, "UKR", "Zelensky", 0), (1, "EU", "Europe", 0),
    (1, "EU", "Europe", 1), (2, "NATO", "NATO", 0), (2, "RUS", "Putin", 0), (2, "RUS", "Putin", 1),
)


def test_actor_sentiment_table():
    assert all(DOC[a:b] == s for a, b, s in zip(MENTIONS.start, MENTIONS.end, MENTIONS.surface))
    out = actor_sentiment(SENTS, MENTIONS, method="lexicon", progress=False)
    assert list(out.columns) == ACTOR_SENTIMENT_COLUMNS
    assert list(zip(out.sent_id, out.actor, out.n_mentions)) == [
        (1, "RUS", 1), (1, "EU", 2), (1, "UKR", 1), (2, "RUS", 2), (2, "NATO", 1)]
    assert set(out["method"]) == {"lexicon"}
    # each mention scored on its sentence (offsets relative to the sentence), then averaged
    rel = MENTIONS["start"] - SENTS.set_index("sent_id").loc[MENTIONS.sent_id, "start"].to_numpy()
    texts = SENTS.set_index("sent_id").loc[MENTIONS.sent_id, "text"].tolist()
    one = score_targets(texts, rel.tolist(), (rel + MENTIONS.end - MENTIONS.start).tolist(),
                        method="lexicon", progress=False)
    eu = one.loc[[2, 3], ["p_negative", "p_neutral", "p_positive"]].mean()
    row = out.set_index(["sent_id", "actor"]).loc[(1, "EU")]
    np.testing.assert_allclose(row[["p_negative", "p_neutral", "p_positive"]].astype(float), eu)
    assert row["score"] == pytest.approx(eu["p_positive"] - eu["p_negative"])
    rus = out.set_index(["sent_id", "actor"]).loc[(1, "RUS")]
    assert rus["label"] == "negative" and rus["score"] == pytest.approx(one.loc[0, "score"])
    assert out.set_index(["sent_id", "actor"]).loc[(1, "UKR"), "label"] == "positive"


def test_actor_sentiment_sklearn_and_empty():
    out = actor_sentiment(SENTS, MENTIONS, method="sklearn", progress=False)
    assert len(out) == 5 and set(out["method"]) == {"sklearn"}
    empty = actor_sentiment(SENTS, MENTIONS.iloc[:0], method="sklearn", progress=False)
    assert list(empty.columns) == ACTOR_SENTIMENT_COLUMNS and len(empty) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.assign(sent_id=[1, 1, 1, 1, 2, 2, 9]),
         "mentions row 6: sentence doc_id='d1', sent_id=9"),
        (lambda m: m.assign(end=m["end"].where(m.index != 4, 500)),
         r"mentions row 4: span .* outside"),
        (lambda m: m.assign(surface=m["surface"].where(m.index != 1, "Zelenskyy")),
         "mentions row 1: surface 'Zelenskyy' differs"),
        (lambda m: pd.concat([m, m.iloc[[0]].assign(start=m.start[0] + 1, surface="utin")],
                             ignore_index=True), "mentions row 7: .* overlaps mentions row 0"),
        (lambda m: m.drop(columns="actor"), r"lacks column\(s\) \['actor'\]"),
    ],
)
def test_actor_sentiment_bad_input(change, message):
    with pytest.raises(ValueError, match=message):
        actor_sentiment(SENTS, change(MENTIONS.copy()), method="lexicon", progress=False)


def test_actor_sentiment_unknown_method():
    with pytest.raises(ValueError, match="invalid method"):
        actor_sentiment(SENTS, MENTIONS, method="bert", progress=False)



# -- properties -------------------------------------------------------------------------------------

WORDS = ["Russia", "Ukraine", "not", "brutal", "war", "against", "good", "help", ",", "but",
         "praised", "never", "'s", "-", ";", "thanked", "the", "peace", "no"]


@st.composite
def sentence_and_span(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=15))
    s = " ".join(words)
    a = draw(st.integers(0, len(s) - 1))
    b = draw(st.integers(a + 1, len(s)))
    return s, a, b


@settings(max_examples=60, deadline=None)
@given(sentence_and_span())
def test_lexicon_scores_are_probabilities(case):
    s, a, b = case
    if not s[a:b].strip():
        with pytest.raises(ValueError, match="row 0"):
            score_targets([s], [a], [b], method="lexicon", progress=False)
        return
    res = score_targets([s], [a], [b], method="lexicon", progress=False)
    p = res[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    assert np.all(p >= 0) and p.sum() == pytest.approx(1.0)
    assert -1 <= res.loc[0, "score"] <= 1
    assert res.loc[0, "label"] == LABELS[int(p.argmax())]


# ---------------------------------------------------------------------------------------------
# Codebook-aware steps: real-world prior correction and threat roles
# ---------------------------------------------------------------------------------------------


def test_prior_counts_match_the_shipped_newsmtsc_files():
    for name, counts in (("train", S.NEWSMTSC_TRAIN_COUNTS), ("dev_rw", S.NEWSMTSC_DEV_RW_COUNTS)):
        got = read_newsmtsc(data_path("newsmtsc", f"{name}.jsonl"))["label"].value_counts()
        assert tuple(int(got.get(c, 0)) for c in LABELS) == counts


def test_prior_correction_only_shifts_the_neural_method():
    p = np.array([[0.3, 0.3, 0.4], [0.8, 0.1, 0.1], [0.1, 0.1, 0.8]])
    for m in ("sklearn", "lexicon"):
        assert np.array_equal(S.apply_prior_correction(p, m), p)
    q = S.apply_prior_correction(p, "neural")
    assert q.shape == p.shape and np.allclose(q.sum(axis=1), 1.0)
    # real news is less often positive than the class-boosted training split
    assert q[0].argmax() == 1 and q[1].argmax() == 0 and q[2].argmax() == 2
    assert np.all(q[:, 2] < p[:, 2])
    assert S.apply_prior_correction(np.zeros((0, 3)), "neural").shape == (0, 3)
    with pytest.raises(ValueError, match="method"):
        S.apply_prior_correction(p, "bogus")


def _role_tables(actors, labels, roles, doc="d", sent=0):
    sent_tab = pd.DataFrame({"doc_id": doc, "sent_id": sent, "actor": actors, "label": labels,
                             "score": 0.0})
    role_tab = pd.DataFrame({"doc_id": doc, "sent_id": sent, "actor": actors, "role": roles})
    return sent_tab, role_tab


def test_apply_threat_roles_follows_the_codebook_definitions():
    s, r = _role_tables(["RUS", "UKR", "DEU", "FRA"],
                        ["positive", "neutral", "neutral", "negative"],
                        ["source", "referent", "none", "referent"])
    out = S.apply_threat_roles(s, r)
    # source -> dangerous -> negative; neutral victim of RUS -> positive; none unchanged;
    # a negative referent stays negative
    assert out["label"].tolist() == ["negative", "positive", "neutral", "negative"]
    assert s["label"].tolist() == ["positive", "neutral", "neutral", "negative"]  # not mutated
    assert list(out.columns) == list(s.columns) and out["score"].tolist() == [0.0] * 4


def test_apply_threat_roles_referent_without_actor_source_keeps_its_label():
    s, r = _role_tables(["PAK"], ["neutral"], ["referent"])
    assert S.apply_threat_roles(s, r)["label"].tolist() == ["neutral"]
    # a source in another sentence does not count
    s2, r2 = _role_tables(["RUS"], ["neutral"], ["source"], sent=1)
    both = S.apply_threat_roles(pd.concat([s, s2]), pd.concat([r, r2]))
    assert both["label"].tolist() == ["neutral", "negative"]
    # actors without a role row are unchanged; an empty roles table changes nothing
    assert S.apply_threat_roles(s, r.iloc[:0])["label"].tolist() == ["neutral"]
    with pytest.raises(ValueError, match="role"):
        S.apply_threat_roles(s, r.drop(columns="role"))


def test_apply_self_portrayal_neutralises_the_speakers_own_rows():
    s = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "c"], "sent_id": [0, 1, 1, 0, 0],
                      "actor": ["USA", "USA", "RUS", "USA", "FRA"],
                      "label": ["positive", "negative", "negative", "positive", "negative"],
                      "score": [0.9, -0.8, -0.7, 0.6, -0.5]})
    roles = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [1, 1], "actor": ["USA", "RUS"],
                          "role": ["referent", "source"]})
    out = S.apply_self_portrayal(s, pd.Series({"a": "USA", "b": None, "c": "FRA"}), roles=roles)
    # a: sentence 0 is the speaker's self-description; sentence 1 frames it as threatened
    assert out["label"].tolist() == ["neutral", "negative", "negative", "positive", "neutral"]
    assert out["score"].tolist() == s["score"].tolist()  # the model's scores stay
    assert S.apply_self_portrayal(s, {})["label"].tolist() == s["label"].tolist()
    with pytest.raises(ValueError, match="label"):
        S.apply_self_portrayal(s.drop(columns="label"), {})


def test_actor_sentiment_speakers_on_real_text():
    from toolkit.actors import mentions, speaker_actors
    from toolkit.segment import sentences

    text = ("The United States will continue to support Ukraine. "
            "Russia's brutal war against Ukraine must end.")
    docs = pd.DataFrame({"doc_id": ["wh"], "collection": ["whitehouse"], "text": [text]})
    sents = sentences(docs, progress=False)
    ments = mentions(sents, docs, progress=False)
    with_sp = S.actor_sentiment(sents, ments, method="lexicon", progress=False,
                                speakers=speaker_actors(docs))
    without = S.actor_sentiment(sents, ments, method="lexicon", progress=False)
    own = with_sp["actor"] == "USA"
    assert own.sum() == 1 and (with_sp.loc[own, "label"] == "neutral").all()
    others = ~own
    assert with_sp.loc[others, "label"].tolist() == without.loc[others, "label"].tolist()


def _one_sentence(text, actors):
    sents = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "start": [0], "end": [len(text)],
                          "text": [text]})
    rows = [(w, a, text.index(w)) for w, a in actors.items()]
    ments = pd.DataFrame({"doc_id": "d", "sent_id": 0, "actor": [a for _, a, _ in rows],
                          "start": [i for _, _, i in rows],
                          "end": [i + len(w) for w, _, i in rows]})
    return sents, ments


def test_actor_sentiment_with_threat_roles_inline():
    from toolkit.threat import threat_frames, threat_roles

    text = "Iran poses a growing threat to Israel, our friend."
    sents, ments = _one_sentence(text, {"Iran": "IRN", "Israel": "ISR"})
    roles = threat_roles(threat_frames(sents, ments, progress=False), ments, sents)
    assert roles.set_index("actor")["role"].to_dict() == {"IRN": "source", "ISR": "referent"}
    out = actor_sentiment(sents, ments, method="lexicon", progress=False, roles=roles)
    labels = out.set_index("actor")["label"].to_dict()
    assert labels["IRN"] == "negative"
    plain = actor_sentiment(sents, ments, method="lexicon", progress=False)
    assert list(out.columns) == list(plain.columns) == ACTOR_SENTIMENT_COLUMNS
    assert out["score"].tolist() == plain["score"].tolist()


def test_actor_sentiment_source_overrides_a_positive_model_label(monkeypatch):
    class Fake:  # a model that finds every target positive
        classes_ = np.array(LABELS)

        def predict_proba(self, X):
            return np.tile([0.1, 0.2, 0.7], (len(X), 1))

    monkeypatch.setattr(S, "_MODELS", {"lexicon": Fake()})
    text = "Russia, a great and proud nation, threatens Ukraine."
    sents, ments = _one_sentence(text, {"Russia": "RUS", "Ukraine": "UKR"})
    roles = pd.DataFrame({"doc_id": "d", "sent_id": 0, "actor": ["RUS", "UKR"],
                          "role": ["source", "referent"]})
    plain = actor_sentiment(sents, ments, method="lexicon", progress=False)
    assert plain.set_index("actor").at["RUS", "label"] == "positive"
    out = actor_sentiment(sents, ments, method="lexicon", progress=False, roles=roles)
    assert out.set_index("actor")["label"].to_dict() == {"RUS": "negative", "UKR": "positive"}


def test_actor_sentiment_prior_correction_uses_the_neural_shift(monkeypatch):
    class Fake:
        classes_ = np.array(LABELS)

        def predict_proba(self, sentences, starts, ends):
            return np.tile([0.3, 0.3, 0.4], (len(sentences), 1))

    monkeypatch.setattr(S, "_MODELS", {"neural": Fake()})
    sents, ments = _one_sentence(WAR, {"Ukraine": "UKR"})
    raw = actor_sentiment(sents, ments, method="neural", progress=False, prior_correction=False)
    cor = actor_sentiment(sents, ments, method="neural", progress=False)  # default: corrected
    assert raw.at[0, "label"] == "positive" and cor.at[0, "label"] == "neutral"
    assert cor.at[0, "p_positive"] < 0.4
    # score_targets keeps the raw model probabilities
    assert score_targets([WAR], [28], [35], progress=False).at[0, "label"] == "positive"
