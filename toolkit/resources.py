"""Where the package's own data lives, and offline NLTK data on ``nltk.data.path``."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
NLTK_DATA_DIR = DATA_DIR / "nltk_data"


def data_path(*parts: str) -> Path:
    """Path of a file shipped in ``toolkit/data``.

    Examples
    --------
    >>> data_path("newsmtsc", "dev_rw.jsonl").name
    'dev_rw.jsonl'
    """
    return DATA_DIR.joinpath(*parts)


def register_nltk_data() -> None:
    """Put the packaged NLTK data (stopwords, VADER lexicon) first on ``nltk.data.path``.

    Called when ``toolkit`` is imported, so ``nltk.corpus.stopwords.words("english")`` and
    ``nltk.sentiment.SentimentIntensityAnalyzer()`` work offline; nothing is downloaded.
    """
    import nltk

    path = str(NLTK_DATA_DIR)
    if path not in nltk.data.path:
        nltk.data.path.insert(0, path)


@lru_cache(maxsize=None)
def nltk_stopwords(name: str) -> frozenset[str]:
    """The packaged NLTK stopword list ``name`` (``"english"``, ``"french"``, ...) as a set;
    empty when the list is not shipped.

    Examples
    --------
    >>> "the" in nltk_stopwords("english"), len(nltk_stopwords("no-such-list"))
    (True, 0)
    """
    register_nltk_data()
    from nltk.corpus import stopwords

    try:
        return frozenset(stopwords.words(name))
    except (LookupError, OSError):
        return frozenset()
