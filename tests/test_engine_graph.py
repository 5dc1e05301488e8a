"""The stage graph: declared tables, cache keys from data and parameters, one build per stage."""
from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from toolkit import resources
from toolkit.engine import EXECUTIONS, GRAPH, GraphRun
from toolkit.engine.graph import data_hash

SENTS = pd.DataFrame({
    "doc_id": ["d1", "d1", "d2"], "sent_id": [0, 1, 0], "start": [0, 40, 0],
    "end": [38, 63, 40],
    "text": ["Russia remains a long-term threat to NATO.", "We met in Vilnius.",
             "The zorblaxian swarm grows every year."],
    "speaker": [None, None, None], "para_id": [0, 0, 0],
})
DOCS = pd.DataFrame({"doc_id": ["d1", "d2"], "collection": ["c", "c"],
                     "date": pd.to_datetime(["2024-06-01", "2024-07-01"]), "year": [2024, 2024],
                     "text": ["Russia remains a long-term threat to NATO.  We met in Vilnius.",
                              "The zorblaxian swarm grows every year."]})


def test_every_stage_builds_its_declared_columns(seed_docs):
    run = GraphRun({"documents": seed_docs}, use_cache=False, progress=False,
                   params={"sentiment_method": "lexicon"})
    for name, stage in GRAPH.items():
        table = run[name]
        assert list(stage.columns) == [c for c in table.columns if c in stage.columns], name
        if name != "threat_index":  # the index also copies the documents' metadata columns
            assert list(table.columns) == list(stage.columns), name


def test_a_run_builds_only_what_a_table_needs(seed_docs):
    run = GraphRun({"documents": seed_docs}, use_cache=False, progress=False)
    run["threat_roles"]
    assert run.executed == ["sentences", "mentions", "lexicon_frames", "codebook_scores",
                            "threat_frames", "threat_roles"]
    rules = GraphRun({"documents": seed_docs}, use_cache=False, progress=False,
                     params={"threat_method": "rules"})
    rules["threat_roles"]
    assert rules.executed == ["sentences", "mentions", "lexicon_frames", "threat_frames",
                              "threat_roles"]


def test_unknown_table_and_parameter_are_rejected(seed_docs):
    with pytest.raises(ValueError, match="threat_frames"):
        GraphRun({"documents": seed_docs})["no_such_table"]
    with pytest.raises(ValueError, match="sentiment_method"):
        GraphRun({"documents": seed_docs}, params={"sentiment_methd": "lexicon"})
    with pytest.raises(ValueError, match="documents"):
        GraphRun({})


def test_the_cache_returns_the_table_a_fresh_build_returns(tmp_path, monkeypatch, seed_docs):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = GraphRun({"documents": seed_docs}, progress=False)
    a = first["threat_frames"]
    second = GraphRun({"documents": seed_docs}, progress=False)
    b = second["threat_frames"]
    # threat_frames is read off the cached scores (cheap, so not cached itself)
    assert second.executed == ["threat_frames"]
    assert first.executed == ["sentences", "mentions", "lexicon_frames", "codebook_scores",
                              "threat_frames"]
    pd.testing.assert_frame_equal(a, b)
    assert isinstance(b["cues"].iloc[0], list)


def test_parameters_enter_the_key_of_their_stage_and_downstream_only(seed_docs):
    a = GraphRun({"documents": seed_docs}, params={"threat_threshold": 0.5})
    b = GraphRun({"documents": seed_docs}, params={"threat_threshold": 0.7})
    assert a.key("mentions") == b.key("mentions")
    assert a.key("threat_frames") != b.key("threat_frames")
    assert a.key("threat_roles") != b.key("threat_roles")
    c = GraphRun({"documents": seed_docs.assign(text=seed_docs["text"] + " ")})
    assert c.key("sentences") != a.key("sentences")


def test_a_lexicon_term_added_to_the_package_data_changes_key_and_output(tmp_path, monkeypatch):
    from toolkit import threat

    rules = {"threat_method": "rules"}
    run = GraphRun({"documents": DOCS, "sentences": SENTS}, use_cache=False, progress=False,
                   params=rules)
    before_key = run.key("threat_frames")
    before = run["threat_frames"]
    assert not before.loc[2, "threat"]
    # A copy of the package data whose lexicon knows one more strong cue.
    data = tmp_path / "data"
    data.mkdir()
    for p in resources.DATA_DIR.iterdir():
        if p.name != "threat":
            os.symlink(p, data / p.name)
    shutil.copytree(resources.DATA_DIR / "threat", data / "threat")
    lex = data / "threat" / "lexicon.yaml"
    text = lex.read_text(encoding="utf-8")
    anchor = "    strong: [threat, threats,"
    assert anchor in text
    lex.write_text(text.replace(anchor, "    strong: [zorblaxian, threat, threats,", 1),
                   encoding="utf-8")
    monkeypatch.setattr(resources, "DATA_DIR", data)
    threat._default_lexicon.cache_clear()
    try:
        after_run = GraphRun({"documents": DOCS, "sentences": SENTS}, use_cache=False,
                             progress=False, params=rules)
        assert after_run.key("threat_frames") != before_key
        assert after_run.key("mentions") == run.key("mentions")
        after = after_run["threat_frames"]
        assert after.loc[2, "threat"] and not after.loc[1, "threat"]
    finally:
        threat._default_lexicon.cache_clear()


def test_data_hash_follows_file_content(tmp_path):
    (tmp_path / "a").mkdir()
    f = tmp_path / "a" / "x.txt"
    f.write_text("one")
    h1 = data_hash(["a"], root=tmp_path)
    f.write_text("two")
    os.utime(f, ns=(1, 1))  # a new mtime even on coarse clocks
    assert data_hash(["a"], root=tmp_path) != h1
    assert data_hash(["missing"], root=tmp_path) != data_hash(["a"], root=tmp_path)


@pytest.mark.slow
def test_analysis_then_figures_builds_every_stage_once(tmp_path, monkeypatch):
    """``make analysis``: the figures read what ``toolkit analyze`` wrote, never rebuild it."""
    from tests._subset import make_subset
    from toolkit import analyze
    from toolkit.figures import make_figures

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    corpus = make_subset(tmp_path / "corpus", n_whitehouse=6, n_ungd=6)
    EXECUTIONS.clear()
    analyze(corpus, tmp_path / "out", stages=["tokens", "threat", "sentiment"],
            sentiment_method="lexicon", progress=False)
    after_analyze = dict(EXECUTIONS)
    assert after_analyze and max(after_analyze.values()) == 1
    make_figures(corpus, tmp_path / "figures", progress=False, sentiment_method="lexicon",
                 analysis=tmp_path / "out",
                 names=["threat_by_year", "threat_sources_by_year", "threat_types_by_year",
                        "sentiment_by_year"])
    assert dict(EXECUTIONS) == after_analyze


def test_keys_do_not_change_when_an_old_module_name_is_imported():
    """Importing a moved module by its old name (toolkit.MOVED) once replaced the module's spec
    with the alias's, which has no file: the code hashes, and so every cache key, changed in the
    middle of a session (the test suite and the notebooks then built the corpus twice)."""
    import importlib
    import importlib.util
    import sys

    import toolkit
    from toolkit.engine import graph as G

    docs = pd.DataFrame({"doc_id": ["d1"], "text": ["Russia threatens Europe. NATO meets."]})
    old, new = "toolkit.segment", toolkit.MOVED["toolkit.segment"]
    G._code_hash.cache_clear()
    before = GraphRun({"documents": docs}, use_cache=False).key("threat_frames")
    sys.modules.pop(old, None)
    alias = importlib.import_module(old)
    assert alias is sys.modules[new]
    assert importlib.util.find_spec(new).origin == sys.modules[new].__file__
    G._code_hash.cache_clear()
    assert GraphRun({"documents": docs}, use_cache=False).key("threat_frames") == before


def test_json_columns_round_trip_with_empty_lists(tmp_path):
    """List columns go to Parquet as JSON text and come back equal; an empty list (most
    sentences) is a new list in every row, so changing one row's list leaves the others alone."""
    from toolkit.engine.graph import decode_json_columns, encode_json_columns

    table = pd.DataFrame({"sent_id": [0, 1, 2, 3],
                          "cues": [[{"term": "threat", "start": 4, "end": 10}], [], [],
                                   [{"term": "war", "start": 0, "end": 3}, {"term": "risk"}]]})
    encoded = encode_json_columns(table)
    assert encoded["cues"].tolist() == [
        '[{"term": "threat", "start": 4, "end": 10}]', "[]", "[]",
        '[{"term": "war", "start": 0, "end": 3}, {"term": "risk"}]']
    encoded.to_parquet(tmp_path / "t.parquet", index=False)
    back = decode_json_columns(pd.read_parquet(tmp_path / "t.parquet"), ["cues"])
    assert back["cues"].tolist() == table["cues"].tolist()
    back["cues"].iloc[1].append({"term": "added"})
    assert back["cues"].iloc[2] == []
