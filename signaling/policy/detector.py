"""Compatibility import path: the detector lives in :mod:`signaling.policy.detect`."""

from signaling.policy.detect import (
    LABELS,
    Confidence,
    Detector,
    Finding,
    canonical_url,
    default_detector,
    scan,
)

__all__ = [
    "LABELS",
    "Confidence",
    "Detector",
    "Finding",
    "canonical_url",
    "default_detector",
    "scan",
]
