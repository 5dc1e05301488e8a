"""Validation of (sentence, target span) inputs, shared by every target-sentiment method."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def as_list(name: str, values: Any) -> list:
    """``values`` as a list; ``ValueError`` naming ``name`` for a single string or a non-sequence."""
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a sequence (one value per target), not a single string")
    if isinstance(values, (pd.Series, pd.Index, np.ndarray)):
        return list(values.tolist())
    try:
        return list(values)
    except TypeError:
        raise ValueError(f"{name} must be a sequence, got {type(values).__name__}") from None


def validate_targets(
    sentences: Any, starts: Any, ends: Any
) -> tuple[list[str], list[int], list[int]]:
    """Check the inputs of one target per row; ``ValueError`` names the first bad row."""
    sents = as_list("sentences", sentences)
    a = as_list("starts", starts)
    b = as_list("ends", ends)
    if not (len(sents) == len(a) == len(b)):
        raise ValueError(
            f"sentences, starts and ends must have the same length, got {len(sents)}, {len(a)}, "
            f"{len(b)}"
        )
    out_a: list[int] = []
    out_b: list[int] = []
    for i, (s, x, y) in enumerate(zip(sents, a, b)):
        if not isinstance(s, str):
            raise ValueError(f"row {i}: sentence must be a string, got {type(s).__name__}")
        if not s.strip():
            raise ValueError(f"row {i}: sentence is empty")
        for what, v in (("start", x), ("end", y)):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                if isinstance(v, (float, np.floating)) and float(v).is_integer():
                    continue
                raise ValueError(f"row {i}: {what} must be an integer, got {v!r}")
        x, y = int(x), int(y)
        if not 0 <= x < y <= len(s):
            raise ValueError(
                f"row {i}: target span [{x}, {y}) is empty or outside the sentence "
                f"(length {len(s)})"
            )
        if not s[x:y].strip():
            raise ValueError(f"row {i}: target span [{x}, {y}) holds only whitespace")
        out_a.append(x)
        out_b.append(y)
    return sents, out_a, out_b
