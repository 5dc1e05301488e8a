"""Threat frames and threat roles read off the codebook model's scores.

The same tables, with the same columns, as the lexicon's :func:`toolkit.framing.threat.threat_frames`
and :func:`toolkit.framing.threat.threat_roles`, so everything downstream (the threat index, the
attributions, co-framing, the figures) reads either. :func:`threat_frames` and
:func:`threat_roles` here are the toolkit's entry points: ``method="model"`` (the default) reads
the model, ``method="rules"`` runs the lexicon.

Why the model is the default: the lexicon's rules were written on the dev split and do not carry
over to other documents, while the model's cross-validated scores on the training split hold
(``docs/validation.md`` has both, with their spread).
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.codebook.model import CodebookModel
from toolkit.codebook.scores import check_scores, codebook_scores, model_threshold
from toolkit.errors import check_choice, require_columns
from toolkit.framing import threat as rules

__all__ = ["FRAME_METHODS", "frames_from_scores", "roles_from_scores", "threat_frames",
           "threat_roles"]

#: Values of ``method``.
FRAME_METHODS: tuple[str, ...] = ("model", "rules")
FrameMethod = Literal["model", "rules"]


def _threshold(threshold: float | None, model: CodebookModel | None) -> float:
    if threshold is None:
        return model_threshold(model)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be a number between 0 and 1 (exclusive), got "
                         f"{threshold!r}")
    return float(threshold)


def frames_from_scores(scores: pd.DataFrame, lexicon_frames: pd.DataFrame | None = None, *,
                       threshold: float | None = None,
                       model: CodebookModel | None = None) -> pd.DataFrame:
    """The threat frames table from :func:`toolkit.codebook.codebook_scores`.

    Parameters
    ----------
    scores : DataFrame
        From :func:`toolkit.codebook.codebook_scores`.
    lexicon_frames : DataFrame, optional
        The lexicon's frames of the same sentences: their ``cues`` are kept as evidence (where the
        lexicon sees threat language; they do not decide ``threat``) and their ``scored`` flag.
        Without it, ``cues`` are empty and ``scored`` is ``encoded``.
    threshold : float, optional
        ``threat`` is ``threat_p >= threshold``. Default: the threshold the model was calibrated
        with on the dev split (:func:`toolkit.codebook.model_threshold`).
    model : CodebookModel, optional
        Whose threshold is the default (the shipped model).

    Returns
    -------
    DataFrame
        :data:`toolkit.framing.threat.FRAME_COLUMNS`: ``threat_score`` is the model's
        probability (NaN where the model did not read the sentence), ``threat_type`` and
        ``horizon`` the most probable ones for threat frames (None otherwise).
    """
    check_scores(scores)
    thr = _threshold(threshold, model)
    p = scores["threat_p"].to_numpy(dtype=float)
    threat = scores["encoded"].to_numpy(dtype=bool) & (np.nan_to_num(p, nan=0.0) >= thr)
    if lexicon_frames is not None:
        check_scores(scores, lexicon_frames, name="scores")
        scored = lexicon_frames["scored"].to_numpy(dtype=bool)
        cues = lexicon_frames["cues"].to_numpy(dtype=object)
    else:
        scored = scores["encoded"].to_numpy(dtype=bool)
        cues = np.empty(len(scores), dtype=object)
        cues[:] = [[] for _ in range(len(scores))]
    types = scores["threat_type"].to_numpy(dtype=object)
    horizons = scores["horizon"].to_numpy(dtype=object)
    out = pd.DataFrame({
        "doc_id": scores["doc_id"].to_numpy(),
        "sent_id": scores["sent_id"].to_numpy(dtype="int64"),
        "threat": threat,
        "threat_score": p,
        "threat_type": pd.Series(np.where(threat, types, None), dtype=object),
        "horizon": pd.Series(np.where(threat, horizons, None), dtype=object),
        "scored": scored,
        "cues": pd.Series(list(cues), dtype=object),
    })
    out.attrs["threshold"] = thr
    return out


def roles_from_scores(frames: pd.DataFrame, scores: pd.DataFrame,
                      mentions: pd.DataFrame) -> pd.DataFrame:
    """The threat roles table from :func:`toolkit.codebook.codebook_scores`.

    Each actor of a sentence takes the role head's most probable role when the sentence is a
    threat frame in ``frames``, else ``none`` (the codebook codes roles only in threat frames).

    Returns
    -------
    DataFrame
        :data:`toolkit.framing.threat.ROLE_COLUMNS`, one row per (sentence, actor) in the order
        of the mentions; ``rule`` is ``"model"`` for a source or referent, None for ``none``.
    """
    require_columns(frames, ["doc_id", "sent_id", "threat"], name="frames",
                    hint="Pass the table from threat_frames().")
    require_columns(mentions, ["doc_id", "sent_id", "actor"], name="mentions",
                    hint="Pass the table from toolkit.mentions().")
    check_scores(scores)
    threat = dict(zip(zip(frames["doc_id"], frames["sent_id"].astype("int64")),
                      frames["threat"].astype(bool)))
    role_of: dict[tuple[Any, int, Any], str] = {}
    keys = [f"role_p_{r}" for r in rules.ROLES]
    for d, s, acts in zip(scores["doc_id"], scores["sent_id"], scores["actors"]):
        for a in acts:
            role_of[(d, int(s), a["actor"])] = rules.ROLES[int(np.argmax([a[k] for k in keys]))]
    rows, seen = [], set()
    for d, s, actor in zip(mentions["doc_id"], mentions["sent_id"].astype("int64"),
                           mentions["actor"]):
        key = (d, int(s), actor)
        if key in seen:
            continue
        seen.add(key)
        is_threat = bool(threat.get((d, int(s)), False))
        role = role_of.get(key, "none") if is_threat else "none"
        rows.append((d, int(s), actor, role, None if role == "none" else "model", is_threat))
    cols = list(zip(*rows)) if rows else [[]] * len(rules.ROLE_COLUMNS)
    out = pd.DataFrame({c: pd.Series(list(v), dtype=object)
                        for c, v in zip(rules.ROLE_COLUMNS, cols)})
    return out.astype({"sent_id": "int64", "threat": bool})


def threat_frames(sentences: pd.DataFrame, mentions: pd.DataFrame | None = None,
                  documents: pd.DataFrame | None = None, *, method: FrameMethod = "model",
                  scores: pd.DataFrame | None = None,
                  lexicon: rules.ThreatLexicon | str | Path | Mapping | None = None,
                  threshold: float | None = None, model: CodebookModel | None = None,
                  progress: bool = True) -> pd.DataFrame:
    """Threat frame of every sentence: whether it presents a danger, what kind, and how soon.

    Parameters
    ----------
    sentences : DataFrame
        The sentences table (``doc_id``, ``sent_id``, ``start``, ``text``).
    mentions : DataFrame, optional
        The mentions table of the same sentences (the model reads the actors; needed for
        ``method="model"`` unless ``scores`` is given).
    documents : DataFrame, optional
        The documents table (the speaker of each document, see
        :func:`toolkit.codebook.codebook_scores`).
    method : {"model", "rules"}, default "model"
        ``"model"``: the codebook model (:mod:`toolkit.codebook`); ``"rules"``: the threat
        lexicon (:func:`toolkit.framing.threat.threat_frames`).
    scores : DataFrame, optional
        Scores of the same sentences from :func:`toolkit.codebook.codebook_scores`, if already
        computed (the model is not run again).
    lexicon : optional
        The threat lexicon (see :func:`toolkit.load_threat_lexicon`): with ``method="model"`` its
        cues are reported as evidence and its ``scored`` flag kept; with ``"rules"`` it decides.
    threshold : float, optional
        Default: the model's calibrated threshold (``"model"``), 0.5 (``"rules"``).
    model : CodebookModel, optional
        Default: the shipped model.
    progress : bool, default True

    Returns
    -------
    DataFrame
        :data:`toolkit.framing.threat.FRAME_COLUMNS` (see
        :func:`toolkit.framing.threat.threat_frames`).

    Examples
    --------
    >>> import toolkit
    >>> docs = toolkit.read_corpus("corpus/seed", progress=False)
    >>> sents = toolkit.sentences(docs, progress=False)
    >>> ments = toolkit.mentions(sents, docs, progress=False)
    >>> frames = threat_frames(sents, ments, docs, progress=False)
    >>> bool(frames["threat"].any())
    True
    """
    check_choice("method", method, FRAME_METHODS)
    lex_frames = rules.threat_frames(sentences, mentions, lexicon=lexicon,
                                     threshold=0.5 if threshold is None or method == "model"
                                     else threshold, progress=progress)
    if method == "rules":
        return lex_frames
    if scores is None:
        if mentions is None:
            raise ValueError('threat_frames(method="model") needs the mentions table (the model '
                             "reads the actors): threat_frames(sentences, toolkit.mentions("
                             'sentences, documents), documents), or method="rules"')
        scores = codebook_scores(sentences, mentions, documents, frames=lex_frames, model=model,
                                 progress=progress)
    return frames_from_scores(scores, lex_frames, threshold=threshold, model=model)


def threat_roles(frames: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame,
                 documents: pd.DataFrame | None = None, *, method: FrameMethod = "model",
                 scores: pd.DataFrame | None = None,
                 lexicon: rules.ThreatLexicon | str | Path | Mapping | None = None,
                 model: CodebookModel | None = None, progress: bool = True) -> pd.DataFrame:
    """Threat role of every actor mentioned in a sentence: source, referent or none.

    ``method="model"`` (default) reads the codebook model's role head
    (:func:`roles_from_scores`; ``scores`` reused if given, else the model runs);
    ``method="rules"`` runs the lexicon's syntax rules
    (:func:`toolkit.framing.threat.threat_roles`). Either way an actor of a sentence that is not
    a threat frame in ``frames`` is ``none``.

    Returns
    -------
    DataFrame
        :data:`toolkit.framing.threat.ROLE_COLUMNS`.
    """
    check_choice("method", method, FRAME_METHODS)
    if method == "rules":
        return rules.threat_roles(frames, mentions, sentences, lexicon=lexicon)
    if scores is None:
        scores = codebook_scores(sentences, mentions, documents, model=model, progress=progress)
    return roles_from_scores(frames, scores, mentions)
