"""Actor sentiment read off the codebook model's scores (``actor_sentiment(method="codebook")``).

The codebook model's sentiment head was trained on the codebook's own labels (a victim of
aggression is portrayed positively, a threat source negatively, a speaker's own state is usually
neutral), with the role and the speaker inside the model; so none of the corrections the NewsMTSC
models need (class prior, threat roles, self-portrayal) is applied to it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.codebook.model import SENTIMENTS
from toolkit.codebook.scores import check_scores

__all__ = ["sentiment_from_scores"]

_COLUMNS = ["doc_id", "sent_id", "actor", "n_mentions", "label", "score", "p_negative",
            "p_neutral", "p_positive", "method"]


def sentiment_from_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """The actor sentiment table from :func:`toolkit.codebook.codebook_scores`.

    Parameters
    ----------
    scores : DataFrame
        From :func:`toolkit.codebook.codebook_scores`.

    Returns
    -------
    DataFrame
        :data:`toolkit.sentiment.ACTOR_SENTIMENT_COLUMNS`, one row per (sentence, actor) the model
        read, in the order of the scores and of first mention: ``label`` is the most probable
        class, ``score`` is ``p_positive - p_negative``, ``method`` is ``"codebook"``. Actors of
        sentences the model did not read (``encoded`` False: empty or non-English sentences)
        have no row.
    """
    check_scores(scores)
    rows = []
    keys = [f"p_{s}" for s in SENTIMENTS]
    for d, s, acts in zip(scores["doc_id"], scores["sent_id"].astype("int64"), scores["actors"]):
        for a in acts:
            p = np.array([a[k] for k in keys], dtype=float)
            rows.append((d, int(s), a["actor"], int(a["n_mentions"]),
                         SENTIMENTS[int(p.argmax())], float(p[2] - p[0]), *p.tolist(),
                         "codebook"))
    out = pd.DataFrame(rows, columns=_COLUMNS)
    return out.astype({"sent_id": "int64", "n_mentions": "int64", "label": object,
                       "score": "float64", "p_negative": "float64", "p_neutral": "float64",
                       "p_positive": "float64", "method": object})
