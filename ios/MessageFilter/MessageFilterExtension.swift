// The Message Filter extension: IdentityLookup glue around MessageFilterMapping.
//
// iOS asks it only about SMS from unknown senders (not in Contacts, never replied to), and
// only when the user picked Callguard under Settings › Messages › Unknown & Spam. It
// answers offline from the engine in the App Group container, opened read-only
// (`Engine.openReadOnly`): `checkSms` decides and records nothing (the extension never
// writes history; the system does not let it write to the shared container anyway), and
// there is no network action.

import Foundation
import IdentityLookup
import Callguard

/// The extension's principal class (NSExtensionPrincipalClass in Info.plist).
final class MessageFilterExtension: ILMessageFilterExtension {
    /// One read-only engine per extension process, opened at the first query: later
    /// queries in the same process answer without opening it again (after `reload`).
    private static let shared: Result<Engine, Error> = Result { try SharedEngine.openReadOnly() }
}

extension MessageFilterExtension: ILMessageFilterQueryHandling, ILMessageFilterCapabilitiesQueryHandling {
    func handle(
        _ queryRequest: ILMessageFilterQueryRequest,
        context: ILMessageFilterExtensionContext,
        completion: @escaping (ILMessageFilterQueryResponse) -> Void
    ) {
        let verdict = Self.verdict(sender: queryRequest.sender, body: queryRequest.messageBody)
        let response = ILMessageFilterQueryResponse()
        let (action, subAction) = Self.filterAction(for: verdict)
        response.action = action
        response.subAction = subAction
        completion(response)
    }

    /// The sub-folders this extension files into (iOS 16+): only Promotions ones, since
    /// Junk has none.
    func handle(
        _ capabilitiesQueryRequest: ILMessageFilterCapabilitiesQueryRequest,
        context: ILMessageFilterExtensionContext,
        completion: @escaping (ILMessageFilterCapabilitiesQueryResponse) -> Void
    ) {
        let response = ILMessageFilterCapabilitiesQueryResponse()
        response.transactionalSubActions = []
        response.promotionalSubActions = PromotionFolder.allCases.map { Self.subAction(for: $0) }
        completion(response)
    }

    /// The engine's verdict, or `.noDecision` (shown as usual) when the engine cannot
    /// answer: an SMS filter fails open.
    static func verdict(sender: String?, body: String?) -> FilterVerdict {
        guard let sender, !sender.isEmpty, case .success(let engine) = shared else {
            return .noDecision
        }
        return verdict(engine: engine, sender: sender, body: body)
    }

    /// The engine's verdict on one SMS, after reading the app's changes.
    private static func verdict(engine: Engine, sender: String, body: String?) -> FilterVerdict {
        // A read-only engine does not see the app's changes by itself: read the app's
        // settings, rules and list again (cheap when nothing changed). When that fails,
        // the state read last still decides.
        _ = try? engine.reload()
        do {
            let decision = try engine.checkSms(input: SmsInput(sender: sender, text: body ?? ""))
            return MessageFilterMapping.verdict(
                for: decision,
                promotions: MessageFilterMapping.promotionsEnabled(in: AppGroup.defaults)
            )
        } catch {
            return .noDecision
        }
    }

    /// Verdict → IdentityLookup's action and sub-action.
    static func filterAction(for verdict: FilterVerdict) -> (ILMessageFilterAction, ILMessageFilterSubAction) {
        switch verdict {
        case .allow:
            return (.allow, .none)
        case .junk:
            return (.junk, .none)
        case .promotion(let folder):
            return (.promotion, subAction(for: folder))
        case .noDecision:
            return (.none, .none)
        }
    }

    static func subAction(for folder: PromotionFolder) -> ILMessageFilterSubAction {
        switch folder {
        case .offers:
            return .promotionalOffers
        case .others:
            return .promotionalOthers
        }
    }
}
