"""Our own checker for the JSON Schema subset that ``schema_v1.json`` uses, compiled into Python closures.

Why not a general library: the merge checks every one of 20,000 records against the schema, and a general
validator (fastjsonschema, jsonschema) spent more time on that than parsing the file. The schema is ours and
generated (``schema_build``) from a handful of keywords, so a small compiler for exactly those keywords is
both faster and easier to review than patching another library's generated code.

Two halves, kept deliberately separate:

- ``compile_schema(schema)`` returns a predicate ``ok(value) -> bool`` built from closures specialised per
  node: an object closed with ``additionalProperties: false`` compares its key set in one operation, enum
  members are looked up in frozensets, arrays are walked with ``map``. It says only yes or no, so that the
  common case (a valid file) pays for nothing else.
- ``first_violation(schema, value)`` walks the schema plainly, in the schema's own order, and returns the
  first thing wrong (path and sentence). It runs only when the predicate said no.

A keyword outside the supported subset makes compiling fail loudly (``UnsupportedSchema``), so a future
schema that needs more cannot be checked half-way by accident. ``tests/interchange/test_schema_check.py``
and the reader tests check both halves against the reference ``jsonschema`` on valid and mutated files.

Integers are exact: ``int`` but never ``bool`` and never a float (version 1 has no decimal numbers; the
reader parses any decimal into a value no type accepts, so ``1.0`` is refused where an integer is due).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
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


# --- the fast predicate ----------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Predicate] = {}

    def ref(self, ref: str) -> Predicate:
        """A ``$ref`` compiles once; a cycle gets a forwarding closure (none in our schema, but safe)."""
        if ref not in self.refs:
            box: list[Predicate] = []
            self.refs[ref] = lambda v: box[0](v)
            box.append(self.node(_resolve(self.root, ref)))
            self.refs[ref] = box[0]
        return self.refs[ref]

    def node(self, node: Any) -> Predicate:
        if node is True or node == {}:
            return lambda v: True
        if node is False:
            return lambda v: False
        if not isinstance(node, dict):
            raise UnsupportedSchema(f"a schema must be an object, not {node!r}")
        unknown = set(node) - _SUPPORTED
        if unknown:
            raise UnsupportedSchema(f"keyword {sorted(unknown)[0]!r} is not supported")
        checks: list[Predicate] = []
        if "$ref" in node:
            checks.append(self.ref(node["$ref"]))
        if "anyOf" in node:
            checks.append(self.any_of(node["anyOf"]))
        if "const" in node:
            const = node["const"]
            checks.append(lambda v: _same(v, const))
        types = _types(node)
        if "enum" in node and not self.is_code_list(node):
            values = list(node["enum"])
            checks.append(lambda v: any(_same(v, e) for e in values))
        if self.is_code_list(node):
            checks.append(self.code_list(node))
        elif types:
            checks.append(self.typed(node, types))
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(check(v) for check in checks)

    @staticmethod
    def is_code_list(node: dict[str, Any]) -> bool:
        """``{"type": "string", "enum": [...strings]}``: one frozenset lookup says everything."""
        return (
            node.get("type") in ("string", ["string", "null"], ["null", "string"])
            and isinstance(node.get("enum"), list)
            and all(isinstance(e, str) or e is None for e in node["enum"])
            and set(node) <= _ANNOTATIONS | {"type", "enum"}
        )

    @staticmethod
    def code_list(node: dict[str, Any]) -> Predicate:
        types = _types(node)
        allowed = frozenset(e for e in node["enum"] if isinstance(e, str))
        if "null" in types and None in node["enum"]:
            allowed_or_none = allowed | {None}
            return lambda v: (v is None or v.__class__ is str) and v in allowed_or_none
        return lambda v: v.__class__ is str and v in allowed

    def any_of(self, branches: list[Any]) -> Predicate:
        # The generated schema's nullable answers are ``anyOf: [X, {"type": "null"}]``: test null first, cheaply.
        if len(branches) == 2 and {"type": "null"} in branches:
            other = self.node(branches[0] if branches[1] == {"type": "null"} else branches[1])
            return lambda v: v is None or other(v)
        preds = [self.node(b) for b in branches]
        return lambda v: any(p(v) for p in preds)

    def typed(self, node: dict[str, Any], types: list[str]) -> Predicate:
        if len(types) > 1:
            per_type = [self.typed(node, [t]) for t in types]
            return lambda v: any(p(v) for p in per_type)
        kind = types[0]
        if kind == "string":
            return self.string(node)
        if kind == "integer":
            lo, hi = node.get("minimum"), node.get("maximum")
            if lo is not None and hi is not None:
                return lambda v: v.__class__ is int and lo <= v <= hi
            return lambda v: (
                _is_integer(v) and (lo is None or v >= lo) and (hi is None or v <= hi)  # type: ignore[operator]
            )
        if kind == "array":
            return self.array(node)
        if kind == "object":
            return self.object(node)
        return _TYPE_TESTS[kind]

    @staticmethod
    def string(node: dict[str, Any]) -> Predicate:
        lo, hi = node.get("minLength", 0), node.get("maxLength")
        search = re.compile(node["pattern"]).search if "pattern" in node else None
        if search is not None and hi is not None and not lo:
            return lambda v: v.__class__ is str and len(v) <= hi and search(v) is not None
        return lambda v: (
            v.__class__ is str
            and len(v) >= lo
            and (hi is None or len(v) <= hi)
            and (search is None or search(v) is not None)
        )

    def array(self, node: dict[str, Any]) -> Predicate:
        lo, hi = node.get("minItems", 0), node.get("maxItems")
        items = self.node(node["items"]) if "items" in node else None
        if isinstance(node.get("items"), list):
            raise UnsupportedSchema("tuple-form items are not supported")
        unique = node.get("uniqueItems", False)
        # Items that passed a string type test are hashable and unequal to any other type: a set counts them.
        strings = isinstance(node.get("items"), dict) and node["items"].get("type") == "string"

        def ok(v: Any) -> bool:
            if v.__class__ is not list or len(v) < lo or (hi is not None and len(v) > hi):
                return False
            if items is not None and not all(map(items, v)):
                return False
            if not unique:
                return True
            return len(set(v)) == len(v) if strings else _unique(v)

        return ok

    def unwrap(self, node: Any) -> tuple[Any, bool]:
        """``(X, nullable)`` for ``X``, ``{"$ref": X}`` or ``anyOf: [X, {"type": "null"}]``: the shapes the
        generated schema gives a property, seen through so the property can be tested inline."""
        nullable = False
        if isinstance(node, dict) and set(node) == {"anyOf"} and len(node["anyOf"]) == 2:
            branches = node["anyOf"]
            if {"type": "null"} in branches and branches[0] != branches[1]:
                node = next(b for b in branches if b != {"type": "null"})
                nullable = True
        while isinstance(node, dict) and set(node) == {"$ref"}:
            node = _resolve(self.root, node["$ref"])
        return node, nullable

    def object(self, node: dict[str, Any]) -> Predicate:
        props: dict[str, Any] = node.get("properties", {})
        required = frozenset(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        if extra not in (True, False):
            raise UnsupportedSchema("additionalProperties must be true or false")
        names = frozenset(props)
        # Split the properties by how they are tested, so the common ones cost no call of their own: code
        # lists by a frozenset lookup, booleans by type, strings and integers by their bounds in a loop,
        # the rest (arrays, objects) by their own compiled predicate.
        shape = _Shape()
        for name, sub in props.items():
            inner, nullable = self.unwrap(sub)
            keys = set(inner) - _ANNOTATIONS if isinstance(inner, dict) else {"?"}
            kind = inner.get("type") if isinstance(inner, dict) else None
            if isinstance(inner, dict) and self.is_code_list(inner):
                allowed = frozenset(e for e in inner["enum"] if isinstance(e, str))
                if nullable or ("null" in _types(inner) and None in inner["enum"]):
                    allowed |= {None}
                shape.codes.append((name, allowed))
            elif kind == "boolean" and keys == {"type"} and not nullable:
                shape.flags.append(name)
            elif kind == "string" and keys <= {"type", "minLength", "maxLength", "pattern"}:
                search = re.compile(inner["pattern"]).search if "pattern" in inner else _always
                shape.strings.append(
                    (name, nullable, inner.get("minLength", 0), inner.get("maxLength", _UNBOUNDED), search)
                )
            elif kind == "integer" and keys <= {"type", "minimum", "maximum"}:
                shape.integers.append(
                    (name, nullable, inner.get("minimum", -_UNBOUNDED), inner.get("maximum", _UNBOUNDED))
                )
            else:
                shape.others.append((name, self.node(sub)))

        if extra is False and required == names:
            return _closed_object(names, shape)

        general = _closed_object(names, shape, exact=False)

        def ok(d: Any) -> bool:
            if d.__class__ is not dict:
                return False
            keys = d.keys()
            if not (required <= keys) or (extra is False and not keys <= names):
                return False
            return general({k: v for k, v in d.items() if k in names})

        return ok


_UNBOUNDED = float("inf")


def _always(_value: str) -> bool:
    return True


@dataclass
class _Shape:
    """The properties of one object, grouped by how they are tested."""

    codes: list[tuple[str, frozenset[Any]]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    strings: list[tuple[str, bool, int, float, Callable[[str], Any]]] = field(default_factory=list)
    integers: list[tuple[str, bool, float, float]] = field(default_factory=list)
    others: list[tuple[str, Predicate]] = field(default_factory=list)


_in_set = frozenset.__contains__  # _in_set(allowed, value), callable from ``map`` without a Python frame


def _closed_object(names: frozenset[str], shape: _Shape, *, exact: bool = True) -> Predicate:
    """An object whose keys must be exactly ``names`` (every property required, no other allowed), the
    common shape of our schema; with ``exact=False``, an object holding a subset of them (the caller has
    checked required and additional keys). Code-list values are looked up in their frozensets by ``map``;
    a list or object where a code belongs is unhashable, and that TypeError is the answer "no". (Values come
    from ``json.loads``: no other hashable value equals a code string, and ``None`` is in a set only when
    null is allowed.)"""
    codes = shape.codes
    code_sets = [allowed for _, allowed in codes]
    code_values = itemgetter(*[n for n, _ in codes]) if len(codes) > 1 else None
    flags = shape.flags
    strings, integers, others = shape.strings, shape.integers, shape.others

    def ok(d: Any) -> bool:
        if exact and (d.__class__ is not dict or d.keys() != names):
            return False
        try:
            if code_values is not None:
                if not all(map(_in_set, code_sets, code_values(d))):
                    return False
            elif codes and d[codes[0][0]] not in codes[0][1]:
                return False
        except TypeError:
            return False
        for name in flags:
            if d[name].__class__ is not bool:
                return False
        for name, nullable, lo, hi, search in strings:
            v = d[name]
            if v.__class__ is str:
                if not (lo <= len(v) <= hi and search(v)):
                    return False
            elif not (nullable and v is None):
                return False
        for name, nullable, lo, hi in integers:
            v = d[name]
            if v.__class__ is int:
                if not lo <= v <= hi:
                    return False
            elif not (nullable and v is None):
                return False
        for name, check in others:  # noqa: SIM110 - a plain loop: no generator frame per object
            if not check(d[name]):
                return False
        return True

    if exact:
        return ok

    def partial(d: dict[str, Any]) -> bool:
        # Rare (our schema has no optional property): test only the properties present.
        def keep(items: list[Any]) -> list[Any]:
            return [x for x in items if (x if isinstance(x, str) else x[0]) in d]

        present = _Shape(keep(codes), keep(flags), keep(strings), keep(integers), keep(others))
        return _closed_object(frozenset(d), present)(d)

    return partial


def _unique(values: list[Any]) -> bool:
    try:
        if all(isinstance(v, str) for v in values):
            return len(set(values)) == len(values)
    except TypeError:
        pass
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


def compile_schema(schema: dict[str, Any]) -> Predicate:
    """``ok(value)``: True exactly when ``value`` is valid against ``schema`` (the supported subset)."""
    return _Compiler(schema).node(schema)


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


class _Explainer:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

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
            for i, item in enumerate(v):
                found = self.check(node["items"], item, (*path, i))
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
