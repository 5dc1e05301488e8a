"""Generate toolkit/data/actors/ungd_leaders.yaml from corpus/ungd/speakers.csv.

Every row of speakers.csv names the head of state or government, vice-president, deputy prime
minister or foreign minister who gave a state's General Debate speech in one year. This script
groups the rows by state and person and writes one leader entry per person with the years they
spoke (a lower bound of their years in office) and their office (which makes titled forms such as
"President Nishani"). Delegation chairs and ambassadors are left out: they are not leaders.

* Full names are always forms (honorifics such as "Mr.", "H.E.", "His Majesty" removed).
* The surname alone is a form only when it is distinctive: at least four letters, the surname of
  one person only in speakers.csv and never a first name there, never written in lower case in the
  corpus (so not an English word: "Grant", "May"), not a surface form of the curated gazetteer, and
  used without the full name in at most 2 documents of the corpus (so not a common name such as
  "Abdullah", a company such as "Meta" or a word of another language).
* People curated in gazetteer.yaml for the same state are skipped.

The typos of three iso3 codes in speakers.csv (POR, ZFA, PKR) are mapped to PRT, ZAF, PRK.

Run from the repository root:  .venv/bin/python scripts/build_gazetteer.py
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
GAZ = ROOT / "toolkit" / "data" / "actors"
ISO_FIX = {"POR": "PRT", "ZFA": "ZAF", "PKR": "PRK"}
HONORIFICS = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|H\.\s?E|Hon|Rt\.?\s?Hon|Lt\.?\s?Gen|Gen|Col|Maj|Capt)\.?|"
    r"His|Her|Excellency|Majesty|Royal|Highness|Serene|the|King|Queen|Prince|Princess|Crown|"
    r"Emir|Amir|Sultan|Sheikh|Sheikha|Shaikh|Sayyid|Sir|Dame|Lord|Archbishop|Cardinal|Monsignor|"
    r"Msgr\.|Alhaji|Chief|Dato'?|Datuk|Tan|Sri|Pehin|General|Brigadier|Colonel|Major|Captain|"
    r"Judge|Professor|Doctor|Mme\.?|Mlle\.?|Madam|Madame|Honourable|Honorable)\s+",
    re.I)
NOT_SURNAME = {"Jr.", "Jr", "Sr.", "II", "III", "IV", "Senior", "Junior", "bin", "ibn", "Al",
               "al", "El", "el", "Ould", "Ben", "da", "de", "dos", "van", "von", "der"}


def clean_name(raw: str) -> str:
    name = " ".join(str(raw).replace("\u00a0", " ").split()).strip(" ,")
    prev = None
    while prev != name:
        prev = name
        name = HONORIFICS.sub("", name).strip()
    return name


def office_of(post: str) -> str | None:
    p = " ".join(str(post).split()).lower()
    if not p or "delegation" in p or "representative" in p or "ambassador" in p or "envoy" in p:
        return None
    if p.startswith("deputy") and "prime minister" not in p and "foreign" not in p:
        return None
    if ("vice-president" in p or "vice president" in p) and not p.startswith("president"):
        return "vice_president"
    if "prime minister" in p or "head of government" in p or "president of the government" in p \
            or "council of ministers" in p or "premier" in p or "chief executive" in p \
            or "chief advisor" in p:
        return "prime_minister"
    if "foreign" in p or "external" in p or "relations with states" in p or \
            "secretary of state" in p:
        return "foreign_minister"
    if "chancellor" in p:
        return "chancellor"
    if p.startswith("king") or "king and" in p:
        return "king"
    if "amir" in p or "emir" in p:
        return "emir"
    if "crown prince" in p:
        return "crown_prince"
    if "president" in p:
        return "president"
    if "head of state" in p or "prince" in p or "presidency" in p or "captain regent" in p:
        return "head"
    return None


def norm(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speakers", default=str(ROOT / "corpus" / "ungd" / "speakers.csv"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"),
                    help="folder searched to decide whether a surname is distinctive")
    ap.add_argument("--out", default=str(GAZ / "ungd_leaders.yaml"))
    ap.add_argument("--max-stray", type=int, default=2,
                    help="most documents that may use a surname without the full name")
    args = ap.parse_args(argv)

    base = yaml.safe_load((GAZ / "gazetteer.yaml").read_text(encoding="utf-8"))
    actors = base["actors"]
    curated_forms: set[str] = set()
    curated_people: dict[str, set[str]] = collections.defaultdict(set)
    for aid, spec in actors.items():
        for kind in ("name", "demonym", "capital", "organisation"):
            for f in spec.get(kind) or []:
                curated_forms.add(f if isinstance(f, str) else f["form"])
        for ld in spec.get("leaders") or []:
            names = [ld["name"], *(ld.get("forms") or [])]
            if ld.get("short"):
                curated_forms.add(ld["short"])
                names.append(ld["short"])
            curated_people[aid].update(n.lower() for n in names)
    for f in base.get("exclude") or []:
        curated_forms.add(f)

    sp = pd.read_csv(args.speakers, dtype=str).fillna("")
    sp["iso3"] = sp["iso3"].str.strip().replace(ISO_FIX)
    sp["name"] = sp["speaker"].map(lambda s: norm(clean_name(s)))
    # a single word left after removing honorifics ("Sheikh Hasina"): keep the speaker's spelling
    one = ~sp["name"].str.contains(" ")
    sp.loc[one, "name"] = sp.loc[one, "speaker"].map(
        lambda s: norm(" ".join(re.sub(r"^(?:Mr|Mrs|Ms|Dr)\.?\s+", "", str(s).strip()).split())))
    sp["office"] = sp["post"].map(office_of)
    sp["year"] = pd.to_numeric(sp["year"], errors="coerce")
    sp = sp[(sp["name"] != "") & sp["office"].notna() & sp["year"].notna()]
    sp = sp[sp["iso3"].isin(actors)]

    # corpus statistics for distinctiveness
    lower_words: set[str] = set()
    docs_of: dict[str, list[int]] = collections.defaultdict(list)
    texts: list[str] = []
    for p in sorted(Path(args.corpus).rglob("*")):
        if p.suffix in {".txt", ".md"} and p.name.lower() not in {"readme.txt", "readme.md"}:
            t = " ".join(p.read_text(encoding="utf-8", errors="replace").split())
            lower_words.update(re.findall(r"\b[a-z][a-z'-]+\b", t))
            for tok in set(re.findall(r"\w[\w'’-]*", t)):
                docs_of[tok].append(len(texts))
            texts.append(t)
    people = sp.groupby(["iso3", "name"])
    surnames = collections.Counter()
    first_names = set()
    for (iso3, name), _ in people:
        toks = [t for t in name.split() if t not in NOT_SURNAME]
        if toks:
            surnames[toks[-1]] += 1
            first_names.add(toks[0])

    def stray_docs(token: str, name: str) -> int:
        """Documents that use the surname without the full name."""
        return sum(1 for i in docs_of.get(token, ()) if name not in texts[i])

    out: dict[str, dict] = {}
    n_people = n_short = 0
    for (iso3, name), rows in people:
        if name.lower() in curated_people.get(iso3, set()):
            continue
        toks = [t for t in name.split() if t not in NOT_SURNAME]
        if not toks or not re.match(r"\w", name):
            continue
        surname = toks[-1].strip(",")
        office = rows["office"].mode().iloc[0]
        entry: dict = {"name": name, "office": office,
                       "from": int(rows["year"].min()), "to": int(rows["year"].max())}
        titled_ok = (len(surname) >= 3 and re.fullmatch(r"[^\W\d_][\w'’-]*", surname)
                     and surname[0].isupper() and surnames[surname] == 1)
        if titled_ok and surname != name:
            entry["titled"] = surname
            distinctive = (len(surname) >= 4 and surname.lower() not in lower_words
                           and surname not in first_names and surname not in curated_forms
                           and stray_docs(surname, name) <= args.max_stray)
            if distinctive:
                entry["short"] = surname
                n_short += 1
        # the name as spelled in speakers.csv when it differs from the cleaned one
        spelled = sorted({" ".join(s.split()) for s in rows["speaker"]} - {name})
        forms = [s for s in spelled if not HONORIFICS.match(s) and re.match(r"\w", s)]
        if forms:
            entry["forms"] = forms
        out.setdefault(iso3, {"leaders": []})["leaders"].append(entry)
        n_people += 1

    header = (
        "# GENERATED by scripts/build_gazetteer.py from corpus/ungd/speakers.csv -- do not edit;\n"
        "# add or correct leaders in gazetteer.yaml (curated entries of a state win) or in a user\n"
        "# file. Years are the years the person spoke in the General Debate (a lower bound of the\n"
        "# years in office); `short` (the surname alone) only where it is distinctive.\n")
    body = yaml.safe_dump({"actors": dict(sorted(out.items()))}, allow_unicode=True,
                          sort_keys=False, width=120, default_flow_style=None)
    Path(args.out).write_text(header + body, encoding="utf-8")
    print(f"wrote {args.out}: {n_people} leaders of {len(out)} states, {n_short} with the surname "
          "alone", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
