"""The sentences the engine writes for people (reasons, notes), translatable.

A ``Text`` is its English sentence (a ``str``: plain-Python callers and tests
read it as it is) that keeps its template and values, so that the Odoo glue
can render it in the user's language. ``_lt`` is the name Odoo's translation
export looks for: the templates land in the add-on's ``.pot``.
"""


class Text(str):
    """A sentence from a ``%(name)s`` template and its values (values may be
    texts themselves)."""

    def __new__(cls, template, **values):
        text = super().__new__(cls, template % values if values else template)
        text.template = template
        text.values = values
        return text

    def render(self, translate):
        """This sentence with ``translate`` (English template -> template in
        another language) applied to it and to the texts in its values; a
        translation whose placeholders do not fit falls back to English."""
        values = {name: render(value, translate) for name, value in self.values.items()}
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

    def render(self, translate):
        return self.separator.join(render(part, translate) for part in self.parts)


def _lt(template, **values):
    return Text(template, **values)


def render(text, translate):
    """``text`` in another language when it renders itself (a ``Text``, a
    ``Joined``, another core's sentence), unchanged otherwise (a name, a
    number, a document reference)."""
    renders = getattr(text, "render", None)
    return renders(translate) if callable(renders) else text
