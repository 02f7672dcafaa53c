"""Reading per-language columns (``title_en``, ``title_fr``, ``title_es``) of catalogue rows,
and quoting titles in the reader's language."""

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

CONTENT_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def active_content_language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in CONTENT_LANGUAGES else settings.LANGUAGE_CODE


class TranslatedFieldsMixin:
    """Models with ``<field>_<lang>`` columns read them in the active language.

    An empty translation falls back to English, so a user never sees a blank title.
    """

    def translated(self, field: str) -> str:
        return self.translated_in(field, active_content_language())

    def translated_in(self, field: str, language: str) -> str:
        value = getattr(self, f"{field}_{language}", "")
        return value or getattr(self, f"{field}_{settings.LANGUAGE_CODE}")


def quoted(texts: Iterable[str]) -> str:
    """Titles in a sentence, each in the reader's quotation marks (“…” in English, «…» in
    French and Spanish), separated by commas."""
    return ", ".join(_("“%(text)s”") % {"text": text} for text in texts)
