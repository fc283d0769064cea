import Testing
import HeraldMIME

/// The "did you mean" the CLI's command check and the inbox's errors share.
struct NameSuggestionsTests {
    @Test func aTypoWithinTwoEditsFindsItsName() {
        #expect(NameSuggestions.closest(to: "rendr", among: ["render", "send", "lint"]) == ["render"])
        // Two neighbours swapped count as one edit.
        #expect(NameSuggestions.distance("sned", "send") == 1)
        #expect(NameSuggestions.closest(to: "sned", among: ["render", "send", "lint"]) == ["send"])
        #expect(NameSuggestions.closest(to: "RENDER", among: ["render"]) == ["render"])
    }

    @Test func shortWordsAllowOneEditAndFarWordsNone() {
        #expect(NameSuggestions.closest(to: "sed", among: ["send"]) == ["send"])
        #expect(NameSuggestions.closest(to: "sx", among: ["send"]).isEmpty)
        #expect(NameSuggestions.closest(to: "purchase", among: ["render", "send"]).isEmpty)
    }

    @Test func tiesAreAllOffered() {
        #expect(NameSuggestions.closest(to: "cat", among: ["bat", "car", "dog"]) == ["bat", "car"])
        #expect(NameSuggestions.didYouMean("cat", among: ["bat", "car"]) == "did you mean 'bat' or 'car'?")
    }

    @Test func theOfferPutsTheSuggestionBeforeTheListOrGivesTheListAlone() {
        #expect(NameSuggestions.offer("Refnud", among: ["Resolved", "Refund"], list: "its categories: Resolved, Refund", quoted: { "\"\($0)\"" })
            == "did you mean \"Refund\"? (its categories: Resolved, Refund)")
        #expect(NameSuggestions.offer("Won", among: ["Resolved", "Refund"], list: "its categories: Resolved, Refund") == "its categories: Resolved, Refund")
    }

    @Test func emptyWordsAreTheOtherOnesLength() {
        #expect(NameSuggestions.distance("", "abc") == 3 && NameSuggestions.distance("abc", "") == 3)
    }
}
