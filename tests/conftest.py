"""Shared fixtures: the real corpus and its sentence and token tables, built once per session.

The tables go through :mod:`toolkit.cache`, so a second test run on the same corpus reads them
from ``.cache/toolkit`` instead of rebuilding them.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_docs():
    from toolkit import read_corpus

    return read_corpus(CORPUS, progress=False)


@pytest.fixture(scope="session")
def corpus_sentences(corpus_docs):
    from toolkit import sentences
    from toolkit.cache import cached_table

    return cached_table("sentences", corpus_docs,
                        lambda: sentences(corpus_docs, progress=False))


@pytest.fixture(scope="session")
def corpus_tokens(corpus_docs, corpus_sentences):
    from toolkit import tokens
    from toolkit.cache import cached_table

    return cached_table("tokens", corpus_docs, lambda: tokens(corpus_sentences, progress=False))


@pytest.fixture(scope="session")
def seed_docs():
    from toolkit import read_corpus

    return read_corpus(CORPUS / "seed", progress=False)
