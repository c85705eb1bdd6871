"""The sentences of the plain-Python cores, in the reader's language.

The cores (matching engine, MT940 parser) write English but keep each
sentence's template and values; the templates are in the add-on's
translations (``_lt`` in the core marks them for the export).

What the matching writes on records is stored language-neutral
(``stored_text``: the sentences as JSON) and rendered when read
(``read_text``), in the reader's language and number format: a reason
computed by an English user reads in Polish for a Polish one.
"""

from datetime import date, datetime
from decimal import Decimal

from markupsafe import Markup, escape

from odoo.tools import SQL, escape_psql
from odoo.tools.misc import format_date, format_datetime, formatLang
from odoo.tools.translate import code_translations

from ..core.matching.texts import Joined, Text, from_source, render, to_source

# The help of the fields that keep a text language-neutral.
LANGUAGE_NEUTRAL = (
    "The text language-neutral (templates, values, amounts): each reader "
    "reads it in their own language and number format."
)


def in_user_language(env, module, text):
    """``text`` in ``env``'s language, from the translations of ``module``,
    its amounts in that language's number format."""
    if not text:
        return text
    lang = env.lang or "en_US"
    if lang == "en_US":
        translate = {}.get
    else:
        translate = code_translations.get_python_translations(module, lang).get
    return str(render(text, translate, lambda amount: _number(env, amount)))


def stored_text(text, module=None):
    """What a field ``*_source`` keeps of ``text`` (False when none); the
    sentences of another add-on than ``bank_api_sync`` name ``module``, whose
    translations render them."""
    if not text:
        return False
    if module:
        return {"module": module, "text": to_source(text)}
    return to_source(text)


def read_text(env, module, source):
    """The text stored by ``stored_text``, for the reader of ``env``."""
    if not source:
        return False
    if isinstance(source, dict) and "module" in source:
        module, source = source["module"], source["text"]
    return in_user_language(env, module, from_source(source))


def post_text(record, text, module="bank_api_sync", html=False, **kwargs):
    """Post ``text`` (a ``Text``: ``_lt(template, **values)``, the template
    in the translations of ``module``) on ``record``'s chatter, language-
    neutral: the body is its English rendering (search, e-mails and other
    readers read that), and the message keeps its template and values, so
    that each reader of the chatter reads it in their own language and
    number format (``body_text``). ``html``: the template is HTML (its tags
    kept, the values escaped); otherwise the whole text is plain text.
    ``kwargs`` go to ``message_post``."""
    source = {"module": module, "text": to_source(text), "html": bool(html)}
    english = record.env(context=dict(record.env.context, lang="en_US"))
    return record.message_post(
        body=body_text(english, source), bank_api_body_source=source, **kwargs
    )


def body_text(env, source):
    """The body (``Markup``) of a message posted by ``post_text``, for the
    reader of ``env``."""
    text = from_source(source["text"])
    lang = env.lang or "en_US"
    if lang == "en_US":
        translations = {}
    else:
        translations = code_translations.get_python_translations(source["module"], lang)

    def number(amount):
        return _number(env, amount)

    if not source.get("html"):
        return escape(str(render(text, translations.get, number)))

    def translate(template):
        return Markup(translations.get(template) or template)

    return Markup(render(_escaped(text), translate, number))


def _escaped(text):
    """``text`` with its values escaped for HTML (its templates kept)."""
    if isinstance(text, Joined):
        return Joined(escape(text.separator), [_escaped(part) for part in text.parts])
    if isinstance(text, Text):
        values = {name: _escaped(value) for name, value in text.values.items()}
        return Text(text.template, **values)
    if isinstance(text, str):
        return escape(text)
    if text is None or isinstance(text, bool | int | float | Decimal | date):
        return text
    return escape(str(text))


def search_text(model, source_field, operator, value):
    """A domain on a text rendered from ``source_field``: set or not, or
    containing ``value`` (matched against the template and its values)."""
    if value is False or value is None:
        if operator not in ("=", "!="):
            raise NotImplementedError(operator)
        return [(source_field, operator, False)]
    if operator not in ("ilike", "not ilike"):
        raise NotImplementedError(operator)
    model.flush_model([source_field])
    model.env.cr.execute(
        SQL(
            "SELECT id FROM %s WHERE %s::text ILIKE %s",
            SQL.identifier(model._table),
            SQL.identifier(source_field),
            f"%{escape_psql(value)}%",
        )
    )
    ids = [row[0] for row in model.env.cr.fetchall()]
    return [("id", "in" if operator == "ilike" else "not in", ids)]


def _number(env, amount):
    """``amount`` (a ``Decimal``) with the reader's separators, at least
    two decimals; a date or a time (UTC) in the reader's format (and time
    zone)."""
    if isinstance(amount, datetime):
        return format_datetime(env, amount, dt_format=False)
    if isinstance(amount, date):
        return format_date(env, amount)
    digits = max(2, -amount.as_tuple().exponent)
    return formatLang(env, float(amount), digits=digits)
