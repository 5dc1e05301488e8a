"""scripts/build_transfer_set.py: unlabelled actor targets for distilling the sentiment model."""
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
        "build_transfer_set", ROOT / "scripts" / "build_transfer_set.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _speeches(tmp_path: Path) -> Path:
    # Real UN speeches of corpus/, given older years so the year filter has work to do.
    files = sorted((ROOT / "corpus" / "ungd" / "Session 69 - 2014").glob("*.txt"))[:6]
    table = pd.DataFrame({
        "doc_id": [f.stem for f in files],
        "iso3": [f.stem.split("_")[0] for f in files],
        "year": [1995, 1996, 1997, 2015, 2016, 1980],
        "text": [f.read_text(encoding="utf-8") for f in files],
    })
    path = tmp_path / "ungd.parquet"
    table.to_parquet(path)
    return path


def test_targets_are_actor_mentions_of_the_chosen_years(script, tmp_path):
    src = _speeches(tmp_path)
    out = tmp_path / "transfer.jsonl"
    assert script.main(["--source", str(src), "--docs", "10", "--targets", "40",
                        "--seed", "1", "--out", str(out)]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert 40 <= len(rows) < 60  # whole sentences: all mentions of the last sentence too
    table = pd.read_parquet(src).set_index("doc_id")
    assert {r["doc_id"] for r in rows} <= set(table.index[table["year"].between(1990, 2013)])
    import toolkit

    hits = 0
    for r in rows:
        assert set(r) == {"sentence", "from", "to", "doc_id"}
        assert 0 <= r["from"] < r["to"] <= len(r["sentence"])
        assert r["sentence"] in table.at[r["doc_id"], "text"]
        found = toolkit.find_mentions(r["sentence"], iso3=table.at[r["doc_id"], "iso3"])
        hits += (r["from"], r["to"]) in set(zip(found["start"], found["end"]))
    assert hits == len(rows)
    # seeded: the same call gives the same file
    again = tmp_path / "again.jsonl"
    script.main(["--source", str(src), "--docs", "10", "--targets", "40", "--seed", "1",
                 "--out", str(again)])
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_missing_source_says_where_it_is_expected(script, tmp_path):
    with pytest.raises(SystemExit, match="corpus-large"):
        script.main(["--source", str(tmp_path / "none.parquet"), "--out",
                     str(tmp_path / "t.jsonl")])
