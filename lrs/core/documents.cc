// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The document resources: state (Communication 2.3), activity profile (2.7)
// and agent profile (2.6), with the POST merge of 2.2.s7/s8 and the
// concurrency rules of 3.1. Writes go through group commit, so the
// precondition check, the read of the current document and the write are
// one atomic step; a failed check changes nothing.
//
// Table::kDocuments (plain, not DUPSORT):
//   key   state             's' activity(8) agent(8) 0x00                   id-suffix
//                           's' activity(8) agent(8) 0x01 registration(16)  id-suffix
//         activity profile  'p' activity(8) id-suffix
//         agent profile     'g' agent(8) id-suffix
//   where activity and agent are term ids (big-endian) of ActivityTerm(IRI)
//   and AgentTerm(agent) (the agent's inverse functional identifier, so the
//   same person under another name finds the same documents), registration
//   the UUID's 16 bytes (so it compares case-insensitively), and id-suffix the
//   stateId/profileId when shorter than 400 bytes, else its first 368 bytes
//   followed by its SHA-256 (always exactly 400 bytes, so the two forms never
//   collide). Every key is at most 434 bytes (LMDB's limit is 511).
//   value 0x01, updated ms (8, big-endian), length-prefixed id (the full id),
//         length-prefixed content type, SHA-1 of the content (20), content.
// The ETag is the quoted lowercase hex SHA-1 of the content (3.1.s4.b2/b4).

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/common/coding.h"
#include "lrs/common/encoding.h"
#include "lrs/common/time.h"
#include "lrs/common/uuid.h"
#include "lrs/core/store_impl.h"
#include "lrs/core/terms.h"
#include "lrs/validate/validator.h"

namespace lrs::core {
namespace {

using storage::Table;

constexpr char kKeyState = 's';
constexpr char kKeyActivityProfile = 'p';
constexpr char kKeyAgentProfile = 'g';
constexpr char kRecordFormat = 1;
constexpr std::size_t kIdSuffixBytes = 400;  // hashed ids are exactly this long
constexpr std::size_t kSha1Bytes = SHA_DIGEST_LENGTH;
constexpr std::string_view kDefaultContentType = "application/octet-stream";

const char* IdName(DocumentKind k) { return k == DocumentKind::kState ? "stateId" : "profileId"; }

const char* ResourceName(DocumentKind k) {
  switch (k) {
    case DocumentKind::kState: return "state";
    case DocumentKind::kActivityProfile: return "activity profile";
    case DocumentKind::kAgentProfile: return "agent profile";
  }
  return "document";
}

bool UsesActivity(DocumentKind k) { return k != DocumentKind::kAgentProfile; }
bool UsesAgent(DocumentKind k) { return k != DocumentKind::kActivityProfile; }

// ---- Keys -------------------------------------------------------------------------

// A validated DocumentKey: the term strings to resolve and the fixed parts.
struct ParsedKey {
  DocumentKind kind = DocumentKind::kState;
  std::string activity_term;         // UsesActivity(kind)
  std::string agent_term;            // UsesAgent(kind)
  std::optional<Uuid> registration;  // state only
  std::string id;                    // empty: none (listing, delete-all)
};

enum class IdRule { kRequired, kOptional, kIgnored };

Status ParseKey(const DocumentKey& key, IdRule id_rule, ParsedKey* out) {
  out->kind = key.kind;
  if (key.kind != DocumentKind::kState && key.kind != DocumentKind::kActivityProfile &&
      key.kind != DocumentKind::kAgentProfile) {
    return Status::InvalidArgument("unknown document kind");
  }
  if (UsesActivity(key.kind)) {
    if (key.activity_id.empty()) return Status::InvalidArgument("activityId: required");
    if (!validate::IsAbsoluteIri(key.activity_id))
      return Status::InvalidArgument("activityId: must be an absolute IRI");
    out->activity_term = ActivityTerm(key.activity_id);
  }
  if (UsesAgent(key.kind)) {
    if (key.agent.empty())
      return Status::InvalidArgument("agent: required (an Agent object as JSON)");
    json::Document agent;
    LRS_RETURN_IF_ERROR(
        json::Parse(key.agent, &agent, json::Limits{1u << 16, 8}).WithPrefix("agent: "));
    LRS_RETURN_IF_ERROR(validate::ValidateAgentParam(agent, XapiVersion::k2_0_0, false, "agent"));
    if (!AgentTerm(agent, &out->agent_term))
      return Status::InvalidArgument("agent: has no inverse functional identifier");
  }
  if (key.kind == DocumentKind::kState && key.registration) {
    Uuid u;
    if (!validate::IsUuid(*key.registration) || !Uuid::Parse(*key.registration, &u))
      return Status::InvalidArgument("registration: must be a UUID");
    out->registration = u;
  }
  if (id_rule != IdRule::kIgnored) {
    if (key.id.empty() && id_rule == IdRule::kRequired)
      return Status::InvalidArgument(std::string(IdName(key.kind)) + ": required");
    // Communication 1.4: strings are UTF-8. An id is listed back in JSON
    // (2.3.s4), which must be UTF-8 too.
    if (ValidUtf8(key.id) != key.id)
      return Status::InvalidArgument(std::string(IdName(key.kind)) + ": must be UTF-8 text");
    out->id = key.id;
  }
  return Status::OK();
}

// The key prefix of the documents of `k`'s activity/agent/registration.
std::string KeyPrefix(const ParsedKey& k, std::uint64_t activity, std::uint64_t agent) {
  std::string s;
  switch (k.kind) {
    case DocumentKind::kState:
      s.push_back(kKeyState);
      PutFixed64BE(&s, activity);
      PutFixed64BE(&s, agent);
      if (k.registration) {
        s.push_back('\x01');
        s.append(k.registration->AsBytes());
      } else {
        s.push_back('\x00');
      }
      break;
    case DocumentKind::kActivityProfile:
      s.push_back(kKeyActivityProfile);
      PutFixed64BE(&s, activity);
      break;
    case DocumentKind::kAgentProfile:
      s.push_back(kKeyAgentProfile);
      PutFixed64BE(&s, agent);
      break;
  }
  return s;
}

void AppendIdSuffix(std::string* key, std::string_view id) {
  if (id.size() < kIdSuffixBytes) {
    key->append(id);
    return;
  }
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(id.data()), id.size(), md);
  key->append(id.substr(0, kIdSuffixBytes - sizeof md));
  key->append(reinterpret_cast<const char*>(md), sizeof md);
}

// ---- Records ----------------------------------------------------------------------

struct Record {
  std::int64_t updated_ms = 0;
  std::string_view id;
  std::string_view content_type;
  std::string_view sha1;  // raw, 20 bytes
  std::string_view content;
};

std::string Sha1(std::string_view data) {
  unsigned char md[kSha1Bytes];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

std::string EncodeRecord(std::int64_t updated_ms, std::string_view id,
                         std::string_view content_type, std::string_view sha1,
                         std::string_view content) {
  std::string v;
  v.reserve(1 + 8 + 10 + id.size() + 10 + content_type.size() + sha1.size() + content.size());
  v.push_back(kRecordFormat);
  PutFixed64BE(&v, static_cast<std::uint64_t>(updated_ms));
  PutLengthPrefixed(&v, id);
  PutLengthPrefixed(&v, content_type);
  v.append(sha1);
  v.append(content);
  return v;
}

Status DecodeRecord(std::string_view v, Record* r) {
  if (v.size() < 9 || v[0] != kRecordFormat) return Status::Corruption("document record header");
  r->updated_ms = static_cast<std::int64_t>(DecodeFixed64BE(v.data() + 1));
  v.remove_prefix(9);
  if (!GetLengthPrefixed(&v, &r->id) || !GetLengthPrefixed(&v, &r->content_type) ||
      v.size() < kSha1Bytes) {
    return Status::Corruption("document record");
  }
  r->sha1 = v.substr(0, kSha1Bytes);
  r->content = v.substr(kSha1Bytes);
  return Status::OK();
}

std::string Etag(std::string_view sha1) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 + 2 * sha1.size());
  s.push_back('"');
  for (char c : sha1) {
    auto b = static_cast<unsigned char>(c);
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  s.push_back('"');
  return s;
}

void FillDocument(const Record& r, Document* out) {
  out->content.assign(r.content);
  out->content_type.assign(r.content_type);
  out->etag = Etag(r.sha1);
  out->updated_ms = r.updated_ms;
}

// ---- Preconditions (Communication 3.1) ---------------------------------------------

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// True when the If-Match / If-None-Match header value (RFC 7232: "*" or a
// comma-separated list of entity tags) matches `etag` (quoted). Lenient
// about what clients send: a W/ prefix, missing quotes and uppercase hex are
// accepted.
bool EtagListMatches(std::string_view header, std::string_view etag) {
  std::string_view want = etag.substr(1, etag.size() - 2);
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
      tag = tag.substr(1, tag.size() - 2);
    if (EqualsIgnoreCase(tag, want)) return true;
  }
  return false;
}

// `cur` is the current document, or null when there is none.
Status CheckPreconditions(const DocumentPrecondition& pre, const Record* cur) {
  if (pre.if_match) {
    if (cur == nullptr) return Status::PreconditionFailed("If-Match: the document does not exist");
    std::string etag = Etag(cur->sha1);
    if (!EtagListMatches(*pre.if_match, etag))
      return Status::PreconditionFailed("If-Match: the document has changed; its current ETag is " +
                                        etag);
  }
  if (pre.if_none_match && cur != nullptr) {
    if (Trim(*pre.if_none_match) == "*")
      return Status::PreconditionFailed("If-None-Match: *: the document already exists");
    if (EtagListMatches(*pre.if_none_match, Etag(cur->sha1)))
      return Status::PreconditionFailed("If-None-Match: the document's current ETag is listed");
  }
  return Status::OK();
}

// ---- JSON (Communication 2.2.s7/s8) ---------------------------------------------------

// "application/json", parameters allowed ("application/json; charset=utf-8").
bool IsJsonContentType(std::string_view ct) {
  std::size_t semi = ct.find(';');
  return EqualsIgnoreCase(Trim(ct.substr(0, semi)), "application/json");
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// True when something other than white space follows the object or array
// that starts `text` (json::Parse stops at the end of the first value).
bool HasTrailingContent(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && IsJsonSpace(text[i])) ++i;
  if (i == text.size() || (text[i] != '{' && text[i] != '[')) return false;
  int depth = 0;
  bool in_string = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) break;
    }
  }
  for (++i; i < text.size(); ++i)
    if (!IsJsonSpace(text[i])) return true;
  return false;
}

// Parses `text` as a JSON object document (content type and syntax). On
// failure returns why, for the InvalidArgument message.
bool ParseJsonObject(std::string_view content_type, std::string_view text,
                     const json::Limits& limits, json::Document* doc, std::string* why) {
  if (!IsJsonContentType(content_type)) {
    *why = "its Content-Type is \"" + std::string(content_type) + "\", not application/json";
    return false;
  }
  Status s = json::Parse(text, doc, limits);
  if (!s.ok()) {
    *why = "it is not valid JSON (" + s.message() + ")";
    return false;
  }
  if (!doc->IsObject()) {
    *why = "it is JSON but not an object";
    return false;
  }
  if (HasTrailingContent(text)) {
    *why = "it is not valid JSON (content follows the object)";
    return false;
  }
  return true;
}

// ---- Write operations ---------------------------------------------------------------

// Finds a term's id without creating it (for deletes): in this group, in
// the index buffer, or in LMDB. NotFound when absent. REQUIRES: the write
// leader (the only writer of the index buffer, so it may read it unlocked).
Status FindTerm(StoreImpl* store, const GroupContext& ctx, storage::WriteTxn& txn,
                std::string_view term, std::uint64_t* id) {
  auto it = ctx.new_terms.find(std::string(term));
  if (it != ctx.new_terms.end()) {
    *id = it->second;
    return Status::OK();
  }
  if (store->mem().FindTerm(term, id)) return Status::OK();
  std::string_view v;
  LRS_RETURN_IF_ERROR(txn.Get(Table::kTerms, StoreImpl::TermKey(term), &v));
  if (v.size() != 8) return Status::Corruption("term id");
  *id = DecodeFixed64BE(v.data());
  return Status::OK();
}

// Finds or allocates a term's id, durably. A term allocated in this group
// otherwise reaches LMDB only through the index buffer's pending log, which
// a group without statements does not write; storing it here keeps the
// document's key resolvable after a crash. Idempotent with the buffer's
// flush (same key, same id), and undone with the op if the op fails.
Status InternDurably(StoreImpl* store, GroupContext& ctx, storage::WriteTxn& txn,
                     std::string_view term, std::uint64_t* id) {
  LRS_RETURN_IF_ERROR(store->InternTerm(ctx, txn, term, id));
  if (ctx.new_terms.count(std::string(term)) == 0) return Status::OK();
  std::string v;
  PutFixed64BE(&v, *id);
  return txn.Put(Table::kTerms, StoreImpl::TermKey(term), v);
}

enum class Method { kPut, kPost, kDelete };

class DocumentOp final : public WriteOp {
 public:
  DocumentOp(StoreImpl* store, const ParsedKey& key, Method method, const DocumentPrecondition& pre)
      : store_(store), key_(key), method_(method), pre_(pre) {}

  // PUT and POST: the new content. For POST it is parsed here, in the
  // caller's thread, rather than in the commit group.
  void SetContent(std::string_view content, std::string_view content_type) {
    content_ = content;
    content_type_ = content_type.empty() ? kDefaultContentType : content_type;
    bytes = content.size();
    if (method_ == Method::kPost) {
      const Options& o = store_->options();
      posted_is_object_ = ParseJsonObject(content_type_, content_,
                                          json::Limits{o.max_document_bytes, o.max_json_depth},
                                          &posted_, &posted_why_);
    }
  }

  Status Apply(GroupContext& ctx, storage::WriteTxn& txn) override {
    result_ = Document();  // Apply may run again if the group retries
    std::uint64_t activity = 0, agent = 0;
    if (method_ == Method::kDelete) {
      // Deleting must not create terms: an unknown activity or agent has no
      // documents.
      Status s = Status::OK();
      if (UsesActivity(key_.kind)) s = FindTerm(store_, ctx, txn, key_.activity_term, &activity);
      if (s.ok() && UsesAgent(key_.kind)) s = FindTerm(store_, ctx, txn, key_.agent_term, &agent);
      if (s.IsNotFound()) return key_.id.empty() ? Status::OK() : CheckPreconditions(pre_, nullptr);
      LRS_RETURN_IF_ERROR(s);
    } else {
      if (UsesActivity(key_.kind))
        LRS_RETURN_IF_ERROR(InternDurably(store_, ctx, txn, key_.activity_term, &activity));
      if (UsesAgent(key_.kind))
        LRS_RETURN_IF_ERROR(InternDurably(store_, ctx, txn, key_.agent_term, &agent));
    }
    std::string key = KeyPrefix(key_, activity, agent);
    if (method_ == Method::kDelete && key_.id.empty()) return DeleteAll(txn, key);
    AppendIdSuffix(&key, key_.id);

    std::string_view value;
    Record cur;
    Status s = txn.Get(Table::kDocuments, key, &value);
    const bool exists = s.ok();
    if (exists) {
      LRS_RETURN_IF_ERROR(DecodeRecord(value, &cur));
    } else if (!s.IsNotFound()) {
      return s;
    }
    LRS_RETURN_IF_ERROR(CheckPreconditions(pre_, exists ? &cur : nullptr));

    switch (method_) {
      case Method::kDelete:
        if (!exists) return Status::OK();  // deleting a missing document is fine
        return txn.Del(Table::kDocuments, key);
      case Method::kPut:
        // Communication 3.1.s4.b13-b15: the profile resources need If-Match
        // or If-None-Match to replace an existing document; State is exempt
        // (3.1.s3) unless the caller asks otherwise.
        if (!exists && pre_.require == DocumentPrecondition::Require::kAlways && !pre_.if_match &&
            !pre_.if_none_match) {
          return Status::InvalidArgument(
              std::string("If-Match: a PUT to the ") + ResourceName(key_.kind) +
              " resource must carry If-Match or If-None-Match (If-None-Match: * to create \"" +
              key_.id + "\")");
        }
        if (exists && !pre_.if_match && !pre_.if_none_match &&
            (key_.kind != DocumentKind::kState ||
             pre_.require != DocumentPrecondition::Require::kDefault)) {
          return Status::PreconditionRequired(
              std::string("the ") + ResourceName(key_.kind) + " document \"" + key_.id +
              "\" already exists: check its current state (GET it), then retry the PUT with the "
              "If-Match header set to its ETag (" +
              Etag(cur.sha1) + ")");
        }
        return Save(txn, key, exists ? &cur : nullptr, content_, content_type_);
      case Method::kPost:
        if (!exists) return Save(txn, key, nullptr, content_, content_type_);
        return Merge(txn, key, cur);
    }
    return Status::Internal("unknown document method");
  }

  const Document& result() const { return result_; }

 private:
  Status Save(storage::WriteTxn& txn, const std::string& key, const Record* cur,
              std::string_view content, std::string_view content_type) {
    // Last-Modified never goes backwards for a document, even if the clock does.
    std::int64_t now = store_->NowMs();
    if (cur != nullptr) now = std::max(now, cur->updated_ms);
    std::string sha1 = Sha1(content);
    LRS_RETURN_IF_ERROR(
        txn.Put(Table::kDocuments, key, EncodeRecord(now, key_.id, content_type, sha1, content)));
    result_.content.assign(content);
    result_.content_type.assign(content_type);
    result_.etag = Etag(sha1);
    result_.updated_ms = now;
    return Status::OK();
  }

  // Communication 2.2.s7: top-level properties of the posted object replace
  // those of the stored object; 2.2.s8.b1: both must be JSON objects.
  Status Merge(storage::WriteTxn& txn, const std::string& key, const Record& cur) {
    const std::string what = std::string("POST to an existing ") + ResourceName(key_.kind) +
                             " document merges JSON objects, but ";
    if (!posted_is_object_)
      return Status::InvalidArgument(what + "the posted document is not one: " + posted_why_);
    json::Document stored;
    std::string why;
    if (!ParseJsonObject(cur.content_type, cur.content,
                         json::Limits{cur.content.size(), store_->options().max_json_depth},
                         &stored, &why)) {
      return Status::InvalidArgument(what + "the stored document is not one: " + why +
                                     "; replace it with PUT instead");
    }
    auto& alloc = stored.GetAllocator();
    for (const auto& m : posted_.GetObject()) {
      auto it = stored.FindMember(m.name);
      if (it != stored.MemberEnd()) {
        it->value.CopyFrom(m.value, alloc);
      } else {
        stored.AddMember(json::Value(m.name, alloc), json::Value(m.value, alloc), alloc);
      }
    }
    std::string merged = json::Write(stored);
    if (merged.size() > store_->options().max_document_bytes) {
      return Status::TooLarge("the merged document of " + std::to_string(merged.size()) +
                              " bytes exceeds the limit of " +
                              std::to_string(store_->options().max_document_bytes) + " bytes");
    }
    return Save(txn, key, &cur, merged, "application/json");
  }

  // Communication 2.3.s5: every state document of (activity, agent,
  // registration).
  Status DeleteAll(storage::WriteTxn& txn, const std::string& prefix) {
    std::vector<std::string> keys;
    {
      storage::Cursor c;
      LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kDocuments)));
      MDB_val k = storage::Val(prefix), v;
      Status s = c.Get(&k, &v, MDB_SET_RANGE);
      while (s.ok()) {
        std::string_view kv = storage::View(k);
        if (kv.substr(0, prefix.size()) != prefix) break;
        keys.emplace_back(kv);
        s = c.Get(&k, &v, MDB_NEXT);
      }
      if (!s.ok() && !s.IsNotFound()) return s;
    }
    for (const auto& k : keys) LRS_RETURN_IF_ERROR(txn.Del(Table::kDocuments, k));
    return Status::OK();
  }

  StoreImpl* const store_;
  const ParsedKey& key_;
  const Method method_;
  const DocumentPrecondition& pre_;
  std::string_view content_;
  std::string_view content_type_;
  json::Document posted_;
  bool posted_is_object_ = false;
  std::string posted_why_;
  Document result_;
};

Status CheckSize(std::string_view content, const Options& o) {
  if (content.size() > o.max_document_bytes) {
    return Status::TooLarge("document of " + std::to_string(content.size()) +
                            " bytes exceeds the limit of " + std::to_string(o.max_document_bytes) +
                            " bytes");
  }
  return Status::OK();
}

// Starts a read of `k`'s documents: a snapshot and the term ids of its
// activity and agent. NotFound when a term was never stored (so there are no
// documents).
Status BeginDocumentRead(StoreImpl* store, const ParsedKey& k, storage::ReadTxn* txn,
                         std::uint64_t* activity, std::uint64_t* agent) {
  // Terms may still be in the index buffer. Holding its lock from before the
  // snapshot begins until the terms are resolved means a concurrent flush
  // cannot move a term out of the buffer into LMDB behind the snapshot's back.
  std::shared_lock<std::shared_mutex> mem_lock(store->mem().mu());
  LRS_RETURN_IF_ERROR(store->env()->BeginRead(txn));
  if (UsesActivity(k.kind)) LRS_RETURN_IF_ERROR(store->LookupTerm(*txn, k.activity_term, activity));
  if (UsesAgent(k.kind)) LRS_RETURN_IF_ERROR(store->LookupTerm(*txn, k.agent_term, agent));
  return Status::OK();
}

}  // namespace

namespace {

// PUT and POST differ only in the method the op applies.
Status WriteDocument(StoreImpl* store, Method method, const DocumentKey& key,
                     std::string_view content, std::string_view content_type,
                     const DocumentPrecondition& pre, Document* out) {
  ParsedKey k;
  LRS_RETURN_IF_ERROR(ParseKey(key, IdRule::kRequired, &k));
  LRS_RETURN_IF_ERROR(CheckSize(content, store->options()));
  DocumentOp op(store, k, method, pre);
  op.SetContent(content, content_type);
  LRS_RETURN_IF_ERROR(store->Write(&op));
  if (out) *out = op.result();
  return Status::OK();
}

}  // namespace

Status StoreImpl::PutDocument(const DocumentKey& key, std::string_view content,
                              std::string_view content_type, const DocumentPrecondition& pre,
                              Document* out) {
  return WriteDocument(this, Method::kPut, key, content, content_type, pre, out);
}

Status StoreImpl::PostDocument(const DocumentKey& key, std::string_view content,
                               std::string_view content_type, const DocumentPrecondition& pre,
                               Document* out) {
  return WriteDocument(this, Method::kPost, key, content, content_type, pre, out);
}

Status StoreImpl::DeleteDocument(const DocumentKey& key, const DocumentPrecondition& pre) {
  ParsedKey k;
  LRS_RETURN_IF_ERROR(
      ParseKey(key, key.kind == DocumentKind::kState ? IdRule::kOptional : IdRule::kRequired, &k));
  if (k.id.empty() && (pre.if_match || pre.if_none_match))
    return Status::InvalidArgument(
        "If-Match and If-None-Match apply to one document; give a stateId");
  DocumentOp op(this, k, Method::kDelete, pre);
  return Write(&op);
}

Status StoreImpl::GetDocument(const DocumentKey& key, Document* out) {
  ParsedKey k;
  LRS_RETURN_IF_ERROR(ParseKey(key, IdRule::kRequired, &k));
  const Status not_found =
      Status::NotFound(std::string("no ") + ResourceName(k.kind) + " document with " +
                       IdName(k.kind) + " \"" + k.id + "\"");
  storage::ReadTxn txn;
  std::uint64_t activity = 0, agent = 0;
  Status s = BeginDocumentRead(this, k, &txn, &activity, &agent);
  if (s.IsNotFound()) return not_found;
  LRS_RETURN_IF_ERROR(s);
  std::string dkey = KeyPrefix(k, activity, agent);
  AppendIdSuffix(&dkey, k.id);
  std::string_view v;
  s = txn.Get(Table::kDocuments, dkey, &v);
  if (s.IsNotFound()) return not_found;
  LRS_RETURN_IF_ERROR(s);
  Record r;
  LRS_RETURN_IF_ERROR(DecodeRecord(v, &r));
  FillDocument(r, out);
  return Status::OK();
}

Status StoreImpl::ListDocuments(const DocumentListQuery& query, std::vector<std::string>* ids,
                                std::int64_t* newest_ms) {
  ParsedKey k;
  LRS_RETURN_IF_ERROR(ParseKey(query.key, IdRule::kIgnored, &k));
  std::optional<std::int64_t> since_us;
  if (query.since) {
    ParsedTime t;
    if (!ParseIso8601(*query.since, &t))
      return Status::InvalidArgument("since: must be an ISO 8601 timestamp");
    since_us = t.micros;
  }
  ids->clear();
  if (newest_ms) *newest_ms = 0;
  storage::ReadTxn txn;
  std::uint64_t activity = 0, agent = 0;
  Status s = BeginDocumentRead(this, k, &txn, &activity, &agent);
  if (s.IsNotFound()) return Status::OK();  // never seen: no documents
  LRS_RETURN_IF_ERROR(s);
  const std::string prefix = KeyPrefix(k, activity, agent);
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kDocuments)));
  MDB_val key = storage::Val(prefix), val;
  s = c.Get(&key, &val, MDB_SET_RANGE);
  while (s.ok()) {
    if (storage::View(key).substr(0, prefix.size()) != prefix) break;
    Record r;
    LRS_RETURN_IF_ERROR(DecodeRecord(storage::View(val), &r));
    // Communication 2.3.s4 etc.: "since" is exclusive.
    if (!since_us || r.updated_ms * 1000 > *since_us) {
      ids->emplace_back(r.id);
      if (newest_ms) *newest_ms = std::max(*newest_ms, r.updated_ms);
    }
    s = c.Get(&key, &val, MDB_NEXT);
  }
  if (!s.ok() && !s.IsNotFound()) return s;
  return Status::OK();
}

}  // namespace lrs::core
