import logging

from werkzeug.exceptions import RequestEntityTooLarge

from odoo import http
from odoo.http import request

from ..core.events import MalformedEventError, parse_event
from ..core.standard_webhooks import WebhookVerificationError
from ..models.bank_api_connection import WEBHOOK_ROUTE

_logger = logging.getLogger(__name__)

# Bank notifications are small; anything larger is not one.
MAX_BODY_BYTES = 256 * 1024


class BankApiWebhookController(http.Controller):
    @http.route(
        f"{WEBHOOK_ROUTE}/<string:token>",
        type="http",
        methods=["POST"],
        auth="public",
        csrf=False,
        save_session=False,
        max_content_length=MAX_BODY_BYTES,
    )
    def receive(self, token, **_params):
        """Verify, store, answer; processing runs afterwards (the cron).

        Odoo commits the request's transaction when this returns, before the
        answer leaves: a 200 means the event is in the database."""
        connection = request.env["bank.api.connection"]._webhook_connection_for_token(
            token
        )
        if not connection:
            return self._refuse(404, "unknown token")
        declared = request.httprequest.content_length
        if declared is not None and declared > MAX_BODY_BYTES:
            return self._refuse(413, "body too large", connection)
        try:
            # The route's max_content_length bounds the read itself, also
            # for a body sent without a Content-Length (chunked). Cached: when
            # a concurrent copy of the same delivery makes PostgreSQL abort
            # this transaction, Odoo runs the route again on the same request,
            # and an uncached body would then be empty (a false 401).
            body = request.httprequest.get_data(cache=True)
        except RequestEntityTooLarge:
            body = None
        if body is None or len(body) > MAX_BODY_BYTES:
            return self._refuse(413, "body too large", connection)
        try:
            delivery_id = connection._webhook_verify(request.httprequest.headers, body)
        except WebhookVerificationError as error:
            return self._refuse(401, error.reason, connection)
        try:
            event = parse_event(body)
        except MalformedEventError as error:
            return self._refuse(400, str(error), connection)
        events = request.env["bank.api.webhook.event"].sudo()
        if events._store_delivery(
            connection, delivery_id, event.event_type, body.decode()
        ):
            events._trigger_processing()
        return self._answer(200, "OK")

    def _refuse(self, status, reason, connection=None):
        """Log who was refused and why: never a secret, a header or the body.
        Refusals on a connection are kept and counted (a burst alerts); an
        unknown token names no connection: the log line is all there is."""
        _logger.warning(
            "Webhook refused (%s) from %s: %s%s",
            status,
            request.httprequest.remote_addr,
            reason,
            f" (connection {connection.id})" if connection else "",
        )
        if connection:
            request.env["bank.api.webhook.rejection"].sudo()._record(
                connection, status, reason, request.httprequest.remote_addr
            )
        if status == 404:
            # The same answer as an address that does not exist.
            raise request.not_found()
        return self._answer(status, reason if status == 400 else "Refused")

    def _answer(self, status, text):
        return request.make_response(
            text, headers=[("Content-Type", "text/plain")], status=status
        )
