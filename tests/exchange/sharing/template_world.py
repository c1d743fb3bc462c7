"""A steel producer imports its communication template, whose purchased precursors name
suppliers on the platform: the offers of ``exchange.sharing.precursor_offers``.

The workbook is written by the export's pure writer (no database, once per session): one
process, 1 Mt of hot-rolled coil, 250 000 tCO2e direct, 90 000 MWh at 0.5 tCO2/MWh, and three
purchased precursors with the supplier's own figures (A_InstData 5, column L: the name):

| PP | name in the workbook | category | t consumed | SEE direct / indirect |
|----|---------------------------|-------------|-----------|-----|
| 1  | "tangshan   SLAB co" | Crude steel | 1 050 000 | 1.9 / 0.3 |
| 2  | "河北 生铁厂"              | Pig iron    |   200 000 | 2.0 / 0.1 |
| 3  | "Nobody Trading Ltd"      | Pig iron    |   100 000 | 2.0 / 0.1 |

so the imported draft's SEE is direct 0.25 + 1.05 × 1.9 + 0.2 × 2.0 + 0.1 × 2.0 = 2.845,
indirect 0.045 + 1.05 × 0.3 + 0.2 × 0.1 + 0.1 × 0.1 = 0.39, total 3.235 tCO2e/t.

On the platform: Tangshan Slab Co (唐山钢坯有限公司) granted the producer its published slab
footprint (CN 7207 11 14, crude steel, SEE 1.8 / 0.2); Hebei Pig Iron Co has an installation
named 河北生铁厂 and granted nothing; nobody is called Nobody Trading Ltd.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from accounts.audit import Actor
from accounts.models import Organisation
from suppliers.eu_template.export import (
    ExportData,
    ExportInstallation,
    ExportPrecursor,
    ExportProcess,
    write_template,
)
from suppliers.models import CommunicationTemplateImport, Footprint, Installation
from suppliers.services.eu_template_import import communication_template_import
from tests.exchange.sharing.builders import grant_of, published_footprint
from tests.factories import InstallationFactory, OrganisationFactory, ProductFactory
from tests.suppliers.conftest import Producer

PP1_NAME = "tangshan   SLAB co"
PP2_NAME = "河北 生铁厂"
PP3_NAME = "Nobody Trading Ltd"


def precursor_workbook() -> bytes:
    def bought(name: str, category: str, mass: str, direct: str, indirect: str) -> ExportPrecursor:
        return ExportPrecursor(
            name=name,
            category=category,
            country="CN",
            mass_t=D(mass),
            see_direct=D(direct),
            see_indirect=D(indirect),
        )

    return write_template(
        ExportData(
            installation=ExportInstallation(
                name="唐山钢铁厂",
                name_english="Tangshan steel works",
                country="CN",
                un_locode="CNTSN",
            ),
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            processes=(
                ExportProcess(
                    name="Hot-rolled coil",
                    category="Iron or steel products",
                    cn_code="72083900",
                    product_name="Hot-rolled coil",
                    activity_level_t=D("1000000"),
                    direct_emissions_tco2e=D("250000"),
                    electricity_mwh=D("90000"),
                    electricity_factor=D("0.5"),
                    precursors=(
                        bought(PP1_NAME, "Crude steel", "1050000", "1.9", "0.3"),
                        bought(PP2_NAME, "Pig iron", "200000", "2.0", "0.1"),
                        bought(PP3_NAME, "Pig iron", "100000", "2.0", "0.1"),
                    ),
                ),
            ),
        )
    )


@pytest.fixture(scope="session")
def workbook() -> bytes:
    return precursor_workbook()


@dataclass
class TemplateWorld:
    producer: Producer
    slab_maker: Organisation
    pig_iron_co: Organisation
    pig_iron_works: Installation
    slab: Footprint  # published by Tangshan Slab Co, shared with the producer
    unshared_slab: Footprint  # published by Tangshan Slab Co, not shared
    coil: Footprint  # published by Tangshan Slab Co, shared, but not crude steel
    template_import: CommunicationTemplateImport
    draft: Footprint

    @property
    def import_id(self) -> str:
        return str(self.template_import.pk)


def supplier_world(
    producer: Producer,
) -> tuple[Organisation, Organisation, Installation, tuple[Footprint, Footprint, Footprint]]:
    """The suppliers on the platform, and what was shared with the producer (see the module);
    also footprints that must not be offered for PP1: the slab maker's unshared one, a shared
    footprint of another category, and another company's shared slab."""
    slab_maker = OrganisationFactory(
        slug="tangshan-slab", legal_name="唐山钢坯有限公司", legal_name_latin="Tangshan Slab Co"
    )
    slab_product = ProductFactory(
        organisation=slab_maker, name="Slab Q235", cn_code="72071114", category="Crude steel"
    )
    caster = InstallationFactory(
        organisation=slab_maker, name="唐山连铸厂", name_latin="Tangshan caster"
    )
    slab = published_footprint(
        slab_maker,
        product=slab_product,
        installation=caster,
        see_direct="1.80000",
        see_indirect="0.20000",
        see_total="2.00000",
    )
    unshared = published_footprint(slab_maker, product=slab_product, installation=caster)
    coil = published_footprint(slab_maker, installation=caster)  # Iron or steel products
    grant_of(slab_maker, producer.organisation, slab, coil)
    stranger = OrganisationFactory(legal_name_latin="Stranger Steel")
    grant_of(
        stranger,
        producer.organisation,
        published_footprint(
            stranger,
            product=ProductFactory(
                organisation=stranger, cn_code="72071114", category="Crude steel"
            ),
        ),
    )
    pig_iron_co = OrganisationFactory(
        slug="hebei-pig-iron", legal_name="河北生铁有限公司", legal_name_latin="Hebei Pig Iron Co"
    )
    works = InstallationFactory(
        organisation=pig_iron_co, name="河北生铁厂", name_latin="Hebei pig iron works"
    )
    return slab_maker, pig_iron_co, works, (slab, unshared, coil)


def template_world(producer: Producer, content: bytes) -> TemplateWorld:
    slab_maker, pig_iron_co, works, (slab, unshared, coil) = supplier_world(producer)
    report = communication_template_import(
        actor=Actor(user=producer.users["preparer"]),
        organisation=producer.organisation,
        content=content,
        file_name="coil.xlsx",
    )
    assert report["imported"] is True, report["problems"]
    [good] = report["goods"]
    return TemplateWorld(
        producer=producer,
        slab_maker=slab_maker,
        pig_iron_co=pig_iron_co,
        pig_iron_works=works,
        slab=slab,
        unshared_slab=unshared,
        coil=coil,
        template_import=CommunicationTemplateImport.objects.get(organisation=producer.organisation),
        draft=Footprint.objects.get(pk=good["footprint"]),
    )


@pytest.fixture
def world(producer: Producer, workbook: bytes) -> TemplateWorld:
    return template_world(producer, workbook)
