"""Collection metadata: ``collection.yaml`` files, ``read_corpus(metadata=...)`` and ``--home-actor``.

A collection is a folder of documents. A ``collection.yaml`` (or ``_collection.yaml``; ``.yml``
works too) in that folder says what the collection is, and gives defaults for its documents::

    home_actor: RUS              # who the collection speaks for: "the President" is RUS
    source: Kremlin press office # `source` of documents that name none
    language: ru                 # `language` of its documents (no detection)
    licence: CC BY 4.0           # `licence` of its documents
    description: Statements of the Russian presidency, 2022-2024.   # not used by the toolkit
    defaults:                    # metadata of documents that do not give it themselves
      category: statement
      country: Russia
      iso3: RUS
      date: 2024                 # YYYY, YYYY-MM or YYYY-MM-DD

Every key is optional; any other key is an error that names the file and the valid keys.
``home_actor`` must be an actor id of the gazetteer (:func:`toolkit.actors.load_gazetteer`); an
unknown id is an error that names the file and suggests ids.

A folder with a collection file is a collection whatever its neighbours: ``read_corpus("users")``
on ``users/kremlin_news/collection.yaml`` gives the collection ``kremlin_news`` (not ``users``),
and a sub-folder with its own collection file, at any depth, is a collection of its own whose files
do not belong to the folder around it.

``read_corpus(path, metadata=...)`` gives the same keys without writing a file: a mapping from a
collection name, or ``"*"`` for every collection, to a mapping of the keys above, e.g.
``{"kremlin_news": {"home_actor": "RUS"}, "*": {"licence": "CC BY 4.0"}}``. The command line's
``--home-actor COLLECTION=ACTOR`` builds that mapping with :func:`parse_home_actors`.

Precedence, most specific first: the document's own metadata (YAML header, table column, HTML
page), ``metadata[collection]``, the collection file, ``metadata["*"]``; and for ``language``,
detection last. The gazetteer's ``home_actors`` (``whitehouse`` -> USA) apply only to documents
without a ``home_actor`` (:func:`toolkit.actors.mentions`).
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import CorpusError

__all__ = ["ALL_COLLECTIONS", "COLLECTION_FILES", "COLLECTION_KEYS", "DEFAULT_KEYS",
           "CollectionMeta", "check_home_actor", "collection_file", "parse_home_actors",
           "read_collection_file"]

#: Names of a collection's metadata file (at most one per folder).
COLLECTION_FILES = ("collection.yaml", "_collection.yaml", "collection.yml", "_collection.yml")
#: Keys of a collection file (and of each value of ``read_corpus(metadata=...)``).
COLLECTION_KEYS = ("home_actor", "source", "language", "licence", "description", "defaults")
#: Keys of its ``defaults`` mapping: document columns a document may leave empty.
DEFAULT_KEYS = ("author", "category", "country", "date", "iso3", "post", "speaker")
#: The key of ``read_corpus(metadata=...)`` that applies to every collection.
ALL_COLLECTIONS = "*"

_ALIASES = {"license": "licence"}  # the American spelling names the same key


@dataclass(frozen=True)
class CollectionMeta:
    """The metadata of one collection, merged from its file and ``read_corpus(metadata=...)``.

    ``defaults`` is a tuple of ``(column, value)`` pairs and ``date`` a ``(Timestamp,
    precision)`` pair, so that the object is hashable (it travels in
    :class:`toolkit.corpus.Batch`). ``origin`` names where the values came from, for messages.
    """

    home_actor: str | None = None
    source: str | None = None
    language: str | None = None
    licence: str | None = None
    description: str | None = None
    defaults: tuple[tuple[str, str], ...] = ()
    date: tuple | None = None
    origin: str = ""

    def merged(self, other: CollectionMeta | None) -> CollectionMeta:
        """This metadata with ``other``'s values on top (``other`` wins key by key)."""
        if other is None:
            return self
        mine = dict(self.defaults)
        mine.update(dict(other.defaults))
        kw = {k: getattr(other, k) if getattr(other, k) is not None else getattr(self, k)
              for k in ("home_actor", "source", "language", "licence", "description", "date")}
        origin = " and ".join(o for o in (self.origin, other.origin) if o)
        return replace(self, defaults=tuple(sorted(mine.items())), origin=origin, **kw)

    @property
    def empty(self) -> bool:
        return all(getattr(self, k) in (None, ()) for k in
                   ("home_actor", "source", "language", "licence", "description", "defaults",
                    "date"))


def collection_file(folder: Path) -> Path | None:
    """The collection file of ``folder``, or None.

    Raises
    ------
    CorpusError
        The folder holds more than one (``collection.yaml`` and ``_collection.yaml``).
    """
    found = [folder / n for n in COLLECTION_FILES if (folder / n).is_file()]
    if len(found) > 1:
        raise CorpusError(f"{folder}: {' and '.join(p.name for p in found)} both describe this "
                          f"collection; keep one of them")
    return found[0] if found else None


def read_collection_file(path: str | Path, *, gazetteer: Any = None) -> CollectionMeta:
    """Read and check a ``collection.yaml``.

    Parameters
    ----------
    path : str or Path
        The file.
    gazetteer : Gazetteer, path or mapping, optional
        The gazetteer ``home_actor`` is checked against (as in :func:`toolkit.actors.mentions`;
        default the packaged one).

    Returns
    -------
    CollectionMeta

    Raises
    ------
    CorpusError
        Malformed YAML (with its line), an unknown key (with the valid keys), a value of the
        wrong type, an unreadable ``date`` or ``language``, or a ``home_actor`` that is not an
        actor of the gazetteer (with close ids).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "collection.yaml").write_text("home_actor: RUS\\nlanguage: English\\n")
    >>> meta = read_collection_file(folder / "collection.yaml")
    >>> meta.home_actor, meta.language
    ('RUS', 'en')
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise CorpusError(f"{path}: not UTF-8 (byte at offset {e.start}); re-save the file as "
                          f"UTF-8") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else f"{path}"
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise CorpusError(f"{where}: malformed YAML ({problem}); fix the syntax") from None
    if data is None:
        data = {}
    return _check(data, str(path), gazetteer=gazetteer)


def _check(data: Any, where: str, *, gazetteer: Any = None) -> CollectionMeta:
    """Validate one mapping of collection keys (a collection file, or a value of metadata=)."""
    if not isinstance(data, Mapping):
        raise CorpusError(f"{where}: expected a mapping of 'key: value' lines with keys "
                          f"{', '.join(COLLECTION_KEYS)}; got {type(data).__name__}")
    data = {_ALIASES.get(str(k), str(k)): v for k, v in data.items()}
    unknown = sorted(set(data) - set(COLLECTION_KEYS))
    if unknown:
        hint = _did_you_mean(unknown[0], COLLECTION_KEYS)
        raise CorpusError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} "
                          f"{', '.join(map(repr, unknown))}{hint}; valid keys are: "
                          f"{', '.join(COLLECTION_KEYS)} (document columns go under 'defaults': "
                          f"{', '.join(DEFAULT_KEYS)})")
    kw: dict[str, Any] = {}
    for key in ("home_actor", "source", "language", "licence", "description"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) \
                or not str(value).strip():
            raise CorpusError(f"{where}: {key} must be a single text value, got {value!r}")
        kw[key] = str(value).strip()
    if "language" in kw:
        from toolkit.corpus.language import language_code

        try:
            kw["language"] = language_code(kw["language"], where="language")
        except ValueError as e:
            raise CorpusError(f"{where}: {e}") from None
    if "home_actor" in kw:
        kw["home_actor"] = check_home_actor(kw["home_actor"], where=where, gazetteer=gazetteer)
    defaults = data.get("defaults")
    if defaults is not None:
        if not isinstance(defaults, Mapping):
            raise CorpusError(f"{where}: defaults must be a mapping of document columns "
                              f"({', '.join(DEFAULT_KEYS)}) to values, got {defaults!r}")
        bad = sorted(set(map(str, defaults)) - set(DEFAULT_KEYS))
        if bad:
            hint = _did_you_mean(bad[0], DEFAULT_KEYS + COLLECTION_KEYS)
            raise CorpusError(f"{where}: unknown key{'s' if len(bad) > 1 else ''} "
                              f"{', '.join(map(repr, bad))} under defaults{hint}; valid keys "
                              f"under defaults are: {', '.join(DEFAULT_KEYS)}")
        pairs = []
        for k, v in defaults.items():
            k = str(k)
            if v is None:
                continue
            if k == "date":
                from toolkit.corpus.dates import parse_date

                parsed = parse_date(v)
                if parsed is None:
                    raise CorpusError(f"{where}: defaults: unreadable date {v!r}; use "
                                      f"YYYY-MM-DD, YYYY-MM or YYYY")
                kw["date"] = parsed
                continue
            if isinstance(v, (list, dict)) or not str(v).strip():
                raise CorpusError(f"{where}: defaults: {k} must be a single text value, got "
                                  f"{v!r}")
            pairs.append((k, str(v).strip()))
        kw["defaults"] = tuple(sorted(pairs))
    return CollectionMeta(origin=where, **kw)


def _did_you_mean(word: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_home_actor(actor: str, *, where: str, gazetteer: Any = None) -> str:
    """Return ``actor`` if it is an actor id of the gazetteer, else raise naming ``where``.

    The message suggests close ids, and the actor a name stands for ("Russia" -> RUS).

    Examples
    --------
    >>> check_home_actor("RUS", where="collection.yaml")
    'RUS'
    >>> check_home_actor("Russia", where="collection.yaml")
    Traceback (most recent call last):
    ...
    toolkit.errors.CorpusError: collection.yaml: home_actor 'Russia' is not an actor id of the gazetteer (did you mean 'RUS' (Russia)?); actor ids are the gazetteer's keys (toolkit/data/actors/); add your own with load_gazetteer(extra=...)
    """
    from toolkit.actors import suggest_actors

    gaz = _gazetteer(gazetteer)
    if actor in gaz.actors:
        return actor
    raise CorpusError(f"{where}: home_actor {actor!r} is not an actor id of the gazetteer"
                      f"{suggest_actors(actor, gaz)}; actor ids are the gazetteer's keys "
                      f"(toolkit/data/actors/); add your own with load_gazetteer(extra=...)")


def _gazetteer(gazetteer: Any):
    """The gazetteer itself, the packaged one (None), or the packaged one extended by a path or
    mapping (as :func:`toolkit.actors.mentions` takes it)."""
    from toolkit.actors import Gazetteer, default_gazetteer, load_gazetteer

    if gazetteer is None:
        return default_gazetteer()
    return gazetteer if isinstance(gazetteer, Gazetteer) else load_gazetteer(extra=gazetteer)


def check_metadata(metadata: Mapping | None, *, gazetteer: Any = None
                   ) -> dict[str, CollectionMeta]:
    """Validate ``read_corpus(metadata=...)``: ``{collection or "*": {collection keys}}``."""
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise CorpusError(f"read_corpus(metadata=...): expected a mapping from a collection name "
                          f"(or {ALL_COLLECTIONS!r} for all) to its metadata, e.g. "
                          f"{{'kremlin_news': {{'home_actor': 'RUS'}}}}; got "
                          f"{type(metadata).__name__}")
    out = {}
    for name, value in metadata.items():
        name = str(name)
        if not isinstance(value, Mapping):
            hint = (f"; to give every collection {name!r}, write {{{ALL_COLLECTIONS!r}: "
                    f"{{{name!r}: {value!r}}}}}" if name in COLLECTION_KEYS else "")
            raise CorpusError(f"read_corpus(metadata=...): the value of {name!r} must be a "
                              f"mapping of collection keys ({', '.join(COLLECTION_KEYS)}), got "
                              f"{value!r}{hint}")
        out[name] = _check(value, f"read_corpus(metadata=...)[{name!r}]", gazetteer=gazetteer)
    return out


def resolve_metadata(found: Iterable[tuple[str, Path]], given: dict[str, CollectionMeta], *,
                     root: Path, gazetteer: Any = None) -> dict[str, CollectionMeta]:
    """The merged metadata of each collection (name, folder) found under ``root``.

    Raises
    ------
    CorpusError
        ``given`` names a collection that is not there.
    """
    found = list(found)
    names = [n for n, _ in found]
    missing = [n for n in given if n != ALL_COLLECTIONS and n not in names]
    if missing:
        raise CorpusError(f"read_corpus(metadata=...): no collection named "
                          f"{', '.join(map(repr, missing))} under {root}; collections here are: "
                          f"{', '.join(map(repr, names))} (or {ALL_COLLECTIONS!r} for all)")
    out = {}
    for name, folder in found:
        meta = given.get(ALL_COLLECTIONS, CollectionMeta())
        f = collection_file(folder) if folder.is_dir() else None
        if f is not None:
            meta = meta.merged(read_collection_file(f, gazetteer=gazetteer))
        meta = meta.merged(given.get(name))
        if not meta.empty:
            out[name] = meta
    return out


def parse_home_actors(values: Iterable[str] | str | None, *, gazetteer: Any = None
                      ) -> dict[str, dict[str, str]]:
    """``COLLECTION=ACTOR`` strings (the ``--home-actor`` option) as ``read_corpus(metadata=...)``.

    Parameters
    ----------
    values : iterable of str, or str
        Each ``"COLLECTION=ACTOR"``, e.g. ``"kremlin_news=RUS"``; ``"*=RUS"`` gives every
        collection the home actor.
    gazetteer : Gazetteer, path or mapping, optional
        The gazetteer the actor ids are checked against (default the packaged one).

    Returns
    -------
    dict
        ``{collection: {"home_actor": actor}}``, to pass as ``read_corpus(metadata=...)`` or
        ``toolkit.analyze(metadata=...)``.

    Raises
    ------
    ValueError
        A value without ``=``, with an empty side, a collection given two different actors, or
        an actor id not in the gazetteer (with close ids). The message quotes the value.

    Examples
    --------
    >>> parse_home_actors(["kremlin_news=RUS", "elysee=FRA"])
    {'kremlin_news': {'home_actor': 'RUS'}, 'elysee': {'home_actor': 'FRA'}}
    >>> parse_home_actors(["kremlin_news"])
    Traceback (most recent call last):
    ...
    ValueError: --home-actor 'kremlin_news': expected COLLECTION=ACTOR, e.g. kremlin_news=RUS (the collection's folder name, then an actor id of the gazetteer)
    """
    if values is None:
        return {}
    if isinstance(values, str):
        values = [values]
    out: dict[str, dict[str, str]] = {}
    for raw in values:
        text = str(raw)
        name, sep, actor = text.partition("=")
        name, actor = name.strip(), actor.strip()
        if not sep or not name or not actor:
            raise ValueError(f"--home-actor {text!r}: expected COLLECTION=ACTOR, e.g. "
                             f"kremlin_news=RUS (the collection's folder name, then an actor id "
                             f"of the gazetteer)")
        try:
            actor = check_home_actor(actor, where=f"--home-actor {text!r}", gazetteer=gazetteer)
        except CorpusError as e:
            raise ValueError(str(e)) from None
        previous = out.get(name, {}).get("home_actor")
        if previous is not None and previous != actor:
            raise ValueError(f"--home-actor {text!r}: collection {name!r} is already given home "
                             f"actor {previous!r}; give each collection one home actor")
        out[name] = {"home_actor": actor}
    return out


def apply_metadata(row: dict, meta: CollectionMeta | None) -> None:
    """Fill the empty fields of a document row from its collection's metadata (in place)."""
    if meta is None:
        return
    for k, v in meta.defaults:
        if row.get(k) is None:
            row[k] = v
    if row.get("date") is None and meta.date is not None:
        row["date"], row["date_precision"] = meta.date
    if meta.source is not None and (row.get("source") is None or row.get("_source_from_url")):
        row["source"] = meta.source  # an explicit collection source beats the URL's host name
    for k in ("home_actor", "language", "licence"):
        if row.get(k) is None and getattr(meta, k) is not None:
            row[k] = getattr(meta, k)


def check_document_actors(rows: list[dict], report: Any, gazetteer: Any = None) -> None:
    """Check the ``home_actor`` a document gives itself (YAML header, table column); a row with an
    unknown id is reported as skipped (``row["_bad"]``), naming the file and close ids."""
    own = [r for r in rows if r.get("_own_home_actor") and r.get("home_actor") is not None]
    if not own:
        return
    from toolkit.actors import suggest_actors

    gaz = _gazetteer(gazetteer)
    for r in own:
        if r["home_actor"] not in gaz.actors:
            report.skip(r["path"], f"home_actor {r['home_actor']!r} is not an actor id of the "
                                   f"gazetteer{suggest_actors(r['home_actor'], gaz)}; fix the "
                                   f"field 'home_actor'", line=r.get("_line"))
            r["_bad"] = True
