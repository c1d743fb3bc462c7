"""Writes and orchestration of the exchange app; calculations themselves are pure
(``cbam``)."""
