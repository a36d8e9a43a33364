/* Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
 *
 * lrs_jni.c: the JNI glue between Lrs.kt (class LrsNative) and the C API
 * (include/lrs/lrs.h). Built as liblrs_jni.so, linked with liblrs.
 *
 * - The natives are registered in JNI_OnLoad (RegisterNatives), so the
 *   Kotlin package is named once, in LRS_JNI_PACKAGE below, and classes are
 *   looked up with the app's class loader (on Android, FindClass from a
 *   native thread would see only the system classes).
 * - Strings: a Java String is UTF-16; lrs wants UTF-8. JNI's
 *   GetStringUTFChars / NewStringUTF use "modified UTF-8" (NUL as C0 80,
 *   characters beyond U+FFFF as two 3-byte surrogates), which is not UTF-8:
 *   emoji in a learner's name would be mangled. So both directions convert
 *   between UTF-16 and real UTF-8 here.
 * - Every failure throws com.example.lrs.LrsException(code, lrs_errmsg());
 *   every lrs output is released with lrs_free().
 * - Handles are the C pointers as jlong; 0 is none (lrs answers LRS_MISUSE).
 *
 * The CMake build compiles this file when a JDK's jni.h is found, and
 * tests/examples/jni_test.py runs it from Java.
 */

#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lrs/lrs.h>

/* The package of Lrs.kt, as a JVM internal name prefix. */
#define LRS_JNI_PACKAGE "com/example/lrs/"

/* Classes and methods looked up once, in JNI_OnLoad. */
static JavaVM* g_vm;
static jclass g_exception;        /* LrsException */
static jmethodID g_exception_ctor; /* LrsException(int, String) */
static jmethodID g_sink_write;    /* ExportSink.write(byte[]): boolean */
static jmethodID g_logger_log;    /* SyncLogger.log(int, String) */

/* ---- Conversions ----------------------------------------------------------- */

#define HANDLE(T, h) ((T*)(intptr_t)(h))
#define JHANDLE(p) ((jlong)(intptr_t)(p))

static void throw_oom(JNIEnv* env) {
  jclass c = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
  if (c != NULL) (*env)->ThrowNew(env, c, "lrs_jni: out of memory");
}

/* UTF-8 bytes as a Java String (invalid sequences become U+FFFD). NULL
 * with an exception pending on failure. */
static jstring new_string(JNIEnv* env, const char* s, size_t n) {
  jchar* u = (jchar*)malloc((n + 1) * sizeof(jchar)); /* UTF-16 never needs more units */
  size_t i = 0, k = 0;
  jstring out;
  if (u == NULL) {
    throw_oom(env);
    return NULL;
  }
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    uint32_t cp = 0xFFFD;
    size_t len = 1, j;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F, len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F, len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07, len = 4;
    } else {
      len = 0; /* a stray continuation byte or 0xF8..0xFF */
    }
    if (len > 1) {
      if (i + len > n) {
        len = 0;
      } else {
        for (j = 1; j < len; ++j) {
          unsigned char d = (unsigned char)s[i + j];
          if ((d & 0xC0) != 0x80) break;
          cp = (cp << 6) | (d & 0x3F);
        }
        /* Truncated, overlong, surrogate or beyond U+10FFFF: invalid. */
        if (j < len || (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
            (len == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
          len = 0;
      }
    }
    if (len == 0) {
      cp = 0xFFFD;
      len = 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      u[k++] = (jchar)(0xD800 | (cp >> 10));
      u[k++] = (jchar)(0xDC00 | (cp & 0x3FF));
    } else {
      u[k++] = (jchar)cp;
    }
    i += len;
  }
  out = (*env)->NewString(env, u, (jsize)k);
  free(u);
  return out;
}

/* A Java String as NUL-terminated UTF-8 (unpaired surrogates become
 * U+FFFD), to free() after use. A NULL string gives NULL (lrs: "{}" for a
 * parameter object). Returns 0 with an exception pending on failure. */
static int utf8(JNIEnv* env, jstring s, char** out) {
  jsize n, i;
  const jchar* u;
  char* p;
  size_t k = 0;
  *out = NULL;
  if (s == NULL) return 1;
  n = (*env)->GetStringLength(env, s);
  p = (char*)malloc((size_t)n * 3 + 1); /* at most 3 bytes per UTF-16 unit */
  if (p == NULL) {
    throw_oom(env);
    return 0;
  }
  u = (*env)->GetStringChars(env, s, NULL);
  if (u == NULL) {
    free(p);
    return 0; /* OutOfMemoryError pending */
  }
  for (i = 0; i < n; ++i) {
    uint32_t cp = u[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (u[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    if (cp < 0x80) {
      p[k++] = (char)cp;
    } else if (cp < 0x800) {
      p[k++] = (char)(0xC0 | (cp >> 6));
      p[k++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      p[k++] = (char)(0xE0 | (cp >> 12));
      p[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
      p[k++] = (char)(0x80 | (cp & 0x3F));
    } else {
      p[k++] = (char)(0xF0 | (cp >> 18));
      p[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
      p[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
      p[k++] = (char)(0x80 | (cp & 0x3F));
    }
  }
  (*env)->ReleaseStringChars(env, s, u);
  p[k] = '\0';
  *out = p;
  return 1;
}

/* Throws LrsException(code, lrs_errmsg()) unless an exception is pending
 * already (an OutOfMemoryError from a conversion, say). */
static void throw_lrs(JNIEnv* env, int code) {
  const char* m;
  jstring msg;
  jobject e;
  if ((*env)->ExceptionCheck(env)) return;
  /* lrs_errmsg() is valid until this thread's next lrs call: convert it now. */
  m = lrs_errmsg();
  msg = new_string(env, m, strlen(m));
  if (msg == NULL) return;
  e = (*env)->NewObject(env, g_exception, g_exception_ctor, (jint)code, msg);
  if (e != NULL) (*env)->Throw(env, (jthrowable)e);
}

/* Takes an lrs output: a Java String of it, released with lrs_free. On a
 * failed call (rc != LRS_OK) throws instead and returns NULL. */
static jstring take(JNIEnv* env, int rc, char* out, size_t len) {
  jstring s = NULL;
  if (rc == LRS_OK) s = new_string(env, out, len);
  lrs_free(out); /* NULL after a failure: ignored */
  if (rc != LRS_OK) throw_lrs(env, rc);
  return s;
}

/* Up to four String arguments as UTF-8, released together. */
typedef struct {
  char* s[4];
} strings;

static int get_strings(JNIEnv* env, strings* a, jstring s0, jstring s1, jstring s2, jstring s3) {
  jstring in[4];
  int i;
  in[0] = s0, in[1] = s1, in[2] = s2, in[3] = s3;
  memset(a, 0, sizeof *a);
  for (i = 0; i < 4; ++i) {
    if (!utf8(env, in[i], &a->s[i])) return 0;
  }
  return 1;
}

static void free_strings(strings* a) {
  int i;
  for (i = 0; i < 4; ++i) free(a->s[i]);
}

/* A byte[] copied to C memory (to free()); NULL array: empty. */
static int get_bytes(JNIEnv* env, jbyteArray b, char** out, size_t* len) {
  jsize n = b == NULL ? 0 : (*env)->GetArrayLength(env, b);
  *out = (char*)malloc((size_t)n + 1);
  *len = (size_t)n;
  if (*out == NULL) {
    throw_oom(env);
    return 0;
  }
  if (n > 0) (*env)->GetByteArrayRegion(env, b, 0, n, (jbyte*)*out);
  return 1;
}

/* ---- Version and codes ---------------------------------------------------------- */

static jstring jni_version(JNIEnv* env, jclass cls) {
  (void)cls;
  return new_string(env, lrs_version(), strlen(lrs_version()));
}

static jstring jni_errstr(JNIEnv* env, jclass cls, jint code) {
  const char* s = lrs_errstr(code);
  (void)cls;
  return new_string(env, s, strlen(s));
}

/* ---- Store ------------------------------------------------------------------ */

static jlong jni_open(JNIEnv* env, jclass cls, jstring dir, jstring options) {
  strings a;
  lrs_store* db = NULL;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, dir, options, NULL, NULL)) {
    free_strings(&a);
    return 0;
  }
  rc = lrs_open(a.s[0], a.s[1], LRS_NTS, &db);
  free_strings(&a);
  if (rc != LRS_OK) throw_lrs(env, rc);
  return JHANDLE(db);
}

static void jni_close(JNIEnv* env, jclass cls, jlong store) {
  (void)env, (void)cls;
  lrs_close(HANDLE(lrs_store, store));
}

static jstring jni_stats(JNIEnv* env, jclass cls, jlong store) {
  char* out = NULL;
  size_t len = 0;
  int rc = lrs_stats(HANDLE(lrs_store, store), &out, &len);
  (void)cls;
  return take(env, rc, out, len);
}

/* The shape of most calls: a store, up to three strings in, text out. */
typedef int (*call1)(lrs_store*, const char*, size_t, char**, size_t*);

static jstring call_store1(JNIEnv* env, jlong store, jstring s0, call1 fn) {
  strings a;
  char* out = NULL;
  size_t len = 0;
  int rc;
  if (!get_strings(env, &a, s0, NULL, NULL, NULL)) {
    free_strings(&a);
    return NULL;
  }
  rc = fn(HANDLE(lrs_store, store), a.s[0], LRS_NTS, &out, &len);
  free_strings(&a);
  return take(env, rc, out, len);
}

static jstring jni_statements_put(JNIEnv* env, jclass cls, jlong store, jstring params,
                                  jstring body) {
  strings a;
  char* out = NULL;
  size_t len = 0;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, params, body, NULL, NULL)) {
    free_strings(&a);
    return NULL;
  }
  rc = lrs_statements_put(HANDLE(lrs_store, store), a.s[0], LRS_NTS, a.s[1], LRS_NTS, &out,
                          &len);
  free_strings(&a);
  return take(env, rc, out, len);
}

static jstring jni_statement_get(JNIEnv* env, jclass cls, jlong store, jstring params) {
  (void)cls;
  return call_store1(env, store, params, lrs_statement_get);
}

static jstring jni_statements_query(JNIEnv* env, jclass cls, jlong store, jstring params) {
  (void)cls;
  return call_store1(env, store, params, lrs_statements_query);
}

static jstring jni_statements_more(JNIEnv* env, jclass cls, jlong store, jstring more) {
  (void)cls;
  return call_store1(env, store, more, lrs_statements_more);
}

static jstring jni_statement_void(JNIEnv* env, jclass cls, jlong store, jstring params,
                                  jstring target, jstring actor) {
  strings a;
  char* out = NULL;
  size_t len = 0;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, params, target, actor, NULL)) {
    free_strings(&a);
    return NULL;
  }
  rc = lrs_statement_void(HANDLE(lrs_store, store), a.s[0], LRS_NTS, a.s[1], LRS_NTS, a.s[2],
                          LRS_NTS, &out, &len);
  free_strings(&a);
  return take(env, rc, out, len);
}

/* ---- Documents ----------------------------------------------------------------- */

typedef int (*write_doc)(lrs_store*, const char*, size_t, const void*, size_t, const char*,
                         char**, size_t*);

static jstring document_write(JNIEnv* env, jlong store, jstring params, jbyteArray content,
                              jstring type, write_doc fn) {
  strings a;
  char* body = NULL;
  size_t body_len = 0;
  char* out = NULL;
  size_t len = 0;
  int rc;
  if (!get_strings(env, &a, params, type, NULL, NULL) ||
      !get_bytes(env, content, &body, &body_len)) {
    free_strings(&a);
    free(body);
    return NULL;
  }
  rc = fn(HANDLE(lrs_store, store), a.s[0], LRS_NTS, body, body_len, a.s[1], &out, &len);
  free_strings(&a);
  free(body);
  return take(env, rc, out, len);
}

static jstring jni_document_put(JNIEnv* env, jclass cls, jlong store, jstring params,
                                jbyteArray content, jstring type) {
  (void)cls;
  return document_write(env, store, params, content, type, lrs_document_put);
}

static jstring jni_document_post(JNIEnv* env, jclass cls, jlong store, jstring params,
                                 jbyteArray content, jstring type) {
  (void)cls;
  return document_write(env, store, params, content, type, lrs_document_post);
}

static jbyteArray jni_document_get(JNIEnv* env, jclass cls, jlong store, jstring params,
                                   jobjectArray meta_out) {
  strings a;
  void* content = NULL;
  size_t len = 0;
  char* meta = NULL;
  jbyteArray bytes = NULL;
  jstring m;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, params, NULL, NULL, NULL)) {
    free_strings(&a);
    return NULL;
  }
  rc = lrs_document_get(HANDLE(lrs_store, store), a.s[0], LRS_NTS, &content, &len,
                        meta_out != NULL ? &meta : NULL);
  free_strings(&a);
  if (rc != LRS_OK) {
    throw_lrs(env, rc);
    return NULL;
  }
  bytes = (*env)->NewByteArray(env, (jsize)len);
  if (bytes != NULL) {
    (*env)->SetByteArrayRegion(env, bytes, 0, (jsize)len, (const jbyte*)content);
    if (meta != NULL && (*env)->GetArrayLength(env, meta_out) > 0) {
      m = new_string(env, meta, strlen(meta));
      if (m != NULL) (*env)->SetObjectArrayElement(env, meta_out, 0, m);
    }
  }
  lrs_free(content);
  lrs_free(meta);
  return bytes;
}

static void jni_document_delete(JNIEnv* env, jclass cls, jlong store, jstring params) {
  strings a;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, params, NULL, NULL, NULL)) {
    free_strings(&a);
    return;
  }
  rc = lrs_document_delete(HANDLE(lrs_store, store), a.s[0], LRS_NTS);
  free_strings(&a);
  if (rc != LRS_OK) throw_lrs(env, rc);
}

static jstring jni_document_list(JNIEnv* env, jclass cls, jlong store, jstring params) {
  (void)cls;
  return call_store1(env, store, params, lrs_document_list);
}

/* ---- Agents, activities, erasure, export ---------------------------------------------- */

static jstring jni_person_get(JNIEnv* env, jclass cls, jlong store, jstring agent) {
  (void)cls;
  return call_store1(env, store, agent, lrs_person_get);
}

static jstring jni_activity_get(JNIEnv* env, jclass cls, jlong store, jstring id) {
  (void)cls;
  return call_store1(env, store, id, lrs_activity_get);
}

static jstring jni_erase_agent(JNIEnv* env, jclass cls, jlong store, jstring agent) {
  (void)cls;
  return call_store1(env, store, agent, lrs_erase_agent);
}

/* lrs_export calls back on the calling thread, so the JNIEnv is valid. */
typedef struct {
  JNIEnv* env;
  jobject sink;
} export_ctx;

static int export_write(void* ctx, const char* data, size_t len) {
  export_ctx* x = (export_ctx*)ctx;
  JNIEnv* env = x->env;
  jboolean go_on;
  jbyteArray chunk = (*env)->NewByteArray(env, (jsize)len);
  if (chunk == NULL) return 1; /* OutOfMemoryError pending: stop */
  (*env)->SetByteArrayRegion(env, chunk, 0, (jsize)len, (const jbyte*)data);
  go_on = (*env)->CallBooleanMethod(env, x->sink, g_sink_write, chunk);
  (*env)->DeleteLocalRef(env, chunk);
  /* A sink that threw stops the export; its exception reaches the caller. */
  return (*env)->ExceptionCheck(env) || !go_on ? 1 : 0;
}

static jstring jni_export(JNIEnv* env, jclass cls, jlong store, jstring params, jobject sink) {
  strings a;
  export_ctx x;
  char* out = NULL;
  size_t len = 0;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, params, NULL, NULL, NULL)) {
    free_strings(&a);
    return NULL;
  }
  x.env = env;
  x.sink = sink;
  /* A NULL sink: lrs answers LRS_MISUSE (write must not be NULL). */
  rc = lrs_export(HANDLE(lrs_store, store), a.s[0], LRS_NTS, sink != NULL ? export_write : NULL,
                  &x, &out, &len);
  free_strings(&a);
  return take(env, rc, out, len);
}

/* ---- Sync ------------------------------------------------------------------------ */

/* What an LrsSync's handle points to: the lrs_sync and its logger, which
 * must live as long as the sync does. */
typedef struct {
  lrs_sync* sync;
  jobject logger; /* global reference, or NULL */
} sync_box;

/* The sync's log callback runs on a worker thread the JVM does not know:
 * attach it for the call, and detach it again if it was not attached. */
static void sync_log(void* ctx, int level, const char* message) {
  sync_box* b = (sync_box*)ctx;
  JNIEnv* env = NULL;
  int attached = 0;
  jstring m;
  if ((*g_vm)->GetEnv(g_vm, (void**)&env, JNI_VERSION_1_6) == JNI_EDETACHED) {
#ifdef __ANDROID__
    if ((*g_vm)->AttachCurrentThread(g_vm, &env, NULL) != JNI_OK) return;
#else
    if ((*g_vm)->AttachCurrentThread(g_vm, (void**)&env, NULL) != JNI_OK) return;
#endif
    attached = 1;
  }
  m = new_string(env, message, strlen(message));
  if (m != NULL) {
    (*env)->CallVoidMethod(env, b->logger, g_logger_log, (jint)level, m);
    (*env)->DeleteLocalRef(env, m);
  }
  /* Nowhere to deliver a logger's exception on this thread. */
  if ((*env)->ExceptionCheck(env)) (*env)->ExceptionClear(env);
  if (attached) (*g_vm)->DetachCurrentThread(g_vm);
}

static jlong jni_sync_open(JNIEnv* env, jclass cls, jlong store, jstring options,
                           jobject logger) {
  strings a;
  sync_box* b;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, options, NULL, NULL, NULL)) {
    free_strings(&a);
    return 0;
  }
  b = (sync_box*)calloc(1, sizeof *b);
  if (b == NULL) {
    free_strings(&a);
    throw_oom(env);
    return 0;
  }
  if (logger != NULL) b->logger = (*env)->NewGlobalRef(env, logger);
  rc = lrs_sync_open(HANDLE(lrs_store, store), a.s[0], LRS_NTS,
                     b->logger != NULL ? sync_log : NULL, b, &b->sync);
  free_strings(&a);
  if (rc != LRS_OK) {
    throw_lrs(env, rc); /* before DeleteGlobalRef: no lrs call in between */
    if (b->logger != NULL) (*env)->DeleteGlobalRef(env, b->logger);
    free(b);
    return 0;
  }
  return JHANDLE(b);
}

static void jni_sync_close(JNIEnv* env, jclass cls, jlong h) {
  sync_box* b = HANDLE(sync_box, h);
  (void)cls;
  if (b == NULL) return;
  lrs_sync_close(b->sync); /* after this no log call comes */
  if (b->logger != NULL) (*env)->DeleteGlobalRef(env, b->logger);
  free(b);
}

static lrs_sync* sync_of(jlong h) {
  sync_box* b = HANDLE(sync_box, h);
  return b != NULL ? b->sync : NULL;
}

static void jni_sync_validate(JNIEnv* env, jclass cls, jstring options) {
  strings a;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, options, NULL, NULL, NULL)) {
    free_strings(&a);
    return;
  }
  rc = lrs_sync_validate(a.s[0], LRS_NTS);
  free_strings(&a);
  if (rc != LRS_OK) throw_lrs(env, rc);
}

static void check(JNIEnv* env, int rc) {
  if (rc != LRS_OK) throw_lrs(env, rc);
}

static void jni_sync_pause(JNIEnv* env, jclass cls, jlong h) {
  (void)cls;
  check(env, lrs_sync_pause(sync_of(h)));
}

static void jni_sync_resume(JNIEnv* env, jclass cls, jlong h) {
  (void)cls;
  check(env, lrs_sync_resume(sync_of(h)));
}

static void jni_sync_now(JNIEnv* env, jclass cls, jlong h) {
  (void)cls;
  check(env, lrs_sync_now(sync_of(h)));
}

static jboolean jni_sync_wait_idle(JNIEnv* env, jclass cls, jlong h, jlong timeout_ms) {
  int rc = lrs_sync_wait_idle(sync_of(h), (int64_t)timeout_ms);
  (void)cls;
  if (rc == LRS_BUSY) return JNI_FALSE; /* not caught up yet: not an error */
  check(env, rc);
  return rc == LRS_OK ? JNI_TRUE : JNI_FALSE;
}

static jstring jni_sync_status(JNIEnv* env, jclass cls, jlong h) {
  char* out = NULL;
  size_t len = 0;
  int rc = lrs_sync_status(sync_of(h), &out, &len);
  (void)cls;
  return take(env, rc, out, len);
}

static jstring jni_sync_dlq_list(JNIEnv* env, jclass cls, jlong h, jstring destination,
                                 jlong after, jint limit) {
  strings a;
  char* out = NULL;
  size_t len = 0;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, destination, NULL, NULL, NULL)) {
    free_strings(&a);
    return NULL;
  }
  rc = lrs_sync_dlq_list(sync_of(h), a.s[0], (uint64_t)after, limit < 0 ? 0 : (size_t)limit,
                         &out, &len);
  free_strings(&a);
  return take(env, rc, out, len);
}

typedef int (*dlq_fn)(lrs_sync*, const char*, uint64_t, size_t*);

static jlong dlq_move(JNIEnv* env, jlong h, jstring destination, jlong seq, dlq_fn fn) {
  strings a;
  size_t count = 0;
  int rc;
  if (!get_strings(env, &a, destination, NULL, NULL, NULL)) {
    free_strings(&a);
    return 0;
  }
  rc = fn(sync_of(h), a.s[0], (uint64_t)seq, &count);
  free_strings(&a);
  check(env, rc);
  return (jlong)count;
}

static jlong jni_sync_dlq_replay(JNIEnv* env, jclass cls, jlong h, jstring destination,
                                 jlong seq) {
  (void)cls;
  return dlq_move(env, h, destination, seq, lrs_sync_dlq_replay);
}

static jlong jni_sync_dlq_drop(JNIEnv* env, jclass cls, jlong h, jstring destination,
                               jlong seq) {
  (void)cls;
  return dlq_move(env, h, destination, seq, lrs_sync_dlq_drop);
}

static void jni_sync_enable(JNIEnv* env, jclass cls, jlong h, jstring destination) {
  strings a;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, destination, NULL, NULL, NULL)) {
    free_strings(&a);
    return;
  }
  rc = lrs_sync_enable(sync_of(h), a.s[0]);
  free_strings(&a);
  check(env, rc);
}

/* ---- Local endpoint ----------------------------------------------------------------- */

static jlong jni_server_start(JNIEnv* env, jclass cls, jlong store, jstring options) {
  strings a;
  lrs_server* server = NULL;
  int rc;
  (void)cls;
  if (!get_strings(env, &a, options, NULL, NULL, NULL)) {
    free_strings(&a);
    return 0;
  }
  rc = lrs_server_start(HANDLE(lrs_store, store), a.s[0], LRS_NTS, &server);
  free_strings(&a);
  check(env, rc);
  return JHANDLE(server);
}

static jstring jni_server_info(JNIEnv* env, jclass cls, jlong h) {
  char* out = NULL;
  size_t len = 0;
  int rc = lrs_server_info(HANDLE(lrs_server, h), &out, &len);
  (void)cls;
  return take(env, rc, out, len);
}

static void jni_server_stop(JNIEnv* env, jclass cls, jlong h) {
  (void)env, (void)cls;
  lrs_server_stop(HANDLE(lrs_server, h));
}

/* ---- Registration ------------------------------------------------------------------ */

#define STR "Ljava/lang/String;"

/* JNINativeMethod's fnPtr is a void*: a function pointer converted to an
 * object pointer, which every JNI platform supports (ISO C does not promise
 * it, hence no -pedantic for this file). */
#define NATIVE(name, sig, fn) {(char*)(name), (char*)(sig), (void*)(fn)}

static const JNINativeMethod kMethods[] = {
    NATIVE("version", "()" STR, jni_version),
    NATIVE("errstr", "(I)" STR, jni_errstr),
    NATIVE("open", "(" STR STR ")J", jni_open),
    NATIVE("close", "(J)V", jni_close),
    NATIVE("stats", "(J)" STR, jni_stats),
    NATIVE("statementsPut", "(J" STR STR ")" STR, jni_statements_put),
    NATIVE("statementGet", "(J" STR ")" STR, jni_statement_get),
    NATIVE("statementsQuery", "(J" STR ")" STR, jni_statements_query),
    NATIVE("statementsMore", "(J" STR ")" STR, jni_statements_more),
    NATIVE("statementVoid", "(J" STR STR STR ")" STR, jni_statement_void),
    NATIVE("documentPut", "(J" STR "[B" STR ")" STR, jni_document_put),
    NATIVE("documentPost", "(J" STR "[B" STR ")" STR, jni_document_post),
    NATIVE("documentGet", "(J" STR "[" STR ")[B", jni_document_get),
    NATIVE("documentDelete", "(J" STR ")V", jni_document_delete),
    NATIVE("documentList", "(J" STR ")" STR, jni_document_list),
    NATIVE("personGet", "(J" STR ")" STR, jni_person_get),
    NATIVE("activityGet", "(J" STR ")" STR, jni_activity_get),
    NATIVE("eraseAgent", "(J" STR ")" STR, jni_erase_agent),
    NATIVE("export", "(J" STR "L" LRS_JNI_PACKAGE "ExportSink;)" STR, jni_export),
    NATIVE("syncOpen", "(J" STR "L" LRS_JNI_PACKAGE "SyncLogger;)J", jni_sync_open),
    NATIVE("syncClose", "(J)V", jni_sync_close),
    NATIVE("syncValidate", "(" STR ")V", jni_sync_validate),
    NATIVE("syncPause", "(J)V", jni_sync_pause),
    NATIVE("syncResume", "(J)V", jni_sync_resume),
    NATIVE("syncNow", "(J)V", jni_sync_now),
    NATIVE("syncWaitIdle", "(JJ)Z", jni_sync_wait_idle),
    NATIVE("syncStatus", "(J)" STR, jni_sync_status),
    NATIVE("syncDlqList", "(J" STR "JI)" STR, jni_sync_dlq_list),
    NATIVE("syncDlqReplay", "(J" STR "J)J", jni_sync_dlq_replay),
    NATIVE("syncDlqDrop", "(J" STR "J)J", jni_sync_dlq_drop),
    NATIVE("syncEnable", "(J" STR ")V", jni_sync_enable),
    NATIVE("serverStart", "(J" STR ")J", jni_server_start),
    NATIVE("serverInfo", "(J)" STR, jni_server_info),
    NATIVE("serverStop", "(J)V", jni_server_stop),
};

/* A method of a class of the package; 0 when missing (exception pending). */
static jmethodID method_of(JNIEnv* env, const char* cls, const char* name, const char* sig) {
  jclass c = (*env)->FindClass(env, cls);
  jmethodID m;
  if (c == NULL) return NULL;
  m = (*env)->GetMethodID(env, c, name, sig);
  (*env)->DeleteLocalRef(env, c);
  return m;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* reserved) {
  JNIEnv* env;
  jclass natives, exception;
  (void)reserved;
  g_vm = vm;
  if ((*vm)->GetEnv(vm, (void**)&env, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;

  exception = (*env)->FindClass(env, LRS_JNI_PACKAGE "LrsException");
  if (exception == NULL) return JNI_ERR;
  g_exception = (jclass)(*env)->NewGlobalRef(env, exception);
  (*env)->DeleteLocalRef(env, exception);
  g_exception_ctor = (*env)->GetMethodID(env, g_exception, "<init>", "(I" STR ")V");
  g_sink_write = method_of(env, LRS_JNI_PACKAGE "ExportSink", "write", "([B)Z");
  g_logger_log = method_of(env, LRS_JNI_PACKAGE "SyncLogger", "log", "(I" STR ")V");
  if (g_exception == NULL || g_exception_ctor == NULL || g_sink_write == NULL ||
      g_logger_log == NULL)
    return JNI_ERR;

  natives = (*env)->FindClass(env, LRS_JNI_PACKAGE "LrsNative");
  if (natives == NULL) return JNI_ERR;
  if ((*env)->RegisterNatives(env, natives, kMethods,
                              (jint)(sizeof kMethods / sizeof kMethods[0])) != 0)
    return JNI_ERR;
  (*env)->DeleteLocalRef(env, natives);
  return JNI_VERSION_1_6;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM* vm, void* reserved) {
  JNIEnv* env;
  (void)reserved;
  if ((*vm)->GetEnv(vm, (void**)&env, JNI_VERSION_1_6) == JNI_OK && g_exception != NULL)
    (*env)->DeleteGlobalRef(env, g_exception);
  g_exception = NULL;
}
