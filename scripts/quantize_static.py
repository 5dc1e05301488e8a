"""Static int8 quantization (QDQ format) of an exported encoder, so its scores do not depend on
the batch.

Dynamic quantization computes each call's activation scale over the whole input tensor, so a
sentence's scores move with the other sentences of its call and the model must run one input per
call. Static quantization calibrates the activation scales once, on training inputs run one at a
time, and stores them in the graph (QuantizeLinear/DequantizeLinear pairs around each weight
MatMul): an input row is quantized the same way in any batch, the int8 products are exact, and
inputs can be batched.

Only MatMuls with a constant weight are quantized (the encoder's projections and feed-forward
layers, as the dynamic export did); the attention products, layer norms, softmax and the heads
stay float32. Weights: int8, symmetric, per output channel, 7-bit range (``reduce_range``, which
keeps AVX2 machines without VNNI from saturating). Activations: uint8, asymmetric, from the
calibration method's range (default ``minmax``: the largest range seen; ``percentile`` clips the
rarest values).

Needs ``onnx`` and ``onnxruntime`` (the train extra); used by ``scripts/train_codebook.py``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

CalibrationName = Literal["minmax", "percentile", "entropy"]

__all__ = ["quantize_static_qdq"]


def quantize_static_qdq(
    fp32_path: Path,
    out_path: Path,
    feeds: Sequence[dict[str, np.ndarray]],
    *,
    exclude: Iterable[str] = (),
    method: CalibrationName = "minmax",
    percentile: float = 99.999,
) -> dict:
    """Write the statically quantized model of ``fp32_path`` to ``out_path``.

    Parameters
    ----------
    fp32_path, out_path : Path
        The float32 ONNX model and where to write the int8 one.
    feeds : sequence of dict
        Calibration inputs (graph input name -> array), each one call; pass single inputs so the
        ranges are those of real tokens, not of padding.
    exclude : iterable of str
        Node names to keep in float32 (the heads).
    method : {"minmax", "percentile", "entropy"}, default "minmax"
        How the activation ranges are taken from the calibration runs.
    percentile : float, default 99.999
        With ``method="percentile"``: the share of values inside the range.

    Returns
    -------
    dict
        What was done (for provenance): method, number of calibration inputs, op types, options.
    """
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)

    methods = {"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile,
               "entropy": CalibrationMethod.Entropy}
    if method not in methods:
        raise ValueError(f"method must be one of {sorted(methods)}, got {method!r}")

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._it = iter(feeds)

        def get_next(self):
            return next(self._it, None)

    extra = {"ActivationSymmetric": False, "WeightSymmetric": True, "MatMulConstBOnly": True}
    if method == "percentile":
        extra["CalibPercentile"] = float(percentile)
    quantize_static(str(fp32_path), str(out_path), Reader(), quant_format=QuantFormat.QDQ,
                    op_types_to_quantize=["MatMul"], per_channel=True, reduce_range=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    nodes_to_exclude=list(exclude), calibrate_method=methods[method],
                    extra_options=extra)
    return {"format": "QDQ", "op_types": ["MatMul (constant weight only)"],
            "weights": "int8 symmetric per channel, reduce_range",
            "activations": "uint8 asymmetric, static", "calibration": method,
            **({"percentile": percentile} if method == "percentile" else {}),
            "calibration_inputs": len(feeds)}
