"""Writes of the suppliers app: installations, products, footprints and their workflow."""
