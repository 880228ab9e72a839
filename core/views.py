"""Friendly error pages in the site's look, and the 400 of an invalid form, shared by every app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class InvalidFormIs400Mixin:
    """Bad input is a client error: say so in the status as well as on the page."""

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database itself.
    return render(request, "errors/500.html", status=500, using=None)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)
