// List updates in the background: a BGAppRefreshTask fetches the newest signed list through
// the engine within a deadline (`updateWithin`), then asks the system to reload the Call
// Directory. The app also updates on launch when the list is stale (AppModel).

import BackgroundTasks
import Foundation
import Callguard

/// The app-refresh task (identifier in Info.plist's BGTaskSchedulerPermittedIdentifiers).
enum BackgroundRefresh {
    /// The earliest the system should run the next refresh.
    static let interval: TimeInterval = 6 * 60 * 60

    /// Registers the handler. Must run before the app finishes launching.
    static func register() {
        _ = BGTaskScheduler.shared.register(forTaskWithIdentifier: AppGroup.refreshTask, using: nil) { task in
            guard let refresh = task as? BGAppRefreshTask else {
                task.setTaskCompleted(success: false)
                return
            }
            handle(refresh)
        }
    }

    /// Asks for the next refresh; the system chooses when.
    static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: AppGroup.refreshTask)
        request.earliestBeginDate = Date(timeIntervalSinceNow: interval)
        // Fails in the simulator and when Background App Refresh is off: the app then
        // updates on launch.
        try? BGTaskScheduler.shared.submit(request)
    }

    /// What the update may take of the about 30 s the system gives an app refresh task:
    /// the engine holds every download to it, and past it the update fails with a
    /// timeout and the list in use stays.
    static let updateSeconds: UInt32 = 25

    private static func handle(_ task: BGAppRefreshTask) {
        schedule()
        guard case .success(let engine) = AppEngine.shared else {
            task.setTaskCompleted(success: false)
            return
        }
        let completion = RefreshCompletion(task)
        let work = Task.detached(priority: .background) { () async -> Bool in
            await BackgroundRefresh.update(engine)
        }
        // When the system takes the time back before the engine's deadline, the task is
        // marked done at once (failed); the update then ends by its own deadline.
        task.expirationHandler = {
            work.cancel()
            completion.finish(success: false)
        }
        Task {
            let success = await work.value
            completion.finish(success: success)
        }
    }

    /// Updates within the deadline, then reloads the Call Directory when a list was
    /// installed; whether the update succeeded.
    private static func update(_ engine: Engine) async -> Bool {
        do {
            let report = try engine.updateWithin(baseUrl: AppModel.listSite, maxSeconds: updateSeconds)
            if report.installed != nil {
                await DirectoryControl.reload()
            }
            return true
        } catch {
            return false
        }
    }
}

/// Marks a refresh task done once, whichever comes first: the update's end or the
/// system's expiration.
private final class RefreshCompletion: @unchecked Sendable {
    private let task: BGAppRefreshTask
    private let lock = NSLock()
    private var done = false

    init(_ task: BGAppRefreshTask) {
        self.task = task
    }

    func finish(success: Bool) {
        lock.lock()
        let first = !done
        done = true
        lock.unlock()
        if first {
            task.setTaskCompleted(success: success)
        }
    }
}
