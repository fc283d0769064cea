/// One address as an inbound message states it: the decoded display name and the addr-spec.
///
/// Not `EmailAddress`: that type is made only from valid addresses (it guards what Herald
/// writes), while a received message can carry anything — an address without a domain, a
/// group's members, a name in a raw 8-bit charset. The inbox decides what to do with those; the
/// parser reports what is there.
public struct InboundAddress: Codable, Hashable, Sendable {
    /// The display name, decoded (RFC 2047 or raw 8-bit), or nil when there is none.
    public var name: String?
    /// The addr-spec, `local@domain`, as written (may be empty for a group without members).
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}
