"""Our own checker for the JSON Schema subset that ``schema_v1.json`` uses, compiled to one Python function.

Why not a general library: the merge checks every one of 20,000 records against the schema, and a general
validator (fastjsonschema, jsonschema) spent more time on that than parsing the file. The schema is ours and
generated (``schema_build``) from a handful of keywords, so a small compiler for exactly those keywords is
both faster and easier to review than patching another library's generated code.

Two halves, kept deliberately separate:

- ``compile_schema(schema)`` returns a predicate ``ok(value) -> bool``: the source of one function, written
  from the schema by ``_Generator`` with every test inlined (a closed object compares its key set in one
  operation, a code list is one frozenset lookup, arrays are plain loops) and compiled once. It says only
  yes or no, so that the common case (a valid file) pays for nothing else. ``python -m
  cpchair.interchange.schema_check`` prints the generated source.
- ``first_violation(schema, value)`` walks the schema plainly, in the schema's own order, and returns the
  first thing wrong (path and sentence). It runs only when the predicate said no.

A keyword outside the supported subset makes compiling fail loudly (``UnsupportedSchema``), so a future
schema that needs more cannot be checked half-way by accident. ``tests/interchange/test_schema_check.py``
and the reader tests hold both halves to the reference ``jsonschema`` on valid and mutated files.

Types are exact, as ``json.loads`` makes them: an integer is an ``int`` but never a ``bool`` and never a
float (version 1 has no decimal numbers; the reader parses any decimal into a value no type accepts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[Any], bool]

#: Keywords that only describe; they never change what is valid.
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "definitions"})
_SUPPORTED = _ANNOTATIONS | {
    "$ref",
    "anyOf",
    "const",
    "enum",
    "type",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
}


class UnsupportedSchema(ValueError):
    """The schema uses something this checker does not implement: extend the checker, do not skip it."""


@dataclass(frozen=True)
class Violation:
    """The first thing wrong: ``path`` like ``payload.conferences[0].quorate`` ("" for the whole document)."""

    path: str
    message: str  # a sentence fragment that starts with the place, e.g. "payload.sequence must be integer"


# --- type tests shared by both halves ------------------------------------------------------------------


def _is_integer(v: Any) -> bool:
    return v.__class__ is int


_TYPE_TESTS: dict[str, Predicate] = {
    "string": lambda v: v.__class__ is str,
    "integer": _is_integer,
    "boolean": lambda v: v.__class__ is bool,
    "null": lambda v: v is None,
    "object": lambda v: v.__class__ is dict,
    "array": lambda v: v.__class__ is list,
}


def _same(a: Any, b: Any) -> bool:
    """JSON equality for enum/const: ``true`` is not ``1`` (Python says it is)."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("type")
    if t is None:
        return []
    types = [t] if isinstance(t, str) else list(t)
    unknown = [x for x in types if x not in _TYPE_TESTS]
    if unknown:
        raise UnsupportedSchema(f"type {unknown[0]!r} is not supported")
    return types


# --- the fast predicate: our schema compiled to one Python function -------------------------------------


class _Generator:
    """Writes the source of ``def ok(doc) -> bool`` for a schema: every check inlined, every ``$ref`` expanded
    in place (a recursive one becomes a call), loops for arrays, ``return False`` at the first failure.

    Why generate source rather than nest closures: a record of the export holds about twenty objects and
    arrays, and a call per node was most of the time; one function with straight-line tests is about twice
    as fast. The source is ours, from our schema, and readable: ``python -m cpchair.interchange.schema_check``
    prints it."""

    MAX_DEPTH = 12  # Python refuses more than 20 nested blocks; deeper nodes become functions of their own

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.consts: dict[str, Any] = {"_unique": _unique, "_same": _same}
        self.functions: list[list[str]] = []
        self.expanding: list[str] = []  # the $refs being expanded, to stop a recursive schema
        self.ref_functions: dict[str, str] = {}
        self.counter = 0

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, prefix: str, value: Any) -> str:
        name = self.name(prefix)
        self.consts[name] = value
        return name

    def function(self, node: Any, fname: str | None = None) -> str:
        """A function ``fN(v) -> bool`` for ``node`` (for recursion, deep nesting and anyOf branches)."""
        fname = fname or self.name("_f")
        body: list[str] = []
        self.emit(node, "v", body, 2)
        self.functions.append(
            [f"def {fname}(v):", "    try:", *body, "    except TypeError:", "        return False", "    return True"]
        )
        return fname

    def emit(self, node: Any, var: str, out: list[str], depth: int) -> None:
        """Lines (at ``depth`` levels of indentation) that ``return False`` unless ``var`` satisfies ``node``."""
        pad = "    " * depth
        if node is True or node == {}:
            return
        if node is False:
            out.append(f"{pad}return False")
            return
        if not isinstance(node, dict):
            raise UnsupportedSchema(f"a schema must be an object, not {node!r}")
        unknown = set(node) - _SUPPORTED
        if unknown:
            raise UnsupportedSchema(f"keyword {sorted(unknown)[0]!r} is not supported")
        if depth > self.MAX_DEPTH:
            out.append(f"{pad}if not {self.function(node)}({var}):")
            out.append(f"{pad}    return False")
            return
        if "$ref" in node:
            ref = node["$ref"]
            target = _resolve(self.root, ref)
            if ref in self.expanding:  # recursive: call a function (made once) instead of expanding forever
                if ref not in self.ref_functions:  # named before its body, which may call it again
                    self.ref_functions[ref] = self.name("_f")
                    self.function(target, self.ref_functions[ref])
                out.append(f"{pad}if not {self.ref_functions[ref]}({var}):")
                out.append(f"{pad}    return False")
            else:
                self.expanding.append(ref)
                self.emit(target, var, out, depth)
                self.expanding.pop()
        if "anyOf" in node:
            self.any_of(node["anyOf"], var, out, depth)
        if "const" in node:
            value = node["const"]
            if type(value) in (str, int):  # not bool, not None: an exact type and ==
                out.append(f"{pad}if {var}.__class__ is not {type(value).__name__} or {var} != {value!r}:")
            else:
                out.append(f"{pad}if not _same({var}, {self.const('_C', value)}):")
            out.append(f"{pad}    return False")
        types = _types(node)
        if len(types) > 1:
            # ["x", "null"] and the like: each type's own checks in a function of its own
            branches = [self.function({**node, "type": t}) for t in types]
            out.append(f"{pad}if not ({' or '.join(f'{b}({var})' for b in branches)}):")
            out.append(f"{pad}    return False")
            return
        if "enum" in node:
            values = node["enum"]
            if types == ["string"] and all(isinstance(e, str) for e in values):
                # A set lookup says everything; an unhashable value raises TypeError, caught as "no".
                codes = self.const("_E", frozenset(values))
                out.append(f"{pad}if {var} not in {codes}:")
            else:
                codes = self.const("_E", list(values))
                out.append(f"{pad}if not any(_same({var}, e) for e in {codes}):")
            out.append(f"{pad}    return False")
            if (
                types == ["string"]
                and all(isinstance(e, str) for e in values)
                and set(node) <= _ANNOTATIONS | {"type", "enum"}
            ):
                return
        if types:
            getattr(self, f"emit_{types[0]}")(node, var, out, depth)

    def any_of(self, branches: list[Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        if len(branches) == 2 and {"type": "null"} in branches and branches[0] != branches[1]:
            other = branches[0] if branches[1] == {"type": "null"} else branches[1]
            out.append(f"{pad}if {var} is not None:")
            before = len(out)
            self.emit(other, var, out, depth + 1)
            if len(out) == before:
                out.append(f"{pad}    pass")
            return
        names = [self.function(b) for b in branches]
        out.append(f"{pad}if not ({' or '.join(f'{n}({var})' for n in names)}):")
        out.append(f"{pad}    return False")

    def emit_null(self, node: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        out.append(f"{'    ' * depth}if {var} is not None:")
        out.append(f"{'    ' * depth}    return False")

    def emit_boolean(self, node: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        out.append(f"{'    ' * depth}if {var}.__class__ is not bool:")
        out.append(f"{'    ' * depth}    return False")

    def emit_integer(self, node: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        tests = [f"{var}.__class__ is not int"]
        if "minimum" in node:
            tests.append(f"{var} < {int(node['minimum'])}")
        if "maximum" in node:
            tests.append(f"{var} > {int(node['maximum'])}")
        out.append(f"{pad}if {' or '.join(tests)}:")
        out.append(f"{pad}    return False")

    def emit_string(self, node: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        tests = [f"{var}.__class__ is not str"]
        if "minLength" in node:
            tests.append(f"len({var}) < {int(node['minLength'])}")
        if "maxLength" in node:
            tests.append(f"len({var}) > {int(node['maxLength'])}")
        if "pattern" in node:
            search = self.const("_P", re.compile(node["pattern"]).search)
            tests.append(f"{search}({var}) is None")  # JSON Schema's pattern is a search, as in jsonschema
        out.append(f"{pad}if {' or '.join(tests)}:")
        out.append(f"{pad}    return False")

    def emit_array(self, node: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        tests = [f"{var}.__class__ is not list"]
        if node.get("minItems"):
            tests.append(f"len({var}) < {int(node['minItems'])}")
        if "maxItems" in node:
            tests.append(f"len({var}) > {int(node['maxItems'])}")
        out.append(f"{pad}if {' or '.join(tests)}:")
        out.append(f"{pad}    return False")
        items = node.get("items")
        if isinstance(items, list):
            raise UnsupportedSchema("tuple-form items are not supported")
        if items is not None and items is not True and items != {}:
            item = self.name("i")
            out.append(f"{pad}for {item} in {var}:")
            self.emit(items, item, out, depth + 1)
        if node.get("uniqueItems"):
            # Items that passed a string-only test are hashable and equal only to equal strings.
            strings = isinstance(items, dict) and items.get("type") == "string"
            test = f"len(set({var})) != len({var})" if strings else f"not _unique({var})"
            out.append(f"{pad}if {test}:")
            out.append(f"{pad}    return False")

    def emit_object(self, node: dict[str, Any], var: str, out: list[str], depth: int) -> None:
        pad = "    " * depth
        props: dict[str, Any] = node.get("properties", {})
        required = list(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        if extra not in (True, False):
            raise UnsupportedSchema("additionalProperties must be true or false")
        exact = extra is False and set(required) == set(props)
        if exact:  # every property required and no other allowed: one comparison of the key sets
            keys = self.const("_K", frozenset(props))
            out.append(f"{pad}if {var}.__class__ is not dict or {var}.keys() != {keys}:")
            out.append(f"{pad}    return False")
        else:
            out.append(f"{pad}if {var}.__class__ is not dict:")
            out.append(f"{pad}    return False")
            if required:
                need = self.const("_R", frozenset(required))
                out.append(f"{pad}if not {need} <= {var}.keys():")
                out.append(f"{pad}    return False")
            if extra is False:
                allowed = self.const("_K", frozenset(props))
                out.append(f"{pad}if not {var}.keys() <= {allowed}:")
                out.append(f"{pad}    return False")
        for key, sub in props.items():
            value = self.name("v")
            if exact:
                out.append(f"{pad}{value} = {var}[{key!r}]")
                self.emit(sub, value, out, depth)
            else:
                out.append(f"{pad}if {key!r} in {var}:")
                out.append(f"{pad}    {value} = {var}[{key!r}]")
                self.emit(sub, value, out, depth + 1)

    def source(self) -> str:
        main = self.function(self.root)
        text = "\n\n".join("\n".join(f) for f in self.functions)
        return f"{text}\n\nok = {main}\n"


def _unique(values: list[Any]) -> bool:
    return not any(_same(a, b) for i, a in enumerate(values) for b in values[i + 1 :])


def _resolve(root: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#"):
        raise UnsupportedSchema(f"only references inside the schema are supported, not {ref!r}")
    node: Any = root
    for part in filter(None, ref[1:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise UnsupportedSchema(f"reference {ref!r} leads nowhere")
        node = node[part]
    return node


def schema_source(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The generated source of the predicate and the constants it refers to (sets, patterns)."""
    gen = _Generator(schema)
    return gen.source(), gen.consts


def compile_schema(schema: dict[str, Any]) -> Predicate:
    """``ok(value)``: True exactly when ``value`` is valid against ``schema`` (the supported subset).
    Values are those ``json.loads`` makes: exact ``dict``/``list``/``str``/``int``/``bool``/``None``."""
    source, namespace = schema_source(schema)
    exec(compile(source, "<cpchair schema check>", "exec"), namespace)  # noqa: S102 - generated from our schema
    return namespace["ok"]


# --- the first reason, only for a document the predicate refused -----------------------------------------


def first_violation(schema: dict[str, Any], value: Any) -> Violation | None:
    """The first thing wrong with ``value`` in the schema's own order, or None when it is valid."""
    return _Explainer(schema).check(schema, value, ())


def _where(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _shown(value: Any) -> str:
    """A refused value as the message shows it: JSON for a plain value, cut short; never a whole structure."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    try:
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, str | int | bool | None) else repr(value)
    except ValueError:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _never(_value: Any) -> bool:
    return False


class _Explainer:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.item_checks: dict[int, Predicate] = {}

    def item_check(self, items: Any) -> Predicate:
        """The compiled predicate of an array's ``items``, to step over valid items quickly: without it, a
        20,000-record file refused for its last record took seconds to explain."""
        check = self.item_checks.get(id(items))
        if check is None:
            sub = {**items, "definitions": self.root.get("definitions", {})} if isinstance(items, dict) else items
            try:
                check = compile_schema(sub)
            except UnsupportedSchema:  # e.g. a reference outside the definitions: explain every item
                check = _never
            self.item_checks[id(items)] = check
        return check

    def fail(self, path: tuple[str | int, ...], what: str) -> Violation:
        where = _where(path)
        return Violation(where, f"{where or 'the file'} {what}")

    def check(self, node: Any, v: Any, path: tuple[str | int, ...]) -> Violation | None:
        if node is True or node == {}:
            return None
        if node is False:
            return self.fail(path, "must not be there")
        if "$ref" in node:
            found = self.check(_resolve(self.root, node["$ref"]), v, path)
            if found:
                return found
        branches = node.get("anyOf")
        if branches and v is not None and len(branches) == 2 and {"type": "null"} in branches:
            # A nullable answer that is not null: what is wrong is what is wrong with the other branch.
            found = self.check(next(b for b in branches if b != {"type": "null"}), v, path)
            if found:
                return found
        elif branches and not any(self.check(b, v, path) is None for b in branches):
            return self.fail(path, f"has the value {_shown(v)}, which is not one the format allows")
        if "const" in node and not _same(v, node["const"]):
            return self.fail(path, f"has the value {_shown(v)}, which is not one the format allows")
        if "enum" in node and not any(_same(v, e) for e in node["enum"]):
            return self.fail(path, f"has the value {_shown(v)}, which is not one the format allows")
        types = _types(node)
        if types and not any(_TYPE_TESTS[t](v) for t in types):
            return self.fail(path, f"must be {' or '.join(types)}")
        if v.__class__ is str:
            return self.string(node, v, path)
        if _is_integer(v):
            if "minimum" in node and v < node["minimum"]:
                return self.fail(path, f"must be at least {node['minimum']}")
            if "maximum" in node and v > node["maximum"]:
                return self.fail(path, f"must be at most {node['maximum']}")
        if v.__class__ is list:
            return self.array(node, v, path)
        if v.__class__ is dict:
            return self.object(node, v, path)
        return None

    def string(self, node: dict[str, Any], v: str, path: tuple[str | int, ...]) -> Violation | None:
        if "minLength" in node and len(v) < node["minLength"]:
            return self.fail(path, f"must be at least {node['minLength']} character(s) long")
        if "maxLength" in node and len(v) > node["maxLength"]:
            return self.fail(path, f"is longer than {node['maxLength']} characters")
        if "pattern" in node and re.search(node["pattern"], v) is None:
            return self.fail(path, f"has the value {_shown(v)}, which is not in the form the format requires")
        return None

    def array(self, node: dict[str, Any], v: list[Any], path: tuple[str | int, ...]) -> Violation | None:
        if "minItems" in node and len(v) < node["minItems"]:
            return self.fail(path, f"must hold at least {node['minItems']} item(s)")
        if "maxItems" in node and len(v) > node["maxItems"]:
            return self.fail(path, f"must hold at most {node['maxItems']} items")
        if "items" in node:
            valid = self.item_check(node["items"])
            for i, item in enumerate(v):
                found = None if valid(item) else self.check(node["items"], item, (*path, i))
                if found:
                    return found
        if node.get("uniqueItems") and not _unique(v):
            return self.fail(path, "must not hold the same item twice")
        return None

    def object(self, node: dict[str, Any], v: dict[str, Any], path: tuple[str | int, ...]) -> Violation | None:
        missing = [k for k in node.get("required", ()) if k not in v]
        if missing:
            return self.fail(path, f"must contain {', '.join(json.dumps(k) for k in missing)}")
        props = node.get("properties", {})
        for name, sub in props.items():
            if name in v:
                found = self.check(sub, v[name], (*path, name))
                if found:
                    return found
        if node.get("additionalProperties", True) is False:
            extra = [k for k in v if k not in props]
            if extra:
                return self.fail(path, f"must not contain {', '.join(_shown(k) for k in extra[:3])}")
        return None


if __name__ == "__main__":
    from cpchair.interchange.reader import schema

    print(schema_source(schema())[0])
