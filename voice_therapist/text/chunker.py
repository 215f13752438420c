"""Cuts a stream of LLM tokens into pieces the TTS can speak while the rest is generated.

The first piece may end at a clause boundary (a comma, a dash, or before a conjunction) so
the first audio comes early; later pieces end at sentences. A piece never exceeds max_words.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*(?=\s)")
_CLAUSE_END = re.compile(r"[,;:—–]+(?=\s)")
_CONJUNCTION = re.compile(r"\s(?=(?:and|but|because|so|when|while|though)\s)", re.I)
_ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "e.g.", "i.e.", "etc.", "vs.", "st."}


class SentenceChunker:
    def __init__(self, first_clause_min_words: int = 3, max_words: int = 25):
        self._first_min = first_clause_min_words
        self._max_words = max_words
        self._buffer = ""
        self._emitted = 0

    def push(self, text: str) -> list[str]:
        """Add streamed text; return the pieces that are ready to speak."""
        self._buffer += text
        pieces = []
        while (cut := self._find_cut()) is not None:
            piece, self._buffer = self._buffer[:cut].strip(), self._buffer[cut:].lstrip()
            if piece:
                pieces.append(piece)
                self._emitted += 1
        return pieces

    def flush(self) -> list[str]:
        piece, self._buffer = self._buffer.strip(), ""
        return [piece] if piece else []

    def _find_cut(self) -> int | None:
        buf = self._buffer
        for match in _SENTENCE_END.finditer(buf):
            last_word = buf[: match.end()].split()[-1].lower() if buf[: match.end()].split() else ""
            if last_word not in _ABBREVIATIONS:
                return match.end()
        if self._emitted == 0:
            boundaries = sorted((*_CLAUSE_END.finditer(buf), *_CONJUNCTION.finditer(buf)), key=lambda m: m.end())
            for match in boundaries:
                if len(buf[: match.end()].split()) >= self._first_min:
                    return match.end()
        words = list(re.finditer(r"\S+\s", buf))
        if len(words) >= self._max_words:
            return words[self._max_words - 1].end()
        return None


def chunk_text(text: str, first_clause_min_words: int = 3, max_words: int = 25) -> list[str]:
    """A whole text cut the same way as a stream: the first piece short, then sentences."""
    chunker = SentenceChunker(first_clause_min_words, max_words)
    return chunker.push(text + " ") + chunker.flush()
