// The status screen's one problem and its fix.

import XCTest
import Callguard

final class ProtectionHealthTests: XCTestCase {
    private func status(stale: Bool = false, listProblem: String? = nil, paused: Bool = false) -> Status {
        Status(
            homeRegion: "CN",
            lists: ["default": 1],
            listEntries: ["numbers": 10],
            sms: SmsSummary(phraseRules: 1, brands: 1, modelWeights: nil, modelInUse: false),
            rules: 0,
            historyEntries: 0,
            schemaVersion: 1,
            database: nil,
            update: UpdateStatus(
                installed: nil,
                manifestVersion: nil,
                manifestExpires: nil,
                lastSuccessAt: nil,
                secondsSinceSuccess: nil,
                stale: stale,
                lastAttempt: nil,
                listProblem: listProblem
            ),
            paused: paused,
            pausedUntil: nil,
            unreadableRows: 0,
            historyDropped: 0
        )
    }

    private func record(notLoaded: Int) -> DirectoryRecord {
        let load = DirectoryLoadResult(version: "v", mode: .full, loaded: 10, notLoaded: notLoaded, added: 10, removed: 0, cap: 10)
        return DirectoryRecord(load: load, completedAt: Date())
    }

    func testAllWellIsNoProblem() {
        XCTAssertNil(ProtectionHealth.problem(engineError: nil, callDirectory: .enabled, record: record(notLoaded: 0), failure: nil, status: status()))
    }

    func testTheMostSeriousProblemWins() {
        let failure = DirectoryFailure(kind: .loadingInterrupted, detail: "", at: Date())
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: .DatabaseTooNew(reason: "v9"), callDirectory: .disabled, record: nil, failure: failure, status: nil),
            .appTooOld
        )
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: .Storage(reason: "disk"), callDirectory: .disabled, record: nil, failure: nil, status: nil),
            .engineUnavailable
        )
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: nil, callDirectory: .disabled, record: nil, failure: failure, status: status(stale: true)),
            .callDirectoryDisabled
        )
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: nil, callDirectory: .enabled, record: nil, failure: failure, status: status(stale: true)),
            .directoryFailed(.loadingInterrupted)
        )
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: nil, callDirectory: .enabled, record: nil, failure: nil, status: status(stale: true, listProblem: "crc")),
            .listDamaged
        )
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: nil, callDirectory: .enabled, record: record(notLoaded: 5), failure: nil, status: status(stale: true)),
            .listStale
        )
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: nil, callDirectory: .enabled, record: record(notLoaded: 5), failure: nil, status: status(paused: true)),
            .entriesCapped(notLoaded: 5, cap: 10)
        )
        XCTAssertEqual(
            ProtectionHealth.problem(engineError: nil, callDirectory: .unknown, record: record(notLoaded: 0), failure: nil, status: status(paused: true)),
            .paused(until: nil)
        )
    }

    func testEachProblemHasTheActionThatFixesIt() {
        XCTAssertEqual(ProtectionHealth.fix(for: .appTooOld), .updateApp)
        XCTAssertEqual(ProtectionHealth.fix(for: .callDirectoryDisabled), .openCallBlockingSettings)
        XCTAssertEqual(ProtectionHealth.fix(for: .directoryFailed(.extensionDisabled)), .openCallBlockingSettings)
        XCTAssertEqual(ProtectionHealth.fix(for: .directoryFailed(.maximumEntriesExceeded)), .showCapSetting)
        XCTAssertEqual(ProtectionHealth.fix(for: .directoryFailed(.loadingInterrupted)), .reloadDirectory)
        XCTAssertEqual(ProtectionHealth.fix(for: .listStale), .updateList)
        XCTAssertEqual(ProtectionHealth.fix(for: .entriesCapped(notLoaded: 1, cap: 10)), .showCapSetting)
        XCTAssertEqual(ProtectionHealth.fix(for: .paused(until: nil)), .resume)
    }
}
