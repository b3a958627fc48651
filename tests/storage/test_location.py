"""The database is refused on a network drive or inside a synced folder, with a reason and a remedy."""

from __future__ import annotations

import pytest

from cpchair.cli import main
from cpchair.errors import UnsafeDataDir
from cpchair.storage import location

LOCAL_MOUNTS = [("/", "ext4"), ("/tmp", "tmpfs"), ("/home", "ext4")]
PROC_MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid 0 0
tmpfs /tmp tmpfs rw 0 0
srv:/export/home /mnt/nfs-home nfs4 rw,vers=4.2 0 0
//fileserver/CP\\040Team /mnt/cp\\040team cifs rw,vers=3.0 0 0
me@box:/data /home/me/remote fuse.sshfs rw,nosuid 0 0
/dev/sdb1 /mnt/nfs-home/local-disk ext4 rw 0 0
"""
MAC_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
//chair@fileserver/CP%20Share on /Volumes/CP Share (smbfs, nodev, nosuid, mounted by chair)
server:/exports on /Volumes/nfs (nfs, asynchronous)
"""


def test_unc_paths_are_refused_in_both_spellings():
    for path in (r"\\fileserver\cpchair\data", "//fileserver/cpchair/data"):
        with pytest.raises(UnsafeDataDir, match="network path"):
            location.check_data_dir(path, mounts=LOCAL_MOUNTS, environ={})


def test_proc_mounts_parsing_unescapes_spaces():
    mounts = location.parse_proc_mounts(PROC_MOUNTS)
    assert ("/mnt/cp team", "cifs") in mounts
    assert ("/home/me/remote", "fuse.sshfs") in mounts


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/mnt/nfs-home/chair/cpchair", "nfs4"),
        ("/mnt/cp team/cpchair", "cifs"),
        ("/home/me/remote/cpchair", "fuse.sshfs"),
    ],
)
def test_network_filesystems_are_refused(path, fstype):
    mounts = location.parse_proc_mounts(PROC_MOUNTS)
    with pytest.raises(UnsafeDataDir, match=f"network drive \\({fstype}\\)") as err:
        location.check_data_dir(path, mounts=mounts, environ={})
    assert "--data-dir" in str(err.value) and "this computer's own disk" in str(err.value)


def test_the_longest_mount_point_decides():
    mounts = location.parse_proc_mounts(PROC_MOUNTS)
    location.check_data_dir("/mnt/nfs-home/local-disk/cpchair", mounts=mounts, environ={})  # ext4 inside nfs path
    location.check_data_dir("/mnt/nfs-homework/cpchair", mounts=mounts, environ={})  # a prefix is not a parent


def test_macos_mount_output_is_understood():
    mounts = location.parse_mount_output(MAC_MOUNT)
    assert ("/Volumes/CP Share", "smbfs") in mounts
    with pytest.raises(UnsafeDataDir, match="smbfs"):
        location.check_data_dir("/Volumes/CP Share/cpchair", mounts=mounts, environ={})
    location.check_data_dir("/Users/chair/cpchair", mounts=mounts, environ={})


def test_local_folders_are_accepted(tmp_path):
    location.check_data_dir("/home/chair/.local/share/cpchair", mounts=LOCAL_MOUNTS, environ={})
    location.check_data_dir(tmp_path / "data", environ={})  # this machine's real mount table
    location.check_data_dir("/home/chair/drive-notes/cpchair", mounts=LOCAL_MOUNTS, environ={})


@pytest.mark.parametrize(
    "path",
    [
        "/home/chair/OneDrive/cpchair",
        "/Users/chair/OneDrive - Anytown Council/Documents/cpchair",
        "/home/chair/Dropbox/cpchair",
        "/home/chair/Google Drive/cpchair",
        "/Users/chair/Library/Mobile Documents/com~apple~CloudDocs/cpchair",
        "/Users/chair/Library/CloudStorage/OneDrive-AnytownCouncil/cpchair",
        "/home/chair/iCloud Drive/cpchair",
    ],
)
def test_known_sync_roots_are_refused(path):
    with pytest.raises(UnsafeDataDir, match="synced folder") as err:
        location.check_data_dir(path, mounts=LOCAL_MOUNTS, environ={})
    assert "sync client" in str(err.value)


def test_the_onedrive_environment_variables_mark_sync_roots(tmp_path):
    root = tmp_path / "Work Files - Council"  # a OneDrive folder whose name does not say so
    for var in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        with pytest.raises(UnsafeDataDir, match="OneDrive folder"):
            location.check_data_dir(root / "Documents" / "cpchair", mounts=LOCAL_MOUNTS, environ={var: str(root)})
    location.check_data_dir(tmp_path / "elsewhere", mounts=LOCAL_MOUNTS, environ={"OneDrive": str(root)})


def test_windows_network_drive_letters_are_refused(monkeypatch):
    monkeypatch.setattr(location, "IS_WINDOWS", True)
    monkeypatch.setattr(location, "windows_drive_is_remote", lambda path: True)
    with pytest.raises(UnsafeDataDir, match="network drive"):
        location.check_data_dir("Z:/cpchair", environ={})
    monkeypatch.setattr(location, "windows_drive_is_remote", lambda path: False)
    location.check_data_dir("C:/Users/chair/AppData/Local/cpchair", environ={})


def test_cli_refuses_such_a_data_dir_and_creates_nothing(tmp_path, monkeypatch, capsys):
    synced = tmp_path / "Dropbox" / "cpchair"
    monkeypatch.delenv("CPCHAIR_DATA_DIR", raising=False)
    assert main(["--data-dir", str(synced), "list", "--json"]) == 1
    err = capsys.readouterr().err
    assert "cannot keep its database" in err and "Dropbox" in err
    assert not synced.exists()


def test_cli_refuses_a_synced_folder_named_by_the_environment_too(tmp_path, monkeypatch, capsys):
    synced = tmp_path / "OneDrive - Council" / "cpchair"
    monkeypatch.setenv("CPCHAIR_DATA_DIR", str(synced))
    assert main(["list", "--json"]) == 1
    assert "OneDrive" in capsys.readouterr().err
    assert not synced.exists()


def test_a_link_into_a_network_mount_is_followed(tmp_path):
    mount = tmp_path / "nas"
    mount.mkdir()
    link = tmp_path / "my-data"
    link.symlink_to(mount, target_is_directory=True)
    mounts = [*LOCAL_MOUNTS, (str(mount.resolve()), "cifs")]
    with pytest.raises(UnsafeDataDir, match="cifs"):
        location.check_data_dir(link / "cpchair", mounts=mounts, environ={})


def test_get_drive_type_is_asked_about_the_drive_root(monkeypatch):
    import ctypes
    import types

    asked = []

    def get_drive_type(root):
        asked.append(root)
        return {"Z:\\": location.DRIVE_REMOTE, "C:\\": 3}[root]

    fake = types.SimpleNamespace(kernel32=types.SimpleNamespace(GetDriveTypeW=get_drive_type))
    monkeypatch.setattr(ctypes, "windll", fake, raising=False)
    assert location.windows_drive_is_remote(r"Z:\cpchair\data") is True
    assert location.windows_drive_is_remote(r"C:\Users\chair\AppData\Local\cpchair") is False
    assert location.windows_drive_is_remote("relative") is False
    assert asked == ["Z:\\", "C:\\"]
