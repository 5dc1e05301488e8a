"""Discourse analysis of security talk: corpus readers, sentences and tokens with offsets, actor
mentions, threat framing, actor sentiment, topic models and corpus-linguistics instruments.

Importing ``toolkit`` puts the packaged NLTK data on ``nltk.data.path`` (nothing is downloaded).

The package follows the pipeline (``docs/ARCHITECTURE.md``): :mod:`toolkit.corpus` (reading),
:mod:`toolkit.text` (sentences, tokens), :mod:`toolkit.actors`, :mod:`toolkit.codebook` (the
learned codebook model: threat frames, roles and actor sentiment in one pass), :mod:`toolkit.framing`
(threat frames, roles, index), :mod:`toolkit.sentiment`, :mod:`toolkit.topics`, :mod:`toolkit.instruments`
(kwic, collocations, keyness, frequency), :mod:`toolkit.plots`, :mod:`toolkit.engine` (the stage
graph and its runners), :mod:`toolkit.evaluation`, and the project's own figures in
:mod:`toolkit.project`. The module names of earlier versions (``toolkit.segment``,
``toolkit.threat``, ``toolkit.pipeline``, ...) still import: they are the same module objects
(:data:`MOVED`).
"""
import importlib as _importlib
import importlib.abc as _abc
import importlib.util as _util
import sys as _sys

#: Earlier module names -> where the module lives now (``import toolkit.segment`` gives the very
#: module ``toolkit.text.segment``, so patching either patches both).
MOVED = {
    "toolkit.segment": "toolkit.text.segment",
    "toolkit.word_tokenizer": "toolkit.text.word_tokenizer",
    "toolkit.threat": "toolkit.framing.threat",
    "toolkit.threat_index": "toolkit.framing.threat_index",
    "toolkit.coframing": "toolkit.framing.coframing",
    "toolkit.sentiment_neural": "toolkit.sentiment.neural",
    "toolkit.targets": "toolkit.sentiment.targets",
    "toolkit.aggregate": "toolkit.sentiment.aggregate",
    "toolkit.dtm": "toolkit.topics.dtm",
    "toolkit.coherence": "toolkit.topics.coherence",
    "toolkit.kwic": "toolkit.instruments.kwic",
    "toolkit.collocations": "toolkit.instruments.collocations",
    "toolkit.keyness": "toolkit.instruments.keyness",
    "toolkit.frequency": "toolkit.instruments.frequency",
    "toolkit.plotting": "toolkit.plots.base",
    "toolkit.plots_corpus": "toolkit.plots.corpus",
    "toolkit.plots_sentiment": "toolkit.plots.sentiment",
    "toolkit.plots_threat": "toolkit.plots.threat",
    "toolkit.plots_topics": "toolkit.plots.topics",
    "toolkit.pipeline": "toolkit.engine.pipeline",
    "toolkit.streaming": "toolkit.engine.streaming",
    "toolkit.dask_engine": "toolkit.engine.dask_runner",
    "toolkit.cache": "toolkit.engine.cache",
    "toolkit.evaluate": "toolkit.evaluation.evaluate",
    "toolkit.figures": "toolkit.project.figures",
}


class _MovedModules(_abc.MetaPathFinder, _abc.Loader):
    """Import an earlier module name as the module it became (see :data:`MOVED`)."""

    def find_spec(self, name, path=None, target=None):  # noqa: ARG002 - finder protocol
        return _util.spec_from_loader(name, self) if name in MOVED else None

    def create_module(self, spec):
        module = _importlib.import_module(MOVED[spec.name])
        self._specs = {**getattr(self, "_specs", {}), spec.name: module.__spec__}
        return module

    def exec_module(self, module):
        # The target module ran already. The import system has just set its __spec__ to the
        # alias's (loader: this finder, no origin); give it back its own, or everything that
        # reads a module's spec (the stage graph's code hashes, pickling, reloads) would see a
        # module without a file after the first import of an old name.
        real = self._specs.get(module.__spec__.name)
        if real is not None:
            module.__spec__ = real

    def get_code(self, name):  # `python -m toolkit.figures` runs the moved module's code
        target = MOVED[name]
        return _util.find_spec(target).loader.get_code(target)


if not any(isinstance(f, _MovedModules) for f in _sys.meta_path):
    _sys.meta_path.insert(0, _MovedModules())

from toolkit.resources import register_nltk_data as _register_nltk_data  # noqa: E402

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
    plot_term_frequency,
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
from toolkit.threat import ThreatLexiconError, load_threat_lexicon, threat_cues  # noqa: E402
# The entry points with method="model" (the codebook model, default) or method="rules".
from toolkit.framing.model_frames import threat_frames, threat_roles  # noqa: E402
from toolkit.codebook import CodebookModel, codebook_scores  # noqa: E402
from toolkit.threat_index import threat_attributions, threat_index  # noqa: E402
from toolkit.framing.cooccurrence import length_matched_cooccurrence  # noqa: E402
from toolkit.framing.spending import spending_demands  # noqa: E402
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
    "CodebookModel",
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
    "codebook_scores",
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
    "length_matched_cooccurrence",
    "load_gazetteer",
    "load_threat_lexicon",
    "mentions",
    "npmi",
    "npmi_per_topic",
    "plot_collocates",
    "plot_dispersion",
    "plot_frequency",
    "plot_term_frequency",
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
    "spending_demands",
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
