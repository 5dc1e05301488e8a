"""Keyword in context (KWIC): concordance lines for words, phrases and glob patterns.

``kwic(tokens, "threat*")`` returns one row per match with the left context (``pre``), the matched
text (``keyword``) and the right context (``post``), the match's ``doc_id``, ``sent_id``,
``token_id`` and character offsets. The result is a :class:`Concordance`, a DataFrame that Jupyter
shows as aligned concordance lines (keyword centred); :func:`kwic_text` gives the same lines as
plain text.

Patterns
--------
A pattern is one or more words separated by spaces. Each word is matched against whole tokens
(case-insensitively unless ``case=True``):

* a plain word (``"threat"``) matches that token; a word the tokenizer would split is split the
  same way (``"NATO's"`` is the two tokens ``NATO`` ``'s``);
* a glob (``*`` any characters, ``?`` one character, ``[abc]`` one of the characters, as in
  :mod:`fnmatch`) matches every token of the vocabulary it fits: ``"threat*"``, ``"*-up"``;
* several words match consecutive tokens: ``"war of aggression"``, ``"nuclear threat*"``.

How matching works (and why it is fast): the token column is encoded once into integer codes over
its vocabulary; each pattern word becomes a boolean lookup table over the vocabulary (a glob is
tested once per vocabulary entry, not once per token), the first word's table selects candidate
positions in one numpy step, and the following words are verified at ``position + k``. There is no
loop over documents.

Context and reconstruction
--------------------------
``pre``, ``keyword`` and ``post`` are rebuilt from the tokens and their offsets: two tokens are
joined by a single space when the original text has anything between them (white space of any
length, line breaks, or text that is not a token such as a URL) and by nothing when they touch
(``NATO`` + ``’s`` -> ``NATO’s``). The window counts tokens, punctuation included. With
``unit="token"`` windows and multi-word matches stop at the document's edge; with
``unit="sentence"`` they stop at the sentence's edge, so a phrase cannot match across a sentence
boundary.

The helpers here (:class:`TokenIndex`, :func:`match_patterns`) are shared by
:mod:`toolkit.collocations`, :mod:`toolkit.keyness` and :mod:`toolkit.frequency`.
"""
from __future__ import annotations

import fnmatch
import html
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import check_choice

__all__ = ["MAX_CACHED_INDEXES", "Concordance", "TokenIndex", "clear_token_indexes", "kwic",
           "kwic_html", "kwic_text", "match_patterns", "token_index"]

#: Document columns attached to KWIC lines when ``docs`` is given (those present are used).
META_COLUMNS = ("collection", "date", "year", "speaker", "country", "iso3", "title")

KWIC_COLUMNS = ["doc_id", "sent_id", "token_id", "start", "end", "pre", "keyword", "post",
                "pattern"]

_GLOB_CHARS = re.compile(r"[*?\[]")
_TOKEN_COLUMNS = ["doc_id", "sent_id", "token_id", "start", "end", "token", "lower"]


# --------------------------------------------------------------------------------------------
# Token arrays: the tokens table as numpy arrays and vocabulary codes (built per call)
# --------------------------------------------------------------------------------------------

def _factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (int32) and uniques (object array) of a column (missing values get a code)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int32, copy=False), np.asarray(uniques, dtype=object)


class TokenIndex:
    """The tokens table as numpy arrays for vectorized queries.

    Each instrument builds one from the tokens table it is given, or takes one built by
    :func:`token_index` to skip that work; nothing is kept anywhere else. :meth:`codes` gives
    integer codes over the vocabulary of ``lower`` (or ``token``), built on first use; ``doc``
    holds codes into ``doc_ids``. The rows must be in document order (as :func:`toolkit.tokens`
    returns them); a table whose ``token_id`` runs backwards inside a document is sorted first.

    Parameters
    ----------
    toks : DataFrame
        The tokens table (``doc_id``, ``sent_id``, ``token_id``, ``start``, ``end``, ``token``,
        ``lower``; ``is_word`` is computed when missing).
    """

    def __init__(self, toks: pd.DataFrame):
        missing = [c for c in ["doc_id", "sent_id", "token_id", "start", "end", "lower"]
                   if c not in toks.columns]
        if missing:
            raise ValueError(f"a tokens table needs columns {_TOKEN_COLUMNS}; missing {missing}. "
                             "Pass the table from toolkit.tokens() (or a documents table).")
        toks = toks.reset_index(drop=True)
        doc, doc_ids = _factorize(toks["doc_id"])
        token_id = toks["token_id"].to_numpy(dtype=np.int64)
        if len(toks) > 1:
            same = doc[1:] == doc[:-1]
            if np.any(token_id[1:][same] <= token_id[:-1][same]):
                order = np.lexsort((token_id, doc))
                toks = toks.iloc[order].reset_index(drop=True)
                doc, token_id = doc[order], token_id[order]
        self._segments: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.table = toks
        self.doc_dtype = toks["doc_id"].dtype
        self.n = len(toks)
        self.doc = doc
        self.doc_ids = doc_ids
        self.token_id = token_id
        self.sent = toks["sent_id"].to_numpy(dtype=np.int64)
        self.start = toks["start"].to_numpy(dtype=np.int64)
        self.end = toks["end"].to_numpy(dtype=np.int64)
        if "is_word" in toks.columns:
            self.is_word = toks["is_word"].to_numpy(dtype=bool)
        else:
            self.is_word = toks["token" if "token" in toks.columns else "lower"].str.contains(
                r"\w", regex=True).to_numpy(dtype=bool)

    # segment boundaries ---------------------------------------------------------------
    def new_segment(self, unit: str) -> np.ndarray:
        """Boolean array: the token starts a new document (``unit="token"``/``"document"``) or a
        new sentence (``unit="sentence"``)."""
        flag = np.ones(self.n, dtype=bool)
        if self.n > 1:
            flag[1:] = self.doc[1:] != self.doc[:-1]
            if unit == "sentence":
                flag[1:] |= self.sent[1:] != self.sent[:-1]
        return flag

    def segments(self, unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(segment id per token, first index, end index (exclusive))`` of each segment
        (documents, or sentences for ``unit="sentence"``); computed once per unit."""
        key = "sentence" if unit == "sentence" else "document"
        if key not in self._segments:
            flag = self.new_segment(key)
            starts = np.flatnonzero(flag)
            ends = np.append(starts[1:], self.n)
            self._segments[key] = (np.cumsum(flag) - 1, starts, ends)
        return self._segments[key]

    # vocabulary -----------------------------------------------------------------------
    @cached_property
    def _lower(self) -> tuple[np.ndarray, np.ndarray]:
        return _factorize(self.table["lower"])

    @cached_property
    def _cased(self) -> tuple[np.ndarray, np.ndarray]:
        if "token" not in self.table.columns:
            raise ValueError("case=True needs the 'token' column of the tokens table")
        return _factorize(self.table["token"])

    def codes(self, case: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, vocab)``: vocabulary codes of ``token`` (``case=True``) or ``lower``."""
        return self._cased if case else self._lower

    # text -----------------------------------------------------------------------------
    @cached_property
    def _token_arrow(self):
        import pyarrow as pa

        col = self.table["token"] if "token" in self.table.columns else self.table["lower"]
        arr = col.array
        out = pa.array(arr) if hasattr(arr, "__arrow_array__") else pa.array(col.astype(object))
        if isinstance(out, pa.ChunkedArray):
            out = out.combine_chunks()
        return out.cast(pa.large_string())

    def join(self, lo: np.ndarray, hi: np.ndarray) -> list[str]:
        """Text of the token ranges ``[lo, hi)`` (one string per range), rebuilt from the tokens:
        a single space where the text has a gap between two tokens, nothing where they touch."""
        import pyarrow as pa
        import pyarrow.compute as pc

        lo = np.asarray(lo, dtype=np.int64)
        lengths = np.maximum(np.asarray(hi, dtype=np.int64) - lo, 0)
        if len(lo) == 0:
            return []
        offsets = np.zeros(len(lo) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        total = int(offsets[-1])
        if total == 0:
            return [""] * len(lo)
        within = np.arange(total, dtype=np.int64) - np.repeat(offsets[:-1], lengths)
        flat = np.repeat(lo, lengths) + within
        last = within == np.repeat(lengths, lengths) - 1
        gap = np.zeros(total, dtype=bool)
        inner = ~last
        gap[inner] = self.start[flat[inner] + 1] > self.end[flat[inner]]
        pieces = self._token_arrow.take(pa.array(flat))
        blank, space = pa.scalar("", pa.large_string()), pa.scalar(" ", pa.large_string())
        pieces = pc.binary_join_element_wise(pieces, pc.if_else(pa.array(gap), space, blank), blank)
        lists = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), pieces)
        return pc.binary_join(lists, blank).to_pylist()


def token_index(data: pd.DataFrame | TokenIndex) -> TokenIndex:
    """Build the reusable :class:`TokenIndex` of a tokens table (or a documents table, which is
    tokenized first).

    Every instrument (:func:`kwic`, :func:`~toolkit.collocations.collocations`,
    :func:`~toolkit.collocations.collocates`, :func:`~toolkit.keyness.keyness`,
    :func:`~toolkit.frequency.term_frequency`, :func:`~toolkit.frequency.dispersion`) accepts the
    index in place of the tokens table. Building it (a few seconds on the ten-million-token
    corpus) is most of the time of a query, so pass it when you run many queries on one corpus.

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> index = token_index(tokens(read_corpus("corpus/seed", progress=False), progress=False))
    >>> len(kwic(index, "Rutte")), len(kwic(index, "Russia*"))
    (7, 7)
    """
    index, _ = as_index(data)
    index.codes(False)  # build the vocabulary codes now, once
    return index


#: Token indexes of the documents tables queried last in this process, by corpus fingerprint.
_INDEXES: OrderedDict[str, TokenIndex] = OrderedDict()
#: How many corpora's indexes :func:`as_index` keeps in memory (the index of ``corpus/`` takes
#: about a gigabyte; :func:`clear_token_indexes` frees them).
MAX_CACHED_INDEXES = 2


def clear_token_indexes() -> None:
    """Forget the token indexes that instruments called with a documents table keep in memory."""
    _INDEXES.clear()


def _documents_index(docs: pd.DataFrame) -> TokenIndex:
    """The token index of a documents table, memoized in the process by the documents' ids and
    texts, its tokens table read from (or written to) the on-disk cache of the stage graph, so
    a second query on the same corpus does not tokenize it again, in this session or the next."""
    from toolkit.engine.cache import corpus_fingerprint
    from toolkit.engine.graph import GraphRun

    key = corpus_fingerprint(docs)
    if key in _INDEXES:
        _INDEXES.move_to_end(key)
        return _INDEXES[key]
    index = TokenIndex(GraphRun({"documents": docs}, progress=False)["tokens"])
    index.codes(False)
    _INDEXES[key] = index
    while len(_INDEXES) > MAX_CACHED_INDEXES:
        _INDEXES.popitem(last=False)
    return index


def as_index(data: pd.DataFrame | TokenIndex) -> tuple[TokenIndex, pd.DataFrame | None]:
    """``(index, docs)``: the :class:`TokenIndex` of a tokens table (docs ``None``), of a
    documents or sentences table (tokenized; docs is the documents table when ``data`` is one),
    or the index itself.

    A documents table's index is kept: in memory for the last :data:`MAX_CACHED_INDEXES`
    corpora of the process, and its tokens table in the stage graph's on-disk cache
    (``TOOLKIT_CACHE_DIR``), so repeated queries on one corpus tokenize it once.
    """
    if isinstance(data, TokenIndex):
        return data, None
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a tokens or documents DataFrame, got {type(data).__name__}")
    if "token_id" in data.columns:
        return TokenIndex(data), None
    if "text" in data.columns and "doc_id" in data.columns:
        if "sent_id" not in data.columns:
            return _documents_index(data), data
        from toolkit.segment import tokens

        return TokenIndex(tokens(data, progress=False)), None
    raise ValueError("expected the tokens table (toolkit.tokens) or the documents table "
                     f"(toolkit.read_corpus); got columns {list(data.columns)}")


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------

def pattern_words(pattern: str, *, case: bool = False) -> list[str]:
    """The token patterns of one pattern string (see the module docstring).

    Examples
    --------
    >>> pattern_words("War of aggression")
    ['war', 'of', 'aggression']
    >>> pattern_words("NATO's threat*")
    ['nato', "'s", 'threat*']
    """
    from toolkit.segment import word_spans

    if not isinstance(pattern, str):
        raise TypeError(f"a pattern must be a string, got {type(pattern).__name__}: {pattern!r}")
    words: list[str] = []
    for piece in pattern.split():
        if _GLOB_CHARS.search(piece):
            words.append(piece)
        else:
            piece = piece.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
            words.extend(piece[a:b] for a, b in word_spans(piece))
    if not words:
        raise ValueError(f"empty pattern {pattern!r}: give a word, a phrase or a glob such as "
                         "'threat*'")
    return words if case else [w.lower() for w in words]


def _normalise_patterns(pattern: str | Sequence[str]) -> list[str]:
    if isinstance(pattern, str):
        patterns = [pattern]
    elif isinstance(pattern, Sequence | pd.Series | np.ndarray | set | frozenset):
        patterns = list(dict.fromkeys(pattern))
    else:
        raise TypeError(f"pattern must be a string or a list of strings, got {pattern!r}")
    if not patterns:
        raise ValueError("empty pattern list: give at least one word, phrase or glob")
    for p in patterns:
        pattern_words(p)  # validates
    return patterns


def _word_table(word: str, vocab: np.ndarray, lookup: pd.Index, case: bool) -> np.ndarray:
    """Boolean table over the vocabulary: which entries the pattern word matches."""
    table = np.zeros(len(vocab), dtype=bool)
    if _GLOB_CHARS.search(word):
        rx = re.compile(fnmatch.translate(word), 0 if case else re.IGNORECASE)
        table[[i for i, v in enumerate(vocab) if isinstance(v, str) and rx.match(v)]] = True
        return table
    variants = {word, word.replace("'", "’"), word.replace('"', "“"), word.replace('"', "”")}
    hits = lookup.get_indexer(list(variants))
    table[hits[hits >= 0]] = True
    return table


@dataclass
class Matches:
    """Matches of patterns in :class:`TokenIndex`: ``first``/``last`` token index (rows of the
    table), ``pattern`` index into ``patterns``; sorted by position, then pattern."""

    first: np.ndarray
    last: np.ndarray
    pattern: np.ndarray
    patterns: list[str]


def match_patterns(arrays: TokenIndex, pattern: str | Sequence[str], *,
                   case: bool = False, unit: str = "token") -> Matches:
    """Find every match of one or more patterns (vectorized; see the module docstring).

    Parameters
    ----------
    arrays : TokenIndex
        The tokens as arrays.
    pattern : str or list of str
        Words, phrases or globs.
    case : bool, default False
        Match case-sensitively (against ``token`` instead of ``lower``).
    unit : {"token", "sentence"}
        ``"sentence"``: a multi-word match must lie inside one sentence (it never crosses a
        document boundary in either case).
    """
    patterns = _normalise_patterns(pattern)
    codes, vocab = arrays.codes(case)
    lookup = pd.Index(vocab)
    seg, _, _ = arrays.segments(unit)
    firsts, lasts, pats = [], [], []
    for k, p in enumerate(patterns):
        words = pattern_words(p, case=case)
        tables = [_word_table(w, vocab, lookup, case) for w in words]
        cand = np.flatnonzero(tables[0][codes])
        for j, table in enumerate(tables[1:], start=1):
            nxt = cand + j
            ok = nxt < arrays.n
            cand, nxt = cand[ok], nxt[ok]
            ok = (seg[nxt] == seg[cand]) & table[codes[nxt]]
            cand = cand[ok]
        firsts.append(cand)
        lasts.append(cand + len(words) - 1)
        pats.append(np.full(len(cand), k, dtype=np.int64))
    first = np.concatenate(firsts)
    last = np.concatenate(lasts)
    pat = np.concatenate(pats)
    order = np.lexsort((pat, first))
    return Matches(first[order], last[order], pat[order], patterns)


# --------------------------------------------------------------------------------------------
# KWIC
# --------------------------------------------------------------------------------------------

class Concordance(pd.DataFrame):
    """A KWIC table (a DataFrame) that Jupyter shows as concordance lines, keyword centred.

    Everything a DataFrame does works (filtering keeps the class); ``_repr_html_`` renders
    :func:`kwic_html` while the ``pre``, ``keyword`` and ``post`` columns are present, and the
    usual DataFrame table otherwise.
    """

    @property
    def _constructor(self):
        return Concordance

    def _repr_html_(self) -> str | None:
        if {"pre", "keyword", "post"} <= set(self.columns):
            limit = pd.get_option("display.max_rows") or 60
            return kwic_html(self, max_rows=limit)
        return super()._repr_html_()

    def to_text(self, *, width: int = 40, max_rows: int | None = None) -> str:
        """Aligned plain-text lines (see :func:`kwic_text`)."""
        return kwic_text(self, width=width, max_rows=max_rows)


def kwic(data: pd.DataFrame, pattern: str | Sequence[str], *, window: int = 5,
         unit: Literal["token", "sentence"] = "token", case: bool = False,
         docs: pd.DataFrame | None = None) -> Concordance:
    """Keyword-in-context lines for words, phrases and glob patterns.

    Parameters
    ----------
    data : DataFrame or TokenIndex
        The tokens table (:func:`toolkit.tokens`), its :func:`token_index` (faster for repeated
        queries), or a documents table, which is tokenized (and then also used as ``docs``).
    pattern : str or list of str
        A word (``"threat"``), a phrase (``"war of aggression"``), a glob (``"threat*"``,
        ``"*-up"``) or a list of them; see the module docstring.
    window : int, default 5
        Tokens of context on each side (punctuation counts as a token).
    unit : {"token", "sentence"}, default "token"
        ``"token"``: contexts run to ``window`` tokens within the document and phrases may span a
        sentence boundary. ``"sentence"``: matches and contexts stay inside the sentence.
    case : bool, default False
        Match case-sensitively.
    docs : DataFrame, optional
        The documents table; its ``collection``, ``date``, ``year``, ``speaker``, ``country``,
        ``iso3`` and ``title`` columns (those present) are attached to each line.

    Returns
    -------
    Concordance
        A DataFrame with one row per match, in corpus order: ``doc_id``, ``sent_id`` and
        ``token_id`` of the first keyword token, ``start``/``end`` (character offsets of the
        keyword in the document text), ``pre``, ``keyword``, ``post`` (rebuilt from the tokens:
        one space where the text has a gap, see the module docstring), ``pattern`` (the pattern
        that matched), then the document columns. No match gives an empty table with these
        columns.

    Raises
    ------
    ValueError
        An empty pattern (or list), a negative window, an unknown ``unit``.

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> toks = tokens(docs, progress=False)
    >>> lines = kwic(toks, "threat*", window=3)
    >>> lines[["pre", "keyword", "post"]].iloc[0].tolist()
    ['highlighted growing security', 'threats', 'from Russia,']
    >>> kwic(toks, "war of aggression", docs=docs)[["keyword", "collection"]].iloc[0].tolist()
    ['war of aggression', 'seed']
    """
    check_choice("unit", unit, ["token", "sentence"])
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 0:
        raise ValueError(f"window must be a non-negative integer, got {window!r}")
    arrays, data_docs = as_index(data)
    if docs is None:
        docs = data_docs
    m = match_patterns(arrays, pattern, case=case, unit=unit)
    seg, seg_start, seg_end = arrays.segments(unit)
    s = seg[m.first] if len(m.first) else np.empty(0, dtype=np.int64)
    lo = np.maximum(m.first - window, seg_start[s]) if len(s) else m.first
    hi = np.minimum(m.last + 1 + window, seg_end[s]) if len(s) else m.first
    out = pd.DataFrame({
        "doc_id": pd.Series(arrays.doc_ids[arrays.doc[m.first]], dtype=arrays.doc_dtype),
        "sent_id": arrays.sent[m.first],
        "token_id": arrays.token_id[m.first],
        "start": arrays.start[m.first],
        "end": arrays.end[m.last],
        "pre": pd.Series(arrays.join(lo, m.first), dtype="str"),
        "keyword": pd.Series(arrays.join(m.first, m.last + 1), dtype="str"),
        "post": pd.Series(arrays.join(m.last + 1, hi), dtype="str"),
        "pattern": pd.Series(np.asarray(m.patterns, dtype=object)[m.pattern], dtype="str"),
    }, columns=KWIC_COLUMNS)
    if docs is not None:
        out = attach_metadata(out, docs)
    return Concordance(out)


def attach_metadata(table: pd.DataFrame, docs: pd.DataFrame,
                    columns: Sequence[str] = META_COLUMNS) -> pd.DataFrame:
    """``table`` with the document columns (those present in ``docs``) joined on ``doc_id``."""
    if "doc_id" not in docs.columns:
        raise ValueError("docs needs a 'doc_id' column (pass the table from read_corpus())")
    cols = [c for c in columns if c in docs.columns and c not in table.columns]
    meta = pd.DataFrame({c: docs[c].to_numpy() for c in ["doc_id", *cols]})
    meta = meta.drop_duplicates("doc_id").astype({"doc_id": object})
    plain = pd.DataFrame(table)
    plain.attrs = {}
    out = plain.astype({"doc_id": object}).merge(meta, on="doc_id", how="left",
                                                               validate="many_to_one")
    out["doc_id"] = out["doc_id"].astype(table["doc_id"].dtype)
    return out


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

def _clip_left(s: str, width: int) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= width else "…" + s[len(s) - width + 1:]


def _clip_right(s: str, width: int) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= width else s[:width - 1] + "…"


def kwic_text(df: pd.DataFrame, *, width: int = 40, max_rows: int | None = None,
              show_doc: bool = False) -> str:
    """Concordance lines as aligned plain text: ``pre`` right-aligned, ``keyword`` centred,
    ``post`` left-aligned, each context clipped to ``width`` characters (``…`` marks a cut).

    Parameters
    ----------
    df : DataFrame
        A :func:`kwic` table.
    width : int, default 40
        Characters of context on each side.
    max_rows : int, optional
        Show only the first lines (a last line says how many were left out).
    show_doc : bool, default False
        Prefix each line with its ``doc_id``.

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> toks = tokens(read_corpus("corpus/seed", progress=False), progress=False)
    >>> print(kwic_text(kwic(toks, "threat", window=4), width=30))
        Russia remains a long-term  threat  to NATO, and
    """
    if not {"pre", "keyword", "post"} <= set(df.columns):
        raise ValueError("kwic_text() needs the pre, keyword and post columns of a kwic() table")
    rows = df if max_rows is None else df.head(max_rows)
    if len(rows) == 0:
        return "(no matches)"
    kws = [" ".join(str(k).split()) for k in rows["keyword"]]
    kw_width = max(len(k) for k in kws)
    docs = [str(d) for d in rows["doc_id"]] if show_doc else None
    doc_width = max(len(d) for d in docs) if docs else 0
    lines = []
    for i, (pre, kw, post) in enumerate(zip(rows["pre"], kws, rows["post"])):
        line = f"{_clip_left(pre, width):>{width}}  {kw:^{kw_width}}  {_clip_right(post, width)}"
        if docs:
            line = f"{docs[i]:<{doc_width}}  {line}"
        lines.append(line.rstrip())
    if len(rows) < len(df):
        lines.append(f"... {len(df) - len(rows):,} more lines")
    return "\n".join(lines)


def kwic_html(df: pd.DataFrame, *, width: int = 60, max_rows: int | None = 60,
              meta: Sequence[str] = ("doc_id", "date", "speaker", "country")) -> str:
    """Concordance lines as an HTML table: context right- and left-aligned around the keyword,
    which is bold and centred; ``meta`` columns (those present) come first.

    Parameters
    ----------
    df : DataFrame
        A :func:`kwic` table.
    width : int, default 60
        Characters of context shown on each side.
    max_rows : int or None, default 60
        Lines shown (a caption gives the total).
    meta : sequence of str
        Columns shown before the line.

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> toks = tokens(read_corpus("corpus/seed", progress=False), progress=False)
    >>> kwic_html(kwic(toks, "threat")).startswith("<div")
    True
    """
    if not {"pre", "keyword", "post"} <= set(df.columns):
        raise ValueError("kwic_html() needs the pre, keyword and post columns of a kwic() table")
    rows = df if max_rows is None else df.head(max_rows)
    meta = [c for c in meta if c in df.columns]
    esc = html.escape
    cell = "padding:1px 6px;white-space:nowrap;"
    head = "".join(f"<th style='{cell}text-align:left'>{esc(c)}</th>" for c in meta)
    head += (f"<th style='{cell}text-align:right'>pre</th><th style='{cell}text-align:center'>"
             f"keyword</th><th style='{cell}text-align:left'>post</th>")
    body = []
    for _, r in rows.iterrows():
        tds = []
        for c in meta:
            v = r[c]
            if isinstance(v, pd.Timestamp):
                v = v.date().isoformat()
            shown = "" if v is None or (isinstance(v, float) and np.isnan(v)) else esc(str(v))
            tds.append(f"<td style='{cell}text-align:left;color:#666'>{shown}</td>")
        tds.append(f"<td style='{cell}text-align:right'>{esc(_clip_left(r['pre'], width))}</td>")
        tds.append(f"<td style='{cell}text-align:center;font-weight:bold;color:#b00'>"
                   f"{esc(' '.join(str(r['keyword']).split()))}</td>")
        tds.append(f"<td style='{cell}text-align:left'>{esc(_clip_right(r['post'], width))}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    caption = f"{len(df):,} concordance lines" + (
        f" (first {len(rows):,} shown)" if len(rows) < len(df) else "")
    return (f"<div><table style='font-family:monospace;border-collapse:collapse'>"
            f"<caption style='text-align:left'>{esc(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")
