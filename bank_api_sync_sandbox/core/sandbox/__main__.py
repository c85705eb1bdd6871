"""Command line: serve the sandbox bank until Ctrl+C.

python -m odoo.addons.bank_api_sync_sandbox.core.sandbox --port 8070 --seed 7

Strict TLS mode (HTTPS, the API only for a client presenting a QWAC the
sandbox's own authority issued; tls.py), its files kept in a folder:

python -m odoo.addons.bank_api_sync_sandbox.core.sandbox --mtls var/sandbox-tls
"""

import argparse
import contextlib
import logging
import sys

from .auth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .bank import SandboxBank
from .tls import TlsSetup


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sandbox-bank",
        description="A Berlin Group NextGenPSD2 sandbox bank on a local port.",
    )
    parser.add_argument("--port", type=int, default=8070, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=7, help="same seed, same ledger")
    parser.add_argument("--per-day", type=float, default=8, help="transactions a day")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--token-lifetime", type=float, default=300, help="seconds")
    parser.add_argument("--daily-quota", type=int, default=None, help="requests a day")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument(
        "--no-oauth2",
        action="store_true",
        help="no OAuth2 step: no token endpoint, no bearer token asked",
    )
    parser.add_argument(
        "--approve-at-page",
        action="store_true",
        help="consents wait for the customer's Approve on the bank's page "
        "(redirect SCA), as a real bank's do; default: approved at once",
    )
    parser.add_argument(
        "--sca-oauth",
        action="store_true",
        help="consents approved the OAuth way (scaOAuth, an authorisation "
        "code) instead of the redirect approach; with --approve-at-page",
    )
    parser.add_argument(
        "--mtls",
        metavar="DIR",
        help="strict TLS mode: serve HTTPS and require a client certificate "
        "(QWAC) issued by the sandbox's certificate authority; its files (CA, "
        "server certificate, a QWAC to upload) are made in DIR the first time",
    )
    parser.add_argument(
        "--require-signatures",
        action="store_true",
        help="with --mtls: every /v1 request must carry a Berlin Group signature "
        "by a QSealC of the sandbox's authority (qseal.pem in DIR)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.require_signatures and not args.mtls:
        parser.error("--require-signatures needs --mtls DIR (the QSealC's authority)")
    tls = TlsSetup.in_folder(args.mtls, args.host) if args.mtls else None
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    bank = SandboxBank(
        seed=args.seed,
        port=args.port,
        host=args.host,
        per_day=args.per_day,
        page_size=args.page_size,
        token_lifetime=args.token_lifetime,
        daily_quota=args.daily_quota,
        client_id=args.client_id,
        client_secret=args.client_secret,
        oauth2=not args.no_oauth2,
        auto_approve_consents=not args.approve_at_page,
        sca_oauth=args.sca_oauth,
        tls=tls,
        signatures_required=args.require_signatures,
        trusted_ca=tls.authority.certificate if tls else None,
    )
    bank.bind()  # first, so that the printed URL carries the real port (--port 0)
    accounts = ", ".join(
        f"{a.resource_id} {a.iban} {a.currency}" for a in bank.accounts.values()
    )
    token = (
        f"OAuth2 token: POST {bank.url}/oauth2/token, client_id {args.client_id}"
        if bank.oauth2
        else "no OAuth2 step: no token endpoint, no bearer token asked"
    )
    sys.stdout.write(
        f"Sandbox bank listening on {bank.url} (seed {bank.seed})\n"
        f"  {token}\n"
        f"  accounts: {accounts}\n"
        f"  admin: {bank.url}/sandbox\n"
    )
    if bank.tls:
        sys.stdout.write(
            "  strict TLS: a client certificate issued by the sandbox's CA is "
            "required\n"
            f"  CA certificate (trust it for the bank's HTTPS): {bank.tls.ca_file}\n"
            f"  QWAC for the TPP (certificate and key): "
            f"{bank.tls.ca_file.rsplit('/', 1)[0]}/qwac.pem\n"
            + (
                "  signed requests required: QSealC (certificate and key) "
                f"{bank.tls.ca_file.rsplit('/', 1)[0]}/qseal.pem\n"
                if bank.signatures_required
                else ""
            )
        )
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        bank.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
