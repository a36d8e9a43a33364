// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// ClickHouse connector: batched inserts over ClickHouse's HTTP interface
// (https://clickhouse.com/docs/en/interfaces/http), one flattened row per
// statement, into the table whose DDL ships in
// scripts/clickhouse/xapi_statements.sql.
//
// One Deliver is one request:
//   POST <url>/?query=INSERT INTO `db`.`table` FORMAT JSONEachRow
//        &input_format_skip_unknown_fields=1&wait_end_of_query=1
//   body: one JSON object per line (FlattenStatement below)
// A batch is far below max_insert_block_size (1,048,576 rows), so it is one
// block: ClickHouse writes all of it or none of it. The table is a
// ReplacingMergeTree ordered by (date, id), so a batch sent twice (the
// relay crashed before it recorded the delivery, or the answer was lost)
// leaves duplicates only until the next merge, and `FINAL` never sees them.
// Columns missing from the table are skipped (an operator may drop some);
// rows are inserted by column name.
//
// Settings: "url" (http:// or https://, e.g. "http://127.0.0.1:8123";
// required), "database" (default "default"), "table" (default
// "xapi_statements"), "user" (default "default") and the secret setting
// "password" (sent as X-ClickHouse-User / X-ClickHouse-Key headers, never
// in the URL), "batch_size" (rows per insert, default 1000, at most
// 100000), "timeout_ms" (default 30000). Whole statements carry education
// data (scores, responses), so the destination's categories must include
// education (they do unless narrowed).
//
// Responses: 200 delivers the batch. An error whose ClickHouse code says
// the data could not be read into the table (a value that does not fit a
// column the operator changed, say) splits the batch in halves until the
// rows at fault are alone; those are rejected with ClickHouse's message and
// the others delivered. Every other failure (connection refused, timeouts,
// 401 unknown user or wrong password, 404 unknown table, 5xx such as too
// many parts or memory limits) makes the destination unavailable: the relay
// backs off and sends the whole batch again later, nothing dead-lettered.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lrs/common/encoding.h"
#include "lrs/common/time.h"
#include "lrs/sync/connector.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::sync {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

const json::Value* Path(const json::Value* v, std::initializer_list<std::string_view> steps) {
  for (std::string_view s : steps) {
    if (!v || !v->IsObject()) return nullptr;
    v = json::Member(*v, s);
  }
  return v;
}

std::string_view StrAt(const json::Value* v) {
  return v && v->IsString() ? json::View(*v) : std::string_view();
}

// A language map's text: en-US, else en, else the first entry.
std::string_view LangText(const json::Value* map) {
  if (!map || !map->IsObject() || map->MemberCount() == 0) return {};
  for (std::string_view tag : {"en-US", "en"}) {
    if (std::string_view s = StrAt(json::Member(*map, tag)); !s.empty()) return s;
  }
  return StrAt(&map->MemberBegin()->value);
}

void Nullable(Writer& w, const json::Value* v) {
  if (v && v->IsInt64()) {  // as written: an integer column takes 39, not 39.0
    w.Int64(v->GetInt64());
  } else if (v && v->IsUint64()) {
    w.Uint64(v->GetUint64());
  } else if (v && v->IsNumber()) {
    w.Double(v->GetDouble());
  } else {
    w.Null();
  }
}

void NullableBool(Writer& w, const json::Value* v) {
  if (v && v->IsBool()) {
    w.Uint(v->GetBool() ? 1 : 0);
  } else {
    w.Null();
  }
}

void NullableString(Writer& w, std::string_view s) {
  if (s.empty()) {
    w.Null();
  } else {
    Str(w, s);
  }
}

void Ids(Writer& w, const json::Value* ctx_acts, std::string_view kind) {
  w.StartArray();
  const json::Value* list = ctx_acts && ctx_acts->IsObject() ? json::Member(*ctx_acts, kind) : nullptr;
  auto one = [&](const json::Value& a) {
    if (std::string_view id = StrAt(Path(&a, {"id"})); !id.empty()) Str(w, id);
  };
  if (list && list->IsArray()) {
    for (const auto& a : list->GetArray()) one(a);
  } else if (list && list->IsObject()) {
    one(*list);  // 0.95-style single object (not valid xAPI 1.0, but harmless)
  }
  w.EndArray();
}

std::string AgentKey(const json::Value* agent) {
  std::string key;
  if (agent && agent->IsObject() && xapi::AgentIdentityKey(*agent, &key)) return key;
  return {};
}

std::int64_t TimeMs(std::string_view iso) {
  ParsedTime t;
  if (!ParseIso8601(iso, &t)) return 0;
  return t.micros >= 0 ? t.micros / 1000 : -((-t.micros + 999) / 1000);
}

std::string Day(std::int64_t ms) {
  if (ms < 0) ms = 0;  // Date starts at 1970-01-01
  const std::string iso = FormatIso8601Millis(ms * 1000);
  return iso.substr(0, 10);
}

}  // namespace

// One row of scripts/clickhouse/xapi_statements.sql for a stored statement
// (exact JSON), with `learner` as actor_id. False when the statement is not
// a JSON object.
bool FlattenStatement(std::string_view statement, const std::string& learner, std::string* row) {
  json::Document d;
  if (!json::Parse(statement, &d).ok() || !d.IsObject()) return false;
  rapidjson::StringBuffer sb;
  Writer w(sb);
  const std::int64_t ts = TimeMs(StrAt(Path(&d, {"timestamp"})));
  const json::Value* actor = Path(&d, {"actor"});
  const json::Value* object = Path(&d, {"object"});
  const json::Value* result = Path(&d, {"result"});
  const json::Value* context = Path(&d, {"context"});
  const json::Value* score = Path(result, {"score"});
  const std::string_view verb = StrAt(Path(&d, {"verb", "id"}));
  std::string_view object_type = StrAt(Path(object, {"objectType"}));
  if (object_type.empty()) object_type = "Activity";

  w.StartObject();
  w.Key("id");
  Str(w, StrAt(Path(&d, {"id"})));
  w.Key("timestamp");
  w.Int64(std::max<std::int64_t>(0, std::min<std::int64_t>(ts / 1000, 4294967295LL)));
  w.Key("timestamp_ms");
  w.Int64(ts);
  w.Key("stored_ms");
  w.Int64(TimeMs(StrAt(Path(&d, {"stored"}))));
  w.Key("date");
  Str(w, Day(ts));
  w.Key("version");
  Str(w, StrAt(Path(&d, {"version"})).empty() ? "1.0.0" : StrAt(Path(&d, {"version"})));
  w.Key("actor_id");
  Str(w, learner);
  w.Key("actor_name");
  Str(w, StrAt(Path(actor, {"name"})));
  w.Key("actor_type");
  Str(w, StrAt(Path(actor, {"objectType"})).empty() ? "Agent" : StrAt(Path(actor, {"objectType"})));
  w.Key("verb_id");
  Str(w, verb);
  w.Key("verb_display");
  Str(w, LangText(Path(&d, {"verb", "display"})));
  w.Key("object_type");
  Str(w, object_type);
  w.Key("object_id");
  if (object_type == "Agent" || object_type == "Group") {
    Str(w, AgentKey(object));
  } else if (object_type == "SubStatement") {
    Str(w, "");
  } else {
    Str(w, StrAt(Path(object, {"id"})));
  }
  w.Key("object_name");
  Str(w, LangText(Path(object, {"definition", "name"})));
  w.Key("object_definition_type");
  Str(w, StrAt(Path(object, {"definition", "type"})));
  for (const char* part : {"scaled", "raw", "min", "max"}) {
    w.Key(("result_score_" + std::string(part)).c_str());
    Nullable(w, Path(score, {part}));
  }
  w.Key("result_success");
  NullableBool(w, Path(result, {"success"}));
  w.Key("result_completion");
  NullableBool(w, Path(result, {"completion"}));
  w.Key("result_duration_ms");
  double secs;
  if (std::string_view dur = StrAt(Path(result, {"duration"}));
      !dur.empty() && ParseIso8601Duration(dur, &secs) && std::isfinite(secs) && secs < 9e15) {
    w.Int64(static_cast<std::int64_t>(std::llround(secs * 1000)));
  } else {
    w.Null();
  }
  w.Key("result_response");
  Str(w, StrAt(Path(result, {"response"})));
  w.Key("registration");
  NullableString(w, StrAt(Path(context, {"registration"})));
  const json::Value* acts = Path(context, {"contextActivities"});
  w.Key("parent_ids");
  Ids(w, acts, "parent");
  w.Key("grouping_ids");
  Ids(w, acts, "grouping");
  w.Key("category_ids");
  Ids(w, acts, "category");
  w.Key("instructor_id");
  Str(w, AgentKey(Path(context, {"instructor"})));
  w.Key("platform");
  Str(w, StrAt(Path(context, {"platform"})));
  w.Key("language");
  Str(w, StrAt(Path(context, {"language"})));
  w.Key("voided_id");
  NullableString(w, verb == "http://adlnet.gov/expapi/verbs/voided" && object_type == "StatementRef"
                        ? StrAt(Path(object, {"id"}))
                        : std::string_view());
  w.Key("authority_id");
  {
    const json::Value* auth = Path(&d, {"authority"});
    std::string key = AgentKey(auth);
    if (key.empty() && auth && auth->IsObject()) {
      // An OAuth authority is a two-member group: its members' keys.
      if (const json::Value* m = json::Member(*auth, "member"); m && m->IsArray()) {
        for (const auto& x : m->GetArray()) {
          std::string k = AgentKey(&x);
          if (!k.empty()) key += (key.empty() ? "" : ",") + k;
        }
      }
    }
    Str(w, key);
  }
  w.Key("statement");
  Str(w, statement);
  w.EndObject();
  row->assign(sb.GetString(), sb.GetSize());
  return true;
}

namespace {

// ClickHouse error codes (src/Common/ErrorCodes.cpp) that mean "this data
// cannot go into this table": the rows are at fault, not the server.
bool DataErrorCode(int code) {
  switch (code) {
    case 6:    // CANNOT_PARSE_TEXT
    case 26:   // CANNOT_PARSE_QUOTED_STRING
    case 27:   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
    case 32:   // ATTEMPT_TO_READ_AFTER_EOF
    case 38:   // CANNOT_PARSE_DATE
    case 41:   // CANNOT_PARSE_DATETIME
    case 53:   // TYPE_MISMATCH
    case 69:   // ARGUMENT_OUT_OF_BOUND
    case 70:   // CANNOT_CONVERT_TYPE
    case 72:   // CANNOT_PARSE_NUMBER
    case 117:  // INCORRECT_DATA
    case 131:  // TOO_LARGE_STRING_SIZE
    case 349:  // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
    case 376:  // CANNOT_PARSE_UUID
      return true;
    default:
      return false;
  }
}

// "Code: 376, e.displayText() = ..." -> 376; the X-ClickHouse-Exception-Code
// header of newer servers first. 0 when neither is there.
int ErrorCode(const HttpResponse& r) {
  std::string_view h = r.Header("x-clickhouse-exception-code");
  int code = 0;
  if (!h.empty()) {
    for (char c : h) {
      if (c < '0' || c > '9') return 0;
      code = code * 10 + (c - '0');
    }
    return code;
  }
  std::string_view b = r.body;
  const std::size_t at = b.find("Code: ");
  if (at == std::string_view::npos || at > 64) return 0;
  for (std::size_t i = at + 6; i < b.size() && b[i] >= '0' && b[i] <= '9' && code < 100000; ++i)
    code = code * 10 + (b[i] - '0');
  return code;
}

// The server's message, shortened: "Code: 376, e.displayText() =
// DB::Exception: Cannot parse uuid ..." -> "ClickHouse 376: Cannot parse uuid ...".
std::string Describe(const HttpResponse& r) {
  if (r.status == 0) return r.error.empty() ? "no response" : r.error;
  std::string_view b = r.body;
  if (std::size_t p = b.find("DB::Exception: "); p != std::string_view::npos)
    b.remove_prefix(p + 15);
  if (std::size_t p = b.find(", e.what()"); p != std::string_view::npos) b = b.substr(0, p);
  while (!b.empty() && (b.back() == '\n' || b.back() == ' ')) b.remove_suffix(1);
  if (b.size() > 300) b = b.substr(0, 300);
  const int code = ErrorCode(r);
  return "HTTP " + std::to_string(r.status) + (code ? " (ClickHouse " + std::to_string(code) + ")" : "") +
         ": " + std::string(b);
}

bool Identifier(std::string_view s) {
  if (s.empty() || s.size() > 128 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

class ClickHouseConnector final : public Connector {
 public:
  explicit ClickHouseConnector(const ConnectorContext& ctx) : ctx_(ctx) {}

  Status Init() {
    const json::Value& s = *ctx_.settings;
    std::string url(json::StringOr(s, "url"));
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return Status::InvalidArgument(
          "url: required, an http:// or https:// URL of ClickHouse's HTTP interface "
          "(e.g. http://127.0.0.1:8123)");
    if (url.find('?') != std::string::npos || url.find('#') != std::string::npos)
      return Status::InvalidArgument("url: no query or fragment (settings are the connector's)");
    while (!url.empty() && url.back() == '/') url.pop_back();
    const std::string_view db = json::StringOr(s, "database", "default");
    const std::string_view table = json::StringOr(s, "table", "xapi_statements");
    if (!Identifier(db)) return Status::InvalidArgument("database: letters, digits and '_' only");
    if (!Identifier(table)) return Status::InvalidArgument("table: letters, digits and '_' only");
    if (!IncludesEducation(s))
      return Status::InvalidArgument(
          "categories: a clickhouse destination stores whole statements, which carry education "
          "data (scores, responses, attempts); its categories must include education");
    const std::string query =
        "INSERT INTO `" + std::string(db) + "`.`" + std::string(table) + "` FORMAT JSONEachRow";
    url_ = url + "/?query=" + PercentEncode(query) +
           "&input_format_skip_unknown_fields=1&wait_end_of_query=1";
    const std::string_view user = json::StringOr(s, "user", "default");
    headers_ = {{"Content-Type", "application/x-ndjson"}, {"X-ClickHouse-User", std::string(user)}};
    if (HasSecret(s, "password")) {
      std::string pw;
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "password", &pw));
      headers_.emplace_back("X-ClickHouse-Key", std::move(pw));
    }
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, 100000, &batch_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    return Status::OK();
  }

  std::size_t max_batch() const override { return batch_; }
  bool uses_mapping() const override { return false; }
  // One insert applies the batch as one block; order within it is the
  // table's sort order anyway.
  bool preserves_batch_order() const override { return true; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    DeliveryResult result;
    result.records.assign(records.size(), RecordResult{});
    std::vector<std::string> rows(records.size());
    std::vector<std::size_t> sendable;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (FlattenStatement(records[i]->statement, records[i]->learner, &rows[i])) {
        sendable.push_back(i);
      } else {
        result.records[i] = {Outcome::kReject, "the stored statement is not a JSON object"};
      }
    }
    if (sendable.empty()) return result;
    // Halve the rows a data error names until the bad ones are alone.
    std::vector<std::vector<std::size_t>> todo = {sendable};
    while (!todo.empty()) {
      std::vector<std::size_t> part = std::move(todo.back());
      todo.pop_back();
      const HttpResponse r = Insert(rows, part);
      if (r.status == 200) continue;
      const int code = ErrorCode(r);
      if (r.status >= 400 && DataErrorCode(code)) {
        if (part.size() == 1) {
          result.records[part[0]] = {Outcome::kReject, Describe(r)};
        } else {
          const auto mid = part.begin() + static_cast<std::ptrdiff_t>(part.size() / 2);
          todo.emplace_back(mid, part.end());
          todo.emplace_back(part.begin(), mid);
        }
        continue;
      }
      std::string why = Describe(r);
      if (r.status == 401 || r.status == 403) why = "credentials rejected (" + why + ")";
      return DeliveryResult::Unavailable(
          std::move(why), ParseRetryAfter(r.Header("retry-after"), ctx_.clock->NowMicros() / 1000));
    }
    return result;
  }

 private:
  HttpResponse Insert(const std::vector<std::string>& rows, const std::vector<std::size_t>& part) {
    HttpRequest req;
    req.method = "POST";
    req.url = url_;
    req.timeout = timeout_;
    req.headers = headers_;
    std::size_t n = 0;
    for (std::size_t i : part) n += rows[i].size() + 1;
    req.body.reserve(n);
    for (std::size_t i : part) {
      req.body += rows[i];
      req.body += '\n';
    }
    return ctx_.transport->Send(req);
  }

  ConnectorContext ctx_;
  std::string url_;
  std::vector<std::pair<std::string, std::string>> headers_;  // holds the password: never logged
  std::size_t batch_ = 1000;
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace

Status NewClickHouseConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<ClickHouseConnector>(ctx, out);
}

}  // namespace lrs::sync
