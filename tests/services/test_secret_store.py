"""Where private keys are kept: the OS credential store when ``keyring`` has a real backend (here an in-memory
one standing in for Windows Credential Manager or the macOS Keychain), else a 0600 file in the data folder."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend

from cpchair import paths, settings
from cpchair.services import keys, secret_store
from cpchair.storage.db import open_database


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def os_store(monkeypatch):
    store = MemoryKeyring()
    monkeypatch.delenv(secret_store.ENV_FORCE, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(previous)


def test_with_a_credential_store_the_signing_key_goes_there_and_no_file_is_written(data_dir, os_store):
    db = open_database()
    try:
        with db.session() as s:
            info = keys.installation_key(s)
            device = settings.get(s, "device_id")
            s.commit()
        assert info.stored_in == secret_store.KEYRING
        assert list(os_store.items) == [("cpchair", f"signing-key-{device}")]
        assert not paths.secrets_dir().exists()
        with db.session() as s:
            assert keys.installation_key(s) == info  # read back from the store: the same key
    finally:
        db.dispose()


def test_a_store_that_refuses_falls_back_to_the_private_file(data_dir, os_store, monkeypatch):
    def refuse(*_a):
        raise keyring.errors.PasswordSetError("locked")

    monkeypatch.setattr(os_store, "set_password", refuse)
    assert secret_store.put("test-secret", "value") == secret_store.FILE
    path = paths.secrets_dir() / "test-secret.secret"
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_store.get("test-secret") == "value" and secret_store.where("test-secret") == secret_store.FILE
