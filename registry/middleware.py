"""Request middleware: which forwarded headers to believe, and the language.

TrustedProxyMiddleware: X-Forwarded-Proto and X-Forwarded-For count only on requests from the
configured proxy (TRUSTED_PROXIES); there the client's address replaces the proxy's, so login
limits and the audit log see the real address.

CookieLocaleMiddleware: bureau staff get Chinese by default even on an English browser; English is
chosen explicitly through Django's set_language view, which stores the choice in the language cookie.
"""

from django.conf import settings
from django.utils import translation


class CookieLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR")


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if meta.get("REMOTE_ADDR") in settings.TRUSTED_PROXIES:
            forwarded_for = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
            if forwarded_for:
                meta["REMOTE_ADDR"] = forwarded_for[-1]  # the address the proxy itself saw
        else:
            for name in FORWARDED_HEADERS:
                meta.pop(name, None)
        return self.get_response(request)
