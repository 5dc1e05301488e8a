"""One stage of the stage graph (:class:`Stage`): the table it builds, from which tables, with
which parameters, data and code. The stages themselves are in :mod:`toolkit.engine.stages`;
:mod:`toolkit.engine.graph` chains and runs them."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Stage"]


@dataclass(frozen=True)
class Stage:
    """One table of the analysis and how it is built.

    Attributes
    ----------
    name : str
        The table it produces (``"threat_frames"``).
    inputs : tuple of str
        Tables it reads; a tuple inside means "the first of these that the run already holds,
        else the last one" (the threat index counts words from the tokens table when there is one,
        else from the cheaper token counts: the same numbers).
    columns : tuple of str
        The output table's fixed columns, in order.
    build : callable
        ``build(ctx)`` returns the table; ``ctx`` is the :class:`GraphRun` restricted to the
        inputs (``ctx["sentences"]``), with ``ctx.params`` and ``ctx.progress``.
    params : mapping
        Parameter names and defaults (part of the cache key).
    version : str
        Bumped when the stage's output changes for the same inputs.
    data : tuple of str
        Files or folders under ``toolkit/data`` it reads (their bytes are part of the key).
    code : tuple of str
        Modules it runs (their source is part of the key).
    cache : bool
        Whether the table is kept in the on-disk cache (cheap tables are not).
    json_columns : tuple of str
        Columns of lists or dicts, cached as JSON text and decoded on reading.
    scope : {"document", "corpus"}
        ``"document"``: rows of a document depend on that document only, so the table can be
        built one partition at a time; ``"corpus"``: an aggregate over all documents.
    when : mapping
        Inputs read only under some parameters: input name -> ``predicate(params)`` on the
        stage's parameters (the threat frames read the codebook model's scores only with
        ``threat_method="model"``). An input whose predicate is false is neither built nor part
        of the key.
    """

    name: str
    inputs: tuple[Any, ...]
    columns: tuple[str, ...]
    build: Callable[[Any], pd.DataFrame]
    params: Mapping[str, Any] = field(default_factory=dict)
    version: str = "1"
    data: tuple[str, ...] = ()
    code: tuple[str, ...] = ()
    cache: bool = True
    json_columns: tuple[str, ...] = ()
    scope: str = "document"
    when: Mapping[str, Callable[[Mapping[str, Any]], bool]] = field(default_factory=dict)

    def input_names(self) -> list[str]:
        """Every table name the stage may read (alternatives flattened)."""
        out: list[str] = []
        for i in self.inputs:
            out.extend(i if isinstance(i, tuple) else (i,))
        return out
