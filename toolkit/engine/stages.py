"""The stages of :data:`toolkit.engine.graph.GRAPH`: one :class:`Stage` per analysis table.

Each ``build`` is a thin call of the public function that makes the table (the functions stay
usable on their own); this module only says what each reads, which parameters and package data
it depends on, and which columns it returns.

Parameters the stages take (``GraphRun(params=...)``, ``toolkit.analyze`` passes them):

- ``sentiment_method``: method of :func:`toolkit.sentiment.actor_sentiment` (default
  ``"codebook"``: read off the codebook model's scores);
- ``sentiment_prior_correction``, ``sentiment_use_roles``, ``sentiment_use_speakers`` (all True):
  the codebook corrections of :func:`toolkit.sentiment.actor_sentiment` (``prior_correction``,
  the ``roles`` table, the documents' speakers);
- ``threat_method``: ``"model"`` (default; the codebook model, :mod:`toolkit.codebook`) or
  ``"rules"`` (the threat lexicon) for the threat frames and roles;
- ``threat_threshold``: threat threshold (default None: the model's calibrated threshold, or 0.5
  for the rules);
- ``codebook_skip``: which sentences the codebook model leaves out: ``"no_candidates"``
  (default: sentences with neither an actor mention nor a lexicon cue, about half of a corpus;
  they hold 2-3% of the gold threat frames, see ``docs/validation.md``) or ``"none"`` (encode
  every analysable sentence: more complete, about twice the time);
- ``codebook_model``: folder of another codebook model (default None, the shipped one);
- ``threat_lexicon``: a lexicon extension (path or mapping) for the threat stages (default None,
  the packaged lexicon; a path's content is part of the cache key);
- ``evidence_n``: sentences per actor of :func:`toolkit.aggregate.sentiment_evidence` (5).
"""
from __future__ import annotations

import pandas as pd

from toolkit.engine.stage import Stage

__all__ = ["STAGES", "stage_params"]


def stage_params(sentiment_method: str = "codebook", threat_method: str = "model",
                 codebook_skip: str = "no_candidates") -> dict[str, str]:
    """The stage parameters of a :func:`toolkit.analyze` run; the chunked engines and the figures
    pass the same, so their cache keys agree."""
    return {"sentiment_method": sentiment_method, "threat_method": threat_method,
            "codebook_skip": codebook_skip}


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


_RULES_THRESHOLD = 0.5  # the lexicon's default threshold (toolkit.framing.threat.threat_frames)


def _lexicon_frames(ctx) -> pd.DataFrame:
    from toolkit.framing.threat import threat_frames

    # At the lexicon's default threshold whatever the methods, so that every run of the same
    # sentences shares this table and the codebook scores built on it.
    return threat_frames(ctx["sentences"], ctx["mentions"], documents=ctx["documents"],
                         lexicon=ctx.params["threat_lexicon"], threshold=_RULES_THRESHOLD,
                         progress=ctx.progress)


def _codebook_scores(ctx) -> pd.DataFrame:
    from toolkit.codebook.model import get_codebook_model
    from toolkit.codebook.scores import codebook_scores

    p = ctx.params
    return codebook_scores(ctx["sentences"], ctx["mentions"], ctx["documents"],
                           frames=ctx["lexicon_frames"], skip=p["codebook_skip"],
                           model=get_codebook_model(p["codebook_model"], progress=ctx.progress),
                           progress=ctx.progress)


def _threat_frames(ctx) -> pd.DataFrame:
    from toolkit.codebook.model import CodebookModel
    from toolkit.framing.model_frames import frames_from_scores

    p = ctx.params
    if p["threat_method"] == "rules":
        threshold = p["threat_threshold"]
        if threshold is None or threshold == _RULES_THRESHOLD:
            return ctx["lexicon_frames"]
        from toolkit.framing.threat import threat_frames

        return threat_frames(ctx["sentences"], ctx["mentions"], documents=ctx["documents"],
                             lexicon=p["threat_lexicon"], threshold=threshold,
                             progress=ctx.progress)
    return frames_from_scores(ctx["codebook_scores"], ctx["lexicon_frames"],
                              threshold=p["threat_threshold"],
                              model=CodebookModel(p["codebook_model"]))


def _threat_cues(ctx) -> pd.DataFrame:
    from toolkit.threat import threat_cues

    return threat_cues(ctx["threat_frames"])


def _threat_roles(ctx) -> pd.DataFrame:
    from toolkit.framing.model_frames import roles_from_scores
    from toolkit.framing.threat import threat_roles

    if ctx.params["threat_method"] == "rules":
        return threat_roles(ctx["threat_frames"], ctx["mentions"], ctx["sentences"],
                            lexicon=ctx.params["threat_lexicon"])
    return roles_from_scores(ctx["threat_frames"], ctx["codebook_scores"], ctx["mentions"])


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
    if p["sentiment_method"] == "codebook":
        from toolkit.sentiment.codebook import sentiment_from_scores

        return sentiment_from_scores(ctx["codebook_scores"])
    return actor_sentiment(ctx["sentences"], ctx["mentions"], method=p["sentiment_method"],
                           roles=ctx["threat_roles"] if p["sentiment_use_roles"] else None,
                           speakers=(speaker_actors(ctx["documents"])
                                     if p["sentiment_use_speakers"] else None),
                           prior_correction=p["sentiment_prior_correction"],
                           documents=ctx["documents"], progress=ctx.progress)


def _sentiment_by_year(ctx) -> pd.DataFrame:
    from toolkit.aggregate import sentiment_by

    return sentiment_by(ctx["actor_sentiment"], ctx["documents"], "year")


def _sentiment_evidence(ctx) -> pd.DataFrame:
    from toolkit.aggregate import sentiment_evidence

    return sentiment_evidence(ctx["actor_sentiment"], ctx["sentences"],
                              n=ctx.params["evidence_n"])


def _rules_rethreshold(p) -> bool:
    """The rule-based frames at a threshold other than the lexicon table's."""
    return p["threat_method"] == "rules" and p["threat_threshold"] not in (None, _RULES_THRESHOLD)


_SEGMENT = ("toolkit.text.segment", "toolkit.text.word_tokenizer")
_FRAME_COLUMNS = ("doc_id", "sent_id", "threat", "threat_score", "threat_type", "horizon",
                  "scored", "cues")
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
    Stage("lexicon_frames", ("sentences", "mentions", "documents"), _FRAME_COLUMNS,
          _lexicon_frames, params={"threat_lexicon": None},
          data=("threat",), code=("toolkit.framing.threat", "toolkit.corpus.language"),
          json_columns=("cues",)),
    Stage("codebook_scores", ("sentences", "mentions", "documents", "lexicon_frames"),
          ("doc_id", "sent_id", "encoded", "threat_p", "threat_type", "threat_type_p", "horizon",
           "horizon_p", "actors"),
          _codebook_scores, params={"codebook_skip": "no_candidates", "codebook_model": None},
          data=("codebook",), code=("toolkit.codebook.model", "toolkit.codebook.scores",
                                    "toolkit.actors", "toolkit.corpus.language"),
          json_columns=("actors",)),
    Stage("threat_frames", ("lexicon_frames", "codebook_scores", "sentences", "mentions",
                            "documents"),
          _FRAME_COLUMNS,
          _threat_frames, params={"threat_method": "model", "threat_threshold": None,
                                  "codebook_model": None, "threat_lexicon": None},
          data=("codebook/config.json", "threat"),
          code=("toolkit.framing.model_frames", "toolkit.framing.threat"),
          json_columns=("cues",), cache=False,
          when={"codebook_scores": lambda p: p["threat_method"] == "model",
                "sentences": _rules_rethreshold, "mentions": _rules_rethreshold,
                "documents": _rules_rethreshold}),
    Stage("threat_cues", ("threat_frames",),
          ("doc_id", "sent_id", "cue", "type", "rule", "start", "end", "effect", "threat"),
          _threat_cues, code=("toolkit.framing.threat",), cache=False),
    Stage("threat_roles", ("threat_frames", "mentions", "sentences", "codebook_scores"),
          ("doc_id", "sent_id", "actor", "role", "rule", "threat"),
          _threat_roles, params={"threat_method": "model", "threat_lexicon": None},
          data=("threat",), code=("toolkit.framing.threat", "toolkit.framing.model_frames"),
          when={"codebook_scores": lambda p: p["threat_method"] == "model"}),
    Stage("threat_index", ("threat_frames", "documents", "token_counts"),
          ("doc_id", "n_sentences", "n_scored", "n_threat", "share", "n_words",
           "per_1000_words", "mean_score", *_THREAT_TYPE_COLS, "n_present", "n_future",
           "n_past"),
          _threat_index, code=("toolkit.framing.threat_index",)),
    Stage("threat_by_year", ("threat_roles", "threat_frames", "documents"),
          ("year", "framer", "actor", "n_threat", "n_source", "n_referent", "share_source",
           "ci_low", "ci_high", "share_referent"),
          _threat_by_year, code=("toolkit.framing.threat_index", "toolkit.bootstrap"), cache=False,
          scope="corpus"),
    Stage("actor_sentiment", ("sentences", "mentions", "threat_roles", "documents",
                              "codebook_scores"),
          ("doc_id", "sent_id", "actor", "n_mentions", "label", "score", "p_negative",
           "p_neutral", "p_positive", "method"),
          _actor_sentiment, params={"sentiment_method": "codebook",
                                   "sentiment_prior_correction": True,
                                   "sentiment_use_roles": True, "sentiment_use_speakers": True},
          data=("sentiment", "nltk_data"),
          code=("toolkit.sentiment", "toolkit.sentiment.neural", "toolkit.sentiment.targets",
                "toolkit.sentiment.codebook", "toolkit.actors", "toolkit.corpus.language"),
          when={"codebook_scores": lambda p: p["sentiment_method"] == "codebook",
                "sentences": lambda p: p["sentiment_method"] != "codebook",
                "threat_roles": lambda p: p["sentiment_method"] != "codebook"}),
    Stage("sentiment_by_year", ("actor_sentiment", "documents"),
          ("actor", "year", "n", "n_docs", "mean", "ci_low", "ci_high", "n_negative",
           "n_neutral", "n_positive"),
          _sentiment_by_year, code=("toolkit.sentiment.aggregate", "toolkit.bootstrap"), cache=False,
          scope="corpus"),
    Stage("sentiment_evidence", ("actor_sentiment", "sentences"),
          ("actor", "rank", "doc_id", "sent_id", "text", "score", "label"),
          _sentiment_evidence, params={"evidence_n": 5}, code=("toolkit.sentiment.aggregate",),
          cache=False, scope="corpus"),
)
