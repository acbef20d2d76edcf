"""The pilot evaluation in plain German and English, with its uncertainty named."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from callcenter.evaluation.did import MIN_WEEKS
from callcenter.evaluation.model import Estimate, MetricEffect, MetricKey

MINUS = "−"


@dataclass(frozen=True)
class _Wording:
    subject_de: str
    subject_en: str
    rate: bool  # a share shown in % (differences in percentage points)
    decimals: int = 0  # for counts


WORDING: dict[MetricKey, _Wording] = {
    MetricKey.SHARE_OUTSIDE: _Wording(
        "Der Anteil der Anrufe außerhalb der Sprechzeiten",
        "The share of calls outside the call hours",
        True,
    ),
    MetricKey.ANSWER_RATE_INSIDE: _Wording(
        "Der Anteil angenommener Anrufe innerhalb der Sprechzeiten",
        "The share of calls answered inside the call hours",
        True,
    ),
    MetricKey.SERVICE_LEVEL: _Wording(
        "Der Servicegrad (angenommen binnen {t} s)",
        "The service level (answered within {t} s)",
        True,
    ),
    MetricKey.ABANDONMENT_RATE: _Wording(
        "Die Abbruchquote in der Warteschlange",
        "The abandonment rate in the queue",
        True,
    ),
    MetricKey.CALLS_PER_CALLER_7D: _Wording(
        "Die Zahl der Anrufe je Anliegen (Anrufe desselben Anrufers binnen 7 Tagen)",
        "The number of calls per contact (calls of one caller within 7 days)",
        False,
        2,
    ),
    MetricKey.CALLS_PER_DAY: _Wording(
        "Die Zahl der Anrufe je Werktag",
        "The number of calls per working day",
        False,
        0,
    ),
    MetricKey.CONTACTS_PER_DAY: _Wording(
        "Die Zahl neuer Anliegen (Anrufer ohne Anruf in den 7 Tagen davor) je Werktag",
        "The number of new contacts (callers without a call in the 7 days before) per working day",
        False,
        0,
    ),
}


def _number(value: float, decimals: int, lang: str, *, sign: bool = False) -> str:
    text = f"{abs(value):.{decimals}f}"
    if lang == "de":
        text = text.replace(".", ",")
    negative = round(value, decimals) < 0
    if negative:
        return MINUS + text
    return ("+" + text) if sign and round(value, decimals) > 0 else text


def _level(value: float | None, wording: _Wording, lang: str) -> str:
    if value is None:
        return "–"
    if wording.rate:
        return f"{_number(value * 100, 0, lang)} %"
    return _number(value, wording.decimals, lang)


def _difference_decimals(estimate: Estimate, wording: _Wording) -> int:
    scale = 100 if wording.rate else 1
    width = (estimate.high - estimate.low) * scale
    # One more decimal when the interval is narrower than four units of the last digit.
    decimals = 0 if wording.rate else wording.decimals
    return decimals if width >= 4 * 10.0**-decimals else decimals + 1


def _relative(x: float, lang: str) -> str:
    return f"{_number(x * 100, 0, lang, sign=True)} %"


def _difference(
    estimate: Estimate, wording: _Wording, lang: str, relative: bool = False
) -> tuple[str, str, str]:
    if relative:
        return (
            _relative(estimate.value, lang),
            _relative(estimate.low, lang),
            _relative(estimate.high, lang),
        )
    scale = 100 if wording.rate else 1
    decimals = _difference_decimals(estimate, wording)

    def show(x: float) -> str:
        return _number(x * scale, decimals, lang, sign=True)

    return show(estimate.value), show(estimate.low), show(estimate.high)


def _unit(value: str, wording: _Wording, lang: str) -> str:
    if not wording.rate:
        return value
    one = value.lstrip("+" + MINUS) in ("1", "1,0", "1.0")
    if lang == "de":
        return f"{value} Prozentpunkt{'' if one else 'e'}"
    return f"{value} percentage point{'' if one else 's'}"


def _verb(before: str, after: str, lang: str, rising: bool) -> str:
    if before == after:
        return "blieb bei" if lang == "de" else "stayed at"
    if lang == "de":
        return "stieg von" if rising else "sank von"
    return "rose from" if rising else "fell from"


def effect_sentence(effect: MetricEffect, lang: str, threshold_seconds: float = 30) -> str:
    """One sentence: the pilot team's change and the difference-in-differences."""
    wording = WORDING[effect.metric]
    subject = (wording.subject_de if lang == "de" else wording.subject_en).format(
        t=_number(threshold_seconds, 0, lang)
    )
    before = _level(effect.pilot_before, wording, lang)
    after = _level(effect.pilot_during, wording, lang)
    rising = (effect.pilot_during or 0.0) > (effect.pilot_before or 0.0)
    verb = _verb(before, after, lang, rising)
    change = (
        f"{verb} {before}"
        if before == after
        else (f"{verb} {before} {'auf' if lang == 'de' else 'to'} {after}")
    )
    sentence = f"{subject} {change}"
    estimate = effect.did or effect.before_after
    if estimate is None:
        return sentence + "."
    value, low, high = _difference(estimate, wording, lang, effect.relative)
    if lang == "de":
        label = "Differenz-in-Differenzen" if effect.did is not None else "Veränderung"
        if effect.relative:
            label = f"{label} (relativ)"
        detail = f"{label} {_unit(value, wording, lang)}, 95-%-Intervall {low} bis {high}"
        if not estimate.significant:
            detail += ": kein gesicherter Unterschied"
    else:
        label = "difference-in-differences" if effect.did is not None else "change"
        if effect.relative:
            label = f"relative {label}"
        detail = f"{label} {_unit(value, wording, lang)}, 95 % interval {low} to {high}"
        if not estimate.significant:
            detail += ": no reliable difference"
    return f"{sentence} ({detail})."


def _day(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def summarize(
    team_name_de: str,
    team_name_en: str,
    start: date,
    end: date,
    before_start: date,
    control_names: Sequence[tuple[str, str]],
    effects: Sequence[MetricEffect],
    threshold_seconds: float,
    weeks_missing: int = 0,
) -> tuple[str, str]:
    """The German and the English summary of one pilot evaluation."""
    weeks = round(((end - start).days + 1) / 7)
    before_weeks = round(((start - before_start).days) / 7)
    controls_de = ", ".join(name for name, _ in control_names)
    controls_en = ", ".join(name for _, name in control_names)
    if control_names:
        intro_de = (
            f"Pilot „{team_name_de}“ vom {_day(start)} bis {_day(end)} ({weeks} Wochen), "
            f"verglichen mit den {before_weeks} Wochen davor und mit "
            f"{len(control_names)} Kontrollteam{'s' if len(control_names) > 1 else ''} "
            f"({controls_de}); gezählt werden Werktage ohne Feiertage und Schließtage."
        )
        intro_en = (
            f"Pilot '{team_name_en}' from {start.isoformat()} to {end.isoformat()} ({weeks} "
            f"weeks), compared with the {before_weeks} weeks before and with "
            f"{len(control_names)} control team{'s' if len(control_names) > 1 else ''} "
            f"({controls_en}); counting working days without public holidays and closure days."
        )
    else:
        intro_de = (
            f"Pilot „{team_name_de}“ vom {_day(start)} bis {_day(end)} ({weeks} Wochen), "
            f"verglichen nur mit den {before_weeks} Wochen davor: es gibt keine Kontrollteams, "
            "deshalb kann ein allgemeiner Trend nicht herausgerechnet werden."
        )
        intro_en = (
            f"Pilot '{team_name_en}' from {start.isoformat()} to {end.isoformat()} ({weeks} "
            f"weeks), compared only with the {before_weeks} weeks before: there are no control "
            "teams, so a general trend cannot be taken out."
        )
    outro_de = (
        "Die 95-%-Intervalle sind t-Intervalle über Kalenderwochen (jede Woche ein Wert, "
        "Freiheitsgrade nach Welch). Sie erfassen zufällige Schwankungen von Woche zu Woche, "
        "nicht aber unterschiedliche Trends von Pilot- und Kontrollteams oder Ausfälle, die "
        "mehrere Wochen anhalten – ob die Verläufe vor dem Start parallel waren, zeigt die "
        "Wochenreihe."
    )
    outro_en = (
        "The 95 % intervals are t-intervals over calendar weeks (one value per week, Welch "
        "degrees of freedom). They cover chance variation from week to week, not different "
        "trends of pilot and control teams or staff shortages lasting several weeks – the "
        "weekly series shows whether the curves ran parallel before the start."
    )
    if weeks_missing:
        outro_de = (
            f"Zu früh für ein Urteil: noch {weeks_missing} "
            f"Woche{'n' if weeks_missing > 1 else ''}, bis beide Zeiträume "
            f"mindestens {MIN_WEEKS} volle Wochen haben. " + outro_de
        )
        outro_en = (
            f"Too early to tell: {weeks_missing} more week{'s' if weeks_missing > 1 else ''} "
            f"until both periods have at least {MIN_WEEKS} full weeks. " + outro_en
        )
    sentences_de = [effect_sentence(e, "de", threshold_seconds) for e in effects]
    sentences_en = [effect_sentence(e, "en", threshold_seconds) for e in effects]
    return (
        " ".join([intro_de, *sentences_de, outro_de]),
        " ".join([intro_en, *sentences_en, outro_en]),
    )
