"""Label Studio: the labelling interface, tasks with pre-annotations, and reading an export back."""
from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from toolkit.errors import CorpusError
from toolkit.evaluation.evaluate import SENTIMENT_LABELS, read_codebook
from toolkit.evaluation.labelstudio import (
    _from_utf16,
    _to_utf16,
    from_label_studio,
    label_studio_annotators,
    label_studio_config,
    to_label_studio,
    write_codebook_from_label_studio,
    write_label_studio,
)
from toolkit.evaluation.sampling import sample_for_coding, write_codebook_jsonl
from toolkit.framing.threat import HORIZONS, ROLES, THREAT_TYPES

SMILE = "\U0001F642"  # outside the BMP: two UTF-16 code units, one Python character
TEXT = (f"Russia remains a long-term threat to NATO. {SMILE} Ukraine and Poland signed a new "
        "grain agreement today. The weather was mild and sunny all week.")
S0 = "Russia remains a long-term threat to NATO."
S1 = f"{SMILE} Ukraine and Poland signed a new grain agreement today."
S2 = "The weather was mild and sunny all week."


@pytest.fixture(scope="module")
def sample():
    from toolkit.actors import mentions
    from toolkit.framing.threat import threat_frames
    from toolkit.segment import sentences

    docs = pd.DataFrame({"doc_id": ["news/x.md"], "collection": ["news"], "path": ["x.md"],
                         "title": ["Grain"], "date": [pd.Timestamp("2024-05-01")],
                         "date_precision": ["month"], "text": [TEXT]})
    sents = sentences(docs, progress=False)
    ments = mentions(sents, docs, progress=False)
    frames = threat_frames(sents, ments, progress=False)
    s = sample_for_coding(docs, sents, ments, frames, n=3)
    return s.sort_values("sent_id").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Interface and tasks
# ---------------------------------------------------------------------------------------------


def test_config_matches_the_codebook():
    from toolkit.actors import default_gazetteer

    root = ET.fromstring(label_studio_config())
    texts = {t.get("name"): t.get("value") for t in root.iter("Text")}
    assert texts == {"meta": "$meta", "before": "$before", "sentence": "$sentence",
                     "after": "$after"}
    (labels,) = root.iter("Labels")
    assert (labels.get("name"), labels.get("toName")) == ("actor", "sentence")
    assert [lab.get("value") for lab in labels] == list(default_gazetteer().actors)
    assert labels[0].get("hint") == "North Atlantic Treaty Organization"
    choices = {c.get("name"): c for c in root.iter("Choices")}
    assert {k: [x.get("value") for x in c] for k, c in choices.items()} == {
        "sentiment": list(SENTIMENT_LABELS), "role": list(ROLES), "threat": ["yes", "no"],
        "threat_type": list(THREAT_TYPES), "horizon": list(HORIZONS)}
    assert {k: c.get("toName") for k, c in choices.items()} == dict.fromkeys(choices, "sentence")
    assert {k for k, c in choices.items() if c.get("perRegion") == "true"} == {"sentiment",
                                                                               "role"}
    assert choices["threat"].get("required") == "true"
    shown_if_threat = [v for v in root.iter("View") if v.get("whenChoiceValue") == "yes"]
    assert [c.get("name") for c in shown_if_threat[0].iter("Choices")] == ["threat_type",
                                                                          "horizon"]


def test_config_escapes_names():
    xml = label_studio_config(actors={"X&Y": 'The "X" & <Y>'})
    (lab,) = ET.fromstring(xml).iter("Label")
    assert (lab.get("value"), lab.get("hint")) == ("X&Y", 'The "X" & <Y>')


def test_utf16_offsets():
    s = f"a{SMILE}b{SMILE}"
    assert [_to_utf16(s, i) for i in range(len(s) + 1)] == [0, 1, 3, 4, 6]
    assert [_from_utf16(s, j) for j in range(7)] == [0, 1, None, 2, 3, None, 4]
    assert _from_utf16(s, 7) is None


def test_tasks_are_exact(sample):
    tasks = to_label_studio(sample, model_version="test")
    assert [t["data"]["sample_id"] for t in tasks] == ["news/x.md:0", "news/x.md:1",
                                                       "news/x.md:2"]
    assert tasks[1] == {
        "data": {"sample_id": "news/x.md:1", "source": "news", "doc": "x.md", "date": "2024-05",
                 "title": "Grain", "meta": "news · 2024-05 · x.md", "before": S0,
                 "sentence": S1, "after": S2},
        "predictions": [{"model_version": "test", "result": [
            {"id": "m0", "from_name": "actor", "to_name": "sentence", "type": "labels",
             "value": {"start": 3, "end": 10, "text": "Ukraine", "labels": ["UKR"]}},
            {"id": "m1", "from_name": "actor", "to_name": "sentence", "type": "labels",
             "value": {"start": 15, "end": 21, "text": "Poland", "labels": ["POL"]}}]}]}
    assert tasks[2]["predictions"] == [] and tasks[2]["data"]["after"] == ""
    # codebook rows (the lines of sample.jsonl) give the same tasks
    from toolkit.evaluation.sampling import codebook_rows

    assert to_label_studio(codebook_rows(sample), model_version="test") == tasks


def test_write_label_studio(sample, tmp_path):
    p = write_label_studio(sample, tmp_path / "ls" / "tasks.json", model_version="test")
    assert json.loads(p.read_text(encoding="utf-8")) == to_label_studio(sample,
                                                                        model_version="test")


# ---------------------------------------------------------------------------------------------
# Reading an export
# ---------------------------------------------------------------------------------------------


def choice(name, value, region=None):
    """A result item as Label Studio writes it: per-region ones carry the region's id and span."""
    item = {"id": region["id"] if region else f"c-{name}", "from_name": name,
            "to_name": "sentence", "type": "choices", "origin": "manual",
            "value": {"choices": [value]}}
    if region:
        item["value"] = {k: region["value"][k] for k in ("start", "end", "text")} | \
            item["value"]
    return item


def span(rid, start, end, text, actor):
    return {"id": rid, "from_name": "actor", "to_name": "sentence", "type": "labels",
            "origin": "manual", "value": {"start": start, "end": end, "text": text,
                                          "labels": [actor]}}


def annotation(ann_id, who, result, **kw):
    return {"id": ann_id, "completed_by": who, "result": result, "was_cancelled": False,
            "ground_truth": False, "created_at": "2025-01-0%dT10:00:00Z" % (ann_id % 9 + 1),
            "updated_at": "2025-01-0%dT10:00:00Z" % (ann_id % 9 + 1), "lead_time": 12.5,
            "task": kw.pop("task", 1), **kw}


def make_export(tasks):
    """A Label Studio JSON export of our tasks, labelled by two coders (and one skip)."""
    out = []
    for k, t in enumerate(tasks):
        task = {"id": 101 + k, "data": t["data"], "predictions": copy.deepcopy(t["predictions"]),
                "annotations": [], "drafts": [], "project": 4,
                "created_at": "2025-01-01T09:00:00Z"}
        regions = copy.deepcopy(t["predictions"][0]["result"]) if t["predictions"] else []
        for r in regions:
            r["origin"] = "prediction"  # accepted suggestions keep the prediction's ids
        if k == 0:  # RUS threatens NATO; coder 2 sees RUS as the only actor
            rus, nato = regions
            one = regions + [choice("sentiment", "negative", rus), choice("role", "source", rus),
                             choice("sentiment", "neutral", nato),
                             choice("role", "referent", nato),
                             choice("threat", "yes"), choice("threat_type", "military"),
                             choice("horizon", "present")]
            two = [rus, choice("sentiment", "negative", rus), choice("role", "source", rus),
                   choice("threat", "yes"), choice("threat_type", "military"),
                   choice("horizon", "future")]
        elif k == 1:  # no threat; roles left empty (none); a hidden threat_type left over
            ukr, pol = regions
            one = regions + [choice("sentiment", "positive", ukr),
                             choice("sentiment", "positive", pol), choice("threat", "no"),
                             choice("threat_type", "economic")]
            two = [ukr, choice("sentiment", "neutral", ukr), choice("threat", "no")]
        else:  # no actor, not a threat; coder 2 adds "The weather" as nothing: no result
            one = [choice("threat", "no")]
            two = [choice("threat", "no")]
        task["annotations"] = [
            annotation(10 + k, 1, one, task=task["id"]),
            annotation(20 + k, {"id": 2, "email": "coder2@example.org", "first_name": ""}, two,
                       task=task["id"]),
            annotation(30 + k, 3, [], task=task["id"], was_cancelled=True),
        ]
        out.append(task)
    return out


EXPECTED_CODER_1 = [
    {"id": "news/x.md:0", "source": "news", "doc": "x.md", "date": "2024-05", "title": "Grain",
     "before": "", "sentence": S0, "after": S1, "threat": True, "threat_type": "military",
     "horizon": "present",
     "actors": {"RUS": {"sentiment": "negative", "role": "source",
                        "mentions": [{"mention": "Russia", "from": 0, "to": 6}]},
                "NATO": {"sentiment": "neutral", "role": "referent",
                         "mentions": [{"mention": "NATO", "from": 37, "to": 41}]}}},
    {"id": "news/x.md:1", "source": "news", "doc": "x.md", "date": "2024-05", "title": "Grain",
     "before": S0, "sentence": S1, "after": S2, "threat": False, "threat_type": None,
     "horizon": None,
     "actors": {"UKR": {"sentiment": "positive", "role": "none",
                        "mentions": [{"mention": "Ukraine", "from": 2, "to": 9}]},
                "POL": {"sentiment": "positive", "role": "none",
                        "mentions": [{"mention": "Poland", "from": 14, "to": 20}]}}},
    {"id": "news/x.md:2", "source": "news", "doc": "x.md", "date": "2024-05", "title": "Grain",
     "before": S1, "sentence": S2, "after": "", "threat": False, "threat_type": None,
     "horizon": None, "actors": {}},
]


@pytest.fixture()
def export(sample, tmp_path):
    p = tmp_path / "project-4-at-2025-01-09.json"
    p.write_text(json.dumps(make_export(to_label_studio(sample))), encoding="utf-8")
    return p


def test_round_trip_to_codebook_rows(export, tmp_path):
    assert label_studio_annotators(export) == ["1", "coder2@example.org"]
    rows = from_label_studio(export, annotator=1)
    assert rows == EXPECTED_CODER_1
    assert from_label_studio(export, annotator="1") == rows
    # the rows are a valid gold file, read back unchanged
    path = write_codebook_jsonl(rows, tmp_path / "coder1.jsonl")
    assert read_codebook(path) == EXPECTED_CODER_1

    two = from_label_studio(export, annotator="coder2@example.org")
    assert [(r["threat"], r["horizon"], sorted(r["actors"])) for r in two] == [
        (True, "future", ["RUS"]), (False, None, ["UKR"]), (False, None, [])]
    assert two[1]["actors"]["UKR"] == {"sentiment": "neutral", "role": "none",
                                       "mentions": [{"mention": "Ukraine", "from": 2, "to": 9}]}
    both = from_label_studio(export, by_annotator=True)
    assert both == {"1": rows, "coder2@example.org": two}  # the skip (annotator 3) is left out

    files = write_codebook_from_label_studio(export, tmp_path / "gold")
    assert {k: p.name for k, p in files.items()} == {
        "1": "codebook_1.jsonl", "coder2@example.org": "codebook_coder2_example.org.jsonl"}
    assert read_codebook(files["coder2@example.org"]) == two


def test_latest_submission_counts(sample, tmp_path):
    tasks = make_export(to_label_studio(sample))[2:]
    later = annotation(99, 1, [choice("threat", "yes"), choice("threat_type", "other"),
                               choice("horizon", "past")])
    later["updated_at"] = "2025-02-01T00:00:00Z"
    tasks[0]["annotations"].insert(0, later)
    p = tmp_path / "e.json"
    p.write_text(json.dumps(tasks))
    assert [(r["threat"], r["threat_type"]) for r in from_label_studio(p, annotator=1)] == [
        (True, "other")]


def edit(export_path, fn, tmp_path):
    tasks = json.loads(export_path.read_text(encoding="utf-8"))
    fn(tasks)
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(tasks), encoding="utf-8")
    return p


def results(tasks, k=0):
    return tasks[k]["annotations"][0]["result"]


@pytest.mark.parametrize("fn,message", [
    (lambda t: results(t)[0]["value"].update(labels=["RUSSIA"]),
     r"task 101, annotation 10 \(annotator 1\), result\[0\]: unknown actor label 'RUSSIA'; "
     r"valid labels are .*NATO.*RUS"),
    (lambda t: results(t)[-1]["value"].update(choices=["soon"]),
     r"task 101.*horizon 'soon' is not a valid value; valid values are present, future, past"),
    (lambda t: results(t)[2]["value"].update(choices=["hostile"]),
     r"task 101.*sentiment 'hostile' is not a valid value; valid values are negative, neutral, "
     r"positive"),
    (lambda t: t[0]["annotations"][0].update(
        result=[r for r in results(t) if r["from_name"] != "threat"]),
     r"task 101.*missing required choice 'threat' \(one of yes, no\)"),
    (lambda t: t[0]["annotations"][0].update(
        result=[r for r in results(t) if r["from_name"] != "threat_type"]),
     r"task 101.*threat is yes but the required choice 'threat_type' is missing"),
    (lambda t: t[0]["annotations"][0].update(
        result=[r for r in results(t) if not (r["from_name"] == "sentiment"
                                              and r["id"] == "m1")]),
     r"task 101.*actor NATO has no sentiment"),
    (lambda t: t[0]["annotations"][0].update(
        result=[r for r in results(t) if not (r["from_name"] == "role" and r["id"] == "m0")]),
     r"task 101.*actor RUS has no role in a threat frame"),
    (lambda t: results(t, 1).append(choice("role", "source", results(t, 1)[0])),
     r"task 102.*actor UKR has role 'source' but the sentence is not a threat frame"),
    (lambda t: results(t).append(dict(results(t)[0], id="m9")) or
     results(t).append(choice("sentiment", "positive", dict(results(t)[0], id="m9"))),
     r"task 101.*actor RUS has sentiment 'negative' on one mention and 'positive' on another"),
    (lambda t: results(t).append(choice("sentiment", "positive", {"id": "zz", "value": {
        "start": 0, "end": 1, "text": "R"}})),
     r"task 101.*a 'sentiment' choice belongs to region 'zz', which has no actor label"),
    (lambda t: results(t)[0]["value"].update(start=50, end=60),
     r"task 101.*result\[0\]: span 50:60 is empty or outside the sentence"),
    (lambda t: results(t)[0]["value"].update(text="Russland"),
     r"task 101.*result\[0\]: span 0:6 is 'Russia' in data.sentence but the result's text is "
     r"'Russland'"),
    (lambda t: results(t, 1)[0]["value"].update(start=2, end=9),  # code points, not UTF-16
     r"task 102.*result\[0\]: span 2:9 is ' Ukrain' in data.sentence but the result's text "
     r"is 'Ukraine'"),
    (lambda t: t[0]["data"].pop("sample_id"), r"task 101.*data.sample_id is missing"),
    (lambda t: t[0].update(annotations={}), r"task 101: field 'annotations' must be a list"),
    (lambda t: t[0].update(data=[]), r"task 101: field 'data' must be an object"),
    (lambda t: t[0]["annotations"][0].update(result=None),
     r"task 101: annotations\[0\].result must be a list"),
])
def test_malformed_exports_name_file_task_and_field(export, tmp_path, fn, message):
    bad = edit(export, fn, tmp_path)
    with pytest.raises(CorpusError, match=message) as err:
        from_label_studio(bad, annotator=1)
    assert str(err.value).startswith(str(bad))


def test_export_level_errors(export, tmp_path):
    with pytest.raises(CorpusError, match="annotations by 2 annotators \\(1, coder2@example.org"
                                          "\\); pass annotator=... .*by_annotator=True"):
        from_label_studio(export)
    with pytest.raises(CorpusError, match="no submitted annotations by annotator 7"):
        from_label_studio(export, annotator=7)
    with pytest.raises(CorpusError, match="no such Label Studio export"):
        from_label_studio(tmp_path / "missing.json")
    bad = tmp_path / "broken.json"
    bad.write_text('[{"id": 1,', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"broken.json: not valid JSON .*line 1"):
        from_label_studio(bad)
    mini = tmp_path / "min.json"
    mini.write_text(json.dumps([{"id": 1, "sentence": "x", "threat": "yes"}]), encoding="utf-8")
    with pytest.raises(CorpusError, match="task 1: .*JSON-MIN.*export the project as JSON"):
        from_label_studio(mini)
    obj = tmp_path / "obj.json"
    obj.write_text('{"tasks": []}', encoding="utf-8")
    with pytest.raises(CorpusError, match="expected a list of tasks"):
        from_label_studio(obj)
