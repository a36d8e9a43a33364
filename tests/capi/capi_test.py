# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""The C API (include/lrs/lrs.h) driven end to end through Python ctypes, the
way a Swift, Kotlin (JNI) or Dart FFI binding would drive it.

    python3 tests/capi/capi_test.py --lib BUILD/liblrs.so --bin-dir BUILD [--lrs BUILD/lrs]

Standard library only. Every function of the header is declared here with its
argtypes and restype, from scalars and pointers alone: no struct passed by
value, no varargs, no C++ type. Outputs are read as (char*, size_t) and
released with lrs_free, never with free(). The test asserts the header's
contract; where the header is silent it follows the xAPI specification
(xAPI-Communication.md / xAPI-Data.md, cited per case) and the behaviour
documented in include/lrs/store.h and docs/sync.md.

Every server the test starts (an upstream `lrs serve` for sync, the store's
local endpoint) binds 127.0.0.1 on a free port and is stopped at the end,
also when a case fails.
"""

import base64
import ctypes
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
HEADER = os.path.join(ROOT, "include", "lrs", "lrs.h")
sys.path.insert(0, os.path.join(ROOT, "conformance"))
import lrs_harness  # noqa: E402  (Daemon: an upstream `lrs serve`; Client: HTTP)

LIB_PATH = None
LRS_BINARY = None
lib = None  # the loaded library (ctypes.CDLL), set in main()

VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VERB_EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"

# ---- The header, parsed ----------------------------------------------------

with open(HEADER, encoding="utf-8") as f:
    HEADER_TEXT = f.read()


def header_define(name):
    m = re.search(r"^#define\s+%s\s+(.+?)\s*(?:/\*.*)?$" % re.escape(name), HEADER_TEXT, re.M)
    if m is None:
        raise AssertionError("lrs.h defines no %s" % name)
    return m.group(1)


def header_int(name):
    return int(header_define(name))


# Result codes with the values the header promises never to renumber.
CODE_VALUES = {
    "LRS_OK": 0, "LRS_INVALID_ARGUMENT": 1, "LRS_NOT_FOUND": 2, "LRS_CONFLICT": 3,
    "LRS_PRECONDITION_FAILED": 4, "LRS_PRECONDITION_REQUIRED": 5, "LRS_TOO_LARGE": 6,
    "LRS_NO_SPACE": 7, "LRS_IO_ERROR": 8, "LRS_CORRUPTION": 9, "LRS_NOT_SUPPORTED": 10,
    "LRS_BUSY": 11, "LRS_INTERNAL": 12, "LRS_UNAUTHORIZED": 13, "LRS_FORBIDDEN": 14,
    "LRS_MISUSE": 21, "LRS_NO_MEMORY": 22, "LRS_ABORTED": 23,
}
C = {name[4:]: header_int(name) for name in CODE_VALUES}  # C["OK"], C["BUSY"], ...
OK = C["OK"]
LRS_NTS = ctypes.c_size_t(-1).value  # ((size_t)-1)
assert header_define("LRS_NTS") == "((size_t)-1)"
LOG_INFO, LOG_WARNING, LOG_ERROR = (header_int("LRS_LOG_INFO"), header_int("LRS_LOG_WARNING"),
                                    header_int("LRS_LOG_ERROR"))


def header_functions():
    """[(return type, name, [parameter declarations])] of every LRS_API function."""
    text = re.sub(r"/\*.*?\*/", " ", HEADER_TEXT, flags=re.S)
    out = []
    for m in re.finditer(r"LRS_API\s+([^;(]*?)\b(lrs_\w+)\s*\(([^)]*)\)\s*;", text):
        params = [" ".join(p.split()) for p in m.group(3).split(",")]
        out.append((" ".join(m.group(1).split()), m.group(2), params))
    return out


# ---- ctypes declarations -----------------------------------------------------


class _Store(ctypes.Structure):
    pass


class _Sync(ctypes.Structure):
    pass


class _Server(ctypes.Structure):
    pass


STORE_P = ctypes.POINTER(_Store)
SYNC_P = ctypes.POINTER(_Sync)
SERVER_P = ctypes.POINTER(_Server)
c_char_p, c_void_p, c_size_t = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t
c_int = ctypes.c_int
OUT = ctypes.POINTER(c_void_p)        # char** / void** (kept raw so lrs_free gets it back)
OUT_LEN = ctypes.POINTER(c_size_t)    # size_t*
WRITE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)    # lrs_write_fn
LOG_FN = ctypes.CFUNCTYPE(None, c_void_p, c_int, c_char_p)          # lrs_log_fn

# name: (restype, argtypes). One entry per function of lrs.h (checked below).
PROTOTYPES = {
    "lrs_version": (c_char_p, []),
    "lrs_version_number": (c_int, []),
    "lrs_build_info": (c_char_p, []),
    "lrs_errmsg": (c_char_p, []),
    "lrs_errstr": (c_char_p, [c_int]),
    "lrs_free": (None, [c_void_p]),
    "lrs_open": (c_int, [c_char_p, c_char_p, c_size_t, ctypes.POINTER(STORE_P)]),
    "lrs_close": (None, [STORE_P]),
    "lrs_stats": (c_int, [STORE_P, OUT, OUT_LEN]),
    "lrs_statements_put": (c_int, [STORE_P, c_char_p, c_size_t, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_statement_get": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_statements_query": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_statements_more": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_statement_void": (c_int, [STORE_P, c_char_p, c_size_t, c_char_p, c_size_t, c_char_p,
                                   c_size_t, OUT, OUT_LEN]),
    "lrs_document_put": (c_int, [STORE_P, c_char_p, c_size_t, c_void_p, c_size_t, c_char_p, OUT,
                                 OUT_LEN]),
    "lrs_document_post": (c_int, [STORE_P, c_char_p, c_size_t, c_void_p, c_size_t, c_char_p, OUT,
                                  OUT_LEN]),
    "lrs_document_get": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN, OUT]),
    "lrs_document_delete": (c_int, [STORE_P, c_char_p, c_size_t]),
    "lrs_document_list": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_person_get": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_activity_get": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_erase_agent": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_purge": (c_int, [STORE_P, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_report": (c_int, [STORE_P, c_char_p, c_char_p, c_size_t, OUT, OUT_LEN]),
    "lrs_export": (c_int, [STORE_P, c_char_p, c_size_t, WRITE_FN, c_void_p, OUT, OUT_LEN]),
    "lrs_sync_open": (c_int, [STORE_P, c_char_p, c_size_t, LOG_FN, c_void_p,
                              ctypes.POINTER(SYNC_P)]),
    "lrs_sync_close": (None, [SYNC_P]),
    "lrs_sync_validate": (c_int, [c_char_p, c_size_t]),
    "lrs_sync_pause": (c_int, [SYNC_P]),
    "lrs_sync_resume": (c_int, [SYNC_P]),
    "lrs_sync_now": (c_int, [SYNC_P]),
    "lrs_sync_wait_idle": (c_int, [SYNC_P, ctypes.c_int64]),
    "lrs_sync_status": (c_int, [SYNC_P, OUT, OUT_LEN]),
    "lrs_sync_dlq_list": (c_int, [SYNC_P, c_char_p, ctypes.c_uint64, c_size_t, OUT, OUT_LEN]),
    "lrs_sync_dlq_replay": (c_int, [SYNC_P, c_char_p, ctypes.c_uint64, OUT_LEN]),
    "lrs_sync_dlq_drop": (c_int, [SYNC_P, c_char_p, ctypes.c_uint64, OUT_LEN]),
    "lrs_sync_enable": (c_int, [SYNC_P, c_char_p]),
    "lrs_server_start": (c_int, [STORE_P, c_char_p, c_size_t, ctypes.POINTER(SERVER_P)]),
    "lrs_server_info": (c_int, [SERVER_P, OUT, OUT_LEN]),
    "lrs_server_stop": (None, [SERVER_P]),
}


def load(path):
    l = ctypes.CDLL(path)  # CDLL: the GIL is released during every call
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(l, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return l


# ---- Helpers -------------------------------------------------------------------

SENTINEL = 0x5EED  # an output pointer the library must overwrite (never freed by us)


def enc(x):
    """Text or JSON-able value as UTF-8 bytes; None stays None (NULL)."""
    if x is None or isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode("utf-8")
    return json.dumps(x).encode("utf-8")


def errmsg():
    return lib.lrs_errmsg().decode("utf-8", "replace")


class Out:
    """One (char** out, size_t* out_len) pair; take() reads it and lrs_frees it."""

    def __init__(self):
        self.p = c_void_p(SENTINEL)
        self.n = c_size_t(12345)

    def args(self):
        return ctypes.byref(self.p), ctypes.byref(self.n)

    def take(self, rc):
        """(bytes or None). On failure the header wants NULL / 0."""
        if rc != OK:
            if self.p.value is not None or self.n.value != 0:
                raise AssertionError("rc %d but outputs not set to NULL/0 (p=%r n=%d)"
                                     % (rc, self.p.value, self.n.value))
            return None
        if self.p.value in (None, SENTINEL):
            raise AssertionError("rc OK but no output (p=%r)" % self.p.value)
        data = ctypes.string_at(self.p.value, self.n.value)
        nul = ctypes.string_at(self.p.value + self.n.value, 1)
        lib.lrs_free(self.p)
        self.p = c_void_p()
        if nul != b"\0":
            raise AssertionError("output not NUL-terminated after %d bytes" % len(data))
        return data


class Result:
    def __init__(self, rc, data, msg):
        self.rc = rc
        self.data = data   # bytes or None
        self.msg = msg     # lrs_errmsg() right after the call

    @property
    def text(self):
        return None if self.data is None else self.data.decode("utf-8")

    def json(self):
        return json.loads(self.text)

    def __repr__(self):
        return "<rc=%d (%s) msg=%r data=%r>" % (self.rc, lib.lrs_errstr(self.rc).decode(),
                                                 self.msg, (self.data or b"")[:300])


def call(fn, *args):
    """Calls fn(*args, &out, &out_len) and returns a Result."""
    o = Out()
    rc = fn(*args, *o.args())
    msg = errmsg()
    return Result(rc, o.take(rc), msg)


def nts(x):
    """(bytes, LRS_NTS) for a NUL-terminated input."""
    return enc(x), LRS_NTS


def sized(x):
    b = enc(x)
    return b, (0 if b is None else len(b))


def iso_ms(s):
    """Epoch milliseconds of an ISO 8601 timestamp."""
    d = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return int(round(d.timestamp() * 1000))


def agent(name):
    return {"objectType": "Agent", "name": name.capitalize(),
            "mbox": "mailto:%s@example.com" % name}


def ifi(name):
    return {"mbox": "mailto:%s@example.com" % name}


def statement(who="ana", verb=VERB_COMPLETED, activity="http://example.com/activities/m1", **extra):
    s = {"actor": agent(who),
         "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
         "object": {"objectType": "Activity", "id": activity}}
    s.update(extra)
    return s


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_info():
    return json.loads(lib.lrs_build_info().decode("utf-8"))


class StoreCase(unittest.TestCase):
    """A fresh store per case (its own temp directory), closed at the end."""

    open_options = None  # None: the defaults (durable)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="lrs-capi-")
        self.addCleanup(self.tmp.cleanup)
        self.dir = os.path.join(self.tmp.name, "store")
        self.db = self.open_store(self.dir, self.open_options)

    def open_store(self, path, options=None, length=None):
        h = ctypes.cast(c_void_p(SENTINEL), STORE_P)
        b = enc(options)
        n = length if length is not None else (0 if b is None else len(b))
        rc = lib.lrs_open(path.encode(), b, n, ctypes.byref(h))
        self.assertEqual(rc, OK, errmsg())
        self.assertTrue(h)
        self.assertEqual(errmsg(), "")
        closed = [False]

        def close():
            if not closed[0]:
                closed[0] = True
                lib.lrs_close(h)
        self.addCleanup(close)
        self._closers = getattr(self, "_closers", {})
        self._closers[ctypes.addressof(h.contents)] = close
        return h

    def close_store(self, h):
        self._closers[ctypes.addressof(h.contents)]()

    # -- calls ---------------------------------------------------------------
    def put(self, body, params=None, db=None):
        return call(lib.lrs_statements_put, db or self.db, *nts(params), *sized(body))

    def put_ok(self, body, params=None, db=None):
        r = self.put(body, params, db)
        self.assertEqual(r.rc, OK, r)
        return r.json()

    def get(self, params, db=None):
        return call(lib.lrs_statement_get, db or self.db, *nts(params))

    def query(self, params, db=None):
        return call(lib.lrs_statements_query, db or self.db, *nts(params))

    def query_all(self, params, db=None):
        """Every statement of a query, following "more" to the end."""
        r = self.query(params, db)
        self.assertEqual(r.rc, OK, r)
        page = r.json()
        out = list(page["statements"])
        guard = 0
        while page["more"]:
            guard += 1
            self.assertLess(guard, 1000)
            r = call(lib.lrs_statements_more, db or self.db, *sized(page["more"]))
            self.assertEqual(r.rc, OK, r)
            page = r.json()
            out += page["statements"]
        return out

    def void(self, target, actor, params=None):
        return call(lib.lrs_statement_void, self.db, *nts(params), *nts(target), *nts(actor))

    def doc_put(self, params, content, ctype="application/json", post=False):
        fn = lib.lrs_document_post if post else lib.lrs_document_put
        return call(fn, self.db, *nts(params), *sized(content), enc(ctype))

    def doc_get(self, params, want_meta=True):
        content, n, meta = c_void_p(SENTINEL), c_size_t(777), c_void_p(SENTINEL)
        rc = lib.lrs_document_get(self.db, *nts(params), ctypes.byref(content), ctypes.byref(n),
                                  ctypes.byref(meta) if want_meta else None)
        msg = errmsg()
        if rc != OK:
            self.assertIsNone(content.value, "content not NULL on failure")
            self.assertEqual(n.value, 0)
            if want_meta:
                self.assertIsNone(meta.value, "meta not NULL on failure")
            return rc, None, None, msg
        self.assertNotIn(content.value, (None, SENTINEL))
        data = ctypes.string_at(content.value, n.value)
        self.assertEqual(ctypes.string_at(content.value + n.value, 1), b"\0",
                         "document content not NUL-terminated")
        lib.lrs_free(content)
        m = None
        if want_meta:
            self.assertNotIn(meta.value, (None, SENTINEL))
            m = json.loads(ctypes.string_at(meta.value).decode("utf-8"))
            lib.lrs_free(meta)
        return rc, data, m, msg

    def doc_list(self, params):
        return call(lib.lrs_document_list, self.db, *nts(params))

    def doc_delete(self, params):
        return lib.lrs_document_delete(self.db, *nts(params))

    def stats(self, db=None):
        r = call(lib.lrs_stats, db or self.db)
        self.assertEqual(r.rc, OK, r)
        return r.json()

    def export(self, params=None, stop_after_calls=None, db=None):
        """(rc, bytes written, summary JSON or None, calls)."""
        chunks, calls = [], [0]

        def write(ctx, data, n):
            try:
                calls[0] += 1
                chunks.append(ctypes.string_at(data, n) if n else b"")
                if stop_after_calls is not None and calls[0] >= stop_after_calls:
                    return 1
                return 0
            except BaseException:  # never let an exception unwind into C
                return 1

        ctxs = set()
        write_checked = lambda c, d, n: (ctxs.add(c), write(c, d, n))[1]  # noqa: E731
        cb = WRITE_FN(write_checked)
        o = Out()
        rc = lib.lrs_export(db or self.db, *nts(params), cb, c_void_p(0xC0FFEE), *o.args())
        data = o.take(rc)
        if calls[0]:
            self.assertEqual(ctxs, {0xC0FFEE}, "ctx not handed back to the callback as given")
        return rc, b"".join(chunks), (json.loads(data) if data else None), calls[0]

    def assertFails(self, r, code, *words):
        """r failed with `code` and an error message naming each of `words`."""
        self.assertEqual(r.rc, code, r)
        self.assertIsNone(r.data)
        for w in words:
            self.assertIn(w, r.msg, r)


def ndjson_ids(data):
    if not data:
        return []
    assert data.endswith(b"\n"), data[-100:]
    return [json.loads(line)["id"] for line in data.decode("utf-8").split("\n")[:-1]]


# ===================================================================================
# The header itself: binding-friendly
# ===================================================================================


class T01_Ffi(unittest.TestCase):
    def test_every_header_function_is_declared_and_exported(self):
        """Each LRS_API function is declared here (argtypes/restype) and exported."""
        names = {n for _, n, _ in header_functions()}
        self.assertEqual(names, set(PROTOTYPES), "ctypes declarations differ from lrs.h")
        for n in names:
            self.assertTrue(hasattr(lib, n), n)

    def test_signatures_are_ffi_friendly(self):
        """No varargs, no struct by value, no C++ type: scalars, pointers and callbacks."""
        scalar = {"int", "size_t", "int64_t", "uint64_t", "void"}
        callbacks = {"lrs_write_fn", "lrs_log_fn"}
        for ret, name, params in header_functions():
            self.assertIn(ret, {"int", "void", "const char*"}, (name, ret))
            for p in params:
                self.assertNotIn("...", p, name)
                self.assertNotIn("&", p, name)
                self.assertNotIn("::", p, name)
                self.assertNotIn("struct", p, name)
                if "*" in p:
                    continue
                t = p.rsplit(" ", 1)[0] if " " in p else p
                self.assertTrue(t in scalar or t in callbacks, "%s: parameter %r" % (name, p))
        self.assertNotIn("std::", re.sub(r"/\*.*?\*/", "", HEADER_TEXT, flags=re.S))

    def test_callback_typedefs_match_the_ctypes_prototypes(self):
        """WRITE_FN and LOG_FN are the header's lrs_write_fn and lrs_log_fn."""
        typedefs = dict((m.group(2), (m.group(1).strip(), " ".join(m.group(3).split())))
                        for m in re.finditer(r"typedef\s+(\w+)\s*\(\*(\w+)\)\s*\(([^)]*)\)",
                                             HEADER_TEXT))
        self.assertEqual(typedefs["lrs_write_fn"],
                         ("int", "void* ctx, const char* data, size_t len"))
        self.assertEqual(typedefs["lrs_log_fn"],
                         ("void", "void* ctx, int level, const char* message"))
        self.assertEqual(WRITE_FN._restype_, c_int)
        self.assertEqual(WRITE_FN._argtypes_, (c_void_p, c_void_p, c_size_t))
        self.assertEqual(LOG_FN._restype_, None)
        self.assertEqual(LOG_FN._argtypes_, (c_void_p, c_int, c_char_p))


# ===================================================================================
# Version
# ===================================================================================


class T02_Version(unittest.TestCase):
    def test_version_string_matches_header(self):
        want = header_define("LRS_VERSION_STRING").strip('"')
        self.assertEqual(lib.lrs_version().decode(), want)
        self.assertEqual(want, "%d.%d.%d" % (header_int("LRS_VERSION_MAJOR"),
                                             header_int("LRS_VERSION_MINOR"),
                                             header_int("LRS_VERSION_PATCH")))

    def test_version_number_matches_header(self):
        want = (header_int("LRS_VERSION_MAJOR") * 1000000 + header_int("LRS_VERSION_MINOR") * 1000
                + header_int("LRS_VERSION_PATCH"))
        self.assertEqual(lib.lrs_version_number(), want)

    def test_build_info_is_json(self):
        info = build_info()
        self.assertEqual(info["version"], lib.lrs_version().decode())
        self.assertIn("1.0.3", info["xapi"])
        self.assertIn("2.0.0", info["xapi"])
        self.assertIsInstance(info["sync"], bool)
        self.assertIsInstance(info["http"], bool)
        self.assertEqual(build_info(), info)  # static: stable across calls


# ===================================================================================
# Errors and conventions
# ===================================================================================


class T03_Errors(StoreCase):
    def test_errstr_for_every_code(self):
        # The header: "InvalidArgument", "NotFound", ...; 1..14 are lrs::Status
        # codes and carry their names (include/lrs/status.h).
        status_names = {1: "InvalidArgument", 2: "NotFound", 3: "Conflict",
                        4: "PreconditionFailed", 5: "PreconditionRequired", 6: "TooLarge",
                        7: "NoSpace", 8: "IOError", 9: "Corruption", 10: "NotSupported",
                        11: "Busy", 12: "Internal", 13: "Unauthorized", 14: "Forbidden"}
        for name, value in CODE_VALUES.items():
            self.assertEqual(C[name[4:]], value, "%s renumbered" % name)
        seen = {}
        for name, value in CODE_VALUES.items():
            s = lib.lrs_errstr(value)
            self.assertTrue(s, name)
            s = s.decode()
            self.assertRegex(s, r"^[A-Za-z][A-Za-z0-9]*$", name)
            self.assertNotIn(s, seen, "%s and %s share %r" % (name, seen.get(s), s))
            seen[s] = name
            if value in status_names:
                self.assertEqual(s, status_names[value], name)
        self.assertIn("misuse", lib.lrs_errstr(C["MISUSE"]).decode().lower())
        self.assertIn("memory", lib.lrs_errstr(C["NO_MEMORY"]).decode().lower())
        self.assertIn("abort", lib.lrs_errstr(C["ABORTED"]).decode().lower())
        for unknown in (-1, 15, 20, 24, 9999):
            s = lib.lrs_errstr(unknown)
            self.assertTrue(s)  # static text, never NULL
            self.assertNotIn(s.decode(), seen)

    def test_failing_call_names_the_field(self):
        """Data 2.4.2.3: mbox is a mailto IRI; the message names the field."""
        s = statement()
        s["actor"]["mbox"] = "ana@example.com"
        r = self.put(s)
        self.assertFails(r, C["INVALID_ARGUMENT"], "mbox")
        self.assertEqual(self.stats()["statements"], 0)  # nothing written

    def test_errmsg_is_empty_after_success(self):
        r = self.put({"actor": 1})
        self.assertEqual(r.rc, C["INVALID_ARGUMENT"], r)
        self.assertNotEqual(r.msg, "")
        r = self.put(statement())
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(r.msg, "")
        self.assertEqual(errmsg(), "")  # and it stays so

    def test_null_handle_is_misuse(self):
        m = C["MISUSE"]
        cases = {
            "lrs_stats": lambda: call(lib.lrs_stats, None),
            "lrs_statements_put": lambda: call(lib.lrs_statements_put, None, None, 0,
                                               *nts(statement())),
            "lrs_statement_get": lambda: call(lib.lrs_statement_get, None,
                                              *nts({"statementId": str(uuid.uuid4())})),
            "lrs_statements_query": lambda: call(lib.lrs_statements_query, None, None, 0),
            "lrs_statements_more": lambda: call(lib.lrs_statements_more, None, *nts("x")),
            "lrs_statement_void": lambda: call(lib.lrs_statement_void, None, None, 0,
                                               *nts(str(uuid.uuid4())), *nts(ifi("ana"))),
            "lrs_document_put": lambda: call(lib.lrs_document_put, None, *nts(STATE), b"x", 1,
                                             None),
            "lrs_document_post": lambda: call(lib.lrs_document_post, None, *nts(STATE), b"{}",
                                              2, None),
            "lrs_document_list": lambda: call(lib.lrs_document_list, None, *nts(STATE_SET)),
            "lrs_person_get": lambda: call(lib.lrs_person_get, None, *nts(ifi("ana"))),
            "lrs_activity_get": lambda: call(lib.lrs_activity_get, None, *nts("http://x.com/a")),
            "lrs_erase_agent": lambda: call(lib.lrs_erase_agent, None, *nts(ifi("ana"))),
            "lrs_purge": lambda: call(lib.lrs_purge, None, *nts({"before": "2000-01-01"})),
            "lrs_report": lambda: call(lib.lrs_report, None, b"statements", *nts({"by": "day"})),
            "lrs_sync_status": lambda: call(lib.lrs_sync_status, None),
            "lrs_sync_dlq_list": lambda: call(lib.lrs_sync_dlq_list, None, b"central", 0, 0),
            "lrs_server_info": lambda: call(lib.lrs_server_info, None),
        }
        for name, f in cases.items():
            r = f()
            self.assertEqual(r.rc, m, "%s: %r" % (name, r))
            self.assertTrue(r.msg, name)
        scalar = {
            "lrs_document_delete": lambda: lib.lrs_document_delete(None, *nts(STATE)),
            "lrs_sync_pause": lambda: lib.lrs_sync_pause(None),
            "lrs_sync_resume": lambda: lib.lrs_sync_resume(None),
            "lrs_sync_now": lambda: lib.lrs_sync_now(None),
            "lrs_sync_wait_idle": lambda: lib.lrs_sync_wait_idle(None, 10),
            "lrs_sync_dlq_replay": lambda: lib.lrs_sync_dlq_replay(None, b"central", 0, None),
            "lrs_sync_dlq_drop": lambda: lib.lrs_sync_dlq_drop(None, b"central", 0, None),
            "lrs_sync_enable": lambda: lib.lrs_sync_enable(None, b"central"),
            "lrs_sync_open": lambda: lib.lrs_sync_open(None, *nts({"destinations": []}),
                                                       LOG_FN(), None, ctypes.byref(SYNC_P())),
            "lrs_server_start": lambda: lib.lrs_server_start(None, None, 0,
                                                             ctypes.byref(SERVER_P())),
        }
        for name, f in scalar.items():
            self.assertEqual(f(), m, "%s: %s" % (name, errmsg()))
            self.assertTrue(errmsg(), name)
        # export: NULL store, and a NULL callback on a good store.
        self.assertEqual(lib.lrs_export(None, None, 0, WRITE_FN(lambda c, d, n: 0), None, None,
                                        None), m)
        self.assertEqual(lib.lrs_export(self.db, None, 0, WRITE_FN(), None, None, None), m)
        # NULL output pointers ("NULL handle or output").
        self.assertEqual(lib.lrs_open(os.path.join(self.tmp.name, "x").encode(), None, 0, None),
                         m)
        self.assertEqual(lib.lrs_stats(self.db, None, None), m)
        self.assertEqual(lib.lrs_statements_query(self.db, None, 0, None, None), m)
        self.assertEqual(lib.lrs_statements_put(self.db, None, 0, *nts(statement()), None, None), m)
        self.assertEqual(self.stats()["statements"], 0)

    def test_destructors_and_free_accept_null(self):
        lib.lrs_close(None)
        lib.lrs_free(None)
        lib.lrs_sync_close(None)
        lib.lrs_server_stop(None)
        self.assertEqual(self.stats()["statements"], 0)  # still alive

    def test_nts_and_explicit_lengths(self):
        """LRS_NTS means NUL-terminated; otherwise exactly `len` bytes are read."""
        s1, s2, s3 = statement(), statement(who="bo"), statement(who="cy")
        r = call(lib.lrs_statements_put, self.db, None, 0, *nts(s1))
        self.assertEqual(r.rc, OK, r)
        r = call(lib.lrs_statements_put, self.db, None, 0, *sized(s2))
        self.assertEqual(r.rc, OK, r)
        # JSON followed by bytes that are not part of it: the length ends it.
        body = enc(s3) + b"}{garbage \xff\xfe"
        r = call(lib.lrs_statements_put, self.db, None, 0, body, len(enc(s3)))
        self.assertEqual(r.rc, OK, r)
        # The same for a parameter object, and for a statementId.
        sid = str(uuid.uuid4())
        params = enc({"statementId": sid})
        r = call(lib.lrs_statements_put, self.db, params + b"garbage", len(params), *nts(s1))
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(r.json(), [sid])
        r = call(lib.lrs_statement_get, self.db, params + b",{", len(params))
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(r.json()["id"], sid)
        # An empty (0-length) or NULL parameter object means {}.
        r = call(lib.lrs_statements_query, self.db, b"{\"limit\":1}", 0)
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(len(r.json()["statements"]), 4)
        r = call(lib.lrs_statements_query, self.db, None, 0)
        self.assertEqual(len(r.json()["statements"]), 4)
        # A length shorter than the JSON makes it invalid.
        r = call(lib.lrs_statements_put, self.db, None, 0, enc(s1), len(enc(s1)) - 1)
        self.assertEqual(r.rc, C["INVALID_ARGUMENT"], r)
        # Output lengths exclude the NUL and count bytes (UTF-8), not characters.
        s = statement(who="eve")
        s["verb"]["display"] = {"fr-CA": "terminé ✓"}
        ids = self.put_ok(s)
        r = self.get({"statementId": ids[0]})
        self.assertEqual(len(r.data), len(r.text.encode("utf-8")))
        self.assertEqual(r.json()["verb"]["display"]["fr-CA"], "terminé ✓")

    def test_invalid_utf8_and_invalid_json(self):
        """Communication 1.4: text is UTF-8; anything else is refused."""
        bad_utf8 = enc(statement()).replace(b"completed", b"compl\xff\xfeted", 1)
        self.assertFails(self.put(bad_utf8), C["INVALID_ARGUMENT"])
        self.assertFails(self.put(b'{"actor": '), C["INVALID_ARGUMENT"])
        self.assertFails(self.put(b""), C["INVALID_ARGUMENT"])
        # Parameter objects too.
        self.assertFails(self.put(statement(), params=b'{"version":'), C["INVALID_ARGUMENT"])
        self.assertFails(self.query(b'{"verb":"http://x.com/\xff"}'), C["INVALID_ARGUMENT"])
        self.assertFails(self.query(b"[]"), C["INVALID_ARGUMENT"])
        r = call(lib.lrs_person_get, self.db, *nts(b'{"mbox":'))
        self.assertFails(r, C["INVALID_ARGUMENT"])
        self.assertEqual(self.stats()["statements"], 0)

    def test_open_same_directory_twice_is_busy(self):
        h = ctypes.cast(c_void_p(SENTINEL), STORE_P)
        rc = lib.lrs_open(self.dir.encode(), None, 0, ctypes.byref(h))
        self.assertEqual(rc, C["BUSY"], errmsg())
        self.assertFalse(h, "out not NULL on failure")
        self.assertTrue(errmsg())
        # The first handle is unharmed; after closing it the directory opens
        # again with the data kept.
        ids = self.put_ok(statement())
        self.close_store(self.db)
        db = self.open_store(self.dir)
        r = self.get({"statementId": ids[0]}, db=db)
        self.assertEqual(r.rc, OK, r)

    def test_open_missing_without_create(self):
        """"create_if_missing": true creates the directory and an empty store; with
        false neither is created: a missing directory, or an existing directory
        that holds no store, is an error and nothing is written there."""
        for name, make_dir in (("absent", False), ("empty-dir", True)):
            path = os.path.join(self.tmp.name, name)
            if make_dir:
                os.mkdir(path)
            h = ctypes.cast(c_void_p(SENTINEL), STORE_P)
            rc = lib.lrs_open(path.encode(), *nts({"create_if_missing": False}), ctypes.byref(h))
            if rc == OK and h:
                lib.lrs_close(h)
            self.assertNotEqual(rc, OK, "%s: a store was opened (created)" % name)
            self.assertFalse(h)
            self.assertTrue(errmsg())
            self.assertEqual(os.listdir(path) if make_dir else [], [], name)
            self.assertEqual(os.path.exists(path), make_dir, name)

    def test_open_held_by_another_process_is_busy(self):
        """LRS_BUSY "when another process (or handle) has the directory open"."""
        path = os.path.join(self.tmp.name, "shared")
        child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--lib", LIB_PATH,
                                  "--child", "hold-store", path],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(child.stdout.readline().strip(), "ready")
            h = ctypes.cast(c_void_p(SENTINEL), STORE_P)
            rc = lib.lrs_open(path.encode(), None, 0, ctypes.byref(h))
            if rc == OK and h:
                lib.lrs_close(h)
            self.assertEqual(rc, C["BUSY"], errmsg())
            self.assertFalse(h)
        finally:
            child.stdin.close()
            child.wait(20)
        self.assertEqual(child.returncode, 0)
        self.open_store(path)  # released with the process

    def test_open_options(self):
        """lrs_open's documented options; an explicit length ends the object."""
        path = os.path.join(self.tmp.name, "opts")
        opts = {"create_if_missing": True, "initial_map_size": 1 << 21, "max_map_size": 0,
                "sync": False, "index_buffer_statements": 1024, "max_readers": 64}
        text = enc(opts)
        db = self.open_store(path, text + b"}{trailing", len(text))
        self.assertEqual(len(self.put_ok(statement(), db=db)), 1)
        self.assertEqual(self.stats(db)["statements"], 1)

    def test_open_invalid_options(self):
        h = ctypes.cast(c_void_p(SENTINEL), STORE_P)
        rc = lib.lrs_open(os.path.join(self.tmp.name, "o").encode(), *nts(b"{not json"),
                          ctypes.byref(h))
        self.assertEqual(rc, C["INVALID_ARGUMENT"])
        self.assertFalse(h)
        rc = lib.lrs_open(os.path.join(self.tmp.name, "o2").encode(),
                          *nts({"initial_map_size": "big"}), ctypes.byref(h))
        self.assertEqual(rc, C["INVALID_ARGUMENT"])
        self.assertIn("initial_map_size", errmsg())
        self.assertFalse(h)


class T03b_Limits(StoreCase):
    open_options = {"sync": False}

    def test_too_large(self):
        """LRS_TOO_LARGE: "a size or depth limit was exceeded" (header)."""
        doc = b"x" * ((16 << 20) + 1)   # Options::max_document_bytes is 16 MiB
        r = self.doc_put(STATE, doc, "text/plain")
        self.assertFails(r, C["TOO_LARGE"])
        self.assertEqual(self.doc_get(STATE)[0], C["NOT_FOUND"])
        big = [statement(who="b%d" % i) for i in range(10001)]  # max_statements_per_batch
        self.assertFails(self.put(big), C["TOO_LARGE"], "10000")
        self.assertEqual(self.stats()["statements"], 0)

    def test_json_depth_limit_is_invalid_argument(self):
        """JSON nested deeper than Options::max_json_depth (64) is refused as
        LRS_INVALID_ARGUMENT, as the header says (the HTTP API answers 400)."""
        deep = enc(statement())[:-1] + b',"result":{"extensions":{"http://example.com/x":' + \
            b"[" * 100 + b"]" * 100 + b"}}}"
        r = self.put(deep)
        self.assertFails(r, C["INVALID_ARGUMENT"], "nesting")
        self.assertEqual(self.stats()["statements"], 0)

    def test_no_space_writes_nothing(self):
        """LRS_NO_SPACE: "disk or map full; nothing was written" (header)."""
        path = os.path.join(self.tmp.name, "small")
        db = self.open_store(path, {"initial_map_size": 1 << 20, "max_map_size": 2 << 20,
                                    "sync": False})
        stored, failed = 0, None
        for i in range(200):
            batch = [statement(who="n%d" % j, result={"response": os.urandom(1500).hex()})
                     for j in range(40)]
            r = self.put(batch, db=db)
            if r.rc != OK:
                failed = r
                break
            stored += len(batch)
        self.assertIsNotNone(failed, "a 2 MiB store never filled up")
        self.assertFails(failed, C["NO_SPACE"])
        self.assertEqual(self.stats(db)["statements"], stored)   # the failed batch: nothing
        self.assertGreater(stored, 0)
        r = self.query({"limit": 5}, db=db)                       # still readable
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(len(r.json()["statements"]), 5)


STATE = {"resource": "state", "activityId": "http://example.com/activities/m1",
         "agent": ifi("ana"), "stateId": "bookmark"}
STATE_SET = {k: v for k, v in STATE.items() if k != "stateId"}


# ===================================================================================
# Statements (Communication 2.1)
# ===================================================================================


class T04_Statements(StoreCase):
    def test_put_one(self):
        """Communication 2.1.2: the LRS assigns an id (Data 2.4.1) and stored (2.4.8)."""
        ids = self.put_ok(statement())
        self.assertEqual(len(ids), 1)
        uuid.UUID(ids[0])
        got = self.get({"statementId": ids[0]}).json()
        self.assertEqual(got["id"], ids[0])
        self.assertEqual(got["actor"]["mbox"], "mailto:ana@example.com")
        iso_ms(got["stored"])

    def test_put_batch_ids_in_order(self):
        """Communication 2.1.2: POST of an array returns the ids in order."""
        given = str(uuid.uuid4())
        batch = [statement(activity="http://example.com/a/%d" % i) for i in range(5)]
        batch[2]["id"] = given
        ids = self.put_ok(batch)
        self.assertEqual(len(ids), 5)
        self.assertEqual(ids[2], given)
        self.assertEqual(len(set(ids)), 5)
        for i, sid in enumerate(ids):
            got = self.get({"statementId": sid}).json()
            self.assertEqual(got["object"]["id"], "http://example.com/a/%d" % i)
        # All or nothing: one bad statement fails the batch.
        bad = [statement(activity="http://example.com/b/1"), {"actor": agent("bo")}]
        r = self.put(bad)
        self.assertEqual(r.rc, C["INVALID_ARGUMENT"], r)
        self.assertEqual(self.stats()["statements"], 5)

    def test_put_with_statement_id_and_conflict(self):
        """Communication 2.1.1: PUT with statementId; same content again is fine,
        different content is a conflict (Data 2.3.1 immutability)."""
        sid = str(uuid.uuid4())
        s = statement()
        self.assertEqual(self.put_ok(s, {"statementId": sid}), [sid])
        self.assertEqual(self.put_ok(s, {"statementId": sid}), [sid])  # equal: OK
        s_id = dict(s, id=sid)
        self.assertEqual(self.put_ok(s_id, {"statementId": sid}), [sid])  # id equal to param
        other = statement(verb=VERB_ATTEMPTED)
        r = self.put(other, {"statementId": sid})
        self.assertFails(r, C["CONFLICT"])
        self.assertTrue(r.msg)
        self.assertEqual(self.get({"statementId": sid}).json()["verb"]["id"], VERB_COMPLETED)
        # A body id different from statementId, or more than one statement.
        r = self.put(dict(s, id=str(uuid.uuid4())), {"statementId": str(uuid.uuid4())})
        self.assertFails(r, C["INVALID_ARGUMENT"])
        r = self.put([s, s], {"statementId": str(uuid.uuid4())})
        self.assertFails(r, C["INVALID_ARGUMENT"])
        # POST of a batch with an id already stored with other content.
        r = self.put([statement(who="bo"), dict(other, id=sid)])
        self.assertFails(r, C["CONFLICT"])
        self.assertEqual(self.stats()["statements"], 1)

    def test_version_rules(self):
        """Communication 3.3 / Data 2.4.6: context.contextAgents exists only in 2.0.0."""
        s = statement(context={"contextAgents": [
            {"objectType": "contextAgent", "agent": ifi("bo"),
             "relevantTypes": ["http://example.com/types/coach"]}]})
        r = self.put(s, {"version": "1.0.3"})
        self.assertFails(r, C["INVALID_ARGUMENT"], "contextAgents")
        ids = self.put_ok(s, {"version": "2.0.0"})
        ids += self.put_ok(dict(s, id=str(uuid.uuid4())))  # default: 2.0.0
        self.assertEqual(len(ids), 2)
        # A statement valid in both versions is accepted under 1.0.3 too.
        self.assertEqual(len(self.put_ok(statement(), {"version": "1.0.3"})), 1)
        # An unknown version.
        self.assertFails(self.put(statement(), {"version": "3.0.0"}), C["INVALID_ARGUMENT"],
                         "version")

    def test_authority_param(self):
        """Data 2.4.9: the authority param replaces any authority of the statement."""
        lms = {"objectType": "Agent", "account": {"homePage": "https://lms.example.com",
                                                  "name": "course-player"}}
        s = statement()
        s["authority"] = {"objectType": "Agent", "mbox": "mailto:someone@example.com"}
        ids = self.put_ok([s, statement(who="bo")], {"authority": lms})
        for sid in ids:
            got = self.get({"statementId": sid}).json()
            self.assertEqual(got["authority"]["account"], lms["account"])
        # Without it the statement keeps its own.
        sid = self.put_ok(s)[0]
        self.assertEqual(self.get({"statementId": sid}).json()["authority"]["mbox"],
                         "mailto:someone@example.com")
        # A bad authority is refused.
        r = self.put(statement(), {"authority": {"mbox": "nobody"}})
        self.assertFails(r, C["INVALID_ARGUMENT"])

    def test_get_formats(self):
        """Communication 2.1.3: format exact / ids / canonical (with languages)."""
        s = statement(activity="http://example.com/activities/fmt")
        s["verb"]["display"] = {"en-US": "completed", "fr-CA": "a terminé"}
        s["object"]["definition"] = {"name": {"en-US": "Module", "fr-CA": "Module FR"},
                                     "type": "http://adlnet.gov/expapi/activities/module"}
        sid = self.put_ok(s)[0]
        exact = self.get({"statementId": sid, "format": "exact"}).json()
        self.assertEqual(exact["actor"]["name"], "Ana")
        self.assertEqual(exact["object"]["definition"]["name"]["fr-CA"], "Module FR")
        ids = self.get({"statementId": sid, "format": "ids"}).json()
        self.assertEqual(ids["id"], sid)
        self.assertNotIn("name", ids["actor"])
        self.assertEqual(ids["actor"]["mbox"], "mailto:ana@example.com")
        self.assertNotIn("display", ids["verb"])
        self.assertNotIn("definition", ids["object"])
        canon = self.get({"statementId": sid, "format": "canonical", "languages": ["fr-CA"]})
        self.assertEqual(canon.rc, OK, canon)
        name = canon.json()["object"]["definition"]["name"]
        self.assertEqual(name, {"fr-CA": "Module FR"})
        self.assertFails(self.get({"statementId": sid, "format": "pretty"}),
                         C["INVALID_ARGUMENT"], "format")

    def test_get_not_found_and_bad_params(self):
        """Communication 2.1.3: statementId and voidedStatementId are exclusive."""
        r = self.get({"statementId": str(uuid.uuid4())})
        self.assertFails(r, C["NOT_FOUND"])
        self.assertTrue(r.msg)
        sid = self.put_ok(statement())[0]
        self.assertFails(self.get({"statementId": sid, "voidedStatementId": sid}),
                         C["INVALID_ARGUMENT"])
        self.assertFails(self.get({}), C["INVALID_ARGUMENT"])
        self.assertFails(self.get(None), C["INVALID_ARGUMENT"])
        # A statement that is not voided is not found by voidedStatementId (2.1.4).
        self.assertFails(self.get({"voidedStatementId": sid}), C["NOT_FOUND"])

    def test_query_filters(self):
        """Communication 2.1.3: agent, verb, activity, registration, related_*, since,
        until, ascending; voided statements are never returned (2.1.4)."""
        reg = str(uuid.uuid4())
        act1, act2, act3 = ("http://example.com/q/%d" % i for i in (1, 2, 3))
        plan = [
            ("a_done", statement("ana", VERB_COMPLETED, act1, context={"registration": reg})),
            ("a_try", statement("ana", VERB_ATTEMPTED, act2)),
            ("b_done", statement("bo", VERB_COMPLETED, act1, context={"instructor": ifi("ana")})),
            ("b_exp", statement("bo", VERB_EXPERIENCED, act3,
                                context={"contextActivities": {"parent": [{"id": act1}]}})),
            ("c_try", statement("cy", VERB_ATTEMPTED, act2, context={"registration": reg})),
        ]
        ids, stored = {}, {}
        for key, s in plan:
            ids[key] = self.put_ok(s)[0]
            stored[key] = iso_ms(self.get({"statementId": ids[key]}).json()["stored"])
            time.sleep(0.003)  # distinct stored times
        by_id = {v: k for k, v in ids.items()}
        order = [k for k, _ in plan]

        def q(**params):
            return [by_id[s["id"]] for s in self.query_all(params)]

        self.assertEqual(q(), list(reversed(order)))              # newest first
        self.assertEqual(q(ascending=True), order)
        self.assertEqual(q(agent=ifi("ana")), ["a_try", "a_done"])
        self.assertEqual(q(agent=ifi("ana"), related_agents=True), ["b_done", "a_try", "a_done"])
        self.assertEqual(q(verb=VERB_COMPLETED), ["b_done", "a_done"])
        self.assertEqual(q(activity=act1), ["b_done", "a_done"])
        self.assertEqual(q(activity=act1, related_activities=True), ["b_exp", "b_done", "a_done"])
        self.assertEqual(q(registration=reg, ascending=True), ["a_done", "c_try"])
        self.assertEqual(q(agent=ifi("ana"), verb=VERB_COMPLETED), ["a_done"])
        self.assertEqual(q(agent=ifi("nobody")), [])
        # since: stored > since; until: stored <= until.
        iso = lambda ms: datetime.datetime.fromtimestamp(  # noqa: E731
            ms / 1000, datetime.timezone.utc).isoformat(timespec="milliseconds")
        since, until = stored["a_try"], stored["b_exp"]
        self.assertEqual(q(since=iso(since), ascending=True),
                         [k for k in order if stored[k] > since])
        self.assertEqual(q(until=iso(until), ascending=True),
                         [k for k in order if stored[k] <= until])
        self.assertEqual(q(since=iso(since), until=iso(until), ascending=True),
                         [k for k in order if since < stored[k] <= until])
        # The page carries consistentThrough (Communication 2.1.3.s2).
        page = self.query({"limit": 1}).json()
        self.assertGreaterEqual(iso_ms(page["consistentThrough"]), stored["c_try"])
        # Voided statements are left out (2.1.4). The voiding statement stays, and
        # filters also match through a StatementRef to their target (2.1.3, "Filter
        # Conditions for StatementRefs"), so it answers the voided one's filters.
        r = self.void(ids["a_done"], ifi("ana"))
        self.assertEqual(r.rc, OK, r)
        by_id[r.text] = "voiding"
        self.assertEqual(q(registration=reg), ["voiding", "c_try"])
        self.assertEqual(q(verb=VERB_COMPLETED), ["voiding", "b_done"])
        self.assertEqual(q(verb=VERB_VOIDED), ["voiding"])
        self.assertNotIn("a_done", q())
        # Bad filters name the parameter.
        self.assertFails(self.query({"agent": {"mbox": "ana"}}), C["INVALID_ARGUMENT"], "mbox")
        self.assertFails(self.query({"since": "yesterday"}), C["INVALID_ARGUMENT"], "since")
        self.assertFails(self.query({"registration": "not-a-uuid"}), C["INVALID_ARGUMENT"],
                         "registration")

    def test_paging_with_limit_and_more(self):
        """Communication 2.1.3: limit and more; every statement exactly once."""
        batch = [statement(who="p%d" % (i % 3), activity="http://example.com/page/%d" % i)
                 for i in range(23)]
        ids = self.put_ok(batch)
        for params in ({"limit": 4}, {"limit": 4, "ascending": True}, {"limit": 1},
                       {"limit": 5, "verb": VERB_COMPLETED}):
            seen, pages = [], 0
            r = self.query(params)
            self.assertEqual(r.rc, OK, r)
            page = r.json()
            while True:
                pages += 1
                self.assertLessEqual(len(page["statements"]), params["limit"])
                seen += [s["id"] for s in page["statements"]]
                if not page["more"]:
                    break
                self.assertLess(pages, 100)
                r = call(lib.lrs_statements_more, self.db, *nts(page["more"]))
                self.assertEqual(r.rc, OK, r)
                page = r.json()
            self.assertEqual(sorted(seen), sorted(ids), params)
            self.assertEqual(len(seen), len(set(seen)), params)
            self.assertGreaterEqual(pages, -(-23 // params["limit"]))
            want = ids if params.get("ascending") else list(reversed(ids))
            self.assertEqual(seen, want, params)
        # An explicit more length ("TOKEN" + garbage).
        page = self.query({"limit": 20}).json()
        tok = enc(page["more"])
        r = call(lib.lrs_statements_more, self.db, tok + b"XYZ", len(tok))
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(len(r.json()["statements"]), 3)
        self.assertNotEqual(call(lib.lrs_statements_more, self.db, *nts("bogus")).rc, OK)

    def test_void_then_get(self):
        """Data 2.3.2 / Communication 2.1.4: a voided statement is found only by
        voidedStatementId; the voiding statement is a StatementRef."""
        target, keep = self.put_ok([statement(), statement(who="bo")])
        r = self.void(target, ifi("admin"))
        self.assertEqual(r.rc, OK, r)
        voiding = r.text
        self.assertFalse(voiding.startswith('"'), "the id is plain text, not JSON")
        uuid.UUID(voiding)
        self.assertFails(self.get({"statementId": target}), C["NOT_FOUND"])
        got = self.get({"voidedStatementId": target})
        self.assertEqual(got.rc, OK, got)
        self.assertEqual(got.json()["id"], target)
        v = self.get({"statementId": voiding}).json()
        self.assertEqual(v["verb"]["id"], VERB_VOIDED)
        self.assertEqual(v["object"], {"objectType": "StatementRef", "id": target})
        self.assertEqual(v["actor"]["mbox"], "mailto:admin@example.com")
        self.assertEqual(self.get({"statementId": keep}).rc, OK)
        self.assertNotIn(target, [s["id"] for s in self.query_all({})])
        # Params of the voiding write, and an invalid actor.
        lms = {"objectType": "Agent", "account": {"homePage": "https://lms.example.com",
                                                  "name": "admin"}}
        r = self.void(keep, ifi("admin"), {"version": "1.0.3", "authority": lms})
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(self.get({"statementId": r.text}).json()["authority"]["account"],
                         lms["account"])
        self.assertFails(self.void(str(uuid.uuid4()), {"mbox": "nobody"}),
                         C["INVALID_ARGUMENT"], "mbox")


# ===================================================================================
# Documents (Communication 2.2, 2.3, 2.6, 2.7, 3.1)
# ===================================================================================


class T05_Documents(StoreCase):
    def test_state_binary_roundtrip_and_meta(self):
        """Communication 2.3: state documents are bytes; get gives type, etag, updated."""
        content = b"\x00abc\x00\xff\xfe\x01\n\x00"
        before = int(time.time() * 1000)
        r = self.doc_put(STATE, content, "application/octet-stream")
        self.assertEqual(r.rc, OK, r)
        etag = r.json()["etag"]
        self.assertRegex(etag, r'^".+"$')
        rc, data, meta, _ = self.doc_get(STATE)
        self.assertEqual(rc, OK)
        self.assertEqual(data, content)
        self.assertEqual(meta["contentType"], "application/octet-stream")
        self.assertEqual(meta["etag"], etag)
        self.assertLessEqual(abs(iso_ms(meta["updated"]) - before), 60000)
        rc, data, _, _ = self.doc_get(STATE, want_meta=False)  # meta may be NULL
        self.assertEqual((rc, data), (OK, content))
        # An empty document.
        empty = dict(STATE, stateId="empty")
        self.assertEqual(self.doc_put(empty, b"", "text/plain").rc, OK)
        rc, data, meta, _ = self.doc_get(empty)
        self.assertEqual((rc, data, meta["contentType"]), (OK, b"", "text/plain"))
        # Missing document, and missing ids.
        rc, _, _, msg = self.doc_get(dict(STATE, stateId="nothing"))
        self.assertEqual(rc, C["NOT_FOUND"])
        rc, _, _, msg = self.doc_get(STATE_SET)
        self.assertEqual(rc, C["INVALID_ARGUMENT"])
        self.assertIn("stateId", msg)
        r = self.doc_put({"resource": "profile"}, b"{}")
        self.assertFails(r, C["INVALID_ARGUMENT"], "resource")
        r = self.doc_put(dict(STATE, agent={"mbox": "ana"}), b"{}")
        self.assertFails(r, C["INVALID_ARGUMENT"], "mbox")

    def test_state_post_merges_json(self):
        """Communication 2.2: POST merges top-level properties of JSON objects."""
        doc = dict(STATE, stateId="progress")
        self.assertEqual(self.doc_put(doc, {"a": 1, "b": {"x": 1}}, post=True).rc, OK)
        r = self.doc_put(doc, {"b": 2, "c": [3]}, post=True)
        self.assertEqual(r.rc, OK, r)
        rc, data, meta, _ = self.doc_get(doc)
        self.assertEqual(json.loads(data), {"a": 1, "b": 2, "c": [3]})
        self.assertEqual(meta["etag"], r.json()["etag"])
        self.assertTrue(meta["contentType"].startswith("application/json"))
        # Not a JSON object (either side): InvalidArgument, nothing changed.
        self.assertFails(self.doc_put(doc, [1, 2], post=True), C["INVALID_ARGUMENT"])
        binary = dict(STATE, stateId="blob")
        self.assertEqual(self.doc_put(binary, b"\x00\x01", "application/octet-stream").rc, OK)
        self.assertFails(self.doc_put(binary, {"a": 1}, post=True), C["INVALID_ARGUMENT"])
        self.assertEqual(json.loads(self.doc_get(doc)[1]), {"a": 1, "b": 2, "c": [3]})

    def test_preconditions(self):
        """Communication 3.1: ifMatch / ifNoneMatch -> PreconditionFailed."""
        doc = dict(STATE, stateId="cc")
        r = self.doc_put(dict(doc, ifNoneMatch="*"), {"v": 1})   # create only if absent
        self.assertEqual(r.rc, OK, r)
        etag1 = r.json()["etag"]
        self.assertFails(self.doc_put(dict(doc, ifNoneMatch="*"), {"v": 2}),
                         C["PRECONDITION_FAILED"])
        self.assertFails(self.doc_put(dict(doc, ifMatch='"0000"'), {"v": 2}),
                         C["PRECONDITION_FAILED"])
        self.assertFails(self.doc_put(dict(doc, ifNoneMatch=etag1), {"v": 2}),
                         C["PRECONDITION_FAILED"])
        self.assertEqual(json.loads(self.doc_get(doc)[1]), {"v": 1})
        r = self.doc_put(dict(doc, ifMatch=etag1), {"v": 3})
        self.assertEqual(r.rc, OK, r)
        etag3 = r.json()["etag"]
        self.assertNotEqual(etag3, etag1)
        self.assertFails(self.doc_put(dict(doc, ifMatch=etag1), {"v": 4}),
                         C["PRECONDITION_FAILED"])
        self.assertEqual(self.doc_put(dict(doc, ifMatch="*"), {"v": 5}).rc, OK)
        # ifMatch on a document that does not exist.
        self.assertFails(self.doc_put(dict(doc, stateId="absent", ifMatch="*"), {"v": 1}),
                         C["PRECONDITION_FAILED"])
        # Delete with a stale ifMatch keeps the document.
        self.assertEqual(self.doc_delete(dict(doc, ifMatch=etag1)), C["PRECONDITION_FAILED"])
        self.assertEqual(json.loads(self.doc_get(doc)[1]), {"v": 5})

    def test_list_with_since(self):
        """Communication 2.3: GET without stateId lists ids, optionally since."""
        self.assertEqual(self.doc_list(STATE_SET).json(), [])
        self.assertEqual(self.doc_put(dict(STATE, stateId="s1"), {"a": 1}).rc, OK)
        updated1 = self.doc_get(dict(STATE, stateId="s1"))[2]["updated"]
        time.sleep(0.01)
        self.assertEqual(self.doc_put(dict(STATE, stateId="s2"), {"a": 2}).rc, OK)
        self.assertEqual(self.doc_put(dict(STATE, agent=ifi("bo"), stateId="other"), b"x").rc, OK)
        self.assertEqual(sorted(self.doc_list(STATE_SET).json()), ["s1", "s2"])
        self.assertEqual(self.doc_list(dict(STATE_SET, since=updated1)).json(), ["s2"])
        future = "2999-01-01T00:00:00.000Z"
        self.assertEqual(self.doc_list(dict(STATE_SET, since=future)).json(), [])
        # Registration scopes state documents.
        reg = str(uuid.uuid4())
        with_reg = dict(STATE, activityId="http://example.com/activities/reg", registration=reg)
        self.assertEqual(self.doc_put(dict(with_reg, stateId="r1"), b"1").rc, OK)
        lst = {k: v for k, v in with_reg.items() if k != "stateId"}
        self.assertEqual(self.doc_list(lst).json(), ["r1"])
        self.assertEqual(self.doc_list(dict(lst, registration=str(uuid.uuid4()))).json(), [])
        # Listing takes no stateId.
        self.assertFails(self.doc_list(STATE), C["INVALID_ARGUMENT"], "stateId")

    def test_delete_one_and_all_state(self):
        """Communication 2.3: DELETE one state document, or all of an activity+agent."""
        for sid in ("d1", "d2", "d3"):
            self.assertEqual(self.doc_put(dict(STATE, stateId=sid), {"id": sid}).rc, OK)
        bo = dict(STATE, agent=ifi("bo"), stateId="d1")
        self.assertEqual(self.doc_put(bo, {"bo": True}).rc, OK)
        self.assertEqual(self.doc_delete(dict(STATE, stateId="d2")), OK)
        self.assertEqual(errmsg(), "")
        self.assertEqual(self.doc_get(dict(STATE, stateId="d2"))[0], C["NOT_FOUND"])
        self.assertEqual(sorted(self.doc_list(STATE_SET).json()), ["d1", "d3"])
        self.assertEqual(self.doc_delete(STATE_SET), OK)    # all of ana's on m1
        self.assertEqual(self.doc_list(STATE_SET).json(), [])
        self.assertEqual(self.doc_get(dict(STATE, stateId="d1"))[0], C["NOT_FOUND"])
        rc, data, _, _ = self.doc_get(bo)                    # bo's remains
        self.assertEqual((rc, json.loads(data)), (OK, {"bo": True}))

    def profile_roundtrip(self, sel, set_params):
        """Communication 2.6 / 2.7 and 3.1 for one profile resource."""
        r = self.doc_put(sel, {"v": 1})                      # create: no header needed
        self.assertEqual(r.rc, OK, r)
        etag = r.json()["etag"]
        rc, data, meta, _ = self.doc_get(sel)
        self.assertEqual(json.loads(data), {"v": 1})
        self.assertEqual(meta["etag"], etag)
        self.assertTrue(meta["contentType"].startswith("application/json"))
        # Replacing an existing profile without ifMatch/ifNoneMatch:
        # LRS_PRECONDITION_REQUIRED (header; Communication 3.1, HTTP 409), unchanged.
        r = self.doc_put(sel, {"v": 2})
        self.assertFails(r, C["PRECONDITION_REQUIRED"])
        self.assertEqual(json.loads(self.doc_get(sel)[1]), {"v": 1})
        r = self.doc_put(dict(sel, ifMatch=etag), {"v": 3})
        self.assertEqual(r.rc, OK, r)
        self.assertFails(self.doc_put(dict(sel, ifMatch=etag), {"v": 4}), C["PRECONDITION_FAILED"])
        # POST merges (no precondition needed to merge).
        r = self.doc_put(sel, {"w": 1}, post=True)
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(json.loads(self.doc_get(sel)[1]), {"v": 3, "w": 1})
        # List and since.
        updated = self.doc_get(sel)[2]["updated"]
        time.sleep(0.01)
        second = dict(sel, profileId="second")
        self.assertEqual(self.doc_put(second, b"text", "text/plain").rc, OK)
        self.assertEqual(sorted(self.doc_list(set_params).json()), sorted([sel["profileId"],
                                                                          "second"]))
        self.assertEqual(self.doc_list(dict(set_params, since=updated)).json(), ["second"])
        # Delete one.
        self.assertEqual(self.doc_delete(sel), OK)
        self.assertEqual(self.doc_get(sel)[0], C["NOT_FOUND"])
        self.assertEqual(self.doc_list(set_params).json(), ["second"])

    def test_activity_profile(self):
        sel = {"resource": "activity_profile", "activityId": "http://example.com/activities/m1",
               "profileId": "http://example.com/profiles/settings"}
        self.profile_roundtrip(sel, {"resource": "activity_profile",
                                     "activityId": sel["activityId"]})

    def test_agent_profile(self):
        sel = {"resource": "agent_profile", "agent": ifi("ana"), "profileId": "preferences"}
        self.profile_roundtrip(sel, {"resource": "agent_profile", "agent": ifi("ana")})

    def test_state_replace_needs_no_precondition(self):
        """store.h (Communication 3.1.s3): state is exempt from PreconditionRequired."""
        doc = dict(STATE, stateId="replace")
        self.assertEqual(self.doc_put(doc, {"v": 1}).rc, OK)
        self.assertEqual(self.doc_put(doc, {"v": 2}).rc, OK)
        self.assertEqual(json.loads(self.doc_get(doc)[1]), {"v": 2})


# ===================================================================================
# Agents and activities (Communication 2.4, 2.5)
# ===================================================================================


class T06_PersonActivity(StoreCase):
    def test_person_get(self):
        """Communication 2.4: a Person object, also for an agent never seen."""
        self.put_ok(statement())
        r = call(lib.lrs_person_get, self.db, *nts(ifi("ana")))
        self.assertEqual(r.rc, OK, r)
        p = r.json()
        self.assertEqual(p["objectType"], "Person")
        self.assertIn("mailto:ana@example.com", p["mbox"])
        self.assertIn("Ana", p.get("name", []))
        r = call(lib.lrs_person_get, self.db, *nts(ifi("stranger")))
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(r.json()["objectType"], "Person")
        self.assertIn("mailto:stranger@example.com", r.json()["mbox"])
        self.assertFails(call(lib.lrs_person_get, self.db, *nts({"mbox": "ana"})),
                         C["INVALID_ARGUMENT"], "mbox")

    def test_activity_get(self):
        """Communication 2.5: the canonical Activity; NotFound when never seen."""
        act = "http://example.com/activities/canon"
        s = statement(activity=act)
        s["object"]["definition"] = {"name": {"en-US": "Canon"},
                                     "type": "http://adlnet.gov/expapi/activities/lesson"}
        self.put_ok(s)
        r = call(lib.lrs_activity_get, self.db, *nts(act))
        self.assertEqual(r.rc, OK, r)
        a = r.json()
        self.assertEqual(a["id"], act)
        self.assertEqual(a["definition"]["name"]["en-US"], "Canon")
        # explicit length: the IRI followed by other bytes
        r = call(lib.lrs_activity_get, self.db, enc(act) + b"/more", len(act))
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(r.json()["id"], act)
        r = call(lib.lrs_activity_get, self.db, *nts("http://example.com/activities/never"))
        self.assertFails(r, C["NOT_FOUND"])


# ===================================================================================
# Erasure
# ===================================================================================


class T07_Erase(StoreCase):
    def test_erase_agent(self):
        """lrs_erase_agent: a learner's statements (actor, instructor, ...), state and
        agent profiles go; another learner's stay; the counts say so."""
        ana_ids = self.put_ok([statement("ana"), statement("ana", VERB_ATTEMPTED)])
        taught = self.put_ok(statement("bo", context={"instructor": agent("ana")}))[0]
        bo_ids = self.put_ok([statement("bo"), statement("bo", VERB_ATTEMPTED)])
        for sid in ("s1", "s2"):
            self.assertEqual(self.doc_put(dict(STATE, stateId=sid), {"x": 1}).rc, OK)
        self.assertEqual(self.doc_put({"resource": "agent_profile", "agent": ifi("ana"),
                                       "profileId": "prefs"}, {"p": 1}).rc, OK)
        bo_state = dict(STATE, agent=ifi("bo"), stateId="s1")
        self.assertEqual(self.doc_put(bo_state, {"bo": 1}).rc, OK)

        r = call(lib.lrs_erase_agent, self.db, *nts(ifi("ana")))
        self.assertEqual(r.rc, OK, r)
        rep = r.json()
        self.assertEqual(rep["statements"], 3, rep)
        self.assertEqual(rep["documents"], 3, rep)
        self.assertEqual(rep["sync_records"], 0, rep)
        uuid.UUID(rep["audit_id"])

        for sid in ana_ids + [taught]:
            self.assertFails(self.get({"statementId": sid}), C["NOT_FOUND"])
        self.assertEqual(self.query_all({"agent": ifi("ana"), "related_agents": True}), [])
        left = [s["id"] for s in self.query_all({})]
        self.assertEqual(sorted(left), sorted(bo_ids))
        self.assertEqual(self.doc_list(STATE_SET).json(), [])
        self.assertEqual(self.doc_get({"resource": "agent_profile", "agent": ifi("ana"),
                                       "profileId": "prefs"})[0], C["NOT_FOUND"])
        self.assertEqual(json.loads(self.doc_get(bo_state)[1]), {"bo": 1})
        rc, data, _, _ = self.export()
        self.assertEqual(rc, OK)
        self.assertNotIn(b"ana@example.com", data)
        # Again: nothing left to erase.
        rep = call(lib.lrs_erase_agent, self.db, *nts(ifi("ana"))).json()
        self.assertEqual((rep["statements"], rep["documents"]), (0, 0))
        self.assertFails(call(lib.lrs_erase_agent, self.db, *nts({"name": "no identifier"})),
                         C["INVALID_ARGUMENT"])


    def test_purge(self):
        """lrs_purge: a dry run (the default) counts the statements stored before a time;
        dry_run false deletes them and leaves one audit record; later ones stay."""
        old = self.put_ok([statement("ana"), statement("bo", VERB_ATTEMPTED)])
        time.sleep(0.005)
        now = datetime.datetime.now(datetime.timezone.utc)
        before = now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)
        time.sleep(0.005)
        new = self.put_ok(statement("ana", activity="http://example.com/activities/m2"))

        r = call(lib.lrs_purge, self.db, *nts({"before": before}))
        self.assertEqual(r.rc, OK, r)
        rep = r.json()
        self.assertTrue(rep["dry_run"], rep)
        self.assertEqual(rep["before"], before)
        self.assertEqual(rep["statements"], 2, rep)
        self.assertGreater(rep["bytes"], 0)
        self.assertLessEqual(iso_ms(rep["oldest"]), iso_ms(rep["newest"]))
        self.assertLess(iso_ms(rep["newest"]), iso_ms(before))
        self.assertEqual((rep["batches"], rep["audit_id"]), (0, None))
        self.assertEqual(self.stats()["statements"], 3)

        r = call(lib.lrs_purge, self.db, *sized({"before": before, "dry_run": False}))
        self.assertEqual(r.rc, OK, r)
        rep = r.json()
        self.assertFalse(rep["dry_run"])
        self.assertEqual((rep["statements"], rep["batches"]), (2, 1), rep)
        uuid.UUID(rep["audit_id"])
        for sid in old:
            self.assertFails(self.get({"statementId": sid}), C["NOT_FOUND"])
        self.assertEqual([s["id"] for s in self.query_all({})], new)
        self.assertEqual([s["id"] for s in self.query_all({"agent": ifi("ana")})], new)
        # A date is its midnight UTC: nothing that old is left.
        rep = call(lib.lrs_purge, self.db, *nts({"before": "2001-02-03", "dry_run": False})).json()
        self.assertEqual(rep["statements"], 0)
        self.assertEqual(rep["before"], "2001-02-03T00:00:00.000Z")
        self.assertEqual(lib.lrs_purge(self.db, *nts({"before": "2001-02-03"}), None, None), OK)

        self.assertFails(call(lib.lrs_purge, self.db, None, 0), C["INVALID_ARGUMENT"],
                         "params.before", "required")
        self.assertFails(call(lib.lrs_purge, self.db, *nts({"before": "2024-01-01T00:00:00"})),
                         C["INVALID_ARGUMENT"], "params.before", "time zone")
        self.assertFails(call(lib.lrs_purge, self.db, *nts({"before": "2999-01-01",
                                                            "dry_run": "false"})),
                         C["INVALID_ARGUMENT"], "params.dry_run")
        self.assertFails(call(lib.lrs_purge, self.db, *nts({"before": "2999-01-01",
                                                            "dryRun": False})),
                         C["INVALID_ARGUMENT"], "params.dryRun")
        self.assertEqual(self.stats()["statements"], 1)  # the bad calls purged nothing


# ===================================================================================
# Export
# ===================================================================================


class T08_Export(StoreCase):
    def setUp(self):
        super().setUp()
        self.ids = []
        for i in range(9):
            self.ids += self.put_ok(statement(who="e%d" % (i % 2),
                                              activity="http://example.com/x/%d" % i))
        r = self.void(self.ids[3], ifi("admin"))
        self.assertEqual(r.rc, OK, r)
        self.ids.append(r.text)  # stored order: 9 statements, then the voiding one

    def test_export_everything_in_stored_order(self):
        rc, data, summary, calls = self.export()
        self.assertEqual(rc, OK, errmsg())
        self.assertEqual(ndjson_ids(data), self.ids)   # voided one included, once each
        self.assertEqual(summary["exported"], len(self.ids))
        self.assertGreater(summary["last"], 0)
        self.assertGreaterEqual(calls, 1)
        for line in data.decode().split("\n")[:-1]:
            self.assertEqual(line, line.strip())
            json.loads(line)
        # params {"after":0} is the same as NULL.
        self.assertEqual(self.export({"after": 0})[1], data)

    def test_export_resume_after_last(self):
        rc, data, summary, _ = self.export({"limit": 4})
        self.assertEqual(rc, OK)
        first = ndjson_ids(data)
        self.assertEqual(first, self.ids[:4])
        self.assertEqual(summary["exported"], 4)
        rc, data, summary2, _ = self.export({"after": summary["last"]})
        self.assertEqual(rc, OK)
        self.assertEqual(ndjson_ids(data), self.ids[4:])
        self.assertEqual(summary2["exported"], len(self.ids) - 4)
        # Resuming at the end gives nothing and keeps "last".
        rc, data, summary3, _ = self.export({"after": summary2["last"]})
        self.assertEqual((rc, data, summary3["exported"]), (OK, b"", 0))
        self.assertEqual(summary3["last"], summary2["last"])
        # New statements are picked up from there.
        new = self.put_ok(statement(who="late"))
        rc, data, _, _ = self.export({"after": summary2["last"]})
        self.assertEqual(ndjson_ids(data), new)

    def test_export_callback_stops_it(self):
        rc, data, summary, calls = self.export(stop_after_calls=1)
        self.assertEqual(rc, C["ABORTED"])
        self.assertIsNone(summary)
        self.assertEqual(calls, 1)
        self.assertTrue(errmsg())
        rc, _, _, calls = self.export(stop_after_calls=3)
        self.assertEqual((rc, calls), (C["ABORTED"], 3))

    def test_export_limit(self):
        rc, data, summary, _ = self.export({"limit": 2})
        self.assertEqual((rc, ndjson_ids(data), summary["exported"]), (OK, self.ids[:2], 2))
        rc, data, summary, _ = self.export({"limit": 0})
        self.assertEqual(ndjson_ids(data), self.ids)
        rc, data, summary, _ = self.export({"limit": 1000})
        self.assertEqual(summary["exported"], len(self.ids))
        # out is optional.
        cb = WRITE_FN(lambda c, d, n: 0)
        self.assertEqual(lib.lrs_export(self.db, None, 0, cb, None, None, None), OK)
        self.assertEqual(lib.lrs_export(self.db, *nts({"limit": "x"}), cb, None, None, None),
                         C["INVALID_ARGUMENT"])


# ===================================================================================
# Stats
# ===================================================================================


class T08b_Report(StoreCase):
    def test_report(self):
        """lrs_report: the aggregates answer per activity and per learner; parameters
        as strings, numbers or objects; a bad one is named."""
        course = {"contextActivities": {"parent": [{"id": "http://example.com/course"}]}}
        self.put_ok([statement("ana", result={"score": {"scaled": 0.9}}, context=course),
                     statement("bo", VERB_ATTEMPTED, context=course),
                     statement("bo", result={"score": {"scaled": 0.5}}, context=course)])
        r = call(lib.lrs_report, self.db, b"activity",
                 *nts({"activity": "http://example.com/activities/m1"}))
        self.assertEqual(r.rc, OK, r)
        rep = r.json()
        self.assertEqual((rep["statements"], rep["learners"], rep["completed"]), (3, 2, 2), rep)
        self.assertAlmostEqual(rep["scores"]["mean"], 0.7)
        r = call(lib.lrs_report, self.db, b"progress",
                 *nts({"activity": "http://example.com/course", "agent": agent("bo"),
                       "limit": 5}))
        self.assertEqual(r.rc, OK, r)
        rows = r.json()["learners"]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["statements"], 2)
        self.assertEqual(rows[0]["modules_completed"], 1)
        self.assertFails(call(lib.lrs_report, self.db, b"statements", *nts({"by": "fortnight"})),
                         C["INVALID_ARGUMENT"], "by:")
        self.assertFails(call(lib.lrs_report, self.db, b"nope", *nts({})), C["NOT_FOUND"])
        self.assertFails(call(lib.lrs_report, self.db, b"statements", *nts({"by": ["day"]})),
                         C["INVALID_ARGUMENT"])


class T09_Stats(StoreCase):
    def test_stats(self):
        s0 = self.stats()
        for k in ("statements", "last_sequence", "map_size", "map_used", "commits",
                  "grouped_writes"):
            self.assertIsInstance(s0[k], int, k)
        self.assertEqual(s0["statements"], 0)
        self.put_ok([statement(), statement(who="bo")])
        self.put_ok(statement(who="cy"))
        s = self.stats()
        self.assertEqual(s["statements"], 3)
        self.assertGreaterEqual(s["last_sequence"], 3)
        self.assertGreater(s["map_size"], 0)
        self.assertGreater(s["map_used"], 0)
        self.assertLessEqual(s["map_used"], s["map_size"])
        self.assertGreaterEqual(s["commits"], s0["commits"] + 2)
        self.assertGreaterEqual(s["grouped_writes"], 2)


# ===================================================================================
# Threads
# ===================================================================================


class T10_Threads(StoreCase):
    def test_concurrent_puts_through_one_handle(self):
        """8 Python threads, one handle; ctypes drops the GIL during each call."""
        per, nthreads = 15, 8
        results, errors = [[] for _ in range(nthreads)], []
        start = threading.Barrier(nthreads)

        def work(t):
            try:
                start.wait()
                for i in range(per):
                    o = Out()
                    body = enc(statement(who="t%d" % t, activity="http://example.com/t/%d" % i))
                    rc = lib.lrs_statements_put(self.db, None, 0, body, len(body), *o.args())
                    if rc != OK:
                        errors.append((t, i, rc, errmsg()))
                        continue
                    if errmsg() != "":
                        errors.append((t, i, "errmsg after success", errmsg()))
                    results[t] += json.loads(o.take(rc))
            except Exception as e:  # noqa: BLE001
                errors.append((t, repr(e)))

        before = self.stats()
        threads = [threading.Thread(target=work, args=(t,)) for t in range(nthreads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        self.assertEqual(errors, [])
        all_ids = [i for r in results for i in r]
        self.assertEqual(len(all_ids), per * nthreads)
        self.assertEqual(len(set(all_ids)), per * nthreads)
        after = self.stats()
        self.assertEqual(after["statements"], per * nthreads)
        # The calls really overlapped (the GIL was released): durable writers
        # waiting together were folded into shared commits.
        self.assertLess(after["commits"] - before["commits"], per * nthreads, after)
        self.assertEqual(sorted(s["id"] for s in self.query_all({})), sorted(all_ids))
        for t in range(nthreads):  # each thread's statements in its own order
            got = [s["id"] for s in self.query_all({"agent": ifi("t%d" % t), "ascending": True})]
            self.assertEqual(got, results[t])

    def test_errmsg_is_per_thread(self):
        """One thread fails while another succeeds: each sees its own message."""
        b = threading.Barrier(2, timeout=30)
        seen = {}
        bad = statement()
        bad["actor"]["mbox"] = "not-an-iri"

        def failer():
            for i in range(20):
                r = self.put(bad)
                b.wait()   # the other thread now succeeds
                b.wait()
                seen.setdefault("fail", []).append((r.rc, r.msg, errmsg()))

        def succeeder():
            for i in range(20):
                b.wait()
                r = self.put(statement(who="ok", activity="http://example.com/ok/%d" % i))
                b.wait()
                seen.setdefault("ok", []).append((r.rc, r.msg, errmsg()))

        ths = [threading.Thread(target=failer), threading.Thread(target=succeeder)]
        for th in ths:
            th.start()
        for th in ths:
            th.join(60)
        self.assertEqual(len(seen.get("fail", [])), 20)
        self.assertEqual(len(seen.get("ok", [])), 20)
        for rc, msg, later in seen["fail"]:
            self.assertEqual(rc, C["INVALID_ARGUMENT"])
            self.assertIn("mbox", msg)
            self.assertEqual(later, msg)  # not cleared by the other thread's success
        for rc, msg, later in seen["ok"]:
            self.assertEqual((rc, msg, later), (OK, "", ""))

        # Many threads mixing both, concurrently.
        errors = []

        def mixed(t):
            for i in range(10):
                if (t + i) % 2:
                    r = self.put(bad)
                    if r.rc != C["INVALID_ARGUMENT"] or "mbox" not in errmsg():
                        errors.append((t, i, r, errmsg()))
                else:
                    r = self.put(statement(who="m%d" % t))
                    if r.rc != OK or errmsg() != "":
                        errors.append((t, i, r, errmsg()))

        ths = [threading.Thread(target=mixed, args=(t,)) for t in range(8)]
        for th in ths:
            th.start()
        for th in ths:
            th.join(60)
        self.assertEqual(errors, [])


# ===================================================================================
# Sync (docs/sync.md) to a real upstream `lrs serve`
# ===================================================================================


class LogSink:
    """An lrs_log_fn collecting (level, message) from the sync worker threads."""

    def __init__(self):
        self.lines, self.lock, self.ctxs = [], threading.Lock(), set()

        def log(ctx, level, message):
            try:
                with self.lock:
                    self.ctxs.add(ctx)
                    self.lines.append((level, message.decode("utf-8", "replace") if message
                                       else ""))
            except BaseException:  # noqa: BLE001  (never unwind into C)
                pass

        self.fn = LOG_FN(log)  # kept alive as long as the sink

    def snapshot(self):
        with self.lock:
            return list(self.lines)


class T11_Sync(StoreCase):
    upstream = None

    @classmethod
    def setUpClass(cls):
        cls.sync_built = build_info()["sync"]
        if cls.sync_built and LRS_BINARY and os.path.exists(LRS_BINARY):
            # Its own temp data dir, 127.0.0.1, a free port, the bootstrap credential
            # through LRS_BOOTSTRAP_CREDENTIAL (lrs_harness.Daemon does all of it).
            cls.upstream = lrs_harness.Daemon(LRS_BINARY)

    @classmethod
    def tearDownClass(cls):
        if cls.upstream is not None:
            cls.upstream.stop()
            cls.upstream = None

    def dest(self, url=None, name="central", **extra):
        d = {"name": name, "type": "xapi",
             "url": url or "http://127.0.0.1:%d/xapi/" % self.upstream.port,
             "key": lrs_harness.KEY, "secret": lrs_harness.SECRET,
             "allow_networks": ["127.0.0.1"]}  # the upstream is on loopback
        d.update(extra)
        return d

    def open_sync(self, options, log=None):
        h = SYNC_P()
        rc = lib.lrs_sync_open(self.db, *nts(options), log.fn if log else LOG_FN(), None,
                               ctypes.byref(h))
        self.assertEqual(rc, OK, errmsg())
        self.assertTrue(h)
        self.addCleanup(lib.lrs_sync_close, h)  # runs before the store's lrs_close
        return h

    def status(self, h):
        r = call(lib.lrs_sync_status, h)
        self.assertEqual(r.rc, OK, r)
        return r.json()

    def need_upstream(self):
        if not self.sync_built:
            self.skipTest("built without sync")
        if self.upstream is None:
            self.skipTest("no lrs binary (--lrs) for an upstream lrs serve")

    def test_sync_not_supported_without_module(self):
        if self.sync_built:
            self.skipTest("built with sync")
        h = SYNC_P()
        rc = lib.lrs_sync_open(self.db, *nts({"destinations": []}), LOG_FN(), None,
                               ctypes.byref(h))
        self.assertEqual(rc, C["NOT_SUPPORTED"])
        self.assertFalse(h)

    def test_sync_validate(self):
        if not self.sync_built:
            self.skipTest("built without sync")
        good = {"destinations": [{"name": "central", "type": "xapi",
                                  "url": "https://lrs.example.com/xapi/", "key": "k",
                                  "secret": "s"}], "start_paused": True}
        self.assertEqual(lib.lrs_sync_validate(*nts(good)), OK, errmsg())
        self.assertEqual(errmsg(), "")
        self.assertEqual(lib.lrs_sync_validate(*nts(good["destinations"])), OK, errmsg())
        # Bad: the message names the destination and the setting (docs/sync.md).
        bad = json.loads(json.dumps(good))
        bad["destinations"][0]["url"] = "not a url"
        self.assertEqual(lib.lrs_sync_validate(*nts(bad)), C["INVALID_ARGUMENT"])
        self.assertIn("central", errmsg())
        self.assertIn("url", errmsg())
        bad = json.loads(json.dumps(good))
        bad["destinations"][0]["type"] = "carrier-pigeon"
        self.assertEqual(lib.lrs_sync_validate(*nts(bad)), C["INVALID_ARGUMENT"])
        self.assertIn("central", errmsg())
        self.assertIn("type", errmsg())
        bad = json.loads(json.dumps(good))
        del bad["destinations"][0]["url"]
        self.assertEqual(lib.lrs_sync_validate(*nts(bad)), C["INVALID_ARGUMENT"])
        self.assertIn("url", errmsg())
        two = {"destinations": [good["destinations"][0], good["destinations"][0]]}
        self.assertEqual(lib.lrs_sync_validate(*nts(two)), C["INVALID_ARGUMENT"])
        self.assertIn("central", errmsg())
        self.assertEqual(lib.lrs_sync_validate(*nts(b"{nope")), C["INVALID_ARGUMENT"])
        # lrs_sync_open refuses the same, handle NULL.
        h = ctypes.cast(c_void_p(SENTINEL), SYNC_P)
        bad = json.loads(json.dumps(good))
        bad["destinations"][0]["url"] = "not a url"
        rc = lib.lrs_sync_open(self.db, *nts(bad), LOG_FN(), None, ctypes.byref(h))
        self.assertEqual(rc, C["INVALID_ARGUMENT"])
        self.assertIn("url", errmsg())
        self.assertFalse(h, "out not NULL on failure")

    def test_sync_forwards_to_upstream(self):
        """Paused: lag grows, nothing upstream; resumed: all delivered with their ids."""
        self.need_upstream()
        reg = str(uuid.uuid4())
        log = LogSink()
        h = self.open_sync({"destinations": [self.dest()], "start_paused": True, "tick_ms": 100},
                           log)
        ids = []
        for i in range(6):
            ids += self.put_ok(statement(who="s%d" % (i % 3), context={"registration": reg},
                                         activity="http://example.com/sync/%d" % i))
        ids += self.put_ok([statement(who="s9", context={"registration": reg})
                            for _ in range(6)])
        st = self.status(h)
        self.assertEqual(len(st), 1)
        d = st[0]
        for k in ("name", "type", "cursor", "last_sequence", "lag", "retrying", "dead_lettered",
                  "breaker", "paused", "disabled", "last_success", "last_error", "next_attempt",
                  "delivered", "retried", "dead_lettered_total", "filtered"):
            self.assertIn(k, d)
        self.assertEqual((d["name"], d["type"]), ("central", "xapi"))
        self.assertEqual(d["lag"], 12)
        self.assertTrue(d["paused"])
        self.assertEqual(d["delivered"], 0)
        client = lrs_harness.Client(self.upstream.port)

        def upstream_ids():
            r = client.get("statements", params={"registration": reg, "limit": "100"})
            self.assertEqual(r.status, 200, r)
            return [s["id"] for s in r.json()["statements"]]

        self.assertEqual(upstream_ids(), [])
        t0 = time.monotonic()
        self.assertEqual(lib.lrs_sync_wait_idle(h, 300), C["BUSY"])  # paused: never idle
        self.assertLess(time.monotonic() - t0, 5)
        time.sleep(0.3)
        self.assertEqual(upstream_ids(), [])

        self.assertEqual(lib.lrs_sync_resume(h), OK, errmsg())
        self.assertEqual(lib.lrs_sync_wait_idle(h, 20000), OK, errmsg())
        self.assertEqual(sorted(upstream_ids()), sorted(ids))
        got = client.get("statements", params={"statementId": ids[0]})
        self.assertEqual(got.status, 200, got)
        d = self.status(h)[0]
        self.assertEqual(d["lag"], 0)
        self.assertEqual(d["cursor"], d["last_sequence"])
        self.assertGreaterEqual(d["delivered"], 12)
        self.assertFalse(d["paused"])
        self.assertEqual(d["breaker"], "closed")
        self.assertGreater(d["last_success"], 0)

        # pause / now / resume.
        self.assertEqual(lib.lrs_sync_pause(h), OK)
        self.assertTrue(self.status(h)[0]["paused"])
        more = self.put_ok(statement(who="s1", context={"registration": reg}))
        self.assertEqual(lib.lrs_sync_now(h), OK)
        time.sleep(0.3)
        self.assertEqual(self.status(h)[0]["lag"], 1)
        self.assertNotIn(more[0], upstream_ids())
        self.assertEqual(lib.lrs_sync_resume(h), OK)
        self.assertEqual(lib.lrs_sync_now(h), OK)
        self.assertEqual(lib.lrs_sync_wait_idle(h, 20000), OK, errmsg())
        self.assertIn(more[0], upstream_ids())

        # DLQ of a healthy destination: empty; replay/drop affect nothing.
        r = call(lib.lrs_sync_dlq_list, h, b"central", 0, 0)
        self.assertEqual(r.rc, OK, r)
        self.assertEqual(r.json(), [])
        n = c_size_t(99)
        self.assertEqual(lib.lrs_sync_dlq_replay(h, b"central", 0, ctypes.byref(n)), OK)
        self.assertEqual(n.value, 0)
        n = c_size_t(99)
        self.assertEqual(lib.lrs_sync_dlq_drop(h, b"central", 0, ctypes.byref(n)), OK)
        self.assertEqual(n.value, 0)
        self.assertEqual(lib.lrs_sync_dlq_replay(h, b"central", 0, None), OK)  # count optional
        self.assertEqual(lib.lrs_sync_enable(h, b"central"), OK, errmsg())
        self.assertFalse(self.status(h)[0]["disabled"])
        r = call(lib.lrs_sync_dlq_list, h, b"nowhere", 0, 0)
        self.assertNotEqual(r.rc, OK, r)
        self.assertIn("nowhere", r.msg)
        self.assertNotEqual(lib.lrs_sync_enable(h, b"nowhere"), OK)

        # The log callback ran on worker threads, with known levels, no secrets.
        for level, msg in log.snapshot():
            self.assertIn(level, (LOG_INFO, LOG_WARNING, LOG_ERROR))
            self.assertNotIn(lrs_harness.SECRET, msg)

    def refused_statement(self, who):
        """Stored here under 2.0.0 but carrying "version": "1.0.3", which the upstream
        applies (docs/sync.md: the forwarded version comes from that property), so
        it refuses context.contextAgents with a 400: a record-level failure."""
        return statement(who=who, version="1.0.3", context={"contextAgents": [
            {"objectType": "contextAgent", "agent": ifi("bo")}]})

    def dlq(self, h, after=0, limit=0):
        r = call(lib.lrs_sync_dlq_list, h, b"central", after, limit)
        self.assertEqual(r.rc, OK, r)
        return r.json()

    def wait_status(self, h, key, want, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.status(h)[0][key] != want:
            time.sleep(0.05)
        self.assertEqual(self.status(h)[0][key], want, self.status(h))

    def test_sync_dead_letter_queue(self):
        """docs/sync.md record-level failures: a statement the upstream refuses (400)
        is dead-lettered after max_attempts; dlq_list (after, limit), replay, drop."""
        self.need_upstream()
        bad = self.put_ok(self.refused_statement("dl"))[0]
        good = self.put_ok(statement(who="fine"))[0]
        log = LogSink()
        dest = self.dest(retry={"max_attempts": 1, "base_ms": 10, "cap_ms": 10})
        h = self.open_sync({"destinations": [dest], "tick_ms": 50}, log)
        self.assertEqual(lib.lrs_sync_wait_idle(h, 20000), OK, errmsg())
        d = self.status(h)[0]
        self.assertEqual((d["dead_lettered"], d["lag"]), (1, 0), d)
        self.assertGreaterEqual(d["delivered"], 1)
        entries = self.dlq(h)
        self.assertEqual(len(entries), 1, entries)
        e = entries[0]
        for k in ("seq", "statement_id", "learner", "attempts", "error", "at"):
            self.assertIn(k, e)
        self.assertEqual(e["statement_id"], bad)
        self.assertIn("dl@example.com", e["learner"])
        self.assertEqual(e["attempts"], 1)
        self.assertIn("400", e["error"])
        self.assertGreater(e["at"], 0)
        self.assertEqual(self.dlq(h, after=e["seq"]), [])
        self.assertTrue(any(lv == LOG_WARNING and bad in m for lv, m in log.snapshot()),
                        log.snapshot())
        client = lrs_harness.Client(self.upstream.port)
        self.assertEqual(client.get("statements", params={"statementId": good}).status, 200)
        self.assertEqual(client.get("statements", params={"statementId": bad}).status, 404)
        # Replay one entry: delivered again, refused again, dead-lettered again.
        n = c_size_t(0)
        self.assertEqual(lib.lrs_sync_dlq_replay(h, b"central", e["seq"], ctypes.byref(n)), OK,
                         errmsg())
        self.assertEqual(n.value, 1)
        self.assertEqual(lib.lrs_sync_now(h), OK)
        self.wait_status(h, "dead_lettered_total", 2)
        self.wait_status(h, "dead_lettered", 1)
        # Two more refused ones; limit; drop one by seq, then every entry (seq 0).
        self.put_ok([self.refused_statement("dm"), self.refused_statement("dn")])
        self.wait_status(h, "dead_lettered", 3)
        entries = self.dlq(h)
        self.assertEqual(len(entries), 3)
        self.assertEqual(entries, sorted(entries, key=lambda x: x["seq"]))  # oldest first
        self.assertEqual(self.dlq(h, limit=1), entries[:1])
        self.assertEqual(self.dlq(h, after=entries[0]["seq"]), entries[1:])
        n = c_size_t(0)
        self.assertEqual(lib.lrs_sync_dlq_drop(h, b"central", entries[1]["seq"],
                                               ctypes.byref(n)), OK, errmsg())
        self.assertEqual(n.value, 1)
        self.assertEqual(self.dlq(h), [entries[0], entries[2]])
        n = c_size_t(0)
        self.assertEqual(lib.lrs_sync_dlq_drop(h, b"central", 0, ctypes.byref(n)), OK, errmsg())
        self.assertEqual(n.value, 2)
        self.assertEqual(self.dlq(h), [])
        self.assertEqual(self.status(h)[0]["dead_lettered"], 0)
        for _, m in log.snapshot():
            self.assertNotIn(lrs_harness.SECRET, m)

    def test_erase_agent_removes_pending_sync_records(self):
        """lrs_erase_agent: "the sync module's pending records ... for it" go too,
        and an open lrs_sync reflects it (status dead_lettered = the DLQ's size)."""
        self.need_upstream()
        self.put_ok([self.refused_statement("dl"), self.refused_statement("dm")])
        dest = self.dest(retry={"max_attempts": 1, "base_ms": 10, "cap_ms": 10})
        h = self.open_sync({"destinations": [dest], "tick_ms": 50})
        self.assertEqual(lib.lrs_sync_wait_idle(h, 20000), OK, errmsg())
        self.wait_status(h, "dead_lettered", 2)
        rep = call(lib.lrs_erase_agent, self.db, *nts(ifi("dl"))).json()
        self.assertEqual(rep["statements"], 1, rep)
        self.assertGreaterEqual(rep["sync_records"], 1, rep)
        left = self.dlq(h)
        self.assertEqual(len(left), 1)
        self.assertIn("dm@example.com", left[0]["learner"])
        self.assertEqual(self.status(h)[0]["dead_lettered"], len(left),
                         "lrs_sync_status still counts the DLQ entry lrs_erase_agent removed")
        n = c_size_t(0)
        self.assertEqual(lib.lrs_sync_dlq_drop(h, b"central", 0, ctypes.byref(n)), OK)
        self.assertEqual(n.value, 1)
        self.assertEqual(self.status(h)[0]["dead_lettered"], 0)

    def test_one_sync_per_store(self):
        """The header: "One lrs_sync per store." A second lrs_sync_open on the same
        store (here with the same destination, which would run two relays over one
        durable cursor) must fail and leave its handle NULL."""
        if not self.sync_built:
            self.skipTest("built without sync")
        opts = {"destinations": [self.dest(url="http://127.0.0.1:%d/xapi/" % free_port(),
                                           key="k", secret="s")], "start_paused": True}
        self.open_sync(opts)
        h2 = ctypes.cast(c_void_p(SENTINEL), SYNC_P)
        rc = lib.lrs_sync_open(self.db, *nts(opts), LOG_FN(), None, ctypes.byref(h2))
        if rc == OK and h2:
            lib.lrs_sync_close(h2)
        self.assertNotEqual(rc, OK, "a second lrs_sync on one store was opened")
        self.assertFalse(h2)
        self.assertTrue(errmsg())

    def test_log_callback_may_call_back_into_lrs(self):
        """The header: every function may be called from any thread at any time. A
        binding's log handler that asks lrs_sync_status (say, to refresh a UI) must
        not hang. Run in a child process so that a deadlock fails this case only."""
        if not self.sync_built:
            self.skipTest("built without sync")
        try:
            p = subprocess.run([sys.executable, os.path.abspath(__file__), "--lib", LIB_PATH,
                                "--child", "log-reentry", self.tmp.name],
                               capture_output=True, text=True, timeout=10)
        except subprocess.TimeoutExpired:
            self.fail("deadlock: lrs_sync_status called from the lrs_log_fn callback (on the "
                      "sync worker thread) did not return within 10 s")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        got = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertGreaterEqual(got["callbacks"], 1, got)
        self.assertEqual(set(got["status_rc"]), {OK}, got)

    def test_sync_unreachable_destination(self):
        """wait_idle with a dead destination: LRS_BUSY within the timeout; a warning
        is logged when the destination pauses (docs/sync.md); close is prompt."""
        if not self.sync_built:
            self.skipTest("built without sync")
        dead = "http://127.0.0.1:%d/xapi/" % free_port()
        log = LogSink()
        h = SYNC_P()
        opts = {"destinations": [self.dest(url=dead, name="dead", key="k", secret="s3cr3t-x")],
                "tick_ms": 50}
        rc = lib.lrs_sync_open(self.db, *nts(opts), log.fn, c_void_p(0x4C06), ctypes.byref(h))
        self.assertEqual(rc, OK, errmsg())
        closed = [False]

        def close():
            if not closed[0]:
                closed[0] = True
                lib.lrs_sync_close(h)
        self.addCleanup(close)
        self.put_ok([statement(), statement(who="bo")])
        self.assertEqual(lib.lrs_sync_now(h), OK)
        t0 = time.monotonic()
        rc = lib.lrs_sync_wait_idle(h, 1500)
        took = time.monotonic() - t0
        self.assertEqual(rc, C["BUSY"])
        self.assertTrue(errmsg())
        self.assertGreaterEqual(took, 1.4)
        self.assertLess(took, 4.5)
        d = self.status(h)[0]
        self.assertEqual(d["lag"], 2)
        self.assertEqual(d["dead_lettered"], 0)   # destination-level: nothing dead-lettered
        self.assertTrue(d["last_error"] or d["breaker"] != "closed", d)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any(
                lv == LOG_WARNING for lv, _ in log.snapshot()):
            time.sleep(0.05)
        self.assertTrue(any(lv == LOG_WARNING for lv, _ in log.snapshot()), log.snapshot())
        for _, msg in log.snapshot():
            self.assertNotIn("s3cr3t-x", msg)
        self.assertEqual(log.ctxs, {0x4C06})  # log_ctx handed back as given
        self.assertEqual(lib.lrs_sync_wait_idle(h, 0), C["BUSY"])
        t0 = time.monotonic()
        close()
        self.assertLess(time.monotonic() - t0, 5)


# ===================================================================================
# Local endpoint (the xAPI HTTP API of the store)
# ===================================================================================


class T12_Server(StoreCase):
    def setUp(self):
        super().setUp()
        self.http = build_info()["http"]

    def start(self, options=None):
        h = SERVER_P()
        rc = lib.lrs_server_start(self.db, *nts(options), ctypes.byref(h))
        if not self.http:
            self.assertEqual(rc, C["NOT_SUPPORTED"])
            self.assertFalse(h)
            self.skipTest("built without HTTP: lrs_server_start is NotSupported")
        self.assertEqual(rc, OK, errmsg())
        self.assertTrue(h)
        stopped = [False]

        def stop():
            if not stopped[0]:
                stopped[0] = True
                lib.lrs_server_stop(h)
        self.addCleanup(stop)  # before the store closes (cleanups run in reverse)
        r = call(lib.lrs_server_info, h)
        self.assertEqual(r.rc, OK, r)
        return h, r.json(), stop

    def client(self, info):
        c = lrs_harness.Client(info["port"], key=None)
        c.auth = info["authorization"]
        self.addCleanup(lambda: c.conn and c.conn.close())
        return c

    def test_server_defaults_and_info(self):
        h, info, _ = self.start(None)
        m = re.match(r"^http://127\.0\.0\.1:(\d+)/xapi/$", info["endpoint"])
        self.assertIsNotNone(m, info)
        self.assertEqual(int(m.group(1)), info["port"])
        self.assertGreater(info["port"], 0)
        self.assertTrue(info["key"])
        self.assertTrue(info["secret"])
        token = base64.b64encode(("%s:%s" % (info["key"], info["secret"])).encode()).decode()
        self.assertEqual(info["authorization"], "Basic " + token)

    def test_server_statements_over_http(self):
        """Communication 2.1: POST and GET statements with the info's Authorization;
        the same store as the handle."""
        h, info, _ = self.start({})
        c = self.client(info)
        s = statement(who="web")
        r = c.post("statements", s, version="2.0.0")
        self.assertEqual(r.status, 200, r)
        sid = r.json()[0]
        self.assertEqual(r.header("x-experience-api-version"), "2.0.0")
        r = c.get("statements", params={"statementId": sid})
        self.assertEqual(r.status, 200, r)
        got = r.json()
        self.assertEqual(got["id"], sid)
        # Authority: an account agent named after the key (the header's default).
        self.assertEqual(got["authority"]["account"]["name"], info["key"])
        # Same store: visible through the handle, and the other way round.
        g = self.get({"statementId": sid})
        self.assertEqual(g.rc, OK, g)
        self.assertEqual(g.json()["actor"]["mbox"], "mailto:web@example.com")
        cid = self.put_ok(statement(who="capi"))[0]
        r = c.get("statements", params={"statementId": cid})
        self.assertEqual(r.status, 200, r)
        # Documents too (Communication 2.3).
        params = {"activityId": "http://example.com/activities/m1",
                  "agent": json.dumps(ifi("web")), "stateId": "bookmark"}
        r = c.put("activities/state", b"page=3", params=params, content_type="text/plain")
        self.assertEqual(r.status, 204, r)
        rc, data, meta, _ = self.doc_get({"resource": "state", "activityId": params["activityId"],
                                          "agent": ifi("web"), "stateId": "bookmark"})
        self.assertEqual((rc, data, meta["contentType"]), (OK, b"page=3", "text/plain"))

    def test_server_options_key_secret_authority_listen(self):
        """lrs_server_start's options: key, secret, authority, listen on a given port."""
        port = free_port()
        lms = {"objectType": "Agent", "account": {"homePage": "https://app.example.com",
                                                  "name": "webview"}}
        _, info, _ = self.start({"listen": "127.0.0.1:%d" % port, "key": "content",
                                 "secret": "content-secret-1", "authority": lms,
                                 "allow_remote": False})
        self.assertEqual(info["port"], port)
        self.assertEqual(info["endpoint"], "http://127.0.0.1:%d/xapi/" % port)
        self.assertEqual((info["key"], info["secret"]), ("content", "content-secret-1"))
        c = self.client(info)
        r = c.post("statements", [statement(who="web"), statement(who="web2")])
        self.assertEqual(r.status, 200, r)
        for sid in r.json():
            got = self.get({"statementId": sid})
            self.assertEqual(got.rc, OK, got)
            self.assertEqual(got.json()["authority"]["account"], lms["account"])
        # A second endpoint on the same store, with generated credentials.
        _, info2, _ = self.start()
        self.assertNotEqual(info2["port"], port)
        self.assertNotEqual(info2["secret"], info["secret"])
        r = self.client(info2).get("statements", params={"limit": "10"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json()["statements"]), 2)

    def test_server_about_needs_no_credentials(self):
        """Communication 2.8: GET about without credentials."""
        _, info, _ = self.start()
        c = lrs_harness.Client(info["port"], key=None)
        self.addCleanup(lambda: c.conn and c.conn.close())
        r = c.get("about", version=None)
        self.assertEqual(r.status, 200, r)
        self.assertIn("2.0.0", r.json()["version"])

    def test_server_refuses_wrong_credentials(self):
        """Communication 4: wrong or missing credentials -> 401 with a JSON error."""
        _, info, _ = self.start({"key": "player", "secret": "right-secret-123"})
        self.assertEqual((info["key"], info["secret"]), ("player", "right-secret-123"))
        c = lrs_harness.Client(info["port"], key="player", secret="wrong-secret-123")
        self.addCleanup(lambda: c.conn and c.conn.close())
        for auth in ("default", None):
            r = c.get("statements", auth=auth)
            self.assertEqual(r.status, 401, r)
            self.assertTrue(r.json()["error"]["message"], r)
        ok = lrs_harness.Client(info["port"], key="player", secret="right-secret-123")
        self.addCleanup(lambda: ok.conn and ok.conn.close())
        self.assertEqual(ok.get("statements").status, 200)

    def test_server_cors_preflight(self):
        """CORS for content launched from another origin: preflight needs no credentials."""
        _, info, _ = self.start()
        c = lrs_harness.Client(info["port"], key=None)
        self.addCleanup(lambda: c.conn and c.conn.close())
        r = c.request("OPTIONS", "statements", auth=None, version=None,
                      headers={"Origin": "https://course.example.com",
                               "Access-Control-Request-Method": "POST",
                               "Access-Control-Request-Headers":
                                   "authorization,content-type,x-experience-api-version"})
        self.assertIn(r.status, (200, 204), r)
        self.assertIn(r.header("Access-Control-Allow-Origin"),
                      ("https://course.example.com", "*"))
        self.assertIn("POST", r.header("Access-Control-Allow-Methods") or "")
        self.assertIn("authorization", (r.header("Access-Control-Allow-Headers") or "").lower())

    def test_server_remote_listen_needs_allow_remote(self):
        if not self.http:
            self.skipTest("built without HTTP")
        for opts in ({"listen": "0.0.0.0:0", "allow_remote": False}, {"listen": "0.0.0.0:0"}):
            h = ctypes.cast(c_void_p(SENTINEL), SERVER_P)
            rc = lib.lrs_server_start(self.db, *nts(opts), ctypes.byref(h))
            if rc == OK:
                lib.lrs_server_stop(h)
            self.assertEqual(rc, C["INVALID_ARGUMENT"], opts)
            self.assertFalse(h)
            self.assertTrue("allow_remote" in errmsg() or "listen" in errmsg(), errmsg())

    def test_server_stop_frees_the_port(self):
        _, info, stop = self.start({"listen": "127.0.0.1:0"})
        c = self.client(info)
        self.assertEqual(c.get("statements", params={"limit": "1"}).status, 200)
        c.conn.close()
        c.conn = None
        stop()
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", info["port"]), timeout=2).close()
        # The store lives on, and a new server starts on it.
        self.put_ok(statement())
        _, info2, _ = self.start()
        self.assertTrue(info2["port"])

    def test_server_not_supported_without_http(self):
        if self.http:
            self.skipTest("built with HTTP")
        h = SERVER_P()
        self.assertEqual(lib.lrs_server_start(self.db, None, 0, ctypes.byref(h)),
                         C["NOT_SUPPORTED"])
        self.assertFalse(h)


# ===================================================================================


def child(args):
    """Helpers run in a child process by some cases (see their docstrings)."""
    what, path = args[0], args[1]
    if what == "hold-store":   # opens the store, says so, holds it until stdin closes
        h = STORE_P()
        rc = lib.lrs_open(path.encode(), None, 0, ctypes.byref(h))
        if rc != OK:
            print("open failed: %s" % errmsg(), flush=True)
            return 1
        print("ready", flush=True)
        sys.stdin.read()
        lib.lrs_close(h)
        return 0
    if what == "log-reentry":  # a log callback that calls lrs_sync_status
        h, sync = STORE_P(), SYNC_P()
        if lib.lrs_open(os.path.join(path, "reentry").encode(), None, 0, ctypes.byref(h)) != OK:
            return 1
        body = enc([statement(), statement(who="bo")])
        o = Out()
        if lib.lrs_statements_put(h, None, 0, body, len(body), *o.args()) != OK:
            return 1
        o.take(OK)
        state = {"callbacks": 0, "status_rc": []}

        def log(ctx, level, message):
            state["callbacks"] += 1
            o2 = Out()
            rc = lib.lrs_sync_status(sync, *o2.args())
            o2.take(rc)
            state["status_rc"].append(rc)

        log_fn = LOG_FN(log)
        opts = {"destinations": [{"name": "dead", "type": "xapi", "key": "k", "secret": "s",
                                  "url": "http://127.0.0.1:%d/xapi/" % free_port()}],
                "tick_ms": 50}
        if lib.lrs_sync_open(h, *nts(opts), log_fn, None, ctypes.byref(sync)) != OK:
            return 1
        lib.lrs_sync_now(sync)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not state["status_rc"]:
            time.sleep(0.02)
        lib.lrs_sync_close(sync)
        lib.lrs_close(h)
        print(json.dumps(state), flush=True)
        return 0
    return 2


def main():
    global LIB_PATH, LRS_BINARY, lib
    args = sys.argv[1:]

    def take(flag):
        if flag in args:
            i = args.index(flag)
            v = args[i + 1]
            del args[i:i + 2]
            return os.path.abspath(v)
        return None

    LIB_PATH = take("--lib")
    bin_dir = take("--bin-dir")
    LRS_BINARY = take("--lrs")
    if LIB_PATH is None and bin_dir:
        LIB_PATH = os.path.join(bin_dir, "liblrs.so")
    if LRS_BINARY is None and bin_dir and os.path.exists(os.path.join(bin_dir, "lrs")):
        LRS_BINARY = os.path.join(bin_dir, "lrs")
    if LIB_PATH is None:
        sys.exit("usage: capi_test.py --lib PATH/liblrs.so [--bin-dir DIR] [--lrs PATH/lrs]")
    lib = load(LIB_PATH)
    if args and args[0] == "--child":
        sys.exit(child(args[1:]))
    t0 = time.monotonic()
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromModule(sys.modules[__name__]) if not args else \
        loader.loadTestsFromNames(args, sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    print("capi_test: %d cases run, %d failures, %d errors, %d skipped in %.1f s (%s)"
          % (result.testsRun, len(result.failures), len(result.errors), len(result.skipped),
             time.monotonic() - t0, os.path.basename(LIB_PATH)))
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
