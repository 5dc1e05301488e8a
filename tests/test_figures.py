"""The figure registry and ``make_figures``: tables, files, and byte-identical reruns."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from toolkit import figures as F  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
# Figures that need no topic model (a topic model needs more documents than the small corpus).
NO_TOPICS = [n for n in F.FIGURES if not n.startswith("topic")]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """The seed article, 24 White House documents and 21 UN speeches (3 years x 7 states)."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS / "seed", root / "seed")
    wh = sorted((CORPUS / "whitehouse").rglob("*.md"))
    for p in wh[::len(wh) // 24][:24]:
        dest = root / "whitehouse" / p.relative_to(CORPUS / "whitehouse")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, dest)
    (root / "ungd").mkdir()
    shutil.copy(CORPUS / "ungd" / "speakers.csv", root / "ungd" / "speakers.csv")
    for session, year in ((69, 2014), (77, 2022), (79, 2024)):
        folder = f"Session {session} - {year}"
        (root / "ungd" / folder).mkdir()
        for iso in ("RUS", "USA", "CHN", "LTU", "EST", "FIN", "SWE"):
            src = CORPUS / "ungd" / folder / f"{iso}_{session}_{year}.txt"
            if src.exists():
                shutil.copy(src, root / "ungd" / folder / src.name)
    return root


def test_registry_entries_are_complete():
    assert len(F.FIGURES) >= 12
    for name, spec in F.FIGURES.items():
        assert spec.name == name
        assert callable(spec.table) and callable(spec.plot)
        assert spec.caption.endswith(".") and len(spec.caption) > 20
        assert (ROOT / "notebooks" / f"{spec.notebook}.ipynb").exists()


def test_unknown_figure_is_rejected(small_corpus):
    with pytest.raises(ValueError, match="threat_by_year"):
        F.make_figures(small_corpus, "unused", names=["no_such_figure"], progress=False)


def test_make_figures_twice_gives_identical_csv_bytes(small_corpus, tmp_path):
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        written = F.make_figures(small_corpus, out, progress=False, use_cache=False,
                                 names=NO_TOPICS)
        assert sorted(written) == sorted(NO_TOPICS)
        outs.append(out)
    for name in NO_TOPICS:
        for ext in ("png", "svg", "csv"):
            assert (outs[0] / f"{name}.{ext}").stat().st_size > 0
        assert (outs[0] / f"{name}.csv").read_bytes() == (outs[1] / f"{name}.csv").read_bytes()
    assert (outs[0] / "captions.md").read_text().count("## ") == len(NO_TOPICS)
    # exact content on the small corpus: documents per collection and year
    t = pd.read_csv(outs[0] / "corpus_by_year.csv")
    assert t.groupby("collection")["documents"].sum().to_dict() == {"ungd": 21,
                                                                    "whitehouse": 24}
    seed = pd.read_csv(outs[0] / "seed_threat_percentile.csv").query("highlight")
    assert len(seed) == 1 and 0 <= seed["percentile"].iloc[0] <= 100


def test_seed_keyness_table_is_cached_with_its_attrs(small_corpus, tmp_path, monkeypatch):
    """The keyness table comes back from the cache with the attrs its plot reads; without its
    attrs entry it is built again."""
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = F.figure_table("seed_keyness", F.AnalysisTables(small_corpus, progress=False))
    assert {"target": "seed article", "reference": "White House"}.items() <= first.attrs.items()
    calls = []
    real = F.FIGURES["seed_keyness"].table
    monkeypatch.setitem(F.FIGURES, "seed_keyness", dataclasses.replace(
        F.FIGURES["seed_keyness"], table=lambda t: calls.append(1) or real(t)))
    second = F.figure_table("seed_keyness", F.AnalysisTables(small_corpus, progress=False))
    assert calls == []
    pd.testing.assert_frame_equal(first, second)
    assert second.attrs == first.attrs
    for f in (tmp_path / "cache").glob("figure_seed_keyness_attrs-*"):
        f.unlink()
    third = F.figure_table("seed_keyness", F.AnalysisTables(small_corpus, progress=False))
    assert calls == [1] and third.attrs == first.attrs
    assert F.figure("seed_keyness", F.AnalysisTables(small_corpus, progress=False)) is not None


def test_cli_entry_point(small_corpus, tmp_path):
    assert F.main(["--corpus", str(small_corpus), "--out", str(tmp_path), "--quiet",
                   "--no-cache", "--only", "threat_by_year,axis_coframing"]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["axis_coframing.csv",
                                                             "threat_by_year.csv"]


def test_to_csv_bytes_fixed_format():
    t = pd.DataFrame({"a": [1, 2], "x": [0.1234567891, 1 / 3], "s": ["u", None]})
    assert F.to_csv_bytes(t) == b"a,x,s\n1,0.123457,u\n2,0.333333,\n"


def test_open_project_finds_the_corpus(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))  # restored after the test
    root, tables = F.open_project(ROOT / "notebooks")
    assert root == ROOT and tables.corpus == ROOT / "corpus"
    assert os.environ["TOOLKIT_CACHE_DIR"] == str(tmp_path / "cache")  # a set value is kept
    with pytest.raises(FileNotFoundError):
        F.open_project(tmp_path)


@pytest.fixture(scope="module")
def corpus_tables():
    return F.AnalysisTables(CORPUS, progress=False)


REAL = ["threat_by_year", "threat_types_by_year", "axis_coframing", "reciprocal_framing",
        "seed_threat_percentile", "corpus_by_year"]


@pytest.mark.parametrize("name", REAL)
def test_real_corpus_tables_are_deterministic(corpus_tables, name):
    spec = F.FIGURES[name]
    first = F.to_csv_bytes(spec.table(corpus_tables))
    assert F.to_csv_bytes(spec.table(corpus_tables)) == first
    # the cached table (read back from Parquet) gives the same bytes
    assert F.to_csv_bytes(F.figure_table(name, corpus_tables)) == first


def test_real_corpus_headline_numbers(corpus_tables):
    t = F.figure_table("corpus_by_year", corpus_tables)
    assert t.groupby("collection")["documents"].sum().to_dict() == {"ungd": 2132,
                                                                    "whitehouse": 1110}
    seed = F.seed_summary(corpus_tables)
    assert seed["reference"].tolist() == ["ungd", "whitehouse"]
    # the percentile is the seed's mid-rank among the reference collection's documents
    ti = corpus_tables["threat_index"]
    for _, row in seed.iterrows():
        ref = ti.loc[ti["collection"].astype(str) == row["reference"], "per_1000_words"].dropna()
        rank = (ref < row["per_1000_words"]).mean() + 0.5 * (ref == row["per_1000_words"]).mean()
        assert row["percentile_per_1000_words"] == pytest.approx(100 * rank)
        assert row["n_reference"] == len(ref)
    # with the codebook model the seed is denser in threat frames than the median document
    # of both collections (with the rules it was above the 90th percentile)
    assert (seed["percentile_per_1000_words"] > 50).all()
    co = F.figure_table("axis_coframing", corpus_tables)
    assert co["docs_coframing"].sum() > 50 and co["sentences_coframing"].sum() >= 10
    rec = F.figure_table("reciprocal_framing", corpus_tables)
    assert set(rec["framer"]) == set(F.RECIPROCAL)
