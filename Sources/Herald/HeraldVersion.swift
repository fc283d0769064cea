extension Herald {
    /// Herald's version: `herald --version` prints it, and anything else that reports a version
    /// reads it here, so there is one place to change at a release.
    public static let version = "0.1.0"
}
