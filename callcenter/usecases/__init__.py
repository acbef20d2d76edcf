"""Use cases: every change and query the CLI, the web pages and the API offer, once.

Each command takes an actor and a unit of work (callcenter.usecases.ports.UnitOfWork: the
repositories of one transaction), checks permissions, validates, writes, audits with
before/after and returns domain objects. Entry points call only these; repositories only
persist. One module per area: schedule (hours, closures, openings, pilots, holidays),
accounts (users, tokens), tally (sheets, walk-ins), prompts (recordings), audit.
"""
