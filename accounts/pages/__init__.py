"""Base classes of the web pages; each area's pages live beside its API (``<app>/pages/``)."""
