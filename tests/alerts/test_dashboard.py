"""The delivery dashboard: numbers against known data, links that lead to them, constant queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import dashboard
from alerts.models import Alert, AlertRecipient, Delivery, Silence, new_message_id
from tests.factories import AlertRecipientFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Delivery.Status
BEATLES = "beatles_name_rejected"
URL = reverse("alerts_admin:dashboard")


def event(at: dt.datetime) -> Alert:
    return Alert.objects.create(kind=BEATLES, occurred_at=at, payload={})


def delivery(alert: Alert, recipient: AlertRecipient, status: str, after: float | None = None):
    return Delivery.objects.create(
        alert=alert,
        recipient=recipient,
        kind=alert.kind,
        window_start=alert.occurred_at,
        status=status,
        created_at=alert.occurred_at,
        sent_at=None if after is None else alert.occurred_at + dt.timedelta(seconds=after),
        message_id=new_message_id(),
    )


@pytest.fixture
def known_data():
    """In the last day: 3 events, 10 sent (9 in 2 s, 1 in 100 s), 2 failed, 1 pending.
    Earlier in the week: 1 event, 1 failed. Ten days ago: 1 event, ignored."""
    now = timezone.now()
    ringo, paul = (
        AlertRecipientFactory(email="ringo@acme.not"),
        AlertRecipientFactory(email="paul@acme.not"),
    )
    recent = [event(now - dt.timedelta(hours=h)) for h in (1, 2, 3)]
    for index in range(9):
        delivery(recent[index % 3], ringo, Status.SENT, after=2)
    delivery(recent[0], paul, Status.SENT, after=100)
    delivery(recent[1], paul, Status.FAILED)
    delivery(recent[2], paul, Status.FAILED)
    oldest_pending = delivery(recent[2], ringo, Status.PENDING)
    delivery(event(now - dt.timedelta(days=3)), ringo, Status.FAILED)
    delivery(event(now - dt.timedelta(days=10)), ringo, Status.FAILED)
    return {"now": now, "oldest_pending": oldest_pending}


def cell(figures: dashboard.Dashboard, section: int, label: str) -> list[str]:
    (row,) = [row for row in figures.sections[section].rows if row.label == label]
    return [c.text for c in row.cells]


def test_figures_match_known_data(known_data):
    figures = dashboard.build(now=known_data["now"])
    day, week = figures.periods

    # One figure per registered kind; the known data are Beatles rejections only.
    assert {f.label: f.count for f in day.events}["Отклонено имя битла"] == 3
    assert {f.label: f.count for f in week.events}["Отклонено имя битла"] == 4
    assert day.events_total == 3
    statuses = {f.label: f.count for f in day.statuses}
    assert (statuses["ожидает"], statuses["отправлено"], statuses["не удалось"]) == (1, 10, 2)
    assert sum(statuses.values()) == 13
    assert day.failure_rate == pytest.approx(2 / 12)
    assert week.failure_rate == pytest.approx(3 / 13)
    # Read from the histogram: within one bucket (15 %) of the exact values, 2 s and 100 s.
    assert day.median_seconds == pytest.approx(2, rel=0.15)
    assert day.p95_seconds == pytest.approx(100, rel=0.15)
    assert [(f.label, f.count) for f in day.top_failures] == [("paul@acme.not", 2)]
    assert [(f.label, f.count) for f in week.top_failures] == [
        ("paul@acme.not", 2),
        ("ringo@acme.not", 1),
    ]
    assert figures.oldest_pending == known_data["oldest_pending"]
    assert cell(figures, 2, "доля неудач (не удалось из отправленных и неудавшихся)")[0] == "16,7 %"
    hours = figures.hourly
    assert len(hours) == 7 * 24
    assert sum(events for _, events, _ in hours) == 4
    assert sum(sent for _, _, sent in hours) == 10


def test_every_number_links_to_the_list_that_holds_as_many_rows(admin_client, known_data):
    page = admin_client.get(URL)
    assert page.status_code == 200
    figures = page.context["figures"]
    for section in figures.sections[:2]:
        for row in section.rows:
            for c in row.cells:
                listing = admin_client.get(c.url)
                assert listing.status_code == 200, c.url
                assert listing.context["cl"].result_count == int(c.text), (row.label, c.url)
    for period in figures.periods:
        for figure in period.top_failures:
            listing = admin_client.get(figure.url)
            assert listing.context["cl"].result_count == figure.count


def test_active_silences_are_shown_and_linked(admin_client):
    now = timezone.now()
    Silence.objects.create(kind=BEATLES, ends_at=now + dt.timedelta(hours=1), reason="deploy")
    Silence.objects.create(
        kind=BEATLES,
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1),
        reason="over",
    )
    content = admin_client.get(URL).content.decode()
    assert "1 действующая тишина" in content
    listing = admin_client.get(reverse("admin:alerts_silence_changelist") + "?state=active")
    assert listing.context["cl"].result_count == 1


def test_the_chart_is_inline_svg_with_a_text_alternative(admin_client, known_data):
    content = admin_client.get(URL).content.decode()
    assert content.count('<figure class="alerts-chart">') == 2
    assert re.search(
        r'<svg[^>]*role="img"[^>]*aria-labelledby="chart-day-title chart-day-desc"', content
    )
    assert "Событий: 3, отправлено писем: 10" in content
    assert "<script" not in content.split('id="content-main"')[1]
    # Numbers inside the SVG are never localised (a Russian decimal comma breaks SVG).
    charts = content[content.index('<figure class="alerts-chart">') :]
    svg = charts[: charts.index("</svg>")]
    assert not re.search(r'="\d+,\d+"', svg)


def test_the_dashboard_reads_in_english(admin_client, known_data):
    content = admin_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Delivery dashboard" in content
    assert "Events per kind" in content
    assert "Events and emails sent per hour, last 24 hours" in content


def test_the_number_of_queries_does_not_grow_with_the_rows(admin_client, known_data):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    recipients = AlertRecipientFactory.create_batch(5)
    now = timezone.now()
    for hours in range(40):
        alert = event(now - dt.timedelta(hours=hours, minutes=5))
        for recipient in recipients:
            delivery(alert, recipient, Status.SENT, after=hours + 1)
            delivery(alert, recipient, Status.FAILED)
    assert queries() == few


def test_the_dashboard_query_count(admin_client, known_data, django_assert_num_queries):
    admin_client.get(URL)  # the session and the user are read once per request, as always
    with django_assert_num_queries(10 + 2):
        admin_client.get(URL)


def test_staff_without_the_permission_get_403_and_strangers_the_login(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.get(URL).status_code == 403


def test_the_admin_index_links_the_dashboard(admin_client):
    assert URL in admin_client.get(reverse("admin:index")).content.decode()
