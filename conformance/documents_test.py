#!/usr/bin/env python3
# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
"""xAPI Communication 2.2-2.8 (document resources, agents, activities,
about) and 3.1 (concurrency) over HTTP, requirement by requirement."""

import json
import uuid

from lrs_harness import LrsTestCase, agent, main, statement


def state_params(**extra):
    p = {"activityId": "http://example.com/activities/" + uuid.uuid4().hex,
         "agent": json.dumps(agent("doc-" + uuid.uuid4().hex[:8])),
         "stateId": "bookmark"}
    p.update(extra)
    return p


class DocumentResources(LrsTestCase):

    # ---- 2.3 State Resource ----

    def test_2_3_put_then_get_returns_the_bytes_and_content_type(self):
        p = state_params()
        r = self.client.put("activities/state", b"page 7 of 12", params=p, content_type="text/plain")
        self.assertEqual(r.status, 204, r)
        r = self.client.get("activities/state", params=p)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"page 7 of 12")
        self.assertTrue(r.header("Content-Type").startswith("text/plain"), r.headers)

    def test_3_1_s4_b1_b2_b4_get_has_quoted_sha1_etag(self):
        import hashlib
        p = state_params()
        self.client.put("activities/state", b"abc", params=p, content_type="text/plain")
        r = self.client.get("activities/state", params=p)
        self.assertEqual(r.header("ETag"), '"%s"' % hashlib.sha1(b"abc").hexdigest())

    def test_2_2_s6_b1_single_document_has_last_modified(self):
        p = state_params()
        self.client.put("activities/state", {"a": 1}, params=p)
        self.assertTrue(self.client.get("activities/state", params=p).header("Last-Modified"))

    def test_2_2_s7_post_merges_top_level_properties(self):
        p = state_params()
        self.assertEqual(self.client.post("activities/state", {"x": "foo", "y": "bar"}, params=p).status, 204)
        self.assertEqual(self.client.post("activities/state", {"x": "bash", "z": "faz"}, params=p).status, 204)
        self.assertEqual(self.client.get("activities/state", params=p).json(),
                         {"x": "bash", "y": "bar", "z": "faz"})

    def test_2_2_s8_b1_post_onto_non_json_document_is_400_and_changes_nothing(self):
        p = state_params()
        self.client.put("activities/state", b"plain", params=p, content_type="text/plain")
        self.assertError(self.client.post("activities/state", {"x": 1}, params=p), 400)
        self.assertEqual(self.client.get("activities/state", params=p).body, b"plain")

    def test_2_3_s4_multiple_document_get_lists_ids_and_since(self):
        p = state_params()
        base = {k: v for k, v in p.items() if k != "stateId"}
        for sid in ("s1", "s2"):
            self.client.put("activities/state", {"v": sid}, params=dict(base, stateId=sid))
        r = self.client.get("activities/state", params=base)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sorted(r.json()), ["s1", "s2"])
        r = self.client.get("activities/state", params=dict(base, since="2999-01-01T00:00:00Z"))
        self.assertEqual(r.json(), [])

    def test_2_3_s5_delete_without_stateId_deletes_all(self):
        p = state_params()
        base = {k: v for k, v in p.items() if k != "stateId"}
        for sid in ("s1", "s2"):
            self.client.put("activities/state", {"v": sid}, params=dict(base, stateId=sid))
        self.assertEqual(self.client.delete("activities/state", params=base).status, 204)
        self.assertEqual(self.client.get("activities/state", params=base).json(), [])

    def test_2_3_registration_separates_state(self):
        p = state_params()
        reg = str(uuid.uuid4())
        self.client.put("activities/state", {"r": "none"}, params=p)
        self.client.put("activities/state", {"r": "one"}, params=dict(p, registration=reg))
        self.assertEqual(self.client.get("activities/state", params=p).json(), {"r": "none"})
        self.assertEqual(self.client.get("activities/state", params=dict(p, registration=reg)).json(),
                         {"r": "one"})

    def test_2_3_missing_or_bad_parameters_are_400(self):
        p = state_params()
        for bad in ({k: v for k, v in p.items() if k != "activityId"},
                    {k: v for k, v in p.items() if k != "agent"},
                    dict(p, agent="{not json"),
                    dict(p, registration="nope")):
            self.assertError(self.client.get("activities/state", params=bad), 400)

    def test_2_3_missing_document_is_404(self):
        self.assertError(self.client.get("activities/state", params=state_params()), 404)

    # ---- 3.1 Concurrency ----

    def profile_params(self):
        return {"activityId": "http://example.com/activities/" + uuid.uuid4().hex,
                "profileId": "settings"}

    def test_3_1_s4_b5_put_with_stale_if_match_is_412_and_changes_nothing(self):
        p = self.profile_params()
        self.assertEqual(self.client.put("activities/profile", {"v": 1}, params=p,
                                         headers={"If-None-Match": "*"}).status, 204)
        r = self.client.put("activities/profile", {"v": 2}, params=p,
                            headers={"If-Match": '"0000000000000000000000000000000000000000"'})
        self.assertError(r, 412)
        self.assertEqual(self.client.get("activities/profile", params=p).json(), {"v": 1})

    def test_3_1_s4_b5_put_with_current_if_match_succeeds(self):
        p = self.profile_params()
        self.client.put("activities/profile", {"v": 1}, params=p, headers={"If-None-Match": "*"})
        etag = self.client.get("activities/profile", params=p).header("ETag")
        r = self.client.put("activities/profile", {"v": 2}, params=p, headers={"If-Match": etag})
        self.assertEqual(r.status, 204, r)

    def test_3_1_s4_b6_put_with_if_none_match_star_on_existing_is_412(self):
        p = self.profile_params()
        self.client.put("activities/profile", {"v": 1}, params=p, headers={"If-None-Match": "*"})
        r = self.client.put("activities/profile", {"v": 2}, params=p, headers={"If-None-Match": "*"})
        self.assertError(r, 412)

    def test_3_1_s3_b1_profile_put_over_existing_without_headers_is_409(self):
        p = self.profile_params()
        self.client.put("activities/profile", {"v": 1}, params=p, headers={"If-None-Match": "*"})
        self.assertError(self.client.put("activities/profile", {"v": 2}, params=p), 409)

    def test_2_6_agent_profile_round_trip(self):
        p = {"agent": json.dumps(agent("profile-" + uuid.uuid4().hex[:8])), "profileId": "prefs"}
        self.assertEqual(self.client.put("agents/profile", {"lang": "fr"}, params=p,
                                         headers={"If-None-Match": "*"}).status, 204)
        self.assertEqual(self.client.get("agents/profile", params=p).json(), {"lang": "fr"})
        etag = self.client.get("agents/profile", params=p).header("ETag")
        self.assertEqual(self.client.delete("agents/profile", params=p,
                                            headers={"If-Match": etag}).status, 204)
        self.assertError(self.client.get("agents/profile", params=p), 404)

    # ---- 2.4 Agents, 2.5 Activities, 2.8 About ----

    def test_2_4_agents_resource_returns_a_person(self):
        a = agent("person-" + uuid.uuid4().hex[:8])
        self.client.post("statements", statement(actor=dict(a, name="Ana")))
        r = self.client.get("agents", params={"agent": json.dumps(a)})
        self.assertEqual(r.status, 200, r)
        person = r.json()
        self.assertEqual(person["objectType"], "Person")
        self.assertIn(a["mbox"], person["mbox"])

    def test_2_5_activities_resource_returns_the_definition(self):
        act = "http://example.com/activities/def-" + uuid.uuid4().hex
        s = statement(activity=act)
        s["object"]["definition"] = {"name": {"en-US": "Module 3"}}
        self.client.post("statements", s)
        r = self.client.get("activities", params={"activityId": act})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], act)
        self.assertEqual(r.json()["definition"]["name"]["en-US"], "Module 3")

    def test_2_8_about_lists_versions_without_credentials(self):
        r = self.client.get("about", auth=None, version=None)
        self.assertEqual(r.status, 200, r)
        versions = r.json()["version"]
        self.assertTrue(any(v.startswith("1.0") for v in versions), versions)
        self.assertTrue(any(v.startswith("2.0") for v in versions), versions)


if __name__ == "__main__":
    main()
