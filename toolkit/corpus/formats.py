"""Documents stored as HTML pages, PDF files and Word (.docx) files: their text and metadata.

Each reader gives an :class:`Extracted` document (the text the toolkit analyses, the metadata
columns the file provides, format-specific details for ``meta``, and the parts it could not read)
or raises :class:`FormatError` with the reason the whole file cannot be read;
:func:`toolkit.read_corpus` turns them into documents rows and ``skipped`` entries. What ``text``
is, for each format (``start``/``end`` offsets of every later table are into this text; the file,
``path``, is its source, not its copy):

* **HTML** (``.html``, ``.htm``, ``.xhtml``): the page's main text as trafilatura extracts it --
  menus, headers, footers, cookie banners, share buttons and comments removed -- one block
  (paragraph, heading, list item, table row) per paragraph, separated by a blank line. ``title``,
  ``author``, ``date`` (the page's markup only: ``<meta>`` tags, JSON-LD, ``<time>``; never a date
  guessed from the text), ``url`` (the canonical URL) and ``source`` (the site name) come from the
  page's metadata where present; ``language`` from ``<html lang>`` (or ``Content-Language``).
* **PDF**: the text layer of each page (pypdf), pages separated by a blank line. A page without
  text (a scanned image) is reported as skipped with its number and the rest is kept; a file
  without any text is skipped. ``title`` and ``author`` come from the document information.
* **DOCX**: the body's paragraphs and tables in document order (python-docx), one paragraph per
  block separated by a blank line, a table row as its cells separated by tabs; headers, footers,
  footnotes and comments are not text. ``title`` and ``author`` come from the core properties.

PDF and DOCX files record when the *file* was made, not when the text was published (python-docx
writes 2013-12-23 into every file it makes): those dates go to ``meta`` (``created``,
``modified``), not to ``date``; give the date in ``collection.yaml`` (``defaults: date:``) or
convert the files to Markdown with a YAML header.

The libraries are the optional ``formats`` extra (``pip install 'discourse-toolkit[formats]'``);
without them a file of that type is skipped with a reason that says so.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FORMAT_SUFFIXES", "Extracted", "FormatError", "extract", "extract_docx",
           "extract_html", "extract_pdf", "minimal_pdf"]

#: File suffixes read by this module, and the format each is.
FORMAT_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf",
                   ".docx": "docx"}
_EXTRA = "install the toolkit's 'formats' extra: pip install 'discourse-toolkit[formats]'"
_PACKAGES = {"html": ("trafilatura", "trafilatura"), "pdf": ("pypdf", "pypdf"),
             "docx": ("docx", "python-docx")}


class FormatError(Exception):
    """The whole file cannot be read; ``str(error)`` is the reason for the skipped report."""


@dataclass
class Extracted:
    """One document read from an HTML, PDF or DOCX file.

    Attributes
    ----------
    text : str
        The text the toolkit analyses (see the module docstring for each format).
    fields : dict
        Documents-table columns the file gives (``title``, ``author``, ``date``, ``url``,
        ``source``, ``language``); missing ones are absent.
    meta : dict
        Format details kept as JSON in the ``meta`` column (``format``, ``pages``, ``created``...).
    problems : list of str
        Parts that could not be read (a PDF page without text); each becomes a skipped entry.
    """

    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _require(fmt: str) -> None:
    module, package = _PACKAGES[fmt]
    try:
        __import__(module)
    except ImportError:
        raise FormatError(f"reading .{fmt} files needs the {package} package, which is not "
                          f"installed; {_EXTRA}") from None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    s = re.sub(r"\s+", " ", str(value)).strip()
    return s or None


def _blocks(lines: list[str]) -> str:
    """Non-empty lines as paragraphs, separated by a blank line (what the segmenter reads as a
    paragraph break: a heading without a full stop is not glued to the next sentence)."""
    return "\n\n".join(line.strip() for line in lines if line.strip())


# -- HTML -------------------------------------------------------------------------------------

def _page_language(tree: Any) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        for meta in tree.iter("meta"):
            if (meta.get("http-equiv") or "").lower() == "content-language":
                lang = meta.get("content")
                break
    if not lang:
        return None
    from toolkit.corpus.language import language_code

    try:
        return language_code(lang.split(",")[0])
    except ValueError:
        return None  # an unreadable lang attribute is no information


def extract_html(source: str | Path | bytes) -> Extracted:
    """The main text and metadata of an HTML page (trafilatura), without its boilerplate.

    Parameters
    ----------
    source : str, Path or bytes
        The page's path, or its bytes (any encoding the page declares or trafilatura detects).

    Returns
    -------
    Extracted
        ``text`` is the page's main text, one block per paragraph (see the module docstring).

    Raises
    ------
    FormatError
        trafilatura is not installed, the file is not HTML, or the page has no main text (an
        index page, a page whose text is built by JavaScript).

    Examples
    --------
    >>> page = b'''<html lang="en-GB"><head><title>Talks | News</title>
    ... <meta name="author" content="Jane Smith"></head><body>
    ... <nav><a href="/">Home</a> <a href="/world">World</a></nav><article>
    ... <h1>Leaders meet in Moscow</h1>
    ... <p>The President said on Tuesday that the talks in Moscow had been constructive and that
    ... both sides would continue to work on a lasting agreement in the coming months.</p>
    ... </article><footer>Copyright 2024 Example News. All rights reserved.</footer>
    ... </body></html>'''
    >>> doc = extract_html(page)
    >>> doc.text.splitlines()[0], doc.fields["author"], doc.fields["language"]
    ('Leaders meet in Moscow', 'Jane Smith', 'en')
    >>> "Copyright" in doc.text or "Home" in doc.text
    False
    """
    _require("html")
    import trafilatura
    from trafilatura.utils import load_html

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    tree = load_html(data)
    if tree is None:
        raise FormatError("not an HTML page: no HTML markup could be parsed; check the file")
    language = _page_language(tree)
    doc = trafilatura.bare_extraction(
        # Precision over recall: boilerplate in `text` would be analysed as the page's discourse.
        tree, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True,
        # Dates from the page's markup only: no guess from the text or the URL.
        date_extraction_params={"extensive_search": False, "original_date": True})
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise FormatError("no main text found in the page (trafilatura extracted nothing: an "
                          "index or navigation page, or a page whose text is built by "
                          "JavaScript); save the article page itself")
    fields = {"title": _clean(doc.title), "author": _clean(doc.author),
              "date": _clean(doc.date), "url": _clean(doc.url),
              "source": _clean(doc.sitename) or _clean(doc.hostname), "language": language}
    meta = {"format": "html"}
    for k in ("description", "sitename", "hostname", "categories", "tags", "license",
              "pagetype"):
        v = getattr(doc, k, None)
        if v:
            meta[k] = v
    return Extracted(_blocks(text.split("\n")), {k: v for k, v in fields.items() if v}, meta)


# -- PDF --------------------------------------------------------------------------------------

def extract_pdf(source: str | Path | bytes) -> Extracted:
    """The text layer of a PDF file (pypdf), page by page.

    Parameters
    ----------
    source : str, Path or bytes
        The file's path or its bytes.

    Returns
    -------
    Extracted
        ``text``: the pages' text, separated by a blank line; ``problems`` names each page
        without a text layer (a scanned page), whose text is not in ``text``.

    Raises
    ------
    FormatError
        pypdf is not installed, the file is not a readable PDF, it is encrypted with a
        password, or no page has a text layer.

    Examples
    --------
    >>> doc = extract_pdf(minimal_pdf(["NATO allies met in Vilnius.", None], title="Summit"))
    >>> doc.text, doc.fields["title"], doc.problems  # doctest: +NORMALIZE_WHITESPACE
    ('NATO allies met in Vilnius.', 'Summit',
     ['page 2 of 2: no text layer (a scanned or image-only page), so its text is not in the
       document; run OCR on the file (e.g. ocrmypdf) to add one'])
    """
    _require("pdf")
    import pypdf
    from pypdf.errors import PdfReadError

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FormatError("the PDF is encrypted with a password; save an unprotected copy")
        pages = list(reader.pages)
        info = reader.metadata
    except FormatError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise FormatError(f"not a readable PDF ({type(e).__name__}: {e}); check that the file "
                          f"is a complete PDF, or re-export it") from None
    except Exception as e:  # noqa: BLE001 - pypdf raises many types on broken files
        raise FormatError(f"not a readable PDF ({type(e).__name__}: {e}); check that the file "
                          f"is a complete PDF, or re-export it") from None
    texts, problems = [], []
    n = len(pages)
    for i, page in enumerate(pages, start=1):
        try:
            t = page.extract_text() or ""
        except Exception as e:  # noqa: BLE001 - one broken page must not lose the others
            problems.append(f"page {i} of {n}: its text could not be extracted "
                            f"({type(e).__name__}: {e}); the other pages were read")
            continue
        if t.strip():
            texts.append(t.strip("\n"))
        else:
            problems.append(f"page {i} of {n}: no text layer (a scanned or image-only page), so "
                            f"its text is not in the document; run OCR on the file (e.g. "
                            f"ocrmypdf) to add one")
    if not texts:
        raise FormatError(f"no text layer on any of its {n} page{'s' if n != 1 else ''} (a "
                          f"scanned document?); run OCR on the file (e.g. ocrmypdf) to add one"
                          if n else "the PDF has no pages")
    fields, meta = {}, {"format": "pdf", "pages": n}
    if info is not None:
        for key, col in (("/Title", "title"), ("/Author", "author")):
            v = _clean(info.get(key))
            if v:
                fields[col] = v
        for key, name in (("/CreationDate", "created"), ("/ModDate", "modified"),
                          ("/Producer", "producer"), ("/Subject", "subject")):
            v = _clean(info.get(key))
            if v:
                meta[name] = v
    return Extracted("\n\n".join(texts), fields, meta, problems)


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def minimal_pdf(pages: list[str | None], *, title: str | None = None) -> bytes:
    """A small PDF: one page per item, with that text as its text layer, or (``None``) an
    image-only page without text, as a scanner makes. For tests and examples.

    Text is set in Helvetica, one line per line of the string (Latin-1 characters only).

    Examples
    --------
    >>> minimal_pdf(["Hello."])[:8]
    b'%PDF-1.4'
    """
    objs: dict[int, bytes] = {}
    font, image = 3, 4
    objs[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica " \
                 b"/Encoding /WinAnsiEncoding >>"
    objs[image] = (b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace "
                   b"/DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
    kids = []
    nxt = 5
    for text in pages:
        page, content = nxt, nxt + 1
        nxt += 2
        if text is None:
            stream = b"q 200 0 0 200 100 400 cm /Im1 Do Q"
        else:
            lines = " T* ".join(f"{_pdf_string(line)} Tj" for line in text.split("\n"))
            stream = f"BT /F1 12 Tf 14 TL 72 720 Td {lines} ET".encode("latin-1")
        objs[content] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                      b"<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> "
                      b"/Contents %d 0 R >>" % content)
        kids.append(page)
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info = None
    if title is not None:
        info = nxt
        objs[info] = b"<< /Title " + _pdf_string(title).encode("latin-1") + b" >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    trailer = b"<< /Size %d /Root 1 0 R" % size + (b" /Info %d 0 R" % info if info else b"")
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# -- DOCX -------------------------------------------------------------------------------------

def extract_docx(source: str | Path | bytes) -> Extracted:
    """The body text of a Word .docx file (python-docx): paragraphs and tables in order.

    Parameters
    ----------
    source : str, Path or bytes
        The file's path or its bytes.

    Returns
    -------
    Extracted

    Raises
    ------
    FormatError
        python-docx is not installed, or the file is not a readable .docx (an old binary .doc,
        a damaged file).

    Examples
    --------
    >>> import io, docx
    >>> d = docx.Document()
    >>> d.core_properties.title = "Statement"
    >>> _ = d.add_heading("Statement on the summit", 1)
    >>> _ = d.add_paragraph("The allies agreed to raise defence spending.")
    >>> buf = io.BytesIO(); d.save(buf)
    >>> doc = extract_docx(buf.getvalue())
    >>> doc.text.split("\\n\\n"), doc.fields["title"]
    (['Statement on the summit', 'The allies agreed to raise defence spending.'], 'Statement')
    """
    _require("docx")
    import docx
    from docx.table import Table

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - zipfile, lxml and python-docx errors alike
        raise FormatError(f"not a readable .docx file ({type(e).__name__}: {e}); an old .doc "
                          f"file must be saved as .docx first") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                if any(cells):
                    lines.append("\t".join(cells))
        else:
            lines.append(block.text)
    text = _blocks(lines)
    if not text:
        raise FormatError("empty document: the .docx body has no text")
    core = document.core_properties
    fields = {k: v for k, v in (("title", _clean(core.title)), ("author", _clean(core.author)))
              if v}
    meta: dict[str, Any] = {"format": "docx"}
    for name in ("created", "modified"):
        v = getattr(core, name, None)
        if v is not None:
            meta[name] = v.isoformat()
    if _clean(core.language):
        meta["language"] = _clean(core.language)  # Word's editing language, not the text's
    return Extracted(text, fields, meta)


_READERS = {"html": extract_html, "pdf": extract_pdf, "docx": extract_docx}


def extract(path: str | Path) -> Extracted:
    """Read an HTML, PDF or DOCX file by its suffix (:data:`FORMAT_SUFFIXES`).

    Raises
    ------
    FormatError
        The file cannot be read (the message is the reason), or its suffix is not one of these.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "report.pdf"
    >>> _ = p.write_bytes(minimal_pdf(["Threats to the Alliance."]))
    >>> extract(p).text
    'Threats to the Alliance.'
    """
    p = Path(path)
    fmt = FORMAT_SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise FormatError(f"not an HTML, PDF or DOCX file: {p.suffix or '(no suffix)'}")
    try:
        return _READERS[fmt](p)
    except OSError as e:
        raise FormatError(f"cannot read the file ({e.strerror or e})") from None
