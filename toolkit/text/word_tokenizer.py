"""NLTK's word tokenizer (``NLTKWordTokenizer``): the same tokens and spans, with less work.

The token table is defined by NLTK's Treebank-style word tokenizer, so its output is the
contract: :class:`FastNLTKWordTokenizer` runs NLTK's own patterns, in NLTK's order, and only
skips work that cannot change a result (tests compare it with NLTK on the real corpus and on
generated text):

- the patterns are compiled by the standard ``re`` engine. NLTK 3.10 runs most of them through
  ``nltk.redos`` (the ``regex`` engine under a timeout, a guard against hostile *user*
  patterns); for these fixed patterns that costs about three times the time. The two engines
  match alike except on characters whose ``\\s``, ``\\w`` or ``\\d`` they classify
  differently (``\\x1c``-``\\x1f``, combining marks, superscript digits, digits of newer Unicode
  versions: :func:`_engines_disagree`); a text with any of them (7 of the 3,243 documents of
  ``corpus/``) is tokenized by NLTK's own code;
- a pattern is skipped when the text lacks every literal it needs (the ellipsis pattern
  without "..", the dash pattern without "--"; :data:`_NEEDS`); a contraction pattern
  ("cannot", "gonna", ...) is skipped when its word is not in the lower-cased text (lower-cased
  as ``re.IGNORECASE`` compares: :func:`_fold`);
- the two end-of-text period patterns (``...(\\.)...\\s*$``) are matched on the last
  characters of the text only: they can match nowhere else;
- NLTK's ``\\s+`` -> ``" "`` is done with ``str.split`` (the same Unicode whitespace);
- spans: when the tokens, joined, are the text without its whitespace (always, except in
  inputs whose quotes NLTK cannot restore), a token starts where ``align_tokens`` would find it:
  at the next non-space character; the offsets come from the positions of those characters in
  one array operation instead of one string search per token. Otherwise NLTK's
  ``align_tokens`` runs (and raises as NLTK does).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

import numpy as np
from nltk.tokenize import NLTKWordTokenizer
from nltk.tokenize.util import align_tokens

_FLAGS = re.I | re.M | re.S | re.X | re.U

# Literals a pattern needs (at least one must occur in the text for the pattern to match),
# keyed by NLTK's pattern text; a pattern not listed always runs.
_NEEDS: dict[str, tuple[str, ...]] = {
    r"([«“‘„]|[`]+)": ("«", "“", "‘", "„", "`"),
    r'^\"': ('"',),
    r"(``)": ("``",),
    r'([ \(\[{<])(\"|\'{2})': ('"', "''"),
    r"(?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w)": ("'",),
    r"([:,])([^\d])": (":", ","),
    r"([:,])$": (":", ","),
    r"\.{2,}": ("..",),
    r"[;@#$%&]": (";", "@", "#", "$", "%", "&"),
    r"[\u2012-\u2015]": ("\u2012", "\u2013", "\u2014", "\u2015"),
    r"[?!]": ("?", "!"),
    r"([^'])' ": ("' ",),
    r"[*]": ("*",),
    r"[\]\[\(\)\{\}\<\>]": ("]", "[", "(", ")", "{", "}", "<", ">"),
    r"--": ("--",),
    r"([»”’])": ("»", "”", "’"),
    r"''": ("''",),
    r'"': ('"',),
    r"([^' ])('[sS]|'[mM]|'[dD]|') ": ("'",),
    r"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ": ("'",),
}
# The end-of-text period patterns: a match is "x." followed only by these closing characters
# and whitespace, so it lies in the text's tail.
_TAIL_PATTERNS = frozenset({r'([^\.])(\.)([\]\)}>"\'»”’ ]*+)\s*$',
                            r'([^\.])(\.)([\]\)}>"\']*)\s*$'})
_CLOSERS = frozenset(']})>"\'»”’ ')


def _plain(p: re.Pattern) -> re.Pattern:
    """An NLTK pattern compiled by the standard ``re`` engine (same pattern and flags)."""
    return re.compile(p.pattern, p.flags & _FLAGS)


def _step(p: re.Pattern, repl: str):
    """One substitution of NLTK's sequence, with its shortcut where one applies."""
    rx = _plain(p)
    if rx.pattern in _TAIL_PATTERNS and not rx.flags & re.M:
        def tail(text: str) -> str:
            i = len(text)
            while i and (text[i - 1] in _CLOSERS or text[i - 1].isspace()):
                i -= 1
            k = max(0, i - 2)  # the match, if any, starts at the character before the "."
            return text[:k] + rx.sub(repl, text[k:])
        return tail
    if rx.pattern == r"\s+" and repl == " ":
        def collapse(text: str) -> str:
            words = text.split()
            if not words:
                return " " if text else text
            return ((" " if text[0].isspace() else "") + " ".join(words)
                    + (" " if text[-1].isspace() else ""))
        return collapse
    needs = _NEEDS.get(rx.pattern)
    if needs is not None:
        def guarded(text: str) -> str:
            for lit in needs:
                if lit in text:
                    return rx.sub(repl, text)
            return text
        return guarded
    return lambda text: rx.sub(repl, text)


def _contraction_word(rx: re.Pattern) -> str | None:
    """The lower-case literal a contraction pattern spells ("cannot", " 'tis"), or None.

    The pattern can match only where :func:`_fold` of the text contains that literal.
    """
    if not rx.flags & re.I:
        return None
    word = re.sub(r"^\(\?i\)|\\b|\(\?#X\)|\(\?=\\s\)|[()]", "", rx.pattern)
    return word.lower() if re.fullmatch(r"[ A-Za-z']+", word) else None


@lru_cache(maxsize=1)
def _all_chars() -> str:
    """Every code point except the surrogates, in order (to classify them all with one regex)."""
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


@lru_cache(maxsize=1)
def _ignorecase_extras() -> dict[str, str]:
    """Characters that ``re.IGNORECASE`` matches to an ASCII letter but whose ``lower()`` is
    not that letter (in CPython 3.11: "İ", "ı" -> "i", "ſ" -> "s")."""
    chars = _all_chars()
    extras = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for c in re.findall(letter, chars, re.I | re.U):
            if c.lower() != letter:
                extras[c] = letter
    return extras


def _fold(text: str) -> str:
    """Lower-case ``text`` so that a case-insensitive match of a plain ASCII word in ``text``
    is a substring of the result."""
    if not text.isascii():
        for c, letter in _ignorecase_extras().items():
            if c in text:
                text = text.replace(c, letter)
    return text.lower()


class FastNLTKWordTokenizer(NLTKWordTokenizer):
    """``NLTKWordTokenizer`` with the same ``tokenize`` and ``span_tokenize`` results, faster.

    See the module docstring for what is skipped and why it cannot change a result.

    Examples
    --------
    >>> tok = FastNLTKWordTokenizer()
    >>> s = "NATO's Allies can't wait... \\"Now,\\" he said."
    >>> tok.tokenize(s)
    ['NATO', "'s", 'Allies', 'ca', "n't", 'wait', '...', '``', 'Now', ',', "''", 'he', 'said', '.']
    >>> [s[a:b] for a, b in tok.span_tokenize(s)][7:11]
    ['"', 'Now', ',', '"']
    """

    def __init__(self) -> None:
        super().__init__()
        cls = NLTKWordTokenizer
        self._head = ([_step(p, r) for p, r in cls.STARTING_QUOTES]
                      + [_step(p, r) for p, r in cls.PUNCTUATION]
                      + [_step(*cls.PARENS_BRACKETS)])
        self._dashes = _step(*cls.DOUBLE_DASHES)
        self._ending = [_step(p, r) for p, r in cls.ENDING_QUOTES]
        self._contractions = [_plain(p) for p in (*cls.CONTRACTIONS2, *cls.CONTRACTIONS3)]
        self._words = [_contraction_word(p) for p in self._contractions]
        self._quotes = re.compile(r"``|'{2}|\"")

    def tokenize(self, text: str, convert_parentheses: bool = False,
                 return_str: bool = False) -> list[str]:
        """NLTK's ``tokenize`` (same sequence of substitutions; see the module docstring)."""
        if convert_parentheses or return_str or _engines_disagree(text):
            # options the toolkit never uses, or characters where re and regex differ
            return super().tokenize(text, convert_parentheses, return_str)
        for step in self._head:
            text = step(text)
        text = " " + self._dashes(text) + " "
        for step in self._ending:
            text = step(text)
        folded = _fold(text)
        for rx, word in zip(self._contractions, self._words):
            if word is None or word in folded:
                new = rx.sub(r" \1 \2 ", text)
                if new != text:
                    text, folded = new, _fold(new)
        return text.split()

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        """NLTK's ``span_tokenize``: (start, end) of every token of ``tokenize(text)``."""
        spans = self.spans(text)
        return iter(list(zip(spans[:, 0].tolist(), spans[:, 1].tolist())))

    def spans(self, text: str) -> np.ndarray:
        """The spans of :meth:`span_tokenize` as an (n, 2) int64 array."""
        tokens = self.tokenize(text)
        if '"' in text or "''" in text:  # NLTK's restoration of the converted double quotes
            mit = (m.group() for m in self._quotes.finditer(text))
            try:
                tokens = [next(mit) if tok in ('"', "``", "''") else tok for tok in tokens]
            except StopIteration:  # NLTK fails here too (a RuntimeError): say what failed
                raise ValueError("more quote tokens than quotes in the text") from None
        if not tokens:
            return np.empty((0, 2), dtype="int64")
        if "".join(tokens) != "".join(text.split()):
            return np.asarray(align_tokens(tokens, text), dtype="int64").reshape(-1, 2)
        pos = np.flatnonzero(~_is_space(text))
        lens = np.fromiter(map(len, tokens), dtype="int64", count=len(tokens))
        first = np.cumsum(lens) - lens
        return np.stack([pos[first], pos[first + lens - 1] + 1], axis=1)


@lru_cache(maxsize=2)
def _char_table(pattern: str) -> np.ndarray:
    """For every code point, whether the one-character regex ``pattern`` matches it."""
    chars = _all_chars()
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in re.findall(pattern, chars)]] = True
    return table


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _is_space(text: str) -> np.ndarray:
    """Per character of ``text``: whitespace as ``str.split`` and ``re``'s ``\\s`` define it."""
    return _char_table(r"\s")[_codes(text)]


@lru_cache(maxsize=1)
def _disagreement_table() -> np.ndarray:
    """Code points that ``re`` and NLTK's ``regex`` engine classify differently as ``\\s``,
    ``\\w`` or ``\\d`` (the classes of NLTK's word-tokenizer patterns)."""
    import regex

    chars = _all_chars()
    table = np.zeros(0x110000, dtype=bool)
    for cls in (r"\s", r"\w", r"\d"):
        ours = set(re.findall(cls, chars))
        nltks = set(regex.findall(cls, chars, flags=regex.V0 | regex.U))
        table[[ord(c) for c in ours ^ nltks]] = True
    return table


_ASCII_DISAGREE = ("\x1c", "\x1d", "\x1e", "\x1f")  # str.isspace, but not regex's \s


def _engines_disagree(text: str) -> bool:
    """Whether ``text`` holds a character of :func:`_disagreement_table`."""
    if text.isascii():
        return any(c in text for c in _ASCII_DISAGREE)
    return bool(_disagreement_table()[_codes(text)].any())


def has_word_char(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether each span ``text[start:end]`` holds a character of ``re``'s ``\\w`` (a letter,
    digit or underscore), for all spans in one array operation.

    Examples
    --------
    >>> has_word_char("NATO , 2%", np.array([0, 5, 7]), np.array([4, 6, 9])).tolist()
    [True, False, True]
    """
    counts = np.concatenate([[0], np.cumsum(_char_table(r"\w")[_codes(text)], dtype="int64")])
    return counts[ends] > counts[starts]
