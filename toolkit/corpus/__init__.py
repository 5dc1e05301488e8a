"""Reading a corpus: folders, the UN General Debate layout and tables (:mod:`.reader`)."""
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
           "UNGD_NAME", "CorpusNotFoundError", "iter_collections", "parse_date", "read_corpus"]
