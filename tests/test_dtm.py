"""Document-term matrices: exact tables on short inline texts, and the stopword list."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.dtm import DocumentTermMatrix, domain_stopwords, dtm, normalise_form, stopword_list

TRANSCRIPT = """THE PRESIDENT:  Thank you.  Russia attacked Ukraine.  Sanctions work.

Q  Yeah, what about China?  Tariffs rise.

THE PRESIDENT:  China competes.  Tariffs hurt.

Sanctions bite Russia."""
SPEECH = "Excellencies, ladies and gentlemen. Russia threatens Ukraine. China watches Russia."
ALL = dict(min_df=1, max_df=1.0, min_unit_terms=1)  # no pruning on a two-document corpus


@pytest.fixture(scope="module")
def small():
    docs = pd.DataFrame({"doc_id": ["t", "s"], "text": [TRANSCRIPT, SPEECH]})
    sents = toolkit.sentences(docs, progress=False)
    return sents, toolkit.tokens(sents, progress=False)


def test_document_matrix_exact(small):
    sents, toks = small
    m = dtm(toks, **ALL)
    # stopwords gone: "thank", "you", "yeah", "what", "about" (NLTK + domain list); the salutations
    # "excellencies", "ladies and gentlemen"; punctuation; no stemming ("tariffs" stays)
    assert m.vocabulary.tolist() == ["attacked", "bite", "china", "competes", "hurt", "rise",
                                     "russia", "sanctions", "tariffs", "threatens", "ukraine",
                                     "watches", "work"]
    assert m.matrix.toarray().tolist() == [[1, 1, 2, 1, 1, 1, 2, 2, 2, 0, 1, 0, 1],
                                           [0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 1, 1, 0]]
    assert m.units.to_dict("list") == {"unit_id": ["t", "s"], "doc_id": ["t", "s"],
                                       "n_terms": [15, 6]}
    assert m.unit == "document"
    matrix, vocab, units = m  # unpacks as a tuple
    assert matrix.shape == (2, 13) and len(vocab) == 13 and len(units) == 2


def test_units_by_turn_exact(small):
    sents, toks = small
    m = dtm(toks, sentences=sents, unit="turn", **ALL)
    assert m.units.to_dict("list") == {
        "unit_id": ["t#t0", "t#t1", "t#t2", "s#t0"], "doc_id": ["t", "t", "t", "s"],
        "turn": [0, 1, 2, 0], "speaker": ["THE PRESIDENT", "Q", "THE PRESIDENT", None],
        "n_terms": [5, 3, 7, 6]}
    v = list(m.vocabulary)
    rows = [dict((v[j], int(c)) for j, c in zip(r.indices, r.data)) for r in m.matrix]
    assert rows[0] == {"attacked": 1, "russia": 1, "sanctions": 1, "ukraine": 1, "work": 1}
    assert rows[1] == {"china": 1, "rise": 1, "tariffs": 1}  # the reporter's question
    # the president's second turn runs over two paragraphs
    assert rows[2] == {"bite": 1, "china": 1, "competes": 1, "hurt": 1, "russia": 1,
                       "sanctions": 1, "tariffs": 1}


def test_exclude_question_turns(small):
    sents, toks = small
    m = dtm(toks, sentences=sents, unit="turn", exclude_speakers=("Q",), **ALL)
    assert m.units["unit_id"].tolist() == ["t#t0", "t#t2", "s#t0"]
    assert "rise" not in set(m.vocabulary)  # only the question said it


def test_units_by_paragraph(small):
    sents, toks = small
    m = dtm(toks, sentences=sents, unit="paragraph", **ALL)
    assert m.units[["unit_id", "para_id", "speaker", "n_terms"]].to_dict("list") == {
        "unit_id": ["t#p0", "t#p1", "t#p2", "t#p3", "s#p0"], "para_id": [0, 1, 2, 3, 0],
        "speaker": ["THE PRESIDENT", "Q", "THE PRESIDENT", "THE PRESIDENT", None],
        "n_terms": [5, 3, 4, 3, 6]}
    # units of every kind sum to the document counts
    doc = dtm(toks, **ALL)
    assert np.array_equal(m.matrix[:4].sum(axis=0), doc.matrix[:1].toarray())


def test_min_unit_terms_drops_short_units(small):
    sents, toks = small
    m = dtm(toks, sentences=sents, unit="paragraph", min_df=1, max_df=1.0, min_unit_terms=4)
    assert m.units["unit_id"].tolist() == ["t#p0", "t#p2", "s#p0"]


def test_document_frequency_bounds_count_documents(small):
    sents, toks = small
    # in both documents: china, russia, ukraine; max_df=1 (an int: documents) drops them
    m = dtm(toks, min_df=1, max_df=1, min_unit_terms=1)
    assert {"china", "russia", "ukraine"}.isdisjoint(m.vocabulary)
    m = dtm(toks, min_df=2, max_df=1.0, min_unit_terms=1)
    assert m.vocabulary.tolist() == ["china", "russia", "ukraine"]
    # counted in documents even when the unit is the paragraph
    p = dtm(toks, sentences=sents, unit="paragraph", min_df=2, max_df=1.0, min_unit_terms=1)
    assert p.vocabulary.tolist() == ["china", "russia", "ukraine"]


def test_phrase_stopwords_only_where_the_phrase_occurs():
    docs = pd.DataFrame({"doc_id": ["a", "b"],
                         "text": ["Thank you, Mr. President. We discuss sanctions.",
                                  "President Zelenskyy discussed sanctions, "
                                  "ladies and gentlemen."]})
    m = dtm(toolkit.tokens(docs, progress=False), **ALL)
    v = list(m.vocabulary)
    assert v == ["discuss", "discussed", "president", "sanctions", "zelenskyy"]
    assert m.matrix[0, v.index("president")] == 0  # "Mr. President" is a salutation
    assert m.matrix[1, v.index("president")] == 1  # "President Zelenskyy" is not


def test_phrases_join_collocations():
    text = "North Korea tests missiles. " * 3 + "Allies watch North Korea closely. Korea talks."
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": [text, "North winds blow. Missiles fly."]})
    toks = toolkit.tokens(docs, progress=False)
    m = dtm(toks, phrases=True, phrase_min_count=2, phrase_threshold=0.3, **ALL)
    assert "north_korea" in set(m.vocabulary)
    row = dict(zip(m.vocabulary, m.matrix[0].toarray()[0]))
    assert row["north_korea"] == 4 and row["korea"] == 1 and row["north"] == 0
    assert dtm(toks, **ALL).vocabulary.tolist().count("north_korea") == 0  # off by default


def test_reference_holds_document_term_sequences(small):
    sents, toks = small
    m = dtm(toks, min_df=2, max_df=1.0, min_unit_terms=1)
    ref = m.reference
    words = [[ref.vocabulary[c] for c in ref.codes[a:b]]
             for a, b in zip(ref.offsets[:-1], ref.offsets[1:])]
    # before min_df pruning: every term of the document, in text order
    assert words[1] == ["russia", "threatens", "ukraine", "china", "watches", "russia"]
    assert words[0][:4] == ["russia", "attacked", "ukraine", "sanctions"]


def test_empty_matrix_and_bad_input(small):
    sents, toks = small
    with pytest.raises(ValueError, match="empty"):
        dtm(toks, min_df=3, max_df=1.0)  # no term in 3 of 2 documents
    with pytest.raises(ValueError, match="valid values are: 'document', 'turn', 'paragraph'"):
        dtm(toks, unit="sentence")
    with pytest.raises(ValueError, match="sentences table"):
        dtm(toks, unit="turn")
    with pytest.raises(ValueError, match="valid values are: 'default', 'nltk', 'none'"):
        dtm(toks, stopwords="german")
    with pytest.raises(ValueError, match="missing"):
        dtm(toks.drop(columns=["is_word"]))
    with pytest.raises(ValueError, match="between 0.0 and 1.0"):
        dtm(toks, max_df=1.5)


def test_custom_and_no_stopwords(small):
    _, toks = small
    m = dtm(toks, stopwords=["russia", "china"], **ALL)
    assert {"russia", "china"}.isdisjoint(m.vocabulary) and "you" in set(m.vocabulary)
    assert "thank" in set(dtm(toks, stopwords="none", **ALL).vocabulary)


def test_normalise_form():
    forms = ["nato", "n’t", "’s", "2022", "75th", "covid-19", "q", "u.s.", "s.", "ca", "da’esh"]
    assert [normalise_form(t) for t in forms] == \
        ["nato", None, None, None, None, "covid-19", None, "u.s.", None, None, "da'esh"]


def test_domain_stopword_list_is_documented_and_complete():
    from toolkit.resources import data_path

    text = data_path("stopwords", "domain.txt").read_text(encoding="utf-8")
    assert text.startswith("#") and "Why:" in text  # the file explains itself
    entries = set(domain_stopwords())
    for required in ["yeah", "folks", "okay", "gonna", "applause", "laughter", "thank", "q",
                     "excellencies", "ladies and gentlemen", "mr. president",
                     "distinguished delegates", "your majesty"]:
        assert required in entries, required
    assert all(e == e.lower() for e in entries)
    words, phrases = stopword_list("default")
    assert "the" in words and "folks" in words and ("mr.", "president") in phrases
    assert "president" not in words  # only as part of a salutation


def test_repr_and_to_frame(small):
    _, toks = small
    m = dtm(toks, **ALL)
    assert isinstance(m, DocumentTermMatrix)
    assert repr(m).startswith("DocumentTermMatrix(2 document units x 13 terms")
    long = m.to_frame()
    assert list(long.columns) == ["unit_id", "term", "count"]
    assert int(long["count"].sum()) == 21
