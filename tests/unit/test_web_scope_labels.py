"""Every API token scope has a label on the users page: a new scope must not break the page."""

from callcenter.domain.access import Scope
from callcenter.web.i18n import TEXTS


def test_every_scope_has_a_german_and_english_label() -> None:
    missing = [scope.value for scope in Scope if f"scope_{scope.value}" not in TEXTS]
    assert missing == []
    for scope in Scope:
        german, english = TEXTS[f"scope_{scope.value}"]
        assert german
        assert english
