import pandas as pd

from toolkit.cache import cached_table, corpus_fingerprint


def test_cache_reuses_and_invalidates(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path))
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["Russia."]})
    calls = []

    def build():
        calls.append(1)
        return pd.DataFrame({"n": [len(calls)]})

    first = cached_table("demo", docs, build, params={"k": 1})
    again = cached_table("demo", docs, build, params={"k": 1})
    assert len(calls) == 1 and again["n"].tolist() == first["n"].tolist() == [1]
    cached_table("demo", docs, build, params={"k": 2})  # other parameters: rebuilt
    edited = pd.DataFrame({"doc_id": ["a"], "text": ["Russia!"]})
    cached_table("demo", edited, build, params={"k": 1})  # other text: rebuilt
    assert len(calls) == 3
    cached_table("demo", docs, build, params={"k": 1}, use_cache=False)
    assert len(calls) == 4


def test_fingerprint_ignores_row_order():
    a = pd.DataFrame({"doc_id": ["x", "y"], "text": ["1", "2"]})
    assert corpus_fingerprint(a) == corpus_fingerprint(a.iloc[::-1])
    assert corpus_fingerprint(a) != corpus_fingerprint(a.assign(text=["1", "3"]))
