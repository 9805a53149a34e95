// The Call Directory extension: CallKit glue around DirectoryLoader (Shared/Mapping).
//
// iOS never asks this extension about a call. It runs when the app calls
// `reloadExtension` (after an update or a settings change) or when the user switches it on,
// and hands CallKit the numbers to block or label in advance, as many as the engine's cap
// keeps. It opens the engine read-only, at each request, so it sees the app's latest list
// and settings. The completed export version is remembered only once `completeRequest`
// reports the system kept the entries.

import CallKit
import Foundation
import Callguard

/// The extension's principal class (NSExtensionPrincipalClass in Info.plist).
final class CallDirectoryHandler: CXCallDirectoryProvider {
    override func beginRequest(with context: CXCallDirectoryExtensionContext) {
        context.delegate = self
        guard let defaults = AppGroup.defaults else {
            cancel(context, kind: .noContainer, detail: "no App Group defaults")
            return
        }
        let bookkeeping = DirectoryBookkeeping(store: defaults)
        let result: DirectoryLoadResult
        do {
            let engine = try SharedEngine.openReadOnly()
            let loader = DirectoryLoader(source: engine)
            result = try loader.load(
                into: ContextSink(context: context),
                isIncremental: context.isIncremental,
                previous: bookkeeping.completed
            )
        } catch DirectoryLoadError.listChangedDuringLoad {
            cancel(context, kind: .listChangedDuringLoad, detail: "the list changed during the load", bookkeeping: bookkeeping)
            return
        } catch SharedEngineError.noContainer {
            cancel(context, kind: .noContainer, detail: "no App Group container", bookkeeping: bookkeeping)
            return
        } catch {
            // Engine errors carry no number or text (the bindings' rule).
            cancel(context, kind: .engine, detail: String(describing: error), bookkeeping: bookkeeping)
            return
        }
        context.completeRequest { expired in
            if expired {
                bookkeeping.recordFailure(.expired, detail: "the request expired", at: Date())
            } else {
                bookkeeping.recordCompleted(result, at: Date())
            }
        }
    }

    /// Gives the request up: the system keeps the entries of the last completed load.
    private func cancel(
        _ context: CXCallDirectoryExtensionContext,
        kind: DirectoryFailureKind,
        detail: String,
        bookkeeping: DirectoryBookkeeping? = nil
    ) {
        bookkeeping?.recordFailure(kind, detail: detail, at: Date())
        context.cancelRequest(withError: NSError(
            domain: "org.callguard.CallDirectory",
            code: 1,
            userInfo: [NSLocalizedDescriptionKey: detail]
        ))
    }
}

extension CallDirectoryHandler: CXCallDirectoryExtensionContextDelegate {
    /// The system refused the load (too many entries, out of order, interrupted…):
    /// recorded for the app's status screen.
    func requestFailed(for extensionContext: CXCallDirectoryExtensionContext, withError error: Error) {
        guard let defaults = AppGroup.defaults else { return }
        DirectoryBookkeeping(store: defaults).recordFailure(
            Self.failureKind(of: error),
            detail: "\((error as NSError).domain) \((error as NSError).code)",
            at: Date()
        )
    }

    /// CallKit's error code → the app's failure kind.
    static func failureKind(of error: Error) -> DirectoryFailureKind {
        guard let callKit = error as? CXErrorCodeCallDirectoryManagerError else {
            return .unknown
        }
        switch callKit.code {
        case .maximumEntriesExceeded:
            return .maximumEntriesExceeded
        case .entriesOutOfOrder:
            return .entriesOutOfOrder
        case .duplicateEntries:
            return .duplicateEntries
        case .unexpectedIncrementalRemoval:
            return .unexpectedIncrementalRemoval
        case .loadingInterrupted:
            return .loadingInterrupted
        case .currentlyLoading:
            return .currentlyLoading
        case .extensionDisabled:
            return .extensionDisabled
        case .noExtensionFound:
            return .noExtensionFound
        case .unknown:
            return .unknown
        @unknown default:
            return .unknown
        }
    }
}

/// The context as a DirectorySink.
private final class ContextSink: DirectorySink {
    private let context: CXCallDirectoryExtensionContext

    init(context: CXCallDirectoryExtensionContext) {
        self.context = context
    }

    func addBlocking(_ number: Int64) {
        context.addBlockingEntry(withNextSequentialPhoneNumber: number)
    }

    func addIdentification(_ number: Int64, label: String) {
        context.addIdentificationEntry(withNextSequentialPhoneNumber: number, label: label)
    }

    func removeBlocking(_ number: Int64) {
        context.removeBlockingEntry(withPhoneNumber: number)
    }

    func removeIdentification(_ number: Int64) {
        context.removeIdentificationEntry(withPhoneNumber: number)
    }

    func removeAll() {
        context.removeAllBlockingEntries()
        context.removeAllIdentificationEntries()
    }
}
