"""Shared fixtures: the real corpus and its sentence and token tables, built once per session.

The test session has its own cache folder (``TOOLKIT_CACHE_DIR``, a fresh temporary folder, which
the notebooks run by nbmake inherit), so no test reads a table that an earlier version of the code
or data left in ``.cache/toolkit``. Set ``TOOLKIT_TEST_CACHE_DIR`` to keep one between local runs.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


_OWN_CACHE: list[str] = []


def pytest_configure(config):  # noqa: ARG001 - the pytest hook's signature
    keep = os.environ.get("TOOLKIT_TEST_CACHE_DIR")
    if not keep:
        _OWN_CACHE.append(tempfile.mkdtemp(prefix="toolkit-test-cache-"))
    os.environ["TOOLKIT_CACHE_DIR"] = keep or _OWN_CACHE[0]


def pytest_unconfigure(config):  # noqa: ARG001
    for d in _OWN_CACHE:
        shutil.rmtree(d, ignore_errors=True)


_WHOLE_CORPUS = {"corpus_docs", "corpus_sentences", "corpus_tokens", "corpus_tables"}


def pytest_collection_modifyitems(config, items):  # noqa: ARG001
    """Tests on the whole corpus are ``slow`` (``pytest -m "not slow"`` skips them)."""
    for item in items:
        if _WHOLE_CORPUS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


_RUNS: dict[int, object] = {}


def _corpus_run(docs):
    """One stage-graph run of the corpus per session (its tables go through the cache)."""
    from toolkit.engine import GraphRun

    if id(docs) not in _RUNS:
        _RUNS[id(docs)] = GraphRun({"documents": docs}, progress=False)
    return _RUNS[id(docs)]


@pytest.fixture(scope="session")
def corpus_docs():
    from toolkit import read_corpus

    return read_corpus(CORPUS, progress=False)


@pytest.fixture(scope="session")
def corpus_sentences(corpus_docs):
    return _corpus_run(corpus_docs)["sentences"]


@pytest.fixture(scope="session")
def corpus_tokens(corpus_docs, corpus_sentences):
    return _corpus_run(corpus_docs)["tokens"]


@pytest.fixture(scope="session")
def seed_docs():
    from toolkit import read_corpus

    return read_corpus(CORPUS / "seed", progress=False)
