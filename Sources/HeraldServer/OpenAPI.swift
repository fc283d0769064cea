import Foundation

/// The OpenAPI 3.1 document of the API (Sources/HeraldServer/openapi.json, a resource), served
/// at /api/v1/openapi.json. `OpenAPITests` checks that it and the router list the same routes.
public enum OpenAPI {
    public static let document: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else { return Array("{}".utf8) }
        return [UInt8](data)
    }()
}
