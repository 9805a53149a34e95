// The app's state: one engine for the app's life, what the screens show, and the actions
// they take. Every rule is the engine's: this reads its records and calls its methods, and
// after every change that affects calls it asks the system to reload the Call Directory.

import Foundation
import SwiftUI
import Callguard

/// The engine's settings record (`Callguard.Settings`; SwiftUI also declares a `Settings`).
typealias EngineSettings = Callguard.Settings

@MainActor
final class AppModel: ObservableObject {
    /// The engine, or why it could not be opened.
    @Published private(set) var engine: Engine?
    @Published private(set) var engineError: CallguardError?
    @Published private(set) var status: Status?
    @Published private(set) var settings: EngineSettings?
    @Published private(set) var rules: [UserRule] = []
    @Published private(set) var history: [HistoryEntry] = []
    @Published private(set) var reports: [Report] = []
    @Published private(set) var callDirectory: ExtensionState = .unknown
    @Published private(set) var directoryRecord: DirectoryRecord?
    @Published private(set) var directoryFailure: DirectoryFailure?
    @Published private(set) var updating = false
    /// The last error of an action, one line for an alert (engine reasons carry no user data).
    @Published var actionError: String?

    /// The list site the app updates from.
    nonisolated static let listSite = "https://lists.callguard.org/"
    /// After this long without an update, the app updates on launch.
    static let staleAfter: TimeInterval = 24 * 60 * 60

    private let bookkeeping: DirectoryBookkeeping?

    init() {
        bookkeeping = AppGroup.defaults.map { DirectoryBookkeeping(store: $0) }
        open()
    }

    // MARK: opening and refreshing

    private func open() {
        switch AppEngine.shared {
        case .success(let engine):
            self.engine = engine
            self.engineError = nil
        case .failure(let error):
            self.engineError = error
        }
        refresh()
    }

    /// Reads everything the screens show again.
    func refresh() {
        if let engine {
            status = try? engine.status()
            settings = engine.settings()
            rules = engine.rules()
            history = (try? engine.history(limit: 200)) ?? []
            reports = (try? engine.reports()) ?? []
        }
        directoryRecord = bookkeeping?.completed
        directoryFailure = bookkeeping?.lastFailure
        Task { callDirectory = await DirectoryControl.state() }
    }

    /// The status screen's problem, if any.
    var problem: ProtectionProblem? {
        ProtectionHealth.problem(
            engineError: engineError,
            callDirectory: callDirectory,
            record: directoryRecord,
            failure: directoryFailure,
            status: status
        )
    }

    /// Whether the list is old enough to update on launch.
    var isStale: Bool {
        guard let status else { return false }
        guard let since = status.update.secondsSinceSuccess else { return true }
        return status.update.stale || TimeInterval(since) > Self.staleAfter
    }

    // MARK: the Call Directory

    /// Asks the system to load the Call Directory again, then reads the outcome.
    func reloadDirectory() async {
        if let error = await DirectoryControl.reload() {
            actionError = error.localizedDescription
        }
        refresh()
    }

    /// The engine's cap on Call Directory entries, nil until the settings are read.
    var directoryCap: UInt32? { settings?.callDirectoryCap }

    /// Stores a new cap in the engine's settings; `apply` reloads the extension, which
    /// then loads what the engine exports under the new cap (a full reload).
    func setDirectoryCap(_ cap: UInt32) {
        guard var next = settings else { return }
        next.callDirectoryCap = cap
        apply(next)
    }

    // MARK: updates

    /// Fetches the newest list; when something new was installed, reloads the extension.
    func update() async {
        guard let engine, !updating else { return }
        updating = true
        defer { updating = false }
        let site = Self.listSite
        // `update` blocks on the network: off the main actor.
        let outcome = await Task.detached(priority: .utility) { () -> (installed: Bool, error: String?) in
            do {
                let report = try engine.update(baseUrl: site)
                return (report.installed != nil, nil)
            } catch {
                return (false, String(describing: error))
            }
        }.value
        if let error = outcome.error {
            actionError = error
        } else if outcome.installed {
            await reloadDirectory()
        }
        refresh()
    }

    // MARK: settings, rules, pause

    /// Stores the settings as a whole; the engine refuses bad values and keeps the old.
    func apply(_ settings: EngineSettings) {
        guard let engine else { return }
        do {
            self.settings = try engine.updateSettings(settings: settings)
        } catch {
            actionError = String(describing: error)
            self.settings = engine.settings()
        }
        // Settings that only change policies do not change the export; the engine's
        // export version says so and the reload is then a no-op.
        Task { await reloadDirectory() }
    }

    func addRule(_ kind: RuleKind, target: String) {
        guard let engine else { return }
        do {
            _ = try engine.addRule(kind: kind, target: target)
        } catch {
            actionError = String(describing: error)
        }
        rules = engine.rules()
        Task { await reloadDirectory() }
    }

    func removeRule(_ rule: UserRule) {
        guard let engine else { return }
        do {
            _ = try engine.removeRule(kind: rule.kind, target: rule.target)
        } catch {
            actionError = String(describing: error)
        }
        rules = engine.rules()
        Task { await reloadDirectory() }
    }

    /// Pauses protection for `duration`, or until resumed when nil.
    func pause(for duration: TimeInterval?) {
        guard let engine else { return }
        let until = duration.map { UInt64(Date().addingTimeInterval($0).timeIntervalSince1970) }
        do {
            try engine.pause(untilUnixSeconds: until)
        } catch {
            actionError = String(describing: error)
        }
        refresh()
        Task { await reloadDirectory() }
    }

    func resume() {
        guard let engine else { return }
        do {
            try engine.resume()
        } catch {
            actionError = String(describing: error)
        }
        refresh()
        Task { await reloadDirectory() }
    }

    /// Whether advertising SMS goes to Promotions (read by the Message Filter extension).
    var promotions: Bool {
        get { MessageFilterMapping.promotionsEnabled(in: AppGroup.defaults) }
        set {
            objectWillChange.send()
            MessageFilterMapping.setPromotions(newValue, in: AppGroup.defaults)
        }
    }

    // MARK: history and reports

    /// Decides a call from `number` as the engine would and records it in the history, so
    /// the user can see why a number is blocked or labelled.
    func checkNumber(_ number: String) {
        guard let engine else { return }
        let input = CallInput(number: number, presentation: .allowed, verification: .notVerified, isContact: false)
        do {
            _ = try engine.screenCall(input: input)
        } catch {
            actionError = String(describing: error)
        }
        history = (try? engine.history(limit: 200)) ?? []
    }

    func clearHistory() {
        guard let engine else { return }
        _ = try? engine.clearHistory()
        refresh()
    }

    /// Keeps a report on the phone; nothing is sent.
    func report(_ subject: String, category: Category, note: String) -> Bool {
        guard let engine else { return false }
        do {
            _ = try engine.report(numberOrSender: subject, category: category, note: note)
            reports = try engine.reports()
            return true
        } catch {
            actionError = String(describing: error)
            return false
        }
    }

    /// The reports as the publisher's CSV, in a temporary file for the share sheet.
    func exportReportsFile() -> URL? {
        guard let engine, let bytes = try? engine.exportReports() else { return nil }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callguard-reports.csv")
        do {
            try bytes.write(to: url, options: .atomic)
            return url
        } catch {
            actionError = String(describing: error)
            return nil
        }
    }

    func clearReports() {
        guard let engine else { return }
        _ = try? engine.clearReports()
        reports = (try? engine.reports()) ?? []
    }
}
