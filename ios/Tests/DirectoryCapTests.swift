// The Call Directory cap is the engine's setting: the choices the settings screen offers
// must be caps the engine takes, the engine's default among them.

import XCTest
import Callguard

final class DirectoryCapTests: XCTestCase {
    func testTheEnginesDefaultCapIsAmongTheChoices() throws {
        let engine: Engine = try DemoSite.engine(self)
        XCTAssertTrue(DirectoryCap.choices.contains(engine.settings().callDirectoryCap))
        XCTAssertEqual(engine.exportSummary().cap, engine.settings().callDirectoryCap)
    }

    func testEveryChoiceIsStoredByTheEngineAndReachesTheExport() throws {
        let engine: Engine = try DemoSite.engine(self)
        for cap in DirectoryCap.choices {
            var settings = engine.settings()
            settings.callDirectoryCap = cap
            XCTAssertEqual(try engine.updateSettings(settings: settings).callDirectoryCap, cap)
            XCTAssertEqual(engine.settings().callDirectoryCap, cap)
            XCTAssertEqual(engine.exportSummary().cap, cap)
        }
    }

    func testTheEngineRefusesAZeroCapAndKeepsTheOldOne() throws {
        let engine: Engine = try DemoSite.engine(self)
        let before = engine.settings().callDirectoryCap
        var settings = engine.settings()
        settings.callDirectoryCap = 0
        XCTAssertThrowsError(try engine.updateSettings(settings: settings))
        XCTAssertEqual(engine.settings().callDirectoryCap, before)
    }
}
