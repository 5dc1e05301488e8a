"""Tests of the shipped codebook model (threat framing, roles, actor sentiment; ONNX, no torch)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from toolkit.codebook.model import (
    HORIZONS,
    ROLES,
    SENTIMENTS,
    THREAT_TYPES,
    CodebookModel,
    batch_invariant,
    default_model_dir,
)
from toolkit.errors import ModelNotFoundError
from toolkit.resources import data_path

THREAT = "Russia has massed troops on the border and threatens to invade Ukraine."
ATTACK = "Russia launched a massive missile attack on Ukraine, killing dozens of civilians."
PEACEFUL = "The delegation thanked the host country for its warm hospitality during the visit."


def span(sentence: str, target: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = sentence.index(target, i + 1)
    return i, i + len(target)


def actors(sentence: str, *names: tuple[str, str]) -> list:
    return [(actor, [span(sentence, text)]) for actor, text in names]


@pytest.fixture(scope="module")
def model() -> CodebookModel:
    return CodebookModel(progress=False).load()


def test_no_torch_needed(model):
    assert "torch" not in sys.modules


def test_default_dir_and_config(model):
    assert default_model_dir() == data_path("codebook")
    cfg = model.config_
    assert tuple(cfg["labels"]["threat_type"]) == THREAT_TYPES
    assert tuple(cfg["labels"]["horizon"]) == HORIZONS
    assert 0.3 <= model.threshold_ <= 0.8


def test_threat_sentence_scores_higher_than_a_courtesy(model):
    sdf, tdf = model.predict([THREAT, PEACEFUL])
    assert sdf.loc[0, "threat_p"] > 0.5 > sdf.loc[1, "threat_p"]
    assert bool(sdf.loc[0, "threat"]) and not bool(sdf.loc[1, "threat"])
    assert sdf.loc[0, "threat_type"] == "military"
    assert tdf.empty and list(tdf.columns)[:3] == ["sentence", "actor", "role"]


def test_attacker_is_source_victim_is_not(model):
    sdf, tdf = model.predict([ATTACK], targets=[actors(ATTACK, ("RUS", "Russia"),
                                                         ("UKR", "Ukraine"))])
    assert bool(sdf.loc[0, "threat"])
    rus, ukr = tdf.iloc[0], tdf.iloc[1]
    assert (rus["actor"], ukr["actor"]) == ("RUS", "UKR")
    assert rus["role"] == "source"
    assert ukr["role"] == "referent"
    assert rus["sentiment"] == "negative"
    assert ukr["p_positive"] > rus["p_positive"]
    probs = tdf[[f"p_{s}" for s in SENTIMENTS]].to_numpy()
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-6)
    np.testing.assert_allclose(tdf[[f"role_p_{r}" for r in ROLES]].to_numpy().sum(1), 1.0,
                               atol=1e-6)


def test_roles_are_none_below_the_threshold(model):
    s = "France and Germany signed a trade agreement on Tuesday."
    sdf, tdf = model.predict([s], targets=[actors(s, ("FRA", "France"), ("DEU", "Germany"))])
    assert not bool(sdf.loc[0, "threat"])
    assert tdf["role"].tolist() == ["none", "none"]


def test_same_result_alone_and_in_a_batch(model):
    t = actors(ATTACK, ("RUS", "Russia"), ("UKR", "Ukraine"))
    s1, t1 = model.predict([ATTACK], targets=[t])
    s3, t3 = CodebookModel(progress=False, n_jobs=1).predict(
        [PEACEFUL, ATTACK, THREAT], targets=[[], t, actors(THREAT, ("RUS", "Russia"))])
    assert s1.loc[0, "threat_p"] == s3.loc[1, "threat_p"]
    cols = [c for c in t1.columns if c.startswith(("p_", "role_p_", "newsmtsc_p_"))]
    np.testing.assert_array_equal(t1[cols].to_numpy(), t3[t3["sentence"] == 1][cols].to_numpy())


def test_batch_size_follows_the_quantization(model, tmp_path):
    # The shipped int8 model scales activations per call: one input per call by default.
    assert batch_invariant(model.config_) is model.batch_invariant_
    assert model.batch_size_ == (32 if model.batch_invariant_ else 1)
    d = _copy(tmp_path)
    cfg = json.loads((d / "config.json").read_text(encoding="utf-8"))
    (d / "config.json").write_text(json.dumps(cfg | {"quantization": "dynamic"}),
                                   encoding="utf-8")
    with pytest.warns(UserWarning, match="depend on the other sentences"):
        m = CodebookModel(d, progress=False, batch_size=4).load()
    assert m.batch_size_ == 4 and not m.batch_invariant_
    # batched calls still return every sentence and target, in the input order
    sents = [PEACEFUL, ATTACK, THREAT, ATTACK]
    tg = [[], actors(ATTACK, ("RUS", "Russia"), ("UKR", "Ukraine")),
          actors(THREAT, ("RUS", "Russia")), actors(ATTACK, ("UKR", "Ukraine"))]
    sdf, tdf = m.predict(sents, targets=tg)
    assert sdf["n_units"].tolist() == [1, 1, 1, 1]
    assert list(zip(tdf["sentence"], tdf["actor"])) == [(1, "RUS"), (1, "UKR"), (2, "RUS"),
                                                        (3, "UKR")]
    assert sdf.loc[1, "threat_p"] > 0.5 > sdf.loc[0, "threat_p"]
    (d / "config.json").write_text(json.dumps(cfg | {"quantization": "weekly"}),
                                   encoding="utf-8")
    with pytest.raises(ModelNotFoundError, match="quantization"):
        CodebookModel(d, progress=False).load()
    with pytest.raises(ValueError, match="batch_size"):
        CodebookModel(progress=False, batch_size=0).load()


def test_sentence_longer_than_the_window(model):
    filler = " ".join(["the committee discussed the agenda items in detail"] * 40)
    s = f"{filler} and then Russia threatened Poland with missiles."
    sdf, tdf = model.predict([s], targets=[actors(s, ("RUS", "Russia"), ("POL", "Poland"))])
    assert sdf.loc[0, "n_units"] == 2  # the first window, plus one around the two late actors
    assert len(tdf) == 2 and tdf["actor"].tolist() == ["RUS", "POL"]
    assert 0.0 <= sdf.loc[0, "threat_p"] <= 1.0
    np.testing.assert_allclose(tdf[[f"p_{x}" for x in SENTIMENTS]].to_numpy().sum(1), 1.0,
                               atol=1e-6)


def test_empty_sentence(model):
    sdf, tdf = model.predict(["", "   ", THREAT], targets=[[("RUS", [(0, 0)])], [], []])
    assert sdf.loc[0, "threat_p"] == 0.0 and sdf.loc[1, "threat_p"] == 0.0
    assert not sdf.loc[0, "threat"] and sdf.loc[0, "threat_type"] is None
    assert sdf.loc[0, "n_units"] == 0
    assert tdf.empty
    assert sdf.loc[2, "threat_p"] > 0.5
    sdf, tdf = model.predict([])
    assert len(sdf) == 0 and len(tdf) == 0


def test_bad_span(model):
    with pytest.raises(ValueError, match="outside the sentence"):
        model.predict(["Russia."], targets=[[("RUS", [(0, 50)])]])


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "m"
    shutil.copytree(default_model_dir(), d)
    return d


@pytest.mark.parametrize("damage", ["missing_model", "corrupt_model", "corrupt_config",
                                    "missing_tokenizer"])
def test_missing_or_corrupted_model(tmp_path, damage):
    d = _copy(tmp_path)
    if damage == "missing_model":
        (d / "model.onnx").unlink()
    elif damage == "corrupt_model":
        (d / "model.onnx").write_bytes(b"not an onnx model")
    elif damage == "corrupt_config":
        (d / "config.json").write_text("{", encoding="utf-8")
    else:
        (d / "tokenizer.json").unlink()
    with pytest.raises(ModelNotFoundError) as err:
        CodebookModel(d, progress=False).predict([THREAT])
    assert "make model" in str(err.value)
    assert 'method="rules"' in str(err.value)


def test_shipped_model_reproduces_its_dev_threat_f1(model):
    prov = json.loads((default_model_dir() / "provenance.json").read_text(encoding="utf-8"))
    rows = [json.loads(x) for x in open(data_path("eval", "threat_dev.jsonl"), encoding="utf-8")]
    sdf, tdf = model.predict(
        [r["sentence"] for r in rows], before=[r.get("before") for r in rows],
        after=[r.get("after") for r in rows],
        targets=[[(a, [(m["from"], m["to"]) for m in v["mentions"]])
                  for a, v in r["actors"].items()] for r in rows])
    pred = sdf["threat_p"].to_numpy() >= model.config_["threshold"]
    gold = np.array([r["threat"] for r in rows])
    tp = (pred & gold).sum()
    p, r = tp / pred.sum(), tp / gold.sum()
    f1 = 2 * p * r / (p + r)
    assert model.config_["threshold"] == prov["threshold"]
    assert round(float(f1), 3) == round(prov["dev_scores"]["shipped"]["threat"]["f1"], 3)
