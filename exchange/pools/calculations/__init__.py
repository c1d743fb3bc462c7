"""The pure rules of association data pools (issue 16): no Django, no ORM.

- ``cells``: cell keys (CN 4/6/8 × route × country × year) and observations (contributed
  footprints);
- ``statistics``: exact mean and type-7 percentiles of a cell, verified share;
- ``disclosure``: every cell of a pool under disclosure control (threshold, share, (n, k)
  dominance, no differencing, exact audit);
- ``reference``: the EU default value, mark-up and benchmarks beside a cell, and the gap;
- ``position``: where a member's own footprint stands in a published cell.
"""
