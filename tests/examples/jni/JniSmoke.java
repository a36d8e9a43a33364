// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Drives examples/bindings/kotlin/lrs_jni.c from Java, standing in for
// Lrs.kt (no Kotlin toolchain here). LrsNative below declares the natives
// exactly as Lrs.kt's `internal object LrsNative` compiles to (static native
// methods of com.example.lrs.LrsNative), with the same helper types; run by
// tests/examples/jni_test.py, which also checks that the two declare the
// same functions.
//
//   java -Xcheck:jni -Djava.library.path=BUILD -cp CLASSES com.example.lrs.JniSmoke DIR

package com.example.lrs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

class LrsException extends Exception {
  final int code;

  LrsException(int code, String message) {
    super(message);
    this.code = code;
  }
}

interface ExportSink {
  boolean write(byte[] chunk);
}

interface SyncLogger {
  void log(int level, String message);
}

final class LrsNative {
  static {
    System.loadLibrary("lrs_jni");
  }

  static native String version();
  static native String errstr(int code);

  static native long open(String dir, String options) throws LrsException;
  static native void close(long store);
  static native String stats(long store) throws LrsException;

  static native String statementsPut(long store, String params, String body) throws LrsException;
  static native String statementGet(long store, String params) throws LrsException;
  static native String statementsQuery(long store, String params) throws LrsException;
  static native String statementsMore(long store, String more) throws LrsException;
  static native String statementVoid(long store, String params, String targetId, String actor)
      throws LrsException;

  static native String documentPut(long store, String params, byte[] content, String contentType)
      throws LrsException;
  static native String documentPost(long store, String params, byte[] content, String contentType)
      throws LrsException;
  static native byte[] documentGet(long store, String params, String[] metaOut)
      throws LrsException;
  static native void documentDelete(long store, String params) throws LrsException;
  static native String documentList(long store, String params) throws LrsException;

  static native String personGet(long store, String agent) throws LrsException;
  static native String activityGet(long store, String activityId) throws LrsException;
  static native String eraseAgent(long store, String agent) throws LrsException;
  static native String export(long store, String params, ExportSink sink) throws LrsException;

  static native long syncOpen(long store, String options, SyncLogger logger) throws LrsException;
  static native void syncClose(long sync);
  static native void syncValidate(String options) throws LrsException;
  static native void syncPause(long sync) throws LrsException;
  static native void syncResume(long sync) throws LrsException;
  static native void syncNow(long sync) throws LrsException;
  static native boolean syncWaitIdle(long sync, long timeoutMs) throws LrsException;
  static native String syncStatus(long sync) throws LrsException;
  static native String syncDlqList(long sync, String destination, long after, int limit)
      throws LrsException;
  static native long syncDlqReplay(long sync, String destination, long seq) throws LrsException;
  static native long syncDlqDrop(long sync, String destination, long seq) throws LrsException;
  static native void syncEnable(long sync, String destination) throws LrsException;

  static native long serverStart(long store, String options) throws LrsException;
  static native String serverInfo(long server) throws LrsException;
  static native void serverStop(long server);
}

public final class JniSmoke {
  static final String LEARNER_NAME = "Zoë 🚀 \u4e2d";  // 2-, 4- and 3-byte UTF-8
  static final String AGENT =
      "{\"objectType\":\"Agent\",\"name\":\"" + LEARNER_NAME + "\",\"mbox\":\"mailto:zoe@example.com\"}";
  static final String ACTIVITY = "https://example.com/activities/jni";

  static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  interface Call {
    void run() throws LrsException;
  }

  // The LrsException a call throws (null: none).
  static LrsException thrown(Call c) {
    try {
      c.run();
    } catch (LrsException e) {
      return e;
    }
    return null;
  }

  static String statement(String verb) {
    return "{\"actor\":" + AGENT + ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/" + verb
        + "\"},\"object\":{\"id\":\"" + ACTIVITY + "\"}}";
  }

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    check(LrsNative.version().matches("\\d+\\.\\d+\\.\\d+"), "version");
    check(LrsNative.errstr(2).equals("NotFound"), "errstr");

    long db = LrsNative.open(dir, "{\"create_if_missing\":true}");
    check(db != 0, "open");

    // Statements, with non-ASCII text both ways.
    String ids = LrsNative.statementsPut(db, null, "[" + statement("attempted") + ","
        + statement("completed") + "]");
    String first = ids.substring(2, 38);
    String got = LrsNative.statementGet(db, "{\"statementId\":\"" + first + "\"}");
    check(got.contains(LEARNER_NAME), "non-ASCII name round trip: " + got);
    String page = LrsNative.statementsQuery(db, "{\"limit\":1,\"ascending\":true}");
    check(page.contains(first), "query");
    String more = page.replaceAll("(?s).*\"more\":\"([^\"]*)\".*", "$1");
    check(!more.isEmpty(), "more");
    check(LrsNative.statementsMore(db, more).contains("completed"), "statementsMore");
    String voiding = LrsNative.statementVoid(db, null, first, AGENT);
    check(voiding.length() == 36, "void");

    // Failures are LrsException with the code and the message.
    LrsException e = thrown(() -> LrsNative.statementsPut(db, null, "{\"actor\":{}}"));
    check(e != null && e.code == 1 && !e.getMessage().isEmpty(), "invalid statement");
    e = thrown(() -> LrsNative.statementGet(db, "{\"statementId\":\"" + first + "\"}"));
    check(e != null && e.code == 2, "voided statement is NotFound");
    e = thrown(() -> LrsNative.stats(0));
    check(e != null && e.code == 21, "NULL handle is Misuse");

    // Documents are bytes (NULs included).
    String doc = "{\"resource\":\"state\",\"activityId\":\"" + ACTIVITY + "\",\"agent\":" + AGENT
        + ",\"stateId\":\"blob\"}";
    byte[] blob = {0, 1, 2, (byte) 0xff, 0, 'x'};
    check(LrsNative.documentPut(db, doc, blob, "application/octet-stream").contains("etag"),
        "documentPut");
    String[] meta = new String[1];
    byte[] back = LrsNative.documentGet(db, doc, meta);
    check(java.util.Arrays.equals(blob, back), "document bytes");
    check(meta[0] != null && meta[0].contains("application/octet-stream"), "document meta");
    check(LrsNative.documentList(db, "{\"resource\":\"state\",\"activityId\":\"" + ACTIVITY
        + "\",\"agent\":" + AGENT + "}").contains("blob"), "documentList");
    LrsNative.documentDelete(db, doc);
    e = thrown(() -> LrsNative.documentGet(db, doc, null));
    check(e != null && e.code == 2, "deleted document");

    check(LrsNative.personGet(db, AGENT).contains(LEARNER_NAME), "person");
    check(LrsNative.activityGet(db, ACTIVITY).contains(ACTIVITY), "activity");

    // Export through the callback; a sink answering false aborts it.
    ByteArrayOutputStream ndjson = new ByteArrayOutputStream();
    String summary = LrsNative.export(db, null, chunk -> {
      ndjson.write(chunk, 0, chunk.length);
      return true;
    });
    check(summary.contains("\"exported\":3"), "export: " + summary);
    String text = new String(ndjson.toByteArray(), StandardCharsets.UTF_8);
    check(text.split("\n").length == 3 && text.contains(LEARNER_NAME), "NDJSON");
    e = thrown(() -> LrsNative.export(db, null, chunk -> false));
    check(e != null && e.code == 23, "aborted export");
    // A sink that throws: its exception reaches the caller.
    try {
      LrsNative.export(db, null, chunk -> {
        throw new IllegalStateException("sink failed");
      });
      check(false, "a throwing sink must stop the export");
    } catch (IllegalStateException expected) {
      check(expected.getMessage().equals("sink failed"), "sink exception");
    }

    // Sync: paused, to an address nothing listens on; the logger is called
    // from a worker thread once resumed.
    String options = "{\"destinations\":[{\"name\":\"central\",\"type\":\"xapi\","
        + "\"url\":\"http://127.0.0.1:9/xapi/\",\"key\":\"k\",\"secret\":\"s\"}],"
        + "\"start_paused\":true}";
    LrsNative.syncValidate(options);
    e = thrown(() -> LrsNative.syncValidate("{\"destinations\":[{\"name\":\"x\"}]}"));
    check(e != null && e.code == 1, "syncValidate");
    List<String> lines = new ArrayList<>();
    long sync = LrsNative.syncOpen(db, options, (level, message) -> {
      synchronized (lines) {
        lines.add(level + " " + message);
      }
    });
    check(LrsNative.syncStatus(sync).contains("\"lag\":3"), "sync lag");
    check(!LrsNative.syncWaitIdle(sync, 50), "not idle while paused");
    LrsNative.syncResume(sync);
    LrsNative.syncNow(sync);
    check(!LrsNative.syncWaitIdle(sync, 1500), "not idle: the destination is down");
    check(LrsNative.syncDlqList(sync, "central", 0, 10).equals("[]"), "dlq empty");
    check(LrsNative.syncDlqReplay(sync, "central", 0) == 0, "dlq replay");
    check(LrsNative.syncDlqDrop(sync, "central", 0) == 0, "dlq drop");
    LrsNative.syncPause(sync);
    LrsNative.syncClose(sync);
    synchronized (lines) {
      check(!lines.isEmpty(), "the sync logged (from a worker thread)");
    }

    // The local endpoint (in a build with HTTP).
    try {
      long server = LrsNative.serverStart(db, "{\"listen\":\"127.0.0.1:0\"}");
      check(LrsNative.serverInfo(server).contains("/xapi/"), "server info");
      LrsNative.serverStop(server);
    } catch (LrsException notSupported) {
      check(notSupported.code == 10, "serverStart: " + notSupported.getMessage());
    }

    check(LrsNative.eraseAgent(db, AGENT).contains("\"statements\":3"), "erase");
    LrsNative.close(db);
    System.out.println("jni smoke: ok (lrs " + LrsNative.version() + ")");
  }
}
