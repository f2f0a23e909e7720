/// Why math could not be typeset; the description says what to install.
package enum KaTeXError: Error, Equatable, CustomStringConvertible {
    case nodeNotFound
    case katexNotFound(directory: String)
    case fontsNotFound(directory: String)
    case nodeFailed(status: Int32, message: String)
    case unreadableOutput(String)

    package var description: String {
        switch self {
        case .nodeNotFound:
            return "typesetting math needs Node.js, but neither 'node' nor 'nodejs' is on PATH; "
                + "install it with 'apt-get install nodejs'"
        case .katexNotFound(let directory):
            return "KaTeX is not installed: no katex.min.js in \(directory); install it with "
                + "'apt-get install libjs-katex' (or set \(KaTeXInstallation.environmentKey) "
                + "to a KaTeX folder)"
        case .fontsNotFound(let directory):
            return "KaTeX's fonts are missing: no fonts folder in \(directory); install them with "
                + "'apt-get install libjs-katex fonts-katex'"
        case .nodeFailed(let status, let message):
            return "KaTeX failed (node exited with status \(status))" + (message.isEmpty ? "" : ": \(message)")
        case .unreadableOutput(let detail):
            return "KaTeX's output could not be read: \(detail)"
        }
    }
}
