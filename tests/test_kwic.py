"""KWIC: exact tables on short texts, pattern kinds, sentence bounds, rendering, the real corpus."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import tokens
from toolkit.kwic import (KWIC_COLUMNS, Concordance, TokenIndex, kwic, kwic_html, kwic_text,
                          pattern_words, token_index)

TEXTS = {
    "a": "Threats grow. The war of aggression continues.",
    "b": "They condemned the war\n\nOf aggression, nothing was said. Threat after threat",
}


@pytest.fixture(scope="module")
def docs():
    return pd.DataFrame({
        "doc_id": list(TEXTS), "text": list(TEXTS.values()),
        "collection": ["seed", "ungd"], "title": ["Doc A", "Doc B"],
        "date": pd.to_datetime(["2025-06-02", "2022-09-20"]), "year": [2025, 2022],
        "speaker": [None, "Someone"], "country": [None, "Ruritania"], "iso3": [None, "RUR"],
    })


@pytest.fixture(scope="module")
def toks(docs):
    return tokens(docs, progress=False)


def frame(rows):
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def test_keyword_at_first_token_exact_table(toks):
    got = kwic(toks, "threats")
    expected = frame([["a", 0, 0, 0, 7, "", "Threats", "grow. The war of", "threats"]])
    assert isinstance(got, Concordance)
    pd.testing.assert_frame_equal(pd.DataFrame(got), expected, check_dtype=False)


def test_keyword_at_last_token_and_repeated_matches(toks):
    got = kwic(toks, "threat", window=2)
    expected = frame([
        ["b", 2, 11, 57, 63, "said.", "Threat", "after threat", "threat"],
        ["b", 2, 13, 70, 76, "Threat after", "threat", "", "threat"],
    ])
    pd.testing.assert_frame_equal(pd.DataFrame(got), expected, check_dtype=False)


def test_glob_matches_every_form(toks):
    got = kwic(toks, "threat*", window=0)
    assert got["keyword"].tolist() == ["Threats", "Threat", "threat"]
    assert got[["doc_id", "token_id"]].values.tolist() == [["a", 0], ["b", 11], ["b", 13]]
    assert got["pre"].tolist() == ["", "", ""] and got["post"].tolist() == ["", "", ""]
    assert kwic(toks, "*ion", window=0)["keyword"].tolist() == ["aggression", "aggression"]
    assert kwic(toks, "th?y", window=0)["keyword"].tolist() == ["They"]


def test_no_match_gives_empty_table_with_columns(toks, docs):
    got = kwic(toks, "peace")
    assert len(got) == 0 and list(got.columns) == KWIC_COLUMNS
    with_meta = kwic(toks, "peace", docs=docs)
    assert len(with_meta) == 0
    assert list(with_meta.columns) == KWIC_COLUMNS + ["collection", "date", "year", "speaker",
                                                      "country", "iso3", "title"]


def test_phrase_across_sentence_boundary_only_with_token_unit(toks):
    by_token = kwic(toks, "war of aggression", window=3, unit="token")
    expected = frame([
        ["a", 1, 4, 18, 35, "grow. The", "war of aggression", "continues.", "war of aggression"],
        ["b", 0, 3, 19, 37, "They condemned the", "war Of aggression", ", nothing was",
         "war of aggression"],
    ])
    pd.testing.assert_frame_equal(pd.DataFrame(by_token), expected, check_dtype=False)
    by_sentence = kwic(toks, "war of aggression", window=3, unit="sentence")
    assert by_sentence[["doc_id", "token_id"]].values.tolist() == [["a", 4]]
    # the context stops at the sentence edge too
    assert by_sentence.loc[0, "pre"] == "The" and by_sentence.loc[0, "post"] == "continues."


def test_sentence_unit_bounds_context(toks):
    got = kwic(toks, "grow", unit="sentence", window=5)
    assert got[["pre", "keyword", "post"]].values.tolist() == [["Threats", "grow", "."]]
    got = kwic(toks, "grow", unit="token", window=5)
    assert got.loc[0, "post"] == ". The war of aggression"


def test_context_never_crosses_documents(toks):
    got = kwic(toks, "they", window=5)
    assert got.loc[0, "pre"] == ""  # "continues." ends document a
    assert kwic(toks, "continues", window=5).loc[0, "post"] == "."


def test_offsets_slice_the_document_text(toks, docs):
    texts = dict(zip(docs["doc_id"], docs["text"]))
    got = kwic(toks, ["war of aggression", "threat*", "nothing"])
    for doc_id, start, end, kw in got[["doc_id", "start", "end", "keyword"]].itertuples(
            index=False):
        assert " ".join(texts[doc_id][start:end].split()) == kw


def test_metadata_attached(toks, docs):
    got = kwic(toks, "threat*", docs=docs)
    assert got["collection"].tolist() == ["seed", "ungd", "ungd"]
    assert got["title"].tolist() == ["Doc A", "Doc B", "Doc B"]
    assert got["date"].tolist() == list(pd.to_datetime(["2025-06-02", "2022-09-20",
                                                        "2022-09-20"]))
    assert got["iso3"].tolist()[1:] == ["RUR", "RUR"]
    assert got["doc_id"].tolist() == ["a", "b", "b"]


def test_documents_table_is_tokenized_and_used_as_docs(docs):
    got = kwic(docs, "war", window=1)
    assert got["keyword"].tolist() == ["war", "war"]
    assert got["speaker"].tolist()[1] == "Someone"


def test_list_of_patterns_sorted_by_position(toks):
    got = kwic(toks, ["threat", "said"], window=0)
    assert got[["keyword", "pattern"]].values.tolist() == [
        ["said", "said"], ["Threat", "threat"], ["threat", "threat"]]


def test_case_sensitive(toks):
    assert kwic(toks, "Threat", case=True, window=0)["token_id"].tolist() == [11]
    assert kwic(toks, "Threat", window=0)["token_id"].tolist() == [11, 13]
    assert kwic(toks, "war Of aggression", case=True)["doc_id"].tolist() == ["b"]


def test_whitespace_rebuilt_as_single_spaces_and_touching_tokens_joined():
    docs = pd.DataFrame({"doc_id": ["x"], "text": ["NATO’s   firm\n commitment to Allies."]})
    got = kwic(tokens(docs, progress=False), "commitment", window=3)
    assert got[["pre", "keyword", "post"]].values.tolist() == [
        ["NATO’s firm", "commitment", "to Allies."]]
    # a pattern with a clitic is split like the tokenizer splits the text
    assert pattern_words("NATO's") == ["nato", "'s"]
    assert kwic(tokens(docs, progress=False), "NATO's firm")["keyword"].tolist() == [
        "NATO’s firm"]


@pytest.mark.parametrize("bad", ["", "   ", []])
def test_empty_pattern_is_a_clear_error(toks, bad):
    with pytest.raises(ValueError, match="empty pattern"):
        kwic(toks, bad)


def test_bad_options(toks):
    with pytest.raises(ValueError, match="unit"):
        kwic(toks, "war", unit="paragraph")
    with pytest.raises(ValueError, match="window"):
        kwic(toks, "war", window=-1)
    with pytest.raises(ValueError, match="tokens table"):
        kwic(pd.DataFrame({"x": [1]}), "war")
    with pytest.raises(TypeError):
        kwic(toks, 5)


def test_shuffled_token_table_is_put_back_in_order(toks):
    shuffled = toks.sample(frac=1.0, random_state=0)
    got = pd.DataFrame(kwic(shuffled, "war of aggression")).sort_values("doc_id")
    pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                  pd.DataFrame(kwic(toks, "war of aggression")))


def test_index_reuse_gives_same_result(toks):
    index = token_index(toks)
    assert isinstance(index, TokenIndex)
    pd.testing.assert_frame_equal(kwic(index, "threat*"), kwic(toks, "threat*"))


def test_text_and_html_rendering(toks):
    lines = kwic(toks, ["threat*", "war of aggression"], window=3)
    text = kwic_text(lines, width=12)
    rows = text.splitlines()
    assert len(rows) == 5
    # the keyword column starts at the same place on every line
    assert {r.index("  ", 12) for r in rows} == {12}
    assert rows[0].startswith(" " * 12 + "  ")
    assert "war of aggression" in rows[1]
    assert kwic_text(lines.head(0)) == "(no matches)"
    assert kwic_text(lines, max_rows=2).splitlines()[-1] == "... 3 more lines"
    html = kwic_html(lines)
    assert html.startswith("<div>") and "<b" not in html and "war of aggression" in html
    assert lines._repr_html_() == kwic_html(lines, max_rows=pd.get_option("display.max_rows"))
    assert "&lt;" in kwic_html(pd.DataFrame({"doc_id": ["d"], "pre": ["<b>"], "keyword": ["x"],
                                             "post": [""]}))
    # without the kwic columns the usual DataFrame HTML is shown
    assert "<table" in lines[["doc_id"]]._repr_html_()


# ---------------------------------------------------------------------------------------------
# The real corpus
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_index(corpus_tokens):
    return token_index(corpus_tokens)


def test_real_corpus_threat_in_the_rutte_sentence(corpus_index, corpus_docs):
    lines = kwic(corpus_index, "threat*", docs=corpus_docs)
    seed = lines[lines["collection"] == "seed"]
    assert seed["keyword"].tolist() == ["threats", "threat"]
    first = seed.iloc[0]
    assert first["pre"] == ", Rutte highlighted growing security"
    assert first["post"].startswith("from Russia, China")
    text = corpus_docs.set_index("doc_id").loc[first["doc_id"], "text"]
    assert text[first["start"]:first["end"]] == "threats"
    assert len(lines) > 5000 and set(lines["collection"]) == {"seed", "whitehouse", "ungd"}


def test_real_corpus_phrase(corpus_index, corpus_docs):
    lines = kwic(corpus_index, "war of aggression", unit="sentence", docs=corpus_docs)
    assert len(lines) > 100
    assert lines["keyword"].str.lower().eq("war of aggression").all()
    texts = dict(zip(corpus_docs["doc_id"], corpus_docs["text"]))
    sample = lines.sample(20, random_state=1)
    for doc_id, start, end in sample[["doc_id", "start", "end"]].itertuples(index=False):
        assert " ".join(texts[doc_id][start:end].split()).lower() == "war of aggression"
    assert np.all(lines["start"].to_numpy() < lines["end"].to_numpy())


# ---------------------------------------------------------------------------------------------
# Property: the vectorized matcher agrees with a naive scan
# ---------------------------------------------------------------------------------------------

WORDS = ["war", "of", "aggression", "threat", "threats", "peace", "."]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25), min_size=1,
                max_size=4))
def test_matcher_agrees_with_naive_scan(texts):
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))],
                         "text": [" ".join(t) for t in texts]})
    toks = tokens(docs, progress=False)
    for unit in ("token", "sentence"):
        got = kwic(toks, ["war of", "threat*"], unit=unit, window=2)
        expected = []
        for doc_id, part in toks.groupby("doc_id", sort=False):
            low, sent, tid = part["lower"].tolist(), part["sent_id"].tolist(), \
                part["token_id"].tolist()
            for i in range(len(low)):
                if low[i] == "war" and i + 1 < len(low) and low[i + 1] == "of" and (
                        unit == "token" or sent[i] == sent[i + 1]):
                    expected.append((doc_id, tid[i], "war of"))
                if low[i].startswith("threat"):
                    expected.append((doc_id, tid[i], "threat*"))
        assert sorted(map(tuple, got[["doc_id", "token_id", "pattern"]].values.tolist())) == \
            sorted(expected)
        assert set(got["keyword"].str.lower()) <= {"war of", "threat", "threats"}


def test_a_documents_table_is_tokenized_once_per_corpus():
    """The second query on the same documents table reuses the token index (memory), and a new
    process would read its tokens table from the on-disk cache."""
    import toolkit.instruments.kwic as K
    from toolkit import read_corpus, tokens

    from pathlib import Path

    docs = read_corpus(Path(__file__).resolve().parents[1] / "corpus" / "seed", progress=False)
    K.clear_token_indexes()
    first = kwic(docs, "threat*")
    assert len(K._INDEXES) == 1
    index = next(iter(K._INDEXES.values()))
    second = kwic(docs.copy(), "Russia*")
    # the copy of the same corpus is served from memory: the same index object, no new entry
    assert K.as_index(docs.copy())[0] is index and len(K._INDEXES) == 1
    pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(kwic(tokens(docs, progress=False),
                                                                         "threat*", docs=docs)))
    assert len(second) == len(kwic(tokens(docs, progress=False), "Russia*"))
    K.clear_token_indexes()
    assert K._INDEXES == {}
