"""Tests of inter-coder agreement, disagreements and the adjudicated merge
(toolkit/evaluation/agreement.py)."""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import CorpusError
from toolkit.evaluation.agreement import (
    DISAGREEMENT_COLUMNS,
    add_agreement_arguments,
    cli_agreement,
    codebook_agreement,
    cohen_kappa,
    disagreements,
    krippendorff_alpha,
    merge_adjudicated,
    write_disagreements,
)
from toolkit.evaluation.evaluate import read_codebook
from toolkit.resources import data_path

DEV = data_path("eval", "threat_dev.jsonl")
N = None


@pytest.fixture(scope="module")
def gaz():
    from toolkit.actors import load_gazetteer

    return load_gazetteer()


# -- coefficients: published examples --------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12
# units with missing values; nominal alpha = 0.743 (the same "C" data is the example of R's
# irr::kripp.alpha / DescTools::KrippAlpha). Rows are observers here, as in the paper.
KRIPP_C = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
}


def test_alpha_krippendorff_2011_example():
    units = [list(u) for u in zip(*KRIPP_C.values())]  # units x coders
    assert round(krippendorff_alpha(units), 3) == 0.743
    # exact: n = 40 pairable values (unit 12 has one) with margins n_1..n_5 = 9, 13, 10, 5, 3
    # (as in the paper), sum o_cc = 32: alpha = 1 - 39 * (40 - 32) / (40 * 39 - sum n_c(n_c-1))
    like = 9 * 8 + 13 * 12 + 10 * 9 + 5 * 4 + 3 * 2
    assert krippendorff_alpha(units) == pytest.approx(1 - 39 * 8 / (1560 - like))
    # the same as a DataFrame with NaN (float columns) and as a numpy array
    df = pd.DataFrame(KRIPP_C, dtype=float)
    assert krippendorff_alpha(df) == pytest.approx(krippendorff_alpha(units))
    assert krippendorff_alpha(df.to_numpy()) == pytest.approx(krippendorff_alpha(units))
    # order of coders and of units does not matter; unit 12 (one value) is not pairable
    assert krippendorff_alpha(df[["D", "C", "B", "A"]].iloc[::-1]) == pytest.approx(0.7434210526)
    assert krippendorff_alpha(units[:11]) == pytest.approx(krippendorff_alpha(units))


def test_kappa_wikipedia_example_and_sklearn():
    from sklearn.metrics import cohen_kappa_score

    # Wikipedia "Cohen's kappa": 50 items; yes/yes 20, yes/no 5, no/yes 10, no/no 15; kappa 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
    assert cohen_kappa(a, b, labels=["yes", "no", "maybe"]) == pytest.approx(0.4)
    # three labels, uneven margins
    x = list("aabbbcccca" * 3) + list("abc")
    y = list("abbbccccaa" * 3) + list("cab")
    assert cohen_kappa(x, y) == pytest.approx(cohen_kappa_score(x, y))


def test_two_coders_alpha_vs_kappa_hand_computed():
    # Krippendorff (2011) section A: binary data, two observers, no missing data; alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    # coincidences: o00 = 10, o11 = 2, o01 = o10 = 4; n0 = 14, n1 = 6, n = 20
    # alpha = 1 - (n-1) (o01 + o10) / (2 n0 n1) = 1 - 19 * 8 / 168 = 16/168
    assert krippendorff_alpha(list(zip(a, b))) == pytest.approx(16 / 168)
    assert round(krippendorff_alpha(list(zip(a, b))), 3) == 0.095
    # kappa: p_o = 6/10, p_e = 0.2 * 0.4 + 0.8 * 0.6 = 0.56, kappa = 0.04 / 0.44 = 1/11
    assert cohen_kappa(a, b) == pytest.approx(1 / 11)


def test_alpha_missing_values_and_unpairable_units():
    base = [["a", "a"], ["a", "b"], ["b", "b"]]
    # 6 values, n_a = n_b = 3, sum o_cc = 4: alpha = 1 - 5 * 2 / (30 - 12) = 4/9
    assert krippendorff_alpha(base) == pytest.approx(4 / 9)
    padded = base + [["b", None], [float("nan"), "a"], [None, None], [pd.NA, np.nan]]
    assert krippendorff_alpha(padded) == pytest.approx(4 / 9)
    # three coders, a missing cell in a unit that stays pairable: unit (a, a, -) counts 2 values
    # values: a a | a a b | b b b -> n = 8, n_a = 4, n_b = 4;
    # sum o_cc = 2/1 + 2/2 + 6/2 = 6; alpha = 1 - 7 * 2 / (56 - 24) = 18/32
    assert krippendorff_alpha([["a", "a", None], ["a", "a", "b"], ["b", "b", "b"]]) == \
        pytest.approx(18 / 32)


def test_degenerate_cases_are_nan():
    from sklearn.metrics import cohen_kappa_score

    same = ["x"] * 4
    assert math.isnan(cohen_kappa(same, same))
    with pytest.warns(Warning):
        assert math.isnan(cohen_kappa_score(same, same))  # sklearn agrees
    assert math.isnan(cohen_kappa([], []))
    assert math.isnan(krippendorff_alpha([["x", "x"], ["x", "x"]]))
    assert math.isnan(krippendorff_alpha([]))
    assert math.isnan(krippendorff_alpha([["a"], ["b"]]))  # one coder: nothing pairable
    assert math.isnan(krippendorff_alpha([["a", None], [None, "b"]]))


def test_coefficient_errors():
    with pytest.raises(ValueError, match="'nominal'.*not implemented"):
        krippendorff_alpha([[1, 2]], level="interval")
    with pytest.raises(ValueError, match="2-D"):
        krippendorff_alpha(["a", "b"])
    with pytest.raises(ValueError, match="2-D"):
        krippendorff_alpha(np.array([1, 2]))
    with pytest.raises(ValueError, match="unit 1 has 3"):
        krippendorff_alpha([[1, 2], [1, 2, 3]])
    with pytest.raises(ValueError, match="single label"):
        krippendorff_alpha([[[1], [2]]])
    with pytest.raises(ValueError, match="a has 2 labels but b has 1"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError, match=r"b\[1\] is missing"):
        cohen_kappa([1, 2], [1, None])
    with pytest.raises(ValueError, match=r"a\[0\] = 'z' is not one of"):
        cohen_kappa(["z"], ["a"], labels=["a", "b"])


# -- codebook files -----------------------------------------------------------------------------


def line(sid, sentence, threat, actors, threat_type=None, horizon=None, **extra):
    """One codebook line; ``actors`` is ``{ACTOR: (sentiment, role)}``."""
    return json.dumps({"id": sid, "source": "seed", **extra, "sentence": sentence,
                       "threat": threat, "threat_type": threat_type, "horizon": horizon,
                       "actors": {a: {"sentiment": s, "role": r, "mentions": []}
                                  for a, (s, r) in actors.items()}})


def write(path, *lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


S1, S2, S3, S4 = ("Russia threatens NATO.", "China and Russia met.", "Iran attacked.",
                  "The UN voted.")


@pytest.fixture
def two(tmp_path):
    """Two coders on four sentences; the expected numbers are worked out in the tests."""
    ann = write(tmp_path / "ann.jsonl",
                line("s1", S1, True, {"RUS": ("negative", "source"),
                                      "NATO": ("neutral", "referent")},
                     "military", "present", before="ann context"),
                line("s2", S2, False, {"CHN": ("neutral", "none"), "RUS": ("neutral", "none")}),
                line("s3", S3, True, {"IRN": ("negative", "source")}, "military", "present"),
                line("s4", S4, False, {"UN": ("neutral", "none")}))
    bob = write(tmp_path / "bob.jsonl",
                line("s1", S1, True, {"RUS": ("negative", "source"),
                                      "NATO": ("positive", "referent")},
                     "military", "future", before="bob context"),
                line("s2", S2, False, {"CHN": ("neutral", "none")}),
                line("s3", S3, False, {"IRN": ("negative", "none")}),
                line("s4", S4, False, {"UN": ("neutral", "none")}))
    return [ann, bob]


def test_codebook_agreement_exact(two):
    res = codebook_agreement(two)
    json.dumps(res, allow_nan=False)  # plain JSON, no NaN
    assert res["coders"] == ["ann", "bob"] and res["n_sentences"] == 4
    # threat: T F T F vs T F F F. p_o = 3/4, p_e = 1/2 -> kappa 1/2;
    # alpha: n = 8 (3 T, 5 F), sum o_cc = 6: 1 - 7 * 2 / (56 - 26) = 16/30
    assert res["threat"] == {"kappa": pytest.approx(0.5), "alpha": pytest.approx(16 / 30),
                             "agreement": 0.75, "n": 4, "note": None}
    # type: on s1 only (both threat), both military: undefined, said why
    tt = res["threat_type"]
    assert (tt["kappa"], tt["alpha"], tt["agreement"], tt["n"]) == (None, None, 1.0, 1)
    assert "every value is 'military'" in tt["note"]
    # horizon: present vs future on s1: kappa 0, alpha 1 - 1 * 2 / 2 = 0
    assert res["horizon"] == {"kappa": 0.0, "alpha": 0.0, "agreement": 0.0, "n": 1,
                              "note": None}
    # actor pairs: union of 6, bob lacks (s2, RUS); F1 = 2 * 5 / 11. Kappa and alpha are 0:
    # ann says "present" to all, so there is no variation on her side to agree with
    ap = res["actor_pairs"]
    assert (ap["kappa"], ap["alpha"], ap["agreement"], ap["n"]) == (0.0, 0.0, 5 / 6, 6)
    assert ap["f1"] == pytest.approx(10 / 11)
    assert ap["pairwise_f1"] == [{"coders": ["ann", "bob"], "f1": pytest.approx(10 / 11)}]
    # source pairs: ann (s1,RUS), (s3,IRN); bob (s1,RUS)
    sp = res["source_pairs"]
    assert (sp["agreement"], sp["n"], sp["f1"]) == (0.5, 2, pytest.approx(2 / 3))
    # role on the 5 pairs both found: ann src ref none src none, bob src ref none none none
    # p_o = 4/5, p_e = (2*1 + 1*1 + 2*3)/25 -> kappa 11/16; alpha 1 - 9 * 2 / (90 - 28) = 22/31
    assert res["role"] == {"kappa": pytest.approx(11 / 16), "alpha": pytest.approx(22 / 31),
                           "agreement": 0.8, "n": 5, "note": None}
    # sentiment: only NATO differs (neutral vs positive): kappa 2/3, alpha 1 - 18/58 = 20/29
    assert res["sentiment"] == {"kappa": pytest.approx(2 / 3), "alpha": pytest.approx(20 / 29),
                                "agreement": 0.8, "n": 5, "note": None}
    # coder names can be given
    assert codebook_agreement(two, labels=["A", "B"])["actor_pairs"]["pairwise_f1"][0][
        "coders"] == ["A", "B"]


def test_three_coders(two, tmp_path):
    cat = write(tmp_path / "cat.jsonl", *two[0].read_text().splitlines())  # a copy of ann
    res = codebook_agreement([*two, cat])
    assert res["threat"]["kappa"] is None
    # units T T T | F F F | T F T | F F F: n = 12 (5 T, 7 F); sum o_cc = 3 + 3 + 2/2 + 3 = 10;
    # alpha = 1 - (n - 1) (n - sum o_cc) / (n (n - 1) - 5 * 4 - 7 * 6) = 1 - 11 * 2 / 70
    assert res["threat"]["alpha"] == pytest.approx(1 - 11 * 2 / 70)
    assert res["threat"]["agreement"] == 0.75
    assert res["actor_pairs"]["f1"] is None
    assert [(p["coders"], round(p["f1"], 4)) for p in res["actor_pairs"]["pairwise_f1"]] == [
        (["ann", "bob"], 0.9091), (["ann", "cat"], 1.0), (["bob", "cat"], 0.9091)]


def test_disagreements_rows(two):
    df = disagreements(two)
    assert list(df.columns) == ["id", "field", "actor", "sentence", "ann", "bob", "adjudicated"]
    assert list(DISAGREEMENT_COLUMNS) == ["id", "field", "actor", "sentence", "adjudicated"]
    got = [tuple(r) for r in df[["id", "field", "actor", "ann", "bob"]].itertuples(index=False)]
    assert got == [
        ("s1", "horizon", None, "present", "future"),
        ("s1", "sentiment", "NATO", "neutral", "positive"),
        ("s2", "actor_pairs", "RUS", "present", "absent"),
        ("s2", "role", "RUS", "none", None),
        ("s2", "sentiment", "RUS", "neutral", None),
        ("s3", "threat", None, "true", "false"),
        ("s3", "threat_type", None, "military", None),
        ("s3", "horizon", None, "present", None),
        ("s3", "role", "IRN", "source", "none"),
    ]
    assert df["adjudicated"].isna().all()
    assert df.loc[df["id"] == "s3", "sentence"].unique().tolist() == [S3]
    # no disagreements: the columns are still there
    ann2 = two[0].with_name("ann2.jsonl")
    ann2.write_text(two[0].read_text(), encoding="utf-8")
    empty = disagreements([two[0], ann2])
    assert len(empty) == 0 and list(empty.columns) == ["id", "field", "actor", "sentence",
                                                       "ann", "ann2", "adjudicated"]


DECISIONS = ["future", "positive", "absent", "", "", "true", "military", "present", "source"]


def adjudicate(two, tmp_path, decisions=DECISIONS):
    df = disagreements(two)
    df["adjudicated"] = decisions
    return write_disagreements(df, tmp_path / "adjudicated.csv")


def test_write_and_merge(two, tmp_path, gaz):
    p = adjudicate(two, tmp_path)
    text = p.read_text(encoding="utf-8").splitlines()
    assert text[0] == "id,field,actor,sentence,ann,bob,adjudicated"
    assert text[4] == "s2,role,RUS,China and Russia met.,none,,"
    out = tmp_path / "gold" / "gold.jsonl"
    rows = merge_adjudicated(two, p, out, gazetteer=gaz)
    assert rows == read_codebook(out)
    assert not (tmp_path / "gold" / "gold.jsonl.tmp").exists()
    by = {r["id"]: r for r in rows}
    assert [r["id"] for r in rows] == ["s1", "s2", "s3", "s4"]
    assert by["s1"]["before"] == "ann context"  # the first file's other fields
    assert (by["s1"]["threat_type"], by["s1"]["horizon"]) == ("military", "future")
    assert {a: (v["sentiment"], v["role"]) for a, v in by["s1"]["actors"].items()} == {
        "RUS": ("negative", "source"), "NATO": ("positive", "referent")}
    assert list(by["s2"]["actors"]) == ["CHN"]
    assert (by["s3"]["threat"], by["s3"]["threat_type"], by["s3"]["horizon"]) == \
        (True, "military", "present")
    assert by["s3"]["actors"]["IRN"] == {"sentiment": "negative", "role": "source",
                                         "mentions": []}
    assert by["s4"] == json.loads(two[0].read_text().splitlines()[3])
    # the other way: s3 is not a threat, its type and horizon left empty, IRN none
    rows = merge_adjudicated(two, adjudicate(two, tmp_path, DECISIONS[:5] +
                                             ["false", "", "", "none"]), out, gazetteer=gaz)
    s3 = rows[2]
    assert (s3["threat"], s3["threat_type"], s3["horizon"], s3["actors"]["IRN"]["role"]) == \
        (False, None, None, "none")


@pytest.mark.parametrize("decisions, message", [
    # undecided (row 1 is CSV line 2)
    (["", *DECISIONS[1:]], r"adjudicated.csv, line 2: horizon of id 's1' is not decided; fill "
                           r"the adjudicated column with one of present, future, past"),
    # unknown label: file, line, field and the valid values
    ([*DECISIONS[:1], "angry", *DECISIONS[2:]],
     r"adjudicated.csv, line 3: adjudicated sentiment 'angry' is not valid; valid values are "
     r"negative, neutral, positive"),
    ([*DECISIONS[:5], "maybe", *DECISIONS[6:]],
     r"line 7: adjudicated threat 'maybe' is not valid; valid values are true, false"),
    # a moot decision filled: RUS is absent, so its role must stay empty
    ([*DECISIONS[:3], "none", *DECISIONS[4:]],
     r"line 5: role of id 's2', actor 'RUS' is decided as 'none' but actor 'RUS' is "
     r"adjudicated absent; leave the adjudicated cell empty"),
    # s3 not a threat but a type given
    ([*DECISIONS[:5], "false", "military", "", "none"],
     r"line 8: threat_type of id 's3' is decided as 'military' but the sentence is not a threat"),
    # s3 not a threat but IRN the source
    ([*DECISIONS[:5], "false", "", "", "source"],
     r"line 10: role of id 's3', actor 'IRN' is 'source' but the sentence is not a threat frame"),
])
def test_merge_bad_decisions(two, tmp_path, gaz, decisions, message):
    out = tmp_path / "gold.jsonl"
    with pytest.raises(CorpusError, match=message):
        merge_adjudicated(two, adjudicate(two, tmp_path, decisions), out, gazetteer=gaz)
    assert not out.exists() and not (tmp_path / "gold.jsonl.tmp").exists()


def edit_csv(path, fn):
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows = fn(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


@pytest.mark.parametrize("fn, message", [
    # an actor id outside the gazetteer: file, line, field actor
    (lambda r: r[:2] + [r[2][:2] + ["NTAO"] + r[2][3:]] + r[3:],
     r"adjudicated.csv, line 3: actor 'NTAO' is not an actor id of the gazetteer \(did you mean "
     r"NATO"),
    # a line for a unit the coders agree on
    (lambda r: r + [["s4", "threat", "", S4, "false", "false", "true"]],
     r"line 11: threat of id 's4' is not a disagreement \(the coders agree on it\)"),
    (lambda r: r + [["s4", "sentiment", "UKR", S4, "", "", "neutral"]],
     r"line 11: sentiment of id 's4', actor 'UKR' is not a disagreement \(no coder"),
    # a repeated line
    (lambda r: r + [r[1]], r"line 11: horizon of id 's1' is already decided on line 2"),
    # a missing line
    (lambda r: r[:1] + r[2:], r"1 disagreement\(s\) of the coders' files have no line: "
                              r"'s1/horizon'"),
    (lambda r: r + [["s9", "threat", "", "", "", "", "true"]], r"line 11: id 's9' is not in"),
    (lambda r: r + [["s4", "mood", "", "", "", "", "x"]],
     r"line 11: field 'mood' is not one of threat, threat_type, horizon, actor_pairs"),
    (lambda r: r + [["s4", "threat", "UN", "", "", "", "true"]],
     r"line 11: actor must be empty for field threat"),
    (lambda r: r + [["s4", "role", "", "", "", "", "none"]], r"line 11: field role needs an actor"),
    (lambda r: [[c for c in h if c != "adjudicated"] for h in r[:1]] + r[1:],
     r"adjudicated.csv, line 1: missing column\(s\) adjudicated"),
])
def test_merge_bad_csv(two, tmp_path, gaz, fn, message):
    p = edit_csv(adjudicate(two, tmp_path), fn)
    with pytest.raises(CorpusError, match=message):
        merge_adjudicated(two, p, tmp_path / "gold.jsonl", gazetteer=gaz)


def test_merge_actor_outside_gazetteer_in_coder_file(two, tmp_path, gaz):
    bad = write(tmp_path / "bad.jsonl", *[two[1].read_text().splitlines()[0],
                                           line("s2", S2, False, {"XYZ": ("neutral", "none")}),
                                           *two[1].read_text().splitlines()[2:]])
    with pytest.raises(CorpusError, match=r"bad.jsonl: id 's2': actor 'XYZ' is not an actor id"):
        merge_adjudicated([two[0], bad], tmp_path / "none.csv", tmp_path / "g.jsonl",
                          gazetteer=gaz)
    with pytest.raises(CorpusError, match=r"none.csv: no such adjudicated CSV"):
        merge_adjudicated(two, tmp_path / "none.csv", tmp_path / "g.jsonl", gazetteer=gaz)


# -- bad input files ----------------------------------------------------------------------------


def test_file_errors(two, tmp_path):
    ann, bob = two
    with pytest.raises(CorpusError, match=r"two or more codebook files.*got 1: .*ann.jsonl"):
        codebook_agreement([ann])
    with pytest.raises(CorpusError, match="got 1"):
        codebook_agreement(ann)
    # ids differ: bob lacks s3, s4 and has s9
    lines = bob.read_text().splitlines()
    short = write(tmp_path / "short.jsonl", lines[0], lines[1],
                  line("s9", "New.", False, {}))
    with pytest.raises(CorpusError, match=r"short.jsonl lacks 2 id\(s\) that .*ann.jsonl has: "
                                          r"'s3', 's4'; .*short.jsonl has 1 id\(s\) that "
                                          r".*ann.jsonl lacks: 's9'"):
        codebook_agreement([ann, short])
    # an id in one file only, with three coders
    extra = write(tmp_path / "extra.jsonl", *lines, line("s5", "More.", False, {}))
    with pytest.raises(CorpusError, match=r"extra.jsonl has 1 id\(s\) that .*ann.jsonl lacks: "
                                          r"'s5'"):
        disagreements([ann, bob, extra])
    with pytest.raises(CorpusError, match=r"bob.jsonl lacks 1 id\(s\) that .*extra.jsonl has: "
                                          r"'s5'"):
        codebook_agreement([extra, bob])
    # the same id, another sentence
    other = write(tmp_path / "other.jsonl", line("s1", "Something else.", False, {}), *lines[1:])
    with pytest.raises(CorpusError, match=r"other.jsonl: id 's1' has another sentence"):
        codebook_agreement([ann, other])
    # a bad line: read_codebook names file, line and field
    broken = write(tmp_path / "broken.jsonl", lines[0], lines[1].replace('"none"', '"boss"'))
    with pytest.raises(CorpusError, match=r"broken.jsonl, line 2: actors.CHN.role must be one of"):
        codebook_agreement([ann, broken])
    # two files of the same name need coder names
    (tmp_path / "b").mkdir()
    twin = write(tmp_path / "b" / "ann.jsonl", *lines)
    with pytest.raises(CorpusError, match="same name 'ann'"):
        codebook_agreement([ann, twin])
    assert codebook_agreement([ann, twin], labels=["x", "y"])["coders"] == ["x", "y"]
    with pytest.raises(ValueError, match="2 coder names for 3 files"):
        codebook_agreement([ann, bob, twin], labels=["x", "y"])
    with pytest.raises(ValueError, match="'field' is a column"):
        disagreements([ann, bob], labels=["field", "y"])


# -- command line -------------------------------------------------------------------------------


def parse(*argv):
    return add_agreement_arguments(argparse.ArgumentParser(prog="toolkit agreement")).parse_args(
        [str(a) for a in argv])


def test_cli(two, tmp_path):
    out = io.StringIO()
    dis = tmp_path / "dis.csv"
    assert cli_agreement(parse(*two, "--disagreements", dis), stdout=out) == 0
    last = out.getvalue().splitlines()[-1]
    assert json.loads(last) == codebook_agreement(two)
    assert len(pd.read_csv(dis)) == 9
    # fill the CSV, merge (with the packaged gazetteer)
    df = pd.read_csv(dis, dtype=str, keep_default_na=False)
    df["adjudicated"] = DECISIONS
    df.to_csv(dis, index=False)
    gold = tmp_path / "gold.jsonl"
    out = io.StringIO()
    assert cli_agreement(parse(*two, "--merge", dis, "--out", gold, "--coders", "x", "y"),
                         stdout=out) == 0
    assert json.loads(out.getvalue().splitlines()[-1])["coders"] == ["x", "y"]
    assert len(read_codebook(gold)) == 4
    with pytest.raises(ValueError, match="--merge ADJUDICATED.csv and --out GOLD.jsonl go "
                                         "together"):
        cli_agreement(parse(*two, "--merge", dis))


# -- real data: the packaged dev set against a deterministically changed copy ---------------------


def test_dev_set_against_changed_copy(tmp_path, gaz):
    from sklearn.metrics import cohen_kappa_score

    gold = read_codebook(DEV)
    copy = json.loads(json.dumps(gold))
    changed: set[tuple] = set()  # the (id, field, actor) units the changes make differ
    non_threat = [r for r in copy if not r["threat"]]
    first_threat = next(r for r in copy if r["threat"])
    for r in non_threat[:2]:  # two non-threats become threats; roles stay none
        r.update(threat=True, threat_type="other", horizon="present")
        changed |= {(r["id"], "threat", None), (r["id"], "threat_type", None),
                    (r["id"], "horizon", None)}
    first_threat.update(threat=False, threat_type=None, horizon=None)
    changed |= {(first_threat["id"], f, None) for f in ("threat", "threat_type", "horizon")}
    for a, ann in first_threat["actors"].items():
        if ann["role"] != "none":
            changed.add((first_threat["id"], "role", a))
        ann["role"] = "none"
    flip = {"negative": "neutral", "neutral": "positive", "positive": "negative"}
    with_actors = [r for r in copy if r["actors"] and r["id"] != first_threat["id"]]
    for r in with_actors[:5]:  # the first actor's sentiment moves on
        a = next(iter(r["actors"]))
        r["actors"][a]["sentiment"] = flip[r["actors"][a]["sentiment"]]
        changed.add((r["id"], "sentiment", a))
    dropped = next(r for r in reversed(copy) if len(r["actors"]) >= 2)
    a_dropped = list(dropped["actors"])[-1]
    del dropped["actors"][a_dropped]
    added = next(r for r in reversed(copy) if not r["actors"])
    added["actors"]["EU"] = {"sentiment": "neutral", "role": "none", "mentions": []}
    for r, a in ((dropped, a_dropped), (added, "EU")):
        changed |= {(r["id"], f, a) for f in ("actor_pairs", "role", "sentiment")}
    bob = tmp_path / "bob.jsonl"
    bob.write_text("".join(json.dumps(r) + "\n" for r in copy), encoding="utf-8")

    res = codebook_agreement([DEV, bob])
    assert res["coders"] == ["threat_dev", "bob"] and res["n_sentences"] == 238
    a = [r["threat"] for r in gold]
    b = [r["threat"] for r in copy]
    assert (sum(a), sum(b)) == (90, 91)
    assert res["threat"]["n"] == 238 and res["threat"]["agreement"] == pytest.approx(235 / 238)
    assert res["threat"]["kappa"] == pytest.approx(cohen_kappa_score(a, b))
    # kappa by hand: p_o = 235/238, p_e = (90 * 91 + 148 * 147) / 238^2
    pe = Fraction(90 * 91 + 148 * 147, 238 ** 2)
    assert res["threat"]["kappa"] == pytest.approx(float((Fraction(235, 238) - pe) / (1 - pe)))
    # alpha by hand: 2 * 238 values, 181 true, 295 false, 3 units of unlike pairs (6 coincidences)
    assert res["threat"]["alpha"] == pytest.approx(1 - 475 * 6 / (2 * 181 * 295))
    assert round(res["threat"]["kappa"], 4) == 0.9733
    # type and horizon on the 89 sentences both mark as threats: all agree
    for f in ("threat_type", "horizon"):
        assert (res[f]["n"], res[f]["agreement"], res[f]["alpha"]) == (89, 1.0, 1.0)
    # actor pairs: 297 in the gold, one dropped, one added
    assert res["actor_pairs"]["n"] == 298
    assert res["actor_pairs"]["f1"] == pytest.approx(2 * 296 / (297 + 297))
    # sentiment: 5 of the 296 pairs both found differ
    assert res["sentiment"]["n"] == 296
    assert res["sentiment"]["agreement"] == pytest.approx(291 / 296)
    y1 = [gold_r["actors"][x]["sentiment"] for gold_r, r in zip(gold, copy)
          for x in gold_r["actors"] if x in r["actors"]]
    y2 = [r["actors"][x]["sentiment"] for gold_r, r in zip(gold, copy)
          for x in gold_r["actors"] if x in r["actors"]]
    assert res["sentiment"]["kappa"] == pytest.approx(cohen_kappa_score(y1, y2))

    df = disagreements([DEV, bob])
    assert set(zip(df["id"], df["field"], df["actor"])) == changed
    assert len(df) == len(changed)
    # adjudicate every disagreement as the original file has it: the merge gives the dev set back
    df["adjudicated"] = df["threat_dev"]
    merged = merge_adjudicated([DEV, bob], write_disagreements(df, tmp_path / "dis.csv"),
                               tmp_path / "gold.jsonl", gazetteer=gaz)
    assert merged == gold
