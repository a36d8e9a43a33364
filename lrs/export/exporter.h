// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs::exporter: a store's statements, in stored order, as NDJSON (whole
// statements) or CSV (chosen fields flattened into columns), streamed to a
// sink in constant memory and resumable by stored position. Shared by the C
// API (lrs_export) and, later, `lrs export` and the HTTP export endpoint.
//
// Thread safety: Export may run concurrently with writers and other exports.

#ifndef LRS_EXPORT_EXPORTER_H_
#define LRS_EXPORT_EXPORTER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/store.h"

namespace lrs::exporter {

enum class Format { kNdjson, kCsv };

// A field of a CSV column: a path into the statement. Members are separated
// by dots; a number selects an array element; a member whose name holds a
// dot (an extension IRI, say) is written in brackets and quotes:
//   actor.mbox   result.score.scaled   context.contextActivities.parent.0.id
//   verb.display.en-US   result.extensions["http://example.com/ext/progress"]
struct FieldPath {
  std::string text;                 // as given (the CSV header)
  std::vector<std::string> steps;   // parsed members / indexes
};

// InvalidArgument naming the path and the position of the mistake.
Status ParseFieldPath(std::string_view text, FieldPath* out);

// The columns `lrs export --format csv` uses when none are chosen.
const std::vector<std::string>& DefaultCsvFields();

// The value at `path` in `v` as CSV cell text: strings as they are, numbers
// and booleans as JSON writes them, objects and arrays as compact JSON, and
// "" when absent or null.
std::string CellText(const json::Value& v, const FieldPath& path);

// RFC 4180: `cell` quoted when it holds a comma, a quote, CR or LF (quotes
// doubled), appended to *out.
void AppendCsvCell(std::string_view cell, std::string* out);

struct Options {
  Format format = Format::kNdjson;
  std::vector<std::string> fields;  // CSV columns; empty: DefaultCsvFields()
  bool csv_header = true;           // a first row naming the columns
  std::uint64_t after = 0;          // stored position to start after (0: the beginning)
  std::uint64_t limit = 0;          // at most this many statements (0: all)
};

struct Result {
  std::uint64_t exported = 0;
  std::uint64_t last = 0;  // the stored position of the last one exported (resume after it)
  bool stopped = false;    // the sink asked to stop
};

// Receives output, whole lines at a time (valid during the call); returns
// false to stop.
using Sink = std::function<bool(std::string_view chunk)>;

// Streams the statements of `store` stored after options.after, voided ones
// included (they were stored), in pages: memory stays bounded at any size.
// OK also when the sink stopped it (result->stopped). InvalidArgument for a
// bad field path.
Status Export(Store* store, const Options& options, const Sink& sink, Result* result);

}  // namespace lrs::exporter

#endif  // LRS_EXPORT_EXPORTER_H_
