// The Call Directory loader: decision → entry, pages, order, the cap, incremental loads and
// when they become full reloads. No CallKit: a recording sink stands in for the context.

import XCTest
import Callguard

final class DirectoryLoaderTests: XCTestCase {
    func testBlockAddsABlockingEntryAndWarnAnIdentificationWithTheEnginesLabel() throws {
        let source = FakeSource(entries: [block(861), identify(862, "Warning: delivery scam"), block(863)])
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source, cap: 100).load(into: sink, isIncremental: false, previous: nil)
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
        var loader = DirectoryLoader(source: source, cap: 1_000)
        loader.pageSize = 5
        let result = try loader.loadAll(into: sink)
        XCTAssertEqual(sink.calls, numbers.map { RecordingSink.Call.addBlocking($0) })
        XCTAssertEqual(source.pagesServed, 5)
        XCTAssertEqual(result.loaded, 23)
    }

    func testTheCapLoadsTheFirstEntriesAndCountsTheRest() throws {
        let source = FakeSource(entries: (1...10).map { block(Int64($0)) })
        let sink = RecordingSink()
        var loader = DirectoryLoader(source: source, cap: 4)
        loader.pageSize = 3
        let result = try loader.loadAll(into: sink)
        XCTAssertEqual(sink.calls, [.addBlocking(1), .addBlocking(2), .addBlocking(3), .addBlocking(4)])
        XCTAssertEqual(result.loaded, 4)
        XCTAssertEqual(result.notLoaded, 6)
        XCTAssertEqual(result.cap, 4)
    }

    func testAnEntryOutOfOrderStopsTheLoad() {
        let source = FakeSource(entries: [block(5), block(9), block(7)])
        XCTAssertThrowsError(try DirectoryLoader(source: source, cap: 100).loadAll(into: RecordingSink())) { error in
            XCTAssertEqual(error as? DirectoryLoadError, .outOfOrder)
        }
        let duplicate = FakeSource(entries: [block(5), identify(5)])
        XCTAssertThrowsError(try DirectoryLoader(source: duplicate, cap: 100).loadAll(into: RecordingSink()))
    }

    func testAnUpdateBetweenTwoPagesStopsTheLoad() {
        let source = FakeSource(entries: (1...6).map { block(Int64($0)) })
        source.afterPage = { $0.version = "default:2:r0" }
        var loader = DirectoryLoader(source: source, cap: 100)
        loader.pageSize = 2
        XCTAssertThrowsError(try loader.loadAll(into: RecordingSink())) { error in
            XCTAssertEqual(error as? DirectoryLoadError, .listChangedDuringLoad)
        }
    }

    func testAnIncrementalLoadAppliesOnlyTheChanges() throws {
        let source = FakeSource(entries: [], version: "default:2:r0")
        source.changesSince = "default:1:r0"
        source.changes = [
            ExportChange(op: .remove, entry: block(3)),
            ExportChange(op: .remove, entry: block(7)),
            ExportChange(op: .add, entry: identify(7)),
            ExportChange(op: .add, entry: block(9)),
        ]
        let previous = record(version: "default:1:r0", loaded: 10, cap: 100)
        let sink = RecordingSink()
        var loader = DirectoryLoader(source: source, cap: 100)
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
        let result = try DirectoryLoader(source: source, cap: 100)
            .load(into: sink, isIncremental: true, previous: record(version: "default:1:r0", loaded: 1, cap: 100))
        XCTAssertEqual(sink.calls, [])
        XCTAssertEqual(result.mode, .incremental)
        XCTAssertEqual(result.loaded, 1)
    }

    func testAFullReloadAnswerEmptiesTheDirectoryFirst() throws {
        let source = FakeSource(entries: [block(1), block(2)], version: "default:5:r1")
        // changesSince is nil: the engine answers fullReload for every version.
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source, cap: 100)
            .load(into: sink, isIncremental: true, previous: record(version: "default:1:r0", loaded: 9, cap: 100))
        XCTAssertEqual(sink.calls, [.removeAll, .addBlocking(1), .addBlocking(2)])
        XCTAssertEqual(result.mode, .full)
        XCTAssertEqual(result.loaded, 2)
    }

    func testAFirstLoadIsFullWithoutEmptying() throws {
        let source = FakeSource(entries: [block(1)])
        let sink = RecordingSink()
        _ = try DirectoryLoader(source: source, cap: 100).load(into: sink, isIncremental: false, previous: nil)
        XCTAssertEqual(sink.calls, [.addBlocking(1)])
        let incrementalWithoutRecord = RecordingSink()
        _ = try DirectoryLoader(source: source, cap: 100).load(into: incrementalWithoutRecord, isIncremental: true, previous: nil)
        XCTAssertEqual(incrementalWithoutRecord.calls, [.removeAll, .addBlocking(1)])
    }

    func testACappedDirectoryIsReloadedInFull() throws {
        let source = FakeSource(entries: [block(1), block(2), block(3)], version: "default:2:r0")
        source.changesSince = "default:1:r0"
        source.changes = [ExportChange(op: .add, entry: block(3))]
        var capped = record(version: "default:1:r0", loaded: 2, cap: 2)
        capped.load.notLoaded = 1
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source, cap: 2).load(into: sink, isIncremental: true, previous: capped)
        XCTAssertEqual(sink.calls, [.removeAll, .addBlocking(1), .addBlocking(2)])
        XCTAssertEqual(result.notLoaded, 1)
    }

    func testChangesPastTheCapBecomeAFullReload() throws {
        let source = FakeSource(entries: [block(1), block(2), block(3)], version: "default:2:r0")
        source.changesSince = "default:1:r0"
        source.changes = [ExportChange(op: .add, entry: block(3))]
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source, cap: 2)
            .load(into: sink, isIncremental: true, previous: record(version: "default:1:r0", loaded: 2, cap: 2))
        XCTAssertEqual(sink.calls, [.removeAll, .addBlocking(1), .addBlocking(2)])
        XCTAssertEqual(result.mode, .full)
        XCTAssertEqual(result.notLoaded, 1)
    }

    func testANewCapIsAFullReload() throws {
        let source = FakeSource(entries: [block(1)], version: "default:1:r0")
        source.changesSince = "default:1:r0"
        let sink = RecordingSink()
        let result = try DirectoryLoader(source: source, cap: 50)
            .load(into: sink, isIncremental: true, previous: record(version: "default:1:r0", loaded: 1, cap: 100))
        XCTAssertEqual(result.mode, .full)
        XCTAssertEqual(sink.calls, [.removeAll, .addBlocking(1)])
    }

    func testTheRealEngineExportLoadsAscendingAndThenHasNoChanges() throws {
        let engine = try DemoSite.engine(self)
        let sink = RecordingSink()
        var loader = DirectoryLoader(source: engine, cap: DirectoryBookkeeping.defaultCap)
        loader.pageSize = 50
        let full = try loader.load(into: sink, isIncremental: false, previous: nil)
        XCTAssertGreaterThan(full.loaded, 0)
        XCTAssertEqual(UInt64(full.loaded), try engine.status().listEntries["numbers"])
        XCTAssertEqual(full.version, engine.exportVersion())
        let added: [Int64] = sink.calls.compactMap { call in
            switch call {
            case .addBlocking(let number), .addIdentification(let number, _): return number
            default: return nil
            }
        }
        XCTAssertEqual(added, added.sorted())
        XCTAssertEqual(Set(added).count, added.count)

        let completed = DirectoryRecord(load: full, completedAt: Date())
        let again = RecordingSink()
        let next = try loader.load(into: again, isIncremental: true, previous: completed)
        XCTAssertEqual(next.mode, .incremental)
        XCTAssertEqual(again.calls, [])
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

    /// An engine in a temporary directory with the demo list installed.
    static func engine(_ test: XCTestCase) throws -> Engine {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let root = try Data(contentsOf: url.appendingPathComponent("root.json"))
        let engine = try Engine.open(dataDir: dir.path, defaultRegion: "CN", pinnedRoot: root)
        _ = try engine.installUpdate(files: try files())
        return engine
    }
}
