"""Topic models researchers can trust: coherent, reproducible, over time and by group.

Workflow::

    import toolkit
    from toolkit.dtm import dtm
    from toolkit.topics import TopicModel, sweep, topics_over_time, topics_by_group

    m = dtm(toks)                                          # documents x terms counts
    sweep(m, ks=range(5, 41, 5))                           # NPMI, diversity, fit time per k/model
    tm = TopicModel(20).fit(m)                             # NMF on TF-IDF, random_state=0
    tm.topic_terms(10, kind="both")                        # most probable and FREX terms
    topics_over_time(tm, docs, freq="year", by="collection")
    topics_by_group(tm, docs, by="country")

Models
------
``model="nmf"`` (the default) factorises the TF-IDF matrix (raw term frequency times smoothed idf,
``log((1 + n) / (1 + df)) + 1``; rows L2-normalised) with scikit-learn's NMF (coordinate descent,
Frobenius loss, NNDSVD initialisation). ``model="lda"`` fits scikit-learn's
LatentDirichletAllocation (batch variational Bayes, 20 passes) on the raw counts. Both are
deterministic for a given ``random_state`` (NNDSVD uses a seeded randomised SVD; LDA's
initialisation is seeded).

The defaults (documents as units, ``min_df=5``, ``max_df=0.4``, NMF, raw tf) were chosen by
``benchmarks/bench_topics.py`` on ``corpus/`` with k = 20 (c_npmi scored by gensim on the
documents' plain tokens): NMF 0.178 against 0.068 for LDA on the same kind of input; raw tf
0.178 against 0.13-0.14 with sublinear tf (``1 + log tf`` favours words used once in many
documents over a document's own subject); documents 0.178 against 0.11-0.16 for paragraphs and
speaker turns (White House paragraphs and briefing answers are short and outnumber the UN
speeches' paragraphs ten to one, so topics drift to briefing talk); KL loss, L1 penalties, other
initialisations and idf exponents traded coherence for diversity or lost both. Turns
(``unit="turn"``, optionally ``exclude_speakers=("Q",)``) remain the unit of choice to study what
is *said in answers* within briefings.

A topic's term distribution is its row of ``components_`` divided by the row sum
(``topic_word_``); a unit's topic weights are its row of the unit-topic matrix divided by the row
sum (``doc_topic_``: the shares of the unit that each topic explains). Topics are numbered by
prevalence over the corpus (0 = largest token-weighted share), so the order does not depend on
the solver's arbitrary order.

FREX terms
----------
Like the stm package (Roberts, Stewart & Tingley; ``labelTopics``), topics are also described by
FREX terms, which are frequent in the topic *and* exclusive to it. With ``beta[k, v]`` the
topic-term distribution, exclusivity is ``excl[k, v] = beta[k, v] / sum_j beta[j, v]``; within
each topic, ``F`` is the empirical CDF of ``beta[k, :]`` over the vocabulary (rank / V, ties
averaged) and ``E`` that of ``excl[k, :]``; then::

    FREX[k, v] = 1 / (w / F[k, v] + (1 - w) / E[k, v]),   w = 0.5

the weighted harmonic mean of the two ranks (stm's ``calcfrex`` without its optional James-Stein
shrinkage of exclusivity, so rare words that one topic owns rank high: read FREX terms beside
the most probable ones). ``topic_terms(kind="frex")`` lists the highest.

What changes the results
------------------------
The same tokens, the same :func:`toolkit.dtm.dtm` settings, the same ``n_topics``, ``model``,
other parameters and ``random_state`` give identical topics (tested). Everything else may
change them: the vocabulary (stopword list, ``min_df``/``max_df``, ``phrases``), the unit
(documents, turns or paragraphs), the corpus (adding or removing documents changes TF-IDF and
the vocabulary), ``n_topics``, the model, its parameters (``max_iter``, ``tol``...), the seed,
and the versions of scikit-learn and NumPy/BLAS (different floating-point order can move
near-ties). NMF finds a local optimum: on ``corpus/`` the seed barely matters (NNDSVD), but a
small change of vocabulary can move a few topics and NPMI by about +-0.005 and diversity by
+-0.015. Report the settings (``dtm(...).params`` and ``TopicModel.get_params()``; ``run_topics``
writes both to ``topics_summary.json``) and check that the topics you interpret survive a
neighbouring k (:func:`sweep`) or setting.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from toolkit.attrs_table import AttrsTable
from toolkit.errors import TopicsTooSmallError, check_choice
from toolkit.periods import period_of

MODELS = ("nmf", "lda")
TERM_KINDS = ("prob", "frex", "both")
BETA_LOSSES = ("frobenius", "kullback-leibler")
FREQS = ("year", "quarter", "month")
LEVELS = ("unit", "document")
#: Default unit of :func:`run_topics` and the benchmark (see ``benchmarks/bench_topics.py``).
DEFAULT_UNIT = "document"


class TopicModel(TransformerMixin, BaseEstimator):
    """A topic model (NMF on TF-IDF or LDA on counts) with tidy outputs.

    Parameters
    ----------
    n_topics : int, default 20
        Number of topics (at least 2).
    model : {"nmf", "lda"}, default "nmf"
        NMF on TF-IDF or LDA on counts (see the module docstring).
    random_state : int, default 0
        Seed of the initialisation; the same data and seed give the same topics.
    max_iter : int, optional
        Iterations; default 400 for NMF, 20 for LDA.
    sublinear_tf : bool, default False
        NMF: use ``1 + log(tf)`` instead of the raw count in TF-IDF (damps words repeated within
        a unit; less coherent topics on ``corpus/``, see the module docstring).
    use_idf : bool, default True
        NMF: weight terms by inverse document frequency.
    init : str, default "nndsvd"
        NMF initialisation (scikit-learn's ``init``).
    alpha_W, alpha_H, l1_ratio : float
        NMF regularisation (scikit-learn's parameters); defaults 0 (none).
    beta_loss : {"frobenius", "kullback-leibler"}, default "frobenius"
        NMF loss (Kullback-Leibler uses the multiplicative-update solver).
    doc_topic_prior, topic_word_prior : float, optional
        LDA priors; default ``1 / n_topics`` (scikit-learn's default).
    tol : float, default 1e-4
        Stopping tolerance (NMF).
    n_label_terms : int, default 3
        Top terms joined into each label ("russia / ukraine / war").
    frex_weight : float, default 0.5
        ``w`` of the FREX formula (weight of frequency against exclusivity).

    Attributes
    ----------
    components_ : ndarray (n_topics, n_terms)
        The model's topic-term weights (NMF: H; LDA: variational pseudo-counts).
    topic_word_ : ndarray (n_topics, n_terms)
        ``components_`` with rows summing to one.
    doc_topic_ : ndarray (n_units, n_topics)
        Topic shares of each unit (rows sum to one; all zero if the model gives a unit nothing).
    vocabulary_ : ndarray of str
    units_ : DataFrame
        The units (``unit_id``, ``doc_id``, ...); ``n_terms`` if known.
    labels_ : list of str
        One label per topic from its top ``n_label_terms`` terms.
    n_iter_ : int
    converged_ : bool
        NMF stopped before ``max_iter`` (its tolerance was reached; scikit-learn's
        ConvergenceWarning is not shown, check this instead). Always False for LDA, which runs
        ``max_iter`` passes.
    fit_seconds_ : float
        Wall time of the fit (TF-IDF and factorisation).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[3, 2, 0, 0], [2, 3, 0, 0], [0, 0, 2, 3], [0, 1, 3, 2]])
    >>> tm = TopicModel(2, random_state=0).fit(X)
    >>> sorted(tm.topic_terms(2)["term"].tolist())
    ['term_0', 'term_1', 'term_2', 'term_3']
    """

    def __init__(self, n_topics: int = 20, *, model: Literal["nmf", "lda"] = "nmf",
                 random_state: int | None = 0, max_iter: int | None = None,
                 sublinear_tf: bool = False, use_idf: bool = True, init: str = "nndsvd",
                 alpha_W: float = 0.0,
                 alpha_H: float | str = "same", l1_ratio: float = 0.0,
                 beta_loss: Literal["frobenius", "kullback-leibler"] = "frobenius",
                 doc_topic_prior: float | None = None, topic_word_prior: float | None = None,
                 tol: float = 1e-4, n_label_terms: int = 3, frex_weight: float = 0.5):
        self.n_topics = n_topics
        self.model = model
        self.random_state = random_state
        self.max_iter = max_iter
        self.sublinear_tf = sublinear_tf
        self.use_idf = use_idf
        self.init = init
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.beta_loss = beta_loss
        self.doc_topic_prior = doc_topic_prior
        self.topic_word_prior = topic_word_prior
        self.tol = tol
        self.n_label_terms = n_label_terms
        self.frex_weight = frex_weight

    # -- fitting -----------------------------------------------------------------------------
    def _validate(self, n_units: int, n_terms: int) -> None:
        check_choice("model", self.model, MODELS)
        check_choice("beta_loss", self.beta_loss, BETA_LOSSES)
        k = self.n_topics
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
            raise ValueError(f"n_topics must be an integer >= 2, got {k!r}")
        if n_units == 0 or n_terms == 0:
            raise TopicsTooSmallError(f"the document-term matrix is empty ({n_units} units x {n_terms} "
                             f"terms); check the stopwords and min_df/max_df of dtm()")
        if k > min(n_units, n_terms):
            raise TopicsTooSmallError(f"n_topics={k} is more than the matrix allows "
                             f"({n_units} units x {n_terms} terms)")
        if not 0.0 < self.frex_weight < 1.0:
            raise ValueError(f"frex_weight must be between 0 and 1, got {self.frex_weight!r}")

    def fit(self, X, y=None) -> TopicModel:
        """Fit the model to a :class:`toolkit.dtm.DocumentTermMatrix` (or a units x terms count
        matrix, whose terms are then named ``term_0``, ``term_1``, ...). Returns ``self``."""
        counts, vocab, units = _unpack(X)
        self._validate(*counts.shape)
        if counts.nnz and (counts.data < 0).any():
            raise ValueError("the document-term matrix holds negative counts")
        t0 = time.perf_counter()
        W, H, n_iter, extra = self._factorise(counts)
        # topic-term distributions and unit-topic shares
        hs = H.sum(axis=1, keepdims=True)
        beta = np.divide(H, hs, out=np.zeros_like(H), where=hs > 0)
        ws = W.sum(axis=1, keepdims=True)
        theta = np.divide(W, ws, out=np.zeros_like(W), where=ws > 0)
        # order topics by token-weighted prevalence (ties: original order)
        n_tok = np.asarray(counts.sum(axis=1)).ravel().astype(float)
        prevalence = (theta * n_tok[:, None]).sum(axis=0)
        order = np.lexsort((np.arange(len(prevalence)), -np.round(prevalence, 9)))
        self.components_ = H[order]
        self.topic_word_ = beta[order]
        self.doc_topic_ = theta[:, order]
        self._perm = order
        self.vocabulary_ = vocab
        self.units_ = units
        self.n_iter_ = int(n_iter)
        max_iter = self.max_iter or (400 if self.model == "nmf" else 20)
        self.converged_ = bool(self.model == "nmf" and n_iter < max_iter)
        self.n_features_in_ = counts.shape[1]
        self.fit_seconds_ = time.perf_counter() - t0
        for k, v in extra.items():
            setattr(self, k, v)
        self.labels_ = self._make_labels()
        return self

    def _factorise(self, counts: sp.csr_matrix):
        k = int(self.n_topics)
        if self.model == "nmf":
            from sklearn.decomposition import NMF
            from sklearn.feature_extraction.text import TfidfTransformer

            tfidf = TfidfTransformer(sublinear_tf=self.sublinear_tf, use_idf=self.use_idf,
                                     smooth_idf=True, norm="l2")
            Xw = tfidf.fit_transform(counts.astype(np.float64))
            nmf = NMF(n_components=k, init=self.init,
                      solver="cd" if self.beta_loss == "frobenius" else "mu",
                      beta_loss=self.beta_loss,
                      max_iter=self.max_iter or 400, tol=self.tol,
                      random_state=self.random_state, alpha_W=self.alpha_W,
                      alpha_H=self.alpha_H, l1_ratio=self.l1_ratio)
            import warnings

            from sklearn.exceptions import ConvergenceWarning

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                W = nmf.fit_transform(Xw)
            self._estimator = nmf
            self._tfidf = tfidf
            return W, nmf.components_.copy(), nmf.n_iter_, \
                {"reconstruction_err_": float(nmf.reconstruction_err_)}
        from sklearn.decomposition import LatentDirichletAllocation

        lda = LatentDirichletAllocation(
            n_components=k, learning_method="batch", max_iter=self.max_iter or 20,
            doc_topic_prior=self.doc_topic_prior, topic_word_prior=self.topic_word_prior,
            random_state=self.random_state)
        W = lda.fit_transform(counts)
        self._estimator = lda
        self._tfidf = None
        return W, lda.components_.copy(), lda.n_iter_, {}

    def fit_transform(self, X, y=None) -> np.ndarray:
        """``fit(X)`` and return ``doc_topic_`` (the fitted units' topic shares)."""
        return self.fit(X).doc_topic_

    def transform(self, X) -> np.ndarray:
        """Topic shares (rows sum to one) of new units; columns of a DocumentTermMatrix are
        aligned to ``vocabulary_`` by term (unknown terms are ignored)."""
        self._check_fitted()
        counts, vocab, _ = _unpack(X)
        if isinstance(X, np.ndarray) or sp.issparse(X):
            if counts.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {counts.shape[1]} columns, the model "
                                 f"{self.n_features_in_}")
        else:
            counts = _align(counts, vocab, self.vocabulary_)
        if self._tfidf is not None:
            W = self._estimator.transform(self._tfidf.transform(counts.astype(np.float64)))
        else:
            W = self._estimator.transform(counts)
        W = W[:, self._perm]
        ws = W.sum(axis=1, keepdims=True)
        return np.divide(W, ws, out=np.zeros_like(W), where=ws > 0)

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise ValueError("this TopicModel is not fitted yet; call fit(dtm) first")

    # -- tidy outputs -----------------------------------------------------------------------
    def _make_labels(self) -> list[str]:
        n = max(int(self.n_label_terms), 1)
        top = np.argsort(-self.topic_word_, axis=1, kind="stable")[:, :n]
        labels = [" / ".join(self.vocabulary_[i] for i in row) for row in top]
        seen: dict[str, int] = {}
        out = []
        for k, lab in enumerate(labels):
            out.append(f"{lab} ({k})" if lab in seen or labels.count(lab) > 1 else lab)
            seen[lab] = k
        return out

    def frex(self) -> np.ndarray:
        """FREX scores, shape (n_topics, n_terms) (see the module docstring)."""
        self._check_fitted()
        from scipy.stats import rankdata

        beta = self.topic_word_
        col = beta.sum(axis=0, keepdims=True)
        excl = np.divide(beta, col, out=np.zeros_like(beta), where=col > 0)
        V = beta.shape[1]
        f = rankdata(beta, axis=1, method="average") / V
        e = rankdata(excl, axis=1, method="average") / V
        w = self.frex_weight
        return 1.0 / (w / f + (1.0 - w) / e)

    def topic_terms(self, n: int = 10, *, kind: Literal["prob", "frex", "both"] = "prob"
                    ) -> pd.DataFrame:
        """Top terms per topic, one row per (topic, kind, rank).

        Parameters
        ----------
        n : int, default 10
            Terms per topic.
        kind : {"prob", "frex", "both"}, default "prob"
            ``"prob"``: highest topic-term probability (``weight`` = probability); ``"frex"``:
            highest FREX score (``weight`` = FREX); ``"both"``: both, prob rows first.

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``kind``, ``rank`` (1-based), ``term``, ``weight``.
        """
        self._check_fitted()
        check_choice("kind", kind, TERM_KINDS)
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n!r}")
        kinds = ["prob", "frex"] if kind == "both" else [kind]
        parts = []
        for kd in kinds:
            score = self.topic_word_ if kd == "prob" else self.frex()
            # ties broken by the larger probability, then alphabetically (vocabulary order)
            for k in range(score.shape[0]):
                idx = np.lexsort((np.arange(score.shape[1]), -self.topic_word_[k],
                                  -score[k]))[:n]
                parts.append(pd.DataFrame({
                    "topic": k, "label": self.labels_[k], "kind": kd,
                    "rank": np.arange(1, len(idx) + 1), "term": self.vocabulary_[idx],
                    "weight": score[k, idx]}))
        out = pd.concat(parts, ignore_index=True)
        out["term"] = out["term"].astype(object)
        return out

    def frex_terms(self, n: int = 10) -> pd.DataFrame:
        """``topic_terms(n, kind="frex")``."""
        return self.topic_terms(n, kind="frex")

    def topic_info(self, n: int = 10) -> pd.DataFrame:
        """One row per topic: ``topic``, ``label``, ``prevalence`` (token-weighted share),
        ``top_terms`` and ``frex_terms`` (comma-separated)."""
        self._check_fitted()
        tt = self.topic_terms(n, kind="both")
        join = tt.groupby(["topic", "kind"])["term"].agg(", ".join).unstack()
        n_tok = self.units_["n_terms"].to_numpy(float) if "n_terms" in self.units_ else \
            np.ones(len(self.units_))
        prev = (self.doc_topic_ * n_tok[:, None]).sum(axis=0)
        prev = prev / prev.sum() if prev.sum() > 0 else prev
        return pd.DataFrame({"topic": np.arange(len(self.labels_)), "label": self.labels_,
                             "prevalence": prev, "top_terms": join["prob"].to_numpy(),
                             "frex_terms": join["frex"].to_numpy()})

    def doc_topics(self, *, level: Literal["unit", "document"] = "unit",
                   wide: bool = False) -> pd.DataFrame:
        """Topic shares of the units (or documents) the model was fitted on.

        Parameters
        ----------
        level : {"unit", "document"}, default "unit"
            ``"document"`` averages a document's units weighted by their ``n_terms`` (each unit's
            shares sum to one, so each document's do too). For ``unit="document"`` matrices both
            levels are the same.
        wide : bool, default False
            One row per unit/document and one column per topic instead of a long table.

        Returns
        -------
        DataFrame
            Long: ``unit_id`` (unit level), ``doc_id``, the unit columns (``speaker``,
            ``para_id``, ``turn``, ``n_terms``) at unit level, ``topic``, ``label``, ``weight``.
            Units the model gives no weight at all are left out.
        """
        self._check_fitted()
        check_choice("level", level, LEVELS)
        theta = self.doc_topic_
        units = self.units_
        has = theta.sum(axis=1) > 0
        if level == "document":
            n_tok = units["n_terms"].to_numpy(float) if "n_terms" in units else \
                np.ones(len(units))
            codes, doc_ids = pd.factorize(units["doc_id"], sort=False)
            wsum = np.zeros((len(doc_ids), theta.shape[1]))
            np.add.at(wsum, codes[has], theta[has] * n_tok[has, None])
            tot = wsum.sum(axis=1, keepdims=True)
            theta = np.divide(wsum, tot, out=np.zeros_like(wsum), where=tot > 0)
            keys = pd.DataFrame({"doc_id": np.asarray(doc_ids, dtype=object)})
            has = tot.ravel() > 0
        else:
            keys = units
        keys = keys.loc[has].reset_index(drop=True)
        theta = theta[has]
        if wide:
            out = keys.copy()
            for k, lab in enumerate(self.labels_):
                out[k] = theta[:, k]
            return out
        n, k = theta.shape
        out = keys.loc[np.repeat(np.arange(n), k)].reset_index(drop=True)
        out["topic"] = np.tile(np.arange(k), n)
        out["label"] = np.tile(np.asarray(self.labels_, dtype=object), n)
        out["weight"] = theta.ravel()
        return out


# ---------------------------------------------------------------------------------------------
# helpers


def _unpack(X):
    """(csr counts, vocabulary, units) from a DocumentTermMatrix or a matrix."""
    if hasattr(X, "matrix") and hasattr(X, "vocabulary") and hasattr(X, "units"):
        counts = sp.csr_matrix(X.matrix)
        return counts, np.asarray(X.vocabulary, dtype=object), X.units.reset_index(drop=True)
    if isinstance(X, tuple) and len(X) == 3:
        counts = sp.csr_matrix(X[0])
        return counts, np.asarray(X[1], dtype=object), pd.DataFrame(X[2]).reset_index(drop=True)
    if sp.issparse(X) or isinstance(X, (np.ndarray, list)):
        counts = sp.csr_matrix(np.asarray(X) if not sp.issparse(X) else X)
        n, v = counts.shape
        vocab = np.asarray([f"term_{i}" for i in range(v)], dtype=object)
        ids = np.arange(n)
        units = pd.DataFrame({"unit_id": ids, "doc_id": ids,
                              "n_terms": np.asarray(counts.sum(axis=1)).ravel()})
        return counts, vocab, units
    raise TypeError(f"expected a DocumentTermMatrix (toolkit.dtm.dtm) or a count matrix, got "
                    f"{type(X).__name__}")


def _align(counts: sp.csr_matrix, vocab: np.ndarray, target: np.ndarray) -> sp.csr_matrix:
    index = {t: i for i, t in enumerate(target)}
    col = np.array([index.get(t, -1) for t in vocab], dtype=np.int64)
    coo = counts.tocoo()
    ok = col[coo.col] >= 0
    return sp.csr_matrix((coo.data[ok], (coo.row[ok], col[coo.col[ok]])),
                         shape=(counts.shape[0], len(target)))


# ---------------------------------------------------------------------------------------------
# choosing k


def sweep(dtm, ks: Iterable[int] = range(5, 41, 5), *, models: Sequence[str] = ("nmf", "lda"),
          random_state: int = 0, reference=None, top_n: int = 10, diversity_n: int = 25,
          window: int = 10, progress: bool = True, **params) -> pd.DataFrame:
    """Fit one model per ``k`` and model type and score each: NPMI, diversity, fit time.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        From :func:`toolkit.dtm.dtm`.
    ks : iterable of int, default 5, 10, ..., 40
        Numbers of topics.
    models : sequence of {"nmf", "lda"}, default both
    random_state : int, default 0
    reference : optional
        Where NPMI counts co-occurrence (see :func:`toolkit.coherence.as_reference`); default
        ``dtm.reference``, the documents' own terms.
    top_n : int, default 10
        Terms per topic scored by NPMI.
    diversity_n : int, default 25
        Terms per topic for diversity.
    window : int, default 10
        NPMI window.
    progress : bool, default True
    **params
        Further :class:`TopicModel` parameters (applied to every model they fit).

    Returns
    -------
    DataFrame
        One row per (model, k): ``model``, ``k``, ``npmi`` (mean over topics), ``npmi_min``,
        ``npmi_sd`` (over topics), ``diversity``, ``fit_seconds``, ``n_iter``, ``converged``.
        ``attrs["topics"]`` holds every fit's ``topic_terms`` table.
    """
    from tqdm.auto import tqdm

    from toolkit.coherence import as_reference, npmi_per_topic, topic_diversity

    ks = [int(k) for k in ks]
    if not ks:
        raise ValueError("ks is empty; give at least one number of topics")
    for m in models:
        check_choice("models", m, MODELS)
    ref = as_reference(reference if reference is not None else dtm)
    rows, terms = [], []
    jobs = [(m, k) for m in models for k in ks]
    for m, k in tqdm(jobs, desc="sweep", disable=not progress, unit="fit"):
        tm = TopicModel(k, model=m, random_state=random_state, **params).fit(dtm)
        tt = tm.topic_terms(max(top_n, diversity_n))
        per = npmi_per_topic(tt, ref, top_n=top_n, window=window)
        rows.append({"model": m, "k": k, "npmi": float(per["npmi"].mean()),
                     "npmi_min": float(per["npmi"].min()), "npmi_sd": float(per["npmi"].std()),
                     "diversity": topic_diversity(tt, top_n=diversity_n),
                     "fit_seconds": round(tm.fit_seconds_, 3), "n_iter": tm.n_iter_,
                     "converged": tm.converged_})
        tt.insert(0, "k", k)
        tt.insert(0, "model", m)
        terms.append(tt)
    out = pd.DataFrame(rows)
    out.attrs["topics"] = AttrsTable(pd.concat(terms, ignore_index=True))
    return out


# ---------------------------------------------------------------------------------------------
# topics over time, by group, and association with other measures


def _doc_level(model_or_doc_topics) -> pd.DataFrame:
    """Document-level long table (doc_id, topic, label, weight) with weights summing to one."""
    if isinstance(model_or_doc_topics, TopicModel):
        return model_or_doc_topics.doc_topics(level="document")
    dt = model_or_doc_topics
    if not isinstance(dt, pd.DataFrame):
        raise TypeError("expected a fitted TopicModel or a doc_topics table "
                        "(doc_id, topic, weight)")
    need = ["doc_id", "topic", "weight"]
    missing = [c for c in need if c not in dt.columns]
    if missing:
        raise ValueError(f"the doc_topics table needs columns {need}; missing {missing}")
    labels = None
    if "label" in dt.columns:
        labels = dt.drop_duplicates("topic").set_index("topic")["label"]
    if "unit_id" in dt.columns and dt.duplicated(["doc_id", "topic"]).any():
        w = dt["n_terms"] if "n_terms" in dt.columns else pd.Series(1.0, index=dt.index)
        tmp = pd.DataFrame({"doc_id": dt["doc_id"], "topic": dt["topic"],
                            "ww": dt["weight"] * w})
        dt = tmp.groupby(["doc_id", "topic"], sort=False, as_index=False)["ww"].sum()
        dt = dt.rename(columns={"ww": "weight"})
    else:
        dt = dt[need].copy()
    tot = dt.groupby("doc_id", sort=False)["weight"].transform("sum")
    dt["weight"] = np.where(tot > 0, dt["weight"] / tot.where(tot > 0, 1.0), 0.0)
    dt["label"] = dt["topic"].map(labels) if labels is not None else dt["topic"].astype(str)
    return dt[["doc_id", "topic", "label", "weight"]]


def _unit_level(model_or_doc_topics) -> pd.DataFrame:
    if isinstance(model_or_doc_topics, TopicModel):
        return model_or_doc_topics.doc_topics(level="unit")
    return model_or_doc_topics




def _prevalence(dt: pd.DataFrame, keys: list[str], ci: float | None, random_state: int,
                n_boot: int) -> pd.DataFrame:
    """Mean weight per (keys, topic) over the rows of ``dt`` (one row per document or unit and
    topic), with n_docs and an optional bootstrap interval."""
    g = dt.groupby([*keys, "topic"], sort=True)
    out = g.agg(label=("label", "first"), prevalence=("weight", "mean"),
                n_docs=("doc_id", "nunique")).reset_index()
    if "unit_id" in dt.columns:
        out["n_units"] = g["unit_id"].nunique().to_numpy()
    if ci is not None:
        from toolkit.bootstrap import bootstrap_ci

        b = bootstrap_ci(dt, "weight", [*keys, "topic"], ci=ci, random_state=random_state,
                         n_boot=n_boot, cluster="doc_id" if "unit_id" in dt.columns else None)
        out = out.merge(b[[*keys, "topic", "ci_low", "ci_high"]], on=[*keys, "topic"],
                        how="left")
    return out


def _attach_group(dt: pd.DataFrame, docs: pd.DataFrame | None, by: str, where: str
                  ) -> pd.DataFrame:
    if by in dt.columns:
        out = dt.assign(group=dt[by])
    elif docs is None or by not in docs.columns:
        raise ValueError(f"by={by!r} is not a column of {where}"
                         + ("" if docs is None else f"; docs has {list(docs.columns)}"))
    else:
        groups = docs.drop_duplicates("doc_id").set_index("doc_id")[by]
        out = dt.assign(group=dt["doc_id"].map(groups))
    out = out[out["group"].notna()]
    return out.assign(group=out["group"].astype(str))


def topics_over_time(model_or_doc_topics, docs: pd.DataFrame, *,
                     freq: Literal["year", "quarter", "month"] = "year", by: str | None = None,
                     ci: float | None = 0.95, n_boot: int = 1000,
                     random_state: int = 0) -> pd.DataFrame:
    """Topic prevalence per period (and group).

    Parameters
    ----------
    model_or_doc_topics : TopicModel or DataFrame
        A fitted model, or a doc_topics table (``doc_id``, ``topic``, ``weight``; unit-level
        tables are first averaged per document, weighted by ``n_terms`` when present).
    docs : DataFrame
        The documents (``doc_id``, ``date``, optionally ``date_precision`` and ``by``).
    freq : {"year", "quarter", "month"}, default "year"
    by : str, optional
        A column of ``docs`` (e.g. ``"collection"``): one series per group. Recommended when
        collections cover different years (in ``corpus/`` UN speeches end in 2024, White House
        documents run to 2026), so that a trend is not a change of collection.
    ci : float or None, default 0.95
        Add a percentile bootstrap interval of the prevalence (``ci_low``, ``ci_high``;
        :func:`toolkit.bootstrap.bootstrap_ci`, documents resampled); ``None`` skips it.
    n_boot, random_state : int
        Bootstrap resamples and seed.

    Returns
    -------
    DataFrame
        ``group`` (with ``by``), ``period`` (str: "2022", "2022Q1", "2022-03"),
        ``period_start`` (Timestamp), ``topic``, ``label``, ``prevalence`` (mean topic share of
        the period's documents; each document's shares sum to one, so each period's prevalences
        do too), ``n_docs``, ``ci_low``, ``ci_high``. Documents without a date, or dated less
        precisely than ``freq`` (UN speeches carry only a year, so they are left out of months
        and quarters), are left out; ``attrs["excluded_docs"]`` counts them.
    """
    check_choice("freq", freq, FREQS)
    dt = _doc_level(model_or_doc_topics)
    if "date" not in docs.columns:
        raise ValueError("docs needs a 'date' column (the table from read_corpus)")
    meta = docs[["doc_id", "date"] + (["date_precision"] if "date_precision" in docs else [])]
    meta = meta.drop_duplicates("doc_id").copy()
    label = period_of(meta, freq)
    start = period_of(meta, freq, kind="start")
    ok = label.notna().to_numpy()
    meta = pd.DataFrame({"doc_id": meta["doc_id"].to_numpy()[ok],
                         "period": label[ok].astype(str).to_numpy(),
                         "period_start": start[ok].to_numpy()})
    n_all = dt["doc_id"].nunique()
    dt = dt.merge(meta, on="doc_id", how="inner")
    keys = ["period"]
    if by is not None:
        dt = _attach_group(dt, docs, by, "docs")
        keys = ["group", "period"]
    out = _prevalence(dt, keys, ci, random_state, n_boot)
    starts = meta.drop_duplicates("period").set_index("period")["period_start"]
    out.insert(len(keys), "period_start", out["period"].map(starts))
    out.attrs["excluded_docs"] = int(n_all - dt["doc_id"].nunique())
    return out


def topics_by_group(model_or_doc_topics, docs: pd.DataFrame | None = None, *,
                    by: str = "collection", level: Literal["document", "unit"] = "document",
                    ci: float | None = 0.95, n_boot: int = 1000,
                    random_state: int = 0) -> pd.DataFrame:
    """Topic prevalence per group of documents (collection, country, speaker, category...) or
    of units (the ``speaker`` of turns).

    Parameters
    ----------
    model_or_doc_topics : TopicModel or DataFrame
        A fitted model or a doc_topics table.
    docs : DataFrame, optional
        The documents; ``by`` is looked up here (at unit level, unit columns come first).
    by : str, default "collection"
        The grouping column: any column of ``docs`` (``collection``, ``country``, ``iso3``,
        ``speaker``, ``category``, ``year``) or, with ``level="unit"``, of the units (``speaker``:
        the transcript speaker of a turn or paragraph).
    level : {"document", "unit"}, default "document"
        Average over documents (each weighs the same) or over units.
    ci, n_boot, random_state
        As in :func:`topics_over_time` (at unit level documents are resampled as clusters).

    Returns
    -------
    DataFrame
        ``group``, ``topic``, ``label``, ``prevalence``, ``n_docs`` (and ``n_units`` at unit
        level), ``ci_low``, ``ci_high``. Rows whose group is missing are left out.
    """
    check_choice("level", level, LEVELS)
    if level == "document":
        dt = _doc_level(model_or_doc_topics)
    else:
        dt = _unit_level(model_or_doc_topics)
        if "unit_id" not in dt.columns:
            raise ValueError("level='unit' needs unit-level doc topics (a TopicModel or a "
                             "table with unit_id)")
    dt = _attach_group(dt, docs, by, "the units or docs" if level == "unit" else "docs")
    return _prevalence(dt, ["group"], ci, random_state, n_boot)


def topic_association(doc_topics, table: pd.DataFrame, value: str = "share", *,
                      method: Literal["pearson", "spearman"] = "pearson") -> pd.DataFrame:
    """How a per-document measure (e.g. the threat index) goes with each topic.

    Parameters
    ----------
    doc_topics : TopicModel or DataFrame
        A fitted model or a doc_topics table (averaged per document).
    table : DataFrame
        One row per document: ``doc_id`` and the numeric column ``value`` (e.g.
        ``threat_index(...)`` with ``share`` or ``per_1000_words``).
    value : str, default "share"
    method : {"pearson", "spearman"}, default "pearson"

    Returns
    -------
    DataFrame
        One row per topic: ``topic``, ``label``, ``weighted_mean`` (the mean of ``value`` over
        documents weighted by their share of the topic: ``sum_d theta_dk v_d / sum_d theta_dk``),
        ``mean`` (unweighted mean over the same documents), ``difference`` (weighted mean minus
        mean), ``correlation`` (between the topic share and ``value`` across documents),
        ``p_value`` (two-sided, per topic, not corrected for multiple topics), ``n_docs``.
        Documents missing from either table or with a missing value are left out.
    """
    from scipy import stats

    check_choice("method", method, ("pearson", "spearman"))
    if "doc_id" not in table.columns or value not in table.columns:
        raise ValueError(f"table needs columns 'doc_id' and {value!r}; "
                         f"it has {list(table.columns)}")
    dt = _doc_level(doc_topics)
    wide = dt.pivot_table(index="doc_id", columns="topic", values="weight", aggfunc="sum",
                          fill_value=0.0)
    labels = dt.drop_duplicates("topic").set_index("topic")["label"]
    v = table.drop_duplicates("doc_id").set_index("doc_id")[value]
    v = pd.to_numeric(v, errors="coerce").dropna()
    wide = wide.loc[wide.index.intersection(v.index)]
    if len(wide) < 3:
        raise ValueError(f"only {len(wide)} documents are in both tables; need at least 3")
    x = v.loc[wide.index].to_numpy(float)
    rows = []
    for k in wide.columns:
        th = wide[k].to_numpy(float)
        wm = float((th * x).sum() / th.sum()) if th.sum() > 0 else float("nan")
        if np.ptp(th) == 0 or np.ptp(x) == 0:
            r, p = float("nan"), float("nan")
        elif method == "pearson":
            r, p = stats.pearsonr(th, x)
        else:
            r, p = stats.spearmanr(th, x)
        rows.append({"topic": int(k), "label": labels.get(k, str(k)), "weighted_mean": wm,
                     "mean": float(x.mean()), "difference": wm - float(x.mean()),
                     "correlation": float(r), "p_value": float(p), "n_docs": int(len(x))})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# the command-line job


def run_topics(path_or_docs, *, n_topics: int = 20, model: Literal["nmf", "lda"] = "nmf",
               random_state: int = 0, out: str | Path, unit: Literal["document", "turn", "paragraph"]
               = DEFAULT_UNIT, sweep_ks: Iterable[int] | None = None,
               sentences: pd.DataFrame | None = None, tokens: pd.DataFrame | None = None,
               progress: bool = True, use_cache: bool = True, figures: bool = True,
               table_keys: Mapping[str, str] | None = None,
               **dtm_params) -> dict[str, pd.DataFrame]:
    """Fit a topic model on a corpus and write its tables and figures to ``out``.

    What ``toolkit topics PATH --k K --model nmf|lda --seed S --out DIR`` runs (the CLI's short
    flags are ``n_topics`` and ``random_state``; ``k=`` and ``seed=`` still work here, with a
    ``FutureWarning``).

    Parameters
    ----------
    path_or_docs : str, Path or DataFrame
        A corpus path (anything :func:`toolkit.read_corpus` reads) or a documents table.
    n_topics : int, default 20
        Number of topics.
    model : {"nmf", "lda"}, default "nmf"
    random_state : int, default 0
        Seed of the model.
    out : str or Path
        Output folder (created).
    unit : {"document", "turn", "paragraph"}, default "document"
    sweep_ks : iterable of int, optional
        Also run :func:`sweep` over these k (with ``model``) and write ``sweep.csv``/``sweep.png``.
    sentences, tokens : DataFrame, optional
        Precomputed tables (e.g. from :func:`toolkit.analyze`); built (and cached) otherwise.
    progress, use_cache : bool
    figures : bool, default True
        Write the PNG figures.
    table_keys : mapping, optional
        Stage-graph keys (:meth:`toolkit.engine.graph.GraphRun.key`) of the ``tokens`` (and
        ``sentences``) tables passed in, as :func:`toolkit.analyze` gives them. With a key for
        every table the run reads (or when it builds them itself) and ``use_cache``, the whole
        run, tables, files and figures, is cached (:mod:`toolkit.topics.run_cache`): a rerun on
        the same tables and settings copies them back instead of fitting again.
    **dtm_params
        Passed to :func:`toolkit.dtm.dtm` (``min_df``, ``max_df``, ``stopwords``, ``phrases``,
        ``exclude_speakers``...).

    Returns
    -------
    dict of DataFrame
        ``topic_terms``, ``topic_info``, ``doc_topics``, ``unit_topics`` (turn/paragraph units),
        ``coherence``, ``topics_over_time``, ``topics_by_group``, ``sweep`` (if run).

    Files
    -----
    ``topic_terms.csv`` (top 10 most probable and FREX terms per topic), ``topic_info.csv``,
    ``doc_topics.parquet`` (document-level shares), ``unit_topics.parquet`` (turn/paragraph
    units), ``coherence.csv`` (per-topic NPMI, plus diversity in ``topics_summary.json``),
    ``topics_over_time.csv`` (by year, per collection when there are several),
    ``topics_by_group.csv`` (by collection), ``sweep.csv``,
    ``topics_summary.json`` and the figures ``topic_terms.png``, ``topics_over_time.png``,
    ``topics_by_group.png``, ``sweep.png``.
    """
    from toolkit.renamed import take_renamed

    renames = {"k": "n_topics", "seed": "random_state"}
    new = take_renamed("run_topics", {o: dtm_params.pop(o) for o in renames if o in dtm_params},
                       renames, {"n_topics": n_topics, "random_state": random_state},
                       {"n_topics": 20, "random_state": 0})
    k, seed = new["n_topics"], new["random_state"]
    check_choice("model", model, MODELS)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if isinstance(path_or_docs, pd.DataFrame):
        docs = path_or_docs
    else:
        from toolkit.corpus import read_corpus

        docs = read_corpus(path_or_docs, progress=progress)
    need_sents = unit != "document" or dtm_params.get("exclude_speakers")
    keys = dict(table_keys or {})
    if tokens is None or (need_sents and sentences is None):
        from toolkit.engine.graph import GraphRun

        given = {"sentences": sentences} if sentences is not None else {}
        graph = GraphRun({"documents": docs, **given}, use_cache=use_cache, progress=progress)
        if not given and tokens is None:  # the graph's keys describe only tables it built
            keys = {"sentences": graph.key("sentences"), "tokens": graph.key("tokens")}
        sentences, tokens = graph["sentences"], (graph["tokens"] if tokens is None else tokens)
    needed = ("tokens", "sentences") if need_sents else ("tokens",)
    if sweep_ks is not None:
        sweep_ks = [int(x) for x in sweep_ks]

    def fit() -> tuple[dict[str, pd.DataFrame], list[str]]:
        return _fit_and_write(docs, out, tokens=tokens,
                              sentences=sentences if need_sents else None, k=k, model=model,
                              seed=seed, unit=unit, sweep_ks=sweep_ks, progress=progress,
                              figures=figures, source=path_or_docs, t0=t0,
                              dtm_params=dtm_params)

    if use_cache and all(n in keys for n in needed):
        from toolkit.topics.run_cache import cached_topics_run, topics_run_key

        params = {"n_topics": k, "model": model, "random_state": seed, "unit": unit,
                  "sweep_ks": sweep_ks, "figures": figures, "dtm": dtm_params}
        key = topics_run_key({n: keys[n] for n in needed}, docs, params)
        return cached_topics_run(key, out, fit)
    return fit()[0]


def _fit_and_write(docs: pd.DataFrame, out: Path, *, tokens: pd.DataFrame,
                   sentences: pd.DataFrame | None, k: int, model: str, seed: int, unit: str,
                   sweep_ks, progress: bool, figures: bool, source, t0: float,
                   dtm_params: dict) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The work of :func:`run_topics`: its tables and the names of the files written to ``out``."""
    import json

    from toolkit.cache import write_parquet
    from toolkit.coherence import npmi_per_topic, topic_diversity
    from toolkit.dtm import dtm as build_dtm

    m = build_dtm(tokens, unit=unit, sentences=sentences, **dtm_params)
    tm = TopicModel(k, model=model, random_state=seed).fit(m)

    tables: dict[str, pd.DataFrame] = {}
    tables["topic_terms"] = tm.topic_terms(10, kind="both")
    tables["topic_info"] = tm.topic_info(10)
    tables["doc_topics"] = tm.doc_topics(level="document")
    if unit != "document":
        tables["unit_topics"] = tm.doc_topics(level="unit")
    coh = npmi_per_topic(tm, m)
    coh.insert(1, "label", tm.labels_)
    tables["coherence"] = coh
    by = "collection" if "collection" in docs.columns and docs["collection"].nunique() > 1 \
        else None
    tables["topics_over_time"] = topics_over_time(tm, docs, freq="year", by=by)
    tables["topics_by_group"] = topics_by_group(tm, docs, by="collection") \
        if "collection" in docs.columns else pd.DataFrame()
    if sweep_ks is not None:
        tables["sweep"] = sweep(m, sweep_ks, models=(model,), random_state=seed,
                                progress=progress)

    files = ["topic_terms.csv", "topic_info.csv", "doc_topics.parquet", "coherence.csv",
             "topics_over_time.csv", "topics_by_group.csv", "topics_summary.json"]
    tables["topic_terms"].to_csv(out / "topic_terms.csv", index=False)
    tables["topic_info"].to_csv(out / "topic_info.csv", index=False)
    write_parquet(tables["doc_topics"], out / "doc_topics.parquet")
    if "unit_topics" in tables:
        write_parquet(tables["unit_topics"], out / "unit_topics.parquet")
        files.append("unit_topics.parquet")
    coh.to_csv(out / "coherence.csv", index=False)
    tables["topics_over_time"].to_csv(out / "topics_over_time.csv", index=False)
    tables["topics_by_group"].to_csv(out / "topics_by_group.csv", index=False)
    if "sweep" in tables:
        tables["sweep"].to_csv(out / "sweep.csv", index=False)
        files.append("sweep.csv")
    summary = {
        "corpus": str(source) if not isinstance(source, pd.DataFrame) else "<table>",
        "k": int(k), "model": model, "seed": int(seed), "unit": unit,
        "model_params": tm.get_params(),
        "dtm": {**m.params, "shape": list(m.shape)},
        "npmi": float(coh["npmi"].mean()), "diversity": topic_diversity(tm, top_n=25),
        "fit_seconds": round(tm.fit_seconds_, 2), "n_iter": tm.n_iter_,
        "converged": tm.converged_,
        "labels": list(tm.labels_), "total_seconds": round(time.perf_counter() - t0, 2),
    }
    if figures:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        from toolkit import plots_topics as pt

        figs = {"topic_terms.png": pt.plot_topic_terms(tm),
                "topics_over_time.png": pt.plot_topics_over_time(tables["topics_over_time"])}
        if len(tables["topics_by_group"]):
            figs["topics_by_group.png"] = pt.plot_topics_by_group(tables["topics_by_group"])
        if "sweep" in tables:
            figs["sweep.png"] = pt.plot_sweep(tables["sweep"])
        for name, fig in figs.items():
            fig.savefig(out / name, dpi=120, bbox_inches="tight")
            plt.close(fig)
        summary["figures"] = sorted(figs)
        files.extend(sorted(figs))
    (out / "topics_summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n",
                                             encoding="utf-8")
    return tables, files
