"""Texts and number formats of the dashboards: German first, English second.

German numbers use the decimal comma, the dot as thousands separator and a (no-break) space
before the percent sign („75 %“), as the Duden and DIN 5008 write them.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Literal

from callcenter.evaluation.did import RELATIVE
from callcenter.evaluation.model import MetricKey, TeamInfo

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "–"

WEEKDAYS: dict[Lang, tuple[str, ...]] = {
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

# One table so that a missing translation is a KeyError in the tests, not an empty label.
TEXTS: dict[str, tuple[str, str]] = {
    "calls": ("Anrufe", "Calls"),
    "calls_per_week": ("Anrufe je Woche", "Calls per week"),
    "week": ("Woche (ab Montag)", "Week (from Monday)"),
    "inside": ("innerhalb der Sprechzeiten", "inside the call hours"),
    "outside": ("außerhalb der Sprechzeiten", "outside the call hours"),
    "team_line": ("Teamrufnummer", "team line"),
    "direct_line": ("Durchwahl", "direct line"),
    "switchboard": ("über die Zentrale", "via switchboard"),
    "fig_calls_inside_outside": (
        "Anrufe je Woche innerhalb und außerhalb der Sprechzeiten",
        "Calls per week inside and outside the call hours",
    ),
    "fig_calls_by_line": ("Anrufe je Woche nach Leitungsart", "Calls per week by line kind"),
    "fig_answer_rate": (
        "Annahmequote und Servicelevel je Woche (innerhalb der Sprechzeiten)",
        "Answer rate and service level per week (inside the call hours)",
    ),
    "answer_rate": ("Annahmequote", "Answer rate"),
    "service_level": ("Servicelevel", "Service level"),
    "target": ("Ziel", "Target"),
    "percent": ("Prozent", "Percent"),
    "fig_wait": ("Wartezeit angenommener Anrufe", "Wait of answered calls"),
    "wait_mean_week": ("Mittlere Wartezeit je Woche", "Mean wait per week"),
    "wait_mean_period": ("Mittelwert Zeitraum", "Period mean"),
    "wait_p90_period": ("90.-Perzentil Zeitraum", "Period 90th percentile"),
    "seconds": ("Sekunden", "Seconds"),
    "fig_heatmap": (
        "Nachfrage nach Wochentag und Stunde (mittlere Anrufe je Stunde) mit den Sprechzeiten",
        "Demand by weekday and hour (mean calls per hour) with the call hours",
    ),
    "fig_heatmap_short": ("Nachfrage nach Wochentag und Stunde", "Demand by weekday and hour"),
    "fig_heatmap_sub": (
        "mittlere Anrufe je Stunde, Rahmen: aktuelle Sprechzeiten",
        "mean calls per hour, frames: current call hours",
    ),
    "hour": ("Uhrzeit (Stunde)", "Hour of day"),
    "weekday": ("Wochentag", "Weekday"),
    "mean_calls_per_hour": ("Anrufe je Stunde (Mittel)", "Calls per hour (mean)"),
    "fig_coverage": (
        "Abgedeckte Nachfrage je Anzahl Sprechstunden pro Woche",
        "Demand covered by the number of call hours per week",
    ),
    "hours_per_week": ("Sprechstunden pro Woche", "Call hours per week"),
    "coverage": ("abgedeckte Nachfrage", "demand covered"),
    "chosen": ("Vorschlag", "suggestion"),
    "fig_staffing": (
        "Personalbedarf je Stunde (Erlang C / Erlang A)",
        "Staffing per hour (Erlang C / Erlang A)",
    ),
    "agents": ("Mitarbeitende", "Agents"),
    "agents_erlang_c": ("Mitarbeitende (Erlang C)", "Agents (Erlang C)"),
    "agents_erlang_a": ("Mitarbeitende (Erlang A)", "Agents (Erlang A)"),
    "calls_per_hour": ("Anrufe je Stunde", "Calls per hour"),
    "fig_forest": (
        "Wirkung der Sprechzeiten: Differenz-in-Differenzen mit 95-%-Intervall",
        "Effect of the call hours: difference-in-differences with 95 % interval",
    ),
    "did": ("Differenz-in-Differenzen", "Difference-in-differences"),
    "before_after": ("vorher/nachher Pilotteam", "before/after pilot team"),
    "fig_weekly": ("Wochenverlauf Pilotteam und Kontrollteams", "Weekly series pilot vs controls"),
    "pilot": ("Pilotteam", "Pilot team"),
    "controls": ("Kontrollteams", "Control teams"),
    "pilot_start": ("Pilotbeginn", "Pilot start"),
    "fig_before_during": ("Vorher und während des Pilots", "Before and during the pilot"),
    "metric": ("Kennzahl", "Metric"),
    "pilot_before": ("Pilot vorher", "Pilot before"),
    "pilot_during": ("Pilot während", "Pilot during"),
    "controls_before": ("Kontrolle vorher", "Controls before"),
    "controls_during": ("Kontrolle während", "Controls during"),
    "interval": ("95-%-Intervall", "95 % interval"),
    "fig_rollout_table": ("Rangfolge für die Einführung", "Rollout ranking"),
    "fig_rollout_share": (
        "Anteil außerhalb der Sprechzeiten: jetzt und erwartet",
        "Share outside the call hours: now and expected",
    ),
    "rank": ("Rang", "Rank"),
    "team": ("Team", "Team"),
    "windows_source": ("Sprechzeiten", "Call hours"),
    "source_pilot": ("wie Pilot", "as pilot"),
    "source_suggested": ("Vorschlag", "suggested"),
    "share_outside_now": ("Anteil außerhalb", "Share outside"),
    "share_outside_after": ("erwartet danach", "expected after"),
    "peak_agents": ("Personal Spitze", "Peak agents"),
    "mean_agents": ("Personal Mittel", "Mean agents"),
    "reason": ("Begründung", "Reason"),
    "unreached": (
        "nicht erreichte Anrufende (95-%-Intervall)",
        "callers not reached (95 % interval)",
    ),
    "p_first": ("vorn in … der Stichproben", "first in … of resamples"),
    "tied": ("gleichauf", "tied"),
    "fig_team_calls": (
        "Anrufe je Team innerhalb und außerhalb der Sprechzeiten",
        "Calls per team inside and outside the call hours",
    ),
    "fig_team_rates": (
        "Annahmequote und Servicelevel je Team",
        "Answer rate and service level per team",
    ),
    "fig_weekly_all": ("Anrufe je Woche und Team", "Calls per week and team"),
    "significant": ("deutlich (Intervall schließt 0 aus)", "clear (interval excludes 0)"),
    "not_significant": ("unsicher (Intervall enthält 0)", "uncertain (interval contains 0)"),
    "pp": ("Prozentpunkte", "percentage points"),
    # pages of the standalone site
    "site_title": ("Auswertung telefonische Sprechzeiten", "Call-hours evaluation"),
    "callers_title": ("Rückrufe, Sprachwahl, Überlauf", "Callbacks, language choice, overflow"),
    "cb_requests": ("Rückrufwünsche", "Callback requests"),
    "cb_within_24h": ("davon binnen 24 h erfüllt (115)", "fulfilled within 24 h (115)"),
    "cb_within_opening": (
        "davon bis Ende der nächsten Öffnung erfüllt",
        "fulfilled by the end of the next opening",
    ),
    "cb_attempts": ("Anrufversuche je Wunsch", "Call attempts per request"),
    "cb_repeat": (
        "trotzdem erneut angerufen (vor dem Rückruf)",
        "called again anyway (before the callback)",
    ),
    "cb_expired": ("verfallen", "expired"),
    "lang_choice": ("Sprachwahl ({reason}): {language}", "Language choice ({reason}): {language}"),
    "overflow_to": ("Überlauf nach {dest}: {outcome}", "Overflow to {dest}: {outcome}"),
    "overview": ("Übersicht", "Overview"),
    "pilot_page": ("Pilotauswertung", "Pilot evaluation"),
    "rollout_page": ("Einführung in weiteren Teams", "Rollout to further teams"),
    "other_language": ("English", "Deutsch"),
    "period": ("Zeitraum", "Period"),
    "totals": ("Alle Teams", "All teams"),
    "teams": ("Teams", "Teams"),
    "figures": ("Diagramme", "Charts"),
    "on_call_hours": ("mit Sprechzeiten", "on call hours"),
    "not_on_call_hours": ("noch ohne Sprechzeiten", "not yet on call hours"),
    "details": ("Details", "Details"),
    "k_offered": ("Anrufe", "Calls"),
    "k_inside": ("innerhalb der Sprechzeiten", "inside the call hours"),
    "k_share_outside": ("Anteil außerhalb der Sprechzeiten", "Share outside the call hours"),
    "k_lines": ("Teamrufnummer / Durchwahl / Zentrale", "Team line / direct / switchboard"),
    "k_answer_rate": ("Annahmequote (innerhalb)", "Answer rate (inside)"),
    "k_service_level": ("Servicelevel (innerhalb)", "Service level (inside)"),
    "k_abandonment": ("Abbruchquote (innerhalb)", "Abandonment rate (inside)"),
    "k_wait": ("Wartezeit Ø / 90 %", "Wait mean / 90th pct."),
    "k_talk": ("Gesprächsdauer Ø", "Talk time mean"),
    "k_callers": ("Anrufende (pseudonym)", "Callers (pseudonymous)"),
    "k_callers_summed": (
        "Anrufende (pseudonym, je Team gezählt)",
        "Callers (pseudonymous, counted per team)",
    ),
    "k_calls_per_caller": ("Anrufe je Anrufer (7 Tage)", "Calls per caller (7 days)"),
    "k_displaced": (
        "Ansage gehört, später durchgekommen",
        "Heard the announcement, got through later",
    ),
    "k_displaced_delay": ("… nach (Median)", "… after (median)"),
    "k_never_through": (
        "Ansage gehört, nie durchgekommen",
        "Heard the announcement, never got through",
    ),
    "k_announcement_days": (
        "Schließtage (Ansage ganztägig)",
        "Closure days (announcement all day)",
    ),
    "k_walk_ins": ("Vorsprachen ohne Termin", "Walk-ins without appointment"),
    "hours_unit": ("Std.", "h"),
    "not_entered": ("nicht erfasst", "not entered"),
    "no_pilot": (
        "Im Zeitraum gibt es keine ausgewertete Pilotphase.",
        "No evaluated pilot in the period.",
    ),
    "no_rollout": (
        "Alle Teams nutzen bereits Sprechzeiten.",
        "Every team already uses call hours.",
    ),
    "pilot_of": ("Pilotphase", "Pilot period"),
    "compared_with": ("verglichen mit", "compared with"),
    "before_period": ("Vergleichszeitraum vorher", "Comparison period before"),
    "summary": ("Zusammenfassung", "Summary"),
    "uncertainty": ("Unsicherheit", "Uncertainty"),
    "uncertainty_text": (
        "Die Intervalle sind 95-%-Intervalle über Kalenderwochen (t-Intervall, je Woche ein "
        "Wert; Urteil ab {weeks} vollen Wochen vor und im Pilot). Enthält ein Intervall die 0, "
        "lässt sich die Änderung mit diesen Daten "
        "nicht sicher von Zufall unterscheiden. Die Differenz-in-Differenzen zieht die "
        "Entwicklung der Kontrollteams im selben Zeitraum ab; sie setzt voraus, dass beide "
        "Gruppen ohne Pilot parallel verlaufen wären (siehe Wochenverlauf).",
        "The intervals are 95 % intervals over calendar weeks (t-interval, one value per week; "
        "a verdict from {weeks} full weeks before and during the pilot). When an interval "
        "contains 0, the change cannot be told apart from chance with these "
        "data. Difference-in-differences subtracts the control teams' change over the same "
        "time; it assumes both groups would have moved in parallel without the pilot (see the "
        "weekly series).",
    ),
    "assessment": ("Einschätzung", "Assessment"),
    "verdict": ("Ergebnis", "Verdict"),
    "definitions": ("Was bedeuten die Kennzahlen?", "What do the metrics mean?"),
    "source_synthetic": (
        "Datenquelle: synthetische Beispieldaten – keine echten Anrufe.",
        "Data source: synthetic example data – no real calls.",
    ),
    "source_live": (
        "Datenquelle: Anrufprotokoll der Telefonanlage (echte Anrufe).",
        "Data source: the PBX call log (real calls).",
    ),
    "too_early": ("zu früh", "too early"),
    "generated": ("erstellt", "generated"),
    "see_pilot": ("Zur Pilotauswertung", "To the pilot evaluation"),
    "print_hint": ("Druckfassung: pilot.pdf", "Printable version: pilot.pdf"),
}

METRIC_NAMES: dict[MetricKey, tuple[str, str]] = {
    MetricKey.SHARE_OUTSIDE: ("Anteil außerhalb der Sprechzeiten", "Share outside the call hours"),
    MetricKey.ANSWER_RATE_INSIDE: ("Annahmequote (innerhalb)", "Answer rate (inside)"),
    MetricKey.SERVICE_LEVEL: ("Servicelevel", "Service level"),
    MetricKey.ABANDONMENT_RATE: ("Abbruchquote", "Abandonment rate"),
    MetricKey.CALLS_PER_CALLER_7D: ("Anrufe je Anrufer (7 Tage)", "Calls per caller (7 days)"),
    MetricKey.CALLS_PER_DAY: ("Anrufe je Arbeitstag", "Calls per working day"),
    MetricKey.CONTACTS_PER_DAY: ("Neue Anliegen je Arbeitstag", "New contacts per working day"),
}

# One click away on every pilot page (METRICS.md has the full reference).
DEFINITIONS: dict[MetricKey, tuple[str, str]] = {
    MetricKey.SHARE_OUTSIDE: (
        "Anrufe außerhalb der Sprechzeiten ÷ alle Anrufe (Regeltage: Mo–Fr ohne Feiertage "
        "und Schließtage).",
        "Calls outside the call hours ÷ all calls (regular days: Mon–Fri without holidays "
        "and closure days).",
    ),
    MetricKey.ANSWER_RATE_INSIDE: (
        "Angenommene ÷ alle Anrufe innerhalb der Sprechzeiten. Hauptkennzahl des Urteils.",
        "Answered ÷ all calls inside the call hours. The verdict's primary metric.",
    ),
    MetricKey.SERVICE_LEVEL: (
        "Innerhalb angenommen binnen {seconds} s ÷ Anrufe innerhalb{short_de}.",
        "Answered inside within {seconds} s ÷ calls inside{short_en}.",
    ),
    MetricKey.ABANDONMENT_RATE: (
        "In der Warteschlange aufgelegt ÷ Anrufe innerhalb{short_de}.",
        "Hung up while queueing ÷ calls inside{short_en}.",
    ),
    MetricKey.CALLS_PER_CALLER_7D: (
        "Anrufe mit bekannter Nummer ÷ neue Anliegen (kein Anruf desselben Anrufers beim "
        "Team in den {days} Tagen davor).",
        "Calls with a known number ÷ new contacts (no call of the same caller to the team "
        "in the {days} days before).",
    ),
    MetricKey.CALLS_PER_DAY: (
        "Anrufe ÷ Regeltage; verglichen als relative Änderung (Log-Verhältnis), damit große "
        "und kleine Teams vergleichbar sind.",
        "Calls ÷ regular days; compared as a relative change (log-ratio), so large and "
        "small teams compare.",
    ),
    MetricKey.CONTACTS_PER_DAY: (
        "Neue Anliegen ÷ Regeltage; relative Änderung (Log-Verhältnis).",
        "New contacts ÷ regular days; relative change (log-ratio).",
    ),
}

RATE_METRICS = frozenset(
    {
        MetricKey.SHARE_OUTSIDE,
        MetricKey.ANSWER_RATE_INSIDE,
        MetricKey.SERVICE_LEVEL,
        MetricKey.ABANDONMENT_RATE,
    }
)


def text(key: str, lang: Lang) -> str:
    de, en = TEXTS[key]
    return en if lang == "en" else de


def metric_name(metric: MetricKey, lang: Lang) -> str:
    de, en = METRIC_NAMES[metric]
    return en if lang == "en" else de


def team_name(team: TeamInfo | None, team_id: str, lang: Lang) -> str:
    if team is None:
        return team_id
    return team.name_en if lang == "en" else team.name_de


def check_lang(lang: str) -> Lang:
    if lang == "de":
        return "de"
    if lang == "en":
        return "en"
    raise ValueError(f"lang must be 'de' or 'en', not {lang!r}")


def fmt_number(value: float | None, lang: Lang, decimals: int = 0) -> str:
    """1234.5 → „1.234,5“ (de) / "1,234.5" (en); None → „–“."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    rendered = f"{abs(value):,.{decimals}f}"
    if lang == "de":
        rendered = rendered.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    # A rounded zero carries no sign: „−0“ would suggest a direction the data do not have.
    sign = MINUS if value < 0 and rendered.strip("0.,") else ""
    return sign + rendered


def fmt_signed(value: float | None, lang: Lang, decimals: int = 0) -> str:
    """Like fmt_number but with an explicit „+“ for increases."""
    rendered = fmt_number(value, lang, decimals)
    if value is not None and rendered[0].isdigit() and rendered.strip("0.,"):
        return "+" + rendered
    return rendered


def fmt_percent(fraction: float | None, lang: Lang, decimals: int = 0) -> str:
    """0.753 → „75 %“ (de) / "75%" (en)."""
    if fraction is None:
        return DASH
    number = fmt_number(fraction * 100.0, lang, decimals)
    return f"{number}{NBSP}%" if lang == "de" else f"{number}%"


def fmt_points(fraction: float | None, lang: Lang, decimals: int = 1) -> str:
    """A difference of rates in percentage points: −0.15 → „−15,0 Pp.“ / "−15.0 pp"."""
    if fraction is None:
        return DASH
    unit = "Pp." if lang == "de" else "pp"
    return f"{fmt_signed(fraction * 100.0, lang, decimals)}{NBSP}{unit}"


def fmt_metric(metric: MetricKey, value: float | None, lang: Lang) -> str:
    """A level of a metric: rates as percent, counts with one decimal."""
    if metric in RATE_METRICS:
        return fmt_percent(value, lang, 1)
    return fmt_number(value, lang, 2 if metric is MetricKey.CALLS_PER_CALLER_7D else 1)


def fmt_effect(metric: MetricKey, value: float | None, lang: Lang) -> str:
    """A change of a metric: rates in percentage points, volumes as relative changes in %
    (the evaluation compares them as log-ratios), other counts signed."""
    if metric in RATE_METRICS:
        return fmt_points(value, lang)
    if metric in RELATIVE:
        if value is None:
            return DASH
        number = fmt_signed(value * 100.0, lang, 1)
        return f"{number}{NBSP}%" if lang == "de" else f"{number}%"
    return fmt_signed(value, lang, 2 if metric is MetricKey.CALLS_PER_CALLER_7D else 1)


def fmt_seconds(value: float | None, lang: Lang) -> str:
    if value is None:
        return DASH
    return f"{fmt_number(value, lang, 0)}{NBSP}s"


def fmt_date(day: date, lang: Lang) -> str:
    return f"{day:%d.%m.%Y}" if lang == "de" else day.isoformat()


def plotly_separators(lang: Lang) -> str:
    """plotly's layout.separators: decimal mark first, then the thousands separator."""
    return ",." if lang == "de" else ".,"


def percent_suffix(lang: Lang) -> str:
    return f"{NBSP}%" if lang == "de" else "%"
