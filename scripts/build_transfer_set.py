#!/usr/bin/env python
"""Unlabelled actor targets for distilling the sentiment model (a *transfer set*).

Draws a seeded sample of UN General Debate speeches of 1990-2013 from the large corpus
(``../shared/corpus-large/ungd_1946_2024.parquet``; none of these years is in ``corpus/``, which
holds 2014-2024, nor in the codebook's labelled sets, which come from ``corpus/``), splits them
into sentences, finds the actor mentions with the toolkit's gazetteer, and writes every mention of
a seeded sample of sentences as ``{"sentence", "from", "to", "doc_id"}`` JSON lines. No label is
written: ``scripts/train_sentiment.py --teacher DIR --transfer FILE`` has the teacher model score
them and trains the student on the teacher's probabilities alone (knowledge distillation on
in-domain text; political speeches differ from the news of NewsMTSC).

    python scripts/build_transfer_set.py [--targets 6000] [--seed 42] [--out .cache/transfer/ungd_1990_2013.jsonl]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

LARGE = ROOT.parent / "shared" / "corpus-large" / "ungd_1946_2024.parquet"
DEFAULT_OUT = ROOT / ".cache" / "transfer" / "ungd_1990_2013.jsonl"


def sample_speeches(source: Path, years, n_docs: int, seed: int, out: Path,
                    exclude=frozenset()) -> pd.DataFrame:
    """A seeded sample of ``n_docs`` speeches of ``years`` (first, last) from the large corpus,
    leaving out the ``doc_id`` values in ``exclude``, read as a documents table (through a
    temporary Parquet file beside ``out``)."""
    import toolkit

    if not source.is_file():
        raise SystemExit(f"{source} not found: the transfer set is drawn from the large "
                         "corpus (../shared/corpus-large); pass --source PATH")
    table = pd.read_parquet(source)
    table = table[table["year"].between(*years) & ~table["doc_id"].isin(exclude)]
    table = table.sample(n=min(n_docs, len(table)), random_state=seed)
    tmp = out.with_suffix(".docs.parquet")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(tmp)
    docs = toolkit.read_corpus(tmp, id_col="doc_id", progress=False)
    tmp.unlink()
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=LARGE)
    ap.add_argument("--years", type=int, nargs=2, default=(1990, 2013), metavar=("FIRST", "LAST"))
    ap.add_argument("--docs", type=int, default=400, help="speeches to sample")
    ap.add_argument("--targets", type=int, default=6000, help="about this many targets")
    ap.add_argument("--max-words", type=int, default=80, help="skip longer sentences")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    import toolkit

    docs = sample_speeches(args.source, args.years, args.docs, args.seed, args.out)
    sents = toolkit.sentences(docs, progress=False)
    sents = sents[sents["text"].str.split().str.len() <= args.max_words]
    ments = toolkit.mentions(sents, docs, progress=False)
    keys = ments[["doc_id", "sent_id"]].drop_duplicates()
    rng = np.random.default_rng(args.seed)
    keys = keys.iloc[rng.permutation(len(keys))]
    per_sent = ments.groupby(["doc_id", "sent_id"]).size()
    cum = per_sent.loc[list(zip(keys["doc_id"], keys["sent_id"]))].cumsum().to_numpy()
    keys = keys.iloc[: int(np.searchsorted(cum, args.targets)) + 1]
    ments = ments.merge(keys, on=["doc_id", "sent_id"])
    st = sents.set_index(["doc_id", "sent_id"])
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in ments.sort_values(["doc_id", "sent_id", "start"]).itertuples():
            s0, text = st.at[(r.doc_id, r.sent_id), "start"], st.at[(r.doc_id, r.sent_id), "text"]
            fh.write(json.dumps({"sentence": text, "from": int(r.start - s0),
                                 "to": int(r.end - s0),
                                 "doc_id": str(r.doc_id).split("#")[-1]}) + "\n")
    print(f"{len(ments)} targets in {len(keys)} sentences of {len(docs)} speeches "
          f"({args.years[0]}-{args.years[1]}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
