"""Keyed caller and member pseudonyms: stable per key, different across keys, normalised."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.domain.pseudonym import (
    WITHHELD,
    InvalidPseudonymKey,
    Pseudonymizer,
    normalise_number,
)

KEY = b"k" * 32


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("06151 123-456", "06151123456"),
        ("+49 6151 123456", "06151123456"),
        ("0049 6151 123456", "06151123456"),
        ("+49 6151 / 12 34 56", "06151123456"),
        ("+49 (0)6151 123456", "06151123456"),
        ("+43 1 234567", "00431234567"),
        ("0170.1234501", "01701234501"),
        ("  01701234501  ", "01701234501"),
        ("<unknown>", ""),
        ("anonymous", ""),
        ("", ""),
    ],
)
def test_normalise_number(raw: str, normalised: str) -> None:
    assert normalise_number(raw) == normalised


def test_same_number_same_pseudonym_whatever_the_spelling() -> None:
    pseudonyms = Pseudonymizer(KEY)
    spellings = ["06151123456", "+49 6151 123456", "0049-6151-123456", "06151 12 34 56"]
    assert len({pseudonyms.caller(s) for s in spellings}) == 1


def test_pseudonym_depends_on_the_key() -> None:
    number = "01701234501"
    assert Pseudonymizer(KEY).caller(number) != Pseudonymizer(b"K" * 32).caller(number)
    assert Pseudonymizer(KEY).caller(number) == Pseudonymizer(bytes(KEY)).caller(number)


def test_pseudonym_is_a_hex_digest_without_the_number() -> None:
    pseudonym = Pseudonymizer(KEY).caller("01701234501")
    assert len(pseudonym) == 64
    int(pseudonym, 16)
    assert "1234501" not in pseudonym


def test_caller_and_member_name_spaces_differ() -> None:
    pseudonyms = Pseudonymizer(KEY)
    assert pseudonyms.caller("101") != pseudonyms.member("101")


@pytest.mark.parametrize("number", [None, "", "<unknown>", "anonymous"])
def test_withheld_number_is_not_hashed(number: str | None) -> None:
    assert Pseudonymizer(KEY).caller(number) == WITHHELD


def test_short_key_is_refused() -> None:
    with pytest.raises(InvalidPseudonymKey, match="mindestens 32"):
        Pseudonymizer(b"short")


def test_key_is_not_in_the_repr() -> None:
    assert repr(KEY) not in repr(Pseudonymizer(KEY))


@given(st.from_regex(r"0[1-9][0-9]{5,12}", fullmatch=True))
def test_national_and_international_spellings_agree(national: str) -> None:
    pseudonyms = Pseudonymizer(KEY)
    international = "+49 " + national[1:]
    assert pseudonyms.caller(national) == pseudonyms.caller(international)
