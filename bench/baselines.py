"""The two baselines of the throughput row, each timed inside its own process.

`tutorial`: Django's send_mail per message, as the tutorial does: one SMTP connection each.
`smtplib`: raw smtplib over one connection, each message built with the standard library in the
loop, no Django, no database: the ceiling for sending alerts. It sends the worker's own email
(bench.seed alert_email, read as JSON from stdin): the same subject, addresses, text, HTML and
headers, a Date and a new Message-ID each, as Django adds them.
Run as `python -m bench.baselines MODE COUNT PORT`; prints the seconds taken.
"""

import json
import sys
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import django

SUBJECT = "Another Beatles member"
BODY = "Ринго Старр пытался опубликовать запись!"
SENDER, RECIPIENT = "birthday_form@acme.not", "admin@acme.not"


def tutorial(count: int) -> float:
    from django.core.mail import send_mail

    started = time.perf_counter()
    for _ in range(count):
        html = f"<p><strong>{BODY}</strong></p>"
        send_mail(SUBJECT, BODY, SENDER, [RECIPIENT], html_message=html, using="default")
    return time.perf_counter() - started


def raw_smtplib(count: int, port: int, email: dict) -> float:
    import smtplib

    domain = email["from"].rpartition("@")[2]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for _ in range(count):
            message = EmailMessage()
            message["Subject"], message["From"], message["To"] = (
                email["subject"],
                email["from"],
                email["to"],
            )
            message["Date"], message["Message-ID"] = formatdate(), make_msgid(domain=domain)
            for name, value in email["headers"].items():
                message[name] = value
            message.set_content(email["text"])
            message.add_alternative(email["html"], subtype="html")
            connection.send_message(message)
    return time.perf_counter() - started


if __name__ == "__main__":
    mode, count, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if mode == "tutorial":
        django.setup()
        seconds = tutorial(count)
    else:
        seconds = raw_smtplib(count, port, json.load(sys.stdin))
    print(seconds)  # noqa: T201
