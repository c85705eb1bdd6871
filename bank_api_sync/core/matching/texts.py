"""The sentences the engine writes for people (reasons, notes), translatable.

A ``Text`` is its English sentence (a ``str``: plain-Python callers and tests
read it as it is) that keeps its template and values, so that the Odoo glue
can render it in the user's language. ``_lt`` is the name Odoo's translation
export looks for: the templates land in the add-on's ``.pot``.

What Odoo stores is language-neutral: ``to_source`` gives a sentence as JSON
(template, values, amounts as decimal strings, dates and times in ISO form)
and ``from_source`` gives it back, so that each reader sees it rendered in
their own language and number format (``render`` with a ``number`` formatter
for the amounts, dates and times).
"""

from datetime import date, datetime
from decimal import Decimal


class Text(str):
    """A sentence from a ``%(name)s`` template and its values (values may be
    texts themselves)."""

    def __new__(cls, template, **values):
        text = super().__new__(cls, template % values if values else template)
        text.template = template
        text.values = values
        return text

    def render(self, translate, number=str):
        """This sentence with ``translate`` (English template -> template in
        another language) applied to it and to the texts in its values, and
        ``number`` (a ``Decimal`` -> its text) to its amounts; a translation
        whose placeholders do not fit falls back to English."""
        values = {
            name: render(value, translate, number)
            for name, value in self.values.items()
        }
        translated = translate(self.template) or self.template
        try:
            return translated % values if values else translated
        except (KeyError, TypeError, ValueError):
            return self.template % values if values else self.template


class Joined(str):
    """Texts joined by a separator, each rendered on its own."""

    def __new__(cls, separator, parts):
        parts = list(parts)
        joined = super().__new__(cls, separator.join(parts))
        joined.separator = separator
        joined.parts = parts
        return joined

    def render(self, translate, number=str):
        return self.separator.join(
            render(part, translate, number) for part in self.parts
        )


def _lt(template, **values):
    return Text(template, **values)


def render(text, translate, number=str):
    """``text`` in another language when it renders itself (a ``Text``, a
    ``Joined``, another core's sentence), an amount (``Decimal``), a date or
    a time through ``number``, anything else unchanged (a name, a count, a
    reference)."""
    if isinstance(text, Text | Joined):
        return text.render(translate, number)
    if isinstance(text, Decimal | date):
        return number(text)
    renders = getattr(text, "render", None)
    return renders(translate) if callable(renders) else text


def to_source(text):
    """``text`` as JSON-able data that keeps what it says, not the language
    it was written in: a sentence as its English template and values (any
    core's ``Text``), joined texts as their parts, an amount as its decimal
    string; ``from_source`` reads it back."""
    if isinstance(text, Joined):
        return {
            "separator": text.separator,
            "parts": [to_source(part) for part in text.parts],
        }
    template = getattr(text, "template", None)
    if isinstance(text, str) and isinstance(template, str):
        values = getattr(text, "values", None) or {}
        return {
            "template": template,
            "values": {name: to_source(value) for name, value in values.items()},
        }
    if isinstance(text, Decimal):
        return {"decimal": str(text)}
    if isinstance(text, datetime):
        return {"datetime": text.isoformat()}
    if isinstance(text, date):
        return {"date": text.isoformat()}
    if text is None or isinstance(text, bool | int | float):
        return text
    return str(text)


def from_source(source):
    """The text ``to_source`` stored (a plain string stays as it is: a text
    written before, or by a person)."""
    if isinstance(source, list):
        return [from_source(item) for item in source]
    if not isinstance(source, dict):
        return source
    if "decimal" in source:
        return Decimal(source["decimal"])
    if "datetime" in source:
        return datetime.fromisoformat(source["datetime"])
    if "date" in source:
        return date.fromisoformat(source["date"])
    if "parts" in source:
        return Joined(source["separator"], map(from_source, source["parts"]))
    values = {name: from_source(value) for name, value in source["values"].items()}
    return Text(source["template"], **values)
