"""Learn the toolkit's Punkt sentence-boundary parameters from its own corpus.

Usage::

    python scripts/train_punkt.py [--corpus corpus] [--out toolkit/data/punkt/punkt_params.json]

NLTK's ``PunktTrainer`` reads the text blocks of every document (Markdown markers, speaker labels
and stage directions already left out by :func:`toolkit.segment.blocks`) and learns abbreviations,
collocations, frequent sentence starters and orthographic context. The learned parameters are
written as JSON (no pickle); ``toolkit.segment`` adds :data:`toolkit.segment.KNOWN_ABBREVIATIONS`
at load time. The result is deterministic for a given corpus and NLTK version.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import nltk
from nltk.tokenize.punkt import PunktTrainer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.corpus import read_corpus  # noqa: E402
from toolkit.segment import blocks  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--out", default=str(ROOT / "toolkit/data/punkt/punkt_params.json"))
    args = ap.parse_args(argv)

    docs = read_corpus(args.corpus, progress=False)
    trainer = PunktTrainer()
    digest = hashlib.sha256()
    for doc_id, text in zip(docs["doc_id"], docs["text"]):
        chunk = "\n\n".join(text[s:e] for s, e, _, _ in blocks(text))
        digest.update(chunk.encode("utf-8"))
        trainer.train(chunk, finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    out = {
        "nltk_version": nltk.__version__,
        "corpus_documents": len(docs),
        "corpus_blocks_sha256": digest.hexdigest(),
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted(list(c) for c in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
    }
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {path}: {len(out['abbrev_types'])} abbreviations, "
          f"{len(out['collocations'])} collocations, {len(out['sent_starters'])} sentence starters")


if __name__ == "__main__":
    main()
