"""docs/lint.md's examples compile, and each shows the warning of its section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import a2icond
from a2icond.codes import CODES

DOC = (Path(__file__).resolve().parent.parent / "docs" / "lint.md").read_text("utf-8")


def examples() -> list[tuple[str, str]]:
    """(section heading, program) for every ```cond block."""
    found = []
    for match in re.finditer(r"^```cond\n(.*?)^```", DOC, re.M | re.S):
        headings = re.findall(r"^## (.+)$", DOC[: match.start()], re.M)
        found.append((headings[-1] if headings else "", match.group(1)))
    return found


EXAMPLES = examples()


def test_there_are_examples_for_every_lint_section() -> None:
    sections = set(re.findall(r"^## (A2I1\d\d) ", DOC, re.M))
    with_examples = {h.split()[0] for h, _ in EXAMPLES if h.startswith("A2I1")}
    assert sections and sections - {"A2I106", "A2I107"} <= with_examples


def test_section_names_match_the_registry() -> None:
    for code, name in re.findall(r"^## (A2I1\d\d) (\S+)$", DOC, re.M):
        assert CODES[code].name == name


@pytest.mark.parametrize(("heading", "program"), EXAMPLES, ids=[h for h, _ in EXAMPLES])
def test_example_compiles_and_shows_its_warning(heading: str, program: str) -> None:
    result = a2icond.compile(program)  # raises on any error
    codes = {d.code for d in result.warnings}
    if heading.startswith("A2I1"):
        assert heading.split()[0] in codes, (heading, program, codes)
    else:  # the ignore-comment examples: every warning silenced
        assert codes == set(), (heading, codes)
