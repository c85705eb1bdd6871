"""The one exception the MT940 core raises for bad input.

Whatever is wrong with a file (bytes that are no text, a date that does not
exist, a statement whose balances do not add up, a file cut in the middle),
the parser raises :class:`Mt940Error`. Its message always names the line and
the field, e.g. ``line 14, field :61:: amount '12,3,4' is not a number``, so a
person can open the file and see the problem. The reason keeps its English
template and values (:class:`Reason`), so that the Odoo glue can show it in
the user's language; ``_lt`` is the name Odoo's translation export looks for.
"""


class Reason(str):
    """What is wrong, in English, from a ``%(name)s`` template and values."""

    def __new__(cls, template, **values):
        reason = super().__new__(cls, template % values if values else template)
        reason.template = template
        reason.values = values
        return reason

    def render(self, translate):
        """This reason in another language: ``translate`` maps an English
        template to its translation (None: keep English), reasons among the
        values too; a translation whose placeholders do not fit falls back to
        English."""
        values = {
            name: value.render(translate) if isinstance(value, Reason) else value
            for name, value in self.values.items()
        }
        template = translate(self.template) or self.template
        try:
            return template % values if values else template
        except (KeyError, TypeError, ValueError):
            return self.template % values if values else self.template


def _lt(template, **values):
    return Reason(template, **values)


class Mt940Warning:
    """Something the parser tolerated and says so: a bank's header line, a
    date that does not exist, a padded code. Same ``line``, ``field`` and
    ``reason`` as :class:`Mt940Error`; ``code`` names the kind of tolerance
    (``header_line``, ``impossible_date``, ``padded_type_code``)."""

    __slots__ = ("code", "field", "line", "reason")

    def __init__(self, line, field, reason, code):
        self.line = line
        self.field = field
        self.reason = reason
        self.code = code

    def __str__(self):
        return f"line {self.line}, field {self.field}: {self.reason}"

    def __repr__(self):
        return f"Mt940Warning({self.code!r}, {str(self)!r})"


class Mt940Error(ValueError):
    """Malformed or inconsistent MT940 input.

    ``line`` is the 1-based line number in the file, ``field`` the MT940 tag
    (``:61:``) or, outside any field, what was expected there; ``reason`` says
    what is wrong. ``str(error)`` joins them into one line.
    """

    def __init__(self, line: int, field: str, reason: str):
        self.line = line
        self.field = field
        self.reason = reason
        super().__init__(f"line {line}, field {field}: {reason}")

    def __reduce__(self):
        # Keeps the exception picklable (multiprocessing, Odoo's queue workers).
        return (type(self), (self.line, self.field, self.reason))
