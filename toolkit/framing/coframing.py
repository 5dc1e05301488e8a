"""Co-framing: several actors named together in one sentence or document (the "axis" framing).

The seed article names Russia, China, North Korea and Iran in one breath. :func:`coframing` finds
every sentence (or document) that names all of a set of actors (or at least ``min_actors`` of
them); :func:`coframing_by` counts them per period or group, with the number of documents and
sentences of each group as the denominator and a bootstrap interval of the share of documents.

Examples
--------
>>> m = pd.DataFrame({"doc_id": ["a"] * 5, "sent_id": [0, 0, 0, 0, 1],
...                   "actor": ["RUS", "CHN", "PRK", "IRN", "RUS"]})
>>> coframing(m)[["doc_id", "sent_id", "n_actors", "actors"]].to_dict("records")
[{'doc_id': 'a', 'sent_id': 0, 'n_actors': 4, 'actors': 'CHN|IRN|PRK|RUS'}]
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.bootstrap import DEFAULT_N_BOOT, DEFAULT_RANDOM_STATE, bootstrap_ci
from toolkit.errors import check_choice

__all__ = ["AXIS", "coframing", "coframing_by"]

#: The four states the seed article names together: China, Iran, North Korea, Russia.
AXIS: tuple[str, ...] = ("CHN", "IRN", "PRK", "RUS")
UNITS = ("sentence", "document")


def _require(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {missing}; got {list(df.columns)}")


def _check(actors: Sequence[str], min_actors: int | None) -> tuple[list[str], int]:
    acts = sorted(dict.fromkeys(actors))
    if len(acts) < 2:
        raise ValueError(f"co-framing needs at least two actors, got {list(actors)!r}")
    k = len(acts) if min_actors is None else int(min_actors)
    if not 2 <= k <= len(acts):
        raise ValueError(f"min_actors must be between 2 and {len(acts)}, got {min_actors!r}")
    return acts, k


def coframing(mentions: pd.DataFrame, *, actors: Sequence[str] = AXIS,
              unit: Literal["sentence", "document"] = "sentence", min_actors: int | None = None,
              frames: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sentences or documents that name several of ``actors`` together.

    Parameters
    ----------
    mentions : DataFrame
        The mentions table (:func:`toolkit.mentions`: ``doc_id``, ``sent_id``, ``actor``).
    actors : sequence of str, default :data:`AXIS`
        Actor ids (``CHN``, ``IRN``, ``PRK``, ``RUS``).
    unit : {"sentence", "document"}, default "sentence"
        Where the actors must be named together.
    min_actors : int, optional
        How many of ``actors`` must be named; default all of them.
    frames : DataFrame, optional
        The threat frames (:func:`toolkit.threat_frames`). Adds ``threat``: for a sentence,
        whether it is a threat frame; for a document, how many of its co-framing sentences are
        (``n_threat``).

    Returns
    -------
    DataFrame
        One row per unit, sorted by ``doc_id`` (and ``sent_id``): ``doc_id``, ``sent_id`` (sentence
        unit), ``n_actors`` (how many of ``actors`` are named), ``actors`` (the ids, sorted, joined
        by ``|``), and ``threat`` (sentence) or ``n_coframing_sentences`` and ``n_threat``
        (document) when ``frames`` is given (documents always get ``n_coframing_sentences``).
    """
    check_choice("unit", unit, UNITS)
    acts, k = _check(actors, min_actors)
    _require(mentions, ["doc_id", "sent_id", "actor"], "coframing()")
    keys = ["doc_id", "sent_id"] if unit == "sentence" else ["doc_id"]
    m = mentions.loc[mentions["actor"].isin(acts), [*keys, "actor"]].drop_duplicates()
    m = m.astype({"actor": object})
    if m.empty:
        g = pd.DataFrame(columns=[*keys, "n_actors", "actors"])
    else:
        g = (m.sort_values("actor").groupby(keys, sort=True)["actor"]
             .agg(n_actors="size", actors=lambda s: "|".join(s)).reset_index())
        g = g.loc[g["n_actors"] >= k].reset_index(drop=True)
    g["n_actors"] = g["n_actors"].astype("int64")
    g["actors"] = g["actors"].astype(object)
    if unit == "sentence":
        if frames is not None:
            _require(frames, ["doc_id", "sent_id", "threat"], "coframing(frames=...)")
            thr = frames.set_index(["doc_id", "sent_id"])["threat"].astype(bool)
            idx = pd.MultiIndex.from_frame(g[["doc_id", "sent_id"]])
            g["threat"] = thr.reindex(idx).fillna(False).to_numpy(dtype=bool)
        g["sent_id"] = g["sent_id"].astype("int64")
        return g.reset_index(drop=True)
    # document unit: also count the sentences that name them together
    sent = coframing(mentions, actors=acts, unit="sentence", min_actors=k, frames=frames)
    per = sent.groupby("doc_id").size()
    g["n_coframing_sentences"] = g["doc_id"].map(per).fillna(0).astype("int64")
    if frames is not None:
        g["n_threat"] = g["doc_id"].map(sent.groupby("doc_id")["threat"].sum()).fillna(0) \
            .astype("int64")
    return g


def coframing_by(mentions: pd.DataFrame, docs: pd.DataFrame, by: str | Sequence[str] = "year", *,
                 actors: Sequence[str] = AXIS, min_actors: int | None = None,
                 frames: pd.DataFrame | None = None, n_boot: int = DEFAULT_N_BOOT,
                 ci: float = 0.95, random_state: int = DEFAULT_RANDOM_STATE) -> pd.DataFrame:
    """How often ``actors`` are named together, per group of documents.

    Parameters
    ----------
    mentions : DataFrame
        The mentions table.
    docs : DataFrame
        The documents table: ``doc_id`` and the ``by`` columns (e.g. ``year``, ``collection``).
        Every document counts in the denominator, also those naming no actor.
    by : str or list of str, default "year"
        Document columns to group by.
    actors, min_actors
        As in :func:`coframing`.
    frames : DataFrame, optional
        The threat frames: adds the sentence denominator and the threat-frame counts.
    n_boot, ci, random_state
        Bootstrap of the share of documents (:func:`toolkit.bootstrap_ci`, documents resampled).

    Returns
    -------
    DataFrame
        One row per group, sorted: the ``by`` columns, ``n_docs``, ``docs_coframing`` (documents
        naming the actors together anywhere), ``docs_coframing_sentence`` (documents with at least
        one sentence naming them together), ``share_docs`` (``docs_coframing / n_docs``),
        ``ci_low``, ``ci_high`` (of ``share_docs``), ``sentences_coframing``; with ``frames`` also
        ``n_sentences``, ``per_10k_sentences`` and ``sentences_coframing_threat`` (co-framing
        sentences that are threat frames). Rows whose group is missing are left out.

    Examples
    --------
    >>> m = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"], "sent_id": [0, 0, 1, 1, 0],
    ...                   "actor": ["RUS", "CHN", "RUS", "CHN", "RUS"]})
    >>> d = pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [2024, 2024, 2025]})
    >>> coframing_by(m, d, actors=["RUS", "CHN"], n_boot=50)[
    ...     ["year", "n_docs", "docs_coframing", "share_docs", "sentences_coframing"]
    ... ].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'year': 2024, 'n_docs': 2, 'docs_coframing': 1, 'share_docs': 0.5, 'sentences_coframing': 2},
     {'year': 2025, 'n_docs': 1, 'docs_coframing': 0, 'share_docs': 0.0, 'sentences_coframing': 0}]
    """
    keys = [by] if isinstance(by, str) else list(by)
    _require(docs, ["doc_id", *keys], "coframing_by()")
    acts, k = _check(actors, min_actors)
    d = docs[["doc_id", *keys]].drop_duplicates("doc_id").dropna(subset=keys).copy()
    d = d.reset_index(drop=True)
    doc_co = coframing(mentions, actors=acts, unit="document", min_actors=k)
    sent_co = coframing(mentions, actors=acts, unit="sentence", min_actors=k, frames=frames)
    d["_doc"] = d["doc_id"].isin(set(doc_co["doc_id"])).astype(float)
    per_doc = sent_co.groupby("doc_id").size()
    d["_sent"] = d["doc_id"].map(per_doc).fillna(0).astype("int64")
    d["_docsent"] = (d["_sent"] > 0).astype("int64")
    if frames is not None:
        d["_nsent"] = d["doc_id"].map(frames.groupby("doc_id").size()).fillna(0).astype("int64")
        d["_thr"] = d["doc_id"].map(sent_co.groupby("doc_id")["threat"].sum()).fillna(0) \
            .astype("int64")
    boot = bootstrap_ci(d, "_doc", keys, n_boot=n_boot, ci=ci, random_state=random_state)
    agg = {"docs_coframing": ("_doc", "sum"), "docs_coframing_sentence": ("_docsent", "sum"),
           "sentences_coframing": ("_sent", "sum")}
    if frames is not None:
        agg.update(n_sentences=("_nsent", "sum"), sentences_coframing_threat=("_thr", "sum"))
    counts = d.groupby(keys, sort=True).agg(**agg).reset_index()
    out = boot.rename(columns={"n": "n_docs", "mean": "share_docs"}).merge(counts, on=keys)
    cols = [*keys, "n_docs", "docs_coframing", "docs_coframing_sentence", "share_docs", "ci_low",
            "ci_high", "sentences_coframing"]
    if frames is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            out["per_10k_sentences"] = np.where(out["n_sentences"] > 0, 1e4 * out[
                "sentences_coframing"] / out["n_sentences"].where(out["n_sentences"] > 0), np.nan)
        cols += ["n_sentences", "per_10k_sentences", "sentences_coframing_threat"]
    for c in ("n_docs", "docs_coframing", "docs_coframing_sentence", "sentences_coframing",
              *(["n_sentences", "sentences_coframing_threat"] if frames is not None else [])):
        out[c] = out[c].astype("int64")
    return out[cols].sort_values(keys, kind="stable").reset_index(drop=True)
