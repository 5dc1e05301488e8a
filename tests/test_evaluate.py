"""Tests of the NewsMTSC evaluation and the reusable P/R/F1 helpers."""
from __future__ import annotations

import io
import json
from argparse import Namespace

import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from toolkit.errors import CorpusError
from toolkit.evaluate import (
    classification_scores,
    cli_evaluate,
    confusion,
    evaluate_newsmtsc,
    prf_table,
    read_newsmtsc,
)
from toolkit.resources import data_path

DEV_RW = data_path("newsmtsc", "dev_rw.jsonl")
DEV_MT = data_path("newsmtsc", "dev_mt.jsonl")
LABELS = ["negative", "neutral", "positive"]

GOOD = {"sentence": "Putin threatened Europe.", "mention": "Putin", "from": 0, "to": 5,
        "polarity": -1, "id": "x1"}


def write(tmp_path, *lines: str):
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


# -- helpers --------------------------------------------------------------------------------------


def test_helpers_exact():
    t = ["negative", "negative", "neutral", "positive", "positive", "positive"]
    p = ["negative", "neutral", "neutral", "positive", "negative", "neutral"]
    assert confusion(t, p, LABELS).tolist() == [[1, 1, 0], [0, 1, 0], [1, 1, 1]]
    table = prf_table(t, p, LABELS)
    assert table["support"].tolist() == [2, 1, 3]
    assert table["n_pred"].tolist() == [2, 3, 1]
    assert table["precision"].tolist() == pytest.approx([0.5, 1 / 3, 1.0])
    assert table["recall"].tolist() == pytest.approx([0.5, 1.0, 1 / 3])
    assert table["f1"].tolist() == pytest.approx([0.5, 0.5, 0.5])
    s = classification_scores(t, p, LABELS)
    assert s == {"n": 6, "macro_f1": pytest.approx(0.5), "accuracy": pytest.approx(0.5),
                 "f1_per_class": {"negative": 0.5, "neutral": 0.5, "positive": 0.5}}


def test_helpers_match_sklearn_with_zero_division():
    t = ["a", "a", "b", "b", "c"]
    p = ["a", "b", "b", "b", "b"]  # "c" is never predicted
    s = classification_scores(t, p, ["a", "b", "c"])
    assert s["macro_f1"] == pytest.approx(f1_score(t, p, average="macro", zero_division=0))
    assert s["accuracy"] == pytest.approx(accuracy_score(t, p))
    ref = precision_recall_fscore_support(t, p, labels=["a", "b", "c"], zero_division=0)
    table = prf_table(t, p, ["a", "b", "c"])
    for got, want in zip(("precision", "recall", "f1"), ref[:3]):
        assert table[got].tolist() == pytest.approx(list(want))


def test_helpers_errors():
    with pytest.raises(ValueError, match="y_true has 2 labels but y_pred has 1"):
        confusion(["a", "b"], ["a"], ["a", "b"])
    with pytest.raises(ValueError, match="row 1: y_pred label 'z' is not one of"):
        confusion(["a", "b"], ["a", "z"], ["a", "b"])


# -- reading --------------------------------------------------------------------------------------


def test_read_newsmtsc_real_file():
    df = read_newsmtsc(DEV_RW)
    assert len(df) == 343
    assert list(df.columns) == ["id", "sentence", "mention", "start", "end", "polarity", "label",
                                "line"]
    assert all(s[a:b] == m for s, a, b, m in zip(df.sentence, df.start, df.end, df.mention))
    assert df["label"].value_counts().to_dict() == {"neutral": 136, "negative": 134,
                                                    "positive": 73}


def test_read_newsmtsc_skips_blank_lines_and_fills_ids(tmp_path):
    rec = {k: v for k, v in GOOD.items() if k != "id"}
    p = write(tmp_path, json.dumps(GOOD), "", json.dumps(rec))
    df = read_newsmtsc(p)
    assert df["id"].tolist() == ["x1", "gold.jsonl:3"]
    assert df["line"].tolist() == [1, 3]
    assert df["label"].tolist() == ["negative", "negative"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"sentence": "x", ', r"line 2: malformed JSON"),
        ("[1, 2]", r"line 2: expected a JSON object"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "polarity"}),
         r"line 2: missing field\(s\) \['polarity'\]"),
        (json.dumps({**GOOD, "to": 4}), r"line 2: span mismatch: sentence\[0:4\] is 'Puti' but "
                                        r"mention is 'Putin'"),
        (json.dumps({**GOOD, "to": 99}), r"line 2: span from=0, to=99 is empty or outside"),
        (json.dumps({**GOOD, "polarity": 2}), r"line 2: 'polarity' must be -1, 0 or 1"),
        (json.dumps({**GOOD, "from": "0"}), r"line 2: 'from' must be an integer"),
        (json.dumps({**GOOD, "sentence": ""}), r"line 2: 'sentence' must be a non-empty string"),
    ],
)
def test_read_newsmtsc_errors_name_file_and_line(tmp_path, bad, message):
    p = write(tmp_path, json.dumps(GOOD), bad)
    with pytest.raises(CorpusError, match=r"gold\.jsonl, " + message):
        read_newsmtsc(p)


def test_read_newsmtsc_missing_and_empty(tmp_path):
    with pytest.raises(CorpusError, match="nope.jsonl: no such NewsMTSC file"):
        read_newsmtsc(tmp_path / "nope.jsonl")
    with pytest.raises(CorpusError, match="no targets"):
        read_newsmtsc(write(tmp_path, ""))


# -- evaluation on the real dev data --------------------------------------------------------------


def check_result(r: dict, method: str, n: int) -> None:
    assert set(r) == {"n", "macro_f1", "accuracy", "f1_per_class", "method"}
    assert r["method"] == method and r["n"] == n
    assert set(r["f1_per_class"]) == set(LABELS)
    for v in [r["macro_f1"], r["accuracy"], *r["f1_per_class"].values()]:
        assert isinstance(v, float) and 0 <= v <= 1
    assert r["macro_f1"] == pytest.approx(sum(r["f1_per_class"].values()) / 3)


def test_sklearn_model_on_dev_rw():
    r = evaluate_newsmtsc(DEV_RW, method="sklearn")
    check_result(r, "sklearn", 343)
    assert r["macro_f1"] >= 0.65


def test_sklearn_model_on_dev_mt():
    r = evaluate_newsmtsc(DEV_MT, method="sklearn")
    check_result(r, "sklearn", 442)
    assert r["macro_f1"] >= 0.60


@pytest.mark.parametrize("split, path, n", [("dev_rw", DEV_RW, 343), ("dev_mt", DEV_MT, 442)])
def test_neural_model_on_dev_scores_what_its_provenance_says(split, path, n):
    # The README and provenance.json report these scores: the shipped model, run by the toolkit,
    # must reproduce them (4 decimals, as recorded at export).
    from toolkit.sentiment_neural import default_model_dir

    prov = json.loads((default_model_dir() / "provenance.json").read_text(encoding="utf-8"))
    r = evaluate_newsmtsc(path, method="neural")
    check_result(r, "neural", n)
    assert r["macro_f1"] == pytest.approx(prov["dev_scores"]["shipped"][split]["macro_f1"],
                                          abs=1e-4)
    assert r["macro_f1"] >= {"dev_rw": 0.80, "dev_mt": 0.70}[split]


def test_lexicon_on_dev_rw():
    r = evaluate_newsmtsc(DEV_RW, method="lexicon")
    check_result(r, "lexicon", 343)
    assert r["macro_f1"] > 0.45


def test_evaluate_unknown_method():
    with pytest.raises(ValueError, match="invalid method='bert'"):
        evaluate_newsmtsc(DEV_RW, method="bert")


def test_cli_evaluate_prints_one_json_object():
    out = io.StringIO()
    assert cli_evaluate(Namespace(dataset="newsmtsc", file=str(DEV_RW), method="lexicon"),
                        stdout=out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    check_result(json.loads(lines[-1]), "lexicon", 343)


def test_codebook_roles_step_is_default_and_helps_lexicon():
    """The codebook-aware role step (threat source -> negative) is on by default and improves
    actor sentiment on the dev gold set (lexicon method: fast)."""
    from toolkit.evaluate import codebook_predictions, evaluate_codebook

    path = data_path("eval", "threat_dev.jsonl")
    on = evaluate_codebook(path, sentiment_method="lexicon")["sentiment"]
    off = evaluate_codebook(path, sentiment_method="lexicon", use_roles=False,
                            prior_correction=False, use_speakers=False)["sentiment"]
    assert on["n"] == off["n"] > 0
    assert on["macro_f1"] > off["macro_f1"]
    out = codebook_predictions(path, sentiment_method="lexicon")
    src = out["roles"][out["roles"]["role"] == "source"]
    lab = out["sentiment"].set_index(["doc_id", "sent_id", "actor"])["label"]
    assert len(src) and all(lab[(d, s, a)] == "negative"
                            for d, s, a in zip(src["doc_id"], src["sent_id"], src["actor"]))


def test_codebook_self_portrayal_step_is_default_and_helps():
    """A speaker's mentions of itself are neutral by default (the codebook's convention), which
    improves actor sentiment on the dev gold set (lexicon method: fast)."""
    from toolkit.actors import speaker_actors
    from toolkit.evaluate import codebook_predictions, evaluate_codebook

    path = data_path("eval", "threat_dev.jsonl")
    on = evaluate_codebook(path, sentiment_method="lexicon")["sentiment"]
    off = evaluate_codebook(path, sentiment_method="lexicon", use_speakers=False)["sentiment"]
    assert on["n"] == off["n"] > 0
    assert on["macro_f1"] > off["macro_f1"] + 0.03
    out = codebook_predictions(path, sentiment_method="lexicon")
    who = speaker_actors(out["docs"])
    assert set(who.dropna()) >= {"USA", "PRK"}  # White House documents; a DPRK UN speech
    roles = {(d, s, a) for d, s, a, r in out["roles"][["doc_id", "sent_id", "actor", "role"]]
             .itertuples(index=False) if r != "none"}
    own = out["sentiment"][[who.get(d) == a for d, a in zip(out["sentiment"]["doc_id"],
                                                              out["sentiment"]["actor"])]]
    own = own[[k not in roles for k in zip(own["doc_id"], own["sent_id"], own["actor"])]]
    assert len(own) > 50 and (own["label"] == "neutral").all()
