"""Collocations (bigrams and trigrams) and the collocates of a node word.

Both functions work on the stream of *word* tokens (``is_word``; punctuation is dropped first, so
"Russia, China" gives the bigram ``russia china``) and by default do not count across sentence
boundaries (``boundary="sentence"``; ``"document"`` lets n-grams and windows run on to the end of
the document). Words are lower-cased unless ``case=True``.

Association measures
--------------------
For an n-gram with observed count ``O``, word frequencies ``f1, f2[, f3]`` and ``N`` word tokens,
the measures are those of NLTK's :class:`~nltk.metrics.association.BigramAssocMeasures` and
:class:`~nltk.metrics.association.TrigramAssocMeasures` (Manning & Schütze, ch. 5), computed
vectorized with numpy on the same contingency tables (the ``engine="nltk"`` option runs NLTK's
own finders and scorers and gives the same numbers):

* ``pmi``: pointwise mutual information, ``log2(O / E)`` with ``E = f1·f2 / N``
  (``f1·f2·f3 / N²`` for trigrams);
* ``llr``: Dunning's log-likelihood ratio G² of the 2×2 (2×2×2) contingency table,
  ``2 Σ O_ij ln(O_ij / E_ij)``, **signed**: negative when the n-gram occurs less often than
  expected (``O < E``), so sorting by it puts attraction first and repulsion last;
* ``t_score``: ``(O - E) / sqrt(O)``.

NLTK's scorers fail on some tables that tiny or window-counted data produce: ``pmi`` takes
``log2(0)`` (``ValueError: math domain error``) when a count or ``N`` is zero,
``likelihood_ratio`` takes the log of a negative cell (``math domain error``) when a word's
frequency equals the total (the sentence "a a": ``n_ix = n_xi = N``) or divides by zero when
``N = 0``, and ``chi_sq``/``phi_sq`` divide by an empty margin. Here such cases give ``NaN``
(a table with a negative cell or ``N = 0`` has no defined G²; ``0·ln 0`` counts as 0), never an
exception.

``collocates`` uses window-based contingency tables (Evert 2008): with ``W`` the number of word
positions inside the node's windows, ``C`` the collocate's corpus frequency and ``O`` its
frequency inside the windows, the table is ``[[O, W - O], [C - O, N - W - C + O]]`` and
``E = W·C / N``. A position that falls in the windows of two nearby node hits counts once.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import check_choice
from toolkit.kwic import TokenIndex, as_index, match_patterns

__all__ = ["collocates", "collocations", "plot_collocates"]

MEASURES = ("pmi", "llr", "t_score")
Measure = Literal["pmi", "llr", "t_score"]

_SMALL = 1e-20  # NLTK's guard constant, kept so both engines agree to the last digit


# --------------------------------------------------------------------------------------------
# Measures (vectorized, NaN instead of NLTK's exceptions)
# --------------------------------------------------------------------------------------------

def _expected(cont: np.ndarray, n: int) -> np.ndarray:
    """Expected cell values of an n-way contingency table (cells on axis 0, NLTK's order: bit j
    of the cell index set = "not word j")."""
    total = cont.sum(axis=0)
    exp = np.ones_like(cont, dtype=float)
    cells = np.arange(2 ** n)
    for j in range(n):
        bit = 1 << j
        for i in cells:
            same = [x for x in cells if (x & bit) == (i & bit)]
            exp[i] *= cont[same].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return exp / total ** (n - 1)


def contingency(n_gram: np.ndarray, marginals: Sequence[np.ndarray], n_all: np.ndarray | float,
                n: int = 2) -> np.ndarray:
    """Contingency table cells (axis 0) from NLTK-style marginals, vectorized.

    For bigrams ``marginals = (n_ix, n_xi)``; for trigrams
    ``marginals = (n_iix, n_ixi, n_xii, n_ixx, n_xix, n_xxi)``.
    """
    n_all = np.broadcast_to(np.asarray(n_all, dtype=float), np.shape(n_gram))
    if n == 2:
        n_ii = np.asarray(n_gram, dtype=float)
        n_ix, n_xi = (np.asarray(m, dtype=float) for m in marginals)
        n_oi = n_xi - n_ii
        n_io = n_ix - n_ii
        return np.stack([n_ii, n_oi, n_io, n_all - n_ii - n_oi - n_io])
    n_iii = np.asarray(n_gram, dtype=float)
    n_iix, n_ixi, n_xii, n_ixx, n_xix, n_xxi = (np.asarray(m, dtype=float) for m in marginals)
    n_oii = n_xii - n_iii
    n_ioi = n_ixi - n_iii
    n_iio = n_iix - n_iii
    n_ooi = n_xxi - n_iii - n_oii - n_ioi
    n_oio = n_xix - n_iii - n_oii - n_iio
    n_ioo = n_ixx - n_iii - n_ioi - n_iio
    n_ooo = n_all - n_iii - n_oii - n_ioi - n_iio - n_ooi - n_oio - n_ioo
    return np.stack([n_iii, n_oii, n_ioi, n_ooi, n_iio, n_oio, n_ioo, n_ooo])


def association(n_gram, unigrams: Sequence, n_all, cont: np.ndarray,
                n: int) -> dict[str, np.ndarray]:
    """``pmi``, ``llr`` (signed G²) and ``t_score`` for arrays of n-grams; NaN where undefined.

    Parameters
    ----------
    n_gram : array
        Observed n-gram counts.
    unigrams : sequence of arrays
        The word frequencies (``n`` arrays).
    n_all : array or float
        Total (word tokens).
    cont : array
        The contingency cells (from :func:`contingency`), cells on axis 0.
    n : int
        2 or 3.

    Examples
    --------
    >>> c = contingency(np.array([1.0]), (np.array([2.0]), np.array([2.0])), 2.0)
    >>> association(np.array([1.0]), (np.array([2.0]), np.array([2.0])), 2.0, c, 2)["llr"]
    array([nan])
    """
    o = np.asarray(n_gram, dtype=float)
    n_all = np.broadcast_to(np.asarray(n_all, dtype=float), o.shape)
    prod = np.ones_like(o)
    for u in unigrams:
        prod = prod * np.asarray(u, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        e = prod / n_all ** (n - 1)
        ok_n = n_all > 0
        pmi = np.where(ok_n & (o > 0) & (prod > 0), np.log2(o * n_all ** (n - 1)) - np.log2(prod),
                       np.nan)
        t = np.where(ok_n & (o > 0), (o - e) / np.sqrt(o + _SMALL), np.nan)
        exp = _expected(cont, n)
        ratio = np.where(cont > 0, cont / (exp + _SMALL) + _SMALL, 1.0)
        terms = np.where(cont > 0, cont * np.log(ratio), 0.0)
        g2 = 2 * terms.sum(axis=0)
        valid = ok_n & (cont >= 0).all(axis=0)
        llr = np.where(valid, np.where(o < e, -g2, g2), np.nan)
    return {"pmi": pmi, "llr": llr, "t_score": t}


# --------------------------------------------------------------------------------------------
# Word stream
# --------------------------------------------------------------------------------------------

#: Clitics the word tokenizer splits off ("NATO's" -> "NATO" "'s"); filtered with the stopwords.
CLITICS = frozenset(c.replace("'", q) for c in ("'s", "'re", "'ve", "'ll", "'d", "'m", "n't", "'")
                    for q in ("'", "’"))


def _stopword_set(stopwords: str | Iterable[str] | None) -> frozenset[str]:
    """The stopword set: an NLTK list by name or the given words, plus :data:`CLITICS`."""
    if stopwords is None:
        return frozenset()
    if isinstance(stopwords, str):
        from nltk.corpus import stopwords as sw

        check_choice("stopwords", stopwords, sw.fileids())
        return frozenset(sw.words(stopwords)) | CLITICS
    return frozenset(str(w).lower() for w in stopwords) | CLITICS


def _stream(index: TokenIndex, *, case: bool, boundary: str):
    """Word-token codes, segment ids and vocabulary of the word stream."""
    check_choice("boundary", boundary, ["sentence", "document"])
    codes, vocab = index.codes(case)
    seg, _, _ = index.segments("sentence" if boundary == "sentence" else "document")
    w = index.is_word
    return codes[w], seg[w], vocab, w


def _vocab_flags(vocab: np.ndarray, words: frozenset[str]) -> np.ndarray:
    if not words:
        return np.zeros(len(vocab), dtype=bool)
    return np.fromiter((str(v).lower() in words for v in vocab), dtype=bool, count=len(vocab))


def _check_measures(measures: str | Sequence[str]) -> list[str]:
    if isinstance(measures, str):
        measures = [measures]
    measures = list(measures)
    if not measures:
        raise ValueError(f"measures is empty; choose from {MEASURES}")
    for m in measures:
        check_choice("measure", m, MEASURES)
    return measures


def _check_min_freq(min_freq) -> int:
    if isinstance(min_freq, bool) or not isinstance(min_freq, int | np.integer) or min_freq < 1:
        raise ValueError(f"min_freq must be a positive integer, got {min_freq!r}")
    return int(min_freq)


# --------------------------------------------------------------------------------------------
# Collocations
# --------------------------------------------------------------------------------------------

def collocations(tokens: pd.DataFrame | TokenIndex, *, n: Literal[2, 3] = 2,
                 measures: Measure | Sequence[Measure] = MEASURES, min_freq: int = 5,
                 window: int | None = None, stopwords: str | Iterable[str] | None = "english",
                 boundary: Literal["sentence", "document"] = "sentence", case: bool = False,
                 engine: Literal["numpy", "nltk"] = "numpy") -> pd.DataFrame:
    """Bigram or trigram collocations with PMI, log-likelihood (G²) and t-score.

    Parameters
    ----------
    tokens : DataFrame or TokenIndex
        The tokens table (:func:`toolkit.tokens`) or its :func:`~toolkit.kwic.token_index`.
    n : {2, 3}, default 2
        Bigrams or trigrams.
    measures : str or sequence of {"pmi", "llr", "t_score"}
        Measures to compute; the result is sorted by the first (descending).
    min_freq : int, default 5
        Minimum n-gram count (NLTK's ``apply_freq_filter``).
    window : int, optional
        Bigrams only: count pairs of words at most ``window - 1`` words apart (NLTK's
        ``window_size``, Church & Hanks 1990); the measures then use the count scaled by
        ``1 / (window - 1)`` as NLTK does, ``freq`` stays the raw pair count. Default: adjacent.
    stopwords : str, iterable of str or None, default "english"
        NLTK stopword list name or a set of words. A bigram is dropped when either word is a
        stopword; a trigram when its first or last word is (so "war of aggression" stays).
        Clitics split off by the tokenizer ("'s", "n't") count as stopwords unless
        ``stopwords=None``. Counts and totals still include stopwords.
    boundary : {"sentence", "document"}, default "sentence"
        Do n-grams stop at sentence ends (default) or only at document ends.
    case : bool, default False
        Keep case (``token``) instead of ``lower``.
    engine : {"numpy", "nltk"}, default "numpy"
        ``"numpy"`` counts and scores vectorized (seconds on ten million tokens); ``"nltk"`` uses
        :class:`~nltk.collocations.BigramCollocationFinder` /
        :class:`~nltk.collocations.TrigramCollocationFinder` and NLTK's association measures
        (guarded: NaN where NLTK raises), for small corpora and cross-checks.

    Returns
    -------
    DataFrame
        ``ngram`` (words joined by a space), ``w1``, ``w2`` (``w3``), ``freq``, ``freq_w1``,
        ``freq_w2`` (``freq_w3``) and the measures; ``attrs["n_words"]`` is ``N``.

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> toks = tokens(read_corpus("corpus/seed", progress=False), progress=False)
    >>> top = collocations(toks, min_freq=2)
    >>> top["ngram"].tolist()
    ['north korea', 'industrial production', 'defence spending', 'long-term commitment']
    """
    check_choice("n", n, [2, 3])
    check_choice("engine", engine, ["numpy", "nltk"])
    measures = _check_measures(measures)
    min_freq = _check_min_freq(min_freq)
    if window is not None:
        if n == 3:
            raise ValueError("window applies to bigrams only (n=2); trigrams are contiguous")
        if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 2:
            raise ValueError(f"window must be an integer >= 2 (2 = adjacent words), got {window!r}")
    width = 2 if window is None else int(window)
    stops = _stopword_set(stopwords)
    index, _ = as_index(tokens)
    codes, seg, vocab, _ = _stream(index, case=case, boundary=boundary)
    if engine == "nltk":
        table = _nltk_collocations(codes, seg, vocab, n, width, min_freq, stops)
    else:
        table = _numpy_collocations(codes, seg, vocab, n, width, min_freq, stops)
    words = [f"w{i + 1}" for i in range(n)]
    cols = ["ngram", *words, "freq", *[f"freq_{w}" for w in words]]
    if len(table) == 0:
        out = pd.DataFrame({c: pd.Series(dtype="str" if c in ("ngram", *words) else "int64")
                            for c in cols})
        for m in measures:
            out[m] = pd.Series(dtype="float64")
    else:
        out = pd.DataFrame({"ngram": [" ".join(t) for t in zip(*(table[w] for w in words))]})
        for c in cols[1:]:
            out[c] = table[c]
        scale = float(width - 1)
        cont = contingency(table["freq"] / scale, _marginals(table, n), len(codes), n)
        scores = table.get("scores") or association(
            table["freq"] / scale, [table[f"freq_{w}"] for w in words], len(codes), cont, n)
        for m in measures:
            out[m] = np.asarray(scores[m], dtype=float)
        out = out.astype({c: "str" for c in ("ngram", *words)})
        out = out.sort_values([measures[0], "ngram"], ascending=[False, True],
                              na_position="last", kind="stable").reset_index(drop=True)
    out.attrs["n_words"] = int(len(codes))
    return out


def _marginals(table: dict, n: int) -> list:
    if n == 2:
        return [table["freq_w1"], table["freq_w2"]]
    return [table["n_iix"], table["n_ixi"], table["n_xii"],
            table["freq_w1"], table["freq_w2"], table["freq_w3"]]


def _pair_keys(codes: np.ndarray, seg: np.ndarray, d: int, v: int) -> np.ndarray:
    if len(codes) <= d:
        return np.empty(0, dtype=np.int64)
    ok = seg[:-d] == seg[d:]
    return codes[:-d][ok].astype(np.int64) * v + codes[d:][ok]


def _count(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(keys) == 0:
        return keys, np.empty(0, dtype=np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq, counts


def _lookup(uniq: np.ndarray, counts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(uniq, keys)
    pos = np.minimum(pos, max(len(uniq) - 1, 0))
    found = (uniq[pos] == keys) if len(uniq) else np.zeros(len(keys), dtype=bool)
    return np.where(found, counts[pos] if len(counts) else 0, 0)


def _numpy_collocations(codes, seg, vocab, n, width, min_freq, stops) -> dict:
    v = len(vocab)
    word_freq = np.bincount(codes, minlength=v)
    stop = _vocab_flags(vocab, stops)
    if n == 2:
        keys = np.concatenate([_pair_keys(codes, seg, d, v) for d in range(1, width)])
        uniq, counts = _count(keys)
        keep = counts >= min_freq
        uniq, counts = uniq[keep], counts[keep]
        c1, c2 = uniq // v, uniq % v
        keep = ~(stop[c1] | stop[c2])
        c1, c2, counts = c1[keep], c2[keep], counts[keep]
        return {"w1": vocab[c1], "w2": vocab[c2], "freq": counts,
                "freq_w1": word_freq[c1], "freq_w2": word_freq[c2]}
    if len(codes) >= 3:
        ok = (seg[:-2] == seg[1:-1]) & (seg[1:-1] == seg[2:])
        tri = (codes[:-2][ok].astype(np.int64) * v + codes[1:-1][ok]) * v + codes[2:][ok]
    else:
        tri = np.empty(0, dtype=np.int64)
    uniq, counts = _count(tri)
    keep = counts >= min_freq
    uniq, counts = uniq[keep], counts[keep]
    c1, rest = uniq // (v * v), uniq % (v * v)
    c2, c3 = rest // v, rest % v
    keep = ~(stop[c1] | stop[c3])
    c1, c2, c3, counts = c1[keep], c2[keep], c3[keep], counts[keep]
    bi_u, bi_c = _count(_pair_keys(codes, seg, 1, v))
    wild_u, wild_c = _count(_pair_keys(codes, seg, 2, v))
    return {"w1": vocab[c1], "w2": vocab[c2], "w3": vocab[c3], "freq": counts,
            "freq_w1": word_freq[c1], "freq_w2": word_freq[c2], "freq_w3": word_freq[c3],
            "n_iix": _lookup(bi_u, bi_c, c1 * v + c2),
            "n_ixi": _lookup(wild_u, wild_c, c1 * v + c3),
            "n_xii": _lookup(bi_u, bi_c, c2 * v + c3)}


def _safe(fn, *args) -> float:
    """An NLTK score, NaN where NLTK raises on a degenerate table."""
    try:
        return float(fn(*args))
    except (ValueError, ZeroDivisionError, OverflowError):
        return math.nan


def _nltk_collocations(codes, seg, vocab, n, width, min_freq, stops) -> dict:
    import itertools

    from nltk.collocations import BigramCollocationFinder, TrigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures, TrigramAssocMeasures

    words = vocab[codes]
    cuts = np.flatnonzero(np.diff(seg)) + 1
    pad = [None] * ((width if n == 2 else 3) - 1)
    stream = itertools.chain.from_iterable(
        itertools.chain(part.tolist(), pad) for part in np.split(words, cuts) if len(part))
    if n == 2:
        finder = BigramCollocationFinder.from_words(stream, window_size=width)
        finder.apply_word_filter(lambda w: str(w).lower() in stops)
        am = BigramAssocMeasures
    else:
        finder = TrigramCollocationFinder.from_words(stream)
        finder.apply_ngram_filter(
            lambda a, b, c: str(a).lower() in stops or str(c).lower() in stops)
        am = TrigramAssocMeasures
    finder.apply_freq_filter(min_freq)
    grams = sorted(finder.ngram_fd)
    names = [f"w{i + 1}" for i in range(n)]
    table: dict = {w: np.array([g[i] for g in grams], dtype=object) for i, w in enumerate(names)}
    table["freq"] = np.array([finder.ngram_fd[g] for g in grams], dtype=np.int64)
    for i, w in enumerate(names):
        table[f"freq_{w}"] = np.array([finder.word_fd[g[i]] for g in grams], dtype=np.int64)
    if n == 3:
        table["n_iix"] = np.array([finder.bigram_fd[g[:2]] for g in grams], dtype=np.int64)
        table["n_ixi"] = np.array([finder.wildcard_fd[(g[0], g[2])] for g in grams], dtype=np.int64)
        table["n_xii"] = np.array([finder.bigram_fd[g[1:]] for g in grams], dtype=np.int64)
    scores = {}
    for name, fn in (("pmi", am.pmi), ("llr", am.likelihood_ratio), ("t_score", am.student_t)):
        vals = np.array([_safe(finder.score_ngram, fn, *g) for g in grams], dtype=float)
        scores[name] = vals
    # NLTK's G² is unsigned: sign it like the numpy engine (negative when O < E)
    if len(grams):
        o = table["freq"] / ((width if n == 2 else 2) - 1)
        e = np.ones(len(grams))
        for w in names:
            e = e * table[f"freq_{w}"]
        e = e / float(finder.N) ** (n - 1) if finder.N else np.full(len(grams), np.nan)
        scores["llr"] = np.where(o < e, -scores["llr"], scores["llr"])
    table["scores"] = scores
    return table


# --------------------------------------------------------------------------------------------
# Collocates of a node
# --------------------------------------------------------------------------------------------

COLLOCATE_COLUMNS = ["collocate", "freq", "freq_left", "freq_right", "node_freq",
                     "collocate_freq", "expected", "pmi", "llr", "t_score"]


def _span(window) -> tuple[int, int]:
    if isinstance(window, int | np.integer) and not isinstance(window, bool):
        left = right = int(window)
    elif isinstance(window, Sequence) and len(window) == 2 and all(
            isinstance(w, int | np.integer) and not isinstance(w, bool) for w in window):
        left, right = (int(w) for w in window)
    else:
        raise ValueError(f"window must be an int or a (left, right) pair of ints, got {window!r}")
    if left < 0 or right < 0 or left + right == 0:
        raise ValueError(f"window {window!r}: spans must be >= 0 and not both 0")
    return left, right


def collocates(tokens: pd.DataFrame | TokenIndex, node: str | Sequence[str], *,
               window: int | tuple[int, int] = (5, 5), min_freq: int = 3, measure: Measure = "llr",
               stopwords: str | Iterable[str] | None = "english",
               boundary: Literal["sentence", "document"] = "sentence",
               case: bool = False) -> pd.DataFrame:
    """Collocates of a node word (or phrase or glob) within a left/right window of words.

    Parameters
    ----------
    tokens : DataFrame or TokenIndex
        The tokens table or its :func:`~toolkit.kwic.token_index`.
    node : str or list of str
        A word, phrase or glob as in :func:`~toolkit.kwic.kwic` (``"threat"``, ``"threat*"``,
        ``"nuclear weapons"``); a list pools the patterns.
    window : int or (int, int), default (5, 5)
        Words to the left and right of the node (punctuation is not counted). An int is used
        on both sides; ``(0, 3)`` looks right only.
    min_freq : int, default 3
        Minimum co-occurrence frequency.
    measure : {"llr", "pmi", "t_score"}, default "llr"
        Sort key (descending). All three are returned.
    stopwords : str, iterable of str or None, default "english"
        Collocates to leave out (they still count in totals and windows); clitics ("'s",
        "n't") too unless ``None``.
    boundary : {"sentence", "document"}, default "sentence"
        Windows stop at the sentence's edge (default) or the document's edge.
    case : bool, default False
        Match and count case-sensitively.

    Returns
    -------
    DataFrame
        ``collocate``; ``freq`` (word positions inside the node's windows holding the collocate,
        each position counted once), ``freq_left``, ``freq_right`` (positions inside a left /
        right window; a position between two close hits counts on both sides), ``node_freq``
        (node hits), ``collocate_freq`` (the collocate's corpus frequency), ``expected``
        (``W·C/N``), ``pmi``, ``llr`` (signed G²) and ``t_score``; see the module docstring.
        ``attrs`` holds ``node``, ``window``, ``n_words`` and ``window_words`` (``W``).

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> toks = tokens(read_corpus("corpus/seed", progress=False), progress=False)
    >>> top = collocates(toks, "russia*", window=3, min_freq=2, measure="t_score")
    >>> top["collocate"].head(4).tolist()
    ['aggression', 'china', 'korea', 'north']
    """
    left, right = _span(window)
    check_choice("measure", measure, MEASURES)
    min_freq = _check_min_freq(min_freq)
    stops = _stopword_set(stopwords)
    index, _ = as_index(tokens)
    unit = "sentence" if boundary == "sentence" else "token"
    m = match_patterns(index, node, case=case, unit=unit)
    codes, seg, vocab, is_word = _stream(index, case=case, boundary=boundary)
    rank = np.cumsum(is_word) - 1
    ok = is_word[m.first] & is_word[m.last]
    first, last = rank[m.first[ok]], rank[m.last[ok]]
    nw = len(codes)
    node_mask = np.zeros(nw, dtype=bool)
    span = last - first
    for k in range(int(span.max()) + 1 if len(span) else 0):
        pos = first + k
        node_mask[pos[pos <= last]] = True
    left_mask = np.zeros(nw, dtype=bool)
    right_mask = np.zeros(nw, dtype=bool)
    for d in range(1, left + 1):
        j = first - d
        keep = j >= 0
        j = j[keep]
        left_mask[j[seg[j] == seg[first[keep]]]] = True
    for d in range(1, right + 1):
        j = last + d
        keep = j < nw
        j = j[keep]
        right_mask[j[seg[j] == seg[last[keep]]]] = True
    left_mask &= ~node_mask
    right_mask &= ~node_mask
    union = left_mask | right_mask
    v = len(vocab)
    freq = np.bincount(codes[union], minlength=v)
    cand = np.flatnonzero((freq >= min_freq) & ~_vocab_flags(vocab, stops))
    w_size = int(union.sum())
    o = freq[cand].astype(float)
    c_freq = np.bincount(codes, minlength=v)[cand]
    cont = np.stack([o, w_size - o, c_freq - o, nw - w_size - c_freq + o])
    scores = association(o, (np.full(len(cand), float(w_size)), c_freq), float(nw), cont, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = w_size * c_freq / nw if nw else np.full(len(cand), np.nan)
    out = pd.DataFrame({
        "collocate": pd.Series(vocab[cand], dtype="str"),
        "freq": freq[cand].astype(np.int64),
        "freq_left": np.bincount(codes[left_mask], minlength=v)[cand].astype(np.int64),
        "freq_right": np.bincount(codes[right_mask], minlength=v)[cand].astype(np.int64),
        "node_freq": np.full(len(cand), len(first), dtype=np.int64),
        "collocate_freq": c_freq.astype(np.int64),
        "expected": np.asarray(expected, dtype=float),
        "pmi": scores["pmi"], "llr": scores["llr"], "t_score": scores["t_score"],
    }, columns=COLLOCATE_COLUMNS)
    out = out.sort_values([measure, "collocate"], ascending=[False, True], na_position="last",
                          kind="stable").reset_index(drop=True)
    out.attrs.update({"node": node if isinstance(node, str) else list(node),
                      "window": (left, right), "n_words": int(nw), "window_words": w_size})
    return out


# --------------------------------------------------------------------------------------------
# Plot
# --------------------------------------------------------------------------------------------

def plot_collocates(df: pd.DataFrame, *, n: int = 20, measure: str | None = None, ax=None):
    """Horizontal bar chart of the top ``n`` rows of a :func:`collocates` or
    :func:`collocations` table by ``measure`` (default: the table's first measure column).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> toks = tokens(read_corpus("corpus/seed", progress=False), progress=False)
    >>> ax = plot_collocates(collocates(toks, "nato", min_freq=1), n=5)
    >>> ax.get_xlabel()
    'llr'
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    label = "collocate" if "collocate" in df.columns else "ngram"
    if label not in df.columns:
        raise ValueError("plot_collocates() needs a collocates() or collocations() table")
    if measure is None:
        measure = next((m for m in ("llr", "pmi", "t_score") if m in df.columns), None)
        if "ngram" in df.columns:
            measure = next((c for c in df.columns if c in MEASURES), measure)
    if measure not in df.columns:
        raise ValueError(f"measure {measure!r} is not a column of the table")
    top = df.dropna(subset=[measure]).nlargest(n, measure)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.3 * max(len(top), 3) + 1.2))
    sns.barplot(x=top[measure].to_numpy(), y=top[label].astype(str).to_numpy(), ax=ax,
                color="#4c72b0", orient="h")
    ax.set_xlabel(measure)
    ax.set_ylabel(label)
    node = df.attrs.get("node")
    ax.set_title(f"Collocates of {node!r}" if node else "Collocations")
    ax.figure.tight_layout()
    return ax
