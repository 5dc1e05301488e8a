"""Drawing a coding sample: strata, the draw, inclusion probabilities, files and the CLI."""
from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import warnings
from collections import Counter
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import CorpusError
from toolkit.evaluation.evaluate import read_codebook
from toolkit.evaluation.sample_command import add_sample_arguments, cli_sample
from toolkit.evaluation.sampling import (
    CSV_COLUMNS,
    DEFAULT_SHARES,
    JSONL_FIELDS,
    SAMPLE_COLUMNS,
    _doc_name,
    _draw,
    _inclusion,
    parse_shares,
    sample_for_coding,
    sentence_strata,
    write_coding_sample,
)

# Drawing nearly all of a tiny corpus leaves a stratum short on purpose (tested on its own).
pytestmark = pytest.mark.filterwarnings("ignore:stratum .* has only:UserWarning")

# Three short news items: every stratum, a two-word sentence (not eligible), three date precisions.
DOCS = {
    "a.md": ("Alliance meets", "2024-05-01",
             "Russia remains a long-term threat to NATO. The ministers of France met in Paris on "
             "Monday. The weather was mild and sunny all week."),
    "b.md": ("Trade talks", "2023-02",
             "China signed a trade agreement with Brazil. Iran is building new missiles near the "
             "coast. Thank you. The talks will continue next year in Geneva."),
    "c.md": ("Energy", "2022",
             "Germany and Poland discussed energy prices at length. Terrorism remains a danger to "
             "every open society. Everyone agreed to meet again soon."),
}


def write_corpus(root):
    folder = root / "news"
    folder.mkdir(parents=True)
    for name, (title, date, text) in DOCS.items():
        (folder / name).write_text(f'---\ntitle: {title}\ndate: "{date}"\n---\n{text}\n',
                                   encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    from toolkit.actors import mentions
    from toolkit.corpus import read_corpus
    from toolkit.framing.threat import threat_frames
    from toolkit.segment import sentences

    corpus = write_corpus(tmp_path_factory.mktemp("sampling"))
    docs = read_corpus(corpus, progress=False)
    sents = sentences(docs, progress=False)
    ments = mentions(sents, docs, progress=False)
    frames = threat_frames(sents, ments, progress=False)
    return {"corpus": corpus, "docs": docs, "sents": sents, "ments": ments, "frames": frames}


def draw(t, **kw):
    return sample_for_coding(t["docs"], t["sents"], t["ments"], t["frames"], **kw)


# ---------------------------------------------------------------------------------------------
# Strata
# ---------------------------------------------------------------------------------------------


def test_strata_of_a_real_tiny_corpus(tables):
    got = sentence_strata(tables["sents"], tables["ments"], tables["frames"])
    assert list(got.columns) == ["doc_id", "sent_id", "stratum", "has_actor", "has_cue"]
    assert got.to_dict("list") == {
        "doc_id": ["news/a.md"] * 3 + ["news/b.md"] * 4 + ["news/c.md"] * 3,
        "sent_id": [0, 1, 2, 0, 1, 2, 3, 0, 1, 2],
        # "threat" with RUS, NATO; France only; weather; China, Brazil, no cue; Iran and
        # "missiles" (a weak cue); "Thank you."; Geneva is a place; Germany, Poland;
        # "Terrorism ... danger" without an actor; nothing.
        "stratum": ["actor_cue", "actor_only", "other", "actor_only", "actor_cue", "other",
                    "other", "actor_only", "other", "other"],
        "has_actor": [True, True, False, True, True, False, False, True, False, False],
        "has_cue": [True, False, False, False, True, False, False, False, True, False],
    }


def test_strata_default_frames_are_the_lexicons(tables):
    a = sentence_strata(tables["sents"], tables["ments"], tables["frames"])
    b = sentence_strata(tables["sents"], tables["ments"])
    pd.testing.assert_frame_equal(a, b)


def test_strata_errors(tables):
    sents = tables["sents"]
    with pytest.raises(ValueError, match="frames: 1 sentence"):
        sentence_strata(sents, tables["ments"], tables["frames"].iloc[1:])
    with pytest.raises(ValueError, match="appears twice"):
        sentence_strata(pd.concat([sents, sents.iloc[:1]]), tables["ments"], tables["frames"])
    with pytest.raises(ValueError, match="missing"):
        sentence_strata(sents.drop(columns="sent_id"), tables["ments"], tables["frames"])


# ---------------------------------------------------------------------------------------------
# The sample
# ---------------------------------------------------------------------------------------------


def test_sample_rows_are_exact(tables):
    s = draw(tables, n=5)
    assert list(s.columns) == list(SAMPLE_COLUMNS)
    assert len(s) == 5 and s["id"].is_unique
    # the two actor_cue sentences are the whole stratum: always drawn
    row = s.set_index("id").loc["news/b.md:1"].to_dict()
    assert row == {
        "doc_id": "news/b.md", "sent_id": 1, "start": 44, "end": 89, "stratum": "actor_cue",
        "stratum_drawn": "actor_cue", "stratum_N": 2, "stratum_n": 2, "any_N": 5, "any_n": 1,
        "inclusion_probability": 1.0, "source": "news", "doc": "b.md",
        "path": str(tables["corpus"] / "b.md"), "date": "2023-02", "title": "Trade talks",
        "before": "China signed a trade agreement with Brazil.",
        "sentence": "Iran is building new missiles near the coast.",
        "after": "Thank you.",  # context is any sentence, eligible or not
        "threat": None, "threat_type": None, "horizon": None,
        "actors": {"IRN": {"sentiment": None, "role": None,
                           "mentions": [{"mention": "Iran", "from": 0, "to": 4}]}},
    }
    a = s.set_index("id").loc["news/a.md:0"]
    assert (a["before"], a["date"]) == ("", "2024-05-01")
    assert a["actors"] == {
        "RUS": {"sentiment": None, "role": None,
                "mentions": [{"mention": "Russia", "from": 0, "to": 6}]},
        "NATO": {"sentiment": None, "role": None,
                 "mentions": [{"mention": "NATO", "from": 37, "to": 41}]}}
    # asked sizes: 5 * (0.45, 0.35, 0.20) = 2.25, 1.75, 1 -> largest remainder 2, 2, 1
    assert Counter(s["stratum_drawn"]) == {"actor_cue": 2, "actor_only": 2, "any": 1}
    assert s.attrs["design"]["strata"] == {
        "actor_cue": {"N": 2, "n": 2, "n_total": 2},
        "actor_only": {"N": 3, "n": 2, "n_total": int((s["stratum"] == "actor_only").sum())},
        "other": {"N": 4, "n": 0, "n_total": int((s["stratum"] == "other").sum())}}
    assert s.attrs["design"]["any"] == {"N": 5, "n": 1}
    assert s.attrs["design"]["corpus"]["n_eligible"] == 9  # "Thank you." is too short


def test_context_sizes(tables):
    s = draw(tables, n=9, context=2).set_index("id")
    assert s.at["news/a.md:0", "after"] == ("The ministers of France met in Paris on Monday. "
                                            "The weather was mild and sunny all week.")
    assert s.at["news/b.md:3", "before"] == ("Iran is building new missiles near the coast. "
                                             "Thank you.")
    s0 = draw(tables, n=9, context=0)
    assert set(s0["before"]) == {""} and set(s0["after"]) == {""}


def test_never_the_same_sentence_twice_and_all_when_n_is_everything(tables):
    s = draw(tables, n=9)
    assert s["id"].is_unique and len(s) == 9
    assert s["inclusion_probability"].tolist() == [1.0] * 9


def test_deterministic_and_seed_dependent(tables):
    a, b = draw(tables, n=5, random_state=3), draw(tables, n=5, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs
    assert draw(tables, n=5, random_state=0)["id"].tolist() != \
        draw(tables, n=5, random_state=1)["id"].tolist()
    sets = {frozenset(draw(tables, n=5, random_state=k)["id"]) for k in range(10)}
    assert len(sets) > 1


def test_row_order_of_the_input_does_not_matter(tables):
    t = dict(tables)
    t["sents"] = tables["sents"].iloc[::-1].reset_index(drop=True)
    t["frames"] = tables["frames"].iloc[::-1].reset_index(drop=True)
    a = draw(tables, n=6, random_state=5)
    b = draw(t, n=6, random_state=5)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_short_stratum_is_taken_whole_with_a_warning(tables):
    with pytest.warns(UserWarning, match=r"stratum 'actor_cue' has only 2 eligible sentences, "
                                         r"fewer than the 5 asked .*all 2 are taken.*lower n"):
        s = draw(tables, n=6, shares={"actor_cue": 0.8, "actor_only": 0.2})
    assert len(s) == 6
    assert Counter(s["stratum_drawn"]) == {"actor_cue": 2, "actor_only": 1, "any": 3}
    assert s.attrs["design"]["short"] == {"actor_cue": 3}


def test_errors(tables):
    with pytest.raises(ValueError, match=r"n=10 but the corpus has only 9 eligible sentences "
                                         r"\(of 10, in 3 documents.*lower n"):
        draw(tables, n=10)
    with pytest.raises(ValueError, match="positive integer"):
        draw(tables, n=0)
    with pytest.raises(ValueError, match="add up to 1"):
        draw(tables, n=3, shares={"actor_cue": 0.5})
    with pytest.raises(ValueError, match="unknown key"):
        draw(tables, n=3, shares={"actors": 1.0})
    with pytest.raises(ValueError, match="no row for document"):
        sample_for_coding(tables["docs"].iloc[:1], tables["sents"], tables["ments"],
                          tables["frames"], n=9)


def test_parse_shares():
    assert parse_shares(None) == DEFAULT_SHARES
    assert parse_shares("actor_cue=0.45, actor_only=0.35, any=0.2") == DEFAULT_SHARES
    with pytest.raises(ValueError, match="NAME=FRACTION"):
        parse_shares("actor_cue:1")
    with pytest.raises(ValueError, match="non-negative"):
        parse_shares({"actor_cue": 1.5, "any": -0.5})


def test_doc_names():
    assert _doc_name("ungd/Session 79 - 2024/LTU_79_2024.txt", "ungd") == "LTU_79_2024"
    assert _doc_name("whitehouse/briefings/2023-02/x.md", "whitehouse") == "briefings/2023-02/x.md"
    assert _doc_name("t/t.csv#a1", "t") == "t.csv#a1"


# ---------------------------------------------------------------------------------------------
# Inclusion probabilities
# ---------------------------------------------------------------------------------------------

# Seven sentences: three actor_cue, two actor_only, two other (one of them with a cue only).
TINY = ["actor_cue", "actor_only", "other", "actor_cue", "other", "actor_only", "actor_cue"]


def tiny_tables(strata=TINY):
    text = "Alpha beta gamma delta epsilon number {}."
    sents = pd.DataFrame({"doc_id": "d", "sent_id": range(len(strata)),
                          "text": [text.format(i) for i in range(len(strata))]})
    sents["start"] = [sum(len(t) + 1 for t in sents["text"][:i]) for i in range(len(sents))]
    sents["end"] = sents["start"] + sents["text"].str.len()
    ments = pd.DataFrame([{"doc_id": "d", "sent_id": i, "actor": "RUS", "start": s0, "end": s0 + 5}
                          for i, (h, s0) in enumerate(zip(strata, sents["start"]))
                          if h != "other"])
    cues = [[{"cue": "x"}] if h == "actor_cue" or (h == "other" and i == 2) else []
            for i, h in enumerate(strata)]
    frames = pd.DataFrame({"doc_id": "d", "sent_id": range(len(strata)), "cues": cues})
    docs = pd.DataFrame({"doc_id": ["d"], "collection": ["c"]})
    return docs, sents, ments, frames


def exact_inclusion(strata, asked):
    """Inclusion probabilities by enumerating every equally likely outcome of the design."""
    units = range(len(strata))
    a = [i for i in units if strata[i] == "actor_cue"]
    b = [i for i in units if strata[i] == "actor_only"]
    na, nb = min(asked["actor_cue"], len(a)), min(asked["actor_only"], len(b))
    n_any = asked["any"] + (asked["actor_cue"] - na) + (asked["actor_only"] - nb)
    count, total = Counter(), 0
    for pa in itertools.combinations(a, na):
        for pb in itertools.combinations(b, nb):
            rest = [i for i in units if i not in pa and i not in pb]
            for pc in itertools.combinations(rest, n_any):
                total += 1
                count.update(pa + pb + pc)
    return [Fraction(count[i], total) for i in units]


@pytest.mark.parametrize("n,shares", [
    (4, {"actor_cue": 0.5, "actor_only": 0.25, "any": 0.25}),
    (5, {"actor_cue": 0.8, "actor_only": 0.2}),  # actor_cue short: 4 asked, 3 there
    (3, {"any": 1.0}),
])
def test_inclusion_probability_is_exact(n, shares):
    docs, sents, ments, frames = tiny_tables()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = sample_for_coding(docs, sents, ments, frames, n=n, shares=shares, min_words=1)
    exact = exact_inclusion(TINY, s.attrs["design"]["asked"])
    for sid, p in zip(s["sent_id"], s["inclusion_probability"]):
        assert p == pytest.approx(float(exact[sid]), abs=1e-12)
    # every unit, drawn or not, by the formula; a fixed-size design: they add up to n
    sizes = {"N": {h: s.attrs["design"]["strata"][h]["N"] for h in s.attrs["design"]["strata"]},
             "n": {h: s.attrs["design"]["strata"][h]["n"] for h in s.attrs["design"]["strata"]},
             "any_N": s.attrs["design"]["any"]["N"], "any_n": s.attrs["design"]["any"]["n"]}
    formula = [_inclusion(h, sizes) for h in TINY]
    assert formula == pytest.approx([float(x) for x in exact], abs=1e-12)
    assert sum(formula) == pytest.approx(n)


def test_inclusion_probability_matches_simulation():
    strata = np.array(TINY, dtype=object)
    asked = {"actor_cue": 2, "actor_only": 1, "any": 1}
    reps = 20000
    hits = np.zeros(len(strata))
    rng = np.random.default_rng(12345)
    for _ in range(reps):
        pos, _, sizes = _draw(strata, asked, rng)
        hits[pos] += 1
    expected = np.array([_inclusion(h, sizes) for h in TINY])
    sd = np.sqrt(expected * (1 - expected) / reps)
    assert np.all(np.abs(hits / reps - expected) <= 4.5 * sd + 1e-12)

    # and through the public function, one seed per draw
    docs, sents, ments, frames = tiny_tables()
    reps = 300
    seen = Counter()
    for k in range(reps):
        seen.update(sample_for_coding(docs, sents, ments, frames, n=4, min_words=1,
                                      shares={"actor_cue": 0.5, "actor_only": 0.25, "any": 0.25},
                                      random_state=k)["sent_id"].tolist())
    freq = np.array([seen[i] / reps for i in range(len(TINY))])
    sd = np.sqrt(expected * (1 - expected) / reps)
    assert np.all(np.abs(freq - expected) <= 4.5 * sd + 1e-12)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def fill_labels(row):
    """What a coder does: label the sentence and every actor."""
    row = dict(row)
    threat = bool(row["actors"]) and "Russia" in row["sentence"]
    row.update(threat=threat, threat_type="military" if threat else None,
               horizon="present" if threat else None)
    row["actors"] = {a: dict(v, sentiment="neutral", role="referent" if threat else "none")
                     for a, v in row["actors"].items()}
    return row


def test_write_coding_sample(tables, tmp_path):
    s = draw(tables, n=5, random_state=2)
    files = write_coding_sample(s, tmp_path / "coding", corpus=tables["corpus"])
    assert sorted(files) == ["csv", "design", "jsonl"]

    lines = [json.loads(x) for x in files["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert [list(x) for x in lines] == [list(JSONL_FIELDS)] * 5
    assert [x["id"] for x in lines] == s["id"].tolist()
    assert {(x["threat"], x["threat_type"], x["horizon"]) for x in lines} == {(None, None, None)}
    assert all(v["sentiment"] is None and v["role"] is None
               for x in lines for v in x["actors"].values())
    # unlabelled, the file is not yet a gold file ...
    with pytest.raises(CorpusError, match="threat must be true or false"):
        read_codebook(files["jsonl"])
    # ... and with the labels filled in, it is
    filled = tmp_path / "filled.jsonl"
    filled.write_text("".join(json.dumps(fill_labels(x)) + "\n" for x in lines),
                      encoding="utf-8")
    rows = read_codebook(filled)
    assert [r["id"] for r in rows] == s["id"].tolist()
    by_id = {r["id"]: r for r in rows}
    assert by_id["news/a.md:0"]["threat"] is True
    assert by_id["news/a.md:0"]["actors"]["RUS"]["role"] == "referent"

    with files["csv"].open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == list(CSV_COLUMNS)
    assert len(table) == sum(max(1, len(a)) for a in s["actors"])
    iran = [r for r in table if r["id"] == "news/b.md:1"]
    assert [(r["actor"], r["mentions"], r["threat"], r["sentiment"], r["stratum"])
            for r in iran] == [("IRN", "Iran [0:4]", "", "", "actor_cue")]
    assert float(iran[0]["inclusion_probability"]) == 1.0

    design = json.loads(files["design"].read_text(encoding="utf-8"))
    assert design["random_state"] == 2 and design["n"] == 5
    assert design["corpus"]["path"] == str(tables["corpus"])
    assert design["corpus"]["date_min"] == "2022-01-01"
    assert design["strata"]["actor_cue"] == {"N": 2, "n": 2, "n_total": 2}
    assert design["any"] == {"N": 5, "n": 1}
    assert design["toolkit_version"]
    assert [u["id"] for u in design["units"]] == s["id"].tolist()
    assert {u["stratum_drawn"] for u in design["units"]} <= {"actor_cue", "actor_only", "any"}


def test_write_needs_the_design(tables, tmp_path):
    s = draw(tables, n=3)
    s.attrs = {}
    with pytest.raises(ValueError, match="no design"):
        write_coding_sample(s, tmp_path)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def test_cli_sample(tables, tmp_path):
    parser = add_sample_arguments(argparse.ArgumentParser(prog="toolkit sample"))
    out = tmp_path / "coding"
    args = parser.parse_args([str(tables["corpus"]), "--n", "5", "--out", str(out),
                              "--seed", "2", "--quiet", "--label-studio"])
    assert args.func is cli_sample
    buf = io.StringIO()
    assert cli_sample(args, stdout=buf) == 0
    summary = json.loads(buf.getvalue().strip().splitlines()[-1])
    assert summary["n"] == 5 and summary["random_state"] == 2
    assert summary["n_documents"] == 3 and summary["n_eligible"] == 9
    assert summary["strata"]["actor_cue"] == {"N": 2, "n": 2, "n_total": 2}
    assert sorted(p.name for p in out.iterdir()) == [
        "design.json", "label_studio_config.xml", "label_studio_tasks.json", "sample.csv",
        "sample.jsonl"]
    # the same as drawing in Python
    s = draw(tables, n=5, random_state=2)
    ids = [json.loads(x)["id"] for x in (out / "sample.jsonl").read_text().splitlines()]
    assert ids == s["id"].tolist()
    assert len(json.loads((out / "label_studio_tasks.json").read_text())) == 5


def test_cli_sample_errors(tables, tmp_path):
    parser = add_sample_arguments(argparse.ArgumentParser(prog="toolkit sample"))
    args = parser.parse_args([str(tables["corpus"]), "--n", "50", "--out", str(tmp_path),
                              "--quiet"])
    with pytest.raises(ValueError, match="lower n"):
        cli_sample(args, stdout=io.StringIO())
    args = parser.parse_args([str(tmp_path / "nowhere"), "--out", str(tmp_path), "--quiet"])
    with pytest.raises(ValueError, match="no such file or folder"):
        cli_sample(args, stdout=io.StringIO())
