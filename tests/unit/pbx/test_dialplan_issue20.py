"""The include's issue-20 parts: language menu (020), overflow (024), BLF hints (025), the
callback context (022) — shape, lint, and that the dialplan reader loads them."""

from __future__ import annotations

import pytest
from dialplan_support import (
    NOW,
    context_lines,
    example_office,
    example_settings,
    generate,
    lint,
    office,
    team,
)

from callcenter.pbx.dialplan import DialplanError, generate_dialplan
from callcenter.pbx.dialplan_eval import read_contexts
from callcenter.pbx.dialplan_settings import options_from_settings

SWITCHBOARD = {"switchboard_queue": "zentrale", "switchboard_numbers": ("0999",)}


def _two_teams() -> object:
    return office([team(), team(id="t2", queue="q2", team_lines=("0200",), direct_lines=())])


def test_menu_offers_each_language_by_key_in_the_configured_order() -> None:
    text = generate(office(), menu_languages=("tr", "de", "en"))
    menu = read_contexts(text)["callhours-langmenu"]
    assert [step.app for step in menu["s"]] == ["Set", "Background", "WaitExten"]
    assert menu["s"][1].data == "callhours/menu-tr&callhours/menu-de&callhours/menu-en,n"
    assert menu["s"][2].data == "4"
    for key, lang in (("1", "tr"), ("2", "de"), ("3", "en")):
        event, play, hangup = menu[key]
        assert event.data == (
            f"CallHoursLanguage,Team: ${{CALLHOURS_TEAM}},MenuLanguage: {lang},"
            "CallUniqueid: ${UNIQUEID}"
        )
        announcement = f"callhours/${{CALLHOURS_TEAM}}/closed-${{CALLHOURS_REASON}}-{lang}"
        assert play.data == f"{announcement},noanswer"
        assert (hangup.app, hangup.data) == ("Hangup", "16")
    # No key: the short forms, German then English (the [prompts] languages), so the
    # no-key caller is done within 45 s (`closed-<reason>-short-<lang>`: the tracker's
    # resync still reads team and reason off the name); a wrong key: menu again, once.
    assert "MenuLanguage: default" in menu["t"][0].data
    default = "callhours/${CALLHOURS_TEAM}/closed-${CALLHOURS_REASON}-short"
    assert menu["t"][1].data == f"{default}-de&{default}-en,noanswer"
    assert menu["i"][1].data == "$[0${CALLHOURS_MENU_TRIES} > 1]?t,1:s,menu"
    assert lint(text) == []


def test_closed_route_jumps_to_the_menu_with_team_and_reason() -> None:
    route = context_lines(generate(office(), menu_languages=("de", "en")), "callhours-route")
    assert " same => n,Set(CALLHOURS_TEAM=${team})" in route
    assert " same => n,Set(CALLHOURS_REASON=${reason})" in route
    assert " same => n,Goto(callhours-langmenu,s,1)" in route
    assert not any("Playback(" in line for line in route)


def test_answered_variant_answers_and_plays_without_noanswer() -> None:
    text = generate(office(), menu_languages=("de", "en"), early_media=False)
    assert " same => n,Answer()" in context_lines(text, "callhours-route")
    menu = "\n".join(context_lines(text, "callhours-langmenu"))
    assert "noanswer" not in menu
    assert "Background(callhours/menu-de&callhours/menu-en)" in menu
    assert lint(text) == []


def test_without_menu_there_is_no_menu_context() -> None:
    text = generate(office())
    assert "[callhours-langmenu]" not in text
    assert "Playback(callhours/${team}/closed-${reason}-de&" in text


def test_more_than_nine_menu_languages_are_refused() -> None:
    with pytest.raises(DialplanError, match="at most 9"):
        generate(office(), menu_languages=tuple(f"l{n}" for n in range(10)))


def test_overflow_to_the_switchboard_is_recording_024s_extension() -> None:
    text = generate(office(), team_overflow=(("t1", "zentrale"),), **SWITCHBOARD)
    steps = read_contexts(text)["callhours-inbound"]["0100"]
    assert [(s.label, s.app, s.data) for s in steps[2:]] == [
        ("", "Queue", "q1,t,,,30"),
        ("", "GotoIf", '$["${QUEUESTATUS}" = "TIMEOUT"]?overflow'),
        ("", "Hangup", ""),
        (
            "overflow",
            "UserEvent",
            "QueueOverflow,From: q1,To: zentrale,QueueStatus: ${QUEUESTATUS}",
        ),
        ("", "Queue", "zentrale,t,,,60"),
        ("", "Hangup", ""),
    ]
    assert lint(text) == []


def test_overflow_to_another_team_uses_its_queue_and_timeout() -> None:
    text = generate(
        _two_teams(),  # type: ignore[arg-type]
        team_overflow=(("t1", "team:t2"),),
        team_queue_timeout=(("t1", 20), ("t2", 45)),
    )
    steps = read_contexts(text)["callhours-inbound"]["0100"]
    assert steps[2].data == "q1,t,,,20"
    assert steps[5].data == "QueueOverflow,From: q1,To: team:t2,QueueStatus: ${QUEUESTATUS}"
    assert steps[6].data == "q2,t,,,45"
    assert [s.app for s in read_contexts(text)["callhours-inbound"]["0200"]][-1] == "Hangup"
    assert lint(text) == []


@pytest.mark.parametrize("overflow", ["team:nobody", "team:t1", "callback"])
def test_overflow_the_include_cannot_do_is_refused(overflow: str) -> None:
    # `callback` without a callback key: there is no key to offer.
    with pytest.raises(DialplanError, match="overflow"):
        generate(_two_teams(), team_overflow=(("t1", overflow),))  # type: ignore[arg-type]


def test_overflow_to_a_callback_offers_it_after_the_timeout() -> None:
    text = generate(office(), team_overflow=(("t1", "callback"),), callback_key="1")
    contexts = read_contexts(text)
    steps = contexts["callhours-inbound"]["0100"]
    assert [(s.label, s.app, s.data) for s in steps[2:]] == [
        ("", "Queue", "q1,t,,,30"),
        ("", "GotoIf", '$["${QUEUESTATUS}" = "TIMEOUT"]?overflow'),
        ("", "Hangup", ""),
        (
            "overflow",
            "UserEvent",
            "QueueOverflow,From: q1,To: callback,QueueStatus: ${QUEUESTATUS}",
        ),
        ("", "Set", "CALLHOURS_DIALLED=${EXTEN}"),
        ("", "Gosub", "callhours-callback-offer,s,1(t1,de)"),
        ("", "Hangup", "16"),
    ]
    # The offer context comes without the language menu, with 021's Read().
    assert "callhours-langmenu" not in contexts
    offer = contexts["callhours-callback-offer"]["s"]
    assert [s.app for s in offer] == ["GotoIf", "Read", "GotoIf", "UserEvent", "Playback", "Return"]
    assert lint(text) == []


def test_overflow_to_the_announcement_plays_the_team_prompts_answered() -> None:
    text = generate(office(), team_overflow=(("t1", "announcement"),), languages=("de", "en"))
    steps = read_contexts(text)["callhours-inbound"]["0100"]
    assert steps[5].data == "QueueOverflow,From: q1,To: announcement,QueueStatus: ${QUEUESTATUS}"
    assert [(s.app, s.data) for s in steps[6:]] == [
        ("Playback", "callhours/t1/closed-hours-de&callhours/t1/closed-hours-en"),
        ("Hangup", "16"),
    ]
    assert "[callhours-callback-offer]" not in text
    assert lint(text) == []


def test_settings_give_the_callback_key_to_an_overflow_without_the_menu() -> None:
    settings = example_settings()
    first, *rest = settings.teams
    overflowing = settings.model_copy(
        update={"teams": (first.model_copy(update={"overflow": "callback"}), *rest)}
    )
    assert options_from_settings(settings).callback_key == ""
    assert options_from_settings(overflowing).callback_key == settings.callers.callback_key


def test_hints_one_per_team_and_the_reader_skips_them() -> None:
    text = generate(_two_teams())  # type: ignore[arg-type]
    assert context_lines(text, "callhours-hints")[1:3] == [
        "exten => team-t1,hint,Custom:callhours-t1",
        "exten => team-t2,hint,Custom:callhours-t2",
    ]
    assert read_contexts(text)["callhours-hints"] == {}
    assert lint(text) == []


def test_callback_context_dials_the_customer_through_the_outbound_context() -> None:
    text = generate(office(), outbound_context="pstn-out")
    steps = read_contexts(text)["callhours-callback"]["_X."]
    assert [(s.app, s.data) for s in steps] == [
        ("Dial", "Local/${EXTEN}@pstn-out,30"),
        ("Hangup", ""),
    ]


def test_the_callback_context_is_the_one_the_originate_names() -> None:
    # One key in [callbacks] for both sides: the include's context and the Originate's
    # `Context:` (pbx/originate.py reads settings.callbacks.callback_context) agree.
    base = example_settings()
    callbacks = base.callbacks.model_copy(
        update={"callback_context": "rueckruf-aus", "outbound_context": "pstn-out"}
    )
    settings = base.model_copy(update={"callbacks": callbacks})
    text = generate_dialplan(example_office(), options_from_settings(settings), NOW)
    contexts = read_contexts(text)
    assert "callhours-callback" not in contexts
    steps = contexts[settings.callbacks.callback_context]["_X."]
    assert (steps[0].app, steps[0].data) == ("Dial", "Local/${EXTEN}@pstn-out,30")
    assert lint(text) == []


def test_settings_switch_the_menu_on_with_callers_menu() -> None:
    settings = example_settings()
    assert options_from_settings(settings).menu_languages == ()
    on = settings.model_copy(update={"callers": settings.callers.model_copy(update={"menu": True})})
    assert options_from_settings(on).menu_languages == settings.callers.languages


def test_callback_offer_follows_recording_021_and_skips_withheld_numbers() -> None:
    text = generate(office(), menu_languages=("de", "en"), callback_key="1")
    contexts = read_contexts(text)
    offer = contexts["callhours-callback-offer"]["s"]
    assert [s.app for s in offer] == ["GotoIf", "Read", "GotoIf", "UserEvent", "Playback", "Return"]
    assert '"${CALLERID(num)}" = ""' in offer[0].data
    assert offer[1].data == "CBDIGIT,callhours/callback-offer-${ARG2},1,n,1,5"
    assert offer[2].data == '$["${CBDIGIT}" != "1"]?done'
    assert offer[3].data == (
        "CallbackRequested,Number: ${CALLERID(num)},Dialled: ${CALLHOURS_DIALLED},"
        "Team: ${ARG1},CallUniqueid: ${UNIQUEID}"
    )
    menu = contexts["callhours-langmenu"]
    assert menu["2"][2].data == "callhours-callback-offer,s,1(${CALLHOURS_TEAM},en)"
    assert " same => n,Set(CALLHOURS_DIALLED=${ARG3})" in context_lines(text, "callhours-route")
    assert lint(text) == []
    answered = generate(office(), menu_languages=("de",), callback_key="#", early_media=False)
    assert "Read(CBDIGIT,callhours/callback-offer-${ARG2},1,,1,5)" in answered
    assert "[callhours-callback-offer]" not in generate(office(), menu_languages=("de",))
