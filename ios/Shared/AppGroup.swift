// The one App Group shared by the app and both extensions, and where each keeps its files.
//
// The identifiers here must match project.yml, every target's .entitlements and Info.plist;
// bindings/swift/check/validate-project.mjs fails the build when they drift apart.

import Foundation

/// Identifiers and places shared by the app and its extensions.
enum AppGroup {
    /// The App Group (`com.apple.security.application-groups`) of all three targets.
    static let identifier = "group.org.callguard.shared"

    /// The Call Directory extension's bundle identifier, for `CXCallDirectoryManager`.
    static let callDirectoryExtension = "org.callguard.app.CallDirectory"

    /// The background refresh task (`BGTaskSchedulerPermittedIdentifiers` in the app's
    /// Info.plist).
    static let refreshTask = "org.callguard.app.refresh"

    /// The region the engine assumes until the user sets one: the device's region, or CN.
    static var defaultRegion: String {
        if #available(iOS 16, macOS 13, *) {
            return Locale.current.region?.identifier ?? "CN"
        }
        return "CN"
    }

    /// The shared container, or nil when the entitlement is missing (a build or signing
    /// mistake: every target must list the group).
    static var containerURL: URL? {
        FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: identifier)
    }

    /// The engine's data directory inside the container (database and lists).
    static var engineDirectory: URL? {
        containerURL?.appendingPathComponent("engine", isDirectory: true)
    }

    /// The defaults the app and the extensions share (small records only: versions, counts,
    /// errors; never a number or a message).
    static var defaults: UserDefaults? {
        UserDefaults(suiteName: identifier)
    }
}
