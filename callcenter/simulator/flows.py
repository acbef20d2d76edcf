"""The recorded dialplan, run per call: `[from-pstn]`, `[callhours-route]`, Dial, transfers.

Event orders follow the trace named in each docstring; where no recording exists the
order is marked SYNTHESISED and built from the nearest recorded case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from callcenter.simulator.call import Call, DialAttempt, Outcome, wait_first
from callcenter.simulator.channels import RINGING, UP, LocalPair
from callcenter.simulator.file_fallback import DialplanFileFallback
from callcenter.simulator.menu import callback_offer, language_menu
from callcenter.simulator.model import ANSWER_DELAY, DEFAULT_PROMPT_SECONDS, expand_dial
from callcenter.simulator.queue import (
    QueueExit,
    Queues,
    emit_attempt_cdrs,
    failed_originate,
    run_hooks,
)
from callcenter.simulator.routing import FROM_PSTN, Decision, LineKind, decide
from callcenter.simulator.runtime import Runtime
from callcenter.simulator.script import ScriptedCall, find_steps
from callcenter.simulator.teardown import (
    Deferred,
    agent_cdr,
    agent_hangs_up,
    answered_caller_gone,
    answered_hangup,
    caller_hangs_up,
    unanswered_hangup,
)

logger = logging.getLogger(__name__)


class Dialplan:
    def __init__(self, rt: Runtime, queues: Queues) -> None:
        self.rt = rt
        self.queues = queues

    # -- entry ------------------------------------------------------------------------------

    def start(self, call: Call, caller_num: str, caller_name: str) -> None:
        """001 0.00: Newchannel ;1 (Down), ;2 (Ring), then the Originate's DialBegin."""
        bus = self.rt.bus
        bus.newchannel(call.one)
        bus.newchannel(call.two)
        call.one.set_caller(caller_num, caller_name)
        call.two.set_caller(caller_num, caller_name)
        call.one.app, call.one.app_data = "AppDial2", "(Outgoing Line)"
        bus.dial_begin(None, call.one, f"{call.number}@{FROM_PSTN}")

    async def run(self, call: Call) -> None:
        deferred: list[Deferred] = []
        await self.extension(call, call.number, deferred)

    async def extension(self, call: Call, number: str, deferred: list[Deferred]) -> None:
        """Run `[from-pstn]` for `number` on the caller's `;2`."""
        rt = self.rt
        two = call.two
        two.context, two.exten, two.priority = FROM_PSTN, number, 1
        line = rt.plan.lookup(number)
        steps = find_steps(rt.model, FROM_PSTN, number) if line is None else None
        if steps is not None:
            await ScriptedCall(rt, call, self).run(number, steps)
            return
        if line is None:
            # SYNTHESISED: no such extension; Asterisk hangs the channel up.
            call.first_outcome(Outcome.UNROUTABLE)
            if two.state == UP:
                answered_hangup(rt, call, deferred)
            else:
                unanswered_hangup(rt, call)
            return
        if line.kind is LineKind.SWITCHBOARD:
            await self.switchboard(call, deferred)
            return
        decision = self.decide(line.team)
        await self.routed(call, line.team, line.kind, number, decision, deferred, [], [])

    def decide(self, team: str) -> Decision:
        rt = self.rt
        now_epoch, now = rt.clock.time(), rt.clock.now()
        if isinstance(rt.fallback, DialplanFileFallback):
            # Asterisk runs the `[callhours-route]` of the file it loaded.
            decision = rt.fallback.decide(rt.db, team, now_epoch, now)
            if decision is not None:
                return decision
        model = rt.model
        return decide(
            rt.db,
            team,
            now_epoch,
            model.stale_after,
            rt.fallback,
            now,
            valid_until=model.honours_valid_until,
        )

    async def routed(
        self,
        call: Call,
        team: str,
        kind: LineKind,
        number: str,
        decision: Decision,
        deferred: list[Deferred],
        before_agent: list[Deferred],
        after_agent: list[Deferred],
    ) -> None:
        """`Gosub(callhours-route,...)` and what follows it for a team or direct line."""
        rt = self.rt
        two = call.two
        self._call_hours(call, team, kind, number, decision)
        if not decision.is_open:
            run_hooks(before_agent)
            run_hooks(after_agent)
            two.priority = 10
            two.app = "Playback"
            await self.announcement(call, decision.reason, deferred)
            return
        two.context, two.exten, two.priority = FROM_PSTN, number, 3
        if kind is LineKind.TEAM:
            if isinstance(rt.fallback, DialplanFileFallback):
                # `Gosub(callhours-wait,...)` of the loaded file: it reads AstDB like Asterisk.
                # Early media before Queue(): no recording shows an AMI event for it, so none
                # is sent; the sentence's few seconds are not modelled.
                said = rt.fallback.wait_announcement(rt.db, number, rt.clock.time())
                if said is not None:
                    rt.wait_announcements.append((team, said))
            queue = rt.model.team_queue.get(team, team)
            await self.queue(call, queue, deferred, before_agent, after_agent)
        else:
            run_hooks(before_agent)
            run_hooks(after_agent)
            await self.direct(call, team, number, deferred)

    def _call_hours(
        self, call: Call, team: str, kind: LineKind, number: str, decision: Decision
    ) -> None:
        two = call.two
        call.team, call.line_kind = team, kind.value
        # Priority 7 of the generated [callhours-route] (the recorded one had it at 6,
        # before it set `reason`, which the UserEvent now carries).
        two.context, two.exten, two.priority = "callhours-route", "s", 7
        self.rt.bus.call_hours(two, team, kind.value, number, decision.state, decision.source)

    # -- what a hand-written dialplan (simulator/script.py) hands over -------------------------

    async def script_route(self, call: Call, team: str, kind: str, number: str) -> bool:
        """`Gosub(callhours-route,s,1(team,kind,number))`: True when the call ended there
        (closed: the announcement), False to go on after the Gosub (open)."""
        line_kind = LineKind.TEAM if kind == "team" else LineKind.DIRECT
        decision = self.decide(team)
        self._call_hours(call, team, line_kind, number, decision)
        if not decision.is_open:
            call.two.priority, call.two.app = 10, "Playback"
            await self.announcement(call, decision.reason, [])
            return True
        call.two.context, call.two.exten = FROM_PSTN, number
        return False

    async def script_queue(self, call: Call, name: str) -> None:
        await self.queue(call, name, [], [], [])

    async def script_dial(self, call: Call, target: str, timeout: float) -> None:
        await self.direct(call, call.team, call.two.exten, [], target=target, timeout=timeout)

    # -- closed: the announcement ------------------------------------------------------------

    async def announcement(self, call: Call, reason: str, deferred: list[Deferred]) -> None:
        """004 (heard to the end), 005 (hung up early), 013 (caller already answered)."""
        rt = self.rt
        prompts = rt.model.prompts(reason)
        if rt.model.menu_languages:
            chosen = await language_menu(rt, call)
            languages = rt.model.languages if chosen is None else (chosen,)
            if chosen is not None:
                prompts = [rt.model.prompt_seconds.get((reason, chosen), DEFAULT_PROMPT_SECONDS)]
            else:  # `t`: the summaries of the default languages
                prompts = [rt.model.summary_seconds for _ in rt.model.languages]
            # The menu's Playback of the generated include, as CoreShowChannels shows it:
            # the file names say which announcement (team, reason, language) is playing.
            short = "short-" if chosen is None else ""  # `t` plays the short forms
            call.two.app_data = "&".join(
                f"callhours/{call.team}/closed-{reason}-{short}{lang}" for lang in languages
            )
        ends = rt.clock.time() + sum(prompts)
        hit = await wait_first(rt.clock, ends, call.hangup_requested)
        if hit != 0 and rt.model.menu_languages and await callback_offer(rt, call, call.number):
            hit = 0
        self._after_prompt(call, hit == 0, deferred)

    def _after_prompt(self, call: Call, caller_gone: bool, deferred: list[Deferred]) -> None:
        """The end of a call that only heard prompts: the caller hung up during them, or
        the dialplan's Hangup() after them."""
        rt, bus = self.rt, self.rt.bus
        up = call.two.state == UP
        if caller_gone:
            call.first_outcome(Outcome.ANNOUNCEMENT_HUNGUP)
            if up:
                answered_caller_gone(rt, call, call.hangup_cause, deferred)
                return
            bus.dial_end(None, call.one, "NOANSWER")
            bus.hangup_request(call.two, call.hangup_cause)
            bus.hangup(call.one, call.hangup_cause)
            failed_originate(rt, call)
            bus.soft_hangup_request(call.two, 16)
            bus.hangup(call.two, 16)
            rt.ids.forget(call.one)
            rt.ids.forget(call.two)
            return
        call.first_outcome(Outcome.ANNOUNCEMENT)
        call.two.priority = 11
        if up:
            answered_hangup(rt, call, deferred)
        else:
            unanswered_hangup(rt, call)

    async def overflow_prompt(self, call: Call, to: str, deferred: list[Deferred]) -> None:
        """After `UserEvent(QueueOverflow, To: announcement | callback)`: the team's
        closed-hours announcement in the prompt languages, or the callback offer in the
        first one (the include's `callback_overflow_steps` / `announcement_overflow_steps`)."""
        rt, two = self.rt, call.two
        if to == "announcement":
            two.app = "Playback"
            two.app_data = "&".join(
                f"callhours/{call.team}/closed-hours-{lang}" for lang in rt.model.languages
            )
            ends = rt.clock.time() + sum(rt.model.prompts("hours"))
            gone = await wait_first(rt.clock, ends, call.hangup_requested) == 0
        else:
            gone = await callback_offer(rt, call, call.number)
        self._after_prompt(call, gone, deferred)

    # -- open team line: the queue -----------------------------------------------------------

    async def queue(
        self,
        call: Call,
        name: str,
        deferred: list[Deferred],
        before_agent: list[Deferred],
        after_agent: list[Deferred],
    ) -> None:
        rt = self.rt
        if name not in self.queues.queues:
            run_hooks(before_agent)
            run_hooks(after_agent)
            logger.warning("simulated PBX has no queue %r; hanging up", name)
            call.first_outcome(Outcome.UNROUTABLE)
            if call.two.state == UP:
                answered_hangup(rt, call, deferred)
            else:
                unanswered_hangup(rt, call)
            return
        result = await self.queues.run(call, name, before_agent, after_agent)
        # Nobody was rung (abandoned or timed out first): the transfer events still happen.
        run_hooks(before_agent)
        run_hooks(after_agent)
        if result.exit is QueueExit.ABANDONED:
            return
        overflow = rt.model.overflow.get(call.team) if call.line_kind == "team" else None
        if result.exit is QueueExit.TIMEOUT and overflow is not None and name != overflow[1]:
            # 024: `UserEvent(QueueOverflow, ...)` right after QUEUESTATUS=TIMEOUT, then the
            # next Queue() on the same channels (one callid in both queues).
            to, target = overflow
            call.two.priority = 6
            rt.bus.user_event(
                call.two,
                "QueueOverflow",
                [("From", name), ("To", to), ("QueueStatus", "TIMEOUT")],
            )
            call.two.priority = 7
            if not target:
                await self.overflow_prompt(call, to, deferred)
                return
            await self.queue(call, target, deferred, [], [])
            return
        if result.exit is not QueueExit.CONNECTED or result.attempt is None:
            call.first_outcome(
                Outcome.TIMEOUT if result.exit is QueueExit.TIMEOUT else Outcome.QUEUE_EMPTY
            )
            call.two.priority = 4
            if call.two.state == UP:
                answered_hangup(rt, call, deferred)
            else:
                unanswered_hangup(rt, call)
            return
        is_switchboard = name == rt.model.switchboard_queue and call.line_kind == ""
        if not is_switchboard:
            call.first_outcome(Outcome.ANSWERED)
        await self.talk(call, name, result.attempt, result.joined, deferred, is_switchboard)

    async def talk(
        self,
        call: Call,
        queue: str,
        attempt: DialAttempt,
        joined: float,
        deferred: list[Deferred],
        transferable: bool,
    ) -> None:
        rt, bus = self.rt, self.rt.bus
        agent = attempt.pair
        call.agent = agent
        connected = rt.clock.time()
        hold = int(connected) - int(joined)
        phone = rt.model.phone(attempt.interface)
        talk = phone.talk(rt.rng)
        agent.two.priority = 4
        agent_end = connected + talk
        limit = call.talk_limit
        caller_end = (call.one.answered or connected) + limit if limit is not None else None
        until = min(agent_end, caller_end) if caller_end is not None else agent_end
        events = [call.hangup_requested] + ([call.transfer_requested] if transferable else [])
        hit = await wait_first(rt.clock, until, *events)

        def complete(reason: str, with_dest: bool = True) -> Deferred:
            def emit() -> None:
                talked = int(rt.clock.time()) - int(connected)
                bus.agent(
                    "AgentComplete",
                    call.two,
                    agent.one if with_dest else None,
                    queue,
                    attempt.interface,
                    attempt.member,
                    ("HoldTime", str(hold)),
                    ("TalkTime", str(talked)),
                    ("Reason", reason),
                )

            return emit

        rt.in_use[attempt.interface] -= 1
        if hit == 1 and call.transfer_target is not None:
            await self.transfer(call, queue, attempt, complete, deferred)
            return
        if transferable:
            call.first_outcome(Outcome.SWITCHBOARD_ONLY)
        if hit == 0 or (caller_end is not None and caller_end <= agent_end):
            cause = call.hangup_cause if hit == 0 else 0
            agent.two.priority = 4
            wait_arg = f"{max(0.0, talk - ANSWER_DELAY):g}"
            caller_hangs_up(rt, call, agent, complete("caller"), deferred, cause, wait_arg)
        else:
            agent.two.priority = 5
            agent_hangs_up(rt, call, agent, complete("agent"), deferred)

    # -- switchboard and transfers -----------------------------------------------------------

    async def switchboard(self, call: Call, deferred: list[Deferred]) -> None:
        """012 0.00: Answer() at once (OriginateResponse Success), Queue(zentrale) 0.5 s later."""
        rt, bus = self.rt, self.rt.bus
        two = call.two
        now = rt.clock.time()
        two.priority = 2
        two.answered = call.one.answered = now
        bus.newstate(two, UP)
        one = call.one
        bus.originate_response(
            call.action_id,
            True,
            one.name,
            call.application,
            call.data,
            one.uniqueid,
            one.cid_num,
            one.cid_name,
        )
        bus.newstate(one, UP)
        bus.dial_end(None, one, "ANSWER")
        hit = await wait_first(rt.clock, now + ANSWER_DELAY, call.hangup_requested)
        if hit == 0:
            call.first_outcome(Outcome.SWITCHBOARD_ONLY)
            answered_caller_gone(rt, call, call.hangup_cause, deferred)
            return
        await self.queue(call, rt.model.switchboard_queue, deferred, [], [])

    async def transfer(
        self,
        call: Call,
        queue: str,
        attempt: DialAttempt,
        complete: Callable[..., Deferred],
        deferred: list[Deferred],
    ) -> None:
        """012/013 (BlindTransfer of the operator's `;1`) and 016 (Redirect of the caller)."""
        rt, bus = self.rt, self.rt.bus
        assert call.transfer_target is not None
        context, exten, blind = call.transfer_target
        call.transfer_target = None
        call.transfer_requested.clear()
        call.transferred = True
        attempt.ended = rt.clock.time()
        operator = attempt.pair
        caller = call.two
        bridge = caller.bridge
        line = rt.plan.lookup(exten)
        decision = (
            self.decide(line.team) if line and line.kind is not LineKind.SWITCHBOARD else None
        )
        zentrale_done = complete("transfer", with_dest=False)
        dialled_before = caller.exten
        # The transfer rewrites the caller's extension before the bridge lets go (012).
        caller.exten, caller.priority = exten, 1

        def operator_gone() -> None:
            agent_cdr(rt, operator, "Wait", "30")
            bus.hangup(operator.one, 16)
            bus.soft_hangup_request(operator.two, 16)
            bus.hangup(operator.two, 16)
            rt.ids.forget(operator.one)
            rt.ids.forget(operator.two)

        def blind_event() -> None:
            bus.blind_transfer(operator.one, caller, bridge, context, exten)

        before: list[Deferred] = []
        after: list[Deferred] = []
        if not blind:
            # 016: Redirect pulls the caller out; the operator's leg ends at once and the
            # switchboard queue reports the call only when the caller hangs up (Reason=caller).
            bus.bridge_leave(bridge, 1, caller)
            bus.bridge_leave(bridge, 0, operator.one)
            bus.hangup_request(operator.two, 16)
            bus.hangup(operator.one, 16)
            bus.soft_hangup_request(operator.two, 16)
            bus.hangup(operator.two, 16)
            agent_cdr(rt, operator, "Wait", "30")
            rt.ids.forget(operator.one)
            rt.ids.forget(operator.two)
            deferred.append(complete("caller", with_dest=False))
        elif decision is not None and not decision.is_open:
            # 013: the transfer is reported before the closed decision.
            blind_event()
            bus.bridge_leave(bridge, 0, operator.one)
            agent_cdr(rt, operator, "Wait", "30")
            bus.hangup_request(operator.two, 16)
            bus.hangup(operator.one, 16)
            # 013 reports the switchboard's AgentComplete with the old extension still set.
            caller.exten = dialled_before
            zentrale_done()
            caller.exten = exten
            bus.soft_hangup_request(operator.two, 16)
            bus.bridge_leave(bridge, 0, caller)
            bus.hangup(operator.two, 16)
            rt.ids.forget(operator.one)
            rt.ids.forget(operator.two)
            call.leg_started = rt.clock.time()
            call.leg_exten = exten
        elif rt.model.transfer_reports_operator_first:
            # 017 c6: the operator's side first: BlindTransfer, the switchboard's
            # AgentComplete (Reason=transfer, the operator as Dest, the old extension), the
            # operator's legs, then the new routing.
            blind_event()
            caller.exten = dialled_before
            complete("transfer")()
            caller.exten = exten
            bus.bridge_leave(bridge, 1, operator.one)
            bus.hangup_request(operator.two, 16)
            agent_cdr(rt, operator, "Wait", "30")
            bus.soft_hangup_request(operator.two, 16)
            bus.hangup(operator.two, 16)
            bus.bridge_leave(bridge, 0, caller)
            bus.hangup(operator.one, 16)
            rt.ids.forget(operator.one)
            rt.ids.forget(operator.two)
        else:
            # 012: UserEvent and the new queue's join come before the BlindTransfer event and
            # the switchboard's AgentComplete (Reason=transfer), which follows the first
            # AgentCalled of the new queue.
            bus.bridge_leave(bridge, 1, caller)
            bus.bridge_leave(bridge, 0, operator.one)
            bus.hangup_request(operator.two, 16)
            before = [blind_event, operator_gone]
            after = [zentrale_done]
        caller.context, caller.exten, caller.priority = context, exten, 1
        if line is None or decision is None:
            run_hooks(before)
            run_hooks(after)
            await self.extension(call, exten, deferred)
            return
        await self.routed(call, line.team, line.kind, exten, decision, deferred, before, after)

    # -- open direct line: Dial() -----------------------------------------------------------

    async def direct(
        self,
        call: Call,
        team: str,
        number: str,
        deferred: list[Deferred],
        *,
        target: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """009: Dial(<member>,20) from the caller's `;2` (the team's dial string, or the
        `Dial()` of a hand-written dialplan: `target`, `timeout`)."""
        rt, bus = self.rt, self.rt.bus
        caller = call.two
        if target is None:
            template = rt.model.direct_dial.get(team, "Local/${EXTEN}@phones")
            target = expand_dial(template, number)
        if not target.startswith("Local/"):
            # The simulator has only Local channels: `PJSIP/0615120` rings `Local/0615120@phones`.
            target = f"Local/{target.partition('/')[2] or target}@phones"
        if timeout is None:
            timeout = rt.model.dial_timeout
        caller.app, caller.app_data = "Dial", f"{target},{timeout:g}"
        resource = target.removeprefix("Local/")
        exten, _, context = resource.partition("@")
        pair = rt.ids.local_pair(exten, context or "phones", call.linkedid)
        bus.newchannel(pair.one)
        bus.newchannel(pair.two)
        pair.one.set_caller(caller.cid_num, caller.cid_name)
        pair.two.set_caller(caller.cid_num, caller.cid_name)
        started = rt.clock.time()
        attempt = DialAttempt(pair, target, target, started, app="Dial", app_data=caller.app_data)
        attempt.cdr_start = caller.created if not call.attempts else started
        attempt.cdr_answer = max(started, caller.answered) if caller.answered else None
        call.attempts.append(attempt)
        rt.in_use[target] += 1
        bus.dial_begin(caller, pair.one, resource)
        pair.one.exten = number
        pair.two.priority = 2
        bus.newstate(pair.one, RINGING)
        if caller.state != UP:
            bus.newstate(call.one, RINGING)
        delay = rt.model.phone(target).answer_after(rt.rng)
        give_up = started + timeout
        answer_at = started + delay if delay is not None else None
        until = min(give_up, answer_at) if answer_at is not None else give_up
        hit = await wait_first(rt.clock, until, call.hangup_requested)
        if hit == 0 or answer_at is None or answer_at > give_up:
            rt.in_use[target] -= 1
            self._direct_unanswered(call, pair, attempt, caller_gone=hit == 0, deferred=deferred)
            return
        call.first_outcome(Outcome.DIRECT_ANSWERED)
        now = rt.clock.time()
        attempt.answered = now
        pair.two.answered = pair.one.answered = now
        pair.two.priority = 3
        up_before = caller.state == UP
        bus.newstate(pair.two, UP)
        if not up_before:
            call.one.answered = caller.answered = now
            attempt.cdr_answer = now
            one = call.one
            bus.originate_response(
                call.action_id,
                True,
                one.name,
                call.application,
                call.data,
                one.uniqueid,
                one.cid_num,
                one.cid_name,
            )
        bus.newstate(pair.one, UP)
        bus.dial_end(caller, pair.one, "ANSWER")
        if not up_before:
            bus.newstate(caller, UP)
            bus.newstate(call.one, UP)
            bus.dial_end(None, call.one, "ANSWER")
        bridge = rt.ids.bridge_id()
        pair.one.exten = ""  # 009: the member's ;1 shows an empty Exten once bridged
        bus.bridge_enter(bridge, 1, pair.one)
        bus.bridge_enter(bridge, 2, caller)
        talk = rt.model.phone(target).talk(rt.rng)
        agent_end = now + talk
        limit = call.talk_limit
        caller_end = (call.one.answered or now) + limit if limit is not None else None
        until = min(agent_end, caller_end) if caller_end is not None else agent_end
        hit = await wait_first(rt.clock, until, call.hangup_requested)
        rt.in_use[target] -= 1
        if hit == 0 or (caller_end is not None and caller_end <= agent_end):
            cause = call.hangup_cause if hit == 0 else 0
            wait_arg = f"{max(0.0, talk - ANSWER_DELAY):g}"
            caller_hangs_up(rt, call, pair, None, deferred, cause, wait_arg)
            return
        pair.two.priority = 5
        agent_hangs_up(rt, call, pair, None, deferred, direct=True)

    def _direct_unanswered(
        self,
        call: Call,
        pair: LocalPair,
        attempt: DialAttempt,
        *,
        caller_gone: bool,
        deferred: list[Deferred],
    ) -> None:
        """017: Dial() ends unanswered, at its timeout (c5: the member legs cause 0) or
        because the caller hung up (c7: cause 16)."""
        rt, bus = self.rt, self.rt.bus
        caller = call.two
        attempt.ended = rt.clock.time()
        call.first_outcome(Outcome.DIRECT_ABANDONED if caller_gone else Outcome.DIRECT_UNANSWERED)
        up = caller.state == UP
        if caller_gone and not up:
            bus.dial_end(None, call.one, "NOANSWER")
            bus.hangup_request(caller, call.hangup_cause)
        bus.dial_end(caller, pair.one, "CANCEL" if caller_gone else "NOANSWER")
        member_cause = 16 if caller_gone else 0
        bus.hangup_request(pair.two, member_cause)
        bus.hangup(pair.one, member_cause)
        bus.soft_hangup_request(pair.two, 16)
        bus.hangup(pair.two, member_cause)
        rt.ids.forget(pair.one)
        rt.ids.forget(pair.two)
        if caller_gone and up:
            answered_caller_gone(rt, call, call.hangup_cause, deferred)
        elif caller_gone:
            failed_originate(rt, call)
            bus.hangup(call.one, call.hangup_cause)
            bus.soft_hangup_request(caller, 16)
            emit_attempt_cdrs(rt, call)
            bus.hangup(caller, 16)
            rt.ids.forget(call.one)
            rt.ids.forget(caller)
        elif up:
            answered_hangup(rt, call, deferred)
        else:
            unanswered_hangup(rt, call)
