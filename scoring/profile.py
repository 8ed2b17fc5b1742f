"""A participant's competence profile: what a session measured, in plain words, in their language.

Pure (no pygame, no PDF): the results screen at the end of a session and the PDF report
(`game/report.py`) draw the same profile. It is made from what `scoring.measurement.measure` reports and
the framework's texts (labels, level groups, next steps):

- per area measured, the most likely level group and how sure we are of it ("Intermediate (levels 3 and
  4), 85 % sure"), the between-levels flag, the most likely of the 8 levels, and a **range of levels**;
- the strengths (the areas at the highest level group reached, and among them at the highest most likely
  level; when every area measured is alike, a sentence that says so), a next step per area, and the areas
  not measured.

The range is an 80 % credible interval expressed in levels: the narrowest run of consecutive levels whose
posterior probabilities (`proficiency_probabilities`, the posterior mass between the cut scores) add up to
at least 0.80, among the runs that hold the most likely level; of equally narrow runs, the one holding the
most probability (then the lower one). It is read from the posterior itself rather than from
theta ± 1.2816·SE: the posterior on the grid is skewed near the ends of the scale and after few scenarios,
where a normal interval would name levels the model gives little weight, and it is then consistent with the
group probability shown beside it ("85 % sure"), which is a sum of the same level probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.i18n import tr
from scoring.framework import Framework, LevelGroup

CREDIBLE = 0.80  # the share of the posterior the range of levels holds
_EPSILON = 1e-9  # level probabilities are rounded to 4 digits: 0.8 may add up to 0.79999...


@dataclass(frozen=True)
class LevelCell:
    """One of the 8 levels on an area's bar, as both renderers draw it."""

    number: int
    group: str
    band: int  # index of its level group (0 = foundation): bands alternate in tint
    starts_group: bool  # the first level of its group: a stronger separator before it
    in_range: bool  # within the likely range of levels
    most_likely: bool  # the most likely level


@dataclass(frozen=True)
class AreaProfile:
    id: str
    number: int
    label: str
    group: str  # the most likely level group (the reported level)
    group_label: str  # e.g. "Intermédiaire (niveaux 3 et 4)"
    probability: float  # of that group
    percent: int  # of that group, floored: never more sure than the figures say
    between_levels: bool  # no group reaches 0.70
    other_group_label: str | None  # when between levels: the other of the two most likely groups
    level: int  # the most likely of the levels
    low: int  # the likely range of levels (80 % credible), low..high
    high: int
    range_probability: float
    n_scenarios: int
    sentence: str  # the whole result in one sentence (what a reader speaks)
    level_text: str  # "Intermédiaire (niveaux 3 et 4) — sûr à 85 %"
    range_text: str  # "Niveaux probables : 3 à 5"
    next_step: str | None
    cells: tuple[LevelCell, ...]


@dataclass(frozen=True)
class GroupBand:
    id: str
    label: str  # short: "Intermédiaire"
    levels_label: str  # "Intermédiaire (niveaux 3 et 4)"
    levels: tuple[int, ...]
    description: str


@dataclass(frozen=True)
class Profile:
    locale: str
    framework: str  # id
    framework_title: str
    n_levels: int
    groups: tuple[GroupBand, ...]
    areas: tuple[AreaProfile, ...]  # measured, in framework order
    not_measured: tuple[str, ...]  # labels of the areas no scored scenario informed
    strengths: tuple[str, ...]  # ids of the areas at the highest level group reached
    strengths_text: str | None
    not_measured_text: str | None
    nothing_measured_text: str | None  # set when no area was measured at all
    legend: str

    @property
    def measured(self) -> bool:
        return bool(self.areas)

    def area(self, area_id: str) -> AreaProfile:
        return next(a for a in self.areas if a.id == area_id)


def likely_range(probabilities: list[float], most_likely: int | None = None,
                 credible: float = CREDIBLE) -> tuple[int, int, float]:
    """(low, high, mass), levels numbered from 1: the narrowest run of consecutive levels holding at least
    `credible` of the probability and the most likely level (default: the first with the highest
    probability); of equally narrow runs, the one with more probability, then the lower one."""
    n = len(probabilities)
    mode = most_likely - 1 if most_likely else max(range(n), key=lambda i: probabilities[i])
    for width in range(1, n + 1):
        runs = [(sum(probabilities[i:i + width]), i) for i in range(max(0, mode - width + 1), min(mode, n - width) + 1)]
        good = [(mass, i) for mass, i in runs if mass >= credible - _EPSILON]
        if good:
            mass, start = max(good, key=lambda r: (r[0], -r[1]))
            return start + 1, start + width, mass
    return 1, n, sum(probabilities)


def group_levels_label(group: LevelGroup, locale: str) -> str:
    """"Intermédiaire (niveaux 3 et 4)": the group's name and its levels."""
    first, last = group.levels[0], group.levels[-1]
    key = ("profile.group_level" if first == last else
           "profile.group_levels" if len(group.levels) == 2 else "profile.group_span")
    return tr(locale, key, group=group.label[locale], first=first, last=last)


def _join(labels: list[str]) -> str:
    return ", ".join(labels)


def _area(area, data: dict[str, Any], framework: Framework, locale: str) -> AreaProfile:
    groups = {g.id: g for g in framework.groups}
    order = [g.id for g in framework.groups]
    chances = data["level_probabilities"]
    ranked = sorted(order, key=lambda g: (-chances[g], order.index(g)))
    group = data["level"]
    label = area.label[locale]
    group_label = group_levels_label(groups[group], locale)
    percent = int(chances[group] * 100 + _EPSILON)
    fine = [float(data["proficiency_probabilities"][str(n)]) for n in range(1, len(framework.levels) + 1)]
    level = int(data["proficiency_level"])
    low, high, mass = likely_range(fine, level)
    range_text = (tr(locale, "profile.range_one", low=low) if low == high
                  else tr(locale, "profile.range", low=low, high=high))
    other_label = None
    if data["between_levels"]:
        other = next(g for g in ranked if g != group)
        first, second = sorted((group, other), key=order.index)  # lower group first
        other_label = group_levels_label(groups[other], locale)
        pair = dict(level=group_levels_label(groups[first], locale), other=group_levels_label(groups[second], locale))
        sentence = tr(locale, "profile.area_between", area=label, **pair)
        level_text = tr(locale, "profile.between", **pair)
    else:
        sentence = tr(locale, "profile.area", area=label, level=group_label, percent=percent)
        level_text = tr(locale, "profile.sure", level=group_label, percent=percent)
    sentence = f"{sentence} {range_text}."
    step = area.next_steps.get(group)
    cells = tuple(
        LevelCell(number=lv.number, group=lv.group, band=order.index(lv.group),
                  starts_group=lv.number == groups[lv.group].levels[0], in_range=low <= lv.number <= high,
                  most_likely=lv.number == level)
        for lv in framework.levels)
    return AreaProfile(
        id=area.id, number=area.number, label=label, group=group, group_label=group_label,
        probability=float(chances[group]), percent=percent, between_levels=bool(data["between_levels"]),
        other_group_label=other_label, level=level, low=low, high=high, range_probability=mass,
        n_scenarios=int(data["n_scenarios"]), sentence=sentence, level_text=level_text, range_text=range_text,
        next_step=step[locale] if step else None, cells=cells)


def competence_profile(measurement: dict[str, Any], framework: Framework, locale: str) -> Profile:
    """The profile of a measurement (`scoring.measurement.measure`) in the framework it was made with."""
    areas: list[AreaProfile] = []
    missing: list[str] = []
    reports = measurement.get("areas", {})
    for area in framework.areas:
        data = reports.get(area.id)
        if not data or data.get("status") != "measured":
            missing.append(area.label[locale])
            continue
        areas.append(_area(area, data, framework, locale))
    order = [g.id for g in framework.groups]
    strengths: tuple[str, ...] = ()
    strengths_text = None
    if areas:
        def rank(a: AreaProfile) -> tuple[int, int]:  # the level group reported, then the most likely level
            return order.index(a.group), a.level

        top = max(rank(a) for a in areas)
        strong = [a for a in areas if rank(a) == top]
        strengths = tuple(a.id for a in strong)
        if len(strong) > 1 and len(strong) == len(areas):  # every area alike: no one of them stands out
            strengths_text = tr(locale, "profile.even")
        else:
            strengths_text = tr(locale, "profile.strength" if len(strong) == 1 else "profile.strengths",
                                areas=_join([a.label for a in strong]))
    bands = tuple(GroupBand(g.id, g.label[locale], group_levels_label(g, locale), tuple(g.levels),
                            g.description[locale]) for g in framework.groups)
    return Profile(
        locale=locale, framework=framework.id, framework_title=framework.title[locale],
        n_levels=len(framework.levels), groups=bands, areas=tuple(areas), not_measured=tuple(missing),
        strengths=strengths, strengths_text=strengths_text,
        not_measured_text=tr(locale, "profile.not_measured", areas=_join(missing)) if missing and areas else None,
        nothing_measured_text=None if areas else tr(locale, "profile.nothing_measured"),
        legend=tr(locale, "profile.legend"))
