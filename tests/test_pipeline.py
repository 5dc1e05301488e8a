import pandas as pd
import pytest

from toolkit import analyze
from toolkit.pipeline import STAGES, _resolve

SEED = "corpus/seed"


def test_stage_dependencies_are_added_in_order():
    assert _resolve(["threat"]) == ["corpus", "sentences", "tokens", "mentions", "threat"]
    assert _resolve(["sentiment"])[-2:] == ["threat", "sentiment"]
    assert _resolve(None) == list(STAGES)
    with pytest.raises(ValueError, match="invalid stage='topic'; valid values are: 'corpus'"):
        _resolve(["topic"])


def test_analyze_seed_all_stages_reproducible(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = analyze(SEED, tmp_path / "a", progress=False)
    second = analyze(SEED, tmp_path / "b", progress=False, use_cache=False)
    for name in ("mentions", "actor_sentiment", "threat_frames", "threat_roles", "threat_index",
                 "sentiment_by_year", "threat_by_year"):
        a = pd.read_parquet(tmp_path / "a" / f"{name}.parquet")
        b = pd.read_parquet(tmp_path / "b" / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b)
    # the seed article's threat picture: Russia is framed as a threat source
    roles = first["threat_roles"]
    assert "RUS" in set(roles.loc[roles["role"] == "source", "actor"])
    assert {"RUS", "CHN", "PRK", "IRN", "NATO", "UKR"} <= set(first["mentions"]["actor"])
    idx = first["threat_index"]
    assert len(idx) == 1 and 0 < idx.loc[0, "share"] < 1
