"""``silence check|add``: judge a silence by the policy and, for ``add``, create it with amtool.

The arguments come as ``silence_words.Options``, read by hand (``silence_words``) or by argparse
(``cli.silence``); nothing here imports argparse, pydantic or a YAML library unless the generated
rules are stale.
"""

from __future__ import annotations

import sys

from oncall_policy.datetimes import UTC, datetime
from oncall_policy.errors import PolicyError
from oncall_policy.printable import printable, printable_lines
from oncall_policy.silence import amtool, amtool_config, report, source
from oncall_policy.silence import comment as comments
from oncall_policy.silence.evaluate import evaluate
from oncall_policy.silence.evaluate import judge as judge_each  # `judge` here is the command's
from oncall_policy.silence.verdict import Violation
from oncall_policy.static import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence
    from typing import Any

    from oncall_policy.cli.silence_words import Options
    from oncall_policy.silence.http_config import HttpConfig
    from oncall_policy.silence.request import SilenceRequest
    from oncall_policy.silence.rules import Rules
    from oncall_policy.silence.verdict import Verdict

ACTIONS = {
    "check": "evaluate an `amtool silence add` command line; exit 0 accepted, 1 rejected",
    "add": "evaluate, then create the silence with the real amtool, approvals in its comment",
    "audit": "judge every live silence of an Alertmanager; exit 1 if any breaks the policy",
    "check-files": "judge silence request files (API v2 JSON/YAML plus approvedBy) for review",
    "approve": "approve a silence the gate holds for approval (--gate URL); the gate creates it",
    "pending": "list the silences a gate holds for approval (--gate URL)",
}


STARTS_NOW = (
    "judged from now: --start has passed, and Alertmanager starts a silence when it creates it "
    "if its start has passed"
)


def judge(options: Options, *, create: bool) -> int:
    now = datetime.now(UTC).replace(microsecond=0)
    _as_amtool_would(options, create=create)
    written = amtool.from_namespace(options, now, options.approved_by)
    request = written.created_at(now)
    starts_now = request is not written
    if options.max_response_size is not None:  # refused before anything, as a bad --timeout is
        from oncall_policy.silence.sizes import parse_size  # noqa: PLC0415

        parse_size(options.max_response_size, "--max-response-size")
    if options.maintenance:
        request = request.replace(window=options.maintenance)
    try:
        loaded = source.load(options.policy)
    except PolicyError as error:
        return _policy_unavailable(error)
    if loaded.stale:
        stale = printable(f"{loaded.stale}; read {options.policy} directly")
        print(f"oncall-policy: warning: {stale}", file=sys.stderr)
    verdict = _judged(request, loaded.rules, options)
    if starts_now:
        verdict = verdict.replace(notes=(*verdict.notes, STARTS_NOW))
    if not (create and verdict.accepted):
        _show(verdict, request, options.format)
        return 0 if verdict.accepted else 1
    return _create(request, verdict, loaded.rules, options)


def _as_amtool_would(options: Options, *, create: bool) -> None:
    """Fill in what amtool would take from its configuration files when the flags do not say:
    the author, duration, start, end and comment (the silence judged is the one amtool would
    create from these words; ``add`` then gives amtool every one of them explicitly) and, for
    ``add``, the Alertmanager, so that the silence is judged against the one it is created in.
    ``check`` stays offline unless given ``--alertmanager.url``."""
    wants_url = create and not options.alertmanager_url
    configured = amtool_config.read()
    options.author = options.author or configured.author or ""
    for name in ("duration", "start", "end", "comment"):
        if getattr(options, name) is None:
            setattr(options, name, getattr(configured, name))
    if wants_url:
        from oncall_policy.silence.client import DEFAULT_URL  # noqa: PLC0415 - only for `add`

        options.alertmanager_url = configured.url or DEFAULT_URL
    options.http_config_file = options.http_config_file or configured.http_config_file
    options.timeout = options.timeout or configured.timeout


def _show(verdict: Verdict, request: SilenceRequest, style: str) -> None:
    if style == "json":
        print(report.verdict_json(verdict), end="")
    else:
        print(printable_lines(report.verdict_text(verdict, request.matchers)), end="")


def _create(request: SilenceRequest, verdict: Verdict, rules: Rules, options: Options) -> int:
    from oncall_policy.silence import client  # noqa: PLC0415 - only `add` creates and records

    comment = comments.record(request.comment, verdict.approvals, request.window)
    if options.tenant:
        result = _created_for_tenant(request, comment, options)
    else:
        argv = amtool.command(
            request, comment, options.alertmanager_url, options.http_config_file, options.timeout
        )
        result = amtool.run(argv, amtool.timeout_seconds(options.timeout))
    silence_id = result.stdout.strip()
    unchecked = None
    if result.returncode == 0 and silence_id:
        try:
            raced = _raced(silence_id, rules, options)
        except client.AlertmanagerError as error:  # created, but not read back: said, never hidden
            raced, unchecked = None, error
        if raced is not None:
            _show(raced, request, options.format)
            return 1
    if options.format == "json":
        print(report.verdict_json(verdict, silence_id=silence_id or None), end="")
    else:
        print(printable_lines(report.verdict_text(verdict, request.matchers)), end="", file=sys.stderr)
        sys.stdout.write(printable_lines(result.stdout))
    sys.stderr.write(printable_lines(result.stderr))
    if unchecked is not None:
        print(
            f"oncall-policy: error: created {printable(silence_id)}, but could not read the silences "
            f"back to check that none created meanwhile makes it break the policy "
            f"({printable(str(unchecked))}); run `oncall-policy silence audit`",
            file=sys.stderr,
        )
        return 1
    return result.returncode


def _created_for_tenant(request: SilenceRequest, comment: str, options: Options) -> amtool.AmtoolResult:
    """The silence created in ``--tenant``'s Alertmanager through our own client, answered as
    amtool answers (its id on stdout): amtool 0.25 sends no header of our choosing, and the
    tenant's Alertmanager answers nothing without ``X-Scope-OrgID``."""
    from oncall_policy.silence import api, client  # noqa: PLC0415

    body = api.to_api(request, comment)
    url = options.alertmanager_url or client.DEFAULT_URL
    config, timeout, _ = connection(options)
    try:
        silence_id = client.create(url, body, config, timeout, client.tenant_headers(options.tenant))
    except client.AlertmanagerError as error:
        return amtool.AmtoolResult(1, "", f"oncall-policy: error: the silence was not created: {error}\n")
    return amtool.AmtoolResult(0, f"{silence_id}\n", "")


def _raced(silence_id: str, rules: Rules, options: Options) -> Verdict | None:
    """The verdict on the silence just created, read back with every silence listed now, when it
    no longer keeps the policy — another ``add`` raced this one between its reading and its
    creating — after expiring it; None when it still keeps it. Two racing silences may both be
    expired. Racing silences are judged in the order Alertmanager created them (``updatedAt``,
    then id): each only with those created before it, so the first always stays, whatever the
    timing, and each later one stays only if it keeps the policy with every earlier one."""
    from oncall_policy.silence import client  # noqa: PLC0415
    from oncall_policy.silence.audit import read_history  # noqa: PLC0415

    url = options.alertmanager_url or client.DEFAULT_URL  # `add` always has one (_as_amtool_would)
    config, timeout, max_bytes = connection(options)
    tenant = client.tenant_headers(options.tenant)
    items = client.silences([url, *options.peer], config, timeout, max_bytes, tenant)
    order = {str(item.get("id")): _created_order(item) for item in items}
    listed = read_history(items, url)
    mine = next((s for s in listed if s.silence_id == silence_id), None)
    if mine is None:
        return None
    earlier = [s for s in listed if order.get(s.silence_id, _FIRST) < order[silence_id]]
    [verdict] = judge_each([mine], earlier, rules)
    if verdict.accepted:
        return None
    client.expire(url, silence_id, config, timeout, tenant)
    note = f"created as {silence_id}, then expired: a silence created meanwhile makes it break the policy"
    return verdict.replace(notes=(*verdict.notes, note))


_FIRST: tuple[datetime, str] = (datetime.min.replace(tzinfo=UTC), "")


def _created_order(item: Mapping[str, Any]) -> tuple[datetime, str]:
    """Where a listed silence stands in the order Alertmanager created (or last updated) them;
    one whose time cannot be read stands first, so it counts against every other."""
    from oncall_policy.silence import rfc3339  # noqa: PLC0415

    try:
        return rfc3339.parse(str(item.get("updatedAt"))), str(item.get("id"))
    except ValueError:
        return _FIRST


def _judged(request: SilenceRequest, rules: Rules, options: Options) -> Verdict:
    """The verdict with the Alertmanagers' silences as history; when they cannot be read, a
    rejection, unless the policy allows judging without them (fail closed)."""
    url = options.alertmanager_url
    if not url:
        verdict = evaluate(request, rules)
        note = "judged without earlier silences: give --alertmanager.url to count re-created ones"
        return verdict.replace(notes=(*verdict.notes, note))
    from oncall_policy.silence import client  # noqa: PLC0415 - only with an Alertmanager to ask
    from oncall_policy.silence.audit import read_history  # noqa: PLC0415

    try:
        found = client.silences(
            [url, *options.peer], *connection(options), client.tenant_headers(options.tenant)
        )
        listed = read_history(found, url)
    except client.AlertmanagerError as error:
        verdict = evaluate(request, rules)
        if not rules.history.required:
            note = f"judged without earlier silences ({printable(str(error))}); the policy allows it"
            return verdict.replace(notes=(*verdict.notes, note))
        return verdict.replace(violations=(*verdict.violations, no_history(url, error, options.peer)))
    return evaluate(request, rules, listed)


def connection(options: Options | argparse.Namespace) -> tuple[HttpConfig | None, float, int]:
    """Amtool's HTTP client configuration and timeout, as the options (or amtool.yml) give them,
    and the largest answer to read (``--max-response-size``)."""
    from oncall_policy.silence import http_config  # noqa: PLC0415
    from oncall_policy.silence.client import DEFAULT_MAX_BYTES  # noqa: PLC0415
    from oncall_policy.silence.sizes import parse_size  # noqa: PLC0415

    config = http_config.load(options.http_config_file) if options.http_config_file else None
    given = options.max_response_size
    limit = DEFAULT_MAX_BYTES if given is None else parse_size(given, "--max-response-size")
    return config, amtool.timeout_seconds(options.timeout), limit


def no_history(url: str, error: Exception, peers: Sequence[str] = ()) -> Violation:
    """The violation of a silence judged without the history the policy requires; the error's
    text (a server's answer, perhaps) is kept on one line, its control characters escaped.
    ``peers``: the other Alertmanagers asked, any of which may be the one that failed."""
    from oncall_policy.silence.history import HISTORY_UNREADABLE  # noqa: PLC0415 - loaded with history
    from oncall_policy.silence.http_errors import redacted  # noqa: PLC0415

    asked = ", ".join(printable(redacted(each)) for each in (url, *peers))
    where = f"at {asked}" if not peers else f"in the Alertmanagers asked ({asked})"
    return Violation(
        HISTORY_UNREADABLE.id,
        f"the silences already {where} cannot be read ({printable(str(error))}), "
        "so re-created or extended silences cannot be counted",
        f"check --alertmanager.url{', --peer' if peers else ''} and the credentials "
        "(--http.config.file), then try again; the policy refuses silences it cannot judge with "
        "their history (silences.history.required)",
        (),
    )


def _policy_unavailable(error: PolicyError) -> int:
    for problem in error.problems:
        print(printable(str(problem)), file=sys.stderr)
    print("REJECTED: the policy is missing or invalid, so no silence can be judged (fail closed)")
    return 1
