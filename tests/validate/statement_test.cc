// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statement-level rules (Data 2.2, 2.3.2, 2.4, 2.4.1, 2.4.7 - 2.4.10) and the
// example statements of xAPI Data 1.0.3, which must validate.

#include <catch2/catch.hpp>

#include "tests/validate/validate_test_util.h"

namespace lrs::validate::testing {
namespace {

// ---- The specification's examples ---------------------------------------

// Data Appendix A, "A long example Statement showcasing most of the
// properties available" (as returned by an LRS, with authority and stored).
constexpr std::string_view kLongExample = R"({
  "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
  "actor": {
    "name": "Team PB",
    "mbox": "mailto:teampb@example.com",
    "member": [
      {
        "name": "Andrew Downes",
        "account": {
          "homePage": "http://www.example.com",
          "name": "13936749"
        },
        "objectType": "Agent"
      },
      {
        "name": "Toby Nichols",
        "openid": "http://toby.openid.example.org/",
        "objectType": "Agent"
      },
      {
        "name": "Ena Hills",
        "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
        "objectType": "Agent"
      }
    ],
    "objectType": "Group"
  },
  "verb": {
    "id": "http://adlnet.gov/expapi/verbs/attended",
    "display": {
      "en-GB": "attended",
      "en-US": "attended"
    }
  },
  "result": {
    "extensions": {
      "http://example.com/profiles/meetings/resultextensions/minuteslocation": "X:\\meetings\\minutes\\examplemeeting.one"
    },
    "success": true,
    "completion": true,
    "response": "We agreed on some example actions.",
    "duration": "PT1H0M0S"
  },
  "context": {
    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "contextActivities": {
      "parent": [
        {
          "id": "http://www.example.com/meetings/series/267",
          "objectType": "Activity"
        }
      ],
      "category": [
        {
          "id": "http://www.example.com/meetings/categories/teammeeting",
          "objectType": "Activity",
          "definition": {
            "name": {
              "en": "team meeting"
            },
            "description": {
              "en": "A category of meeting used for regular team meetings."
            },
            "type": "http://example.com/expapi/activities/meetingcategory"
          }
        }
      ],
      "other": [
        {
          "id": "http://www.example.com/meetings/occurances/34257",
          "objectType": "Activity"
        },
        {
          "id": "http://www.example.com/meetings/occurances/3425567",
          "objectType": "Activity"
        }
      ]
    },
    "instructor": {
      "name": "Andrew Downes",
      "account": {
        "homePage": "http://www.example.com",
        "name": "13936749"
      },
      "objectType": "Agent"
    },
    "team": {
      "name": "Team PB",
      "mbox": "mailto:teampb@example.com",
      "objectType": "Group"
    },
    "platform": "Example virtual meeting software",
    "language": "tlh",
    "statement": {
      "objectType": "StatementRef",
      "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"
    }
  },
  "timestamp": "2013-05-18T05:32:34.804+00:00",
  "stored": "2013-05-18T05:32:34.804+00:00",
  "authority": {
    "account": {
      "homePage": "http://cloud.scorm.com/",
      "name": "anonymous"
    },
    "objectType": "Agent"
  },
  "version": "1.0.0",
  "object": {
    "id": "http://www.example.com/meetings/occurances/34534",
    "definition": {
      "extensions": {
        "http://example.com/profiles/meetings/activitydefinitionextensions/room": {
          "name": "Kilby",
          "id": "http://example.com/rooms/342"
        }
      },
      "name": {
        "en-GB": "example meeting",
        "en-US": "example meeting"
      },
      "description": {
        "en-GB": "An example meeting that happened on a specific occasion with certain people present.",
        "en-US": "An example meeting that happened on a specific occasion with certain people present."
      },
      "type": "http://adlnet.gov/expapi/activities/meeting",
      "moreInfo": "http://virtualmeeting.example.com/345256"
    },
    "objectType": "Activity"
  }
})";

// Data Appendix A, the simple statement (its line breaks joined).
constexpr std::string_view kSimpleExample = R"({
  "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "timestamp": "2015-11-18T12:17:00+00:00",
  "actor": {
    "objectType": "Agent",
    "name": "Project Tin Can API",
    "mbox": "mailto:user@example.com"
  },
  "verb": {
    "id": "http://example.com/xapi/verbs#sent-a-statement",
    "display": {
      "en-US": "sent"
    }
  },
  "object": {
    "id": "http://example.com/xapi/activity/simplestatement",
    "definition": {
      "name": {
        "en-US": "simple statement"
      },
      "description": {
        "en-US": "A simple Experience API statement. Note that the LRS does not need to have any prior information about the Actor (learner), the verb, or the Activity/object."
      }
    }
  }
})";

// Data Appendix A, completion with a duration in seconds.
constexpr std::string_view kCompletionExample = R"({
  "id": "7ccd3322-e1a5-411a-a67d-6a735c76f119",
  "timestamp": "2015-12-18T12:17:00+00:00",
  "actor": {
    "objectType": "Agent",
    "name": "Example Learner",
    "mbox": "mailto:example.learner@adlnet.gov"
  },
  "verb": {
    "id": "http://adlnet.gov/expapi/verbs/attempted",
    "display": {
      "en-US": "attempted"
    }
  },
  "object": {
    "id": "http://example.adlnet.gov/xapi/example/simpleCBT",
    "definition": {
      "name": {
        "en-US": "simple CBT course"
      },
      "description": {
        "en-US": "A fictitious example CBT course."
      }
    }
  },
  "result": {
    "score": {
      "scaled": 0.95
    },
    "success": true,
    "completion": true,
    "duration": "PT1234S"
  }
})";

// Data 2.3.2.s3: a voiding statement.
constexpr std::string_view kVoidingExample = R"({
  "actor": {
    "objectType": "Agent",
    "name": "Example Admin",
    "mbox": "mailto:admin@example.adlnet.gov"
  },
  "verb": {
    "id": "http://adlnet.gov/expapi/verbs/voided",
    "display": {
      "en-US": "voided"
    }
  },
  "object": {
    "objectType": "StatementRef",
    "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"
  }
})";

// Data Appendix D: the signed statement.
constexpr std::string_view kSignedExample = R"({
  "version": "1.0.0",
  "id": "33cff416-e331-4c9d-969e-5373a1756120",
  "actor": {
    "mbox": "mailto:example@example.com",
    "name": "Example Learner",
    "objectType": "Agent"
  },
  "verb": {
    "id": "http://adlnet.gov/expapi/verbs/experienced",
    "display": {
      "en-US": "experienced"
    }
  },
  "object": {
    "id": "https://www.youtube.com/watch?v=xh4kIiH3Sm8",
    "objectType": "Activity",
    "definition": {
      "name": {
        "en-US": "Tax Tips & Information : How to File a Tax Return "
      },
      "description": {
        "en-US": "Filing a tax return will require filling out either a 1040, 1040A or 1040EZ form"
      }
    }
  },
  "timestamp": "2013-04-01T12:00:00Z",
  "attachments": [
    {
      "usageType": "http://adlnet.gov/expapi/attachments/signature",
      "display": {
        "en-US": "Signature"
      },
      "description": {
        "en-US": "A test signature"
      },
      "contentType": "application/octet-stream",
      "length": 4235,
      "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"
    }
  ]
})";

TEST_CASE("Data Appendix A: the example statements are valid", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorOf(kLongExample, v) == "");
    CHECK(ErrorOf(kSimpleExample, v) == "");
    CHECK(ErrorOf(kCompletionExample, v) == "");
  }
}

TEST_CASE("Data 2.4.s2: the simplest statement is valid", "[validate][1.0.3][2.0.0]") {
  constexpr std::string_view kSimplest = R"({
      "id": "12345678-1234-5678-1234-567812345678",
      "actor":{"mbox":"mailto:xapi@adlnet.gov"},
      "verb":{"id":"http://adlnet.gov/expapi/verbs/created", "display":{"en-US":"created"}},
      "object":{"id":"http://example.adlnet.gov/xapi/example/activity"}})";
  CHECK(ErrorOf(kSimplest, k103) == "");
  CHECK(ErrorOf(kSimplest, k200) == "");
  CHECK(ErrorOf(kMinimal, k103) == "");
}

TEST_CASE("Data 2.3.2.s3: the voiding example is valid", "[validate][1.0.3][2.0.0]") {
  CHECK(ErrorOf(kVoidingExample, k103) == "");
  CHECK(ErrorOf(kVoidingExample, k200) == "");
}

TEST_CASE("Data Appendix D: the signed statement example is valid", "[validate][1.0.3][2.0.0]") {
  CHECK(ErrorOf(kSignedExample, k103) == "");
  CHECK(ErrorOf(kSignedExample, k200) == "");
}

// ---- Data 2.2: formatting ---------------------------------------------------

TEST_CASE("Data 2.2: a statement must be a JSON object", "[validate][1.0.3]") {
  CHECK(ErrorOf("[]") == "statement: must be a JSON object");
  CHECK(ErrorOf("\"statement\"") == "statement: must be a JSON object");
  CHECK(ErrorOf("null") == "statement: must not be null");
}

TEST_CASE("Data 2.2.s2.b3: actor, verb and object are required", "[validate][1.0.3]") {
  CHECK(ErrorOf(Remove(kMinimal, "/actor")) == "statement: missing required property \"actor\"");
  CHECK(ErrorOf(Remove(kMinimal, "/verb")) == "statement: missing required property \"verb\"");
  CHECK(ErrorOf(Remove(kMinimal, "/object")) == "statement: missing required property \"object\"");
}

TEST_CASE("Data 2.2.s2.b2: a property used twice is rejected", "[validate][1.0.3]") {
  CHECK(ErrorOf(R"({"actor":{"mbox":"mailto:a@example.com"},"actor":{"mbox":"mailto:b@example.com"},
                   "verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}})") ==
        "statement: duplicate property \"actor\"");
  CHECK(ErrorOf(R"({"actor":{"mbox":"mailto:a@example.com","mbox":"mailto:a@example.com"},
                   "verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}})") ==
        "actor: duplicate property \"mbox\"");
  CHECK(ErrorOf(R"({"actor":{"mbox":"mailto:a@example.com"},
                   "verb":{"id":"http://e.com/v","display":{"en":"a","en":"b"}},
                   "object":{"id":"http://e.com/a"}})") ==
        "verb.display: duplicate property \"en\"");
  CHECK(ErrorOf(R"({"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://e.com/v"},
                   "object":{"id":"http://e.com/a"},
                   "result":{"extensions":{"http://e.com/x":1,"http://e.com/x":2}}})") ==
        "result.extensions: duplicate property \"http://e.com/x\"");
  // Also inside extension values, where the meaning would be ambiguous.
  CHECK(ErrorOf(R"({"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://e.com/v"},
                   "object":{"id":"http://e.com/a"},
                   "result":{"extensions":{"http://e.com/x":{"a":[{"b":1,"b":2}]}}}})") ==
        "result.extensions.http://e.com/x.a[0]: duplicate property \"b\"");
}

TEST_CASE("Data 2.2.s2.b2: duplicate detection handles large objects", "[validate][1.0.3]") {
  std::string ext = "{";
  for (int i = 0; i < 100; ++i) {
    ext += "\"http://e.com/x" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  }
  CHECK(ErrorWith(kMinimal, "/result/extensions", ext + "\"http://e.com/y\":0}") == "");
  std::string stmt = R"({"actor":{"mbox":"mailto:a@e.com"},"verb":{"id":"http://e.com/v"},
      "object":{"id":"http://e.com/a"},"result":{"extensions":)" +
                     ext + "\"http://e.com/x42\":0}}}";
  CHECK(ErrorOf(stmt) == "result.extensions: duplicate property \"http://e.com/x42\"");
}

TEST_CASE("Data 2.2.s4.b1.b1: null values are rejected, except inside extensions",
          "[validate][1.0.3]") {
  CHECK(ErrorWith(kMinimal, "/actor/name", "null") == "actor.name: must not be null");
  CHECK(ErrorWith(kMinimal, "/verb/display", "null") == "verb.display: must not be null");
  CHECK(ErrorWith(kMinimal, "/verb/display/en-US", "null") ==
        "verb.display.en-US: must not be null");
  CHECK(ErrorWith(kMinimal, "/context", "null") == "context: must not be null");
  CHECK(ErrorWith(kMinimal, "/object", "null") == "object: must not be null");
  CHECK(ErrorWith(kMinimal, "/id", "null") == "id: must not be null");
  CHECK(ErrorWith(kMinimal, "/result/extensions", "null") == "result.extensions: must not be null");
  CHECK(ErrorWith(kMinimal, "/result/extensions", R"({"http://example.com/ex": null})") == "");
  CHECK(ErrorWith(kMinimal, "/context/extensions", R"({"http://example.com/ex": {"a": null}})") ==
        "");
}

TEST_CASE("Data 2.2.s4.b1.b2, b3: wrong data types are rejected", "[validate][1.0.3]") {
  CHECK(ErrorWith(kMinimal, "/result/score", R"({"scaled": "0.5"})") ==
        "result.score.scaled: must be a number");
  CHECK(ErrorWith(kMinimal, "/result/success", "\"true\"") == "result.success: must be a boolean");
  CHECK(ErrorWith(kMinimal, "/result/completion", "1") == "result.completion: must be a boolean");
  CHECK(ErrorWith(kMinimal, "/actor/name", "123") == "actor.name: must be a string");
  CHECK(ErrorWith(kMinimal, "/verb", "\"http://e.com/v\"") == "verb: must be a JSON object");
}

TEST_CASE("Data 2.2.s4.b1.b5: property names are case sensitive", "[validate][1.0.3]") {
  CHECK(ErrorOf(R"({"Actor":{"mbox":"mailto:a@e.com"},"verb":{"id":"http://e.com/v"},
                   "object":{"id":"http://e.com/a"}})") == "statement: unknown property \"Actor\"");
  CHECK(ErrorWith(kMinimal, "/verb/ID", "\"http://e.com/v\"") == "verb: unknown property \"ID\"");
}

TEST_CASE("Data 2.2.s4.b1.b7: properties the specification does not define are rejected",
          "[validate][1.0.3][2.0.0]") {
  CHECK(ErrorWith(kMinimal, "/foo", "1") == "statement: unknown property \"foo\"");
  CHECK(ErrorWith(kMinimal, "/objectType", "\"Statement\"") ==
        "statement: unknown property \"objectType\"");
  CHECK(ErrorWith(kMinimal, "/actor/foo", "1") == "actor: unknown property \"foo\"");
  CHECK(ErrorWith(kMinimal, "/verb/foo", "1") == "verb: unknown property \"foo\"");
  CHECK(ErrorWith(kMinimal, "/object/foo", "1") == "object: unknown property \"foo\"");
  CHECK(ErrorWith(kMinimal, "/object/definition/foo", "1") ==
        "object.definition: unknown property \"foo\"");
  CHECK(ErrorWith(kMinimal, "/result/foo", "1", k200) == "result: unknown property \"foo\"");
  CHECK(ErrorWith(kMinimal, "/context/foo", "1", k200) == "context: unknown property \"foo\"");
}

TEST_CASE("Data 2.2.s4.b1.b7: very long unknown names are cut in messages", "[validate][1.0.3]") {
  std::string name(500, 'z');
  std::string msg = ErrorWith(kMinimal, ("/" + name).c_str(), "1");
  CHECK(msg == "statement: unknown property \"" + std::string(80, 'z') + "...\"");
}

// ---- Data 2.4.1: id -----------------------------------------------------------

TEST_CASE("Data 2.4.1: id must be a UUID", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kMinimal, "/id", "\"AA97B177-9383-4934-8543-0F91A7A028368\"", v) ==
          "id: must be a UUID (8-4-4-4-12 hex digits)");
    CHECK(ErrorWith(kMinimal, "/id", "\"MA97B177-9383-4934-8543-0F91A7A02836\"", v) ==
          "id: must be a UUID (8-4-4-4-12 hex digits)");
    CHECK(ErrorWith(kMinimal, "/id", "12345", v) == "id: must be a string");
    CHECK(ErrorWith(kMinimal, "/id", "\"\"", v) == "id: must be a UUID (8-4-4-4-12 hex digits)");
    CHECK(ErrorOf(Remove(kMinimal, "/id"), v) == "");  // Data 2.4.1.s2.b1: the LRS assigns one
  }
}

// ---- Data 2.3.2: voiding ------------------------------------------------------

TEST_CASE("Data 2.3.2.s2.b1: a voiding statement's object must be a StatementRef",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kVoidingExample, "/object",
                    R"({"objectType":"Activity","id":"http://www.example.com/a"})",
                    v) == "object: a voiding statement's object must be a StatementRef");
    CHECK(ErrorWith(kVoidingExample, "/object", R"({"id":"http://www.example.com/a"})", v) ==
          "object: a voiding statement's object must be a StatementRef");
  }
  // A SubStatement voids nothing.
  CHECK(ErrorWith(kMinimal, "/object", R"({"objectType":"SubStatement",
      "actor":{"mbox":"mailto:a@e.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},
      "object":{"id":"http://e.com/a"}})") == "");
}

// ---- Data 2.4.7, 2.4.8, 4.5: timestamp and stored -----------------------------

TEST_CASE("Data 2.4.7: timestamp must be an ISO 8601 timestamp", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kMinimal, "/timestamp", "\"2013-05-18T05:32:34.804+00:00\"", v) == "");
    CHECK(ErrorWith(kMinimal, "/timestamp", "\"2999-01-01T00:00:00Z\"", v) == "");  // 2.4.7.s3.b6
    CHECK(ErrorWith(kMinimal, "/timestamp", "\"01/011/2015\"", v) ==
          "timestamp: must be an ISO 8601 timestamp");
    CHECK(ErrorWith(kMinimal, "/timestamp", "12345", v) == "timestamp: must be a string");
    CHECK(ErrorWith(kMinimal, "/timestamp", "\"2008-09-15T15:53:00.601-00:00\"", v) ==
          "timestamp: must be an ISO 8601 timestamp");
  }
}

TEST_CASE("Data 4.5.s1.b4: a timestamp without time zone is accepted under 1.0.3 only",
          "[validate][1.0.3][2.0.0]") {
  CHECK(ErrorWith(kMinimal, "/timestamp", "\"2013-05-18T05:32:34.804\"", k103) == "");
  CHECK(ErrorWith(kMinimal, "/timestamp", "\"2013-05-18T05:32:34.804\"", k200) ==
        "timestamp: must include a time zone offset (xAPI 2.0.0)");
  CHECK(ErrorWith(kMinimal, "/stored", "\"2013-05-18T05:32:34.804\"", k200) ==
        "stored: must include a time zone offset (xAPI 2.0.0)");
}

TEST_CASE("Data 2.4.8: stored must be an ISO 8601 timestamp", "[validate][1.0.3][2.0.0]") {
  CHECK(ErrorWith(kMinimal, "/stored", "\"2013-05-18T05:32:34.804Z\"") == "");
  CHECK(ErrorWith(kMinimal, "/stored", "\"yesterday\"") == "stored: must be an ISO 8601 timestamp");
  CHECK(ErrorWith(kMinimal, "/stored", "true", k200) == "stored: must be a string");
}

// ---- Data 2.4.10: version -----------------------------------------------------

TEST_CASE("Data 2.4.10.s3: version must start with 1.0 under 1.0.3", "[validate][1.0.3]") {
  for (const char* ok : {"\"1.0\"", "\"1.0.0\"", "\"1.0.3\"", "\"1.0.9\""}) {
    CHECK(ErrorWith(kMinimal, "/version", ok, k103) == "");
  }
  for (const char* bad : {"\"2.0.0\"", "\"1.1.0\"", "\"0.9.9\"", "\"should fail\"", "\"\""}) {
    INFO(bad);
    CHECK(ErrorWith(kMinimal, "/version", bad, k103) == "version: must be \"1.0\" or \"1.0.x\"");
  }
  CHECK(ErrorWith(kMinimal, "/version", "1.0", k103) == "version: must be a string");
}

TEST_CASE("Data 2.4.10 (2.0.0): version may be 1.0.x or 2.0.x under 2.0.0", "[validate][2.0.0]") {
  for (const char* ok : {"\"1.0\"", "\"1.0.0\"", "\"1.0.9\"", "\"2.0\"", "\"2.0.0\""}) {
    CHECK(ErrorWith(kMinimal, "/version", ok, k200) == "");
  }
  for (const char* bad : {"\"1.1.0\"", "\"0.9.9\"", "\"2.1.0\"", "\"3.0.0\"", "\"should fail\""}) {
    INFO(bad);
    CHECK(ErrorWith(kMinimal, "/version", bad, k200) ==
          "version: must be \"1.0\", \"1.0.x\", \"2.0\" or \"2.0.x\"");
  }
}

TEST_CASE("Data 2.4.9: authority is validated as an Agent or an OAuth Group",
          "[validate][1.0.3][2.0.0]") {
  CHECK(ErrorWith(kMinimal, "/authority", R"({"mbox":"mailto:auth@example.com"})") == "");
  CHECK(ErrorWith(kMinimal, "/authority", R"({"mbox":"auth@example.com"})") ==
        "authority.mbox: must be a mailto: IRI");
}

TEST_CASE("Validation is repeatable on an already normalized statement", "[validate]") {
  std::string once = Normalized(kLongExample, k200);
  CHECK(Normalized(once, k200) == once);
}

}  // namespace
}  // namespace lrs::validate::testing
