"""The shipped dev set as the coded sample of ``corpus/``: sentence units for corrected estimates.

The dev set (``toolkit/data/eval/threat_dev.jsonl``) was drawn from ``corpus/`` (White House
NATO documents, UN General Debate 2014-2024) and coded by two coders, adjudicated. Located in the
corpus (:func:`toolkit.evaluation.locate_gold`), its labels stand beside the toolkit's predictions
for the same sentences, which is what :func:`toolkit.evaluation.corrected_mean` needs, together
with each sentence's inclusion probability.

Those probabilities are reconstructed from the design the gold set's README states, per
collection: about 45% of the sentences drawn from those with an actor and a security word, 35%
from those with an actor only, 20% from any sentence (:data:`DEV_DESIGN`). The lexicon's cues
stand in for the coders' list of security words (:func:`toolkit.evaluation.sentence_strata`), and
the draws are taken as sequential (:func:`toolkit.evaluation.inclusion_probabilities`): an
approximation of their draw, stated wherever the estimates are shown. A sample drawn with
:func:`toolkit.evaluation.sample_for_coding` carries its exact probabilities instead.

The seed article is left out: its sentences were all included by design, and the codebook's worked
examples come from it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

__all__ = ["COFRAMING_MIN", "DEV_DESIGN", "MIN_CODED", "SHARE_COLUMNS", "corrected_shares",
           "dev_sample_units"]

#: The dev set's design: share of each collection's sample drawn in each stratum.
DEV_DESIGN: dict[str, float] = {"actor_cue": 0.45, "actor_only": 0.35, "any": 0.20}
#: Co-framing (codebook): at least this many of the source actors framed as threat sources in one
#: sentence.
COFRAMING_MIN = 2
#: Fewest coded sentences a group needs for its corrected share to be reported (see
#: :func:`corrected_shares`).
MIN_CODED = 30
#: Columns of :func:`corrected_shares` after ``measure`` and the ``by`` columns.
SHARE_COLUMNS: tuple[str, ...] = ("n", "n_coded", "reported", "uncorrected", "uncorrected_ci_low",
                                  "uncorrected_ci_high", "estimate", "ci_low", "ci_high")


def dev_sample_units(tables, *, gold: str | Path | None = None,
                     source_actors: Sequence[str] = ("RUS", "CHN", "PRK", "IRN"),
                     exclude: Sequence[str] = ("seed",)) -> pd.DataFrame:
    """One row per corpus sentence with the toolkit's predictions, the coders' labels where the
    sentence is in the gold set, and its inclusion probability.

    Parameters
    ----------
    tables : AnalysisTables or mapping
        ``documents``, ``sentences``, ``mentions``, ``lexicon_frames``, ``threat_frames`` and
        ``threat_roles`` of the corpus (``toolkit.figures.AnalysisTables`` gives them).
    gold : str or Path, optional
        The gold file; default the shipped dev set.
    source_actors : sequence of str, default Russia, China, North Korea, Iran
        Actors whose role as threat source gets a prediction and a gold column each.
    exclude : sequence of str, default ("seed",)
        Collections left out of the units (and of the gold sample).

    Returns
    -------
    DataFrame
        ``doc_id``, ``sent_id``, ``collection``, ``year``, ``stratum``, ``threat`` (0/1
        prediction), ``source_<ACTOR>`` (0/1: the toolkit frames the actor as threat source),
        ``gold_threat`` and ``gold_source_<ACTOR>`` (the coders' labels, NaN where the sentence
        was not coded), ``coframing`` and ``gold_coframing`` (two or more of ``source_actors``
        framed as threat sources in the sentence: the codebook's co-framing, :data:`COFRAMING_MIN`),
        ``pi`` (inclusion probability, per collection; see the module docstring).
    """
    from toolkit.evaluation import (inclusion_probabilities, locate_gold, read_codebook,
                                    sentence_strata)
    from toolkit.resources import data_path

    docs, sents, ments = tables["documents"], tables["sentences"], tables["mentions"]
    frames, roles, lex = tables["threat_frames"], tables["threat_roles"], tables["lexicon_frames"]
    keys = ["doc_id", "sent_id"]
    units = (frames[[*keys, "threat"]]
             .merge(sentence_strata(sents, ments, lex)[[*keys, "stratum"]], on=keys)
             .merge(docs[["doc_id", "collection", "year"]], on="doc_id"))
    units = units[~units["collection"].isin(list(exclude))].reset_index(drop=True)
    units["threat"] = units["threat"].astype(float)
    src = roles.loc[roles["role"] == "source", [*keys, "actor"]]
    index = pd.MultiIndex.from_frame(units[keys])
    for actor in source_actors:
        hit = pd.MultiIndex.from_frame(src.loc[src["actor"] == actor, keys])
        units[f"source_{actor}"] = index.isin(hit).astype(float)

    rows = read_codebook(gold or data_path("eval", "threat_dev.jsonl"))
    loc = locate_gold(rows, docs, sents)
    coded = pd.DataFrame({
        "doc_id": loc["doc_id"], "sent_id": loc["sent_id"], "match": loc["match"],
        "source": [r["source"] for r in rows],
        "gold_threat": [float(r["threat"]) for r in rows],
        **{f"gold_source_{a}": [float(r["actors"].get(a, {}).get("role") == "source")
                                for r in rows] for a in source_actors}})
    coded = coded[(coded["match"] != "not_found") & ~coded["source"].isin(list(exclude))]
    coded = coded.drop(columns=["match", "source"]).drop_duplicates(keys)
    coded["sent_id"] = coded["sent_id"].astype("int64")
    units = units.merge(coded, on=keys, how="left")
    for prefix in ("", "gold_"):
        cols = [f"{prefix}source_{a}" for a in source_actors]
        # an uncoded sentence's gold co-framing stays missing, not 0
        units[f"{prefix}coframing"] = (units[cols].sum(axis=1, min_count=1) >= COFRAMING_MIN
                                       ).astype(float).where(units[cols[0]].notna())

    parts = []
    for _, g in units.groupby("collection", sort=True):
        n = int(g["gold_threat"].notna().sum())
        sizes = {"actor_cue": round(DEV_DESIGN["actor_cue"] * n),
                 "actor_only": round(DEV_DESIGN["actor_only"] * n)}
        sizes["any"] = n - sum(sizes.values())
        parts.append(inclusion_probabilities(g, strata="stratum", sample_sizes=sizes,
                                             any_stratum="any"))
    units["pi"] = pd.concat(parts) if parts else pd.Series(dtype=float)
    return units


def corrected_shares(units: pd.DataFrame, measures: Mapping[str, str], *,
                     by: str | Sequence[str], min_coded: int = MIN_CODED,
                     cluster: str = "doc_id", ci: float = 0.95) -> pd.DataFrame:
    """Uncorrected and measurement-error-corrected shares of several measures per group.

    :func:`toolkit.evaluation.corrected_mean` for each ``measures`` column (its coded column is
    ``gold_<column>``), clustered by document, interval ends clipped to [0, 1]. The corrected
    estimate of a group rests on that group's coded sentences only; with a handful of them it is
    noise (it can leave [0, 1]), so it is reported only where ``n_coded >= min_coded``
    (``reported``) and is missing elsewhere, beside the uncorrected share, which is always there.
    Groups without coded sentences are flagged by ``reported`` instead of a warning.

    Parameters
    ----------
    units : DataFrame
        Sentence units, e.g. :func:`dev_sample_units`: the ``measures`` columns, ``gold_*``
        columns, ``pi``, ``cluster`` and ``by``.
    measures : mapping
        ``{display name: prediction column}``, e.g. ``{"threat sentences": "threat"}``.
    by : str or list of str
        Grouping columns, e.g. ``["collection", "year"]``.
    min_coded : int, default 30
        Coded sentences a group needs for a reported corrected share (:data:`MIN_CODED`).
    cluster : str, default "doc_id"
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        ``measure``, the ``by`` columns, then :data:`SHARE_COLUMNS`.

    Examples
    --------
    Four sentences of two documents, two coded (each drawn with probability 1/2): the model's
    50% becomes 0% once its error on the coded sentence of ``b`` (a threat the coders did not
    see, weighted 1/pi = 2) is corrected; group ``un`` has no coded sentence, so only its
    uncorrected share is reported.

    >>> u = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c"], "year": [2024] * 4 + [2023],
    ...                   "collection": ["wh"] * 4 + ["un"], "threat": [1., 0., 1., 0., 1.],
    ...                   "gold_threat": [1., None, 0., None, None], "pi": [.5] * 5})
    >>> t = corrected_shares(u, {"threat sentences": "threat"}, by="collection", min_coded=2)
    >>> t[["measure", "collection", "n_coded", "reported", "uncorrected", "estimate"]].to_dict("records")
    [{'measure': 'threat sentences', 'collection': 'un', 'n_coded': 0, 'reported': False, 'uncorrected': 1.0, 'estimate': nan}, {'measure': 'threat sentences', 'collection': 'wh', 'n_coded': 2, 'reported': True, 'uncorrected': 0.5, 'estimate': 0.0}]
    """
    import warnings

    from toolkit.evaluation import corrected_mean

    keys = [by] if isinstance(by, str) else list(by)
    parts = []
    for name, column in measures.items():
        with warnings.catch_warnings():
            # groups without coded units are flagged in the table (reported=False)
            warnings.filterwarnings("ignore", message=r"corrected_mean\(\): \d+ of \d+ groups "
                                                      r"have no hand-coded unit")
            t = corrected_mean(units, prediction=column, gold=f"gold_{column}", pi="pi", by=keys,
                               ci=ci, cluster=cluster, bounds=(0, 1))
        t["reported"] = t["n_coded"] >= min_coded
        for c in ("estimate", "ci_low", "ci_high"):
            t[c] = t[c].where(t["reported"])
        parts.append(t.assign(measure=name)[["measure", *keys, *SHARE_COLUMNS]])
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update({"min_coded": min_coded, "ci": ci, "cluster": cluster})
    return out
