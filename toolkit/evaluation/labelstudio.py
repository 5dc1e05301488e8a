"""Code a sample in Label Studio: tasks with the toolkit's actor suggestions, and back to JSONL.

Label Studio (https://labelstud.io) is an open-source annotation tool. The round trip:

1. :func:`label_studio_config` gives the labelling interface (XML: *Settings > Labeling
   Interface > Code*): the sentence with its title, source, date and neighbours; actor spans
   (``Labels`` named ``actor``, one label per actor id) with a ``sentiment`` and a ``role`` per
   span (``Choices`` with ``perRegion="true"``); ``threat`` (yes/no) and, when yes,
   ``threat_type`` and ``horizon``.
2. :func:`write_label_studio` writes a sample of
   :func:`toolkit.evaluation.sampling.sample_for_coding` (or codebook rows) as Label Studio JSON
   tasks to import (*Import*), the detected actor mentions as pre-annotations
   (``predictions``) that coders accept, correct or delete.
3. Coders label; export the project as **JSON** (not JSON-MIN).
4. :func:`from_label_studio` reads the export back into codebook rows (``docs/codebook.md``),
   one list per annotator; :func:`write_codebook_from_label_studio` writes one JSONL file per
   annotator, which ``toolkit evaluate codebook FILE`` scores.

How to label (what the reader expects): mark every mention of an actor with its id; give each
actor a ``sentiment`` and, in a threat frame, a ``role`` on at least one of its spans (if on
several, they must agree; an actor's role may be left empty when the sentence is not a threat
frame: it is ``none``); answer ``threat``, and for a threat its ``threat_type`` and ``horizon``
(they are ignored when ``threat`` is no). Other controls you add to the interface (a notes
``TextArea``, say) are ignored.

Formats, as documented by Label Studio:

- tasks and pre-annotations: "Import pre-annotated data into Label Studio",
  https://labelstud.io/guide/predictions (a list of ``{"data": {...}, "predictions":
  [{"model_version": ..., "result": [...]}]}``; a text span is a result of ``"type":
  "labels"`` with ``from_name``/``to_name`` naming the control and object tags and ``"value":
  {"start", "end", "text", "labels": [...]}``);
- the export: "Label Studio JSON format of annotated tasks",
  https://labelstud.io/guide/task_format and "Export annotations",
  https://labelstud.io/guide/export (each task with ``annotations[]``, each with
  ``completed_by``, ``was_cancelled`` and ``result``);
- per-region results: "How Label Studio saves results in annotations" (results of one region
  share its ``id``), a section of https://labelstud.io/guide/task_format;
- tags: https://labelstud.io/tags/labels, https://labelstud.io/tags/choices (``perRegion``,
  ``visibleWhen``, ``whenTagName``, ``whenChoiceValue``), https://labelstud.io/tags/view.

Label Studio counts text offsets in UTF-16 code units (JavaScript strings), Python in code
points: the two differ after a character outside the Basic Multilingual Plane (an emoji), and
this module converts both ways.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pandas as pd

from toolkit.errors import CorpusError

__all__ = [
    "ACTOR_FROM",
    "SENTENCE_TO",
    "THREAT_CHOICES",
    "from_label_studio",
    "label_studio_annotators",
    "label_studio_config",
    "to_label_studio",
    "write_codebook_from_label_studio",
    "write_label_studio",
]

#: ``name`` of the object tag of the sentence (the ``to_name`` of every result).
SENTENCE_TO = "sentence"
#: ``name`` of the actor ``Labels`` (the ``from_name`` of actor spans).
ACTOR_FROM = "actor"
#: Values of the ``threat`` choice and the codebook's ``threat``.
THREAT_CHOICES: dict[str, bool] = {"yes": True, "no": False}
# Task data keys the interface shows ($meta: source, date and document in one line).
_DATA_KEYS = ("sample_id", "source", "doc", "date", "title", "meta", "before", "sentence",
              "after")


def _codebook_values() -> dict[str, tuple[str, ...]]:
    from toolkit.evaluation.evaluate import SENTIMENT_LABELS
    from toolkit.framing.threat import HORIZONS, ROLES, THREAT_TYPES

    return {"threat_type": THREAT_TYPES, "horizon": HORIZONS,
            "sentiment": SENTIMENT_LABELS, "role": ROLES}


def _actor_names(actors: Sequence[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``{actor_id: display name}``; default the packaged gazetteer's actors, in its order."""
    if actors is None:
        from toolkit.actors import default_gazetteer

        return {a: str(v.get("display") or a) for a, v in default_gazetteer().actors.items()}
    if isinstance(actors, Mapping):
        return {str(a): str(d) for a, d in actors.items()}
    return {str(a): str(a) for a in actors}


# ---------------------------------------------------------------------------------------------
# Offsets: Python code points <-> Label Studio's UTF-16 code units
# ---------------------------------------------------------------------------------------------


def _to_utf16(text: str, i: int) -> int:
    return i + sum(1 for ch in text[:i] if ord(ch) > 0xFFFF)


def _from_utf16(text: str, j: int) -> int | None:
    """The code-point offset of UTF-16 offset ``j`` (None inside a surrogate pair or past the
    end)."""
    units = 0
    for i, ch in enumerate(text):
        if units == j:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > j:
            return None
    return len(text) if units == j else None


# ---------------------------------------------------------------------------------------------
# Labelling interface and tasks
# ---------------------------------------------------------------------------------------------


def label_studio_config(*, actors: Sequence[str] | Mapping[str, str] | None = None) -> str:
    """The Label Studio labelling interface (XML) for the codebook.

    Paste it in *Settings > Labeling Interface > Code*. Tags (``name`` is what results carry in
    ``from_name``; every control points ``toName`` at the ``sentence`` text):

    - ``Text`` objects ``meta`` (source, date, document), ``before``, ``sentence``, ``after``;
    - ``Labels`` ``actor``: one ``Label`` per actor id (hover shows its name);
    - per span (``perRegion="true"``, shown when a span is selected): ``Choices``
      ``sentiment`` (negative, neutral, positive) and ``role`` (source, referent, none);
    - ``Choices`` ``threat`` (yes, no; required) and, shown when ``threat`` is yes,
      ``threat_type`` (the codebook's six types) and ``horizon`` (present, future, past).

    Parameters
    ----------
    actors : sequence of str or mapping, optional
        Actor ids (or ``{id: display name}``) offered as labels; default every actor of the
        packaged gazetteer (:func:`toolkit.actors.load_gazetteer`). Pass the same to
        :func:`from_label_studio`.

    Returns
    -------
    str
        The XML.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(label_studio_config(actors={"RUS": "Russia", "NATO": "NATO"}))
    >>> [(c.get("name"), c.get("perRegion")) for c in root.iter("Choices")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('sentiment', 'true'), ('role', 'true'), ('threat', None), ('threat_type', None),
     ('horizon', None)]
    >>> [lab.get("value") for lab in root.iter("Label")]
    ['RUS', 'NATO']
    """
    values = _codebook_values()
    names = _actor_names(actors)

    def choices(name: str, options: Sequence[str], extra: str = "") -> str:
        inner = "".join(f"\n      <Choice value={quoteattr(v)}/>" for v in options)
        return (f'    <Choices name="{name}" toName="{SENTENCE_TO}" choice="single-radio" '
                f'showInline="true"{extra}>{inner}\n    </Choices>')

    labels = "".join(f"\n      <Label value={quoteattr(a)} hint={quoteattr(d)}/>"
                     for a, d in names.items())
    return "\n".join([
        "<View>",
        '  <Header value="$title"/>',
        '  <Text name="meta" value="$meta"/>',
        '  <Text name="before" value="$before"/>',
        f'  <Labels name="{ACTOR_FROM}" toName="{SENTENCE_TO}" showInline="true">{labels}',
        "  </Labels>",
        f'  <Text name="{SENTENCE_TO}" value="$sentence"/>',
        '  <Text name="after" value="$after"/>',
        '  <View visibleWhen="region-selected">',
        '    <Header value="Actor: sentiment and threat role (label at least one mention of '
        'each actor)"/>',
        choices("sentiment", values["sentiment"], ' perRegion="true"'),
        choices("role", values["role"], ' perRegion="true"'),
        "  </View>",
        '  <Header value="Is the sentence a threat frame?"/>',
        choices("threat", tuple(THREAT_CHOICES), ' required="true"'),
        '  <View visibleWhen="choice-selected" whenTagName="threat" whenChoiceValue="yes">',
        '    <Header value="Threat type"/>',
        choices("threat_type", values["threat_type"]),
        '    <Header value="Horizon"/>',
        choices("horizon", values["horizon"]),
        "  </View>",
        "</View>",
        "",
    ])


def _rows(sample: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict]:
    from toolkit.evaluation.sampling import codebook_rows

    return codebook_rows(sample)


def to_label_studio(sample: pd.DataFrame | Sequence[Mapping[str, Any]], *,
                    model_version: str | None = None) -> list[dict]:
    """Label Studio JSON tasks of a sample, the suggested actor mentions as pre-annotations.

    Parameters
    ----------
    sample : DataFrame or sequence of dict
        A table of :func:`toolkit.evaluation.sampling.sample_for_coding` or codebook rows (e.g.
        the lines of ``sample.jsonl``).
    model_version : str, optional
        ``model_version`` of the predictions; default ``"toolkit <version> actor mentions"``.

    Returns
    -------
    list of dict
        One task per sentence: ``{"data": {...}, "predictions": [...]}``. ``data`` holds
        ``sample_id`` (the codebook ``id``), ``source``, ``doc``, ``date``, ``title``, ``meta``
        (``"source · date · doc"``), ``before``, ``sentence``, ``after`` (strings, ``""`` when
        missing). ``predictions`` is empty for a sentence without suggestions, else one
        prediction whose ``result`` has one item per mention: ``{"id": "m<k>", "from_name":
        "actor", "to_name": "sentence", "type": "labels", "value": {"start", "end", "text",
        "labels": [actor]}}`` (UTF-16 offsets into the sentence).

    Examples
    --------
    >>> rows = [{"id": "a.md:0", "source": "news", "sentence": "Russia threatens NATO.",
    ...          "threat": None, "actors": {"RUS": {"sentiment": None, "role": None,
    ...          "mentions": [{"mention": "Russia", "from": 0, "to": 6}]}}}]
    >>> task = to_label_studio(rows, model_version="test")[0]
    >>> task["data"]["sample_id"], task["predictions"][0]["result"][0]["value"]
    ('a.md:0', {'start': 0, 'end': 6, 'text': 'Russia', 'labels': ['RUS']})
    """
    if model_version is None:
        from toolkit.evaluation.sampling import _toolkit_version

        model_version = f"toolkit {_toolkit_version() or ''} actor mentions".replace("  ", " ")
    tasks = []
    for row in _rows(sample):
        sent = row["sentence"] if isinstance(row["sentence"], str) else ""
        data = {k: ("" if row.get(k) is None else str(row.get(k)))
                for k in ("source", "doc", "date", "title", "before", "after")}
        data.update(sample_id=str(row["id"]), sentence=sent,
                    meta=" · ".join(v for v in (data["source"], data["date"], data["doc"]) if v))
        result = []
        mentions = sorted((m["from"], m["to"], actor)
                          for actor, ann in (row["actors"] or {}).items()
                          for m in (ann or {}).get("mentions", []))
        for k, (a, b, actor) in enumerate(mentions):
            result.append({"id": f"m{k}", "from_name": ACTOR_FROM, "to_name": SENTENCE_TO,
                           "type": "labels",
                           "value": {"start": _to_utf16(sent, a), "end": _to_utf16(sent, b),
                                     "text": sent[a:b], "labels": [actor]}})
        preds = [{"model_version": model_version, "result": result}] if result else []
        tasks.append({"data": {k: data[k] for k in _DATA_KEYS}, "predictions": preds})
    return tasks


def write_label_studio(sample: pd.DataFrame | Sequence[Mapping[str, Any]], path: str | Path, *,
                       model_version: str | None = None) -> Path:
    """Write :func:`to_label_studio` tasks as one JSON file to import into Label Studio.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> rows = [{"id": "x", "source": "news", "sentence": "Hello.", "threat": None, "actors": {}}]
    >>> p = write_label_studio(rows, pathlib.Path(tempfile.mkdtemp()) / "tasks.json")
    >>> json.loads(p.read_text())[0]["predictions"]
    []
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(to_label_studio(sample, model_version=model_version),
                            ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return p


# ---------------------------------------------------------------------------------------------
# Reading an export
# ---------------------------------------------------------------------------------------------


def _annotator_key(completed_by: Any) -> str:
    """An annotator's name: the e-mail when the export has the user object, else the user id."""
    if isinstance(completed_by, Mapping):
        return str(completed_by.get("email") or completed_by.get("id"))
    return str(completed_by)


def _annotator_ids(completed_by: Any) -> set[str]:
    if isinstance(completed_by, Mapping):
        return {str(v) for k in ("email", "id") if (v := completed_by.get(k)) is not None}
    return {str(completed_by)}


def _read_export(path: str | Path) -> tuple[Path, list]:
    p = Path(path)
    if not p.is_file():
        raise CorpusError(f"{p}: no such Label Studio export; export the project as JSON "
                          "(Export > JSON) and give that file")
    try:
        tasks = json.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise CorpusError(f"{p}: not UTF-8 text ({err})") from None
    except json.JSONDecodeError as err:
        raise CorpusError(f"{p}: not valid JSON ({err.msg} at line {err.lineno}, column "
                          f"{err.colno}); give the file of Label Studio's JSON export") from None
    if isinstance(tasks, dict) and "data" in tasks:
        tasks = [tasks]  # one task, as the API returns it
    if not isinstance(tasks, list):
        raise CorpusError(f"{p}: expected a list of tasks (Label Studio's JSON export), got a "
                          f"{type(tasks).__name__}")
    for i, task in enumerate(tasks):
        if isinstance(task, dict) and "annotations" not in task and "data" not in task:
            raise CorpusError(f"{p}, task {task.get('id', f'#{i}')}: no 'annotations' and no "
                              "'data'; this looks like a JSON-MIN or CSV-like export, which "
                              "loses the spans: export the project as JSON")
    return p, tasks


def _where(p: Path, task: Any, i: int) -> str:
    tid = task.get("id") if isinstance(task, dict) else None
    return f"{p}, task {tid if tid is not None else f'#{i} (no id)'}"


def _annotations(task: dict, where: str) -> list[dict]:
    """The task's submitted annotations (cancelled, i.e. skipped, ones left out)."""
    anns = task.get("annotations", [])
    if not isinstance(anns, list):
        raise CorpusError(f"{where}: field 'annotations' must be a list")
    out = []
    for k, ann in enumerate(anns):
        if not isinstance(ann, dict):
            raise CorpusError(f"{where}: annotations[{k}] must be an object")
        if ann.get("was_cancelled"):
            continue
        if not isinstance(ann.get("result"), list):
            raise CorpusError(f"{where}: annotations[{k}].result must be a list of results")
        out.append(ann)
    return out


def label_studio_annotators(export_path: str | Path) -> list[str]:
    """The annotators of a Label Studio JSON export (``completed_by``: e-mail or user id), sorted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.json"
    >>> _ = p.write_text(json.dumps([{"id": 1, "data": {}, "annotations": [
    ...     {"completed_by": 3, "result": []}, {"completed_by": {"id": 4, "email": "b@x.org"},
    ...                                          "result": []}]}]))
    >>> label_studio_annotators(p)
    ['3', 'b@x.org']
    """
    p, tasks = _read_export(export_path)
    names = set()
    for i, task in enumerate(tasks):
        if not isinstance(task, dict):
            raise CorpusError(f"{_where(p, task, i)}: each task must be an object")
        for ann in _annotations(task, _where(p, task, i)):
            names.add(_annotator_key(ann.get("completed_by")))
    return sorted(names)


def _one_choice(item: dict, where: str, valid: Sequence[str]) -> str:
    name = item.get("from_name")
    value = item.get("value")
    picked = value.get("choices") if isinstance(value, dict) else None
    if not isinstance(picked, list) or len(picked) != 1 or not isinstance(picked[0], str):
        raise CorpusError(f"{where}: result {name!r} must have value.choices with one choice, "
                          f"got {picked!r}")
    if picked[0] not in valid:
        raise CorpusError(f"{where}: {name} {picked[0]!r} is not a valid value; valid values "
                          f"are {', '.join(valid)} (the labelling interface of "
                          "label_studio_config())")
    return picked[0]


def _row_of(ann: dict, data: dict, where: str, valid_actors: set[str]) -> dict:
    """One codebook row from one annotation (see the module docstring for the rules)."""
    values = _codebook_values()
    sent = data.get("sentence")
    if not isinstance(sent, str):
        raise CorpusError(f"{where}: data.sentence is missing or not a string; import tasks "
                          "written by to_label_studio()")
    for key in ("sample_id", "source"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise CorpusError(f"{where}: data.{key} is missing or empty; import tasks written by "
                              "to_label_studio()")
    labels: dict[Any, tuple[int, int, str]] = {}
    per_region: dict[str, dict[Any, str]] = {"sentiment": {}, "role": {}}
    task_level: dict[str, str] = {}
    for k, item in enumerate(ann["result"]):
        at = f"{where}, result[{k}]"
        if not isinstance(item, dict):
            raise CorpusError(f"{at}: each result must be an object")
        name, kind = item.get("from_name"), item.get("type")
        if name == ACTOR_FROM:
            value = item.get("value")
            if kind != "labels" or not isinstance(value, dict):
                raise CorpusError(f"{at}: an {ACTOR_FROM!r} result must be of type 'labels' with "
                                  "a value")
            labs = value.get("labels")
            if not isinstance(labs, list) or len(labs) != 1:
                raise CorpusError(f"{at}: value.labels must hold one actor id, got {labs!r}")
            actor = labs[0]
            if actor not in valid_actors:
                raise CorpusError(f"{at}: unknown actor label {actor!r}; valid labels are "
                                  f"{', '.join(sorted(valid_actors))} (pass actors= for your "
                                  "own)")
            js, je = value.get("start"), value.get("end")
            if isinstance(js, bool) or isinstance(je, bool) or not isinstance(js, int) \
                    or not isinstance(je, int):
                raise CorpusError(f"{at}: value.start and value.end must be integers, got "
                                  f"{js!r}, {je!r}")
            a, b = _from_utf16(sent, js), _from_utf16(sent, je)
            if a is None or b is None or not a < b:
                raise CorpusError(f"{at}: span {js}:{je} is empty or outside the sentence "
                                  f"(length {len(sent)})")
            if "text" in value and value["text"] != sent[a:b]:
                raise CorpusError(f"{at}: span {js}:{je} is {sent[a:b]!r} in data.sentence but "
                                  f"the result's text is {value['text']!r}; the task's sentence "
                                  "was changed after labelling")
            rid = item.get("id")
            if not isinstance(rid, str | int) or rid in labels:
                raise CorpusError(f"{at}: an actor span needs an id of its own (its per-span "
                                  f"sentiment and role carry the same id), got {rid!r}")
            labels[rid] = (a, b, actor)
        elif name in per_region:
            per_region[name][item.get("id")] = _one_choice(item, at, values[name])
        elif name == "threat":
            task_level[name] = _one_choice(item, at, tuple(THREAT_CHOICES))
        elif name in ("threat_type", "horizon"):
            task_level[name] = _one_choice(item, at, values[name])
        # other controls (notes, relations) are not part of the codebook

    for name, by_region in per_region.items():
        for rid in by_region:
            if rid not in labels:
                raise CorpusError(f"{where}: a {name!r} choice belongs to region {rid!r}, which "
                                  "has no actor label; label the span with its actor")
    if "threat" not in task_level:
        raise CorpusError(f"{where}: missing required choice 'threat' (one of "
                          f"{', '.join(THREAT_CHOICES)}); answer it in Label Studio, or skip "
                          "the task")
    threat = THREAT_CHOICES[task_level["threat"]]
    row: dict[str, Any] = {"id": data["sample_id"], "source": data["source"]}
    for key in ("doc", "date", "title"):
        row[key] = data.get(key) or None
    row.update(before=data.get("before") or "", sentence=sent, after=data.get("after") or "",
               threat=threat, threat_type=None, horizon=None)
    if threat:
        for key in ("threat_type", "horizon"):
            if key not in task_level:
                raise CorpusError(f"{where}: threat is yes but the required choice {key!r} is "
                                  f"missing (one of {', '.join(values[key])})")
            row[key] = task_level[key]

    actors: dict[str, dict[str, Any]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for rid, (a, b, actor) in sorted(labels.items(), key=lambda kv: kv[1]):
        spans.setdefault(actor, [])
        if (a, b) not in spans[actor]:
            spans[actor].append((a, b))
        for name in ("sentiment", "role"):
            got = per_region[name].get(rid)
            if got is None:
                continue
            have = actors.setdefault(actor, {}).get(name)
            if have is not None and have != got:
                raise CorpusError(f"{where}: actor {actor} has {name} {have!r} on one mention "
                                  f"and {got!r} on another; an actor has one {name} per "
                                  "sentence: make them agree")
            actors[actor][name] = got
    out_actors = {}
    for actor, ss in spans.items():
        ann_ = actors.get(actor, {})
        sentiment, role = ann_.get("sentiment"), ann_.get("role")
        if sentiment is None:
            raise CorpusError(f"{where}: actor {actor} has no sentiment; choose one of "
                              f"{', '.join(values['sentiment'])} on one of its mentions")
        if role is None:
            if threat:
                raise CorpusError(f"{where}: actor {actor} has no role in a threat frame; choose "
                                  f"one of {', '.join(values['role'])} on one of its mentions")
            role = "none"
        if not threat and role != "none":
            raise CorpusError(f"{where}: actor {actor} has role {role!r} but the sentence is not "
                              "a threat frame (threat: no); the role must be none")
        out_actors[actor] = {"sentiment": sentiment, "role": role,
                             "mentions": [{"mention": sent[a:b], "from": a, "to": b}
                                          for a, b in ss]}
    row["actors"] = out_actors
    return row


def _latest(anns: list[dict]) -> dict:
    # several submissions of one annotator: the last updated (ISO times sort as text)
    return max(enumerate(anns), key=lambda ka: (str(ka[1].get("updated_at")
                                                    or ka[1].get("created_at") or ""), ka[0]))[1]


def from_label_studio(export_path: str | Path, *, annotator: str | int | None = None,
                      by_annotator: bool = False,
                      actors: Sequence[str] | Mapping[str, str] | None = None,
                      ) -> list[dict] | dict[str, list[dict]]:
    """Read a Label Studio JSON export into codebook rows (``docs/codebook.md``).

    Parameters
    ----------
    export_path : str or Path
        The project's export in Label Studio's **JSON** format (a list of tasks with
        ``data`` and ``annotations[].result``), of tasks made by :func:`to_label_studio` and
        labelled with :func:`label_studio_config`'s interface.
    annotator : str or int, optional
        Keep this annotator's annotations (``completed_by``: user id or e-mail). Needed when
        the export has several annotators, unless ``by_annotator``.
    by_annotator : bool, default False
        Return ``{annotator: rows}`` for every annotator (for agreement: one file per coder).
    actors : sequence of str or mapping, optional
        Valid actor labels; default the packaged gazetteer's ids (as
        :func:`label_studio_config`).

    Returns
    -------
    list of dict or dict
        Codebook rows in task order, with the fields ``id``, ``source``, ``doc``, ``date``,
        ``title``, ``before``, ``sentence``, ``after``, ``threat``, ``threat_type``,
        ``horizon``, ``actors`` (what :func:`toolkit.evaluation.evaluate.read_codebook`
        accepts once written with
        :func:`toolkit.evaluation.sampling.write_codebook_jsonl`). Tasks the annotator did not
        label (or skipped: ``was_cancelled``) are left out; of several submissions by one
        annotator the last updated counts.

    Raises
    ------
    CorpusError
        The file is missing or not a JSON export; a task or result is malformed; a label or
        choice value is not one of the interface's (the valid ones are listed); a required
        choice is missing (``threat``; for a threat, ``threat_type`` and ``horizon``; an actor's
        ``sentiment``, and its ``role`` in a threat frame); an actor's mentions disagree; several
        annotators and neither ``annotator`` nor ``by_annotator``; no annotation at all. The
        message names the file, the task id and the field.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> task = {"id": 7, "data": {"sample_id": "a.md:0", "source": "news",
    ...                           "sentence": "Russia threatens NATO."},
    ...         "annotations": [{"completed_by": 1, "result": [
    ...             {"id": "m0", "from_name": "actor", "to_name": "sentence", "type": "labels",
    ...              "value": {"start": 0, "end": 6, "text": "Russia", "labels": ["RUS"]}},
    ...             {"id": "m0", "from_name": "sentiment", "to_name": "sentence",
    ...              "type": "choices", "value": {"start": 0, "end": 6, "choices": ["negative"]}},
    ...             {"id": "m0", "from_name": "role", "to_name": "sentence",
    ...              "type": "choices", "value": {"start": 0, "end": 6, "choices": ["source"]}},
    ...             {"id": "c1", "from_name": "threat", "to_name": "sentence",
    ...              "type": "choices", "value": {"choices": ["yes"]}},
    ...             {"id": "c2", "from_name": "threat_type", "to_name": "sentence",
    ...              "type": "choices", "value": {"choices": ["military"]}},
    ...             {"id": "c3", "from_name": "horizon", "to_name": "sentence",
    ...              "type": "choices", "value": {"choices": ["present"]}}]}]}
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.json"
    >>> _ = p.write_text(json.dumps([task]))
    >>> row = from_label_studio(p, actors=["RUS", "NATO"])[0]
    >>> row["threat"], row["threat_type"], row["actors"]  # doctest: +NORMALIZE_WHITESPACE
    (True, 'military', {'RUS': {'sentiment': 'negative', 'role': 'source',
                                'mentions': [{'mention': 'Russia', 'from': 0, 'to': 6}]}})
    """
    p, tasks = _read_export(export_path)
    valid_actors = set(_actor_names(actors))
    out: dict[str, list[dict]] = {}
    for i, task in enumerate(tasks):
        where = _where(p, task, i)
        if not isinstance(task, dict):
            raise CorpusError(f"{where}: each task must be an object")
        data = task.get("data")
        if not isinstance(data, dict):
            raise CorpusError(f"{where}: field 'data' must be an object")
        mine: dict[str, list[dict]] = {}
        for ann in _annotations(task, where):
            who = ann.get("completed_by")
            if annotator is not None and str(annotator) not in _annotator_ids(who):
                continue
            mine.setdefault(_annotator_key(who), []).append(ann)
        for who, anns in mine.items():
            ann = _latest(anns)
            ann_where = where + (f", annotation {ann['id']}" if ann.get("id") is not None
                                 else "") + f" (annotator {who})"
            out.setdefault(who, []).append(_row_of(ann, data, ann_where, valid_actors))
    if not out:
        whom = f" by annotator {annotator!r}" if annotator is not None else ""
        raise CorpusError(f"{p}: no submitted annotations{whom}; label the tasks in Label Studio "
                          "(and check the annotator with label_studio_annotators())")
    if by_annotator:
        return out
    if len(out) > 1:
        raise CorpusError(f"{p}: annotations by {len(out)} annotators ({', '.join(sorted(out))}); "
                          "pass annotator=... for one of them, or by_annotator=True for all")
    return next(iter(out.values()))


def write_codebook_from_label_studio(export_path: str | Path, out_dir: str | Path, *,
                                     actors: Sequence[str] | Mapping[str, str] | None = None,
                                     ) -> dict[str, Path]:
    """Write one codebook JSONL file per annotator of a Label Studio export.

    The files are ``out_dir/codebook_<annotator>.jsonl`` (characters other than letters,
    digits, ``.``, ``-`` and ``_`` in the annotator's name become ``_``), each ready for
    ``toolkit evaluate codebook FILE``.

    Returns
    -------
    dict
        ``{annotator: path}``.
    """
    from toolkit.evaluation.sampling import write_codebook_jsonl

    rows = from_label_studio(export_path, by_annotator=True, actors=actors)
    assert isinstance(rows, dict)
    out = Path(out_dir)
    return {who: write_codebook_jsonl(
                r, out / f"codebook_{re.sub(r'[^A-Za-z0-9._-]', '_', who)}.jsonl")
            for who, r in rows.items()}
