"""Find the corpus sentence behind each line of a codebook gold file.

A gold line names its collection (``source``) and document (``doc``: the path under the
collection, or for UN General Debate files the file stem ``ISO3_SESSION_YEAR``) and quotes its
sentence. :func:`locate_gold` finds the document in a documents table, the quoted text in the
document's text, and the sentence of the sentences table that holds it, so that the hand-coded
labels can be set beside the toolkit's predictions for the same sentence (the design-based
corrected estimates of :mod:`toolkit.evaluation.corrected` need exactly that).

The coders' splitter and the toolkit's may cut a sentence differently ("Mr. President, ..." or a
transcript's speaker label). A line therefore matches ``exact`` (same text up to white space),
``contained`` (its text lies inside one corpus sentence, or overlaps it most), or is
reported ``not_found`` with the reason; no line is dropped.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["wh/a.md"], "collection": ["wh"], "path": ["corpus/wh/a.md"],
...                      "text": ["KIRBY: We stand with Ukraine. Next question."]})
>>> sents = pd.DataFrame({"doc_id": ["wh/a.md", "wh/a.md"], "sent_id": [0, 1], "start": [0, 30],
...                       "end": [29, 44], "text": ["KIRBY: We stand with Ukraine.",
...                                                 "Next question."]})
>>> rows = [{"id": "g1", "source": "wh", "doc": "a.md", "sentence": "We stand with Ukraine."}]
>>> locate_gold(rows, docs, sents)[["id", "doc_id", "sent_id", "match"]].to_dict("records")
[{'id': 'g1', 'doc_id': 'wh/a.md', 'sent_id': 0, 'match': 'contained'}]
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from toolkit.errors import require_columns

__all__ = ["LOCATE_COLUMNS", "MATCHES", "locate_gold"]

#: How a gold line was found.
MATCHES = ("exact", "contained", "not_found")
#: Columns of :func:`locate_gold`.
LOCATE_COLUMNS = ["id", "source", "doc", "doc_id", "sent_id", "match", "reason"]

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _doc_keys(doc_id: str, collection: str, path: str) -> list[tuple[str, str]]:
    """Ways a gold line may name this document: path under the collection, file name, stem."""
    tail = doc_id.split("/", 1)[1] if "/" in doc_id else doc_id
    name = str(path).replace("\\", "/").rsplit("/", 1)[-1]
    return [(collection, tail), (collection, name), (collection, name.rsplit(".", 1)[0])]


def locate_gold(rows: Sequence[dict], docs: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The ``doc_id`` and ``sent_id`` of each gold line's sentence in a corpus.

    Parameters
    ----------
    rows : sequence of dict
        Gold lines (:func:`toolkit.evaluation.evaluate.read_codebook`): ``id``, ``source``,
        ``doc``, ``sentence``.
    docs : DataFrame
        Documents table: ``doc_id``, ``collection``, ``path``, ``text``.
    sentences : DataFrame
        Sentences table of those documents: ``doc_id``, ``sent_id``, ``start``, ``end``,
        ``text``.

    Returns
    -------
    DataFrame
        :data:`LOCATE_COLUMNS`, one row per gold line in order. ``doc_id``/``sent_id`` are
        missing (``None``/``<NA>``) where ``match`` is ``"not_found"``; ``reason`` says why
        (document not in the corpus, document name ambiguous, sentence text not in the
        document).
    """
    require_columns(docs, ["doc_id", "collection", "path", "text"], name="locate_gold() docs")
    require_columns(sentences, ["doc_id", "sent_id", "start", "end", "text"],
                    name="locate_gold() sentences")
    index: dict[tuple[str, str], set[str]] = {}
    for d, c, p in zip(docs["doc_id"], docs["collection"], docs["path"]):
        for key in _doc_keys(str(d), str(c), str(p)):
            index.setdefault(key, set()).add(d)
    text_of = dict(zip(docs["doc_id"], docs["text"]))
    by_doc = {d: g for d, g in sentences.groupby("doc_id", sort=False)}
    out = []
    for row in rows:
        rec = {"id": row.get("id"), "source": row.get("source"), "doc": row.get("doc"),
               "doc_id": None, "sent_id": pd.NA, "match": "not_found", "reason": ""}
        out.append(rec)
        doc = str(row.get("doc") or "")
        cands = index.get((row.get("source"), doc)) or index.get(
            (row.get("source"), doc.rsplit("/", 1)[-1].rsplit(".", 1)[0])) or set()
        if len(cands) != 1:
            rec["reason"] = ("document not in the corpus" if not cands else
                             f"document name matches {len(cands)} documents")
            continue
        doc_id = next(iter(cands))
        sents = by_doc.get(doc_id)
        if sents is None:
            rec["reason"] = "document has no sentences in the sentences table"
            continue
        target = _norm(row["sentence"])
        texts = [_norm(t) for t in sents["text"]]
        hit = [i for i, t in enumerate(texts) if t == target]
        match = "exact"
        if not hit:
            match = "contained"
            hit = [i for i, t in enumerate(texts) if target and target in t]
        if not hit:
            # the coders' sentence spans a toolkit boundary (or a speaker label the toolkit keeps
            # out of its sentences): take the sentence it overlaps most
            full = text_of.get(doc_id, "")
            flat, pos_map = _flatten(full)
            at = flat.find(target)
            if at >= 0 and target:
                start, end = pos_map[at], pos_map[at + len(target) - 1] + 1
                overlap = [min(e, end) - max(s, start)
                           for s, e in zip(sents["start"], sents["end"])]
                best = max(range(len(overlap)), key=overlap.__getitem__) if overlap else -1
                hit = [best] if best >= 0 and overlap[best] > 0 else []
        if not hit:
            rec["reason"] = "sentence text not found in the document"
            continue
        i = hit[0]
        rec.update(doc_id=doc_id, sent_id=int(sents["sent_id"].iloc[i]), match=match)
    table = pd.DataFrame(out, columns=LOCATE_COLUMNS)
    table["sent_id"] = table["sent_id"].astype("Int64")
    return table


def _flatten(text: str) -> tuple[str, list[int]]:
    """``text`` with white-space runs as one space, and each kept character's offset in ``text``."""
    chars, pos, prev_space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            if prev_space or not chars:
                continue
            chars.append(" ")
            prev_space = True
        else:
            chars.append(ch)
            prev_space = False
        pos.append(i)
    return "".join(chars), pos
