"""Document-term matrices built from the toolkit's own tokens.

:func:`dtm` turns the tokens table (one row per token, see :func:`toolkit.tokens`) into a sparse
count matrix of *units* by *terms*, the input of :class:`toolkit.topics.TopicModel`.

Terms
-----
A term is a token's lower-case form as it appears in the text (no stemming, no lemmatising), with
curly apostrophes made straight. A token becomes a term when

1. it is a word (``is_word``), begins with a letter and has at least two characters -- numbers
   ("2022", "75th", "1.5°c"), punctuation, initials ("s.", "q"), clitics ("’s", "n’t", "’re")
   and the tokenizer's fragments of contractions ("ca" of "can't", "gon" of "gonna") never become
   terms (:func:`normalise_form`);
2. it is not a stopword. The default list (``stopwords="default"``) is NLTK's English list plus the
   toolkit's documented domain list ``toolkit/data/stopwords/domain.txt`` (transcript chatter,
   salutations, press-briefing small talk, role words and names of the transcripts, spoken fillers,
   number words). Entries of several words ("ladies and gentlemen", "mr. president") are
   *phrases*: their words are dropped only where the whole phrase occurs as consecutive tokens
   of one sentence, so "president" stays a term in "President Zelenskyy" but not in "Thank you,
   Mr. President";
3. its document frequency -- the number of *documents* it occurs in, whatever the unit -- is within
   ``min_df`` and ``max_df``, so the vocabulary does not change with the unit.

With ``phrases=True``, collocations are joined by "_" before counting ("north_korea",
"united_nations"): two terms that follow each other directly (consecutive tokens of one sentence,
nothing removed in between) form a phrase when the pair occurs at least ``phrase_min_count`` times
and its normalised PMI, ``log(p(ab) / (p(a) p(b))) / -log p(ab)`` with probabilities over the
corpus's term positions, is at least ``phrase_threshold``. Overlapping pairs are joined left to
right ("a b c" with both pairs phrases gives "a_b c").

Units
-----
``unit="document"`` (the default) models whole documents. ``unit="paragraph"`` models the blocks
of :func:`toolkit.sentences` (``para_id``: a paragraph, a list item, a speaker turn's paragraph;
they never cross a speaker change). ``unit="turn"`` models speaker turns: maximal runs of
consecutive sentences with the same ``speaker`` label within a document; a document without
speaker labels (a speech, a statement) is one turn. ``exclude_speakers=("Q",)`` leaves out the
reporters' questions (for every unit, and from the reference texts), so that briefing topics are
those of the answers; questions are kept by default because they set the agenda of a briefing.
Units with fewer than ``min_unit_terms`` counted terms ("Thank you.", "Go ahead.") are dropped;
``units`` lists the units kept. Which unit gives the most coherent topics depends on the corpus;
on ``corpus/`` documents do (see :mod:`toolkit.topics`).

The reference for coherence
---------------------------
The returned object also holds :class:`toolkit.topics.reference.Reference` texts: per
*document*, the sequence of its terms after steps 1-2 (and phrase joining) but before the
``min_df``/``max_df`` pruning. :func:`toolkit.coherence.npmi` slides its windows over these
sequences.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from toolkit.errors import TopicsTooSmallError, check_choice
from toolkit.resources import data_path
from toolkit.topics.reference import Reference

UNITS = ("document", "turn", "paragraph")
STOPWORD_LISTS = ("default", "nltk", "none")

#: Default minimum document frequency: a term must occur in at least 5 documents. Rarer words
#: (typos, one speech's place names, OCR debris) cannot be the top term of a topic that describes
#: more than one document, and dropping them halves the vocabulary of ``corpus/``.
DEFAULT_MIN_DF = 5
#: Default maximum document frequency: terms in more than 40% of the documents ("security",
#: "international", "world", "people", "peace", "president" in ``corpus/``) are dropped. They
#: occur in every topic and make topics look alike without telling them apart. Chosen on
#: ``corpus/`` against 0.3 and 0.5 by coherence and diversity (``benchmarks/bench_topics.py``;
#: its figures are in the README's topic-model section).
DEFAULT_MAX_DF = 0.4
#: Default minimum number of terms for a unit to be kept.
DEFAULT_MIN_UNIT_TERMS = 5

_CLITIC = re.compile(r"^(?:'[a-z]{1,2}|n't)$")
_INITIAL = re.compile(r"^\w\.$")
#: What NLTK's word tokenizer leaves of contractions: "can't" -> "ca" "n't", "gonna" -> "gon" "na".
_FRAGMENTS = frozenset({"ca", "wo", "sha", "ai", "gon", "wan", "na", "ta"})


@dataclass
class DocumentTermMatrix:
    """A units-by-terms count matrix with its vocabulary and units.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        Counts, shape ``(n_units, n_terms)``, int64.
    vocabulary : numpy.ndarray of str
        The terms, in column order (sorted alphabetically).
    units : DataFrame
        One row per matrix row: ``unit_id``, ``doc_id``, ``n_terms`` (tokens counted), and for
        ``unit="turn"`` ``speaker``, for ``unit="paragraph"`` ``para_id`` and ``speaker``.
    unit : str
        ``"document"``, ``"turn"`` or ``"paragraph"``.
    reference : toolkit.topics.reference.Reference
        Per-document term sequences for coherence (see the module docstring).
    params : dict
        The settings that built the matrix.

    The object unpacks as ``matrix, vocabulary, units = dtm(...)``.
    """

    matrix: sp.csr_matrix
    vocabulary: np.ndarray
    units: pd.DataFrame
    unit: str = "document"
    reference: object | None = None
    params: dict = field(default_factory=dict)

    def __iter__(self) -> Iterator:
        return iter((self.matrix, self.vocabulary, self.units))

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def __repr__(self) -> str:
        n, v = self.matrix.shape
        return (f"DocumentTermMatrix({n:,} {self.unit} units x {v:,} terms, "
                f"{self.matrix.nnz:,} non-zeros, {int(self.matrix.sum()):,} tokens)")

    def to_frame(self) -> pd.DataFrame:
        """Long table of the non-zero cells: ``unit_id``, ``term``, ``count``."""
        coo = self.matrix.tocoo()
        return pd.DataFrame({"unit_id": self.units["unit_id"].to_numpy()[coo.row],
                             "term": self.vocabulary[coo.col], "count": coo.data})


# ---------------------------------------------------------------------------------------------
# stopwords


@lru_cache(maxsize=1)
def domain_stopwords() -> tuple[str, ...]:
    """Entries of ``toolkit/data/stopwords/domain.txt`` (comments removed, lower case).

    Entries with a space are phrases (see :func:`dtm`).
    """
    path = data_path("stopwords", "domain.txt")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower().replace("’", "'")
        if entry:
            out.append(" ".join(entry.split()))
    return tuple(dict.fromkeys(out))


def stopword_list(stopwords: str | Iterable[str] | None = "default") -> tuple[frozenset, tuple]:
    """The ``(words, phrases)`` a stopword setting stands for.

    Parameters
    ----------
    stopwords : "default", "nltk", "none", None or iterable of str
        ``"default"``: NLTK's English list plus :func:`domain_stopwords`; ``"nltk"``: NLTK's list
        only; ``"none"``/``None``: nothing; an iterable: exactly those entries (entries with a
        space are phrases).

    Examples
    --------
    >>> words, phrases = stopword_list("default")
    >>> "the" in words, "yeah" in words, ("ladies", "and", "gentlemen") in phrases
    (True, True, True)
    """
    if stopwords is None:
        entries: list[str] = []
    elif isinstance(stopwords, str):
        check_choice("stopwords", stopwords, STOPWORD_LISTS)
        entries = []
        if stopwords in ("default", "nltk"):
            from nltk.corpus import stopwords as nltk_sw

            entries += nltk_sw.words("english")
        if stopwords == "default":
            entries += domain_stopwords()
    else:
        entries = [str(s) for s in stopwords]
    words, phrases = set(), set()
    for e in entries:
        e = " ".join(e.lower().replace("’", "'").split())
        if " " in e:
            phrases.add(tuple(e.split()))
        elif e:
            words.add(e)
    return frozenset(words), tuple(sorted(phrases, key=lambda p: (-len(p), p)))


def _clean(lower: object) -> str | None:
    """Straight apostrophes, no Markdown escape backslashes."""
    if not isinstance(lower, str):
        return None
    return lower.replace("’", "'").replace("‘", "'").replace("\\", "")


def normalise_form(lower: str) -> str | None:
    """The term a lower-case token stands for, or ``None`` if it can never be a term.

    Curly apostrophes become straight and Markdown escape backslashes go. ``None`` for forms that
    do not begin with a letter (numbers), have fewer than two characters, are clitics ("’s",
    "n’t", "’re"), an initial ("s.") or one of the fragments NLTK's tokenizer leaves of
    contractions ("ca" n't, "wo" n't, "gon" na, "wan" na).

    Examples
    --------
    >>> [normalise_form(t) for t in ["nato", "n’t", "’s", "2022", "covid-19", "q", "u.s.",
    ...                              "s."]]
    ['nato', None, None, None, 'covid-19', None, 'u.s.', None]
    """
    form = _clean(lower)
    if form is None or len(form) < 2 or not form[0].isalpha() or _CLITIC.match(form) \
            or _INITIAL.match(form) or form in _FRAGMENTS:
        return None
    return form


# ---------------------------------------------------------------------------------------------
# the matrix


def dtm(
    tokens: pd.DataFrame,
    *,
    unit: Literal["document", "turn", "paragraph"] = "document",
    sentences: pd.DataFrame | None = None,
    min_df: int | float = DEFAULT_MIN_DF,
    max_df: int | float = DEFAULT_MAX_DF,
    stopwords: str | Iterable[str] | None = "default",
    phrases: bool = False,
    phrase_min_count: int = 20,
    phrase_threshold: float = 0.5,
    exclude_speakers: Sequence[str] = (),
    min_unit_terms: int = DEFAULT_MIN_UNIT_TERMS,
) -> DocumentTermMatrix:
    """Count terms per unit (document, speaker turn or paragraph).

    Parameters
    ----------
    tokens : DataFrame
        The tokens table (``doc_id``, ``sent_id``, ``token_id``, ``lower``, ``is_word``), e.g. from
        :func:`toolkit.tokens`. Rows must be in document order (as ``tokens`` returns them).
    unit : {"document", "turn", "paragraph"}, default "document"
        What one matrix row is (see the module docstring).
    sentences : DataFrame, optional
        The sentences table the tokens came from; needed for ``unit="turn"``/``"paragraph"`` and
        for ``exclude_speakers``.
    min_df, max_df : int or float
        Document-frequency bounds, counted in documents whatever the unit. An int is a number of
        documents, a float a share of documents (``min_df`` rounded up, ``max_df`` down).
        Defaults: 5 documents and 0.4 (see :data:`DEFAULT_MIN_DF`, :data:`DEFAULT_MAX_DF`). On a
        small corpus pass e.g. ``min_df=1, max_df=1.0``; an empty vocabulary raises.
    stopwords : "default", "nltk", "none", None or iterable of str
        See :func:`stopword_list`.
    phrases : bool, default False
        Join collocations with "_" (see the module docstring).
    phrase_min_count : int, default 20
        Minimum count of a phrase.
    phrase_threshold : float, default 0.5
        Minimum normalised PMI of a phrase.
    exclude_speakers : sequence of str, default ()
        Speaker labels whose sentences are left out (e.g. ``("Q",)``).
    min_unit_terms : int, default 5
        Units with fewer counted tokens are dropped.

    Returns
    -------
    DocumentTermMatrix
        ``.matrix``, ``.vocabulary``, ``.units``, ``.reference`` (unpacks as a 3-tuple).

    Examples
    --------
    >>> import pandas as pd, toolkit
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Russia threatens Ukraine.",
    ...                                                    "Yeah, Russia and Ukraine met."]})
    >>> m = dtm(toolkit.tokens(docs, progress=False), min_df=1, max_df=1.0, min_unit_terms=1)
    >>> m.vocabulary.tolist(), m.matrix.toarray().tolist()
    (['met', 'russia', 'threatens', 'ukraine'], [[0, 1, 1, 1], [1, 1, 0, 1]])
    """
    check_choice("unit", unit, UNITS)
    needed = ["doc_id", "sent_id", "token_id", "lower", "is_word"]
    missing = [c for c in needed if c not in tokens.columns]
    if missing:
        raise ValueError(f"dtm() needs the tokens table with columns {needed}; missing {missing}. "
                         f"Pass the table from toolkit.tokens().")
    if (unit != "document" or exclude_speakers) and sentences is None:
        raise ValueError(f"unit={unit!r} and exclude_speakers need the sentences table: "
                         f"dtm(tokens, sentences=sents, unit={unit!r})")
    if min_unit_terms < 0:
        raise ValueError(f"min_unit_terms must be >= 0, got {min_unit_terms!r}")
    words, stop_phrases = stopword_list(stopwords)
    params = {"unit": unit, "min_df": min_df, "max_df": max_df,
              "stopwords": stopwords if isinstance(stopwords, str) or stopwords is None
              else sorted(words) + [" ".join(p) for p in stop_phrases],
              "phrases": phrases, "phrase_min_count": phrase_min_count,
              "phrase_threshold": phrase_threshold, "exclude_speakers": list(exclude_speakers),
              "min_unit_terms": min_unit_terms}

    # --- documents and sentences as integer codes (never strings per token) -----------------
    doc_codes, doc_ids = pd.factorize(tokens["doc_id"], sort=False)
    doc_ids = np.asarray(doc_ids, dtype=object)
    n_docs = len(doc_ids)
    sent = tokens["sent_id"].to_numpy(dtype=np.int64)
    tid = tokens["token_id"].to_numpy(dtype=np.int64)
    keep = tokens["is_word"].to_numpy(dtype=bool).copy()

    sent_unit = None
    unit_rows: pd.DataFrame | None = None
    if sentences is not None and (unit != "document" or exclude_speakers):
        sent_unit, unit_rows, sent_keep = _sentence_units(sentences, doc_ids, unit,
                                                          set(exclude_speakers))
        skey = _sent_key(doc_codes, sent)
        pos = np.searchsorted(sent_unit[0], skey)
        pos_c = np.minimum(pos, len(sent_unit[0]) - 1)
        found = (len(sent_unit[0]) > 0) & (sent_unit[0][pos_c] == skey)
        if not found.all():
            bad = int(np.flatnonzero(~found)[0])
            raise ValueError(f"token row {bad} (doc_id={doc_ids[doc_codes[bad]]!r}, "
                             f"sent_id={sent[bad]}) has no row in the sentences table; pass the "
                             f"sentences the tokens were built from")
        tok_unit = sent_unit[1][pos_c]
        keep &= sent_keep[pos_c]
    else:
        tok_unit = doc_codes

    # --- forms -> candidate terms ------------------------------------------------------------
    form_codes, forms = pd.factorize(tokens["lower"], sort=False)
    clean = [_clean(f) for f in np.asarray(forms, dtype=object)]
    clean_codes, clean_forms = pd.factorize(pd.Series(clean, dtype=object), sort=False)
    clean_forms = np.asarray(clean_forms, dtype=object)
    keep &= form_codes >= 0
    term_all = np.where(form_codes >= 0, clean_codes[np.maximum(form_codes, 0)], -1)

    idx = np.flatnonzero(keep)
    term = term_all[idx].astype(np.int64)
    d = doc_codes[idx]
    s = sent[idx]
    t = tid[idx]
    u = tok_unit[idx]
    # phrase stopwords: drop every token of an occurrence of the phrase
    keep2 = np.ones(len(idx), dtype=bool)
    if stop_phrases:
        lookup = {f: i for i, f in enumerate(clean_forms)}
        for phrase in stop_phrases:
            codes = [lookup.get(w, -2) for w in phrase]
            n = len(phrase)
            if -2 in codes or len(idx) < n:
                continue
            m = len(idx) - n + 1
            hit = term[:m] == codes[0]
            for j in range(1, n):
                hit &= (term[j:m + j] == codes[j]) & (d[j:m + j] == d[:m]) \
                    & (s[j:m + j] == s[:m]) & (t[j:m + j] == t[:m] + j)
            at = np.flatnonzero(hit)
            for j in range(n):
                keep2[at + j] = False
    # word stopwords and forms that are no terms
    not_term = np.array([normalise_form(f) is None or f in words for f in clean_forms], dtype=bool)
    keep2 &= (term >= 0) & ~not_term[np.maximum(term, 0)]
    term, d, s, t, u = term[keep2], d[keep2], s[keep2], t[keep2], u[keep2]
    vocab_all = clean_forms

    if phrases:
        term, d, s, t, u, vocab_all = _join_phrases(term, d, s, t, u, vocab_all,
                                                    phrase_min_count, phrase_threshold)

    # compact the term codes to the forms in use (reference vocabulary)
    used, term = np.unique(term, return_inverse=True)
    ref_vocab = np.asarray(vocab_all[used], dtype=object) if len(used) else \
        np.array([], dtype=object)
    reference = Reference(term.astype(np.int32), np.searchsorted(d, np.arange(n_docs + 1)),
                          ref_vocab, doc_ids=doc_ids) if _sorted(d) else \
        _reference_unsorted(term, d, ref_vocab, doc_ids)

    # --- document frequency bounds ------------------------------------------------------------
    n_ref = len(ref_vocab)
    if len(term):
        pair = np.unique(d.astype(np.int64) * max(n_ref, 1) + term)
        df = np.bincount(pair % max(n_ref, 1), minlength=n_ref)
    else:
        df = np.zeros(n_ref, dtype=np.int64)
    lo = _df_bound(min_df, n_docs, "min_df")
    hi = _df_bound(max_df, n_docs, "max_df")
    in_vocab = (df >= lo) & (df <= hi)
    # vocabulary sorted alphabetically for a stable column order
    vocab_idx = np.flatnonzero(in_vocab)
    order = np.argsort(ref_vocab[vocab_idx].astype(str), kind="stable")
    vocab_idx = vocab_idx[order]
    col_of = np.full(n_ref, -1, dtype=np.int64)
    col_of[vocab_idx] = np.arange(len(vocab_idx))
    col = col_of[term] if len(term) else term
    ok = col >= 0
    vocabulary = np.asarray([str(v) for v in ref_vocab[vocab_idx]], dtype=object)
    if len(vocabulary) == 0:
        raise TopicsTooSmallError(
            f"the document-term matrix is empty: no term is left after stopwords and the "
            f"document-frequency bounds (min_df={min_df!r} -> {lo} documents, max_df={max_df!r} -> "
            f"{hi} of {n_docs} documents); lower min_df or raise max_df")

    # --- units ----------------------------------------------------------------------------------
    if unit_rows is None:
        unit_rows = pd.DataFrame({"unit_id": doc_ids, "doc_id": doc_ids})
    n_units_all = len(unit_rows)
    counts = sp.coo_matrix((np.ones(int(ok.sum()), dtype=np.int64), (u[ok], col[ok])),
                           shape=(n_units_all, len(vocabulary))).tocsr()
    counts.sum_duplicates()
    n_terms = np.asarray(counts.sum(axis=1)).ravel()
    keep_units = np.flatnonzero((n_terms >= max(min_unit_terms, 1)))
    matrix = counts[keep_units]
    units = unit_rows.iloc[keep_units].reset_index(drop=True)
    units["n_terms"] = n_terms[keep_units].astype(np.int64)
    if matrix.shape[0] == 0:
        raise TopicsTooSmallError(f"the document-term matrix is empty: no unit has at least "
                         f"{max(min_unit_terms, 1)} terms; lower min_unit_terms or min_df")
    matrix.sort_indices()
    return DocumentTermMatrix(matrix=matrix.astype(np.int64), vocabulary=vocabulary, units=units,
                              unit=unit, reference=reference, params=params)


def _sorted(a: np.ndarray) -> bool:
    return bool(len(a) < 2 or (np.diff(a) >= 0).all())


def _reference_unsorted(term, d, vocab, doc_ids):
    order = np.argsort(d, kind="stable")
    d = d[order]
    return Reference(term[order].astype(np.int32),
                     np.searchsorted(d, np.arange(len(doc_ids) + 1)), vocab, doc_ids=doc_ids)


def _df_bound(v: int | float, n_docs: int, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be an int (documents) or a float share, got {v!r}")
    if isinstance(v, (float, np.floating)):
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{name} as a share must be between 0.0 and 1.0, got {v!r}")
        return int(np.floor(v * n_docs)) if name == "max_df" else int(np.ceil(v * n_docs))
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {v!r}")
    return int(v)


def _sent_key(doc_codes: np.ndarray, sent_ids: np.ndarray) -> np.ndarray:
    return doc_codes.astype(np.int64) * (1 << 32) + sent_ids.astype(np.int64)


def _sentence_units(sentences: pd.DataFrame, doc_ids: np.ndarray, unit: str,
                    exclude: set[str]):
    """Per sentence: sorted keys, unit codes, keep flags; and the unit rows."""
    need = ["doc_id", "sent_id", "speaker", "para_id"]
    missing = [c for c in need if c not in sentences.columns]
    if missing:
        raise ValueError(f"dtm() needs the sentences table with columns {need}; missing {missing}")
    dpos = pd.Index(doc_ids).get_indexer(sentences["doc_id"])
    inside = dpos >= 0
    sub = sentences.loc[inside, ["sent_id", "speaker", "para_id"]]
    dcode = dpos[inside].astype(np.int64)
    sid = sub["sent_id"].to_numpy(dtype=np.int64)
    key = _sent_key(dcode, sid)
    order = np.argsort(key, kind="stable")
    key, dcode, sid = key[order], dcode[order], sid[order]
    spk_codes, spk_vals = pd.factorize(sub["speaker"], sort=False)  # None -> -1
    spk_codes = spk_codes[order]
    spk_vals = np.asarray(spk_vals, dtype=object)
    para = sub["para_id"].to_numpy(dtype=np.int64)[order]
    sent_keep = np.ones(len(key), dtype=bool)
    if exclude and len(spk_vals):
        bad = np.array([v in exclude for v in spk_vals], dtype=bool)
        sent_keep = ~((spk_codes >= 0) & bad[np.maximum(spk_codes, 0)])
    if len(key) == 0:
        raise ValueError("the sentences table has no rows for the tokens' documents")
    new_doc = np.r_[True, dcode[1:] != dcode[:-1]]
    if unit == "document":
        starts = new_doc
    elif unit == "paragraph":
        starts = new_doc | np.r_[True, para[1:] != para[:-1]]
    else:  # turn: a change of speaker label (None counts as a label) starts a new turn
        starts = new_doc | np.r_[True, spk_codes[1:] != spk_codes[:-1]]
    ucode = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    udoc = dcode[first]
    fcode = spk_codes[first]
    speaker = pd.Series([spk_vals[c] if c >= 0 else None for c in fcode], dtype=object)
    uids = doc_ids[udoc]
    if unit == "document":
        rows = pd.DataFrame({"unit_id": uids, "doc_id": uids})
    elif unit == "paragraph":
        p = para[first]
        rows = pd.DataFrame({"unit_id": [f"{a}#p{b}" for a, b in zip(uids, p)],
                             "doc_id": uids, "para_id": p.astype(np.int64), "speaker": speaker})
    else:
        idx = np.arange(len(first))
        doc_first = np.r_[True, udoc[1:] != udoc[:-1]]
        turn_no = idx - np.maximum.accumulate(np.where(doc_first, idx, 0))
        rows = pd.DataFrame({"unit_id": [f"{a}#t{b}" for a, b in zip(uids, turn_no)],
                             "doc_id": uids, "turn": turn_no.astype(np.int64),
                             "speaker": speaker})
    return (key, ucode), rows, sent_keep


def _join_phrases(term, d, s, t, u, vocab, min_count, threshold):
    """Join adjacent term pairs that are collocations (see the module docstring)."""
    n = len(term)
    if n < 2:
        return term, d, s, t, u, vocab
    V = len(vocab)
    adj = (d[1:] == d[:-1]) & (s[1:] == s[:-1]) & (t[1:] == t[:-1] + 1)
    a, b = term[:-1], term[1:]
    pair_key = a.astype(np.int64) * V + b
    keys, pair_n = np.unique(pair_key[adj], return_counts=True)
    uni = np.bincount(term, minlength=V).astype(float)
    total = float(n)
    ka, kb = keys // V, keys % V
    p_ab = pair_n / total
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(p_ab / ((uni[ka] / total) * (uni[kb] / total))) / -np.log(p_ab)
    good = (pair_n >= min_count) & (npmi >= threshold)
    good_keys = keys[good]
    if len(good_keys) == 0:
        return term, d, s, t, u, vocab
    cand = np.zeros(n - 1, dtype=bool)
    cand[adj] = np.isin(pair_key[adj], good_keys)
    # within runs of consecutive candidate starts, accept every other one (left to right)
    start_run = cand & ~np.r_[False, cand[:-1]]
    run_id = np.cumsum(start_run)
    run_first = np.flatnonzero(start_run)
    pos = np.arange(n - 1) - run_first[np.maximum(run_id - 1, 0)]
    accept = cand & (pos % 2 == 0)
    acc = np.flatnonzero(accept)
    new_keys, new_code = np.unique(pair_key[acc], return_inverse=True)
    phrase_forms = np.array([f"{vocab[k // V]}_{vocab[k % V]}" for k in new_keys], dtype=object)
    vocab2 = np.concatenate([np.asarray(vocab, dtype=object), phrase_forms])
    term2 = term.copy()
    term2[acc] = V + new_code
    drop = np.zeros(n, dtype=bool)
    drop[acc + 1] = True
    k = ~drop
    return term2[k], d[k], s[k], t[k], u[k], vocab2
