import Foundation
@testable import HeraldInbox
import Testing

/// Forms: values checked against their fields, and a campaign's forms against each other.
@Suite struct FormTests {
    let survey = Team.survey

    func refusal(_ values: [String: String]) -> InboxError? {
        do {
            _ = try survey.check(values)
            return nil
        } catch {
            return error as? InboxError
        }
    }

    @Test func validValuesAreKeptTrimmedAndEmptyOptionalOnesDropped() throws {
        let kept = try survey.check(["satisfaction": "good", "age": " 42 ", "visit": "2024-02-29", "comment": ""])
        #expect(kept == ["satisfaction": "good", "age": "42", "visit": "2024-02-29"])
        #expect(try survey.check(["satisfaction": "bad", "age": "-3.5"]) == ["satisfaction": "bad", "age": "-3.5"])
    }

    @Test func aRequiredFieldMustBeGiven() {
        for values in [[:], ["satisfaction": "   "]] {
            let error = refusal(values)
            #expect(error?.message == "Satisfaction is required in form Satisfaction survey")
            #expect(error?.field == "values.satisfaction" && error?.category == .input)
        }
    }

    @Test func aNumberIsWhatAPersonTypesAsOne() {
        for text in ["forty", "4a", "nan", "inf", "0x1p3", "1e3", "--1"] {
            #expect(refusal(["satisfaction": "good", "age": text])?.message == "Age must be a number, like 42 or 3.5; got \"\(text)\"", "\(text)")
        }
    }

    @Test func aDateIsAnISO8601CalendarDayThatExists() {
        for text in ["2023-02-29", "2026-13-01", "2026-11-31", "30/11/2026", "2026-1-5", "2026-11-30T10:00:00Z", "20261130"] {
            #expect(refusal(["satisfaction": "good", "visit": text])?.message
                == "Visit date must be a date written YYYY-MM-DD (ISO 8601), like 2026-11-30; got \"\(text)\"", "\(text)")
        }
        #expect(Form.isCalendarDate("2000-02-29") && !Form.isCalendarDate("1900-02-29"))
    }

    @Test func aChoiceIsOneOfItsOptionsExactly() {
        #expect(refusal(["satisfaction": "Good"])?.message == "Satisfaction must be one of \"good\", \"bad\"; got \"Good\"")
    }

    @Test func anUnknownFieldIsRefusedNamingTheFieldsThereAre() {
        let error = refusal(["satisfaction": "good", "shoe": "42"])
        #expect(error?.message == "form Satisfaction survey has no field shoe; its fields: satisfaction, age, visit, comment")
        #expect(error?.field == "values.shoe")
    }

    @Test func aMistypedFieldIsAnsweredWithTheClosestOne() {
        let error = refusal(["satisfaction": "good", "vist": "2026-11-30"])
        #expect(error?.message == "form Satisfaction survey has no field vist; did you mean 'visit'? (its fields: satisfaction, age, visit, comment)")
    }

    @Test func aCampaignHasAtMostOneMandatoryFormAndConsistentFields() {
        var campaign = Team.billing
        campaign.forms.append(Form(id: "claim", name: "Claim", mandatory: true))
        #expect(throws: InboxError(.input, "campaign billing marks 2 forms mandatory (survey, claim); at most one may be", field: "forms")) {
            try campaign.validate()
        }
        campaign.forms = [Form(id: "f", name: "F", fields: [Form.Field(id: "pick", label: "Pick", kind: .choice)])]
        #expect(throws: InboxError(.input, "field pick of form f is a choice without options; list them", field: "forms.f.fields.pick")) {
            try campaign.validate()
        }
        campaign.forms = [Form(id: "f", name: "F", fields: [Form.Field(id: "a", label: "A"), Form.Field(id: "a", label: "B")])]
        #expect(throws: InboxError(.input, "form f has two fields with the ID a", field: "forms.f.fields")) { try campaign.validate() }
        campaign.forms = []
        campaign.categories = ["Refund", "Refund"]
        #expect(throws: InboxError(.input, "campaign billing lists the category \"Refund\" twice", field: "categories")) { try campaign.validate() }
        for team in Team.campaigns { #expect(throws: Never.self) { try team.validate() } }
    }
}
