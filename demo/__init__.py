"""The demo world: fictitious organisations, people, footprints, requests, bills of materials
and shipments, kept as data in ``demo/data/`` and entered through the real services by
``manage.py seed_demo``, ``seed_demo_footprints`` and ``seed_demo_exchange`` (``make seed``).

Nothing in the product imports this app; it sits on top of the house and only calls down.
"""
