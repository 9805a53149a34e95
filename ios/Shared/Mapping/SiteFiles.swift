// The files of a signed-list site folder as the engine's `UpdateFile`s, keyed by their path
// in the site (`timestamp.json`, `manifests/3.manifest.json`): the bundled list in the app,
// the demo list in the tests.

import Foundation
import Callguard

enum SiteFiles {
    /// Every regular file under `root`; unreadable files are left out (the engine's
    /// checks then refuse an incomplete site).
    static func read(_ root: URL) -> [UpdateFile] {
        let keys: [URLResourceKey] = [.isRegularFileKey]
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys) else {
            return []
        }
        let base = root.standardizedFileURL.path
        var files: [UpdateFile] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: Set(keys)).isRegularFile) == true,
                  let bytes = try? Data(contentsOf: url) else {
                continue
            }
            let path = String(url.standardizedFileURL.path.dropFirst(base.count + 1))
            files.append(UpdateFile(path: path, bytes: bytes))
        }
        return files
    }
}
