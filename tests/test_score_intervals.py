"""Codebook scores from per-sentence counts, their bootstrap intervals, per-class tables, plots."""
from __future__ import annotations

import io
import json

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from toolkit.cli import build_parser  # noqa: E402
from toolkit.evaluation.evaluate import (  # noqa: E402
    cli_evaluate_codebook,
    codebook_predictions,
    evaluate_codebook,
)
from toolkit.evaluation.score_intervals import (  # noqa: E402
    COUNT_COLUMNS,
    INTERVAL_COLUMNS,
    PER_CLASS_COLUMNS,
    SCORE_NAMES,
    bootstrap_scores,
    codebook_counts,
    confusion_table,
    per_class_table,
    scores_from_counts,
)
from toolkit.plots.evaluation import plot_confusion, plot_score_intervals  # noqa: E402
from toolkit.resources import data_path  # noqa: E402

DEV = data_path("eval", "threat_dev.jsonl")


def _row(i, threat, actors, threat_type=None, horizon=None):
    return {"id": i, "source": "x", "sentence": "s", "threat": threat, "threat_type": threat_type,
            "horizon": horizon,
            "actors": {a: {"sentiment": s, "role": r, "mentions": []} for a, (s, r) in
                       actors.items()}}


@pytest.fixture()
def tiny():
    """Three gold lines and the toolkit's tables for them, written out by hand."""
    rows = [_row("a", True, {"RUS": ("negative", "source"), "UKR": ("positive", "referent")},
                 "military", "present"),
            _row("b", False, {"USA": ("neutral", "none")}),
            _row("c", True, {"CHN": ("negative", "source")}, "economic", "future")]
    frames = pd.DataFrame({"doc_id": ["a", "b", "c"], "threat": [True, True, False],
                           "threat_type": ["nuclear", "military", None],
                           "horizon": ["present", "present", None]})
    roles = pd.DataFrame({"doc_id": ["a", "a", "b"], "actor": ["RUS", "UKR", "USA"],
                          "role": ["source", "source", "referent"]})
    ments = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "actor": ["RUS", "UKR", "USA", "IRN"]})
    senti = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "actor": ["RUS", "UKR", "USA", "IRN"],
                          "label": ["negative", "neutral", "neutral", "negative"]})
    return {"rows": rows, "frames": frames, "roles": roles, "mentions": ments,
            "sentiment": senti}


def test_counts_and_scores_of_a_hand_made_example(tiny):
    c = codebook_counts(tiny)
    assert list(c.columns) == COUNT_COLUMNS and list(c["id"]) == ["a", "b", "c"]
    assert c[["threat_tp", "threat_pred", "threat_gold"]].values.tolist() == [[1, 1, 1],
                                                                              [0, 1, 0],
                                                                              [0, 0, 1]]
    # a: RUS source right, UKR wrongly source; b: USA not source; c: CHN source missed
    assert c[["source_tp", "source_pred", "source_gold"]].values.tolist() == [[1, 2, 1],
                                                                              [0, 0, 0],
                                                                              [0, 0, 1]]
    # c: IRN found where the coders found CHN
    assert c[["actors_tp", "actors_pred", "actors_gold"]].values.tolist() == [[2, 2, 2],
                                                                              [1, 1, 1],
                                                                              [0, 1, 1]]
    assert c.loc[0, "threat_type:military>nuclear"] == 1 and c.loc[0, "horizon:present>present"] == 1
    s = scores_from_counts(c)
    assert list(s) == list(SCORE_NAMES)
    assert s["threat_precision"] == 0.5 and s["threat_recall"] == 0.5
    assert s["source_precision"] == 0.5 and s["source_recall"] == 0.5
    assert s["actors_precision"] == 0.75 and s["actors_recall"] == 0.75
    assert s["type_accuracy"] == 0.0 and s["horizon_accuracy"] == 1.0
    # sentiment pairs (gold>pred): RUS neg>neg, UKR pos>neu, USA neu>neu: F1 neg 1, neu 2/3, pos 0
    assert s["sentiment_accuracy"] == pytest.approx(2 / 3)
    assert s["sentiment_macro_f1"] == pytest.approx((1 + 2 / 3 + 0) / 3)
    table = per_class_table(c, "sentiment")
    assert list(table.columns) == PER_CLASS_COLUMNS
    assert table["support"].tolist() == [1, 1, 1] and table["n_pred"].tolist() == [1, 2, 0]
    conf = confusion_table(c, "role")
    assert conf["n"].sum() == 3
    assert conf.set_index(["gold", "predicted"]).loc[("referent", "source"), "n"] == 1


def test_evaluate_codebook_agrees_with_scikit_learn_on_dev():
    pred = codebook_predictions(DEV, threat_method="rules", sentiment_method="lexicon")
    res = evaluate_codebook(DEV, threat_method="rules", sentiment_method="lexicon")
    ids = [r["id"] for r in pred["rows"]]
    gold = [r["threat"] for r in pred["rows"]]
    got = pred["frames"].set_index("doc_id").loc[ids, "threat"].astype(bool).tolist()
    assert res["threat"]["f1"] == pytest.approx(f1_score(gold, got))
    lab = dict(zip(zip(pred["sentiment"]["doc_id"], pred["sentiment"]["actor"]),
                   pred["sentiment"]["label"]))
    pairs = [(v["sentiment"], lab[(r["id"], a)]) for r in pred["rows"]
             for a, v in r["actors"].items() if (r["id"], a) in lab]
    assert res["sentiment"]["n"] == len(pairs)
    assert res["sentiment"]["macro_f1"] == pytest.approx(f1_score(
        [a for a, _ in pairs], [b for _, b in pairs], average="macro"))


def test_bootstrap_intervals_are_reproducible_and_contain_the_estimate():
    pred = codebook_predictions(DEV, threat_method="rules", sentiment_method="lexicon")
    c = codebook_counts(pred)
    a = bootstrap_scores(c, n_boot=300, random_state=1)
    b = bootstrap_scores(c, n_boot=300, random_state=1)
    other = bootstrap_scores(c, n_boot=300, random_state=2)
    assert list(a.columns) == INTERVAL_COLUMNS and list(a["score"]) == list(SCORE_NAMES)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], other["ci_low"])
    row = a.set_index("score").loc["threat_f1"]
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    # 238 sentences: the threat F1 interval is several points wide, the source one wider
    width = (a["ci_high"] - a["ci_low"]).set_axis(a["score"])
    assert 0.03 < width["threat_f1"] < 0.2 and width["source_f1"] > width["threat_f1"]
    narrow = bootstrap_scores(c, n_boot=300, ci=0.5, random_state=1).set_index("score")
    assert narrow.loc["threat_f1", "ci_high"] - narrow.loc["threat_f1", "ci_low"] < \
        width["threat_f1"]
    with pytest.raises(ValueError, match="ci must be between"):
        bootstrap_scores(c, ci=1.5)
    with pytest.raises(ValueError, match="codebook_counts"):
        bootstrap_scores(c.drop(columns="threat_tp"))


def test_cli_prints_intervals():
    args = build_parser().parse_args(["evaluate", "codebook", str(DEV), "--threat-method",
                                      "rules", "--method", "lexicon", "--n-boot", "50"])
    out = io.StringIO()
    assert cli_evaluate_codebook(args, stdout=out) == 0
    res = json.loads(out.getvalue().strip().splitlines()[-1])
    iv = res["intervals"]
    assert iv["n_boot"] == 50 and iv["unit"] == "sentence"
    low, high = iv["threat_f1"]
    assert low <= res["threat"]["f1"] <= high


def test_plots_draw_on_the_given_axes(tiny):
    import matplotlib.pyplot as plt

    c = codebook_counts(tiny)
    fig, (ax1, ax2) = plt.subplots(1, 2)
    assert plot_confusion(confusion_table(c, "sentiment"), ax=ax1) is ax1
    assert len(ax1.texts) == 9 and ax1.texts[0].get_text() == "1"
    assert plot_score_intervals(bootstrap_scores(c, n_boot=20), ax=ax2,
                                scores=["threat_f1", "source_f1"]) is ax2
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["threat f1", "source f1"]
    with pytest.raises(ValueError, match="normalize"):
        plot_confusion(confusion_table(c, "role"), normalize="rows")
    plt.close(fig)
