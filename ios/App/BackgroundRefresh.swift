// List updates in the background: a BGAppRefreshTask fetches the newest signed list through
// the engine, then asks the system to reload the Call Directory. The app also updates on
// launch when the list is stale (AppModel).

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

    private static func handle(_ task: BGAppRefreshTask) {
        schedule()
        guard case .success(let engine) = AppEngine.shared else {
            task.setTaskCompleted(success: false)
            return
        }
        let work = Task.detached(priority: .background) { () async -> Bool in
            do {
                let report = try engine.update(baseUrl: AppModel.listSite)
                if report.installed != nil {
                    await DirectoryControl.reload()
                }
                return true
            } catch {
                return false
            }
        }
        // The engine's update cannot be interrupted; its own deadlines bound it. When the
        // system takes the time back first, the task reports failure.
        task.expirationHandler = {
            work.cancel()
        }
        Task {
            let success = await work.value
            task.setTaskCompleted(success: success && !work.isCancelled)
        }
    }
}
