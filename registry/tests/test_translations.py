"""The zh_Hans catalogue is complete and its compiled .mo matches the .po."""

import ast
import gettext
from pathlib import Path
from typing import Any

from django.apps import apps
from django.test import SimpleTestCase
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES"


def parse_po(path: Path) -> dict[str, str]:
    """Entries of a .po file as {msgid: msgstr} (msgctxt joined with \\x04, as gettext does)."""
    entries: dict[Any, str] = {}  # msgid, or (msgid, index) for plural forms
    current: dict[str, str] = {}
    key: Any = None

    def flush():
        if "msgid" in current:
            msgid = current["msgid"]
            if "msgctxt" in current:
                msgid = current["msgctxt"] + "\x04" + msgid
            if "msgid_plural" in current:
                msgid = msgid  # plural forms are keyed by singular with an index
                for name, value in current.items():
                    if name.startswith("msgstr["):
                        entries[(msgid, int(name[7:-1]))] = value
            else:
                entries[msgid] = current.get("msgstr", "")

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if line.startswith("#~"):
                continue
            if not line and current:
                flush()
                current, key = {}, None
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _, value = line.partition(" ")
        current[key] = ast.literal_eval(value)
    if current:
        flush()
    return entries


class CatalogueTests(SimpleTestCase):
    def test_every_message_is_translated_and_none_is_fuzzy(self):
        text = (LOCALE / "django.po").read_text(encoding="utf-8")
        body = text.split("\n\n", 1)[1]
        self.assertNotIn("#, fuzzy", body, "fuzzy entries in django.po: review them")
        untranslated = [msgid for msgid, msgstr in parse_po(LOCALE / "django.po").items() if msgid and not msgstr]
        self.assertEqual(untranslated, [], "untranslated entries in django.po")

    def test_compiled_catalogue_matches_the_po_file(self):
        po = {k: v for k, v in parse_po(LOCALE / "django.po").items() if k and v}
        with open(LOCALE / "django.mo", "rb") as handle:
            mo = gettext.GNUTranslations(handle)
        compiled = {k: v for k, v in vars(mo)["_catalog"].items() if k}
        self.assertEqual(compiled, po, "django.mo is stale: run `make messages` and commit the .mo")


class LabelTests(SimpleTestCase):
    def test_every_registry_model_and_field_has_a_chinese_label(self):
        missing = []
        with translation.override("zh-hans"):
            for model in apps.get_app_config("registry").get_models():
                if model.__name__.startswith("Historical"):
                    continue
                labels = [(model.__name__, model._meta.verbose_name)]
                labels += [
                    (f"{model.__name__}.{field.name}", field.verbose_name)
                    for field in model._meta.get_fields()
                    if hasattr(field, "verbose_name") and not field.auto_created
                ]
                missing += [name for name, label in labels if not has_chinese(str(label))]
        self.assertEqual(missing, [], "labels without a zh_Hans translation")


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
