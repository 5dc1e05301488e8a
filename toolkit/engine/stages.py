"""The stages of :data:`toolkit.engine.graph.GRAPH`: one :class:`Stage` per analysis table.

Each ``build`` is a thin call of the public function that makes the table (the functions stay
usable on their own); this module only says what each reads, which parameters and package data
it depends on, and which columns it returns.

Parameters the stages take (``GraphRun(params=...)``, ``toolkit.analyze`` passes them):

- ``sentiment_method``: method of :func:`toolkit.sentiment.actor_sentiment` (default
  :data:`toolkit.sentiment.DEFAULT_METHOD`);
- ``sentiment_prior_correction``, ``sentiment_use_roles``, ``sentiment_use_speakers`` (all True):
  the codebook corrections of :func:`toolkit.sentiment.actor_sentiment` (``prior_correction``,
  the ``roles`` table, the documents' speakers);
- ``threat_threshold``: threshold of :func:`toolkit.threat.threat_frames` (default 0.5);
- ``threat_lexicon``: a lexicon extension (path or mapping) for the threat stages (default None,
  the packaged lexicon; a path's content is part of the cache key);
- ``evidence_n``: sentences per actor of :func:`toolkit.aggregate.sentiment_evidence` (5).
"""
from __future__ import annotations

import pandas as pd

from toolkit.engine.graph import Stage

__all__ = ["STAGES"]


def _sentences(ctx) -> pd.DataFrame:
    from toolkit.segment import sentences

    return sentences(ctx["documents"], progress=ctx.progress)


def _tokens(ctx) -> pd.DataFrame:
    from toolkit.segment import tokens

    return tokens(ctx["sentences"], progress=ctx.progress)


def _token_counts(ctx) -> pd.DataFrame:
    from toolkit.segment import token_counts

    toks = ctx.held("tokens")
    if toks is None:
        return token_counts(ctx["sentences"], progress=ctx.progress)
    # The run holds the token table already: count it instead of tokenizing again (the same
    # numbers; documents whose sentences hold no token get zeros, as token_counts gives them).
    ids = pd.unique(ctx["sentences"]["doc_id"])
    g = toks.groupby("doc_id", sort=False)
    out = pd.DataFrame({"n_tokens": g.size(), "n_words": g["is_word"].sum()})
    out = out.reindex(ids, fill_value=0).astype("int64")
    return pd.DataFrame({"doc_id": pd.Series(list(ids), dtype=object),
                         "n_tokens": out["n_tokens"].to_numpy(),
                         "n_words": out["n_words"].to_numpy()})


def _mentions(ctx) -> pd.DataFrame:
    from toolkit.actors import mentions

    return mentions(ctx["sentences"], ctx["documents"], progress=ctx.progress)


def _threat_frames(ctx) -> pd.DataFrame:
    from toolkit.threat import threat_frames

    return threat_frames(ctx["sentences"], ctx["mentions"], lexicon=ctx.params["threat_lexicon"],
                         threshold=ctx.params["threat_threshold"], progress=ctx.progress)


def _threat_cues(ctx) -> pd.DataFrame:
    from toolkit.threat import threat_cues

    return threat_cues(ctx["threat_frames"])


def _threat_roles(ctx) -> pd.DataFrame:
    from toolkit.threat import threat_roles

    return threat_roles(ctx["threat_frames"], ctx["mentions"], ctx["sentences"],
                        lexicon=ctx.params["threat_lexicon"])


def _threat_index(ctx) -> pd.DataFrame:
    from toolkit.threat_index import threat_index

    return threat_index(ctx["threat_frames"], ctx["documents"], ctx["token_counts"])


def _threat_by_year(ctx) -> pd.DataFrame:
    from toolkit.threat_index import threat_attributions

    return threat_attributions(ctx["threat_roles"], ctx["documents"], by="year",
                               frames=ctx["threat_frames"])


def _actor_sentiment(ctx) -> pd.DataFrame:
    from toolkit.actors import speaker_actors
    from toolkit.sentiment import actor_sentiment

    p = ctx.params
    return actor_sentiment(ctx["sentences"], ctx["mentions"], method=p["sentiment_method"],
                           roles=ctx["threat_roles"] if p["sentiment_use_roles"] else None,
                           speakers=(speaker_actors(ctx["documents"])
                                     if p["sentiment_use_speakers"] else None),
                           prior_correction=p["sentiment_prior_correction"],
                           progress=ctx.progress)


def _sentiment_by_year(ctx) -> pd.DataFrame:
    from toolkit.aggregate import sentiment_by

    return sentiment_by(ctx["actor_sentiment"], ctx["documents"], "year")


def _sentiment_evidence(ctx) -> pd.DataFrame:
    from toolkit.aggregate import sentiment_evidence

    return sentiment_evidence(ctx["actor_sentiment"], ctx["sentences"],
                              n=ctx.params["evidence_n"])


_SEGMENT = ("toolkit.segment", "toolkit.word_tokenizer")
_THREAT_TYPE_COLS = tuple(f"n_{t}" for t in ("military", "nuclear", "hybrid", "terrorism",
                                             "economic", "other"))

#: The stages, in run order.
STAGES: tuple[Stage, ...] = (
    Stage("sentences", ("documents",),
          ("doc_id", "sent_id", "start", "end", "text", "speaker", "para_id"),
          _sentences, data=("punkt",), code=_SEGMENT),
    Stage("tokens", ("sentences",),
          ("doc_id", "sent_id", "token_id", "start", "end", "token", "lower", "is_word"),
          _tokens, data=("punkt",), code=_SEGMENT),
    Stage("token_counts", ("sentences",), ("doc_id", "n_tokens", "n_words"),
          _token_counts, data=("punkt",), code=_SEGMENT),
    Stage("mentions", ("sentences", "documents"),
          ("doc_id", "sent_id", "actor", "surface", "start", "end", "kind"),
          _mentions, data=("actors",), code=("toolkit.actors",)),
    Stage("threat_frames", ("sentences", "mentions"),
          ("doc_id", "sent_id", "threat", "threat_score", "threat_type", "horizon", "scored",
           "cues"),
          _threat_frames, params={"threat_threshold": 0.5, "threat_lexicon": None}, data=("threat",),
          code=("toolkit.threat",), json_columns=("cues",)),
    Stage("threat_cues", ("threat_frames",),
          ("doc_id", "sent_id", "cue", "type", "rule", "start", "end", "effect", "threat"),
          _threat_cues, code=("toolkit.threat",), cache=False),
    Stage("threat_roles", ("threat_frames", "mentions", "sentences"),
          ("doc_id", "sent_id", "actor", "role", "rule", "threat"),
          _threat_roles, params={"threat_lexicon": None}, data=("threat",), code=("toolkit.threat",)),
    Stage("threat_index", ("threat_frames", "documents", "token_counts"),
          ("doc_id", "n_sentences", "n_scored", "n_threat", "share", "n_words",
           "per_1000_words", "mean_score", *_THREAT_TYPE_COLS, "n_present", "n_future",
           "n_past"),
          _threat_index, code=("toolkit.threat_index",)),
    Stage("threat_by_year", ("threat_roles", "threat_frames", "documents"),
          ("year", "framer", "actor", "n_threat", "n_source", "n_referent", "share_source",
           "ci_low", "ci_high", "share_referent"),
          _threat_by_year, code=("toolkit.threat_index", "toolkit.bootstrap"), cache=False,
          scope="corpus"),
    Stage("actor_sentiment", ("sentences", "mentions", "threat_roles", "documents"),
          ("doc_id", "sent_id", "actor", "n_mentions", "label", "score", "p_negative",
           "p_neutral", "p_positive", "method"),
          _actor_sentiment, params={"sentiment_method": "neural", "sentiment_prior_correction": True,
                                   "sentiment_use_roles": True, "sentiment_use_speakers": True},
          data=("sentiment", "nltk_data"),
          code=("toolkit.sentiment", "toolkit.sentiment_neural", "toolkit.targets",
                "toolkit.actors")),
    Stage("sentiment_by_year", ("actor_sentiment", "documents"),
          ("actor", "year", "n", "n_docs", "mean", "ci_low", "ci_high", "n_negative",
           "n_neutral", "n_positive"),
          _sentiment_by_year, code=("toolkit.aggregate", "toolkit.bootstrap"), cache=False,
          scope="corpus"),
    Stage("sentiment_evidence", ("actor_sentiment", "sentences"),
          ("actor", "rank", "doc_id", "sent_id", "text", "score", "label"),
          _sentiment_evidence, params={"evidence_n": 5}, code=("toolkit.aggregate",),
          cache=False, scope="corpus"),
)
