// The app's side of the Call Directory: is the extension switched on, load it again, open
// the Settings page where the user switches it on. CallKit's callbacks become async.

import CallKit
import Foundation

/// `CXCallDirectoryManager` for the one extension.
enum DirectoryControl {
    private static var manager: CXCallDirectoryManager { CXCallDirectoryManager.sharedInstance }

    /// Whether the user switched the extension on in Settings.
    static func state() async -> ExtensionState {
        await withCheckedContinuation { (continuation: CheckedContinuation<ExtensionState, Never>) in
            manager.getEnabledStatusForExtension(withIdentifier: AppGroup.callDirectoryExtension) { status, error in
                guard error == nil else {
                    continuation.resume(returning: .unknown)
                    return
                }
                switch status {
                case .enabled:
                    continuation.resume(returning: .enabled)
                case .disabled:
                    continuation.resume(returning: .disabled)
                case .unknown:
                    continuation.resume(returning: .unknown)
                @unknown default:
                    continuation.resume(returning: .unknown)
                }
            }
        }
    }

    /// Asks the system to run the extension now (after an update or a change that affects
    /// calls). The extension records its own outcome; this returns the system's error, if
    /// any, for the status screen.
    @discardableResult
    static func reload() async -> Error? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Error?, Never>) in
            manager.reloadExtension(withIdentifier: AppGroup.callDirectoryExtension) { error in
                continuation.resume(returning: error)
            }
        }
    }

    /// Opens Settings › Phone › Call Blocking & Identification.
    static func openSettings() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            manager.openSettings { _ in
                continuation.resume()
            }
        }
    }
}
