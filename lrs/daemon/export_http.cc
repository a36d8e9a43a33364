// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// GET /export (routes.h, Access::kRead): the statements of the route's
// store, in stored order (voided ones included), as NDJSON or CSV, streamed
// (http::Response::stream) with the exporter (lrs/export/exporter.h) one
// page at a time: memory stays bounded whatever the store's size, and a
// slow client slows the reads down instead of filling memory.
//
//   format=ndjson|csv   default ndjson (application/x-ndjson, one statement
//                       per line, as `lrs export` writes it); csv is
//                       text/csv; charset=utf-8 (RFC 4180, CRLF)
//   fields=a,b.c        CSV columns (field paths as in exporter.h; commas
//                       inside ["..."] belong to the path); default: the
//                       exporter's DefaultCsvFields
//   header=true|false   CSV: a first row naming the columns (default true)
//   after=N             start after stored position N (default 0)
//   limit=N             at most N statements (default, or 0: all)
//
// Every parameter is checked before a byte of the body is sent: a bad one
// gets 400 with a JSON error naming it. HEAD gets the same headers.
//
// Where to resume: X-Export-Last, a response header, sent up front. The
// handler fixes where the response ends before it answers: without limit,
// at the newest stored position at that moment; with limit, at the position
// of the limit-th statement after `after`, found from positions alone (the
// keys of the statements table; no statement is read or decoded, and a
// store that never lost a statement to erasure needs no scan at all). The
// body then holds exactly the statements stored at positions in
// (after, X-Export-Last]: statements stored meanwhile come after it, so
// `after=X-Export-Last` continues with no gap and no overlap, and a client
// that asks again until the body is empty has everything. (The other
// design, HTTP trailers carrying the last position at the end, is read by
// few clients, and HTTP/1.0 has no trailers.) A statement erased during the
// export is simply absent. A truncated transfer (the connection ends before
// the final zero-length chunk: a store error mid-stream, the server
// stopping; logged) carries no such promise: repeat the same request. An
// HTTP/1.0 client gets the body unframed and cannot tell truncation from
// the end.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lrs/api/service.h"
#include "lrs/common/coding.h"
#include "lrs/core/store_impl.h"
#include "lrs/daemon/export_cli.h"
#include "lrs/daemon/routes.h"
#include "lrs/export/exporter.h"
#include "lrs/storage/env.h"

namespace lrs::daemon {
namespace {

// The size a streamed piece aims at (a page may overshoot it by one page).
constexpr std::size_t kPieceBytes = 64 * 1024;
// Statements per exporter page, at most.
constexpr std::uint64_t kMaxPage = 256;

Status ParseCount(std::string_view name, const std::string& text, std::uint64_t* out) {
  const bool digits =
      !text.empty() && text.size() <= 19 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits)
    return Status::InvalidArgument(std::string(name) + ": must be a non-negative integer");
  std::from_chars(text.data(), text.data() + text.size(), *out);
  return Status::OK();
}

// The position the response ends at (see the header comment): the newest
// position, or with a limit the limit-th position after `after`.
Status EndPosition(Store* store, std::uint64_t after, std::uint64_t limit, std::uint64_t* end) {
  auto* impl = dynamic_cast<core::StoreImpl*>(store);
  if (impl == nullptr) return Status::Internal("export: not an lrs store");
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(impl->env()->BeginRead(&txn));
  // Read after the txn began, as ReadOutbox does: the txn sees at least this.
  const std::uint64_t last = impl->LastSequence();
  *end = std::max(after, last);
  if (limit == 0 || after >= last || limit >= last - after) return Status::OK();
  const MDB_dbi dbi = txn.dbi(storage::Table::kStatements);
  MDB_stat ms;
  if (mdb_stat(txn.txn(), dbi, &ms) == MDB_SUCCESS && ms.ms_entries == last) {
    // Positions 1..last all hold a statement: no gaps, no scan. (Were a
    // statement committed but not yet published counted here, the range
    // could only hold fewer than `limit`, never more.)
    *end = after + limit;
    return Status::OK();
  }
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), dbi));
  const std::string start = Fixed64BE(after + 1);
  MDB_val k = storage::Val(start), v;
  std::uint64_t n = 0;
  Status s = c.Get(&k, &v, MDB_SET_RANGE);
  while (s.ok()) {
    const std::uint64_t seq = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
    if (seq > last) break;  // not yet published
    if (++n == limit) {
      *end = seq;
      return Status::OK();
    }
    s = c.Get(&k, &v, MDB_NEXT);
  }
  return s.ok() || s.IsNotFound() ? Status::OK() : s;
}

// The producer of one response: pages of the exporter, up to `end`.
class ExportStream {
 public:
  ExportStream(Store* store, exporter::Options options, std::string header, std::uint64_t after,
               std::uint64_t end, Logger* logger, std::string store_name)
      : store_(store),
        options_(std::move(options)),
        header_(std::move(header)),
        pos_(after),
        end_(end),
        finished_(after >= end),
        logger_(logger),
        store_name_(std::move(store_name)) {
    options_.csv_header = false;  // header_ is sent once, first
  }

  // http::BodyStream.
  Status Next(std::string* chunk, bool* done) {
    chunk->append(header_);
    header_.clear();
    while (!finished_ && chunk->size() < kPieceBytes) {
      Status s = Page(chunk);
      if (!s.ok()) {
        if (logger_ != nullptr)
          logger_->Log(
              LogLevel::kError, "export failed",
              {{"store", store_name_}, {"after", std::to_string(pos_)}, {"error", s.ToString()}});
        return s;
      }
    }
    *done = finished_;
    return Status::OK();
  }

 private:
  // Appends the next page (sized to fill the piece) to *chunk.
  Status Page(std::string* chunk) {
    const std::uint64_t room = kPieceBytes - std::min(chunk->size(), kPieceBytes);
    const std::uint64_t want = std::min<std::uint64_t>(
        {std::max<std::uint64_t>(1, room / bytes_per_line_ + 1), kMaxPage, end_ - pos_});
    exporter::Result r;
    LRS_RETURN_IF_ERROR(Export(pos_, want, &r));
    if (r.exported == 0) {  // nothing left (the rest was erased meanwhile)
      finished_ = true;
      return Status::OK();
    }
    if (r.last <= end_) {
      chunk->append(page_);
      pos_ = r.last;
      bytes_per_line_ = std::max<std::uint64_t>(1, page_.size() / r.exported);
      if (pos_ >= end_ || r.exported < want) finished_ = true;
      return Status::OK();
    }
    // The page ran past end_: statements of the range were erased since the
    // end was fixed. Finish one statement at a time, up to end_.
    for (;;) {
      LRS_RETURN_IF_ERROR(Export(pos_, 1, &r));
      if (r.exported == 0 || r.last > end_) break;
      chunk->append(page_);
      pos_ = r.last;
      if (pos_ == end_) break;
    }
    finished_ = true;
    return Status::OK();
  }

  // Up to `limit` statements after `after`, into page_.
  Status Export(std::uint64_t after, std::uint64_t limit, exporter::Result* r) {
    page_.clear();
    options_.after = after;
    options_.limit = limit;
    return exporter::Export(
        store_, options_,
        [this](std::string_view line) {
          page_.append(line);
          return true;
        },
        r);
  }

  Store* const store_;
  exporter::Options options_;
  std::string header_;  // the CSV header row, until sent
  std::uint64_t pos_;   // exported up to here
  const std::uint64_t end_;
  bool finished_;
  std::uint64_t bytes_per_line_ = 512;  // of the last page: sizes the next
  std::string page_;
  Logger* const logger_;
  const std::string store_name_;
};

}  // namespace

http::Response HandleExport(http::Request& req, const RouteContext& ctx) {
  if (req.method != "GET" && req.method != "HEAD") return MethodNotAllowed(req, "GET, HEAD");
  const std::string *format = nullptr, *fields = nullptr, *header = nullptr, *after = nullptr,
                    *limit = nullptr;
  for (const auto& [name, value] : ctx.params) {
    const std::string** slot = name == "format"   ? &format
                               : name == "fields" ? &fields
                               : name == "header" ? &header
                               : name == "after"  ? &after
                               : name == "limit"  ? &limit
                                                  : nullptr;
    if (slot == nullptr)
      return api::ErrorResponse(Status::InvalidArgument(
          name.substr(0, 64) +
          ": unknown parameter (GET /export takes format, fields, header, after, limit, store)"));
    if (*slot != nullptr)
      return api::ErrorResponse(Status::InvalidArgument(name + ": given more than once"));
    *slot = &value;
  }
  exporter::Options o;
  if (format != nullptr && *format == "csv") {
    o.format = exporter::Format::kCsv;
  } else if (format != nullptr && *format != "ndjson") {
    return api::ErrorResponse(Status::InvalidArgument("format: must be ndjson or csv"));
  }
  const bool csv = o.format == exporter::Format::kCsv;
  if (!csv && (fields != nullptr || header != nullptr))
    return api::ErrorResponse(Status::InvalidArgument(
        std::string(fields != nullptr ? "fields" : "header") + ": applies to format=csv"));
  bool with_header = true;
  if (header != nullptr) {
    if (*header != "true" && *header != "false")
      return api::ErrorResponse(Status::InvalidArgument("header: must be true or false"));
    with_header = *header == "true";
  }
  std::string header_row;
  if (csv) {
    if (fields != nullptr) {
      o.fields = SplitFieldList(*fields);
      if (o.fields.empty())
        return api::ErrorResponse(
            Status::InvalidArgument("fields: must name at least one field path"));
    }
    const auto& columns = o.fields.empty() ? exporter::DefaultCsvFields() : o.fields;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      exporter::FieldPath path;
      if (Status s = exporter::ParseFieldPath(columns[i], &path); !s.ok())
        return api::ErrorResponse(s);
      if (i) header_row.push_back(',');
      exporter::AppendCsvCell(path.text, &header_row);
    }
    header_row += "\r\n";
    if (!with_header) header_row.clear();
  }
  std::uint64_t from = 0, count = 0;
  if (after != nullptr) {
    if (Status s = ParseCount("after", *after, &from); !s.ok()) return api::ErrorResponse(s);
  }
  if (limit != nullptr) {
    if (Status s = ParseCount("limit", *limit, &count); !s.ok()) return api::ErrorResponse(s);
  }
  std::uint64_t end = 0;
  if (Status s = EndPosition(ctx.store, from, count, &end); !s.ok()) {
    if (ctx.logger != nullptr)
      ctx.logger->Log(LogLevel::kError, "export failed",
                      {{"store", ctx.store_name}, {"error", s.ToString()}});
    return api::ErrorResponse(s);
  }

  http::Response r;
  r.headers.Set("Content-Type", csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
  r.headers.Set("Content-Disposition", csv ? "attachment; filename=\"statements.csv\""
                                           : "attachment; filename=\"statements.ndjson\"");
  r.headers.Set("X-Export-Last", std::to_string(end));
  r.headers.Set("Cache-Control", "no-store");
  auto stream = std::make_shared<ExportStream>(ctx.store, std::move(o), std::move(header_row), from,
                                               end, ctx.logger, ctx.store_name);
  r.stream = [stream](std::string* chunk, bool* done) { return stream->Next(chunk, done); };
  return r;
}

}  // namespace lrs::daemon
