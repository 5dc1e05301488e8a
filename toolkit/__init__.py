"""Discourse analysis of security talk: corpus readers, sentences and tokens with offsets, actor
mentions, threat framing, actor sentiment, topic models and corpus-linguistics instruments.

Importing ``toolkit`` puts the packaged NLTK data on ``nltk.data.path`` (nothing is downloaded).
"""
from toolkit.resources import register_nltk_data as _register_nltk_data

_register_nltk_data()

from toolkit.bootstrap import bootstrap_ci  # noqa: E402
from toolkit.corpus import read_corpus  # noqa: E402
from toolkit.errors import CorpusError, ModelNotFoundError  # noqa: E402
from toolkit.pipeline import analyze, corpus_info  # noqa: E402
from toolkit.segment import sentences, tokens  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "CorpusError",
    "ModelNotFoundError",
    "analyze",
    "bootstrap_ci",
    "corpus_info",
    "read_corpus",
    "sentences",
    "tokens",
]
