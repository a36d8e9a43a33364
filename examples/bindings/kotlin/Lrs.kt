// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A Kotlin binding sketch over the C API (include/lrs/lrs.h), for Android
// or the JVM, through the JNI glue in lrs_jni.c (built as liblrs_jni.so).
//
// SKETCH: this file is not compiled in CI (no Kotlin toolchain there). Its
// native declarations are mirrored by the Java smoke test
// tests/examples/jni/LrsNative.java, which tests/examples/jni_test.py
// compiles and runs against liblrs_jni.so when a JDK is installed; keep the
// two in step (names and JVM signatures are what lrs_jni.c registers).
//
// Usage:
//
//   LrsStore.open(context.filesDir.resolve("lrs").path).use { store ->
//       val ids = store.putStatements(statementJson)          // JSON array of ids
//       val page = store.queryStatements("""{"verb":"$VERB","limit":10}""")
//       LrsSync.open(store, """{"destinations":[...],"start_paused":true}""") { level, msg ->
//           Log.i("lrs", msg)
//       }.use { sync -> if (online) sync.resume() }
//   }
//
// Every failure is an LrsException with the C API's code and message.
// Parameters and answers are JSON text, exactly as lrs.h documents them; an
// app parses them with its JSON library of choice (kotlinx.serialization,
// Moshi, org.json).

package com.example.lrs

/** A failed lrs call: [code] is one of the LRS_* result codes of lrs.h. */
class LrsException(val code: Int, message: String) : Exception(message) {
    /** "InvalidArgument", "NotFound", ... */
    val codeName: String get() = LrsNative.errstr(code)

    companion object {
        const val INVALID_ARGUMENT = 1
        const val NOT_FOUND = 2
        const val CONFLICT = 3
        const val PRECONDITION_FAILED = 4
        const val PRECONDITION_REQUIRED = 5
        const val TOO_LARGE = 6
        const val NO_SPACE = 7
        const val IO_ERROR = 8
        const val CORRUPTION = 9
        const val NOT_SUPPORTED = 10
        const val BUSY = 11
        const val INTERNAL = 12
        const val UNAUTHORIZED = 13
        const val FORBIDDEN = 14
        const val MISUSE = 21
        const val NO_MEMORY = 22
        const val ABORTED = 23
    }
}

/** Receives an export's NDJSON, chunk by chunk; false stops the export. */
fun interface ExportSink {
    fun write(chunk: ByteArray): Boolean
}

/** Receives sync log lines (never containing secrets) on a worker thread. */
fun interface SyncLogger {
    fun log(level: Int, message: String)
}

/**
 * The native functions (lrs_jni.c registers them in JNI_OnLoad). Handles are
 * the C pointers as Long; 0 is none. Nullable String parameters map to NULL
 * (an empty parameter object).
 */
internal object LrsNative {
    init {
        System.loadLibrary("lrs_jni")
    }

    @JvmStatic external fun version(): String
    @JvmStatic external fun errstr(code: Int): String

    @JvmStatic external fun open(dir: String, options: String?): Long
    @JvmStatic external fun close(store: Long)
    @JvmStatic external fun stats(store: Long): String

    @JvmStatic external fun statementsPut(store: Long, params: String?, body: String): String
    @JvmStatic external fun statementGet(store: Long, params: String): String
    @JvmStatic external fun statementsQuery(store: Long, params: String?): String
    @JvmStatic external fun statementsMore(store: Long, more: String): String
    @JvmStatic external fun statementVoid(store: Long, params: String?, targetId: String, actor: String): String

    @JvmStatic external fun documentPut(store: Long, params: String, content: ByteArray, contentType: String?): String
    @JvmStatic external fun documentPost(store: Long, params: String, content: ByteArray, contentType: String?): String
    /** metaOut, when given (size >= 1), receives the document's metadata JSON in [0]. */
    @JvmStatic external fun documentGet(store: Long, params: String, metaOut: Array<String?>?): ByteArray
    @JvmStatic external fun documentDelete(store: Long, params: String)
    @JvmStatic external fun documentList(store: Long, params: String): String

    @JvmStatic external fun personGet(store: Long, agent: String): String
    @JvmStatic external fun activityGet(store: Long, activityId: String): String
    @JvmStatic external fun eraseAgent(store: Long, agent: String): String
    @JvmStatic external fun export(store: Long, params: String?, sink: ExportSink): String

    @JvmStatic external fun syncOpen(store: Long, options: String, logger: SyncLogger?): Long
    @JvmStatic external fun syncClose(sync: Long)
    @JvmStatic external fun syncValidate(options: String)
    @JvmStatic external fun syncPause(sync: Long)
    @JvmStatic external fun syncResume(sync: Long)
    @JvmStatic external fun syncNow(sync: Long)
    /** True when caught up, false when the timeout passed first. */
    @JvmStatic external fun syncWaitIdle(sync: Long, timeoutMs: Long): Boolean
    @JvmStatic external fun syncStatus(sync: Long): String
    @JvmStatic external fun syncDlqList(sync: Long, destination: String, after: Long, limit: Int): String
    @JvmStatic external fun syncDlqReplay(sync: Long, destination: String, seq: Long): Long
    @JvmStatic external fun syncDlqDrop(sync: Long, destination: String, seq: Long): Long
    @JvmStatic external fun syncEnable(sync: Long, destination: String)

    @JvmStatic external fun serverStart(store: Long, options: String?): Long
    @JvmStatic external fun serverInfo(server: Long): String
    @JvmStatic external fun serverStop(server: Long)
}

/** The library's version, e.g. "0.1.0". */
val lrsVersion: String get() = LrsNative.version()

/** A document and its metadata ({"contentType","etag","updated"}). */
class LrsDocument(val content: ByteArray, val meta: String)

/**
 * An open store. Thread-safe: use it from any thread; close it once, after
 * the [LrsSync] and [LrsServer] made from it are closed.
 */
class LrsStore private constructor(handle: Long) : AutoCloseable {
    @Volatile private var handle: Long = handle

    companion object {
        /** Opens (creating when missing) the store in [dir]; [options] as lrs_open's. */
        fun open(dir: String, options: String? = null): LrsStore = LrsStore(LrsNative.open(dir, options))
    }

    internal fun raw(): Long = handle.also { check(it != 0L) { "LrsStore is closed" } }

    fun stats(): String = LrsNative.stats(raw())

    /** Stores one statement or an array, durably; returns the JSON array of ids. */
    fun putStatements(body: String, params: String? = null): String =
        LrsNative.statementsPut(raw(), params, body)

    fun getStatement(params: String): String = LrsNative.statementGet(raw(), params)

    /** {"statements":[...],"more":"...","consistentThrough":"..."} */
    fun queryStatements(params: String? = null): String = LrsNative.statementsQuery(raw(), params)

    fun moreStatements(more: String): String = LrsNative.statementsMore(raw(), more)

    /** Voids [targetId]; returns the voiding statement's id. */
    fun voidStatement(targetId: String, actor: String, params: String? = null): String =
        LrsNative.statementVoid(raw(), params, targetId, actor)

    /** Returns {"etag":"..."}. */
    fun putDocument(params: String, content: ByteArray, contentType: String = "application/json"): String =
        LrsNative.documentPut(raw(), params, content, contentType)

    fun postDocument(params: String, content: ByteArray, contentType: String = "application/json"): String =
        LrsNative.documentPost(raw(), params, content, contentType)

    /** The document, or null when there is none. */
    fun getDocument(params: String): LrsDocument? {
        val meta = arrayOfNulls<String>(1)
        return try {
            LrsDocument(LrsNative.documentGet(raw(), params, meta), meta[0] ?: "{}")
        } catch (e: LrsException) {
            if (e.code == LrsException.NOT_FOUND) null else throw e
        }
    }

    fun deleteDocument(params: String) = LrsNative.documentDelete(raw(), params)

    fun listDocuments(params: String): String = LrsNative.documentList(raw(), params)

    fun person(agent: String): String = LrsNative.personGet(raw(), agent)

    fun activity(activityId: String): String = LrsNative.activityGet(raw(), activityId)

    fun eraseAgent(agent: String): String = LrsNative.eraseAgent(raw(), agent)

    /** Streams the statements as NDJSON to [sink]; returns {"exported":N,"last":P}. */
    fun export(params: String? = null, sink: ExportSink): String = LrsNative.export(raw(), params, sink)

    @Synchronized
    override fun close() {
        val h = handle
        handle = 0
        if (h != 0L) LrsNative.close(h)
    }
}

/** Forwarding of a store's statements to its destinations (docs/sync.md). */
class LrsSync private constructor(handle: Long) : AutoCloseable {
    @Volatile private var handle: Long = handle

    companion object {
        fun open(store: LrsStore, options: String, logger: SyncLogger? = null): LrsSync =
            LrsSync(LrsNative.syncOpen(store.raw(), options, logger))

        /** Throws LrsException naming the bad setting. */
        fun validate(options: String) = LrsNative.syncValidate(options)
    }

    private fun raw(): Long = handle.also { check(it != 0L) { "LrsSync is closed" } }

    fun pause() = LrsNative.syncPause(raw())
    fun resume() = LrsNative.syncResume(raw())
    fun syncNow() = LrsNative.syncNow(raw())
    fun waitIdle(timeoutMs: Long): Boolean = LrsNative.syncWaitIdle(raw(), timeoutMs)
    fun status(): String = LrsNative.syncStatus(raw())
    fun dlqList(destination: String, after: Long = 0, limit: Int = 0): String =
        LrsNative.syncDlqList(raw(), destination, after, limit)
    fun dlqReplay(destination: String, seq: Long = 0): Long = LrsNative.syncDlqReplay(raw(), destination, seq)
    fun dlqDrop(destination: String, seq: Long = 0): Long = LrsNative.syncDlqDrop(raw(), destination, seq)
    fun enable(destination: String) = LrsNative.syncEnable(raw(), destination)

    @Synchronized
    override fun close() {
        val h = handle
        handle = 0
        if (h != 0L) LrsNative.syncClose(h)
    }
}

/** The store's xAPI endpoint on a loopback port, for content in a WebView. */
class LrsServer private constructor(handle: Long) : AutoCloseable {
    @Volatile private var handle: Long = handle

    companion object {
        fun start(store: LrsStore, options: String? = null): LrsServer =
            LrsServer(LrsNative.serverStart(store.raw(), options))
    }

    /** {"endpoint","port","key","secret","authorization"}: what the content is launched with. */
    fun info(): String = LrsNative.serverInfo(handle.also { check(it != 0L) { "LrsServer is stopped" } })

    @Synchronized
    override fun close() {
        val h = handle
        handle = 0
        if (h != 0L) LrsNative.serverStop(h)
    }
}
