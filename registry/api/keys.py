"""API keys and the client a key stands for.

A key is a long random token shown once when it is created; the database keeps only a keyed
SHA-256 hash of it (HMAC with API_KEY_SECRET, by default SECRET_KEY), so a copy of the database does
not let anyone call the API. Each key states what its client may read: districts, record kinds,
personal data unmasked or not, pending (not yet approved) records or not. ApiClient presents those
to the access rules of registry/access.py in the shape of a user (has_perm, registry_districts), so
scope and masking are decided by the same functions as for staff.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "skj_"  # noqa: S105 - the fixed start of every token, not a secret
# Characters of the token after TOKEN_PREFIX shown in lists and logs to tell keys apart.
SHOWN_CHARACTERS = 8
DEFAULT_VALIDITY = datetime.timedelta(days=365)
# The client name keys appear under in the audit log (user name column).
AUDIT_NAME = "API:{prefix}"


def new_token() -> str:
    """A fresh token: the prefix and 43 URL-safe characters (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The keyed hash stored for a token (fast to compute, useless without the secret)."""
    secret = (getattr(settings, "API_KEY_SECRET", "") or settings.SECRET_KEY).encode()
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def default_expiry():
    return timezone.now() + DEFAULT_VALIDITY


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        """Keys neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiKey(models.Model):
    """A key another system uses to read the registry, with what it may read."""

    name = models.CharField(_("name"), max_length=100, help_text=_("The system or person using the key."))
    prefix = models.CharField(_("key begins with"), max_length=20, editable=False)
    digest = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    all_districts = models.BooleanField(
        _("all districts"),
        default=False,
        help_text=_("Records of the whole city. Otherwise only those of the divisions and zones chosen below."),
    )
    divisions = models.ManyToManyField("registry.Division", verbose_name=_("divisions"), blank=True, related_name="+")
    zones = models.ManyToManyField(
        "registry.DevelopmentZone", verbose_name=_("development zones"), blank=True, related_name="+"
    )
    record_kinds = models.JSONField(_("record kinds"), default=list, blank=True)
    personal_data = models.BooleanField(
        _("personal data unmasked"),
        default=False,
        help_text=_("Identity numbers, phones, e-mails and birth dates in full; otherwise masked as on screens."),
    )
    include_pending = models.BooleanField(
        _("may read records not yet approved"),
        default=False,
        help_text=_("Otherwise the key reads approved records only."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def set_token(self) -> str:
        """Give the key a new token; returns it (the only time it is seen) and keeps its hash."""
        token = new_token()
        self.prefix = token[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS]
        self.digest = token_digest(token)
        return token

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def clean(self):
        from .resources import KIND_NAMES

        unknown = sorted(set(self.record_kinds or ()) - set(KIND_NAMES))
        if unknown:
            message = _("Unknown record kinds: %(kinds)s") % {"kinds": ", ".join(unknown)}
            raise ValidationError({"record_kinds": message})

    def touch(self, interval: int) -> None:
        """Set the last-used time, at most once per `interval` seconds (a single UPDATE, no history)."""
        now = timezone.now()
        if self.last_used_at is not None and (now - self.last_used_at).total_seconds() < interval:
            return
        threshold = now - datetime.timedelta(seconds=interval)
        stale = models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=threshold)
        ApiKey.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now


class ApiClient:
    """The caller behind a valid key, as the access rules see a user.

    Permissions: view on the models of the key's record kinds (lookup lists always), and the
    personal-data permission when the key includes personal data; nothing else. Districts: the
    key's own (None, i.e. unscoped, only when the key covers all districts)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, key: ApiKey):
        self.key = key

    def __str__(self):
        return self.get_username()

    def get_username(self) -> str:
        return AUDIT_NAME.format(prefix=self.key.prefix)

    def registry_districts(self):
        """The key's districts for registry.access (None: the whole city)."""
        from registry.access import Districts

        if self.key.all_districts:
            return None
        return Districts(
            frozenset(self.key.divisions.values_list("pk", flat=True)),
            frozenset(self.key.zones.values_list("pk", flat=True)),
        )

    def may_read(self, kind: str) -> bool:
        return kind in (self.key.record_kinds or ())

    def has_perm(self, perm: str, obj=None) -> bool:
        from registry.access import PERSONAL_DATA_PERMISSION

        from .resources import readable_models

        if perm == PERSONAL_DATA_PERMISSION:
            return self.key.personal_data
        app_label, _dot, codename = perm.partition(".")
        action, _sep, model_name = codename.partition("_")
        return app_label == "registry" and action == "view" and model_name in readable_models(self)

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perms)
