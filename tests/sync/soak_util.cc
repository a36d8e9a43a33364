// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers of the sync soak and crash tests; see soak_util.h.

#include "tests/sync/soak_util.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "lrs/common/encoding.h"
#include "lrs/common/time.h"
#include "lrs/xapi/statement_ops.h"
#include "tests/sync/clickhouse_util.h"
#include "tests/sync/kafka_util.h"

namespace lrs::sync::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kVerbs[] = {
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/attempted",
};
constexpr const char* kPoison = "poison";  // the activity name every destination refuses

std::string RandomUuid(std::mt19937* rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(byte(*rng));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

// The string at `path` (members separated by '.'), or empty.
std::string StringAt(const json::Value& v, std::initializer_list<const char*> path) {
  const json::Value* x = &v;
  for (const char* p : path) {
    x = json::Member(*x, p);
    if (!x) return {};
  }
  return x->IsString() ? std::string(json::View(*x)) : std::string();
}

http::Response JsonWithRetryAfter(int status, std::string body, int seconds) {
  http::Response r = Json(status, std::move(body));
  r.headers.Set("Retry-After", std::to_string(seconds));
  return r;
}

bool IsEffectFault(Fault f) {
  return f == Fault::kSlowAfterEffect || f == Fault::kEffectThenReset || f == Fault::kEffectThen5xx;
}

}  // namespace

// ---- Statements -----------------------------------------------------------------

std::string LearnerEmail(int learner) {
  char b[64];
  std::snprintf(b, sizeof b, "learner%03d@soak.example.com", learner);
  return b;
}

std::vector<SoakStatement> MakeStatements(std::mt19937* rng, int n, int learners, Rejects rejects) {
  std::vector<SoakStatement> out;
  out.reserve(static_cast<std::size_t>(n));
  std::uniform_int_distribution<int> any_learner(0, learners - 1);
  std::uniform_int_distribution<int> hot_learner(0, std::min(learners, 8) - 1);
  std::uniform_int_distribution<int> verb(0, 3), activity(1, 40);
  std::uniform_real_distribution<double> u(0, 1);
  bool v1 = false;
  const std::int64_t t0 = 1772323200LL * 1000000;  // 2026-03-01T00:00:00Z
  for (int i = 0; i < n; ++i) {
    SoakStatement s;
    s.id = RandomUuid(rng);
    // Everyone once, then a few learners much more often than the rest.
    s.learner = i < learners ? i : u(*rng) < 0.2 ? hot_learner(*rng) : any_learner(*rng);
    s.verb = kVerbs[verb(*rng)];
    if (u(*rng) < 0.04) v1 = !v1;  // runs of statements stored under one version
    s.v1 = v1;
    const double f = u(*rng);
    if (rejects == Rejects::kAll) {
      s.fate = f < 0.005   ? SoakStatement::Fate::kPoison
               : f < 0.015 ? SoakStatement::Fate::kFlaky
               : f < 0.018 ? SoakStatement::Fate::kStuck
                           : SoakStatement::Fate::kNormal;
    } else if (rejects == Rejects::kTransient && f < 0.01) {
      s.fate = SoakStatement::Fate::kFlaky;
    }
    const int a = activity(*rng);
    const std::string name =
        s.fate == SoakStatement::Fate::kPoison ? kPoison : "Lesson " + std::to_string(a);
    s.json = R"({"id":")" + s.id + R"(","actor":{"objectType":"Agent","mbox":"mailto:)" +
             LearnerEmail(s.learner) + R"(","name":"Learner )" + std::to_string(s.learner) +
             R"("},"verb":{"id":")" + s.verb + R"(","display":{"en-US":"did"}},)" +
             R"("object":{"objectType":"Activity","id":"http://soak.example.com/activity/)" +
             std::to_string(a) + R"(","definition":{"name":{"en-US":")" + name +
             R"("},"type":"http://adlnet.gov/expapi/activities/lesson"}},"timestamp":")" +
             FormatIso8601Millis(t0 + std::int64_t{i} * 1000000) + R"("})";
    out.push_back(std::move(s));
  }
  return out;
}

// ---- Faults ---------------------------------------------------------------------

const char* FaultName(Fault f) {
  switch (f) {
    case Fault::kNone:
      return "none";
    case Fault::kRateLimit:
      return "rate-limit";
    case Fault::kServerError:
      return "5xx";
    case Fault::kSlow:
      return "slow";
    case Fault::kSlowAfterEffect:
      return "effect+slow";
    case Fault::kReset:
      return "reset";
    case Fault::kEffectThenReset:
      return "effect+reset";
    case Fault::kEffectThen5xx:
      return "effect+5xx";
  }
  return "?";
}

FaultInjector::FaultInjector(std::string name, std::uint32_t seed, FaultOptions options)
    : name_(std::move(name)), o_(std::move(options)), rng_(seed) {}

void FaultInjector::Attach(MockServer* server) {
  server->SetFilter(
      [this](const Received& r, const MockServer::Handler& next) { return Filter(r, next); });
}

Fault FaultInjector::Decide(bool token) {
  std::uniform_real_distribution<double> u(0, 1);
  if (o_.rate <= 0 || u(rng_) >= o_.rate) return Fault::kNone;
  const int k = std::uniform_int_distribution<int>(0, 99)(rng_);
  if (token) return k < 50 ? Fault::kServerError : k < 85 ? Fault::kReset : Fault::kSlow;
  if (k < 15) {
    const bool with_wait = retry_after_used_ < o_.retry_after_budget;
    if (!o_.rate_limited || (!with_wait && !o_.rate_limits_after_budget))
      return Fault::kServerError;
    return Fault::kRateLimit;
  }
  if (k < 40) return Fault::kServerError;
  if (k < 47) return Fault::kSlow;
  if (k < 53) return Fault::kSlowAfterEffect;
  if (k < 70) return Fault::kReset;
  if (k < 85) return Fault::kEffectThenReset;
  return Fault::kEffectThen5xx;
}

http::Response FaultInjector::Filter(const Received& r, const MockServer::Handler& next) {
  Event e;
  e.arrived = SteadyClock::now();
  if (auto c = r.headers.Get(kCallHeader))
    e.call = std::strtoull(std::string(*c).c_str(), nullptr, 10);
  e.token = o_.is_token && o_.is_token(r);
  bool expire = false;
  int status_5xx = 503;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!e.token) expire = o_.expire_at.count(++api_calls_) > 0;
    e.fault = enabled_.load() && !expire ? Decide(e.token) : Fault::kNone;
    if (e.fault == Fault::kRateLimit)
      e.retry_after = retry_after_used_ < o_.retry_after_budget ? (++retry_after_used_, 1) : 0;
    status_5xx = std::uniform_int_distribution<int>(0, 2)(rng_) == 0
                     ? 500
                     : 502 + static_cast<int>(e.call & 1);
  }
  if (expire && o_.expire) e.expired = o_.expire();  // this call then meets the expiry
  http::Response resp;
  const std::string body = R"({"message":"injected fault"})";
  switch (e.fault) {
    case Fault::kNone:
      resp = next(r);
      break;
    case Fault::kRateLimit:
      resp = o_.rate_limited(e.retry_after);
      break;
    case Fault::kServerError:
      resp = Json(status_5xx, body);
      break;
    case Fault::kSlow:
      std::this_thread::sleep_for(o_.slow);
      resp = Json(503, body);
      break;
    case Fault::kSlowAfterEffect:
      resp = next(r);
      std::this_thread::sleep_for(o_.slow);
      break;
    case Fault::kReset:
      resp.status = MockServer::kReset;
      break;
    case Fault::kEffectThenReset:
      (void)next(r);
      resp.status = MockServer::kReset;
      break;
    case Fault::kEffectThen5xx:
      (void)next(r);
      resp = Json(502, body);
      break;
  }
  e.answered = SteadyClock::now();
  // An answer this late may have come after the client gave up (a loaded
  // machine): its effect may be unknown to the client too.
  e.late = e.fault == Fault::kNone && e.answered - e.arrived > kLate;
  std::vector<std::string> ids;
  if ((IsEffectFault(e.fault) || e.late) && o_.ids_of) ids = o_.ids_of(r);
  std::lock_guard<std::mutex> l(mu_);
  if (e.expired) ++expiries_;
  for (const auto& id : ids) ++unacked_[id];
  events_.push_back(e);
  return resp;
}

std::vector<FaultInjector::Event> FaultInjector::events() const {
  std::lock_guard<std::mutex> l(mu_);
  return events_;
}

int FaultInjector::faults() const {
  std::lock_guard<std::mutex> l(mu_);
  int n = 0;
  for (const auto& e : events_) n += e.fault != Fault::kNone;
  return n;
}

int FaultInjector::token_faults() const {
  std::lock_guard<std::mutex> l(mu_);
  int n = 0;
  for (const auto& e : events_) n += e.token && e.fault != Fault::kNone;
  return n;
}

int FaultInjector::late_token_requests() const {
  std::lock_guard<std::mutex> l(mu_);
  int n = 0;
  for (const auto& e : events_) n += e.token && e.late;
  return n;
}

int FaultInjector::expiries() const {
  std::lock_guard<std::mutex> l(mu_);
  return expiries_;
}

int FaultInjector::rate_limits_with_wait() const {
  std::lock_guard<std::mutex> l(mu_);
  int n = 0;
  for (const auto& e : events_) n += e.fault == Fault::kRateLimit && e.retry_after > 0;
  return n;
}

std::map<Fault, int> FaultInjector::counts() const {
  std::lock_guard<std::mutex> l(mu_);
  std::map<Fault, int> out;
  for (const auto& e : events_) ++out[e.fault];
  return out;
}

std::map<std::string, int> FaultInjector::unacknowledged_effects() const {
  std::lock_guard<std::mutex> l(mu_);
  return unacked_;
}

std::vector<std::string> FaultInjector::RetryAfterViolations(milliseconds slack) const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& e : events_) {
    if (e.fault != Fault::kRateLimit || e.retry_after <= 0 || e.call == 0) continue;
    const auto earliest = e.answered + std::chrono::seconds(e.retry_after) - slack;
    for (const auto& next : events_) {
      if (next.call <= e.call || next.arrived >= earliest) continue;
      const auto gap = std::chrono::duration_cast<milliseconds>(next.arrived - e.answered).count();
      out.push_back(name_ + ": call " + std::to_string(next.call) + " arrived " +
                    std::to_string(gap) + " ms after a rate limit saying Retry-After: " +
                    std::to_string(e.retry_after) + " (call " + std::to_string(e.call) + ")");
      break;
    }
  }
  return out;
}

int FaultInjector::SameCallAfterRateLimit() const {
  std::lock_guard<std::mutex> l(mu_);
  int n = 0;
  for (const auto& e : events_) {
    if (e.fault != Fault::kRateLimit || e.call == 0) continue;
    for (const auto& x : events_) n += x.call == e.call && x.arrived > e.answered;
  }
  return n;
}

void TaggingTransport::SendAll(const std::vector<HttpRequest>& reqs,
                               std::vector<HttpResponse>* out) {
  const std::string call = std::to_string(++calls_);
  std::vector<HttpRequest> tagged = reqs;
  for (auto& r : tagged) r.headers.emplace_back(FaultInjector::kCallHeader, call);
  inner_->SendAll(tagged, out);
}

// ---- XapiUpstream ---------------------------------------------------------------

int XapiUpstream::RevokeTokens() {
  std::lock_guard<std::mutex> l(mu);
  const int n = static_cast<int>(tokens_.size());
  tokens_.clear();
  return n;
}

http::Response XapiUpstream::Handle(const Received& r) {
  std::lock_guard<std::mutex> l(mu);
  if (r.path == "/oauth/token") return Token(r);
  if (r.path != "/xapi/statements")
    return Json(404, R"({"error":true,"message":"no such resource"})");
  std::string auth(r.headers.Get("Authorization").value_or(""));
  if (auth.rfind("Bearer ", 0) != 0 || !tokens_.count(auth.substr(7)))
    return Json(401, R"({"error":true,"message":"invalid or expired token"})");
  return Statements(r);
}

http::Response XapiUpstream::Token(const Received& r) {
  const std::string basic =
      "Basic " + Base64Encode(std::string(kClientId) + ":" + std::string(kClientSecret));
  if (r.method != "POST" || r.headers.Get("Authorization").value_or("") != basic)
    return Json(401, R"({"error":"invalid_client"})");
  std::vector<std::pair<std::string, std::string>> form;
  if (!http::ParseForm(r.body, &form) ||
      std::find(form.begin(), form.end(),
                std::pair<std::string, std::string>("grant_type", "client_credentials")) ==
          form.end())
    return Json(400, R"({"error":"unsupported_grant_type"})");
  ++token_requests;
  const std::string token = "xat-" + std::to_string(++issued_);
  tokens_.insert(token);
  return Json(200,
              R"({"access_token":")" + token + R"(","token_type":"Bearer","expires_in":3600})");
}

http::Response XapiUpstream::Statements(const Received& r) {
  auto error = [](int status, const std::string& msg) {
    return Json(status, R"({"error":true,"message":")" + msg + "\"}");
  };
  const std::string version(r.headers.Get("X-Experience-API-Version").value_or(""));
  if (version.rfind("1.0", 0) != 0 && version.rfind("2.0", 0) != 0)
    return error(400, "X-Experience-API-Version missing or unsupported");
  if (r.method != "POST" && r.method != "PUT") return error(405, "method not allowed");
  json::Document d;
  if (!json::Parse(r.body, &d).ok()) return error(400, "not JSON");
  std::vector<const json::Value*> list;
  if (d.IsArray() && r.method == "POST") {
    for (const auto& s : d.GetArray()) list.push_back(&s);
  } else if (d.IsObject()) {
    list.push_back(&d);
  } else {
    return error(400, "not a statement or a list of statements");
  }
  std::vector<std::string> ids;
  for (const json::Value* s : list) {
    std::string id = StringAt(*s, {"id"});
    if (id.empty()) return error(400, "this upstream needs client-set ids");
    for (const char* p : {"actor", "verb", "object"})
      if (!json::Member(*s, p) || !json::Member(*s, p)->IsObject()) return error(400, "invalid");
    const std::string sv = StringAt(*s, {"version"});
    if (!sv.empty() && (sv.rfind("2.", 0) == 0) != (version.rfind("2.", 0) == 0))
      violations.push_back("statement " + id + " of version " + sv + " sent as " + version);
    if (refuse && refuse(*s)) return error(400, "statement " + id + " refused");
    if (auto it = stored.find(id); it != stored.end()) {
      json::Document old;
      if (!json::Parse(it->second, &old).ok() || !xapi::StatementsEquivalent(*s, old))
        return error(409, "statement " + id + " exists with different content");
    }
    ids.push_back(std::move(id));
  }
  if (r.method == "PUT") {
    std::vector<std::pair<std::string, std::string>> q;
    std::string want;
    if (http::ParseForm(r.query, &q))
      for (auto& [k, v] : q)
        if (k == "statementId") want = v;
    if (want != ids[0]) return error(400, "statementId does not match the statement id");
  }
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (stored.count(ids[i])) {
      ++repeats;
    } else {
      stored[ids[i]] = json::Write(*list[i]);
      order.push_back(ids[i]);
    }
    out += (i ? ",\"" : "\"") + ids[i] + "\"";
  }
  if (r.method == "PUT") {
    http::Response resp;
    resp.status = 204;
    return resp;
  }
  return Json(200, out + "]");
}

// ---- Fleet ----------------------------------------------------------------------

namespace {

constexpr const char* kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const char* const kXapi = "lrs-central";
const char* const kWebhook = "hook";
const char* const kHubSpot = "hubspot";
const char* const kSalesforce = "salesforce";
const char* const kMarketo = "marketo";
const char* const kSegment = "segment";
const char* const kKafka = "kafka";
const char* const kClickHouse = "clickhouse";
constexpr const char* kKafkaTopic = "xapi.soak";
constexpr int kKafkaDisturbances = 40;

bool Analytics(const std::string& destination) {
  return destination == kKafka || destination == kClickHouse;
}

// First occurrences, in order; *repeats counts the others.
std::vector<std::string> FirstOccurrences(const std::vector<std::string>& ids, std::size_t* repeats) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& id : ids) {
    if (seen.insert(id).second) {
      out.push_back(id);
    } else {
      ++*repeats;
    }
  }
  return out;
}

// The statement ids of a JSONEachRow insert body (each row starts {"id":"...").
std::vector<std::string> RowIds(const std::string& body) {
  std::vector<std::string> ids;
  std::size_t at = 0;
  while (at < body.size()) {
    std::size_t end = body.find('\n', at);
    if (end == std::string::npos) end = body.size();
    if (body.compare(at, 7, "{\"id\":\"") == 0 && end - at > 7 + 36) ids.push_back(body.substr(at + 7, 36));
    at = end + 1;
  }
  return ids;
}

// The mapping fields of the destinations that take custom ones: the
// statement id (to match effects to statements) and the activity name.
constexpr const char* kFields =
    R"("fields":[{"name":"sid","path":"id","category":"engagement"},)"
    R"({"name":"activity_name","path":"object.definition.name","transform":"language:en",)"
    R"("category":"engagement"}])";

bool Judged(const std::string& destination) {
  return destination == kWebhook || destination == kHubSpot || destination == kSalesforce;
}

}  // namespace

struct Fleet::Impl {
  explicit Impl(const std::vector<SoakStatement>* s) : statements(s) {
    for (const auto& x : *statements) by_id[x.id] = &x;
  }
  ~Impl() {
#ifdef LRS_WITH_KAFKA
    {
      std::lock_guard<std::mutex> l(chaos_mu);
      chaos_stop = true;
    }
    chaos_cv.notify_all();
    if (chaos.joinable()) chaos.join();
#endif
    ch_proxy.reset();  // before the server it forwards to
  }

  const SoakStatement* Find(const std::string& id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  }
  // Flaky records: refused on the first two sightings per destination.
  bool FlakyRefuses(const std::string& destination, const std::string& id) {
    std::lock_guard<std::mutex> l(flaky_mu);
    return ++sightings[destination + "/" + id] <= 2;
  }

  const std::vector<SoakStatement>* statements;
  std::map<std::string, const SoakStatement*> by_id;
  std::mutex flaky_mu;
  std::map<std::string, int> sightings;
  // Before the mocks: their servers (stopped first) call the injectors.
  std::map<std::string, std::unique_ptr<FaultInjector>> injectors;

  XapiUpstream xapi;
  WebhookReceiver webhook{kWebhookSecret};
  HubSpotMock hubspot;
  std::unique_ptr<SalesforceMock> salesforce;
  MarketoMock marketo{lrs::Clock::System()};
  SegmentMock segment;

  // The analytics destinations (Fleet(..., analytics = true)): a real
  // clickhouse-server behind a fault-injecting proxy, and librdkafka's mock
  // cluster disturbed by a chaos thread (broker outages, leader moves,
  // pushed produce errors).
  bool analytics = false;
  std::unique_ptr<ClickHouseServer> clickhouse;
  std::unique_ptr<HttpTransport> ch_transport;
  std::mutex ch_mu;
  std::vector<std::string> ch_inserted;  // GUARDED_BY(ch_mu): ids of inserts ClickHouse took
  std::unique_ptr<MockServer> ch_proxy;
#ifdef LRS_WITH_KAFKA
  void Chaos(std::uint32_t seed);
  std::unique_ptr<KafkaMockCluster> kafka;
  std::mutex chaos_mu;
  std::condition_variable chaos_cv;
  bool chaos_stop = false;              // GUARDED_BY(chaos_mu)
  std::atomic<bool> chaos_on{true};
  std::atomic<int> kafka_faults{0};
  std::thread chaos;
#endif
};

#ifdef LRS_WITH_KAFKA
void Fleet::Impl::Chaos(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::unique_lock<std::mutex> l(chaos_mu);
  auto nap = [&](int lo, int hi) {
    return chaos_cv.wait_for(l, std::chrono::milliseconds(std::uniform_int_distribution<int>(lo, hi)(rng)),
                             [&] { return chaos_stop; });
  };
  // A storm of kKafkaDisturbances, then calm: every destination must catch
  // up while faults go on elsewhere, and a sanitizer build's producer is
  // several times slower than a release one.
  while (!nap(200, 800)) {
    if (!chaos_on || kafka_faults >= kKafkaDisturbances) continue;
    const int what = std::uniform_int_distribution<int>(0, 9)(rng);
    rd_kafka_mock_cluster_t* mc = kafka->mc;
    if (what < 4) {  // retriable produce errors for the next requests
      const int n = std::uniform_int_distribution<int>(1, 3)(rng);
      const rd_kafka_resp_err_t errs[] = {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                          RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                          RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE};
      for (int i = 0; i < n; ++i)
        rd_kafka_mock_push_request_errors(mc, 0 /* Produce */, 1, errs[(what + i) % 3]);
    } else if (what < 7) {  // a partition's leader moves
      const int p = std::uniform_int_distribution<int>(0, kafka->partitions - 1)(rng);
      rd_kafka_mock_partition_set_leader(mc, kafka->topic.c_str(), p,
                                         std::uniform_int_distribution<int>(1, kafka->brokers)(rng));
    } else if (what < 9) {  // one broker away for a while
      const int b = std::uniform_int_distribution<int>(1, kafka->brokers)(rng);
      rd_kafka_mock_broker_set_down(mc, b);
      const bool stop = nap(200, 800);
      rd_kafka_mock_broker_set_up(mc, b);
      if (stop) break;
    } else {  // every broker away, longer than a message may wait
      for (int b = 1; b <= kafka->brokers; ++b) rd_kafka_mock_broker_set_down(mc, b);
      const bool stop = nap(1500, 3500);
      for (int b = 1; b <= kafka->brokers; ++b) rd_kafka_mock_broker_set_up(mc, b);
      if (stop) break;
    }
    ++kafka_faults;
  }
}
#endif

std::vector<std::string> Fleet::names() const {
  std::vector<std::string> out = Names();
#ifdef LRS_WITH_KAFKA
  if (impl_->kafka) out.push_back(kKafka);
#endif
  if (impl_->clickhouse) out.push_back(kClickHouse);
  return out;
}

bool Fleet::HasInjector(const std::string& destination) const {
  return impl_->injectors.count(destination) > 0;
}

int Fleet::KafkaFaults() const {
#ifdef LRS_WITH_KAFKA
  return impl_->kafka_faults.load();
#else
  return 0;
#endif
}

const std::vector<std::string>& Fleet::Names() {
  static const std::vector<std::string> names = {kXapi,       kWebhook, kHubSpot,
                                                 kSalesforce, kMarketo, kSegment};
  return names;
}

bool Fleet::Routed(const std::string& destination, const SoakStatement& s) {
  if (destination == kHubSpot) return s.verb == kVerbs[0] || s.verb == kVerbs[1];
  if (destination == kSegment) return s.verb != kVerbs[2];
  return true;
}

bool Fleet::MustDeadLetter(const std::string& destination, const SoakStatement& s) {
  if (!Routed(destination, s)) return false;
  // Kafka and ClickHouse take any valid statement: nothing is poison there.
  if (Analytics(destination)) return false;
  if (s.fate == SoakStatement::Fate::kPoison) return true;
  return s.fate == SoakStatement::Fate::kStuck && Judged(destination);
}

bool Fleet::Idempotent(const std::string& destination) { return destination != kMarketo; }

Fleet::Fleet(const std::vector<SoakStatement>* statements, std::uint32_t seed, double fault_rate,
             bool analytics)
    : impl_(new Impl(statements)) {
  Impl* m = impl_.get();
  m->analytics = analytics;
  auto fate = [m](const std::string& id) {
    const SoakStatement* s = m->Find(id);
    return s ? s->fate : SoakStatement::Fate::kNormal;
  };
  using Fate = SoakStatement::Fate;

  // Record-level verdicts, as each vendor gives them.
  m->xapi.refuse = [](const json::Value& s) {
    return StringAt(s, {"object", "definition", "name", "en-US"}) == kPoison;
  };
  m->webhook.judge = [m, fate](const json::Value& body, const std::string&) {
    const std::string id = StringAt(body, {"data", "statement_id"});
    switch (fate(id)) {
      case Fate::kPoison:
        return WebhookReceiver::Verdict{422, true};  // abort-message
      case Fate::kStuck:
        return WebhookReceiver::Verdict{409, false};
      case Fate::kFlaky:
        if (m->FlakyRefuses(kWebhook, id)) return WebhookReceiver::Verdict{409, false};
        return WebhookReceiver::Verdict{};
      case Fate::kNormal:
        break;
    }
    return WebhookReceiver::Verdict{};
  };
  m->hubspot.refuse = [m, fate](const json::Value& input) -> std::string {
    const std::string id = StringAt(input, {"properties", "sid"});
    switch (fate(id)) {
      case Fate::kPoison:
        return "VALIDATION_ERROR";
      case Fate::kStuck:
        return "INTERNAL_ERROR";
      case Fate::kFlaky:
        return m->FlakyRefuses(kHubSpot, id) ? "INTERNAL_ERROR" : "";
      case Fate::kNormal:
        break;
    }
    return "";
  };
  SalesforceMock::Options so;
  for (const char* f : {"verb_id__c", "activity_id__c", "activity_name__c", "activity_type__c",
                        "course_id__c", "registration__c", "completion__c"})
    so.fields.insert(f);
  so.api_delay = milliseconds(5);
  m->salesforce = std::make_unique<SalesforceMock>(so, lrs::Clock::System());
  for (const auto& s : *statements) {
    if (s.fate == Fate::kPoison) m->salesforce->FailRecord(s.id, "REQUIRED_FIELD_MISSING");
    if (s.fate == Fate::kStuck) m->salesforce->FailRecord(s.id, "UNABLE_TO_LOCK_ROW");
    if (s.fate == Fate::kFlaky) m->salesforce->FailRecord(s.id, "UNABLE_TO_LOCK_ROW", 2);
  }
  m->marketo.bad_values = {kPoison};

  // Faults.
  auto injector = [&](const std::string& name, MockServer* server, FaultOptions o) {
    o.rate *= fault_rate;
    std::uint32_t s = seed;
    for (char c : name) s = s * 31 + static_cast<unsigned char>(c);
    auto inj = std::make_unique<FaultInjector>(name, s, std::move(o));
    inj->Attach(server);
    m->injectors[name] = std::move(inj);
  };
  auto plain_429 = [](int seconds) {
    return JsonWithRetryAfter(429, R"({"message":"rate limited"})", seconds);
  };
  {
    FaultOptions o;
    o.rate = 0.01;  // ~100 batches, each of which may fall back to one PUT per statement
    o.rate_limited = plain_429;
    o.is_token = [](const Received& r) { return r.path == "/oauth/token"; };
    o.expire_at = {8, 40, 90};
    o.expire = [m] { return m->xapi.RevokeTokens() > 0; };
    injector(kXapi, &m->xapi.server(), std::move(o));
  }
  {
    FaultOptions o;
    o.rate = 0.004;  // one request per record, 20 at once: a fault fails the whole batch
    o.rate_limited = plain_429;
    injector(kWebhook, &m->webhook.server(), std::move(o));
  }
  {
    FaultOptions o;
    o.rate = 0.05;
    // HubSpot waits out its policy's window (a second at least) whatever
    // Retry-After says: a couple of 429s, then 5xx instead.
    o.rate_limited = [](int seconds) {
      return HubSpotMock::RateLimited("SECONDLY", std::to_string(seconds));
    };
    o.rate_limits_after_budget = false;
    injector(kHubSpot, &m->hubspot.server(), std::move(o));
  }
  {
    FaultOptions o;
    o.rate = 0.04;
    // Salesforce's org limit: 403 REQUEST_LIMIT_EXCEEDED, here with Retry-After.
    o.rate_limited = [](int seconds) {
      return JsonWithRetryAfter(
          403,
          R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])",
          seconds);
    };
    o.is_token = [](const Received& r) { return r.path == "/services/oauth2/token"; };
    o.expire_at = {10, 60, 150};
    o.expire = [m] { return m->salesforce->ExpireSessions() > 0; };
    injector(kSalesforce, &m->salesforce->server(), std::move(o));
  }
  {
    FaultOptions o;
    o.rate = 0.05;
    // Marketo's own limits (606, 615) come as HTTP 200 errors that pause for
    // 20 s / 5 s: too slow here. Its gateway's 429 + Retry-After stands in.
    o.rate_limited = plain_429;
    o.is_token = [](const Received& r) { return r.path == "/identity/oauth/token"; };
    o.expire_at = {8, 45, 100};
    o.expire = [m] {
      std::lock_guard<std::mutex> l(m->marketo.mu);
      const bool alive = !m->marketo.tokens.empty();
      m->marketo.revoke = true;  // this call then gets 601
      return alive;
    };
    o.ids_of = [](const Received& r) {
      std::vector<std::string> ids;
      json::Document d;
      if (r.path != "/rest/v1/activities/external.json" || !json::Parse(r.body, &d).ok() ||
          !json::Member(d, "input") || !json::Member(d, "input")->IsArray())
        return ids;
      for (const auto& a : json::Member(d, "input")->GetArray()) {
        const json::Value* attrs = json::Member(a, "attributes");
        if (!attrs || !attrs->IsArray()) continue;
        for (const auto& at : attrs->GetArray())
          if (json::StringOr(at, "name") == "sid") ids.emplace_back(json::StringOr(at, "value"));
      }
      return ids;
    };
    injector(kMarketo, &m->marketo.server(), std::move(o));
  }
  {
    FaultOptions o;
    o.rate = 0.05;
    o.rate_limited = plain_429;
    injector(kSegment, &m->segment.server(), std::move(o));
  }
  if (analytics && ClickHouseServer::Available()) {
    m->clickhouse = std::make_unique<ClickHouseServer>();
    Status st = m->clickhouse->Start();
    if (st.ok()) st = m->clickhouse->CreateStatementsTable();
    if (!st.ok()) throw std::runtime_error(st.ToString());
    m->ch_transport = NewCurlTransport();
    m->ch_proxy = std::make_unique<MockServer>([m](const Received& r) {
      HttpRequest req;
      req.method = r.method;
      req.url = m->clickhouse->url() + r.path + (r.query.empty() ? "" : "?" + r.query);
      req.body = r.body;
      for (const char* h : {"Content-Type", "X-ClickHouse-User", "X-ClickHouse-Key"})
        if (auto v = r.headers.Get(h)) req.headers.emplace_back(h, std::string(*v));
      HttpResponse resp = m->ch_transport->Send(req);
      if (resp.status == 200 && r.method == "POST") {
        std::vector<std::string> ids = RowIds(r.body);
        std::lock_guard<std::mutex> l(m->ch_mu);
        m->ch_inserted.insert(m->ch_inserted.end(), ids.begin(), ids.end());
      }
      http::Response out;
      out.status = resp.status ? resp.status : 502;
      out.headers.Set("Content-Type", "text/plain; charset=UTF-8");
      out.body = resp.status ? resp.body : resp.error;
      return out;
    });
    FaultOptions o;
    o.rate = 0.05;
    // A proxy's overload answer (ClickHouse itself has none).
    o.rate_limited = [](int seconds) {
      return JsonWithRetryAfter(503, R"({"message":"overloaded"})", seconds);
    };
    o.ids_of = [](const Received& r) { return RowIds(r.body); };
    injector(kClickHouse, m->ch_proxy.get(), std::move(o));
    m->ch_proxy->set_record(false);
  }
#ifdef LRS_WITH_KAFKA
  if (analytics) {
    // librdkafka's mock keeps at most 5 MiB per partition and drops the
    // oldest message sets beyond it (rdkafka_mock.c, max_size): enough
    // partitions that every statement, repeats included, stays readable.
    // Learners hash to partitions unevenly (80 keys), so the average is
    // kept far below the limit: 512 KiB.
    std::size_t bytes = 0;
    for (const auto& st : *statements) bytes += st.json.size() + 200;  // + key, headers
    const int partitions = std::max<int>(4, static_cast<int>(bytes / (512u << 10)) + 1);
    m->kafka = std::make_unique<KafkaMockCluster>(3, kKafkaTopic, partitions);
    m->chaos_on = fault_rate > 0;
    m->chaos = std::thread([m, seed] { m->Chaos(seed ^ 0x6b61666bu); });
  }
#endif
  // Long runs: do not keep every request.
  for (MockServer* s : {&m->xapi.server(), &m->webhook.server(), &m->hubspot.server(),
                        &m->salesforce->server(), &m->marketo.server(), &m->segment.server()})
    s->set_record(false);
}

Fleet::~Fleet() = default;

std::vector<std::string> Fleet::Secrets() {
  return {XapiUpstream::kClientSecret, kWebhookSecret, HubSpotMock::kToken, "cs-very-secret",
          MarketoMock::kSecret, SegmentMock::kWriteKey};
}

std::string Fleet::DestinationsJson(const std::string& extra) const {
  const Impl* m = impl_.get();
  // Every mock listens on loopback, which the SSRF guard refuses unless allowed.
  const std::string loopback = R"(,"allow_networks":["127.0.0.1"])";
  const std::string common =
      R"(,"retry":{"max_attempts":5,"base_ms":2,"cap_ms":40},"timeout_ms":800)" + loopback + extra;
  std::string d = "[";
  d += R"({"name":")" + std::string(kXapi) + R"(","type":"xapi","url":")" + m->xapi.endpoint() +
       R"(","token_url":")" + m->xapi.token_url() + R"(","client_id":")" + XapiUpstream::kClientId +
       R"(","client_secret":")" + XapiUpstream::kClientSecret + R"(","batch_size":100)" + common +
       "},";
  d += R"({"name":")" + std::string(kWebhook) + R"(","type":"webhook","url":")" + m->webhook.url() +
       R"(","secret":")" + kWebhookSecret + R"(","batch_size":20)" + common + "},";
  d += R"({"name":")" + std::string(kHubSpot) + R"(","type":"hubspot","url":")" + m->hubspot.url() +
       R"(","token":")" + HubSpotMock::kToken + R"(","event_name":")" + HubSpotMock::kEvent +
       R"(","batch_size":25,"filter":{"verb":[")" + kVerbs[0] + R"(",")" + kVerbs[1] + R"("]},)" +
       kFields + common + "},";
  // The default mapping fields (its renames would go in "field_names").
  d +=
      R"({"name":")" + std::string(kSalesforce) + R"(","type":"salesforce","login_url":")" +
      m->salesforce->url() +
      R"(","auth":"client_credentials","client_id":"3MVG9client","client_secret":"cs-very-secret",)"
      R"("batch_size":25,"parallel_requests":4)" +
      common + "},";
  d += R"({"name":")" + std::string(kMarketo) + R"(","type":"marketo","url":")" + m->marketo.url() +
       R"(","client_id":")" + MarketoMock::kClientId + R"(","client_secret":")" +
       MarketoMock::kSecret + R"(","activity_type_id":)" + std::to_string(MarketoMock::kTypeId) +
       R"(,"batch_size":50,)" + kFields + common + "},";
  d += R"({"name":")" + std::string(kSegment) + R"(","type":"segment","url":")" + m->segment.url() +
       R"(","write_key":")" + SegmentMock::kWriteKey +
       R"(","batch_size":50,"filter":{"not":{"verb":[")" + kVerbs[2] +
       R"("]}},"event":{"path":"object.definition.name","transform":"language:en"},)" + kFields +
       common + "}";
  // Analytics: longer message timeouts for Kafka (leader moves take a
  // metadata round), and room for partial failures before dead letters.
  const std::string analytics_common =
      R"(,"retry":{"max_attempts":30,"base_ms":2,"cap_ms":40})" + loopback + extra;
#ifdef LRS_WITH_KAFKA
  if (m->kafka)
    d += R"(,{"name":")" + std::string(kKafka) + R"(","type":"kafka","brokers":")" +
         m->kafka->bootstraps + R"(","topic":")" + kKafkaTopic +
         R"(","batch_size":200,"timeout_ms":3000)" + analytics_common + "}";
#endif
  if (m->clickhouse)
    d += R"(,{"name":")" + std::string(kClickHouse) + R"(","type":"clickhouse","url":")" +
         m->ch_proxy->url() + R"(","batch_size":100,"timeout_ms":800)" + analytics_common + "}";
  return d + "]";
}

void Fleet::SetFaults(bool on) {
  for (auto& [name, inj] : impl_->injectors) inj->set_enabled(on);
#ifdef LRS_WITH_KAFKA
  impl_->chaos_on = on;  // an outage under way ends by itself
#endif
}

FaultInjector& Fleet::injector(const std::string& destination) {
  return *impl_->injectors.at(destination);
}

Effects Fleet::EffectsAt(const std::string& destination) {
  Impl* m = impl_.get();
  Effects e;
  auto add = [&](const std::string& id, const std::string& what) {
    if (id.empty()) {
      e.unknown.push_back(what);
    } else {
      e.order.push_back(id);
    }
  };
  if (destination == kXapi) {
    std::lock_guard<std::mutex> l(m->xapi.mu);
    e.order = m->xapi.order;
  } else if (destination == kWebhook) {
    std::lock_guard<std::mutex> l(m->webhook.mu);
    for (const auto& id : m->webhook.order) {
      json::Document d;
      const std::string& body = m->webhook.messages[id];
      add(json::Parse(body, &d).ok() ? StringAt(d, {"data", "statement_id"}) : "", body);
    }
  } else if (destination == kHubSpot) {
    std::lock_guard<std::mutex> l(m->hubspot.mu);
    for (const auto& uuid : m->hubspot.event_order) {
      json::Document d;
      const std::string& in = m->hubspot.events[uuid];
      add(json::Parse(in, &d).ok() ? StringAt(d, {"properties", "sid"}) : "", in);
    }
  } else if (destination == kSalesforce) {
    e.order = m->salesforce->created();
  } else if (destination == kMarketo) {
    std::lock_guard<std::mutex> l(m->marketo.mu);
    for (const auto& a : m->marketo.activities) {
      json::Document d;
      std::string id;
      if (json::Parse(a, &d).ok() && json::Member(d, "attributes") &&
          json::Member(d, "attributes")->IsArray()) {
        for (const auto& at : json::Member(d, "attributes")->GetArray())
          if (json::StringOr(at, "name") == "sid") id = std::string(json::StringOr(at, "value"));
      }
      add(id, a);
    }
  } else if (destination == kClickHouse) {
    std::lock_guard<std::mutex> l(m->ch_mu);
    std::size_t repeats = 0;
    e.order = FirstOccurrences(m->ch_inserted, &repeats);
    e.repeats = repeats;
#ifdef LRS_WITH_KAFKA
  } else if (destination == kKafka && m->kafka) {
    // Partition after partition, in offset order: one learner's messages
    // share a partition, so their order is the order they took effect.
    std::vector<std::string> ids;
    for (const auto& msg : ConsumeTopic(*m->kafka, 0, 60)) {
      if (msg.statement_id.empty()) {
        e.unknown.push_back(msg.value.substr(0, 200));
      } else {
        ids.push_back(msg.statement_id);
      }
    }
    std::size_t repeats = 0;
    e.order = FirstOccurrences(ids, &repeats);
    e.repeats = repeats;
#endif
  } else if (destination == kSegment) {
    auto msgs = m->segment.messages();
    for (const auto& id : m->segment.applied()) {
      json::Document d;
      const std::string& msg = msgs[id];
      if (json::Parse(msg, &d).ok() && json::StringOr(d, "type") != "track") continue;
      add(StringAt(d, {"properties", "statement_id"}), msg);
    }
  }
  return e;
}

int Fleet::TokenRequests(const std::string& destination) {
  Impl* m = impl_.get();
  if (destination == kXapi) {
    std::lock_guard<std::mutex> l(m->xapi.mu);
    return m->xapi.token_requests;
  }
  if (destination == kSalesforce) return m->salesforce->token_requests();
  if (destination == kMarketo) {
    std::lock_guard<std::mutex> l(m->marketo.mu);
    return m->marketo.identity_calls;
  }
  return 0;
}

std::vector<std::string> Fleet::AnalyticsProblems() {
  Impl* m = impl_.get();
  std::vector<std::string> out;
  if (!m->clickhouse) return out;
  // The table, read as reports read it (FINAL), holds each statement once:
  // exactly those the proxy saw ClickHouse take.
  std::set<std::string> inserted;
  {
    std::lock_guard<std::mutex> l(m->ch_mu);
    inserted.insert(m->ch_inserted.begin(), m->ch_inserted.end());
  }
  std::string rows;
  Status s = m->clickhouse->Query(
      "SELECT toString(id), count() FROM xapi_statements FINAL GROUP BY id FORMAT TabSeparated", &rows);
  if (!s.ok()) return {s.ToString()};
  std::size_t n = 0;
  std::size_t at = 0;
  while (at < rows.size()) {
    std::size_t end = rows.find('\n', at);
    if (end == std::string::npos) end = rows.size();
    const std::string line = rows.substr(at, end - at);
    at = end + 1;
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    ++n;
    const std::string id = line.substr(0, tab);
    if (line.substr(tab + 1) != "1") out.push_back("clickhouse: " + id + " " + line.substr(tab + 1) + " times in FINAL");
    if (!inserted.count(id)) out.push_back("clickhouse: " + id + " in the table, never inserted");
  }
  if (n != inserted.size())
    out.push_back("clickhouse: " + std::to_string(n) + " statements in the table, " +
                  std::to_string(inserted.size()) + " inserted");
  return out;
}

std::vector<std::string> Fleet::Violations() {
  Impl* m = impl_.get();
  std::vector<std::string> out;
  auto take = [&](std::mutex& mu, const std::vector<std::string>& v, const char* who) {
    std::lock_guard<std::mutex> l(mu);
    for (const auto& x : v) out.push_back(std::string(who) + ": " + x);
  };
  take(m->xapi.mu, m->xapi.violations, kXapi);
  take(m->webhook.mu, m->webhook.violations, kWebhook);
  take(m->hubspot.mu, m->hubspot.violations, kHubSpot);
  take(m->marketo.mu, m->marketo.violations, kMarketo);
  return out;
}

// ---- Checks ---------------------------------------------------------------------

DeliveryCheck CheckDelivery(const std::string& destination,
                            const std::vector<const SoakStatement*>& stored, const Effects& effects,
                            const std::set<std::string>& dlq, bool check_dlq,
                            const std::map<std::string, int>& unacked) {
  DeliveryCheck c;
  auto problem = [&](std::string p) {
    if (c.problems.size() < 50) c.problems.push_back(destination + ": " + std::move(p));
  };
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < stored.size(); ++i) position[stored[i]->id] = i;
  std::map<std::string, int> count;
  std::vector<std::string> first;
  for (const auto& id : effects.order)
    if (count[id]++ == 0) first.push_back(id);
  for (const auto& u : effects.unknown)
    problem("an effect naming no statement: " + u.substr(0, 200));

  const bool idempotent = Fleet::Idempotent(destination);
  for (const SoakStatement* s : stored) {
    const int n = count.count(s->id) ? count[s->id] : 0;
    if (!Fleet::Routed(destination, *s)) {
      if (n > 0) problem("statement " + s->id + " arrived though the filter excludes it");
      continue;
    }
    ++c.routed;
    const bool dead = dlq.count(s->id) > 0;
    c.delivered += n > 0;
    c.dead_lettered += dead;
    if (n == 0 && !dead)
      problem("statement " + s->id + " lost: neither delivered nor dead-lettered");
    if (n > 0 && dead) problem("statement " + s->id + " delivered and dead-lettered");
    if (check_dlq && dead != Fleet::MustDeadLetter(destination, *s))
      problem("statement " + s->id + (dead ? " dead-lettered" : " not dead-lettered") + " (fate " +
              std::to_string(static_cast<int>(s->fate)) + ")");
    if (n > 1) {
      c.duplicate_effects += static_cast<std::size_t>(n - 1);
      auto u = unacked.find(s->id);
      const int allowed = idempotent ? 0 : (u == unacked.end() ? 0 : u->second);
      if (n > 1 + allowed)
        problem("statement " + s->id + " applied " + std::to_string(n) + " times" +
                (idempotent ? "" : " (" + std::to_string(allowed) + " unacknowledged)"));
    }
  }
  for (const auto& [id, n] : count)
    if (!position.count(id)) problem("an effect for a statement never stored: " + id);
  // Per learner, first effects in stored order.
  std::map<int, std::size_t> last;  // learner -> position of its last effect
  for (const auto& id : first) {
    auto p = position.find(id);
    if (p == position.end()) continue;
    const int learner = stored[p->second]->learner;
    auto l = last.find(learner);
    if (l != last.end() && l->second > p->second)
      problem("learner " + std::to_string(learner) + ": statement at stored position " +
              std::to_string(p->second) + " applied after the one at " + std::to_string(l->second));
    if (l == last.end() || l->second < p->second) last[learner] = p->second;
  }
  return c;
}

// ---- TOML -----------------------------------------------------------------------

namespace {

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string TomlKey(std::string_view k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? std::string(k) : TomlString(k);
}

}  // namespace

std::string TomlValue(const json::Value& v) {
  if (v.IsString()) return TomlString(json::View(v));
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsNumber()) {
    char b[40];
    std::snprintf(b, sizeof b, "%.17g", v.GetDouble());
    return b;
  }
  if (v.IsArray()) {
    std::string out = "[";
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) out += (i ? ", " : "") + TomlValue(v[i]);
    return out + "]";
  }
  if (v.IsObject()) {
    std::string out = "{";
    bool first = true;
    for (const auto& m : v.GetObject()) {
      out += (first ? "" : ", ") + TomlKey(json::View(m.name)) + " = " + TomlValue(m.value);
      first = false;
    }
    return out + "}";
  }
  return "\"\"";  // null: TOML has none (not used by the configs here)
}

std::string DestinationsToml(const std::string& destinations_json) {
  json::Document d;
  if (!json::Parse(destinations_json, &d).ok() || !d.IsArray()) return {};
  std::string out;
  for (const auto& dest : d.GetArray()) {
    out += "[[sync.destinations]]\n";
    for (const auto& m : dest.GetObject())
      out += TomlKey(json::View(m.name)) + " = " + TomlValue(m.value) + "\n";
    out += "\n";
  }
  return out;
}

}  // namespace lrs::sync::testing
