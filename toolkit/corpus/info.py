"""Counts of a corpus per collection: documents, sentences, tokens, words, dates."""
from __future__ import annotations

import pandas as pd

__all__ = ["collection_counts", "corpus_info"]


def corpus_info(docs: pd.DataFrame, sents: pd.DataFrame | None = None,
                toks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per collection: documents, sentences, tokens, words, characters and date range.

    Examples
    --------
    >>> from toolkit.corpus import read_corpus
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> corpus_info(docs)[["collection", "documents"]].to_dict("records")
    [{'collection': 'seed', 'documents': 1}]
    """
    info = collection_counts(docs, sents, toks)
    skipped = docs.attrs.get("skipped")
    info["skipped_files"] = 0 if skipped is None else len(skipped)
    info = info.reset_index()
    # counts of a collection without sentences or tokens are 0; a missing date stays missing
    counts = [c for c in info.columns if pd.api.types.is_numeric_dtype(info[c])]
    info[counts] = info[counts].fillna(0)
    return info


def collection_counts(docs: pd.DataFrame, sents: pd.DataFrame | None = None,
                      toks: pd.DataFrame | None = None) -> pd.DataFrame:
    """The counts of :func:`corpus_info`, indexed by collection (the streaming engines sum them
    over chunks). Collections without sentences or tokens get NaN."""
    info = docs.groupby("collection", sort=True).agg(
        documents=("doc_id", "size"), characters=("n_chars", "sum"),
        date_min=("date", "min"), date_max=("date", "max"),
    )
    coll = docs.set_index("doc_id")["collection"]
    if sents is not None:
        info["sentences"] = sents["doc_id"].map(coll).value_counts()
    if toks is not None:
        by = toks["doc_id"].map(coll)
        info["tokens"] = by.value_counts()
        info["words"] = by[toks["is_word"]].value_counts()
    return info
