"""One guard for every status in the project.

Each status field has one table, beside its choices in the app's ``choices.py``: which action may happen
in which state and where it leads. Services ask ``transition(table, obj, action)`` for the new state
before they save; an action the table does not allow is refused with a 409 that names the object, its
state and the action in the reader's language, never a silent no-op. The table is the only place that
says what may follow what: pages ask it which buttons to offer (``table.actions_from(status)``), and a
test checks that every status field of every model has one.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.errors import Conflict


@dataclass(frozen=True)
class Transitions(Mapping):
    """``(state, action) -> new state`` for one status field, with the words to refuse the rest.

    ``message`` is a translatable text with ``%(status)s`` and ``%(action)s`` and any key that
    ``describe(obj)`` returns (a ticket's number, a booking's code). It reads as a mapping, so
    ``table.get((state, action))`` and ``for state, action in table`` work as on a dict.
    """

    status: type[models.TextChoices]
    action: type[models.TextChoices]
    edges: Mapping[tuple[str, str], str]
    message: str = _("This is “%(status)s”: “%(action)s” cannot be done now.")
    describe: Callable[[object], dict] = field(default=lambda obj: {})
    field_name: str = "status"

    def __post_init__(self):
        known_states, known_actions = set(self.status.values), set(self.action.values)
        for (state, action), new in self.edges.items():
            if state not in known_states or new not in known_states or action not in known_actions:
                raise ValueError(f"transition {state!r} --{action!r}--> {new!r} names an unknown value")

    def __getitem__(self, key: tuple[str, str]) -> str:
        return self.edges[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.edges)

    def __len__(self) -> int:
        return len(self.edges)

    def __hash__(self) -> int:
        return id(self)

    def actions_from(self, state: str) -> list[str]:
        """The actions allowed in ``state``, in the table's order (what a page may offer)."""
        return [action for (s, action) in self.edges if s == state]

    def states_allowing(self, action: str) -> list[str]:
        """The states from which ``action`` is allowed: what a bulk sweep filters on, so that an
        ``.update()`` moves only what the table lets it move."""
        return [state for (state, a) in self.edges if a == action]

    def refusal(self, obj, action: str) -> Conflict:
        state = getattr(obj, self.field_name)
        words = {"status": self.status(state).label, "action": self.action(action).label}
        return Conflict(self.message % {**self.describe(obj), **words}, code="illegal_transition")


def transition(table: Transitions, obj, action: str) -> str:
    """The state ``obj`` moves to under ``action``, or the table's 409 saying, in words, why not. The
    caller has locked ``obj``'s row (the state read here is the one it will overwrite)."""
    new = table.edges.get((getattr(obj, table.field_name), action))
    if new is None:
        raise table.refusal(obj, action)
    return new
