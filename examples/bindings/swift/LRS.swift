// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A Swift binding sketch over the C API (include/lrs/lrs.h, imported as the
// module CLRS through module.modulemap), for iOS, macOS or Linux apps.
//
// SKETCH: this file is not compiled in CI (there is no Swift toolchain on
// the build machines). It follows lrs.h's contract; check it with a Swift
// compiler before relying on it.
//
//   let store = try LRSStore(path: documents.appendingPathComponent("lrs").path)
//   let ids = try store.putStatements(statementJSON)           // JSON array of ids
//   let sync = try LRSSync(store: store, options: syncJSON) { level, line in print(line) }
//   try sync.resume()                                           // online again
//
// - Every failing call throws LRSError (the code and lrs_errmsg()).
// - Parameters and answers are JSON text as lrs.h documents them; decode
//   them with JSONSerialization or Codable as the app prefers.
// - Memory returned by lrs is released with lrs_free, never free().
// - Handles close in deinit. An LRSSync or LRSServer keeps its LRSStore
//   alive, so the store always outlives them, as lrs.h requires.
// - lrs handles may be used from any thread, hence @unchecked Sendable.

import CLRS
import Foundation

// MARK: - Errors

/// A failed lrs call: one of the LRS_* result codes and the message naming
/// the cause (e.g. "actor.mbox: must be a mailto: IRI").
public struct LRSError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String

    /// "InvalidArgument", "NotFound", ...
    public var name: String { String(cString: lrs_errstr(code)) }
    public var description: String { "\(name): \(message)" }

    public static let invalidArgument = LRS_INVALID_ARGUMENT
    public static let notFound = LRS_NOT_FOUND
    public static let conflict = LRS_CONFLICT
    public static let preconditionFailed = LRS_PRECONDITION_FAILED
    public static let busy = LRS_BUSY
    public static let notSupported = LRS_NOT_SUPPORTED
    public static let aborted = LRS_ABORTED

    /// Throws when `rc` is not LRS_OK. lrs_errmsg() is valid until this
    /// thread's next lrs call, so it is copied here, before anything else.
    static func check(_ rc: Int32) throws {
        if rc != LRS_OK {
            throw LRSError(code: rc, message: String(cString: lrs_errmsg()))
        }
    }
}

// MARK: - Conversions

/// LRS_NTS is `((size_t)-1)`, a macro Swift does not import; size_t is Int.
private let nts = Int(bitPattern: UInt.max)

/// Runs `body` with each string as a NUL-terminated UTF-8 C string (nil
/// stays NULL: an empty parameter object for lrs). The pointers are valid
/// only during `body`.
private func withCStrings<R>(_ strings: [String?],
                             _ body: ([UnsafePointer<CChar>?]) throws -> R) throws -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    func next(_ i: Int) throws -> R {
        if i == strings.count { return try body(pointers) }
        guard let s = strings[i] else {
            pointers.append(nil)
            return try next(i + 1)
        }
        return try s.withCString { p in
            pointers.append(p)
            return try next(i + 1)
        }
    }
    return try next(0)
}

/// Calls an lrs function with a text output (char** out, size_t* out_len),
/// returns the output as a String and releases it with lrs_free.
private func takeString(
    _ call: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<Int>) -> Int32
) throws -> String {
    var out: UnsafeMutablePointer<CChar>? = nil
    var len = 0
    let rc = call(&out, &len)
    defer { lrs_free(out) }  // after check: lrs_free is an lrs call too
    try LRSError.check(rc)
    guard let out else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: out, count: len), as: UTF8.self)
}

/// The library's version ("0.1.0"), and the header's.
public enum LRSVersion {
    public static var library: String { String(cString: lrs_version()) }
    public static var header: String { LRS_VERSION_STRING }
    /// Whether the library is the release the header describes. (Computed
    /// here: Swift may not import LRS_VERSION_NUMBER, a macro expression.)
    public static var matches: Bool {
        lrs_version_number() == LRS_VERSION_MAJOR * 1_000_000 + LRS_VERSION_MINOR * 1_000 + LRS_VERSION_PATCH
    }
}

// MARK: - Store

/// An open store (lrs_store*).
public final class LRSStore: @unchecked Sendable {
    let handle: OpaquePointer

    /// Opens (creating it when missing) the store in `path`. `options` is
    /// lrs_open's JSON object, e.g. #"{"sync":true}"#.
    public init(path: String, options: String? = nil) throws {
        var h: OpaquePointer? = nil
        try withCStrings([path, options]) { p in
            try LRSError.check(lrs_open(p[0], p[1], nts, &h))
        }
        handle = h!
    }

    deinit {
        lrs_close(handle)  // waits for in-flight writes
    }

    /// {"statements":N,"last_sequence":N,...}
    public func stats() throws -> String {
        try takeString { out, len in lrs_stats(handle, out, len) }
    }

    // MARK: Statements

    /// Stores one statement or an array of them, all or nothing, durably.
    /// Returns the JSON array of their ids.
    public func putStatements(_ json: String, params: String? = nil) throws -> String {
        try withCStrings([params, json]) { p in
            try takeString { out, len in lrs_statements_put(handle, p[0], nts, p[1], nts, out, len) }
        }
    }

    /// One statement: params {"statementId": ID} or {"voidedStatementId": ID}.
    public func statement(params: String) throws -> String {
        try withCStrings([params]) { p in
            try takeString { out, len in lrs_statement_get(handle, p[0], nts, out, len) }
        }
    }

    /// {"statements":[...],"more":"TOKEN or empty","consistentThrough":ISO}
    public func queryStatements(params: String? = nil) throws -> String {
        try withCStrings([params]) { p in
            try takeString { out, len in lrs_statements_query(handle, p[0], nts, out, len) }
        }
    }

    /// The next page, from a page's "more".
    public func moreStatements(_ more: String) throws -> String {
        try withCStrings([more]) { p in
            try takeString { out, len in lrs_statements_more(handle, p[0], nts, out, len) }
        }
    }

    /// Voids `targetId` by `actor` ({Agent}); returns the voiding statement's id.
    public func voidStatement(_ targetId: String, actor: String, params: String? = nil) throws -> String {
        try withCStrings([params, targetId, actor]) { p in
            try takeString { out, len in
                lrs_statement_void(handle, p[0], nts, p[1], nts, p[2], nts, out, len)
            }
        }
    }

    // MARK: Documents

    /// Stores (replaces) a document; returns {"etag":"..."}.
    public func putDocument(params: String, content: Data,
                            contentType: String = "application/json") throws -> String {
        try withCStrings([params, contentType]) { p in
            try content.withUnsafeBytes { raw in
                try takeString { out, len in
                    lrs_document_put(handle, p[0], nts, raw.baseAddress, raw.count, p[1], out, len)
                }
            }
        }
    }

    /// Merges a JSON object into the stored one.
    public func postDocument(params: String, content: Data,
                             contentType: String = "application/json") throws -> String {
        try withCStrings([params, contentType]) { p in
            try content.withUnsafeBytes { raw in
                try takeString { out, len in
                    lrs_document_post(handle, p[0], nts, raw.baseAddress, raw.count, p[1], out, len)
                }
            }
        }
    }

    /// The document and its metadata ({"contentType","etag","updated"}),
    /// or nil when there is none.
    public func document(params: String) throws -> (content: Data, meta: String)? {
        try withCStrings([params]) { p in
            var content: UnsafeMutableRawPointer? = nil
            var len = 0
            var meta: UnsafeMutablePointer<CChar>? = nil
            let rc = lrs_document_get(handle, p[0], nts, &content, &len, &meta)
            defer {
                lrs_free(content)
                lrs_free(meta)
            }
            if rc == LRS_NOT_FOUND { return nil }
            try LRSError.check(rc)
            let data = content.map { Data(bytes: $0, count: len) } ?? Data()
            return (data, meta.map { String(cString: $0) } ?? "{}")
        }
    }

    public func deleteDocument(params: String) throws {
        try withCStrings([params]) { p in
            try LRSError.check(lrs_document_delete(handle, p[0], nts))
        }
    }

    /// The ids of the selected documents, as a JSON array.
    public func listDocuments(params: String) throws -> String {
        try withCStrings([params]) { p in
            try takeString { out, len in lrs_document_list(handle, p[0], nts, out, len) }
        }
    }

    // MARK: Agents, activities, erasure

    public func person(agent: String) throws -> String {
        try withCStrings([agent]) { p in
            try takeString { out, len in lrs_person_get(handle, p[0], nts, out, len) }
        }
    }

    public func activity(id: String) throws -> String {
        try withCStrings([id]) { p in
            try takeString { out, len in lrs_activity_get(handle, p[0], nts, out, len) }
        }
    }

    /// Erases everything about `agent`; returns the counts and the audit id.
    public func eraseAgent(_ agent: String) throws -> String {
        try withCStrings([agent]) { p in
            try takeString { out, len in lrs_erase_agent(handle, p[0], nts, out, len) }
        }
    }

    // MARK: Export

    /// Holds the sink for the C callback, which gets it back from `ctx`.
    private final class ExportSink {
        let write: (Data) -> Bool
        init(_ write: @escaping (Data) -> Bool) { self.write = write }
    }

    /// Streams the statements as NDJSON, chunk by chunk, to `sink`, which
    /// returns false to stop (the call then throws LRS_ABORTED). Returns
    /// {"exported":N,"last":POSITION}; pass "last" as params' "after" to
    /// resume.
    public func export(params: String? = nil, sink: @escaping (Data) -> Bool) throws -> String {
        // lrs_export calls back during the call: the box lives until it returns.
        let box = Unmanaged.passRetained(ExportSink(sink))
        defer { box.release() }
        // A C function pointer: no captures; the sink comes through ctx.
        let write: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int) -> Int32 = {
            ctx, data, len in
            let sink = Unmanaged<ExportSink>.fromOpaque(ctx!).takeUnretainedValue()
            let chunk = data.map { Data(bytes: $0, count: len) } ?? Data()
            return sink.write(chunk) ? 0 : 1
        }
        return try withCStrings([params]) { p in
            try takeString { out, len in
                lrs_export(handle, p[0], nts, write, box.toOpaque(), out, len)
            }
        }
    }
}

// MARK: - Sync

/// Forwarding of a store's statements to its destinations (lrs_sync*).
public final class LRSSync: @unchecked Sendable {
    let handle: OpaquePointer
    private let store: LRSStore  // must outlive this sync
    private let logger: Unmanaged<Logger>?

    /// Receives log lines on a sync worker thread.
    private final class Logger {
        let log: (Int32, String) -> Void
        init(_ log: @escaping (Int32, String) -> Void) { self.log = log }
    }

    /// Checks a destinations array or an options object without opening.
    public static func validate(_ options: String) throws {
        try withCStrings([options]) { p in try LRSError.check(lrs_sync_validate(p[0], nts)) }
    }

    /// options: {"destinations":[...],"start_paused":true,...} (docs/sync.md).
    /// `log` is called on a worker thread (level: LRS_LOG_INFO/WARNING/ERROR).
    public init(store: LRSStore, options: String,
                log: ((Int32, String) -> Void)? = nil) throws {
        self.store = store
        let logger = log.map { Unmanaged.passRetained(Logger($0)) }
        let callback: lrs_log_fn? = logger == nil ? nil : { ctx, level, message in
            let logger = Unmanaged<Logger>.fromOpaque(ctx!).takeUnretainedValue()
            logger.log(level, message.map { String(cString: $0) } ?? "")
        }
        var h: OpaquePointer? = nil
        do {
            try withCStrings([options]) { p in
                try LRSError.check(lrs_sync_open(store.handle, p[0], nts, callback,
                                                 logger?.toOpaque(), &h))
            }
        } catch {
            logger?.release()
            throw error
        }
        self.logger = logger
        handle = h!
    }

    deinit {
        lrs_sync_close(handle)  // no log call after this returns
        logger?.release()
    }

    public func pause() throws { try LRSError.check(lrs_sync_pause(handle)) }
    public func resume() throws { try LRSError.check(lrs_sync_resume(handle)) }
    public func syncNow() throws { try LRSError.check(lrs_sync_now(handle)) }

    /// True when every destination has everything; false when `timeout`
    /// passed first.
    public func waitIdle(timeout: TimeInterval) throws -> Bool {
        let rc = lrs_sync_wait_idle(handle, Int64(timeout * 1000))
        if rc == LRS_BUSY { return false }
        try LRSError.check(rc)
        return true
    }

    /// One object per destination: name, lag, breaker, last_error, ...
    public func status() throws -> String {
        try takeString { out, len in lrs_sync_status(handle, out, len) }
    }

    public func deadLetters(destination: String, after: UInt64 = 0, limit: Int = 0) throws -> String {
        try withCStrings([destination]) { p in
            try takeString { out, len in lrs_sync_dlq_list(handle, p[0], after, limit, out, len) }
        }
    }

    /// Sends dead-lettered records again (seq 0: all); returns how many.
    public func replayDeadLetters(destination: String, seq: UInt64 = 0) throws -> Int {
        var count = 0
        try withCStrings([destination]) { p in
            try LRSError.check(lrs_sync_dlq_replay(handle, p[0], seq, &count))
        }
        return count
    }

    public func dropDeadLetters(destination: String, seq: UInt64 = 0) throws -> Int {
        var count = 0
        try withCStrings([destination]) { p in
            try LRSError.check(lrs_sync_dlq_drop(handle, p[0], seq, &count))
        }
        return count
    }

    public func enable(destination: String) throws {
        try withCStrings([destination]) { p in try LRSError.check(lrs_sync_enable(handle, p[0])) }
    }
}

// MARK: - Local endpoint

/// The store's xAPI HTTP API on a loopback port, for HTML5 xAPI / cmi5
/// content in a WKWebView (lrs_server*).
public final class LRSServer: @unchecked Sendable {
    let handle: OpaquePointer
    private let store: LRSStore  // must outlive this server

    /// options: {"listen":"127.0.0.1:0","key":..,"secret":..}
    public init(store: LRSStore, options: String? = nil) throws {
        self.store = store
        var h: OpaquePointer? = nil
        try withCStrings([options]) { p in
            try LRSError.check(lrs_server_start(store.handle, p[0], nts, &h))
        }
        handle = h!
    }

    deinit {
        lrs_server_stop(handle)  // finishes in-flight requests (up to 2 s)
    }

    /// {"endpoint","port","key","secret","authorization"}: what the content
    /// is launched with.
    public func info() throws -> String {
        try takeString { out, len in lrs_server_info(handle, out, len) }
    }
}
