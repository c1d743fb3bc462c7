"""Which organisation on the platform a name typed in a workbook means (pure: no Django).

A name matches an organisation when, compared as :func:`name_key` makes them (Unicode NFKC,
case folded, every whitespace removed: ``"  TANGSHAN  slab co"`` is ``"Tangshan Slab Co"``,
a full-width ``"ＡＢＣ"`` is ``"abc"``, ``"唐山 钢坯"`` is ``"唐山钢坯"``), it equals the
organisation's legal name in its original script or in Latin script, or the name (either
script) of one of its installations. Organisation names win over installation names. A name
that several organisations answer to at the same level is **ambiguous** and matches none:
offering another company's footprint, or sending it a request, on a guess would be worse than
offering nothing.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

ORGANISATION = "organisation"
INSTALLATION = "installation"


def name_key(text: str) -> str:
    """The form names are compared in: NFKC, case folded, without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class NamedParty:
    """One name an organisation answers to: its own (``installation_id`` None) or one of its
    installations'."""

    organisation_id: int
    name: str
    installation_id: uuid.UUID | None = None

    @property
    def via(self) -> str:
        return ORGANISATION if self.installation_id is None else INSTALLATION


@dataclass(frozen=True)
class NameMatch:
    """The organisation a name means (None: no one, or several: ``ambiguous``), whether by its
    own name or an installation's (``via``), and that installation when only one has it."""

    organisation_id: int | None = None
    via: str = ""
    installation_id: uuid.UUID | None = None
    ambiguous: bool = False


class NameIndex:
    """Names of parties, looked up by :func:`name_key`."""

    def __init__(self, parties: Iterable[NamedParty]) -> None:
        self._by_key: dict[str, list[NamedParty]] = {}
        for party in parties:
            key = name_key(party.name)
            if key:
                self._by_key.setdefault(key, []).append(party)

    def match(self, text: str) -> NameMatch:
        found = self._by_key.get(name_key(text), [])
        for via in (ORGANISATION, INSTALLATION):
            level = [p for p in found if p.via == via]
            organisations = {p.organisation_id for p in level}
            if len(organisations) > 1:
                return NameMatch(ambiguous=True)
            if organisations:
                installations = {p.installation_id for p in level}
                return NameMatch(
                    organisation_id=organisations.pop(),
                    via=via,
                    installation_id=installations.pop() if len(installations) == 1 else None,
                )
        return NameMatch()
