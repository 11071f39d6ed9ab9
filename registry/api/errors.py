"""Errors as JSON: {"status": 400, "code": "invalid_parameter", "message": "…", "parameter": "year"}.

Messages are Chinese whatever the caller's language cookie (the API speaks to other systems, whose
logs staff read in Chinese); the code is stable English for programs. Unknown paths under /api/
answer the same way (not_found_view), never with an HTML page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

API_LANGUAGE = "zh-hans"


class BadParameter(exceptions.APIException):
    """A query parameter the endpoint does not read, or cannot read the value of."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, message: str, parameter: str):
        super().__init__(message, self.default_code)
        self.parameter = parameter


class KeyRefused(exceptions.AuthenticationFailed):
    """An API key that is unknown, revoked or expired (401); `code` says which."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code)


def default_message(exc) -> str:
    """The Chinese message of a framework exception that carries none of ours."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("An API key (Authorization: Bearer …) or an admin login is required.")
    if isinstance(exc, exceptions.PermissionDenied):
        return _("You may not read these records.")
    if isinstance(exc, exceptions.NotFound):
        return _("No such record (or it is outside what you may read).")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("The API is read-only: only GET is accepted.")
    if isinstance(exc, exceptions.Throttled):
        return _("Too many requests; try again in %(seconds)d seconds.") % {"seconds": int(exc.wait or 1)}
    if isinstance(exc, exceptions.NotAcceptable):
        return _("This format is not offered; ask for application/json.")
    return _("The request could not be read.")


def code_of(exc) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def error_body(status_code: int, code: str, message: str, **extra) -> dict:
    return {"status": status_code, "code": code, "message": message, **extra}


def handle(exc, context):
    """REST framework's exception handler: every error in the one JSON shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif not isinstance(exc, exceptions.APIException):
        return None
    with translation.override(API_LANGUAGE):
        ours = isinstance(exc, (BadParameter, KeyRefused)) or getattr(exc, "registry_message", False)
        message = str(exc.detail) if ours else default_message(exc)
        extra = {"parameter": exc.parameter} if isinstance(exc, BadParameter) else {}
        body = error_body(exc.status_code, code_of(exc), message, **extra)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def refused(message: str, code: str = "permission_denied") -> exceptions.PermissionDenied:
    """A 403 with our own Chinese message."""
    error = exceptions.PermissionDenied(message, code)
    error.registry_message = True
    return error


def not_found_view(request, *args, **kwargs):
    """Paths under /api/ that name no endpoint."""
    with translation.override(API_LANGUAGE):
        body = error_body(404, "not_found", _("There is no such API endpoint; see /api/docs/."))
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
