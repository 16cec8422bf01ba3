"""Builds and holds real Python llamactl profiles.db files for tests, with Python's own sqlite3.

  profiles_db.py build PATH < SPEC.json
      Creates PATH with the schema of docs: version 1 (CREATE TABLE, seeded default environment
      and setting), then for version 2 the columns appended by ALTER TABLE and the unique id index,
      exactly as the Python llamactl's migrations do. Then inserts the spec's rows by column name.
  profiles_db.py hold PATH MS MODE
      Opens a write transaction on PATH and makes SQLite spill it to disk (the journal gets its
      header, the database file is changed in place), prints "holding", waits MS milliseconds,
      then: commit (also adding a profile named "late"), rollback, or crash (SIGKILL itself,
      leaving a hot journal behind).
  profiles_db.py hold-wal PATH MS
      Switches PATH to WAL mode and commits a change that stays in profiles.db-wal while the
      connection is open; prints "holding", waits MS milliseconds, closes.
"""

import json
import os
import signal
import sqlite3
import sys
import time
import uuid

DEFAULT_API_URL = "https://api.cloud.llamaindex.ai"

VERSION_1 = f"""
PRAGMA user_version=1;
CREATE TABLE profiles (name TEXT NOT NULL, api_url TEXT NOT NULL, project_id TEXT NOT NULL,
                       api_key TEXT, PRIMARY KEY (name, api_url));
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE environments (api_url TEXT PRIMARY KEY, requires_auth INTEGER NOT NULL,
                           min_llamactl_version TEXT);
INSERT INTO settings (key, value) VALUES ('current_environment_api_url', '{DEFAULT_API_URL}');
INSERT INTO environments (api_url, requires_auth, min_llamactl_version) VALUES ('{DEFAULT_API_URL}', 1, NULL);
"""

VERSION_2 = """
PRAGMA user_version=2;
ALTER TABLE profiles ADD COLUMN api_key_id TEXT;
ALTER TABLE profiles ADD COLUMN device_oidc TEXT;
ALTER TABLE profiles ADD COLUMN id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS idx_profiles_id ON profiles(id);
"""


def insert(con, table, row, replace=False):
    columns = list(row)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    con.execute(
        f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )


def build(path, spec):
    if os.path.exists(path):
        os.remove(path)
    con = sqlite3.connect(path)
    con.executescript(VERSION_1)
    version = spec.get("version", 2)
    if version >= 2:
        con.executescript(VERSION_2)
    for env in spec.get("environments", []):
        insert(con, "environments", env, replace=True)
    for profile in spec.get("profiles", []):
        row = dict(profile)
        if isinstance(row.get("device_oidc"), dict):
            row["device_oidc"] = json.dumps(row["device_oidc"])
        if version >= 2 and "id" not in row:
            row["id"] = str(uuid.uuid4())
        insert(con, "profiles", row)
    for key, value in spec.get("settings", {}).items():
        if value is None:
            con.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            insert(con, "settings", {"key": key, "value": value}, replace=True)
    con.commit()
    if "userVersion" in spec:
        con.execute(f"PRAGMA user_version={int(spec['userVersion'])}")
        con.commit()
    con.close()


def hold(path, ms, mode):
    con = sqlite3.connect(path, isolation_level=None)
    # A tiny page cache makes SQLite spill the transaction: journal synced (header written),
    # then pages of the database file overwritten before the commit.
    con.execute("PRAGMA cache_size=1")
    con.execute("BEGIN IMMEDIATE")
    for i in range(300):
        con.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (f"filler-{i}", "x" * 500))
    if mode == "commit":
        con.execute(
            "INSERT INTO profiles (name, api_url, project_id, api_key) VALUES ('late', ?, 'p1', NULL)",
            (DEFAULT_API_URL,),
        )
    with open(f"{path}-journal", "rb") as journal:
        assert journal.read(1) != b"\0", "the journal has no header: SQLite did not spill"
    print("holding", flush=True)
    time.sleep(ms / 1000)
    if mode == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    con.execute("COMMIT" if mode == "commit" else "ROLLBACK")
    con.close()


def hold_wal(path, ms):
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("INSERT INTO settings (key, value) VALUES ('in-wal', 'yes')")
    assert os.path.getsize(f"{path}-wal") > 0
    print("holding", flush=True)
    time.sleep(ms / 1000)
    con.close()


if __name__ == "__main__":
    command, path = sys.argv[1], sys.argv[2]
    if command == "build":
        build(path, json.load(sys.stdin))
    elif command == "hold":
        hold(path, int(sys.argv[3]), sys.argv[4])
    elif command == "hold-wal":
        hold_wal(path, int(sys.argv[3]))
    else:
        sys.exit(f"unknown command {command}")
