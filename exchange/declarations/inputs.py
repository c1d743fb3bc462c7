"""What an importer sends: a shipment, declared once (``core.inputs``).

The same fields are the API body of a shipment and the columns of the shipments CSV; the
service (``exchange.declarations.services.shipments``) parses both with this declaration, the
API documents it. Every value arrives as text (a CSV cell or a JSON string); numbers as
numbers are accepted too.
"""

from __future__ import annotations

from cbam.inputs import CN_CODE, COUNTRY, DATE, NUMBER, TEXT, UUID, Field, Input

SHIPMENT_INPUT = Input(
    "ShipmentInput",
    (
        Field(
            "reference",
            TEXT,
            "Your key of the consignment, unique in your organisation (e.g. the customs "
            "declaration MRN and item number)",
            max_length=100,
        ),
        Field(
            "cn_code", CN_CODE, "CN code of the good, 8 digits (spaces and points allowed)", True
        ),
        Field("quantity", NUMBER, "Net mass (or MWh for electricity), more than zero", True),
        Field("unit", TEXT, "t or kg (MWh or kWh for electricity)", True, max_length=40),
        Field("country_of_origin", COUNTRY, "Country of origin, ISO 3166 alpha-2", True),
        Field("import_date", DATE, "Date of release for free circulation, YYYY-MM-DD", True),
        Field(
            "customs_procedure",
            TEXT,
            "Customs procedure code, two digits (default 40, release for free circulation)",
            max_length=40,
        ),
        Field("supplier_name", TEXT, "The supplier's name, as you know it", max_length=300),
        Field("installation_name", TEXT, "The installation that made the goods", max_length=300),
        Field("footprint_id", UUID, "A published footprint visible to you (own or shared)"),
        Field("buyer_product_id", UUID, "Or one of your own products (a complex good)"),
    ),
    help="A shipment of CBAM goods; the same fields are the columns of the shipments CSV.",
)
