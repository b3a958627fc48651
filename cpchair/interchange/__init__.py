"""The interchange format (shared/spec/interchange-v1.md): schema, canonical JSON, records and file names.

Kept apart from services and storage because both sides of the contract use it: the chair's exporter
writes files with it and the coordinator's merge reads them. Nothing here touches the database or Qt.
"""

FORMAT = "cpchair-export"
FORMAT_VERSION = 1  # the unsigned envelope (interchange-v1)
NEWEST_FORMAT_VERSION = 2  # signed and encrypted (interchange-v2): the newest this release reads
