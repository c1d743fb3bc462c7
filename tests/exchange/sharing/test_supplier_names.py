"""Which organisation a name typed in a workbook means: either script, case and whitespace
ignored; organisation names before installation names; an ambiguous name means no one."""

from __future__ import annotations

import uuid

from exchange.sharing.supplier_names import NamedParty, NameIndex, NameMatch, name_key

WORKS = uuid.UUID("00000000-0000-0000-0000-000000000001")
MILL = uuid.UUID("00000000-0000-0000-0000-000000000002")

INDEX = NameIndex(
    [
        NamedParty(organisation_id=1, name="唐山钢坯有限公司"),
        NamedParty(organisation_id=1, name="Tangshan Slab Co"),
        NamedParty(organisation_id=2, name="Hebei Pig Iron Co"),
        NamedParty(organisation_id=2, name="河北生铁厂", installation_id=WORKS),
        NamedParty(organisation_id=3, name="Twin Name Ltd"),
        NamedParty(organisation_id=4, name="Twin Name Ltd"),
        # An installation named like another company: that company wins.
        NamedParty(organisation_id=3, name="Tangshan Slab Co", installation_id=MILL),
    ]
)


def test_the_key_ignores_case_width_and_every_whitespace():
    assert name_key("  TANGSHAN\tslab  Co ") == "tangshanslabco"
    assert name_key("ＡＢＣ　钢铁") == "abc钢铁"
    assert name_key("   ") == ""


def test_a_name_means_the_organisation_whose_legal_name_it_is_in_either_script():
    assert INDEX.match("tangshan   SLAB co") == NameMatch(organisation_id=1, via="organisation")
    assert INDEX.match("唐山 钢坯 有限公司") == NameMatch(organisation_id=1, via="organisation")


def test_an_installations_name_means_its_organisation_and_names_the_installation():
    assert INDEX.match("河北 生铁厂") == NameMatch(
        organisation_id=2, via="installation", installation_id=WORKS
    )


def test_a_name_of_two_organisations_means_no_one():
    assert INDEX.match("twin name ltd") == NameMatch(ambiguous=True)


def test_an_unknown_or_empty_name_means_no_one():
    assert INDEX.match("Nobody Trading Ltd") == NameMatch()
    assert INDEX.match("") == NameMatch()
