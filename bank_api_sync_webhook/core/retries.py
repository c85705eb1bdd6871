"""When a webhook event whose processing failed is tried again."""

from datetime import timedelta

MAX_ATTEMPTS = 5
FIRST_DELAY = timedelta(minutes=1)


def retry_delay(attempts):
    """The wait after the ``attempts``-th failed try (1, 2, 4, 8 minutes...),
    or None when it was the last one and the event is dead-lettered."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return FIRST_DELAY * 2 ** (attempts - 1)
