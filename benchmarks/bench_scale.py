"""Scale benchmark: time and peak memory of `toolkit analyze` with the pandas and Dask engines.

Not a test. Needs the large corpus of `../shared/corpus-large/` (two Parquet files, 25,348
documents, 333 M characters; `--data` or `$TOOLKIT_LARGE_CORPUS` to point elsewhere) and skips
with a message where it is absent.

Every configuration runs `python -m toolkit.cli analyze` in a fresh process; a monitor samples
the resident memory (psutil) of that process and of all its children (the Dask nanny and worker
processes) every 0.2 s and records the peak of the largest single process and of their sum.
Fractions of the corpus are seeded random samples of the rows of each file (numpy
`default_rng(0)`), written to `--work` once.

    python benchmarks/bench_scale.py                       # the default plan (long: ~1 h)
    python benchmarks/bench_scale.py --plan quick          # 10 % of the data only
    python benchmarks/bench_scale.py --only dask2-threat --fractions 1.0

Results are merged into `benchmarks/results/bench_scale.csv` (one row per configuration and
fraction, reruns replace their row) and drawn in `benchmarks/results/bench_scale.png`.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_DATA = Path(os.environ.get("TOOLKIT_LARGE_CORPUS", ROOT.parent / "shared" / "corpus-large"))
THREAT = "corpus,sentences,mentions,threat"  # the threat index counts words without a token table

#: name -> (engine, workers, stages, sentiment method)
CONFIGS = {
    "pandas-threat": ("pandas", None, THREAT, "sklearn"),
    "dask1-threat": ("dask", 1, THREAT, "sklearn"),
    "dask2-threat": ("dask", 2, THREAT, "sklearn"),
    "pandas-sklearn": ("pandas", None, "sentiment", "sklearn"),
    "dask2-sklearn": ("dask", 2, "sentiment", "sklearn"),
    "dask2-lexicon": ("dask", 2, "sentiment", "lexicon"),
    "dask2-neural": ("dask", 2, "sentiment", "neural"),
}
#: (configuration, fraction) pairs of each plan, run in this order.
PLANS = {
    "quick": [(c, 0.1) for c in ("pandas-threat", "dask1-threat", "dask2-threat",
                                 "dask2-sklearn", "dask2-lexicon")] + [("dask2-neural", 0.005)],
    "full": [(c, 0.1) for c in ("pandas-threat", "dask1-threat", "dask2-threat",
                                "dask2-sklearn", "dask2-lexicon")]
    + [("dask2-neural", 0.005), ("dask2-threat", 0.5), ("dask2-threat", 1.0),
       ("pandas-threat", 1.0)],
}


def fraction_data(data: Path, frac: float, work: Path) -> Path:
    """A folder with a seeded random ``frac`` of the rows of every Parquet file of ``data``."""
    if frac >= 1.0:
        return data
    import numpy as np
    import pyarrow.parquet as pq

    dest = work / f"frac{frac:g}"
    if dest.exists():
        return dest
    tmp = work / f".frac{frac:g}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in sorted(data.glob("*.parquet")):
        table = pq.read_table(f)
        n = table.num_rows
        rows = np.sort(np.random.default_rng(0).choice(n, size=max(1, round(n * frac)),
                                                       replace=False))
        pq.write_table(table.take(rows), tmp / f.name)
    tmp.rename(dest)
    return dest


def corpus_size(folder: Path) -> tuple[int, int]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    docs = chars = 0
    for f in sorted(folder.glob("*.parquet")):
        t = pq.read_table(f, columns=["text"])
        docs += t.num_rows
        chars += int(pc.sum(pc.utf8_length(t["text"])).as_py())
    return docs, chars


def measure(cmd: list[str], env: dict) -> dict:
    """Run ``cmd``; wall time and peak RSS (largest process, and all processes together)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = {"max_process": 0, "total": 0, "processes": 1}
    stop = threading.Event()

    def watch():
        root = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss)
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
                if rss:
                    peak["max_process"] = max(peak["max_process"], max(rss))
                    peak["total"] = max(peak["total"], sum(rss))
                    peak["processes"] = max(peak["processes"], len(rss))
            except psutil.NoSuchProcess:
                break
            stop.wait(0.2)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    out, err = proc.communicate()
    stop.set()
    th.join()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    summary = json.loads(out[out.index("{"):])
    return {"seconds": seconds, "peak_rss_max_process_mb": peak["max_process"] / 2**20,
            "peak_rss_total_mb": peak["total"] / 2**20, "processes": peak["processes"],
            "summary": summary}


def run(config: str, frac: float, data: Path, work: Path, chunk_size: int) -> dict:
    engine, workers, stages, method = CONFIGS[config]
    folder = fraction_data(data, frac, work)
    docs, chars = corpus_size(folder)
    out = work / "out" / f"{config}-{frac:g}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "toolkit.cli", "analyze", str(folder), "--out", str(out),
           "--quiet", "--no-cache", "--stages", stages, "--sentiment-method", method,
           "--engine", engine, "--chunk-size", str(chunk_size)]
    if workers:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    print(f"[{time.strftime('%H:%M:%S')}] {config} fraction {frac:g}: {docs} documents, "
          f"{chars / 1e6:.1f} M characters ...", flush=True)
    load_before = os.getloadavg()[0]
    m = measure(cmd, env)
    s = m.pop("summary")
    m["load_avg_1min_before"] = round(load_before, 2)
    m["load_avg_1min_after"] = round(os.getloadavg()[0], 2)
    row = {"config": config, "engine": engine, "workers": workers or 1, "stages": stages,
           "sentiment_method": method if "sentiment" in stages else "", "fraction": frac,
           "documents": docs, "characters": chars, "partitions": s.get("partitions"),
           "chunk_size": chunk_size, **{k: round(v, 2) if isinstance(v, float) else v
                                        for k, v in m.items()},
           "chars_per_second": round(chars / m["seconds"]),
           "partition_seconds": s.get("partition_seconds"),
           "stage_seconds": json.dumps(s.get("seconds", {})),
           "rows": json.dumps(s.get("tables", {}))}
    print(f"    {m['seconds']:.0f} s, peak RSS {m['peak_rss_max_process_mb']:.0f} MB (largest "
          f"process), {m['peak_rss_total_mb']:.0f} MB (all {m['processes']} processes)",
          flush=True)
    shutil.rmtree(out, ignore_errors=True)
    return row


def save(rows: list[dict]) -> Path:
    import pandas as pd

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "bench_scale.csv"
    new = pd.DataFrame(rows)
    if path.exists():
        old = pd.read_csv(path)
        keep = ~old.set_index(["config", "fraction"]).index.isin(
            new.set_index(["config", "fraction"]).index)
        new = pd.concat([old[keep], new], ignore_index=True)
    new = new.sort_values(["config", "fraction"]).reset_index(drop=True)
    new.to_csv(path, index=False)
    plot(new)
    return path


def plot(df) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5))
    for config, g in df.groupby("config"):
        g = g.sort_values("characters")
        if g["fraction"].nunique() > 1 or "threat" in config:
            a.plot(g["characters"] / 1e6, g["seconds"] / 60, "o-", label=config)
    a.set_xlabel("corpus size (M characters)")
    a.set_ylabel("wall time (min)")
    a.set_title("Time against corpus size")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    lab = [f"{c}\n{f:g}" for c, f in zip(df["config"], df["fraction"])]
    x = range(len(df))
    b.bar([i - 0.2 for i in x], df["peak_rss_max_process_mb"] / 1024, 0.4,
          label="largest process")
    b.bar([i + 0.2 for i in x], df["peak_rss_total_mb"] / 1024, 0.4, label="all processes")
    b.axhline(4, color="red", ls="--", lw=1, label="4 GB target (one process)")
    b.set_xticks(list(x), lab, rotation=60, ha="right", fontsize=7)
    b.set_ylabel("peak resident memory (GB)")
    b.set_title("Peak memory (config, fraction)")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(RESULTS / "bench_scale.png", dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp"))
                   / "toolkit-bench-scale")
    p.add_argument("--plan", choices=sorted(PLANS), default="full")
    p.add_argument("--only", default=None, help="comma-separated configurations (with "
                                                "--fractions) instead of a plan")
    p.add_argument("--fractions", default="0.1", help="with --only: e.g. 0.1,0.5,1.0")
    p.add_argument("--chunk-size", type=int, default=250)
    args = p.parse_args(argv)
    if not args.data.is_dir() or not list(args.data.glob("*.parquet")):
        print(f"bench_scale: skipped: the large corpus is not at {args.data} (set --data or "
              f"$TOOLKIT_LARGE_CORPUS to a folder of Parquet files with a text column)")
        return 0
    if args.only:
        todo = [(c, float(f)) for c in args.only.split(",") for f in args.fractions.split(",")]
        for c, _ in todo:
            if c not in CONFIGS:
                p.error(f"unknown configuration {c!r}; valid: {', '.join(CONFIGS)}")
    else:
        todo = PLANS[args.plan]
    args.work.mkdir(parents=True, exist_ok=True)
    for config, frac in todo:  # one at a time: the machine has 2 cores
        row = run(config, frac, args.data, args.work, args.chunk_size)
        print(f"    -> {save([row])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
