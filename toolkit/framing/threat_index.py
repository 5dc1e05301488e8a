"""Threat indices per document and "who frames whom as a threat" attribution tables.

:func:`threat_index`
    One row per document: how many sentences are threat frames, their share, their rate per 1,000
    words, and counts per threat type and horizon.
:func:`threat_attributions`
    One row per group (document, month, quarter, year, speaker, country, collection or framer),
    framer and actor: how many threat sentences name the actor as source or referent, the share of
    the group's threat sentences that name it as source, and a bootstrap confidence interval of
    that share resampling whole documents (:func:`toolkit.bootstrap.bootstrap_ci`).

The *framer* is who speaks: the speaking state for UN General Debate speeches (``docs.iso3``), and
the collection's home actor otherwise (White House texts: USA; Kremlin texts: RUS).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.bootstrap import DEFAULT_N_BOOT, DEFAULT_RANDOM_STATE, cluster_ratio_ci
from toolkit.errors import check_choice, require_columns
from toolkit.periods import period_of
from toolkit.threat import HORIZONS, THREAT_TYPES

__all__ = ["BY_CHOICES", "DEFAULT_HOME_ACTORS", "attribution_reductions", "attributions_from_reductions",
           "framers", "threat_attributions", "threat_index"]

#: Grouping choices of :func:`threat_attributions`.
BY_CHOICES = ("doc", "month", "quarter", "year", "speaker", "country", "collection", "framer", "all")
#: Home actor (framer) of a collection whose documents have no ``iso3``.
DEFAULT_HOME_ACTORS = {"whitehouse": "USA", "kremlin": "RUS", "seed": "NATO"}
_META = ["collection", "date", "year", "iso3", "speaker"]


def threat_index(frames: pd.DataFrame, docs: pd.DataFrame,
                 tokens_or_sentences: pd.DataFrame) -> pd.DataFrame:
    """Threat frames per document.

    Parameters
    ----------
    frames : DataFrame
        From :func:`toolkit.threat.threat_frames`.
    docs : DataFrame
        The documents table (``doc_id``; ``collection``, ``date``, ``year``, ``iso3``,
        ``speaker`` are copied when present). Documents without sentences get zero counts.
    tokens_or_sentences : DataFrame
        Where the word counts come from: the tokens table (words are tokens with ``is_word``),
        the table of :func:`toolkit.segment.token_counts` (``n_words``), or the sentences table
        (tokenized here by ``token_counts``). All three give the same counts.

    Returns
    -------
    DataFrame
        One row per document, in ``docs`` order: ``doc_id``, the metadata columns present,
        ``n_sentences``, ``n_scored``, ``n_threat``, ``share`` (``n_threat / n_scored``; NaN
        without scored sentences), ``n_words``, ``per_1000_words`` (threat sentences per 1,000
        words; NaN without words), ``mean_score`` (mean ``threat_score`` of scored sentences),
        ``n_<type>`` for every threat type and ``n_<horizon>`` for every horizon.

    Examples
    --------
    >>> frames = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "threat": [True, False],
    ...     "threat_score": [0.9, 0.1], "threat_type": ["military", None],
    ...     "horizon": ["present", None], "scored": [True, True], "cues": [[], []]})
    >>> sents = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1],
    ...                       "text": ["Russia invaded Ukraine.", "We met."]})
    >>> threat_index(frames, pd.DataFrame({"doc_id": ["a"]}), sents)[
    ...     ["n_threat", "share", "n_words", "per_1000_words"]].to_dict("records")
    [{'n_threat': 1, 'share': 0.5, 'n_words': 5, 'per_1000_words': 200.0}]
    """
    require_columns(frames, ["doc_id", "sent_id", "threat", "threat_score", "threat_type",
                             "horizon", "scored"], name="threat_index(frames=...)",
                    hint="Pass the table from threat_frames().")
    require_columns(docs, ["doc_id"], name="threat_index(docs=...)",
                    hint="Pass the documents table from read_corpus().")
    require_columns(tokens_or_sentences, ["doc_id"],
                    name="threat_index(tokens_or_sentences=...)",
                    hint="Pass the tokens or the sentences table.")
    ts = tokens_or_sentences
    if "is_word" in ts.columns:
        words = ts.groupby("doc_id", sort=False)["is_word"].sum()
    elif "n_words" in ts.columns:
        words = ts.groupby("doc_id", sort=False)["n_words"].sum()
    elif "text" in ts.columns:
        from toolkit.segment import token_counts

        if "start" not in ts.columns or "end" not in ts.columns:
            # hand-made sentences without offsets: laid out one space apart
            span = ts["text"].map(lambda t: len(t) if isinstance(t, str) else 0) + 1
            start = span.groupby(ts["doc_id"], sort=False).cumsum() - span
            ts = ts.assign(start=start, end=start + span - 1, text=ts["text"].fillna(""))
        words = token_counts(ts, progress=False).set_index("doc_id")["n_words"]
    else:
        raise ValueError("threat_index() needs the tokens table (with is_word), the "
                         "token_counts() table (with n_words) or the sentences table (with "
                         "text) for the word counts")
    f = frames
    g = f.groupby("doc_id", sort=False)
    agg = pd.DataFrame({
        "n_sentences": g.size(),
        "n_scored": g["scored"].sum(),
        "n_threat": g["threat"].sum(),
        "mean_score": f["threat_score"].where(f["scored"]).groupby(f["doc_id"], sort=False).mean(),
    })
    for t in THREAT_TYPES:
        agg[f"n_{t}"] = (f["threat"] & (f["threat_type"] == t)).groupby(f["doc_id"], sort=False).sum()
    for h in HORIZONS:
        agg[f"n_{h}"] = (f["threat"] & (f["horizon"] == h)).groupby(f["doc_id"], sort=False).sum()
    meta = [c for c in _META if c in docs.columns]
    out = docs[["doc_id", *meta]].drop_duplicates("doc_id").reset_index(drop=True)
    out = out.merge(agg, left_on="doc_id", right_index=True, how="left")
    count_cols = ["n_sentences", "n_scored", "n_threat",
                  *(f"n_{t}" for t in THREAT_TYPES), *(f"n_{h}" for h in HORIZONS)]
    out[count_cols] = out[count_cols].fillna(0).astype("int64")
    out["n_words"] = out["doc_id"].map(words).fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(out["n_scored"] > 0, out["n_threat"] / out["n_scored"].where(
            out["n_scored"] > 0), np.nan)
        out["per_1000_words"] = np.where(out["n_words"] > 0, 1000 * out["n_threat"]
                                         / out["n_words"].where(out["n_words"] > 0), np.nan)
    order = ["doc_id", *meta, "n_sentences", "n_scored", "n_threat", "share", "n_words",
             "per_1000_words", "mean_score", *(f"n_{t}" for t in THREAT_TYPES),
             *(f"n_{h}" for h in HORIZONS)]
    return out[order]


def framers(docs: pd.DataFrame, home_actors: Mapping[str, str] | None = None) -> pd.Series:
    """The framer of every document: ``iso3`` when present, else the collection's home actor.

    Parameters
    ----------
    docs : DataFrame
        The documents table (``doc_id``; ``iso3`` and ``collection`` when present).
    home_actors : mapping, optional
        Collection name -> actor id; merged over :data:`DEFAULT_HOME_ACTORS`.

    Returns
    -------
    Series
        Indexed by ``doc_id``; None where neither is known.
    """
    homes = {**DEFAULT_HOME_ACTORS, **dict(home_actors or {})}
    iso = docs["iso3"] if "iso3" in docs.columns else pd.Series([None] * len(docs), index=docs.index)
    coll = docs["collection"] if "collection" in docs.columns else pd.Series([None] * len(docs),
                                                                           index=docs.index)
    vals = [i if isinstance(i, str) and i else homes.get(c) for i, c in zip(iso, coll)]
    return pd.Series(vals, index=docs["doc_id"].to_numpy(), dtype=object, name="framer")


def _group_values(docs: pd.DataFrame, by: str, framer: pd.Series) -> pd.Series:
    """The group label of every document for ``by``."""
    idx = docs["doc_id"].to_numpy()
    if by == "doc":
        return pd.Series(idx, index=idx, dtype=object)
    if by == "framer":
        return framer
    if by == "all":
        return pd.Series(["all"] * len(idx), index=idx, dtype=object)
    if by in ("month", "quarter", "year"):
        # One period rule for every table (toolkit.periods): a document dated only to the year
        # has no month or quarter and is left out of monthly and quarterly tables.
        if "date" not in docs.columns and not (by == "year" and "year" in docs.columns):
            raise ValueError(f"by={by!r} needs a date column in the documents table")
        vals = period_of(docs, by)
        return pd.Series([None if pd.isna(v) else (int(v) if by == "year" else v) for v in vals],
                         index=idx, dtype=object)
    if by not in docs.columns:
        raise ValueError(f"by={by!r} needs a {by!r} column in the documents table")
    return pd.Series(docs[by].to_numpy(), index=idx, dtype=object)


def threat_attributions(
    roles: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    by: Literal["doc", "month", "quarter", "year", "speaker", "country", "collection", "framer",
                "all"] = "doc",
    frames: pd.DataFrame | None = None,
    with_framer: bool = True,
    home_actors: Mapping[str, str] | None = None,
    n_boot: int = DEFAULT_N_BOOT,
    ci: float = 0.95,
    random_state: int = DEFAULT_RANDOM_STATE,
) -> pd.DataFrame:
    """Who frames whom as a threat: actors as threat sources and referents per group.

    Parameters
    ----------
    roles : DataFrame
        From :func:`toolkit.threat.threat_roles`.
    docs : DataFrame
        The documents table, for the groups and the framer.
    by : str, default "doc"
        The group: ``doc``, ``month``, ``quarter``, ``year`` (from ``date``/``year``),
        ``speaker``, ``country``, ``collection``, ``framer`` or ``all``.
    frames : DataFrame, optional
        From :func:`toolkit.threat.threat_frames`. Gives the denominator: all threat sentences of
        the group. Without it, only threat sentences that mention some actor are counted.
    with_framer : bool, default True
        Also group by the framer (who speaks), so the table reads "framer frames actor as a
        threat". Ignored when ``by="framer"``.
    home_actors : mapping, optional
        Collection -> framer for documents without ``iso3`` (see :func:`framers`).
    n_boot, ci, random_state
        Passed to :func:`toolkit.bootstrap.bootstrap_ci`; the bootstrap resamples whole documents.

    Returns
    -------
    DataFrame
        One row per group, framer and actor named as source or referent in the group's threat
        sentences: the group column (named as ``by``; ``doc_id`` for ``doc``), ``framer``,
        ``actor``, ``n_threat`` (threat sentences of the group), ``n_source``, ``n_referent``,
        ``share_source`` (``n_source / n_threat``), ``ci_low``, ``ci_high`` (of ``share_source``)
        and ``share_referent``. Sorted by group, framer and ``n_source`` descending.

    Examples
    --------
    >>> roles = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [0, 0, 0],
    ...     "actor": ["RUS", "UKR", "RUS"], "role": ["source", "referent", "none"],
    ...     "rule": ["possessive", "referent-prep", None], "threat": [True, True, False]})
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "collection": ["whitehouse", "whitehouse"]})
    >>> threat_attributions(roles, docs, by="collection")[
    ...     ["collection", "framer", "actor", "n_source", "share_source"]].values.tolist()
    [['whitehouse', 'USA', 'RUS', 1, 1.0], ['whitehouse', 'USA', 'UKR', 0, 0.0]]
    """
    check_choice("by", by, BY_CHOICES)
    require_columns(roles, ["doc_id", "sent_id", "actor", "role"],
                    name="threat_attributions(roles=...)",
                    hint="Pass the table from threat_roles().")
    require_columns(docs, ["doc_id"], name="threat_attributions(docs=...)",
                    hint="Pass the documents table.")
    if frames is not None:
        require_columns(frames, ["doc_id", "sent_id", "threat"],
                        name="threat_attributions(frames=...)",
                        hint="Pass the table from threat_frames().")
    thr_docs, thr_actors = attribution_reductions(frames, roles)
    return attributions_from_reductions(thr_docs, thr_actors, docs, by=by,
                                        with_framer=with_framer, home_actors=home_actors,
                                        n_boot=n_boot, ci=ci, random_state=random_state)


def attribution_reductions(frames: pd.DataFrame | None, roles: pd.DataFrame
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-document counts :func:`threat_attributions` is computed from.

    Returns two tables: per document, ``n_threat`` (its threat sentences: those of ``frames``,
    or without ``frames`` the sentences of ``roles`` marked ``threat``); per document and actor,
    ``n_src`` and ``n_ref``, the threat sentences naming the actor as source and as referent
    (source wins within a sentence). The chunked engines compute them per partition and
    concatenate them, so every engine builds the table with the same code.
    """
    if frames is not None:
        ts = frames.loc[frames["threat"].astype(bool), ["doc_id", "sent_id"]]
    else:
        thr = roles["threat"].astype(bool) if "threat" in roles.columns else \
            roles["role"].isin(["source", "referent"])
        ts = roles.loc[thr, ["doc_id", "sent_id"]]
    ts = ts.drop_duplicates()
    thr_docs = ts.groupby("doc_id", sort=False).size().rename("n_threat").reset_index()
    thr_docs["n_threat"] = thr_docs["n_threat"].astype("int64")
    r = roles.loc[roles["role"].isin(["source", "referent"]), ["doc_id", "sent_id", "actor", "role"]]
    r = r.merge(ts, on=["doc_id", "sent_id"], how="inner")
    cols = ["doc_id", "actor", "n_src", "n_ref"]
    if r.empty:
        return thr_docs, pd.DataFrame({"doc_id": pd.Series(dtype=object),
                                       "actor": pd.Series(dtype=object),
                                       "n_src": pd.Series(dtype="int64"),
                                       "n_ref": pd.Series(dtype="int64")})
    r = r.assign(_src=(r["role"] == "source").astype("int64"),
                 _ref=(r["role"] == "referent").astype("int64"))
    per = r.groupby(["doc_id", "sent_id", "actor"], sort=False)[["_src", "_ref"]].max().reset_index()
    per["_ref"] = per["_ref"] * (1 - per["_src"])
    out = per.groupby(["doc_id", "actor"], sort=False)[["_src", "_ref"]].sum().reset_index()
    out.columns = cols
    return thr_docs, out


def attributions_from_reductions(thr_docs: pd.DataFrame, thr_actors: pd.DataFrame,
                                 docmeta: pd.DataFrame, *, by: str = "year",
                                 with_framer: bool = True,
                                 home_actors: Mapping[str, str] | None = None,
                                 n_boot: int | None = None, ci: float = 0.95,
                                 random_state: int | None = None) -> pd.DataFrame:
    """:func:`threat_attributions` from (concatenated) :func:`attribution_reductions` tables.

    The shares are ratios of integer counts and the cluster bootstrap draws documents in
    ``doc_id`` order, so the table does not depend on how the corpus was partitioned.
    """
    n_boot = DEFAULT_N_BOOT if n_boot is None else int(n_boot)
    random_state = DEFAULT_RANDOM_STATE if random_state is None else random_state
    group_col = "doc_id" if by == "doc" else by
    meta = docmeta.sort_values("doc_id", kind="stable").reset_index(drop=True)
    fr = framers(meta, home_actors)
    groups = _group_values(meta, by, fr)
    keys = [group_col] + (["framer"] if with_framer and by != "framer" else [])
    out_cols = [*keys, "actor", "n_threat", "n_source", "n_referent", "share_source", "ci_low",
                "ci_high", "share_referent"]
    # Document order of the in-memory run: read_corpus sorts documents by doc_id.
    td = thr_docs.set_index("doc_id")["n_threat"]
    td = td.reindex(meta["doc_id"]).dropna()
    td = td[td > 0].astype("int64")
    g = td.index.map(groups)
    keep = pd.notna(np.asarray(g, dtype=object))
    td = td[keep]
    if td.empty:
        return pd.DataFrame(columns=out_cols)
    cell_of = {d: tuple(v for v in (groups.get(d), fr.get(d))[:len(keys)]) for d in td.index}
    n_threat: dict[tuple, int] = {}
    for d, n in td.items():
        n_threat[cell_of[d]] = n_threat.get(cell_of[d], 0) + int(n)
    act = thr_actors[thr_actors["doc_id"].isin(cell_of)]
    if act.empty:
        return pd.DataFrame(columns=out_cols)
    act = act.assign(_cell=act["doc_id"].map(cell_of))
    with_actors = set(act["_cell"])
    cells = [c for c in dict.fromkeys(cell_of[d] for d in td.index) if c in with_actors]
    cell_id = {c: i for i, c in enumerate(cells)}
    docs_of: dict[tuple, list] = {}
    for d in td.index:
        docs_of.setdefault(cell_of[d], []).append(d)
    src = {(d, a): (int(s), int(r)) for d, a, s, r in
           zip(act["doc_id"], act["actor"], act["n_src"], act["n_ref"])}
    pairs = sorted({(cell_id[c], a) for c, a in zip(act["_cell"], act["actor"])})
    rng = np.random.default_rng(random_state)
    alpha = (1 - ci) / 2
    rows = []
    n_of = td.to_dict()  # plain dict look-ups: a Series look-up per (document, actor) is slow
    cell_counts: dict[int, np.ndarray] = {}
    for cid, a in pairs:
        ds = docs_of[cells[cid]]
        counts = cell_counts.get(cid)
        if counts is None:
            counts = cell_counts[cid] = np.array([n_of[d] for d in ds], dtype=float)
        sums = np.array([src.get((d, a), (0, 0))[0] for d in ds], dtype=float)
        n_ref = sum(src.get((d, a), (0, 0))[1] for d in ds)
        n = int(counts.sum())
        mean = float(sums.sum() / n)
        if n <= 1:
            lo = hi = mean
        else:
            lo, hi = cluster_ratio_ci(rng, sums, counts, n_boot, alpha)
        rows.append((cid, a, float(lo), float(hi), int(sums.sum()), n_ref))
    res = pd.DataFrame(rows, columns=["_cell_id", "actor", "ci_low", "ci_high", "n_source",
                                      "n_referent"])
    res["_cell"] = res["_cell_id"].map(dict(enumerate(cells)))
    for i, k in enumerate(keys):
        res[k] = [c[i] for c in res["_cell"]]
    if by == "year":
        res["year"] = res["year"].astype("int64")
    res["n_threat"] = res["_cell"].map(n_threat).astype("int64")
    res["n_source"] = res["n_source"].astype("int64")
    res["n_referent"] = res["n_referent"].astype("int64")
    res["share_source"] = res["n_source"] / res["n_threat"]
    res["share_referent"] = res["n_referent"] / res["n_threat"]
    res = res.sort_values([*keys, "n_source", "n_referent", "actor"],
                          ascending=[True] * len(keys) + [False, False, True], kind="stable")
    return res[out_cols].reset_index(drop=True)


