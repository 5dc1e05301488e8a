"""Sentences and tokens with character offsets into the untouched document text.

The pipeline per document is:

1. **Blocks.** The text is cut into blocks at blank lines, Markdown list items and headings, and
   transcript speaker labels. A blank line that falls inside a sentence (the previous block ends
   without final punctuation and the next starts in lower case, as PDF extraction leaves in UN
   speeches) does not cut. Markdown markers (``#``, ``-``, ``1.``, ``>``), speaker labels ("THE
   PRESIDENT:", "SECRETARY GENERAL STOLTENBERG:", "Q") and horizontal rules stay outside every block.
2. **Sentences.** Each block is split by NLTK's Punkt, with parameters the toolkit learned from its
   own corpus (``scripts/train_punkt.py``; shipped in ``toolkit/data/punkt/``) plus the known
   abbreviations in :data:`KNOWN_ABBREVIATIONS`. Stage directions ("(Applause.)", "(Laughter.)"),
   time stamps ("5:23 P.M. EDT") and spans without a letter or digit are not sentences; stage
   directions at a sentence's edges are trimmed off it.
3. **Tokens.** NLTK's word tokenizer (the one behind ``word_tokenize``) with spans (its exact
   output, computed faster by :mod:`toolkit.word_tokenizer`), run on a same-length copy in which curly quotes are straight, so "NATO’s" gives "NATO" and
   "’s"; a final period left on a word inside a sentence ("on." before a closing quote) is split off
   unless the word is an abbreviation. URL parts of Markdown links are not tokens.

Every ``start``/``end`` slices the document's ``text`` exactly: ``text[start:end]``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd

from toolkit.resources import data_path

#: Columns of the sentences table (:func:`sentences`), in order.
SENTENCE_COLUMNS: tuple[str, ...] = ("doc_id", "sent_id", "start", "end", "text", "speaker",
                                     "para_id")
#: Columns of the tokens table (:func:`tokens`), in order.
TOKEN_COLUMNS: tuple[str, ...] = ("doc_id", "sent_id", "token_id", "start", "end", "token",
                                  "lower", "is_word")
#: Columns of the token counts table (:func:`token_counts`), in order.
TOKEN_COUNT_COLUMNS: tuple[str, ...] = ("doc_id", "n_tokens", "n_words")

#: Abbreviations added to the learned Punkt parameters (lower case, without the final period).
KNOWN_ABBREVIATIONS = frozenset(
    """u.s u.n u.k e.u d.c u.s.a u.s.s.r mr mrs ms dr gen lt col maj capt adm sgt cmdr gov sen rep
    st jr sr prof hon amb rev e.g i.e cf vs etc.al a.m p.m jan feb mar apr jun jul aug sep sept oct
    nov dec inc corp ltd co dept govt approx fig vol pp art para paras h.e h.r s.e ph.d
    """.split()
)

_HS = r"[^\S\r\n]"  # horizontal white space, no-break space included (White House texts use it)
_SPEAKER = re.compile(rf"(?P<label>Q|[A-Z][A-Z.'’\-]*(?:{_HS}+[A-Z][A-Z.'’\-]*){{0,6}}):(?:{_HS}+(?=\S)|{_HS}*$)")
_Q_LINE = re.compile(rf"Q(?:{_HS}{{1,8}}|:{_HS}*)(?=\S)")
_LIST = re.compile(rf"(?:#{{1,6}}|[-*+•]|\d{{1,3}}[.)]|>){_HS}+(?=\S)")
_RULE = re.compile(r"[ \t]*(?:[-*_][ \t]*){3,}$")
_STAGE = re.compile(r"\((?:[A-Z“\"][^()\n]{0,60}?)\.?\)")
#: A parenthesised Markdown link used as a citation: "([Watch](https://...))".
_CITE = re.compile(r"\(\[[^\]\n]{0,80}\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)\)\.?")
_TIME = re.compile(r"(?:END[ \t]+)?\d{1,2}:\d{2}[ \t]*[AP]\.?M\.?(?:[ \t]+[A-Z]{2,4})?\.?")
_HAS_WORD = re.compile(r"\w")
#: Punkt's sentence-end characters (``PunktLanguageVars.sent_end_chars``).
_SENT_END = re.compile(r"[.?!]")
_FINAL = re.compile(r"[.!?:;…\"”’)\]]\s*$")
_LINK_URL = re.compile(r"\]\((?:https?://|/|mailto:)[^)\s]*\)|https?://\S+")
#: Straight-quote twins of curly quotes: same length, so spans are unchanged.
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _label_ok(label: str) -> bool:
    """A speaker label: Q, or capitals with at least two letters and not a time stamp."""
    return label == "Q" or sum(ch.isalpha() for ch in label) >= 2


def blocks(text: str) -> Iterator[tuple[int, int, str | None, int]]:
    """Yield ``(start, end, speaker, para_id)`` of the text blocks of one document.

    ``speaker`` is the transcript speaker label in force (without the colon) or ``None``.

    Examples
    --------
    >>> t = "THE PRESIDENT:  Thank you.\\n\\nQ  Why?"
    >>> [(t[s:e], spk) for s, e, spk, _ in blocks(t)]
    [('Thank you.', 'THE PRESIDENT'), ('Why?', 'Q')]
    """
    # Labels alone on their line count only in transcripts (two or more inline labels), so a
    # salutation such as "DISTINGUISHED LADIES AND GENTLEMEN:" in a speech is not a speaker.
    transcript = _is_transcript(text)
    speaker: str | None = None
    para = -1
    pending: list[int] | None = None  # [start, end] of the block being built
    pending_speaker: str | None = None
    blank_since = False
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            blank_since = True
            continue
        lead = len(body) - len(body.lstrip())
        start = line_start + lead
        new_block = False
        new_speaker = speaker
        if _RULE.match(body):
            if pending:
                yield (*pending, pending_speaker, para)
                pending = None
            blank_since = False
            continue
        m = _SPEAKER.match(body, lead) or _Q_LINE.match(body, lead)
        if m and _label_ok(m.group(0).rstrip().rstrip(":")) and (transcript or m.end() < len(body)):
            new_speaker = m.group(0).rstrip().rstrip(":")
            start = line_start + m.end()
            new_block = True
        else:
            m = _LIST.match(body, lead)
            if m:
                start = line_start + m.end()
                new_block = True
        end = max(start, line_start + len(body.rstrip()))
        if pending is not None and not new_block:
            if blank_since:
                prev = text[pending[0]:pending[1]]
                joins = not _FINAL.search(prev) and text[start].islower()
                new_block = not joins
        if pending is None or new_block:
            if pending:
                yield (*pending, pending_speaker, para)
            para += 1
            pending = [start, end]
            speaker = new_speaker
            pending_speaker = speaker
        else:
            pending[1] = end
        blank_since = False
    if pending:
        yield (*pending, pending_speaker, para)


def _is_transcript(text: str) -> bool:
    found = 0
    for m in _LABEL_ANYWHERE.finditer(text):
        if _label_ok(m.group(1)):
            found += 1
            if found >= 2:
                return True
    return False


_LABEL_ANYWHERE = re.compile(rf"^{_HS}*(Q|[A-Z][A-Z.'’\-]*(?:{_HS}+[A-Z][A-Z.'’\-]*){{0,6}}):{_HS}+\S", re.M)


@lru_cache(maxsize=1)
def punkt_tokenizer():
    """The toolkit's Punkt sentence tokenizer (learned parameters plus known abbreviations)."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    path = data_path("punkt", "punkt_params.json")
    if path.exists():
        learned = json.loads(path.read_text(encoding="utf-8"))
        params.abbrev_types = {a for a in learned["abbrev_types"] if _plausible_abbreviation(a)}
        params.collocations = {tuple(c) for c in learned["collocations"]}
        params.sent_starters = set(learned["sent_starters"])
        params.ortho_context.update(learned["ortho_context"])
    params.abbrev_types |= KNOWN_ABBREVIATIONS
    return PunktSentenceTokenizer(params)


def _plausible_abbreviation(a: str) -> bool:
    """Keep learned abbreviations that look like ones ("e.g", "gen"), not rare words or numbers
    that happened to precede a period ("dakhla", "76/254")."""
    return a.replace(".", "").isalpha() and ("." in a or len(a) <= 4)


def _sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans of one block, stage directions and time stamps removed."""
    chunk = text[start:end]
    body = chunk.rstrip()
    if _SENT_END.search(body, 0, len(body) - 1) is None:
        # No ".", "?" or "!" before the last character: Punkt has no candidate break (it needs
        # an end character followed by more text) and returns the block as one sentence.
        spans = [(0, len(body))] if body else []
    else:
        spans = list(punkt_tokenizer().span_tokenize(chunk))
    spans = _merge_numbered(chunk, spans)
    for s, e in spans:
        s, e = _trim(chunk, s, e)
        if s < e and _HAS_WORD.search(chunk, s, e):
            yield start + s, start + e


_TITLE_END = re.compile(r"(?:^|[\s(“\"])(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Prof|Lt|Col|Maj|Capt|Adm|Sgt|"
                        r"Amb|Hon|Rev|H\.E|St)\.$")
_NUMBER_END = re.compile(r"\b(?:No|Nos|Art|Para|Vol|pp?)\.$")


def _merge_numbered(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo Punkt splits after a title ("Mr. President") or before a number ("No. 2334")."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        # The last 8 characters hold any title with the character before it (or the start).
        prev = chunk[max(out[-1][0], out[-1][1] - 8):out[-1][1]] if out else ""
        if out and (_TITLE_END.search(prev)
                    or (_NUMBER_END.search(prev) and chunk[s:s + 1].isdigit())):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _trim(chunk: str, s: int, e: int) -> tuple[int, int]:
    """Trim whitespace, stage directions and time stamps at both edges of a sentence span."""
    while True:
        while s < e and chunk[s].isspace():
            s += 1
        while e > s and chunk[e - 1].isspace():
            e -= 1
        m = _STAGE.match(chunk, s, e) or _TIME.match(chunk, s, e) or _CITE.match(chunk, s, e)
        if m and m.end() > s:
            s = m.end()
            continue
        tail = _tail_stage(chunk, s, e)
        if tail is not None:
            e = tail
            continue
        return s, e


def _tail_stage(chunk: str, s: int, e: int) -> int | None:
    if e - s < 3 or chunk[e - 1] not in ").":
        return None
    cite = chunk.rfind("([", s, e)
    if cite >= 0 and _CITE.fullmatch(chunk, cite, e):
        return cite
    if chunk[e - 1] != ")":
        return None
    open_ = chunk.rfind("(", s, e)
    if open_ < 0:
        return None
    m = _STAGE.fullmatch(chunk, open_, e)
    if not m:
        return None
    return open_


def sentences(docs: pd.DataFrame, *, progress: bool = True) -> pd.DataFrame:
    """Split documents into sentences with character offsets.

    Parameters
    ----------
    docs : DataFrame
        The documents table (at least ``doc_id`` and ``text``), e.g. from :func:`read_corpus`.
    progress : bool, default True
        Show a progress bar over documents.

    Returns
    -------
    DataFrame
        One row per sentence: ``doc_id``, ``sent_id`` (0-based within the document), ``start``,
        ``end`` (``text[start:end]`` of the document is the sentence), ``text``, ``speaker`` (the
        transcript speaker label in force, else ``None``) and ``para_id`` (0-based block number).

    Examples
    --------
    >>> from toolkit import read_corpus
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> sents = sentences(docs, progress=False)
    >>> sents.loc[3, "text"]
    '“We know that the Russians are reconstituting themselves at a rapid pace.'
    """
    from tqdm.auto import tqdm

    _require(docs, ["doc_id", "text"], "sentences")
    cols: dict[str, list] = {k: [] for k in SENTENCE_COLUMNS}
    for doc_id, text in tqdm(zip(docs["doc_id"], docs["text"]), total=len(docs),
                             desc="sentences", disable=not progress, unit="doc"):
        if not isinstance(text, str):
            raise ValueError(f"document {doc_id!r}: text must be a string, got {type(text).__name__}")
        sid = 0
        for bs, be, speaker, para in blocks(text):
            for s, e in _sentence_spans(text, bs, be):
                cols["doc_id"].append(doc_id)
                cols["sent_id"].append(sid)
                cols["start"].append(s)
                cols["end"].append(e)
                cols["text"].append(text[s:e])
                cols["speaker"].append(speaker)
                cols["para_id"].append(para)
                sid += 1
    out = pd.DataFrame(cols)
    for c in ("sent_id", "start", "end", "para_id"):
        out[c] = out[c].astype("int64")
    return out


@lru_cache(maxsize=1)
def _word_tokenizer():
    """NLTK's word tokenizer (:class:`toolkit.word_tokenizer.FastNLTKWordTokenizer`: NLTK's
    tokens and spans, computed with less work)."""
    from toolkit.word_tokenizer import FastNLTKWordTokenizer

    return FastNLTKWordTokenizer()


#: The word tokenizer of :func:`tokens`, built once per process and then reused.
default_word_tokenizer = _word_tokenizer


def _is_abbreviation(tok: str) -> bool:
    core = tok[:-1].lower()
    return "." in core or core in punkt_tokenizer()._params.abbrev_types or len(core) == 1


def word_spans(sentence: str) -> list[tuple[int, int]]:
    """Token spans of one sentence (NLTK's word tokenizer, see the module docstring).

    Examples
    --------
    >>> s = "NATO’s Allies said “no.”"
    >>> [s[a:b] for a, b in word_spans(s)]
    ['NATO', '’s', 'Allies', 'said', '“', 'no', '.', '”']
    """
    spans = _raw_spans(sentence)
    return [(a, b) for a, b in _split_final_periods(sentence, spans).tolist()]


def _raw_spans(text: str) -> np.ndarray:
    masked = _mask_urls(_straight_quotes(text))
    try:
        spans = _word_tokenizer().spans(masked)
    except (ValueError, LookupError, TimeoutError):
        # NLTK's alignment can fail on rare inputs: fall back to a word/punctuation regex.
        spans = np.asarray([m.span() for m in re.finditer(r"\w+(?:[-'’.]\w+)*|[^\w\s]",
                                                          masked)], dtype="int64").reshape(-1, 2)
    if masked is text or "\x00" not in masked:  # nothing masked: no span to drop
        return spans
    return spans[[masked[a] != "\x00" for a in spans[:, 0].tolist()]].reshape(-1, 2)


def replace_chars(text: str, table: dict[int, str]) -> str:
    """``text.translate(table)`` for a table of non-ASCII characters, several times faster.

    ``str.translate`` looks up every character in the table; ``str.replace`` per table entry
    scans in C, and an ASCII text (most sentences) has nothing to replace.

    Examples
    --------
    >>> print(replace_chars("NATO’s “deterrence”", _QUOTES))
    NATO's "deterrence"
    """
    if text.isascii():
        return text
    for code, new in table.items():
        old = chr(code)
        if old in text:
            text = text.replace(old, new)
    return text


def _straight_quotes(text: str) -> str:
    return replace_chars(text, _QUOTES)


def _split_final_periods(text: str, spans: np.ndarray) -> np.ndarray:
    """Split a word's final period off unless the word is an abbreviation (NLTK's tokenizer
    does this only at the very end of its input). ``spans`` is an (n, 2) array; only tokens
    ending in "word." can change, found through the text's periods (few)."""
    ends = np.fromiter(_period_ends(text), dtype="int64")
    if not len(ends) or not len(spans):
        return spans
    cand = np.flatnonzero(np.isin(spans[:, 1], ends) & (spans[:, 1] - spans[:, 0] > 1))
    split = [i for i in cand.tolist()
             if not _is_abbreviation(text[int(spans[i, 0]):int(spans[i, 1])])]
    if not split:
        return spans
    idx = np.asarray(split, dtype="int64")
    word = spans[idx].copy()
    word[:, 1] -= 1
    period = np.stack([spans[idx, 1] - 1, spans[idx, 1]], axis=1)
    out = spans.copy()
    out[idx] = word
    # insert each period right after its word (np.insert places rows before index i + 1)
    return np.insert(out, idx + 1, period, axis=0)


def _period_ends(text: str) -> Iterator[int]:
    """End offsets ``b`` with ``text[b - 1] == "."`` preceded by a letter or digit."""
    i = text.find(".", 1)
    while i != -1:
        if text[i - 1].isalnum():
            yield i + 1
        i = text.find(".", i + 1)


def _mask_urls(s: str) -> str:
    """Replace URL characters by NUL (same length) so they form no tokens."""
    if "http" not in s and "](" not in s:
        return s
    return _LINK_URL.sub(lambda m: m.group(0)[0] + "\x00" * (len(m.group(0)) - 1)
                         if m.group(0).startswith("]") else "\x00" * len(m.group(0)), s)


def _doc_token_spans(starts: np.ndarray, ends: np.ndarray, texts: list[str]):
    """Token spans of one document's sentences, tokenized in one call.

    The sentences are laid at their offsets on a blank canvas (the document with everything
    outside sentences blanked), so one NLTK call per document replaces one per sentence; a token
    never crosses a sentence end (it is cut there). Returns the sentence index, start and end
    arrays and the canvas (whose slices at the spans are the tokens).
    """
    canvas = [" "] * int(ends.max())
    for s0, text in zip(starts, texts):
        canvas[s0:s0 + len(text)] = text
    doc = "".join(canvas)
    spans = _split_final_periods(
        doc, _raw_spans(doc))
    a, b = spans[:, 0], spans[:, 1]
    idx = np.searchsorted(starts, a, side="right") - 1
    crossing = b > ends[idx]
    if crossing.any():  # rare: cut tokens at sentence ends
        rows = []
        for i, x, y in zip(idx, a, b):
            while x < y and i < len(starts):
                cut = min(y, int(ends[i]))
                if cut > x:
                    rows.append((i, x, cut))
                i += 1
                x = max(cut, int(starts[i])) if i < len(starts) else y
        idx, a, b = (np.asarray(c, dtype="int64") for c in zip(*rows))
    return idx, a, b, doc


def tokens(data: pd.DataFrame, *, progress: bool = True) -> pd.DataFrame:
    """Tokenize documents or sentences into one row per token with character offsets.

    Parameters
    ----------
    data : DataFrame
        Either the sentences table (``doc_id``, ``sent_id``, ``start``, ``end``, ``text``) or the
        documents table (``doc_id``, ``text``), which is split into sentences first.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    DataFrame
        ``doc_id``, ``sent_id``, ``token_id`` (0-based within the document), ``start``, ``end``
        (offsets into the document text), ``token`` (the text slice), ``lower`` and ``is_word``
        (the token holds a letter or digit).

    Examples
    --------
    >>> from toolkit import read_corpus
    >>> toks = tokens(read_corpus("corpus/seed", progress=False), progress=False)
    >>> toks.loc[:3, "token"].tolist()
    ['NATO', 'Secretary', 'General', 'Mark']
    """
    from toolkit.word_tokenizer import has_word_char

    doc_ids, sent_ids, starts, ends, toks, is_word = [], [], [], [], [], []
    for doc_id, sids, idx, a, b, doc in _tokenized_documents(data, "tokens", progress):
        doc_ids.append(np.full(len(a), doc_id, dtype=object))
        sent_ids.append(sids[idx])
        starts.append(a)
        ends.append(b)
        toks.extend([doc[x:y] for x, y in zip(a.tolist(), b.tolist())])
        is_word.append(has_word_char(doc, a, b))

    def cat(parts, dtype):
        return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype=dtype)

    out = pd.DataFrame({"doc_id": cat(doc_ids, object), "sent_id": cat(sent_ids, "int64"),
                        "start": cat(starts, "int64"), "end": cat(ends, "int64"),
                        "token": pd.Series(toks, dtype=object)})
    out.insert(2, "token_id", out.groupby("doc_id", sort=False).cumcount().astype("int64"))
    # Plain list comprehensions: pandas' string methods cost several times more here.
    out["lower"] = pd.Series([t.lower() for t in toks], dtype=object)
    out["is_word"] = cat(is_word, bool)
    return out[list(TOKEN_COLUMNS)]


def token_counts(data: pd.DataFrame, *, progress: bool = True) -> pd.DataFrame:
    """Tokens and words per document, as :func:`tokens` counts them, without the token table.

    The threat index needs only these counts; tokenizing without building (and writing) a row
    per token saves about a third of the tokenization cost on a large corpus.

    Parameters
    ----------
    data : DataFrame
        The sentences table or the documents table, as for :func:`tokens`.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    DataFrame
        One row per document with sentences, in order of first appearance: ``doc_id``,
        ``n_tokens`` and ``n_words`` (tokens with ``is_word``).

    Examples
    --------
    >>> sents = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "start": [0, 24],
    ...                       "end": [23, 31], "text": ["Russia's long-term aim.", "We met."]})
    >>> token_counts(sents, progress=False).to_dict("records")
    [{'doc_id': 'a', 'n_tokens': 8, 'n_words': 6}]
    """
    from toolkit.word_tokenizer import has_word_char

    ids, n_tok, n_word = [], [], []
    for doc_id, _, _, a, b, doc in _tokenized_documents(data, "token_counts", progress):
        ids.append(doc_id)
        n_tok.append(len(a))
        n_word.append(int(has_word_char(doc, a, b).sum()))
    return pd.DataFrame({"doc_id": pd.Series(ids, dtype=object),
                         "n_tokens": np.asarray(n_tok, dtype="int64"),
                         "n_words": np.asarray(n_word, dtype="int64")})


def _tokenized_documents(data: pd.DataFrame, what: str, progress: bool):
    """(doc_id, sent_ids, sentence index, starts, ends, canvas) per document
    (see :func:`_doc_token_spans`)."""
    from tqdm.auto import tqdm

    if "sent_id" not in data.columns:
        data = sentences(data, progress=progress)
    _require(data, ["doc_id", "sent_id", "start", "end", "text"], what)
    groups = data.groupby("doc_id", sort=False)
    for doc_id, part in tqdm(groups, total=groups.ngroups, desc=what,
                             disable=not progress, unit="doc"):
        part = part.sort_values("start")
        idx, a, b, doc = _doc_token_spans(part["start"].to_numpy(dtype="int64"),
                                          part["end"].to_numpy(dtype="int64"),
                                          part["text"].tolist())
        yield doc_id, part["sent_id"].to_numpy(), idx, a, b, doc


def _require(df: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}() needs columns {columns}; missing {missing}. "
                         f"Pass the table from read_corpus() or sentences().")
