// Moves the engine's export into a Call Directory: the changes since the version loaded
// last when the system asks for an incremental load and the engine can say what changed,
// everything otherwise. Pages of about 5,000 entries, each in an autorelease pool, so
// memory stays flat however long the list is. No CallKit here: see DirectoryPorts.swift.
//
// The engine decides which numbers are blocked or identified and with which label; this
// only moves entries, counts them against the cap, and refuses to hand CallKit anything
// out of order.

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
    /// Export entries left out by the cap (0 when everything fits).
    var notLoaded: Int
    /// Entries added and removed by this load.
    var added: Int
    var removed: Int
    /// The cap in force.
    var cap: Int
}

/// Why a load stopped before it completed.
enum DirectoryLoadError: Error, Equatable {
    /// An update was installed between two pages: the pages no longer belong to one list.
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
    /// At most this many entries in the directory.
    let cap: Int
    var pageSize: UInt32 = DirectoryLoader.defaultPageSize

    /// Loads `sink`. `isIncremental` is the context's: the directory still holds the
    /// last completed load, `previous`. The changes are used only when that load was
    /// complete (nothing capped) and the result still fits the cap; otherwise the
    /// directory is emptied and loaded in full, and the cap applies.
    func load(into sink: DirectorySink, isIncremental: Bool, previous: DirectoryRecord?) throws -> DirectoryLoadResult {
        if isIncremental, let previous, previous.load.notLoaded == 0, previous.load.cap == cap,
           let result = try loadChanges(into: sink, previous: previous) {
            return result
        }
        if isIncremental {
            sink.removeAll()
        }
        return try loadAll(into: sink)
    }

    /// Every entry, ascending, up to the cap; the rest are counted.
    func loadAll(into sink: DirectorySink) throws -> DirectoryLoadResult {
        var after: Int64? = nil
        var version: String? = nil
        var order = AscendingGuard()
        var loaded = 0
        var notLoaded = 0
        repeat {
            after = try autoreleasepool { () throws -> Int64? in
                let page = try source.exportPage(after: after, limit: pageSize)
                if let seen = version, seen != page.version {
                    throw DirectoryLoadError.listChangedDuringLoad
                }
                version = page.version
                for entry in page.entries {
                    try order.check(entry.number)
                    if loaded < cap {
                        sink.add(entry)
                        loaded += 1
                    } else {
                        notLoaded += 1
                    }
                }
                return page.nextAfter
            }
        } while after != nil
        return DirectoryLoadResult(
            version: version ?? source.exportVersion(),
            mode: .full,
            loaded: loaded,
            notLoaded: notLoaded,
            added: loaded,
            removed: 0,
            cap: cap
        )
    }

    /// The changes since `previous`, or nil when a full reload is needed: the engine
    /// cannot compute them, or they would take the directory past the cap. The changes are
    /// read twice: once to count them (so that nothing reaches the sink when the answer is
    /// a full reload), then to apply them. Changes are small next to the list.
    func loadChanges(into sink: DirectorySink, previous: DirectoryRecord) throws -> DirectoryLoadResult? {
        guard let count = try countChanges(since: previous.load.version) else {
            return nil
        }
        let total = previous.load.loaded - count.removed + count.added
        guard total <= cap, total >= 0 else {
            return nil
        }
        var after: Int64? = nil
        var order = AscendingGuard()
        repeat {
            after = try autoreleasepool { () throws -> Int64? in
                let page = try source.exportChanges(since: previous.load.version, after: after, limit: pageSize)
                if page.fullReload || page.version != count.version {
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
            version: count.version,
            mode: .incremental,
            loaded: total,
            notLoaded: 0,
            added: count.added,
            removed: count.removed,
            cap: cap
        )
    }

    private struct ChangeCount {
        var version: String
        var added = 0
        var removed = 0
    }

    private func countChanges(since: String) throws -> ChangeCount? {
        var after: Int64? = nil
        var count: ChangeCount? = nil
        repeat {
            let page = try source.exportChanges(since: since, after: after, limit: pageSize)
            if page.fullReload {
                return nil
            }
            if let seen = count?.version, seen != page.version {
                throw DirectoryLoadError.listChangedDuringLoad
            }
            var next = count ?? ChangeCount(version: page.version)
            for change in page.changes {
                switch change.op {
                case .add:
                    next.added += 1
                case .remove:
                    next.removed += 1
                }
            }
            count = next
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
