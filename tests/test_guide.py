"""The on-call guide: golden output for both example policies, and the facts it is made of."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

import jinja2
import pytest

from oncall_policy import facts
from oncall_policy.cli import main
from oncall_policy.compile import TARGETS, templates
from oncall_policy.load import load_policy
from tests.golden.regenerate import EXAMPLES, goldens, guide


@pytest.mark.parametrize(("path", "text"), sorted(goldens().items()), ids=lambda v: getattr(v, "stem", ""))
def test_guide_matches_golden(path, text):
    """Regenerate with `python tests/golden/regenerate.py` after a deliberate change."""
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_guide_is_deterministic(name):
    assert guide(name) == guide(name)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_committed_output_is_fresh(name, capsys):
    assert main(["compile", "--check", "--policy", str(EXAMPLES[name])]) == 0
    assert capsys.readouterr().out == ""


def test_guide_is_a_registered_target():
    assert "guide" in TARGETS


def test_templates_ship_with_the_package():
    shipped = {p.name for p in resources.files("oncall_policy").joinpath("templates").iterdir()}
    assert "ON_CALL.md.j2" in shipped


def test_an_undefined_name_in_a_template_is_an_error():
    template = templates.environment().from_string("{{ missing }}")
    with pytest.raises(jinja2.UndefinedError):
        template.render()


def test_markdown_is_not_html_escaped():
    assert templates.environment().from_string("{{ x }}").render(x="<99.5% & more>") == "<99.5% & more>"


def test_clipper_guide_states_the_seed_rules():
    text = guide("clipper")
    for line in (
        "| 1 | Mon 2025-12-29 09:00 | Engineer A | Engineer B | Manager X |",
        "| 4 | Mon 2026-01-19 09:00 | Engineer D | Engineer A | Manager Y |",
        "- **Hand-off:** every 1 week, Monday at 09:00 (Etc/UTC)",
        (
            "| **P1 (Critical)** | `critical` | < 15 minutes | Required | 1 hour | Auto after 15 minutes "
            "| Every 15 minutes | Always |"
        ),
        "| 2. Secondary on-call engineer | secondary of Clipper weekly on-call | 15m–30m | 1h–1h30m | — |",
        "- **Pages:** Clipper SLO (escalates after 15 minutes)",
        "| **p1-critical** | P1 (Critical) alerts | 1 hour | manager | Yes |",
        "| 2 days | Draft post-mortem shared |",
    ):
        assert line in text.splitlines()
    assert "compensation" not in text.lower()


@pytest.mark.parametrize(
    ("rotation", "expected"),
    [
        ("clipper-weekly", "every 1 week, Monday at 09:00 (Etc/UTC)"),
        ("infra-sun", "every 12 hours, at 08:00 and 20:00 (Europe/Berlin)"),
        ("infra-lead", "every 1 day, at 09:00 (America/New_York)"),
        ("payments-business", "every 2 weeks, Monday at 09:00 (America/New_York)"),
    ],
)
def test_handoff_rule(rotation, expected):
    policy = load_policy(EXAMPLES["acme" if rotation != "clipper-weekly" else "clipper"])
    assert facts.handoff(next(r for r in policy.rotations if r.id == rotation)) == expected


def test_turn_starts_follow_the_wall_clock_across_daylight_saving():
    policy = load_policy(EXAMPLES["acme"])
    sun = next(r for r in policy.rotations if r.id == "infra-sun")
    turn = facts.cycle(policy, sun.model_copy(update={"start": sun.start.replace(month=3, day=29)}))[0]
    assert (f"{turn.local_start:%H:%M}", f"{turn.start:%H:%M}") == ("08:00", "06:00")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(0), "0 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=1, minutes=30), "1 hour 30 minutes"),
        (timedelta(days=14), "2 weeks"),
        (None, "never"),
    ],
)
def test_human(value, words):
    assert facts.human(value) == words


@pytest.mark.parametrize(
    ("steps", "level", "shown"),
    [
        ((timedelta(0), timedelta(minutes=15)), 0, "0–15m"),
        ((timedelta(0),), 0, "0+"),
        ((timedelta(0),), 1, None),
    ],
)
def test_window(steps, level, shown):
    assert facts.window(steps, level) == shown


@pytest.mark.parametrize(
    ("base", "reference", "url"),
    [
        ("https://x.example/docs/", "a.md#b", "https://x.example/docs/a.md#b"),
        ("https://x.example/docs/", "https://other.example/r", "https://other.example/r"),
        (None, "a.md", "a.md"),
    ],
)
def test_resolve(base, reference, url):
    assert facts.resolve(base, reference) == url
