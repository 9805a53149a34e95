// The app process's one engine, shared by the screens and the background refresh task
// (which can run before any screen exists).

import Foundation
import Callguard

/// Opens the engine once per app process.
enum AppEngine {
    /// The engine over the App Group container with the pinned root, the bundled list
    /// installed when no list is; or why it could not be opened.
    static let shared: Result<Engine, CallguardError> = {
        do {
            let engine = try SharedEngine.open(pinnedRoot: SharedEngine.bundledRoot())
            // Protects before the first download; nothing happens when a list is installed.
            // A refused bundle leaves the engine usable: status() then shows no list.
            _ = try? engine.installBundled(files: SharedEngine.bundledFiles())
            return .success(engine)
        } catch let error as CallguardError {
            return .failure(error)
        } catch {
            return .failure(.Storage(reason: String(describing: error)))
        }
    }()
}
