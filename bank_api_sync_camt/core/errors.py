"""The one exception the camt core raises for bad input.

Its message names the line, the element path and, inside a statement, the
entry, e.g. ``line 42, Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt (entry 3,
ref 2026120100017): amount '12,5' is not a number``. The reason is a
``Reason`` of the MT940 core's kind (English template and values) so that the
Odoo glue can show it in the user's language.
"""


class Reason(str):
    """What is wrong, in English, from a ``%(name)s`` template and values."""

    def __new__(cls, template, **values):
        reason = super().__new__(cls, template % values if values else template)
        reason.template = template
        reason.values = values
        return reason

    def render(self, translate):
        """This reason in another language (``translate`` maps an English
        template to its translation, None keeps English)."""
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


class CamtError(ValueError):
    """Malformed, unsafe or inconsistent camt input.

    ``line`` is the 1-based line of the element in the file, ``path`` the
    element's path from the root by local names (``Stmt[1]/Ntry[3]/Amt``),
    ``entry`` which entry it is in (``"entry 3, ref X"``, or None outside
    entries), ``reason`` what is wrong.
    """

    def __init__(self, line, path, reason, entry=None):
        self.line = line
        self.path = path
        self.entry = entry
        self.reason = reason
        where = f"{path} ({entry})" if entry else path
        super().__init__(f"line {line}, {where}: {reason}")

    @property
    def field(self):
        """The element path: what the MT940 error calls its field, so that
        the importers report both alike."""
        return f"{self.path} ({self.entry})" if self.entry else self.path

    def __reduce__(self):
        return (type(self), (self.line, self.path, self.reason, self.entry))
