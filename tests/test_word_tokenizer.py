"""FastNLTKWordTokenizer must give exactly NLTK's tokens and spans."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.tokenize import NLTKWordTokenizer

from toolkit.word_tokenizer import FastNLTKWordTokenizer, _fold, _ignorecase_extras

FAST, NLTK = FastNLTKWordTokenizer(), NLTKWordTokenizer()

# Pieces that exercise every pattern and shortcut: quotes of each kind, contractions in both
# cases and with the characters re.IGNORECASE folds ("ı", "İ", "ſ"), end-of-text periods
# behind closing brackets and quotes, dashes, ellipses, and Unicode whitespace.
PIECES = ["cannot", "CanNot", "gimme", "gİmme", "gımme", "lemme", "gonna", "gotta", "wanna",
          "d'ye", "more'n", " 'tis", "'Twas", "ſome", "can't", "we're", "I'd", "it's", "o'clock",
          '"', "''", "``", "`", "'", "“", "”", "‘", "’", "«", "»", "„", ".", "..", "...", "?", "!",
          ",", ":", ";", "--", "—", "–", "(", ")", "[", "]", "{", "}", "<", ">", "&", "$", "*",
          "3.88", "3,36", "U.S.", "Mr.", "x", "NATO", " ", "  ", "\n", "\t", "\u00a0", "\u2009",
          "\u3000", "\x1c", "\x1f", "e\u0301", "²", "½", "\u05b0", "\u200d", "\U00010d40"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_same_tokens_and_spans_as_nltk_on_tricky_pieces(text):
    assert FAST.tokenize(text) == NLTK.tokenize(text)
    assert list(FAST.span_tokenize(text)) == list(NLTK.span_tokenize(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_same_tokens_as_nltk_on_arbitrary_text(text):
    assert FAST.tokenize(text) == NLTK.tokenize(text)


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "He said \"no.\" ",
    "It ended.)]  \n",
    "Wait...",
    "I cannot go. CANNOT. Cannot-do. They can not.",
    "cannot'tis",  # a contraction split that makes the next pattern match
    "Gımme the ſome: dotless i and long s. Mr. X paid $3.88 -- 5...",
])
def test_same_spans_as_nltk(text):
    assert list(FAST.span_tokenize(text)) == list(NLTK.span_tokenize(text))
    assert FAST.spans(text).shape == (len(NLTK.tokenize(text)), 2)


def test_same_tokens_and_spans_on_the_real_corpus(corpus_docs):
    texts = corpus_docs["text"].tolist()[::10]
    assert len(texts) > 300
    for t in texts:
        assert FAST.tokenize(t) == NLTK.tokenize(t)
        assert list(FAST.span_tokenize(t)) == list(NLTK.span_tokenize(t))


def test_engine_disagreements_are_found():
    from toolkit.word_tokenizer import _disagreement_table, _engines_disagree

    assert _disagreement_table()[[0x1C, 0x1F, 0x301, ord("²")]].all()
    assert not _disagreement_table()[[ord(c) for c in "aZ9 _\n\t\u00a0é"]].any()
    assert _engines_disagree("can't\x1c") and _engines_disagree("cafe\u0301")
    assert not _engines_disagree("can't") and not _engines_disagree("café")
    assert FAST.tokenize("can't\x1c") == NLTK.tokenize("can't\x1c") == ["can't"]


def test_fold_matches_ignorecase():
    # every character re.IGNORECASE equates with an ASCII letter folds to that letter
    assert {"ı": "i", "İ": "i", "ſ": "s"}.items() <= _ignorecase_extras().items()
    assert "gimme" in _fold("GİMME") and "some" in _fold("ſome")


def test_unrestorable_quotes_raise_value_error(monkeypatch):
    # NLTK fails on such input (RuntimeError); the toolkit's caller falls back on ValueError.
    monkeypatch.setattr(FastNLTKWordTokenizer, "tokenize", lambda self, text: ['"', '"'])
    with pytest.raises(ValueError, match="quote"):
        FastNLTKWordTokenizer().spans('a "')
