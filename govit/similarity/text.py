"""查重 text measures — pure functions, no database: Chinese segmentation (jieba with the government-terms
dictionary shipped in ``data/``), TF-IDF word vectors and character-bigram vectors per section, and the
combined score of two declarations under a pack's section weights."""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
MAX_CHARS = 20_000  # per section: longer text is compared on its first 20,000 characters
WORD_SHARE = 0.6  # a section's score: 60% word TF-IDF cosine, 40% character-bigram cosine
KEYWORDS = 32  # index terms kept per document

Vector = dict[str, float]
_lock = threading.Lock()
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDLIKE = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_SPACE = re.compile(r"\s+")
_NONWORD = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]+")


@cache
def stopwords() -> frozenset[str]:
    return frozenset(
        line.strip() for line in (DATA / "stopwords.txt").read_text("utf-8").splitlines() if line.strip()
    )


@cache
def _tokenizer() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with _lock:
        tokenizer.initialize()
        tokenizer.load_userdict(str(DATA / "gov_terms.txt"))
    return tokenizer


def normalise(text: str | None) -> str:
    """Full-width forms folded (Ａ→A, ，→,), lower case, runs of space as one, cut at ``MAX_CHARS``."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2]).lower()
    return _SPACE.sub(" ", folded).strip()[:MAX_CHARS]


def words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: segmented, without stop words, punctuation and single
    characters that are not Chinese."""
    text = normalise(text)
    if not text:
        return []
    stop = stopwords()
    out = []
    for word in _tokenizer().lcut(text, HMM=False):
        word = word.strip()
        if not word or word in stop or not _WORDLIKE.search(word):
            continue
        if len(word) == 1 and not _CJK.match(word):
            continue
        out.append(word[:40])
    return out


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the letters and digits of ``text`` (punctuation and spaces removed)."""
    chars = _NONWORD.sub("", normalise(text))
    return Counter(map(str.__add__, chars, chars[1:]))


def unit(vector: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two unit vectors."""
    return sum(a[k] * b[k] for k in a.keys() & b.keys())


def idf(df: int, documents: int) -> float:
    """Smoothed inverse document frequency (a term seen nowhere weighs most)."""
    return math.log((1 + documents) / (1 + df)) + 1


def weighted(counts: Mapping[str, int], df: Mapping[str, int], documents: int) -> Vector:
    """Unit TF-IDF vector (sub-linear term frequency)."""
    return unit({t: (1 + math.log(n)) * idf(df.get(t, 0), documents) for t, n in counts.items()})


@dataclass(frozen=True)
class Profile:
    """A declaration as the comparison sees it: per section, its unit TF-IDF word vector and its unit
    character-bigram vector. The word vectors are stored with the index (weighted by the document
    frequencies of the day it was indexed); the bigrams are taken from the text when compared."""

    words: dict[str, Vector]
    grams: dict[str, Vector]


def section_counts(sections: Mapping[str, str | None]) -> dict[str, dict[str, int]]:
    return {
        name: dict(Counter(words(text or ""))) for name, text in sections.items() if text and text.strip()
    }


def word_vectors(
    counts: Mapping[str, Mapping[str, int]], df: Mapping[str, int], documents: int
) -> dict[str, Vector]:
    out = {name: weighted(c, df, documents) for name, c in counts.items()}
    return {name: {t: round(w, 4) for t, w in v.items()} for name, v in out.items() if v}


def gram_vectors(sections: Mapping[str, str | None]) -> dict[str, Vector]:
    """Per section, the bigram counts scaled to unit length."""
    out = {}
    for name, text in sections.items():
        g = bigrams(text or "")
        if g:
            out[name] = unit(g)
    return out


def profile(sections: Mapping[str, str | None], vectors: dict[str, Vector]) -> Profile:
    return Profile(vectors, gram_vectors(sections))


def vocabulary(counts: Mapping[str, Mapping[str, int]]) -> set[str]:
    return {t for c in counts.values() for t in c}


def keywords(counts: Mapping[str, Mapping[str, int]], df: Mapping[str, int], documents: int) -> list[str]:
    """The ``KEYWORDS`` terms that say most about a declaration (TF-IDF over all its sections): what the
    index files it under."""
    total: Counter[str] = Counter()
    for c in counts.values():
        total.update(c)
    ranked = sorted(total, key=lambda t: (-(1 + math.log(total[t])) * idf(df.get(t, 0), documents), t))
    return ranked[:KEYWORDS]


@dataclass(frozen=True)
class Score:
    combined: float
    sections: dict[str, float]  # section -> score 0-1
    overlap: dict[str, list[str]]  # section -> shared words, weightiest first


def compare(a: Profile, b: Profile, weights: Mapping[str, float], overlap: int = 12) -> Score:
    """The combined score of two declarations: each section present on both sides scores
    ``WORD_SHARE`` × word cosine + the rest × bigram cosine; sections are weighted by the pack and the
    weights of sections missing on either side are shared among the others."""
    scores: dict[str, float] = {}
    shared: dict[str, list[str]] = {}
    for name in weights:
        wa, wb = a.words.get(name), b.words.get(name)
        ga, gb = a.grams.get(name), b.grams.get(name)
        if not (ga and gb):
            continue
        word = cosine(wa, wb) if wa and wb else 0.0
        scores[name] = min(1.0, WORD_SHARE * word + (1 - WORD_SHARE) * cosine(ga, gb))
        if wa and wb:
            common = sorted((t for t in wa if t in wb), key=lambda t: -(wa[t] * wb[t]))
            shared[name] = common[:overlap]
    total = sum(weights[s] for s in scores)
    combined = sum(weights[s] * v for s, v in scores.items()) / total if total else 0.0
    return Score(round(combined, 4), {k: round(v, 4) for k, v in scores.items()}, shared)


def present(sections: Mapping[str, str | None]) -> set[str]:
    """The sections with text to compare (two letters or digits at least: one bigram)."""
    return {name for name, t in sections.items() if t and len(_NONWORD.sub("", t[: MAX_CHARS * 2])) >= 2}


def ceiling(
    words_a: Mapping[str, Vector],
    words_b: Mapping[str, Vector],
    both: set[str],
    weights: Mapping[str, float],
) -> float:
    """The highest combined score two declarations could reach whatever their bigrams: ``compare`` with every
    bigram cosine taken as 1 over the sections present on both sides (``both``). Cheap, from the stored word
    vectors only, so that candidates which cannot enter the best few are not compared in full."""
    scores = {}
    for name in weights:
        if name in both:
            wa, wb = words_a.get(name), words_b.get(name)
            scores[name] = WORD_SHARE * (cosine(wa, wb) if wa and wb else 0.0) + (1 - WORD_SHARE)
    total = sum(weights[s] for s in scores)
    return min(1.0, sum(weights[s] * v for s, v in scores.items()) / total) if total else 0.0


def highlight(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, shared?) runs for display, marking each occurrence of ``terms``."""
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not text or not wanted:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            out.append((text[at : match.start()], False))
        out.append((match.group(0), True))
        at = match.end()
    if at < len(text):
        out.append((text[at:], False))
    return out
