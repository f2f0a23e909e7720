import Foundation
import TangentCLI

// A closed pipe (`tangent run nb.md | head`) must not kill the run with SIGPIPE.
signal(SIGPIPE, SIG_IGN)
exit(Tangent.main(Array(CommandLine.arguments.dropFirst())))
