// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/export_cli.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <vector>

#include "lrs/auth/registry.h"
#include "lrs/daemon/import_reader.h"
#include "lrs/export/exporter.h"
#include "lrs/store.h"

namespace lrs::daemon {
namespace {

int Fail(std::ostream& err, const Status& s) {
  err << "lrs: " << s.message() << "\n";
  return 1;
}

}  // namespace

Status OpenStoreOffline(const Config& config, const std::string& name, std::string_view online,
                        std::unique_ptr<Store>* out) {
  const std::string hint = online.empty() ? std::string() : ", or use " + std::string(online);
  std::unique_ptr<auth::Registry> reg;
  auth::RegistryOptions ro;
  ro.authority_home_page = config.authority_home_page;
  Status s = auth::Registry::Open(config.data_dir, ro, &reg);
  if (s.code() == Status::Code::kBusy)
    return Status::Busy(config.data_dir + " is in use (is lrs serve running on it? stop it first" +
                        hint + ")");
  LRS_RETURN_IF_ERROR(s);
  if (!reg->HasStore(name)) return Status::NotFound("store: no store named \"" + name + "\"");
  const std::string dir = reg->StoreDir(name);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  Options o = config.store;
  o.create_if_missing = true;
  s = Store::Open(o, dir, out);
  if (s.code() == Status::Code::kBusy)
    return Status::Busy("store \"" + name + "\" is in use (is lrs serve running on " +
                        config.data_dir + "? stop it first" + hint + ")");
  return s;
}

std::vector<std::string> SplitFieldList(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_brackets = false;  // commas inside ["..."] belong to the path
  for (char c : text) {
    if (c == '[') in_brackets = true;
    if (c == ']') in_brackets = false;
    if (c == ',' && !in_brackets) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

int RunExport(const Config& config, const ExportArgs& args, std::ostream& out, std::ostream& err) {
  exporter::Options o;
  if (args.format == "csv") {
    o.format = exporter::Format::kCsv;
  } else if (args.format != "ndjson") {
    err << "lrs: --format must be ndjson or csv\n";
    return 2;
  }
  o.fields = SplitFieldList(args.fields);
  if (!o.fields.empty() && o.format != exporter::Format::kCsv) {
    err << "lrs: --fields applies to --format csv\n";
    return 2;
  }
  o.after = args.after;
  o.limit = args.limit;
  std::unique_ptr<Store> store;
  if (Status s = OpenStoreOffline(config, args.store, "", &store); !s.ok()) return Fail(err, s);
  std::ofstream file;
  std::ostream* sink = &out;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(err, Status::IOError("cannot write " + args.output));
    sink = &file;
  }
  exporter::Result r;
  Status s = exporter::Export(
      store.get(), o,
      [&](std::string_view chunk) {
        sink->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        return static_cast<bool>(*sink);
      },
      &r);
  sink->flush();
  if (!s.ok()) return Fail(err, s);
  if (r.stopped || !*sink)
    return Fail(err, Status::IOError("writing the export failed after " +
                                     std::to_string(r.exported) +
                                     " statements; resume with --after " + std::to_string(r.last)));
  err << "lrs: exported " << r.exported << " statements from store " << args.store
      << "; the last is at position " << r.last << " (continue later with --after " << r.last
      << ")\n";
  return 0;
}

int RunImport(const Config& config, const ImportArgs& args, std::ostream& out, std::ostream& err) {
  if (args.batch == 0 || args.batch > 10000) {
    err << "lrs: --batch must be between 1 and 10000\n";
    return 2;
  }
  if (std::ifstream probe(args.file, std::ios::binary); !probe)
    return Fail(err, Status::NotFound("cannot read " + args.file));
  std::error_code ec;
  const auto total_bytes = std::filesystem::file_size(args.file, ec);
  std::unique_ptr<Store> store;
  if (Status s = OpenStoreOffline(config, args.store, "", &store); !s.ok()) return Fail(err, s);

  const bool tty = args.progress || (isatty(STDERR_FILENO) == 1 && &err == &std::cerr);
  std::uint64_t items = 0, stored = 0, present = 0, failed = 0, bytes = 0, with_stored = 0;
  std::vector<std::string> errors;  // the first few failures, by line or index
  auto count = [&]() -> std::uint64_t {
    StoreStats st;
    return store->GetStats(&st).ok() ? st.statements : 0;
  };
  auto note_failure = [&](const std::string& label, const Status& s) {
    ++failed;
    if (errors.size() < 20) errors.push_back(label + ": " + s.message());
  };
  auto last_progress = std::chrono::steady_clock::now();
  auto progress = [&](bool final) {
    if (!tty) return;
    auto now = std::chrono::steady_clock::now();
    if (!final && now - last_progress < std::chrono::milliseconds(200)) return;
    last_progress = now;
    const int width = 30;
    const double frac = total_bytes > 0 ? std::min(1.0, double(bytes) / double(total_bytes)) : 1.0;
    const int filled = static_cast<int>(frac * width);
    err << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] "
        << static_cast<int>(frac * 100) << "%  " << items << " read, " << stored << " stored, "
        << present << " present, " << failed << " failed" << (final ? "\n" : "") << std::flush;
  };

  // One batch: all at once; when it fails, each statement alone, so one bad
  // item neither blocks the others nor hides which it is.
  std::vector<std::pair<std::string, std::string>> batch;  // label, statement
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    std::string body = "[";
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i) body += ',';
      body += batch[i].second;
    }
    body += ']';
    const std::uint64_t before = count();
    std::vector<std::string> ids;
    Status s = store->PutStatements(StatementWrite(), body, &ids);
    if (s.ok()) {
      const std::uint64_t added = count() - before;
      stored += added;
      present += batch.size() - added;
    } else if (s.IsInvalidArgument() || s.IsConflict() ||
               s.code() == Status::Code::kTooLarge) {
      for (const auto& [label, json] : batch) {
        const std::uint64_t b = count();
        Status one = store->PutStatements(StatementWrite(), json, &ids);
        if (one.ok()) {
          (count() > b ? stored : present) += 1;
        } else if (one.IsInvalidArgument() || one.IsConflict() ||
                   one.code() == Status::Code::kTooLarge) {
          note_failure(label, one);
        } else {
          return one;
        }
      }
    } else {
      return s;  // the store failed (disk full...): stop, report
    }
    batch.clear();
    progress(false);
    return Status::OK();
  };

  // NDJSON or JSON documents (import_reader.h): one statement at a time.
  ImportFileInfo info;
  Status s = ReadImportFile(
      args.file,
      [&](ImportItem& item) -> Status {
        bytes = item.bytes_read;
        ++items;
        if (!item.error.ok()) {
          note_failure(item.label, item.error);
          return Status::OK();
        }
        if (item.has_stored) ++with_stored;
        batch.emplace_back(std::move(item.label), std::move(item.json));
        return batch.size() >= args.batch ? flush() : Status::OK();
      },
      &info);
  // What was read before a syntax error is stored all the same.
  if (Status f = s.IsInvalidArgument() || s.ok() ? flush() : Status::OK(); !f.ok()) s = f;
  progress(true);
  for (const auto& e : errors) err << "lrs: " << e << "\n";
  if (failed > errors.size()) err << "lrs: ... and " << failed - errors.size() << " more\n";
  const bool ndjson = info.format == ImportFormat::kNdjson;
  out << "imported " << args.file << " into store " << args.store << ": ";
  if (ndjson) {
    out << info.lines << " lines, ";
  } else {
    out << info.documents << (info.documents == 1 ? " document, " : " documents, ") << items
        << " items, ";
  }
  out << stored
      << " stored, " << present << " already present, " << failed << " failed\n";
  if (with_stored > 0)
    out << "note: " << with_stored << " statements came with a \"stored\" time; this LRS set its"
        << " own (xAPI Data 2.4.8: stored is set by the LRS that stores them)\n";
  if (!s.ok()) return Fail(err, s.WithPrefix("import stopped: "));
  return failed == 0 ? 0 : 1;
}

int RunErase(const Config& config, const EraseArgs& args, std::ostream& out, std::ostream& err) {
  std::unique_ptr<Store> store;
  if (Status s = OpenStoreOffline(config, args.store, "POST /admin/retention/erase", &store); !s.ok()) return Fail(err, s);
  if (!args.yes) {
    // What would go: the statements a related_agents query finds (those where
    // the agent appears other than as authority are erased).
    StatementQuery q;
    q.agent = args.agent;
    q.related_agents = true;
    q.limit = 1000;
    StatementPage page;
    Status s = store->QueryStatements(q, &page);
    if (!s.ok()) return Fail(err, s.WithPrefix("--agent: "));
    std::uint64_t n = page.statements.size();
    while (s.ok() && !page.more.empty()) {
      s = store->More(page.more, &page);
      n += page.statements.size();
    }
    if (!s.ok()) return Fail(err, s);
    out << "dry run: about " << n << " statements name this agent in store " << args.store
        << " (voided ones not counted), plus its state documents, agent profiles and sync "
           "records; run again with --yes to erase them\n";
    return 0;
  }
  ErasureReport r;
  if (Status s = store->EraseAgent(args.agent, &r); !s.ok()) return Fail(err, s.WithPrefix("--agent: "));
  out << "erased from store " << args.store << ": " << r.statements << " statements, "
      << r.documents << " documents, " << r.sync_records << " sync records; audit record "
      << r.audit_id << "\n";
  return 0;
}

int RunAudit(const Config& config, const std::string& store_name, std::ostream& out,
             std::ostream& err) {
  std::unique_ptr<Store> store;
  if (Status s = OpenStoreOffline(config, store_name, "", &store); !s.ok()) return Fail(err, s);
  std::vector<std::string> records;
  if (Status s = store->ListAudit(&records); !s.ok()) return Fail(err, s);
  for (const auto& r : records) out << r << "\n";
  return 0;
}

}  // namespace lrs::daemon
