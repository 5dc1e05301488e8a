"""The named figures of the analysis, reproducible with one command.

``python -m toolkit.figures --corpus corpus --out figures`` (what ``make analysis`` runs after
``toolkit analyze``) computes the analysis tables of a corpus (cached on disk, see
:mod:`toolkit.cache`), then writes for every figure of :data:`FIGURES`:

- ``<name>.png`` (150 dpi) and ``<name>.svg``: the figure;
- ``<name>.csv``: the tidy table behind it (sorted rows, six decimals: same bytes on every run);

plus ``captions.md`` listing every figure with its caption. The notebooks in ``notebooks/`` draw
the same figures with :func:`figure` on the same :class:`AnalysisTables`.

Each registry entry is a :class:`FigureSpec`: a function building the figure's table from the
analysis tables, a plot function of that table (from :mod:`toolkit.plots_corpus`,
:mod:`toolkit.plots_threat`, :mod:`toolkit.plots_sentiment`, :mod:`toolkit.plots_topics`,
:mod:`toolkit.keyness`) and a caption.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.bootstrap import bootstrap_ci
from toolkit.cache import cached_table
from toolkit.engine.graph import GRAPH, GraphRun, decode_json_columns
from toolkit.errors import check_choice

__all__ = ["AXIS", "FIGURES", "FOCUS_ACTORS", "AnalysisTables", "FigureSpec", "validation_scores",
           "FIGURES_SENTIMENT_METHOD", "figure", "figure_table", "make_figures", "main", "newsmtsc_scores", "open_project",
           "seed_summary", "to_csv_bytes"]

#: Bump when a figure table's code changes its output (part of every figure-table cache key).
FIGURES_VERSION = "1"
#: The four states of the seed article.
AXIS = ("CHN", "IRN", "PRK", "RUS")
#: Actors followed in the threat-source and sentiment figures.
FOCUS_ACTORS = ("RUS", "CHN", "PRK", "IRN", "USA", "NATO", "UKR")
#: Speaking states grouped for the reciprocal-framing figure (UN General Debate).
BALTIC = ("EST", "LTU", "LVA")
NORDIC = ("DNK", "FIN", "ISL", "NOR", "SWE")
#: Topics of the topic figures (the pipeline's default k and seed).
TOPICS_K = 20
TOPICS_SEED = 0
SWEEP_KS = (10, 15, 20, 25, 30)
RANDOM_STATE = 0
#: Years of a collection with fewer documents are not drawn in the by-year figures (named in a
#: note instead): their intervals are too wide to compare and would set the scale.
MIN_YEAR_DOCS = 30
#: Actor-sentiment and threat methods of the figures and notebooks: the toolkit's defaults, the
#: codebook model (one encoder pass per sentence gives the frames, the roles and the actor
#: sentiment), so every figure shows the validated measures. ``AnalysisTables(sentiment_method=
#: "neural", threat_method="rules")`` or ``python -m toolkit.figures --sentiment-method ...``
#: draw them with the other methods.
FIGURES_SENTIMENT_METHOD = "codebook"
FIGURES_THREAT_METHOD = "model"


class AnalysisTables:
    """The analysis tables of a corpus, built on first use and cached on disk.

    ``tables["threat_frames"]`` runs (or reads from the cache) exactly what
    :func:`toolkit.analyze` runs for that table, with the same cache keys, so the pipeline, the
    figures and the notebooks share one cache. Names: ``documents``, ``sentences``, ``tokens``,
    ``mentions``, ``threat_frames``, ``threat_roles``, ``threat_index``, ``actor_sentiment``,
    ``dtm``, ``topic_model`` (objects, not cached on disk), ``topic_info``, ``topic_terms``,
    ``doc_topics``, ``topics_over_time``, ``topic_sweep``, ``validation_scores`` (and every
    table of the stage graph, e.g. ``codebook_scores``).

    Parameters
    ----------
    corpus : str or Path
        Corpus folder (anything :func:`toolkit.read_corpus` reads).
    sentiment_method : str, optional
        Actor-sentiment method; default :data:`FIGURES_SENTIMENT_METHOD` (``"codebook"``).
    threat_method : {"model", "rules"}, optional
        Threat frames and roles; default :data:`FIGURES_THREAT_METHOD` (``"model"``).
    progress, use_cache : bool
    analysis : str or Path, optional
        The output folder of :func:`toolkit.analyze` (``toolkit analyze CORPUS --out DIR``):
        a pipeline table is read from there when its stage-graph key in ``summary.json``
        matches this corpus and these settings, instead of being rebuilt.
    """

    def __init__(self, corpus: str | Path = "corpus", *, sentiment_method: str | None = None,
                 threat_method: str | None = None, progress: bool = True,
                 use_cache: bool = True, analysis: str | Path | None = None) -> None:
        self.corpus = Path(corpus)
        self.sentiment_method = sentiment_method or FIGURES_SENTIMENT_METHOD
        self.threat_method = threat_method or FIGURES_THREAT_METHOD
        self.progress = progress
        self.use_cache = use_cache
        self.analysis = None if analysis is None else Path(analysis)
        self._tables: dict[str, object] = {}
        self.timings: dict[str, float] = {}
        self._graph: GraphRun | None = None

    # -- plumbing ---------------------------------------------------------------------------
    def __getitem__(self, name: str):
        if name not in self._tables:
            builder = getattr(self, f"_build_{name}", None)
            if builder is None and name in GRAPH:
                builder = functools.partial(self._graph_table, name)
            if builder is None:
                raise KeyError(f"unknown table {name!r}")
            t = time.perf_counter()
            self._tables[name] = builder()
            self.timings[name] = round(time.perf_counter() - t, 2)
        return self._tables[name]

    def __contains__(self, name: str) -> bool:
        return name in self._tables

    @property
    def graph(self) -> GraphRun:
        """The run of the stage graph behind the pipeline's tables (same keys as
        :func:`toolkit.analyze`, so both share one cache)."""
        if self._graph is None:
            from toolkit.engine.stages import stage_params

            self._graph = GraphRun({"documents": self["documents"]}, use_cache=self.use_cache,
                                   progress=self.progress,
                                   params=stage_params(self.sentiment_method, self.threat_method))
        return self._graph

    @property
    def fingerprint(self) -> str:
        return self.graph.key("documents")

    def cached(self, stage: str, build: Callable[[], pd.DataFrame], params: dict | None = None,
               version: str = "1") -> pd.DataFrame:
        """``build()`` through :func:`toolkit.cache.cached_table` keyed by this corpus."""
        return cached_table(stage, self["documents"], build, params=params, version=version,
                            use_cache=self.use_cache, fingerprint=self.fingerprint)

    # -- the pipeline's tables: read from what `toolkit analyze` wrote, else the stage graph --
    def _build_documents(self):
        from toolkit.corpus import read_corpus

        return read_corpus(self.corpus, progress=self.progress)

    def _stored(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` as ``toolkit analyze`` wrote it to :attr:`analysis`, if it was built
        from the same documents, parameters, data and code (its key in ``summary.json``)."""
        if self.analysis is None:
            return None
        summary = self.analysis / "summary.json"
        path = self.analysis / f"{name}.parquet"
        if not summary.is_file() or not path.is_file():
            return None
        keys = json.loads(summary.read_text(encoding="utf-8")).get("keys", {})
        if keys.get(name) != self.graph.key(name):
            return None
        return decode_json_columns(pd.read_parquet(path), GRAPH[name].json_columns)

    def _graph_table(self, name: str) -> pd.DataFrame:
        graph = self.graph
        if name not in graph:
            for n in GRAPH.upstream([name]):
                if n not in graph:
                    stored = self._stored(n)
                    if stored is not None:
                        graph.tables[n] = stored
        return graph[name]

    # -- topics ----------------------------------------------------------------------------
    def _build_dtm(self):
        from toolkit.dtm import dtm

        return dtm(self["tokens"])

    def _build_topic_model(self):
        from toolkit.topics import TopicModel

        return TopicModel(TOPICS_K, model="nmf", random_state=TOPICS_SEED).fit(self["dtm"])

    def _topic_params(self, **extra) -> dict:
        return {"k": TOPICS_K, "seed": TOPICS_SEED, "model": "nmf", **extra}

    def _build_topic_info(self):
        return self.cached("figures_topic_info",
                           lambda: self["topic_model"].topic_info(10), self._topic_params())

    def _build_topic_terms(self):
        return self.cached("figures_topic_terms",
                           lambda: self["topic_model"].topic_terms(10, kind="both"),
                           self._topic_params())

    def _build_doc_topics(self):
        return self.cached("figures_doc_topics",
                           lambda: self["topic_model"].doc_topics(level="document"),
                           self._topic_params())

    def _build_topics_over_time(self):
        from toolkit.topics import topics_over_time

        docs = self["documents"]
        docs = docs[docs["collection"] != "seed"]
        return self.cached("figures_topics_over_time", lambda: topics_over_time(
            self["doc_topics"], docs, freq="year", by="collection",
            random_state=RANDOM_STATE), self._topic_params(random_state=RANDOM_STATE))

    def _build_topic_sweep(self):
        from toolkit.topics import sweep

        return self.cached("figures_topic_sweep", lambda: sweep(
            self["dtm"], SWEEP_KS, models=("nmf",), random_state=TOPICS_SEED,
            progress=self.progress).drop(columns=["fit_seconds"], errors="ignore"),
            {"ks": list(SWEEP_KS), "models": ["nmf"], "seed": TOPICS_SEED})

    # -- validation ------------------------------------------------------------------------
    def _build_validation_scores(self):
        return validation_scores(sentiment_method=self.sentiment_method,
                                 threat_method=self.threat_method, use_cache=self.use_cache)


def validation_scores(*, sentiment_method: str = "codebook", threat_method: str = "model",
                      use_cache: bool = True) -> pd.DataFrame:
    """The toolkit's scores on the threat dev set beside the coders' agreement.

    Runs :func:`toolkit.evaluate_codebook` on ``toolkit/data/eval/threat_dev.jsonl`` and reads the
    agreement of the two coders from ``threat_dev_agreement.json`` (same folder).

    Returns
    -------
    DataFrame
        ``measure``, ``toolkit``, ``toolkit_metric``, ``coders``, ``coders_metric``, ``n``,
        ``cv_mean``, ``cv_sd`` (the codebook model's 5-fold cross-validated score on the
        training split and its standard deviation over folds; NaN for measures not from the
        model), in a fixed order.
    """
    from toolkit.evaluate import evaluate_codebook
    from toolkit.resources import data_path
    from toolkit.sentiment import sentiment_model_id

    gold = Path(data_path("eval", "threat_dev.jsonl"))
    agreement = json.loads(Path(data_path("eval", "threat_dev_agreement.json"))
                           .read_text(encoding="utf-8"))["dev"]

    def build() -> pd.DataFrame:
        r = evaluate_codebook(gold, sentiment_method=sentiment_method,
                              threat_method=threat_method)
        rows = [
            ("threat frame (sentence)", r["threat"]["f1"], "F1", agreement["threat_agreement"],
             "agreement", r["n_sentences"]),
            ("threat type", r["threat_type"]["accuracy"], "accuracy",
             agreement["threat_type_agreement"], "agreement", r["threat_type"]["n"]),
            ("horizon", r["horizon"]["accuracy"], "accuracy", agreement["horizon_agreement"],
             "agreement", r["horizon"]["n"]),
            ("threat source (sentence, actor)", r["source"]["f1"], "F1",
             agreement["source_pairs_f1"], "F1", r["n_sentences"]),
            ("actor detection (sentence, actor)", r["actors"]["f1"], "F1",
             agreement["actor_pairs_f1"], "F1", r["n_sentences"]),
            (f"actor sentiment ({sentiment_method})", r["sentiment"]["accuracy"], "accuracy",
             agreement["sentiment_agreement"], "agreement", r["sentiment"]["n"]),
            (f"actor sentiment ({sentiment_method}), macro-F1", r["sentiment"]["macro_f1"],
             "macro-F1", np.nan, "not reported", r["sentiment"]["n"]),
        ]
        table = pd.DataFrame(rows, columns=["measure", "toolkit", "toolkit_metric", "coders",
                                            "coders_metric", "n"])
        # The model's 5-fold cross-validated scores on the training split (grouped by document;
        # mean and standard deviation over folds), where the measure is the model's.
        cv = json.loads((Path(data_path("codebook")) / "cv_scores.json")
                        .read_text(encoding="utf-8"))
        run = cv["runs"][cv.get("primary", "main")]
        cv_key = {"threat frame (sentence)": ("threat.f1", threat_method == "model"),
                  "threat type": ("type_accuracy", threat_method == "model"),
                  "horizon": ("horizon_accuracy", threat_method == "model"),
                  "threat source (sentence, actor)": ("source.f1", threat_method == "model"),
                  f"actor sentiment ({sentiment_method})": (
                      "sentiment_accuracy", sentiment_method == "codebook"),
                  f"actor sentiment ({sentiment_method}), macro-F1": (
                      "sentiment_macro_f1", sentiment_method == "codebook")}
        table["cv_mean"] = [run["mean"][cv_key[m][0]] if m in cv_key and cv_key[m][1]
                            else np.nan for m in table["measure"]]
        table["cv_sd"] = [run["sd"][cv_key[m][0]] if m in cv_key and cv_key[m][1]
                          else np.nan for m in table["measure"]]
        return table

    if not use_cache:
        return build()
    from toolkit.engine.graph import data_hash

    key = hashlib.sha256(gold.read_bytes()).hexdigest()
    model = (data_hash(("codebook",)) if threat_method == "model" or sentiment_method == "codebook"
             else None)
    return cached_table("figures_validation_scores", pd.DataFrame({"doc_id": [], "text": []}),
                        build, params={"method": sentiment_method, "threat": threat_method,
                                       "codebook": model,
                                       "model": (sentiment_model_id(sentiment_method)
                                                 if sentiment_method != "codebook" else None)},
                        version=FIGURES_VERSION,
                        fingerprint=key)


def newsmtsc_scores(methods: Sequence[str] = ("neural", "sklearn", "lexicon"),
                    files: Sequence[str] = ("dev_rw.jsonl", "dev_mt.jsonl"), *,
                    use_cache: bool = True) -> pd.DataFrame:
    """Target-sentiment scores of each method on the NewsMTSC dev files shipped in the package.

    Runs :func:`toolkit.evaluate_newsmtsc` (the neural model takes tens of seconds per file on
    two CPU cores; the result is cached on disk, keyed by the files' content).

    Returns
    -------
    DataFrame
        ``file``, ``method``, ``n``, ``macro_f1``, ``accuracy``, ``f1_negative``, ``f1_neutral``,
        ``f1_positive``; sorted by file and method.
    """
    from toolkit.evaluate import evaluate_newsmtsc
    from toolkit.resources import data_path
    from toolkit.sentiment import sentiment_model_id

    paths = [Path(data_path("newsmtsc", f)) for f in files]

    def build() -> pd.DataFrame:
        rows = []
        for f, path in zip(files, paths):
            for m in methods:
                r = evaluate_newsmtsc(path, method=m)
                rows.append({"file": f, "method": m, "n": int(r["n"]),
                             "macro_f1": r["macro_f1"], "accuracy": r["accuracy"],
                             **{f"f1_{k}": v for k, v in sorted(r["f1_per_class"].items())}})
        return pd.DataFrame(rows).sort_values(["file", "method"]).reset_index(drop=True)

    if not use_cache:
        return build()
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return cached_table("figures_newsmtsc_scores", pd.DataFrame({"doc_id": [], "text": []}),
                        build, params={"methods": list(methods), "files": list(files),
                                       "models": [sentiment_model_id(m) for m in methods]},
                        version=FIGURES_VERSION, fingerprint=h.hexdigest())


# ---------------------------------------------------------------------------------------------
# Figure tables: each a function of AnalysisTables returning a tidy DataFrame
# ---------------------------------------------------------------------------------------------

def _corpus_docs(t: AnalysisTables) -> pd.DataFrame:
    """Documents of the comparison collections (everything but the seed article)."""
    d = t["documents"]
    return d[d["collection"] != "seed"]


def table_corpus_by_year(t: AnalysisTables) -> pd.DataFrame:
    from toolkit.plots_corpus import corpus_by_year

    ti = t["threat_index"]
    return corpus_by_year(_corpus_docs(t), ti.set_index("doc_id")["n_words"])


def table_codebook_validation(t: AnalysisTables) -> pd.DataFrame:
    return t["validation_scores"]


def table_threat_by_year(t: AnalysisTables) -> pd.DataFrame:
    """Mean per-document share of threat sentences by collection and year (bootstrap CI over
    documents), and the pooled share (all threat sentences / all scored sentences)."""
    ti = t["threat_index"]
    ti = ti[(ti["collection"] != "seed") & ti["share"].notna()].copy()
    ti["year"] = ti["year"].astype("int64")
    ti["collection"] = ti["collection"].astype(object)
    boot = bootstrap_ci(ti, "share", ["collection", "year"], random_state=RANDOM_STATE)
    pooled = ti.groupby(["collection", "year"]).agg(
        n_threat=("n_threat", "sum"), n_scored=("n_scored", "sum"),
        n_words=("n_words", "sum")).reset_index()
    out = boot.rename(columns={"n": "n_docs"}).merge(pooled, on=["collection", "year"])
    out["pooled_share"] = out["n_threat"] / out["n_scored"]
    out["per_1000_words"] = 1000 * out["n_threat"] / out["n_words"]
    return out.sort_values(["collection", "year"]).reset_index(drop=True)


def table_threat_types(t: AnalysisTables) -> pd.DataFrame:
    from toolkit.threat import THREAT_TYPES

    ti = t["threat_index"]
    ti = ti[ti["collection"] != "seed"].copy()
    ti["year"] = ti["year"].astype("int64")
    ti["collection"] = ti["collection"].astype(object)
    g = ti.groupby(["collection", "year"])[["n_threat", *(f"n_{x}" for x in THREAT_TYPES)]].sum()
    long = g.reset_index().melt(["collection", "year", "n_threat"],
                                [f"n_{x}" for x in THREAT_TYPES], var_name="threat_type",
                                value_name="n")
    long["threat_type"] = long["threat_type"].str.removeprefix("n_").astype(object)
    long["share"] = long["n"] / long["n_threat"]
    return long.sort_values(["collection", "year", "threat_type"]).reset_index(drop=True)


def _attributions(t: AnalysisTables, docs: pd.DataFrame, actors: Sequence[str],
                  home: dict[str, str]) -> pd.DataFrame:
    from toolkit.threat_index import threat_attributions

    roles = t["threat_roles"]
    roles = roles[roles["actor"].isin(actors) & roles["doc_id"].isin(set(docs["doc_id"]))]
    frames = t["threat_frames"]
    frames = frames.loc[frames["doc_id"].isin(set(docs["doc_id"])), ["doc_id", "sent_id",
                                                                     "threat"]]
    out = threat_attributions(roles, docs, by="year", frames=frames, home_actors=home,
                              random_state=RANDOM_STATE)
    out["framer"] = out["framer"].astype(object)
    out["actor"] = out["actor"].astype(object)
    return out


def table_threat_sources(t: AnalysisTables) -> pd.DataFrame:
    """Share of each collection's threat sentences that name the actor as the threat source."""
    names = {"whitehouse": "White House (USA)", "ungd": "UN General Debate (all states)"}
    docs = _corpus_docs(t)[["doc_id", "collection", "date", "year"]].copy()
    docs["iso3"] = None  # the framer is the collection
    out = _attributions(t, docs, AXIS + ("ISIS", "HAMAS"), names)
    return out.sort_values(["framer", "actor", "year"]).reset_index(drop=True)


def table_axis_coframing(t: AnalysisTables) -> pd.DataFrame:
    from toolkit.coframing import coframing_by

    docs = _corpus_docs(t).copy()
    docs["year"] = docs["year"].astype("int64")
    docs["collection"] = docs["collection"].astype(object)
    return coframing_by(t["mentions"], docs, ["collection", "year"], actors=AXIS,
                        frames=t["threat_frames"], random_state=RANDOM_STATE)


RECIPROCAL = {"Russia": (("RUS",), ("NATO", "USA")),
              "Baltic states (EST, LTU, LVA)": (BALTIC, ("RUS",)),
              "Nordic states (DNK, FIN, ISL, NOR, SWE)": (NORDIC, ("RUS",))}


def table_reciprocal_framing(t: AnalysisTables) -> pd.DataFrame:
    """UN General Debate: how Russia frames NATO and the USA, and how the Baltic and Nordic
    states frame Russia (share of the group's threat sentences naming the actor as source)."""
    docs = t["documents"]
    docs = docs[docs["collection"] == "ungd"][["doc_id", "collection", "date", "year",
                                               "iso3"]].copy()
    group = {iso: g for g, (members, _) in RECIPROCAL.items() for iso in members}
    docs["iso3"] = docs["iso3"].map(group)
    docs = docs.dropna(subset=["iso3"])
    out = _attributions(t, docs, ("NATO", "USA", "RUS"), {})
    keep = [(g, a) for g, (_, targets) in RECIPROCAL.items() for a in targets]
    out = out[[(f, a) in keep for f, a in zip(out["framer"], out["actor"])]]
    # every year of the group, also those where the actor is never named as source
    years = docs.groupby("iso3")["year"].unique()
    n_thr = out.drop_duplicates(["framer", "year"]).set_index(["framer", "year"])["n_threat"]
    full = pd.DataFrame([(g, int(y), a) for g, a in keep for y in sorted(years.get(g, []))],
                        columns=["framer", "year", "actor"])
    out = full.merge(out, on=["framer", "year", "actor"], how="left")
    out["n_threat"] = [n_thr.get((f, y), np.nan) if pd.isna(n) else n
                       for f, y, n in zip(out["framer"], out["year"], out["n_threat"])]
    for c in ("n_source", "n_referent", "share_source", "ci_low", "ci_high", "share_referent"):
        out[c] = out[c].fillna(0.0)
    out = out.dropna(subset=["n_threat"])
    for c in ("n_threat", "n_source", "n_referent"):
        out[c] = out[c].astype("int64")
    return out.sort_values(["framer", "actor", "year"]).reset_index(drop=True)


def table_sentiment_by_year(t: AnalysisTables) -> pd.DataFrame:
    from toolkit.aggregate import sentiment_by

    docs = _corpus_docs(t)
    a = t["actor_sentiment"]
    a = a[a["actor"].isin(FOCUS_ACTORS) & a["doc_id"].isin(set(docs["doc_id"]))]
    out = sentiment_by(a, docs, ["collection", "year"], random_state=RANDOM_STATE)
    out["collection"] = out["collection"].astype(object)
    out["actor"] = out["actor"].astype(object)
    out = out[out["n"] >= 20]
    return out.sort_values(["collection", "actor", "year"]).reset_index(drop=True)


def table_sentiment_by_country(t: AnalysisTables, *, actors: Sequence[str] = ("RUS", "USA", "CHN"),
                               top: int = 25) -> pd.DataFrame:
    """UN General Debate: sentiment toward each actor by speaking state (the ``top`` states
    that mention the actor most, 2014-2024 pooled)."""
    from toolkit.aggregate import sentiment_by

    docs = t["documents"]
    docs = docs[docs["collection"] == "ungd"]
    a = t["actor_sentiment"]
    a = a[a["actor"].isin(actors) & a["doc_id"].isin(set(docs["doc_id"]))]
    out = sentiment_by(a, docs, ["iso3"], random_state=RANDOM_STATE)
    out["actor"] = out["actor"].astype(object)
    out["iso3"] = out["iso3"].astype(object)
    out = out[out["iso3"] != out["actor"]]  # not how a state talks about itself
    out = (out.sort_values(["actor", "n", "iso3"], ascending=[True, False, True])
           .groupby("actor").head(top))
    return out.sort_values(["actor", "iso3"]).reset_index(drop=True)


def table_topic_sweep(t: AnalysisTables) -> pd.DataFrame:
    return t["topic_sweep"].sort_values(["model", "k"]).reset_index(drop=True)


def table_topics_over_time(t: AnalysisTables) -> pd.DataFrame:
    out = t["topics_over_time"].copy()
    return out.sort_values(["group", "period", "topic"]).reset_index(drop=True)


def table_topic_threat(t: AnalysisTables) -> pd.DataFrame:
    from toolkit.topics import topic_association

    ti = t["threat_index"]
    ti = ti[ti["collection"] != "seed"]
    out = topic_association(t["doc_topics"], ti, "share")
    return out.sort_values("topic").reset_index(drop=True)


def seed_summary(t: AnalysisTables) -> pd.DataFrame:
    """Per-document threat index with the seed article's percentile within each collection."""
    ti = t["threat_index"]
    cols = ["doc_id", "collection", "year", "n_sentences", "n_threat", "share", "n_words",
            "per_1000_words"]
    d = ti[cols].copy()
    d["collection"] = d["collection"].astype(object)
    d["highlight"] = d["collection"] == "seed"
    seed = d[d["highlight"]]
    rows = []
    for _, s in seed.iterrows():
        for c in sorted(d.loc[~d["highlight"], "collection"].unique()):
            v = d.loc[(d["collection"] == c) & d["per_1000_words"].notna(), "per_1000_words"]
            sh = d.loc[(d["collection"] == c) & d["share"].notna(), "share"]
            rows.append({"doc_id": s["doc_id"], "reference": c, "n_reference": int(len(v)),
                         "per_1000_words": s["per_1000_words"], "share": s["share"],
                         "percentile_per_1000_words": 100 * float((v < s["per_1000_words"]).mean()
                                                                  + 0.5 * (v == s["per_1000_words"])
                                                                  .mean()),
                         "percentile_share": 100 * float((sh < s["share"]).mean()
                                                         + 0.5 * (sh == s["share"]).mean())})
    return pd.DataFrame(rows)


def table_seed_threat_percentile(t: AnalysisTables) -> pd.DataFrame:
    ti = t["threat_index"]
    d = ti[["doc_id", "collection", "year", "n_threat", "n_words", "share", "per_1000_words"]]
    d = d.dropna(subset=["per_1000_words"]).copy()
    d["collection"] = d["collection"].astype(object)
    d["highlight"] = d["collection"] == "seed"
    others = d.loc[~d["highlight"], "per_1000_words"]
    d["percentile"] = [100 * float((others < v).mean() + 0.5 * (others == v).mean()) if h
                       else np.nan for v, h in zip(d["per_1000_words"], d["highlight"])]
    d["label"] = np.where(d["highlight"], "seed article (Rutte, Vilnius)", "")
    return d.sort_values(["collection", "doc_id"]).reset_index(drop=True)


def table_seed_keyness(t: AnalysisTables) -> pd.DataFrame:
    """Keyness of the seed article against the White House collection (``toolkit.keyness``,
    minimum frequency 3): every word of the seed article plus the 25 strongest reference words."""
    from toolkit.keyness import keyness

    docs = t["documents"]
    ks = keyness(t["tokens"], docs, target={"collection": "seed"},
                 reference={"collection": "whitehouse"}, min_freq=3)
    # the seed's own words, and the 25 strongest keywords of the White House side
    out = pd.concat([ks[ks["freq_target"] > 0], ks[ks["freq_target"] == 0].nsmallest(25, "g2")])
    attrs = dict(ks.attrs)
    out = out.sort_values(["g2", "term"], ascending=[False, True]).reset_index(drop=True)
    out.attrs = {k: v for k, v in attrs.items() if isinstance(v, (str, int, float))}
    out.attrs.update(target="seed article", reference="White House")
    return out


# ---------------------------------------------------------------------------------------------
# Plot wrappers (every figure is drawn by a toolkit plotting function of its table)
# ---------------------------------------------------------------------------------------------

def _plot_keyness(table: pd.DataFrame):
    from toolkit.keyness import plot_keyness
    from toolkit.plotting import finish

    table = table.copy()
    table.attrs.update(target="seed article", reference="White House", measure="llr")
    ax = plot_keyness(table, n=15)
    ax.set_title("Keywords: seed article vs White House", fontsize=11)
    return finish(ax.figure, "Source: corpus/seed (Caliber.Az, 2025) vs corpus/whitehouse;\n"
                             "signed G², min. frequency 3", bottom=0.07)


def _plot_sweep(table):
    from toolkit.plots_topics import plot_sweep
    from toolkit.plotting import finish

    fig = plot_sweep(table)
    fig.suptitle("Choosing k: NMF topic models on corpus/ (documents)", fontsize=11)
    return finish(fig, "Source: corpus/; NPMI over 10-token windows of the corpus", bottom=0.2)


def _plot_topics_over_time(table):
    from toolkit.plots_topics import plot_topics_over_time
    from toolkit.plotting import finish

    fig = plot_topics_over_time(table, top=8)
    for ax in fig.axes:
        ax.set_xlabel("year")
        if ax.get_title() in ("ungd", "whitehouse"):
            ax.set_title({"ungd": "UN General Debate", "whitehouse": "White House"}[ax.get_title()])
    fig.suptitle(f"Topic prevalence over time (NMF, k={TOPICS_K}; the 8 topics that move most; "
                 "95% bootstrap CI)", fontsize=10)
    from toolkit.plotting import CORPUS_SOURCE

    return finish(fig, CORPUS_SOURCE, bottom=0.14)


def _plot(module: str, name: str, **kw):
    # the project's figures name their corpus under the plot (the general plots default to none)
    from toolkit.plotting import CORPUS_SOURCE

    kw.setdefault("source", CORPUS_SOURCE)

    def draw(table):
        import importlib

        return getattr(importlib.import_module(module), name)(table, **kw)

    draw.__name__ = f"{name}"
    return draw


@dataclass(frozen=True)
class FigureSpec:
    """One named figure: how to build its table, how to draw it, what it shows."""

    name: str
    table: Callable[[AnalysisTables], pd.DataFrame]
    plot: Callable[[pd.DataFrame], object]
    caption: str
    notebook: str


FIGURES: dict[str, FigureSpec] = {f.name: f for f in [
    FigureSpec("corpus_by_year", table_corpus_by_year,
               _plot("toolkit.plots_corpus", "plot_corpus_over_time"),
               "Documents and words per year in the two comparison collections.", "01_corpus"),
    FigureSpec("codebook_validation", table_codebook_validation,
               _plot("toolkit.plots_threat", "plot_validation",
                     source="Source: toolkit/data/eval/threat_dev.jsonl (238 sentences, two "
                            "coders + adjudication); coder agreement before adjudication"),
               "Threat-framing measures on the hand-coded dev set: toolkit against the gold "
               "labels, beside the agreement of the two human coders.", "02_threat_framing"),
    FigureSpec("threat_by_year", table_threat_by_year,
               _plot("toolkit.plots_threat", "plot_threat_over_time", min_docs=MIN_YEAR_DOCS),
               "Share of sentences that frame a threat, mean per document, by year and "
               "collection, with 95% bootstrap intervals (documents resampled); years with "
               f"fewer than {MIN_YEAR_DOCS} documents are named under the plot, not drawn.",
               "02_threat_framing"),
    FigureSpec("threat_types_by_year", table_threat_types,
               _plot("toolkit.plots_threat", "plot_threat_types"),
               "Types of threat framed (share of threat sentences) by year and collection.",
               "02_threat_framing"),
    FigureSpec("threat_sources_by_year", table_threat_sources,
               _plot("toolkit.plots_threat", "plot_threat_attributions"),
               "Share of each collection's threat sentences that name the actor as the source of "
               "the threat, by year (95% bootstrap CI, documents resampled).",
               "02_threat_framing"),
    FigureSpec("axis_coframing", table_axis_coframing,
               _plot("toolkit.plots_threat", "plot_coframing"),
               "China, Iran, North Korea and Russia named together: share of documents that name "
               "all four (95% bootstrap CI) and number of sentences that name all four, by year.",
               "02_threat_framing"),
    FigureSpec("reciprocal_framing", table_reciprocal_framing,
               _plot("toolkit.plots_threat", "plot_threat_attributions",
                     title="Reciprocal threat framing in the UN General Debate",
                     ylabel="% of the group's threat sentences naming the actor as source"),
               "UN General Debate: how Russia frames NATO and the United States, and how the "
               "Baltic and Nordic states frame Russia, as threat sources (95% bootstrap CI).",
               "02_threat_framing"),
    FigureSpec("sentiment_by_year", table_sentiment_by_year,
               _plot("toolkit.plots_sentiment", "plot_sentiment_over_time"),
               "Mean sentiment toward each actor by year and collection (sklearn target-sentiment "
               "model, scores in [-1, 1]; 95% bootstrap CI, documents resampled; groups with "
               "fewer than 20 mentions left out).", "03_actor_sentiment"),
    FigureSpec("sentiment_by_country", table_sentiment_by_country,
               _plot("toolkit.plots_sentiment", "plot_sentiment_by_country"),
               "UN General Debate 2014-2024: mean sentiment toward Russia, the United States and "
               "China by the 25 speaking states that mention each most (95% bootstrap CI).",
               "03_actor_sentiment"),
    FigureSpec("topic_sweep", table_topic_sweep, _plot_sweep,
               "Topic coherence (NPMI) and diversity of NMF models for k = 10 to 30.",
               "04_topics"),
    FigureSpec("topics_over_time", table_topics_over_time, _plot_topics_over_time,
               f"Prevalence of the topics (NMF, k = {TOPICS_K}) that change most over time, per "
               "collection (95% bootstrap CI).", "04_topics"),
    FigureSpec("topic_threat", table_topic_threat,
               _plot("toolkit.plots_threat", "plot_topic_association"),
               "Threat framing by topic: topic-weighted mean share of threat sentences of the "
               "documents, against the mean over all documents.", "04_topics"),
    FigureSpec("seed_threat_percentile", table_seed_threat_percentile,
               _plot("toolkit.plots_threat", "plot_percentile",
                     title="Where the seed article sits in the corpus"),
               "Threat sentences per 1,000 words of every document; the seed article (NATO SG "
               "Rutte in Vilnius, June 2025) and its percentile among all other documents.",
               "05_the_hague"),
    FigureSpec("seed_keyness", table_seed_keyness, _plot_keyness,
               "Keywords of the seed article against the White House collection (signed G²).",
               "05_the_hague"),
]}


def figure_table(name: str, tables: AnalysisTables) -> pd.DataFrame:
    """The tidy table behind figure ``name`` (cached on disk with the analysis tables)."""
    check_choice("figure", name, tuple(FIGURES))
    spec = FIGURES[name]
    params = {"sentiment_method": tables.sentiment_method, "threat_method": tables.threat_method}
    if name not in _WITH_ATTRS:
        return tables.cached(f"figure_{name}", lambda: spec.table(tables), params=params,
                             version=FIGURES_VERSION)
    # Parquet drops a table's attrs (which the plot reads): they are cached beside it as a
    # key/JSON-value table, and a missing attrs entry builds the table again.
    built: dict[str, pd.DataFrame] = {}

    def build() -> pd.DataFrame:
        built["table"] = spec.table(tables)
        return built["table"]

    def build_attrs() -> pd.DataFrame:
        attrs = dict((built.get("table") if "table" in built else build()).attrs)
        return pd.DataFrame({"key": list(attrs), "value": [json.dumps(v) for v in attrs.values()]})

    table = tables.cached(f"figure_{name}", build, params=params, version=FIGURES_VERSION)
    attrs = tables.cached(f"figure_{name}_attrs", build_attrs, params=params,
                          version=FIGURES_VERSION)
    table.attrs = {k: json.loads(v) for k, v in zip(attrs["key"], attrs["value"])}
    return table


#: Figures whose table carries ``attrs`` the plot reads (cached beside the table).
_WITH_ATTRS = ("seed_keyness",)


def figure(name: str, tables: AnalysisTables, table: pd.DataFrame | None = None):
    """Draw figure ``name`` (a matplotlib Figure) from its table (built if not given)."""
    check_choice("figure", name, tuple(FIGURES))
    if table is None:
        table = figure_table(name, tables)
    return FIGURES[name].plot(table)


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV bytes: no index, six decimals, ``\\n`` line ends (deterministic)."""
    t = table.copy()
    for c in t.columns:
        if t[c].dtype == object and len(t) and isinstance(t[c].dropna().iloc[0]
                                                          if t[c].notna().any() else None,
                                                          (list, dict, tuple, np.ndarray)):
            t[c] = t[c].map(lambda v: json.dumps(v.tolist() if isinstance(v, np.ndarray) else v,
                                                 default=str))
    return t.to_csv(index=False, float_format="%.6f", lineterminator="\n").encode("utf-8")


def make_figures(corpus: str | Path = "corpus", out: str | Path = "figures", *,
                 progress: bool = True, use_cache: bool = True,
                 names: Iterable[str] | None = None,
                 tables: AnalysisTables | None = None,
                 sentiment_method: str | None = None,
                 threat_method: str | None = None,
                 analysis: str | Path | None = None) -> dict[str, Path]:
    """Compute the analysis tables and write every named figure (PNG, SVG, CSV) to ``out``.

    Parameters
    ----------
    corpus : str or Path, default "corpus"
    out : str or Path, default "figures"
    progress : bool, default True
        Progress bars and one line per figure on standard error.
    use_cache : bool, default True
        Reuse the tables cached in ``$TOOLKIT_CACHE_DIR`` (``.cache/toolkit``).
    names : iterable of str, optional
        Only these figures (names of :data:`FIGURES`); default all.
    tables : AnalysisTables, optional
        Tables already loaded (e.g. in a notebook).
    sentiment_method : {"codebook", "neural", "sklearn", "lexicon"}, optional
        Actor-sentiment method of the tables; default :data:`FIGURES_SENTIMENT_METHOD`.
    threat_method : {"model", "rules"}, optional
        Threat frames and roles; default :data:`FIGURES_THREAT_METHOD`.
    analysis : str or Path, optional
        The output folder of ``toolkit analyze`` on the same corpus: its tables are read instead
        of rebuilt where their keys match (see :class:`AnalysisTables`).

    Returns
    -------
    dict
        Figure name -> path of its PNG. ``out/captions.md`` lists the figures and captions,
        ``out/timings.json`` the seconds each took.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    selected = list(FIGURES) if names is None else list(names)
    for n in selected:
        check_choice("figure", n, tuple(FIGURES))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = tables or AnalysisTables(corpus, progress=progress, use_cache=use_cache,
                                      sentiment_method=sentiment_method,
                                      threat_method=threat_method, analysis=analysis)
    written: dict[str, Path] = {}
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    with matplotlib.rc_context({"svg.hashsalt": "toolkit", "svg.fonttype": "none"}):
        for n in selected:
            t0 = time.perf_counter()
            table = figure_table(n, tables)
            (out / f"{n}.csv").write_bytes(to_csv_bytes(table))
            fig = figure(n, tables, table)
            fig.savefig(out / f"{n}.png", dpi=150)
            fig.savefig(out / f"{n}.svg", metadata={"Date": None})
            plt.close(fig)
            written[n] = out / f"{n}.png"
            timings[n] = round(time.perf_counter() - t0, 2)
            if progress:
                print(f"figure {n}: {timings[n]:.1f} s", file=sys.stderr)
    lines = ["# Figures", "", f"Made by `python -m toolkit.figures --corpus {corpus} --out {out}`.",
             ""]
    for n in selected:
        spec = FIGURES[n]
        lines += [f"## {n}", "", f"![{n}]({n}.png)", "", spec.caption,
                  f"Table: `{n}.csv`. Notebook: `notebooks/{spec.notebook}.ipynb`.", ""]
    (out / "captions.md").write_text("\n".join(lines), encoding="utf-8")
    timings["total"] = round(time.perf_counter() - t_all, 2)
    (out / "timings.json").write_text(json.dumps({"figures": timings,
                                                  "tables": tables.timings}, indent=2) + "\n",
                                      encoding="utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m toolkit.figures",
                                description="Write the named figures (PNG, SVG, CSV) of a corpus.")
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: corpus)")
    p.add_argument("--out", default="figures", help="output folder (default: figures)")
    p.add_argument("--only", default=None,
                   help=f"comma-separated figure names (default all: {', '.join(FIGURES)})")
    p.add_argument("--analysis", default=None,
                   help="folder written by `toolkit analyze` (its tables are read, not rebuilt, "
                        "when they match the corpus and settings)")
    p.add_argument("--no-cache", action="store_true", help="recompute every table")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--sentiment-method", default=FIGURES_SENTIMENT_METHOD,
                   choices=["codebook", "neural", "sklearn", "lexicon"],
                   help=f"actor-sentiment method (default {FIGURES_SENTIMENT_METHOD})")
    p.add_argument("--threat-method", default=FIGURES_THREAT_METHOD, choices=["model", "rules"],
                   help=f"threat frames and roles (default {FIGURES_THREAT_METHOD})")
    args = p.parse_args(argv)
    names = None if not args.only else [s.strip() for s in args.only.split(",") if s.strip()]
    t = time.perf_counter()
    written = make_figures(args.corpus, args.out, progress=not args.quiet,
                           use_cache=not args.no_cache, names=names,
                           sentiment_method=args.sentiment_method,
                           threat_method=args.threat_method, analysis=args.analysis)
    if not args.quiet:
        print(f"wrote {len(written)} figures to {args.out} in {time.perf_counter() - t:.0f} s",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def open_project(start: str | Path | None = None, *, progress: bool = False
                 ) -> tuple[Path, AnalysisTables]:
    """The project folder (the first folder up from ``start``, default the working folder, that
    holds ``corpus/``) and the :class:`AnalysisTables` of its corpus.

    For notebooks, which run from ``notebooks/``: the on-disk cache is the project's
    ``.cache/toolkit`` (unless ``TOOLKIT_CACHE_DIR`` is set), the one ``make test`` and
    ``make analysis`` fill.
    """
    import os

    here = Path(start or Path.cwd()).resolve()
    for root in (here, *here.parents):
        if (root / "corpus").is_dir():
            break
    else:
        raise FileNotFoundError(f"no corpus/ folder in {here} or above it")
    os.environ.setdefault("TOOLKIT_CACHE_DIR", str(root / ".cache" / "toolkit"))
    return root, AnalysisTables(root / "corpus", progress=progress)
