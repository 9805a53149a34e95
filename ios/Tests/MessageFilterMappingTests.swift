// Decision → Messages folder.

import XCTest
import Callguard

final class MessageFilterMappingTests: XCTestCase {
    private func decision(_ action: Action, _ category: Category?, first code: ReasonCode = .smsPhrase) -> Decision {
        Decision(
            action: action,
            category: category,
            label: "label",
            reasons: [Reason(code: code, codeName: "code", detail: "detail")],
            lists: ["default": 1]
        )
    }

    func testBlockAndWarnGoToJunk() {
        for promotions in [true, false] {
            XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.block, .officialImpersonation), promotions: promotions), .junk)
            XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.warn, .delivery), promotions: promotions), .junk)
            XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.block, .spam), promotions: promotions), .junk)
        }
    }

    func testAllowedAdvertisingGoesToPromotionsOnlyWhenTheUserWantsIt() {
        XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.allow, .spam), promotions: true), .promotion(.offers))
        XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.allow, .telemarketing), promotions: true), .promotion(.others))
        XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.allow, .spam), promotions: false), .allow)
    }

    func testEverythingElseIsShownNormally() {
        XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.allow, nil), promotions: true), .allow)
        XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.allow, .investment), promotions: true), .allow)
        XCTAssertEqual(MessageFilterMapping.verdict(for: decision(.allow, .spam, first: .paused), promotions: true), .allow)
    }

    func testThePromotionsChoiceDefaultsToOnAndIsKept() {
        let store = DictionaryStore()
        XCTAssertTrue(MessageFilterMapping.promotionsEnabled(in: store))
        XCTAssertTrue(MessageFilterMapping.promotionsEnabled(in: nil))
        MessageFilterMapping.setPromotions(false, in: store)
        XCTAssertFalse(MessageFilterMapping.promotionsEnabled(in: store))
        MessageFilterMapping.setPromotions(true, in: store)
        XCTAssertTrue(MessageFilterMapping.promotionsEnabled(in: store))
    }

    func testTheRealEngineFilesAFraudSmsAsJunkAndANormalOneAsAllowed() throws {
        let engine: Engine = try DemoSite.engine(self)
        let fraud = try engine.checkSms(input: SmsInput(sender: "+85212110", text: "您的账户已冻结，请转入安全账户"))
        XCTAssertEqual(MessageFilterMapping.verdict(for: fraud, promotions: true), .junk)
        let normal = try engine.checkSms(input: SmsInput(sender: "95588", text: "See you at dinner tonight"))
        XCTAssertEqual(MessageFilterMapping.verdict(for: normal, promotions: true), .allow)
        XCTAssertTrue(try engine.history(limit: 10).isEmpty, "checkSms must record nothing")
    }
}
