"""Display tables: formatted strings, missing shown as missing, no negative zero."""
import pandas as pd
import pytest

from toolkit.project.formatting import MISSING, formatted


def test_formats_by_column_and_keeps_the_rest():
    t = pd.DataFrame({"share": [0.5, float("nan")], "n": [1200, 3], "name": ["a", "b"]},
                     index=pd.Index([2021, 2022], name="year"))
    got = formatted(t, {"share": "{:.1%}", "n": "{:,}"})
    expected = pd.DataFrame({"share": ["50.0%", MISSING], "n": ["1,200", "3"],
                             "name": ["a", "b"]}, index=t.index)
    pd.testing.assert_frame_equal(got, expected)
    assert t["share"].iloc[0] == 0.5  # the numeric table is not changed


def test_one_format_for_every_numeric_column_and_negative_zero():
    t = pd.DataFrame({"a": [-0.00004, -0.02], "b": [None, 0.1], "c": ["x", "y"]})
    got = formatted(t, "{:.1%}")
    assert got.to_dict("list") == {"a": ["0.0%", "-2.0%"], "b": [MISSING, "10.0%"],
                                   "c": ["x", "y"]}


def test_unknown_column_names_the_columns():
    with pytest.raises(KeyError, match=r"no column \['z'\].*\['a'\]"):
        formatted(pd.DataFrame({"a": [1]}), {"z": "{}"})
