"""Audit events for logins, failed logins and logouts (record changes are kept by simple-history)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate

from registry.audit import record
from registry.models import AuditEvent


def on_login(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, request, user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:  # logging out without a session is no event
        record(AuditEvent.Kind.LOGOUT, request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` by asterisks; keep only the name.
    record(AuditEvent.Kind.LOGIN_FAILED, request, username=str(credentials.get("username", "")))


def connect(app_config) -> None:
    from axes.signals import user_locked_out

    from registry import districts
    from registry.login_limits import on_locked_out
    from registry.roles import sync_roles_after_migrate

    user_locked_out.connect(on_locked_out, dispatch_uid="registry_end_locked_sessions")

    user_logged_in.connect(on_login, dispatch_uid="registry_audit_login")
    user_logged_out.connect(on_logout, dispatch_uid="registry_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="registry_audit_login_failed")
    districts.connect()
    post_migrate.connect(sync_roles_after_migrate, sender=app_config, dispatch_uid="registry_sync_roles")
