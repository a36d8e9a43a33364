/* Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
 *
 * C quickstart: the C API (include/lrs/lrs.h) from a C99 program, as a
 * binding or an app written in C would use it.
 *
 *   build/example_c_quickstart [DIR]      (default ./lrs-data)
 *
 * It opens a store, stores a statement and a batch, reads one back, pages
 * through a query, voids a statement, writes / reads / lists / deletes a
 * state document and exports the store as NDJSON to stdout. Every call is
 * checked; a failure prints lrs_errmsg() and the program exits with 1.
 *
 * Rules of the API shown here: inputs are pointer + length (LRS_NTS for
 * NUL-terminated text), JSON parameter objects use the xAPI parameter
 * names, and every output is released with lrs_free(), never free().
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lrs/lrs.h>

#define LEARNER "{\"objectType\":\"Agent\",\"name\":\"Ana\",\"mbox\":\"mailto:ana@example.com\"}"
#define COURSE "https://example.com/courses/onboarding"

/* ---- Small helpers ------------------------------------------------------ */

/* Reports a failed call: what was attempted, the code's name and the
 * message naming the cause. Returns 1 when rc is a failure, else 0. */
static int failed(int rc, const char* what) {
  const char* msg;
  if (rc == LRS_OK) return 0;
  /* lrs_errmsg() is valid until this thread's next lrs call: use it first. */
  msg = lrs_errmsg();
  fprintf(stderr, "%s failed: %s", what, msg);
  fprintf(stderr, " (%s, code %d)\n", lrs_errstr(rc), rc);
  return 1;
}

/* A random (version 4) UUID for the registration of this run: from
 * /dev/urandom where there is one, else from rand(). An app would use its
 * platform's UUID function. */
static void make_uuid(char out[37]) {
  unsigned char b[16];
  size_t got = 0, i;
  FILE* f = fopen("/dev/urandom", "rb");
  if (f != NULL) {
    got = fread(b, 1, sizeof b, f);
    fclose(f);
  }
  if (got != sizeof b) {
    srand((unsigned)time(NULL) ^ (unsigned)clock());
    for (i = 0; i < sizeof b; ++i) b[i] = (unsigned char)(rand() & 0xff);
  }
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
          b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
          b[15]);
}

/* Copies the n-th (0-based) string of a JSON array of plain strings, such
 * as lrs_statements_put's ["id1","id2"], into out. Returns 0 when absent.
 * (Enough for ids and tokens, which never hold escapes; an app with a JSON
 * library would use it instead.) */
static int nth_string(const char* array, int n, char* out, size_t out_size) {
  const char* p = array;
  const char* end;
  int i;
  for (i = 0;; ++i) {
    p = strchr(p, '"');
    if (p == NULL) return 0;
    end = strchr(p + 1, '"');
    if (end == NULL) return 0;
    if (i == n) break;
    p = end + 1;
  }
  if ((size_t)(end - p - 1) >= out_size) return 0;
  memcpy(out, p + 1, (size_t)(end - p - 1));
  out[end - p - 1] = '\0';
  return 1;
}

/* The value of a query page's "more" (a base64url token, "" on the last
 * page). "more" follows the statements array, so its last occurrence is
 * the page's own even if a statement's text contains the word. */
static int more_token(const char* page, char* out, size_t out_size) {
  const char* key = "\"more\":";
  const char* p = NULL;
  const char* q = page;
  while ((q = strstr(q, key)) != NULL) p = q++;
  if (p == NULL) return 0;
  return nth_string(p + strlen(key), 0, out, out_size);
}

/* ---- The steps ---------------------------------------------------------- */

/* Stores one statement, then a batch of two (all or nothing), all in the
 * registration `reg`. ids receives the three ids. */
static int put_statements(lrs_store* db, const char* reg, char ids[3][64]) {
  char body[1024];
  char* out;
  size_t out_len;
  int rc;

  sprintf(body,
          "{\"actor\":" LEARNER ","
          "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/attempted\",\"display\":{\"en-US\":"
          "\"attempted\"}},"
          "\"object\":{\"id\":\"" COURSE "/module-1\"},"
          "\"context\":{\"registration\":\"%s\"}}",
          reg);
  /* The write is durable when lrs_statements_put returns LRS_OK. */
  rc = lrs_statements_put(db, NULL, 0, body, LRS_NTS, &out, &out_len);
  if (failed(rc, "lrs_statements_put (one)")) return 1;
  printf("stored one statement: %s\n", out);
  rc = nth_string(out, 0, ids[0], sizeof ids[0]);
  lrs_free(out);
  if (!rc) {
    fprintf(stderr, "lrs_statements_put: no id in the answer\n");
    return 1;
  }

  sprintf(body,
          "[{\"actor\":" LEARNER ","
          "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/completed\"},"
          "\"object\":{\"id\":\"" COURSE "/module-1\"},"
          "\"result\":{\"completion\":true,\"score\":{\"scaled\":0.82}},"
          "\"context\":{\"registration\":\"%s\"}},"
          "{\"actor\":" LEARNER ","
          "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/attempted\"},"
          "\"object\":{\"id\":\"" COURSE "/module-2\"},"
          "\"context\":{\"registration\":\"%s\"}}]",
          reg, reg);
  rc = lrs_statements_put(db, NULL, 0, body, LRS_NTS, &out, &out_len);
  if (failed(rc, "lrs_statements_put (batch)")) return 1;
  printf("stored a batch of two: %s\n", out);
  rc = nth_string(out, 0, ids[1], sizeof ids[1]) && nth_string(out, 1, ids[2], sizeof ids[2]);
  lrs_free(out);
  if (!rc) {
    fprintf(stderr, "lrs_statements_put: two ids expected in the answer\n");
    return 1;
  }
  return 0;
}

/* Reads one statement back by id. */
static int get_statement(lrs_store* db, const char* id) {
  char params[128];
  char* out;
  size_t out_len;
  sprintf(params, "{\"statementId\":\"%s\"}", id);
  if (failed(lrs_statement_get(db, params, LRS_NTS, &out, &out_len), "lrs_statement_get"))
    return 1;
  printf("statement %s (%lu bytes): %s\n", id, (unsigned long)out_len, out);
  lrs_free(out);
  return 0;
}

/* The registration's statements, oldest first, one per page: the first
 * page from lrs_statements_query, the next ones from lrs_statements_more
 * for as long as a page has a "more" token. */
static int query_pages(lrs_store* db, const char* reg) {
  char params[256];
  char more[4096];
  char* page;
  size_t page_len;
  int n = 0;
  int rc;

  sprintf(params, "{\"registration\":\"%s\",\"ascending\":true,\"limit\":1}", reg);
  rc = lrs_statements_query(db, params, LRS_NTS, &page, &page_len);
  for (;;) {
    if (failed(rc, n == 0 ? "lrs_statements_query" : "lrs_statements_more")) return 1;
    ++n;
    printf("page %d: %s\n", n, page);
    if (!more_token(page, more, sizeof more) || more[0] == '\0') break;
    lrs_free(page);
    rc = lrs_statements_more(db, more, LRS_NTS, &page, &page_len);
  }
  lrs_free(page);
  printf("query: %d pages\n", n);
  return 0;
}

/* Voids a statement: afterwards it is found only as a voided statement. */
static int void_statement(lrs_store* db, const char* id) {
  char params[128];
  char* out;
  size_t out_len;
  int rc = lrs_statement_void(db, NULL, 0, id, LRS_NTS, LEARNER, LRS_NTS, &out, &out_len);
  if (failed(rc, "lrs_statement_void")) return 1;
  printf("voided %s with statement %s\n", id, out);
  lrs_free(out);

  sprintf(params, "{\"statementId\":\"%s\"}", id);
  rc = lrs_statement_get(db, params, LRS_NTS, &out, &out_len);
  if (rc != LRS_NOT_FOUND) {
    if (rc == LRS_OK) lrs_free(out);
    fprintf(stderr, "a voided statement must be NotFound by statementId, got %s\n",
            lrs_errstr(rc));
    return 1;
  }
  sprintf(params, "{\"voidedStatementId\":\"%s\"}", id);
  if (failed(lrs_statement_get(db, params, LRS_NTS, &out, &out_len), "lrs_statement_get (voided)"))
    return 1;
  printf("still readable as voidedStatementId (%lu bytes)\n", (unsigned long)out_len);
  lrs_free(out);
  return 0;
}

/* A state document (a bookmark): put, get, list, delete. */
static int state_document(lrs_store* db, const char* reg) {
  char doc[512];
  char all[512];
  const char* bookmark = "{\"page\":3,\"scroll\":0.4}";
  void* content;
  size_t content_len;
  char* out;
  char* meta;
  size_t out_len;
  int rc;

  /* Selects the activity's state documents for this learner and
   * registration; with "stateId" it selects one of them. */
  sprintf(all,
          "{\"resource\":\"state\",\"activityId\":\"" COURSE "/module-2\","
          "\"agent\":" LEARNER ",\"registration\":\"%s\"}",
          reg);
  sprintf(doc,
          "{\"resource\":\"state\",\"activityId\":\"" COURSE "/module-2\","
          "\"agent\":" LEARNER ",\"registration\":\"%s\",\"stateId\":\"bookmark\"}",
          reg);

  rc = lrs_document_put(db, doc, LRS_NTS, bookmark, strlen(bookmark), "application/json", &out,
                        &out_len);
  if (failed(rc, "lrs_document_put")) return 1;
  printf("state \"bookmark\" stored: %s\n", out);
  lrs_free(out);

  rc = lrs_document_get(db, doc, LRS_NTS, &content, &content_len, &meta);
  if (failed(rc, "lrs_document_get")) return 1;
  /* content is bytes (NUL-terminated for convenience: printable here). */
  printf("state \"bookmark\": %.*s %s\n", (int)content_len, (const char*)content, meta);
  lrs_free(content);
  lrs_free(meta);

  if (failed(lrs_document_list(db, all, LRS_NTS, &out, &out_len), "lrs_document_list")) return 1;
  printf("state ids: %s\n", out);
  lrs_free(out);

  if (failed(lrs_document_delete(db, doc, LRS_NTS), "lrs_document_delete")) return 1;
  rc = lrs_document_get(db, doc, LRS_NTS, &content, &content_len, NULL);
  if (rc != LRS_NOT_FOUND) {
    if (rc == LRS_OK) lrs_free(content);
    fprintf(stderr, "a deleted document must be NotFound, got %s\n", lrs_errstr(rc));
    return 1;
  }
  printf("state \"bookmark\" deleted\n");
  return 0;
}

/* lrs_export's callback: writes each chunk of NDJSON to the FILE* in ctx.
 * A non-zero return stops the export (it then returns LRS_ABORTED). */
static int write_to_file(void* ctx, const char* data, size_t len) {
  return fwrite(data, 1, len, (FILE*)ctx) == len ? 0 : 1;
}

/* Every stored statement (voided ones included), in stored order. */
static int export_ndjson(lrs_store* db) {
  char* out;
  size_t out_len;
  int rc;
  printf("export (NDJSON):\n");
  rc = lrs_export(db, NULL, 0, write_to_file, stdout, &out, &out_len);
  if (failed(rc, "lrs_export")) return 1;
  printf("export done: %s\n", out);
  lrs_free(out);
  return 0;
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "lrs-data";
  lrs_store* db = NULL;
  char reg[37];
  char ids[3][64];
  char* stats;
  size_t stats_len;
  int status = 1;

  /* A header and a library from different releases would disagree here. */
  printf("lrs %s (header %s), build %s\n", lrs_version(), LRS_VERSION_STRING, lrs_build_info());
  if (lrs_version_number() != LRS_VERSION_NUMBER) {
    fprintf(stderr, "liblrs %s does not match lrs.h %s\n", lrs_version(), LRS_VERSION_STRING);
    return 1;
  }

  /* NULL options: the defaults (create when missing, durable commits). */
  if (failed(lrs_open(dir, NULL, 0, &db), "lrs_open")) return 1;
  printf("opened the store in %s\n", dir);

  make_uuid(reg);
  printf("registration %s\n", reg);
  if (put_statements(db, reg, ids) != 0) goto done;
  if (get_statement(db, ids[1]) != 0) goto done;
  if (query_pages(db, reg) != 0) goto done;
  if (void_statement(db, ids[2]) != 0) goto done;
  if (state_document(db, reg) != 0) goto done;
  if (export_ndjson(db) != 0) goto done;

  if (failed(lrs_stats(db, &stats, &stats_len), "lrs_stats")) goto done;
  printf("stats: %s\n", stats);
  lrs_free(stats);
  status = 0;

done:
  lrs_close(db); /* NULL-safe; waits for in-flight writes */
  return status;
}
