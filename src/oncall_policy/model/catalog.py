"""The alert catalog: every alert the organisation knows, what it means and what it carries."""

from typing import Annotated

from pydantic import Field

from oncall_policy.model.types import AlertName, Id, LabelName, Strict, Text


class Alert(Strict):
    """A known alert. ``labels`` are the values it always carries (``alertname`` and the severity
    label are implied); ``carries`` names labels it always has whose value varies (``service``)."""

    name: AlertName
    severity: Id
    team: Id | None = None
    meaning: Text
    response: Text
    runbook: Annotated[str, Field(min_length=1, max_length=2000)]
    dashboard: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    labels: dict[LabelName, Text] = Field(default_factory=dict)
    carries: tuple[LabelName, ...] = ()
