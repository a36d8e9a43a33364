// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The table-level steps of EraseAgent (erasure.cc) that need no statement
// analysis: the index buffer's pending log, documents, the sync tables and
// the audit table. Each runs in the erasing commit's write transaction.

#ifndef LRS_CORE_ERASURE_H_
#define LRS_CORE_ERASURE_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/core/write_group.h"
#include "lrs/status.h"
#include "lrs/storage/env.h"
#include "lrs/store.h"

namespace lrs::core::erasure {

// Rewrites the `pending` entries (MemIndex::EncodePending layout) without
// the postings of statements in `gone`, the postings in `dropped`, and the
// buffered catalog value `catalog_key` (a CatalogKey).
Status RewritePending(storage::WriteTxn& txn, const std::set<std::uint64_t>& gone,
                      const std::vector<Posting>& dropped, std::string_view catalog_key);

// Deletes the state documents (any activity, any registration) and agent
// profiles of the agent whose term id is `agent_term_id`; *count: how many.
Status DeleteDocuments(storage::WriteTxn& txn, std::uint64_t agent_term_id, std::uint64_t* count);

// Deletes the sync_retry entries of the statements in `gone` (seqs), the
// sync_dlq entries of `gone` or of `gone_ids` (16-byte statement ids), and
// the sync_state entries whose key ends with ":" + email (when `email`, in
// lowercase, is not empty) or ":" + the id of a statement in `gone_ids`,
// compared case-insensitively; *count: how many.
Status DeleteSyncEntries(storage::WriteTxn& txn, const std::set<std::uint64_t>& gone,
                         const std::set<std::string>& gone_ids, std::string_view email,
                         std::uint64_t* count);

// Appends an "erase_agent" audit record with `report`'s counts, the
// SHA-256 of `identity_key` and `now_ms`; sets report->audit_id.
Status AppendAuditRecord(storage::WriteTxn& txn, std::string_view identity_key,
                         std::int64_t now_ms, ErasureReport* report);

}  // namespace lrs::core::erasure

#endif  // LRS_CORE_ERASURE_H_
