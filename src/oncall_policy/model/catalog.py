"""The alert catalog: every alert the organisation knows, what it means and what it carries."""

from typing import Annotated

from pydantic import Field

from oncall_policy.model.types import AlertName, Id, LabelName, Strict, Text


class CarriedLabel(Strict):
    """A label an alert always has, whose value is one of ``values``. Say so when a silence rule
    or route keys on the label: an alert that may carry ``class="fraud"`` falls under a rule for
    ``class="fraud"``, and one that does not mention ``class`` never does."""

    label: LabelName
    values: Annotated[tuple[Text, ...], Field(min_length=1)]


class Alert(Strict):
    """A known alert, a closed world: ``labels`` are the values it always has (``alertname`` and
    the severity label are implied); ``carries`` names labels it has whose value varies
    (``service``: any value; ``{label: class, values: [fraud, risk]}``: one of those). Every
    other label is absent, as Alertmanager reads a missing label: the empty string."""

    name: AlertName
    severity: Id
    team: Id | None = None
    meaning: Text
    response: Text
    runbook: Annotated[str, Field(min_length=1, max_length=2000)]
    dashboard: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    labels: dict[LabelName, Text] = Field(default_factory=dict)
    carries: tuple[LabelName | CarriedLabel, ...] = ()

    @property
    def carried(self) -> dict[str, tuple[str, ...] | None]:
        """Each carried label and the values it may take (``None``: any value)."""
        return {
            item.label if isinstance(item, CarriedLabel) else item: (
                item.values if isinstance(item, CarriedLabel) else None
            )
            for item in self.carries
        }
