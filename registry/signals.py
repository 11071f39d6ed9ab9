"""Audit events for logins, failed logins and logouts (record changes are kept by simple-history)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate

from registry.models import AuditEvent

USERNAME_MAX = AuditEvent._meta.get_field("username").max_length


def client_address(request) -> str | None:
    """The client's address as django-axes resolved it, else the socket's peer address."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def record_event(kind, request=None, user=None, username="", **fields) -> AuditEvent:
    """Write one audit event; the user may be missing (failed login) and is then named only."""
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:USERNAME_MAX],
        ip_address=client_address(request),
        **fields,
    )


def on_login(sender, request, user, **kwargs):
    record_event(AuditEvent.Kind.LOGIN, request, user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:  # logging out without a session is no event
        record_event(AuditEvent.Kind.LOGOUT, request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` by asterisks; keep only the name.
    record_event(AuditEvent.Kind.LOGIN_FAILED, request, username=str(credentials.get("username", "")))


def connect(app_config) -> None:
    from axes.signals import user_locked_out

    from registry.login_limits import on_locked_out
    from registry.roles import sync_roles_after_migrate

    user_locked_out.connect(on_locked_out, dispatch_uid="registry_end_locked_sessions")

    user_logged_in.connect(on_login, dispatch_uid="registry_audit_login")
    user_logged_out.connect(on_logout, dispatch_uid="registry_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="registry_audit_login_failed")
    post_migrate.connect(sync_roles_after_migrate, sender=app_config, dispatch_uid="registry_sync_roles")
