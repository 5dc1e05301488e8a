"""The ``toolkit`` command: a thin layer over the package's functions.

Sub-commands: ``corpus-info PATH``, ``analyze PATH --out DIR``, ``topics PATH --out DIR``,
``evaluate newsmtsc|codebook FILE``, ``agreement FILE FILE [...]``, ``sample PATH --out DIR``;
``toolkit COMMAND --help`` for each.
"""
from __future__ import annotations

import argparse
import json
import sys

from toolkit.errors import ToolkitError


def _corpus_info(args: argparse.Namespace) -> int:
    from toolkit.corpus import read_corpus
    from toolkit.pipeline import corpus_info
    from toolkit.segment import sentences, tokens

    docs = read_corpus(args.path, progress=not args.quiet, metadata=_metadata(args))
    sents = sentences(docs, progress=not args.quiet)
    toks = tokens(sents, progress=not args.quiet)
    info = corpus_info(docs, sents, toks)
    print(info.to_string(index=False))
    skipped = docs.attrs["skipped"]
    if len(skipped):
        print(f"\n{len(skipped)} skipped file(s):")
        print(skipped.to_string(index=False))
    else:
        print("\nskipped files: 0")
    return 0


def _metadata(args: argparse.Namespace) -> dict | None:
    """``read_corpus(metadata=...)`` from the repeated ``--home-actor COLLECTION=ACTOR``."""
    from toolkit.corpus import parse_home_actors

    return parse_home_actors(getattr(args, "home_actor", None) or []) or None


def _analyze(args: argparse.Namespace) -> int:
    from toolkit.pipeline import analyze

    stages = args.stages.split(",") if args.stages else None
    chunk = args.chunk_size
    if chunk not in ("auto", "none"):
        try:
            chunk = int(chunk)
        except ValueError:
            raise ValueError(f"--chunk-size takes a number of documents, 'auto' or 'none', "
                             f"not {chunk!r}") from None
    analyze(args.path, args.out, stages=stages, sentiment_method=args.sentiment_method,
            threat_method=args.threat_method, codebook_skip=args.codebook_skip,
            n_topics=args.topics_k, random_state=args.seed,
            progress=not args.quiet, use_cache=not args.no_cache, engine=args.engine,
            chunk_size=None if chunk == "none" else chunk, scheduler=args.scheduler,
            workers=args.workers, scheduler_timeout=args.scheduler_timeout,
            topics_sample=args.topics_sample, metadata=_metadata(args))
    summary = json.loads((__import__("pathlib").Path(args.out) / "summary.json").read_text())
    print(json.dumps(summary, indent=2))
    return 0


def _topics(args: argparse.Namespace) -> int:
    from toolkit.topics import run_topics

    sweep_ks = None
    if args.sweep:
        try:
            sweep_ks = [int(k) for k in args.sweep.split(",")]
        except ValueError:
            raise ValueError(f"--sweep takes comma-separated integers such as 5,10,20, "
                             f"not {args.sweep!r}") from None
    run_topics(args.path, n_topics=args.k, model=args.model, random_state=args.seed, out=args.out,
               unit=args.unit, sweep_ks=sweep_ks, progress=not args.quiet,
               use_cache=not args.no_cache)
    summary = json.loads((__import__("pathlib").Path(args.out) / "topics_summary.json").read_text())
    print(json.dumps({k: v for k, v in summary.items() if k != "model_params"}, indent=2))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from toolkit import evaluate

    if args.dataset == "codebook":
        return evaluate.cli_evaluate_codebook(args)
    return evaluate.cli_evaluate(args)


def _agreement(args: argparse.Namespace) -> int:
    from toolkit.evaluation.agreement import cli_agreement

    return cli_agreement(args)


def _add_home_actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home-actor", action="append", default=[], metavar="COLLECTION=ACTOR",
                        help="the actor a collection speaks for: office titles ('the President') "
                             "in its documents name it; repeat for more collections, '*=ACTOR' "
                             "for all; overrides the collection's collection.yaml")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="toolkit", description="Discourse analysis toolkit.")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("corpus-info", help="documents, sentences, tokens and dates per collection")
    c.add_argument("path")
    c.add_argument("--quiet", action="store_true", help="no progress bars")
    _add_home_actor(c)
    c.set_defaults(func=_corpus_info)

    a = sub.add_parser("analyze", help="run the analysis stages and write all tables")
    a.add_argument("path")
    a.add_argument("--out", required=True, help="output folder")
    a.add_argument("--stages", default=None, help="comma-separated stages (default: all)")
    a.add_argument("--sentiment-method", default="codebook",
                   choices=["codebook", "neural", "sklearn", "lexicon"],
                   help="actor-sentiment method (default codebook: the codebook model, trained "
                        "on the codebook's labels; neural, sklearn and lexicon score each mention "
                        "with a NewsMTSC model)")
    a.add_argument("--threat-method", default="model", choices=["model", "rules"],
                   help="threat frames and roles: model (default, the codebook model) or rules "
                        "(the threat lexicon)")
    a.add_argument("--codebook-skip", default="no_candidates", choices=["no_candidates", "none"],
                   help="sentences the codebook model leaves out (default no_candidates: those "
                        "with neither an actor nor a lexicon cue; none: encode every sentence, "
                        "about twice the time)")
    a.add_argument("--topics-k", type=int, default=20,
                   help="number of topics of the topics stage (default 20)")
    a.add_argument("--seed", type=int, default=0, help="random_state of the topic model")
    a.add_argument("--no-cache", action="store_true", help="rebuild cached tables")
    a.add_argument("--quiet", action="store_true", help="no progress bars")
    a.add_argument("--engine", default="pandas",
                   help="pandas (default: this process, streaming on large corpora) or dask "
                        "(a Dask cluster: local processes, or --scheduler)")
    a.add_argument("--chunk-size", default="auto",
                   help="documents per chunk/partition; 'auto' (default: in memory for small "
                        "corpora, chunks of 250 above 256 MB of input) or 'none' (in memory)")
    a.add_argument("--scheduler", default=None,
                   help="address of a running Dask scheduler, e.g. tcp://host:8786 (dask engine; "
                        "default: a local cluster started for the job)")
    a.add_argument("--workers", type=int, default=None,
                   help="worker processes of the local Dask cluster (default: CPU count)")
    a.add_argument("--scheduler-timeout", type=float, default=10.0,
                   help="seconds to wait for --scheduler before failing (default 10)")
    a.add_argument("--topics-sample", type=int, default=None,
                   help="documents the topic model is fitted on in chunked runs (seeded sample, "
                        "default 5000)")
    _add_home_actor(a)
    a.set_defaults(func=_analyze)

    t = sub.add_parser("topics", help="fit a topic model; write topic_terms.csv, "
                                      "doc_topics.parquet, coherence.csv and figures")
    t.add_argument("path")
    t.add_argument("--out", required=True, help="output folder")
    t.add_argument("--k", type=int, default=20, help="number of topics (default 20)")
    t.add_argument("--model", default="nmf", help="nmf (default: NMF on TF-IDF) or lda")
    t.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    t.add_argument("--unit", default="document",
                   help="modelling unit: document (default), turn or paragraph")
    t.add_argument("--sweep", default=None,
                   help="also sweep these k, comma-separated (e.g. 5,10,15,20,30)")
    t.add_argument("--no-cache", action="store_true", help="rebuild cached tables")
    t.add_argument("--quiet", action="store_true", help="no progress bars")
    t.set_defaults(func=_topics)

    e = sub.add_parser("evaluate", help="score the toolkit against a gold file; prints one JSON "
                                        "object last on standard output")
    e.add_argument("dataset", choices=["newsmtsc", "codebook"],
                   help="newsmtsc: target sentiment (sentence, from, to, polarity); codebook: "
                        "threat framing and actor gold set (docs/codebook.md)")
    e.add_argument("file", help="JSONL gold file")
    e.add_argument("--method", default=None,
                   help="sentiment method: codebook (default for codebook files), neural "
                        "(default for newsmtsc files), sklearn or lexicon")
    e.add_argument("--threat-method", default="model", choices=["model", "rules"],
                   help="codebook files: threat frames and roles from the model (default) or "
                        "the rules")
    e.add_argument("--n-boot", type=int, default=None,
                   help="codebook files: bootstrap resamples of gold sentences for the 95%% "
                        "intervals of every score (default 1000; 0: none)")
    e.add_argument("--seed", type=int, default=0,
                   help="codebook files: random_state of the bootstrap (default 0)")
    e.add_argument("--progress", action="store_true", help="show progress bars")
    e.set_defaults(func=_evaluate)

    from toolkit.evaluation.agreement import add_agreement_arguments

    g = sub.add_parser("agreement", help="agreement of two or more coders' codebook files "
                                         "(kappa, alpha per field); prints one JSON object last "
                                         "on standard output")
    add_agreement_arguments(g)
    g.set_defaults(func=_agreement)

    from toolkit.evaluation.sample_command import add_sample_arguments

    add_sample_arguments(sub.add_parser(
        "sample", help="draw a stratified sample of sentences to hand-code (codebook JSONL, CSV, "
                       "design.json; --label-studio for Label Studio tasks)"))
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ToolkitError, ValueError, FileNotFoundError) as e:
        print(f"toolkit {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
