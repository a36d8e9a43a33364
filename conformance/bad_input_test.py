#!/usr/bin/env python3
# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""Bad input: a corpus of named HTTP requests that the LRS must refuse.

Every case is one request (or one raw exchange on a socket) that is wrong:
a statement breaking a validation rule of xAPI Data (each rule of
lrs/validate, under 2.0.0 and 1.0.3, on POST and PUT), attachments and
signatures that do not hold, document requests with bad parameters or
failed preconditions, bad query parameters, malformed HTTP and JSON,
authentication bypass attempts, one store's credential reaching into
another store, traversal and injection in ids, parameters and paths,
oversized and slow requests.

Each case must be answered with a 4xx (the exact code where the spec or
our docs fix it) and a JSON error body {"error": {"message": ...}}; a raw
exchange whose request cannot even be parsed may instead end with the
connection closed. Never a 2xx, never a 5xx, never a hang.

Before the corpus, the test seeds two stores with statements (voided,
voiding, with attachments, SubStatements) and documents, and takes a
snapshot of them. After it: the daemon still runs, its output shows no
crash, every store's statements and documents are as they were, and every
document key a rejected write named is still absent.

Section numbers are those of xAPI-Data.md and xAPI-Communication.md
(adlnet/xAPI-Spec, 1.0.3; IEEE 9274.1.1 keeps the same requirements). The
daemon runs with low limits and short timeouts (CONFIG below) so the
oversized and slow cases stay fast. With BAD_INPUT_VERBOSE=1 in the
environment every case and its answer are printed."""

import base64
import copy
import hashlib
import http.client
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

import lrs_harness
from lrs_harness import KEY, SECRET, Daemon, main

MAX_BODY = 4 << 20
MAX_HEADER = 8 << 10
HEADER_TIMEOUT_MS = 1000
BODY_TIMEOUT_MS = 1500
CONFIG = """\
# bad_input_test.py: low limits and short timeouts for the oversized and
# slow cases.
[limits]
max_body_bytes = %d
max_header_bytes = %d
header_timeout_ms = %d
body_timeout_ms = %d
idle_timeout_ms = 30000
""" % (MAX_BODY, MAX_HEADER, HEADER_TIMEOUT_MS, BODY_TIMEOUT_MS)

MIN_CASES = 500

# Words in the daemon's output that mean it crashed or hit an internal error.
CRASH_MARKERS = ("Sanitizer", "runtime error:", "Segmentation fault", "terminate called",
                 "Assertion", "core dumped", "stack-overflow", '"level":"error"',
                 "internal error", "Aborted")

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
VERB = "http://adlnet.gov/expapi/verbs/attempted"
ACT = "http://example.com/bad-input/activity"
REG = "9b2a61d4-1a7e-4d0b-9a3a-2f1d8e6c4b71"
SIG_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ATT_USAGE = "http://example.com/bad-input/attachment-usage"
BOUNDARY = "bad-input-boundary-7f3a"

DEL = object()  # mutate(): remove the property


def mbox(name):
    return "mailto:%s@example.com" % name


def agent(name="learner"):
    return {"objectType": "Agent", "mbox": mbox(name)}


def group(*members, **ifi):
    g = {"objectType": "Group"}
    g.update(ifi)
    if members:
        g["member"] = list(members)
    return g


def sha256(data):
    return hashlib.sha256(data).hexdigest()


BASE = {
    "actor": {"objectType": "Agent", "name": "Bad Input", "mbox": mbox("bad-input")},
    "verb": {"id": VERB, "display": {"en-US": "attempted"}},
    "object": {"objectType": "Activity", "id": ACT,
               "definition": {"name": {"en-US": "Quiz"}, "description": {"en-US": "A quiz"},
                              "type": "http://adlnet.gov/expapi/activities/assessment"}},
    "result": {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": True,
               "completion": True, "response": "a", "duration": "PT1M30S"},
    "context": {"registration": REG,
                "contextActivities": {"parent": [{"id": ACT + "/parent"}]},
                "revision": "1", "platform": "bad-input", "language": "en-US"},
    "timestamp": "2024-05-01T10:00:00.000Z",
}

SUB = {"objectType": "SubStatement", "actor": agent("sub"), "verb": {"id": VERB},
       "object": {"id": ACT + "/sub"}}
BASE_SUB = {"actor": agent("bad-input"), "verb": {"id": VERB}, "object": SUB}
BASE_VOID = {"actor": agent("admin"), "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
             "object": {"objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000000"}}
ATT = {"usageType": ATT_USAGE, "display": {"en-US": "notes"}, "contentType": "text/plain",
       "length": 5, "sha2": sha256(b"hello"), "fileUrl": "http://example.com/files/notes.txt"}
BASE_ATT = dict(BASE_SUB, object={"id": ACT}, attachments=[ATT])
CONTEXT_AGENT = {"objectType": "contextAgent", "agent": agent("ca"),
                 "relevantTypes": ["http://example.com/types/coach"]}
CONTEXT_GROUP = {"objectType": "contextGroup", "group": group(agent("g1"), mbox=mbox("grp")),
                 "relevantTypes": ["http://example.com/types/team"]}
BASE_CTX2 = dict(BASE_SUB, object={"id": ACT},
                 context={"contextAgents": [CONTEXT_AGENT], "contextGroups": [CONTEXT_GROUP]})


def mutate(base, *changes):
    """A deep copy of `base` with (path, value) changes applied; a path is
    "a.b.0.c" (digits index arrays); value DEL removes the property."""
    s = copy.deepcopy(base)
    for path, value in changes:
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        node = s
        for k in keys[:-1]:
            node = node[k]
        if value is DEL:
            del node[keys[-1]]
        else:
            node[keys[-1]] = copy.deepcopy(value)
    return s


def with_duplicate(obj_json, key, value):
    """The JSON text of an object with `key` repeated (last member)."""
    assert obj_json.endswith("}")
    return obj_json[:-1] + ", %s: %s}" % (json.dumps(key), json.dumps(value))


def multipart(parts, boundary=BOUNDARY):
    """A multipart/mixed body; parts are (header list, body bytes)."""
    out = b""
    for headers, body in parts:
        out += b"--" + boundary.encode() + b"\r\n"
        for k, v in headers:
            out += ("%s: %s\r\n" % (k, v)).encode()
        out += b"\r\n" + body + b"\r\n"
    return out + b"--" + boundary.encode() + b"--\r\n"


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(header, payload, signature=b"not-a-real-signature"):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    p = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return b64u(h) + "." + b64u(p) + "." + b64u(signature)


def signed_body(stmt, token):
    """A statement signed with `token` (the JWS text), as multipart."""
    data = token.encode() if isinstance(token, str) else token
    s = copy.deepcopy(stmt)
    s.setdefault("attachments", []).append(
        {"usageType": SIG_USAGE, "display": {"en-US": "signature"},
         "contentType": "application/octet-stream", "length": len(data), "sha2": sha256(data)})
    return multipart([([("Content-Type", "application/json")], json.dumps(s).encode()),
                      ([("Content-Type", "application/octet-stream"),
                        ("Content-Transfer-Encoding", "binary"),
                        ("X-Experience-API-Hash", sha256(data))], data)])


MULTIPART = "multipart/mixed; boundary=" + BOUNDARY


class Case:
    """One bad request and what must answer it.

    params: dict or list of pairs (values str or bytes), url-encoded; query:
    a raw query string instead. body: dict/list (sent as JSON), str or
    bytes. headers: extra (name, value) pairs, repeats allowed. who: the
    credential (see BadInput.setUpClass). version/auth: None omits the
    header, "default" sends the usual one. expect: the status, or a tuple
    of allowed ones. where: a text the error message must contain (the
    field a validation rule names). A rejected write to a document names a
    key whose absence (or unchanged content) is checked at the end."""

    def __init__(self, group, name, method="GET", path="statements", params=None, query=None,
                 body=None, content_type="auto", headers=(), who="main", version="2.0.0",
                 auth="default", expect=400, where=None):
        self.group, self.name = group, name
        self.method, self.path, self.params, self.query = method, path, params, query
        self.body, self.content_type, self.headers = body, content_type, list(headers)
        self.who, self.version, self.auth = who, version, auth
        self.expect = expect if isinstance(expect, tuple) else (expect,)
        self.where = where

    def url(self):
        url = self.path if self.path.startswith("/") else "/xapi/" + self.path
        if self.query is not None:
            url += "?" + self.query
        elif self.params:
            url += "?" + urllib.parse.urlencode(self.params)
        return url

    def payload(self):
        b = self.body
        if b is not None and not isinstance(b, (bytes, str)):
            b = json.dumps(b)
        if isinstance(b, str):
            b = b.encode("utf-8")
        return b


class Conn:
    """A keep-alive HTTP/1.1 connection that sends headers as given
    (repeats included)."""

    def __init__(self, port):
        self.port = port
        self.c = None

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None

    def send(self, method, url, headers, body):
        for attempt in range(2):
            if self.c is None:
                self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            try:
                self.c.putrequest(method, url, skip_accept_encoding=True)
                for k, v in headers:
                    self.c.putheader(k, v)
                self.c.endheaders(body)
                r = self.c.getresponse()
                data = r.read()
                hdrs = r.getheaders()
                if r.will_close:
                    self.close()
                return r.status, hdrs, data
            except (http.client.RemoteDisconnected, http.client.CannotSendRequest,
                    ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 1:
                    raise


def header(hdrs, name):
    for k, v in hdrs:
        if k.lower() == name.lower():
            return v
    return None


# ---- Raw exchanges ------------------------------------------------------------


class RawResult:
    def __init__(self):
        self.responses = []  # (status, headers, body)
        self.closed = False  # the server closed (FIN or reset)
        self.hung = False    # nothing came back before the deadline
        self.elapsed = 0.0


def parse_responses(buf):
    """Complete responses at the start of buf; returns (list, rest)."""
    out = []
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return out, buf
        head = buf[:end].decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3})", head[0])
        if not m:
            raise AssertionError("not an HTTP response: %r" % buf[:200])
        hdrs = []
        for line in head[1:]:
            k, _, v = line.partition(":")
            hdrs.append((k.strip(), v.strip()))
        status = int(m.group(1))
        n = int(header(hdrs, "Content-Length") or 0)
        if status in (100, 204, 304) or 100 <= status < 200:
            n = 0
        if len(buf) < end + 4 + n:
            return out, buf
        out.append((status, hdrs, buf[end + 4:end + 4 + n]))
        buf = buf[end + 4 + n:]


def raw_exchange(port, pieces, gap=0.0, timeout=5.0, want=1, stop_early=False):
    """Sends `pieces` (bytes) `gap` seconds apart and reads until `want`
    final responses (not 100 Continue) came, the server closed, or
    `timeout` passed. With stop_early, stops sending once the server
    answered or closed."""
    res = RawResult()
    start = time.monotonic()
    deadline = start + timeout
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    buf = b""

    def finals():
        return [r for r in res.responses if r[0] >= 200]

    def pump(wait):
        nonlocal buf
        r, _, _ = select.select([s], [], [], max(0.0, wait))
        if not r:
            return
        try:
            data = s.recv(1 << 16)
        except (ConnectionResetError, socket.timeout):
            res.closed = True
            return
        if not data:
            res.closed = True
            return
        buf += data
        got, buf = parse_responses(buf)
        res.responses.extend(got)

    try:
        for i, piece in enumerate(pieces):
            if i and gap:
                t_end = time.monotonic() + gap
                while time.monotonic() < t_end and not res.closed:
                    pump(t_end - time.monotonic())
                    if stop_early and finals():
                        break
            if res.closed or (stop_early and finals()):
                break
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
        while not res.closed and len(finals()) < want and time.monotonic() < deadline:
            pump(deadline - time.monotonic())
        if not res.closed and not finals():
            res.hung = True
    finally:
        s.close()
    res.elapsed = time.monotonic() - start
    res.responses = finals()
    return res


class RawCase:
    """A raw exchange: pieces sent on a fresh socket. expect: allowed
    statuses of the answer; may_close: the server may close without one."""

    def __init__(self, group, name, pieces, expect=400, may_close=False, gap=0.0, timeout=5.0,
                 want=1, max_elapsed=None, stop_early=False):
        self.group, self.name = group, name
        self.pieces = [pieces] if isinstance(pieces, bytes) else pieces
        self.expect = expect if isinstance(expect, tuple) else (expect,)
        self.may_close, self.gap, self.timeout, self.want = may_close, gap, timeout, want
        self.max_elapsed, self.stop_early = max_elapsed, stop_early


# ---- The test ---------------------------------------------------------------------


class BadInput(unittest.TestCase):

    executed = 0        # cases run
    groups_run = set()  # groups run (all of them: the case count is checked)
    keys = {}           # credential name -> key
    written_docs = []   # (who, resource, params) that rejected writes named

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="lrs-bad-input-")
        config = os.path.join(cls.tmp, "lrs.toml")
        with open(config, "w") as f:
            f.write(CONFIG)
        cls.daemon = Daemon(lrs_harness.LRS_BINARY, env={"LRS_CONFIG": config})
        cls.port = cls.daemon.port
        cls.conns = {}
        cls.auths = {"main": basic(KEY, SECRET)}
        # Stores: "b" (the other tenant, snapshotted), "c" (isolation writes).
        cls.lrs("stores", "add", "b")
        cls.lrs("stores", "add", "c")
        for name, store, scopes in (
                ("b", "b", "all"), ("c", "c", "all"),
                ("reader", "default", "statements/read"),
                ("writer", "default", "statements/write"),
                ("mine", "default", "statements/read/mine,statements/write"),
                ("state", "default", "state"), ("profile", "default", "profile"),
                ("define", "default", "define"), ("allread", "default", "all/read"),
                ("admin", "default", "admin"), ("revoked", "default", "all")):
            cls.auths[name] = cls.credential(name, store, scopes)
        cls.lrs("credentials", "revoke", cls.keys["revoked"])
        cls.seed()
        cls.before = cls.snapshot()

    @classmethod
    def tearDownClass(cls):
        for c in cls.conns.values():
            c.close()
        rc = cls.daemon.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if rc not in (0, None):
            raise AssertionError("lrs serve exited with %r" % rc)

    # ---- Daemon helpers ----

    @classmethod
    def lrs(cls, *args):
        data = os.path.join(cls.daemon.dir, "data")
        out = subprocess.run([lrs_harness.LRS_BINARY, *args, "--data", data],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("lrs %s: %s%s" % (" ".join(args), out.stdout, out.stderr))
        return out.stdout

    @classmethod
    def credential(cls, name, store, scopes):
        out = cls.lrs("credentials", "add", "--store", store, "--scopes", scopes,
                      "--label", "bad-input " + name)
        key = re.search(r"key:\s+(\S+)", out).group(1)
        secret = re.search(r"secret:\s+(\S+)", out).group(1)
        cls.keys[name] = key
        return basic(key, secret)

    @classmethod
    def conn(cls, who):
        if who not in cls.conns:
            cls.conns[who] = Conn(cls.port)
        return cls.conns[who]

    @classmethod
    def call(cls, method, path, params=None, body=None, content_type=None, who="main",
             version="2.0.0", headers=()):
        """A plain request (seeding, snapshots): (status, headers, body)."""
        c = Case("-", "-", method, path, params=params, body=body, who=who, version=version,
                 headers=headers, content_type=content_type or "auto")
        return cls.conn(who).send(method, c.url(), cls.request_headers(c), c.payload())

    @classmethod
    def request_headers(cls, case):
        h = []
        if case.version is not None:
            h.append(("X-Experience-API-Version", case.version))
        auth = cls.auths[case.who] if case.auth == "default" else case.auth
        if auth is not None:
            h.append(("Authorization", auth))
        body = case.payload()
        ct = case.content_type
        if ct == "auto":
            ct = "application/json" if isinstance(case.body, (dict, list)) else None
        if ct is not None:
            h.append(("Content-Type", ct))
        names = {k.lower() for k, _ in case.headers}
        if body is not None and "content-length" not in names:
            h.append(("Content-Length", str(len(body))))
        elif body is None and case.method in ("PUT", "POST") and "content-length" not in names:
            h.append(("Content-Length", "0"))
        return h + case.headers

    # ---- Seed data and snapshots ----

    ids = {}
    docs = []  # (who, resource, params) of every seeded document

    @classmethod
    def seed(cls):
        def ok(r, *codes):
            if r[0] not in codes:
                raise AssertionError("seeding failed: %r %r" % (r[0], r[2][:500]))
            return r

        def put_stmt(who, name, stmt, version="2.0.0", content_type=None):
            sid = str(uuid.uuid4())
            cls.ids[name] = sid
            ok(cls.call("PUT", "statements", {"statementId": sid}, stmt, who=who,
                        version=version, content_type=content_type), 204)

        # Store default: every base the corpus mutates is stored once as is
        # (so each is known valid), plus voided, voiding, attachments.
        put_stmt("main", "base", BASE)
        put_stmt("main", "base-1.0.3", BASE, "1.0.3")
        put_stmt("main", "sub", BASE_SUB)
        att = mutate(BASE_ATT, ("attachments.0.fileUrl", DEL))
        put_stmt("main", "att", multipart([
            ([("Content-Type", "application/json")], json.dumps(att).encode()),
            ([("Content-Type", "text/plain"), ("X-Experience-API-Hash", sha256(b"hello"))],
             b"hello")]), content_type=MULTIPART)
        put_stmt("main", "ctx2", BASE_CTX2)
        put_stmt("main", "target", mutate(BASE_SUB, ("object", {"id": ACT + "/voided"})))
        put_stmt("main", "voiding", mutate(BASE_VOID, ("object.id", cls.ids["target"])))
        put_stmt("main", "ref", mutate(BASE_SUB, ("object", {"objectType": "StatementRef",
                                                             "id": cls.ids["base"]})))
        put_stmt("main", "group", mutate(BASE_SUB, ("actor", group(agent("m1"), agent("m2")))))
        put_stmt("main", "fileurl", BASE_ATT)
        # Store b: its own statements and documents, some at the same keys.
        put_stmt("b", "store-b-1", mutate(BASE_SUB, ("object", {"id": ACT + "/b"})))
        put_stmt("b", "store-b-2", BASE)

        for who, resource, params, body, ct in (
                ("main", "activities/state", dict(DOC_STATE, stateId="progress"), {"page": 3},
                 None),
                ("main", "activities/state", dict(DOC_STATE, stateId="notes"), "hello",
                 "text/plain"),
                ("main", "activities/state", dict(DOC_STATE, stateId="progress", registration=REG),
                 {"page": 9}, None),
                ("main", "activities/profile", dict(DOC_ACT_PROFILE, profileId="settings"),
                 {"theme": "dark"}, None),
                ("main", "agents/profile", dict(DOC_AGENT_PROFILE, profileId="prefs"),
                 {"lang": "en"}, None),
                ("b", "activities/state", dict(DOC_STATE, stateId="progress"), {"page": "b"}, None),
                ("b", "activities/state", dict(DOC_STATE, stateId="b-only"), {"b": 1}, None),
                ("b", "activities/profile", dict(DOC_ACT_PROFILE, profileId="settings"),
                 {"theme": "b"}, None)):
            ok(cls.call("PUT", resource, params, body, content_type=ct, who=who,
                        headers=[("If-None-Match", "*")]), 204)
            cls.docs.append((who, resource, params))

    @classmethod
    def store_of(cls, who):
        return {"b": "b", "c": "c"}.get(who, "default")

    @classmethod
    def snapshot(cls):
        snap = {}
        for who in ("main", "b"):
            page = cls.call("GET", "statements", {"ascending": "true", "limit": "0",
                                                  "format": "exact"}, who=who)
            body = json.loads(page[2])
            if body["more"]:
                raise AssertionError("the seed data should fit one page")
            snap[who + " statements"] = body["statements"]
        for name, sid in sorted(cls.ids.items()):
            for who in ("main", "b"):
                for param in ("statementId", "voidedStatementId"):
                    r = cls.call("GET", "statements", {param: sid, "attachments": "true"}, who=who)
                    snap["%s %s %s" % (who, param, name)] = (r[0], without_boundary(r))
        for who, resource, params in cls.docs:
            snap["doc %s %s %s" % (who, resource, sorted(params.items()))] = cls.get_doc(
                who, resource, params)
            listing = {k: v for k, v in params.items() if k not in ("stateId", "profileId")}
            r = cls.call("GET", resource, listing, who=who)
            snap["list %s %s %s" % (who, resource, sorted(listing.items()))] = (r[0], r[2])
        for who in ("main", "b"):
            r = cls.call("GET", "agents", {"agent": json.dumps(agent("bad-input"))}, who=who)
            snap[who + " agents"] = (r[0], r[2])
            r = cls.call("GET", "activities", {"activityId": ACT}, who=who)
            snap[who + " activities"] = (r[0], r[2])
            r = cls.call("GET", "/export", who=who, version=None)
            snap[who + " export"] = (r[0], r[2])
        metrics = cls.call("GET", "/metrics", version=None)[2].decode()
        for store in ("default", "b"):
            m = re.search(r'lrs_statements_stored\{store="%s"\} (\S+)' % store, metrics)
            snap["stored " + store] = m.group(1) if m else None
        return snap

    @classmethod
    def get_doc(cls, who, resource, params):
        r = cls.call("GET", resource, params, who=who)
        return (r[0], header(r[1], "Content-Type"), header(r[1], "ETag"), r[2])

    # ---- Running cases ----

    def run_cases(self, group, cases):
        self.assertTrue(cases, group)
        names = set()
        for case in cases:
            with self.subTest(case="%s: %s" % (case.group, case.name)):
                self.assertNotIn(case.name, names, "case names must be unique in a group")
                names.add(case.name)
                if isinstance(case, RawCase):
                    self.check_raw(case)
                else:
                    self.check(case)
                type(self).executed += 1
                if case_writes_doc(case):
                    type(self).written_docs.append((case.who, case.path, case.params))
        type(self).groups_run.add(group)
        self.assertIsNone(self.daemon.proc.poll(), "the daemon exited during " + group)

    def check(self, case):
        status, hdrs, body = self.conn(case.who).send(
            case.method, case.url(), self.request_headers(case), case.payload())
        log_case(case, status, body)
        self.check_answer(case, status, hdrs, body, head=case.method == "HEAD")

    def check_answer(self, case, status, hdrs, body, head=False):
        what = "%s: %s -> %d %r" % (case.group, case.name, status, body[:400])
        self.assertTrue(400 <= status < 500, what)
        self.assertIn(status, case.expect, what)
        self.assertTrue((header(hdrs, "Content-Type") or "").startswith("application/json"), what)
        for k, _ in hdrs:
            self.assertNotIn(k.lower(), ("set-cookie", "x-injected"), what)
        if head:
            self.assertEqual(body, b"", what)
            return
        try:
            doc = json.loads(body.decode("utf-8"))
        except ValueError:
            self.fail("not JSON: " + what)
        self.assertIsInstance(doc, dict, what)
        err = doc.get("error")
        self.assertIsInstance(err, dict, what)
        self.assertIsInstance(err.get("message"), str, what)
        self.assertTrue(err["message"], what)
        if "status" in err:
            self.assertEqual(err["status"], status, what)
        if getattr(case, "where", None):
            self.assertIn(case.where, err["message"], what)

    def check_raw(self, case):
        res = raw_exchange(self.port, case.pieces, gap=case.gap, timeout=case.timeout,
                           want=case.want, stop_early=case.stop_early)
        what = "%s: %s -> %r closed=%s hung=%s %.2fs" % (
            case.group, case.name, [(s, b[:200]) for s, _, b in res.responses], res.closed,
            res.hung, res.elapsed)
        log_case(case, [s for s, _, _ in res.responses] or "closed", b"")
        self.assertFalse(res.hung, "no answer and no close (a hang): " + what)
        if case.max_elapsed is not None:
            self.assertLess(res.elapsed, case.max_elapsed, what)
        if not res.responses:
            self.assertTrue(case.may_close and res.closed, what)
        for status, hdrs, body in res.responses:
            self.check_answer(case, status, hdrs, body)
        self.assertIsNone(self.daemon.proc.poll(), "the daemon died: " + what)

    # ---- The groups (test names sort in this order) ----

    def test_01_statement_validation_rules(self):
        self.run_cases("validation", validation_cases(self))

    def test_02_statement_requests(self):
        self.run_cases("statement requests", statement_request_cases(self))

    def test_03_malformed_json(self):
        self.run_cases("malformed JSON", malformed_json_cases(self))

    def test_04_attachments_and_signatures(self):
        self.run_cases("attachments", attachment_cases(self))

    def test_05_statement_queries(self):
        self.run_cases("queries", query_cases(self))

    def test_06_documents(self):
        self.run_cases("documents", document_cases(self))

    def test_07_agents_activities_about(self):
        self.run_cases("agents, activities, about", agents_activities_about_cases(self))

    def test_08_headers_and_methods(self):
        self.run_cases("headers and methods", header_cases(self))

    def test_09_malformed_http(self):
        self.run_cases("malformed HTTP", malformed_http_cases(self))

    def test_10_alternate_request_syntax(self):
        self.run_cases("alternate syntax", alternate_syntax_cases(self))

    def test_11_authentication(self):
        self.run_cases("authentication", auth_cases(self))

    def test_12_scopes_and_stores(self):
        self.run_cases("scopes and stores", scope_and_store_cases(self))

    def test_13_traversal_and_injection(self):
        self.run_cases("traversal and injection", traversal_cases(self))

    def test_14_oversized(self):
        self.run_cases("oversized", oversized_cases(self))

    def test_15_slow_requests(self):
        # The slow exchanges run side by side: each takes about a timeout.
        cases = slow_cases(self)
        results = {}

        def run(case):
            results[case.name] = raw_exchange(self.port, case.pieces, gap=case.gap,
                                              timeout=case.timeout, want=case.want,
                                              stop_early=case.stop_early)

        threads = [threading.Thread(target=run, args=(c,)) for c in cases]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        for case in cases:
            with self.subTest(case="slow: " + case.name):
                res = results.get(case.name)
                self.assertIsNotNone(res, "the exchange did not end: a hang")
                what = "%s -> %r closed=%s hung=%s %.2fs" % (
                    case.name, [(s, b[:200]) for s, _, b in res.responses], res.closed,
                    res.hung, res.elapsed)
                log_case(case, [s for s, _, _ in res.responses] or "closed", b"%.2fs" %
                         res.elapsed)
                self.assertFalse(res.hung, "a hang: " + what)
                self.assertLess(res.elapsed, case.max_elapsed, what)
                if not res.responses:
                    self.assertTrue(case.may_close and res.closed, what)
                for status, hdrs, body in res.responses:
                    self.check_answer(case, status, hdrs, body)
                type(self).executed += 1
        type(self).groups_run.add("slow")
        self.assertIsNone(self.daemon.proc.poll(), "the daemon exited during the slow cases")

    def test_16_isolation_writes_stay_in_their_store(self):
        # Not bad input (each request is legal in its own store): store c's
        # credential voids, overwrites and queries store default's ids; the
        # final snapshot shows store default untouched.
        c = "c"
        r = self.call("POST", "statements", None,
                      mutate(BASE_VOID, ("object.id", self.ids["base"])), who=c)
        self.assertEqual(r[0], 200, r)
        r = self.call("PUT", "statements", {"statementId": self.ids["sub"]},
                      mutate(BASE_SUB, ("verb.id", VOIDED + "-not")), who=c)
        self.assertEqual(r[0], 204, r)
        r = self.call("GET", "statements", {"activity": ACT + "/voided"}, who=c)
        self.assertEqual(json.loads(r[2])["statements"], [], r)
        r = self.call("GET", "statements", {"voidedStatementId": self.ids["target"]}, who=c)
        self.assertEqual(r[0], 404, r)

    def test_99_after_all_the_daemon_lives_and_nothing_changed(self):
        print("\nbad input: %d cases in %d groups" % (self.executed, len(self.groups_run)),
              file=sys.stderr)
        self.assertIsNone(self.daemon.proc.poll(), "the daemon exited")
        r = self.call("GET", "/health", version=None)
        self.assertEqual(r[0], 200, r)
        after = self.snapshot()
        changed = [k for k in sorted(self.before) if after.get(k) != self.before[k]]
        self.assertEqual(changed, [], "stored data changed")
        # Every document key that a rejected write named: absent, or (a
        # seeded one) unchanged; and every list it named: empty, or as seeded.
        problems = []
        for who, resource, params in self.written_docs:
            if not all(isinstance(v, str) for v in params.values()):
                continue  # (bytes: ids that are not UTF-8 text)
            store = self.store_of(who)
            params = {k: v for k, v in params.items() if k in (
                "activityId", "agent", "registration", "stateId", "profileId")}
            # (read with the store's all-scope credential)
            got = self.get_doc({"default": "main"}.get(store, store), resource, params)
            if got[0] >= 500:
                problems.append(("5xx", who, resource, params, got))
            if ("stateId" if resource == "activities/state" else "profileId") in params:
                seeded = [self.before["doc %s %s %s" % (w, res, sorted(p.items()))]
                          for w, res, p in self.docs
                          if self.store_of(w) == store and res == resource and p == params]
                if seeded and got != seeded[0] or not seeded and got[0] == 200:
                    problems.append(("document", who, resource, params, got))
            else:
                listing = "list %s %s %s" % ("b" if store == "b" else "main", resource,
                                             sorted(params.items()))
                want = self.before.get(listing)
                if want is not None and (got[0], got[3]) != want or (
                        want is None and got[0] == 200 and got[3] != b"[]"):
                    problems.append(("list", who, resource, params, got))
        self.maxDiff = None
        self.assertEqual(problems, [], "documents changed by rejected writes")
        out = "".join(self.daemon.lines)
        for marker in CRASH_MARKERS:
            self.assertNotIn(marker, out, "the daemon's output shows " + marker)
        if len(self.groups_run) == ALL_GROUPS:
            self.assertGreaterEqual(self.executed, MIN_CASES)


ALL_GROUPS = 15


def log_case(case, status, body):
    """With BAD_INPUT_VERBOSE=1 in the environment: each case and its answer."""
    if os.environ.get("BAD_INPUT_VERBOSE"):
        print("%s | %s | %s | %s" % (case.group, case.name, status, body[:160]), file=sys.stderr)


def without_boundary(response):
    """The body of a response with its multipart boundary (random) made
    constant."""
    status, hdrs, body = response
    m = re.search(r"boundary=([^;\s]+)", header(hdrs, "Content-Type") or "")
    return body.replace(m.group(1).encode(), b"BOUNDARY") if m else body


def basic(key, secret):
    return "Basic " + base64.b64encode((key + ":" + secret).encode()).decode()


def case_writes_doc(case):
    return (not isinstance(case, RawCase) and case.method in ("PUT", "POST", "DELETE")
            and case.path in ("activities/state", "activities/profile", "agents/profile")
            and case.query is None and isinstance(case.params, dict))


DOC_AGENT = agent("doc-owner")
DOC_STATE = {"activityId": ACT + "/doc", "agent": json.dumps(DOC_AGENT)}
DOC_ACT_PROFILE = {"activityId": ACT + "/doc"}
DOC_AGENT_PROFILE = {"agent": json.dumps(DOC_AGENT)}


# =====================================================================================
# The corpus. Each function returns the cases of one group.
# =====================================================================================

BOTH = ("2.0.0", "1.0.3")
V2 = ("2.0.0",)
V1 = ("1.0.3",)


class Rule:
    """A statement validation rule: a change to a valid base statement that
    breaks it. `where` is the path the error must name."""

    def __init__(self, name, ref, changes, where, versions=BOTH, base=BASE, raw=None):
        self.name, self.ref, self.where, self.versions = name, ref, where, versions
        self.changes = changes
        self.base = base
        self.raw = raw  # the statement as JSON text (duplicate keys)

    def statement(self):
        return mutate(self.base, *self.changes)

    def text(self):
        return self.raw if self.raw is not None else json.dumps(self.statement())


def R(name, ref, path, value, where=None, versions=BOTH, base=BASE):
    changes = path if isinstance(path, list) else [(path, value)]
    if where is None:
        where = path if value is not DEL else path.rpartition(".")[0] or "statement"
    return Rule(name, ref, changes, where, versions, base)


def validation_rules():
    rules = []
    add = rules.append
    u = "5c8a3c1e-7d2b-4f6e-9a1b-3c4d5e6f7a8b"
    # ---- The statement (Data 2.2, 2.4) ----
    add(R("statement: actor is required", "Data 2.2.s2.b3", "actor", DEL))
    add(R("statement: verb is required", "Data 2.2.s2.b3", "verb", DEL))
    add(R("statement: object is required", "Data 2.2.s2.b3", "object", DEL))
    add(R("statement: unknown property", "Data 2.2.s4.b1.b7", "grade", "A", "statement"))
    add(Rule("statement: key case must match (Actor)", "Data 2.2.s4.b1.b5",
             [("Actor", BASE["actor"]), ("actor", DEL)], "statement"))
    add(R("statement: null value", "Data 2.2.s4.b1.b1", "result", None))
    add(R("statement: objectType is not a statement property", "Data 2.2.s4.b1.b7",
          "objectType", "Statement", "statement"))
    add(Rule("statement: duplicate property", "Data 2.2.s2.b2", [], "statement",
             raw=with_duplicate(json.dumps(BASE), "actor", agent("second"))))
    # ---- id (Data 2.4.1, 4.4) ----
    for name, value in (("not a UUID", "not-a-uuid"), ("empty", ""), ("a number", 12345),
                        ("null", None), ("without dashes", u.replace("-", "")),
                        ("with urn:uuid: prefix", "urn:uuid:" + u), ("in braces", "{%s}" % u),
                        ("with a non-hex digit", u[:-1] + "g"), ("one digit short", u[:-1])):
        add(R("id: %s" % name, "Data 2.4.1.s1, 4.4", "id", value, "id"))
    # ---- timestamp, stored (Data 2.4.7, 2.4.8, 4.5) ----
    for name, value, versions in (
            ("not a timestamp", "yesterday", BOTH), ("month 13", "2024-13-01T00:00:00Z", BOTH),
            ("day 32", "2024-01-32T00:00:00Z", BOTH), ("February 30", "2024-02-30T00:00:00Z", BOTH),
            ("hour 25", "2024-01-01T25:00:00Z", BOTH), ("minute 60", "2024-01-01T10:60:00Z", BOTH),
            ("a number", 1714557600, BOTH), ("offset -00:00", "2024-05-01T10:00:00-00:00", BOTH),
            ("empty", "", BOTH), ("date only", "2024-05-01", BOTH),
            ("trailing text", "2024-05-01T10:00:00Zjunk", BOTH),
            ("offset hour 24", "2024-05-01T10:00:00+24:00", BOTH),
            ("no offset (2.0.0 requires one)", "2024-05-01T10:00:00", V2)):
        add(R("timestamp: %s" % name, "Data 2.4.7, 4.5.s1", "timestamp", value, versions=versions))
    add(R("stored: not a timestamp", "Data 2.4.8, 4.5", "stored", "now"))
    add(R("stored: no offset (2.0.0 requires one)", "Data 2.4.8, 4.5.s1", "stored",
          "2024-05-01T10:00:00", versions=V2))
    # ---- version (Data 2.4.10) ----
    for name, value, versions in (("3.0.0", "3.0.0", BOTH), ("1.1.0", "1.1.0", BOTH),
                                  ("a number", 1.0, BOTH), ("empty", "", BOTH),
                                  ("1.0.x", "1.0.x", BOTH), ("v1.0.0", "v1.0.0", BOTH),
                                  ("empty pre-release", "1.0.0-", BOTH),
                                  ("2.0.0 under 1.0.3", "2.0.0", V1)):
        add(R("version: %s" % name, "Data 2.4.10.s2.b1", "version", value, versions=versions))
    # ---- authority (Data 2.4.9) ----
    for name, value, where in (
            ("Agent without an IFI", {"objectType": "Agent", "name": "x"}, "authority"),
            ("Agent with two IFIs", {"mbox": mbox("a"), "openid": "http://example.com/a"},
             "authority"),
            ("identified Group", group(agent("a"), agent("b"), mbox=mbox("g")), "authority"),
            ("Group of three", group(agent("a"), agent("b"), agent("c")), "authority"),
            ("Group without an account member", group(agent("a"), agent("b")),
             "authority.member"),
            ("a string", "admin", "authority")):
        add(R("authority: %s" % name, "Data 2.4.9.s3.b1", "authority", value, where))
    # ---- actor (Data 2.4.2) ----
    actor_cases = [
        ("a string", "Data 2.4.2", mbox("x"), "actor"),
        ("an array", "Data 2.4.2", [agent("x")], "actor"),
        ("null", "Data 2.2.s4.b1.b1", None, "actor"),
        ("Agent without an IFI", "Data 2.4.2.1.s2.b1", {"objectType": "Agent", "name": "x"},
         "actor"),
        ("Agent with mbox and openid", "Data 2.4.2.1.s2.b2",
         {"mbox": mbox("x"), "openid": "http://example.com/x"}, "actor"),
        ("Agent with mbox and mbox_sha1sum", "Data 2.4.2.1.s2.b2",
         {"mbox": mbox("x"), "mbox_sha1sum": "a" * 40}, "actor"),
        ("Agent with mbox and account", "Data 2.4.2.1.s2.b2",
         {"mbox": mbox("x"), "account": {"homePage": "http://example.com", "name": "x"}}, "actor"),
        ("Agent with member", "Data 2.4.2.1.s2",
         {"objectType": "Agent", "mbox": mbox("x"), "member": []}, "actor.member"),
        ("unknown property", "Data 2.2.s4.b1.b7", {"mbox": mbox("x"), "email": "x"}, "actor"),
        ("anonymous Group without member", "Data 2.4.2.2.s4.b1", {"objectType": "Group",
                                                                  "name": "G"}, "actor"),
        ("anonymous Group with no members", "Data 2.4.2.2.s4.b1",
         {"objectType": "Group", "member": []}, "actor.member"),
        ("Group member not an array", "Data 2.4.2.2.s2", dict(group(), member=agent("x")),
         "actor.member"),
        ("anonymous Group with a Group member", "Data 2.4.2.2.s4.b2",
         group(group(mbox=mbox("inner"))), "actor.member[0]"),
        ("identified Group with a Group member", "Data 2.4.2.2.s5.b2",
         group(group(mbox=mbox("inner")), mbox=mbox("outer")), "actor.member[0]"),
        ("identified Group with two IFIs", "Data 2.4.2.2.s5.b1",
         group(mbox=mbox("g"), openid="http://example.com/g"), "actor"),
        ("Group member without an IFI", "Data 2.4.2.1.s2.b1", group({"name": "x"}),
         "actor.member[0]"),
        ("Group member with a bad mbox", "Data 2.4.2.3", group({"mbox": "x@example.com"}),
         "actor.member[0].mbox"),
        ("Group objectType lowercase", "Data 2.2.s4.b1.b6",
         {"objectType": "group", "member": [agent("x")]}, "actor.objectType"),
    ]
    for name, ref, value, where in actor_cases:
        add(R("actor: %s" % name, ref, "actor", value, where))
    for name, ref, path, value in (
            ("objectType lowercase", "Data 2.2.s4.b1.b6", "actor.objectType", "agent"),
            ("objectType Person", "Data 2.4.2", "actor.objectType", "Person"),
            ("objectType a number", "Data 2.2.s4.b1.b7", "actor.objectType", 1),
            ("name a number", "Data 2.4.2.1.s2", "actor.name", 42),
            ("mbox without mailto:", "Data 2.4.2.3.s3", "actor.mbox", "bad-input@example.com"),
            ("mbox mailto: only", "Data 2.4.2.3.s3", "actor.mbox", "mailto:"),
            ("mbox without @", "Data 2.4.2.3.s3", "actor.mbox", "mailto:nobody"),
            ("mbox with two addresses", "Data 2.4.2.3.s3", "actor.mbox",
             "mailto:a@example.com,b@example.com"),
            ("mbox with header fields", "Data 2.4.2.3.s3", "actor.mbox",
             "mailto:a@example.com?subject=hi"),
            ("mbox domain starting with a dot", "Data 2.4.2.3.s3", "actor.mbox",
             "mailto:a@.example.com"),
            ("mbox with a space", "Data 2.4.2.3.s3", "actor.mbox", "mailto:a b@example.com"),
            ("mbox a number", "Data 2.2.s4.b1.b4", "actor.mbox", 5),
            ("mbox empty", "Data 2.2.s4.b1.b4", "actor.mbox", "")):
        add(R("actor: %s" % name, ref, path, value))
    for name, value, where in (
            ("mbox_sha1sum too short", {"mbox_sha1sum": "abc"}, "actor.mbox_sha1sum"),
            ("mbox_sha1sum 41 digits", {"mbox_sha1sum": "a" * 41}, "actor.mbox_sha1sum"),
            ("mbox_sha1sum not hex", {"mbox_sha1sum": "g" * 40}, "actor.mbox_sha1sum"),
            ("mbox_sha1sum a number", {"mbox_sha1sum": 1234}, "actor.mbox_sha1sum"),
            ("openid not absolute", {"openid": "example.com/me"}, "actor.openid"),
            ("openid empty", {"openid": ""}, "actor.openid"),
            ("openid a number", {"openid": 1}, "actor.openid"),
            ("account homePage a number", {"account": {"homePage": 1, "name": "x"}},
             "actor.account.homePage"),
            ("account a string", {"account": "me"}, "actor.account"),
            ("account without homePage", {"account": {"name": "x"}}, "actor.account"),
            ("account without name", {"account": {"homePage": "http://example.com"}},
             "actor.account"),
            ("account homePage not an IRL", {"account": {"homePage": "www.example.com",
                                                         "name": "x"}}, "actor.account.homePage"),
            ("account name a number", {"account": {"homePage": "http://example.com",
                                                   "name": 7}}, "actor.account.name"),
            ("account unknown property", {"account": {"homePage": "http://example.com",
                                                      "name": "x", "id": 1}}, "actor.account")):
        add(R("actor: %s" % name, "Data 2.4.2.3, 2.4.2.4", "actor", value, where))
    # ---- verb (Data 2.4.3) ----
    for name, ref, path, value, where in (
            ("a string", "Data 2.4.3", "verb", VERB, "verb"),
            ("id missing", "Data 2.4.3.s3", "verb.id", DEL, "verb"),
            ("id not an IRI", "Data 2.2.s4.b1.b8", "verb.id", "attempted", "verb.id"),
            ("id empty", "Data 2.2.s4.b1.b4", "verb.id", "", "verb.id"),
            ("id a number", "Data 2.2.s4.b1.b4", "verb.id", 7, "verb.id"),
            ("id with a space", "Data 4.3", "verb.id", "http://example.com/a verb", "verb.id"),
            ("id relative", "Data 2.2.s4.b1.b8", "verb.id", "/verbs/attempted", "verb.id"),
            ("display a string", "Data 4.2", "verb.display", "attempted", "verb.display"),
            ("display key not a language tag", "Data 2.2.s4.b2", "verb.display",
             {"en_US": "attempted"}, "verb.display"),
            ("display key empty", "Data 2.2.s4.b2", "verb.display", {"": "attempted"},
             "verb.display"),
            ("display key subtag too long", "Data 2.2.s4.b2", "verb.display",
             {"en-abcdefghi": "x"}, "verb.display"),
            ("display value a number", "Data 4.2", "verb.display", {"en-US": 5},
             "verb.display.en-US"),
            ("display value null", "Data 2.2.s4.b1.b1", "verb.display", {"en-US": None},
             "verb.display.en-US"),
            ("display null", "Data 2.2.s4.b1.b1", "verb.display", None, "verb.display"),
            ("unknown property", "Data 2.2.s4.b1.b7", "verb.name", "x", "verb")):
        add(R("verb: %s" % name, ref, path, value, where))
    for name, value in (("scheme only", "http:"), ("scheme starting with a digit", "1http://x/y"),
                        ("no scheme separator", "example.com/verbs/x"),
                        ("unclosed IP literal", "http://[::1/verbs/x"),
                        ("port with a letter", "http://example.com:80a/verbs/x"),
                        ("percent sign not an escape", "http://example.com/%zz"),
                        ("a control character", "http://example.com/a\u0001b"),
                        ("angle brackets", "http://example.com/<verb>"),
                        ("a backslash", "http://example.com\\verbs")):
        add(R("verb: id %s (RFC 3987)" % name, "Data 4.3, 2.2.s4.b1.b8", "verb.id", value,
              "verb.id"))
    for name, tag in (("empty subtag", "en--US"), ("leading hyphen", "-en"),
                      ("trailing hyphen", "en-US-"), ("digits only", "12"),
                      ("a dollar sign", "en-U$"), ("one letter", "e"),
                      ("singleton without subtag", "en-a"), ("private use without subtag", "x"),
                      ("nine-letter language", "abcdefghi"), ("underscore", "en_GB")):
        add(R("verb: display key %s (RFC 5646)" % name, "Data 2.2.s4.b2, 4.2", "verb.display",
              {tag: "attempted"}, "verb.display"))
    add(Rule("verb: display with a duplicate language", "Data 2.2.s2.b2", [], "verb.display",
             raw=json.dumps(BASE).replace('"display": {"en-US": "attempted"}',
                                          '"display": {"en-US": "attempted", "en-US": "x"}')))
    # ---- object (Data 2.4.4) ----
    for name, ref, path, value, where in (
            ("a string", "Data 2.4.4", "object", ACT, "object"),
            ("objectType lowercase", "Data 2.2.s4.b1.b6", "object.objectType", "activity",
             "object.objectType"),
            ("objectType unknown", "Data 2.4.4.s2", "object.objectType", "Statement",
             "object.objectType"),
            ("objectType a number", "Data 2.4.4.s2", "object.objectType", 1, "object.objectType"),
            ("null", "Data 2.2.s4.b1.b1", "object", None, "object"),
            ("an array", "Data 2.4.4", "object", [{"id": ACT}], "object"),
            ("Activity without id", "Data 2.4.4.1.s2", "object.id", DEL, "object"),
            ("Activity id not an IRI", "Data 2.2.s4.b1.b8", "object.id", "quiz-1", "object.id"),
            ("Activity id empty", "Data 2.2.s4.b1.b4", "object.id", "", "object.id"),
            ("Activity id relative", "Data 2.2.s4.b1.b8", "object.id", "/activities/1",
             "object.id"),
            ("Activity unknown property", "Data 2.2.s4.b1.b7", "object.name", "x", "object"),
            ("Agent without objectType", "Data 2.4.4.s2", "object", {"mbox": mbox("x")}, "object"),
            ("Agent object without an IFI", "Data 2.4.4.2", "object",
             {"objectType": "Agent", "name": "x"}, "object"),
            ("anonymous Group object without member", "Data 2.4.2.2.s4.b1", "object",
             {"objectType": "Group"}, "object"),
            ("StatementRef without id", "Data 2.4.4.3.s4", "object",
             {"objectType": "StatementRef"}, "object"),
            ("StatementRef id not a UUID", "Data 2.4.4.3.s4", "object",
             {"objectType": "StatementRef", "id": "abc"}, "object.id"),
            ("StatementRef unknown property", "Data 2.4.4.3.s4", "object",
             {"objectType": "StatementRef", "id": u, "definition": {}}, "object")):
        # (The object is checked before the context, whose revision and
        # platform would otherwise need an Activity object.)
        add(R("object: %s" % name, ref, path, value, where))
    # ---- Activity definitions (Data 2.4.4.1) ----
    d = "object.definition"
    comp = [{"id": "a", "description": {"en-US": "A"}}, {"id": "b"}]
    for name, ref, path, value, where in (
            ("a string", "Data 2.4.4.1.s2", d, "quiz", d),
            ("name a string", "Data 4.2", d + ".name", "Quiz", d + ".name"),
            ("name key not a language tag", "Data 2.2.s4.b2", d + ".name", {"en_US": "Quiz"},
             d + ".name"),
            ("description value a number", "Data 4.2", d + ".description", {"en-US": 1},
             d + ".description.en-US"),
            ("type not an IRI", "Data 2.4.4.1.s2", d + ".type", "assessment", d + ".type"),
            ("moreInfo not an IRL", "Data 2.4.4.1.s2", d + ".moreInfo", "www.example.com/info",
             d + ".moreInfo"),
            ("extensions an array", "Data 4.1", d + ".extensions", [1], d + ".extensions"),
            ("extension key not an IRI", "Data 4.1.s3.b1", d + ".extensions", {"color": "red"},
             d + ".extensions"),
            ("unknown property", "Data 2.2.s4.b1.b7", d + ".title", "x", d),
            ("interactionType unknown", "Data 2.4.4.1.s8", d + ".interactionType",
             "multiple-choice", d + ".interactionType"),
            ("interactionType wrong case", "Data 2.2.s4.b1.b6", d + ".interactionType", "Choice",
             d + ".interactionType"),
            ("interactionType a number", "Data 2.4.4.1.s8", d + ".interactionType", 1,
             d + ".interactionType"),
            ("correctResponsesPattern without interactionType", "Data 2.4.4.1.s13.b1",
             d + ".correctResponsesPattern", ["a"], d + ".interactionType"),
            ("choices without interactionType", "Data 2.4.4.1.s13.b1", d + ".choices", comp,
             d + ".interactionType")):
        add(R("definition: %s" % name, ref, path, value, where))
    for name, ref, definition, where in (
            ("correctResponsesPattern a string", "Data 2.4.4.1.s6",
             {"interactionType": "choice", "correctResponsesPattern": "a"},
             d + ".correctResponsesPattern"),
            ("correctResponsesPattern entry a number", "Data 2.4.4.1.s6",
             {"interactionType": "fill-in", "correctResponsesPattern": [1]},
             d + ".correctResponsesPattern[0]"),
            ("choices with true-false", "Data 2.4.4.1.s15, s13.b3",
             {"interactionType": "true-false", "choices": comp}, d + ".choices"),
            ("scale with choice", "Data 2.4.4.1.s15, s13.b3",
             {"interactionType": "choice", "scale": comp}, d + ".scale"),
            ("source with likert", "Data 2.4.4.1.s15, s13.b3",
             {"interactionType": "likert", "source": comp}, d + ".source"),
            ("steps with matching", "Data 2.4.4.1.s15, s13.b3",
             {"interactionType": "matching", "steps": comp}, d + ".steps"),
            ("target with sequencing", "Data 2.4.4.1.s15, s13.b3",
             {"interactionType": "sequencing", "target": comp}, d + ".target"),
            ("choices an object", "Data 2.4.4.1.s15",
             {"interactionType": "choice", "choices": {"id": "a"}}, d + ".choices"),
            ("choice without id", "Data 2.4.4.1.s15 table 1",
             {"interactionType": "choice", "choices": [{"description": {"en-US": "A"}}]},
             d + ".choices[0]"),
            ("choice id a number", "Data 2.4.4.1.s15 table 1",
             {"interactionType": "choice", "choices": [{"id": 1}]}, d + ".choices[0].id"),
            ("choice description a string", "Data 2.4.4.1.s15 table 1",
             {"interactionType": "choice", "choices": [{"id": "a", "description": "A"}]},
             d + ".choices[0].description"),
            ("duplicate choice ids", "Data 2.4.4.1.s16.b1",
             {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
             d + ".choices[1].id"),
            ("duplicate ids among 40 choices", "Data 2.4.4.1.s16.b1",
             {"interactionType": "choice",
              "choices": [{"id": "c%d" % (i % 39)} for i in range(40)]}, d + ".choices[39].id"),
            ("choice unknown property", "Data 2.2.s4.b1.b7",
             {"interactionType": "choice", "choices": [{"id": "a", "value": 1}]},
             d + ".choices[0]"),
            ("duplicate step ids", "Data 2.4.4.1.s16.b1",
             {"interactionType": "performance", "steps": [{"id": "s"}, {"id": "s"}]},
             d + ".steps[1].id")):
        add(R("definition: %s" % name, ref, d, definition, where))
    # ---- SubStatement (Data 2.4.4.3) ----
    o = "object"
    for name, ref, path, value, where in (
            ("id not allowed", "Data 2.4.4.3.s8.b3", o + ".id", u, o + ".id"),
            ("stored not allowed", "Data 2.4.4.3.s8.b3", o + ".stored",
             "2024-05-01T10:00:00Z", o + ".stored"),
            ("version not allowed", "Data 2.4.4.3.s8.b3", o + ".version", "1.0.0",
             o + ".version"),
            ("authority not allowed", "Data 2.4.4.3.s8.b3", o + ".authority", agent("auth"),
             o + ".authority"),
            ("nested SubStatement", "Data 2.4.4.3.s8.b4", o + ".object", SUB,
             o + ".object.objectType"),
            ("actor missing", "Data 2.4.4.3.s8.b2", o + ".actor", DEL, o),
            ("verb missing", "Data 2.4.4.3.s8.b2", o + ".verb", DEL, o),
            ("object missing", "Data 2.4.4.3.s8.b2", o + ".object", DEL, o),
            ("actor with a bad mbox", "Data 2.4.2.3", o + ".actor.mbox", "x", o + ".actor.mbox"),
            ("verb id not an IRI", "Data 2.4.3", o + ".verb.id", "did", o + ".verb.id"),
            ("unknown property", "Data 2.2.s4.b1.b7", o + ".foo", 1, o),
            ("objectType lowercase", "Data 2.2.s4.b1.b6", o + ".objectType", "substatement",
             o + ".objectType"),
            ("score scaled above 1", "Data 2.4.5.1.s2", o + ".result", {"score": {"scaled": 2}},
             o + ".result.score.scaled"),
            ("bad timestamp", "Data 4.5", o + ".timestamp", "soon", o + ".timestamp"),
            ("revision with an Agent object", "Data 2.4.6.s4.b1", [
                (o + ".object", agent("x")), (o + ".context", {"revision": "1"})], None,
             o + ".context.revision"),
            ("bad attachment", "Data 2.4.11", o + ".attachments", [{"usageType": ATT_USAGE}],
             o + ".attachments[0]")):
        add(R("SubStatement: %s" % name, ref, path, value, where, base=BASE_SUB))
    # ---- Voiding (Data 2.3.2) ----
    for name, ref, value, where in (
            ("object an Activity", "Data 2.3.2.s2.b1", {"objectType": "Activity", "id": ACT},
             "object"),
            ("object an Activity without objectType", "Data 2.3.2.s2.b1", {"id": ACT}, "object"),
            ("object an Agent", "Data 2.3.2.s2.b1", agent("x"), "object"),
            ("object a SubStatement", "Data 2.3.2.s2.b1", SUB, "object"),
            ("StatementRef without id", "Data 2.3.2.s2.b2", {"objectType": "StatementRef"},
             "object"),
            ("StatementRef id not a UUID", "Data 2.3.2.s2.b2",
             {"objectType": "StatementRef", "id": "last-one"}, "object.id")):
        add(R("voiding: %s" % name, ref, "object", value, where, base=BASE_VOID))
    # ---- result (Data 2.4.5) ----
    for name, ref, path, value, where in (
            ("a string", "Data 2.4.5", "result", "passed", "result"),
            ("unknown property", "Data 2.2.s4.b1.b7", "result.grade", "A", "result"),
            ("score a number", "Data 2.4.5.1", "result.score", 0.5, "result.score"),
            ("score null", "Data 2.2.s4.b1.b1", "result.score", None, "result.score"),
            ("scaled above 1", "Data 2.4.5.1.s2", "result.score.scaled", 1.5,
             "result.score.scaled"),
            ("scaled below -1", "Data 2.4.5.1.s2", "result.score.scaled", -1.01,
             "result.score.scaled"),
            ("scaled a string", "Data 2.2.s4.b1.b2", "result.score.scaled", "0.5",
             "result.score.scaled"),
            ("raw a string", "Data 2.2.s4.b1.b2", "result.score.raw", "5", "result.score.raw"),
            ("raw a boolean", "Data 2.2.s4.b1.b2", "result.score.raw", True, "result.score.raw"),
            ("min equal to max", "Data 2.4.5.1.s2", "result.score",
             {"min": 10, "max": 10}, "result.score.min"),
            ("min above max", "Data 2.4.5.1.s2", "result.score", {"min": 10, "max": 0},
             "result.score.min"),
            ("raw below min", "Data 2.4.5.1.s2", "result.score", {"raw": -1, "min": 0, "max": 10},
             "result.score.raw"),
            ("raw above max", "Data 2.4.5.1.s2", "result.score", {"raw": 11, "min": 0, "max": 10},
             "result.score.raw"),
            ("score unknown property", "Data 2.2.s4.b1.b7", "result.score", {"percent": 50},
             "result.score"),
            ("success a string", "Data 2.2.s4.b1.b3", "result.success", "true",
             "result.success"),
            ("completion a number", "Data 2.2.s4.b1.b3", "result.completion", 1,
             "result.completion"),
            ("response a number", "Data 2.4.5", "result.response", 42, "result.response"),
            ("extensions key not an IRI", "Data 4.1.s3.b1", "result.extensions", {"score": 1},
             "result.extensions"),
            ("extensions a string", "Data 4.1", "result.extensions", "x", "result.extensions")):
        add(R("result: %s" % name, ref, path, value, where))
    for name, value in (("words", "1 hour"), ("P alone", "P"), ("PT alone", "PT"),
                        ("hours in the date part", "P1H"), ("weeks with days", "P1W1D"),
                        ("fraction not last", "PT1.5H30M"), ("out of order", "PT1S1M"),
                        ("a number", 60), ("alternative format", "P0003-02-01T00:00:00"),
                        ("negative", "-PT1M"), ("lowercase", "pt1m")):
        add(R("result: duration %s" % name, "Data 4.6.s1.b1", "result.duration", value,
              "result.duration"))
    add(Rule("result: extension value with a duplicate key", "Data 2.2.s2.b2", [],
             "result.extensions",
             raw=json.dumps(mutate(BASE, ("result.extensions", {"http://example.com/x": {}})))
             .replace('"http://example.com/x": {}', '"http://example.com/x": {"a": 1, "a": 2}')))
    # ---- context (Data 2.4.6) ----
    c = "context"
    ca = c + ".contextActivities"
    for name, ref, path, value, where in (
            ("a string", "Data 2.4.6", c, "ctx", c),
            ("unknown property", "Data 2.2.s4.b1.b7", c + ".location", "x", c),
            ("registration not a UUID", "Data 2.4.6.s3, 4.4", c + ".registration", "reg-1",
             c + ".registration"),
            ("registration a number", "Data 2.4.6.s3", c + ".registration", 1,
             c + ".registration"),
            ("instructor without an IFI", "Data 2.4.6.s3", c + ".instructor", {"name": "x"},
             c + ".instructor"),
            ("instructor with a bad mbox", "Data 2.4.2.3", c + ".instructor", {"mbox": "x"},
             c + ".instructor.mbox"),
            ("team an Agent", "Data 2.4.6.s3", c + ".team", agent("x"), c + ".team"),
            ("team anonymous without member", "Data 2.4.2.2.s4.b1", c + ".team",
             {"objectType": "Group"}, c + ".team"),
            ("contextActivities an array", "Data 2.4.6.2.s4", ca, [{"id": ACT}], ca),
            ("contextActivities unknown key", "Data 2.4.6.2.s4", ca, {"parents": [{"id": ACT}]},
             ca),
            ("contextActivities parent a string", "Data 2.4.6.2.s4", ca, {"parent": ACT},
             ca + ".parent"),
            ("contextActivities grouping entry without id", "Data 2.4.6.2.s4", ca,
             {"grouping": [{"objectType": "Activity"}]}, ca + ".grouping[0]"),
            ("contextActivities category id not an IRI", "Data 2.4.6.2.s4", ca,
             {"category": [{"id": "cat"}]}, ca + ".category[0].id"),
            ("contextActivities other single object with a bad id", "Data 2.4.6.2.s4", ca,
             {"other": {"id": "x"}}, ca + ".other.id"),
            ("contextActivities parent null", "Data 2.2.s4.b1.b1", ca, {"parent": None},
             ca + ".parent"),
            ("contextActivities parent an Agent", "Data 2.4.6.2.s4", ca,
             {"parent": [{"objectType": "Agent", "id": ACT}]}, ca + ".parent[0].objectType"),
            ("revision with an Agent object", "Data 2.4.6.s4.b1", "object", agent("x"),
             c + ".revision"),
            ("revision a number", "Data 2.4.6", c + ".revision", 1, c + ".revision"),
            ("platform a number", "Data 2.4.6", c + ".platform", 1, c + ".platform"),
            ("language not a tag", "Data 2.4.6, 2.2.s4.b2", c + ".language", "english language",
             c + ".language"),
            ("language a number", "Data 2.4.6", c + ".language", 1, c + ".language"),
            ("statement an Activity", "Data 2.4.6", c + ".statement",
             {"objectType": "Activity", "id": ACT}, c + ".statement.objectType"),
            ("statement without id", "Data 2.4.6", c + ".statement",
             {"objectType": "StatementRef"}, c + ".statement"),
            ("statement without objectType", "Data 2.4.6, 2.4.4.3.s4", c + ".statement",
             {"id": REG}, c + ".statement"),
            ("extensions key not an IRI", "Data 4.1.s3.b1", c + ".extensions", {"k": 1},
             c + ".extensions")):
        add(R("context: %s" % name, ref, path, value, where))
    add(R("context: platform with a StatementRef object", "Data 2.4.6.s4.b2",
          [("context.revision", DEL), ("object", {"objectType": "StatementRef", "id": u})], None,
          "context.platform"))
    # ---- 2.0.0 contextAgents, contextGroups ----
    cag, cgr = "context.contextAgents", "context.contextGroups"
    for name, path, value, where in (
            ("contextAgents an object", cag, CONTEXT_AGENT, cag),
            ("contextAgents objectType missing", cag, [{"agent": agent("x")}], cag + "[0]"),
            ("contextAgents objectType a number", cag, [dict(CONTEXT_AGENT, objectType=1)],
             cag + "[0].objectType"),
            ("contextAgents objectType wrong case", cag,
             [{"objectType": "ContextAgent", "agent": agent("x")}], cag + "[0].objectType"),
            ("contextAgents agent missing", cag, [{"objectType": "contextAgent"}], cag + "[0]"),
            ("contextAgents agent a Group", cag,
             [{"objectType": "contextAgent", "agent": group(agent("a"))}], cag + "[0].agent"),
            ("contextAgents agent without an IFI", cag,
             [{"objectType": "contextAgent", "agent": {"name": "x"}}], cag + "[0].agent"),
            ("contextAgents relevantTypes empty", cag,
             [dict(CONTEXT_AGENT, relevantTypes=[])], cag + "[0].relevantTypes"),
            ("contextAgents relevantTypes a string", cag,
             [dict(CONTEXT_AGENT, relevantTypes="http://example.com/t")],
             cag + "[0].relevantTypes"),
            ("contextAgents relevantTypes entry not an IRI", cag,
             [dict(CONTEXT_AGENT, relevantTypes=["coach"])], cag + "[0].relevantTypes[0]"),
            ("contextAgents unknown property", cag, [dict(CONTEXT_AGENT, role="x")],
             cag + "[0]"),
            ("contextGroups an object", cgr, CONTEXT_GROUP, cgr),
            ("contextGroups group an Agent", cgr,
             [{"objectType": "contextGroup", "group": agent("x")}], cgr + "[0].group"),
            ("contextGroups group missing", cgr, [{"objectType": "contextGroup"}], cgr + "[0]"),
            ("contextGroups objectType contextAgent", cgr,
             [dict(CONTEXT_GROUP, objectType="contextAgent")], cgr + "[0].objectType")):
        add(R("2.0.0 %s" % name, "Data 2.4.6 (2.0.0 contextAgents/contextGroups)", path, value,
              where, versions=V2, base=BASE_CTX2))
    for name, drop in (("contextAgents", "contextGroups"), ("contextGroups", "contextAgents")):
        add(R("1.0.3 has no %s" % name, "Data 2.4.6 (1.0.3: not a context property)",
              "context." + drop, DEL, "context", versions=V1, base=BASE_CTX2))
    # ---- attachments (Data 2.4.11) ----
    a = "attachments.0"
    w = "attachments[0]"
    for name, ref, path, value, where in (
            ("an object", "Data 2.4.11", "attachments", ATT, "attachments"),
            ("entry a string", "Data 2.4.11", "attachments", ["x"], w),
            ("usageType missing", "Data 2.4.11.s2", a + ".usageType", DEL, w),
            ("usageType not an IRI", "Data 2.4.11.s2", a + ".usageType", "usage",
             w + ".usageType"),
            ("display missing", "Data 2.4.11.s2", a + ".display", DEL, w),
            ("display a string", "Data 4.2", a + ".display", "A", w + ".display"),
            ("description key not a language tag", "Data 2.2.s4.b2", a + ".description",
             {"en_US": "x"}, w + ".description"),
            ("contentType missing", "Data 2.4.11.s2", a + ".contentType", DEL, w),
            ("contentType not a media type", "Data 2.4.11.s2", a + ".contentType", "text",
             w + ".contentType"),
            ("contentType with a space", "Data 2.4.11.s2", a + ".contentType", "text/ plain",
             w + ".contentType"),
            ("contentType a number", "Data 2.4.11.s2", a + ".contentType", 1, w + ".contentType"),
            ("length missing", "Data 2.4.11.s2", a + ".length", DEL, w),
            ("length a string", "Data 2.2.s4.b1.b2", a + ".length", "5", w + ".length"),
            ("length negative", "Data 2.4.11.s2", a + ".length", -1, w + ".length"),
            ("length fractional", "Data 2.4.11.s2", a + ".length", 1.5, w + ".length"),
            ("length beyond 64 bits", "Data 2.4.11.s2", a + ".length", 10 ** 30, w + ".length"),
            ("sha2 missing", "Data 2.4.11.s2", a + ".sha2", DEL, w),
            ("sha2 not hex", "Data 2.4.11.s2", a + ".sha2", "z" * 64, w + ".sha2"),
            ("sha2 a number", "Data 2.4.11.s2", a + ".sha2", 1, w + ".sha2"),
            ("sha2 of SHA-1 length", "Data 2.4.11.s2", a + ".sha2", "ab" * 20, w + ".sha2"),
            ("fileUrl not an IRL", "Data 2.4.11.s2", a + ".fileUrl", "files/a.txt",
             w + ".fileUrl"),
            ("unknown property", "Data 2.2.s4.b1.b7", a + ".data", "aGVsbG8=", w),
            ("signature that is not application/octet-stream", "Data 2.6.s4.b1", a, dict(
                ATT, usageType=SIG_USAGE, contentType="application/json"), w + ".contentType"),
            ("no fileUrl and no data sent", "Data 2.4.11.s2, Communication 1.5.2",
             a + ".fileUrl", DEL, w + ".sha2")):
        add(R("attachments: %s" % name, ref, path, value, where, base=BASE_ATT))
    return rules


def validation_cases(t):
    cases = []
    for i, rule in enumerate(validation_rules()):
        text = rule.text()
        label = "%s (%s)" % (rule.name, rule.ref)
        for version in rule.versions:
            cases.append(Case("validation", "%s, POST %s" % (label, version), "POST",
                              body=text, content_type="application/json", version=version,
                              where=rule.where))
            if version == "2.0.0" or rule.versions == V1:
                cases.append(Case("validation", "%s, PUT %s" % (label, version), "PUT",
                                  params={"statementId": str(uuid.uuid4())}, body=text,
                                  content_type="application/json", version=version,
                                  where=rule.where))
        if i % 4 == 0:
            # All or nothing (Communication 3.2.s3.b9): a valid statement
            # first, the bad one second; the snapshot shows neither stored.
            good = json.dumps(mutate(BASE, ("id", str(uuid.uuid4()))))
            cases.append(Case("validation", "%s, second of a batch" % label, "POST",
                              body="[%s, %s]" % (good, text), content_type="application/json",
                              version=rule.versions[0], where="[1]"))
    return cases


def statement_request_cases(t):
    g = "statement requests"
    ids = t.ids
    good = lambda: mutate(BASE, ("id", str(uuid.uuid4())))  # noqa: E731
    conflicting = mutate(BASE, ("verb.id", VERB + "-other"))
    cases = [
        Case(g, "PUT without statementId (Communication 2.1.1.s1)", "PUT", body=BASE),
        Case(g, "PUT with statementId not a UUID", "PUT", params={"statementId": "abc"},
             body=BASE, where="statementId"),
        Case(g, "PUT with statementId empty", "PUT", params={"statementId": ""}, body=BASE),
        Case(g, "PUT with statementId repeated", "PUT",
             params=[("statementId", str(uuid.uuid4())), ("statementId", str(uuid.uuid4()))],
             body=BASE),
        Case(g, "PUT of an array (Communication 2.1.1)", "PUT",
             params={"statementId": str(uuid.uuid4())}, body=[BASE]),
        Case(g, "PUT with an id that differs from statementId (2.1.1.s2.b3)", "PUT",
             params={"statementId": str(uuid.uuid4())}, body=good(), where="id"),
        Case(g, "PUT with an unknown parameter", "PUT",
             params={"statementId": str(uuid.uuid4()), "store": "b"}, body=BASE, where="store"),
        Case(g, "PUT of other content under a stored id is 409 (2.1.1.s2.b3)", "PUT",
             params={"statementId": ids["base"]}, body=conflicting, expect=409),
        Case(g, "PUT of other content under a voided statement's id is 409", "PUT",
             params={"statementId": ids["target"]}, body=conflicting, expect=409),
        Case(g, "PUT of other content under a voiding statement's id is 409", "PUT",
             params={"statementId": ids["voiding"]}, body=conflicting, expect=409),
        Case(g, "PUT of other content under an id stored in 1.0.3 is 409", "PUT",
             params={"statementId": ids["base-1.0.3"]}, body=conflicting, version="1.0.3",
             expect=409),
        Case(g, "POST of other content under a stored id is 409 (2.1.2.s2.b5)", "POST",
             body=mutate(conflicting, ("id", ids["base"])), expect=409),
        Case(g, "POST batch whose last statement conflicts stores nothing (2.1.2.s2.b4, 3.2.s3.b9)",
             "POST", body=[good(), good(), mutate(conflicting, ("id", ids["sub"]))],
             expect=409),
        Case(g, "POST with a statementId parameter", "POST",
             params={"statementId": str(uuid.uuid4())}, body=BASE, where="statementId"),
        Case(g, "POST with an unknown parameter", "POST", params={"foo": "bar"}, body=BASE),
        Case(g, "POST batch with duplicate ids (2.1.2.s2.b6)", "POST",
             body=[mutate(BASE, ("id", REG)), mutate(BASE, ("id", REG))], where="appears twice"),
        Case(g, "POST batch with duplicate ids differing in case", "POST",
             body=[mutate(BASE, ("id", REG)), mutate(BASE, ("id", REG.upper()))]),
        Case(g, "POST batch with a number", "POST", body=[good(), 5], where="[1]"),
        Case(g, "POST batch with null", "POST", body=[good(), None], where="[1]"),
        Case(g, "POST batch with a nested array", "POST", body=[[good()]], where="[0]"),
        Case(g, "POST batch with a string", "POST", body=[good(), "statement"], where="[1]"),
        Case(g, "POST without a body", "POST", body=b"", content_type="application/json"),
        Case(g, "PUT without a body", "PUT", params={"statementId": str(uuid.uuid4())},
             body=b"", content_type="application/json"),
    ]
    for ct in ("text/plain", None, "application/xml", "application/octet-stream",
               "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
               "text/json", "application/json-seq", "application/ld+json", "json", "",
               "application/json/x"):
        cases.append(Case(g, "POST with Content-Type %r (Communication 1.5)" % ct, "POST",
                          body=json.dumps(BASE), content_type=ct, where="Content-Type"))
    for ct in ("text/plain", None, "application/xml"):
        cases.append(Case(g, "PUT with Content-Type %r (Communication 1.5)" % ct, "PUT",
                          params={"statementId": str(uuid.uuid4())}, body=json.dumps(BASE),
                          content_type=ct, where="Content-Type"))
    for method in ("DELETE", "PATCH", "TRACE", "FOO", "get", "CONNECT"):
        cases.append(Case(g, "method %s on statements" % method, method,
                          params={"statementId": ids["base"]}, expect=405))
    for v in ("2.0.0", "1.0.3"):
        cases.append(Case(g, "voiding statement that is not a StatementRef in a batch, %s" % v,
                          "POST", body=[good(), mutate(BASE_VOID, ("object", {"id": ACT}))],
                          version=v, where="[1].object"))
        cases.append(Case(g, "voiding statement with a bad target id, PUT %s" % v, "PUT",
                          params={"statementId": str(uuid.uuid4())},
                          body=mutate(BASE_VOID, ("object.id", ids["target"] + "0")),
                          version=v, where="object.id"))
    return cases


def malformed_json_cases(t):
    g = "malformed JSON"
    s = json.dumps(BASE)
    bodies = [
        ("truncated", s[:40].encode()),
        ("truncated inside a string", s[:s.index("attempted") + 4].encode()),
        ("trailing garbage", (s + " x").encode()),
        ("two objects", (s + s).encode()),
        ("trailing comma", (s[:-1] + ",}").encode()),
        ("single quotes", s.replace('"', "'").encode()),
        ("a comment", ("/* c */" + s).encode()),
        ("unquoted key", s.replace('"actor"', "actor", 1).encode()),
        ("missing colon", s.replace('"actor":', '"actor"', 1).encode()),
        ("missing comma", s.replace(', "verb"', ' "verb"', 1).encode()),
        ("unterminated string", s.replace('"attempted"}', '"attempted}', 1).encode()),
        ("invalid UTF-8", s.encode().replace(b"Quiz", b"Qu\xff\xfez", 1)),
        ("overlong UTF-8", s.encode().replace(b"Quiz", b"Qu\xc0\xafz", 1)),
        ("UTF-8 encoded surrogate", s.encode().replace(b"Quiz", b"Qu\xed\xa0\x80z", 1)),
        ("lone surrogate escape", s.replace("Quiz", "Qu\\ud800z", 1).encode()),
        ("raw control character in a string", s.replace("Quiz", "Qu\x01z", 1).encode()),
        ("raw NUL in a string", s.replace("Quiz", "Qu\x00z", 1).encode()),
        ("bad escape", s.replace("Quiz", "Qu\\qz", 1).encode()),
        ("UTF-16", s.encode("utf-16")),
        ("NaN", s.replace('"scaled": 0.5', '"scaled": NaN').encode()),
        ("Infinity", s.replace('"raw": 5', '"raw": Infinity').encode()),
        ("number out of range", s.replace('"raw": 5', '"raw": 1e400').encode()),
        ("negative number out of range", s.replace('"raw": 5', '"raw": -1e400').encode()),
        ("leading zero", s.replace('"raw": 5', '"raw": 05').encode()),
        ("plus sign", s.replace('"raw": 5', '"raw": +5').encode()),
        ("hex number", s.replace('"raw": 5', '"raw": 0x5').encode()),
        ("fraction without digits", s.replace('"raw": 5', '"raw": 5.').encode()),
        ("non-string key", s.replace('"actor"', "1", 1).encode()),
        ("empty", b""),
        ("white space only", b"  \r\n\t "),
        ("null", b"null"), ("true", b"true"), ("a number", b"42"), ("a string", b'"statement"'),
        ("nested 65 deep", ("[" * 65 + "]" * 65).encode()),
        ("nested 100000 deep", ("[" * 100000).encode()),
        ("extension nested 70 deep", json.dumps(mutate(BASE, ("result.extensions", {
            "http://example.com/deep": 1}))).replace(
            "1}", "[" * 70 + "]" * 70 + "}", 1).encode()),
    ]
    valid_json = {"null", "true", "a number", "a string", "nested 65 deep",
                  "extension nested 70 deep"}
    cases = []
    for name, body in bodies:
        cases.append(Case(g, "POST statements: %s" % name, "POST", body=body,
                          content_type="application/json"))
        cases.append(Case(g, "PUT statements (1.0.3): %s" % name, "PUT",
                          params={"statementId": str(uuid.uuid4())}, body=body,
                          content_type="application/json", version="1.0.3"))
        p = dict(DOC_STATE, stateId="json-" + hashlib.sha1(name.encode()).hexdigest()[:8])
        if name not in valid_json:  # a document may be any JSON
                cases.append(Case(g, "PUT state as application/json: %s (Communication 3.2.s3.b6)"
                              % name,
                              "PUT", "activities/state", params=p, body=body,
                              content_type="application/json"))
        cases.append(Case(g, "POST state: %s (Communication 2.2.s8.b1)" % name, "POST",
                          "activities/state", params=dict(DOC_STATE, stateId="progress"),
                          body=body, content_type="application/json"))
    return cases


def attachment_cases(t):
    g = "attachments"
    data = b"hello attachment"
    h = sha256(data)
    stmt = mutate(BASE_ATT, ("attachments.0.fileUrl", DEL), ("attachments.0.sha2", h),
                  ("attachments.0.length", len(data)))
    sj = json.dumps(stmt).encode()
    js = ([("Content-Type", "application/json")], sj)

    def part(body=data, hash_=h, ct="text/plain", cte="binary", extra=()):
        hs = [("Content-Type", ct)] if ct else []
        if cte:
            hs.append(("Content-Transfer-Encoding", cte))
        if hash_ is not None:
            hs.append(("X-Experience-API-Hash", hash_))
        return (hs + list(extra), body)

    bodies = [
        ("no boundary parameter", "multipart/mixed", multipart([js, part()]), None),
        ("empty boundary", 'multipart/mixed; boundary=""', multipart([js, part()]), None),
        ("boundary longer than 70", "multipart/mixed; boundary=" + "b" * 71,
         multipart([js, part()], "b" * 71), None),
        ("boundary repeated", MULTIPART + "; boundary=other", multipart([js, part()]), None),
        ("unterminated quoted boundary", 'multipart/mixed; boundary="abc',
         multipart([js, part()]), None),
        ("boundary not in the body", MULTIPART, multipart([js, part()], "other"), None),
        ("no close delimiter", MULTIPART, multipart([js, part()])[:-len(BOUNDARY) - 6], None),
        ("close delimiter only", MULTIPART, b"--" + BOUNDARY.encode() + b"--\r\n", None),
        ("first part not JSON", MULTIPART, multipart([part(), js]), None),
        ("first part without Content-Type", MULTIPART, multipart([([], sj), part()]), None),
        ("first part's JSON invalid", MULTIPART,
         multipart([([("Content-Type", "application/json")], sj[:-3]), part()]), None),
        ("part without X-Experience-API-Hash (1.5.2)", MULTIPART,
         multipart([js, part(hash_=None)]), "X-Experience-API-Hash"),
        ("X-Experience-API-Hash not hex", MULTIPART, multipart([js, part(hash_="z" * 64)]),
         "X-Experience-API-Hash"),
        ("X-Experience-API-Hash of SHA-1 length", MULTIPART,
         multipart([js, part(hash_=hashlib.sha1(data).hexdigest())]), "X-Experience-API-Hash"),
        ("Content-Transfer-Encoding base64 (1.5.2)", MULTIPART,
         multipart([js, part(cte="base64")]), "Content-Transfer-Encoding"),
        ("two parts with one hash and different data", MULTIPART,
         multipart([js, part(), part(body=b"other data")]), "X-Experience-API-Hash"),
        ("data that does not match its hash", MULTIPART,
         multipart([js, part(body=b"tampered data")]), "does not match"),
        ("a part no statement uses", MULTIPART,
         multipart([js, part(), part(body=b"extra", hash_=sha256(b"extra"))]),
         "does not belong"),
        ("statement attachment whose data is missing", MULTIPART,
         multipart([js, part(body=b"other", hash_=sha256(b"other"))]), None),
        ("only the JSON part, no data, no fileUrl", MULTIPART, multipart([js]), "sha2"),
        ("part header line without a colon", MULTIPART,
         multipart([js, part(extra=[("Bad", "x")])]).replace(b"Bad: x", b"Bad x"), None),
        ("part header with a bare LF", MULTIPART,
         multipart([js, part()]).replace(b"binary\r\n", b"binary\nX-A: b\r\n", 1), None),
        ("part header block not ended", MULTIPART,
         b"--" + BOUNDARY.encode() + b"\r\nContent-Type: application/json\r\n" + sj, None),
        ("part header starting with a continuation line", MULTIPART,
         multipart([js, part()]).replace(b"\r\n\r\n{", b"\r\n folded\r\n\r\n{", 1), None),
        ("100 header fields in a part", MULTIPART,
         multipart([js, part(extra=[("X-F%d" % i, "v") for i in range(100)])]), None),
        ("part header block of 20 KiB", MULTIPART,
         multipart([js, part(extra=[("X-Big", "v" * (20 << 10))])]), None),
    ]
    cases = []
    for name, ct, body, where in bodies:
        for v in ("2.0.0", "1.0.3"):
            expect = 413 if name in ("100 header fields in a part", "part header block of 20 KiB") \
                else 400
            cases.append(Case(g, "multipart: %s, POST %s" % (name, v), "POST", body=body,
                              content_type=ct, version=v, where=where, expect=expect))
    cases.append(Case(g, "multipart: PUT with data that does not match its hash", "PUT",
                      params={"statementId": str(uuid.uuid4())},
                      body=multipart([js, part(body=b"tampered")]), content_type=MULTIPART))
    cases.append(Case(g, "application/json with attachment data expected (1.5.2)", "POST",
                      body=stmt, where="sha2"))
    # ---- Signed statements (Data 2.6) ----
    signed = copy.deepcopy(BASE_SUB)
    rs = {"alg": "RS256"}
    for name, token, where in (
            ("not a JWS", "not-a-jws", "JWS"),
            ("two segments", b64u(b'{"alg":"RS256"}') + "." + b64u(b"{}"), "JWS"),
            ("four segments", jws(rs, signed) + ".extra", "JWS"),
            ("header not base64url", "!!!." + b64u(json.dumps(signed).encode()) + ".c2ln",
             "base64"),
            ("header not JSON", jws(b"not json", signed), "header"),
            ("header a JSON array", jws(b"[1]", signed), "header"),
            ("alg none", jws({"alg": "none"}, signed), "RS256"),
            ("alg HS256", jws({"alg": "HS256"}, signed), "RS256"),
            ("alg missing", jws({"typ": "JWT"}, signed), "RS256"),
            ("alg lowercase", jws({"alg": "rs256"}, signed), "RS256"),
            ("empty signature", jws(rs, signed, b""), "empty"),
            ("payload not JSON", jws(rs, b"{not json"), "payload"),
            ("payload an array", jws(rs, [signed]), "payload"),
            ("payload an invalid statement", jws(rs, mutate(signed, ("actor.mbox", "x"))),
             "payload"),
            ("payload another statement", jws(rs, mutate(signed, ("verb.id", VERB + "-x"))),
             "2.6.s5.b3.b2"),
            ("payload with another id", jws(rs, mutate(signed, ("id", str(uuid.uuid4())))),
             "2.6.s5.b3.b2"),
            ("x5c a string", jws(dict(rs, x5c="abc"), signed), "x5c"),
            ("x5c empty", jws(dict(rs, x5c=[]), signed), "x5c"),
            ("x5c not base64", jws(dict(rs, x5c=["!!!"]), signed), "x5c"),
            ("x5c not a certificate", jws(dict(rs, x5c=["AAAA"]), signed), "x5c"),
    ):
        stmt_signed = signed
        if name == "payload with another id":
            stmt_signed = mutate(signed, ("id", str(uuid.uuid4())))
        for v in ("2.0.0", "1.0.3"):
            cases.append(Case(g, "signature: %s (Data 2.6.s5.b3), %s" % (name, v), "POST",
                              body=signed_body(stmt_signed, token), content_type=MULTIPART,
                              version=v, where=where))
    cert = self_signed_certificate()
    if cert:
        for v in ("2.0.0", "1.0.3"):
            cases.append(Case(g, "signature: x5c certificate that did not sign it "
                                 "(Data 2.6.s5.b3.b3), %s" % v, "POST",
                              body=signed_body(signed, jws(dict(rs, x5c=[cert]), signed,
                                                           os.urandom(256))),
                              content_type=MULTIPART, version=v, where="x5c"))
    return cases


def self_signed_certificate():
    """base64 DER of a throwaway self-signed RSA certificate (made with the
    openssl program), or None without it."""
    openssl = shutil.which("openssl")
    if not openssl:
        return None
    d = tempfile.mkdtemp(prefix="lrs-bad-input-cert-")
    try:
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        os.path.join(d, "k.pem"), "-out", os.path.join(d, "c.der"),
                        "-outform", "DER", "-subj", "/CN=bad-input", "-days", "1"],
                       check=True, capture_output=True, timeout=60)
        with open(os.path.join(d, "c.der"), "rb") as f:
            return base64.b64encode(f.read()).decode()
    except (subprocess.SubprocessError, OSError):
        return None
    finally:
        shutil.rmtree(d, ignore_errors=True)


def query_cases(t):
    g = "queries"
    ids = t.ids
    cases = []

    def q(name, params, where=None, expect=400, version="2.0.0", query=None):
        cases.append(Case(g, name, params=params, query=query, where=where, expect=expect,
                          version=version))

    for name, value in (("not JSON", "mailto:x@example.com"), ("a JSON array", "[]"),
                        ("a JSON string", '"x"'), ("empty object", "{}"), ("empty", ""),
                        ("null", "null"), ("without an IFI", '{"name":"x"}'),
                        ("with two IFIs", json.dumps({"mbox": mbox("x"),
                                                      "openid": "http://example.com/x"})),
                        ("with a bad mbox", '{"mbox":"x@example.com"}'),
                        ("an anonymous Group", json.dumps(group(agent("a")))),
                        ("with an unknown property", json.dumps(dict(agent("x"), foo=1))),
                        ("truncated JSON", '{"mbox":"mailto:x@example.com"'),
                        ("nested too deeply", "[" * 100 + "]" * 100),
                        ("a Group with a Group member", json.dumps(
                            group(group(mbox=mbox("i")), mbox=mbox("o"))))):
        q("agent %s (Communication 2.1.3, Data 2.4.2)" % name, {"agent": value}, "agent")
    for name, value in (("not an IRI", "completed"), ("empty", ""), ("relative", "/verbs/x"),
                        ("with a space", "http://example.com/a b")):
        q("verb %s (Communication 2.1.3)" % name, {"verb": value}, "verb")
    for name, value in (("not an IRI", "quiz"), ("empty", ""),
                        ("with a space", "http://example.com/a b")):
        q("activity %s (Communication 2.1.3)" % name, {"activity": value}, "activity")
    for name, value in (("not a UUID", "abc"), ("empty", ""), ("too long", REG + "0")):
        q("registration %s (Communication 2.1.3)" % name, {"registration": value},
          "registration")
    for p in ("since", "until"):
        for name, value in (("not a timestamp", "yesterday"), ("date only", "2024-01-01"),
                            ("without an offset", "2024-01-01T00:00:00"),
                            ("month 13", "2024-13-01T00:00:00Z"), ("empty", ""),
                            ("epoch seconds", "1714557600")):
            q("%s %s (Communication 2.1.3, Data 4.5)" % (p, name), {p: value}, p)
    for name, value in (("negative", "-1"), ("a word", "ten"), ("fractional", "1.5"),
                        ("empty", ""), ("with a space", " 10"), ("hex", "0x10"),
                        ("fullwidth digits", "\uff11\uff10"), ("too long", "9" * 25)):
        q("limit %s (Communication 2.1.3)" % name, {"limit": value}, "limit")
    for name, value in (("unknown", "full"), ("uppercase", "EXACT"), ("empty", "")):
        q("format %s (Communication 2.1.3)" % name, {"format": value}, "format")
    for p in ("attachments", "ascending", "related_activities", "related_agents"):
        for value in ("yes", "1", "TRUE", ""):
            q("%s=%r (Communication 2.1.3: true or false)" % (p, value), {p: value}, p)
    q("statementId with voidedStatementId (2.1.3.s2.b1)",
      {"statementId": ids["base"], "voidedStatementId": ids["target"]}, "voidedStatementId")
    for p, v in (("agent", json.dumps(agent("x"))), ("verb", VERB), ("activity", ACT),
                 ("registration", REG), ("related_activities", "true"),
                 ("related_agents", "false"), ("since", "2024-01-01T00:00:00Z"),
                 ("until", "2024-01-01T00:00:00Z"), ("limit", "1"), ("ascending", "true")):
        q("statementId with %s (2.1.3.s2.b2)" % p, {"statementId": ids["base"], p: v}, p)
        q("voidedStatementId with %s (2.1.3.s2.b2)" % p,
          {"voidedStatementId": ids["target"], p: v}, p)
    q("statementId not a UUID", {"statementId": "abc"}, "statementId")
    q("statementId empty", {"statementId": ""}, "statementId")
    q("voidedStatementId not a UUID", {"voidedStatementId": "abc"}, "voidedStatementId")
    q("statementId unknown (2.1.3)", {"statementId": str(uuid.uuid4())}, expect=404)
    q("statementId of a voided statement (2.1.4.s1.b1)", {"statementId": ids["target"]},
      expect=404)
    q("voidedStatementId of a statement not voided (2.1.4)",
      {"voidedStatementId": ids["base"]}, expect=404)
    q("voidedStatementId of a voiding statement", {"voidedStatementId": ids["voiding"]},
      expect=404)
    q("voidedStatementId unknown", {"voidedStatementId": str(uuid.uuid4())}, expect=404)
    q("unknown parameter", {"foo": "bar"}, "foo")
    q("parameter in the wrong case", {"Limit": "1"}, "Limit")
    q("parameter repeated", [("limit", "1"), ("limit", "2")], "limit")
    q("agent repeated", [("agent", json.dumps(agent("a"))), ("agent", json.dumps(agent("b")))],
      "agent")
    q("statementId repeated", [("statementId", ids["base"]), ("statementId", ids["sub"])],
      "statementId")
    q("more not a token", {"more": "garbage"}, "more")
    q("more empty", {"more": ""}, "more")
    q("more with a JSON-pages prefix and garbage", {"more": "j!!!"}, "more")
    q("more with a multipart prefix and garbage", {"more": "mAAAA"}, "more")
    q("more with other parameters", {"more": "jAAAA", "limit": "1"}, "limit")
    # A real continuation token (Data 2.5 "more"), tampered with.
    more = json.loads(t.call("GET", "statements", {"limit": "1"})[2])["more"]
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(more).query)["more"][0]
    for name, value in (("cut by one character", token[:-1]), ("cut by five", token[:-5]),
                        ("with a character appended", token + "A"),
                        ("with four characters appended", token + "AAAA"),
                        ("zeroed", token[0] + "A" * (len(token) - 1)),
                        ("of underscores", token[0] + "_" * 40),
                        ("of 400 hyphens", token[0] + "-" * 400), ("prefix only", token[0]),
                        ("with another prefix", "x" + token[1:])):
        q("more: a real token %s" % name, {"more": value}, "more")
    q("malformed percent-encoding", None, query="limit=%zz")
    q("truncated percent-encoding", None, query="limit=1%")
    q("percent-encoding of one digit", None, query="agent=%7")
    q("1.0.3: statementId with since",
      {"statementId": ids["base"], "since": "2024-01-01T00:00:00Z"}, "since", version="1.0.3")
    q("1.0.3: format unknown", {"format": "full"}, "format", version="1.0.3")
    q("1.0.3: limit negative", {"limit": "-5"}, "limit", version="1.0.3")
    cases.append(Case(g, "HEAD with a bad parameter (Communication 1.1)", "HEAD",
                      params={"limit": "x"}))
    return cases


def document_cases(t):
    g = "documents"
    cases = []
    st = dict(DOC_STATE, stateId="progress")
    notes = dict(DOC_STATE, stateId="notes")
    new_state = dict(DOC_STATE, stateId="never-stored")
    ap = dict(DOC_ACT_PROFILE, profileId="settings")
    gp = dict(DOC_AGENT_PROFILE, profileId="prefs")
    etag = lambda who, res, p: t.before["doc %s %s %s" % (who, res, sorted(p.items()))][2]  # noqa
    body = {"x": 1}

    def c(name, method, resource, params, expect=400, where=None, headers=(), b=body,
          ct="auto", version="2.0.0", query=None):
        if method in ("GET", "DELETE", "HEAD") and b is body:
            b = None
        cases.append(Case(g, name, method, resource, params=params, body=b, content_type=ct,
                          headers=headers, expect=expect, where=where, version=version,
                          query=query))

    bad_agents = (("not JSON", "mailto:x@example.com"), ("empty object", "{}"),
                  ("a JSON array", "[]"), ("without an IFI", '{"name":"x"}'),
                  ("with two IFIs", json.dumps({"mbox": mbox("x"), "openid": "http://e.com/x"})),
                  ("with a bad mbox", '{"mbox":"x@example.com"}'),
                  ("an identified Group", json.dumps(group(mbox=mbox("g")))),
                  ("with an unknown property", json.dumps(dict(agent("x"), foo=1))),
                  ("nested too deeply", '{"account":' * 10 + "{}" + "}" * 10),
                  ("empty", ""))
    # ---- State (Communication 2.3) ----
    res = "activities/state"
    for m in ("GET", "PUT", "POST", "DELETE"):
        c("state %s without activityId (2.3.s3)" % m, m, res,
          {k: v for k, v in st.items() if k != "activityId"}, where="activityId")
        c("state %s without agent (2.3.s3)" % m, m, res,
          {k: v for k, v in st.items() if k != "agent"}, where="agent")
        c("state %s with activityId not an IRI" % m, m, res, dict(st, activityId="quiz"),
          where="activityId")
        c("state %s with activityId empty" % m, m, res, dict(st, activityId=""),
          where="activityId")
        c("state %s with registration not a UUID" % m, m, res, dict(st, registration="r1"),
          where="registration")
        c("state %s with an unknown parameter" % m, m, res, dict(st, profileId="p"),
          where="profileId")
        c("state %s with stateId repeated" % m, m, res,
          None, query=urllib.parse.urlencode(list(st.items()) + [("stateId", "other")]),
          where="stateId")
        for name, value in bad_agents:
            c("state %s with agent %s (2.3.s3, Data 2.4.2)" % (m, name), m, res,
              dict(st, agent=value), where="agent")
    for m in ("PUT", "POST"):
        c("state %s without stateId (2.3.s3)" % m, m, res, DOC_STATE, where="stateId")
        c("state %s with stateId empty" % m, m, res, dict(st, stateId=""), where="stateId")
    c("state GET with stateId empty", "GET", res, dict(st, stateId=""), where="stateId")
    c("state GET with since not a timestamp (2.3.s4)", "GET", res,
      dict(DOC_STATE, since="yesterday"), where="since")
    c("state GET with stateId and since not a timestamp", "GET", res,
      dict(st, since="yesterday"), where="since")
    c("state DELETE with since", "DELETE", res, dict(DOC_STATE, since="2024-01-01T00:00:00Z"),
      where="since")
    c("state GET of a missing document (2.3.s3)", "GET", res, new_state, expect=404)
    c("state HEAD with agent not JSON (1.1)", "HEAD", res, dict(st, agent="x"))
    c("state PATCH", "PATCH", res, st, expect=405)
    c("state OPTIONS-like unknown method", "PROPFIND", res, st, expect=405)
    # Content (Communication 2.2.s8, 3.2)
    for name, ct, b in (("text/plain", "text/plain", b'{"x":1}'), ("no Content-Type", None,
                                                                   b'{"x":1}'),
                        ("application/octet-stream", "application/octet-stream", b"\x00\x01"),
                        ("application/json-patch+json", "application/json-patch+json", b"[]")):
        c("state POST as %s (2.2.s8.b1)" % name, "POST", res, st, b=b, ct=ct,
          where="Content-Type")
    for name, b in (("a JSON array", b"[1,2]"), ("a JSON string", b'"x"'), ("null", b"null"),
                    ("a number", b"1")):
        c("state POST of %s (2.2.s8.b1)" % name, "POST", res, st, b=b, ct="application/json",
          where="content")
    c("state POST merging into a text/plain document (2.2.s8.b1)", "POST", res, notes,
      b={"y": 2}, where="not one")
    c("state POST 100 deep into a JSON document", "POST", res, st,
      b=b'{"a":' + b"[" * 100 + b"]" * 100 + b"}")
    # Concurrency (Communication 3.1)
    c("state PUT with a wrong If-Match (3.1.s4.b5)", "PUT", res, st,
      headers=[("If-Match", '"%s"' % ("0" * 40))], expect=412)
    c("state PUT with If-Match on a missing document (3.1.s4.b7)", "PUT", res, new_state,
      headers=[("If-Match", etag("main", res, st))], expect=412)
    c("state PUT with If-Match * on a missing document", "PUT", res, new_state,
      headers=[("If-Match", "*")], expect=412)
    c("state PUT with If-None-Match * on an existing document (3.1.s4.b6)", "PUT", res, st,
      headers=[("If-None-Match", "*")], expect=412)
    c("state PUT with If-None-Match of the current ETag", "PUT", res, st,
      headers=[("If-None-Match", etag("main", res, st))], expect=412)
    c("state PUT with an unquoted wrong If-Match", "PUT", res, st,
      headers=[("If-Match", "8" * 40)], expect=412)
    c("state PUT with a weak wrong If-Match", "PUT", res, st,
      headers=[("If-Match", 'W/"%s"' % ("9" * 40))], expect=412)
    c("state PUT with an If-Match list of wrong tags", "PUT", res, st,
      headers=[("If-Match", '"%s", "%s"' % ("a" * 40, "b" * 40))], expect=412)
    c("state PUT without preconditions onto an existing document (2.0.0, 3.1.s4.b13)", "PUT",
      res, st, expect=409)
    c("state POST with a wrong If-Match", "POST", res, st,
      headers=[("If-Match", '"%s"' % ("1" * 40))], expect=412)
    c("state POST with If-None-Match * on an existing document", "POST", res, st,
      headers=[("If-None-Match", "*")], expect=412)
    c("state DELETE with a wrong If-Match", "DELETE", res, st,
      headers=[("If-Match", '"%s"' % ("2" * 40))], expect=412)
    c("state DELETE with If-None-Match *", "DELETE", res, st,
      headers=[("If-None-Match", "*")], expect=412)
    c("state DELETE with If-Match on a missing document", "DELETE", res, new_state,
      headers=[("If-Match", "*")], expect=412)
    # ---- Activity Profile (Communication 2.7) ----
    res = "activities/profile"
    for m in ("GET", "PUT", "POST", "DELETE"):
        c("activity profile %s without activityId (2.7.s3)" % m, m, res,
          {"profileId": "settings"}, where="activityId")
        c("activity profile %s with activityId not an IRI" % m, m, res,
          dict(ap, activityId="quiz"), where="activityId")
        c("activity profile %s with an agent parameter" % m, m, res,
          dict(ap, agent=json.dumps(agent("x"))), where="agent")
        c("activity profile %s with a registration parameter" % m, m, res,
          dict(ap, registration=REG), where="registration")
    for m in ("PUT", "POST", "DELETE"):
        c("activity profile %s without profileId (2.7.s3)" % m, m, res, DOC_ACT_PROFILE,
          where="profileId")
        c("activity profile %s with since" % m, m, res,
          dict(ap, since="2024-01-01T00:00:00Z"), where="since")
    c("activity profile GET with profileId empty", "GET", res, dict(ap, profileId=""),
      where="profileId")
    c("activity profile GET with since not a timestamp (2.7.s4)", "GET", res,
      dict(DOC_ACT_PROFILE, since="now"), where="since")
    c("activity profile GET of a missing document", "GET", res,
      dict(ap, profileId="never-stored"), expect=404)
    c("activity profile PUT creating without If-None-Match (3.1.s3.b1)", "PUT", res,
      dict(ap, profileId="never-stored"), where="If-Match")
    c("activity profile PUT replacing without If-Match (3.1.s4.b13)", "PUT", res, ap,
      expect=409)
    c("activity profile PUT with a wrong If-Match", "PUT", res, ap,
      headers=[("If-Match", '"%s"' % ("3" * 40))], expect=412)
    c("activity profile PUT with If-None-Match * on an existing document", "PUT", res, ap,
      headers=[("If-None-Match", "*")], expect=412)
    c("activity profile POST as text/plain", "POST", res, ap, b=b"x", ct="text/plain",
      where="Content-Type")
    c("activity profile POST of a JSON array", "POST", res, ap, b=b"[]",
      ct="application/json", where="content")
    c("activity profile DELETE with a wrong If-Match", "DELETE", res, ap,
      headers=[("If-Match", '"%s"' % ("4" * 40))], expect=412)
    c("activity profile PATCH", "PATCH", res, ap, expect=405)
    # ---- Agent Profile (Communication 2.6) ----
    res = "agents/profile"
    for m in ("GET", "PUT", "POST", "DELETE"):
        c("agent profile %s without agent (2.6.s3)" % m, m, res, {"profileId": "prefs"},
          where="agent")
        c("agent profile %s with an activityId parameter" % m, m, res, dict(gp, activityId=ACT),
          where="activityId")
        for name, value in bad_agents[:7]:
            c("agent profile %s with agent %s" % (m, name), m, res, dict(gp, agent=value),
              where="agent")
    for m in ("PUT", "POST", "DELETE"):
        c("agent profile %s without profileId (2.6.s3)" % m, m, res, DOC_AGENT_PROFILE,
          where="profileId")
    c("agent profile GET with since not a timestamp (2.6.s4)", "GET", res,
      dict(DOC_AGENT_PROFILE, since="2024-01-01"), where="since")
    c("agent profile GET of a missing document", "GET", res, dict(gp, profileId="none"),
      expect=404)
    c("agent profile PUT creating without preconditions (3.1.s3.b1)", "PUT", res,
      dict(gp, profileId="never-stored"), where="If-Match")
    c("agent profile PUT replacing without If-Match (3.1.s4.b13)", "PUT", res, gp, expect=409)
    c("agent profile PUT with a wrong If-Match", "PUT", res, gp,
      headers=[("If-Match", '"%s"' % ("5" * 40))], expect=412)
    c("agent profile POST of a JSON string", "POST", res, gp, b=b'"x"', ct="application/json",
      where="content")
    c("agent profile POST with invalid JSON", "POST", res, gp, b=b'{"a":', ct="application/json",
      where="content")
    c("agent profile PATCH", "PATCH", res, gp, expect=405)
    c("1.0.3: agent profile PUT creating without preconditions", "PUT", res,
      dict(gp, profileId="never-stored-103"), where="If-Match", version="1.0.3")
    c("1.0.3: state PUT with a wrong If-Match", "PUT", "activities/state", st,
      headers=[("If-Match", '"%s"' % ("6" * 40))], expect=412, version="1.0.3")
    return cases


def agents_activities_about_cases(t):
    g = "agents, activities, about"
    cases = []

    def c(name, method, path, params, expect=400, where=None, version="2.0.0", body=None):
        cases.append(Case(g, name, method, path, params=params, expect=expect, where=where,
                          version=version, body=body))

    for name, value in (("not JSON", "x"), ("empty object", "{}"), ("empty", ""),
                        ("with two IFIs", json.dumps({"mbox": mbox("x"),
                                                      "openid": "http://example.com/x"})),
                        ("with a bad mbox", '{"mbox":"mailto:"}'),
                        ("an anonymous Group", json.dumps(group(agent("a")))),
                        ("a JSON array", json.dumps([agent("a")])),
                        ("with an unknown property", json.dumps(dict(agent("x"), nick="x"))),
                        ("with a bad account", '{"account":{"name":"x"}}')):
        c("agents: agent %s (Communication 2.4.s2)" % name, "GET", "agents", {"agent": value},
          where="agent")
    c("agents: no agent parameter (2.4.s2)", "GET", "agents", None, where="agent")
    c("agents: unknown parameter", "GET", "agents",
      {"agent": json.dumps(agent("x")), "activityId": ACT}, where="activityId")
    c("agents: agent repeated", "GET", "agents",
      [("agent", json.dumps(agent("x"))), ("agent", json.dumps(agent("y")))], where="agent")
    for m in ("POST", "PUT", "DELETE"):
        c("agents: %s" % m, m, "agents", {"agent": json.dumps(agent("x"))}, expect=405,
          body=b"{}" if m != "DELETE" else None)
    for name, value in (("not an IRI", "quiz"), ("empty", ""), ("relative", "/a/b"),
                        ("with a space", "http://example.com/a b"), ("scheme only", "http:")):
        c("activities: activityId %s (Communication 2.5.s2)" % name, "GET", "activities",
          {"activityId": value}, where="activityId")
    c("activities: no activityId (2.5.s2)", "GET", "activities", None, where="activityId")
    c("activities: unknown parameter", "GET", "activities", {"activityId": ACT, "agent": "x"},
      where="agent")
    for m in ("POST", "PUT", "DELETE"):
        c("activities: %s" % m, m, "activities", {"activityId": ACT}, expect=405,
          body=b"{}" if m != "DELETE" else None)
    c("about: a parameter (Communication 2.8)", "GET", "about", {"version": "2.0.0"})
    c("about: a parameter without version header", "GET", "about", {"x": "1"}, version=None)
    for m in ("POST", "PUT", "DELETE"):
        c("about: %s" % m, m, "about", None, expect=405, body=b"{}" if m != "DELETE" else None)
    c("1.0.3: agents without agent", "GET", "agents", None, where="agent", version="1.0.3")
    c("1.0.3: activities with activityId not an IRI", "GET", "activities", {"activityId": "x"},
      where="activityId", version="1.0.3")
    cases.append(Case(g, "agents: HEAD without agent (Communication 1.1)", "HEAD", "agents"))
    return cases


def header_cases(t):
    g = "headers and methods"
    cases = []
    for v in ("3.0.0", "0.95", "1.0.3.1", "2.0.0-rc1", "2", "", "latest", "1.0.x", "1.1.0",
              "2.1.0", "1,0,3", "1.0.3 2.0.0"):
        cases.append(Case(g, "X-Experience-API-Version %r (Communication 3.3.s3.b4-b7)" % v,
                          params={"limit": "1"}, version=v, where="X-Experience-API-Version"))
    cases.append(Case(g, "X-Experience-API-Version missing (3.3.s3.b4.1)", params={"limit": "1"},
                      version=None, where="X-Experience-API-Version"))
    cases.append(Case(g, "X-Experience-API-Version twice", params={"limit": "1"},
                      headers=[("X-Experience-API-Version", "1.0.3")],
                      where="X-Experience-API-Version"))
    cases.append(Case(g, "X-Experience-API-Version missing on a POST", "POST", body=BASE,
                      version=None, where="X-Experience-API-Version"))
    cases.append(Case(g, "X-Experience-API-Version missing on a state PUT", "PUT",
                      "activities/state", params=dict(DOC_STATE, stateId="v"), body={"a": 1},
                      version=None, where="X-Experience-API-Version"))
    cases.append(Case(g, "X-Experience-API-Version unsupported on a state PUT", "PUT",
                      "activities/state", params=dict(DOC_STATE, stateId="v"), body={"a": 1},
                      version="0.9", where="X-Experience-API-Version"))
    for path, expect in (("/xapi/nothing", 404), ("/xapi/statement", 404),
                         ("/xapi/Statements", 404), ("/xapi/activities/states", 404),
                         ("/xapi/agents/profiles", 404), ("/xapi/statements/extra", 404),
                         ("/nothing", 404), ("/admin/nothing", 404), ("/xapix/statements", 404),
                         ("/health/x", 404)):
        cases.append(Case(g, "unknown path %s" % path, path=path, expect=expect))
    for method, path in (("DELETE", "/health"), ("POST", "/metrics"), ("PUT", "/export"),
                         ("POST", "/admin/stores"), ("DELETE", "/admin/credentials"),
                         ("POST", "/reports/activity"), ("POST", "/admin/whoami")):
        cases.append(Case(g, "%s %s" % (method, path), method, path, version=None,
                          expect=405, body=b"" if method in ("PUT", "POST") else None,
                          who="admin" if path.startswith("/admin/") else "main"))
    return cases


REQ = b"GET /xapi/about HTTP/1.1\r\nHost: x\r\n"


def malformed_http_cases(t):
    g = "malformed HTTP"
    auth = t.auths["main"].encode()
    post_head = (b"POST /xapi/statements HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
                 b"\r\nX-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\n")
    # Invalid (no actor): nothing is stored even where the framing is accepted.
    stmt = json.dumps(mutate(BASE, ("actor", DEL))).encode()
    cases = []

    def raw(name, data, expect=400, may_close=True, **kw):
        cases.append(RawCase(g, name, data, expect, may_close, **kw))

    raw("header line without a colon", REQ + b"NoColonHere\r\n\r\n")
    raw("NUL in a header value", REQ + b"X-Test: a\x00b\r\n\r\n")
    raw("NUL in a header name", REQ + b"X-Te\x00st: a\r\n\r\n")
    raw("space before the colon (RFC 9112 5.1)", REQ + b"X-Test : a\r\n\r\n")
    raw("bare CR in a header value", REQ + b"X-Test: a\rb\r\n\r\n")
    raw("header name with a high byte", REQ + b"X-T\xffst: a\r\n\r\n")
    raw("header name empty", REQ + b": a\r\n\r\n")
    raw("invalid method characters", b"G(T /xapi/about HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("empty method", b" /xapi/about HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("no HTTP version", b"GET /xapi/about\r\nHost: x\r\n\r\n")
    raw("HTTP/9.9", b"GET /xapi/about HTTP/9.9\r\nHost: x\r\n\r\n")
    raw("HTTX/1.1", b"GET /xapi/about HTTX/1.1\r\nHost: x\r\n\r\n")
    raw("lowercase http/1.1", b"GET /xapi/about http/1.1\r\nHost: x\r\n\r\n")
    raw("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    raw("two spaces in the request line", b"GET  /xapi/about HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("space in the target", b"GET /xapi/ab out HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("DEL in the target", b"GET /xapi/ab\x7fout HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("tab in the target", b"GET /xapi/ab\tout HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("NUL in the target", b"GET /xapi/ab\x00out HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("binary garbage", b"\x00\xff\x13\x37" * 64 + b"\r\n\r\n")
    raw("TLS ClientHello on the plain port", bytes.fromhex(
        "16030100a5010000a10303") + os.urandom(32) + b"\x00" * 64 + b"\r\n\r\n")
    raw("target percent-encoding NUL", b"GET /xapi/%00 HTTP/1.1\r\nHost: x\r\n\r\n")
    raw("target bad percent-encoding", b"GET /xapi/%zz HTTP/1.1\r\nHost: x\r\n\r\n")
    for name, cl in (("negative", b"-1"), ("not a number", b"abc"), ("a list", b"5, 6"),
                     ("with a plus sign", b"+5"), ("hex", b"0x5"),
                     ("beyond 64 bits", b"99999999999999999999999")):
        raw("Content-Length %s" % name, post_head + b"Content-Length: " + cl + b"\r\n\r\n" + stmt,
            expect=(400, 413))
    raw("Content-Length twice, different", post_head + b"Content-Length: %d\r\nContent-Length: %d"
        b"\r\n\r\n" % (len(stmt), len(stmt) + 1) + stmt)
    raw("Content-Length twice, equal", post_head + b"Content-Length: %d\r\nContent-Length: %d"
        b"\r\n\r\n" % (len(stmt), len(stmt)) + stmt)
    raw("Content-Length and chunked (RFC 9112 6.3)", post_head + b"Content-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    raw("Transfer-Encoding gzip, not chunked (RFC 9112 6.3)", post_head +
        b"Transfer-Encoding: gzip\r\n\r\n" + stmt)
    raw("Transfer-Encoding chunked, gzip (chunked not last)", post_head +
        b"Transfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    raw("Transfer-Encoding twice", post_head +
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    raw("Transfer-Encoding unknown", post_head + b"Transfer-Encoding: magic\r\n\r\n" + stmt)
    te = post_head + b"Transfer-Encoding: chunked\r\n\r\n"
    raw("chunk size not hex", te + b"zz\r\nhello\r\n0\r\n\r\n")
    raw("chunk size negative", te + b"-5\r\nhello\r\n0\r\n\r\n")
    raw("chunk size beyond 64 bits", te + b"fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
        expect=(400, 413))
    raw("chunk data longer than its size", te + b"3\r\nhello\r\n0\r\n\r\n")
    raw("chunk without CRLF after its data", te + b"5\r\nhelloXX0\r\n\r\n")
    raw("chunk size line with a bad extension", te + b"5;\x00\r\nhello\r\n0\r\n\r\n")
    raw("chunk size line with a bare LF", te + b"5\nhello\r\n0\r\n\r\n")
    raw("chunked body with a bad trailer", te + b"5\r\nhello\r\n0\r\nBad Trailer\r\n\r\n")
    raw("chunked JSON that is not a statement", te + b"5\r\nhello\r\n0\r\n\r\n", may_close=False)
    raw("chunked statement split inside UTF-8 then invalid", te + b"3\r\n{\"\xc3\r\n2\r\n\xc3\"\r\n"
        b"0\r\n\r\n", may_close=False)
    # Content-Length shorter than the body: the rest is read as the next request.
    raw("Content-Length shorter than the body", post_head + b"Content-Length: 10\r\n\r\n" + stmt,
        want=2, may_close=True)
    raw("duplicate Authorization", b"GET /xapi/statements?limit=1 HTTP/1.1\r\nHost: x\r\n"
        b"X-Experience-API-Version: 2.0.0\r\nAuthorization: " + auth + b"\r\nAuthorization: " +
        auth + b"\r\n\r\n", expect=401, may_close=False)
    raw("request line of 16 KiB", b"GET /xapi/about?" + b"a" * (16 << 10) + b" HTTP/1.1\r\n"
        b"Host: x\r\n\r\n", expect=(431, 414, 400))
    raw("method of 10 KiB", b"G" * (10 << 10) + b" /xapi/about HTTP/1.1\r\nHost: x\r\n\r\n",
        expect=(431, 400))
    raw("header value of 10 KiB", REQ + b"X-Big: " + b"v" * (10 << 10) + b"\r\n\r\n", expect=431)
    raw("header name of 10 KiB", REQ + b"X-" + b"n" * (10 << 10) + b": v\r\n\r\n", expect=431)
    raw("2000 headers", REQ + b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) + b"\r\n",
        expect=431)
    raw("Authorization of 10 KiB", b"GET /xapi/statements HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Basic " + b"A" * (10 << 10) + b"\r\n\r\n", expect=431)
    raw("obs-fold line (RFC 9112 5.2)", b"GET /xapi/statements?limit=1 HTTP/1.1\r\nHost: x\r\n"
        b"X-Experience-API-Version: 2.0.0\r\nAuthorization: " + auth +
        b"\r\nX-Folded: a\r\n b\r\nX-Experience-API-Version: 2.0.0\r\n\r\n")
    raw("HTTP/1.0 with chunked body", b"POST /xapi/statements HTTP/1.0\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", expect=(400, 401))
    raw("absolute-form target to another host", b"GET http://evil.example/nothing HTTP/1.1"
        b"\r\nHost: x\r\n\r\n", expect=404, may_close=False)
    raw("asterisk target with GET", b"GET * HTTP/1.1\r\nHost: x\r\n\r\n", expect=404,
        may_close=False)
    return cases


def alternate_syntax_cases(t):
    g = "alternate syntax"
    auth = t.auths["main"]
    form = "application/x-www-form-urlencoded"
    cases = []

    def alt(name, fields, method="PUT", path="statements", expect=400, where=None,
            version=None, query=None, http_method="POST", headers=(), raw_body=None):
        body = raw_body if raw_body is not None else urllib.parse.urlencode(fields)
        cases.append(Case(g, name + " (Communication 1.3, 1.0.3)", http_method, path,
                          query=query if query is not None else "method=" + method, body=body,
                          content_type=form, version=version, auth=None, expect=expect,
                          where=where, headers=headers))

    base = {"X-Experience-API-Version": "1.0.3", "Authorization": auth,
            "Content-Type": "application/json"}
    sid = lambda: str(uuid.uuid4())  # noqa: E731
    content = json.dumps(BASE)
    alt("under 2.0.0 (removed in 2.0.0)", dict(base, statementId=sid(), content=content),
        version="2.0.0", where="method")
    alt("version 2.0.0 in the form", dict(base, statementId=sid(), content=content,
                                          **{"X-Experience-API-Version": "2.0.0"}),
        where="method")
    alt("method PATCH", dict(base, content=content), method="PATCH", where="method")
    alt("method in lowercase", dict(base, statementId=sid(), content=content), method="put",
        where="method")
    alt("method empty", dict(base, content=content), method="", where="method")
    alt("method sent with GET", base, http_method="GET", method="GET", where="method")
    alt("method sent with PUT", dict(base, statementId=sid(), content=content),
        http_method="PUT", where="method")
    alt("other query parameters beside method", dict(base, content=content),
        query="method=PUT&statementId=" + sid(), where="method")
    alt("method twice", dict(base, content=content), query="method=PUT&method=GET",
        where="method")
    alt("malformed form body", None, raw_body="content=%zz&statementId=" + sid(),
        where="content")
    alt("content an invalid statement", dict(base, statementId=sid(),
                                             content=json.dumps(mutate(BASE, ("actor", DEL)))),
        where="statement")
    alt("content not JSON", dict(base, statementId=sid(), content="{not json"))
    alt("wrong Authorization in the form", dict(base, statementId=sid(), content=content,
                                                Authorization=basic(KEY, "wrong")), expect=401)
    alt("no Authorization", {k: v for k, v in dict(base, statementId=sid(),
                                                   content=content).items()
                             if k != "Authorization"}, expect=401)
    alt("no X-Experience-API-Version", {k: v for k, v in dict(base, statementId=sid(),
                                                             content=content).items()
                                        if k != "X-Experience-API-Version"},
        where="X-Experience-API-Version")
    alt("X-Experience-API-Version with CRLF injection",
        dict(base, statementId=sid(), content=content,
             **{"X-Experience-API-Version": "1.0.3\r\nSet-Cookie: injected=1"}),
        where="X-Experience-API-Version")
    alt("Content-Type with CRLF injection on a statement",
        dict(base, statementId=sid(), content=content,
             **{"Content-Type": "application/json\r\nX-Injected: 1"}))
    alt("Content-Type with CRLF injection on a state document (RFC 9110 5.5)",
        dict(base, content="text", **{"Content-Type": "text/plain\r\nSet-Cookie: injected=1"},
             **dict(DOC_STATE, stateId="alt-injected")), path="activities/state",
        where="Content-Type")
    alt("If-Match with CRLF injection on a state document (RFC 9110 5.5)",
        dict(base, content="{}", **{"If-Match": '"x"\r\nSet-Cookie: injected=1'},
             **dict(DOC_STATE, stateId="alt-injected-2")), path="activities/state",
        where="If-Match")
    alt("Content-Type with a NUL on a state document (RFC 9110 5.5)",
        dict(base, content="text", **{"Content-Type": "text/plain\x00x"},
             **dict(DOC_STATE, stateId="alt-injected-3")), path="activities/state",
        where="Content-Type")
    alt("Authorization with CRLF injection",
        dict(base, statementId=sid(), content=content,
             Authorization=auth + "\r\nX-Injected: 1"), where="Authorization")
    alt("PUT without statementId", dict(base, content=content), where="statementId")
    alt("GET with statementId not a UUID", dict(base, statementId="abc"), method="GET",
        where="statementId")
    alt("GET with an unknown form parameter", dict(base, foo="bar"), method="GET", where="foo")
    alt("DELETE on statements", dict(base, statementId=sid()), method="DELETE", expect=405)
    alt("Content-Type text/plain for a statement", dict(
        base, statementId=sid(), content=content, **{"Content-Type": "text/plain"}),
        where="Content-Type")
    alt("state PUT with a wrong If-Match", dict(base, content='{"a":1}', **{
        "If-Match": '"%s"' % ("7" * 40)}, **dict(DOC_STATE, stateId="progress")),
        path="activities/state", expect=412)
    alt("state POST of a JSON array", dict(base, content="[1]", **dict(
        DOC_STATE, stateId="progress")), method="POST", path="activities/state",
        where="content")
    alt("agents with a bad agent", dict(base, agent="x"), method="GET", path="agents",
        where="agent")
    return cases


def auth_cases(t):
    g = "authentication"
    cases = []
    b64 = lambda s: base64.b64encode(s).decode()  # noqa: E731
    bad = [
        ("missing (Communication 4)", None),
        ("empty", ""),
        ("Bearer scheme", "Bearer " + SECRET),
        ("Digest scheme", 'Digest username="%s"' % KEY),
        ("Basic without credentials", "Basic"),
        ("Basic with a blank", "Basic "),
        ("Basic not base64", "Basic !!!"),
        ("Basic base64 with a space inside", "Basic " + b64((KEY + ":" + SECRET).encode())[:8] +
         " " + b64((KEY + ":" + SECRET).encode())[8:]),
        ("Basic base64 truncated", "Basic " + b64((KEY + ":" + SECRET).encode())[:-3]),
        ("Basic without a colon", "Basic " + b64(KEY.encode())),
        ("Basic with an empty key", "Basic " + b64((":" + SECRET).encode())),
        ("Basic with an empty secret", "Basic " + b64((KEY + ":").encode())),
        ("Basic with the wrong secret", basic(KEY, "wrong-" + SECRET)),
        ("Basic with the secret in upper case", basic(KEY, SECRET.upper())),
        ("Basic with a secret prefix", basic(KEY, SECRET[:-1])),
        ("Basic with the secret and more", basic(KEY, SECRET + "x")),
        ("Basic with an unknown key", basic("no-such-key", SECRET)),
        ("Basic with the key in upper case", basic(KEY.upper(), SECRET)),
        ("Basic with key:secret:extra", basic(KEY, SECRET + ":extra")),
        ("Basic with key::secret", basic(KEY, ":" + SECRET)),
        ("Basic with key and secret swapped", basic(SECRET, KEY)),
        ("Basic with a NUL in the key", basic(KEY + "\x00", SECRET)),
        ("Basic with a NUL after the secret", basic(KEY, SECRET + "\x00")),
        ("Basic with the secret as key", basic(SECRET, SECRET)),
        ("Basic of 2 KiB", basic("k" * 1024, "s" * 1024)),
        ("Basic with SQL in the key", basic("' OR '1'='1", "' OR '1'='1")),
        ("Basic with a wildcard key", basic("*", "*")),
        ("Basic with a revoked credential", t.auths["revoked"]),
    ]
    targets = [("GET statements", "GET", "statements", {"limit": "1"}, None),
               ("POST statements", "POST", "statements", None, BASE),
               ("PUT state", "PUT", "activities/state", dict(DOC_STATE, stateId="progress"),
                {"page": 0}),
               ("GET agents", "GET", "agents", {"agent": json.dumps(DOC_AGENT)}, None)]
    for name, auth in bad:
        for tname, method, path, params, body in targets:
            cases.append(Case(g, "%s: Authorization %s" % (tname, name), method, path,
                              params=params, body=body, auth=auth, expect=401))
    for path in ("/export", "/admin/whoami", "/admin/stores", "/reports/activity"):
        cases.append(Case(g, "%s: Authorization missing" % path, "GET", path, auth=None,
                          version=None, expect=401))
        cases.append(Case(g, "%s: wrong admin token" % path, "GET", path,
                          auth="Bearer " + "0" * 64, version=None, expect=401))
        cases.append(Case(g, "%s: revoked credential" % path, "GET", path,
                          auth=t.auths["revoked"], version=None, expect=401))
    return cases


def scope_and_store_cases(t):
    g = "scopes and stores"
    ids = t.ids
    cases = []
    st = dict(DOC_STATE, stateId="progress")
    notes = dict(DOC_STATE, stateId="notes")
    ap = dict(DOC_ACT_PROFILE, profileId="settings")
    gp = dict(DOC_AGENT_PROFILE, profileId="prefs")
    etag = lambda res, p: t.before["doc main %s %s" % (res, sorted(p.items()))][2]  # noqa

    def c(name, who, method, path, params=None, body=None, expect=403, headers=(),
          version="2.0.0", where=None):
        cases.append(Case(g, name, method, path, params=params, body=body, who=who,
                          expect=expect, headers=headers, version=version, where=where))

    # ---- Too few scopes (Communication 4.2) ----
    for who, scopes in (("reader", "statements/read"), ("state", "state"),
                        ("profile", "profile"), ("define", "define"),
                        ("allread", "all/read"), ("admin", "admin")):
        c("%s: POST statements (4.2)" % scopes, who, "POST", "statements", body=BASE)
        c("%s: PUT statements (4.2)" % scopes, who, "PUT", "statements",
          params={"statementId": str(uuid.uuid4())}, body=BASE)
        c("%s: voiding a statement (Data 2.3.2.s2.b4)" % scopes, who, "POST", "statements",
          body=mutate(BASE_VOID, ("object.id", ids["base"])))
    for who, scopes in (("writer", "statements/write"), ("state", "state"),
                        ("profile", "profile"), ("define", "define"), ("admin", "admin")):
        c("%s: GET statements (4.2)" % scopes, who, "GET", "statements", {"limit": "1"})
        c("%s: GET a statement by id (4.2)" % scopes, who, "GET", "statements",
          {"statementId": ids["base"]})
    for who, scopes in (("reader", "statements/read"), ("writer", "statements/write"),
                        ("profile", "profile"), ("define", "define"), ("allread", "all/read"),
                        ("admin", "admin")):
        c("%s: PUT state (4.2)" % scopes, who, "PUT", "activities/state", st, {"page": 1},
          headers=[("If-Match", etag("activities/state", st))])
        c("%s: DELETE state (4.2)" % scopes, who, "DELETE", "activities/state", st)
    for who, scopes in (("reader", "statements/read"), ("writer", "statements/write"),
                        ("profile", "profile"), ("define", "define"), ("admin", "admin")):
        c("%s: GET state (4.2)" % scopes, who, "GET", "activities/state", st)
    for who, scopes in (("reader", "statements/read"), ("state", "state"),
                        ("allread", "all/read"), ("admin", "admin")):
        c("%s: PUT activity profile (4.2)" % scopes, who, "PUT", "activities/profile", ap,
          {"t": 1}, headers=[("If-Match", etag("activities/profile", ap))])
        c("%s: POST agent profile (4.2)" % scopes, who, "POST", "agents/profile", gp, {"t": 1})
    for who, scopes in (("writer", "statements/write"), ("state", "state"),
                        ("admin", "admin")):
        c("%s: GET agent profile (4.2)" % scopes, who, "GET", "agents/profile", gp)
        c("%s: GET activities (4.2)" % scopes, who, "GET", "activities", {"activityId": ACT})
        c("%s: GET agents (4.2)" % scopes, who, "GET", "agents",
          {"agent": json.dumps(agent("bad-input"))})
    c("statements/read/mine: another credential's statement by id", "mine", "GET",
      "statements", {"statementId": ids["base"]}, expect=(403, 404))
    c("statements/read/mine: a voided statement of another credential", "mine", "GET",
      "statements", {"voidedStatementId": ids["target"]}, expect=(403, 404))
    for who in ("main", "reader", "writer", "state", "allread"):
        for path in ("/admin/credentials", "/admin/stores", "/admin/audit",
                     "/admin/sync/status"):
            c("xAPI credential (%s) on %s" % (who, path), who, "GET", path, version=None)
        c("xAPI credential (%s) purging (/admin/retention/purge)" % who, who, "POST",
          "/admin/retention/purge", body=b"", version=None)
    for who in ("writer", "state", "profile"):
        c("%s credential on /export" % who, who, "GET", "/export", version=None)
        c("%s credential on /reports/activity" % who, who, "GET", "/reports/activity",
          version=None)
    # ---- Store b's credential on store default's data ----
    for name in sorted(ids):
        if name.startswith("store-b"):
            continue
        c("store b: statementId of store default's %s" % name, "b", "GET", "statements",
          {"statementId": ids[name]}, expect=404)
    c("store b: voidedStatementId of store default's voided statement", "b", "GET",
      "statements", {"voidedStatementId": ids["target"]}, expect=404)
    c("store b: attachments of store default's statement", "b", "GET", "statements",
      {"statementId": ids["att"], "attachments": "true"}, expect=404)
    c("store b: state document only store default has", "b", "GET", "activities/state", notes,
      expect=404)
    c("store b: registration state document of store default", "b", "GET",
      "activities/state", dict(st, registration=REG), expect=404)
    c("store b: agent profile of store default", "b", "GET", "agents/profile", gp, expect=404)
    c("store b: DELETE store default's document with its ETag", "b", "DELETE",
      "activities/state", notes, headers=[("If-Match", etag("activities/state", notes))],
      expect=412)
    c("store b: PUT store default's document with its ETag", "b", "PUT", "activities/state",
      notes, {"stolen": True}, headers=[("If-Match", etag("activities/state", notes))],
      expect=412)
    c("store b: POST store default's document with its ETag", "b", "POST", "activities/state",
      notes, {"stolen": True}, headers=[("If-Match", etag("activities/state", notes))],
      expect=412)
    c("store b: PUT store default's state with its ETag at a shared key", "b", "PUT",
      "activities/state", st, {"stolen": True},
      headers=[("If-Match", etag("activities/state", st))], expect=412)
    c("store b: PUT store default's activity profile with its ETag", "b", "PUT",
      "activities/profile", ap, {"stolen": True},
      headers=[("If-Match", etag("activities/profile", ap))], expect=412)
    c("store b: DELETE store default's agent profile with its ETag", "b", "DELETE",
      "agents/profile", gp, headers=[("If-Match", etag("agents/profile", gp))], expect=412)
    c("store b: PUT creating over store default's agent profile with its ETag", "b", "PUT",
      "agents/profile", gp, {"stolen": True},
      headers=[("If-Match", etag("agents/profile", gp))], expect=412)
    c("store b: a store parameter on statements", "b", "GET", "statements",
      {"store": "default", "limit": "1"}, expect=400, where="store")
    c("store b: a store parameter on state", "b", "GET", "activities/state",
      dict(st, store="default"), expect=400, where="store")
    c("store b: a store parameter on a PUT", "b", "PUT", "statements",
      {"statementId": str(uuid.uuid4()), "store": "default"}, BASE, expect=400, where="store")
    for path in ("/export", "/admin/whoami", "/reports/activity", "/admin/stores",
                 "/admin/credentials", "/admin/sync/status"):
        c("store b: %s?store=default" % path, "b", "GET", path, {"store": "default"},
          version=None)
        c("store default admin: %s?store=b" % path, "admin", "GET", path, {"store": "b"},
          version=None)
    c("store default admin: purge in store b", "admin", "POST", "/admin/retention/purge",
      {"store": "b"}, b"", version=None)
    c("admin credential: a store that does not exist", "admin", "GET", "/admin/stores",
      {"store": "nope"}, version=None)
    c("admin token of the wrong length", "main", "GET", "/admin/stores", {"store": "b"},
      version=None, expect=401, headers=[])
    cases[-1].auth = "Bearer short"
    return cases


PAYLOADS = [
    ("dot-dot-slash", b"../../../../etc/passwd"),
    ("encoded dot-dot-slash", b"..%2f..%2fadmin%2fstores"),
    ("encoded dots", b"%2e%2e/%2e%2e/"),
    ("NUL", b"a\x00b"),
    ("CRLF header injection", b"x\r\nSet-Cookie: injected=1\r\nX-Injected: 1"),
    ("3000 characters", b"x" * 3000),
    ("SQL", b"' OR '1'='1' --"),
    ("SQL statement", b"1; DROP TABLE statements;--"),
    ("NoSQL operator", b'{"$gt": ""}'),
    ("NoSQL where", b'{"$where": "sleep(1000)"}'),
    ("right-to-left override", "\u202egnp.exe".encode()),
    ("fullwidth dots and slash", "\uff0e\uff0e\uff0f".encode()),
    ("invalid UTF-8 overlong dots", b"\xc0\xae\xc0\xae/"),
    ("lookup pattern", b"${jndi:ldap://example.com/a}"),
    ("markup", b"<script>alert(1)</script>"),
    ("backslashes", b"..\\..\\windows\\win.ini"),
]


def traversal_cases(t):
    g = "traversal and injection"
    cases = []
    st = dict(DOC_STATE, stateId="progress")

    def c(name, method, path, params, expect=400, where=None, body=None, headers=(), who="main"):
        cases.append(Case(g, name, method, path, params=params, expect=expect, where=where,
                          body=body, headers=headers, who=who))
        return cases[-1]

    for pname, p in PAYLOADS:
        try:
            p.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False  # Communication 1.4: not a string at all (400)
        c("statementId %s" % pname, "GET", "statements", {"statementId": p}, where="statementId")
        c("voidedStatementId %s" % pname, "GET", "statements", {"voidedStatementId": p},
          where="voidedStatementId")
        c("PUT statementId %s" % pname, "PUT", "statements", {"statementId": p}, body=BASE,
          where="statementId")
        c("registration %s in a query" % pname, "GET", "statements", {"registration": p},
          where="registration")
        c("agent %s in a query" % pname, "GET", "statements", {"agent": p}, where="agent")
        c("verb %s in a query" % pname, "GET", "statements", {"verb": p}, where="verb")
        c("since %s in a query" % pname, "GET", "statements", {"since": p}, where="since")
        c("activityId %s on activities" % pname, "GET", "activities", {"activityId": p},
          where="activityId")
        c("activityId %s on state" % pname, "GET", "activities/state",
          dict(st, activityId=p), where="activityId")
        c("agent %s on state" % pname, "GET", "activities/state", dict(st, agent=p),
          where="agent")
        c("registration %s on state" % pname, "DELETE", "activities/state",
          dict(st, registration=p), where="registration")
        c("stateId %s (GET: no such document)" % pname, "GET", "activities/state",
          dict(st, stateId=p), expect=404 if utf8 else 400)
        c("stateId %s (PUT If-Match: no such document)" % pname, "PUT", "activities/state",
          dict(st, stateId=p), body={"x": 1}, headers=[("If-Match", "*")],
          expect=412 if utf8 else 400)
        c("profileId %s (GET: no such document)" % pname, "GET", "agents/profile",
          dict(DOC_AGENT_PROFILE, profileId=p), expect=404 if utf8 else 400)
        c("profileId %s (DELETE If-Match: no such document)" % pname, "DELETE",
          "activities/profile", dict(DOC_ACT_PROFILE, profileId=p),
          headers=[("If-Match", "*")], expect=412 if utf8 else 400)
        c("agent mbox %s" % pname, "GET", "agents",
          {"agent": json.dumps({"mbox": "mailto:" + p.decode("latin-1")})}, where="agent")
    for name, value in (("an overlong sequence", b"\xc0\xae"), ("a lone byte", b"mor\xc9"),
                        ("an encoded surrogate", b"\xed\xa0\x80"), ("0xFF", b"\xff")):
        for res, params in (("activities/state", dict(DOC_STATE, stateId=value)),
                            ("activities/profile", dict(DOC_ACT_PROFILE, profileId=value)),
                            ("agents/profile", dict(DOC_AGENT_PROFILE, profileId=value))):
            c("%s id with %s, PUT If-None-Match * (Communication 1.4.s1.b1: UTF-8)" % (res, name),
              "PUT", res, params, body={"x": 1}, headers=[("If-None-Match", "*")],
              where="UTF-8")
            c("%s id with %s, POST (Communication 1.4.s1.b1: UTF-8)" % (res, name), "POST", res,
              params, body={"x": 1}, where="UTF-8")
        c("unknown parameter named with %s" % name, "GET", "statements", None,
          where="unknown parameter",
          expect=400).query = urllib.parse.quote_from_bytes(value) + "=1"
        c("POST /reports/ path with %s (405 body stays UTF-8)" % name, "POST",
          "/reports/" + urllib.parse.quote_from_bytes(value), None, body=b"", expect=405)
        c("path with %s" % name, "GET", "/xapi/" + urllib.parse.quote_from_bytes(value), None,
          expect=404)
    for path, expect in (
            ("/xapi/../admin/credentials", 404), ("/xapi/%2e%2e/admin/credentials", 404),
            ("/xapi/statements/../../admin/stores", 404), ("/xapi/..%2fadmin%2fstores", 404),
            ("/admin/../xapi/statements", 404), ("/xapi/%00statements", 400),
            ("/xapi/statements%00", 400), ("/xapi/statements%0d%0aSet-Cookie:%20x=1", 404),
            ("/xapi/activities/state/..%2f..%2f", 404), ("//xapi/statements", 404),
            ("/XAPI/statements", 404), ("/xapi/about/../statements", 404),
            ("/xapi/statements/%2e%2e", 404), ("/xapi/%zz", 400), ("/xapi/statements%", 400),
            ("/xapi/%c0%af", 404), ("/export/../admin/stores", 404),
            ("/reports/../admin/stores", (400, 404)), ("/reports/%2e%2e%2fadmin", (400, 404)),
            ("/admin/sync/../../etc/passwd", 404), ("/admin/ui/../../etc/passwd", 404),
            ("/admin/ui/%2e%2e/%2e%2e/etc/passwd", 404), ("/admin/ui/..%2f..%2fetc%2fpasswd", 404),
            ("/admin/ui/%00", 400), ("/health/../admin/stores", 404),
            ("/xapi/statements/..;/admin", 404), ("/%2e%2e/%2e%2e/etc/passwd", 404),
            ("/xapi/%c3%a9", 404)):
        c("path %s" % path, "GET", path, None, expect=expect,
          who="admin" if path.startswith("/admin/sync/") else "main")
    return cases


def oversized_cases(t):
    g = "oversized"
    auth = t.auths["main"].encode()
    cases = []
    head = (b"%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
            b"\r\nX-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\n")
    over = MAX_BODY + 1
    for name, method, target in (
            ("POST statements", b"POST", b"/xapi/statements"),
            ("PUT statements", b"PUT",
             b"/xapi/statements?statementId=" + str(uuid.uuid4()).encode()),
            ("PUT state", b"PUT", b"/xapi/activities/state?" +
             urllib.parse.urlencode(dict(DOC_STATE, stateId="big")).encode()),
            ("POST agent profile", b"POST", b"/xapi/agents/profile?" +
             urllib.parse.urlencode(dict(DOC_AGENT_PROFILE, profileId="big")).encode()),
            ("POST to an unknown path", b"POST", b"/nothing")):
        h = head % (method, target)
        cases.append(RawCase(g, "%s: Content-Length over the limit (413)" % name,
                             h + b"Content-Length: %d\r\n\r\n" % over + b"[" + b" " * 65536,
                             expect=413))
        cases.append(RawCase(g, "%s: Content-Length of 1 TiB (413)" % name,
                             h + b"Content-Length: %d\r\n\r\n" % (1 << 40), expect=413))
        cases.append(RawCase(g, "%s: Expect 100-continue over the limit (413)" % name,
                             h + b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % over,
                             expect=413))
    chunk = b"[" + b" " * (1 << 20)
    pieces = [head % (b"POST", b"/xapi/statements") + b"Transfer-Encoding: chunked\r\n\r\n"]
    for _ in range(4):
        pieces.append(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    pieces.append(b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n0\r\n\r\n")
    cases.append(RawCase(g, "chunked body over the limit (413)", pieces, expect=413,
                         stop_early=True, timeout=10))
    small = json.dumps({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": VERB},
                        "object": {"id": ACT}})
    batch = "[" + ",".join([small] * 10001) + "]"
    cases.append(Case(g, "batch of 10001 statements (413)", "POST", body=batch,
                      content_type="application/json", expect=413, where="batch"))
    parts = multipart([([("Content-Type", "application/json")], json.dumps(BASE).encode())] +
                      [([("X-Experience-API-Hash", sha256(b"x"))], b"x")] * 10001)
    cases.append(Case(g, "multipart with 10002 parts (413)", "POST", body=parts,
                      content_type=MULTIPART, expect=413, where="parts"))
    for name, hdrs in (
            ("one header of 10 KiB", [("X-Big", "v" * (10 << 10))]),
            ("600 headers", [("X-H%d" % i, "v" * 8) for i in range(600)]),
            ("a cookie of 9 KiB", [("Cookie", "a=" + "b" * (9 << 10))])):
        cases.append(Case(g, "%s (431)" % name, params={"limit": "1"}, headers=hdrs,
                          expect=431))
    cases.append(Case(g, "query string of 9 KiB (431)", params={"agent": "x" * (9 << 10)},
                      expect=(431, 414)))
    cases.append(Case(g, "statement nested 65 deep in an extension", "POST",
                      body=json.dumps(mutate(BASE, ("result.extensions", {
                          "http://example.com/deep": 1}))).replace("1}", "[" * 65 + "]" * 65 +
                                                                  "}", 1),
                      content_type="application/json"))
    cases.append(Case(g, "state document nested 600 deep", "PUT", "activities/state",
                      params=dict(DOC_STATE, stateId="deep"), body="[" * 600 + "]" * 600,
                      content_type="application/json"))
    cases.append(Case(g, "agent parameter nested 50 deep", params={
        "agent": '{"account":' * 50 + "{}" + "}" * 50}, where="agent"))
    cases.append(Case(g, "1000 unknown query parameters", query="&".join(
        "p%d=1" % i for i in range(1000)), where="p0"))
    return cases


def slow_cases(t):
    g = "slow"
    ht = HEADER_TIMEOUT_MS / 1000.0
    bt = BODY_TIMEOUT_MS / 1000.0
    auth = t.auths["main"].encode()
    post = (b"POST /xapi/statements HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
            b"\r\nX-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\n")
    line = b"GET /xapi/about HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200 + b"\r\n"
    cases = [
        RawCase(g, "slowloris: headers one byte every 50 ms (408)", [bytes([b]) for b in line],
                expect=408, may_close=True, gap=0.05, timeout=ht + 3, max_elapsed=ht + 2.5,
                stop_early=True),
        RawCase(g, "slowloris: one header line every 300 ms (408)",
                [REQ] + [b"X-L%d: v\r\n" % i for i in range(30)], expect=408, may_close=True,
                gap=0.3, timeout=ht + 3, max_elapsed=ht + 2.5, stop_early=True),
        RawCase(g, "request line cut short, then silence (408)", [b"GET /xapi/statem"],
                expect=408, may_close=True, timeout=ht + 3, max_elapsed=ht + 2.5),
        RawCase(g, "connection opened, nothing sent (closed)", [b""], expect=408,
                may_close=True, timeout=ht + 3, max_elapsed=ht + 2.5),
        RawCase(g, "only empty lines, then silence", [b"\r\n\r\n"], expect=(400, 408),
                may_close=True, timeout=ht + 3, max_elapsed=ht + 2.5),
        RawCase(g, "body declared, never sent (408)", [post + b"Content-Length: 500\r\n\r\n"],
                expect=408, may_close=True, timeout=bt + 3, max_elapsed=bt + 2.5),
        RawCase(g, "body one byte every 100 ms (408)",
                [post + b"Content-Length: 500\r\n\r\n"] + [b" "] * 100, expect=408,
                may_close=True, gap=0.1, timeout=bt + 3, max_elapsed=bt + 2.5, stop_early=True),
        RawCase(g, "chunked body, chunk header then silence (408)",
                [post + b"Transfer-Encoding: chunked\r\n\r\n100\r\nabc"], expect=408,
                may_close=True, timeout=bt + 3, max_elapsed=bt + 2.5),
        RawCase(g, "Expect 100-continue, body never sent (408)",
                [post + b"Expect: 100-continue\r\nContent-Length: 100\r\n\r\n"], expect=408,
                may_close=True, timeout=bt + 3, max_elapsed=bt + 2.5),
        RawCase(g, "second request on a kept-alive connection cut short (404, 408)",
                [b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\nGET /xapi/ab"], expect=(404, 408),
                may_close=True, want=2, timeout=ht + 3, max_elapsed=ht + 2.5),
    ]
    return cases


if __name__ == "__main__":
    main()
