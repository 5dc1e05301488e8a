"""Opening a shipped ONNX model folder: ``config.json``, ``tokenizer.json`` and ``model.onnx``.

Both neural measures (:class:`toolkit.codebook.CodebookModel` and
:class:`toolkit.sentiment.neural.NeuralTargetSentiment`) ship a folder of these three files and
open it the same way: every file present, the config readable and for the model's labels, the
tokenizer readable (padding and truncation off: the callers window and pad themselves), the ONNX
file's SHA-256 equal to ``config.json``'s ``model_sha256`` (when recorded), and one onnxruntime
session on the CPU (:func:`open_onnx_folder`); both follow one estimator contract
(:class:`PretrainedOnnxModel`). Any failure is a :class:`~toolkit.errors.ModelNotFoundError` that names the
file, says what is wrong with it and how to rebuild it.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sklearn.base import BaseEstimator

from toolkit.errors import ModelNotFoundError

__all__ = ["OnnxFolder", "PretrainedOnnxModel", "file_sha256", "open_onnx_folder"]

FILES = ("config.json", "tokenizer.json", "model.onnx")


class OnnxFolder(NamedTuple):
    """What :func:`open_onnx_folder` returns."""

    config: dict
    tokenizer: Any  # tokenizers.Tokenizer
    session: Any  # onnxruntime.InferenceSession


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_onnx_folder(
    folder: Path,
    *,
    what: str,
    hint: str,
    check_config: Callable[[dict], str | None],
    intra_op_threads: int = 0,
) -> OnnxFolder:
    """Check and open a model folder.

    Parameters
    ----------
    folder : Path
        The folder with ``config.json``, ``tokenizer.json`` and ``model.onnx``.
    what : str
        The model's name in error messages ("the codebook model").
    hint : str
        What to do about a broken file (appended to every error message).
    check_config : callable
        Called with the parsed config. Returns ``None`` if the config fits the caller, or a
        reason such as ``"for other labels [...]"``; a ``KeyError``, ``ValueError``,
        ``TypeError`` or ``AttributeError`` it raises marks the config as corrupted.
    intra_op_threads : int, default 0
        onnxruntime's threads per call (0: onnxruntime's default, all cores). Callers that run
        several calls side by side from a thread pool pass 1.

    Raises
    ------
    ModelNotFoundError
        A file is missing, unreadable or does not fit (the message names it and ends with
        ``hint``).
    """
    import onnxruntime as ort
    from tokenizers import Tokenizer

    def broken(path: Path, reason: str) -> ModelNotFoundError:
        return ModelNotFoundError(f"{what} file {path} is {reason}; {hint}")

    paths = {name: Path(folder) / name for name in FILES}
    for p in paths.values():
        if not p.is_file():
            raise broken(p, "missing")
    try:
        config = json.loads(paths["config.json"].read_text(encoding="utf-8"))
        reason = check_config(config)
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise broken(paths["config.json"], f"corrupted ({err!r})") from None
    if reason:
        raise broken(paths["config.json"], reason)
    try:
        tokenizer = Tokenizer.from_file(str(paths["tokenizer.json"]))
    except Exception as err:  # noqa: BLE001 - tokenizers raises a bare Exception
        raise broken(paths["tokenizer.json"], f"corrupted ({err})") from None
    tokenizer.no_padding()
    tokenizer.no_truncation()
    expected = config.get("model_sha256")
    if expected and file_sha256(paths["model.onnx"]) != expected:
        raise broken(paths["model.onnx"], "corrupted (its SHA-256 does not match config.json)")
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = int(intra_op_threads)
    opts.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(paths["model.onnx"]), sess_options=opts,
                                       providers=["CPUExecutionProvider"])
    except Exception as err:  # noqa: BLE001 - onnxruntime raises several exception types
        raise broken(paths["model.onnx"], f"corrupted ({err})") from None
    return OnnxFolder(config, tokenizer, session)


class PretrainedOnnxModel(BaseEstimator):
    """Base of the shipped neural models: scikit-learn's estimator contract for a model that is
    pretrained, not fitted here.

    Subclasses store ``model_dir`` and ``n_jobs`` (and their other parameters) in ``__init__``,
    name their shipped folder in ``_default_dir`` and implement ``load``, which creates the
    learned attributes (ending in ``_``, ``session_`` among them). :meth:`fit` only loads;
    :meth:`set_params` drops the session when a parameter in ``_reload_params`` changes, so the
    next prediction reloads.
    """

    _reload_params: tuple[str, ...] = ("model_dir", "n_jobs")

    def _default_dir(self) -> Path:  # pragma: no cover - every subclass names its folder
        raise NotImplementedError

    def load(self) -> PretrainedOnnxModel:  # pragma: no cover - every subclass loads its files
        raise NotImplementedError

    def set_params(self, **params: Any) -> PretrainedOnnxModel:
        """Set constructor parameters (scikit-learn's); a changed ``model_dir``, thread or job
        count forces a reload."""
        super().set_params(**params)
        if set(self._reload_params) & set(params):
            self.__dict__.pop("session_", None)
        return self

    def fit(self, X: Any = None, y: Any = None) -> PretrainedOnnxModel:
        """The model is pretrained: only loads it and returns ``self``."""
        return self.load()

    def _dir(self) -> Path:
        return Path(self.model_dir) if self.model_dir is not None else self._default_dir()

    def _jobs(self) -> int:
        from toolkit.parallel import resolve_jobs

        return resolve_jobs(self.n_jobs)
