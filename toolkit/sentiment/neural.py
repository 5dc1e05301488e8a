"""Target-dependent sentiment with a fine-tuned MiniLM encoder shipped as ONNX.

Given a sentence and the character span of a target (an actor mention), the model predicts the
sentiment expressed *towards the target* (NewsMTSC definition): ``negative``, ``neutral`` or
``positive``. The shipped model is the first 3 transformer layers of the MiniLM encoder of
sentence-transformers all-MiniLM-L6-v2, fine-tuned on the NewsMTSC train split by
``scripts/train_sentiment.py`` and distilled from a fine-tuned 6-layer teacher (on NewsMTSC train
and on unlabelled actor mentions of UN speeches of 1990-2013); its weights are the mean of three
such students (seeds 42, 43, 44). The target is not marked in the text; the classification head
(``[mean of all tokens ; mean of the target's tokens] -> 3 logits``) is part of the ONNX graph.
The encoder's weights are int8 (dynamic quantization), the head's float32; ``provenance.json``
records the base weights and their hash, the training data, the teacher, the commit and the dev
scores.

Reproducible scores
-------------------
Dynamic int8 quantization computes the activations' scale per call over the whole input tensor,
so a target scored in a batch would depend on its batch-mates (and a corpus analysed in other
chunks would get other numbers). By default each model input runs alone, several calls side by
side (``n_jobs``), which costs about nothing on a CPU: the same target in the same sentence always
gets the same probabilities. Targets with the same model input (a repeated target; with a model
that does not mark the target in the text, every target of a sentence) run in one call on one
encoder pass, one target-mask row each (``config.json``: ``"shares_encoding": true``); the head
after the encoder is float32, so a target's probabilities do not depend on the others up to the
last bit of float32 rounding. For the shipped (unmarked) model that halves the cost of a corpus,
whose mentions come about 1.5 per sentence.

Only ``onnxruntime``, ``tokenizers`` and ``numpy`` are needed at runtime (no torch, no
transformers, nothing is downloaded). The shipped files live in
``toolkit/data/sentiment/minilm_tsc/``: ``model.onnx``, ``tokenizer.json``, ``config.json`` and
``provenance.json``.

How the target is marked
------------------------
The sentence is tokenized once with offsets; a target mask marks the wordpieces that overlap the
target's character span, for the head's target pooling. A model trained with ``marking="unused"``
also wraps them in two marker tokens in the text (``[unused0]`` ... ``[unused1]``, see
``config.json``)::

    [CLS] left context [unused0] target pieces [unused1] right context [SEP]

With ``marking="none"`` (the shipped model) the text is left as it is and the target is known to
the head only: its pooled wordpieces, and, with the ``attention`` pooling, the tokens weighted by
their attention from the target (``config.json``: ``pooling``).

Sentences longer than the model window are windowed *around the target*: the target is kept and
the remaining budget is split between left and right context, so a mention deep inside a long
sentence is still scored with its own context. Every target is scored on its own, so the two
targets of a sentence can get different labels.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.onnx_model import PretrainedOnnxModel, open_onnx_folder
from toolkit.resources import data_path
from toolkit.targets import as_list, validate_targets

__all__ = [
    "LABELS",
    "NeuralTargetSentiment",
    "default_model_dir",
    "encode_targets",
    "pad_batch",
    "score_from_proba",
]

#: Class order of ``predict_proba`` columns.
LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")

_REBUILD_HINT = (
    'rebuild it with `make model`, or choose another method with method="sklearn" '
    'or method="lexicon"'
)


def default_model_dir() -> Path:
    """Directory of the shipped model (``toolkit/data/sentiment/minilm_tsc``)."""
    return data_path("sentiment", "minilm_tsc")


def score_from_proba(p: np.ndarray) -> np.ndarray:
    """Signed sentiment score ``p_positive - p_negative`` in ``[-1, 1]``.

    Parameters
    ----------
    p : array-like of shape (n, 3)
        Class probabilities in the order ``[negative, neutral, positive]``.

    Returns
    -------
    numpy.ndarray of shape (n,)

    Examples
    --------
    >>> score_from_proba(np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5]])).round(2).tolist()
    [-0.6, 0.5]
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 2 or p.shape[1] != 3:
        raise ValueError(f"expected probabilities of shape (n, 3), got {p.shape}")
    return p[:, 2] - p[:, 0]


# --------------------------------------------------------------------------- encoding (shared with
# scripts/train_sentiment.py, so training and runtime mark the target in exactly the same way)


def _window(n_pre: int, n_tgt: int, n_post: int, budget: int) -> tuple[int, int, int]:
    """How many left-context, target and right-context pieces fit in ``budget`` pieces."""
    keep_tgt = min(n_tgt, budget)
    rest = budget - keep_tgt
    left = min(n_pre, rest // 2)
    right = min(n_post, rest - left)
    left = min(n_pre, rest - right)  # give the right side's unused budget back to the left
    return left, keep_tgt, right


def encode_targets(
    tokenizer: Any,
    sentences: Sequence[str],
    starts: Sequence[int],
    ends: Sequence[int],
    *,
    max_length: int,
    special_ids: dict[str, int],
) -> list[tuple[list[int], list[int]]]:
    """Token ids with the target marked, and the target mask, for each (sentence, span).

    Parameters
    ----------
    tokenizer : tokenizers.Tokenizer
        The fast tokenizer, with padding and truncation switched off.
    sentences, starts, ends : sequences
        Sentences and the target's character offsets (already validated).
    max_length : int
        Maximum sequence length including ``[CLS]``, ``[SEP]`` and the two markers.
    special_ids : dict
        Ids of ``cls``, ``sep``, ``marker_start`` and ``marker_end`` (without the two marker ids,
        or with ``None``, the target is not marked in the text, only in the target mask).

    Returns
    -------
    list of (ids, target_mask)
        ``ids`` are the input ids; ``target_mask`` is 1 on the target's wordpieces, else 0.
    """
    if max_length < 8:
        raise ValueError(f"max_length must be at least 8, got {max_length}")
    budget = max_length - 4
    cls, sep = special_ids["cls"], special_ids["sep"]
    m1, m2 = special_ids.get("marker_start"), special_ids.get("marker_end")
    marked = m1 is not None and m2 is not None
    # Tokenize each distinct sentence once (multi-target sentences repeat).
    uniq: dict[str, int] = {}
    for s in sentences:
        uniq.setdefault(s, len(uniq))
    encs = tokenizer.encode_batch(list(uniq), add_special_tokens=False)
    out: list[tuple[list[int], list[int]]] = []
    for s, a, b in zip(sentences, starts, ends):
        enc = encs[uniq[s]]
        ids = enc.ids
        offs = enc.offsets
        first = last = -1
        for k, (o0, o1) in enumerate(offs):
            if o1 > a and o0 < b and o1 > o0:
                if first < 0:
                    first = k
                last = k
        if first < 0:
            # The span holds no wordpiece (e.g. only characters the normalizer drops): put the
            # (empty) target between the markers at the span's position.
            first = sum(1 for o0, _ in offs if o0 < a)
            last = first - 1
        pre, tgt, post = ids[:first], ids[first : last + 1], ids[last + 1 :]
        left, keep_tgt, right = _window(len(pre), len(tgt), len(post), budget)
        pre = pre[len(pre) - left :] if left else []
        tgt = tgt[:keep_tgt]
        post = post[:right]
        if marked:
            seq = [cls, *pre, m1, *tgt, m2, *post, sep]
            mask = [0] * (len(pre) + 2) + [1] * len(tgt) + [0] * (len(post) + 2)
            if not tgt:  # no target piece: pool the two markers instead
                mask[len(pre) + 1] = mask[len(pre) + 2] = 1
        else:
            seq = [cls, *pre, *tgt, *post, sep]
            mask = [0] * (len(pre) + 1) + [1] * len(tgt) + [0] * (len(post) + 1)
            if not tgt:  # no target piece: pool the token after the span's position
                mask[min(len(pre) + 1, len(seq) - 1)] = 1
        out.append((seq, mask))
    return out


def pad_batch(
    items: Sequence[tuple[list[int], list[int]]], pad_id: int = 0
) -> dict[str, np.ndarray]:
    """Pad encoded targets to the batch's longest sequence.

    Returns ``input_ids`` and ``attention_mask`` (int64) and ``target_mask`` (float32).
    """
    n = len(items)
    width = max(len(ids) for ids, _ in items)
    input_ids = np.full((n, width), pad_id, dtype=np.int64)
    attention = np.zeros((n, width), dtype=np.int64)
    target = np.zeros((n, width), dtype=np.float32)
    for i, (ids, mask) in enumerate(items):
        input_ids[i, : len(ids)] = ids
        attention[i, : len(ids)] = 1
        target[i, : len(mask)] = mask
    return {"input_ids": input_ids, "attention_mask": attention, "target_mask": target}


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class NeuralTargetSentiment(PretrainedOnnxModel):
    """Sentiment towards a target span, from the fine-tuned MiniLM ONNX model.

    Follows the scikit-learn estimator contract where it makes sense: ``__init__`` only stores
    parameters, ``get_params``/``set_params`` work, learned/loaded state ends in ``_`` and is
    created lazily by :meth:`load` (called by the first prediction). The model is pretrained;
    :meth:`fit` only loads it.

    Parameters
    ----------
    model_dir : str or Path, optional
        Directory with ``model.onnx``, ``tokenizer.json`` and ``config.json``. Default: the
        shipped model, ``toolkit/data/sentiment/minilm_tsc``.
    batch_size : int, default 1
        Targets per ONNX call. The default runs each target alone, so its probabilities depend
        on nothing but the target and its sentence: the int8 model quantizes its activations
        with one scale per call, so in a batch a target's scale depends on its batch-mates
        (measured on NewsMTSC dev_mt: probabilities moving by up to 0.35 and 2-4% of the labels
        flipping between batch sizes 1, 16 and 64), and a corpus analysed in other chunks, on
        other workers or in another order would get other numbers. Larger batches (inputs
        sorted by length and padded) are only reproducible for a float32 model. With
        ``batch_size=1`` and a model that ``shares_encoding``, a call holds one model input and
        all the targets that share it.
    max_length : int, optional
        Model window in wordpieces (including special and marker tokens). Default: the value the
        model was trained with (``config.json``). Longer sentences are windowed around the target.
    progress : bool, default True
        Show a ``tqdm`` progress bar (per target) for jobs of more than 64 targets.
    n_threads : int, optional
        ``intra_op_num_threads`` of the onnxruntime session. Default: 1 when ``n_jobs > 1``
        (the calls run side by side instead), else onnxruntime's choice (one per core).
    n_jobs : int, optional
        Calls run concurrently from a thread pool (onnxruntime releases the GIL), each on
        ``n_threads`` threads. Default: the number of CPU cores this process may use; on small
        per-target calls this uses the cores better than one call spread over several threads.
        The results do not depend on it.

    Attributes
    ----------
    classes_ : numpy.ndarray
        ``["negative", "neutral", "positive"]``, the column order of :meth:`predict_proba`.
    config_ : dict
        The model's ``config.json``.
    session_ : onnxruntime.InferenceSession
    shares_encoding_ : bool
        The graph takes several target-mask rows per input, so targets with the same input share
        one call and one encoder pass (``config.json``; older exports: ``False``).
    tokenizer_ : tokenizers.Tokenizer

    Examples
    --------
    >>> clf = NeuralTargetSentiment(progress=False)
    >>> s = "Russia's brutal war against Ukraine must end."
    >>> clf.predict([s], [0], [6]).tolist()
    ['negative']
    >>> p = clf.predict_proba([s], [0], [6])
    >>> p.shape
    (1, 3)
    >>> float(score_from_proba(p)[0]) < 0
    True
    """

    def __init__(
        self,
        model_dir: str | os.PathLike | None = None,
        *,
        batch_size: int = 1,
        max_length: int | None = None,
        progress: bool = True,
        n_threads: int | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.max_length = max_length
        self.progress = progress
        self.n_threads = n_threads
        self.n_jobs = n_jobs

    _reload_params = ("model_dir", "n_threads", "n_jobs")

    def _default_dir(self) -> Path:
        return default_model_dir()

    def load(self) -> NeuralTargetSentiment:
        """Load the tokenizer, the config and the ONNX session (once per instance).

        Raises
        ------
        ModelNotFoundError
            A model file is missing or corrupted (the message says how to rebuild it).
        """
        if "session_" in self.__dict__:
            return self

        def check(config: dict) -> str | None:
            labels = tuple(config["labels"])
            dict(config["special_ids"])
            int(config["max_length"])
            return None if labels == LABELS else f"for other labels {labels}"

        jobs = self._jobs()
        config, tokenizer, session = open_onnx_folder(
            self._dir(), what="the neural sentiment model", hint=_REBUILD_HINT,
            check_config=check,
            intra_op_threads=int(self.n_threads or 1) if (self.n_threads or jobs > 1) else 0)
        special = config["special_ids"]
        self.config_ = config
        self.tokenizer_ = tokenizer
        self.input_names_ = [i.name for i in session.get_inputs()]
        self.classes_ = np.array(LABELS)
        self.special_ids_ = {k: (None if v is None else int(v)) for k, v in special.items()}
        # The graph takes one input row with several target-mask rows (see predict_proba).
        self.shares_encoding_ = bool(config.get("shares_encoding", False))
        self.session_ = session
        return self

    # -- prediction ------------------------------------------------------------------------------
    def predict_proba(
        self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int]
    ) -> np.ndarray:
        """Class probabilities ``[negative, neutral, positive]`` for each target.

        Parameters
        ----------
        sentences : sequence of str
            One sentence per target (repeat a sentence for each of its targets).
        starts, ends : sequence of int
            Character offsets of each target in its sentence (``sentence[start:end]``).

        Returns
        -------
        numpy.ndarray of shape (n, 3)

        Raises
        ------
        ValueError
            A sentence is empty or not a string, or a span is empty, whitespace or outside its
            sentence; the message names the row index.

        Examples
        --------
        >>> clf = NeuralTargetSentiment(progress=False)
        >>> s = "The mayor praised the firefighters for their heroic rescue."
        >>> clf.predict_proba([s], [22], [34]).argmax(axis=1).tolist()
        [2]
        """
        sents, a, b = validate_targets(sentences, starts, ends)
        if not sents:
            return np.zeros((0, 3), dtype=np.float32)
        self.load()
        max_length = int(self.max_length or self.config_["max_length"])
        items = encode_targets(
            self.tokenizer_, sents, a, b, max_length=max_length, special_ids=self.special_ids_
        )
        bs = max(1, int(self.batch_size))
        share = self.shares_encoding_ and bs == 1
        if share:
            # Targets with the same model input (a repeated target; all the targets of a
            # sentence when the model does not mark them in the text) share one encoder pass: one
            # call, one input row and one target-mask row per target. The head is float32, so
            # each target's probabilities still depend only on its input and its mask.
            groups: dict[tuple[int, ...], list[int]] = {}
            for j, (ids, _) in enumerate(items):
                groups.setdefault(tuple(ids), []).append(j)
            units = [np.array(g) for g in groups.values()]
            units.sort(key=lambda g: len(items[g[0]][0]), reverse=True)
        else:
            order = np.argsort([len(ids) for ids, _ in items], kind="stable")
            units = [order[i : i + bs] for i in range(0, len(order), bs)][::-1]
        # Longest first, each worker taking the next unit only when it is free: the work ends on
        # the shortest inputs, so no core idles for long at the end of a chunk (with fixed tasks
        # of 64 targets a corpus sample ran 5% slower in paired runs).
        from toolkit.parallel import run_threads

        out = np.empty((len(items), 3), dtype=np.float32)
        pad = self.special_ids_.get("pad", 0)

        def run(idx: np.ndarray) -> None:
            feed = pad_batch([items[j] for j in idx], pad_id=pad)
            if share:  # the group's targets have one input: one input row
                feed["input_ids"] = feed["input_ids"][:1]
                feed["attention_mask"] = feed["attention_mask"][:1]
            feed = {k: v for k, v in feed.items() if k in self.input_names_}
            (logits,) = self.session_.run(["logits"], feed)
            out[idx] = _softmax(logits.astype(np.float32))

        run_threads(run, units, n_jobs=self._jobs(), weights=[len(u) for u in units],
                    desc="neural sentiment", unit="target", progress=self.progress)
        return out

    def predict(
        self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int]
    ) -> np.ndarray:
        """Label (``"negative"``, ``"neutral"`` or ``"positive"``) of each target.

        Examples
        --------
        >>> clf = NeuralTargetSentiment(progress=False)
        >>> s = "Putin threatened Europe, while Zelensky thanked Europe for its generous help."
        >>> clf.predict([s, s], [0, 31], [5, 39]).tolist()
        ['negative', 'positive']
        """
        p = self.predict_proba(sentences, starts, ends)
        return self.classes_[p.argmax(axis=1)] if len(p) else np.array([], dtype=str)

    def score(
        self,
        sentences: Sequence[str],
        starts: Sequence[int],
        ends: Sequence[int],
        y: Sequence[Any],
    ) -> float:
        """Accuracy against ``y`` (labels as strings or NewsMTSC polarities -1/0/1).

        Examples
        --------
        >>> clf = NeuralTargetSentiment(progress=False)
        >>> clf.score(["Russia's brutal war against Ukraine"], [0], [6], [-1])
        1.0
        """
        truth = [_label(v) for v in as_list("y", y)]
        pred = self.predict(sentences, starts, ends)
        if len(truth) != len(pred):
            raise ValueError(f"y has {len(truth)} labels for {len(pred)} targets")
        return float(np.mean([t == p for t, p in zip(truth, pred)])) if truth else float("nan")


def _label(v: Any) -> str:
    if isinstance(v, str) and v in LABELS:
        return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and -1 <= int(v) <= 1:
        return LABELS[int(v) + 1]
    raise ValueError(f"invalid label {v!r}; valid labels are {LABELS} or -1, 0, 1")
