#!/usr/bin/env python
"""Train the shipped sklearn target-sentiment model on NewsMTSC and save it with its provenance.

Fits :class:`toolkit.sentiment.TargetSentimentClassifier` (default parameters, which were chosen
lightly on dev_rw + dev_mt together) on ``toolkit/data/newsmtsc/train.jsonl`` only, reports
macro-F1 and accuracy on ``dev_rw`` and ``dev_mt`` (never trained on), and writes

* ``toolkit/data/sentiment/sklearn_tsc.joblib``: the fitted estimator (joblib, compressed);
* ``toolkit/data/sentiment/sklearn_tsc.json``: scikit-learn/numpy/python versions, the SHA-256 of
  the training file and of the model file, the parameters, and the dev scores.

The fit is deterministic (``random_state=0``, a deterministic solver), so rerunning the script on
the same training file and library versions gives the same model. About a minute on one core::

    python scripts/train_sentiment_sklearn.py
"""
from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402

from toolkit.evaluate import SENTIMENT_LABELS, classification_scores, read_newsmtsc  # noqa: E402
from toolkit.resources import data_path  # noqa: E402
from toolkit.sentiment import SKLEARN_MODEL_FILE, TargetSentimentClassifier  # noqa: E402


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=data_path("newsmtsc", "train.jsonl"))
    ap.add_argument("--dev", type=Path, nargs="*",
                    default=[data_path("newsmtsc", "dev_rw.jsonl"),
                             data_path("newsmtsc", "dev_mt.jsonl")])
    ap.add_argument("--output", type=Path, default=data_path(*SKLEARN_MODEL_FILE),
                    help="model file (the .json provenance file is written next to it)")
    ap.add_argument("--C", type=float, default=None, help="override the default C")
    args = ap.parse_args(argv)

    if any(d.resolve() == args.train.resolve() for d in args.dev):
        ap.error("the training file must not be one of the dev files")
    train = read_newsmtsc(args.train)
    params = {} if args.C is None else {"C": args.C}
    clf = TargetSentimentClassifier(**params)
    t0 = time.perf_counter()
    clf.fit(train[["sentence", "start", "end"]], train["label"])
    fit_s = time.perf_counter() - t0
    print(f"trained on {len(train)} targets of {args.train.name} in {fit_s:.1f} s "
          f"({clf.n_features_} features)", file=sys.stderr)

    dev_scores = {}
    for path in args.dev:
        dev = read_newsmtsc(path)
        pred = clf.predict(dev[["sentence", "start", "end"]])
        s = classification_scores(dev["label"].tolist(), pred.tolist(), SENTIMENT_LABELS)
        dev_scores[path.stem] = {k: (round(v, 4) if isinstance(v, float) else v)
                                 for k, v in s.items() if k != "f1_per_class"}
        dev_scores[path.stem]["f1_per_class"] = {k: round(v, 4)
                                                 for k, v in s["f1_per_class"].items()}
        print(f"{path.stem}: macro-F1 {s['macro_f1']:.4f}, accuracy {s['accuracy']:.4f}",
              file=sys.stderr)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(clf, args.output, compress=("xz", 6))
    size = args.output.stat().st_size
    meta = {
        "model": args.output.name,
        "estimator": "toolkit.sentiment.TargetSentimentClassifier",
        "params": {k: (list(v) if isinstance(v, tuple) else v)
                   for k, v in clf.get_params().items()},
        "n_features": int(clf.n_features_),
        "classes": [str(c) for c in clf.classes_],
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "joblib_version": joblib.__version__,
        "python_version": platform.python_version(),
        "train_file": args.train.name,
        "train_sha256": sha256(args.train),
        "n_train": int(len(train)),
        "model_sha256": sha256(args.output),
        "model_bytes": int(size),
        "fit_seconds": round(fit_s, 1),
        "dev_scores": dev_scores,
        "command": "python scripts/train_sentiment_sklearn.py"
        + ("" if args.C is None else f" --C {args.C}"),
    }
    meta_path = args.output.with_suffix(".json")  # sklearn_tsc.json for the shipped model
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({size / 1e6:.1f} MB) and {meta_path}", file=sys.stderr)
    print(json.dumps(dev_scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
