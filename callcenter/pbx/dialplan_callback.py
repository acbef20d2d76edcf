"""The callback offer after the chosen announcement (issue 20, recording 021's `Read()`).

`Read(CBDIGIT,<prompt>,1,<opt>,1,5)` waits for one key; the callback key raises
`UserEvent(CallbackRequested, Number, Dialled, Team, CallUniqueid)` exactly as in 021,
then a confirmation plays. Without a caller number (withheld: empty or `anonymous`) there
is nothing to call back: the offer is skipped. In early media `Read()` gets the `n`
option (read without answering); 021 was recorded on an answered channel.
"""

from __future__ import annotations

OFFER_CONTEXT = "callhours-callback-offer"
DIALLED_VARIABLE = "CALLHOURS_DIALLED"


def offer_prompt(lang: str) -> str:
    return f"callhours/callback-offer-{lang}"


def confirm_prompt(lang: str) -> str:
    return f"callhours/callback-confirm-{lang}"


def offer_call(team_expr: str, lang: str) -> str:
    """The step that offers the callback in `lang` (a Gosub; it returns)."""
    return f"Gosub({OFFER_CONTEXT},s,1({team_expr},{lang}))"


def offer_context(callback_key: str, early_media: bool) -> str:
    read_options = "n" if early_media else ""
    lines = [
        "; Callback offer (issue 20, like recording 021): ARG1 = team, ARG2 = language.",
        "; Skipped without a caller number; the service stores the request from the event.",
        f"[{OFFER_CONTEXT}]",
        'exten => s,1,GotoIf($["${CALLERID(num)}" = "" | "${CALLERID(num)}" = "anonymous"]?done)',
        f" same => n,Read(CBDIGIT,callhours/callback-offer-${{ARG2}},1,{read_options},1,5)",
        f' same => n,GotoIf($["${{CBDIGIT}}" != "{callback_key}"]?done)',
        " same => n,UserEvent(CallbackRequested,Number: ${CALLERID(num)},"
        f"Dialled: ${{{DIALLED_VARIABLE}}},Team: ${{ARG1}},CallUniqueid: ${{UNIQUEID}})",
        " same => n,Playback(callhours/callback-confirm-${ARG2}"
        + (",noanswer)" if early_media else ")"),
        " same => n(done),Return()",
        "",
    ]
    return "\n".join(lines)
