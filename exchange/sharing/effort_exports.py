"""The evidence of efforts (``exchange.sharing.efforts``) as files to keep and hand over: CSV
for spreadsheets, PDF for a file or an authority. Both are written in the active language
(labels, headings, details); names, reasons and messages stay as their authors wrote them.

**CSV** (UTF-8 with a byte-order mark, so that Excel opens Chinese names correctly): ``#``
lines with the title, buyer, supplier, period covered, time generated and number of events,
then a header row and one row per event, oldest first. The columns (``EFFORT_COLUMNS``):

=================  ==========================================================================
``date_time_utc``  when it happened, ``YYYY-MM-DD HH:MM`` in UTC
``event``          what happened, as a code: ``sent``, ``invitation_emailed``, ``notified``,
                   ``seen``, ``claimed``, ``reminded`` (automatic), ``buyer_reminded``,
                   ``fulfilled``, ``rejected``, ``withdrawn``, ``expired``
``event_label``    the same in words, in the language of the download
``party``          whose act it was: ``buyer``, ``supplier`` or ``platform``
``by``             the buyer's person who acted (name and address), empty otherwise
``request_id``     the request's id
``asked_for``      the product or CN code and the reporting period asked for
``period_start``   the reporting period asked for, first day (YYYY-MM-DD)
``period_end``     its last day
``due_date``       the request's due date
``status_now``     the request's status when the file was made
``detail``         due date of a request sent, address of an invitation, footprints shared,
                   reason of a refusal or withdrawal
=================  ==========================================================================

Text cells go through ``core.spreadsheet.csv_writer`` (formula injection).

**PDF** (reportlab; every text in the CID font STSong-Light that PDF readers carry, so no font
file ships and Chinese names show in either language): a title, the buyer, the supplier, the
period covered, when and by whom it was generated, the count of each kind of event, and a
table of the events with the same facts as the CSV.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from core.spreadsheet import csv_writer
from exchange.sharing.efforts import EVENT_LABELS, EffortLog, supplier_display, supplier_named
from exchange.sharing.texts import organisation_display, request_facts, request_what

EFFORT_COLUMNS = (
    "date_time_utc",
    "event",
    "event_label",
    "party",
    "by",
    "request_id",
    "asked_for",
    "period_start",
    "period_end",
    "due_date",
    "status_now",
    "detail",
)
#: The CID font of the PDF (Adobe's Simplified Chinese font, Latin letters included).
PDF_FONT = "STSong-Light"


def utc_minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def effort_log_title() -> str:
    return _("Evidence of efforts to obtain actual emissions data")


def effort_log_supplier(log: EffortLog) -> str:
    """The supplier as the files name it: the organisation, or the invited company and its
    address."""
    return supplier_named(log.supplier, log.supplier_name, log.supplier_email)


def effort_log_period(log: EffortLog) -> str:
    start = log.covered_from
    return f"{start.isoformat() if start else '…'} – {log.covered_to.isoformat()}"


def effort_log_filename(log: EffortLog, extension: str) -> str:
    """``evidence-of-efforts-<supplier>-<from>-<to>.<extension>`` (ASCII: an address's ``@``
    becomes ``-at-``)."""
    key = log.key.replace("@", "-at-")
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in key)
    start = log.covered_from
    span = f"{start.isoformat() if start else 'start'}-{log.covered_to.isoformat()}"
    return f"evidence-of-efforts-{safe}-{span}.{extension}"


def _asked_for(log: EffortLog) -> dict[str, str]:
    return {str(r.pk): request_what(request_facts(r)) for r in log.requests}


def effort_log_csv(log: EffortLog, *, generated_by: str = "") -> bytes:
    """The log as CSV, UTF-8 with a byte-order mark (see the module's docstring)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.comment(effort_log_title())
    writer.comment(_("Buyer: %(name)s") % {"name": organisation_display(log.buyer)})
    writer.comment(_("Supplier: %(name)s") % {"name": effort_log_supplier(log)})
    writer.comment(_("Period covered: %(period)s") % {"period": effort_log_period(log)})
    generated = _("Generated at: %(time)s UTC") % {"time": utc_minute(log.generated_at)}
    if generated_by:
        generated += " " + _("by %(person)s") % {"person": generated_by}
    writer.comment(generated)
    writer.comment(_("Events: %(count)s") % {"count": len(log.events)})
    writer.writerow(EFFORT_COLUMNS)
    asked = _asked_for(log)
    for e in log.events:
        r = e.request
        writer.writerow(
            (
                utc_minute(e.at),
                e.kind,
                e.label,
                e.party,
                e.by,
                str(r.pk),
                asked[str(r.pk)],
                r.period_start,
                r.period_end,
                r.due_date,
                r.status,
                e.detail,
            )
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def effort_log_pdf(log: EffortLog, *, generated_by: str = "") -> bytes:
    """The log as a PDF (A4 landscape; see the module's docstring)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontSize=11, leading=15, spaceBefore=8)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    generated = f"{utc_minute(log.generated_at)} UTC"
    if generated_by:
        generated += " " + _("by %(person)s") % {"person": generated_by}
    facts = [
        (_("Buyer"), organisation_display(log.buyer)),
        (_("Supplier"), effort_log_supplier(log)),
        (_("Period covered"), effort_log_period(log)),
        (_("Generated at"), generated),
        (_("Requests"), str(len(log.requests))),
        (_("Events"), str(len(log.events))),
    ]
    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), PDF_FONT, 9),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ]
    )
    story = [
        p(effort_log_title(), title),
        p(
            _(
                "Every request this buyer sent to this supplier through CBAM Exchange, and "
                "every reminder, reply, refusal, withdrawal and expiry, from the platform's "
                "records."
            ),
            small,
        ),
        Spacer(1, 4 * mm),
        Table([[p(k), p(v)] for k, v in facts], colWidths=[45 * mm, 200 * mm], style=grid),
        p(_("Events by kind"), heading),
        Table(
            [[p(str(EVENT_LABELS[kind])), p(str(n))] for kind, n in log.counts.items()],
            colWidths=[90 * mm, 25 * mm],
            style=grid,
        ),
        p(_("Events"), heading),
    ]
    asked = _asked_for(log)
    rows = [
        [
            p(_("Date and time (UTC)"), small),
            p(_("Event"), small),
            p(_("By"), small),
            p(_("Request"), small),
            p(_("Detail"), small),
        ]
    ]
    for e in log.events:
        by = e.by or (supplier_display(e.request) if e.party == "supplier" else _("CBAM Exchange"))
        rows.append(
            [
                p(utc_minute(e.at), small),
                p(e.label, small),
                p(by, small),
                p(f"{asked[str(e.request.pk)]}\n{e.request.pk}", small),
                p(e.detail, small),
            ]
        )
    if len(rows) == 1:
        story.append(p(_("No event in this period.")))
    else:
        events_style = TableStyle(
            [
                *grid.getCommands(),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf0")),
            ]
        )
        story.append(
            Table(
                rows,
                colWidths=[28 * mm, 45 * mm, 50 * mm, 80 * mm, 64 * mm],
                style=events_style,
                repeatRows=1,
            )
        )

    footer = _("CBAM Exchange · %(title)s · page %(page)s")

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.setFont(PDF_FONT, 7)
        page = canvas.getPageNumber()
        canvas.drawString(15 * mm, 8 * mm, footer % {"title": effort_log_title(), "page": page})

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=effort_log_title(),
        author="CBAM Exchange",
        subject=f"{organisation_display(log.buyer)} – {effort_log_supplier(log)}",
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


_FONT_REGISTERED: list[bool] = []


def _register_font() -> None:
    """Register the CID font once per process (reportlab keeps a global registry)."""
    if _FONT_REGISTERED:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    _FONT_REGISTERED.append(True)
