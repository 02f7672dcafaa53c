"""Logging filters named in ``settings.LOGGING`` (plain: imported before the apps load)."""

import logging

# Set on a request whose refusal the authorisation log middleware has written down.
REFUSAL_LOGGED = "authorisation_refusal_logged"


class RefusalLoggedOnce(logging.Filter):
    """Drop Django's "Forbidden" / "Not Found" line for a request whose refusal is already
    logged, with who, what and from where, by ``AuthorisationLogMiddleware``: one refused
    request, one line on the console."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not getattr(request, REFUSAL_LOGGED, False)
