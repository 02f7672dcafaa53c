"""Count requests per key in Django's cache, to cap how often something may happen.

The cache is LocMem by default (one count per process) and Redis when ``CACHE_URL`` is
set (one count for every process), see the settings.
"""

from datetime import timedelta

from django.core.cache import cache

KEY_PREFIX = "ratelimit"


def ratelimit_hit(*, scope: str, key: str, limit: int, window: timedelta) -> bool:
    """Count one more event for ``key`` in ``scope``; True while the count is within
    ``limit`` for the ``window`` that started with the first event.

    Once over the limit, further hits still count, so hammering does not shorten the wait.
    """
    cache_key = f"{KEY_PREFIX}:{scope}:{key}"
    timeout = int(window.total_seconds())
    cache.add(cache_key, 0, timeout=timeout)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The window ended between add() and incr(): this hit starts a new one.
        cache.add(cache_key, 1, timeout=timeout)
        count = 1
    return count <= limit


def ratelimit_count(*, scope: str, key: str) -> int:
    """How many events ``key`` in ``scope`` has counted in its current window (0 when none)."""
    count: int = cache.get(f"{KEY_PREFIX}:{scope}:{key}", 0)
    return count
