import Foundation

/// A violation the fuzzers found whose fix belongs to code another change owns, saved under
/// `Fuzz/crashes/` and listed in docs/fuzzing.md ("Open findings"). While it is open, a target
/// passes over inputs that only show it — otherwise every run would stop at the same bug and
/// find nothing new, and CI would fail on a bug already reported. `FUZZ_STRICT=1` turns every
/// known issue back into a crash, to reproduce it or to check its fix; delete the exemption
/// once the fix is in.
public func isKnownIssue(_ name: String, _ applies: @autoclosure () -> Bool) -> Bool {
    !strict && applies()
}

private let strict: Bool = ProcessInfo.processInfo.environment["FUZZ_STRICT"] == "1"
