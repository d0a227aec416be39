"""Diagnostic codes: the registry, one page per code, `a2icond explain`, and a code on every
diagnostic the package makes."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from a2icond import codes
from a2icond.compiler import load_text
from a2icond.diagnostics import CompileError, Diagnostic

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "a2icond"
PAGES = ROOT / "docs" / "codes"


def test_every_code_has_a_page_and_every_page_a_code() -> None:
    pages = {p.stem for p in PAGES.glob("*.md")}
    assert pages == set(codes.CODES)


def test_codes_are_well_formed() -> None:
    assert len({c.name for c in codes.REGISTRY}) == len(codes.REGISTRY)
    for c in codes.REGISTRY:
        assert re.fullmatch(r"A2I[01]\d\d", c.code), c
        assert c.severity == codes.severity_of(c.code), c
        page = codes.page(c.code)
        assert page is not None and page.startswith(f"# {c.code} {c.name}\n"), c


def test_lookup_by_code_or_name() -> None:
    assert codes.lookup("a2i024") is codes.CODES["A2I024"]
    assert codes.lookup("undeclared-key") is codes.CODES["A2I024"]
    assert codes.lookup("A2I999") is None


def _diagnostic_calls(tree: ast.AST) -> list[ast.Call]:
    """Calls of `Diagnostic(...)` and `Diagnostic.at(...)`."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id == "Diagnostic") or (
            isinstance(func, ast.Attribute)
            and func.attr == "at"
            and isinstance(func.value, ast.Name)
            and func.value.id == "Diagnostic"
        ):
            found.append(node)
    return found


def test_every_diagnostic_made_in_the_package_has_a_code() -> None:
    """A new `Diagnostic(...)` anywhere without `code=` fails here, naming the place."""
    missing = []
    total = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "diagnostics.py":
            continue  # the class itself (`at` forwards its own `code`)
        for call in _diagnostic_calls(ast.parse(path.read_text("utf-8"))):
            total += 1
            # `code=...`, or `**fields` carrying a diagnostic's own fields (report.from_json)
            if not any(k.arg in ("code", None) for k in call.keywords):
                missing.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert total > 10
    assert not missing, missing


def test_every_code_written_in_the_package_is_registered() -> None:
    written = set()
    for path in PACKAGE.rglob("*.py"):
        written |= set(re.findall(r'"(A2I\d{3})"', path.read_text("utf-8")))
    assert written and written <= set(codes.CODES), written - set(codes.CODES)


def test_lint_codes_match_the_registry() -> None:
    from a2icond import lint

    names = getattr(lint, "CODES", {})
    for code, name in names.items():
        assert codes.CODES[code].name == name
        assert codes.CODES[code].severity == "warning"


def _examples(page: str) -> list[tuple[str, str]]:
    section = page.split("## Example", 1)
    if len(section) == 1:
        return []
    return re.findall(r"```(cond|json)\n(.*?)```", section[1].split("\n## ", 1)[0], re.S)


def _codes_of(text: str, suffix: str) -> set[str]:
    try:
        result = load_text(text, filename=f"example{suffix}", require_source=False)
    except CompileError as exc:
        return {d.code for d in exc.diagnostics}
    return {d.code for d in result.diagnostics}


@pytest.mark.parametrize("code", sorted(codes.CODES))
def test_each_pages_example_reports_its_code(code: str) -> None:
    """The example on a code's page really produces that code (pages cannot rot)."""
    page = codes.page(code)
    assert page is not None
    for lang, text in _examples(page):
        assert code in _codes_of(text, "." + lang), (code, text)


def test_examples_exist_for_most_codes() -> None:
    with_examples = [c for c in codes.CODES if _examples(codes.page(c) or "")]
    assert len(with_examples) >= 30


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "a2icond", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_explain_prints_the_page() -> None:
    result = run_cli("explain", "A2I024")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (PAGES / "A2I024.md").read_text("utf-8")
    by_name = run_cli("explain", "model-6.1-label")
    assert by_name.returncode == 0
    assert by_name.stdout.startswith("# A2I102 model-6.1-label")


def test_explain_unknown_code_is_a_usage_error() -> None:
    result = run_cli("explain", "A2I999")
    assert result.returncode == 2
    assert "unknown code 'A2I999'" in result.stderr
    assert "Traceback" not in result.stderr


def test_explain_all_lists_every_code() -> None:
    result = run_cli("explain", "--all")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [c.code for c in codes.REGISTRY]


def test_headline_carries_the_code() -> None:
    d = Diagnostic("undeclared key 'x'", 2, 3, 2, 4, code="A2I024", filename="f.cond")
    assert d.headline() == "f.cond:2:3: error[A2I024]: undeclared key 'x'"


def test_pages_link_only_to_pages_the_wheel_has() -> None:
    """`a2icond explain` shows a page offline: it must not send the reader to a file an
    installed a2icond lacks."""
    for path in PAGES.glob("*.md"):
        for target in re.findall(r"\]\(([^)]+)\)", path.read_text("utf-8")):
            assert target.startswith("https://") or (PAGES / target).is_file(), (path, target)


def test_hints_do_not_point_at_docs_outside_the_wheel() -> None:
    """Messages and hints in the package never say `see docs/...`: docs/ is not installed,
    except the code pages, which `a2icond explain` prints."""
    for path in PACKAGE.rglob("*.py"):
        for string in _string_constants(path):
            assert not re.search(r"see docs/(?!codes/)", string), (path, string)


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]
