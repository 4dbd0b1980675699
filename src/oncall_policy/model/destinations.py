"""Where alerts go: paging services (PagerDuty) and chat channels (Slack)."""

from oncall_policy.model.types import (
    Bool,
    ChannelName,
    Id,
    PagerDutyName,
    PagerDutyText,
    RelativePath,
    Strict,
    Text,
)


class PagingService(Strict):
    """A PagerDuty service; its integration key lives in a file on the Alertmanager host."""

    id: Id
    name: PagerDutyName
    team: Id | None = None
    description: PagerDutyText | None = None
    escalation_policy: Id
    integration_key_file: RelativePath


class ChatChannel(Strict):
    """A Slack channel; its incoming-webhook URL lives in a file on the Alertmanager host."""

    id: Id
    channel: ChannelName
    team: Id | None = None
    purpose: Text | None = None
    webhook_url_file: RelativePath
    send_resolved: Bool = True
