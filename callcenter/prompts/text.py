"""The announcement a caller hears, as text: template + schedule + `now` (pure, clock-free).

The text names the next opening relative to `now` ("ab morgen"), so it changes at every
state change and at midnight; whoever renders audio re-renders when the text differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callcenter.domain.schedule import Reason, TeamSchedule, active_closure
from callcenter.prompts.opening import next_opening
from callcenter.prompts.phrases import hours_phrase, moment_phrase, phrasing
from callcenter.prompts.template import PromptTemplate, fill


@dataclass(frozen=True)
class Contact:
    """Where else callers can turn (from the configuration); empty parts are left out."""

    url: str = ""
    email: str = ""


def team_name(schedule: TeamSchedule, lang: str) -> str:
    """German name for German; otherwise the English name where the office gave one."""
    team = schedule.team
    if lang == "de":
        return team.name_de
    return team.name_en or team.name_de


def hours_sentence(
    schedule: TeamSchedule, template: PromptTemplate, now: datetime | None = None
) -> str:
    """The weekly hours; with `now`, those in force on its date (a date-range variant's)."""
    team = schedule.team
    windows = team.windows if now is None else team.windows_on(now.astimezone(schedule.tz).date())
    hours = hours_phrase(windows, template.lang)
    if not hours:
        return template.sentences["no_hours"]
    return fill(template.sentences["hours"], {"hours": hours})


def next_opening_sentence(schedule: TeamSchedule, template: PromptTemplate, now: datetime) -> str:
    opens = next_opening(schedule, now)
    if opens is None:
        return template.sentences["no_next_opening"]
    when = moment_phrase(opens, now, schedule.tz, template.lang)
    return fill(template.sentences["next_opening"], {"when": when})


def contact_sentences(template: PromptTemplate, contact: Contact) -> str:
    """One place to turn to, the web address first: an address spelled out by the voice
    costs seconds, and the whole announcement must stay within 20 s (issue 20)."""
    if contact.url:
        return fill(template.sentences["url"], {"url": contact.url})
    if contact.email:
        return fill(template.sentences["email"], {"email": contact.email})
    return ""


def reason_sentence(
    schedule: TeamSchedule, reason: Reason, template: PromptTemplate, now: datetime
) -> str:
    """The closure's public reason in the template's language; nothing outside a closure,
    for a closure without one, or for a key this language does not know. Never the note."""
    if reason is not Reason.CLOSURE:
        return ""
    closure = active_closure(schedule, now)
    if closure is None or not closure.public_reason:
        return ""
    return template.public_reasons.get(closure.public_reason, "")


def announcement_text(
    schedule: TeamSchedule,
    reason: Reason,
    template: PromptTemplate,
    now: datetime,
    contact: Contact,
    speak_reason: bool = True,
) -> str:
    """The announcement for `reason` in the template's language, as heard at `now`."""
    phrasing(template.lang)  # fail early and clearly for a language without phrase rules
    values = {
        "team": team_name(schedule, template.lang),
        "hours": hours_sentence(schedule, template, now),
        "next_opening": next_opening_sentence(schedule, template, now),
        "contact": contact_sentences(template, contact),
        "reason": reason_sentence(schedule, reason, template, now) if speak_reason else "",
    }
    return fill(template.texts[reason], values)


def summary_text(
    schedule: TeamSchedule,
    reason: Reason,
    template: PromptTemplate,
    now: datetime,
    contact: Contact,
    speak_reason: bool = True,
) -> str:
    """The short form the language menu's no-key path plays (issue 20); the full
    announcement where the template has no summary for `reason`."""
    summary = template.summaries.get(reason)
    if summary is None:
        return announcement_text(schedule, reason, template, now, contact, speak_reason)
    phrasing(template.lang)
    values = {
        "team": team_name(schedule, template.lang),
        "next_opening": next_opening_sentence(schedule, template, now),
        "contact": contact_sentences(template, contact),
        "reason": reason_sentence(schedule, reason, template, now) if speak_reason else "",
    }
    return fill(summary, values)
