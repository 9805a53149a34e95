// The Call Directory loader: decision → entry, pages, order, the engine's cap, incremental
// loads and when they become full reloads. No CallKit: a recording sink stands in for the
// context.

import XCTest
import Callguard

final class DirectoryLoaderTests: XCTestCase {
    func testBlockAddsABlockingEntryAndWarnAnIdentificationWithTheEnginesLabel() throws {
        let source = FakeSource(entries: [block(861), identify(862, "Warning: delivery scam"), block(863)])
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source).load(into: sink, isIncremental: false, previous: nil)
        XCTAssertEqual(sink.calls, [.addBlocking(861), .addIdentification(862, "Warning: delivery scam"), .addBlocking(863)])
        XCTAssertEqual(result.mode, .full)
        XCTAssertEqual(result.loaded, 3)
        XCTAssertEqual(result.notLoaded, 0)
        XCTAssertEqual(result.version, "default:1:r0")
    }

    func testPagesFollowEachOtherInAscendingOrder() throws {
        let numbers: [Int64] = (1...23).map { 8613800000000 + Int64($0) * 7 }
        let source = FakeSource(entries: numbers.map(block))
        let sink = RecordingSink()
        var loader = DirectoryLoader(source: source)
        loader.pageSize = 5
        let result = try loader.loadAll(into: sink)
        XCTAssertEqual(sink.calls, numbers.map { RecordingSink.Call.addBlocking($0) })
        XCTAssertEqual(source.pagesServed, 5)
        XCTAssertEqual(result.loaded, 23)
    }

    func testEngineCappedPagesLoadInFullAndTheSummarySaysHowManyAreLeftOut() throws {
        // The engine's cap kept four entries that are not the lowest numbers; the loader
        // adds every one of them and takes the counts from the summary.
        let kept: [Int64] = [2, 5, 9, 1_000]
        let source = FakeSource(entries: kept.map(block), version: "default:1:r0:cap4")
        source.cap = 4
        source.omitted = 6
        let sink = RecordingSink()
        var loader = DirectoryLoader(source: source)
        loader.pageSize = 3
        let result = try loader.loadAll(into: sink)
        XCTAssertEqual(sink.calls, kept.map { RecordingSink.Call.addBlocking($0) })
        XCTAssertEqual(result.loaded, 4)
        XCTAssertEqual(result.notLoaded, 6)
        XCTAssertEqual(result.cap, 4)
        XCTAssertEqual(result.version, "default:1:r0:cap4")
    }

    func testASummaryOfAnotherVersionStopsTheLoad() {
        let source = FakeSource(entries: [block(1), block(2)], version: "default:1:r0")
        source.summaryVersion = "default:2:r0"
        XCTAssertThrowsError(try DirectoryLoader(source: source).loadAll(into: RecordingSink())) { error in
            XCTAssertEqual(error as? DirectoryLoadError, .listChangedDuringLoad)
        }
        source.changesSince = "default:0:r0"
        source.changes = [ExportChange(op: .add, entry: block(2))]
        let sink = RecordingSink()
        XCTAssertThrowsError(
            try DirectoryLoader(source: source)
                .load(into: sink, isIncremental: true, previous: record(version: "default:0:r0", loaded: 1, cap: 100))
        ) { error in
            XCTAssertEqual(error as? DirectoryLoadError, .listChangedDuringLoad)
        }
        XCTAssertEqual(sink.calls, [], "nothing reaches CallKit before the versions agree")
    }

    func testAnEntryOutOfOrderStopsTheLoad() {
        let source = FakeSource(entries: [block(5), block(9), block(7)])
        XCTAssertThrowsError(try DirectoryLoader(source: source).loadAll(into: RecordingSink())) { error in
            XCTAssertEqual(error as? DirectoryLoadError, .outOfOrder)
        }
        let duplicate = FakeSource(entries: [block(5), identify(5)])
        XCTAssertThrowsError(try DirectoryLoader(source: duplicate).loadAll(into: RecordingSink()))
    }

    func testAnUpdateBetweenTwoPagesStopsTheLoad() {
        let source = FakeSource(entries: (1...6).map { block(Int64($0)) })
        source.afterPage = { $0.version = "default:2:r0" }
        var loader = DirectoryLoader(source: source)
        loader.pageSize = 2
        XCTAssertThrowsError(try loader.loadAll(into: RecordingSink())) { error in
            XCTAssertEqual(error as? DirectoryLoadError, .listChangedDuringLoad)
        }
    }

    func testAnIncrementalLoadAppliesOnlyTheChanges() throws {
        // Version 1 exported 1…11 but 9; version 2 exports ten entries too: 3 went, 7
        // became a warning and 9 was added.
        let after: [ExportEntry] = [1, 2, 4, 5, 6, 8, 10, 11].map { block(Int64($0)) } + [identify(7), block(9)]
        let source = FakeSource(entries: after.sorted { $0.number < $1.number }, version: "default:2:r0")
        source.changesSince = "default:1:r0"
        source.changes = [
            ExportChange(op: .remove, entry: block(3)),
            ExportChange(op: .remove, entry: block(7)),
            ExportChange(op: .add, entry: identify(7)),
            ExportChange(op: .add, entry: block(9)),
        ]
        let previous = record(version: "default:1:r0", loaded: 10, cap: 100)
        let sink = RecordingSink()
        var loader = DirectoryLoader(source: source)
        loader.pageSize = 3
        let result = try loader.load(into: sink, isIncremental: true, previous: previous)
        XCTAssertEqual(sink.calls, [
            .removeBlocking(3), .removeBlocking(7), .addIdentification(7, "Warning: loan or credit scam"), .addBlocking(9),
        ])
        XCTAssertEqual(result.mode, .incremental)
        XCTAssertEqual(result.version, "default:2:r0")
        XCTAssertEqual(result.loaded, 10 - 2 + 2)
        XCTAssertEqual(result.added, 2)
        XCTAssertEqual(result.removed, 2)
    }

    func testNoChangesKeepTheDirectoryAsItIs() throws {
        let source = FakeSource(entries: [block(1)], version: "default:1:r0")
        source.changesSince = "default:1:r0"
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source)
            .load(into: sink, isIncremental: true, previous: record(version: "default:1:r0", loaded: 1, cap: 100))
        XCTAssertEqual(sink.calls, [])
        XCTAssertEqual(result.mode, .incremental)
        XCTAssertEqual(result.loaded, 1)
    }

    func testAFullReloadAnswerEmptiesTheDirectoryFirst() throws {
        let source = FakeSource(entries: [block(1), block(2)], version: "default:5:r1")
        // changesSince is nil: the engine answers fullReload for every version.
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source)
            .load(into: sink, isIncremental: true, previous: record(version: "default:1:r0", loaded: 9, cap: 100))
        XCTAssertEqual(sink.calls, [.removeAll, .addBlocking(1), .addBlocking(2)])
        XCTAssertEqual(result.mode, .full)
        XCTAssertEqual(result.loaded, 2)
    }

    func testAFirstLoadIsFullWithoutEmptying() throws {
        let source = FakeSource(entries: [block(1)])
        let sink = RecordingSink()
        _ = try DirectoryLoader(source: source).load(into: sink, isIncremental: false, previous: nil)
        XCTAssertEqual(sink.calls, [.addBlocking(1)])
        let incrementalWithoutRecord = RecordingSink()
        _ = try DirectoryLoader(source: source).load(into: incrementalWithoutRecord, isIncremental: true, previous: nil)
        XCTAssertEqual(incrementalWithoutRecord.calls, [.removeAll, .addBlocking(1)])
    }

    func testAnIncrementalLoadWorksUnderACap() throws {
        // The cap held four entries of version 1 and holds four of version 2: the engine
        // says what changed between the two capped exports.
        let source = FakeSource(entries: [block(2), block(5), block(8), block(1_000)], version: "default:2:r0:cap4")
        source.cap = 4
        source.omitted = 7
        source.changesSince = "default:1:r0:cap4"
        source.changes = [ExportChange(op: .remove, entry: block(9)), ExportChange(op: .add, entry: block(8))]
        var previous = record(version: "default:1:r0:cap4", loaded: 4, cap: 4)
        previous.load.notLoaded = 6
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source).load(into: sink, isIncremental: true, previous: previous)
        XCTAssertEqual(sink.calls, [.removeBlocking(9), .addBlocking(8)])
        XCTAssertEqual(result.mode, .incremental)
        XCTAssertEqual(result.loaded, 4)
        XCTAssertEqual(result.notLoaded, 7)
        XCTAssertEqual(result.cap, 4)
        XCTAssertEqual(result.version, "default:2:r0:cap4")
    }

    func testChangesThatDoNotLeadToTheExportedCountBecomeAFullReload() throws {
        // The record says 3 entries are loaded; one addition would make 4, but the engine
        // exports 3: the record and the directory disagree, so start from nothing.
        let source = FakeSource(entries: [block(1), block(2), block(3)], version: "default:2:r0")
        source.changesSince = "default:1:r0"
        source.changes = [ExportChange(op: .add, entry: block(3))]
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source)
            .load(into: sink, isIncremental: true, previous: record(version: "default:1:r0", loaded: 3, cap: 100))
        XCTAssertEqual(sink.calls, [.removeAll, .addBlocking(1), .addBlocking(2), .addBlocking(3)])
        XCTAssertEqual(result.mode, .full)
        XCTAssertEqual(result.loaded, 3)
    }

    func testTheRealEngineExportLoadsAscendingAndThenHasNoChanges() throws {
        let engine: Engine = try DemoSite.engine(self)
        let sink = RecordingSink()
        var loader = DirectoryLoader(source: engine)
        loader.pageSize = 50
        let full = try loader.load(into: sink, isIncremental: false, previous: nil)
        XCTAssertGreaterThan(full.loaded, 0)
        XCTAssertEqual(UInt64(full.loaded), try engine.status().listEntries["numbers"])
        XCTAssertEqual(full.notLoaded, 0, "the demo list fits the default cap")
        XCTAssertEqual(full.version, engine.exportVersion())
        let added = Self.addedNumbers(sink)
        XCTAssertEqual(added, added.sorted())
        XCTAssertEqual(Set(added).count, added.count)

        let completed = DirectoryRecord(load: full, completedAt: Date())
        let again = RecordingSink()
        let next = try loader.load(into: again, isIncremental: true, previous: completed)
        XCTAssertEqual(next.mode, .incremental)
        XCTAssertEqual(again.calls, [])
    }

    func testTheRealEngineCapLoadsTheCapThenHasNoChanges() throws {
        let engine: Engine = try DemoSite.engine(self)
        var loader = DirectoryLoader(source: engine)
        loader.pageSize = 7
        let whole = try loader.load(into: RecordingSink(), isIncremental: false, previous: nil)
        let cap: UInt32 = 100
        XCTAssertGreaterThan(whole.loaded, Int(cap), "the demo list must be longer than the test's cap")

        // The user's own block, then a small cap, both through the engine.
        _ = try engine.addRule(kind: .block, target: "+44 20 7946 0123")
        var settings = engine.settings()
        settings.callDirectoryCap = cap
        XCTAssertEqual(try engine.updateSettings(settings: settings).callDirectoryCap, cap)
        let summary = engine.exportSummary()
        XCTAssertGreaterThan(summary.omitted, 0)

        // New rules and a new cap are a new version: the incremental request becomes a
        // full reload.
        let sink = RecordingSink()
        let capped = try loader.load(into: sink, isIncremental: true, previous: DirectoryRecord(load: whole, completedAt: Date()))
        XCTAssertEqual(capped.mode, .full)
        XCTAssertEqual(sink.calls.first, .removeAll)
        XCTAssertEqual(capped.loaded, Int(cap))
        XCTAssertEqual(UInt64(capped.notLoaded), summary.omitted)
        XCTAssertEqual(capped.cap, Int(cap))
        XCTAssertEqual(capped.version, summary.version)
        XCTAssertNotEqual(capped.version, whole.version)
        let added = Self.addedNumbers(sink)
        XCTAssertEqual(added.count, Int(cap))
        XCTAssertEqual(added, added.sorted())
        XCTAssertTrue(added.contains(442079460123), "the user's block is kept under the cap")

        let again = RecordingSink()
        let next = try loader.load(into: again, isIncremental: true, previous: DirectoryRecord(load: capped, completedAt: Date()))
        XCTAssertEqual(next.mode, .incremental)
        XCTAssertEqual(again.calls, [])
        XCTAssertEqual(next.loaded, Int(cap))
        XCTAssertEqual(UInt64(next.notLoaded), summary.omitted)
    }

    /// The numbers a load added, in the order CallKit was given them.
    private static func addedNumbers(_ sink: RecordingSink) -> [Int64] {
        sink.calls.compactMap { call in
            switch call {
            case .addBlocking(let number), .addIdentification(let number, _): return number
            default: return nil
            }
        }
    }

    private func record(version: String, loaded: Int, cap: Int) -> DirectoryRecord {
        let load = DirectoryLoadResult(version: version, mode: .full, loaded: loaded, notLoaded: 0, added: loaded, removed: 0, cap: cap)
        return DirectoryRecord(load: load, completedAt: Date())
    }
}

/// The signed demo list of the repository, read from the host's file system (simulator
/// tests can).
enum DemoSite {
    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // ios
        .deletingLastPathComponent()
        .appendingPathComponent("signed-lists/demo/site")

    static func files() throws -> [UpdateFile] {
        let files = SiteFiles.read(url)
        guard !files.isEmpty else {
            throw CocoaError(.fileNoSuchFile)
        }
        return files
    }

    /// A new temporary directory, removed when `test` ends.
    static func directory(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// The app's engine in `dir` (a new temporary directory by default) with the demo
    /// list installed.
    static func engine(_ test: XCTestCase, in dir: URL? = nil) throws -> Engine {
        let dir = try dir ?? directory(test)
        let root = try Data(contentsOf: url.appendingPathComponent("root.json"))
        let engine = try Engine.open(dataDir: dir.path, defaultRegion: "CN", pinnedRoot: root)
        _ = try engine.installUpdate(files: try files())
        return engine
    }
}
