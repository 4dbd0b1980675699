"""Alertmanager 0.25's real web UI, served through the gate and used in headless Chromium.

The UI is the release's own compiled one (``make setup`` installs it with
``tools/alertmanager_ui.py``), served by the real Alertmanager with ``--web.ui-path``; the browser is
Debian's ``chromium``, driven by playwright. A person fills the New Silence form and presses Create;
the browser logs in with basic auth when the gate asks (``http_credentials``). Locally a missing
chromium or UI skips; under CI=true it fails.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

from oncall_policy.gate import proof as signing
from oncall_policy.gate.config import Approvals, GateConfig
from tests.alertmanager_server import Server, running
from tests.conftest import missing, require_tool
from tests.gate_support import BASIC, PASSWORD, gate

pytestmark = [pytest.mark.amtool, pytest.mark.browser]

# Where `make setup` puts the UI: beside the interpreter running the tests (the project's venv).
UI = Path(sys.prefix) / "share" / "alertmanager-ui"
ENGINEER = "engineer-a@clipper.app"
MANAGER = "manager-x@clipper.app"
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def ui() -> Path:
    if not (UI / "index.html").is_file() or not (UI / "script.js").is_file():
        missing(f"Alertmanager's web UI is not in {UI}; `make setup` installs it (tools/alertmanager_ui.py)")
    return UI


@pytest.fixture(scope="module")
def upstream(
    alertmanager_binary: str, ui: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with running(alertmanager_binary, tmp_path_factory.mktemp("am"), flags=[f"--web.ui-path={ui}"]) as server:
        yield server


@pytest.fixture(scope="module")
def gated(upstream: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    keys = tmp_path_factory.mktemp("keys") / "gate.key"
    signing.keygen(keys)
    database = tmp_path_factory.mktemp("db") / "pending.sqlite3"
    config = GateConfig(auth=BASIC.auth, approvals=Approvals(database=str(database), key_file=str(keys)))
    with gate([upstream.url], config) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = require_tool("chromium")
    expect.set_options(timeout=WAIT_MS)  # a busy 2-core machine can take seconds to render
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Browsing:
    """A page of a fresh browser profile of the engineer, with what it loaded and what failed."""

    page: Page
    loaded: list[str] = field(default_factory=list)  # paths answered 2xx/3xx
    failures: list[str] = field(default_factory=list)  # loads that failed or were answered >= 400


@pytest.fixture
def browsing(browser: Browser, gated: str) -> Iterator[Browsing]:
    with browsing_as(browser, gated, ENGINEER) as seen:
        yield seen


@contextmanager
def browsing_as(browser: Browser, gated: str, person: str) -> Iterator[Browsing]:
    context = browser.new_context(base_url=gated, http_credentials={"username": person, "password": PASSWORD})
    context.set_default_timeout(WAIT_MS)
    seen = Browsing(context.new_page())
    seen.page.on("requestfailed", lambda request: seen.failures.append(f"failed: {request.url}"))

    def answered(response: Response) -> None:
        if response.status < 400:
            seen.loaded.append(urlsplit(response.url).path)
        elif response.request.method == "GET":
            seen.failures.append(f"{response.status}: {response.url}")

    seen.page.on("response", answered)
    try:
        yield seen
    finally:
        context.close()


def form_field(page: Page, label: str, kind: str = "input"):
    return page.locator("div.form-group", has=page.locator("label", has_text=label)).locator(kind)


def fill_new_silence(page: Page, matchers: list[str], duration: str, comment: str) -> None:
    """The New Silence form, filled as a person does: each matcher typed and entered."""
    page.goto("/#/silences/new")
    expect(page.get_by_role("heading", name="New Silence")).to_be_visible()
    for matcher in matchers:
        page.locator("#filter-bar-matcher").fill(matcher)
        page.locator("#filter-bar-matcher").press("Enter")
        expect(page.get_by_role("button", name=matcher)).to_be_visible()
    form_field(page, "Duration").fill(duration)
    form_field(page, "Creator").fill(ENGINEER)
    form_field(page, "Comment", "textarea").fill(comment)
    page.get_by_role("button", name="Create", exact=True).click()


def test_a_refused_silence_shows_every_reason_on_the_page(browsing: Browsing, upstream: Server):
    page, before = browsing.page, upstream.silences()
    fill_new_silence(page, ['alertname="ServiceDown"', 'service="ui-refused"'], "2h", "annoying")
    shown = page.locator(".alert")
    expect(shown).to_be_visible()
    expect(shown).to_contain_text(
        'REJECTED: silence alertname="ServiceDown" service="ui-refused" breaks 4 rules'
    )
    text = shown.inner_text()
    for rule in ("invalid-reason", "no-valid-reason", "over-cap", "missing-approval"):
        assert f"x {rule}: " in text
    assert text.count("fix: ") == 4
    assert "fix or tune the alert instead" in text
    expect(page.get_by_role("heading", name="New Silence")).to_be_visible()  # still on the form
    assert upstream.silences() == before
    assert browsing.failures == []


def test_a_compliant_silence_is_created_and_listed(browsing: Browsing, upstream: Server):
    page = browsing.page
    before = {item["id"] for item in upstream.silences()}
    fill_new_silence(
        page, ['alertname="HighErrorRate"', 'service="ui-created"'], "1h", "deployment in progress"
    )
    page.wait_for_url("**/#/silences/*-*")  # the UI shows the silence Alertmanager created
    silence_id = page.url.rpartition("/")[2]
    [created] = [item for item in upstream.silences() if item["id"] not in before]
    assert created["id"] == silence_id
    assert (created["createdBy"], created["comment"]) == (ENGINEER, "deployment in progress")
    page.goto("/#/silences")
    listed = page.locator(".list-group-item", has=page.get_by_text("service=ui-created", exact=True))
    expect(listed).to_have_count(1)
    expect(listed.get_by_text("alertname=HighErrorRate", exact=True)).to_be_visible()
    expect(listed.get_by_role("link", name="View")).to_have_attribute("href", f"#/silences/{silence_id}")
    assert browsing.failures == []


def test_the_other_pages_and_their_assets_come_through_the_gate(browsing: Browsing, upstream: Server):
    page = browsing.page
    upstream.post_alerts([{"alertname": "DiskFull", "service": "ui-alerts", "severity": "warning"}])
    page.goto("/#/alerts")
    expect(page.get_by_text('service="ui-alerts"')).to_be_visible()
    page.goto("/#/status")
    expect(page.get_by_role("heading", name="Status", exact=True)).to_be_visible()
    expect(page.get_by_text("Uptime")).to_be_visible()
    expect(page.get_by_text("receiver: default")).to_be_visible()  # the config, read through the gate
    assert {
        "/",
        "/script.js",
        "/lib/bootstrap-4.0.0-alpha.6-dist/css/bootstrap.min.css",
        "/lib/font-awesome-4.7.0/css/font-awesome.min.css",
        "/lib/font-awesome-4.7.0/fonts/fontawesome-webfont.woff2",
        "/lib/elm-datepicker/css/elm-datepicker.css",
        "/api/v2/alerts/groups",
        "/api/v2/status",
    } <= set(browsing.loaded)
    assert browsing.failures == []


def test_a_silence_that_needs_approval_is_approved_on_its_page(
    browser: Browser, browsing: Browsing, upstream: Server, gated: str
):
    """The engineer's form answers with the pending request and its approve link; the manager
    opens the link in their own browser, presses the button, and the gate creates the silence."""
    page = browsing.page
    before = {item["id"] for item in upstream.silences()}
    fill_new_silence(page, ['alertname="ServiceDown"', 'service="ui-approved"'], "30m", "INC-7 outage")
    shown = page.locator(".alert")
    expect(shown).to_contain_text("may approve")
    link = re.search(r"open (\S+/-/approvals/[0-9a-f-]+) in a browser", shown.inner_text())
    assert link, shown.inner_text()
    assert {item["id"] for item in upstream.silences()} == before  # nothing created yet
    with browsing_as(browser, gated, MANAGER) as manager:
        manager.page.goto(link[1])
        expect(manager.page.get_by_role("heading")).to_contain_text("Silence awaiting approval")
        expect(manager.page.get_by_text('service="ui-approved"')).to_be_visible()
        manager.page.get_by_role("button", name="Approve this silence").click()
        expect(manager.page.get_by_text("Approved. The silence is created: ")).to_be_visible()
        assert manager.failures == []
    [created] = [item for item in upstream.silences() if item["id"] not in before]
    assert created["createdBy"] == ENGINEER
    assert MANAGER in created["comment"]  # the approval, recorded with the gate's proof
