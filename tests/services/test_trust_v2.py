"""Interchange v2 end to end between real installations: a coordinator, chairs who trust it, files written by
the code into a real share and merged from it. Then every way of forging one: altered byte by byte and field
by field, replayed under another chair, signed by a key never enrolled or revoked, a planted recipients
file, a gzip bomb; and the ownership rule for version 1 files as well."""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from cpchair import settings
from cpchair.errors import FormatError
from cpchair.interchange import crypto, envelope_v2
from cpchair.interchange.canonical import canonical_json
from cpchair.interchange.reader import parse_export
from cpchair.services import enrolment, keys, merge, secret_store
from cpchair.storage.models import MergedConference
from tests.trust_setup import Service, installation, make_service


@pytest.fixture
def service(tmp_path, data_dir) -> Service:
    return make_service(tmp_path / "service")


def merge_as_coordinator(service: Service, folder: Path | None = None, **kw) -> merge.MergeSummary:
    with installation(service.coordinator) as db, db.session() as s:
        return merge.merge_folder(s, folder or service.share, **kw)


def merged_rows(service: Service) -> dict[str, tuple[int, str]]:
    with installation(service.coordinator) as db, db.session() as s:
        return {r.id: (r.revision, r.chair_name) for r in s.scalars(select(MergedConference))}


def coordinator_keyring(service: Service) -> envelope_v2.StaticKeyring:
    with installation(service.coordinator) as db, db.session() as s:
        return enrolment.merge_keyring(s)


def opened(service: Service, data: bytes) -> str | None:
    """The reason the coordinator's reader refuses ``data``, or None when it accepts it."""
    keyring = coordinator_keyring(service)
    try:
        parse_export(data, "x.json", keys=keyring)
    except FormatError as exc:
        return exc.reason
    return None


def resign(doc: dict, seed_holder: Path) -> dict:
    """Sign ``doc`` (a v2 envelope) again with the signing key of the installation in ``seed_holder``."""
    with installation(seed_holder) as db, db.session() as s:
        key = keys.signing_key(s)[0]
    body = {k: v for k, v in doc.items() if k != "sig"}
    return {**body, "sig": crypto.sign_object(key, body)}


# --- the good path -------------------------------------------------------------------------------------


def test_a_trusting_chair_exports_v2_which_the_coordinator_merges(service):
    chair = service.chair("Sam Taylor", 3)
    result = service.export(chair)
    assert result.format_version == 2
    raw = result.path.read_bytes()
    doc = json.loads(raw)
    assert set(doc) == envelope_v2.ENVELOPE_KEYS and doc["format_version"] == 2
    assert b"Sam Taylor" not in raw and "chair_name" not in doc  # a file on the share names nobody
    assert raw == canonical_json(doc)
    summary = merge_as_coordinator(service)
    assert [f.status for f in summary.files] == ["merged"] and summary.added == 3
    assert {name for _rev, name in merged_rows(service).values()} == {"Sam Taylor"}
    with installation(service.coordinator) as db, db.session() as s:
        [row] = enrolment.list_chairs(s)
    assert row.chair_name == "Sam Taylor" and row.last_merged_file == result.path.name and row.revoked_at is None


def test_the_recovery_identity_alone_opens_a_file_made_by_the_code(service, tmp_path):
    chair = service.chair("Sam Taylor", 2)
    service.export(chair)
    recovery = enrolment.read_recovery_identity(service.recovery)
    # a coordinator's installation that lost its daily key: a fresh one with the chair enrolled again
    fresh = tmp_path / "rebuilt"
    with installation(fresh) as db, db.session() as s:
        enrolment.enrol(s, enrolment.read_key_file(chair / "chair-key.json"))
        s.commit()
        assert keys.coordinator_identities(s) == []
        refused = merge.merge_folder(s, service.share)
        assert refused.rejected and "no coordinator identity" in refused.files[0].reason
        summary = merge.merge_folder(s, service.share, recovery_identity=recovery)
    assert [f.status for f in summary.files] == ["merged"] and summary.added == 2
    text = service.recovery.read_text("ascii")
    assert text.count("AGE-SECRET-KEY-1") == 1
    # never kept by cpchair: nowhere in the coordinator's data folder
    identity = [ln for ln in text.splitlines() if ln.startswith("AGE-SECRET-KEY-1")][0]
    for path in service.coordinator.rglob("*"):
        if path.is_file():
            assert identity.encode() not in path.read_bytes(), path


# --- altered files -----------------------------------------------------------------------------------------


def test_every_altered_byte_is_refused(service):
    chair = service.chair("Sam Taylor", 2)
    data = service.export(chair).path.read_bytes()
    assert opened(service, data) is None
    keyring = coordinator_keyring(service)
    rng = random.Random(5)
    positions = sorted(
        {*range(0, len(data), max(1, len(data) // 150)), *rng.sample(range(len(data)), 80), len(data) - 1}
    )
    accepted = []
    for pos in positions:
        altered = bytearray(data)
        altered[pos] ^= 0x01 if data[pos] not in b'"' else 0x20
        try:
            parse_export(bytes(altered), "x.json", keys=keyring)
        except FormatError as exc:
            assert exc.reason
            continue
        accepted.append(pos)
    assert accepted == []


FIELD_CHANGES = {
    "export_id": lambda d: d.update(export_id="00000000-0000-4000-8000-000000000000"),
    "app_version": lambda d: d.update(app_version="9.9.9"),
    "chair_id": lambda d: d.update(chair_id="00000000-0000-4000-8000-000000000001"),
    "device_id": lambda d: d.update(device_id="00000000-0000-4000-8000-000000000002"),
    "sequence": lambda d: d.update(sequence=d["sequence"] + 1),
    "created_at": lambda d: d.update(created_at="2020-01-01T00:00:00Z"),
    "record_count": lambda d: d.update(record_count=d["record_count"] + 1),
    "payload_sha256": lambda d: d.update(payload_sha256="0" * 64),
    "payload_age": lambda d: d.update(payload_age=d["payload_age"][:-8] + "AAAAAAA="),
    "format_version": lambda d: d.update(format_version=1),
    "sig.kid": lambda d: d["sig"].update(kid="0" * 64),
    "sig.value": lambda d: d["sig"].update(value=base64.b64encode(bytes(64)).decode()),
    "sig.alg": lambda d: d["sig"].update(alg="rsa"),
    "sig removed": lambda d: d.pop("sig"),
    "extra key": lambda d: d.update(chair_name="Somebody"),
}


@pytest.mark.parametrize("field", list(FIELD_CHANGES))
def test_every_field_changed_after_signing_is_refused(service, field):
    chair = service.chair("Sam Taylor", 1)
    doc = json.loads(service.export(chair).path.read_bytes())
    changed = copy.deepcopy(doc)
    FIELD_CHANGES[field](changed)
    reason = opened(service, json.dumps(changed).encode())
    assert reason is not None, field


def test_a_v2_file_without_a_signature_is_refused_even_with_allow_unsigned(service):
    chair = service.chair("Sam Taylor", 1)
    path = service.export(chair).path
    doc = json.loads(path.read_bytes())
    del doc["sig"]
    path.write_bytes(json.dumps(doc).encode())
    summary = merge_as_coordinator(service, allow_unsigned=True)
    assert summary.files[0].status == "rejected" and "without a signature" in summary.files[0].reason


def test_a_payload_re_encrypted_with_another_digest_is_refused_at_step_four(service):
    """Signed properly by the enrolled chair, but the digest does not match the plaintext: step 4 refuses."""
    chair = service.chair("Sam Taylor", 1)
    doc = json.loads(service.export(chair).path.read_bytes())
    with installation(service.coordinator) as db, db.session() as s:
        recipients = list(settings.get(s, "own_recipients"))
    plain = canonical_json({"chair_name": "Sam Taylor", "conferences": [], "deleted": []})
    doc["payload_age"] = crypto.b64encode(crypto.encrypt(gzip.compress(plain), recipients))
    doc["record_count"] = 0
    reason = opened(service, canonical_json(resign(doc, chair)))
    assert "payload_sha256 does not match" in reason


def test_a_gzip_bomb_is_stopped_at_64_times_its_encrypted_size(service):
    chair = service.chair("Sam Taylor", 1)
    doc = json.loads(service.export(chair).path.read_bytes())
    with installation(service.coordinator) as db, db.session() as s:
        recipients = list(settings.get(s, "own_recipients"))
    bomb = gzip.compress(b" " * 20_000_000, compresslevel=9)  # ~20 kB expanding to 20 MB
    doc["payload_age"] = crypto.b64encode(crypto.encrypt(bomb, recipients))
    reason = opened(service, canonical_json(resign(doc, chair)))
    assert "expands beyond" in reason


def test_gunzip_limit_is_streamed_and_exact():
    data = gzip.compress(b"x" * 10_000)
    assert crypto.gunzip_limited(data, 10_000) == b"x" * 10_000
    with pytest.raises(crypto.CryptoError, match="expands beyond 9,999"):
        crypto.gunzip_limited(data, 9_999)
    with pytest.raises(crypto.CryptoError, match="incomplete|damaged"):
        crypto.gunzip_limited(data[:-6], 10_000)
    with pytest.raises(crypto.CryptoError, match="after its end"):
        crypto.gunzip_limited(data + b"more", 10_000)
    assert crypto.gunzip_limit_for(1000) == 64_000
    assert crypto.gunzip_limit_for(10**12) == 1024**3


# --- replay, unenrolled and revoked keys ---------------------------------------------------------------------


def test_a_file_replayed_under_another_chair_is_refused(service):
    sam = service.chair("Sam Taylor", 2)
    alex = service.chair("Alex Reid", 2, start=10)
    sam_doc = json.loads(service.export(sam).path.read_bytes())
    with installation(alex) as db, db.session() as s:
        alex_ids = (settings.get(s, "chair_id"), settings.get(s, "device_id"))
    # as is, with Alex's ids: the signature (Sam's) no longer verifies / does not match the ids
    replay = {**sam_doc, "chair_id": alex_ids[0], "device_id": alex_ids[1]}
    assert "claims another chair" in opened(service, canonical_json(replay))
    # signed again by Alex's key after merging Sam's: Sam's conferences belong to Sam
    assert merge_as_coordinator(service).added == 2
    forged = service.share / "forged.json"
    forged.write_bytes(canonical_json(resign(replay, alex)))
    summary = merge_as_coordinator(service)
    [outcome] = [f for f in summary.files if f.path.endswith("forged.json")]
    assert outcome.status == "rejected" and "belongs to another chair" in outcome.reason


def test_a_key_never_enrolled_is_refused(service):
    stranger = service.chair("Pat Stranger", 1, enrol=False)
    service.export(stranger)
    summary = merge_as_coordinator(service)
    assert summary.files[0].status == "rejected" and "not enrolled" in summary.files[0].reason
    assert merged_rows(service) == {}


def test_a_revoked_key_merges_files_from_before_and_refuses_those_from_after(service):
    sam = service.chair("Sam Taylor", 1)
    before = service.export(sam, now="2026-03-01T09:00:00Z")
    with installation(service.coordinator) as db, db.session() as s:
        [row] = enrolment.list_chairs(s)
        enrolment.revoke(s, row.fingerprint, now="2026-03-02T09:00:00Z")
        s.commit()
        with pytest.raises(enrolment.EnrolmentError, match="already revoked"):
            enrolment.revoke(s, row.kid)
        with pytest.raises(enrolment.EnrolmentError, match="cannot be enrolled again"):
            enrolment.enrol(s, enrolment.read_key_file(sam / "chair-key.json"))
    at = service.export(sam, now="2026-03-02T09:00:00Z")
    after = service.export(sam, now="2026-03-05T09:00:00Z")
    summary = merge_as_coordinator(service)
    outcome = {Path(f.path).name: f for f in summary.files}
    assert outcome[before.path.name].status == "merged"
    for late in (at, after):
        assert outcome[late.path.name].status == "rejected" and "revoked" in outcome[late.path.name].reason
    with installation(service.coordinator) as db, db.session() as s:
        [row] = enrolment.list_chairs(s)
    assert row.revoked_at == "2026-03-02T09:00:00Z"


def test_a_chair_key_file_altered_is_not_enrolled(service, tmp_path):
    chair = service.chair("Sam Taylor", 0, enrol=False)
    doc = json.loads((chair / "chair-key.json").read_text("utf-8"))
    doc["public_key"] = base64.b64encode(bytes(32)).decode()
    bad = tmp_path / "bad-key.json"
    bad.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(enrolment.EnrolmentError, match="not the fingerprint of its public_key"):
        enrolment.read_key_file(bad)


# --- ownership, version 1 too -------------------------------------------------------------------------------


def test_ownership_holds_for_version_1_files_and_the_owners_later_edits_still_merge(service):
    sam = service.chair("Sam Taylor", 2)
    alex = service.chair("Alex Reid", 1, start=10)
    first = service.export(sam, unsigned=True)
    assert merge_as_coordinator(service, allow_unsigned=True).added == 2
    before = merged_rows(service)
    doc = json.loads(first.path.read_bytes())
    # Alex's installation claims Sam's records at a high revision (the attack of the issue)
    with installation(alex) as db, db.session() as s:
        doc["chair_id"], doc["device_id"] = settings.get(s, "chair_id"), settings.get(s, "device_id")
    for rec in doc["payload"]["conferences"]:
        rec["revision"] = 99
    from cpchair.interchange.canonical import payload_sha256

    doc["payload_sha256"] = payload_sha256(doc["payload"])
    doc["export_id"] = "11111111-1111-4111-8111-111111111111"
    (service.share / "takeover.json").write_bytes(json.dumps(doc).encode())
    summary = merge_as_coordinator(service, allow_unsigned=True)
    [outcome] = [f for f in summary.files if f.path.endswith("takeover.json")]
    assert outcome.status == "rejected" and "belongs to another chair" in outcome.reason
    assert merged_rows(service) == before
    # Sam's own later edit (one revision up, far below 99) is not ignored as stale
    from cpchair.services import conferences as svc

    cid = next(iter(before))
    with installation(sam) as db, db.session() as s:
        answers = copy.deepcopy(svc.get(s, cid).answers)
        answers["notes"] = "Revised after the core group"  # a local field: a new revision all the same
        svc.save(s, cid, answers)
        s.commit()
    service.export(sam, unsigned=True)
    merge_as_coordinator(service, allow_unsigned=True)
    assert merged_rows(service)[cid] == (before[cid][0] + 1, "Sam Taylor")


# --- pinning ---------------------------------------------------------------------------------------------------


def test_trust_needs_the_confirmed_fingerprint(service):
    folder = service.root / "newcomer"
    with installation(folder) as db, db.session() as s:
        wrong = "ab" * 32
        with pytest.raises(keys.KeysError, match="not the one you confirmed"):
            keys.trust(s, service.share, wrong)
        with pytest.raises(keys.KeysError, match="64 letters and digits"):
            keys.trust(s, service.share, "1234")
        found = keys.trust(s, service.share, crypto.grouped(service.coordinator_kid).upper())
        assert found.recipients.coordinator_kid == service.coordinator_kid
        assert keys.pinned(s)[0] == service.coordinator_kid


def _planted(service: Service, tmp_path: Path, *, version: int) -> None:
    """Someone with write access to the share replaces the recipients file and the key beside it with their own."""
    intruder = crypto.new_signing_key()
    own = crypto.recipient_of(crypto.new_identity())
    data = envelope_v2.build_recipients(version, "2026-06-01T09:00:00Z", [own], intruder)
    (service.share / envelope_v2.RECIPIENTS_FILE).write_bytes(data)
    public = crypto.public_raw(intruder)
    key_doc = {
        "format": keys.COORDINATOR_KEY_FORMAT,
        "public_key": crypto.b64encode(public),
        "kid": crypto.kid_of(public),
    }
    (service.share / keys.KEY_FOLDER / keys.COORDINATOR_KEY_FILE).write_text(json.dumps(key_doc), "utf-8")


def test_a_planted_recipients_file_stops_every_export(service, tmp_path):
    chair = service.chair("Sam Taylor", 1)
    _planted(service, tmp_path, version=7)
    with pytest.raises(keys.RecipientsRefused, match="not signed by your coordinator"):
        service.export(chair)
    assert list(service.share.glob("cpchair-sam*")) == []


def test_an_unsigned_or_older_recipients_file_is_refused(service):
    chair = service.chair("Sam Taylor", 1)
    path = service.share / envelope_v2.RECIPIENTS_FILE
    good = path.read_bytes()
    unsigned = json.loads(good)
    del unsigned["sig"]
    path.write_text(json.dumps(unsigned), "utf-8")
    with pytest.raises(keys.RecipientsRefused, match="not signed by your coordinator"):
        service.export(chair)
    # the coordinator publishes version 2; the chair uses it; then version 1 is put back
    path.write_bytes(good)
    with installation(service.coordinator) as db, db.session() as s:
        keys.publish_recipients(s, service.share)
        s.commit()
    assert service.export(chair).format_version == 2
    path.write_bytes(good)
    with pytest.raises(keys.RecipientsRefused, match=r"older \(version 1\)"):
        service.export(chair)
    assert len(list(service.share.glob("cpchair-sam*"))) == 1


def test_no_pinned_coordinator_no_export_unless_unsigned(service, tmp_path):
    chair = service.chair("Sam Taylor", 1, trust=False)
    with pytest.raises(keys.NotPinned, match="No coordinator is trusted yet"):
        service.export(chair)
    assert service.export(chair, unsigned=True).format_version == 1


# --- the keys themselves ---------------------------------------------------------------------------------------


def test_the_signing_key_is_made_once_and_kept_in_a_private_file(service):
    chair = service.chair("Sam Taylor", 0, enrol=False)
    with installation(chair) as db, db.session() as s:
        first = keys.installation_key(s)
        again = keys.installation_key(s)
        name = keys._name(s, keys.SIGNING)
    assert first == again and first.stored_in == secret_store.FILE
    secret = chair / "secrets" / f"{name}.secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert (chair / "secrets").stat().st_mode & 0o777 == 0o700
    doc = json.loads((chair / "chair-key.json").read_text("utf-8"))
    assert doc["kid"] == first.kid and crypto.b64decode(doc["public_key"]) == first.public_key
    assert len(first.fingerprint.split()) == 16


def test_coordinator_init_runs_once_and_never_overwrites_a_recovery_file(service):
    with (
        installation(service.coordinator) as db,
        db.session() as s,
        pytest.raises(keys.KeysError, match="already has coordinator keys"),
    ):
        keys.coordinator_init(s, service.share, service.root / "again.txt")
    fresh = service.root / "second-coordinator"
    with installation(fresh) as db, db.session() as s, pytest.raises(keys.KeysError, match="never overwrites"):
        keys.coordinator_init(s, service.share, service.recovery)
    assert service.recovery.stat().st_mode & 0o777 == 0o600


def test_keyring_backends_are_detected(monkeypatch):
    import keyring
    from keyring.backends import chainer, fail

    monkeypatch.delenv(secret_store.ENV_FORCE, raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert not secret_store.keyring_usable()
    empty = chainer.ChainerBackend.__new__(chainer.ChainerBackend)
    monkeypatch.setattr(chainer.ChainerBackend, "backends", property(lambda self: []))
    monkeypatch.setattr(keyring, "get_keyring", lambda: empty)
    assert not secret_store.keyring_usable()
    monkeypatch.setenv(secret_store.ENV_FORCE, "file")
    assert not secret_store.keyring_usable()


def test_a_properly_signed_v2_file_with_a_bad_record_is_refused_by_the_v1_rules(service):
    """Step 5: signature, encryption and digest all right, but a record breaks the schema: refused whole."""
    chair = service.chair("Sam Taylor", 2)
    doc = json.loads(service.export(chair).path.read_bytes())
    with installation(service.coordinator) as db, db.session() as s:
        recipients = list(settings.get(s, "own_recipients"))
    identity = enrolment.read_recovery_identity(service.recovery)
    encrypted = crypto.b64decode(doc["payload_age"])
    payload = json.loads(crypto.gunzip_limited(crypto.decrypt(encrypted, [identity]), 10**8))
    payload["conferences"][1]["conference_type"] = "tea_party"
    plain = canonical_json(payload)
    doc["payload_age"] = crypto.b64encode(crypto.encrypt(crypto.gzip_bytes(plain), recipients))
    doc["payload_sha256"] = hashlib.sha256(plain).hexdigest()
    reason = opened(service, canonical_json(resign(doc, chair)))
    assert "does not match the export format" in reason and "tea_party" in reason
    (service.share / "bad-record.json").write_bytes(canonical_json(resign(doc, chair)))
    summary = merge_as_coordinator(service)
    assert {Path(f.path).name: f.status for f in summary.files}["bad-record.json"] == "rejected"
    assert merged_rows(service) != {} and len(merged_rows(service)) == 2  # only the good file's records


def test_key_events_are_in_the_audit_log_without_names(service):
    from cpchair.services import audit

    chair = service.chair("Sam Taylor", 0)
    with installation(service.coordinator) as db, db.session() as s:
        [row] = enrolment.list_chairs(s)
        enrolment.revoke(s, row.kid)
        s.commit()
        events = [e.detail for e in audit.entries(s) if e.action == "key"]
        assert audit.verify(s).ok
    assert [e["event"] for e in events] == [
        "signing_key_made",
        "recipients_published",
        "coordinator_keys_made",
        "chair_enrolled",
        "chair_revoked",
    ]
    assert events[3]["kid"] == row.kid and "Sam Taylor" not in json.dumps(events)
    with installation(chair) as db, db.session() as s:
        assert [e.detail["event"] for e in audit.entries(s) if e.action == "key"] == [
            "coordinator_pinned",
            "signing_key_made",
        ]
