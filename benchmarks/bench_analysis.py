#!/usr/bin/env python
"""The main job, ``make analysis``, from an empty cache and again warm: seconds and peak memory.

Runs the two commands of ``make analysis`` as a new user's machine runs them, each in its own
process with a fresh, empty table cache (``TOOLKIT_CACHE_DIR`` in a temporary folder):

1. ``toolkit analyze CORPUS --out OUT`` (every stage; per-stage seconds from ``OUT/summary.json``),
2. ``python -m toolkit.figures --corpus CORPUS --analysis OUT --out FIGURES`` (reads the analysis
   tables, draws every figure),

then both again with the cache they filled (the *warm* rerun). Peak memory is each process's
maximum resident set size (``os.wait4``). Prints one line per figure and writes
``benchmarks/results/bench_analysis.csv`` (``run``, ``step``, ``stage``, ``seconds``,
``peak_rss_mb``), ``bench_analysis.json`` (the same with the machine) and ``bench_analysis.png``
(a bar chart of the cold run's stages). Targets (2 cores): cold at most 10 minutes, warm at most
30 s.

    python benchmarks/bench_analysis.py [--corpus corpus] [--no-figures] [--results DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
#: Targets of the main job on a 2-core machine (seconds).
TARGET_COLD_SECONDS = 600.0
TARGET_WARM_SECONDS = 30.0
#: Columns of ``bench_analysis.csv``.
COLUMNS = ("run", "step", "stage", "seconds", "peak_rss_mb")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident set size in MB) of one command; raises if it fails."""
    import tempfile as _tmp

    with _tmp.TemporaryFile(mode="w+", encoding="utf-8") as err:
        t = time.perf_counter()
        # stderr to a file, not a pipe: a full pipe would block the child while we wait
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped here, not by Popen
        if code != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} failed ({code}):\n{err.read()[-3000:]}")
    # ru_maxrss is in kilobytes on Linux
    return seconds, usage.ru_maxrss / 1024


def bench(corpus: Path, work: Path, *, figures: bool = True) -> list[dict]:
    """Rows of :data:`COLUMNS` for a cold and a warm run of the main job on ``corpus``."""
    env = {**os.environ, "TOOLKIT_CACHE_DIR": str(work / "cache"), "MPLBACKEND": "Agg"}
    out, fig = work / "output", work / "figures"
    steps = [("analyze", [sys.executable, "-m", "toolkit", "analyze", str(corpus), "--out",
                          str(out), "--quiet"])]
    if figures:
        steps.append(("figures", [sys.executable, "-m", "toolkit.figures", "--corpus",
                                  str(corpus), "--analysis", str(out), "--out", str(fig)]))
    rows = []
    for run in ("cold", "warm"):
        for step, cmd in steps:
            seconds, rss = _run(cmd, env)
            rows.append({"run": run, "step": step, "stage": "(all)", "seconds": round(seconds, 2),
                         "peak_rss_mb": round(rss, 1)})
            if step == "analyze":
                summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
                rows += [{"run": run, "step": step, "stage": stage, "seconds": float(s),
                          "peak_rss_mb": float("nan")}
                         for stage, s in summary["seconds"].items()]
    return rows


def plot(rows: list[dict], path: Path) -> None:
    """Bar chart of the cold run: each analyze stage, then the figures step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cold = [r for r in rows if r["run"] == "cold"
            and (r["stage"] != "(all)" or r["step"] == "figures")]
    labels = [r["stage"] if r["stage"] != "(all)" else r["step"] for r in cold]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(cold) + 1.2))
    ax.barh(labels[::-1], [r["seconds"] for r in cold][::-1], color="#4c72b0")
    ax.set_xlabel("seconds (cold, empty cache)")
    total = sum(r["seconds"] for r in rows if r["run"] == "cold" and r["stage"] == "(all)")
    ax.set_title(f"make analysis from an empty cache: {total / 60:.1f} min "
                 f"({os.cpu_count()} cores)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--no-figures", action="store_true", help="time toolkit analyze only")
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_analysis_") as tmp:
        rows = bench(args.corpus.resolve(), Path(tmp), figures=not args.no_figures)
    args.results.mkdir(parents=True, exist_ok=True)
    import csv

    with open(args.results / "bench_analysis.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
    totals = {run: round(sum(r["seconds"] for r in rows if r["run"] == run
                             and r["stage"] == "(all)"), 2) for run in ("cold", "warm")}
    peak = max(r["peak_rss_mb"] for r in rows if r["stage"] == "(all)")
    (args.results / "bench_analysis.json").write_text(json.dumps({
        "corpus": str(args.corpus), "cpus": os.cpu_count(), "machine": platform.machine(),
        "python": platform.python_version(), "total_seconds": totals, "peak_rss_mb": peak,
        "targets_seconds": {"cold": TARGET_COLD_SECONDS, "warm": TARGET_WARM_SECONDS},
        "rows": rows}, indent=2) + "\n", encoding="utf-8")
    plot(rows, args.results / "bench_analysis.png")
    for r in rows:
        rss = "" if r["peak_rss_mb"] != r["peak_rss_mb"] else f", peak {r['peak_rss_mb']:,.0f} MB"
        print(f"{r['run']:<5} {r['step']:<8} {r['stage']:<18} {r['seconds']:8.1f} s{rss}")
    print(f"total: cold {totals['cold']:.0f} s (target {TARGET_COLD_SECONDS:.0f}), warm "
          f"{totals['warm']:.0f} s (target {TARGET_WARM_SECONDS:.0f}); peak {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
