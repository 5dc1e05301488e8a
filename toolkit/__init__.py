"""Discourse analysis of security talk: corpus readers, sentences and tokens with offsets, actor
mentions, threat framing, actor sentiment, topic models and corpus-linguistics instruments.

Importing ``toolkit`` puts the packaged NLTK data on ``nltk.data.path`` (nothing is downloaded).
"""
from toolkit.resources import register_nltk_data as _register_nltk_data

_register_nltk_data()

from toolkit.actors import (  # noqa: E402
    Gazetteer,
    GazetteerError,
    find_mentions,
    load_gazetteer,
    mentions,
    speaker_actors,
)
from toolkit.aggregate import sentiment_by, sentiment_evidence  # noqa: E402
from toolkit.bootstrap import bootstrap_ci  # noqa: E402
from toolkit.collocations import collocates, collocations, plot_collocates  # noqa: E402
from toolkit.frequency import (  # noqa: E402
    dispersion,
    plot_dispersion,
    plot_frequency,
    term_frequency,
)
from toolkit.keyness import keyness, plot_keyness, select_docs  # noqa: E402
from toolkit.kwic import (  # noqa: E402
    Concordance,
    TokenIndex,
    kwic,
    kwic_html,
    kwic_text,
    token_index,
)
from toolkit.coherence import Reference, npmi, npmi_per_topic, topic_diversity  # noqa: E402
from toolkit.coframing import coframing, coframing_by  # noqa: E402
from toolkit.corpus import read_corpus  # noqa: E402
from toolkit.dtm import DocumentTermMatrix, dtm  # noqa: E402
from toolkit.errors import CorpusError, ModelNotFoundError  # noqa: E402
from toolkit.pipeline import analyze, corpus_info  # noqa: E402
from toolkit.evaluate import evaluate_codebook, evaluate_newsmtsc, read_newsmtsc  # noqa: E402
from toolkit.segment import sentences, token_counts, tokens  # noqa: E402
from toolkit.sentiment import actor_sentiment, score_targets  # noqa: E402
from toolkit.sentiment_neural import NeuralTargetSentiment  # noqa: E402
from toolkit.threat import (  # noqa: E402
    ThreatLexiconError,
    load_threat_lexicon,
    threat_cues,
    threat_frames,
    threat_roles,
)
from toolkit.threat_index import threat_attributions, threat_index  # noqa: E402
from toolkit.plots_topics import (  # noqa: E402
    plot_sweep,
    plot_topic_terms,
    plot_topics_by_group,
    plot_topics_over_time,
)
from toolkit.topics import (  # noqa: E402
    TopicModel,
    run_topics,
    sweep,
    topic_association,
    topics_by_group,
    topics_over_time,
)

__version__ = "0.1.0"

__all__ = [
    "Concordance",
    "CorpusError",
    "DocumentTermMatrix",
    "Gazetteer",
    "GazetteerError",
    "ModelNotFoundError",
    "NeuralTargetSentiment",
    "Reference",
    "ThreatLexiconError",
    "TokenIndex",
    "TopicModel",
    "actor_sentiment",
    "analyze",
    "bootstrap_ci",
    "coframing",
    "coframing_by",
    "collocates",
    "collocations",
    "corpus_info",
    "dispersion",
    "dtm",
    "evaluate_codebook",
    "evaluate_newsmtsc",
    "find_mentions",
    "keyness",
    "kwic",
    "kwic_html",
    "kwic_text",
    "load_gazetteer",
    "load_threat_lexicon",
    "mentions",
    "npmi",
    "npmi_per_topic",
    "plot_collocates",
    "plot_dispersion",
    "plot_frequency",
    "plot_keyness",
    "plot_sweep",
    "plot_topic_terms",
    "plot_topics_by_group",
    "plot_topics_over_time",
    "read_corpus",
    "read_newsmtsc",
    "run_topics",
    "score_targets",
    "select_docs",
    "sentences",
    "sentiment_by",
    "sentiment_evidence",
    "speaker_actors",
    "sweep",
    "term_frequency",
    "threat_attributions",
    "threat_cues",
    "threat_frames",
    "threat_index",
    "threat_roles",
    "token_counts",
    "token_index",
    "tokens",
    "topic_association",
    "topic_diversity",
    "topics_by_group",
    "topics_over_time",
]
