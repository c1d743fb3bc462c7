"""Pages of the exchange (requests, grants, bills of materials, declarations), beside its API."""
