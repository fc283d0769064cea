import Foundation
import Herald
import HeraldInbox
import Hummingbird

/// The composer's template picker: GET /api/v1/templates lists a campaign's templates for a
/// channel; POST /api/v1/templates/{name}/fill fills one with the values the agent typed and
/// the interaction's customer, as the editor's HTML. A campaign the agent is not a member of is
/// 404, like one that does not exist.
struct TemplateRoutes {
    let inbox: Inbox
    let library: TemplateLibrary
    let bodies: JSONBodies

    struct Variable: Encodable {
        var name: String
        var type: String
        var required: Bool
        var example: TemplateValue?
    }

    struct Summary: Encodable {
        var name: String
        var description: String
        var subject: String?
        var variables: [Variable]
    }

    struct FillBody: Decodable {
        var campaign: String
        var channel: ChannelID
        var interaction: String?
        var values: [String: String]?
    }

    struct FillAnswer: Encodable {
        var html: String
        var subject: String?
        var missing: [String]
        var filled: [String: TemplateFill.Source]
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.get("/templates") { request, context in
            let agent = try context.requireAgent()
            guard let campaign = request.uri.queryParameters.get("campaign"), !campaign.isEmpty else {
                throw Problem(.usage, "say which campaign's templates: /api/v1/templates?campaign=ID&channel=email", field: "campaign")
            }
            let channel = try Self.channel(request.uri.queryParameters.get("channel"))
            _ = try await inbox.campaign(campaign, for: agent)
            let summaries = library.templates(of: campaign, for: channel).map { template in
                Summary(name: template.name, description: template.manifest.description ?? "",
                        subject: channel == .email ? template.manifest.subject?.value : nil,
                        variables: template.variables(shownOn: channel).map {
                            Variable(name: $0.name, type: $0.kind.rawValue, required: $0.required, example: $0.example)
                        })
            }
            return try JSON.response(summaries)
        }
        api.post("/templates/{name}/fill") { request, context in
            let agent = try context.requireAgent()
            let name = try context.parameters.require("name")
            let body = try await bodies.decode(FillBody.self, request)
            guard body.channel == .email || body.channel == .sms else {
                throw Problem(.input, "the picker fills email and SMS templates; WhatsApp opens with an approved template (send it by name)", field: "channel")
            }
            _ = try await inbox.campaign(body.campaign, for: agent)
            guard let template = library.template(name, of: body.campaign) else {
                throw Problem(.notFound, "campaign \(body.campaign) has no template \(name)", field: "name")
            }
            guard template.manifest.channels.contains(body.channel) else {
                throw Problem(.input, "template \(name) is for \(template.manifest.channels.map(\.rawValue).joined(separator: ", ")), not \(body.channel.rawValue)",
                              field: "channel")
            }
            var customer: Customer?
            if let id = body.interaction {
                let interaction = try await inbox.interaction(id, for: agent)
                guard interaction.campaign == body.campaign else {
                    throw Problem(.input, "interaction \(id) is in campaign \(interaction.campaign), not \(body.campaign)", field: "interaction")
                }
                customer = try await inbox.customerCard(of: id, for: agent).customer
            }
            let result = try TemplateFill(template: template, channel: body.channel).fill(values: body.values ?? [:], customer: customer)
            let document = body.channel == .sms ? result.filled.sms ?? result.filled.document : result.filled.document
            return try JSON.response(FillAnswer(html: EditorHTMLWriter().write(document), subject: body.channel == .email ? result.filled.subject : nil,
                                                missing: result.missing, filled: result.sources))
        }
    }

    /// The picker lists templates for email and SMS; WhatsApp has its approved templates.
    static func channel(_ text: String?) throws -> ChannelID {
        switch text {
        case "email": return .email
        case "sms": return .sms
        case nil, "": throw Problem(.usage, "say which channel's templates: channel=email or channel=sms", field: "channel")
        default: throw Problem(.input, "channel is email or sms, not '\(text ?? "")'", field: "channel")
        }
    }
}
