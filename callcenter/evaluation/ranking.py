"""Which team goes next, with the uncertainty of the answer.

The rollout table once ranked teams by a point estimate (ranks 1 and 2 differed by 0.17
points; resampling weeks put the top team first 44 % of the time). Here each team gets:

* **callers, not calls:** a caller whose call falls outside the new windows is not lost:
  a share `redial` of them gets through later, as the pilot measured it (announcement
  callers answered within the horizon). The score is the expected share of *callers not
  reached*: share outside after the switch × (1 − redial).
* **the pilot's effect as a relative change:** the share outside after = today's share ×
  (1 + relative change of the pilot's share outside, DiD ÷ the pilot's level before), so a
  team with few calls outside is not pushed below 0 by a constant.
* **out-of-sample windows:** windows are chosen on the earlier half of the weeks and scored
  on the later half (tuning and scoring on the same weeks flatters suggested windows).
* **week resampling:** the scoring weeks are drawn with replacement (the same weeks for all
  teams, so common shocks stay common), the pilot's effect and the redial share are drawn
  from their intervals; the 2.5 % and 97.5 % points of each team's score are its interval,
  and the share of draws in which a team scores best is its probability of being first.
* **ties:** a team shares the rank of the first team of its group ("gleichauf") when the
  95 % interval of the difference of their scores, over the same resamples, contains 0.
  The difference is what decides an order: the pilot's effect and the redial share move
  all teams together, so the teams' own intervals overlap even when one is ahead in
  nearly every resample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from callcenter.evaluation.model import EvaluationSettings, RolloutCandidate
from callcenter.evaluation.quantiles import linear_quantile, linear_quantiles
from callcenter.evaluation.windows import Grid, suggest

Floats = NDArray[np.float64]
REPLICATES_MIN = 2000  # interval ends steady to about 0.1 point (400 moved them by 1)
MARGIN = 0.05  # suggested windows replace the pilot's when 5 points fewer calls fall outside
Z95 = 1.959963984540054


@dataclass(frozen=True)
class RelativeEffect:
    """The pilot's relative change of the share outside: value and standard error."""

    value: float
    se: float


@dataclass(frozen=True)
class Redial:
    """Share of announcement callers who got through later, and how many callers it is of."""

    share: float
    callers: int

    @property
    def se(self) -> float:
        return float(np.sqrt(self.share * (1 - self.share) / self.callers)) if self.callers else 0.0


@dataclass(frozen=True)
class TeamWeeks:
    team: str
    weeks: Floats  # (weeks, 7, 24): calls per weekday-hour of each calendar week


@dataclass(frozen=True)
class Score:
    team: str
    source: str  # "pilot" or "suggested"
    coverage: Grid
    share_outside: float  # on the scoring weeks, as callers call today
    share_after: float  # with the pilot's relative effect
    unreached: float  # share of callers not reached: share_after × (1 − redial)
    low: float
    high: float
    p_first: float
    out_of_sample: bool
    rank: int = 0
    tied: bool = False


def _share(weeks: Floats, coverage: Floats) -> Floats:
    """Share outside per row of summed weeks (..., 7, 24) against a coverage grid."""
    total = weeks.sum(axis=(-2, -1))
    inside = (weeks * coverage).sum(axis=(-2, -1))
    share: Floats = np.where(total > 0, 1.0 - inside / np.where(total > 0, total, 1.0), 0.0)
    return share


def _resampled_share(drawn: Floats, weeks: Floats, coverage: Floats) -> Floats:
    """One team's share outside in each replicate (replicates,), from how often each
    replicate draws each week (replicates, weeks) and the team's weeks (weeks, 7, 24).
    Team by team: all teams' replicates at once, (teams, replicates, 7, 24), took about
    240 MB for a state's 90 teams, and as much again for the share's products."""
    return _share(np.einsum("rw,wij->rij", drawn, weeks), coverage)


def _split(weeks: int) -> int:
    """Index of the first scoring week: the later half, when there are at least 4 weeks."""
    return weeks // 2 if weeks >= 4 else 0


def choose_windows(
    team: TeamWeeks,
    pilot_coverage: Grid | None,
    hours_per_week: int,
    settings: EvaluationSettings,
) -> tuple[str, Grid, bool]:
    """(source, coverage, out of sample) with the windows tuned on the earlier weeks."""
    split = _split(len(team.weeks))
    tuning = team.weeks[:split] if split else team.weeks
    grid = tuple(tuple(float(x) for x in row) for row in tuning.sum(axis=0))
    suggested = suggest(team.team, grid, hours_per_week, settings)
    cov = np.zeros((7, 24))
    for w in suggested.windows:
        cov[w.weekday, w.start_hour : w.end_hour] = 1.0
    suggested_cov: Grid = tuple(tuple(float(x) for x in row) for row in cov)
    if pilot_coverage is None:
        return "suggested", suggested_cov, split > 0
    tuned = tuning.sum(axis=0)
    pilot_share = float(_share(tuned, np.array(pilot_coverage)))
    own_share = float(_share(tuned, cov))
    if own_share <= pilot_share - MARGIN:
        return "suggested", suggested_cov, split > 0
    return "pilot", pilot_coverage, split > 0


def score_teams(
    teams: Sequence[TeamWeeks],
    pilot_coverage: Grid | None,
    hours_per_week: int | Mapping[str, int],
    effect: RelativeEffect | None,
    redial: Redial | None,
    settings: EvaluationSettings,
) -> tuple[Score, ...]:
    """Every team's expected share of callers not reached, its interval and P(first).
    `hours_per_week`: the size of the suggested windows, one for all or per team."""
    if not teams:
        return ()
    chosen = [
        choose_windows(
            t,
            pilot_coverage,
            hours_per_week if isinstance(hours_per_week, int) else hours_per_week[t.team],
            settings,
        )
        for t in teams
    ]
    weeks = min(len(t.weeks) for t in teams)
    split = _split(weeks)
    scoring = np.stack([t.weeks[-(weeks - split) :] if weeks else t.weeks for t in teams])
    coverage = np.stack([np.array(c[1]) for c in chosen])[:, None]  # (teams, 1, 7, 24)
    replicates = max(settings.bootstrap_samples, REPLICATES_MIN)
    rng = np.random.default_rng(settings.bootstrap_seed)
    count = scoring.shape[1]
    picks = (
        rng.integers(0, count, size=(replicates, count))
        if count
        else np.zeros((replicates, 0), dtype=int)
    )
    rel = effect.value if effect else 0.0
    rel_draws = rng.normal(rel, effect.se, replicates) if effect else np.zeros(replicates)
    back = redial.share if redial else 0.0
    back_draws = (
        np.clip(rng.normal(back, redial.se, replicates), 0.0, 1.0)
        if redial
        else np.zeros(replicates)
    )

    def unreached(share: Floats, r: Floats | float, b: Floats | float) -> Floats:
        after: Floats = np.clip(share * (1.0 + r), 0.0, 1.0) * (1.0 - b)
        return after

    point_share = _share(scoring.sum(axis=1), coverage[:, 0])  # (teams,)
    point = unreached(point_share, rel, back)
    # How often each replicate draws each week, then one product: indexing scoring with
    # picks would first build (teams, replicates, weeks, 7, 24), over 100 MB for four
    # teams. The weeks hold whole call counts, so the sums are exact either way.
    drawn = np.zeros((replicates, count))
    np.add.at(drawn, (np.arange(replicates)[:, None], picks), 1.0)
    draws = np.stack(
        [
            unreached(_resampled_share(drawn, weeks, cov), rel_draws, back_draws)
            for weeks, cov in zip(scoring, coverage[:, 0], strict=True)
        ]
    )  # (teams, replicates)
    low, high = linear_quantiles(draws, (0.025, 0.975))
    best = np.argmin(draws, axis=0)
    p_first = np.bincount(best, minlength=len(teams)) / replicates
    order = sorted(range(len(teams)), key=lambda i: (float(point[i]), teams[i].team))
    ranks = dict(zip(order, tied_ranks(draws[order]), strict=True))
    return tuple(
        Score(
            team=t.team,
            source=c[0],
            coverage=c[1],
            share_outside=float(point_share[i]),
            share_after=float(np.clip(point_share[i] * (1 + rel), 0.0, 1.0)),
            unreached=float(point[i]),
            low=float(low[i]),
            high=float(high[i]),
            p_first=float(p_first[i]),
            out_of_sample=c[2],
            rank=ranks[i][0],
            tied=ranks[i][1],
        )
        for i, (t, c) in enumerate(zip(teams, chosen, strict=True))
    )


def tied_ranks(draws: Floats) -> list[tuple[int, bool]]:
    """(rank, tied) for teams ordered best first, from their resampled scores (teams,
    replicates): a team shares the rank of the first team of its group when the 95 %
    interval of the paired difference to it contains 0."""
    ranks: list[tuple[int, bool]] = []
    leader = 0
    for i in range(len(draws)):
        if i > 0 and linear_quantile(draws[i] - draws[leader], 0.025) <= 0.0:
            ranks.append((leader + 1, True))
            ranks[leader] = (leader + 1, True)
        else:
            leader = i
            ranks.append((i + 1, False))
    return ranks


def _pct(x: float) -> str:
    return f"{round(x * 100):d} %"


def ranked_candidates(
    rows: Sequence[RolloutCandidate], scores: Sequence[Score]
) -> tuple[RolloutCandidate, ...]:
    """The candidate rows ordered by expected callers not reached, with intervals, P(first)
    and shared ranks for overlapping intervals."""
    by_team = {s.team: s for s in scores}
    ordered = sorted(rows, key=lambda r: (by_team[r.team].rank, by_team[r.team].unreached, r.team))
    result = []
    for row in ordered:
        s = by_team[row.team]
        position, tied = s.rank, s.tied
        if position == 1 and not tied:
            prefix_de, prefix_en = "Am besten vorbereitet: ", "Best prepared: "
        elif tied:
            prefix_de, prefix_en = f"Gleichauf auf Rang {position}: ", f"Tied at rank {position}: "
        else:
            prefix_de = prefix_en = ""
        detail_de = (
            f" Nicht erreichte Anrufende erwartet {_pct(s.unreached)} (95-%-Intervall "
            f"{_pct(s.low)} bis {_pct(s.high)}); vorn in {_pct(s.p_first)} der Stichproben."
        )
        detail_en = (
            f" Callers not reached expected {_pct(s.unreached)} (95 % interval {_pct(s.low)} "
            f"to {_pct(s.high)}); first in {_pct(s.p_first)} of the resamples."
        )
        result.append(
            replace(
                row,
                rank=position,
                reason_de=prefix_de + row.reason_de + detail_de,
                reason_en=prefix_en + row.reason_en + detail_en,
                unreached_share=s.unreached,
                unreached_low=s.low,
                unreached_high=s.high,
                p_first=s.p_first,
                tied=tied,
            )
        )
    return tuple(result)
