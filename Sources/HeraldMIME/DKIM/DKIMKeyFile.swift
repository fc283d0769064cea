import Foundation

extension DKIMKey {
    /// Writes the private key as PEM to a new file readable by its owner only (mode 0600). An
    /// existing file is never replaced: it may be the key a published record belongs to.
    public func writeNewFile(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it exists already (a key is never overwritten; remove it or give another file)"
                                         : String(cString: strerror(errno))
            throw HeraldError(.io, "cannot write the DKIM key to \(path): \(reason)")
        }
        defer { close(descriptor) }
        // The mode given to open(2) is reduced by the umask; 0600 is what is wanted whatever it is.
        fchmod(descriptor, 0o600)
        let bytes = Array(pemRepresentation.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { throw HeraldError(.io, "cannot write the DKIM key to \(path): \(String(cString: strerror(errno)))") }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw HeraldError(.io, "cannot write the DKIM key to \(path): \(String(cString: strerror(errno)))") }
    }
}

extension DKIMKey {
    /// A new key of the algorithm whose key type (`k=`) is `keyType` ("ed25519" or "rsa";
    /// `keyTypeName`: what the caller calls it, for the refusal of any other), written to a new
    /// file (`writeNewFile`) at `path`, by default SELECTOR.DOMAIN.pem; the key and its file.
    public static func generateFile(keyType: String, keyTypeName: String = "the key type", domain: String, selector: String,
                                    path: String? = nil) throws -> (key: DKIMKey, path: String) {
        guard let algorithm = DKIMAlgorithm.allCases.first(where: { $0.keyType == keyType }) else {
            throw HeraldError(.usage, "\(keyTypeName) '\(keyType)' is not ed25519 or rsa")
        }
        let key = try generate(algorithm, domain: domain, selector: selector)
        let path = path ?? key.defaultFileName
        try key.writeNewFile(path)
        return (key, path)
    }

    /// The key file's name unless one is given: SELECTOR.DOMAIN.pem.
    public var defaultFileName: String { "\(selector).\(domain).pem" }

    /// The line to publish: `SELECTOR._domainkey.DOMAIN TXT "v=DKIM1; k=…; p=…"`.
    public var recordLine: String { "\(recordName) TXT \"\(record)\"" }
}

extension DKIMVerifier {
    /// The file's signatures checked against one record (`herald dkim verify FILE --record R`):
    /// every signature is looked up with the same record, whatever its selector.
    public func verify(file path: String, record: String) throws -> [DKIMVerification] {
        let parsed = try DKIMRecord(parsing: record)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HeraldError(.io, "cannot read the message \(path)")
        }
        return verify(Array(data)) { _ in parsed }
    }
}

extension DKIMVerification {
    /// Why checking the signatures of `file` failed: it has none, or some did not pass; nil
    /// when every one passed.
    public static func failure(of results: [DKIMVerification], file: String) -> String? {
        if results.isEmpty { return "\(file) has no DKIM-Signature" }
        let failed = results.filter { !$0.passed }.count
        return failed == 0 ? nil : "\(failed) of \(results.count) DKIM signatures of \(file) failed"
    }
}

extension DKIMVerification: CustomStringConvertible {
    /// `pass: ed25519-sha256 s1._domainkey.example.com` or `fail: … — why`.
    public var description: String {
        "\(passed ? "pass" : "fail"): \(algorithm) \(selector)._domainkey.\(domain)" + (failure.map { " — \($0)" } ?? "")
    }
}
