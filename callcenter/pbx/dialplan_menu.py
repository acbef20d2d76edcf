"""The language menu outside the hours (issue 20), the shape of recording 020's `[t3-langmenu]`.

`Background()` plays the menu (`callhours/menu-<lang>`, one file per language, each in its
own voice), `WaitExten(n)` waits for the key; `1`..`9` play that language's announcement,
`t` (no key) the short form (`closed-<reason>-short-<lang>`: situation, next opening, web
address) in the configured default languages one after another — the full announcements one
after another would take the no-key caller past 45 s with six menu languages — and `i` (a
key not in the menu) repeats the menu once and then goes on as `t`. Right after the choice
the dialplan tells the service with `UserEvent(CallHoursLanguage, ...)`; recording 021 shows
the envelope Asterisk gives a dialplan UserEvent. The choice is in `MenuLanguage:`, not
`Language:` as first agreed: every channel event already carries the channel's own
`Language:` header (021's envelope), and a second one would be read as the first by a parser
that keys headers by name. The team and the reason come in as channel variables set by
`[callhours-route]` before it jumps here; the menu never returns.
"""

from __future__ import annotations

from callcenter.pbx.dialplan_callback import offer_call

MENU_CONTEXT = "callhours-langmenu"
TEAM_VARIABLE = "CALLHOURS_TEAM"
REASON_VARIABLE = "CALLHOURS_REASON"
_TRIES = "CALLHOURS_MENU_TRIES"


def menu_prompt(lang: str) -> str:
    """The sound file (without extension) that offers `lang` with its key."""
    return f"callhours/menu-{lang}"


def _announcement(lang: str) -> str:
    return f"callhours/${{{TEAM_VARIABLE}}}/closed-${{{REASON_VARIABLE}}}-{lang}"


def _summary(lang: str) -> str:
    return f"callhours/${{{TEAM_VARIABLE}}}/closed-${{{REASON_VARIABLE}}}-short-{lang}"


def _language_event(language: str) -> str:
    return (
        f"UserEvent(CallHoursLanguage,Team: ${{{TEAM_VARIABLE}}},MenuLanguage: {language},"
        "CallUniqueid: ${UNIQUEID})"
    )


def _offer(callback_offer: bool, lang: str) -> list[str]:
    return [f" same => n,{offer_call(f'${{{TEAM_VARIABLE}}}', lang)}"] if callback_offer else []


def menu_context(
    menu_languages: tuple[str, ...],
    default_languages: tuple[str, ...],
    timeout_seconds: int,
    early_media: bool,
    callback_offer: bool = False,
) -> str:
    """The `[callhours-langmenu]` context; key N plays `menu_languages[N-1]`."""
    noanswer = ",noanswer" if early_media else ""
    # Background()'s `n`: do not answer, so the menu can run as early media like the
    # announcement (keys then need RFC 4733 DTMF from the trunk, see the README).
    background_options = ",n" if early_media else ""
    menu_files = "&".join(menu_prompt(lang) for lang in menu_languages)
    lines = [
        "; Language menu (issue 20, like recording 020): key N = the N-th language of",
        "; [callers] languages; no key = the [prompts] languages one after another;",
        "; a wrong key repeats the menu once. Never returns: the call ends here.",
        f"[{MENU_CONTEXT}]",
        f"exten => s,1,Set({_TRIES}=0)",
        f" same => n(menu),Background({menu_files}{background_options})",
        f" same => n,WaitExten({timeout_seconds})",
    ]
    for key, lang in enumerate(menu_languages, start=1):
        lines += [
            f"exten => {key},1,{_language_event(lang)}",
            f" same => n,Playback({_announcement(lang)}{noanswer})",
            *_offer(callback_offer, lang),
            " same => n,Hangup(16)",
        ]
    default_files = "&".join(_summary(lang) for lang in default_languages)
    lines += [
        f"exten => t,1,{_language_event('default')}",
        f" same => n,Playback({default_files}{noanswer})",
        *_offer(callback_offer, default_languages[0]),
        " same => n,Hangup(16)",
        f"exten => i,1,Set({_TRIES}=$[0${{{_TRIES}}} + 1])",
        f" same => n,GotoIf($[0${{{_TRIES}}} > 1]?t,1:s,menu)",
        "",
    ]
    return "\n".join(lines)
