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

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

__all__ = ["COFRAMING_MIN", "DEV_DESIGN", "dev_sample_units"]

#: The dev set's design: share of each collection's sample drawn in each stratum.
DEV_DESIGN: dict[str, float] = {"actor_cue": 0.45, "actor_only": 0.35, "any": 0.20}
#: Co-framing (codebook): at least this many of the source actors framed as threat sources in one
#: sentence.
COFRAMING_MIN = 2


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
