// Hand-written: feeds an iOS Call Directory extension from the engine's export.
//
// CallKit wants explicit numbers in strictly ascending order, either all of them (a full
// load) or the additions and removals since the last load (incremental). The engine
// produces both in pages, in constant memory; this only moves them into the context.
// Prefix ranges and the overseas switch cannot be enumerated, so they are not here.

#if canImport(CallKit) && os(iOS)
import CallKit

public enum CallDirectoryLoader {
    /// Loads `context` from `engine` and returns the export version to remember (store
    /// it in the App Group's defaults once `context.completeRequest` succeeds).
    ///
    /// - Parameters:
    ///   - loadedVersion: the version returned by the last successful load, if any. When
    ///     the system asks for an incremental load and the engine can say what changed
    ///     since it, only the changes are added; otherwise everything is reloaded.
    ///   - pageSize: entries per page; memory use grows with it, not with the list.
    public static func load(
        engine: Engine,
        into context: CXCallDirectoryExtensionContext,
        loadedVersion: String?,
        pageSize: UInt32 = 10_000
    ) throws -> String {
        if context.isIncremental, let since = loadedVersion,
           let version = try loadChanges(engine: engine, into: context, since: since, pageSize: pageSize) {
            return version
        }
        if context.isIncremental {
            context.removeAllBlockingEntries()
            context.removeAllIdentificationEntries()
        }
        return try loadAll(engine: engine, into: context, pageSize: pageSize)
    }

    /// The changes since `since`, or nil when the engine says a full reload is needed.
    private static func loadChanges(
        engine: Engine,
        into context: CXCallDirectoryExtensionContext,
        since: String,
        pageSize: UInt32
    ) throws -> String? {
        var after: Int64? = nil
        var version = since
        repeat {
            let page = try engine.exportChanges(since: since, after: after, limit: pageSize)
            if page.fullReload {
                return nil
            }
            for change in page.changes {
                let entry = change.entry
                switch (change.op, entry.kind) {
                case (.remove, .block):
                    context.removeBlockingEntry(withPhoneNumber: entry.number)
                case (.remove, .identify):
                    context.removeIdentificationEntry(withPhoneNumber: entry.number)
                case (.add, .block):
                    context.addBlockingEntry(withNextSequentialPhoneNumber: entry.number)
                case (.add, .identify):
                    context.addIdentificationEntry(withNextSequentialPhoneNumber: entry.number, label: entry.label)
                }
            }
            version = page.version
            after = page.nextAfter
        } while after != nil
        return version
    }

    /// Every entry. If the list changes between two pages (the app installed an update
    /// meanwhile), the numbers would no longer follow one order: that load is given up
    /// with an error and the system asks again later.
    private static func loadAll(
        engine: Engine,
        into context: CXCallDirectoryExtensionContext,
        pageSize: UInt32
    ) throws -> String {
        var after: Int64? = nil
        var version: String? = nil
        repeat {
            let page = try engine.exportPage(after: after, limit: pageSize)
            if let seen = version, seen != page.version {
                throw CallDirectoryLoaderError.listChangedDuringLoad
            }
            version = page.version
            for entry in page.entries {
                switch entry.kind {
                case .block:
                    context.addBlockingEntry(withNextSequentialPhoneNumber: entry.number)
                case .identify:
                    context.addIdentificationEntry(withNextSequentialPhoneNumber: entry.number, label: entry.label)
                }
            }
            after = page.nextAfter
        } while after != nil
        return version ?? engine.exportVersion()
    }
}

public enum CallDirectoryLoaderError: Error {
    /// An update was installed while the extension was loading: try again.
    case listChangedDuringLoad
}
#endif
