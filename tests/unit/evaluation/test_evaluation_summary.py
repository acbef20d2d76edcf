"""The plain-language summary: German first, English second, the uncertainty named."""

from __future__ import annotations

from datetime import date

from callcenter.evaluation.model import Estimate, MetricEffect, MetricKey
from callcenter.evaluation.summary import effect_sentence, summarize

SHARE = MetricEffect(
    MetricKey.SHARE_OUTSIDE,
    pilot_before=0.38,
    pilot_during=0.21,
    controls_before=0.10,
    controls_during=0.12,
    before_after=Estimate(-0.17, -0.21, -0.13),
    did=Estimate(-0.15, -0.19, -0.11),
)
FLAT = MetricEffect(
    MetricKey.ANSWER_RATE_INSIDE,
    pilot_before=0.6201,
    pilot_during=0.6240,
    controls_before=0.7,
    controls_during=0.7,
    before_after=Estimate(0.004, -0.03, 0.04),
    did=Estimate(0.004, -0.031, 0.042),
)
REPEATS = MetricEffect(
    MetricKey.CALLS_PER_CALLER_7D,
    pilot_before=1.68,
    pilot_during=1.52,
    controls_before=1.67,
    controls_during=1.70,
    before_after=Estimate(-0.16, -0.21, -0.12),
    did=Estimate(-0.187, -0.239, -0.133),
)


def test_the_issues_example_sentence() -> None:
    assert effect_sentence(SHARE, "de") == (
        "Der Anteil der Anrufe außerhalb der Sprechzeiten sank von 38 % auf 21 % "
        "(Differenz-in-Differenzen −15 Prozentpunkte, 95-%-Intervall −19 bis −11)."
    )
    assert effect_sentence(SHARE, "en") == (
        "The share of calls outside the call hours fell from 38 % to 21 % "
        "(difference-in-differences −15 percentage points, 95 % interval −19 to −11)."
    )


def test_an_interval_around_zero_says_so() -> None:
    de = effect_sentence(FLAT, "de")
    assert de.startswith("Der Anteil angenommener Anrufe innerhalb der Sprechzeiten blieb bei 62 %")
    assert "kein gesicherter Unterschied" in de
    assert "−3 bis +4" in de
    assert "no reliable difference" in effect_sentence(FLAT, "en")


def test_counts_use_decimal_commas_in_german() -> None:
    assert "sank von 1,68 auf 1,52" in effect_sentence(REPEATS, "de")
    assert "−0,19, 95-%-Intervall −0,24 bis −0,13" in effect_sentence(REPEATS, "de")
    assert "fell from 1.68 to 1.52" in effect_sentence(REPEATS, "en")


def test_without_controls_the_change_is_reported() -> None:
    alone = MetricEffect(SHARE.metric, 0.38, 0.21, None, None, SHARE.before_after, None)
    assert "(Veränderung −17 Prozentpunkte, 95-%-Intervall −21 bis −13)" in effect_sentence(
        alone, "de"
    )


def test_summary_names_periods_controls_and_uncertainty() -> None:
    de, en = summarize(
        "Team A",
        "Team A (en)",
        date(2026, 8, 17),
        date(2026, 11, 15),
        date(2026, 5, 18),
        [("Team B", "Team B (en)"), ("Einbürgerung", "Naturalisation")],
        [SHARE, FLAT],
        30,
    )
    assert de.startswith("Pilot „Team A“ vom 17.08.2026 bis 15.11.2026 (13 Wochen)")
    assert "2 Kontrollteams (Team B, Einbürgerung)" in de
    # One method named the same way everywhere (the page once said "whole days" beside
    # "two-week blocks").
    assert "t-Intervalle über Kalenderwochen" in de
    assert "Zu früh" not in de
    assert "parallel" in de
    assert en.startswith("Pilot 'Team A (en)' from 2026-08-17 to 2026-11-15 (13 weeks)")
    assert "(Team B (en), Naturalisation)" in en
    assert "t-intervals over calendar weeks" in en


def test_a_short_pilot_says_how_long_to_wait() -> None:
    de, en = summarize(
        "Team A", "Team A", date(2026, 8, 17), date(2026, 8, 30), date(2026, 8, 3),
        [("Team B", "Team B")], [SHARE], 30, 2,
    )  # fmt: skip
    assert "Zu früh für ein Urteil: noch 2 Wochen" in de
    assert "Too early to tell: 2 more weeks" in en
