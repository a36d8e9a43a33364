// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The statements of an `lrs import` file, one at a time, in constant memory
// (one statement's text at a time, whatever the file's size).
//
// Formats, told apart by the first non-space byte of the file (after a
// UTF-8 byte order mark, if any):
//   NDJSON     one statement object per line, as `lrs export` writes it;
//              items are named "line N" (N counts every line). A line that
//              does not start with '{' is a bad item; the others go to the
//              store as they are, which judges them.
//   documents  a StatementResult {"statements":[...],"more":"..."} as GET
//              /xapi/statements returns it (saved from this or another
//              LRS), or a plain JSON array of statements, or several of
//              them one after another (pages saved in turn, white space
//              between). Items are named "statements[17]" (in a
//              StatementResult) or "[17]" (in an array), with "document N: "
//              before them from the second document on. An element that is
//              not an object, or is larger than kMaxImportStatementBytes,
//              is a bad item; a document that is neither is reported as one
//              bad item. The file is read with RapidJSON's SAX reader and
//              each statement's text rebuilt with its writer (numbers kept
//              as written).
// A file starting with '[' holds documents; one starting with '{' holds
// documents if its first member is "statements" or "more" (no statement
// has those), NDJSON otherwise.
//
// Thread safety: a function on its arguments.

#ifndef LRS_DAEMON_IMPORT_READER_H_
#define LRS_DAEMON_IMPORT_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "lrs/status.h"

namespace lrs::daemon {

// The largest statement a JSON document may hold (its text as rebuilt).
inline constexpr std::size_t kMaxImportStatementBytes = std::size_t{64} << 20;

enum class ImportFormat { kNdjson, kDocuments };

// What ReadImportFile found, besides the items.
struct ImportFileInfo {
  ImportFormat format = ImportFormat::kNdjson;
  std::uint64_t lines = 0;      // NDJSON: lines read, blank ones included
  std::uint64_t documents = 0;  // JSON documents read (complete or not)
};

struct ImportItem {
  std::string label;             // "line 12", "statements[17]", "document 2: [3]"
  std::string json;              // the statement's text; empty when !error.ok()
  Status error;                  // not OK: a bad item (skipped), saying why
  bool has_stored = false;       // the statement carries its own "stored"
  std::uint64_t bytes_read = 0;  // of the file so far (progress)
};

// Calls on_item for each item in file order. Returns OK at the end of the
// file; the first non-OK status of on_item (the read stops there);
// NotFound / IOError when the file cannot be opened or read; and for a
// syntax error in a JSON document InvalidArgument "byte N: <reason>" (N the
// offset in the file), after the items before it were delivered.
// *info (optional) tells what the file was taken for and how much was read.
Status ReadImportFile(const std::string& path,
                      const std::function<Status(ImportItem& item)>& on_item,
                      ImportFileInfo* info = nullptr);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_IMPORT_READER_H_
