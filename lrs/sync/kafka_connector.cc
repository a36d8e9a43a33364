// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Kafka connector (librdkafka): each record is one message on the
// destination's topic (one topic per store: each store's sync config names
// its own).
//   key     hex SHA-256 of the learner (the actor's identifier): one
//           learner's messages go to one partition, in stored order;
//   value   the stored statement (exact JSON), or the mapped record with
//           "send": "mapped";
//   headers "statement_id", "xapi_version" (the statement's "version",
//           else "1.0.0"), "idempotency_key".
// The producer is idempotent (enable.idempotence: acks=all, ordered
// retries without gaps or reordering within a partition), so the batch's
// order holds. Deliver produces the batch, then serves delivery reports
// until every message has one: a record is delivered when the broker
// acknowledged it, and only then does the relay move its cursor. Kafka
// itself does not de-duplicate across producer sessions: a record whose
// report was lost (a crash between acknowledgement and cursor) comes again,
// with the same key and idempotency_key header for consumers to drop.
//
// Settings: "brokers" (bootstrap servers, "host:port,..."; required),
// "topic" (required), "send" ("statement", the default, which needs the
// destination's categories to include education, as they do unless
// narrowed; or "mapped"), "batch_size"
// (records per Deliver, default 500, at most 10000), "timeout_ms" (how long
// a message may take to be acknowledged, retries included; default 30000),
// "properties" (an object of further librdkafka settings, strings, e.g.
// "security.protocol", "sasl.mechanisms", "sasl.username"), and the secret
// setting "sasl_password" (sasl.password).
//
// Outcomes: every message acknowledged -> delivered. A message too large or
// invalid for the topic -> rejected (dead-lettered). Other failures
// (brokers down, timeouts, leader elections outlasting timeout_ms) ->
// retried; when nothing of the batch got through, the destination is
// unavailable (the relay backs off behind its circuit breaker). A fatal
// producer error (the idempotence guarantee broken) makes the destination
// unavailable and the next Deliver starts a new producer.

#include "lrs/sync/connector.h"

#include <errno.h>
#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "lrs/common/time.h"
#include "lrs/sync/relay_internal.h"

// What a message is made of (also for dry runs, in any build).
namespace lrs::sync {
namespace {

// {"statement_id","email","external_id","event","timestamp","properties","contact"}
std::string MappedJson(const OutRecord& r) {
  const MappedRecord& m = r.mapped;
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto str = [&](const std::string& v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); };
  w.StartObject();
  w.Key("statement_id");
  str(r.statement_id);
  w.Key("email");
  if (m.email.empty()) w.Null(); else str(m.email);
  w.Key("external_id");
  if (m.external_id.empty()) w.Null(); else str(m.external_id);
  w.Key("event");
  str(m.event);
  w.Key("timestamp");
  str(FormatIso8601Millis(m.timestamp_ms * 1000));
  w.Key("properties");
  w.RawValue(m.properties.data(), m.properties.size(), rapidjson::kObjectType);
  w.Key("contact");
  w.RawValue(m.contact.data(), m.contact.size(), rapidjson::kObjectType);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

// The statement's "version" header: its "version", else 1.0.0.
std::string XapiVersion(const std::string& statement) {
  json::Document d;
  if (json::Parse(statement, &d).ok() && d.IsObject())
    return std::string(json::StringOr(d, "version", "1.0.0"));
  return "1.0.0";
}

}  // namespace

Status DescribeKafkaMessage(const json::Value& settings, const OutRecord& r, std::string* out) {
  const bool mapped = json::StringOr(settings, "send", "statement") == "mapped";
  *out = "produce to topic " + std::string(json::StringOr(settings, "topic")) + " at " +
         std::string(json::StringOr(settings, "brokers")) + "\nkey: " + HexSha256(r.learner) +
         "\nheader statement_id: " + r.statement_id + "\nheader xapi_version: " +
         (mapped ? std::string("1.0.0") : XapiVersion(r.statement)) +
         "\nheader idempotency_key: " + r.idempotency_key + "\n\n" +
         (mapped ? MappedJson(r) : r.statement) + "\n";
  return Status::OK();
}

}  // namespace lrs::sync

#ifdef LRS_WITH_KAFKA

#include <librdkafka/rdkafka.h>

namespace lrs::sync {
namespace {

// One message's delivery report, filled by the callback.
struct Slot {
  bool done = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* slot = static_cast<Slot*>(m->_private);
  if (!slot) return;
  slot->err = m->err;
  slot->done = true;
}

bool Rejected(rd_kafka_resp_err_t e) {
  return e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || e == RD_KAFKA_RESP_ERR_INVALID_MSG ||
         e == RD_KAFKA_RESP_ERR_INVALID_RECORD || e == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE;
}

class KafkaConnector final : public Connector {
 public:
  explicit KafkaConnector(const ConnectorContext& ctx) : ctx_(ctx) {}
  ~KafkaConnector() override { Close(); }

  Status Init() {
    const json::Value& s = *ctx_.settings;
    brokers_ = std::string(json::StringOr(s, "brokers"));
    if (brokers_.empty()) return Status::InvalidArgument("brokers: required (\"host:port,...\")");
    topic_ = std::string(json::StringOr(s, "topic"));
    if (topic_.empty() || topic_.size() > 249)
      return Status::InvalidArgument("topic: required, 1 to 249 characters");
    for (char c : topic_) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
      if (!ok) return Status::InvalidArgument("topic: only letters, digits, '.', '_' and '-'");
    }
    const std::string_view send = json::StringOr(s, "send", "statement");
    if (send != "statement" && send != "mapped")
      return Status::InvalidArgument("send: must be \"statement\" or \"mapped\"");
    mapped_ = send == "mapped";
    if (!mapped_) {
      if (!IncludesEducation(s))
        return Status::InvalidArgument(
            "send: \"statement\" sends whole statements, which carry education data (scores, "
            "responses, attempts); allowed only when the destination's categories include "
            "education (else send = \"mapped\")");
    }
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, 10000, &batch_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    if (const json::Value* p = json::Member(s, "properties")) {
      if (!p->IsObject()) return Status::InvalidArgument("properties: must be an object of strings");
      for (auto it = p->MemberBegin(); it != p->MemberEnd(); ++it) {
        if (!it->value.IsString())
          return Status::InvalidArgument("properties." + std::string(json::View(it->name)) +
                                         ": must be a string");
        const std::string_view k = json::View(it->name), v = json::View(it->value);
        // TLS verification is on for every outbound connection; these
        // would turn it off, and the relay's own settings are its own.
        if (k == "enable.ssl.certificate.verification" && v != "true")
          return Status::InvalidArgument(
              "properties.enable.ssl.certificate.verification: TLS certificate verification "
              "cannot be turned off (give ssl.ca.location for a private CA)");
        if (k == "ssl.endpoint.identification.algorithm" && v != "https")
          return Status::InvalidArgument(
              "properties.ssl.endpoint.identification.algorithm: must stay \"https\" (broker "
              "host names are verified)");
        if (k == "connect_cb" || k == "socket_cb" || k == "opaque" || k == "bootstrap.servers" ||
            k == "enable.idempotence" || k == "client.id")
          return Status::InvalidArgument("properties." + std::string(k) +
                                         ": set by the connector (use the destination's own "
                                         "settings)");
        properties_.emplace_back(k, v);
      }
    }
    if (HasSecret(s, "sasl_password")) {
      std::string pw;
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "sasl_password", &pw));
      properties_.emplace_back("sasl.password", std::move(pw));
    }
    return Open();  // bad properties are named now, not at the first delivery
  }

  std::size_t max_batch() const override { return batch_; }
  bool uses_mapping() const override { return mapped_; }
  bool preserves_batch_order() const override { return true; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    if (!rk_) {
      if (Status s = Open(); !s.ok()) return DeliveryResult::Unavailable(s.message());
    }
    DeliveryResult result;
    result.records.resize(records.size());
    std::vector<Slot> slots(records.size());
    std::size_t produced = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const OutRecord& r = *records[i];
      const std::string value = mapped_ ? MappedJson(r) : r.statement;
      const std::string key = HexSha256(r.learner);
      const std::string version = mapped_ ? std::string("1.0.0") : XapiVersion(r.statement);
      rd_kafka_headers_t* h = rd_kafka_headers_new(3);
      rd_kafka_header_add(h, "statement_id", -1, r.statement_id.data(),
                          static_cast<ssize_t>(r.statement_id.size()));
      rd_kafka_header_add(h, "xapi_version", -1, version.data(), static_cast<ssize_t>(version.size()));
      rd_kafka_header_add(h, "idempotency_key", -1, r.idempotency_key.data(),
                          static_cast<ssize_t>(r.idempotency_key.size()));
      rd_kafka_resp_err_t err;
      for (;;) {
        err = rd_kafka_producev(
            rk_, RD_KAFKA_V_TOPIC(topic_.c_str()),
            RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_OPAQUE(&slots[i]), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        rd_kafka_poll(rk_, 50);  // the local queue drains as the brokers acknowledge
      }
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++produced;  // the message owns the headers now
      } else {
        rd_kafka_headers_destroy(h);
        slots[i].done = true;
        slots[i].err = err;
      }
    }
    // Every produced message gets exactly one report within
    // message.timeout.ms: wait for them all (the slots live here).
    auto pending = [&] {
      std::size_t n = 0;
      for (const Slot& s : slots) n += !s.done;
      return n;
    };
    while (pending() > 0) rd_kafka_poll(rk_, 100);

    std::size_t delivered = 0, retry = 0;
    std::string first_error;
    for (std::size_t i = 0; i < records.size(); ++i) {
      RecordResult& rr = result.records[i];
      const rd_kafka_resp_err_t e = slots[i].err;
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rr.outcome = Outcome::kDelivered;
        ++delivered;
        continue;
      }
      rr.error = std::string("kafka: ") + rd_kafka_err2str(e);
      if (Rejected(e)) {
        rr.outcome = Outcome::kReject;
      } else {
        rr.outcome = Outcome::kRetry;
        ++retry;
        if (first_error.empty()) first_error = rr.error;
      }
    }
    char why[512];
    if (rd_kafka_fatal_error(rk_, why, sizeof why) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Close();  // a new producer (and idempotence epoch) at the next call
      return DeliveryResult::Unavailable(std::string("kafka: fatal producer error: ") + why);
    }
    if (delivered == 0 && retry > 0 && retry == records.size()) {
      std::lock_guard<std::mutex> l(refused_mu_);
      return DeliveryResult::Unavailable(refused_.empty() ? first_error
                                                          : refused_ + " (" + first_error + ")");
    }
    return result;
  }

 private:
  Status Open() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& k, const std::string& v) -> Status {
      if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
        return Status::InvalidArgument((k == "sasl.password" ? std::string("sasl_password") :
                                        "properties." + k) + ": " + err);
      return Status::OK();
    };
    Status s = set("bootstrap.servers", brokers_);
    if (s.ok()) s = set("enable.idempotence", "true");
    if (s.ok()) s = set("message.timeout.ms", std::to_string(timeout_.count()));
    if (s.ok()) s = set("linger.ms", "5");
    if (s.ok()) s = set("client.id", "lrs-" + ctx_.destination);
    if (s.ok()) s = set("ssl.endpoint.identification.algorithm", "https");
    if (s.ok()) s = set("enable.ssl.certificate.verification", "true");
    for (const auto& [k, v] : properties_)
      if (s.ok()) s = set(k, v);
    if (!s.ok()) {
      rd_kafka_conf_destroy(conf);
      return s;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, &OnDelivery);
    // The SSRF guard judges every broker address (bootstrap and advertised)
    // as the socket connects.
    if (ctx_.guard) {
      rd_kafka_conf_set_opaque(conf, this);
      rd_kafka_conf_set_connect_cb(conf, &GuardedConnect);
    }
    // librdkafka would log to stderr; what matters reaches the relay as
    // delivery errors (sync status, the dead-letter queue).
    rd_kafka_conf_set_log_cb(conf, nullptr);
    rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int, const char*, void*) {});
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);  // owns conf when it succeeds
    if (!rk_) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(std::string("kafka: ") + err);
    }
    return Status::OK();
  }

  static int GuardedConnect(int fd, const sockaddr* addr, int len, const char*, void* opaque) {
    auto* self = static_cast<KafkaConnector*>(opaque);
    std::string why;
    if (!self->ctx_.guard->Allows(addr, &why)) {
      std::lock_guard<std::mutex> l(self->refused_mu_);
      self->refused_ = "kafka: broker refused by the SSRF guard: " + why;
      return EACCES;
    }
    if (connect(fd, addr, static_cast<socklen_t>(len)) == 0 || errno == EINPROGRESS) return 0;
    return errno;
  }

  void Close() {
    if (!rk_) return;
    rd_kafka_flush(rk_, 1000);  // every Deliver waited for its reports: nothing should be left
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
  }

  ConnectorContext ctx_;
  std::string brokers_, topic_;
  bool mapped_ = false;
  std::size_t batch_ = 500;
  std::chrono::milliseconds timeout_{30000};
  std::vector<std::pair<std::string, std::string>> properties_;
  rd_kafka_t* rk_ = nullptr;
  std::mutex refused_mu_;
  std::string refused_;  // the last broker address the guard refused
};

}  // namespace

Status NewKafkaConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<KafkaConnector>(ctx, out);
}

}  // namespace lrs::sync

#else  // !LRS_WITH_KAFKA

namespace lrs::sync {

Status NewKafkaConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>*) {
  return Status::NotSupported(ctx.destination +
                              ": type \"kafka\": this build has no Kafka support (librdkafka-dev)");
}

}  // namespace lrs::sync

#endif  // LRS_WITH_KAFKA
