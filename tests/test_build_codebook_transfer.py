"""scripts/build_codebook_transfer.py: unlabelled sentences for distilling the codebook model."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location(
        "build_codebook_transfer", ROOT / "scripts" / "build_codebook_transfer.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _speeches(tmp_path: Path) -> Path:
    # Real UN speeches of corpus/ under older ids and years: one id is a speech train.jsonl
    # codes (AFG_34_1979, given a year inside the range), which must be left out.
    files = sorted((ROOT / "corpus" / "ungd" / "Session 69 - 2014").glob("*.txt"))[:6]
    ids = ["AFG_45_1990", "AGO_50_1995", "ALB_61_2006", "AFG_34_1979", "AND_70_2015",
           "ARE_35_1980"]
    table = pd.DataFrame({
        "doc_id": ids,
        "iso3": [i[:3] for i in ids],
        "year": [1990, 1995, 2006, 2000, 2015, 1980],
        "text": [f.read_text(encoding="utf-8") for f in files],
    })
    path = tmp_path / "ungd.parquet"
    table.to_parquet(path)
    return path


def test_sentences_are_candidates_of_uncoded_speeches_of_the_years(script, tmp_path):
    src = _speeches(tmp_path)
    out = tmp_path / "transfer.jsonl"
    assert script.main(["--source", str(src), "--docs", "10", "--sentences", "60",
                        "--seed", "1", "--out", str(out)]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 60
    assert {r["doc"] for r in rows} <= {"AFG_45_1990", "AGO_50_1995", "ALB_61_2006"}
    assert len({r["doc"] for r in rows}) == 3
    import toolkit
    from toolkit.framing.threat import threat_frames

    table = pd.read_parquet(src).set_index("doc_id")
    for r in rows:
        assert set(r) == {"id", "source", "doc", "before", "sentence", "after", "actors"}
        assert "threat" not in r  # no label
        text = table.at[r["doc"], "text"]
        assert r["sentence"] in text
        if r["before"] is not None:
            assert text.index(r["before"]) < text.index(r["sentence"])
        for actor, v in r["actors"].items():
            for m in v["mentions"]:
                assert r["sentence"][m["from"]:m["to"]] == m["mention"]
        # each sentence names an actor or carries a lexicon cue (what the model reads)
        if not r["actors"]:
            one = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "start": [0],
                                "text": [r["sentence"]]})
            assert len(threat_frames(one, progress=False)["cues"].iat[0]) > 0
    with_actor = [r for r in rows if r["actors"]]
    assert with_actor
    found = toolkit.find_mentions(with_actor[0]["sentence"], iso3=with_actor[0]["doc"][:3])
    assert set(found["actor"]) >= set(with_actor[0]["actors"])
    # seeded: the same call gives the same file
    again = tmp_path / "again.jsonl"
    script.main(["--source", str(src), "--docs", "10", "--sentences", "60", "--seed", "1",
                 "--out", str(again)])
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_missing_source_says_where_it_is_expected(script, tmp_path):
    with pytest.raises(SystemExit, match="corpus-large"):
        script.main(["--source", str(tmp_path / "none.parquet"), "--out",
                     str(tmp_path / "t.jsonl")])
