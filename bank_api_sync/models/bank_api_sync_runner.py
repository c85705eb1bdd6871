import logging
import time
import zlib
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core import errors as core_errors
from ..core.matching.texts import _lt
from ..core.sanity import Rejected, raw_data_kept, raw_excerpt
from ..core.statement_days import local_today
from ..core.windows import import_chunks, sync_window
from .core_texts import post_text

_logger = logging.getLogger(__name__)

# First key of the advisory locks taken on connections (the second is the id).
LOCK_NAMESPACE = zlib.crc32(b"bank_api_sync.connection") & 0x7FFFFFFF
# A scheduled run starts with an access token valid at least this long.
TOKEN_MARGIN = timedelta(minutes=15)
# A scheduled run commits an account's import every this many lines (at the
# end of a booking day), so that a run killed half-way keeps what it imported.
IMPORT_PART = 2000


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
                ("security_blocked", "=", False),
                "|",
                ("next_sync_at", "=", False),
                ("next_sync_at", "<=", now),
            ]
        )
        for connection_id in due.ids:
            with self.env.registry.cursor() as cr:
                env = self.env(cr=cr)
                connection = env["bank.api.connection"].browse(connection_id)
                renewal_calls = env["bank.api.sync.runner"]._renew_token_before_run(
                    connection
                )
            # Each connection in its own transaction, committed part by part:
            # one broken bank never rolls back another's statements, and a run
            # killed half-way keeps what it imported.
            with self.env.registry.cursor() as cr:
                env = self.env(cr=cr)
                connection = env["bank.api.connection"].browse(connection_id)
                env["bank.api.sync.runner"]._sync_connection(
                    connection,
                    trigger="cron",
                    # Sync in Background: the run is the person's, who is
                    # told its progress and outcome.
                    started_by=connection.sync_requested_by_id or None,
                    # A long period asked for (Sync a Period), if any.
                    date_from=connection.sync_requested_from or None,
                    date_to=connection.sync_requested_to or None,
                    commit_progress=True,
                    calls_before=renewal_calls,
                )

    @api.model
    def _sync_connection_apart(self, connection, **kwargs):
        """A run started by a person (Sync Now, Sync a Period), in
        transactions of its own as a scheduled run: its log is committed
        before any bank call and each imported part as it is done, so a
        request killed half-way (a worker's time limit, a restart) still
        leaves its log and keeps what it imported, and a serialization
        failure is retried once. Returns the notification of its outcome,
        read as the person who started it."""
        self.env.flush_all()
        user = self.env.user
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)
            renewal_calls = env[self._name]._renew_token_before_run(
                env["bank.api.connection"].browse(connection.id)
            )
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)
            log = env[self._name]._sync_connection(
                env["bank.api.connection"].browse(connection.id),
                commit_progress=True,
                calls_before=renewal_calls,
                **kwargs,
            )
            action = log.with_user(user).sudo(False)._notification_action()
        # What the request read before the run is stale now.
        self.env.invalidate_all()
        return action

    @api.model
    def _renew_token_before_run(self, connection):
        """Renew an access token that would expire during the run, in a
        transaction of its own. Banks rotate refresh tokens (the old one stops
        working): renewed inside a run that a worker's time limit or a restart
        then kills, the new one would be rolled back and the connection could
        not authenticate any more without the user's authorisation (PolishAPI).
        Failures are left to the run, which reports them. Returns the number
        of calls made (the run's log counts them)."""
        # The lock before anything is read: what a run that held it wrote is
        # then in this transaction's snapshot, and our writes never collide.
        if not self._try_lock(connection):
            return 0
        connection_sudo = connection.sudo()
        expires_at = connection_sudo.token_expires_at
        if (
            connection.state not in ("connected", "consent_expiring", "error")
            or not connection_sudo.refresh_token_encrypted
            or (expires_at and expires_at > fields.Datetime.now() + TOKEN_MARGIN)
        ):
            return 0
        connection = connection.with_company(connection.company_id)
        try:
            client = connection._build_client()
        except UserError:
            return 0  # a configuration the run reports
        try:
            client.authenticate()
        except core_errors.BankApiError as error:
            _logger.info(
                "Renewing the token of bank connection %s before its run "
                "failed (%s); the run reports it",
                connection.id,
                type(error).__name__,
            )
        calls = len(client.calls)
        connection._save_client_state(client)
        return calls

    @api.model
    def _try_lock(self, connection, across_commits=False):
        """Whether this transaction may sync the connection: an advisory lock
        that another worker or server cannot take, held until commit, or
        ``across_commits`` until ``_unlock`` (or the database session ends)."""
        query = (
            "SELECT pg_try_advisory_lock(%s, %s)"
            if across_commits
            else "SELECT pg_try_advisory_xact_lock(%s, %s)"
        )
        self.env.cr.execute(query, (LOCK_NAMESPACE, connection.id))
        return self.env.cr.fetchone()[0]

    @api.model
    def _lock_held(self, connection):
        """Whether another database session holds the connection's lock (a
        sync of it runs), without taking it. pg_locks lists the locks of
        every database of the server: another database's connection with the
        same id is not this one."""
        self.env.cr.execute(
            """
            SELECT 1 FROM pg_locks
             WHERE locktype = 'advisory' AND granted
               AND database = (
                   SELECT oid FROM pg_database WHERE datname = current_database()
               )
               AND classid = %s AND objid = %s AND pid != pg_backend_pid()
            """,
            (LOCK_NAMESPACE, connection.id),
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _unlock(self, connection):
        self.env.cr.execute(
            "SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, connection.id)
        )

    @api.model
    def _sync_connection(
        self,
        connection,
        trigger,
        psu=None,
        date_from=None,
        date_to=None,
        started_by=None,
        commit_progress=False,
        calls_before=0,
    ):
        """Sync every mapped account of ``connection``; returns the run's log.

        Never raises for a bank's failure: the outcome is in the log, the
        connection's state and chatter, and an activity when a person is needed.
        ``commit_progress`` (the scheduler, which owns its cursor): commit
        each imported part of each account as it is done. ``calls_before``:
        calls made for this run before it started (renewing the token).
        """
        with self._connection_lock(connection, commit_progress) as locked:
            if commit_progress:
                # The lock was this transaction's first statement: a new one
                # starts now, whose snapshot sees all that the run before us
                # committed (read earlier, our writes would collide with it).
                self.env.cr.commit()  # pylint: disable=invalid-commit
            # Everything the run creates belongs to the connection's company,
            # whichever company the scheduler or the person happens to be in.
            self = self.with_company(connection.company_id)
            connection = connection.with_company(connection.company_id)
            log = self.env["bank.api.sync.log"].create(
                {
                    "connection_id": connection.id,
                    "trigger": trigger,
                    "user_present": bool(psu),
                    "started_at": fields.Datetime.now(),
                    "started_by_id": started_by.id if started_by else False,
                    "api_calls": calls_before,
                }
            )
            if trigger == "cron" and connection.sync_requested_at:
                # The request is taken: a new click queues a new run.
                connection.sudo().write(
                    {
                        "sync_requested_by_id": False,
                        "sync_requested_at": False,
                        "sync_requested_from": False,
                        "sync_requested_to": False,
                    }
                )
            if commit_progress:
                # The log in a transaction of its own, before any bank call: a
                # run killed before its first part still leaves its trace.
                self.env.cr.commit()  # pylint: disable=invalid-commit
            started = time.monotonic()
            if not locked:
                self._finish(
                    log, started, "skipped", self.env._("Another sync is running.")
                )
                log._notify_requester()
                return log
            self._close_interrupted_logs(connection, log)
            for attempt in (1, 2):
                try:
                    self._run_locked(
                        connection,
                        log,
                        started,
                        psu=psu,
                        date_from=date_from,
                        date_to=date_to,
                        commit_progress=commit_progress,
                    )
                    break
                except pg_errors.SerializationFailure:
                    if not commit_progress:
                        raise  # the request's own: Odoo retries the request
                    self.env.cr.rollback()
                    if attempt == 2:
                        self._finish(
                            log, started, "failed", self._serialization_message()
                        )
                        break
                    _logger.info(
                        "Bank sync of connection %s met a concurrent update; "
                        "retrying once from what it committed",
                        connection.id,
                    )
            log._notify_requester()
            if commit_progress:
                # Before the lock goes: a run starting meanwhile would import
                # this run's last part again.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return log

    @api.model
    def _run_locked(
        self, connection, log, started, psu, date_from, date_to, commit_progress
    ):
        """The run itself, the lock held; the outcome goes to ``log``. A
        serialization failure propagates (its transaction is lost)."""
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
            return
        client = None
        unrecorded = 0
        lost = False
        try:
            client = connection._build_client(user_present=bool(psu), psu=psu)
            unrecorded, failures = self._sync_accounts(
                connection,
                client,
                log,
                date_from=date_from,
                date_to=date_to,
                commit_progress=commit_progress,
            )
        except pg_errors.SerializationFailure:
            lost = True
            raise
        except core_errors.RetryableError as error:
            self._postpone(connection, log, started, error)
        except core_errors.BankApiError as error:
            self._record_refused_answer(connection, error)
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
            if client is not None and not lost:
                self._save_progress(connection, client, log, unrecorded)

    def _serialization_message(self):
        return self.env._(
            "Another transaction changed the same records twice in a row "
            "(PostgreSQL serialization failure); what the run committed before "
            "was kept, the next run goes on from there."
        )

    @api.model
    def _sync_accounts(
        self,
        connection,
        client,
        log,
        date_from=None,
        date_to=None,
        commit_progress=False,
    ):
        """Sync each account on its own: an account whose answer or import fails
        is reported and skipped, the others go on. Returns (transactions
        fetched and not yet in the usage ledger, [failure messages]). Bank-wide
        errors (consent, credentials, unavailability) propagate and end the
        run."""
        importer = self.env["bank.api.statement.importer"]
        today = local_today(
            datetime.now(UTC), importer._company_tz(connection.company_id)
        )
        unrecorded = 0
        failures = []
        scopes = connection._sync_scopes()
        self._note_scopes(connection, log, scopes)
        accounts = self._accounts_to_sync(connection)
        for done, account in enumerate(accounts, 1):
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
                if "transactions" not in scopes:
                    self._update_balances_only(account, log, client, scopes, window[1])
                else:
                    transactions, balances = self._fetch_account_transactions(
                        connection, client, account, window
                    )
                    if "balances" not in scopes:
                        balances = []  # not in the consent's scope: no check
                    transactions, aside = self._set_aside(
                        account, client, log, transactions
                    )
                    failures += aside
                    unrecorded += len(transactions)
                    parts = import_chunks(transactions, IMPORT_PART)
                    for transactions_part, last_day in parts:
                        self._import_part(
                            account,
                            log,
                            client,
                            window,
                            transactions_part,
                            last_day,
                            balances,
                        )
                        if commit_progress and last_day:
                            self._save_progress(connection, client, log, unrecorded)
                            unrecorded = 0
                            self.env.cr.commit()  # pylint: disable=invalid-commit
                    log.write(
                        {
                            "window_from": min(
                                filter(None, [log.window_from, window[0]])
                            ),
                            "window_to": window[1],
                        }
                    )
            except (core_errors.PeriodInvalid, core_errors.BankResponseError) as error:
                failures.append(f"{account.name}: {error}")
                self._record_refused_answer(connection, error)
            except (UserError, ValidationError) as error:
                # Odoo refused the lines (configuration, constraint): nothing of
                # this part was kept; the next run retries it.
                _logger.warning(
                    "Bank sync of account %s refused: %s", account.id, error
                )
                failures.append(f"{account.name}: {self._describe_odoo_error(error)}")
            if log._notifies_requester():
                log._notify_progress(done, len(accounts))
                if commit_progress:
                    # The notification reaches the person with the commit.
                    self._save_progress(connection, client, log, unrecorded)
                    unrecorded = 0
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return unrecorded, failures

    @api.model
    def _note_scopes(self, connection, log, scopes):
        """Say in the log what the consent's scope leaves out of the run."""
        notes = []
        if "transactions" not in scopes:
            notes.append(
                self.env._(
                    "Transactions are not in the consent's scope of this "
                    "connection: none were fetched, only balances were updated."
                )
                if "balances" in scopes
                else self.env._(
                    "Transactions are not in the consent's scope of this "
                    "connection: none were fetched."
                )
            )
        if "balances" not in scopes:
            notes.append(
                self.env._(
                    "Balances are not in the consent's scope of this connection: "
                    "no balance was read or checked."
                )
            )
        if scopes != connection._access_scopes():
            notes.append(
                self.env._(
                    "The connection asks for more than its consent covers: "
                    "renew the consent (Renew Consent)."
                )
            )
        if notes:
            log.write({"message": "\n".join(filter(None, [log.message, *notes]))})

    @api.model
    def _update_balances_only(self, account, log, client, scopes, day):
        """A run without transactions in scope: the account's balances (when
        in scope) are recorded and checked against Odoo's lines."""
        balances = (
            client.get_balances(account._core_account()) if "balances" in scopes else []
        )
        with self.env.cr.savepoint():
            self.env["bank.api.statement.importer"]._update_balances(
                account,
                account.resume_from or day,
                balances,
                source="webhook" if log.trigger == "webhook" else "sync",
            )
            account.write({"last_sync_at": fields.Datetime.now()})

    @api.model
    def _set_aside(self, account, client, log, transactions):
        """(the transactions to import, [a message per one kept aside]): those
        the core could not read (client.rejected, see core/sanity.py) and
        those in a currency Odoo does not know. The rest of the account
        imports; the log names each one with its reason and raw data."""
        rejected = list(client.rejected)
        client.rejected.clear()
        recipes, client.recipes = client.recipes, {}
        names = {txn.currency for txn in transactions} | {
            txn.original_currency for txn in transactions if txn.original_currency
        }
        known = set(
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", list(names))])
            .mapped("name")
        )
        kept = []
        for txn in transactions:
            unknown = {txn.currency, txn.original_currency or txn.currency} - known
            if unknown:
                rejected.append(
                    Rejected(
                        f"transaction {txn.unique_key}",
                        f"the currency {min(unknown)} is unknown to Odoo",
                        raw_excerpt(txn.raw),
                        raw_data_kept(txn.raw),
                        recipes.get(id(txn)),
                    )
                )
            else:
                kept.append(txn)
        if not rejected:
            return kept, []
        log._add(transactions_rejected=len(rejected))
        self.env["bank.api.rejected.transaction"]._record(account, log, rejected)
        _logger.warning(
            "Bank sync of account %s kept %s transaction(s) aside",
            account.id,
            len(rejected),
        )
        return kept, [
            self.env._(
                "%(account)s: a transaction kept aside, not imported: %(detail)s",
                account=account.name,
                detail=item.describe(),
            )
            for item in rejected
        ]

    @api.model
    def _accounts_to_sync(self, connection):
        """The accounts a run syncs: every active one with a journal (a
        notification about one account narrows it to that one)."""
        return connection.account_ids.filtered(lambda a: a.active and a.journal_id)

    @api.model
    def _import_part(
        self, account, log, client, window, transactions, last_day, balances
    ):
        """Import one part of an account's run (``last_day`` None: the last
        one, with the pending movements and the balance check) and match it."""
        importer = self.env["bank.api.statement.importer"]
        with self.env.cr.savepoint():
            result = importer._import_transactions(
                account.journal_id,
                transactions,
                account=account,
                pending_complete=last_day is None,
            )
            if last_day is None:
                importer._update_balances(
                    account,
                    client.window_clamped_to or window[0],
                    balances,
                    source="webhook" if log.trigger == "webhook" else "sync",
                )
            account.write(
                {
                    "resume_from": last_day or window[1],
                    "last_sync_at": fields.Datetime.now(),
                }
            )
        log._add(
            transactions_fetched=result.fetched,
            lines_created=result.created,
            duplicates_skipped=result.duplicates,
            pending_staged=result.pending_staged,
            pending_retired=result.pending_retired,
        )
        # The log's lines, and what the matching made of them.
        result.lines.write({"bank_api_sync_log_id": log.id})
        stats = self._after_account_import(account, result) or {}
        if stats.get("error"):
            # The matching failed: the lines wait, unmatched, for Match Now.
            stats = {"nothing": len(result.lines)}
        log._add(
            lines_auto=stats.get("auto", 0),
            lines_proposed=stats.get("proposed", 0),
            lines_unmatched=stats.get("nothing", 0),
        )

    @api.model
    def _save_progress(self, connection, client, log, transactions=0):
        """What the run has spent so far: calls, quota, tokens, usage."""
        log._add(api_calls=len(client.calls))
        connection._save_client_state(client, transactions=transactions)

    @api.model
    @contextmanager
    def _connection_lock(self, connection, across_commits):
        """Yields whether this run may sync the connection; a lock held
        ``across_commits`` is released on leaving."""
        locked = self._try_lock(connection, across_commits=across_commits)
        try:
            yield locked
        finally:
            if locked and across_commits:
                # Odoo's pool keeps the database session, and the lock with it:
                # it must go even when the run's transaction failed.
                try:
                    self._unlock(connection)
                except psycopg2.Error:
                    self.env.cr.rollback()
                    self._unlock(connection)

    @api.model
    def _close_interrupted_logs(self, connection, log):
        """A run killed half-way (a worker's time limit, a restart) left its
        log running: it ended there, and this run goes on from its last part."""
        interrupted = self.env["bank.api.sync.log"].search(
            [
                ("connection_id", "=", connection.id),
                ("status", "=", "running"),
                ("id", "!=", log.id),
            ]
        )
        interrupted.write(
            {
                "status": "failed",
                "message": self.env._(
                    "Interrupted before it ended (a worker's time limit or a "
                    "restart). What it imported until then was kept; the next run "
                    "went on from there."
                ),
            }
        )

    @api.model
    def _fetch_account_transactions(self, connection, client, account, window):
        """([core Transaction], [core Balance]) of one account for the window,
        booked and pending. Overridden by feeds that deliver another format
        (MT940 through the bank's API)."""
        core_account = account._core_account()
        transactions = list(
            client.iter_transactions(core_account, window[0], window[1], status="both")
        )
        if "balances" not in connection._sync_scopes():
            return transactions, []
        return transactions, client.get_balances(core_account)

    @api.model
    def _after_account_import(self, account, result):
        """Match the new lines right away, in the same transaction: the
        invoices are paid the moment the statement arrives. Returns the
        matching's counts (a Counter)."""
        return self.env["bank.api.matcher"]._match_imported_lines(
            result.lines, f"bank account {account.id}"
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
            "Odoo could not store what the bank sent: %(detail)s Those lines "
            "were not imported; the next sync retries them.",
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
        post_text(connection, _lt("Bank sync failed: %(message)s", message=message))
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

    @api.model
    def _record_refused_answer(self, connection, error):
        """A bank answer refused as hostile (or a host we were pointed at and
        refused) is a security event; other failures are not."""
        if not isinstance(error, core_errors.BankResponseError):
            return
        self.env["bank.api.security.event"]._record_security_event(
            "foreign_host"
            if isinstance(error, core_errors.ForeignHostRefused)
            else "hostile_answer",
            connection,
            str(error),
        )
