"""Exceptions and the one place that builds "invalid choice" and "missing columns" messages."""
from __future__ import annotations

from collections.abc import Iterable


class ToolkitError(Exception):
    """Base class of the toolkit's own errors."""


class CorpusError(ToolkitError, ValueError):
    """A corpus file or table cannot be read; the message names the file (and line) and the fix."""


class ModelNotFoundError(ToolkitError, FileNotFoundError):
    """A shipped model file is missing or unreadable; the message says how to rebuild it."""


class TopicsTooSmallError(ToolkitError, ValueError):
    """The document-term matrix is empty or smaller than the number of topics asked for."""


def check_choice(name: str, value: object, valid: Iterable[object]) -> object:
    """Return ``value`` if it is one of ``valid``, else raise ``ValueError`` listing the valid values.

    Parameters
    ----------
    name : str
        The parameter's name as the user typed it (``"method"``, ``"--model"``).
    value : object
        The value given.
    valid : iterable
        The accepted values.

    Examples
    --------
    >>> check_choice("unit", "token", ["token", "sentence"])
    'token'
    """
    valid = list(valid)
    if value not in valid:
        listed = ", ".join(repr(v) for v in valid)
        raise ValueError(f"invalid {name}={value!r}; valid values are: {listed}")
    return value


def require_columns(df: object, columns: Iterable[str], *, name: str, hint: str = "") -> None:
    """Raise if ``df`` is not a DataFrame with ``columns``: the message names the table, the
    missing columns and (``hint``) where the right table comes from.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"doc_id": []}), ["doc_id"], name="documents")
    """
    import pandas as pd

    columns = list(columns)
    tail = f" {hint}" if hint else ""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name}: needs a DataFrame with columns {columns}, got "
                        f"{type(df).__name__}.{tail}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: needs columns {columns}; missing {missing}.{tail}")
