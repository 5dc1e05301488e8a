"""A real subset of corpus/: the seed article plus a few dozen White House and UN documents."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def make_subset(dest: Path, n_whitehouse: int = 30, n_ungd: int = 24) -> Path:
    """Copy the seed, every ``k``-th White House file and UN speeches of several sessions."""
    dest = Path(dest)
    shutil.copytree(CORPUS / "seed", dest / "seed")
    wh = sorted(p for p in (CORPUS / "whitehouse").rglob("*.md"))
    _copy_spread(wh, "whitehouse", dest, n_whitehouse)
    shutil.copy(CORPUS / "whitehouse" / "LICENSE", dest / "whitehouse" / "LICENSE")
    un = [p for p in sorted((CORPUS / "ungd").rglob("*.txt")) if p.name != "README.txt"]
    _copy_spread(un, "ungd", dest, n_ungd)
    shutil.copy(CORPUS / "ungd" / "speakers.csv", dest / "ungd" / "speakers.csv")
    return dest


def _copy_spread(files: list[Path], collection: str, dest: Path, n: int) -> None:
    """Copy ``n`` files spread evenly over ``files``, keeping their place in the collection."""
    step = max(1, len(files) // n)
    for p in files[::step][:n]:
        target = dest / collection / p.relative_to(CORPUS / collection)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, target)


def good_documents(root: Path, n_ok: int, sentence: str) -> Path:
    """A folder ``root/c`` of ``n_ok`` well-formed Markdown documents (tests add a bad one)."""
    corpus = Path(root) / "c"
    corpus.mkdir()
    for i in range(n_ok):
        (corpus / f"ok{i}.md").write_text(f"---\ntitle: Doc {i}\ndate: 2024-0{i + 1}-01\n---\n"
                                          f"{sentence} Doc {i}.\n")
    return corpus


# Tables compared between engines, with the keys that identify a row.
KEYS = {"documents": ["doc_id"], "sentences": ["doc_id", "sent_id"],
        "tokens": ["doc_id", "token_id"], "mentions": ["doc_id", "sent_id", "start"],
        "threat_frames": ["doc_id", "sent_id"],
        "threat_cues": ["doc_id", "sent_id", "start", "end", "rule"],
        "threat_roles": ["doc_id", "sent_id", "actor"], "threat_index": ["doc_id"],
        "actor_sentiment": ["doc_id", "sent_id", "actor"]}
# Aggregates: identical (threat_by_year, sentiment_evidence) or to float tolerance.
AGGREGATES = {"threat_by_year": True, "sentiment_by_year": False, "sentiment_evidence": True}
# pandas' group-by mean depends in the last bit on the other groups of the table, so a
# document's mean_score may differ by one ulp between a whole-corpus and a chunked run.
FLOAT_TOLERANT = {("threat_index", "mean_score")}

_REFERENCE: dict[str, Path] = {}


def reference_run(tmp_root: Path) -> tuple[Path, Path]:
    """(corpus subset, in-memory pandas output), built once per test session."""
    if "out" not in _REFERENCE:
        import warnings

        from toolkit import analyze

        corpus = make_subset(Path(tmp_root) / "corpus")
        out = Path(tmp_root) / "reference"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            analyze(corpus, out, stages=["tokens", "sentiment"], chunk_size=None, progress=False,
                    use_cache=False)
        _REFERENCE.update(corpus=corpus, out=out)
    return _REFERENCE["corpus"], _REFERENCE["out"]


def _plain(df):
    import pandas as pd

    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object or str(df[c].dtype) in ("str", "string"):
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def assert_same_tables(expected: Path, got: Path, names: list[str] | None = None) -> None:
    """Every table of ``got`` (or those ``names``) has exactly the rows of ``expected`` (sorted
    by their keys)."""
    import pandas as pd

    tables = {**KEYS, **{k: None for k in AGGREGATES}}
    for name, keys in tables.items() if names is None else ((n, tables[n]) for n in names):
        a = pd.read_parquet(expected / f"{name}.parquet")
        b = pd.read_parquet(got / f"{name}.parquet")
        assert (got / f"{name}.parquet").is_dir(), f"{name} is not a partitioned dataset"
        if keys:
            a = a.sort_values(keys, kind="stable").reset_index(drop=True)
            b = b.sort_values(keys, kind="stable").reset_index(drop=True)
        a, b = _plain(a), _plain(b)
        assert list(a.columns) == list(b.columns), name
        exact = AGGREGATES.get(name, True)
        for c in a.columns:
            tolerant = (name, c) in FLOAT_TOLERANT or not exact
            pd.testing.assert_series_equal(a[c], b[c], check_dtype=False,
                                           check_exact=not tolerant, rtol=1e-12, atol=1e-12,
                                           obj=f"{name}.{c}")
