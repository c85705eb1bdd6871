"""The sentences of the plain-Python cores, in the user's language.

The cores (matching engine, MT940 parser) write English but keep each
sentence's template and values; the templates are in the add-on's
translations (``_lt`` in the core marks them for the export).
"""

from odoo.tools.translate import code_translations

from ..core.matching.texts import render


def in_user_language(env, module, text):
    """``text`` in ``env``'s language, from the translations of ``module``."""
    if not text:
        return text
    if (env.lang or "en_US") == "en_US":
        return str(text)
    translations = code_translations.get_python_translations(module, env.lang)
    return str(render(text, translations.get))
