"""Template context every page needs: the languages to switch between and the product name."""

from django.conf import settings


def servicehall(request):
    return {
        "SERVICEHALL_LANGUAGES": settings.LANGUAGES,
        "SERVICEHALL_ENV": settings.SERVICEHALL_ENV,
    }
