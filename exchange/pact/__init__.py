"""The platform as a PACT v3 host: ``/3/footprints`` and its OAuth2 token endpoint."""
