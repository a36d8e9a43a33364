// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/export/exporter.h"

#include <algorithm>
#include <cstdlib>

#include "lrs/core/store_impl.h"

namespace lrs::exporter {
namespace {

bool IsIndex(std::string_view s) {
  return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) {
           return c >= '0' && c <= '9';
         });
}

Status PathError(std::string_view text, std::size_t pos, std::string_view why) {
  return Status::InvalidArgument("fields: \"" + std::string(text) + "\" at " +
                                 std::to_string(pos) + ": " + std::string(why));
}

}  // namespace

Status ParseFieldPath(std::string_view text, FieldPath* out) {
  out->text = std::string(text);
  out->steps.clear();
  std::size_t i = 0;
  if (text.empty()) return PathError(text, 0, "empty path");
  for (;;) {
    std::string step;
    if (text[i] == '[') {
      // ["member name with dots"]
      if (i + 1 >= text.size() || text[i + 1] != '"')
        return PathError(text, i, "expected [\"...\"]");
      std::size_t close = text.find("\"]", i + 2);
      if (close == std::string_view::npos) return PathError(text, i, "unterminated [\"...\"]");
      step = std::string(text.substr(i + 2, close - i - 2));
      i = close + 2;
    } else {
      std::size_t end = text.find_first_of(".[", i);
      if (end == std::string_view::npos) end = text.size();
      step = std::string(text.substr(i, end - i));
      if (step.empty()) return PathError(text, i, "empty member name");
      i = end;
    }
    out->steps.push_back(std::move(step));
    if (i == text.size()) return Status::OK();
    if (text[i] == '.') {
      ++i;
      if (i == text.size()) return PathError(text, i, "ends with a dot");
    } else if (text[i] != '[') {
      return PathError(text, i, "expected . or [");
    }
  }
}

const std::vector<std::string>& DefaultCsvFields() {
  static const std::vector<std::string> kFields = {
      "id",
      "stored",
      "timestamp",
      "actor.name",
      "actor.mbox",
      "actor.account.homePage",
      "actor.account.name",
      "verb.id",
      "object.id",
      "object.objectType",
      "result.score.scaled",
      "result.score.raw",
      "result.score.min",
      "result.score.max",
      "result.success",
      "result.completion",
      "result.duration",
      "context.registration",
      "context.contextActivities.parent.0.id",
      "context.contextActivities.grouping.0.id",
      "version",
  };
  return kFields;
}

std::string CellText(const json::Value& root, const FieldPath& path) {
  const json::Value* v = &root;
  for (const std::string& step : path.steps) {
    if (v->IsObject()) {
      v = json::Member(*v, step);
    } else if (v->IsArray() && IsIndex(step)) {
      const auto n = std::strtoul(step.c_str(), nullptr, 10);
      v = n < v->Size() ? &(*v)[static_cast<rapidjson::SizeType>(n)] : nullptr;
    } else {
      v = nullptr;
    }
    if (v == nullptr) return {};
  }
  if (v->IsNull()) return {};
  if (v->IsString()) return std::string(json::View(*v));
  return json::Write(*v);
}

void AppendCsvCell(std::string_view cell, std::string* out) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(cell);
    return;
  }
  out->push_back('"');
  for (char c : cell) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

Status Export(Store* store, const Options& options, const Sink& sink, Result* result) {
  *result = Result();
  result->last = options.after;
  auto* impl = dynamic_cast<core::StoreImpl*>(store);
  if (impl == nullptr) return Status::InvalidArgument("export: not an lrs store");
  std::vector<FieldPath> paths;
  if (options.format == Format::kCsv) {
    const auto& fields = options.fields.empty() ? DefaultCsvFields() : options.fields;
    for (const auto& f : fields) {
      paths.emplace_back();
      LRS_RETURN_IF_ERROR(ParseFieldPath(f, &paths.back()));
    }
    if (options.csv_header) {
      std::string line;
      for (std::size_t i = 0; i < paths.size(); ++i) {
        if (i) line.push_back(',');
        AppendCsvCell(paths[i].text, &line);
      }
      line += "\r\n";
      if (!sink(line)) {
        result->stopped = true;
        return Status::OK();
      }
    }
  }
  // Pages of at most 256 statements: memory stays bounded at any size.
  constexpr std::size_t kPage = 256;
  std::vector<core::StoreImpl::OutboxEntry> page;
  std::string line;
  for (;;) {
    std::size_t want = kPage;
    if (options.limit != 0) {
      if (result->exported >= options.limit) break;
      want = static_cast<std::size_t>(std::min<std::uint64_t>(kPage, options.limit - result->exported));
    }
    LRS_RETURN_IF_ERROR(impl->ReadOutbox(result->last, want, false, &page));
    if (page.empty()) break;
    for (const auto& e : page) {
      line.clear();
      if (options.format == Format::kNdjson) {
        line.assign(e.json);
        line += '\n';
      } else {
        json::Document d;
        LRS_RETURN_IF_ERROR(json::Parse(e.json, &d, json::Limits{std::size_t{1} << 30, 1024})
                                .WithPrefix("export: stored statement " + std::to_string(e.seq) + ": "));
        for (std::size_t i = 0; i < paths.size(); ++i) {
          if (i) line.push_back(',');
          AppendCsvCell(CellText(d, paths[i]), &line);
        }
        line += "\r\n";
      }
      if (!sink(line)) {
        result->stopped = true;
        return Status::OK();
      }
      ++result->exported;
      result->last = e.seq;
    }
  }
  return Status::OK();
}

}  // namespace lrs::exporter
