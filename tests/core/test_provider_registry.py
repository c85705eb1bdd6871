"""Providers plug in through the registry: a client class registered under a
code is what ``build_client`` builds for a connection of that code."""

import pytest

from bank_api_sync.core.budget import CallBudget
from bank_api_sync.core.providers import (
    BankClient,
    BerlinGroupClient,
    ConnectionSettings,
    PolishApiClient,
    registry,
)
from bank_api_sync_sandbox.core.client import SandboxClient


class AcmeClient(BankClient):
    """A provider of one test: the abstract methods are all it must write."""

    OPTIONS = {"region": "eu"}

    def authenticate(self):
        return self.tokens

    def create_consent(self, valid_until, frequency_per_day):
        raise NotImplementedError

    def get_consent(self):
        raise NotImplementedError

    def delete_consent(self):
        raise NotImplementedError

    def list_accounts(self):
        return []

    def get_balances(self, account):
        return []

    def _iter_window(self, account, window_from, window_to, status):
        return iter(())


@pytest.fixture
def clients(monkeypatch):
    """The registry, restored after the test (registering is process-wide)."""
    monkeypatch.setattr(registry, "_CLIENTS", dict(registry._CLIENTS))
    return registry


def settings(provider, **values):
    return ConnectionSettings(provider=provider, base_url="https://acme.test", **values)


def test_the_registered_providers_are_found_by_code():
    assert {"berlin_group", "polishapi", "sandbox"} <= set(registry.codes())
    assert registry.client_class("berlin_group") is BerlinGroupClient
    assert registry.client_class("polishapi") is PolishApiClient
    assert registry.client_class("sandbox") is SandboxClient


def test_a_new_provider_plugs_in_by_registering(clients):
    with pytest.raises(ValueError, match="Unknown bank API provider 'acme'"):
        clients.build_client(settings("acme"), CallBudget(None))
    clients.register("acme", AcmeClient)
    client = clients.build_client(settings("acme"), CallBudget(None))
    assert type(client) is AcmeClient
    assert client.statement_formats == {"json"}
    assert client.option("region") == "eu"
    client = clients.build_client(
        settings("acme", options={"region": "pl"}), CallBudget(None)
    )
    assert client.option("region") == "pl"


def test_a_code_belongs_to_one_client(clients):
    clients.register("acme", AcmeClient)
    clients.register("acme", AcmeClient)  # importing a module twice is harmless
    with pytest.raises(ValueError, match="'acme' is already served by"):
        clients.register("acme", BerlinGroupClient)


def test_a_setting_the_client_does_not_know_is_refused(clients):
    clients.register("acme", AcmeClient)
    with pytest.raises(ValueError, match="AcmeClient has no option colour"):
        clients.build_client(
            settings("acme", options={"colour": "red"}), CallBudget(None)
        )


def test_capabilities_are_asked_of_the_class():
    assert "mt940" in BerlinGroupClient.statement_formats
    assert "mt940" in SandboxClient.statement_formats  # a Berlin Group bank
    assert "mt940" not in PolishApiClient.statement_formats
    assert "camt" in BerlinGroupClient.statement_formats  # Accept: application/xml
    assert "camt" not in PolishApiClient.statement_formats
