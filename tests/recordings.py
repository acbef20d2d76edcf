"""Where the real Asterisk 22 recordings live inside the repository (see their PROVENANCE.md)."""

from pathlib import Path

ASTERISK22 = Path(__file__).resolve().parent / "fixtures" / "asterisk22"

# Recordings whose calls need features that are not built yet, with the issue that builds
# them. Tests that replay "every recording" through the simulator or the tracker cover a
# recording or name it here; nothing is skipped silently. The AMI parser reads all of them.
# The tracker covers every recording (020-025: tests/integration/tracker/test_tracker_callers.py).
AWAITING: dict[str, str] = {}
# Issue 20's recordings, until the simulator models their dialplans.
SIMULATOR_CALLERS_AWAITING: dict[str, str] = {
    "020_dtmf_language_menu": "issue 20: language menu by key",
    "021_read_callback_request": "issue 20: callback request",
    "022_callback_originate": "issue 20: callback worklist (Originate)",
    "022b_callback_noanswer_long_agent": "issue 20: callback worklist (Originate)",
    "023_queue_announcements": "issue 20: position and wait in the queue",
    "023b_queue_announcements_15s_rounds": "issue 20: position and wait in the queue",
    "024_queue_timeout_overflow": "issue 20: overflow on queue timeout",
    "025_custom_device_state_blf": "issue 20: BLF lamps",
    "025b_custom_device_state_after_restart": "issue 20: BLF lamps",
}
# Replayed through the tracker, the writer and the imports, but not yet by the simulator,
# which does not model their dialplan (extensions_traces3.conf: 061511109, agents-slow,
# t3-restart, the long early-media announcement; README-v3).
SIMULATOR_AWAITING: dict[str, str] = {
    **AWAITING,
    **SIMULATOR_CALLERS_AWAITING,
    "017_three_views_cdr_base": "issue 15: simulator conformance (traces3 dialplan)",
    "018_three_views_cdr_newcols_unanswered": "issue 15: simulator conformance (traces3 dialplan)",
    "019_restart_midcall": "issue 15: simulator conformance (traces3 dialplan)",
    "019b_restart_midcall_new_connection": "issue 15: simulator conformance (traces3 dialplan)",
}
