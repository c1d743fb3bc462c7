"""Pure calculations of the declarations area: the de minimis threshold, the splitting
heuristics, each shipment's obligation and the annual summary. No Django, no ORM: frozen
dataclasses and ``Decimal`` in, frozen dataclasses out; services load the data and call them.
"""
