"""Keyword arguments renamed for one API grammar (``n_topics``, ``random_state``, ``by``).

Earlier names keep working for now with a ``FutureWarning`` that names the new one, so that a
researcher's old notebook still runs and says what to change.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping

__all__ = ["take_renamed"]


def take_renamed(func: str, old: Mapping[str, object], renames: Mapping[str, str],
                 current: Mapping[str, object], defaults: Mapping[str, object]) -> dict:
    """The new-name values, with any old-name keyword moved over (and warned about).

    Parameters
    ----------
    func : str
        The function's name, for the messages.
    old : mapping
        The keywords the function received beyond its signature (its ``**renamed``).
    renames : mapping
        ``{old name: new name}``.
    current, defaults : mapping
        The new names' values as received, and their defaults (to tell "given" from "default").

    Raises
    ------
    TypeError
        An unknown keyword, or both the old and the new name given.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     take_renamed("run_topics", {"k": 5}, {"k": "n_topics"}, {"n_topics": 20},
    ...                  {"n_topics": 20})
    {'n_topics': 5}
    >>> str(w[0].message)
    'run_topics(k=...) is now run_topics(n_topics=...); the old name will stop working in a later release'
    """
    out = dict(current)
    for name, value in old.items():
        if name not in renames:
            raise TypeError(f"{func}() got an unexpected keyword argument {name!r}")
        new = renames[name]
        if out[new] != defaults[new]:
            raise TypeError(f"{func}(): give {new}= only ({name}= is its earlier name)")
        warnings.warn(f"{func}({name}=...) is now {func}({new}=...); the old name will stop "
                      "working in a later release", FutureWarning, stacklevel=3)
        out[new] = value
    return out
