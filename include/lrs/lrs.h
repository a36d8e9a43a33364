/* Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
 *
 * lrs.h: the C API of lrs, an embeddable xAPI Learning Record Store.
 *
 * This header is the whole contract for C and for bindings (Swift, Kotlin
 * through JNI, Dart FFI, Python ctypes, React Native). Anything not declared
 * here or elsewhere under include/lrs/ is internal and may change without
 * notice.
 *
 * Conventions
 * - Handles are opaque pointers: lrs_store, lrs_sync, lrs_server. Each has
 *   a constructor (lrs_open, lrs_sync_open, lrs_server_start) and a
 *   destructor (lrs_close, lrs_sync_close, lrs_server_stop); a destructor
 *   given NULL does nothing.
 * - Every fallible call returns an int result code: LRS_OK (0) or one of
 *   the LRS_* codes below. After a failure, lrs_errmsg() gives a message
 *   naming the cause, e.g. "actor.mbox: must be a mailto: IRI".
 * - Text in and out is UTF-8. Inputs are pointer + length; a length of
 *   LRS_NTS means "NUL-terminated". JSON parameters are objects whose member
 *   names are the xAPI HTTP parameter names (statementId, agent, verb,
 *   activity, registration, since, limit, ...), so a binding can forward
 *   what the xAPI specification documents; a NULL parameter object means {}.
 * - Outputs are allocated by lrs, always NUL-terminated (the length excludes
 *   the NUL), and released with lrs_free(): never with free(), so an app
 *   and lrs may use different allocators. On failure outputs are set to
 *   NULL / 0.
 * - No C++ exception crosses this API: a failure inside becomes a code.
 *
 * Thread safety: every function may be called from any thread at any time,
 * concurrently, except that a handle must not be used during or after its
 * destructor, and an lrs_store must outlive the lrs_sync and lrs_server
 * handles made from it. lrs_errmsg() is per thread.
 *
 * Example:
 *
 *   lrs_store* db;
 *   if (lrs_open("lrs-data", NULL, 0, &db) != LRS_OK) {
 *     fprintf(stderr, "open: %s\n", lrs_errmsg());
 *     return 1;
 *   }
 *   char* ids; size_t n;
 *   int rc = lrs_statements_put(db, NULL, 0, statement_json, LRS_NTS, &ids, &n);
 *   ...
 *   lrs_free(ids);
 *   lrs_close(db);
 */

#ifndef LRS_LRS_H_
#define LRS_LRS_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define LRS_API __declspec(dllexport)
#elif defined(__GNUC__)
#define LRS_API __attribute__((visibility("default")))
#else
#define LRS_API
#endif

/* ---- Version ------------------------------------------------------------
 * The header's version; lrs_version_number() gives the library's, so an app
 * can check both are the same at startup. Signatures never change: a new
 * behaviour gets a new function (name_v2). */
#define LRS_VERSION_MAJOR 0
#define LRS_VERSION_MINOR 1
#define LRS_VERSION_PATCH 0
#define LRS_VERSION_STRING "0.1.0"
#define LRS_VERSION_NUMBER (LRS_VERSION_MAJOR * 1000000 + LRS_VERSION_MINOR * 1000 + LRS_VERSION_PATCH)

/* "0.1.0": the library's version. Static storage. */
LRS_API const char* lrs_version(void);
/* MAJOR*1000000 + MINOR*1000 + PATCH of the library. */
LRS_API int lrs_version_number(void);
/* A JSON object describing the build: {"version":"0.1.0","xapi":["1.0.3",
 * "2.0.0"],"sync":true,"http":true}. Static storage. */
LRS_API const char* lrs_build_info(void);

/* ---- Result codes --------------------------------------------------------
 * Stable values: never renumbered. 1..14 are lrs::Status::Code values. */
#define LRS_OK 0
#define LRS_INVALID_ARGUMENT 1     /* bad input; the message names the field and rule */
#define LRS_NOT_FOUND 2
#define LRS_CONFLICT 3             /* e.g. same statement id, different content */
#define LRS_PRECONDITION_FAILED 4  /* ifMatch / ifNoneMatch did not hold */
#define LRS_PRECONDITION_REQUIRED 5 /* ifMatch or ifNoneMatch needed to replace */
#define LRS_TOO_LARGE 6            /* a size limit was exceeded (too deep JSON: INVALID_ARGUMENT) */
#define LRS_NO_SPACE 7             /* disk or map full; nothing was written */
#define LRS_IO_ERROR 8
#define LRS_CORRUPTION 9
#define LRS_NOT_SUPPORTED 10       /* e.g. lrs_server_start in a build without HTTP */
#define LRS_BUSY 11                /* the store is open elsewhere; or a wait timed out */
#define LRS_INTERNAL 12            /* a bug in lrs */
#define LRS_UNAUTHORIZED 13
#define LRS_FORBIDDEN 14
#define LRS_MISUSE 21              /* the API was used wrongly: NULL handle or output */
#define LRS_NO_MEMORY 22
#define LRS_ABORTED 23             /* a callback asked to stop */

/* The message of this thread's last failed call ("" after a success).
 * Valid until this thread's next call of a function that returns a result
 * code (lrs_errstr, lrs_free and the version functions leave it alone). */
LRS_API const char* lrs_errmsg(void);
/* Static text for a code: "InvalidArgument", "NotFound", ... */
LRS_API const char* lrs_errstr(int code);

/* Releases memory returned by lrs. NULL is ignored. */
LRS_API void lrs_free(void* p);

/* Length meaning "the input is NUL-terminated". */
#define LRS_NTS ((size_t)-1)

/* ---- Store --------------------------------------------------------------- */
typedef struct lrs_store lrs_store;

/* Opens (creating it when missing) the store in directory `dir`.
 * options: JSON object, all members optional:
 *   "create_if_missing": true     create the directory and an empty store
 *   "initial_map_size": 67108864  bytes mapped at first (grows by itself)
 *   "max_map_size": 0             upper bound in bytes (0: no bound)
 *   "sync": true                  fsync every commit (false: faster, may
 *                                 lose the last commits in an OS crash)
 *   "index_buffer_statements": 65536  index write buffer (100-200 bytes each)
 *   "aggregates": true            keep the reporting aggregates (lrs_report)
 *   "max_readers": 512            concurrent read transactions
 *   "max_group_writers": 256      writers folded into one commit
 * LRS_BUSY when another process (or handle) has the directory open. */
LRS_API int lrs_open(const char* dir, const char* options, size_t options_len,
                     lrs_store** out);
/* Waits for in-flight writes and closes. REQUIRES: its lrs_sync and
 * lrs_server handles are closed. */
LRS_API void lrs_close(lrs_store* store);

/* Counters: {"statements":N,"last_sequence":N,"map_size":N,"map_used":N,
 * "commits":N,"grouped_writes":N}. */
LRS_API int lrs_stats(lrs_store* store, char** out, size_t* out_len);

/* ---- Statements (xAPI Communication 2.1) ---------------------------------
 * Common parameters:
 *   "version": "2.0.0" | "1.0.3"  the X-Experience-API-Version whose rules
 *                                 apply (default "2.0.0")
 *   "authority": {Agent}          set as every written statement's
 *                                 authority (default: kept as sent) */

/* Validates and stores one statement object or an array of them, all or
 * nothing, durably before returning. With "statementId" in params, `body`
 * must be one statement whose id is absent or equal (PUT semantics: OK when
 * an equal statement is already stored).
 * out: JSON array of the stored statements' ids, in request order. */
LRS_API int lrs_statements_put(lrs_store* store, const char* params, size_t params_len,
                               const char* body, size_t body_len, char** out,
                               size_t* out_len);

/* One statement: params {"statementId": ID} or {"voidedStatementId": ID},
 * optional "format" ("exact" | "ids" | "canonical"), "languages"
 * (["fr-CA","en"]), "version". out: the statement. LRS_NOT_FOUND when
 * absent (or voided, for statementId). */
LRS_API int lrs_statement_get(lrs_store* store, const char* params, size_t params_len,
                              char** out, size_t* out_len);

/* A statement query. params: "agent" ({Agent}), "verb", "activity",
 * "registration", "related_activities", "related_agents", "since", "until",
 * "limit", "format", "ascending", "languages", "version".
 * out: {"statements":[...],"more":"TOKEN or empty","consistentThrough":ISO}.
 * Voided statements are never returned. */
LRS_API int lrs_statements_query(lrs_store* store, const char* params, size_t params_len,
                                 char** out, size_t* out_len);
/* The next page of a query, from the previous page's "more". */
LRS_API int lrs_statements_more(lrs_store* store, const char* more, size_t more_len,
                                char** out, size_t* out_len);

/* Voids statement `target_id` with a voiding statement whose actor is
 * `actor` ({Agent}). params: "version", "authority".
 * out: the voiding statement's id (plain text, not JSON). */
LRS_API int lrs_statement_void(lrs_store* store, const char* params, size_t params_len,
                               const char* target_id, size_t target_id_len, const char* actor,
                               size_t actor_len, char** out, size_t* out_len);

/* ---- Documents (xAPI Communication 2.3, 2.6, 2.7) ------------------------
 * params select the document:
 *   "resource": "state" | "activity_profile" | "agent_profile"
 *   "activityId", "agent" ({Agent}), "registration"   as the resource needs
 *   "stateId" (state) or "profileId" (profiles)
 *   "ifMatch", "ifNoneMatch": ETags or "*" (concurrency, Communication 3.1)
 * Document contents are bytes (pointer + length; may hold NULs). */

/* Stores (replaces) a document. content_type NULL or "":
 * "application/octet-stream". out (optional, may be NULL):
 * {"etag":"\"...\""}. */
LRS_API int lrs_document_put(lrs_store* store, const char* params, size_t params_len,
                             const void* content, size_t content_len, const char* content_type,
                             char** out, size_t* out_len);
/* Merges a JSON object into the stored JSON object (or stores it).
 * content_type NULL: "application/json". out: as lrs_document_put. */
LRS_API int lrs_document_post(lrs_store* store, const char* params, size_t params_len,
                              const void* content, size_t content_len,
                              const char* content_type, char** out, size_t* out_len);
/* content: the document's bytes (NUL-terminated for convenience).
 * meta (optional, may be NULL): {"contentType":..,"etag":..,"updated":ISO}. */
LRS_API int lrs_document_get(lrs_store* store, const char* params, size_t params_len,
                             void** content, size_t* content_len, char** meta);
/* Deletes one document, or (state without "stateId") all of an activity,
 * agent and registration. */
LRS_API int lrs_document_delete(lrs_store* store, const char* params, size_t params_len);
/* The ids of the documents selected by params without stateId/profileId,
 * optionally "since" (ISO 8601). out: JSON array of ids. */
LRS_API int lrs_document_list(lrs_store* store, const char* params, size_t params_len,
                              char** out, size_t* out_len);

/* ---- Agents and activities (Communication 2.4, 2.5) ---------------------- */
/* out: the Person object combining what is known of `agent` ({Agent}). */
LRS_API int lrs_person_get(lrs_store* store, const char* agent, size_t agent_len, char** out,
                           size_t* out_len);
/* out: the canonical Activity object. LRS_NOT_FOUND when never seen. */
LRS_API int lrs_activity_get(lrs_store* store, const char* activity_id, size_t activity_id_len,
                             char** out, size_t* out_len);

/* ---- Erasure, retention and export --------------------------------------- */

/* Erases everything the store holds about `agent` ({Agent} or identified
 * {Group}): statements where it is actor, object, member, instructor, team
 * or context agent, its state documents and agent profiles, its Person
 * record, and the sync module's pending records and remote ids for it. One
 * durable transaction; leaves an audit record without personal data.
 * out (optional, may be NULL):
 * {"statements":N,"documents":N,"sync_records":N,"audit_id":UUID}. */
LRS_API int lrs_erase_agent(lrs_store* store, const char* agent, size_t agent_len, char** out,
                            size_t* out_len);

/* Retention: deletes every statement stored before a time, voided or not,
 * as lrs_erase_agent deletes statements (indexes, attachment payloads only
 * they use, their sync records). A kept statement referring to a purged one
 * is kept (it no longer resolves); one voided by a purged one stays voided.
 * Documents, agents and sync cursors are not touched. Works in commits of
 * 10,000 statements, oldest first, each atomic: after a crash the store is
 * consistent and calling again finishes the purge. Statements stored while
 * it runs are never purged. Leaves one audit record per run.
 * params: "before": an ISO 8601 date ("2024-01-31", meaning 00:00:00Z) or
 *           timestamp with a time zone; required; exclusive (a statement
 *           stored exactly then stays),
 *         "dry_run": true (the default: only count, nothing is written) |
 *           false (delete).
 * out (optional, may be NULL): {"dry_run":bool,"before":ISO,
 * "statements":N,"bytes":N (their records on disk),"oldest":ISO|null,
 * "newest":ISO|null (their stored times),"attachments":N,"sync_records":N,
 * "batches":N,"audit_id":UUID|null}; the last four are 0 / null in a dry
 * run. */
LRS_API int lrs_purge(lrs_store* store, const char* params, size_t params_len, char** out,
                      size_t* out_len);

/* A report from the aggregates the store keeps at write time
 * (docs/reporting.md): name is "statements", "activity", "activities",
 * "progress" or "objectives"; params are that report's parameters as a JSON
 * object, e.g. {"activity":"https://example.com/course/1","since":
 * "2026-11-01"} ("group"/"agent" as objects or JSON strings; numbers as
 * numbers or strings). out: the report's JSON. LRS_INVALID_ARGUMENT names a
 * bad parameter; LRS_NOT_FOUND for an unknown report; LRS_NOT_SUPPORTED when
 * the store was opened with aggregates off. */
LRS_API int lrs_report(lrs_store* store, const char* name, const char* params,
                       size_t params_len, char** out, size_t* out_len);

/* Receives export output: `len` bytes at `data`, valid during the call.
 * Called on the thread that called lrs_export, before it returns. Returns 0
 * to go on, anything else to stop (the export then returns LRS_ABORTED). */
typedef int (*lrs_write_fn)(void* ctx, const char* data, size_t len);

/* Streams stored statements in stored order, voided ones included, in
 * constant memory: as NDJSON (one statement per line, exact format) or as
 * CSV (RFC 4180, CRLF lines, a header row, one column per field path).
 * params: "after": position (0: from the start; resume with a previous
 *         result's "last"), "limit": at most this many (0: all),
 *         "format": "ndjson" (default) | "csv",
 *         "fields": CSV columns as paths, e.g. ["id", "actor.mbox",
 *           "result.score.scaled", "context.contextActivities.parent.0.id",
 *           "result.extensions[\"http://example.com/x\"]"] (default: id,
 *           stored, timestamp, actor, verb, object, score, success,
 *           completion, duration, registration, parent, grouping, version),
 *         "header": true (CSV header row).
 * out (optional): {"exported":N,"last":position}. */
LRS_API int lrs_export(lrs_store* store, const char* params, size_t params_len,
                       lrs_write_fn write, void* ctx, char** out, size_t* out_len);

/* ---- Sync (forwarding to destinations; docs/sync.md) ---------------------- */
typedef struct lrs_sync lrs_sync;

#define LRS_LOG_INFO 0
#define LRS_LOG_WARNING 1
#define LRS_LOG_ERROR 2
/* Receives sync log lines (never containing secrets), on a worker thread. */
typedef void (*lrs_log_fn)(void* ctx, int level, const char* message);

/* Configures and starts forwarding the store's statements.
 * options: {"destinations":[...] (docs/sync.md), "start_paused":false,
 *           "tick_ms":1000, "read_batch":2000}.
 * log may be NULL; it may call lrs functions (status, pause...) but not
 * lrs_sync_close. One lrs_sync per store: a second one gets LRS_BUSY.
 * LRS_NOT_SUPPORTED in a build without the sync module. */
LRS_API int lrs_sync_open(lrs_store* store, const char* options, size_t options_len,
                          lrs_log_fn log, void* log_ctx, lrs_sync** out);
/* Stops the workers (waits for an in-flight delivery). Durable state stays. */
LRS_API void lrs_sync_close(lrs_sync* sync);
/* Checks a destinations array (or an options object) without opening. */
LRS_API int lrs_sync_validate(const char* options, size_t options_len);
/* Offline: nothing is sent until lrs_sync_resume. */
LRS_API int lrs_sync_pause(lrs_sync* sync);
LRS_API int lrs_sync_resume(lrs_sync* sync);
/* Sends now: due retries and breaker probes happen at once. */
LRS_API int lrs_sync_now(lrs_sync* sync);
/* Waits until every destination has handled the newest statement.
 * LRS_OK when caught up, LRS_BUSY when timeout_ms passed first. */
LRS_API int lrs_sync_wait_idle(lrs_sync* sync, int64_t timeout_ms);
/* out: JSON array, one object per destination: name, type, cursor,
 * last_sequence, lag, retrying, dead_lettered, breaker, paused, disabled,
 * last_success (ms), last_error, next_attempt (ms), delivered, retried,
 * dead_lettered_total, filtered. */
LRS_API int lrs_sync_status(lrs_sync* sync, char** out, size_t* out_len);
/* Dead-letter queue of `destination`: entries with seq > after, oldest
 * first, at most limit (0: 100). out: JSON array of {seq, statement_id,
 * learner, attempts, error, at}. */
LRS_API int lrs_sync_dlq_list(lrs_sync* sync, const char* destination, uint64_t after,
                              size_t limit, char** out, size_t* out_len);
/* Moves one entry (seq) or every entry (seq 0) back to delivery / deletes
 * it. count (optional) receives how many. */
LRS_API int lrs_sync_dlq_replay(lrs_sync* sync, const char* destination, uint64_t seq,
                                size_t* count);
LRS_API int lrs_sync_dlq_drop(lrs_sync* sync, const char* destination, uint64_t seq,
                              size_t* count);
/* Re-enables a destination that asked to stop (a webhook's 410). */
LRS_API int lrs_sync_enable(lrs_sync* sync, const char* destination);

/* ---- Local endpoint -------------------------------------------------------
 * The xAPI HTTP API of the store (the same handlers as `lrs serve`) on a
 * loopback port, for HTML5 xAPI / cmi5 content in a WebView. */
typedef struct lrs_server lrs_server;

/* options: {"listen":"127.0.0.1:0" (port 0: a free one), "key":..,
 *           "secret":.. (both generated when absent), "authority":{Agent}
 *           (default: an account agent named after the key),
 *           "allow_remote":false (listening beyond loopback needs true)}.
 * LRS_NOT_SUPPORTED in a build without the HTTP server. */
LRS_API int lrs_server_start(lrs_store* store, const char* options, size_t options_len,
                             lrs_server** out);
/* out: {"endpoint":"http://127.0.0.1:PORT/xapi/","port":PORT,"key":..,
 * "secret":..,"authorization":"Basic ..."}: what the content is launched
 * with (the cmi5 "endpoint" and an auth token). */
LRS_API int lrs_server_info(lrs_server* server, char** out, size_t* out_len);
/* Finishes in-flight requests (up to 2 s), then stops and frees. */
LRS_API void lrs_server_stop(lrs_server* server);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LRS_LRS_H_ */
