"""A hand-written dialplan run on simulated calls: the recordings' own test numbers.

Recordings 020 and 021 (README-v3) dialled numbers of a test include
(`extensions_traces3.conf`) and drove the caller's phone with a second script
(`Originate ... Context: t3-caller, Exten: press2`). `PbxModel.script_contexts` holds such
contexts as `dialplan_eval.read_contexts` reads them and `script_inbound` the ones
`[from-pstn]` includes; this module runs them step by step, with the timing and the
events of each application as the recordings show them:

* `Answer()`: Newstate Up on `;2`, then `;1`, the Originate's DialEnd ANSWER and its
  OriginateResponse (Context/Exten form when the caller runs a script); the next
  application runs 0.5 s later (ANSWER_DELAY); the caller's script starts;
* `Background()` + `WaitExten()`: a key ends the prompt (BACKGROUNDSTATUS=SUCCESS, as at
  its end) and goes to the key's extension, else to `i` (VarSet INVALID_EXTEN); no key
  within WaitExten's seconds goes to `t` (020). One-digit extensions only;
* `Playback()`: PLAYBACKSTATUS=SUCCESS at its end; keys pressed meanwhile are dropped;
* `Read(var,prompt,digits,,attempts,timeout)`: READSTATUS=ERROR first, then the digit and
  READSTATUS=OK, or on a hang-up the empty variable and READSTATUS=HANGUP after the
  caller's legs are gone (021, README-v3 surprise 10);
* `UserEvent()`, `Goto()`, `GotoIf($[...]?a:b)`, `Set()`, `NoOp()`, `Hangup(cause)`;
  the end of an extension hangs up like `Hangup()`;
* `Queue()` and `Dial()` hand the call to the simulator's queue and Dial flows (the rest
  of the call is theirs: the test dialplans only hang up after them), and
  `Gosub(callhours-route,...)` to the generated route (UserEvent CallHours; closed: the
  announcement);
* on the caller's `;1`: `Wait()`, `SendDTMF()` (100 ms pause before each digit, then
  DTMFBegin and, 100 ms later, DTMFEnd on `;2` only, whatever duration was asked),
  `Hangup()`.

Prompt lengths come from `PbxModel.sound_seconds`. No CEL, Newexten or LocalBridge is
sent (the contract compares none of them).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from typing import Protocol

from callcenter.domain.number_plan import pattern_regex
from callcenter.pbx.dialplan_eval import Step
from callcenter.pbx.dialplan_expr import is_true, substitute
from callcenter.simulator.call import Call, wait_first
from callcenter.simulator.channels import UP, Channel
from callcenter.simulator.model import ANSWER_DELAY, PbxModel
from callcenter.simulator.queue import failed_originate
from callcenter.simulator.routing import FROM_PSTN
from callcenter.simulator.runtime import Runtime
from callcenter.simulator.teardown import unanswered_hangup

logger = logging.getLogger(__name__)

# ast_dtmf_stream(): `between` defaults to 100 ms and comes before every digit.
DTMF_BETWEEN = 0.1
# What Local channels report as DurationMs whatever SendDTMF asked for (020).
DTMF_REPORTED = 0.1

Contexts = dict[str, dict[str, list[Step]]]

# Every step of a scripted call looks its extension up again: compile each pattern once.
_pattern = functools.cache(pattern_regex)


class Host(Protocol):
    """The simulator's own flows a hand-written dialplan hands a call to."""

    async def script_route(self, call: Call, team: str, kind: str, number: str) -> bool: ...

    async def script_queue(self, call: Call, name: str) -> None: ...

    async def script_dial(self, call: Call, target: str, timeout: float) -> None: ...


def find_extension(contexts: Contexts, context: str, exten: str) -> list[Step] | None:
    """The steps of `exten` in `context`: an exact extension first, then a pattern."""
    extensions = contexts.get(context, {})
    if exten in extensions:
        return extensions[exten]
    for name, steps in extensions.items():
        # Only a name starting with `_` is a pattern (`NX` without it is just a name).
        if name.startswith("_") and _pattern(name).fullmatch(exten):
            return steps
    return None


def find_steps(model: PbxModel, context: str, exten: str) -> list[Step] | None:
    """`exten` in `context`, or in a context `context` includes (`[from-pstn]` includes
    `script_inbound`)."""
    contexts = model.script_contexts
    found = find_extension(contexts, context, exten)
    if found is None and context == FROM_PSTN:
        for included in model.script_inbound:
            found = find_extension(contexts, included, exten)
            if found is not None:
                break
    return found


class _CallerGone(Exception):
    """The caller's side hung up while `;2` waited."""


class _Jump(Exception):
    """Control moved to another extension/priority (already set on `;2`)."""


class ScriptedCall:
    """Runs the scripted dialplan on one call's `;2` and the caller's script on its `;1`."""

    def __init__(self, rt: Runtime, call: Call, host: Host) -> None:
        self.rt = rt
        self.call = call
        self.host = host
        self.vars: dict[str, str] = {}
        self.caller_task: asyncio.Task[None] | None = None
        self.caller_hung_up = False  # the caller's script ran Hangup() or ended
        self.caller_cause = 16
        # Read() sets its variable (empty) and READSTATUS=HANGUP once the caller is gone.
        self.on_gone: list[tuple[str, str]] = []
        self.cursor = rt.clock.time()  # simulated time the current step began

    # -- helpers ------------------------------------------------------------------------

    @property
    def contexts(self) -> Contexts:
        return self.rt.model.script_contexts

    def _lookup(self, name: str) -> str:
        two = self.call.two
        special = {
            "CALLERID(num)": two.cid_num,
            "CALLERID(name)": two.cid_name,
            "EXTEN": two.exten,
            "CONTEXT": two.context,
            "UNIQUEID": two.uniqueid,
            "CHANNEL": two.name,
        }
        if name in special:
            return special[name]
        return self.vars.get(name, "")

    def _sub(self, text: str) -> str:
        return substitute(text, self._lookup)

    def _sound(self, files: str) -> float:
        return self.rt.model.sound_length(files.split(",", 1)[0].split("&"))

    async def _wait(self, seconds: float, *, keys: bool = False) -> str | None:
        """Sleep `seconds` of simulated time; with `keys`, a key ends it (the key)."""
        call, clock = self.call, self.rt.clock
        events = [call.hangup_requested] + ([call.digit_arrived] if keys else [])
        if keys and call.digits:
            self.cursor = clock.time()
            return call.take_digit()
        # From where the previous step should have ended, so that a late event loop does
        # not add its delays up from step to step (they are multiplied by the speed-up).
        until = max(self.cursor, clock.time() - seconds) + seconds
        hit = await wait_first(clock, until, *events)
        self.cursor = until if hit == -1 else clock.time()
        if hit == 0:
            raise _CallerGone
        if hit == 1:
            return call.take_digit()
        return None

    def _goto(self, context: str, exten: str, priority: int = 1) -> None:
        two = self.call.two
        two.context, two.exten, two.priority = context, exten, priority
        raise _Jump

    def _label(self, target: str) -> None:
        """`label`, `exten,label|prio` or `context,exten,label|prio` of Goto/GotoIf."""
        two = self.call.two
        parts = [p.strip() for p in target.split(",")]
        context, exten = two.context, two.exten
        if len(parts) == 3:
            context, exten, where = parts
        elif len(parts) == 2:
            exten, where = parts
        else:
            (where,) = parts
        if where.isdigit():
            self._goto(context, exten, int(where))
        steps = self._steps(context, exten) or []
        for index, step in enumerate(steps):
            if step.label == where:
                self._goto(context, exten, index + 1)
        raise ValueError(f"no label {where!r} in {exten}@{context}")

    # -- the call -----------------------------------------------------------------------

    def _steps(self, context: str, exten: str) -> list[Step] | None:
        return find_steps(self.rt.model, context, exten)

    async def run(self, exten: str, steps: list[Step] | None) -> None:
        """`exten` of `[from-pstn]`, whose `steps` the caller has looked up (`find_steps`)."""
        call = self.call
        two = call.two
        two.context, two.exten, two.priority = FROM_PSTN, exten, 1
        where = (two.context, two.exten)
        try:
            while True:
                if (two.context, two.exten) != where:  # Goto, a key, back from a Gosub
                    where = (two.context, two.exten)
                    steps = self._steps(*where)
                if steps is None or two.priority > len(steps):
                    # Falling off the end: Asterisk hangs the channel up (cause 16).
                    two.app, two.app_data = "Hangup", ""
                    self._dialplan_hangup()
                    return
                step = steps[two.priority - 1]
                two.app, two.app_data = step.app, self._sub(step.data)
                try:
                    done = await self._step(step.app, two.app_data)
                except _Jump:
                    continue
                if done:
                    return
                two.priority += 1
        except _CallerGone:
            self._caller_gone()
        finally:
            if self.caller_task is not None:
                self.caller_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.caller_task

    async def _step(self, app: str, data: str) -> bool:
        """Run one application; True when the call is over."""
        handler = getattr(self, f"_app_{app.lower()}", None)
        if handler is None:
            logger.warning("simulated dialplan: %s(%s) not modelled; skipped", app, data)
            return False
        result: bool = await handler(data)
        return result

    async def _app_noop(self, _data: str) -> bool:
        return False

    async def _app_progress(self, _data: str) -> bool:
        # Early media: no channel state change on the Local pair (019 shows none).
        return False

    async def _app_set(self, data: str) -> bool:
        name, _, value = data.partition("=")
        if "(" not in name:  # functions (TIMEOUT(digit)) set no channel variable
            self.vars[name] = value
            self.rt.bus.var_set(self.call.two, name, value)
        return False

    async def _app_goto(self, data: str) -> bool:
        self._label(data)
        return False

    async def _app_gotoif(self, data: str) -> bool:
        condition, _, targets = data.partition("?")
        when_true, _, when_false = targets.partition(":")
        target = when_true if is_true(condition) else when_false
        if target:
            self._label(target)
        return False

    async def _app_answer(self, _data: str) -> bool:
        rt, call = self.rt, self.call
        one, two = call.one, call.two
        if two.state != UP:
            now = rt.clock.time()
            two.answered = one.answered = now
            rt.bus.newstate(two, UP)
            rt.bus.newstate(one, UP)
            rt.bus.dial_end(None, one, "ANSWER")
            self._originate_answered()
            self.caller_task = asyncio.get_running_loop().create_task(
                self._caller(), name=f"sim-caller-{one.uniqueid}"
            )
        await self._wait(ANSWER_DELAY)
        return False

    def _originate_answered(self) -> None:
        call, bus = self.call, self.rt.bus
        one = call.one
        if call.caller_script is not None:
            context, exten = call.caller_script
            bus.originate_exten_response(
                call.action_id, 4, one.name, context, exten, one.uniqueid,
                one.cid_num, one.cid_name,
            )  # fmt: skip
            return
        bus.originate_response(
            call.action_id, True, one.name, call.application, call.data, one.uniqueid,
            one.cid_num, one.cid_name,
        )  # fmt: skip

    async def _app_playback(self, data: str) -> bool:
        await self._wait(self._sound(data))
        self.call.digits.clear()
        self.call.digit_arrived.clear()
        self.rt.bus.var_set(self.call.two, "PLAYBACKSTATUS", "SUCCESS")
        return False

    async def _app_background(self, data: str) -> bool:
        key = await self._wait(self._sound(data), keys=True)
        self.rt.bus.var_set(self.call.two, "BACKGROUNDSTATUS", "SUCCESS")
        if key is not None:
            self._key(key)
        return False

    async def _app_waitexten(self, data: str) -> bool:
        seconds = float(data.split(",", 1)[0] or "10")
        key = await self._wait(seconds, keys=True)
        two = self.call.two
        if key is None:
            self._goto(two.context, "t")
        else:
            self._key(key)
        return False

    def _key(self, key: str) -> None:
        two = self.call.two
        if self._steps(two.context, key) is not None:
            self._goto(two.context, key)
        self.rt.bus.var_set(two, "INVALID_EXTEN", key)
        self._goto(two.context, "i")

    async def _app_read(self, data: str) -> bool:
        args = [*data.split(","), "", "", "", "", "", ""]
        variable, prompt, timeout = args[0], args[1], float(args[5] or "0") or 5.0
        bus, two = self.rt.bus, self.call.two
        bus.var_set(two, "READSTATUS", "ERROR")
        self.on_gone = [(variable, ""), ("READSTATUS", "HANGUP")]
        key = await self._wait(self._sound(prompt), keys=True) if prompt else None
        if key is None:
            key = await self._wait(timeout, keys=True)
        self.on_gone = []
        self.vars[variable] = key or ""
        bus.var_set(two, variable, key or "")
        # SYNTHESISED for no key (021 recorded OK and HANGUP only): app_read's TIMEOUT.
        bus.var_set(two, "READSTATUS", "OK" if key else "TIMEOUT")
        return False

    async def _app_userevent(self, data: str) -> bool:
        name, *rest = data.split(",")
        fields = []
        for item in rest:
            key, _, value = item.partition(":")
            fields.append((key.strip(), value.strip()))
        self.rt.bus.user_event(self.call.two, name, fields)
        return False

    async def _app_hangup(self, _data: str) -> bool:
        self._dialplan_hangup()
        return True

    async def _app_queue(self, data: str) -> bool:
        await self.host.script_queue(self.call, data.split(",", 1)[0])
        return True

    async def _app_dial(self, data: str) -> bool:
        target, _, rest = data.partition(",")
        timeout = float(rest.split(",", 1)[0] or "0") or self.rt.model.dial_timeout
        await self.host.script_dial(self.call, target, timeout)
        return True

    async def _app_gosub(self, data: str) -> bool:
        """Only the generated `Gosub(callhours-route,s,1(team,kind,number))`."""
        target, _, args = data.partition("(")
        if not target.startswith("callhours-route,"):
            logger.warning("simulated dialplan: Gosub(%s) not modelled; skipped", data)
            return False
        team, kind, number = [*args.rstrip(")").split(","), "", ""][:3]
        priority = self.call.two.priority
        ended = await self.host.script_route(self.call, team, kind, number)
        self.call.two.priority = priority  # Return() comes back after the Gosub
        return ended

    # -- the caller's phone (;1) ----------------------------------------------------------

    async def _caller(self) -> None:
        """The caller's script after answer; its end (Hangup() or the last step) hangs up."""
        call, clock, bus = self.call, self.rt.clock, self.rt.bus
        one = call.one
        if call.caller_script is not None:
            context, exten = call.caller_script
            steps = find_extension(self.contexts, context, exten) or []
            one.context, one.exten = context, exten
        else:
            steps = [Step("", call.application, call.data)]
        at = clock.time()  # absolute steps: no drift from one sleep to the next
        for index, step in enumerate(steps):
            one.priority, one.app, one.app_data = index + 1, step.app, step.data
            app = step.app.lower()
            if app == "wait":
                at += float(step.data or "0")
                await clock.sleep_until(at)
            elif app == "senddtmf":
                digits, _, duration = step.data.partition(",")
                for digit in digits:
                    at += DTMF_BETWEEN
                    await clock.sleep_until(at)
                    bus.dtmf_begin(call.two, digit)
                    at += DTMF_REPORTED
                    await clock.sleep_until(at)
                    bus.dtmf_end(call.two, digit)
                    call.digits.append(digit)
                    call.digit_arrived.set()
                    at += max(0.0, int(duration or "250") / 1000 - DTMF_REPORTED)
                    await clock.sleep_until(at)
            elif app == "hangup":
                one.app_data = ""
                break
        self.caller_hung_up = True
        # SYNTHESISED for an Originate Application that just ends (README-v3 surprise 11:
        # a caller's Wait(N) ending hangs up with cause 0); Hangup() is cause 16 (021).
        self.caller_cause = 16 if call.caller_script is not None else 0
        call.request_hangup(self.caller_cause)

    # -- endings ------------------------------------------------------------------------

    def _cdr(self, channel: Channel) -> None:
        """The channel's row, where its dialplan is now."""
        self.rt.emit_cdr(
            channel, channel.exten, channel.context, (channel.app, channel.app_data),
            channel.created, channel.answered,
        )  # fmt: skip

    def _forget(self) -> None:
        self.rt.ids.forget(self.call.one)
        self.rt.ids.forget(self.call.two)

    def _dialplan_hangup(self) -> None:
        """020/021: `Hangup(16)` on the answered `;2` while the caller's script still runs."""
        bus, call = self.rt.bus, self.call
        one, two = call.one, call.two
        if two.state != UP:
            unanswered_hangup(self.rt, call)
            return
        bus.soft_hangup_request(two, 16)
        bus.hangup_request(one, 16)
        bus.hangup(two, 16)
        self._cdr(two)
        bus.soft_hangup_request(one, 16)
        bus.hangup(one, 16)
        self._cdr(one)
        self._forget()

    def _caller_gone(self) -> None:
        """021 (hangup1): the caller's `;1` hung up while `;2` ran an application."""
        bus, call = self.rt.bus, self.call
        one, two = call.one, call.two
        cause = call.hangup_cause
        if two.state != UP:
            # SYNTHESISED (no recording): as the announcement's caller who hangs up early.
            bus.dial_end(None, one, "NOANSWER")
            bus.hangup_request(two, cause)
            bus.hangup(one, cause)
            failed_originate(self.rt, call)
            bus.soft_hangup_request(two, 16)
            bus.hangup(two, 16)
            self._forget()
            return
        self._cdr(one)
        if self.caller_hung_up:
            bus.soft_hangup_request(one, 16)
        bus.hangup_request(two, cause)
        bus.hangup(one, cause)
        self._cdr(two)
        for variable, value in self.on_gone:
            bus.var_set(two, variable, value)
        bus.soft_hangup_request(two, 16)
        bus.hangup(two, 16)
        self._forget()
