"""Differential item functioning between the two languages, by Mantel-Haenszel.

Persons are matched on a rest score: their mean item score, as a share of each item's maximum, on the
*other* items they took (adaptive sessions take different items, so a sum would not compare; shares keep a
0..3 item from outweighing a 0/1 one). Rest scores are cut into at most 10 quantile strata, few enough
for sparse data to fill them.

- 0/1 items: the MH common odds ratio, ETS delta = -2.35 ln(alpha_MH), ETS classes A/B/C (Holland &
  Thayer, 1988; Zwick, 2012). A negative delta means the item is harder for the focal group.
- 0..K items: Mantel's (1963) chi-square for ordered scores and the standardised mean difference SMD
  (focal minus reference, weighted by the focal group's strata) over the item's score SD, classes
  AA/BB/CC (Zwick, Thayer & Mazzeo, 1997).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import chdtrc, ndtri  # chi-square upper tail, normal quantile: lighter than scipy.stats

from scoring.calibration.data import ResponseTable

REFERENCE = "fr-CA"
FOCAL = "en-CA"
MIN_GROUP = 50  # persons per language below which the statistics mean nothing
MAX_STRATA = 10
ALPHA = 0.05
# ETS rules on |delta| for 0/1 items, and on |SMD / SD| for 0..K items
DELTA_SMALL, DELTA_LARGE = 1.0, 1.5
SMD_SMALL, SMD_LARGE = 0.17, 0.25


@dataclass(frozen=True)
class DifResult:
    dif_class: str  # A/B/C, AA/BB/CC, or n/a
    n_reference: int
    n_focal: int
    reason: str | None = None  # why n/a
    strata: int | None = None
    alpha_mh: float | None = None  # 0/1 items
    delta_mh: float | None = None
    delta_se: float | None = None
    chi_square: float | None = None
    p_value: float | None = None
    smd: float | None = None  # 0..K items
    smd_over_sd: float | None = None
    favours: str | None = None  # the language the item favours, when it is not A/AA

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


def rest_scores(table: ResponseTable, max_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per person: the sum of score shares over items taken, and how many were taken."""
    shares = table.scores / np.maximum(max_scores, 1)[None, :]
    return np.nansum(shares, axis=1), table.taken.sum(axis=1)


def _strata(values: np.ndarray) -> np.ndarray:
    """Quantile strata 0..S-1 (ties share a stratum, so there may be fewer than MAX_STRATA)."""
    edges = np.unique(np.quantile(values, np.linspace(0, 1, MAX_STRATA + 1)[1:-1]))
    return np.searchsorted(edges, values, side="right")


def _matched(focal: np.ndarray, strata: np.ndarray):
    """Each stratum holding both groups: (its members, reference, focal, their counts, its size)."""
    for s in np.unique(strata):
        here = strata == s
        ref, foc = here & ~focal, here & focal
        n_r, n_f = ref.sum(), foc.sum()
        total = n_r + n_f
        if n_r and n_f and total >= 2:
            yield here, ref, foc, n_r, n_f, total


def _binary(x: np.ndarray, focal: np.ndarray, strata: np.ndarray) -> dict:
    a_sum = e_sum = var_sum = 0.0
    pr, ps_qr, qs = 0.0, 0.0, 0.0  # Robins-Breslow-Greenland variance terms
    r_sum = s_sum = 0.0
    used = 0
    for here, ref, foc, n_r, n_f, total in _matched(focal, strata):
        used += 1
        a, b = x[ref].sum(), n_r - x[ref].sum()  # reference right, wrong
        c, d = x[foc].sum(), n_f - x[foc].sum()  # focal right, wrong
        right, wrong = a + c, b + d
        r, s_ = a * d / total, b * c / total
        p, q = (a + d) / total, (b + c) / total
        r_sum += r
        s_sum += s_
        pr += p * r
        ps_qr += p * s_ + q * r
        qs += q * s_
        a_sum += a
        e_sum += n_r * right / total
        var_sum += n_r * n_f * right * wrong / (total**2 * (total - 1))
    if r_sum == 0 or s_sum == 0 or var_sum == 0:
        return {"reason": "the item's score does not vary within the matched strata", "strata": used}
    alpha = r_sum / s_sum
    var_log = pr / (2 * r_sum**2) + ps_qr / (2 * r_sum * s_sum) + qs / (2 * s_sum**2)
    delta, delta_se = -2.35 * np.log(alpha), 2.35 * np.sqrt(var_log)
    statistic = max(abs(a_sum - e_sum) - 0.5, 0.0) ** 2 / var_sum  # MH chi-square, continuity corrected
    p_value = float(chdtrc(1, statistic))
    if abs(delta) < DELTA_SMALL or p_value >= ALPHA:
        cls = "A"
    elif abs(delta) >= DELTA_LARGE and (abs(delta) - DELTA_SMALL) / delta_se > ndtri(1 - ALPHA):
        cls = "C"  # |delta| significantly above 1 (one-sided)
    else:
        cls = "B"
    return {"dif_class": cls, "strata": used, "alpha_mh": float(alpha), "delta_mh": float(delta),
            "delta_se": float(delta_se), "chi_square": float(statistic), "p_value": p_value,
            "favours": None if cls == "A" else (REFERENCE if delta < 0 else FOCAL)}


def _ordinal(x: np.ndarray, focal: np.ndarray, strata: np.ndarray) -> dict:
    f_sum = e_sum = var_sum = 0.0
    smd = 0.0
    n_focal = focal.sum()
    used = 0
    for here, ref, foc, n_r, n_f, total in _matched(focal, strata):
        used += 1
        y = x[here]
        f_sum += x[ref].sum()
        e_sum += n_r * y.sum() / total
        var_sum += n_r * n_f * (total * (y * y).sum() - y.sum() ** 2) / (total**2 * (total - 1))
        smd += n_f / n_focal * (x[foc].mean() - x[ref].mean())
    sd = float(np.std(x, ddof=1))
    if var_sum == 0 or sd == 0:
        return {"reason": "the item's score does not vary within the matched strata", "strata": used}
    statistic = (f_sum - e_sum) ** 2 / var_sum
    p_value = float(chdtrc(1, statistic))
    ratio = smd / sd
    if p_value < ALPHA and abs(ratio) > SMD_LARGE:
        cls = "CC"
    elif p_value >= ALPHA or abs(ratio) <= SMD_SMALL:
        cls = "AA"
    else:
        cls = "BB"
    return {"dif_class": cls, "strata": used, "chi_square": float(statistic), "p_value": p_value,
            "smd": float(smd), "smd_over_sd": float(ratio),
            "favours": None if cls == "AA" else (REFERENCE if smd < 0 else FOCAL)}


def mantel_haenszel(table: ResponseTable, reference: str = REFERENCE, focal: str = FOCAL) -> dict[str, DifResult]:
    """DIF of every item of the table between the reference and the focal language."""
    taken = table.taken
    max_scores = np.nan_to_num(np.nanmax(np.where(taken, table.scores, -np.inf), axis=0), neginf=0.0)
    totals, counts = rest_scores(table, max_scores)
    in_ref, in_focal = table.languages == reference, table.languages == focal
    results: dict[str, DifResult] = {}
    for j, item in enumerate(table.items):
        # persons of either language who took the item and something else to match them on
        who = taken[:, j] & (counts >= 2) & (in_ref | in_focal)
        n_r, n_f = int((who & in_ref).sum()), int((who & in_focal).sum())
        few = [f"{n} {lang}" for n, lang in ((n_r, reference), (n_f, focal)) if n < MIN_GROUP]
        if few:
            reason = f"too few persons to compare: {' and '.join(few)} (at least {MIN_GROUP} each)"
            results[item] = DifResult("n/a", n_r, n_f, reason)
            continue
        if max_scores[j] == 0:
            results[item] = DifResult("n/a", n_r, n_f, "everyone scored 0")
            continue
        x = table.scores[who, j]
        rest = (totals[who] - x / max_scores[j]) / (counts[who] - 1)
        strata = _strata(rest)
        is_focal = in_focal[who]
        stats = (_binary if max_scores[j] == 1 else _ordinal)(x, is_focal, strata)
        if "reason" in stats:
            results[item] = DifResult("n/a", n_r, n_f, stats["reason"], stats["strata"])
        else:
            results[item] = DifResult(n_reference=n_r, n_focal=n_f, **stats)
    return results
