import Foundation
import Herald
import HeraldInbox
import Hummingbird

/// The JSON API under /api/v1: each route reads its request, calls the `Inbox` as the token's
/// agent, and answers the result as JSON. Authorization is the `Inbox`'s (an interaction the
/// agent may not see is 404, exactly like one that does not exist).
struct API {
    let inbox: Inbox
    let signIn: SignIn
    let bodyLimit: Int
    let uploads: Uploads
    let rateLimiter: RateLimiter?
    let signInAttempts: RateLimiter?
    let secureCookie: Bool
    let templates: TemplateLibrary
    let inboundFiles: InboundFiles

    func register(on router: Router<ServerContext>) {
        router.get("/api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPI.document)))
        }
        let api = router.group("/api/v1").add(middleware: Authentication(store: inbox.store, signIn: signIn, rateLimiter: rateLimiter))
        SessionRoutes(inbox: inbox, signIn: signIn, secureCookie: secureCookie, attempts: signInAttempts, bodies: JSONBodies(limit: bodyLimit))
            .register(open: router, signedIn: api)
        uploads.register(on: api)
        VoiceNotes(uploads: uploads).register(on: api)
        PreviewRoute(inbox: inbox, bodies: JSONBodies(limit: bodyLimit)).register(on: api)
        AddressesRoute(bodies: JSONBodies(limit: bodyLimit)).register(on: api)
        TemplateRoutes(inbox: inbox, library: templates, bodies: JSONBodies(limit: bodyLimit)).register(on: api)
        AdminRoutes(inbox: inbox, signIn: signIn, bodies: JSONBodies(limit: bodyLimit)).register(on: api)
        InboundRoutes(inbox: inbox, files: inboundFiles).register(on: api)
        api.get("/me") { _, context in try JSON.response(try await Me.of(context.requireAgent(), in: inbox)) }
        api.get("/start-options") { _, context in try await startOptions(context.requireAgent()) }
        api.post("/interactions") { request, context in
            let body = try await decode(StartBody.self, request)
            let agent = try context.requireAgent()
            let start = try body.request(uploads: uploads, agent: agent)
            // The agent read when authenticating acts: one read less on every start.
            if let actor = context.signedIn { return try JSON.response(try await inbox.start(start, as: actor), status: .created) }
            return try JSON.response(try await inbox.start(start, by: agent), status: .created)
        }
        api.get("/interactions/{id}") { _, context in
            try JSON.response(try await inbox.interaction(context.parameters.require("id"), for: context.requireAgent()))
        }
        api.get("/tabs/active") { request, context in
            let agent = try context.requireAgent()
            let of = request.uri.queryParameters.get("agent") ?? agent
            // The agent read when authenticating is the viewer: one read less on the busiest page.
            if let viewer = context.signedIn { return SummaryJSON.response(try await inbox.activeTab(of: of, viewer: viewer)) }
            return SummaryJSON.response(try await inbox.activeTab(of: of, viewer: agent))
        }
        api.get("/tabs/pending") { request, context in
            guard let campaign = request.uri.queryParameters.get("campaign"), !campaign.isEmpty else {
                throw Problem(.usage, "say which campaign's Pending tab: /api/v1/tabs/pending?campaign=ID", field: "campaign")
            }
            return SummaryJSON.response(try await inbox.pendingTab(of: campaign, for: context.requireAgent()))
        }
        api.post("/interactions/{id}/take") { _, context in
            try JSON.response(try await inbox.take(context.parameters.require("id"), by: context.requireAgent()))
        }
        api.post("/interactions/{id}/messages") { request, context in
            let body = try await decode(MessageBody.self, request)
            let agent = try context.requireAgent()
            return try JSON.response(try await inbox.send(try body.message(field: nil, uploads: uploads, agent: agent), in: context.parameters.require("id"),
                                                          by: agent), status: .created)
        }
        api.post("/interactions/{id}/transfer") { request, context in
            let body = try await decode(TransferBody.self, request)
            return try JSON.response(try await inbox.transfer(context.parameters.require("id"), to: try body.target(), note: body.note,
                                                              by: context.requireAgent()))
        }
        api.get("/interactions/{id}/customer") { _, context in
            try JSON.response(try await inbox.customerCard(of: context.parameters.require("id"), for: context.requireAgent()))
        }
        api.get("/address-suggestions") { request, context in
            guard let to = request.uri.queryParameters.get("to"), !to.isEmpty else {
                throw Problem(.usage, "say whose addresses to suggest: /api/v1/address-suggestions?to=ADDRESS (the email's first recipient)", field: "to")
            }
            return try JSON.response(AddressSuggestions(addresses: try await inbox.addressSuggestions(for: to, agent: context.requireAgent())))
        }
        api.get("/interactions/{id}/transfer-targets") { _, context in
            try JSON.response(try await inbox.transferTargets(of: context.parameters.require("id"), for: context.requireAgent()))
        }
        api.post("/interactions/{id}/finish") { _, context in
            try JSON.response(try await inbox.finish(context.parameters.require("id"), by: context.requireAgent()))
        }
        api.post("/interactions/{id}/category") { request, context in
            let body = try await decode(CategoryBody.self, request)
            return try JSON.response(try await inbox.categorize(context.parameters.require("id"), as: body.category, by: context.requireAgent()))
        }
        api.post("/interactions/{id}/forms") { request, context in
            let body = try await decode(FormBody.self, request)
            return try JSON.response(try await inbox.submitForm(body.form, values: body.values, in: context.parameters.require("id"),
                                                                by: context.requireAgent()))
        }
        api.post("/interactions/{id}/close") { _, context in
            try JSON.response(try await inbox.close(context.parameters.require("id"), by: context.requireAgent()))
        }
        api.get("/events") { request, context in
            try EventStream(inbox: inbox).response(request, agent: context.requireAgent())
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await JSONBodies(limit: bodyLimit).decode(type, request)
    }

    private func startOptions(_ agentID: String) async throws -> Response {
        let options = try await inbox.startOptions(for: agentID).map { option in
            StartOption(channel: option.channel, campaigns: option.campaigns.map { CampaignReference(id: $0.id, name: $0.name) })
        }
        return try JSON.response(options)
    }
}

// MARK: Bodies

struct CampaignReference: Codable {
    var id: String
    var name: String
}

struct Me: Codable {
    var id: String
    var name: String
    var email: String
    var role: Agent.Role
    var campaigns: [CampaignReference]

    static func of(_ agentID: String, in inbox: Inbox) async throws -> Me {
        guard let agent = try await inbox.store.agent(agentID) else { throw Problem.unauthenticated("the signed-in agent is gone") }
        let campaigns = try await inbox.store.campaigns(ofMember: agentID).map { CampaignReference(id: $0.id, name: $0.name) }
        return Me(id: agent.id, name: agent.name, email: agent.email, role: agent.role, campaigns: campaigns)
    }
}

/// JSON request bodies, at most `limit` bytes (413 beyond).
struct JSONBodies: Sendable {
    let limit: Int

    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw Problem.tooLarge(limit: limit) }
        var buffer = try await request.body.collect(upTo: limit)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        guard !bytes.isEmpty else { throw Problem(.usage, "the request has no body; send a JSON object (Content-Type: application/json)") }
        return try JSON.decoder.decode(T.self, from: Data(bytes))
    }
}

/// The New flow's CC and BCC suggestions (`Inbox.addressSuggestions`).
struct AddressSuggestions: Codable {
    var addresses: [String]
}

struct StartOption: Codable {
    var channel: ChannelID
    var campaigns: [CampaignReference]
}

/// A message as the API takes it: Markdown or the editor's HTML, or an approved WhatsApp
/// template with its values; attachments and a voice note by their upload IDs (`Uploads`).
struct MessageBody: Decodable {
    var id: String?
    var markdown: String?
    var html: String?
    var template: String?
    var parameters: [String]?
    var headerParameter: String?
    var buttonParameters: [String]?
    var subject: String?
    /// Email: the copies (absent: the interaction's, or in a reply the customer's others).
    var cc: [String]?
    var attachments: [String]?
    var voiceNote: String?

    func message(field prefix: String?, uploads: Uploads, agent: String) throws -> OutgoingMessage {
        let name = { (field: String) in prefix.map { "\($0).\(field)" } ?? field }
        if markdown != nil && html != nil {
            throw Problem(.input, "a message is Markdown or HTML, not both", field: name("html"))
        }
        if voiceNote != nil && !(attachments ?? []).isEmpty {
            throw Problem(.input, "a voice note goes alone; send the attachments in another message", field: name("voiceNote"))
        }
        var files = try (attachments ?? []).enumerated().map { index, id in try uploads.file(id, of: agent, field: name("attachments.\(index)")) }
        if let voiceNote { files = [try uploads.file(voiceNote, of: agent, field: name("voiceNote"))] }
        var draft: Draft?
        do {
            if let markdown { draft = try Draft.markdown(Array(markdown.utf8)) }
            if let html { draft = try Draft.html(Array(html.utf8)) }
        } catch let error as any CategorizedError {
            throw Problem(error.category, error.description, field: name(markdown != nil ? "markdown" : "html"))
        }
        return OutgoingMessage(id: id, draft: draft, template: template, parameters: parameters ?? [], headerParameter: headerParameter,
                               buttonParameters: buttonParameters ?? [], subject: subject, cc: cc, attachments: files, voiceNote: voiceNote != nil)
    }
}

struct StartBody: Decodable {
    var id: String?
    var channel: ChannelID
    var campaign: String
    var to: [String]
    var cc: [String]?
    var bcc: [String]?
    var subject: String?
    var customer: String?
    var customerName: String?
    var message: MessageBody?

    func request(uploads: Uploads, agent: String) throws -> StartInteraction {
        StartInteraction(id: id, channel: channel, campaign: campaign, to: to, cc: cc ?? [], bcc: bcc ?? [], subject: subject, customer: customer,
                         customerName: customerName, message: try message?.message(field: "message", uploads: uploads, agent: agent))
    }
}

struct TransferBody: Decodable {
    var agent: String?
    var campaign: String?
    var note: String?

    func target() throws -> TransferTarget {
        switch (agent, campaign) {
        case (let agent?, nil): return .agent(agent)
        case (nil, let campaign?): return .campaign(campaign)
        case (.some, .some): throw Problem(.input, "transfer to an agent or to a campaign, not both", field: "campaign")
        case (nil, nil): throw Problem(.input, "say where to transfer: an agent or a campaign", field: "agent")
        }
    }
}

struct CategoryBody: Decodable {
    var category: String
}

struct FormBody: Decodable {
    var form: String
    var values: [String: String]
}
