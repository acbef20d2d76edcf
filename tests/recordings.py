"""Where the real Asterisk 22 recordings live inside the repository (see their PROVENANCE.md)."""

from pathlib import Path

ASTERISK22 = Path(__file__).resolve().parent / "fixtures" / "asterisk22"

# Recordings whose calls need features that are not built yet, with the issue that builds
# them. Tests that replay "every recording" through the simulator or the tracker cover a
# recording or name it here; nothing is skipped silently. The AMI parser reads all of them.
# The tracker covers every recording (020-025: tests/integration/tracker/test_tracker_callers.py).
AWAITING: dict[str, str] = {}
# Issue 20's recordings the simulator does not replay in full yet, with why. 020-023 are
# replayed with their own dialplan (SIMULATOR_OWN_TEST); the generated menu, callback offer
# and staff-first Originate are also checked against the layouts of 020-022 in
# test_sim_language_menu.py and test_sim_callback_originate.py.
SIMULATOR_CALLERS_AWAITING: dict[str, str] = {
    # The head caller's announcements ("you are next", "thank you", the periodic one) at
    # join and between 15 s ring rounds delay its AgentCalled (3.10 s after join, 7.3 s
    # instead of retry=1 s between rounds). 023's head caller, in a queue that differs only
    # in its 60 s ring timeout, heard none: without a rule that explains both, the head
    # caller's announcements are not modelled (the waiting callers' are, see 023).
    "023b_queue_announcements_15s_rounds": "issue 20: announcements delaying the ring rounds",
}
# Recordings the simulator follows in a test of their own rather than the generic replay of
# 001-016 (their own dialplan or queues, no calls at all, or checks of their own), with
# that test.
SIMULATOR_OWN_TEST: dict[str, str] = {
    # Their own test dialplan (extensions_traces3.conf) run by the simulator's script runner.
    "017_three_views_cdr_base": "integration/simulator/test_sim_conformance_v3.py",
    "020_dtmf_language_menu": "integration/simulator/test_sim_conformance_v3.py",
    "021_read_callback_request": "integration/simulator/test_sim_conformance_v3.py",
    # Staff first into [t3-callback-dest] and customer first into [t3-customer].
    "022_callback_originate": "integration/simulator/test_sim_conformance_v3.py",
    "022b_callback_noanswer_long_agent": "integration/simulator/test_sim_conformance_v3.py",
    # Announcements have no AMI event but MusicOnHoldStop/Start (not compared); the head
    # caller, rung for 60 s, hears none, so nothing observable moves (README-v3 surprise 8).
    "023_queue_announcements": "integration/simulator/test_sim_conformance_v3.py",
    "025_custom_device_state_blf": "integration/simulator/test_sim_devstate.py",
    "025b_custom_device_state_after_restart": "integration/simulator/test_sim_devstate.py",
    # Two connections to one simulator: the first dropped mid-call, the second 1.3 s later.
    "019_restart_midcall": "integration/simulator/test_sim_conformance_v3.py",
    "019b_restart_midcall_new_connection": "integration/simulator/test_sim_conformance_v3.py",
    # the overflow's own UserEvent besides everything the generic replay compares
    "024_queue_timeout_overflow": "integration/simulator/test_sim_overflow.py",
}
# Replayed through the tracker, the writer and the imports, but not yet by the simulator.
SIMULATOR_AWAITING: dict[str, str] = {
    **{n: why for n, why in SIMULATOR_CALLERS_AWAITING.items() if n not in SIMULATOR_OWN_TEST},
    # cdr.conf `unanswered = yes` (34 Cdr rows instead of 017's 21: AppDial2 rows of `;1`,
    # FAILED member rows, a `Hangup` segment row, README-v3 surprise 4) is not modelled;
    # everything else of 018 conforms (test_sim_conformance_v3.py).
    "018_three_views_cdr_newcols_unanswered": "issue 15: Cdr rows of cdr.conf unanswered=yes",
}
