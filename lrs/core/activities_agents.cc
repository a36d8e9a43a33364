// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The activities table (canonical Activity objects, Communication 2.5) and
// the agents table (Person objects, Communication 2.4), kept up to date as
// statements are written. Unchanged definitions and known names are
// recognized by hash and skipped without touching the tables.

#include <algorithm>
#include <cstring>
#include <functional>

#include "lrs/core/store_impl.h"
#include "lrs/core/terms.h"
#include "lrs/validate/validator.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::core {
namespace {

using storage::Table;
constexpr const char* kIfis[] = {"mbox", "mbox_sha1sum", "openid", "account"};

// A streaming 64-bit hash (only ever compared within this process: the
// seen-set is not stored). Every piece is length- or tag-delimited, so
// distinct inputs are distinct byte streams.
class Hasher {
 public:
  void Byte(unsigned char c) { Word(0x100u | c); }
  void Bytes(std::string_view s) {
    Word(s.size());
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      Word(w);
    }
    std::uint64_t w = 0;
    if (i < s.size()) {
      std::memcpy(&w, s.data() + i, s.size() - i);
      Word(w);
    }
  }
  void Word(std::uint64_t w) {
    h_ = (h_ ^ w) * 0x9e3779b97f4a7c15ull;
    h_ ^= h_ >> 29;
  }
  // Hashes a JSON value by walking it (members in document order, as a
  // serialization would), without building its text.
  void Json(const json::Value& v) {
    switch (v.GetType()) {
      case rapidjson::kNullType: Byte('n'); break;
      case rapidjson::kFalseType: Byte('f'); break;
      case rapidjson::kTrueType: Byte('t'); break;
      case rapidjson::kStringType:
        Byte('s');
        Bytes(json::View(v));
        break;
      case rapidjson::kNumberType:
        if (v.IsDouble()) {
          Byte('d');
          double d = v.GetDouble();
          std::uint64_t w;
          std::memcpy(&w, &d, 8);
          Word(w);
        } else if (v.IsUint64()) {
          Byte('u');
          Word(v.GetUint64());
        } else {
          Byte('i');
          Word(static_cast<std::uint64_t>(v.GetInt64()));
        }
        break;
      case rapidjson::kObjectType:
        Byte('{');
        Word(v.MemberCount());
        for (const auto& m : v.GetObject()) {
          Bytes(json::View(m.name));
          Json(m.value);
        }
        break;
      case rapidjson::kArrayType:
        Byte('[');
        Word(v.Size());
        for (const auto& x : v.GetArray()) Json(x);
        break;
    }
  }
  std::uint64_t Finish() const {
    std::uint64_t h = h_;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
  }

 private:
  std::uint64_t h_ = 0x243f6a8885a308d3ull;
};

std::uint64_t Hash(char kind, std::string_view a, std::string_view b) {
  Hasher h;
  h.Byte(static_cast<unsigned char>(kind));
  h.Bytes(a);
  h.Bytes(b);
  return h.Finish();
}

// An activity's id and definition (or its absence).
std::uint64_t ActivityHash(std::string_view id, const json::Value* def) {
  Hasher h;
  h.Byte('A');
  h.Bytes(id);
  if (def) h.Json(*def);
  else h.Byte('-');
  return h.Finish();
}

bool SeenInGroup(const GroupContext& ctx, std::uint64_t h) {
  return std::find(ctx.seen_hashes.begin(), ctx.seen_hashes.end(), h) != ctx.seen_hashes.end();
}

// Walks what a statement says about activities and agents. With a null
// ctx it only checks whether anything is new (sets `needed`), which the
// writer does outside the commit so the leader can skip known ones.
struct Updater {
  StoreImpl* store;
  GroupContext* ctx_ptr;
  storage::WriteTxn* txn_ptr;
  bool needed = false;

  // False when the item with hash `h` is known (merged before, or earlier in
  // this group). In check mode (no ctx) it only records that work is needed.
  bool Needs(std::uint64_t h) {
    if (store->Seen(h)) return false;
    if (!ctx_ptr) {
      needed = true;
      return false;
    }
    return !SeenInGroup(*ctx_ptr, h);
  }

  Status Activity(const json::Value* act) {
    if (!act || !act->IsObject()) return Status::OK();
    std::string_view type = json::StringOr(*act, "objectType");
    if (!type.empty() && type != "Activity") return Status::OK();
    std::string_view id = json::StringOr(*act, "id");
    if (id.empty()) return Status::OK();
    const json::Value* def = json::Member(*act, "definition");
    std::uint64_t h = ActivityHash(id, def);
    if (!Needs(h)) return Status::OK();
    GroupContext& ctx = *ctx_ptr;
    storage::WriteTxn& txn = *txn_ptr;

    std::string key = StoreImpl::TermKey(ActivityTerm(id));
    std::string cur;
    Status s = store->CatalogGet(&ctx, txn.txn(), Table::kActivities, key, &cur);
    json::Document canon;
    auto& alloc = canon.GetAllocator();
    if (s.ok()) {
      LRS_RETURN_IF_ERROR(json::Parse(cur, &canon, json::Limits{1u << 30, 1 << 10}));
      if (def) {
        std::string before(cur);
        json::Value* cdef = nullptr;
        auto it = canon.FindMember("definition");
        if (it == canon.MemberEnd()) {
          canon.AddMember("definition", json::Value(rapidjson::kObjectType), alloc);
          cdef = &canon["definition"];
        } else {
          cdef = &it->value;
        }
        xapi::MergeActivityDefinition(*cdef, *def, alloc);
        std::string after = json::Write(canon);
        if (after != before) store->CatalogPut(ctx, Table::kActivities, key, std::move(after));
      }
    } else if (s.IsNotFound()) {
      canon.SetObject();
      canon.AddMember("objectType", "Activity", alloc);
      canon.AddMember("id", json::StringValue(id, alloc), alloc);
      if (def) canon.AddMember("definition", json::Value(*def, alloc), alloc);
      store->CatalogPut(ctx, Table::kActivities, key, json::Write(canon));
    } else {
      return s;
    }
    ctx.seen_hashes.push_back(h);
    return Status::OK();
  }

  Status ContextActivities(const json::Value* ctxv) {
    if (!ctxv || !ctxv->IsObject()) return Status::OK();
    const json::Value* ca = json::Member(*ctxv, "contextActivities");
    if (!ca || !ca->IsObject()) return Status::OK();
    for (const auto& m : ca->GetObject()) {
      if (m.value.IsArray()) {
        for (const auto& a : m.value.GetArray()) LRS_RETURN_IF_ERROR(Activity(&a));
      } else {
        LRS_RETURN_IF_ERROR(Activity(&m.value));
      }
    }
    return Status::OK();
  }

  // Records an agent's name in its Person object.
  Status Agent(const json::Value* a) {
    if (!a || !a->IsObject()) return Status::OK();
    if (json::StringOr(*a, "objectType") == "Group") {
      if (const json::Value* m = json::Member(*a, "member"); m && m->IsArray())
        for (const auto& x : m->GetArray()) LRS_RETURN_IF_ERROR(Agent(&x));
      return Status::OK();
    }
    std::string term;
    if (!AgentTerm(*a, &term)) return Status::OK();
    std::string_view name = json::StringOr(*a, "name");
    std::uint64_t h = Hash('P', term, name);
    if (!Needs(h)) return Status::OK();
    GroupContext& ctx = *ctx_ptr;
    storage::WriteTxn& txn = *txn_ptr;

    std::string key = StoreImpl::TermKey(term);
    std::string cur;
    Status s = store->CatalogGet(&ctx, txn.txn(), Table::kAgents, key, &cur);
    json::Document person;
    auto& alloc = person.GetAllocator();
    bool changed = false;
    if (s.ok()) {
      LRS_RETURN_IF_ERROR(json::Parse(cur, &person, json::Limits{1u << 30, 1 << 10}));
    } else if (s.IsNotFound()) {
      person.SetObject();
      person.AddMember("objectType", "Person", alloc);
      for (const char* ifi : kIfis) {
        if (const json::Value* v = json::Member(*a, ifi)) {
          json::Value arr(rapidjson::kArrayType);
          arr.PushBack(json::Value(*v, alloc), alloc);
          person.AddMember(json::StringValue(ifi, alloc), arr, alloc);
        }
      }
      changed = true;
    } else {
      return s;
    }
    if (!name.empty()) {
      auto it = person.FindMember("name");
      if (it == person.MemberEnd()) {
        person.AddMember("name", json::Value(rapidjson::kArrayType), alloc);
        it = person.FindMember("name");
      }
      bool have = false;
      for (const auto& n : it->value.GetArray())
        if (n.IsString() && json::View(n) == name) have = true;
      if (!have) {
        it->value.PushBack(json::StringValue(name, alloc), alloc);
        changed = true;
      }
    }
    if (changed) store->CatalogPut(ctx, Table::kAgents, key, json::Write(person));
    ctx.seen_hashes.push_back(h);
    return Status::OK();
  }
};

}  // namespace

bool StoreImpl::ActivitiesOrAgentsChanged(const json::Value& stmt) {
  Updater u{this, nullptr, nullptr};
  (void)WalkActivitiesAndAgents(&u, stmt);
  return u.needed;
}

Status StoreImpl::UpdateActivitiesAndAgents(GroupContext& ctx, storage::WriteTxn& txn,
                                            const json::Value& stmt) {
  Updater u{this, &ctx, &txn};
  return WalkActivitiesAndAgents(&u, stmt);
}

template <typename U>
Status StoreImpl::WalkActivitiesAndAgents(U* up, const json::Value& stmt) {
  U& u = *up;
  const json::Value* obj = json::Member(stmt, "object");
  LRS_RETURN_IF_ERROR(u.Agent(json::Member(stmt, "actor")));
  if (obj && obj->IsObject()) {
    std::string_view type = json::StringOr(*obj, "objectType");
    if (type == "Agent" || type == "Group") {
      LRS_RETURN_IF_ERROR(u.Agent(obj));
    } else if (type == "SubStatement") {
      LRS_RETURN_IF_ERROR(u.Agent(json::Member(*obj, "actor")));
      const json::Value* sobj = json::Member(*obj, "object");
      if (sobj && sobj->IsObject()) {
        std::string_view st = json::StringOr(*sobj, "objectType");
        if (st == "Agent" || st == "Group") LRS_RETURN_IF_ERROR(u.Agent(sobj));
        else LRS_RETURN_IF_ERROR(u.Activity(sobj));
      }
      LRS_RETURN_IF_ERROR(u.ContextActivities(json::Member(*obj, "context")));
    } else {
      LRS_RETURN_IF_ERROR(u.Activity(obj));
    }
  }
  const json::Value* ctxv = json::Member(stmt, "context");
  LRS_RETURN_IF_ERROR(u.ContextActivities(ctxv));
  if (ctxv && ctxv->IsObject()) {
    LRS_RETURN_IF_ERROR(u.Agent(json::Member(*ctxv, "instructor")));
    LRS_RETURN_IF_ERROR(u.Agent(json::Member(*ctxv, "team")));
  }
  return Status::OK();
}

Status StoreImpl::GetActivity(std::string_view activity_id, std::string* out) {
  if (!validate::IsAbsoluteIri(activity_id))
    return Status::InvalidArgument("activityId: must be an absolute IRI");
  std::shared_lock<std::shared_mutex> mem_lock(mem_.mu());
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  Status s = CatalogGet(nullptr, txn.txn(), Table::kActivities, TermKey(ActivityTerm(activity_id)), out);
  if (s.IsNotFound()) return Status::NotFound("no activity with id " + std::string(activity_id));
  return s;
}

Status StoreImpl::GetPerson(std::string_view agent_json, std::string* out) {
  json::Document agent;
  LRS_RETURN_IF_ERROR(json::Parse(agent_json, &agent, json::Limits{1u << 16, 8}).WithPrefix("agent: "));
  LRS_RETURN_IF_ERROR(validate::ValidateAgentParam(agent, XapiVersion::k2_0_0, false, "agent"));
  std::string term;
  if (!AgentTerm(agent, &term)) return Status::InvalidArgument("agent: has no identifier");
  std::shared_lock<std::shared_mutex> mem_lock(mem_.mu());
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  Status s = CatalogGet(nullptr, txn.txn(), Table::kAgents, TermKey(term), out);
  if (s.ok() || !s.IsNotFound()) return s;
  // Communication 2.4: an unknown agent still yields a Person with what the
  // request says about it.
  json::Document person;
  auto& alloc = person.GetAllocator();
  person.SetObject();
  person.AddMember("objectType", "Person", alloc);
  for (const char* key : {"name", "mbox", "mbox_sha1sum", "openid", "account"}) {
    if (const json::Value* x = json::Member(agent, key)) {
      json::Value arr(rapidjson::kArrayType);
      arr.PushBack(json::Value(*x, alloc), alloc);
      person.AddMember(json::StringValue(key, alloc), arr, alloc);
    }
  }
  *out = json::Write(person);
  return Status::OK();
}

}  // namespace lrs::core
