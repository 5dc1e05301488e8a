#!/usr/bin/env python
"""The codebook model: its scores on the gold sets and its speed over all of ``corpus/``.

1. Scores (``toolkit evaluate codebook``, the whole toolkit as it runs on a corpus: its own actor
   detection, the stage graph) of the model and of the lexicon's rules on the dev split, with
   95% bootstrap intervals over sentences (2,000 resamples, ``random_state=0``), beside the
   model's 5-fold cross-validated scores on the training split (from the shipped model's
   ``cv_scores.json``; mean and standard deviation over folds).
2. The ``skip="no_candidates"`` option: share of gold threat sentences with neither an actor
   mention nor a lexicon cue (what skipping them would lose), on dev and train.
3. Speed: ``codebook_scores`` over ``corpus/`` with the pipeline's default
   ``skip="no_candidates"`` (``--all-sentences``: every sentence), in sentences per second on the
   machine's cores, and the share of sentences the skip leaves out.

Prints one line per figure and writes ``benchmarks/results/bench_codebook.json``.

    python benchmarks/bench_codebook.py [--corpus corpus] [--limit N] [--no-speed]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _boot(rows, frames, roles, senti, n_boot=2000, seed=0):
    """95% percentile intervals of threat F1, source F1 and sentiment macro-F1 over sentences."""
    from sklearn.metrics import f1_score

    ids = [r["id"] for r in rows]
    gold_t = np.array([bool(r["threat"]) for r in rows])
    pred_t = frames.set_index("doc_id").loc[ids, "threat"].to_numpy(dtype=bool)
    src = {(d, a) for d, a, x in zip(roles["doc_id"], roles["actor"], roles["role"])
           if x == "source"}
    lab = dict(zip(zip(senti["doc_id"], senti["actor"]), senti["label"]))
    per = []
    for r in rows:
        gs = {a for a, v in r["actors"].items() if v["role"] == "source"}
        ps = {a for (d, a) in src if d == r["id"]}
        pairs = [(v["sentiment"], lab[(r["id"], a)]) for a, v in r["actors"].items()
                 if (r["id"], a) in lab]
        per.append((len(gs & ps), len(ps), len(gs), pairs))
    rng = np.random.default_rng(seed)
    out = {"threat_f1": [], "source_f1": [], "sentiment_macro_f1": []}
    n = len(rows)
    for _ in range(n_boot):
        i = rng.integers(0, n, n)
        tp = (gold_t[i] & pred_t[i]).sum()
        p, g = pred_t[i].sum(), gold_t[i].sum()
        out["threat_f1"].append(2 * tp / (p + g) if p + g else 0.0)
        tps, ps, gs = (sum(per[j][k] for j in i) for k in range(3))
        out["source_f1"].append(2 * tps / (ps + gs) if ps + gs else 0.0)
        pairs = [x for j in i for x in per[j][3]]
        out["sentiment_macro_f1"].append(f1_score(
            [a for a, _ in pairs], [b for _, b in pairs],
            labels=["negative", "neutral", "positive"], average="macro", zero_division=0))
    return {k: [round(float(np.percentile(v, 2.5)), 4), round(float(np.percentile(v, 97.5)), 4)]
            for k, v in out.items()}


def gold_scores(results: dict) -> None:
    from toolkit.evaluation.evaluate import codebook_predictions, evaluate_codebook
    from toolkit.resources import data_path

    dev = data_path("eval", "threat_dev.jsonl")
    for label, tm, sm, skip in (("model", "model", "codebook", "no_candidates"),
                                ("model_all_sentences", "model", "codebook", "none"),
                                ("rules", "rules", "neural", "none")):
        t = time.perf_counter()
        kw = dict(threat_method=tm, sentiment_method=sm, codebook_skip=skip)
        r = evaluate_codebook(dev, **kw)
        pred = codebook_predictions(dev, **kw)
        ci = _boot(pred["rows"], pred["frames"], pred["roles"], pred["sentiment"])
        dt = time.perf_counter() - t
        entry = {"threat_f1": round(r["threat"]["f1"], 4),
                 "threat_precision": round(r["threat"]["precision"], 4),
                 "threat_recall": round(r["threat"]["recall"], 4),
                 "source_f1": round(r["source"]["f1"], 4),
                 "sentiment_macro_f1": round(r["sentiment"]["macro_f1"], 4),
                 "type_accuracy": round(r["threat_type"]["accuracy"], 4),
                 "horizon_accuracy": round(r["horizon"]["accuracy"], 4),
                 "ci95": ci, "seconds": round(dt, 1)}
        results.setdefault("dev", {})[label] = entry
        print(f"dev [{label}: threat {tm}, sentiment {sm}, skip {skip}]: threat F1 {entry['threat_f1']:.3f} "
              f"{ci['threat_f1']}, source F1 {entry['source_f1']:.3f} {ci['source_f1']}, "
              f"sentiment macro-F1 {entry['sentiment_macro_f1']:.3f} "
              f"{ci['sentiment_macro_f1']}")
    cv = json.loads((data_path("codebook") / "cv_scores.json").read_text(encoding="utf-8"))
    run = cv["runs"][cv.get("primary", "main")]
    keys = ("threat.f1", "threat.precision", "threat.recall", "source.f1", "sentiment_macro_f1",
            "type_accuracy", "horizon_accuracy", "role_macro_f1")
    results["cv_train"] = {k: {"mean": run["mean"][k], "sd": run["sd"][k]} for k in keys}
    results["cv_protocol"] = run["protocol"]
    print("train, 5-fold CV by document: " + ", ".join(
        f"{k} {run['mean'][k]:.3f} +- {run['sd'][k]:.3f}" for k in keys))


def skip_cost(results: dict) -> None:
    from toolkit.engine.graph import GraphRun
    from toolkit.evaluation.evaluate import _codebook_tables, read_codebook
    from toolkit.resources import data_path

    for name in ("threat_dev.jsonl", "threat_train.jsonl"):
        rows = read_codebook(data_path("eval", name))
        docs, sents = _codebook_tables(rows)
        run = GraphRun({"documents": docs, "sentences": sents}, use_cache=False, progress=False,
                       params={"threat_method": "rules", "sentiment_method": "lexicon"})
        fr, me = run["lexicon_frames"], run["mentions"]
        has_m = set(zip(me["doc_id"], me["sent_id"]))
        keep = np.array([len(c) > 0 for c in fr["cues"]]) | np.array(
            [(d, s) in has_m for d, s in zip(fr["doc_id"], fr["sent_id"])])
        gold = np.array([bool(r["threat"]) for r in rows])
        lost = int((gold & ~keep).sum())
        results.setdefault("skip_no_candidates", {})[name] = {
            "sentences": len(rows), "skipped_share": round(float(1 - keep.mean()), 4),
            "gold_threats": int(gold.sum()), "gold_threats_skipped": lost,
            "recall_cost": round(lost / max(1, int(gold.sum())), 4)}
        print(f"skip='no_candidates' on {name}: skips {1 - keep.mean():.1%} of sentences and "
              f"{lost} of {gold.sum()} gold threat sentences ({lost / gold.sum():.1%})")


def speed(results: dict, corpus: str, limit: int | None, skip_candidates: bool) -> None:
    from toolkit.codebook.scores import codebook_scores
    from toolkit.corpus import read_corpus
    from toolkit.engine.graph import GraphRun

    docs = read_corpus(corpus, progress=False)
    run = GraphRun({"documents": docs}, progress=False,
                   params={"threat_method": "rules", "sentiment_method": "lexicon"})
    sents, ments, frames = run["sentences"], run["mentions"], run["lexicon_frames"]
    if limit:
        sents, frames = sents.head(limit), frames.head(limit)
        keys = set(zip(sents["doc_id"], sents["sent_id"]))
        ments = ments[[k in keys for k in zip(ments["doc_id"], ments["sent_id"])]]
    skip = "no_candidates" if skip_candidates else "none"
    n_jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    t = time.perf_counter()
    scores = codebook_scores(sents, ments, docs, frames=frames, skip=skip, progress=False)
    dt = time.perf_counter() - t
    n = int(scores["encoded"].sum())
    has_m = set(zip(ments["doc_id"], ments["sent_id"]))
    keep = np.array([len(c) > 0 for c in frames["cues"]]) | np.array(
        [(d, s) in has_m for d, s in zip(frames["doc_id"], frames["sent_id"])])
    results["speed"] = {
        "corpus": str(corpus), "skip": skip, "documents": int(docs["doc_id"].isin(sents["doc_id"]).sum()),
        "sentences": int(len(sents)), "encoded": n,
        "actors": int(sum(len(a) for a in scores["actors"])), "seconds": round(dt, 1),
        "sentences_per_second": round(n / dt, 1), "cores": n_jobs,
        "skip_no_candidates_would_skip": round(float(1 - keep.mean()), 4)}
    print(f"codebook_scores (skip={skip!r}) over {corpus}: {n:,} of {len(sents):,} sentences encoded, "
          f"{results['speed']['actors']:,} actors, in {dt:.0f}s = {n / dt:,.0f} sentences/s "
          f"on {n_jobs} cores; skip='no_candidates' would skip {1 - keep.mean():.1%}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--limit", type=int, default=None, help="time only the first N sentences")
    ap.add_argument("--no-speed", action="store_true", help="gold scores only")
    ap.add_argument("--all-sentences", action="store_true",
                    help="time skip='none' (every sentence) instead of the default skip")
    args = ap.parse_args(argv)
    results: dict = {}
    gold_scores(results)
    skip_cost(results)
    if not args.no_speed:
        speed(results, args.corpus, args.limit, not args.all_sentences)
    out = ROOT / "benchmarks" / "results" / "bench_codebook.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
