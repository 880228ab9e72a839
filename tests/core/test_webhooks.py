"""Providers' webhooks never answer 500: only configured providers' tracking webhooks are
mounted, and whatever a caller with the right basic auth posts, the answer is 2xx or 4xx."""

import importlib
from base64 import b64encode

import anymail.urls
import pytest
from django.urls import clear_url_caches

from core.checks import check_webhooks

# Building every provider's view also builds SendGrid's, which Anymail warns it no longer supports.
pytestmark = pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning")

SECRET = "hooks:0a4d55a8d778e5022fab701977c5d840"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + b64encode(SECRET.encode()).decode()}
# What every provider needs for its tracking webhook to be built.
EVERY_PROVIDER = {
    "AMAZON_SES_CLIENT_PARAMS": {"region_name": "eu-west-1"},
    "BREVO_API_KEY": "key",
    "MAILERSEND_SIGNING_SECRET": "secret",
    "MAILGUN_WEBHOOK_SIGNING_KEY": "key",
    "MAILJET_API_KEY": "key",
    "MAILTRAP_API_TOKEN": "token",
    "MANDRILL_WEBHOOK_KEY": "key",
    "POSTAL_WEBHOOK_KEY": "key",
    "POSTMARK_SERVER_TOKEN": "token",
    "RESEND_SIGNING_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "SENDGRID_API_KEY": "key",
    "SPARKPOST_API_KEY": "key",
    "UNISENDER_GO_API_KEY": "key",
}
BAD_PAYLOADS = ["", "{}", "[]", "null", "not json", '"text"', "[1]", "{", "\x00\xff"]
ROUTES = [str(pattern.pattern).removeprefix("^") for pattern in anymail.urls.urlpatterns]
ROUTES = [route.replace("(_mime)?/$", "_mime/") for route in ROUTES]


@pytest.fixture
def mount(settings):
    """Mount the webhooks for these ANYMAIL settings (the URL map decides at import)."""
    original = settings.ANYMAIL

    def mount(**anymail):
        settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, **anymail}
        importlib.reload(importlib.import_module("settings.urls"))
        clear_url_caches()

    yield mount
    settings.ANYMAIL = original
    importlib.reload(importlib.import_module("settings.urls"))
    clear_url_caches()


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a 500 is a status to assert, not an exception
    return client


def post(client, route: str, body: str):
    return client.post(f"/anymail/{route}", body, content_type="application/json", **AUTH)


@pytest.mark.django_db
def test_every_webhook_url_answers_a_bad_or_empty_payload_with_4xx(client, mount):
    mount(**EVERY_PROVIDER)
    answers = {
        (route, body): post(client, route, body).status_code
        for route in ROUTES
        for body in BAD_PAYLOADS
    }
    assert {key: status for key, status in answers.items() if not 400 <= status < 500} == {}
    # Mounted: every tracking webhook but `sendinblue/`, Brevo's old name (it has `brevo/`).
    tracking = {route for route in ROUTES if "inbound" not in route} - {"sendinblue/tracking/"}
    assert {route for (route, _), status in answers.items() if status != 404} == tracking


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [
        "mailgun/tracking/",
        "mandrill/",
        "postal/tracking/",
        "mailersend/tracking/",
        "unisender_go/tracking/",
    ],
)
def test_empty_json_with_the_right_auth_is_a_400(client, mount, route):
    mount(**EVERY_PROVIDER)
    assert post(client, route, "{}").status_code == 400


@pytest.mark.django_db
def test_only_the_providers_in_use_are_mounted(client, mount, settings):
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": {"BACKEND": "anymail.backends.mailgun.EmailBackend", "OPTIONS": {}},
    }
    mount(MAILGUN_WEBHOOK_SIGNING_KEY="key")
    assert post(client, "mailgun/tracking/", "{}").status_code == 400  # mounted, refuses `{}`
    assert post(client, "postmark/tracking/", "{}").status_code == 404
    assert post(client, "mailgun/inbound/", "{}").status_code == 404  # no inbound mail here


@pytest.mark.django_db
def test_a_provider_without_its_webhook_key_is_not_mounted_and_the_check_says_why(
    client, mount, settings
):
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": {"BACKEND": "anymail.backends.postal.EmailBackend", "OPTIONS": {}},
    }
    mount()
    assert post(client, "postal/tracking/", "{}").status_code == 404
    [warning] = check_webhooks()
    assert warning.id == "project.W001"
    assert "POSTAL_WEBHOOK_KEY" in warning.msg


def test_without_a_webhook_secret_nothing_is_checked(settings):
    settings.ANYMAIL = {}
    assert check_webhooks() == []


@pytest.mark.django_db
def test_a_provider_inside_a_failover_list_is_mounted(client, mount, settings):
    members = [{"NAME": "mailgun", "BACKEND": "anymail.backends.mailgun.EmailBackend"}]
    settings.MAILERS = {
        **settings.MAILERS,
        "alerts": {"BACKEND": "core.failover.EmailBackend", "OPTIONS": {"backends": members}},
    }
    settings.ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY = "key"  # a Django setting, not in ANYMAIL
    mount()
    assert post(client, "mailgun/tracking/", "{}").status_code == 400
    assert post(client, "postmark/tracking/", "{}").status_code == 404
