"""The OpenAPI document's parameters are the parsers': the same names, enums, defaults and bounds.

Issue 20: the document listed ``caption`` twice in ``kind`` and lacked the ``similar`` parameter,
and nothing compared it with the parsers. Here the names come from what the parsers actually read
(a ``MultiDict`` that records every key asked of it), and each parameter's schema is checked
against the parser on probe values at and past its edges: a value the schema accepts is accepted
by the parser, and a value past a bound is refused by both. No node is needed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.datastructures import MultiDict

from service.model import ENTITY_TYPES
from service.openapi import openapi_document
from service.search.facet_values import FACETS, parse_facet_values_args
from service.search.parser import parse_search_args
from service.search.request import InvalidRequest
from service.search.suggest import parse_suggest_args


class Recording(MultiDict):
    """Arguments that remember which names were asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: set[str] = set()

    def get(self, key, default=None, type=None):
        self.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self.asked.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


DOCUMENT = openapi_document()


def parameters(path: str, where: str = "query") -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in DOCUMENT["paths"][path]["get"]["parameters"] if p["in"] == where}


SEARCH = parameters("/api/search")
FACET_VALUES = parameters("/api/facets/{facet_type}")
SUGGEST = parameters("/api/suggest")
PARSERS = {
    "/api/search": parse_search_args,
    "/api/facets/{facet_type}": lambda args: parse_facet_values_args("person", args),
    "/api/suggest": parse_suggest_args,
}
REQUIRED = {"/api/facets/{facet_type}": {"prefix": "x"}, "/api/suggest": {"prefix": "x"}}


def accepts(path: str, args: dict[str, Any] | MultiDict) -> bool:
    items = list(args.items(multi=True) if isinstance(args, MultiDict) else args.items())
    required = [(k, v) for k, v in REQUIRED.get(path, {}).items() if k not in dict(items)]
    try:
        PARSERS[path](MultiDict([*required, *items]))
    except InvalidRequest:
        return False
    return True


def schema_accepts(param: dict[str, Any], value: Any) -> bool:
    validator = Draft202012Validator(param["schema"], format_checker=FormatChecker())
    return validator.is_valid(value)


@pytest.mark.parametrize("path", PARSERS)
def test_the_documented_parameters_are_the_ones_the_parser_reads(path):
    args = Recording(REQUIRED.get(path, {}))
    PARSERS[path](args)
    assert set(parameters(path)) == args.asked


def test_the_facet_types_are_the_ones_the_parser_takes():
    (facet_type,) = parameters("/api/facets/{facet_type}", "path").values()
    assert facet_type["schema"]["enum"] == list(FACETS)
    for name in FACETS:
        assert parse_facet_values_args(name, MultiDict({"prefix": "x"}))[0].type == name
    with pytest.raises(InvalidRequest, match="must be one of " + re.escape(", ".join(FACETS))):
        parse_facet_values_args("people", MultiDict({"prefix": "x"}))


@pytest.mark.parametrize("name", ["kind", "sort"])
def test_an_enum_is_what_the_parser_accepts_and_names(name):
    schema = SEARCH[name]["schema"]
    enum = schema.get("items", schema)["enum"]
    assert len(enum) == len(set(enum)), enum  # each value once (kind listed caption twice)
    assert all(accepts("/api/search", {name: value}) for value in enum)
    # The parser's refusal lists what it takes: the same values, in the same order.
    with pytest.raises(InvalidRequest) as refused:
        parse_search_args(MultiDict({name: "bogus"}))
    assert re.search(r"must be one of (.*), got", str(refused.value)).group(1) == ", ".join(enum)


def test_the_response_enums_are_the_parser_values():
    result = DOCUMENT["paths"]["/api/search"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    snippet_kinds = result["properties"]["results"]["items"]["properties"]["snippets"]["items"]["properties"]
    # A snippet's kind is a part kind: the values of ``kind`` that are not groups of kinds.
    part_kinds = {k for k in SEARCH["kind"]["schema"]["items"]["enum"] if k != "section"}
    assert set(snippet_kinds["kind"]["enum"]) == part_kinds
    assert result["properties"]["sort"]["enum"] == SEARCH["sort"]["schema"]["enum"]
    assert set(result["properties"]["facets"]["properties"]) == set(FACETS)


@pytest.mark.parametrize(
    ("path", "name"), [("/api/search", n) for n in ("sort", "page", "size")] + [("/api/suggest", "size")]
)
def test_the_documented_default_is_the_parsers(path, name):
    default = parameters(path)[name]["schema"]["default"]
    parsed = PARSERS[path](MultiDict(REQUIRED.get(path, {})))
    value = parsed[1] if path == "/api/suggest" else getattr(parsed, name)
    assert value == default


def integer_probes(path: str, name: str) -> list[tuple[str, str, dict[str, str]]]:
    schema = parameters(path)[name]["schema"]
    # A parameter without a documented maximum is probed far out, where the parser refuses it.
    low, high = schema["minimum"], schema.get("maximum", 10**9)
    extra = {"size": "1"} if name == "page" else {}  # page × size is bounded too: the largest page
    return [(path, name, {name: str(v), **extra}) for v in (low - 1, low, high, high + 1)]


INTEGERS = [
    *integer_probes("/api/search", "page"),
    *integer_probes("/api/search", "size"),
    *integer_probes("/api/suggest", "size"),
]


@pytest.mark.parametrize(("path", "name", "args"), INTEGERS, ids=[f"{p}-{a}" for p, _, a in INTEGERS])
def test_integer_bounds_agree(path, name, args):
    param = parameters(path)[name]
    assert schema_accepts(param, int(args[name])) == accepts(path, args)


def string_probes() -> list[tuple[str, str, str]]:
    """(path, parameter, value): values on both sides of each documented string bound."""
    probes = [
        ("/api/search", "q", "א" * 500),
        ("/api/search", "q", "א" * 501),
        ("/api/facets/{facet_type}", "prefix", "א" * 50),
        ("/api/facets/{facet_type}", "prefix", "א" * 51),
        ("/api/suggest", "prefix", "א" * 50),
        ("/api/suggest", "prefix", "א" * 51),
        ("/api/search", "from", "2016-01-04"),
        ("/api/search", "from", "2016-1-4"),
        ("/api/search", "to", "2016-02-30"),
        ("/api/search", "similar", "t:0123abcd"),
        ("/api/search", "similar", "a b"),
        ("/api/search", "similar", "x" * 200),
        ("/api/search", "similar", "x" * 201),
        ("/api/search", "source", "ynet"),
        ("/api/search", "source", "y" * 200),
        ("/api/search", "source", "y" * 201),
    ]
    for t in ENTITY_TYPES:
        probes += [
            ("/api/search", t, f"{t}:x"),
            ("/api/search", t, f"{t}:a|b"),
            ("/api/search", t, "other:x"),
            ("/api/search", t, f"{t}:" + "x" * (200 - len(t) - 1)),
            ("/api/search", t, f"{t}:" + "x" * (200 - len(t))),
        ]
    return probes


STRINGS = string_probes()


@pytest.mark.parametrize(
    ("path", "name", "value"), STRINGS, ids=[f"{n}-{v[:12]}-{len(v)}" for _, n, v in STRINGS]
)
def test_string_bounds_agree(path, name, value):
    param = parameters(path)[name]
    schema = param["schema"]
    item_ok = schema_accepts({"schema": schema.get("items", schema)}, value)
    assert item_ok == accepts(path, {name: value})


@pytest.mark.parametrize("name", [n for n, p in SEARCH.items() if p["schema"].get("type") == "array"])
def test_repeatable_parameters_take_as_many_values_as_documented(name):
    most = SEARCH[name]["schema"].get("maxItems")
    if most is None:  # kind: any number of values, repeats counting once
        assert name == "kind" and accepts("/api/search", MultiDict([(name, "caption")] * 50))
        return
    values = [f"{name}:v{i}" if name in ENTITY_TYPES else f"v{i}" for i in range(most + 1)]
    assert accepts("/api/search", MultiDict([(name, v) for v in values[:most]]))
    assert not accepts("/api/search", MultiDict([(name, v) for v in values]))
