// What the Call Directory extension remembers between loads, and what it tells the app: the
// export version it completed (to ask for the changes since it next time), how many
// entries are in the directory and how many the engine's cap left out, and the last error.
// Kept in the App Group's defaults as small JSON records: never a number or a label.

import Foundation

/// How a load was done.
enum DirectoryLoadMode: String, Codable, Equatable {
    /// Only the changes since the version loaded last.
    case incremental
    /// Everything, from an empty directory.
    case full
}

/// A completed load: written only after `completeRequest` reported that the system kept
/// the entries.
struct DirectoryRecord: Codable, Equatable {
    /// What the load did: the version, the entries loaded and left out, the engine's cap.
    var load: DirectoryLoadResult
    /// When the system confirmed it.
    var completedAt: Date
}

/// Why a load failed, in the app's words. The CallKit cases mirror
/// `CXErrorCodeCallDirectoryManagerError.Code`; the CallKit glue maps them.
enum DirectoryFailureKind: String, Codable, Equatable, CaseIterable {
    case maximumEntriesExceeded
    case entriesOutOfOrder
    case duplicateEntries
    case unexpectedIncrementalRemoval
    case loadingInterrupted
    case currentlyLoading
    case extensionDisabled
    case noExtensionFound
    /// The system dropped the entries: the request expired before it completed.
    case expired
    /// An update was installed while the extension was reading the list.
    case listChangedDuringLoad
    /// The engine could not be opened or read (see `detail`).
    case engine
    /// The App Group container is missing: a signing or entitlement problem.
    case noContainer
    case unknown
}

/// A failed load, for the app's status screen.
struct DirectoryFailure: Codable, Equatable {
    /// What went wrong.
    var kind: DirectoryFailureKind
    /// A short technical reason for diagnostics (never user data: engine errors carry none).
    var detail: String
    /// When.
    var at: Date
}

/// Key-value storage shared by the app and the extensions. `UserDefaults` conforms as it
/// is; tests use a dictionary.
protocol SharedStore: AnyObject {
    /// The bytes stored under `key`.
    func data(forKey key: String) -> Data?
    /// Stores `value` (nil removes it).
    func set(_ value: Any?, forKey key: String)
}

extension UserDefaults: SharedStore {}

/// Reads and writes the extension's records. The extension writes; the app reads, and
/// clears the failure when it asks for a new load.
final class DirectoryBookkeeping {
    static let recordKey = "callDirectory.completed"
    static let failureKey = "callDirectory.failure"

    private let store: SharedStore
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init(store: SharedStore) {
        self.store = store
    }

    /// The last load the system confirmed, if any.
    var completed: DirectoryRecord? {
        read(DirectoryRecord.self, Self.recordKey)
    }

    /// The last failure since the last confirmed load, if any.
    var lastFailure: DirectoryFailure? {
        read(DirectoryFailure.self, Self.failureKey)
    }

    /// Remembers a load once `completeRequest` reported it was not expired, and clears
    /// the last failure.
    func recordCompleted(_ result: DirectoryLoadResult, at date: Date) {
        let record = DirectoryRecord(load: result, completedAt: date)
        write(record, Self.recordKey)
        store.set(nil, forKey: Self.failureKey)
    }

    /// Records a failure. The completed record stays: the system keeps the entries of the
    /// last load that succeeded, so the next incremental load starts from it.
    func recordFailure(_ kind: DirectoryFailureKind, detail: String, at date: Date) {
        write(DirectoryFailure(kind: kind, detail: detail, at: date), Self.failureKey)
    }

    /// Forgets the completed load: the next load is a full one.
    func forgetCompleted() {
        store.set(nil, forKey: Self.recordKey)
    }

    private func read<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        guard let data = store.data(forKey: key) else { return nil }
        return try? decoder.decode(type, from: data)
    }

    private func write<T: Encodable>(_ value: T, _ key: String) {
        store.set(try? encoder.encode(value), forKey: key)
    }
}
