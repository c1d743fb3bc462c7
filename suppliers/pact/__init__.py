"""PACT v3 adapter: the ProductFootprint document of a published CBAM footprint.

A pure package (standard library + ``jsonschema``; no ORM, no DRF, no Django settings):
``document.build_product_footprint`` builds the document, ``validation`` checks one,
``schema`` loads the JSON schema of our data model extension. Mapping: ``docs/pact.md``.
"""
