#!/usr/bin/env python3
# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""Credentials, scopes (xAPI Communication 4.2 scope list) and stores
(tenants): each store sees only its own data, each credential only what its
scopes allow, and a revoked credential stops working at once. Credentials
are managed with the `lrs` program while `lrs serve` runs."""

import os
import re
import subprocess
import uuid

import lrs_harness
from lrs_harness import Client, LrsTestCase, main, statement


class Tenants(LrsTestCase):

    def lrs(self, *args):
        data = os.path.join(self.daemon.dir, "data")
        out = subprocess.run([lrs_harness.LRS_BINARY, *args, "--data", data],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return out.stdout

    def credential(self, store="default", scopes="all"):
        out = self.lrs("credentials", "add", "--store", store, "--scopes", scopes,
                       "--label", "test " + scopes)
        key = re.search(r"key:\s+(\S+)", out).group(1)
        secret = re.search(r"secret:\s+(\S+)", out).group(1)
        return Client(self.daemon.port, key=key, secret=secret)

    def test_stores_are_isolated(self):
        name = "t" + uuid.uuid4().hex[:10]
        self.lrs("stores", "add", name)
        self.assertIn(name, self.lrs("stores", "list"))
        tenant = self.credential(store=name)
        act = "http://example.com/activities/tenant-" + uuid.uuid4().hex
        sid = tenant.post("statements", statement(activity=act)).json()[0]
        self.assertEqual(tenant.get("statements", params={"statementId": sid}).status, 200)
        # The default store's credential cannot see it, by id or by query.
        self.assertError(self.client.get("statements", params={"statementId": sid}), 404)
        self.assertEqual(self.client.get("statements", params={"activity": act}).json()["statements"], [])
        # And the same id can exist independently in the default store.
        r = self.client.put("statements", statement(activity=act + "/other"), params={"statementId": sid})
        self.assertEqual(r.status, 204, r)

    def test_4_2_scopes_limit_what_a_credential_may_do(self):
        reader = self.credential(scopes="statements/read")
        writer = self.credential(scopes="statements/write")
        self.assertError(reader.post("statements", statement()), 403)
        self.assertEqual(writer.post("statements", statement()).status, 200)
        self.assertError(writer.get("statements", params={"limit": "1"}), 403)
        self.assertEqual(reader.get("statements", params={"limit": "1"}).status, 200)
        p = {"activityId": "http://example.com/a", "agent": '{"mbox":"mailto:a@example.com"}',
             "stateId": "s"}
        self.assertError(writer.put("activities/state", {"a": 1}, params=p), 403)

    def test_4_2_statements_read_mine_sees_only_its_own(self):
        mine = self.credential(scopes="statements/read/mine,statements/write")
        act = "http://example.com/activities/mine-" + uuid.uuid4().hex
        own = mine.post("statements", statement(activity=act)).json()[0]
        other = self.client.post("statements", statement(activity=act)).json()[0]
        ids = [s["id"] for s in mine.get("statements", params={"activity": act}).json()["statements"]]
        self.assertEqual(ids, [own])
        self.assertIn(mine.get("statements", params={"statementId": other}).status, (403, 404))

    def test_authority_is_the_credential(self):
        c = self.credential()
        sid = c.post("statements", statement(authority={"objectType": "Agent",
                                                         "mbox": "mailto:forged@example.com"})).json()[0]
        s = c.get("statements", params={"statementId": sid}).json()
        self.assertNotIn("forged", str(s["authority"]))

    def test_revoked_credential_is_refused_at_once(self):
        c = self.credential()
        self.assertEqual(c.get("statements", params={"limit": "1"}).status, 200)
        key = re.search(r"Basic (\S+)", c.auth).group(1)
        import base64
        k = base64.b64decode(key).decode().split(":")[0]
        self.lrs("credentials", "revoke", k)
        self.assertError(c.get("statements", params={"limit": "1"}), 401)


if __name__ == "__main__":
    main()
