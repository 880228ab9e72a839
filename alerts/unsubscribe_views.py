"""The unsubscribe link of every alert email (RFC 8058 one-click, and a page for people).

GET shows a confirmation page with a button and changes nothing: mail scanners and link
previews open links. POST unsubscribes: the mail program's one-click request (its body is
`List-Unsubscribe=One-Click`) or the page's button. No cookie and no CSRF token are needed or
checked: the signed token in the URL is the only credential, and all it can do is unsubscribe.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.masking import mask_email

from . import unsubscribe
from .models import Unsubscription


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    http_method_names = ["get", "post", "head"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._answer(request, token, "alerts/unsubscribe/confirm.html", act=False)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._answer(request, token, "alerts/unsubscribe/done.html", act=True)

    def _answer(self, request: HttpRequest, token: str, template: str, act: bool) -> HttpResponse:
        try:
            recipient, kind = unsubscribe.resolve(token)
        except unsubscribe.InvalidLink:
            return render(request, "alerts/unsubscribe/invalid.html", status=400)
        if act:
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            method = Unsubscription.Method.ONE_CLICK if one_click else Unsubscription.Method.PAGE
            unsubscribe.unsubscribe(recipient, kind, method)
        context = {
            "kind": kind,
            "email": mask_email(recipient.email),
            "subscribed": unsubscribe.is_subscribed(recipient, kind),
            "for_user": kind.name in unsubscribe.USER_PREFERENCE,
        }
        return render(request, template, context)
