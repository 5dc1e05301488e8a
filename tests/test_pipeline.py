import pandas as pd
import pytest

from toolkit import analyze
from toolkit.pipeline import STAGES, _resolve

SEED = "corpus/seed"


def test_stage_dependencies_are_added_in_order():
    assert _resolve(["threat"]) == ["corpus", "sentences", "mentions", "threat"]
    assert _resolve(["sentiment"])[-2:] == ["threat", "sentiment"]
    assert _resolve(None) == list(STAGES)
    with pytest.raises(ValueError, match="invalid stage='topic'; valid values are: 'corpus'"):
        _resolve(["topic"])
    assert _resolve(["topics"]) == ["corpus", "sentences", "tokens", "topics"]


@pytest.mark.filterwarnings("ignore:topics stage skipped")
def test_analyze_seed_all_stages_reproducible(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = analyze(SEED, tmp_path / "a", progress=False)
    second = analyze(SEED, tmp_path / "b", progress=False, use_cache=False)
    for name in ("mentions", "actor_sentiment", "threat_frames", "threat_roles", "threat_index",
                 "sentiment_by_year", "threat_by_year"):
        a = pd.read_parquet(tmp_path / "a" / f"{name}.parquet")
        b = pd.read_parquet(tmp_path / "b" / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b)
    # the seed article's threat picture: Russia is framed as a threat source
    roles = first["threat_roles"]
    assert "RUS" in set(roles.loc[roles["role"] == "source", "actor"])
    assert {"RUS", "CHN", "PRK", "IRN", "NATO", "UKR"} <= set(first["mentions"]["actor"])
    idx = first["threat_index"]
    assert len(idx) == 1 and 0 < idx.loc[0, "share"] < 1


def test_topics_stage_on_a_corpus_too_small_is_skipped_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.warns(UserWarning, match="topics stage skipped: .*min_df/max_df/n_topics"):
        tables = analyze(SEED, tmp_path / "a", progress=False)
    summary = pd.read_json(tmp_path / "a" / "summary.json", typ="series")
    assert "topics" in summary["skipped_stages"] and "topics" not in summary["stages"]
    assert "actor_sentiment" in tables  # every other table is still there
    # asked for by name, the stage fails loudly instead
    with pytest.raises(ValueError, match="document-term matrix is empty|more than the matrix"):
        analyze(SEED, tmp_path / "b", stages=["topics"], progress=False)


def test_topics_stage_writes_its_tables(tmp_path, monkeypatch):
    """The three White House documents of 2021 (a real, small corpus) with k=2."""
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    from toolkit import read_corpus

    docs = read_corpus("corpus/whitehouse", progress=False)
    small = tmp_path / "small.parquet"
    docs.nsmallest(40, "n_chars")[["doc_id", "title", "date", "text"]].to_parquet(small)
    tables = analyze(small, tmp_path / "out", stages=["topics"], n_topics=2, progress=False)
    assert set(tables["topic_terms"]["topic"]) == {0, 1}
    shares = tables["doc_topics"].groupby("doc_id")["weight"].sum()
    assert len(shares) == len(tables["doc_topics"]["doc_id"].unique()) >= 30 and shares.round(6).eq(1).all()
    for name in ("topic_terms.csv", "doc_topics.parquet", "coherence.csv", "topic_terms.png"):
        assert (tmp_path / "out" / "topics" / name).exists()


@pytest.mark.filterwarnings("ignore:topics stage skipped")
def test_a_rerun_leaves_untouched_output_files_as_they_are(tmp_path, monkeypatch):
    """A warm rerun into the same folder does not rewrite a stage table whose key, size and
    modification time match the earlier run's record; a touched file, a changed setting or a
    missing record rewrites it."""
    import json
    import os

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    analyze(SEED, out, stages=["threat"], progress=False)
    files = json.loads((out / "summary.json").read_text())["files"]
    assert {"sentences", "mentions", "threat_frames", "threat_roles"} <= set(files)
    assert "documents" not in files  # its metadata is not in its key: always written
    stamp = {n: (out / f"{n}.parquet").stat().st_mtime_ns for n in files}
    docs_stamp = (out / "documents.parquet").stat().st_mtime_ns
    # a file changed by hand since (same key, other modification time) is written again
    st = (out / "mentions.parquet").stat()
    os.utime(out / "mentions.parquet", ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    analyze(SEED, out, stages=["threat"], progress=False)
    again = {n: (out / f"{n}.parquet").stat().st_mtime_ns for n in files}
    assert again["mentions"] != st.st_mtime_ns - 10**9
    assert {n: again[n] == stamp[n] for n in files if n != "mentions"} == \
        {n: True for n in files if n != "mentions"}
    assert (out / "documents.parquet").stat().st_mtime_ns != docs_stamp
    # another method: other keys for the threat tables, so they are written again
    analyze(SEED, out, stages=["threat"], threat_method="rules", progress=False)
    rules = {n: (out / f"{n}.parquet").stat().st_mtime_ns for n in files}
    assert rules["threat_frames"] != again["threat_frames"]
    assert rules["sentences"] == again["sentences"]
    fresh = analyze(SEED, tmp_path / "fresh", stages=["threat"], threat_method="rules",
                    progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "threat_frames.parquet"),
                                  pd.read_parquet(tmp_path / "fresh" / "threat_frames.parquet"))
    assert len(fresh["threat_frames"])
