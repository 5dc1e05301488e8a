"""Spending demands (toolkit.framing.spending) on short inline sentences with exact expected rows."""
import pandas as pd
import pytest

from toolkit.framing.spending import SPENDING_COLUMNS, spending_demands


def _sents(*texts, start=0):
    return pd.DataFrame({"doc_id": "d", "sent_id": range(len(texts)),
                         "start": [start + 100 * i for i in range(len(texts))], "text": list(texts)})


def test_targets_and_burden_sharing_exact_rows():
    s = _sents(
        "Allies must spend 3.5% of GDP on core defence and 1.5 percent on resilience.",
        "We spend far above two per cent on our military, and five-and-a-half per cent is next.",
        "NATO allies agreed on burden sharing.",
        "The wealthy must pay their fair share.",          # taxes: no defence word
        "Allies must pay their fair share for the alliance.",
        "Inflation fell to 2 percent.",                     # no defence word
        "Our defence forces are 5% larger.",                # no spending word
        start=10)
    got = spending_demands(s)
    assert list(got.columns) == list(SPENDING_COLUMNS)
    expected = pd.DataFrame(
        [("d", 0, "target", "3.5%", 3.5, 28, 32),
         ("d", 0, "target", "1.5 percent", 1.5, 60, 71),
         ("d", 1, "target", "two per cent", 2.0, 129, 141),
         ("d", 1, "target", "five-and-a-half per cent", 5.5, 163, 187),
         ("d", 2, "burden_sharing", "burden sharing", float("nan"), 232, 246),
         ("d", 4, "burden_sharing", "fair share", float("nan"), 432, 442)],
        columns=list(SPENDING_COLUMNS)).astype({"sent_id": "int64", "start": "int64",
                                                "end": "int64"})
    pd.testing.assert_frame_equal(got, expected)
    # offsets point back into the text: the sentence's start plus the match's position
    for r in got.itertuples():
        text = s.set_index("sent_id").at[r.sent_id, "text"]
        off = r.start - s.set_index("sent_id").at[r.sent_id, "start"]
        assert text[off:off + len(r.match)] == r.match


def test_share_the_burden_and_no_match_table():
    got = spending_demands(_sents("Europe must share the burden of its defence."))
    assert got[["kind", "match"]].values.tolist() == [["burden_sharing", "share the burden"]]
    # burden sharing of refugees is not the defence-spending argument
    assert spending_demands(_sents("Rich states must share the burden of refugees.")).empty
    empty = spending_demands(_sents("Peace talks resumed in Geneva."))
    assert list(empty.columns) == list(SPENDING_COLUMNS) and empty.empty
    assert empty["start"].dtype == "int64"


def test_missing_column_names_the_table():
    with pytest.raises(ValueError, match=r"spending_demands\(\) sentences.*start"):
        spending_demands(pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "text": ["x"]}))
