"""Tests of the shipped neural target-dependent sentiment model (ONNX runtime, no torch)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score

from toolkit.errors import ModelNotFoundError
from toolkit.resources import data_path
from toolkit.sentiment_neural import (
    LABELS,
    NeuralTargetSentiment,
    default_model_dir,
    encode_targets,
    score_from_proba,
)


@pytest.fixture(scope="module")
def clf() -> NeuralTargetSentiment:
    return NeuralTargetSentiment(progress=False).load()


def span(sentence: str, target: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = sentence.index(target, i + 1)
    return i, i + len(target)


def predict_one(clf, sentence, target, nth=0):
    a, b = span(sentence, target, nth)
    return clf.predict([sentence], [a], [b])[0]


def test_runtime_does_not_import_torch():
    code = (
        "import sys; from toolkit.sentiment_neural import NeuralTargetSentiment as N; "
        "N(progress=False).predict(['Merkel spoke.'], [0], [6]); "
        "bad = {'torch', 'transformers'} & set(sys.modules); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


def test_shipped_files_and_config():
    d = default_model_dir()
    for name in ("model.onnx", "tokenizer.json", "config.json", "provenance.json"):
        assert (d / name).is_file(), name
    cfg = json.loads((d / "config.json").read_text())
    assert cfg["labels"] == list(LABELS)
    size = sum(p.stat().st_size for p in d.iterdir()) / 2**20
    assert size < 50
    # the hash in config.json is the model file's, and it keys the cached sentiment tables
    import hashlib

    from toolkit.sentiment import sentiment_model_id

    digest = hashlib.sha256((d / "model.onnx").read_bytes()).hexdigest()
    assert cfg["model_sha256"] == digest == sentiment_model_id("neural")
    prov = json.loads((d / "provenance.json").read_text())
    assert prov["model_sha256"] == digest
    assert prov["base_model"]["weights_sha256"] and prov["git_commit"]
    assert prov["training_data"]["trained_on"] == "train.jsonl only"
    assert prov["dev_scores"]["shipped"]["dev_rw"]["macro_f1"] >= 0.80


def test_clear_examples(clf):
    s = "Russia's brutal war against Ukraine"
    assert predict_one(clf, s, "Russia") == "negative"
    s = "The mayor praised the firefighters for their heroic rescue of the trapped children."
    assert predict_one(clf, s, "firefighters") == "positive"
    s = "The report was published on Tuesday by the Ministry of Finance."
    assert predict_one(clf, s, "Ministry of Finance") == "neutral"


def test_two_targets_in_one_sentence_get_their_own_labels(clf):
    s = ("The heroic nurses saved hundreds of lives, while the corrupt officials "
         "stole the relief money.")
    (a1, b1), (a2, b2) = span(s, "nurses"), span(s, "officials")
    labels = clf.predict([s, s], [a1, a2], [b1, b2]).tolist()
    assert labels == ["positive", "negative"]


def test_batching_restores_input_order(clf):
    rows = [
        ("Russia's brutal war against Ukraine", "Russia"),
        ("The mayor praised the firefighters for their heroic rescue of the trapped children "
         "in the burning building late on Saturday night.", "firefighters"),
        ("The report was published on Tuesday by the Ministry of Finance.", "Ministry of Finance"),
        ("The corrupt officials stole the relief money.", "officials"),
        ("Merkel", "Merkel"),
    ]
    sents = [s for s, _ in rows]
    spans = [span(s, t) for s, t in rows]
    starts, ends = [a for a, _ in spans], [b for _, b in spans]
    single = np.vstack([clf.predict_proba([s], [a], [b]) for s, a, b in zip(sents, starts, ends)])
    batched = NeuralTargetSentiment(batch_size=2, progress=False).predict_proba(
        sents, starts, ends
    )
    assert batched.shape == (len(rows), 3)
    np.testing.assert_allclose(batched.sum(axis=1), 1.0, atol=1e-5)
    # batches of 2 share an activation scale (int8), so only close to the one-by-one scores
    np.testing.assert_allclose(batched, single, atol=0.1)
    assert (batched.argmax(1) == single.argmax(1)).all()
    perm = [3, 0, 4, 2, 1]
    shuffled = NeuralTargetSentiment(batch_size=2, progress=False).predict_proba(
        [sents[i] for i in perm], [starts[i] for i in perm], [ends[i] for i in perm]
    )
    np.testing.assert_allclose(shuffled, batched[perm], atol=0.1)


def test_scores_do_not_depend_on_the_other_inputs(clf):
    # The default runs one model input per call: a target's probabilities are the same alone, in
    # any order, in any subset and with any number of concurrent calls (dev_mt: multi-target
    # sentences, where batching with int8 activations moved probabilities by up to 0.35).
    rows = [json.loads(x) for x in open(data_path("newsmtsc", "dev_mt.jsonl"), encoding="utf-8")]
    rows = rows[:150]
    s, a, b = ([r[k] for r in rows] for k in ("sentence", "from", "to"))
    ref = NeuralTargetSentiment(progress=False, n_jobs=1).predict_proba(s, a, b)
    two = NeuralTargetSentiment(progress=False, n_jobs=2, n_threads=2).predict_proba(s, a, b)
    np.testing.assert_array_equal(two, ref)
    perm = np.random.default_rng(0).permutation(len(rows))[:90]
    sub = clf.predict_proba([s[i] for i in perm], [a[i] for i in perm], [b[i] for i in perm])
    alone = clf.predict_proba(s[7:8], a[7:8], b[7:8])
    # Targets with the same input share a call (see the next test): in another subset a target's
    # float32 head may run with other rows and round differently in the last bit, never more.
    np.testing.assert_allclose(sub, ref[perm], rtol=0, atol=1e-6)
    np.testing.assert_allclose(alone, ref[7:8], rtol=0, atol=1e-6)
    assert (sub.argmax(1) == ref[perm].argmax(1)).all()
    with pytest.raises(ValueError, match="n_jobs must be at least 1"):
        NeuralTargetSentiment(n_jobs=0).load()


def test_targets_with_the_same_input_share_one_call():
    # The shipped graph takes several target-mask rows per input row (config shares_encoding):
    # targets whose model input is the same run in one call, on one encoder pass. With markers in
    # the text that is a repeated target; without (marking "none"), every target of a sentence.
    s = ("The heroic nurses saved hundreds of lives, while the corrupt officials "
         "stole the relief money from the nurses.")
    spans = [span(s, "nurses"), span(s, "officials"), span(s, "nurses", 1)]
    other = "Russia's brutal war against Ukraine"
    sents = [s, other, s, s, s]
    starts = [spans[0][0], 0, spans[1][0], spans[2][0], spans[0][0]]  # the last repeats the first
    ends = [spans[0][1], 6, spans[1][1], spans[2][1], spans[0][1]]
    model = NeuralTargetSentiment(progress=False, n_jobs=1).load()
    assert model.shares_encoding_
    real_run, calls = model.session_.run, []

    class Session:
        def run(self, names, feed):
            calls.append((len(feed["input_ids"]), len(feed["target_mask"])))
            return real_run(names, feed)

    model.session_ = Session()
    together = model.predict_proba(sents, starts, ends)
    if model.config_["marking"] == "none":
        assert sorted(calls) == [(1, 1), (1, 4)]
    else:
        assert sorted(calls) == [(1, 1), (1, 1), (1, 1), (1, 2)]
    np.testing.assert_array_equal(together[4], together[0])
    calls.clear()
    alone = np.vstack([model.predict_proba([x], [a], [b]) for x, a, b in zip(sents, starts, ends)])
    assert calls == [(1, 1)] * 5
    # the head is float32: a target's probabilities do not depend on its call-mates (up to the
    # last bit of float32 rounding)
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-6)
    assert together.argmax(1).tolist()[:3] == [2, 0, 0]  # nurses +, Russia -, officials -


def test_a_failing_call_stops_the_workers_and_raises():
    # An error inside one worker's onnxruntime call reaches the caller (no hang, no partial
    # result), and the other worker stops taking new targets.
    rows = [json.loads(x) for x in open(data_path("newsmtsc", "dev_rw.jsonl"), encoding="utf-8")]
    s, a, b = ([r[k] for r in rows[:120]] for k in ("sentence", "from", "to"))
    model = NeuralTargetSentiment(progress=False, n_jobs=2).load()
    real_run, calls = model.session_.run, []

    class Session:
        def run(self, names, feed):
            calls.append(1)
            if len(calls) == 5:
                raise RuntimeError("simulated onnxruntime failure")
            return real_run(names, feed)

    model.session_ = Session()
    with pytest.raises(RuntimeError, match="simulated onnxruntime failure"):
        model.predict_proba(s, a, b)
    assert 5 <= len(calls) < 60


def test_windowing_around_target_in_long_sentence(clf):
    filler = " ".join(["the committee met again on another ordinary day"] * 40)  # 320 words
    core = "and Russia's brutal war against Ukraine killed thousands of civilians"
    s = f"{filler} {core} {filler}"
    assert len(s.split()) > 600
    a, b = span(s, "Russia")
    p = clf.predict_proba([s], [a], [b])
    assert p.shape == (1, 3) and np.isfinite(p).all()
    # The window keeps the target's own clause: against the same filler around a neutral clause,
    # "brutal war ... killed thousands" moves the probability of negative far up (the 3-layer
    # model still finds ~120 wordpieces of filler mostly neutral, so no label is asserted).
    calm = f"{filler} and Russia's delegation attended the meeting on trade statistics {filler}"
    a3, b3 = span(calm, "Russia")
    q = clf.predict_proba([calm], [a3], [b3])
    assert p[0, 0] > q[0, 0] + 0.2 and p[0, 0] > p[0, 2]
    # target at the very end of a long sentence is kept too
    s2 = f"{filler} {filler} said Putin"
    a2, b2 = span(s2, "Putin")
    assert clf.predict_proba([s2], [a2], [b2]).shape == (1, 3)

    max_length = clf.config_["max_length"]
    ((ids, mask),) = encode_targets(
        clf.tokenizer_, [s], [a], [b], max_length=max_length, special_ids=MARKED
    )
    assert len(ids) == max_length
    i1, i2 = ids.index(MARKED["marker_start"]), ids.index(MARKED["marker_end"])
    assert 10 < i1 < i2 < max_length - 10  # centred: context kept on both sides
    assert clf.tokenizer_.decode([ids[k] for k in range(len(ids)) if mask[k]]) == "russia"
    # unmarked: the same window, two pieces wider, and the mask on the target
    ((ids0, mask0),) = encode_targets(
        clf.tokenizer_, [s], [a], [b], max_length=max_length, special_ids=UNMARKED
    )
    assert len(ids0) == max_length - 2 and ids0 == [i for i in ids if i not in (1, 2)]
    assert clf.tokenizer_.decode([i for i, m in zip(ids0, mask0) if m]) == "russia"


#: Special token ids of the MiniLM vocabulary, with and without the target markers.
MARKED = {"cls": 101, "sep": 102, "pad": 0, "marker_start": 1, "marker_end": 2}
UNMARKED = {"cls": 101, "sep": 102, "pad": 0, "marker_start": None, "marker_end": None}


@pytest.mark.parametrize("special", [MARKED, UNMARKED], ids=["marked", "unmarked"])
def test_marking_matches_offsets(clf, special):
    s = "Yesterday Angela Merkel met Emmanuel Macron in Paris."
    a, b = span(s, "Emmanuel Macron")
    ((ids, mask),) = encode_targets(clf.tokenizer_, [s], [a], [b], max_length=128,
                                    special_ids=special)
    assert clf.tokenizer_.decode([i for i, m in zip(ids, mask) if m]) == "emmanuel macron"
    assert ids[0] == 101 and ids[-1] == 102
    text = clf.tokenizer_.decode(ids, skip_special_tokens=False)
    if special is MARKED:
        assert text == "[CLS] yesterday angela merkel met [unused0] emmanuel macron [unused1] in "\
                       "paris. [SEP]"
    else:
        assert text == "[CLS] yesterday angela merkel met emmanuel macron in paris. [SEP]"


@pytest.mark.parametrize(
    ("sentences", "starts", "ends", "row"),
    [
        (["Merkel spoke.", ""], [0, 0], [6, 1], 1),
        (["Merkel spoke.", "Merkel spoke.", None], [0, 0, 0], [6, 6, 6], 2),
        (["Merkel spoke.", 42], [0, 0], [6, 1], 1),
        (["Merkel spoke."], [3], [3], 0),
        (["Merkel spoke.", "Merkel spoke."], [0, 0], [6, 100], 1),
        (["Merkel spoke.", "Merkel spoke."], [0, -1], [6, 3], 1),
        (["Merkel spoke.", "Merkel spoke."], [0, 6], [6, 7], 1),
        (["Merkel spoke."], [0.5], [6], 0),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_row(clf, sentences, starts, ends, row):
    with pytest.raises(ValueError, match=rf"row {row}\b"):
        clf.predict_proba(sentences, starts, ends)


def test_bad_shapes():
    clf = NeuralTargetSentiment(progress=False)
    with pytest.raises(ValueError, match="same length"):
        clf.predict_proba(["Merkel spoke."], [0, 1], [6])
    with pytest.raises(ValueError, match="single string"):
        clf.predict_proba("Merkel spoke.", [0], [6])
    assert clf.predict_proba([], [], []).shape == (0, 3)


def _copy_model(tmp_path):
    d = tmp_path / "model"
    shutil.copytree(default_model_dir(), d)
    return d


def test_corrupted_model_gives_rebuild_message(tmp_path):
    d = _copy_model(tmp_path)
    onnx_file = d / "model.onnx"
    onnx_file.write_bytes(onnx_file.read_bytes()[: onnx_file.stat().st_size // 2])
    with pytest.raises(ModelNotFoundError, match="make model") as err:
        NeuralTargetSentiment(d, progress=False).predict(["Merkel spoke."], [0], [6])
    assert 'method="sklearn"' in str(err.value) and 'method="lexicon"' in str(err.value)
    # without the checksum, onnxruntime's own failure is turned into the same error
    cfg = json.loads((d / "config.json").read_text())
    cfg.pop("model_sha256")
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelNotFoundError, match="make model"):
        NeuralTargetSentiment(d, progress=False).load()


def test_missing_model_gives_rebuild_message(tmp_path):
    d = _copy_model(tmp_path)
    (d / "model.onnx").unlink()
    with pytest.raises(FileNotFoundError, match="make model"):
        NeuralTargetSentiment(d).load()
    with pytest.raises(ModelNotFoundError, match="make model"):
        NeuralTargetSentiment(tmp_path / "nowhere").load()


def test_estimator_contract_and_score(clf):
    est = NeuralTargetSentiment(batch_size=8, progress=False)
    assert est.get_params() == {
        "model_dir": None, "batch_size": 8, "max_length": None, "progress": False,
        "n_threads": None, "n_jobs": None,
    }
    assert not hasattr(est, "session_")  # lazy
    est.set_params(batch_size=4)
    assert est.batch_size == 4
    with pytest.raises(ValueError, match="(?i)invalid parameter"):
        est.set_params(colour="red")
    s = ["Russia's brutal war against Ukraine"]
    assert est.score(s, [0], [6], [-1]) == 1.0
    assert est.score(s, [0], [6], ["negative"]) == 1.0
    assert list(est.classes_) == list(LABELS)
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.0, 1.0, 0.0]])
    np.testing.assert_allclose(score_from_proba(p), [-0.6, 0.7, 0.0])


def test_dev_rw_macro_f1(clf):
    rows = [json.loads(x) for x in open(data_path("newsmtsc", "dev_rw.jsonl"), encoding="utf-8")]
    p = clf.predict_proba(
        [r["sentence"] for r in rows], [r["from"] for r in rows], [r["to"] for r in rows]
    )
    y = np.array([r["polarity"] + 1 for r in rows])
    f1 = f1_score(y, p.argmax(1), average="macro")
    assert f1 >= 0.78, f1
    s = score_from_proba(p)
    assert ((s >= -1) & (s <= 1)).all()
