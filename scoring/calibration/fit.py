"""Item fit (infit and outfit mean squares) and the marginal reliability of the EAP scores.

Residuals are taken at each person's EAP ability: z = (x - E) / sqrt(Var), with E and Var the item's
expected score and score variance there. Outfit is the mean of z^2 (sensitive to surprises far from the
item), infit weights them by the information, sum (x - E)^2 / sum Var. Both are 1 when the model fits.

Known bias: each EAP was partly fitted to the very response it is compared with, so a well-fitting item
reads below 1, by about the item's share of the person's information. In simulations (tests): 0.85-0.99
with 20 items a person; with 10 items a person, down to 0.67 for the most discriminating items. Adaptive
sessions are short, so FIT_RANGE is the wider "productive for measurement" band rather than 0.7-1.3,
which would flag good items of sparse data. Read low values from sparse sessions with that in mind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.calibration.irt import expected_and_variance

# Productive for measurement (Linacre, 2002, "What do infit and outfit mean-square mean?"): below, the
# item is more predictable than the model says (redundant); above, it is noisier (it measures something else).
FIT_RANGE = (0.5, 1.5)
# Residual fit cannot see an item whose score does not depend on ability: calibration flattens its curve
# to match (a near 0), and a flat curve fits random scores perfectly. So a discrimination this low is
# misfit too ("very low" in Baker, 2001, The Basics of Item Response Theory).
MIN_DISCRIMINATION = 0.35
_MIN_VARIANCE = 1e-9  # keeps one near-certain response from dividing by zero


@dataclass(frozen=True)
class ItemFit:
    infit: float
    outfit: float
    misfit: bool
    reasons: tuple[str, ...]  # why it misfits; empty when it fits


def item_fit(model: str, discrimination: float, thresholds: tuple[float, ...], scores: np.ndarray,
             theta: np.ndarray) -> ItemFit:
    """Fit of one item from the scores of the persons who took it and their EAP abilities."""
    expected, variance = expected_and_variance(model, discrimination, np.asarray(thresholds), theta)
    variance = np.maximum(variance, _MIN_VARIANCE)
    squared = (scores - expected) ** 2
    outfit = float(np.mean(squared / variance))
    infit = float(squared.sum() / variance.sum())
    low, high = FIT_RANGE
    reasons = [f"{name} {value:.2f} outside [{low}, {high}]"
               for name, value in (("infit", infit), ("outfit", outfit)) if not low <= value <= high]
    if discrimination < MIN_DISCRIMINATION:
        reasons.append(f"discrimination {discrimination:.2f} below {MIN_DISCRIMINATION}: "
                       "the score hardly depends on ability")
    return ItemFit(infit, outfit, bool(reasons), tuple(reasons))


def marginal_reliability(eap: np.ndarray, posterior_sd: np.ndarray) -> float:
    """var(EAP) / (var(EAP) + mean(PSD^2)): the share of the ability variance the EAP scores carry."""
    between = float(np.var(eap))
    return between / (between + float(np.mean(posterior_sd**2)))
