"""The French and Spanish translations: shown after a language switch, complete, compiled."""

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

LANGUAGES = ["fr", "es"]


def _po_files() -> list[Path]:
    return sorted(
        path
        for locale_path in settings.LOCALE_PATHS
        for language in LANGUAGES
        for path in (Path(locale_path) / language / "LC_MESSAGES").glob("*.po")
    )


def _catalog(path: Path):
    with path.open("rb") as po:
        return read_po(po)


def _switch_to(client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("language", "sign_in", "catalogue"),
    [
        ("fr", "Se connecter", "Catalogue des ODD"),
        ("es", "Iniciar sesión", "Catálogo de los ODS"),
    ],
)
def test_pages_speak_the_language_chosen(client, db, language, sign_in, catalogue):
    _switch_to(client, language)

    login = client.get(reverse("login")).content.decode()
    assert f'<html lang="{language}">' in login
    assert sign_in in login
    assert "Sign in" not in login

    page = client.get(reverse("catalogue")).content.decode()
    assert catalogue in page
    assert "SDG catalogue" not in page


def test_english_stays_the_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in" in page
    assert "Se connecter" not in page


def test_there_is_a_catalogue_for_each_language():
    languages = {path.parts[-3] for path in _po_files()}
    assert languages == set(LANGUAGES)


@pytest.mark.parametrize("path", _po_files(), ids=lambda path: path.parts[-3])
def test_every_message_is_translated_and_none_is_fuzzy(path):
    catalog = _catalog(path)
    assert not catalog.fuzzy, "the header is still marked fuzzy"
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if "fuzzy" in message.flags:
            fuzzy.append(message.id)
    assert untranslated == [], f"untranslated in {path}"
    assert fuzzy == [], f"fuzzy in {path}"


@pytest.mark.parametrize("path", _po_files(), ids=lambda path: path.parts[-3])
def test_translations_keep_placeholders_and_plural_forms(path):
    problems = [
        (message.id, [str(error) for error in errors]) for message, errors in _catalog(path).check()
    ]
    assert problems == []


@pytest.mark.parametrize("path", _po_files(), ids=lambda path: path.parts[-3])
def test_the_compiled_catalogue_matches_the_po_file(path):
    """The .mo is committed beside the .po: it must be compiled from the latest .po."""
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = []
    for message in _catalog(path):
        if not message.id:
            continue
        context = message.context
        if message.pluralizable:
            singular, plural = message.id
            for n, expected in ((1, message.string[0]), (2, message.string[-1])):
                if context:
                    compiled_text = translations.npgettext(context, singular, plural, n)
                else:
                    compiled_text = translations.ngettext(singular, plural, n)
                if compiled_text != expected:
                    stale.append(message.id)
        else:
            if context:
                compiled_text = translations.pgettext(context, message.id)
            else:
                compiled_text = translations.gettext(message.id)
            if compiled_text != message.string:
                stale.append(message.id)
    assert stale == [], f"{mo} is out of date: run compilemessages"
