#!/usr/bin/env python
"""Topic quality and fit time on all of ``corpus/`` (k = 20): the toolkit's default model against
gensim's LdaModel and scikit-learn's NMF on plain regex tokens, all scored the same way.

Models (k = 20 topics each):

- ``toolkit default``: ``TopicModel(20).fit(dtm(tokens))`` with every default (documents as units,
  NLTK + domain stopwords, min_df=5, max_df=0.4; NMF on TF-IDF with raw term frequency, NNDSVD
  initialisation, random_state=0).
- ``gensim LdaModel``: plain tokens (lower-case ``[a-z]+`` of each document minus NLTK's English
  stopwords), ``Dictionary.filter_extremes(no_below=5, no_above=0.5)``, ``LdaModel(num_topics=20,
  passes=5, random_state=1)``.
- ``sklearn NMF (plain)``: the same plain tokens, ``TfidfVectorizer(min_df=5, max_df=0.5)`` and
  ``NMF(20, random_state=1)`` with scikit-learn's defaults.

Scores, the same for every model:

- ``c_npmi``: gensim's ``CoherenceModel(topics=top-10 terms, texts=reference, dictionary=...,
  coherence="c_npmi", window_size=10)``. The reference texts are the plain tokens of each document
  (one token list per document) for all three models. gensim leaves out top terms that are not in
  the reference dictionary (e.g. the toolkit's "u.s." or "covid-19"); ``not_in_ref`` counts them.
- ``npmi_toolkit``: :func:`toolkit.coherence.npmi` on the same reference texts (exact boolean window
  counts; gensim's incremental counting misses some windows of repeated words, see
  :func:`toolkit.coherence.npmi_per_topic`).
- ``diversity``: unique share of the top-25 terms of all topics (``diversity_10``: top-10).
- ``fit_s``: wall time of the fit alone (TF-IDF + NMF for the toolkit; ``LdaModel(...)``;
  ``NMF.fit``); ``prep_s``: building the matrix/corpus from the tables or texts.

Targets: the toolkit default beats both on ``c_npmi``, has diversity >= 0.85 and fits faster
than gensim's LdaModel. gensim is a benchmark-only dependency (``pip install -e ".[bench]"``).

    python benchmarks/bench_topics.py [--corpus corpus] [--out results.csv] [--show-topics]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

K = 20
DIVERSITY_TARGET = 0.85


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    ap.add_argument("--out", default=None, help="also write the table to this CSV file")
    ap.add_argument("--show-topics", action="store_true", help="print every model's top terms")
    args = ap.parse_args(argv)

    import numpy as np
    import pandas as pd

    try:
        from gensim.corpora import Dictionary
        from gensim.models import CoherenceModel, LdaModel
    except ImportError:
        print("gensim is not installed: pip install -e '.[bench]' (gensim is the benchmark's "
              "reference implementation)")
        return 1
    from nltk.corpus import stopwords
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    from toolkit.cache import cached_table
    from toolkit.coherence import Reference, npmi, topic_diversity
    from toolkit.corpus import read_corpus
    from toolkit.dtm import dtm
    from toolkit.segment import sentences, tokens
    from toolkit.topics import TopicModel

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    t0 = time.perf_counter()
    docs = read_corpus(args.corpus, progress=False)
    sents = cached_table("sentences", docs, lambda: sentences(docs, progress=False))
    toks = cached_table("tokens", docs, lambda: tokens(sents, progress=False))
    print(f"corpus: {len(docs):,} documents, {len(toks):,} tokens (read in "
          f"{time.perf_counter() - t0:.0f}s; {os.cpu_count()} cpus)", flush=True)

    # plain tokens: the baselines' input and everyone's reference texts
    stop = set(stopwords.words("english"))
    word = re.compile(r"[a-z]+")
    texts = [[w for w in word.findall(t.lower()) if w not in stop] for t in docs["text"]]
    ref_dict = Dictionary(texts)
    ref = Reference.from_texts(texts)
    print(f"reference: {len(texts):,} documents, {sum(map(len, texts)):,} plain tokens, "
          f"{len(ref_dict):,} types", flush=True)

    results: dict[str, dict] = {}
    topics: dict[str, list[list[str]]] = {}

    # --- the toolkit's default model ---------------------------------------------------------
    t = time.perf_counter()
    m = dtm(toks)
    prep = time.perf_counter() - t
    del toks
    t = time.perf_counter()
    tm = TopicModel(K).fit(m)
    fit = time.perf_counter() - t
    topics["toolkit default"] = [list(g["term"]) for _, g in tm.topic_terms(25).groupby("topic")]
    results["toolkit default"] = {"prep_s": prep, "fit_s": fit,
                                  "npmi_own_reference": npmi(tm, m)}
    print(f"toolkit default: {m!r}; fit {fit:.1f}s", flush=True)

    # --- gensim LdaModel on plain tokens -------------------------------------------------------
    t = time.perf_counter()
    lda_dict = Dictionary(texts)
    lda_dict.filter_extremes(no_below=5, no_above=0.5, keep_n=None)
    bow = [lda_dict.doc2bow(x) for x in texts]
    prep = time.perf_counter() - t
    t = time.perf_counter()
    lda = LdaModel(bow, id2word=lda_dict, num_topics=K, passes=5, random_state=1)
    fit = time.perf_counter() - t
    topics["gensim LdaModel"] = [[w for w, _ in lda.show_topic(i, topn=25)] for i in range(K)]
    results["gensim LdaModel"] = {"prep_s": prep, "fit_s": fit}
    print(f"gensim LdaModel: {len(lda_dict):,} terms; fit {fit:.1f}s", flush=True)
    del bow, lda

    # --- scikit-learn NMF on plain tokens --------------------------------------------------
    t = time.perf_counter()
    vec = TfidfVectorizer(analyzer=lambda x: x, min_df=5, max_df=0.5)
    X = vec.fit_transform(texts)
    vocab = vec.get_feature_names_out()
    prep = time.perf_counter() - t
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nmf = NMF(K, random_state=1).fit(X)
    fit = time.perf_counter() - t
    topics["sklearn NMF (plain)"] = [list(vocab[np.argsort(-row, kind="stable")[:25]])
                                     for row in nmf.components_]
    results["sklearn NMF (plain)"] = {"prep_s": prep, "fit_s": fit}
    print(f"sklearn NMF (plain): {X.shape[1]:,} terms; fit {fit:.1f}s", flush=True)

    # --- scores --------------------------------------------------------------------------------
    for name, tops in topics.items():
        t = time.perf_counter()
        top10 = [x[:10] for x in tops]
        cm = CoherenceModel(topics=top10, texts=texts, dictionary=ref_dict, coherence="c_npmi",
                            window_size=10, processes=1)
        r = results[name]
        r["c_npmi"] = float(cm.get_coherence())
        r["npmi_toolkit"] = npmi(top10, ref)
        r["diversity"] = topic_diversity(tops, top_n=25)
        r["diversity_10"] = topic_diversity(tops, top_n=10)
        r["not_in_ref"] = sum(w not in ref_dict.token2id for x in top10 for w in x)
        print(f"scored {name} in {time.perf_counter() - t:.0f}s", flush=True)

    table = pd.DataFrame(results).T
    cols = ["c_npmi", "npmi_toolkit", "diversity", "diversity_10", "fit_s", "prep_s",
            "not_in_ref", "npmi_own_reference"]
    table = table[cols]
    table.index.name = "model"
    with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
        print()
        print(table.to_string())
    if args.out:
        table.to_csv(args.out)

    ours = results["toolkit default"]
    others = [v for k, v in results.items() if k != "toolkit default"]
    checks = {
        "c_npmi above both baselines": all(ours["c_npmi"] > o["c_npmi"] for o in others),
        f"diversity >= {DIVERSITY_TARGET}": ours["diversity"] >= DIVERSITY_TARGET,
        "fits faster than gensim LdaModel": ours["fit_s"] < results["gensim LdaModel"]["fit_s"],
    }
    print()
    for what, ok in checks.items():
        print(f"target {'met' if ok else 'MISSED'}: {what}")
    if args.show_topics:
        for name, tops in topics.items():
            print(f"\n{name}:")
            for i, x in enumerate(tops):
                print(f"  {i:2d} {' '.join(x[:10])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
