"""Erlang C and Erlang A (M/M/n and M/M/n+M) from the standard formulas.

Erlang C: calls arrive at random (Poisson, `calls_per_hour`), each takes an exponential
handling time with mean `handling_seconds`, `agents` answer, nobody hangs up. With the
offered traffic A = λ·h (Erlangs) and n > A agents:

    B(0) = 1,  B(k) = A·B(k−1) / (k + A·B(k−1))          (Erlang B, the stable recursion)
    C(n, A) = n·B(n) / (n − A·(1 − B(n)))                 (probability of waiting)
    SL(t)   = 1 − C(n, A) · exp(−(n − A) · t / h)         (answered within t seconds)
    ASA     = C(n, A) · h / (n − A)                       (mean wait over all calls)

Erlang A adds patience: a waiting caller hangs up after an exponential time with mean
`patience_seconds` (rate θ). The number of calls in the system is a birth–death chain
(birth λ, death min(k, n)·μ + max(k − n, 0)·θ) whose stationary distribution π is
computed directly. A caller arriving to k ≥ n calls has j = k − n callers ahead; in each
position i (i ahead) the next event is an advance (rate n·μ + i·θ; service when i = 0)
or the caller's own hang-up (θ). So

    P(answered within t | j ahead) = Π_{i=0..j} (n·μ + i·θ)/(n·μ + (i+1)·θ)
                                     · P(E_0 + … + E_j ≤ t),  E_i ~ Exp(n·μ + (i+1)·θ),

the second factor by uniformisation. SL(t) = Σ_{k<n} π_k + Σ_{k≥n} π_k·P(… | k − n ahead)
counts calls answered within t among all offered calls (those hanging up count against).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The stationary distribution is cut where the rest weighs less than this.
TAIL = 1e-14
MAX_AGENTS = 10_000


def _check(calls_per_hour: float, handling_seconds: float, threshold_seconds: float) -> None:
    if calls_per_hour < 0 or handling_seconds <= 0 or threshold_seconds < 0:
        raise ValueError(
            "calls_per_hour must be >= 0, handling_seconds > 0 and threshold_seconds >= 0; "
            f"got {calls_per_hour}, {handling_seconds}, {threshold_seconds}"
        )


def traffic(calls_per_hour: float, handling_seconds: float) -> float:
    """Offered traffic in Erlangs."""
    return calls_per_hour * handling_seconds / 3600.0


def erlang_b(agents: int, erlangs: float) -> float:
    """Blocking probability of `agents` lines offered `erlangs` (no queue)."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = erlangs * blocking / (k + erlangs * blocking)
    return blocking


def erlang_c(agents: int, erlangs: float) -> float:
    """Probability that a call has to wait; 1.0 when the agents cannot keep up (n ≤ A)."""
    if agents <= erlangs:
        return 1.0
    if erlangs == 0:
        return 0.0
    blocking = erlang_b(agents, erlangs)
    return agents * blocking / (agents - erlangs * (1.0 - blocking))


def service_level_c(
    agents: int, calls_per_hour: float, handling_seconds: float, threshold_seconds: float
) -> float:
    """Share of calls answered within the threshold (Erlang C)."""
    _check(calls_per_hour, handling_seconds, threshold_seconds)
    a = traffic(calls_per_hour, handling_seconds)
    if agents <= a:
        return 0.0
    return 1.0 - erlang_c(agents, a) * math.exp(
        -(agents - a) * threshold_seconds / handling_seconds
    )


def average_speed_of_answer_c(agents: int, calls_per_hour: float, handling_seconds: float) -> float:
    """Mean wait in seconds over all calls (Erlang C); inf when n ≤ A."""
    a = traffic(calls_per_hour, handling_seconds)
    if agents <= a:
        return math.inf
    return erlang_c(agents, a) * handling_seconds / (agents - a)


def agents_c(
    calls_per_hour: float, handling_seconds: float, threshold_seconds: float, target: float
) -> int:
    """The fewest agents reaching the target service level (Erlang C); at least 1."""
    _check(calls_per_hour, handling_seconds, threshold_seconds)
    agents = max(1, math.floor(traffic(calls_per_hour, handling_seconds)) + 1)
    while service_level_c(agents, calls_per_hour, handling_seconds, threshold_seconds) < target:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS} agents needed: {calls_per_hour} calls/h")
    return agents


@dataclass(frozen=True)
class ErlangA:
    """Stationary figures of the M/M/n+M queue."""

    waiting_probability: float
    abandonment_probability: float
    service_level: float
    average_speed_of_answer: float  # seconds, over all offered calls
    occupancy: float


def _stationary(agents: int, lam: float, mu: float, theta: float) -> np.ndarray:
    terms = [1.0]
    total = 1.0
    k = 0
    while True:
        k += 1
        death = min(k, agents) * mu + max(k - agents, 0) * theta
        term = terms[-1] * lam / death
        terms.append(term)
        total += term
        if k > agents and term < TAIL * total:
            break
        if term > 1e250:  # rescale: heavy traffic with many agents
            terms = [t / 1e250 for t in terms]
            total /= 1e250
    probabilities = np.array(terms, dtype=np.float64)
    normalised: np.ndarray = probabilities / probabilities.sum()
    return normalised


# Memo of _answered_within for one team's staffing (see `WithinMemo`).
WithinKey = tuple[int, float, float, int, float]


class WithinMemo(dict[WithinKey, np.ndarray]):
    """Answers of `_answered_within` kept for one search. The answer does not depend on the
    arrival rate: a team's open hours search through the same few agent counts and queue
    lengths with one handling time and patience, and a state's staffing asked the same
    question twice out of three (15,500 times, 6,000 distinct). The caller makes one per
    team and drops it after, so nothing outlives a computation."""


def _answered_within(
    agents: int, mu: float, theta: float, ahead: int, t: float, memo: WithinMemo | None
) -> np.ndarray:
    """P(answered within t | j ahead) for j = 0..ahead (see the module docstring); read-only,
    as the same array answers every later call with these arguments."""
    key = (agents, mu, theta, ahead, t)
    if memo is not None and (kept := memo.get(key)) is not None:
        return kept
    within = _answered_within_computed(agents, mu, theta, ahead, t)
    within.flags.writeable = False
    if memo is not None:
        memo[key] = within
    return within


def _answered_within_computed(
    agents: int, mu: float, theta: float, ahead: int, t: float
) -> np.ndarray:
    j = np.arange(ahead + 1)
    advance = agents * mu + j * theta
    rates = advance + theta  # leaving position j by advancing or hanging up
    survive = np.cumprod(advance / rates)  # never hanging up on the way from j to service
    if t <= 0:
        return np.zeros(ahead + 1)
    # P(E_0 + … + E_j <= t): a pure-death chain through positions j..0, uniformised at
    # rate L; `done[j]` after m steps is P(reached service within m jumps | start j).
    top = float(rates.max())
    mean = top * t
    steps = int(mean + 12.0 * math.sqrt(mean) + 30)
    stay = 1.0 - rates / top
    move = rates / top
    log_weight = -mean  # log Poisson(0; mean)
    log_mean = math.log(mean)
    cdf = np.zeros(ahead + 1)
    # The same products and sums step by step as with fresh arrays, written into these:
    # a state's staffing runs this loop millions of times, and allocating the arrays took
    # longer than their arithmetic. `chain[0]` is "served", which position 0 moves into.
    chain = np.zeros(ahead + 2)
    chain[0] = 1.0
    shifted, done = chain[:-1], chain[1:]
    moved = np.empty(ahead + 1)
    for m in range(1, steps + 1):
        np.multiply(move, shifted, out=moved)
        done *= stay
        done += moved
        log_weight += log_mean - math.log(m)
        np.multiply(done, math.exp(log_weight), out=moved)
        cdf += moved
    # cdf = Σ_m Poisson(m) · P(done within m jumps) = P(done by t).
    return survive * np.minimum(cdf, 1.0)


def erlang_a(
    agents: int,
    calls_per_hour: float,
    handling_seconds: float,
    patience_seconds: float,
    threshold_seconds: float,
    memo: WithinMemo | None = None,
) -> ErlangA:
    """Erlang A figures for `agents` answering, callers with mean patience; `memo` keeps
    answers for the next call of the same search."""
    _check(calls_per_hour, handling_seconds, threshold_seconds)
    if agents < 1 or patience_seconds <= 0:
        raise ValueError(f"agents must be >= 1 and patience > 0; got {agents}, {patience_seconds}")
    lam = calls_per_hour / 3600.0
    mu = 1.0 / handling_seconds
    theta = 1.0 / patience_seconds
    if lam == 0:
        return ErlangA(0.0, 0.0, 1.0, 0.0, 0.0)
    pi = _stationary(agents, lam, mu, theta)
    waiting = pi[agents:]
    queue_length = float(np.dot(np.arange(len(waiting)), waiting))
    abandonment = theta * queue_length / lam
    within = _answered_within(agents, mu, theta, len(waiting) - 1, threshold_seconds, memo)
    return ErlangA(
        waiting_probability=float(waiting.sum()),
        abandonment_probability=abandonment,
        service_level=float(pi[:agents].sum() + np.dot(waiting, within)),
        average_speed_of_answer=queue_length / lam,
        occupancy=lam * (1 - abandonment) / (agents * mu),
    )


def agents_a(
    calls_per_hour: float,
    handling_seconds: float,
    patience_seconds: float,
    threshold_seconds: float,
    target: float,
    memo: WithinMemo | None = None,
) -> int:
    """The fewest agents reaching the target service level (Erlang A); at least 1."""
    # n agents answer at most n/handling calls per second, so the service level (answered
    # within the threshold ÷ offered) stays below n·handling-rate ÷ arrival-rate: fewer
    # agents than target × offered load can never reach the target. Searching from there
    # skips the hopeless small teams (each try is a full stationary solution).
    load = calls_per_hour / 3600.0 * handling_seconds
    agents = max(1, math.ceil(target * load) - 1)
    while (
        erlang_a(
            agents, calls_per_hour, handling_seconds, patience_seconds, threshold_seconds, memo
        ).service_level
        < target
    ):
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS} agents needed: {calls_per_hour} calls/h")
    return agents
