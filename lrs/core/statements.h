// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The statement write path. Preparation (parse, validate, assign ids,
// extract index terms, compress) runs in the caller's thread, in parallel
// with other writers; PutStatementsOp::Apply runs in the group commit and
// does only what needs the transaction.

#ifndef LRS_CORE_STATEMENTS_H_
#define LRS_CORE_STATEMENTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lrs/common/uuid.h"
#include "lrs/core/store_impl.h"
#include "lrs/core/terms.h"
#include "lrs/core/write_group.h"

namespace lrs::core {

inline constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

struct PreparedStatement {
  json::Value* stmt = nullptr;   // validated, normalized; id/stored/authority removed
  Uuid id;
  bool timestamp_assigned = false;
  bool voiding = false;
  std::optional<Uuid> ref_target;  // object is a StatementRef to this id
  std::vector<Term> terms;         // own index terms
  std::vector<std::uint64_t> resolved;  // PostingKeys of terms known at Prepare
  std::vector<Term> unresolved;         // terms the leader must intern
  bool catalog_changed = true;          // activities/agents tables need work
  std::string compressed;          // compressed body
  std::uint32_t dict_id = 0;
  std::vector<std::string> payload_sha2;  // attachments whose data is in the request
  std::string authority_json;             // compact; empty when none
  agg::Contribution contrib;              // what it adds to the aggregates
};

class PutStatementsOp final : public WriteOp {
 public:
  PutStatementsOp(StoreImpl* store, const StatementWrite& write) : store_(store), write_(write) {}

  // Parses and prepares `json` (a statement or an array). With put_id, the
  // input must be one statement whose id is absent or equal to *put_id.
  Status Prepare(std::string_view json, const std::optional<std::string_view>& put_id);

  Status Apply(GroupContext& ctx, storage::WriteTxn& txn) override;

  // Ids of the statements, in request order (valid after Prepare).
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  Status ApplyOne(GroupContext& ctx, storage::WriteTxn& txn, PreparedStatement& p);
  Status InternAuthority(GroupContext& ctx, storage::WriteTxn& txn, const std::string& json,
                         std::uint64_t* id);
  Status AddPostings(GroupContext& ctx, storage::WriteTxn& txn, const std::vector<Term>& terms,
                     std::uint64_t seq, bool append);
  // Index terms of a stored statement, including those it inherits through
  // StatementRefs (Communication 2.1.3.s3), up to `depth` levels.
  Status StoredTerms(const GroupContext& ctx, storage::WriteTxn& txn,
                     std::string_view uuid_bytes, int depth, std::vector<Term>* out);
  // Gives earlier statements that refer to `id` the terms of the statement.
  Status PropagateToReferrers(GroupContext& ctx, storage::WriteTxn& txn, const Uuid& id,
                              const std::vector<Term>& terms);

  StoreImpl* store_;
  const StatementWrite& write_;
  json::Document doc_;
  json::Document authority_doc_;  // write_.authority, parsed
  std::vector<PreparedStatement> stmts_;
  std::vector<std::string> ids_;
  std::unordered_map<std::string, const AttachmentPayload*> payloads_;
};

}  // namespace lrs::core

#endif  // LRS_CORE_STATEMENTS_H_
