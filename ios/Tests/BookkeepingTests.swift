// Version bookkeeping: what the extension remembers in the shared defaults, and when.

import XCTest

final class BookkeepingTests: XCTestCase {
    private func result(version: String, loaded: Int = 3, notLoaded: Int = 0) -> DirectoryLoadResult {
        DirectoryLoadResult(version: version, mode: .full, loaded: loaded, notLoaded: notLoaded, added: loaded, removed: 0, cap: 100)
    }

    func testNothingIsRememberedUntilALoadIsRecordedAsCompleted() {
        let store = DictionaryStore()
        let bookkeeping = DirectoryBookkeeping(store: store)
        XCTAssertNil(bookkeeping.completed)
        XCTAssertNil(bookkeeping.lastFailure)
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        bookkeeping.recordCompleted(result(version: "default:3:r1", notLoaded: 2), at: at)
        let record = DirectoryBookkeeping(store: store).completed
        XCTAssertEqual(record?.load, result(version: "default:3:r1", notLoaded: 2))
        XCTAssertEqual(record?.load.notLoaded, 2)
        XCTAssertEqual(record?.completedAt, at)
    }

    func testAFailureKeepsTheLastCompletedVersionAndASuccessClearsIt() {
        let store = DictionaryStore()
        let bookkeeping = DirectoryBookkeeping(store: store)
        bookkeeping.recordCompleted(result(version: "default:1:r0"), at: Date())
        bookkeeping.recordFailure(.maximumEntriesExceeded, detail: "CallKit 5", at: Date())
        XCTAssertEqual(bookkeeping.completed?.load.version, "default:1:r0")
        XCTAssertEqual(bookkeeping.lastFailure?.kind, .maximumEntriesExceeded)
        bookkeeping.recordCompleted(result(version: "default:2:r0"), at: Date())
        XCTAssertNil(bookkeeping.lastFailure)
        XCTAssertEqual(bookkeeping.completed?.load.version, "default:2:r0")
        bookkeeping.forgetCompleted()
        XCTAssertNil(bookkeeping.completed)
    }

    func testAnUnreadableRecordReadsAsNoCompletedLoad() {
        let store = DictionaryStore()
        let bookkeeping = DirectoryBookkeeping(store: store)
        bookkeeping.recordCompleted(result(version: "default:1:r0"), at: Date())
        store.set(Data("garbage".utf8), forKey: DirectoryBookkeeping.recordKey)
        XCTAssertNil(bookkeeping.completed)
        store.set(Data("garbage".utf8), forKey: DirectoryBookkeeping.failureKey)
        XCTAssertNil(bookkeeping.lastFailure)
    }
}
