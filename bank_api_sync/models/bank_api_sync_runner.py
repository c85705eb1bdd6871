import logging
import time
import zlib
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core import errors as core_errors
from ..core.statement_days import local_today
from ..core.windows import sync_window

_logger = logging.getLogger(__name__)

# First key of the advisory locks taken on connections (the second is the id).
LOCK_NAMESPACE = zlib.crc32(b"bank_api_sync.connection") & 0x7FFFFFFF


class BankApiSyncRunner(models.AbstractModel):
    """Runs syncs: which connections are due, one at a time each, and what
    happens when a bank or Odoo fails."""

    _name = "bank.api.sync.runner"
    _description = "Bank Sync Runner"

    @api.model
    def _cron_sync_due_connections(self):
        now = fields.Datetime.now()
        due = self.env["bank.api.connection"].search(
            [
                ("state", "in", ("connected", "consent_expiring", "error")),
                "|",
                ("next_sync_at", "=", False),
                ("next_sync_at", "<=", now),
            ]
        )
        for connection_id in due.ids:
            # Each connection in its own transaction: one broken bank never
            # rolls back another's statements, and what was imported is
            # committed before the next one starts.
            with self.env.registry.cursor() as cr:
                env = self.env(cr=cr)
                connection = env["bank.api.connection"].browse(connection_id)
                env["bank.api.sync.runner"]._sync_connection(connection, trigger="cron")

    @api.model
    def _try_lock(self, connection):
        """Whether this transaction may sync the connection: an advisory lock,
        held until commit, that another worker or server cannot take."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, connection.id)
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _sync_connection(
        self,
        connection,
        trigger,
        psu=None,
        date_from=None,
        date_to=None,
        started_by=None,
    ):
        """Sync every mapped account of ``connection``; returns the run's log.

        Never raises for a bank's failure: the outcome is in the log, the
        connection's state and chatter, and an activity when a person is needed.
        """
        # Everything the run creates belongs to the connection's company,
        # whichever company the scheduler or the person happens to be in.
        self = self.with_company(connection.company_id)
        connection = connection.with_company(connection.company_id)
        user_present = bool(psu)
        log = self.env["bank.api.sync.log"].create(
            {
                "connection_id": connection.id,
                "trigger": trigger,
                "user_present": user_present,
                "started_at": fields.Datetime.now(),
                "started_by_id": started_by.id if started_by else False,
            }
        )
        started = time.monotonic()
        if not self._try_lock(connection):
            self._finish(
                log, started, "skipped", self.env._("Another sync is running.")
            )
            return log
        if connection.state in ("draft", "expired"):
            self._finish(
                log,
                started,
                "skipped",
                self.env._(
                    "The connection is not connected (%(state)s).",
                    state=dict(
                        connection._fields["state"]._description_selection(self.env)
                    )[connection.state],
                ),
            )
            return log
        client = None
        fetched = 0
        try:
            client = connection._build_client(user_present=user_present, psu=psu)
            fetched, failures = self._sync_accounts(
                connection, client, log, date_from=date_from, date_to=date_to
            )
        except core_errors.RetryableError as error:
            self._postpone(connection, log, started, error)
        except core_errors.BankApiError as error:
            self._fail(
                connection, log, started, connection._describe_error(error), error
            )
        except Exception as error:
            _logger.exception("Bank sync of connection %s failed", connection.id)
            self._fail(
                connection, log, started, self._describe_odoo_error(error), error
            )
        else:
            if failures:
                self._fail(connection, log, started, "\n".join(failures), partial=True)
            else:
                self._succeed(connection, log, started)
        finally:
            if client is not None:
                log.api_calls = len(client.calls)
                connection._save_client_state(client, transactions=fetched)
        return log

    @api.model
    def _sync_accounts(self, connection, client, log, date_from=None, date_to=None):
        """Sync each account on its own: an account whose answer or import fails
        is reported and skipped, the others go on. Returns (transactions
        fetched, [failure messages]). Bank-wide errors (consent, credentials,
        unavailability) propagate and end the run."""
        importer = self.env["bank.api.statement.importer"]
        today = local_today(
            datetime.now(UTC), importer._company_tz(connection.company_id)
        )
        fetched = 0
        failures = []
        accounts = connection.account_ids.filtered(lambda a: a.active and a.journal_id)
        for account in accounts:
            window = (
                (date_from, date_to or today)
                if date_from
                else sync_window(
                    account.resume_from or None,
                    today,
                    initial_days=connection.initial_history_days,
                    overlap_days=connection.overlap_days,
                    max_history_days=connection.max_history_days,
                )
            )
            try:
                transactions, balances = self._fetch_account_transactions(
                    connection, client, account, window
                )
                fetched += len(transactions)
                with self.env.cr.savepoint():
                    result = importer._import_transactions(
                        account.journal_id,
                        transactions,
                        account=account,
                        pending_complete=True,
                    )
                    importer._update_balances(
                        account, client.window_clamped_to or window[0], balances
                    )
                    account.write(
                        {
                            "resume_from": window[1],
                            "last_sync_at": fields.Datetime.now(),
                        }
                    )
            except (core_errors.PeriodInvalid, core_errors.BankResponseError) as error:
                failures.append(f"{account.name}: {error}")
                continue
            except (UserError, ValidationError) as error:
                # Odoo refused the lines (configuration, constraint): nothing of
                # this account was kept; the next run retries it.
                _logger.warning(
                    "Bank sync of account %s refused: %s", account.id, error
                )
                failures.append(f"{account.name}: {self._describe_odoo_error(error)}")
                continue
            log._add(
                transactions_fetched=result.fetched,
                lines_created=result.created,
                duplicates_skipped=result.duplicates,
                pending_staged=result.pending_staged,
                pending_retired=result.pending_retired,
            )
            log.write(
                {
                    "window_from": min(filter(None, [log.window_from, window[0]])),
                    "window_to": window[1],
                }
            )
            self._after_account_import(account, result)
        return fetched, failures

    @api.model
    def _fetch_account_transactions(self, connection, client, account, window):
        """([core Transaction], [core Balance]) of one account for the window,
        booked and pending. Overridden by feeds that deliver another format
        (MT940 through the bank's API)."""
        core_account = account._core_account()
        transactions = list(
            client.iter_transactions(core_account, window[0], window[1], status="both")
        )
        return transactions, client.get_balances(core_account)

    @api.model
    def _after_account_import(self, account, result):
        """Match the new lines right away, in the same transaction: the
        invoices are paid the moment the statement arrives."""
        if not result.lines:
            return
        try:
            # A matching failure must never cost the import: the lines stay,
            # unmatched, and Match Now can be run on them later.
            with self.env.cr.savepoint():
                self.env["bank.api.matcher"]._match_statement_lines(
                    result.lines, trigger="sync"
                )
        except Exception:
            _logger.exception(
                "Matching the new lines of bank account %s failed; they stay "
                "unmatched until Match Now",
                account.id,
            )

    def _finish(self, log, started, status, message=None):
        log.write(
            {
                "status": status,
                "ended_at": fields.Datetime.now(),
                "duration": time.monotonic() - started,
                "message": "\n".join(filter(None, [log.message, message])) or False,
            }
        )

    def _succeed(self, connection, log, started):
        now = fields.Datetime.now()
        connection.write(
            {
                "last_sync_at": now,
                "last_success_at": now,
                "next_sync_at": now + timedelta(hours=connection.sync_interval_hours),
                "state": "connected"
                if connection.state == "error"
                else connection.state,
                "state_message": False,
            }
        )
        connection.activity_unlink(["bank_api_sync.mail_activity_type_sync_failure"])
        self._finish(log, started, "success")

    def _postpone(self, connection, log, started, error):
        now = fields.Datetime.now()
        retry_at = (
            error.retry_at.astimezone(UTC).replace(tzinfo=None)
            if error.retry_at
            else now + timedelta(hours=min(connection.sync_interval_hours, 1))
        )
        connection.write({"last_sync_at": now, "next_sync_at": max(retry_at, now)})
        self._finish(log, started, "postponed", connection._describe_error(error))

    def _describe_odoo_error(self, error):
        detail = error.args[0] if isinstance(error, UserError) else repr(error)
        return self.env._(
            "Odoo could not store what the bank sent: %(detail)s Nothing of that "
            "account was imported; the next sync retries it.",
            detail=detail,
        )

    def _fail(self, connection, log, started, message, error=None, partial=False):
        """Record a failure and tell the responsible user. ``partial``: some
        accounts were imported, the connection itself works."""
        expired = isinstance(error, core_errors.ConsentError)
        now = fields.Datetime.now()
        values = {
            "last_sync_at": now,
            "next_sync_at": now + timedelta(hours=connection.sync_interval_hours),
            "state_message": message,
        }
        if partial:
            values["last_success_at"] = now
        else:
            values["state"] = "expired" if expired else "error"
        connection.write(values)
        log._add(error_count=message.count("\n") + 1)
        self._finish(log, started, "partial" if partial else "failed", message)
        connection.message_post(
            body=self.env._("Bank sync failed: %(message)s", message=message)
        )
        activity_xmlid = (
            "bank_api_sync.mail_activity_type_consent_renewal"
            if expired
            else "bank_api_sync.mail_activity_type_sync_failure"
        )
        activity_type = self.env.ref(activity_xmlid)
        if not connection.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        ):
            connection.activity_schedule(
                activity_xmlid,
                summary=self.env._("Bank sync needs you"),
                note=message,
                user_id=(connection.user_id or self.env.user).id,
            )
