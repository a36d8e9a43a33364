// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/import_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/filereadstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

namespace lrs::daemon {
namespace {

using rapidjson::SizeType;

constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// The first member name of a JSON object text, if it starts with one.
class FirstKey : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, FirstKey> {
 public:
  bool Default() { return false; }  // anything before the first key: stop
  bool StartObject() { return !started_ && (started_ = true); }
  bool Key(const char* s, SizeType n, bool) {
    key_.assign(s, n);
    return false;
  }
  const std::string& key() const { return key_; }

 private:
  bool started_ = false;
  std::string key_;
};

// Whether a statement's text has a top-level "stored" member (an NDJSON
// line; malformed text answers false: the store reports it).
class StoredFinder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, StoredFinder> {
 public:
  bool StartObject() { return ++depth_, true; }
  bool EndObject(SizeType) { return --depth_, true; }
  bool StartArray() { return ++depth_, true; }
  bool EndArray(SizeType) { return --depth_, true; }
  bool Key(const char* s, SizeType n, bool) {
    if (depth_ == 1 && std::string_view(s, n) == "stored") found_ = true;
    return !found_;  // found: no need to read on
  }
  bool found() const { return found_; }

 private:
  int depth_ = 0;
  bool found_ = false;
};

bool HasStored(std::string_view text) {
  StoredFinder finder;
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(ms, finder);
  return finder.found();
}

// The SAX events of a sequence of documents: finds the statements (the
// elements of a StatementResult's "statements" array, or of a top-level
// array), rebuilds each one's text with a Writer and hands it over.
class DocumentHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DocumentHandler> {
 public:
  DocumentHandler(const std::function<Status(ImportItem&)>* on_item,
                  const rapidjson::FileReadStream* in, std::uint64_t base)
      : on_item_(on_item), in_(in), base_(base) {}

  const Status& status() const { return status_; }  // on_item's failure
  std::uint64_t documents() const { return document_; }

  bool Null() {
    return Scalar([](Writer& w) { return w.Null(); });
  }
  bool Bool(bool b) {
    return Scalar([b](Writer& w) { return w.Bool(b); });
  }
  bool RawNumber(const char* s, SizeType n, bool) {
    return Scalar([s, n](Writer& w) { return w.RawValue(s, n, rapidjson::kNumberType); });
  }
  bool String(const char* s, SizeType n, bool) {
    return Scalar([s, n](Writer& w) { return w.String(s, n); });
  }
  bool Key(const char* s, SizeType n, bool) {
    if (capturing_) {
      if (depth_ == capture_depth_ + 1 && std::string_view(s, n) == "stored") has_stored_ = true;
      if (Fits()) writer_.Key(s, n);
    } else if (in_result_ && depth_ == 1) {
      expect_statements_ = std::string_view(s, n) == "statements";
    }
    return true;
  }
  bool StartObject() {
    if (capturing_) {
      if (Fits()) writer_.StartObject();
    } else if (AtItem()) {
      capturing_ = true;
      capture_depth_ = depth_;
      has_stored_ = false;
      oversize_ = false;
      buffer_.Clear();
      writer_.Reset(buffer_);
      writer_.StartObject();
    } else if (depth_ == 0) {
      BeginDocument();
      in_result_ = true;
      saw_statements_ = false;
      expect_statements_ = false;
    } else if (AtStatementsValue()) {
      saw_statements_ = true;
      if (!Bad(DocumentLabel(), "statements: must be an array of statements")) return false;
    }
    ++depth_;
    return true;
  }
  bool EndObject(SizeType) {
    if (capturing_ && Fits()) writer_.EndObject();
    --depth_;
    if (capturing_ && depth_ == capture_depth_) {
      capturing_ = false;
      return EndItem();
    }
    if (!capturing_ && in_result_ && depth_ == 0) {
      in_result_ = false;
      if (!saw_statements_)
        return Bad(DocumentLabel(),
                   "not a StatementResult (no \"statements\" array) nor an array of statements");
    }
    return true;
  }
  bool StartArray() {
    if (capturing_) {
      if (Fits()) writer_.StartArray();
    } else if (AtItem()) {
      if (!BadItem()) return false;
    } else if (depth_ == 0) {
      BeginDocument();
      items_depth_ = 1;
      in_statements_ = false;
    } else if (AtStatementsValue()) {
      saw_statements_ = true;
      items_depth_ = 2;
      in_statements_ = true;
    }
    ++depth_;
    return true;
  }
  bool EndArray(SizeType) {
    if (capturing_ && Fits()) writer_.EndArray();
    --depth_;
    if (!capturing_ && items_depth_ != 0 && depth_ + 1 == items_depth_) items_depth_ = 0;
    return true;
  }

 private:
  using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

  template <class F>
  bool Scalar(F write) {
    if (capturing_) {
      if (Fits()) write(writer_);
      return true;
    }
    if (AtItem()) return BadItem();
    if (depth_ == 0) {
      BeginDocument();
      return Bad(DocumentLabel(), "not a StatementResult nor an array of statements");
    }
    if (AtStatementsValue()) {
      saw_statements_ = true;
      return Bad(DocumentLabel(), "statements: must be an array of statements");
    }
    return true;  // e.g. "more"
  }

  // A value starting here is an element of the statements array.
  bool AtItem() const { return items_depth_ != 0 && depth_ == items_depth_; }
  // A value starting here is the value of a StatementResult's "statements".
  bool AtStatementsValue() {
    if (!in_result_ || depth_ != 1 || !expect_statements_) return false;
    expect_statements_ = false;
    return true;
  }
  void BeginDocument() {
    ++document_;
    index_ = 0;
  }
  bool Fits() {
    if (!oversize_ && buffer_.GetSize() > kMaxImportStatementBytes) oversize_ = true;
    return !oversize_;
  }
  std::string DocumentLabel() const { return "document " + std::to_string(document_); }
  std::string ItemLabel() const {
    std::string prefix = document_ > 1 ? DocumentLabel() + ": " : "";
    return prefix + (in_statements_ ? "statements[" : "[") + std::to_string(index_) + "]";
  }

  bool Deliver(ImportItem& item) {
    item.bytes_read = base_ + in_->Tell();
    status_ = (*on_item_)(item);
    return status_.ok();
  }
  bool Bad(std::string label, std::string_view message) {
    ImportItem item;
    item.label = std::move(label);
    item.error = Status::InvalidArgument(message);
    return Deliver(item);
  }
  bool BadItem() {
    ImportItem item;
    item.label = ItemLabel();
    ++index_;
    item.error = Status::InvalidArgument("not a statement object");
    return Deliver(item);
  }
  bool EndItem() {
    ImportItem item;
    item.label = ItemLabel();
    ++index_;
    if (oversize_) {
      item.error = Status::TooLarge("larger than " +
                                    std::to_string(kMaxImportStatementBytes >> 20) + " MiB");
    } else {
      item.json.assign(buffer_.GetString(), buffer_.GetSize());
      item.has_stored = has_stored_;
    }
    buffer_.Clear();
    buffer_.ShrinkToFit();  // one large statement does not keep its memory
    return Deliver(item);
  }

  const std::function<Status(ImportItem&)>* on_item_;
  const rapidjson::FileReadStream* in_;
  const std::uint64_t base_;  // file offset of the stream's first byte
  Status status_;

  int depth_ = 0;                   // containers open
  int items_depth_ = 0;             // depth_ of the statements' array once open; 0: none
  bool in_statements_ = false;      // that array is a StatementResult's
  bool in_result_ = false;          // inside a top-level object
  bool expect_statements_ = false;  // its last key was "statements"
  bool saw_statements_ = false;
  std::uint64_t document_ = 0;
  std::uint64_t index_ = 0;  // of the next element of the statements' array

  bool capturing_ = false;  // rebuilding a statement
  int capture_depth_ = 0;
  bool has_stored_ = false;
  bool oversize_ = false;
  rapidjson::StringBuffer buffer_;
  Writer writer_;
};

Status ReadDocuments(std::FILE* f, std::uint64_t base, std::uint64_t file_size,
                     const std::function<Status(ImportItem&)>& on_item, ImportFileInfo* info) {
  char buf[65536];
  rapidjson::FileReadStream in(f, buf, sizeof buf);
  DocumentHandler handler(&on_item, &in, base);
  rapidjson::Reader reader;
  struct Count {  // documents seen, however the read ends
    ImportFileInfo* info;
    const DocumentHandler* h;
    ~Count() { info->documents = h->documents(); }
  } count{info, &handler};
  for (;;) {
    while (in.Peek() == ' ' || in.Peek() == '\n' || in.Peek() == '\r' || in.Peek() == '\t')
      in.Take();
    if (in.Peek() == '\0') break;
    rapidjson::ParseResult r = reader.Parse<kParseFlags>(in, handler);
    if (!handler.status().ok()) return handler.status();
    if (r.IsError()) {
      return Status::InvalidArgument("byte " + std::to_string(base + r.Offset()) + ": " +
                                     rapidjson::GetParseError_En(r.Code()));
    }
  }
  if (std::ferror(f)) return Status::IOError(std::string("read failed: ") + std::strerror(errno));
  if (base + in.Tell() < file_size)
    return Status::InvalidArgument("byte " + std::to_string(base + in.Tell()) +
                                   ": a NUL byte outside any document");
  return Status::OK();
}

Status ReadNdjson(const std::string& path, std::uint64_t base,
                  const std::function<Status(ImportItem&)>& on_item, ImportFileInfo* info) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  in.seekg(static_cast<std::streamoff>(base));
  std::string line;
  std::uint64_t& number = info->lines;
  std::uint64_t bytes = base;
  while (std::getline(in, line)) {
    ++number;
    bytes += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ImportItem item;
    item.label = "line " + std::to_string(number);
    item.bytes_read = bytes;
    if (line.front() != '{') {
      item.error = Status::InvalidArgument("not a statement object (NDJSON: one per line)");
    } else {
      item.has_stored = HasStored(line);
      item.json = std::move(line);
    }
    LRS_RETURN_IF_ERROR(on_item(item));
    line = std::string();  // a long line does not keep its memory
  }
  if (in.bad()) return Status::IOError("cannot read " + path);
  return Status::OK();
}

}  // namespace

Status ReadImportFile(const std::string& path,
                      const std::function<Status(ImportItem& item)>& on_item,
                      ImportFileInfo* info) {
  ImportFileInfo ignored;
  if (info == nullptr) info = &ignored;
  *info = ImportFileInfo();
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::NotFound("cannot read " + path + ": " + std::strerror(errno));
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  // A UTF-8 byte order mark is skipped.
  char head[3] = {};
  const std::size_t got = std::fread(head, 1, sizeof head, f.get());
  const std::uint64_t base = got == 3 && std::string_view(head, 3) == kBom ? 3 : 0;
  if (std::fseek(f.get(), static_cast<long>(base), SEEK_SET) != 0)
    return Status::IOError("cannot read " + path);

  // Which format: the first non-space byte, and after '{' the first key.
  ImportFormat kind = ImportFormat::kNdjson;
  {
    char buf[4096];
    rapidjson::FileReadStream in(f.get(), buf, sizeof buf);
    while (in.Peek() == ' ' || in.Peek() == '\n' || in.Peek() == '\r' || in.Peek() == '\t')
      in.Take();
    if (in.Peek() == '[') {
      kind = ImportFormat::kDocuments;
    } else if (in.Peek() == '{') {
      FirstKey first;
      rapidjson::Reader reader;
      reader.Parse<rapidjson::kParseIterativeFlag>(in, first);
      if (first.key() == "statements" || first.key() == "more") kind = ImportFormat::kDocuments;
    }
  }
  info->format = kind;
  if (kind == ImportFormat::kNdjson) {
    f.reset();
    return ReadNdjson(path, base, on_item, info);
  }
  if (std::fseek(f.get(), static_cast<long>(base), SEEK_SET) != 0)
    return Status::IOError("cannot read " + path);
  return ReadDocuments(f.get(), base, ec ? 0 : size, on_item, info);
}

}  // namespace lrs::daemon
