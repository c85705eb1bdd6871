"""Sentences for people, translatable (the MT940 core's pattern).

A ``Text`` is its English sentence (a ``str``: plain-Python callers and tests
read it as it is) that keeps its ``%(name)s`` template and values, so that the
Odoo glue renders it in the user's language (``in_user_language`` of
``bank_api_sync``). ``_lt`` is the name Odoo's translation export looks for.
"""


class Text(str):
    def __new__(cls, template, **values):
        text = super().__new__(cls, template % values if values else template)
        text.template = template
        text.values = values
        return text

    def render(self, translate):
        """This sentence with ``translate`` (English template -> translated
        template) applied; a translation whose placeholders do not fit falls
        back to English."""
        values = {
            name: value.render(translate) if isinstance(value, Text) else value
            for name, value in self.values.items()
        }
        template = translate(self.template) or self.template
        try:
            return template % values if values else template
        except (KeyError, TypeError, ValueError):
            return self.template % values if values else self.template


def _lt(template, **values):
    return Text(template, **values)
