"""Adaptive sequencing: which scenario comes next, and when a session has measured enough."""

from scoring.adaptive.plan import AssessmentPlan
from scoring.adaptive.sequencer import Choice, Sequencer

__all__ = ["AssessmentPlan", "Choice", "Sequencer"]
