"""The audit log: one function writes every AuditEvent (logins, imports, exports, report downloads, API calls).

What the columns mean, for every kind of event:

- `user` is the signed-in user who acted, or empty (a failed login, the command-line operator);
  `username` names them in any case (the name typed at a failed login, "" at the command line).
- `ip_address` is the client's address as django-axes resolved it, else the request's REMOTE_ADDR
  (behind a trusted proxy, registry.middleware has already put the forwarded address there); empty
  outside a web request.
- `model` names what was imported, exported or read: a model's label in lower case ("registry.talent"),
  "report:<slug>" for a downloaded report table ("report:by-district"), the endpoint's kind for an
  API call that reads no model ("dashboard"); empty for logins.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest

from registry.models import AuditEvent

USERNAME_MAX = AuditEvent._meta.get_field("username").max_length or 150
FILE_NAME_MAX = AuditEvent._meta.get_field("file_name").max_length or 255


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes resolved it, else the socket's peer address."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def model_name(model: type[models.Model] | str) -> str:
    """What the `model` column holds for `model`: its lower-case label, or the given text."""
    return model if isinstance(model, str) else model._meta.label_lower


def record(
    kind: str,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    *,
    model: type[models.Model] | str = "",
    ip_address: str | None = None,
    file_name: str = "",
    **fields: Any,
) -> AuditEvent:
    """Write one audit event of `kind` (AuditEvent.Kind).

    `user` may be anyone the registry serves: a signed-in user (stored), an anonymous visitor or
    the command-line operator (named only). The address comes from `request`, or `ip_address`
    when the caller has no request (service functions called by the admin)."""
    account = user if isinstance(user, get_user_model()) and user.pk is not None else None
    name = username or (account.get_username() if account else getattr(user, "username", "") or "")
    return AuditEvent.objects.create(
        kind=kind,
        user=account,
        username=name[:USERNAME_MAX],
        ip_address=client_address(request) if request is not None else ip_address,
        model=model_name(model),
        file_name=file_name[:FILE_NAME_MAX],
        **fields,
    )
