"""Reading a corpus: folders, the UN General Debate layout and tables (:mod:`.reader`), whole or
as a plan of chunks read one at a time (:mod:`.batches`), and its counts (:mod:`.info`)."""
from toolkit.corpus.batches import (
    Batch,
    Plan,
    corpus_bytes,
    plan_batches,
    read_batch,
    skipped_frame,
    stage_tables,
)
from toolkit.corpus.info import collection_counts, corpus_info
from toolkit.corpus.reader import (
    AUXILIARY_NAMES,
    DOC_COLUMNS,
    SIDECAR_NAMES,
    TABLE_SUFFIXES,
    TEXT_SUFFIXES,
    UNGD_NAME,
    CorpusNotFoundError,
    iter_collections,
    parse_date,
    read_corpus,
)

__all__ = ["AUXILIARY_NAMES", "DOC_COLUMNS", "SIDECAR_NAMES", "TABLE_SUFFIXES", "TEXT_SUFFIXES",
           "UNGD_NAME", "Batch", "CorpusNotFoundError", "Plan", "collection_counts",
           "corpus_bytes", "corpus_info", "iter_collections", "parse_date", "plan_batches",
           "read_batch", "read_corpus", "skipped_frame", "stage_tables"]
