"""Corpus readers: folders of YAML-headed Markdown/text, the UN General Debate layout, and tables.

``read_corpus`` returns the *documents* table, one row per document. Nothing is lost: every file
under the path becomes a row, is listed in ``df.attrs["auxiliary"]`` (README, LICENSE and sidecar
metadata such as ``speakers.csv``), or is listed in ``df.attrs["skipped"]`` with the reason. With
``strict=True`` the first problem raises :class:`~toolkit.errors.CorpusError` instead.

Layouts
-------
* **YAML-headed Markdown/text** (``seed/``, ``whitehouse/``): a header between ``---`` lines, then the
  body. ``text`` is the body exactly as stored (the header and the newline after its closing ``---``
  removed, nothing else). Header keys ``title``, ``date``, ``source``, ``source_url``/``url``,
  ``tags``/``category``, ``author``, ``speaker`` fill the columns of the same meaning; the whole
  header is kept as JSON in ``meta``.
* **UN General Debate** (``ungd/``): plain text files named ``ISO3_SESSION_YEAR.txt``; speaker,
  post and country are joined from ``speakers.csv`` at the collection root (a speech without a row
  keeps them empty: the corpus has a few).
* **Tables**: CSV, JSONL and Parquet files with a text column (``text_col``) and optional metadata
  columns; the id comes from ``id_col`` or the row number.
* **Plain text** without a header: the file name is the title.
* **HTML pages, PDF and Word (.docx) files** (:mod:`toolkit.corpus.formats`, the optional
  ``formats`` extra): ``text`` is the *extracted* text -- an HTML page's main text without its
  menus and footers, a PDF's text layer, a Word file's paragraphs -- not the file's bytes; every
  offset is into that text, and ``path`` names the file it came from. Metadata (title, author,
  an HTML page's date, URL, site and language) comes from the file where it has any. A PDF page
  without a text layer (a scanned page) is reported as skipped, page by page.

A folder whose sub-folders are collections (``corpus/`` itself) is read in one call: the
sub-folders are collections when at least two of them look like one (they hold documents directly,
a ``LICENSE``, or a ``speakers.csv``), or when one of them has a ``collection.yaml``, and the
folder itself is not a UN-layout collection and has no ``collection.yaml``. A folder with a
``collection.yaml`` is always a collection of its own (:mod:`toolkit.corpus.collection`).

Every document gets a ``language`` (:mod:`toolkit.corpus.language`): from its own metadata, its
collection's, or detection; and a ``home_actor`` and ``licence`` where its collection (or its
header) gives one.
"""
from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from toolkit.attrs_table import AttrsTable
from toolkit.corpus.collection import (
    COLLECTION_FILES, CollectionMeta, apply_metadata, check_document_actors, check_metadata,
    collection_file, resolve_metadata,
)
from toolkit.corpus.dates import parse_date
from toolkit.corpus.formats import FORMAT_SUFFIXES, FormatError, extract
from toolkit.corpus.language import (
    LANGUAGE_METHODS, LanguageMethod, detect_language, language_code,
)
from toolkit.errors import CorpusError, check_choice

__all__ = ["AUXILIARY_NAMES", "DOCUMENT_SUFFIXES", "DOC_COLUMNS", "SIDECAR_NAMES",
           "TABLE_SUFFIXES", "TEXT_SUFFIXES", "UNGD_NAME", "CorpusNotFoundError",
           "iter_collections", "parse_date", "read_corpus"]

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
#: Suffixes of files that hold one document each (text, HTML, PDF, Word).
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | set(FORMAT_SUFFIXES)
TABLE_SUFFIXES = {".csv", ".jsonl", ".parquet"}
AUXILIARY_NAMES = re.compile(r"^(readme|license|licence|copying|notice|citation)(\..*)?$", re.I)
SIDECAR_NAMES = {"speakers.csv"}
UNGD_NAME = re.compile(r"^(?P<iso3>[A-Z]{2,3})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt$")

#: Columns of the documents table, in order (extra table columns follow them).
DOC_COLUMNS = [
    "doc_id", "collection", "path", "title", "date", "date_precision", "year", "source",
    "category", "speaker", "post", "country", "iso3", "url", "author", "language", "home_actor",
    "licence", "meta", "text", "n_chars",
]
# Metadata columns that are None (never NaN) when missing.
_TEXT_COLUMNS = ("title", "date_precision", "source", "category", "speaker", "post", "country",
                 "iso3", "url", "author", "language", "home_actor", "licence", "meta")


class CorpusNotFoundError(CorpusError, FileNotFoundError):
    """The corpus path does not exist."""


@dataclass
class _Report:
    """Rows read, auxiliary files and skipped files, collected while reading."""

    strict: bool
    rows: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    auxiliary: list[dict] = field(default_factory=list)
    metas: dict[str, CollectionMeta] = field(default_factory=dict)  # by collection name
    language_method: str = "stopwords"
    gazetteer: object = None

    def skip(self, path: Path | str, reason: str, line: int | None = None) -> None:
        where = f"{path}" + (f", line {line}" if line else "")
        if self.strict:
            raise CorpusError(f"{where}: {reason}")
        self.skipped.append({"path": str(path), "line": line, "reason": reason})


def read_corpus(
    path: str | Path,
    *,
    collections: Sequence[str] | None = None,
    strict: bool = False,
    progress: bool = True,
    text_col: str = "text",
    id_col: str | None = None,
    metadata: Mapping[str, Mapping] | None = None,
    language_method: LanguageMethod = "stopwords",
    gazetteer=None,
) -> pd.DataFrame:
    """Read a corpus folder, a single document or a table into the documents table.

    Parameters
    ----------
    path : str or Path
        A folder (one collection, or a folder of collections such as the shipped ``corpus/``), a
        single document (``.md``, ``.txt``, ``.html``, ``.pdf``, ``.docx``), or a
        ``.csv``/``.jsonl``/``.parquet`` table.
    collections : sequence of str, optional
        Read only these collections (sub-folder names of a folder of collections). Default: all.
    strict : bool, default False
        Raise :class:`CorpusError` naming the file (and line) at the first problem instead of
        reporting it in ``df.attrs["skipped"]``.
    progress : bool, default True
        Show a progress bar over files.
    text_col : str, default "text"
        Text column of tables.
    id_col : str, optional
        Id column of tables; default the row number (line number for JSONL).
    metadata : mapping, optional
        Collection metadata without a ``collection.yaml``: ``{collection: {key: value}}``, with
        ``"*"`` for every collection, and the keys of a collection file (``home_actor``,
        ``source``, ``language``, ``licence``, ``description``, ``defaults``; see
        :mod:`toolkit.corpus.collection`), e.g. ``{"kremlin_news": {"home_actor": "RUS"}}``.
        ``metadata[collection]`` overrides the collection's file, which overrides
        ``metadata["*"]``; a document's own metadata overrides them all.
        :func:`toolkit.corpus.parse_home_actors` turns ``COLLECTION=ACTOR`` strings into it.
    language_method : {"stopwords", "langdetect", "none"}, default "stopwords"
        How the ``language`` of a document without one is detected
        (:func:`toolkit.corpus.detect_language`); ``"none"`` leaves it empty.
    gazetteer : Gazetteer, path or mapping, optional
        The gazetteer ``home_actor`` values are checked against (default the packaged one; pass
        your extended one when a home actor is an actor you added).

    Returns
    -------
    DataFrame
        Columns :data:`DOC_COLUMNS` (plus a table's extra columns). ``doc_id`` is the collection
        and the path relative to it (for tables, the table path and the row id), unique and stable.
        ``date`` is datetime64; year-only dates become 1 January with ``date_precision`` "year".
        ``language`` is an ISO 639-1 code (None when it cannot be told); ``home_actor`` the actor
        the document speaks for, where its metadata gives one; ``licence`` its licence.
        ``df.attrs["skipped"]`` (path, line, reason) and ``df.attrs["auxiliary"]`` (path, role)
        are DataFrames.

    Raises
    ------
    CorpusError
        The path does not exist, a table lacks ``text_col``, a ``collection.yaml`` or
        ``metadata`` is invalid (unknown key, unknown ``home_actor``, unknown collection), or
        (``strict=True``) any file or row cannot be read.

    Examples
    --------
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> docs[["collection", "title", "language"]].iloc[0].tolist()  # doctest: +ELLIPSIS
    ['seed', 'NATO chief urges higher defence spending, ...', 'en']
    >>> read_corpus("corpus/seed", metadata={"seed": {"home_actor": "NATO"}},
    ...             progress=False)["home_actor"].tolist()
    ['NATO']
    """
    check_choice("language_method", language_method, LANGUAGE_METHODS)
    root = Path(path)
    if not root.exists():
        raise CorpusNotFoundError(
            f"{root}: no such file or folder; give the path of a corpus folder, a document "
            f"(.md, .txt, .html, .pdf, .docx) or a .csv/.jsonl/.parquet table"
        )
    report = _Report(strict=strict, language_method=language_method, gazetteer=gazetteer)
    given = check_metadata(metadata, gazetteer=gazetteer)
    if root.is_file():
        if root.suffix.lower() in TABLE_SUFFIXES:
            name, folder = root.stem, root
        else:
            name, folder = root.parent.name or "corpus", root.parent
        report.metas = resolve_metadata([(name, folder)], given, root=root, gazetteer=gazetteer)
        if root.suffix.lower() in TABLE_SUFFIXES:
            _read_table(root, report, collection=name, rel=root.name, text_col=text_col,
                        id_col=id_col, direct=True)
        else:
            _read_text_file(root, report, collection=name, rel=root.name, speakers=None)
    else:
        found, report.metas = _plan_collections(root, collections, given, gazetteer=gazetteer)
        for name, folder in found:
            _read_collection(folder, name, report, progress=progress, text_col=text_col,
                             id_col=id_col)
    return _finish(report)


def _plan_collections(root: Path, wanted: Sequence[str] | None,
                      given: dict[str, CollectionMeta], *, gazetteer=None
                      ) -> tuple[list[tuple[str, Path]], dict[str, CollectionMeta]]:
    """The collections to read under ``root`` and the merged metadata of each (both engines)."""
    found = _collections(root, None)
    metas = resolve_metadata(found, given, root=root, gazetteer=gazetteer)
    return _collections(root, wanted, found=found), metas


def _collections(root: Path, wanted: Sequence[str] | None, *,
                 found: list[tuple[str, Path]] | None = None) -> list[tuple[str, Path]]:
    """The (name, folder) collections under ``root``: the top ones (``root`` itself, or its
    sub-folders when it is a folder of collections), then every folder below them that has a
    collection file of its own."""
    if found is None:
        subdirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        multi = (not (root / "speakers.csv").exists() and collection_file(root) is None
                 and (any(collection_file(d) is not None for d in subdirs)
                      or sum(map(_looks_like_collection, subdirs)) >= 2))
        tops = subdirs if multi else [root]
        found = []
        for top in tops:
            found.append((top.name, top))
            found.extend((d.name, d) for d in _walk(top)[1])
        where: dict[str, Path] = {}
        for n, d in found:
            if n in where:
                raise CorpusError(
                    f"{root}: two collections are named {n!r} ({where[n]} and {d}); a "
                    f"collection is named after its folder: rename one of the folders")
            where[n] = d
    if wanted is not None:
        names = [n for n, _ in found]
        missing = [w for w in wanted if w not in names]
        if missing:
            raise CorpusError(
                f"{root}: no collection named {', '.join(map(repr, missing))}; "
                f"collections here are: {', '.join(map(repr, names))}"
            )
        found = [(n, d) for n, d in found if n in wanted]
    return found


def _looks_like_collection(folder: Path) -> bool:
    files = [p for p in folder.iterdir() if p.is_file()]
    return any(
        p.name == "speakers.csv" or p.name.upper().startswith("LICEN") or p.name in COLLECTION_FILES
        or (p.suffix.lower() in DOCUMENT_SUFFIXES and not AUXILIARY_NAMES.match(p.name))
        for p in files
    )


def _walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """(files of the collection ``folder``, sorted; folders below it with a collection file of
    their own, sorted). Hidden files and folders (".name") are left out, and so are the files of
    those nested collections, which are collections of their own."""
    files, nested = [], set()
    for p in folder.rglob("*"):
        if any(part.startswith(".") for part in p.relative_to(folder).parts) or not p.is_file():
            continue
        if p.name in COLLECTION_FILES and p.parent != folder:
            nested.add(p.parent)
        files.append(p)
    files = [p for p in files if not any(n in p.parents for n in nested)]
    return sorted(files), sorted(nested)


def _collection_files(folder: Path) -> list[Path]:
    """The files of a collection folder, sorted; hidden files and folders (".name") and nested
    collections (folders with their own ``collection.yaml``) left out."""
    return _walk(folder)[0]


def _file_kind(p: Path) -> str:
    """What a file of a collection is: ``documentation`` (README, LICENSE: kept as auxiliary),
    ``metadata`` (a sidecar such as speakers.csv, or collection.yaml), ``table``
    (CSV/JSONL/Parquet of documents), ``text`` (one document: text, HTML, PDF or Word) or
    ``unsupported`` (reported as skipped). Both engines ask this, so they cannot classify a file
    differently."""
    if AUXILIARY_NAMES.match(p.name):
        return "documentation"
    if p.name in SIDECAR_NAMES or p.name in COLLECTION_FILES:
        return "metadata"
    suffix = p.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return "table"
    return "text" if suffix in DOCUMENT_SUFFIXES else "unsupported"


def _unsupported(p: Path) -> str:
    """The skip reason of a file of an unsupported type."""
    hint = (" (save a .doc/.odt/.rtf file as .docx)" if p.suffix.lower() in
            (".doc", ".odt", ".rtf") else "")
    return (f"unsupported file type {p.suffix or '(none)'!r}; convert it to "
            f".md, .txt, .html, .pdf, .docx, .csv, .jsonl or .parquet{hint}")


def _read_collection(folder: Path, name: str, report: _Report, *, progress: bool,
                     text_col: str, id_col: str | None) -> None:
    from tqdm.auto import tqdm

    files = _collection_files(folder)
    speakers = _read_speakers(folder / "speakers.csv", report) if (folder / "speakers.csv").exists() else None
    for p in tqdm(files, desc=f"reading {name}", disable=not progress, unit="file"):
        rel = p.relative_to(folder).as_posix()
        kind = _file_kind(p)
        if kind in ("documentation", "metadata"):
            report.auxiliary.append({"path": str(p), "role": kind})
        elif kind == "table":
            _read_table(p, report, collection=name, rel=rel, text_col=text_col, id_col=id_col,
                        direct=False)
        elif kind == "text":
            _read_text_file(p, report, collection=name, rel=rel, speakers=speakers)
        else:
            report.skip(p, _unsupported(p))


def _decode(p: Path, report: _Report) -> str | None:
    data = p.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        report.skip(p, f"not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}; "
                       f"re-save the file as UTF-8", line=line)
        return None


def _read_text_file(p: Path, report: _Report, *, collection: str, rel: str,
                    speakers: dict | None) -> None:
    """One document file: YAML-headed or plain text, a UN speech, or (by suffix) an HTML, PDF
    or Word file."""
    if p.suffix.lower() in FORMAT_SUFFIXES:
        _read_formatted(p, report, collection=collection, rel=rel)
        return
    raw = _decode(p, report)
    if raw is None:
        return
    header: dict = {}
    body = raw
    if raw.startswith("---\n") or raw.startswith("---\r\n"):
        parsed = _split_header(p, raw, report)
        if parsed is None:
            return
        header, body = parsed
    if not body.strip():
        report.skip(p, "empty body: the file has no text after its header" if header
                    else "empty file: no text")
        return
    row = _empty_row(collection, p, f"{collection}/{rel}")
    m = UNGD_NAME.match(p.name)
    if m and not header:
        iso3, session, year = m["iso3"], int(m["session"]), int(m["year"])
        info = (speakers or {}).get((iso3, year), {})
        row.update(
            title=f"UN General Debate {year}: statement of {info.get('country') or iso3}",
            date=pd.Timestamp(year=year, month=1, day=1), date_precision="year",
            source="UN General Debate", iso3=iso3, country=info.get("country"),
            speaker=info.get("speaker"), post=info.get("post"),
            meta=json.dumps({"session": session}),
        )
    else:
        _apply_header(row, header, p, report)
        if row["title"] is None:
            row["title"] = p.stem
    row["text"] = body
    report.rows.append(row)


def _read_formatted(p: Path, report: _Report, *, collection: str, rel: str) -> None:
    """An HTML, PDF or DOCX file: its extracted text (:mod:`toolkit.corpus.formats`) as one row,
    each part it could not read (a scanned PDF page) as a skipped entry."""
    try:
        doc = extract(p)
    except FormatError as e:
        report.skip(p, str(e))
        return
    except Exception as e:  # noqa: BLE001 - a library's error on one broken file: report it
        report.skip(p, f"cannot read the {p.suffix.lower()} file ({type(e).__name__}: {e})")
        return
    for problem in doc.problems:
        report.skip(p, problem)
    row = _empty_row(collection, p, f"{collection}/{rel}")
    f = doc.fields
    row.update(title=f.get("title") or p.stem, author=f.get("author"), url=f.get("url"),
               source=f.get("source"), language=f.get("language"),
               meta=json.dumps(doc.meta, default=str, ensure_ascii=False))
    if f.get("date"):
        parsed = parse_date(f["date"])
        if parsed is not None:  # htmldate gives YYYY-MM-DD; anything else is no date
            row["date"], row["date_precision"] = parsed
    row["text"] = doc.text
    report.rows.append(row)


def _split_header(p: Path, raw: str, report: _Report) -> tuple[dict, str] | None:
    m = re.match(r"---\r?\n(.*?)(?:\r?\n)?^---[ \t]*(?:\r?\n|\Z)", raw, re.S | re.M)
    if not m:
        report.skip(p, "the YAML header opened with '---' on line 1 is never closed by a '---' "
                       "line; close it or remove the opening line", line=1)
        return None
    try:
        header = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        report.skip(p, f"malformed YAML header: {problem}; fix the header syntax", line=line)
        return None
    if not isinstance(header, dict):
        report.skip(p, "the YAML header is not a mapping of 'key: value' lines", line=2)
        return None
    return header, raw[m.end():]


def _empty_row(collection: str, p: Path | str, doc_id: str) -> dict:
    row = dict.fromkeys(DOC_COLUMNS)
    row.update(doc_id=doc_id, collection=collection, path=str(p))
    return row


def _apply_header(row: dict, header: dict, p: Path | str, report: _Report,
                  line: int | None = None) -> None:
    """Fill the row's metadata columns from a YAML header or a table row (at file ``line``)."""
    def text(*keys):
        for k in keys:
            v = header.get(k)
            if v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v).strip():
                return " ".join(v) if isinstance(v, list) else str(v)
        return None

    row["title"] = text("title")
    if row["title"]:
        row["title"] = re.sub(r"\s+", " ", row["title"]).strip()  # YAML "\\_" is a no-break space
    row["url"] = text("url", "source_url")
    row["source"] = text("source")
    if row["source"] is None and row["url"]:
        row["source"] = re.sub(r"^https?://(www\.)?", "", row["url"]).split("/")[0]
    row["_source_from_url"] = row["source"] is not None and text("source") is None
    row["category"] = text("category", "tags")
    row["author"] = text("author")
    row["licence"] = (text("licence", "license") or "").strip() or None
    row["home_actor"] = (text("home_actor") or "").strip() or None
    row["_own_home_actor"] = row["home_actor"] is not None
    lang = text("language", "lang")
    if lang is not None:
        try:
            row["language"] = language_code(lang, where="field 'language'")
        except ValueError as e:
            report.skip(p, f"unreadable language: {e}", line=line)
            row["_bad"] = True
            return
    row["speaker"] = text("speaker")
    row["post"] = text("post")
    row["country"] = text("country")
    row["iso3"] = text("iso3")
    date_value = header.get("date", header.get("published_time", header.get("year")))
    if date_value is not None and not (isinstance(date_value, float) and pd.isna(date_value)):
        parsed = parse_date(date_value)
        if parsed is None:
            report.skip(p, f"unreadable date {date_value!r} in field 'date'; use YYYY-MM-DD, "
                           f"YYYY-MM or YYYY", line=line)
            row["_bad"] = True
            return
        row["date"], row["date_precision"] = parsed
    row["meta"] = json.dumps({k: v for k, v in header.items()}, default=str, ensure_ascii=False)


def _read_speakers(p: Path, report: _Report) -> dict:
    """``speakers.csv`` of the UN layout as {(iso3, year): {country, speaker, post}}."""
    raw = _decode(p, report)
    if raw is None:
        return {}
    table = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
    need = {"year", "iso3"}
    if not need <= set(table.columns):
        report.skip(p, f"speakers.csv needs columns year and iso3; it has {list(table.columns)}")
        return {}
    out = {}
    for rec in table.to_dict("records"):
        try:
            key = (rec["iso3"].strip(), int(rec["year"]))
        except ValueError:
            continue
        out[key] = {k: (rec.get(k) or None) for k in ("country", "speaker", "post")}
    return out


def _table_columns(p: Path, table: pd.DataFrame, text_col: str, id_col: str | None
                   ) -> tuple[str | None, list[str]]:
    """(reason if the table has no text column, else None; its extra metadata columns).

    A missing id column raises: the user named it, so the whole read is wrong, not one file.
    """
    if id_col is not None and text_col in table.columns and id_col not in table.columns:
        raise CorpusError(f"{p}: no id column {id_col!r}; columns are {list(table.columns)}")
    if text_col not in table.columns:
        return (f"no text column {text_col!r}; columns are {list(table.columns)}; name the text "
                f"column with text_col=..."), []
    known = set(DOC_COLUMNS)
    return None, [c for c in table.columns if c not in known and c not in (text_col, id_col)]


def _read_table(p: Path, report: _Report, *, collection: str, rel: str, text_col: str,
                id_col: str | None, direct: bool) -> None:
    suffix = p.suffix.lower()
    try:
        if suffix == ".parquet":
            table = pd.read_parquet(p)
            lines = None
        elif suffix == ".csv":
            raw = _decode(p, report)
            if raw is None:
                return
            table = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
            lines = None
        else:
            table, lines = _read_jsonl(p, report)
            if table is None:
                return
    except CorpusError:
        raise
    except Exception as e:  # pyarrow/pandas parse errors: report with the file name
        report.skip(p, f"cannot read the {suffix} table: {e}")
        return
    missing_text, extra = _table_columns(p, table, text_col, id_col)
    if missing_text:
        if direct or report.strict:
            raise CorpusError(f"{p}: {missing_text}")
        report.skip(p, missing_text)
        return
    _table_rows(p, table, report, collection=collection, rel=rel, text_col=text_col,
                id_col=id_col, extra=extra,
                line_of=(lambda i: lines[i]) if lines is not None
                else (lambda i: i + 2) if suffix == ".csv" else None)


def _table_rows(p: Path, table: pd.DataFrame, report: _Report, *, collection: str, rel: str,
                text_col: str, id_col: str | None, extra: list[str], start: int = 0,
                line_of=None) -> None:
    """One document row per record of a table (records numbered from ``start``), or a skip
    report naming the row (or, with ``line_of(i)``, the file line) for an empty text or a bad
    header value. Document ids are ``collection/rel#id`` (``id_col``'s value or the number)."""
    for i, rec in enumerate(table.to_dict("records"), start=start):
        line = line_of(i) if line_of is not None else None
        where = f"row {i}" if line is None else f"line {line}"
        rid = str(rec[id_col]) if id_col else str(i)
        body = rec[text_col]
        if not isinstance(body, str) or not body.strip():
            report.skip(p, f"{where}: empty or missing text in column {text_col!r}", line=line)
            continue
        row = _empty_row(collection, p, f"{collection}/{rel}#{rid}")
        _apply_header(row, rec, p, report, line)
        if row.pop("_bad", False):
            continue
        row["text"] = body
        row["_line"] = line
        row.update({c: rec[c] for c in extra})
        report.rows.append(row)


def _read_jsonl(p: Path, report: _Report):
    raw = _decode(p, report)
    if raw is None:
        return None, None
    records, lines = [], []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            report.skip(p, f"line {n}: invalid JSON ({e.msg} at column {e.colno})", line=n)
            continue
        if not isinstance(rec, dict):
            report.skip(p, f"line {n}: a JSON object is expected, got {type(rec).__name__}", line=n)
            continue
        records.append(rec)
        lines.append(n)
    return pd.DataFrame.from_records(records), lines


def _finish(report: _Report) -> pd.DataFrame:
    for r in report.rows:
        apply_metadata(r, report.metas.get(r["collection"]))
    check_document_actors(report.rows, report, report.gazetteer)
    rows = []
    for r in report.rows:
        if r.get("_bad"):
            continue
        for k in [k for k in r if k.startswith("_")]:  # reader bookkeeping, not columns
            del r[k]
        if r["language"] is None:
            r["language"] = detect_language(r["text"], method=report.language_method)
        rows.append(r)
    seen: dict[str, str] = {}
    kept = []
    for r in rows:
        if r["doc_id"] in seen:
            report.skip(r["path"], f"duplicate doc_id {r['doc_id']!r} (first read from "
                                   f"{seen[r['doc_id']]}); give each document a unique id")
            continue
        seen[r["doc_id"]] = r["path"]
        kept.append(r)
    df = pd.DataFrame.from_records(kept, columns=None if kept else DOC_COLUMNS)
    for c in DOC_COLUMNS:
        if c not in df.columns:
            df[c] = None
    df = df[DOC_COLUMNS + [c for c in df.columns if c not in DOC_COLUMNS]]
    for c in _TEXT_COLUMNS:
        # Missing metadata is None (not NaN) whatever the pandas string default.
        df[c] = pd.Series([v if isinstance(v, str) else None for v in df[c]], dtype=object,
                          index=df.index)
    df["date"] = pd.to_datetime(df["date"])
    df["year"] = df["date"].dt.year.astype("Int64")
    df["n_chars"] = df["text"].str.len().astype("int64")
    df = df.sort_values("doc_id", kind="stable").reset_index(drop=True)
    skipped = pd.DataFrame(report.skipped, columns=["path", "line", "reason"])
    skipped["line"] = skipped["line"].astype("Int64")
    df.attrs["skipped"] = AttrsTable(skipped)
    df.attrs["auxiliary"] = AttrsTable(pd.DataFrame(report.auxiliary, columns=["path", "role"]))
    return df


def iter_collections(docs: pd.DataFrame) -> Iterable[tuple[str, pd.DataFrame]]:
    """Yield (collection, documents) pairs in name order."""
    yield from docs.groupby("collection", sort=True)
