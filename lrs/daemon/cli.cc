// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <exception>
#include <memory>

#include "lrs/auth/registry.h"
#include "lrs/common/time.h"
#include "lrs/daemon/daemon.h"
#include "lrs/daemon/export_cli.h"
#include "lrs/daemon/retention_cli.h"
#include "lrs/daemon/sync_cli.h"

namespace lrs::daemon {
namespace {

std::string TimeOrDash(std::int64_t ms) { return ms == 0 ? "-" : FormatIso8601Millis(ms * 1000); }

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

int Fail(std::ostream& err, const Status& s) {
  err << "lrs: " << s.ToString() << "\n";
  return 1;
}

Status OpenRegistry(const Config& c, std::unique_ptr<auth::Registry>* out) {
  auth::RegistryOptions ro;
  ro.authority_home_page = c.authority_home_page;
  return auth::Registry::Open(c.data_dir, ro, out);
}

struct CommandArgs {
  std::string store{auth::kDefaultStore};
  std::string label;
  std::string scopes = "all";
  std::string key;
  std::string name;
  bool json = false;
};

int CredentialsAdd(const Config& c, const CommandArgs& a, std::ostream& out, std::ostream& err) {
  auth::NewCredential nc;
  nc.store = a.store;
  nc.label = a.label;
  std::string why;
  if (!auth::ParseScopes(a.scopes, &nc.scopes, &why))
    return Fail(err, Status::InvalidArgument("--scopes: " + why));
  std::unique_ptr<auth::Registry> reg;
  Status s = OpenRegistry(c, &reg);
  if (s.ok()) {
    if (!reg->HasStore(a.store))
      s = Status::NotFound("no store named \"" + a.store + "\" (create it: lrs stores add " +
                           a.store + ")");
  }
  auth::CredentialInfo info;
  if (s.ok()) s = reg->AddCredential(nc, &info);
  if (!s.ok()) return Fail(err, s);
  const std::string scopes = auth::ScopesToString(info.scopes);
  if (a.json) {
    out << "{\"key\":" << Quoted(info.key) << ",\"secret\":" << Quoted(info.secret)
        << ",\"store\":" << Quoted(info.store) << ",\"label\":" << Quoted(info.label)
        << ",\"scopes\":" << Quoted(scopes) << "}\n";
  } else {
    out << "key:    " << info.key << "\n"
        << "secret: " << info.secret << "\n"
        << "store:  " << info.store << "\n"
        << "scopes: " << scopes << "\n"
        << "The secret is shown only now; lrs keeps only a salted hash of it.\n";
  }
  return 0;
}

int CredentialsList(const Config& c, const CommandArgs& a, bool store_given, std::ostream& out,
                    std::ostream& err) {
  std::unique_ptr<auth::Registry> reg;
  Status s = OpenRegistry(c, &reg);
  std::vector<auth::CredentialInfo> list;
  if (s.ok()) s = reg->ListCredentials(store_given ? a.store : "", &list);
  if (!s.ok()) return Fail(err, s);
  if (a.json) {
    out << "[";
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& k = list[i];
      out << (i ? "," : "") << "{\"key\":" << Quoted(k.key) << ",\"store\":" << Quoted(k.store)
          << ",\"label\":" << Quoted(k.label)
          << ",\"scopes\":" << Quoted(auth::ScopesToString(k.scopes))
          << ",\"created\":" << Quoted(TimeOrDash(k.created_ms))
          << ",\"revoked\":" << (k.revoked_ms ? Quoted(TimeOrDash(k.revoked_ms)) : "null") << "}";
    }
    out << "]\n";
    return 0;
  }
  out << "KEY                  STORE        CREATED                   REVOKED                   "
         "SCOPES  LABEL\n";
  for (const auto& k : list) {
    std::string key = k.key, store = k.store;
    key.resize(std::max<std::size_t>(key.size(), 20), ' ');
    store.resize(std::max<std::size_t>(store.size(), 12), ' ');
    std::string created = TimeOrDash(k.created_ms), revoked = TimeOrDash(k.revoked_ms);
    created.resize(std::max<std::size_t>(created.size(), 25), ' ');
    revoked.resize(std::max<std::size_t>(revoked.size(), 25), ' ');
    out << key << " " << store << " " << created << " " << revoked << " "
        << auth::ScopesToString(k.scopes) << "  " << k.label << "\n";
  }
  return 0;
}

int StoresList(const Config& c, bool json, std::ostream& out, std::ostream& err) {
  std::unique_ptr<auth::Registry> reg;
  Status s = OpenRegistry(c, &reg);
  std::vector<auth::StoreInfo> list;
  if (s.ok()) s = reg->ListStores(&list);
  if (!s.ok()) return Fail(err, s);
  if (json) out << "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (json) {
      out << (i ? "," : "") << "{\"name\":" << Quoted(list[i].name)
          << ",\"created\":" << Quoted(TimeOrDash(list[i].created_ms)) << "}";
    } else {
      out << list[i].name << "\t" << TimeOrDash(list[i].created_ms) << "\n";
    }
  }
  if (json) out << "]\n";
  return 0;
}

}  // namespace

int Serve(const Config& config, std::ostream& out, std::ostream& err) {
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::unique_ptr<Daemon> d;
  Status s = Daemon::Open(config, &d);
  if (s.ok()) s = d->Start();
  if (!s.ok()) return Fail(err, s);
  const std::string endpoint = d->Endpoint();
  out << "lrs: listening on " << endpoint << "\n";
  if (const auto& dev = d->dev_credential()) {
    out << "lrs: first start: created a credential for store \"" << dev->store
        << "\" (all scopes). The secret is shown only now:\n"
        << "lrs:   key:    " << dev->key << "\n"
        << "lrs:   secret: " << dev->secret << "\n"
        << "lrs:   try:    curl -u '" << dev->key << ":" << dev->secret
        << "' -H 'X-Experience-API-Version: 2.0.0' " << endpoint << "statements\n"
        << "lrs: more credentials: lrs credentials add --data " << config.data_dir << "\n";
  }
  out.flush();
  int signo = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) signo = sig;
  });
  io.run();
  d->logger()->Log(LogLevel::kInfo, "signal received",
                   {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
  d->Stop(config.shutdown_grace);
  d.reset();  // closes the stores
  return 0;
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const EnvLookup& env) {
  try {
    CLI::App app{"lrs: an xAPI Learning Record Store", "lrs"};
    app.require_subcommand(1);
    FlagOverrides flags;
    std::string data, config_file;
    CLI::Option* data_opt =
        app.add_option("--data", data, "Data directory (default ./lrs-data; env LRS_DATA)");
    CLI::Option* config_opt =
        app.add_option("--config", config_file, "TOML config file (env LRS_CONFIG)");

    CLI::App* serve = app.add_subcommand("serve", "Serve the xAPI HTTP API");
    std::string listen, tls_cert, tls_key, log_level, log_format, log_file;
    int io_threads = 0, worker_threads = 0;
    CLI::Option* o_listen =
        serve->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8080)");
    CLI::Option* o_cert = serve->add_option("--tls-cert", tls_cert, "PEM certificate (HTTPS)");
    CLI::Option* o_key = serve->add_option("--tls-key", tls_key, "PEM private key (HTTPS)");
    CLI::Option* o_level =
        serve->add_option("--log-level", log_level, "trace|debug|info|warn|error|off");
    CLI::Option* o_format = serve->add_option("--log-format", log_format, "json|text");
    CLI::Option* o_file = serve->add_option("--log-file", log_file, "log file (default stderr)");
    CLI::Option* o_io = serve->add_option("--io-threads", io_threads, "socket I/O threads");
    CLI::Option* o_workers =
        serve->add_option("--worker-threads", worker_threads, "request threads");
    std::string forward_to;
    CLI::Option* o_forward = serve->add_option(
        "--forward-to", forward_to,
        "Forward every statement to this xAPI endpoint URL (credential: env "
        "LRS_FORWARD_CREDENTIAL=KEY:SECRET; env LRS_FORWARD_TO)");

    CommandArgs a;
    CLI::App* creds = app.add_subcommand("credentials", "Manage credentials");
    creds->require_subcommand(1);
    CLI::App* cadd =
        creds->add_subcommand("add", "Create a credential (prints key and secret once)");
    cadd->add_option("--store", a.store, "Store the credential belongs to (default: default)");
    cadd->add_option("--label", a.label, "Human name, also the authority's name");
    cadd->add_option("--scopes", a.scopes, "xAPI scopes, comma-separated (default: all)");
    cadd->add_flag("--json", a.json, "Print JSON");
    CLI::App* clist = creds->add_subcommand("list", "List credentials (never secrets)");
    CLI::Option* list_store = clist->add_option("--store", a.store, "Only this store's");
    clist->add_flag("--json", a.json, "Print JSON");
    CLI::App* crevoke = creds->add_subcommand("revoke", "Revoke a credential at once");
    crevoke->add_option("KEY", a.key, "Credential key")->required();

    CLI::App* stores = app.add_subcommand("stores", "Manage stores (tenants)");
    stores->require_subcommand(1);
    CLI::App* sadd = stores->add_subcommand("add", "Create a store");
    sadd->add_option("NAME", a.name, "[a-z0-9][a-z0-9_-]{0,62}")->required();
    CLI::App* slist = stores->add_subcommand("list", "List stores");
    slist->add_flag("--json", a.json, "Print JSON");

    // lrs sync ...: every subcommand takes --store and --json.
    SyncCommand sc;
    std::string sync_dest, sync_statement;
    std::uint64_t sync_seq = 0, sync_after = 0, sync_limit = 0;
    bool sync_all = false;
    CLI::App* sync = app.add_subcommand("sync", "Sync operations (status, dead letters, dry runs)");
    sync->require_subcommand(1);
    CLI::App* sstatus = sync->add_subcommand(
        "status", "Per destination: lag, last success, breaker state, retrying, DLQ size");
    CLI::App* sdlq = sync->add_subcommand("dlq", "The dead-letter queue of a destination");
    sdlq->require_subcommand(1);
    CLI::App* sdlist = sdlq->add_subcommand("list", "List dead-lettered records, oldest first");
    CLI::Option* o_after = sdlist->add_option("--after", sync_after, "Entries after this SEQ");
    CLI::Option* o_limit = sdlist->add_option("--limit", sync_limit, "At most N (default 100)");
    CLI::App* sdreplay =
        sdlq->add_subcommand("replay", "Send dead-lettered records again (--seq N or --all)");
    CLI::App* sddrop = sdlq->add_subcommand("drop", "Delete dead-lettered records (--seq N or --all)");
    CLI::App* sdry = sync->add_subcommand(
        "dry-run", "Print the exact requests a destination would be sent for a statement");
    sdry->add_option("--statement", sync_statement, "Statement id")->required();
    CLI::App* senable =
        sync->add_subcommand("enable", "Re-enable a destination that asked to stop (410)");
    CLI::App* spause = sync->add_subcommand("pause", "Stop sending (running daemon)");
    CLI::App* sresume = sync->add_subcommand("resume", "Resume sending (running daemon)");
    CLI::App* snow = sync->add_subcommand("now", "Send now: due retries, breaker probes");
    for (CLI::App* sub : {sdlist, sdreplay, sddrop, sdry, senable})
      sub->add_option("--destination", sync_dest, "Destination name")->required();
    CLI::Option* o_seq = nullptr;
    for (CLI::App* sub : {sdreplay, sddrop}) {
      CLI::Option* seq = sub->add_option("--seq", sync_seq, "One entry (its SEQ)");
      CLI::Option* all = sub->add_flag("--all", sync_all, "Every entry");
      seq->excludes(all);
      all->excludes(seq);
      if (sub == sdreplay) o_seq = seq;
    }
    CLI::Option* o_seq_drop = sddrop->get_option("--seq");
    for (CLI::App* sub : {sstatus, sdlist, sdreplay, sddrop, sdry, senable, spause, sresume, snow}) {
      sub->add_option("--store", sc.store, "Store (default: default)");
      sub->add_flag("--json", sc.json, "Print the JSON answer");
    }

    // lrs export / lrs import (export_cli.h).
    ExportArgs ex;
    CLI::App* exp = app.add_subcommand(
        "export", "Write a store's statements (stored order) as NDJSON or CSV");
    exp->add_option("--store", ex.store, "Store (default: default)");
    exp->add_option("--format", ex.format, "ndjson (default) or csv")
        ->check(CLI::IsMember({"ndjson", "csv"}));
    exp->add_option("--fields", ex.fields,
                    "CSV columns, comma-separated paths: id,actor.mbox,result.score.scaled,"
                    "context.contextActivities.parent.0.id,result.extensions[\"IRI\"]");
    exp->add_option("--after", ex.after, "Start after this stored position (to resume)");
    exp->add_option("--limit", ex.limit, "At most N statements (default: all)");
    exp->add_option("--output,-o", ex.output, "Write to FILE (default: stdout)");
    ImportArgs im;
    CLI::App* imp = app.add_subcommand(
        "import", "Store statements from a file (idempotent; bad items reported)");
    imp->add_option("file", im.file,
                    "NDJSON (one statement per line), or JSON: StatementResult pages "
                    "{\"statements\":[...]} or arrays of statements, one after another")
        ->required();
    imp->add_option("--store", im.store, "Store (default: default)");
    imp->add_option("--batch", im.batch, "Statements per commit (default 500)");
    imp->add_flag("--progress", im.progress,
                  "Draw the progress bar even when stderr is not a terminal (it is on a terminal)");

    EraseArgs er;
    CLI::App* erase = app.add_subcommand(
        "erase", "Erase everything a store holds about a learner (dry run without --yes)");
    erase->add_option("--agent", er.agent, R"(Agent JSON, e.g. {"mbox":"mailto:ana@example.com"})")
        ->required();
    erase->add_option("--store", er.store, "Store (default: default)");
    erase->add_flag("--yes", er.yes, "Erase (without it: only say what would be erased)");
    PurgeArgs pu;
    CLI::App* purge = AddPurgeCommand(&app, &pu);  // lrs purge (retention_cli.h)
    std::string audit_store = "default";
    CLI::App* audit = app.add_subcommand("audit", "Print a store's audit records (erasures, purges)");
    audit->add_option("--store", audit_store, "Store (default: default)");

    // --data and --config are accepted after any subcommand.
    for (CLI::App* sub : {serve, creds, cadd, clist, crevoke, stores, sadd, slist, sync, sstatus,
                          sdlq, sdlist, sdreplay, sddrop, sdry, senable, spause, sresume, snow,
                          exp, imp, erase, audit})
      sub->fallthrough();

    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses from the back
    try {
      app.parse(reversed);
    } catch (const CLI::ParseError& e) {
      return app.exit(e, out, err) == 0 ? 0 : 2;  // --help: 0; usage errors: 2
    }

    if (data_opt->count()) flags.data_dir = data;
    if (config_opt->count()) flags.config_file = config_file;
    if (o_listen->count()) flags.listen = listen;
    if (o_cert->count()) flags.tls_cert = tls_cert;
    if (o_key->count()) flags.tls_key = tls_key;
    if (o_level->count()) flags.log_level = log_level;
    if (o_format->count()) flags.log_format = log_format;
    if (o_file->count()) flags.log_file = log_file;
    if (o_io->count()) flags.io_threads = io_threads;
    if (o_workers->count()) flags.worker_threads = worker_threads;
    if (o_forward->count()) flags.forward_to = forward_to;

    Config config;
    Status s = ResolveConfig(flags, env, &config);
    if (!s.ok()) return Fail(err, s);

    if (serve->parsed()) return Serve(config, out, err);
    if (exp->parsed()) return RunExport(config, ex, out, err);
    if (imp->parsed()) return RunImport(config, im, out, err);
    if (erase->parsed()) return RunErase(config, er, out, err);
    if (purge->parsed()) return RunPurge(config, pu, out, err);
    if (audit->parsed()) return RunAudit(config, audit_store, out, err);
    if (cadd->parsed()) return CredentialsAdd(config, a, out, err);
    if (clist->parsed()) return CredentialsList(config, a, list_store->count() > 0, out, err);
    if (crevoke->parsed()) {
      std::unique_ptr<auth::Registry> reg;
      s = OpenRegistry(config, &reg);
      if (s.ok()) s = reg->RevokeCredential(a.key);
      if (!s.ok()) return Fail(err, s);
      out << "lrs: revoked credential " << a.key << "\n";
      return 0;
    }
    if (sadd->parsed()) {
      std::unique_ptr<auth::Registry> reg;
      s = OpenRegistry(config, &reg);
      if (s.ok()) s = reg->AddStore(a.name);
      if (!s.ok()) return Fail(err, s);
      out << "lrs: added store " << a.name << "\n";
      return 0;
    }
    if (slist->parsed()) return StoresList(config, a.json, out, err);
    if (sync->parsed()) {
      auto& p = sc.request.params;
      if (sstatus->parsed()) sc.request.op = "status";
      if (sdlist->parsed()) {
        sc.request.op = "dlq";
        if (o_after->count()) p.emplace_back("after", std::to_string(sync_after));
        if (o_limit->count()) p.emplace_back("limit", std::to_string(sync_limit));
      }
      if (sdreplay->parsed() || sddrop->parsed()) {
        sc.request.op = sdreplay->parsed() ? "dlq/replay" : "dlq/drop";
        CLI::Option* seq = sdreplay->parsed() ? o_seq : o_seq_drop;
        if (seq->count()) {
          p.emplace_back("seq", std::to_string(sync_seq));
        } else if (sync_all) {
          p.emplace_back("all", "true");
        } else {
          err << "lrs: give --seq SEQ (one entry) or --all (every entry)\n";
          return 2;
        }
      }
      if (sdry->parsed()) {
        sc.request.op = "dry-run";
        p.emplace_back("statementId", sync_statement);
      }
      if (senable->parsed()) sc.request.op = "enable";
      if (spause->parsed()) sc.request.op = "pause";
      if (sresume->parsed()) sc.request.op = "resume";
      if (snow->parsed()) sc.request.op = "now";
      if (!sync_dest.empty()) p.emplace(p.begin(), "destination", sync_dest);
      return RunSyncCommand(config, sc, out, err);
    }
    err << app.help();
    return 2;
  } catch (const std::exception& e) {
    err << "lrs: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace lrs::daemon
