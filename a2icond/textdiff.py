"""A unified diff that stays fast on any two texts up to the 1 MiB input limit.

`difflib.unified_diff` is quadratic when many lines repeat without being frequent enough for
its "popular line" heuristic (a 1 MiB file of a few hundred distinct comment lines took minutes
under `fmt --diff`). Small inputs still go to difflib, so the diff is the one users know; past
`DIFFLIB_LINES` lines the common head and tail are set aside and the middle is aligned greedily
with a bounded look-ahead (like git's cost limit on Myers' algorithm: never worse than linear
times `WINDOW`, possibly longer than the shortest diff, always correct).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

#: Both sides at most this many lines: difflib's own diff.
DIFFLIB_LINES = 5000

#: How far ahead (in lines, on each side) the greedy alignment looks for the next common line.
WINDOW = 64

#: Lines of context around each change, as `diff -u` and difflib give by default.
CONTEXT = 3

_Opcode = tuple[str, int, int, int, int]


def unified_diff(before: str, after: str, fromfile: str, tofile: str) -> str:
    """The unified diff from `before` to `after` ("" when they are equal)."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    if len(a) <= DIFFLIB_LINES and len(b) <= DIFFLIB_LINES:
        return "".join(difflib.unified_diff(a, b, fromfile=fromfile, tofile=tofile))
    return "".join(render(a, b, opcodes(a, b), fromfile, tofile))


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[_Opcode]:
    """`SequenceMatcher.get_opcodes()`-style edits turning `a` into `b`, in at most
    O((len(a) + len(b)) * WINDOW) time: each unequal stretch is matched up to the nearest line
    the two sides share again within `WINDOW` lines, else replaced a window at a time."""
    out: list[_Opcode] = []

    def add(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if i1 == i2 and j1 == j2:
            return
        if out and out[-1][0] == tag:
            _, p1, _, q1, _ = out[-1]
            out[-1] = (tag, p1, i2, q1, j2)
        else:
            out.append((tag, i1, i2, j1, j2))

    n, m = len(a), len(b)
    i = j = 0
    while i < n and j < m:
        if a[i] == b[j]:
            i0, j0 = i, j
            while i < n and j < m and a[i] == b[j]:
                i, j = i + 1, j + 1
            add("equal", i0, i, j0, j)
            continue
        # the nearest common line ahead (least max(p, q) with a[i + p] == b[j + q]), looked
        # for one line further on each side at a time: the cost is the distance it finds
        seen_a: dict[str, int] = {}
        seen_b: dict[str, int] = {}
        step_a, step_b = min(n - i, WINDOW), min(m - j, WINDOW)  # nothing common nearby
        for k in range(max(step_a, step_b)):
            if k < step_a:
                line = a[i + k]
                seen_a.setdefault(line, k)
                if line in seen_b:
                    step_a, step_b = k, seen_b[line]
                    break
            if k < step_b:
                line = b[j + k]
                seen_b.setdefault(line, k)
                if line in seen_a:
                    step_a, step_b = seen_a[line], k
                    break
        tag = "replace" if step_a and step_b else "delete" if step_a else "insert"
        add(tag, i, i + step_a, j, j + step_b)
        i, j = i + step_a, j + step_b
    if i < n or j < m:
        add("replace" if i < n and j < m else "delete" if i < n else "insert", i, n, j, m)
    return out


def _grouped(codes: list[_Opcode], context: int = CONTEXT) -> Iterator[list[_Opcode]]:
    """The edits in hunks with `context` equal lines around each (difflib's grouping)."""
    if not codes:
        codes = [("equal", 0, 1, 0, 1)]
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    wide = context + context
    group: list[_Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > wide:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _range(start: int, stop: int) -> str:
    """A hunk header's range, as `diff -u` writes it."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def render(
    a: Sequence[str], b: Sequence[str], codes: Sequence[_Opcode], fromfile: str, tofile: str
) -> Iterator[str]:
    """The unified diff text of `codes`, written exactly as `difflib.unified_diff` writes it
    (lines as they are, a last line without its newline included)."""
    started = False
    for group in _grouped(list(codes)):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    yield " " + line
                continue
            if tag in ("replace", "delete"):
                for line in a[i1:i2]:
                    yield "-" + line
            if tag in ("replace", "insert"):
                for line in b[j1:j2]:
                    yield "+" + line
