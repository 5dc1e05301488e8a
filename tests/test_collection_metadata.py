"""Collection metadata (collection.yaml, read_corpus(metadata=...), --home-actor) and what the
stages do with a document's home actor and language."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from toolkit import mentions, read_corpus, sentences
from toolkit.actors import speaker_actors
from toolkit.corpus import parse_home_actors, plan_batches, read_batch, read_collection_file
from toolkit.engine import GraphRun
from toolkit.errors import CorpusError
from toolkit.framing.threat import threat_frames
from toolkit.sentiment import actor_sentiment

PRESIDENT = ("The President said that Russia's security would be guaranteed and warned that "
             "NATO expansion is a direct threat to the country.\n")
FRENCH = ("Le président a déclaré que la sécurité de la Russie serait garantie et que "
          "l'élargissement de l'OTAN constitue une menace directe pour le pays.\n")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def kremlin(tmp_path: Path, yaml_text: str | None = "home_actor: RUS\n") -> Path:
    """``users/kremlin_news/*.md``: the layout of the issue (one sub-folder of documents)."""
    users = tmp_path / "users"
    write(users / "kremlin_news" / "2024-03-01.md", "---\ntitle: Statement\ndate: 2024-03-01\n"
                                                    "---\n" + PRESIDENT)
    write(users / "kremlin_news" / "2024-03-02.md", PRESIDENT)
    if yaml_text is not None:
        write(users / "kremlin_news" / "collection.yaml", yaml_text)
    return users


def office_actors(docs: pd.DataFrame) -> set:
    m = mentions(sentences(docs, progress=False), docs, progress=False)
    return set(m.loc[m["kind"] == "office", "actor"])


def test_collection_yaml_makes_the_president_the_home_actor(tmp_path):
    docs = read_corpus(kremlin(tmp_path), progress=False)
    assert docs["collection"].unique().tolist() == ["kremlin_news"]  # not "users"
    assert docs["home_actor"].tolist() == ["RUS", "RUS"]
    m = mentions(sentences(docs, progress=False), docs, progress=False)
    office = m[m["kind"] == "office"]
    assert office["surface"].tolist() == ["The President", "The President"]
    assert office["actor"].tolist() == ["RUS", "RUS"]
    assert speaker_actors(docs).tolist() == ["RUS", "RUS"]
    assert [Path(p).name for p in docs.attrs["auxiliary"]["path"]] == ["collection.yaml"]


def test_without_collection_yaml_office_titles_resolve_to_nobody(tmp_path):
    docs = read_corpus(kremlin(tmp_path, None), progress=False)
    assert docs["collection"].unique().tolist() == ["users"]  # the old reading, unchanged
    assert docs["home_actor"].isna().all()
    assert office_actors(docs) == set()


def test_metadata_argument_and_the_home_actor_option(tmp_path):
    users = kremlin(tmp_path, None)
    docs = read_corpus(users / "kremlin_news", metadata=parse_home_actors(["kremlin_news=RUS"]),
                       progress=False)
    assert office_actors(docs) == {"RUS"}
    every = read_corpus(users, metadata={"*": {"home_actor": "FRA", "licence": "CC0"}},
                        progress=False)
    assert set(every["home_actor"]) == {"FRA"} and set(every["licence"]) == {"CC0"}
    with pytest.raises(CorpusError, match=r"no collection named 'kremlin' under .*users; "
                                          r"collections here are: 'users'"):
        read_corpus(users, metadata={"kremlin": {"home_actor": "RUS"}}, progress=False)
    with pytest.raises(CorpusError, match=r"the value of 'home_actor' must be a mapping .* "
                                          r"write \{'\*': \{'home_actor': 'RUS'\}\}"):
        read_corpus(users, metadata={"home_actor": "RUS"}, progress=False)


def test_precedence_document_then_metadata_then_file_then_star(tmp_path):
    root = tmp_path / "corpus"
    write(root / "a" / "collection.yaml", "home_actor: RUS\nsource: Kremlin\nlanguage: en\n"
                                          "licence: CC BY 4.0\ndefaults:\n  category: statement\n"
                                          "  iso3: RUS\n  date: 2024\n")
    write(root / "a" / "own.md", "---\nsource: TASS\ndate: 2023-05-06\ncategory: interview\n"
                                 "home_actor: BLR\nurl: https://example.org/x\n---\n" + PRESIDENT)
    write(root / "a" / "plain.md", "---\nurl: https://kremlin.ru/events/1\n---\n" + PRESIDENT)
    write(root / "b" / "doc.md", PRESIDENT)
    docs = read_corpus(root, metadata={"*": {"home_actor": "FRA", "source": "Everyone"},
                                       "a": {"licence": "CC0"}}, progress=False)
    d = docs.set_index("doc_id")
    assert d.loc["a/own.md", ["home_actor", "source", "category", "licence", "iso3"]].tolist() \
        == ["BLR", "TASS", "interview", "CC0", "RUS"]
    assert d.loc["a/own.md", "date"] == pd.Timestamp("2023-05-06")
    # the collection's source beats a host name derived from the URL; its default date applies
    assert d.loc["a/plain.md", ["home_actor", "source", "category"]].tolist() == \
        ["RUS", "Kremlin", "statement"]
    assert d.loc["a/plain.md", "date"] == pd.Timestamp("2024-01-01")
    assert d.loc["a/plain.md", "date_precision"] == "year"
    assert d.loc["b/doc.md", ["home_actor", "source", "licence"]].tolist() == \
        ["FRA", "Everyone", None]


def test_unknown_keys_and_actors_are_errors_naming_the_file(tmp_path):
    users = kremlin(tmp_path, "home_actor: RUS\nlanguge: ru\n")
    yaml_path = users / "kremlin_news" / "collection.yaml"
    with pytest.raises(CorpusError) as e:
        read_corpus(users, progress=False)
    assert str(e.value).startswith(f"{yaml_path}: unknown key 'languge' (did you mean "
                                   f"'language'?); valid keys are: home_actor, source, language, "
                                   f"licence, description, defaults")
    yaml_path.write_text("home_actor: Russia\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"collection\.yaml: home_actor 'Russia' is not an actor "
                                          r"id of the gazetteer \(did you mean 'RUS' \(Russia\)"):
        read_corpus(users, progress=False)
    yaml_path.write_text("home_actor: RUZ\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"did you mean .*'RUS' \(Russia\)"):
        read_corpus(users, progress=False)
    yaml_path.write_text("defaults:\n  colour: red\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"collection\.yaml: unknown key 'colour' under "
                                          r"defaults \(did you mean 'country'\?\); valid keys "
                                          r"under defaults are: author, category"):
        read_collection_file(yaml_path)
    yaml_path.write_text("home_actor: [RUS\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"collection\.yaml, line \d+: malformed YAML"):
        read_collection_file(yaml_path)
    write(users / "kremlin_news" / "_collection.yaml", "home_actor: RUS\n")
    with pytest.raises(CorpusError, match="collection.yaml and _collection.yaml both describe"):
        read_corpus(users, progress=False)


def test_a_documents_own_unknown_home_actor_is_skipped_with_its_reason(tmp_path):
    root = write(tmp_path / "c" / "x.md", "---\nhome_actor: XXY\n---\n" + PRESIDENT).parent
    write(root / "ok.md", PRESIDENT)
    docs = read_corpus(root, progress=False)
    assert docs["doc_id"].tolist() == ["c/ok.md"]
    assert docs.attrs["skipped"]["reason"].tolist()[0].startswith(
        "home_actor 'XXY' is not an actor id of the gazetteer")


def test_a_folder_with_collection_yaml_is_a_collection_at_any_depth(tmp_path):
    root = tmp_path / "corpus"
    write(root / "news" / "a.md", PRESIDENT)
    write(root / "news" / "kremlin" / "collection.yaml", "home_actor: RUS\n")
    write(root / "news" / "kremlin" / "2024" / "b.md", PRESIDENT)
    docs = read_corpus(root, progress=False)
    assert sorted(zip(docs["doc_id"], docs["home_actor"].fillna("-"))) == [
        ("corpus/news/a.md", "-"), ("kremlin/2024/b.md", "RUS")]
    assert read_corpus(root, collections=["kremlin"], progress=False)["doc_id"].tolist() == [
        "kremlin/2024/b.md"]
    write(root / "other" / "kremlin" / "collection.yaml", "source: x\n")
    write(root / "other" / "kremlin" / "c.md", PRESIDENT)
    with pytest.raises(CorpusError, match="two collections are named 'kremlin'"):
        read_corpus(root, progress=False)


def test_chunked_engines_carry_the_collection_metadata(tmp_path):
    users = kremlin(tmp_path)
    plan = plan_batches(users, chunk_size=1, metadata={"*": {"licence": "CC0"}})
    docs = pd.concat([read_batch(b) for b in plan.batches], ignore_index=True)
    assert docs["home_actor"].tolist() == ["RUS", "RUS"]
    assert docs["licence"].tolist() == ["CC0", "CC0"]


def test_parse_home_actors_errors():
    assert parse_home_actors(["*=RUS", "a = FRA", "a=FRA"]) == {
        "*": {"home_actor": "RUS"}, "a": {"home_actor": "FRA"}}
    assert parse_home_actors(None) == {}
    for bad, msg in [("=RUS", "expected COLLECTION=ACTOR"), ("kremlin=", "expected COLLECTION"),
                     ("kremlin=RUZ", r"--home-actor 'kremlin=RUZ': home_actor 'RUZ' is not an "
                                     r"actor id")]:
        with pytest.raises(ValueError, match=msg):
            parse_home_actors([bad])
    with pytest.raises(ValueError, match="collection 'a' is already given home actor 'RUS'"):
        parse_home_actors(["a=RUS", "a=FRA"])


def test_mentions_checks_a_home_actor_column_built_by_hand():
    sents = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "start": [0],
                          "text": ["The President spoke."]})
    docs = pd.DataFrame({"doc_id": ["d"], "collection": ["x"], "home_actor": ["RUZ"]})
    with pytest.raises(ValueError, match=r"home_actor 'RUZ' of document 'd' is not an actor id"):
        mentions(sents, docs, progress=False)
    docs["home_actor"] = "GBR"
    assert mentions(sents, docs, progress=False)["actor"].tolist() == ["GBR"]
    # the document's own home actor comes before the collection's (whitehouse -> USA)
    docs["collection"] = "whitehouse"
    assert mentions(sents, docs, progress=False)["actor"].tolist() == ["GBR"]
    docs["home_actor"] = None
    assert mentions(sents, docs, progress=False)["actor"].tolist() == ["USA"]


# -- cache keys -----------------------------------------------------------------------------

def test_a_changed_home_actor_changes_the_mentions_key(tmp_path):
    users = kremlin(tmp_path)
    rus = read_corpus(users, progress=False)
    fra = read_corpus(users, metadata={"kremlin_news": {"home_actor": "FRA"}}, progress=False)
    plain = rus.assign(home_actor=None)
    keys = {name: GraphRun({"documents": d}, use_cache=False, progress=False)
            for name, d in (("rus", rus), ("fra", fra), ("plain", plain))}
    assert len({r.key("mentions") for r in keys.values()}) == 3
    assert len({r.key("documents") for r in keys.values()}) == 3
    runs = {n: r["mentions"] for n, r in keys.items()}
    assert set(runs["fra"].loc[runs["fra"]["kind"] == "office", "actor"]) == {"FRA"}


def test_english_language_leaves_the_keys_of_older_tables_unchanged(tmp_path):
    docs = read_corpus(kremlin(tmp_path, None), progress=False)
    assert set(docs["language"]) == {"en"}
    bare = docs.drop(columns=["language", "home_actor", "licence"])
    french = docs.assign(language="fr")
    run, old, fr = (GraphRun({"documents": d}, use_cache=False, progress=False)
                    for d in (docs, bare, french))
    assert run.key("lexicon_frames") == old.key("lexicon_frames")
    assert run.key("lexicon_frames") != fr.key("lexicon_frames")


# -- languages in the English-only stages --------------------------------------------------------

@pytest.fixture
def bilingual(tmp_path) -> pd.DataFrame:
    root = tmp_path / "mixed"
    write(root / "en.md", PRESIDENT)
    write(root / "fr.md", FRENCH)
    write(root / "said_fr.md", "---\nlanguage: fr\n---\n" + PRESIDENT)  # the header decides
    docs = read_corpus(root, metadata={"*": {"home_actor": "RUS"}}, progress=False)
    assert docs.set_index("doc_id")["language"].to_dict() == {
        "mixed/en.md": "en", "mixed/fr.md": "fr", "mixed/said_fr.md": "fr"}
    return docs


def test_threat_frames_do_not_score_non_english_documents(bilingual):
    sents = sentences(bilingual, progress=False)
    ments = mentions(sents, bilingual, progress=False)
    frames = threat_frames(sents, ments, documents=bilingual, progress=False)
    scored = frames.groupby("doc_id")["scored"].all().to_dict()
    assert scored == {"mixed/en.md": True, "mixed/fr.md": False, "mixed/said_fr.md": False}
    foreign = frames[frames["doc_id"] != "mixed/en.md"]
    assert not foreign["threat"].any() and foreign["threat_score"].isna().all()
    assert frames.loc[frames["doc_id"] == "mixed/en.md", "threat"].any()
    # without the documents, the English text of said_fr.md is scored as before
    alone = threat_frames(sents, ments, progress=False)
    assert alone.loc[alone["doc_id"] == "mixed/said_fr.md", "scored"].all()


def test_sentiment_leaves_out_non_english_documents(bilingual):
    sents = sentences(bilingual, progress=False)
    ments = mentions(sents, bilingual, progress=False)
    assert "mixed/said_fr.md" in set(ments["doc_id"])
    out = actor_sentiment(sents, ments, method="lexicon", documents=bilingual, progress=False)
    assert set(out["doc_id"]) == {"mixed/en.md"}
    every = actor_sentiment(sents, ments, method="lexicon", progress=False)
    assert "mixed/said_fr.md" in set(every["doc_id"])


def test_codebook_model_does_not_encode_non_english_documents(bilingual):
    from toolkit.codebook.scores import codebook_scores

    sents = sentences(bilingual, progress=False)
    ments = mentions(sents, bilingual, progress=False)
    scores = codebook_scores(sents, ments, bilingual, progress=False)
    encoded = scores.groupby("doc_id")["encoded"].any().to_dict()
    assert encoded == {"mixed/en.md": True, "mixed/fr.md": False, "mixed/said_fr.md": False}
    assert scores.loc[~scores["encoded"], "threat_p"].isna().all()
    assert (scores.loc[~scores["encoded"], "actors"].map(len) == 0).all()


def test_the_stage_graph_honours_the_documents_language(bilingual):
    run = GraphRun({"documents": bilingual}, use_cache=False, progress=False,
                   params={"threat_method": "model", "sentiment_method": "codebook"})
    frames = run["threat_frames"]
    assert not frames.loc[frames["doc_id"] != "mixed/en.md", "scored"].any()
    assert set(run["actor_sentiment"]["doc_id"]) == {"mixed/en.md"}
    rules = GraphRun({"documents": bilingual}, use_cache=False, progress=False,
                     params={"threat_method": "rules", "sentiment_method": "lexicon",
                             "threat_threshold": 0.4})
    assert not rules["threat_frames"].loc[
        rules["threat_frames"]["doc_id"] != "mixed/en.md", "scored"].any()
    assert set(rules["actor_sentiment"]["doc_id"]) == {"mixed/en.md"}


@pytest.mark.parametrize("chunk_size", [None, 1])
def test_analyze_passes_the_metadata_to_every_engine(tmp_path, chunk_size):
    from toolkit import analyze

    users = kremlin(tmp_path, None)
    out = tmp_path / "out"
    analyze(users, out, stages=["mentions"], chunk_size=chunk_size, use_cache=False,
            progress=False, metadata=parse_home_actors(["users=RUS"]))
    m = pd.read_parquet(out / "mentions.parquet")
    assert set(m.loc[m["kind"] == "office", "actor"]) == {"RUS"}
    assert set(pd.read_parquet(out / "documents.parquet")["home_actor"]) == {"RUS"}
