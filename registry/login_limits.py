"""Login limits on top of django-axes: per user name and address, and per account across addresses.

django-axes compares one failure count with one limit (AXES_FAILURE_LIMIT). AccountLockHandler
gives it two: AXES_FAILURE_LIMIT failures of one user name from one address lock that pair (as
before), and AXES_ACCOUNT_FAILURE_LIMIT failures of one user name from any number of addresses
lock the account itself, so guesses spread over many addresses are stopped too. When an account
is locked that way, its open sessions end (end_sessions): whoever might be inside is logged out.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db.models import Sum
from django.utils import timezone

log = logging.getLogger(__name__)


class FailureCounts(NamedTuple):
    """Failed logins within the cool-off time: of this user name from this address, and in all."""

    from_address: int
    account: int


def failure_counts(request, credentials=None) -> FailureCounts:
    attempts = AccessAttempt.objects.filter(username=get_client_username(request, credentials))
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return FailureCounts(_total(attempts.filter(ip_address=address)), _total(attempts))


def _total(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class AccountLockHandler(AxesDatabaseHandler):
    """django-axes' database handler with the per-account limit added (see the module docstring)."""

    # axes locks when this count reaches AXES_FAILURE_LIMIT: report the pair's failures, or at
    # least that limit once the account as a whole has failed too often.
    def get_failures(self, request, credentials=None) -> int:
        counts = failure_counts(request, credentials)
        if counts.account >= settings.AXES_ACCOUNT_FAILURE_LIMIT:
            request.registry_account_locked = True
            return max(counts.from_address, settings.AXES_FAILURE_LIMIT)
        return counts.from_address


def end_sessions(username: str) -> int:
    """Delete every open session of the user named `username`; returns how many ended."""
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        return 0
    # Sessions are not indexed by user; a bureau has few open ones, so reading them is cheap.
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def on_locked_out(sender, request=None, username=None, **kwargs):
    """axes' user_locked_out signal: a lock of the whole account ends the account's sessions."""
    if username and getattr(request, "registry_account_locked", False):
        count = end_sessions(username)
        log.warning("Account %s locked after failures from several addresses; %d sessions ended", username, count)
