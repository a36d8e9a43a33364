// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/core/statements.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "lrs/common/coding.h"
#include "lrs/validate/validator.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::core {
namespace {

using storage::Table;

std::string Hex(const unsigned char* p, std::size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(kHex[p[i] >> 4]);
    s.push_back(kHex[p[i] & 15]);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// SHA-2 of data in the hex length of `sha2` (SHA-256, -384 or -512).
bool Sha2Matches(std::string_view sha2, std::string_view data) {
  unsigned char md[64];
  std::size_t n;
  const auto* d = reinterpret_cast<const unsigned char*>(data.data());
  switch (sha2.size()) {
    case 64: SHA256(d, data.size(), md); n = 32; break;
    case 96: SHA384(d, data.size(), md); n = 48; break;
    case 128: SHA512(d, data.size(), md); n = 64; break;
    default: return false;
  }
  return Hex(md, n) == Lower(sha2);
}

std::string Path(bool batch, std::size_t i) {
  return batch ? "[" + std::to_string(i) + "]" : std::string();
}

}  // namespace

Status PutStatementsOp::Prepare(std::string_view json,
                                const std::optional<std::string_view>& put_id) {
  const Options& opt = store_->options();
  json::Limits limits;
  limits.max_bytes = opt.max_statement_request_bytes;
  limits.max_depth = opt.max_json_depth;
  LRS_RETURN_IF_ERROR(json::Parse(json, &doc_, limits));
  auto& alloc = doc_.GetAllocator();
  const XapiVersion version = write_.version;

  const bool batch = doc_.IsArray();
  if (!batch && !doc_.IsObject())
    return Status::InvalidArgument("statements: must be a statement object or an array of them");
  if (put_id && batch)
    return Status::InvalidArgument("statement: PUT takes a single statement object, not an array");
  std::size_t n = batch ? doc_.Size() : 1;
  if (n > opt.max_statements_per_batch)
    return Status::TooLarge("statements: a batch holds at most " +
                            std::to_string(opt.max_statements_per_batch) + " statements");

  // Authority set by the caller (the credential's), validated once.
  const json::Value* write_authority = nullptr;
  std::string write_authority_json;
  if (!write_.authority.empty()) {
    LRS_RETURN_IF_ERROR(json::Parse(write_.authority, &authority_doc_, limits)
                            .WithPrefix("authority: "));
    LRS_RETURN_IF_ERROR(validate::ValidateAgentParam(authority_doc_, version, true, "authority"));
    write_authority = &authority_doc_;
    write_authority_json = json::Write(authority_doc_);
  }

  for (const auto& p : write_.attachments) payloads_[Lower(p.sha2)] = &p;
  std::unordered_set<std::string> used_payloads;

  stmts_.resize(n);
  ids_.resize(n);
  std::unordered_set<std::string> seen_ids;
  for (std::size_t i = 0; i < n; ++i) {
    json::Value& st = batch ? doc_[static_cast<rapidjson::SizeType>(i)] : doc_;
    PreparedStatement& p = stmts_[i];
    p.stmt = &st;
    const std::string path = Path(batch, i);
    if (!st.IsObject())
      return Status::InvalidArgument((path.empty() ? "statement" : path) +
                                     ": must be a JSON object");
    if (put_id) {
      const json::Value* idv = json::Member(st, "id");
      if (idv && idv->IsString() && Lower(json::View(*idv)) != Lower(*put_id))
        return Status::InvalidArgument("id: does not match the statementId parameter");
      if (!idv) st.AddMember("id", json::StringValue(*put_id, alloc), alloc);
    }
    Status s = validate::ValidateStatement(st, alloc, version);
    if (!s.ok()) return batch ? s.WithPrefix(path + ".") : s;

    // Id: given or assigned; unique within the batch (Communication 2.1.2.s2.b6).
    if (const json::Value* idv = json::Member(st, "id"); idv && idv->IsString()) {
      if (!Uuid::Parse(json::View(*idv), &p.id))
        return Status::InvalidArgument(path + (path.empty() ? "" : ".") + "id: must be a UUID");
    } else {
      p.id = Uuid::Random();
    }
    ids_[i] = p.id.ToString();
    if (!seen_ids.insert(ids_[i]).second)
      return Status::InvalidArgument(path + (path.empty() ? "" : ".") + "id: statement id " +
                                     ids_[i] + " appears twice in the batch");

    // Voiding (Data 2.3.2) and StatementRef targets.
    const json::Value* verb = json::Member(st, "verb");
    const json::Value* object = json::Member(st, "object");
    bool ref = object && json::StringOr(*object, "objectType") == "StatementRef";
    if (verb && json::StringOr(*verb, "id") == kVoidedVerb) {
      if (!ref)
        return Status::InvalidArgument(path + (path.empty() ? "" : ".") +
                                       "object: a voiding statement's object must be a "
                                       "StatementRef (Data 2.3.2)");
      p.voiding = true;
    }
    if (ref) {
      Uuid target;
      if (Uuid::Parse(json::StringOr(*object, "id"), &target)) p.ref_target = target;
    }

    // Attachments without fileUrl need their data in this request
    // (Communication 1.5.2 / Data 2.4.11).
    if (const json::Value* atts = json::Member(st, "attachments"); atts && atts->IsArray()) {
      for (rapidjson::SizeType k = 0; k < atts->Size(); ++k) {
        const json::Value& a = (*atts)[k];
        std::string sha2 = Lower(json::StringOr(a, "sha2"));
        if (payloads_.count(sha2)) {
          p.payload_sha2.push_back(sha2);
          used_payloads.insert(sha2);
        } else if (!json::Member(a, "fileUrl")) {
          return Status::InvalidArgument(path + (path.empty() ? "" : ".") + "attachments[" +
                                         std::to_string(k) +
                                         "].sha2: no attachment data was sent for this hash "
                                         "and the attachment has no fileUrl");
        }
      }
    }

    // Authority: the caller's wins over the statement's own.
    const json::Value* authority = write_authority;
    if (authority) {
      p.authority_json = write_authority_json;
    } else if (const json::Value* a = json::Member(st, "authority")) {
      p.authority_json = json::Write(*a);
    }

    // Terms need the authority object; take them before it is removed.
    if (!authority) authority = json::Member(st, "authority");
    ExtractTerms(st, authority, &p.terms);
    if (opt.aggregates) agg::Extract(st, &p.contrib);
    // Work that needs no transaction is done here, in the caller's thread,
    // so the commit leader (which is serial) only does what is new.
    LRS_RETURN_IF_ERROR(store_->ResolveTerms(p.terms, &p.resolved, &p.unresolved));
    p.catalog_changed = store_->ActivitiesOrAgentsChanged(st);

    // The body: what is not kept in the record header.
    st.EraseMember("id");
    st.EraseMember("stored");
    st.EraseMember("authority");
    if (!json::Member(st, "version")) {
      st.AddMember("version",
                   rapidjson::StringRef(version == XapiVersion::k1_0_3 ? "1.0.0" : "2.0.0"),
                   alloc);
    }
    p.timestamp_assigned = json::Member(st, "timestamp") == nullptr;
    // Serialized into the thread's reusable buffer: no copy of the body.
    p.dict_id = store_->codec().Compress(json::WriteTemp(st), &p.compressed);
    bytes += p.compressed.size() + 64;
  }

  // Every payload must belong to a statement and match its hash.
  for (const auto& pl : write_.attachments) {
    std::string sha2 = Lower(pl.sha2);
    if (!used_payloads.count(sha2))
      return Status::InvalidArgument("attachment data with sha2 " + sha2 +
                                     " does not belong to any statement's attachments");
    if (!Sha2Matches(sha2, pl.data))
      return Status::InvalidArgument("attachment data with sha2 " + sha2 +
                                     " does not match its hash");
    bytes += pl.data.size();
  }
  return Status::OK();
}

Status PutStatementsOp::Apply(GroupContext& ctx, storage::WriteTxn& txn) {
  for (auto& p : stmts_) LRS_RETURN_IF_ERROR(ApplyOne(ctx, txn, p));
  return Status::OK();
}

Status PutStatementsOp::InternAuthority(GroupContext& ctx, storage::WriteTxn& txn,
                                        const std::string& json, std::uint64_t* id) {
  auto before = ctx.next_term_id;
  LRS_RETURN_IF_ERROR(store_->InternTerm(ctx, txn, "u" + json, id));
  if (ctx.next_term_id != before) {  // new: store its JSON for rendering
    std::string key("auth:");
    PutFixed64BE(&key, *id);
    LRS_RETURN_IF_ERROR(txn.Put(Table::kMeta, key, json));
    ctx.new_authorities[*id] = json;
  }
  return Status::OK();
}

Status PutStatementsOp::AddPostings(GroupContext& ctx, storage::WriteTxn& txn,
                                    const std::vector<Term>& terms, std::uint64_t seq,
                                    bool append) {
  for (const Term& t : terms) {
    std::uint64_t tid;
    LRS_RETURN_IF_ERROR(store_->InternTerm(ctx, txn, t.second, &tid));
    (void)append;
    ctx.postings.push_back(Posting{PostingKey(t.first, tid), seq});
  }
  return Status::OK();
}

Status PutStatementsOp::StoredTerms(const GroupContext& ctx, storage::WriteTxn& txn,
                                    std::string_view uuid_bytes, int depth, std::vector<Term>* out) {
  if (depth <= 0) return Status::OK();
  std::uint64_t seq;
  Status s = store_->FindSeq(&ctx, txn.txn(), uuid_bytes, &seq);
  if (s.IsNotFound()) return Status::OK();
  LRS_RETURN_IF_ERROR(s);
  std::string_view rec;
  LRS_RETURN_IF_ERROR(txn.Get(Table::kStatements, Fixed64BE(seq), &rec));
  std::string text;
  LRS_RETURN_IF_ERROR(store_->RenderRecord(nullptr, &txn, rec, StatementFormat::kExact, {}, &text));
  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(text, &d, json::Limits{1u << 30, 1 << 10}));
  ExtractTerms(d, json::Member(d, "authority"), out);
  const json::Value* obj = json::Member(d, "object");
  if (obj && json::StringOr(*obj, "objectType") == "StatementRef") {
    Uuid next;
    if (Uuid::Parse(json::StringOr(*obj, "id"), &next))
      LRS_RETURN_IF_ERROR(StoredTerms(ctx, txn, next.AsBytes(), depth - 1, out));
  }
  return Status::OK();
}

Status PutStatementsOp::PropagateToReferrers(GroupContext& ctx, storage::WriteTxn& txn,
                                             const Uuid& id, const std::vector<Term>& terms) {
  // Breadth-first over statements that (transitively) refer to `id`.
  std::vector<std::string> frontier{std::string(id.AsBytes())};
  std::unordered_set<std::uint64_t> visited;
  for (int depth = 0; depth < 16 && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const auto& target : frontier) {
      storage::Cursor c;
      LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kRefs)));
      MDB_val k = storage::Val(target), v;
      Status s = c.Get(&k, &v, MDB_SET_KEY);
      while (s.ok()) {
        std::uint64_t r = DecodeFixed64BE(static_cast<const char*>(v.mv_data));
        if (visited.insert(r).second) {
          LRS_RETURN_IF_ERROR(AddPostings(ctx, txn, terms, r, false));
          std::string_view rec;
          LRS_RETURN_IF_ERROR(txn.Get(Table::kStatements, Fixed64BE(r), &rec));
          storage::RecordHeader h;
          std::string_view body;
          LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(rec, &h, &body));
          next.emplace_back(reinterpret_cast<const char*>(h.id.data()), 16);
        }
        s = c.Get(&k, &v, MDB_NEXT_DUP);
      }
      if (!s.IsNotFound()) return s;
    }
    frontier = std::move(next);
  }
  return Status::OK();
}

Status PutStatementsOp::ApplyOne(GroupContext& ctx, storage::WriteTxn& txn,
                                 PreparedStatement& p) {
  const std::string_view idb = p.id.AsBytes();
  std::uint64_t existing;
  Status s = store_->FindSeq(&ctx, txn.txn(), idb, &existing);
  if (s.ok()) {
    // Communication 2.1.2.s2.b4/b5: an equal statement is accepted and
    // changes nothing; a different one is a conflict.
    std::string_view rec;
    LRS_RETURN_IF_ERROR(txn.Get(Table::kStatements, Fixed64BE(existing), &rec));
    std::string text;
    LRS_RETURN_IF_ERROR(store_->RenderRecord(nullptr, &txn, rec, StatementFormat::kExact, {}, &text));
    json::Document stored;
    LRS_RETURN_IF_ERROR(json::Parse(text, &stored, json::Limits{1u << 30, 1 << 10}));
    if (!xapi::StatementsEquivalent(*p.stmt, stored))
      return Status::Conflict("statement " + p.id.ToString() +
                              " already exists with different content");
    return Status::OK();
  }
  if (!s.IsNotFound()) return s;

  const std::uint64_t seq = ctx.next_seq++;
  const std::string seq_key = Fixed64BE(seq);

  storage::RecordHeader h;
  h.id = p.id.bytes;
  h.stored_ms = ctx.stored_ms;
  h.timestamp_is_stored = p.timestamp_assigned;
  h.voiding = p.voiding;
  h.dict_id = p.dict_id;
  if (!p.authority_json.empty())
    LRS_RETURN_IF_ERROR(InternAuthority(ctx, txn, p.authority_json, &h.authority_id));
  std::string record;
  record.reserve(p.compressed.size() + 40);
  storage::RecordCodec::EncodeCompressed(h, p.compressed, &record);
  LRS_RETURN_IF_ERROR(txn.Put(Table::kStatements, seq_key, record, MDB_APPEND));
  // The id index entry goes through the index buffer (MemIndex).
  if (ctx.first_seq == 0) ctx.first_seq = seq;
  ctx.new_ids.emplace(std::string(idb), seq);
  if (!ctx.time_index_written) {
    std::string tkey;
    PutFixed64BE(&tkey, static_cast<std::uint64_t>(ctx.stored_ms));
    LRS_RETURN_IF_ERROR(txn.Put(Table::kStoredTime, tkey, seq_key));
    ctx.time_index_written = true;
  }

  // Index terms: own, plus those inherited from a StatementRef target.
  const std::vector<Term>* terms = &p.terms;
  std::vector<Term> ref_terms;  // own terms plus the target's (StatementRef only)
  if (p.ref_target) {
    ref_terms = p.terms;
    LRS_RETURN_IF_ERROR(StoredTerms(ctx, txn, p.ref_target->AsBytes(), 16, &ref_terms));
    std::sort(ref_terms.begin(), ref_terms.end());
    ref_terms.erase(std::unique(ref_terms.begin(), ref_terms.end()), ref_terms.end());
    terms = &ref_terms;
    LRS_RETURN_IF_ERROR(txn.Put(Table::kRefs, p.ref_target->AsBytes(), seq_key, MDB_NODUPDATA));
    LRS_RETURN_IF_ERROR(AddPostings(ctx, txn, ref_terms, seq, true));
  } else {
    for (std::uint64_t key : p.resolved) ctx.postings.push_back(Posting{key, seq});
    LRS_RETURN_IF_ERROR(AddPostings(ctx, txn, p.unresolved, seq, true));
  }
  // Earlier statements referring to this one now match its terms too.
  LRS_RETURN_IF_ERROR(PropagateToReferrers(ctx, txn, p.id, *terms));

  // Voiding (Data 2.3.2.s2.b3): a statement is voided iff it is not itself
  // voiding and a voiding statement targets it, whichever arrives first.
  if (p.voiding && p.ref_target) {
    const std::string_view tb = p.ref_target->AsBytes();
    LRS_RETURN_IF_ERROR(txn.Put(Table::kVoids, tb, seq_key, MDB_NODUPDATA));
    std::uint64_t target_seq;
    s = store_->FindSeq(&ctx, txn.txn(), tb, &target_seq);
    if (s.ok()) {
      const std::string tseq = Fixed64BE(target_seq);
      std::string_view trec;
      LRS_RETURN_IF_ERROR(txn.Get(Table::kStatements, tseq, &trec));
      storage::RecordHeader th;
      std::string_view tbody;
      LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(trec, &th, &tbody));
      if (!th.voiding) {
        std::string tkey(tseq);
        Status ps = txn.Put(Table::kVoided, tkey, seq_key, MDB_NOOVERWRITE);
        if (!ps.ok() && !ps.IsConflict()) return ps;  // already voided: keep the first
        if (ps.ok() && store_->options().aggregates)
          LRS_RETURN_IF_ERROR(store_->SubtractFromAggregates(ctx, txn, trec, false));
      }
    } else if (!s.IsNotFound()) {
      return s;
    }
  }
  if (!p.voiding) {
    std::string_view vseq;
    s = txn.Get(Table::kVoids, idb, &vseq);
    if (s.ok()) {
      std::string vkey(vseq);
      LRS_RETURN_IF_ERROR(txn.Put(Table::kVoided, seq_key, vkey));
    } else if (!s.IsNotFound()) {
      return s;
    } else if (p.contrib.counted) {  // not voided on arrival: it counts
      agg::ResolvedTerms rt;
      LRS_RETURN_IF_ERROR(store_->ResolveAggTerms(ctx, txn, p.contrib, &rt));
      agg::Accumulate(p.contrib, rt, ctx.stored_ms, +1, &ctx.agg);
    }
  }

  // Attachment data, content-addressed and shared between statements.
  for (const auto& sha2 : p.payload_sha2) {
    const AttachmentPayload* pl = payloads_.at(sha2);
    std::string val;
    PutLengthPrefixed(&val, pl->content_type);
    val += pl->data;
    s = txn.Put(Table::kAttachments, sha2, val, MDB_NOOVERWRITE);
    if (!s.ok() && !s.IsConflict()) return s;
  }

  if (p.catalog_changed) LRS_RETURN_IF_ERROR(store_->UpdateActivitiesAndAgents(ctx, txn, *p.stmt));
  ++ctx.statements_added;
  return Status::OK();
}

}  // namespace lrs::core
