"""The suppliers app's own pure rules: ORM-free functions over frozen dataclasses with
``Decimal``, on top of the engine (``cbam``); services load the data and call them."""
