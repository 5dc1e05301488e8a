import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from toolkit.cli import main

SEED = Path(__file__).resolve().parents[1] / "corpus" / "seed"


def test_corpus_info_prints_counts(capsys):
    assert main(["corpus-info", str(SEED), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "seed" in out and "skipped files: 0" in out


def test_analyze_writes_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    assert main(["analyze", str(SEED), "--out", str(out), "--quiet",
                 "--stages", "corpus,sentences,tokens"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == 1 and summary["skipped_files"] == 0
    sents = pd.read_parquet(out / "sentences.parquet")
    toks = pd.read_parquet(out / "tokens.parquet")
    assert summary["tables"]["sentences"] == len(sents) == 19
    assert summary["tables"]["tokens"] == len(toks)
    assert (out / "corpus_info.csv").exists() and (out / "skipped.csv").exists()


def test_errors_are_one_line_and_exit_2(capsys):
    assert main(["corpus-info", "no/such/folder", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("toolkit corpus-info: error: no/such/folder: no such file or folder")


def test_console_script_runs():
    exe = Path(sys.executable).with_name("toolkit")
    res = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    assert "corpus-info" in res.stdout and "analyze" in res.stdout


def test_python_dash_m_toolkit_runs_the_cli():
    res = subprocess.run([sys.executable, "-m", "toolkit", "corpus-info", str(SEED), "--quiet"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "seed" in res.stdout and "skipped files: 0" in res.stdout
    bad = subprocess.run([sys.executable, "-m", "toolkit", "corpus-info", "no/such/folder"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "no such file or folder" in bad.stderr


def test_topics_command_writes_tables_and_rejects_bad_choices(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    from toolkit import read_corpus

    docs = read_corpus(str(SEED.parent / "whitehouse"), progress=False)
    small = tmp_path / "small.parquet"
    docs.nsmallest(40, "n_chars")[["doc_id", "title", "date", "text"]].to_parquet(small)
    out = tmp_path / "t"
    assert main(["topics", str(small), "--k", "2", "--seed", "3", "--out", str(out),
                 "--sweep", "2,3", "--quiet"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["k"] == 2 and printed["seed"] == 3 and printed["model"] == "nmf"
    terms = pd.read_csv(out / "topic_terms.csv")
    assert set(terms["topic"]) == {0, 1}
    assert (out / "sweep.csv").exists() and (out / "doc_topics.parquet").exists()
    assert main(["topics", str(small), "--model", "lsa", "--out", str(out), "--quiet"]) == 2
    assert "valid values are: 'nmf', 'lda'" in capsys.readouterr().err
    assert main(["topics", str(small), "--sweep", "a,b", "--out", str(out), "--quiet"]) == 2


def test_agreement_command_prints_json_last_and_reports_bad_files(tmp_path, capsys):
    import json as _json

    from toolkit.resources import data_path

    dev = data_path("eval", "threat_dev.jsonl").read_text(encoding="utf-8").splitlines()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(dev[:20]) + "\n", encoding="utf-8")
    rows = [_json.loads(x) for x in dev[:20]]
    rows[0]["threat"], rows[0]["threat_type"], rows[0]["horizon"] = True, "military", "present"
    b.write_text("\n".join(_json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert main(["agreement", str(a), str(b), "--disagreements", str(tmp_path / "d.csv")]) == 0
    res = _json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res["threat"]["n"] == 20 and res["threat"]["agreement"] == 0.95
    dis = pd.read_csv(tmp_path / "d.csv")
    # the threat flag, and the type and horizon the second coder gave it
    assert dis["field"].tolist() == ["threat", "threat_type", "horizon"]
    assert main(["agreement", str(a)]) == 2
    assert "two" in capsys.readouterr().err


def test_sample_command_writes_a_coding_sample(tmp_path, capsys):
    import json as _json

    assert main(["sample", str(SEED), "--n", "6", "--out", str(tmp_path / "coding"),
                 "--quiet"]) == 0
    res = _json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res["n"] == 6
    lines = (tmp_path / "coding" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and all(_json.loads(x)["threat"] is None for x in lines)


def test_home_actor_option_resolves_office_titles(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    doc = tmp_path / "corpus" / "kremlin_news" / "2024-03-01.md"
    doc.parent.mkdir(parents=True)
    doc.write_text("---\ntitle: Statement\ndate: 2024-03-01\n---\n"
                   "The President met the Security Council today.\n", encoding="utf-8")
    other = tmp_path / "corpus" / "elysee" / "2024-03-02.md"
    other.parent.mkdir(parents=True)
    other.write_text("A statement.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "corpus"), "--out", str(out), "--quiet",
                 "--stages", "corpus,sentences,mentions", "--home-actor",
                 "kremlin_news=RUS"]) == 0
    ments = pd.read_parquet(out / "mentions.parquet")
    assert ments.loc[ments["surface"] == "The President", "actor"].tolist() == ["RUS"]
    assert main(["analyze", str(tmp_path / "corpus"), "--out", str(out), "--quiet",
                 "--home-actor", "kremlin_news"]) == 2
