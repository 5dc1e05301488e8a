"""Reading a corpus: folders, the UN General Debate layout, tables, HTML/PDF/Word files
(:mod:`.reader`, :mod:`.formats`), collection metadata (:mod:`.collection`), document languages
(:mod:`.language`), whole or as a plan of chunks read one at a time (:mod:`.batches`), its
counts (:mod:`.info`) and its summary, which a documents table shows in Jupyter (:mod:`.display`)."""
from toolkit.corpus.batches import (
    Batch,
    Plan,
    corpus_bytes,
    plan_batches,
    read_batch,
    skipped_frame,
    stage_tables,
)
from toolkit.corpus.collection import (
    COLLECTION_FILES,
    COLLECTION_KEYS,
    DEFAULT_KEYS,
    CollectionMeta,
    parse_home_actors,
    read_collection_file,
)
from toolkit.corpus.display import register_ipython_display, summary
from toolkit.corpus.formats import FORMAT_SUFFIXES, FormatError
from toolkit.corpus.info import collection_counts, corpus_info
from toolkit.corpus.language import (
    LANGUAGE_METHODS,
    detect_language,
    is_english,
    non_english_documents,
)
from toolkit.corpus.reader import (
    AUXILIARY_NAMES,
    DOC_COLUMNS,
    DOCUMENT_SUFFIXES,
    SIDECAR_NAMES,
    TABLE_SUFFIXES,
    TEXT_SUFFIXES,
    UNGD_NAME,
    CorpusNotFoundError,
    iter_collections,
    parse_date,
    read_corpus,
)

__all__ = ["AUXILIARY_NAMES", "COLLECTION_FILES", "COLLECTION_KEYS", "DEFAULT_KEYS",
           "DOCUMENT_SUFFIXES", "DOC_COLUMNS", "FORMAT_SUFFIXES", "LANGUAGE_METHODS",
           "SIDECAR_NAMES", "TABLE_SUFFIXES", "TEXT_SUFFIXES", "UNGD_NAME", "Batch",
           "CollectionMeta", "CorpusNotFoundError", "FormatError", "Plan", "collection_counts",
           "corpus_bytes", "corpus_info", "detect_language", "is_english", "iter_collections",
           "non_english_documents", "parse_date", "parse_home_actors", "plan_batches",
           "read_batch", "read_collection_file", "read_corpus", "register_ipython_display",
           "skipped_frame", "stage_tables", "summary"]

# In a Jupyter kernel (an active IPython shell) a documents table shows its summary above its rows.
register_ipython_display()
