// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The relay and its lanes (one worker thread per destination). See relay.h
// for the delivery rules and lrs/storage/FORMAT.md for the sync tables.

#include "lrs/sync/relay.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "lrs/common/coding.h"
#include "lrs/core/store_impl.h"
#include "lrs/sync/connector.h"
#include "lrs/sync/destination.h"
#include "lrs/sync/relay_internal.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::sync {
namespace {

using core::StoreImpl;
using storage::Table;
using Mutations = std::vector<StoreImpl::SyncMutation>;
constexpr std::int64_t kWaiting = INT64_MAX;  // a retry entry behind its learner's head

// ---- Durable state of one lane -------------------------------------------------

// Value of a sync_retry entry: varint attempts, fixed64 next attempt (ms),
// length-prefixed learner, length-prefixed error.
struct Retry {
  int attempts = 0;
  std::int64_t next_at_ms = kWaiting;
  std::string learner;
  std::string error;

  std::string Encode() const {
    std::string v;
    PutVarint64(&v, static_cast<std::uint64_t>(attempts));
    PutFixed64BE(&v, static_cast<std::uint64_t>(next_at_ms));
    PutLengthPrefixed(&v, learner);
    PutLengthPrefixed(&v, error);
    return v;
  }
  bool Decode(std::string_view in) {
    std::uint64_t a;
    std::string_view l, e;
    if (!GetVarint64(&in, &a) || in.size() < 8) return false;
    attempts = static_cast<int>(a);
    next_at_ms = static_cast<std::int64_t>(DecodeFixed64BE(in.data()));
    in.remove_prefix(8);
    if (!GetLengthPrefixed(&in, &l) || !GetLengthPrefixed(&in, &e)) return false;
    learner = std::string(l);
    error = std::string(e);
    return true;
  }
};

class DbStateStore final : public StateStore {
 public:
  DbStateStore(StoreImpl* store, std::string prefix) : store_(store), prefix_(std::move(prefix)) {}
  Status Get(std::string_view key, std::string* value) override {
    return store_->SyncGet(Table::kSyncState, prefix_ + std::string(key), value);
  }
  Status Put(std::string_view key, std::string_view value) override {
    return store_->SyncWrite({{Table::kSyncState, prefix_ + std::string(key), std::string(value)}});
  }
  Status Delete(std::string_view key) override {
    return store_->SyncWrite({{Table::kSyncState, prefix_ + std::string(key), std::nullopt}});
  }
  Status Write(const std::vector<Change>& changes) override {
    std::vector<StoreImpl::SyncMutation> muts;
    muts.reserve(changes.size());
    for (const auto& [key, value] : changes)
      muts.push_back({Table::kSyncState, prefix_ + key, value});
    return store_->SyncWrite(std::move(muts));
  }

 private:
  StoreImpl* store_;
  std::string prefix_;
};

// Records per second, with bursts.
class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(std::max(burst, 1.0)), tokens_(burst_) {}
  // Microseconds to wait before `n` records may go (and takes them).
  std::int64_t Take(double n, std::int64_t now_us) {
    if (rate_ <= 0) return 0;
    if (last_us_ == 0) last_us_ = now_us;
    tokens_ = std::min(burst_, tokens_ + (now_us - last_us_) * rate_ / 1e6);
    last_us_ = now_us;
    tokens_ -= n;
    if (tokens_ >= 0) return 0;
    return static_cast<std::int64_t>(-tokens_ / rate_ * 1e6);
  }

 private:
  double rate_, burst_, tokens_;
  std::int64_t last_us_ = 0;
};

// A record of the current round.
struct Item {
  OutRecord rec;
  std::string lhash;
  bool from_retry = false;
  Retry retry;                // from_retry: its entry
  bool map_failed = false;    // rejected before sending
  std::string map_error;
};

// ---- Lane ---------------------------------------------------------------------

class Lane {
 public:
  Lane(StoreImpl* store, std::unique_ptr<Destination> dest, RelayShared* shared)
      : store_(store), dest_(std::move(dest)), shared_(shared),
        prefix_(dest_->name + std::string(1, '\0')),
        state_(store, prefix_ + "s"),
        bucket_(dest_->rate_per_second, dest_->rate_burst),
        rng_(std::random_device{}()) {}

  ~Lane() { Stop(); }

  Status Open() {
    ConnectorContext ctx;
    ctx.destination = dest_->name;
    ctx.settings = &dest_->settings;
    guarded_ = std::make_unique<GuardedTransport>(shared_->transport.get(), dest_->guard);
    ctx.transport = guarded_.get();
    ctx.guard = dest_->guard;
    ctx.clock = shared_->clock;
    ctx.state = &state_;
    LRS_RETURN_IF_ERROR(NewConnector(dest_->type, ctx, &connector_));
    LRS_RETURN_IF_ERROR(LoadState());
    thread_ = std::thread([this] { Run(); });
    return Status::OK();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> l(wake_mu_);
      stop_ = true;
    }
    wake_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void Wake() {
    {
      std::lock_guard<std::mutex> l(wake_mu_);
      woken_ = true;
    }
    wake_cv_.notify_all();
  }

  void SyncNow() {
    {
      std::lock_guard<std::mutex> l(mu_);
      const std::int64_t now = NowMs();
      for (auto& [lh, q] : retry_) {
        auto& head = q.begin()->second;
        head.next_at_ms = std::min(head.next_at_ms, now);
      }
      if (breaker_open_) open_until_ms_ = now;
    }
    Wake();
  }

  const std::string& name() const { return dest_->name; }

  bool Idle() {
    std::lock_guard<std::mutex> l(mu_);
    if (in_flight_ || disabled_ || breaker_open_ || !logs_.empty() || flushing_logs_) return false;
    if (cursor_ < store_->LastSequence()) return false;
    const std::int64_t now = NowMs();
    for (const auto& [lh, q] : retry_)
      if (q.begin()->second.next_at_ms <= now) return false;
    return true;
  }

  void FillStatus(DestinationStatus* st) {
    std::lock_guard<std::mutex> l(mu_);
    RefreshAfterErasure();
    st->name = dest_->name;
    st->type = dest_->type;
    st->cursor = cursor_;
    st->last_sequence = store_->LastSequence();
    st->lag = st->last_sequence > cursor_ ? st->last_sequence - cursor_ : 0;
    st->retrying = retry_count_;
    st->dead_lettered = dlq_count_;
    const std::int64_t now = NowMs();
    st->breaker = !breaker_open_ ? "closed" : now < open_until_ms_ ? "open" : "half-open";
    st->disabled = disabled_;
    st->paused = disabled_ || shared_->paused.load();
    st->last_success_ms = last_success_ms_;
    st->last_error = last_error_;
    st->next_attempt_ms = breaker_open_ ? open_until_ms_ : 0;
    st->delivered = delivered_;
    st->retried = retried_;
    st->dead_lettered_total = dead_lettered_total_;
    st->filtered = filtered_;
  }

  Status ReplayDlq(std::uint64_t seq, std::size_t* count) {
    std::lock_guard<std::mutex> l(mu_);
    RefreshAfterErasure();
    std::vector<DlqEntry> entries;
    LRS_RETURN_IF_ERROR(SelectDlq(seq, &entries));
    Mutations m;
    const std::int64_t now = NowMs();
    std::vector<std::pair<std::string, std::pair<std::uint64_t, Retry>>> added;
    for (const auto& e : entries) {
      Retry r;
      r.attempts = 0;
      r.next_at_ms = now;
      r.learner = e.learner;
      r.error = "replayed: " + e.error;
      const std::string lh = LearnerHash(e.learner);
      m.push_back({Table::kSyncDlq, DlqKey(e.seq), std::nullopt});
      m.push_back({Table::kSyncRetry, RetryKey(lh, e.seq), r.Encode()});
      added.push_back({lh, {e.seq, r}});
    }
    LRS_RETURN_IF_ERROR(store_->SyncWrite(std::move(m)));
    for (auto& [lh, x] : added) {
      auto& q = retry_[lh];
      // The replayed record goes before its learner's waiting ones.
      for (auto& [s, r] : q) r.next_at_ms = kWaiting;
      q[x.first] = x.second;
      q.begin()->second.next_at_ms = now;
      ++retry_count_;
      --dlq_count_;
    }
    *count = entries.size();
    Wake();
    return Status::OK();
  }

  Status DropDlq(std::uint64_t seq, std::size_t* count) {
    std::lock_guard<std::mutex> l(mu_);
    RefreshAfterErasure();
    std::vector<DlqEntry> entries;
    LRS_RETURN_IF_ERROR(SelectDlq(seq, &entries));
    Mutations m;
    for (const auto& e : entries) m.push_back({Table::kSyncDlq, DlqKey(e.seq), std::nullopt});
    LRS_RETURN_IF_ERROR(store_->SyncWrite(std::move(m)));
    dlq_count_ -= entries.size();
    *count = entries.size();
    return Status::OK();
  }

  Status ListDlq(std::uint64_t after, std::size_t limit, std::vector<DlqEntry>* out) {
    return ReadDlq(after, limit, out);
  }

  Status Enable() {
    {
      std::lock_guard<std::mutex> l(mu_);
      LRS_RETURN_IF_ERROR(store_->SyncWrite({{Table::kSyncState, prefix_ + "s_disabled", std::nullopt}}));
      disabled_ = false;
      breaker_open_ = false;
      consecutive_failures_ = 0;
    }
    Wake();
    return Status::OK();
  }

 private:
  std::int64_t NowMs() const { return shared_->clock->NowMicros() / 1000; }

  std::string RetryKey(const std::string& lhash, std::uint64_t seq) const {
    std::string k = prefix_ + lhash;
    PutFixed64BE(&k, seq);
    return k;
  }
  std::string DlqKey(std::uint64_t seq) const {
    std::string k = prefix_;
    PutFixed64BE(&k, seq);
    return k;
  }

  Status LoadState() {
    std::string v;
    Status s = store_->SyncGet(Table::kSyncCursors, dest_->name, &v);
    if (s.ok() && v.size() == 8) {
      cursor_ = DecodeFixed64BE(v.data());
    } else if (s.IsNotFound()) {
      // A new destination: backfill from the configured position.
      switch (dest_->start) {
        case Destination::Start::kBeginning: cursor_ = 0; break;
        case Destination::Start::kNow: cursor_ = store_->LastSequence(); break;
        case Destination::Start::kAfter: cursor_ = dest_->start_after; break;
      }
      LRS_RETURN_IF_ERROR(
          store_->SyncWrite({{Table::kSyncCursors, dest_->name, Fixed64BE(cursor_)}}));
    } else {
      return s.ok() ? Status::Corruption("sync cursor of " + dest_->name) : s;
    }
    disabled_ = store_->SyncGet(Table::kSyncState, prefix_ + "s_disabled", &v).ok();
    // A Retry-After still running when the process stopped.
    if (store_->SyncGet(Table::kSyncState, prefix_ + "s_not_before", &v).ok() && v.size() == 8) {
      const auto not_before = static_cast<std::int64_t>(DecodeFixed64BE(v.data()));
      wait_persisted_ = true;
      if (not_before > NowMs()) {
        breaker_open_ = true;
        open_until_ms_ = not_before;
        last_error_ = "waiting for the destination's Retry-After (from before a restart)";
      }
    }
    erasure_epoch_ = store_->ErasureEpoch();
    return LoadQueues();
  }

  // The retry table into memory (small: only failing learners) and the
  // dead-letter count, from the durable tables.
  Status LoadQueues() {
    retry_.clear();
    retry_count_ = dlq_count_ = 0;
    std::vector<std::pair<std::string, std::string>> kv;
    std::string from = prefix_;
    const std::int64_t now = NowMs();
    for (;;) {
      LRS_RETURN_IF_ERROR(store_->SyncScan(Table::kSyncRetry, prefix_, from, 4096, &kv));
      for (const auto& [k, val] : kv) {
        if (k.size() != prefix_.size() + 32 + 8) return Status::Corruption("sync retry key");
        Retry r;
        if (!r.Decode(val)) return Status::Corruption("sync retry entry");
        std::string lh = k.substr(prefix_.size(), 32);
        retry_[lh][DecodeFixed64BE(k.data() + prefix_.size() + 32)] = r;
        ++retry_count_;
      }
      if (kv.size() < 4096) break;
      from = kv.back().first + std::string(1, '\0');
    }
    for (auto& [lh, q] : retry_) {
      auto& head = q.begin()->second;
      if (head.next_at_ms == kWaiting) head.next_at_ms = now;
    }
    for (from = prefix_;;) {
      LRS_RETURN_IF_ERROR(store_->SyncScan(Table::kSyncDlq, prefix_, from, 4096, &kv));
      dlq_count_ += kv.size();
      if (kv.size() < 4096) break;
      from = kv.back().first + std::string(1, '\0');
    }
    return Status::OK();
  }

  // An erasure (Store::EraseAgent) deleted retry and dead-letter entries:
  // reload them. REQUIRES: mu_ held and no delivery in flight.
  void RefreshAfterErasure() {
    const std::uint64_t epoch = store_->ErasureEpoch();
    if (epoch == erasure_epoch_ || in_flight_) return;
    erasure_epoch_ = epoch;
    if (Status s = LoadQueues(); !s.ok()) {
      last_error_ = "reloading after an erasure: " + s.ToString();
      Log(LogLevel::kError, "destination " + dest_->name + ": " + last_error_);
    }
  }

  // The DLQ entry at `seq`, or every entry (seq 0). NotFound when absent.
  Status SelectDlq(std::uint64_t seq, std::vector<DlqEntry>* out) {
    LRS_RETURN_IF_ERROR(ReadDlq(seq == 0 ? 0 : seq - 1, seq == 0 ? SIZE_MAX : 1, out));
    if (seq != 0 && (out->empty() || (*out)[0].seq != seq))
      return Status::NotFound("no dead-lettered record at " + std::to_string(seq));
    return Status::OK();
  }

  Status ReadDlq(std::uint64_t after, std::size_t limit, std::vector<DlqEntry>* out) {
    out->clear();
    std::vector<std::pair<std::string, std::string>> kv;
    std::string from = DlqKey(after + 1);
    while (out->size() < limit) {
      LRS_RETURN_IF_ERROR(store_->SyncScan(Table::kSyncDlq, prefix_, from,
                                           std::min<std::size_t>(limit - out->size(), 4096), &kv));
      for (const auto& [k, v] : kv) {
        if (k.size() != prefix_.size() + 8) continue;
        DlqEntry e;
        e.seq = DecodeFixed64BE(k.data() + prefix_.size());
        json::Document d;
        if (json::Parse(v, &d).ok() && d.IsObject()) {
          e.statement_id = std::string(json::StringOr(d, "statement_id"));
          e.learner = std::string(json::StringOr(d, "learner"));
          e.error = std::string(json::StringOr(d, "error"));
          if (const json::Value* a = json::Member(d, "attempts"); a && a->IsInt()) e.attempts = a->GetInt();
          if (const json::Value* t = json::Member(d, "at_ms"); t && t->IsInt64()) e.at_ms = t->GetInt64();
        }
        out->push_back(std::move(e));
      }
      if (kv.size() < 4096 || kv.empty()) break;
      from = kv.back().first + std::string(1, '\0');
    }
    return Status::OK();
  }

  std::string DlqValue(const Item& it, int attempts, const std::string& error) const {
    json::Document d;
    d.SetObject();
    auto& a = d.GetAllocator();
    d.AddMember("statement_id", json::StringValue(it.rec.statement_id, a), a);
    d.AddMember("learner", json::StringValue(it.rec.learner, a), a);
    d.AddMember("attempts", attempts, a);
    d.AddMember("error", json::StringValue(error, a), a);
    d.AddMember("at_ms", static_cast<std::int64_t>(NowMs()), a);
    return json::Write(d);
  }

  std::int64_t Backoff(int attempt, std::chrono::milliseconds floor) {
    // Capped exponential backoff with full jitter, never below `floor`.
    double ceiling = static_cast<double>(dest_->backoff_base.count()) *
                     std::pow(2.0, std::min(attempt - 1, 40));
    ceiling = std::min(ceiling, static_cast<double>(dest_->backoff_cap.count()));
    std::uniform_real_distribution<double> u(0, ceiling);
    auto d = static_cast<std::int64_t>(u(rng_));
    return std::max<std::int64_t>({d, floor.count(), 10});
  }

  // Builds the record of a stored statement; false when the statement no
  // longer exists.
  bool BuildItem(const StoreImpl::OutboxEntry& e, const json::Document& stmt, Item* it) {
    it->rec.seq = e.seq;
    it->rec.statement_id = std::string(json::StringOr(stmt, "id"));
    it->rec.learner = LearnerOf(stmt);
    it->lhash = LearnerHash(it->rec.learner);
    it->rec.idempotency_key = IdempotencyKey(dest_->name, it->rec.statement_id,
                                             dest_->mapping->version());
    if (connector_->uses_mapping()) {
      Status s = dest_->mapping->Map(stmt, &it->rec.mapped);
      if (!s.ok()) {
        it->map_failed = true;
        it->map_error = "mapping: " + s.message();
      }
    } else {
      it->rec.statement = e.json;
      it->rec.attachments = e.attachments;
    }
    return true;
  }

  // One round: collect due retries and new records, deliver, record the
  // outcome. True when it made progress (more may be waiting).
  bool Round() {
    std::unique_lock<std::mutex> l(mu_);
    RefreshAfterErasure();
    if (disabled_ || shared_->paused.load()) return false;
    std::int64_t now = NowMs();
    if (breaker_open_ && now < open_until_ms_) return false;
    const bool probe = breaker_open_;
    const std::size_t limit = probe ? 1 : std::max<std::size_t>(1, connector_->max_batch());
    const bool ordered = connector_->preserves_batch_order();
    const bool whole = !connector_->uses_mapping();

    std::vector<Item> batch;
    std::set<std::string> learners;  // in the batch
    std::map<std::string, std::map<std::uint64_t, Retry>> parked;  // this round
    Mutations muts;
    std::uint64_t cursor = cursor_;
    std::uint64_t filtered = 0;

    // 1. Due retries: the head of each failing learner.
    for (auto& [lh, q] : retry_) {
      if (batch.size() >= limit) break;
      auto& [seq, r] = *q.begin();
      if (r.next_at_ms > now) continue;
      std::vector<StoreImpl::OutboxEntry> e;
      json::Document d;
      Item it;
      if (!store_->ReadOutbox(seq - 1, 1, whole, &e).ok() || e.empty() || e[0].seq != seq ||
          !json::Parse(e[0].json, &d).ok()) {
        continue;  // unreadable now; tried again next round
      }
      BuildItem(e[0], d, &it);
      it.from_retry = true;
      it.retry = r;
      learners.insert(lh);
      batch.push_back(std::move(it));
    }

    // 2. New records past the cursor.
    bool more = true;
    while (more && batch.size() < limit) {
      std::vector<StoreImpl::OutboxEntry> entries;
      if (Status s = store_->ReadOutbox(cursor, shared_->read_batch, whole, &entries); !s.ok()) {
        last_error_ = "reading the outbox: " + s.ToString();
        break;
      }
      if (entries.empty()) break;
      for (auto& e : entries) {
        json::Document d;
        if (!json::Parse(e.json, &d).ok()) {  // cannot happen: stored statements are valid
          cursor = e.seq;
          continue;
        }
        if (!dest_->mapping->Matches(d)) {
          cursor = e.seq;
          ++filtered;
          continue;
        }
        Item it;
        BuildItem(e, d, &it);
        if (retry_.count(it.lhash) || parked.count(it.lhash)) {
          // Behind the learner's failed record: wait in the retry table.
          Retry r;
          r.learner = it.rec.learner;
          parked[it.lhash][e.seq] = r;
          muts.push_back({Table::kSyncRetry, RetryKey(it.lhash, e.seq), r.Encode()});
          cursor = e.seq;
          continue;
        }
        if (!ordered && learners.count(it.lhash)) {
          more = false;  // one record per learner per batch: the rest next round
          break;
        }
        learners.insert(it.lhash);
        cursor = e.seq;
        batch.push_back(std::move(it));
        if (batch.size() >= limit) {
          more = false;
          break;
        }
      }
    }

    if (batch.empty()) {
      if (cursor == cursor_ && muts.empty()) return false;
      muts.push_back({Table::kSyncCursors, dest_->name, Fixed64BE(cursor)});
      if (!store_->SyncWrite(std::move(muts)).ok()) return false;
      Park(parked);
      cursor_ = cursor;
      filtered_ += filtered;
      return true;
    }

    // 3. Rate limit, then send (without the lock: status and admin calls
    // go on meanwhile).
    in_flight_ = true;
    l.unlock();
    std::int64_t wait_us = bucket_.Take(static_cast<double>(batch.size()),
                                        shared_->clock->NowMicros());
    if (wait_us > 0) {
      std::unique_lock<std::mutex> wl(wake_mu_);
      wake_cv_.wait_for(wl, std::chrono::microseconds(wait_us), [&] { return stop_; });
    }
    std::vector<const OutRecord*> send;
    for (const auto& it : batch)
      if (!it.map_failed) send.push_back(&it.rec);
    DeliveryResult res;
    if (!send.empty()) res = connector_->Deliver(send);
    l.lock();
    in_flight_ = false;
    now = NowMs();

    if (res.kind == DeliveryResult::Kind::kDisabled) {
      disabled_ = true;
      last_error_ = res.error;
      (void)store_->SyncWrite({{Table::kSyncState, prefix_ + "s_disabled", "1"}});
      Log(LogLevel::kWarning, "destination " + dest_->name +
                                  " asked to stop and is disabled until re-enabled: " + res.error);
      return false;
    }
    if (res.kind == DeliveryResult::Kind::kUnavailable) {
      // Destination-level: nothing recorded, nothing dead-lettered.
      ++consecutive_failures_;
      last_error_ = res.error;
      std::int64_t delay = Backoff(consecutive_failures_, res.retry_after);
      if (consecutive_failures_ >= dest_->breaker_failures) {
        if (!breaker_open_)
          Log(LogLevel::kWarning, "destination " + dest_->name + " paused (circuit open): " +
                                      res.error + "; next attempt in " +
                                      std::to_string(delay) + " ms");
        breaker_open_ = true;
      }
      open_until_ms_ = now + delay;
      if (!breaker_open_) breaker_open_ = true;  // the wait applies either way
      if (res.retry_after.count() > 0) {
        // The destination named its wait: a restart must honour it too.
        (void)store_->SyncWrite({{Table::kSyncState, prefix_ + "s_not_before",
                                  Fixed64BE(static_cast<std::uint64_t>(open_until_ms_))}});
        wait_persisted_ = true;
      }
      return false;
    }
    if (res.records.size() != send.size()) {
      last_error_ = "connector returned " + std::to_string(res.records.size()) +
                    " results for " + std::to_string(send.size()) + " records";
      breaker_open_ = true;
      open_until_ms_ = now + Backoff(++consecutive_failures_, std::chrono::milliseconds(0));
      return false;
    }

    // 4. Record each outcome and the cursor in one durable commit.
    std::size_t k = 0;
    struct Change {
      std::string lhash;
      std::uint64_t seq;
      enum { kRemove, kSet } what;
      Retry r;
    };
    std::vector<Change> changes;
    std::uint64_t delivered = 0, retried = 0, dead = 0;
    for (auto& it : batch) {
      RecordResult rr;
      if (it.map_failed) {
        rr.outcome = Outcome::kReject;
        rr.error = it.map_error;
      } else {
        rr = res.records[k++];
      }
      const std::string rkey = RetryKey(it.lhash, it.rec.seq);
      int attempts = (it.from_retry ? it.retry.attempts : 0) + 1;
      if (rr.outcome == Outcome::kDelivered) {
        ++delivered;
        if (it.from_retry) {
          muts.push_back({Table::kSyncRetry, rkey, std::nullopt});
          changes.push_back({it.lhash, it.rec.seq, Change::kRemove, {}});
        }
        continue;
      }
      if (rr.outcome == Outcome::kRetry && attempts < dest_->max_attempts) {
        ++retried;
        Retry r;
        r.attempts = attempts;
        r.next_at_ms = now + Backoff(attempts, std::chrono::milliseconds(0));
        r.learner = it.rec.learner;
        r.error = rr.error;
        muts.push_back({Table::kSyncRetry, rkey, r.Encode()});
        changes.push_back({it.lhash, it.rec.seq, Change::kSet, r});
        continue;
      }
      ++dead;
      muts.push_back({Table::kSyncDlq, DlqKey(it.rec.seq), DlqValue(it, attempts, rr.error)});
      if (it.from_retry) {
        muts.push_back({Table::kSyncRetry, rkey, std::nullopt});
        changes.push_back({it.lhash, it.rec.seq, Change::kRemove, {}});
      }
      Log(LogLevel::kWarning, "destination " + dest_->name + ": statement " +
                                  it.rec.statement_id + " dead-lettered after " +
                                  std::to_string(attempts) + " attempt(s): " + rr.error);
    }
    muts.push_back({Table::kSyncCursors, dest_->name, Fixed64BE(cursor)});
    if (Status s = store_->SyncWrite(std::move(muts)); !s.ok()) {
      // Not recorded: the batch is sent again (at least once).
      last_error_ = "recording delivery: " + s.ToString();
      Log(LogLevel::kError, "destination " + dest_->name + ": " + last_error_);
      return false;
    }
    Park(parked);
    for (auto& c : changes) {
      auto& q = retry_[c.lhash];
      if (c.what == Change::kRemove) {
        if (q.erase(c.seq)) --retry_count_;
      } else {
        if (!q.count(c.seq)) ++retry_count_;
        q[c.seq] = c.r;
      }
      if (q.empty()) {
        retry_.erase(c.lhash);
      } else {
        auto& head = q.begin()->second;
        if (head.next_at_ms == kWaiting) head.next_at_ms = now;  // next in line is due
      }
    }
    cursor_ = cursor;
    dlq_count_ += dead;
    delivered_ += delivered;
    retried_ += retried;
    dead_lettered_total_ += dead;
    filtered_ += filtered;
    if (delivered > 0) last_success_ms_ = now;
    if (breaker_open_) Log(LogLevel::kInfo, "destination " + dest_->name + " resumed");
    breaker_open_ = false;
    if (wait_persisted_ &&
        store_->SyncWrite({{Table::kSyncState, prefix_ + "s_not_before", std::nullopt}}).ok())
      wait_persisted_ = false;
    consecutive_failures_ = 0;
    if (dead == 0 && retried == 0) last_error_.clear();
    return true;
  }

  // Adds this round's parked (waiting) records to the in-memory table.
  void Park(std::map<std::string, std::map<std::uint64_t, Retry>>& parked) {
    for (auto& [lh, q] : parked) {
      auto& dst = retry_[lh];
      for (auto& [seq, r] : q) {
        if (!dst.count(seq)) ++retry_count_;
        dst[seq] = r;
      }
    }
  }

  // Queues a log line; FlushLogs hands it to the sink after mu_ is
  // released, so a sink may call back into the relay (GetStatus, say).
  // REQUIRES: mu_ held.
  void Log(LogLevel level, const std::string& msg) {
    if (shared_->log) logs_.emplace_back(level, msg);
  }

  // Idle() is false until the lines are handed over, so a caller of
  // WaitIdle sees the log lines of what it waited for.
  void FlushLogs() {
    std::vector<std::pair<LogLevel, std::string>> lines;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (logs_.empty()) return;
      lines.swap(logs_);
      flushing_logs_ = true;
    }
    for (const auto& [level, msg] : lines) shared_->log(level, msg);
    std::lock_guard<std::mutex> l(mu_);
    flushing_logs_ = false;
  }

  // Next moment something may be due: the earliest retry or breaker probe.
  std::int64_t NextDueMs() {
    std::lock_guard<std::mutex> l(mu_);
    std::int64_t next = INT64_MAX;
    if (breaker_open_) next = open_until_ms_;
    for (const auto& [lh, q] : retry_) next = std::min(next, q.begin()->second.next_at_ms);
    return next;
  }

  void Run() {
    for (;;) {
      bool progress = Round();
      FlushLogs();
      std::unique_lock<std::mutex> l(wake_mu_);
      if (stop_) return;
      if (progress && !shared_->paused.load()) continue;
      const std::int64_t now_ms = NowMs();
      std::int64_t wait_ms = shared_->tick.count();
      if (std::int64_t due = NextDueMs(); due != INT64_MAX)
        wait_ms = std::clamp<std::int64_t>(due - now_ms, 0, wait_ms);
      if (wait_ms > 0 && !woken_)
        wake_cv_.wait_for(l, std::chrono::milliseconds(wait_ms), [&] { return stop_ || woken_; });
      woken_ = false;
      if (stop_) return;
    }
  }

  StoreImpl* const store_;
  std::unique_ptr<Destination> dest_;
  RelayShared* const shared_;
  const std::string prefix_;  // "<name>\0"
  DbStateStore state_;
  std::unique_ptr<GuardedTransport> guarded_;  // outlives connector_
  std::unique_ptr<Connector> connector_;
  TokenBucket bucket_;
  std::mt19937_64 rng_;

  std::mutex mu_;  // the in-memory state below
  std::uint64_t cursor_ = 0;
  std::map<std::string, std::map<std::uint64_t, Retry>> retry_;  // learner hash -> seq -> entry
  std::uint64_t retry_count_ = 0, dlq_count_ = 0;
  std::uint64_t erasure_epoch_ = 0;  // the store's ErasureEpoch the queues reflect
  bool in_flight_ = false, disabled_ = false, breaker_open_ = false;
  int consecutive_failures_ = 0;
  std::int64_t open_until_ms_ = 0, last_success_ms_ = 0;
  bool wait_persisted_ = false;  // sync_state "s_not_before" is set
  std::string last_error_;
  std::vector<std::pair<LogLevel, std::string>> logs_;  // not yet handed to the sink
  bool flushing_logs_ = false;                          // FlushLogs is calling the sink
  std::uint64_t delivered_ = 0, retried_ = 0, dead_lettered_total_ = 0, filtered_ = 0;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false, stop_ = false;
  std::thread thread_;
};

// ---- Relay ------------------------------------------------------------------------

// The stores a relay runs on in this process: one relay per store (two
// would share one durable cursor per destination and one commit listener).
std::mutex g_relays_mu;
std::set<StoreImpl*> g_relays;

class RelayImpl final : public Relay {
 public:
  RelayImpl(StoreImpl* store, const RelayOptions& o) : store_(store) {
    shared_.clock = o.clock ? o.clock : Clock::System();
    shared_.transport = o.transport ? o.transport : std::shared_ptr<HttpTransport>(NewCurlTransport());
    shared_.log = o.log;
    shared_.tick = o.tick;
    shared_.read_batch = std::max<std::size_t>(1, o.read_batch);
    shared_.paused = o.start_paused;
  }
  ~RelayImpl() override {
    if (!claimed_) return;
    store_->SetCommitListener(nullptr);
    for (auto& l : lanes_) l->Stop();
    std::lock_guard<std::mutex> g(g_relays_mu);
    g_relays.erase(store_);
  }

  // Busy when another relay runs on the store.
  Status Claim() {
    std::lock_guard<std::mutex> g(g_relays_mu);
    if (!g_relays.insert(store_).second)
      return Status::Busy("sync: a relay already runs on this store (one per store)");
    claimed_ = true;
    return Status::OK();
  }

  Status Start(std::vector<std::unique_ptr<Destination>> dests) {
    for (auto& d : dests) {
      std::string name = d->name;
      auto lane = std::make_unique<Lane>(store_, std::move(d), &shared_);
      LRS_RETURN_IF_ERROR(lane->Open().WithPrefix("destination " + name + ": "));
      lanes_.push_back(std::move(lane));
    }
    store_->SetCommitListener([this] {
      for (auto& l : lanes_) l->Wake();
    });
    return Status::OK();
  }

  void Pause() override { shared_.paused = true; }
  void Resume() override {
    shared_.paused = false;
    for (auto& l : lanes_) l->Wake();
  }
  void SyncNow() override {
    for (auto& l : lanes_) l->SyncNow();
  }
  bool WaitIdle(std::chrono::milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      bool idle = true;
      for (auto& l : lanes_) idle = idle && l->Idle();
      if (idle) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  Status GetStatus(std::vector<DestinationStatus>* out) override {
    out->clear();
    for (auto& l : lanes_) {
      out->emplace_back();
      l->FillStatus(&out->back());
    }
    return Status::OK();
  }
  Status ListDlq(const std::string& d, std::uint64_t after, std::size_t limit,
                 std::vector<DlqEntry>* out) override {
    Lane* l = Find(d);
    if (!l) return Status::NotFound("no destination named " + d);
    return l->ListDlq(after, limit, out);
  }
  Status ReplayDlq(const std::string& d, std::uint64_t seq, std::size_t* count) override {
    Lane* l = Find(d);
    if (!l) return Status::NotFound("no destination named " + d);
    return l->ReplayDlq(seq, count);
  }
  Status DropDlq(const std::string& d, std::uint64_t seq, std::size_t* count) override {
    Lane* l = Find(d);
    if (!l) return Status::NotFound("no destination named " + d);
    return l->DropDlq(seq, count);
  }
  Status Enable(const std::string& d) override {
    Lane* l = Find(d);
    if (!l) return Status::NotFound("no destination named " + d);
    return l->Enable();
  }

 private:
  Lane* Find(const std::string& name) {
    for (auto& l : lanes_)
      if (l->name() == name) return l.get();
    return nullptr;
  }

  StoreImpl* store_;
  RelayShared shared_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  bool claimed_ = false;
};

}  // namespace

Status Relay::Open(Store* store, const RelayOptions& options, std::unique_ptr<Relay>* out) {
  auto* impl = dynamic_cast<StoreImpl*>(store);
  if (!impl) return Status::InvalidArgument("relay: not an lrs store");
  std::vector<std::unique_ptr<Destination>> dests;
  LRS_RETURN_IF_ERROR(ParseDestinations(options.destinations_json, &dests));
  auto r = std::make_unique<RelayImpl>(impl, options);
  LRS_RETURN_IF_ERROR(r->Claim());
  LRS_RETURN_IF_ERROR(r->Start(std::move(dests)));
  *out = std::move(r);
  return Status::OK();
}

namespace {

// What connectors are built with to check their settings: sends nothing.
class NoTransport final : public HttpTransport {
 public:
  void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) override {
    out->assign(reqs.size(), HttpResponse());
    for (auto& r : *out) r.error = "configuration check: nothing is sent";
  }
};

class NoState final : public StateStore {
 public:
  Status Get(std::string_view, std::string*) override { return Status::NotFound(""); }
  Status Put(std::string_view, std::string_view) override { return Status::OK(); }
  Status Delete(std::string_view) override { return Status::OK(); }
};

}  // namespace

Status ValidateDestinations(const std::string& destinations_json) {
  std::vector<std::unique_ptr<Destination>> dests;
  LRS_RETURN_IF_ERROR(ParseDestinations(destinations_json, &dests));
  // The connectors' own settings (credentials, field names, sizes).
  NoTransport transport;
  NoState state;
  for (std::size_t i = 0; i < dests.size(); ++i) {
    const Destination& d = *dests[i];
    ConnectorContext ctx;
    ctx.destination = d.name;
    ctx.settings = &d.settings;
    ctx.transport = &transport;
    ctx.clock = Clock::System();
    ctx.state = &state;
    ctx.guard = d.guard;
    std::unique_ptr<Connector> c;
    Status s = NewConnector(d.type, ctx, &c);
    if (!s.ok()) {
      std::string m = s.message();
      if (m.rfind(d.name + ": ", 0) == 0) m.erase(0, d.name.size() + 2);
      return Status::InvalidArgument("destinations[" + std::to_string(i) + "] (" + d.name +
                                     ")." + m);
    }
  }
  return Status::OK();
}

}  // namespace lrs::sync

namespace lrs {

Status Sync::Open(Store* store, const SyncOptions& options, std::unique_ptr<Sync>* out) {
  sync::RelayOptions ro;
  static_cast<SyncOptions&>(ro) = options;
  std::unique_ptr<sync::Relay> relay;
  LRS_RETURN_IF_ERROR(sync::Relay::Open(store, ro, &relay));
  *out = std::move(relay);
  return Status::OK();
}

Status ValidateSyncDestinations(const std::string& destinations_json) {
  return sync::ValidateDestinations(destinations_json);
}

Status SyncDryRun(Store* store, const std::string& destinations_json,
                  const std::string& destination, const std::string& statement_id,
                  std::string* report) {
  return sync::DryRun(store, destinations_json, destination, statement_id, report);
}

}  // namespace lrs

namespace lrs::sync {

// ---- Shared helpers -------------------------------------------------------------

std::string LearnerOf(const json::Value& statement) {
  const json::Value* actor = json::Member(statement, "actor");
  if (!actor || !actor->IsObject()) return "unknown";
  std::string key;
  if (xapi::AgentIdentityKey(*actor, &key)) return key;
  // An anonymous group: its members, sorted.
  std::vector<std::string> members;
  if (const json::Value* m = json::Member(*actor, "member"); m && m->IsArray()) {
    for (const auto& x : m->GetArray()) {
      std::string k;
      if (xapi::AgentIdentityKey(x, &k)) members.push_back(k);
    }
  }
  std::sort(members.begin(), members.end());
  std::string out = "group:";
  for (std::size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
  return out;
}

std::string HexSha256(std::string_view data, std::size_t hex_chars) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < SHA256_DIGEST_LENGTH && s.size() < hex_chars; ++i) {
    s += kHex[md[i] >> 4];
    s += kHex[md[i] & 15];
  }
  return s.substr(0, hex_chars);
}

std::string LearnerHash(const std::string& learner) { return HexSha256(learner, 32); }

std::string IdempotencyKey(const std::string& destination, const std::string& statement_id,
                           const std::string& mapping_version) {
  std::string in = destination;
  in += '\0';
  in += statement_id;
  in += '\0';
  in += mapping_version;
  return HexSha256(in, 32);
}

}  // namespace lrs::sync
