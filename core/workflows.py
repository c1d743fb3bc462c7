"""Status workflows: every status field is paired with its explicit transitions map.

A ``StatusMachine`` declares, for one model's status, the statuses a new row may start in and,
from each status, the statuses it may move to; a status missing from a move's targets is an
illegal move, and a status with no targets is final. It is the one place a workflow is
written down (house rule 5, after django-oscar's order pipeline):

- a service that moves one row locks it (its own ``select_for_update``, as before), then calls
  ``machine.transition(row, to=...)``, which checks the map and sets the status in memory,
  or ``machine.check(status=..., to=...)`` for rows it writes in bulk;
- an illegal move raises ``IllegalTransition`` (a 409, ``illegal_transition``) whose message
  names the status, the move asked for and the moves allowed from there.

Work rows and validation runs are claimed and released by conditional ``UPDATE``\\s (the
``WHERE`` clause is the concurrency control: no row lock is held across an attempt). Those
statements do not consult the map at run time; ``tests/core/test_workflows.py`` checks that
every status they write is a move their map allows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from core.errors import Conflict

#: What the message says about a status with no moves out of it.
FINAL = "nothing (it is final)"


class IllegalTransition(Conflict):
    """A status move its workflow does not allow. ``from_status``, ``to_status`` and
    ``allowed`` (the moves out of ``from_status``) name it for code; ``extra`` carries
    ``status`` and ``requested`` for API clients."""

    code = "illegal_transition"

    def __init__(
        self,
        message: str,
        *,
        from_status: str = "",
        to_status: str = "",
        allowed: Iterable[str] = (),
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        if extra is None and from_status:
            extra = {"status": from_status, "requested": to_status}
        super().__init__(message, code=code, extra=extra)
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = frozenset(allowed)


class StatusMachine(Mapping[str, frozenset[str]]):
    """The workflow of one status field: ``transitions[status]`` is where ``status`` may go.

    ``noun`` names the object in messages ("footprint", "request"); ``verb`` the move
    ("move to", "become"); ``initial`` the statuses a row is created in. Read as a mapping it
    is the transitions map itself. Refuses at import a map that names a status it does not
    list, or a status no row can ever reach."""

    def __init__(
        self,
        *,
        noun: str,
        transitions: Mapping[str, Iterable[str]],
        initial: Iterable[str],
        verb: str = "move to",
        field: str = "status",
    ) -> None:
        self.noun = noun
        self.verb = verb
        self.field = field
        self._transitions = {str(s): frozenset(str(t) for t in to) for s, to in transitions.items()}
        self.initial = frozenset(str(s) for s in initial)
        unknown = (
            set().union(*self._transitions.values()) | self.initial
        ) - self._transitions.keys()
        if unknown:
            raise ValueError(f"{noun} transitions name unlisted statuses: {sorted(unknown)}")
        unreachable = self._transitions.keys() - self.reachable()
        if unreachable:
            raise ValueError(f"{noun} statuses no row can reach: {sorted(unreachable)}")

    def __getitem__(self, status: str) -> frozenset[str]:
        return self._transitions[status]

    def __iter__(self) -> Iterator[str]:
        return iter(self._transitions)

    def __len__(self) -> int:
        return len(self._transitions)

    def __repr__(self) -> str:
        return f"StatusMachine({self.noun}: {self._transitions!r})"

    def allows(self, *, status: str, to: str) -> bool:
        return to in self._transitions.get(status, frozenset())

    def final(self) -> frozenset[str]:
        """The statuses nothing moves out of."""
        return frozenset(s for s, to in self._transitions.items() if not to)

    def reachable(self) -> frozenset[str]:
        """Every status some sequence of allowed moves reaches from an initial status."""
        seen = set(self.initial)
        todo = deque(self.initial)
        while todo:
            for target in self._transitions[todo.popleft()]:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return frozenset(seen)

    def check(self, *, status: str, to: str) -> None:
        """Raise ``IllegalTransition`` unless the map allows ``status`` → ``to``.

        The message: "A draft footprint cannot move to published; from draft it can move to
        submitted." (allowed moves sorted; a final status can move to "nothing (it is
        final)")."""
        if self.allows(status=status, to=to):
            return
        allowed = self._transitions.get(status, frozenset())
        named = ", ".join(sorted(allowed)) or FINAL
        raise IllegalTransition(
            f"A {status} {self.noun} cannot {self.verb} {to}; from {status} it can "
            f"{self.verb} {named}.",
            from_status=str(status),
            to_status=str(to),
            allowed=allowed,
        )

    def transition(self, obj: Any, *, to: str) -> str:
        """Check the move of ``obj`` (a row **the caller has locked**) to ``to`` and set its
        status in memory; saving is the caller's. Returns the status it had."""
        before = str(getattr(obj, self.field))
        self.check(status=before, to=to)
        setattr(obj, self.field, to)
        return before
