"""Shared helpers of the plotting modules: one style, a source line under every figure.

Plot functions take a tidy table and return a matplotlib ``Figure``; they never show or save it.
"""
from __future__ import annotations

import pandas as pd

#: Default source line of figures drawn from ``corpus/``.
CORPUS_SOURCE = ("Source: corpus/ (White House documents mentioning NATO 2021-2026; "
                 "UN General Debate 2014-2024); discourse-toolkit")

#: Readable colours per collection (print-safe).
COLLECTION_COLORS = {"whitehouse": "#4c72b0", "ungd": "#dd8452", "seed": "#c44e52"}
COLLECTION_NAMES = {"whitehouse": "White House (NATO docs)", "ungd": "UN General Debate",
                    "seed": "seed article"}
#: Readable names of the actors the figures label (codes not listed are shown as they are).
ACTOR_NAMES = {"RUS": "Russia", "CHN": "China", "PRK": "North Korea", "IRN": "Iran",
               "USA": "United States", "NATO": "NATO", "UKR": "Ukraine", "EU": "EU",
               "ISR": "Israel", "HAMAS": "Hamas", "ISIS": "ISIS", "UN": "UN"}


def actor_name(code: str) -> str:
    """The readable name of an actor code for figure labels (``"RUS"`` -> ``"Russia"``).

    Examples
    --------
    >>> actor_name("PRK"), actor_name("XYZ")
    ('North Korea', 'XYZ')
    """
    return ACTOR_NAMES.get(code, code)


def plt():
    import matplotlib.pyplot as _plt

    return _plt


def add_source(fig, source: str | None) -> None:
    """Write ``source`` in small type under the figure (if given)."""
    if source:
        fig.text(0.01, 0.01, source, fontsize=7, color="0.35", ha="left", va="bottom")


def finish(fig, source: str | None, *, bottom: float = 0.09):
    """Tight layout leaving room for the source line; returns ``fig``."""
    fig.tight_layout()
    if source:
        # room for the source line(s): a fixed height in inches under what tight_layout left
        lines = source.count("\n") + 1
        extra = (0.12 + 0.13 * lines) / fig.get_figheight()
        fig.subplots_adjust(bottom=min(max(fig.subplotpars.bottom + extra, bottom), 0.5))
        add_source(fig, source)
    return fig


def axes_for(ax, figsize: tuple[float, float]):
    """``(fig, ax, owned)``: a new figure of ``figsize`` when ``ax`` is None (``owned``), else
    ``ax`` and its figure (the caller's: its layout and source line are left to the caller)."""
    if ax is not None:
        return ax.figure, ax, False
    fig, ax = plt().subplots(figsize=figsize)
    return fig, ax, True


def done(fig, ax, owned: bool, source: str | None, *, bottom: float = 0.09):
    """What a single-axes plot returns: its Figure, laid out with the source line, when it made
    the figure; the given Axes, untouched, when drawn on the caller's (the ``ax=`` contract)."""
    return finish(fig, source, bottom=bottom) if owned else ax


def require(table: pd.DataFrame, cols, what: str) -> None:
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise ValueError(f"{what} needs a table with the columns {sorted(cols)}; "
                         f"missing {missing}")
