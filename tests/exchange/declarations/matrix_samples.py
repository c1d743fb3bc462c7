"""Authorisation-matrix samples for the declarations endpoints (see tests/matrix_samples.py)."""

from __future__ import annotations

from tests.matrix_samples_types import SampleMaker

SAMPLES: dict[str, SampleMaker] = {}
