"""Pages of the supplier's workplace (installations, products, footprints), beside its API."""
