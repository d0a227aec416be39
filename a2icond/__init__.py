"""a2icond: write, check, test and ship Amazon A2I human-loop activation conditions.

    >>> import a2icond
    >>> conditions = a2icond.compile('label "Explicit" confidence > 90 or sample 5%')
    >>> conditions.to_json()
    '{"Conditions":[{"ConditionType":"ModerationLabelConfidenceCheck",...'

Heavier parts (the flow-definition builder, the evaluator) load on first use, so that
`import a2icond` stays cheap for the CLI and for pre-commit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names provided by modules that are imported only when first used (the compiler too:
# `a2icond check` on files it checked before loads none of it).
_LAZY = {
    "compile": "a2icond.compiler",
    "compile_file": "a2icond.compiler",
    "load": "a2icond.compiler",
    "CompileError": "a2icond.diagnostics",
    "Diagnostic": "a2icond.diagnostics",
    "Conditions": "a2icond.model",
    "FlowDefinition": "a2icond.aws.flow",
    "FlowError": "a2icond.aws.flow",
    "evaluate": "a2icond.evaluation.evaluate",
    "simulate": "a2icond.evaluation.simulation",
    "format_source": "a2icond.formatter",
    "decompile": "a2icond.decompiler",
}

if TYPE_CHECKING:  # pragma: no cover
    from .aws.flow import FlowDefinition, FlowError
    from .compiler import compile, compile_file, load
    from .decompiler import decompile
    from .diagnostics import CompileError, Diagnostic
    from .evaluation.evaluate import evaluate
    from .evaluation.simulation import simulate
    from .formatter import format_source
    from .model import Conditions


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'a2icond' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "CompileError",
    "Conditions",
    "Diagnostic",
    "FlowDefinition",
    "FlowError",
    "__version__",
    "compile",
    "compile_file",
    "decompile",
    "evaluate",
    "format_source",
    "load",
    "simulate",
]
