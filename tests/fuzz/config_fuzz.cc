// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// libFuzzer target for configuration: the daemon's TOML file
// (lrs/daemon/config.h LoadConfigString, then Validate and SyncDestinations)
// and the sync destinations and mappings it carries as JSON
// (lrs/sync/destination.h via ValidateDestinations, lrs/sync/mapping.h).
// Each input is read as TOML, and when it is JSON also as:
//  - an array: a destinations list; [config, statement] also as a mapping
//    and a statement to map;
//  - an object: one destination, and a mapping config.
// Invariants:
//  - loading never throws and fails only with InvalidArgument and a message
//    (a message "config fuzz.toml: ..." would be an exception other than
//    toml11's, caught by the loader's last resort: reported as a finding),
//    never with a JSON syntax error (sync destinations go from TOML to JSON
//    inside the loader);
//  - Validate and SyncDestinations of a loaded config fail only with
//    InvalidArgument; ValidateDestinations and Mapping::Parse likewise;
//  - a parsed mapping's version is 16 hex digits and the same when parsed
//    again; Map gives InvalidArgument or a record whose properties and
//    contact are JSON objects of flat values (no object or array).
// The kafka connector type is replaced by a stub: the real one starts a
// librdkafka producer (threads, DNS lookups of the brokers) for each check.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "lrs/daemon/config.h"
#include "lrs/json/json.h"
#include "lrs/sync/connector.h"
#include "lrs/sync/mapping.h"
#include "lrs/sync/relay.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

void CheckInvalid(const lrs::Status& s) {
  Check(s.ok() || s.IsInvalidArgument());
  Check(s.ok() || !s.message().empty());
}

// Statements to map: every part the default fields read; a Group with a
// SubStatement; the least a statement holds.
constexpr std::string_view kStatements[] = {
    R"J({"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
      "actor":{"objectType":"Agent","name":"Ann","mbox":"mailto:Ann@Example.com"},
      "verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"fr":"terminé","en-US":"completed"}},
      "object":{"objectType":"Activity","id":"https://lms.example.com/course/42/module/3",
        "definition":{"name":{"de":"Modul 3","en-US":"Module 3"},"type":"http://adlnet.gov/expapi/activities/module"}},
      "result":{"success":true,"completion":true,"score":{"scaled":0.85,"raw":85,"min":0,"max":100},
        "duration":"PT1H2M3.5S","response":"I liked the second video"},
      "context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "contextActivities":{"grouping":[{"id":"https://lms.example.com/course/42"}],
          "parent":[{"id":"https://lms.example.com/course/42/module"}]},
        "extensions":{"http://example.com/ext/cohort":"2026-spring","http://example.com/ext/seat":{"row":3}}},
      "timestamp":"2026-03-01T10:11:12.345+01:00","stored":"2026-03-01T09:11:13.000Z"})J",
    R"J({"actor":{"objectType":"Group","name":"Team","account":{"homePage":"https://lms.example.com/","name":"t1"},
        "member":[{"mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}]},
      "verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
      "object":{"objectType":"SubStatement","actor":{"openid":"http://openid.example.com/carl"},
        "verb":{"id":"http://adlnet.gov/expapi/verbs/passed"},
        "object":{"id":"http://example.com/a"},"result":{"response":"secret"}},
      "result":{"duration":"P1Y2M3W4DT5H6M7.25S","score":{"scaled":-1}},
      "timestamp":"2026-01-01T00:00:00Z"})J",
    R"J({"actor":{"mbox":"mailto:b@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"}})J",
};

// The kafka type without librdkafka: accepts any settings.
class StubConnector final : public lrs::sync::Connector {
 public:
  std::size_t max_batch() const override { return 1; }
  lrs::sync::DeliveryResult Deliver(const std::vector<const lrs::sync::OutRecord*>&) override {
    return lrs::sync::DeliveryResult::Unavailable("stub");
  }
};

void Setup() {
  static const bool done = [] {
    lrs::sync::RegisterConnector(
        "kafka", [](const lrs::sync::ConnectorContext&,
                    std::unique_ptr<lrs::sync::Connector>* out) {
          *out = std::make_unique<StubConnector>();
          return lrs::Status::OK();
        });
    return true;
  }();
  (void)done;
}

// Properties and contact: a JSON object of flat values.
void CheckFlatObject(const std::string& text) {
  lrs::json::Document d;
  Check(lrs::json::Parse(text, &d).ok());
  Check(d.IsObject());
  // By index: clang 14 warns on RapidJSON's iterator comparisons in C++20.
  for (rapidjson::SizeType i = 0; i < d.MemberCount(); ++i) {
    const lrs::json::Value& v = (d.MemberBegin() + i)->value;
    Check(!v.IsObject() && !v.IsArray());
  }
}

void MapOne(const lrs::sync::Mapping& m, const lrs::json::Value& statement) {
  (void)m.Matches(statement);
  lrs::sync::MappedRecord r;
  lrs::Status s = m.Map(statement, &r);
  CheckInvalid(s);
  if (!s.ok()) return;
  CheckFlatObject(r.properties);
  CheckFlatObject(r.contact);
}

void ParseMapping(const lrs::json::Value& config, const lrs::json::Value* statement) {
  for (lrs::sync::CategorySet allowed :
       {unsigned{lrs::sync::kEngagement}, unsigned{lrs::sync::kEducation},
        unsigned{lrs::sync::kEngagement | lrs::sync::kEducation}}) {
    std::unique_ptr<lrs::sync::Mapping> m;
    lrs::Status s = lrs::sync::Mapping::Parse(config, allowed, &m);
    CheckInvalid(s);
    if (!s.ok()) return;  // the same for every category set
    Check(m != nullptr);
    const std::string& v = m->version();
    Check(v.size() == 16 && v.find_first_not_of("0123456789abcdef") == std::string::npos);
    std::unique_ptr<lrs::sync::Mapping> again;
    Check(lrs::sync::Mapping::Parse(config, allowed, &again).ok());
    Check(again->version() == v);
    for (std::string_view text : kStatements) {
      lrs::json::Document st;
      Check(lrs::json::Parse(text, &st).ok());
      MapOne(*m, st);
    }
    if (statement != nullptr) MapOne(*m, *statement);
  }
}

void LoadToml(std::string_view text) {
  lrs::daemon::Config config;
  lrs::Status s = lrs::daemon::LoadConfigString(text, "fuzz.toml", &config);
  CheckInvalid(s);
  if (!s.ok()) {
    // Only toml11's exceptions and the loader's own checks: any other
    // exception is caught as "config fuzz.toml: what()".
    Check(s.message().rfind("config fuzz.toml: ", 0) != 0);
    // The TOML the loader converts to JSON is always well-formed JSON (a
    // message may quote the input, so only the position is telling).
    Check(s.message().rfind("fuzz.toml: sync.invalid JSON", 0) != 0);
    return;
  }
  CheckInvalid(lrs::daemon::Validate(config));
  std::map<std::string, std::string> by_store;
  lrs::Status d = lrs::daemon::SyncDestinations(config, &by_store);
  CheckInvalid(d);
  // A loaded file's destinations were checked when it was read.
  Check(d.ok());
  for (const auto& [store, json] : by_store) {
    lrs::json::Document doc;
    Check(lrs::json::Parse(json, &doc).ok() && doc.IsArray());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  Setup();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  LoadToml(input);

  lrs::json::Document doc;
  if (!lrs::json::Parse(input, &doc).ok()) return 0;
  if (doc.IsArray()) {
    CheckInvalid(lrs::sync::ValidateDestinations(std::string(input)));
    if (doc.Size() == 2 && doc[0].IsObject() && doc[1].IsObject()) ParseMapping(doc[0], &doc[1]);
  } else if (doc.IsObject()) {
    CheckInvalid(lrs::sync::ValidateDestinations("[" + std::string(input) + "]"));
    ParseMapping(doc, nullptr);
  }
  lrs::sync::CategorySet categories = 0;
  lrs::Status s = lrs::sync::ParseCategories(doc, "categories", &categories);
  CheckInvalid(s);
  if (s.ok()) Check(categories != 0 && (categories & ~3u) == 0);
  return 0;
}
