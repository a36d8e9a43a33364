# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""Test harness for conformance/: starts `lrs serve` on a free loopback port
with a fresh data directory and a bootstrap credential, and gives tests a
small HTTP client. Standard library only.

Each test module runs as `python3 <module>_test.py --lrs PATH/TO/lrs`
(ctest does this) and starts its own daemon, which it stops at the end.
"""

import base64
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

KEY = "conformance"
SECRET = "conformance-" + uuid.uuid4().hex  # generated per run, never stored
LRS_BINARY = None


class Daemon:
    """One `lrs serve` process on 127.0.0.1 and a free port."""

    def __init__(self, binary, extra_args=(), env=None, data_dir=None):
        # data_dir: reuse (and keep) this directory, e.g. to restart a daemon.
        self.keep = data_dir is not None
        self.dir = data_dir or tempfile.mkdtemp(prefix="lrs-conformance-")
        e = dict(os.environ)
        e["LRS_BOOTSTRAP_CREDENTIAL"] = KEY + ":" + SECRET
        e.update(env or {})
        self.proc = subprocess.Popen(
            [binary, "serve", "--data", os.path.join(self.dir, "data"),
             "--listen", "127.0.0.1:0", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=e, text=True)
        self.lines = []
        self.port = None
        got = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r"lrs: listening on https?://[^:/]+:(\d+)/xapi/", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    got.set()
            got.set()

        threading.Thread(target=pump, daemon=True).start()
        if not got.wait(30) or self.port is None:
            self.stop()
            raise RuntimeError("lrs serve did not start:\n" + "".join(self.lines))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode

    def kill(self):
        """SIGKILL: no shutdown at all (a crash)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # dict with lower-case names
        self.body = body        # bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%d %r %r>" % (self.status, self.headers, self.body[:300])


class Client:
    def __init__(self, port, key=KEY, secret=SECRET, version="2.0.0"):
        self.port = port
        self.version = version
        self.auth = None
        if key is not None:
            token = base64.b64encode((key + ":" + secret).encode()).decode()
            self.auth = "Basic " + token
        self.conn = None

    def request(self, method, path, params=None, body=None, headers=None,
                version="default", auth="default", content_type="default"):
        h = {}
        if version == "default":
            version = self.version
        if version is not None:
            h["X-Experience-API-Version"] = version
        if auth == "default":
            auth = self.auth
        if auth is not None:
            h["Authorization"] = auth
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            if content_type == "default":
                content_type = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        if content_type not in ("default", None):
            h["Content-Type"] = content_type
        h.update(headers or {})
        url = "/xapi/" + path if not path.startswith("/") else path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, url, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                hdrs = {k.lower(): v for k, v in r.getheaders()}
                if hdrs.get("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return Response(r.status, hdrs, data)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def put(self, path, body, params=None, **kw):
        return self.request("PUT", path, params=params, body=body, **kw)

    def post(self, path, body, params=None, **kw):
        return self.request("POST", path, params=params, body=body, **kw)

    def delete(self, path, params=None, **kw):
        return self.request("DELETE", path, params=params, **kw)


def agent(name="learner"):
    return {"objectType": "Agent", "mbox": "mailto:%s@example.com" % name}


def statement(actor=None, verb="http://adlnet.gov/expapi/verbs/completed",
              activity="http://example.com/activities/module-3", **extra):
    s = {"actor": actor or agent(),
         "verb": {"id": verb, "display": {"en-US": "completed"}},
         "object": {"objectType": "Activity", "id": activity}}
    s.update(extra)
    return s


class LrsTestCase(unittest.TestCase):
    """Starts one daemon per test module (class), shared by its tests."""

    daemon = None

    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(LRS_BINARY)
        cls.client = Client(cls.daemon.port)
        cls.client1 = Client(cls.daemon.port, version="1.0.3")

    @classmethod
    def tearDownClass(cls):
        if cls.daemon:
            rc = cls.daemon.stop()
            if rc not in (0, None):
                raise AssertionError("lrs serve exited with %r" % rc)

    def assertError(self, r, status):
        """A 4xx with a JSON error body naming the cause."""
        self.assertEqual(r.status, status, r)
        body = r.json()
        self.assertIn("error", body)
        self.assertTrue(body["error"].get("message"), body)


def main():
    global LRS_BINARY
    args = sys.argv[1:]
    if "--lrs" in args:
        i = args.index("--lrs")
        LRS_BINARY = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    else:
        LRS_BINARY = os.environ.get("LRS_BINARY", "build/lrs")
    unittest.main(argv=[sys.argv[0]] + args, verbosity=2)
