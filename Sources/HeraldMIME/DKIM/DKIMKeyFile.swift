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

extension DKIMVerification: CustomStringConvertible {
    /// `pass: ed25519-sha256 s1._domainkey.example.com` or `fail: … — why`.
    public var description: String {
        "\(passed ? "pass" : "fail"): \(algorithm) \(selector)._domainkey.\(domain)" + (failure.map { " — \($0)" } ?? "")
    }
}
