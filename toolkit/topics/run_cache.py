"""The on-disk cache of a whole :func:`toolkit.topics.run_topics` run (tables, files, figures).

A topic run on ``corpus/`` takes about ten seconds (the document-term matrix, the NMF fit, NPMI
and the figures) and is the largest cost of a warm ``make analysis`` rerun. Its output depends
only on its inputs, so it is cached like a stage of the graph: the key is a SHA-256 of

- the stage-graph keys of the ``tokens`` (and, for turn/paragraph units or excluded speakers,
  ``sentences``) tables it reads, which already cover the documents, every upstream parameter
  and the code that built them,
- the documents' ``doc_id``, ``date`` and ``collection`` (the over-time and by-group tables read
  them, and the corpus fingerprint does not),
- the run's parameters (``n_topics``, ``model``, ``random_state``, ``unit``, ``sweep_ks``,
  ``figures`` and the :func:`toolkit.dtm.dtm` options),
- the source of the modules that compute or draw the run (:data:`CODE`) and the toolkit version.

A run whose tables were handed over without a key (a user's own token table) is not cached: its
key would need a hash of the whole table. A cached run is a folder
``<cache_dir>/topics-<key>/`` holding the files ``run_topics`` wrote to ``out`` and the returned
tables as Parquet (``tables/<name>.parquet``); it appears atomically, and a damaged one is
rebuilt. Deleting it is always safe.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["CODE", "topics_run_key", "cached_topics_run"]

#: Modules whose source is part of the key (a code change re-fits the model).
CODE = ("toolkit.topics", "toolkit.topics.dtm", "toolkit.topics.coherence",
        "toolkit.topics.run_cache", "toolkit.plots.topics")
#: Document columns the topic tables read beyond the tokens.
DOC_COLUMNS = ("doc_id", "date", "collection")
_MANIFEST = "manifest.json"


def topics_run_key(table_keys: Mapping[str, str], docs: pd.DataFrame,
                   params: Mapping[str, Any]) -> str:
    """The cache key of a topic run (see the module docstring).

    Parameters
    ----------
    table_keys : mapping
        Stage-graph keys (:meth:`toolkit.engine.graph.GraphRun.key`) of the tables the run reads,
        e.g. ``{"tokens": ...}``.
    docs : DataFrame
        The documents table.
    params : mapping
        The run's parameters.
    """
    from toolkit import __version__
    from toolkit.engine.graph import code_hash, param_key

    cols = [c for c in DOC_COLUMNS if c in docs.columns]
    meta = docs[cols].astype(str).sort_values("doc_id")
    docs_hash = hashlib.sha256(
        pd.util.hash_pandas_object(meta, index=False).to_numpy().tobytes()).hexdigest()
    payload = {"stage": "topics_run", "toolkit": __version__, "inputs": dict(table_keys),
               "docs": [cols, docs_hash], "code": code_hash(CODE),
               "params": {k: param_key(v) for k, v in params.items()}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()
                          ).hexdigest()[:24]


def cached_topics_run(key: str, out: Path,
                      run: Callable[[], tuple[dict[str, pd.DataFrame], list[str]]]
                      ) -> dict[str, pd.DataFrame]:
    """``run()`` or its cached copy.

    ``run()`` writes its files to ``out`` and returns its tables and the names of the files it
    wrote. On a hit the cached files are copied to ``out`` (``topics_summary.json`` then says
    ``"from_cache": true``) and the tables read back; on a miss ``run()`` is called and its files
    and tables are stored. Either way the tables are returned as read back from the cache, so the
    first run and every later one return the same tables, dtypes included.
    """
    from toolkit.engine.cache import cache_dir, write_parquet

    folder = cache_dir() / f"topics-{key}"
    out = Path(out)
    if folder.is_dir():
        try:
            manifest = _manifest(folder)
            tables = _tables(folder, manifest)
            _copy_files(folder, manifest, out)
            return tables
        except Exception:  # a damaged entry: rebuild it
            shutil.rmtree(folder, ignore_errors=True)
    tables, files = run()
    tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "tables").mkdir(parents=True)
    for name in files:
        shutil.copyfile(out / name, tmp / name)
    for name, table in tables.items():
        write_parquet(table, tmp / "tables" / f"{name}.parquet")
    manifest = {"files": list(files), "tables": list(tables)}
    (tmp / _MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    try:
        tmp.rename(folder)  # atomic: a reader sees the whole entry or none
    except OSError:  # another process stored it first
        shutil.rmtree(tmp, ignore_errors=True)
        return tables
    return _tables(folder, manifest)


def _manifest(folder: Path) -> dict:
    return json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))


def _tables(folder: Path, manifest: dict) -> dict[str, pd.DataFrame]:
    return {n: pd.read_parquet(folder / "tables" / f"{n}.parquet") for n in manifest["tables"]}


def _copy_files(folder: Path, manifest: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in manifest["files"]:
        if name == "topics_summary.json":
            summary = json.loads((folder / name).read_text(encoding="utf-8"))
            summary["from_cache"] = True
            (out / name).write_text(json.dumps(summary, indent=2, default=str) + "\n",
                                    encoding="utf-8")
        else:
            shutil.copyfile(folder / name, out / name)
