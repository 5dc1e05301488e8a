"""Evaluation and validation: gold files, scores with intervals, coder agreement, coding samples,
and aggregates corrected for the measures' errors.

The workflow for a new corpus (notebook ``06_validate_your_corpus.ipynb``):

1. :func:`sample_for_coding` draws a stratified sample of sentences to hand-code, with known
   inclusion probabilities (``toolkit sample``; Label Studio import/export in
   :mod:`toolkit.evaluation.labelstudio`);
2. :func:`codebook_agreement` measures the coders' agreement (``toolkit agreement``), and
   :func:`merge_adjudicated` turns their adjudicated files into one gold file;
3. :func:`evaluate_codebook` scores the toolkit on it, with bootstrap intervals
   (:mod:`toolkit.evaluation.score_intervals`);
4. :func:`corrected_mean` estimates shares and means per group from the toolkit's predictions
   and the coded sample, with intervals that account for the measures' errors.
"""
from toolkit.evaluation.agreement import (
    cohen_kappa,
    codebook_agreement,
    disagreements,
    krippendorff_alpha,
    merge_adjudicated,
    write_disagreements,
)
from toolkit.evaluation.corrected import CORRECTED_COLUMNS, corrected_mean, inclusion_probabilities
from toolkit.evaluation.evaluate import (
    codebook_predictions,
    evaluate_codebook,
    evaluate_newsmtsc,
    read_codebook,
)
from toolkit.evaluation.labelstudio import from_label_studio, label_studio_config, to_label_studio
from toolkit.evaluation.locate import locate_gold
from toolkit.evaluation.sampling import sample_for_coding, sentence_strata, write_coding_sample
from toolkit.evaluation.score_intervals import (
    bootstrap_scores,
    codebook_counts,
    confusion_table,
    per_class_table,
)

__all__ = [
    "CORRECTED_COLUMNS",
    "bootstrap_scores",
    "codebook_agreement",
    "codebook_counts",
    "codebook_predictions",
    "cohen_kappa",
    "confusion_table",
    "corrected_mean",
    "disagreements",
    "evaluate_codebook",
    "evaluate_newsmtsc",
    "from_label_studio",
    "inclusion_probabilities",
    "krippendorff_alpha",
    "label_studio_config",
    "locate_gold",
    "merge_adjudicated",
    "per_class_table",
    "read_codebook",
    "sample_for_coding",
    "sentence_strata",
    "to_label_studio",
    "write_coding_sample",
    "write_disagreements",
]
