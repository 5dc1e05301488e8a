"""The main-job benchmark runs the real commands on a small corpus and writes its results."""
from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_analysis",
                                                  ROOT / "benchmarks" / "bench_analysis.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cold_and_warm_runs_of_analyze_are_timed_per_stage(tmp_path):
    corpus = tmp_path / "corpus" / "wh"
    corpus.mkdir(parents=True)
    for i, text in enumerate(["Russia threatens our allies with missiles. We met in Paris.",
                              "Iran attacked the ships. NATO allies must spend 3.5% of GDP.",
                              "China and Russia are partners. The weather was fine."]):
        (corpus / f"d{i}.md").write_text(f"---\ntitle: d{i}\ndate: 2024-0{i + 1}-01\n---\n{text}\n",
                                         encoding="utf-8")
    bench = _bench()
    results = tmp_path / "results"
    assert bench.main(["--corpus", str(tmp_path / "corpus"), "--no-figures",
                       "--results", str(results)]) == 0
    with open(results / "bench_analysis.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(bench.COLUMNS)
    assert {r["run"] for r in rows} == {"cold", "warm"}
    cold = {r["stage"]: float(r["seconds"]) for r in rows if r["run"] == "cold"}
    assert {"(all)", "sentences", "threat"} <= set(cold)
    # the whole process takes longer than any one of its stages
    assert cold["(all)"] > max(v for k, v in cold.items() if k != "(all)")
    total = [r for r in rows if r["stage"] == "(all)"]
    assert all(float(r["peak_rss_mb"]) > 50 for r in total)
    info = json.loads((results / "bench_analysis.json").read_text(encoding="utf-8"))
    assert info["total_seconds"]["cold"] == pytest.approx(
        sum(float(r["seconds"]) for r in total if r["run"] == "cold"), abs=0.05)
    assert (results / "bench_analysis.png").stat().st_size > 1000


def test_a_failing_command_raises_with_its_error(tmp_path):
    bench = _bench()
    with pytest.raises(RuntimeError, match="failed"):
        bench.main(["--corpus", str(tmp_path / "missing"), "--no-figures",
                    "--results", str(tmp_path / "r")])
