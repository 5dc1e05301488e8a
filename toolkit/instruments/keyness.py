"""Keyness: which words a target subcorpus uses more (or less) than a reference subcorpus.

Each subcorpus is chosen by a filter over the documents table (:func:`select_docs`): a dict of
column values (``{"collection": "seed"}``, ``{"year": [2022, 2023]}``), a pandas query string
(``"year >= 2022 and collection == 'ungd'"``), a callable ``docs -> boolean mask`` (or -> a
subset of ``docs``), or a list of ``doc_id``. The reference defaults to every other document.

Statistics
----------
For a term with frequency ``a`` in the target (``size_target`` word tokens) and ``b`` in the
reference (``size_reference``), the 2×2 contingency table is

=============  ===============  ===================
               target           reference
=============  ===============  ===================
term           a                b
other words    size_target - a  size_reference - b
=============  ===============  ===================

with expected values ``E_ij = row_i · column_j / N``. Then

* ``g2``: the log-likelihood ratio G² of the full 2×2 table (Dunning 1993),
  ``2 Σ O_ij ln(O_ij / E_ij)`` with ``0 · ln 0 = 0``, **signed**: positive when the term's
  relative frequency is higher in the target (overused there), negative when lower. (The
  two-cell variant that Wmatrix/AntConc report, ``2(a ln(a/E11) + b ln(b/E12))``, differs
  slightly for frequent terms.)
* ``chi2``: Pearson's chi-square of the same table, without Yates' continuity correction by
  default (``yates=True`` applies it: ``|O - E| - 0.5``, floored at 0). Unsigned.
* ``log_ratio``: Hardie's (2014) Log Ratio, the binary log of the ratio of relative frequencies,
  ``log2((a / size_target) / (b / size_reference))``; a zero frequency is replaced by 0.5 so the
  value stays finite. +1 means twice as frequent in the target.
* ``p_value``: upper tail of the chi-square distribution with 1 degree of freedom at ``|g2|``.
* ``direction``: ``"target"`` (key in the target: ``g2 > 0``), ``"reference"`` (``g2 < 0``) or
  ``"none"``.

Terms are word tokens (``is_word``; punctuation is not a term and not counted in the sizes),
lower-cased unless ``lowercase=False``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.errors import check_choice
from toolkit.kwic import TokenIndex, as_index

__all__ = ["keyness", "plot_keyness", "select_docs"]

KEYNESS_COLUMNS = ["term", "freq_target", "freq_reference", "size_target", "size_reference",
                   "g2", "chi2", "log_ratio", "p_value", "direction"]

DocFilter = dict | str | Callable[[pd.DataFrame], Any] | Sequence[str] | pd.Index | np.ndarray


def describe_filter(flt: Any) -> str:
    """A short description of a subcorpus filter for messages and plot labels."""
    if isinstance(flt, dict | str):
        return repr(flt)
    if callable(flt):
        return f"<callable {getattr(flt, '__name__', type(flt).__name__)}>"
    if isinstance(flt, pd.Series) and flt.dtype == bool:
        return f"<boolean mask selecting {int(flt.sum())} rows>"
    try:
        items = list(flt)
    except TypeError:
        return repr(flt)
    shown = ", ".join(repr(x) for x in items[:3]) + (", ..." if len(items) > 3 else "")
    return f"[{shown}] ({len(items)} doc_ids)"


def _plain(docs: pd.DataFrame) -> pd.DataFrame:
    out = docs.copy(deep=False)
    out.attrs = {}
    return out


def select_docs(docs: pd.DataFrame, flt: DocFilter, *, name: str = "filter") -> pd.Index:
    """The ``doc_id`` of the documents a filter selects.

    Parameters
    ----------
    docs : DataFrame
        The documents table.
    flt : dict, str, callable or list of doc_id
        ``{"column": value}`` (several keys must all hold; a list/tuple/set value means any of
        them; ``None`` means missing), a :meth:`pandas.DataFrame.query` string, a callable taking
        ``docs`` and returning a boolean mask or a subset of ``docs``, or ``doc_id`` values.
    name : str
        What the filter is for (``"target"``), used in error messages.

    Raises
    ------
    ValueError
        The filter selects no documents, names a missing column, is an invalid query, or lists
        unknown ``doc_id`` values; the message names the filter.

    Examples
    --------
    >>> from toolkit import read_corpus
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> list(select_docs(docs, {"collection": "seed"})) == list(docs["doc_id"])
    True
    """
    if "doc_id" not in docs.columns:
        raise ValueError("docs needs a 'doc_id' column (pass the table from read_corpus())")
    plain = _plain(docs)
    label = f"{name} filter {describe_filter(flt)}"
    ids = plain["doc_id"]
    if isinstance(flt, dict):
        if not flt:
            raise ValueError(f"{label} is empty: give at least one column")
        mask = pd.Series(True, index=plain.index)
        for col, value in flt.items():
            if col not in plain.columns:
                raise ValueError(f"{label}: docs has no column {col!r}; columns are "
                                 f"{[c for c in plain.columns if c != 'text']}")
            try:
                if value is None:
                    mask &= plain[col].isna()
                elif isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Index):
                    mask &= plain[col].isin(list(value)).fillna(False).astype(bool)
                else:
                    mask &= (plain[col] == value).fillna(False).astype(bool)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{label}: cannot compare column {col!r} with {value!r}: "
                                 f"{exc}") from exc
        selected = ids[mask.to_numpy()]
    elif isinstance(flt, str):
        try:
            selected = plain.query(flt)["doc_id"]
        except Exception as exc:
            raise ValueError(f"{label} is not a valid query on docs: {exc}") from exc
    elif callable(flt):
        result = flt(plain)
        if isinstance(result, pd.DataFrame):
            if "doc_id" not in result.columns:
                raise ValueError(f"{label} returned a DataFrame without a doc_id column")
            selected = result["doc_id"]
        else:
            arr = np.asarray(result)
            if arr.dtype == bool and len(arr) == len(plain):
                selected = ids[arr]
            else:
                return select_docs(docs, list(arr), name=name)
    elif isinstance(flt, pd.Series) and flt.dtype == bool:
        if len(flt) != len(plain):
            raise ValueError(f"{label}: the boolean mask has {len(flt)} rows, docs has "
                             f"{len(plain)}")
        selected = ids[flt.to_numpy()]
    elif isinstance(flt, list | tuple | set | frozenset | np.ndarray | pd.Index | pd.Series):
        wanted = pd.Index(list(flt)).astype(object)
        known = pd.Index(ids.astype(object))
        unknown = wanted[~wanted.isin(known)]
        if len(unknown):
            raise ValueError(f"{label}: {len(unknown)} doc_id not in docs, e.g. "
                             f"{list(unknown[:3])}")
        selected = ids[known.isin(wanted)]
    else:
        raise TypeError(f"{label}: a filter is a dict, a query string, a callable or a list of "
                        f"doc_id, got {type(flt).__name__}")
    selected = pd.Index(pd.unique(np.asarray(selected, dtype=object)), name="doc_id")
    if len(selected) == 0:
        raise ValueError(f"{label} selects no documents")
    return selected


def keyness(tokens: pd.DataFrame | TokenIndex, docs: pd.DataFrame, *, target: DocFilter,
            reference: DocFilter | None = None,
            measure: Literal["llr", "chi2", "log_ratio"] = "llr", min_freq: int = 5,
            lowercase: bool = True, yates: bool = False) -> pd.DataFrame:
    """Keywords of a target subcorpus against a reference subcorpus.

    Parameters
    ----------
    tokens : DataFrame or TokenIndex
        The tokens table (:func:`toolkit.tokens`) or its :func:`~toolkit.kwic.token_index`.
    docs : DataFrame
        The documents table the filters select from.
    target : dict, str, callable or list of doc_id
        The target subcorpus (see :func:`select_docs`).
    reference : dict, str, callable, list of doc_id or None, default None
        The reference subcorpus; ``None`` = every document not in the target.
    measure : {"llr", "chi2", "log_ratio"}, default "llr"
        Sort order (descending; ``chi2`` is signed by direction for sorting): keywords of the
        target first, keywords of the reference last.
    min_freq : int, default 5
        Minimum frequency in target and reference together.
    lowercase : bool, default True
        Compare lower-cased words (``lower``) rather than ``token``.
    yates : bool, default False
        Apply Yates' continuity correction to ``chi2``.

    Returns
    -------
    DataFrame
        ``term``, ``freq_target``, ``freq_reference``, ``size_target``, ``size_reference``
        (word tokens), ``g2`` (signed), ``chi2``, ``log_ratio``, ``p_value``, ``direction``; see
        the module docstring. ``attrs`` holds ``target``, ``reference`` (descriptions),
        ``n_docs_target``, ``n_docs_reference`` and ``measure``.

    Raises
    ------
    ValueError
        A filter selects no documents (the message names it), target and reference overlap,
        the reference is empty, or a subcorpus has no word tokens.

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> docs = read_corpus("corpus", collections=["seed", "whitehouse"], progress=False)
    >>> docs = docs[(docs["collection"] == "seed") | (docs["year"] == 2026)]
    >>> key = keyness(tokens(docs, progress=False), docs, target={"collection": "seed"},
    ...               reference={"year": 2026}, min_freq=3)
    >>> key.loc[key["term"] == "rutte", ["freq_target", "direction"]].values.tolist()
    [[7, 'target']]
    """
    check_choice("measure", measure, ["llr", "chi2", "log_ratio"])
    if isinstance(min_freq, bool) or not isinstance(min_freq, int | np.integer) or min_freq < 1:
        raise ValueError(f"min_freq must be a positive integer, got {min_freq!r}")
    target_ids = select_docs(docs, target, name="target")
    if reference is None:
        all_ids = pd.Index(pd.unique(np.asarray(docs["doc_id"], dtype=object)))
        reference_ids = all_ids[~all_ids.isin(target_ids)]
        if len(reference_ids) == 0:
            raise ValueError(f"target filter {describe_filter(target)} selects every document: "
                             "the reference (the rest of the corpus) is empty; give reference=")
        ref_label = "rest of the corpus"
    else:
        reference_ids = select_docs(docs, reference, name="reference")
        both = target_ids[target_ids.isin(reference_ids)]
        if len(both):
            raise ValueError(f"target {describe_filter(target)} and reference "
                             f"{describe_filter(reference)} overlap in {len(both)} documents, "
                             f"e.g. {list(both[:3])}; the subcorpora must be disjoint")
        ref_label = describe_filter(reference)
    index, _ = as_index(tokens)
    codes, vocab = index.codes(not lowercase)
    in_t = pd.Index(index.doc_ids).isin(target_ids)
    in_r = pd.Index(index.doc_ids).isin(reference_ids)
    word = index.is_word
    mask_t = in_t[index.doc] & word
    mask_r = in_r[index.doc] & word
    size_t, size_r = int(mask_t.sum()), int(mask_r.sum())
    if size_t == 0:
        raise ValueError(f"the target {describe_filter(target)} selects {len(target_ids)} "
                         "documents but they have no word tokens in the tokens table")
    if size_r == 0:
        raise ValueError(f"the reference ({ref_label}) has no word tokens in the tokens table")
    v = len(vocab)
    a_all = np.bincount(codes[mask_t], minlength=v)
    b_all = np.bincount(codes[mask_r], minlength=v)
    keep = np.flatnonzero(a_all + b_all >= min_freq)
    a, b = a_all[keep].astype(float), b_all[keep].astype(float)
    stats = keyness_stats(a, b, size_t, size_r, yates=yates)
    out = pd.DataFrame({
        "term": pd.Series(vocab[keep], dtype="str"),
        "freq_target": a_all[keep].astype(np.int64),
        "freq_reference": b_all[keep].astype(np.int64),
        "size_target": np.full(len(keep), size_t, dtype=np.int64),
        "size_reference": np.full(len(keep), size_r, dtype=np.int64),
        **stats,
    }, columns=KEYNESS_COLUMNS)
    key = {"llr": out["g2"], "chi2": out["chi2"] * np.sign(out["g2"]),
           "log_ratio": out["log_ratio"]}[measure]
    out = out.assign(_key=key.to_numpy()).sort_values(
        ["_key", "term"], ascending=[False, True], kind="stable").drop(columns="_key")
    out = out.reset_index(drop=True)
    out.attrs.update({"target": describe_filter(target), "reference": ref_label,
                      "n_docs_target": int(len(target_ids)),
                      "n_docs_reference": int(len(reference_ids)), "measure": measure})
    return out


def keyness_stats(a, b, size_target, size_reference, *, yates: bool = False) -> dict:
    """Signed G², chi-square, Log Ratio, p-value and direction for arrays of counts.

    ``a``/``b`` are the term's frequencies in target/reference; sizes are the subcorpus sizes.

    Examples
    --------
    >>> s = keyness_stats(np.array([10.0]), np.array([2.0]), 110, 502)
    >>> round(float(s["g2"][0]), 4), s["direction"][0]
    (25.0132, 'target')
    """
    from scipy.stats import chi2 as chi2_dist

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    st, sr = float(size_target), float(size_reference)
    n = st + sr
    obs = np.stack([a, b, st - a, sr - b])
    rows = np.stack([a + b, a + b, n - a - b, n - a - b])
    cols = np.array([st, sr, st, sr])[:, None]
    exp = rows * cols / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(obs > 0, obs * np.log(obs / exp), 0.0)
        g2 = 2 * terms.sum(axis=0)
        dev = np.abs(obs - exp)
        if yates:
            dev = np.maximum(dev - 0.5, 0.0)
        chi2 = np.where(exp > 0, dev ** 2 / exp, 0.0).sum(axis=0)
        rel_t = np.where(a > 0, a, 0.5) / st
        rel_r = np.where(b > 0, b, 0.5) / sr
        log_ratio = np.log2(rel_t / rel_r)
    g2 = np.maximum(g2, 0.0)  # rounding can leave -1e-13 for a perfectly even term
    sign = np.sign(a / st - b / sr)
    signed = g2 * sign
    direction = np.where(sign > 0, "target", np.where(sign < 0, "reference", "none"))
    return {"g2": signed, "chi2": chi2, "log_ratio": log_ratio,
            "p_value": chi2_dist.sf(g2, 1), "direction": pd.Series(direction, dtype="str")}


def plot_keyness(df: pd.DataFrame, *, n: int = 15, measure: str | None = None, ax=None):
    """Bar chart of the top ``n`` keywords each way: the target's keywords (positive) above,
    the reference's (negative) below, by ``measure`` (default: the one ``keyness`` sorted by;
    ``"llr"`` plots signed ``g2``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"term": ["a", "b"], "g2": [5.0, -3.0], "log_ratio": [1.0, -1.0],
    ...                    "direction": ["target", "reference"]})
    >>> plot_keyness(df, n=1).get_xlabel()
    'G² (signed log-likelihood)'
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    measure = measure or df.attrs.get("measure", "llr")
    col = {"llr": "g2", "g2": "g2", "log_ratio": "log_ratio", "chi2": "chi2"}.get(measure)
    if col is None or col not in df.columns or "term" not in df.columns:
        raise ValueError(f"plot_keyness() needs a keyness() table with the {measure!r} column")
    values = df[col] * (np.sign(df["g2"]) if col == "chi2" else 1)
    tab = df.assign(_v=values.to_numpy())
    top = tab[tab["_v"] > 0].nlargest(n, "_v")
    bottom = tab[tab["_v"] < 0].nsmallest(n, "_v").iloc[::-1]
    show = pd.concat([top, bottom])
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.28 * max(len(show), 4) + 1.4))
    target = df.attrs.get("target", "target")
    reference = df.attrs.get("reference", "reference")
    names = {"target": f"key in target {target}", "reference": f"key in reference {reference}"}
    hue = np.where(show["_v"] > 0, names["target"], names["reference"])
    sns.barplot(x=show["_v"].to_numpy(), y=show["term"].astype(str).to_numpy(), hue=hue,
                palette={names["target"]: "#c44e52", names["reference"]: "#4c72b0"},
                dodge=False, orient="h", ax=ax)
    ax.axvline(0, color="black", linewidth=0.8)
    labels = {"g2": "G² (signed log-likelihood)", "chi2": "chi-square (signed)",
              "log_ratio": "Log Ratio (log2 of rel. freq. ratio)"}
    ax.set_xlabel(labels[col])
    ax.set_ylabel("term")
    ax.set_title("Keyness")
    if ax.get_legend() is not None:
        ax.legend(loc="lower right", fontsize="small")
    ax.figure.tight_layout()
    return ax
