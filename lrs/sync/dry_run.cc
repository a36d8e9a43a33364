// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// `lrs sync dry-run`: the exact requests a destination would be sent for one
// statement. The connector runs against a recording transport that answers
// every request with a generic success (and a placeholder token), so
// multi-step flows (token, contact upsert, event) show every step. Secrets
// in headers are masked.

#include <mutex>

#include "lrs/sync/connector.h"
#include "lrs/sync/destination.h"
#include "lrs/sync/relay.h"
#include "lrs/sync/relay_internal.h"

namespace lrs::sync {
namespace {

class RecordingTransport final : public HttpTransport {
 public:
  void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) override {
    std::lock_guard<std::mutex> l(mu_);
    out->clear();
    for (const auto& r : reqs) {
      sent_.push_back(r);
      HttpResponse resp;
      resp.status = 200;
      resp.headers = {{"content-type", "application/json"}};
      resp.body =
          R"({"access_token":"DRY-RUN-TOKEN","token_type":"Bearer","expires_in":3600,)"
          R"("instance_url":"https://instance.invalid","success":true,"result":[],"results":[]})";
      out->push_back(std::move(resp));
    }
  }
  std::vector<HttpRequest> sent_;
  std::mutex mu_;
};

class NoState final : public StateStore {
 public:
  Status Get(std::string_view, std::string*) override { return Status::NotFound(""); }
  Status Put(std::string_view, std::string_view) override { return Status::OK(); }
  Status Delete(std::string_view) override { return Status::OK(); }
};

bool Secret(const std::string& header) {
  std::string h;
  for (char c : header) h += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return h == "authorization" || h == "cookie" || h.find("key") != std::string::npos ||
         h.find("token") != std::string::npos || h.find("secret") != std::string::npos;
}

}  // namespace

Status DryRun(Store* store, const std::string& destinations_json, const std::string& destination,
              const std::string& statement_id, std::string* report) {
  std::vector<std::unique_ptr<Destination>> dests;
  LRS_RETURN_IF_ERROR(ParseDestinations(destinations_json, &dests));
  Destination* d = nullptr;
  for (auto& x : dests)
    if (x->name == destination) d = x.get();
  if (!d) return Status::NotFound("no destination named " + destination);

  StatementGet get;
  get.id = statement_id;
  std::string json;
  std::vector<AttachmentPayload> atts;
  Status s = store->GetStatement(get, &json, &atts);
  if (s.IsNotFound()) {
    get.voided = true;
    s = store->GetStatement(get, &json, &atts);
  }
  LRS_RETURN_IF_ERROR(s);
  json::Document stmt;
  LRS_RETURN_IF_ERROR(json::Parse(json, &stmt));
  if (!d->mapping->Matches(stmt)) {
    *report = "statement " + statement_id + " is filtered out by destination " + destination +
              "'s filter: nothing would be sent.\n";
    return Status::OK();
  }
  OutRecord rec;
  rec.statement_id = statement_id;
  rec.learner = LearnerOf(stmt);
  rec.idempotency_key = IdempotencyKey(d->name, statement_id, d->mapping->version());
  const std::string head = "destination " + destination + " (" + d->type + "), statement " +
                           statement_id + ", idempotency key " + rec.idempotency_key + ":\n";
  if (d->type == "kafka") {  // no HTTP: describe the message, never produce it
    if (json::StringOr(d->settings, "send") == "mapped") {
      LRS_RETURN_IF_ERROR(d->mapping->Map(stmt, &rec.mapped));
    } else {
      rec.statement = json;
    }
    std::string msg;
    LRS_RETURN_IF_ERROR(DescribeKafkaMessage(d->settings, rec, &msg));
    *report = head + "\n" + msg;
    return Status::OK();
  }
  auto transport = std::make_shared<RecordingTransport>();
  NoState state;
  ConnectorContext ctx;
  ctx.destination = d->name;
  ctx.settings = &d->settings;
  ctx.transport = transport.get();
  ctx.clock = Clock::System();
  ctx.state = &state;
  ctx.guard = d->guard;
  std::unique_ptr<Connector> c;
  LRS_RETURN_IF_ERROR(NewConnector(d->type, ctx, &c));
  if (c->uses_mapping()) {
    LRS_RETURN_IF_ERROR(d->mapping->Map(stmt, &rec.mapped));
  } else {
    rec.statement = json;
    rec.attachments = atts;
  }
  (void)c->Deliver({&rec});
  std::string out = head;
  for (const auto& r : transport->sent_) {
    out += "\n" + r.method + " " + r.url + "\n";
    for (const auto& [k, v] : r.headers) out += k + ": " + (Secret(k) ? "<redacted>" : v) + "\n";
    out += "\n" + r.body + "\n";
  }
  *report = std::move(out);
  return Status::OK();
}

}  // namespace lrs::sync
