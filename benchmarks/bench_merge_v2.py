"""The v2 merge (signed and encrypted) against the v1 merge of the same records, in the same run. Aim: ≤ 1.3×.

The same 20,000 generated conferences (four chairs) are written twice: as version 1 files, and as version 2
files (the same payloads with ``chair_name`` inside, gzipped, encrypted with age to the coordinator's daily and
recovery recipients, envelopes signed by each chair's Ed25519 key). Each share is merged into a fresh,
migrated database: v1 with ``allow_unsigned``, v2 with the four chair keys enrolled and the coordinator's
identity. The v2 merge does everything the v1 merge does plus base64, age decryption, bounded gunzip and a
signature check per file.

Same garbage-collector policy on both sides (paused for the run, as the merge itself pauses it); judged on CPU
time (``time.process_time``), median of three interleaved runs (other processes on a shared machine stretch the
wall clock of whichever run they overlap). Run: ``.venv/bin/python benchmarks/bench_merge_v2.py [N]``.
Exit status 1 when over 1.3×.
"""

from __future__ import annotations

import gc
import hashlib
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cpchair.interchange import crypto, envelope_v2  # noqa: E402
from cpchair.interchange.canonical import canonical_json  # noqa: E402
from cpchair.services import enrolment  # noqa: E402
from cpchair.services.merge import merge_folder  # noqa: E402
from cpchair.storage.db import open_database  # noqa: E402
from tests.domain.generated_records import export_document, generate  # noqa: E402

LIMIT = 1.3


def write_shares(v1: Path, v2: Path, n: int) -> tuple[int, list[enrolment.ChairKeyFile], object]:
    """Both shares from the same records; returns the count, the chairs' key files and the coordinator's identity."""
    by_chair: dict[int, list[dict]] = defaultdict(list)
    for chair, rec in generate(n, seed=11, chairs=4)[:n]:
        by_chair[chair].append(rec)
    identity, recovery = crypto.new_identity(), crypto.new_identity()
    recipients = [crypto.recipient_of(identity), crypto.recipient_of(recovery)]
    chairs = []
    for chair, records in by_chair.items():
        doc = export_document(records, chair=chair)
        name = f"cpchair-chair-{chair}-bench-000001.json"
        (v1 / name).write_bytes(canonical_json(doc))  # compact, as cpchair's writer makes them
        key = crypto.new_signing_key()
        payload = doc.pop("payload")
        plain = canonical_json({"chair_name": doc["chair_name"], **payload})
        doc["payload_sha256"] = hashlib.sha256(plain).hexdigest()
        _env, data = envelope_v2.seal_export(doc, plain, recipients=recipients, signing_key=key)
        (v2 / name).write_bytes(data)
        public = crypto.public_raw(key)
        chairs.append(
            enrolment.ChairKeyFile(doc["chair_id"], doc["chair_name"], doc["device_id"], public, crypto.kid_of(public))
        )
    return sum(len(r) for r in by_chair.values()), chairs, identity


def timed_merge(share: Path, db_path: Path, *, chairs=None, identity=None) -> tuple[float, float]:
    db = open_database(db_path)  # created and migrated outside the timing
    try:
        with db.session() as session:
            for key in chairs or ():
                enrolment.enrol(session, key, now="2025-01-01T00:00:00Z")
            session.commit()
            gc.disable()
            try:
                wall, cpu = time.perf_counter(), time.process_time()
                if identity is None:
                    summary = merge_folder(session, share, allow_unsigned=True)
                else:
                    summary = merge_folder(session, share, recovery_identity=identity)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            finally:
                gc.enable()
            assert not summary.rejected and summary.files, summary.rejected
    finally:
        db.dispose()
    return wall, cpu


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        v1, v2 = tmp_path / "v1", tmp_path / "v2"
        v1.mkdir()
        v2.mkdir()
        count, chairs, identity = write_shares(v1, v2, n)
        size1 = sum(p.stat().st_size for p in v1.iterdir())
        size2 = sum(p.stat().st_size for p in v2.iterdir())
        timed_merge(v2, tmp_path / "warm.sqlite", chairs=chairs, identity=identity)  # imports, schema, holidays
        ones, twos = [], []
        for _ in range(3):  # interleaved, so that a disturbance hits each kind of run alike
            ones.append(timed_merge(v1, tmp_path / f"v1-{uuid.uuid4().hex}.sqlite"))
            twos.append(timed_merge(v2, tmp_path / f"v2-{uuid.uuid4().hex}.sqlite", chairs=chairs, identity=identity))

    w1, c1 = statistics.median(w for w, _ in ones), statistics.median(c for _, c in ones)
    w2, c2 = statistics.median(w for w, _ in twos), statistics.median(c for _, c in twos)
    ratio = c2 / c1
    print(f"conferences merged: {count} in {len(chairs)} files; medians of 3 runs      wall s   cpu s")
    print(f"v1 merge (--allow-unsigned), share of {size1 / 1e6:.1f} MB:             {w1:7.3f} {c1:7.3f}")
    print(f"v2 merge (verify, decrypt, gunzip), share of {size2 / 1e6:.1f} MB:       {w2:7.3f} {c2:7.3f}")
    print(f"ratio v2/v1: cpu {ratio:.2f}, wall {w2 / w1:.2f}")
    print(f"{'PASS' if ratio <= LIMIT else 'FAIL'} (aim at most {LIMIT:.1f}x, on CPU time, same collector policy)")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
