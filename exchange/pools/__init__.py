"""Industry association data pools (issue 16): members contribute signed footprints and see
sector statistics that cannot be traced back to a company."""
