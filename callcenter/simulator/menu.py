"""The generated dialplan's `[callhours-langmenu]` on a simulated call (issue 20).

`Background()` of one menu prompt per language, then `WaitExten()`; a key (DTMFEnd on
`;2`, see `SimulatedPbx.send_dtmf`) ends the menu at once, as in recording 020. Key N
chooses the N-th language, no key (`t`) the default languages, a key outside the menu
(`i`) repeats the menu once and then counts as `t`. The choice is announced with
`UserEvent(CallHoursLanguage, ...)`; a hang-up during the menu is left to the caller's
announcement flow, which sees `hangup_requested`.
"""

from __future__ import annotations

from callcenter.simulator.call import Call, wait_first
from callcenter.simulator.runtime import Runtime

MENU_CONTEXT = "callhours-langmenu"


async def language_menu(rt: Runtime, call: Call) -> str | None:
    """The chosen language, or None for the default languages (no key, twice invalid,
    or the caller hung up)."""
    model = rt.model
    two = call.two
    two.context, two.exten, two.priority = MENU_CONTEXT, "s", 2
    for _attempt in range(2):
        two.exten, two.app = "s", "BackGround"
        ends = (
            rt.clock.time()
            + len(model.menu_languages) * model.menu_prompt_seconds
            + model.menu_timeout
        )
        hit = await wait_first(rt.clock, ends, call.hangup_requested, call.digit_arrived)
        if hit == 0:
            return None
        digit = call.take_digit() if hit == 1 else None
        if digit is None:
            return _chosen(rt, call, "t", "default")
        index = int(digit) - 1 if digit.isdigit() else -1
        if 0 <= index < len(model.menu_languages):
            return _chosen(rt, call, digit, model.menu_languages[index])
        two.exten = "i"
    return _chosen(rt, call, "t", "default")


def _chosen(rt: Runtime, call: Call, exten: str, language: str) -> str | None:
    two = call.two
    two.exten, two.priority, two.app = exten, 1, "UserEvent"
    rt.bus.user_event(
        two,
        "CallHoursLanguage",
        [("Team", call.team), ("MenuLanguage", language), ("CallUniqueid", two.uniqueid)],
    )
    two.priority, two.app = 2, "Playback"
    return None if language == "default" else language


OFFER_CONTEXT = "callhours-callback-offer"
READ_TIMEOUT = 5.0
_WITHHELD = ("", "anonymous", "<unknown>")


async def callback_offer(rt: Runtime, call: Call, dialled: str) -> bool:
    """`[callhours-callback-offer]` after the announcement; True if the caller hung up
    during it. The VarSets follow 021: READSTATUS=ERROR first, then the digit (empty on
    hang-up) and READSTATUS OK / HANGUP (TIMEOUT without a key, in the same shape)."""
    model = rt.model
    two = call.two
    if not model.callback_key or call.one.cid_num in _WITHHELD:
        return False
    two.context, two.exten, two.priority, two.app = OFFER_CONTEXT, "s", 2, "Read"
    rt.bus.var_set(two, "READSTATUS", "ERROR")
    ends = rt.clock.time() + model.callback_offer_seconds + READ_TIMEOUT
    hit = await wait_first(rt.clock, ends, call.hangup_requested, call.digit_arrived)
    if hit == 0:
        rt.bus.var_set(two, "CBDIGIT", "")
        rt.bus.var_set(two, "READSTATUS", "HANGUP")
        return True
    digit = call.take_digit() if hit == 1 else None
    rt.bus.var_set(two, "CBDIGIT", digit or "")
    rt.bus.var_set(two, "READSTATUS", "OK" if digit else "TIMEOUT")
    if digit != model.callback_key:
        return False
    two.priority, two.app = 4, "UserEvent"
    rt.bus.user_event(
        two,
        "CallbackRequested",
        [
            ("Number", call.one.cid_num),
            ("Dialled", dialled),
            ("Team", call.team),
            ("CallUniqueid", two.uniqueid),
        ],
    )
    two.priority, two.app = 5, "Playback"
    ends = rt.clock.time() + model.callback_confirm_seconds
    return await wait_first(rt.clock, ends, call.hangup_requested) == 0
