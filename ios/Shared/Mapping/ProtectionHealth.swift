// The status screen's one problem and the one action that fixes it, chosen in plain Swift
// from what the app knows: the Call Directory extension's enabled state, its last load and
// failure, and the engine's status. The most serious problem wins; the app shows one
// button, never a list of chores.

import Foundation
import Callguard

/// Whether the system has the Call Directory extension switched on
/// (`CXCallDirectoryManager.EnabledStatus`, mapped by the app).
enum ExtensionState: Equatable {
    case enabled
    case disabled
    case unknown
}

/// What is wrong, most serious first.
enum ProtectionProblem: Equatable {
    /// The engine cannot be opened: the database is from a newer app.
    case appTooOld
    /// The engine cannot be opened for another reason (storage).
    case engineUnavailable
    /// Call Blocking & Identification is off for Callguard.
    case callDirectoryDisabled
    /// The last load failed.
    case directoryFailed(DirectoryFailureKind)
    /// The installed list failed its checks; the bundled list decides meanwhile.
    case listDamaged
    /// No update for two days, or the manifest expired.
    case listStale
    /// Numbers of the list are not in the Call Directory because of the engine's cap
    /// (`cap`): the least certain ones.
    case entriesCapped(notLoaded: Int, cap: Int)
    /// The user paused protection.
    case paused(until: Date?)
}

/// The one action the status screen offers for a problem.
enum FixAction: Equatable {
    /// Open the App Store page: the app must be updated.
    case updateApp
    /// Open Settings › Phone › Call Blocking & Identification
    /// (`CXCallDirectoryManager.openSettings`).
    case openCallBlockingSettings
    /// Ask the system to load the Call Directory again (`reloadExtension`).
    case reloadDirectory
    /// Fetch the list now.
    case updateList
    /// Show the cap setting.
    case showCapSetting
    /// End the pause.
    case resume
    /// Nothing the user can do here (the status screen explains).
    case none
}

/// Chooses the problem to show and its fix.
enum ProtectionHealth {
    /// The most serious problem, or nil when all is well.
    static func problem(
        engineError: CallguardError?,
        callDirectory: ExtensionState,
        record: DirectoryRecord?,
        failure: DirectoryFailure?,
        status: Status?
    ) -> ProtectionProblem? {
        if let engineError {
            if case .DatabaseTooNew = engineError {
                return .appTooOld
            }
            return .engineUnavailable
        }
        if callDirectory == .disabled {
            return .callDirectoryDisabled
        }
        if let failure {
            return .directoryFailed(failure.kind)
        }
        if let status {
            if status.update.listProblem != nil {
                return .listDamaged
            }
            if status.update.stale {
                return .listStale
            }
        }
        if let record, record.load.notLoaded > 0 {
            return .entriesCapped(notLoaded: record.load.notLoaded, cap: record.load.cap)
        }
        if let status, status.paused {
            return .paused(until: status.pausedUntil.map { Date(timeIntervalSince1970: TimeInterval($0)) })
        }
        return nil
    }

    /// The one action for `problem`.
    static func fix(for problem: ProtectionProblem) -> FixAction {
        switch problem {
        case .appTooOld:
            return .updateApp
        case .engineUnavailable:
            return .none
        case .callDirectoryDisabled:
            return .openCallBlockingSettings
        case .directoryFailed(let kind):
            switch kind {
            case .extensionDisabled:
                return .openCallBlockingSettings
            case .maximumEntriesExceeded:
                return .showCapSetting
            case .noContainer, .noExtensionFound:
                return .none
            default:
                return .reloadDirectory
            }
        case .listDamaged, .listStale:
            return .updateList
        case .entriesCapped:
            return .showCapSetting
        case .paused:
            return .resume
        }
    }
}
