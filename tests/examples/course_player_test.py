# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""The programs of examples/, run as a user would run them.

    python3 tests/examples/course_player_test.py --lib BUILD/liblrs.so --bin-dir BUILD \\
        [--lrs BUILD/lrs]

- example_course_player records a cmi5 session offline into its own store
  and, when it goes online, forwards it to an upstream `lrs serve` (started
  here on 127.0.0.1 and a free port, with a bootstrap credential, through
  conformance/lrs_harness.py). Checked: nothing reaches the upstream while
  offline; after --online the upstream holds every statement of the session
  exactly once, in order, with the ids the device's store assigned (read
  from the program's output and from the store itself through the C API).
- example_c_quickstart and example_quickstart run in a temporary directory
  and print what they did.

Standard library only. Every process stops by itself (timeouts) and every
temporary directory is removed.
"""

import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "conformance"))
import lrs_harness  # noqa: E402  (Daemon: `lrs serve` on a free port; Client: HTTP)

LIB_PATH = None
BIN_DIR = None
LRS_BINARY = None

TIMEOUT = 120  # seconds for any one program run
CMI5_VERBS = ["launched", "initialized", "progressed", "progressed", "progressed",
              "passed", "completed", "terminated"]
ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"


def run(args, cwd=None):
    """Runs a program to its end; returns (exit code, stdout + stderr)."""
    p = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout


def program(name):
    path = os.path.join(BIN_DIR, name)
    if not os.access(path, os.X_OK):
        raise AssertionError("%s is not built (expected at %s)" % (name, path))
    return path


class PlayerOutput:
    """What example_course_player printed: the registration and, in order,
    each statement's verb and the id the device's store assigned."""

    def __init__(self, text):
        self.text = text
        m = re.search(r"registration=([0-9a-f-]{36})", text)
        self.registration = m.group(1) if m else None
        self.recorded = re.findall(r"^\s+(\w+)\s+stored id=([0-9a-f-]{36})$", text, re.M)
        self.verbs = [v for v, _ in self.recorded]
        self.ids = [i for _, i in self.recorded]
        lags = re.findall(r"^lag=(-?\d+)$", text, re.M)
        self.lag = int(lags[-1]) if lags else None


class LocalStore:
    """The device's store, opened through the C API (ctypes) after the
    player exited, to read back what it holds."""

    def __init__(self, directory):
        self.lib = ctypes.CDLL(LIB_PATH)
        self.lib.lrs_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.c_void_p)]
        self.lib.lrs_close.argtypes = [ctypes.c_void_p]
        self.lib.lrs_statements_query.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
            ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]
        self.lib.lrs_free.argtypes = [ctypes.c_void_p]
        self.lib.lrs_errmsg.restype = ctypes.c_char_p
        self.db = ctypes.c_void_p()
        rc = self.lib.lrs_open(directory.encode(), None, 0, ctypes.byref(self.db))
        if rc != 0:
            raise AssertionError("lrs_open %s: %d %s" % (directory, rc, self.lib.lrs_errmsg()))

    def query(self, params):
        out, n = ctypes.c_void_p(), ctypes.c_size_t()
        p = json.dumps(params).encode()
        rc = self.lib.lrs_statements_query(self.db, p, len(p), ctypes.byref(out), ctypes.byref(n))
        if rc != 0:
            raise AssertionError("lrs_statements_query: %d %s" % (rc, self.lib.lrs_errmsg()))
        try:
            return json.loads(ctypes.string_at(out, n.value).decode())
        finally:
            self.lib.lrs_free(out)

    def close(self):
        self.lib.lrs_close(self.db)
        self.db = None


@unittest.skipIf("--lrs" not in sys.argv,
                 "no lrs program in this build (LRS_WITH_HTTP=OFF): no upstream to sync to")
class CoursePlayerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.upstream = lrs_harness.Daemon(LRS_BINARY)
        cls.client = lrs_harness.Client(cls.upstream.port)
        cls.url = "http://127.0.0.1:%d/xapi/" % cls.upstream.port

    @classmethod
    def tearDownClass(cls):
        rc = cls.upstream.stop()
        if rc not in (0, None):
            raise AssertionError("lrs serve exited with %r" % rc)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="lrs-course-player-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.device = os.path.join(self.dir, "device")

    def player(self, *extra, learner="ana@example.com"):
        code, out = run([program("example_course_player"), "--data", self.device,
                         "--upstream", self.url, "--key", lrs_harness.KEY,
                         "--secret", lrs_harness.SECRET, "--learner", learner,
                         "--allow-network", "127.0.0.1", *extra])
        return code, PlayerOutput(out)

    def upstream_statements(self, registration):
        """The upstream's statements of a registration, oldest first (every
        page, following "more")."""
        statements = []
        path, params = "statements", {"registration": registration, "ascending": "true",
                                      "limit": "100"}
        while True:
            r = self.client.get(path, params=params)  # Basic auth, version 2.0.0
            self.assertEqual(r.status, 200, r)
            body = r.json()
            statements += body["statements"]
            if not body.get("more"):
                return statements
            path, params = body["more"], None

    def local_ids(self, registration):
        store = LocalStore(self.device)
        try:
            page = store.query({"registration": registration, "ascending": True, "limit": 100})
            self.assertEqual(page["more"], "")
            return [s["id"] for s in page["statements"]]
        finally:
            store.close()

    def check_session(self, statements, out, result_verb):
        """The upstream's copy of the session is the device's, once each."""
        ids = [s["id"] for s in statements]
        self.assertEqual(ids, out.ids, "every statement once, in stored order, same ids")
        verbs = CMI5_VERBS[:5] + [result_verb] + CMI5_VERBS[6:]
        self.assertEqual([s["verb"]["id"] for s in statements], [ADL + v for v in verbs])
        sessions = {s["context"]["extensions"][SESSION_ID] for s in statements}
        self.assertEqual(len(sessions), 1, "one cmi5 session id")
        for s in statements:
            self.assertEqual(s["context"]["registration"], out.registration)
            categories = [a["id"] for a in s["context"]["contextActivities"].get("category", [])]
            verb = s["verb"]["id"][len(ADL):]
            # cmi5-defined statements carry the cmi5 category; the "cmi5
            # allowed" progressed statements must not.
            self.assertEqual(CMI5_CATEGORY in categories, verb != "progressed", s)
            if verb == "progressed":
                self.assertIn(PROGRESS, s["result"]["extensions"])
            if verb in ("passed", "failed", "completed", "terminated"):
                self.assertRegex(s["result"]["duration"], r"^PT")
        timestamps = [s["timestamp"] for s in statements]
        self.assertEqual(timestamps, sorted(timestamps))

    def test_offline_then_online(self):
        # Offline: the session is stored on the device; nothing leaves it.
        code, out = self.player("--offline-only")
        self.assertEqual(code, 0, out.text)
        self.assertIsNotNone(out.registration, out.text)
        self.assertEqual(out.verbs, CMI5_VERBS, out.text)
        self.assertEqual(len(set(out.ids)), len(out.ids))
        self.assertIn("state LMS.LaunchData stored", out.text)
        self.assertIn("waiting to be sent: lag=%d" % len(out.ids), out.text)
        self.assertIsNone(out.lag, "--offline-only must not go online")
        self.assertEqual(self.upstream_statements(out.registration), [])
        # The printed ids are the device store's own.
        self.assertEqual(self.local_ids(out.registration), out.ids)

        # Online (no new session): the outbox drains to the upstream.
        code, online = self.player("--online")
        self.assertEqual(code, 0, online.text)
        self.assertEqual(online.recorded, [], "--online plays no session")
        self.assertEqual(online.lag, 0, online.text)
        self.check_session(self.upstream_statements(out.registration), out, "passed")

        # Once more online: nothing is sent twice.
        code, again = self.player("--online")
        self.assertEqual(code, 0, again.text)
        self.assertEqual(again.lag, 0, again.text)
        self.check_session(self.upstream_statements(out.registration), out, "passed")

    def test_record_and_sync_in_one_run_failed_attempt(self):
        # The default: play offline, then go online in the same run. A score
        # below the mastery score (0.8) is a "failed" statement.
        learner = "ben-%s@example.com" % uuid.uuid4().hex[:8]
        code, out = self.player("--score", "0.5", learner=learner)
        self.assertEqual(code, 0, out.text)
        self.assertEqual(out.lag, 0, out.text)
        self.assertEqual(out.verbs[5], "failed", out.text)
        statements = self.upstream_statements(out.registration)
        self.check_session(statements, out, "failed")
        failed = statements[5]
        self.assertEqual(failed["result"]["success"], False)
        self.assertEqual(failed["result"]["score"]["scaled"], 0.5)
        self.assertEqual(failed["actor"]["account"]["name"], learner)

    def test_bad_arguments(self):
        code, out = run([program("example_course_player"), "--data", self.device])
        self.assertEqual(code, 2, out)
        self.assertIn("usage:", out)


class QuickstartTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="lrs-quickstart-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_c_quickstart(self):
        # No argument: the store is ./lrs-data in the working directory.
        code, out = run([program("example_c_quickstart")], cwd=self.dir)
        self.assertEqual(code, 0, out)
        self.assertTrue(os.path.isdir(os.path.join(self.dir, "lrs-data")))
        self.assertRegex(out, r"^lrs \d+\.\d+\.\d+ \(header \d+\.\d+\.\d+\)")
        self.assertIn("stored a batch of two", out)
        self.assertIn("query: 3 pages", out)  # limit 1, three statements, "more" followed
        self.assertRegex(out, r"voided [0-9a-f-]{36} with statement [0-9a-f-]{36}")
        self.assertIn('state ids: ["bookmark"]', out)
        self.assertIn('state "bookmark" deleted', out)
        # The export: one JSON statement per line, the voiding one last.
        lines = [json.loads(l) for l in out.splitlines() if l.startswith('{"id"')]
        self.assertEqual(len(lines), 4, out)
        self.assertEqual(lines[-1]["verb"]["id"], ADL + "voided")
        self.assertIn('export done: {"exported":4,', out)
        self.assertIn('stats: {"statements":4,', out)

        # A second run adds to the same store.
        code, out = run([program("example_c_quickstart")], cwd=self.dir)
        self.assertEqual(code, 0, out)
        self.assertIn('export done: {"exported":8,', out)

    def test_c_quickstart_reports_errors(self):
        # A store directory that cannot be created: the message names it.
        blocker = os.path.join(self.dir, "file")
        with open(blocker, "w") as f:
            f.write("not a directory")
        code, out = run([program("example_c_quickstart"), os.path.join(blocker, "store")])
        self.assertEqual(code, 1, out)
        self.assertIn("lrs_open failed:", out)

    def test_quickstart(self):
        code, out = run([program("example_quickstart")], cwd=self.dir)
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"stored 2 statements durably in lrs-data: [0-9a-f-]{36}, ")
        self.assertIn("Ana's statements in the onboarding course: 2", out)
        self.assertIn("the store now holds 2 statements", out)


def main():
    global LIB_PATH, BIN_DIR, LRS_BINARY
    args = sys.argv[1:]
    for flag in ("--lib", "--bin-dir", "--lrs"):
        if flag in args:
            i = args.index(flag)
            value = os.path.abspath(args[i + 1])
            del args[i:i + 2]
            if flag == "--lib":
                LIB_PATH = value
            elif flag == "--bin-dir":
                BIN_DIR = value
            else:
                LRS_BINARY = value
    if LIB_PATH is None or BIN_DIR is None:
        sys.exit("usage: course_player_test.py --lib LIBLRS --bin-dir BUILD_DIR [--lrs LRS]")
    lrs_harness.LRS_BINARY = LRS_BINARY
    unittest.main(argv=[sys.argv[0]] + args, verbosity=2)


if __name__ == "__main__":
    main()
