"""The pandas engine in bounded memory: chunks of documents, tables appended to Parquet."""
import json

import pandas as pd
import pytest

from _subset import _plain, assert_same_tables, good_documents, reference_run
from toolkit import analyze, read_corpus
from toolkit import streaming
from toolkit.cli import main


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return reference_run(tmp_path_factory.getbasetemp() / "engines")


def test_streaming_gives_the_in_memory_rows(reference, tmp_path):
    corpus, expected = reference
    got = analyze(corpus, tmp_path / "s", stages=["tokens", "sentiment"], chunk_size=7,
                  progress=False)
    assert_same_tables(expected, tmp_path / "s")
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    ref = json.loads((expected / "summary.json").read_text())
    assert summary["engine"] == "pandas" and summary["partitions"] > 5
    for name in ("documents", "sentences", "tokens", "mentions", "threat_frames",
                 "actor_sentiment", "threat_by_year", "sentiment_by_year"):
        assert summary["tables"][name] == ref["tables"][name], name
    # the aggregates come back in memory; corpus_info sums the chunks
    assert set(got) >= {"threat_by_year", "sentiment_by_year", "threat_index", "corpus_info"}
    info = pd.read_csv(tmp_path / "s" / "corpus_info.csv")
    ref_info = pd.read_csv(expected / "corpus_info.csv")
    pd.testing.assert_frame_equal(info, ref_info, check_dtype=False)
    assert not list((tmp_path / "s").glob(".tmp-*"))


def test_threat_without_the_token_table_counts_the_same_words(reference, tmp_path):
    # The threat stage no longer needs the tokens stage: its index counts words with the same
    # tokenizer, so the index equals the one computed from the token table.
    corpus, expected = reference
    analyze(corpus, tmp_path / "t", stages=["threat"], chunk_size=9, progress=False)
    assert not (tmp_path / "t" / "tokens.parquet").exists()
    key = ["doc_id"]
    a = pd.read_parquet(expected / "threat_index.parquet").sort_values(key).reset_index(drop=True)
    b = pd.read_parquet(tmp_path / "t" / "threat_index.parquet").sort_values(key) \
        .reset_index(drop=True)
    assert a["n_words"].sum() > 100_000
    pd.testing.assert_frame_equal(_plain(a.drop(columns="mean_score")),
                                  _plain(b.drop(columns="mean_score")), check_dtype=False)
    pd.testing.assert_series_equal(a["mean_score"], b["mean_score"], rtol=1e-12)


def test_a_failed_run_keeps_the_previous_tables_and_a_rerun_never_duplicates(
        reference, tmp_path, monkeypatch):
    corpus, _ = reference
    out = tmp_path / "o"
    analyze(corpus, out, stages=["mentions"], chunk_size=10, progress=False)
    before = len(pd.read_parquet(out / "mentions.parquet"))
    real = streaming.process_partition

    def failing(docs, tmp, options, number):
        if number == 2:
            raise RuntimeError("disk full")
        return real(docs, tmp, options, number)

    monkeypatch.setattr(streaming, "process_partition", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        analyze(corpus, out, stages=["mentions"], chunk_size=10, progress=False)
    assert len(pd.read_parquet(out / "mentions.parquet")) == before
    assert not list(out.glob(".tmp-*"))
    monkeypatch.setattr(streaming, "process_partition", real)
    analyze(corpus, out, stages=["mentions"], chunk_size=10, progress=False)
    analyze(corpus, out, stages=["mentions"], chunk_size=10, progress=False)
    assert len(pd.read_parquet(out / "mentions.parquet")) == before


def test_a_malformed_file_is_reported_not_dropped(tmp_path):
    corpus = good_documents(tmp_path, 5, "Russia is a threat to NATO.")
    (corpus / "bad.md").write_text("---\ntitle: [unclosed\ndate: 2024\n---\nText.\n")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    expected = read_corpus(corpus, progress=False).attrs["skipped"].to_frame()
    analyze(corpus, tmp_path / "o", stages=["threat"], chunk_size=2, progress=False)
    skipped = pd.read_csv(tmp_path / "o" / "skipped.csv")
    assert sorted(skipped["path"]) == sorted(expected["path"]) and len(skipped) == 2
    assert sorted(skipped["reason"]) == sorted(expected["reason"])
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["documents"] == 5 and summary["skipped_files"] == 2


def test_parquet_tables_are_read_in_row_ranges_with_the_read_corpus_ids(tmp_path):
    docs = read_corpus("corpus/whitehouse", progress=False).head(23)
    table = tmp_path / "t.parquet"
    docs[["title", "date", "category", "text"]].to_parquet(table)
    plan = streaming.plan_batches(table, chunk_size=5)
    assert [(b.start, b.stop) for b in plan.batches] == [(0, 5), (5, 10), (10, 15), (15, 20),
                                                         (20, 25)]
    parts = pd.concat([streaming.read_batch(b) for b in plan.batches], ignore_index=True)
    whole = read_corpus(table, progress=False)
    parts = parts.sort_values("doc_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(parts, whole, check_dtype=False)


def test_staged_parquet_copy_has_one_row_group_per_chunk_and_the_same_rows(tmp_path):
    import pyarrow.parquet as pq

    docs = read_corpus("corpus/whitehouse", progress=False).head(23)
    table = tmp_path / "t.parquet"
    docs[["title", "date", "category", "text"]].to_parquet(table)  # one row group
    plan = streaming.plan_batches(table, chunk_size=5)
    staged = streaming.stage_tables(plan, tmp_path / "stage")
    copies = {b.source for b in staged.batches}
    assert len(copies) == 1 and None not in copies
    md = pq.ParquetFile(copies.pop()).metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == [5, 5, 5, 5, 3]
    for a, b in zip(plan.batches, staged.batches):
        pd.testing.assert_frame_equal(streaming.read_batch(a), streaming.read_batch(b))
    # a table already cut into small row groups is read as it is
    docs[["title", "text"]].to_parquet(tmp_path / "g.parquet", row_group_size=4)
    plan = streaming.plan_batches(tmp_path / "g.parquet", chunk_size=5)
    assert all(b.source is None for b in streaming.stage_tables(plan, tmp_path / "s2").batches)
    got = pd.concat([streaming.read_batch(b) for b in plan.batches], ignore_index=True)
    assert got["text"].tolist() == docs["text"].tolist()
    # the analysis reads the copy and still names the original file
    tables = analyze(table, tmp_path / "o", stages=["sentences"], chunk_size=5, progress=False)
    got = pd.read_parquet(tmp_path / "o" / "documents.parquet")
    assert len(got) == 23 and set(got["path"]) == {str(table)}
    assert not list((tmp_path / "o").glob(".tmp-analyze-*"))


def test_chunk_size_auto_keeps_small_corpora_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    tables = analyze("corpus/seed", tmp_path / "o", stages=["mentions"], progress=False)
    assert "sentences" in tables and (tmp_path / "o" / "sentences.parquet").is_file()
    monkeypatch.setattr(streaming, "AUTO_STREAM_BYTES", 10)
    tables = analyze("corpus/seed", tmp_path / "p", stages=["mentions"], progress=False)
    assert "sentences" not in tables and (tmp_path / "p" / "sentences.parquet").is_dir()


def test_bad_options_name_the_valid_values(tmp_path):
    with pytest.raises(ValueError, match="invalid engine='spark'; valid values are: 'pandas', 'dask'"):
        analyze("corpus/seed", tmp_path, engine="spark")
    with pytest.raises(ValueError, match="need engine='dask'"):
        analyze("corpus/seed", tmp_path, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="chunk_size must be a positive"):
        analyze("corpus/seed", tmp_path, chunk_size=0)
    with pytest.raises(ValueError, match="invalid sentiment_method="):
        analyze("corpus/seed", tmp_path, chunk_size=5, sentiment_method="vader")


def test_cli_streams_with_chunk_size(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["analyze", "corpus/seed", "--out", str(out), "--quiet", "--stages",
                 "mentions", "--chunk-size", "1"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["engine"] == "pandas" and printed["chunk_size"] == 1
    assert len(pd.read_parquet(out / "sentences.parquet")) == 19
    assert main(["analyze", "corpus/seed", "--out", str(out), "--quiet",
                 "--chunk-size", "many"]) == 2
    assert "--chunk-size takes a number" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:topics stage skipped")
def test_topics_stage_fits_on_a_seeded_sample(tmp_path):
    docs = read_corpus("corpus/whitehouse", progress=False)
    small = tmp_path / "small.parquet"
    docs.nsmallest(40, "n_chars")[["doc_id", "title", "date", "text"]].to_parquet(small)
    tables = analyze(small, tmp_path / "o", stages=["topics"], n_topics=2, chunk_size=9,
                     topics_sample=35, progress=False)
    assert set(tables["topic_terms"]["topic"]) == {0, 1}
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["topics_sample"]["documents"] == 35 and summary["topics_sample"]["of"] == 40
    assert (tmp_path / "o" / "topics" / "topic_terms.csv").exists()
    ids = streaming.topics_sample_ids([f"d{i}" for i in range(40)], 35, 0)
    assert ids == streaming.topics_sample_ids([f"d{i}" for i in range(39, -1, -1)], 35, 0)


def test_tables_with_different_columns_make_one_documents_dataset(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    pd.DataFrame({"text": [f"Text {i}." for i in range(5)], "session": range(70, 75),
                  "iso3": ["FRA"] * 5}).to_parquet(corpus / "a.parquet")
    pd.DataFrame({"text": [f"Other {i}." for i in range(4)], "category": ["x"] * 4,
                  "date": ["2024-01-02"] * 4}).to_parquet(corpus / "b.parquet")
    analyze(corpus, tmp_path / "o", stages=["corpus"], chunk_size=2, progress=False)
    got = pd.read_parquet(tmp_path / "o" / "documents.parquet").sort_values("doc_id")
    whole = read_corpus(corpus, progress=False)
    assert sorted(got.columns) == sorted(whole.columns)
    pd.testing.assert_frame_equal(_plain(got[whole.columns].reset_index(drop=True)),
                                  _plain(whole), check_dtype=False)
    assert got["session"].notna().sum() == 5 and got["category"].notna().sum() == 4
