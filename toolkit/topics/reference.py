"""Reference texts for topic coherence (:class:`Reference`): documents as sequences of term codes,
with the boolean sliding-window counts NPMI is computed from (:mod:`toolkit.topics.coherence`).

A document-term matrix carries one (``dtm(...).reference``, :mod:`toolkit.topics.dtm`); both
modules import it from here.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["DEFAULT_WINDOW", "Reference"]

#: Positions per sliding window unless ``window=`` says otherwise.
DEFAULT_WINDOW = 10


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
