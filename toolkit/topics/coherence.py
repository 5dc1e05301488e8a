"""Topic quality: NPMI coherence over sliding windows, and topic diversity.

NPMI (normalised pointwise mutual information) asks whether a topic's top terms occur *near each
other* in a reference corpus. The toolkit computes it itself, the same way as gensim's
``CoherenceModel(coherence="c_npmi")`` (boolean sliding window, one-one segmentation, arithmetic
mean), so numbers are comparable with the literature and with gensim:

1. **Reference texts.** One term sequence per document (by default the terms of
   :func:`toolkit.dtm.dtm` before document-frequency pruning: stopwords, numbers and punctuation
   are already gone, so they do not take window positions).
2. **Windows.** A window of ``window`` (default 10) consecutive positions slides over each
   document one position at a time, so a document of ``L >= window`` terms gives
   ``L - window + 1`` windows; a shorter document (even an empty one) is one window. Windows never
   cross documents. ``N`` is the number of windows over all documents.
3. **Counts are boolean.** ``n(w)`` is the number of windows that contain ``w`` at least once;
   ``n(w1, w2)`` the number that contain both.
4. **Pair score.** With ``p(w) = n(w)/N``, ``p(w1, w2) = n(w1, w2)/N`` and ``eps = 1e-12``::

       npmi(w1, w2) = log((p(w1, w2) + eps) / (p(w1) p(w2))) / -log(p(w1, w2) + eps)

   NPMI is 1 for terms that only occur together, 0 for independent terms, and close to -1 for
   terms that never share a window (with ``eps``, a pair that never co-occurs scores
   ``log(eps / (p(w1) p(w2))) / -log(eps)``: at least -1, a little above it for rare terms).
5. **Topic and model scores.** A topic's NPMI is the mean over all pairs of its ``top_n``
   (default 10) terms; the model's NPMI is the mean over topics. Terms that do not occur in the
   reference are left out of the topic first (gensim does the same), and are listed in
   :func:`npmi_per_topic`'s ``missing`` column.

Topic diversity (Dieng, Ruiz & Blei 2020) is the share of unique terms among the top 25 terms
of all topics: 1.0 when no two topics share a top term, ``1/k`` when all ``k`` topics are the same.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

EPSILON = 1e-12
DEFAULT_WINDOW = 10
DEFAULT_TOP_N = 10
DEFAULT_DIVERSITY_N = 25


class Reference:
    """Reference texts for coherence: documents as sequences of term codes.

    Parameters
    ----------
    codes : array of int
        Term codes of all documents, concatenated.
    offsets : array of int
        ``n_docs + 1`` offsets into ``codes``: document ``i`` is ``codes[offsets[i]:offsets[i+1]]``.
    vocabulary : array of str
        The term of each code.
    doc_ids : array, optional
        The documents' ids.

    Build one with :meth:`from_texts` (lists of terms) or take ``dtm(...).reference``.
    """

    def __init__(self, codes: np.ndarray, offsets: np.ndarray, vocabulary: Sequence[str], *,
                 doc_ids: Sequence | None = None):
        self.codes = np.asarray(codes, dtype=np.int32)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.vocabulary = np.asarray(vocabulary, dtype=object)
        self.doc_ids = None if doc_ids is None else np.asarray(doc_ids, dtype=object)
        if self.offsets.ndim != 1 or len(self.offsets) < 1 or self.offsets[0] != 0 \
                or self.offsets[-1] != len(self.codes) or (np.diff(self.offsets) < 0).any():
            raise ValueError("offsets must run from 0 to len(codes) without decreasing")
        self._index: dict[str, int] | None = None
        self._order: np.ndarray | None = None
        self._bounds: np.ndarray | None = None

    @classmethod
    def from_texts(cls, texts: Iterable[Sequence[str]]) -> Reference:
        """Reference from lists of terms, one list per document.

        Examples
        --------
        >>> ref = Reference.from_texts([["nato", "summit"], ["nato"]])
        >>> ref.n_docs, ref.n_tokens
        (2, 3)
        """
        texts = [list(t) for t in texts]
        flat = pd.Series([w for t in texts for w in t], dtype=object)
        codes, vocab = pd.factorize(flat, sort=True)
        offsets = np.r_[0, np.cumsum([len(t) for t in texts])].astype(np.int64)
        return cls(codes.astype(np.int32), offsets, np.asarray(vocab, dtype=object))

    @property
    def n_docs(self) -> int:
        return len(self.offsets) - 1

    @property
    def n_tokens(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"Reference({self.n_docs:,} documents, {self.n_tokens:,} tokens, " \
               f"{len(self.vocabulary):,} terms)"

    def code(self, term: str) -> int:
        """The code of ``term``, or -1 when it does not occur."""
        if self._index is None:
            self._index = {t: i for i, t in enumerate(self.vocabulary)}
        return self._index.get(term, -1)

    def n_windows(self, window: int = DEFAULT_WINDOW) -> int:
        """Number of sliding windows ``N`` (see the module docstring)."""
        lengths = np.diff(self.offsets)
        return int(np.maximum(lengths - window + 1, 1).sum())

    def positions(self, code: int) -> np.ndarray:
        """Positions (into ``codes``) of one term, in increasing order."""
        if self._order is None:
            self._order = np.argsort(self.codes, kind="stable")
            self._bounds = np.searchsorted(self.codes[self._order],
                                           np.arange(len(self.vocabulary) + 1))
        return self._order[self._bounds[code]:self._bounds[code + 1]]

    def window_counts(self, terms: Sequence[str], window: int = DEFAULT_WINDOW, *,
                      gensim_compatible: bool = False):
        """Boolean window counts of ``terms``.

        ``gensim_compatible=True`` reproduces gensim's counting exactly (see
        :func:`npmi_per_topic`).

        Returns
        -------
        occurrences : array of int, shape (len(terms),)
            ``n(w)``: windows containing each term.
        co_occurrences : array of int, shape (len(terms), len(terms))
            ``n(w1, w2)``: windows containing both (the diagonal equals ``occurrences``).
        n_windows : int
            ``N``.
        """
        if window < 1:
            raise ValueError(f"window must be >= 1, got {window!r}")
        rows, cols = [], []
        lengths = np.diff(self.offsets)
        n_win_doc = np.maximum(lengths - window + 1, 1)
        win_offset = np.r_[0, np.cumsum(n_win_doc)]
        for j, term in enumerate(terms):
            c = self.code(term)
            if c < 0:
                continue
            pos = self.positions(c)
            doc = np.searchsorted(self.offsets, pos, side="right") - 1
            p = pos - self.offsets[doc]  # position within the document
            last_start = n_win_doc[doc] - 1  # last window start in the document
            lo = np.maximum(p - window + 1, 0)
            if gensim_compatible:
                # gensim drops a word from its window set when *an* occurrence leaves the window,
                # so an occurrence counts only until the first occurrence at or after the start of
                # its first window leaves.
                first = pos[np.searchsorted(pos, self.offsets[doc] + lo)]
                hi = np.minimum(first - self.offsets[doc], last_start)
            else:
                hi = np.minimum(p, last_start)
            n = hi - lo + 1
            base = np.repeat(win_offset[doc] + lo - np.r_[0, np.cumsum(n)[:-1]], n)
            rows.append(base + np.arange(int(n.sum())))
            cols.append(np.full(int(n.sum()), j, dtype=np.int64))
        k = len(terms)
        n_windows = int(win_offset[-1])
        if not rows:
            return np.zeros(k, dtype=np.int64), np.zeros((k, k), dtype=np.int64), n_windows
        r = np.concatenate(rows)
        c = np.concatenate(cols)
        x = sp.csr_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n_windows, k))
        x.sum_duplicates()
        x.data[:] = 1
        x = x.astype(np.int64)
        co = np.asarray((x.T @ x).toarray(), dtype=np.int64)
        return np.diag(co).copy(), co, n_windows


def as_reference(reference) -> Reference:
    """A :class:`Reference` from a Reference, a document-term matrix (its ``.reference``), a
    tokens table (terms as :func:`toolkit.dtm.dtm` keeps them, default stopwords), or lists of
    terms (one per document)."""
    if isinstance(reference, Reference):
        return reference
    ref = getattr(reference, "reference", None)
    if isinstance(ref, Reference):
        return ref
    if isinstance(reference, pd.DataFrame):
        from toolkit.dtm import dtm

        return dtm(reference, min_df=1, max_df=1.0, min_unit_terms=0).reference
    if reference is None:
        raise ValueError("a reference is needed: a DocumentTermMatrix, Reference, tokens table "
                         "or lists of terms")
    return Reference.from_texts(reference)


def topic_term_lists(topics, top_n: int | None = None) -> list[list[str]]:
    """Top terms per topic from a fitted TopicModel, a ``topic_terms`` table or lists of terms."""
    if hasattr(topics, "topic_terms") and hasattr(topics, "components_"):
        n = top_n or DEFAULT_DIVERSITY_N
        table = topics.topic_terms(n=n)
        return _lists_from_table(table, top_n)
    if isinstance(topics, pd.DataFrame):
        return _lists_from_table(topics, top_n)
    out = [list(t) for t in topics]
    return [t[:top_n] for t in out] if top_n else out


def _lists_from_table(table: pd.DataFrame, top_n: int | None) -> list[list[str]]:
    if "kind" in table.columns:
        table = table[table["kind"] == "prob"]
    table = table.sort_values(["topic", "rank"], kind="stable")
    lists = [list(g["term"]) for _, g in table.groupby("topic", sort=True)]
    return [t[:top_n] for t in lists] if top_n else lists


def npmi_per_topic(topics, reference, *, top_n: int = DEFAULT_TOP_N,
                   window: int = DEFAULT_WINDOW, epsilon: float = EPSILON,
                   gensim_compatible: bool = False) -> pd.DataFrame:
    """NPMI of each topic's top terms (see the module docstring for the exact counting).

    Parameters
    ----------
    topics : TopicModel, DataFrame or list of lists of str
        A fitted :class:`toolkit.topics.TopicModel`, its ``topic_terms()`` table, or top terms.
    reference : Reference, DocumentTermMatrix, tokens DataFrame or lists of terms
        Where co-occurrence is counted (see :func:`as_reference`).
    top_n : int, default 10
        Terms per topic.
    window : int, default 10
        Sliding-window size in term positions.
    epsilon : float, default 1e-12
        Added to the joint probability (gensim's ``EPSILON``).
    gensim_compatible : bool, default False
        Count windows as gensim 4.x does. gensim updates its set of words in the window
        incrementally and removes the word that leaves the window even when another occurrence
        of it is still inside, so a word repeated within ``window`` positions is missed in some
        windows that contain it. The default counts every window that contains the word
        (the definition); the two agree when no term repeats within a window and differ by a few
        thousandths on real corpora.

    Returns
    -------
    DataFrame
        ``topic``, ``npmi``, ``n_terms`` (terms scored), ``missing`` (terms not in the reference,
        ";"-separated). ``npmi`` is NaN for a topic with fewer than two scored terms.

    Examples
    --------
    >>> ref = Reference.from_texts([["a", "b"], ["a", "b"], ["c"]])
    >>> round(float(npmi_per_topic([["a", "b"]], ref).loc[0, "npmi"]), 6)
    1.0
    """
    ref = as_reference(reference)
    lists = topic_term_lists(topics, top_n)
    if not lists:
        raise ValueError("no topics to score")
    rows = []
    for i, terms in enumerate(lists):
        terms = list(dict.fromkeys(terms[:top_n]))
        present = [t for t in terms if ref.code(t) >= 0]
        missing = [t for t in terms if ref.code(t) < 0]
        score = np.nan
        if len(present) >= 2:
            occ, co, n = ref.window_counts(present, window, gensim_compatible=gensim_compatible)
            p = occ / n
            pj = co / n
            with np.errstate(divide="ignore", invalid="ignore"):
                m = np.log((pj + epsilon) / np.outer(p, p)) / -np.log(pj + epsilon)
            off = ~np.eye(len(present), dtype=bool)
            score = float(m[off].mean())
        rows.append({"topic": i, "npmi": score, "n_terms": len(present),
                     "missing": ";".join(missing)})
    return pd.DataFrame(rows)


def npmi(topics, reference, *, top_n: int = DEFAULT_TOP_N, window: int = DEFAULT_WINDOW,
         epsilon: float = EPSILON, gensim_compatible: bool = False) -> float:
    """Mean NPMI over topics (topics without a score are left out); see :func:`npmi_per_topic`.

    Examples
    --------
    >>> ref = Reference.from_texts([["a", "b"], ["a", "b"], ["c"]])
    >>> round(npmi([["a", "b"]], ref), 6)  # a and b always share a window
    1.0
    """
    table = npmi_per_topic(topics, reference, top_n=top_n, window=window, epsilon=epsilon,
                           gensim_compatible=gensim_compatible)
    vals = table["npmi"].dropna()
    return float(vals.mean()) if len(vals) else float("nan")


def topic_diversity(topics, *, top_n: int = DEFAULT_DIVERSITY_N) -> float:
    """Share of unique terms among the top ``top_n`` terms of all topics.

    The denominator is the number of listed terms (``top_n * k`` unless a topic lists fewer).

    Examples
    --------
    >>> topic_diversity([["a", "b"], ["b", "c"]], top_n=2)
    0.75
    """
    lists = topic_term_lists(topics, top_n)
    total = sum(len(t) for t in lists)
    if total == 0:
        raise ValueError("no topic terms to score")
    return len({w for t in lists for w in t}) / total
