"""The verdict at the top of a pilot page: what changed, by how much, how sure.

The headline follows one metric named in advance (`PRIMARY`: the answer rate inside the
hours, what a caller feels): judging "it worked" by whichever of seven metrics happens to
be clear would call a pilot without effect a success far more often than 5 % of the time.
The other metrics are listed below it, each with its own colour. Colours follow the
direction for callers (better/worse), not significance alone; a clear change of a volume
is "changed", neither good nor bad in itself. Below `MIN_WEEKS` whole weeks per period
there is no verdict, only how long to wait.
"""

from __future__ import annotations

from collections.abc import Sequence

from callcenter.evaluation.did import MIN_WEEKS
from callcenter.evaluation.model import (
    Direction,
    Estimate,
    MetricEffect,
    MetricKey,
    MetricVerdict,
    TargetStatus,
    Verdict,
)
from callcenter.evaluation.summary import WORDING, _difference, _number, _unit

PRIMARY = MetricKey.ANSWER_RATE_INSIDE
# +1: higher is better for callers, −1: lower is better, 0: a volume (neither).
POLARITY: dict[MetricKey, int] = {
    MetricKey.SHARE_OUTSIDE: -1,
    MetricKey.ANSWER_RATE_INSIDE: 1,
    MetricKey.SERVICE_LEVEL: 1,
    MetricKey.ABANDONMENT_RATE: -1,
    MetricKey.CALLS_PER_CALLER_7D: -1,
    MetricKey.CALLS_PER_DAY: 0,
    MetricKey.CONTACTS_PER_DAY: 0,
}
NAMES: dict[MetricKey, tuple[str, str]] = {
    MetricKey.SHARE_OUTSIDE: ("Anteil außerhalb der Sprechzeiten", "Share outside the hours"),
    MetricKey.ANSWER_RATE_INSIDE: ("Annahmequote (innerhalb)", "Answer rate (inside)"),
    MetricKey.SERVICE_LEVEL: ("Servicegrad", "Service level"),
    MetricKey.ABANDONMENT_RATE: ("Abbruchquote", "Abandonment rate"),
    MetricKey.CALLS_PER_CALLER_7D: ("Anrufe je Anliegen", "Calls per contact"),
    MetricKey.CALLS_PER_DAY: ("Anrufe je Werktag", "Calls per working day"),
    MetricKey.CONTACTS_PER_DAY: ("Neue Anliegen je Werktag", "New contacts per working day"),
}
WORDS: dict[Direction, tuple[str, str]] = {
    Direction.BETTER: ("besser", "better"),
    Direction.WORSE: ("schlechter", "worse"),
    Direction.UNCLEAR: ("kein gesicherter Unterschied", "no reliable difference"),
    Direction.CHANGED: ("verändert", "changed"),
    Direction.TOO_EARLY: ("zu früh", "too early"),
}


def direction(metric: MetricKey, estimate: Estimate | None, too_early: bool) -> Direction:
    if too_early:
        return Direction.TOO_EARLY
    if estimate is None or not estimate.significant:
        return Direction.UNCLEAR
    polarity = POLARITY[metric]
    if polarity == 0:
        return Direction.CHANGED
    return Direction.BETTER if estimate.value * polarity > 0 else Direction.WORSE


def _change(effect: MetricEffect, estimate: Estimate, lang: str) -> str:
    wording = WORDING[effect.metric]
    value, low, high = _difference(estimate, wording, lang, effect.relative)
    if lang == "de":
        return f"{_unit(value, wording, lang)} (95-%-Intervall {low} bis {high})"
    return f"{_unit(value, wording, lang)} (95 % interval {low} to {high})"


def _line(effect: MetricEffect, too_early: bool) -> MetricVerdict:
    estimate = effect.did or effect.before_after
    way = direction(effect.metric, estimate, too_early)
    name_de, name_en = NAMES[effect.metric]
    word_de, word_en = WORDS[way]
    if estimate is None:
        text_de, text_en = f"{name_de}: –", f"{name_en}: –"
    else:
        text_de = f"{name_de}: {_change(effect, estimate, 'de')} – {word_de}"
        text_en = f"{name_en}: {_change(effect, estimate, 'en')} – {word_en}"
    return MetricVerdict(effect.metric, way, estimate, effect.relative, text_de, text_en)


def _weeks(n: int, lang: str) -> str:
    if lang == "de":
        return f"{n} Woche{'n' if n != 1 else ''}"
    return f"{n} more week{'s' if n != 1 else ''}"


def _headline(
    effects: Sequence[MetricEffect],
    way: Direction,
    weeks_missing: int,
    weeks: tuple[int, int],
    controls: bool,
) -> tuple[str, str]:
    weeks_before, weeks_during = weeks
    if way is Direction.TOO_EARLY:
        if weeks_during >= MIN_WEEKS:  # only the data before the start are too short
            return (
                f"Zu früh für ein Urteil – vor dem Start liegen nur {weeks_before} volle "
                f"Wochen Daten (nötig: {MIN_WEEKS})",
                f"Too early to tell – only {weeks_before} full weeks of data before the start "
                f"(needed: {MIN_WEEKS})",
            )
        return (
            f"Zu früh für ein Urteil – noch {_weeks(weeks_missing, 'de')}",
            f"Too early to tell – {_weeks(weeks_missing, 'en')}",
        )
    effect = next(e for e in effects if e.metric == PRIMARY)
    estimate = effect.did or effect.before_after
    name_de, name_en = NAMES[PRIMARY]
    against_de = " gegenüber den Kontrollteams" if controls else " (ohne Kontrollteams)"
    against_en = " against the control teams" if controls else " (no control teams)"
    if estimate is None:
        return (
            f"Kein Urteil: {name_de} lässt sich nicht berechnen",
            f"No verdict: the {name_en.lower()} cannot be computed",
        )
    change_de, change_en = _change(effect, estimate, "de"), _change(effect, estimate, "en")
    if way is Direction.BETTER:
        return (
            f"Besser als vorher: {name_de} {change_de}{against_de}",
            f"Better than before: {name_en} {change_en}{against_en}",
        )
    if way is Direction.WORSE:
        return (
            f"Schlechter als vorher: {name_de} {change_de}{against_de}",
            f"Worse than before: {name_en} {change_en}{against_en}",
        )
    return (
        f"Kein gesicherter Unterschied: {name_de} {change_de}{against_de}",
        f"No reliable difference: {name_en} {change_en}{against_en}",
    )


def _percent(x: float, lang: str) -> str:
    return f"{_number(x * 100, 0, lang)} %"


def target_check(
    level: Estimate | None, target: float, threshold_seconds: float, too_early: bool = False
) -> tuple[TargetStatus, str, str]:
    """Whether the pilot's own service level during the pilot meets the target (below the
    minimum length only the level is stated: its interval rests on too few weeks)."""
    goal_de = f"Ziel {_percent(target, 'de')} binnen {_number(threshold_seconds, 0, 'de')} s"
    goal_en = f"target {_percent(target, 'en')} within {_number(threshold_seconds, 0, 'en')} s"
    if level is None:
        return TargetStatus.UNKNOWN, f"{goal_de}: keine Anrufe", f"{goal_en}: no calls"
    shown_de = (
        f"Servicegrad im Pilot {_percent(level.value, 'de')} (95-%-Intervall "
        f"{_percent(level.low, 'de')} bis {_percent(level.high, 'de')})"
    )
    shown_en = (
        f"Service level during the pilot {_percent(level.value, 'en')} (95 % interval "
        f"{_percent(level.low, 'en')} to {_percent(level.high, 'en')})"
    )
    if too_early:
        return (
            TargetStatus.UNCLEAR,
            f"{shown_de}: {goal_de} – ob es erreicht ist, zeigt sich ab {MIN_WEEKS} Wochen",
            f"{shown_en}: {goal_en} – whether it is met shows from {MIN_WEEKS} weeks",
        )
    if level.low >= target:
        return TargetStatus.MET, f"{shown_de}: {goal_de} erreicht", f"{shown_en}: {goal_en} met"
    if level.high < target:
        return (
            TargetStatus.MISSED,
            f"{shown_de}: {goal_de} verfehlt",
            f"{shown_en}: {goal_en} missed",
        )
    return (
        TargetStatus.UNCLEAR,
        f"{shown_de}: {goal_de} – noch nicht sicher, ob erreicht",
        f"{shown_en}: {goal_en} – not yet sure whether met",
    )


def verdict(
    effects: Sequence[MetricEffect],
    weeks: tuple[int, int],
    weeks_missing: int,
    controls: int,
    service_level: Estimate | None,
    target: float,
    threshold_seconds: float,
) -> Verdict:
    too_early = weeks_missing > 0
    lines = tuple(_line(e, too_early) for e in effects)
    way = next(line.direction for line in lines if line.metric == PRIMARY)
    headline_de, headline_en = _headline(effects, way, weeks_missing, weeks, controls > 0)
    status, target_de, target_en = target_check(service_level, target, threshold_seconds, too_early)
    if controls:
        method_de = (
            f"Differenz-in-Differenzen gegen {controls} Kontrollteam"
            f"{'s' if controls > 1 else ''}; 95-%-Intervall: t-Intervall über Kalenderwochen; "
            f"ein Urteil ab {MIN_WEEKS} vollen Wochen vor und im Pilot; Hauptkennzahl "
            f"{NAMES[PRIMARY][0]}."
        )
        method_en = (
            f"Difference-in-differences against {controls} control team"
            f"{'s' if controls > 1 else ''}; 95 % interval: t-interval over calendar weeks; a "
            f"verdict from {MIN_WEEKS} full weeks before and during the pilot; primary metric "
            f"{NAMES[PRIMARY][1].lower()}."
        )
    else:
        method_de = (
            "Nur vorher/nachher (keine Kontrollteams: ein allgemeiner Trend steckt mit drin); "
            f"95-%-Intervall: t-Intervall über Kalenderwochen; ein Urteil ab {MIN_WEEKS} "
            "vollen Wochen."
        )
        method_en = (
            "Before/after only (no control teams: a general trend is included); 95 % "
            f"interval: t-interval over calendar weeks; a verdict from {MIN_WEEKS} full weeks."
        )
    return Verdict(
        direction=way,
        primary=PRIMARY,
        headline_de=headline_de,
        headline_en=headline_en,
        lines=lines,
        service_level=service_level,
        target=target,
        target_status=status,
        target_de=target_de,
        target_en=target_en,
        method_de=method_de,
        method_en=method_en,
    )
