"""A learned model of the codebook: threat framing per sentence, threat role and sentiment per actor.

One fine-tuned MiniLM encoder pass per sentence serves every head and every actor of the sentence
(``scripts/train_codebook.py`` trains it on ``toolkit/data/eval/threat_train.jsonl``, the codebook's
train split, and exports it to ONNX with the heads inside the graph):

- sentence heads, from the mean of the encoder's states over the *sentence* tokens: ``threat``
  (probability that the sentence is a threat frame), ``threat_type`` (military, nuclear, hybrid,
  terrorism, economic, other) and ``horizon`` (present, future, past);
- actor heads, from ``[sentence mean ; mean over the wordpieces of all the actor's mentions in the
  sentence ; 1 if the actor is the document's speaker else 0]``: ``role`` (source, referent, none)
  and codebook ``sentiment`` (negative, neutral, positive: a victim of aggression is positive, a
  threat source negative, a speaker's own actor usually neutral, see the codebook);
- a NewsMTSC-convention sentiment head on the same actor features (``newsmtsc``, a linear head
  fitted on the frozen encoder; not used by :class:`CodebookModel`'s default outputs but returned
  as ``newsmtsc_p_*`` columns).

The model input is ``[CLS] sentence [SEP]`` (or, for a model trained with context, ``[CLS]
sentence [SEP] end of the previous sentence [SEP] start of the next sentence [SEP]``; see
``config.json``: ``context``). The shipped files are in ``toolkit/data/codebook/``:
``model.onnx``, ``tokenizer.json``, ``config.json`` (labels, window, threshold, heads) and
``provenance.json`` (base weights and data hashes, commit, cross-validation and dev scores).

Long sentences
--------------
A sentence with more wordpieces than the window (``max_length`` minus the special tokens and the
context budget) is cut: the sentence heads read its first window only. An actor whose mention
wordpieces all lie in that first window is scored on it; any other actor gets its own encoder pass
on a window *around its mentions* (from its first to its last mention piece, the remaining budget
split between left and right context, as :func:`toolkit.sentiment.neural.encode_targets` does; if
its mentions span more than a window, the pieces after the first window's worth are dropped).

Reproducible scores
-------------------
A sentence's probabilities depend only on the sentence, its context and its targets, never on
the other sentences of a call or on their order. The shipped encoder is int8 with *dynamic*
quantization (``config.json``: ``"quantized": true``; ``"quantization": "dynamic"`` or no entry),
which scales the activations over the whole input tensor of a call, so it runs one input per
call (``batch_size`` 1). A model exported with *static* quantization (``scripts/train_codebook.py
--quantization static``; ``"quantization": "static"``) has activation scales calibrated once on
training sentences and stored in the graph (QDQ format), and a float model has none: both are
batch-invariant, so their inputs are batched (``batch_size``, default 32, taken in order of
length). Calls run side by side on a thread pool (``n_jobs``), each on one onnxruntime thread.

Only ``onnxruntime``, ``tokenizers``, ``numpy`` and ``pandas`` are needed at runtime.
"""
from __future__ import annotations

import copy
import functools
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.onnx_model import PretrainedOnnxModel, open_onnx_folder
from toolkit.resources import data_path

__all__ = [
    "HORIZONS",
    "ROLES",
    "SENTIMENTS",
    "THREAT_TYPES",
    "CodebookModel",
    "DEFAULT_BATCH_SIZE",
    "batch_invariant",
    "default_model_dir",
    "encode_sentence",
    "get_codebook_model",
    "pad_units",
]

#: Column orders of the heads' outputs (as in ``config.json``).
THREAT_TYPES: tuple[str, ...] = ("military", "nuclear", "hybrid", "terrorism", "economic", "other")
HORIZONS: tuple[str, ...] = ("present", "future", "past")
ROLES: tuple[str, ...] = ("source", "referent", "none")
SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")

_REBUILD_HINT = 'rebuild it with `make model`, or use the rule-based stages with method="rules"'

#: Sentences encoded at a time by :meth:`CodebookModel.predict` (bounds the memory of the inputs).
_CHUNK = 4096

#: Encoder inputs per call for a model whose scores do not depend on the batch (float, or int8
#: with static activation scales); see :class:`CodebookModel`'s ``batch_size``.
DEFAULT_BATCH_SIZE = 32

_GRAPH_INPUTS = ("input_ids", "attention_mask", "sentence_mask", "target_mask", "target_row",
                 "target_speaker")


def default_model_dir() -> Path:
    """Directory of the shipped model (``toolkit/data/codebook``)."""
    return data_path("codebook")


# --------------------------------------------------------------------------- encoding (shared with
# scripts/train_codebook.py, so training and runtime build the inputs in exactly the same way)


def _window(n_pre: int, n_tgt: int, n_post: int, budget: int) -> tuple[int, int, int]:
    """How many left-context, target and right-context pieces fit in ``budget`` pieces."""
    keep_tgt = min(n_tgt, budget)
    rest = budget - keep_tgt
    left = min(n_pre, rest // 2)
    right = min(n_post, rest - left)
    left = min(n_pre, rest - right)
    return left, keep_tgt, right


def _context_ids(tokenizer: Any, before: str | None, after: str | None, context: int,
                 sep: int) -> list[int]:
    """``end of before [SEP] start of after [SEP]`` within ``context`` pieces (both separators
    included), or ``[]`` without context."""
    if context <= 0:
        return []
    b = tokenizer.encode(before or "", add_special_tokens=False).ids if before else []
    a = tokenizer.encode(after or "", add_special_tokens=False).ids if after else []
    budget = max(0, context - 2)
    nb = min(len(b), budget // 2)
    na = min(len(a), budget - nb)
    nb = min(len(b), budget - na)
    return [*(b[len(b) - nb:] if nb else []), sep, *a[:na], sep]


def encode_sentence(
    tokenizer: Any,
    sentence: str,
    targets: Sequence[Sequence[tuple[int, int]]] = (),
    *,
    max_length: int,
    special_ids: dict[str, int],
    before: str | None = None,
    after: str | None = None,
    context: int = 0,
) -> list[dict[str, Any]]:
    """The model inputs ("units") of one sentence and its targets.

    Parameters
    ----------
    tokenizer : tokenizers.Tokenizer
        The fast tokenizer, with padding and truncation switched off.
    sentence : str
        The sentence (not empty).
    targets : sequence of sequences of (start, end)
        For each target (actor), the character spans of all its mentions in ``sentence``.
    max_length : int
        Window in wordpieces, including ``[CLS]``, ``[SEP]`` and the context.
    special_ids : dict
        Ids of ``cls`` and ``sep``.
    before, after : str, optional
        The neighbouring sentences (read only if ``context > 0``).
    context : int, default 0
        Wordpieces of context (both separators included) after the sentence.

    Returns
    -------
    list of dict
        The first unit is the *main* one (``main=True``: the sentence heads read it); the others
        are windows around targets that do not fit in the main one. Each unit has ``ids``,
        ``sentence_mask`` (1 on the sentence's pieces), ``targets`` (indices into ``targets``)
        and ``target_masks`` (one 0/1 list per target, over ``ids``).
    """
    cls, sep = int(special_ids["cls"]), int(special_ids["sep"])
    ctx = _context_ids(tokenizer, before, after, context, sep)
    budget = max_length - 2 - len(ctx)
    if budget < 8:
        raise ValueError(f"max_length {max_length} leaves fewer than 8 pieces for the sentence")
    enc = tokenizer.encode(sentence, add_special_tokens=False)
    ids, offs = enc.ids, enc.offsets
    n = len(ids)
    pieces: list[list[int]] = []
    for spans in targets:
        ks = sorted({k for a, b in spans for k, (o0, o1) in enumerate(offs)
                     if o1 > a and o0 < b and o1 > o0})
        if not ks:  # no wordpiece in the spans: the piece at the first span's position
            a0 = min(a for a, _ in spans) if spans else 0
            ks = [min(max(n - 1, 0), sum(1 for o0, _ in offs if o0 < a0))]
        pieces.append(ks)

    def unit(lo: int, hi: int, tix: list[int], main: bool) -> dict[str, Any]:
        seq = [cls, *ids[lo:hi], sep, *ctx]
        smask = [0] + [1] * (hi - lo) + [0] * (1 + len(ctx))
        tmasks = []
        for t in tix:
            m = [0] * len(seq)
            for k in pieces[t]:
                if lo <= k < hi:
                    m[1 + k - lo] = 1
            if not any(m):  # cannot happen for a well-built window; pool [CLS] rather than nothing
                m[0] = 1
            tmasks.append(m)
        return {"ids": seq, "sentence_mask": smask, "targets": tix, "target_masks": tmasks,
                "main": main}

    hi0 = min(n, budget)
    inside = [t for t, ks in enumerate(pieces) if ks[-1] < hi0]
    units = [unit(0, hi0, inside, True)]
    # The other targets, in order of their first piece, grouped greedily while the group's pieces
    # (first to last) fit in one window; one window around each group.
    rest = sorted((t for t, ks in enumerate(pieces) if ks[-1] >= hi0),
                  key=lambda t: (pieces[t][0], t))
    groups: list[list[int]] = []
    for t in rest:
        if groups:
            g = groups[-1]
            first = min(pieces[x][0] for x in g + [t])
            last = max(pieces[x][-1] for x in g + [t])
            if last - first + 1 <= budget:
                g.append(t)
                continue
        groups.append([t])
    for g in groups:
        first = min(pieces[x][0] for x in g)
        last = max(pieces[x][-1] for x in g)
        left, keep, right = _window(first, last - first + 1, n - last - 1, budget)
        lo = first - left
        hi = first + keep + right if keep == last - first + 1 else first + keep
        units.append(unit(lo, hi, sorted(g), False))
    return units


def pad_units(units: Sequence[dict[str, Any]], pad_id: int = 0,
              speaker: Sequence[Sequence[float]] | None = None, *,
              dummy_target: bool = False) -> dict[str, np.ndarray]:
    """Pad units to the longest one: the graph inputs of one call.

    ``target_row`` maps each target-mask row to its unit's row; a unit without targets gets no
    target row. The exported graph wants at least one: with ``dummy_target`` a call without any
    target gets one row pooling the first unit's sentence (its outputs are to be ignored).
    ``speaker[u][j]`` is the speaker flag of unit ``u``'s ``j``-th target (default 0).
    """
    n = len(units)
    width = max(len(u["ids"]) for u in units)
    input_ids = np.full((n, width), pad_id, dtype=np.int64)
    attention = np.zeros((n, width), dtype=np.int64)
    smask = np.zeros((n, width), dtype=np.float32)
    tmask, trow, tspk = [], [], []
    for i, u in enumerate(units):
        L = len(u["ids"])
        input_ids[i, :L] = u["ids"]
        attention[i, :L] = 1
        smask[i, :L] = u["sentence_mask"]
        for j, m in enumerate(u["target_masks"]):
            row = np.zeros(width, dtype=np.float32)
            row[: len(m)] = m
            tmask.append(row)
            trow.append(i)
            tspk.append(float(speaker[i][j]) if speaker is not None else 0.0)
    if dummy_target and not tmask:
        tmask, trow, tspk = [smask[0].copy()], [0], [0.0]
    return {
        "input_ids": input_ids,
        "attention_mask": attention,
        "sentence_mask": smask,
        "target_mask": (np.stack(tmask) if tmask else np.zeros((0, width), dtype=np.float32)),
        "target_row": np.array(trow, dtype=np.int64),
        "target_speaker": np.array(tspk, dtype=np.float32).reshape(-1, 1),
    }


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def batch_invariant(config: dict) -> bool:
    """Whether a model's scores for one input do not depend on the other inputs of its call.

    True for a float model and for int8 with static activation scales (``config.json``:
    ``"quantization": "static"``); False for int8 with dynamic quantization, which scales the
    activations over the whole input tensor of a call (``"quantization": "dynamic"``, or
    ``"quantized": true`` without a ``quantization`` entry, as in models exported before static
    quantization).

    Examples
    --------
    >>> batch_invariant({"quantized": True, "quantization": "static"})
    True
    >>> batch_invariant({"quantized": True})
    False
    """
    if not config.get("quantized", False):
        return True
    return config.get("quantization", "dynamic") == "static"


class CodebookModel(PretrainedOnnxModel):
    """Threat framing, threat type and horizon per sentence; role and sentiment per actor.

    Follows the scikit-learn estimator contract where it makes sense: ``__init__`` only stores
    parameters, learned/loaded state ends in ``_`` and is created by :meth:`load` (called by the
    first prediction). The model is pretrained; :meth:`fit` only loads it.

    Parameters
    ----------
    model_dir : str or Path, optional
        Directory with ``model.onnx``, ``tokenizer.json`` and ``config.json``. Default: the
        shipped model, ``toolkit/data/codebook``.
    n_jobs : int, optional
        Encoder calls run concurrently from a thread pool, each on one onnxruntime thread.
        Default: the number of CPU cores this process may use. The results do not depend on it.
    batch_size : int, optional
        Encoder inputs (sentences, or windows around actors of long sentences) per call, taken
        in order of length so that a call holds inputs of about one length. Default: 32
        (``DEFAULT_BATCH_SIZE``) for a batch-invariant model (:func:`batch_invariant`: float, or
        int8 with static activation scales), whose scores for a sentence do not depend on
        its companions; 1 for a dynamically quantized model (the shipped one), whose scores
        would. A value above 1 with a dynamic model warns.
    progress : bool, default True
        Show a ``tqdm`` progress bar for jobs of more than 64 sentences.

    Attributes
    ----------
    config_ : dict
        The model's ``config.json``.
    batch_invariant_ : bool
        Whether the model's scores are independent of the batch (:func:`batch_invariant`).
    batch_size_ : int
        Inputs per encoder call in use.
    threshold_ : float
        Threat threshold calibrated on the dev split (``config.json``): ``threat`` is
        ``threat_p >= threshold_``.
    session_ : onnxruntime.InferenceSession
    tokenizer_ : tokenizers.Tokenizer

    Examples
    --------
    >>> m = CodebookModel(progress=False)
    >>> s = "Russia launched a missile attack on Ukraine."
    >>> sent, tgt = m.predict([s], targets=[[("RUS", [(0, 6)]), ("UKR", [(35, 42)])]])
    >>> tgt["role"].tolist()
    ['source', 'referent']
    """

    _reload_params = ("model_dir", "n_jobs", "batch_size")

    def __init__(self, model_dir: str | os.PathLike | None = None, *, n_jobs: int | None = None,
                 batch_size: int | None = None, progress: bool = True) -> None:
        self.model_dir = model_dir
        self.n_jobs = n_jobs
        self.batch_size = batch_size
        self.progress = progress

    def _default_dir(self) -> Path:
        return default_model_dir()

    def load(self) -> CodebookModel:
        """Load the tokenizer, the config and the ONNX session (once per instance).

        Raises
        ------
        ModelNotFoundError
            A model file is missing or corrupted (the message says to run ``make model`` or to
            use ``method="rules"``).
        """
        if "session_" in self.__dict__:
            return self

        def check(config: dict) -> str | None:
            # the values load() reads must convert (an error marks the config corrupted)
            [int(v) for v in config["special_ids"].values()]
            float(config["threshold"])
            int(config["max_length"])
            int(config.get("context", 0))
            if config.get("quantization", "dynamic") not in ("dynamic", "static"):
                raise ValueError(f"quantization {config['quantization']!r} is not 'dynamic' or "
                                 "'static'")
            labels = config["labels"]
            ok = (tuple(labels["threat_type"]) == THREAT_TYPES
                  and tuple(labels["horizon"]) == HORIZONS and tuple(labels["role"]) == ROLES
                  and tuple(labels["sentiment"]) == SENTIMENTS)
            return None if ok else f"for other labels {labels}"

        config, tokenizer, session = open_onnx_folder(
            self._dir(), what="the codebook model", hint=_REBUILD_HINT, check_config=check,
            intra_op_threads=1 if self._jobs() > 1 else 0)
        special = {k: int(v) for k, v in config["special_ids"].items()}
        threshold = float(config["threshold"])
        self.config_ = config
        self.tokenizer_ = tokenizer
        self.special_ids_ = special
        self.threshold_ = threshold
        self.batch_invariant_ = batch_invariant(config)
        if self.batch_size is None:
            self.batch_size_ = DEFAULT_BATCH_SIZE if self.batch_invariant_ else 1
        else:
            if isinstance(self.batch_size, bool) or int(self.batch_size) < 1:
                raise ValueError(f"batch_size must be at least 1, got {self.batch_size!r}")
            self.batch_size_ = int(self.batch_size)
            if self.batch_size_ > 1 and not self.batch_invariant_:
                warnings.warn(
                    f"batch_size={self.batch_size_} with a dynamically quantized model "
                    f"({self._dir() / 'model.onnx'}): its scores then depend on the other "
                    "sentences of each call; leave batch_size=None (one sentence per call) for "
                    "reproducible scores", UserWarning, stacklevel=2)
        self.input_names_ = [i.name for i in session.get_inputs()]
        self.output_names_ = [o.name for o in session.get_outputs()]
        self.session_ = session
        return self

    # -- prediction ------------------------------------------------------------------------------
    def predict(
        self,
        sentences: Sequence[str],
        before: Sequence[str | None] | None = None,
        after: Sequence[str | None] | None = None,
        targets: Sequence[Sequence[tuple[str, Sequence[tuple[int, int]]]]] | None = None,
        speakers: Sequence[str | None] | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Score sentences and the actors mentioned in them.

        Parameters
        ----------
        sentences : sequence of str
            The sentences. An empty (or whitespace-only) sentence gets ``threat_p`` 0, no
            threat, no type or horizon (``None``, probabilities 0) and no target rows, without
            an encoder call (its targets, if any, are ignored).
        before, after : sequences of str or None, optional
            The neighbouring sentences (used only by a model trained with context).
        targets : sequence of lists of (actor_id, [(start, end), ...]), optional
            For sentence ``i``, each actor and the character spans of all its mentions in the
            sentence (``sentence[start:end]``). An actor listed twice is scored twice.
        speakers : sequence of str or None, optional
            The actor each sentence's document speaks for (a UN speech's state, ``"USA"`` for
            White House texts): that actor's rows get the speaker flag the model was trained with.

        Returns
        -------
        sentences_df : DataFrame
            One row per sentence: ``sentence`` (index), ``threat_p``, ``threat`` (bool, at the
            calibrated threshold), ``threat_type``, ``threat_type_p``, ``horizon``,
            ``horizon_p``, ``n_units`` (encoder calls).
        targets_df : DataFrame
            One row per target: ``sentence`` (index of its sentence), ``actor``, ``role``,
            ``role_p_source``, ``role_p_referent``, ``role_p_none``, ``sentiment``,
            ``p_negative``, ``p_neutral``, ``p_positive`` and, if the model has it,
            ``newsmtsc_p_negative/neutral/positive``. ``role`` is the most probable role,
            except that in a sentence below the threat threshold every role is ``none`` (as the
            codebook codes non-threat sentences); the probabilities are the head's.

        Raises
        ------
        ValueError
            Inputs of different lengths, a non-string sentence, or a span outside its sentence.
        """
        sents = list(sentences)
        n = len(sents)

        def seq(name: str, v: Any, default: Any) -> list:
            if v is None:
                return [default] * n
            v = list(v)
            if len(v) != n:
                raise ValueError(f"{name} has {len(v)} entries for {n} sentences")
            return v

        before_l, after_l = seq("before", before, None), seq("after", after, None)
        targets_l, speakers_l = seq("targets", targets, []), seq("speakers", speakers, None)
        for i, s in enumerate(sents):
            if not isinstance(s, str):
                raise ValueError(f"sentence {i}: must be a string, got {type(s).__name__}")
            if not s.strip():  # an empty sentence's targets are ignored
                continue
            for t in targets_l[i] or []:
                actor, spans = t
                for a, b in spans:
                    if not (0 <= int(a) < int(b) <= len(s)):
                        raise ValueError(f"sentence {i}, actor {actor!r}: span [{a}, {b}) is "
                                         f"empty or outside the sentence (length {len(s)})")
        self.load()
        cfg = self.config_
        max_length, context = int(cfg["max_length"]), int(cfg.get("context", 0))
        pad = self.special_ids_.get("pad", 0)
        work = [i for i, s in enumerate(sents) if s.strip()]

        sent_rows: list[dict[str, Any]] = [
            {"threat_p": 0.0, "threat_type": None, "threat_type_p": 0.0, "horizon": None,
             "horizon_p": 0.0, "n_units": 0} for _ in range(n)]
        tgt_out: dict[int, list[dict[str, Any] | None]] = {
            i: [None] * len(targets_l[i] or []) for i in work}
        has_nm = "newsmtsc" in self.output_names_
        per_call = self.batch_size_

        def run(batch: list[tuple[int, dict[str, Any]]]) -> None:
            flags = [[1.0 if (speakers_l[i] is not None
                              and targets_l[i][t][0] == speakers_l[i]) else 0.0
                      for t in u["targets"]] for i, u in batch]
            dummy = not any(u["targets"] for _, u in batch)
            feed = pad_units([u for _, u in batch], pad_id=pad, speaker=flags, dummy_target=True)
            feed = {k: v for k, v in feed.items() if k in self.input_names_}
            res = dict(zip(self.output_names_, self.session_.run(self.output_names_, feed)))
            tp = _sigmoid(res["threat"].astype(np.float64).reshape(-1))
            ty = _softmax(res["threat_type"].astype(np.float64))
            ho = _softmax(res["horizon"].astype(np.float64))
            ro = _softmax(res["role"].astype(np.float64))
            se = _softmax(res["sentiment"].astype(np.float64))
            nm = _softmax(res["newsmtsc"].astype(np.float64)) if has_nm else None
            r = 0  # target rows follow the units' order (pad_units)
            for b, (i, u) in enumerate(batch):
                if u["main"]:
                    sent_rows[i].update(
                        threat_p=float(tp[b]), threat_type=THREAT_TYPES[int(ty[b].argmax())],
                        threat_type_p=float(ty[b].max()),
                        horizon=HORIZONS[int(ho[b].argmax())], horizon_p=float(ho[b].max()))
                if dummy:
                    continue
                tl = targets_l[i]
                for t in u["targets"]:
                    row = {"actor": tl[t][0],
                           **{f"role_p_{x}": float(ro[r, k]) for k, x in enumerate(ROLES)},
                           "sentiment": SENTIMENTS[int(se[r].argmax())],
                           **{f"p_{x}": float(se[r, k]) for k, x in enumerate(SENTIMENTS)}}
                    if nm is not None:
                        row.update({f"newsmtsc_p_{x}": float(nm[r, k])
                                    for k, x in enumerate(SENTIMENTS)})
                    row["_role"] = ROLES[int(ro[r].argmax())]
                    tgt_out[i][t] = row
                    r += 1

        from toolkit.parallel import run_threads

        # Encode and run in chunks of sentences (bounded memory); within a chunk, units sorted
        # longest first, so batches hold units of about one length (little padding) and the pool
        # ends on the shortest.
        order = sorted(work, key=lambda i: -len(sents[i]))
        chunk = _CHUNK
        bar = None
        if self.progress and len(order) > 64:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(order), desc="codebook model", unit="sentence")
        try:
            for c0 in range(0, len(order), chunk):
                units: list[tuple[int, dict[str, Any]]] = []
                for i in order[c0:c0 + chunk]:
                    us = encode_sentence(
                        self.tokenizer_, sents[i],
                        [[(int(a), int(b)) for a, b in sp] for _, sp in (targets_l[i] or [])],
                        max_length=max_length, special_ids=self.special_ids_,
                        before=before_l[i], after=after_l[i], context=context)
                    sent_rows[i]["n_units"] = len(us)
                    units.extend((i, u) for u in us)
                units.sort(key=lambda iu: -len(iu[1]["ids"]))
                batches = [units[k:k + per_call] for k in range(0, len(units), per_call)]
                run_threads(run, batches, n_jobs=self._jobs(), progress=False)
                if bar is not None:
                    bar.update(len(order[c0:c0 + chunk]))
        finally:
            if bar is not None:
                bar.close()

        scols = ["threat_p", "threat_type", "threat_type_p", "horizon", "horizon_p", "n_units"]
        sdf = pd.DataFrame(sent_rows, columns=scols).astype(
            {"threat_p": "float64", "threat_type_p": "float64", "horizon_p": "float64",
             "n_units": "int64"})
        for c in ("threat_type", "horizon"):  # None (not NaN) for empty sentences
            sdf[c] = pd.Series([r[c] for r in sent_rows], index=sdf.index, dtype=object)
        sdf.insert(1, "threat", sdf["threat_p"] >= self.threshold_)
        sdf.index.name = "sentence"
        rows = []
        for i in work:
            threat = bool(sdf.at[i, "threat"])
            for row in tgt_out[i]:
                r = dict(row)
                role = r.pop("_role")
                r = {"sentence": i, "actor": r.pop("actor"),
                     "role": role if threat else "none", **r}
                rows.append(r)
        cols = (["sentence", "actor", "role"] + [f"role_p_{r}" for r in ROLES] + ["sentiment"]
                + [f"p_{s}" for s in SENTIMENTS]
                + ([f"newsmtsc_p_{s}" for s in SENTIMENTS] if has_nm else []))
        tdf = pd.DataFrame(rows, columns=cols)
        return sdf, tdf


@functools.lru_cache(maxsize=4)
def _loaded(model_dir: str | None) -> CodebookModel:
    return CodebookModel(model_dir, progress=False).load()


def get_codebook_model(model_dir: str | os.PathLike | None = None, *,
                       progress: bool = True) -> CodebookModel:
    """The model in ``model_dir`` (default: the shipped one), loaded once per process.

    The stages and the chunked engines call this, so every chunk a process runs reuses one
    onnxruntime session; the returned object is a shallow copy with its own ``progress``.
    """
    m = copy.copy(_loaded(None if model_dir is None else str(Path(model_dir).resolve())))
    m.progress = progress
    return m

