// Moves the engine's export into a Call Directory: the changes since the version loaded
// last when the system asks for an incremental load and the engine can say what changed,
// everything otherwise. Pages of about 5,000 entries, each in an autorelease pool, so
// memory stays flat however long the list is. No CallKit here: see DirectoryPorts.swift.
//
// The engine decides which numbers are blocked or identified and with which label, and
// which ones its cap leaves out (the least certain; `Settings.callDirectoryCap`): this
// only moves the entries it pages, takes the counts from its export summary, and refuses
// to hand CallKit anything out of order.

import Foundation
import Callguard

/// What a load did; the extension records it once the system confirms the load.
struct DirectoryLoadResult: Codable, Equatable {
    /// The export version the directory holds after the load.
    var version: String
    /// Incremental or full.
    var mode: DirectoryLoadMode
    /// Entries in the directory after the load.
    var loaded: Int
    /// Entries the engine's cap left out (0 when everything fits).
    var notLoaded: Int
    /// Entries added and removed by this load.
    var added: Int
    var removed: Int
    /// The engine's cap in force.
    var cap: Int
}

/// Why a load stopped before it completed.
enum DirectoryLoadError: Error, Equatable {
    /// An update was installed (or the settings changed) between two pages, or between
    /// the pages and the summary: they no longer belong to one export.
    case listChangedDuringLoad
    /// The export broke CallKit's strictly ascending order (a bug in the engine):
    /// refused here, before CallKit fails the whole load with `entriesOutOfOrder`.
    case outOfOrder
}

/// The plain-Swift Call Directory loader.
struct DirectoryLoader {
    /// Entries per page: memory grows with it, not with the list.
    static let defaultPageSize: UInt32 = 5_000

    let source: ExportSource
    var pageSize: UInt32 = DirectoryLoader.defaultPageSize

    /// Loads `sink`. `isIncremental` is the context's: the directory still holds the
    /// last completed load, `previous`. The changes are used when the engine can compute
    /// them from `previous`'s version (which covers the cap) and they lead to the count
    /// the engine exports; otherwise the directory is emptied and loaded in full.
    func load(into sink: DirectorySink, isIncremental: Bool, previous: DirectoryRecord?) throws -> DirectoryLoadResult {
        if isIncremental, let previous, let result = try loadChanges(into: sink, previous: previous) {
            return result
        }
        if isIncremental {
            sink.removeAll()
        }
        return try loadAll(into: sink)
    }

    /// Every entry the engine exports, ascending.
    func loadAll(into sink: DirectorySink) throws -> DirectoryLoadResult {
        let summary = source.exportSummary()
        var after: Int64? = nil
        var order = AscendingGuard()
        var loaded = 0
        repeat {
            after = try autoreleasepool { () throws -> Int64? in
                let page = try source.exportPage(after: after, limit: pageSize)
                guard page.version == summary.version else {
                    throw DirectoryLoadError.listChangedDuringLoad
                }
                for entry in page.entries {
                    try order.check(entry.number)
                    sink.add(entry)
                    loaded += 1
                }
                return page.nextAfter
            }
        } while after != nil
        return DirectoryLoadResult(
            version: summary.version,
            mode: .full,
            loaded: loaded,
            notLoaded: Int(clamping: summary.omitted),
            added: loaded,
            removed: 0,
            cap: Int(summary.cap)
        )
    }

    /// The changes since `previous`, or nil when a full reload is needed: the engine
    /// cannot compute them, or the directory they would leave does not hold the number of
    /// entries the engine exports (the record and the directory disagree). The changes
    /// are read twice: once to count them (so that nothing reaches the sink when the
    /// answer is a full reload), then to apply them. Changes are small next to the list.
    func loadChanges(into sink: DirectorySink, previous: DirectoryRecord) throws -> DirectoryLoadResult? {
        let summary = source.exportSummary()
        guard let count = try countChanges(since: previous.load.version, version: summary.version) else {
            return nil
        }
        let total = previous.load.loaded - count.removed + count.added
        guard total >= 0, UInt64(total) == summary.exported else {
            return nil
        }
        var after: Int64? = nil
        var order = AscendingGuard()
        repeat {
            after = try autoreleasepool { () throws -> Int64? in
                let page = try source.exportChanges(since: previous.load.version, after: after, limit: pageSize)
                if page.fullReload || page.version != summary.version {
                    throw DirectoryLoadError.listChangedDuringLoad
                }
                for change in page.changes {
                    switch change.op {
                    case .remove:
                        sink.remove(change.entry)
                    case .add:
                        try order.check(change.entry.number)
                        sink.add(change.entry)
                    }
                }
                return page.nextAfter
            }
        } while after != nil
        return DirectoryLoadResult(
            version: summary.version,
            mode: .incremental,
            loaded: total,
            notLoaded: Int(clamping: summary.omitted),
            added: count.added,
            removed: count.removed,
            cap: Int(summary.cap)
        )
    }

    private struct ChangeCount {
        var added = 0
        var removed = 0
    }

    /// Counts the changes since `since`, all of whose pages must belong to `version`;
    /// nil when the engine answers a full reload.
    private func countChanges(since: String, version: String) throws -> ChangeCount? {
        var after: Int64? = nil
        var count = ChangeCount()
        repeat {
            let page = try source.exportChanges(since: since, after: after, limit: pageSize)
            if page.fullReload {
                return nil
            }
            guard page.version == version else {
                throw DirectoryLoadError.listChangedDuringLoad
            }
            for change in page.changes {
                switch change.op {
                case .add:
                    count.added += 1
                case .remove:
                    count.removed += 1
                }
            }
            after = page.nextAfter
        } while after != nil
        return count
    }
}

/// CallKit's rule for additions: each number greater than the one before.
struct AscendingGuard {
    private(set) var last: Int64? = nil

    /// Accepts `number` if it is greater than the last one accepted.
    mutating func check(_ number: Int64) throws {
        if let last, number <= last {
            throw DirectoryLoadError.outOfOrder
        }
        last = number
    }
}
