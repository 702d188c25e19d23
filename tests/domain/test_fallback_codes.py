from server.domain.fallback_codes import (
    ALPHABET,
    format_fallback_code,
    new_fallback_code,
    normalize_fallback_code,
)


def test_new_codes_are_valid_and_free_of_look_alikes():
    for _ in range(200):
        code = new_fallback_code()
        assert len(code) == 10 and normalize_fallback_code(code) == code
        assert not set(code) & set("0O1IL")


def test_every_single_substitution_and_neighbour_swap_is_caught():
    code = new_fallback_code()
    for i in range(len(code)):
        for char in ALPHABET:
            if char != code[i]:
                assert normalize_fallback_code(code[:i] + char + code[i + 1:]) is None
    for i in range(len(code) - 1):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert normalize_fallback_code(swapped) is None


def test_printed_form_with_dash_and_lower_case_is_accepted():
    code = new_fallback_code()
    assert normalize_fallback_code(format_fallback_code(code).lower()) == code
    assert normalize_fallback_code("0000000000") is None
