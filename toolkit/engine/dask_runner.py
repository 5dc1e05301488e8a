"""The Dask engine of :func:`toolkit.analyze`: the same analysis on a cluster of processes.

``toolkit analyze PATH --engine dask [--scheduler ADDRESS] [--workers N]`` (or
``analyze(..., engine="dask", scheduler=..., workers=...)``) reads the corpus as a Dask DataFrame
whose partitions are the chunks of :func:`toolkit.streaming.plan_batches` (batches of files of a
folder, or row ranges of a Parquet table; ``dd.from_map``), runs the per-document stages
(sentences, tokens, mentions, threat framing, actor sentiment) on every partition with
``map_partitions`` (:func:`toolkit.streaming.process_partition`, which writes each partition's
rows as one part file of every table), and builds the aggregates: ``corpus_info`` with a Dask
group-by over the per-partition counts, ``threat_by_year`` and ``sentiment_by_year`` from exact
per-document reductions (:mod:`toolkit.streaming`). Outputs are partitioned Parquet datasets
(``OUT/sentences.parquet/part-00000.parquet``, ...), written to a temporary folder and moved into
place when every partition succeeded.

Cluster
    Without ``scheduler`` a ``distributed.LocalCluster`` of ``workers`` processes (one thread
    each: the stages are pure Python and hold the GIL) starts and stops with the job. With
    ``scheduler="tcp://host:8786"`` the job runs on that existing cluster; its workers must see
    the corpus and ``OUT`` at the same paths (a shared file system) and have the toolkit
    installed. An address that does not answer within ``scheduler_timeout`` seconds raises
    :class:`ClusterError` naming the address and the timeout.

Models
    Loaded once per worker process, not once per partition: the models live in module-level,
    per-process caches, and a ``distributed`` WorkerPlugin (:class:`WarmModels`) fills them when a
    worker joins (:func:`toolkit.streaming.warm_models`).

Failures
    A worker that dies mid-job (killed, out of memory) has its partitions retried on other
    workers up to ``distributed.scheduler.allowed-failures`` times; after that the job stops with
    :class:`ClusterError` and ``OUT`` keeps the tables of the previous run: never a silently
    smaller result. A file that cannot be read is listed in ``skipped.csv`` with the reason, as
    with the pandas engine.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.streaming import (
    DOC_COLUMNS, SUMMARY_META, Options, finalize, new_tmp, plan_batches, process_partition,
    read_batch, read_parts, remove_tmp, run_topics_on_sample, stage_tables, topics_sample_ids,
    warm_models,
)

#: Seconds to wait for an existing scheduler to answer.
DEFAULT_SCHEDULER_TIMEOUT = 10.0


class ClusterError(ToolkitError, RuntimeError):
    """The Dask cluster cannot be reached, or a worker died and the job could not complete."""


def _worker_plugin_class():
    from distributed import WorkerPlugin

    class WarmModels(WorkerPlugin):
        """Load the models the job needs once, when each worker starts (or joins)."""

        name = "toolkit-warm-models"

        def __init__(self, stages: Sequence[str], sentiment_method: str | None,
                     threat_method: str | None = None) -> None:
            self.stages = tuple(stages)
            self.sentiment_method = sentiment_method
            self.threat_method = threat_method

        def setup(self, worker) -> None:  # noqa: ARG002 - the distributed API
            import dask

            # Partitions keep the toolkit's dtypes (no conversion to pyarrow strings).
            dask.config.set({"dataframe.convert-string": False})
            warm_models(self.stages, self.sentiment_method, self.threat_method)

    return WarmModels


def WarmModels(stages: Sequence[str], sentiment_method: str | None = None,  # noqa: N802
               threat_method: str | None = None):
    """A ``distributed.WorkerPlugin`` that calls :func:`toolkit.streaming.warm_models` on setup."""
    return _worker_plugin_class()(stages, sentiment_method, threat_method)


def connect(scheduler: str | None = None, *, workers: int | None = None,
            timeout: float = DEFAULT_SCHEDULER_TIMEOUT, processes: bool = True):
    """A ``distributed.Client`` and the ``LocalCluster`` it started (None for ``scheduler``).

    Raises
    ------
    ClusterError
        The scheduler does not answer within ``timeout`` seconds.

    Examples
    --------
    >>> connect("tcp://127.0.0.1:1", timeout=0.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.engine.dask_runner.ClusterError: could not connect to the Dask scheduler at 'tcp://127.0.0.1:1' within 0.5 s (scheduler_timeout)...
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:  # pragma: no cover - an install problem
        raise ClusterError("engine='dask' needs dask and distributed: pip install "
                           "'dask[dataframe]' distributed") from e
    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as e:
            raise ClusterError(
                f"could not connect to the Dask scheduler at {scheduler!r} within {timeout:g} s "
                f"(scheduler_timeout): {e}. Check the address (e.g. tcp://host:8786) and that "
                f"`dask scheduler` runs there, or leave --scheduler out to start a local "
                f"cluster") from None
        return client, None
    n = int(workers) if workers else max(1, os.cpu_count() or 1)
    if n < 1:
        raise ValueError(f"workers must be a positive number of processes, got {workers!r}")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    try:
        client = Client(cluster, timeout=f"{timeout}s")
    except BaseException:
        cluster.close()
        raise
    return client, cluster


def _read_partition(batch, text_col: str, id_col: str | None) -> pd.DataFrame:
    return read_batch(batch, text_col=text_col, id_col=id_col)


def _process(docs: pd.DataFrame, tmp: str, options: Options, partition_info=None) -> pd.DataFrame:
    return process_partition(docs, tmp, options, int(partition_info["number"]))


def run_dask(path: str | Path, out: str | Path, *, run: Sequence[str],
             stages_requested: Sequence[str] | None, chunk_size: int, sentiment_method: str,
             threat_method: str = "model", codebook_skip: str = "no_candidates",
             n_topics: int, topics_model: str, random_state: int, topics_sample: int,
             scheduler: str | None = None, workers: int | None = None,
             scheduler_timeout: float = DEFAULT_SCHEDULER_TIMEOUT, processes: bool = True,
             progress: bool = True, metadata: Mapping | None = None
             ) -> dict[str, pd.DataFrame]:
    """Run :func:`toolkit.analyze` on Dask (see the module docstring); ``metadata`` is
    :func:`toolkit.read_corpus`'s collection metadata (each partition carries its own)."""
    import dask.dataframe as dd
    from distributed import KilledWorker

    import dask

    t0 = time.perf_counter()
    out = Path(out)
    plan = plan_batches(path, chunk_size=chunk_size, metadata=metadata)
    dask.config.set({"dataframe.convert-string": False})
    client, cluster = connect(scheduler, workers=workers, timeout=scheduler_timeout,
                              processes=processes)
    tmp = future = None
    try:
        opts = Options(stages=tuple(s for s in run if s != "topics"),
                       sentiment_method=sentiment_method, threat_method=threat_method,
                       codebook_skip=codebook_skip)
        client.register_plugin(WarmModels(opts.stages, sentiment_method, threat_method))
        tmp = new_tmp(out)
        plan = stage_tables(plan, tmp / "_input")
        meta = pd.DataFrame({c: pd.Series(dtype=object) for c in DOC_COLUMNS})
        docs = dd.from_map(_read_partition, plan.batches, args=["text", None], meta=meta,
                           label="read-corpus", enforce_metadata=False)
        summary = docs.map_partitions(_process, str(tmp), opts, meta=SUMMARY_META,
                                      enforce_metadata=False, align_dataframes=False)
        try:
            future = client.compute(summary)
            if progress:
                from distributed import progress as show_progress

                show_progress(future)
            parts = future.result()
        except KilledWorker as e:
            raise ClusterError(
                f"a Dask worker died while running the job ({e}); the partition was retried "
                f"and its workers died again, so the job stopped. Nothing was written to "
                f"{out} (its tables are those of the previous run). Check the worker logs: "
                f"a worker over its memory limit is killed (use a smaller --chunk-size)"
            ) from None
        timings = {"per_document_stages": time.perf_counter() - t0}
        # corpus_info: a Dask group-by over the per-partition counts.
        t = time.perf_counter()
        info = None
        if list((tmp / "_info.parquet").glob("part-*.parquet")):
            info_dd = dd.read_parquet(str(tmp / "_info.parquet"))
            agg = {"documents": "sum", "characters": "sum", "date_min": "min",
                   "date_max": "max"}
            for c in ("sentences", "tokens", "words"):
                if c in info_dd.columns:
                    agg[c] = "sum"
            info = client.compute(info_dd.groupby("collection").agg(agg)).result().sort_index()
        timings["corpus_info"] = time.perf_counter() - t
        extra, skipped_stages, extra_summary = {}, {}, {}
        if "topics" in run:
            t = time.perf_counter()
            dmeta = read_parts(tmp, "_docmeta")
            ids = topics_sample_ids(dmeta["doc_id"], topics_sample, random_state)
            sample_docs = client.compute(docs[docs["doc_id"].isin(ids)]).result()
            extra, skipped_stages, extra_summary = run_topics_on_sample(
                sample_docs, out, n_topics=n_topics, model=topics_model, random_state=random_state,
                stages_requested=stages_requested, n_total=len(dmeta), progress=progress)
            timings["topics"] = time.perf_counter() - t
        n_workers = len(client.scheduler_info().get("workers", {}))
        return finalize(tmp, out, path=path, plan=plan, run=run, summary_parts=parts,
                        timings=timings, t0=t0, engine="dask", info=info, extra_tables=extra,
                        skipped_stages=skipped_stages,
                        extra_summary={"chunk_size": chunk_size, "workers": n_workers,
                                       "scheduler": scheduler or "LocalCluster",
                                       **extra_summary})
    finally:
        # Stop the job's other partitions first (a local cluster's workers end with it), then
        # remove the temporary folder: nothing of a failed job reaches OUT.
        if future is not None:
            client.cancel(future)
        client.close()
        if cluster is not None:
            cluster.close()
        if tmp is not None:
            remove_tmp(tmp)
