// The words the screens use for the engine's values, and the four things iOS does not
// allow, each in one sentence a user understands (the README says the same).

import SwiftUI
import Callguard

enum Wording {
    /// What iOS does not allow, shown on the status and settings screens.
    static let iosLimits: [LocalizedStringKey] = [
        "iOS does not let an app decide each call as it rings: Callguard gives iOS its list of numbers in advance.",
        "iOS cannot block a whole country without listing its numbers, so there is no switch for overseas calls on iPhone.",
        "iOS takes only exact numbers, so number ranges and # patterns from the list cannot protect calls on iPhone.",
        "iOS shows the SMS filter only messages from unknown senders, never from your contacts or people you replied to.",
    ]

    static func category(_ category: Category?) -> LocalizedStringKey {
        switch category {
        case .officialImpersonation: return "Police or government impersonation"
        case .fakeCustomerService: return "Fake customer service"
        case .loanCredit: return "Loan or credit scam"
        case .investment: return "Investment scam"
        case .acquaintanceImpersonation: return "Fake boss or acquaintance"
        case .taskScam: return "Task or click-farming scam"
        case .prize: return "Prize scam"
        case .delivery: return "Delivery scam"
        case .accountPhishing: return "Account phishing"
        case .romance: return "Romance scam"
        case .gamingTrade: return "Gaming trade scam"
        case .telemarketing: return "Telemarketing"
        case .spam: return "Advertising"
        case .reportedFraud: return "Reported as fraud"
        case .suspectedFraud: return "Suspected fraud"
        case nil: return "No category"
        }
    }

    /// The categories a user can report, in the order the report screen lists them.
    static let reportable: [Category] = [
        .officialImpersonation, .fakeCustomerService, .loanCredit, .investment,
        .acquaintanceImpersonation, .taskScam, .prize, .delivery, .accountPhishing,
        .romance, .gamingTrade, .telemarketing, .spam,
    ]

    static func action(_ action: Action) -> LocalizedStringKey {
        switch action {
        case .allow: return "Allow"
        case .warn: return "Warn"
        case .block: return "Block"
        }
    }

    static func problem(_ problem: ProtectionProblem) -> LocalizedStringKey {
        switch problem {
        case .appTooOld:
            return "This data was written by a newer version of Callguard. Update the app."
        case .engineUnavailable:
            return "Callguard cannot read its data, so it protects nothing until this is fixed."
        case .callDirectoryDisabled:
            return "Call blocking is switched off for Callguard."
        case .directoryFailed(let kind):
            return failure(kind)
        case .listDamaged:
            return "The installed list failed its checks; the list shipped with the app protects meanwhile."
        case .listStale:
            return "The list has not been updated for two days."
        case .entriesCapped(let notLoaded, let cap):
            return "\(notLoaded) numbers are not loaded: iOS holds at most \(cap) in the Call Directory; the least certain are left out."
        case .paused(let until):
            if let until {
                return "Protection is paused until \(until.formatted(date: .abbreviated, time: .shortened))."
            }
            return "Protection is paused until you resume it."
        }
    }

    static func failure(_ kind: DirectoryFailureKind) -> LocalizedStringKey {
        switch kind {
        case .maximumEntriesExceeded: return "iOS refused the list: too many numbers. Choose a lower cap."
        case .entriesOutOfOrder, .duplicateEntries, .unexpectedIncrementalRemoval:
            return "iOS refused the list's order. Loading it again starts from scratch."
        case .loadingInterrupted, .expired: return "iOS interrupted loading the list."
        case .currentlyLoading: return "iOS is still loading the list."
        case .extensionDisabled: return "Call blocking is switched off for Callguard."
        case .noExtensionFound: return "iOS cannot find Callguard's call blocker. Reinstall the app."
        case .listChangedDuringLoad: return "The list changed while iOS was loading it."
        case .engine: return "The call blocker could not read Callguard's data."
        case .noContainer: return "The call blocker cannot reach Callguard's data. Reinstall the app."
        case .unknown: return "iOS could not load the list."
        }
    }

    static func fix(_ action: FixAction) -> LocalizedStringKey? {
        switch action {
        case .updateApp: return "Open the App Store"
        case .openCallBlockingSettings: return "Open Call Blocking settings"
        case .reloadDirectory: return "Load the list again"
        case .updateList: return "Update now"
        case .showCapSetting: return "Change the cap"
        case .resume: return "Resume protection"
        case .none: return nil
        }
    }
}
