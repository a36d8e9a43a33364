// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers and example statements for the tests of lrs/xapi.

#ifndef LRS_TESTS_XAPI_XAPI_TEST_UTIL_H_
#define LRS_TESTS_XAPI_XAPI_TEST_UTIL_H_

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "lrs/json/json.h"

namespace lrs::xapi::testing {

inline json::Document Doc(std::string_view text) {
  json::Document d;
  Status s = json::Parse(text, &d);
  INFO(s.ToString() << " in " << text);
  REQUIRE(s.ok());
  return d;
}

// `text` with the first occurrence of `from` replaced by `to` (which must exist).
inline std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  std::size_t pos = s.find(from);
  INFO("'" << from << "' not found");
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
  return s;
}

// `text` with every occurrence of `from` replaced by `to` (at least one).
inline std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  std::size_t pos = s.find(from);
  INFO("'" << from << "' not found");
  REQUIRE(pos != std::string::npos);
  for (; pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// Data Appendix A: the long example statement (as returned by an LRS).
inline constexpr std::string_view kLongExample = R"json({
  "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
  "actor": {
    "name": "Team PB",
    "mbox": "mailto:teampb@example.com",
    "member": [
      {"name": "Andrew Downes",
       "account": {"homePage": "http://www.example.com", "name": "13936749"},
       "objectType": "Agent"},
      {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
      {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
       "objectType": "Agent"}
    ],
    "objectType": "Group"
  },
  "verb": {
    "id": "http://adlnet.gov/expapi/verbs/attended",
    "display": {"en-GB": "attended", "en-US": "attended"}
  },
  "result": {
    "extensions": {
      "http://example.com/profiles/meetings/resultextensions/minuteslocation":
          "X:\\meetings\\minutes\\examplemeeting.one"
    },
    "success": true,
    "completion": true,
    "response": "We agreed on some example actions.",
    "duration": "PT1H0M0S"
  },
  "context": {
    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "contextActivities": {
      "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
      "category": [{
        "id": "http://www.example.com/meetings/categories/teammeeting",
        "objectType": "Activity",
        "definition": {
          "name": {"en": "team meeting"},
          "description": {"en": "A category of meeting used for regular team meetings."},
          "type": "http://example.com/expapi/activities/meetingcategory"
        }
      }],
      "other": [
        {"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"},
        {"id": "http://www.example.com/meetings/occurances/3425567", "objectType": "Activity"}
      ]
    },
    "instructor": {
      "name": "Andrew Downes",
      "account": {"homePage": "http://www.example.com", "name": "13936749"},
      "objectType": "Agent"
    },
    "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
    "platform": "Example virtual meeting software",
    "language": "tlh",
    "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}
  },
  "timestamp": "2013-05-18T05:32:34.804+00:00",
  "stored": "2013-05-18T05:32:34.804+00:00",
  "authority": {
    "account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"},
    "objectType": "Agent"
  },
  "version": "1.0.0",
  "object": {
    "id": "http://www.example.com/meetings/occurances/34534",
    "definition": {
      "extensions": {
        "http://example.com/profiles/meetings/activitydefinitionextensions/room":
            {"name": "Kilby", "id": "http://example.com/rooms/342"}
      },
      "name": {"en-GB": "example meeting", "en-US": "example meeting"},
      "description": {
        "en-GB":
            "An example meeting that happened on a specific occasion with certain people present.",
        "en-US":
            "An example meeting that happened on a specific occasion with certain people present."
      },
      "type": "http://adlnet.gov/expapi/activities/meeting",
      "moreInfo": "http://virtualmeeting.example.com/345256"
    },
    "objectType": "Activity"
  }
})json";

// A statement about a cmi.interaction "matching" Activity (Data Appendix C),
// with a SubStatement-free xAPI 2.0 context.
inline constexpr std::string_view kMatchingStatement = R"json({
  "id": "2a41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "timestamp": "2015-11-18T12:17:00.000Z",
  "actor": {"objectType": "Agent", "name": "Ben", "mbox": "mailto:ben@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/answered",
           "display": {"en-US": "answered", "fr-FR": "a répondu", "de": "beantwortet"}},
  "object": {
    "objectType": "Activity",
    "id": "http://example.com/quiz/kickball/q1",
    "definition": {
      "name": {"en-US": "Kickball teams", "fr-FR": "Équipes de kickball"},
      "description": {"en-US": "Match these people to their kickball team:",
                      "fr-FR": "Associez ces personnes à leur équipe :"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "matching",
      "correctResponsesPattern": ["ben[.]3[,]chris[.]2[,]troy[.]4[,]freddie[.]1"],
      "source": [
        {"id": "ben", "description": {"en-US": "Ben", "fr-FR": "Benoît"}},
        {"id": "chris", "description": {"en-US": "Chris"}},
        {"id": "troy", "description": {"en-US": "Troy"}},
        {"id": "freddie", "description": {"en-US": "Freddie"}}
      ],
      "target": [
        {"id": "1", "description": {"en-US": "Swift Kick in the Grass", "fr-FR": "Coup rapide"}},
        {"id": "2", "description": {"en-US": "We got Runs"}},
        {"id": "3", "description": {"en-US": "Duck"}},
        {"id": "4", "description": {"en-US": "Van Delay Industries"}}
      ]
    }
  },
  "result": {"response": "ben[.]3[,]chris[.]2[,]troy[.]4[,]freddie[.]1", "success": true,
             "score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100}, "duration": "PT1M30S"},
  "context": {
    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "contextActivities": {
      "grouping": [{"objectType": "Activity", "id": "http://example.com/quiz/kickball",
                    "definition": {"name": {"en-US": "Kickball quiz", "fr-FR": "Quiz kickball"}}}]
    },
    "contextAgents": [{
      "objectType": "contextAgent",
      "agent": {"objectType": "Agent", "name": "Coach Chris", "mbox": "mailto:chris@example.com"},
      "relevantTypes": ["http://example.com/types/coach"]
    }],
    "contextGroups": [{
      "objectType": "contextGroup",
      "group": {"objectType": "Group", "name": "Kickball team",
                "member": [{"name": "Troy", "mbox": "mailto:troy@example.com"},
                           {"name": "Freddie", "openid": "http://freddie.openid.example.org/"}]},
      "relevantTypes": ["http://example.com/types/team"]
    }]
  }
})json";

// A statement whose object is a SubStatement (shape of the ADL conformance
// test XAPI-00169/00171: Agent actor, identified Group in the SubStatement).
inline constexpr std::string_view kSubStatement = R"json({
  "actor": {"objectType": "Agent", "name": "xAPI account", "mbox": "mailto:xapi@adlnet.gov"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attended",
           "display": {"en-GB": "attended", "en-US": "attended"}},
  "object": {
    "objectType": "SubStatement",
    "actor": {"objectType": "Group", "name": "Group Identified", "mbox": "mailto:group@adlnet.gov",
              "member": [{"objectType": "Agent", "name": "M", "mbox": "mailto:m@adlnet.gov"}]},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended",
             "display": {"en-GB": "attended", "en-US": "attended", "ja-JP": "出席した"}},
    "object": {
      "objectType": "Activity",
      "id": "http://www.example.com/unicode",
      "definition": {
        "name": {"en": "Other", "en-GB": "attended", "en-US": "attended", "ko-KR": "참석"},
        "description": {"en-US": "On this map, please mark Franklin, TN",
                        "en-GB": "On this map, please mark Franklin, TN"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "moreInfo": "http://virtualmeeting.example.com/345256",
        "interactionType": "other",
        "correctResponsesPattern": ["(35.937432,-86.868896)"],
        "extensions": {"http://example.com/profiles/meetings/extension/reporter":
                       {"name": "Thomas", "id": "http://openid.com/342"}}
      }
    },
    "context": {
      "contextActivities": {
        "category": [{"id": "http://www.example.com/test/array/statements/pri",
                      "definition": {"name": {"en-GB": "GB name", "en-US": "US name"}}}]
      }
    }
  }
})json";

}  // namespace lrs::xapi::testing

#endif  // LRS_TESTS_XAPI_XAPI_TEST_UTIL_H_
