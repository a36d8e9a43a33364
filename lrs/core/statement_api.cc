// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// StoreImpl's statement methods: writes (through PutStatementsOp and group
// commit), single-statement reads, and record rendering.

#include <memory>

#include "lrs/common/coding.h"
#include "lrs/common/time.h"
#include "lrs/core/statements.h"
#include "lrs/validate/validator.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::core {
namespace {
using storage::Table;
}  // namespace

Status StoreImpl::PutStatements(const StatementWrite& write, std::string_view json,
                                std::vector<std::string>* ids) {
  PutStatementsOp op(this, write);
  LRS_RETURN_IF_ERROR(op.Prepare(json, std::nullopt));
  LRS_RETURN_IF_ERROR(Write(&op));
  if (ids) *ids = op.ids();
  return Status::OK();
}

Status StoreImpl::PutStatement(const StatementWrite& write, std::string_view id,
                               std::string_view json) {
  if (!validate::IsUuid(id)) return Status::InvalidArgument("statementId: must be a UUID");
  PutStatementsOp op(this, write);
  LRS_RETURN_IF_ERROR(op.Prepare(json, id));
  return Write(&op);
}

Status StoreImpl::VoidStatement(const StatementWrite& write, std::string_view target_id,
                                std::string_view actor, std::string* id) {
  if (!validate::IsUuid(target_id)) return Status::InvalidArgument("statementId: must be a UUID");
  std::string json = "{\"actor\":";
  json += actor;
  json += ",\"verb\":{\"id\":\"";
  json += kVoidedVerb;
  json += "\",\"display\":{\"en-US\":\"voided\"}},\"object\":{\"objectType\":\"StatementRef\",\"id\":\"";
  json += target_id;
  json += "\"}}";
  std::vector<std::string> ids;
  LRS_RETURN_IF_ERROR(PutStatements(write, json, &ids));
  if (id) *id = ids.at(0);
  return Status::OK();
}

Status StoreImpl::RenderRecord(const storage::ReadTxn* rtxn, const storage::WriteTxn* wtxn,
                               std::string_view record, StatementFormat format,
                               const std::vector<std::string>& languages, std::string* out) {
  storage::RecordHeader h;
  std::string_view compressed;
  LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(record, &h, &compressed));
  std::string body;
  LRS_RETURN_IF_ERROR(codec_.DecodeBody(h, compressed, &body));
  if (body.size() < 2 || body.front() != '{') return Status::Corruption("statement body");

  std::string& s = *out;
  s.clear();
  s.reserve(body.size() + 160);
  s += "{\"id\":\"";
  s += Uuid{h.id}.ToString();
  std::string stored = FormatIso8601Millis(h.stored_ms * 1000);
  s += "\",\"stored\":\"";
  s += stored;
  s += '"';
  if (h.timestamp_is_stored) {
    s += ",\"timestamp\":\"";
    s += stored;
    s += '"';
  }
  if (h.authority_id) {
    std::string auth;
    LRS_RETURN_IF_ERROR(AuthorityJson(rtxn, wtxn, h.authority_id, &auth));
    s += ",\"authority\":";
    s += auth;
  }
  if (body.size() > 2) s += ',';
  s.append(body, 1, std::string::npos);
  if (format == StatementFormat::kExact) return Status::OK();

  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(s, &d, json::Limits{1u << 30, 1 << 10}));
  if (format == StatementFormat::kIds) {
    xapi::ApplyIdsFormat(d, d.GetAllocator());
  } else {
    // Canonical activity definitions come from the activities table.
    std::vector<std::unique_ptr<json::Document>> held;
    auto lookup = [&](std::string_view activity_id) -> const json::Value* {
      std::string v;
      std::string key = TermKey(ActivityTerm(activity_id));
      // REQUIRES (callers): mem_.mu() held, or the write leader.
      Status st = CatalogGet(nullptr, rtxn ? rtxn->txn() : wtxn->txn(), Table::kActivities, key, &v);
      if (!st.ok()) return nullptr;
      auto doc = std::make_unique<json::Document>();
      if (!json::Parse(v, doc.get(), json::Limits{1u << 30, 1 << 10}).ok()) return nullptr;
      held.push_back(std::move(doc));
      return held.back().get();
    };
    xapi::ApplyCanonicalFormat(d, d.GetAllocator(), languages, lookup);
  }
  *out = json::Write(d);
  return Status::OK();
}

Status StoreImpl::GetStatement(const StatementGet& get, std::string* json,
                               std::vector<AttachmentPayload>* attachments) {
  Uuid id;
  if (!Uuid::Parse(get.id, &id))
    return Status::InvalidArgument(std::string(get.voided ? "voidedStatementId" : "statementId") +
                                   ": must be a UUID");
  std::shared_lock<std::shared_mutex> mem_lock(mem_.mu());
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  std::uint64_t seqn;
  Status s = FindSeq(nullptr, txn.txn(), id.AsBytes(), &seqn);
  if (s.ok() && seqn > mem_.visible_seq()) s = Status::NotFound("");
  if (s.IsNotFound()) return Status::NotFound("no statement with id " + id.ToString());
  LRS_RETURN_IF_ERROR(s);
  char seqbuf[8];
  EncodeFixed64BE(seqbuf, seqn);
  const std::string_view seq(seqbuf, 8);
  std::string_view dummy;
  s = txn.Get(Table::kVoided, seq, &dummy);
  if (!s.ok() && !s.IsNotFound()) return s;
  const bool voided = s.ok();
  if (voided && !get.voided)
    return Status::NotFound("statement " + id.ToString() +
                            " is voided; fetch it with voidedStatementId");
  if (!voided && get.voided) return Status::NotFound("statement " + id.ToString() + " is not voided");
  std::string_view rec;
  LRS_RETURN_IF_ERROR(txn.Get(Table::kStatements, seq, &rec));
  if (get.authority) {
    std::uint64_t authority_id;
    std::string index_key;
    s = ResolveAuthority(txn, *get.authority, &authority_id, &index_key);
    storage::RecordHeader h;
    std::string_view body;
    if (s.ok()) s = storage::RecordCodec::DecodeHeader(rec, &h, &body);
    if (s.ok() && h.authority_id != authority_id) s = Status::NotFound("");
    if (s.IsNotFound()) return Status::NotFound("no statement with id " + id.ToString());
    LRS_RETURN_IF_ERROR(s);
  }
  LRS_RETURN_IF_ERROR(RenderRecord(&txn, nullptr, rec, get.format, get.languages, json));
  if (get.attachments && attachments) {
    attachments->clear();
    std::unordered_set<std::string> seen;
    LRS_RETURN_IF_ERROR(CollectAttachments(txn, *json, &seen, attachments));
  }
  return Status::OK();
}

}  // namespace lrs::core
