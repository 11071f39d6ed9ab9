"""Names in pinyin order (李四, 王五, 张三), as staff and Excel sort them, not in code-point order.

* PostgreSQL: a name column declared as `PinyinCharField` has the ICU collation `zh-x-icu`, so
  `ORDER BY name` and the B-tree indexes on it ((name, id), ...) are in pinyin order by themselves.
* SQLite has no ICU collation: such a column has a companion `SortKeyField` named `<name>_pinyin`
  holding `sort_key(name)`, kept with the record on save() and bulk_create() (the field's pre_save),
  on save(update_fields=[name]) (a post_save signal writes the key too), on fixture loads (a
  pre_save signal) and by the bulk writers of imports and seed_scale (`add_sort_keys`). The key is
  kept on PostgreSQL too, so both databases hold the same rows.
* `Pinyin("name")` orders by the collated column on PostgreSQL and by the key elsewhere; models use
  it in Meta.ordering, and the admin maps a click on such a column's header to it
  (registry/admin/ordering.py).

The key follows ICU's zh order: symbols, digits, Chinese characters by pinyin syllable and tone
(lu before lü, both before luan), then Latin letters; character by character; case decides last.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache

from django.db import models
from django.db.models.signals import post_save, pre_save
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

COLLATION = "zh-x-icu"
KEY_SUFFIX = "_pinyin"
# Below every character a primary part uses (digits, letters, CJK): a shorter name sorts first.
LEVEL_SEPARATOR = "!"


def key_name(path: str) -> str:
    """The sort key's lookup path for a name's path (talent__name -> talent__name_pinyin)."""
    return path + KEY_SUFFIX


@lru_cache(maxsize=65536)
def character_key(char: str) -> tuple[str, str]:
    """(primary, tie-break) of one character: class digit, then pinyin + ü mark + tone for hanzi."""
    if char.isascii():
        if char.isdigit():
            return "1" + char, ""
        if char.isalpha():
            return "3" + char.lower(), "1" if char.isupper() else "0"
        return "0" + char, ""
    syllable = hanzi_syllable(char)
    if syllable:
        tone = syllable[-1] if syllable[-1].isdigit() else "5"
        letters = syllable.rstrip("012345")
        # ICU sorts lü right after lu (lu, lü, luan): compare as u, then a mark.
        return f"2{letters.replace('v', 'u')}{'1' if 'v' in letters else '0'}{tone}{char}", ""
    return ("4" if char.isalpha() else "0") + char, ""


def hanzi_syllable(char: str) -> str:
    """The most common reading of a Chinese character in TONE3 style (zhang1), or "" if it is none."""
    # One character at a time needs no phrase dictionary (none of its entries is a single character,
    # test_pinyin_order.py), and leaving it unloaded keeps about 44 MB out of every process that sorts.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import Style, lazy_pinyin  # a 40k-entry table: loaded on first use only

    reading = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    return reading[0] if reading and reading[0] != char else ""


def sort_key(text) -> str:
    """The text's key in pinyin order: comparing keys byte by byte compares the texts as ICU zh does."""
    if not text:
        return ""
    primary, ties = [], []
    for char in unicodedata.normalize("NFKC", str(text)):
        first, tie = character_key(char)
        primary.append(first)
        ties.append(tie)
    return "".join(primary) + LEVEL_SEPARATOR + "".join(ties)


class PinyinCharField(models.CharField):
    """A name column in pinyin order: ICU collation zh-x-icu on PostgreSQL (sort key elsewhere)."""

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = COLLATION
        return parameters


class SortKeyField(models.TextField):
    """`sort_key()` of the field named `source`, recomputed whenever the record is written."""

    def __init__(self, source: str, *args, **kwargs):
        self.source = source
        kwargs.setdefault("verbose_name", _("pinyin sort key"))
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for option, default in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(option, not default) == default:
                kwargs.pop(option, None)
        kwargs.pop("verbose_name", None)
        return name, path, [self.source, *args], kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        # Fixtures are saved raw (no pre_save() of fields); the signal is sent for them too.
        if not cls._meta.abstract:
            pre_save.connect(self.fill_before_save, sender=cls)
            post_save.connect(self.write_after_partial_save, sender=cls)

    def fill_before_save(self, sender, instance, **kwargs):
        self.pre_save(instance, add=False)

    def write_after_partial_save(self, sender, instance, using, update_fields, **kwargs):
        """save(update_fields=["name"]) writes only the name: write its key too (set before the save)."""
        if update_fields and self.source in update_fields and not {self.name, self.attname} & update_fields:
            key = {self.attname: self.value_from_object(instance)}
            sender._base_manager.using(using).filter(pk=instance.pk).update(**key)

    def pre_save(self, model_instance, add):
        value = sort_key(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def sort_key_fields(model) -> list[SortKeyField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SortKeyField)]


def has_sort_key(model, name: str) -> bool:
    return any(f.source == name for f in sort_key_fields(model))


def add_sort_keys(model, names, rows, trailing: int = 0):
    """(names, rows) for a bulk write that bypasses save(): every sort key whose source column is
    written is (re)computed; a key not among `names` is added after them. `trailing` values at the
    end of each row (a primary key for UPDATE ... WHERE pk) stay last."""
    names = list(names)
    keys = [f for f in sort_key_fields(model) if f.source in names]
    if not keys:
        return names, rows
    sources = [names.index(f.source) for f in keys]
    present = [names.index(f.attname) if f.attname in names else None for f in keys]
    added = [f.attname for f, position in zip(keys, present) if position is None]

    def with_keys(row):
        row = list(row)
        tail = row[len(row) - trailing :] if trailing else []
        values = row[: len(row) - trailing] if trailing else row
        extra = []
        for source, position in zip(sources, present):
            key = sort_key(values[source])
            if position is None:
                extra.append(key)
            else:
                values[position] = key
        return (*values, *extra, *tail)

    return names + added, (with_keys(row) for row in rows)


class PinyinColumn(models.Expression):
    """A name resolved twice, as its column and as its sort key; compiled as the one that sorts."""

    def __init__(self, column, key):
        super().__init__(output_field=column.output_field)
        self.column, self.key = column, key

    def get_source_expressions(self):
        return [self.column, self.key]

    def set_source_expressions(self, expressions):
        self.column, self.key = expressions

    def as_sql(self, compiler, connection):
        return compiler.compile(self.column)

    def as_sqlite(self, compiler, connection):
        return compiler.compile(self.key)


@deconstructible(path="registry.pinyin.Pinyin")
class Pinyin(models.Expression):
    """Order by a name in pinyin: `Pinyin("name")` in Meta.ordering, `Pinyin("talent__name").desc()`.

    Not an F: the compiler would swap an F for a selected column of the same name (values()),
    which on SQLite is the name, not its key."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        column = query.resolve_ref(self.name, allow_joins, reuse, summarize)
        key = query.resolve_ref(key_name(self.name), allow_joins, reuse, summarize)
        return PinyinColumn(column, key)

    # A related model's ordering borrowed through a foreign key (ordering by `employer`).
    def prefix_references(self, prefix):
        return Pinyin(prefix + self.name)


def ordering_term(model, part):
    """A changelist ordering term with a name sorted as a string ("name", "-name") made pinyin."""
    if isinstance(part, str) and has_sort_key(model, part.lstrip("-")):
        expression = Pinyin(part.lstrip("-"))
        return expression.desc() if part.startswith("-") else expression.asc()
    return part
