import json
from pathlib import Path

import pandas as pd
import pytest

from toolkit import CorpusError, read_corpus
from toolkit.corpus import DOC_COLUMNS, parse_date

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_yaml_markdown_exact_row(tmp_path):
    write(tmp_path / "news" / "a.md",
          '---\ntitle: "Remarks by President\\_Biden"\ndate: \'2024-10-22\'\n'
          'source_url: https://example.org/x\ntags: speeches-remarks\n---\n\nBody *text*.\n')
    docs = read_corpus(tmp_path / "news", progress=False)
    row = docs.iloc[0]
    assert list(docs.columns[: len(DOC_COLUMNS)]) == DOC_COLUMNS
    assert row.doc_id == "news/a.md"
    assert row.collection == "news"
    assert row.title == "Remarks by President Biden"  # YAML "\_" (no-break space) normalised
    assert row.date == pd.Timestamp("2024-10-22") and row.date_precision == "day"
    assert row.category == "speeches-remarks" and row.url == "https://example.org/x"
    assert row.source == "example.org"
    assert row.text == "\nBody *text*.\n"  # exactly the body, header removed
    assert row.n_chars == len(row.text)
    assert json.loads(row.meta)["tags"] == "speeches-remarks"


def test_year_only_dates_become_january_first():
    assert parse_date("2024") == (pd.Timestamp("2024-01-01"), "year")
    assert parse_date("2024-05") == (pd.Timestamp("2024-05-01"), "month")
    assert parse_date("2024-10-22 17:58:00-04:00") == (pd.Timestamp("2024-10-22"), "day")
    assert parse_date("next Tuesday") is None


def test_ungd_layout_joins_speakers(tmp_path):
    root = tmp_path / "ungd"
    write(root / "speakers.csv", "year,session,iso3,country,speaker,post\n"
                                 "2024,79,LTU,Lithuania,Gitanas Nausėda,President\n")
    write(root / "Session 79 - 2024" / "LTU_79_2024.txt", "Mr. President, thank you.\n")
    write(root / "Session 79 - 2024" / "EST_79_2024.txt", "Estonia speaks.\n")
    write(root / "README.txt", "about\n")
    docs = read_corpus(root, progress=False)
    assert docs[["doc_id", "iso3", "country", "speaker", "post", "date_precision"]].to_dict(
        "records") == [
        {"doc_id": "ungd/Session 79 - 2024/EST_79_2024.txt", "iso3": "EST", "country": None,
         "speaker": None, "post": None, "date_precision": "year"},
        {"doc_id": "ungd/Session 79 - 2024/LTU_79_2024.txt", "iso3": "LTU",
         "country": "Lithuania", "speaker": "Gitanas Nausėda", "post": "President",
         "date_precision": "year"},
    ]
    assert docs["date"].tolist() == [pd.Timestamp("2024-01-01")] * 2
    assert sorted(docs.attrs["auxiliary"]["role"]) == ["documentation", "metadata"]
    assert docs.attrs["skipped"].empty


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_tables(tmp_path, suffix):
    df = pd.DataFrame({"id": ["a1", "b2"], "body": ["First text.", "Second text."],
                       "date": ["2022-02-24", "2023"], "outlet": ["X", "Y"]})
    path = tmp_path / f"t.{suffix}"
    if suffix == "csv":
        df.to_csv(path, index=False)
    elif suffix == "jsonl":
        df.to_json(path, orient="records", lines=True)
    else:
        df.to_parquet(path)
    docs = read_corpus(path, text_col="body", id_col="id", progress=False)
    assert docs["doc_id"].tolist() == [f"t/t.{suffix}#a1", f"t/t.{suffix}#b2"]
    assert docs["text"].tolist() == ["First text.", "Second text."]
    assert docs["date_precision"].tolist() == ["day", "year"]
    assert docs["outlet"].tolist() == ["X", "Y"]  # extra metadata columns are kept


def test_table_without_text_column_names_file_and_columns(tmp_path):
    path = write(tmp_path / "t.csv", "id,body\n1,hello\n")
    with pytest.raises(CorpusError, match=r"t\.csv: no text column 'text'; columns are \['id', 'body'\]"):
        read_corpus(path, progress=False)


def test_missing_path():
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        read_corpus("does/not/exist", progress=False)


def bad_folder(tmp_path: Path) -> Path:
    root = tmp_path / "bad"
    write(root / "ok.md", "---\ntitle: ok\n---\nFine text.\n")
    write(root / "latin1.txt", "caf\xe9 au lait\n".encode("latin-1"))
    write(root / "empty.txt", "")
    write(root / "header_only.md", "---\ntitle: x\n---\n\n")
    write(root / "bad_yaml.md", "---\ntitle: [unclosed\n---\nText.\n")
    write(root / "unclosed.md", "---\ntitle: x\nText without end.\n")
    write(root / "notes.pdf", b"%PDF-1.4")
    write(root / "lines.jsonl", '{"text": "one"}\nnot json\n{"text": ""}\n')
    return root


def test_nothing_lost_every_file_is_a_row_or_reported(tmp_path):
    docs = read_corpus(bad_folder(tmp_path), progress=False)
    skipped = docs.attrs["skipped"]
    assert docs["doc_id"].tolist() == ["bad/lines.jsonl#0", "bad/ok.md"]
    reasons = dict(zip(skipped["path"].map(lambda p: Path(p).name) + ":" +
                       skipped["line"].fillna(0).astype(int).astype(str), skipped["reason"]))
    assert reasons["latin1.txt:1"].startswith("not UTF-8: byte 0xe9")
    assert reasons["empty.txt:0"] == "empty file: no text"
    assert reasons["header_only.md:0"].startswith("empty body")
    assert reasons["bad_yaml.md:2"].startswith("malformed YAML header")
    assert "never closed" in reasons["unclosed.md:1"]
    assert reasons["notes.pdf:0"].startswith("not a readable PDF")  # a truncated PDF
    assert reasons["lines.jsonl:2"].startswith("line 2: invalid JSON")
    assert reasons["lines.jsonl:3"].startswith("line 3: empty or missing text")
    assert len(skipped) == 8


def test_strict_raises_naming_the_file(tmp_path):
    with pytest.raises(CorpusError, match=r"(latin1\.txt, line 1: not UTF-8|bad_yaml\.md, line 2)"):
        read_corpus(bad_folder(tmp_path), strict=True, progress=False)


def test_duplicate_ids_reported(tmp_path):
    path = write(tmp_path / "t.jsonl", '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n')
    docs = read_corpus(path, id_col="id", progress=False)
    assert docs["text"].tolist() == ["x"]
    assert docs.attrs["skipped"]["reason"].str.startswith("duplicate doc_id 't/t.jsonl#a'").all()


def test_collections_filter_and_unknown_collection():
    docs = read_corpus(CORPUS, collections=["seed"], progress=False)
    assert docs["collection"].unique().tolist() == ["seed"]
    with pytest.raises(CorpusError, match="no collection named 'kremlin'; collections here are: "
                                          "'seed', 'ungd', 'whitehouse'"):
        read_corpus(CORPUS, collections=["kremlin"], progress=False)


def test_real_corpus_reads_every_document(corpus_docs):
    docs = corpus_docs
    assert len(docs) == 3243
    assert docs.attrs["skipped"].empty
    assert docs["doc_id"].is_unique
    assert docs.groupby("collection").size().to_dict() == {"seed": 1, "ungd": 2132,
                                                           "whitehouse": 1110}
    assert len(docs.attrs["auxiliary"]) == 4  # two READMEs, LICENSE, speakers.csv
    assert docs["date"].notna().all()
    # Every file on disk is accounted for.
    on_disk = {str(p) for p in CORPUS.rglob("*") if p.is_file() and p.name != "README.md"}
    accounted = set(docs["path"]) | set(docs.attrs["auxiliary"]["path"])
    assert {str(Path(p).resolve()) for p in on_disk} == {str(Path(p).resolve()) for p in accounted}


def test_real_text_is_the_body_exactly(corpus_docs):
    for row in corpus_docs.sample(40, random_state=0).itertuples():
        raw = Path(row.path).read_text(encoding="utf-8")
        assert raw.endswith(row.text)
        head = raw[: len(raw) - len(row.text)]
        assert head == "" or (head.startswith("---\n") and head.rstrip("\n").endswith("---"))


def test_report_tables_in_attrs_do_not_break_pandas_operations():
    """pandas compares attrs in concat/nsmallest; DataFrames there used to raise."""
    a = read_corpus("corpus/seed", progress=False)
    b = read_corpus("corpus/whitehouse", progress=False)
    both = pd.concat([a, b], ignore_index=True)
    assert len(both) == len(a) + len(b)
    assert len(b.nsmallest(3, "n_chars")) == 3
    assert list(b.iloc[:2].attrs["skipped"].columns) == ["path", "line", "reason"]


def test_documents_table_round_trips_through_parquet(tmp_path):
    docs = read_corpus("corpus/whitehouse", progress=False)
    docs.to_parquet(tmp_path / "d.parquet")
    back = pd.read_parquet(tmp_path / "d.parquet")
    assert back["doc_id"].tolist() == docs["doc_id"].tolist()
    assert len(back.attrs["auxiliary"]) == len(docs.attrs["auxiliary"]) == 2
