"""The lint registry: every code belongs to a family, has a summary and a rule that reports
it; the rules run once per node; and long chains lint in linear time."""

from __future__ import annotations

import time

import a2icond
from a2icond import lint
from a2icond.lint import registry


def test_every_code_has_a_family_module_a_summary_and_a_rule() -> None:
    assert set(lint.CODES) == set(registry.CODES)
    families = {"labels", "ranges", "members", "keys", "sampling"}
    for code, entry in registry.CODES.items():
        assert entry.code == code and code.startswith("A2I1")
        assert entry.family in families
        assert entry.summary and entry.name == lint.CODES[code]
        assert entry.rules, f"{code} has no rule"
        for name in entry.rules:
            family, _, function = name.partition(".")
            assert callable(getattr(getattr(lint, family), function))


def test_each_rule_lives_in_the_family_of_its_codes() -> None:
    assert len(registry.RULES) >= 9
    for rule in registry.RULES:
        assert rule.codes
        assert {registry.CODES[c].family for c in rule.codes} == {rule.family}


def test_a_newly_registered_rule_runs_on_its_nodes() -> None:
    """The linter runs what the registry holds, nothing hard-wired."""
    from a2icond import ast

    seen: list[str] = []

    @registry.rule(ast.Sampling, codes=("A2I109",))
    def spy(context: object, node: ast.Sampling) -> None:
        seen.append(node.percent.text)

    try:
        assert "test_lint_registry.spy" in registry.CODES["A2I109"].rules
        a2icond.compile(
            'source rekognition\nsample 5% or (sample 7% and label "Alcohol" confidence > 5)'
        )
    finally:
        registry.unregister(spy)
    assert "test_lint_registry.spy" not in registry.CODES["A2I109"].rules
    assert sorted(seen) == ["5", "7"]


def test_a_long_and_chain_lints_in_linear_time() -> None:
    """Once quadratic: a 1 MiB file of labels spent 49 s in the duplicate scan."""
    from a2icond import checker, parser

    members = [f'label "Violence" confidence > {1 + i / 1000:.3f}' for i in range(8000)]
    members += [f'label "Alcohol" confidence < {50 + i / 1000:.3f}' for i in range(8000)]
    text = "source rekognition\n" + "\nand ".join(members) + "\n"
    program = parser.parse(text)
    analysis = checker.check(program)
    start = time.perf_counter()
    found = lint.lint(program, analysis)
    elapsed = time.perf_counter() - start
    assert found == []
    assert elapsed < 8, f"lint took {elapsed:.1f} s on 16,000 members"
