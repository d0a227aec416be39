"""`difflib.get_close_matches(word, names, n=1)`, the same answer, fast for many words against
one list of names: for "did you mean" hints on label names (`lint.labels`) and key names
(`checker`), where a 1 MiB file can ask tens of thousands of times."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence

#: How alike a name must be to be suggested (difflib's ratio; its default).
CUTOFF = 0.6


class CloseMatcher:
    """`difflib.get_close_matches(word, names, n=1, cutoff=CUTOFF)`, the same answer, for many
    words against one fixed list of names.

    difflib tries every name in turn through two upper bounds of its ratio (the lengths, then
    the letters in common) and the ratio itself; the bounds cost most of the time (a 1 MiB
    file of distinct unknown labels took seconds). Here the letter counts of the names are
    counted once, each name's bound is computed from them as difflib computes it, and only the
    names whose bound can still beat the best ratio found so far get the full ratio.
    """

    def __init__(self, names: Sequence[str], cutoff: float = CUTOFF) -> None:
        self.cutoff = cutoff
        self.names = [(name, len(name), Counter(name)) for name in dict.fromkeys(names)]

    def best(self, word: str) -> str | None:
        """The name difflib would give first for `word`, or None below the cutoff."""
        cutoff, size = self.cutoff, len(word)
        letters = Counter(word).items()
        bounded: list[tuple[float, str]] = []
        for name, length, counts in self.names:
            total = size + length
            # difflib's real_quick_ratio and quick_ratio, the same arithmetic
            if 2.0 * min(size, length) / total < cutoff:
                continue
            common = 0
            for letter, times in letters:
                there = counts.get(letter)
                if there:
                    common += times if times < there else there
            bound = 2.0 * common / total
            if bound >= cutoff:
                bounded.append((bound, name))
        bounded.sort(reverse=True)
        best: tuple[float, str] | None = None
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        for bound, name in bounded:
            if best is not None and bound < best[0]:
                break  # neither this name nor any after it can reach the best ratio
            matcher.set_seq1(name)
            ratio = matcher.ratio()
            if ratio >= cutoff and (best is None or (ratio, name) > best):
                best = (ratio, name)  # ties go to the greater name, as in difflib's nlargest
        return best[1] if best is not None else None
