"""Exceptions and the one place that builds "invalid choice" messages."""
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
