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

import numpy as np
import pandas as pd

# Reference (the reference texts, :mod:`toolkit.topics.reference`) is re-exported from here.
from toolkit.topics.reference import DEFAULT_WINDOW, Reference

EPSILON = 1e-12
DEFAULT_TOP_N = 10
DEFAULT_DIVERSITY_N = 25


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
