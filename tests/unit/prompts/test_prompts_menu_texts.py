"""Which menu sentences are rendered: the menu with its offer, or (a queue overflow to
`callback` without the menu) the offer and confirmation alone."""

from __future__ import annotations

from callcenter.prompts.menu import menu_texts


def test_menu_with_callback_key_has_menu_offer_and_confirmation() -> None:
    texts = menu_texts(("de", "en"), callback_key="1")
    assert set(texts) == {
        ("menu", "de"),
        ("menu", "en"),
        ("callback-offer", "de"),
        ("callback-offer", "en"),
        ("callback-confirm", "de"),
        ("callback-confirm", "en"),
    }
    assert texts[("menu", "en")].endswith("2.")  # key = position in the menu
    assert "1" in texts[("callback-offer", "de")]


def test_offer_alone_for_an_overflow_without_the_menu() -> None:
    texts = menu_texts(("de",), callback_key="5", menu=False)
    assert set(texts) == {("callback-offer", "de"), ("callback-confirm", "de")}
    assert "5" in texts[("callback-offer", "de")]
