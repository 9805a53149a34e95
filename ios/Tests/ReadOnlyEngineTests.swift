// The extensions' engine: opened read-only over the app's directory, as SharedEngine opens
// it, it loads what the app's engine exports, refuses writes, and sees the app's changes
// (here a new cap) only after `reload`.

import XCTest
import Callguard

final class ReadOnlyEngineTests: XCTestCase {
    func testTheExtensionsEngineLoadsWhatTheAppExportsAndSeesANewCapAfterReload() throws {
        let dir = try DemoSite.directory(self)
        let app: Engine = try DemoSite.engine(self, in: dir)
        let readOnly: Engine = try Engine.openReadOnly(dataDir: dir.path, defaultRegion: "CN", pinnedRoot: nil)
        var loader = DirectoryLoader(source: readOnly)
        loader.pageSize = 50
        let full = try loader.load(into: RecordingSink(), isIncremental: false, previous: nil)
        XCTAssertEqual(full.version, app.exportVersion())
        XCTAssertEqual(UInt64(full.loaded), app.exportSummary().exported)
        let cap: UInt32 = 100
        XCTAssertGreaterThan(full.loaded, Int(cap), "the demo list must be longer than the test's cap")

        var refused = readOnly.settings()
        refused.callDirectoryCap = cap
        XCTAssertThrowsError(try readOnly.updateSettings(settings: refused)) { error in
            guard let engineError = error as? CallguardError, case .ReadOnly = engineError else {
                return XCTFail("a write on a read-only engine must fail with ReadOnly: \(error)")
            }
        }

        var settings = app.settings()
        settings.callDirectoryCap = cap
        _ = try app.updateSettings(settings: settings)
        XCTAssertEqual(Int(readOnly.exportSummary().cap), full.cap, "not refreshed by itself")
        try readOnly.reload()
        XCTAssertEqual(readOnly.exportSummary(), app.exportSummary())

        let sink = RecordingSink()
        let capped = try loader.load(into: sink, isIncremental: true, previous: DirectoryRecord(load: full, completedAt: Date()))
        XCTAssertEqual(capped.mode, .full)
        XCTAssertEqual(sink.calls.first, .removeAll)
        XCTAssertEqual(capped.loaded, Int(cap))
        XCTAssertEqual(capped.cap, Int(cap))
        XCTAssertEqual(capped.version, app.exportVersion())
    }
}
