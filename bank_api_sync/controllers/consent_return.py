import logging

from markupsafe import Markup, escape

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

# What the bank may add to the return address, bounded: it comes from outside.
MAX_PARAMS = 20
MAX_PARAM_LENGTH = 2048


class BankApiConsentReturn(http.Controller):
    """Where the bank sends the customer back after its consent page.

    The ``state`` it carries must be one this Odoo gave out, unused, recent,
    to the user now logged in: anything else is refused with a page that says
    so and a warning in the log (never the state itself). A good one
    completes the connection and opens its form, which tells how it went.
    """

    @http.route(
        "/bank_api_sync/consent/return",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=False,
    )
    def consent_return(self, state=None, **params):
        authorizations = request.env["bank.api.consent.authorization"]
        authorization_sudo, refused = authorizations._redeem(state)
        if refused:
            _logger.warning(
                "Bank consent return refused (%s): user %s, from %s",
                refused,
                request.env.uid,
                request.httprequest.remote_addr,
            )
            # No connection is known from a refused state: the event is the
            # company's, for the administrators to see who tried what.
            request.env["bank.api.security.event"]._record_security_event(
                "redirect_refused",
                description=f"Consent return refused: {refused}",
            )
            return self._refused_page(refused)
        connection = (
            request.env["bank.api.connection"]
            .with_company(authorization_sudo.company_id)
            .browse(authorization_sudo.connection_id.id)
        )
        try:
            # What the authorization was started for (the connection's
            # consent; another add-on's, e.g. a payment's) completes it and
            # names the page to show next.
            target = authorization_sudo._complete(connection, self._bank_params(params))
        except (AccessError, UserError) as error:
            # The state is spent (its UPDATE commits with this answer).
            _logger.warning(
                "Bank consent return for connection %s not completed: %s",
                connection.id,
                error,
            )
            return self._refused_page("not_allowed", str(error))
        return request.redirect(target)

    @staticmethod
    def _bank_params(params):
        """The bank's query parameters as text, each and all bounded."""
        return {
            str(name)[:64]: str(value)[:MAX_PARAM_LENGTH]
            for name, value in list(params.items())[:MAX_PARAMS]
            if isinstance(value, str)
        }

    def _refused_page(self, refused, detail=None):
        env = request.env
        reasons = {
            "unknown": env._(
                "This link does not come from a consent started in this Odoo."
            ),
            "replayed": env._("This consent was already completed with this link."),
            "stale": env._(
                "The link expired: the bank's page took longer than 15 minutes."
            ),
            "other_user": env._(
                "Another user started this consent: only they can complete it."
            ),
            "other_company": env._(
                "This consent belongs to a company you no longer work in."
            ),
            "not_allowed": detail or "",
        }
        title = env._("The bank consent was not completed")
        advice = env._("Open the bank connection and click Connect to start again.")
        body = Markup(
            "<!DOCTYPE html><html><head><meta charset='utf-8'/><title>%s</title>"
            "</head><body><main class='o_bank_api_consent_refused'><h1>%s</h1>"
            "<p>%s</p><p>%s</p><p><a href='/odoo/bank-connections'>%s</a></p>"
            "</main></body></html>"
        ) % (
            title,
            title,
            reasons.get(refused, ""),
            advice,
            escape(env._("Bank connections")),
        )
        return request.make_response(
            body,
            headers=[("Content-Type", "text/html; charset=utf-8")],
            status=400,
        )
