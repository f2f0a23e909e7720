/// Facts about this build of Tangent (its version keys the cache and the reports, and the
/// site names it as its generator).
package enum TangentInfo {
    package static let version = "0.2.0"
}
