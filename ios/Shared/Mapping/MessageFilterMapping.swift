// The engine's SMS decision → what the Message Filter extension answers, in plain Swift
// (no IdentityLookup here; MessageFilter/MessageFilterExtension.swift maps the verdict to
// ILMessageFilterAction and ILMessageFilterSubAction).
//
// The engine decides; this only chooses the Messages folder: block and warn → Junk,
// advertising (`spam`, allowed by the engine) → Promotions when the user wants it, anything
// else → shown normally. Junk has no sub-actions in iOS, so categories only refine
// Promotions.

import Foundation
import Callguard

/// Where a message goes.
enum FilterVerdict: Equatable {
    /// Shown normally.
    case allow
    /// The Junk folder.
    case junk
    /// The Promotions folder, with a sub-folder (iOS 16+).
    case promotion(PromotionFolder)
    /// No answer (the engine failed): the system shows the message as usual. Fail open.
    case noDecision
}

/// The Promotions sub-folders the extension uses (`ILMessageFilterSubAction`).
enum PromotionFolder: Equatable, CaseIterable {
    /// `.promotionalOffers`: advertising.
    case offers
    /// `.promotionalOthers`: telemarketing and the rest.
    case others
}

/// Decision → verdict.
enum MessageFilterMapping {
    /// The shared defaults key of the user's choice to file advertising under Promotions.
    static let promotionsKey = "messageFilter.promotions"

    /// The verdict for `decision`. `promotions`: the user wants advertising the engine
    /// allows filed under Promotions rather than shown with everything else.
    static func verdict(for decision: Decision, promotions: Bool) -> FilterVerdict {
        switch decision.action {
        case .block, .warn:
            return .junk
        case .allow:
            guard promotions, let folder = promotionFolder(for: decision) else {
                return .allow
            }
            return .promotion(folder)
        }
    }

    /// The Promotions sub-folder for an allowed decision's category, or nil when it is not
    /// advertising. A paused engine allows with `paused` first: that is shown normally.
    static func promotionFolder(for decision: Decision) -> PromotionFolder? {
        if decision.reasons.first?.code == .paused {
            return nil
        }
        switch decision.category {
        case .spam:
            return .offers
        case .telemarketing:
            return .others
        default:
            return nil
        }
    }

    /// Whether the user wants Promotions (default yes), from the shared defaults.
    static func promotionsEnabled(in store: SharedStore?) -> Bool {
        guard let data = store?.data(forKey: promotionsKey), let byte = data.first else {
            return true
        }
        return byte != 0
    }

    /// Stores the user's choice.
    static func setPromotions(_ enabled: Bool, in store: SharedStore?) {
        store?.set(Data([enabled ? 1 : 0]), forKey: promotionsKey)
    }
}
