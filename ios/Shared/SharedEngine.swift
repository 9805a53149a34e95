// Opens the one engine of a process over the App Group container. The app opens it for
// writing, with the pinned root: it installs and updates lists, keeps the settings, rules,
// pause and history, and is the only process that recovers an interrupted install or
// migrates the database. The extensions open it read-only (`Engine.openReadOnly`): no
// recovery, migration, lock or history writes, and every write throws
// `CallguardError.ReadOnly`. The Call Directory extension exports; the Message Filter
// extension checks without recording (`checkSms`, never `screenSms`) and calls `reload`
// to see what the app changed since it opened.

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

    /// The app's engine in the App Group container, creating the directory if needed.
    static func open(pinnedRoot: Data?) throws -> Engine {
        let directory = try engineDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try Engine.open(dataDir: directory.path, defaultRegion: AppGroup.defaultRegion, pinnedRoot: pinnedRoot)
    }

    /// An extension's engine: reads what the app wrote and creates nothing, so it fails
    /// until the app has opened the container once.
    static func openReadOnly() throws -> Engine {
        let directory = try engineDirectory()
        return try Engine.openReadOnly(dataDir: directory.path, defaultRegion: AppGroup.defaultRegion, pinnedRoot: nil)
    }

    private static func engineDirectory() throws -> URL {
        guard let directory = AppGroup.engineDirectory else {
            throw SharedEngineError.noContainer
        }
        return directory
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
