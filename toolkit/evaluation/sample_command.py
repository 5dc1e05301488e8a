"""The ``toolkit sample`` command: read a corpus, draw a coding sample, write its files.

A thin layer over :func:`toolkit.evaluation.sampling.sample_for_coding`,
:func:`~toolkit.evaluation.sampling.write_coding_sample` and (``--label-studio``)
:func:`toolkit.evaluation.labelstudio.write_label_studio`; kept apart from both so that the
sampling module does not depend on the Label Studio one, which builds on it.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from toolkit.evaluation.sampling import DEFAULT_SHARES, _plain, sample_for_coding, write_coding_sample

__all__ = ["add_sample_arguments", "cli_sample"]


# ---------------------------------------------------------------------------------------------


def add_sample_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of ``toolkit sample CORPUS --out DIR [--n 300] [--seed 0] ...``.

    Also sets ``func`` to :func:`cli_sample` (the command line calls ``args.func(args)``).

    Examples
    --------
    >>> p = add_sample_arguments(argparse.ArgumentParser(prog="toolkit sample"))
    >>> a = p.parse_args(["corpus/seed", "--out", "coding", "--n", "20"])
    >>> a.path, a.n, a.seed, a.shares
    ('corpus/seed', 20, 0, 'actor_cue=0.45,actor_only=0.35,any=0.2')
    """
    default_shares = ",".join(f"{k}={v:g}" for k, v in DEFAULT_SHARES.items())
    parser.add_argument("path", metavar="CORPUS", help="corpus folder, document or table")
    parser.add_argument("--out", required=True, help="output folder (sample.jsonl, sample.csv, "
                                                     "design.json)")
    parser.add_argument("--n", type=int, default=300, help="sentences to draw (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    parser.add_argument("--shares", default=default_shares,
                        help=f"share of each draw, in draw order (default {default_shares})")
    parser.add_argument("--min-words", type=int, default=5,
                        help="shortest eligible sentence, in words (default 5)")
    parser.add_argument("--context", type=int, default=1,
                        help="sentences of context before and after (default 1)")
    parser.add_argument("--collections", default=None,
                        help="comma-separated collections to read (default: all)")
    parser.add_argument("--label-studio", action="store_true",
                        help="also write label_studio_tasks.json and label_studio_config.xml")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(func=cli_sample)
    return parser


def cli_sample(args: Any, *, stdout: TextIO | None = None) -> int:
    """Run ``toolkit sample CORPUS --out DIR``: read, split, find actors and cues, draw, write.

    Reads the corpus (:func:`toolkit.read_corpus`), splits sentences, finds actor mentions and
    the lexicon's threat cues (``threat_frames`` with the rules, which need no model), draws with
    :func:`sample_for_coding` and writes with :func:`write_coding_sample` (and, with
    ``--label-studio``, :func:`toolkit.evaluation.labelstudio.write_label_studio`). Progress
    bars and warnings go to stderr; the last line of stdout is one JSON object::

        {"n": 300, "out": "coding", "files": {...}, "random_state": 0,
         "strata": {"actor_cue": {"N": ..., "n": ..., "n_total": ...}, ...},
         "any": {"N": ..., "n": ...}, "short": {}, "n_documents": ..., "n_sentences": ...,
         "n_eligible": ...}

    Parameters
    ----------
    args : argparse.Namespace
        From a parser built with :func:`add_sample_arguments`.
    stdout : file, optional
        Where the JSON goes (default ``sys.stdout``).

    Returns
    -------
    int
        Exit status 0; errors (``CorpusError``, ``ValueError``) propagate for the CLI to report.
    """
    from toolkit.actors import mentions as find_mentions
    from toolkit.corpus import read_corpus
    from toolkit.framing.threat import threat_frames
    from toolkit.segment import sentences as split

    progress = not getattr(args, "quiet", False)
    collections = getattr(args, "collections", None)
    if isinstance(collections, str):
        collections = [c.strip() for c in collections.split(",") if c.strip()] or None
    docs = read_corpus(args.path, collections=collections, progress=progress)
    if not len(docs):
        from toolkit.errors import CorpusError

        raise CorpusError(f"{args.path}: no documents to sample from (see the skipped files "
                          "with `toolkit corpus-info`)")
    sents = split(docs, progress=progress)
    ments = find_mentions(sents, docs, progress=progress)
    frames = threat_frames(sents, ments, progress=progress)
    sample = sample_for_coding(
        docs, sents, ments, frames, n=args.n, shares=getattr(args, "shares", None),
        random_state=getattr(args, "seed", 0),
        min_words=getattr(args, "min_words", 5), context=getattr(args, "context", 1))
    files = write_coding_sample(sample, args.out, corpus=args.path)
    if getattr(args, "label_studio", False):
        from toolkit.evaluation.labelstudio import label_studio_config, write_label_studio

        files["label_studio_tasks"] = write_label_studio(
            sample, Path(args.out) / "label_studio_tasks.json")
        files["label_studio_config"] = Path(args.out) / "label_studio_config.xml"
        files["label_studio_config"].write_text(label_studio_config(), encoding="utf-8")
    design = sample.attrs["design"]
    summary = {"n": len(sample), "out": str(args.out),
               "files": {k: str(v) for k, v in files.items()},
               "random_state": design["random_state"], "strata": design["strata"],
               "any": design["any"], "short": design["short"],
               **{k: design["corpus"][k] for k in ("n_documents", "n_sentences", "n_eligible")}}
    out = stdout if stdout is not None else sys.stdout
    out.write(json.dumps(summary, default=_plain) + "\n")
    out.flush()
    return 0
