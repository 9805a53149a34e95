// XCTest tests of the Swift bindings, run on a Mac after ./build-xcframework.sh:
//   cd bindings/swift && swift test
// They read the signed demo list from the repository (signed-lists/demo/site).

import Foundation
import XCTest
@testable import Callguard

final class EngineTests: XCTestCase {
    /// The repository root, found from this file's path.
    static let repo: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // CallguardTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // swift
        .deletingLastPathComponent() // bindings
        .deletingLastPathComponent()
    static let demoSite = repo.appendingPathComponent("signed-lists/demo/site")

    static func siteFiles(_ site: URL) throws -> [UpdateFile] {
        let keys: [URLResourceKey] = [.isRegularFileKey]
        guard let walker = FileManager.default.enumerator(at: site, includingPropertiesForKeys: keys) else {
            return []
        }
        var files: [UpdateFile] = []
        for case let url as URL in walker {
            guard try url.resourceValues(forKeys: Set(keys)).isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(site.standardizedFileURL.path.count + 1))
            files.append(UpdateFile(path: path, bytes: try Data(contentsOf: url)))
        }
        return files
    }

    static func demoRoot() throws -> Data {
        try Data(contentsOf: demoSite.appendingPathComponent("root.json"))
    }

    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.path
    }

    func demoEngine() throws -> Engine {
        let engine = try Engine.open(dataDir: try tempDir(), defaultRegion: "CN", pinnedRoot: try Self.demoRoot())
        _ = try engine.installUpdate(files: try Self.siteFiles(Self.demoSite))
        return engine
    }

    func call(_ number: String?, verification: Verification = .notVerified, isContact: Bool = false) -> CallInput {
        CallInput(number: number, presentation: .allowed, verification: verification, isContact: isContact)
    }

    func testSpoofedOfficialIsBlockedAndThePoliceAllowed() throws {
        let engine = try demoEngine()
        let spoof = try engine.checkCall(input: call("+852 12110"))
        XCTAssertEqual(spoof.action, .block)
        XCTAssertEqual(spoof.reasons.first?.code, .spoofedOfficial)
        XCTAssertEqual(spoof.reasons.first?.codeName, "spoofed_official")
        XCTAssertEqual(spoof.category, .officialImpersonation)
        XCTAssertEqual(spoof.lists["default"], 1)
        XCTAssertEqual(try engine.checkCall(input: call("110")).action, .allow)
        XCTAssertEqual(try engine.checkCall(input: call("110", verification: .failed)).action, .block)
    }

    func testOverseasPolicyAndItsWaysOut() throws {
        let engine = try Engine.openInMemory(defaultRegion: "CN")
        let number = "+855 12 345 678"
        _ = try engine.setSetting(key: "overseas-calls", value: "block")
        XCTAssertEqual(try engine.checkCall(input: call(number)).action, .block)
        XCTAssertEqual(try engine.checkCall(input: call(number, isContact: true)).action, .allow)
        _ = try engine.setSetting(key: "allowed-countries", value: "KH")
        XCTAssertEqual(try engine.checkCall(input: call(number)).action, .allow)
        _ = try engine.setSetting(key: "allowed-countries", value: "none")
        let rule = try engine.addRule(kind: .allow, target: number)
        XCTAssertEqual(rule.target, "+85512345678")
        XCTAssertEqual(try engine.checkCall(input: call(number)).reasons.first?.code, .userAllow)
        XCTAssertEqual(try engine.removeRule(kind: nil, target: number), 1)
        XCTAssertTrue(engine.rules().isEmpty)
    }

    func testTypedSettingsRoundTripAndTakeEffect() throws {
        let engine = try Engine.openInMemory(defaultRegion: "CN")
        var settings = engine.settings()
        XCTAssertEqual(settings.homeRegion, "CN")
        XCTAssertEqual(settings.overseasCalls, .warn)
        settings.overseasCalls = .block
        settings.allowedCountries = ["MM"]
        settings.allowedCallingCodes = [63]
        let after = try engine.updateSettings(settings: settings)
        XCTAssertEqual(after, settings)
        XCTAssertEqual(engine.settings(), after)
        XCTAssertEqual(try engine.checkCall(input: call("+855 12 345 678")).action, .block)
        XCTAssertEqual(try engine.checkCall(input: call("+63 917 123 4567")).action, .allow)
        settings.allowedCallingCodes = [999]
        XCTAssertThrowsError(try engine.updateSettings(settings: settings)) { error in
            guard case CallguardError.InvalidInput = error else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
        }
        XCTAssertEqual(engine.settings(), after)
    }

    func testBadInputThrowsTypedErrors() throws {
        XCTAssertThrowsError(try Engine.openInMemory(defaultRegion: "XX")) { error in
            guard case CallguardError.InvalidInput(let reason) = error else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertFalse(reason.isEmpty)
        }
        let engine = try Engine.openInMemory(defaultRegion: "CN")
        XCTAssertThrowsError(try engine.setSetting(key: "overseas-calls", value: "maybe"))
        XCTAssertThrowsError(try engine.addRule(kind: .block, target: "+999 5551234")) { error in
            XCTAssertFalse("\(error)".contains("5551234"))
        }
        XCTAssertThrowsError(try engine.installUpdate(files: try Self.siteFiles(Self.demoSite))) { error in
            guard case CallguardError.Update = error else {
                return XCTFail("expected Update, got \(error)")
            }
        }
        XCTAssertThrowsError(try engine.exportPage(after: nil, limit: 0))
    }

    func testHistoryKeepsTheSubjectNeverTheText() throws {
        let engine = try demoEngine()
        _ = try engine.screenCall(input: call("+852 12110"))
        _ = try engine.screenSms(input: SmsInput(sender: "95588", text: "a private text"))
        let history = try engine.history(limit: 10)
        XCTAssertEqual(history.count, 2)
        XCTAssertEqual(history[0].channel, .sms)
        XCTAssertEqual(history[1].subject, "+85212110")
        XCTAssertFalse("\(history)".contains("private"))
        XCTAssertEqual(try engine.clearHistory(), 2)
        let status = try engine.status()
        XCTAssertEqual(status.homeRegion, "CN")
        XCTAssertEqual(status.update.installed?.seq, 1)
        XCTAssertGreaterThan(status.sms.phraseRules, 1000)
        XCTAssertTrue(status.sms.modelInUse)
    }

    func testPauseRepeatedCallsAndReports() throws {
        let engine = try demoEngine()
        try engine.pause(untilUnixSeconds: nil)
        let paused = try engine.checkCall(input: call("+852 12110"))
        XCTAssertEqual(paused.action, .allow)
        XCTAssertEqual(paused.reasons.first?.code, .paused)
        XCTAssertTrue(try engine.status().paused)
        try engine.resume()
        XCTAssertEqual(try engine.checkCall(input: call("+852 12110")).action, .block)

        _ = try engine.setSetting(key: "repeated-calls", value: "5")
        _ = try engine.screenCall(input: call("+855 12 345 678"))
        let again = try engine.screenCall(input: call("+855 12 345 678"))
        XCTAssertEqual(again.action, .allow)
        XCTAssertEqual(again.reasons.first?.code, .repeatedCall)

        let report = try engine.report(numberOrSender: "+855 12 345 678", category: .investment, note: "")
        XCTAssertEqual(report.subject, "+85512345678")
        let csv = String(decoding: try engine.exportReports(), as: UTF8.self)
        XCTAssertTrue(csv.contains("+85512345678,warn,investment,50,"))
        XCTAssertEqual(try engine.clearReports(), 1)
    }

    func testTheCallDirectoryExportIsStrictlyAscending() throws {
        let engine = try demoEngine()
        var all: [ExportEntry] = []
        var after: Int64? = nil
        repeat {
            let page = try engine.exportPage(after: after, limit: 37)
            all.append(contentsOf: page.entries)
            after = page.nextAfter
        } while after != nil
        XCTAssertFalse(all.isEmpty)
        for (previous, next) in zip(all, all.dropFirst()) {
            XCTAssertLessThan(previous.number, next.number)
        }
        XCTAssertEqual(UInt64(all.count), try engine.status().listEntries["numbers"])
        let version = engine.exportVersion()
        let changes = try engine.exportChanges(since: version, after: nil, limit: 100)
        XCTAssertFalse(changes.fullReload)
        XCTAssertTrue(changes.changes.isEmpty)
    }

    func testEightThreadsCheckWhileAnotherUpdates() throws {
        let engine = try Engine.open(dataDir: try tempDir(), defaultRegion: "CN", pinnedRoot: try Self.demoRoot())
        let files = try Self.siteFiles(Self.demoSite)
        let group = DispatchGroup()
        let writer = DispatchQueue(label: "writer")
        group.enter()
        writer.async {
            defer { group.leave() }
            for i in 0..<20 {
                _ = try? engine.installUpdate(files: files)
                _ = try? engine.setSetting(key: "overseas-calls", value: i % 2 == 0 ? "block" : "warn")
            }
        }
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<2_000 {
                let decision = try? engine.checkCall(input: call("+852 12110"))
                XCTAssertNotEqual(decision?.action, .allow)
            }
        }
        group.wait()
        XCTAssertEqual(try engine.checkCall(input: call("+852 12110")).reasons.first?.code, .spoofedOfficial)
    }
}
