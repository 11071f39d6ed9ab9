"""Who is calling and what they may read: API keys, staff sessions, and the rate limit per caller.

Two ways in: `Authorization: Bearer <key>` for other systems, or the admin's own session (with
CSRF, as REST framework's SessionAuthentication checks it) for staff, who then read with their own
permissions and district scope. A key reads the record kinds it was given; a staff member reads the
models they hold the view permission of. Scope and masking are registry/access.py's, for both.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from .errors import KeyRefused, refused
from .keys import TOKEN_PREFIX, ApiClient, ApiKey, token_digest

KEYWORD = "Bearer"
# Far longer than any token; a longer header is not a key and is not hashed.
MAX_TOKEN_LENGTH = 200


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer skj_…`: a known key, neither revoked nor expired (401 otherwise)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2 or len(parts[1]) > MAX_TOKEN_LENGTH:
            raise KeyRefused(_("The Authorization header must be “Bearer” and one API key."), "key_invalid")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            token = ""
        key = None
        if token.startswith(TOKEN_PREFIX):
            key = ApiKey.objects.filter(digest=token_digest(token)).first()
        if key is None:
            raise KeyRefused(_("Unknown API key."), "key_invalid")
        if key.is_revoked:
            raise KeyRefused(_("This API key has been revoked."), "key_revoked")
        if key.is_expired:
            expired = formats.date_format(key.expires_at, "Y-m-d H:i")
            raise KeyRefused(_("This API key expired at %(time)s.") % {"time": expired}, "key_expired")
        key.touch(settings.API_KEY_LAST_USED_INTERVAL)
        return ApiClient(key), key

    def authenticate_header(self, request):
        # Makes REST framework answer 401 (not 403) to callers without credentials.
        return f'{KEYWORD} realm="api"'


def is_staff_user(user) -> bool:
    return bool(user.is_authenticated and not isinstance(user, ApiClient) and user.is_active and user.is_staff)


class MayRead(BasePermission):
    """A key's record kinds, or a staff member's view permission, for the view's `kind`."""

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        kind = view.kind
        resource = getattr(view, "resource", None)
        if isinstance(user, ApiClient):
            if kind is None or (resource is not None and resource.is_lookup) or user.may_read(kind):
                return True
            raise refused(_("This API key may not read “%(kind)s”.") % {"kind": kind})
        if not is_staff_user(user):
            raise refused(_("Only staff accounts may use the API with a login; other systems use an API key."))
        if resource is None:  # schema, docs and dashboard: what they show is limited inside
            return True
        opts = resource.model._meta
        if user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return True
        raise refused(_("You may not view %(records)s.") % {"records": opts.verbose_name_plural})


class CallerThrottle(SimpleRateThrottle):
    """API_THROTTLE_RATE requests per key (or per staff member; per address before authentication)."""

    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        user = request.user
        if isinstance(user, ApiClient):
            ident = f"key{user.key.pk}"
        elif user.is_authenticated:
            ident = f"user{user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
