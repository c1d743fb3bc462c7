"""A draft's purchased precursors found again from its provenance: the name and its cell in
A_InstData 5 from the E_PurchPrec block of the mass; internal precursors are not purchased."""

from __future__ import annotations

from suppliers.eu_template.purchased import PurchasedPrecursorRef, purchased_precursors


def test_each_purchased_precursor_gets_the_cell_of_its_name():
    provenance = {
        "template_version": "2.1.1",
        "precursors": [
            {"name": "Clinker", "mass": "D_Processes!L32", "see": ""},
            {"name": "Tangshan Slab Co", "mass": "E_PurchPrec!L28", "see": "E_PurchPrec!L49"},
            {"name": "PP3 - Pig iron", "mass": "E_PurchPrec!L118", "see": ""},
        ],
    }

    assert purchased_precursors(provenance) == [
        PurchasedPrecursorRef(
            position=1,
            index=1,
            name="Tangshan Slab Co",
            name_cell="A_InstData!L102",
            named=True,
            mass_cell="E_PurchPrec!L28",
        ),
        # Block 3 starts at row 14 + 2 × 44 = 102; its mass consumed in process 3 is row 118.
        PurchasedPrecursorRef(
            position=2,
            index=3,
            name="PP3 - Pig iron",
            name_cell="A_InstData!L104",
            named=False,
            mass_cell="E_PurchPrec!L118",
        ),
    ]


def test_a_footprint_that_did_not_come_from_a_template_has_none():
    assert purchased_precursors(None) == []
    assert purchased_precursors({"template_version": "1.0", "precursors": []}) == []
    # A cell of the block that is not a mass consumed in a process (its SEE, row +35).
    assert (
        purchased_precursors(
            {"template_version": "2.1", "precursors": [{"name": "x", "mass": "E_PurchPrec!L49"}]}
        )
        == []
    )
