// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Course player: what a mobile learning app does with lrs, through the C
// API (include/lrs/lrs.h) as a Swift or Kotlin app would through its
// binding. The learner plays a cmi5 assignable unit (AU) while offline; the
// statements are stored on the device, durably, at once; when the device is
// online again they are forwarded to the organisation's LRS (here a
// separate `lrs serve`), with their ids, each exactly once, in order.
//
//   example_course_player --data DIR --upstream URL --key K --secret S
//                         [--learner EMAIL] [--score 0..1]
//                         [--offline-only | --online] [--allow-network CIDR]...
//
//   (default)       play a session offline, then go online and sync
//   --offline-only  play a session offline and exit: the statements wait in
//                   the store's outbox (as when the app is closed offline)
//   --online        play nothing: go online and send what waited
//   --allow-network an address or CIDR block the upstream may be at although
//                   it is loopback or private (sync's SSRF guard refuses
//                   those by default), e.g. 127.0.0.1 for a test LRS
//
// Exit status 0 when done (and, when it went online, when the upstream has
// every statement: the destination's lag is 0), 1 otherwise.
//
// cmi5 (https://github.com/AICC/CMI-5_Spec_Current) in brief: the LMS
// writes the launch data (state "LMS.LaunchData") and a "launched"
// statement, then starts the AU, which sends "initialized", any number of
// "cmi5 allowed" statements (here "progressed" with the progress result
// extension), "passed" or "failed" with a score, "completed", and
// "terminated". Every statement carries the registration and the session
// id; the cmi5-defined ones carry the cmi5 category. On a device that is
// both the LMS and the player (offline), one app records all of them.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/lrs.h"

namespace {

// ---- The C API, made safe for C++ ------------------------------------------

// A failed lrs call: what was attempted, lrs_errmsg() and the code.
class LrsError : public std::runtime_error {
 public:
  LrsError(const std::string& what, const std::string& message, int code)
      : std::runtime_error(what + ": " + message + " (" + lrs_errstr(code) + ")"), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

void Check(int rc, const std::string& what) {
  // lrs_errmsg() is valid until this thread's next lrs call: copy it first.
  if (rc != LRS_OK) throw LrsError(what, lrs_errmsg(), rc);
}

// Text returned by lrs, released with lrs_free (never free()).
class LrsText {
 public:
  LrsText() = default;
  LrsText(const LrsText&) = delete;
  LrsText& operator=(const LrsText&) = delete;
  ~LrsText() { lrs_free(p_); }
  char** ptr() { return &p_; }
  size_t* len() { return &n_; }
  std::string str() const { return p_ ? std::string(p_, n_) : std::string(); }

 private:
  char* p_ = nullptr;
  size_t n_ = 0;
};

// Handles close themselves; the sync handle must go before the store.
struct CloseStore {
  void operator()(lrs_store* s) const { lrs_close(s); }
};
struct CloseSync {
  void operator()(lrs_sync* s) const { lrs_sync_close(s); }
};
using StorePtr = std::unique_ptr<lrs_store, CloseStore>;
using SyncPtr = std::unique_ptr<lrs_sync, CloseSync>;

// ---- Small helpers ------------------------------------------------------------

// `s` as a JSON string literal, quotes included.
std::string Json(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A JSON number: 0.8, 0.92.
std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// A random (version 4) UUID, as registrations and session ids are.
std::string NewUuid() {
  static std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                   // version 4
  lo = (lo & ~(0xc000ULL << 48)) | (0x8000ULL << 48);   // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xffff), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

using Clock = std::chrono::system_clock;

// "2026-01-31T09:30:00.000Z"
std::string Iso8601(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char date[32], millis[8];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms % 1000));
  return std::string(date) + millis;
}

// An ISO 8601 duration: "PT9M30S".
std::string Duration(std::chrono::seconds d) {
  long long s = d.count();
  std::string out = "PT";
  if (s >= 3600) out += std::to_string(s / 3600) + "H";
  if (s % 3600 >= 60) out += std::to_string(s % 3600 / 60) + "M";
  return out + std::to_string(s % 60) + "S";
}

// The first string of a JSON array of strings (lrs_statements_put's ids).
std::string FirstString(const std::string& array) {
  size_t a = array.find('"');
  size_t b = a == std::string::npos ? a : array.find('"', a + 1);
  if (b == std::string::npos) throw std::runtime_error("no id in " + array);
  return array.substr(a + 1, b - a - 1);
}

// The unsigned number after "name": in flat JSON such as lrs_sync_status's
// (one destination here). -1 when absent.
long long NumberField(const std::string& json, const std::string& name) {
  size_t p = json.find("\"" + name + "\":");
  if (p == std::string::npos) return -1;
  return std::strtoll(json.c_str() + p + name.size() + 3, nullptr, 10);
}

// ---- Command line ----------------------------------------------------------------

struct Args {
  std::string data, upstream, key, secret;
  std::string learner = "learner@example.com";
  double score = 0.9;
  bool offline_only = false;  // record, do not sync
  bool online_only = false;   // sync, do not record
  std::vector<std::string> allow_networks;
};

[[noreturn]] void Usage(const char* msg) {
  std::fprintf(stderr,
               "%s\nusage: example_course_player --data DIR --upstream URL --key K --secret S\n"
               "         [--learner EMAIL] [--score 0..1] [--offline-only | --online]\n"
               "         [--allow-network CIDR]...\n",
               msg);
  std::exit(2);
}

double Score(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0 && v <= 1)) Usage("--score must be between 0 and 1");
  return v;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage((f + " needs a value").c_str());
      return argv[++i];
    };
    if (f == "--data") a.data = value();
    else if (f == "--upstream") a.upstream = value();
    else if (f == "--key") a.key = value();
    else if (f == "--secret") a.secret = value();
    else if (f == "--learner") a.learner = value();
    else if (f == "--score") a.score = Score(value());
    else if (f == "--offline-only") a.offline_only = true;
    else if (f == "--online") a.online_only = true;
    else if (f == "--allow-network") a.allow_networks.push_back(value());
    else Usage(("unknown argument " + f).c_str());
  }
  if (a.data.empty() || a.upstream.empty() || a.key.empty() || a.secret.empty())
    Usage("--data, --upstream, --key and --secret are required");
  if (a.offline_only && a.online_only) Usage("--offline-only and --online exclude each other");
  return a;
}

// ---- Opening the store and the sync -------------------------------------------

StorePtr OpenStore(const std::string& dir) {
  lrs_store* db = nullptr;
  // Durable commits (the default): a statement acknowledged is on disk.
  Check(lrs_open(dir.c_str(), R"({"create_if_missing":true})", LRS_NTS, &db), "lrs_open " + dir);
  return StorePtr(db);
}

// Sync log lines arrive on a worker thread; they never contain secrets.
void SyncLog(void* /*ctx*/, int level, const char* message) {
  static const char* const kLevels[] = {"info", "warning", "error"};
  std::printf("    [sync %s] %s\n", kLevels[level < 0 || level > 2 ? 2 : level], message);
  std::fflush(stdout);
}

// One destination, "central": the organisation's LRS. Paused at first: the
// device starts offline, and nothing is sent until lrs_sync_resume. The
// destination's cursor, retries and dead letters live in the store, so a
// later run (or a crash) continues where this one stopped.
SyncPtr OpenSync(lrs_store* db, const Args& a) {
  std::string options = R"({"destinations":[{"name":"central","type":"xapi","url":)" +
                        Json(a.upstream) + R"(,"key":)" + Json(a.key) + R"(,"secret":)" +
                        Json(a.secret) + R"(,"allow_networks":[)";
  for (std::size_t i = 0; i < a.allow_networks.size(); ++i)
    options += (i ? "," : "") + Json(a.allow_networks[i]);
  options += R"(]}],"start_paused":true})";
  Check(lrs_sync_validate(options.data(), options.size()), "lrs_sync_validate");
  lrs_sync* sync = nullptr;
  Check(lrs_sync_open(db, options.data(), options.size(), SyncLog, nullptr, &sync),
        "lrs_sync_open");
  return SyncPtr(sync);
}

std::string SyncStatus(lrs_sync* sync) {
  LrsText out;
  Check(lrs_sync_status(sync, out.ptr(), out.len()), "lrs_sync_status");
  return out.str();
}

// ---- The cmi5 session ----------------------------------------------------------

constexpr const char* kCourseId = "https://example.com/courses/fire-safety";
constexpr const char* kAuId = "https://example.com/courses/fire-safety/au/extinguishers";
// The AU's id in the course structure ("publisher id"): cmi5 puts it in
// contextActivities.grouping of every statement.
constexpr const char* kAuPublisherId = "https://publisher.example.com/fire-safety/extinguishers";
constexpr double kMasteryScore = 0.8;

// The cmi5 IRIs (cmi5 sections 9.6.2 and 9.6.3; the session id extension is
// .../context/extensions/sessionid). The cmi5 category marks cmi5-defined
// statements; moveon marks the ones that count toward moving on
// (completed, passed, failed).
constexpr const char* kCmi5Category = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
constexpr const char* kMoveOnCategory = "https://w3id.org/xapi/cmi5/context/categories/moveon";
constexpr const char* kExtSessionId = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
constexpr const char* kExtMasteryScore =
    "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
constexpr const char* kExtLaunchMode = "https://w3id.org/xapi/cmi5/context/extensions/launchmode";
constexpr const char* kExtLaunchUrl = "https://w3id.org/xapi/cmi5/context/extensions/launchurl";
constexpr const char* kExtMoveOn = "https://w3id.org/xapi/cmi5/context/extensions/moveon";
constexpr const char* kExtProgress = "https://w3id.org/xapi/cmi5/result/extensions/progress";

class Session {
 public:
  Session(lrs_store* db, const Args& a)
      : db_(db),
        registration_(NewUuid()),
        session_id_(NewUuid()),
        // cmi5 identifies learners by account; the app's account is the
        // learner's e-mail at the LMS.
        actor_(R"({"objectType":"Agent","account":{"homePage":"https://lms.example.com",)"
               R"("name":)" + Json(a.learner) + "}}"),
        score_(a.score),
        // The session is replayed as if it began 12 minutes ago.
        now_(Clock::now() - std::chrono::minutes(12)) {}

  const std::string& registration() const { return registration_; }
  const std::vector<std::string>& ids() const { return ids_; }

  // What the LMS does before launching the AU: the launch data the AU
  // reads (cmi5 section 10), as a state document of the AU, learner and
  // registration.
  void StoreLaunchData() {
    std::string params = R"({"resource":"state","activityId":)" + Json(kAuId) +
                         R"(,"agent":)" + actor_ + R"(,"registration":)" + Json(registration_) +
                         R"(,"stateId":"LMS.LaunchData"})";
    std::string doc = R"({"contextTemplate":{"contextActivities":{"grouping":[)" +
                      PublisherActivity() + R"(]},"extensions":{)" +
                      Json(kExtSessionId) + ":" + Json(session_id_) +
                      R"(}},"launchMode":"Normal","launchMethod":"AnyWindow",)"
                      R"("moveOn":"CompletedOrPassed","masteryScore":)" +
                      Number(kMasteryScore) +
                      R"(,"returnURL":"app://course-player/catalog"})";
    LrsText out;
    Check(lrs_document_put(db_, params.data(), params.size(), doc.data(), doc.size(),
                           "application/json", out.ptr(), out.len()),
          "lrs_document_put LMS.LaunchData");
    std::printf("  state LMS.LaunchData stored %s\n", out.str().c_str());

    // Read back, as the AU does at start.
    void* content = nullptr;
    size_t len = 0;
    Check(lrs_document_get(db_, params.data(), params.size(), &content, &len, nullptr),
          "lrs_document_get LMS.LaunchData");
    std::printf("  state LMS.LaunchData read back (%zu bytes)\n", len);
    lrs_free(content);
  }

  void Play() {
    // The LMS: "launched" (cmi5 9.3.1), with the launch's settings.
    Record("launched", Context(true, false,
                               "," + Json(kExtLaunchMode) + R"(:"Normal",)" + Json(kExtLaunchUrl) +
                                   R"(:"app://course-player/au/extinguishers",)" +
                                   Json(kExtMoveOn) + R"(:"CompletedOrPassed",)" +
                                   Json(kExtMasteryScore) + ":" + Number(kMasteryScore)),
           "");
    Advance(std::chrono::seconds(3));

    // The AU: "initialized" starts the session's clock.
    Record("initialized", Context(true, false, ""), "");
    const Clock::time_point started = now_;

    // Three "cmi5 allowed" statements as the learner moves through the
    // content: no cmi5 category, progress in percent.
    for (int progress : {25, 50, 75}) {
      Advance(std::chrono::seconds(150));
      Record("progressed", Context(false, false, ""),
             R"("result":{"extensions":{)" + Json(kExtProgress) + ":" + std::to_string(progress) +
                 "}}");
    }
    Advance(std::chrono::seconds(140));

    // The assessment: passed or failed against the mastery score.
    const bool passed = score_ >= kMasteryScore;
    auto duration = Duration(std::chrono::duration_cast<std::chrono::seconds>(now_ - started));
    Record(passed ? "passed" : "failed",
           Context(true, true, "," + Json(kExtMasteryScore) + ":" + Number(kMasteryScore)),
           R"("result":{"score":{"scaled":)" + Number(score_) + R"(},"success":)" +
               (passed ? "true" : "false") + R"(,"duration":)" + Json(duration) + "}");
    Advance(std::chrono::seconds(1));

    duration = Duration(std::chrono::duration_cast<std::chrono::seconds>(now_ - started));
    Record("completed", Context(true, true, ""),
           R"("result":{"completion":true,"duration":)" + Json(duration) + "}");
    Advance(std::chrono::seconds(4));

    // "terminated" ends the session; its duration is the whole session's.
    duration = Duration(std::chrono::duration_cast<std::chrono::seconds>(now_ - started));
    Record("terminated", Context(true, false, ""),
           R"("result":{"duration":)" + Json(duration) + "}");
  }

 private:
  // The AU's publisher id, as cmi5 puts it in the grouping.
  static std::string PublisherActivity() {
    return R"({"objectType":"Activity","id":)" + Json(kAuPublisherId) + "}";
  }
  // The course the AU belongs to.
  static std::string CourseActivity() {
    return R"({"objectType":"Activity","id":)" + Json(kCourseId) +
           R"(,"definition":{"name":{"en-US":"Fire safety"},)"
           R"("type":"https://w3id.org/xapi/cmi5/activitytype/course"}})";
  }

  // The context every statement of the session carries: registration,
  // session id, the AU's publisher id and the course as grouping; for
  // cmi5-defined statements the cmi5 category (and moveon for the ones
  // that count toward moving on). `extra` adds context extensions.
  std::string Context(bool cmi5_defined, bool moveon, const std::string& extra) const {
    std::string categories;
    if (cmi5_defined) {
      categories = R"(,"category":[{"id":)" + Json(kCmi5Category) + "}";
      if (moveon) categories += R"(,{"id":)" + Json(kMoveOnCategory) + "}";
      categories += "]";
    }
    return R"("context":{"registration":)" + Json(registration_) +
           R"(,"contextActivities":{"grouping":[)" + PublisherActivity() + "," +
           CourseActivity() + "]" + categories + R"(},"extensions":{)" + Json(kExtSessionId) +
           ":" + Json(session_id_) + extra + "}}";
  }

  // Stores one statement (as the AU sends it, one per event) and prints
  // the id the store assigned: lrs gives every statement a UUID that the
  // sync keeps, so the upstream LRS ends with the same ids.
  void Record(const std::string& verb, const std::string& context, const std::string& result) {
    std::string s = R"({"actor":)" + actor_ + R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/)" +
                    verb + R"(","display":{"en-US":)" + Json(verb) + R"(}},"object":{)" +
                    R"("objectType":"Activity","id":)" + Json(kAuId) +
                    R"(,"definition":{"name":{"en-US":"Using fire extinguishers"},)"
                    R"("description":{"en-US":"How to choose and use an extinguisher"},)"
                    R"("type":"http://adlnet.gov/expapi/activities/lesson"}},)" +
                    (result.empty() ? "" : result + ",") + context + R"(,"timestamp":)" +
                    Json(Iso8601(now_)) + "}";
    LrsText ids;
    Check(lrs_statements_put(db_, nullptr, 0, s.data(), s.size(), ids.ptr(), ids.len()),
          "lrs_statements_put " + verb);
    ids_.push_back(FirstString(ids.str()));
    std::printf("  %-12s stored id=%s\n", verb.c_str(), ids_.back().c_str());
  }

  void Advance(std::chrono::seconds d) { now_ += d; }

  lrs_store* db_;
  std::string registration_, session_id_, actor_;
  double score_;
  Clock::time_point now_;
  std::vector<std::string> ids_;
};

// ---- Going online ----------------------------------------------------------------

// Resumes the sync, waits until the upstream has everything (30 s at most)
// and reports. True when the destination's lag is 0.
bool GoOnline(lrs_sync* sync) {
  std::printf("going online: lrs_sync_resume\n");
  Check(lrs_sync_resume(sync), "lrs_sync_resume");
  std::printf("waiting for the upstream (lrs_sync_wait_idle, 30 s at most)\n");
  int rc = lrs_sync_wait_idle(sync, 30000);
  if (rc == LRS_BUSY) {
    // Not caught up: the statements stay in the outbox for the next run.
    std::printf("  not caught up yet: %s\n", lrs_errmsg());
  } else {
    Check(rc, "lrs_sync_wait_idle");
  }
  std::string status = SyncStatus(sync);
  std::printf("sync status: %s\n", status.c_str());
  long long lag = NumberField(status, "lag");
  std::printf("lag=%lld\n", lag);
  return lag == 0;
}

int Run(const Args& a) {
  std::printf("lrs %s\n", lrs_version());
  if (lrs_version_number() != LRS_VERSION_NUMBER) {
    std::fprintf(stderr, "liblrs %s does not match lrs.h %s\n", lrs_version(), LRS_VERSION_STRING);
    return 1;
  }

  std::printf("opening the store in %s\n", a.data.c_str());
  StorePtr db = OpenStore(a.data);
  std::printf("opening the sync to %s (paused: offline)\n", a.upstream.c_str());
  SyncPtr sync = OpenSync(db.get(), a);
  std::printf("sync status: %s\n", SyncStatus(sync.get()).c_str());

  if (!a.online_only) {
    Session session(db.get(), a);
    std::printf("playing a cmi5 session offline: registration=%s\n",
                session.registration().c_str());
    session.StoreLaunchData();
    session.Play();
    std::printf("session recorded: %zu statements\n", session.ids().size());
    std::string status = SyncStatus(sync.get());
    std::printf("waiting to be sent: lag=%lld\n", NumberField(status, "lag"));
  }

  if (a.offline_only) {
    std::printf("offline only: the statements wait in the outbox; run with --online to send\n");
    return 0;  // the handles close here (sync first, then the store)
  }
  return GoOnline(sync.get()) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  try {
    int rc = Run(args);
    std::printf("done\n");
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "course player: %s\n", e.what());
    return 1;
  }
}
