"""Threat frames, cues, roles, the lexicon and the codebook evaluation (toolkit.threat)."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from toolkit.resources import data_path
from toolkit.threat import (
    CUE_COLUMNS,
    FRAME_COLUMNS,
    ROLE_COLUMNS,
    ThreatLexicon,
    ThreatLexiconError,
    load_threat_lexicon,
    threat_cues,
    threat_frames,
    threat_roles,
)

# A small gazetteer for hand-built mention tables (the toolkit's own is toolkit.actors).
NAMES = {
    "Russia": "RUS", "Russian": "RUS", "Russians": "RUS", "Putin": "RUS", "Ukraine": "UKR",
    "China": "CHN", "Chinese": "CHN", "North Korea": "PRK", "Iran": "IRN", "NATO": "NATO",
    "Israel": "ISR", "Hamas": "HAMAS", "Finland": "FIN", "Japan": "JPN", "Lithuania": "LTU",
    "Germany": "DEU", "ISIS": "ISIS",
}
_NAME_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, NAMES), key=len, reverse=True))
                      + r")\b")


def make_tables(texts: list[str], doc_id: str = "d") -> tuple[pd.DataFrame, pd.DataFrame]:
    """A one-document sentences table (sentences separated by one space) and its mentions."""
    rows, ments, pos = [], [], 7  # the document starts with a 7-character title line
    for i, t in enumerate(texts):
        rows.append({"doc_id": doc_id, "sent_id": i, "start": pos, "end": pos + len(t), "text": t})
        for m in _NAME_RE.finditer(t):
            ments.append({"doc_id": doc_id, "sent_id": i, "actor": NAMES[m.group(1)],
                          "surface": m.group(1), "start": pos + m.start(), "end": pos + m.end(),
                          "kind": "name"})
        pos += len(t) + 1
    mcols = ["doc_id", "sent_id", "actor", "surface", "start", "end", "kind"]
    return pd.DataFrame(rows), pd.DataFrame(ments, columns=mcols)


def frame_table(texts: list[str], **kw) -> pd.DataFrame:
    sents, ments = make_tables(texts)
    return threat_frames(sents, ments, progress=False, **kw)


def summary(frames: pd.DataFrame) -> list[tuple]:
    return [(bool(t), ty, h) for t, ty, h in
            zip(frames["threat"], frames["threat_type"], frames["horizon"])]


# --------------------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------------------

def test_frames_table_contract():
    f = frame_table(["Russia remains a long-term threat to NATO.", "We met in Vilnius."])
    assert list(f.columns) == FRAME_COLUMNS
    assert f["sent_id"].tolist() == [0, 1]
    assert f["threat"].dtype == bool and f["scored"].dtype == bool
    assert f["threat_score"].between(0, 1).all()
    assert summary(f) == [(True, "military", "present"), (False, None, None)]


def test_codebook_examples():
    texts = [
        "We know that the Russians are reconstituting themselves at a rapid pace.",
        "We know that China, Russia, North Korea and Iran are working together,” he said.",
        "Russia remains a long-term threat to NATO, and it's crucial that we take the necessary "
        "decisions.",
        "We can defend ourselves now against Russia, but we can't in three to five to seven years,” "
        "he warned.",
        "Rutte concluded by expressing his appreciation for Lithuania’s leadership in hosting the B9 "
        "and Nordic consultations.",
    ]
    assert summary(frame_table(texts)) == [
        (True, "military", "present"),
        (True, "military", "present"),
        (True, "military", "present"),
        (True, "military", "future"),
        (False, None, None),
    ]


def test_negation_and_reassurance_are_not_threats():
    texts = ["Russia does not pose a threat to Finland.",
             "We are not at war with Russia.",
             "There is no threat to our borders.",
             "Iran poses no danger to its neighbours."]
    f = frame_table(texts)
    assert summary(f) == [(False, None, None)] * 4
    assert (f["threat_score"] < 0.05).all()
    cues = threat_cues(f)
    assert "reassurance" in set(cues["type"])
    # the denied cue counts against the frame, not for it
    threat_cue = cues[(cues["sent_id"] == 0) & (cues["cue"] == "threat")]
    assert threat_cue["effect"].tolist() == [-0.5]


def test_hedged_and_future_threats():
    texts = ["Iran could attack Israel in the coming years.",
             "North Korea may test a nuclear weapon next year.",
             "We warn of a potential invasion."]
    assert summary(frame_table(texts)) == [(True, "military", "future"),
                                           (True, "nuclear", "future"),
                                           (True, "military", "future")]


def test_historical_mentions_are_past_or_not_threats():
    texts = ["The 1990s Balkan wars ended.",
             "In 1945 the Second World War ended.",
             "During the Cold War, the Soviet nuclear threat hung over Europe."]
    f = frame_table(texts)
    assert summary(f) == [(False, None, None), (False, None, None), (True, "nuclear", "past")]


def test_implicit_frames_and_calls_to_respond():
    texts = ["We know there is a Chinese build-up.",
             "The Russians are reconstituting their forces at a rapid pace.",
             "Food and energy are instruments of Russia’s warfare.",
             "We must spend more on defence.",
             "We signed a trade agreement with Japan.",
             "Lithuania showed great leadership."]
    assert summary(frame_table(texts)) == [(True, "military", "present"),
                                           (True, "military", "present"),
                                           (True, "hybrid", "present"),
                                           (False, None, None),
                                           (False, None, None),
                                           (False, None, None)]


def test_threat_types():
    texts = ["Hackers linked to Beijing launched cyberattacks on German ministries.",
             "The threat of ISIS remains.",
             "Economic coercion by China is a danger to Lithuania.",
             "Pandemics are a threat to us all.",
             "Terrorist attacks killed dozens in the capital."]
    assert [t for _, t, _ in summary(frame_table(texts))] == [
        "hybrid", "terrorism", "economic", "other", "terrorism"]


def test_cues_have_document_offsets():
    sents, ments = make_tables(["Hello there.", "Russia's war against Ukraine continues."])
    f = threat_frames(sents, ments, progress=False)
    doc = "Title\n\n" + " ".join(sents["text"])  # 7-character head, as make_tables assumes
    cues = threat_cues(f)
    assert list(cues.columns) == CUE_COLUMNS
    assert cues[["cue", "type", "rule", "start", "end", "effect"]].values.tolist() == [
        ["war", "military", "terms.military.medium", 29, 32, 2.0],
        ["continues", "present", "markers.present", 49, 58, 0.0],
    ]
    for c in cues.itertuples():
        assert doc[c.start:c.end] == c.cue


def test_threshold_moves_the_flag():
    texts = ["We know there is a Chinese build-up."]  # one medium cue: score 0.56
    assert frame_table(texts)["threat"].tolist() == [True]
    assert frame_table(texts, threshold=0.7)["threat"].tolist() == [False]
    with pytest.raises(ValueError, match="threshold"):
        frame_table(texts, threshold=1.5)


def test_bad_input_gives_defined_result():
    long = " ".join(["war"] * 1001) + "."
    texts = ["", "   ", long, "La guerre en Ukraine menace la sécurité de l'Europe et du monde.",
             "Россия угрожает безопасности Европы.", "12/45 15-29816",
             "Our country welcomes all delegations."]
    sents, ments = make_tables(texts)
    sents.loc[len(sents)] = {"doc_id": "d", "sent_id": len(sents), "start": 0, "end": 0,
                             "text": None}
    f = threat_frames(sents, ments, progress=False)
    assert f["scored"].tolist() == [False, False, False, False, False, False, True, False]
    assert not f["threat"].any()
    assert f.loc[~f["scored"], "threat_score"].isna().all()
    assert f.loc[~f["scored"], "cues"].map(len).eq(0).all()
    assert f["threat_type"].isna().all() and f["horizon"].isna().all()
    # a threat sentence without any actor: a frame, typed from its cues, no role rows
    f2 = frame_table(["Pandemics are a threat to us all."])
    sents2, ments2 = make_tables(["Pandemics are a threat to us all."])
    assert summary(f2) == [(True, "other", "present")]
    assert len(threat_roles(f2, ments2, sents2)) == 0


def test_empty_and_invalid_tables():
    empty = pd.DataFrame({"doc_id": [], "sent_id": [], "start": [], "text": []})
    f = threat_frames(empty, progress=False)
    assert list(f.columns) == FRAME_COLUMNS and len(f) == 0
    assert list(threat_cues(f).columns) == CUE_COLUMNS
    with pytest.raises(ValueError, match="missing"):
        threat_frames(pd.DataFrame({"text": ["war"]}), progress=False)


def test_frames_without_mentions():
    sents, _ = make_tables(["Russia remains a long-term threat to NATO.",
                            "Pandemics are a threat to us all."])
    f = threat_frames(sents, progress=False)
    assert summary(f) == [(True, "military", "present"), (True, "other", "present")]


# --------------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------------

def roles_of(texts: list[str]) -> list[tuple]:
    sents, ments = make_tables(texts)
    f = threat_frames(sents, ments, progress=False)
    r = threat_roles(f, ments, sents)
    assert list(r.columns) == ROLE_COLUMNS
    return list(zip(r["sent_id"], r["actor"], r["role"]))


def test_roles_possessive_and_threat_to():
    assert roles_of(["Russia’s war against Ukraine continues.",
                     "Russia remains a long-term threat to NATO.",
                     "We condemn Russian aggression against Ukraine.",
                     "We know there is a Chinese build-up."]) == [
        (0, "RUS", "source"), (0, "UKR", "referent"),
        (1, "RUS", "source"), (1, "NATO", "referent"),
        (2, "RUS", "source"), (2, "UKR", "referent"),
        (3, "CHN", "source"),
    ]


def test_roles_agents_objects_and_prepositions():
    assert roles_of(["Russia invaded Ukraine.",
                     "Iran threatens Israel.",
                     "NATO faces growing threats from Russia, China and Iran.",
                     "We support Israel against the threat of Hamas.",
                     "We can defend ourselves now against Russia, but we can't in three to five "
                     "to seven years."]) == [
        (0, "RUS", "source"), (0, "UKR", "referent"),
        (1, "IRN", "source"), (1, "ISR", "referent"),
        (2, "NATO", "none"), (2, "RUS", "source"), (2, "CHN", "source"), (2, "IRN", "source"),
        (3, "ISR", "none"), (3, "HAMAS", "source"),
        (4, "RUS", "source"),
    ]


def test_roles_list_of_adversaries_and_non_threat_sentences():
    assert roles_of(["We know that China, Russia, North Korea and Iran are working together.",
                     "We signed a trade agreement with Japan and Lithuania."]) == [
        (0, "CHN", "source"), (0, "RUS", "source"), (0, "PRK", "source"), (0, "IRN", "source"),
        (1, "JPN", "none"), (1, "LTU", "none"),
    ]


def test_alignment_needs_adversaries():
    # the same construction among partners is not hostile alignment
    f = frame_table(["Japan, Lithuania and Finland are working together."])
    assert summary(f) == [(False, None, None)]


def test_both_source_and_referent_is_source():
    # RUS is attacked (referent) and attacks (source): source wins
    r = roles_of(["Ukraine attacked Russia after Russia invaded Ukraine."])
    assert dict((a, ro) for _, a, ro in r) == {"UKR": "source", "RUS": "source"}


# --------------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------------

def test_default_lexicon_is_cached_and_valid():
    lex = load_threat_lexicon()
    assert isinstance(lex, ThreatLexicon)
    assert load_threat_lexicon() is lex
    assert lex.terms.lookup("invaded") == ("cue", "military", "strong")
    assert lex.terms.lookup("buildup") == lex.terms.lookup("build-up")


def test_user_lexicon_extension(tmp_path):
    text = ["Troll farms flooded the debate."]
    assert frame_table(text)["threat"].tolist() == [False]
    extra = tmp_path / "extra.yaml"
    extra.write_text("terms:\n  hybrid:\n    strong: [troll farm*]\n", encoding="utf-8")
    lex = load_threat_lexicon(extra=extra)
    f = frame_table(text, lexicon=lex)
    assert summary(f) == [(True, "hybrid", "present")]
    # a path or mapping given as lexicon= is an extension too
    assert frame_table(text, lexicon=str(extra))["threat"].tolist() == [True]
    assert frame_table(text, lexicon={"terms": {"hybrid": {"strong": ["troll farm*"]}}})[
        "threat"].tolist() == [True]
    # neutral phrases can be added as well
    lex2 = load_threat_lexicon(extra={"neutral": ["war game*"]})
    assert frame_table(["The war games ended."], lexicon=lex2)["threat"].tolist() == [False]


def test_user_lexicon_errors_name_the_entry(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("terms:\n  militray:\n    strong: [tank]\n", encoding="utf-8")
    with pytest.raises(ThreatLexiconError, match=r"bad\.yaml.*terms\.militray"):
        load_threat_lexicon(extra=bad)
    with pytest.raises(ThreatLexiconError, match=r"terms\.military\.strongest"):
        load_threat_lexicon(extra={"terms": {"military": {"strongest": ["tank"]}}})
    with pytest.raises(ThreatLexiconError, match=r"terms\.military\.strong must be a list"):
        load_threat_lexicon(extra={"terms": {"military": {"strong": "tank"}}})
    with pytest.raises(ThreatLexiconError, match=r"patterns\[oops\].*regular expression"):
        load_threat_lexicon(extra={"patterns": [{"name": "oops", "type": "military",
                                                 "strength": "strong", "regex": "(unclosed"}]})
    with pytest.raises(ThreatLexiconError, match="no such lexicon file"):
        load_threat_lexicon(extra=tmp_path / "missing.yaml")
    with pytest.raises(ThreatLexiconError, match="complete lexicon"):
        load_threat_lexicon(path=bad.with_name("partial.yaml").write_text(
            "terms: {}\n") and bad.with_name("partial.yaml"))


def test_packaged_lexicon_documented():
    readme = data_path("threat", "README.md").read_text(encoding="utf-8")
    lex = load_threat_lexicon()
    for section in lex.config:
        if section != "version":
            assert f"`{section}`" in readme, section
    assert math.isclose(1 / (1 + math.exp(-lex.bias)), 0.148, abs_tol=0.001)


# --------------------------------------------------------------------------------------------------
# Codebook evaluation (real data: the packaged dev gold set)
# --------------------------------------------------------------------------------------------------

DEV = data_path("eval", "threat_dev.jsonl")


def _fractions(res: dict) -> list[float]:
    return [v for k, sub in res.items() if isinstance(sub, dict)
            for name, v in sub.items() if name != "n"]


def test_evaluate_codebook_on_dev_meets_targets():
    from toolkit.evaluate import evaluate_codebook

    # the lexicon sentiment method keeps the test fast; the threat and source scores do not
    # depend on the sentiment method
    res = evaluate_codebook(DEV, sentiment_method="lexicon")
    assert set(res) == {"n_sentences", "threat", "threat_type", "horizon", "source", "sentiment",
                        "actors"}
    assert set(res["threat"]) == set(res["source"]) == set(res["actors"]) == {
        "precision", "recall", "f1"}
    assert set(res["threat_type"]) == set(res["horizon"]) == {"accuracy", "n"}
    assert set(res["sentiment"]) == {"macro_f1", "accuracy", "n"}
    assert res["n_sentences"] == 238
    assert all(0.0 <= v <= 1.0 for v in _fractions(res))
    assert res["threat"]["f1"] >= 0.80
    assert res["threat_type"]["accuracy"] >= 0.70
    assert res["source"]["f1"] >= 0.70
    assert res["threat_type"]["n"] == res["horizon"]["n"] > 60
    assert res["sentiment"]["n"] > 200


def test_read_codebook_names_line_and_field(tmp_path):
    from toolkit.errors import CorpusError
    from toolkit.evaluate import read_codebook

    rows = read_codebook(DEV)
    assert len(rows) == 238 and rows[0]["id"] == "dev-0000"
    good = ('{"id": "a", "source": "seed", "sentence": "Russia invaded Ukraine.", "threat": true, '
            '"threat_type": "military", "horizon": "present", "actors": {}}')
    cases = {
        '{"id": "b", "source": "seed", "sentence": "x", "actors": {}}': r"line 2: missing .*threat",
        good.replace('"military"', '"tanks"').replace('"a"', '"b"'): r"line 2: threat_type",
        good.replace('"a"', '"b"').replace('"actors": {}', '"actors": {"RUS": {"sentiment": '
                                          '"angry", "role": "source"}}'): r"RUS\.sentiment",
        good: r"line 2: id 'a' appears twice",
        "{not json": r"line 2: not valid JSON",
        good.replace('"a"', '"b"').replace('"horizon"', '"horizont"'): r"unknown field.*horizont",
    }
    for line, message in cases.items():
        p = tmp_path / "gold.jsonl"
        p.write_text(good + "\n" + line + "\n", encoding="utf-8")
        with pytest.raises(CorpusError, match=message):
            read_codebook(p)
    with pytest.raises(CorpusError, match="no such file"):
        read_codebook(tmp_path / "missing.jsonl")


# --------------------------------------------------------------------------------------------------
# Compiled patterns (speed-ups must not change a match)
# --------------------------------------------------------------------------------------------------

def test_alternation_shares_the_word_boundary_and_keeps_every_match():
    from toolkit.threat import _alternation, _leading_boundary

    regexes = [r"\bno\b", r"\bnot\b(?!\s+only)", r"n't\b", r"\bfree (?:of|from)\b",
               r"\bneither\b|\bnor\b", r"\bknots|nobody", r"(?<!\w)without\b"]
    assert [_leading_boundary(r) for r in regexes] == [True, True, False, True, True, False,
                                                       False]
    naive = re.compile("|".join(f"(?:{r})" for r in regexes))
    fast = _alternation(regexes)
    assert fast.pattern.startswith(r"(?:\b(?:(?:no\b)|")
    text = ("no, not only, notably: it isn't free of risk nor free from it; neither without "
            "knots nor nobody. Not now. don't")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in naive.finditer(text)]
    assert len(list(fast.finditer(text))) == 11
    assert _alternation([]) is None


def test_patterns_are_searched_together_unless_they_refer_back_to_groups():
    from toolkit.threat import _has_backreference

    assert _has_backreference(r"(\w+) \1") and _has_backreference(r"(?P<a>x)(?P=a)")
    assert not _has_backreference(r"\b(?:a|b)(c)(?!(d))")
    base = load_threat_lexicon()
    assert base.patterns_any is not None
    # A pattern with a back-reference ("attack after attack") cannot be combined: each pattern
    # is then tried on its own, and it still fires.
    rep = load_threat_lexicon(extra={"patterns": [
        {"name": "repeated", "type": "military", "strength": "strong",
         "regex": r"\b(attack|strike)s? after \1s?\b"}]})
    assert rep.patterns_any is None
    f = threat_frames(pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "start": [0],
                                    "text": ["The city suffered strike after strike."]}),
                      lexicon=rep, progress=False)
    assert [c["rule"] for c in f.loc[0, "cues"]] == ["patterns.repeated"]
