"""``decode_json``: every JSON document from outside, decoded within bounds. Whatever bytes
it is given, it returns a value or refuses with a ``BadInput`` naming what is wrong."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipnav.bad_input import BadInput
from hipnav.json_input import MAX_BYTES, MAX_DEPTH, decode_json


@pytest.mark.parametrize("data, value", [
    (b'{"findings": {"fever": true}, "age": 40}', {"findings": {"fever": True}, "age": 40}),
    (b"[1, 2.5, null]", [1, 2.5, None]),
    ('{"note": "tab\\tand\\nlines, \\u00b0C, \\u00e9"}', {"note": "tab\tand\nlines, °C, é"}),
    (b'{"n": 999999999999999, "m": -999999999999999, "x": 1e300}',
     {"n": 999999999999999, "m": -999999999999999, "x": 1e300}),
    (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)),
])
def test_json_within_the_bounds_is_read(data: bytes | str, value: Any) -> None:
    assert decode_json(data) == value


@pytest.mark.parametrize("data, field, code, words", [
    (b"", "body", "invalid_json", "empty"),
    (b"{", "body", "invalid_json", "not valid JSON"),
    (b"NaN", "body", "invalid_json", "not valid JSON"),
    (b'{"a": Infinity}', "body", "invalid_json", "not valid JSON"),
    (b'{"a": "\xff"}', "body", "invalid_json", "UTF-8"),
    (b"[" * 6000 + b"]" * 6000, "body", "invalid_json", f"deeper than {MAX_DEPTH}"),
    (b'{"a": ' * 33 + b"1" + b"}" * 33, "body", "invalid_json", f"deeper than {MAX_DEPTH}"),
    (b"1" * 400, "body", "invalid_number", "more than 15 digits"),
    (b'{"findings": {"duration_weeks": ' + b"9" * 400 + b"}}", "findings.duration_weeks", "invalid_number",
     "more than 15 digits"),
    (b'{"age": 1000000000000000}', "age", "invalid_number", "more than 15 digits"),
    (b'{"birth_year": 1e400}', "birth_year", "invalid_number", "too large"),
    (b'{"psfs": [{"score": -1e999}]}', "psfs[0].score", "invalid_number", "too large"),
    (b'{"narrative": "a\\u0000b"}', "narrative", "invalid_text", "U+0000 at position 1"),
    (b'{"psfs": [{"activity": "run\\u001b[0m"}]}', "psfs[0].activity", "invalid_text", "U+001B"),
    ('{"x": "del\x7f"}', "x", "invalid_text", "U+007F"),
    (b'{"x": "next line \xc2\x85"}', "x", "invalid_text", "U+0085 at position 10"),
    (b'{"fe\\u0000ver": true}', "body", "invalid_text", "U+0000"),
    (b'{"text": "' + b"x" * MAX_BYTES + b'"}', "body", "too_large", "64 KB"),
])
def test_what_is_refused_is_named(data: bytes | str, field: str, code: str, words: str) -> None:
    with pytest.raises(BadInput) as err:
        decode_json(data)
    assert (err.value.field, err.value.code) == (field, code)
    assert words in err.value.message


def test_the_caller_names_the_document_and_its_size_limit() -> None:
    with pytest.raises(BadInput) as err:
        decode_json("{", field="case")
    assert err.value.field == "case"
    with pytest.raises(BadInput) as err:
        decode_json(b"[" + b"1," * 600 + b"1]", max_bytes=1024)
    assert err.value.code == "too_large" and "1 KB" in err.value.message


_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=10)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=10)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200) | _json.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_give_a_value_or_a_refusal(data: bytes) -> None:
    try:
        decode_json(data)
    except BadInput as exc:
        assert exc.field and exc.message
        assert exc.code in ("invalid_json", "invalid_number", "invalid_text", "too_large")
