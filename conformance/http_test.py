#!/usr/bin/env python3
# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""Requests in general (xAPI Communication 1.2 headers, 1.3 alternate
syntax, 3.3 versioning, 4 authentication), CORS, errors, limits and the
daemon's operational endpoints."""

import base64
import json
import socket
import urllib.parse
import uuid

from lrs_harness import KEY, LrsTestCase, main, statement


class Requests(LrsTestCase):

    # ---- 3.3 Versioning ----

    def test_3_3_missing_version_header_is_400(self):
        self.assertError(self.client.get("statements", version=None), 400)

    def test_3_3_unsupported_version_is_400(self):
        self.assertError(self.client.get("statements", version="3.0.0"), 400)

    def test_3_3_response_carries_the_version(self):
        r = self.client.get("statements", params={"limit": "1"})
        self.assertEqual(r.header("X-Experience-API-Version"), "2.0.0")

    # ---- 4 Authentication ----

    def test_4_no_credentials_is_401(self):
        r = self.client.get("statements", auth=None)
        self.assertError(r, 401)
        self.assertTrue(r.header("WWW-Authenticate"))

    def test_4_wrong_secret_is_401_and_not_echoed(self):
        bad = "Basic " + base64.b64encode((KEY + ":wrong-secret").encode()).decode()
        r = self.client.get("statements", auth=bad)
        self.assertError(r, 401)
        self.assertNotIn(b"wrong-secret", r.body)

    def test_4_malformed_authorization_is_401(self):
        for bad in ("Basic !!!", "Bearer x", "Basic " + base64.b64encode(b"nocolon").decode()):
            self.assertError(self.client.get("statements", auth=bad), 401)

    # ---- 1.3 Alternate request syntax ----

    def test_1_3_alternate_syntax_works_under_1_0_3(self):
        sid = str(uuid.uuid4())
        form = urllib.parse.urlencode({
            "statementId": sid, "content": json.dumps(statement()),
            "Content-Type": "application/json", "X-Experience-API-Version": "1.0.3",
            "Authorization": self.client.auth})
        r = self.client.request("POST", "statements", params={"method": "PUT"}, body=form,
                                version=None, auth=None,
                                content_type="application/x-www-form-urlencoded")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.client.get("statements", params={"statementId": sid}).status, 200)

    def test_1_3_s3_b3_other_query_parameters_are_400(self):
        form = urllib.parse.urlencode({"content": json.dumps(statement()),
                                       "X-Experience-API-Version": "1.0.3"})
        r = self.client1.request("POST", "statements",
                                 params={"method": "PUT", "statementId": str(uuid.uuid4())},
                                 body=form, content_type="application/x-www-form-urlencoded")
        self.assertError(r, 400)

    def test_1_3_alternate_syntax_is_refused_under_2_0_0(self):
        r = self.client.request("POST", "statements", params={"method": "GET"}, body="",
                                content_type="application/x-www-form-urlencoded")
        self.assertError(r, 400)

    # ---- CORS ----

    def test_cors_preflight_needs_no_credentials(self):
        r = self.client.request("OPTIONS", "statements", auth=None, version=None,
                                headers={"Origin": "https://course.example.com",
                                         "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers":
                                             "authorization,content-type,x-experience-api-version"})
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "https://course.example.com")
        self.assertIn("POST", r.header("Access-Control-Allow-Methods"))

    def test_cors_headers_exposed_on_responses(self):
        r = self.client.get("statements", params={"limit": "1"},
                            headers={"Origin": "https://course.example.com"})
        exposed = (r.header("Access-Control-Expose-Headers") or "").lower()
        for h in ("etag", "last-modified", "x-experience-api-version",
                  "x-experience-api-consistent-through"):
            self.assertIn(h, exposed)

    # ---- Errors and limits ----

    def test_unknown_resource_is_404_json(self):
        self.assertError(self.client.get("nothing-here"), 404)

    def test_body_over_the_limit_is_413_before_it_is_sent(self):
        # The declared length exceeds the limit (64 MiB by default): the LRS
        # answers at once, without reading (or storing) anything.
        with socket.create_connection(("127.0.0.1", self.daemon.port), timeout=10) as s:
            s.sendall(("POST /xapi/statements HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: %s\r\nX-Experience-API-Version: 2.0.0\r\n"
                       "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                       % (self.client.auth, 70 << 20)).encode() + b"[" + b" " * 65536)
            data = s.recv(65536)
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data)
        self.assertIn(b'"error"', data)

    def test_invalid_utf8_is_400(self):
        body = json.dumps(statement()).encode().replace(b"completed", b"compl\xff\xfeted", 1)
        self.assertError(self.client.post("statements", body, content_type="application/json"), 400)

    def test_deep_nesting_is_400(self):
        body = json.dumps(statement())[:-1] + ',"result":{"extensions":{"http://example.com/x":' + \
            "[" * 5000 + "]" * 5000 + "}}}"
        self.assertError(self.client.post("statements", body, content_type="application/json"), 400)

    def test_garbage_http_gets_400_and_the_daemon_lives_on(self):
        with socket.create_connection(("127.0.0.1", self.daemon.port), timeout=10) as s:
            s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            data = s.recv(4096)
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data)
        self.assertEqual(self.client.get("/health", auth=None, version=None).status, 200)

    def test_responses_carry_an_http_date(self):
        # RFC 9110 6.6.1; clients compare it with Consistent-Through.
        import email.utils
        r = self.client.get("statements", params={"limit": "1"})
        self.assertIsNotNone(email.utils.parsedate_to_datetime(r.header("Date")))

    def test_3_3_unversioned_request_answer_names_a_version(self):
        r = self.client.get("statements", version=None)
        self.assertEqual(r.header("X-Experience-API-Version"), "2.0.0")

    # ---- Operations ----

    def test_health(self):
        r = self.client.get("/health", auth=None, version=None)
        self.assertEqual(r.status, 200, r)

    def test_metrics_in_prometheus_text(self):
        self.client.post("statements", statement())
        r = self.client.get("/metrics", auth=None, version=None)
        self.assertEqual(r.status, 200, r)
        text = r.body.decode()
        self.assertIn("lrs_http_requests_total", text)
        self.assertIn("lrs_statements_stored", text)


if __name__ == "__main__":
    main()
