import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import sentences, tokens
from toolkit.segment import blocks, word_spans


def split(text: str, doc_id: str = "d") -> pd.DataFrame:
    return sentences(pd.DataFrame({"doc_id": [doc_id], "text": [text]}), progress=False)


def test_sentence_table_exact():
    text = "The U.S. and the U.N. met today. Mr. Smith spoke.\n\nGen. Milley agreed."
    got = split(text)
    expected = pd.DataFrame({
        "doc_id": ["d", "d", "d"], "sent_id": [0, 1, 2], "start": [0, 33, 51],
        "end": [32, 49, 70],
        "text": ["The U.S. and the U.N. met today.", "Mr. Smith spoke.", "Gen. Milley agreed."],
        "speaker": [None, None, None], "para_id": [0, 0, 1],
    })
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("text, expected", [
    # abbreviations inside sentences
    ("Troops left the U.S. for Europe, e.g. Poland and the Baltic states. They arrived.",
     ["Troops left the U.S. for Europe, e.g. Poland and the Baltic states.", "They arrived."]),
    ("Resolution No. 2334 was adopted. It matters.",
     ["Resolution No. 2334 was adopted.", "It matters."]),
    ("I thank you, Mr.\nPresident. We begin.", ["I thank you, Mr.\nPresident.", "We begin."]),
    # quotations: the closing quote stays with its sentence
    ("“We know there is a Chinese build-up. We know it,” he said. Then he left.",
     ["“We know there is a Chinese build-up.", "We know it,” he said.", "Then he left."]),
    # numbered and bulleted lists: one item, one sentence; the marker is not part of it
    ("We agreed:\n\n1. Spend more on defence\n2. Support Ukraine\n- Deter Russia",
     ["We agreed:", "Spend more on defence", "Support Ukraine", "Deter Russia"]),
    # a blank line inside a sentence (PDF extraction in UN speeches) does not cut it
    ("Israel and Egypt went to war but\n\nthen forged a historic peace.",
     ["Israel and Egypt went to war but\n\nthen forged a historic peace."]),
    # Markdown headings and rules
    ("## Fact Sheet: NATO\n\n---\n\nAllies met.", ["Fact Sheet: NATO", "Allies met."]),
])
def test_sentence_boundaries(text, expected):
    assert split(text)["text"].tolist() == expected


def test_speaker_turns_and_stage_directions():
    text = ("THE PRESIDENT:\u00a0 Thank you. (Applause.) Please sit.\n\n(Laughter.)\n\n"
            "Q\u00a0\u00a0\u00a0 Mr. President, will you go?\n\n"
            "SECRETARY GENERAL STOLTENBERG:  NATO is ready.\n\n5:23 P.M. EDT")
    got = split(text)
    assert got[["text", "speaker"]].values.tolist() == [
        ["Thank you.", "THE PRESIDENT"],
        ["Please sit.", "THE PRESIDENT"],
        ["Mr. President, will you go?", "Q"],
        ["NATO is ready.", "SECRETARY GENERAL STOLTENBERG"],
    ]


def test_salutation_in_a_speech_is_not_a_speaker():
    got = split("DISTINGUISHED LADIES AND GENTLEMEN:\nMy Government has acted. We act.")
    assert got["speaker"].isna().all()


def test_markdown_link_citations_are_not_sentences():
    got = split("NATO must spend 5%. ([Watch](https://x.com/a/status/1?s=20))\n\n"
                "([1/20/25](https://www.youtube.com/watch?v=IF&t=1215s))")
    assert got["text"].tolist() == ["NATO must spend 5%."]


def test_blocks_yield_speaker_labels():
    t = "THE PRESIDENT:  Thank you.\n\nQ  Why?"
    assert [(t[s:e], spk) for s, e, spk, _ in blocks(t)] == [("Thank you.", "THE PRESIDENT"),
                                                              ("Why?", "Q")]


def test_tokens_exact_table():
    docs = pd.DataFrame({"doc_id": ["d"], "text": ["NATO’s Allies can’t wait. “No.”"]})
    got = tokens(docs, progress=False)
    assert got["token"].tolist() == ["NATO", "’s", "Allies", "ca", "n’t", "wait", ".", "“", "No",
                                     ".", "”"]
    assert got["token_id"].tolist() == list(range(11))
    assert got["sent_id"].tolist() == [0] * 7 + [1] * 4
    assert got["is_word"].tolist() == [True, True, True, True, True, True, False, False, True,
                                       False, False]
    assert got["lower"].iloc[0] == "nato"


def test_word_spans_skip_urls_and_keep_abbreviations():
    s = "See the [fact sheet](https://wh.gov/x) from the U.S. today."
    assert [s[a:b] for a, b in word_spans(s)] == ["See", "the", "[", "fact", "sheet", "]",
                                                  "from", "the", "U.S.", "today", "."]


def test_bad_input():
    with pytest.raises(ValueError, match="document 'x': text must be a string"):
        sentences(pd.DataFrame({"doc_id": ["x"], "text": [None]}), progress=False)
    with pytest.raises(ValueError, match=r"needs columns \['doc_id', 'text'\]; missing \['text'\]"):
        sentences(pd.DataFrame({"doc_id": ["x"]}), progress=False)


def test_empty_and_blank_documents_give_no_rows():
    got = sentences(pd.DataFrame({"doc_id": ["a", "b"], "text": ["", " \n\n "]}), progress=False)
    assert got.empty and list(got.columns) == ["doc_id", "sent_id", "start", "end", "text",
                                               "speaker", "para_id"]
    assert tokens(got, progress=False).empty


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_offsets_always_slice_the_text(text):
    docs = pd.DataFrame({"doc_id": ["h"], "text": [text]})
    sents = sentences(docs, progress=False)
    for row in sents.itertuples():
        assert 0 <= row.start < row.end <= len(text)
        assert text[row.start:row.end] == row.text
    assert (sents["start"].diff().dropna() > 0).all()
    toks = tokens(sents, progress=False)
    for row in toks.itertuples():
        assert 0 <= row.start < row.end <= len(text)
        assert text[row.start:row.end] == row.token


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Mr.", "U.S.", "THE PRESIDENT:", "Q", "(Applause.)", "\n\n",
                                 "\n", "- ", "1. ", "“", "”", "war.", "Russia’s", " ", "\u00a0",
                                 "https://x.org/a", "[a](b)", "No.", "5:23 P.M. EDT"]),
                max_size=40))
def test_offsets_on_markup_soup(parts):
    text = "".join(parts)
    sents = sentences(pd.DataFrame({"doc_id": ["h"], "text": [text]}), progress=False)
    toks = tokens(sents, progress=False)
    assert all(text[r.start:r.end] == r.text for r in sents.itertuples())
    assert all(text[r.start:r.end] == r.token for r in toks.itertuples())


def test_real_corpus_offsets_slice_every_document(corpus_docs, corpus_sentences, corpus_tokens):
    # A plain dict: Series.map would copy each document's text once per row.
    texts = dict(zip(corpus_docs["doc_id"], corpus_docs["text"]))
    for table, col in ((corpus_sentences, "text"), (corpus_tokens, "token")):
        bad = [i for i, (d, s, e, x) in enumerate(zip(table["doc_id"], table["start"],
                                                       table["end"], table[col]))
               if texts[d][s:e] != x]
        assert bad == []
    # every document has sentences, in order, non-overlapping
    assert corpus_sentences["doc_id"].nunique() == len(corpus_docs)
    prev_end = corpus_sentences.groupby("doc_id")["end"].shift()
    assert (corpus_sentences["start"][prev_end.notna()] >= prev_end.dropna()).all()


def test_real_corpus_sentence_quality(corpus_sentences):
    s = corpus_sentences
    seed = s[s["doc_id"].str.startswith("seed/")]["text"].tolist()
    assert "We know there is a Chinese build-up." in seed
    assert "“We know that the Russians are reconstituting themselves at a rapid pace." in seed
    # no stage direction, timestamp or speaker label survives as or in a sentence
    assert not s["text"].isin(["(Applause.)", "(Laughter.)", "(Laughs.)"]).any()
    assert not s["text"].str.match(r"(?:THE PRESIDENT|MS\. PSAKI|MS\. JEAN-PIERRE):").any()
    assert not s["text"].str.fullmatch(r"\d{1,2}:\d{2} [AP]\.M\. [A-Z]{3}").any()
    # speaker turns in transcripts
    wh = s[s["doc_id"].str.startswith("whitehouse/press-briefings")]
    assert {"Q", "MS. PSAKI", "MS. JEAN-PIERRE"} <= set(wh["speaker"].dropna())
    # honorifics do not end sentences
    assert not s["text"].str.contains(r"(?:^|\s)(?:Mr|Mrs|Dr)\.$").any()
    # UN speeches are not transcripts
    assert s[s["doc_id"].str.startswith("ungd/")]["speaker"].isna().mean() > 0.999


@pytest.mark.parametrize("text", [
    "I cannot go. CANNOT. Cannot-do. They can not.",
    "Gimme that, lemme see; we're gonna win, gotta go, wanna stay. More'n ever. D'ye see?",
    "'Tis true and 'twas so: it isn't 'this'. ‘Quote’ “quote” «guillemet» ``tex''",
    "Gımme the ſome: dotless i and long s (no match expected). Mr. X paid $3.88 -- 5...",
    "",
])
def test_word_tokenizer_is_nltks(text):
    # The toolkit compiles NLTK's patterns with the standard re engine and skips a contraction
    # pattern where its word does not occur: the tokens must be exactly NLTK's.
    from nltk.tokenize import NLTKWordTokenizer

    from toolkit.segment import _word_tokenizer

    assert _word_tokenizer().tokenize(text) == NLTKWordTokenizer().tokenize(text)


def test_word_tokenizer_is_nltks_on_the_real_corpus(corpus_docs):
    from nltk.tokenize import NLTKWordTokenizer

    from toolkit.segment import _word_tokenizer

    ours, nltks = _word_tokenizer(), NLTKWordTokenizer()
    texts = corpus_docs["text"].tolist()[::20]
    assert len(texts) > 50
    assert [ours.tokenize(t) for t in texts] == [nltks.tokenize(t) for t in texts]


def test_final_periods_split_except_abbreviations():
    # (a single character before a period reads as an initial: "J. Smith")
    s = "He met Gen. Smith in the U.S. at 5 p.m. on Jan. 30. It ended, J. Smith said."
    assert [s[a:b] for a, b in word_spans(s)] == [
        "He", "met", "Gen.", "Smith", "in", "the", "U.S.", "at", "5", "p.m.", "on", "Jan.", "30",
        ".", "It", "ended", ",", "J.", "Smith", "said", "."]


def test_token_counts_are_those_of_the_token_table(corpus_sentences, corpus_tokens):
    from toolkit.segment import token_counts

    sub = corpus_sentences[corpus_sentences["doc_id"].isin(
        corpus_sentences["doc_id"].drop_duplicates().iloc[::15])]
    got = token_counts(sub, progress=False).set_index("doc_id")
    toks = corpus_tokens[corpus_tokens["doc_id"].isin(got.index)]
    g = toks.groupby("doc_id")
    assert len(got) > 100
    assert got["n_tokens"].to_dict() == g.size().to_dict()
    assert got["n_words"].to_dict() == g["is_word"].sum().to_dict()
