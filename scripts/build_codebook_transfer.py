#!/usr/bin/env python
"""Unlabelled sentences for distilling the codebook model (a *transfer set*).

Draws a seeded sample of UN General Debate speeches of ``--years`` (default 1990-2013) from the
large corpus (``../shared/corpus-large/ungd_1946_2024.parquet``), leaving out every speech that
``train.jsonl`` codes (so no transfer sentence comes from a document that cross-validation holds
out; dev and the held-out samples come from ``corpus/``, 2014-2024, and from a collection we do
not ship), splits them into sentences, finds the actor mentions with the toolkit's gazetteer and
the lexicon's candidate cues, and keeps the sentences the model reads at run time under the
default skip: those with an actor mention or a cue. It writes a seeded sample of them, in the
format of ``train.jsonl`` without any label (``id``, ``source`` "ungd", ``doc``, ``before``,
``sentence``, ``after``, ``actors`` with their ``mentions``; offsets into the sentence).

``scripts/train_codebook.py --teacher RUN --transfer FILE`` has the teacher (a model trained on
the same gold sentences, e.g. ``--base mpnet``) score them and trains the student on the gold
labels plus the teacher's probabilities on these sentences (knowledge distillation on in-domain
text).

    python scripts/build_codebook_transfer.py [--sentences 8000] [--seed 42] [--out .cache/transfer/codebook_ungd_1990_2013.jsonl]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402
from build_transfer_set import sample_speeches  # noqa: E402

LARGE = ROOT.parent / "shared" / "corpus-large" / "ungd_1946_2024.parquet"
TRAIN = ROOT / "toolkit" / "data" / "eval" / "threat_train.jsonl"
DEFAULT_OUT = ROOT / ".cache" / "transfer" / "codebook_ungd_1990_2013.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=LARGE)
    ap.add_argument("--years", type=int, nargs=2, default=(1990, 2013), metavar=("FIRST", "LAST"))
    ap.add_argument("--docs", type=int, default=600, help="speeches to sample")
    ap.add_argument("--sentences", type=int, default=8000, help="sentences to write")
    ap.add_argument("--max-words", type=int, default=80, help="skip longer sentences")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    import toolkit
    from toolkit.threat import threat_frames

    coded = {json.loads(line)["doc"] for line in open(TRAIN, encoding="utf-8") if line.strip()}
    docs = sample_speeches(args.source, args.years, args.docs, args.seed, args.out, exclude=coded)
    sents = toolkit.sentences(docs, progress=False).reset_index(drop=True)
    ments = toolkit.mentions(sents, docs, progress=False)
    frames = threat_frames(sents, ments, progress=False)
    has_cue = np.array([isinstance(c, list) and len(c) > 0 for c in frames["cues"]])
    key = list(zip(sents["doc_id"], sents["sent_id"]))
    with_actor = set(zip(ments["doc_id"], ments["sent_id"]))
    has_actor = np.array([k in with_actor for k in key])
    n_words = sents["text"].str.split().str.len().to_numpy()
    keep = np.flatnonzero((has_cue | has_actor) & (n_words <= args.max_words)
                          & frames["scored"].to_numpy(dtype=bool))
    rng = np.random.default_rng(args.seed)
    pick = np.sort(rng.choice(keep, size=min(args.sentences, len(keep)), replace=False))
    by_sent: dict = {}
    for r in ments.itertuples():
        by_sent.setdefault((r.doc_id, int(r.sent_id)), []).append(r)
    texts = sents["text"].to_numpy(dtype=object)
    starts = sents["start"].to_numpy()
    docs_of = sents["doc_id"].to_numpy(dtype=object)
    with open(args.out, "w", encoding="utf-8") as fh:
        for n, i in enumerate(pick):
            s0 = int(starts[i])
            actors: dict = {}
            for m in sorted(by_sent.get(key[i], []), key=lambda m: m.start):
                actors.setdefault(m.actor, {"mentions": []})["mentions"].append(
                    {"mention": texts[i][m.start - s0:m.end - s0],
                     "from": int(m.start - s0), "to": int(m.end - s0)})
            same = lambda j: 0 <= j < len(texts) and docs_of[j] == docs_of[i]  # noqa: E731
            fh.write(json.dumps({
                "id": f"transfer-{n:05d}", "source": "ungd",
                "doc": str(docs_of[i]).split("#")[-1],
                "before": texts[i - 1] if same(i - 1) else None, "sentence": texts[i],
                "after": texts[i + 1] if same(i + 1) else None, "actors": actors,
            }, ensure_ascii=False) + "\n")
    n_act = int(has_actor[pick].sum())
    print(f"{len(pick)} sentences ({n_act} with an actor) of {len(keep)} candidates in "
          f"{len(docs)} speeches ({args.years[0]}-{args.years[1]}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
