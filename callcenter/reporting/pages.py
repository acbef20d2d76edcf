"""What each page of the standalone site shows, as plain strings ready for the templates.

Numbers are formatted here (German or English style) so the templates only place text; the
templates escape every value, so nothing from the data can become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from callcenter.evaluation.did import MIN_WEEKS
from callcenter.evaluation.model import (
    MetricKey,
    OfficeReport,
    PeriodMetrics,
    PilotEvaluation,
    TeamInfo,
)
from callcenter.reporting.code_labels import (
    destination_label,
    language_label,
    outcome_label,
    reason_label,
)
from callcenter.reporting.i18n import (
    DEFINITIONS,
    Lang,
    fmt_date,
    fmt_effect,
    fmt_metric,
    fmt_number,
    fmt_percent,
    fmt_seconds,
    metric_name,
    team_name,
    text,
)


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: str


@dataclass(frozen=True)
class TeamCard:
    team_id: str
    name: str
    href: str
    on_call_hours: bool
    numbers: tuple[KeyNumber, ...]


@dataclass(frozen=True)
class EffectRow:
    metric: str
    pilot_before: str
    pilot_during: str
    controls_before: str
    controls_during: str
    did: str
    interval: str
    assessment: str
    significant: bool | None
    direction: str = "unclear"


@dataclass(frozen=True)
class VerdictLine:
    text: str
    other: str  # the same in the other language
    direction: str  # better / worse / unclear / changed / too_early: the colour


@dataclass(frozen=True)
class Definition:
    metric: str
    text: str


@dataclass(frozen=True)
class VerdictBox:
    direction: str
    headline: str
    headline_other: str  # German page: the English line below it, and the other way round
    other_lang: str
    lines: tuple[VerdictLine, ...]
    target: str
    target_status: str  # met / missed / unclear / unknown
    method: str
    source: str
    definitions: tuple[Definition, ...]


@dataclass(frozen=True)
class PilotSection:
    team_id: str
    team: str
    period: str
    before: str
    controls: str
    summary: str
    uncertainty: str
    rows: tuple[EffectRow, ...]
    verdict: VerdictBox


def page_slug(team_id: str) -> str:
    """A file-name-safe form of a team id (ids are validated, but a page name must never escape)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", team_id.lower()).strip("-")
    return slug or "team"


def team_pages(report: OfficeReport) -> dict[str, str]:
    """team id → page file name, unique even if two ids slug to the same text."""
    pages: dict[str, str] = {}
    used: set[str] = set()
    ids = [team.id for team in report.teams]
    ids += [period.team for period in report.per_team if period.team and period.team not in ids]
    for team_id in ids:
        base = f"team-{page_slug(team_id)}"
        name, number = base, 2
        while name in used:
            name, number = f"{base}-{number}", number + 1
        used.add(name)
        pages[team_id] = f"{name}.html"
    return pages


def _team_info(report: OfficeReport, team_id: str) -> TeamInfo | None:
    return next((team for team in report.teams if team.id == team_id), None)


def display_name(report: OfficeReport, team_id: str, lang: Lang) -> str:
    return team_name(_team_info(report, team_id), team_id, lang)


def key_numbers(period: PeriodMetrics, lang: Lang) -> tuple[KeyNumber, ...]:
    """The headline metrics of a period, in the order a team lead reads them."""
    wait = " / ".join(
        fmt_seconds(value, lang) for value in (period.wait_mean_seconds, period.wait_p90_seconds)
    )
    lines = " / ".join(
        fmt_number(value, lang)
        for value in (period.team_line, period.direct_line, period.switchboard)
    )
    delay = period.displaced_delay_median_hours
    walk_ins = (
        text("not_entered", lang) if period.walk_ins is None else fmt_number(period.walk_ins, lang)
    )
    entries = [
        ("k_offered", fmt_number(period.offered, lang)),
        ("k_inside", fmt_number(period.inside, lang)),
        ("k_share_outside", fmt_percent(period.share_outside, lang, 1)),
        ("k_lines", lines),
        ("k_answer_rate", fmt_percent(period.answer_rate_inside, lang, 1)),
        ("k_service_level", fmt_percent(period.service_level, lang, 1)),
        ("k_abandonment", fmt_percent(period.abandonment_rate, lang, 1)),
        ("k_wait", wait),
        ("k_talk", fmt_seconds(period.talk_mean_seconds, lang)),
        # A caller of two teams is two callers in the office total (METRICS.md).
        (
            "k_callers" if period.team is not None else "k_callers_summed",
            fmt_number(period.unique_callers, lang),
        ),
        ("k_calls_per_caller", fmt_number(period.calls_per_caller_7d, lang, 2)),
        ("k_displaced", fmt_percent(period.displaced_share, lang, 1)),
        (
            "k_displaced_delay",
            "–" if delay is None else f"{fmt_number(delay, lang, 1)} {text('hours_unit', lang)}",
        ),
        ("k_never_through", fmt_percent(period.never_through_share, lang, 1)),
        ("k_announcement_days", fmt_number(len(period.announcement_days), lang)),
        ("k_walk_ins", walk_ins),
    ]
    return tuple(KeyNumber(text(key, lang), value) for key, value in entries)


def team_cards(report: OfficeReport, lang: Lang) -> tuple[TeamCard, ...]:
    pages = team_pages(report)
    periods = {period.team: period for period in report.per_team}
    infos: dict[str, TeamInfo] = {}
    for team in report.teams:
        infos.setdefault(team.id, team)  # the first, as _team_info finds it
    cards = []
    for team_id, page in pages.items():
        info = infos.get(team_id)
        period = periods.get(team_id)
        numbers: tuple[KeyNumber, ...] = ()
        if period is not None:
            numbers = (
                KeyNumber(text("k_offered", lang), fmt_number(period.offered, lang)),
                KeyNumber(
                    text("k_share_outside", lang), fmt_percent(period.share_outside, lang, 1)
                ),
                KeyNumber(
                    text("k_answer_rate", lang), fmt_percent(period.answer_rate_inside, lang, 1)
                ),
                KeyNumber(
                    text("k_service_level", lang), fmt_percent(period.service_level, lang, 1)
                ),
            )
        cards.append(
            TeamCard(
                team_id=team_id,
                name=team_name(info, team_id, lang),
                href=page,
                on_call_hours=bool(info and info.on_call_hours),
                numbers=numbers,
            )
        )
    return tuple(cards)


def effect_rows(pilot: PilotEvaluation, lang: Lang) -> tuple[EffectRow, ...]:
    rows = []
    directions = {line.metric: line.direction.value for line in pilot.verdict.lines}
    for effect in pilot.effects:
        did = effect.did
        significant = did.significant if did else None
        assessment = (
            "–"
            if significant is None
            else text("significant" if significant else "not_significant", lang)
        )
        if pilot.weeks_missing and significant is not None:
            assessment = text("too_early", lang)
        rows.append(
            EffectRow(
                metric=metric_name(effect.metric, lang),
                pilot_before=fmt_metric(effect.metric, effect.pilot_before, lang),
                pilot_during=fmt_metric(effect.metric, effect.pilot_during, lang),
                controls_before=fmt_metric(effect.metric, effect.controls_before, lang),
                controls_during=fmt_metric(effect.metric, effect.controls_during, lang),
                did=fmt_effect(effect.metric, did.value if did else None, lang),
                interval=(
                    f"{fmt_effect(effect.metric, did.low, lang)} … "
                    f"{fmt_effect(effect.metric, did.high, lang)}"
                    if did
                    else "–"
                ),
                assessment=assessment,
                significant=significant,
                direction=directions.get(effect.metric, "unclear"),
            )
        )
    return tuple(rows)


def pilot_section(report: OfficeReport, pilot: PilotEvaluation, lang: Lang) -> PilotSection:
    controls = ", ".join(display_name(report, team, lang) for team in pilot.controls)
    return PilotSection(
        team_id=pilot.team,
        team=display_name(report, pilot.team, lang),
        period=f"{fmt_date(pilot.start, lang)} – {fmt_date(pilot.end, lang)}",
        before=(
            f"{fmt_date(pilot.before_start, lang)} – "
            f"{fmt_date(pilot.start - timedelta(days=1), lang)}"
        ),
        controls=controls or "–",
        summary=pilot.summary_en if lang == "en" else pilot.summary_de,
        uncertainty=text("uncertainty_text", lang).format(weeks=MIN_WEEKS),
        rows=effect_rows(pilot, lang),
        verdict=verdict_box(report, pilot, lang),
    )


def _definition(metric: MetricKey, report: OfficeReport, lang: Lang) -> str:
    de, en = DEFINITIONS[metric]
    settings = report.settings
    short = settings.exclude_short_abandons
    limit = fmt_number(settings.short_abandon_seconds, lang)
    return (en if lang == "en" else de).format(
        seconds=fmt_number(settings.service_level_seconds, lang),
        days=settings.repeat_window_days,
        short_de=f" ohne Kurzabbrüche (≤ {limit} s)" if short else " (Kurzabbrüche zählen mit)",
        short_en=f" without short abandons (≤ {limit} s)" if short else " (short abandons count)",
    )


def verdict_box(report: OfficeReport, pilot: PilotEvaluation, lang: Lang) -> VerdictBox:
    """The answer at the top of a pilot page, in the page's language and the other one."""
    v = pilot.verdict
    en = lang == "en"

    def pick(de: str, english: str) -> tuple[str, str]:
        return (english, de) if en else (de, english)

    headline, other = pick(v.headline_de, v.headline_en)
    lines = tuple(
        VerdictLine(*pick(line.text_de, line.text_en), line.direction.value) for line in v.lines
    )
    return VerdictBox(
        direction=v.direction.value,
        headline=headline,
        headline_other=other,
        other_lang="de" if en else "en",
        lines=lines,
        target=pick(v.target_de, v.target_en)[0],
        target_status=v.target_status.value,
        method=pick(v.method_de, v.method_en)[0],
        source=text("source_synthetic" if is_synthetic(report) else "source_live", lang),
        definitions=tuple(
            Definition(metric_name(metric, lang), _definition(metric, report, lang))
            for metric in DEFINITIONS
        ),
    )


def is_synthetic(report: OfficeReport) -> bool:
    """The banner shows when the evaluation says its data are synthetic."""
    note = f"{report.generated_note_de} {report.generated_note_en}".lower()
    return "synthet" in note


@dataclass(frozen=True)
class CallerRow:
    team: str
    label: str
    value: str


def caller_rows(
    report: OfficeReport, lang: Lang, teams: tuple[str, ...] | None = None
) -> tuple[CallerRow, ...]:
    """Issue 20's figures as table rows (team, what, value); empty when nothing to show."""
    figures = report.callers if teams is None else report.callers.for_teams(teams)
    rows: list[CallerRow] = []
    for f in figures.callbacks:
        name = display_name(report, f.team, lang)
        rows += [
            CallerRow(name, text("cb_requests", lang), fmt_number(f.requests, lang)),
            CallerRow(name, text("cb_within_24h", lang), fmt_percent(f.share_24h, lang)),
            CallerRow(name, text("cb_within_opening", lang), fmt_percent(f.share_opening, lang)),
            CallerRow(name, text("cb_attempts", lang), fmt_number(f.attempts_per_request, lang, 1)),
            CallerRow(name, text("cb_repeat", lang), fmt_percent(f.repeat_share, lang)),
            CallerRow(name, text("cb_expired", lang), fmt_number(f.expired, lang)),
        ]
    for team, reason, language, calls in figures.languages:
        label = text("lang_choice", lang).format(
            reason=reason_label(reason, lang), language=language_label(language, lang)
        )
        rows.append(CallerRow(display_name(report, team, lang), label, fmt_number(calls, lang)))
    for team, destination, outcome, calls in figures.overflow:
        label = text("overflow_to", lang).format(
            dest=destination_label(destination, lang, lambda t: display_name(report, t, lang)),
            outcome=outcome_label(outcome, lang),
        )
        rows.append(CallerRow(display_name(report, team, lang), label, fmt_number(calls, lang)))
    return tuple(rows)
