"""HTML, PDF and Word corpora (toolkit.corpus.formats) and document languages
(toolkit.corpus.language): every file a row or a skipped entry with its reason."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from toolkit import read_corpus, sentences
from toolkit.corpus import DOC_COLUMNS, detect_language, plan_batches, read_batch
from toolkit.corpus.formats import extract_docx, extract_html, extract_pdf, minimal_pdf
from toolkit.errors import CorpusError

docx = pytest.importorskip("docx")

ARTICLE = [
    "The President said on Tuesday that the talks in Moscow had been constructive and that both "
    "sides would continue to work on a lasting agreement over the coming months.",
    "Officials from both delegations described the atmosphere as frank, and several ministers "
    "said that further meetings were planned before the summer.",
    "Analysts cautioned that the differences between the two governments remain deep, in "
    "particular over security guarantees and the future of sanctions.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Leaders meet | Example News</title>
<meta property="og:title" content="Leaders meet in Moscow">
<meta name="author" content="Jane Smith">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://news.example.org/2024/03/leaders-meet">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news menu</a></li>
<li><a href="/sport">Sport menu item</a></li></ul></nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Celebrity gossip roundup</a></li>
</ul></aside>
<main><article><h1>Leaders meet in Moscow</h1>
{''.join(f'<p>{p}</p>' for p in ARTICLE)}
</article></main>
<footer><p>Copyright 2024 Example News. All rights reserved.</p>
<p>Privacy policy | Cookie settings | Contact us</p></footer>
</body></html>"""

BOILERPLATE = ["Home", "World news menu", "Sport menu item", "Copyright", "Privacy policy",
               "Cookie settings", "Celebrity gossip"]


def write_docx(path: Path, paragraphs: list[str], *, title: str | None = None,
               table: list[list[str]] | None = None) -> Path:
    d = docx.Document()
    if title:
        d.core_properties.title = title
        d.add_heading(title, 1)
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    d.add_paragraph("")  # an empty paragraph is no block
    d.save(path)
    return path


@pytest.fixture
def mixed(tmp_path) -> Path:
    """A collection mixing every document type, readable and broken files."""
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "note.md").write_text("---\ntitle: Note\ndate: 2024-01-02\n---\n"
                                  "NATO allies met in Brussels on Monday to discuss support for "
                                  "Ukraine and the defence of the eastern flank.\n",
                                  encoding="utf-8")
    (root / "plain.txt").write_text("Russia and China held joint exercises in the Pacific, the "
                                    "ministry of defence said on Friday.\n", encoding="utf-8")
    (root / "page.html").write_text(PAGE, encoding="utf-8")
    (root / "report.pdf").write_bytes(minimal_pdf(
        ["Threat assessment 2024\nThe Alliance faces a more dangerous world than at any time "
         "since the end of the Cold War.", None,
         "Deterrence and defence remain the core task of the Alliance."], title="Threat report"))
    write_docx(root / "statement.docx", ["The allies agreed to raise defence spending to two "
                                         "per cent of national income by the end of the decade."],
               title="Joint statement", table=[["Country", "Share"], ["Poland", "4.1"]])
    (root / "scanned.pdf").write_bytes(minimal_pdf([None, None]))
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip file")
    (root / "menu.html").write_text("<html><body><ul><li><a href='/'>Home</a></li><li><a "
                                    "href='/w'>World</a></li></ul><footer>Copyright 2024"
                                    "</footer></body></html>", encoding="utf-8")
    (root / "notes.odt").write_bytes(b"PK\x03\x04")
    return root


def reasons(docs: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p, r in zip(docs.attrs["skipped"]["path"], docs.attrs["skipped"]["reason"]):
        out.setdefault(Path(p).name, []).append(r)
    return out


def test_every_file_of_a_mixed_folder_is_a_row_or_a_skipped_entry(mixed):
    docs = read_corpus(mixed, progress=False)
    assert list(docs.columns) == DOC_COLUMNS
    rows = sorted(Path(p).name for p in docs["path"])
    assert rows == ["note.md", "page.html", "plain.txt", "report.pdf", "statement.docx"]
    why = reasons(docs)
    assert sorted(why) == ["broken.docx", "broken.pdf", "menu.html", "notes.odt", "report.pdf",
                           "scanned.pdf"]
    on_disk = {p.name for p in mixed.iterdir()}
    assert on_disk == set(rows) | set(why)
    assert why["report.pdf"] == ["page 2 of 3: no text layer (a scanned or image-only page), so "
                                 "its text is not in the document; run OCR on the file (e.g. "
                                 "ocrmypdf) to add one"]
    assert why["scanned.pdf"][0].startswith("no text layer on any of its 2 pages")
    assert why["broken.pdf"][0].startswith("not a readable PDF")
    assert why["broken.docx"][0].startswith("not a readable .docx file")
    assert why["menu.html"][0].startswith("no main text found in the page")
    assert why["notes.odt"][0].startswith("unsupported file type '.odt'; convert it to")
    assert "save a .doc/.odt/.rtf file as .docx" in why["notes.odt"][0]


def test_html_main_text_without_boilerplate_and_page_metadata(mixed):
    docs = read_corpus(mixed, progress=False).set_index("doc_id")
    page = docs.loc["mixed/page.html"]
    for b in BOILERPLATE:
        assert b not in page["text"], b
    assert page["text"].split("\n\n") == ["Leaders meet in Moscow", *ARTICLE]
    assert page["title"] == "Leaders meet in Moscow"
    assert page["author"] == "Jane Smith"
    assert page["date"] == pd.Timestamp("2024-03-05") and page["date_precision"] == "day"
    assert page["url"] == "https://news.example.org/2024/03/leaders-meet"
    assert page["source"] == "news.example.org"
    assert page["language"] == "en"
    assert json.loads(page["meta"])["format"] == "html"
    assert page["n_chars"] == len(page["text"])


def test_offsets_are_into_the_extracted_text(mixed):
    docs = read_corpus(mixed, progress=False)
    sents = sentences(docs, progress=False)
    text = dict(zip(docs["doc_id"], docs["text"]))
    for row in sents.itertuples():
        assert text[row.doc_id][row.start:row.end] == row.text
    page = sents[sents["doc_id"] == "mixed/page.html"]["text"].tolist()
    assert page[0] == "Leaders meet in Moscow"  # a heading is its own block, not glued on


def test_pdf_and_docx_rows(mixed):
    docs = read_corpus(mixed, progress=False).set_index("doc_id")
    pdf = docs.loc["mixed/report.pdf"]
    assert pdf["title"] == "Threat report"
    assert pdf["text"] == ("Threat assessment 2024\nThe Alliance faces a more dangerous world "
                           "than at any time since the end of the Cold War.\n\nDeterrence and "
                           "defence remain the core task of the Alliance.")
    assert json.loads(pdf["meta"])["pages"] == 3
    assert pd.isna(pdf["date"])  # a file's creation date is not a publication date
    word = docs.loc["mixed/statement.docx"]
    assert word["title"] == "Joint statement"
    assert word["text"].split("\n\n") == [
        "Joint statement", "The allies agreed to raise defence spending to two per cent of "
        "national income by the end of the decade.", "Country\tShare", "Poland\t4.1"]
    assert "created" in json.loads(word["meta"]) and pd.isna(word["date"])


def test_strict_raises_naming_the_file_and_page(mixed, tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "report.pdf").write_bytes((mixed / "report.pdf").read_bytes())
    with pytest.raises(CorpusError, match=r"report\.pdf: page 2 of 3: no text layer"):
        read_corpus(folder, strict=True, progress=False)


def test_a_single_file_is_read_by_its_type(mixed):
    docs = read_corpus(mixed / "statement.docx", progress=False)
    assert docs["doc_id"].tolist() == ["mixed/statement.docx"]
    assert read_corpus(mixed / "page.html", progress=False)["title"].tolist() == [
        "Leaders meet in Moscow"]


def test_chunked_reading_gives_the_same_rows_and_reasons(mixed):
    whole = read_corpus(mixed, progress=False)
    plan = plan_batches(mixed, chunk_size=3)
    parts = [read_batch(b) for b in plan.batches]
    chunked = pd.concat(parts, ignore_index=True).sort_values("doc_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(chunked[DOC_COLUMNS], whole[DOC_COLUMNS], check_dtype=False)
    got = sorted((Path(p).name, r) for part in parts
                 for p, r in zip(part.attrs["skipped"]["path"], part.attrs["skipped"]["reason"]))
    want = sorted((Path(p).name, r) for p, r in zip(whole.attrs["skipped"]["path"],
                                                    whole.attrs["skipped"]["reason"]))
    assert got == want


@pytest.mark.parametrize("module, suffix, package", [("trafilatura", ".html", "trafilatura"),
                                                     ("pypdf", ".pdf", "pypdf"),
                                                     ("docx", ".docx", "python-docx")])
def test_a_missing_library_names_the_extra(mixed, tmp_path, monkeypatch, module, suffix,
                                           package):
    monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError
    folder = tmp_path / "lib"
    folder.mkdir()
    name = {".html": "page.html", ".pdf": "report.pdf", ".docx": "statement.docx"}[suffix]
    (folder / name).write_bytes((mixed / name).read_bytes())
    docs = read_corpus(folder, progress=False)
    assert docs.empty
    assert reasons(docs)[name] == [
        f"reading {suffix} files needs the {package} package, which is not installed; install "
        f"the toolkit's 'formats' extra: pip install 'discourse-toolkit[formats]'"]
    with pytest.raises(CorpusError, match=r"discourse-toolkit\[formats\]"):
        read_corpus(folder, strict=True, progress=False)


def test_extractors_take_bytes():
    assert extract_html(PAGE.encode("utf-8")).fields["title"] == "Leaders meet in Moscow"
    assert extract_pdf(minimal_pdf(["One.", "Two."])).text == "One.\n\nTwo."
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Only paragraph.")
    d.save(buf)
    assert extract_docx(buf.getvalue()).text == "Only paragraph."


# -- languages ---------------------------------------------------------------------------------

SAMPLES = {
    "en": "The government announced on Tuesday a new series of measures to strengthen the "
          "security of the borders, in view of the threats facing the country and its allies.",
    "fr": "Le gouvernement a annoncé mardi une nouvelle série de mesures pour renforcer la "
          "sécurité des frontières, face aux menaces qui pèsent sur le pays et ses alliés.",
    "de": "Die Regierung hat am Dienstag eine Reihe neuer Maßnahmen angekündigt, um die "
          "Sicherheit der Grenzen zu stärken, weil das Land und seine Verbündeten bedroht werden.",
    "es": "El gobierno anunció el martes una nueva serie de medidas para reforzar la seguridad "
          "de las fronteras ante las amenazas que pesan sobre el país y sus aliados.",
    "ru": "Правительство во вторник объявило о новой серии мер по укреплению безопасности "
          "границ в связи с угрозами, которые нависли над страной и её союзниками.",
    "uk": "Уряд у вівторок оголосив про нову серію заходів для посилення безпеки кордонів через "
          "загрози, які нависли над країною та її союзниками.",
    "zh": "政府周二宣布了一系列加强边境安全的新措施。部长表示，鉴于国家及其盟友面临的威胁，这些决定是必要的。",
    "ar": "أعلنت الحكومة يوم الثلاثاء عن سلسلة جديدة من الإجراءات لتعزيز أمن الحدود في ضوء "
          "التهديدات التي تواجه البلاد وحلفاءها.",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detect_language_with_the_shipped_stopwords(code):
    assert detect_language(SAMPLES[code]) == code


@pytest.mark.parametrize("code", ["en", "fr", "de", "es", "ru", "ar"])
def test_detect_language_with_langdetect_is_seeded(code):
    pytest.importorskip("langdetect")
    got = {detect_language(SAMPLES[code], method="langdetect") for _ in range(3)}
    assert got == {code}


def test_too_little_text_has_no_language():
    assert detect_language("Thank you.") is None
    assert detect_language("") is None
    assert detect_language(SAMPLES["fr"], method="none") is None


def test_documents_get_a_language_and_metadata_overrides_detection(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "fr.md").write_text(SAMPLES["fr"], encoding="utf-8")
    (root / "en.md").write_text(SAMPLES["en"], encoding="utf-8")
    (root / "said.md").write_text(f"---\nlanguage: German\n---\n{SAMPLES['en']}\n",
                                  encoding="utf-8")
    (root / "bad.md").write_text(f"---\nlanguage: Klingon tongue\n---\n{SAMPLES['en']}\n",
                                 encoding="utf-8")
    (root / "table.csv").write_text(f'text,language\n"{SAMPLES["es"]}",\n"{SAMPLES["en"]}",pt-BR\n',
                                    encoding="utf-8")
    docs = read_corpus(root, progress=False)
    lang = dict(zip(docs["doc_id"], docs["language"]))
    assert lang == {"c/en.md": "en", "c/fr.md": "fr", "c/said.md": "de",
                    "c/table.csv#0": "es", "c/table.csv#1": "pt"}
    assert reasons(docs)["bad.md"][0].startswith("unreadable language: field 'language': "
                                                 "'Klingon tongue' is not a language")
    none = read_corpus(root, language_method="none", progress=False)
    assert none.set_index("doc_id")["language"].to_dict()["c/fr.md"] is None
    with pytest.raises(ValueError, match="invalid language_method='guess'"):
        read_corpus(root, language_method="guess", progress=False)


def test_the_shipped_corpus_is_english(corpus_docs):
    assert set(corpus_docs["language"]) == {"en"}
