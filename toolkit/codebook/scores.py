"""The codebook model's scores of a corpus: one row per sentence, the sentence's actors inside it.

:func:`codebook_scores` runs :class:`toolkit.codebook.CodebookModel` once per sentence (one
encoder pass serves the threat, type and horizon heads and every actor of the sentence) and keeps
the heads' probabilities, not decisions: the threat frames, threat roles and actor sentiment
tables are read off this table (:func:`toolkit.framing.model_frames.frames_from_scores`,
:func:`toolkit.framing.model_frames.roles_from_scores`, :func:`toolkit.sentiment.codebook.sentiment_from_scores`), so a
different threshold never needs the model again.

Which sentences are encoded
---------------------------
Every sentence with text, unless ``frames`` (the lexicon's frames of the same sentences, from
:func:`toolkit.framing.threat.threat_frames`) says it is not analysable (``scored`` False:
empty, not English, or longer than the lexicon's limit), or its document's ``language`` (in
``documents``) is not English: the model was trained on English only. Those rows have
``encoded`` False and NaN probabilities, as the lexicon leaves them unscored.

``skip="no_candidates"`` also leaves out sentences with neither an actor mention nor a lexicon
cue, roughly half the sentences of ``corpus/``. That is not the default, because it loses threat
frames the model finds: on the gold sets, about 2 to 3 of every 100 gold threat sentences have
neither an actor nor a cue (the figures are in ``docs/validation.md``, from
``benchmarks/bench_codebook.py``).
"""
from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.codebook.model import ROLES, SENTIMENTS, CodebookModel
from toolkit.errors import check_choice, require_columns

__all__ = ["ACTOR_SCORE_KEYS", "SCORE_COLUMNS", "SKIPS", "check_scores", "codebook_scores",
           "model_threshold"]

#: Columns of :func:`codebook_scores`.
SCORE_COLUMNS: tuple[str, ...] = (
    "doc_id", "sent_id", "encoded", "threat_p", "threat_type", "threat_type_p", "horizon",
    "horizon_p", "actors")

#: Keys of each entry of the ``actors`` column.
ACTOR_SCORE_KEYS: tuple[str, ...] = (
    "actor", "n_mentions", *(f"role_p_{r}" for r in ROLES), *(f"p_{s}" for s in SENTIMENTS))

#: Values of ``skip``.
SKIPS: tuple[str, ...] = ("none", "no_candidates")
Skip = Literal["none", "no_candidates"]


def model_threshold(model: CodebookModel | None = None) -> float:
    """The threat threshold the model was calibrated with on the dev split (its ``config.json``).

    Reads only the config file, so it is cheap; raises
    :class:`toolkit.errors.ModelNotFoundError` like :meth:`CodebookModel.load` when the file is
    missing or broken.
    """
    from toolkit.errors import ModelNotFoundError

    model = CodebookModel() if model is None else model
    if "threshold_" in model.__dict__:
        return float(model.threshold_)
    path = model._dir() / "config.json"
    try:
        return float(json.loads(path.read_text(encoding="utf-8"))["threshold"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ModelNotFoundError(
            f"the codebook model file {path} is missing or corrupted ({err!r}); rebuild it with "
            '`make model`, or use the rule-based stages with method="rules"') from None


def _speaker_of(documents: pd.DataFrame | None) -> dict[Any, Any]:
    if documents is None or not len(documents):
        return {}
    from toolkit.actors import speaker_actors

    return speaker_actors(documents).to_dict()


def codebook_scores(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    frames: pd.DataFrame | None = None,
    model: CodebookModel | None = None,
    speakers: pd.Series | dict | None = None,
    skip: Skip = "none",
    progress: bool = True,
) -> pd.DataFrame:
    """Score every sentence and every actor it mentions with the codebook model.

    Parameters
    ----------
    sentences : DataFrame
        The sentences table (``doc_id``, ``sent_id``, ``start``, ``text``), e.g. from
        :func:`toolkit.sentences`.
    mentions : DataFrame
        The mentions table of the same sentences (``doc_id``, ``sent_id``, ``actor``, ``start``,
        ``end``; offsets into the document text), from :func:`toolkit.mentions`. Each actor of a
        sentence is scored once, over all its mentions there.
    documents : DataFrame, optional
        The documents table: the actor each document speaks for
        (:func:`toolkit.speaker_actors`) gets the speaker flag the model was trained with (a
        speaker's own state is usually neutral in the codebook). Without it, no actor is a speaker.
        The sentences of documents whose ``language`` is set and is not English are not encoded.
    frames : DataFrame, optional
        The lexicon's threat frames of the same sentences: sentences it marks ``scored`` False are
        not encoded, and its cues decide ``skip="no_candidates"``.
    model : CodebookModel, optional
        Default: the shipped model (``CodebookModel(progress=progress)``).
    speakers : Series or mapping, optional
        The actor each document speaks for, by ``doc_id``, instead of reading it from
        ``documents`` (as :func:`toolkit.speaker_actors` gives it).
    skip : {"none", "no_candidates"}, default "none"
        ``"no_candidates"`` does not encode sentences with no actor mention and no lexicon cue
        (needs ``frames``); see the module docstring for what it costs.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    DataFrame
        One row per sentence, in input order: :data:`SCORE_COLUMNS`. ``encoded`` says whether the
        model read the sentence; ``threat_p`` is its probability of being a threat frame (NaN if
        not encoded); ``threat_type``/``horizon`` the most probable type and horizon with their
        probabilities (None/NaN if not encoded; given for every encoded sentence, threat or not);
        ``actors`` a list with one dict per actor of the sentence, in order of first mention,
        with the keys :data:`ACTOR_SCORE_KEYS` (role and sentiment probabilities; empty if not
        encoded).

    Examples
    --------
    >>> import toolkit
    >>> docs = toolkit.read_corpus("corpus/seed", progress=False)
    >>> sents = toolkit.sentences(docs, progress=False)
    >>> scores = codebook_scores(sents, toolkit.mentions(sents, docs, progress=False), docs,
    ...                          progress=False)
    >>> list(scores.columns) == list(SCORE_COLUMNS)
    True
    """
    check_choice("skip", skip, SKIPS)
    require_columns(sentences, ["doc_id", "sent_id", "start", "text"], name="sentences",
                    hint="Pass the table from toolkit.sentences().")
    require_columns(mentions, ["doc_id", "sent_id", "actor", "start", "end"], name="mentions",
                    hint="Pass the table from toolkit.mentions().")
    if skip == "no_candidates" and frames is None:
        raise ValueError('skip="no_candidates" needs the lexicon frames of the same sentences '
                         "(frames=toolkit.threat.threat_frames(sentences, mentions))")
    n = len(sentences)
    doc_ids = sentences["doc_id"].to_numpy(dtype=object)
    sent_ids = sentences["sent_id"].to_numpy(dtype="int64")
    starts = sentences["start"].to_numpy(dtype="int64")
    texts = sentences["text"].to_numpy(dtype=object)
    row_of = {(d, int(s)): i for i, (d, s) in enumerate(zip(doc_ids, sent_ids))}

    # Actors of each sentence in order of first mention, with all their spans in the sentence.
    targets: list[dict[Any, list[tuple[int, int]]]] = [{} for _ in range(n)]
    for d, s, actor, a, b in zip(mentions["doc_id"].to_numpy(dtype=object),
                                 mentions["sent_id"].to_numpy(dtype="int64"),
                                 mentions["actor"].to_numpy(dtype=object),
                                 mentions["start"].to_numpy(dtype="int64"),
                                 mentions["end"].to_numpy(dtype="int64")):
        i = row_of.get((d, int(s)))
        if i is None:
            raise ValueError(f"mentions: a mention of {actor!r} points to sentence ({d!r}, {s}), "
                             "which is not in the sentences table; build both from the same "
                             "documents")
        targets[i].setdefault(actor, []).append((int(a - starts[i]), int(b - starts[i])))

    from toolkit.corpus.language import non_english_documents

    foreign = non_english_documents(documents)
    encode = np.array([isinstance(t, str) and bool(t.strip()) and d not in foreign
                       for t, d in zip(texts, doc_ids)], dtype=bool)
    if frames is not None:
        require_columns(frames, ["doc_id", "sent_id", "scored", "cues"], name="frames",
                        hint="Pass the table from toolkit.threat.threat_frames().")
        if len(frames) != n or not (frames["doc_id"].to_numpy(dtype=object) == doc_ids).all() \
                or not (frames["sent_id"].to_numpy(dtype="int64") == sent_ids).all():
            raise ValueError("frames: must hold the same sentences as the sentences table, in "
                             "the same order (build it with threat_frames(sentences, ...))")
        encode &= frames["scored"].to_numpy(dtype=bool)
        if skip == "no_candidates":
            has_cue = np.array([len(c) > 0 if isinstance(c, list) else False
                                for c in frames["cues"]], dtype=bool)
            has_actor = np.array([bool(t) for t in targets], dtype=bool)
            encode &= has_cue | has_actor

    model = CodebookModel(progress=progress) if model is None else model
    speaker = dict(speakers) if speakers is not None else _speaker_of(documents)
    idx = np.flatnonzero(encode)
    sent_lists = [list(targets[i].items()) for i in idx]
    if len(idx):
        sdf, tdf = model.predict(
            [texts[i] for i in idx], targets=sent_lists,
            speakers=[speaker.get(doc_ids[i]) for i in idx])
    else:
        sdf = pd.DataFrame(columns=["threat_p", "threat_type", "threat_type_p", "horizon",
                                    "horizon_p"])
        tdf = pd.DataFrame(columns=["sentence", "actor"])

    threat_p = np.full(n, np.nan)
    type_p = np.full(n, np.nan)
    horizon_p = np.full(n, np.nan)
    types: list[Any] = [None] * n
    horizons: list[Any] = [None] * n
    actors: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    threat_p[idx] = sdf["threat_p"].to_numpy(dtype=float)
    type_p[idx] = sdf["threat_type_p"].to_numpy(dtype=float)
    horizon_p[idx] = sdf["horizon_p"].to_numpy(dtype=float)
    for j, i in enumerate(idx):
        types[i] = sdf["threat_type"].iat[j]
        horizons[i] = sdf["horizon"].iat[j]
    prob_keys = ACTOR_SCORE_KEYS[2:]
    if len(tdf):
        probs = tdf[list(prob_keys)].to_numpy(dtype=float)
        for k, (j, actor) in enumerate(zip(tdf["sentence"].to_numpy(), tdf["actor"])):
            i = idx[int(j)]
            entry = {"actor": actor, "n_mentions": len(targets[i][actor])}
            entry.update({key: round(float(v), 6) for key, v in zip(prob_keys, probs[k])})
            actors[i].append(entry)
    return pd.DataFrame({
        "doc_id": sentences["doc_id"].to_numpy(),
        "sent_id": sent_ids,
        "encoded": encode,
        "threat_p": threat_p,
        "threat_type": pd.Series(types, dtype=object),
        "threat_type_p": type_p,
        "horizon": pd.Series(horizons, dtype=object),
        "horizon_p": horizon_p,
        "actors": pd.Series(actors, dtype=object),
    })


def check_scores(scores: pd.DataFrame, sentences: pd.DataFrame | None = None,
                 *, name: str = "scores") -> None:
    """Raise ``ValueError`` if ``scores`` is not a table of :func:`codebook_scores` (of
    ``sentences``, when given, in the same order)."""
    require_columns(scores, list(SCORE_COLUMNS), name=name,
                    hint="Pass the table from toolkit.codebook.codebook_scores().")
    if sentences is not None and (
            len(scores) != len(sentences)
            or not (scores["doc_id"].to_numpy(dtype=object)
                    == sentences["doc_id"].to_numpy(dtype=object)).all()
            or not (scores["sent_id"].to_numpy(dtype="int64")
                    == sentences["sent_id"].to_numpy(dtype="int64")).all()):
        raise ValueError(f"{name}: must hold the same sentences as the sentences table, in the "
                         "same order (build it with codebook_scores(sentences, ...))")

