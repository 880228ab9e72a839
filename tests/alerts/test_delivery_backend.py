"""Each delivery records the backend that sent it; with a failover mailer, the member that did."""

import pytest

from alerts import kinds
from alerts.delivery import send_due
from alerts.models import Delivery
from settings.mailers import build_anymail, build_mailers
from tests.support.environments import make_env
from tests.support.moments import WINDOW_START
from tests.support.pipeline import record

pytestmark = pytest.mark.django_db
BEATLES = kinds.BEATLES_NAME_REJECTED.name
PAYLOAD = {"first_name": "Ринго", "last_name": "Старр"}


def test_a_plain_mailer_is_recorded_by_its_short_name():
    alert = record(BEATLES, PAYLOAD, now=WINDOW_START)
    send_due(now=WINDOW_START)
    assert alert.deliveries.get().backend == "locmem"  # what the test runner installs


def test_the_failover_member_that_sent_it_is_recorded(
    settings, tmp_path, mail_http_server, smtp_server, admin_client
):
    env = make_env(
        ALERTS_EMAIL_BACKEND="postmark,smtp",
        ALERTS_ANYMAIL_POSTMARK_SERVER_TOKEN="t",
        ALERTS_ANYMAIL_POSTMARK_API_URL=mail_http_server.url,
        ALERTS_EMAIL_HOST=smtp_server.host,
        ALERTS_EMAIL_PORT=str(smtp_server.port),
    )
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": build_mailers(env, file_path=tmp_path)["alerts"],
    }
    settings.ANYMAIL = build_anymail(env)
    mail_http_server.status, mail_http_server.reply = 503, {"ErrorCode": 500, "Message": "down"}

    alert = record(BEATLES, PAYLOAD, now=WINDOW_START)
    assert len(send_due(now=WINDOW_START).sent) == 1

    delivery = alert.deliveries.get()
    assert (delivery.status, delivery.backend) == (Delivery.Status.SENT, "smtp")
    assert len(smtp_server.messages) == 1
    page = admin_client.get("/admin/alerts/delivery/").content.decode()
    assert '<td class="field-backend">smtp</td>' in page
