"""Generate `a2icond/_schema_validators.py` from the strict schemas in `a2icond/schemas/*.json`.

    python tools/gen_validators.py            # rewrite a2icond/_schema_validators.py
    python tools/gen_validators.py --check    # exit 1 if the committed module is out of date

The schema files stay the single source of truth. This turns each into plain Python functions
(one per subschema) that answer "is this document valid?" exactly as a JSON Schema draft 7
validator does for the keywords the schemas use, so checking every compiler output against its
strict schema costs microseconds and no validator library import. A keyword this generator
does not know stops it with an error rather than being skipped. `tests/test_schema_validators.py`
regenerates the module and compares it byte for byte, and checks its verdicts against the
reference `jsonschema` implementation on valid and mutated documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "a2icond" / "schemas"
OUTPUT = ROOT / "a2icond" / "_schema_validators.py"

#: Keywords that do not constrain anything.
ANNOTATIONS = {"$schema", "$id", "title", "description", "definitions", "$comment", "examples"}

TYPE_TESTS = {
    "object": "isinstance(x, dict)",
    "array": "isinstance(x, list)",
    "string": "isinstance(x, str)",
    "number": "_number(x)",
    "integer": "_integer(x)",
    "boolean": "isinstance(x, bool)",
    "null": "x is None",
}


class Unsupported(Exception):
    """A schema uses a keyword (or a form of one) this generator does not translate."""


class Generator:
    def __init__(self, prefix: str, root: dict[str, Any]) -> None:
        self.prefix = prefix
        self.root = root
        self.functions: list[str] = []
        self.constants: list[str] = []
        self.names: dict[str, str] = {}  # definition name -> function name
        self.count = 0

    def ref(self, ref: str) -> str:
        if not ref.startswith("#/definitions/") or "/" in ref[len("#/definitions/") :]:
            raise Unsupported(f"$ref {ref!r}: only #/definitions/NAME")
        name = ref[len("#/definitions/") :]
        if name not in self.names:
            self.names[name] = f"_{self.prefix}_{name}"
            self.function(self.root["definitions"][name], self.names[name])
        return self.names[name]

    def new_name(self) -> str:
        self.count += 1
        return f"_{self.prefix}_{self.count}"

    def function(self, schema: Any, name: str | None = None) -> str:
        """Emit a function for `schema`; returns its name."""
        if isinstance(schema, dict) and "$ref" in schema and name is None:
            return self.ref(schema["$ref"])  # draft 7: keywords next to $ref are ignored
        name = name or self.new_name()
        if schema is True or schema == {}:
            self.functions.append(f"def {name}(x: Any) -> bool:\n    return True\n")
            return name
        if schema is False:
            self.functions.append(f"def {name}(x: Any) -> bool:\n    return False\n")
            return name
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if "$ref" in schema:  # a definition that is only a reference
            target = self.ref(schema["$ref"])
            self.functions.append(f"def {name}(x: Any) -> bool:\n    return {target}(x)\n")
            return name
        body: list[str] = []
        known = set(ANNOTATIONS)

        def fail_unless(test: str, indent: str = "    ") -> None:
            body.append(f"{indent}if not ({test}):\n{indent}    return False")

        types: list[str] = []
        if "type" in schema:
            known.add("type")
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            fail_unless(" or ".join(TYPE_TESTS[t] for t in types))
        sure = TYPE_TESTS[types[0]] if len(types) == 1 else None  # the type is known from here
        if "const" in schema:
            known.add("const")
            value = schema["const"]
            if isinstance(value, str):
                fail_unless(f"isinstance(x, str) and x == {value!r}")
            else:
                fail_unless(f"_equal(x, {value!r})")
        if "enum" in schema:
            known.add("enum")
            fail_unless(f"any(_equal(x, v) for v in {schema['enum']!r})")

        obj: list[str] = []
        if "required" in schema:
            known.add("required")
            for key in schema["required"]:
                obj.append(f"if {key!r} not in x:\n    return False")
        if "minProperties" in schema:
            known.add("minProperties")
            obj.append(f"if len(x) < {int(schema['minProperties'])}:\n    return False")
        if "maxProperties" in schema:
            known.add("maxProperties")
            obj.append(f"if len(x) > {int(schema['maxProperties'])}:\n    return False")
        properties = schema.get("properties", {})
        if "properties" in schema:
            known.add("properties")
            for key, sub in properties.items():
                check = self.function(sub)
                obj.append(f"if {key!r} in x and not {check}(x[{key!r}]):\n    return False")
        if "additionalProperties" in schema:
            known.add("additionalProperties")
            extra = schema["additionalProperties"]
            allowed = self.constant(f"frozenset({sorted(properties)!r})")
            if extra is False:
                obj.append(f"if not {allowed}.issuperset(x):\n    return False")
            else:
                check = self.function(extra)
                obj.append(
                    f"for k in x:\n    if k not in {allowed} and not {check}(x[k]):\n"
                    "        return False"
                )
        self.block(body, "isinstance(x, dict)", obj, sure)

        arr: list[str] = []
        if "minItems" in schema:
            known.add("minItems")
            arr.append(f"if len(x) < {int(schema['minItems'])}:\n    return False")
        if "maxItems" in schema:
            known.add("maxItems")
            arr.append(f"if len(x) > {int(schema['maxItems'])}:\n    return False")
        if "items" in schema:
            known.add("items")
            if not isinstance(schema["items"], dict):
                raise Unsupported("items as a list")
            check = self.function(schema["items"])
            arr.append(f"for v in x:\n    if not {check}(v):\n        return False")
        self.block(body, "isinstance(x, list)", arr, sure)

        num: list[str] = []
        for keyword, op in (
            ("minimum", "<"),
            ("maximum", ">"),
            ("exclusiveMinimum", "<="),
            ("exclusiveMaximum", ">="),
        ):
            if keyword in schema:
                known.add(keyword)
                num.append(f"if x {op} {schema[keyword]!r}:\n    return False")
        self.block(body, "_number(x)", num, sure)

        text: list[str] = []
        if "minLength" in schema:
            known.add("minLength")
            text.append(f"if len(x) < {int(schema['minLength'])}:\n    return False")
        if "maxLength" in schema:
            known.add("maxLength")
            text.append(f"if len(x) > {int(schema['maxLength'])}:\n    return False")
        self.block(body, "isinstance(x, str)", text, sure)

        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in schema:
                known.add(keyword)
                checks = [self.function(sub) for sub in schema[keyword]]
                calls = ", ".join(f"{c}(x)" for c in checks)
                if keyword == "allOf":
                    fail_unless(" and ".join(f"{c}(x)" for c in checks))
                elif keyword == "anyOf":
                    fail_unless(" or ".join(f"{c}(x)" for c in checks))
                else:
                    fail_unless(f"sum(({calls},)) == 1")
        if "not" in schema:
            known.add("not")
            fail_unless(f"not {self.function(schema['not'])}(x)")
        if "if" in schema:
            known.update(("if", "then", "else"))
            test = self.function(schema["if"])
            then = self.function(schema.get("then", True))
            otherwise = self.function(schema.get("else", True))
            fail_unless(f"{then}(x) if {test}(x) else {otherwise}(x)")

        unknown = set(schema) - known
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        lines = [f"def {name}(x: Any) -> bool:", *body, "    return True"]
        self.functions.append("\n".join(lines) + "\n")
        return name

    def constant(self, expression: str) -> str:
        """A module-level name for `expression`, built once at import."""
        self.count += 1
        name = f"_{self.prefix.upper()}_{self.count}"
        self.constants.append(f"{name} = {expression}\n")
        return name

    @staticmethod
    def block(body: list[str], guard: str, statements: list[str], sure: str | None) -> None:
        """Keywords that apply only to one type of instance, under a test for that type (not
        needed when `type` already required exactly that type)."""
        if not statements:
            return
        indent = "    "
        if guard != sure:
            body.append(f"    if {guard}:")
            indent = "        "
        for statement in statements:
            body += [indent + line for line in statement.splitlines()]


HEADER = '''\
# ruff: noqa
# fmt: off
# Generated by tools/gen_validators.py from a2icond/schemas/*.schema.json. Do not edit: change
# the schema, then run `python tools/gen_validators.py`; tests/test_schema_validators.py checks
# that this is up to date and agrees with the reference jsonschema implementation.
"""Validity of a document against each strict schema, as plain functions (JSON Schema draft 7
semantics for the keywords the schemas use)."""

from typing import Any, Callable


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _integer(x: Any) -> bool:
    return _number(x) and (isinstance(x, int) or x.is_integer())


def _equal(x: Any, y: Any) -> bool:
    """JSON equality: a boolean is never a number, 1 equals 1.0."""
    if isinstance(x, bool) or isinstance(y, bool):
        return isinstance(x, bool) and isinstance(y, bool) and x == y
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_equal(x[k], y[k]) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(_equal(a, b) for a, b in zip(x, y))
    if _number(x) and _number(y):
        return bool(x == y)
    return type(x) is type(y) and bool(x == y)

'''


def render(schemas: Path = SCHEMAS) -> str:
    parts = [HEADER]
    table = []
    for path in sorted(schemas.glob("*.schema.json")):
        source = path.name.removesuffix(".schema.json")
        gen = Generator(source, json.loads(path.read_text(encoding="utf-8")))
        top = gen.function(gen.root, f"_{source}")
        parts.append(f"# {path.name}\n\n")
        parts += gen.constants
        parts += ["\n" + f for f in gen.functions]
        parts.append("\n")
        table.append(f"    {source!r}: {top},")
    parts.append("\n#: Source name -> is this document valid on its strict schema?\n")
    parts.append("VALIDATORS: dict[str, Callable[[Any], bool]] = {\n")
    parts.append("\n".join(table) + "\n}\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        same = args.output.is_file() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'OUT OF DATE'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
