#!/usr/bin/env python3
# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""xAPI Communication 2.1 (Statement Resource) over HTTP, requirement by
requirement, for 2.0.0 and 1.0.3 requests. Section numbers are those of
xAPI-Communication.md (1.0.3; IEEE 9274.1.1 keeps the same requirements)."""

import time
import uuid

from lrs_harness import LrsTestCase, agent, main, statement


class StatementResource(LrsTestCase):

    # ---- 2.1.1 PUT Statements ----

    def test_2_1_1_put_stores_with_204(self):
        sid = str(uuid.uuid4())
        r = self.client.put("statements", statement(), params={"statementId": sid})
        self.assertEqual(r.status, 204, r)
        r = self.client.get("statements", params={"statementId": sid})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], sid)

    def test_2_1_1_s2_b2_repeat_put_of_equal_statement_changes_nothing(self):
        sid = str(uuid.uuid4())
        self.assertEqual(self.client.put("statements", statement(), params={"statementId": sid}).status, 204)
        first = self.client.get("statements", params={"statementId": sid}).json()
        r = self.client.put("statements", statement(), params={"statementId": sid})
        self.assertIn(r.status, (204, 409), r)
        self.assertEqual(self.client.get("statements", params={"statementId": sid}).json(), first)

    def test_2_1_1_s2_b3_put_of_different_statement_with_same_id_is_409(self):
        sid = str(uuid.uuid4())
        self.assertEqual(self.client.put("statements", statement(), params={"statementId": sid}).status, 204)
        r = self.client.put("statements", statement(verb="http://adlnet.gov/expapi/verbs/failed"),
                            params={"statementId": sid})
        self.assertError(r, 409)

    def test_2_1_1_s3_b3_put_id_must_match_statementId(self):
        s = statement(id=str(uuid.uuid4()))
        r = self.client.put("statements", s, params={"statementId": str(uuid.uuid4())})
        self.assertError(r, 400)

    def test_2_1_1_put_without_statementId_is_400(self):
        self.assertError(self.client.put("statements", statement()), 400)

    # ---- 2.1.2 POST Statements ----

    def test_2_1_2_post_returns_ids_in_order(self):
        ids = [str(uuid.uuid4()) for _ in range(3)]
        batch = [statement(id=i) for i in ids]
        r = self.client.post("statements", batch)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), ids)

    def test_2_1_2_post_single_statement_assigns_id(self):
        r = self.client.post("statements", statement())
        self.assertEqual(r.status, 200, r)
        ids = r.json()
        self.assertEqual(len(ids), 1)
        uuid.UUID(ids[0])

    def test_2_1_2_s2_b6_batch_with_duplicate_ids_is_400_and_stores_nothing(self):
        sid = str(uuid.uuid4())
        other = str(uuid.uuid4())
        r = self.client.post("statements", [statement(id=other), statement(id=sid), statement(id=sid)])
        self.assertError(r, 400)
        self.assertEqual(self.client.get("statements", params={"statementId": other}).status, 404)

    def test_data_invalid_statement_is_400_naming_the_field(self):
        s = statement(actor={"objectType": "Agent", "mbox": "learner@example.com"})
        r = self.client.post("statements", s)
        self.assertError(r, 400)
        self.assertIn("mbox", r.json()["error"]["message"])

    def test_malformed_json_is_400(self):
        r = self.client.post("statements", '{"actor": ', content_type="application/json")
        self.assertError(r, 400)

    # ---- 2.1.3 GET Statements ----

    def test_2_1_3_s2_b1_statementId_and_voidedStatementId_together_is_400(self):
        r = self.client.get("statements", params={"statementId": str(uuid.uuid4()),
                                                   "voidedStatementId": str(uuid.uuid4())})
        self.assertError(r, 400)

    def test_2_1_3_s2_b2_statementId_with_other_filters_is_400(self):
        r = self.client.get("statements", params={"statementId": str(uuid.uuid4()),
                                                   "verb": "http://adlnet.gov/expapi/verbs/completed"})
        self.assertError(r, 400)

    def test_2_1_3_s2_b2_statementId_with_format_and_attachments_is_allowed(self):
        sid = self.client.post("statements", statement()).json()[0]
        r = self.client.get("statements", params={"statementId": sid, "format": "ids",
                                                   "attachments": "false"})
        self.assertEqual(r.status, 200, r)

    def test_2_1_3_s2_b4_no_match_is_200_with_empty_array(self):
        r = self.client.get("statements", params={"verb": "http://example.com/verbs/never-used"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["statements"], [])

    def test_2_1_3_s2_b5_consistent_through_header_on_statement_responses(self):
        r = self.client.get("statements", params={"limit": "1"})
        self.assertEqual(r.status, 200, r)
        ct = r.header("X-Experience-API-Consistent-Through")
        self.assertTrue(ct and "T" in ct, r.headers)

    def test_2_1_3_unknown_statement_is_404(self):
        self.assertError(self.client.get("statements", params={"statementId": str(uuid.uuid4())}), 404)

    def test_2_1_3_filter_by_verb_activity_agent_registration(self):
        tag = uuid.uuid4().hex
        act = "http://example.com/activities/" + tag
        reg = str(uuid.uuid4())
        who = agent("a" + tag)
        self.client.post("statements", [
            statement(actor=who, activity=act, context={"registration": reg}),
            statement(actor=agent("b" + tag), activity=act),
            statement(actor=who, activity=act + "/other")])
        def count(**params):
            r = self.client.get("statements", params=params)
            self.assertEqual(r.status, 200, r)
            return len(r.json()["statements"])
        import json as _json
        self.assertEqual(count(activity=act), 2)
        self.assertEqual(count(agent=_json.dumps(who)), 2)
        self.assertEqual(count(agent=_json.dumps(who), activity=act), 1)
        self.assertEqual(count(registration=reg), 1)

    def test_2_1_3_limit_and_more_page_through_everything(self):
        act = "http://example.com/activities/paging-" + uuid.uuid4().hex
        ids = [str(uuid.uuid4()) for _ in range(7)]
        self.client.post("statements", [statement(id=i, activity=act) for i in ids])
        seen = []
        r = self.client.get("statements", params={"activity": act, "limit": "3"})
        while True:
            self.assertEqual(r.status, 200, r)
            body = r.json()
            seen += [s["id"] for s in body["statements"]]
            if not body.get("more"):
                break
            self.assertTrue(body["more"].startswith("/xapi/statements"), body["more"])
            r = self.client.get(body["more"])
        self.assertEqual(sorted(seen), sorted(ids))

    def test_2_1_3_bad_parameters_are_400(self):
        for params in ({"agent": "{not json"}, {"since": "yesterday"}, {"limit": "-1"},
                       {"format": "pretty"}, {"registration": "not-a-uuid"}, {"colour": "red"}):
            self.assertError(self.client.get("statements", params=params), 400)

    def test_2_1_3_since_and_until(self):
        act = "http://example.com/activities/time-" + uuid.uuid4().hex
        sid = self.client.post("statements", statement(activity=act)).json()[0]
        stored = self.client.get("statements", params={"statementId": sid}).json()["stored"]
        r = self.client.get("statements", params={"activity": act, "since": stored})
        self.assertEqual(r.json()["statements"], [])  # since is exclusive
        r = self.client.get("statements", params={"activity": act, "until": stored})
        self.assertEqual(len(r.json()["statements"]), 1)  # until is inclusive

    def test_2_1_3_s2_b8_last_modified_matches_stored(self):
        sid = self.client.post("statements", statement()).json()[0]
        r = self.client.get("statements", params={"statementId": sid})
        self.assertTrue(r.header("Last-Modified"), r.headers)

    def test_stored_and_authority_are_set_by_the_lrs(self):
        sid = self.client.post("statements", statement()).json()[0]
        s = self.client.get("statements", params={"statementId": sid}).json()
        self.assertIn("stored", s)
        self.assertIn("authority", s)

    # ---- 2.1.4 Voided Statements ----

    def test_2_1_4_voided_statement_is_hidden_but_fetchable_by_voidedStatementId(self):
        act = "http://example.com/activities/void-" + uuid.uuid4().hex
        target = self.client.post("statements", statement(activity=act)).json()[0]
        voiding = {"actor": agent(), "verb": {"id": "http://adlnet.gov/expapi/verbs/voided",
                                              "display": {"en-US": "voided"}},
                   "object": {"objectType": "StatementRef", "id": target}}
        self.assertEqual(self.client.post("statements", voiding).status, 200)
        self.assertError(self.client.get("statements", params={"statementId": target}), 404)
        r = self.client.get("statements", params={"voidedStatementId": target})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], target)
        r = self.client.get("statements", params={"activity": act})
        self.assertNotIn(target, [s["id"] for s in r.json()["statements"]])

    # ---- 1.1 HEAD ----

    def test_1_1_head_answers_like_get_without_body(self):
        sid = self.client.post("statements", statement()).json()[0]
        g = self.client.get("statements", params={"statementId": sid})
        h = self.client.request("HEAD", "statements", params={"statementId": sid})
        self.assertEqual(h.status, 200, h)
        self.assertEqual(h.body, b"")
        self.assertEqual(h.header("Content-Type"), g.header("Content-Type"))

    # ---- 1.0.3 requests ----

    def test_1_0_3_request_is_answered_in_1_0_3(self):
        sid = self.client1.post("statements", statement()).json()[0]
        r = self.client1.get("statements", params={"statementId": sid})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("X-Experience-API-Version").startswith("1.0"), r.headers)

    def test_1_0_3_rejects_2_0_only_properties(self):
        s = statement(context={"contextAgents": [{"objectType": "contextAgent", "agent": agent()}]})
        self.assertError(self.client1.post("statements", s), 400)


if __name__ == "__main__":
    main()
