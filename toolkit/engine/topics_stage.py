"""The topic-model stage of :func:`toolkit.analyze`: fitted on the corpus (or on a sample of it)."""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from toolkit.errors import TopicsTooSmallError

__all__ = ["fit_topics_stage"]


def fit_topics_stage(docs: pd.DataFrame, *, stages: Sequence[str] | None,
                     **run_topics_kwargs) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Run :func:`toolkit.topics.run_topics` as a stage of :func:`toolkit.analyze`.

    Returns the tables, named as ``analyze`` returns them (``topic_terms``, ``doc_topics``,
    ``topic_coherence``, ...), and the skipped stages. A corpus too small for a topic model gets
    a warning and no topic tables, unless ``stages`` asked for ``"topics"`` by name (then it
    raises), so that every other table of a small corpus is still written.
    """
    from toolkit.topics import run_topics

    try:
        tables = run_topics(docs, **run_topics_kwargs)
    except TopicsTooSmallError as e:
        if stages is not None and "topics" in stages:
            raise
        warnings.warn(f"topics stage skipped: {e}. A topic model needs a corpus of dozens "
                      f"of documents or more; for a small one call toolkit.run_topics with "
                      f"min_df/max_df/n_topics suited to it, or leave 'topics' out of the stages.",
                      stacklevel=3)
        return {}, {"topics": str(e)}
    return {(n if "topic" in n else f"topic_{n}"): t for n, t in tables.items()}, {}
