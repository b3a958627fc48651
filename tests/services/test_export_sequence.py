"""An export killed between writing its file and recording it never lets the next export reuse its
sequence number: a real process is killed (SIGKILL) at exactly that point, then the next export runs through
the real command line, and the coordinator merges both files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from interchange.answers import add_completed
from sqlalchemy import select

from cpchair import settings
from cpchair.interchange.names import parse_export_name
from cpchair.services import merge, pseudonym
from cpchair.storage.models import ExportLog

REPO = Path(__file__).resolve().parents[2]
KILLED_AFTER_WRITE = textwrap.dedent(
    """
    import os, signal, sys
    from cpchair.services import export
    from cpchair.storage.db import open_database

    real_write = export.fileio.write_new_file

    def write_then_die(folder, name, data):
        path = real_write(folder, name, data)  # the file is complete, fsynced and under its final name
        os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies before export_log records it
        return path

    export.fileio.write_new_file = write_then_die
    db = open_database()
    with db.session() as s:
        export.ensure_identity(s)
        s.commit()
        export.export_now(s, sys.argv[1], unsigned=True)
        s.commit()
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_an_export_killed_after_writing_its_file_does_not_give_its_sequence_to_the_next(db, data_dir, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    with db.session() as s:
        pseudonym.save_key(bytes.fromhex("5e" * 32))  # a real (test) key: the demo key keys no real work
        settings.put(s, "chair_name", "A Chair")
        add_completed(s, 3)
        s.commit()
    env = {**os.environ, "CPCHAIR_DATA_DIR": str(data_dir)}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_WRITE, str(share)], env=env, capture_output=True, timeout=120, cwd=REPO
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    first = sorted(share.glob("*.json"))
    assert len(first) == 1
    with db.session() as s:
        assert list(s.scalars(select(ExportLog.sequence))) == []  # never recorded: only the share knows

    again = subprocess.run(
        [sys.executable, "-m", "cpchair", "export", "--to", str(share), "--unsigned"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert again.returncode == 0, again.stderr
    files = sorted(share.glob("*.json"))
    assert len(files) == 2
    sequences = sorted(parse_export_name(f.name).sequence for f in files)
    assert sequences == [1, 2]
    envelopes = sorted((json.loads(f.read_text("utf-8"))["sequence"], f.name) for f in files)
    assert [seq for seq, _name in envelopes] == [1, 2]
    with db.session() as s:
        assert list(s.scalars(select(ExportLog.sequence))) == [2]

    coordinator = tmp_path / "coordinator"
    from cpchair.storage.db import open_database

    store = open_database(coordinator / "cpchair.sqlite")
    try:
        with store.session() as s:
            summary = merge.merge_folder(s, share, allow_unsigned=True)
        assert [f.status for f in summary.files] == ["merged", "unchanged"]
        assert summary.added == 3
    finally:
        store.dispose()


def test_a_failed_write_leaves_no_file_and_costs_no_number(session, tmp_path, monkeypatch):
    from cpchair import fileio
    from cpchair.services import export

    share = tmp_path / "share"
    share.mkdir()
    pseudonym.save_key(bytes.fromhex("5e" * 32))  # a real (test) key: the demo key keys no real work
    settings.put(session, "chair_name", "A Chair")
    add_completed(session, 1)
    session.commit()
    with monkeypatch.context() as m:
        m.setattr(fileio.os, "replace", lambda *_a: (_ for _ in ()).throw(PermissionError(13, "denied")))
        with pytest.raises(export.ShareUnavailable):
            export.export_now(session, share, unsigned=True)
    assert list(share.glob("*.json")) == []
    assert export.export_now(session, share, unsigned=True).sequence == 1


def test_a_chair_name_the_merge_would_refuse_is_caught_before_exporting(session, tmp_path):
    from cpchair.errors import ExportError
    from cpchair.services import export

    share = tmp_path / "share"
    share.mkdir()
    pseudonym.save_key(bytes.fromhex("5e" * 32))  # a real (test) key: the demo key keys no real work
    add_completed(session, 1)
    settings.put(session, "chair_name", "Evil\u202eriahc")
    session.commit()
    with pytest.raises(ExportError, match=r"Your name as chair holds a control that reverses .*U\+202E.*Settings"):
        export.export_now(session, share, unsigned=True)
    assert list(share.iterdir()) == []
    settings.put(session, "chair_name", "Siân O'Brien")
    assert export.export_now(session, share, unsigned=True).sequence == 1
