"""Builds SQLite files with Python's own sqlite3 for the tests of the file-format reader, and
prints what SQLite itself reads back from them, as JSON, so the reader is compared to SQLite.

  sqlite_cases.py build PATH PAGE_SIZE ENCODING
      Creates PATH (page size PAGE_SIZE, text encoding ENCODING: UTF-8, UTF-16le or UTF-16be)
      with tables of every kind of value the format stores, enough rows for interior pages,
      values far larger than a page (overflow chains), a column appended by ALTER TABLE with a
      DEFAULT (older rows don't store it), an INTEGER PRIMARY KEY (the rowid, stored as NULL),
      and a CREATE TABLE text with comments and quoted names. Then prints
      {"tables": {name: {"columns": [...], "rows": [{column: value}]}}, "user_version": N},
      rows in rowid order, blobs as {"blob": hex}, read back by SQLite.
"""

import json
import sqlite3
import sys


def value(v):
    if isinstance(v, bytes):
        return {"blob": v.hex()}
    return v


def build(path, page_size, encoding):
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA page_size={page_size}")
    con.execute(f"PRAGMA encoding='{encoding}'")
    con.execute("PRAGMA user_version=-7")
    con.executescript(
        """
        CREATE TABLE kinds (label TEXT, v);
        CREATE TABLE "odd ""q"" name" ( -- a comment, (with parentheses)
            [first col] INTEGER PRIMARY KEY, /* the rowid */
            `second` TEXT DEFAULT 'x,y',
            third NUMERIC, CONSTRAINT c UNIQUE (second), CHECK (third IS NOT 5)
        );
        CREATE TABLE many (n INTEGER, body TEXT);
        CREATE INDEX many_n ON many(n);
        """
    )
    values = [
        None, 0, 1, -1, 127, -128, 255, 32767, -32768, 8388607, -8388608, 2**31 - 1, -(2**31),
        2**40 + 3, -(2**47), 2**53 - 1, -(2**53) + 1, 1.5, -0.25, 1e300, "", "plain",
        "ünïcödé ✓ 𝄞", "x" * 5000, "y" * 70000, b"", b"\x00\x01\xfe\xff", bytes(range(256)) * 40,
    ]
    for i, v in enumerate(values):
        con.execute("INSERT INTO kinds (label, v) VALUES (?, ?)", (f"v{i}", v))
    con.execute('INSERT INTO "odd ""q"" name" ([first col], second, third) VALUES (10, \'a\', 1)')
    con.execute('INSERT INTO "odd ""q"" name" (second, third) VALUES (\'b\', 2.5)')
    for n in range(600):
        con.execute("INSERT INTO many (n, body) VALUES (?, ?)", (n, f"row {n} " + "z" * (n % 97)))
    con.execute("DELETE FROM many WHERE n % 7 = 3")
    con.commit()
    con.execute("ALTER TABLE kinds ADD COLUMN added INTEGER DEFAULT -42")
    con.execute("ALTER TABLE kinds ADD COLUMN added2 TEXT")
    con.execute("INSERT INTO kinds (label, v, added, added2) VALUES ('late', 1, 7, 'set')")
    con.commit()
    out = {"tables": {}, "user_version": con.execute("PRAGMA user_version").fetchone()[0]}
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
        quoted = '"' + name.replace('"', '""') + '"'
        columns = [r[1] for r in con.execute(f"PRAGMA table_info({quoted})")]
        cur = con.execute(f"SELECT * FROM {quoted} ORDER BY rowid")
        rows = [dict(zip(columns, map(value, row))) for row in cur.fetchall()]
        out["tables"][name] = {"columns": columns, "rows": rows}
    con.close()
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
