"""The Dask engine: same rows as the pandas engine, clear errors for cluster failures."""
import json
import os
import time

import pandas as pd
import pytest

pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

from _subset import assert_same_tables, good_documents, reference_run  # noqa: E402
from toolkit import analyze, read_corpus  # noqa: E402
from toolkit.cli import main  # noqa: E402
from toolkit.dask_engine import ClusterError, run_dask  # noqa: E402
from toolkit.streaming import model_loads  # noqa: E402


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return reference_run(tmp_path_factory.getbasetemp() / "engines")


@pytest.fixture(scope="module")
def cluster():
    """Two real worker processes, as a user's existing cluster."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as c:
        yield c


def test_dask_on_an_existing_cluster_gives_the_pandas_rows(reference, cluster, tmp_path):
    from distributed import Client

    corpus, expected = reference
    got = analyze(corpus, tmp_path / "d", stages=["tokens", "sentiment"], engine="dask",
                  scheduler=cluster.scheduler_address, chunk_size=6, progress=False)
    assert_same_tables(expected, tmp_path / "d")
    summary = json.loads((tmp_path / "d" / "summary.json").read_text())
    assert summary["engine"] == "dask" and summary["workers"] == 2
    assert summary["partitions"] >= 8
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "d" / "corpus_info.csv"),
                                  pd.read_csv(expected / "corpus_info.csv"), check_dtype=False)
    assert len(got["threat_by_year"]) == len(pd.read_parquet(expected / "threat_by_year.parquet"))
    # Each worker process loaded each model once, for all its partitions.
    with Client(cluster.scheduler_address) as client:
        loads = client.run(model_loads)
    assert len(loads) == 2
    assert all(v == {"punkt": 1, "gazetteer": 1, "threat_lexicon": 1} for v in loads.values())


def test_dask_gives_the_in_memory_rows_on_the_whole_corpus(cluster, tmp_path):
    # All of corpus/ (3,243 documents): the per-document and per-sentence tables of the stages
    # corpus, sentences, mentions and threat are row for row those of the in-memory pandas run.
    from _subset import CORPUS

    # The rule-based threat stage: this test is about the engines' bookkeeping at full scale (the
    # codebook model's rows across engines are compared on the subset above).
    analyze(CORPUS, tmp_path / "p", stages=["threat"], chunk_size=None, threat_method="rules",
            progress=False)
    analyze(CORPUS, tmp_path / "d", stages=["threat"], engine="dask", threat_method="rules",
            scheduler=cluster.scheduler_address, progress=False)
    assert_same_tables(tmp_path / "p", tmp_path / "d",
                       names=["documents", "sentences", "mentions", "threat_frames",
                              "threat_cues", "threat_roles", "threat_index", "threat_by_year"])
    assert len(pd.read_parquet(tmp_path / "d" / "documents.parquet")) == 3243


def test_dask_local_cluster_reports_malformed_files(tmp_path):
    corpus = good_documents(tmp_path, 4, "China threatens Taiwan.")
    (corpus / "bad.md").write_text("---\ntitle: [unclosed\n---\nText.\n")
    expected = read_corpus(corpus, progress=False).attrs["skipped"].to_frame()
    run_dask(corpus, tmp_path / "o", run=["corpus", "sentences", "mentions"],
             stages_requested=["mentions"], chunk_size=2, sentiment_method="sklearn",
             n_topics=2, topics_model="nmf", random_state=0, topics_sample=10, workers=1,
             processes=False, progress=False)
    skipped = pd.read_csv(tmp_path / "o" / "skipped.csv")
    assert skipped["path"].tolist() == expected["path"].tolist()
    assert skipped["reason"].tolist() == expected["reason"].tolist()
    assert "malformed YAML header" in skipped["reason"].iloc[0]
    assert len(pd.read_parquet(tmp_path / "o" / "documents.parquet")) == 4


def test_unreachable_scheduler_fails_fast_with_the_address_and_timeout(tmp_path, capsys):
    t = time.perf_counter()
    with pytest.raises(ClusterError, match=r"tcp://127\.0\.0\.1:1' within 1 s"):
        analyze("corpus/seed", tmp_path / "o", engine="dask", scheduler="tcp://127.0.0.1:1",
                scheduler_timeout=1, progress=False)
    assert time.perf_counter() - t < 15
    assert main(["analyze", "corpus/seed", "--out", str(tmp_path / "o"), "--quiet",
                 "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1",
                 "--scheduler-timeout", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("toolkit analyze: error: could not connect to the Dask scheduler")


def _die_on_partition(number):
    """Make this worker process exit when it starts partition ``number``."""
    import toolkit.dask_engine as de

    real = de.process_partition

    def dying(docs, tmp, options, n):
        if n == number:
            os._exit(1)
        return real(docs, tmp, options, n)

    de.process_partition = dying
    return os.getpid()


def test_a_worker_that_dies_stops_the_job_with_a_clear_error(tmp_path):
    import dask
    from distributed import Client, LocalCluster

    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"d{i}.md").write_text(f"---\ntitle: D{i}\n---\nIran threatens Israel. {i}\n")
    out = tmp_path / "o"
    analyze(corpus, out, stages=["mentions"], chunk_size=2, progress=False)  # a previous run
    before = pd.read_parquet(out / "mentions.parquet")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=":0") as c, Client(c) as client:
        client.run(_die_on_partition, 1)
        with pytest.raises(ClusterError, match="a Dask worker died"):
            analyze(corpus, out, stages=["mentions"], engine="dask", chunk_size=2,
                    scheduler=c.scheduler_address, progress=False)
    # the earlier tables are untouched; a rerun replaces them whole, without duplicates, and
    # removes whatever a partition still running at the failure may have left behind
    pd.testing.assert_frame_equal(pd.read_parquet(out / "mentions.parquet"), before)
    analyze(corpus, out, stages=["mentions"], chunk_size=2, progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "mentions.parquet"), before)
    assert not list(out.glob(".tmp-*"))
