"""``manage.py import_shipments``: the CSV upload from a shell, with the same report."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent
from accounts.roles import Role
from exchange.declarations.models import Shipment, ShipmentImport
from tests.factories import MembershipFactory, OrganisationFactory

DATA = Path(__file__).resolve().parents[2] / "data" / "declarations"

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_shipments", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return out.getvalue(), err.getvalue(), int(exc.code or 0)
    return out.getvalue(), err.getvalue(), 0


def test_good_rows_are_imported_bad_rows_printed_by_line_and_the_exit_status_is_2(
    reference_data,
):
    member = MembershipFactory(role=Role.PREPARER)
    slug = member.organisation.slug

    out, err, status = _run(
        slug, str(DATA / "shipments-example.csv"), "--as", member.user.email.upper()
    )

    assert status == 2
    record = ShipmentImport.objects.get()
    assert out.strip() == (f"import {record.pk}: 10 rows: 3 imported, 0 already present, 7 failed")
    lines = err.strip().splitlines()
    assert len(lines) == 7
    assert lines[0] == (
        "line 5, column quantity: must be greater than zero (got 0); expected the net mass of "
        "the consignment, e.g. 12.5"
    )
    assert lines[-1] == (
        "line 11, column unit: 'lb' is not a unit of CN 72083900 (Iron or steel products); "
        "expected t or kg"
    )
    assert sorted(Shipment.objects.values_list("reference", flat=True)) == [
        "MRN26DE0001-1",
        "MRN26DE0002-1",
        "MRN26DE0003-1",
    ]
    event = AuditEvent.objects.get(action="shipment_import.created")
    assert (event.actor_user, event.organisation) == (member.user, member.organisation)


def test_the_same_file_again_imports_nothing_and_says_so(reference_data):
    org = OrganisationFactory()
    _run(org.slug, str(DATA / "shipments-fixed.csv"))
    first = ShipmentImport.objects.get()

    out, _, _ = _run(org.slug, str(DATA / "shipments-fixed.csv"))

    assert out.startswith(
        f"shipments-fixed.csv: this file was imported before (import {first.pk}, "
    )
    assert ShipmentImport.objects.count() == 1
    assert Shipment.objects.count() == first.rows_imported
    assert AuditEvent.objects.get(action="shipment_import.created").actor_label == (
        "system:import_shipments"
    )


def test_refusals_name_what_was_wrong(reference_data, tmp_path):
    viewer = MembershipFactory(role=Role.VIEWER)
    slug = viewer.organisation.slug
    good = str(DATA / "shipments-fixed.csv")
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("reference,cn,quantity\nA,72083900,1\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"^nowhere: no organisation with this slug$"):
        call_command("import_shipments", "nowhere", good)
    with pytest.raises(CommandError, match=r"^--as x@example\.org: not a member of "):
        call_command("import_shipments", slug, good, "--as", "x@example.org")
    with pytest.raises(
        CommandError,
        match=re.escape(
            f"--as {viewer.user.email}: a viewer of {slug} may not import shipments; "
            "expected one of admin, owner, preparer"
        ),
    ):
        call_command("import_shipments", slug, good, "--as", viewer.user.email)
    with pytest.raises(CommandError, match=r"^cannot read .*missing\.csv: No such file"):
        call_command("import_shipments", slug, str(tmp_path / "missing.csv"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_shipments", slug, str(bad_header), stderr=err)
    assert "unknown column(s) 'cn'" in err.getvalue()
    assert Shipment.objects.count() == 0
    assert ShipmentImport.objects.count() == 0
