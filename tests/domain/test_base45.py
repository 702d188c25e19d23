import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.base45 import Base45Error, b45decode, b45encode


@pytest.mark.parametrize("raw, text", [  # RFC 9285 §4.3 and §4.4
    (b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"),
                                       (b"ietf!", "QED8WEX0"), (b"", ""),
])
def test_rfc_examples(raw, text):
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@given(st.binary(max_size=200))
def test_round_trip(data):
    assert b45decode(b45encode(data)) == data


@pytest.mark.parametrize("text", [":::", "GGW", "A", "ABCD", "abc", "AB@", "中文字"])
def test_invalid_text_is_refused(text):
    with pytest.raises(Base45Error):
        b45decode(text)
