"""The stage graph: every analysis table, what it is built from, and how its cache key is made.

One :class:`Stage` per table. A stage declares its ``name`` (the table it produces), its
``inputs`` (the tables it reads), its fixed output ``columns``, its ``params`` (with defaults), a
``version``, the package ``data`` it reads (files or folders under ``toolkit/data``) and the
``code`` modules it runs. :data:`GRAPH` holds them in the order they run. Everything that chains
stages goes through a :class:`GraphRun`: the in-memory pipeline (:func:`toolkit.analyze`), the
chunked and Dask engines (one run per partition), the figures (:class:`toolkit.figures.
AnalysisTables`) and the codebook evaluation (:func:`toolkit.evaluate.codebook_predictions`).

Cache keys
----------
The key of a table is a SHA-256 of the stage's name and version, the toolkit version, its resolved
parameters, a hash of the package data and of the source of the code modules it reads, and the
keys of its inputs; the key of ``documents`` is :func:`toolkit.cache.corpus_fingerprint` (every
``doc_id`` and ``text``). So a changed document, setting, lexicon term, gazetteer entry, shipped
model or stage code gives a new key and the table is rebuilt; an unchanged one is read from
:mod:`toolkit.cache` (``$TOOLKIT_CACHE_DIR``, default ``.cache/toolkit``).

Examples
--------
>>> from toolkit.corpus import read_corpus
>>> run = GraphRun({"documents": read_corpus("corpus/seed", progress=False)},
...                use_cache=False, progress=False)
>>> frames = run["threat_frames"]
>>> list(frames.columns) == list(GRAPH["threat_frames"].columns)
True
>>> run.executed
['sentences', 'mentions', 'lexicon_frames', 'codebook_scores', 'threat_frames']
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit import resources
from toolkit.engine.stage import Stage
from toolkit.errors import check_choice

__all__ = [
    "EXECUTIONS",
    "GRAPH",
    "GraphRun",
    "Stage",
    "StageGraph",
    "data_hash",
    "decode_json_columns",
    "encode_json_columns",
]

#: How many times each stage was built (not read from the cache) in this process; the tests use
#: it to check that ``make analysis`` builds every table once.
EXECUTIONS: Counter[str] = Counter()


class StageGraph(Mapping[str, Stage]):
    """The stages by name, in the order they run (a mapping; iterate for the names)."""

    def __init__(self, stages: Iterable[Stage]) -> None:
        self._stages: dict[str, Stage] = {}
        for s in stages:
            for name in s.input_names():
                if name != "documents" and name not in self._stages:
                    raise ValueError(f"stage {s.name!r} reads {name!r}, which no earlier stage "
                                     f"builds")
            self._stages[s.name] = s

    def __getitem__(self, name: str) -> Stage:
        if name not in self._stages:
            check_choice("table", name, ["documents", *self._stages])
        return self._stages[name]

    def __contains__(self, name: object) -> bool:
        return name in self._stages

    def __iter__(self):
        return iter(self._stages)

    def __len__(self) -> int:
        return len(self._stages)

    def upstream(self, names: Iterable[str]) -> list[str]:
        """``names`` and every stage they need, in run order (alternatives: all of them)."""
        wanted: set[str] = set()

        def add(n: str) -> None:
            if n == "documents" or n in wanted:
                return
            wanted.add(n)
            for i in self[n].inputs:
                add(i[-1] if isinstance(i, tuple) else i)

        for n in names:
            add(n)
        return [n for n in self._stages if n in wanted]


# ---------------------------------------------------------------------------------------------
# Hashes of the package data and code a stage reads


@functools.lru_cache(maxsize=None)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:  # noqa: ARG001 - cache key only
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_hash(parts: Sequence[str], root: Path | None = None) -> str:
    """SHA-256 over the files (and folders, recursively) ``parts`` under ``toolkit/data``.

    Files are hashed by content (memoised on their modification time and size, so a stage's key
    costs a few ``stat`` calls). A missing path hashes as missing: the stage that reads it will
    raise its own error.

    Examples
    --------
    >>> data_hash(["threat/lexicon.yaml"]) == data_hash(["threat/lexicon.yaml"])
    True
    """
    root = resources.DATA_DIR if root is None else Path(root)
    h = hashlib.sha256()
    for part in sorted(parts):
        p = root / part
        files = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(root)).encode() + b"\0")
            if f.exists():
                st = f.stat()
                h.update(_file_hash(str(f), st.st_mtime_ns, st.st_size).encode())
            else:
                h.update(b"missing")
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def _code_hash(modules: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for m in sorted(modules):
        # the file of the module as imported (a spec found again can differ: see toolkit.MOVED)
        mod = sys.modules.get(m)
        origin = getattr(mod, "__file__", None) if mod is not None else None
        if origin is None:
            spec = importlib.util.find_spec(m)
            origin = getattr(spec, "origin", None) if spec else None
        h.update(m.encode() + b"\0")
        if origin and Path(origin).is_file():
            h.update(Path(origin).read_bytes())
    return h.hexdigest()


def _param_key(value: Any) -> Any:
    """A parameter as it enters a cache key: a file by its content, not its name."""
    if isinstance(value, (str, Path)) and len(str(value)) < 4096:
        p = Path(value)
        if p.is_file():
            st = p.stat()
            return {"file": str(p), "sha256": _file_hash(str(p.resolve()), st.st_mtime_ns,
                                                          st.st_size)}
        if p.is_dir() and (p / "config.json").is_file():  # a model folder: its config names
            c = p / "config.json"                        # the weights' SHA-256
            st = c.stat()
            return {"model": str(p), "sha256": _file_hash(str(c.resolve()), st.st_mtime_ns,
                                                           st.st_size)}
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, default=str)
    return value if isinstance(value, (bool, int, float, str, type(None))) else repr(value)


#: Public names of the key helpers, for keys made outside the graph (a cached topic run).
code_hash = _code_hash
param_key = _param_key


# ---------------------------------------------------------------------------------------------
# Tables with list columns (threat cues) in Parquet


def encode_json_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Columns of Python lists or dicts (threat cues) as JSON text, for Parquet files."""
    out = table
    for c in table.columns:
        if table[c].dtype == object and len(table) and isinstance(table[c].iloc[0], (list, dict)):
            # most sentences have no cue or actor: "[]" without a call to json (a warm rerun
            # encodes and decodes about 1.4 million of these on corpus/)
            out = out.assign(**{c: ["[]" if isinstance(v, list) and not v
                                    else json.dumps(v, default=str)
                                    for v in table[c].to_numpy(dtype=object)]})
    return out


def decode_json_columns(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The inverse of :func:`encode_json_columns` for ``columns`` (JSON text back to lists)."""
    out = table
    for c in columns:
        if c in table.columns:
            # a new list per row for "[]" (rows must not share one mutable list)
            out = out.assign(**{c: [[] if v == "[]" else json.loads(v) if isinstance(v, str)
                                    else v for v in table[c].to_numpy(dtype=object)]})
    return out


# ---------------------------------------------------------------------------------------------
# Running the graph


class _Context:
    """What a stage's ``build`` sees: its inputs, its parameters, the progress flag."""

    def __init__(self, run: GraphRun, stage: Stage) -> None:
        self._run, self._stage = run, stage
        self.params = run.stage_params(stage.name)
        self.progress = run.progress

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._stage.when and not self._stage.when[name](self.params):
            raise KeyError(f"stage {self._stage.name!r} reads {name!r} only when its `when` "
                           f"predicate holds; it does not for parameters {self.params}")
        for i in self._stage.inputs:
            if i == name:
                return self._run[name]
            if isinstance(i, tuple) and name in i:
                return self._run[self._run.resolve(i)]
        raise KeyError(f"stage {self._stage.name!r} does not declare input {name!r}")

    def held(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` if the run already holds it, else None (never built). For shortcuts
        that give the same table as the declared inputs would (so the key stays valid)."""
        return self._run.get(name)


class GraphRun:
    """The tables of one corpus (or one partition), built on first use along :data:`GRAPH`.

    Parameters
    ----------
    tables : mapping, optional
        Tables the run starts with; at least ``documents`` (from :func:`toolkit.read_corpus`).
        Any other table given (say, ``sentences`` read from disk) is used as it is.
    params : mapping, optional
        Parameters of the stages, by name (e.g. ``{"sentiment_method": "neural"}``); each stage
        takes those it declares, the others keep their defaults.
    use_cache : bool, default True
        Read and write the on-disk cache (:mod:`toolkit.cache`) for stages with ``cache=True``.
    progress : bool, default True
        Show the stages' progress bars.
    graph : StageGraph, optional
        Default :data:`GRAPH`.
    fingerprint : str, optional
        The corpus fingerprint, if already computed (:func:`toolkit.cache.corpus_fingerprint`).

    Attributes
    ----------
    executed : list of str
        Stages built by this run (not read from the cache), in order.
    timings : dict
        Seconds per table (building or reading).
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame] | None = None, *,
                 params: Mapping[str, Any] | None = None, use_cache: bool = True,
                 progress: bool = True, graph: StageGraph | None = None,
                 fingerprint: str | None = None) -> None:
        self.graph = GRAPH if graph is None else graph
        self.tables: dict[str, pd.DataFrame] = dict(tables or {})
        if "documents" not in self.tables:
            raise ValueError("a GraphRun needs the documents table: GraphRun({'documents': "
                             "read_corpus(path)})")
        known = {p for s in self.graph.values() for p in s.params}
        unknown = sorted(set(params or {}) - known)
        if unknown:
            raise ValueError(f"unknown stage parameter(s) {unknown}; valid: {sorted(known)}")
        self.params = dict(params or {})
        self.use_cache = use_cache
        self.progress = progress
        self._keys: dict[str, str] = {}
        if fingerprint is not None:
            self._keys["documents"] = fingerprint
        self.executed: list[str] = []
        self.timings: dict[str, float] = {}

    # -- names, parameters, keys ---------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self.tables

    def resolve(self, alternatives: tuple[str, ...]) -> str:
        """The first of ``alternatives`` this run holds, else the last one."""
        for a in alternatives:
            if a in self.tables:
                return a
        return alternatives[-1]

    def stage_params(self, name: str) -> dict[str, Any]:
        """The parameters of stage ``name``: its defaults updated by the run's."""
        stage = self.graph[name]
        return {k: self.params.get(k, v) for k, v in stage.params.items()}

    def active_inputs(self, stage: Stage) -> list[str]:
        """The tables ``stage`` reads in this run: alternatives resolved, inputs whose
        :attr:`Stage.when` predicate is false for the run's parameters left out."""
        params = self.stage_params(stage.name)
        names = [self.resolve(i) if isinstance(i, tuple) else i for i in stage.inputs]
        return [n for n in names if n not in stage.when or stage.when[n](params)]

    def key(self, name: str) -> str:
        """The cache key of table ``name`` (see the module docstring)."""
        if name in self._keys:
            return self._keys[name]
        if name == "documents":
            from toolkit.cache import corpus_fingerprint

            self._keys[name] = corpus_fingerprint(self.tables["documents"])
            return self._keys[name]
        from toolkit import __version__

        stage = self.graph[name]
        inputs = self.active_inputs(stage)
        payload = {
            "stage": name, "version": stage.version, "toolkit": __version__,
            "params": {k: _param_key(v) for k, v in self.stage_params(name).items()},
            "data": data_hash(stage.data) if stage.data else None,
            "code": _code_hash(tuple(stage.code)) if stage.code else None,
            "inputs": {i: self.key(i) for i in inputs},
        }
        key = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode())
        self._keys[name] = key.hexdigest()[:24]
        return self._keys[name]

    # -- building ------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            self.tables[name] = self._make(self.graph[name])
        return self.tables[name]

    def get(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` if the run holds it already, else None (nothing is built)."""
        return self.tables.get(name)

    def build(self, names: Iterable[str]) -> dict[str, pd.DataFrame]:
        """Build (or read) ``names`` and what they need; return them by name."""
        names = list(names)
        for n in self.graph.upstream(names):
            if n in names:
                self[n]
        return {n: self[n] for n in names}

    def _make(self, stage: Stage) -> pd.DataFrame:
        def build() -> pd.DataFrame:
            table = stage.build(_Context(self, stage))
            missing = [c for c in stage.columns if c not in table.columns]
            if missing:  # a programming error, not a user's: the declared table is the contract
                raise AssertionError(f"stage {stage.name!r} did not build column(s) {missing}")
            EXECUTIONS[stage.name] += 1
            self.executed.append(stage.name)
            return encode_json_columns(table) if stage.json_columns else table

        # Inputs first, so their timings are not counted in this stage's.
        for i in self.active_inputs(stage):
            self[i]
        t = time.perf_counter()
        if self.use_cache and stage.cache:
            from toolkit.cache import cached_by_key

            table = cached_by_key(stage.name, self.key(stage.name), build)
        else:
            table = build()
        if stage.json_columns:
            table = decode_json_columns(table, stage.json_columns)
        self.timings[stage.name] = round(time.perf_counter() - t, 2)
        return table


def _build_graph() -> StageGraph:
    from toolkit.engine.stages import STAGES

    return StageGraph(STAGES)


class _LazyGraph(Mapping[str, Stage]):
    """:data:`GRAPH`, built on first use (the stage definitions import the analysis modules)."""

    @functools.cached_property
    def _graph(self) -> StageGraph:
        return _build_graph()

    def __getitem__(self, name: str) -> Stage:
        return self._graph[name]

    def __contains__(self, name: object) -> bool:
        return name in self._graph

    def __iter__(self):
        return iter(self._graph)

    def __len__(self) -> int:
        return len(self._graph)

    def upstream(self, names: Iterable[str]) -> list[str]:
        return self._graph.upstream(names)


#: The toolkit's stage graph (see :mod:`toolkit.engine.stages` for the stages).
GRAPH: Any = _LazyGraph()
