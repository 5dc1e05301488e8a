import nltk

import toolkit
from toolkit.resources import NLTK_DATA_DIR


def test_packaged_nltk_data_works_offline():
    assert nltk.data.path[0] == str(NLTK_DATA_DIR)
    assert "the" in nltk.corpus.stopwords.words("english")
    from nltk.sentiment import SentimentIntensityAnalyzer

    assert SentimentIntensityAnalyzer().polarity_scores("a terrible war")["compound"] < 0


def test_public_api_is_exported():
    for name in toolkit.__all__:
        assert hasattr(toolkit, name), name
