#!/usr/bin/env python3
# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""A CSV export is readable as-is by reporting tools: Debian's sqlite3 imports
it (`.import --csv`) and answers a reporting query over it, and Python's csv
module reads back every cell exactly, awkward text included (commas, quotes,
line breaks, non-ASCII). Drives the C API (lrs_export, "format": "csv")
through ctypes.

Usage: csv_sqlite_test.py --lib PATH/liblrs.so [--bin-dir DIR] [--lrs PATH]
"""

import argparse
import csv
import ctypes
import io
import json
import os
import shutil
import sqlite3 as pysqlite
import subprocess
import sys
import tempfile

NTS = ctypes.c_size_t(-1 & 0xFFFFFFFFFFFFFFFF)
WRITE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)


def load(path):
    lib = ctypes.CDLL(path)
    lib.lrs_errmsg.restype = ctypes.c_char_p
    lib.lrs_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                             ctypes.POINTER(ctypes.c_void_p)]
    lib.lrs_close.argtypes = [ctypes.c_void_p]
    lib.lrs_free.argtypes = [ctypes.c_void_p]
    lib.lrs_statements_put.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                       ctypes.c_char_p, ctypes.c_size_t,
                                       ctypes.POINTER(ctypes.c_void_p),
                                       ctypes.POINTER(ctypes.c_size_t)]
    lib.lrs_export.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, WRITE_FN,
                               ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                               ctypes.POINTER(ctypes.c_size_t)]
    return lib


def check(lib, rc, what):
    if rc != 0:
        raise AssertionError("%s: rc=%d %s" % (what, rc, lib.lrs_errmsg().decode()))


def statement(email, name, module, scaled, success):
    return {
        "actor": {"objectType": "Agent", "name": name, "mbox": "mailto:" + email},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/" + ("passed" if success else "failed")},
        "object": {"id": "https://example.com/course/" + module},
        "result": {"score": {"scaled": scaled}, "success": success, "completion": True,
                   "duration": "PT5M"},
        "context": {"contextActivities": {"parent": [{"id": "https://example.com/course"}]}},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--bin-dir")
    ap.add_argument("--lrs")
    args = ap.parse_args()
    sqlite = shutil.which("sqlite3")
    if sqlite is None:
        print("csv_sqlite_test: FAIL: no sqlite3 program (scripts/bootstrap installs it)")
        return 1
    lib = load(args.lib)
    tmp = tempfile.mkdtemp(prefix="lrs-csv-")
    try:
        db = ctypes.c_void_p()
        check(lib, lib.lrs_open(os.path.join(tmp, "store").encode(), None, 0, ctypes.byref(db)),
              "open")
        learners = [("ana@example.com", "Ana"),
                    ("bo@example.com", 'Bo "the, second"\nLine'),
                    ("zoë@example.com", "Zoë Ünal")]
        expected = {}
        batch = []
        for i in range(60):
            email, name = learners[i % 3]
            module = "m%d" % (i % 4)
            scaled = round(0.4 + (i % 6) * 0.1, 2)
            success = scaled >= 0.6
            batch.append(statement(email, name, module, scaled, success))
            if success:
                e = expected.setdefault(module, [0, 0.0])
                e[0] += 1
                e[1] += scaled
        body = json.dumps(batch).encode()
        out, n = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib, lib.lrs_statements_put(db, None, 0, body, len(body), ctypes.byref(out),
                                          ctypes.byref(n)), "put")
        lib.lrs_free(out)

        chunks = []

        @WRITE_FN
        def sink(_ctx, data, length):
            chunks.append(ctypes.string_at(data, length))
            return 0

        params = json.dumps({"format": "csv"}).encode()
        check(lib, lib.lrs_export(db, params, len(params), sink, None, ctypes.byref(out),
                                  ctypes.byref(n)), "export")
        summary = json.loads(ctypes.string_at(out, n.value))
        lib.lrs_free(out)
        lib.lrs_close(db)
        assert summary["exported"] == 60, summary
        data = b"".join(chunks)
        path = os.path.join(tmp, "statements.csv")
        with open(path, "wb") as f:
            f.write(data)

        # Python's csv module reads every cell back exactly.
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        assert len(rows) == 60, len(rows)
        names = {r["actor.name"] for r in rows}
        assert names == {l[1] for l in learners}, names
        assert rows[0]["context.contextActivities.parent.0.id"] == "https://example.com/course"

        # Debian's sqlite3 imports the file as it is and answers a report:
        # passes and mean scaled score per module.
        sdb = os.path.join(tmp, "report.sqlite")
        subprocess.run([sqlite, sdb, ".import --csv %s statements" % path], check=True,
                       capture_output=True, timeout=60)
        query = ('SELECT "object.id", COUNT(*), ROUND(AVG(CAST("result.score.scaled" AS REAL)), 6) '
                 'FROM statements WHERE "result.success" = \'true\' '
                 'GROUP BY "object.id" ORDER BY "object.id";')
        res = subprocess.run([sqlite, "-csv", sdb, query], check=True, capture_output=True,
                             text=True, timeout=60)
        got = {}
        for line in csv.reader(io.StringIO(res.stdout)):
            got[line[0].rsplit("/", 1)[1]] = (int(line[1]), float(line[2]))
        want = {m: (c, round(s / c, 6)) for m, (c, s) in expected.items()}
        assert got == want, (got, want)
        # The awkward name survived the import too.
        con = pysqlite.connect(sdb)
        (count,) = con.execute('SELECT COUNT(*) FROM statements WHERE "actor.name" = ?',
                               (learners[1][1],)).fetchone()
        con.close()
        assert count == 20, count
        print("csv_sqlite_test: OK: 60 statements exported as CSV, imported by sqlite3, "
              "reported per module: %s" % got)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
