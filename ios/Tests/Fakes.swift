// Test doubles for the mapping code: a list the tests write by hand, a sink that records
// what CallKit would have been told, and a dictionary for the shared defaults.

import Foundation
import Callguard

/// An export source over entries given in the test, paged as the engine pages. The
/// entries are what the engine's cap kept; `omitted` says how many it left out, as the
/// engine's summary does.
final class FakeSource: ExportSource {
    var entries: [ExportEntry]
    var version: String
    /// The summary's cap and the entries the cap left out.
    var cap: UInt32 = 100
    var omitted: UInt64 = 0
    /// The summary's version when it is not `version` (an engine that changed between the
    /// summary and the pages).
    var summaryVersion: String?
    /// The changes since `changesSince`; any other version answers `fullReload`.
    var changes: [ExportChange] = []
    var changesSince: String?
    /// Called after each page is served (a test changes the version here).
    var afterPage: ((FakeSource) -> Void)?
    private(set) var pagesServed = 0

    init(entries: [ExportEntry], version: String = "default:1:r0") {
        self.entries = entries
        self.version = version
    }

    func exportPage(after: Int64?, limit: UInt32) throws -> ExportPage {
        let rest = entries.drop { entry in after.map { entry.number <= $0 } ?? false }
        let page = Array(rest.prefix(Int(limit)))
        let more = rest.count > page.count
        let result = ExportPage(entries: page, nextAfter: more ? page.last?.number : nil, version: version)
        served()
        return result
    }

    func exportChanges(since: String, after: Int64?, limit: UInt32) throws -> ExportChanges {
        guard since == changesSince else {
            return ExportChanges(fullReload: true, changes: [], nextAfter: nil, version: version)
        }
        // A change's position is its index + 1, so a removal and an addition of one
        // number page as two changes.
        let start = Int(after ?? 0)
        let page = Array(changes.dropFirst(start).prefix(Int(limit)))
        let end = start + page.count
        let result = ExportChanges(
            fullReload: false,
            changes: page,
            nextAfter: end < changes.count ? Int64(end) : nil,
            version: version
        )
        served()
        return result
    }

    func exportSummary() -> ExportSummary {
        let exported = UInt64(entries.count)
        return ExportSummary(
            version: summaryVersion ?? version,
            cap: cap,
            total: exported + omitted,
            exported: exported,
            omitted: omitted
        )
    }

    private func served() {
        pagesServed += 1
        afterPage?(self)
    }
}

/// What a load told CallKit, in order.
final class RecordingSink: DirectorySink {
    enum Call: Equatable {
        case addBlocking(Int64)
        case addIdentification(Int64, String)
        case removeBlocking(Int64)
        case removeIdentification(Int64)
        case removeAll
    }

    private(set) var calls: [Call] = []

    func addBlocking(_ number: Int64) { calls.append(.addBlocking(number)) }
    func addIdentification(_ number: Int64, label: String) { calls.append(.addIdentification(number, label)) }
    func removeBlocking(_ number: Int64) { calls.append(.removeBlocking(number)) }
    func removeIdentification(_ number: Int64) { calls.append(.removeIdentification(number)) }
    func removeAll() { calls.append(.removeAll) }
}

/// The shared defaults as a dictionary.
final class DictionaryStore: SharedStore {
    private(set) var values: [String: Data] = [:]

    func data(forKey key: String) -> Data? {
        values[key]
    }

    func set(_ value: Any?, forKey key: String) {
        values[key] = value as? Data
    }
}

func block(_ number: Int64) -> ExportEntry {
    ExportEntry(number: number, kind: .block, label: "")
}

func identify(_ number: Int64, _ label: String = "Warning: loan or credit scam") -> ExportEntry {
    ExportEntry(number: number, kind: .identify, label: label)
}
