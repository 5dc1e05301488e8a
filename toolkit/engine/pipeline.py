"""The main job: corpus -> sentences -> tokens -> later stages, tables written to one folder.

``analyze`` is what ``toolkit analyze PATH --out DIR`` and ``make analysis`` run. Each stage is a
plain function of the tables before it; this module only orders them, caches the expensive ones
(see :mod:`toolkit.cache`) and writes the results.
"""
from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from toolkit.cache import write_parquet
# corpus_info, collection_counts (toolkit.corpus.info) and fit_topics_stage
# (toolkit.engine.topics_stage) are re-exported: earlier versions defined them here.
from toolkit.corpus import collection_counts, corpus_info, read_corpus  # noqa: F401
from toolkit.engine.graph import GRAPH, GraphRun, encode_json_columns
from toolkit.engine.stages import stage_params
from toolkit.engine.topics_stage import fit_topics_stage
from toolkit.errors import check_choice

#: Stages in the order they run; ``analyze(stages=...)`` picks a subset (dependencies are added).
STAGES = ("corpus", "sentences", "tokens", "mentions", "threat", "sentiment", "topics")
# Sentiment reads the threat roles: a threat source is portrayed as dangerous (codebook section 3).
_NEEDS = {"sentences": ("corpus",), "tokens": ("sentences",), "mentions": ("sentences",),
          "threat": ("mentions",), "sentiment": ("threat",),
          "topics": ("tokens",)}
#: The tables of the stage graph (:mod:`toolkit.engine.stages`) each stage of :data:`STAGES`
#: writes; ``topics`` is fitted by :func:`fit_topics_stage`.
GROUP_TABLES = {
    "corpus": ("documents",),
    "sentences": ("sentences",),
    "tokens": ("tokens",),
    "mentions": ("mentions",),
    "threat": ("threat_frames", "threat_cues", "threat_roles", "threat_index", "threat_by_year"),
    "sentiment": ("actor_sentiment", "sentiment_by_year", "sentiment_evidence"),
}
#: Sentiment method of the ``sentiment`` stage unless ``sentiment_method=`` says otherwise: the
#: codebook model, trained on the codebook's own labels (see :mod:`toolkit.sentiment` for the
#: NewsMTSC models ``"neural"``, ``"sklearn"`` and ``"lexicon"``).
DEFAULT_SENTIMENT_METHOD = "codebook"
#: Threat frames and roles of the ``threat`` stage unless ``threat_method=`` says otherwise: the
#: codebook model (``"rules"``: the threat lexicon).
DEFAULT_THREAT_METHOD = "model"
#: Number of topics of the ``topics`` stage unless ``n_topics=`` says otherwise (chosen by the
#: coherence/diversity sweep on ``corpus/``, see ``benchmarks/bench_topics.py`` and the README).
DEFAULT_TOPICS_K = 20


def _resolve(stages: Sequence[str] | None) -> list[str]:
    if stages is None:
        return list(STAGES)
    wanted: set[str] = set()

    def add(s: str) -> None:
        check_choice("stage", s, STAGES)
        wanted.add(s)
        for dep in _NEEDS.get(s, ()):
            add(dep)

    for s in stages:
        add(s)
    return [s for s in STAGES if s in wanted]


#: Engines of :func:`analyze`.
ENGINES = ("pandas", "dask")


def _previous_files(out: Path) -> dict[str, list]:
    """The ``files`` record of an earlier run's ``summary.json`` in ``out`` (empty if none)."""
    try:
        return dict(json.loads((out / "summary.json").read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _unchanged(path: Path, record: list | None, key: str) -> bool:
    """Whether ``path`` is the file an earlier run wrote for stage key ``key``, untouched since
    (same key, size and modification time)."""
    if not record or len(record) != 3 or record[0] != key:
        return False
    try:
        st = path.stat()
    except OSError:
        return False
    return [st.st_size, st.st_mtime_ns] == list(record[1:])


def analyze(path: str | Path, out: str | Path, *, stages: Sequence[str] | None = None,
            sentiment_method: str = DEFAULT_SENTIMENT_METHOD,
            threat_method: str = DEFAULT_THREAT_METHOD, codebook_skip: str = "no_candidates",
            n_topics: int = DEFAULT_TOPICS_K,
            topics_model: str = "nmf", random_state: int = 0, progress: bool = True,
            use_cache: bool = True, engine: str = "pandas", chunk_size: int | str | None = "auto",
            scheduler: str | None = None, workers: int | None = None,
            scheduler_timeout: float = 10.0, topics_sample: int | None = None,
            metadata: Mapping[str, Mapping] | None = None, **renamed,
            ) -> dict[str, pd.DataFrame]:
    """Run the analysis stages on a corpus and write every table to ``out``.

    Three ways to run (see :mod:`toolkit.streaming` and :mod:`toolkit.dask_engine`):

    * ``engine="pandas"``, in memory (small corpora, the default below
      :data:`toolkit.streaming.AUTO_STREAM_BYTES` of input): every table is built whole, written
      as one Parquet file, cached, and returned.
    * ``engine="pandas"`` streaming (``chunk_size=N``, or ``"auto"`` on a larger corpus):
      documents are processed ``N`` at a time and every table is appended, chunk by chunk, to a
      partitioned Parquet dataset ``OUT/<table>.parquet/part-NNNNN.parquet``; peak memory is that
      of one chunk, whatever the corpus size.
    * ``engine="dask"``: the chunks are the partitions of a Dask DataFrame, run on a local
      cluster of ``workers`` processes or on the cluster at ``scheduler``; same outputs as
      streaming.

    The chunked runs write into a temporary folder inside ``out`` and move the tables into place
    when every chunk succeeded (a rerun after a failure never duplicates rows), do not use the
    table cache, fit the topic model on a seeded sample of ``topics_sample`` documents, and
    return only the aggregate tables (``threat_index``, ``threat_by_year``,
    ``sentiment_by_year``, ``sentiment_evidence``, ``corpus_info`` and the topic tables): read
    the others from ``out`` (``pd.read_parquet(out / "sentences.parquet")``). Their per-document
    and per-sentence rows are exactly those of the in-memory run.

    Parameters
    ----------
    path : str or Path
        Corpus folder, document or table (anything :func:`read_corpus` reads).
    out : str or Path
        Output folder; created if needed. Tables are Parquet (``documents``, ``sentences``,
        ``tokens``, ...), plus ``summary.json``, ``corpus_info.csv`` and ``skipped.csv``.
    stages : sequence of str, optional
        Stages to run (from :data:`STAGES`); the stages they need are added (``threat`` needs
        ``mentions`` and ``sentences``; ``topics`` needs ``tokens``). Default: all. The threat
        index counts words with the tokenizer of the ``tokens`` stage, but writes no token table
        unless ``tokens`` is asked for.
    sentiment_method : {"codebook", "neural", "sklearn", "lexicon"}, default "codebook"
        Method of the actor-sentiment stage (see :func:`toolkit.sentiment.actor_sentiment`).
        ``"codebook"`` reads the codebook model's scores, which the threat stage computes once
        for every sentence (one encoder pass serves frames, roles and sentiment); the others
        score each mention again with a NewsMTSC model.
    threat_method : {"model", "rules"}, default "model"
        Threat frames and roles (:func:`toolkit.threat_frames`): the codebook model, or
        the threat lexicon's rules. With the model, the table ``codebook_scores`` (the model's
        probabilities per sentence and actor) is written too.
    codebook_skip : {"no_candidates", "none"}, default "no_candidates"
        Sentences the codebook model leaves out: those with neither an actor mention nor a
        lexicon cue (about half of ``corpus/``; they hold 2-3% of the gold threat frames, see
        ``docs/validation.md``), or ``"none"`` (every analysable sentence, about twice the time).
    n_topics : int, default 20
        Number of topics of the ``topics`` stage (:data:`DEFAULT_TOPICS_K`); use
        :func:`toolkit.sweep` or ``toolkit topics --sweep`` to choose it for another corpus.
    topics_model : {"nmf", "lda"}, default "nmf"
        Topic model of the ``topics`` stage.
    random_state : int, default 0
        Seed of the topic model (the only random step of the pipeline).
    progress : bool, default True
        Show progress bars.
    use_cache : bool, default True
        Reuse cached sentence and token tables for the same documents (in-memory runs).
    engine : {"pandas", "dask"}, default "pandas"
        Run in this process (in memory or streaming) or on a Dask cluster.
    chunk_size : int, "auto" or None, default "auto"
        Documents per chunk (pandas streaming) or per partition (Dask). ``None``: in memory
        (pandas only). ``"auto"``: in memory when the corpus files are at most
        :data:`toolkit.streaming.AUTO_STREAM_BYTES`, else chunks of
        :data:`toolkit.streaming.DEFAULT_CHUNK_SIZE` (always chunks with Dask).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); default: a ``LocalCluster``
        started and stopped with the job. Dask only.
    workers : int, optional
        Worker processes of the local cluster (default: the number of CPUs). Dask only.
    scheduler_timeout : float, default 10
        Seconds to wait for ``scheduler`` before :class:`toolkit.dask_engine.ClusterError`.
    topics_sample : int, optional
        Documents the chunked engines fit the topic model on (a sample seeded by
        ``random_state``; default :data:`toolkit.streaming.DEFAULT_TOPICS_SAMPLE`).
    metadata : mapping, optional
        Collection metadata, as :func:`read_corpus` takes it (``{collection or "*": {key:
        value}}``, e.g. ``{"kremlin_news": {"home_actor": "RUS"}}``; see
        :mod:`toolkit.corpus.collection`); ``toolkit.corpus.parse_home_actors`` makes it from
        ``--home-actor COLLECTION=ACTOR`` strings. It overrides the collections'
        ``collection.yaml``, which every engine reads anyway.

    Returns
    -------
    dict of DataFrame
        The tables by name (chunked runs: the aggregate tables, see above).

    Notes
    -----
    ``topics_k=`` is the earlier name of ``n_topics=``: it still works, with a ``FutureWarning``.
    """
    from toolkit.renamed import take_renamed

    n_topics = take_renamed("analyze", renamed, {"topics_k": "n_topics"}, {"n_topics": n_topics},
                            {"n_topics": DEFAULT_TOPICS_K})["n_topics"]
    t0 = time.perf_counter()
    check_choice("engine", engine, ENGINES)
    run = _resolve(stages)
    from toolkit import streaming

    if topics_sample is None:
        topics_sample = streaming.DEFAULT_TOPICS_SAMPLE
    if engine == "pandas" and (scheduler is not None or workers is not None):
        raise ValueError("scheduler= and workers= need engine='dask'")
    if chunk_size is not None and not isinstance(chunk_size, int):
        check_choice("chunk_size", chunk_size, ["auto"])
    if isinstance(chunk_size, bool) or (isinstance(chunk_size, int) and chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive number of documents, 'auto' or None, "
                         f"got {chunk_size!r}")
    chunked = dict(run=run, stages_requested=stages, sentiment_method=sentiment_method,
                   threat_method=threat_method, codebook_skip=codebook_skip,
                   n_topics=n_topics, topics_model=topics_model, random_state=random_state,
                   topics_sample=int(topics_sample), progress=progress, metadata=metadata)
    from toolkit.framing.model_frames import FRAME_METHODS
    from toolkit.sentiment import ACTOR_METHODS

    check_choice("sentiment_method", sentiment_method, ACTOR_METHODS)
    check_choice("threat_method", threat_method, FRAME_METHODS)
    from toolkit.codebook.scores import SKIPS

    check_choice("codebook_skip", codebook_skip, SKIPS)
    if engine == "dask":
        from toolkit.dask_engine import run_dask

        size = streaming.DEFAULT_CHUNK_SIZE if chunk_size in (None, "auto") else chunk_size
        return run_dask(path, out, chunk_size=size, scheduler=scheduler, workers=workers,
                        scheduler_timeout=scheduler_timeout, **chunked)
    if chunk_size == "auto":
        chunk_size = (streaming.DEFAULT_CHUNK_SIZE
                      if streaming.corpus_bytes(path) > streaming.AUTO_STREAM_BYTES else None)
    if chunk_size is not None:
        return streaming.run_streaming(path, out, chunk_size=chunk_size, **chunked)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    tables: dict[str, pd.DataFrame] = {}
    written_elsewhere: set[str] = set()
    skipped_stages: dict[str, str] = {}

    t = time.perf_counter()
    docs = read_corpus(path, progress=progress, metadata=metadata)
    tables["documents"] = docs
    timings["corpus"] = time.perf_counter() - t
    graph = GraphRun({"documents": docs}, params=stage_params(sentiment_method, threat_method, codebook_skip),
                     use_cache=use_cache, progress=progress)
    for group in run:
        if group in GROUP_TABLES and group != "corpus":
            t = time.perf_counter()
            tables.update(graph.build(GROUP_TABLES[group]))
            timings[group] = time.perf_counter() - t
    if graph.get("codebook_scores") is not None:  # the model's probabilities, when it ran
        tables["codebook_scores"] = graph["codebook_scores"]
    fp = graph.key("documents")
    sents = tables.get("sentences")
    if "topics" in run:
        t = time.perf_counter()
        # The topic tables and figures go to their own folder, as `toolkit topics` writes them.
        topic_tables, skipped = fit_topics_stage(
            docs, stages=stages, n_topics=n_topics, model=topics_model, random_state=random_state,
            out=out / "topics", sentences=sents, tokens=tables["tokens"], progress=progress,
            use_cache=use_cache,
            table_keys={n: graph.key(n) for n in ("sentences", "tokens") if n in tables})
        skipped_stages.update(skipped)
        tables.update(topic_tables)
        written_elsewhere.update(topic_tables)
        timings["topics"] = time.perf_counter() - t
    previous = _previous_files(out)
    files: dict[str, list[int]] = {}
    for name, table in tables.items():
        if name in written_elsewhere:
            continue
        path = out / f"{name}.parquet"
        key = graph.key(name) if name in GRAPH and name != "documents" else None
        if key is None or not _unchanged(path, previous.get(name), key):
            write_parquet(encode_json_columns(table), path)
        st = path.stat()
        if key is not None:
            files[name] = [key, st.st_size, st.st_mtime_ns]
    docs.attrs["skipped"].to_csv(out / "skipped.csv", index=False)
    info = corpus_info(docs, tables.get("sentences"), tables.get("tokens"))
    info.to_csv(out / "corpus_info.csv", index=False)
    summary = {
        "corpus": str(path),
        "documents": int(len(docs)),
        "skipped_files": int(len(docs.attrs["skipped"])),
        "tables": {k: int(len(v)) for k, v in tables.items()},
        "stages": [s for s in run if s not in skipped_stages],
        "skipped_stages": skipped_stages,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "total_seconds": round(time.perf_counter() - t0, 2),
        "corpus_sha256": fp,
        # The stage graph's keys of the tables written here: the figures read a table from this
        # folder only when its key matches (same documents, parameters, data and code).
        "keys": {k: graph.key(k) for k in tables if k in GRAPH},
        # key, size and modification time of each stage table as written: a rerun with the
        # same key leaves an untouched file as it is (a warm rerun rewrote ~1 GB otherwise)
        "files": files,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    tables["corpus_info"] = info
    return tables
