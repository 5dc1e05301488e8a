"""The language of a document: detected offline, or given by its metadata.

:func:`read_corpus <toolkit.corpus.read_corpus>` fills the documents table's ``language`` column
(an ISO 639-1 code such as ``"en"``, ``"fr"``, ``"ru"``; ``None`` when the text is too short to
tell) in this order: the document's own metadata (a YAML header's ``language``/``lang``, a table's
``language`` column, an HTML page's ``<html lang>``), then the collection's (``collection.yaml``
or ``read_corpus(metadata=...)``), then :func:`detect_language` on the text.

The toolkit's models and lexicons are English. Stages that only work in English
(:func:`toolkit.threat_frames`, :func:`toolkit.codebook_scores`, :func:`toolkit.actor_sentiment`)
read the ``language`` column through :func:`non_english_documents`: the sentences of a document
whose language is set and is not English get ``scored=False`` (not encoded, no sentiment row)
instead of numbers the models cannot stand behind. A document without a language (``None``) is
judged sentence by sentence, as before.

Detection
---------
``method="stopwords"`` (the default) needs nothing beyond the toolkit: it is deterministic,
offline and fast (well under 1 ms a document). The script of the letters decides first (Cyrillic,
Greek, Arabic, Hebrew, Han, Kana, Hangul, Devanagari, Thai, ...; a script written by one main
language gives its code); Latin- and Cyrillic-script texts are then given the language whose NLTK
stopwords (shipped in ``toolkit/data/nltk_data``) make up the largest share of their words, which
tells English from other languages reliably on anything longer than a sentence. It names only the
languages of those lists and scripts (:data:`STOPWORD_LANGUAGES`): Polish or Czech come out as the
closest listed language, never as English. ``method="langdetect"`` uses the ``langdetect``
package (55 languages, seeded so that it is deterministic; in the ``formats`` extra), about 30 ms
a document. Both read at most the first :data:`SAMPLE_CHARS` characters.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

__all__ = ["ENGLISH", "LANGUAGE_METHODS", "SAMPLE_CHARS", "STOPWORD_LANGUAGES", "LanguageMethod",
           "detect_language", "is_english", "language_code", "non_english_documents"]

#: The code of the language the toolkit's models and lexicons are made for.
ENGLISH = "en"
#: Values of ``method`` (and of ``read_corpus(language_method=...)``; ``"none"``: no detection).
LANGUAGE_METHODS = ("stopwords", "langdetect", "none")
LanguageMethod = Literal["stopwords", "langdetect", "none"]
#: Characters of a text that detection reads (the start of the document).
SAMPLE_CHARS = 5_000

#: NLTK stopword lists used by ``method="stopwords"``, by ISO 639-1 code (``hinglish`` is left out:
#: it is mostly English words; ``chinese`` too: Han script is told by its characters).
STOPWORD_LANGUAGES = {
    "ar": "arabic", "az": "azerbaijani", "bn": "bengali", "ca": "catalan", "da": "danish",
    "de": "german", "el": "greek", "en": "english", "es": "spanish", "eu": "basque",
    "fi": "finnish", "fr": "french", "he": "hebrew", "hu": "hungarian", "id": "indonesian",
    "it": "italian", "kk": "kazakh", "ne": "nepali", "nl": "dutch", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sl": "slovene", "sv": "swedish",
    "tg": "tajik", "tr": "turkish",
}

# Scripts written (almost) only by one language: the script is the answer.
_SCRIPT_LANGUAGE = {
    "GREEK": "el", "HEBREW": "he", "HANGUL": "ko", "THAI": "th", "GEORGIAN": "ka",
    "ARMENIAN": "hy", "BENGALI": "bn", "TAMIL": "ta", "TELUGU": "te", "KANNADA": "kn",
    "MALAYALAM": "ml", "GUJARATI": "gu", "GURMUKHI": "pa", "SINHALA": "si", "KHMER": "km",
    "LAO": "lo", "MYANMAR": "my", "ETHIOPIC": "am", "TIBETAN": "bo", "ORIYA": "or",
    "HIRAGANA": "ja", "KATAKANA": "ja",
}
# Letters that mark one language among those sharing a script (share of the script's letters).
_MARKERS = {
    "CYRILLIC": (("uk", "іїєґІЇЄҐ"), ("be", "ўЎ"), ("sr", "јљњћђЈЉЊЋЂ"), ("mk", "ќѓѕЌЃЅ")),
    "ARABIC": (("ur", "ٹڈڑںےۓ"), ("fa", "پچژگکی")),
}
_MARKER_SHARE = 0.01
#: The stopword lists of languages written in Latin script.
_LATIN_LISTS = tuple(c for c in STOPWORD_LANGUAGES
                     if c not in ("ar", "bn", "el", "he", "kk", "ne", "ru", "tg"))
# Latin-script texts need this many words, and the winning list this share of them.
_MIN_WORDS = 8
_MIN_SHARE = 0.08
_WORD = re.compile(r"[^\W\d_]+")
_NAMES = {name: code for code, name in STOPWORD_LANGUAGES.items()}
_NAMES.update({"chinese": "zh", "japanese": "ja", "korean": "ko", "ukrainian": "uk",
               "polish": "pl", "czech": "cs", "persian": "fa", "farsi": "fa", "hindi": "hi",
               "urdu": "ur", "serbian": "sr", "croatian": "hr", "bulgarian": "bg",
               "slovenian": "sl", "norwegian bokmal": "nb", "vietnamese": "vi", "thai": "th"})


def language_code(value: Any, *, where: str = "language") -> str:
    """An ISO 639-1 code from a code, a language tag or an English language name.

    ``"en-GB"`` and ``"EN"`` become ``"en"``, ``"French"`` becomes ``"fr"``. ``where`` names the
    field in the error message.

    Raises
    ------
    ValueError
        The value is not a two- or three-letter code, a language tag or a known language name.

    Examples
    --------
    >>> language_code("en-GB"), language_code("Russian"), language_code("pt_BR")
    ('en', 'ru', 'pt')
    """
    s = str(value).strip().lower() if value is not None else ""
    if s in _NAMES:
        return _NAMES[s]
    primary = re.split(r"[-_]", s, maxsplit=1)[0]
    if re.fullmatch(r"[a-z]{2,3}", primary):
        return primary
    raise ValueError(
        f"{where}: {value!r} is not a language; give an ISO 639-1 code such as 'en', 'fr', "
        f"'ru' (or a tag such as 'en-GB', or an English name such as 'French')")


def is_english(value: Any) -> bool | None:
    """Whether a ``language`` value is English: True, False, or None when it is missing.

    Examples
    --------
    >>> is_english("en-US"), is_english("fr"), is_english(None)
    (True, False, None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value).strip().lower()
    if not s:
        return None
    return re.split(r"[-_]", s, maxsplit=1)[0] in ("en", "eng", "english")


def non_english_documents(docs: Any) -> set:
    """The ``doc_id`` of every document whose ``language`` is set and is not English.

    Stages that only work in English leave these documents' sentences unscored. A table without a
    ``language`` column (or ``None``) gives an empty set.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "language": ["en", "fr", None]})
    >>> sorted(non_english_documents(docs))
    ['b']
    """
    if docs is None or "language" not in getattr(docs, "columns", ()) or "doc_id" not in docs:
        return set()
    return {d for d, lang in zip(docs["doc_id"], docs["language"]) if is_english(lang) is False}


@lru_cache(maxsize=1)
def _stopword_index() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """{word: codes of the lists holding it}, and the codes, for ``method="stopwords"``."""
    from toolkit.resources import nltk_stopwords

    index: dict[str, list[str]] = {}
    codes = []
    for code, name in sorted(STOPWORD_LANGUAGES.items()):
        names = [name, "english-extended"] if code == ENGLISH else [name]
        words = {w.lower() for n in names for w in nltk_stopwords(n)}
        if words:
            codes.append(code)
        for w in words:
            index.setdefault(w, []).append(code)
    return {w: tuple(c) for w, c in index.items()}, tuple(codes)


def _script_counts(sample: str) -> Counter:
    """Letters of each script (the first word of the Unicode name: LATIN, CYRILLIC, CJK, ...)."""
    scripts: Counter = Counter()
    for ch, n in Counter(sample).items():
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            scripts[name.split(" ", 1)[0] if name else "OTHER"] += n
    return scripts


def _by_stopwords(sample: str, candidates: Iterable[str] | None) -> str | None:
    words = _WORD.findall(sample.lower())
    if len(words) < _MIN_WORDS:
        return None
    index, codes = _stopword_index()
    allowed = set(codes if candidates is None else candidates)
    hits: Counter = Counter()
    for w, n in Counter(words).items():
        for code in index.get(w, ()):
            if code in allowed:
                hits[code] += n
    if not hits:
        return None
    # Highest share wins; a tie goes to English, then to the first code in alphabetical order.
    code, n = max(sorted(hits.items()), key=lambda kv: (kv[1], kv[0] == ENGLISH))
    return code if n / len(words) >= _MIN_SHARE else None


def _marked(script: str, sample: str, n_letters: int) -> str | None:
    for code, letters in _MARKERS.get(script, ()):
        if sum(sample.count(ch) for ch in letters) >= _MARKER_SHARE * n_letters:
            return code
    return None


def _detect_stopwords(text: str) -> str | None:
    sample = text[:SAMPLE_CHARS]
    # Mostly ASCII (English and most Western European text): Latin letters are the majority, and
    # counting the script of every character would cost more than the rest of detection.
    if len(sample.encode("ascii", "ignore")) >= 0.9 * len(sample) and _WORD.search(sample):
        return _by_stopwords(sample, _LATIN_LISTS)
    scripts = _script_counts(sample)
    if not scripts:
        return None
    script, n = scripts.most_common(1)[0]
    if script == "LATIN":
        return _by_stopwords(sample, _LATIN_LISTS)
    if script == "CJK":
        kana = scripts["HIRAGANA"] + scripts["KATAKANA"]
        return "ja" if kana >= 0.1 * (n + kana) else "zh"
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script == "CYRILLIC":
        return _marked(script, sample, n) or _by_stopwords(sample, ["ru", "kk", "tg"]) or "ru"
    if script == "ARABIC":
        return _marked(script, sample, n) or "ar"
    if script == "DEVANAGARI":
        return _by_stopwords(sample, ["ne"]) or "hi"
    return None


@lru_cache(maxsize=1)
def _langdetect_factory():
    try:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    except ImportError:
        raise ImportError(
            "language detection with method='langdetect' needs the langdetect package, which is "
            "not installed; install the toolkit's 'formats' extra (pip install "
            "'discourse-toolkit[formats]') or use method='stopwords'") from None
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0  # langdetect samples n-grams at random: a fixed seed makes it deterministic
    return factory


def _detect_langdetect(text: str) -> str | None:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _langdetect_factory().create()
    detector.append(text[:SAMPLE_CHARS])
    try:
        code = detector.detect()
    except LangDetectException:  # no letters to go on
        return None
    return None if code == "unknown" else code.split("-")[0]


def detect_language(text: str, *, method: LanguageMethod = "stopwords") -> str | None:
    """The ISO 639-1 code of the language of ``text``, or None when it cannot be told.

    Parameters
    ----------
    text : str
        The document (its first :data:`SAMPLE_CHARS` characters are read).
    method : {"stopwords", "langdetect", "none"}, default "stopwords"
        See the module docstring. ``"none"`` always gives None.

    Returns
    -------
    str or None
        ``"en"``, ``"fr"``, ``"ru"``, ... None for a text with too few words (fewer than 8 in
        a Latin-script text) or in no script or stopword list the method knows.

    Examples
    --------
    >>> detect_language("The minister said that the talks would go on for as long as they "
    ...                 "were needed.")
    'en'
    >>> detect_language("Le ministre a dit que les discussions continueraient aussi longtemps "
    ...                 "qu'il le faudrait.")
    'fr'
    >>> detect_language("Министр заявил, что переговоры будут продолжаться столько, сколько "
    ...                 "потребуется.")
    'ru'
    >>> detect_language("Thank you.") is None
    True
    """
    from toolkit.errors import check_choice

    check_choice("method", method, LANGUAGE_METHODS)
    if not isinstance(text, str) or method == "none":
        return None
    if method == "langdetect":
        return _detect_langdetect(text)
    return _detect_stopwords(text)
