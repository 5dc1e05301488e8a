"""The learned codebook model: threat frame, type and horizon per sentence; role and sentiment per
actor mention (:mod:`.model`), and its scores as a stage table of the pipeline (:mod:`.scores`)."""
from toolkit.codebook.model import (
    HORIZONS,
    ROLES,
    SENTIMENTS,
    THREAT_TYPES,
    CodebookModel,
    default_model_dir,
)
from toolkit.codebook.scores import SCORE_COLUMNS, codebook_scores, model_threshold

__all__ = ["HORIZONS", "ROLES", "SCORE_COLUMNS", "SENTIMENTS", "THREAT_TYPES", "CodebookModel",
           "codebook_scores", "default_model_dir", "model_threshold"]
