// The two ends of a Call Directory load, as plain Swift protocols: where entries come from
// (the engine's export) and where they go (CallKit's context). The loader between them is
// plain Swift, so XCTest drives it with a fake source and a recording sink; the CallKit
// glue in CallDirectory/ is a few lines that adapt the real context.

import Callguard

/// The engine's Call Directory export, as the loader uses it. `Callguard.Engine` conforms
/// as it is; tests give a fake list.
protocol ExportSource {
    /// One page of the full export: entries after `after`, ascending, at most `limit`;
    /// the engine has already left out what its cap leaves out.
    func exportPage(after: Int64?, limit: UInt32) throws -> ExportPage
    /// One page of the changes since export version `since`, or `fullReload`.
    func exportChanges(since: String, after: Int64?, limit: UInt32) throws -> ExportChanges
    /// How many entries the export holds under the engine's cap and how many the cap
    /// leaves out, for the version in use.
    func exportSummary() -> ExportSummary
}

extension Engine: ExportSource {}

/// Where a load puts entries: `CXCallDirectoryExtensionContext` in the extension.
/// Additions must come in strictly ascending order; the loader guarantees it.
protocol DirectorySink: AnyObject {
    /// `addBlockingEntry(withNextSequentialPhoneNumber:)`.
    func addBlocking(_ number: Int64)
    /// `addIdentificationEntry(withNextSequentialPhoneNumber:label:)`.
    func addIdentification(_ number: Int64, label: String)
    /// `removeBlockingEntry(withPhoneNumber:)`.
    func removeBlocking(_ number: Int64)
    /// `removeIdentificationEntry(withPhoneNumber:)`.
    func removeIdentification(_ number: Int64)
    /// `removeAllBlockingEntries()` and `removeAllIdentificationEntries()`: an incremental
    /// request that has to become a full reload starts from nothing.
    func removeAll()
}

extension DirectorySink {
    /// Adds one exported entry: block → a blocking entry, identify → an identification
    /// entry with the engine's label.
    func add(_ entry: ExportEntry) {
        switch entry.kind {
        case .block:
            addBlocking(entry.number)
        case .identify:
            addIdentification(entry.number, label: entry.label)
        }
    }

    /// Removes one entry as it was exported.
    func remove(_ entry: ExportEntry) {
        switch entry.kind {
        case .block:
            removeBlocking(entry.number)
        case .identify:
            removeIdentification(entry.number)
        }
    }
}
