# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""Offline-first forwarding between two real processes: an edge
`lrs serve --forward-to URL` (LRS_FORWARD_CREDENTIAL=KEY:SECRET) relays every
statement to a central `lrs serve`. The edge is SIGKILLed mid-stream and
restarted; the central ends with every statement exactly once, with the
ids, versions and content the edge stored (xAPI Communication 2.1.1:
statements keep their ids, so a repeat changes nothing)."""

import os
import shutil
import tempfile
import threading
import time
import unittest
import uuid

import lrs_harness as h


def central_ids(client):
    ids, path, params = [], "/xapi/statements", {"limit": "500", "ascending": "true"}
    while True:
        r = client.get(path, params=params)
        assert r.status == 200, r
        body = r.json()
        ids += [s["id"] for s in body["statements"]]
        more = body.get("more")
        if not more:
            return ids
        path, params = more, None


class ForwardTest(unittest.TestCase):
    def setUp(self):
        self.central = h.Daemon(h.LRS_BINARY)
        self.central_client = h.Client(self.central.port)
        self.edge_dir = tempfile.mkdtemp(prefix="lrs-edge-")
        self.edge = None

    def tearDown(self):
        if self.edge:
            self.edge.stop()
        self.central.stop()
        shutil.rmtree(self.edge_dir, ignore_errors=True)

    def start_edge(self):
        url = "http://127.0.0.1:%d/xapi/" % self.central.port
        self.edge = h.Daemon(h.LRS_BINARY, extra_args=("--forward-to", url),
                             env={"LRS_FORWARD_CREDENTIAL": h.KEY + ":" + h.SECRET},
                             data_dir=self.edge_dir)
        return h.Client(self.edge.port)

    def wait_for(self, want, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            ids = central_ids(self.central_client)
            # The central may also hold statements the edge stored but
            # never acknowledged (killed before answering): wait for all
            # of `want`, not for a count.
            if set(want).issubset(ids):
                return ids
            time.sleep(0.2)
        return central_ids(self.central_client)

    def test_forwards_every_statement_with_its_id_and_version(self):
        edge = self.start_edge()
        s2 = h.statement(h.agent("ana"))
        r = edge.post("/xapi/statements", [s2])
        self.assertEqual(r.status, 200, r)
        edge1 = h.Client(self.edge.port, version="1.0.3")
        s1 = h.statement(h.agent("bob"))
        r1 = edge1.post("/xapi/statements", s1)
        self.assertEqual(r1.status, 200, r1)
        want = r.json() + r1.json()
        got = self.wait_for(want)
        self.assertEqual(sorted(got), sorted(want))
        c = self.central_client.get("/xapi/statements", params={"statementId": want[1]})
        self.assertEqual(c.status, 200, c)
        self.assertEqual(c.json()["version"], "1.0.0")  # stored under 1.0.3 at the edge
        self.assertEqual(c.json()["actor"]["mbox"], s1["actor"]["mbox"])

    def test_edge_killed_mid_stream_central_ends_with_each_statement_once(self):
        edge = self.start_edge()
        acked = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(n):
            c = h.Client(self.edge.port)
            i = 0
            while not stop.is_set():
                batch = [h.statement(h.agent("learner%d" % ((n * 1000 + i + k) % 37)))
                         for k in range(5)]
                for st in batch:
                    st["id"] = str(uuid.uuid4())
                try:
                    r = c.post("/xapi/statements", batch)
                except Exception:  # the edge was killed mid-request
                    return
                if r.status == 200:
                    with lock:
                        acked.extend(r.json())
                i += 5

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        deadline = time.time() + 60
        while time.time() < deadline:  # some acknowledged, the relay busy
            with lock:
                if len(acked) >= 50:
                    break
            time.sleep(0.05)
        self.edge.kill()  # mid-stream: writes and forwarding in flight
        stop.set()
        for t in threads:
            t.join()
        self.assertGreater(len(acked), 0)
        # Restart on the same data: every acknowledged statement is there and
        # the relay resumes from its durable cursor.
        edge = self.start_edge()
        more = edge.post("/xapi/statements", [h.statement(h.agent("late"))])
        self.assertEqual(more.status, 200, more)
        want = set(acked) | set(more.json())
        got = self.wait_for(want)
        self.assertEqual(len(got), len(set(got)), "a statement arrived twice")
        self.assertTrue(want.issubset(set(got)), "missing: %r" % (want - set(got)))


if __name__ == "__main__":
    h.main()
