// Opens the one engine of a process over the App Group container. The app opens it with
// the pinned root (it installs and updates lists); the extensions open it without one and
// only read: the Call Directory extension exports, the Message Filter extension checks
// without recording (`checkSms`, never `screenSms`).
//
// The engine has no read-only mode yet: `Engine.open` may recover an interrupted install
// or migrate the database. Both extensions run only after the app has opened the
// directory at least once, so in practice they find it ready (README: what is missing).

import Foundation
import Callguard

/// Why the engine could not be opened.
enum SharedEngineError: Error {
    /// The App Group container is missing: an entitlement or signing problem.
    case noContainer
}

/// Opening the engine where all three targets find it.
enum SharedEngine {
    /// The bundled list shipped in the app: project.yml copies signed-lists/demo/site as a
    /// folder reference, which keeps the folder's own name in the bundle.
    static let bundledListFolder = "site"

    /// Opens the engine in the App Group container, creating the directory if needed.
    static func open(pinnedRoot: Data?) throws -> Engine {
        guard let directory = AppGroup.engineDirectory else {
            throw SharedEngineError.noContainer
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try Engine.open(dataDir: directory.path, defaultRegion: AppGroup.defaultRegion, pinnedRoot: pinnedRoot)
    }

    /// The publisher's root.json shipped in the app bundle, if present.
    static func bundledRoot(in bundle: Bundle = .main) -> Data? {
        guard let url = bundle.url(forResource: "root", withExtension: "json", subdirectory: bundledListFolder) else {
            return nil
        }
        return try? Data(contentsOf: url)
    }

    /// Every file of the bundled list as `UpdateFile`s keyed by their path in the site.
    static func bundledFiles(in bundle: Bundle = .main) -> [UpdateFile] {
        guard let root = bundle.url(forResource: bundledListFolder, withExtension: nil) else {
            return []
        }
        return SiteFiles.read(root)
    }
}
